/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-watch.c: keeping in sync: the WebSocket that says "pull now", polling when it
 * cannot be opened, retries with back-off, and the network monitor as a hint
 *
 * Online or offline is decided by what the requests do, and said at once:
 * - a socket that closes or resets makes a sync pass start now; a server that is gone
 *   refuses it, and the state is "offline" within milliseconds;
 * - a socket that answers no ping for "liveness-seconds" (a paused server, a cut cable:
 *   nothing closes) is given up, the pass waiting on it too, and the state is "offline";
 *   TCP keepalive ("tcp-keepalive-seconds") ends connections whose peer is gone;
 * - while offline there is one retry timer, of the sync (never the socket as well): its
 *   back-off is short while the outage is young and gentle once it is older than a
 *   minute (dk-backoff.h); the socket opens again as soon as a sync gets through;
 * - GNetworkMonitor saying the network changed only makes the next attempt come at once.
 */

#define G_LOG_DOMAIN "dk-sync-watch"

#include "config.h"

#include <glib/gi18n.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "dk-core.h"
#include "dk-sync-engine-private.h"

static void connect_socket (DkSyncEngine *self);

static gboolean
dk_sync_engine_retry_cb (gpointer user_data)
{
  DkSyncEngine *self = DK_SYNC_ENGINE (user_data);

  self->retry_id = 0;
  self->retry_is_poll = FALSE;
  _dk_sync_engine_request_sync (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_retry (DkSyncEngine *self,
                guint         delay_ms,
                gboolean      poll)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  g_debug ("Next sync in %u ms (%s)", delay_ms, poll ? "poll" : "retry");
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add (delay_ms, dk_sync_engine_retry_cb, self);
  self->retry_is_poll = poll;
}

static gboolean
dk_sync_engine_reconnect_cb (gpointer user_data)
{
  DkSyncEngine *self = DK_SYNC_ENGINE (user_data);

  self->reconnect_id = 0;
  connect_socket (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (DkSyncEngine *self)
{
  guint delay = dk_backoff_next_delay (self->socket_backoff);

  g_debug ("Opening the WebSocket again in %u ms", delay);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  self->reconnect_id = g_timeout_add (delay, dk_sync_engine_reconnect_cb, self);
}

/* Polling takes over while there is no socket. */
static void
ensure_polling (DkSyncEngine *self)
{
  if (self->retry_id == 0 && self->pass == NULL)
    schedule_retry (self, self->poll_seconds * 1000, TRUE);
}

static void
drop_socket (DkSyncEngine *self)
{
  g_autoptr(SoupWebsocketConnection) socket = g_steal_pointer (&self->socket);

  g_clear_handle_id (&self->liveness_id, g_source_remove);
  if (socket == NULL)
    return;

  g_signal_handlers_disconnect_by_data (socket, self);
  if (soup_websocket_connection_get_state (socket) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (socket, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  _dk_sync_engine_notify_push_connected (self);
}

/* The server cannot be reached: say so now, not at the next poll, and retry the sync
 * with back-off (the socket opens again once a sync gets through). */
static void
server_unreachable (DkSyncEngine *self,
                    const GError *error)
{
  if (self->state == DK_SYNC_STATE_NEEDS_LOGIN)
    return;

  _dk_sync_engine_set_last_error (self, error);
  _dk_sync_engine_set_state (self, DK_SYNC_STATE_OFFLINE);
  if (self->pass != NULL)
    {
      _dk_sync_engine_abandon_pass (self, error);
      return;
    }
  if (self->retry_id == 0 || self->retry_is_poll)
    schedule_retry (self, dk_backoff_next_delay (self->sync_backoff), FALSE);
}

/* The socket closed or reset: whether the server is still there, a sync says at once. */
static void
socket_lost (DkSyncEngine *self)
{
  /* One that lived a while was fine: the next opens at once. One that closes right
   * after opening, while the server answers requests, waits longer each time (a server
   * that went away is not the socket's fault: see _dk_sync_engine_watch_pass_finished). */
  if (g_get_monotonic_time () - self->socket_opened_at > 10 * G_USEC_PER_SEC)
    dk_backoff_reset (self->socket_backoff);
  else
    dk_backoff_next_delay (self->socket_backoff);
  drop_socket (self);
  if (!self->started)
    return;

  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_is_poll = FALSE;
  _dk_sync_engine_request_sync (self);
}

static void
dk_sync_engine_socket_message_cb (SoupWebsocketConnection *socket,
                                  int                      type,
                                  GBytes                  *message,
                                  gpointer                 user_data)
{
  DkSyncEngine *self = DK_SYNC_ENGINE (user_data);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize length = 0;
  const char *data = g_bytes_get_data (message, &length);
  JsonNode *root;
  JsonNode *last_seq;

  self->socket_alive_at = g_get_monotonic_time ();

  if (type != SOUP_WEBSOCKET_DATA_TEXT || !json_parser_load_from_data (parser, data, length, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  last_seq = json_object_get_member (json_node_get_object (root), "last_seq");
  if (last_seq == NULL || json_node_get_value_type (last_seq) != G_TYPE_INT64)
    return;

  g_debug ("The server's newest change is %" G_GINT64_FORMAT, json_node_get_int (last_seq));
  if (json_node_get_int (last_seq) > dk_store_get_cursor (self->store) && self->token != NULL)
    _dk_sync_engine_request_sync (self);
}

static void
dk_sync_engine_socket_ponged_cb (SoupWebsocketConnection *socket,
                                 GBytes                  *message,
                                 gpointer                 user_data)
{
  DK_SYNC_ENGINE (user_data)->socket_alive_at = g_get_monotonic_time ();
}

static void
dk_sync_engine_socket_closed_cb (SoupWebsocketConnection *socket,
                                 gpointer                 user_data)
{
  DkSyncEngine *self = DK_SYNC_ENGINE (user_data);

  g_debug ("The WebSocket closed (%u)", soup_websocket_connection_get_close_code (socket));
  socket_lost (self);
}

static guint
liveness_seconds (DkSyncEngine *self)
{
  if (self->liveness_seconds > 0)
    return self->liveness_seconds;

  return 2 * self->keepalive_seconds + 2;
}

/* A peer that answers no ping for "liveness-seconds" is gone, whatever TCP thinks: a
 * paused server, or a cable cut where nothing says so. */
static gboolean
dk_sync_engine_liveness_cb (gpointer user_data)
{
  DkSyncEngine *self = DK_SYNC_ENGINE (user_data);
  gint64 limit = (gint64) liveness_seconds (self) * G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;

  if (g_get_monotonic_time () - self->socket_alive_at <= limit)
    return G_SOURCE_CONTINUE;

  g_debug ("The WebSocket answered no ping for %u s; the server is unreachable",
           liveness_seconds (self));
  self->liveness_id = 0;
  drop_socket (self);
  /* Its other connections are as dead: a retry must not wait on one of them. */
  soup_session_abort (self->session);
  error = g_error_new (DK_SYNC_ERROR, DK_SYNC_ERROR_OFFLINE,
                       _("The server stopped answering (nothing for %u seconds)"),
                       liveness_seconds (self));
  server_unreachable (self, error);

  return G_SOURCE_REMOVE;
}

/* Whether a failed connection says the server is not there (rather than that it does
 * not take WebSockets, or is slow: the requests tell those). */
static gboolean
server_gone (const GError *error)
{
  return error->domain == G_RESOLVER_ERROR ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE);
}

static void
dk_sync_engine_socket_connected_cb (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  g_autoptr(DkSyncEngine) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupWebsocketConnection) socket = NULL;

  socket = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  self->connecting = FALSE;

  if (socket == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Could not open the WebSocket: %s", error->message);
      if (!self->started)
        return;
      if (server_gone (error))
        {
          g_autoptr(GError) offline = NULL;

          /* Refused, reset, unreachable: the server is not there. */
          offline = g_error_new (DK_SYNC_ERROR, DK_SYNC_ERROR_OFFLINE, _("Cannot reach %s: %s"),
                                 self->server_url, error->message);
          server_unreachable (self, offline);
          return;
        }
      /* The server answers, but not as a WebSocket: poll, and try it again later. */
      schedule_reconnect (self);
      ensure_polling (self);
      return;
    }

  if (!self->started || self->socket != NULL)
    {
      soup_websocket_connection_close (socket, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      return;
    }

  g_debug ("The WebSocket is open");
  self->socket = g_steal_pointer (&socket);
  self->socket_alive_at = g_get_monotonic_time ();
  self->socket_opened_at = self->socket_alive_at;
  soup_websocket_connection_set_keepalive_interval (self->socket, self->keepalive_seconds);
  g_signal_connect (self->socket, "message", G_CALLBACK (dk_sync_engine_socket_message_cb), self);
  g_signal_connect (self->socket, "pong", G_CALLBACK (dk_sync_engine_socket_ponged_cb), self);
  g_signal_connect (self->socket, "closed", G_CALLBACK (dk_sync_engine_socket_closed_cb), self);
  self->liveness_id = g_timeout_add (MIN (1000, self->keepalive_seconds * 1000),
                                     dk_sync_engine_liveness_cb, self);
  _dk_sync_engine_notify_push_connected (self);

  /* The socket tells when to pull; polling can rest. */
  if (self->retry_is_poll)
    {
      g_clear_handle_id (&self->retry_id, g_source_remove);
      self->retry_is_poll = FALSE;
    }
}

static char *
dup_events_url (DkSyncEngine *self)
{
  g_autofree char *url = _dk_sync_engine_dup_url (self, DK_API_PREFIX "/events");

  if (g_str_has_prefix (url, "https://"))
    return g_strconcat ("wss://", url + strlen ("https://"), NULL);
  if (g_str_has_prefix (url, "http://"))
    return g_strconcat ("ws://", url + strlen ("http://"), NULL);

  return g_steal_pointer (&url);
}

static void
connect_socket (DkSyncEngine *self)
{
  g_autofree char *url = NULL;
  g_autofree char *authorization = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  g_assert (DK_IS_SYNC_ENGINE (self));

  if (!self->started || self->socket != NULL || self->connecting ||
      !dk_sync_check_server_url (self->server_url != NULL ? self->server_url : "", NULL) ||
      self->token == NULL)
    return;

  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  url = dup_events_url (self);
  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    {
      g_warning ("Cannot open a WebSocket to %s", url);
      return;
    }
  authorization = g_strconcat ("Bearer ", self->token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);

  g_debug ("Opening the WebSocket %s", url);
  self->connecting = TRUE;
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->watch_cancellable,
                                        dk_sync_engine_socket_connected_cb, g_object_ref (self));
}

static void
dk_sync_engine_network_changed_cb (GNetworkMonitor *monitor,
                                   gboolean         available,
                                   gpointer         user_data)
{
  DkSyncEngine *self = DK_SYNC_ENGINE (user_data);

  /* Only a hint: what the next request does decides whether we are online. */
  if (!self->started || !available)
    return;
  if (self->state != DK_SYNC_STATE_OFFLINE && self->socket != NULL)
    return;

  g_debug ("The network may be back; trying at once");
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_is_poll = FALSE;
  _dk_sync_engine_request_sync (self);
  if (self->state != DK_SYNC_STATE_OFFLINE)
    connect_socket (self);
}

void
_dk_sync_engine_watch_pass_finished (DkSyncEngine *self,
                                    const GError *error)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  if (!self->started)
    return;

  if (error == NULL)
    {
      dk_backoff_reset (self->sync_backoff);
      g_clear_handle_id (&self->retry_id, g_source_remove);
      self->retry_is_poll = FALSE;
      if (self->socket == NULL)
        {
          /* The server answers: a good moment for the socket, unless one is on its way
           * or it has been failing (then its back-off says when). */
          if (self->reconnect_id == 0 && dk_backoff_get_failures (self->socket_backoff) == 0)
            connect_socket (self);
          else if (self->reconnect_id == 0 && !self->connecting)
            schedule_reconnect (self);
          schedule_retry (self, self->poll_seconds * 1000, TRUE);
        }
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (g_error_matches (error, DK_SYNC_ERROR, DK_SYNC_ERROR_NEEDS_LOGIN) ||
      g_error_matches (error, DK_SYNC_ERROR, DK_SYNC_ERROR_NO_SERVER))
    {
      /* Nothing to retry until someone logs in or sets a server. */
      g_clear_handle_id (&self->retry_id, g_source_remove);
      drop_socket (self);
      g_clear_handle_id (&self->reconnect_id, g_source_remove);
      return;
    }

  /* The server is away: the socket that closed was no fault of its own. */
  if (g_error_matches (error, DK_SYNC_ERROR, DK_SYNC_ERROR_OFFLINE))
    dk_backoff_reset (self->socket_backoff);
  schedule_retry (self, dk_backoff_next_delay (self->sync_backoff), FALSE);
}

void
_dk_sync_engine_heard_from_server (DkSyncEngine *self)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  /* A retry that gets an answer is syncing again; until then it stays offline. */
  if (self->state == DK_SYNC_STATE_OFFLINE && self->pass != NULL)
    _dk_sync_engine_set_state (self, DK_SYNC_STATE_SYNCING);
}

static void
dk_sync_engine_network_event_cb (SoupMessage        *msg,
                                 GSocketClientEvent  event,
                                 GIOStream          *connection,
                                 gpointer            user_data)
{
  DkSyncEngine *self = DK_SYNC_ENGINE (user_data);
  guint idle = self->tcp_keepalive_seconds;
  GSocket *socket;
  g_autoptr(GError) error = NULL;

  if (event != G_SOCKET_CLIENT_CONNECTED || idle == 0 || !G_IS_SOCKET_CONNECTION (connection))
    return;

  /* Idle for @idle s, then a probe every idle/2 s, three unanswered: the connection is
   * gone after about 2.5 × @idle s; and data unacknowledged for as long ends it too. */
  socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection));
  g_socket_set_keepalive (socket, TRUE);
  if (!g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPIDLE, idle, &error) ||
      !g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPINTVL, MAX (1, idle / 2), &error) ||
      !g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPCNT, 3, &error) ||
      !g_socket_set_option (socket, IPPROTO_TCP, TCP_USER_TIMEOUT,
                            (idle + 3 * MAX (1, idle / 2)) * 1000, &error))
    g_debug ("Cannot set TCP keepalive: %s", error->message);
}

void
_dk_sync_engine_watch_message (DkSyncEngine *self,
                               SoupMessage  *msg)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  g_signal_connect_object (msg, "network-event", G_CALLBACK (dk_sync_engine_network_event_cb),
                           self, 0);
}

void
_dk_sync_engine_watch_restart_socket (DkSyncEngine *self)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  drop_socket (self);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  if (self->watch_cancellable != NULL && self->connecting)
    {
      /* The connection on its way goes to the old address or with the old token. */
      g_cancellable_cancel (self->watch_cancellable);
      g_clear_object (&self->watch_cancellable);
      self->watch_cancellable = g_cancellable_new ();
      self->connecting = FALSE;
    }
  connect_socket (self);
}

void
_dk_sync_engine_watch_dispose (DkSyncEngine *self)
{
  dk_sync_engine_stop (self);
  g_clear_pointer (&self->sync_backoff, dk_backoff_free);
  g_clear_pointer (&self->socket_backoff, dk_backoff_free);
}

/**
 * dk_sync_engine_start:
 *
 * Keeps the replica in sync until dk_sync_engine_stop (): syncs now, then whenever the
 * WebSocket says the server has something newer; polls every "poll-seconds" while the
 * socket cannot be opened; retries failures with back-off (1 s growing to 5 min, with
 * jitter).
 */
void
dk_sync_engine_start (DkSyncEngine *self)
{
  g_return_if_fail (DK_IS_SYNC_ENGINE (self));

  if (self->started)
    return;

  self->started = TRUE;
  self->watch_cancellable = g_cancellable_new ();
  if (self->sync_backoff == NULL)
    {
      self->sync_backoff = dk_backoff_new (DK_BACKOFF_BASE_MS, DK_BACKOFF_CAP_MS);
      dk_backoff_set_outage_policy (self->sync_backoff, self->retry_short_cap_ms,
                                    self->retry_window_ms, DK_BACKOFF_LONG_BASE_MS);
    }
  if (self->socket_backoff == NULL)
    self->socket_backoff = dk_backoff_new (DK_BACKOFF_BASE_MS, DK_BACKOFF_CAP_MS);

  if (self->monitor == NULL)
    self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_changed_id = g_signal_connect (self->monitor, "network-changed",
                                               G_CALLBACK (dk_sync_engine_network_changed_cb),
                                               self);

  _dk_sync_engine_request_sync (self);
  connect_socket (self);
}

/**
 * dk_sync_engine_stop:
 *
 * Stops keeping in sync: closes the socket, drops the timers and cancels the sync pass
 * that runs now. Whatever was applied stays applied.
 */
void
dk_sync_engine_stop (DkSyncEngine *self)
{
  g_return_if_fail (DK_IS_SYNC_ENGINE (self));

  if (!self->started)
    return;

  self->started = FALSE;
  if (self->watch_cancellable != NULL)
    g_cancellable_cancel (self->watch_cancellable);
  g_clear_object (&self->watch_cancellable);
  self->connecting = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  drop_socket (self);
  g_clear_signal_handler (&self->network_changed_id, self->monitor);
  _dk_sync_engine_cancel_pass (self);
}
