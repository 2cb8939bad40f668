/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-test-server.c: runs the real driftkoll-server on 127.0.0.1 for a test */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/prctl.h>

#include "dk-test-server.h"
#include "dk-test-pg.h"

static const char *
server_binary (void)
{
  const char *path = g_getenv ("DRIFTKOLL_SERVER");

  g_assert_nonnull (path);
  return path;
}

static int
run_argv (const char  *stdin_text,
          char       **out_stdout,
          char       **out_stderr,
          GPtrArray   *argv)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text, NULL, &out, &err, &error);
  g_assert_no_error (error);

  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);

  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

int
dk_test_server_run_cli (DkTestServer  *self,
                        const char    *stdin_text,
                        char         **out_stdout,
                        char         **out_stderr,
                        ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) server_binary ());
  va_start (args, out_stderr);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);

  return run_argv (stdin_text, out_stdout, out_stderr, argv);
}

/* DRIFTKOLL_TEST_DB=postgresql: servers keep their data in a new database of the test
 * program's private cluster (dk-test-pg.c) instead of a file. */
static gboolean
wants_postgresql (void)
{
  return g_strcmp0 (g_getenv ("DRIFTKOLL_TEST_DB"), "postgresql") == 0;
}

static DkTestServer *
test_server_make (const char *location,
                  gboolean    demo,
                  gboolean    init)
{
  g_autoptr(DkTestServer) self = g_new0 (DkTestServer, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  self->dir = g_dir_make_tmp ("driftkoll-test-XXXXXX", &error);
  g_assert_no_error (error);
  if (location != NULL)
    self->db_path = g_strdup (location);
  else if (wants_postgresql ())
    {
      DkTestPg *pg = dk_test_pg_get ();

      if (pg == NULL)
        g_error ("DRIFTKOLL_TEST_DB=postgresql, but %s", dk_test_pg_missing_reason ());
      self->db_path = dk_test_pg_new_database (pg);
    }
  else
    self->db_path = g_build_filename (self->dir, "server.db", NULL);
  self->session = soup_session_new_with_options ("timeout", 60, NULL);

  if (init)
    {
      status = dk_test_server_run_cli (self, NULL, NULL, &err, "init", "--db", self->db_path,
                                       demo ? "--demo" : NULL, NULL);
      if (status != 0)
        g_error ("driftkoll-server init failed (%d): %s", status, err);
    }

  dk_test_server_start (self);

  return g_steal_pointer (&self);
}

DkTestServer *
dk_test_server_new (gboolean demo)
{
  return test_server_make (NULL, demo, TRUE);
}

/**
 * dk_test_server_new_on:
 * @location: a database (a PostgreSQL URL, or a file) another server may be serving
 * @init: run init (with the demo data when @demo) first; FALSE for a second instance
 *
 * A server of its own (process, port, folder and snapshot folder) on @location.
 */
DkTestServer *
dk_test_server_new_on (const char *location,
                       gboolean    demo,
                       gboolean    init)
{
  g_return_val_if_fail (location != NULL, NULL);

  return test_server_make (location, demo, init);
}

static gboolean
on_postgresql (DkTestServer *self)
{
  return g_str_has_prefix (self->db_path, "postgresql://");
}

/* A server must not outlive a test that aborted. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Spawns "serve" on @listen; returns the URL of its first line, or NULL (the process
 * reaped) when it did not start. */
static char *
spawn_server (DkTestServer *self,
              const char   *listen)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *snapshot_dir = NULL;

  g_assert_null (self->process);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* On PostgreSQL serve builds snapshots only in a folder it is given: this server's,
   * so that the tests find them where they do on SQLite. */
  snapshot_dir = dk_test_server_dup_snapshot_dir (self);
  self->process = g_subprocess_launcher_spawn (launcher, &error,
                                               server_binary (), "serve", "--db", self->db_path,
                                               "--listen", listen,
                                               on_postgresql (self) ? "--snapshot-dir" : NULL,
                                               snapshot_dir, NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL || !g_str_has_prefix (line, "listening on http://127.0.0.1:"))
    {
      g_subprocess_wait (self->process, NULL, NULL);
      g_clear_object (&self->process);
      return NULL;
    }

  return g_strdup (line + strlen ("listening on "));
}

static void
set_url (DkTestServer *self,
         char         *url)   /* (transfer full) */
{
  const char *port = url + strlen ("http://127.0.0.1:");

  g_free (self->url);
  self->url = url;
  g_assert_true (g_str_has_suffix (self->url, "/"));
  self->port = (guint) g_ascii_strtoull (port, NULL, 10);
  g_assert_cmpuint (self->port, >, 0);
}

void
dk_test_server_start (DkTestServer *self)
{
  char *url = spawn_server (self, "127.0.0.1:0");

  if (url == NULL)
    g_error ("driftkoll-server did not start on %s", self->db_path);
  set_url (self, url);
}

void
dk_test_server_start_again (DkTestServer *self)
{
  g_autofree char *listen = NULL;

  g_assert_cmpuint (self->port, >, 0);
  listen = g_strdup_printf ("127.0.0.1:%u", self->port);

  /* The port may be held for a moment by a socket of the process that just died. */
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      char *url = spawn_server (self, listen);

      if (url != NULL)
        {
          set_url (self, url);
          return;
        }
      g_usleep (100 * 1000);
    }

  g_error ("driftkoll-server did not start again on %s", listen);
}

GSubprocess *
dk_test_server_start_tls (DkTestServer *self,
                          const char   *cert,
                          const char   *key,
                          char        **out_url)
{
  g_autofree char *db = g_build_filename (self->dir, "tls.db", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  GSubprocess *process;
  int status = 0;
  const char *openssl[] = {
    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    "-keyout", key, "-out", cert, NULL
  };

  g_spawn_sync (NULL, (char **) openssl, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpint (dk_test_server_run_cli (self, NULL, NULL, &err, "init", "--db", db, "--demo",
                                           NULL), ==, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* The server's own leak checks belong to its tests; under TLS they hit the
   * LeakSanitizer crash described in test-sync.c's test_tls_ca_file_trusted_and_untrusted. */
  g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error,
                                         server_binary (), "serve", "--db", db,
                                         "--listen", "127.0.0.1:0", "--tls-cert", cert,
                                         "--tls-key", key, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on https://127.0.0.1:"));
  *out_url = g_strdup (line + strlen ("listening on "));

  return process;
}

void
dk_test_server_stop (DkTestServer *self,
                     gboolean      kill)
{
  g_autoptr(GError) error = NULL;

  if (self->process == NULL)
    return;

  g_subprocess_send_signal (self->process, kill ? SIGKILL : SIGTERM);
  g_subprocess_wait (self->process, NULL, &error);
  g_assert_no_error (error);
  if (!kill)
    {
      g_assert_true (g_subprocess_get_if_exited (self->process));
      g_assert_cmpint (g_subprocess_get_exit_status (self->process), ==, 0);
    }
  g_clear_object (&self->process);
  g_clear_pointer (&self->url, g_free);
}

void
dk_test_async_result_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
dk_test_wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

void
dk_test_server_free (DkTestServer *self)
{
  if (self == NULL)
    return;

  dk_test_server_stop (self, FALSE);
  g_clear_object (&self->session);
  if (self->dir != NULL)
    dk_test_remove_tree (self->dir);
  g_free (self->dir);
  g_free (self->db_path);
  g_free (self->url);
  g_free (self);
}

guint
dk_test_server_request (DkTestServer  *self,
                        const char    *method,
                        const char    *path,
                        const char    *token,
                        const char    *content_type,
                        const char    *body,
                        gssize         body_length,
                        JsonNode     **out_json,
                        GBytes       **out_bytes)
{
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *type;

  g_assert_nonnull (self->url);
  url = g_strconcat (self->url, path[0] == '/' ? path + 1 : path, NULL);
  msg = soup_message_new (method, url);
  g_assert_nonnull (msg);

  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, body_length < 0 ? strlen (body) : (gsize) body_length);
      soup_message_set_request_body_from_bytes (msg, content_type ? content_type : "application/json",
                                                bytes);
    }

  reply = soup_session_send_and_read (self->session, msg, NULL, &error);
  g_assert_no_error (error);

  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  if (out_json != NULL)
    {
      *out_json = NULL;
      if (g_strcmp0 (type, "application/json") == 0)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();
          gsize length;
          const char *data = g_bytes_get_data (reply, &length);

          json_parser_load_from_data (parser, data, length, &error);
          g_assert_no_error (error);
          *out_json = json_node_copy (json_parser_get_root (parser));
        }
    }
  if (out_bytes != NULL)
    *out_bytes = g_bytes_ref (reply);

  return soup_message_get_status (msg);
}

guint
dk_test_server_fail_logins (DkTestServer *self,
                            const char   *username,
                            guint         failures)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"wrong\"}",
                                           username);
  guint failed = 0;
  guint refused = 0;

  for (guint attempt = 0; failed < failures && attempt < 200; attempt++)
    {
      guint status = dk_test_server_request (self, "POST", "/api/v1/session", NULL, NULL, body,
                                             -1, NULL, NULL);

      if (status == 401)
        failed++;
      else
        {
          g_assert_cmpuint (status, ==, 429);
          refused++;
          g_usleep (G_USEC_PER_SEC / 10);
        }
    }
  g_assert_cmpuint (failed, ==, failures);

  return refused;
}

char *
dk_test_server_login (DkTestServer *self,
                      const char   *username,
                      const char   *password)
{
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *text = NULL;
  guint status;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  text = json_to_string (body, FALSE);

  status = dk_test_server_request (self, "POST", "/api/v1/session", NULL, NULL, text, -1,
                                   &reply, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (reply);

  return g_strdup (json_object_get_string_member (json_node_get_object (reply), "token"));
}

JsonArray *
dk_test_server_mutate (DkTestServer *self,
                       const char   *token,
                       const char   *mutations_json)
{
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *body = g_strdup_printf ("{\"mutations\":%s}", mutations_json);
  guint status;

  status = dk_test_server_request (self, "POST", "/api/v1/mutations", token, NULL, body, -1,
                                   &reply, NULL);
  if (status != 200)
    g_error ("mutations answered %u: %s", status,
             reply ? json_to_string (reply, FALSE) : "(no JSON)");

  return json_array_ref (json_object_get_array_member (json_node_get_object (reply), "results"));
}

GPtrArray *
dk_test_server_pull_all (DkTestServer *self,
                         const char   *token,
                         guint         limit,
                         guint        *out_pages)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gint64 since = 0;
  gboolean more = TRUE;
  guint pages = 0;

  while (more)
    {
      g_autoptr(JsonNode) reply = NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=%u",
                                               since, limit);
      JsonObject *object;
      JsonArray *page;
      guint status;
      gint64 last_seq;

      status = dk_test_server_request (self, "GET", path, token, NULL, NULL, 0, &reply, NULL);
      g_assert_cmpuint (status, ==, 200);
      object = json_node_get_object (reply);
      page = json_object_get_array_member (object, "changes");
      for (guint i = 0; i < json_array_get_length (page); i++)
        g_ptr_array_add (changes, json_object_ref (json_array_get_object_element (page, i)));
      last_seq = json_object_get_int_member (object, "last_seq");
      more = json_object_get_boolean_member (object, "more");
      g_assert_cmpint (json_object_get_int_member (object, "newest_seq"), >=, last_seq);
      g_assert_cmpint (last_seq, >=, since);
      if (more)
        g_assert_cmpint (last_seq, >, since);
      since = last_seq;
      pages++;
      g_assert_cmpuint (pages, <, 100000);
    }

  if (out_pages != NULL)
    *out_pages = pages;

  return g_steal_pointer (&changes);
}

/**
 * dk_test_server_import_generated:
 * @n: how many cases
 *
 * Writes @n cases with shared/bench/gen-cases.py (seed 1, or the script named by
 * DRIFTKOLL_GEN_CASES) and imports them while the server is stopped, as an administrator
 * would; the server then runs again on its port.
 */
void
dk_test_server_import_generated (DkTestServer *self,
                                 guint         n)
{
  g_autofree char *generator = NULL;
  g_autofree char *path = g_build_filename (self->dir, "cases.jsonl", NULL);
  g_autofree char *count = g_strdup_printf ("%u", n);
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *shared = g_getenv ("DRIFTKOLL_GEN_CASES");

  generator = shared != NULL ? g_strdup (shared)
                             : g_build_filename (g_getenv ("DRIFTKOLL_SOURCE_ROOT"), "..", "shared",
                                                 "bench", "gen-cases.py", NULL);
  if (!g_file_test (generator, G_FILE_TEST_EXISTS))
    g_error ("The case generator %s is missing (set DRIFTKOLL_GEN_CASES)", generator);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, "/usr/bin/python3",
                              generator, count, path, "--seed", "1", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("gen-cases.py failed: %s", err);
  g_clear_pointer (&err, g_free);

  dk_test_server_stop (self, FALSE);
  if (dk_test_server_run_cli (self, NULL, NULL, &err, "import-cases", "--db", self->db_path,
                              path, NULL) != 0)
    g_error ("import-cases failed: %s", err);
  dk_test_server_start_again (self);
}

/**
 * dk_test_server_build_snapshots:
 *
 * Builds the replica snapshots of the database as it is now ("driftkoll-server snapshot
 * --db", into the default folder beside it), the server stopped meanwhile and started
 * again on its port, where serve finds them.
 */
void
dk_test_server_build_snapshots (DkTestServer *self)
{
  g_autofree char *err = NULL;
  g_autofree char *dir = dk_test_server_dup_snapshot_dir (self);

  dk_test_server_stop (self, FALSE);
  if (dk_test_server_run_cli (self, NULL, NULL, &err, "snapshot", "--db", self->db_path,
                              "--dir", dir, NULL) != 0)
    g_error ("driftkoll-server snapshot failed: %s", err);
  dk_test_server_start_again (self);
}

char *
dk_test_server_dup_snapshot_dir (DkTestServer *self)
{
  if (on_postgresql (self))
    return g_build_filename (self->dir, "server.snapshots", NULL);
  return g_strconcat (self->db_path, ".snapshots", NULL);
}

/* ---- comparing replicas ---- */

/* Words a first sync's search must find the same cases for: the demo's and
 * gen-cases.py's, folded as the index folds them ("atgard" for "åtgärd"), and prefixes. */
static const char * const replica_words[] = {
  "lund", "malmo", "driftstopp", "inloggning", "server", "journal", "reservkraft", "dips",
  "citrix", "vpn", "hiss", "atgard", "storning", "provsvar", "certifikat", "ventilation",
  "akutmottagningen", "uppgradering", "larm", "tes", "upp*", "skriv*",
};

static void
describe_rows (sqlite3    *db,
               const char *label,
               const char *sql,
               GString    *out)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_string_append (out, label);
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, i);

          g_string_append_c (out, i == 0 ? ' ' : '|');
          g_string_append (out, text != NULL ? text : "NULL");
        }
      g_string_append_c (out, '\n');
    }
  if (rc != SQLITE_DONE)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
}

static void
describe_hits (sqlite3    *db,
               const char *word,
               GString    *out)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* The index alone (rowids), joined to the cases: the same hits, not the same file. */
  if (sqlite3_prepare_v2 (db, "SELECT c.id FROM cases_fts JOIN cases AS c"
                              " ON c.pk = cases_fts.rowid WHERE cases_fts MATCH ?1"
                              " ORDER BY c.id", -1, &stmt, NULL) != SQLITE_OK)
    g_error ("search: %s", sqlite3_errmsg (db));
  sqlite3_bind_text (stmt, 1, word, -1, SQLITE_STATIC);

  g_string_append_printf (out, "search %s:", word);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_string_append_printf (out, " %s", sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    g_error ("search %s: %s", word, sqlite3_errmsg (db));
  g_string_append_c (out, '\n');
  sqlite3_finalize (stmt);
}

/**
 * dk_test_replica_describe:
 * @path: a replica file
 *
 * What a replica holds for its user, as text, one line a row, to compare two replicas
 * made differently (a snapshot and its tail, paging from 0): each case (id, number,
 * revision, seq, server_data, the local columns, search_services), each other object
 * (type, id, revision, seq, server_data), and the cases the search index finds for a
 * set of words. Never the file's bytes: two equal replicas are different files.
 *
 * Returns: (transfer full): the text
 */
char *
dk_test_replica_describe (const char *path)
{
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    g_error ("Cannot open %s: %s", path, sqlite3_errmsg (db));
  sqlite3_busy_timeout (db, 5000);

  describe_rows (db, "counts", "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM objects)",
                 out);
  describe_rows (db, "case", "SELECT id, number, revision, seq, server_data, local_data,"
                             " local_until, search_services FROM cases ORDER BY id", out);
  describe_rows (db, "object", "SELECT type, id, revision, seq, server_data FROM objects"
                               " ORDER BY type, id", out);
  for (guint i = 0; i < G_N_ELEMENTS (replica_words); i++)
    describe_hits (db, replica_words[i], out);

  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * dk_test_assert_replicas_equal:
 *
 * Asserts that two replicas hold the same (dk_test_replica_describe ()); a difference is
 * told by its first line, not as two whole dumps.
 */
void
dk_test_assert_replicas_equal (const char *expected_path,
                               const char *actual_path)
{
  g_autofree char *expected = dk_test_replica_describe (expected_path);
  g_autofree char *actual = dk_test_replica_describe (actual_path);
  g_auto(GStrv) expected_lines = NULL;
  g_auto(GStrv) actual_lines = NULL;
  guint i;

  if (g_str_equal (expected, actual))
    return;

  expected_lines = g_strsplit (expected, "\n", -1);
  actual_lines = g_strsplit (actual, "\n", -1);
  for (i = 0; expected_lines[i] != NULL && actual_lines[i] != NULL; i++)
    if (!g_str_equal (expected_lines[i], actual_lines[i]))
      break;

  g_test_message ("%s and %s differ at line %u", expected_path, actual_path, i + 1);
  g_assert_cmpstr (actual_lines[i], ==, expected_lines[i]);
}

/* The number of cases in a replica, and the search hits, are in the description; these
 * read one number. */
gint64
dk_test_replica_count (const char *path,
                       const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    g_error ("Cannot open %s: %s", path, sqlite3_errmsg (db));
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}
