/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-db-pg-accounts.c: users, sessions, mutation results, the audit log and the
 * login throttle's entries, on PostgreSQL
 *
 * The same statements as dk-server-db.c's SQLite ones, with the same answers, so that
 * several server instances on one database behave as one server: a session made on
 * one is a session on all, a disabled user is refused by all, a mutation's answer
 * stored by one is the answer of all.
 *
 * No statement here fails on purpose: on PostgreSQL an error aborts the whole
 * transaction it happens in (the batch of mutations, the login), so a taken name or an
 * unknown user is found by counting the rows a statement touched, never by catching a
 * constraint's error.
 */

#define G_LOG_DOMAIN "dk-server-db"

#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>

#include "dk-error.h"
#include "dk-server-db-pg-private.h"
#include "dk-time.h"

/* Room for a gint64 in decimal, sign and NUL included. */
#define INT64_TEXT_SIZE 24

static const char *
format_int64 (char   buffer[INT64_TEXT_SIZE],
              gint64 value)
{
  g_snprintf (buffer, INT64_TEXT_SIZE, "%" G_GINT64_FORMAT, value);
  return buffer;
}

/* How many rows an INSERT, UPDATE or DELETE touched. */
static gint64
count_touched (const PGresult *result)
{
  return g_ascii_strtoll (PQcmdTuples ((PGresult *) result), NULL, 10);
}

static DkStoredUser *
read_user_row (const PGresult *result,
               int             row)
{
  DkStoredUser *user = g_new0 (DkStoredUser, 1);

  user->username = _dk_server_db_pg_dup_text (result, row, 0);
  user->password_hash = _dk_server_db_pg_dup_text (result, row, 1);
  user->roles = (DkRole) _dk_server_db_pg_get_int64 (result, row, 2);
  user->disabled = _dk_server_db_pg_get_int64 (result, row, 3) != 0;
  user->created_at = _dk_server_db_pg_get_int64 (result, row, 4);

  return user;
}

/* Runs an UPDATE keyed by username ($1); DK_ERROR_NOT_FOUND when no such user. */
static gboolean
update_user (DkServerDb  *self,
             const char  *sql,
             const char  *username,
             const char  *value,
             const char  *what,
             GError     **error)
{
  const char *params[] = { username, value };
  g_autoptr(PGresult) result = NULL;

  g_assert (DK_IS_SERVER_DB (self));

  result = _dk_server_db_pg_exec (self, sql, 2, params, what, error);
  if (result == NULL)
    return FALSE;
  if (count_touched (result) == 0)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND,
                   _("There is no user “%s”"), username);
      return FALSE;
    }
  return TRUE;
}

/* ---- users ---- */

gboolean
_dk_server_db_pg_add_user (DkServerDb  *self,
                           const char  *username,
                           const char  *password_hash,
                           DkRole       roles,
                           GError     **error)
{
  char roles_text[INT64_TEXT_SIZE];
  char now_text[INT64_TEXT_SIZE];
  const char *params[] = {
    username, password_hash, format_int64 (roles_text, (gint64) roles),
    format_int64 (now_text, _dk_server_db_now_seconds ()),
  };
  g_autoptr(PGresult) result = NULL;

  result = _dk_server_db_pg_exec (self,
                                  "INSERT INTO users (username, password_hash, roles, disabled,"
                                  " created_at) VALUES ($1, $2, $3, 0, $4)"
                                  " ON CONFLICT (username) DO NOTHING",
                                  G_N_ELEMENTS (params), params, _("Could not add the user"),
                                  error);
  if (result == NULL)
    return FALSE;
  if (count_touched (result) == 0)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_CONFLICT,
                   _("There is already a user “%s”"), username);
      return FALSE;
    }
  return TRUE;
}

gboolean
_dk_server_db_pg_set_password (DkServerDb  *self,
                               const char  *username,
                               const char  *password_hash,
                               GError     **error)
{
  return update_user (self, "UPDATE users SET password_hash = $2 WHERE username = $1",
                      username, password_hash, _("Could not update the user"), error);
}

gboolean
_dk_server_db_pg_set_disabled (DkServerDb  *self,
                               const char  *username,
                               gboolean     disabled,
                               GError     **error)
{
  return update_user (self, "UPDATE users SET disabled = $2 WHERE username = $1",
                      username, disabled ? "1" : "0", _("Could not update the user"), error);
}

gboolean
_dk_server_db_pg_set_roles (DkServerDb  *self,
                            const char  *username,
                            DkRole       roles,
                            GError     **error)
{
  char roles_text[INT64_TEXT_SIZE];

  return update_user (self, "UPDATE users SET roles = $2 WHERE username = $1",
                      username, format_int64 (roles_text, (gint64) roles),
                      _("Could not update the user"), error);
}

DkStoredUser *
_dk_server_db_pg_get_user (DkServerDb  *self,
                           const char  *username,
                           GError     **error)
{
  const char *params[] = { username };
  g_autoptr(PGresult) result = NULL;

  result = _dk_server_db_pg_exec (self,
                                  "SELECT username, password_hash, roles, disabled, created_at"
                                  " FROM users WHERE username = $1",
                                  1, params, _("Could not read the user"), error);
  if (result == NULL || PQntuples (result) == 0)
    return NULL;

  return read_user_row (result, 0);
}

GPtrArray *
_dk_server_db_pg_list_users (DkServerDb  *self,
                             GError     **error)
{
  g_autoptr(PGresult) result = NULL;
  GPtrArray *users;

  result = _dk_server_db_pg_exec (self,
                                  "SELECT username, password_hash, roles, disabled, created_at"
                                  " FROM users ORDER BY username",
                                  0, NULL, _("Could not list the users"), error);
  if (result == NULL)
    return NULL;

  users = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_stored_user_free);
  for (int row = 0; row < PQntuples (result); row++)
    g_ptr_array_add (users, read_user_row (result, row));

  return users;
}

/* ---- sessions ---- */

gboolean
_dk_server_db_pg_add_session (DkServerDb  *self,
                              const char  *token_hash,
                              const char  *username,
                              gint64       expires,
                              GError     **error)
{
  char now_text[INT64_TEXT_SIZE];
  char expires_text[INT64_TEXT_SIZE];
  const char *params[] = {
    token_hash, username, format_int64 (now_text, _dk_server_db_now_seconds ()),
    format_int64 (expires_text, expires),
  };
  g_autoptr(PGresult) result = NULL;

  /* Inserted from the user's row, so an unknown user inserts nothing (instead of
   * breaking the foreign key, which would abort the login's transaction). */
  result = _dk_server_db_pg_exec (self,
                                  "INSERT INTO sessions (token_hash, username, created_at, expires)"
                                  " SELECT $1, username, $3, $4 FROM users WHERE username = $2",
                                  G_N_ELEMENTS (params), params,
                                  _("Could not store the session"), error);
  if (result == NULL)
    return FALSE;
  if (count_touched (result) == 0)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND,
                   _("There is no user “%s”"), username);
      return FALSE;
    }
  return TRUE;
}

char *
_dk_server_db_pg_lookup_session (DkServerDb  *self,
                                 const char  *token_hash,
                                 gint64       now,
                                 gint64      *expires,
                                 GError     **error)
{
  char now_text[INT64_TEXT_SIZE];
  const char *params[] = { token_hash, format_int64 (now_text, now) };
  g_autoptr(PGresult) result = NULL;

  result = _dk_server_db_pg_exec (self,
                                  "SELECT s.username, s.expires FROM sessions s"
                                  " JOIN users u ON u.username = s.username"
                                  " WHERE s.token_hash = $1 AND s.expires > $2 AND u.disabled = 0",
                                  2, params, _("Could not read the sessions"), error);
  if (result == NULL || PQntuples (result) == 0)
    return NULL;

  if (expires != NULL)
    *expires = _dk_server_db_pg_get_int64 (result, 0, 1);
  return _dk_server_db_pg_dup_text (result, 0, 0);
}

gboolean
_dk_server_db_pg_delete_session (DkServerDb  *self,
                                 const char  *token_hash,
                                 GError     **error)
{
  const char *params[] = { token_hash };
  g_autoptr(PGresult) result = NULL;

  result = _dk_server_db_pg_exec (self, "DELETE FROM sessions WHERE token_hash = $1",
                                  1, params, _("Could not revoke the session"), error);
  return result != NULL;
}

gboolean
_dk_server_db_pg_delete_user_sessions (DkServerDb  *self,
                                       const char  *username,
                                       GError     **error)
{
  const char *params[] = { username };
  g_autoptr(PGresult) result = NULL;

  result = _dk_server_db_pg_exec (self, "DELETE FROM sessions WHERE username = $1",
                                  1, params, _("Could not revoke the sessions"), error);
  return result != NULL;
}

gboolean
_dk_server_db_pg_get_session_contact (DkServerDb  *self,
                                      const char  *token_hash,
                                      gint64      *created_at,
                                      gint64      *last_contact,
                                      GError     **error)
{
  const char *params[] = { token_hash };
  g_autoptr(PGresult) result = NULL;

  result = _dk_server_db_pg_exec (self,
                                  "SELECT created_at, last_contact_at FROM sessions"
                                  " WHERE token_hash = $1",
                                  1, params, _("Could not read the session"), error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_NOT_FOUND, _("There is no such session"));
      return FALSE;
    }

  *created_at = _dk_server_db_pg_get_int64 (result, 0, 0);
  *last_contact = PQgetisnull (result, 0, 1) ? DK_TIME_UNSET
                                             : _dk_server_db_pg_get_int64 (result, 0, 1);
  return TRUE;
}

gboolean
_dk_server_db_pg_note_session_contact (DkServerDb  *self,
                                       const char  *token_hash,
                                       gint64       at,
                                       GError     **error)
{
  char at_text[INT64_TEXT_SIZE];
  const char *params[] = { token_hash, format_int64 (at_text, at) };
  g_autoptr(PGresult) result = NULL;

  /* The condition is read again on the locked row when another instance updated it
   * meanwhile (READ COMMITTED), so two instances noting contacts never move it back. */
  result = _dk_server_db_pg_exec (self,
                                  "UPDATE sessions SET last_contact_at = $2"
                                  " WHERE token_hash = $1"
                                  " AND (last_contact_at IS NULL OR last_contact_at < $2)",
                                  2, params, _("Could not record the session’s contact"), error);
  return result != NULL;
}

/* ---- mutation results ----
 *
 * dk-server-mutations.c asks for a mutation's stored answer inside the batch's
 * transaction, applies the mutation when there is none, and stores its answer before
 * COMMIT. On one SQLite file the batch holds the only write lock, so nobody can come
 * between the question and the answer. On PostgreSQL, without a lock, two instances
 * can: both ask, neither sees an answer (the other's is not committed), both apply,
 * and the second INSERT ... DO NOTHING waits for the first and then quietly does
 * nothing: applied twice, answered twice.
 *
 * Two locks close that gap, taken in this order inside the batch's transaction and
 * held until it commits or rolls back. First the seq row's (_dk_server_db_pg_lock_seq
 * (), dk-server-db-pg.c), which every transaction that touches objects takes: the
 * question joins the queue of writers, so batches of every instance ask and answer one
 * after the other. Then a transaction-level advisory lock on (id, user),
 * pg_advisory_xact_lock (hashtextextended (id || '\n' || user, 0)): it keeps the answer
 * right on its own, should the writers ever stop being serialized as a whole. The
 * second instance waits (at the seq row, or there) until the first has committed, and
 * then asks in a statement of its own: READ COMMITTED gives each statement a new snapshot, so it sees
 * the stored answer and replays it. A hash collision between two ids only makes one
 * wait for the other.
 *
 * The order matters. With the advisory lock alone, two batches naming the same two ids
 * in opposite orders would deadlock (A holds id1 and the seq row, B holds id2 and waits
 * for the seq row, A waits for id2); behind the seq row, whoever asks holds it, and
 * nobody else holds an advisory lock. A batch holds one advisory lock per mutation, 500
 * at most (DK_MAX_MUTATIONS_PER_BATCH), and one batch at a time: far within
 * PostgreSQL's shared lock table (64 a connection by default, max_locks_per_transaction).
 *
 * And a check after the insert: inside a transaction, an answer already stored for
 * the id means somebody stored it without the lock, and this transaction's changes
 * would be the mutation's second application: it is refused, so they roll back.
 * Outside a transaction (no changes at stake) the first answer stays, as on SQLite. */

char *
_dk_server_db_pg_get_mutation_result (DkServerDb  *self,
                                      const char  *mutation_id,
                                      const char  *username)
{
  const char *params[] = { mutation_id, username != NULL ? username : "" };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (self->depth > 0)
    {
      g_autoptr(PGresult) locked = NULL;

      if (!_dk_server_db_pg_lock_seq (self, &error))
        {
          g_warning ("%s", error->message);
          return NULL;
        }
      locked = _dk_server_db_pg_exec (self,
                                      "SELECT pg_advisory_xact_lock ("
                                      "hashtextextended ($1 || E'\\n' || $2, 0))",
                                      2, params, _("Could not lock the mutation"), &error);
      if (locked == NULL)
        {
          g_warning ("%s", error->message);
          return NULL;
        }
    }

  result = _dk_server_db_pg_exec (self,
                                  "SELECT result FROM mutations WHERE id = $1 AND username = $2",
                                  2, params, _("Could not read the mutations"), &error);
  if (result == NULL)
    {
      g_warning ("%s", error->message);
      return NULL;
    }
  if (PQntuples (result) == 0)
    return NULL;

  return _dk_server_db_pg_dup_text (result, 0, 0);
}

gboolean
_dk_server_db_pg_put_mutation_result (DkServerDb  *self,
                                      const char  *mutation_id,
                                      const char  *username,
                                      const char  *result_text,
                                      GError     **error)
{
  char now_text[INT64_TEXT_SIZE];
  const char *params[] = {
    mutation_id, username != NULL ? username : "", result_text,
    format_int64 (now_text, _dk_server_db_now_seconds ()),
  };
  g_autoptr(PGresult) result = NULL;

  result = _dk_server_db_pg_exec (self,
                                  "INSERT INTO mutations (id, username, result, created_at)"
                                  " VALUES ($1, $2, $3, $4) ON CONFLICT (id, username) DO NOTHING",
                                  G_N_ELEMENTS (params), params,
                                  _("Could not store the mutation's result"), error);
  if (result == NULL)
    return FALSE;
  if (count_touched (result) == 0 && self->depth > 0)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("Mutation %s was answered meanwhile by another server; try again"),
                   mutation_id);
      return FALSE;
    }
  return TRUE;
}

/* ---- audit ---- */

gboolean
_dk_server_db_pg_audit (DkServerDb  *self,
                        const char  *username,
                        const char  *action,
                        const char  *object_id,
                        const char  *address,
                        const char  *detail,
                        GError     **error)
{
  char now_text[INT64_TEXT_SIZE];
  const char *params[] = {
    format_int64 (now_text, _dk_server_db_now_seconds ()), username, action, object_id,
    address, detail,
  };
  g_autoptr(PGresult) result = NULL;

  result = _dk_server_db_pg_exec (self,
                                  "INSERT INTO audit (at, username, action, object_id, address,"
                                  " detail) VALUES ($1, $2, $3, $4, $5, $6)",
                                  G_N_ELEMENTS (params), params,
                                  _("Could not write the audit log"), error);
  return result != NULL;
}

static void
append_json_column (GString        *row,
                    const char     *name,
                    const PGresult *result,
                    int             tuple,
                    int             column)
{
  g_string_append_printf (row, ",\"%s\":", name);
  _dk_server_db_append_json_string (row, PQgetisnull (result, tuple, column)
                                           ? NULL : PQgetvalue (result, tuple, column));
}

GPtrArray *
_dk_server_db_pg_list_audit (DkServerDb  *self,
                             guint        limit,
                             GError     **error)
{
  char limit_text[INT64_TEXT_SIZE];
  /* LIMIT NULL is no limit. */
  const char *params[] = { limit == 0 ? NULL : format_int64 (limit_text, limit) };
  g_autoptr(PGresult) result = NULL;
  GPtrArray *rows;

  result = _dk_server_db_pg_exec (self,
                                  "SELECT at, username, action, object_id, address, detail"
                                  " FROM audit ORDER BY id DESC LIMIT $1",
                                  1, params, _("Could not read the audit log"), error);
  if (result == NULL)
    return NULL;

  rows = g_ptr_array_new_with_free_func (g_free);
  for (int tuple = 0; tuple < PQntuples (result); tuple++)
    {
      g_autoptr(GDateTime) at =
        g_date_time_new_from_unix_utc (_dk_server_db_pg_get_int64 (result, tuple, 0));
      g_autofree char *at_text = at != NULL ? g_date_time_format (at, "%Y-%m-%dT%H:%M:%SZ")
                                            : NULL;
      GString *row = g_string_new ("{\"at\":");

      _dk_server_db_append_json_string (row, at_text);
      append_json_column (row, "username", result, tuple, 1);
      append_json_column (row, "action", result, tuple, 2);
      append_json_column (row, "object", result, tuple, 3);
      append_json_column (row, "address", result, tuple, 4);
      append_json_column (row, "detail", result, tuple, 5);
      g_string_append_c (row, '}');

      g_ptr_array_add (rows, g_string_free (row, FALSE));
    }

  return rows;
}

/* ---- the login throttle's entries ---- */

static void
read_throttle_row (const PGresult  *result,
                   DkThrottleEntry *entry)
{
  entry->failures = _dk_server_db_pg_get_int64 (result, 0, 0);
  entry->last_failure = _dk_server_db_pg_get_int64 (result, 0, 1);
  entry->forgiven_until = _dk_server_db_pg_get_int64 (result, 0, 2);
}

gboolean
_dk_server_db_pg_get_throttle_entry (DkServerDb       *self,
                                     const char       *table,
                                     const char       *key,
                                     DkThrottleEntry  *entry,
                                     GError          **error)
{
  const char *params[] = { table, key };
  g_autoptr(PGresult) result = NULL;

  *entry = (DkThrottleEntry) { 0 };
  result = _dk_server_db_pg_exec (self,
                                  "SELECT failures, last_failure, forgiven_until"
                                  " FROM login_throttle WHERE tbl = $1 AND key = $2",
                                  2, params, _("Could not read the login throttle"), error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) > 0)
    read_throttle_row (result, entry);
  return TRUE;
}

gboolean
_dk_server_db_pg_lock_throttle_entry (DkServerDb       *self,
                                      const char       *table,
                                      const char       *key,
                                      gint64            now,
                                      DkThrottleEntry  *entry,
                                      GError          **error)
{
  char now_text[INT64_TEXT_SIZE];
  const char *params[] = { table, key, format_int64 (now_text, now) };
  g_autoptr(PGresult) result = NULL;

  /* One statement makes the row when it is missing and locks it when it is there (DO
   * UPDATE locks the row it conflicts with, until the transaction ends; the update
   * changes nothing) and returns it either way. A SELECT ... FOR UPDATE alone could not
   * lock a row not there yet: two instances would both count a first failure from
   * zero. */
  result = _dk_server_db_pg_exec (self,
                                  "INSERT INTO login_throttle (tbl, key, failures, last_failure,"
                                  " forgiven_until) VALUES ($1, $2, 0, 0, $3)"
                                  " ON CONFLICT (tbl, key) DO UPDATE SET failures ="
                                  " login_throttle.failures"
                                  " RETURNING failures, last_failure, forgiven_until",
                                  G_N_ELEMENTS (params), params,
                                  _("Could not lock the login throttle"), error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_STORAGE,
                           _("Could not lock the login throttle"));
      return FALSE;
    }
  read_throttle_row (result, entry);
  return TRUE;
}

gboolean
_dk_server_db_pg_put_throttle_entry (DkServerDb             *self,
                                     const char             *table,
                                     const char             *key,
                                     const DkThrottleEntry  *entry,
                                     GError                **error)
{
  char failures_text[INT64_TEXT_SIZE];
  char last_text[INT64_TEXT_SIZE];
  char forgiven_text[INT64_TEXT_SIZE];
  const char *params[] = {
    table, key, format_int64 (failures_text, entry->failures),
    format_int64 (last_text, entry->last_failure),
    format_int64 (forgiven_text, entry->forgiven_until),
  };
  g_autoptr(PGresult) result = NULL;

  result = _dk_server_db_pg_exec (self,
                                  "INSERT INTO login_throttle (tbl, key, failures, last_failure,"
                                  " forgiven_until) VALUES ($1, $2, $3, $4, $5)"
                                  " ON CONFLICT (tbl, key) DO UPDATE SET"
                                  " failures = excluded.failures,"
                                  " last_failure = excluded.last_failure,"
                                  " forgiven_until = excluded.forgiven_until",
                                  G_N_ELEMENTS (params), params,
                                  _("Could not update the login throttle"), error);
  return result != NULL;
}

gboolean
_dk_server_db_pg_forget_throttle_entry (DkServerDb  *self,
                                        const char  *table,
                                        const char  *key,
                                        GError     **error)
{
  const char *params[] = { table, key };
  g_autoptr(PGresult) result = NULL;

  result = _dk_server_db_pg_exec (self,
                                  "DELETE FROM login_throttle WHERE tbl = $1 AND key = $2",
                                  2, params, _("Could not update the login throttle"), error);
  return result != NULL;
}

gint64
_dk_server_db_pg_prune_throttle (DkServerDb  *self,
                                 gint64       before,
                                 guint        limit,
                                 GError     **error)
{
  char before_text[INT64_TEXT_SIZE];
  char limit_text[INT64_TEXT_SIZE];
  const char *params[] = { format_int64 (before_text, before),
                           format_int64 (limit_text, limit) };
  g_autoptr(PGresult) result = NULL;

  /* SKIP LOCKED: an entry another instance is counting right now is not stale, and
   * nobody waits for a cleanup. */
  result = _dk_server_db_pg_exec (self,
                                  "DELETE FROM login_throttle WHERE (tbl, key) IN"
                                  " (SELECT tbl, key FROM login_throttle WHERE last_failure < $1"
                                  " LIMIT $2 FOR UPDATE SKIP LOCKED)",
                                  2, params, _("Could not clean the login throttle"), error);
  if (result == NULL)
    return -1;
  return count_touched (result);
}
