/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-notify.h: what the desktop notifications last said of each followed case
 *
 * The notifier keeps, in the replica, the seq up to which it has looked at cases (the
 * notify cursor) and, per followed case, the state it last told the user about, so that
 * a restart neither repeats old news nor loses what changed while the app was closed.
 */
#pragma once

#include "dk-store.h"

G_BEGIN_DECLS

/* The state of a case as a notification last described it. */
typedef struct {
  char         *case_id;
  DkCaseStatus  status;
  int           phrase;         /* DkUpdatePhrase of the latest update, -1 when none */
  gint64        expected_end;   /* DK_TIME_UNSET when unknown */
  gboolean      closed;
  char         *last_update;    /* the id of the latest update, NULL when none */
} DkNotifiedCase;

DkNotifiedCase *dk_notified_case_new          (const DkCase          *kase);
void            dk_notified_case_free         (DkNotifiedCase        *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkNotifiedCase, dk_notified_case_free)

/* The notify cursor: the newest case seq looked at; -1 before the first look. */
gint64          dk_store_get_notify_cursor    (DkStore               *self);
/* The cases whose server copy changed after @since (seq) and that @subscription
 * follows, oldest change first; *@out_last_seq gets the newest case seq in the replica
 * (at least @since). (element-type DkCase) */
GPtrArray      *dk_store_list_followed_changes (DkStore              *self,
                                               const DkSubscription  *subscription,
                                               gint64                 since,
                                               gint64                *out_last_seq,
                                               GError               **error);
/* What was last notified of a case; NULL (and no error) when nothing was. */
DkNotifiedCase *dk_store_get_notified         (DkStore               *self,
                                               const char            *case_id,
                                               GError               **error);
/* Records the states now told (element-type DkNotifiedCase) and moves the notify
 * cursor to @cursor, in one transaction. */
gboolean        dk_store_record_notified      (DkStore               *self,
                                               GPtrArray             *states,
                                               gint64                 cursor,
                                               GError               **error);

G_END_DECLS
