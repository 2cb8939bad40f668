/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-conflict-dialog.h: a change that met another one on the server, both versions side
 * by side, the user choosing field by field */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_CONFLICT_DIALOG (dk_conflict_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DkConflictDialog, dk_conflict_dialog, DK, CONFLICT_DIALOG, AdwWindow)

/* NULL (with a message logged) when the entry is gone or is no case's conflict. */
GtkWindow  *dk_conflict_dialog_new          (GtkWindow    *parent,
                                             DkSyncEngine *engine,
                                             const char   *mutation_id);
/* The mutation id of the oldest conflicting entry of a case, or NULL. */
char       *dk_conflict_dialog_find_entry   (DkStore      *store,
                                             const char   *case_id,
                                             DkOutboxState state);

G_END_DECLS
