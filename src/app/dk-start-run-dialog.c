/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-start-run-dialog.c: asks the unit (and optionally the outage case) and starts a run */

#define G_LOG_DOMAIN "dk-start-run-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "dk-application.h"
#include "dk-local-changes.h"
#include "dk-routine-format.h"
#include "dk-start-run-dialog.h"
#include "dk-unit-picker.h"

typedef struct {
  GtkWidget    *origin;       /* weak */
  DkSyncEngine *engine;
  char         *routine_id;
  GPtrArray    *case_ids;     /* the combo's cases after "No case" */
  DkUnitPicker *unit_row;
  AdwComboRow  *case_row;
} StartRun;

static void
start_run_free (StartRun *start)
{
  g_clear_weak_pointer (&start->origin);
  g_clear_object (&start->engine);
  g_clear_pointer (&start->routine_id, g_free);
  g_clear_pointer (&start->case_ids, g_ptr_array_unref);
  g_free (start);
}

static GSettings *
get_settings (void)
{
  GApplication *app = g_application_get_default ();

  return DK_IS_APPLICATION (app) ? dk_application_get_settings (DK_APPLICATION (app)) : NULL;
}

static void
show_error (GtkWindow  *parent,
            const char *message)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, _("Could Not Start the Routine"), message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
dk_start_run_dialog_response_cb (AdwMessageDialog *dialog,
                                 const char       *response,
                                 StartRun         *start)
{
  DkStore *store = dk_sync_engine_get_store (start->engine);
  g_autofree char *unit = NULL;
  g_autofree char *me = NULL;
  g_autofree char *run_id = NULL;
  g_autoptr(GError) error = NULL;
  const char *case_id = NULL;
  guint selected;
  GSettings *settings;

  if (g_strcmp0 (response, "start") != 0)
    return;

  /* "avd 12" is the catalogue's "Avdelning 12"; a unit not in it stays as typed */
  unit = dk_unit_picker_dup_unit (start->unit_row);
  selected = adw_combo_row_get_selected (start->case_row);
  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected <= start->case_ids->len)
    case_id = g_ptr_array_index (start->case_ids, selected - 1);
  me = dk_routine_dup_me (store);

  if (me == NULL)
    {
      show_error (gtk_window_get_transient_for (GTK_WINDOW (dialog)),
                  _("Log in to start a routine."));
      return;
    }
  if (unit == NULL)
    {
      show_error (gtk_window_get_transient_for (GTK_WINDOW (dialog)),
                  _("Say which unit follows the routine."));
      return;
    }

  run_id = dk_local_start_run (store, start->routine_id, unit, case_id, me, dk_time_now (), &error);
  if (run_id == NULL)
    {
      show_error (gtk_window_get_transient_for (GTK_WINDOW (dialog)), error->message);
      return;
    }

  settings = get_settings ();
  if (settings != NULL)
    g_settings_set_string (settings, "unit", unit);
  if (start->origin != NULL)
    gtk_widget_activate_action (start->origin, "routines.open-run", "s", run_id);
}

static GtkStringList *
new_case_model (StartRun   *start,
                const char *preselect,
                guint      *out_selected)
{
  GtkStringList *model = gtk_string_list_new (NULL);
  DkCaseQuery query = { 0 };
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GError) error = NULL;

  *out_selected = 0;
  gtk_string_list_append (model, _("No case"));
  cases = dk_store_list_cases (dk_sync_engine_get_store (start->engine), &query, dk_time_now (),
                               &error);
  if (cases == NULL)
    {
      g_warning ("Could not read the cases: %s", error->message);
      return model;
    }

  for (guint i = 0; i < cases->len; i++)
    {
      DkCase *kase = g_ptr_array_index (cases, i);
      g_autofree char *label = NULL;

      /* Translators: a case in the list of outages a run can be tied to: number, title */
      label = g_strdup_printf (_("%s %s"), kase->number != NULL ? kase->number : "", kase->title);
      gtk_string_list_append (model, label);
      g_ptr_array_add (start->case_ids, g_strdup (kase->id));
      if (preselect != NULL &&
          (g_strcmp0 (preselect, kase->id) == 0 || g_strcmp0 (preselect, kase->number) == 0))
        *out_selected = start->case_ids->len;
    }

  return model;
}

/**
 * dk_start_run_dialog_present:
 * @origin: the widget whose "routines.open-run" shows the new run
 * @engine: the sync engine, with the replica
 * @routine_id: the routine to start
 * @case_id: (nullable): the outage case to tie the run to, preselected
 */
void
dk_start_run_dialog_present (GtkWidget    *origin,
                             DkSyncEngine *engine,
                             const char   *routine_id,
                             const char   *case_id)
{
  g_autoptr(DkRoutine) routine = NULL;
  g_autoptr(GtkStringList) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  StartRun *start;
  GtkRoot *root;
  GtkWidget *dialog;
  GtkWidget *list;
  GSettings *settings = get_settings ();
  guint selected;

  g_return_if_fail (GTK_IS_WIDGET (origin));
  g_return_if_fail (DK_IS_SYNC_ENGINE (engine));
  g_return_if_fail (routine_id != NULL);

  root = gtk_widget_get_root (origin);
  routine = dk_store_get_routine (dk_sync_engine_get_store (engine), routine_id, &error);
  if (routine == NULL)
    {
      show_error (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, error->message);
      return;
    }

  start = g_new0 (StartRun, 1);
  g_set_weak_pointer (&start->origin, origin);
  start->engine = g_object_ref (engine);
  start->routine_id = g_strdup (routine_id);
  start->case_ids = g_ptr_array_new_with_free_func (g_free);

  /* Translators: the start dialog's text; the routine's title follows */
  body = g_strdup_printf (_("Everyone on the unit can then tick the steps of “%s”, on any desktop, also offline."),
                          routine->title);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Start Routine"), body);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  start->unit_row = DK_UNIT_PICKER (dk_unit_picker_new (dk_sync_engine_get_store (engine)));
  if (settings != NULL)
    {
      g_autofree char *unit = g_settings_get_string (settings, "unit");

      gtk_editable_set_text (GTK_EDITABLE (start->unit_row), unit);
    }
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (start->unit_row));

  model = new_case_model (start, case_id, &selected);
  start->case_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (start->case_row), _("Outage case"));
  adw_combo_row_set_model (start->case_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (start->case_row, selected);
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (start->case_row));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "start", _("_Start"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "start",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "start");
  g_signal_connect_data (dialog, "response", G_CALLBACK (dk_start_run_dialog_response_cb), start,
                         (GClosureNotify) (void (*) (void)) start_run_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}
