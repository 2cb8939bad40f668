/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-list-model.h: a GListModel of cases over the replica, fetched in chunks
 *
 * The count, the filter and the order are SQL; an item is read when a list asks for it,
 * with the chunk around it, and only a few chunks are kept. A search shows the best
 * full-text matches instead. reload () reads the replica again (after a sync) and says
 * so with items-changed.
 */
#pragma once

#include <gio/gio.h>

#include "dk-store.h"

G_BEGIN_DECLS

#define DK_TYPE_CASE_LIST_MODEL (dk_case_list_model_get_type ())
G_DECLARE_FINAL_TYPE (DkCaseListModel, dk_case_list_model, DK, CASE_LIST_MODEL, GObject)

/* Empty until a filter is set or it is reloaded (then every current case). */
DkCaseListModel *dk_case_list_model_new           (DkStore              *store);
/* A model that lists only search matches: empty until a search is set. */
DkCaseListModel *dk_case_list_model_new_for_search (DkStore             *store);
/* The filter; limit and offset are the model's own. Reloads. */
void             dk_case_list_model_set_query     (DkCaseListModel      *self,
                                                   const DkCaseQuery    *query);
/* The filter and what is followed at once: one reload. */
void             dk_case_list_model_set_filter    (DkCaseListModel      *self,
                                                   const DkCaseQuery    *query,
                                                   DkSubscription       *following);
/* Only what @following follows (NULL: every case). Reloads. */
void             dk_case_list_model_set_following (DkCaseListModel      *self,
                                                   DkSubscription       *following);
/* Searching: the best matches for @text, narrowed by the query's kind, area and service
 * and by what is followed; NULL or "" lists by the query again. Reloads. */
void             dk_case_list_model_set_search    (DkCaseListModel      *self,
                                                   const char           *text);
const char      *dk_case_list_model_get_search    (DkCaseListModel      *self);
/* Reads the replica again; items-changed covers the whole list. */
void             dk_case_list_model_reload        (DkCaseListModel      *self);
/* What the last read failed on, or NULL. */
const GError    *dk_case_list_model_get_error     (DkCaseListModel      *self);

G_END_DECLS
