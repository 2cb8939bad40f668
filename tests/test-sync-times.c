/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sync-times.c: acts made offline keep the time they were made, through a real
 * driftkoll-server and a real replica; the server's receipt time stands beside it */

#include "config.h"

#include <string.h>

#include "dk-local-changes.h"
#include "dk-sync-engine.h"
#include "dk-test-server.h"

#define USER    "servicedesk"
#define ROUTINE "driftstopp-tes"
#define MINUTE  ((gint64) 60)
#define HOUR    ((gint64) 3600)

typedef struct {
  DkTestServer *server;
  char         *data_dir;
  DkStore      *store;
  DkSyncEngine *engine;
} Fixture;

/* ---- fixture ---- */

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->server = dk_test_server_new (TRUE);
  fixture->data_dir = g_dir_make_tmp ("driftkoll-times-XXXXXX", &error);
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
  if (fixture->engine != NULL)
    dk_sync_engine_stop (fixture->engine);
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->server, dk_test_server_free);
  dk_test_remove_tree (fixture->data_dir);
  g_free (fixture->data_dir);
}

/* ---- helpers ---- */

static gboolean
sync_now (Fixture  *fixture,
          GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dk_sync_engine_sync_async (fixture->engine, NULL, dk_test_async_result_cb, &result);
  return dk_sync_engine_sync_finish (fixture->engine, dk_test_wait_result (&result), error);
}

static void
sync_ok (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  sync_now (fixture, &error);
  g_assert_no_error (error);
}

static void
login_and_sync (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dk_sync_engine_login_async (fixture->engine, USER, "demo", NULL, dk_test_async_result_cb,
                              &result);
  dk_sync_engine_login_finish (fixture->engine, dk_test_wait_result (&result), &error);
  g_assert_no_error (error);
  sync_ok (fixture);
}

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

/* The newest version of one object as the server gives @USER, in wire JSON. */
static JsonObject *
server_object (DkTestServer *server,
               const char   *type,
               const char   *id)
{
  g_autofree char *token = dk_test_server_login (server, USER, "demo");
  g_autoptr(GPtrArray) changes = dk_test_server_pull_all (server, token, 500, NULL);
  JsonObject *found = NULL;

  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);

      if (g_str_equal (json_object_get_string_member (change, "type"), type) &&
          g_str_equal (json_object_get_string_member (change, "id"), id))
        found = json_object_get_object_member (change, "data");
    }

  g_assert_nonnull (found);
  return json_object_ref (found);
}

static gint64
member_time (JsonObject *object,
             const char *member)
{
  g_autoptr(GError) error = NULL;
  gint64 t = DK_TIME_UNSET;

  dk_json_read_time (object, member, DK_JSON_REQUIRED, &t, &error);
  g_assert_no_error (error);
  return t;
}

static DkRun *
get_run (Fixture    *fixture,
         const char *id)
{
  g_autoptr(GError) error = NULL;
  DkRun *run = dk_store_get_run (fixture->store, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (run);
  return run;
}

static DkCase *
get_case (Fixture    *fixture,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  DkCase *kase = dk_store_get_case (fixture->store, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (kase);
  return kase;
}

static DkReport *
get_report (Fixture    *fixture,
            const char *id)
{
  g_autoptr(GError) error = NULL;
  DkReport *report = dk_store_get_report (fixture->store, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

/* What the replica shows of the acts: each time, in one line. */
typedef struct {
  gint64 run_started;
  gint64 tick_at;
  gint64 report_created;
  gint64 case_created;
  gint64 case_start;
  gint64 update_at;
} Shown;

static Shown
read_shown (Fixture    *fixture,
            const char *run_id,
            const char *report_id,
            const char *case_id)
{
  g_autoptr(DkRun) run = get_run (fixture, run_id);
  g_autoptr(DkReport) report = get_report (fixture, report_id);
  g_autoptr(DkCase) kase = get_case (fixture, case_id);
  const DkRunStep *step = dk_run_find_step (run, "during-1");
  Shown shown;

  g_assert_nonnull (step);
  g_assert_cmpuint (kase->updates->len, ==, 1);
  shown.run_started = run->started_at;
  shown.tick_at = step->at;
  shown.report_created = report->created_at;
  shown.case_created = kase->created_at;
  shown.case_start = kase->start;
  shown.update_at = ((DkCaseUpdate *) g_ptr_array_index (kase->updates, 0))->at;
  return shown;
}

static char *
publish_incident (Fixture *fixture,
                  gint64   at)
{
  g_autoptr(DkCase) kase = dk_case_new ();
  g_autoptr(GError) error = NULL;

  kase->id = g_uuid_string_random ();
  kase->kind = DK_CASE_KIND_INCIDENT;
  kase->area = DK_AREA_IT_TELEPHONY;
  kase->title = g_strdup ("TES visar inga besök");
  kase->description = g_strdup ("Appen visar inga besök sedan natten.");
  kase->priority = 2;
  kase->status = DK_CASE_STATUS_ONGOING;
  g_ptr_array_add (kase->services, g_strdup ("tes"));
  g_assert_true (dk_local_create_case (fixture->store, kase, USER, at, &error));
  g_assert_no_error (error);
  return g_strdup (kase->id);
}

static char *
make_report (Fixture *fixture,
             gint64   at)
{
  g_autoptr(DkReport) report = dk_report_new ();
  g_autoptr(GError) error = NULL;

  report->id = g_uuid_string_random ();
  report->kind = DK_REPORT_KIND_FAULT;
  report->service = g_strdup ("tes");
  report->unit = g_strdup ("Hemtjänst Norr");
  report->reporter = g_strdup ("Anna");
  report->contact = g_strdup ("031-390 06 40");
  report->description = g_strdup ("TES startar inte");
  g_assert_true (dk_local_create_report (fixture->store, report, USER, at, &error));
  g_assert_no_error (error);
  return g_strdup (report->id);
}

/* ---- offline acts ---- */

static void
test_offline_acts_keep_their_time (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *run_id = NULL;
  g_autofree char *report_id = NULL;
  g_autofree char *case_id = NULL;
  g_autoptr(JsonObject) server_run = NULL;
  g_autoptr(JsonObject) server_case = NULL;
  g_autoptr(JsonObject) server_report = NULL;
  gint64 offline;
  gint64 back;
  Shown before, after;

  login_and_sync (fixture);

  /* The server goes away; the ward works on. */
  dk_test_server_stop (fixture->server, FALSE);
  offline = dk_time_now ();
  run_id = dk_local_start_run (fixture->store, ROUTINE, "Hemtjänst Norr", NULL, USER,
                               offline, &error);
  g_assert_no_error (error);
  g_assert_true (dk_local_set_run_step (fixture->store, run_id, "during-1", TRUE, NULL, USER,
                                        offline + 1, &error));
  g_assert_no_error (error);
  report_id = make_report (fixture, offline + 2);
  case_id = publish_incident (fixture, offline + 3);
  g_assert_true (dk_local_add_update (fixture->store, case_id, DK_UPDATE_PHRASE_TROUBLESHOOTING,
                                      "Leverantören är kontaktad", DK_TIME_UNSET, USER,
                                      offline + 4, &error));
  g_assert_no_error (error);

  g_assert_false (sync_now (fixture, &error));
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);
  before = read_shown (fixture, run_id, report_id, case_id);
  g_assert_cmpint (before.run_started, ==, offline);
  g_assert_cmpint (before.tick_at, ==, offline + 1);
  g_assert_cmpint (before.report_created, ==, offline + 2);
  g_assert_cmpint (before.case_created, ==, offline + 3);
  g_assert_cmpint (before.update_at, ==, offline + 4);

  /* Some seconds later, the server is back. */
  spin (3500);
  dk_test_server_start_again (fixture->server);
  back = dk_time_now ();
  sync_ok (fixture);
  g_assert_cmpuint (dk_store_outbox_count (fixture->store, DK_OUTBOX_PENDING), ==, 0);

  /* The replica shows the same times as before the sync: the user's. */
  after = read_shown (fixture, run_id, report_id, case_id);
  g_assert_cmpint (after.run_started, ==, before.run_started);
  g_assert_cmpint (after.tick_at, ==, before.tick_at);
  g_assert_cmpint (after.report_created, ==, before.report_created);
  g_assert_cmpint (after.case_created, ==, before.case_created);
  g_assert_cmpint (after.case_start, ==, before.case_start);
  g_assert_cmpint (after.update_at, ==, before.update_at);

  /* The server keeps when it received them beside them. */
  server_run = server_object (fixture->server, "run", run_id);
  g_assert_cmpint (member_time (server_run, "started_at"), ==, offline);
  g_assert_cmpint (member_time (server_run, "received_at"), >=, back);
  server_report = server_object (fixture->server, "report", report_id);
  g_assert_cmpint (member_time (server_report, "created_at"), ==, offline + 2);
  g_assert_cmpint (member_time (server_report, "received_at"), >=, back);
  server_case = server_object (fixture->server, "case", case_id);
  g_assert_cmpint (member_time (server_case, "created_at"), ==, offline + 3);
  g_assert_cmpint (member_time (server_case, "received_at"), >=, back);
}

/* An outbox row older than the last sync by less than the slack (made just before a
 * pull, sent after it) keeps its time; one with a clock far behind gets the server's. */
static void
test_outbox_times_judged_by_last_contact (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *recent_id = NULL;
  g_autofree char *stale_id = NULL;
  g_autoptr(DkReport) recent = NULL;
  g_autoptr(DkReport) stale = NULL;
  g_autoptr(JsonObject) recent_wire = NULL;
  g_autoptr(JsonObject) stale_wire = NULL;
  gint64 now;
  gint64 synced;

  login_and_sync (fixture);
  synced = dk_time_now ();

  now = dk_time_now ();
  recent_id = make_report (fixture, now - 10 * MINUTE);
  stale_id = make_report (fixture, now - 2 * HOUR);
  sync_ok (fixture);

  recent = get_report (fixture, recent_id);
  g_assert_cmpint (recent->created_at, ==, now - 10 * MINUTE);
  recent_wire = server_object (fixture->server, "report", recent_id);
  g_assert_cmpint (member_time (recent_wire, "received_at"), >=, synced);
  stale = get_report (fixture, stale_id);
  g_assert_cmpint (stale->created_at, >=, synced);
  stale_wire = server_object (fixture->server, "report", stale_id);
  g_assert_cmpint (member_time (stale_wire, "created_at"), ==,
                   member_time (stale_wire, "received_at"));
}

/* ---- the wire: a bad client_at rejects its mutation, not the batch ---- */

static void
test_bad_client_at_rejects_one (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *token = dk_test_server_login (fixture->server, USER, "demo");
  g_autofree char *bad_id = g_uuid_string_random ();
  g_autofree char *good_id = g_uuid_string_random ();
  g_autofree char *report_a = g_uuid_string_random ();
  g_autofree char *report_b = g_uuid_string_random ();
  g_autofree char *batch = NULL;
  g_autofree char *client_at = dk_time_format (dk_time_now () - 5 * MINUTE);
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonObject) stored = NULL;
  JsonObject *first, *second;

  batch = g_strdup_printf ("["
                           "{\"id\":\"%s\",\"op\":\"report.create\",\"client_at\":\"igår\","
                           "\"data\":{\"id\":\"%s\",\"kind\":\"fault\",\"service\":\"tes\","
                           "\"unit\":\"Avd 12\",\"reporter\":\"Anna\",\"contact\":\"1\","
                           "\"description\":\"A\"}},"
                           "{\"id\":\"%s\",\"op\":\"report.create\",\"client_at\":\"%s\","
                           "\"data\":{\"id\":\"%s\",\"kind\":\"fault\",\"service\":\"tes\","
                           "\"unit\":\"Avd 12\",\"reporter\":\"Anna\",\"contact\":\"1\","
                           "\"description\":\"B\"}}]",
                           bad_id, report_a, good_id, client_at, report_b);
  results = dk_test_server_mutate (fixture->server, token, batch);
  g_assert_cmpuint (json_array_get_length (results), ==, 2);

  first = json_array_get_object_element (results, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "id"), ==, bad_id);
  g_assert_cmpstr (json_object_get_string_member (first, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (first, "error"),
                                                  "code"), ==, "invalid_input");
  g_assert_nonnull (strstr (json_object_get_string_member (json_object_get_object_member (first,
                                                                                          "error"),
                                                           "message"), "client_at"));
  second = json_array_get_object_element (results, 1);
  if (g_strcmp0 (json_object_get_string_member (second, "status"), "applied") != 0)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), second);
      g_autofree char *text = dk_json_to_string (node);

      g_test_message ("%s", text);
    }
  g_assert_cmpstr (json_object_get_string_member (second, "status"), ==, "applied");

  stored = server_object (fixture->server, "report", report_b);
  g_assert_cmpstr (json_object_get_string_member (stored, "created_at"), ==, client_at);
}

/* ---- main ---- */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sync-times/offline-acts-keep-their-time", Fixture, NULL, fixture_setup,
              test_offline_acts_keep_their_time, fixture_teardown);
  g_test_add ("/sync-times/outbox-times-judged-by-last-contact", Fixture, NULL, fixture_setup,
              test_outbox_times_judged_by_last_contact, fixture_teardown);
  g_test_add ("/sync-times/bad-client-at-rejects-one", Fixture, NULL, fixture_setup,
              test_bad_client_at_rejects_one, fixture_teardown);

  return g_test_run ();
}
