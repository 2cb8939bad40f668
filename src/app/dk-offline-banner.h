/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-offline-banner.h: offline since when, how old the information is, what waits */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_OFFLINE_BANNER (dk_offline_banner_get_type ())
G_DECLARE_FINAL_TYPE (DkOfflineBanner, dk_offline_banner, DK, OFFLINE_BANNER, AdwBin)

GtkWidget *dk_offline_banner_new        (void);
/* Follows @engine's state, last sync and outbox from now on. */
void       dk_offline_banner_set_engine (DkOfflineBanner *self,
                                         DkSyncEngine    *engine);
/* When the engine went offline (Unix seconds), DK_TIME_UNSET while online. */
gint64     dk_offline_banner_get_offline_since (DkOfflineBanner *self);

G_END_DECLS
