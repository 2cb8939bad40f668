/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-resend-dialog.h: a change the server refused, its texts opened for editing and sent
 * again */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_RESEND_DIALOG (dk_resend_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DkResendDialog, dk_resend_dialog, DK, RESEND_DIALOG, AdwWindow)

/* NULL (with a message logged) when the entry is gone or was not refused. */
GtkWindow *dk_resend_dialog_new (GtkWindow    *parent,
                                 DkSyncEngine *engine,
                                 const char   *mutation_id);

G_END_DECLS
