/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-changes-bar.h: on a case page, what became of this desktop's changes to it:
 * waiting to publish, changed on the server meanwhile, or refused */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_CASE_CHANGES_BAR (dk_case_changes_bar_get_type ())
G_DECLARE_FINAL_TYPE (DkCaseChangesBar, dk_case_changes_bar, DK, CASE_CHANGES_BAR, AdwBin)

void dk_case_changes_bar_set_engine (DkCaseChangesBar *self,
                                     DkSyncEngine     *engine);
void dk_case_changes_bar_set_case   (DkCaseChangesBar *self,
                                     const DkCase     *kase);

G_END_DECLS
