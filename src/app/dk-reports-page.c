/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-reports-page.c: My Reports, or the service desk's inbox
 *
 * The inbox actions (acknowledge, close, create an incident) are in dk-inbox-actions.c. */

#define G_LOG_DOMAIN "dk-reports-page"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-inbox.h"
#include "dk-publish-rights.h"
#include "dk-report-item.h"
#include "dk-report-row.h"
#include "dk-reports-page-private.h"

G_DEFINE_FINAL_TYPE (DkReportsPage, dk_reports_page, ADW_TYPE_BIN)

static gboolean
is_open (const DkReport *report)
{
  return report->state == DK_REPORT_STATE_NEW || report->state == DK_REPORT_STATE_ACKNOWLEDGED;
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  const DkReport *x = *(const DkReport * const *) a;
  const DkReport *y = *(const DkReport * const *) b;

  return (y->created_at > x->created_at) - (y->created_at < x->created_at);
}

static const char *
name_of (DkReportsPage *self,
         const char    *service_id)
{
  const DkService *service = service_id != NULL ? g_hash_table_lookup (self->services, service_id)
                                                 : NULL;

  return service != NULL ? service->name : service_id;
}

static void
load_services (DkReportsPage *self)
{
  g_autoptr(GPtrArray) services = NULL;
  g_autoptr(GError) error = NULL;

  g_hash_table_remove_all (self->services);
  services = dk_store_list_services (dk_sync_engine_get_store (self->engine), &error);
  if (services == NULL)
    {
      g_warning ("Could not read the services: %s", error->message);
      return;
    }
  for (guint i = 0; i < services->len; i++)
    {
      DkService *service = g_ptr_array_index (services, i);

      g_hash_table_insert (self->services, g_strdup (service->id), dk_service_ref (service));
    }
}

/* The reports this page lists, newest first. */
static GPtrArray *
list_reports (DkReportsPage *self,
              const char    *me,
              DkRole         roles)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *reports = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_report_unref);
  guint areas = dk_rules_report_inbox_areas (roles);

  all = dk_store_list_reports (dk_sync_engine_get_store (self->engine), &error);
  if (all == NULL)
    {
      g_warning ("Could not read the reports: %s", error->message);
      return reports;
    }

  for (guint i = 0; i < all->len; i++)
    {
      DkReport *report = g_ptr_array_index (all, i);

      if (self->mode == DK_REPORTS_PAGE_MINE)
        {
          if (g_strcmp0 (report->created_by, me) != 0)
            continue;
        }
      else
        {
          const DkService *service = report->service != NULL
                                       ? g_hash_table_lookup (self->services, report->service)
                                       : NULL;

          if (!is_open (report) || report->number == NULL)
            continue;
          /* A report on a service the replica does not know goes to the service desk. */
          if (service != NULL ? (areas & (1u << service->area)) == 0
                              : (roles & DK_ROLE_SERVICEDESK) == 0)
            continue;
        }
      g_ptr_array_add (reports, dk_report_ref (report));
    }
  g_ptr_array_sort (reports, newest_first);

  return reports;
}

static void
fill_mine (DkReportsPage *self,
           GPtrArray     *reports)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);

  for (guint i = 0; i < reports->len; i++)
    {
      const DkReport *report = g_ptr_array_index (reports, i);
      gboolean pending = report->number == NULL ||
                         dk_store_is_pending (store, DK_TYPE_NAME_REPORT, report->id);
      g_autoptr(DkReportItem) item = dk_report_item_new_report (report,
                                                                name_of (self, report->service),
                                                                pending);

      g_list_store_append (self->items, item);
    }
}

static void
fill_inbox (DkReportsPage *self,
            GPtrArray     *reports)
{
  guint threshold = g_settings_get_uint (self->settings, "inbox-threshold");
  gint64 window = (gint64) g_settings_get_uint (self->settings, "inbox-window-minutes") * 60;
  g_autoptr(GPtrArray) groups = dk_inbox_group (reports, threshold, window, dk_time_now ());

  for (guint i = 0; i < groups->len; i++)
    {
      const DkInboxGroup *group = g_ptr_array_index (groups, i);
      g_autoptr(DkReportItem) heading = dk_report_item_new_group (group->service,
                                                                  name_of (self, group->service));

      heading->count = group->reports->len;
      heading->units = group->units;
      heading->probable = group->probable_incident;
      heading->urgent = group->has_urgent;
      heading->newest = ((const DkReport *) g_ptr_array_index (group->reports, 0))->created_at;
      heading->in_inbox = TRUE;
      g_list_store_append (self->items, heading);

      for (guint j = 0; j < group->reports->len; j++)
        {
          const DkReport *report = g_ptr_array_index (group->reports, j);
          g_autoptr(DkReportItem) item = dk_report_item_new_report (report, heading->service_name,
                                                                    FALSE);

          item->in_inbox = TRUE;
          g_list_store_append (self->items, item);
        }
    }
}

/* ---- callbacks ---- */

static void
dk_reports_page_setup_cb (GtkSignalListItemFactory *factory,
                          GtkListItem              *list_item,
                          DkReportsPage            *self)
{
  gtk_list_item_set_child (list_item, dk_report_row_new ());
  gtk_list_item_set_activatable (list_item, FALSE);
}

static void
dk_reports_page_bind_cb (GtkSignalListItemFactory *factory,
                         GtkListItem              *list_item,
                         DkReportsPage            *self)
{
  dk_report_row_set_item (DK_REPORT_ROW (gtk_list_item_get_child (list_item)),
                          gtk_list_item_get_item (list_item), dk_time_now ());
}

static void
dk_reports_page_engine_changed_cb (DkReportsPage *self)
{
  dk_reports_page_reload (self);
}

/* ---- GObject ---- */

static void
dk_reports_page_dispose (GObject *object)
{
  DkReportsPage *self = DK_REPORTS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DK_TYPE_REPORTS_PAGE);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);
  g_clear_object (&self->items);
  g_clear_pointer (&self->services, g_hash_table_unref);

  G_OBJECT_CLASS (dk_reports_page_parent_class)->dispose (object);
}

static void
dk_reports_page_class_init (DkReportsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_reports_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-reports-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DkReportsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, DkReportsPage, intro_label);
  gtk_widget_class_bind_template_child (widget_class, DkReportsPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, DkReportsPage, report_button);
  gtk_widget_class_bind_template_child (widget_class, DkReportsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, DkReportsPage, top_bar);
  _dk_reports_page_class_init_inbox (widget_class);
}

static void
dk_reports_page_init (DkReportsPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->items = g_list_store_new (DK_TYPE_REPORT_ITEM);
  self->services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) dk_service_unref);
  g_signal_connect (factory, "setup", G_CALLBACK (dk_reports_page_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (dk_reports_page_bind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (gtk_no_selection_new (
                             G_LIST_MODEL (g_object_ref (self->items)))));
}

/* ---- private API ---- */

DkReport *
_dk_reports_page_get_report (DkReportsPage *self,
                             const char    *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DkReportItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (item->report != NULL && g_strcmp0 (item->report->id, id) == 0)
        return dk_report_ref (item->report);
    }

  return NULL;
}

GPtrArray *
_dk_reports_page_group_reports (DkReportsPage *self,
                                const char    *service_id)
{
  GPtrArray *reports = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_report_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DkReportItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (item->report != NULL && g_strcmp0 (item->report->service, service_id) == 0)
        g_ptr_array_add (reports, dk_report_ref (item->report));
    }

  return reports;
}

/* ---- public API ---- */

/**
 * dk_reports_page_setup:
 * @self: a page
 * @mode: My Reports or the inbox
 * @engine: the sync engine, with the replica
 * @settings: the app's settings (the inbox's threshold and window)
 */
void
dk_reports_page_setup (DkReportsPage     *self,
                       DkReportsPageMode  mode,
                       DkSyncEngine      *engine,
                       GSettings         *settings)
{
  g_return_if_fail (DK_IS_REPORTS_PAGE (self));
  g_return_if_fail (DK_IS_SYNC_ENGINE (engine));

  self->mode = mode;
  self->engine = g_object_ref (engine);
  self->settings = g_object_ref (settings);
  gtk_widget_set_visible (GTK_WIDGET (self->report_button), mode == DK_REPORTS_PAGE_MINE);
  gtk_label_set_label (self->intro_label,
                       mode == DK_REPORTS_PAGE_MINE
                         ? _("Your fault reports and urgent cases, and how far each has come.")
                         : _("Open fault reports and urgent cases, grouped by service, the "
                             "newest first."));
  adw_status_page_set_title (self->empty_page, mode == DK_REPORTS_PAGE_MINE
                                                 ? _("No Reports")
                                                 : _("The Inbox Is Empty"));
  adw_status_page_set_description (self->empty_page, mode == DK_REPORTS_PAGE_MINE
                                     ? _("When something does not work, report it here: the "
                                         "service desk sees it at once, or when the "
                                         "connection returns.")
                                     : _("No open fault reports or urgent cases."));
  g_signal_connect_object (engine, "changed", G_CALLBACK (dk_reports_page_engine_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "notify::outbox-size",
                           G_CALLBACK (dk_reports_page_engine_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::inbox-threshold",
                           G_CALLBACK (dk_reports_page_engine_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::inbox-window-minutes",
                           G_CALLBACK (dk_reports_page_engine_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

/**
 * dk_reports_page_reload:
 * @self: a page
 *
 * Returns: whether the page is for the logged-in user
 */
gboolean
dk_reports_page_reload (DkReportsPage *self)
{
  DkStore *store;
  g_autofree char *me = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  DkRole roles;
  gboolean for_me;

  g_return_val_if_fail (DK_IS_REPORTS_PAGE (self), FALSE);

  if (self->engine == NULL)
    return FALSE;

  store = dk_sync_engine_get_store (self->engine);
  me = dk_store_dup_meta (store, "username");
  roles = dk_publish_rights_get_roles (store);
  for_me = me != NULL && (self->mode == DK_REPORTS_PAGE_MINE || dk_rules_report_inbox_areas (roles) != 0);

  g_list_store_remove_all (self->items);
  if (for_me)
    {
      load_services (self);
      reports = list_reports (self, me, roles);
      if (self->mode == DK_REPORTS_PAGE_MINE)
        fill_mine (self, reports);
      else
        fill_inbox (self, reports);
    }

  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->items)) > 0
                                      ? "list" : "empty");
  return for_me;
}
