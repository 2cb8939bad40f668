/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-affected-box.h: "We are affected too" on a case page
 *
 * On a published, open case any logged-in user adds the desktop's unit (the settings key
 * "unit"; asked for when it is empty) to the units affected (dk_local_mark_affected,
 * offline too), once per unit: when the unit is listed the button says so. Publishers
 * see the list of affected units with a count, who added each and when.
 */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_AFFECTED_BOX (dk_affected_box_get_type ())
G_DECLARE_FINAL_TYPE (DkAffectedBox, dk_affected_box, DK, AFFECTED_BOX, GtkBox)

void dk_affected_box_set_engine (DkAffectedBox *self,
                                 DkSyncEngine  *engine);
void dk_affected_box_set_case   (DkAffectedBox *self,
                                 DkStore       *store,
                                 DkCase        *kase);

G_END_DECLS
