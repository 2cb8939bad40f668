/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sync-connection.c: the connection as it really is (issue 12)
 *
 * The real driftkoll-server stopped (SIGTERM), killed (SIGKILL) and paused (SIGSTOP)
 * under a running engine and under "driftkoll-cli sync --watch"; a silent cut and a reset
 * through dk-test-proxy; the retry policy's load on a server down for everyone; and
 * "driftkoll-cli status" through a private CA.
 *
 * The deadlines are the behaviour, with slack for a loaded machine: "offline"
 * within 2 s of a close (asserted at 4 s); within the liveness time of a silent cut (the
 * tunables shortened here: ping every 1 s, nothing heard for 3 s); online within 5 s of
 * the server's return (asserted at 8 s). */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>

#include "dk-backoff.h"
#include "dk-sync-engine.h"
#include "dk-test-server.h"

#define CLOSE_DEADLINE_MS    4000   /* the goal: 2 s */
#define SILENT_DEADLINE_MS   8000   /* liveness 3 s here (the goal: 15 s with defaults) */
#define BACK_DEADLINE_MS     8000   /* the goal: 5 s */

typedef struct {
  DkTestServer *server;
  char         *data_dir;
  DkStore      *store;
  DkSyncEngine *engine;
  GSubprocess  *proxy;
  GDataInputStream *proxy_out;
  char         *proxy_url;
  GPtrArray    *states;      /* every "state" the engine went through, as GINT_TO_POINTER */
} Fixture;

/* ---- helpers ---- */

static gboolean
timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin (guint milliseconds)
{
  gboolean done = FALSE;

  g_timeout_add (milliseconds, timed_out_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
state_cb (DkSyncEngine *engine,
          GParamSpec   *pspec,
          gpointer      user_data)
{
  Fixture *fixture = user_data;

  g_ptr_array_add (fixture->states, GINT_TO_POINTER (dk_sync_engine_get_state (engine)));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->server = dk_test_server_new (TRUE);
  fixture->data_dir = g_dir_make_tmp ("driftkoll-connection-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->data_dir, "replica.db", NULL);
  fixture->store = dk_store_open (path, &error);
  g_assert_no_error (error);
  fixture->engine = dk_sync_engine_new (fixture->store, fixture->server->url);
  /* Shortened for the test: a ping each second, given up after 3 s of silence. */
  g_object_set (fixture->engine, "keepalive-seconds", 1, "liveness-seconds", 3,
                "tcp-keepalive-seconds", 2, "request-timeout-seconds", 10,
                "poll-seconds", 3600, NULL);
  fixture->states = g_ptr_array_new ();
  g_signal_connect (fixture->engine, "notify::state", G_CALLBACK (state_cb), fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->engine != NULL)
    dk_sync_engine_stop (fixture->engine);
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->store);
  if (fixture->proxy != NULL)
    {
      g_subprocess_force_exit (fixture->proxy);
      g_subprocess_wait (fixture->proxy, NULL, NULL);
    }
  g_clear_object (&fixture->proxy_out);
  g_clear_object (&fixture->proxy);
  g_free (fixture->proxy_url);
  g_clear_pointer (&fixture->server, dk_test_server_free);
  dk_test_remove_tree (fixture->data_dir);
  g_free (fixture->data_dir);
  g_ptr_array_unref (fixture->states);
}

static GPid
server_pid (Fixture *fixture)
{
  return atoi (g_subprocess_get_identifier (fixture->server->process));
}

static void
login_and_sync (Fixture *fixture)
{
  g_autoptr(GAsyncResult) login = NULL;
  g_autoptr(GAsyncResult) sync = NULL;
  g_autoptr(GError) error = NULL;

  dk_sync_engine_login_async (fixture->engine, "servicedesk", "demo", NULL,
                              dk_test_async_result_cb, &login);
  g_assert_true (dk_sync_engine_login_finish (fixture->engine, dk_test_wait_result (&login),
                                              &error));
  g_assert_no_error (error);
  dk_sync_engine_sync_async (fixture->engine, NULL, dk_test_async_result_cb, &sync);
  g_assert_true (dk_sync_engine_sync_finish (fixture->engine, dk_test_wait_result (&sync),
                                             &error));
  g_assert_no_error (error);
}

static gboolean
push_connected (DkSyncEngine *engine)
{
  gboolean connected = FALSE;

  g_object_get (engine, "push-connected", &connected, NULL);
  return connected;
}

/* Runs the main loop until the engine's state is @state (and, for IDLE, its socket
 * open) or @deadline_ms pass; returns the milliseconds it took, or -1. */
static gint64
wait_state (DkSyncEngine *engine,
            DkSyncState   state,
            guint         deadline_ms)
{
  gint64 start = g_get_monotonic_time ();
  gint64 end = start + deadline_ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (dk_sync_engine_get_state (engine) == state &&
          (state != DK_SYNC_STATE_IDLE || push_connected (engine)))
        return (g_get_monotonic_time () - start) / 1000;
      spin (20);
    }

  return -1;
}

static void
start_watching (Fixture *fixture)
{
  login_and_sync (fixture);
  dk_sync_engine_start (fixture->engine);
  g_assert_cmpint (wait_state (fixture->engine, DK_SYNC_STATE_IDLE, 10000), >=, 0);
}

/* After the engine said offline: for @milliseconds it never claims to be online (or
 * syncing, which reads as much) while the server is away. */
static void
assert_stays_offline (Fixture *fixture,
                      guint    milliseconds)
{
  guint seen = fixture->states->len;

  spin (milliseconds);
  for (guint i = seen; i < fixture->states->len; i++)
    g_assert_cmpint (GPOINTER_TO_INT (g_ptr_array_index (fixture->states, i)), ==,
                     DK_SYNC_STATE_OFFLINE);
  g_assert_cmpint (dk_sync_engine_get_state (fixture->engine), ==, DK_SYNC_STATE_OFFLINE);
}

static void
reap_server (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_wait (fixture->server->process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&fixture->server->process);
  g_clear_pointer (&fixture->server->url, g_free);
}

/* ---- the engine ---- */

static void
check_gone_and_back (Fixture *fixture,
                     int      signum)
{
  gint64 ms;

  start_watching (fixture);

  g_assert_cmpint (kill (server_pid (fixture), signum), ==, 0);
  ms = wait_state (fixture->engine, DK_SYNC_STATE_OFFLINE, CLOSE_DEADLINE_MS);
  g_test_message ("signal %d: offline after %" G_GINT64_FORMAT " ms", signum, ms);
  g_assert_cmpint (ms, >=, 0);
  g_assert_nonnull (dk_sync_engine_get_last_error (fixture->engine));
  reap_server (fixture);
  assert_stays_offline (fixture, 2000);

  dk_test_server_start_again (fixture->server);
  ms = wait_state (fixture->engine, DK_SYNC_STATE_IDLE, BACK_DEADLINE_MS);
  g_test_message ("back: online after %" G_GINT64_FORMAT " ms", ms);
  g_assert_cmpint (ms, >=, 0);
  g_assert_null (dk_sync_engine_get_last_error (fixture->engine));
}

static void
test_engine_server_stopped (Fixture       *fixture,
                            gconstpointer  data)
{
  check_gone_and_back (fixture, SIGTERM);
}

static void
test_engine_server_killed (Fixture       *fixture,
                           gconstpointer  data)
{
  check_gone_and_back (fixture, SIGKILL);
}

static void
test_engine_server_paused (Fixture       *fixture,
                           gconstpointer  data)
{
  gint64 ms;

  start_watching (fixture);

  /* Nothing closes, TCP answers for the paused process: only silence tells. */
  g_assert_cmpint (kill (server_pid (fixture), SIGSTOP), ==, 0);
  ms = wait_state (fixture->engine, DK_SYNC_STATE_OFFLINE, SILENT_DEADLINE_MS);
  g_test_message ("paused: offline after %" G_GINT64_FORMAT " ms", ms);
  g_assert_cmpint (ms, >=, 0);
  assert_stays_offline (fixture, 2000);

  g_assert_cmpint (kill (server_pid (fixture), SIGCONT), ==, 0);
  ms = wait_state (fixture->engine, DK_SYNC_STATE_IDLE, BACK_DEADLINE_MS);
  g_test_message ("resumed: online after %" G_GINT64_FORMAT " ms", ms);
  g_assert_cmpint (ms, >=, 0);
}

/* A request that fails on its own (no socket to tell) says offline at once too. */
static void
test_engine_request_refused (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  login_and_sync (fixture);
  dk_test_server_stop (fixture->server, FALSE);
  dk_sync_engine_sync_async (fixture->engine, NULL, dk_test_async_result_cb, &result);
  g_assert_false (dk_sync_engine_sync_finish (fixture->engine, dk_test_wait_result (&result),
                                              &error));
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_OFFLINE);
  g_assert_cmpint (dk_sync_engine_get_state (fixture->engine), ==, DK_SYNC_STATE_OFFLINE);
}

/* ---- through the proxy ---- */

static char *
proxy_command (Fixture    *fixture,
               const char *command)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_strconcat (command, "\n", NULL);
  GOutputStream *in = g_subprocess_get_stdin_pipe (fixture->proxy);
  char *answer;

  g_assert_true (g_output_stream_write_all (in, line, strlen (line), NULL, NULL, &error));
  g_assert_no_error (error);
  answer = g_data_input_stream_read_line_utf8 (fixture->proxy_out, NULL, NULL, &error);
  g_assert_no_error (error);
  return answer;
}

static void
start_proxy (Fixture *fixture)
{
  const char *binary = g_getenv ("DK_TEST_PROXY");
  g_autofree char *port = NULL;
  g_autofree char *upstream = g_strdup_printf ("%u", fixture->server->port);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (binary);
  fixture->proxy = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                     &error, binary, upstream, NULL);
  g_assert_no_error (error);
  fixture->proxy_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->proxy));
  port = g_data_input_stream_read_line_utf8 (fixture->proxy_out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (port);
  fixture->proxy_url = g_strdup_printf ("http://127.0.0.1:%s/", port);
  dk_sync_engine_set_server_url (fixture->engine, fixture->proxy_url);
}

static void
test_proxy_silent_drop_and_reset (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *answer = NULL;
  gint64 ms;

  start_proxy (fixture);
  start_watching (fixture);

  /* The cable is pulled: no FIN, no RST, nothing comes back. */
  answer = proxy_command (fixture, "drop");
  g_assert_cmpstr (answer, ==, "ok");
  ms = wait_state (fixture->engine, DK_SYNC_STATE_OFFLINE, SILENT_DEADLINE_MS);
  g_test_message ("silent drop: offline after %" G_GINT64_FORMAT " ms", ms);
  g_assert_cmpint (ms, >=, 0);
  assert_stays_offline (fixture, 2000);

  g_free (answer);
  answer = proxy_command (fixture, "forward");
  g_assert_cmpstr (answer, ==, "ok");
  ms = wait_state (fixture->engine, DK_SYNC_STATE_IDLE, BACK_DEADLINE_MS);
  g_test_message ("forwarding again: online after %" G_GINT64_FORMAT " ms", ms);
  g_assert_cmpint (ms, >=, 0);

  /* Every connection reset: said at once. */
  g_free (answer);
  answer = proxy_command (fixture, "reset");
  g_assert_cmpstr (answer, ==, "ok");
  ms = wait_state (fixture->engine, DK_SYNC_STATE_OFFLINE, CLOSE_DEADLINE_MS);
  g_test_message ("reset: offline after %" G_GINT64_FORMAT " ms", ms);
  g_assert_cmpint (ms, >=, 0);
  assert_stays_offline (fixture, 2000);

  g_free (answer);
  answer = proxy_command (fixture, "forward");
  g_assert_cmpstr (answer, ==, "ok");
  g_assert_cmpint (wait_state (fixture->engine, DK_SYNC_STATE_IDLE, BACK_DEADLINE_MS), >=, 0);
}

/* The engine's connections have TCP keepalive on, as "tcp-keepalive-seconds" says: the
 * kernel shows a keepalive timer on them (ss -o). */
static void
test_tcp_keepalive_is_on (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *ss = g_find_program_in_path ("ss");
  g_autofree char *filter = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (ss == NULL)
    {
      g_test_skip ("ss (iproute2) is not installed");
      return;
    }

  start_watching (fixture);
  filter = g_strdup_printf ("dport = :%u", fixture->server->port);
  {
    const char *argv[] = { "ss", "-tnoH", "state", "established", filter, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 &out, NULL, &status, &error));
    g_assert_no_error (error);
  }
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "keepalive"));
}

/* ---- the retry policy: 10,000 desktops and a server down for everyone ---- */

/* Attempts of one desktop from the outage's start (its first failure, at 0) up to
 * @until_ms whose time is at or after @from_ms. */
static guint
count_attempts (guint32 seed,
                gint64  from_ms,
                gint64  until_ms,
                guint  *out_first_minute_max)
{
  g_autoptr(DkBackoff) backoff = dk_backoff_new (DK_BACKOFF_BASE_MS, DK_BACKOFF_CAP_MS);
  gint64 now = 0;
  guint count = 0;
  guint longest = 0;

  dk_backoff_set_seed (backoff, seed);
  dk_backoff_set_outage_policy (backoff, DK_BACKOFF_SHORT_CAP_MS, DK_BACKOFF_WINDOW_MS,
                                DK_BACKOFF_LONG_BASE_MS);
  for (;;)
    {
      guint delay = dk_backoff_next_delay_at (backoff, now);

      if (now < DK_BACKOFF_WINDOW_MS)
        longest = MAX (longest, delay);
      /* Each attempt is one request: a sync that fails at its first request (the
       * socket is not tried while offline). */
      now += delay;
      if (now >= until_ms)
        break;
      if (now >= from_ms)
        count++;
    }
  if (out_first_minute_max != NULL)
    *out_first_minute_max = longest;

  return count;
}

static void
test_backoff_outage_policy (void)
{
  const guint desktops = 10000;
  const gint64 hour = 60 * 60 * 1000;
  guint64 total = 0;
  guint64 total_10min = 0;
  double per_30s;
  double per_30s_10min;

  for (guint32 seed = 1; seed <= desktops; seed++)
    {
      guint longest = 0;

      total += count_attempts (seed, DK_BACKOFF_WINDOW_MS, hour, &longest);
      total_10min += count_attempts (seed, DK_BACKOFF_WINDOW_MS, 10 * 60 * 1000, NULL);
      /* A young outage: the server back is found within the short cap. */
      g_assert_cmpuint (longest, <=, DK_BACKOFF_SHORT_CAP_MS);
    }

  per_30s = (double) total / desktops / ((hour - DK_BACKOFF_WINDOW_MS) / 30000.0);
  per_30s_10min = (double) total_10min / desktops / ((10 * 60 * 1000 - DK_BACKOFF_WINDOW_MS) / 30000.0);
  g_test_message ("requests per desktop per 30 s past the first minute: %.3f (to 10 min), "
                  "%.3f (to 1 h)", per_30s_10min, per_30s);
  g_assert_cmpfloat (per_30s_10min, <, 1.0);
  g_assert_cmpfloat (per_30s, <, 1.0);

  /* Deterministic: the same seed, the same delays. */
  g_assert_cmpuint (count_attempts (7, 0, hour, NULL), ==, count_attempts (7, 0, hour, NULL));

  /* A success starts afresh: short again. */
  {
    g_autoptr(DkBackoff) backoff = dk_backoff_new (DK_BACKOFF_BASE_MS, DK_BACKOFF_CAP_MS);

    dk_backoff_set_outage_policy (backoff, DK_BACKOFF_SHORT_CAP_MS, DK_BACKOFF_WINDOW_MS,
                                  DK_BACKOFF_LONG_BASE_MS);
    dk_backoff_next_delay_at (backoff, 0);
    g_assert_cmpuint (dk_backoff_get_ceiling_at (backoff, 10 * 60 * 1000), >=,
                      DK_BACKOFF_LONG_BASE_MS);
    dk_backoff_reset (backoff);
    g_assert_cmpuint (dk_backoff_next_delay_at (backoff, 10 * 60 * 1000), <=,
                      DK_BACKOFF_BASE_MS);
  }
}

/* ---- driftkoll-cli ---- */

typedef struct {
  GDataInputStream *err;
  GString          *seen;
} CliWatch;

static void
cli_line_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data);

static void
cli_read_next (CliWatch *watch)
{
  g_data_input_stream_read_line_async (watch->err, G_PRIORITY_DEFAULT, NULL, cli_line_cb, watch);
}

static void
cli_line_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CliWatch *watch = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (watch->err, result, NULL,
                                                                     NULL);

  if (line == NULL)
    return;
  g_test_message ("cli: %s", line);
  g_string_append (watch->seen, line);
  g_string_append_c (watch->seen, '\n');
  cli_read_next (watch);
}

/* Runs the loop until @text is in what the cli said after @from, or @deadline_ms. */
static gint64
wait_cli (CliWatch   *watch,
          gsize       from,
          const char *text,
          guint       deadline_ms)
{
  gint64 start = g_get_monotonic_time ();

  while (g_get_monotonic_time () < start + deadline_ms * 1000)
    {
      if (watch->seen->len > from && strstr (watch->seen->str + from, text) != NULL)
        return (g_get_monotonic_time () - start) / 1000;
      spin (20);
    }

  return -1;
}

static void
test_cli_watch (Fixture       *fixture,
                gconstpointer  data)
{
  const char *cli = g_getenv ("DRIFTKOLL_CLI");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  CliWatch watch = { NULL, g_string_new (NULL) };
  const int signals[] = { SIGTERM, SIGKILL, SIGSTOP };

  g_assert_nonnull (cli);
  login_and_sync (fixture);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_setenv (launcher, "DRIFTKOLL_KEEPALIVE_SECONDS", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "DRIFTKOLL_LIVENESS_SECONDS", "3", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, cli, "--data-dir", fixture->data_dir,
                                         "sync", "--watch", NULL);
  g_assert_no_error (error);
  watch.err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
  cli_read_next (&watch);
  spin (1500);

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      gsize from = watch.seen->len;
      gint64 ms;

      g_assert_cmpint (kill (server_pid (fixture), signals[i]), ==, 0);
      ms = wait_cli (&watch, from, "Offline", signals[i] == SIGSTOP ? SILENT_DEADLINE_MS
                                                                      : CLOSE_DEADLINE_MS);
      g_test_message ("cli, signal %d: offline after %" G_GINT64_FORMAT " ms", signals[i], ms);
      g_assert_cmpint (ms, >=, 0);

      from = watch.seen->len;
      if (signals[i] == SIGSTOP)
        {
          g_assert_cmpint (kill (server_pid (fixture), SIGCONT), ==, 0);
        }
      else
        {
          reap_server (fixture);
          dk_test_server_start_again (fixture->server);
        }
      ms = wait_cli (&watch, from, "Online again", BACK_DEADLINE_MS);
      g_test_message ("cli: online after %" G_GINT64_FORMAT " ms", ms);
      g_assert_cmpint (ms, >=, 0);
      spin (1500);   /* the socket opens again */
    }

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_clear_object (&watch.err);
  g_string_free (watch.seen, TRUE);
}

/* "status" asks the server through the engine's session: a private CA kept in the
 * replica counts, so a server that answers reads as online. */
static void
test_cli_status_private_ca (Fixture       *fixture,
                            gconstpointer  data)
{
  const char *cli = g_getenv ("DRIFTKOLL_CLI");
  g_autofree char *cert = g_build_filename (fixture->server->dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (fixture->server->dir, "key.pem", NULL);
  g_autofree char *url = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) tls = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  int status = 0;

  g_assert_nonnull (cli);
  tls = dk_test_server_start_tls (fixture->server, cert, key, &url);

  {
    const char *argv[] = { cli, "--data-dir", fixture->data_dir, "--server", url,
                           "--ca-file", cert, "status", "--json", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                 &err, &status, &error));
    g_assert_no_error (error);
  }
  g_test_message ("status: %s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (json_parser_get_root (parser)),
                                                 "online"));

  /* Without the CA it is not trusted: offline, as before. */
  {
    const char *argv[] = { cli, "--data-dir", fixture->data_dir, "--ca-file", "", "status",
                           "--json", NULL };
    g_autoptr(JsonParser) again = json_parser_new ();

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                 &err, &status, &error));
    g_assert_no_error (error);
    g_assert_true (json_parser_load_from_data (again, out, -1, &error));
    g_assert_no_error (error);
    g_assert_false (json_object_get_boolean_member (json_node_get_object (json_parser_get_root (again)),
                                                    "online"));
  }

  g_subprocess_send_signal (tls, SIGTERM);
  g_subprocess_wait (tls, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/connection/backoff/outage-policy", test_backoff_outage_policy);
  ADD ("/connection/engine/request-refused", test_engine_request_refused);
  ADD ("/connection/engine/server-stopped", test_engine_server_stopped);
  ADD ("/connection/engine/server-killed", test_engine_server_killed);
  ADD ("/connection/engine/server-paused", test_engine_server_paused);
  ADD ("/connection/engine/tcp-keepalive", test_tcp_keepalive_is_on);
  ADD ("/connection/proxy/silent-drop-and-reset", test_proxy_silent_drop_and_reset);
  ADD ("/connection/cli/watch", test_cli_watch);
  ADD ("/connection/cli/status-private-ca", test_cli_status_private_ca);

#undef ADD

  return g_test_run ();
}
