/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-reserve-banner.h: above the main window's lists, the reserve routine in force for
 * this desktop's unit, with one click to start the routine's run */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_RESERVE_BANNER (dk_reserve_banner_get_type ())
G_DECLARE_FINAL_TYPE (DkReserveBanner, dk_reserve_banner, DK, RESERVE_BANNER, AdwBin)

/* Follows @engine's "changed" and the "unit" key of @settings by itself. */
void       dk_reserve_banner_set_engine (DkReserveBanner *self,
                                         DkSyncEngine    *engine,
                                         GSettings       *settings);

/* The cases whose reserve routine is in force for @unit ("" or NULL: only those
 * declared for all units), newest declaration first. (element-type DkCase) */
GPtrArray *dk_reserve_cases_for_unit    (DkStore         *store,
                                         const char      *unit,
                                         GError         **error);
/* A routine (approved first) for one of the case's services, or NULL. */
DkRoutine *dk_reserve_find_routine      (DkStore         *store,
                                         const DkCase    *kase);

G_END_DECLS
