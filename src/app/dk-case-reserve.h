/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-reserve.h: on a case page, the reserve routine in force for all units or for
 * listed ones, declared and lifted by whoever may publish the case */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_CASE_RESERVE (dk_case_reserve_get_type ())
G_DECLARE_FINAL_TYPE (DkCaseReserve, dk_case_reserve, DK, CASE_RESERVE, AdwBin)

void  dk_case_reserve_set_engine (DkCaseReserve *self,
                                  DkSyncEngine  *engine);
void  dk_case_reserve_set_case   (DkCaseReserve *self,
                                  const DkCase  *kase);
/* "all units" or "Avd 12, Avd 14", for the texts that say whom a declaration is for. */
char *dk_case_reserve_format_units (const DkCaseReserveEvent *event);

G_END_DECLS
