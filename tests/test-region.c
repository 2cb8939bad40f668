/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-region.c: several driftkoll-server instances behind a real load balancer
 * (Debian's HAProxy, dk-test-lb.c), as a region runs them
 *
 * One instance on SQLite behind HAProxy: HTTP and the event WebSocket go through it,
 * its health checks take a stopped instance out and put it back. Two and three
 * instances on one private PostgreSQL database (dk-test-pg.c): a publish on either
 * reaches the sockets of both; one instance is killed (SIGKILL) during a publish storm
 * while real clients (DkSyncEngine, as the app runs it) keep syncing through the
 * balancer: they reconnect to another instance, and at the end every replica is what a
 * fresh full sync gives, every change exactly once.
 *
 * Skipped with a clear message without HAProxy (DK_TEST_HAPROXY or /usr/sbin/haproxy)
 * and, for the PostgreSQL paths, without PostgreSQL 15. Each run prints its tag; the
 * storm is bounded (writers × mutations) and every wait has a deadline.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>

#include "dk-local-changes.h"
#include "dk-store.h"
#include "dk-sync-engine.h"
#include "dk-test-lb.h"
#include "dk-test-pg.h"
#include "dk-test-server.h"

#define USER          "servicedesk"
#define PASSWORD      "demo"
#define MAX_INSTANCES 3
#define N_WRITERS     3
#define N_CLIENTS     3

typedef struct {
  DkTestServer *instances[MAX_INSTANCES];
  guint         n_instances;
  char         *location;    /* the shared PostgreSQL database; NULL on SQLite */
  DkTestLb     *lb;
  DkTestServer *via_lb;      /* no process of its own: requests through the balancer */
  char         *token;       /* USER's session, made through the balancer */
  char         *tag;         /* every text this run writes starts with it */
  char         *tmp;
} Region;

/* ---- the region: instances, the balancer ---- */

static void
region_free (Region *region)
{
  g_clear_pointer (&region->lb, dk_test_lb_free);
  g_clear_pointer (&region->via_lb, dk_test_server_free);
  for (guint i = 0; i < region->n_instances; i++)
    g_clear_pointer (&region->instances[i], dk_test_server_free);
  if (region->tmp != NULL)
    dk_test_remove_tree (region->tmp);
  g_free (region->tmp);
  g_free (region->location);
  g_free (region->token);
  g_free (region->tag);
  g_free (region);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Region, region_free)

static Region *
region_new (void)
{
  Region *region = g_new0 (Region, 1);
  g_autoptr(GError) error = NULL;

  region->tag = g_strdup_printf ("R%08x", g_test_rand_int ());
  region->tmp = g_dir_make_tmp ("driftkoll-region-XXXXXX", &error);
  g_assert_no_error (error);
  g_test_message ("tag %s", region->tag);
  return region;
}

/* HAProxy in front of every instance, all of them up; FALSE (the test skipped) when
 * haproxy is not installed. */
static gboolean
region_start_lb (Region *region)
{
  g_autoptr(GPtrArray) urls = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < region->n_instances; i++)
    g_ptr_array_add (urls, region->instances[i]->url);
  g_ptr_array_add (urls, NULL);

  region->lb = dk_test_lb_start ((const char * const *) urls->pdata, 0, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_test_skip (error->message);
      return FALSE;
    }
  g_assert_no_error (error);
  if (!dk_test_lb_wait_all (region->lb, DK_TEST_LB_UP, 10000))
    {
      g_autofree char *stat = dk_test_lb_show_stat (region->lb, NULL);

      g_error ("HAProxy did not see every instance up within 10 s:\n%s", stat);
    }

  region->via_lb = g_new0 (DkTestServer, 1);
  region->via_lb->url = g_strdup (dk_test_lb_get_url (region->lb));
  region->via_lb->session = soup_session_new_with_options ("timeout", 20, NULL);
  region->token = dk_test_server_login (region->via_lb, USER, PASSWORD);
  return TRUE;
}

static Region *
region_new_sqlite (void)
{
  Region *region = region_new ();

  region->instances[0] = dk_test_server_new (TRUE);
  region->n_instances = 1;
  return region;
}

/* @n instances on one new database of the private cluster; NULL (the test skipped)
 * without PostgreSQL. */
static Region *
region_new_pg (guint n)
{
  DkTestPg *pg = dk_test_pg_get ();
  Region *region;

  if (pg == NULL)
    {
      g_test_skip (dk_test_pg_missing_reason ());
      return NULL;
    }
  region = region_new ();
  region->location = dk_test_pg_new_database (pg);
  for (guint i = 0; i < n; i++)
    region->instances[i] = dk_test_server_new_on (region->location, TRUE, i == 0);
  region->n_instances = n;
  return region;
}

/* ---- HTTP ---- */

static char *
case_create_json (const char  *title,
                  const char  *mutation_id,
                  const char  *case_id)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *start = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

  return g_strdup_printf ("[{\"id\":\"%s\",\"op\":\"case.create\",\"base_revision\":0,"
                          "\"data\":{\"id\":\"%s\",\"kind\":\"incident\","
                          "\"area\":\"it_telephony\",\"title\":\"%s\","
                          "\"description\":\"Genom lastbalanseraren\",\"scope\":\"Alla\","
                          "\"services\":[\"tes\"],\"priority\":3,\"public\":false,"
                          "\"start\":\"%s\",\"expected_end\":null}}]",
                          mutation_id, case_id, title, start);
}

/* The newest seq @via knows. */
static gint64
newest_seq (DkTestServer *via,
            const char   *token)
{
  g_autoptr(JsonNode) reply = NULL;

  g_assert_cmpuint (dk_test_server_request (via, "GET", "/api/v1/changes?since=0&limit=1",
                                            token, NULL, NULL, 0, &reply, NULL), ==, 200);
  return json_object_get_int_member (json_node_get_object (reply), "newest_seq");
}

/* Publishes a case through @via; returns its id, and the newest seq after it. */
static char *
publish_case (DkTestServer *via,
              const char   *token,
              const char   *title,
              gint64       *out_seq)
{
  g_autofree char *mutation_id = g_uuid_string_random ();
  char *case_id = g_uuid_string_random ();
  g_autofree char *json = case_create_json (title, mutation_id, case_id);
  g_autoptr(JsonArray) results = dk_test_server_mutate (via, token, json);

  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0),
                                                  "status"), ==, "applied");
  if (out_seq != NULL)
    *out_seq = newest_seq (via, token);
  return case_id;
}

/* ---- WebSockets ---- */

typedef struct {
  SoupSession             *session;
  SoupWebsocketConnection *socket;
  gint64                   last_seq;
  guint                    n_messages;
} Watcher;

static void
watcher_free (Watcher *watcher)
{
  if (watcher->socket != NULL &&
      soup_websocket_connection_get_state (watcher->socket) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (watcher->socket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&watcher->socket);
  g_clear_object (&watcher->session);
  g_free (watcher);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Watcher, watcher_free)

static void
watcher_message_cb (SoupWebsocketConnection *socket,
                    gint                     type,
                    GBytes                  *message,
                    gpointer                 user_data)
{
  Watcher *watcher = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  JsonNode *root;

  watcher->n_messages++;
  if (!json_parser_load_from_data (parser, data, length, NULL))
    return;
  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_OBJECT (root))
    watcher->last_seq = MAX (watcher->last_seq,
                             json_object_get_int_member_with_default (
                               json_node_get_object (root), "last_seq", -1));
}

/* Iterates the main context until @done says so or @timeout_ms have passed. */
static gboolean
iterate_until (gboolean (*done) (gpointer),
               gpointer   data,
               guint      timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!done (data))
    {
      if (g_get_monotonic_time () >= end)
        return FALSE;
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (5 * 1000);
    }
  return TRUE;
}

/* Iterates the main context for @ms (the clients keep running). */
static void
pump_main_loop (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (5 * 1000);
    }
}

static gboolean
watcher_has_message (gpointer data)
{
  return ((Watcher *) data)->n_messages > 0;
}

/* The event WebSocket of @base_url ("http://…/"), open and past its first message. */
static Watcher *
watcher_open (const char *base_url,
              const char *token)
{
  g_autoptr(Watcher) watcher = g_new0 (Watcher, 1);
  g_autofree char *url = g_strconcat ("ws://", base_url + strlen ("http://"), "api/v1/events",
                                      NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_prefix (base_url, "http://"));
  watcher->session = soup_session_new ();
  watcher->last_seq = -1;
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  soup_session_websocket_connect_async (watcher->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, dk_test_async_result_cb, &result);
  watcher->socket = soup_session_websocket_connect_finish (watcher->session,
                                                           dk_test_wait_result (&result),
                                                           &error);
  g_assert_no_error (error);
  g_signal_connect (watcher->socket, "message", G_CALLBACK (watcher_message_cb), watcher);
  if (!iterate_until (watcher_has_message, watcher, 5000))
    g_error ("The WebSocket %s said nothing within 5 s", url);
  return g_steal_pointer (&watcher);
}

typedef struct {
  Watcher **watchers;
  guint     n;
  gint64    seq;
} WaitSeq;

static gboolean
watchers_reached (gpointer data)
{
  WaitSeq *wait = data;

  for (guint i = 0; i < wait->n; i++)
    if (wait->watchers[i]->last_seq < wait->seq)
      return FALSE;
  return TRUE;
}

static void
assert_watchers_reach (Watcher    **watchers,
                       guint        n,
                       gint64       seq,
                       const char  *what)
{
  WaitSeq wait = { watchers, n, seq };

  if (!iterate_until (watchers_reached, &wait, 5000))
    for (guint i = 0; i < n; i++)
      if (watchers[i]->last_seq < seq)
        g_error ("%s: socket %u heard of seq %" G_GINT64_FORMAT " at most, not %" G_GINT64_FORMAT
                 " within 5 s", what, i, watchers[i]->last_seq, seq);
}

/* ---- one instance on SQLite ---- */

static void
test_sqlite_http_and_websocket (void)
{
  g_autoptr(Region) region = region_new_sqlite ();
  g_autoptr(JsonNode) health = NULL;
  g_autoptr(Watcher) watcher = NULL;
  g_autofree char *title = NULL;
  g_autofree char *case_id = NULL;
  g_autofree char *sessions = NULL;
  gint64 seq;

  if (!region_start_lb (region))
    return;

  g_assert_cmpuint (dk_test_server_request (region->via_lb, "GET", "/api/v1/healthz", NULL,
                                            NULL, NULL, 0, &health, NULL), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (health), "status"),
                   ==, "ok");

  watcher = watcher_open (region->via_lb->url, region->token);
  title = g_strdup_printf ("%s first", region->tag);
  case_id = publish_case (region->via_lb, region->token, title, &seq);
  assert_watchers_reach (&watcher, 1, seq, "a publish through the balancer");

  /* The requests really went through HAProxy to the instance. */
  sessions = dk_test_lb_dup_stat (region->lb, 0, "stot");
  g_assert_nonnull (sessions);
  g_assert_cmpint (g_ascii_strtoll (sessions, NULL, 10), >=, 3);
}

static void
test_sqlite_health_checks (void)
{
  g_autoptr(Region) region = region_new_sqlite ();
  g_autoptr(JsonNode) health = NULL;
  gint64 started;

  if (!region_start_lb (region))
    return;

  /* Stopped: out after two failed checks 500 ms apart; the balancer answers 503. */
  started = g_get_monotonic_time ();
  dk_test_server_stop (region->instances[0], FALSE);
  g_assert_true (dk_test_lb_wait_state (region->lb, 0, DK_TEST_LB_DOWN, 5000));
  g_test_message ("taken out after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - started) / 1000);
  g_assert_cmpuint (dk_test_server_request (region->via_lb, "GET", "/api/v1/healthz", NULL,
                                            NULL, NULL, 0, NULL, NULL), ==, 503);

  /* Back on its port: in after one good check. */
  started = g_get_monotonic_time ();
  dk_test_server_start_again (region->instances[0]);
  g_assert_true (dk_test_lb_wait_state (region->lb, 0, DK_TEST_LB_UP, 5000));
  g_test_message ("back after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - started) / 1000);
  g_assert_cmpuint (dk_test_server_request (region->via_lb, "GET", "/api/v1/healthz", NULL,
                                            NULL, NULL, 0, &health, NULL), ==, 200);
}

/* ---- the storm: writers through the balancer, clients syncing through it ---- */

typedef struct {
  char         *url;       /* the balancer's */
  char         *token;
  char         *tag;
  guint         index;
  guint         n;
  gint         *progress;  /* mutations applied by all writers, atomically */
  GPtrArray    *titles;    /* char *: every case this writer published, in order */
  guint         retries;
  GString      *problems;
  GThread      *thread;
} Writer;

static void
writer_free (Writer *writer)
{
  g_free (writer->url);
  g_free (writer->token);
  g_free (writer->tag);
  g_ptr_array_unref (writer->titles);
  g_string_free (writer->problems, TRUE);
  g_free (writer);
}

/* Posts @body; returns the first result's status ("applied", …) or NULL when the
 * request did not come back with an answer (the instance died under it: 502, 503, a
 * reset). Never asserts: failures are what this test causes. */
static char *
writer_post (Writer      *writer,
             SoupSession *session,
             const char  *body)
{
  g_autofree char *url = g_strconcat (writer->url, "api/v1/mutations", NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", writer->token, NULL);
  g_autofree char *request = g_strdup_printf ("{\"mutations\":%s}", body);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GBytes) bytes = g_bytes_new (request, strlen (request));
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonArray *results;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  if (reply == NULL || soup_message_get_status (msg) != 200)
    return NULL;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                   g_bytes_get_size (reply), NULL))
    return NULL;
  root = json_parser_get_root (parser);
  results = json_object_get_array_member (json_node_get_object (root), "results");
  return g_strdup (json_object_get_string_member (json_array_get_object_element (results, 0),
                                                  "status"));
}

/* Publishes writer->n cases, one a request; a request that fails is sent again with the
 * same mutation id (as the sync engine does) until it is answered. */
static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);

  for (guint i = 0; i < writer->n; i++)
    {
      g_autofree char *mutation_id = g_uuid_string_random ();
      g_autofree char *case_id = g_uuid_string_random ();
      g_autofree char *title = g_strdup_printf ("%s w%u-%u", writer->tag, writer->index, i);
      g_autofree char *body = case_create_json (title, mutation_id, case_id);
      g_autofree char *status = NULL;

      for (guint attempt = 0; attempt < 100 && status == NULL; attempt++)
        {
          status = writer_post (writer, session, body);
          if (status == NULL)
            {
              writer->retries++;
              g_usleep (100 * 1000);
            }
        }
      if (g_strcmp0 (status, "applied") != 0)
        g_string_append_printf (writer->problems, "writer %u: “%s” ended as %s\n",
                                writer->index, title, status ? status : "no answer in 100 tries");
      g_ptr_array_add (writer->titles, g_steal_pointer (&title));
      g_atomic_int_inc (writer->progress);
      /* Paced, so that the storm lasts a few seconds around the kill. */
      g_usleep (50 * 1000);
    }
  return NULL;
}

typedef struct {
  char         *dir;
  char         *path;
  DkStore      *store;
  DkSyncEngine *engine;
  char         *case_id;   /* its own case, which it adds updates to */
  GPtrArray    *texts;     /* char *: the updates it added */
} Client;

static void
client_free (Client *client)
{
  if (client->engine != NULL)
    dk_sync_engine_stop (client->engine);
  g_clear_object (&client->engine);
  g_clear_object (&client->store);
  g_free (client->dir);
  g_free (client->path);
  g_free (client->case_id);
  g_ptr_array_unref (client->texts);
  g_free (client);
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

/* A desktop: its own replica, the engine logged in through the balancer, synced once. */
static Client *
client_new (Region     *region,
            const char *name,
            const char *case_id)
{
  Client *client = g_new0 (Client, 1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  client->dir = g_build_filename (region->tmp, name, NULL);
  g_assert_no_errno (g_mkdir (client->dir, 0700));
  client->path = g_build_filename (client->dir, "replica.db", NULL);
  client->store = dk_store_open (client->path, &error);
  g_assert_no_error (error);
  client->engine = dk_sync_engine_new (client->store, region->via_lb->url);
  client->case_id = g_strdup (case_id);
  client->texts = g_ptr_array_new_with_free_func (g_free);

  dk_sync_engine_login_async (client->engine, USER, PASSWORD, NULL, dk_test_async_result_cb,
                              &result);
  dk_sync_engine_login_finish (client->engine, dk_test_wait_result (&result), &error);
  g_assert_no_error (error);
  client_sync (client);
  return client;
}

/* The user adds an update on the desktop: into the outbox, sent by the engine. */
static void
client_add_update (Client     *client,
                   const char *tag,
                   guint       index)
{
  g_autofree char *text = g_strdup_printf ("%s c%u-%u", tag, index, client->texts->len);
  g_autoptr(GError) error = NULL;

  dk_local_add_update (client->store, client->case_id, DK_UPDATE_PHRASE_MONITORING, text,
                       DK_TIME_UNSET, USER, dk_time_now (), &error);
  g_assert_no_error (error);
  dk_sync_engine_local_change_added (client->engine);
  g_ptr_array_add (client->texts, g_steal_pointer (&text));
}

typedef struct {
  Client **clients;
  guint    n;
  gint64   seq;    /* the server's newest, to be reached */
} Catchup;

static gboolean
clients_sent_everything (gpointer data)
{
  Catchup *catchup = data;

  for (guint i = 0; i < catchup->n; i++)
    if (dk_store_outbox_count (catchup->clients[i]->store, DK_OUTBOX_PENDING) > 0)
      return FALSE;
  return TRUE;
}

static gboolean
clients_caught_up (gpointer data)
{
  Catchup *catchup = data;

  for (guint i = 0; i < catchup->n; i++)
    {
      Client *client = catchup->clients[i];
      gboolean connected = FALSE;

      g_object_get (client->engine, "push-connected", &connected, NULL);
      if (!connected || dk_store_get_cursor (client->store) < catchup->seq ||
          dk_sync_engine_get_state (client->engine) != DK_SYNC_STATE_IDLE)
        return FALSE;
    }
  return TRUE;
}

static char *
describe_clients (Client **clients,
                  guint    n)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      gboolean connected = FALSE;

      g_object_get (clients[i]->engine, "push-connected", &connected, NULL);
      g_string_append_printf (text, "client %u: cursor %" G_GINT64_FORMAT ", state %d, socket %s, "
                              "outbox %u, last error %s\n", i,
                              dk_store_get_cursor (clients[i]->store),
                              dk_sync_engine_get_state (clients[i]->engine),
                              connected ? "open" : "closed",
                              dk_store_outbox_count (clients[i]->store, DK_OUTBOX_PENDING),
                              dk_sync_engine_get_last_error (clients[i]->engine));
    }
  return g_string_free (text, FALSE);
}

/* ---- the history checker: exactly once, by mutation (case titles, update texts) ---- */

static guint
count_string (GHashTable *counts,
              const char *text)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, text));
}

static void
add_count (GHashTable *counts,
           const char *text)
{
  g_hash_table_insert (counts, (gpointer) text,
                       GUINT_TO_POINTER (count_string (counts, text) + 1));
}

/* Every case the writers published and every update the clients added is in the
 * server's full pull exactly once, every case number once, and nothing else the test
 * wrote is there. Returns the problems, "" when none. */
static char *
check_exactly_once (Region     *region,
                    GPtrArray  *changes,
                    Writer    **writers,
                    guint       n_writers,
                    Client    **clients,
                    guint       n_clients)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GHashTable) titles = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) numbers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) cases = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_tagged = 0, n_expected = 0;

  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);
      const char *id = json_object_get_string_member (change, "id");
      JsonObject *data;
      const char *title;

      if (!g_str_equal (json_object_get_string_member (change, "type"), "case") ||
          json_object_get_boolean_member (change, "deleted"))
        continue;
      if (!g_hash_table_add (ids, (gpointer) id))
        g_string_append_printf (problems, "DUPLICATED: case %s twice in one full pull\n", id);
      data = json_object_get_object_member (change, "data");
      g_hash_table_insert (cases, (gpointer) id, data);
      title = json_object_get_string_member (data, "title");
      add_count (titles, title);
      n_tagged += g_str_has_prefix (title, region->tag);
      if (json_object_get_string_member_with_default (data, "number", NULL) == NULL)
        g_string_append_printf (problems, "case %s has no number\n", id);
      else
        add_count (numbers, json_object_get_string_member (data, "number"));
    }

  for (guint w = 0; w < n_writers; w++)
    for (guint i = 0; i < writers[w]->titles->len; i++)
      {
        const char *title = g_ptr_array_index (writers[w]->titles, i);
        guint n = count_string (titles, title);

        n_expected++;
        if (n != 1)
          g_string_append_printf (problems, "%s: case “%s” is on the server %u times\n",
                                  n == 0 ? "LOST" : "DUPLICATED", title, n);
      }
  for (guint c = 0; c < n_clients; c++)
    {
      JsonObject *data = g_hash_table_lookup (cases, clients[c]->case_id);
      JsonArray *updates;
      g_autoptr(GHashTable) texts = g_hash_table_new (g_str_hash, g_str_equal);

      n_expected++;   /* the client's own case, published before the storm */
      if (data == NULL)
        {
          g_string_append_printf (problems, "LOST: the case of client %u\n", c);
          continue;
        }
      updates = json_object_get_array_member (data, "updates");
      for (guint i = 0; i < json_array_get_length (updates); i++)
        add_count (texts, json_object_get_string_member_with_default (
                            json_array_get_object_element (updates, i), "text", ""));
      for (guint i = 0; i < clients[c]->texts->len; i++)
        {
          const char *text = g_ptr_array_index (clients[c]->texts, i);
          guint n = count_string (texts, text);

          if (n != 1)
            g_string_append_printf (problems, "%s: update “%s” of client %u is on the server "
                                    "%u times\n", n == 0 ? "LOST" : "DUPLICATED", text, c, n);
        }
      if (json_array_get_length (updates) != clients[c]->texts->len)
        g_string_append_printf (problems, "UNEXPECTED: the case of client %u has %u updates, "
                                "%u were added\n", c, json_array_get_length (updates),
                                clients[c]->texts->len);
    }

  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, numbers);
    while (g_hash_table_iter_next (&iter, &key, &value))
      if (GPOINTER_TO_UINT (value) > 1)
        g_string_append_printf (problems, "DUPLICATED: the number %s is on %u cases\n",
                                (char *) key, GPOINTER_TO_UINT (value));
  }
  if (n_tagged != n_expected)
    g_string_append_printf (problems, "UNEXPECTED: %u cases written by the test on the server, "
                            "%u were made\n", n_tagged, n_expected);

  return g_string_free (g_steal_pointer (&problems), FALSE);
}

/* A fresh replica, fully synced through the balancer: the server's full pull as the
 * client applies it, for comparing the clients' replicas with. */
static char *
reference_replica (Region *region)
{
  g_autofree char *dir = g_build_filename (region->tmp, "reference", NULL);
  char *path = g_build_filename (dir, "replica.db", NULL);
  g_autoptr(DkStore) store = NULL;
  g_autoptr(DkSyncEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) synced = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_no_errno (g_mkdir (dir, 0700));
  store = dk_store_open (path, &error);
  g_assert_no_error (error);
  engine = dk_sync_engine_new (store, region->via_lb->url);
  g_object_set (engine, "use-snapshot", FALSE, NULL);
  dk_sync_engine_login_async (engine, USER, PASSWORD, NULL, dk_test_async_result_cb, &result);
  dk_sync_engine_login_finish (engine, dk_test_wait_result (&result), &error);
  g_assert_no_error (error);
  dk_sync_engine_sync_async (engine, NULL, dk_test_async_result_cb, &synced);
  dk_sync_engine_sync_finish (engine, dk_test_wait_result (&synced), &error);
  g_assert_no_error (error);
  return path;
}

typedef struct {
  Writer **writers;
  guint    n;
  gint     progress;
  gint     wanted;
} Storm;

static gboolean
storm_reached (gpointer data)
{
  Storm *storm = data;

  return g_atomic_int_get (&storm->progress) >= storm->wanted;
}

/* Writers publish through the balancer and clients add updates on their desktops while
 * instance @victim is killed (SIGKILL) a third of the way in; it is started again on its
 * port when @restart (a lone instance has to come back). Then every client catches up
 * through the balancer (its socket open again, on a live instance), every change is on
 * the server exactly once, and every replica is what a fresh full sync gives. */
static void
run_storm (Region  *region,
           guint    victim,
           gboolean restart,
           guint    n_per_writer)
{
  Writer *writers[N_WRITERS];
  Client *clients[N_CLIENTS];
  Storm storm = { writers, N_WRITERS, 0, 0 };
  Catchup catchup = { clients, N_CLIENTS, 0 };
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *problems = NULL;
  g_autofree char *reference = NULL;
  guint retries = 0;
  gint64 started, killed_at = 0;

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autofree char *title = g_strdup_printf ("%s client %u", region->tag, i);
      g_autofree char *name = g_strdup_printf ("client-%u", i);
      g_autofree char *case_id = publish_case (region->via_lb, region->token, title, NULL);

      clients[i] = client_new (region, name, case_id);
      dk_sync_engine_start (clients[i]->engine);
    }
  for (guint i = 0; i < N_WRITERS; i++)
    {
      writers[i] = g_new0 (Writer, 1);
      writers[i]->url = g_strdup (region->via_lb->url);
      writers[i]->token = g_strdup (region->token);
      writers[i]->tag = g_strdup (region->tag);
      writers[i]->index = i;
      writers[i]->n = n_per_writer;
      writers[i]->progress = &storm.progress;
      writers[i]->titles = g_ptr_array_new_with_free_func (g_free);
      writers[i]->problems = g_string_new (NULL);
    }

  /* Every client's socket open (through the balancer) before the storm starts. */
  catchup.seq = newest_seq (region->via_lb, region->token);
  if (!iterate_until (clients_caught_up, &catchup, 20000))
    {
      g_autofree char *state = describe_clients (clients, N_CLIENTS);

      g_error ("The clients did not settle before the storm:\n%s", state);
    }

  started = g_get_monotonic_time ();
  for (guint i = 0; i < N_WRITERS; i++)
    writers[i]->thread = g_thread_new ("writer", writer_thread, writers[i]);

  /* The storm: each client adds an update every 150 ms; the victim dies a third of the
   * way. */
  storm.wanted = N_WRITERS * n_per_writer;
  for (guint round = 0; !storm_reached (&storm) && round < 2000; round++)
    {
      gint64 next = g_get_monotonic_time () + 150 * 1000;

      for (guint i = 0; i < N_CLIENTS; i++)
          client_add_update (clients[i], region->tag, i);
      if (killed_at == 0 && g_atomic_int_get (&storm.progress) >= storm.wanted / 3)
        {
          g_test_message ("killing instance %u after %d of %d mutations", victim,
                          g_atomic_int_get (&storm.progress), storm.wanted);
          /* Stopped first, so that requests reach it and are in flight when it dies
           * (HAProxy sends them again only when the connection was refused): some
           * answers are lost, whether or not their commit happened. */
          g_subprocess_send_signal (region->instances[victim]->process, SIGSTOP);
          pump_main_loop (400);
          dk_test_server_stop (region->instances[victim], TRUE);
          killed_at = g_get_monotonic_time ();
        }
      if (restart && killed_at != 0 && region->instances[victim]->process == NULL &&
          g_get_monotonic_time () - killed_at > G_USEC_PER_SEC)
        dk_test_server_start_again (region->instances[victim]);
      pump_main_loop (MAX (next - g_get_monotonic_time (), 0) / 1000);
    }
  for (guint i = 0; i < N_WRITERS; i++)
    {
      g_thread_join (writers[i]->thread);
      retries += writers[i]->retries;
      if (writers[i]->problems->len > 0)
        g_error ("%s", writers[i]->problems->str);
    }
  g_assert_cmpint (killed_at, !=, 0);
  g_test_message ("storm: %d mutations by %u writers and %u updates by %u clients in "
                  "%" G_GINT64_FORMAT " ms, %u requests sent again", storm.wanted, N_WRITERS,
                  clients[0]->texts->len * N_CLIENTS, N_CLIENTS,
                  (g_get_monotonic_time () - started) / 1000, retries);

  /* The clients send what they hold, then reach the server's newest seq with their
   * sockets open again (on a live instance, through the balancer). */
  if (!iterate_until (clients_sent_everything, &catchup, 60000))
    {
      g_autofree char *state = describe_clients (clients, N_CLIENTS);

      g_error ("The clients did not send their outboxes within 60 s:\n%s", state);
    }
  started = g_get_monotonic_time ();
  catchup.seq = newest_seq (region->via_lb, region->token);
  if (!iterate_until (clients_caught_up, &catchup, 60000))
    {
      g_autofree char *state = describe_clients (clients, N_CLIENTS);

      g_error ("The clients did not reach seq %" G_GINT64_FORMAT " within 60 s:\n%s",
               catchup.seq, state);
    }
  g_test_message ("clients caught up with seq %" G_GINT64_FORMAT " in %" G_GINT64_FORMAT " ms",
                  catchup.seq, (g_get_monotonic_time () - started) / 1000);
  if (!restart)
    g_assert_cmpint (dk_test_lb_get_state (region->lb, victim), ==, DK_TEST_LB_DOWN);
  {
    g_autofree char *retried = dk_test_lb_dup_stat (region->lb, victim, "wretr");
    g_autofree char *redispatched = dk_test_lb_dup_stat (region->lb, victim, "wredis");
    g_autofree char *failed = dk_test_lb_dup_stat (region->lb, victim, "eresp");
    g_autofree char *refused = dk_test_lb_dup_stat (region->lb, victim, "econ");

    g_test_message ("HAProxy on the killed instance: %s connections failed, %s retried, "
                    "%s sent to another instance, %s answers lost", refused, retried,
                    redispatched, failed);
  }

  changes = dk_test_server_pull_all (region->via_lb, region->token, 1000, NULL);
  problems = check_exactly_once (region, changes, writers, N_WRITERS, clients, N_CLIENTS);
  if (*problems != '\0')
    g_error ("Not every change is on the server exactly once:\n%s", problems);

  for (guint i = 0; i < N_CLIENTS; i++)
    dk_sync_engine_stop (clients[i]->engine);
  reference = reference_replica (region);
  for (guint i = 0; i < N_CLIENTS; i++)
    dk_test_assert_replicas_equal (reference, clients[i]->path);

  for (guint i = 0; i < N_WRITERS; i++)
    writer_free (writers[i]);
  for (guint i = 0; i < N_CLIENTS; i++)
    client_free (clients[i]);
}

static void
test_sqlite_clients_ride_a_restart (void)
{
  g_autoptr(Region) region = region_new_sqlite ();

  if (!region_start_lb (region))
    return;
  run_storm (region, 0, TRUE, 30);
}

/* ---- several instances on PostgreSQL ---- */

static void
test_pg_publish_reaches_both (void)
{
  g_autoptr(Region) region = region_new_pg (2);
  Watcher *watchers[4] = { NULL, };
  g_autofree char *title_a = NULL;
  g_autofree char *title_b = NULL;
  g_autofree char *case_a = NULL;
  g_autofree char *case_b = NULL;
  g_autofree char *scur_0 = NULL;
  g_autofree char *scur_1 = NULL;
  gint64 seq;

  if (region == NULL || !region_start_lb (region))
    return;

  /* A socket on each instance directly, and two through the balancer (leastconn puts
   * them on one instance each). */
  watchers[0] = watcher_open (region->instances[0]->url, region->token);
  watchers[1] = watcher_open (region->instances[1]->url, region->token);
  watchers[2] = watcher_open (region->via_lb->url, region->token);
  watchers[3] = watcher_open (region->via_lb->url, region->token);
  scur_0 = dk_test_lb_dup_stat (region->lb, 0, "scur");
  scur_1 = dk_test_lb_dup_stat (region->lb, 1, "scur");
  g_test_message ("sockets through the balancer: %s on instance 0, %s on instance 1",
                  scur_0, scur_1);
  g_assert_cmpstr (scur_0, ==, "1");
  g_assert_cmpstr (scur_1, ==, "1");

  title_a = g_strdup_printf ("%s on instance 0", region->tag);
  case_a = publish_case (region->instances[0], region->token, title_a, &seq);
  assert_watchers_reach (watchers, 4, seq, "a publish on instance 0");

  title_b = g_strdup_printf ("%s on instance 1", region->tag);
  case_b = publish_case (region->instances[1], region->token, title_b, &seq);
  assert_watchers_reach (watchers, 4, seq, "a publish on instance 1");

  for (guint i = 0; i < G_N_ELEMENTS (watchers); i++)
    watcher_free (watchers[i]);
}

/* The database gone: every instance's healthz says 503, HAProxy takes them all out and
 * answers 503 itself; the database back, they come back without being restarted. */
static void
test_pg_database_gone (void)
{
  g_autoptr(Region) region = region_new_pg (2);
  DkTestPg *pg = dk_test_pg_get ();
  g_autoptr(JsonNode) health = NULL;

  if (region == NULL || !region_start_lb (region))
    return;

  dk_test_pg_stop_cluster (pg);
  g_assert_true (dk_test_lb_wait_all (region->lb, DK_TEST_LB_DOWN, 10000));
  g_assert_cmpuint (dk_test_server_request (region->via_lb, "GET", "/api/v1/healthz", NULL,
                                            NULL, NULL, 0, NULL, NULL), ==, 503);
  for (guint i = 0; i < region->n_instances; i++)
    g_assert_nonnull (g_subprocess_get_identifier (region->instances[i]->process));

  dk_test_pg_start_cluster (pg);
  g_assert_true (dk_test_lb_wait_all (region->lb, DK_TEST_LB_UP, 20000));
  g_assert_cmpuint (dk_test_server_request (region->via_lb, "GET", "/api/v1/healthz", NULL,
                                            NULL, NULL, 0, &health, NULL), ==, 200);
  g_assert_cmpint (newest_seq (region->via_lb, region->token), >, 0);
}

static void
test_pg_kill_during_storm (void)
{
  g_autoptr(Region) region = region_new_pg (3);

  if (region == NULL || !region_start_lb (region))
    return;
  run_storm (region, 0, FALSE, 40);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/region/sqlite/one-instance/http-and-websocket",
                   test_sqlite_http_and_websocket);
  g_test_add_func ("/region/sqlite/one-instance/health-checks", test_sqlite_health_checks);
  g_test_add_func ("/region/sqlite/one-instance/clients-ride-a-restart",
                   test_sqlite_clients_ride_a_restart);
  g_test_add_func ("/region/postgresql/two-instances/publish-reaches-both",
                   test_pg_publish_reaches_both);
  g_test_add_func ("/region/postgresql/two-instances/database-gone", test_pg_database_gone);
  g_test_add_func ("/region/postgresql/three-instances/kill-during-storm",
                   test_pg_kill_during_storm);

  return g_test_run ();
}
