/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-reminders.c: what the reminders of planned work told, per case */

#define G_LOG_DOMAIN "dk-store-reminders"

#include "config.h"

#include "dk-store-private.h"
#include "dk-store-reminders.h"

static gint64
column_time (sqlite3_stmt *stmt,
             int           index)
{
  return sqlite3_column_type (stmt, index) == SQLITE_NULL ? DK_TIME_UNSET
                                                          : sqlite3_column_int64 (stmt, index);
}

static void
bind_time (sqlite3_stmt *stmt,
           int           index,
           gint64        t)
{
  if (t == DK_TIME_UNSET)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, t);
}

/**
 * dk_store_get_reminder:
 * @self: a #DkStore
 * @case_id: a case id
 * @out_state: (out): the state recorded
 * @error: return location for a #GError
 *
 * Returns: %TRUE when a state is recorded; %FALSE with no error when none is
 */
gboolean
dk_store_get_reminder (DkStore          *self,
                       const char       *case_id,
                       DkReminderState  *out_state,
                       GError          **error)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;
  int rc;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (case_id != NULL, FALSE);
  g_return_val_if_fail (out_state != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stmt = _dk_store_prepare (self,
                            "SELECT start, expected_end, settled_until, told, done FROM reminders"
                            " WHERE case_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _dk_store_bind_text (stmt, 1, case_id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      out_state->start = column_time (stmt, 0);
      out_state->end = column_time (stmt, 1);
      out_state->settled_until = column_time (stmt, 2);
      out_state->told = sqlite3_column_int (stmt, 3) != 0;
      out_state->done = sqlite3_column_int (stmt, 4) != 0;
      found = TRUE;
    }
  else if (rc != SQLITE_DONE)
    {
      _dk_store_set_error (self, error);
    }
  sqlite3_reset (stmt);

  return found;
}

static gboolean
put_reminder (DkStore                *self,
              const char             *case_id,
              const DkReminderState  *state,
              GError                **error)
{
  sqlite3_stmt *stmt;

  stmt = _dk_store_prepare (self,
                            "INSERT INTO reminders (case_id, start, expected_end, settled_until,"
                            " told, done, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                            " ON CONFLICT (case_id) DO UPDATE SET start = excluded.start,"
                            " expected_end = excluded.expected_end,"
                            " settled_until = excluded.settled_until, told = excluded.told,"
                            " done = excluded.done, updated_at = excluded.updated_at",
                            error);
  if (stmt == NULL)
    return FALSE;

  _dk_store_bind_text (stmt, 1, case_id);
  bind_time (stmt, 2, state->start);
  bind_time (stmt, 3, state->end);
  bind_time (stmt, 4, state->settled_until);
  sqlite3_bind_int (stmt, 5, state->told ? 1 : 0);
  sqlite3_bind_int (stmt, 6, state->done ? 1 : 0);
  sqlite3_bind_int64 (stmt, 7, dk_time_now ());

  return _dk_store_step_done (self, stmt, error);
}

/**
 * dk_store_claim_reminder:
 * @self: a #DkStore
 * @case_id: a case id
 * @expected: (nullable): the state planned from, %NULL when none was recorded
 * @state: the state to record
 * @out_claimed: (out): whether it was recorded (what was recorded was still @expected)
 * @error: return location for a #GError
 *
 * Returns: %FALSE on an error
 */
gboolean
dk_store_claim_reminder (DkStore                *self,
                         const char             *case_id,
                         const DkReminderState  *expected,
                         const DkReminderState  *state,
                         gboolean               *out_claimed,
                         GError                **error)
{
  DkReminderState current;
  gboolean found;
  GError *local_error = NULL;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (case_id != NULL && state != NULL && out_claimed != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out_claimed = FALSE;
  /* BEGIN IMMEDIATE: the read and the write are one, whoever else has the file open. */
  if (!_dk_store_begin (self, error))
    return FALSE;

  found = dk_store_get_reminder (self, case_id, &current, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      goto failed;
    }
  if (found != (expected != NULL) ||
      (found && !dk_reminder_state_equal (&current, expected)))
    {
      g_debug ("The reminder state of %s changed meanwhile: not claimed", case_id);
      _dk_store_rollback (self);
      return TRUE;
    }
  if (!put_reminder (self, case_id, state, error))
    goto failed;
  if (!_dk_store_commit (self, error))
    return FALSE;

  *out_claimed = TRUE;
  return TRUE;

failed:
  _dk_store_rollback (self);
  return FALSE;
}

/**
 * dk_store_list_reminder_cases:
 * @self: a #DkStore
 * @closed_since: Unix seconds
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type utf8) (nullable): the ids of the planned
 *   actions open or closed after @closed_since, and of the cases with a state not done
 */
GPtrArray *
dk_store_list_reminder_cases (DkStore  *self,
                              gint64    closed_since,
                              GError  **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* cases_planned (schema v3) keeps this to the planned actions. */
  stmt = _dk_store_prepare (self,
                            "SELECT id FROM cases WHERE kind = 'planned' AND start IS NOT NULL"
                            " AND (closed_at IS NULL OR closed_at > ?1)"
                            " UNION SELECT case_id FROM reminders WHERE done = 0",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, closed_since);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup (_dk_store_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      _dk_store_set_error (self, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&ids);
}

/**
 * dk_store_reminder_was_told:
 * @self: a #DkStore
 * @case_id: a case id
 *
 * Returns: whether the user was reminded of @case_id (%FALSE on an error, logged)
 */
gboolean
dk_store_reminder_was_told (DkStore    *self,
                            const char *case_id)
{
  g_autoptr(GError) error = NULL;
  DkReminderState state;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (case_id != NULL, FALSE);

  if (!dk_store_get_reminder (self, case_id, &state, &error))
    {
      if (error != NULL)
        g_warning ("Could not read the reminders of %s: %s", case_id, error->message);
      return FALSE;
    }

  return state.told;
}
