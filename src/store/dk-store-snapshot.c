/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-snapshot.c: a whole replica as a snapshot: written by the server, checked and
 * installed by a client's first sync */

#define G_LOG_DOMAIN "dk-store"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-store-private.h"

void
dk_store_snapshot_info_clear (DkStoreSnapshotInfo *info)
{
  g_clear_pointer (&info->klass, g_free);
}

/* STEP 0 STUBS: the store helper (H3) replaces every one below. */

gboolean
dk_store_write_snapshot (DkStore     *self,
                         const char  *klass,
                         gint64       seq,
                         const char  *dest,
                         GError     **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not yet");
  return FALSE;
}

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
