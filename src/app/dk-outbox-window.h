/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-outbox-window.h: the local changes in the outbox, rejected and conflicting ones
 * with a way to discard them */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_OUTBOX_WINDOW (dk_outbox_window_get_type ())
G_DECLARE_FINAL_TYPE (DkOutboxWindow, dk_outbox_window, DK, OUTBOX_WINDOW, AdwWindow)

GtkWindow *dk_outbox_window_new (GtkWindow    *parent,
                                 DkSyncEngine *engine);

G_END_DECLS
