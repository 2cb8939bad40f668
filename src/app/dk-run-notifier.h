/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-run-notifier.h: tells the people who worked in a run to post-register when its case
 * closes
 *
 * When a case the replica knows closes, each run tied to it moves to its after phase
 * (dk-run-progress.h). If the logged-in user ticked a step or wrote a note in the run,
 * one notification per run says so: "Post-register: <routine> on <unit>", with how long
 * the outage lasted, the deadline the routine gives (or, when it gives none for this
 * outage, that the administration announces how), the after-phase steps that apply and
 * those that do not, with the reason. Its "Open run" action and its default action call
 * g_action_group_activate_action (app, "open-run", run id).
 *
 * Each closing is looked at once per run and user, kept in the replica
 * (dk-store-run-notify.h), so a restart does not repeat it; a closing whose deadline has
 * passed (or, without a deadline, that is over STALE_DAYS old) is not told. The settings
 * key "notifications" off: closings are looked at but not told.
 *
 * Created beside DkNotifier, the same way: with the GApplication, the engine and the
 * app's GSettings. It looks once the engine has applied changes and is no longer
 * syncing, and once at start.
 */
#pragma once

#include <gio/gio.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_RUN_NOTIFIER (dk_run_notifier_get_type ())
G_DECLARE_FINAL_TYPE (DkRunNotifier, dk_run_notifier, DK, RUN_NOTIFIER, GObject)

DkRunNotifier *dk_run_notifier_new (GApplication *app,
                                    DkSyncEngine *engine,
                                    GSettings    *settings);

G_END_DECLS
