/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-db.c: the server's storage in one SQLite file */

#define G_LOG_DOMAIN "dk-server-db"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "dk-enums.h"
#include "dk-error.h"
#include "dk-server-db-pg-private.h"

#define OBJECT_COLUMNS "type, id, data, seq, revision, deleted, public, readers, owner"
#define CHANGES_COLUMNS \
  "SELECT seq, type, id, deleted, public, was_public, data, public_data FROM objects "

static const char * const stmt_sql[N_STMTS] = {
  [STMT_BUMP_SEQ] =
    "UPDATE meta SET value = value + 1 WHERE key = 'seq' RETURNING value",
  [STMT_LAST_SEQ] =
    "SELECT value FROM meta WHERE key = 'seq'",
  [STMT_PUT_OBJECT] =
    "INSERT INTO objects (type, id, seq, revision, deleted, public, readers, owner,"
    "                     was_public, data, public_data)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?11)"
    " ON CONFLICT (type, id) DO UPDATE SET"
    "   seq = excluded.seq, revision = excluded.revision, deleted = excluded.deleted,"
    "   data = excluded.data, public_data = excluded.public_data,"
    /* ?10: keep the stored visibility. Every right side reads the old row. */
    "   was_public = CASE WHEN ?10 != 0 THEN objects.was_public"
    "                     WHEN excluded.public != 0 THEN 0"
    "                     WHEN objects.public != 0 OR objects.was_public != 0 THEN 1"
    "                     ELSE 0 END,"
    "   public = CASE WHEN ?10 != 0 THEN objects.public ELSE excluded.public END,"
    "   readers = CASE WHEN ?10 != 0 THEN objects.readers ELSE excluded.readers END,"
    "   owner = CASE WHEN ?10 != 0 THEN objects.owner ELSE excluded.owner END",
  [STMT_GET_OBJECT] =
    "SELECT " OBJECT_COLUMNS " FROM objects WHERE type = ?1 AND id = ?2",
  [STMT_LIST_OBJECTS] =
    "SELECT " OBJECT_COLUMNS " FROM objects"
    " WHERE type = ?1 AND deleted = 0 AND (?2 = 0 OR public != 0) ORDER BY id",
  [STMT_CHANGES_ANONYMOUS] =
    CHANGES_COLUMNS
    " WHERE seq > ?1 AND seq <= ?2 AND (public != 0 OR was_public != 0)"
    " ORDER BY seq LIMIT ?3",
  [STMT_CHANGES_VIEWER] =
    CHANGES_COLUMNS
    " WHERE seq > ?1 AND seq <= ?2 AND (public != 0 OR (readers & ?4) != 0 OR owner = ?5)"
    " ORDER BY seq LIMIT ?3",
  /* What a logged-in viewer sees that the staff snapshot does not hold. The first two
   * terms are the partial index objects_private_seq's, word for word, so that SQLite
   * uses it (1 = DK_ROLE_STAFF, asserted below): the rows it covers are a few per user,
   * not the whole table. */
  [STMT_CHANGES_PRIVATE] =
    CHANGES_COLUMNS
    " WHERE public = 0 AND (readers & 1) = 0 AND seq > ?1 AND seq <= ?2"
    " AND ((readers & ?4) != 0 OR owner = ?5)"
    " ORDER BY seq LIMIT ?3",
  [STMT_COUNT_SINCE] =
    "SELECT count(*) FROM objects WHERE seq > ?1",
  [STMT_NEXT_NUMBER] =
    "INSERT INTO counters (name, value) VALUES (?1, 1001)"
    " ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
  [STMT_IS_EMPTY] =
    "SELECT NOT EXISTS (SELECT 1 FROM users) AND NOT EXISTS (SELECT 1 FROM objects)",
  [STMT_PUT_ROUTINE_REVISION] =
    "INSERT INTO routine_revisions (routine_id, revision, data) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (routine_id, revision) DO UPDATE SET data = excluded.data",
  [STMT_GET_ROUTINE_REVISION] =
    "SELECT data FROM routine_revisions WHERE routine_id = ?1 AND revision = ?2",
  [STMT_LATEST_ROUTINE_REVISION] =
    "SELECT COALESCE (MAX (revision), 0) FROM routine_revisions WHERE routine_id = ?1",
  [STMT_LIST_ROUTINE_REVISIONS] =
    "SELECT data FROM routine_revisions WHERE routine_id = ?1 ORDER BY revision",
  [STMT_ADD_USER] =
    "INSERT INTO users (username, password_hash, roles, disabled, created_at)"
    " VALUES (?1, ?2, ?3, 0, ?4) ON CONFLICT (username) DO NOTHING",
  [STMT_SET_PASSWORD] =
    "UPDATE users SET password_hash = ?2 WHERE username = ?1",
  [STMT_SET_DISABLED] =
    "UPDATE users SET disabled = ?2 WHERE username = ?1",
  [STMT_SET_ROLES] =
    "UPDATE users SET roles = ?2 WHERE username = ?1",
  [STMT_GET_USER] =
    "SELECT username, password_hash, roles, disabled, created_at FROM users"
    " WHERE username = ?1",
  [STMT_LIST_USERS] =
    "SELECT username, password_hash, roles, disabled, created_at FROM users"
    " ORDER BY username",
  [STMT_ADD_SESSION] =
    "INSERT INTO sessions (token_hash, username, created_at, expires)"
    " VALUES (?1, ?2, ?3, ?4)",
  [STMT_LOOKUP_SESSION] =
    "SELECT s.username, s.expires FROM sessions s JOIN users u ON u.username = s.username"
    " WHERE s.token_hash = ?1 AND s.expires > ?2 AND u.disabled = 0",
  [STMT_DELETE_SESSION] =
    "DELETE FROM sessions WHERE token_hash = ?1",
  [STMT_DELETE_USER_SESSIONS] =
    "DELETE FROM sessions WHERE username = ?1",
  [STMT_GET_SESSION_CONTACT] =
    "SELECT created_at, last_contact_at FROM sessions WHERE token_hash = ?1",
  [STMT_NOTE_SESSION_CONTACT] =
    "UPDATE sessions SET last_contact_at = ?2"
    " WHERE token_hash = ?1 AND (last_contact_at IS NULL OR last_contact_at < ?2)",
  [STMT_GET_MUTATION] =
    "SELECT result FROM mutations WHERE id = ?1 AND username = ?2",
  [STMT_PUT_MUTATION] =
    "INSERT INTO mutations (id, username, result, created_at) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (id, username) DO NOTHING",
  [STMT_AUDIT] =
    "INSERT INTO audit (at, username, action, object_id, address, detail)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [STMT_LIST_AUDIT] =
    "SELECT at, username, action, object_id, address, detail FROM audit"
    " ORDER BY id DESC LIMIT ?1",
};

/* Schema migrations: entry N brings user_version from N to N + 1. */
static const char * const migrations[] = {
  /* 0 → 1 */
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY,"
  "  value INTEGER NOT NULL"
  ");"
  "INSERT INTO meta (key, value) VALUES ('seq', 0);"
  "CREATE TABLE objects ("
  "  type       TEXT NOT NULL,"
  "  id         TEXT NOT NULL,"
  "  seq        INTEGER NOT NULL UNIQUE,"
  "  revision   INTEGER NOT NULL DEFAULT 0,"
  "  deleted    INTEGER NOT NULL DEFAULT 0,"
  "  public     INTEGER NOT NULL DEFAULT 0,"
  "  readers    INTEGER NOT NULL DEFAULT 0,"
  "  owner      TEXT,"
  "  was_public INTEGER NOT NULL DEFAULT 0,"
  "  data       TEXT,"
  "  PRIMARY KEY (type, id)"
  ");"
  "CREATE TABLE counters ("
  "  name  TEXT PRIMARY KEY,"
  "  value INTEGER NOT NULL"
  ");"
  "CREATE TABLE routine_revisions ("
  "  routine_id TEXT NOT NULL,"
  "  revision   INTEGER NOT NULL,"
  "  data       TEXT NOT NULL,"
  "  PRIMARY KEY (routine_id, revision)"
  ");"
  "CREATE TABLE users ("
  "  username      TEXT PRIMARY KEY,"
  "  password_hash TEXT NOT NULL,"
  "  roles         INTEGER NOT NULL DEFAULT 0,"
  "  disabled      INTEGER NOT NULL DEFAULT 0,"
  "  created_at    INTEGER NOT NULL"
  ");"
  "CREATE TABLE sessions ("
  "  token_hash TEXT PRIMARY KEY,"
  "  username   TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL,"
  "  expires    INTEGER NOT NULL"
  ");"
  "CREATE INDEX sessions_username ON sessions (username);"
  /* username '' is an anonymous caller; ids are scoped per user so that one user
   * can never read or block another's answers. */
  "CREATE TABLE mutations ("
  "  id         TEXT NOT NULL,"
  "  username   TEXT NOT NULL DEFAULT '',"
  "  result     TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (id, username)"
  ");"
  "CREATE TABLE audit ("
  "  id        INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  at        INTEGER NOT NULL,"
  "  username  TEXT,"
  "  action    TEXT NOT NULL,"
  "  object_id TEXT,"
  "  address   TEXT,"
  "  detail    TEXT"
  ");",
  /* 1 → 2: what anonymous callers get of an object, when it is less than data (a
   * public case without its internal members); NULL: data itself. */
  "ALTER TABLE objects ADD COLUMN public_data TEXT;",
  /* 2 → 3: when the session's client last had the server's changes (a pull answered),
   * the floor of the times its offline acts may claim (dk-server-mutations.h); NULL
   * until its first pull. */
  "ALTER TABLE sessions ADD COLUMN last_contact_at INTEGER;",
  /* 3 → 4: the rows a snapshot's class does not hold (GET /changes?base=S pages them
   * for one user); public rows and those every logged-in user reads are left out. */
  "CREATE INDEX IF NOT EXISTS objects_private_seq ON objects (seq)"
  " WHERE public = 0 AND (readers & 1) = 0;",
};

G_STATIC_ASSERT (DK_ROLE_STAFF == 1);

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == DK_SERVER_DB_SCHEMA_VERSION);

G_DEFINE_FINAL_TYPE (DkServerDb, dk_server_db, G_TYPE_OBJECT)

gint64
_dk_server_db_now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
set_error_from_code (GError     **error,
                     int          code,
                     const char  *message,
                     const char  *what)
{
  switch (code & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("%s: the disk is full (%s)"), what, message);
      break;
    case SQLITE_READONLY:
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("%s: the database or the folder it is in cannot be written (%s)"),
                   what, message);
      break;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("%s: the database file is damaged or not a database (%s)"),
                   what, message);
      break;
    default:
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, "%s: %s", what, message);
      break;
    }
}

gboolean
_dk_server_db_set_sqlite_error (DkServerDb  *self,
                                GError     **error,
                                int          code,
                                const char  *what)
{
  g_assert (DK_IS_SERVER_DB (self));

  set_error_from_code (error, code, sqlite3_errmsg (self->db), what);
  return FALSE;
}

static gboolean
exec_sql (DkServerDb  *self,
          const char  *sql,
          GError     **error)
{
  int rc;

  g_assert (DK_IS_SERVER_DB (self));

  rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *what = NULL;

      if (strlen (sql) > 48)
        what = g_strdup_printf (_("Could not run “%.40s…”"), sql);
      else
        what = g_strdup_printf (_("Could not run “%s”"), sql);
      return _dk_server_db_set_sqlite_error (self, error, rc, what);
    }
  return TRUE;
}

/* The cached statement @id, ready to bind; released by g_autoptr(DkCachedStmt). */
DkCachedStmt *
_dk_server_db_get_stmt (DkServerDb  *self,
                        StmtId       id,
                        GError     **error)
{
  g_assert (DK_IS_SERVER_DB (self));
  g_assert (id < N_STMTS);

  if (self->stmts[id] == NULL)
    {
      int rc = sqlite3_prepare_v3 (self->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                   &self->stmts[id], NULL);
      if (rc != SQLITE_OK)
        {
          _dk_server_db_set_sqlite_error (self, error, rc, _("Could not prepare a query"));
          g_clear_pointer (&self->stmts[id], sqlite3_finalize);
          return NULL;
        }
    }

  return self->stmts[id];
}

/* Steps a statement that returns no row (or whose rows do not matter). */
gboolean
_dk_server_db_step_done (DkServerDb    *self,
                         sqlite3_stmt  *stmt,
                         const char    *what,
                         GError       **error)
{
  int rc;

  g_assert (DK_IS_SERVER_DB (self));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    return _dk_server_db_set_sqlite_error (self, error, rc, what);
  return TRUE;
}

void
_dk_server_db_bind_text (sqlite3_stmt *stmt,
                         int           index,
                         const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

char *
_dk_server_db_column_strdup (sqlite3_stmt *stmt,
                             int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Appends @text as a JSON string. Invalid UTF-8 is replaced, control characters and
 * the JavaScript line separators are escaped. */
void
_dk_server_db_append_json_string (GString    *out,
                                  const char *text)
{
  g_autofree char *valid = NULL;
  const char *run;
  const char *p;

  if (text == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  g_string_append_c (out, '"');
  run = text;
  for (p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      const char *escape = NULL;
      char buf[8];
      gsize skip = 0;

      switch (c)
        {
        case '"': escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        default:
          if (c < 0x20 || c == 0x7f)
            {
              g_snprintf (buf, sizeof buf, "\\u%04x", c);
              escape = buf;
            }
          else if (c == 0xe2 && (guchar) p[1] == 0x80 &&
                   ((guchar) p[2] == 0xa8 || (guchar) p[2] == 0xa9))
            {
              escape = (guchar) p[2] == 0xa8 ? "\\u2028" : "\\u2029";
              skip = 2;
            }
          break;
        }

      if (escape != NULL)
        {
          g_string_append_len (out, run, p - run);
          g_string_append (out, escape);
          p += skip;
          run = p + 1;
        }
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

/**
 * dk_server_db_read_file_header:
 * @path: a file that may be an SQLite database
 * @is_sqlite: (out): whether it begins with SQLite's 16-byte header
 * @error: a #G_IO_ERROR from the file's errno when it cannot be read
 *
 * Looks at a file before SQLite does, so that a stray file is refused in words a person
 * understands instead of "file is not a database" after SQLite has touched it.
 *
 * Returns: how many bytes of the header it read (0 for an empty file), or -1 on @error
 */
gssize
dk_server_db_read_file_header (const char  *path,
                               gboolean    *is_sqlite,
                               GError     **error)
{
  static const char magic[16] = "SQLite format 3";
  char header[16];
  FILE *file;
  size_t n;

  g_return_val_if_fail (is_sqlite != NULL, -1);

  *is_sqlite = FALSE;
  file = g_fopen (path, "rb");
  if (file == NULL)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return -1;
    }
  n = fread (header, 1, sizeof header, file);
  fclose (file);

  *is_sqlite = n == sizeof header && memcmp (header, magic, sizeof header) == 0;
  return n;
}

/* Checks that an existing, non-empty file starts like an SQLite database, so that
 * a stray file is refused before SQLite sees it. */
static gboolean
check_file_is_database (const char  *path,
                        GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean is_sqlite;
  gssize n;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("“%s” is a folder, not a database file; it was left as it is"), path);
      return FALSE;
    }

  n = dk_server_db_read_file_header (path, &is_sqlite, &local_error);
  if (n < 0)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return TRUE;
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("Could not open the database “%s”: %s"), path, local_error->message);
      return FALSE;
    }

  if (n == 0)
    return TRUE;   /* an empty file is an empty database */
  if (!is_sqlite)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("“%s” is not a driftkoll-server database (not an SQLite file); "
                     "it was left as it is"), path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_user_version (DkServerDb  *self,
                   gint64      *version,
                   GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_assert (DK_IS_SERVER_DB (self));

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *version = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  if (rc != SQLITE_OK)
    _dk_server_db_set_sqlite_error (self, error, rc, _("Could not read the schema version"));
  sqlite3_finalize (stmt);

  return rc == SQLITE_OK;
}

static gboolean
migrate (DkServerDb  *self,
         GError     **error)
{
  gint64 version = 0;

  g_assert (DK_IS_SERVER_DB (self));

  if (!dk_server_db_begin (self, error))
    return FALSE;

  /* Read again under the write lock: another process may have migrated meanwhile. */
  if (!read_user_version (self, &version, error))
    goto failed;

  if (version > DK_SERVER_DB_SCHEMA_VERSION)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("“%s” was written by a newer driftkoll-server (schema %lld, this one knows "
                     "up to %d); it was left as it is"),
                   self->path, (long long) version, DK_SERVER_DB_SCHEMA_VERSION);
      goto failed;
    }

  for (; version < DK_SERVER_DB_SCHEMA_VERSION; version++)
    {
      g_autofree char *set_version = NULL;

      g_debug ("Migrating %s from schema %" G_GINT64_FORMAT, self->path, version);
      if (!exec_sql (self, migrations[version], error))
        goto failed;
      set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, version + 1);
      if (!exec_sql (self, set_version, error))
        goto failed;
    }

  if (dk_server_db_commit (self, error))
    return TRUE;

failed:
  dk_server_db_rollback (self);
  return FALSE;
}

static gboolean
open_database (DkServerDb  *self,
               GError     **error)
{
  g_autofree char *what = g_strdup_printf (_("Could not open the database “%s”"), self->path);
  gint64 version = 0;
  gint64 n_objects = 0;
  gint64 application_id = 0;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_assert (DK_IS_SERVER_DB (self));

  if (!check_file_is_database (self->path, error))
    return FALSE;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      if (self->db != NULL)
        return _dk_server_db_set_sqlite_error (self, error, rc, what);
      set_error_from_code (error, rc, sqlite3_errstr (rc), what);
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);
  /* Closing a refused file must not fold a leftover WAL into it. */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);

  /* Only reads until the version is known to be ours: a newer or damaged file must
   * stay exactly as it is. Counting the schema makes SQLite parse it. */
  if (!read_user_version (self, &version, error))
    return FALSE;
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT count(*), (SELECT application_id FROM pragma_application_id)"
                           " FROM sqlite_schema", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt) == SQLITE_ROW ? SQLITE_OK : sqlite3_errcode (self->db);
      if (rc == SQLITE_OK)
        {
          n_objects = sqlite3_column_int64 (stmt, 0);
          application_id = sqlite3_column_int64 (stmt, 1);
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return _dk_server_db_set_sqlite_error (self, error, rc, what);

  /* Ours never sets an application id and has a version once it has tables: anything
   * else is another program's database (a client's replica.db, say), not to be
   * migrated into. */
  if (application_id != 0 || (version == 0 && n_objects > 0))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("“%s” is not a driftkoll-server database (an SQLite database of "
                     "another program); it was left as it is"), self->path);
      return FALSE;
    }

  if (version > DK_SERVER_DB_SCHEMA_VERSION)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("“%s” was written by a newer driftkoll-server (schema %lld, this one knows "
                     "up to %d); it was left as it is"),
                   self->path, (long long) version, DK_SERVER_DB_SCHEMA_VERSION);
      return FALSE;
    }

  sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);

  /* WAL with FULL sync: a commit the server has answered for survives power loss. */
  rc = sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          const char *mode = (const char *) sqlite3_column_text (stmt, 0);

          if (g_strcmp0 (mode, "wal") != 0)
            g_warning ("%s: journal mode is %s, not wal", self->path, mode);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return _dk_server_db_set_sqlite_error (self, error, rc, what);

  if (!exec_sql (self,
                 "PRAGMA synchronous = FULL;"
                 "PRAGMA foreign_keys = ON;",
                 error))
    return FALSE;

  /* Current already: no write lock to take. A second connection (the snapshot
   * builder's) opens beside a busy writer without waiting for it. */
  if (version == DK_SERVER_DB_SCHEMA_VERSION)
    return TRUE;

  return migrate (self, error);
}

static void
dk_server_db_finalize (GObject *object)
{
  DkServerDb *self = (DkServerDb *) object;

  if (self->db != NULL)
    {
      if (self->depth > 0)
        {
          g_warning ("%s closed with %u open transaction(s); rolling back",
                     self->path, self->depth);
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
        }
      else if (self->reading && !sqlite3_get_autocommit (self->db))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
        }
      for (guint i = 0; i < N_STMTS; i++)
        g_clear_pointer (&self->stmts[i], sqlite3_finalize);
      if (sqlite3_close (self->db) != SQLITE_OK)
        g_warning ("Could not close %s: %s", self->path, sqlite3_errmsg (self->db));
      self->db = NULL;
    }
  _dk_server_db_pg_close (self);
  g_clear_pointer (&self->path, g_free);
  g_clear_object (&self->metrics);

  G_OBJECT_CLASS (dk_server_db_parent_class)->finalize (object);
}

static void
dk_server_db_class_init (DkServerDbClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dk_server_db_finalize;
}

static void
dk_server_db_init (DkServerDb *self)
{
}

/* ---- public API ---- */
/**
 * dk_server_db_open:
 * @path: the database file, created when missing; or a PostgreSQL location
 *   ("postgresql://…", "postgres://…" or libpq's "host=… dbname=…"), see
 *   dk-server-db-pg.c
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the open database
 */
DkServerDb *
dk_server_db_open (const char  *path,
                   GError     **error)
{
  g_autoptr(DkServerDb) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (DK_TYPE_SERVER_DB, NULL);
  self->path = g_strdup (path);

  if (_dk_server_db_location_is_pg (path))
    return _dk_server_db_pg_open (self, path, error) ? g_steal_pointer (&self) : NULL;

  if (!open_database (self, error))
    return NULL;

  /* Prepare the hot paths now, so a broken schema shows at once. */
  for (guint i = 0; i < N_STMTS; i++)
    if (_dk_server_db_get_stmt (self, i, error) == NULL)
      return NULL;

  return g_steal_pointer (&self);
}

/**
 * dk_server_db_is_empty:
 *
 * Returns: whether there are no users and no objects yet
 */
gboolean
dk_server_db_is_empty (DkServerDb *self)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_is_empty (self);

  stmt = _dk_server_db_get_stmt (self, STMT_IS_EMPTY, &error);
  if (stmt == NULL)
    {
      g_warning ("%s", error->message);
      return FALSE;
    }
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      g_warning ("Could not read %s: %s", self->path, sqlite3_errmsg (self->db));
      return FALSE;   /* when in doubt, not empty: init must not wipe it */
    }
  return sqlite3_column_int (stmt, 0) != 0;
}

/**
 * dk_server_db_begin:
 *
 * Opens a transaction, or a savepoint inside the open one.
 */
gboolean
dk_server_db_begin (DkServerDb  *self,
                    GError     **error)
{
  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);

  if (self->depth == 0)
    self->tx_start = dk_server_metrics_clock (self->metrics);
  if (self->pg != NULL)
    return _dk_server_db_pg_begin (self, error);

  if (self->depth > 0 && sqlite3_get_autocommit (self->db))
    {
      /* A savepoint now would start a new transaction that commits on its own. */
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("The transaction was rolled back by the database"));
      return FALSE;
    }

  if (self->reading)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("A write cannot begin inside a read transaction"));
      return FALSE;
    }

  if (self->depth == 0)
    {
      if (!exec_sql (self, "BEGIN IMMEDIATE", error))
        return FALSE;
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("SAVEPOINT sp_%u", self->depth);

      if (!exec_sql (self, sql, error))
        return FALSE;
    }

  self->depth++;
  return TRUE;
}

/**
 * dk_server_db_commit:
 *
 * Commits the innermost transaction. When that fails (a full disk, an I/O error) the
 * level stays open: the caller ends it with dk_server_db_rollback (), as it does when
 * its own work failed. Closing it here as well made that rollback one level too many:
 * a critical warning, or with savepoints the outer level rolled back under its owner.
 */
gboolean
dk_server_db_commit (DkServerDb  *self,
                     GError     **error)
{
  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);

  if (self->pg != NULL)
    {
      gboolean outermost = self->depth == 1;

      if (!_dk_server_db_pg_commit (self, error))
        return FALSE;
      if (outermost)
        dk_server_metrics_observe_db_since (self->metrics, DK_METRICS_DB_WRITE, self->tx_start);
      return TRUE;
    }

  if (sqlite3_get_autocommit (self->db))
    {
      /* SQLite rolled everything back already (a full disk, an I/O error); every level
       * still ends with its owner's rollback. */
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("The transaction was rolled back by the database: %s"),
                   sqlite3_errmsg (self->db));
      return FALSE;
    }

  if (self->depth == 1)
    {
      if (!exec_sql (self, "COMMIT", error))
        return FALSE;
      dk_server_metrics_observe_db_since (self->metrics, DK_METRICS_DB_WRITE, self->tx_start);
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("RELEASE sp_%u", self->depth - 1);

      if (!exec_sql (self, sql, error))
        return FALSE;
    }

  self->depth--;
  return TRUE;
}

/**
 * dk_server_db_rollback:
 *
 * Undoes the innermost transaction's work and closes it; also after its commit failed.
 */
void
dk_server_db_rollback (DkServerDb *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DK_IS_SERVER_DB (self));
  g_return_if_fail (self->depth > 0);

  if (self->depth == 1)
    dk_server_metrics_observe_db_since (self->metrics, DK_METRICS_DB_WRITE, self->tx_start);
  if (self->pg != NULL)
    {
      _dk_server_db_pg_rollback (self);
      return;
    }

  if (sqlite3_get_autocommit (self->db))
    {
      /* Nothing open any more: SQLite rolled back the whole transaction itself. */
      self->depth--;
      return;
    }

  if (self->depth == 1)
    {
      if (!exec_sql (self, "ROLLBACK", &error))
        g_warning ("%s", error->message);
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("ROLLBACK TO sp_%u; RELEASE sp_%u",
                                              self->depth - 1, self->depth - 1);

      if (!exec_sql (self, sql, &error))
        g_warning ("%s", error->message);
    }

  self->depth--;
}

/**
 * dk_server_db_begin_read:
 *
 * Opens a read transaction and takes its snapshot of the database now (a deferred
 * BEGIN would take it at the first read), so that what the caller reads next, over
 * many statements, is the database of one moment: a snapshot of every class at one
 * seq while the server goes on committing through its own connection. WAL lets the
 * writers go on; only a checkpoint waits for this reader.
 */
gboolean
dk_server_db_begin_read (DkServerDb  *self,
                         GError     **error)
{
  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (self->depth == 0 && !self->reading, FALSE);

  self->tx_start = dk_server_metrics_clock (self->metrics);
  if (self->pg != NULL)
    return _dk_server_db_pg_begin_read (self, error);

  if (!exec_sql (self, "BEGIN DEFERRED; SELECT value FROM meta WHERE key = 'seq'", error))
    return FALSE;

  self->reading = TRUE;
  return TRUE;
}

/**
 * dk_server_db_end_read:
 *
 * Ends the read transaction of dk_server_db_begin_read ().
 */
void
dk_server_db_end_read (DkServerDb *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DK_IS_SERVER_DB (self));
  g_return_if_fail (self->reading);

  dk_server_metrics_observe_db_since (self->metrics, DK_METRICS_DB_READ, self->tx_start);
  if (self->pg != NULL)
    {
      _dk_server_db_pg_end_read (self);
      return;
    }

  self->reading = FALSE;
  if (sqlite3_get_autocommit (self->db))
    return;   /* nothing open any more */
  if (!exec_sql (self, "COMMIT", &error))
    g_warning ("%s", error->message);
}

/**
 * dk_server_db_is_postgresql:
 *
 * Returns: whether the storage is a PostgreSQL database (else an SQLite file)
 */
gboolean
dk_server_db_is_postgresql (DkServerDb *self)
{
  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);

  return self->pg != NULL;
}

/**
 * dk_server_db_dup_pg_conninfo:
 *
 * The location the database was opened with, password included, for a second
 * connection of this process (the listener). Never to be logged or shown.
 *
 * Returns: (transfer full) (nullable): the connection string; %NULL on SQLite
 */
char *
dk_server_db_dup_pg_conninfo (DkServerDb *self)
{
  g_return_val_if_fail (DK_IS_SERVER_DB (self), NULL);

  return g_strdup (self->pg_conninfo);
}

/**
 * dk_server_db_ping:
 *
 * A cheap round trip to the database (SELECT 1), connecting again first when the
 * connection broke; always %TRUE on SQLite, whose file is always there to answer.
 *
 * Returns: whether the database answered
 */
gboolean
dk_server_db_ping (DkServerDb  *self,
                   GError     **error)
{
  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_ping (self, error);
  return TRUE;
}

/**
 * dk_server_db_get_location:
 *
 * Returns: the file, or the PostgreSQL location without its password, for messages
 */
const char *
dk_server_db_get_location (DkServerDb *self)
{
  g_return_val_if_fail (DK_IS_SERVER_DB (self), NULL);

  return self->path;
}
