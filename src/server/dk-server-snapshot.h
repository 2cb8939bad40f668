/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-snapshot.h: ready-made replica snapshots, one per visibility class, rebuilt
 * in the background when enough has changed */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The callers that see the same shared objects: a snapshot of one class never goes to
 * another. Strings: DK_SNAPSHOT_CLASS_* (dk-protocol.h). */
typedef enum {
  DK_SERVER_SNAPSHOT_ANONYMOUS,
  DK_SERVER_SNAPSHOT_STAFF,
  DK_SERVER_SNAPSHOT_N_CLASSES
} DkServerSnapshotClass;

const char *dk_server_snapshot_class_to_string (DkServerSnapshotClass klass);

/* One built snapshot as served, in one representation (zstd frames or the plain file).
 * Reference counted (g_atomic_rc_box); holds its file mapped, so a response in flight
 * keeps it whole while a newer one replaces it. */
typedef struct {
  DkServerSnapshotClass  klass;
  gint64                 seq;        /* every change up to here */
  int                    schema;     /* the replica schema (DK_STORE_SCHEMA_VERSION) */
  gint64                 built_at;   /* Unix seconds */
  gint64                 rows;       /* objects in it */
  GBytes                *bytes;      /* the representation: .db.zst or .db */
  const char            *content_type; /* DK_SNAPSHOT_TYPE_ZSTD or _SQLITE */
  char                  *etag;       /* strong, with its quotes */
  guint64                size;       /* of the decoded .db */
  guint32                crc32;      /* of the decoded .db */
} DkServerSnapshotFile;

DkServerSnapshotFile *dk_server_snapshot_file_ref   (DkServerSnapshotFile *file);
void                  dk_server_snapshot_file_unref (DkServerSnapshotFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkServerSnapshotFile, dk_server_snapshot_file_unref)

/* Builds a snapshot of every class from the database at @db_path into @dir (made when
 * missing), all at one seq, and makes it the newest there (keeping the one before).
 * Synchronous, for `driftkoll-server snapshot`; waits for a build in progress in @dir
 * (serve's builder) first. */
gboolean    dk_server_snapshot_build   (const char  *db_path,
                                        const char  *dir,
                                        GError     **error);

/* The folder a database's snapshots are kept in when none is named. */
char       *dk_server_snapshot_default_dir (const char  *db_path);
/* Removes the snapshots kept in @dir (restore: none may outlive their database). */
gboolean    dk_server_snapshot_clear   (const char  *dir,
                                        guint       *n_removed,
                                        GError     **error);

/* The rebuild rule: a snapshot is stale when there is none and @rows > 0, or when
 * @changed (rows changed since it) is 5 % of @rows or more, or when anything changed
 * and it is an hour old; never sooner than @min_interval_s after the last one. */
gboolean    dk_server_snapshot_is_stale (gboolean  have,
                                         gint64    rows,
                                         gint64    changed,
                                         gint64    age_s,
                                         gint64    min_interval_s);

#define DK_TYPE_SERVER_SNAPSHOTS (dk_server_snapshots_get_type ())
G_DECLARE_FINAL_TYPE (DkServerSnapshots, dk_server_snapshots, DK, SERVER_SNAPSHOTS, GObject)

/* The snapshots of the database at @db_path, kept in @dir (NULL: "<db_path>.snapshots").
 * Loads the newest there; builds in a thread of its own when stale (checked on
 * dk_server_snapshots_note_seq () and every minute, from the first minute on), never
 * blocking the caller. */
DkServerSnapshots    *dk_server_snapshots_new      (const char             *db_path,
                                                    const char             *dir,
                                                    GError                **error);
/* A commit reached @seq. Main context. */
void                  dk_server_snapshots_note_seq (DkServerSnapshots      *self,
                                                    gint64                  seq);
/* The newest snapshot of @klass in @content_type, or, when @etag names the one kept
 * before it, that one (a resumed download). NULL when there is none. */
DkServerSnapshotFile *dk_server_snapshots_get      (DkServerSnapshots      *self,
                                                    DkServerSnapshotClass   klass,
                                                    const char             *content_type,
                                                    const char             *etag);

G_END_DECLS
