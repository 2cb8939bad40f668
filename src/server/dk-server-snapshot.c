/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-snapshot.c: building, keeping and choosing replica snapshots */

#define G_LOG_DOMAIN "dk-server-snapshot"

#include "config.h"

#include "dk-protocol.h"
#include "dk-server-snapshot.h"

/* STEP 0 STUBS: the server-build helper (H1) replaces every one below. */

const char *
dk_server_snapshot_class_to_string (DkServerSnapshotClass klass)
{
  return klass == DK_SERVER_SNAPSHOT_STAFF ? DK_SNAPSHOT_CLASS_STAFF
                                           : DK_SNAPSHOT_CLASS_ANONYMOUS;
}

static void
snapshot_file_clear (gpointer data)
{
  DkServerSnapshotFile *file = data;

  g_clear_pointer (&file->bytes, g_bytes_unref);
  g_clear_pointer (&file->etag, g_free);
}

DkServerSnapshotFile *
dk_server_snapshot_file_ref (DkServerSnapshotFile *file)
{
  return g_atomic_rc_box_acquire (file);
}

void
dk_server_snapshot_file_unref (DkServerSnapshotFile *file)
{
  g_atomic_rc_box_release_full (file, snapshot_file_clear);
}

gboolean
dk_server_snapshot_build (const char  *db_path,
                          const char  *dir,
                          GError     **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not yet");
  return FALSE;
}

gboolean
dk_server_snapshot_is_stale (gboolean have,
                             gint64   rows,
                             gint64   changed,
                             gint64   age_s,
                             gint64   min_interval_s)
{
  return FALSE;
}

struct _DkServerSnapshots
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (DkServerSnapshots, dk_server_snapshots, G_TYPE_OBJECT)

static void
dk_server_snapshots_class_init (DkServerSnapshotsClass *klass)
{
}

static void
dk_server_snapshots_init (DkServerSnapshots *self)
{
}

DkServerSnapshots *
dk_server_snapshots_new (const char  *db_path,
                         const char  *dir,
                         GError     **error)
{
  return g_object_new (DK_TYPE_SERVER_SNAPSHOTS, NULL);
}

void
dk_server_snapshots_note_seq (DkServerSnapshots *self,
                              gint64             seq)
{
}

DkServerSnapshotFile *
dk_server_snapshots_get (DkServerSnapshots      *self,
                         DkServerSnapshotClass   klass,
                         const char             *content_type,
                         const char             *etag)
{
  return NULL;
}
