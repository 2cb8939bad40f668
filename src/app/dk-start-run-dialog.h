/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-start-run-dialog.h: asks the unit (and optionally the outage case) and starts a run */
#pragma once

#include <gtk/gtk.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

/* Asks for the unit and the case (@case_id preselected, NULL for none), starts the run
 * of @routine_id as a local change and shows it with "routines.open-run" on @origin. */
void dk_start_run_dialog_present (GtkWidget    *origin,
                                  DkSyncEngine *engine,
                                  const char   *routine_id,
                                  const char   *case_id);

G_END_DECLS
