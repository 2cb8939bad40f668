/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routine-editor.h: a routine owner's editor; saving makes a new revision */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_ROUTINE_EDITOR (dk_routine_editor_get_type ())
G_DECLARE_FINAL_TYPE (DkRoutineEditor, dk_routine_editor, DK, ROUTINE_EDITOR, AdwBin)

void     dk_routine_editor_set_context (DkRoutineEditor *self,
                                        DkSyncEngine    *engine,
                                        GHashTable      *service_names);
/* Starts editing the routine @id, or a new one when NULL; FALSE when there is none. */
gboolean dk_routine_editor_edit        (DkRoutineEditor *self,
                                        const char      *id);

G_END_DECLS
