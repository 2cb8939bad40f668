/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-db-pg.c: the server's storage in PostgreSQL: connection, schema,
 * statements and transactions
 *
 * Assumptions: PostgreSQL 12 or newer (GENERATED ... AS IDENTITY, ON CONFLICT, partial
 * indexes and pg_notify are older; 15 is what the tests run), a database of its own
 * (the tables live in the connection's current schema, normally public), a role that
 * may create tables in it for the first open.
 *
 * The seq, and why no pager ever skips a change
 * ---------------------------------------------
 * A pager asks for the changes after its cursor C and moves its cursor to the last seq
 * it was given. It skips a change for good if that change becomes visible later with
 * a seq at or below a cursor it already moved past. That happens with any counter that
 * hands out numbers before commit (a SEQUENCE's nextval, say): writer A takes 7, writer
 * B takes 8 and commits first, a pager reads 8 and moves to 8, then A commits 7: never
 * seen by that pager. tests/test-server-pg-seq.c finds exactly this with a sequence.
 *
 * Here every transaction that touches objects, counters or routine revisions, at its
 * first statement on them (_dk_server_db_pg_lock_seq), runs
 *   SELECT value FROM meta WHERE key = 'seq' FOR UPDATE
 * numbers its changes on from that value (self->pg_seq; a savepoint rolled back gives
 * its numbers back), and writes the newest one back with UPDATE just before COMMIT.
 * The row lock is held from then until COMMIT or ROLLBACK, so:
 *  - while a transaction holds numbers nobody else can take one: the numbers are
 *    handed out in the order the transactions commit (commit order = seq order);
 *  - a transaction that rolls back gives its numbers back (meta is never written);
 *  - so every committed state, and every snapshot a reader takes, holds exactly the
 *    seqs 1..meta('seq'): a prefix. A change that commits later always gets a number
 *    above every number a reader could have seen, on every instance.
 * (One UPDATE per transaction, not one per change: a transaction that updates one row
 * thousands of times, as an import does, makes PostgreSQL walk an ever longer chain of
 * that row's versions: quadratic.)
 *
 * Why at the first read of an object, not at the first seq: the rules read, check and
 * then write (a base revision, a case's state, a case number). Locked before the read,
 * such a transaction gives the rules what SQLite's BEGIN IMMEDIATE gave them: no other
 * instance's write between the check and the write. Locked only at the write, two
 * instances could both pass a revision check on the same case and the second write
 * would silently replace the first. Transactions that never touch objects (a login and
 * its audit row, the login throttle, a session's contact time) take no lock and never
 * wait behind a writer. Single statements outside a transaction take none either.
 * Writers of objects queue on one row; a mutation batch is a few milliseconds, which
 * is the ceiling of the region's write rate (bench/mutations-rate.sh measures it).
 *
 * A writer never waits long: the connection sets lock_timeout (LOCK_TIMEOUT), so a
 * writer behind a very long transaction (an import on another instance) gets
 * DK_ERROR_STORAGE "the database is busy" instead of freezing its main loop, and the
 * client tries again later. Long writes (import-cases) should commit in batches.
 *
 * The commit of a transaction that took a seq sends, with that UPDATE,
 *   pg_notify('driftkoll_changes', '<newest seq>')
 * which PostgreSQL delivers to the listeners of every instance at commit, in commit
 * order (dk-server-pg-listener.c).
 */

#define G_LOG_DOMAIN "dk-server-db"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dk-error.h"
#include "dk-server-db-pg-private.h"

/* The key of the advisory lock the first open takes while it creates the schema, so
 * that two instances starting together on an empty database do not both create it. */
#define SCHEMA_LOCK_KEY "7418330915"

/* How long a statement waits for a lock before it gives up (see the top). */
#define LOCK_TIMEOUT "10s"

/* What a savepoint keeps of the seq's state, given back when it is rolled back. A row
 * lock taken inside a savepoint goes with it in a rollback, so the lock state too. */
typedef struct {
  gint64   seq;
  gboolean locked;
} DkPgSeqState;

/* ---- locations ---- */

gboolean
_dk_server_db_location_is_pg (const char *location)
{
  PQconninfoOption *options;
  const char *equals;
  gboolean known = FALSE;
  g_autofree char *key = NULL;

  if (location == NULL)
    return FALSE;
  if (g_str_has_prefix (location, "postgresql://") || g_str_has_prefix (location, "postgres://"))
    return TRUE;

  /* key=value: the first word must be one of libpq's keywords, so that a file named
   * "a=b.db" stays a file. */
  equals = strchr (location, '=');
  if (equals == NULL)
    return FALSE;
  key = g_strstrip (g_strndup (location, equals - location));
  options = PQconndefaults ();
  for (PQconninfoOption *o = options; o != NULL && o->keyword != NULL; o++)
    if (g_str_equal (o->keyword, key))
      known = TRUE;
  PQconninfoFree (options);
  return known;
}

/* The location as key=value words without the password, for messages. */
char *
_dk_server_db_pg_describe_location (const char *conninfo)
{
  PQconninfoOption *options;
  GString *out = g_string_new (NULL);
  char *message = NULL;

  options = PQconninfoParse (conninfo, &message);
  if (options == NULL)
    {
      PQfreemem (message);
      return g_string_free (out, FALSE);
    }
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val == NULL || o->val[0] == '\0' || g_str_equal (o->keyword, "password") ||
          (o->dispchar != NULL && strchr (o->dispchar, '*') != NULL))
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append_printf (out, "%s=%s", o->keyword, o->val);
    }
  PQconninfoFree (options);
  return g_string_free (out, FALSE);
}

/* ---- errors ---- */

static gboolean
connection_lost (DkServerDb *self)
{
  return PQstatus (self->pg) == CONNECTION_BAD;
}

/* libpq's message on one line, without its final newline. */
static char *
pg_message (const char *message)
{
  GString *text = g_string_new (NULL);

  for (const char *p = message != NULL ? message : ""; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          if (text->len > 0 && text->str[text->len - 1] != ' ')
            g_string_append_c (text, ' ');
        }
      else
        g_string_append_c (text, *p);
    }
  if (text->len > 0 && text->str[text->len - 1] == ' ')
    g_string_truncate (text, text->len - 1);
  return g_string_free (text, FALSE);
}

static void
set_pg_error (DkServerDb     *self,
              const PGresult *result,
              const char     *what,
              GError        **error)
{
  g_autofree char *message = pg_message (result != NULL ? PQresultErrorMessage (result)
                                                        : PQerrorMessage (self->pg));
  const char *sqlstate = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;

  if (connection_lost (self))
    g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                 _("%s: the connection to the database %s was lost (%s)"),
                 what, self->path, message);
  else if (g_strcmp0 (sqlstate, "23505") == 0)
    g_set_error (error, DK_ERROR, DK_ERROR_CONFLICT, "%s: %s", what, message);
  else if (g_strcmp0 (sqlstate, "55P03") == 0)
    g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                 _("%s: the database is busy with a long write; try again later"), what);
  else
    g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, "%s: %s", what, message);
}

/* What every session of ours sets: UTF-8 text, and how long a statement waits for a
 * lock (see the top). */
static gboolean
setup_session (DkServerDb  *self,
               GError     **error)
{
  g_autoptr(PGresult) set = NULL;

  if (PQsetClientEncoding (self->pg, "UTF8") != 0)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("Could not open the database “%s”: it does not take UTF-8"), self->path);
      return FALSE;
    }
  set = PQexec (self->pg, "SET lock_timeout = '" LOCK_TIMEOUT "'");
  if (PQresultStatus (set) != PGRES_COMMAND_OK)
    {
      set_pg_error (self, set, _("Could not open the database"), error);
      return FALSE;
    }
  return TRUE;
}

/* Connects again after the connection broke; only ever outside a transaction. The
 * prepared statements and the session's settings went with the old session. */
static gboolean
reconnect (DkServerDb *self)
{
  g_autoptr(GError) error = NULL;

  g_assert (self->depth == 0 && !self->reading);

  g_hash_table_remove_all (self->pg_prepared);
  PQreset (self->pg);
  if (connection_lost (self))
    return FALSE;
  if (!setup_session (self, &error))
    {
      g_warning ("%s", error->message);
      return FALSE;
    }
  g_message ("Connected again to the database %s", self->path);
  return TRUE;
}

/* ---- statements ---- */

/* The name @sql is prepared under on this connection, preparing it the first time. */
static const char *
prepared_name (DkServerDb   *self,
               const char   *sql,
               int           n_params,
               const char   *what,
               GError      **error)
{
  g_autoptr(PGresult) result = NULL;
  char *name = g_hash_table_lookup (self->pg_prepared, sql);

  if (name != NULL)
    return name;

  name = g_strdup_printf ("dk_%u", g_hash_table_size (self->pg_prepared) + 1);
  result = PQprepare (self->pg, name, sql, n_params, NULL);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      set_pg_error (self, result, what, error);
      g_free (name);
      return NULL;
    }
  g_hash_table_insert (self->pg_prepared, (gpointer) sql, name);
  return name;
}

PGresult *
_dk_server_db_pg_exec (DkServerDb         *self,
                       const char         *sql,
                       int                 n_params,
                       const char * const *params,
                       const char         *what,
                       GError            **error)
{
  g_assert (self->pg != NULL);

  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(PGresult) result = NULL;
      g_autoptr(GError) local_error = NULL;
      gboolean may_retry = attempt == 0 && self->depth == 0 && !self->reading;
      const char *name;

      /* Broken since an earlier statement (the database restarted between requests). */
      if (connection_lost (self) && may_retry)
        {
          reconnect (self);
          attempt++;
          may_retry = FALSE;
        }

      name = prepared_name (self, sql, n_params, what, &local_error);
      if (name != NULL)
        {
          result = PQexecPrepared (self->pg, name, n_params, params, NULL, NULL, 0);
          switch (PQresultStatus (result))
            {
            case PGRES_COMMAND_OK:
            case PGRES_TUPLES_OK:
              return g_steal_pointer (&result);
            default:
              set_pg_error (self, result, what, &local_error);
              break;
            }
        }

      if (may_retry && connection_lost (self) && reconnect (self))
        continue;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
}

/* A statement built at run time (savepoints), not prepared. */
static gboolean
exec_simple (DkServerDb  *self,
             const char  *sql,
             const char  *what,
             GError     **error)
{
  g_autoptr(PGresult) result = PQexec (self->pg, sql);

  if (PQresultStatus (result) == PGRES_COMMAND_OK || PQresultStatus (result) == PGRES_TUPLES_OK)
    return TRUE;
  set_pg_error (self, result, what, error);
  return FALSE;
}

gint64
_dk_server_db_pg_get_int64 (const PGresult *result,
                            int             row,
                            int             column)
{
  if (PQgetisnull (result, row, column))
    return 0;
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

char *
_dk_server_db_pg_dup_text (const PGresult *result,
                           int             row,
                           int             column)
{
  if (PQgetisnull (result, row, column))
    return NULL;
  return g_strdup (PQgetvalue (result, row, column));
}

PGconn *
_dk_server_db_pg_get_conn (DkServerDb *self)
{
  return self->pg;
}

/* ---- opening ---- */

static void
ignore_notice (void       *arg,
               const char *message)
{
}

/* Creates the schema in an empty database, or checks the version of an existing one,
 * in one transaction under an advisory lock. */
static gboolean
prepare_schema (DkServerDb  *self,
                GError     **error)
{
  g_autoptr(PGresult) tables = NULL;
  g_autofree char *what = g_strdup_printf (_("Could not open the database “%s”"), self->path);
  gint64 n_tables;
  gboolean has_meta;

  if (!exec_simple (self, "BEGIN", what, error) ||
      !exec_simple (self, "SELECT pg_advisory_xact_lock (" SCHEMA_LOCK_KEY ")", what, error))
    goto failed;

  tables = PQexec (self->pg,
                   "SELECT count(*), bool_or (table_name = 'meta')"
                   " FROM information_schema.tables WHERE table_schema = current_schema ()");
  if (PQresultStatus (tables) != PGRES_TUPLES_OK)
    {
      set_pg_error (self, tables, what, error);
      goto failed;
    }
  n_tables = _dk_server_db_pg_get_int64 (tables, 0, 0);
  has_meta = g_strcmp0 (PQgetvalue (tables, 0, 1), "t") == 0;

  if (n_tables == 0)
    {
      g_autofree char *set_version = NULL;

      for (guint i = 0; i < _dk_server_db_pg_schema_length; i++)
        if (!exec_simple (self, _dk_server_db_pg_schema[i], what, error))
          goto failed;
      set_version = g_strdup_printf ("INSERT INTO meta (key, value) VALUES ('schema_version', %d)",
                                     DK_SERVER_DB_SCHEMA_VERSION);
      if (!exec_simple (self, set_version, what, error))
        goto failed;
    }
  else if (!has_meta)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("“%s” is not a driftkoll-server database (it has tables of another "
                     "program); it was left as it is"), self->path);
      goto failed;
    }
  else
    {
      g_autoptr(PGresult) version = PQexec (self->pg,
                                            "SELECT value FROM meta WHERE key = 'schema_version'");
      gint64 number;

      if (PQresultStatus (version) != PGRES_TUPLES_OK)
        {
          set_pg_error (self, version, what, error);
          goto failed;
        }
      number = PQntuples (version) == 1 ? _dk_server_db_pg_get_int64 (version, 0, 0) : 0;
      if (number > DK_SERVER_DB_SCHEMA_VERSION)
        {
          g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                       _("“%s” was written by a newer driftkoll-server (schema %lld, this one "
                         "knows up to %d); it was left as it is"),
                       self->path, (long long) number, DK_SERVER_DB_SCHEMA_VERSION);
          goto failed;
        }
      if (number < DK_SERVER_DB_SCHEMA_VERSION)
        {
          /* The PostgreSQL schema began at version 4: there is nothing older to migrate. */
          g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                       _("“%s” has an unknown schema version (%lld); it was left as it is"),
                       self->path, (long long) number);
          goto failed;
        }
    }

  if (exec_simple (self, "COMMIT", what, error))
    return TRUE;

failed:
  {
    g_autoptr(PGresult) rollback = PQexec (self->pg, "ROLLBACK");
  }
  return FALSE;
}

gboolean
_dk_server_db_pg_open (DkServerDb  *self,
                       const char  *conninfo,
                       GError     **error)
{
  g_autofree char *described = _dk_server_db_pg_describe_location (conninfo);
  char *parse_error = NULL;
  PQconninfoOption *options;

  options = PQconninfoParse (conninfo, &parse_error);
  if (options == NULL)
    {
      g_autofree char *message = pg_message (parse_error);

      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("The PostgreSQL location is not valid: %s"), message);
      PQfreemem (parse_error);
      return FALSE;
    }
  PQconninfoFree (options);

  g_free (self->path);
  self->path = g_steal_pointer (&described);
  self->pg_conninfo = g_strdup (conninfo);
  self->pg_prepared = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);

  self->pg = PQconnectdb (conninfo);
  if (self->pg == NULL || connection_lost (self))
    {
      g_autofree char *message = pg_message (self->pg != NULL ? PQerrorMessage (self->pg)
                                                              : "out of memory");

      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("Could not connect to the database “%s”: %s"), self->path, message);
      return FALSE;
    }
  PQsetNoticeProcessor (self->pg, ignore_notice, NULL);
  if (!setup_session (self, error))
    return FALSE;
  if (PQserverVersion (self->pg) < 120000)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("Could not open the database “%s”: PostgreSQL 12 or newer is needed "
                     "(this is %d)"), self->path, PQserverVersion (self->pg));
      return FALSE;
    }

  return prepare_schema (self, error);
}

void
_dk_server_db_pg_close (DkServerDb *self)
{
  if (self->pg != NULL)
    {
      if ((self->depth > 0 || self->reading) && !connection_lost (self))
        {
          g_autoptr(PGresult) result = NULL;

          if (self->depth > 0)
            g_warning ("%s closed with %u open transaction(s); rolling back",
                       self->path, self->depth);
          result = PQexec (self->pg, "ROLLBACK");
        }
      g_clear_pointer (&self->pg, PQfinish);
    }
  g_clear_pointer (&self->pg_prepared, g_hash_table_unref);
  g_clear_pointer (&self->pg_seq_saved, g_array_unref);
  if (self->pg_conninfo != NULL)
    {
      /* It may hold a password. */
      memset (self->pg_conninfo, 0, strlen (self->pg_conninfo));
      g_clear_pointer (&self->pg_conninfo, g_free);
    }
}

gboolean
_dk_server_db_pg_is_empty (DkServerDb *self)
{
  static const char sql[] =
    "SELECT NOT EXISTS (SELECT 1 FROM users) AND NOT EXISTS (SELECT 1 FROM objects)";
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = _dk_server_db_pg_exec (self, sql, 0, NULL,
                                                      _("Could not read the database"), &error);

  if (result == NULL)
    {
      g_warning ("%s", error->message);
      return FALSE;   /* when in doubt, not empty: init must not wipe it */
    }
  return g_strcmp0 (PQgetvalue (result, 0, 0), "t") == 0;
}

gboolean
_dk_server_db_pg_ping (DkServerDb  *self,
                       GError     **error)
{
  static const char sql[] = "SELECT 1";
  g_autoptr(PGresult) result = _dk_server_db_pg_exec (self, sql, 0, NULL,
                                                      _("The database does not answer"), error);

  return result != NULL;
}

/* ---- transactions ---- */

/* Whether the open transaction is still there to work in. */
static gboolean
check_transaction (DkServerDb  *self,
                   GError     **error)
{
  if (connection_lost (self))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("The connection to the database %s was lost; the transaction was "
                     "rolled back"), self->path);
      return FALSE;
    }
  if (PQtransactionStatus (self->pg) == PQTRANS_IDLE)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("The transaction was rolled back by the database"));
      return FALSE;
    }
  return TRUE;
}

/* Opens the outermost transaction; the seq's lock is taken later, when needed. */
static gboolean
begin_outermost (DkServerDb  *self,
                 GError     **error)
{
  if (!exec_simple (self, "BEGIN", _("Could not begin a transaction"), error))
    return FALSE;
  self->pg_seq_locked = FALSE;
  self->pg_seq = 0;
  self->pg_took_seq = FALSE;
  if (self->pg_seq_saved == NULL)
    self->pg_seq_saved = g_array_new (FALSE, FALSE, sizeof (DkPgSeqState));
  g_array_set_size (self->pg_seq_saved, 0);
  return TRUE;
}

gboolean
_dk_server_db_pg_lock_seq (DkServerDb  *self,
                           GError     **error)
{
  static const char sql[] = "SELECT value FROM meta WHERE key = 'seq' FOR UPDATE";
  g_autoptr(PGresult) result = NULL;

  if (self->depth == 0 || self->pg_seq_locked)
    return TRUE;
  result = _dk_server_db_pg_exec (self, sql, 0, NULL, _("Could not take the next change number"),
                                  error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("The database %s has no change number"), self->path);
      return FALSE;
    }
  self->pg_seq = _dk_server_db_pg_get_int64 (result, 0, 0);
  self->pg_seq_locked = TRUE;
  return TRUE;
}

gboolean
_dk_server_db_pg_begin (DkServerDb  *self,
                        GError     **error)
{
  if (self->reading)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("A write cannot begin inside a read transaction"));
      return FALSE;
    }

  if (self->depth == 0)
    {
      g_autoptr(GError) local_error = NULL;

      /* A connection that broke since its last statement (the database restarted
       * between two requests) is found out here, and connected again once. */
      if (connection_lost (self))
        reconnect (self);
      if (!begin_outermost (self, &local_error))
        {
          if (!connection_lost (self) || !reconnect (self) || !begin_outermost (self, NULL))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
        }
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("SAVEPOINT sp_%u", self->depth);

      if (!check_transaction (self, error) ||
          !exec_simple (self, sql, _("Could not begin a transaction"), error))
        return FALSE;
      {
        DkPgSeqState state = { self->pg_seq, self->pg_seq_locked };

        g_array_append_val (self->pg_seq_saved, state);
      }
    }

  self->depth++;
  return TRUE;
}

gint64
_dk_server_db_pg_take_seq (DkServerDb *self)
{
  g_assert (self->depth > 0 && self->pg_seq_locked);

  self->pg_took_seq = TRUE;
  return ++self->pg_seq;
}

/* Writes the transaction's newest seq back and tells every instance's listener, then
 * commits: one round trip. PostgreSQL delivers the NOTIFY at COMMIT, or never. The
 * number is ours (an integer), not the caller's text. On an error the COMMIT is not
 * run (a simple query stops at its first error) and the transaction is left failed. */
static gboolean
commit_outermost (DkServerDb  *self,
                  GError     **error)
{
  g_autofree char *sql = NULL;

  if (!self->pg_took_seq)
    return exec_simple (self, "COMMIT", _("Could not commit"), error);

  sql = g_strdup_printf ("WITH written AS ("
                         "  UPDATE meta SET value = %" G_GINT64_FORMAT " WHERE key = 'seq'"
                         "  RETURNING value)"
                         " SELECT pg_notify ('" DK_SERVER_DB_PG_CHANNEL "', value::text)"
                         " FROM written; COMMIT",
                         self->pg_seq);
  return exec_simple (self, sql, _("Could not commit"), error);
}

gboolean
_dk_server_db_pg_commit (DkServerDb  *self,
                         GError     **error)
{
  const char *what = _("Could not commit");

  if (!check_transaction (self, error))
    return FALSE;
  if (PQtransactionStatus (self->pg) == PQTRANS_INERROR)
    {
      /* A COMMIT now would roll back and answer as if it worked. */
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("The transaction was rolled back by the database: %s"),
                   PQerrorMessage (self->pg));
      return FALSE;
    }

  if (self->depth == 1)
    {
      if (!commit_outermost (self, error))
        return FALSE;
      self->pg_took_seq = FALSE;
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("RELEASE sp_%u", self->depth - 1);

      if (!exec_simple (self, sql, what, error))
        return FALSE;
      g_array_set_size (self->pg_seq_saved, self->pg_seq_saved->len - 1);
    }

  self->depth--;
  return TRUE;
}

void
_dk_server_db_pg_rollback (DkServerDb *self)
{
  g_autoptr(GError) error = NULL;
  const char *what = _("Could not roll back");

  if (connection_lost (self) || PQtransactionStatus (self->pg) == PQTRANS_IDLE)
    {
      /* Nothing open any more: the database ended the whole transaction itself. */
      if (self->depth > 1 && self->pg_seq_saved->len > 0)
        g_array_set_size (self->pg_seq_saved, self->pg_seq_saved->len - 1);
      self->depth--;
      return;
    }

  if (self->depth == 1)
    {
      if (!exec_simple (self, "ROLLBACK", what, &error))
        g_warning ("%s", error->message);
      self->pg_took_seq = FALSE;
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("ROLLBACK TO sp_%u; RELEASE sp_%u",
                                              self->depth - 1, self->depth - 1);

      if (!exec_simple (self, sql, what, &error))
        g_warning ("%s", error->message);
      /* Its numbers are given back: the next change takes the first of them again. A
       * lock it took is gone with it. */
      {
        const DkPgSeqState *state = &g_array_index (self->pg_seq_saved, DkPgSeqState,
                                                    self->pg_seq_saved->len - 1);

        self->pg_seq = state->seq;
        self->pg_seq_locked = state->locked;
      }
      g_array_set_size (self->pg_seq_saved, self->pg_seq_saved->len - 1);
    }

  self->depth--;
}

/* One snapshot for every read until end_read: REPEATABLE READ takes it at the first
 * statement, which is run at once. */
gboolean
_dk_server_db_pg_begin_read (DkServerDb  *self,
                             GError     **error)
{
  const char *what = _("Could not begin reading");

  if (connection_lost (self))
    reconnect (self);
  if (!exec_simple (self, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
                    " SELECT value FROM meta WHERE key = 'seq'", what, error))
    {
      if (!connection_lost (self) && PQtransactionStatus (self->pg) != PQTRANS_IDLE)
        {
          g_autoptr(PGresult) result = PQexec (self->pg, "ROLLBACK");
        }
      return FALSE;
    }
  self->reading = TRUE;
  return TRUE;
}

void
_dk_server_db_pg_end_read (DkServerDb *self)
{
  g_autoptr(GError) error = NULL;

  self->reading = FALSE;
  if (connection_lost (self) || PQtransactionStatus (self->pg) == PQTRANS_IDLE)
    return;   /* nothing open any more */
  if (!exec_simple (self, "COMMIT", _("Could not end reading"), &error))
    g_warning ("%s", error->message);
}
