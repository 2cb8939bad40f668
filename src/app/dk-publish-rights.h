/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-publish-rights.h: what the logged-in user may publish, from the roles in the replica
 *
 * The server is the judge; the app only hides what a user may not do (staff see no
 * publish control at all). */
#pragma once

#include "dk-store.h"

G_BEGIN_DECLS

/* The logged-in user's roles as the replica keeps them (0 when nobody is logged in). */
DkRole   dk_publish_rights_get_roles        (DkStore      *store);
/* Whether @roles may publish some kind in some area (dk_rules_check_may_publish). */
gboolean dk_publish_rights_may_publish_any  (DkRole        roles);
/* Whether the logged-in user may write on @kase: its kind in its area. */
gboolean dk_publish_rights_may_publish_case (DkStore      *store,
                                             const DkCase *kase);

G_END_DECLS
