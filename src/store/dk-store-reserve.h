/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-reserve.h: the open cases with a reserve routine declared, for the window's
 * banner and the reserve notifications
 *
 * A declaration is rare and only an open case has one in force, so the open cases
 * (closed_at is NULL, on its index) are looked at for a "declared" event in their text
 * and only those are decoded: no per-case query, and nothing of the archive is read.
 */
#pragma once

#include "dk-store.h"

G_BEGIN_DECLS

/* The open cases whose latest reserve event is a declaration (the local version where
 * there is one), newest declaration first. (element-type DkCase) */
GPtrArray *dk_store_list_reserve_cases (DkStore  *self,
                                        GError  **error);

G_END_DECLS
