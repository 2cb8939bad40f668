/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-list.h: a page of cases: a GtkListView over a DkCaseListModel */
#pragma once

#include <adwaita.h>

#include "dk-case-list-model.h"

G_BEGIN_DECLS

#define DK_TYPE_CASE_LIST (dk_case_list_get_type ())
G_DECLARE_FINAL_TYPE (DkCaseList, dk_case_list, DK, CASE_LIST, AdwBin)

GtkWidget       *dk_case_list_new               (void);
void             dk_case_list_set_model         (DkCaseList      *self,
                                                 DkCaseListModel *model);
DkCaseListModel *dk_case_list_get_model         (DkCaseList      *self);
/* service id → name, for the rows. */
void             dk_case_list_set_service_names (DkCaseList      *self,
                                                 GHashTable      *names);
/* The list's accessible name and what the empty page says. */
void             dk_case_list_set_texts         (DkCaseList      *self,
                                                 const char      *name,
                                                 const char      *empty_title,
                                                 const char      *empty_description);
void             dk_case_list_set_empty_icon    (DkCaseList      *self,
                                                 const char      *icon_name);
/* While @loading (a first sync fills the replica) an empty list says "Loading Cases…"
 * with a spinner instead of its empty page; the cases show as soon as there are any. */
void             dk_case_list_set_loading       (DkCaseList      *self,
                                                 gboolean         loading);
gboolean         dk_case_list_get_loading       (DkCaseList      *self);

G_END_DECLS
