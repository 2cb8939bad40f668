/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-snapshot.h: downloading and checking the server's replica snapshot for a first
 * sync (private to libdk-sync) */
#pragma once

#include <libsoup/soup.h>

#include "dk-store.h"

G_BEGIN_DECLS

/* Called from the downloading thread with the encoded bytes so far and in all (0 while
 * unknown); at most ten times a second. */
typedef void (*DkSyncSnapshotProgress) (guint64  received,
                                        guint64  total,
                                        gpointer user_data);

/* Downloads the snapshot of the caller's class (@token NULL: anonymous) from
 * @server_url ("…/", as the engine keeps it) next to @replica_path, resuming a partial
 * download found there, checks it (headers, size, CRC-32, dk_store_prepare_snapshot ())
 * and returns the path of the checked file in @out_path and what it is in @info.
 * Synchronous: the sync pass's thread. Errors:
 *   G_IO_ERROR_NOT_FOUND      the server has none for us (404 no_snapshot, an older
 *                             server); nothing kept
 *   DK_STORE_ERROR_CORRUPT, _TOO_NEW  a damaged or unusable one (wrong class, newer
 *                             schema, size or CRC-32, quick_check): deleted, and not
 *                             asked for again by this process
 *   DK_SYNC_ERROR_OFFLINE, _TLS  the link (unreachable, cut more than
 *                             DK_SYNC_PULL_CUT_RETRIES times in a row without progress,
 *                             timed out): the partial files are kept for the next pass
 *                             when a frame of them is whole
 *   DK_SYNC_ERROR_NEEDS_LOGIN (401), _SERVER (5xx, a range not asked for), _REFUSED (4xx)
 *   G_IO_ERROR_NO_SPACE, G_FILE_ERROR_NOSPC  the disk is full: nothing kept
 *   G_IO_ERROR_BUSY           another process is downloading beside this replica
 *   G_IO_ERROR_CANCELLED      the partial files are kept */
gboolean _dk_sync_snapshot_download (SoupSession             *session,
                                     const char              *server_url,
                                     const char              *token,
                                     const char              *replica_path,
                                     DkSyncSnapshotProgress   progress,
                                     gpointer                 user_data,
                                     char                   **out_path,
                                     DkStoreSnapshotInfo     *info,
                                     GCancellable            *cancellable,
                                     GError                 **error);

/* Deletes what a download left beside @replica_path (part, sidecar, a checked file not
 * installed) unless another process is writing it: for a replica that has a cursor and
 * no snapshot tail under way, so a download given up is not kept for ever. */
void     _dk_sync_snapshot_discard  (const char              *replica_path);

G_END_DECLS
