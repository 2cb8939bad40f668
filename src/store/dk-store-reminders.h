/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-reminders.h: what the reminders of planned work told, per case
 *
 * The scheduler (dk-planned-reminder.c) keeps in the replica, per planned action, the
 * DkReminderState it last planned from (dk-reminder.h): the start and end it told,
 * the latest moment settled, whether the user was told anything, whether it is done.
 * A reminder is claimed before it is shown, with a compare-and-set in one write
 * transaction, so that two processes on one replica (two desktops' apps, or an app
 * started twice in a test) never give the same reminder twice.
 */
#pragma once

#include "dk-reminder.h"
#include "dk-store.h"

G_BEGIN_DECLS

/* What is recorded of @case_id: FALSE (and no error) when nothing is. */
gboolean   dk_store_get_reminder         (DkStore                *self,
                                          const char             *case_id,
                                          DkReminderState        *out_state,
                                          GError                **error);
/* Records @state for @case_id when what is recorded is still @expected (NULL: nothing).
 * *@out_claimed is FALSE when another process recorded something else first. */
gboolean   dk_store_claim_reminder       (DkStore                *self,
                                          const char             *case_id,
                                          const DkReminderState  *expected,
                                          const DkReminderState  *state,
                                          gboolean               *out_claimed,
                                          GError                **error);
/* The ids of the planned actions that are open or closed after @closed_since, and of
 * every case with a recorded state that is not done. (element-type utf8) */
GPtrArray *dk_store_list_reminder_cases  (DkStore                *self,
                                          gint64                  closed_since,
                                          GError                **error);
/* Whether the user was reminded of @case_id: then the reminders tell its end, its
 * extension and its closing, and the notifier leaves them out. */
gboolean   dk_store_reminder_was_told    (DkStore                *self,
                                          const char             *case_id);

G_END_DECLS
