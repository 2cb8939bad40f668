/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-composer.c: "New Case": compose, preview and publish a case
 *
 * Kinds and areas are those the user's roles allow (dk_rules_check_may_publish). The
 * priority is impact × urgency (DkPriorityMatrix); priority 1–2 proposes the major
 * incident flag. A message template (seed 002) fills title, description and scope and
 * keeps filling them as services and times are chosen, until the person edits them.
 * Planned IT work less than seven days ahead is told at once that it will be "Akut
 * planerat", and asks why: the reason goes first in the description. The preview shows
 * the case as its list row, as the desktop notification and as on the public page;
 * Publish puts it in the outbox (dk_local_create_case), so it works offline. The
 * composer reads the service catalogue, never the cases: it opens as fast with 100 000
 * cases in the replica as with ten. */

#define G_LOG_DOMAIN "dk-composer"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "dk-accessible-names.h"
#include "dk-case-preview.h"
#include "dk-composer.h"
#include "dk-local-changes.h"
#include "dk-message-template.h"
#include "dk-priority-matrix.h"
#include "dk-publish-rights.h"

struct _DkComposer
{
  AdwWindow          parent_instance;

  /* template widgets */
  AdwComboRow       *area_row;
  GtkLabel          *chosen_label;
  GtkTextView       *description_view;
  AdwEntryRow       *end_row;
  GtkLabel          *error_label;
  AdwEntryRow       *external_ref_row;
  AdwComboRow       *kind_row;
  GtkLabel          *lead_label;
  GtkSwitch         *major_switch;
  GtkLabel          *major_hint_label;
  DkPriorityMatrix  *matrix;
  AdwComboRow       *phrase_row;
  DkCasePreview     *preview;
  GtkSwitch         *public_switch;
  AdwEntryRow       *reason_row;
  AdwEntryRow       *scope_row;
  GtkListBox        *services_list;
  GtkSearchEntry    *services_search;
  GtkStack          *stack;
  AdwEntryRow       *start_row;
  GtkListBox        *templates_list;
  GtkToggleButton   *templates_button;
  GtkSearchEntry    *templates_search;
  AdwActionRow      *template_row;
  AdwEntryRow       *title_row;
  AdwWindowTitle    *window_title;

  /* owned */
  DkSyncEngine      *engine;
  GPtrArray         *services;       /* DkService *, the catalogue */
  GHashTable        *service_names;  /* id → name */
  GHashTable        *chosen;         /* service id set */
  GPtrArray         *choices;        /* DkTemplate *: the user's and team's, then built in */
  GArray            *kinds;          /* DkCaseKind the user may publish */
  GArray            *areas;          /* DkArea for the chosen kind */
  DkTemplate        *applied;        /* the template last applied */
  char              *filled_title;   /* what the template last wrote, to see edits */
  char              *filled_description;
  char              *filled_scope;
  DkCase            *draft;          /* what the preview shows */
  GStrv              reports;        /* to link once published */

  /* state */
  DkRole             roles;
  gboolean           major_touched;
  gboolean           setting_major;
  gboolean           filling;
};

G_DEFINE_FINAL_TYPE (DkComposer, dk_composer, ADW_TYPE_WINDOW)

/* ---- reading the form ---- */

static DkStore *
get_store (DkComposer *self)
{
  return dk_sync_engine_get_store (self->engine);
}

static DkCaseKind
get_kind (DkComposer *self)
{
  guint i = adw_combo_row_get_selected (self->kind_row);

  if (i == GTK_INVALID_LIST_POSITION || i >= self->kinds->len)
    return DK_CASE_KIND_INCIDENT;
  return g_array_index (self->kinds, DkCaseKind, i);
}

static DkArea
get_area (DkComposer *self)
{
  guint i = adw_combo_row_get_selected (self->area_row);

  if (i == GTK_INVALID_LIST_POSITION || i >= self->areas->len)
    return DK_AREA_IT_TELEPHONY;
  return g_array_index (self->areas, DkArea, i);
}

static char *
dup_description (DkComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->description_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static char *
dup_entry (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

/* "2026-12-06 14:05" (or "2026-12-06T14:05", or "14:05" for today) in local time.
 * DK_TIME_UNSET for an empty text; FALSE for one that is not a time. */
static gboolean
parse_local_time (const char *text,
                  gint64     *out)
{
  int year, month, day, hour, minute;
  char sep;
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GDateTime) now = NULL;

  *out = DK_TIME_UNSET;
  if (text == NULL || text[0] == '\0')
    return TRUE;

  if (sscanf (text, "%4d-%2d-%2d%c%2d:%2d", &year, &month, &day, &sep, &hour, &minute) == 6 &&
      (sep == ' ' || sep == 'T'))
    dt = g_date_time_new_local (year, month, day, hour, minute, 0);
  else if (sscanf (text, "%2d:%2d", &hour, &minute) == 2 && strlen (text) <= 5)
    {
      now = g_date_time_new_now_local ();
      dt = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                  g_date_time_get_day_of_month (now), hour, minute, 0);
    }
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

static char *
format_local_time (gint64 t)
{
  return dk_time_format_local (t, "%Y-%m-%d %H:%M");
}

/* The chosen services' names, joined; the description of the first as "about". */
static char *
dup_chosen_names (DkComposer  *self,
                  const char **about)
{
  g_autoptr(GString) names = g_string_new (NULL);

  if (about != NULL)
    *about = NULL;
  for (guint i = 0; i < self->services->len; i++)
    {
      DkService *service = g_ptr_array_index (self->services, i);

      if (!g_hash_table_contains (self->chosen, service->id))
        continue;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, service->name);
      if (about != NULL && *about == NULL)
        *about = service->description;
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* ---- the template ---- */

static void
set_text_view (GtkTextView *view,
               const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text != NULL ? text : "", -1);
}

/* The placeholders' values in the template's language; with no service chosen yet,
 * {service} and {about} stay for the person to see. */
static GHashTable *
make_values (DkComposer *self,
             const char *scope)
{
  g_autofree char *names = NULL;
  g_autofree char *start_text = dup_entry (self->start_row);
  g_autofree char *end_text = dup_entry (self->end_row);
  const char *about = NULL;
  GHashTable *values;
  gint64 start, end;

  g_assert (DK_IS_COMPOSER (self));

  names = dup_chosen_names (self, &about);
  if (!parse_local_time (start_text, &start))
    start = DK_TIME_UNSET;
  if (!parse_local_time (end_text, &end))
    end = DK_TIME_UNSET;
  values = dk_message_template_values (self->applied->language, names, about, start, scope, end);
  if (names[0] == '\0')
    {
      g_hash_table_remove (values, "service");
      g_hash_table_remove (values, "about");
    }
  return values;
}

/* Fills the form from the applied template with what is known now; a field the person
 * has edited since the last fill is theirs and stays. */
static void
fill_from_template (DkComposer *self)
{
  g_autoptr(GHashTable) scope_values = NULL;
  g_autoptr(GHashTable) values = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *scope_now = NULL;
  g_autofree char *title_now = NULL;
  g_autofree char *description_now = NULL;

  g_assert (DK_IS_COMPOSER (self));

  if (self->applied == NULL || self->filling)
    return;

  scope_now = dup_entry (self->scope_row);
  title_now = dup_entry (self->title_row);
  description_now = dup_description (self);

  self->filling = TRUE;
  if (self->filled_scope == NULL || g_strcmp0 (scope_now, self->filled_scope) == 0)
    {
      scope_values = make_values (self, NULL);
      g_hash_table_remove (scope_values, "scope");
      g_free (self->filled_scope);
      self->filled_scope = dk_message_template_fill (self->applied->scope, scope_values);
      gtk_editable_set_text (GTK_EDITABLE (self->scope_row), self->filled_scope);
    }
  scope = dup_entry (self->scope_row);
  values = make_values (self, scope);

  if (self->filled_title == NULL || g_strcmp0 (title_now, self->filled_title) == 0)
    {
      g_free (self->filled_title);
      self->filled_title = dk_message_template_fill (self->applied->title, values);
      gtk_editable_set_text (GTK_EDITABLE (self->title_row), self->filled_title);
    }
  if (self->filled_description == NULL ||
      g_strcmp0 (description_now, self->filled_description) == 0)
    {
      g_free (self->filled_description);
      self->filled_description = dk_message_template_fill (self->applied->description, values);
      set_text_view (self->description_view, self->filled_description);
    }
  self->filling = FALSE;
}

static void select_kind_area (DkComposer *self, DkCaseKind kind, DkArea area);

static void
apply_template (DkComposer *self,
                DkTemplate *choice)
{
  g_autofree char *subtitle = NULL;

  g_assert (DK_IS_COMPOSER (self));

  g_clear_pointer (&self->applied, dk_template_unref);
  g_clear_pointer (&self->filled_title, g_free);
  g_clear_pointer (&self->filled_description, g_free);
  g_clear_pointer (&self->filled_scope, g_free);

  select_kind_area (self, choice->kind, choice->area);
  self->applied = dk_template_ref (choice);
  /* Translators: the template row's subtitle: a template's name and its language code */
  subtitle = g_strdup_printf (_("%s (%s)"), choice->name, choice->language);
  adw_action_row_set_subtitle (self->template_row, subtitle);
  fill_from_template (self);
}

/* ---- kinds, areas, services ---- */

static void
fill_areas (DkComposer *self,
            DkArea      preferred)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  DkCaseKind kind = get_kind (self);
  guint selected = 0;

  g_assert (DK_IS_COMPOSER (self));

  g_array_set_size (self->areas, 0);
  for (int area = 0; area <= DK_AREA_LAST; area++)
    if (dk_rules_check_may_publish (self->roles, kind, area, NULL))
      {
        if ((DkArea) area == preferred)
          selected = self->areas->len;
        g_array_append_val (self->areas, area);
        gtk_string_list_append (model, dk_area_label (area));
      }
  adw_combo_row_set_model (self->area_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (self->area_row, selected);
  gtk_widget_set_sensitive (GTK_WIDGET (self->area_row), self->areas->len > 1);
}

static void
select_kind_area (DkComposer *self,
                  DkCaseKind  kind,
                  DkArea      area)
{
  g_assert (DK_IS_COMPOSER (self));

  for (guint i = 0; i < self->kinds->len; i++)
    if (g_array_index (self->kinds, DkCaseKind, i) == kind)
      adw_combo_row_set_selected (self->kind_row, i);
  fill_areas (self, area);
}

static void
show_chosen (DkComposer *self)
{
  g_autofree char *names = dup_chosen_names (self, NULL);
  g_autofree char *text = NULL;

  g_assert (DK_IS_COMPOSER (self));

  if (names[0] == '\0')
    text = g_strdup (get_kind (self) == DK_CASE_KIND_CRISIS
                       ? _("No service chosen: crisis information may name none.")
                       : _("No service chosen yet."));
  else
    /* Translators: the services chosen in the composer, "Chosen: Unilab, Miclis" */
    text = g_strdup_printf (_("Chosen: %s"), names);
  gtk_label_set_label (self->chosen_label, text);
}

static void
dk_composer_service_toggled_cb (GtkToggleButton *tick,
                                DkComposer      *self)
{
  const char *id = g_object_get_data (G_OBJECT (tick), "service-id");

  if (gtk_toggle_button_get_active (tick))
    g_hash_table_add (self->chosen, g_strdup (id));
  else
    g_hash_table_remove (self->chosen, id);
  show_chosen (self);
  fill_from_template (self);
}

/* A click anywhere on a service's row ticks it. */
static void
dk_composer_service_row_activated_cb (AdwActionRow    *row,
                                      GtkToggleButton *tick)
{
  gtk_toggle_button_set_active (tick, !gtk_toggle_button_get_active (tick));
}

static gboolean
services_filter (GtkListBoxRow *row,
                 gpointer       user_data)
{
  DkComposer *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->services_search));
  const char *haystack = g_object_get_data (G_OBJECT (row), "search-text");
  g_autofree char *needle = NULL;

  if (text == NULL || text[0] == '\0')
    return TRUE;
  needle = g_utf8_casefold (text, -1);
  return haystack != NULL && strstr (haystack, needle) != NULL;
}

static int
compare_services (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const DkService *x = *(DkService **) a;
  const DkService *y = *(DkService **) b;
  DkArea area = GPOINTER_TO_INT (user_data);

  if ((x->area == area) != (y->area == area))
    return x->area == area ? -1 : 1;
  return g_utf8_collate (x->name, y->name);
}

/* The catalogue as check rows, the services of the chosen area first. */
static void
fill_services (DkComposer *self)
{
  GtkWidget *child;

  g_assert (DK_IS_COMPOSER (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->services_list))) != NULL)
    gtk_list_box_remove (self->services_list, child);

  g_ptr_array_sort_with_data (self->services, compare_services, GINT_TO_POINTER (get_area (self)));
  for (guint i = 0; i < self->services->len; i++)
    {
      DkService *service = g_ptr_array_index (self->services, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *tick = gtk_toggle_button_new ();
      g_autofree char *search = NULL;
      g_autofree char *joined = NULL;
      g_autofree char *tick_name = NULL;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), service->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), dk_area_label (service->area));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_widget_set_tooltip_text (row, service->description);
      /* A tick like a run's steps (GTK 4.8's check buttons offer no action to AT-SPI). */
      gtk_button_set_icon_name (GTK_BUTTON (tick), "object-select-symbolic");
      gtk_widget_add_css_class (tick, "circular");
      gtk_widget_add_css_class (tick, "dk-tick");
      gtk_widget_set_valign (tick, GTK_ALIGN_CENTER);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (tick),
                                    g_hash_table_contains (self->chosen, service->id));
      /* Translators: the accessible name of a service's tick in the composer */
      tick_name = g_strdup_printf (_("Affected: %s"), service->name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (tick), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      tick_name, -1);
      g_object_set_data_full (G_OBJECT (tick), "service-id", g_strdup (service->id), g_free);
      g_signal_connect (tick, "toggled", G_CALLBACK (dk_composer_service_toggled_cb), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), tick);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_signal_connect (row, "activated", G_CALLBACK (dk_composer_service_row_activated_cb), tick);
      joined = g_strjoin (" ", service->name, service->id,
                          service->description != NULL ? service->description : "", NULL);
      search = g_utf8_casefold (joined, -1);
      g_object_set_data_full (G_OBJECT (row), "search-text", g_steal_pointer (&search), g_free);
      gtk_list_box_append (self->services_list, row);
    }
  show_chosen (self);
}

/* ---- templates ---- */

/* The user's own and their teams' templates (synced, editable offline), then the
 * built-in ones of seed 002. */
static void
load_choices (DkComposer *self)
{
  g_autoptr(GPtrArray) builtin = dk_message_templates_builtin ();
  g_autoptr(GPtrArray) own = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (DK_IS_COMPOSER (self));

  g_ptr_array_set_size (self->choices, 0);
  own = dk_store_list_templates (get_store (self), &error);
  if (own == NULL)
    g_warning ("Could not read the templates: %s", error->message);
  for (guint i = 0; own != NULL && i < own->len; i++)
    g_ptr_array_add (self->choices, dk_template_ref (g_ptr_array_index (own, i)));
  for (guint i = 0; i < builtin->len; i++)
    g_ptr_array_add (self->choices, dk_template_ref (g_ptr_array_index (builtin, i)));
}

static gboolean
templates_filter (GtkListBoxRow *row,
                  gpointer       user_data)
{
  DkComposer *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->templates_search));
  const char *haystack = g_object_get_data (G_OBJECT (row), "search-text");
  g_autofree char *needle = NULL;

  if (text == NULL || text[0] == '\0')
    return TRUE;
  needle = g_utf8_casefold (text, -1);
  return haystack != NULL && strstr (haystack, needle) != NULL;
}

/* The menu's rows: the templates of kinds and areas the user may publish. */
static void
fill_templates (DkComposer *self)
{
  GtkWidget *child;

  g_assert (DK_IS_COMPOSER (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->templates_list))) != NULL)
    gtk_list_box_remove (self->templates_list, child);

  for (guint i = 0; i < self->choices->len; i++)
    {
      DkTemplate *choice = g_ptr_array_index (self->choices, i);
      g_autofree char *label = NULL;
      g_autofree char *joined = NULL;
      GtkWidget *button;

      if (!dk_rules_check_may_publish (self->roles, choice->kind, choice->area, NULL))
        continue;
      if (choice->team != 0)
        /* Translators: a team template in the menu: its name, language, and the team */
        label = g_strdup_printf (_("%s (%s, %s)"), choice->name, choice->language,
                                 dk_role_label (choice->team));
      else
        label = g_strdup_printf (_("%s (%s)"), choice->name, choice->language);
      button = gtk_button_new_with_label (label);
      gtk_widget_add_css_class (button, "flat");
      gtk_label_set_xalign (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), 0);
      /* Long names wrap: the composer fits a narrow window. */
      gtk_label_set_wrap (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))),
                               PANGO_WRAP_WORD_CHAR);
      gtk_widget_set_tooltip_text (button, choice->title);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "composer.apply-template");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", choice->id);
      gtk_list_box_append (self->templates_list, button);
      dk_accessible_name_list_item (button, label);
      joined = g_strjoin (" ", choice->name, choice->language, choice->title, NULL);
      g_object_set_data_full (G_OBJECT (gtk_widget_get_parent (button)), "search-text",
                              g_utf8_casefold (joined, -1), g_free);
    }
}

/* ---- the checks while typing ---- */

/* Planned IT work less than seven days ahead is "Akut planerat": said at once, with the
 * reason asked for. */
static void
check_lead_time (DkComposer *self)
{
  g_autofree char *start_text = dup_entry (self->start_row);
  gint64 start;
  gboolean urgent = FALSE;

  g_assert (DK_IS_COMPOSER (self));

  if (get_kind (self) == DK_CASE_KIND_PLANNED && parse_local_time (start_text, &start) &&
      start != DK_TIME_UNSET)
    urgent = dk_rules_planned_status (get_area (self), start, dk_time_now ()) ==
             DK_CASE_STATUS_URGENT_PLANNED;

  if (urgent)
    {
      g_autofree char *text = NULL;

      /* Translators: %s is the status "Urgently planned" (Swedish "Akut planerat") */
      text = g_strdup_printf (_("Less than 7 days before the start: planned IT work is "
                                "announced a week ahead, so this one will be published as "
                                "“%s”. Say why below; the reason is put first in the "
                                "description."),
                              dk_case_status_label (DK_CASE_STATUS_URGENT_PLANNED));
      gtk_label_set_label (self->lead_label, text);
    }
  else
    gtk_label_set_label (self->lead_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->lead_label), urgent);
  gtk_widget_set_visible (GTK_WIDGET (self->reason_row), urgent);
}

static void
update_major (DkComposer *self)
{
  int priority = dk_priority_matrix_get_priority (self->matrix);
  gboolean major = dk_priority_is_major (priority);

  g_assert (DK_IS_COMPOSER (self));

  gtk_widget_set_visible (GTK_WIDGET (self->major_hint_label), major);
  if (major)
    {
      g_autofree char *hint = NULL;

      /* Translators: shown when the priority matrix gives priority 1 or 2 */
      hint = g_strdup_printf (_("Priority %d: a major incident is proposed. A major incident "
                                "starts the major incident routine: a major incident manager "
                                "is appointed who can escalate the resources needed, the "
                                "extended communication plan is activated, and crisis "
                                "management is alerted if needed."), priority);
      gtk_label_set_label (self->major_hint_label, hint);
    }
  if (!self->major_touched)
    {
      self->setting_major = TRUE;
      gtk_switch_set_active (self->major_switch, major);
      self->setting_major = FALSE;
    }
}

/* ---- the draft ---- */

/* The case as it would be published, or NULL with what is missing. */
static DkCase *
build_case (DkComposer  *self,
            GError     **error)
{
  g_autoptr(DkCase) kase = dk_case_new ();
  g_autofree char *start_text = dup_entry (self->start_row);
  g_autofree char *end_text = dup_entry (self->end_row);
  g_autofree char *description = dup_description (self);
  g_autofree char *reason = dup_entry (self->reason_row);
  g_autofree char *external_ref = dup_entry (self->external_ref_row);
  gint64 now = dk_time_now ();
  GHashTableIter iter;
  gpointer id;

  g_assert (DK_IS_COMPOSER (self));

  kase->id = g_uuid_string_random ();
  kase->kind = get_kind (self);
  kase->area = get_area (self);
  if (!dk_rules_check_may_publish (self->roles, kase->kind, kase->area, error))
    return NULL;

  kase->title = dup_entry (self->title_row);
  if (kase->title[0] == '\0')
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID, _("Give the case a title."));
      return NULL;
    }
  kase->scope = dup_entry (self->scope_row);
  for (guint i = 0; i < self->services->len; i++)
    {
      DkService *service = g_ptr_array_index (self->services, i);

      if (g_hash_table_contains (self->chosen, service->id))
        g_ptr_array_add (kase->services, g_strdup (service->id));
    }
  g_hash_table_iter_init (&iter, self->chosen);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (!g_ptr_array_find_with_equal_func (kase->services, id, g_str_equal, NULL))
      g_ptr_array_add (kase->services, g_strdup (id));
  if (kase->services->len == 0 && kase->kind != DK_CASE_KIND_CRISIS)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("Choose the affected services: only crisis information may "
                             "name none."));
      return NULL;
    }

  if (!parse_local_time (start_text, &kase->start))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("“%s” is not a start time: write it as 2026-12-24 14:05."), start_text);
      return NULL;
    }
  if (kase->start == DK_TIME_UNSET)
    kase->start = now;
  if (!parse_local_time (end_text, &kase->expected_end))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("“%s” is not an estimated end: write it as 2026-12-24 16:00, or "
                     "leave it empty."), end_text);
      return NULL;
    }
  if (kase->expected_end != DK_TIME_UNSET && kase->expected_end < kase->start)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("The estimated end is before the start."));
      return NULL;
    }

  if (kase->kind == DK_CASE_KIND_PLANNED)
    kase->status = dk_rules_planned_status (kase->area, kase->start, now);
  else
    kase->status = DK_CASE_STATUS_ONGOING;
  if (kase->status == DK_CASE_STATUS_URGENT_PLANNED)
    {
      g_autofree char *with_reason = NULL;

      if (reason[0] == '\0')
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                       _("Say why the work could not be announced 7 days ahead: it will "
                         "be published as “%s”."),
                       dk_case_status_label (DK_CASE_STATUS_URGENT_PLANNED));
          return NULL;
        }
      /* Translators: the first line of an urgently planned case's description; %s is
       * the publisher's reason. Swedish "Akut planerat: %s" */
      with_reason = g_strdup_printf (_("Urgently planned: %s"), reason);
      kase->description = description[0] != '\0'
                            ? g_strconcat (with_reason, "\n\n", description, NULL)
                            : g_steal_pointer (&with_reason);
    }
  else
    kase->description = g_steal_pointer (&description);

  kase->priority = dk_priority_matrix_get_priority (self->matrix);
  kase->major = gtk_switch_get_active (self->major_switch);
  kase->public = gtk_switch_get_active (self->public_switch);
  kase->external_ref = external_ref[0] != '\0' ? g_steal_pointer (&external_ref) : NULL;

  if (kase->kind == DK_CASE_KIND_INCIDENT)
    {
      DkCaseUpdate *update = dk_case_update_new ();
      guint phrase = adw_combo_row_get_selected (self->phrase_row);

      update->id = g_uuid_string_random ();
      update->phrase = phrase <= DK_UPDATE_PHRASE_LAST ? phrase : DK_UPDATE_PHRASE_IDENTIFIED;
      update->at = now;
      g_ptr_array_add (kase->updates, update);
    }

  if (!dk_case_validate (kase, error))
    return NULL;

  return g_steal_pointer (&kase);
}

static void
show_error (DkComposer *self,
            const char *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* ---- callbacks ---- */

static void
dk_composer_kind_changed_cb (DkComposer *self)
{
  fill_areas (self, get_area (self));
  gtk_widget_set_visible (GTK_WIDGET (self->phrase_row), get_kind (self) == DK_CASE_KIND_INCIDENT);
  check_lead_time (self);
  show_chosen (self);
}

static void
dk_composer_area_changed_cb (DkComposer *self)
{
  check_lead_time (self);
}

static void
dk_composer_when_changed_cb (DkComposer *self)
{
  check_lead_time (self);
  fill_from_template (self);
}

static void
dk_composer_scope_changed_cb (DkComposer *self)
{
  fill_from_template (self);
}

static void
dk_composer_priority_changed_cb (DkComposer *self)
{
  update_major (self);
}

static void
dk_composer_major_changed_cb (DkComposer *self)
{
  if (!self->setting_major)
    self->major_touched = TRUE;
}

static void
dk_composer_services_search_changed_cb (DkComposer *self)
{
  gtk_list_box_invalidate_filter (self->services_list);
}

static void
dk_composer_templates_search_changed_cb (DkComposer *self)
{
  gtk_list_box_invalidate_filter (self->templates_list);
}

/* ---- actions ---- */

static void
apply_template_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  DkComposer *self = DK_COMPOSER (widget);
  const char *id = g_variant_get_string (parameter, NULL);

  for (guint i = 0; i < self->choices->len; i++)
    {
      DkTemplate *choice = g_ptr_array_index (self->choices, i);

      if (g_strcmp0 (choice->id, id) == 0)
        {
          apply_template (self, choice);
          break;
        }
    }
  gtk_toggle_button_set_active (self->templates_button, FALSE);
}

static void
preview_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DkComposer *self = DK_COMPOSER (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = build_case (self, &error);

  if (kase == NULL)
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  g_clear_pointer (&self->draft, dk_case_unref);
  self->draft = g_steal_pointer (&kase);
  dk_case_preview_set_case (self->preview, self->draft, self->service_names);
  gtk_stack_set_visible_child_name (self->stack, "preview");
  adw_window_title_set_subtitle (self->window_title, _("Preview"));
  gtk_widget_action_set_enabled (widget, "composer.publish", TRUE);
  gtk_widget_action_set_enabled (widget, "composer.edit", TRUE);
  gtk_widget_action_set_enabled (widget, "composer.preview", FALSE);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DkComposer *self = DK_COMPOSER (widget);

  gtk_stack_set_visible_child_name (self->stack, "compose");
  adw_window_title_set_subtitle (self->window_title, NULL);
  gtk_widget_action_set_enabled (widget, "composer.publish", FALSE);
  gtk_widget_action_set_enabled (widget, "composer.edit", FALSE);
  gtk_widget_action_set_enabled (widget, "composer.preview", TRUE);
}

static void
publish_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DkComposer *self = DK_COMPOSER (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *me = dk_store_dup_meta (get_store (self), "username");
  g_autofree char *id = NULL;
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  g_debug ("Publishing");
  if (self->draft == NULL)
    return;
  if (me == NULL)
    {
      edit_action (widget, NULL, NULL);
      show_error (self, _("Log in to publish."));
      return;
    }

  /* Committed to the outbox before the window closes: nothing typed is lost, online or
   * not; the engine sends it when it can. */
  if (!dk_local_create_case (get_store (self), self->draft, me, dk_time_now (), &error))
    {
      edit_action (widget, NULL, NULL);
      show_error (self, error->message);
      return;
    }
  /* The reports it answers, linked in the same outbox order (offline too). */
  for (guint i = 0; self->reports != NULL && self->reports[i] != NULL; i++)
    if (!dk_local_link_report (get_store (self), self->reports[i], self->draft->id, me,
                               dk_time_now (), &error))
      {
        g_warning ("Could not link report %s: %s", self->reports[i], error->message);
        g_clear_error (&error);
      }

  /* The replica announces the commit: the engine sends it and every list shows it. */
  id = g_strdup (self->draft->id);
  g_debug ("Published %s", id);

  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.open-case", "s", id);
  dk_accessible_destroy_window (GTK_WINDOW (self));
}

/* ---- saving a template ---- */

/* The language of the user's interface, as a template language ("sv", "nb", "en"). */
static char *
dup_ui_language (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_has_prefix (names[i], "sv") || g_str_has_prefix (names[i], "nb") ||
        g_str_has_prefix (names[i], "en"))
      return g_strndup (names[i], 2);
  return g_strdup ("en");
}

/* A field as the template keeps it: the applied template's own text, placeholders and
 * all, while the person has not changed what it filled in. */
static char *
template_text (const char *now,
               const char *filled,
               const char *original)
{
  if (original != NULL && filled != NULL && g_strcmp0 (now, filled) == 0)
    return g_strdup (original);
  return g_strdup (now);
}

typedef struct {
  DkComposer  *composer;   /* strong */
  AdwEntryRow *name_row;
  AdwComboRow *team_row;
  GArray      *teams;      /* DkRole, after "Only me" */
} SaveForm;

static void
save_form_free (SaveForm *form)
{
  g_clear_object (&form->composer);
  g_clear_pointer (&form->teams, g_array_unref);
  g_free (form);
}

static void
dk_composer_save_template_response_cb (AdwMessageDialog *dialog,
                                       const char       *response,
                                       SaveForm         *form)
{
  DkComposer *self = form->composer;
  g_autoptr(DkTemplate) tmpl = dk_template_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *me = dk_store_dup_meta (get_store (self), "username");
  g_autofree char *title = dup_entry (self->title_row);
  g_autofree char *scope = dup_entry (self->scope_row);
  g_autofree char *description = dup_description (self);
  gboolean replace = g_strcmp0 (response, "replace") == 0;
  gint64 base_revision = 0;
  guint team;

  if (!replace && g_strcmp0 (response, "save") != 0)
    return;

  tmpl->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (form->name_row))));
  if (tmpl->name[0] == '\0')
    {
      show_error (self, _("Give the template a name."));
      return;
    }
  if (replace && self->applied != NULL)
    {
      tmpl->id = g_strdup (self->applied->id);
      base_revision = self->applied->revision;
    }
  tmpl->language = self->applied != NULL ? g_strdup (self->applied->language) : dup_ui_language ();
  tmpl->kind = get_kind (self);
  tmpl->area = get_area (self);
  tmpl->title = template_text (title, self->filled_title,
                               self->applied != NULL ? self->applied->title : NULL);
  tmpl->description = template_text (description, self->filled_description,
                                     self->applied != NULL ? self->applied->description : NULL);
  tmpl->scope = template_text (scope, self->filled_scope,
                               self->applied != NULL ? self->applied->scope : NULL);
  team = adw_combo_row_get_selected (form->team_row);
  tmpl->team = team > 0 && team <= form->teams->len ? g_array_index (form->teams, DkRole, team - 1) : 0;

  if (me == NULL ||
      !dk_local_save_template (get_store (self), tmpl, base_revision, me, dk_time_now (), &error))
    {
      show_error (self, error != NULL ? error->message : _("Log in to publish."));
      return;
    }
  show_error (self, NULL);
  load_choices (self);
  fill_templates (self);
  g_clear_pointer (&self->applied, dk_template_unref);
  self->applied = dk_template_ref (tmpl);
  {
    g_autofree char *subtitle = g_strdup_printf (_("%s (%s)"), tmpl->name, tmpl->language);

    adw_action_row_set_subtitle (self->template_row, subtitle);
  }
}

static void
save_template_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DkComposer *self = DK_COMPOSER (widget);
  GtkWidget *dialog;
  GtkWidget *list = gtk_list_box_new ();
  g_autoptr(GtkStringList) teams = gtk_string_list_new (NULL);
  SaveForm *form = g_new0 (SaveForm, 1);
  gboolean own = self->applied != NULL && !dk_message_template_is_builtin (self->applied->id);

  form->composer = g_object_ref (self);
  form->teams = g_array_new (FALSE, FALSE, sizeof (DkRole));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save as Template"),
                                   _("A template keeps the kind, area, title, description and "
                                     "scope. It syncs to your other desktops; one shared with a "
                                     "team reaches everyone who holds that role. Saving works "
                                     "offline."));
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  form->name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (form->name_row), _("Template name"));
  if (own)
    gtk_editable_set_text (GTK_EDITABLE (form->name_row), self->applied->name);
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (form->name_row));

  /* Translators: a template shared with nobody */
  gtk_string_list_append (teams, _("Only me"));
  for (DkRole role = DK_ROLE_SERVICEDESK; role <= DK_ROLE_RELEASE_COORDINATOR; role <<= 1)
    if ((self->roles & role) != 0)
      {
        g_array_append_val (form->teams, role);
        gtk_string_list_append (teams, dk_role_label (role));
      }
  form->team_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (form->team_row), _("Shared with"));
  adw_combo_row_set_model (form->team_row, G_LIST_MODEL (teams));
  if (own && self->applied->team != 0)
    for (guint i = 0; i < form->teams->len; i++)
      if (g_array_index (form->teams, DkRole, i) == self->applied->team)
        adw_combo_row_set_selected (form->team_row, i + 1);
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (form->team_row));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  if (own)
    {
      g_autofree char *label = NULL;

      /* Translators: a response of "Save as Template": overwrite the template applied */
      label = g_strdup_printf (_("_Replace “%s”"), self->applied->name);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "replace", label);
    }
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "save",
                                   own ? _("Save as _New") : _("_Save"));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (dk_composer_save_template_response_cb),
                         form, (GClosureNotify) (void (*) (void)) save_form_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Templates saved on another desktop, or shared by the team, arrive with a sync. */
static char *
dup_choices_signature (DkComposer *self)
{
  GString *signature = g_string_new (NULL);

  for (guint i = 0; i < self->choices->len; i++)
    {
      DkTemplate *tmpl = g_ptr_array_index (self->choices, i);

      g_string_append_printf (signature, "%s:%" G_GINT64_FORMAT ";", tmpl->id, tmpl->revision);
    }
  return g_string_free (signature, FALSE);
}

static void
dk_composer_engine_changed_cb (DkComposer *self)
{
  g_autofree char *before = dup_choices_signature (self);
  g_autofree char *after = NULL;

  load_choices (self);
  after = dup_choices_signature (self);
  /* Most changes are cases: the menu is rebuilt only when a template changed. */
  if (g_strcmp0 (before, after) != 0)
    fill_templates (self);
}

/* Whether the person has written anything that closing would lose. */
static gboolean
has_writing (DkComposer *self)
{
  g_autofree char *title = dup_entry (self->title_row);
  g_autofree char *description = dup_description (self);

  return (title[0] != '\0' && g_strcmp0 (title, self->filled_title) != 0) ||
         (description[0] != '\0' && g_strcmp0 (description, self->filled_description) != 0);
}

static void
dk_composer_discard_response_cb (AdwMessageDialog *dialog,
                                 const char       *response,
                                 DkComposer       *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    dk_accessible_destroy_window (GTK_WINDOW (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DkComposer *self = DK_COMPOSER (widget);
  GtkWidget *dialog;

  if (!has_writing (self))
    {
      dk_accessible_destroy_window (GTK_WINDOW (self));
      return;
    }
  /* Nothing typed is lost without asking. */
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Discard the New Case?"),
                                   _("What you wrote has not been published or saved."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Writing"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (dk_composer_discard_response_cb),
                           self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
dk_composer_close_request (GtkWindow *window)
{
  if (has_writing (DK_COMPOSER (window)))
    {
      gtk_widget_activate_action (GTK_WIDGET (window), "composer.cancel", NULL);
      return TRUE;
    }
  /* Hidden before it goes, as dk_accessible_destroy_window () says why. */
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  return GTK_WINDOW_CLASS (dk_composer_parent_class)->close_request (window);
}

/* ---- GObject ---- */

static void
dk_composer_dispose (GObject *object)
{
  DkComposer *self = DK_COMPOSER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DK_TYPE_COMPOSER);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->services, g_ptr_array_unref);
  g_clear_pointer (&self->service_names, g_hash_table_unref);
  g_clear_pointer (&self->chosen, g_hash_table_unref);
  g_clear_pointer (&self->choices, g_ptr_array_unref);
  g_clear_pointer (&self->kinds, g_array_unref);
  g_clear_pointer (&self->areas, g_array_unref);
  g_clear_pointer (&self->applied, dk_template_unref);
  g_clear_pointer (&self->filled_title, g_free);
  g_clear_pointer (&self->filled_description, g_free);
  g_clear_pointer (&self->filled_scope, g_free);
  g_clear_pointer (&self->draft, dk_case_unref);
  g_clear_pointer (&self->reports, g_strfreev);

  G_OBJECT_CLASS (dk_composer_parent_class)->dispose (object);
}

static void
dk_composer_class_init (DkComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_composer_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = dk_composer_close_request;

  g_type_ensure (DK_TYPE_CASE_PREVIEW);
  g_type_ensure (DK_TYPE_PRIORITY_MATRIX);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, DkComposer, area_row);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, chosen_label);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, description_view);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, end_row);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, error_label);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, external_ref_row);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, kind_row);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, lead_label);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, major_hint_label);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, major_switch);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, matrix);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, phrase_row);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, preview);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, public_switch);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, reason_row);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, scope_row);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, services_list);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, services_search);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, stack);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, start_row);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, template_row);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, templates_button);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, templates_list);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, templates_search);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, title_row);
  gtk_widget_class_bind_template_child (widget_class, DkComposer, window_title);
  gtk_widget_class_bind_template_callback (widget_class, dk_composer_area_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_composer_kind_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_composer_major_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_composer_priority_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_composer_scope_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_composer_services_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_composer_templates_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_composer_when_changed_cb);

  gtk_widget_class_install_action (widget_class, "composer.apply-template", "s",
                                   apply_template_action);
  gtk_widget_class_install_action (widget_class, "composer.preview", NULL, preview_action);
  gtk_widget_class_install_action (widget_class, "composer.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "composer.publish", NULL, publish_action);
  gtk_widget_class_install_action (widget_class, "composer.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "composer.save-template", NULL,
                                   save_template_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "composer.cancel", NULL);
}

static void
dk_composer_init (DkComposer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->chosen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->choices = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_template_unref);
  self->kinds = g_array_new (FALSE, FALSE, sizeof (DkCaseKind));
  self->areas = g_array_new (FALSE, FALSE, sizeof (DkArea));
  self->service_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  gtk_list_box_set_filter_func (self->services_list, services_filter, self, NULL);
  gtk_list_box_set_filter_func (self->templates_list, templates_filter, self, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.publish", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "composer.edit", FALSE);
}

static void
load_services (DkComposer *self)
{
  g_autoptr(GError) error = NULL;

  g_assert (DK_IS_COMPOSER (self));

  self->services = dk_store_list_services (get_store (self), &error);
  if (self->services == NULL)
    {
      g_warning ("Could not read the services: %s", error->message);
      self->services = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_service_unref);
    }
  for (guint i = 0; i < self->services->len; i++)
    {
      DkService *service = g_ptr_array_index (self->services, i);

      g_hash_table_insert (self->service_names, g_strdup (service->id), g_strdup (service->name));
    }
}

static void
set_up_form (DkComposer *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) phrases = gtk_string_list_new (NULL);
  g_autofree char *start = NULL;

  g_assert (DK_IS_COMPOSER (self));

  for (int kind = 0; kind <= DK_CASE_KIND_LAST; kind++)
    for (int area = 0; area <= DK_AREA_LAST; area++)
      if (dk_rules_check_may_publish (self->roles, kind, area, NULL))
        {
          g_array_append_val (self->kinds, kind);
          gtk_string_list_append (kinds, dk_case_kind_label (kind));
          break;
        }
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kinds));
  gtk_widget_set_sensitive (GTK_WIDGET (self->kind_row), self->kinds->len > 1);
  for (int phrase = 0; phrase <= DK_UPDATE_PHRASE_LAST; phrase++)
    gtk_string_list_append (phrases, dk_update_phrase_label (phrase));
  adw_combo_row_set_model (self->phrase_row, G_LIST_MODEL (phrases));
  adw_combo_row_set_selected (self->phrase_row, DK_UPDATE_PHRASE_IDENTIFIED);

  fill_areas (self, DK_AREA_IT_TELEPHONY);
  gtk_widget_set_visible (GTK_WIDGET (self->phrase_row), get_kind (self) == DK_CASE_KIND_INCIDENT);

  /* Planned work starts a week ahead unless told otherwise; the rest now. */
  start = format_local_time (get_kind (self) == DK_CASE_KIND_PLANNED
                               ? (dk_time_now () / 3600 + 1) * 3600 + DK_PLANNED_LEAD_SECONDS
                               : dk_time_now ());
  gtk_editable_set_text (GTK_EDITABLE (self->start_row), start);

  fill_services (self);
  load_choices (self);
  fill_templates (self);
  update_major (self);
  check_lead_time (self);
}

/**
 * dk_composer_new:
 * @parent: the main window; the new case is shown there once published
 * @engine: the sync engine and its replica
 *
 * Returns: (transfer full): a new composer window
 */
DkComposer *
dk_composer_new (GtkWindow    *parent,
                 DkSyncEngine *engine)
{
  DkComposer *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (engine), NULL);

  self = g_object_new (DK_TYPE_COMPOSER, "transient-for", parent, NULL);
  /* Never wider or taller than the window it came from (a narrow window, a phone). */
  if (parent != NULL && gtk_widget_get_width (GTK_WIDGET (parent)) > 0)
    {
      int width, height;

      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   MIN (width, gtk_widget_get_width (GTK_WIDGET (parent))),
                                   MIN (height, gtk_widget_get_height (GTK_WIDGET (parent))));
    }
  self->engine = g_object_ref (engine);
  self->roles = dk_publish_rights_get_roles (dk_sync_engine_get_store (engine));
  load_services (self);
  set_up_form (self);
  g_signal_connect_object (engine, "changed", G_CALLBACK (dk_composer_engine_changed_cb), self,
                           G_CONNECT_SWAPPED);

  return self;
}

/**
 * dk_composer_set_draft:
 * @self: a #DkComposer
 * @draft: what to start from
 */
void
dk_composer_set_draft (DkComposer   *self,
                       const DkCase *draft)
{
  static const DkLevel levels[6][2] = {
    { DK_LEVEL_MEDIUM, DK_LEVEL_MEDIUM },
    { DK_LEVEL_HIGH, DK_LEVEL_HIGH }, { DK_LEVEL_HIGH, DK_LEVEL_MEDIUM },
    { DK_LEVEL_MEDIUM, DK_LEVEL_MEDIUM }, { DK_LEVEL_MEDIUM, DK_LEVEL_LOW },
    { DK_LEVEL_LOW, DK_LEVEL_LOW },
  };
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  int priority;

  g_return_if_fail (DK_IS_COMPOSER (self));
  g_return_if_fail (draft != NULL);

  select_kind_area (self, draft->kind, draft->area);
  gtk_editable_set_text (GTK_EDITABLE (self->title_row), draft->title != NULL ? draft->title : "");
  gtk_editable_set_text (GTK_EDITABLE (self->scope_row), draft->scope != NULL ? draft->scope : "");
  set_text_view (self->description_view, draft->description);
  if (draft->start != DK_TIME_UNSET && (start = format_local_time (draft->start)) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->start_row), start);
  if (draft->expected_end != DK_TIME_UNSET &&
      (end = format_local_time (draft->expected_end)) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->end_row), end);
  if (draft->external_ref != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->external_ref_row), draft->external_ref);
  gtk_switch_set_active (self->public_switch, draft->public);
  priority = dk_priority_is_valid (draft->priority) ? draft->priority : 0;
  dk_priority_matrix_set_levels (self->matrix, levels[priority][0], levels[priority][1]);

  g_hash_table_remove_all (self->chosen);
  for (guint i = 0; draft->services != NULL && i < draft->services->len; i++)
    g_hash_table_add (self->chosen, g_strdup (g_ptr_array_index (draft->services, i)));
  fill_services (self);
}

/**
 * dk_composer_set_reports:
 * @self: a #DkComposer
 * @report_ids: (nullable) (array zero-terminated=1): report ids or numbers
 */
void
dk_composer_set_reports (DkComposer         *self,
                         const char * const *report_ids)
{
  g_return_if_fail (DK_IS_COMPOSER (self));

  g_clear_pointer (&self->reports, g_strfreev);
  self->reports = g_strdupv ((char **) report_ids);
}
