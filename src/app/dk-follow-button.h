/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-follow-button.h: "Follow <service>" / "Following <service>", one service of the
 * user's subscription, from a case page or a routine page
 *
 * On: the service is one of the services the user follows ("Only some services" in
 * Preferences, Following). Each click is a local change of the subscription in the
 * outbox (dk_local_set_subscription), so it works offline and is sent with the next
 * sync; the preferences page and every other button show it at once (the engine says
 * "changed").
 */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_FOLLOW_BUTTON (dk_follow_button_get_type ())

G_DECLARE_FINAL_TYPE (DkFollowButton, dk_follow_button, DK, FOLLOW_BUTTON, AdwBin)

GtkWidget  *dk_follow_button_new            (DkSyncEngine   *engine,
                                             const char     *service_id,
                                             const char     *service_name);
const char *dk_follow_button_get_service_id (DkFollowButton *self);
gboolean    dk_follow_button_get_following  (DkFollowButton *self);

/* One button per service of @services (ids; names from @service_names, nullable),
 * appended to @box after removing what it held. */
void        dk_follow_buttons_fill          (GtkBox         *box,
                                             DkSyncEngine   *engine,
                                             GPtrArray      *services,
                                             GHashTable     *service_names);

G_END_DECLS
