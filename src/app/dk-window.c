/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-window.c: the main window: incidents, planned actions, crisis information, the
 * archive and the reserve routines, a case page, search, filters and the connection */

#define G_LOG_DOMAIN "dk-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-case-list.h"
#include "dk-case-page.h"
#include "dk-offline-banner.h"
#include "dk-outbox-window.h"
#include "dk-print-operation.h"
#include "dk-routines-page.h"
#include "dk-window.h"

struct _DkWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  GtkToggleButton      *area_all_button;
  GtkToggleButton      *area_facilities_button;
  GtkToggleButton      *area_it_button;
  GtkToggleButton      *area_lab_button;
  DkCaseList           *archive_list;
  DkOfflineBanner      *banner;
  DkCasePage           *case_page;
  GtkButton            *connection_button;
  GtkImage             *connection_icon;
  GtkLabel             *connection_label;
  GtkStack             *content_stack;
  DkCaseList           *crisis_list;
  GtkToggleButton      *follow_button;
  GtkEntry             *from_entry;
  DkCaseList           *incidents_list;
  AdwLeaflet           *leaflet;
  DkCaseList           *planned_list;
  DkRoutinesPage       *routines_page;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  DkCaseList           *search_list;
  GtkDropDown          *service_dropdown;
  GtkEntry             *to_entry;
  AdwViewStack         *view_stack;

  /* owned */
  DkStore              *store;
  DkSyncEngine         *engine;
  GSettings            *settings;
  GCancellable         *cancellable;
  DkCaseListModel      *incidents;
  DkCaseListModel      *planned;
  DkCaseListModel      *crisis;
  DkCaseListModel      *archive;
  DkCaseListModel      *search;
  GHashTable           *service_names;   /* service id → name */
  GPtrArray            *service_ids;     /* the dropdown's services, after "All services" */
  DkSubscription       *following;

  /* state */
  gboolean              empty_pages_set;
  gboolean              synced;          /* what the empty pages were last written for */
  gboolean              filter_area;
  DkArea                area;
  gint64                from;
  gint64                to;
};

G_DEFINE_FINAL_TYPE (DkWindow, dk_window, ADW_TYPE_APPLICATION_WINDOW)

/* ---- the lists ---- */

static const char *
selected_service (DkWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->service_dropdown);

  if (self->service_ids == NULL || selected == GTK_INVALID_LIST_POSITION || selected == 0 ||
      selected > self->service_ids->len)
    return NULL;

  return g_ptr_array_index (self->service_ids, selected - 1);
}

static void
fill_query (DkWindow    *self,
            DkCaseQuery *query)
{
  g_assert (DK_IS_WINDOW (self));

  query->filter_area = self->filter_area;
  query->area = self->area;
  query->service = selected_service (self);
}

static void
apply_query (DkWindow        *self,
             DkCaseListModel *model,
             gboolean         filter_kind,
             DkCaseKind       kind,
             gboolean         archived)
{
  DkCaseQuery query = { 0 };
  gboolean follow = gtk_toggle_button_get_active (self->follow_button);

  g_assert (DK_IS_WINDOW (self));

  fill_query (self, &query);
  query.filter_kind = filter_kind;
  query.kind = kind;
  query.archived = archived;
  if (archived)
    {
      query.from = self->from;
      query.to = self->to;
    }
  dk_case_list_model_set_filter (model, &query, follow ? self->following : NULL);
}

static void
apply_filters (DkWindow *self)
{
  g_assert (DK_IS_WINDOW (self));

  apply_query (self, self->incidents, TRUE, DK_CASE_KIND_INCIDENT, FALSE);
  apply_query (self, self->planned, TRUE, DK_CASE_KIND_PLANNED, FALSE);
  apply_query (self, self->crisis, TRUE, DK_CASE_KIND_CRISIS, FALSE);
  apply_query (self, self->archive, FALSE, 0, TRUE);
  apply_query (self, self->search, FALSE, 0, FALSE);
}

/* What the user follows: their subscription, or the default until they choose. */
static void
read_following (DkWindow *self)
{
  g_autoptr(GError) error = NULL;
  DkSubscription *subscription;

  g_assert (DK_IS_WINDOW (self));

  subscription = dk_store_get_subscription (self->store, &error);
  if (subscription == NULL)
    {
      if (error != NULL)
        g_warning ("Could not read the subscription: %s", error->message);
      subscription = dk_subscription_new_default (dk_sync_engine_get_username (self->engine));
    }
  g_clear_pointer (&self->following, dk_subscription_unref);
  self->following = subscription;
}

static gboolean
same_ids (GPtrArray *a,
          GPtrArray *b)
{
  if (a == NULL || b == NULL || a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (g_strcmp0 (g_ptr_array_index (a, i), g_ptr_array_index (b, i)) != 0)
      return FALSE;
  return TRUE;
}

/* Reads the services for the rows and the service filter; the filter's choices change
 * only when the services did. */
static void
read_services (DkWindow *self)
{
  g_autoptr(GPtrArray) services = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GtkStringList) names = NULL;
  g_autoptr(GError) error = NULL;
  const char *selected;
  guint position = 0;

  g_assert (DK_IS_WINDOW (self));

  services = dk_store_list_services (self->store, &error);
  if (services == NULL)
    {
      g_warning ("Could not read the services: %s", error->message);
      return;
    }

  g_hash_table_remove_all (self->service_names);
  ids = g_ptr_array_new_with_free_func (g_free);
  names = gtk_string_list_new (NULL);
  gtk_string_list_append (names, _("All services"));
  for (guint i = 0; i < services->len; i++)
    {
      DkService *service = g_ptr_array_index (services, i);

      g_hash_table_insert (self->service_names, g_strdup (service->id), g_strdup (service->name));
      g_ptr_array_add (ids, g_strdup (service->id));
      gtk_string_list_append (names, service->name);
    }

  if (same_ids (ids, self->service_ids))
    return;

  selected = selected_service (self);
  for (guint i = 0; selected != NULL && i < ids->len; i++)
    if (g_str_equal (g_ptr_array_index (ids, i), selected))
      position = i + 1;

  g_clear_pointer (&self->service_ids, g_ptr_array_unref);
  self->service_ids = g_steal_pointer (&ids);
  g_signal_handlers_block_matched (self->service_dropdown, G_SIGNAL_MATCH_DATA,
                                   0, 0, NULL, NULL, self);
  gtk_drop_down_set_model (self->service_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->service_dropdown, position);
  g_signal_handlers_unblock_matched (self->service_dropdown, G_SIGNAL_MATCH_DATA,
                                     0, 0, NULL, NULL, self);
}

/* What the pages say when they are empty. Before the first sync an empty replica knows
 * nothing, so it must not say that nothing is broken. */
static void
update_empty_pages (DkWindow *self)
{
  DkCaseList *lists[] = { self->incidents_list, self->planned_list, self->crisis_list,
                          self->archive_list };
  gboolean synced = dk_store_get_cursor (self->store) > 0;

  g_assert (DK_IS_WINDOW (self));

  if (self->empty_pages_set && synced == self->synced)
    return;
  self->empty_pages_set = TRUE;
  self->synced = synced;

  if (!synced)
    {
      for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
        dk_case_list_set_empty_icon (lists[i], "content-loading-symbolic");
      dk_case_list_set_texts (self->incidents_list, _("Incidents"), _("Nothing Synced Yet"),
                              _("The cases show here after the first sync with the server."));
      dk_case_list_set_texts (self->planned_list, _("Planned actions"), _("Nothing Synced Yet"),
                              _("The cases show here after the first sync with the server."));
      dk_case_list_set_texts (self->crisis_list, _("Crisis information"),
                              _("Nothing Synced Yet"),
                              _("The cases show here after the first sync with the server."));
      dk_case_list_set_texts (self->archive_list, _("Archive"), _("Nothing Synced Yet"),
                              _("The cases show here after the first sync with the server."));
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    dk_case_list_set_empty_icon (lists[i], "emblem-ok-symbolic");
  dk_case_list_set_texts (self->incidents_list, _("Incidents"), _("No Incidents"),
                          _("Nothing is known to be broken right now."));
  dk_case_list_set_texts (self->planned_list, _("Planned actions"), _("No Planned Actions"),
                          _("No planned work is coming up."));
  dk_case_list_set_texts (self->crisis_list, _("Crisis information"), _("No Crisis Information"),
                          _("There is no crisis information right now."));
  dk_case_list_set_texts (self->archive_list, _("Archive"), _("Nothing in the Archive"),
                          _("Cases closed more than 24 hours ago show here."));
}

/* GTK 4.8 leaves the button inside a drop-down without an accessible name. */
static void
name_dropdown_button (DkWindow *self)
{
  g_assert (DK_IS_WINDOW (self));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->service_dropdown));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Service"), -1);
}

static void
refresh_case_page (DkWindow *self)
{
  const char *id = dk_case_page_get_case_id (self->case_page);
  g_autoptr(DkCase) kase = NULL;

  g_assert (DK_IS_WINDOW (self));

  if (id == NULL)
    return;
  kase = dk_store_get_case (self->store, id, NULL);
  if (kase != NULL)
    dk_case_page_set_case (self->case_page, self->store, kase, self->service_names);
}

static void
reload_everything (DkWindow *self)
{
  g_assert (DK_IS_WINDOW (self));

  read_services (self);
  read_following (self);
  update_empty_pages (self);
  /* apply_filters () reloads every model with the new subscription. */
  apply_filters (self);
  dk_routines_page_reload (self->routines_page, self->store, self->service_names);
  refresh_case_page (self);
}

/* ---- the connection ---- */

static void
update_connection (DkWindow *self)
{
  const char *text;
  const char *icon;
  const char *css;
  g_autofree char *name = NULL;

  g_assert (DK_IS_WINDOW (self));

  switch (dk_sync_engine_get_state (self->engine))
    {
    case DK_SYNC_STATE_SYNCING:
      text = _("Syncing…");
      icon = "emblem-synchronizing-symbolic";
      css = "success";
      break;
    case DK_SYNC_STATE_OFFLINE:
      text = _("Offline");
      icon = "network-offline-symbolic";
      css = "error";
      break;
    case DK_SYNC_STATE_NEEDS_LOGIN:
      text = _("Not logged in");
      icon = "dialog-warning-symbolic";
      css = "warning";
      break;
    case DK_SYNC_STATE_IDLE:
    default:
      text = _("Online");
      icon = "network-idle-symbolic";
      css = "success";
      break;
    }

  gtk_label_set_label (self->connection_label, text);
  gtk_image_set_from_icon_name (self->connection_icon, icon);
  gtk_widget_remove_css_class (GTK_WIDGET (self->connection_button), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->connection_button), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->connection_button), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->connection_button), css);
  /* Translators: the accessible name of the connection indicator, "Connection: Online" */
  name = g_strdup_printf (_("Connection: %s"), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->connection_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->connection_button), _("Sync now"));
}

/* ---- callbacks ---- */

static void
dk_window_engine_changed_cb (DkWindow     *self,
                             DkSyncEngine *engine)
{
  reload_everything (self);
}

static void
dk_window_engine_state_cb (DkWindow     *self,
                           GParamSpec   *pspec,
                           DkSyncEngine *engine)
{
  update_connection (self);
}

static void
dk_window_engine_outbox_cb (DkWindow     *self,
                            GParamSpec   *pspec,
                            DkSyncEngine *engine)
{
  /* "Not yet sent" marks follow the outbox. */
  apply_filters (self);
}

static void
dk_window_search_changed_cb (DkWindow       *self,
                             GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  gboolean searching = text != NULL && text[0] != '\0';

  dk_case_list_model_set_search (self->search, searching ? text : NULL);
  gtk_stack_set_visible_child_name (self->content_stack, searching ? "search" : "pages");
}

static void
dk_window_stop_search_cb (DkWindow       *self,
                          GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
dk_window_area_toggled_cb (DkWindow        *self,
                           GtkToggleButton *button)
{
  if (!gtk_toggle_button_get_active (button))
    return;

  self->filter_area = button != self->area_all_button;
  if (button == self->area_it_button)
    self->area = DK_AREA_IT_TELEPHONY;
  else if (button == self->area_lab_button)
    self->area = DK_AREA_LAB_MEDICINE;
  else if (button == self->area_facilities_button)
    self->area = DK_AREA_FACILITIES;

  if (self->incidents != NULL)
    apply_filters (self);
}

static void
dk_window_service_selected_cb (DkWindow    *self,
                               GParamSpec  *pspec,
                               GtkDropDown *dropdown)
{
  if (self->incidents != NULL)
    apply_filters (self);
}

static void
dk_window_follow_toggled_cb (DkWindow        *self,
                             GtkToggleButton *button)
{
  if (self->incidents != NULL)
    apply_filters (self);
}

/* A date typed as YYYY-MM-DD, the start of that day in local time; an empty entry is
 * no bound. FALSE when the text is not such a date. */
static gboolean
parse_day (GtkEntry *entry,
           gboolean  end_of_day,
           gint64   *out)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autoptr(GDateTime) day = NULL;
  int y, m, d;
  char rest;

  *out = DK_TIME_UNSET;
  if (text == NULL || text[0] == '\0')
    return TRUE;
  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &rest) != 3 ||
      !g_date_valid_dmy (d, m, y))
    return FALSE;

  day = g_date_time_new_local (y, m, d, 0, 0, 0);
  if (day == NULL)
    return FALSE;
  *out = g_date_time_to_unix (day) + (end_of_day ? 86400 - 1 : 0);

  return TRUE;
}

static void
show_range_validity (GtkEntry *entry,
                     gboolean  valid)
{
  if (valid)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (entry), NULL);
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (entry), _("Write a date as YYYY-MM-DD"));
    }
}

static void
dk_window_range_changed_cb (DkWindow *self,
                            GtkEntry *entry)
{
  gint64 from, to;
  gboolean from_ok = parse_day (self->from_entry, FALSE, &from);
  gboolean to_ok = parse_day (self->to_entry, TRUE, &to);

  show_range_validity (self->from_entry, from_ok);
  show_range_validity (self->to_entry, to_ok);
  if (!from_ok || !to_ok)
    return;

  self->from = from;
  self->to = to;
  if (self->archive != NULL)
    apply_query (self, self->archive, FALSE, 0, TRUE);
}

static void
dk_window_page_changed_cb (DkWindow     *self,
                           GParamSpec   *pspec,
                           AdwViewStack *stack)
{
  /* Searching covers every page; choosing a page ends it. */
  if (gtk_search_bar_get_search_mode (self->search_bar) &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "search") == 0)
    dk_window_stop_search_cb (self, self->search_entry);
}

static void
dk_window_sync_done_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The engine's state and the banner say what went wrong; here it is only logged. */
  if (!dk_sync_engine_sync_finish (DK_SYNC_ENGINE (object), result, &error))
    g_debug ("Sync failed: %s", error->message);
}

/* ---- actions ---- */

static void
open_case_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  dk_window_show_case (DK_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DkWindow *self = DK_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
sync_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DkWindow *self = DK_WINDOW (widget);

  dk_sync_engine_sync_async (self->engine, self->cancellable, dk_window_sync_done_cb, NULL);
}

static void
show_outbox_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DkWindow *self = DK_WINDOW (widget);

  gtk_window_present (dk_outbox_window_new (GTK_WINDOW (self), self->engine));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DkWindow *self = DK_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "lists");
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DkWindow *self = DK_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "lists");
  adw_view_stack_set_visible_child_name (self->view_stack,
                                         g_variant_get_string (parameter, NULL));
}

static void
print_pack_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DkWindow *self = DK_WINDOW (widget);

  dk_print_pack_dialog_present (widget, self->store);
}

/* ---- GObject and GtkWindow ---- */

static void
save_window_state (DkWindow *self)
{
  int width, height;

  g_assert (DK_IS_WINDOW (self));

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

static gboolean
dk_window_close_request (GtkWindow *window)
{
  DkWindow *self = DK_WINDOW (window);

  save_window_state (self);
  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (dk_window_parent_class)->close_request (window);
}

static void
dk_window_dispose (GObject *object)
{
  DkWindow *self = DK_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), DK_TYPE_WINDOW);
  g_clear_object (&self->incidents);
  g_clear_object (&self->planned);
  g_clear_object (&self->crisis);
  g_clear_object (&self->archive);
  g_clear_object (&self->search);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->service_names, g_hash_table_unref);
  g_clear_pointer (&self->service_ids, g_ptr_array_unref);
  g_clear_pointer (&self->following, dk_subscription_unref);

  G_OBJECT_CLASS (dk_window_parent_class)->dispose (object);
}

static void
dk_window_class_init (DkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  static const struct { guint key; const char *page; } pages[] = {
    { GDK_KEY_1, "incidents" }, { GDK_KEY_2, "planned" }, { GDK_KEY_3, "crisis" },
    { GDK_KEY_4, "archive" }, { GDK_KEY_5, "routines" },
  };

  object_class->dispose = dk_window_dispose;
  window_class->close_request = dk_window_close_request;

  g_type_ensure (DK_TYPE_CASE_LIST);
  g_type_ensure (DK_TYPE_CASE_PAGE);
  g_type_ensure (DK_TYPE_OFFLINE_BANNER);
  g_type_ensure (DK_TYPE_ROUTINES_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DkWindow, archive_list);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, area_all_button);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, area_facilities_button);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, area_it_button);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, area_lab_button);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, case_page);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, connection_button);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, connection_icon);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, connection_label);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, crisis_list);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, follow_button);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, from_entry);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, incidents_list);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, planned_list);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, routines_page);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, search_list);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, service_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, to_entry);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, view_stack);
  gtk_widget_class_bind_template_callback (widget_class, dk_window_area_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_window_follow_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_window_page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_window_range_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_window_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_window_service_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_window_stop_search_cb);

  gtk_widget_class_install_action (widget_class, "win.open-case", "s", open_case_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.sync", NULL, sync_action);
  gtk_widget_class_install_action (widget_class, "win.show-outbox", NULL, show_outbox_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.print-pack", NULL, print_pack_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.sync", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "win.back", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    gtk_widget_class_add_binding_action (widget_class, pages[i].key, GDK_ALT_MASK,
                                         "win.show-page", "s", pages[i].page);
}

static void
dk_window_init (DkWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->service_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->from = DK_TIME_UNSET;
  self->to = DK_TIME_UNSET;

  gtk_button_set_label (GTK_BUTTON (self->area_it_button), dk_area_label (DK_AREA_IT_TELEPHONY));
  gtk_button_set_label (GTK_BUTTON (self->area_lab_button), dk_area_label (DK_AREA_LAB_MEDICINE));
  gtk_button_set_label (GTK_BUTTON (self->area_facilities_button),
                        dk_area_label (DK_AREA_FACILITIES));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));

  dk_case_list_set_texts (self->search_list, _("Search results"), _("No Matches"),
                          _("Try other words, or fewer filters."));
  name_dropdown_button (self);
}

static void
setup_models (DkWindow *self)
{
  DkCaseList *lists[] = { self->incidents_list, self->planned_list, self->crisis_list,
                          self->archive_list, self->search_list };
  DkCaseListModel **models[] = { &self->incidents, &self->planned, &self->crisis,
                                 &self->archive, &self->search };

  g_assert (DK_IS_WINDOW (self));

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      *models[i] = lists[i] == self->search_list
                   ? dk_case_list_model_new_for_search (self->store)
                   : dk_case_list_model_new (self->store);
      dk_case_list_set_service_names (lists[i], self->service_names);
      dk_case_list_set_model (lists[i], *models[i]);
    }
}

static void
restore_window_state (DkWindow *self)
{
  g_assert (DK_IS_WINDOW (self));

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

/* ---- public API ---- */

/**
 * dk_window_new:
 * @app: the application, with its replica and sync engine
 *
 * Returns: (transfer full): a new main window
 */
DkWindow *
dk_window_new (DkApplication *app)
{
  DkWindow *self;

  g_return_val_if_fail (DK_IS_APPLICATION (app), NULL);

  self = g_object_new (DK_TYPE_WINDOW, "application", app, NULL);
  self->store = g_object_ref (dk_application_get_store (app));
  self->engine = g_object_ref (dk_application_get_engine (app));
  self->settings = g_object_ref (dk_application_get_settings (app));

  restore_window_state (self);
  setup_models (self);
  dk_routines_page_set_engine (self->routines_page, self->engine);
  reload_everything (self);
  dk_offline_banner_set_engine (self->banner, self->engine);
  update_connection (self);

  g_signal_connect_object (self->engine, "changed", G_CALLBACK (dk_window_engine_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::state", G_CALLBACK (dk_window_engine_state_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::outbox-size",
                           G_CALLBACK (dk_window_engine_outbox_cb), self, G_CONNECT_SWAPPED);

  return self;
}

/**
 * dk_window_show_case:
 * @self: a #DkWindow
 * @id_or_number: a case's id or number
 *
 * Returns: whether the replica has the case
 */
gboolean
dk_window_show_case (DkWindow   *self,
                     const char *id_or_number)
{
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (DK_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (id_or_number != NULL, FALSE);

  kase = dk_store_get_case (self->store, id_or_number, &error);
  if (kase == NULL)
    {
      AdwMessageDialog *dialog;

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                           _("Case Not Found"),
                                                           error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return FALSE;
    }

  dk_case_page_set_case (self->case_page, self->store, kase, self->service_names);
  adw_leaflet_set_visible_child_name (self->leaflet, "case");

  return TRUE;
}

/**
 * dk_window_show_routine:
 * @self: a #DkWindow
 * @id: a routine's id
 *
 * Returns: whether the replica has the routine
 */
gboolean
dk_window_show_routine (DkWindow   *self,
                        const char *id)
{
  g_return_val_if_fail (DK_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  adw_leaflet_set_visible_child_name (self->leaflet, "lists");
  adw_view_stack_set_visible_child_name (self->view_stack, "routines");

  return dk_routines_page_show_routine (self->routines_page, id);
}

/**
 * dk_window_show_run:
 * @self: a #DkWindow
 * @id: a run's id
 *
 * Returns: whether the replica has the run
 */
gboolean
dk_window_show_run (DkWindow   *self,
                    const char *id)
{
  g_return_val_if_fail (DK_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  adw_leaflet_set_visible_child_name (self->leaflet, "lists");
  adw_view_stack_set_visible_child_name (self->view_stack, "routines");

  return dk_routines_page_show_run (self->routines_page, id);
}

/**
 * dk_window_start_routine:
 * @self: a #DkWindow
 * @routine_id: a routine's id
 * @case_id: (nullable): the outage case to tie the run to
 *
 * Shows the routine on the Reserve Routines page and asks for the unit to start it on.
 *
 * Returns: whether the replica has the routine
 */
gboolean
dk_window_start_routine (DkWindow   *self,
                         const char *routine_id,
                         const char *case_id)
{
  g_return_val_if_fail (DK_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (routine_id != NULL, FALSE);

  adw_leaflet_set_visible_child_name (self->leaflet, "lists");
  adw_view_stack_set_visible_child_name (self->view_stack, "routines");

  return dk_routines_page_start_routine (self->routines_page, routine_id, case_id);
}
