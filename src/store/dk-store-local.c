/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-local.c: an object's local version beside the server's copy, until answered */

#define G_LOG_DOMAIN "dk-store"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-store-case-row-private.h"

static const char upsert_local_case_sql[] =
  "INSERT INTO cases (" CASE_COLUMNS ", local_data)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
  " ON CONFLICT (id) DO UPDATE SET number = COALESCE (excluded.number, number),"
  " kind = excluded.kind, area = excluded.area, status = excluded.status,"
  " priority = excluded.priority, major = excluded.major, public = excluded.public,"
  " start = excluded.start, expected_end = excluded.expected_end,"
  " closed_at = excluded.closed_at, title = excluded.title, services = excluded.services,"
  " local_data = excluded.local_data, local_until = NULL";

static const char restore_case_sql[] =
  "UPDATE cases SET number = COALESCE (?2, number), kind = ?3, area = ?4, status = ?5,"
  " priority = ?6, major = ?7, public = ?8, start = ?9, expected_end = ?10,"
  " closed_at = ?11, title = ?12, services = ?13, local_data = NULL, local_until = NULL"
  " WHERE id = ?1";

gboolean
_dk_store_put_local (DkStore     *self,
                     const char  *type,
                     const char  *id,
                     JsonNode    *local_object,
                     GError     **error)
{
  g_autofree char *text = NULL;
  sqlite3_stmt *stmt;

  if (!JSON_NODE_HOLDS_OBJECT (local_object))
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("The local version of an object must be a JSON object"));
      return FALSE;
    }
  text = json_to_string (local_object, FALSE);

  if (g_str_equal (type, DK_TYPE_NAME_CASE))
    {
      g_auto(DkStoreCaseRow) row = { 0 };

      if (!_dk_store_case_row_read (json_node_get_object (local_object), &row, error) ||
          !_dk_store_unindex_case_id (self, id, error))
        return FALSE;
      stmt = _dk_store_prepare (self, upsert_local_case_sql, error);
      if (stmt == NULL)
        return FALSE;
      _dk_store_case_row_bind (stmt, &row);
      _dk_store_bind_text (stmt, 1, id);
      sqlite3_bind_text (stmt, 14, text, -1, SQLITE_STATIC);
      return _dk_store_step_done (self, stmt, error) && _dk_store_index_case_id (self, id, error);
    }

  stmt = _dk_store_prepare (self, "INSERT INTO objects (type, id, local_data) VALUES (?1, ?2, ?3)"
                                  " ON CONFLICT (type, id) DO UPDATE SET"
                                  " local_data = excluded.local_data, local_until = NULL", error);
  if (stmt == NULL)
    return FALSE;
  _dk_store_bind_text (stmt, 1, type);
  _dk_store_bind_text (stmt, 2, id);
  sqlite3_bind_text (stmt, 3, text, -1, SQLITE_STATIC);
  if (!_dk_store_step_done (self, stmt, error))
    return FALSE;

  return !g_str_equal (type, DK_TYPE_NAME_SERVICE) || _dk_store_reindex_service (self, id, error);
}

/* Puts the columns of the server's copy back on a case that loses its local version. */
static gboolean
drop_local_case (DkStore     *self,
                 const char  *id,
                 GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *server_data = NULL;
  g_auto(DkStoreCaseRow) row = { 0 };
  sqlite3_stmt *stmt;
  gboolean found;

  stmt = _dk_store_prepare (self, "SELECT server_data FROM cases WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _dk_store_bind_text (stmt, 1, id);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  if (found)
    server_data = g_strdup (_dk_store_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (!found)
    return TRUE;

  if (!_dk_store_unindex_case_id (self, id, error))
    return FALSE;

  if (server_data == NULL)
    {
      stmt = _dk_store_prepare (self, "DELETE FROM cases WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      _dk_store_bind_text (stmt, 1, id);
      return _dk_store_step_done (self, stmt, error);
    }

  node = dk_json_parse (server_data, -1, error);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      !_dk_store_case_row_read (json_node_get_object (node), &row, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, DK_STORE_ERROR, DK_STORE_ERROR_CORRUPT,
                             _("A stored case cannot be read"));
      return FALSE;
    }

  stmt = _dk_store_prepare (self, restore_case_sql, error);
  if (stmt == NULL)
    return FALSE;
  _dk_store_case_row_bind (stmt, &row);
  _dk_store_bind_text (stmt, 1, id);
  return _dk_store_step_done (self, stmt, error) && _dk_store_index_case_id (self, id, error);
}

/* Steps @sql, a statement on the row of one object (not a case): ?1 its type, ?2 its id. */
static gboolean
step_on_object (DkStore     *self,
                const char  *sql,
                const char  *type,
                const char  *id,
                GError     **error)
{
  sqlite3_stmt *stmt = _dk_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  _dk_store_bind_text (stmt, 1, type);
  _dk_store_bind_text (stmt, 2, id);
  return _dk_store_step_done (self, stmt, error);
}

gboolean
_dk_store_drop_local (DkStore     *self,
                      const char  *type,
                      const char  *id,
                      GError     **error)
{
  if (g_str_equal (type, DK_TYPE_NAME_CASE))
    return drop_local_case (self, id, error);

  if (!step_on_object (self, "DELETE FROM objects WHERE type = ?1 AND id = ?2"
                             " AND server_data IS NULL", type, id, error) ||
      !step_on_object (self, "UPDATE objects SET local_data = NULL, local_until = NULL"
                             " WHERE type = ?1 AND id = ?2 AND local_data IS NOT NULL",
                       type, id, error))
    return FALSE;

  return !g_str_equal (type, DK_TYPE_NAME_SERVICE) || _dk_store_reindex_service (self, id, error);
}

gboolean
_dk_store_retire_local (DkStore     *self,
                        const char  *type,
                        const char  *id,
                        gint64       revision,
                        GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean arrived = FALSE;

  stmt = _dk_store_prepare_row (self, type, id,
                                "UPDATE cases SET local_until = ?3 WHERE id = ?2"
                                " AND local_data IS NOT NULL",
                                "UPDATE objects SET local_until = ?3"
                                " WHERE type = ?1 AND id = ?2 AND local_data IS NOT NULL",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 3, revision);
  if (!_dk_store_step_done (self, stmt, error))
    return FALSE;

  /* The server's copy may be here already (a pull between send and answer). */
  stmt = _dk_store_prepare_row (self, type, id,
                                "SELECT 1 FROM cases WHERE id = ?2"
                                " AND server_data IS NOT NULL AND revision >= ?3",
                                "SELECT 1 FROM objects WHERE type = ?1 AND id = ?2"
                                " AND server_data IS NOT NULL AND revision >= ?3", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 3, revision);
  arrived = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);

  return !arrived || _dk_store_drop_local (self, type, id, error);
}

gboolean
_dk_store_set_case_number (DkStore     *self,
                           const char  *id,
                           const char  *number,
                           GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 pk = 0;
  int rc;

  /* Only a case without a number gets one: most answers name a case that has it
   * already (an update to it), and then the index stays as it is. */
  stmt = _dk_store_prepare (self, "SELECT pk FROM cases WHERE id = ?1 AND number IS NULL",
                            error);
  if (stmt == NULL)
    return FALSE;
  _dk_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  pk = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _dk_store_set_error (self, error);
  if (pk == 0)
    return TRUE;
  /* The number is in the search text. */
  if (!_dk_store_unindex_case (self, pk, error))
    return FALSE;
  stmt = _dk_store_prepare (self, "UPDATE cases SET number = ?2 WHERE pk = ?1"
                                  " AND number IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, pk);
  _dk_store_bind_text (stmt, 2, number);
  return _dk_store_step_done (self, stmt, error) && _dk_store_index_case (self, pk, error);
}

