/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-instances-accounts.c: two driftkoll-server instances on one PostgreSQL
 * database are one server for accounts: sessions, disabled users, mutation answers,
 * the login throttle and the audit log */

#include "config.h"

#include "dk-error.h"
#include "dk-login-throttle.h"
#include "dk-server-db.h"
#include "dk-test-pg.h"
#include "dk-test-server.h"
#include "dk-time.h"

#define CONCURRENT_ROUNDS 25
#define WHOAMI_ROUNDS     200
#define THROTTLE_THREADS  4
#define THROTTLE_FAILURES 50   /* per thread */

typedef struct {
  DkTestPg     *pg;
  char         *url;
  DkTestServer *a;
  DkTestServer *b;
} Fixture;

/* A new database, no server: for the tests of the storage functions. */
static void
database_setup (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->pg = dk_test_pg_get ();
  if (fixture->pg == NULL)
    return;

  fixture->url = dk_test_pg_new_database (fixture->pg);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  database_setup (fixture, data);
  if (fixture->pg == NULL)
    return;

  fixture->a = dk_test_server_new_on (fixture->url, TRUE, TRUE);
  fixture->b = dk_test_server_new_on (fixture->url, TRUE, FALSE);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->a, dk_test_server_free);
  g_clear_pointer (&fixture->b, dk_test_server_free);
  g_clear_pointer (&fixture->url, g_free);
}

static gboolean
skip_without_pg (Fixture *fixture)
{
  if (fixture->pg != NULL)
    return FALSE;

  g_test_skip (dk_test_pg_missing_reason ());
  return TRUE;
}

static guint
whoami (DkTestServer *server,
        const char   *token)
{
  g_autoptr(JsonNode) reply = NULL;

  return dk_test_server_request (server, "GET", "/api/v1/session", token, NULL, NULL, 0,
                                 &reply, NULL);
}

static guint
try_login (DkTestServer  *server,
           const char    *username,
           const char    *password,
           char         **out_retry_after)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}",
                                           username, password);
  g_autofree char *url = g_strconcat (server->url, "api/v1/session", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  reply = soup_session_send_and_read (server->session, msg, NULL, &error);
  g_assert_no_error (error);
  if (out_retry_after != NULL)
    *out_retry_after = g_strdup (soup_message_headers_get_one (
        soup_message_get_response_headers (msg), "Retry-After"));

  return soup_message_get_status (msg);
}

static gint64
psql_count (Fixture    *fixture,
            const char *sql)
{
  g_autofree char *out = dk_test_pg_psql (fixture->pg, fixture->url, sql);

  return g_ascii_strtoll (out, NULL, 10);
}

/* ---- sessions ---- */

static void
test_session_made_on_one_works_on_the_other (Fixture       *fixture,
                                             gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autoptr(JsonNode) reply = NULL;
  gint64 started;

  if (skip_without_pg (fixture))
    return;

  token = dk_test_server_login (fixture->a, "staff", "demo");
  g_assert_cmpuint (whoami (fixture->a, token), ==, 200);
  started = g_get_monotonic_time ();
  for (guint i = 0; i < WHOAMI_ROUNDS; i++)
    g_assert_cmpuint (whoami (i % 2 ? fixture->a : fixture->b, token), ==, 200);
  g_test_message ("%u who-am-I over both instances: %.2f ms each", WHOAMI_ROUNDS,
                  (g_get_monotonic_time () - started) / 1000.0 / WHOAMI_ROUNDS);

  /* Ended on B, it is ended on A. */
  g_assert_cmpuint (dk_test_server_request (fixture->b, "DELETE", "/api/v1/session", token,
                                            NULL, NULL, 0, &reply, NULL), ==, 200);
  g_assert_cmpuint (whoami (fixture->a, token), ==, 401);
  g_assert_cmpuint (whoami (fixture->b, token), ==, 401);
}

static void
test_disabled_user_loses_sessions_on_both (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autofree char *on_a = NULL;
  g_autofree char *on_b = NULL;
  g_autofree char *other = NULL;
  g_autofree char *err = NULL;

  if (skip_without_pg (fixture))
    return;

  on_a = dk_test_server_login (fixture->a, "staff", "demo");
  on_b = dk_test_server_login (fixture->b, "staff", "demo");
  other = dk_test_server_login (fixture->b, "admin", "demo");

  g_assert_cmpint (dk_test_server_run_cli (fixture->a, NULL, NULL, &err, "user", "disable",
                                           "--db", fixture->url, "staff", NULL), ==, 0);
  g_assert_cmpuint (whoami (fixture->a, on_a), ==, 401);
  g_assert_cmpuint (whoami (fixture->b, on_a), ==, 401);
  g_assert_cmpuint (whoami (fixture->a, on_b), ==, 401);
  g_assert_cmpuint (whoami (fixture->b, on_b), ==, 401);
  g_assert_cmpuint (try_login (fixture->a, "staff", "demo", NULL), ==, 401);
  g_assert_cmpuint (try_login (fixture->b, "staff", "demo", NULL), ==, 401);
  /* Another user's session is untouched. */
  g_assert_cmpuint (whoami (fixture->a, other), ==, 200);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (dk_test_server_run_cli (fixture->b, NULL, NULL, &err, "user", "enable",
                                           "--db", fixture->url, "staff", NULL), ==, 0);
  g_free (dk_test_server_login (fixture->b, "staff", "demo"));
}

static void
test_database_gone_is_not_log_in_again (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autofree char *token = NULL;
  guint status;

  if (skip_without_pg (fixture))
    return;

  token = dk_test_server_login (fixture->a, "staff", "demo");
  dk_test_pg_stop_cluster (fixture->pg);

  /* A client told 401 would drop a good session: the database's absence is a 5xx. */
  status = whoami (fixture->b, token);
  g_test_message ("who-am-I without the database: %u", status);
  g_assert_cmpuint (status, >=, 500);
  status = try_login (fixture->a, "staff", "demo", NULL);
  g_test_message ("login without the database: %u", status);
  g_assert_cmpuint (status, >=, 500);

  /* Back, the same session works on both, without logging in again. */
  dk_test_pg_start_cluster (fixture->pg);
  g_assert_cmpuint (whoami (fixture->b, token), ==, 200);
  g_assert_cmpuint (whoami (fixture->a, token), ==, 200);
}

/* ---- mutations ---- */

/* A case.create under mutation id @mutation_id; applied twice, the second would be
 * refused (the case exists), so two answers that are the same prove one application. */
static char *
dup_service_id (Fixture *fixture)
{
  return dk_test_pg_psql (fixture->pg, fixture->url,
                          "SELECT id FROM objects WHERE type = 'service'"
                          " AND data LIKE '%\"it_telephony\"%' ORDER BY id LIMIT 1");
}

static char *
case_create_mutation (const char *service,
                      const char *mutation_id,
                      const char *case_id)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *start = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

  return g_strdup_printf ("{\"id\":\"%s\",\"op\":\"case.create\","
                          "\"base_revision\":0,\"data\":{\"id\":\"%s\",\"kind\":\"incident\","
                          "\"area\":\"it_telephony\",\"title\":\"Skrivarna\","
                          "\"description\":\"\",\"scope\":\"Alla\",\"services\":[\"%s\"],"
                          "\"priority\":3,\"public\":false,\"start\":\"%s\","
                          "\"expected_end\":null}}",
                          mutation_id, case_id, service, start);
}

static char *
case_create_batch (Fixture    *fixture,
                   const char *mutation_id,
                   const char *case_id)
{
  g_autofree char *service = dup_service_id (fixture);
  g_autofree char *mutation = case_create_mutation (service, mutation_id, case_id);

  return g_strdup_printf ("{\"mutations\":[%s]}", mutation);
}

/* The text of result @i of a batch of @n. */
static char *
result_text (JsonNode *reply,
             guint     i,
             guint     n)
{
  JsonArray *results;

  g_assert_nonnull (reply);
  results = json_object_get_array_member (json_node_get_object (reply), "results");
  g_assert_nonnull (results);
  g_assert_cmpuint (json_array_get_length (results), ==, n);

  return json_to_string (json_array_get_element (results, i), FALSE);
}

static char *
results_text (JsonNode *reply)
{
  return result_text (reply, 0, 1);
}

static void
assert_applied_once (Fixture    *fixture,
                     const char *case_id)
{
  g_autofree char *audit = g_strdup_printf ("SELECT count(*) FROM audit WHERE action ="
                                            " 'case.create' AND object_id = '%s'", case_id);
  g_autofree char *objects = g_strdup_printf ("SELECT count(*) FROM objects WHERE type = 'case'"
                                              " AND id = '%s' AND revision = 1", case_id);

  g_assert_cmpint (psql_count (fixture, audit), ==, 1);
  g_assert_cmpint (psql_count (fixture, objects), ==, 1);
}

static void
test_mutation_replayed_on_the_other (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *case_id = g_uuid_string_random ();
  g_autofree char *batch = case_create_batch (fixture, mutation_id, case_id);
  g_autoptr(JsonNode) on_a = NULL;
  g_autoptr(JsonNode) on_b = NULL;
  g_autofree char *answer_a = NULL;
  g_autofree char *answer_b = NULL;

  if (skip_without_pg (fixture))
    return;

  token = dk_test_server_login (fixture->a, "servicedesk", "demo");
  g_assert_cmpuint (dk_test_server_request (fixture->a, "POST", "/api/v1/mutations", token,
                                            NULL, batch, -1, &on_a, NULL), ==, 200);
  g_assert_cmpuint (dk_test_server_request (fixture->b, "POST", "/api/v1/mutations", token,
                                            NULL, batch, -1, &on_b, NULL), ==, 200);
  answer_a = results_text (on_a);
  answer_b = results_text (on_b);
  g_test_message ("answer: %s", answer_a);
  g_assert_nonnull (strstr (answer_a, "\"applied\""));
  g_assert_cmpstr (answer_a, ==, answer_b);
  assert_applied_once (fixture, case_id);
}

typedef struct {
  SoupMessage *msg;
  GBytes      *body;
  GError      *error;
  gboolean     done;
} Post;

static void
post_sent_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Post *post = user_data;

  post->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &post->error);
  post->done = TRUE;
}

static void
post_start (Post         *post,
            DkTestServer *server,
            const char   *token,
            const char   *batch)
{
  g_autofree char *url = g_strconcat (server->url, "api/v1/mutations", NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autoptr(GBytes) bytes = g_bytes_new (batch, strlen (batch));

  post->msg = soup_message_new ("POST", url);
  soup_message_headers_replace (soup_message_get_request_headers (post->msg), "Authorization",
                                authorization);
  soup_message_set_request_body_from_bytes (post->msg, "application/json", bytes);
  soup_session_send_and_read_async (server->session, post->msg, G_PRIORITY_DEFAULT, NULL,
                                    post_sent_cb, post);
}

/* The reply; a 500 (the rare refusal of dk-server-db-pg-accounts.c's check after the
 * insert, or a transaction PostgreSQL broke off) is asked again, as a client would,
 * and must replay then. */
static JsonNode *
post_finish_reply (Post         *post,
                   DkTestServer *server,
                   const char   *token,
                   const char   *batch)
{
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  g_assert_no_error (post->error);
  status = soup_message_get_status (post->msg);
  if (status == 200)
    reply = json_from_string (g_bytes_get_data (post->body, NULL), &error);
  else
    {
      g_test_message ("answered %u, asked again", status);
      g_assert_cmpuint (dk_test_server_request (server, "POST", "/api/v1/mutations", token, NULL,
                                                batch, -1, &reply, NULL), ==, 200);
    }
  g_assert_no_error (error);
  g_clear_object (&post->msg);
  g_clear_pointer (&post->body, g_bytes_unref);

  return g_steal_pointer (&reply);
}

static char *
post_finish (Post         *post,
             DkTestServer *server,
             const char   *token,
             const char   *batch)
{
  g_autoptr(JsonNode) reply = post_finish_reply (post, server, token, batch);

  return results_text (reply);
}

static void
test_mutation_posted_to_both_at_once_applies_once (Fixture       *fixture,
                                                   gconstpointer  data)
{
  g_autofree char *token = NULL;
  gint64 started;

  if (skip_without_pg (fixture))
    return;

  token = dk_test_server_login (fixture->a, "servicedesk", "demo");
  started = g_get_monotonic_time ();
  for (guint round = 0; round < CONCURRENT_ROUNDS; round++)
    {
      g_autofree char *mutation_id = g_uuid_string_random ();
      g_autofree char *case_id = g_uuid_string_random ();
      g_autofree char *batch = case_create_batch (fixture, mutation_id, case_id);
      g_autofree char *answer_a = NULL;
      g_autofree char *answer_b = NULL;
      Post on_a = { 0 };
      Post on_b = { 0 };

      /* Alternate who is asked first. */
      post_start (round % 2 ? &on_b : &on_a, round % 2 ? fixture->b : fixture->a, token, batch);
      post_start (round % 2 ? &on_a : &on_b, round % 2 ? fixture->a : fixture->b, token, batch);
      while (!on_a.done || !on_b.done)
        g_main_context_iteration (NULL, TRUE);

      answer_a = post_finish (&on_a, fixture->a, token, batch);
      answer_b = post_finish (&on_b, fixture->b, token, batch);
      g_assert_nonnull (strstr (answer_a, "\"applied\""));
      g_assert_cmpstr (answer_a, ==, answer_b);
      assert_applied_once (fixture, case_id);
    }
  g_test_message ("%u rounds of one mutation posted to both at once: %.1f ms a round",
                  CONCURRENT_ROUNDS, (g_get_monotonic_time () - started) / 1000.0
                                       / CONCURRENT_ROUNDS);
}

static void
test_batches_in_opposite_orders_apply_each_once (Fixture       *fixture,
                                                 gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autofree char *service = NULL;

  if (skip_without_pg (fixture))
    return;

  token = dk_test_server_login (fixture->a, "servicedesk", "demo");
  service = dup_service_id (fixture);
  for (guint round = 0; round < CONCURRENT_ROUNDS / 5; round++)
    {
      g_autofree char *id1 = g_uuid_string_random ();
      g_autofree char *id2 = g_uuid_string_random ();
      g_autofree char *case1 = g_uuid_string_random ();
      g_autofree char *case2 = g_uuid_string_random ();
      g_autofree char *m1 = case_create_mutation (service, id1, case1);
      g_autofree char *m2 = case_create_mutation (service, id2, case2);
      g_autofree char *forward = g_strdup_printf ("{\"mutations\":[%s,%s]}", m1, m2);
      g_autofree char *backward = g_strdup_printf ("{\"mutations\":[%s,%s]}", m2, m1);
      g_autoptr(JsonNode) on_a = NULL;
      g_autoptr(JsonNode) on_b = NULL;
      Post post_a = { 0 };
      Post post_b = { 0 };

      /* A locks id1 then id2, B id2 then id1: no deadlock, each applied once. */
      post_start (&post_a, fixture->a, token, forward);
      post_start (&post_b, fixture->b, token, backward);
      while (!post_a.done || !post_b.done)
        g_main_context_iteration (NULL, TRUE);
      /* Not even a deadlock PostgreSQL breaks off (and the client would retry). */
      g_assert_cmpuint (soup_message_get_status (post_a.msg), ==, 200);
      g_assert_cmpuint (soup_message_get_status (post_b.msg), ==, 200);
      on_a = post_finish_reply (&post_a, fixture->a, token, forward);
      on_b = post_finish_reply (&post_b, fixture->b, token, backward);

      for (guint i = 0; i < 2; i++)
        {
          g_autofree char *answer_a = result_text (on_a, i, 2);
          g_autofree char *answer_b = result_text (on_b, 1 - i, 2);

          g_assert_nonnull (strstr (answer_a, "\"applied\""));
          g_assert_cmpstr (answer_a, ==, answer_b);
        }
      assert_applied_once (fixture, case1);
      assert_applied_once (fixture, case2);
    }
}

/* ---- the login throttle ---- */

static void
test_failed_logins_over_both_lock_as_one (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autofree char *retry_after = NULL;
  guint failed = 0;
  guint status = 0;

  if (skip_without_pg (fixture))
    return;

  /* One server locks (staff, this address) after 5 failures (4 are free). Spread over
   * A and B, every failure counts against the same entry. */
  for (guint i = 0; i < 10 && status != 429; i++)
    {
      g_clear_pointer (&retry_after, g_free);
      status = try_login (i % 2 ? fixture->b : fixture->a, "staff", "guess", &retry_after);
      if (status == 401)
        failed++;
      else
        g_assert_cmpuint (status, ==, 429);
    }
  g_test_message ("locked after %u failures", failed);
  g_assert_cmpuint (status, ==, 429);
  g_assert_nonnull (retry_after);
  /* As on one server (test-server-api's throttled-after-failures); with seconds as the
   * unit a lock of 1 s can pass between two tries, so up to 7, never 10. */
  g_assert_cmpuint (failed, >=, 5);
  g_assert_cmpuint (failed, <=, 7);
  g_assert_cmpint (psql_count (fixture, "SELECT failures FROM login_throttle"
                                        " WHERE tbl = 'user' AND key = 'staff'"), ==, failed);

  /* The right password waits on both. */
  g_assert_cmpuint (try_login (fixture->a, "staff", "demo", NULL), ==, 429);
  g_assert_cmpuint (try_login (fixture->b, "staff", "demo", NULL), ==, 429);
}

static void
test_login_forgets_failures_on_both (Fixture       *fixture,
                                     gconstpointer  data)
{
  if (skip_without_pg (fixture))
    return;

  g_assert_cmpuint (try_login (fixture->a, "staff", "guess", NULL), ==, 401);
  g_assert_cmpuint (try_login (fixture->b, "staff", "guess", NULL), ==, 401);
  g_assert_cmpint (psql_count (fixture, "SELECT failures FROM login_throttle"
                                        " WHERE tbl = 'user' AND key = 'staff'"), ==, 2);
  g_free (dk_test_server_login (fixture->b, "staff", "demo"));
  g_assert_cmpint (psql_count (fixture, "SELECT count(*) FROM login_throttle"
                                        " WHERE tbl IN ('user', 'pair')"), ==, 0);
  /* The address keeps its count, as on one server. */
  g_assert_cmpint (psql_count (fixture, "SELECT failures FROM login_throttle"
                                        " WHERE tbl = 'address'"), ==, 2);
}

typedef struct {
  const char *url;
  gint64      now;
} ThrottleThread;

static gpointer
count_failures_in_thread (gpointer data)
{
  ThrottleThread *thread = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DkServerDb) db = dk_server_db_open (thread->url, &error);
  g_autoptr(DkLoginThrottle) throttle = NULL;

  g_assert_no_error (error);
  throttle = dk_login_throttle_new_for_db (db);
  for (guint i = 0; i < THROTTLE_FAILURES; i++)
    dk_login_throttle_failed (throttle, "anna", "10.0.0.1", thread->now);

  return NULL;
}

static void
test_throttle_counts_concurrent_failures (Fixture       *fixture,
                                          gconstpointer  data)
{
  GThread *threads[THROTTLE_THREADS];
  ThrottleThread thread = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(DkLoginThrottle) throttle = NULL;
  gint64 started;

  if (skip_without_pg (fixture))
    return;

  /* Each thread is an instance: its own connection, its own throttle. */
  thread.url = fixture->url;
  db = dk_server_db_open (fixture->url, &error);
  g_assert_no_error (error);
  throttle = dk_login_throttle_new_for_db (db);
  thread.now = dk_login_throttle_now (throttle);
  started = g_get_monotonic_time ();
  for (guint i = 0; i < THROTTLE_THREADS; i++)
    threads[i] = g_thread_new ("failures", count_failures_in_thread, &thread);
  for (guint i = 0; i < THROTTLE_THREADS; i++)
    g_thread_join (threads[i]);
  g_test_message ("%u failures counted by %u connections at once in %.1f ms (%.2f ms each)",
                  THROTTLE_THREADS * THROTTLE_FAILURES, THROTTLE_THREADS,
                  (g_get_monotonic_time () - started) / 1000.0,
                  (g_get_monotonic_time () - started) / 1000.0
                    / (THROTTLE_THREADS * THROTTLE_FAILURES));

  /* Not one lost: every read-modify-write waited for the one before. */
  g_assert_cmpint (psql_count (fixture, "SELECT failures FROM login_throttle"
                                        " WHERE tbl = 'pair' AND key = E'anna\\n10.0.0.1'"),
                   ==, THROTTLE_THREADS * THROTTLE_FAILURES);
  g_assert_cmpint (psql_count (fixture, "SELECT failures FROM login_throttle"
                                        " WHERE tbl = 'user' AND key = 'anna'"),
                   ==, THROTTLE_THREADS * THROTTLE_FAILURES);
  /* ... and the policy reads them as the memory store would: locked the longest. */
  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.0.9", thread.now), ==, 900);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "bert", "10.0.0.9", thread.now), ==, 0);
  /* 15 minutes later the entries start over. */
  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.0.1", thread.now + 900),
                    ==, 0);
}

/* Every lock the database's throttle answers is the one the memory's answers, for the
 * same failures at the same times. */
static void
assert_same_locks (DkLoginThrottle *memory,
                   DkLoginThrottle *shared,
                   const char      *usernames[],
                   const char      *addresses[],
                   gint64           now)
{
  for (guint u = 0; usernames[u] != NULL; u++)
    for (guint a = 0; addresses[a] != NULL; a++)
      g_assert_cmpuint (dk_login_throttle_check (shared, usernames[u], addresses[a], now), ==,
                        dk_login_throttle_check (memory, usernames[u], addresses[a], now));
}

static void
test_throttle_database_answers_as_memory (Fixture       *fixture,
                                          gconstpointer  data)
{
  const char *usernames[] = { "anna", "bert", "cecilia", NULL };
  const char *addresses[] = { "10.0.0.1", "10.0.0.2", "10.0.0.3", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(DkLoginThrottle) memory = dk_login_throttle_new ();
  g_autoptr(DkLoginThrottle) shared = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (15);
  gint64 now = 1800000000;
  guint locked = 0;

  if (skip_without_pg (fixture))
    return;

  db = dk_server_db_open (fixture->url, &error);
  g_assert_no_error (error);
  shared = dk_login_throttle_new_for_db (db);

  /* Failures, successes and time passing at random: free failures, growing locks, locks
   * running out, 15 minutes forgetting. */
  for (guint step = 0; step < 300; step++)
    {
      const char *username = usernames[g_rand_int_range (rand, 0, 3)];
      const char *address = addresses[g_rand_int_range (rand, 0, 3)];
      gint32 op = g_rand_int_range (rand, 0, 100);

      now += g_rand_int_range (rand, 0, 3) == 0 ? g_rand_int_range (rand, 0, 400)
                                                : g_rand_int_range (rand, 0, 3);
      if (op < 75)
        {
          dk_login_throttle_failed (memory, username, address, now);
          dk_login_throttle_failed (shared, username, address, now);
        }
      else if (op < 80)
        {
          dk_login_throttle_succeeded (memory, username, address);
          dk_login_throttle_succeeded (shared, username, address);
        }
      if (dk_login_throttle_check (memory, username, address, now) > 0)
        locked++;
      assert_same_locks (memory, shared, usernames, addresses, now);
    }

  /* Spraying from one address, one failure a second or faster: the address's forgiveness
   * of one failure in 30 seconds, and its lock. */
  for (guint step = 0; step < 130; step++)
    {
      g_autofree char *username = g_strdup_printf ("user%u", step);

      now += step % 3 == 0 ? 1 : 0;
      dk_login_throttle_failed (memory, username, "10.0.0.9", now);
      dk_login_throttle_failed (shared, username, "10.0.0.9", now);
      g_assert_cmpuint (dk_login_throttle_check (shared, "dora", "10.0.0.9", now), ==,
                        dk_login_throttle_check (memory, "dora", "10.0.0.9", now));
    }
  g_assert_cmpuint (dk_login_throttle_check (shared, "dora", "10.0.0.9", now), >, 0);
  g_test_message ("%u of 300 random steps ended locked", locked);
  g_assert_cmpuint (locked, >, 0);
}

static void
test_throttle_stale_entries_are_cleaned (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkServerDb) db = NULL;
  DkThrottleEntry entry = { 3, 1000, 1000 };
  gint64 removed;

  if (skip_without_pg (fixture))
    return;

  db = dk_server_db_open (fixture->url, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *key = g_strdup_printf ("10.1.0.%u", i);

      entry.last_failure = i < 20 ? 1000 : 5000;
      g_assert_true (dk_server_db_put_throttle_entry (db, "address", key, &entry, &error));
      g_assert_no_error (error);
    }

  /* Bounded: at most the limit at once, only the stale ones. */
  removed = dk_server_db_prune_throttle (db, 2000, 15, &error);
  g_assert_no_error (error);
  g_assert_cmpint (removed, ==, 15);
  removed = dk_server_db_prune_throttle (db, 2000, 15, &error);
  g_assert_cmpint (removed, ==, 5);
  g_assert_cmpint (psql_count (fixture, "SELECT count(*) FROM login_throttle"), ==, 10);
}

/* ---- the audit log and the storage functions, on two connections ---- */

static void
test_audit_rows_from_both (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  guint logins = 0;

  if (skip_without_pg (fixture))
    return;

  g_free (dk_test_server_login (fixture->a, "staff", "demo"));
  g_free (dk_test_server_login (fixture->b, "staff", "demo"));
  g_assert_cmpuint (try_login (fixture->b, "nobody", "guess", NULL), ==, 401);

  db = dk_server_db_open (fixture->url, &error);
  g_assert_no_error (error);
  rows = dk_server_db_list_audit (db, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, >=, 3);
  /* Newest first. */
  g_assert_nonnull (strstr (g_ptr_array_index (rows, 0), "\"action\":\"login_failed\""));
  g_assert_nonnull (strstr (g_ptr_array_index (rows, 0), "\"username\":\"nobody\""));
  for (guint i = 0; i < rows->len; i++)
    if (strstr (g_ptr_array_index (rows, i), "\"action\":\"login\",") != NULL)
      logins++;
  g_assert_cmpuint (logins, ==, 2);
}

static void
test_accounts_on_two_connections (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkServerDb) one = NULL;
  g_autoptr(DkServerDb) two = NULL;
  g_autoptr(DkStoredUser) user = NULL;
  g_autofree char *username = NULL;
  g_autofree char *result = NULL;
  gint64 created_at = 0;
  gint64 last_contact = 0;
  gint64 expires = 0;
  gint64 now;

  if (skip_without_pg (fixture))
    return;

  one = dk_server_db_open (fixture->url, &error);
  g_assert_no_error (error);
  two = dk_server_db_open (fixture->url, &error);
  g_assert_no_error (error);
  now = dk_time_now ();

  g_assert_true (dk_server_db_add_user (one, "cecilia", "hash", DK_ROLE_SERVICEDESK, &error));
  g_assert_false (dk_server_db_add_user (two, "cecilia", "hash", 0, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_false (dk_server_db_set_password (two, "nobody", "hash", &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (dk_server_db_add_session (two, "t0", "nobody", now + 60, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (dk_server_db_set_roles (two, "cecilia", DK_ROLE_ADMIN, &error));
  user = dk_server_db_get_user (one, "cecilia", &error);
  g_assert_nonnull (user);
  g_assert_cmpint (user->roles, ==, DK_ROLE_ADMIN);
  g_assert_false (user->disabled);

  /* A session: expired ones and disabled users' are no sessions. */
  g_assert_true (dk_server_db_add_session (one, "t1", "cecilia", now + 60, &error));
  g_assert_true (dk_server_db_add_session (one, "t2", "cecilia", now - 1, &error));
  username = dk_server_db_lookup_session (two, "t1", now, &expires);
  g_assert_cmpstr (username, ==, "cecilia");
  g_assert_cmpint (expires, ==, now + 60);
  g_assert_null (dk_server_db_lookup_session (two, "t2", now, NULL));
  g_assert_true (dk_server_db_set_disabled (two, "cecilia", TRUE, &error));
  g_assert_null (dk_server_db_lookup_session (one, "t1", now, NULL));
  g_assert_true (dk_server_db_set_disabled (one, "cecilia", FALSE, &error));

  /* The contact never moves back, whoever notes it. */
  g_assert_true (dk_server_db_get_session_contact (two, "t1", &created_at, &last_contact,
                                                   &error));
  g_assert_cmpint (last_contact, ==, DK_TIME_UNSET);
  g_assert_true (dk_server_db_note_session_contact (one, "t1", now, &error));
  g_assert_true (dk_server_db_note_session_contact (two, "t1", now - 100, &error));
  g_assert_true (dk_server_db_get_session_contact (two, "t1", &created_at, &last_contact,
                                                   &error));
  g_assert_cmpint (last_contact, ==, now);
  g_assert_false (dk_server_db_get_session_contact (one, "t9", &created_at, &last_contact,
                                                    &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Outside a batch the first answer stays, as on SQLite. */
  g_assert_true (dk_server_db_put_mutation_result (one, "m1", "cecilia", "{\"a\":1}", &error));
  g_assert_true (dk_server_db_put_mutation_result (two, "m1", "cecilia", "{\"a\":2}", &error));
  result = dk_server_db_get_mutation_result (two, "m1", "cecilia");
  g_assert_cmpstr (result, ==, "{\"a\":1}");
  g_assert_null (dk_server_db_get_mutation_result (two, "m1", NULL));

  /* Revoked on one connection, gone on the other. */
  g_assert_true (dk_server_db_delete_user_sessions (two, "cecilia", &error));
  g_assert_null (dk_server_db_lookup_session (one, "t1", now, NULL));
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
#define ADD_DB(path, func) \
  g_test_add (path, Fixture, NULL, database_setup, func, fixture_teardown)

  ADD ("/server-pg/instances/session/made-on-one-works-on-the-other",
       test_session_made_on_one_works_on_the_other);
  ADD ("/server-pg/instances/session/disabled-user-loses-sessions-on-both",
       test_disabled_user_loses_sessions_on_both);
  ADD ("/server-pg/instances/session/database-gone-is-not-log-in-again",
       test_database_gone_is_not_log_in_again);
  ADD ("/server-pg/instances/mutation/replayed-on-the-other",
       test_mutation_replayed_on_the_other);
  ADD ("/server-pg/instances/mutation/posted-to-both-at-once-applies-once",
       test_mutation_posted_to_both_at_once_applies_once);
  ADD ("/server-pg/instances/mutation/batches-in-opposite-orders-apply-each-once",
       test_batches_in_opposite_orders_apply_each_once);
  ADD ("/server-pg/instances/throttle/failed-logins-over-both-lock-as-one",
       test_failed_logins_over_both_lock_as_one);
  ADD ("/server-pg/instances/throttle/login-forgets-failures-on-both",
       test_login_forgets_failures_on_both);
  ADD_DB ("/server-pg/instances/throttle/counts-concurrent-failures",
       test_throttle_counts_concurrent_failures);
  ADD_DB ("/server-pg/instances/throttle/database-answers-as-memory",
          test_throttle_database_answers_as_memory);
  ADD_DB ("/server-pg/instances/throttle/stale-entries-are-cleaned",
       test_throttle_stale_entries_are_cleaned);
  ADD ("/server-pg/instances/audit/rows-from-both", test_audit_rows_from_both);
  ADD_DB ("/server-pg/instances/accounts/two-connections", test_accounts_on_two_connections);

  return g_test_run ();
}
