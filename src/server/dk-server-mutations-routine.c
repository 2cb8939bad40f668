/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-mutations-routine.c: the routine.* and run.* operations */

#define G_LOG_DOMAIN "dk-server-mutations"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-server-mutations-private.h"
#include "dk-server-objects.h"

/* ---- helpers ---- */

/* The stored routine object, or NULL (no error) when there is none. */
static gboolean
load_optional_routine (DkServerDb  *db,
                       const char  *id,
                       DkRoutine  **out,
                       GError     **error)
{
  GError *local_error = NULL;

  *out = dk_server_load_routine (db, id, &local_error);
  if (*out != NULL)
    return TRUE;
  if (g_error_matches (local_error, DK_ERROR, DK_ERROR_NOT_FOUND))
    {
      g_error_free (local_error);
      return TRUE;
    }

  g_propagate_error (error, local_error);
  return FALSE;
}

/* A kept revision of a routine as JSON, or NULL with DK_ERROR_NOT_FOUND. */
static JsonNode *
load_routine_revision (DkServerDb  *db,
                       const char  *id,
                       gint64       revision,
                       GError     **error)
{
  g_autofree char *text = NULL;
  GError *local_error = NULL;
  JsonNode *node;

  text = dk_server_db_get_routine_revision (db, id, revision, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (text == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND,
                   _("The routine “%s” has no revision %lld"), id, (long long) revision);
      return NULL;
    }

  node = dk_json_parse (text, -1, &local_error);
  if (node == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("Revision %lld of the routine “%s” is unreadable: %s"),
                   (long long) revision, id, local_error->message);
      g_error_free (local_error);
      return NULL;
    }

  return node;
}

static gboolean
put_routine_revision (DkServerDb       *db,
                      const DkRoutine  *routine,
                      GError          **error)
{
  g_autoptr(JsonNode) node = dk_routine_to_json (routine);
  g_autofree char *text = dk_json_to_string (node);

  return dk_server_db_put_routine_revision (db, routine->id, routine->revision, text, error);
}

/* Loads the run named by data's "id"; a finished run takes no more changes. */
static DkRun *
load_running_run (const DkMutation  *mutation,
                  GError           **error)
{
  g_autofree char *id = NULL;
  g_autoptr(DkRun) run = NULL;

  if (!_dk_mutation_read_id (mutation->data, "id", &id, error))
    return NULL;
  run = dk_server_load_run (mutation->db, id, error);
  if (run == NULL)
    return NULL;
  if (!dk_rules_check_run_open (run, error))
    return NULL;

  return g_steal_pointer (&run);
}

static gboolean
store_changed_run (const DkMutation   *mutation,
                   DkRun              *run,
                   DkMutationOutcome  *outcome,
                   GError            **error)
{
  run->revision++;
  if (!dk_run_validate (run, error))
    return FALSE;
  if (dk_server_store_run (mutation->db, run, error) == 0)
    return FALSE;

  _dk_mutation_set_applied (outcome, DK_TYPE_NAME_RUN, run->id, run->revision, NULL);
  return TRUE;
}

/* ---- routine.save ---- */

gboolean
_dk_mutation_apply_routine_save (const DkMutation   *mutation,
                                 DkMutationOutcome  *outcome,
                                 GError            **error)
{
  g_autoptr(DkRoutine) routine = NULL;
  g_autoptr(DkRoutine) stored = NULL;
  gint64 latest;

  if (!dk_rules_check_may_edit_routines (mutation->viewer->roles, error))
    return FALSE;

  routine = dk_routine_from_json (mutation->data_node, error);
  if (routine == NULL)
    return FALSE;

  /* Every save is a draft; only routine.approve approves. */
  routine->approved_at = DK_TIME_UNSET;
  g_clear_pointer (&routine->approved_by, g_free);
  routine->revision = 1;
  if (!dk_routine_validate (routine, error))
    return FALSE;
  if (!_dk_mutation_check_services (mutation->db, routine->services, error))
    return FALSE;

  if (!load_optional_routine (mutation->db, routine->id, &stored, error))
    return FALSE;
  latest = dk_server_db_latest_routine_revision (mutation->db, routine->id);
  if (stored != NULL)
    latest = MAX (latest, stored->revision);

  if (latest > 0 && !_dk_mutation_base_revision_matches (mutation, latest))
    {
      g_autoptr(GError) local_error = NULL;
      JsonNode *current;

      /* A routine imported as an object alone has no kept revision to show. */
      current = load_routine_revision (mutation->db, routine->id, latest, &local_error);
      if (current == NULL && stored != NULL &&
          g_error_matches (local_error, DK_ERROR, DK_ERROR_NOT_FOUND))
        current = dk_routine_to_json (stored);
      if (current == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return _dk_mutation_conflict (outcome, DK_TYPE_NAME_ROUTINE, routine->id, latest,
                                    current, error);
    }

  routine->revision = latest + 1;
  if (!put_routine_revision (mutation->db, routine, error))
    return FALSE;

  /* Until a revision is approved the draft is the object (seen by routine owners);
   * afterwards the approved revision stays the object until the next approval. */
  if ((stored == NULL || stored->approved_at == DK_TIME_UNSET) &&
      dk_server_store_routine (mutation->db, routine, error) == 0)
    return FALSE;

  _dk_mutation_set_applied (outcome, DK_TYPE_NAME_ROUTINE, routine->id, routine->revision, NULL);
  return TRUE;
}

/* ---- routine.approve ---- */

gboolean
_dk_mutation_apply_routine_approve (const DkMutation   *mutation,
                                    DkMutationOutcome  *outcome,
                                    GError            **error)
{
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(DkRoutine) routine = NULL;
  gint64 revision = 0;
  gint64 latest;

  if (!dk_rules_check_may_edit_routines (mutation->viewer->roles, error))
    return FALSE;
  if (!_dk_mutation_read_id (mutation->data, "id", &id, error))
    return FALSE;
  if (!dk_json_read_int (mutation->data, "revision", DK_JSON_REQUIRED, 1, G_MAXINT64,
                         &revision, error))
    return FALSE;

  node = load_routine_revision (mutation->db, id, revision, error);
  if (node == NULL)
    return FALSE;

  latest = dk_server_db_latest_routine_revision (mutation->db, id);
  if (revision != latest)
    {
      JsonNode *current = load_routine_revision (mutation->db, id, latest, error);

      if (current == NULL)
        return FALSE;
      return _dk_mutation_conflict (outcome, DK_TYPE_NAME_ROUTINE, id, latest, current, error);
    }

  routine = dk_routine_from_json (node, error);
  if (routine == NULL)
    return FALSE;
  if (routine->approved_at != DK_TIME_UNSET)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                   _("Revision %lld of the routine is approved already"),
                   (long long) revision);
      return FALSE;
    }

  routine->revision = revision;
  routine->approved_at = mutation->at;
  g_free (routine->approved_by);
  routine->approved_by = g_strdup (mutation->viewer->username);

  if (!put_routine_revision (mutation->db, routine, error))
    return FALSE;
  if (dk_server_store_routine (mutation->db, routine, error) == 0)
    return FALSE;

  _dk_mutation_set_applied (outcome, DK_TYPE_NAME_ROUTINE, routine->id, routine->revision, NULL);
  return TRUE;
}

/* ---- run.start ---- */

gboolean
_dk_mutation_apply_run_start (const DkMutation   *mutation,
                              DkMutationOutcome  *outcome,
                              GError            **error)
{
  g_autoptr(DkRun) run = NULL;
  g_autoptr(DkRoutine) routine = NULL;

  run = dk_run_from_json (mutation->data_node, error);
  if (run == NULL)
    return FALSE;

  g_ptr_array_set_size (run->steps, 0);
  g_free (run->started_by);
  run->started_by = g_strdup (mutation->viewer->username);
  run->started_at = mutation->at;
  run->finished_at = DK_TIME_UNSET;
  run->received_at = mutation->now;
  run->revision = 1;
  if (!dk_run_validate (run, error))
    return FALSE;

  routine = dk_server_load_routine (mutation->db, run->routine, error);
  if (routine == NULL)
    return FALSE;
  if (routine->approved_at == DK_TIME_UNSET)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("routine: “%s” has no approved revision yet"), run->routine);
      return FALSE;
    }
  if (run->case_id != NULL)
    {
      g_autoptr(DkCase) kase = dk_server_load_case (mutation->db, run->case_id, error);

      if (kase == NULL)
        return FALSE;
    }
  if (!_dk_mutation_check_new_id (mutation->db, DK_TYPE_NAME_RUN, run->id,
                                  _("id: a run with this id exists"), error))
    return FALSE;

  if (dk_server_store_run (mutation->db, run, error) == 0)
    return FALSE;

  _dk_mutation_set_applied (outcome, DK_TYPE_NAME_RUN, run->id, run->revision, NULL);
  return TRUE;
}

/* ---- run.set_step ---- */

/*
 * A tick, an untick and a note are events added to the step's sets (dk-run.c says why
 * that makes concurrent changes commute and loses none): the tick's identity is the
 * mutation's id, its time the client's "at" (when it was made, offline or not), its
 * author the logged-in caller. No base_revision check: events from several people
 * merge. "done" absent adds only the note. Without "at" (an older client), or with one
 * before the session's last contact, the mutation's time stands in (its client_at when
 * plausible, else the server's clock), but never before the step's latest tick: what
 * someone does after seeing a tick orders after it (clients do the same, see
 * dk_local_set_run_step ()).
 */
static gboolean
check_room_for_events (const DkRunStep  *state,
                       GError          **error)
{
  if (state != NULL &&
      (state->ticks->len >= DK_MAX_LIST_ITEMS || state->notes->len >= DK_MAX_LIST_ITEMS))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_TOO_LARGE,
                   _("step: at most %d ticks and %d notes on one step"), DK_MAX_LIST_ITEMS,
                   DK_MAX_LIST_ITEMS);
      return FALSE;
    }

  return TRUE;
}

gboolean
_dk_mutation_apply_run_set_step (const DkMutation   *mutation,
                                 DkMutationOutcome  *outcome,
                                 GError            **error)
{
  g_autoptr(DkRun) run = NULL;
  g_autoptr(DkRoutine) routine = NULL;
  g_autofree char *step = NULL;
  g_autofree char *note = NULL;
  gboolean done = FALSE;
  gboolean has_done;
  gboolean changed = FALSE;
  gint64 at = DK_TIME_UNSET;

  if (!_dk_mutation_read_id (mutation->data, "step", &step, error) ||
      !dk_json_read_bool (mutation->data, "done", DK_JSON_NULLABLE, &done, error) ||
      !dk_json_read_string (mutation->data, "note", DK_JSON_NULLABLE | DK_JSON_MULTILINE,
                            DK_MAX_TEXT_CHARS, &note, error) ||
      !_dk_mutation_read_client_time (mutation, mutation->data, "at", &at, error))
    return FALSE;

  has_done = json_object_has_member (mutation->data, "done") &&
             !json_object_get_null_member (mutation->data, "done");
  if (note != NULL && g_strstrip (note)[0] == '\0')
    g_clear_pointer (&note, g_free);
  if (!has_done && note == NULL)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("done: a step change needs done, a note or both"));
      return FALSE;
    }

  run = load_running_run (mutation, error);
  if (run == NULL)
    return FALSE;
  routine = dk_server_load_routine (mutation->db, run->routine, error);
  if (routine == NULL)
    return FALSE;
  if (dk_routine_find_step (routine, step) == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND,
                   _("step: the routine has no step “%s”"), step);
      return FALSE;
    }
  if (!check_room_for_events (dk_run_find_step (run, step), error))
    return FALSE;
  /* A tick's own time is judged like client_at: one from before the session's last
   * contact (a clock far behind) gives way to the user's time of the mutation. */
  if (at == DK_TIME_UNSET || (mutation->earliest != DK_TIME_UNSET && at < mutation->earliest))
    at = dk_run_next_event_time (run, step, mutation->at);

  if (has_done)
    {
      g_autoptr(DkRunTick) tick = dk_run_tick_new (mutation->viewer->username, at, done,
                                                   mutation->id);

      tick->received_at = mutation->now;
      changed |= dk_run_add_tick (run, step, tick);
    }
  if (note != NULL)
    {
      g_autoptr(DkRunNote) event = dk_run_note_new (mutation->viewer->username, at, note,
                                                    mutation->id);

      event->received_at = mutation->now;
      changed |= dk_run_add_note (run, step, event);
    }

  if (!changed)
    {
      _dk_mutation_set_applied (outcome, DK_TYPE_NAME_RUN, run->id, run->revision, NULL);
      return TRUE;
    }

  return store_changed_run (mutation, run, outcome, error);
}

/* ---- run.finish ---- */

gboolean
_dk_mutation_apply_run_finish (const DkMutation   *mutation,
                               DkMutationOutcome  *outcome,
                               GError            **error)
{
  g_autoptr(DkRun) run = NULL;

  run = load_running_run (mutation, error);
  if (run == NULL)
    return FALSE;

  /* A run ends after it began, whatever the clocks of those who started and ended it. */
  run->finished_at = MAX (mutation->at, run->started_at);
  return store_changed_run (mutation, run, outcome, error);
}
