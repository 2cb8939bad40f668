/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-listener.c: the server's own listening socket, accept loop and connection
 * table.
 *
 * Why not libsoup's listener: SoupListener (libsoup 3.2) accepts one connection per
 * wake-up from a socket listening with GLib's backlog of 10, and removes its source for
 * good on the first accept error. One EMFILE and the server never accepts again while it
 * idles at 0 % CPU (issue 13, item 1); a burst of connects waits a second per SYN the
 * full backlog dropped (item 7). Here the backlog is the kernel's somaxconn, accepting
 * loops until EAGAIN, a shortage of descriptors backs off and recovers, and every
 * connection is in a table with its state, its deadlines and its share of the limits.
 * Connections are handed to libsoup with soup_server_accept_iostream(). */

#define G_LOG_DOMAIN "dk-server-listener"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gnetworking.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dk-server-connection.h"
#include "dk-server-listener.h"
#include "dk-server-private.h"

#define TICK_MS               250      /* how often deadlines are checked */
#define BACKOFF_MS            100      /* accepting waits this long when descriptors ran out */
#define ACCEPT_BATCH          512      /* per wake-up, so a flood cannot starve replies */
#define SPARE_BATCH           64       /* queued connections answered 503 per shortage */
#define FD_RESERVE            64       /* descriptors kept for the database, TLS, logs, … */
#define MAX_REJECTING         32       /* refused connections waiting for their reply to be read */
#define REJECT_LINGER_US      (2 * G_USEC_PER_SEC)
#define FORCE_CLOSE_US        (5 * G_USEC_PER_SEC)   /* a shut connection nobody closed */
#define LOG_INTERVAL_US       (10 * G_USEC_PER_SEC)
#define DEFAULT_BACKLOG       4096

/* What the listener sheds, each logged at most once per LOG_INTERVAL_US with a count. */
typedef enum {
  SHED_DESCRIPTORS,
  SHED_MAX_CONNECTIONS,
  SHED_PER_ADDRESS,
  SHED_WEBSOCKETS,
  SHED_HEADER_TIMEOUT,
  SHED_BODY_TIMEOUT,
  SHED_WRITE_TIMEOUT,
  SHED_HANDSHAKE_TIMEOUT,
  SHED_HEADER_BYTES,
  SHED_IDLE,
  SHED_ACCEPT_FAILED,
  N_SHED
} ShedKind;

static const char * const shed_texts[N_SHED] = {
  [SHED_DESCRIPTORS] = ("out of file descriptors: answered 503 and closed queued connections, "
                        "closed the oldest idle one, accepting again in 100 ms"),
  [SHED_MAX_CONNECTIONS] = "connection refused with 503: max-connections reached",
  [SHED_PER_ADDRESS] = "connection refused with 503: max-connections-per-address reached",
  [SHED_WEBSOCKETS] = "WebSocket refused with 503: max-websockets reached",
  [SHED_HEADER_TIMEOUT] = "connection closed with 408: headers took longer than header-timeout",
  [SHED_BODY_TIMEOUT] = "connection closed with 408: body took longer than body-timeout",
  [SHED_WRITE_TIMEOUT] = "connection closed: a reply did not move for write-timeout",
  [SHED_HANDSHAKE_TIMEOUT] = "connection closed: TLS handshake took longer than header-timeout",
  [SHED_HEADER_BYTES] = "connection closed with 431: headers over max-header-bytes",
  [SHED_IDLE] = "connection closed: idle for idle-timeout",
  [SHED_ACCEPT_FAILED] = "accepting a connection failed",
};

typedef struct {
  guint  count;      /* since the last line */
  gint64 logged_at;
  char  *detail;     /* the last one's address or error, for the line */
} ShedLog;

/* A refused plain connection: its 503 is written and its side shut; what the peer still
 * sends is read and dropped until it closes, so that closing does not reset the
 * connection before the peer has read the 503. */
typedef struct {
  GSocket *socket;
  GSource *source;
  gint64   deadline;
} Rejecting;

struct _DkServerListener
{
  GObject          parent_instance;

  /* owned references */
  SoupServer      *soup;
  GTlsCertificate *certificate;
  GSocket         *socket;
  GSocket         *placeholder[2];
  GSource         *accept_source;
  GHashTable      *connections;    /* DkServerConnection * (owned) */
  GHashTable      *per_address;    /* char * address → GUINT_TO_POINTER (count) */
  GQueue           rejecting;      /* Rejecting * */
  GBytes          *reply_503;
  GBytes          *reply_408;
  GBytes          *reply_431;
  GBytes          *reply_400;

  /* state */
  DkServerLimits   limits;
  guint            max_connections;
  guint            n_websockets;
  int              spare_fd;
  guint            backoff_id;
  guint            tick_id;
  ShedLog          logs[N_SHED];
};

G_DEFINE_FINAL_TYPE (DkServerListener, dk_server_listener, G_TYPE_OBJECT)

static gboolean dk_server_listener_accept_ready_cb (GSocket      *socket,
                                                    GIOCondition  condition,
                                                    gpointer      user_data);

/* On the remote address libsoup keeps for a connection: the DkServerConnection. */
static GQuark
connection_quark (void)
{
  return g_quark_from_static_string ("dk-server-listener-connection");
}

/* ---- logging what is shed ---- */

static void
flush_log (ShedLog  *log,
           ShedKind  kind,
           gint64    now)
{
  if (log->count == 0)
    return;

  if (kind == SHED_IDLE)
    g_debug ("%s (%u in the last %u s)", shed_texts[kind], log->count,
             (guint) (LOG_INTERVAL_US / G_USEC_PER_SEC));
  else
    g_message ("Shedding load: %s (%u in the last %u s%s%s)", shed_texts[kind], log->count,
               (guint) (LOG_INTERVAL_US / G_USEC_PER_SEC),
               log->detail != NULL ? "; last: " : "", log->detail != NULL ? log->detail : "");

  log->count = 0;
  log->logged_at = now;
  g_clear_pointer (&log->detail, g_free);
}

/* One line at once, then at most one per interval with how many came meanwhile. */
static void
note_shed (DkServerListener *self,
           ShedKind          kind,
           const char       *detail)
{
  ShedLog *log = &self->logs[kind];
  gint64 now = g_get_monotonic_time ();

  log->count++;
  if (detail != NULL)
    {
      g_free (log->detail);
      log->detail = g_strdup (detail);
    }

  if (log->logged_at == 0 || now - log->logged_at >= LOG_INTERVAL_US)
    flush_log (log, kind, now);
}

/* ---- canned replies, written without libsoup ---- */

static GBytes *
build_reply (guint       status,
             const char *reason,
             const char *code,
             const char *message,
             guint       retry_after)
{
  g_autofree char *body = _dk_server_dup_error_body (code, message);
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "HTTP/1.1 %u %s\r\n", status, reason);
  g_string_append (text, "Content-Type: " DK_SERVER_JSON_TYPE "\r\n");
  g_string_append_printf (text, "Content-Length: %zu\r\n", strlen (body));
  if (retry_after > 0)
    g_string_append_printf (text, "Retry-After: %u\r\n", retry_after);
  g_string_append (text, "Connection: close\r\n\r\n");
  g_string_append (text, body);

  return g_string_free_to_bytes (text);
}

static void
build_replies (DkServerListener *self)
{
  self->reply_503 = build_reply (SOUP_STATUS_SERVICE_UNAVAILABLE, "Service Unavailable",
                                 "unavailable", _("The server is busy; try again in a moment"),
                                 MAX (self->limits.retry_after_seconds, 1));
  self->reply_408 = build_reply (SOUP_STATUS_REQUEST_TIMEOUT, "Request Timeout", "timeout",
                                 _("The request took too long to arrive"), 0);
  self->reply_431 = build_reply (431, "Request Header Fields Too Large", "too_large",
                                 _("The request headers are too large"), 0);
  self->reply_400 = build_reply (SOUP_STATUS_BAD_REQUEST, "Bad Request", "bad_request",
                                 _("The request's Content-Length or Transfer-Encoding is "
                                   "malformed"), 0);
}

/* ---- refused connections ---- */

static void
rejecting_free (Rejecting *rejecting)
{
  if (rejecting->source != NULL)
    {
      g_source_destroy (rejecting->source);
      g_source_unref (rejecting->source);
    }
  g_socket_close (rejecting->socket, NULL);
  g_object_unref (rejecting->socket);
  g_free (rejecting);
}

static gboolean
dk_server_listener_rejecting_readable_cb (GSocket      *socket,
                                          GIOCondition  condition,
                                          gpointer      user_data)
{
  DkServerListener *self = DK_SERVER_LISTENER (user_data);
  char buffer[4096];
  gssize n;

  do
    n = g_socket_receive_with_blocking (socket, buffer, sizeof buffer, FALSE, NULL, NULL);
  while (n > 0);

  if (n < 0 && g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR) == 0)
    return G_SOURCE_CONTINUE;   /* would block: the peer has not finished */

  for (GList *l = self->rejecting.head; l != NULL; l = l->next)
    {
      Rejecting *rejecting = l->data;

      if (rejecting->socket == socket)
        {
          g_queue_delete_link (&self->rejecting, l);
          g_clear_pointer (&rejecting->source, g_source_unref);   /* removed by returning */
          rejecting_free (rejecting);
          break;
        }
    }

  return G_SOURCE_REMOVE;
}

/* Answers 503 + Retry-After + Connection: close on a connection over a limit, and lets
 * it go. Over TLS a 503 would need a handshake first, which costs what the limit
 * protects: such a connection is closed at once. */
static void
reject (DkServerListener *self,
        GSocket          *socket,
        ShedKind          kind,
        const char       *address)
{
  gsize length;
  const char *data;
  Rejecting *rejecting;

  note_shed (self, kind, address);

  if (self->certificate != NULL)
    {
      g_socket_close (socket, NULL);
      return;
    }

  data = g_bytes_get_data (self->reply_503, &length);
  g_socket_send_with_blocking (socket, data, length, FALSE, NULL, NULL);

  if (self->rejecting.length >= MAX_REJECTING)
    {
      g_socket_close (socket, NULL);
      return;
    }

  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  rejecting = g_new0 (Rejecting, 1);
  rejecting->socket = g_object_ref (socket);
  rejecting->deadline = g_get_monotonic_time () + REJECT_LINGER_US;
  rejecting->source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (rejecting->source,
                         G_SOURCE_FUNC (dk_server_listener_rejecting_readable_cb), self, NULL);
  g_source_attach (rejecting->source, NULL);
  g_queue_push_tail (&self->rejecting, rejecting);
}

/* ---- the table ---- */

static guint
count_for_address (DkServerListener *self,
                   const char       *address)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));
}

static void
set_count_for_address (DkServerListener *self,
                       const char       *address,
                       guint             count)
{
  if (count == 0)
    g_hash_table_remove (self->per_address, address);
  else
    g_hash_table_insert (self->per_address, g_strdup (address), GUINT_TO_POINTER (count));
}

/* A connection counts against its address's limit while it is an HTTP connection (a
 * request, or idle between requests: what a slow caller holds). An events WebSocket does
 * not: behind a hospital's NAT one address is thousands of desktops, each holding one,
 * and max-websockets limits them all. */
static void
add_to_address (DkServerListener   *self,
                DkServerConnection *connection,
                int                 delta)
{
  const char *address = dk_server_connection_get_address (connection);

  set_count_for_address (self, address, count_for_address (self, address) + delta);
}

static void
set_state (DkServerListener        *self,
           DkServerConnection      *connection,
           DkServerConnectionState  state)
{
  DkServerConnectionState old = dk_server_connection_get_state (connection);

  if (old == state || old == DK_SERVER_CONNECTION_CLOSED)
    return;

  if (old == DK_SERVER_CONNECTION_WEBSOCKET)
    {
      self->n_websockets--;
      add_to_address (self, connection, 1);
    }
  if (state == DK_SERVER_CONNECTION_WEBSOCKET)
    {
      self->n_websockets++;
      add_to_address (self, connection, -1);
    }

  dk_server_connection_set_state (connection, state);
}

static void
dk_server_listener_connection_closed_cb (DkServerConnection *connection,
                                         gpointer            user_data)
{
  DkServerListener *self = DK_SERVER_LISTENER (user_data);
  if (dk_server_connection_get_state (connection) == DK_SERVER_CONNECTION_WEBSOCKET)
    self->n_websockets--;
  else
    add_to_address (self, connection, -1);

  g_signal_handlers_disconnect_by_data (connection, self);
  g_hash_table_remove (self->connections, connection);
}

static void
dk_server_listener_headers_too_large_cb (DkServerConnection *connection,
                                         gpointer            user_data)
{
  DkServerListener *self = DK_SERVER_LISTENER (user_data);

  note_shed (self, SHED_HEADER_BYTES, dk_server_connection_get_address (connection));
  dk_server_connection_shut (connection, self->reply_431);
}

static void
dk_server_listener_headers_refused_cb (DkServerConnection *connection,
                                       gpointer            user_data)
{
  DkServerListener *self = DK_SERVER_LISTENER (user_data);

  dk_server_connection_shut (connection, self->reply_400);
}

/* The connection that shed costs least: idle the longest (keep-alive clients reconnect). */
static void
shed_oldest_idle (DkServerListener *self)
{
  DkServerConnection *oldest = NULL;
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      DkServerConnection *connection = key;

      if (dk_server_connection_get_state (connection) != DK_SERVER_CONNECTION_IDLE ||
          dk_server_connection_get_shut_at (connection) != 0)
        continue;
      if (oldest == NULL ||
          dk_server_connection_get_since (connection) < dk_server_connection_get_since (oldest))
        oldest = connection;
    }

  if (oldest != NULL)
    dk_server_connection_shut (oldest, NULL);
}

/* ---- libsoup's side of a request ---- */

static DkServerConnection *
lookup_connection (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  if (remote == NULL)
    return NULL;

  return g_object_get_qdata (G_OBJECT (remote), connection_quark ());
}

static gboolean
has_body (SoupMessageHeaders *headers)
{
  switch (soup_message_headers_get_encoding (headers))
    {
    case SOUP_ENCODING_CONTENT_LENGTH:
      return soup_message_headers_get_content_length (headers) > 0;
    case SOUP_ENCODING_NONE:
      return FALSE;
    default:
      return TRUE;
    }
}

static void
dk_server_listener_msg_got_headers_cb (SoupServerMessage *msg,
                                       gpointer           user_data)
{
  DkServerListener *self = DK_SERVER_LISTENER (user_data);
  DkServerConnection *connection = lookup_connection (msg);
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  guint n_requests;

  if (connection == NULL)
    return;

  n_requests = dk_server_connection_count_request (connection);
  set_state (self, connection,
             has_body (request) ? DK_SERVER_CONNECTION_BODY : DK_SERVER_CONNECTION_RESPONSE);

  if (self->limits.max_requests_per_connection > 0 &&
      n_requests >= self->limits.max_requests_per_connection)
    soup_message_headers_replace (response, "Connection", "close");

  if (soup_server_message_get_status (msg) != 0)
    return;   /* an early handler answered already */

  if (self->limits.max_websockets > 0 &&
      soup_message_headers_header_contains (request, "Upgrade", "websocket") &&
      self->n_websockets >= self->limits.max_websockets)
    {
      g_autofree char *retry = g_strdup_printf ("%u", MAX (self->limits.retry_after_seconds, 1));

      note_shed (self, SHED_WEBSOCKETS, dk_server_connection_get_address (connection));
      _dk_server_reply_error_full (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "unavailable",
                                   _("Too many event connections; try again in a moment"));
      soup_message_headers_replace (response, "Retry-After", retry);
      soup_message_headers_replace (response, "Connection", "close");
    }
}

static void
dk_server_listener_msg_got_body_cb (SoupServerMessage *msg,
                                    gpointer           user_data)
{
  DkServerConnection *connection = lookup_connection (msg);

  if (connection != NULL)
    set_state (DK_SERVER_LISTENER (user_data), connection, DK_SERVER_CONNECTION_RESPONSE);
}

static void
dk_server_listener_msg_wrote_informational_cb (SoupServerMessage *msg,
                                               gpointer           user_data)
{
  DkServerConnection *connection = lookup_connection (msg);

  if (connection != NULL &&
      soup_server_message_get_status (msg) == SOUP_STATUS_SWITCHING_PROTOCOLS)
    set_state (DK_SERVER_LISTENER (user_data), connection, DK_SERVER_CONNECTION_WEBSOCKET);
}

static void
dk_server_listener_msg_finished_cb (SoupServerMessage *msg,
                                    gpointer           user_data)
{
  DkServerConnection *connection = lookup_connection (msg);

  if (connection != NULL &&
      dk_server_connection_get_state (connection) != DK_SERVER_CONNECTION_WEBSOCKET)
    set_state (DK_SERVER_LISTENER (user_data), connection, DK_SERVER_CONNECTION_IDLE);
}

static void
dk_server_listener_request_started_cb (SoupServer        *soup,
                                       SoupServerMessage *msg,
                                       gpointer           user_data)
{
  DkServerListener *self = DK_SERVER_LISTENER (user_data);

  if (lookup_connection (msg) == NULL)
    return;   /* a stream handed over by someone else (a test, the fuzzer) */

  /* After libsoup's own got-headers handler, which runs the early handlers. */
  g_signal_connect_object (msg, "got-headers",
                           G_CALLBACK (dk_server_listener_msg_got_headers_cb), self, 0);
  g_signal_connect_object (msg, "got-body",
                           G_CALLBACK (dk_server_listener_msg_got_body_cb), self, 0);
  g_signal_connect_object (msg, "wrote-informational",
                           G_CALLBACK (dk_server_listener_msg_wrote_informational_cb), self, 0);
  g_signal_connect_object (msg, "finished",
                           G_CALLBACK (dk_server_listener_msg_finished_cb), self, 0);
}

/* ---- accepting ---- */

static void
hand_to_soup (DkServerListener   *self,
              DkServerConnection *connection)
{
  GSocket *socket = dk_server_connection_get_socket (connection);
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (socket, NULL);
  g_autoptr(GError) error = NULL;

  if (local == NULL || remote == NULL)
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return;
    }

  /* libsoup keeps this very address object for the connection's messages: it leads a
   * message back to its connection. */
  g_object_set_qdata_full (G_OBJECT (remote), connection_quark (), g_object_ref (connection),
                           g_object_unref);
  set_state (self, connection, DK_SERVER_CONNECTION_IDLE);

  if (!soup_server_accept_iostream (self->soup, G_IO_STREAM (connection), local, remote, &error))
    {
      note_shed (self, SHED_ACCEPT_FAILED, error->message);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }
}

typedef struct {
  DkServerListener   *self;
  DkServerConnection *connection;
} Handshake;

static void
dk_server_listener_handshake_done_cb (GObject      *object,
                                      GAsyncResult *result,
                                      gpointer      user_data)
{
  Handshake *handshake = user_data;
  g_autoptr(DkServerListener) self = handshake->self;
  g_autoptr(DkServerConnection) connection = handshake->connection;
  g_autoptr(GError) error = NULL;

  g_free (handshake);

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (object), result, &error))
    {
      g_debug ("TLS handshake failed: %s", error->message);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return;
    }

  if (dk_server_connection_get_state (connection) == DK_SERVER_CONNECTION_HANDSHAKE &&
      self->soup != NULL)
    hand_to_soup (self, connection);
}

static void
take_client (DkServerListener *self,
             GSocket          *socket)
{
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (socket, NULL);
  g_autoptr(GSocketConnection) socket_connection = NULL;
  g_autoptr(GIOStream) base = NULL;
  g_autoptr(DkServerConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    {
      g_socket_close (socket, NULL);
      return;
    }
  address = g_inet_address_to_string (
    g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));

  if (g_hash_table_size (self->connections) >= self->max_connections)
    {
      reject (self, socket, SHED_MAX_CONNECTIONS, address);
      /* the next try after Retry-After finds a place */
      shed_oldest_idle (self);
      return;
    }
  if (self->limits.max_connections_per_address > 0 &&
      count_for_address (self, address) >= self->limits.max_connections_per_address)
    {
      reject (self, socket, SHED_PER_ADDRESS, address);
      return;
    }

  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  socket_connection = g_socket_connection_factory_create_connection (socket);

  if (self->certificate != NULL)
    {
      base = G_IO_STREAM (g_tls_server_connection_new (G_IO_STREAM (socket_connection),
                                                       self->certificate, &error));
      if (base == NULL)
        {
          note_shed (self, SHED_ACCEPT_FAILED, error->message);
          g_socket_close (socket, NULL);
          return;
        }
      /* as libsoup's own server connections: clients often just close */
      g_object_set (base, "require-close-notify", FALSE, NULL);
    }
  else
    {
      base = g_object_ref (G_IO_STREAM (socket_connection));
    }

  connection = dk_server_connection_new (socket_connection, base, address,
                                         self->limits.max_header_bytes);
  g_hash_table_add (self->connections, g_object_ref (connection));
  set_count_for_address (self, address, count_for_address (self, address) + 1);
  g_signal_connect (connection, "closed",
                    G_CALLBACK (dk_server_listener_connection_closed_cb), self);
  g_signal_connect (connection, "headers-too-large",
                    G_CALLBACK (dk_server_listener_headers_too_large_cb), self);
  g_signal_connect (connection, "headers-refused",
                    G_CALLBACK (dk_server_listener_headers_refused_cb), self);

  if (self->certificate != NULL)
    {
      Handshake *handshake = g_new (Handshake, 1);

      handshake->self = g_object_ref (self);
      handshake->connection = g_object_ref (connection);
      dk_server_connection_set_state (connection, DK_SERVER_CONNECTION_HANDSHAKE);
      g_tls_connection_handshake_async (G_TLS_CONNECTION (base), G_PRIORITY_DEFAULT, NULL,
                                        dk_server_listener_handshake_done_cb, handshake);
      return;
    }

  hand_to_soup (self, connection);
}

static void
start_accepting (DkServerListener *self)
{
  g_assert (self->accept_source == NULL);

  self->accept_source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source,
                         G_SOURCE_FUNC (dk_server_listener_accept_ready_cb), self, NULL);
  g_source_attach (self->accept_source, NULL);
}

static gboolean
dk_server_listener_backoff_done_cb (gpointer user_data)
{
  DkServerListener *self = DK_SERVER_LISTENER (user_data);

  self->backoff_id = 0;
  if (self->socket != NULL)
    start_accepting (self);

  return G_SOURCE_REMOVE;
}

/* Accepts with the spare descriptor and answers 503 to what waits in the backlog, so
 * that those clients hear "later" instead of waiting unanswered. */
static void
answer_queued_with_spare (DkServerListener *self)
{
  gsize length;
  const char *data = g_bytes_get_data (self->reply_503, &length);

  for (guint i = 0; i < SPARE_BATCH && self->spare_fd >= 0; i++)
    {
      int fd;

      close (self->spare_fd);
      /* closed at once: no need for SOCK_CLOEXEC or O_NONBLOCK */
      fd = accept (g_socket_get_fd (self->socket), NULL, NULL);
      if (fd >= 0)
        {
          if (self->certificate == NULL)
            (void) send (fd, data, length, MSG_NOSIGNAL | MSG_DONTWAIT);
          close (fd);
        }
      self->spare_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        break;
    }
}

/* EMFILE or ENFILE: answer what waits, free a descriptor for later, and stop accepting
 * for BACKOFF_MS instead of spinning on a socket that stays readable. */
static void
handle_descriptor_shortage (DkServerListener *self,
                            const GError     *error)
{
  answer_queued_with_spare (self);
  shed_oldest_idle (self);
  note_shed (self, SHED_DESCRIPTORS, error->message);

  self->backoff_id = g_timeout_add (BACKOFF_MS, dk_server_listener_backoff_done_cb, self);
}

static gboolean
dk_server_listener_accept_ready_cb (GSocket      *socket,
                                    GIOCondition  condition,
                                    gpointer      user_data)
{
  DkServerListener *self = DK_SERVER_LISTENER (user_data);

  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      g_autoptr(GSocket) client = NULL;
      g_autoptr(GError) error = NULL;

      client = g_socket_accept (self->socket, NULL, &error);
      if (client != NULL)
        {
          take_client (self, client);
          continue;
        }

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        {
          GSource *source = g_steal_pointer (&self->accept_source);

          handle_descriptor_shortage (self, error);
          g_source_unref (source);
          return G_SOURCE_REMOVE;
        }

      /* A connection reset while queued and the like: the next one may be fine. Still
       * back off a little for errors that would repeat (ENOBUFS, ENOMEM). */
      note_shed (self, SHED_ACCEPT_FAILED, error->message);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
        {
          GSource *source = g_steal_pointer (&self->accept_source);

          g_source_unref (source);
          self->backoff_id = g_timeout_add (BACKOFF_MS, dk_server_listener_backoff_done_cb, self);
          return G_SOURCE_REMOVE;
        }
    }

  return G_SOURCE_CONTINUE;
}

/* ---- deadlines ---- */

static gboolean
past (gint64 now,
      gint64 since,
      guint  seconds)
{
  return seconds > 0 && now - since >= (gint64) seconds * G_USEC_PER_SEC;
}

/* Which deadline @connection missed, or N_SHED. */
static ShedKind
missed_deadline (DkServerListener   *self,
                 DkServerConnection *connection,
                 gint64              now)
{
  gint64 since = dk_server_connection_get_since (connection);

  switch (dk_server_connection_get_state (connection))
    {
    case DK_SERVER_CONNECTION_HANDSHAKE:
      return past (now, since, self->limits.header_timeout_seconds) ? SHED_HANDSHAKE_TIMEOUT
                                                                    : N_SHED;
    case DK_SERVER_CONNECTION_IDLE:
      return past (now, since, self->limits.idle_timeout_seconds) ? SHED_IDLE : N_SHED;
    case DK_SERVER_CONNECTION_HEADERS:
      return past (now, since, self->limits.header_timeout_seconds) ? SHED_HEADER_TIMEOUT : N_SHED;
    case DK_SERVER_CONNECTION_BODY:
      return past (now, since, self->limits.body_timeout_seconds) ? SHED_BODY_TIMEOUT : N_SHED;
    case DK_SERVER_CONNECTION_RESPONSE:
      return past (now, dk_server_connection_get_progress (connection),
                   self->limits.write_timeout_seconds) ? SHED_WRITE_TIMEOUT : N_SHED;
    case DK_SERVER_CONNECTION_WEBSOCKET:
    case DK_SERVER_CONNECTION_CLOSED:
    default:
      return N_SHED;
    }
}

static void
expire_rejecting (DkServerListener *self,
                  gint64            now)
{
  while (self->rejecting.head != NULL &&
         ((Rejecting *) self->rejecting.head->data)->deadline <= now)
    rejecting_free (g_queue_pop_head (&self->rejecting));
}

static gboolean
dk_server_listener_tick_cb (gpointer user_data)
{
  DkServerListener *self = DK_SERVER_LISTENER (user_data);
  g_autoptr(GPtrArray) to_close = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      DkServerConnection *connection = key;
      gint64 shut_at = dk_server_connection_get_shut_at (connection);
      ShedKind kind;

      /* Only the table holds it: nobody will ever close it. Or it was shut and its
       * reader never came to close it. */
      if (G_OBJECT (connection)->ref_count == 1 ||
          (shut_at != 0 && now - shut_at >= FORCE_CLOSE_US))
        {
          g_ptr_array_add (to_close, g_object_ref (connection));
          continue;
        }
      if (shut_at != 0)
        continue;

      kind = missed_deadline (self, connection, now);
      if (kind == N_SHED)
        continue;

      note_shed (self, kind, dk_server_connection_get_address (connection));
      dk_server_connection_shut (connection,
                                 kind == SHED_HEADER_TIMEOUT || kind == SHED_BODY_TIMEOUT
                                 ? self->reply_408 : NULL);
    }

  for (guint i = 0; i < to_close->len; i++)
    g_io_stream_close (to_close->pdata[i], NULL, NULL);

  expire_rejecting (self, now);

  for (guint kind = 0; kind < N_SHED; kind++)
    if (now - self->logs[kind].logged_at >= LOG_INTERVAL_US)
      flush_log (&self->logs[kind], kind, now);

  return G_SOURCE_CONTINUE;
}

/* ---- setting up ---- */

/* The soft descriptor limit up to the hard one: connections are what the server is for. */
static void
raise_descriptor_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
    return;

  limit.rlim_cur = limit.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
    g_debug ("Could not raise the descriptor limit: %s", g_strerror (errno));
}

/* 0: as many as the descriptors allow, less a reserve for everything else. */
static guint
resolve_max_connections (guint configured)
{
  struct rlimit limit;
  guint64 descriptors;

  if (configured > 0)
    return configured;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return 1024;

  descriptors = limit.rlim_cur == RLIM_INFINITY ? G_MAXUINT : limit.rlim_cur;
  descriptors = MIN (descriptors, G_MAXUINT);
  if (descriptors > 2 * FD_RESERVE)
    return (guint) (descriptors - FD_RESERVE);

  return MAX ((guint) descriptors / 2, 1);
}

/* An operator learns at start, not from the first desktops refused, that the descriptor
 * limit (systemd's LimitNOFILE=, ulimit -Hn) holds fewer connections than the event
 * sockets the server is meant to hold: each desktop keeps one open. */
static void
check_descriptors_for_websockets (const DkServerLimits *limits,
                                  guint                 max_connections)
{
  struct rlimit limit;

  /* the descriptors themselves: the reserve kept out of max_connections is no news */
  if (limits->max_connections != 0 || limits->max_websockets == 0 ||
      getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY ||
      limit.rlim_cur >= limits->max_websockets)
    return;

  g_message ("The descriptor limit (%" G_GUINT64_FORMAT ") allows %u connections, fewer than "
             "max-websockets (%u): desktops past it are refused with 503. Raise the hard "
             "limit (systemd LimitNOFILE=, ulimit -Hn) to hold that many.",
             (guint64) limit.rlim_cur, max_connections, limits->max_websockets);
}

static int
read_somaxconn (void)
{
  g_autofree char *text = NULL;
  guint64 value;

  if (!g_file_get_contents ("/proc/sys/net/core/somaxconn", &text, NULL, NULL) ||
      !g_ascii_string_to_unsigned (g_strstrip (text), 10, 1, G_MAXINT, &value, NULL))
    return DEFAULT_BACKLOG;

  return (int) value;
}

static GSocket *
open_listening_socket (GSocketAddress  *address,
                       GError         **error)
{
  GSocketFamily family = g_socket_address_get_family (address);
  g_autoptr(GSocket) socket = NULL;

  socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);
  if (socket == NULL)
    return NULL;

  if (family == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, NULL);

  /* The kernel's own ceiling: a burst of connects waits in the backlog instead of
   * having its SYNs dropped and retried a second later. */
  g_socket_set_listen_backlog (socket, read_somaxconn ());
  g_socket_set_blocking (socket, FALSE);

  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return NULL;

  return g_steal_pointer (&socket);
}

/* libsoup 3.2 keeps a connection alive after a reply only while it has a listener of its
 * own (request_finished checks priv->listeners). It gets one that never accepts: one end
 * of a socket pair nobody writes to. */
static gboolean
register_placeholder (DkServerListener  *self,
                      GError           **error)
{
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "socketpair: %s",
                   g_strerror (saved));
      return FALSE;
    }

  self->placeholder[0] = g_socket_new_from_fd (fds[0], error);
  if (self->placeholder[0] == NULL)
    {
      close (fds[0]);
      close (fds[1]);
      return FALSE;
    }
  self->placeholder[1] = g_socket_new_from_fd (fds[1], error);
  if (self->placeholder[1] == NULL)
    {
      close (fds[1]);
      return FALSE;
    }

  return soup_server_listen_socket (self->soup, self->placeholder[0], 0, error);
}

/* ---- object ---- */

static void
close_all_connections (DkServerListener *self)
{
  g_autoptr(GList) connections = NULL;

  if (self->connections == NULL)
    return;

  connections = g_hash_table_get_keys (self->connections);
  g_hash_table_steal_all (self->connections);
  for (GList *l = connections; l != NULL; l = l->next)
    {
      DkServerConnection *connection = l->data;

      g_signal_handlers_disconnect_by_data (connection, self);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      g_object_unref (connection);
    }
  g_hash_table_remove_all (self->per_address);
  self->n_websockets = 0;
}

static void
dk_server_listener_dispose (GObject *object)
{
  DkServerListener *self = DK_SERVER_LISTENER (object);

  dk_server_listener_stop (self);
  close_all_connections (self);
  g_clear_object (&self->soup);
  g_clear_object (&self->certificate);
  g_clear_object (&self->placeholder[0]);
  g_clear_object (&self->placeholder[1]);

  G_OBJECT_CLASS (dk_server_listener_parent_class)->dispose (object);
}

static void
dk_server_listener_finalize (GObject *object)
{
  DkServerListener *self = DK_SERVER_LISTENER (object);

  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_pointer (&self->per_address, g_hash_table_unref);
  g_clear_pointer (&self->reply_503, g_bytes_unref);
  g_clear_pointer (&self->reply_408, g_bytes_unref);
  g_clear_pointer (&self->reply_431, g_bytes_unref);
  g_clear_pointer (&self->reply_400, g_bytes_unref);
  for (guint kind = 0; kind < N_SHED; kind++)
    g_clear_pointer (&self->logs[kind].detail, g_free);
  if (self->spare_fd >= 0)
    close (self->spare_fd);

  G_OBJECT_CLASS (dk_server_listener_parent_class)->finalize (object);
}

static void
dk_server_listener_class_init (DkServerListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dk_server_listener_dispose;
  object_class->finalize = dk_server_listener_finalize;
}

static void
dk_server_listener_init (DkServerListener *self)
{
  self->connections = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->rejecting);
  self->spare_fd = -1;
}

/* On @socket when given (already listening), else on a socket of its own at @address. */
static DkServerListener *
listener_new (SoupServer            *soup,
              const DkServerLimits  *limits,
              GTlsCertificate       *certificate,
              GSocketAddress        *address,
              GSocket               *socket,
              GError               **error)
{
  g_autoptr(DkServerListener) self = NULL;

  self = g_object_new (DK_TYPE_SERVER_LISTENER, NULL);
  self->soup = g_object_ref (soup);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  self->limits = *limits;

  raise_descriptor_limit ();
  self->max_connections = resolve_max_connections (limits->max_connections);
  check_descriptors_for_websockets (limits, self->max_connections);
  self->spare_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  build_replies (self);

  if (socket != NULL)
    {
      g_socket_set_blocking (socket, FALSE);
      self->socket = g_object_ref (socket);
    }
  else
    {
      self->socket = open_listening_socket (address, error);
    }
  if (self->socket == NULL || !register_placeholder (self, error))
    return NULL;

  g_signal_connect_object (soup, "request-started",
                           G_CALLBACK (dk_server_listener_request_started_cb), self, 0);
  start_accepting (self);
  self->tick_id = g_timeout_add (TICK_MS, dk_server_listener_tick_cb, self);

  return g_steal_pointer (&self);
}

/**
 * dk_server_listener_new:
 * @soup: the server that answers the requests
 * @limits: what is allowed; copied
 * @certificate: (nullable): serve TLS with it
 * @address: where to listen; port 0 picks a free one
 *
 * Raises the soft descriptor limit to the hard one, listens with the kernel's somaxconn
 * as backlog and starts accepting on the thread-default main context.
 *
 * Returns: (transfer full) (nullable): the listener, or %NULL with @error set
 */
DkServerListener *
dk_server_listener_new (SoupServer            *soup,
                        const DkServerLimits  *limits,
                        GTlsCertificate       *certificate,
                        GSocketAddress        *address,
                        GError               **error)
{
  g_return_val_if_fail (SOUP_IS_SERVER (soup), NULL);
  g_return_val_if_fail (limits != NULL, NULL);
  g_return_val_if_fail (G_IS_SOCKET_ADDRESS (address), NULL);

  return listener_new (soup, limits, certificate, address, NULL, error);
}

/**
 * dk_server_listener_new_for_socket:
 * @socket: a stream socket already bound and listening (systemd's socket activation)
 *
 * As dk_server_listener_new(), on @socket instead of a socket of its own.
 *
 * Returns: (transfer full) (nullable): the listener, or %NULL with @error set
 */
DkServerListener *
dk_server_listener_new_for_socket (SoupServer            *soup,
                                   const DkServerLimits  *limits,
                                   GTlsCertificate       *certificate,
                                   GSocket               *socket,
                                   GError               **error)
{
  g_return_val_if_fail (SOUP_IS_SERVER (soup), NULL);
  g_return_val_if_fail (limits != NULL, NULL);
  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);

  return listener_new (soup, limits, certificate, NULL, socket, error);
}

GSocketAddress *
dk_server_listener_dup_address (DkServerListener *self)
{
  g_return_val_if_fail (DK_IS_SERVER_LISTENER (self), NULL);

  if (self->socket == NULL)
    return NULL;

  return g_socket_get_local_address (self->socket, NULL);
}

guint
dk_server_listener_get_max_connections (DkServerListener *self)
{
  g_return_val_if_fail (DK_IS_SERVER_LISTENER (self), 0);

  return self->max_connections;
}

guint
dk_server_listener_get_n_connections (DkServerListener *self)
{
  g_return_val_if_fail (DK_IS_SERVER_LISTENER (self), 0);

  return g_hash_table_size (self->connections);
}

/**
 * dk_server_listener_stop:
 *
 * Closes the listening socket and the connections still in a TLS handshake; libsoup's
 * connections are libsoup's to close (soup_server_disconnect), WebSockets the event
 * hub's. Whatever is left is closed when the listener goes.
 */
void
dk_server_listener_stop (DkServerListener *self)
{
  g_autoptr(GPtrArray) handshakes = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (DK_IS_SERVER_LISTENER (self));

  if (self->accept_source != NULL)
    {
      g_source_destroy (self->accept_source);
      g_clear_pointer (&self->accept_source, g_source_unref);
    }
  g_clear_handle_id (&self->backoff_id, g_source_remove);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);

  while (self->rejecting.head != NULL)
    rejecting_free (g_queue_pop_head (&self->rejecting));

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (dk_server_connection_get_state (key) == DK_SERVER_CONNECTION_HANDSHAKE)
      g_ptr_array_add (handshakes, g_object_ref (key));
  for (guint i = 0; i < handshakes->len; i++)
    g_io_stream_close (handshakes->pdata[i], NULL, NULL);
}
