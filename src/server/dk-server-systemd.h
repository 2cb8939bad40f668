/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-systemd.h: telling systemd how the service is doing (sd_notify, watchdog),
 * and the socket it may pass (socket activation) */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Each is a no-op without NOTIFY_SOCKET, and when built without libsystemd. */
void  dk_server_systemd_notify_ready    (const char *url);
void  dk_server_systemd_notify_stopping (void);
/* Sends WATCHDOG=1 at half of WATCHDOG_USEC on the default main context when systemd
 * asks for it; returns the source id to remove, or 0. */
guint dk_server_systemd_start_watchdog  (void);

/* The listening TCP socket systemd passed (socket activation: LISTEN_FDS, LISTEN_PID),
 * or NULL: none was passed (@error unset), or it is not one serve can use (@error set). */
GSocket *dk_server_systemd_take_listen_socket (GError **error);

G_END_DECLS
