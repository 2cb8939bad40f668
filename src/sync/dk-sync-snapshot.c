/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-snapshot.c: a first sync's snapshot: download (resumable), decode, check */

#define G_LOG_DOMAIN "dk-sync-snapshot"

#include "config.h"

#include "dk-sync-snapshot.h"

/* STEP 0 STUB: the client-snapshot helper (H5) replaces this. */
gboolean
_dk_sync_snapshot_download (SoupSession             *session,
                            const char              *server_url,
                            const char              *token,
                            const char              *replica_path,
                            DkSyncSnapshotProgress   progress,
                            gpointer                 user_data,
                            char                   **out_path,
                            DkStoreSnapshotInfo     *info,
                            GCancellable            *cancellable,
                            GError                 **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "not yet");
  return FALSE;
}
