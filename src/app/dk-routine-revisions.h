/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routine-revisions.h: what changed between two revisions of a routine, fetched from
 * the server (which keeps every revision), and approving the latest draft */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_ROUTINE_REVISIONS (dk_routine_revisions_get_type ())
G_DECLARE_FINAL_TYPE (DkRoutineRevisions, dk_routine_revisions, DK, ROUTINE_REVISIONS, AdwWindow)

GtkWindow *dk_routine_revisions_new (GtkWindow    *parent,
                                     DkSyncEngine *engine,
                                     const char   *routine_id);

G_END_DECLS
