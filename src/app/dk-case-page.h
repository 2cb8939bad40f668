/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-page.h: one case: every field, routines, timeline and follow-up notes */
#pragma once

#include <adwaita.h>

#include "dk-store.h"
#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_CASE_PAGE (dk_case_page_get_type ())
G_DECLARE_FINAL_TYPE (DkCasePage, dk_case_page, DK, CASE_PAGE, AdwBin)

GtkWidget  *dk_case_page_new         (void);
/* Shows @kase as the replica has it; the routines of its services come from @store. */
void        dk_case_page_set_case    (DkCasePage *self,
                                      DkStore    *store,
                                      DkCase     *kase,
                                      GHashTable *service_names);
/* Shows the offline banner of @engine's state above the case. */
void        dk_case_page_set_engine  (DkCasePage   *self,
                                      DkSyncEngine *engine);
/* The id of the case shown, or NULL. */
const char *dk_case_page_get_case_id (DkCasePage *self);

G_END_DECLS
