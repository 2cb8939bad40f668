/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-run-page.c: a run of a reserve routine on a unit: steps to tick by phase
 *
 * What shows is the replica's run, the union of the server's copy and ticks still in
 * the outbox (dk-store-routines.h), read again whenever the engine applied something, so
 * ticks from other desktops appear while one's own wait to be sent. Every tick is kept:
 * each step lists every tick and untick with who and when, and every note.
 */

#define G_LOG_DOMAIN "dk-run-page"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-format.h"
#include "dk-local-changes.h"
#include "dk-print-operation.h"
#include "dk-routine-format.h"
#include "dk-run-page.h"
#include "dk-run-progress.h"

struct _DkRunPage
{
  AdwBin        parent_instance;

  /* template widgets */
  GtkLabel     *deadline_label;
  GtkButton    *finish_button;
  GtkLabel     *info_label;
  GtkGrid      *progress_grid;
  GtkBox       *sections_box;
  GtkLabel     *title_label;

  /* owned */
  DkSyncEngine *engine;
  DkRun        *run;
  DkRoutine    *routine;
  DkCase       *kase;      /* the tied case, NULL when none */

  /* state */
  char         *run_id;
  guint         reload_source;
};

G_DEFINE_FINAL_TYPE (DkRunPage, dk_run_page, ADW_TYPE_BIN)

static void show_run (DkRunPage *self);

/* ---- helpers ---- */

static DkStore *
get_store (DkRunPage *self)
{
  return dk_sync_engine_get_store (self->engine);
}

static void
clear_widget_children (GtkWidget *parent)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (parent)) != NULL)
    gtk_widget_unparent (child);
}

static void
show_error (DkRunPage  *self,
            const char *heading,
            const char *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  g_warning ("%s: %s", heading, message);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
load (DkRunPage  *self,
      GError    **error)
{
  g_autoptr(DkRun) run = NULL;
  g_autoptr(DkRoutine) routine = NULL;
  g_autoptr(DkCase) kase = NULL;

  run = dk_store_get_run (get_store (self), self->run_id, error);
  if (run == NULL)
    return FALSE;
  routine = dk_store_get_routine (get_store (self), run->routine, error);
  if (routine == NULL)
    return FALSE;
  if (run->case_id != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      /* A case the replica no longer holds leaves the run without one. */
      kase = dk_store_get_case (get_store (self), run->case_id, &local_error);
      if (kase == NULL)
        g_debug ("The run's case %s is not in the replica: %s", run->case_id,
                 local_error->message);
    }

  g_clear_pointer (&self->run, dk_run_unref);
  g_clear_pointer (&self->routine, dk_routine_unref);
  g_clear_pointer (&self->kase, dk_case_unref);
  self->run = g_steal_pointer (&run);
  self->routine = g_steal_pointer (&routine);
  self->kase = g_steal_pointer (&kase);

  return TRUE;
}

static gboolean
dk_run_page_reload_cb (gpointer user_data)
{
  DkRunPage *self = DK_RUN_PAGE (user_data);

  self->reload_source = 0;
  dk_run_page_reload (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_reload (DkRunPage *self)
{
  if (self->reload_source == 0)
    self->reload_source = g_idle_add (dk_run_page_reload_cb, self);
}

/* Every tick, untick and note on the step, oldest first, each with who and when. */
static char *
describe_history (const DkRunStep *step)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; step != NULL && i < step->ticks->len; i++)
    {
      DkRunTick *tick = g_ptr_array_index (step->ticks, i);
      g_autofree char *when = dk_format_time (tick->at);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (tick->done)
        /* Translators: one tick on a run's step: who, when */
        g_string_append_printf (text, _("✓ Ticked by %s, %s"), tick->by, when);
      else
        /* Translators: one untick on a run's step: who, when */
        g_string_append_printf (text, _("✗ Unticked by %s, %s"), tick->by, when);
    }
  for (guint i = 0; step != NULL && i < step->notes->len; i++)
    {
      DkRunNote *note = g_ptr_array_index (step->notes, i);
      g_autofree char *when = dk_format_time (note->at);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      /* Translators: a note on a run's step: who, when, the note */
      g_string_append_printf (text, _("Note by %s, %s: %s"), note->by, when, note->text);
    }

  if (text->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
describe_people (const DkRunStep *step)
{
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GString) names = g_string_new (NULL);

  if (step == NULL)
    return NULL;
  people = dk_run_step_dup_people (step);
  if (people->len < 2)
    return NULL;
  for (guint i = 0; i < people->len; i++)
    {
      if (i > 0)
        g_string_append (names, ", ");
      g_string_append (names, g_ptr_array_index (people, i));
    }

  /* Translators: everyone who ticked, unticked or noted a step */
  return g_strdup_printf (_("Worked on by %s"), names->str);
}

static void
dk_run_page_step_toggled_cb (DkRunPage       *self,
                             GtkToggleButton *check)
{
  const char *step_id = g_object_get_data (G_OBJECT (check), "dk-step");
  gboolean done = gtk_toggle_button_get_active (check);
  g_autofree char *me = dk_routine_dup_me (get_store (self));
  g_autoptr(GError) error = NULL;

  if (self->run == NULL)
    return;
  if (me == NULL)
    {
      show_error (self, _("Not Logged In"), _("Log in to tick steps."));
      schedule_reload (self);
      return;
    }
  if (!dk_local_set_run_step (get_store (self), self->run->id, step_id, done, NULL, me,
                              dk_time_now (), &error))
    {
      show_error (self, _("Could Not Tick the Step"), error->message);
      schedule_reload (self);
      return;
    }

  schedule_reload (self);
}

static void
dk_run_page_note_response_cb (AdwMessageDialog *dialog,
                              const char       *response,
                              DkRunPage        *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  const char *step_id = g_object_get_data (G_OBJECT (dialog), "dk-step");
  g_autofree char *me = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "add") != 0 || self->run == NULL)
    return;

  me = dk_routine_dup_me (get_store (self));
  if (me == NULL)
    {
      show_error (self, _("Not Logged In"), _("Log in to add notes."));
      return;
    }
  if (!dk_local_change_run_step (get_store (self), self->run->id, step_id, DK_RUN_NOTE_ONLY,
                                 gtk_editable_get_text (entry), me, dk_time_now (), &error))
    {
      show_error (self, _("Could Not Add the Note"), error->message);
      return;
    }

  schedule_reload (self);
}

static void
dk_run_page_add_note_clicked_cb (DkRunPage *self,
                                 GtkButton *button)
{
  const char *step_id = g_object_get_data (G_OBJECT (button), "dk-step");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;
  GtkWidget *entry;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Add a Note"),
                                   _("Everyone following the run sees the note with your name."));
  entry = gtk_entry_new ();
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Note"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "add", _("_Add Note"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "add");
  g_object_set_data_full (G_OBJECT (dialog), "dk-step", g_strdup (step_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (dk_run_page_note_response_cb),
                           self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A step's tick says "checked" or "not checked" to a screen reader: GTK 4.8 tells only
 * "pressed" of a toggle button. */
static void
sync_checked_state (GtkToggleButton *check)
{
  gtk_accessible_update_state (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_STATE_CHECKED,
                               gtk_toggle_button_get_active (check)
                               ? GTK_ACCESSIBLE_TRISTATE_TRUE : GTK_ACCESSIBLE_TRISTATE_FALSE,
                               -1);
}

static GtkWidget *
new_step_row (DkRunPage           *self,
              const DkRoutineStep *step,
              guint                number,
              gboolean             running)
{
  DkRunStep *state = dk_run_find_step (self->run, step->id);
  g_autofree char *reason = dk_run_dup_not_applicable_reason (step, self->kase);
  g_autofree char *details = dk_routine_step_dup_details (step);
  g_autofree char *history = describe_history (state);
  g_autofree char *people = describe_people (state);
  g_autofree char *title = g_strdup_printf (_("%u. %s"), number, step->text);
  g_autofree char *check_label = NULL;
  g_autofree char *note_label = NULL;
  g_autoptr(GString) subtitle = g_string_new (NULL);
  const char *parts[] = { reason, details, history, people };
  GtkWidget *row = adw_action_row_new ();
  /* A round toggle with a tick rather than a GtkCheckButton: GTK 4.8 gives check buttons
   * no accessible action, so screen readers and tests could not tick them. It is a check
   * box to assistive technologies, checked when the step is done (sync_checked_state). */
  GtkWidget *check = g_object_new (GTK_TYPE_TOGGLE_BUTTON,
                                   "accessible-role", GTK_ACCESSIBLE_ROLE_CHECKBOX,
                                   NULL);
  GtkWidget *note = gtk_button_new_from_icon_name ("document-edit-symbolic");

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      if (parts[i] == NULL)
        continue;
      if (subtitle->len > 0)
        g_string_append_c (subtitle, '\n');
      g_string_append (subtitle, parts[i]);
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (reason != NULL)
    gtk_widget_add_css_class (row, "dk-not-applicable");

  /* Translators: the check button of a run's step; the step's text follows */
  check_label = g_strdup_printf (_("Done: %s"), step->text);
  gtk_button_set_icon_name (GTK_BUTTON (check), "object-select-symbolic");
  gtk_widget_add_css_class (check, "circular");
  gtk_widget_add_css_class (check, "dk-tick");
  gtk_widget_set_tooltip_text (check, _("Done"));
  g_signal_connect (check, "toggled", G_CALLBACK (sync_checked_state), NULL);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (check), state != NULL && state->done);
  sync_checked_state (GTK_TOGGLE_BUTTON (check));
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (check, running && reason == NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  check_label, -1);
  g_object_set_data_full (G_OBJECT (check), "dk-step", g_strdup (step->id), g_free);
  g_signal_connect_object (check, "toggled", G_CALLBACK (dk_run_page_step_toggled_cb), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  if (running && reason == NULL)
    dk_routine_row_activates (ADW_ACTION_ROW (row), check);

  /* Translators: the button that adds a note to a run's step; the step's text follows */
  note_label = g_strdup_printf (_("Add a note: %s"), step->text);
  gtk_widget_set_valign (note, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (note, "flat");
  gtk_widget_set_tooltip_text (note, _("Add a note"));
  gtk_widget_set_sensitive (note, running);
  gtk_accessible_update_property (GTK_ACCESSIBLE (note), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  note_label, -1);
  g_object_set_data_full (G_OBJECT (note), "dk-step", g_strdup (step->id), g_free);
  g_signal_connect_object (note, "clicked", G_CALLBACK (dk_run_page_add_note_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), note);

  return row;
}

static void
show_progress (DkRunPage      *self,
               DkRoutinePhase  current)
{
  clear_widget_children (GTK_WIDGET (self->progress_grid));

  for (int phase = DK_ROUTINE_PHASE_BEFORE; phase <= DK_ROUTINE_PHASE_LAST; phase++)
    {
      DkRunProgress progress = { 0 };
      g_autofree char *count = NULL;
      g_autofree char *accessible = NULL;
      GtkWidget *name;
      GtkWidget *bar;
      GtkWidget *numbers;

      dk_run_get_progress (self->run, self->routine, self->kase, phase, &progress);
      if (progress.total == 0 && progress.not_applicable == 0)
        continue;

      name = gtk_label_new (dk_routine_phase_heading (phase));
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      if ((DkRoutinePhase) phase == current)
        gtk_widget_add_css_class (name, "heading");

      bar = gtk_level_bar_new_for_interval (0, MAX (progress.total, 1));
      gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), progress.done);
      gtk_widget_set_hexpand (bar, TRUE);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);

      if (progress.not_applicable > 0)
        /* Translators: progress of a phase: done of total, and steps that do not apply */
        count = g_strdup_printf (_("%u of %u done · %u not applicable"), progress.done,
                                 progress.total, progress.not_applicable);
      else
        /* Translators: progress of a phase: done of total */
        count = g_strdup_printf (_("%u of %u done"), progress.done, progress.total);
      numbers = gtk_label_new (count);
      gtk_label_set_xalign (GTK_LABEL (numbers), 1);
      gtk_widget_add_css_class (numbers, "numeric");

      /* Translators: a phase's progress for screen readers: phase, then "2 of 4 done" */
      accessible = g_strdup_printf (_("Progress %s: %s"), dk_routine_phase_heading (phase), count);
      gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      accessible, -1);

      gtk_grid_attach (self->progress_grid, name, 0, phase, 1, 1);
      gtk_grid_attach (self->progress_grid, bar, 1, phase, 1, 1);
      gtk_grid_attach (self->progress_grid, numbers, 2, phase, 1, 1);
    }
}

static void
show_header (DkRunPage      *self,
             DkRoutinePhase  phase)
{
  g_autofree char *started = dk_format_time (self->run->started_at);
  g_autoptr(GString) info = g_string_new (NULL);
  gint64 deadline = dk_routine_post_registration_deadline (self->routine, self->kase, NULL);

  gtk_label_set_label (self->title_label, self->routine->title);

  /* Translators: a run's unit, who started it and when */
  g_string_append_printf (info, _("Unit %s · started by %s, %s"),
                          self->run->unit != NULL ? self->run->unit : "–",
                          self->run->started_by != NULL ? self->run->started_by : "–", started);
  if (self->kase != NULL)
    /* Translators: the case a run is tied to: number and title */
    g_string_append_printf (info, _("\nFor case %s: %s"),
                            self->kase->number != NULL ? self->kase->number : "",
                            self->kase->title);
  if (self->run->finished_at != DK_TIME_UNSET)
    {
      g_autofree char *finished = dk_format_time (self->run->finished_at);

      g_string_append_printf (info, _("\nFinished %s"), finished);
    }
  else if (phase == DK_ROUTINE_PHASE_AFTER)
    g_string_append (info, _("\nThe outage is over: the after phase now."));
  gtk_label_set_label (self->info_label, info->str);

  if (deadline != DK_TIME_UNSET)
    {
      g_autofree char *when = dk_format_time (deadline);
      g_autofree char *text = NULL;

      /* Translators: by when post-registration must be done, once the case closed */
      text = g_strdup_printf (_("Post-register by %s"), when);
      gtk_label_set_label (self->deadline_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->deadline_label), deadline != DK_TIME_UNSET);
}

static void
show_run (DkRunPage *self)
{
  DkRoutinePhase phase;
  gboolean running;
  GtkWidget *child;

  g_assert (DK_IS_RUN_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sections_box))) != NULL)
    gtk_box_remove (self->sections_box, child);

  running = self->run != NULL && self->run->finished_at == DK_TIME_UNSET;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "run.finish", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "run.print", self->run != NULL);
  if (self->run == NULL)
    return;

  phase = dk_run_get_phase (self->run, self->kase);
  show_header (self, phase);
  show_progress (self, phase);

  for (int p = DK_ROUTINE_PHASE_BEFORE; p <= DK_ROUTINE_PHASE_LAST; p++)
    {
      GtkWidget *group = NULL;
      guint number = 0;

      for (guint i = 0; i < self->routine->steps->len; i++)
        {
          DkRoutineStep *step = g_ptr_array_index (self->routine->steps, i);

          if ((int) step->phase != p)
            continue;
          if (group == NULL)
            {
              group = adw_preferences_group_new ();
              adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group),
                                               dk_routine_phase_heading (p));
              if ((DkRoutinePhase) p == phase && running)
                adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                                       _("The phase the run is in"));
            }
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                     new_step_row (self, step, ++number, running));
        }
      if (group != NULL)
        gtk_box_append (self->sections_box, group);
    }
}

/* ---- actions ---- */

static void
finish_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    DkRunPage        *self)
{
  g_autofree char *me = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "finish") != 0 || self->run == NULL)
    return;

  me = dk_routine_dup_me (get_store (self));
  if (!dk_local_finish_run (get_store (self), self->run->id, me != NULL ? me : "", dk_time_now (),
                            &error))
    {
      show_error (self, _("Could Not Finish the Run"), error->message);
      return;
    }
  schedule_reload (self);
}

static void
finish_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DkRunPage *self = DK_RUN_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Finish the Run?"),
                                   _("Nobody can tick its steps after that."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "finish", _("_Finish Run"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "finish",
                                              ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (finish_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  DkRunPage *self = DK_RUN_PAGE (widget);

  if (self->run != NULL)
    dk_print_routine (widget, get_store (self), self->run->routine);
}

/* ---- GObject ---- */

static void
dk_run_page_dispose (GObject *object)
{
  DkRunPage *self = DK_RUN_PAGE (object);

  g_clear_handle_id (&self->reload_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), DK_TYPE_RUN_PAGE);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->run, dk_run_unref);
  g_clear_pointer (&self->routine, dk_routine_unref);
  g_clear_pointer (&self->kase, dk_case_unref);
  g_clear_pointer (&self->run_id, g_free);

  G_OBJECT_CLASS (dk_run_page_parent_class)->dispose (object);
}

static void
dk_run_page_class_init (DkRunPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_run_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-run-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DkRunPage, deadline_label);
  gtk_widget_class_bind_template_child (widget_class, DkRunPage, finish_button);
  gtk_widget_class_bind_template_child (widget_class, DkRunPage, info_label);
  gtk_widget_class_bind_template_child (widget_class, DkRunPage, progress_grid);
  gtk_widget_class_bind_template_child (widget_class, DkRunPage, sections_box);
  gtk_widget_class_bind_template_child (widget_class, DkRunPage, title_label);

  gtk_widget_class_install_action (widget_class, "run.finish", NULL, finish_action);
  gtk_widget_class_install_action (widget_class, "run.print", NULL, print_action);
}

static void
dk_run_page_init (DkRunPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "run.finish", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "run.print", FALSE);
}

/* ---- public API ---- */

/**
 * dk_run_page_set_context:
 * @self: a #DkRunPage
 * @engine: the sync engine, with the replica
 */
void
dk_run_page_set_context (DkRunPage    *self,
                         DkSyncEngine *engine)
{
  g_return_if_fail (DK_IS_RUN_PAGE (self));
  g_return_if_fail (DK_IS_SYNC_ENGINE (engine));

  g_set_object (&self->engine, engine);
}

/**
 * dk_run_page_set_run:
 * @self: a #DkRunPage
 * @id: a run's id
 *
 * Returns: whether the replica has the run (and its routine)
 */
gboolean
dk_run_page_set_run (DkRunPage  *self,
                     const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *previous = NULL;

  g_return_val_if_fail (DK_IS_RUN_PAGE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (self->engine != NULL, FALSE);

  previous = g_steal_pointer (&self->run_id);
  self->run_id = g_strdup (id);
  if (!load (self, &error))
    {
      g_debug ("No run %s: %s", id, error->message);
      g_free (self->run_id);
      self->run_id = g_steal_pointer (&previous);
      return FALSE;
    }

  show_run (self);
  return TRUE;
}

/**
 * dk_run_page_get_run_id:
 * @self: a #DkRunPage
 *
 * Returns: (nullable): the run shown
 */
const char *
dk_run_page_get_run_id (DkRunPage *self)
{
  g_return_val_if_fail (DK_IS_RUN_PAGE (self), NULL);

  return self->run != NULL ? self->run->id : NULL;
}

/**
 * dk_run_page_get_routine_id:
 * @self: a #DkRunPage
 *
 * Returns: (nullable): the routine of the run shown
 */
const char *
dk_run_page_get_routine_id (DkRunPage *self)
{
  g_return_val_if_fail (DK_IS_RUN_PAGE (self), NULL);

  return self->run != NULL ? self->run->routine : NULL;
}

/**
 * dk_run_page_reload:
 * @self: a #DkRunPage
 */
void
dk_run_page_reload (DkRunPage *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DK_IS_RUN_PAGE (self));

  if (self->run_id == NULL || self->engine == NULL)
    return;
  if (!load (self, &error))
    g_debug ("Could not read the run %s again: %s", self->run_id, error->message);
  show_run (self);
}
