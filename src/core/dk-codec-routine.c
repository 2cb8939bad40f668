/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-codec-routine.c: JSON wire shapes of routines and runs */

#define G_LOG_DOMAIN "dk-codec"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dk-codec-private.h"
#include "dk-error.h"
#include "dk-json.h"
#include "dk-protocol.h"

/* ---- routines ---- */

static JsonNode *
contact_to_json (const DkContact *contact)
{
  JsonObject *object;

  if (contact == NULL)
    return json_node_new (JSON_NODE_NULL);

  object = json_object_new ();
  _dk_codec_set_string (object, "name", contact->name);
  _dk_codec_set_string (object, "office_hours", contact->office_hours);
  _dk_codec_set_string (object, "on_call", contact->on_call);
  return _dk_codec_node_from_object (object);
}

static JsonNode *
routine_step_to_json (const DkRoutineStep *step)
{
  JsonObject *object = json_object_new ();

  _dk_codec_set_string (object, "id", step->id);
  json_object_set_string_member (object, "phase", dk_routine_phase_to_string (step->phase));
  _dk_codec_set_string (object, "text", step->text);
  _dk_codec_set_string (object, "condition", step->condition);
  json_object_set_member (object, "contact", contact_to_json (step->contact));
  _dk_codec_set_string (object, "form", step->form);
  if (step->deadline != NULL)
    _dk_codec_set_string (object, "deadline", step->deadline);
  return _dk_codec_node_from_object (object);
}

static DkRoutineStep *
routine_step_from_object (JsonObject  *object,
                          GError     **error)
{
  g_autoptr(DkRoutineStep) step = dk_routine_step_new ();
  JsonObject *contact = NULL;
  const char *phase = NULL;

  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &step->id, error) ||
      !_dk_codec_read_name (object, "phase", &phase, error) ||
      !dk_json_read_string (object, "text", TEXT_FLAGS, DK_MAX_TEXT_CHARS, &step->text, error) ||
      !dk_json_read_string (object, "condition", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &step->condition, error) ||
      !dk_json_read_object (object, "contact", DK_JSON_NULLABLE, &contact, error) ||
      !dk_json_read_string (object, "form", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &step->form, error) ||
      !dk_json_read_string (object, "deadline", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &step->deadline, error))
    return NULL;

  if (phase != NULL && !dk_routine_phase_from_string (phase, &step->phase))
    return _dk_codec_set_unknown_error (error, UNKNOWN_PHASE, "phase", phase), NULL;

  if (contact != NULL)
    {
      step->contact = dk_contact_new ();
      if (!dk_json_read_string (contact, "name", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                                &step->contact->name, error) ||
          !dk_json_read_string (contact, "office_hours", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                                &step->contact->office_hours, error) ||
          !dk_json_read_string (contact, "on_call", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                                &step->contact->on_call, error))
        {
          g_prefix_error (error, "contact.");
          return NULL;
        }
    }

  return g_steal_pointer (&step);
}

/**
 * dk_routine_to_json:
 * @routine: a #DkRoutine
 *
 * Returns: (transfer full): the routine in its wire shape
 */
JsonNode *
dk_routine_to_json (const DkRoutine *routine)
{
  JsonObject *object;

  g_return_val_if_fail (routine != NULL, NULL);

  object = json_object_new ();
  _dk_codec_set_string (object, "id", routine->id);
  _dk_codec_set_string (object, "title", routine->title);
  _dk_codec_set_strings (object, "services", routine->services);
  _dk_codec_set_string (object, "audience", routine->audience);
  _dk_codec_set_string (object, "owner", routine->owner);
  json_object_set_int_member (object, "revision", routine->revision);
  _dk_codec_set_time (object, "approved_at", routine->approved_at);
  _dk_codec_set_string (object, "approved_by", routine->approved_by);
  _dk_codec_set_time (object, "valid_until", routine->valid_until);

  _dk_codec_set_items (object, "steps", routine->steps,
                       (DkCodecWriteItem) routine_step_to_json);
  return _dk_codec_node_from_object (object);
}

/**
 * dk_routine_from_json:
 * @node: a JSON object in the wire shape of a routine
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the routine, or %NULL with %DK_ERROR_INVALID
 */
DkRoutine *
dk_routine_from_json (JsonNode  *node,
                      GError   **error)
{
  g_autoptr(DkRoutine) routine = NULL;
  JsonObject *object;
  JsonArray *steps = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = dk_json_expect_object (node, "routine", error);
  if (object == NULL)
    return NULL;

  routine = dk_routine_new ();
  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &routine->id,
                            error) ||
      !dk_json_read_string (object, "title", SHORT_FLAGS, DK_MAX_TITLE_CHARS, &routine->title,
                            error) ||
      !_dk_codec_read_strings (object, "services", &routine->services, error) ||
      !dk_json_read_string (object, "audience", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &routine->audience, error) ||
      !dk_json_read_string (object, "owner", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &routine->owner,
                            error) ||
      !_dk_codec_read_revision (object, &routine->revision, error) ||
      !dk_json_read_time (object, "approved_at", DK_JSON_NULLABLE, &routine->approved_at, error) ||
      !dk_json_read_string (object, "approved_by", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &routine->approved_by, error) ||
      !dk_json_read_time (object, "valid_until", DK_JSON_NULLABLE, &routine->valid_until, error) ||
      !dk_json_read_array (object, "steps", DK_JSON_OPTIONAL, DK_MAX_LIST_ITEMS, &steps, error) ||
      !_dk_codec_read_items (steps, "steps", (DkCodecReadItem) routine_step_from_object,
                             routine->steps, error))
    return NULL;

  return g_steal_pointer (&routine);
}

/**
 * dk_routine_validate:
 * @routine: a #DkRoutine
 * @error: return location for a #GError
 *
 * Checks that the id is a UUID or a slug, the title is not empty, there is at least one
 * step, every step has a unique, non-empty id and some text, and every condition is well
 * formed.
 *
 * Returns: %TRUE when @routine is valid; %FALSE with %DK_ERROR_INVALID naming the field
 */
gboolean
dk_routine_validate (const DkRoutine  *routine,
                     GError          **error)
{
  g_autoptr(GHashTable) seen = NULL;

  g_return_val_if_fail (routine != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!dk_is_uuid (routine->id) && !_dk_codec_is_slug (routine->id))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must be a UUID or 1 to 64 lower-case letters a–z, digits and dashes"),
                   "id");
      return FALSE;
    }
  if (!_dk_codec_require_text (routine->title, "title", error))
    return FALSE;
  if (routine->steps == NULL || routine->steps->len == 0)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must have at least one step"),
                   "steps");
      return FALSE;
    }

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < routine->steps->len; i++)
    {
      const DkRoutineStep *step = g_ptr_array_index (routine->steps, i);
      g_autofree char *prefix = g_strdup_printf ("steps[%u].", i);

      if (_dk_codec_is_blank (step->id))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must not be empty"), "id");
          g_prefix_error (error, "%s", prefix);
          return FALSE;
        }
      if (!g_hash_table_add (seen, step->id))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                       _("%s: “%s” is used by another step"), "id", step->id);
          g_prefix_error (error, "%s", prefix);
          return FALSE;
        }
      if ((guint) step->phase > DK_ROUTINE_PHASE_LAST)
        {
          _dk_codec_set_unknown_error (error, UNKNOWN_PHASE, "phase", "?");
          g_prefix_error (error, "%s", prefix);
          return FALSE;
        }
      if (!_dk_codec_require_text (step->text, "text", error) ||
          !dk_routine_condition_validate (step->condition, error) ||
          !dk_routine_deadline_validate (step->deadline, error))
        {
          g_prefix_error (error, "%s", prefix);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- runs ---- */

static JsonNode *
run_step_to_json (const DkRunStep *step)
{
  JsonObject *object = json_object_new ();
  JsonArray *ticks = json_array_sized_new (step->ticks->len);
  JsonArray *notes = json_array_sized_new (step->notes->len);

  _dk_codec_set_string (object, "step", step->step);
  json_object_set_boolean_member (object, "done", step->done);
  _dk_codec_set_string (object, "by", step->by);
  _dk_codec_set_time (object, "at", step->at);
  _dk_codec_set_string (object, "note", step->note);

  for (guint i = 0; i < step->ticks->len; i++)
    {
      const DkRunTick *tick = g_ptr_array_index (step->ticks, i);
      JsonObject *item = json_object_new ();

      _dk_codec_set_string (item, "id", tick->id);
      _dk_codec_set_string (item, "by", tick->by);
      _dk_codec_set_time (item, "at", tick->at);
      json_object_set_boolean_member (item, "done", tick->done);
      _dk_codec_set_received_at (item, tick->received_at);
      json_array_add_object_element (ticks, item);
    }
  for (guint i = 0; i < step->notes->len; i++)
    {
      const DkRunNote *note = g_ptr_array_index (step->notes, i);
      JsonObject *item = json_object_new ();

      _dk_codec_set_string (item, "id", note->id);
      _dk_codec_set_string (item, "by", note->by);
      _dk_codec_set_time (item, "at", note->at);
      _dk_codec_set_string (item, "text", note->text);
      _dk_codec_set_received_at (item, note->received_at);
      json_array_add_object_element (notes, item);
    }
  json_object_set_array_member (object, "ticks", ticks);
  json_object_set_array_member (object, "notes", notes);
  return _dk_codec_node_from_object (object);
}

/* The events of a step: "ticks" [{id, by, at, done}] and "notes" [{id, by, at, text}]. */
static gboolean
run_events_from_object (JsonObject  *object,
                        DkRun       *run,
                        const char  *step_id,
                        gboolean    *out_any,
                        GError     **error)
{
  JsonArray *ticks = NULL;
  JsonArray *notes = NULL;

  if (!dk_json_read_array (object, "ticks", DK_JSON_OPTIONAL, DK_MAX_LIST_ITEMS, &ticks,
                           error) ||
      !dk_json_read_array (object, "notes", DK_JSON_OPTIONAL, DK_MAX_LIST_ITEMS, &notes,
                           error))
    return FALSE;
  *out_any = (ticks != NULL && json_array_get_length (ticks) > 0) ||
             (notes != NULL && json_array_get_length (notes) > 0);

  for (guint i = 0, n = ticks != NULL ? json_array_get_length (ticks) : 0; i < n; i++)
    {
      JsonObject *item = _dk_codec_array_object (ticks, "ticks", i, error);
      g_autoptr(DkRunTick) tick = dk_run_tick_new (NULL, DK_TIME_UNSET, FALSE, NULL);

      if (item == NULL ||
          !dk_json_read_string (item, "id", DK_JSON_REQUIRED, DK_MAX_SHORT_CHARS, &tick->id,
                                error) ||
          !dk_json_read_string (item, "by", DK_JSON_REQUIRED, DK_MAX_SHORT_CHARS, &tick->by,
                                error) ||
          !dk_json_read_time (item, "at", DK_JSON_REQUIRED, &tick->at, error) ||
          !dk_json_read_bool (item, "done", DK_JSON_REQUIRED, &tick->done, error) ||
          !_dk_codec_read_received_at (item, &tick->received_at, error))
        {
          if (item != NULL)
            g_prefix_error (error, "ticks[%u].", i);
          return FALSE;
        }
      dk_run_add_tick (run, step_id, tick);
    }
  for (guint i = 0, n = notes != NULL ? json_array_get_length (notes) : 0; i < n; i++)
    {
      JsonObject *item = _dk_codec_array_object (notes, "notes", i, error);
      g_autoptr(DkRunNote) note = dk_run_note_new (NULL, DK_TIME_UNSET, NULL, NULL);

      if (item == NULL ||
          !dk_json_read_string (item, "id", DK_JSON_REQUIRED, DK_MAX_SHORT_CHARS, &note->id,
                                error) ||
          !dk_json_read_string (item, "by", DK_JSON_REQUIRED, DK_MAX_SHORT_CHARS, &note->by,
                                error) ||
          !dk_json_read_time (item, "at", DK_JSON_REQUIRED, &note->at, error) ||
          !dk_json_read_string (item, "text", DK_JSON_REQUIRED | DK_JSON_MULTILINE,
                                DK_MAX_TEXT_CHARS, &note->text, error) ||
          !_dk_codec_read_received_at (item, &note->received_at, error))
        {
          if (item != NULL)
            g_prefix_error (error, "notes[%u].", i);
          return FALSE;
        }
      dk_run_add_note (run, step_id, note);
    }

  return TRUE;
}

/* A step state; one written without events (before steps had them, or by hand) gets
 * its one state as one event of each kind, so that it merges like any other. */
static gboolean
run_step_from_object (JsonObject  *object,
                      DkRun       *run,
                      GError     **error)
{
  g_autoptr(DkRunStep) legacy = dk_run_step_new ();
  DkRunStep *step;
  gboolean any_events = FALSE;

  if (!dk_json_read_string (object, "step", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &legacy->step,
                            error) ||
      !dk_json_read_bool (object, "done", DK_JSON_OPTIONAL, &legacy->done, error) ||
      !dk_json_read_string (object, "by", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &legacy->by,
                            error) ||
      !dk_json_read_time (object, "at", DK_JSON_NULLABLE, &legacy->at, error) ||
      !dk_json_read_string (object, "note", TEXT_FLAGS, DK_MAX_TEXT_CHARS, &legacy->note,
                            error))
    return FALSE;
  if (legacy->step == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must not be empty"), "step");
      return FALSE;
    }
  if (dk_run_find_step (run, legacy->step) != NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: “%s” is listed twice"), "step",
                   legacy->step);
      return FALSE;
    }

  if (!run_events_from_object (object, run, legacy->step, &any_events, error))
    return FALSE;
  step = dk_run_find_step (run, legacy->step);
  if (step == NULL)
    {
      step = g_steal_pointer (&legacy);
      g_ptr_array_add (run->steps, step);
      if (any_events)
        dk_run_step_derive (step);
      if (!any_events)
        {
          g_autofree char *note_text = g_strdup (step->note);
          g_autofree char *by = g_strdup (step->by);
          gint64 at = step->at;

          if (by != NULL)
            {
              g_autoptr(DkRunTick) tick = dk_run_tick_new (by, at, step->done, "legacy");

              dk_run_add_tick (run, step->step, tick);
            }
          if (note_text != NULL)
            {
              g_autoptr(DkRunNote) note = dk_run_note_new (by, at, note_text, "legacy");

              dk_run_add_note (run, step->step, note);
            }
        }
    }

  return TRUE;
}

/**
 * dk_run_to_json:
 * @run: a #DkRun
 *
 * Returns: (transfer full): the run in its wire shape (the case id as "case")
 */
JsonNode *
dk_run_to_json (const DkRun *run)
{
  JsonObject *object;

  g_return_val_if_fail (run != NULL, NULL);

  object = json_object_new ();
  _dk_codec_set_string (object, "id", run->id);
  _dk_codec_set_string (object, "routine", run->routine);
  _dk_codec_set_string (object, "unit", run->unit);
  _dk_codec_set_string (object, "case", run->case_id);
  _dk_codec_set_string (object, "started_by", run->started_by);
  _dk_codec_set_time (object, "started_at", run->started_at);
  _dk_codec_set_time (object, "finished_at", run->finished_at);
  _dk_codec_set_received_at (object, run->received_at);

  _dk_codec_set_items (object, "steps", run->steps, (DkCodecWriteItem) run_step_to_json);

  json_object_set_int_member (object, "revision", run->revision);
  return _dk_codec_node_from_object (object);
}

/**
 * dk_run_from_json:
 * @node: a JSON object in the wire shape of a run
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the run, or %NULL with %DK_ERROR_INVALID
 */
DkRun *
dk_run_from_json (JsonNode  *node,
                  GError   **error)
{
  g_autoptr(DkRun) run = NULL;
  JsonObject *object;
  JsonArray *steps = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = dk_json_expect_object (node, "run", error);
  if (object == NULL)
    return NULL;

  run = dk_run_new ();
  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &run->id, error) ||
      !dk_json_read_string (object, "routine", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &run->routine,
                            error) ||
      !dk_json_read_string (object, "unit", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &run->unit, error) ||
      !dk_json_read_string (object, "case", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &run->case_id,
                            error) ||
      !dk_json_read_string (object, "started_by", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &run->started_by, error) ||
      !dk_json_read_time (object, "started_at", DK_JSON_NULLABLE, &run->started_at, error) ||
      !dk_json_read_time (object, "finished_at", DK_JSON_NULLABLE, &run->finished_at, error) ||
      !_dk_codec_read_received_at (object, &run->received_at, error) ||
      !_dk_codec_read_revision (object, &run->revision, error) ||
      !dk_json_read_array (object, "steps", DK_JSON_OPTIONAL, DK_MAX_LIST_ITEMS, &steps, error))
    return NULL;

  for (guint i = 0, n = steps != NULL ? json_array_get_length (steps) : 0; i < n; i++)
    {
      JsonObject *item = _dk_codec_array_object (steps, "steps", i, error);

      if (item == NULL)
        return NULL;
      if (!run_step_from_object (item, run, error))
        {
          g_prefix_error (error, "steps[%u].", i);
          return NULL;
        }
    }

  return g_steal_pointer (&run);
}

/**
 * dk_run_validate:
 * @run: a #DkRun
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the id is a UUID, the routine and unit are named and every step
 *   state names its step; %FALSE with %DK_ERROR_INVALID naming the field otherwise
 */
gboolean
dk_run_validate (const DkRun  *run,
                 GError      **error)
{
  g_return_val_if_fail (run != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_dk_codec_require_uuid (run->id, "id", error) ||
      !_dk_codec_require_text (run->routine, "routine", error) ||
      !_dk_codec_require_text (run->unit, "unit", error))
    return FALSE;

  for (guint i = 0; run->steps != NULL && i < run->steps->len; i++)
    {
      const DkRunStep *step = g_ptr_array_index (run->steps, i);

      if (!_dk_codec_require_text (step->step, "step", error))
        {
          g_prefix_error (error, "steps[%u].", i);
          return FALSE;
        }
    }
  return TRUE;
}
