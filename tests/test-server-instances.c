/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-instances.c: several driftkoll-server instances on one PostgreSQL; a commit
 * on any of them reaches the WebSockets of all (LISTEN/NOTIFY, dk-server-pg-listener.c),
 * also after the listener's connection or the whole database went away */

#include "config.h"

#include <string.h>

#include "dk-server-pg-listener.h"
#include "dk-test-pg.h"
#include "dk-test-server.h"

#define MAX_INSTANCES 3

typedef struct {
  DkTestPg     *pg;
  char         *url;                       /* the database */
  DkTestServer *servers[MAX_INSTANCES];
  guint         n_servers;
  char         *admin;                     /* a token, valid on every instance */
} Fixture;

/* One client's WebSocket on /api/v1/events and everything it was told. */
typedef struct {
  SoupWebsocketConnection *connection;
  GArray                  *seqs;           /* gint64, in the order received */
  gboolean                 closed;
} Socket;

/* ---- helpers ---- */

static gint64
now_ms (void)
{
  return g_get_monotonic_time () / 1000;
}

/* Iterates the main context until @done says so or @timeout_ms passed; returns whether
 * it was done. */
static gboolean
iterate_until (gboolean    (*done) (gpointer),
               gpointer      data,
               guint         timeout_ms)
{
  gint64 deadline = now_ms () + timeout_ms;

  while (!done (data))
    {
      if (now_ms () >= deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  return TRUE;
}

static JsonObject *
healthz (DkTestServer *server,
         guint        *out_status)
{
  g_autoptr(JsonNode) reply = NULL;

  *out_status = dk_test_server_request (server, "GET", "/api/v1/healthz", NULL, NULL, NULL, 0,
                                        &reply, NULL);
  g_assert_nonnull (reply);

  return json_object_ref (json_node_get_object (reply));
}

/* Waits until the instance's healthz says @status ("ok"/"unavailable") and, for "ok",
 * that its listener is listening. Returns the ms it took. */
static gint64
wait_healthz (DkTestServer *server,
              const char   *status,
              guint         timeout_ms)
{
  gint64 start = now_ms ();

  while (TRUE)
    {
      guint code;
      g_autoptr(JsonObject) health = healthz (server, &code);
      const char *database = json_object_get_string_member (health, "database");
      const char *notifications = json_object_get_string_member_with_default (health,
                                                                              "notifications",
                                                                              "");

      if (g_str_equal (status, "ok") && code == 200 && g_str_equal (database, "ok") &&
          g_str_equal (notifications, "listening"))
        {
          g_assert_cmpstr (json_object_get_string_member (health, "status"), ==, "ok");
          return now_ms () - start;
        }
      if (g_str_equal (status, "unavailable") && code == 503)
        {
          g_assert_cmpstr (database, ==, "unavailable");
          g_assert_cmpstr (json_object_get_string_member (health, "status"), ==, "unavailable");
          g_assert_true (json_object_has_member (health, "version"));
          g_assert_true (json_object_has_member (health, "protocol"));
          g_assert_true (json_object_has_member (health, "last_seq"));
          return now_ms () - start;
        }
      if (now_ms () - start > timeout_ms)
        g_error ("healthz of %s did not become %s within %u ms (status %u, database %s, "
                 "notifications %s)", server->url, status, timeout_ms, code, database,
                 notifications);
      g_usleep (50 * 1000);
    }
}

static void
socket_message_cb (SoupWebsocketConnection *connection,
                   gint                     type,
                   GBytes                  *message,
                   gpointer                 user_data)
{
  Socket *socket = user_data;
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  g_autofree char *text = g_strndup (data, length);
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  gint64 seq;

  g_assert_nonnull (node);
  seq = json_object_get_int_member (json_node_get_object (node), "last_seq");
  g_array_append_val (socket->seqs, seq);
}

static void
socket_closed_cb (SoupWebsocketConnection *connection,
                  gpointer                 user_data)
{
  Socket *socket = user_data;

  socket->closed = TRUE;
}

static void
socket_connected_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SoupWebsocketConnection **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
socket_has_n (gpointer data)
{
  Socket *socket = ((gpointer *) data)[0];
  guint n = GPOINTER_TO_UINT (((gpointer *) data)[1]);

  return socket->seqs->len >= n;
}

static gint64
socket_last (Socket *socket)
{
  if (socket->seqs->len == 0)
    return -1;

  return g_array_index (socket->seqs, gint64, socket->seqs->len - 1);
}

/* Waits until @socket has had @n messages; asserts it within @timeout_ms. */
static void
socket_wait_n (Socket *socket,
               guint   n,
               guint   timeout_ms)
{
  gpointer data[2] = { socket, GUINT_TO_POINTER (n) };

  if (!iterate_until (socket_has_n, data, timeout_ms))
    g_error ("a WebSocket had %u messages, not %u, after %u ms", socket->seqs->len, n,
             timeout_ms);
}

static gboolean
socket_has_seq (gpointer data)
{
  Socket *socket = ((gpointer *) data)[0];
  gint64 seq = *(gint64 *) ((gpointer *) data)[1];

  return socket_last (socket) >= seq;
}

/* Waits until @socket was told @seq (or more); returns the ms it took. */
static gint64
socket_wait_seq (Socket *socket,
                 gint64  seq,
                 guint   timeout_ms)
{
  gpointer data[2] = { socket, &seq };
  gint64 start = now_ms ();

  if (!iterate_until (socket_has_seq, data, timeout_ms))
    g_error ("a WebSocket was told %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT
             ", within %u ms", socket_last (socket), seq, timeout_ms);

  return now_ms () - start;
}

static Socket *
socket_open (DkTestServer *server)
{
  /* "http://127.0.0.1:PORT/" → "ws://127.0.0.1:PORT/api/v1/events" */
  g_autofree char *url = g_strdup_printf ("ws://%sapi/v1/events",
                                          server->url + strlen ("http://"));
  g_autoptr(SoupMessage) msg = NULL;
  Socket *socket = g_new0 (Socket, 1);

  socket->seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  msg = soup_message_new ("GET", url);
  soup_session_websocket_connect_async (server->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, socket_connected_cb, &socket->connection);
  while (socket->connection == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (socket->connection, "message", G_CALLBACK (socket_message_cb), socket);
  g_signal_connect (socket->connection, "closed", G_CALLBACK (socket_closed_cb), socket);
  socket_wait_n (socket, 1, 5000);   /* the current seq on connect */

  return socket;
}

static void
socket_free (Socket *socket)
{
  if (socket->connection != NULL &&
      soup_websocket_connection_get_state (socket->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (socket->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&socket->connection);
  g_array_unref (socket->seqs);
  g_free (socket);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Socket, socket_free)

/* Every seq a socket was told after the one on connect is higher than the one before:
 * no seq is sent twice (once by the route, once by the notification). */
static void
assert_strictly_increasing (Socket *socket)
{
  for (guint i = 1; i < socket->seqs->len; i++)
    if (g_array_index (socket->seqs, gint64, i) <= g_array_index (socket->seqs, gint64, i - 1))
      g_error ("a WebSocket was told %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT
               " (message %u of %u)", g_array_index (socket->seqs, gint64, i),
               g_array_index (socket->seqs, gint64, i - 1), i, socket->seqs->len);
}

/* One service.save as admin on @server; returns the seq its commit took. */
static gint64
mutate (Fixture      *fixture,
        DkTestServer *server)
{
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *service_id = g_uuid_string_random ();
  g_autofree char *batch = NULL;
  g_autoptr(JsonNode) reply = NULL;
  JsonArray *results;
  guint status;

  batch = g_strdup_printf ("{\"mutations\":[{\"id\":\"%s\",\"op\":\"service.save\","
                           "\"base_revision\":0,\"data\":{\"id\":\"svc-%s\","
                           "\"name\":\"Instance test %s\",\"area\":\"it_telephony\","
                           "\"description\":\"\"}}]}", mutation_id, service_id, service_id);
  status = dk_test_server_request (server, "POST", "/api/v1/mutations", fixture->admin, NULL,
                                   batch, -1, &reply, NULL);
  if (status != 200)
    g_error ("mutations on %s answered %u: %s", server->url, status,
             reply ? json_to_string (reply, FALSE) : "(no JSON)");
  results = json_object_get_array_member (json_node_get_object (reply), "results");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0),
                                                  "status"), ==, "applied");

  return json_object_get_int_member (json_node_get_object (reply), "last_seq");
}

/* The pids of the listener connections in the database now. */
static GHashTable *
listener_pids (Fixture *fixture)
{
  g_autofree char *out = dk_test_pg_psql (fixture->pg, fixture->url,
                                          "SELECT pid FROM pg_stat_activity WHERE "
                                          "application_name = 'driftkoll-listener'");
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  GHashTable *pids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0')
      g_hash_table_add (pids, g_strdup (lines[i]));

  return pids;
}

/* ---- the listener alone ---- */

typedef struct {
  GArray *changed;      /* gint64 */
  guint   reconnected;
} Heard;

static void
heard_changed_cb (DkServerPgListener *listener,
                  gint64              seq,
                  gpointer            user_data)
{
  Heard *heard = user_data;

  g_array_append_val (heard->changed, seq);
}

static void
heard_reconnected_cb (DkServerPgListener *listener,
                      gpointer            user_data)
{
  Heard *heard = user_data;

  heard->reconnected++;
}

static gboolean
listener_is_listening (gpointer data)
{
  return dk_server_pg_listener_get_listening (data);
}

static gboolean
heard_n_changed (gpointer data)
{
  Heard *heard = ((gpointer *) data)[0];

  return heard->changed->len >= GPOINTER_TO_UINT (((gpointer *) data)[1]);
}

/* Notifications of one transaction arrive in one wakeup and are one "changed" with the
 * highest seq; a payload that is not a seq is ignored. */
static void
test_listener_coalesces (void)
{
  DkTestPg *pg = dk_test_pg_get ();
  g_autofree char *url = NULL;
  g_autofree char *out = NULL;
  g_autoptr(DkServerPgListener) listener = NULL;
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (gint64));
  Heard heard = { changed, 0 };
  gpointer data[2] = { &heard, GUINT_TO_POINTER (2) };

  if (pg == NULL)
    {
      g_test_skip (dk_test_pg_missing_reason ());
      return;
    }

  url = dk_test_pg_new_database (pg);
  listener = dk_server_pg_listener_new (url);
  g_signal_connect (listener, "changed", G_CALLBACK (heard_changed_cb), &heard);
  g_signal_connect (listener, "reconnected", G_CALLBACK (heard_reconnected_cb), &heard);
  g_assert_false (dk_server_pg_listener_get_listening (listener));
  dk_server_pg_listener_start (listener);
  g_assert_true (iterate_until (listener_is_listening, listener, 5000));
  g_assert_cmpuint (heard.reconnected, ==, 1);

  out = dk_test_pg_psql (pg, url,
                         "BEGIN; SELECT pg_notify ('driftkoll_changes', '7'); "
                         "SELECT pg_notify ('driftkoll_changes', '9'); "
                         "SELECT pg_notify ('driftkoll_changes', 'x'); "
                         "SELECT pg_notify ('other_channel', '99'); "
                         "SELECT pg_notify ('driftkoll_changes', '8'); COMMIT");
  data[1] = GUINT_TO_POINTER (1);
  g_assert_true (iterate_until (heard_n_changed, data, 5000));
  g_clear_pointer (&out, g_free);
  out = dk_test_pg_psql (pg, url, "NOTIFY driftkoll_changes, '12'");
  data[1] = GUINT_TO_POINTER (2);
  g_assert_true (iterate_until (heard_n_changed, data, 5000));
  g_usleep (200 * 1000);
  while (g_main_context_iteration (NULL, FALSE));
  g_assert_cmpuint (changed->len, ==, 2);
  g_assert_cmpint (g_array_index (changed, gint64, 0), ==, 9);
  g_assert_cmpint (g_array_index (changed, gint64, 1), ==, 12);
  g_assert_cmpuint (heard.reconnected, ==, 1);

  dk_server_pg_listener_stop (listener);
  g_assert_false (dk_server_pg_listener_get_listening (listener));
}

static gboolean
tick_cb (gpointer user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
silent_accept_cb (GSocketService     *service,
                  GSocketConnection  *connection,
                  GObject            *source,
                  gpointer            user_data)
{
  /* Keep it open and never answer: a database that does not reply. */
  g_ptr_array_add (user_data, g_object_ref (connection));
  return TRUE;
}

/* A database that accepts the connection and then says nothing never holds up the main
 * loop: a timer keeps running at its pace while the listener waits. */
static void
test_listener_silent_database_does_not_block (void)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(DkServerPgListener) listener = NULL;
  g_autofree char *conninfo = NULL;
  guint16 port;
  guint ticks = 0, tick_id;
  gint64 start;

  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (silent_accept_cb), held);
  g_socket_service_start (service);

  conninfo = g_strdup_printf ("host=127.0.0.1 port=%u dbname=driftkoll user=x sslmode=disable",
                              port);
  listener = dk_server_pg_listener_new (conninfo);
  tick_id = g_timeout_add (10, tick_cb, &ticks);
  start = now_ms ();
  dk_server_pg_listener_start (listener);
  while (now_ms () - start < 1000)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick_id);

  g_assert_cmpuint (held->len, >=, 1);   /* it did connect and is waiting */
  g_assert_false (dk_server_pg_listener_get_listening (listener));
  /* About 100 ticks in the second; a blocking connect would have given none. */
  g_assert_cmpuint (ticks, >=, 50);
  dk_server_pg_listener_stop (listener);
}

/* ---- fixture ---- */

/* Starts instance @i on the fixture's database and waits until it is listening. */
static void
start_instance (Fixture *fixture,
                guint    i)
{
  g_assert_cmpuint (i, <, MAX_INSTANCES);
  fixture->servers[i] = dk_test_server_new_on (fixture->url, TRUE, i == 0);
  fixture->n_servers = MAX (fixture->n_servers, i + 1);
  wait_healthz (fixture->servers[i], "ok", 10000);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  guint n = GPOINTER_TO_UINT (data);

  fixture->pg = dk_test_pg_get ();
  if (fixture->pg == NULL)
    return;

  fixture->url = dk_test_pg_new_database (fixture->pg);
  for (guint i = 0; i < n; i++)
    start_instance (fixture, i);
  fixture->admin = dk_test_server_login (fixture->servers[0], "admin", "demo");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  for (guint i = 0; i < MAX_INSTANCES; i++)
    g_clear_pointer (&fixture->servers[i], dk_test_server_free);
  g_clear_pointer (&fixture->url, g_free);
  g_clear_pointer (&fixture->admin, g_free);
}

static gboolean
skip_without_pg (Fixture *fixture)
{
  if (fixture->pg != NULL)
    return FALSE;

  g_test_skip (dk_test_pg_missing_reason ());
  return TRUE;
}

/* ---- tests ---- */

/* A mutation posted to A reaches a WebSocket on B within a second, and the other way. */
static void
test_commit_reaches_other_instance (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(Socket) on_a = NULL;
  g_autoptr(Socket) on_b = NULL;
  gint64 seq, start;

  if (skip_without_pg (fixture))
    return;

  on_a = socket_open (fixture->servers[0]);
  on_b = socket_open (fixture->servers[1]);

  /* Timed from before the POST to the message on the other instance's socket. */
  for (guint round = 0; round < 3; round++)
    {
      start = now_ms ();
      seq = mutate (fixture, fixture->servers[0]);
      socket_wait_seq (on_b, seq, 1000);
      g_test_message ("A -> B: seq %" G_GINT64_FORMAT " in %" G_GINT64_FORMAT " ms", seq,
                      now_ms () - start);
      socket_wait_seq (on_a, seq, 1000);

      start = now_ms ();
      seq = mutate (fixture, fixture->servers[1]);
      socket_wait_seq (on_a, seq, 1000);
      g_test_message ("B -> A: seq %" G_GINT64_FORMAT " in %" G_GINT64_FORMAT " ms", seq,
                      now_ms () - start);
      socket_wait_seq (on_b, seq, 1000);
    }

  /* Settle, then nothing was told twice (the route's broadcast and the notification of
   * the instance's own commit are one message). */
  g_usleep (300 * 1000);
  while (g_main_context_iteration (NULL, FALSE));
  assert_strictly_increasing (on_a);
  assert_strictly_increasing (on_b);
  g_assert_cmpuint (on_a->seqs->len, ==, 1 + 6);
  g_assert_cmpuint (on_b->seqs->len, ==, 1 + 6);
}

/* 50 mutations spread over the instances: every socket on every instance ends with the
 * final seq, told in increasing order. */
static void
test_spread_mutations_reach_every_socket (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func ((GDestroyNotify) socket_free);
  gint64 last = 0;

  if (skip_without_pg (fixture))
    return;

  for (guint i = 0; i < fixture->n_servers; i++)
    for (guint k = 0; k < 3; k++)
      g_ptr_array_add (sockets, socket_open (fixture->servers[i]));

  for (guint m = 0; m < 50; m++)
    {
      gint64 seq = mutate (fixture, fixture->servers[m % fixture->n_servers]);

      g_assert_cmpint (seq, >, last);
      last = seq;
      /* Let the sockets read meanwhile, as a real client would. */
      while (g_main_context_iteration (NULL, FALSE));
    }

  for (guint s = 0; s < sockets->len; s++)
    {
      Socket *socket = g_ptr_array_index (sockets, s);

      socket_wait_seq (socket, last, 5000);
      g_assert_cmpint (socket_last (socket), ==, last);
      assert_strictly_increasing (socket);
    }
}

/* B's listener connection is terminated: B reconnects, LISTENs again and tells its
 * sockets to pull; the next commit on A reaches them. */
static void
test_listener_terminated_reconnects (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(Socket) on_b = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *answer = NULL;
  GHashTableIter iter;
  const char *pid = NULL, *b_pid = NULL;
  guint n;
  gint64 seq, ms;

  if (skip_without_pg (fixture))
    return;

  /* B's listener is the one that was not there before B started. */
  before = listener_pids (fixture);
  g_assert_cmpuint (g_hash_table_size (before), ==, 1);
  start_instance (fixture, 1);
  after = listener_pids (fixture);
  g_assert_cmpuint (g_hash_table_size (after), ==, 2);
  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, (gpointer *) &pid, NULL))
    if (!g_hash_table_contains (before, pid))
      b_pid = pid;
  g_assert_nonnull (b_pid);

  on_b = socket_open (fixture->servers[1]);
  seq = mutate (fixture, fixture->servers[0]);
  socket_wait_seq (on_b, seq, 1000);
  n = on_b->seqs->len;

  sql = g_strdup_printf ("SELECT pg_terminate_backend (%s)", b_pid);
  answer = dk_test_pg_psql (fixture->pg, fixture->url, sql);
  g_assert_cmpstr (answer, ==, "t");

  /* Told to pull: the current seq once more, after the listener is back. */
  ms = now_ms ();
  socket_wait_n (on_b, n + 1, 5000);
  g_test_message ("B's sockets told to pull %" G_GINT64_FORMAT " ms after the termination",
                  now_ms () - ms);
  g_assert_cmpint (socket_last (on_b), ==, seq);
  wait_healthz (fixture->servers[1], "ok", 5000);
  g_clear_pointer (&after, g_hash_table_unref);
  after = listener_pids (fixture);
  g_assert_false (g_hash_table_contains (after, b_pid));
  g_assert_cmpuint (g_hash_table_size (after), ==, 2);

  seq = mutate (fixture, fixture->servers[0]);
  ms = socket_wait_seq (on_b, seq, 1000);
  g_test_message ("after the reconnect A -> B in %" G_GINT64_FORMAT " ms", ms);
}

/* The whole cluster stops: healthz on every instance answers 503 "unavailable" and the
 * servers stay up; it starts again: all are back, their sockets told to pull, and a new
 * commit reaches every socket. */
static void
test_cluster_restart (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func ((GDestroyNotify) socket_free);
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint));
  gint64 seq, ms, start;

  if (skip_without_pg (fixture))
    return;

  seq = mutate (fixture, fixture->servers[0]);
  for (guint i = 0; i < fixture->n_servers; i++)
    {
      Socket *socket = socket_open (fixture->servers[i]);

      socket_wait_seq (socket, seq, 1000);
      g_ptr_array_add (sockets, socket);
    }

  dk_test_pg_stop_cluster (fixture->pg);
  for (guint i = 0; i < fixture->n_servers; i++)
    {
      ms = wait_healthz (fixture->servers[i], "unavailable", 5000);
      g_test_message ("instance %u unavailable after %" G_GINT64_FORMAT " ms", i, ms);
    }

  /* Still up, still answering, while the database is away. */
  g_usleep (1000 * 1000);
  for (guint i = 0; i < fixture->n_servers; i++)
    {
      /* NULL once the process exited */
      g_assert_nonnull (g_subprocess_get_identifier (fixture->servers[i]->process));
      wait_healthz (fixture->servers[i], "unavailable", 1000);
    }
  for (guint s = 0; s < sockets->len; s++)
    {
      Socket *socket = g_ptr_array_index (sockets, s);

      g_assert_false (socket->closed);
      g_array_append_val (counts, socket->seqs->len);
    }

  dk_test_pg_start_cluster (fixture->pg);
  start = now_ms ();
  for (guint i = 0; i < fixture->n_servers; i++)
    wait_healthz (fixture->servers[i], "ok", 15000);
  for (guint s = 0; s < sockets->len; s++)
    socket_wait_n (g_ptr_array_index (sockets, s), g_array_index (counts, guint, s) + 1, 5000);
  g_test_message ("every instance listening and every socket told to pull %" G_GINT64_FORMAT
                  " ms after the cluster was up", now_ms () - start);

  for (guint i = 0; i < fixture->n_servers; i++)
    {
      seq = mutate (fixture, fixture->servers[i]);
      for (guint s = 0; s < sockets->len; s++)
        socket_wait_seq (g_ptr_array_index (sockets, s), seq, 1000);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/pg-listener/coalesces", test_listener_coalesces);
  g_test_add_func ("/server/pg-listener/silent-database-does-not-block",
                   test_listener_silent_database_does_not_block);

#define ADD(path, n, func) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (n), fixture_setup, func, fixture_teardown)

  ADD ("/server/instances/commit-reaches-other-instance", 2,
       test_commit_reaches_other_instance);
  ADD ("/server/instances/two/spread-mutations", 2, test_spread_mutations_reach_every_socket);
  ADD ("/server/instances/three/spread-mutations", 3, test_spread_mutations_reach_every_socket);
  ADD ("/server/instances/listener-terminated-reconnects", 1,
       test_listener_terminated_reconnects);
  ADD ("/server/instances/cluster-restart", 2, test_cluster_restart);

#undef ADD

  return g_test_run ();
}
