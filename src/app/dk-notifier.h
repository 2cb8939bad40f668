/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-notifier.h: libnotify notifications for what the user follows
 *
 * Connects to the engine's "changed" and "notify::state" signals itself; notifications
 * are on/off by the settings key "notifications" alone (the subscription's "notify" is
 * kept for older clients and ignored).
 * Actions call g_action_group_activate_action (app, "open-case" / "open-routine", id).
 * After a start or a long offline spell, one summary notification instead of a flood.
 * What was last notified per case is kept in the replica (dk-store-notify.h).
 */
#pragma once

#include <gio/gio.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_NOTIFIER (dk_notifier_get_type ())
G_DECLARE_FINAL_TYPE (DkNotifier, dk_notifier, DK, NOTIFIER, GObject)

DkNotifier *dk_notifier_new (GApplication *app,
                             DkSyncEngine *engine,
                             GSettings    *settings);
/* The body of the notification shown when @kase is published (the composer's preview). */
char       *dk_notifier_dup_published_body (const DkCase *kase);

/*
 * Properties: "catch-up-seconds" (guint, 600): an offline spell longer than this ends
 *   with one summary notification for what changed meanwhile.
 */

G_END_DECLS
