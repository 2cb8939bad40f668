/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-snapshot.c: a whole replica as a snapshot: written by the server, checked and
 * installed by a client's first sync */

#define G_LOG_DOMAIN "dk-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dk-store-private.h"

void
dk_store_snapshot_info_clear (DkStoreSnapshotInfo *info)
{
  g_clear_pointer (&info->klass, g_free);
}

/* ---- writing (the server's side) ---- */

/* The meta keys a snapshot holds: its own, and the cursor (= its seq) so that the file
 * is a whole replica as it is. Nothing of a session (username, roles, token storage,
 * server URLs, last sync, ...) is ever in one: those are the client's, and
 * dk_store_prepare_snapshot () refuses a file with any other key. */
static const char * const snapshot_meta_keys[] = {
  DK_STORE_META_CURSOR,
  DK_STORE_META_SNAPSHOT_SEQ,
  DK_STORE_META_SNAPSHOT_CLASS,
  DK_STORE_META_SNAPSHOT_BUILT,
};

/* SQL: whether @key is one of snapshot_meta_keys (kept in step by hand: four names). */
#define SNAPSHOT_META_KEYS_SQL(key) \
  key " IN ('" DK_STORE_META_CURSOR "', '" DK_STORE_META_SNAPSHOT_SEQ "', '" \
  DK_STORE_META_SNAPSHOT_CLASS "', '" DK_STORE_META_SNAPSHOT_BUILT "')"

static gboolean
set_file_error (sqlite3     *db,
                const char  *path,
                GError     **error)
{
  g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED,
               _("Could not write the snapshot “%s”: %s"), path,
               db != NULL ? sqlite3_errmsg (db) : g_strerror (ENOMEM));
  return FALSE;
}

/* Marks the copy at @dest as a snapshot of @klass at @seq and takes out what is not the
 * server's: done on the copy, so that the replica it was made from keeps its meta and
 * never holds a half-made snapshot's. One transaction; with the rollback journal and
 * synchronous = FULL its commit also syncs the file VACUUM INTO wrote without a sync. */
static gboolean
mark_copy (const char  *dest,
           const char  *klass,
           gint64       seq,
           GError     **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  g_autofree char *seq_text = g_strdup_printf ("%" G_GINT64_FORMAT, seq);
  g_autofree char *built_text = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                 g_get_real_time () / G_USEC_PER_SEC);

  if (sqlite3_open_v2 (dest, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    goto out;
  if (sqlite3_exec (db, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;"
                        "BEGIN IMMEDIATE;"
                        "DELETE FROM meta WHERE NOT " SNAPSHOT_META_KEYS_SQL ("key") ";"
                        /* a replica the server filled has none of these; a snapshot
                         * never carries a client's */
                        "DELETE FROM outbox; DELETE FROM sqlite_sequence;"
                        "DELETE FROM notified; DELETE FROM run_notified; DELETE FROM reminders;",
                    NULL, NULL, NULL) != SQLITE_OK)
    goto out;
  if (sqlite3_prepare_v2 (db, "INSERT INTO meta (key, value) VALUES (?1, ?2)"
                              " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                          -1, &stmt, NULL) != SQLITE_OK)
    goto out;
  {
    const char *pairs[][2] = {
      { DK_STORE_META_CURSOR, seq_text },
      { DK_STORE_META_SNAPSHOT_SEQ, seq_text },
      { DK_STORE_META_SNAPSHOT_CLASS, klass },
      { DK_STORE_META_SNAPSHOT_BUILT, built_text },
    };

    G_STATIC_ASSERT (G_N_ELEMENTS (pairs) == G_N_ELEMENTS (snapshot_meta_keys));
    for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
      {
        sqlite3_reset (stmt);
        sqlite3_bind_text (stmt, 1, pairs[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 2, pairs[i][1], -1, SQLITE_STATIC);
        if (sqlite3_step (stmt) != SQLITE_DONE)
          goto out;
      }
  }
  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    goto out;
  ok = TRUE;

out:
  if (!ok)
    set_file_error (db, dest, error);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ok;
}

/**
 * dk_store_write_snapshot:
 * @self: a #DkStore, filled by dk_store_apply_page*() up to @seq
 * @klass: the visibility class (DK_SNAPSHOT_CLASS_ANONYMOUS or _STAFF)
 * @seq: every change up to here is in the replica
 * @dest: the file to write; must not exist
 * @error: return location for a #GError
 *
 * Writes the replica as a snapshot: its search index optimized into one segment, the
 * whole compacted by VACUUM INTO (no free pages: nothing deleted is left in the bytes),
 * then the copy marked with the snapshot meta and stripped of any session meta. @self
 * keeps its data and meta and stays usable. On failure @dest is removed.
 *
 * Returns: %TRUE when @dest is complete and on disk
 */
gboolean
dk_store_write_snapshot (DkStore     *self,
                         const char  *klass,
                         gint64       seq,
                         const char  *dest,
                         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (klass != NULL && *klass != '\0', FALSE);
  g_return_val_if_fail (seq >= 0, FALSE);
  g_return_val_if_fail (dest != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  /* VACUUM cannot run inside a transaction */
  g_return_val_if_fail (self->depth == 0, FALSE);

  if (g_file_test (dest, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("Could not write the snapshot “%s”: the file exists"), dest);
      return FALSE;
    }

  /* One segment: a search on the client reads one b-tree per term instead of the
   * dozens a first sync's commits left, and VACUUM INTO then drops the merged ones. */
  if (!_dk_store_exec (self, "INSERT INTO cases_fts (cases_fts) VALUES ('optimize')", error))
    return FALSE;

  if (sqlite3_prepare_v2 (self->db, "VACUUM INTO ?1", -1, &stmt, NULL) != SQLITE_OK)
    return _dk_store_set_error (self, error);
  sqlite3_bind_text (stmt, 1, dest, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _dk_store_set_error (self, error);
      g_unlink (dest);
      return FALSE;
    }

  if (!mark_copy (dest, klass, seq, error))
    {
      g_unlink (dest);
      return FALSE;
    }

  g_debug ("Wrote the %s snapshot at seq %" G_GINT64_FORMAT " to %s", klass, seq, dest);
  return TRUE;
}

/* ---- checking (the client's side) ---- */


static gboolean
set_snapshot_error (GError      **error,
                    DkStoreError  code,
                    const char   *path,
                    const char   *reason)
{
  g_set_error (error, DK_STORE_ERROR, code, _("The snapshot “%s” cannot be used: %s"),
               path, reason);
  return FALSE;
}

static gboolean
set_damaged_error (GError     **error,
                   const char  *path,
                   const char  *detail)
{
  g_autofree char *reason = g_strdup_printf (_("it is damaged (%s)"), detail);

  return set_snapshot_error (error, DK_STORE_ERROR_CORRUPT, path, reason);
}

/* Ours, and of a schema this version knows (an older one is migrated later). */
static gboolean
check_header (sqlite3     *db,
              const char  *path,
              gint64      *out_schema,
              GError     **error)
{
  gint64 application_id = 0;
  gint64 schema = 0;

  if (!_dk_store_query_int64 (db, "PRAGMA application_id", &application_id) ||
      !_dk_store_query_int64 (db, "PRAGMA user_version", &schema))
    return set_damaged_error (error, path, sqlite3_errmsg (db));
  if (application_id != DK_STORE_APPLICATION_ID)
    return set_snapshot_error (error, DK_STORE_ERROR_CORRUPT, path,
                               _("it is not a Driftkoll replica"));
  if (schema > DK_STORE_SCHEMA_VERSION)
    {
      g_autofree char *reason =
        g_strdup_printf (_("it was made by a newer version of Driftkoll (schema %d; this "
                           "version knows up to %d)"), (int) schema, DK_STORE_SCHEMA_VERSION);

      return set_snapshot_error (error, DK_STORE_ERROR_TOO_NEW, path, reason);
    }
  if (schema < 1)
    return set_snapshot_error (error, DK_STORE_ERROR_CORRUPT, path,
                               _("it has no schema version"));

  *out_schema = schema;
  return TRUE;
}

/* SQLite's quick_check reads every page and checks the b-trees (not the indexes
 * against their tables, which integrity_check does at several times the cost). A byte
 * changed inside a row's text is not seen here: the download's CRC-32 catches that. */
static gboolean
check_pages (sqlite3     *db,
             const char  *path,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *detail = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *result = (const char *) sqlite3_column_text (stmt, 0);

      /* "*** in database main ***\nPage 4: …": one line */
      if (g_strcmp0 (result, "ok") != 0)
        detail = g_strdelimit (g_strdup (result != NULL ? result : "quick_check"), "\n", ' ');
    }
  else
    detail = g_strdup (sqlite3_errmsg (db));
  sqlite3_finalize (stmt);

  if (detail != NULL)
    return set_damaged_error (error, path, detail);
  return TRUE;
}

static gboolean
check_tables (sqlite3     *db,
              const char  *path,
              GError     **error)
{
  const char *missing = _dk_store_find_missing_table (db);

  if (missing != NULL)
    {
      g_autofree char *detail = g_strdup_printf (_("the table “%s” is missing"), missing);

      return set_damaged_error (error, path, detail);
    }
  return TRUE;
}

static gboolean
parse_meta_int (const char *text,
                gint64     *out)
{
  guint64 value = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &value, NULL))
    return FALSE;
  *out = (gint64) value;
  return TRUE;
}

static void
replace_text (char       **text,
              const char  *value)
{
  g_free (*text);
  *text = g_strdup (value);
}

/* The snapshot meta, and nothing else: a key of any other name is a session's or a
 * client's (username, roles, token storage, server URLs, ...) and never belongs in a
 * file the server hands out. */
static gboolean
check_meta (sqlite3              *db,
            const char           *path,
            DkStoreSnapshotInfo  *info,
            GError              **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *seq = NULL;
  g_autofree char *klass = NULL;
  g_autofree char *built = NULL;
  g_autofree char *foreign = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT key, value FROM meta ORDER BY key", -1, &stmt, NULL)
      != SQLITE_OK)
    return set_damaged_error (error, path, sqlite3_errmsg (db));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      const char *value = (const char *) sqlite3_column_text (stmt, 1);

      if (g_strcmp0 (key, DK_STORE_META_SNAPSHOT_SEQ) == 0)
        replace_text (&seq, value);
      else if (g_strcmp0 (key, DK_STORE_META_SNAPSHOT_CLASS) == 0)
        replace_text (&klass, value);
      else if (g_strcmp0 (key, DK_STORE_META_SNAPSHOT_BUILT) == 0)
        replace_text (&built, value);
      else if (g_strcmp0 (key, DK_STORE_META_CURSOR) != 0 && foreign == NULL)
        foreign = g_strdup (key != NULL ? key : "");
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_damaged_error (error, path, sqlite3_errmsg (db));

  if (foreign != NULL)
    {
      g_autofree char *reason =
        g_strdup_printf (_("it holds “%s”, which is a user’s and never in a snapshot"), foreign);

      return set_snapshot_error (error, DK_STORE_ERROR_CORRUPT, path, reason);
    }
  if (!parse_meta_int (seq, &info->seq) || klass == NULL || *klass == '\0' ||
      !parse_meta_int (built, &info->built_at))
    return set_snapshot_error (error, DK_STORE_ERROR_CORRUPT, path,
                               _("it does not say which snapshot it is (its seq, class and "
                                 "time)"));

  info->klass = g_steal_pointer (&klass);
  return TRUE;
}

/* What the file says about itself, read-only: nothing is written to a file we refuse. */
static gboolean
inspect_snapshot (const char           *path,
                  DkStoreSnapshotInfo  *info,
                  GError              **error)
{
  sqlite3 *db = NULL;
  gint64 schema = 0;
  gboolean ok;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return set_snapshot_error (error, DK_STORE_ERROR_CORRUPT, path, _("there is no such file"));
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      ok = set_damaged_error (error, path, db != NULL ? sqlite3_errmsg (db) : g_strerror (ENOMEM));
      sqlite3_close (db);
      return ok;
    }
  sqlite3_busy_timeout (db, 5000);

  ok = check_header (db, path, &schema, error) &&
       check_pages (db, path, error) &&
       check_tables (db, path, error) &&
       check_meta (db, path, info, error);
  info->schema = (int) schema;
  sqlite3_close (db);
  return ok;
}

/**
 * dk_store_prepare_snapshot:
 * @path: a downloaded snapshot
 * @info: (out caller-allocates) (optional): what snapshot it is
 * @error: return location for a #GError
 *
 * Checks that @path is a whole snapshot this version can install: SQLite's quick_check,
 * the application id, the tables, the snapshot meta and no other (no session key), a
 * schema no newer than ours. An older schema is migrated here (the file is opened as a
 * replica), and the file is left without a write-ahead log, ready for
 * dk_store_install_snapshot (). A refused file is not written to.
 *
 * Returns: %TRUE when the file can be installed; else %DK_STORE_ERROR_CORRUPT or
 *   %DK_STORE_ERROR_TOO_NEW (or _FAILED / _NO_SPACE when migrating failed)
 */
gboolean
dk_store_prepare_snapshot (const char           *path,
                           DkStoreSnapshotInfo  *info,
                           GError              **error)
{
  g_auto(DkStoreSnapshotInfo) found = { 0 };
  g_autoptr(DkStore) store = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!inspect_snapshot (path, &found, error))
    return FALSE;

  /* Opened as a replica: an older schema is migrated, in one transaction. In a
   * rollback journal, so that the file is whole on its own (no -wal beside it) when it
   * is renamed or copied. */
  store = _dk_store_open_alone (path, error);
  if (store == NULL)
    return FALSE;
  g_clear_object (&store);

  g_debug ("Snapshot %s: %s at seq %" G_GINT64_FORMAT ", schema %d", path, found.klass,
           found.seq, found.schema);
  if (info != NULL)
    {
      *info = found;
      memset (&found, 0, sizeof found);
    }
  return TRUE;
}

/* ---- installing ---- */

/* What is the client's and not the server's, copied from the live replica (attached as
 * "live") into the snapshot: the outbox and where its positions go on, the meta but the
 * cursor and the snapshot's own, what the notifiers and reminders told. Tables of one
 * schema version (the snapshot was migrated by prepare), so the columns line up. The
 * snapshot's cursor goes: the pull starts from 0 with base = snapshot-base. */
static const char copy_tables_sql[] =
  "DELETE FROM main.outbox;"
  "INSERT INTO main.outbox SELECT * FROM live.outbox;"
  "DELETE FROM main.sqlite_sequence WHERE name = 'outbox';"
  "INSERT INTO main.sqlite_sequence (name, seq)"
  "  SELECT name, seq FROM live.sqlite_sequence WHERE name = 'outbox';"
  "DELETE FROM main.meta WHERE key NOT LIKE 'snapshot-%';"
  "INSERT INTO main.meta (key, value) SELECT key, value FROM live.meta"
  "  WHERE key <> '" DK_STORE_META_CURSOR "' AND key NOT LIKE 'snapshot-%';"
  "DELETE FROM main.notified;"
  "INSERT INTO main.notified SELECT * FROM live.notified;"
  "DELETE FROM main.run_notified;"
  "INSERT INTO main.run_notified SELECT * FROM live.run_notified;"
  "DELETE FROM main.reminders;"
  "INSERT INTO main.reminders SELECT * FROM live.reminders;";

/* Every local version (a change not yet answered, or answered and waiting for the
 * server's copy at local_until), put over the snapshot's copy as a local change puts
 * it: the search index follows. One the snapshot's copy has caught up with goes, as it
 * would when that copy arrived by a pull. */
static gboolean
copy_local_versions (DkStore  *snap,
                     GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  if (sqlite3_prepare_v2 (snap->db,
                          "SELECT '" DK_TYPE_NAME_CASE "', id, local_data, local_until, number"
                          " FROM live.cases WHERE local_data IS NOT NULL"
                          " UNION ALL"
                          " SELECT type, id, local_data, local_until, NULL"
                          " FROM live.objects WHERE local_data IS NOT NULL",
                          -1, &stmt, NULL) != SQLITE_OK)
    return _dk_store_set_error (snap, error);

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *type = g_strdup (_dk_store_column_text (stmt, 0));
      g_autofree char *id = g_strdup (_dk_store_column_text (stmt, 1));
      g_autofree char *number = g_strdup (_dk_store_column_text (stmt, 4));
      gboolean waits = sqlite3_column_type (stmt, 3) != SQLITE_NULL;
      gint64 until = sqlite3_column_int64 (stmt, 3);
      g_autoptr(JsonNode) local = dk_json_parse (_dk_store_column_text (stmt, 2), -1, error);

      ok = local != NULL &&
           _dk_store_put_local (snap, type, id, local, error) &&
           /* the number the server gave a case made here, not in its local version */
           (number == NULL || _dk_store_set_case_number (snap, id, number, error)) &&
           (!waits || _dk_store_retire_local (snap, type, id, until, error));
    }
  if (ok && rc != SQLITE_DONE)
    ok = _dk_store_set_error (snap, error);
  sqlite3_finalize (stmt);

  return ok;
}

static gboolean
set_base (DkStore  *snap,
          gint64    seq,
          GError  **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, seq);

  return dk_store_set_meta (snap, DK_STORE_META_SNAPSHOT_BASE, text, error);
}

static gboolean
attach_live (DkStore     *snap,
             const char  *live_path,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (snap->db, "ATTACH DATABASE ?1 AS live", -1, &stmt, NULL) != SQLITE_OK)
    return _dk_store_set_error (snap, error);
  sqlite3_bind_text (stmt, 1, live_path, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _dk_store_set_error (snap, error);
  return TRUE;
}

/* Copies what is local from the replica at @live_path into the snapshot, in one
 * transaction of the snapshot's connection, with snapshot-base = @seq and no cursor.
 * @write_lock_live: the transaction also holds the replica's write lock (no connection
 * writes it meanwhile); without, the caller holds that lock already (the backup). */
static gboolean
copy_local_state (DkStore     *snap,
                  const char  *live_path,
                  gint64       seq,
                  gboolean     write_lock_live,
                  GError     **error)
{
  gboolean ok;

  if (!attach_live (snap, live_path, error))
    return FALSE;

  /* BEGIN IMMEDIATE takes the write lock of every database attached */
  ok = _dk_store_exec (snap, write_lock_live ? "BEGIN IMMEDIATE" : "BEGIN", error);
  if (ok)
    {
      snap->depth = 1;
      ok = _dk_store_exec (snap, copy_tables_sql, error) &&
           copy_local_versions (snap, error) &&
           set_base (snap, seq, error) &&
           _dk_store_exec (snap, "COMMIT", error);
      if (!ok)
        sqlite3_exec (snap->db, "ROLLBACK", NULL, NULL, NULL);
      snap->depth = 0;
    }

  /* statements that read live must go before it can be detached */
  g_hash_table_remove_all (snap->statements);
  if (sqlite3_exec (snap->db, "DETACH DATABASE live", NULL, NULL, NULL) != SQLITE_OK && ok)
    ok = _dk_store_set_error (snap, error);
  return ok;
}

static gint64
read_snapshot_seq (DkStore     *snap,
                   const char  *path,
                   GError     **error)
{
  g_autofree char *text = dk_store_dup_meta (snap, DK_STORE_META_SNAPSHOT_SEQ);
  gint64 seq = 0;

  if (!parse_meta_int (text, &seq))
    {
      set_snapshot_error (error, DK_STORE_ERROR_CORRUPT, path,
                          _("it does not say which snapshot it is (its seq, class and time)"));
      return -1;
    }
  return seq;
}

/* The snapshot file, closed by SQLite (its connection ran without syncs), reaches the
 * disk whole before it takes the replica's name. Opening and closing a descriptor of a
 * database file drops this process's SQLite locks on it: none is open any more. */
static gboolean
sync_file (const char  *path,
           GError     **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  int saved_errno;

  if (fd >= 0 && fsync (fd) == 0)
    {
      close (fd);
      return TRUE;
    }
  saved_errno = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _("Could not write the snapshot “%s” to the disk: %s"), path,
               g_strerror (saved_errno));
  return FALSE;
}

/* The directory entry of a rename reaches the disk. */
static void
sync_folder (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  int fd = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return;
  if (fsync (fd) != 0)
    g_debug ("Could not sync %s: %s", folder, g_strerror (errno));
  close (fd);
}

/* Opens every store of the file again; the first error is kept, the others still
 * reopen. */
static gboolean
reopen_all (GPtrArray  *stores,
            GError    **error)
{
  gboolean ok = TRUE;

  for (guint i = 0; i < stores->len; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!_dk_store_reopen_db (g_ptr_array_index (stores, i), &local_error))
        {
          g_critical ("Could not open the replica again: %s", local_error->message);
          if (ok)
            g_propagate_error (error, g_steal_pointer (&local_error));
          ok = FALSE;
        }
    }
  return ok;
}

typedef enum {
  INSTALLED,
  INSTALL_FAILED,
  INSTALL_SHARED,  /* another process has the file open: copy into it instead */
} InstallResult;

/*
 * The rename: the snapshot file becomes the replica. Only with the lock file's write
 * lock, i.e. no other Driftkoll process has the replica open (or can open it until the
 * lock is back to a read lock).
 *
 * Crash safety, step by step:
 * - until the rename, the replica is untouched: a crash leaves it as it was, with its
 *   outbox, and the snapshot file is only a download to check again;
 * - the local state is copied into the snapshot file in one transaction (a rollback
 *   journal, no syncs: the file is no replica yet, and a crash leaves at worst a
 *   download to fetch again), then the closed file is synced once before the rename:
 *   the new replica is complete on disk before its name is;
 * - rename () replaces the name atomically: a crash or a power cut leaves either the
 *   old replica or the new one, never a mix; the folder is synced after it;
 * - the old replica had no -wal at the rename (checked after every connection of this
 *   process closed, which checkpoints and removes it): nothing of it is left to be
 *   replayed into the new file;
 * - the new replica has no cursor and snapshot-base = S: a crash during the pull that
 *   follows resumes from where its committed pages left the cursor.
 * A process that is not Driftkoll (sqlite3) and opens the replica between the check for
 * -wal and the rename keeps the old file; it is not ours to lock out.
 */
static InstallResult
install_by_rename (DkStore     *self,
                   DkStore    **snap,
                   const char  *path,
                   gint64       seq,
                   GError     **error)
{
  g_autoptr(GPtrArray) stores = _dk_store_file_stores (self);
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);

  for (guint i = 0; i < stores->len; i++)
    {
      DkStore *store = g_ptr_array_index (stores, i);

      if (store->depth > 0)
        {
          g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED,
                       _("The local database is in the middle of a write; the snapshot "
                         "was not installed"));
          return INSTALL_FAILED;
        }
    }

  for (guint i = 0; i < stores->len; i++)
    _dk_store_close_db (g_ptr_array_index (stores, i));

  /* The last connection to close removes the log; still there, another one (a
   * process that takes no lock) has the file open. */
  if (g_file_test (wal, G_FILE_TEST_EXISTS))
    {
      g_debug ("%s is open elsewhere: copying the snapshot into it", self->path);
      if (!reopen_all (stores, error))
        return INSTALL_FAILED;
      return INSTALL_SHARED;
    }

  /* Marked as a WAL file on its own connection (no syncs: the one below covers it),
   * which the last close leaves without a -wal: the replica's connections then open it
   * without rewriting its header under a rollback journal of their own. */
  if (!copy_local_state (*snap, self->path, seq, TRUE, error) ||
      !_dk_store_exec (*snap, "PRAGMA journal_mode = WAL", error))
    {
      reopen_all (stores, NULL);
      return INSTALL_FAILED;
    }
  g_clear_object (snap);
  if (!sync_file (path, error))
    {
      reopen_all (stores, NULL);
      return INSTALL_FAILED;
    }

  if (g_rename (path, self->path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not put the snapshot in place of “%s”: %s"), self->path,
                   g_strerror (saved_errno));
      reopen_all (stores, NULL);
      return INSTALL_FAILED;
    }
  sync_folder (self->path);

  if (!reopen_all (stores, error))
    return INSTALL_FAILED;
  return INSTALLED;
}

/*
 * The copy: when another process has the replica open (the cli beside the app), its
 * file cannot be replaced under it. sqlite3_backup writes the snapshot's pages into the
 * replica as one write transaction of its own, which every connection (ours and the
 * other process's) sees at its next read; a crash or power cut rolls it back whole.
 *
 * The destination's write lock is taken first (a backup step of no pages) and held to
 * the end, and the local state is read from the replica under it: nothing written to
 * the replica after that read can be lost by the copy. The snapshot's connection is
 * the backup's source, so what it writes meanwhile goes into the copy too.
 */
static gboolean
install_by_backup (DkStore  *self,
                   DkStore  *snap,
                   gint64    seq,
                   GError  **error)
{
  g_autoptr(GPtrArray) stores = NULL;
  sqlite3 *dest = NULL;
  sqlite3_backup *backup = NULL;
  gint64 dest_page_size = 0;
  gint64 snap_page_size = 0;
  gboolean ok = FALSE;
  int rc;

  if (sqlite3_open_v2 (self->path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)
      != SQLITE_OK)
    goto out;
  sqlite3_busy_timeout (dest, 5000);
  /* SQLite cannot copy pages of another size into a file in WAL mode (a replica made
   * before 16 KiB pages); the rename can, once the other process is gone. */
  if (!_dk_store_query_int64 (dest, "PRAGMA page_size", &dest_page_size) ||
      !_dk_store_query_int64 (snap->db, "PRAGMA page_size", &snap_page_size))
    goto out;
  if (dest_page_size != snap_page_size)
    {
      g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED,
                   _("Could not copy the snapshot into “%s” while another program has it "
                     "open: its pages are of another size"), self->path);
      sqlite3_close (dest);
      return FALSE;
    }
  backup = sqlite3_backup_init (dest, "main", snap->db, "main");
  if (backup == NULL)
    goto out;
  rc = sqlite3_backup_step (backup, 0);
  if (rc != SQLITE_OK && rc != SQLITE_DONE)
    goto out;

  if (!copy_local_state (snap, self->path, seq, FALSE, error))
    {
      sqlite3_backup_finish (backup);  /* rolls the destination back */
      sqlite3_close (dest);
      return FALSE;
    }

  rc = sqlite3_backup_step (backup, -1);
  if (rc != SQLITE_DONE)
    goto out;
  rc = sqlite3_backup_finish (backup);
  backup = NULL;
  if (rc != SQLITE_OK)
    goto out;
  ok = TRUE;

out:
  if (!ok)
    {
      /* the backup's error is the destination's */
      if (backup != NULL)
        sqlite3_backup_finish (backup);
      g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED,
                   _("Could not copy the snapshot into “%s”: %s"), self->path,
                   dest != NULL ? sqlite3_errmsg (dest) : g_strerror (ENOMEM));
    }
  sqlite3_close (dest);
  if (!ok)
    return FALSE;

  /* The stores keep their connections; what they kept of the old data goes. */
  stores = _dk_store_file_stores (self);
  for (guint i = 0; i < stores->len; i++)
    {
      DkStore *store = g_ptr_array_index (stores, i);

      g_hash_table_remove_all (store->service_names);
      _dk_store_watch_reset (store);
    }
  return TRUE;
}

static void
remove_snapshot_file (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);

      g_unlink (name);
    }
}

/**
 * dk_store_install_snapshot:
 * @self: the replica
 * @path: a snapshot checked by dk_store_prepare_snapshot ()
 * @error: return location for a #GError
 *
 * Puts the snapshot in place of @self's replica, keeping what is local (see
 * dk-store.h). When no other process has the replica open, the snapshot file is renamed
 * over it and every store of this process on the file is reopened on the new one (new
 * connections, caches emptied); else the snapshot is copied into the replica with
 * sqlite3_backup. Either is atomic. Every store of the file then says
 * "revision-changed" (SERVER).
 *
 * Call on @self's thread, outside a transaction, while no other thread uses a store on
 * the same file (the sync pass waits for it).
 *
 * Returns: %TRUE when installed (@path is gone); else the replica is as it was
 */
gboolean
dk_store_install_snapshot (DkStore     *self,
                           const char  *path,
                           GError     **error)
{
  g_autoptr(DkStore) snap = NULL;
  InstallResult result = INSTALL_SHARED;
  gint64 seq;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (self->depth == 0, FALSE);

  snap = _dk_store_open_alone (path, error);
  if (snap == NULL)
    return FALSE;
  seq = read_snapshot_seq (snap, path, error);
  if (seq < 0)
    return FALSE;

  if (_dk_store_lock_file (self, TRUE))
    {
      result = install_by_rename (self, &snap, path, seq, error);
      _dk_store_lock_file (self, FALSE);
    }
  else
    g_debug ("Another process has %s open: copying the snapshot into it", self->path);

  if (result == INSTALL_FAILED)
    return FALSE;
  if (result == INSTALL_SHARED && !install_by_backup (self, snap, seq, error))
    return FALSE;

  g_clear_object (&snap);
  remove_snapshot_file (path);
  g_debug ("Installed the snapshot at seq %" G_GINT64_FORMAT " in %s (%s)", seq, self->path,
           result == INSTALLED ? "renamed" : "copied");
  _dk_store_note_change (self, DK_STORE_CHANGE_SERVER);
  return TRUE;
}

/**
 * dk_store_get_snapshot_base:
 * @self: a #DkStore
 *
 * Returns: the seq of the snapshot the replica was installed from while its cursor is
 *   below it (the pull then sends it as "base"); else 0
 */
gint64
dk_store_get_snapshot_base (DkStore *self)
{
  g_autofree char *text = NULL;
  gint64 base = 0;

  g_return_val_if_fail (DK_IS_STORE (self), 0);

  text = dk_store_dup_meta (self, DK_STORE_META_SNAPSHOT_BASE);
  if (!parse_meta_int (text, &base) || base <= dk_store_get_cursor (self))
    return 0;
  return base;
}
