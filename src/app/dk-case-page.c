/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-page.c: one case: every field, routines, timeline and follow-up notes */

#define G_LOG_DOMAIN "dk-case-page"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-accessible-names.h"
#include "dk-affected-box.h"
#include "dk-application.h"
#include "dk-case-changes-bar.h"
#include "dk-case-page.h"
#include "dk-case-reserve.h"
#include "dk-case-writer-bar.h"
#include "dk-follow-button.h"
#include "dk-format.h"
#include "dk-offline-banner.h"
#include "dk-print-operation.h"
#include "dk-report-contacts.h"

struct _DkCasePage
{
  AdwBin          parent_instance;

  /* template widgets */
  DkAffectedBox  *affected_box;     /* dk-affected-box.c: "We are affected too" */
  DkOfflineBanner *banner;
  DkCaseChangesBar *changes_bar;
  GtkLabel       *description_label;
  GtkGrid        *details_grid;
  GtkBox         *follow_buttons;
  GtkBox         *follow_ups_box;
  GtkListBox     *follow_ups_list;
  GtkLabel       *kind_label;
  GtkLabel       *major_label;
  GtkLabel       *pending_label;
  GtkLabel       *priority_label;
  DkCaseReserve  *reserve;
  GtkBox         *routine_buttons;
  GtkBox         *routines_box;
  GtkBox         *scope_box;
  GtkLabel       *scope_label;
  GtkListBox     *timeline_list;
  GtkLabel       *title_label;
  GtkLabel       *visibility_label;
  AdwWindowTitle *window_title;
  DkCaseWriterBar *writer_bar;

  /* owned */
  DkCase         *kase;
  DkSyncEngine   *engine;
  GHashTable     *service_names;

  /* state */
  int             n_details;
};

G_DEFINE_FINAL_TYPE (DkCasePage, dk_case_page, ADW_TYPE_BIN)

static void
clear_list_box (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

/* A line "label  value" of the details; nothing for an empty value. */
static void
add_detail (DkCasePage *self,
            const char *label,
            const char *value)
{
  GtkWidget *name_label;
  GtkWidget *value_label;

  g_assert (DK_IS_CASE_PAGE (self));

  if (value == NULL || value[0] == '\0')
    return;

  name_label = gtk_label_new (label);
  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_widget_set_valign (name_label, GTK_ALIGN_START);
  gtk_widget_add_css_class (name_label, "dim-label");
  value_label = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_widget_set_hexpand (value_label, TRUE);
  gtk_grid_attach (self->details_grid, name_label, 0, self->n_details, 1, 1);
  gtk_grid_attach (self->details_grid, value_label, 1, self->n_details, 1, 1);
  self->n_details++;
}

static void
clear_details (DkCasePage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->details_grid))) != NULL)
    gtk_grid_remove (self->details_grid, child);
  self->n_details = 0;
}

static void
show_details (DkCasePage   *self,
              const DkCase *kase,
              GHashTable   *service_names)
{
  g_autofree char *services = dk_format_services (kase->services, service_names);
  g_autofree char *start = dk_format_time (kase->start);
  g_autofree char *expected_end = dk_format_time (kase->expected_end);
  g_autofree char *closed_at = dk_format_time (kase->closed_at);
  g_autofree char *created_at = dk_format_time (kase->created_at);
  g_autofree char *priority = dk_priority_is_valid (kase->priority)
                              ? dk_priority_dup_description (kase->priority)
                              : g_strdup_printf ("%d", kase->priority);

  g_assert (DK_IS_CASE_PAGE (self));

  clear_details (self);
  /* What the replica could not read of this case, first (issue 13); nothing when none. */
  add_detail (self, _("Not shown"), kase->unread);
  add_detail (self, _("Number"), kase->number != NULL ? kase->number : _("(no number yet)"));
  add_detail (self, _("Kind"), dk_case_kind_label (kase->kind));
  add_detail (self, _("Area"), dk_area_label (kase->area));
  add_detail (self, _("Status"), dk_case_status_label (kase->status));
  add_detail (self, _("Priority"), priority);
  add_detail (self, _("Affected services"), services);
  add_detail (self, _("Start"), start);
  if (kase->expected_end != DK_TIME_UNSET && kase->expected_end < dk_time_now () &&
      kase->status != DK_CASE_STATUS_CLOSED)
    {
      g_autofree char *overdue = g_strdup_printf (_("%s (overdue)"), expected_end);

      add_detail (self, _("Estimated end"), overdue);
    }
  else
    add_detail (self, _("Estimated end"), expected_end);
  add_detail (self, _("Closed"), closed_at);
  add_detail (self, _("Major incident"), kase->major ? _("Yes") : _("No"));
  add_detail (self, _("Visibility"), kase->public ? _("Public") : _("Internal"));
  add_detail (self, _("External reference"), kase->external_ref);
  add_detail (self, _("Published by"), kase->publisher);
  add_detail (self, _("Published"), created_at);
}

/* The distinct owners of the routines for services of @area, joined by ", "; NULL when
 * no routine of the replica covers a service of that area. */
static char *
dup_area_owners (GPtrArray  *routines,
                 GHashTable *service_areas,
                 DkArea      area)
{
  g_autoptr(GPtrArray) owners = g_ptr_array_new ();

  for (guint r = 0; routines != NULL && r < routines->len; r++)
    {
      DkRoutine *routine = g_ptr_array_index (routines, r);
      gboolean in_area = FALSE;

      if (routine->owner == NULL || routine->owner[0] == '\0')
        continue;
      for (guint s = 0; routine->services != NULL && s < routine->services->len && !in_area; s++)
        {
          gpointer found;

          in_area = g_hash_table_lookup_extended (service_areas,
                                                  g_ptr_array_index (routine->services, s),
                                                  NULL, &found) &&
                    GPOINTER_TO_INT (found) == (int) area;
        }
      if (in_area && !g_ptr_array_find_with_equal_func (owners, routine->owner, g_str_equal, NULL))
        g_ptr_array_add (owners, routine->owner);
    }
  if (owners->len == 0)
    return NULL;

  g_ptr_array_add (owners, NULL);
  /* Translators: between the names of routine owners */
  return g_strjoinv (_(", "), (char **) owners->pdata);
}

/* Service id → its DkArea, from the replica. */
static GHashTable *
read_service_areas (DkStore *store)
{
  g_autoptr(GHashTable) areas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) services = NULL;
  g_autoptr(GError) error = NULL;

  services = dk_store_list_services (store, &error);
  if (services == NULL)
    g_warning ("Could not read the services: %s", error->message);
  for (guint i = 0; services != NULL && i < services->len; i++)
    {
      DkService *service = g_ptr_array_index (services, i);

      g_hash_table_insert (areas, g_strdup (service->id), GINT_TO_POINTER (service->area));
    }

  return g_steal_pointer (&areas);
}

/* Whom to ask when no routine owner is known: user support by name and number when
 * the settings or the routines say, else the service desk. */
static char *
dup_support_to_ask (DkStore *store)
{
  GApplication *app = g_application_get_default ();
  GSettings *settings = DK_IS_APPLICATION (app)
                        ? dk_application_get_settings (DK_APPLICATION (app))
                        : NULL;
  g_autoptr(DkReportContacts) contacts = dk_report_contacts_find (store, settings, NULL);
  const char *number = dk_report_contacts_number_now (contacts, dk_time_now ());

  if (number != NULL)
    /* Translators: the first %s is who answers ("Användarstöd"), the second a phone number */
    return g_strdup_printf (_("Ask %s (%s) whether a reserve routine applies."),
                            contacts->name != NULL ? contacts->name : _("user support"),
                            number);

  return g_strdup (_("Ask the service desk whether a reserve routine applies."));
}

/* "No reserve routine for Cosmic", with whom to ask, for a service no routine covers. */
static GtkWidget *
new_no_routine_row (DkStore    *store,
                    GPtrArray  *routines,
                    GHashTable *service_areas,
                    const char *service_id,
                    const char *name)
{
  g_autofree char *heading = NULL;
  g_autofree char *owners = NULL;
  g_autofree char *ask = NULL;
  g_autofree char *text = NULL;
  gpointer found = NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *heading_label;
  GtkWidget *ask_label;

  /* Translators: on a case page; %s is an affected service */
  heading = g_strdup_printf (_("No reserve routine for %s"), name);
  if (g_hash_table_lookup_extended (service_areas, service_id, NULL, &found))
    {
      DkArea area = GPOINTER_TO_INT (found);

      owners = dup_area_owners (routines, service_areas, area);
      if (owners != NULL)
        /* Translators: the first %s is an area ("IT and telephony"), the second the
         * owners of its routines */
        ask = g_strdup_printf (_("Ask the routine owner for %s: %s."), dk_area_label (area),
                               owners);
    }
  if (ask == NULL)
    ask = dup_support_to_ask (store);

  heading_label = gtk_label_new (heading);
  gtk_label_set_xalign (GTK_LABEL (heading_label), 0);
  gtk_label_set_wrap (GTK_LABEL (heading_label), TRUE);
  gtk_widget_add_css_class (heading_label, "heading");
  ask_label = gtk_label_new (ask);
  gtk_label_set_xalign (GTK_LABEL (ask_label), 0);
  gtk_label_set_wrap (GTK_LABEL (ask_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (ask_label), TRUE);
  gtk_box_append (GTK_BOX (box), heading_label);
  gtk_box_append (GTK_BOX (box), ask_label);
  gtk_widget_set_name (box, "no-reserve-routine");
  text = g_strdup_printf ("%s. %s", heading, ask);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);

  return box;
}

static void
show_routines (DkCasePage   *self,
               DkStore      *store,
               const DkCase *kase,
               GHashTable   *service_names)
{
  g_autoptr(GPtrArray) routines = NULL;
  g_autoptr(GHashTable) service_areas = read_service_areas (store);
  g_autoptr(GError) error = NULL;
  guint n_buttons = 0;

  g_assert (DK_IS_CASE_PAGE (self));

  clear_box (self->routine_buttons);
  routines = dk_store_list_routines (store, &error);
  if (routines == NULL)
    g_warning ("Could not read the routines: %s", error->message);

  for (guint s = 0; routines != NULL && s < kase->services->len; s++)
    {
      const char *service = g_ptr_array_index (kase->services, s);
      const char *service_name = service_names != NULL ? g_hash_table_lookup (service_names,
                                                                               service)
                                                        : NULL;
      gboolean covered = FALSE;

      for (guint r = 0; r < routines->len; r++)
        {
          DkRoutine *routine = g_ptr_array_index (routines, r);
          const char *name;
          g_autofree char *label = NULL;
          GtkWidget *button;

          if (!g_ptr_array_find_with_equal_func (routine->services, service, g_str_equal, NULL))
            continue;

          name = service_names != NULL ? g_hash_table_lookup (service_names, service) : NULL;
          /* Translators: a button on a case page; %s is an affected service's name */
          label = g_strdup_printf (_("Open reserve routine for %s"), name != NULL ? name : service);
          button = gtk_button_new_with_label (label);
          gtk_widget_set_tooltip_text (button, routine->title);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "app.open-routine");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", routine->id);
          gtk_widget_add_css_class (button, "pill");
          gtk_box_append (self->routine_buttons, button);
          n_buttons++;
          covered = TRUE;
          if (routine->approved_at != DK_TIME_UNSET)
            {
              g_autofree char *start_label = NULL;

              /* Translators: a button on a case page; %s is an affected service's name */
              start_label = g_strdup_printf (_("Start reserve routine for %s"),
                                             name != NULL ? name : service);
              button = gtk_button_new_with_label (start_label);
              gtk_widget_set_tooltip_text (button, routine->title);
              gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "app.start-routine");
              gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(ss)", routine->id,
                                                kase->id);
              gtk_widget_add_css_class (button, "pill");
              gtk_widget_add_css_class (button, "suggested-action");
              gtk_box_append (self->routine_buttons, button);
            }
          break;  /* one button per service */
        }

      /* Saying nothing would read as "nothing to do": say so, and whom to ask. */
      if (!covered)
        {
          gtk_box_append (self->routine_buttons,
                          new_no_routine_row (store, routines, service_areas, service,
                                              service_name != NULL ? service_name : service));
          n_buttons++;
        }
    }

  gtk_widget_set_visible (GTK_WIDGET (self->routines_box), n_buttons > 0);
}

static GtkWidget *
new_entry_row (const char *heading,
               const char *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *heading_label = gtk_label_new (heading);
  GtkWidget *text_label = gtk_label_new (text);

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (heading_label), 0);
  gtk_label_set_wrap (GTK_LABEL (heading_label), TRUE);
  gtk_widget_add_css_class (heading_label, "dim-label");
  gtk_widget_add_css_class (heading_label, "caption");
  gtk_label_set_xalign (GTK_LABEL (text_label), 0);
  gtk_label_set_wrap (GTK_LABEL (text_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (text_label), TRUE);
  gtk_box_append (GTK_BOX (box), heading_label);
  gtk_box_append (GTK_BOX (box), text_label);
  dk_accessible_name_list_item (box, text[0] != '\0' ? text : heading);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  heading, -1);

  return box;
}

/* A reserve routine declared or lifted, as a timeline entry's heading and text. */
static GtkWidget *
new_reserve_row (const DkCaseReserveEvent *event)
{
  g_autofree char *at = dk_format_time (event->at);
  g_autofree char *units = dk_case_reserve_format_units (event);
  g_autofree char *what = NULL;
  g_autofree char *heading = NULL;

  if (event->declared)
    /* Translators: a timeline entry; %s is "all units" or the units listed */
    what = g_strdup_printf (_("Reserve routine declared for %s"), units);
  else
    what = g_strdup (_("Reserve routine lifted"));
  heading = g_strdup_printf (_("%s · %s · %s"), at, what,
                             event->author != NULL ? event->author : _("unknown"));

  return new_entry_row (heading, event->text != NULL ? event->text : "");
}

static void
show_timeline (DkCasePage   *self,
               const DkCase *kase)
{
  guint u, r;

  g_assert (DK_IS_CASE_PAGE (self));

  clear_list_box (self->timeline_list);
  /* The latest first: that is what a person looks for. Updates and the reserve
   * routine's declarations and liftings are each oldest first; merged by time. */
  u = kase->updates->len;
  r = kase->reserve != NULL ? kase->reserve->len : 0;
  while (u > 0 || r > 0)
    {
      DkCaseUpdate *update = u > 0 ? g_ptr_array_index (kase->updates, u - 1) : NULL;
      DkCaseReserveEvent *event = r > 0 ? g_ptr_array_index (kase->reserve, r - 1) : NULL;
      g_autofree char *at = NULL;
      g_autofree char *heading = NULL;

      if (event != NULL && (update == NULL || event->at >= update->at))
        {
          gtk_list_box_append (self->timeline_list, new_reserve_row (event));
          r--;
          continue;
        }

      at = dk_format_time (update->at);
      /* Translators: a timeline entry: time · update phrase · author */
      heading = g_strdup_printf (_("%s · %s · %s"), at, dk_update_phrase_label (update->phrase),
                                 update->author != NULL ? update->author : _("unknown"));
      gtk_list_box_append (self->timeline_list,
                           new_entry_row (heading, update->text != NULL ? update->text : ""));
      u--;
    }
  if (kase->updates->len == 0 && (kase->reserve == NULL || kase->reserve->len == 0))
    gtk_list_box_append (self->timeline_list, new_entry_row (_("No updates yet"), ""));
}

static void
show_follow_ups (DkCasePage   *self,
                 const DkCase *kase)
{
  g_assert (DK_IS_CASE_PAGE (self));

  clear_list_box (self->follow_ups_list);
  for (guint i = 0; kase->follow_ups != NULL && i < kase->follow_ups->len; i++)
    {
      DkCaseFollowUp *note = g_ptr_array_index (kase->follow_ups, i);
      g_autofree char *at = dk_format_time (note->at);
      g_autofree char *heading = NULL;

      /* Translators: a follow-up note's heading: time · author */
      heading = g_strdup_printf (_("%s · %s"), at,
                                 note->author != NULL ? note->author : _("unknown"));
      gtk_list_box_append (self->follow_ups_list,
                           new_entry_row (heading, note->text != NULL ? note->text : ""));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->follow_ups_box),
                          kase->follow_ups != NULL && kase->follow_ups->len > 0);
}

static gboolean
same_follow_buttons (GtkBox    *box,
                     GPtrArray *services)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (box));

  for (guint i = 0; i < services->len; i++, child = gtk_widget_get_next_sibling (child))
    if (!DK_IS_FOLLOW_BUTTON (child) ||
        g_strcmp0 (dk_follow_button_get_service_id (DK_FOLLOW_BUTTON (child)),
                   g_ptr_array_index (services, i)) != 0)
      return FALSE;

  return child == NULL && services->len > 0;
}

/* "Follow <service>" for each affected service, once the page has the engine. */
static void
show_follow_buttons (DkCasePage *self)
{
  g_assert (DK_IS_CASE_PAGE (self));

  if (self->engine == NULL || self->kase == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->follow_buttons), FALSE);
      return;
    }

  /* The same services: the buttons follow the engine themselves; keep them (and the
   * focus of the one just pressed). */
  if (same_follow_buttons (self->follow_buttons, self->kase->services))
    return;

  dk_follow_buttons_fill (self->follow_buttons, self->engine, self->kase->services,
                          self->service_names);
}

static void
print_sheet_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DkCasePage *self = DK_CASE_PAGE (widget);
  GApplication *app = g_application_get_default ();

  if (self->kase != NULL && DK_IS_APPLICATION (app))
    dk_print_case_sheet (widget, dk_application_get_store (DK_APPLICATION (app)), self->kase->id);
}

static void
dk_case_page_dispose (GObject *object)
{
  DkCasePage *self = DK_CASE_PAGE (object);

  g_clear_pointer (&self->kase, dk_case_unref);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->service_names, g_hash_table_unref);

  G_OBJECT_CLASS (dk_case_page_parent_class)->dispose (object);
}

/* The page's banner exists only while the page shows; the window's lists have theirs. */
static void
dk_case_page_map (GtkWidget *widget)
{
  DkCasePage *self = DK_CASE_PAGE (widget);

  gtk_widget_set_visible (GTK_WIDGET (self->banner), TRUE);
  GTK_WIDGET_CLASS (dk_case_page_parent_class)->map (widget);
}

static void
dk_case_page_unmap (GtkWidget *widget)
{
  DkCasePage *self = DK_CASE_PAGE (widget);

  GTK_WIDGET_CLASS (dk_case_page_parent_class)->unmap (widget);
  gtk_widget_set_visible (GTK_WIDGET (self->banner), FALSE);
}

static void
dk_case_page_class_init (DkCasePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_case_page_dispose;
  widget_class->map = dk_case_page_map;
  widget_class->unmap = dk_case_page_unmap;

  g_type_ensure (DK_TYPE_CASE_CHANGES_BAR);
  g_type_ensure (DK_TYPE_CASE_RESERVE);
  g_type_ensure (DK_TYPE_OFFLINE_BANNER);
  g_type_ensure (DK_TYPE_AFFECTED_BOX);
  g_type_ensure (DK_TYPE_CASE_WRITER_BAR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-case-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, affected_box);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, banner);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, changes_bar);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, description_label);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, details_grid);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, follow_buttons);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, follow_ups_box);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, follow_ups_list);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, kind_label);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, major_label);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, pending_label);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, priority_label);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, reserve);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, routine_buttons);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, routines_box);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, scope_box);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, scope_label);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, timeline_list);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, visibility_label);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, window_title);
  gtk_widget_class_bind_template_child (widget_class, DkCasePage, writer_bar);

  gtk_widget_class_install_action (widget_class, "case.print-sheet", NULL, print_sheet_action);
}

static void
dk_case_page_init (DkCasePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dk_case_page_new:
 *
 * Returns: (transfer full): a new, empty case page
 */
GtkWidget *
dk_case_page_new (void)
{
  return g_object_new (DK_TYPE_CASE_PAGE, NULL);
}

/* A badge sits in a GtkFlowBoxChild, which lays out by its own visibility. */
static void
show_badge (GtkLabel *badge,
            gboolean  visible)
{
  gtk_widget_set_visible (GTK_WIDGET (badge), visible);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (badge)), visible);
}

/**
 * dk_case_page_set_case:
 * @self: a #DkCasePage
 * @store: the replica, for the routines
 * @kase: the case to show
 * @service_names: (nullable): service id → name
 */
void
dk_case_page_set_case (DkCasePage *self,
                       DkStore    *store,
                       DkCase     *kase,
                       GHashTable *service_names)
{
  g_autofree char *priority = NULL;
  gboolean pending;

  g_return_if_fail (DK_IS_CASE_PAGE (self));
  g_return_if_fail (DK_IS_STORE (store));
  g_return_if_fail (kase != NULL);

  dk_case_ref (kase);
  g_clear_pointer (&self->kase, dk_case_unref);
  self->kase = kase;

  adw_window_title_set_title (self->window_title,
                              kase->number != NULL ? kase->number : dk_case_kind_label (kase->kind));
  adw_window_title_set_subtitle (self->window_title, dk_case_status_label (kase->status));
  gtk_label_set_label (self->title_label, kase->title);
  gtk_label_set_label (self->kind_label, dk_case_kind_label (kase->kind));
  priority = g_strdup_printf (_("Priority %d"), kase->priority);
  gtk_label_set_label (self->priority_label, priority);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->priority_label),
                               dk_priority_is_valid (kase->priority)
                                 ? dk_priority_label (kase->priority) : NULL);
  show_badge (self->major_label, kase->major);
  gtk_label_set_label (self->visibility_label, kase->public ? _("Public") : _("Internal"));
  pending = dk_store_is_pending (store, DK_TYPE_NAME_CASE, kase->id);
  gtk_label_set_label (self->pending_label, pending ? _("Waiting to publish") : "");
  show_badge (self->pending_label, pending);
  dk_case_changes_bar_set_case (self->changes_bar, kase);
  dk_case_reserve_set_case (self->reserve, kase);

  gtk_label_set_label (self->description_label,
                       kase->description != NULL ? kase->description : "");
  gtk_label_set_label (self->scope_label, kase->scope != NULL ? kase->scope : "");
  gtk_widget_set_visible (GTK_WIDGET (self->scope_box),
                          kase->scope != NULL && kase->scope[0] != '\0');

  if (service_names != NULL)
    g_hash_table_ref (service_names);
  g_clear_pointer (&self->service_names, g_hash_table_unref);
  self->service_names = service_names;

  show_details (self, kase, service_names);
  show_follow_buttons (self);
  show_routines (self, store, kase, service_names);
  show_timeline (self, kase);
  show_follow_ups (self, kase);
  dk_affected_box_set_case (self->affected_box, store, kase);
  dk_case_writer_bar_set_case (self->writer_bar, store, kase);
}

/**
 * dk_case_page_get_case_id:
 * @self: a #DkCasePage
 *
 * Returns: (nullable): the id of the case shown
 */
const char *
dk_case_page_get_case_id (DkCasePage *self)
{
  g_return_val_if_fail (DK_IS_CASE_PAGE (self), NULL);

  return self->kase != NULL ? self->kase->id : NULL;
}

/**
 * dk_case_page_set_engine:
 * @self: a #DkCasePage
 * @engine: the sync engine
 *
 * The page says, as the lists do, when the app is offline and how old what it shows
 * is: a case opened during an outage is read from the replica.
 */
void
dk_case_page_set_engine (DkCasePage   *self,
                         DkSyncEngine *engine)
{
  g_return_if_fail (DK_IS_CASE_PAGE (self));
  g_return_if_fail (DK_IS_SYNC_ENGINE (engine));

  g_set_object (&self->engine, engine);
  show_follow_buttons (self);
  dk_offline_banner_set_engine (self->banner, engine);
  dk_affected_box_set_engine (self->affected_box, engine);
  dk_case_changes_bar_set_engine (self->changes_bar, engine);
  dk_case_reserve_set_engine (self->reserve, engine);
}
