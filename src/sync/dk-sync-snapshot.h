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
 * Synchronous: the sync pass's thread. Errors: G_IO_ERROR_NOT_FOUND when the server has
 * none for us (404 no_snapshot, or an older server), DK_SYNC_ERROR_OFFLINE-like network
 * errors as the engine's send reports them, DK_STORE_ERROR_CORRUPT for a damaged one
 * (already deleted, and not asked for again by this process). The caller falls back to
 * paging from 0 on any error but a cancellation. */
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

G_END_DECLS
