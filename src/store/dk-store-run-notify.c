/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-run-notify.c: the closings of runs' cases the post-registration notice looked at */

#define G_LOG_DOMAIN "dk-store-run-notify"

#include "config.h"

#include "dk-store-private.h"
#include "dk-store-run-notify.h"

void
dk_closed_run_free (DkClosedRun *closed)
{
  if (closed == NULL)
    return;

  g_clear_pointer (&closed->run, dk_run_unref);
  g_clear_pointer (&closed->kase, dk_case_unref);
  g_free (closed);
}

/* Reads the run and case of each pair of ids; one that cannot be read is skipped with a
 * warning, so that one damaged row does not stop the others. */
static GPtrArray *
load_closed_runs (DkStore   *self,
                  GPtrArray *ids)
{
  GPtrArray *closed = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_closed_run_free);

  for (guint i = 0; i + 1 < ids->len; i += 2)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DkRun) run = dk_store_get_run (self, g_ptr_array_index (ids, i), &error);
      g_autoptr(DkCase) kase = NULL;
      DkClosedRun *item;

      if (run != NULL)
        kase = dk_store_get_case (self, g_ptr_array_index (ids, i + 1), &error);
      if (kase == NULL)
        {
          g_warning ("Skipping a run whose case closed: %s", error->message);
          continue;
        }

      item = g_new0 (DkClosedRun, 1);
      item->run = g_steal_pointer (&run);
      item->kase = g_steal_pointer (&kase);
      g_ptr_array_add (closed, item);
    }

  return closed;
}

/**
 * dk_store_list_unlooked_closed_runs:
 * @self: a #DkStore
 * @username: the user the closings are looked at for
 * @closed_since: Unix seconds: older closings are not listed
 * @error: return location for a #GError
 *
 * Found from the cases closed since @closed_since (an index), then their runs (the
 * index objects_run_case), so the look after each sync stays cheap however many runs
 * the replica holds. "+c.id" drops the column's text affinity from the comparison:
 * with it, SQLite could not use the expression index (whose values have none).
 * A closing counts as looked at when the stored closed_at for the run and user is the
 * case's closed_at now; a case closed again at another time is a new closing.
 *
 * Returns: (transfer full) (element-type DkClosedRun) (nullable): the runs (merged with
 *   their local events) with their closed cases, the earliest closing first
 */
GPtrArray *
dk_store_list_unlooked_closed_runs (DkStore     *self,
                                    const char  *username,
                                    gint64       closed_since,
                                    GError     **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (username != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);


  stmt = _dk_store_prepare (self,
                            "SELECT o.id, c.id FROM cases AS c JOIN objects AS o"
                            " ON o.type = 'run' AND json_extract (COALESCE (o.local_data,"
                            "   o.server_data), '$.case') = +c.id"
                            " WHERE c.closed_at >= ?2"
                            " AND NOT EXISTS (SELECT 1 FROM run_notified AS r"
                            "   WHERE r.run_id = o.id AND r.username = ?1"
                            "   AND r.closed_at = c.closed_at)"
                            " ORDER BY c.closed_at, o.id", error);
  if (stmt == NULL)
    return NULL;
  _dk_store_bind_text (stmt, 1, username);
  sqlite3_bind_int64 (stmt, 2, closed_since);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (ids, g_strdup (_dk_store_column_text (stmt, 0)));
      g_ptr_array_add (ids, g_strdup (_dk_store_column_text (stmt, 1)));
    }
  if (rc != SQLITE_DONE)
    {
      _dk_store_set_error (self, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  return load_closed_runs (self, ids);
}

/**
 * dk_store_record_run_looked_at:
 * @self: a #DkStore
 * @run_id: the run's id
 * @username: the user it was looked at for
 * @closed_at: the tied case's closed_at that was looked at
 * @told: whether the user was told to post-register
 * @error: return location for a #GError
 *
 * Returns: %TRUE when it is on disk
 */
gboolean
dk_store_record_run_looked_at (DkStore     *self,
                               const char  *run_id,
                               const char  *username,
                               gint64       closed_at,
                               gboolean     told,
                               GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (run_id != NULL && username != NULL, FALSE);
  g_return_val_if_fail (closed_at != DK_TIME_UNSET, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);


  stmt = _dk_store_prepare (self,
                            "INSERT INTO run_notified (run_id, username, closed_at, told,"
                            " notified_at) VALUES (?1, ?2, ?3, ?4, ?5)"
                            " ON CONFLICT (run_id, username) DO UPDATE SET"
                            " closed_at = excluded.closed_at, told = excluded.told,"
                            " notified_at = excluded.notified_at", error);
  if (stmt == NULL)
    return FALSE;

  _dk_store_bind_text (stmt, 1, run_id);
  _dk_store_bind_text (stmt, 2, username);
  sqlite3_bind_int64 (stmt, 3, closed_at);
  sqlite3_bind_int (stmt, 4, told ? 1 : 0);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);

  return _dk_store_step_done (self, stmt, error);
}

/**
 * dk_store_get_run_looked_at:
 * @self: a #DkStore
 * @run_id: the run's id
 * @username: the user
 * @out_closed_at: (out): the closing looked at, %DK_TIME_UNSET when none was
 * @out_told: (out) (optional): whether the user was told
 * @error: return location for a #GError
 *
 * Returns: %FALSE on a database error
 */
gboolean
dk_store_get_run_looked_at (DkStore     *self,
                            const char  *run_id,
                            const char  *username,
                            gint64      *out_closed_at,
                            gboolean    *out_told,
                            GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (run_id != NULL && username != NULL, FALSE);
  g_return_val_if_fail (out_closed_at != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out_closed_at = DK_TIME_UNSET;
  if (out_told != NULL)
    *out_told = FALSE;


  stmt = _dk_store_prepare (self,
                            "SELECT closed_at, told FROM run_notified"
                            " WHERE run_id = ?1 AND username = ?2", error);
  if (stmt == NULL)
    return FALSE;
  _dk_store_bind_text (stmt, 1, run_id);
  _dk_store_bind_text (stmt, 2, username);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_closed_at = sqlite3_column_int64 (stmt, 0);
      if (out_told != NULL)
        *out_told = sqlite3_column_int (stmt, 1) != 0;
    }
  else if (rc != SQLITE_DONE)
    {
      _dk_store_set_error (self, error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);

  return TRUE;
}
