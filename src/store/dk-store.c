/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store.c: the replica's file: opening, checking, the schema, meta and the cursor */

#define G_LOG_DOMAIN "dk-store"

/* F_OFD_SETLK */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dk-store-private.h"

/*
 * Schema, version 1.
 *
 * Each object has the server's copy (server_data, with its revision and seq) and, while
 * a local change is not yet answered, the local version (local_data); queries read
 * COALESCE(local_data, server_data). local_until is set when the last pending change of
 * the object was applied: the local version stays until a server copy at that revision
 * arrives, so the object does not flicker back to its old version in between.
 *
 * Cases have the columns their lists filter and sort on, extracted from the version
 * that shows; services is "|tes|dips|" so that instr() finds one without LIKE's
 * wildcards. Times are Unix seconds, NULL when unset.
 *
 * cases_fts holds folded text (dk_fold) so that "atgard" finds "åtgärd". It is an
 * external-content index over the view cases_search, which derives the text from the
 * row: the text is not stored a second time. The index must always hold exactly what
 * the view says of each row (FTS5 reads the view to remove a row), so the code that
 * writes cases (dk-store-apply.c, dk-store-local.c) removes a case from the index before
 * it changes and adds it again after; a first sync builds the text in C from the parsed
 * change.
 * The service names in a case's text are kept in search_services (folded), so that the
 * view stays the same when a service is renamed until the case is indexed again.
 * FTS5 cannot 'rebuild' from this view (it reads it without virtual tables such as
 * json_each()); an INSERT ... SELECT from the view does the same.
 * The index keeps which columns a term is in, not where (detail = column: a query is
 * words, never phrases; half the size), plus a prefix index of first letters so that
 * "s" need not merge the lists of thousands of terms (prefix = '1 2' would halve the
 * time of two-letter words too, but costs a first sync of 100,000 cases about 1 s of
 * CPU more; see bench/README.md). The query and its tokenizer options are in
 * dk-store-search.c.
 * Each commit writes the terms of its rows as a new segment of the index, and FTS5
 * merges segments as they pile up: 'automerge' 8 (not 4) merges them half as often,
 * which a first sync (a commit each 2,500 cases) feels most, and 'pgsz' fills the
 * replica's 16 KiB pages instead of a quarter of each. A replica made before keeps
 * FTS5's defaults, which read and search the same.
 */
#define SCHEMA_SEARCH \
  "CREATE VIEW cases_search AS" \
  "  SELECT pk," \
  "    dk_fold (title) AS title," \
  "    dk_fold (COALESCE (number, '') || ' ' ||" \
  "             COALESCE (json_extract (d, '$.external_ref'), '') || ' ' ||" \
  "             COALESCE (json_extract (d, '$.description'), '') || ' ' ||" \
  "             COALESCE (json_extract (d, '$.scope'), '') || ' ' ||" \
  "             COALESCE ((SELECT group_concat (json_extract (u.value, '$.text'), ' ')" \
  "                        FROM json_each (d, '$.updates') AS u), '')) AS body," \
  "    search_services AS services" \
  "  FROM (SELECT pk, number, title, search_services," \
  "        COALESCE (local_data, server_data) AS d FROM cases);" \
  "CREATE VIRTUAL TABLE cases_fts USING fts5 (" \
  "  title, body, services, content = 'cases_search', content_rowid = 'pk'," \
  "  tokenize = 'unicode61 remove_diacritics 0', detail = column, prefix = '1'" \
  ");" \
  "INSERT INTO cases_fts (cases_fts, rank) VALUES ('automerge', 8);" \
  "INSERT INTO cases_fts (cases_fts, rank) VALUES ('pgsz', 16000);"

static const char schema_v1[] =
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY NOT NULL,"
  "  value TEXT NOT NULL"
  ");"
  "CREATE TABLE cases ("
  "  pk INTEGER PRIMARY KEY,"
  "  id TEXT NOT NULL UNIQUE,"
  "  number TEXT,"
  "  kind TEXT NOT NULL,"
  "  area TEXT NOT NULL,"
  "  status TEXT NOT NULL,"
  "  priority INTEGER NOT NULL,"
  "  major INTEGER NOT NULL,"
  "  public INTEGER NOT NULL,"
  "  start INTEGER,"
  "  expected_end INTEGER,"
  "  closed_at INTEGER,"
  "  title TEXT NOT NULL,"
  "  services TEXT NOT NULL,"
  "  revision INTEGER NOT NULL DEFAULT 0,"
  "  seq INTEGER NOT NULL DEFAULT 0,"
  "  server_data TEXT,"
  "  local_data TEXT,"
  "  local_until INTEGER,"
  "  search_services TEXT"
  ");"
  "CREATE INDEX cases_number ON cases (number) WHERE number IS NOT NULL;"
  "CREATE INDEX cases_closed_at ON cases (closed_at);"
  "CREATE TABLE objects ("
  "  type TEXT NOT NULL,"
  "  id TEXT NOT NULL,"
  "  revision INTEGER NOT NULL DEFAULT 0,"
  "  seq INTEGER NOT NULL DEFAULT 0,"
  "  server_data TEXT,"
  "  local_data TEXT,"
  "  local_until INTEGER,"
  "  PRIMARY KEY (type, id)"
  ");"
  "CREATE TABLE outbox ("
  "  position INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  mutation_id TEXT NOT NULL UNIQUE,"
  "  op TEXT NOT NULL,"
  "  object_type TEXT NOT NULL,"
  "  object_id TEXT NOT NULL,"
  "  base_revision INTEGER NOT NULL DEFAULT 0,"
  "  data TEXT NOT NULL,"
  "  state INTEGER NOT NULL DEFAULT 0,"
  "  error_code TEXT,"
  "  error_message TEXT,"
  "  current TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  attempts INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX outbox_object ON outbox (object_type, object_id, state);"
  SCHEMA_SEARCH
  DK_STORE_SCHEMA_NOTIFY
  DK_STORE_SCHEMA_RUN_NOTIFY
  DK_STORE_SCHEMA_REMINDERS;

/* The tables a replica of this version has; one missing means the file is damaged. */
static const char * const schema_tables[] = { "meta", "cases", "objects", "outbox", "cases_fts" };

/* Migrations: migrations[i - 1] takes a replica from version i to i + 1; a new version
 * appends its SQL before the NULL and bumps DK_STORE_SCHEMA_VERSION. */
static const char * const migrations[] = {
  /* 1 -> 2: the notifier keeps the newest update it saw, to tell the user's own changes
   * from news. A replica made before the notifiers' tables came gets them here (the
   * notified table in its version 1 shape first). */
  "CREATE TABLE IF NOT EXISTS notified ("
  "  case_id TEXT PRIMARY KEY NOT NULL,"
  "  status TEXT NOT NULL,"
  "  phrase INTEGER,"
  "  expected_end INTEGER,"
  "  closed INTEGER NOT NULL,"
  "  notified_at INTEGER NOT NULL"
  ");"
  "ALTER TABLE notified ADD COLUMN last_update TEXT;"
  "CREATE INDEX IF NOT EXISTS cases_seq ON cases (seq);"
  DK_STORE_SCHEMA_RUN_NOTIFY,
  /* 2 -> 3: what the reminders of planned work told (dk-store-reminders.c). */
  DK_STORE_SCHEMA_REMINDERS,
  NULL
};
G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == DK_STORE_SCHEMA_VERSION);

G_DEFINE_QUARK (dk-store-error, dk_store_error)

G_DEFINE_FINAL_TYPE (DkStore, dk_store, G_TYPE_OBJECT)

/* ---- helpers shared by the parts (dk-store-private.h) ---- */

/* SQLite says SQLITE_FULL when a write finds the disk full, and an I/O error when it
 * cannot make the shared-memory file that a WAL database needs even to be read. */
static gboolean
is_disk_full (sqlite3 *db)
{
  int code = sqlite3_errcode (db) & 0xff;

  /* sqlite3_system_errno() is the last I/O failure's: only asked about one. */
  return code == SQLITE_FULL ||
         ((code == SQLITE_IOERR || code == SQLITE_CANTOPEN) &&
          sqlite3_system_errno (db) == ENOSPC);
}

static void
set_no_space_error (GError     **error,
                    const char  *path)
{
  g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NO_SPACE,
               _("The disk that holds the local database “%s” is full: free some space "
                 "and try again. Nothing saved before was lost."),
               path);
}

gboolean
_dk_store_set_error (DkStore  *self,
                     GError  **error)
{
  /* What a person can do something about is said as such; SQLite rolled the
   * transaction back, so nothing that was committed before is lost. */
  if (is_disk_full (self->db))
    {
      set_no_space_error (error, self->path);
      return FALSE;
    }

  switch (sqlite3_errcode (self->db) & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED,
                   _("The local database stayed busy (another Driftkoll program was "
                     "writing to it): %s"),
                   sqlite3_errmsg (self->db));
      break;
    default:
      g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED,
                   _("The local database failed: %s"), sqlite3_errmsg (self->db));
      break;
    }
  return FALSE;
}

sqlite3_stmt *
_dk_store_prepare (DkStore     *self,
                   const char  *sql,
                   GError     **error)
{
  sqlite3_stmt *stmt;

  g_assert (DK_IS_STORE (self));

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL)
      != SQLITE_OK)
    {
      _dk_store_set_error (self, error);
      sqlite3_finalize (stmt);
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

gboolean
_dk_store_exec (DkStore     *self,
                const char  *sql,
                GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return _dk_store_set_error (self, error);

  return TRUE;
}

gboolean
_dk_store_step_done (DkStore       *self,
                     sqlite3_stmt  *stmt,
                     GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      _dk_store_set_error (self, error);
      sqlite3_reset (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);
  return TRUE;
}

/* ---- transactions, and what they changed ---- */

/* The stores open in this process, by file: a commit through one (the pull's writer in
 * its thread) is told by all of them (the app's, on the main thread), and installing a
 * snapshot reopens all of them on the new file.
 *
 * Each file also has its lock file, "<replica>.lock", read-locked while any store of
 * this process has the replica open: installing a snapshot by renaming a new file over
 * the replica is only safe when no other process has it open, and it takes the lock for
 * writing to know that (dk-store-snapshot.c). The locks are open file description locks
 * (F_OFD_SETLK), not flock (): the same per-descriptor semantics, but turning the read
 * lock into a write lock is atomic and a refusal keeps the read lock, where flock ()
 * drops it first. One descriptor per file and process, shared by its stores: a second
 * one would conflict with the first. */
typedef struct {
  GPtrArray *refs;      /* GWeakRef *: the stores open on the file */
  guint      users;     /* stores registered, and opens under way */
  int        lock_fd;   /* <file>.lock, read-locked; -1 when it could not be made */
} StoreFile;

static GMutex stores_lock;
static GHashTable *stores_by_path;  /* file_key → StoreFile * */

static void
store_file_free (StoreFile *file)
{
  g_ptr_array_unref (file->refs);
  if (file->lock_fd >= 0)
    close (file->lock_fd);  /* releases the lock */
  g_free (file);
}

static gboolean
set_file_lock (int   fd,
               short type,
               int   command)
{
  struct flock lock = { .l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
  int rc;

  do
    rc = fcntl (fd, command, &lock);
  while (rc != 0 && errno == EINTR);

  return rc == 0;
}

/* How long an open waits for another process's install, at most: a rename takes
 * milliseconds, but a process stopped in the middle of one must not hang every other. */
#define LOCK_WAIT_MS 30000

/* The lock file, read-locked; waits while another process installs a snapshot (it holds
 * the write lock for as long as a rename takes). -1 when it cannot be made (a read-only
 * folder) or stays write-locked: the store works, and an install then never renames
 * (it cannot know who else has the file open). */
static int
open_lock_file (const char *file_key)
{
  g_autofree char *lock_path = g_strconcat (file_key, ".lock", NULL);
  gint64 deadline = g_get_monotonic_time () + LOCK_WAIT_MS * 1000;
  int fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      g_debug ("No lock file %s: %s", lock_path, g_strerror (errno));
      return -1;
    }
  while (!set_file_lock (fd, F_RDLCK, F_OFD_SETLK))
    {
      if ((errno != EAGAIN && errno != EACCES) || g_get_monotonic_time () > deadline)
        {
          g_warning ("Could not lock %s: %s", lock_path, g_strerror (errno));
          close (fd);
          return -1;
        }
      g_usleep (10 * 1000);
    }
  return fd;
}

/* Takes a user of @file_key's entry (made, with its lock file, for the first). The
 * lock may wait: taken outside stores_lock, and dropped again when another thread
 * made the entry meanwhile (one descriptor per file). */
static void
hold_file (const char *file_key)
{
  StoreFile *file;
  int fd;

  g_mutex_lock (&stores_lock);
  if (stores_by_path == NULL)
    stores_by_path = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) store_file_free);
  file = g_hash_table_lookup (stores_by_path, file_key);
  if (file != NULL)
    {
      file->users++;
      g_mutex_unlock (&stores_lock);
      return;
    }
  g_mutex_unlock (&stores_lock);

  fd = open_lock_file (file_key);

  g_mutex_lock (&stores_lock);
  file = g_hash_table_lookup (stores_by_path, file_key);
  if (file == NULL)
    {
      file = g_new0 (StoreFile, 1);
      file->refs = g_ptr_array_new ();
      file->lock_fd = fd;
      g_hash_table_insert (stores_by_path, g_strdup (file_key), file);
    }
  else if (fd >= 0)
    close (fd);
  file->users++;
  g_mutex_unlock (&stores_lock);
}

/* Drops a user, and with the last the entry and its lock. Called with stores_lock. */
static void
release_file_locked (const char *file_key)
{
  StoreFile *file = g_hash_table_lookup (stores_by_path, file_key);

  g_assert (file != NULL && file->users > 0);
  if (--file->users == 0)
    g_hash_table_remove (stores_by_path, file_key);
}

static void
release_file (const char *file_key)
{
  g_mutex_lock (&stores_lock);
  release_file_locked (file_key);
  g_mutex_unlock (&stores_lock);
}

static void
register_store (DkStore *self)
{
  StoreFile *file;
  GWeakRef *ref;

  g_mutex_lock (&stores_lock);
  file = g_hash_table_lookup (stores_by_path, self->file_key);
  g_assert (file != NULL);  /* held by hold_file () */
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  g_ptr_array_add (file->refs, ref);
  g_mutex_unlock (&stores_lock);
}

static void
unregister_store (DkStore *self)
{
  /* released after the lock: the last reference of another store may go here */
  g_autoptr(GPtrArray) alive = g_ptr_array_new_with_free_func (g_object_unref);
  StoreFile *file;

  g_mutex_lock (&stores_lock);
  file = stores_by_path != NULL ? g_hash_table_lookup (stores_by_path, self->file_key) : NULL;
  for (guint i = 0; file != NULL && i < file->refs->len;)
    {
      GWeakRef *ref = g_ptr_array_index (file->refs, i);
      GObject *object = g_weak_ref_get (ref);

      /* this one (its weak refs are cleared by now) and any other gone */
      if (object == NULL)
        {
          g_weak_ref_clear (ref);
          g_free (ref);
          g_ptr_array_remove_index_fast (file->refs, i);
          continue;
        }
      g_ptr_array_add (alive, object);
      i++;
    }
  if (file != NULL)
    release_file_locked (self->file_key);
  g_mutex_unlock (&stores_lock);
}

/* Every store open on @self's file in this process, @self among them (strong refs). */
GPtrArray *
_dk_store_file_stores (DkStore *self)
{
  GPtrArray *stores = g_ptr_array_new_with_free_func (g_object_unref);
  StoreFile *file;

  if (self->file_key == NULL)
    {
      g_ptr_array_add (stores, g_object_ref (self));
      return stores;
    }

  g_mutex_lock (&stores_lock);
  file = stores_by_path != NULL ? g_hash_table_lookup (stores_by_path, self->file_key) : NULL;
  for (guint i = 0; file != NULL && i < file->refs->len; i++)
    {
      GObject *object = g_weak_ref_get (g_ptr_array_index (file->refs, i));

      if (object != NULL)
        g_ptr_array_add (stores, object);
    }
  g_mutex_unlock (&stores_lock);

  return stores;
}

gboolean
_dk_store_lock_file (DkStore  *self,
                     gboolean  exclusive)
{
  StoreFile *file;
  gboolean locked = FALSE;

  g_mutex_lock (&stores_lock);
  file = stores_by_path != NULL && self->file_key != NULL
    ? g_hash_table_lookup (stores_by_path, self->file_key) : NULL;
  if (file != NULL && file->lock_fd >= 0)
    locked = set_file_lock (file->lock_fd, exclusive ? F_WRLCK : F_RDLCK, F_OFD_SETLK);
  g_mutex_unlock (&stores_lock);

  return locked;
}

enum {
  SIGNAL_REVISION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
announce_cb (gpointer user_data)
{
  DkStore *self = user_data;
  guint changes;

  g_mutex_lock (&self->announce_lock);
  changes = self->announce_changes;
  self->announce_changes = 0;
  g_clear_pointer (&self->announce_source, g_source_unref);
  g_mutex_unlock (&self->announce_lock);

  if (changes != 0)
    {
      if (self->wal_monitor != NULL)
        {
          g_free (self->fingerprint);
          self->fingerprint = _dk_store_watch_fingerprint (self);
        }
      g_debug ("Revision changed (%#x) in %s", changes, self->path);
      g_signal_emit (self, signals[SIGNAL_REVISION_CHANGED], 0, changes);
    }

  return G_SOURCE_REMOVE;
}

/* Queues "revision-changed" on the store's context: one idle for any number of commits
 * until it runs. Any thread. */
static void
queue_announce (DkStore *self,
                guint    changes)
{
  g_mutex_lock (&self->announce_lock);
  self->announce_changes |= changes;
  if (self->announce_source == NULL)
    {
      self->announce_source = g_idle_source_new ();
      g_source_set_priority (self->announce_source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (self->announce_source, "[dk-store] revision-changed");
      /* no reference: a store nobody holds any more has nobody to tell (finalize
       * destroys the source) */
      g_source_set_callback (self->announce_source, announce_cb, self, NULL);
      g_source_attach (self->announce_source, self->context);
    }
  g_mutex_unlock (&self->announce_lock);
}

/* A commit: every store open on the file in this process tells it. */
static void
announce (DkStore *self,
          guint    changes)
{
  g_autoptr(GPtrArray) stores = g_ptr_array_new_with_free_func (g_object_unref);
  StoreFile *file;

  /* a store of no file (a snapshot being installed) has nobody to tell */
  if (changes == 0 || self->file_key == NULL)
    return;

  g_mutex_lock (&stores_lock);
  file = stores_by_path != NULL ? g_hash_table_lookup (stores_by_path, self->file_key) : NULL;
  for (guint i = 0; file != NULL && i < file->refs->len; i++)
    {
      GObject *object = g_weak_ref_get (g_ptr_array_index (file->refs, i));

      if (object != NULL)
        g_ptr_array_add (stores, object);
    }
  g_mutex_unlock (&stores_lock);

  /* Only stores someone listens to are told: the pull's writer connection, used from
   * its worker thread, never is. */
  for (guint i = stores->len; i-- > 0;)
    {
      if (!g_signal_has_handler_pending (g_ptr_array_index (stores, i),
                                         signals[SIGNAL_REVISION_CHANGED], 0, TRUE))
        g_ptr_array_remove_index_fast (stores, i);
    }

  for (guint i = 0; i < stores->len; i++)
    queue_announce (g_ptr_array_index (stores, i), changes);
}

void
_dk_store_note_change (DkStore *self,
                       guint    changes)
{
  if (self->depth > 0)
    self->tx_changes |= changes;
  else
    announce (self, changes);
}

/* IMMEDIATE: take the write lock now (waiting up to the busy timeout) rather than fail
 * half way when the app and the cli write at once. Inside a transaction, a savepoint:
 * an operation made of others (a conflict resolved: a discard and an enqueue) is still
 * one transaction. */
gboolean
_dk_store_begin (DkStore  *self,
                 GError  **error)
{
  g_autofree char *sql = NULL;

  if (self->depth == 0)
    {
      if (!_dk_store_exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      self->tx_changes = 0;
    }
  else
    {
      sql = g_strdup_printf ("SAVEPOINT dk_%u", self->depth);
      if (!_dk_store_exec (self, sql, error))
        return FALSE;
    }

  self->depth++;
  return TRUE;
}

gboolean
_dk_store_commit (DkStore  *self,
                  GError  **error)
{
  g_autofree char *sql = NULL;
  guint changes;

  g_assert (self->depth > 0);

  if (self->depth > 1)
    {
      sql = g_strdup_printf ("RELEASE dk_%u", self->depth - 1);
      if (!_dk_store_exec (self, sql, error))
        {
          _dk_store_rollback (self);
          return FALSE;
        }
      self->depth--;
      return TRUE;
    }

  if (!_dk_store_exec (self, "COMMIT", error))
    {
      _dk_store_rollback (self);
      return FALSE;
    }

  self->depth = 0;
  changes = self->tx_changes;
  self->tx_changes = 0;
  announce (self, changes);
  return TRUE;
}

void
_dk_store_rollback (DkStore *self)
{
  g_autofree char *sql = NULL;

  if (self->depth > 1)
    {
      sql = g_strdup_printf ("ROLLBACK TO dk_%u; RELEASE dk_%u", self->depth - 1, self->depth - 1);
      sqlite3_exec (self->db, sql, NULL, NULL, NULL);
      self->depth--;
      return;
    }

  self->depth = 0;
  self->tx_changes = 0;
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3_stmt *
_dk_store_prepare_row (DkStore     *self,
                       const char  *type,
                       const char  *id,
                       const char  *case_sql,
                       const char  *object_sql,
                       GError     **error)
{
  gboolean is_case = g_str_equal (type, DK_TYPE_NAME_CASE);
  sqlite3_stmt *stmt = _dk_store_prepare (self, is_case ? case_sql : object_sql, error);

  if (stmt == NULL)
    return NULL;
  if (!is_case)
    _dk_store_bind_text (stmt, 1, type);
  _dk_store_bind_text (stmt, 2, id);
  return stmt;
}

JsonNode *
_dk_store_peek_value (JsonObject  *object,
                      const char  *member,
                      GType        type)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != type)
    return NULL;

  return node;
}

const char *
_dk_store_peek_string (JsonObject  *object,
                       const char  *member)
{
  JsonNode *node = _dk_store_peek_value (object, member, G_TYPE_STRING);

  return node != NULL ? json_node_get_string (node) : NULL;
}

void
_dk_store_bind_text (sqlite3_stmt *stmt,
                     int           index,
                     const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

const char *
_dk_store_column_text (sqlite3_stmt *stmt,
                       int           index)
{
  return (const char *) sqlite3_column_text (stmt, index);
}

gboolean
_dk_store_count_entries (DkStore     *self,
                         const char  *type,
                         const char  *id,
                         guint        state_mask,
                         gint64      *out_count,
                         GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = _dk_store_prepare (self,
                            "SELECT count(*) FROM outbox WHERE object_type = ?1 AND object_id = ?2"
                            " AND ((1 << state) & ?3) != 0", error);
  if (stmt == NULL)
    return FALSE;
  _dk_store_bind_text (stmt, 1, type);
  _dk_store_bind_text (stmt, 2, id);
  sqlite3_bind_int64 (stmt, 3, state_mask);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      _dk_store_set_error (self, error);
      sqlite3_reset (stmt);
      return FALSE;
    }

  *out_count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return TRUE;
}

/* ---- opening ---- */

static gboolean
set_open_error (GError     **error,
                DkStoreError code,
                const char  *path,
                const char  *reason)
{
  if (code == DK_STORE_ERROR_TOO_NEW)
    g_set_error (error, DK_STORE_ERROR, code,
                 _("The local database “%s” was written by a newer version of Driftkoll; "
                   "it is kept as it is. Update Driftkoll or use another data folder."),
                 path);
  else if (code == DK_STORE_ERROR_CORRUPT)
    g_set_error (error, DK_STORE_ERROR, code,
                 _("The file “%s” is not a Driftkoll database or is damaged (%s); it is "
                   "kept as it is. Move it away to start with an empty one."),
                 path, reason);
  else if (code == DK_STORE_ERROR_NO_SPACE)
    set_no_space_error (error, path);
  else
    g_set_error (error, DK_STORE_ERROR, code, _("Could not open “%s”: %s"), path, reason);

  return FALSE;
}

/* Whether the file is there and holds anything. The file is never opened outside SQLite:
 * closing any other descriptor of it would drop the POSIX locks this process's own
 * connections hold (the sync engine's writer and the app's reader share the file), and
 * SQLite then fails with "disk I/O error". What is not SQLite is refused by
 * check_existing (), read-only. */
static gboolean
check_present (const char  *path,
               gboolean    *out_exists,
               GError     **error)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        {
          *out_exists = FALSE;
          return TRUE;
        }
      return set_open_error (error, DK_STORE_ERROR_FAILED, path, g_strerror (saved_errno));
    }
  if (!S_ISREG (st.st_mode))
    return set_open_error (error, DK_STORE_ERROR_CORRUPT, path, _("not an SQLite file"));

  /* an empty file is an empty database */
  *out_exists = st.st_size > 0;
  return TRUE;
}

gboolean
_dk_store_query_int64 (sqlite3    *db,
                       const char *sql,
                       gint64     *out)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      *out = sqlite3_column_int64 (stmt, 0);
      ok = TRUE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

const char *
_dk_store_find_missing_table (sqlite3 *db)
{
  for (guint i = 0; i < G_N_ELEMENTS (schema_tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_schema"
                                              " WHERE type = 'table' AND name = '%s'",
                                              schema_tables[i]);
      gint64 n = 0;

      if (!_dk_store_query_int64 (db, sql, &n) || n != 1)
        return schema_tables[i];
    }

  return NULL;
}

/* A file SQLite could not read: damaged only when SQLite says so. A full disk, a lock
 * held too long or an I/O error says nothing about the file, and "move it away" would
 * be the wrong advice with changes in it that wait to be sent. */
static gboolean
set_unreadable_error (sqlite3     *db,
                      const char  *path,
                      GError     **error)
{
  int code = sqlite3_errcode (db) & 0xff;

  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
    return set_open_error (error, DK_STORE_ERROR_CORRUPT, path, sqlite3_errmsg (db));
  if (is_disk_full (db))
    return set_open_error (error, DK_STORE_ERROR_NO_SPACE, path, NULL);
  return set_open_error (error, DK_STORE_ERROR_FAILED, path, sqlite3_errmsg (db));
}

/* What the file says about itself: its schema version, and whether it is one of ours
 * (application_id and tables). Cheap: no quick_check over a large file. */
static gboolean
inspect (sqlite3     *db,
         const char  *path,
         gint64      *out_version,
         GError     **error)
{
  gint64 version = 0;
  gint64 application_id = 0;
  gint64 n_objects = 0;
  const char *missing;

  if (!_dk_store_query_int64 (db, "PRAGMA user_version", &version) ||
      !_dk_store_query_int64 (db, "PRAGMA application_id", &application_id) ||
      !_dk_store_query_int64 (db, "SELECT count(*) FROM sqlite_schema", &n_objects))
    return set_unreadable_error (db, path, error);

  if (version == 0 && application_id == 0 && n_objects == 0)
    {
      *out_version = 0;  /* empty: a new replica */
      return TRUE;
    }
  if (application_id != DK_STORE_APPLICATION_ID)
    return set_open_error (error, DK_STORE_ERROR_CORRUPT, path,
                           _("another program’s database"));
  if (version > DK_STORE_SCHEMA_VERSION)
    return set_open_error (error, DK_STORE_ERROR_TOO_NEW, path, NULL);
  if (version < 1)
    return set_open_error (error, DK_STORE_ERROR_CORRUPT, path, _("no schema version"));

  missing = _dk_store_find_missing_table (db);
  if (missing != NULL)
    {
      g_autofree char *reason = g_strdup_printf (_("the table “%s” is missing"), missing);
      return set_open_error (error, DK_STORE_ERROR_CORRUPT, path, reason);
    }

  *out_version = version;
  return TRUE;
}

/* Opens the file read-only and looks at it; nothing is written to a file we refuse. */
static gboolean
check_existing (const char  *path,
                GError     **error)
{
  sqlite3 *db = NULL;
  gint64 version = 0;
  gboolean ok;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL)
      != SQLITE_OK)
    {
      ok = set_open_error (error, DK_STORE_ERROR_CORRUPT, path,
                           db != NULL ? sqlite3_errmsg (db) : g_strerror (ENOMEM));
      sqlite3_close (db);
      return ok;
    }

  sqlite3_busy_timeout (db, 5000);
  ok = inspect (db, path, &version, error);
  sqlite3_close (db);
  return ok;
}

/* Creates the schema or runs the migrations, in one transaction; another process may
 * have done it meanwhile, so the version is read again inside. */
static gboolean
migrate (DkStore  *self,
         GError  **error)
{
  gint64 version = 0;
  g_autofree char *set_version = NULL;

  if (!_dk_store_begin (self, error))
    return FALSE;
  if (!inspect (self->db, self->path, &version, error))
    {
      _dk_store_rollback (self);
      return FALSE;
    }
  if (version == DK_STORE_SCHEMA_VERSION)
    {
      _dk_store_rollback (self);
      return TRUE;
    }

  if (version == 0)
    {
      g_debug ("Creating the replica %s", self->path);
      if (!_dk_store_exec (self, schema_v1, error))
        goto failed;
      version = DK_STORE_SCHEMA_VERSION;
    }
  for (; version < DK_STORE_SCHEMA_VERSION; version++)
    {
      g_debug ("Migrating the replica %s to version %" G_GINT64_FORMAT, self->path, version + 1);
      if (!_dk_store_exec (self, migrations[version - 1], error))
        goto failed;
    }

  set_version = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d",
                                 DK_STORE_APPLICATION_ID, DK_STORE_SCHEMA_VERSION);
  if (!_dk_store_exec (self, set_version, error))
    goto failed;

  return _dk_store_commit (self, error);

failed:
  _dk_store_rollback (self);
  return FALSE;
}

static gboolean
open_database (DkStore  *self,
               GError  **error)
{
  int rc;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    return set_open_error (error, DK_STORE_ERROR_FAILED, self->path,
                           self->db != NULL ? sqlite3_errmsg (self->db) : g_strerror (ENOMEM));

  sqlite3_extended_result_codes (self->db, 1);
  /* The app and the cli share the file: wait for the other's write rather than fail. */
  sqlite3_busy_timeout (self->db, 5000);

  if (!_dk_store_register_fold (self->db))
    return _dk_store_set_error (self, error);

  /* FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on a power cut, and
   * an outbox row must survive once the caller was told the change is done. */
  /* A case is about 2 KB of JSON: 16 KiB pages hold seven, where 4 KiB pages hold one
   * and waste the rest (a third of the file, and of the writes of a first sync). Only
   * a new, empty file takes it; an existing one keeps its page size. */
  /* A store alone (a snapshot being prepared or installed) is no replica yet: one
   * connection, a rollback journal so that the file is whole on its own, and no sync
   * of its own (dk-store-snapshot.c syncs the file once, before it becomes the
   * replica). */
  if (!_dk_store_exec (self, "PRAGMA page_size = 16384", error) ||
      !_dk_store_exec (self, self->alone ? "PRAGMA journal_mode = DELETE"
                                         : "PRAGMA journal_mode = WAL", error) ||
      !_dk_store_exec (self, self->alone ? "PRAGMA synchronous = OFF"
                                         : "PRAGMA synchronous = FULL", error) ||
      !_dk_store_exec (self, "PRAGMA foreign_keys = OFF", error) ||
      !_dk_store_exec (self, "PRAGMA cache_size = -16000", error))
    return FALSE;

  return migrate (self, error);
}

/* ---- the object ---- */

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

static void
dk_store_finalize (GObject *object)
{
  DkStore *self = (DkStore *) object;

  _dk_store_watch_dispose (self);
  if (self->file_key != NULL)
    unregister_store (self);
  g_clear_pointer (&self->file_key, g_free);
  g_mutex_lock (&self->announce_lock);
  if (self->announce_source != NULL)
    g_source_destroy (self->announce_source);
  g_clear_pointer (&self->announce_source, g_source_unref);
  g_mutex_unlock (&self->announce_lock);
  g_mutex_clear (&self->announce_lock);
  g_clear_pointer (&self->context, g_main_context_unref);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->service_names, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close (self->db);
  self->db = NULL;
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (dk_store_parent_class)->finalize (object);
}

static void
dk_store_class_init (DkStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dk_store_finalize;

  /**
   * DkStore::revision-changed:
   * @self: the store
   * @changes: what changed, a #DkStoreChange mask
   *
   * Emitted after committed writes (see dk-store.h), on the thread-default main
   * context of the thread that opened the store.
   */
  signals[SIGNAL_REVISION_CHANGED] =
    g_signal_new ("revision-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
dk_store_init (DkStore *self)
{
  /* Keyed by the address of the static SQL text: hashing a kilobyte of SQL for every
   * row of a first sync showed in its profile. */
  self->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                            finalize_statement);
  self->service_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->context = g_main_context_ref_thread_default ();
  g_mutex_init (&self->announce_lock);
}

/**
 * dk_store_open:
 * @path: the replica's file; created when missing
 * @error: return location for a #GError
 *
 * Opens the replica. A file that is not a Driftkoll replica, is damaged
 * (%DK_STORE_ERROR_CORRUPT) or comes from a newer version (%DK_STORE_ERROR_TOO_NEW) is
 * refused without a byte written to it.
 *
 * Returns: (transfer full) (nullable): the store
 */
DkStore *
dk_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(DkStore) self = NULL;
  g_autofree char *file_key = NULL;
  gboolean exists = FALSE;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_present (path, &exists, error))
    return NULL;
  if (exists && !check_existing (path, error))
    return NULL;

  /* "replica.db" and "/home/…/replica.db" are one file. The lock before the file: an
   * install in another process finishes first. */
  file_key = g_canonicalize_filename (path, NULL);
  hold_file (file_key);

  self = g_object_new (DK_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  if (!open_database (self, error))
    {
      release_file (file_key);
      return NULL;
    }
  self->file_key = g_steal_pointer (&file_key);
  register_store (self);

  return g_steal_pointer (&self);
}

DkStore *
_dk_store_open_alone (const char  *path,
                      GError     **error)
{
  g_autoptr(DkStore) self = NULL;
  gboolean exists = FALSE;

  if (!check_present (path, &exists, error))
    return NULL;
  if (exists && !check_existing (path, error))
    return NULL;

  self = g_object_new (DK_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->alone = TRUE;
  if (!open_database (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

void
_dk_store_close_db (DkStore *self)
{
  g_assert (self->depth == 0);

  /* every statement first, or sqlite3_close () refuses */
  g_hash_table_remove_all (self->statements);
  g_hash_table_remove_all (self->service_names);
  if (self->db != NULL && sqlite3_close (self->db) != SQLITE_OK)
    g_critical ("Could not close %s: %s", self->path, sqlite3_errmsg (self->db));
  self->db = NULL;
}

gboolean
_dk_store_reopen_db (DkStore  *self,
                     GError  **error)
{
  g_assert (self->db == NULL);

  if (!open_database (self, error))
    {
      /* A connection SQLite could not finish opening is closed again. The store must
       * keep a connection: an empty one in memory fails every query with an error
       * instead of a crash. */
      sqlite3_close (self->db);
      self->db = NULL;
      sqlite3_open (":memory:", &self->db);
      return FALSE;
    }
  _dk_store_watch_reset (self);
  return TRUE;
}

/**
 * dk_store_get_path:
 * @self: a #DkStore
 *
 * Returns: the replica's file
 */
const char *
dk_store_get_path (DkStore *self)
{
  g_return_val_if_fail (DK_IS_STORE (self), NULL);

  return self->path;
}

/* ---- meta ---- */

/**
 * dk_store_dup_meta:
 * @self: a #DkStore
 * @key: the key
 *
 * Returns: (transfer full) (nullable): the value, or %NULL when unset
 */
char *
dk_store_dup_meta (DkStore    *self,
                   const char *key)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  char *value = NULL;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = _dk_store_prepare (self, "SELECT value FROM meta WHERE key = ?1", &error);
  if (stmt == NULL)
    {
      g_warning ("Could not read %s: %s", key, error->message);
      return NULL;
    }
  _dk_store_bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup (_dk_store_column_text (stmt, 0));
  sqlite3_reset (stmt);

  return value;
}

/**
 * dk_store_set_meta:
 * @self: a #DkStore
 * @key: the key
 * @value: (nullable): the value; %NULL deletes the key
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the value is on disk
 */
gboolean
dk_store_set_meta (DkStore     *self,
                   const char  *key,
                   const char  *value,
                   GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (value != NULL)
    stmt = _dk_store_prepare (self, "INSERT INTO meta (key, value) VALUES (?1, ?2)"
                                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                              error);
  else
    stmt = _dk_store_prepare (self, "DELETE FROM meta WHERE key = ?1", error);
  if (stmt == NULL)
    return FALSE;

  _dk_store_bind_text (stmt, 1, key);
  if (value != NULL)
    _dk_store_bind_text (stmt, 2, value);

  return _dk_store_step_done (self, stmt, error);
}

/**
 * dk_store_get_cursor:
 * @self: a #DkStore
 *
 * Returns: the seq of the last change applied, 0 before the first sync
 */
gint64
dk_store_get_cursor (DkStore *self)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (DK_IS_STORE (self), 0);

  value = dk_store_dup_meta (self, DK_STORE_META_CURSOR);
  if (value == NULL)
    return 0;

  return g_ascii_strtoll (value, NULL, 10);
}

/**
 * dk_store_is_pending:
 * @self: a #DkStore
 * @type: the object's type ("case", ...)
 * @id: the object's id
 *
 * Returns: whether the object has local changes the server has not answered yet
 */
gboolean
dk_store_is_pending (DkStore    *self,
                     const char *type,
                     const char *id)
{
  g_autoptr(GError) error = NULL;
  gint64 count = 0;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (type != NULL && id != NULL, FALSE);

  if (!_dk_store_count_entries (self, type, id, 1u << DK_OUTBOX_PENDING, &count, &error))
    {
      g_warning ("Could not read the outbox: %s", error->message);
      return FALSE;
    }

  return count > 0;
}
