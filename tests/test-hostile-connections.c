/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hostile-connections.c: the real driftkoll-server against callers that hold
 * connections, send half requests, burst connects and outstay their welcome (issue 13,
 * items 1 and 7, and "Limits, stated and tested" for connections). Raw sockets on
 * 127.0.0.1 throughout: what matters is what happens on the wire. */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "dk-test-server.h"

#define HALF_REQUEST \
  "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" \
  "Content-Length: 1000\r\n"
#define HEALTHZ "GET /api/v1/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
#define HEALTHZ_CLOSE \
  "GET /api/v1/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
#define UPGRADE \
  "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n" \
  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" \
  "Sec-WebSocket-Version: 13\r\n\r\n"

typedef struct {
  DkTestServer *server;
  char         *stderr_path;
} Fixture;

/* ---- the server, with its descriptor limit and flags ---- */

static void
child_setup (gpointer user_data)
{
  guint nofile = GPOINTER_TO_UINT (user_data);

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (nofile > 0)
    {
      /* what prlimit --nofile=N:N does */
      struct rlimit limit = { nofile, nofile };

      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

/* Starts "serve" on the fixture's database with @nofile descriptors (0: as inherited)
 * and the NULL-terminated flags after it; its stderr goes to a file. */
static void
start_server (Fixture *fixture,
              guint    nofile,
              ...)
{
  DkTestServer *server = fixture->server;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *arg;
  va_list args;

  dk_test_server_stop (server, FALSE);

  g_ptr_array_add (argv, (char *) g_getenv ("DRIFTKOLL_SERVER"));
  g_ptr_array_add (argv, "serve");
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, server->db_path);
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, "127.0.0.1:0");
  va_start (args, nofile);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, GUINT_TO_POINTER (nofile), NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, fixture->stderr_path);
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "fatal-criticals", TRUE);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                  &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  g_free (server->url);
  server->url = g_strdup (line + strlen ("listening on "));
  server->port = (guint) g_ascii_strtoull (server->url + strlen ("http://127.0.0.1:"), NULL, 10);
}

static char *
read_stderr (Fixture *fixture)
{
  g_autofree char *text = NULL;

  g_file_get_contents (fixture->stderr_path, &text, NULL, NULL);
  return g_steal_pointer (&text);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = dk_test_server_new (TRUE);
  fixture->stderr_path = g_build_filename (fixture->server->dir, "serve.stderr", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *log = read_stderr (fixture);

  /* the server stopped cleanly (SIGTERM, exit 0) and said nothing critical */
  dk_test_server_free (fixture->server);
  if (log != NULL)
    g_assert_null (strstr (log, "CRITICAL"));
  g_free (fixture->stderr_path);
}

/* ---- raw sockets ---- */

static GSocket *
open_socket (void)
{
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  return socket;
}

static GSocketAddress *
server_address (Fixture *fixture)
{
  return g_inet_socket_address_new_from_string ("127.0.0.1", fixture->server->port);
}

/* Starts a connect without waiting; TRUE when it is already done. */
static gboolean
start_connect (Fixture *fixture,
               GSocket *socket)
{
  g_autoptr(GSocketAddress) address = server_address (fixture);
  g_autoptr(GError) error = NULL;

  g_socket_set_blocking (socket, FALSE);
  if (g_socket_connect (socket, address, NULL, &error))
    return TRUE;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  return FALSE;
}

/* Waits until @deadline (monotonic µs) for a started connect; TRUE when connected. */
static gboolean
finish_connect (GSocket *socket,
                gint64   deadline)
{
  gint64 left = deadline - g_get_monotonic_time ();

  if (left <= 0 || !g_socket_condition_timed_wait (socket, G_IO_OUT, left, NULL, NULL))
    return FALSE;

  return g_socket_check_connect_result (socket, NULL);
}

static GSocket *
connect_now (Fixture *fixture)
{
  GSocket *socket = open_socket ();

  if (!start_connect (fixture, socket))
    g_assert_true (finish_connect (socket, g_get_monotonic_time () + 5 * G_USEC_PER_SEC));
  return socket;
}

static void
send_text (GSocket    *socket,
           const char *text)
{
  gsize length = strlen (text);
  gsize sent = 0;

  while (sent < length)
    {
      g_autoptr(GError) error = NULL;
      gssize n;

      if (!g_socket_condition_timed_wait (socket, G_IO_OUT, 5 * G_USEC_PER_SEC, NULL, NULL))
        g_error ("could not send for 5 s");
      n = g_socket_send (socket, text + sent, length - sent, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        continue;
      g_assert_no_error (error);
      sent += n;
    }
}

/* Reads until @text has come (NULL: never), the server closes, or @seconds pass;
 * *out_closed says whether it closed. A reset counts as closed. */
static char *
read_until (GSocket    *socket,
            const char *text,
            guint       seconds,
            gboolean   *out_closed)
{
  GString *reply = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  gboolean closed = FALSE;

  while (text == NULL || strstr (reply->str, text) == NULL)
    {
      g_autoptr(GError) error = NULL;
      char buffer[8192];
      gint64 left = deadline - g_get_monotonic_time ();
      gssize n;

      if (left <= 0 || !g_socket_condition_timed_wait (socket, G_IO_IN, left, NULL, NULL))
        break;
      n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        continue;
      if (n <= 0)
        {
          closed = TRUE;
          break;
        }
      g_string_append_len (reply, buffer, n);
    }

  if (out_closed != NULL)
    *out_closed = closed;
  return g_string_free (reply, FALSE);
}

/* Reads until the server closes or @seconds pass. */
static char *
read_reply (GSocket  *socket,
            guint     seconds,
            gboolean *out_closed)
{
  return read_until (socket, NULL, seconds, out_closed);
}

/* Reads until @text has come, the server closes, or @seconds pass. */
static char *
read_reply_until (GSocket    *socket,
                  const char *text,
                  guint       seconds)
{
  return read_until (socket, text, seconds, NULL);
}

/* One GET /api/v1/healthz on a new connection within @seconds: its status, 0 for none. */
static guint
healthz_status (Fixture *fixture,
                guint    seconds)
{
  g_autoptr(GSocket) socket = open_socket ();
  g_autofree char *reply = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  guint status = 0;

  if (!start_connect (fixture, socket) && !finish_connect (socket, deadline))
    return 0;

  send_text (socket, HEALTHZ_CLOSE);
  reply = read_reply (socket, MAX ((deadline - g_get_monotonic_time ()) / G_USEC_PER_SEC, 1),
                      NULL);
  if (g_str_has_prefix (reply, "HTTP/1.1 "))
    status = (guint) g_ascii_strtoull (reply + strlen ("HTTP/1.1 "), NULL, 10);

  return status;
}

/* The test itself holds hundreds of sockets; FALSE (the test skipped) when it cannot. */
static gboolean
raise_own_descriptor_limit (void)
{
  struct rlimit limit;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  limit.rlim_cur = limit.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  if (limit.rlim_cur < 1024)
    {
      g_test_skip ("the test needs 1024 descriptors");
      return FALSE;
    }
  return TRUE;
}

static guint
count_occurrences (const char *text,
                   const char *needle)
{
  guint count = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    count++;
  return count;
}

/* ---- item 1: descriptors ---- */

/* 300 connections send half a request and close, against 256 descriptors: the server
 * must accept and answer again afterwards. They connect 8 at a time, each batch accepted
 * before the next (a backlog of 10 holds a batch), so that the server really holds them:
 * a burst would mostly wait in SYN retries. */
static void
run_half_requests_then_close (Fixture *fixture)
{
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  guint connected = 0;
  guint status = 0;

  for (guint i = 0; i < 300; i += 8)
    {
      gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
      gboolean stuck = FALSE;

      for (guint j = i; j < i + 8 && j < 300; j++)
        {
          GSocket *socket = open_socket ();

          g_ptr_array_add (sockets, socket);
          if (!start_connect (fixture, socket) && !finish_connect (socket, deadline))
            {
              stuck = TRUE;
              break;
            }
          connected++;
          g_socket_send (socket, HALF_REQUEST, strlen (HALF_REQUEST), NULL, NULL);
        }
      if (stuck)
        break;   /* the server stopped accepting: what follows shows whether it recovers */
      g_usleep (20 * 1000);
    }
  g_test_message ("%u of 300 connects completed", connected);

  /* let the server take what it can, then hang up on it */
  g_usleep (500 * 1000);
  g_ptr_array_set_size (sockets, 0);

  /* it answers again, within seconds */
  for (guint attempt = 0; attempt < 5 && status != 200; attempt++)
    status = healthz_status (fixture, 3);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (connected, ==, 300);
}

static void
test_descriptors_half_requests (Fixture       *fixture,
                                gconstpointer  data)
{
  if (!raise_own_descriptor_limit ())
    return;

  start_server (fixture, 256, NULL);
  run_half_requests_then_close (fixture);
}

/* The same with max-connections above what the descriptors allow, so that accept()
 * itself fails with EMFILE: the server backs off, recovers and logs it. */
static void
test_descriptors_emfile (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *log = NULL;

  if (!raise_own_descriptor_limit ())
    return;

  start_server (fixture, 256, "--max-connections", "100000", NULL);
  run_half_requests_then_close (fixture);

  log = read_stderr (fixture);
  g_assert_nonnull (strstr (log, "out of file descriptors"));
}

/* ---- item 7: the backlog ---- */

/* While the server is stopped, the kernel completes connects up to the backlog: with
 * somaxconn 200 quick connects all complete at once (with a backlog of 10, 11 do and the
 * rest wait for SYN retries). Then every one is answered. */
static void
test_backlog_burst (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *somaxconn_text = NULL;
  guint n = 200;
  guint connected = 0;
  guint answered = 0;
  gint64 deadline;

  if (!raise_own_descriptor_limit ())
    return;
  if (g_file_get_contents ("/proc/sys/net/core/somaxconn", &somaxconn_text, NULL, NULL))
    n = MIN (n, (guint) g_ascii_strtoull (somaxconn_text, NULL, 10));
  if (n < 50)
    {
      g_test_skip ("somaxconn is below 50 here");
      return;
    }

  start_server (fixture, 0, NULL);
  g_subprocess_send_signal (fixture->server->process, SIGSTOP);

  for (guint i = 0; i < n; i++)
    {
      GSocket *socket = open_socket ();

      start_connect (fixture, socket);
      g_ptr_array_add (sockets, socket);
    }
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  for (guint i = 0; i < sockets->len; i++)
    if (finish_connect (sockets->pdata[i], deadline))
      connected++;

  g_subprocess_send_signal (fixture->server->process, SIGCONT);
  g_test_message ("%u of %u connects completed within 0.5 s while the server was stopped",
                  connected, n);
  g_assert_cmpuint (connected, ==, n);

  for (guint i = 0; i < sockets->len; i++)
    send_text (sockets->pdata[i], HEALTHZ_CLOSE);
  for (guint i = 0; i < sockets->len; i++)
    {
      g_autofree char *reply = read_reply (sockets->pdata[i], 5, NULL);

      if (g_str_has_prefix (reply, "HTTP/1.1 200"))
        answered++;
    }
  g_assert_cmpuint (answered, ==, n);
}

/* ---- limits ---- */

static void
assert_503 (const char *reply,
            gboolean    closed)
{
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 503"));
  g_assert_nonnull (strstr (reply, "\r\nRetry-After: "));
  g_assert_nonnull (strstr (reply, "\"code\":\"unavailable\""));
  g_assert_true (closed);
}

static void
test_max_connections (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) idle = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocket) extra = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *log = NULL;
  gboolean closed;

  start_server (fixture, 0, "--max-connections", "4", "--retry-after-seconds", "7", NULL);
  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (idle, connect_now (fixture));
  g_usleep (300 * 1000);

  extra = connect_now (fixture);
  send_text (extra, HEALTHZ);
  reply = read_reply (extra, 5, &closed);
  assert_503 (reply, closed);
  g_assert_nonnull (strstr (reply, "\r\nRetry-After: 7\r\n"));
  g_assert_nonnull (strstr (reply, "\r\nConnection: close\r\n"));

  /* the oldest idle connection made room: a retry gets in (once the server has seen it
   * go, a moment later) */
  g_usleep (200 * 1000);
  g_assert_cmpuint (healthz_status (fixture, 5), ==, 200);

  log = read_stderr (fixture);
  g_assert_nonnull (strstr (log, "max-connections reached"));
}

static void
test_max_connections_per_address (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocket) extra = NULL;
  g_autofree char *reply = NULL;
  gboolean closed;

  start_server (fixture, 0, "--max-connections-per-address", "3", NULL);
  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (held, connect_now (fixture));
  g_usleep (300 * 1000);

  extra = connect_now (fixture);
  send_text (extra, HEALTHZ);
  reply = read_reply (extra, 5, &closed);
  assert_503 (reply, closed);

  /* one hangs up: the address gets its place back */
  g_ptr_array_remove_index (held, 0);
  g_usleep (300 * 1000);
  g_assert_cmpuint (healthz_status (fixture, 5), ==, 200);
}

/* Behind a hospital's NAT one address is thousands of desktops, each with its events
 * WebSocket: those do not count against the address, what a slow caller holds does. */
static void
test_websockets_do_not_count_per_address (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocket) extra = NULL;
  g_autofree char *refused = NULL;
  gboolean closed;

  start_server (fixture, 0, "--max-connections-per-address", "2", NULL);
  for (guint i = 0; i < 4; i++)
    {
      GSocket *socket = connect_now (fixture);
      g_autofree char *reply = NULL;

      g_ptr_array_add (sockets, socket);
      send_text (socket, UPGRADE);
      reply = read_reply_until (socket, "\r\n\r\n", 5);
      g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 101"));
    }
  g_assert_cmpuint (healthz_status (fixture, 5), ==, 200);

  /* two plain connections fill the address's places */
  for (guint i = 0; i < 2; i++)
    g_ptr_array_add (sockets, connect_now (fixture));
  g_usleep (300 * 1000);
  extra = connect_now (fixture);
  send_text (extra, HEALTHZ);
  refused = read_reply (extra, 5, &closed);
  assert_503 (refused, closed);
}

static void
test_max_websockets (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GSocket) first = NULL;
  g_autoptr(GSocket) second = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *refused = NULL;
  gboolean closed;

  start_server (fixture, 0, "--max-websockets", "1", NULL);

  first = connect_now (fixture);
  send_text (first, UPGRADE);
  reply = read_reply (first, 1, &closed);
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 101"));
  g_assert_false (closed);

  second = connect_now (fixture);
  send_text (second, UPGRADE);
  refused = read_reply (second, 5, &closed);
  assert_503 (refused, closed);

  /* plain requests are not WebSockets */
  g_assert_cmpuint (healthz_status (fixture, 5), ==, 200);
}

static void
test_max_requests_per_connection (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GSocket) socket = NULL;
  g_autofree char *reply = NULL;
  gboolean closed;

  start_server (fixture, 0, "--max-requests-per-connection", "2", NULL);
  socket = connect_now (fixture);
  send_text (socket, HEALTHZ HEALTHZ HEALTHZ);
  reply = read_reply (socket, 5, &closed);

  g_assert_cmpuint (count_occurrences (reply, "HTTP/1.1 200"), ==, 2);
  g_assert_cmpuint (count_occurrences (reply, "Connection: close"), ==, 1);
  g_assert_true (closed);
}

static void
test_max_header_bytes (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GSocket) big = NULL;
  g_autoptr(GSocket) body = NULL;
  g_autoptr(GString) request = g_string_new ("GET /api/v1/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  g_autoptr(GString) json = g_string_new ("{\"username\":\"");
  g_autofree char *post = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *body_reply = NULL;
  gboolean closed;

  start_server (fixture, 0, "--max-header-bytes", "1024", NULL);

  for (guint i = 0; i < 40; i++)
    g_string_append_printf (request, "X-Filler-%u: %050u\r\n", i, i);
  g_string_append (request, "\r\n");
  big = connect_now (fixture);
  send_text (big, request->str);
  reply = read_reply (big, 5, &closed);
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 431"));
  g_assert_true (closed);

  /* a body larger than the header limit, in the same packet, is not headers */
  while (json->len < 4000)
    g_string_append_c (json, 'a');
  g_string_append (json, "\",\"password\":\"x\"}");
  post = g_strdup_printf ("POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Connection: close\r\nContent-Type: application/json\r\n"
                          "Content-Length: %zu\r\n\r\n%s",
                          json->len, json->str);
  body = connect_now (fixture);
  send_text (body, post);
  body_reply = read_reply (body, 5, NULL);
  g_assert_true (g_str_has_prefix (body_reply, "HTTP/1.1 "));
  g_assert_false (g_str_has_prefix (body_reply, "HTTP/1.1 431"));
}

/* ---- deadlines ---- */

static void
test_header_timeout (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GSocket) socket = NULL;
  g_autofree char *reply = NULL;
  gint64 start;
  gboolean closed;

  start_server (fixture, 0, "--header-timeout-seconds", "1", NULL);
  socket = connect_now (fixture);
  send_text (socket, "GET /api/v1/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  start = g_get_monotonic_time ();
  reply = read_reply (socket, 10, &closed);

  g_assert_true (closed);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 408"));
}

static void
test_body_timeout (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GSocket) socket = NULL;
  g_autofree char *reply = NULL;
  gint64 start;
  gboolean closed;

  start_server (fixture, 0, "--body-timeout-seconds", "1", NULL);
  socket = connect_now (fixture);
  send_text (socket, HALF_REQUEST "\r\n{\"username\"");
  start = g_get_monotonic_time ();
  reply = read_reply (socket, 10, &closed);

  g_assert_true (closed);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 408"));
}

/* The descriptors a server process holds now. */
static guint
count_descriptors (Fixture *fixture)
{
  const char *pid = g_subprocess_get_identifier (fixture->server->process);
  g_autofree char *path = g_strdup_printf ("/proc/%s/fd", pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* libsoup 3.2.3 alone kept every connection its peer closed between requests (kept alive
 * after a reply, or never used) open for good: 50 of each cost 100 descriptors, and the
 * idle deadline (60 s by default) was the only thing that would ever close them. */
static void
test_closed_by_peer_frees_descriptor (Fixture       *fixture,
                                      gconstpointer  data)
{
  gint64 deadline;
  guint before;

  start_server (fixture, 0, NULL);
  g_assert_cmpuint (healthz_status (fixture, 5), ==, 200);
  before = count_descriptors (fixture);

  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(GSocket) kept = connect_now (fixture);
      g_autoptr(GSocket) unused = connect_now (fixture);
      g_autofree char *reply = NULL;

      send_text (kept, HEALTHZ);
      reply = read_reply_until (kept, "\"status\"", 5);
      g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200"));
      g_socket_close (kept, NULL);
      g_socket_close (unused, NULL);
    }

  /* bounded: a few seconds at most, far below the idle deadline */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (count_descriptors (fixture) > before + 2 && g_get_monotonic_time () < deadline)
    g_usleep (G_USEC_PER_SEC / 20);
  g_assert_cmpuint (count_descriptors (fixture), <=, before + 2);
  g_assert_cmpuint (healthz_status (fixture, 5), ==, 200);
}

static void
test_idle_timeout (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GSocket) silent = NULL;
  g_autoptr(GSocket) kept = NULL;
  g_autofree char *nothing = NULL;
  g_autofree char *reply = NULL;
  gint64 start;
  gboolean closed;

  start_server (fixture, 0, "--idle-timeout-seconds", "1", NULL);

  /* a connection that never says anything */
  silent = connect_now (fixture);
  start = g_get_monotonic_time ();
  nothing = read_reply (silent, 10, &closed);
  g_assert_true (closed);
  g_assert_cmpstr (nothing, ==, "");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);

  /* a kept-alive one after its reply */
  kept = connect_now (fixture);
  send_text (kept, HEALTHZ);
  start = g_get_monotonic_time ();
  reply = read_reply (kept, 10, &closed);
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200"));
  g_assert_true (closed);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
}

/* A reader that never reads: its replies stall in the buffers, and the connection is
 * dropped once nothing moved for write-timeout-seconds. */
static void
test_write_timeout (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GSocket) socket = open_socket ();
  g_autoptr(GString) requests = g_string_new (NULL);
  g_autofree char *reply = NULL;
  g_autofree char *log = NULL;
  gboolean closed;
  guint n = 2000;

  start_server (fixture, 0, "--write-timeout-seconds", "1", NULL);
  g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, 4096, NULL);
  if (!start_connect (fixture, socket))
    g_assert_true (finish_connect (socket, g_get_monotonic_time () + 5 * G_USEC_PER_SEC));

  for (guint i = 0; i < n; i++)
    g_string_append (requests, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  send_text (socket, requests->str);

  g_usleep (4 * G_USEC_PER_SEC);
  reply = read_reply (socket, 30, &closed);
  g_assert_true (closed);
  g_assert_cmpuint (count_occurrences (reply, "HTTP/1.1 200"), <, n);

  log = read_stderr (fixture);
  g_assert_nonnull (strstr (log, "write-timeout"));
}

/* ---- the flags ---- */

static void
test_flags (Fixture       *fixture,
            gconstpointer  data)
{
  const char *flags[] = {
    "--max-connections", "--max-connections-per-address", "--max-websockets",
    "--max-header-bytes", "--max-body-bytes", "--header-timeout-seconds",
    "--body-timeout-seconds", "--idle-timeout-seconds", "--write-timeout-seconds",
    "--max-requests-per-connection", "--max-mutations-per-batch", "--retry-after-seconds",
  };
  g_autofree char *help = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (dk_test_server_run_cli (fixture->server, NULL, &help, NULL, "serve", "--help",
                                           NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    g_assert_nonnull (strstr (help, flags[i]));

  g_assert_cmpint (dk_test_server_run_cli (fixture->server, NULL, NULL, &err, "serve", "--db",
                                           fixture->server->db_path, "--listen", "127.0.0.1:0",
                                           "--idle-timeout-seconds", "soon", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--idle-timeout-seconds"));
}

int
main (int    argc,
      char **argv)
{
  signal (SIGPIPE, SIG_IGN);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/hostile/connections/descriptors/half-requests-then-accepts-again",
       test_descriptors_half_requests);
  ADD ("/hostile/connections/descriptors/emfile-backs-off-and-logs", test_descriptors_emfile);
  ADD ("/hostile/connections/backlog/burst-waits-in-the-queue", test_backlog_burst);
  ADD ("/hostile/connections/limits/max-connections-answers-503", test_max_connections);
  ADD ("/hostile/connections/limits/per-address-answers-503", test_max_connections_per_address);
  ADD ("/hostile/connections/limits/websockets-answer-503", test_max_websockets);
  ADD ("/hostile/connections/limits/websockets-do-not-count-per-address",
       test_websockets_do_not_count_per_address);
  ADD ("/hostile/connections/limits/requests-per-connection", test_max_requests_per_connection);
  ADD ("/hostile/connections/limits/header-bytes-answer-431", test_max_header_bytes);
  ADD ("/hostile/connections/deadlines/header-408", test_header_timeout);
  ADD ("/hostile/connections/deadlines/body-408", test_body_timeout);
  ADD ("/hostile/connections/deadlines/idle", test_idle_timeout);
  ADD ("/hostile/connections/closed-by-peer-frees-its-descriptor",
       test_closed_by_peer_frees_descriptor);
  ADD ("/hostile/connections/deadlines/write", test_write_timeout);
  ADD ("/hostile/connections/flags", test_flags);

  return g_test_run ();
}
