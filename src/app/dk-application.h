/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-application.h: the driftkoll application: one instance, the replica and its sync */
#pragma once

#include <adwaita.h>

#include "dk-store.h"
#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_APPLICATION (dk_application_get_type ())
G_DECLARE_FINAL_TYPE (DkApplication, dk_application, DK, APPLICATION, AdwApplication)

DkApplication *dk_application_new          (void);
DkStore       *dk_application_get_store    (DkApplication *self);
DkSyncEngine  *dk_application_get_engine   (DkApplication *self);
GSettings     *dk_application_get_settings (DkApplication *self);

G_END_DECLS
