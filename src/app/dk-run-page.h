/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-run-page.h: a run of a reserve routine on a unit: steps to tick by phase */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_RUN_PAGE (dk_run_page_get_type ())
G_DECLARE_FINAL_TYPE (DkRunPage, dk_run_page, DK, RUN_PAGE, AdwBin)

void        dk_run_page_set_context (DkRunPage    *self,
                                     DkSyncEngine *engine);
/* Shows the run @id from the replica; FALSE when there is none. */
gboolean    dk_run_page_set_run     (DkRunPage    *self,
                                     const char   *id);
const char *dk_run_page_get_run_id  (DkRunPage    *self);
/* The routine of the run shown, or NULL. */
const char *dk_run_page_get_routine_id (DkRunPage *self);
/* Reads the run again: ticks from other desktops show. */
void        dk_run_page_reload      (DkRunPage    *self);

G_END_DECLS
