/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-window-lists.c: the main window's case lists and what narrows them: the area, the
 * service, only what the user follows, the archive's dates and the search */

#define G_LOG_DOMAIN "dk-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-window-private.h"

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

/* Narrows every list to what the filters say; from the window when the outbox changed. */
void
_dk_window_apply_filters (DkWindow *self)
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

/* ---- callbacks ---- */

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
    _dk_window_apply_filters (self);
}

static void
dk_window_service_selected_cb (DkWindow    *self,
                               GParamSpec  *pspec,
                               GtkDropDown *dropdown)
{
  if (self->incidents != NULL)
    _dk_window_apply_filters (self);
}

static void
dk_window_follow_toggled_cb (DkWindow        *self,
                             GtkToggleButton *button)
{
  if (self->incidents != NULL)
    _dk_window_apply_filters (self);
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

/* ---- private API ---- */

/* The filters' starting state and the names GTK leaves out; from init. */
void
_dk_window_init_lists (DkWindow *self)
{
  g_assert (DK_IS_WINDOW (self));

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

/* The template callbacks of the filters and the search; from class_init. */
void
_dk_window_class_init_lists (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, dk_window_area_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_window_follow_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_window_page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_window_range_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_window_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_window_service_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_window_stop_search_cb);
}

/* One model per list, on the window's replica; from dk_window_new(). */
void
_dk_window_setup_lists (DkWindow *self)
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

/* Reads the services, what the user follows and whether anything was synced, then
 * reloads every list with them. */
void
_dk_window_reload_lists (DkWindow *self)
{
  g_assert (DK_IS_WINDOW (self));

  read_services (self);
  read_following (self);
  update_empty_pages (self);
  /* _dk_window_apply_filters () reloads every model with the new subscription. */
  _dk_window_apply_filters (self);
}
