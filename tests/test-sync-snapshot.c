/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sync-snapshot.c: first syncs from the server's replica snapshot (issue 14)
 *
 * /sync/snapshot/equals-paging/<role>  the demo data and 3,000 generated cases, writes
 *                    after the snapshot's seq (a case made internal, new cases, a report,
 *                    a subscription): a replica made from the snapshot and its tail equals,
 *                    object for object and search hit for search hit, one made by paging
 *                    from 0; for each demo role by hand (the download, the store and
 *                    /changes?base= directly) and through the sync engine, and for an
 *                    anonymous caller (the engine always logs in) by hand
 * /sync/snapshot/none-is-not-found, offline-leaves-nothing, bad-token-needs-login,
 *   unknown-etag-starts-over, second-downloader-is-busy
 *                    what the download makes of a 404, no server, a 401, a
 *                    sidecar of a generation the server does not have, and a part another
 *                    process is writing
 * /sync/snapshot/link-lost-resumes-next-pass  the link lost under an engine's download:
 *                    the pass ends offline keeping the partial files, the next resumes
 * /sync/snapshot/discard-leaves-a-busy-part  leftovers deleted, unless another process
 *                    is writing them
 * /sync/snapshot/wrong-headers-refused  from a fake route: the other class, a newer
 *                    schema, a size or CRC-32 the file does not have: refused, nothing kept
 * /sync/snapshot/cut-download-resumes   through dk-test-proxy's "cut" mode: the download
 *                    asks for the rest after each cut and ends with a valid replica
 * /sync/snapshot/sidecar-resumes        a download stopped part way (as a killed process
 *                    stops) starts again from the sidecar's frame, not from byte 0
 * /sync/snapshot/cli-killed-resumes     the same with "driftkoll-cli sync" killed (SIGKILL)
 *                    while it downloads through a slow link, then run again
 * /sync/snapshot/corrupt-falls-back     a byte flipped in the served file: refused,
 *                    deleted, not asked for again, and the sync pages from 0, the outbox
 *                    sent once
 * /sync/snapshot/truncated-falls-back   the served file cut short: the same
 * /sync/snapshot/writes-around-seq-arrive  writes before the snapshot's seq, while it is
 *                    downloaded and during the tail (a writer thread) all arrive; one more
 *                    pass equals paging
 */

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "dk-store.h"
#include "dk-sync-engine.h"
#include "dk-sync-snapshot.h"
#include "dk-test-server.h"

#define N_CASES   3000
#define PAGE      1000
/* Cut points of the "cut" link: a frame (4 MiB decoded) is often bigger than one
 * connection's budget, so the download must resume inside frames. */
#define CUT_MIN   (64 * 1024)
#define CUT_MAX   (1024 * 1024)

static const char * const roles[] = {
  "staff", "servicedesk", "customer_center", "lab_communicator", "crisis_communicator",
  "release_coordinator", "routine_owner", "admin",
};

/* The demo data and N_CASES cases, snapshots built, then writes after their seq. Shared
 * by the tests that only read it (built once: the import and the build take seconds). */
static DkTestServer *shared;

/* ---- writing to the server ---- */

static char *
mutation_json (const char *op,
               gint64      base_revision,
               const char *data_format,
               ...) G_GNUC_PRINTF (3, 4);

static char *
mutation_json (const char *op,
               gint64      base_revision,
               const char *data_format,
               ...)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *data = NULL;
  va_list args;

  va_start (args, data_format);
  data = g_strdup_vprintf (data_format, args);
  va_end (args);

  return g_strdup_printf ("{\"id\":\"%s\",\"op\":\"%s\",\"base_revision\":%" G_GINT64_FORMAT
                          ",\"data\":%s}", id, op, base_revision, data);
}

/* Sends one mutation (taken) as @token and asserts it was applied. */
static void
expect_applied (DkTestServer *server,
                const char   *token,
                char         *mutation)
{
  g_autofree char *batch = g_strdup_printf ("[%s]", mutation);
  g_autoptr(JsonArray) results = dk_test_server_mutate (server, token, batch);
  JsonObject *result = json_array_get_object_element (results, 0);

  g_free (mutation);
  if (g_strcmp0 (json_object_get_string_member (result, "status"), DK_RESULT_APPLIED) != 0)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), result);
      g_autofree char *text = json_to_string (node, FALSE);

      g_error ("not applied: %s", text);
    }
}

static char *
case_create_json (const char  *title,
                  gboolean     public,
                  char       **out_id)
{
  g_autofree char *id = g_uuid_string_random ();
  char *json = mutation_json ("case.create", 0,
                              "{\"id\":\"%s\",\"kind\":\"incident\",\"area\":\"it_telephony\","
                              "\"title\":\"%s\",\"description\":\"Beskrivning i Lund\","
                              "\"scope\":\"Alla\",\"services\":[\"tes\"],\"priority\":3,"
                              "\"public\":%s}", id, title, public ? "true" : "false");

  if (out_id != NULL)
    *out_id = g_steal_pointer (&id);
  return json;
}

static char *
report_create_json (char **out_id)
{
  g_autofree char *id = g_uuid_string_random ();
  char *json = mutation_json ("report.create", 0,
                              "{\"id\":\"%s\",\"kind\":\"fault\",\"service\":\"tes\","
                              "\"unit\":\"Akuten\",\"reporter\":\"Anna\",\"contact\":\"040-1\","
                              "\"description\":\"TES svarar inte i Lund\"}", id);

  if (out_id != NULL)
    *out_id = g_steal_pointer (&id);
  return json;
}

/* Writes after the snapshot's seq of every kind a tail must carry: a public case made
 * internal (a tombstone for anonymous callers), new public and internal cases, a
 * report (private to its author and the roles that handle reports) and a subscription
 * (private to its owner). */
static void
write_after_snapshot (DkTestServer *server)
{
  g_autofree char *servicedesk = dk_test_server_login (server, "servicedesk", "demo");
  g_autofree char *staff = dk_test_server_login (server, "staff", "demo");
  g_autofree char *hidden = NULL;

  expect_applied (server, servicedesk, case_create_json ("Driftstopp efter snapshot", TRUE, NULL));
  expect_applied (server, servicedesk, case_create_json ("Internt efter snapshot", FALSE, NULL));
  expect_applied (server, servicedesk, case_create_json ("Snart internt", TRUE, &hidden));
  expect_applied (server, servicedesk,
                  mutation_json ("case.edit", 1, "{\"id\":\"%s\",\"public\":false}", hidden));
  expect_applied (server, staff, report_create_json (NULL));
  expect_applied (server, staff, mutation_json ("subscription.set", 0, "{\"min_priority\":2}"));
}

static DkTestServer *
shared_server (void)
{
  if (shared == NULL)
    {
      shared = dk_test_server_new (TRUE);
      dk_test_server_import_generated (shared, N_CASES);
      dk_test_server_build_snapshots (shared);
      write_after_snapshot (shared);
    }

  return shared;
}

/* ---- replicas by hand: the store and /changes, no engine ---- */

/* Pulls /changes from @since (with base=@base when > 0) into @store, as the pass does. */
static void
pull_into (DkTestServer *server,
           DkStore      *store,
           const char   *token,
           gint64        since,
           gint64        base)
{
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(JsonNode) reply = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      JsonObject *object;
      gint64 last_seq;

      if (base > 0)
        path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=%u&base=%"
                                G_GINT64_FORMAT, since, PAGE, base);
      else
        path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=%u", since,
                                PAGE);
      g_assert_cmpuint (dk_test_server_request (server, "GET", path, token, NULL, NULL, 0,
                                                &reply, NULL), ==, 200);
      object = json_node_get_object (reply);
      last_seq = json_object_get_int_member (object, "last_seq");
      g_assert_true (dk_store_apply_changes (store, json_object_get_array_member (object, "changes"),
                                             last_seq, &error));
      g_assert_no_error (error);
      more = json_object_get_boolean_member (object, "more");
      since = last_seq;
    }
}

/* A replica made by paging from 0 as @token, at @dir/paged.db; returns its path. */
static char *
page_replica (DkTestServer *server,
              const char   *token,
              const char   *dir)
{
  g_autofree char *path = g_build_filename (dir, "paged.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStore) store = dk_store_open (path, &error);

  g_assert_no_error (error);
  pull_into (server, store, token, 0, 0);
  return g_steal_pointer (&path);
}

/* Installs the snapshot at @snapshot_path into a new replica @path and pulls its tail. */
static void
install_and_pull_tail (DkTestServer              *server,
                       const char                *token,
                       const char                *path,
                       const char                *snapshot_path,
                       const DkStoreSnapshotInfo *info)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStore) store = dk_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (dk_store_install_snapshot (store, snapshot_path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dk_store_get_cursor (store), ==, 0);
  g_assert_cmpint (dk_store_get_snapshot_base (store), ==, info->seq);

  pull_into (server, store, token, 0, info->seq);
  g_assert_cmpint (dk_store_get_cursor (store), >=, info->seq);
  g_assert_cmpint (dk_store_get_snapshot_base (store), ==, 0);
}

typedef struct {
  GCancellable *cancel_at;        /* nullable: cancelled once three quarters are in */
  guint         sleep_ms;         /* slows the download: a sleep at each report */
  guint         calls;
  guint64       first;
  guint64       last;
  guint64       total;
  gint64        last_at;
  gint64        min_gap;          /* µs between two reports, the smallest */
} Progress;

static void
progress_cb (guint64  received,
             guint64  total,
             gpointer user_data)
{
  Progress *progress = user_data;
  gint64 now = g_get_monotonic_time ();

  if (progress->calls == 0)
    progress->first = received;
  else
    progress->min_gap = MIN (progress->min_gap, now - progress->last_at);
  g_assert_cmpuint (received, >=, progress->last);
  progress->calls++;
  progress->last = received;
  progress->total = total;
  progress->last_at = now;

  /* Late enough that a frame (a quarter or a third of a file this size) has ended. */
  if (progress->cancel_at != NULL && total > 0 && received * 4 >= total * 3)
    g_cancellable_cancel (progress->cancel_at);
  if (progress->sleep_ms > 0)
    g_usleep (progress->sleep_ms * 1000);
}

static gboolean
download (DkTestServer         *server,
          const char           *url,
          const char           *token,
          const char           *replica,
          Progress             *progress,
          GCancellable         *cancellable,
          char                **out_path,
          DkStoreSnapshotInfo  *info,
          GError              **error)
{
  return _dk_sync_snapshot_download (server->session, url, token, replica,
                                     progress != NULL ? progress_cb : NULL, progress,
                                     out_path, info, cancellable, error);
}

static char *
sidecar_of (const char *replica)
{
  return g_strconcat (replica, ".snapshot.json", NULL);
}

static char *
part_of (const char *replica)
{
  return g_strconcat (replica, ".snapshot.part", NULL);
}

static char *
make_tmp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("driftkoll-snapshot-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* ---- replicas by the engine ---- */

typedef struct {
  char         *dir;
  char         *path;
  DkStore      *store;
  DkSyncEngine *engine;
  guint         progress_calls;
  guint64       received;
  guint64       total;
  void        (*on_progress) (gpointer data);
  gpointer      on_progress_data;
} Client;

static void
snapshot_progress_cb (DkSyncEngine *engine,
                      guint64       received,
                      guint64       total,
                      gpointer      user_data)
{
  Client *client = user_data;

  client->progress_calls++;
  client->received = received;
  client->total = total;
  if (client->on_progress != NULL)
    {
      client->on_progress (client->on_progress_data);
      client->on_progress = NULL;
    }
}

static Client *
client_new (DkTestServer *server,
            gboolean      use_snapshot)
{
  Client *client = g_new0 (Client, 1);
  g_autoptr(GError) error = NULL;

  client->dir = make_tmp ();
  client->path = g_build_filename (client->dir, "replica.db", NULL);
  client->store = dk_store_open (client->path, &error);
  g_assert_no_error (error);
  client->engine = dk_sync_engine_new (client->store, server->url);
  g_object_set (client->engine, "use-snapshot", use_snapshot, "poll-seconds", 3600, NULL);
  g_signal_connect (client->engine, "snapshot-progress", G_CALLBACK (snapshot_progress_cb), client);

  return client;
}

/* Stops the engine and closes the replica; the file stays for comparing. */
static void
client_close (Client *client)
{
  if (client->engine != NULL)
    dk_sync_engine_stop (client->engine);
  g_clear_object (&client->engine);
  g_clear_object (&client->store);
}

static void
client_free (Client *client)
{
  client_close (client);
  dk_test_remove_tree (client->dir);
  g_free (client->dir);
  g_free (client->path);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

static void
client_login (Client     *client,
              const char *username)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dk_sync_engine_login_async (client->engine, username, "demo", NULL, dk_test_async_result_cb,
                              &result);
  g_assert_true (dk_sync_engine_login_finish (client->engine, dk_test_wait_result (&result),
                                              &error));
  g_assert_no_error (error);
}

static void
client_sync (Client *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dk_sync_engine_sync_async (client->engine, NULL, dk_test_async_result_cb, &result);
  dk_sync_engine_sync_finish (client->engine, dk_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

/* ---- equals paging ---- */

static void
test_equals_paging_anonymous (void)
{
  DkTestServer *server = shared_server ();
  g_autofree char *dir = make_tmp ();
  g_autofree char *replica = g_build_filename (dir, "replica.db", NULL);
  g_autofree char *snapshot_path = NULL;
  g_autofree char *paged = NULL;
  g_autofree char *sidecar = sidecar_of (replica);
  g_autofree char *part = part_of (replica);
  g_auto(DkStoreSnapshotInfo) info = { 0, };
  g_autoptr(GError) error = NULL;
  Progress progress = { .min_gap = G_MAXINT64 };
  gint64 started = g_get_monotonic_time ();

  g_assert_true (download (server, server->url, NULL, replica, &progress, NULL, &snapshot_path,
                           &info, &error));
  g_assert_no_error (error);
  g_test_message ("%" G_GUINT64_FORMAT " bytes downloaded, decoded and checked in %.0f ms",
                  progress.total, (g_get_monotonic_time () - started) / 1000.0);
  g_assert_cmpstr (info.klass, ==, DK_SNAPSHOT_CLASS_ANONYMOUS);
  g_assert_cmpint (info.seq, >, 0);
  g_assert_cmpint (info.schema, ==, DK_STORE_SCHEMA_VERSION);
  /* Done: no partial files; told progress, the last one the whole file, ≤ 10/s. */
  g_assert_false (g_file_test (sidecar, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (progress.calls, >=, 1);
  g_assert_cmpuint (progress.last, ==, progress.total);
  if (progress.calls > 2)
    g_assert_cmpint (progress.min_gap, >=, G_USEC_PER_SEC / 10 - 1000);

  install_and_pull_tail (server, NULL, replica, snapshot_path, &info);
  paged = page_replica (server, NULL, dir);
  dk_test_assert_replicas_equal (paged, replica);
  /* Not empty, and the writes after the snapshot are there. */
  g_assert_cmpint (dk_test_replica_count (replica, "SELECT count(*) FROM cases"), >, N_CASES / 6);
  g_assert_cmpint (dk_test_replica_count (replica, "SELECT count(*) FROM cases_fts WHERE cases_fts"
                                                   " MATCH 'lund'"), >, 0);
  g_assert_cmpint (dk_test_replica_count (replica, "SELECT count(*) FROM cases WHERE title = "
                                                   "'Driftstopp efter snapshot'"), ==, 1);
  g_assert_cmpint (dk_test_replica_count (replica, "SELECT count(*) FROM cases WHERE title = "
                                                   "'Snart internt'"), ==, 0);

  dk_test_remove_tree (dir);
}

/* For each role: one replica paged from 0 (the store and /changes, by hand), one from
 * the snapshot and its tail by hand (the server's half and the store's half of a first
 * sync without the engine), and one by the sync engine's first sync. */
static void
test_equals_paging_role (gconstpointer data)
{
  const char *role = data;
  DkTestServer *server = shared_server ();
  g_autofree char *token = dk_test_server_login (server, role, "demo");
  g_autofree char *dir = make_tmp ();
  g_autofree char *replica = g_build_filename (dir, "replica.db", NULL);
  g_autofree char *snapshot_path = NULL;
  g_autofree char *paged = NULL;
  g_auto(DkStoreSnapshotInfo) info = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(Client) client = NULL;
  gint64 started, downloaded;

  paged = page_replica (server, token, dir);
  g_assert_cmpint (dk_test_replica_count (paged, "SELECT count(*) FROM cases"), >=, N_CASES);

  started = g_get_monotonic_time ();
  g_assert_true (download (server, server->url, token, replica, NULL, NULL, &snapshot_path,
                           &info, &error));
  g_assert_no_error (error);
  downloaded = g_get_monotonic_time ();
  g_assert_cmpstr (info.klass, ==, DK_SNAPSHOT_CLASS_STAFF);
  install_and_pull_tail (server, token, replica, snapshot_path, &info);
  g_test_message ("%s: download and check %.0f ms, install and tail %.0f ms", role,
                  (downloaded - started) / 1000.0, (g_get_monotonic_time () - downloaded) / 1000.0);
  dk_test_assert_replicas_equal (paged, replica);

  /* The engine's first sync came through the snapshot (it told its progress). */
  client = client_new (server, TRUE);
  client_login (client, role);
  client_sync (client);
  g_assert_cmpuint (client->progress_calls, >=, 1);
  g_assert_cmpuint (client->received, ==, client->total);
  client_close (client);
  dk_test_assert_replicas_equal (paged, client->path);

  dk_test_remove_tree (dir);
}

/* ---- cut and resumed ---- */

typedef struct {
  GSubprocess      *process;
  GDataInputStream *out;
  char             *url;
} Proxy;

static const char *
proxy_binary (void)
{
  const char *binary = g_getenv ("DK_TEST_PROXY");

  /* Registered beside the other slow client tests, whose environment does not name it:
   * it is built in this folder. */
  if (binary == NULL)
    binary = g_test_get_filename (G_TEST_BUILT, "dk-test-proxy", NULL);
  return binary;
}

static char *
proxy_command (Proxy      *proxy,
               const char *command)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_strconcat (command, "\n", NULL);
  char *answer;

  g_assert_true (g_output_stream_write_all (g_subprocess_get_stdin_pipe (proxy->process), line,
                                            strlen (line), NULL, NULL, &error));
  g_assert_no_error (error);
  answer = g_data_input_stream_read_line_utf8 (proxy->out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  g_assert_true (g_str_has_prefix (answer, "ok"));
  return answer;
}

static Proxy *
proxy_start (DkTestServer *server)
{
  Proxy *proxy = g_new0 (Proxy, 1);
  g_autofree char *upstream = g_strdup_printf ("%u", server->port);
  g_autofree char *port = NULL;
  g_autoptr(GError) error = NULL;

  proxy->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                     &error, proxy_binary (), upstream, NULL);
  g_assert_no_error (error);
  proxy->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proxy->process));
  port = g_data_input_stream_read_line_utf8 (proxy->out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (port);
  proxy->url = g_strdup_printf ("http://127.0.0.1:%s/", port);

  return proxy;
}

static void
proxy_stats (Proxy   *proxy,
             guint   *out_connections,
             guint   *out_cut,
             guint64 *out_bytes)
{
  g_autofree char *answer = proxy_command (proxy, "stats");

  g_assert_cmpint (sscanf (answer, "ok connections=%u cut=%u to_client=%" G_GUINT64_FORMAT,
                           out_connections, out_cut, out_bytes), ==, 3);
}

static void
proxy_free (Proxy *proxy)
{
  g_subprocess_force_exit (proxy->process);
  g_subprocess_wait (proxy->process, NULL, NULL);
  g_clear_object (&proxy->out);
  g_clear_object (&proxy->process);
  g_free (proxy->url);
  g_free (proxy);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Proxy, proxy_free)

static guint32
test_seed (void)
{
  const char *fixed = g_getenv ("DRIFTKOLL_TEST_SEED");
  guint32 seed = fixed != NULL ? (guint32) g_ascii_strtoull (fixed, NULL, 10)
                               : g_random_int ();

  g_test_message ("seed %u (DRIFTKOLL_TEST_SEED=%u repeats this run)", seed, seed);
  return seed;
}

static void
test_cut_download_resumes (void)
{
  DkTestServer *server = shared_server ();
  g_autoptr(Proxy) proxy = proxy_start (server);
  g_autofree char *token = dk_test_server_login (server, "servicedesk", "demo");
  g_autofree char *dir = make_tmp ();
  g_autofree char *replica = g_build_filename (dir, "replica.db", NULL);
  g_autofree char *snapshot_path = NULL;
  g_autofree char *paged = NULL;
  g_autofree char *command = NULL;
  g_autofree char *answer = NULL;
  g_auto(DkStoreSnapshotInfo) info = { 0, };
  g_autoptr(GError) error = NULL;
  Progress progress = { .min_gap = G_MAXINT64 };
  guint connections = 0, cut = 0;
  guint64 bytes = 0;

  command = g_strdup_printf ("cut %u %u %u", CUT_MIN, CUT_MAX, test_seed ());
  answer = proxy_command (proxy, command);

  g_assert_true (download (server, proxy->url, token, replica, &progress, NULL, &snapshot_path,
                           &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info.klass, ==, DK_SNAPSHOT_CLASS_STAFF);

  /* It was cut, more than once, and resumed each time: the bytes that crossed are the
   * file and each answer's headers, not the file again and again. */
  proxy_stats (proxy, &connections, &cut, &bytes);
  g_test_message ("%u connections, %u cut, %" G_GUINT64_FORMAT " bytes for a file of %"
                  G_GUINT64_FORMAT, connections, cut, bytes, progress.total);
  g_assert_cmpuint (cut, >=, 2);
  g_assert_cmpuint (connections, >, cut);
  g_assert_cmpuint (bytes, <, progress.total + connections * 4096);

  install_and_pull_tail (server, token, replica, snapshot_path, &info);
  paged = page_replica (server, token, dir);
  dk_test_assert_replicas_equal (paged, replica);

  dk_test_remove_tree (dir);
}

static gint64
read_sidecar_offset (const char *sidecar,
                     const char *member)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, sidecar, &error);
  g_assert_no_error (error);
  return json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), member);
}

static void
test_sidecar_resumes (void)
{
  DkTestServer *server = shared_server ();
  g_autofree char *token = dk_test_server_login (server, "admin", "demo");
  g_autofree char *dir = make_tmp ();
  g_autofree char *replica = g_build_filename (dir, "replica.db", NULL);
  g_autofree char *sidecar = sidecar_of (replica);
  g_autofree char *part = part_of (replica);
  g_autofree char *snapshot_path = NULL;
  g_autofree char *paged = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(DkStoreSnapshotInfo) info = { 0, };
  g_autoptr(GError) error = NULL;
  Progress stopped = { .min_gap = G_MAXINT64, .sleep_ms = 100, .cancel_at = cancellable };
  Progress resumed = { .min_gap = G_MAXINT64 };
  gint64 encoded, decoded;
  GStatBuf st;

  /* Stopped three quarters in, slowly enough that frames ended before: the partial
   * files stay. */
  g_assert_false (download (server, server->url, token, replica, &stopped, cancellable,
                            &snapshot_path, &info, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_true (g_file_test (sidecar, G_FILE_TEST_EXISTS));
  encoded = read_sidecar_offset (sidecar, "encoded_offset");
  decoded = read_sidecar_offset (sidecar, "decoded_offset");
  g_test_message ("stopped at %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                  "; the sidecar says %" G_GINT64_FORMAT, stopped.last, stopped.total, encoded);
  g_assert_cmpint (encoded, >, 0);
  g_assert_cmpint (decoded, >, encoded);
  g_assert_cmpint (g_stat (part, &st), ==, 0);
  g_assert_cmpint (st.st_size, >=, decoded);

  /* A new call (a new process would do the same) goes on from the sidecar's frame. */
  g_assert_true (download (server, server->url, token, replica, &resumed, NULL, &snapshot_path,
                           &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resumed.first, >, (guint64) encoded);
  g_assert_cmpuint (resumed.last, ==, stopped.total);
  g_assert_false (g_file_test (sidecar, G_FILE_TEST_EXISTS));

  install_and_pull_tail (server, token, replica, snapshot_path, &info);
  paged = page_replica (server, token, dir);
  dk_test_assert_replicas_equal (paged, replica);

  dk_test_remove_tree (dir);
}

/* The manifest of @klass in the server's snapshot folder ("<class>.json"). */
static char *
manifest_of (DkTestServer *server,
             const char   *klass)
{
  g_autofree char *dir = dk_test_server_dup_snapshot_dir (server);
  g_autofree char *name = g_strconcat (klass, ".json", NULL);

  return g_build_filename (dir, name, NULL);
}

static JsonNode *
read_json (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* A client must not outlive a test that aborted. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* "driftkoll-cli --data-dir @dir ARGS..." (NULL-terminated), started. */
static GSubprocess *
cli_spawn (const char  *dir,
           const char  *stdin_text,
           const char  *first,
           ...) G_GNUC_NULL_TERMINATED;

static GSubprocess *
cli_spawn (const char  *dir,
           const char  *stdin_text,
           const char  *first,
           ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *xdg = g_build_filename (dir, "xdg", NULL);
  g_autofree char *err = g_build_filename (dir, "cli-stderr.txt", NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("DRIFTKOLL_CLI"));
  g_assert_nonnull (argv->pdata[0]);
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, (char *) dir);
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  /* Its stderr goes to a file: the process is waited for, not communicated with. */
  g_subprocess_launcher_set_stderr_file_path (launcher, err);
  /* Nothing of the user's own data dir or keyring may be touched. */
  g_subprocess_launcher_setenv (launcher, "DRIFTKOLL_TOKEN_STORAGE", "file", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", xdg, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DRIFTKOLL_DATA_DIR");
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  if (stdin_text != NULL)
    {
      g_output_stream_write_all (g_subprocess_get_stdin_pipe (process), stdin_text,
                                 strlen (stdin_text), NULL, NULL, &error);
      g_assert_no_error (error);
    }
  g_output_stream_close (g_subprocess_get_stdin_pipe (process), NULL, NULL);

  return process;
}

static void
cli_wait_ok (GSubprocess *process,
             const char  *dir)
{
  g_autofree char *path = g_build_filename (dir, "cli-stderr.txt", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      g_file_get_contents (path, &err, NULL, NULL);
      g_error ("driftkoll-cli failed: %s", err ? err : "");
    }
}

static void
test_cli_killed_resumes (void)
{
  DkTestServer *server = shared_server ();
  g_autoptr(Proxy) proxy = proxy_start (server);
  g_autofree char *token = dk_test_server_login (server, "servicedesk", "demo");
  g_autofree char *dir = make_tmp ();
  g_autofree char *replica = g_build_filename (dir, "replica.db", NULL);
  g_autofree char *sidecar = sidecar_of (replica);
  g_autofree char *part = part_of (replica);
  g_autofree char *paged = NULL;
  g_autofree char *answer = NULL;
  g_autoptr(GSubprocess) login = NULL;
  g_autoptr(GSubprocess) killed = NULL;
  g_autoptr(GSubprocess) again = NULL;
  g_autofree char *manifest_path = manifest_of (server, DK_SNAPSHOT_CLASS_STAFF);
  g_autoptr(JsonNode) manifest = read_json (manifest_path);
  gint64 file_size = json_object_get_int_member (json_node_get_object (manifest), "zst_size");
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gint64 encoded = 0;
  guint connections = 0, cut = 0;
  guint64 before = 0, after = 0;

  login = cli_spawn (dir, "demo\n", "--server", proxy->url, "login", "servicedesk", NULL);
  cli_wait_ok (login, dir);

  /* Slow enough that a frame ends well before the file does: killed after one. */
  answer = proxy_command (proxy, "slow 1000000");
  killed = cli_spawn (dir, NULL, "sync", NULL);
  while (encoded == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
      if (g_file_test (sidecar, G_FILE_TEST_EXISTS))
        encoded = read_sidecar_offset (sidecar, "encoded_offset");
    }
  g_subprocess_force_exit (killed);
  g_subprocess_wait (killed, NULL, NULL);
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_cmpint (encoded, <, file_size);

  /* Run again on a good link: it asks for the rest only. */
  g_free (answer);
  answer = proxy_command (proxy, "forward");
  proxy_stats (proxy, &connections, &cut, &before);
  again = cli_spawn (dir, NULL, "sync", NULL);
  cli_wait_ok (again, dir);
  proxy_stats (proxy, &connections, &cut, &after);
  g_test_message ("killed with %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " bytes in the "
                  "sidecar; the second sync moved %" G_GUINT64_FORMAT, encoded, file_size,
                  after - before);
  g_assert_cmpuint (after - before, <, (guint64) file_size);
  g_assert_false (g_file_test (sidecar, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));

  paged = page_replica (server, token, dir);
  dk_test_assert_replicas_equal (paged, replica);

  dk_test_remove_tree (dir);
}

/* ---- what the client does with what it finds ---- */

static void
test_none_is_not_found (void)
{
  /* No objects: serve builds no snapshot, and the route says 404 no_snapshot. */
  g_autoptr(DkTestServer) server = dk_test_server_new (FALSE);
  g_autofree char *dir = make_tmp ();
  g_autofree char *replica = g_build_filename (dir, "replica.db", NULL);
  g_autofree char *snapshot_path = NULL;
  g_autofree char *part = part_of (replica);
  g_auto(DkStoreSnapshotInfo) info = { 0, };
  g_autoptr(GError) error = NULL;

  g_assert_false (download (server, server->url, NULL, replica, NULL, NULL, &snapshot_path, &info,
                            &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (snapshot_path);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));

  dk_test_remove_tree (dir);
}

/* A server that cannot be reached: offline, as the engine says it, and no empty part
 * left behind (nothing of a frame came to resume from). */
static void
test_offline_leaves_nothing (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *dir = make_tmp ();
  g_autofree char *replica = g_build_filename (dir, "replica.db", NULL);
  g_autofree char *part = part_of (replica);
  g_autofree char *snapshot_path = NULL;
  g_auto(DkStoreSnapshotInfo) info = { 0, };
  g_autoptr(GError) error = NULL;

  /* Port 1 on the loopback: refused at once. */
  g_assert_false (_dk_sync_snapshot_download (session, "http://127.0.0.1:1/", NULL, replica, NULL,
                                              NULL, &snapshot_path, &info, NULL, &error));
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_OFFLINE);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));

  dk_test_remove_tree (dir);
}

static void
test_bad_token_needs_login (void)
{
  DkTestServer *server = shared_server ();
  g_autofree char *dir = make_tmp ();
  g_autofree char *replica = g_build_filename (dir, "replica.db", NULL);
  g_autofree char *snapshot_path = NULL;
  g_auto(DkStoreSnapshotInfo) info = { 0, };
  g_autoptr(GError) error = NULL;

  g_assert_false (download (server, server->url, "not-a-session", replica, NULL, NULL,
                            &snapshot_path, &info, &error));
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_NEEDS_LOGIN);

  dk_test_remove_tree (dir);
}

/* A sidecar naming a generation the server no longer has (or never had): If-Range does
 * not match, the server sends the whole file, and the client starts over from 0. */
static void
test_unknown_etag_starts_over (void)
{
  DkTestServer *server = shared_server ();
  g_autofree char *token = dk_test_server_login (server, "staff", "demo");
  g_autofree char *dir = make_tmp ();
  g_autofree char *replica = g_build_filename (dir, "replica.db", NULL);
  g_autofree char *sidecar = sidecar_of (replica);
  g_autofree char *part = part_of (replica);
  g_autofree char *snapshot_path = NULL;
  g_autofree char *paged = NULL;
  g_autofree char *garbage = g_malloc0 (300000);
  g_auto(DkStoreSnapshotInfo) info = { 0, };
  g_autoptr(GError) error = NULL;
  Progress progress = { .min_gap = G_MAXINT64 };

  g_file_set_contents (part, garbage, 300000, &error);
  g_assert_no_error (error);
  g_file_set_contents (sidecar, "{\"etag\":\"\\\"staff-1-3-zst-00000000\\\"\","
                                "\"encoded_offset\":100000,\"decoded_offset\":300000,"
                                "\"crc32\":0}", -1, &error);
  g_assert_no_error (error);

  g_assert_true (download (server, server->url, token, replica, &progress, NULL, &snapshot_path,
                           &info, &error));
  g_assert_no_error (error);
  /* From the first byte: the first report is at most one read in. */
  g_assert_cmpuint (progress.first, <=, 256 * 1024);
  g_assert_false (g_file_test (sidecar, G_FILE_TEST_EXISTS));

  install_and_pull_tail (server, token, replica, snapshot_path, &info);
  paged = page_replica (server, token, dir);
  dk_test_assert_replicas_equal (paged, replica);

  dk_test_remove_tree (dir);
}

/* Two processes on one replica (the app and the cli): the second does not write the
 * same part; it is told, and its pass pages instead. */
static void
test_second_downloader_is_busy (void)
{
  DkTestServer *server = shared_server ();
  g_autofree char *dir = make_tmp ();
  g_autofree char *replica = g_build_filename (dir, "replica.db", NULL);
  g_autofree char *part = part_of (replica);
  g_autofree char *snapshot_path = NULL;
  g_auto(DkStoreSnapshotInfo) info = { 0, };
  g_autoptr(GError) error = NULL;
  int fd;

  fd = g_open (part, O_RDWR | O_CREAT, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);

  g_assert_false (download (server, server->url, NULL, replica, NULL, NULL, &snapshot_path, &info,
                            &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);

  close (fd);
  dk_test_remove_tree (dir);
}

/* The served zstd file of @klass: the one its manifest names. */
static char *
find_served_file (DkTestServer *server,
                  const char   *klass)
{
  g_autofree char *manifest = manifest_of (server, klass);
  g_autofree char *dir = dk_test_server_dup_snapshot_dir (server);
  g_autoptr(JsonNode) root = read_json (manifest);
  g_autofree char *name = g_strconcat (json_object_get_string_member (json_node_get_object (root),
                                                                      "file"), ".db.zst", NULL);

  return g_build_filename (dir, name, NULL);
}

/* The link goes down in the middle of an engine's first sync: the pass ends offline with
 * the partial files kept, and the next pass asks for the rest only. */
static void
test_link_lost_resumes_next_pass (void)
{
  DkTestServer *server = shared_server ();
  g_autoptr(Proxy) proxy = proxy_start (server);
  g_autoptr(Client) client = client_new (server, TRUE);
  g_autofree char *token = dk_test_server_login (server, "servicedesk", "demo");
  g_autofree char *sidecar = sidecar_of (client->path);
  g_autofree char *part = part_of (client->path);
  g_autofree char *manifest_path = manifest_of (server, DK_SNAPSHOT_CLASS_STAFF);
  g_autoptr(JsonNode) manifest = read_json (manifest_path);
  gint64 file_size = json_object_get_int_member (json_node_get_object (manifest), "zst_size");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *paged = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint connections = 0, cut = 0;
  guint64 before = 0, after = 0;

  dk_sync_engine_set_server_url (client->engine, proxy->url);
  client_login (client, "servicedesk");

  answer = proxy_command (proxy, "slow 1000000");
  dk_sync_engine_sync_async (client->engine, NULL, dk_test_async_result_cb, &result);
  while (!g_file_test (sidecar, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  g_free (answer);
  answer = proxy_command (proxy, "reset");
  g_assert_false (dk_sync_engine_sync_finish (client->engine, dk_test_wait_result (&result),
                                              &error));
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_true (g_file_test (sidecar, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_cmpint (dk_test_replica_count (client->path, "SELECT count(*) FROM cases"), ==, 0);

  g_free (answer);
  answer = proxy_command (proxy, "forward");
  proxy_stats (proxy, &connections, &cut, &before);
  client_sync (client);
  proxy_stats (proxy, &connections, &cut, &after);
  g_test_message ("the second pass moved %" G_GUINT64_FORMAT " bytes; the file has %"
                  G_GINT64_FORMAT, after - before, file_size);
  g_assert_cmpuint (after - before, <, (guint64) file_size);
  g_assert_false (g_file_test (sidecar, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));

  client_close (client);
  paged = page_replica (server, token, client->dir);
  dk_test_assert_replicas_equal (paged, client->path);
}

/* What a download left is deleted once the replica does not need it, unless another
 * process is writing it. */
static void
test_discard_leaves_a_busy_part (void)
{
  g_autofree char *dir = make_tmp ();
  g_autofree char *replica = g_build_filename (dir, "replica.db", NULL);
  g_autofree char *part = part_of (replica);
  g_autofree char *sidecar = sidecar_of (replica);
  g_autofree char *done = g_strconcat (replica, ".snapshot.db", NULL);
  g_autoptr(GError) error = NULL;
  int fd;

  g_file_set_contents (part, "part", -1, &error);
  g_file_set_contents (sidecar, "{}", -1, &error);
  g_file_set_contents (done, "db", -1, &error);
  g_assert_no_error (error);

  fd = g_open (part, O_RDWR, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);
  _dk_sync_snapshot_discard (replica);
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (sidecar, G_FILE_TEST_EXISTS));
  close (fd);

  _dk_sync_snapshot_discard (replica);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (sidecar, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (done, G_FILE_TEST_EXISTS));
  /* Nothing there: nothing to do. */
  _dk_sync_snapshot_discard (replica);

  dk_test_remove_tree (dir);
}

/* ---- answers the real server never gives ---- */

/* A fake snapshot route: the real anonymous file, with headers a test chooses. */
typedef struct {
  GBytes     *body;
  const char *etag;
  const char *klass;
  const char *schema;
  guint64     size;
  guint32     crc32;
} Fake;

static void
fake_snapshot_cb (SoupServer        *soup,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  Fake *fake = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *size = g_strdup_printf ("%" G_GUINT64_FORMAT, fake->size);
  g_autofree char *checksum = g_strdup_printf ("crc32=%08x", fake->crc32);

  soup_message_headers_replace (headers, "ETag", fake->etag);
  soup_message_headers_replace (headers, DK_HEADER_SNAPSHOT_CLASS, fake->klass);
  soup_message_headers_replace (headers, DK_HEADER_SNAPSHOT_SCHEMA, fake->schema);
  soup_message_headers_replace (headers, DK_HEADER_SNAPSHOT_SEQ, "1");
  soup_message_headers_replace (headers, DK_HEADER_SNAPSHOT_SIZE, size);
  soup_message_headers_replace (headers, DK_HEADER_SNAPSHOT_CHECKSUM, checksum);
  soup_server_message_set_response (msg, DK_SNAPSHOT_TYPE_ZSTD, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (fake->body, NULL),
                                    g_bytes_get_size (fake->body));
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

typedef struct {
  const char           *url;
  const char           *replica;
  char                 *path;
  DkStoreSnapshotInfo   info;
  GError               *error;
  gboolean              ok;
  gint                  done;
} Fetch;

/* The download is synchronous; the fake server answers on this thread's loop. */
static gpointer
fetch_thread (gpointer data)
{
  Fetch *fetch = data;
  g_autoptr(SoupSession) session = soup_session_new ();

  fetch->ok = _dk_sync_snapshot_download (session, fetch->url, NULL, fetch->replica, NULL, NULL,
                                          &fetch->path, &fetch->info, NULL, &fetch->error);
  g_atomic_int_set (&fetch->done, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
assert_fake_refused (const char *url,
                     const char *replica)
{
  g_autofree char *part = part_of (replica);
  g_autofree char *sidecar = sidecar_of (replica);
  Fetch fetch = { .url = url, .replica = replica };
  GThread *thread = g_thread_new ("fetch", fetch_thread, &fetch);

  while (!g_atomic_int_get (&fetch.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);

  g_assert_false (fetch.ok);
  g_assert_error (fetch.error, DK_STORE_ERROR, DK_STORE_ERROR_CORRUPT);
  g_test_message ("refused: %s", fetch.error->message);
  g_assert_null (fetch.path);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (sidecar, G_FILE_TEST_EXISTS));
  g_clear_error (&fetch.error);
  dk_store_snapshot_info_clear (&fetch.info);
}

static void
test_wrong_headers_refused (void)
{
  DkTestServer *server = shared_server ();
  g_autofree char *manifest_path = manifest_of (server, DK_SNAPSHOT_CLASS_ANONYMOUS);
  g_autoptr(JsonNode) manifest = read_json (manifest_path);
  JsonObject *object = json_node_get_object (manifest);
  g_autofree char *file = find_served_file (server, DK_SNAPSHOT_CLASS_ANONYMOUS);
  g_autoptr(SoupServer) soup = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_tmp ();
  g_autofree char *replica = g_build_filename (dir, "replica.db", NULL);
  g_autofree char *url = NULL;
  g_autofree char *contents = NULL;
  GSList *uris;
  gsize length = 0;
  Fake fake = { 0, };

  g_file_get_contents (file, &contents, &length, &error);
  g_assert_no_error (error);
  fake.body = g_bytes_new_take (g_steal_pointer (&contents), length);
  fake.size = (guint64) json_object_get_int_member (object, "size");
  fake.crc32 = (guint32) json_object_get_int_member (object, "crc32");
  soup_server_add_handler (soup, "/api/v1/snapshot", fake_snapshot_cb, &fake, NULL);
  soup_server_listen_local (soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (soup);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* The staff file for an anonymous caller: never taken. */
  fake.etag = "\"fake-class\"";
  fake.klass = DK_SNAPSHOT_CLASS_STAFF;
  fake.schema = "3";
  assert_fake_refused (url, replica);

  /* A schema newer than this client's. */
  fake.etag = "\"fake-schema\"";
  fake.klass = DK_SNAPSHOT_CLASS_ANONYMOUS;
  fake.schema = "4";
  assert_fake_refused (url, replica);

  /* A file that is not what its headers say: its size, then its CRC-32. */
  fake.etag = "\"fake-size\"";
  fake.schema = "3";
  fake.size++;
  assert_fake_refused (url, replica);
  fake.etag = "\"fake-crc\"";
  fake.size--;
  fake.crc32 ^= 1;
  assert_fake_refused (url, replica);

  g_bytes_unref (fake.body);
  dk_test_remove_tree (dir);
}

/* ---- damaged snapshots ---- */

/* The server maps only a file of the length its manifest says: a truncated one is
 * served when the manifest says so too (its decoded size and CRC-32 kept). */
static void
set_served_length (DkTestServer *server,
                   const char   *klass,
                   gsize         length)
{
  g_autofree char *manifest = manifest_of (server, klass);
  g_autoptr(JsonNode) root = read_json (manifest);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  json_object_set_int_member (json_node_get_object (root), "zst_size", (gint64) length);
  text = json_to_string (root, TRUE);
  g_file_set_contents (manifest, text, -1, &error);
  g_assert_no_error (error);
}

typedef enum {
  DAMAGE_FLIP,
  DAMAGE_TRUNCATE,
} Damage;

/* Damages the served files in place (the manifests kept), the server stopped meanwhile. */
static void
damage_snapshots (DkTestServer *server,
                  Damage        damage)
{
  dk_test_server_stop (server, FALSE);
  for (guint i = 0; i < 2; i++)
    {
      const char *klass = i == 0 ? DK_SNAPSHOT_CLASS_STAFF : DK_SNAPSHOT_CLASS_ANONYMOUS;
      g_autofree char *path = find_served_file (server, klass);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      gsize length = 0;

      g_file_get_contents (path, &contents, &length, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (length, >, 1000);
      if (damage == DAMAGE_FLIP)
        {
          contents[length / 2] ^= 0x20;
        }
      else
        {
          length = length * 3 / 5;
          set_served_length (server, klass, length);
        }
      g_file_set_contents (path, contents, (gssize) length, &error);
      g_assert_no_error (error);
    }
  dk_test_server_start_again (server);
}

static void
test_damaged_falls_back (gconstpointer data)
{
  Damage damage = GPOINTER_TO_INT (data);
  g_autoptr(DkTestServer) server = dk_test_server_new (TRUE);
  g_autoptr(Client) client = NULL;
  g_autoptr(Client) paging = NULL;
  g_autofree char *token = NULL;
  g_autofree char *report_id = g_uuid_string_random ();
  g_autofree char *report_text = NULL;
  g_autofree char *mutation_id = NULL;
  g_autofree char *sidecar = NULL;
  g_autofree char *part = NULL;
  g_autofree char *snapshot_path = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(DkStoreSnapshotInfo) info = { 0, };
  Progress progress = { .min_gap = G_MAXINT64 };
  guint sent = 0;

  dk_test_server_build_snapshots (server);
  damage_snapshots (server, damage);

  /* A replica with a local change waiting, before its first sync. */
  client = client_new (server, TRUE);
  report_text = g_strdup_printf ("{\"id\":\"%s\",\"kind\":\"fault\",\"service\":\"tes\","
                                 "\"unit\":\"Akuten\",\"reporter\":\"Anna\","
                                 "\"contact\":\"040-1\",\"description\":\"Skrivaren\"}",
                                 report_id);
  report = json_from_string (report_text, &error);
  g_assert_no_error (error);
  dk_store_enqueue (client->store, "report.create", "report", report_id, 0, report, report,
                    &mutation_id, &error);
  g_assert_no_error (error);

  /* The sync downloads the snapshot, refuses it and pages from 0. */
  client_login (client, "servicedesk");
  client_sync (client);
  g_assert_cmpuint (client->progress_calls, >=, 1);
  g_assert_cmpuint (dk_store_outbox_count (client->store, DK_OUTBOX_PENDING), ==, 0);
  sidecar = sidecar_of (client->path);
  part = part_of (client->path);
  g_assert_false (g_file_test (sidecar, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));

  /* The report went once. */
  token = dk_test_server_login (server, "servicedesk", "demo");
  changes = dk_test_server_pull_all (server, token, 500, NULL);
  for (guint i = 0; i < changes->len; i++)
    if (g_strcmp0 (json_object_get_string_member (changes->pdata[i], "id"), report_id) == 0)
      sent++;
  g_assert_cmpuint (sent, ==, 1);

  paging = client_new (server, FALSE);
  client_login (paging, "servicedesk");
  client_sync (paging);
  client_close (client);
  client_close (paging);
  dk_test_assert_replicas_equal (paging->path, client->path);

  /* Asked directly: refused, and this process does not download it again. */
  g_assert_false (download (server, server->url, token, client->path, &progress, NULL,
                            &snapshot_path, &info, &error));
  g_assert_error (error, DK_STORE_ERROR, DK_STORE_ERROR_CORRUPT);
  g_assert_cmpuint (progress.calls, ==, 0);
  g_assert_false (g_file_test (sidecar, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* The anonymous file is damaged the same way; nothing of it stays either. */
  g_assert_false (download (server, server->url, NULL, client->path, &progress, NULL,
                            &snapshot_path, &info, &error));
  g_assert_error (error, DK_STORE_ERROR, DK_STORE_ERROR_CORRUPT);
  g_assert_false (g_file_test (sidecar, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
}

/* ---- writes while a first sync runs ---- */

typedef struct {
  DkTestServer *server;
  char         *token;
  gint          stop;
  GPtrArray    *ids;           /* the cases it made, for the end */
} Writer;

/* Posts a new public case every 20 ms until told to stop, on its own session. */
static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;
  g_autoptr(SoupSession) session = soup_session_new ();

  while (!g_atomic_int_get (&writer->stop))
    {
      g_autofree char *id = NULL;
      g_autofree char *mutation = case_create_json ("Skrivare under synk", TRUE, &id);
      g_autofree char *body = g_strdup_printf ("{\"mutations\":[%s]}", mutation);
      g_autofree char *url = g_strconcat (writer->server->url, "api/v1/mutations", NULL);
      g_autofree char *bearer = g_strconcat ("Bearer ", writer->token, NULL);
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
      g_autoptr(GBytes) reply = NULL;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    bearer);
      soup_message_set_request_body_from_bytes (msg, "application/json", request);
      reply = soup_session_send_and_read (session, msg, NULL, NULL);
      if (soup_message_get_status (msg) == 200)
        g_ptr_array_add (writer->ids, g_steal_pointer (&id));
      g_usleep (20 * 1000);
    }

  return NULL;
}

typedef struct {
  DkTestServer *server;
  char         *token;
  gboolean      done;
} DuringDownload;

static void
write_during_download (gpointer data)
{
  DuringDownload *during = data;

  expect_applied (during->server, during->token,
                  case_create_json ("Skrivet under nedladdningen", TRUE, NULL));
  during->done = TRUE;
}

static void
test_writes_around_seq_arrive (void)
{
  g_autoptr(DkTestServer) server = dk_test_server_new (TRUE);
  g_autoptr(Client) client = NULL;
  g_autoptr(Client) paging = NULL;
  g_autofree char *token = NULL;
  DuringDownload during = { 0, };
  Writer writer = { 0, };
  GThread *thread;

  /* Before the snapshot's seq. */
  dk_test_server_import_generated (server, 500);
  token = dk_test_server_login (server, "servicedesk", "demo");
  expect_applied (server, token, case_create_json ("Skrivet före snapshot", TRUE, NULL));
  dk_test_server_build_snapshots (server);
  g_free (token);
  token = dk_test_server_login (server, "servicedesk", "demo");

  /* While it is downloaded (at its first progress), and all along the tail. */
  client = client_new (server, TRUE);
  during.server = server;
  during.token = token;
  client->on_progress = write_during_download;
  client->on_progress_data = &during;
  writer.server = server;
  writer.token = token;
  writer.ids = g_ptr_array_new_with_free_func (g_free);
  thread = g_thread_new ("writer", writer_thread, &writer);

  client_login (client, "servicedesk");
  client_sync (client);
  g_atomic_int_set (&writer.stop, 1);
  g_thread_join (thread);
  g_assert_true (during.done);
  g_test_message ("%u cases written during the sync", writer.ids->len);
  g_assert_cmpuint (writer.ids->len, >=, 1);

  /* One more pass has everything, as paging from 0 has. */
  client_sync (client);
  paging = client_new (server, FALSE);
  client_login (paging, "servicedesk");
  client_sync (paging);
  client_close (client);
  client_close (paging);
  dk_test_assert_replicas_equal (paging->path, client->path);
  for (guint i = 0; i < writer.ids->len; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM cases WHERE id = '%s'",
                                              (char *) writer.ids->pdata[i]);

      g_assert_cmpint (dk_test_replica_count (client->path, sql), ==, 1);
    }
  g_assert_cmpint (dk_test_replica_count (client->path, "SELECT count(*) FROM cases WHERE title"
                                                        " = 'Skrivet under nedladdningen'"), ==, 1);
  g_assert_cmpint (dk_test_replica_count (client->path, "SELECT count(*) FROM cases WHERE title"
                                                        " = 'Skrivet före snapshot'"), ==, 1);
  g_ptr_array_unref (writer.ids);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/snapshot/equals-paging/anonymous", test_equals_paging_anonymous);
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autofree char *path = g_strconcat ("/sync/snapshot/equals-paging/", roles[i], NULL);

      g_test_add_data_func (path, roles[i], test_equals_paging_role);
    }
  g_test_add_func ("/sync/snapshot/none-is-not-found", test_none_is_not_found);
  g_test_add_func ("/sync/snapshot/offline-leaves-nothing", test_offline_leaves_nothing);
  g_test_add_func ("/sync/snapshot/bad-token-needs-login", test_bad_token_needs_login);
  g_test_add_func ("/sync/snapshot/unknown-etag-starts-over", test_unknown_etag_starts_over);
  g_test_add_func ("/sync/snapshot/second-downloader-is-busy", test_second_downloader_is_busy);
  g_test_add_func ("/sync/snapshot/link-lost-resumes-next-pass", test_link_lost_resumes_next_pass);
  g_test_add_func ("/sync/snapshot/discard-leaves-a-busy-part", test_discard_leaves_a_busy_part);
  g_test_add_func ("/sync/snapshot/wrong-headers-refused", test_wrong_headers_refused);
  g_test_add_func ("/sync/snapshot/cut-download-resumes", test_cut_download_resumes);
  g_test_add_func ("/sync/snapshot/sidecar-resumes", test_sidecar_resumes);
  g_test_add_func ("/sync/snapshot/cli-killed-resumes", test_cli_killed_resumes);
  g_test_add_data_func ("/sync/snapshot/corrupt-falls-back", GINT_TO_POINTER (DAMAGE_FLIP),
                        test_damaged_falls_back);
  g_test_add_data_func ("/sync/snapshot/truncated-falls-back", GINT_TO_POINTER (DAMAGE_TRUNCATE),
                        test_damaged_falls_back);
  g_test_add_func ("/sync/snapshot/writes-around-seq-arrive", test_writes_around_seq_arrive);

  status = g_test_run ();
  g_clear_pointer (&shared, dk_test_server_free);

  return status;
}
