/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routines-page.h: the reserve routines in the replica, a routine, a run, the editor */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_ROUTINES_PAGE (dk_routines_page_get_type ())
G_DECLARE_FINAL_TYPE (DkRoutinesPage, dk_routines_page, DK, ROUTINES_PAGE, AdwBin)

GtkWidget *dk_routines_page_new           (void);
/* The engine the pages start runs, tick steps and fetch revisions with. */
void       dk_routines_page_set_engine    (DkRoutinesPage *self,
                                           DkSyncEngine   *engine);
/* Reads the routines from @store again, and the routine or run shown. */
void       dk_routines_page_reload        (DkRoutinesPage *self,
                                           DkStore        *store,
                                           GHashTable     *service_names);
/* Opens the routine @id; FALSE when there is none. */
gboolean   dk_routines_page_show_routine  (DkRoutinesPage *self,
                                           const char     *id);
/* Opens the run @id; FALSE when there is none. */
gboolean   dk_routines_page_show_run      (DkRoutinesPage *self,
                                           const char     *id);
/* Opens the routine @routine_id and asks for the unit to start it on, with the case
 * @case_id (nullable) preselected. */
gboolean   dk_routines_page_start_routine (DkRoutinesPage *self,
                                           const char     *routine_id,
                                           const char     *case_id);

G_END_DECLS
