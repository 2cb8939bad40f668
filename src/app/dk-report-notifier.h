/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-report-notifier.h: tells reporters when their reports change state
 *
 * A report the logged-in user made that is acknowledged, linked to a case (with the
 * case's number; "Open case" opens it) or closed (with the handler's note) is told in a
 * desktop notification, once per state. What was last told of each report is kept in the
 * replica's meta ("report-notified:USERNAME", a JSON object id → state), so a restart
 * repeats nothing and loses nothing; a report seen for the first time is news only when
 * a handler changed it in the last STALE_DAYS days. The settings key
 * "notifications" off: looked at, not told.
 *
 * Created beside DkNotifier and DkRunNotifier, the same way.
 */
#pragma once

#include <gio/gio.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_REPORT_NOTIFIER (dk_report_notifier_get_type ())
G_DECLARE_FINAL_TYPE (DkReportNotifier, dk_report_notifier, DK, REPORT_NOTIFIER, GObject)

DkReportNotifier *dk_report_notifier_new (GApplication *app,
                                          DkSyncEngine *engine,
                                          GSettings    *settings);

G_END_DECLS
