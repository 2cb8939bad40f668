/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-units-window.h: the catalogue of units, for admins and routine owners to keep */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_UNITS_WINDOW (dk_units_window_get_type ())
G_DECLARE_FINAL_TYPE (DkUnitsWindow, dk_units_window, DK, UNITS_WINDOW, AdwWindow)

GtkWindow *dk_units_window_new (GtkWindow    *parent,
                                DkSyncEngine *engine);

G_END_DECLS
