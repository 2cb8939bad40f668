/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-metrics.c: GET /metrics of a real driftkoll-server on 127.0.0.1 */

#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include "dk-core.h"
#include "dk-server-metrics.h"
#include "dk-test-server.h"

typedef struct {
  DkTestServer *server;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = dk_test_server_new (TRUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->server, dk_test_server_free);
}

/* ---- helpers ---- */

/* One scrape: the text, and each series ("name{labels}") with its value. */
typedef struct {
  char       *text;
  GHashTable *series;
} Scrape;

static void
scrape_free (Scrape *scrape)
{
  g_free (scrape->text);
  g_hash_table_unref (scrape->series);
  g_free (scrape);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Scrape, scrape_free)

static Scrape *
scrape (DkTestServer *server)
{
  g_autoptr(GBytes) bytes = NULL;
  g_auto(GStrv) lines = NULL;
  Scrape *result = g_new0 (Scrape, 1);
  guint status;

  status = dk_test_server_request (server, "GET", "/metrics", NULL, NULL, NULL, 0, NULL, &bytes);
  g_assert_cmpuint (status, ==, 200);
  result->text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  result->series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  lines = g_strsplit (result->text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *space = strrchr (lines[i], ' ');
      double *value;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      g_assert_nonnull (space);
      value = g_new (double, 1);
      *value = g_ascii_strtod (space + 1, NULL);
      g_hash_table_insert (result->series, g_strndup (lines[i], space - lines[i]), value);
    }

  return result;
}

/* The value of @series, 0 when the scrape does not have it. */
static double
value (Scrape     *scrape,
       const char *series)
{
  const double *found = g_hash_table_lookup (scrape->series, series);

  return found != NULL ? *found : 0;
}

static gboolean
has (Scrape     *scrape,
     const char *series)
{
  return g_hash_table_contains (scrape->series, series);
}

#define assert_moved(before, after, series, by) \
  g_assert_cmpfloat (value (after, series) - value (before, series), ==, (by))

static char *
request_series (const char *route,
                const char *method,
                guint       status)
{
  return g_strdup_printf ("driftkoll_http_requests_total{route=\"%s\",method=\"%s\",status=\"%u\"}",
                          route, method, status);
}

static guint
get (DkTestServer *server,
     const char   *path)
{
  return dk_test_server_request (server, "GET", path, NULL, NULL, NULL, 0, NULL, NULL);
}

static char *
case_create_json (char **out_case_id)
{
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *case_id = g_uuid_string_random ();
  char *json;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *start = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

  json = g_strdup_printf ("{\"id\":\"%s\",\"op\":\"case.create\",\"base_revision\":0,"
                          "\"data\":{\"id\":\"%s\",\"kind\":\"incident\","
                          "\"area\":\"it_telephony\",\"title\":\"Mätt\","
                          "\"description\":\"Beskrivning\",\"scope\":\"Alla\",\"services\":[\"matt\"],"
                          "\"priority\":3,\"public\":false,\"start\":\"%s\","
                          "\"expected_end\":null}}", mutation_id, case_id, start);
  *out_case_id = g_steal_pointer (&case_id);

  return json;
}

static char *
case_edit_json (const char *case_id,
                const char *title)
{
  g_autofree char *mutation_id = g_uuid_string_random ();

  return g_strdup_printf ("{\"id\":\"%s\",\"op\":\"case.edit\",\"base_revision\":1,"
                          "\"data\":{\"id\":\"%s\",\"title\":\"%s\"}}", mutation_id, case_id,
                          title);
}

static const char *
result_status (JsonArray *results,
               guint      index)
{
  return json_object_get_string_member (json_array_get_object_element (results, index), "status");
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

static SoupWebsocketConnection *
open_websocket (DkTestServer *server)
{
  g_autofree char *url = g_strconcat ("ws", server->url + strlen ("http"), "api/v1/events", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  SoupWebsocketConnection *connection = NULL;

  soup_session_websocket_connect_async (server->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, websocket_connected_cb, &connection);
  while (connection == NULL)
    g_main_context_iteration (NULL, TRUE);

  return connection;
}

/* Replaces the fixture's server by one started with --metrics-allow=@allow on the same
 * database; the fixture stops it as its own. */
static void
restart_with_allow (DkTestServer *server,
                    const char   *allow)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *option = g_strconcat ("--metrics-allow=", allow, NULL);
  g_autofree char *line = NULL;

  dk_test_server_stop (server, FALSE);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  server->process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("DRIFTKOLL_SERVER"),
                                                 "serve", "--db", server->db_path, "--listen",
                                                 "127.0.0.1:0", "--no-snapshots", option, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  server->url = g_strdup (line + strlen ("listening on "));
}

/* An answer as a client sees it, less the Date header: status, headers, body. */
static char *
describe_answer (DkTestServer *server,
                 const char   *method,
                 const char   *path)
{
  g_autofree char *url = g_strconcat (server->url, path + 1, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  GString *text = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name;
  const char *header;

  body = soup_session_send_and_read (server->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_string_append_printf (text, "%u\n", soup_message_get_status (msg));
  soup_message_headers_iter_init (&iter, soup_message_get_response_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &header))
    if (g_ascii_strcasecmp (name, "Date") != 0)
      g_string_append_printf (text, "%s: %s\n", name, header);
  g_string_append_len (text, g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  return g_string_free (text, FALSE);
}

static void
assert_like_unknown_path (DkTestServer *server)
{
  const char *methods[] = { "GET", "HEAD", "POST" };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autofree char *metrics = describe_answer (server, methods[i], "/metrics");
      g_autofree char *unknown = describe_answer (server, methods[i], "/no-such-page");

      g_assert_cmpstr (metrics, ==, unknown);
    }
  g_assert_cmpuint (get (server, "/metrics"), ==, 404);
}

/* ---- tests ---- */

/* After known requests, failed logins, mutations and a WebSocket, every count moved by
 * exactly what was done. */
static void
test_metrics_counts_move (Fixture       *fixture,
                          gconstpointer  data)
{
  DkTestServer *server = fixture->server;
  g_autoptr(Scrape) before = NULL;
  g_autoptr(Scrape) after = NULL;
  g_autoptr(Scrape) open = NULL;
  g_autoptr(Scrape) closed = NULL;
  g_autoptr(SoupWebsocketConnection) websocket = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autofree char *token = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *service = NULL;
  g_autofree char *service_id = g_uuid_string_random ();
  g_autofree char *case_id = NULL;
  g_autofree char *valid = case_create_json (&case_id);
  g_autofree char *edit = case_edit_json (case_id, "Ny titel");
  g_autofree char *stale_edit = case_edit_json (case_id, "Annan titel");
  g_autofree char *unknown_id = g_uuid_string_random ();
  g_autofree char *batch = NULL;
  g_autofree char *healthz = request_series ("/api/v1/healthz", "GET", 200);
  g_autofree char *scrapes = request_series ("/metrics", "GET", 200);
  g_autofree char *others = request_series ("other", "GET", 404);
  g_autofree char *sessions_ok = request_series ("/api/v1/session", "POST", 200);
  g_autofree char *sessions_401 = request_series ("/api/v1/session", "POST", 401);
  g_autofree char *sessions_429 = request_series ("/api/v1/session", "POST", 429);
  g_autofree char *mutations_ok = request_series ("/api/v1/mutations", "POST", 200);
  g_autofree char *changes_ok = request_series ("/api/v1/changes", "GET", 200);
  g_autofree char *upgrades = request_series ("/api/v1/events", "GET", 101);
  g_autofree char *revisions = NULL;
  guint revisions_status = 0;
  guint throttled;

  before = scrape (server);

  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (get (server, "/api/v1/healthz"), ==, 200);
  /* Two made-up ids: one series under the route's pattern, and no id in any label. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *path = g_strdup_printf ("/api/v1/routines/%s/revisions", id);

      revisions_status = get (server, path);
    }
  revisions = request_series ("/api/v1/routines/{id}/revisions", "GET", revisions_status);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/cases/%s", unknown_id);

      g_assert_cmpuint (get (server, path), ==, 404);
    }

  throttled = dk_test_server_fail_logins (server, "nobody", 2);
  admin = dk_test_server_login (server, "admin", "demo");
  service = g_strdup_printf ("[{\"id\":\"%s\",\"op\":\"service.save\",\"base_revision\":0,"
                             "\"data\":{\"id\":\"matt\",\"name\":\"Mätt\","
                             "\"area\":\"it_telephony\",\"description\":\"\"}}]", service_id);
  g_clear_pointer (&results, json_array_unref);
  results = dk_test_server_mutate (server, admin, service);
  g_assert_cmpstr (result_status (results, 0), ==, "applied");
  g_clear_pointer (&results, json_array_unref);
  token = dk_test_server_login (server, "servicedesk", "demo");
  /* Applied, rejected, applied, and a conflict (the same base revision again). */
  batch = g_strdup_printf ("[%s,{\"id\":\"%s\",\"op\":\"case.nonsense\",\"base_revision\":0,"
                           "\"data\":{}},%s,%s]", valid, unknown_id, edit, stale_edit);
  results = dk_test_server_mutate (server, token, batch);
  g_assert_cmpuint (json_array_get_length (results), ==, 4);
  g_assert_cmpstr (result_status (results, 0), ==, "applied");
  g_assert_cmpstr (result_status (results, 1), ==, "rejected");
  g_assert_cmpstr (result_status (results, 2), ==, "applied");
  g_assert_cmpstr (result_status (results, 3), ==, "conflict");
  g_assert_cmpuint (dk_test_server_request (server, "GET", "/api/v1/changes?since=0", token, NULL,
                                            NULL, 0, NULL, NULL), ==, 200);

  after = scrape (server);

  assert_moved (before, after, healthz, 3);
  assert_moved (before, after, revisions, 2);
  assert_moved (before, after, others, 2);
  assert_moved (before, after, scrapes, 1);   /* the first scrape, counted once answered */
  g_assert_null (strstr (after->text, unknown_id));
  g_assert_null (strstr (after->text, "/api/v1/cases"));
  assert_moved (before, after, sessions_401, 2);
  assert_moved (before, after, sessions_429, throttled);
  assert_moved (before, after, sessions_ok, 2);
  assert_moved (before, after, "driftkoll_logins_failed_total", 2);
  assert_moved (before, after, "driftkoll_logins_throttled_total", throttled);
  assert_moved (before, after, mutations_ok, 2);
  assert_moved (before, after, "driftkoll_mutations_total{result=\"applied\"}", 3);
  assert_moved (before, after, "driftkoll_mutations_total{result=\"rejected\"}", 1);
  assert_moved (before, after, "driftkoll_mutations_total{result=\"conflict\"}", 1);
  assert_moved (before, after, "driftkoll_mutations_rejected_total{code=\"conflict\"}", 0);
  assert_moved (before, after, "driftkoll_mutations_rejected_total{code=\"unknown_operation\"}", 1);
  assert_moved (before, after, changes_ok, 1);
  assert_moved (before, after, "driftkoll_sync_pages_total{kind=\"changes\"}", 1);
  assert_moved (before, after, "driftkoll_db_duration_seconds_count{op=\"changes\"}", 1);
  /* The sessions and the batches wrote; the changes and the batches looked up the
   * session. */
  g_assert_cmpfloat (value (after, "driftkoll_db_duration_seconds_count{op=\"write\"}") -
                     value (before, "driftkoll_db_duration_seconds_count{op=\"write\"}"), >=, 4);
  g_assert_cmpfloat (value (after, "driftkoll_db_duration_seconds_count{op=\"session\"}") -
                     value (before, "driftkoll_db_duration_seconds_count{op=\"session\"}"), ==, 3);
  g_assert_cmpfloat (value (after, "driftkoll_db_seconds_total"), >,
                     value (before, "driftkoll_db_seconds_total"));
  /* Each request's time is in its route's histogram. */
  assert_moved (before, after,
                "driftkoll_http_request_duration_seconds_count{route=\"/api/v1/healthz\"}", 3);
  assert_moved (before, after,
                "driftkoll_http_request_duration_seconds_bucket{route=\"/api/v1/healthz\",le=\"+Inf\"}",
                3);
  g_assert_true (has (after, "driftkoll_build_info{version=\"" PACKAGE_VERSION "\",protocol=\"1\"}"));
  g_assert_cmpfloat (value (after, "driftkoll_http_connections_open"), >=, 1);

  /* A WebSocket: open, then closed. */
  websocket = open_websocket (server);
  open = scrape (server);
  assert_moved (after, open, "driftkoll_websockets_open", 1);
  assert_moved (after, open, "driftkoll_websockets_accepted_total", 1);
  assert_moved (after, open, "driftkoll_websockets_closed_total", 0);
  assert_moved (after, open, upgrades, 1);

  soup_websocket_connection_close (websocket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  while (soup_websocket_connection_get_state (websocket) != SOUP_WEBSOCKET_STATE_CLOSED)
    g_main_context_iteration (NULL, TRUE);
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_clear_pointer (&closed, scrape_free);
      closed = scrape (server);
      if (value (closed, "driftkoll_websockets_closed_total") >
          value (open, "driftkoll_websockets_closed_total"))
        break;
      g_usleep (G_USEC_PER_SEC / 20);
    }
  assert_moved (open, closed, "driftkoll_websockets_closed_total", 1);
  assert_moved (after, closed, "driftkoll_websockets_open", 0);
}

/* The scrape passes Prometheus's own parser: HELP and TYPE for each family, buckets
 * that only grow, +Inf equal to _count. Skipped without python3-prometheus-client. */
static void
test_metrics_format (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(Scrape) metrics = NULL;
  g_autofree char *file = g_build_filename (fixture->server->dir, "scrape.txt", NULL);
  g_autofree char *checker = g_test_build_filename (G_TEST_DIST, "check-metrics-format.py", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *python = g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE)
                       ? "/usr/bin/python3" : "python3";
  const char *argv[] = { python, checker, file, NULL };
  int wait_status = 0;

  /* Something in every histogram and label set first. */
  g_assert_cmpuint (get (fixture->server, "/api/v1/healthz"), ==, 200);
  g_assert_cmpuint (get (fixture->server, "/no-such-page"), ==, 404);
  g_assert_cmpuint (get (fixture->server, "/"), ==, 200);
  metrics = scrape (fixture->server);
  g_assert_true (g_str_has_suffix (metrics->text, "\n"));
  g_assert_true (g_file_set_contents (file, metrics->text, -1, &error));
  g_assert_no_error (error);

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &wait_status, &error);
  g_assert_no_error (error);
  if (g_spawn_check_wait_status (wait_status, NULL) == FALSE &&
      WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 77)
    {
      g_test_skip ("python3-prometheus-client is not installed");
      return;
    }
  if (!g_spawn_check_wait_status (wait_status, &error))
    g_error ("check-metrics-format.py: %s\n%s%s", error->message, out, err);
  g_test_message ("%s", out);
}

/* The first line of the answer to @text, sent as is on a connection of its own. */
static char *
raw_request (DkTestServer *server,
             const char   *text)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  char buffer[256] = { 0 };
  gsize length = 0;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", server->port, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), text,
                             strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
  g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (connection)), buffer,
                           sizeof buffer - 1, &length, NULL, &error);
  g_assert_no_error (error);

  return g_strndup (buffer, strcspn (buffer, "\r"));
}

/* A request the header checks refuse (its connection taken from libsoup, which then
 * finishes no request) counts once, under its route and status. */
static void
test_metrics_guard_refusal_counted (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(Scrape) before = NULL;
  g_autoptr(Scrape) after = NULL;
  g_autofree char *too_large = request_series ("/api/v1/session", "POST", 413);
  g_autofree char *line = NULL;

  before = scrape (fixture->server);
  line = raw_request (fixture->server,
                      "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n");
  g_assert_cmpstr (line, ==, "HTTP/1.1 413 Request Entity Too Large");
  after = scrape (fixture->server);

  assert_moved (before, after, too_large, 1);
  assert_moved (before, after, "driftkoll_http_request_duration_seconds_count{route=\"/api/v1/session\"}",
                1);
}

/* An address outside --metrics-allow gets what an unknown path gets, to the byte. */
static void
test_metrics_refused_outside_allow_list (Fixture       *fixture,
                                         gconstpointer  data)
{
  restart_with_allow (fixture->server, "10.0.0.0/8");
  assert_like_unknown_path (fixture->server);
}

/* An empty --metrics-allow turns /metrics off. */
static void
test_metrics_off_when_allow_list_empty (Fixture       *fixture,
                                        gconstpointer  data)
{
  restart_with_allow (fixture->server, "");
  assert_like_unknown_path (fixture->server);
}

/* A list of several entries, ::1 among them, lets loopback in. */
static void
test_metrics_allowed_by_list (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(Scrape) metrics = NULL;

  restart_with_allow (fixture->server, "10.0.0.0/8, ::1,127.0.0.0/8");
  metrics = scrape (fixture->server);
  g_assert_true (has (metrics, "driftkoll_websockets_open"));
}

/* A bad value is a usage error naming it; the server does not start. */
static void
test_metrics_bad_allow_is_usage_error (Fixture       *fixture,
                                       gconstpointer  data)
{
  const char *bad[] = { "localhost", "10.0.0.0/33", "127.0.0.1,300.1.2.3", "::1/129" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *option = g_strconcat ("--metrics-allow=", bad[i], NULL);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status;

      status = dk_test_server_run_cli (fixture->server, NULL, &out, &err, "serve", "--db",
                                       fixture->server->db_path, "--listen", "127.0.0.1:0",
                                       option, NULL);
      g_assert_cmpint (status, ==, 2);
      g_assert_cmpstr (out, ==, "");
      g_assert_nonnull (strstr (err, "--metrics-allow"));
      g_assert_nonnull (strstr (err, strrchr (bad[i], ',') != NULL ? "300.1.2.3" : bad[i]));
    }
}

/* Every path maps to a route's pattern or "other": never a label of its own. */
static void
test_metrics_route_patterns (void)
{
  static const struct { const char *path; DkMetricsRoute route; } cases[] = {
    { "/", DK_METRICS_ROUTE_PAGE },
    { "/feed.atom", DK_METRICS_ROUTE_FEED },
    { "/metrics", DK_METRICS_ROUTE_METRICS },
    { "/metrics/", DK_METRICS_ROUTE_OTHER },
    { "/api/v1/session", DK_METRICS_ROUTE_SESSION },
    { "/api/v1/changes", DK_METRICS_ROUTE_CHANGES },
    { "/api/v1/changes/1", DK_METRICS_ROUTE_OTHER },
    { "/api/v1/mutations", DK_METRICS_ROUTE_MUTATIONS },
    { "/api/v1/healthz", DK_METRICS_ROUTE_HEALTHZ },
    { "/api/v1/snapshot", DK_METRICS_ROUTE_SNAPSHOT },
    { "/api/v1/events", DK_METRICS_ROUTE_EVENTS },
    { "/api/v1/routines/r1/revisions", DK_METRICS_ROUTE_ROUTINE_REVISIONS },
    { "/api/v1/routines/r1/revisions/3", DK_METRICS_ROUTE_ROUTINE_REVISION },
    { "/api/v1/routines/r1/revisions/3/x", DK_METRICS_ROUTE_OTHER },
    { "/api/v1/routines/r1/revisions/", DK_METRICS_ROUTE_OTHER },
    { "/api/v1/routines//revisions", DK_METRICS_ROUTE_OTHER },
    { "/api/v1/routines/r1", DK_METRICS_ROUTE_OTHER },
    { "/api/v1/routines/r1/revisionsX", DK_METRICS_ROUTE_OTHER },
    { "/api/v1/cases/6f1c0bd8-6b0a-4a43-9a43-1d9d1b0f6a11", DK_METRICS_ROUTE_OTHER },
    { "/wp-login.php", DK_METRICS_ROUTE_OTHER },
    { "", DK_METRICS_ROUTE_OTHER },
    { NULL, DK_METRICS_ROUTE_OTHER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (dk_server_metrics_route_for_path (cases[i].path), ==, cases[i].route);
}

/* The allow-list: addresses and ranges of both families, a v4 peer on a dual-stack
 * socket (::ffff:a.b.c.d) matched as its v4 address, spaces around entries. */
static void
test_metrics_allow_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) allow = dk_server_metrics_parse_allow (" 10.1.0.0/16 ,fd00::/8,::1", &error);
  g_autoptr(GPtrArray) empty = dk_server_metrics_parse_allow ("", &error);
  static const struct { const char *address; gboolean allowed; } peers[] = {
    { "10.1.2.3", TRUE },
    { "10.2.0.1", FALSE },
    { "::ffff:10.1.9.9", TRUE },
    { "::ffff:127.0.0.1", FALSE },
    { "fd12::1", TRUE },
    { "::1", TRUE },
    { "127.0.0.1", FALSE },
  };

  g_assert_no_error (error);
  g_assert_cmpuint (allow->len, ==, 3);
  g_assert_cmpuint (empty->len, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (peers); i++)
    {
      g_autoptr(GSocketAddress) peer = g_inet_socket_address_new_from_string (peers[i].address,
                                                                              40000);

      g_assert_cmpint (dk_server_metrics_allows (allow, peer), ==, peers[i].allowed);
      g_assert_false (dk_server_metrics_allows (empty, peer));
    }
  g_assert_false (dk_server_metrics_allows (allow, NULL));
  g_assert_null (dk_server_metrics_parse_allow ("10.0.0.0/8,nonsense", &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "nonsense"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/metrics/route-patterns", test_metrics_route_patterns);
  g_test_add_func ("/server/metrics/allow-list", test_metrics_allow_list);
  g_test_add ("/server/metrics/counts-move", Fixture, NULL, fixture_set_up,
              test_metrics_counts_move, fixture_tear_down);
  g_test_add ("/server/metrics/format-passes-prometheus-parser", Fixture, NULL, fixture_set_up,
              test_metrics_format, fixture_tear_down);
  g_test_add ("/server/metrics/guard-refusal-counted", Fixture, NULL, fixture_set_up,
              test_metrics_guard_refusal_counted, fixture_tear_down);
  g_test_add ("/server/metrics/refused-outside-allow-list", Fixture, NULL, fixture_set_up,
              test_metrics_refused_outside_allow_list, fixture_tear_down);
  g_test_add ("/server/metrics/off-when-allow-list-empty", Fixture, NULL, fixture_set_up,
              test_metrics_off_when_allow_list_empty, fixture_tear_down);
  g_test_add ("/server/metrics/allowed-by-list", Fixture, NULL, fixture_set_up,
              test_metrics_allowed_by_list, fixture_tear_down);
  g_test_add ("/server/metrics/bad-allow-is-usage-error", Fixture, NULL, fixture_set_up,
              test_metrics_bad_allow_is_usage_error, fixture_tear_down);

  return g_test_run ();
}
