/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-connection.h: one accepted connection, the stream libsoup reads and writes */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where a connection is in its life; the listener's deadlines hang on it. */
typedef enum {
  DK_SERVER_CONNECTION_HANDSHAKE,  /* TLS handshake, before libsoup has it */
  DK_SERVER_CONNECTION_IDLE,       /* no request in progress */
  DK_SERVER_CONNECTION_HEADERS,    /* from the first byte of a request to its last header */
  DK_SERVER_CONNECTION_BODY,       /* reading a request body */
  DK_SERVER_CONNECTION_RESPONSE,   /* the handler runs, the reply is written */
  DK_SERVER_CONNECTION_WEBSOCKET,  /* upgraded; the event hub's pings watch it */
  DK_SERVER_CONNECTION_CLOSED,
} DkServerConnectionState;

#define DK_TYPE_SERVER_CONNECTION (dk_server_connection_get_type ())
/* A GSocketConnection over the accepted socket, so that libsoup's WebSocket code finds
 * the socket to shut down after its close frame, as it does with its own connections. */
G_DECLARE_FINAL_TYPE (DkServerConnection, dk_server_connection, DK, SERVER_CONNECTION,
                      GSocketConnection)

/* @base is @socket_connection or a GTlsServerConnection over it; @address is the remote
 * IP as text. */
DkServerConnection      *dk_server_connection_new          (GSocketConnection  *socket_connection,
                                                            GIOStream          *base,
                                                            const char         *address,
                                                            guint               max_header_bytes);
GIOStream               *dk_server_connection_get_base     (DkServerConnection *self);
GSocket                 *dk_server_connection_get_socket   (DkServerConnection *self);
const char              *dk_server_connection_get_address  (DkServerConnection *self);
DkServerConnectionState  dk_server_connection_get_state    (DkServerConnection *self);
void                     dk_server_connection_set_state    (DkServerConnection *self,
                                                            DkServerConnectionState state);
/* Monotonic µs when the state was entered. */
gint64                   dk_server_connection_get_since    (DkServerConnection *self);
/* Monotonic µs of the last byte written, or of entering the state if later. */
gint64                   dk_server_connection_get_progress (DkServerConnection *self);
/* Counts one more request; returns how many this connection has carried. */
guint                    dk_server_connection_count_request (DkServerConnection *self);
/* Writes @reply (may be NULL) without blocking, as far as it goes, and shuts the socket
 * down: libsoup or the WebSocket then reads the end and closes the stream. */
void                     dk_server_connection_shut         (DkServerConnection *self,
                                                            GBytes             *reply);
/* Monotonic µs of dk_server_connection_shut(), 0 before. */
gint64                   dk_server_connection_get_shut_at  (DkServerConnection *self);

G_END_DECLS
