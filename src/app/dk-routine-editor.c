/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routine-editor.c: a routine owner's editor; saving makes a new revision
 *
 * The editor works on a copy of the routine. The step widgets are built from the copy
 * and read back into it before every change of the list (add, remove, move) and before
 * saving, so the list can simply be built again. Saving is routine.save through the
 * outbox (dk_local_save_routine): offline too, judged by the server when it is sent.
 */

#define G_LOG_DOMAIN "dk-routine-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-local-changes.h"
#include "dk-print-labels.h"
#include "dk-routine-editor.h"
#include "dk-routine-format.h"

/* The forms printing knows, offered in the form dropdown after "No form". */
static const char * const known_forms[] = {
  "manual_journal_note", "deviation_report", "post_registration",
};

enum {
  CONDITION_ALWAYS,
  CONDITION_OVER,
  CONDITION_UP_TO,
};

typedef struct {
  AdwComboRow   *phase;
  AdwEntryRow   *text;
  AdwComboRow   *condition;
  GtkSpinButton *hours;
  AdwEntryRow   *contact_name;
  AdwEntryRow   *office_hours;
  AdwEntryRow   *on_call;
  AdwComboRow   *form;
  char          *other_form;   /* a form of the routine's own, kept as it is */
} StepWidgets;

struct _DkRoutineEditor
{
  AdwBin                parent_instance;

  /* template widgets */
  AdwEntryRow          *audience_row;
  GtkLabel             *heading_label;
  AdwEntryRow          *owner_row;
  AdwExpanderRow       *services_row;
  GtkBox               *steps_box;
  AdwEntryRow          *title_row;
  AdwEntryRow          *valid_row;

  /* owned */
  DkSyncEngine         *engine;
  GHashTable           *service_names;
  DkRoutine            *routine;        /* the working copy */
  GPtrArray            *step_widgets;   /* StepWidgets *, one per step */
  GPtrArray            *service_checks; /* GtkCheckButton *, "dk-service" data */

  /* state */
  char                 *valid_text;     /* "valid until" as the editor showed it */
  gint64                base_revision;
  gboolean              is_new;
};

G_DEFINE_FINAL_TYPE (DkRoutineEditor, dk_routine_editor, ADW_TYPE_BIN)

/* ---- helpers ---- */

static void
step_widgets_free (StepWidgets *widgets)
{
  g_free (widgets->other_form);
  g_free (widgets);
}

static DkStore *
get_store (DkRoutineEditor *self)
{
  return dk_sync_engine_get_store (self->engine);
}

static char *
dup_entry_text (AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

static void
set_entry_text (AdwEntryRow *row,
                const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static AdwEntryRow *
add_entry_row (AdwPreferencesGroup *group,
               const char          *title,
               const char          *accessible,
               const char          *text)
{
  AdwEntryRow *row = ADW_ENTRY_ROW (adw_entry_row_new ());

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  /* The title names the row already; which step it belongs to is its description. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  accessible, -1);
  set_entry_text (row, text);
  adw_preferences_group_add (group, GTK_WIDGET (row));

  return row;
}

static AdwComboRow *
add_combo_row (AdwPreferencesGroup *group,
               const char          *title,
               const char          *accessible,
               GtkStringList       *model,
               guint                selected)
{
  AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  /* The title names the row already; which step it belongs to is its description. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  accessible, -1);
  adw_combo_row_set_model (row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (row, selected);
  adw_preferences_group_add (group, GTK_WIDGET (row));

  return row;
}

static GtkWidget *
new_icon_button (const char *icon,
                 const char *label,
                 const char *action,
                 guint       index,
                 gboolean    sensitive)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "u", index);
  gtk_widget_set_sensitive (button, sensitive);

  return button;
}

static void
add_step_group (DkRoutineEditor     *self,
                const DkRoutineStep *step,
                guint                index)
{
  StepWidgets *widgets = g_new0 (StepWidgets, 1);
  g_autoptr(GtkStringList) phases = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) conditions = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) forms = gtk_string_list_new (NULL);
  g_autofree char *title = g_strdup_printf (_("Step %u"), index + 1);
  g_autofree char *up = g_strdup_printf (_("Move step %u up"), index + 1);
  g_autofree char *down = g_strdup_printf (_("Move step %u down"), index + 1);
  g_autofree char *remove = g_strdup_printf (_("Remove step %u"), index + 1);
  g_autofree char *a11y = NULL;
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *hours_row;
  gboolean over = FALSE;
  guint hours = 10;
  guint condition = CONDITION_ALWAYS;
  guint form = 0;

  adw_preferences_group_set_title (group, title);
  gtk_box_append (GTK_BOX (buttons), new_icon_button ("go-up-symbolic", up, "editor.move-up",
                                                      index, index > 0));
  gtk_box_append (GTK_BOX (buttons),
                  new_icon_button ("go-down-symbolic", down, "editor.move-down", index,
                                   index + 1 < self->routine->steps->len));
  gtk_box_append (GTK_BOX (buttons), new_icon_button ("user-trash-symbolic", remove,
                                                      "editor.remove-step", index, TRUE));
  adw_preferences_group_set_header_suffix (group, buttons);

  for (int p = DK_ROUTINE_PHASE_BEFORE; p <= DK_ROUTINE_PHASE_LAST; p++)
    gtk_string_list_append (phases, dk_routine_phase_heading (p));
  a11y = g_strdup_printf (_("Step %u: phase"), index + 1);
  widgets->phase = add_combo_row (group, _("Phase"), a11y, phases, step->phase);

  g_free (a11y);
  a11y = g_strdup_printf (_("Step %u: what to do"), index + 1);
  widgets->text = add_entry_row (group, _("What to do"), a11y, step->text);

  if (step->condition != NULL && dk_routine_condition_parse (step->condition, &over, &hours))
    condition = over ? CONDITION_OVER : CONDITION_UP_TO;
  gtk_string_list_append (conditions, _("Always"));
  gtk_string_list_append (conditions, _("Only when the outage lasted more than the hours below"));
  gtk_string_list_append (conditions, _("Only when the outage lasted the hours below or less"));
  g_free (a11y);
  a11y = g_strdup_printf (_("Step %u: condition"), index + 1);
  widgets->condition = add_combo_row (group, _("Condition"), a11y, conditions, condition);

  hours_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (hours_row), _("Hours"));
  widgets->hours = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 1000, 1));
  gtk_spin_button_set_value (widgets->hours, hours);
  gtk_widget_set_valign (GTK_WIDGET (widgets->hours), GTK_ALIGN_CENTER);
  g_free (a11y);
  a11y = g_strdup_printf (_("Step %u: hours of outage"), index + 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widgets->hours), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  a11y, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (hours_row), GTK_WIDGET (widgets->hours));
  adw_preferences_group_add (group, hours_row);
  g_object_bind_property (widgets->condition, "selected", hours_row, "sensitive",
                          G_BINDING_SYNC_CREATE);

  g_free (a11y);
  a11y = g_strdup_printf (_("Step %u: contact"), index + 1);
  widgets->contact_name = add_entry_row (group, _("Contact (whom to call)"), a11y,
                                         step->contact != NULL ? step->contact->name : NULL);
  g_free (a11y);
  a11y = g_strdup_printf (_("Step %u: number in office hours"), index + 1);
  widgets->office_hours = add_entry_row (group, _("Number in office hours"), a11y,
                                         step->contact != NULL ? step->contact->office_hours : NULL);
  g_free (a11y);
  a11y = g_strdup_printf (_("Step %u: number on call"), index + 1);
  widgets->on_call = add_entry_row (group, _("Number on call"), a11y,
                                    step->contact != NULL ? step->contact->on_call : NULL);

  gtk_string_list_append (forms, _("No form"));
  for (guint i = 0; i < G_N_ELEMENTS (known_forms); i++)
    {
      g_autofree char *form_title = dk_print_form_title (known_forms[i]);

      gtk_string_list_append (forms, form_title);
      if (g_strcmp0 (step->form, known_forms[i]) == 0)
        form = i + 1;
    }
  if (step->form != NULL && form == 0)
    {
      g_autofree char *form_title = dk_print_form_title (step->form);

      widgets->other_form = g_strdup (step->form);
      gtk_string_list_append (forms, form_title);
      form = G_N_ELEMENTS (known_forms) + 1;
    }
  g_free (a11y);
  a11y = g_strdup_printf (_("Step %u: form"), index + 1);
  widgets->form = add_combo_row (group, _("Form"), a11y, forms, form);

  g_ptr_array_add (self->step_widgets, widgets);
  gtk_box_append (self->steps_box, GTK_WIDGET (group));
}

static void
build_steps (DkRoutineEditor *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->steps_box))) != NULL)
    gtk_box_remove (self->steps_box, child);
  g_ptr_array_set_size (self->step_widgets, 0);

  for (guint i = 0; i < self->routine->steps->len; i++)
    add_step_group (self, g_ptr_array_index (self->routine->steps, i), i);
}

/* The chosen services, named on the collapsed row. */
static void
update_services_subtitle (DkRoutineEditor *self)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < self->service_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->service_checks, i);
      const char *id = g_object_get_data (G_OBJECT (check), "dk-service");

      if (!gtk_check_button_get_active (check))
        continue;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, g_hash_table_lookup (self->service_names, id));
    }
  adw_expander_row_set_subtitle (self->services_row,
                                 names->len > 0 ? names->str : _("No service chosen"));
}

static gint
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  GHashTable *names = user_data;

  return g_utf8_collate (g_hash_table_lookup (names, *(const char **) a),
                         g_hash_table_lookup (names, *(const char **) b));
}

static void
build_services (DkRoutineEditor *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < self->service_checks->len; i++)
    {
      GtkWidget *row = gtk_widget_get_ancestor (g_ptr_array_index (self->service_checks, i),
                                                ADW_TYPE_ACTION_ROW);

      adw_expander_row_remove (self->services_row, row);
    }
  g_ptr_array_set_size (self->service_checks, 0);
  if (self->service_names == NULL)
    return;

  g_hash_table_iter_init (&iter, self->service_names);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (ids, key);
  g_ptr_array_sort_with_data (ids, compare_names, self->service_names);

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      const char *name = g_hash_table_lookup (self->service_names, id);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      name, -1);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   g_ptr_array_find_with_equal_func (self->routine->services, id,
                                                                     g_str_equal, NULL));
      g_object_set_data_full (G_OBJECT (check), "dk-service", g_strdup (id), g_free);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      dk_routine_row_activates (ADW_ACTION_ROW (row), check);
      adw_expander_row_add_row (self->services_row, row);
      g_ptr_array_add (self->service_checks, check);
      g_signal_connect_object (check, "toggled", G_CALLBACK (update_services_subtitle), self,
                               G_CONNECT_SWAPPED);
    }
  update_services_subtitle (self);
}

static char *
format_date (gint64 t)
{
  g_autoptr(GDateTime) date = NULL;

  if (t == DK_TIME_UNSET)
    return NULL;
  date = g_date_time_new_from_unix_local (t);
  return g_date_time_format (date, "%Y-%m-%d");
}

/* "2026-05-01" is valid through that day, local time. */
static gboolean
parse_date (const char  *text,
            gint64      *out,
            GError     **error)
{
  g_autoptr(GDateTime) date = NULL;
  int year, month, day;
  char end;

  if (text == NULL)
    {
      *out = DK_TIME_UNSET;
      return TRUE;
    }
  if (sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &end) == 3)
    date = g_date_time_new_local (year, month, day, 23, 59, 59);
  if (date == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("Valid until: “%s” is not a date such as 2026-12-31"), text);
      return FALSE;
    }

  *out = g_date_time_to_unix (date);
  return TRUE;
}

/* Reads the widgets back into the working copy. */
static void
collect_steps (DkRoutineEditor *self)
{
  for (guint i = 0; i < self->step_widgets->len && i < self->routine->steps->len; i++)
    {
      StepWidgets *widgets = g_ptr_array_index (self->step_widgets, i);
      DkRoutineStep *step = g_ptr_array_index (self->routine->steps, i);
      g_autofree char *name = dup_entry_text (widgets->contact_name);
      g_autofree char *office = dup_entry_text (widgets->office_hours);
      g_autofree char *on_call = dup_entry_text (widgets->on_call);
      guint condition = adw_combo_row_get_selected (widgets->condition);
      guint form = adw_combo_row_get_selected (widgets->form);
      guint hours = (guint) gtk_spin_button_get_value_as_int (widgets->hours);

      step->phase = MIN (adw_combo_row_get_selected (widgets->phase), DK_ROUTINE_PHASE_LAST);
      g_free (step->text);
      step->text = dup_entry_text (widgets->text);

      g_clear_pointer (&step->condition, g_free);
      if (condition == CONDITION_OVER)
        step->condition = g_strdup_printf ("outage_over:%uh", hours);
      else if (condition == CONDITION_UP_TO)
        step->condition = g_strdup_printf ("outage_up_to:%uh", hours);

      g_clear_pointer (&step->contact, dk_contact_free);
      if (name != NULL || office != NULL || on_call != NULL)
        {
          step->contact = dk_contact_new ();
          step->contact->name = g_steal_pointer (&name);
          step->contact->office_hours = g_steal_pointer (&office);
          step->contact->on_call = g_steal_pointer (&on_call);
        }

      g_clear_pointer (&step->form, g_free);
      if (form >= 1 && form <= G_N_ELEMENTS (known_forms))
        step->form = g_strdup (known_forms[form - 1]);
      else if (form > G_N_ELEMENTS (known_forms))
        step->form = g_strdup (widgets->other_form);
    }
}

static gboolean
collect (DkRoutineEditor  *self,
         GError          **error)
{
  g_autofree char *valid = dup_entry_text (self->valid_row);
  gint64 valid_until = self->routine->valid_until;

  g_free (self->routine->title);
  self->routine->title = dup_entry_text (self->title_row);
  g_free (self->routine->audience);
  self->routine->audience = dup_entry_text (self->audience_row);
  g_free (self->routine->owner);
  self->routine->owner = dup_entry_text (self->owner_row);

  g_ptr_array_set_size (self->routine->services, 0);
  for (guint i = 0; i < self->service_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->service_checks, i);

      if (gtk_check_button_get_active (check))
        g_ptr_array_add (self->routine->services,
                         g_strdup (g_object_get_data (G_OBJECT (check), "dk-service")));
    }

  collect_steps (self);

  /* An unchanged date keeps its time of day; a new one is valid through that day. */
  if (g_strcmp0 (valid, self->valid_text) == 0)
    return TRUE;
  if (!parse_date (valid, &valid_until, error))
    return FALSE;
  self->routine->valid_until = valid_until;
  return TRUE;
}

static void
show_error (DkRoutineEditor *self,
            const char      *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Could Not Save the Routine"), message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- actions ---- */

static void
add_step_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  DkRoutineEditor *self = DK_ROUTINE_EDITOR (widget);
  DkRoutineStep *step = dk_routine_step_new ();
  guint n = self->routine->steps->len;

  collect_steps (self);
  /* A new step falls in the phase of the last one. */
  step->phase = n > 0 ? ((DkRoutineStep *) g_ptr_array_index (self->routine->steps, n - 1))->phase
                      : DK_ROUTINE_PHASE_BEFORE;
  g_ptr_array_add (self->routine->steps, step);
  build_steps (self);
  gtk_widget_grab_focus (GTK_WIDGET (((StepWidgets *) g_ptr_array_index (self->step_widgets, n))->text));
}

static void
move_step (DkRoutineEditor *self,
           guint            from,
           guint            to)
{
  GPtrArray *steps = self->routine->steps;
  gpointer step;

  if (from >= steps->len || to >= steps->len)
    return;

  collect_steps (self);
  step = steps->pdata[from];
  steps->pdata[from] = steps->pdata[to];
  steps->pdata[to] = step;
  build_steps (self);
}

static void
move_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  guint index = g_variant_get_uint32 (parameter);

  if (index > 0)
    move_step (DK_ROUTINE_EDITOR (widget), index, index - 1);
}

static void
move_down_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  guint index = g_variant_get_uint32 (parameter);

  move_step (DK_ROUTINE_EDITOR (widget), index, index + 1);
}

static void
remove_step_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DkRoutineEditor *self = DK_ROUTINE_EDITOR (widget);
  guint index = g_variant_get_uint32 (parameter);

  if (index >= self->routine->steps->len)
    return;
  collect_steps (self);
  g_ptr_array_remove_index (self->routine->steps, index);
  build_steps (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DkRoutineEditor *self = DK_ROUTINE_EDITOR (widget);
  g_autoptr(DkRoutine) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *me = dk_routine_dup_me (get_store (self));

  if (me == NULL)
    {
      show_error (self, _("Log in to save routines."));
      return;
    }
  if (!collect (self, &error))
    {
      show_error (self, error->message);
      return;
    }

  saved = dk_routine_copy (self->routine);
  if (!dk_local_save_routine (get_store (self), saved, self->base_revision, me, dk_time_now (),
                              &error))
    {
      show_error (self, error->message);
      return;
    }

  if (!gtk_widget_activate_action (widget, "routines.open", "s", saved->id))
    gtk_widget_activate_action (widget, "routines.back", NULL);
}

/* ---- GObject ---- */

static void
dk_routine_editor_dispose (GObject *object)
{
  DkRoutineEditor *self = DK_ROUTINE_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DK_TYPE_ROUTINE_EDITOR);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->service_names, g_hash_table_unref);
  g_clear_pointer (&self->routine, dk_routine_unref);
  g_clear_pointer (&self->step_widgets, g_ptr_array_unref);
  g_clear_pointer (&self->service_checks, g_ptr_array_unref);
  g_clear_pointer (&self->valid_text, g_free);

  G_OBJECT_CLASS (dk_routine_editor_parent_class)->dispose (object);
}

static void
dk_routine_editor_class_init (DkRoutineEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_routine_editor_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-routine-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, DkRoutineEditor, audience_row);
  gtk_widget_class_bind_template_child (widget_class, DkRoutineEditor, heading_label);
  gtk_widget_class_bind_template_child (widget_class, DkRoutineEditor, owner_row);
  gtk_widget_class_bind_template_child (widget_class, DkRoutineEditor, services_row);
  gtk_widget_class_bind_template_child (widget_class, DkRoutineEditor, steps_box);
  gtk_widget_class_bind_template_child (widget_class, DkRoutineEditor, title_row);
  gtk_widget_class_bind_template_child (widget_class, DkRoutineEditor, valid_row);

  gtk_widget_class_install_action (widget_class, "editor.add-step", NULL, add_step_action);
  gtk_widget_class_install_action (widget_class, "editor.move-up", "u", move_up_action);
  gtk_widget_class_install_action (widget_class, "editor.move-down", "u", move_down_action);
  gtk_widget_class_install_action (widget_class, "editor.remove-step", "u", remove_step_action);
  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
}

static void
dk_routine_editor_init (DkRoutineEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->step_widgets = g_ptr_array_new_with_free_func ((GDestroyNotify) step_widgets_free);
  self->service_checks = g_ptr_array_new ();
  self->routine = dk_routine_new ();
}

/* ---- public API ---- */

/**
 * dk_routine_editor_set_context:
 * @self: a #DkRoutineEditor
 * @engine: the sync engine, with the replica
 * @service_names: (nullable): service id → name: the services offered
 */
void
dk_routine_editor_set_context (DkRoutineEditor *self,
                               DkSyncEngine    *engine,
                               GHashTable      *service_names)
{
  g_return_if_fail (DK_IS_ROUTINE_EDITOR (self));
  g_return_if_fail (DK_IS_SYNC_ENGINE (engine));

  g_set_object (&self->engine, engine);
  if (service_names != self->service_names)
    {
      g_clear_pointer (&self->service_names, g_hash_table_unref);
      if (service_names != NULL)
        self->service_names = g_hash_table_ref (service_names);
    }
}

/**
 * dk_routine_editor_edit:
 * @self: a #DkRoutineEditor
 * @id: (nullable): the routine to edit, NULL for a new one
 *
 * Returns: whether there is such a routine
 */
gboolean
dk_routine_editor_edit (DkRoutineEditor *self,
                        const char      *id)
{
  g_autoptr(DkRoutine) routine = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *valid = NULL;

  g_return_val_if_fail (DK_IS_ROUTINE_EDITOR (self), FALSE);
  g_return_val_if_fail (self->engine != NULL, FALSE);

  if (id != NULL)
    {
      routine = dk_store_get_routine (get_store (self), id, &error);
      if (routine == NULL)
        {
          g_debug ("No routine %s to edit: %s", id, error->message);
          return FALSE;
        }
    }
  else
    routine = dk_routine_new ();

  g_clear_pointer (&self->routine, dk_routine_unref);
  self->routine = g_steal_pointer (&routine);
  self->is_new = id == NULL;
  self->base_revision = id != NULL ? self->routine->revision : 0;

  if (self->is_new)
    gtk_label_set_label (self->heading_label, _("New Routine"));
  else
    {
      g_autofree char *heading = g_strdup_printf (_("Editing revision %lld"),
                                                  (long long) self->routine->revision);

      gtk_label_set_label (self->heading_label, heading);
    }
  set_entry_text (self->title_row, self->routine->title);
  set_entry_text (self->audience_row, self->routine->audience);
  set_entry_text (self->owner_row, self->routine->owner);
  valid = format_date (self->routine->valid_until);
  set_entry_text (self->valid_row, valid);
  g_free (self->valid_text);
  self->valid_text = g_steal_pointer (&valid);
  build_services (self);
  build_steps (self);

  return TRUE;
}
