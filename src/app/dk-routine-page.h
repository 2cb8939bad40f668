/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routine-page.h: one reserve routine: document control, steps by phase, contacts,
 * forms and its runs */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_ROUTINE_PAGE (dk_routine_page_get_type ())
G_DECLARE_FINAL_TYPE (DkRoutinePage, dk_routine_page, DK, ROUTINE_PAGE, AdwBin)

void        dk_routine_page_set_context    (DkRoutinePage *self,
                                            DkSyncEngine  *engine,
                                            GHashTable    *service_names);
/* Shows the routine @id from the replica; FALSE when there is none. */
gboolean    dk_routine_page_set_routine    (DkRoutinePage *self,
                                            const char    *id);
const char *dk_routine_page_get_routine_id (DkRoutinePage *self);
/* Reads the routine and its runs again (after a sync). */
void        dk_routine_page_reload         (DkRoutinePage *self);

G_END_DECLS
