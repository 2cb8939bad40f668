/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server.c: the server object: its routes and listening, the health check, the events
 * WebSocket, the public page and feed (the API routes have files of their own) */

#define G_LOG_DOMAIN "dk-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-login-throttle.h"
#include "dk-server-events.h"
#include "dk-server-guard.h"
#include "dk-server-private.h"
#include "dk-server-public.h"

#define KEEPALIVE_SECONDS 20
#define METRICS_ALLOW_DEFAULT "127.0.0.1,::1"
#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"

G_DEFINE_FINAL_TYPE (DkServer, dk_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KEEPALIVE_SECONDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- GET /api/v1/healthz ---- */

/* A load balancer's health check: 200 while the database answers, 503 while it does
 * not, so the balancer sends the desktops to an instance that can serve them. The
 * server itself stays up meanwhile and is back in by itself. */
static void
dk_server_healthz_cb (SoupServer        *soup,
                      SoupServerMessage *msg,
                      const char        *path,
                      GHashTable        *query,
                      gpointer           user_data)
{
  DkServer *self = DK_SERVER (user_data);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  gboolean reachable;

  if (!_dk_server_check_method (msg, "GET, HEAD"))
    return;

  reachable = dk_server_db_ping (self->db, &error);
  if (!reachable)
    g_debug ("Health check: the database is unavailable: %s", error->message);

  node = json_node_new (JSON_NODE_OBJECT);
  object = json_object_new ();
  json_object_set_string_member (object, "status", reachable ? "ok" : "unavailable");
  json_object_set_string_member (object, "version", PACKAGE_VERSION);
  json_object_set_int_member (object, "protocol", DK_PROTOCOL_VERSION);
  /* Without the database, the newest seq this instance knows of. */
  json_object_set_int_member (object, "last_seq",
                              reachable ? dk_server_db_last_seq (self->db) : self->broadcast_seq);
  json_object_set_string_member (object, "database", reachable ? "ok" : "unavailable");
  if (self->pg_listener != NULL)
    json_object_set_string_member (object, "notifications",
                                   dk_server_pg_listener_get_listening (self->pg_listener)
                                   ? "listening" : "reconnecting");
  json_node_take_object (node, object);
  _dk_server_reply_json_node (msg, reachable ? SOUP_STATUS_OK : SOUP_STATUS_SERVICE_UNAVAILABLE,
                              node);
}

/* ---- commits of this and the other instances ---- */

/**
 * _dk_server_note_seq:
 * @seq: a seq some instance committed
 *
 * Tells every WebSocket of this instance and the snapshots. A seq arrives twice for a
 * commit of this instance (the route, then PostgreSQL's notification) and out of
 * order across instances; a client pulls everything up to the newest anyway, so a seq
 * not above the newest one sent is dropped.
 */
void
_dk_server_note_seq (DkServer *self,
                     gint64    seq)
{
  g_assert (DK_IS_SERVER (self));

  if (seq <= self->broadcast_seq)
    return;

  self->broadcast_seq = seq;
  dk_event_hub_broadcast (self->events, seq);
  /* Enough changed since the snapshots were built makes them rebuild (in a thread). */
  if (self->snapshots != NULL)
    dk_server_snapshots_note_seq (self->snapshots, seq);
}

static void
dk_server_pg_changed_cb (DkServerPgListener *listener,
                         gint64              seq,
                         gpointer            user_data)
{
  _dk_server_note_seq (DK_SERVER (user_data), seq);
}

/* Notifications sent while the listener was away are lost: every client is told the
 * newest seq, even one it may already have, and pulls (finding nothing new at worst). */
static void
dk_server_pg_reconnected_cb (DkServerPgListener *listener,
                             gpointer            user_data)
{
  DkServer *self = DK_SERVER (user_data);
  gint64 seq = MAX (dk_server_db_last_seq (self->db), self->broadcast_seq);

  g_debug ("Listening for other instances' commits; telling every client seq %" G_GINT64_FORMAT,
           seq);
  self->broadcast_seq = seq;
  dk_event_hub_broadcast (self->events, seq);
  if (self->snapshots != NULL)
    dk_server_snapshots_note_seq (self->snapshots, seq);
}

static void
start_pg_listener (DkServer *self)
{
  g_autofree char *conninfo = NULL;

  if (!dk_server_db_is_postgresql (self->db))
    return;

  conninfo = dk_server_db_dup_pg_conninfo (self->db);
  if (conninfo == NULL)
    {
      g_warning ("No connection string to listen for the other instances' commits with");
      return;
    }
  self->pg_listener = dk_server_pg_listener_new (conninfo);
  g_signal_connect_object (self->pg_listener, "changed",
                           G_CALLBACK (dk_server_pg_changed_cb), self, 0);
  g_signal_connect_object (self->pg_listener, "reconnected",
                           G_CALLBACK (dk_server_pg_reconnected_cb), self, 0);
  dk_server_pg_listener_start (self->pg_listener);
  /* The conninfo may hold a password. */
  memset (conninfo, 0, strlen (conninfo));
}

/* ---- GET /api/v1/events (WebSocket) ---- */

/* After the 101 went out: the hub takes the connection from libsoup. */
static void
dk_server_events_upgraded_cb (SoupServerMessage *msg,
                              gpointer           user_data)
{
  DkServer *self = DK_SERVER (user_data);
  g_autoptr(SoupServerMessage) held = g_object_ref (msg);
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  g_debug ("WebSocket opened from %s", soup_server_message_get_remote_host (msg));
  /* A stolen connection finishes no request in libsoup's eyes. */
  if (self->metrics != NULL)
    dk_server_metrics_request_done (self->metrics, msg, SOUP_STATUS_SWITCHING_PROTOCOLS);
  if (stream != NULL)
    dk_event_hub_take (self->events, stream, msg, dk_server_db_last_seq (self->db));
}

/* A plain handler, not soup_server_add_websocket_handler(): the hub serves plain event
 * sockets itself (dk-server-events.c says why). */
static void
dk_server_events_cb (SoupServer        *soup,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  DkServer *self = DK_SERVER (user_data);

  if (dk_event_hub_answer_upgrade (self->events, msg))
    g_signal_connect_object (msg, "wrote-informational",
                             G_CALLBACK (dk_server_events_upgraded_cb), self, 0);
}

/* ---- public page and feed ---- */

static char *
dup_base_url_for_request (DkServer          *self,
                          SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  int port = g_uri_get_port (uri);
  const char *scheme = self->tls ? "https" : "http";

  if (port > 0)
    return g_strdup_printf ("%s://%s:%d/", scheme, g_uri_get_host (uri), port);

  return g_strdup_printf ("%s://%s/", scheme, g_uri_get_host (uri));
}

/* Replies with a rendered page or feed, never cached, or with the error that kept it
 * from being rendered. */
static void
reply_rendered (SoupServerMessage *msg,
                GBytes            *bytes,
                const GError      *error,
                DkPublicReply      reply,
                const char        *content_type)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  dk_server_public_add_headers (headers, reply);
  if (bytes == NULL)
    {
      _dk_server_reply_error (msg, error);
      return;
    }

  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  _dk_server_reply_bytes (msg, SOUP_STATUS_OK, content_type, bytes);
}

static void
dk_server_public_cb (SoupServer        *soup,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  DkServer *self = DK_SERVER (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *base_url = NULL;

  if (g_str_has_prefix (path, DK_API_PREFIX))
    {
      _dk_server_reply_not_found (msg);
      return;
    }

  if (!_dk_server_check_method (msg, "GET, HEAD"))
    return;

  if (g_str_equal (path, "/"))
    {
      bytes = dk_server_render_page (self->db, dk_time_now (), &error);
      reply_rendered (msg, bytes, error, DK_PUBLIC_REPLY_PAGE, "text/html; charset=utf-8");
    }
  else if (g_str_equal (path, "/feed.atom"))
    {
      base_url = dup_base_url_for_request (self, msg);
      bytes = dk_server_render_feed (self->db, base_url, dk_time_now (), &error);
      reply_rendered (msg, bytes, error, DK_PUBLIC_REPLY_FEED,
                      "application/atom+xml; charset=utf-8");
    }
  else
    {
      static const char page[] =
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404</title></head>"
        "<body><p>404 – <a href=\"/\">Driftkoll</a></p></body></html>";

      /* A document too: no style of its own, so the feed's strict policy fits it. */
      dk_server_public_add_headers (soup_server_message_get_response_headers (msg),
                                    DK_PUBLIC_REPLY_FEED);
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC,
                                        page, sizeof page - 1);
    }
}

/* ---- GET /metrics ---- */

/* Prometheus's scrape: counters kept in memory, nothing asked of the database. Anyone
 * outside the allow-list (the socket's peer; no forwarding header is believed) gets the
 * very answer of an unknown path. */
static void
dk_server_metrics_cb (SoupServer        *soup,
                      SoupServerMessage *msg,
                      const char        *path,
                      GHashTable        *query,
                      gpointer           user_data)
{
  DkServer *self = DK_SERVER (user_data);
  g_autoptr(GString) text = NULL;
  gsize length;

  if (!g_str_equal (path, "/metrics") ||
      !dk_server_metrics_allows (self->metrics_allow, soup_server_message_get_remote_address (msg)))
    {
      dk_server_public_cb (soup, msg, path, query, user_data);
      return;
    }
  if (!_dk_server_check_method (msg, "GET, HEAD"))
    return;

  text = g_string_sized_new (16384);
  dk_server_metrics_format (self->metrics, text);
  if (self->listener != NULL)
    {
      dk_server_metrics_format_gauge (text, "driftkoll_http_connections_open",
                                      "HTTP connections open now (WebSockets included).",
                                      dk_server_listener_get_n_connections (self->listener));
      dk_server_metrics_format_gauge (text, "driftkoll_http_connections_max",
                                      "The most HTTP connections the server keeps open.",
                                      dk_server_listener_get_max_connections (self->listener));
    }
  dk_server_metrics_format_gauge (text, "driftkoll_last_seq",
                                  "The newest seq told to the WebSockets.",
                                  (double) self->broadcast_seq);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  length = text->len;
  soup_server_message_set_response (msg, METRICS_TYPE, SOUP_MEMORY_TAKE,
                                    g_string_free (g_steal_pointer (&text), FALSE), length);
}

/* libsoup's "request-finished" and "request-aborted" (a 500, or a peer gone). */
static void
dk_server_request_done_cb (SoupServer        *soup,
                           SoupServerMessage *msg,
                           gpointer           user_data)
{
  DkServer *self = DK_SERVER (user_data);

  dk_server_metrics_request_done (self->metrics, msg, 0);
}

/* ---- object ---- */

static void
dk_server_dispose (GObject *object)
{
  DkServer *self = DK_SERVER (object);

  if (self->soup != NULL)
    dk_server_shutdown (self);
  g_clear_object (&self->listener);
  g_clear_object (&self->pg_listener);
  g_clear_object (&self->snapshots);
  g_clear_object (&self->soup);
  g_clear_object (&self->guard);
  g_clear_object (&self->events);
  g_clear_object (&self->throttle);
  if (self->db != NULL)
    _dk_server_db_set_metrics (self->db, NULL);
  g_clear_object (&self->db);
  g_clear_object (&self->metrics);
  g_clear_pointer (&self->metrics_allow, g_ptr_array_unref);

  G_OBJECT_CLASS (dk_server_parent_class)->dispose (object);
}

static void
dk_server_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  DkServer *self = DK_SERVER (object);

  switch (prop_id)
    {
    case PROP_KEEPALIVE_SECONDS:
      g_value_set_uint (value, self->keepalive_seconds);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_server_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  DkServer *self = DK_SERVER (object);

  switch (prop_id)
    {
    case PROP_KEEPALIVE_SECONDS:
      self->keepalive_seconds = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_server_class_init (DkServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dk_server_dispose;
  object_class->get_property = dk_server_get_property;
  object_class->set_property = dk_server_set_property;

  /**
   * DkServer:keepalive-seconds:
   *
   * How often WebSocket clients are pinged; one that answers no ping for three
   * intervals is closed.
   */
  properties[PROP_KEEPALIVE_SECONDS] =
    g_param_spec_uint ("keepalive-seconds", NULL, NULL, 1, 3600, KEEPALIVE_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  _dk_server_session_class_init ();
}

static void
dk_server_init (DkServer *self)
{
  self->keepalive_seconds = KEEPALIVE_SECONDS;
  dk_server_limits_init (&self->limits);
}

/**
 * dk_server_new:
 * @db: the database to serve
 *
 * Returns: (transfer full): a server, not yet listening
 */
DkServer *
dk_server_new (DkServerDb *db)
{
  const char *keepalive = g_getenv ("DRIFTKOLL_WS_KEEPALIVE");
  guint seconds = KEEPALIVE_SECONDS;
  DkServer *self;

  g_return_val_if_fail (DK_IS_SERVER_DB (db), NULL);

  /* Tests shorten the keepalive to see a dead peer closed in seconds. */
  if (keepalive != NULL)
    seconds = CLAMP (g_ascii_strtoull (keepalive, NULL, 10), 1, 3600);

  self = g_object_new (DK_TYPE_SERVER, "keepalive-seconds", seconds, NULL);
  self->db = g_object_ref (db);
  self->throttle = dk_login_throttle_new_for_db (db);
  self->events = dk_event_hub_new (self->keepalive_seconds);
  dk_server_set_metrics_allow (self, METRICS_ALLOW_DEFAULT, NULL);

  return self;
}

/* Only GET /api/v1/snapshot answers Range (dk-server-snapshot-http.c). libsoup 3.2.3
 * would answer it on any other GET by itself, and badly: a range past the end of a body
 * gives criticals and a 206 with an empty body. These routes promise no ranges, so the
 * header is dropped and a whole 200 goes out (RFC 9110 §14.2 allows ignoring it). */
static void
dk_server_request_read_cb (SoupServer        *soup,
                           SoupServerMessage *msg,
                           gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  DkServer *self = DK_SERVER (user_data);

  if (g_strcmp0 (g_uri_get_path (uri), DK_API_PREFIX "/snapshot") != 0)
    soup_message_headers_remove (headers, "Range");
  if (self->metrics != NULL)
    dk_server_metrics_request_read (self->metrics, msg);
}

static void
add_routes (DkServer *self)
{
  /* Framing and body size are checked for every path before a body is read (an early
   * handler would see only the requests of its own path's entry). Only the batch of
   * mutations is a large body; the login and every other path are small. */
  g_clear_object (&self->guard);
  self->guard = dk_server_guard_new (self->limits.max_body_bytes);
  dk_server_guard_allow_body (self->guard, DK_API_PREFIX "/mutations");
  dk_server_guard_attach (self->guard, self->soup);
  dk_server_guard_set_metrics (self->guard, self->metrics);
  g_signal_connect_object (self->soup, "request-read", G_CALLBACK (dk_server_request_read_cb),
                           self, 0);
  if (self->metrics != NULL)
    {
      g_signal_connect_object (self->soup, "request-finished",
                               G_CALLBACK (dk_server_request_done_cb), self, 0);
      g_signal_connect_object (self->soup, "request-aborted",
                               G_CALLBACK (dk_server_request_done_cb), self, 0);
      soup_server_add_handler (self->soup, "/metrics", dk_server_metrics_cb, self, NULL);
    }

  /* Unknown API paths are a JSON 404. */
  soup_server_add_handler (self->soup, DK_API_PREFIX, dk_server_public_cb, self, NULL);
  soup_server_add_handler (self->soup, DK_API_PREFIX "/session", _dk_server_session_cb, self,
                           NULL);
  soup_server_add_handler (self->soup, DK_API_PREFIX "/changes", _dk_server_changes_cb, self,
                           NULL);
  soup_server_add_handler (self->soup, DK_API_PREFIX "/mutations", _dk_server_mutations_cb,
                           self, NULL);
  soup_server_add_handler (self->soup, DK_API_PREFIX "/healthz", dk_server_healthz_cb, self,
                           NULL);
  soup_server_add_handler (self->soup, DK_API_PREFIX "/routines/", _dk_server_routines_cb, self,
                           NULL);
  soup_server_add_handler (self->soup, DK_API_PREFIX "/snapshot", _dk_server_snapshot_cb, self,
                           NULL);
  soup_server_add_handler (self->soup, DK_API_PREFIX "/events", dk_server_events_cb, self,
                           NULL);
  soup_server_add_handler (self->soup, NULL, dk_server_public_cb, self, NULL);
}

/**
 * dk_server_set_limits:
 * @limits: what the server allows; copied
 *
 * Sets the limits before dk_server_listen().
 */
void
dk_server_set_limits (DkServer             *self,
                      const DkServerLimits *limits)
{
  g_return_if_fail (DK_IS_SERVER (self));
  g_return_if_fail (limits != NULL);

  self->limits = *limits;
}

void
dk_server_set_snapshots (DkServer          *self,
                         DkServerSnapshots *snapshots)
{
  g_return_if_fail (DK_IS_SERVER (self));
  g_return_if_fail (snapshots == NULL || DK_IS_SERVER_SNAPSHOTS (snapshots));

  g_set_object (&self->snapshots, snapshots);
}

/* Listens on @socket when given, else on a socket of its own at @socket_address. */
static gboolean
listen_on (DkServer         *self,
           GSocketAddress   *socket_address,
           GSocket          *socket,
           GTlsCertificate  *certificate,
           GError          **error)
{
  self->soup = soup_server_new ("server-header", "driftkoll-server/" PACKAGE_VERSION " ",
                                NULL);
  add_routes (self);

  /* Our own accept loop, connection table and limits (dk-server-listener.c says why). */
  if (socket != NULL)
    self->listener = dk_server_listener_new_for_socket (self->soup, &self->limits, certificate,
                                                        socket, error);
  else
    self->listener = dk_server_listener_new (self->soup, &self->limits, certificate,
                                             socket_address, error);
  if (self->listener == NULL)
    {
      g_clear_object (&self->soup);
      return FALSE;
    }
  self->tls = certificate != NULL;
  self->broadcast_seq = dk_server_db_last_seq (self->db);
  start_pg_listener (self);

  return TRUE;
}

/**
 * dk_server_set_metrics_allow:
 * @allow: who may read GET /metrics: "ADDR[/BITS][,…]" (the default is
 *   "127.0.0.1,::1"); "" turns /metrics and the counting behind it off
 *
 * Before dk_server_listen().
 *
 * Returns: %FALSE with @error set when an entry is not an address or ADDR/BITS
 */
gboolean
dk_server_set_metrics_allow (DkServer    *self,
                             const char  *allow,
                             GError     **error)
{
  g_autoptr(GPtrArray) masks = NULL;

  g_return_val_if_fail (DK_IS_SERVER (self), FALSE);
  g_return_val_if_fail (allow != NULL, FALSE);
  g_return_val_if_fail (self->soup == NULL, FALSE);

  masks = dk_server_metrics_parse_allow (allow, error);
  if (masks == NULL)
    return FALSE;

  g_clear_pointer (&self->metrics_allow, g_ptr_array_unref);
  if (masks->len == 0)
    g_clear_object (&self->metrics);
  else if (self->metrics == NULL)
    self->metrics = dk_server_metrics_new ();
  self->metrics_allow = masks->len > 0 ? g_steal_pointer (&masks) : NULL;

  _dk_server_db_set_metrics (self->db, self->metrics);
  dk_event_hub_set_metrics (self->events, self->metrics);

  return TRUE;
}

/**
 * dk_server_listen:
 *
 * Returns: %TRUE when listening
 */
gboolean
dk_server_listen (DkServer         *self,
                  const char       *address,
                  guint             port,
                  GTlsCertificate  *certificate,
                  GError          **error)
{
  g_autoptr(GSocketAddress) socket_address = NULL;

  g_return_val_if_fail (DK_IS_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (self->soup == NULL, FALSE);

  socket_address = g_inet_socket_address_new_from_string (address, port);
  if (socket_address == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("“%s” is not an IP address to listen on"), address);
      return FALSE;
    }

  return listen_on (self, socket_address, NULL, certificate, error);
}

/**
 * dk_server_listen_socket:
 * @socket: a TCP socket already bound and listening, such as systemd passes
 * @certificate: (nullable): serve https with it
 *
 * As dk_server_listen(), on @socket (systemd's socket activation).
 *
 * Returns: %TRUE once listening
 */
gboolean
dk_server_listen_socket (DkServer         *self,
                         GSocket          *socket,
                         GTlsCertificate  *certificate,
                         GError          **error)
{
  g_return_val_if_fail (DK_IS_SERVER (self), FALSE);
  g_return_val_if_fail (G_IS_SOCKET (socket), FALSE);
  g_return_val_if_fail (self->soup == NULL, FALSE);

  return listen_on (self, NULL, socket, certificate, error);
}

/**
 * dk_server_dup_base_url:
 *
 * Returns: (transfer full) (nullable): the URL clients use, ending in '/'
 */
char *
dk_server_dup_base_url (DkServer *self)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *host = NULL;
  GInetSocketAddress *inet;
  const char *scheme;

  g_return_val_if_fail (DK_IS_SERVER (self), NULL);

  if (self->listener == NULL)
    return NULL;

  address = dk_server_listener_dup_address (self->listener);
  if (address == NULL || !G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;

  inet = G_INET_SOCKET_ADDRESS (address);
  host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
  scheme = self->tls ? "https" : "http";
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("%s://[%s]:%u/", scheme, host, g_inet_socket_address_get_port (inet));

  return g_strdup_printf ("%s://%s:%u/", scheme, host, g_inet_socket_address_get_port (inet));
}

/**
 * dk_server_shutdown:
 *
 * Stops listening and closes every WebSocket; requests in flight are dropped, while
 * every committed change is already on disk.
 */
void
dk_server_shutdown (DkServer *self)
{
  g_return_if_fail (DK_IS_SERVER (self));

  if (self->events != NULL)
    dk_event_hub_close_all (self->events);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  if (self->listener != NULL)
    dk_server_listener_stop (self->listener);
  if (self->pg_listener != NULL)
    dk_server_pg_listener_stop (self->pg_listener);
}
