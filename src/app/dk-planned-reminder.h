/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-planned-reminder.h: reminders of followed planned work, from the replica
 *
 * A planned action the user follows (their subscription, as DkNotifier decides it) is
 * reminded of ahead of its start (GSettings "planned-reminders": minutes before, default
 * 24 h and 1 h; empty = none), when it starts and when it should end
 * ("planned-reminder-start-end"). Once the user was reminded, a moved start, a later end,
 * a cancellation (closed before its start, no longer a planned action, gone) and the
 * closing are told too; DkNotifier then leaves that case's end and closing to these.
 *
 * The times are in the replica, so this works offline: a timer is set for the next
 * moment of any case (dk-reminder.h plans them, pure functions), and everything is
 * planned again when the store says "revision-changed" (a sync, the cli; while the
 * engine syncs, once it is done), when the settings change, when the computer wakes
 * (logind's PrepareForSleep) and at least every "max-wait-seconds" (a clock jump or a
 * sleep without logind is noticed then). A moment
 * that passed longer ago than "stale-seconds" is skipped, several due for one case fold
 * into the latest, and more than a few cases at once make one summary notification: no
 * storm after a long sleep. What was told is kept in the replica (dk-store-reminders.h)
 * and claimed before it is shown, so each reminder is given once per replica even when
 * two apps share it; the cli never reminds.
 *
 * The clock is dk_time_clock_now (), which tests speed up with DRIFTKOLL_TEST_CLOCK
 * (dk-time.h). Clicking a reminder activates app.open-case with the case's id.
 */
#pragma once

#include <gio/gio.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_PLANNED_REMINDER (dk_planned_reminder_get_type ())
G_DECLARE_FINAL_TYPE (DkPlannedReminder, dk_planned_reminder, DK, PLANNED_REMINDER, GObject)

DkPlannedReminder *dk_planned_reminder_new (GApplication *app,
                                            DkSyncEngine *engine,
                                            GSettings    *settings);

G_END_DECLS
