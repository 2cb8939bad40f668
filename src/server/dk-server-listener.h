/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-listener.h: the server's own listening socket, accept loop and connection table */
#pragma once

#include <libsoup/soup.h>

#include "dk-server-limits.h"

G_BEGIN_DECLS

#define DK_TYPE_SERVER_LISTENER (dk_server_listener_get_type ())
G_DECLARE_FINAL_TYPE (DkServerListener, dk_server_listener, DK, SERVER_LISTENER, GObject)

/* Listens on @address and hands every connection it keeps to @soup; TLS when
 * @certificate is given. */
DkServerListener *dk_server_listener_new             (SoupServer            *soup,
                                                      const DkServerLimits  *limits,
                                                      GTlsCertificate       *certificate,
                                                      GSocketAddress        *address,
                                                      GError               **error);
/* The same on a socket already listening (systemd's socket activation). */
DkServerListener *dk_server_listener_new_for_socket  (SoupServer            *soup,
                                                      const DkServerLimits  *limits,
                                                      GTlsCertificate       *certificate,
                                                      GSocket               *socket,
                                                      GError               **error);
/* The address really listened on (the port chosen when 0 was asked). (transfer full) */
GSocketAddress   *dk_server_listener_dup_address     (DkServerListener      *self);
/* The connection limit in force, after 0 was resolved from RLIMIT_NOFILE. */
guint             dk_server_listener_get_max_connections (DkServerListener  *self);
guint             dk_server_listener_get_n_connections   (DkServerListener  *self);
/* Stops accepting and closes every connection that libsoup does not close itself. */
void              dk_server_listener_stop            (DkServerListener      *self);

G_END_DECLS
