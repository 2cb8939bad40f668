/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-hostile-cases.c: a long-lived case (issue 13, item 3) against the real server and
 * the real client replica: at its limit of updates a case refuses more with a clear
 * answer, is still edited and closed, and every client list, search and case page
 * shows it */

#include "config.h"

#include <string.h>

#include "dk-local-changes.h"
#include "dk-sync-engine.h"
#include "dk-test-server.h"

/* Mutations per request: well under the server's batch limit. */
#define BATCH 250

typedef struct {
  DkTestServer *server;
  char         *token;      /* servicedesk's */
  char         *case_id;
  char         *data_dir;
  DkStore      *store;
  DkSyncEngine *engine;
} Fixture;

/* ---- helpers ---- */

/* One mutation's JSON text. */
static char *
mutation_json (const char *op,
               const char *data)
{
  g_autofree char *id = g_uuid_string_random ();

  return g_strdup_printf ("{\"id\":\"%s\",\"op\":\"%s\",\"base_revision\":0,\"data\":%s}",
                          id, op, data);
}

/* Sends one mutation and returns its result (a new reference). */
static JsonObject *
mutate_one (Fixture    *fixture,
            const char *op,
            const char *data)
{
  g_autofree char *one = mutation_json (op, data);
  g_autofree char *batch = g_strdup_printf ("[%s]", one);
  g_autoptr(JsonArray) results = dk_test_server_mutate (fixture->server, fixture->token, batch);

  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  return json_object_ref (json_array_get_object_element (results, 0));
}

static const char *
result_status (JsonObject *result)
{
  return json_object_get_string_member (result, "status");
}

/* A short text for a failed assertion: the result's error. */
static void
assert_applied (JsonObject *result)
{
  if (!g_str_equal (result_status (result), "applied"))
    {
      JsonObject *error = json_object_get_object_member (result, "error");

      g_error ("not applied: %s (%s)", json_object_get_string_member (error, "message"),
               json_object_get_string_member (error, "code"));
    }
}

/* Adds @n updates to the case in batches; returns how many the server applied and keeps
 * the last refusal (a new reference) in *out_refusal. */
static guint
add_updates (Fixture     *fixture,
             guint        n,
             JsonObject **out_refusal)
{
  guint applied = 0;

  for (guint done = 0; done < n;)
    {
      g_autoptr(GString) batch = g_string_new ("[");
      g_autoptr(JsonArray) results = NULL;
      guint count = MIN (BATCH, n - done);

      for (guint i = 0; i < count; i++)
        {
          g_autofree char *update_id = g_uuid_string_random ();
          g_autofree char *data = g_strdup_printf (
              "{\"id\":\"%s\",\"update\":{\"id\":\"%s\",\"phrase\":\"troubleshooting\","
              "\"text\":\"Läget efter %u timmar: felsökningen fortsätter.\"}}",
              fixture->case_id, update_id, done + i + 1);
          g_autofree char *one = mutation_json ("case.add_update", data);

          g_string_append_printf (batch, "%s%s", i > 0 ? "," : "", one);
        }
      g_string_append_c (batch, ']');

      results = dk_test_server_mutate (fixture->server, fixture->token, batch->str);
      g_assert_cmpuint (json_array_get_length (results), ==, count);
      for (guint i = 0; i < count; i++)
        {
          JsonObject *result = json_array_get_object_element (results, i);

          if (g_str_equal (result_status (result), "applied"))
            applied++;
          else if (out_refusal != NULL)
            {
              g_clear_pointer (out_refusal, json_object_unref);
              *out_refusal = json_object_ref (result);
            }
        }
      done += count;
    }

  return applied;
}

/* The case as the server holds it now (a new reference), from a pull. */
static JsonObject *
server_case (Fixture *fixture)
{
  g_autoptr(GPtrArray) changes = dk_test_server_pull_all (fixture->server, fixture->token, 500,
                                                          NULL);
  JsonObject *found = NULL;

  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);

      if (g_str_equal (json_object_get_string_member (change, "id"), fixture->case_id))
        found = json_object_get_object_member (change, "data");
    }
  g_assert_nonnull (found);
  return json_object_ref (found);
}

static guint
server_case_n_updates (Fixture *fixture)
{
  g_autoptr(JsonObject) kase = server_case (fixture);

  return json_array_get_length (json_object_get_array_member (kase, "updates"));
}

/* The case through the API, as a publisher makes it. */
static void
create_case (Fixture *fixture)
{
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *case_data = NULL;

  case_data = g_strdup_printf (
      "{\"id\":\"%s\",\"kind\":\"incident\",\"area\":\"it_telephony\","
      "\"title\":\"Långvarigt telefonstopp\",\"description\":\"Växeln svarar inte\","
      "\"scope\":\"Alla\",\"services\":[\"tes\"],\"priority\":2,\"public\":true}",
      fixture->case_id);
  result = mutate_one (fixture, "case.create", case_data);
  assert_applied (result);
}

/* The case with @n_updates already, through "driftkoll-server import-cases": a history
 * as long as the API makes it, without a test minute spent making it (each of 1,000
 * case.add_update calls loads and stores the whole case; that slow way is
 * /hostile/cases/updates/one-thousand-and-one-calls, in the slow suite). The
 * import_case_at_the_limit_plus_one variant then makes the 1,001st call of issue 13. */
static void
import_case (Fixture *fixture,
             guint    n_updates)
{
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree char *path = g_build_filename (fixture->server->dir, "long.jsonl", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;

  g_string_append_printf (line,
      "{\"id\":\"%s\",\"kind\":\"incident\",\"area\":\"it_telephony\","
      "\"title\":\"Långvarigt telefonstopp\",\"description\":\"Växeln svarar inte\","
      "\"scope\":\"Alla\",\"services\":[\"tes\"],\"status\":\"ongoing\","
      "\"priority\":2,\"public\":true,\"start\":\"2026-11-01T08:00:00Z\","
      "\"publisher\":\"servicedesk\",\"updates\":[", fixture->case_id);
  for (guint i = 0; i < n_updates; i++)
    {
      g_autofree char *update_id = g_uuid_string_random ();

      g_string_append_printf (line,
          "%s{\"id\":\"%s\",\"at\":\"2026-11-%02uT%02u:%02u:00Z\","
          "\"phrase\":\"troubleshooting\",\"author\":\"servicedesk\","
          "\"text\":\"Läget efter %u timmar: felsökningen fortsätter.\"}",
          i > 0 ? "," : "", update_id, 2 + i / (24 * 60 / 30), (i / 2) % 24, (i % 2) * 30,
          i / 2);
    }
  g_string_append (line, "]}\n");
  g_file_set_contents (path, line->str, (gssize) line->len, &error);
  g_assert_no_error (error);

  dk_test_server_stop (fixture->server, FALSE);
  g_assert_cmpint (dk_test_server_run_cli (fixture->server, NULL, NULL, &err, "import-cases",
                                           "--db", fixture->server->db_path, path, NULL),
                   ==, 0);
  dk_test_server_start_again (fixture->server);
  g_assert_cmpuint (server_case_n_updates (fixture), ==, n_updates);
}

static void
import_case_at_the_limit_plus_one (Fixture *fixture)
{
  import_case (fixture, DK_MAX_UPDATES);
  add_updates (fixture, 1, NULL);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->server = dk_test_server_new (TRUE);
  fixture->token = dk_test_server_login (fixture->server, "servicedesk", "demo");
  fixture->case_id = g_uuid_string_random ();

  fixture->data_dir = g_dir_make_tmp ("driftkoll-hostile-cases-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->data_dir, "replica.db", NULL);
  fixture->store = dk_store_open (path, &error);
  g_assert_no_error (error);
  fixture->engine = dk_sync_engine_new (fixture->store, fixture->server->url);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  dk_sync_engine_stop (fixture->engine);
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->server, dk_test_server_free);
  dk_test_remove_tree (fixture->data_dir);
  g_free (fixture->data_dir);
  g_free (fixture->token);
  g_free (fixture->case_id);
}

static void
client_sync (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dk_sync_engine_sync_async (fixture->engine, NULL, dk_test_async_result_cb, &result);
  dk_sync_engine_sync_finish (fixture->engine, dk_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

static void
client_login_and_sync (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dk_sync_engine_login_async (fixture->engine, "servicedesk", "demo", NULL,
                              dk_test_async_result_cb, &result);
  dk_sync_engine_login_finish (fixture->engine, dk_test_wait_result (&result), &error);
  g_assert_no_error (error);
  client_sync (fixture);
}

static gboolean
cases_have (GPtrArray  *cases,
            const char *id)
{
  for (guint i = 0; cases != NULL && i < cases->len; i++)
    if (g_str_equal (((DkCase *) g_ptr_array_index (cases, i))->id, id))
      return TRUE;
  return FALSE;
}

/* The case in the replica's list, its search and its page, with every update. */
static void
assert_client_shows_case (Fixture *fixture,
                          guint    n_updates)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(DkCase) kase = NULL;
  DkCaseQuery query = { 0 };

  current = dk_store_list_cases (fixture->store, &query, dk_time_now (), &error);
  g_assert_no_error (error);
  g_assert_true (cases_have (current, fixture->case_id));

  found = dk_store_search_cases (fixture->store, "telefonstopp", 0, &error);
  g_assert_no_error (error);
  g_assert_true (cases_have (found, fixture->case_id));

  kase = dk_store_get_case (fixture->store, fixture->case_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kase);
  g_assert_cmpuint (kase->updates->len, ==, n_updates);
}

/* ---- the tests ---- */

/* Updates go in up to 1,000; the 1,001st is refused with a code and a message that says
 * what to do, and the client refuses it before it leaves. */
static void
test_updates_refused_at_the_limit_clearly (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(JsonObject) refusal = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *reply_error;
  const char *message;

  import_case (fixture, DK_MAX_UPDATES - 2);
  g_assert_cmpuint (add_updates (fixture, 2, &refusal), ==, 2);
  g_assert_null (refusal);

  g_assert_cmpuint (add_updates (fixture, 1, &refusal), ==, 0);
  g_assert_nonnull (refusal);
  g_assert_cmpstr (result_status (refusal), ==, "rejected");
  reply_error = json_object_get_object_member (refusal, "error");
  g_assert_cmpstr (json_object_get_string_member (reply_error, "code"), ==, "limit_reached");
  message = json_object_get_string_member (reply_error, "message");
  g_test_message ("the refusal: %s", message);
  g_assert_nonnull (strstr (message, "1000"));
  g_assert_cmpuint (server_case_n_updates (fixture), ==, DK_MAX_UPDATES);

  /* The client knows the limit too: the update never reaches the outbox. */
  client_login_and_sync (fixture);
  assert_client_shows_case (fixture, DK_MAX_UPDATES);
  g_assert_false (dk_local_add_update (fixture->store, fixture->case_id,
                                       DK_UPDATE_PHRASE_MONITORING, "En till", DK_TIME_UNSET,
                                       "servicedesk", dk_time_now (), &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_LIMIT_REACHED);
  g_assert_cmpuint (dk_store_outbox_count (fixture->store, DK_OUTBOX_PENDING), ==, 0);
}

/* Past the limit the case is still edited, followed up and closed, on the server. */
static void
test_updates_edit_and_close_at_the_limit (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(JsonObject) edit = NULL;
  g_autoptr(JsonObject) follow_up = NULL;
  g_autoptr(JsonObject) close = NULL;
  g_autoptr(JsonObject) kase = NULL;
  g_autofree char *edit_data = NULL;
  g_autofree char *follow_up_data = NULL;
  g_autofree char *follow_up_id = g_uuid_string_random ();
  g_autofree char *close_data = NULL;

  import_case_at_the_limit_plus_one (fixture);

  edit_data = g_strdup_printf ("{\"id\":\"%s\",\"title\":\"Långvarigt telefonstopp, "
                               "dag 8\"}", fixture->case_id);
  edit = mutate_one (fixture, "case.edit", edit_data);
  assert_applied (edit);

  close_data = g_strdup_printf ("{\"id\":\"%s\",\"text\":\"Växeln är utbytt.\"}",
                                fixture->case_id);
  close = mutate_one (fixture, "case.close", close_data);
  assert_applied (close);

  follow_up_data = g_strdup_printf ("{\"id\":\"%s\",\"follow_up\":{\"id\":\"%s\","
                                    "\"text\":\"Utvärdering bokad\"}}",
                                    fixture->case_id, follow_up_id);
  follow_up = mutate_one (fixture, "case.follow_up", follow_up_data);
  assert_applied (follow_up);

  kase = server_case (fixture);
  g_assert_cmpstr (json_object_get_string_member (kase, "status"), ==, "closed");
  g_assert_cmpstr (json_object_get_string_member (kase, "title"), ==,
                   "Långvarigt telefonstopp, dag 8");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (kase, "updates")), >,
                    DK_MAX_UPDATES);
}

/* A case with more updates than the limit (closed past it) shows in the replica's list,
 * search and page; the client still edits it through its outbox. */
static void
test_client_shows_a_case_past_the_limit (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(JsonObject) close = NULL;
  g_autoptr(JsonObject) kase = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *close_data = NULL;
  guint n_updates;

  import_case_at_the_limit_plus_one (fixture);
  close_data = g_strdup_printf ("{\"id\":\"%s\"}", fixture->case_id);
  close = mutate_one (fixture, "case.close", close_data);
  n_updates = server_case_n_updates (fixture);
  g_assert_cmpuint (n_updates, >, DK_MAX_UPDATES);

  client_login_and_sync (fixture);
  assert_client_shows_case (fixture, n_updates);

  /* An edit from the client goes through and comes back. */
  json_object_set_string_member (changes, "scope", "Hela regionen");
  g_assert_true (dk_local_edit_case (fixture->store, fixture->case_id, changes, "servicedesk",
                                     dk_time_now (), &error));
  g_assert_no_error (error);
  client_sync (fixture);
  g_assert_cmpuint (dk_store_outbox_count (fixture->store, DK_OUTBOX_PENDING), ==, 0);
  g_assert_cmpuint (dk_store_outbox_count (fixture->store, DK_OUTBOX_REJECTED), ==, 0);
  kase = server_case (fixture);
  g_assert_cmpstr (json_object_get_string_member (kase, "scope"), ==, "Hela regionen");
  assert_client_shows_case (fixture, n_updates);
}

/* Issue 13 as it was found: 1,001 case.add_update calls through the API, one by one
 * in batches; the last is refused and the case still closes. (Slow: every call loads
 * and stores the whole case.) */
static void
test_updates_one_thousand_and_one_calls (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(JsonObject) refusal = NULL;
  g_autoptr(JsonObject) close = NULL;
  g_autofree char *close_data = NULL;
  gint64 started = g_get_monotonic_time ();

  create_case (fixture);
  g_assert_cmpuint (add_updates (fixture, DK_MAX_UPDATES + 1, &refusal), ==, DK_MAX_UPDATES);
  g_test_message ("%u case.add_update calls: %.1f s", DK_MAX_UPDATES + 1,
                  (g_get_monotonic_time () - started) / 1e6);
  g_assert_nonnull (refusal);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (refusal,
                                                                                 "error"),
                                                  "code"), ==, "limit_reached");

  close_data = g_strdup_printf ("{\"id\":\"%s\"}", fixture->case_id);
  close = mutate_one (fixture, "case.close", close_data);
  assert_applied (close);
  g_assert_cmpuint (server_case_n_updates (fixture), ==, DK_MAX_UPDATES + 1);

  client_login_and_sync (fixture);
  assert_client_shows_case (fixture, DK_MAX_UPDATES + 1);
}

/* The same holds for the rest of the history: past DK_MAX_FOLLOW_UPS follow-ups a case
 * refuses more (it used to take the 201st and then refuse to load), and still closes. */
static void
test_follow_ups_refused_at_the_limit (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(JsonObject) refusal = NULL;
  g_autoptr(JsonObject) close = NULL;
  g_autoptr(JsonObject) kase = NULL;
  g_autofree char *close_data = NULL;
  guint applied = 0;

  create_case (fixture);
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GString) batch = g_string_new ("[");
      g_autoptr(JsonArray) results = NULL;
      guint count = round == 0 ? DK_MAX_FOLLOW_UPS : 1;

      for (guint i = 0; i < count; i++)
        {
          g_autofree char *follow_up_id = g_uuid_string_random ();
          g_autofree char *one_data = g_strdup_printf (
              "{\"id\":\"%s\",\"follow_up\":{\"id\":\"%s\",\"text\":\"Uppföljning %u\"}}",
              fixture->case_id, follow_up_id, i);
          g_autofree char *one = mutation_json ("case.follow_up", one_data);

          g_string_append_printf (batch, "%s%s", i > 0 ? "," : "", one);
        }
      g_string_append_c (batch, ']');
      results = dk_test_server_mutate (fixture->server, fixture->token, batch->str);
      for (guint i = 0; i < json_array_get_length (results); i++)
        {
          JsonObject *result = json_array_get_object_element (results, i);

          if (g_str_equal (result_status (result), "applied"))
            applied++;
          else
            {
              g_clear_pointer (&refusal, json_object_unref);
              refusal = json_object_ref (result);
            }
        }
    }

  g_assert_cmpuint (applied, ==, DK_MAX_FOLLOW_UPS);
  g_assert_nonnull (refusal);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (refusal,
                                                                                 "error"),
                                                  "code"), ==, "limit_reached");

  close_data = g_strdup_printf ("{\"id\":\"%s\"}", fixture->case_id);
  close = mutate_one (fixture, "case.close", close_data);
  assert_applied (close);
  kase = server_case (fixture);
  g_assert_cmpstr (json_object_get_string_member (kase, "status"), ==, "closed");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/hostile/cases/updates/refused-at-the-limit-clearly", Fixture, NULL,
              fixture_setup, test_updates_refused_at_the_limit_clearly, fixture_teardown);
  g_test_add ("/hostile/cases/updates/edit-and-close-at-the-limit", Fixture, NULL,
              fixture_setup, test_updates_edit_and_close_at_the_limit, fixture_teardown);
  g_test_add ("/hostile/cases/client/shows-a-case-past-the-limit", Fixture, NULL,
              fixture_setup, test_client_shows_a_case_past_the_limit, fixture_teardown);

  g_test_add ("/hostile/cases/updates/one-thousand-and-one-calls", Fixture, NULL,
              fixture_setup, test_updates_one_thousand_and_one_calls, fixture_teardown);
  g_test_add ("/hostile/cases/follow-ups/refused-at-the-limit", Fixture, NULL,
              fixture_setup, test_follow_ups_refused_at_the_limit, fixture_teardown);

  return g_test_run ();
}
