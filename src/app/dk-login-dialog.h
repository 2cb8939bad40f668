/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-login-dialog.h: the modal window that logs in to the server */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_LOGIN_DIALOG (dk_login_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DkLoginDialog, dk_login_dialog, DK, LOGIN_DIALOG, AdwWindow)

GtkWindow *dk_login_dialog_new (GtkWindow    *parent,
                                DkSyncEngine *engine);

G_END_DECLS
