/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-local-changes.c: what a user does, as outbox entries with optimistic local versions
 *
 * Each operation builds the mutation's data exactly as the server's operation reads it
 * (src/server/dk-server-mutations*.c) and the object as the server will make it, so the
 * local version that shows until the answer is what the user will then see.
 */

#define G_LOG_DOMAIN "dk-local-changes"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dk-local-changes.h"
#include "dk-store-private.h"
#include "dk-store-routines.h"

/* Members of a case an edit never sends (the server skips them too). */
static const char * const case_edit_skip[] = {
  "id", "number", "revision", "publisher", "created_at", "closed_at", "updates",
  "follow_ups", "kind", NULL
};

/* ---- helpers ---- */

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isspace (*p))
        return FALSE;
    }

  return TRUE;
}

static gboolean
check_text (const char  *text,
            const char  *member,
            gboolean     required,
            gsize        max_chars,
            GError     **error)
{
  if (text == NULL || is_blank (text))
    {
      if (!required)
        return TRUE;
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must not be empty"), member);
      return FALSE;
    }
  if (!g_utf8_validate (text, -1, NULL) || !dk_text_is_clean (text, TRUE))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must not hold control characters"), member);
      return FALSE;
    }
  if (g_utf8_strlen (text, -1) > (glong) max_chars)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must be at most %u characters"), member, (guint) max_chars);
      return FALSE;
    }

  return TRUE;
}

static JsonNode *
node_from_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/* The data of a mutation on one object: the object's id; the operation adds the rest. */
static JsonObject *
new_data (const char *id)
{
  JsonObject *data = json_object_new ();

  json_object_set_string_member (data, "id", id);
  return data;
}

static void remove_members (JsonNode *node,
                            ...) G_GNUC_NULL_TERMINATED;

/* Takes the members the server owns (a NULL-terminated list) out of an object's JSON. */
static void
remove_members (JsonNode *node,
                ...)
{
  JsonObject *object = json_node_get_object (node);
  va_list members;

  va_start (members, node);
  for (const char *member = va_arg (members, const char *); member != NULL;
       member = va_arg (members, const char *))
    json_object_remove_member (object, member);
  va_end (members);
}

/* A new update on a case, written by @me at @now. */
static DkCaseUpdate *
new_update (DkUpdatePhrase  phrase,
            const char     *text,
            const char     *me,
            gint64          now)
{
  DkCaseUpdate *update = dk_case_update_new ();

  update->id = g_uuid_string_random ();
  update->at = now;
  update->phrase = phrase;
  update->text = g_strdup (text);
  update->author = g_strdup (me);
  return update;
}

static void
set_time_member (JsonObject *object,
                 const char *member,
                 gint64      t)
{
  g_autofree char *text = dk_time_format (t);

  if (text != NULL)
    json_object_set_string_member (object, member, text);
  else
    json_object_set_null_member (object, member);
}

/* The case as it shows; NOT_FOUND from the store when there is none. */
static DkCase *
load_case (DkStore     *store,
           const char  *id_or_number,
           GError     **error)
{
  g_return_val_if_fail (id_or_number != NULL, NULL);

  return dk_store_get_case (store, id_or_number, error);
}

/* Enqueues a case operation with the case's new local version. */
static gboolean
enqueue_case (DkStore      *store,
              const char   *op,
              const DkCase *local,
              gint64        base_revision,
              JsonObject   *data,
              GError      **error)
{
  g_autoptr(JsonNode) data_node = node_from_object (data);
  g_autoptr(JsonNode) local_node = dk_case_to_json (local);

  return dk_store_enqueue (store, op, DK_TYPE_NAME_CASE, local->id, base_revision, data_node,
                           local_node, NULL, error);
}

static gboolean
check_not_closed (const DkCase  *kase,
                  const char    *message,
                  GError       **error)
{
  if (kase->status == DK_CASE_STATUS_CLOSED)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION, message);
      return FALSE;
    }

  return TRUE;
}

/* A status change other than closing, as the server checks it. */
static gboolean
check_status_change (const DkCase  *kase,
                     DkCaseStatus   from,
                     gint64         now,
                     GError       **error)
{
  if (kase->status == from)
    return TRUE;
  if (kase->status == DK_CASE_STATUS_CLOSED)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                           _("status: close a case with case.close, which records when it ended"));
      return FALSE;
    }
  if (!dk_rules_check_transition (from, kase->status, error) ||
      !dk_rules_check_status_for_kind (kase->kind, kase->status, error))
    return FALSE;
  if (kase->status == DK_CASE_STATUS_PLANNED && !dk_rules_check_lead_time (kase, now, error))
    return FALSE;

  return TRUE;
}

/* ---- case.create ---- */

/**
 * dk_local_create_case:
 * @store: a #DkStore
 * @kase: the new case; its id is set here when it has none
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the new case is in the outbox (and shows in every list)
 */
gboolean
dk_local_create_case (DkStore     *store,
                      DkCase      *kase,
                      const char  *me,
                      gint64       now,
                      GError     **error)
{
  g_autoptr(DkCase) local = NULL;
  g_autoptr(JsonNode) data = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (kase != NULL, FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (kase->id == NULL)
    kase->id = g_uuid_string_random ();

  /* What the server's prepare_new_case does, so the local version matches it. */
  local = dk_case_copy (kase);
  g_clear_pointer (&local->number, g_free);
  g_free (local->publisher);
  local->publisher = g_strdup (me);
  local->created_at = now;
  local->revision = 0;
  local->closed_at = DK_TIME_UNSET;
  g_ptr_array_set_size (local->follow_ups, 0);
  if (local->start == DK_TIME_UNSET && local->kind != DK_CASE_KIND_PLANNED)
    local->start = now;
  for (guint i = 0; i < local->updates->len; i++)
    {
      DkCaseUpdate *update = g_ptr_array_index (local->updates, i);

      if (update->id == NULL)
        update->id = g_uuid_string_random ();
      if (update->at == DK_TIME_UNSET)
        update->at = now;
      g_free (update->author);
      update->author = g_strdup (me);
    }

  if (local->status == DK_CASE_STATUS_CLOSED)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                           _("status: a new case cannot be closed already"));
      return FALSE;
    }
  if (!dk_case_validate (local, error))
    return FALSE;
  if (local->kind == DK_CASE_KIND_PLANNED && !dk_rules_check_lead_time (local, now, error))
    return FALSE;

  /* The whole case is the data; the server owns number, revision and the stamps. */
  data = dk_case_to_json (local);
  remove_members (data, "number", "revision", "publisher", "created_at", NULL);

  return enqueue_case (store, "case.create", local, 0,
                       json_object_ref (json_node_get_object (data)), error);
}

/* ---- case.edit ---- */

/**
 * dk_local_edit_case:
 * @store: a #DkStore
 * @case_id_or_number: the case
 * @changes: the members to change
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the edit is in the outbox
 */
gboolean
dk_local_edit_case (DkStore     *store,
                    const char  *case_id_or_number,
                    JsonObject  *changes,
                    const char  *me,
                    gint64       now,
                    GError     **error)
{
  g_autoptr(DkCase) current = NULL;
  g_autoptr(DkCase) edited = NULL;
  g_autoptr(JsonNode) merged = NULL;
  JsonObject *data;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;
  const char *kind;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  current = load_case (store, case_id_or_number, error);
  if (current == NULL)
    return FALSE;

  kind = json_object_get_string_member_with_default (changes, "kind", NULL);
  if (json_object_has_member (changes, "kind") &&
      g_strcmp0 (kind, dk_case_kind_to_string (current->kind)) != 0)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("kind: a case’s kind cannot change; publish a new case instead"));
      return FALSE;
    }

  merged = dk_case_to_json (current);
  data = new_data (current->id);
  json_object_iter_init (&iter, changes);
  while (json_object_iter_next (&iter, &name, &node))
    {
      if (g_strv_contains (case_edit_skip, name))
        continue;
      json_object_set_member (json_node_get_object (merged), name, json_node_copy (node));
      json_object_set_member (data, name, json_node_copy (node));
    }

  edited = dk_case_from_json (merged, error);
  if (edited == NULL ||
      !check_status_change (edited, current->status, now, error) ||
      !dk_case_validate (edited, error))
    {
      json_object_unref (data);
      return FALSE;
    }

  /* The revision the user saw: the server answers a conflict when it moved on. */
  return enqueue_case (store, "case.edit", edited, current->revision, data, error);
}

/* ---- case.add_update ---- */

/**
 * dk_local_add_update:
 * @store: a #DkStore
 * @case_id_or_number: the case
 * @phrase: the update's phrase
 * @text: (nullable): the update's text
 * @expected_end: the new expected end, or %DK_TIME_UNSET to leave it
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the update is in the outbox
 */
gboolean
dk_local_add_update (DkStore         *store,
                     const char      *case_id_or_number,
                     DkUpdatePhrase   phrase,
                     const char      *text,
                     gint64           expected_end,
                     const char      *me,
                     gint64           now,
                     GError         **error)
{
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(DkCaseUpdate) update = NULL;
  JsonObject *data;
  JsonNode *update_node;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((guint) phrase > DK_UPDATE_PHRASE_LAST)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID, _("phrase: unknown phrase"));
      return FALSE;
    }
  if (!check_text (text, "update.text", FALSE, DK_MAX_TEXT_CHARS, error))
    return FALSE;

  kase = load_case (store, case_id_or_number, error);
  if (kase == NULL)
    return FALSE;
  if (!check_not_closed (kase, _("The case is closed: write a follow-up instead of an update"),
                         error))
    return FALSE;

  update = new_update (phrase, text, me, now);

  /* The server takes id, at, phrase and text, and stamps the author itself. */
  update_node = dk_case_update_to_json (update);
  remove_members (update_node, "author", NULL);
  data = new_data (kase->id);
  json_object_set_member (data, "update", update_node);
  if (expected_end != DK_TIME_UNSET)
    {
      set_time_member (data, "expected_end", expected_end);
      kase->expected_end = expected_end;
    }

  g_ptr_array_add (kase->updates, g_steal_pointer (&update));
  if (!dk_case_validate (kase, error))
    {
      json_object_unref (data);
      return FALSE;
    }

  /* Appends commute on the server: no base revision. */
  return enqueue_case (store, "case.add_update", kase, 0, data, error);
}

/* ---- case.close ---- */

/**
 * dk_local_close_case:
 * @store: a #DkStore
 * @case_id_or_number: the case
 * @text: (nullable): the closing update's text; "Resolved" when %NULL
 * @me: the logged-in username
 * @now: the current time (when the case ended)
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the close is in the outbox
 */
gboolean
dk_local_close_case (DkStore     *store,
                     const char  *case_id_or_number,
                     const char  *text,
                     const char  *me,
                     gint64       now,
                     GError     **error)
{
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(DkCaseUpdate) update = NULL;
  JsonObject *data;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (text != NULL && !check_text (text, "text", TRUE, DK_MAX_TEXT_CHARS, error))
    return FALSE;

  kase = load_case (store, case_id_or_number, error);
  if (kase == NULL)
    return FALSE;
  if (!check_not_closed (kase, _("The case is already closed"), error) ||
      !dk_rules_check_transition (kase->status, DK_CASE_STATUS_CLOSED, error))
    return FALSE;
  if (kase->status == DK_CASE_STATUS_ONGOING && kase->start != DK_TIME_UNSET &&
      now < kase->start)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("at: a case cannot end before it started"));
      return FALSE;
    }

  data = new_data (kase->id);
  set_time_member (data, "at", now);
  if (text != NULL)
    json_object_set_string_member (data, "text", text);

  /* The server makes the resolved update (with its own id); this one stands in. */
  update = new_update (DK_UPDATE_PHRASE_RESOLVED, text != NULL ? text : _("Resolved"), me, now);
  g_ptr_array_add (kase->updates, g_steal_pointer (&update));
  kase->status = DK_CASE_STATUS_CLOSED;
  kase->closed_at = now;

  return enqueue_case (store, "case.close", kase, 0, data, error);
}

/* ---- case.follow_up ---- */

/**
 * dk_local_add_follow_up:
 * @store: a #DkStore
 * @case_id_or_number: the case (closed cases take follow-ups too)
 * @text: the follow-up's text
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the follow-up is in the outbox
 */
gboolean
dk_local_add_follow_up (DkStore     *store,
                        const char  *case_id_or_number,
                        const char  *text,
                        const char  *me,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(DkCaseFollowUp) follow_up = dk_case_follow_up_new ();
  JsonObject *data;
  JsonObject *member;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_text (text, "follow_up.text", TRUE, DK_MAX_TEXT_CHARS, error))
    return FALSE;

  kase = load_case (store, case_id_or_number, error);
  if (kase == NULL)
    return FALSE;

  follow_up->id = g_uuid_string_random ();
  follow_up->at = now;
  follow_up->text = g_strdup (text);
  follow_up->author = g_strdup (me);

  member = json_object_new ();
  json_object_set_string_member (member, "id", follow_up->id);
  json_object_set_string_member (member, "text", text);
  data = new_data (kase->id);
  json_object_set_object_member (data, "follow_up", member);

  g_ptr_array_add (kase->follow_ups, g_steal_pointer (&follow_up));

  return enqueue_case (store, "case.follow_up", kase, 0, data, error);
}

/* ---- report.create ---- */

/**
 * dk_local_create_report:
 * @store: a #DkStore
 * @report: the new report; its id is set here when it has none
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the report is in the outbox
 */
gboolean
dk_local_create_report (DkStore     *store,
                        DkReport    *report,
                        const char  *me,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(DkReport) local = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(JsonNode) local_node = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (report->id == NULL)
    report->id = g_uuid_string_random ();

  local = dk_report_copy (report);
  g_clear_pointer (&local->number, g_free);
  local->state = DK_REPORT_STATE_NEW;
  g_free (local->created_by);
  local->created_by = g_strdup (me);
  local->created_at = now;
  local->revision = 0;
  if (!dk_report_validate (local, error))
    return FALSE;

  data = dk_report_to_json (local);
  remove_members (data, "number", "revision", NULL);
  local_node = dk_report_to_json (local);

  return dk_store_enqueue (store, "report.create", DK_TYPE_NAME_REPORT, local->id, 0, data,
                           local_node, NULL, error);
}

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
      g_autoptr(DkCase) kase = load_case (store, case_id_or_number, error);

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

  data = dk_run_to_json (run);
  local_node = dk_run_to_json (run);
  if (!dk_store_enqueue (store, "run.start", DK_TYPE_NAME_RUN, run->id, 0, data, local_node,
                         NULL, error))
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
  if (run->finished_at != DK_TIME_UNSET)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                           _("The run is finished already"));
      return NULL;
    }

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

  if (note != NULL && !check_text (note, "note", FALSE, DK_MAX_TEXT_CHARS, error))
    return FALSE;
  if (note != NULL && is_blank (note))
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
  data = new_data (run->id);
  json_object_set_string_member (data, "step", step_id);
  if (action != DK_RUN_NOTE_ONLY)
    json_object_set_boolean_member (data, "done", action == DK_RUN_TICK);
  if (note != NULL)
    json_object_set_string_member (data, "note", note);
  json_object_set_string_member (data, "at", at_text);
  data_node = node_from_object (data);
  local_node = dk_run_to_json (run);

  /* Events from several people merge on the server: no base revision. */
  return _dk_store_enqueue_with_id (store, mutation_id, "run.set_step", DK_TYPE_NAME_RUN,
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

  data = new_data (run->id);
  data_node = node_from_object (data);
  local_node = dk_run_to_json (run);

  return dk_store_enqueue (store, "run.finish", DK_TYPE_NAME_RUN, run->id, 0, data_node,
                           local_node, NULL, error);
}

/* ---- subscription.set ---- */

/**
 * dk_local_set_subscription:
 * @store: a #DkStore
 * @subscription: what the user follows
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the change is in the outbox
 */
gboolean
dk_local_set_subscription (DkStore         *store,
                           DkSubscription  *subscription,
                           const char      *me,
                           gint64           now,
                           GError         **error)
{
  g_autoptr(DkSubscription) local = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(JsonNode) local_node = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (subscription != NULL, FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The server names it and owns the user and the revision; last writer wins. */
  local = dk_subscription_copy (subscription);
  g_free (local->id);
  local->id = g_strdup_printf ("sub:%s", me);
  g_free (local->user);
  local->user = g_strdup (me);
  if (!dk_subscription_validate (local, error))
    return FALSE;

  data = dk_subscription_to_json (local);
  remove_members (data, "id", "user", "revision", NULL);
  local_node = dk_subscription_to_json (local);

  return dk_store_enqueue (store, "subscription.set", DK_TYPE_NAME_SUBSCRIPTION, local->id,
                           local->revision, data, local_node, NULL, error);
}

/* ---- routine.save and routine.approve ---- */

/* The routine as the replica holds it, or NULL (and no error) when it has none. */
static gboolean
load_optional_routine (DkStore     *store,
                       const char  *id,
                       DkRoutine  **out_routine,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  *out_routine = dk_store_get_routine (store, id, &local_error);
  if (*out_routine != NULL)
    return TRUE;
  if (g_error_matches (local_error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND))
    return TRUE;

  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/**
 * dk_local_save_routine:
 * @store: a #DkStore
 * @routine: the routine as edited; a new id is set here when it has none
 * @base_revision: the revision the edit started from, 0 for a new routine
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the change is in the outbox
 */
gboolean
dk_local_save_routine (DkStore     *store,
                       DkRoutine   *routine,
                       gint64       base_revision,
                       const char  *me,
                       gint64       now,
                       GError     **error)
{
  g_autoptr(DkRoutine) draft = NULL;
  g_autoptr(DkRoutine) stored = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(JsonNode) local_node = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (routine != NULL, FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (routine->id == NULL)
    routine->id = g_uuid_string_random ();
  for (guint i = 0; i < routine->steps->len; i++)
    {
      DkRoutineStep *step = g_ptr_array_index (routine->steps, i);

      if (step->id == NULL)
        step->id = g_uuid_string_random ();
    }

  /* Every save is a draft with the next revision, as the server makes it. */
  draft = dk_routine_copy (routine);
  draft->approved_at = DK_TIME_UNSET;
  g_clear_pointer (&draft->approved_by, g_free);
  if (!load_optional_routine (store, draft->id, &stored, error))
    return FALSE;
  draft->revision = MAX (base_revision, stored != NULL ? stored->revision : 0) + 1;
  if (!dk_routine_validate (draft, error))
    return FALSE;

  data = dk_routine_to_json (draft);
  if (stored == NULL || stored->approved_at == DK_TIME_UNSET)
    local_node = dk_routine_to_json (draft);

  return dk_store_enqueue (store, "routine.save", DK_TYPE_NAME_ROUTINE, draft->id, base_revision,
                           data, local_node, NULL, error);
}

/**
 * dk_local_approve_routine:
 * @store: a #DkStore
 * @routine_id: the routine
 * @revision: the revision to approve, the routine's latest
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * When the replica holds that very draft it shows approved at once; otherwise the
 * approved revision arrives with the next sync.
 *
 * Returns: %TRUE when the change is in the outbox
 */
gboolean
dk_local_approve_routine (DkStore     *store,
                          const char  *routine_id,
                          gint64       revision,
                          const char  *me,
                          gint64       now,
                          GError     **error)
{
  g_autoptr(DkRoutine) stored = NULL;
  g_autoptr(JsonNode) data_node = NULL;
  g_autoptr(JsonNode) local_node = NULL;
  JsonObject *data;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (routine_id != NULL, FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (revision < 1)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("revision: must be a revision number, 1 or more"));
      return FALSE;
    }
  if (!load_optional_routine (store, routine_id, &stored, error))
    return FALSE;
  if (stored != NULL && stored->revision == revision && stored->approved_at != DK_TIME_UNSET)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                   _("Revision %lld of the routine is approved already"), (long long) revision);
      return FALSE;
    }
  if (stored != NULL && stored->revision == revision)
    {
      stored->approved_at = now;
      g_free (stored->approved_by);
      stored->approved_by = g_strdup (me);
      local_node = dk_routine_to_json (stored);
    }

  data = new_data (routine_id);
  json_object_set_int_member (data, "revision", revision);
  data_node = node_from_object (data);

  return dk_store_enqueue (store, "routine.approve", DK_TYPE_NAME_ROUTINE, routine_id, 0,
                           data_node, local_node, NULL, error);
}
