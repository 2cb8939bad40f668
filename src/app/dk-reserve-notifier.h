/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-reserve-notifier.h: a critical notification when the reserve routine is declared
 * for this desktop's unit (GSettings "unit"), or for all units, and one when it is lifted
 *
 * Connects to the engine's "changed" and the "unit" key itself; on/off with the
 * "notifications" key. What was told per case (the declaration's id) is kept in the
 * replica's meta ("reserve-notified"), so a restart does not tell it again. The user's
 * own declarations are no news to them.
 */
#pragma once

#include <gio/gio.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_RESERVE_NOTIFIER (dk_reserve_notifier_get_type ())
G_DECLARE_FINAL_TYPE (DkReserveNotifier, dk_reserve_notifier, DK, RESERVE_NOTIFIER, GObject)

DkReserveNotifier *dk_reserve_notifier_new (GApplication *app,
                                            DkSyncEngine *engine,
                                            GSettings    *settings);

G_END_DECLS
