/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-cli-migrate.c: driftkoll-server migrate, a SQLite server database moved to
 * PostgreSQL
 *
 * The source is read in one read transaction of its own (a consistent picture even if
 * a server still writes to it) and the target written in one PostgreSQL transaction
 * with COPY FROM STDIN, the fast path: either every row arrives and the counts and the
 * newest seq match the source's, or the transaction is rolled back and the target is as
 * it was. The tables and columns are the same in both backends
 * (dk-server-db-pg-schema.c), so rows move as they are, integer flags included.
 */

#define G_LOG_DOMAIN "dk-server-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dk-core.h"
#include "dk-server-cli-private.h"
#include "dk-server-db-pg-private.h"

/* How much COPY data is sent in one PQputCopyData call. */
#define COPY_CHUNK_SIZE (256 * 1024)
/* How long the target's tables may take to lock before migrate gives up (a server
 * still running on it holds them). */
#define LOCK_TIMEOUT "10s"

/* A table moved as it is: the same columns on both sides, read in @order. */
typedef struct {
  const char *name;
  const char *columns;
  const char *order;
} Table;

/* Parents before children (sessions refer to users). meta is moved apart: the target
 * keeps its own schema version. */
static const Table tables[] = {
  { "objects", "type, id, seq, revision, deleted, public, readers, owner, was_public, data, "
    "public_data", "seq" },
  { "counters", "name, value", "name" },
  { "routine_revisions", "routine_id, revision, data", "routine_id, revision" },
  { "users", "username, password_hash, roles, disabled, created_at", "username" },
  { "sessions", "token_hash, username, created_at, expires, last_contact_at", "token_hash" },
  { "mutations", "id, username, result, created_at", "id, username" },
  { "audit", "id, at, username, action, object_id, address, detail", "id" },
};

#define N_TABLES G_N_ELEMENTS (tables)

typedef struct {
  /* not owned */
  sqlite3    *source;
  PGconn     *conn;
  const char *source_display;
  const char *target_display;

  /* state */
  gboolean    progress;            /* stderr is a terminal: say how far it got */
  gint64      counts[N_TABLES];    /* rows of each table in the source */
  gint64      seq;                 /* the source's meta('seq') */
  gint64      max_seq;             /* the source's max(objects.seq) */
} Migration;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close)

/* ---- where ---- */

/* Drops "password=..." pairs from a '&'-separated URL query. */
static void
append_query_without_password (GString    *out,
                               const char *query)
{
  g_auto(GStrv) pairs = g_strsplit (query, "&", -1);
  gboolean first = TRUE;

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      if (g_str_has_prefix (pairs[i], "password="))
        continue;
      g_string_append (out, first ? "?" : "&");
      g_string_append (out, pairs[i]);
      first = FALSE;
    }
}

/* @location as it may be shown: never the password, from a URL's user info
 * ("postgresql://dk:secret@db/driftkoll"), its query ("?password=secret") or a
 * key=value string. */
static char *
dup_location_without_password (const char *location)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *scheme_end = strstr (location, "://");

  if (scheme_end != NULL)
    {
      const char *authority = scheme_end + 3;
      const char *authority_end = authority + strcspn (authority, "/?");
      const char *at = g_strrstr_len (authority, authority_end - authority, "@");
      const char *query = strchr (authority_end, '?');

      g_string_append_len (out, location, authority - location);
      if (at != NULL)
        {
          const char *colon = memchr (authority, ':', at - authority);

          g_string_append_len (out, authority, (colon != NULL ? colon : at) - authority);
          authority = at;
        }
      g_string_append_len (out, authority,
                           (query != NULL ? query : authority_end + strlen (authority_end))
                           - authority);
      if (query != NULL)
        append_query_without_password (out, query + 1);
      return g_string_free (g_steal_pointer (&out), FALSE);
    }
  else
    {
      PQconninfoOption *options = PQconninfoParse (location, NULL);

      if (options == NULL)
        return g_strdup (_("(a connection string that could not be read)"));

      for (PQconninfoOption *option = options; option->keyword != NULL; option++)
        {
          if (option->val == NULL || g_str_equal (option->keyword, "password"))
            continue;
          if (out->len > 0)
            g_string_append_c (out, ' ');
          if (option->val[0] == '\0' || strpbrk (option->val, " '\\") != NULL)
            {
              g_autofree char *escaped = g_strescape (option->val, NULL);

              g_string_append_printf (out, "%s='%s'", option->keyword, escaped);
            }
          else
            {
              g_string_append_printf (out, "%s=%s", option->keyword, option->val);
            }
        }
      PQconninfoFree (options);
      return g_string_free (g_steal_pointer (&out), FALSE);
    }
}

/* ---- the source ---- */

static gboolean
set_source_error (sqlite3     *source,
                  const char  *display,
                  GError     **error)
{
  g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, _("Could not read “%s”: %s"), display,
               sqlite3_errmsg (source));
  return FALSE;
}

/* The one number @sql gives. */
static gboolean
source_query_int64 (Migration   *m,
                    const char  *sql,
                    gint64      *value,
                    GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (m->source, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    return set_source_error (m->source, m->source_display, error);
  return TRUE;
}

/* A file that is there and begins as an SQLite file does; said before SQLite opens
 * it, in words a person understands. */
static gboolean
check_source_file (const char  *path,
                   const char  *display,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean is_sqlite;

  if (dk_server_db_read_file_header (path, &is_sqlite, &local_error) < 0)
    {
      g_set_error (error, DK_ERROR,
                   g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
                   ? DK_ERROR_NOT_FOUND : DK_ERROR_STORAGE,
                   _("Could not open “%s”: %s"), display, local_error->message);
      return FALSE;
    }
  if (!is_sqlite)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("“%s” is not a driftkoll-server database (not an SQLite file)"), display);
      return FALSE;
    }
  return TRUE;
}

/* Whether the source is a driftkoll-server database of this very schema: older ones
 * are brought up to date by the server itself, not here (the source stays read-only). */
static gboolean
check_source_schema (Migration   *m,
                     GError     **error)
{
  gint64 version = 0;
  gint64 application_id = 0;
  gint64 n_tables = 0;

  if (!source_query_int64 (m, "PRAGMA user_version", &version, error) ||
      !source_query_int64 (m, "PRAGMA application_id", &application_id, error) ||
      !source_query_int64 (m,
                           "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
                           " ('meta', 'objects', 'counters', 'routine_revisions', 'users',"
                           " 'sessions', 'mutations', 'audit')",
                           &n_tables, error))
    return FALSE;

  if (application_id != 0 || version == 0 || n_tables != N_TABLES + 1)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("“%s” is not a driftkoll-server database (an SQLite database of another "
                     "program, or an empty one)"), m->source_display);
      return FALSE;
    }
  if (version > DK_SERVER_DB_SCHEMA_VERSION)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("“%s” was written by a newer driftkoll-server (schema %lld, this one knows "
                     "up to %d): migrate it with that version"),
                   m->source_display, (long long) version, DK_SERVER_DB_SCHEMA_VERSION);
      return FALSE;
    }
  if (version < DK_SERVER_DB_SCHEMA_VERSION)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("“%s” has schema %lld, this driftkoll-server moves schema %d: run the "
                     "current server once on it first (“driftkoll-server user list --db %s” "
                     "brings it up to date), then migrate"),
                   m->source_display, (long long) version, DK_SERVER_DB_SCHEMA_VERSION,
                   m->source_display);
      return FALSE;
    }
  return TRUE;
}

/* Opens @path read-only; a missing file or one that is not ours is refused with words
 * that say so. */
static sqlite3 *
open_source (const char  *path,
             const char  *display,
             GError     **error)
{
  g_autoptr(sqlite3) source = NULL;
  int rc;

  if (!check_source_file (path, display, error))
    return NULL;

  rc = sqlite3_open_v2 (path, &source, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, _("Could not open “%s”: %s"), display,
                   source != NULL ? sqlite3_errmsg (source) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_busy_timeout (source, 5000);

  return g_steal_pointer (&source);
}

/* The counts and seqs the target must have at the end, inside the read transaction
 * the rows are then read in. */
static gboolean
read_source_figures (Migration  *m,
                     GError    **error)
{
  for (guint i = 0; i < N_TABLES; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i].name);

      if (!source_query_int64 (m, sql, &m->counts[i], error))
        return FALSE;
    }

  return source_query_int64 (m, "SELECT value FROM meta WHERE key = 'seq'", &m->seq, error) &&
         source_query_int64 (m, "SELECT coalesce(max(seq), 0) FROM objects", &m->max_seq,
                             error);
}

/* ---- the target ---- */

static gboolean
set_target_error (Migration   *m,
                  const char  *message,
                  const char  *what,
                  GError     **error)
{
  g_autofree char *detail = g_strchomp (g_strdup (message));

  g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, "%s (%s): %s", what, m->target_display,
               detail);
  return FALSE;
}

/* The server's own words for a failed statement: its message and its detail, without
 * the "ERROR:" and the statement's text that PQresultErrorMessage () adds. */
static gboolean
set_result_error (Migration       *m,
                  const PGresult  *result,
                  const char      *what,
                  GError         **error)
{
  const char *primary = result != NULL ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY)
                                       : NULL;
  const char *detail = result != NULL ? PQresultErrorField (result, PG_DIAG_MESSAGE_DETAIL)
                                      : NULL;
  g_autofree char *message = NULL;

  if (primary == NULL)
    return set_target_error (m, PQerrorMessage (m->conn), what, error);

  message = detail != NULL ? g_strdup_printf ("%s (%s)", primary, detail) : g_strdup (primary);
  return set_target_error (m, message, what, error);
}

/* Runs @sql with text @params on the target; NULL with @error set, saying @what failed,
 * unless it went well. */
static PGresult *
target_exec (Migration          *m,
             const char         *sql,
             int                 n_params,
             const char * const *params,
             const char         *what,
             GError            **error)
{
  g_autoptr(PGresult) result = NULL;
  ExecStatusType status;

  result = PQexecParams (m->conn, sql, n_params, NULL, params, NULL, NULL, 0);
  status = PQresultStatus (result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      set_result_error (m, result, what, error);
      return NULL;
    }
  return g_steal_pointer (&result);
}

static gboolean
target_run (Migration   *m,
            const char  *sql,
            const char  *what,
            GError     **error)
{
  g_autoptr(PGresult) result = target_exec (m, sql, 0, NULL, what, error);

  return result != NULL;
}

/* Writers on the target (a server left running on it) wait, or migrate gives up after
 * LOCK_TIMEOUT rather than hang; readers go on. */
static gboolean
lock_target (Migration  *m,
             gboolean    replace,
             GError    **error)
{
  /* TRUNCATE takes ACCESS EXCLUSIVE anyway: take it at once, not as an upgrade. */
  const char *sql = replace
    ? "LOCK TABLE meta, objects, counters, routine_revisions, users, sessions, mutations,"
      " audit, login_throttle IN ACCESS EXCLUSIVE MODE"
    : "LOCK TABLE meta, objects, counters, routine_revisions, users, sessions, mutations,"
      " audit, login_throttle IN EXCLUSIVE MODE";
  g_autoptr(PGresult) result = NULL;

  if (!target_run (m, "SET LOCAL lock_timeout = '" LOCK_TIMEOUT "'",
                   _("Could not set a lock timeout"), error))
    return FALSE;

  result = PQexec (m->conn, sql);
  if (PQresultStatus (result) == PGRES_COMMAND_OK)
    return TRUE;

  /* 55P03 lock_not_available: someone else holds them. */
  if (g_strcmp0 (PQresultErrorField (result, PG_DIAG_SQLSTATE), "55P03") == 0)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("The tables of %s stayed in use for %s; is a driftkoll-server running on "
                     "it? Stop it and migrate again"), m->target_display, LOCK_TIMEOUT);
      return FALSE;
    }
  return set_result_error (m, result, _("Could not lock the target’s tables"), error);
}

/* Whether the target holds nothing of a server yet; says what it holds otherwise. */
static gboolean
check_target_empty (Migration  *m,
                    GError    **error)
{
  g_autoptr(PGresult) result = NULL;
  gint64 n_objects, n_users, seq;
  gboolean other;

  result = target_exec (m,
                        "SELECT (SELECT count(*) FROM objects), (SELECT count(*) FROM users),"
                        " (SELECT coalesce(max(value), 0) FROM meta WHERE key = 'seq'),"
                        " EXISTS (SELECT 1 FROM counters) OR EXISTS (SELECT 1 FROM routine_revisions)"
                        " OR EXISTS (SELECT 1 FROM sessions) OR EXISTS (SELECT 1 FROM mutations)"
                        " OR EXISTS (SELECT 1 FROM audit)",
                        0, NULL, _("Could not read what the target holds"), error);
  if (result == NULL)
    return FALSE;

  n_objects = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  n_users = g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10);
  seq = g_ascii_strtoll (PQgetvalue (result, 0, 2), NULL, 10);
  other = g_str_equal (PQgetvalue (result, 0, 3), "t");

  if (n_objects == 0 && n_users == 0 && seq == 0 && !other)
    return TRUE;

  g_set_error (error, DK_ERROR, DK_ERROR_CONFLICT,
               _("%s already holds a driftkoll-server database (objects: %lld, users: %lld, "
                 "changes up to %lld); migrate left it as it is. Add --replace to empty it "
                 "and copy over it"),
               m->target_display, (long long) n_objects, (long long) n_users, (long long) seq);
  return FALSE;
}

/* Empties every table, inside the migration's transaction: a failure later brings the
 * old rows back. The target keeps its schema version. */
static gboolean
empty_target (Migration  *m,
              GError    **error)
{
  return target_run (m,
                     "TRUNCATE objects, counters, routine_revisions, users, sessions, mutations,"
                     " audit, login_throttle RESTART IDENTITY",
                     _("Could not empty the target"), error) &&
         target_run (m, "DELETE FROM meta WHERE key NOT IN ('seq', 'schema_version')",
                     _("Could not empty the target"), error) &&
         target_run (m, "UPDATE meta SET value = 0 WHERE key = 'seq'",
                     _("Could not empty the target"), error);
}

/* ---- copying ---- */

/* One value in COPY's text format: \N for NULL, text with backslash escapes. */
static void
append_copy_value (GString      *out,
                   sqlite3_stmt *stmt,
                   int           column)
{
  switch (sqlite3_column_type (stmt, column))
    {
    case SQLITE_NULL:
      g_string_append (out, "\\N");
      break;

    case SQLITE_INTEGER:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, column));
      break;

    case SQLITE_FLOAT:
      {
        char number[G_ASCII_DTOSTR_BUF_SIZE];

        g_string_append (out, g_ascii_dtostr (number, sizeof number,
                                              sqlite3_column_double (stmt, column)));
      }
      break;

    default:
      {
        const char *text = (const char *) sqlite3_column_text (stmt, column);
        int length = sqlite3_column_bytes (stmt, column);

        for (int i = 0; i < length; i++)
          {
            switch (text[i])
              {
              case '\\': g_string_append (out, "\\\\"); break;
              case '\t': g_string_append (out, "\\t"); break;
              case '\n': g_string_append (out, "\\n"); break;
              case '\r': g_string_append (out, "\\r"); break;
              default: g_string_append_c (out, text[i]); break;
              }
          }
      }
      break;
    }
}

static void
print_progress (const char *table,
                gint64      done,
                gint64      total,
                gboolean    finished)
{
  /* Back to the start of the line: the next figures overwrite these. */
  g_printerr ("\r");
  /* Translators: progress of migrate on a terminal, a table and its rows copied so far:
   * "  objects            45000 of 100000" */
  g_printerr (_("  %-18s %lld of %lld"), table, (long long) done, (long long) total);
  if (finished)
    g_printerr ("\n");
}

/* Ends a COPY that failed on our side, so the connection can roll back. */
static void
abort_copy (Migration *m)
{
  PGresult *result;

  PQputCopyEnd (m->conn, "driftkoll-server migrate stopped");
  while ((result = PQgetResult (m->conn)) != NULL)
    PQclear (result);
}

/* Sends what @buffer holds; FALSE with @error set when the connection refused it. */
static gboolean
flush_copy (Migration   *m,
            GString     *buffer,
            const char  *what,
            GError     **error)
{
  if (buffer->len == 0)
    return TRUE;
  if (PQputCopyData (m->conn, buffer->str, (int) buffer->len) != 1)
    return set_target_error (m, PQerrorMessage (m->conn), what, error);
  g_string_truncate (buffer, 0);
  return TRUE;
}

/* Reads the rows of table @i from the source and sends them as COPY data. */
static gboolean
send_rows (Migration   *m,
           guint        i,
           const char  *what,
           GError     **error)
{
  g_autoptr(GString) buffer = g_string_sized_new (COPY_CHUNK_SIZE + 4096);
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM %s ORDER BY %s", tables[i].columns,
                                          tables[i].name, tables[i].order);
  sqlite3_stmt *stmt = NULL;
  gint64 done = 0;
  gint64 last_shown = 0;
  int n_columns;
  int rc;

  if (sqlite3_prepare_v2 (m->source, sql, -1, &stmt, NULL) != SQLITE_OK)
    return set_source_error (m->source, m->source_display, error);
  n_columns = sqlite3_column_count (stmt);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (int column = 0; column < n_columns; column++)
        {
          if (column > 0)
            g_string_append_c (buffer, '\t');
          append_copy_value (buffer, stmt, column);
        }
      g_string_append_c (buffer, '\n');
      done++;

      if (buffer->len >= COPY_CHUNK_SIZE && !flush_copy (m, buffer, what, error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
      if (m->progress && done - last_shown >= 5000)
        {
          print_progress (tables[i].name, done, m->counts[i], FALSE);
          last_shown = done;
        }
    }
  if (rc != SQLITE_DONE)
    {
      set_source_error (m->source, m->source_display, error);
      sqlite3_finalize (stmt);
      return FALSE;
    }
  sqlite3_finalize (stmt);

  if (m->progress)
    print_progress (tables[i].name, done, m->counts[i], TRUE);

  return flush_copy (m, buffer, what, error);
}

/* COPY table @i FROM STDIN; its rows from the source. */
static gboolean
copy_table (Migration  *m,
            guint       i,
            GError    **error)
{
  g_autofree char *what = g_strdup_printf (_("Could not copy the table “%s”"), tables[i].name);
  g_autofree char *sql = g_strdup_printf ("COPY %s (%s) FROM STDIN", tables[i].name,
                                          tables[i].columns);
  g_autoptr(PGresult) started = NULL;
  g_autoptr(PGresult) finished = NULL;
  PGresult *extra;
  gboolean ok;

  started = PQexec (m->conn, sql);
  if (PQresultStatus (started) != PGRES_COPY_IN)
    return set_result_error (m, started, what, error);

  if (!send_rows (m, i, what, error))
    {
      abort_copy (m);
      return FALSE;
    }

  if (PQputCopyEnd (m->conn, NULL) != 1)
    {
      set_target_error (m, PQerrorMessage (m->conn), what, error);
      abort_copy (m);
      return FALSE;
    }

  /* The server checks the rows (keys, types, encoding) at the end of the COPY. */
  finished = PQgetResult (m->conn);
  ok = PQresultStatus (finished) == PGRES_COMMAND_OK;
  if (!ok)
    set_result_error (m, finished, what, error);
  while ((extra = PQgetResult (m->conn)) != NULL)
    PQclear (extra);

  return ok;
}

/* meta('seq') and whatever else the source keeps in meta; not the target's own schema
 * version. */
static gboolean
copy_meta (Migration  *m,
           GError    **error)
{
  g_autofree char *what = g_strdup_printf (_("Could not copy the table “%s”"), "meta");
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (m->source, "SELECT key, value FROM meta WHERE key != 'schema_version'",
                          -1, &stmt, NULL) != SQLITE_OK)
    return set_source_error (m->source, m->source_display, error);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                (gint64) sqlite3_column_int64 (stmt, 1));
      const char *params[] = { (const char *) sqlite3_column_text (stmt, 0), value };
      g_autoptr(PGresult) result = NULL;

      result = target_exec (m,
                            "INSERT INTO meta (key, value) VALUES ($1, $2::bigint)"
                            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            2, params, what, error);
      if (result == NULL)
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return set_source_error (m->source, m->source_display, error);
  return TRUE;
}

/* The audit ids were copied as they are: new entries continue above the highest. */
static gboolean
continue_audit_ids (Migration  *m,
                    GError    **error)
{
  return target_run (m,
                     "SELECT setval (pg_get_serial_sequence ('audit', 'id'),"
                     " coalesce (max (id), 0) + 1, false) FROM audit",
                     _("Could not set the next audit id"), error);
}

/* What arrived is what was read: every table's count, the newest seq of the objects and
 * of meta. Checked before COMMIT, so a mismatch leaves nothing behind. */
static gboolean
verify_target (Migration  *m,
               GError    **error)
{
  const char *what = _("Could not check the copy");

  for (guint i = 0; i < N_TABLES; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i].name);
      g_autoptr(PGresult) result = target_exec (m, sql, 0, NULL, what, error);
      gint64 count;

      if (result == NULL)
        return FALSE;
      count = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
      if (count != m->counts[i])
        {
          g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                       _("The copy of the table “%s” does not hold as many rows as the source "
                         "(%lld, not %lld); nothing was kept"),
                       tables[i].name, (long long) count, (long long) m->counts[i]);
          return FALSE;
        }
    }

  {
    g_autoptr(PGresult) result = NULL;
    gint64 seq, max_seq;

    result = target_exec (m,
                          "SELECT (SELECT value FROM meta WHERE key = 'seq'),"
                          " (SELECT coalesce(max(seq), 0) FROM objects)",
                          0, NULL, what, error);
    if (result == NULL)
      return FALSE;
    seq = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
    max_seq = g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10);
    if (seq != m->seq || max_seq != m->max_seq)
      {
        g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                     _("The copy ends at change %lld (newest object %lld), the source at %lld "
                       "(newest object %lld); nothing was kept"),
                     (long long) seq, (long long) max_seq, (long long) m->seq,
                     (long long) m->max_seq);
        return FALSE;
      }
  }

  return TRUE;
}

/* Everything, in the one transaction the caller opened. */
static gboolean
copy_everything (Migration  *m,
                 gboolean    replace,
                 GError    **error)
{
  g_autofree char *seq_text = NULL;
  const char *params[2];
  g_autoptr(PGresult) notified = NULL;

  if (!lock_target (m, replace, error))
    return FALSE;
  if (replace ? !empty_target (m, error) : !check_target_empty (m, error))
    return FALSE;

  for (guint i = 0; i < N_TABLES; i++)
    if (!copy_table (m, i, error))
      return FALSE;

  if (!copy_meta (m, error) || !continue_audit_ids (m, error) || !verify_target (m, error))
    return FALSE;

  /* Instances already listening (there should be none) pull at once. */
  seq_text = g_strdup_printf ("%" G_GINT64_FORMAT, m->seq);
  params[0] = DK_SERVER_DB_PG_CHANNEL;
  params[1] = seq_text;
  notified = target_exec (m, "SELECT pg_notify ($1, $2)", 2, params,
                          _("Could not notify the target’s listeners"), error);
  return notified != NULL;
}

static gboolean
migrate (Migration  *m,
         gboolean    replace,
         GError    **error)
{
  char *source_error = NULL;

  /* One read transaction on the source: counts and rows from the same moment. */
  if (sqlite3_exec (m->source, "BEGIN DEFERRED", NULL, NULL, &source_error) != SQLITE_OK)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, _("Could not read “%s”: %s"),
                   m->source_display, source_error);
      sqlite3_free (source_error);
      return FALSE;
    }

  if (!read_source_figures (m, error))
    return FALSE;

  if (!target_run (m, "BEGIN ISOLATION LEVEL READ COMMITTED",
                   _("Could not begin a transaction"), error))
    return FALSE;

  if (!copy_everything (m, replace, error) ||
      !target_run (m, "COMMIT", _("Could not commit the copy"), error))
    {
      if (PQtransactionStatus (m->conn) != PQTRANS_IDLE)
        PQclear (PQexec (m->conn, "ROLLBACK"));
      return FALSE;
    }

  return TRUE;
}

static void
print_summary (Migration *m,
               double     seconds)
{
  /* Translators: "Migrated /srv/dk.db to postgresql://db/driftkoll in 3.20 s; changes
   * up to 100600:" followed by one line per table and its number of rows */
  g_print (_("Migrated %s to %s in %.2f s; changes up to %lld:\n"), m->source_display,
           m->target_display, seconds, (long long) m->seq);
  for (guint i = 0; i < N_TABLES; i++)
    g_print ("  %-18s %10lld\n", tables[i].name, (long long) m->counts[i]);
}

/* ---- the command ---- */

int
_dk_server_cli_run_migrate (const char  *program,
                            int          argc,
                            char       **argv)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  gboolean replace = FALSE;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from,
      N_("The SQLite database of the server to move (read only)"), N_("FILE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to,
      N_("The PostgreSQL database: postgresql://… or postgres://… URL, or a libpq "
         "key=value string"), N_("URL") },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace,
      N_("Empty a target that already holds data and copy over it"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(sqlite3) source = NULL;
  g_autoptr(DkServerDb) target = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *source_display = NULL;
  g_autofree char *target_display = NULL;
  Migration m = { 0 };
  gint64 start;
  int status;

  status = _dk_server_cli_parse_command (program, NULL,
                                         _("Moves a server’s SQLite database to PostgreSQL in "
                                           "one transaction: objects with their change numbers, "
                                           "users, sessions (logins stay valid), mutation "
                                           "answers, routine revisions and the audit log. The "
                                           "target must be empty unless --replace is given; on "
                                           "any failure it is left as it was. Stop the server "
                                           "first: what it writes meanwhile is not moved."),
                                         entries, 0, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;

  if (from == NULL || from[0] == '\0')
    return _dk_server_cli_usage_error (program, _("--from FILE is required"));
  if (to == NULL || to[0] == '\0')
    return _dk_server_cli_usage_error (program, _("--to URL is required"));
  if (!_dk_server_db_location_is_pg (to))
    return _dk_server_cli_usage_error (program,
                                       _("--to must name a PostgreSQL database: a "
                                         "postgresql:// or postgres:// URL, or a key=value "
                                         "string such as “host=/run/postgresql "
                                         "dbname=driftkoll”"));

  source_display = g_filename_display_name (from);
  target_display = dup_location_without_password (to);

  source = open_source (from, source_display, &error);
  if (source == NULL)
    return _dk_server_cli_report_failure (program, error);
  m.source = source;
  m.source_display = source_display;
  m.target_display = target_display;
  m.progress = isatty (STDERR_FILENO);
  /* Before the target is touched at all. */
  if (!check_source_schema (&m, &error))
    return _dk_server_cli_report_failure (program, error);

  /* Creates the schema in an empty database, checks the version of an existing one. */
  target = dk_server_db_open (to, &error);
  if (target == NULL)
    return _dk_server_cli_report_failure (program, error);

  m.conn = _dk_server_db_pg_get_conn (target);

  start = g_get_monotonic_time ();
  if (!migrate (&m, replace, &error))
    return _dk_server_cli_report_failure (program, error);

  print_summary (&m, (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  return DK_SERVER_CLI_EXIT_OK;
}
