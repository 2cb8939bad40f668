/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-list.h: the case lists of the app, counted and paged in SQL
 *
 * The same filters and order as dk_store_list_cases (), plus "what I follow" (a
 * subscription), so a list model can count first and fetch rows in chunks on demand.
 */
#pragma once

#include "dk-store.h"

G_BEGIN_DECLS

/* How many cases dk_store_list_followed_cases () would list with no limit and offset. */
gboolean   dk_store_count_cases          (DkStore              *self,
                                          const DkCaseQuery    *query,
                                          const DkSubscription *following,  /* NULL: all */
                                          gint64                now,
                                          guint                *out_count,
                                          GError              **error);
/* dk_store_list_cases () narrowed to what @following follows (NULL: every case).
 * (element-type DkCase) */
GPtrArray *dk_store_list_followed_cases  (DkStore              *self,
                                          const DkCaseQuery    *query,
                                          const DkSubscription *following,
                                          gint64                now,
                                          GError              **error);
/* The keys (the replica's row ids) of the cases dk_store_list_followed_cases () lists, in
 * its order, for a list that reads rows on demand: finding the order reads no case's
 * data. (transfer full) (element-type gint64) */
GArray    *dk_store_list_case_keys       (DkStore              *self,
                                          const DkCaseQuery    *query,
                                          const DkSubscription *following,
                                          gint64                now,
                                          GError              **error);
/* The cases with these keys, in that order; a key no longer in the replica is left out.
 * (element-type DkCase) */
GPtrArray *dk_store_get_cases_by_keys    (DkStore              *self,
                                          const gint64         *keys,
                                          guint                 n_keys,
                                          GError              **error);
/* The ids of the cases with local changes still waiting to be sent (pending outbox
 * entries), as a set. (transfer full) */
GHashTable *dk_store_pending_case_ids    (DkStore              *self,
                                          GError              **error);

G_END_DECLS
