/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-local-routine-changes.c: routines saved and approved (routine.save, .approve),
 * built the way dk-local-changes.c says */

#define G_LOG_DOMAIN "dk-local-changes"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-local-changes-private.h"

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

  return _dk_store_enqueue_at (store, now, "routine.save", DK_TYPE_NAME_ROUTINE, draft->id,
                               base_revision, data, local_node, NULL, error);
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

  data = _dk_local_new_data (routine_id);
  json_object_set_int_member (data, "revision", revision);
  data_node = _dk_local_node_from_object (data);

  return _dk_store_enqueue_at (store, now, "routine.approve", DK_TYPE_NAME_ROUTINE, routine_id,
                               0, data_node, local_node, NULL, error);
}
