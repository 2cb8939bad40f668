/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-autostart.h: the XDG autostart entry follows the settings key "autostart" */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Writes or removes $XDG_CONFIG_HOME/autostart/io.github.driftkoll.Driftkoll.desktop,
 * which starts the app in the background (--gapplication-service) at login. */
gboolean dk_autostart_set_enabled (gboolean   enabled,
                                   GError   **error);
/* Applies the key now and whenever it changes, for as long as @settings lives. */
void     dk_autostart_bind        (GSettings *settings);
/* The entry's path. (transfer full) */
char    *dk_autostart_get_path    (void);

G_END_DECLS
