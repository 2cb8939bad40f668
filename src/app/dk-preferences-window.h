/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-preferences-window.h: the server, the app's behaviour, and what the user follows */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_PREFERENCES_WINDOW (dk_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (DkPreferencesWindow, dk_preferences_window, DK, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWindow *dk_preferences_window_new (GtkWindow    *parent,
                                      DkSyncEngine *engine,
                                      GSettings    *settings);

G_END_DECLS
