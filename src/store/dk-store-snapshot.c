/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-snapshot.c: a whole replica as a snapshot: written by the server, checked and
 * installed by a client's first sync */

#define G_LOG_DOMAIN "dk-store"

#include "config.h"

#include <errno.h>

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

/* STEP 0 STUBS: the store helper (H3) replaces every one below. */

gboolean
dk_store_prepare_snapshot (const char           *path,
                           DkStoreSnapshotInfo  *info,
                           GError              **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not yet");
  return FALSE;
}

gboolean
dk_store_install_snapshot (DkStore     *self,
                           const char  *path,
                           GError     **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not yet");
  return FALSE;
}

gint64
dk_store_get_snapshot_base (DkStore *self)
{
  return 0;
}
