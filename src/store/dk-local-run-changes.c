/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-local-run-changes.c: a routine's run started, ticked and finished (run.start,
 * .set_step, .finish), built the way dk-local-changes.c says */

#define G_LOG_DOMAIN "dk-local-changes"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-local-changes-private.h"

/* ---- runs ---- */

/**
 * dk_local_start_run:
 * @store: a #DkStore
 * @routine_id: the routine (an approved one, in the replica)
 * @unit: the ward
 * @case_id_or_number: (nullable): the case the run belongs to
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the new run's id
 */
char *
dk_local_start_run (DkStore     *store,
                    const char  *routine_id,
                    const char  *unit,
                    const char  *case_id_or_number,
                    const char  *me,
                    gint64       now,
                    GError     **error)
{
  g_autoptr(DkRoutine) routine = NULL;
  g_autoptr(DkRun) run = dk_run_new ();
  g_autoptr(DkRun) checked = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(JsonNode) local_node = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), NULL);
  g_return_val_if_fail (routine_id != NULL, NULL);
  g_return_val_if_fail (me != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  routine = dk_store_get_routine (store, routine_id, error);
  if (routine == NULL)
    return NULL;
  if (routine->approved_at == DK_TIME_UNSET)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("routine: “%s” has no approved revision yet"), routine_id);
      return NULL;
    }

  run->id = g_uuid_string_random ();
  run->routine = g_strdup (routine_id);
  run->unit = g_strdup (unit);
  if (case_id_or_number != NULL)
    {
      g_autoptr(DkCase) kase = _dk_local_load_case (store, case_id_or_number, error);

      if (kase == NULL)
        return NULL;
      run->case_id = g_strdup (kase->id);
    }
  run->started_by = g_strdup (me);
  run->started_at = now;
  run->finished_at = DK_TIME_UNSET;
  run->revision = 0;
  if (!dk_run_validate (run, error))
    return NULL;

  /* read back the way the server reads it: lengths and characters refused now */
  data = dk_run_to_json (run);
  checked = dk_run_from_json (data, error);
  if (checked == NULL)
    return NULL;
  local_node = dk_run_to_json (run);
  if (!_dk_store_enqueue_at (store, now, "run.start", DK_TYPE_NAME_RUN, run->id, 0, data,
                             local_node, NULL, error))
    return NULL;

  return g_strdup (run->id);
}

static DkRun *
load_running_run (DkStore     *store,
                  const char  *run_id,
                  GError     **error)
{
  g_autoptr(DkRun) run = dk_store_get_run (store, run_id, error);

  if (run == NULL)
    return NULL;
  if (!dk_rules_check_run_open (run, error))
    return NULL;

  return g_steal_pointer (&run);
}

/**
 * dk_local_set_run_step:
 * @store: a #DkStore
 * @run_id: the run
 * @step_id: the routine step
 * @done: ticked or not
 * @note: (nullable): a note on the step
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * The tick (or untick) and the note are events with the mutation's id, added to the
 * local version with the same core functions the server uses (dk-run.c says how runs
 * merge), so nothing shows differently once the server has it. The event's time is
 * @now, but never before the latest tick this desktop has seen on the step.
 *
 * Returns: %TRUE when the change is in the outbox
 */
gboolean
dk_local_set_run_step (DkStore     *store,
                       const char  *run_id,
                       const char  *step_id,
                       gboolean     done,
                       const char  *note,
                       const char  *me,
                       gint64       now,
                       GError     **error)
{
  return dk_local_change_run_step (store, run_id, step_id, done ? DK_RUN_TICK : DK_RUN_UNTICK,
                                   note, me, now, error);
}

/**
 * dk_local_change_run_step:
 * @store: a #DkStore
 * @run_id: the run
 * @step_id: the routine step
 * @action: tick, untick or leave the tick as it is (a note alone)
 * @note: (nullable): a note on the step
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the change is in the outbox
 */
gboolean
dk_local_change_run_step (DkStore      *store,
                          const char   *run_id,
                          const char   *step_id,
                          DkRunAction   action,
                          const char   *note,
                          const char   *me,
                          gint64        now,
                          GError      **error)
{
  g_autoptr(DkRun) run = NULL;
  g_autoptr(DkRoutine) routine = NULL;
  g_autoptr(JsonNode) data_node = NULL;
  g_autoptr(JsonNode) local_node = NULL;
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *at_text = NULL;
  JsonObject *data;
  gint64 at;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (run_id != NULL && step_id != NULL, FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (note != NULL && !_dk_local_check_text (note, "note", FALSE, DK_MAX_TEXT_CHARS, error))
    return FALSE;
  if (note != NULL && _dk_local_is_blank (note))
    note = NULL;
  if (action == DK_RUN_NOTE_ONLY && note == NULL)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("note: a note must not be empty"));
      return FALSE;
    }

  run = load_running_run (store, run_id, error);
  if (run == NULL)
    return FALSE;
  routine = dk_store_get_routine (store, run->routine, error);
  if (routine == NULL)
    return FALSE;
  if (dk_routine_find_step (routine, step_id) == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND,
                   _("step: the routine has no step “%s”"), step_id);
      return FALSE;
    }

  at = dk_run_next_event_time (run, step_id, now);
  if (action != DK_RUN_NOTE_ONLY)
    {
      g_autoptr(DkRunTick) tick = dk_run_tick_new (me, at, action == DK_RUN_TICK, mutation_id);

      dk_run_add_tick (run, step_id, tick);
    }
  if (note != NULL)
    {
      g_autoptr(DkRunNote) event = dk_run_note_new (me, at, note, mutation_id);

      dk_run_add_note (run, step_id, event);
    }

  at_text = dk_time_format (at);
  data = _dk_local_new_data (run->id);
  json_object_set_string_member (data, "step", step_id);
  if (action != DK_RUN_NOTE_ONLY)
    json_object_set_boolean_member (data, "done", action == DK_RUN_TICK);
  if (note != NULL)
    json_object_set_string_member (data, "note", note);
  json_object_set_string_member (data, "at", at_text);
  data_node = _dk_local_node_from_object (data);
  local_node = dk_run_to_json (run);

  /* Events from several people merge on the server: no base revision. */
  return _dk_store_enqueue_with_id (store, mutation_id, now, "run.set_step", DK_TYPE_NAME_RUN,
                                    run->id, 0, data_node, local_node, error);
}

/**
 * dk_local_finish_run:
 * @store: a #DkStore
 * @run_id: the run
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the change is in the outbox
 */
gboolean
dk_local_finish_run (DkStore     *store,
                     const char  *run_id,
                     const char  *me,
                     gint64       now,
                     GError     **error)
{
  g_autoptr(DkRun) run = NULL;
  g_autoptr(JsonNode) data_node = NULL;
  g_autoptr(JsonNode) local_node = NULL;
  JsonObject *data;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (run_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  run = load_running_run (store, run_id, error);
  if (run == NULL)
    return FALSE;
  run->finished_at = now;

  data = _dk_local_new_data (run->id);
  data_node = _dk_local_node_from_object (data);
  local_node = dk_run_to_json (run);

  return _dk_store_enqueue_at (store, now, "run.finish", DK_TYPE_NAME_RUN, run->id, 0,
                               data_node, local_node, NULL, error);
}
