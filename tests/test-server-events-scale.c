/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-events-scale.c: the events WebSocket with many desktops (issue 15). An
 * in-process server and raw client sockets that are no part of the main context, so
 * that what the server's main loop watches can be counted. */

#define _GNU_SOURCE   /* memmem */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dk-server-private.h"
#include "dk-test-files.h"

#define N_CLIENTS 300   /* over the hub's PARALLEL_SEND_MIN: a broadcast uses two threads */
#define WAIT_US   (20 * G_USEC_PER_SEC)

typedef struct {
  int         fd;
  GByteArray *received;
  gboolean    ended;      /* the server closed it */
} Client;

typedef struct {
  char       *dir;
  DkServerDb *db;
  DkServer   *server;
  guint       port;
  Client      clients[N_CLIENTS];
  guint       n_clients;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;

  fixture->dir = g_dir_make_tmp ("dk-events-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "server.db", NULL);
  fixture->db = dk_server_db_open (path, &error);
  g_assert_no_error (error);
  fixture->server = dk_server_new (fixture->db);
  dk_server_listen (fixture->server, "127.0.0.1", 0, NULL, &error);
  g_assert_no_error (error);
  url = dk_server_dup_base_url (fixture->server);
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  fixture->port = g_uri_get_port (uri);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  for (guint i = 0; i < fixture->n_clients; i++)
    {
      if (fixture->clients[i].fd >= 0)
        close (fixture->clients[i].fd);
      g_byte_array_unref (fixture->clients[i].received);
    }
  dk_server_shutdown (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->db);
  /* what the shutdown left to the main loop */
  for (guint i = 0; i < 100 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  dk_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

/* ---- raw clients ---- */

static Client *
open_client (Fixture *fixture)
{
  static const char handshake[] =
    "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (fixture->port) };
  Client *client;

  g_assert_cmpuint (fixture->n_clients, <, N_CLIENTS);
  client = &fixture->clients[fixture->n_clients++];
  client->received = g_byte_array_new ();
  client->fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (client->fd, >=, 0);
  to.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  /* the kernel completes it from the backlog; the server accepts when its loop runs */
  g_assert_cmpint (connect (client->fd, (struct sockaddr *) &to, sizeof to), ==, 0);
  g_assert_cmpint (write (client->fd, handshake, strlen (handshake)), ==, strlen (handshake));
  g_assert_cmpint (fcntl (client->fd, F_SETFL, O_NONBLOCK), ==, 0);

  return client;
}

static void
pump_client (Client *client)
{
  guint8 buffer[4096];
  gssize n;

  if (client->ended)
    return;
  while ((n = read (client->fd, buffer, sizeof buffer)) > 0)
    g_byte_array_append (client->received, buffer, n);
  if (n == 0 || (n < 0 && errno != EAGAIN))
    client->ended = TRUE;
}

/* The bytes after the 101's headers, or NULL before they came. */
static const guint8 *
frames_of (Client *client,
           gsize  *length)
{
  const guint8 *data = client->received->data;
  const guint8 *end;

  /* An empty GByteArray's data is NULL, which memmem () may not be given. */
  if (client->received->len < 4)
    return NULL;
  end = memmem (data, client->received->len, "\r\n\r\n", 4);
  if (end == NULL)
    return NULL;
  g_assert_true (client->received->len >= 12 && memcmp (data, "HTTP/1.1 101", 12) == 0);
  *length = client->received->len - (end + 4 - data);
  return end + 4;
}

static gboolean
has_text (Client     *client,
          const char *text)
{
  gsize length;
  const guint8 *frames = frames_of (client, &length);

  return frames != NULL && memmem (frames, length, text, strlen (text)) != NULL;
}

typedef gboolean (*ClientCheck) (Client *client, gconstpointer data);

/* Runs the server's loop until @check holds for every client; bounded. */
static void
run_until (Fixture       *fixture,
           ClientCheck    check,
           gconstpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  for (;;)
    {
      gboolean all = TRUE;

      for (guint i = 0; i < fixture->n_clients; i++)
        {
          pump_client (&fixture->clients[i]);
          all = all && check (&fixture->clients[i], data);
        }
      if (all)
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static gboolean
check_has_text (Client        *client,
                gconstpointer  data)
{
  return has_text (client, data);
}

static gboolean
check_ended (Client        *client,
             gconstpointer  data)
{
  return client->ended;
}

/* A masked client frame (mask 1 2 3 4). */
static void
send_client_frame (Client       *client,
                   guint8        first,
                   gboolean      masked,
                   const guint8 *payload,
                   gsize         length)
{
  guint8 frame[2 + 4 + 125];
  static const guint8 mask[4] = { 1, 2, 3, 4 };
  gsize head = masked ? 6 : 2;

  g_assert_cmpuint (length, <=, 125);
  frame[0] = first;
  frame[1] = (masked ? 0x80 : 0) | length;
  if (masked)
    memcpy (frame + 2, mask, 4);
  for (gsize i = 0; i < length; i++)
    frame[head + i] = payload[i] ^ (masked ? mask[i & 3] : 0);
  g_assert_cmpint (write (client->fd, frame, head + length), ==, head + length);
}

/* The main context's descriptors now, as its next iteration would poll them. */
static int
count_polled_descriptors (void)
{
  GMainContext *context = g_main_context_default ();
  GPollFD fds[1];
  int priority = 0, timeout = 0, n;

  g_assert_true (g_main_context_acquire (context));
  g_main_context_prepare (context, &priority);
  n = g_main_context_query (context, priority, &timeout, fds, 0);
  {
    g_autofree GPollFD *all = g_new0 (GPollFD, MAX (n, 1));

    g_main_context_query (context, priority, &timeout, all, n);
    g_poll (all, n, 0);
    if (g_main_context_check (context, priority, all, n))
      g_main_context_dispatch (context);
  }
  g_main_context_release (context);

  return n;
}

/* ---- tests ---- */

/* Before issue 15 every event socket was a SoupWebsocketConnection with a source of its
 * own on its socket (and a keepalive timer): GLib walks a list of every descriptor on
 * each add and remove, and libsoup re-adds its source on every read, so a pong cost the
 * server a walk over all desktops. Now the hub's sockets are one epoll set: the main
 * loop polls a handful of descriptors however many desktops listen. */
static void
test_idle_sockets_are_not_polled_one_by_one (Fixture       *fixture,
                                             gconstpointer  data)
{
  int polled;

  for (guint i = 0; i < N_CLIENTS; i++)
    open_client (fixture);
  run_until (fixture, check_has_text, "{\"last_seq\":");

  g_assert_cmpuint (dk_event_hub_get_n_connections (fixture->server->events), ==, N_CLIENTS);
  polled = count_polled_descriptors ();
  g_test_message ("%d descriptors polled with %d event sockets", polled, N_CLIENTS);
  g_assert_cmpint (polled, <, N_CLIENTS / 4);
}

/* One broadcast reaches every socket, and a socket's close takes it out of the hub and
 * out of the listener's table. */
static void
test_broadcast_reaches_all_then_closes_leave (Fixture       *fixture,
                                              gconstpointer  data)
{
  static const guint8 code[2] = { 0x03, 0xe8 };   /* 1000 */

  for (guint i = 0; i < N_CLIENTS; i++)
    open_client (fixture);
  run_until (fixture, check_has_text, "{\"last_seq\":");

  dk_event_hub_broadcast (fixture->server->events, 4242);
  run_until (fixture, check_has_text, "{\"last_seq\":4242}");

  for (guint i = 0; i < N_CLIENTS; i++)
    send_client_frame (&fixture->clients[i], 0x88, TRUE, code, sizeof code);
  run_until (fixture, check_ended, NULL);

  g_assert_cmpuint (dk_event_hub_get_n_connections (fixture->server->events), ==, 0);
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      gsize length;
      const guint8 *frames = frames_of (&fixture->clients[i], &length);

      /* the close is answered with the same code */
      g_assert_nonnull (memmem (frames, length, "\x88\x02\x03\xe8", 4));
    }
  for (guint i = 0; i < 100 && dk_server_listener_get_n_connections (fixture->server->listener) > 0; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (dk_server_listener_get_n_connections (fixture->server->listener), ==, 0);
}

/* The app pings to see that the server is there: a pong with the same payload comes. */
static void
test_ping_is_answered (Fixture       *fixture,
                       gconstpointer  data)
{
  static const guint8 payload[] = "are you there";
  Client *client = open_client (fixture);

  run_until (fixture, check_has_text, "{\"last_seq\":");
  send_client_frame (client, 0x89, TRUE, payload, sizeof payload - 1);
  run_until (fixture, check_has_text, "\x8a\x0d" "are you there");
}

/* A client frame without a mask breaks RFC 6455: closed with 1002. */
static void
test_unmasked_frame_is_refused (Fixture       *fixture,
                                gconstpointer  data)
{
  static const guint8 payload[] = "x";
  Client *client = open_client (fixture);

  run_until (fixture, check_has_text, "{\"last_seq\":");
  send_client_frame (client, 0x89, FALSE, payload, 1);
  run_until (fixture, check_ended, NULL);
  g_assert_true (has_text (client, "\x88\x10\x03\xea" "protocol error"));
  g_assert_cmpuint (dk_event_hub_get_n_connections (fixture->server->events), ==, 0);
}

/* A frame split over many writes still counts. */
static void
test_split_frame_is_read (Fixture       *fixture,
                          gconstpointer  data)
{
  static const guint8 frame[] = { 0x89, 0x83, 0, 0, 0, 0, 'a', 'b', 'c' };
  Client *client = open_client (fixture);

  run_until (fixture, check_has_text, "{\"last_seq\":");
  for (gsize i = 0; i < sizeof frame; i++)
    {
      g_assert_cmpint (write (client->fd, frame + i, 1), ==, 1);
      for (guint j = 0; j < 5; j++)
        g_main_context_iteration (NULL, FALSE);
    }
  run_until (fixture, check_has_text, "\x8a\x03" "abc");
}

/* A desktop that stops reading: what its socket does not take waits in the hub only up
 * to a bound, then the desktop is dropped (it reconnects and pulls when it wakes). */
static void
test_reader_that_stops_is_dropped (Fixture       *fixture,
                                   gconstpointer  data)
{
  int small = 4096;
  Client *client = open_client (fixture);
  guint sent = 0;

  setsockopt (client->fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  run_until (fixture, check_has_text, "{\"last_seq\":");

  /* bounded: the kernel's buffers hold a few MB, 20 bytes a broadcast */
  while (dk_event_hub_get_n_connections (fixture->server->events) > 0 && sent < 2000000)
    dk_event_hub_broadcast (fixture->server->events, 1000000 + sent++);
  g_test_message ("dropped after %u broadcasts", sent);
  g_assert_cmpuint (dk_event_hub_get_n_connections (fixture->server->events), ==, 0);
}

static gboolean
accept_any_certificate_cb (SoupMessage          *msg,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  errors,
                           gpointer              user_data)
{
  return TRUE;
}

static void
websocket_connected_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  SoupWebsocketConnection **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
}

static void
websocket_message_cb (SoupWebsocketConnection *connection,
                      gint                     type,
                      GBytes                  *message,
                      gpointer                 user_data)
{
  GString *received = user_data;

  g_string_append_len (received, g_bytes_get_data (message, NULL), g_bytes_get_size (message));
}

/* Over TLS the bytes go through GTlsConnection: such a socket stays libsoup's
 * SoupWebsocketConnection, and still gets the first seq and every broadcast. */
static void
test_tls_socket_gets_broadcasts (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dk-events-tls-XXXXXX", &error);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *path = g_build_filename (dir, "server.db", NULL);
  g_autofree char *url = NULL;
  g_autofree char *ws_url = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(DkServer) server = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  g_autoptr(GString) received = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + WAIT_US;
  int status = 0;
  const char *openssl[] = {
    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
    "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert, NULL
  };

  g_assert_no_error (error);
  g_spawn_sync (NULL, (char **) openssl, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);

  db = dk_server_db_open (path, &error);
  g_assert_no_error (error);
  server = dk_server_new (db);
  dk_server_listen (server, "127.0.0.1", 0, certificate, &error);
  g_assert_no_error (error);
  url = dk_server_dup_base_url (server);
  g_assert_true (g_str_has_prefix (url, "https://"));
  ws_url = g_strconcat ("wss://", url + strlen ("https://"), "api/v1/events", NULL);

  msg = soup_message_new ("GET", ws_url);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any_certificate_cb), NULL);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        websocket_connected_cb, &connection);
  while (connection == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_connect (connection, "message", G_CALLBACK (websocket_message_cb), received);
  while (strstr (received->str, "{\"last_seq\":") == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (dk_event_hub_get_n_connections (server->events), ==, 1);

  dk_event_hub_broadcast (server->events, 77);
  while (strstr (received->str, "{\"last_seq\":77}") == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  while (dk_event_hub_get_n_connections (server->events) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  dk_server_shutdown (server);
  dk_test_remove_tree (dir);
}

/* With a descriptor limit below max-websockets the server says so at start, with what
 * to raise; with enough descriptors it says nothing. */
static void
test_low_descriptor_limit_is_told (void)
{
  if (g_test_subprocess ())
    {
      struct rlimit limit = { .rlim_cur = 1024, .rlim_max = 1024 };
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("dk-events-fd-XXXXXX", &error);
      g_autofree char *path = g_build_filename (dir, "server.db", NULL);
      g_autoptr(DkServerDb) db = NULL;
      g_autoptr(DkServer) server = NULL;

      g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);
      db = dk_server_db_open (path, &error);
      g_assert_no_error (error);
      server = dk_server_new (db);
      dk_server_listen (server, "127.0.0.1", 0, NULL, &error);
      g_assert_no_error (error);
      dk_server_shutdown (server);
      dk_test_remove_tree (dir);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*descriptor limit (1024) allows 960 connections, fewer than "
                             "max-websockets (20000)*LimitNOFILE*");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/server/events/idle-sockets-not-polled-one-by-one",
       test_idle_sockets_are_not_polled_one_by_one);
  ADD ("/server/events/broadcast-reaches-all-then-closes-leave",
       test_broadcast_reaches_all_then_closes_leave);
  ADD ("/server/events/ping-is-answered", test_ping_is_answered);
  ADD ("/server/events/unmasked-frame-is-refused", test_unmasked_frame_is_refused);
  ADD ("/server/events/split-frame-is-read", test_split_frame_is_read);
  ADD ("/server/events/reader-that-stops-is-dropped", test_reader_that_stops_is_dropped);
#undef ADD
  g_test_add_func ("/server/events/tls-socket-gets-broadcasts", test_tls_socket_gets_broadcasts);
  g_test_add_func ("/server/events/low-descriptor-limit-is-told",
                   test_low_descriptor_limit_is_told);

  return g_test_run ();
}
