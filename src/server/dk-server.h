/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server.h: the HTTP/JSON API, WebSocket push, public page and feed */
#pragma once

#include <libsoup/soup.h>

#include "dk-server-db.h"
#include "dk-server-limits.h"
#include "dk-server-snapshot.h"

G_BEGIN_DECLS

#define DK_TYPE_SERVER (dk_server_get_type ())
G_DECLARE_FINAL_TYPE (DkServer, dk_server, DK, SERVER, GObject)

DkServer *dk_server_new           (DkServerDb       *db);
/* Before dk_server_listen(). */
void      dk_server_set_limits    (DkServer             *self,
                                   const DkServerLimits *limits);
/* Before dk_server_listen(): serves GET /api/v1/snapshot from @snapshots, and tells
 * it of every commit; without it that route answers 404 no_snapshot. */
void      dk_server_set_snapshots (DkServer          *self,
                                   DkServerSnapshots *snapshots);
/* Before dk_server_listen(): who may read GET /metrics, "ADDR[/BITS][,…]" (default
 * "127.0.0.1,::1"); "" turns it off. FALSE for an entry that is not an address. */
gboolean  dk_server_set_metrics_allow (DkServer     *self,
                                       const char   *allow,
                                       GError      **error);
/* Listens on @address (an IPv4 or IPv6 literal) and @port (0 picks a free one), with
 * TLS when @certificate is given. */
gboolean  dk_server_listen        (DkServer         *self,
                                   const char       *address,
                                   guint             port,
                                   GTlsCertificate  *certificate,
                                   GError          **error);
/* On a socket already listening (systemd's socket activation). */
gboolean  dk_server_listen_socket (DkServer         *self,
                                   GSocket          *socket,
                                   GTlsCertificate  *certificate,
                                   GError          **error);
/* "http://127.0.0.1:43121/" (https with TLS), once listening. (transfer full) */
char     *dk_server_dup_base_url  (DkServer         *self);
/* Stops listening and closes every WebSocket. */
void      dk_server_shutdown      (DkServer         *self);

G_END_DECLS
