/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-db-accounts.c: users, sessions, mutation results and the audit log */

#define G_LOG_DOMAIN "dk-server-db"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-error.h"
#include "dk-server-db-pg-private.h"
#include "dk-time.h"

static DkStoredUser *
read_user_row (sqlite3_stmt *stmt)
{
  DkStoredUser *user = g_new0 (DkStoredUser, 1);

  user->username = _dk_server_db_column_strdup (stmt, 0);
  user->password_hash = _dk_server_db_column_strdup (stmt, 1);
  user->roles = (DkRole) sqlite3_column_int64 (stmt, 2);
  user->disabled = sqlite3_column_int (stmt, 3) != 0;
  user->created_at = sqlite3_column_int64 (stmt, 4);

  return user;
}

/* Runs an UPDATE keyed by username; DK_ERROR_NOT_FOUND when no such user. */
static gboolean
update_user (DkServerDb  *self,
             StmtId       id,
             const char  *username,
             GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = self->stmts[id];

  g_assert (DK_IS_SERVER_DB (self));
  g_assert (stmt != NULL);

  _dk_server_db_bind_text (stmt, 1, username);
  if (!_dk_server_db_step_done (self, stmt, _("Could not update the user"), error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND,
                   _("There is no user “%s”"), username);
      return FALSE;
    }
  return TRUE;
}

/* The login throttle keeps its entries in memory on SQLite (one process). */
static gboolean
refuse_throttle_on_sqlite (GError **error)
{
  g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                       _("With SQLite the login throttle is kept in the server’s memory"));
  return FALSE;
}

/* ---- public API ---- */

/**
 * dk_stored_user_free:
 * @user: (transfer full) (nullable): a user from dk_server_db_get_user()
 */
void
dk_stored_user_free (DkStoredUser *user)
{
  if (user == NULL)
    return;

  g_free (user->username);
  g_free (user->password_hash);
  g_free (user);
}

/**
 * dk_server_db_add_user:
 *
 * Adds an enabled user; %DK_ERROR_CONFLICT when the name is taken.
 */
gboolean
dk_server_db_add_user (DkServerDb  *self,
                       const char  *username,
                       const char  *password_hash,
                       DkRole       roles,
                       GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);
  g_return_val_if_fail (password_hash != NULL, FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_add_user (self, username, password_hash, roles, error);

  stmt = _dk_server_db_get_stmt (self, STMT_ADD_USER, error);
  if (stmt == NULL)
    return FALSE;
  _dk_server_db_bind_text (stmt, 1, username);
  _dk_server_db_bind_text (stmt, 2, password_hash);
  sqlite3_bind_int64 (stmt, 3, (gint64) roles);
  sqlite3_bind_int64 (stmt, 4, _dk_server_db_now_seconds ());

  if (!_dk_server_db_step_done (self, stmt, _("Could not add the user"), error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_CONFLICT,
                   _("There is already a user “%s”"), username);
      return FALSE;
    }
  return TRUE;
}

/**
 * dk_server_db_set_password:
 *
 * %DK_ERROR_NOT_FOUND for an unknown user.
 */
gboolean
dk_server_db_set_password (DkServerDb  *self,
                           const char  *username,
                           const char  *password_hash,
                           GError     **error)
{
  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);
  g_return_val_if_fail (password_hash != NULL, FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_set_password (self, username, password_hash, error);

  if (_dk_server_db_get_stmt (self, STMT_SET_PASSWORD, error) == NULL)
    return FALSE;
  _dk_server_db_bind_text (self->stmts[STMT_SET_PASSWORD], 2, password_hash);
  return update_user (self, STMT_SET_PASSWORD, username, error);
}

/**
 * dk_server_db_set_disabled:
 *
 * %DK_ERROR_NOT_FOUND for an unknown user.
 */
gboolean
dk_server_db_set_disabled (DkServerDb  *self,
                           const char  *username,
                           gboolean     disabled,
                           GError     **error)
{
  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_set_disabled (self, username, disabled, error);

  if (_dk_server_db_get_stmt (self, STMT_SET_DISABLED, error) == NULL)
    return FALSE;
  sqlite3_bind_int (self->stmts[STMT_SET_DISABLED], 2, disabled ? 1 : 0);
  return update_user (self, STMT_SET_DISABLED, username, error);
}

/**
 * dk_server_db_set_roles:
 *
 * %DK_ERROR_NOT_FOUND for an unknown user.
 */
gboolean
dk_server_db_set_roles (DkServerDb  *self,
                        const char  *username,
                        DkRole       roles,
                        GError     **error)
{
  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_set_roles (self, username, roles, error);

  if (_dk_server_db_get_stmt (self, STMT_SET_ROLES, error) == NULL)
    return FALSE;
  sqlite3_bind_int64 (self->stmts[STMT_SET_ROLES], 2, (gint64) roles);
  return update_user (self, STMT_SET_ROLES, username, error);
}

/**
 * dk_server_db_get_user:
 *
 * Returns: (transfer full) (nullable): the user, or %NULL without error when unknown
 */
DkStoredUser *
dk_server_db_get_user (DkServerDb  *self,
                       const char  *username,
                       GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), NULL);
  g_return_val_if_fail (username != NULL, NULL);

  if (self->pg != NULL)
    return _dk_server_db_pg_get_user (self, username, error);

  stmt = _dk_server_db_get_stmt (self, STMT_GET_USER, error);
  if (stmt == NULL)
    return NULL;
  _dk_server_db_bind_text (stmt, 1, username);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return read_user_row (stmt);
  if (rc != SQLITE_DONE)
    _dk_server_db_set_sqlite_error (self, error, rc, _("Could not read the user"));
  return NULL;
}

/**
 * dk_server_db_list_users:
 *
 * Returns: (transfer full) (element-type DkStoredUser) (nullable): every user by name
 */
GPtrArray *
dk_server_db_list_users (DkServerDb  *self,
                         GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) users = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), NULL);

  if (self->pg != NULL)
    return _dk_server_db_pg_list_users (self, error);

  stmt = _dk_server_db_get_stmt (self, STMT_LIST_USERS, error);
  if (stmt == NULL)
    return NULL;

  users = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_stored_user_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (users, read_user_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _dk_server_db_set_sqlite_error (self, error, rc, _("Could not list the users"));
      return NULL;
    }

  return g_steal_pointer (&users);
}

/**
 * dk_server_db_add_session:
 *
 * Stores a session by its token's hash; %DK_ERROR_NOT_FOUND for an unknown user.
 */
gboolean
dk_server_db_add_session (DkServerDb  *self,
                          const char  *token_hash,
                          const char  *username,
                          gint64       expires,
                          GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (token_hash != NULL, FALSE);
  g_return_val_if_fail (username != NULL, FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_add_session (self, token_hash, username, expires, error);

  stmt = _dk_server_db_get_stmt (self, STMT_ADD_SESSION, error);
  if (stmt == NULL)
    return FALSE;
  _dk_server_db_bind_text (stmt, 1, token_hash);
  _dk_server_db_bind_text (stmt, 2, username);
  sqlite3_bind_int64 (stmt, 3, _dk_server_db_now_seconds ());
  sqlite3_bind_int64 (stmt, 4, expires);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND,
                   _("There is no user “%s”"), username);
      return FALSE;
    }
  return _dk_server_db_set_sqlite_error (self, error, rc, _("Could not store the session"));
}

/**
 * dk_server_db_find_session:
 * @now: the current time, Unix seconds
 * @expires: (out) (optional): when the session ends
 *
 * Returns: (transfer full) (nullable): the username of a live session of an enabled
 *   user; %NULL without @error set when there is none, with it when the database failed
 */
char *
dk_server_db_find_session (DkServerDb  *self,
                           const char  *token_hash,
                           gint64       now,
                           gint64      *expires,
                           GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), NULL);
  g_return_val_if_fail (token_hash != NULL, NULL);

  if (self->pg != NULL)
    return _dk_server_db_pg_lookup_session (self, token_hash, now, expires, error);

  stmt = _dk_server_db_get_stmt (self, STMT_LOOKUP_SESSION, error);
  if (stmt == NULL)
    return NULL;
  _dk_server_db_bind_text (stmt, 1, token_hash);
  sqlite3_bind_int64 (stmt, 2, now);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (expires != NULL)
        *expires = sqlite3_column_int64 (stmt, 1);
      return _dk_server_db_column_strdup (stmt, 0);
    }
  if (rc != SQLITE_DONE)
    _dk_server_db_set_sqlite_error (self, error, rc, _("Could not read the sessions"));
  return NULL;
}

/**
 * dk_server_db_lookup_session:
 * @now: the current time, Unix seconds
 * @expires: (out) (optional): when the session ends
 *
 * Returns: (transfer full) (nullable): the username of a live session of an enabled
 *   user, or %NULL (a failure of the database is logged)
 */
char *
dk_server_db_lookup_session (DkServerDb  *self,
                             const char  *token_hash,
                             gint64       now,
                             gint64      *expires)
{
  g_autoptr(GError) error = NULL;
  char *username;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), NULL);
  g_return_val_if_fail (token_hash != NULL, NULL);

  username = dk_server_db_find_session (self, token_hash, now, expires, &error);
  if (error != NULL)
    g_warning ("%s", error->message);
  return username;
}

/**
 * dk_server_db_delete_session:
 *
 * Revokes one session; an unknown one is no error.
 */
gboolean
dk_server_db_delete_session (DkServerDb  *self,
                             const char  *token_hash,
                             GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (token_hash != NULL, FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_delete_session (self, token_hash, error);

  stmt = _dk_server_db_get_stmt (self, STMT_DELETE_SESSION, error);
  if (stmt == NULL)
    return FALSE;
  _dk_server_db_bind_text (stmt, 1, token_hash);
  return _dk_server_db_step_done (self, stmt, _("Could not revoke the session"), error);
}

/**
 * dk_server_db_delete_user_sessions:
 *
 * Revokes every session of @username.
 */
gboolean
dk_server_db_delete_user_sessions (DkServerDb  *self,
                                   const char  *username,
                                   GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_delete_user_sessions (self, username, error);

  stmt = _dk_server_db_get_stmt (self, STMT_DELETE_USER_SESSIONS, error);
  if (stmt == NULL)
    return FALSE;
  _dk_server_db_bind_text (stmt, 1, username);
  return _dk_server_db_step_done (self, stmt, _("Could not revoke the sessions"), error);
}

/**
 * dk_server_db_get_session_contact:
 * @created_at: (out): when the session began
 * @last_contact: (out): when its client last had the server's changes, or
 *   %DK_TIME_UNSET
 *
 * Returns: %TRUE when the session is stored
 */
gboolean
dk_server_db_get_session_contact (DkServerDb  *self,
                                  const char  *token_hash,
                                  gint64      *created_at,
                                  gint64      *last_contact,
                                  GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (token_hash != NULL, FALSE);
  g_return_val_if_fail (created_at != NULL && last_contact != NULL, FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_get_session_contact (self, token_hash, created_at, last_contact,
                                                 error);

  stmt = _dk_server_db_get_stmt (self, STMT_GET_SESSION_CONTACT, error);
  if (stmt == NULL)
    return FALSE;
  _dk_server_db_bind_text (stmt, 1, token_hash);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *created_at = sqlite3_column_int64 (stmt, 0);
      *last_contact = sqlite3_column_type (stmt, 1) == SQLITE_NULL
                        ? DK_TIME_UNSET : sqlite3_column_int64 (stmt, 1);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_NOT_FOUND, _("There is no such session"));
      return FALSE;
    }
  return _dk_server_db_set_sqlite_error (self, error, rc, _("Could not read the session"));
}

/**
 * dk_server_db_note_session_contact:
 * @at: the server's time of the contact
 *
 * Records that the session's client had the server's changes at @at; a later time
 * stays. An unknown session is no error.
 */
gboolean
dk_server_db_note_session_contact (DkServerDb  *self,
                                   const char  *token_hash,
                                   gint64       at,
                                   GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (token_hash != NULL, FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_note_session_contact (self, token_hash, at, error);

  stmt = _dk_server_db_get_stmt (self, STMT_NOTE_SESSION_CONTACT, error);
  if (stmt == NULL)
    return FALSE;
  _dk_server_db_bind_text (stmt, 1, token_hash);
  sqlite3_bind_int64 (stmt, 2, at);
  return _dk_server_db_step_done (self, stmt, _("Could not record the session’s contact"),
                                  error);
}

/**
 * dk_server_db_get_mutation_result:
 * @username: (nullable): the caller; %NULL for an anonymous one
 *
 * Returns: (transfer full) (nullable): the result stored for this mutation id and
 *   this caller, or %NULL
 */
char *
dk_server_db_get_mutation_result (DkServerDb  *self,
                                  const char  *mutation_id,
                                  const char  *username)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), NULL);
  g_return_val_if_fail (mutation_id != NULL, NULL);

  if (self->pg != NULL)
    return _dk_server_db_pg_get_mutation_result (self, mutation_id, username);

  stmt = _dk_server_db_get_stmt (self, STMT_GET_MUTATION, &error);
  if (stmt == NULL)
    {
      g_warning ("%s", error->message);
      return NULL;
    }
  _dk_server_db_bind_text (stmt, 1, mutation_id);
  _dk_server_db_bind_text (stmt, 2, username != NULL ? username : "");

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return _dk_server_db_column_strdup (stmt, 0);
  if (rc != SQLITE_DONE)
    g_warning ("Could not read the mutations of %s: %s", self->path, sqlite3_errmsg (self->db));
  return NULL;
}

/**
 * dk_server_db_put_mutation_result:
 * @username: (nullable): the caller; %NULL for an anonymous one
 *
 * Keeps a mutation's answer. The first answer stored for an id and a caller stays.
 */
gboolean
dk_server_db_put_mutation_result (DkServerDb  *self,
                                  const char  *mutation_id,
                                  const char  *username,
                                  const char  *result,
                                  GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_put_mutation_result (self, mutation_id, username, result, error);

  stmt = _dk_server_db_get_stmt (self, STMT_PUT_MUTATION, error);
  if (stmt == NULL)
    return FALSE;
  _dk_server_db_bind_text (stmt, 1, mutation_id);
  _dk_server_db_bind_text (stmt, 2, username != NULL ? username : "");
  _dk_server_db_bind_text (stmt, 3, result);
  sqlite3_bind_int64 (stmt, 4, _dk_server_db_now_seconds ());

  return _dk_server_db_step_done (self, stmt, _("Could not store the mutation's result"), error);
}

/**
 * dk_server_db_audit:
 *
 * Appends a row to the audit log, stamped with the current time.
 */
gboolean
dk_server_db_audit (DkServerDb  *self,
                    const char  *username,
                    const char  *action,
                    const char  *object_id,
                    const char  *address,
                    const char  *detail,
                    GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (action != NULL, FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_audit (self, username, action, object_id, address, detail, error);

  stmt = _dk_server_db_get_stmt (self, STMT_AUDIT, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, _dk_server_db_now_seconds ());
  _dk_server_db_bind_text (stmt, 2, username);
  _dk_server_db_bind_text (stmt, 3, action);
  _dk_server_db_bind_text (stmt, 4, object_id);
  _dk_server_db_bind_text (stmt, 5, address);
  _dk_server_db_bind_text (stmt, 6, detail);

  return _dk_server_db_step_done (self, stmt, _("Could not write the audit log"), error);
}

/**
 * dk_server_db_list_audit:
 * @limit: at most this many rows; 0 for all
 *
 * Returns: (transfer full) (element-type utf8) (nullable): each row as JSON object
 *   text {"at","username","action","object","address","detail"}, newest first; "at"
 *   is RFC 3339 UTC, absent values are null
 */
GPtrArray *
dk_server_db_list_audit (DkServerDb  *self,
                         guint        limit,
                         GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), NULL);

  if (self->pg != NULL)
    return _dk_server_db_pg_list_audit (self, limit, error);

  stmt = _dk_server_db_get_stmt (self, STMT_LIST_AUDIT, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit == 0 ? -1 : (gint64) limit);

  rows = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, 0));
      g_autofree char *at_text = at != NULL ? g_date_time_format (at, "%Y-%m-%dT%H:%M:%SZ") : NULL;
      GString *row = g_string_new ("{\"at\":");

      _dk_server_db_append_json_string (row, at_text);
      g_string_append (row, ",\"username\":");
      _dk_server_db_append_json_string (row, (const char *) sqlite3_column_text (stmt, 1));
      g_string_append (row, ",\"action\":");
      _dk_server_db_append_json_string (row, (const char *) sqlite3_column_text (stmt, 2));
      g_string_append (row, ",\"object\":");
      _dk_server_db_append_json_string (row, (const char *) sqlite3_column_text (stmt, 3));
      g_string_append (row, ",\"address\":");
      _dk_server_db_append_json_string (row, (const char *) sqlite3_column_text (stmt, 4));
      g_string_append (row, ",\"detail\":");
      _dk_server_db_append_json_string (row, (const char *) sqlite3_column_text (stmt, 5));
      g_string_append_c (row, '}');

      g_ptr_array_add (rows, g_string_free (row, FALSE));
    }
  if (rc != SQLITE_DONE)
    {
      _dk_server_db_set_sqlite_error (self, error, rc, _("Could not read the audit log"));
      return NULL;
    }

  return g_steal_pointer (&rows);
}

/**
 * dk_server_db_get_throttle_entry:
 * @table: "pair", "user" or "address"
 * @entry: (out): the entry; all zero when there is none
 *
 * PostgreSQL only (on SQLite the login throttle counts in memory).
 */
gboolean
dk_server_db_get_throttle_entry (DkServerDb       *self,
                                 const char       *table,
                                 const char       *key,
                                 DkThrottleEntry  *entry,
                                 GError          **error)
{
  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (table != NULL && key != NULL && entry != NULL, FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_get_throttle_entry (self, table, key, entry, error);
  return refuse_throttle_on_sqlite (error);
}

/**
 * dk_server_db_lock_throttle_entry:
 * @now: Unix seconds, the forgiveness of an entry made now
 * @entry: (out): the entry as stored, or {0, 0, @now} when it was made
 *
 * Inside a transaction: reads the entry and holds its lock until the transaction ends.
 * PostgreSQL only.
 */
gboolean
dk_server_db_lock_throttle_entry (DkServerDb       *self,
                                  const char       *table,
                                  const char       *key,
                                  gint64            now,
                                  DkThrottleEntry  *entry,
                                  GError          **error)
{
  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (table != NULL && key != NULL && entry != NULL, FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_lock_throttle_entry (self, table, key, now, entry, error);
  return refuse_throttle_on_sqlite (error);
}

/**
 * dk_server_db_put_throttle_entry:
 *
 * Stores the entry of @key (insert or replace). PostgreSQL only.
 */
gboolean
dk_server_db_put_throttle_entry (DkServerDb             *self,
                                 const char             *table,
                                 const char             *key,
                                 const DkThrottleEntry  *entry,
                                 GError                **error)
{
  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (table != NULL && key != NULL && entry != NULL, FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_put_throttle_entry (self, table, key, entry, error);
  return refuse_throttle_on_sqlite (error);
}

/**
 * dk_server_db_forget_throttle_entry:
 *
 * Deletes the entry of @key; an unknown one is no error. PostgreSQL only.
 */
gboolean
dk_server_db_forget_throttle_entry (DkServerDb  *self,
                                    const char  *table,
                                    const char  *key,
                                    GError     **error)
{
  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (table != NULL && key != NULL, FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_forget_throttle_entry (self, table, key, error);
  return refuse_throttle_on_sqlite (error);
}

/**
 * dk_server_db_prune_throttle:
 * @before: Unix seconds; entries whose last failure is older go
 * @limit: at most this many
 *
 * Returns: how many entries were deleted, or -1 with @error set. PostgreSQL only.
 */
gint64
dk_server_db_prune_throttle (DkServerDb  *self,
                             gint64       before,
                             guint        limit,
                             GError     **error)
{
  g_return_val_if_fail (DK_IS_SERVER_DB (self), -1);

  if (self->pg != NULL)
    return _dk_server_db_pg_prune_throttle (self, before, limit, error);
  refuse_throttle_on_sqlite (error);
  return -1;
}
