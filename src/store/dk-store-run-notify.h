/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-run-notify.h: which closings of a run's case the post-registration
 * notification has looked at
 *
 * When the case a run is tied to closes, the run moves to its after phase and the
 * people who worked in it are told to post-register (dk-run-notifier.h). The replica
 * keeps, per run and user, the closing that was looked at (the case's closed_at) and
 * whether the user was told, so that a restart does not tell it again, and a case that
 * is closed again later (a new closed_at) is a new closing.
 */
#pragma once

#include "dk-store.h"

G_BEGIN_DECLS

/* A run whose tied case is closed, with that case. */
typedef struct {
  DkRun  *run;
  DkCase *kase;
} DkClosedRun;

void        dk_closed_run_free                (DkClosedRun  *closed);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkClosedRun, dk_closed_run_free)

/* The runs tied to a case closed at or after @closed_since whose closing was not yet
 * looked at for @username, the earliest closing first. (element-type DkClosedRun) */
GPtrArray  *dk_store_list_unlooked_closed_runs (DkStore     *self,
                                               const char  *username,
                                               gint64       closed_since,
                                               GError     **error);
/* Records that the closing at @closed_at of @run_id's case was looked at for @username,
 * and whether the user was told. */
gboolean    dk_store_record_run_looked_at     (DkStore     *self,
                                               const char  *run_id,
                                               const char  *username,
                                               gint64       closed_at,
                                               gboolean     told,
                                               GError     **error);
/* The closing last looked at (DK_TIME_UNSET when none) and whether the user was told. */
gboolean    dk_store_get_run_looked_at        (DkStore     *self,
                                               const char  *run_id,
                                               const char  *username,
                                               gint64      *out_closed_at,
                                               gboolean    *out_told,
                                               GError     **error);

G_END_DECLS
