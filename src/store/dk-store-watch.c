/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-watch.c: noticing commits by other processes on the replica (the cli beside
 * the app)
 *
 * A commit appends to the write-ahead log, so a file monitor on it wakes the store on its
 * context; SQLite's data_version then says whether another connection committed (our
 * own commits do not move it). In-process connections announce themselves (dk-store.c);
 * what they committed is in the fingerprint of the cursor and the outbox taken when they
 * were announced, so only what another process did is told again. What changed is read
 * from the fingerprint: the cursor moved (SERVER), the outbox grew (LOCAL), entries were
 * answered or changed state (OUTBOX).
 */

#define G_LOG_DOMAIN "dk-store"

#include "config.h"

#include "dk-store-private.h"

/* How soon after a write the store looks, at most. */
#define WATCH_RATE_LIMIT_MS 200

static gboolean
read_data_version (DkStore *self,
                   gint64  *out)
{
  sqlite3_stmt *stmt = _dk_store_prepare (self, "PRAGMA data_version", NULL);
  gboolean ok;

  if (stmt == NULL)
    return FALSE;
  ok = sqlite3_step (stmt) == SQLITE_ROW;
  if (ok)
    *out = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return ok;
}

char *
_dk_store_watch_fingerprint (DkStore *self)
{
  sqlite3_stmt *stmt;
  char *fingerprint = NULL;

  stmt = _dk_store_prepare (self,
                            "SELECT (SELECT value FROM meta WHERE key = '" DK_STORE_META_CURSOR "'),"
                            " (SELECT max (position) FROM outbox), (SELECT count (*) FROM outbox),"
                            " (SELECT total (state) FROM outbox)", NULL);
  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    fingerprint = g_strdup_printf ("%s|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT
                                   "|%" G_GINT64_FORMAT,
                                   _dk_store_column_text (stmt, 0) != NULL
                                     ? _dk_store_column_text (stmt, 0) : "0",
                                   (gint64) sqlite3_column_int64 (stmt, 1),
                                   (gint64) sqlite3_column_int64 (stmt, 2),
                                   (gint64) sqlite3_column_double (stmt, 3));
  sqlite3_reset (stmt);

  return fingerprint;
}

/* What changed between two fingerprints, as DkStoreChange. */
static guint
compare_fingerprints (const char *before,
                      const char *after)
{
  g_auto(GStrv) a = g_strsplit (before != NULL ? before : "0|0|0|0", "|", 4);
  g_auto(GStrv) b = g_strsplit (after, "|", 4);
  guint changes = 0;

  if (g_strv_length (a) != 4 || g_strv_length (b) != 4)
    return DK_STORE_CHANGE_SERVER | DK_STORE_CHANGE_LOCAL | DK_STORE_CHANGE_OUTBOX;

  if (!g_str_equal (a[0], b[0]))
    changes |= DK_STORE_CHANGE_SERVER;
  if (g_ascii_strtoll (b[1], NULL, 10) > g_ascii_strtoll (a[1], NULL, 10))
    changes |= DK_STORE_CHANGE_LOCAL;
  if (!g_str_equal (a[2], b[2]) || !g_str_equal (a[3], b[3]))
    changes |= DK_STORE_CHANGE_OUTBOX;
  /* added and answered as many as were there: the newest position still tells */
  if (changes == DK_STORE_CHANGE_LOCAL)
    changes |= DK_STORE_CHANGE_OUTBOX;

  return changes;
}

static void
dk_store_wal_changed_cb (DkStore           *self,
                         GFile             *file,
                         GFile             *other_file,
                         GFileMonitorEvent  event,
                         GFileMonitor      *monitor)
{
  g_autofree char *fingerprint = NULL;
  gint64 version = 0;
  guint changes;

  g_assert (DK_IS_STORE (self));

  if (event != G_FILE_MONITOR_EVENT_CHANGED && event != G_FILE_MONITOR_EVENT_CREATED &&
      event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT)
    return;
  /* inside a transaction of our own (a nested main loop): look after it */
  if (self->depth > 0 || !read_data_version (self, &version) || version == self->data_version)
    return;
  self->data_version = version;

  fingerprint = _dk_store_watch_fingerprint (self);
  if (fingerprint == NULL || g_strcmp0 (fingerprint, self->fingerprint) == 0)
    return;
  changes = compare_fingerprints (self->fingerprint, fingerprint);
  g_free (self->fingerprint);
  self->fingerprint = g_steal_pointer (&fingerprint);

  g_debug ("Another process changed %s (%#x)", self->path, changes);
  _dk_store_note_change (self, changes);
}

/**
 * dk_store_watch_other_writers:
 * @self: a #DkStore
 *
 * From now on "revision-changed" tells commits made by other processes on the same
 * file too (the cli next to the app), shortly after they happen. Call it on the thread
 * that opened the store.
 */
void
dk_store_watch_other_writers (DkStore *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wal_path = NULL;
  g_autoptr(GFile) wal = NULL;

  g_return_if_fail (DK_IS_STORE (self));

  if (self->wal_monitor != NULL)
    return;

  read_data_version (self, &self->data_version);
  g_free (self->fingerprint);
  self->fingerprint = _dk_store_watch_fingerprint (self);

  wal_path = g_strconcat (self->path, "-wal", NULL);
  wal = g_file_new_for_path (wal_path);
  self->wal_monitor = g_file_monitor_file (wal, G_FILE_MONITOR_NONE, NULL, &error);
  if (self->wal_monitor == NULL)
    {
      g_debug ("Cannot watch %s: %s; other processes' changes show at the next sync",
               wal_path, error->message);
      return;
    }
  g_file_monitor_set_rate_limit (self->wal_monitor, WATCH_RATE_LIMIT_MS);
  g_signal_connect_object (self->wal_monitor, "changed", G_CALLBACK (dk_store_wal_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

void
_dk_store_watch_reset (DkStore *self)
{
  if (self->wal_monitor == NULL)
    return;

  /* data_version counts per connection: the new one starts over */
  read_data_version (self, &self->data_version);
  g_free (self->fingerprint);
  self->fingerprint = _dk_store_watch_fingerprint (self);
}

void
_dk_store_watch_dispose (DkStore *self)
{
  if (self->wal_monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->wal_monitor, self);
      g_file_monitor_cancel (self->wal_monitor);
    }
  g_clear_object (&self->wal_monitor);
  g_clear_pointer (&self->fingerprint, g_free);
}
