/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-times.c: the user's time (client_at) and the server's (received_at) of
 * every act, against a real database file */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "dk-server-mutations.h"
#include "dk-server-objects.h"
#include "dk-test-files.h"

#define NOW      ((gint64) 1795529100)   /* 2026-11-24T14:05:00Z */
#define MINUTE   ((gint64) 60)
#define HOUR     ((gint64) 3600)
#define DAY      (24 * HOUR)
#define ADDRESS  "192.0.2.7"

/* The session pushing: logged in eleven hours ago, last pulled eight hours ago. */
#define SESSION_CREATED (NOW - 11 * HOUR)
#define LAST_CONTACT    (NOW - 8 * HOUR)

typedef struct {
  char       *dir;
  DkServerDb *db;
  gint64      earliest;
} Fixture;

static const DkViewer staff = { "nurse", DK_ROLE_STAFF };
static const DkViewer servicedesk = { "sd", DK_ROLE_STAFF | DK_ROLE_SERVICEDESK };
static const DkViewer release_coordinator = { "rc", DK_ROLE_STAFF | DK_ROLE_RELEASE_COORDINATOR };
static const DkViewer routine_owner = { "ro", DK_ROLE_STAFF | DK_ROLE_ROUTINE_OWNER };
static const DkViewer report_handler = { "sd2", DK_ROLE_STAFF | DK_ROLE_SERVICEDESK };

/* ---- fixture ---- */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(DkService) service = dk_service_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("dk-times-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "server.db", NULL);
  f->db = dk_server_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->db);
  f->earliest = dk_server_mutation_earliest_time (SESSION_CREATED, LAST_CONTACT);

  service->id = g_strdup ("tes");
  service->name = g_strdup ("TES");
  service->area = DK_AREA_IT_TELEPHONY;
  service->description = g_strdup ("Home care planning");
  service->revision = 1;
  g_assert_cmpint (dk_server_store_service (f->db, service, &error), >, 0);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->db);
  dk_test_remove_tree (f->dir);
  g_clear_pointer (&f->dir, g_free);
}

/* ---- helpers ---- */

static JsonNode *json_parse_printf (const char *format, ...) G_GNUC_PRINTF (1, 2);

static JsonNode *
json_parse_printf (const char *format,
                   ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  va_list args;
  JsonNode *node;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  node = dk_json_parse (text, -1, &error);
  g_assert_no_error (error);
  return node;
}

static JsonObject *
obj (JsonNode *node)
{
  return json_node_get_object (node);
}

/* A mutation with @client_at (DK_TIME_UNSET: none) and @data (taken). */
static JsonNode *
mutation_at (const char *id,
             const char *op,
             gint64      client_at,
             JsonNode   *data)
{
  g_autofree char *random_id = NULL;
  g_autofree char *client_at_text = dk_time_format (client_at);
  JsonObject *object = json_object_new ();
  JsonNode *node;

  if (id == NULL)
    id = random_id = g_uuid_string_random ();
  json_object_set_string_member (object, "id", id);
  json_object_set_string_member (object, "op", op);
  if (client_at_text != NULL)
    json_object_set_string_member (object, "client_at", client_at_text);
  json_object_set_member (object, "data", data);

  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

static JsonNode *
apply (Fixture        *f,
       const DkViewer *viewer,
       JsonNode       *mutation)
{
  g_autoptr(GError) error = NULL;
  JsonNode *result;

  result = dk_server_apply_mutation_since (f->db, viewer, ADDRESS, mutation, NOW, f->earliest,
                                           &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* Applies @op with @data (taken) made at @client_at; asserts it applied. */
static void
apply_at (Fixture        *f,
          const DkViewer *viewer,
          const char     *op,
          gint64          client_at,
          JsonNode       *data)
{
  g_autoptr(JsonNode) mutation = mutation_at (NULL, op, client_at, data);
  g_autoptr(JsonNode) result = apply (f, viewer, mutation);

  if (g_strcmp0 (json_object_get_string_member (obj (result), "status"), DK_RESULT_APPLIED) != 0)
    {
      g_autofree char *text = dk_json_to_string (result);

      g_test_message ("%s: %s", op, text);
    }
  g_assert_cmpstr (json_object_get_string_member (obj (result), "status"), ==,
                   DK_RESULT_APPLIED);
}

static void
assert_rejected_invalid (JsonNode   *result,
                         const char *member)
{
  JsonObject *error;

  g_assert_cmpstr (json_object_get_string_member (obj (result), "status"), ==,
                   DK_RESULT_REJECTED);
  error = json_object_get_object_member (obj (result), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "invalid_input");
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), member));
}

static void
store_approved_routine (Fixture *f)
{
  apply_at (f, &routine_owner, "routine.save", DK_TIME_UNSET,
            json_parse_printf ("{\"id\":\"tes-reserve\",\"title\":\"Reserve routine TES\","
                               "\"services\":[\"tes\"],\"audience\":\"care staff\","
                               "\"owner\":\"IT\",\"steps\":["
                               "{\"id\":\"print\",\"phase\":\"before\",\"text\":\"Print\"},"
                               "{\"id\":\"register\",\"phase\":\"after\","
                               "\"text\":\"Post-register\"}]}"));
  apply_at (f, &routine_owner, "routine.approve", DK_TIME_UNSET,
            json_parse_printf ("{\"id\":\"tes-reserve\",\"revision\":1}"));
}

/* Starts a run made at @client_at; returns its id. */
static char *
start_run_at (Fixture *f,
              gint64   client_at)
{
  char *id = g_uuid_string_random ();

  apply_at (f, &staff, "run.start", client_at,
            json_parse_printf ("{\"id\":\"%s\",\"routine\":\"tes-reserve\","
                               "\"unit\":\"Ward 12\"}", id));
  return id;
}

static DkRun *
load_run (Fixture    *f,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  DkRun *run = dk_server_load_run (f->db, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (run);
  return run;
}

static DkCase *
load_case (Fixture    *f,
           const char *id)
{
  g_autoptr(GError) error = NULL;
  DkCase *kase = dk_server_load_case (f->db, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (kase);
  return kase;
}

static DkReport *
load_report (Fixture    *f,
             const char *id)
{
  g_autoptr(GError) error = NULL;
  DkReport *report = dk_server_load_report (f->db, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

/* An IT incident published at @client_at, with no start and one update with no time. */
static char *
publish_incident_at (Fixture *f,
                     gint64   client_at)
{
  char *id = g_uuid_string_random ();
  g_autofree char *update_id = g_uuid_string_random ();

  apply_at (f, &servicedesk, "case.create", client_at,
            json_parse_printf ("{\"id\":\"%s\",\"kind\":\"incident\",\"area\":\"it_telephony\","
                               "\"title\":\"TES is down\",\"description\":\"No visits load.\","
                               "\"scope\":\"Home care\",\"services\":[\"tes\"],"
                               "\"priority\":2,\"updates\":[{\"id\":\"%s\","
                               "\"phrase\":\"identified\",\"text\":\"Looking into it\"}]}",
                               id, update_id));
  return id;
}

static char *
make_report_at (Fixture *f,
                gint64   client_at)
{
  char *id = g_uuid_string_random ();

  apply_at (f, &staff, "report.create", client_at,
            json_parse_printf ("{\"id\":\"%s\",\"kind\":\"fault\",\"service\":\"tes\","
                               "\"unit\":\"Ward 12\",\"reporter\":\"Anna\","
                               "\"contact\":\"031-390 06 40\","
                               "\"description\":\"The app shows no visits\"}", id));
  return id;
}

/* The member of @node's object as the wire has it, for what a client reads. */
static gint64
wire_time (JsonNode   *node,
           const char *member)
{
  g_autoptr(GError) error = NULL;
  gint64 t = DK_TIME_UNSET;

  g_assert_true (dk_json_read_time (obj (node), member, DK_JSON_REQUIRED, &t, &error));
  g_assert_no_error (error);
  return t;
}

/* ---- a plausible client_at is the act's time; received_at is the server's ---- */

static void
test_run_start_keeps_client_at (Fixture       *f,
                                gconstpointer  data)
{
  /* Started offline at 14:03, received at 14:05. */
  gint64 client_at = NOW - 2 * MINUTE;
  g_autofree char *run_id = NULL;
  g_autoptr(DkRun) run = NULL;
  g_autoptr(JsonNode) wire = NULL;

  store_approved_routine (f);
  run_id = start_run_at (f, client_at);
  run = load_run (f, run_id);
  g_assert_cmpint (run->started_at, ==, client_at);
  g_assert_cmpint (run->received_at, ==, NOW);

  wire = dk_run_to_json (run);
  g_assert_cmpint (wire_time (wire, "started_at"), ==, client_at);
  g_assert_cmpint (wire_time (wire, "received_at"), ==, NOW);
}

static void
test_run_step_and_finish (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *run_id = NULL;
  g_autoptr(DkRun) run = NULL;
  const DkRunStep *step;
  const DkRunTick *tick;
  const DkRunNote *note;

  store_approved_routine (f);
  run_id = start_run_at (f, NOW - 30 * MINUTE);
  /* An older client sends no "at" of its own in the data: the envelope's stands. */
  apply_at (f, &staff, "run.set_step", NOW - 20 * MINUTE,
            json_parse_printf ("{\"id\":\"%s\",\"step\":\"print\",\"done\":true,"
                               "\"note\":\"Printed 40 cards\"}", run_id));
  apply_at (f, &staff, "run.finish", NOW - 10 * MINUTE,
            json_parse_printf ("{\"id\":\"%s\"}", run_id));

  run = load_run (f, run_id);
  step = dk_run_find_step (run, "print");
  g_assert_nonnull (step);
  g_assert_cmpuint (step->ticks->len, ==, 1);
  tick = g_ptr_array_index (step->ticks, 0);
  g_assert_cmpint (tick->at, ==, NOW - 20 * MINUTE);
  g_assert_cmpint (tick->received_at, ==, NOW);
  g_assert_cmpint (step->at, ==, NOW - 20 * MINUTE);
  note = g_ptr_array_index (step->notes, 0);
  g_assert_cmpint (note->at, ==, NOW - 20 * MINUTE);
  g_assert_cmpint (note->received_at, ==, NOW);
  g_assert_cmpint (run->finished_at, ==, NOW - 10 * MINUTE);
}

static void
test_report_create_keeps_client_at (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *report_id = make_report_at (f, NOW - 45 * MINUTE);
  g_autoptr(DkReport) report = load_report (f, report_id);
  g_autoptr(JsonNode) wire = dk_report_to_json (report);

  g_assert_cmpint (report->created_at, ==, NOW - 45 * MINUTE);
  g_assert_cmpint (report->received_at, ==, NOW);
  g_assert_cmpint (wire_time (wire, "received_at"), ==, NOW);

  /* A handler acknowledges it offline too. */
  apply_at (f, &report_handler, "report.acknowledge", NOW - 5 * MINUTE,
            json_parse_printf ("{\"report\":\"%s\"}", report_id));
  g_clear_pointer (&report, dk_report_unref);
  report = load_report (f, report_id);
  g_assert_cmpint (report->handled_at, ==, NOW - 5 * MINUTE);
}

static void
test_case_acts_keep_client_at (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *case_id = publish_incident_at (f, NOW - 50 * MINUTE);
  g_autofree char *update_id = g_uuid_string_random ();
  g_autofree char *follow_up_id = g_uuid_string_random ();
  g_autoptr(DkCase) kase = load_case (f, case_id);
  const DkCaseUpdate *update;
  const DkCaseAffected *affected;
  const DkCaseReserveEvent *event;
  const DkCaseFollowUp *follow_up;

  g_assert_cmpint (kase->created_at, ==, NOW - 50 * MINUTE);
  g_assert_cmpint (kase->received_at, ==, NOW);
  g_assert_cmpint (kase->start, ==, NOW - 50 * MINUTE);
  update = g_ptr_array_index (kase->updates, 0);
  g_assert_cmpint (update->at, ==, NOW - 50 * MINUTE);
  g_assert_cmpint (update->received_at, ==, NOW);
  g_clear_pointer (&kase, dk_case_unref);

  apply_at (f, &servicedesk, "case.add_update", NOW - 40 * MINUTE,
            json_parse_printf ("{\"id\":\"%s\",\"update\":{\"id\":\"%s\","
                               "\"phrase\":\"troubleshooting\",\"text\":\"A disk\"}}",
                               case_id, update_id));
  apply_at (f, &staff, "case.affected", NOW - 35 * MINUTE,
            json_parse_printf ("{\"case\":\"%s\",\"unit\":\"Ward 12\"}", case_id));
  apply_at (f, &servicedesk, "case.reserve", NOW - 30 * MINUTE,
            json_parse_printf ("{\"case\":\"%s\",\"action\":\"declared\",\"all_units\":true}",
                               case_id));
  apply_at (f, &servicedesk, "case.reserve", NOW - 25 * MINUTE,
            json_parse_printf ("{\"case\":\"%s\",\"action\":\"lifted\"}", case_id));
  apply_at (f, &servicedesk, "case.close", NOW - 20 * MINUTE,
            json_parse_printf ("{\"id\":\"%s\"}", case_id));
  apply_at (f, &servicedesk, "case.follow_up", NOW - 10 * MINUTE,
            json_parse_printf ("{\"id\":\"%s\",\"follow_up\":{\"id\":\"%s\","
                               "\"text\":\"Evaluated\"}}", case_id, follow_up_id));

  kase = load_case (f, case_id);
  g_assert_cmpuint (kase->updates->len, ==, 3);
  update = g_ptr_array_index (kase->updates, 1);
  g_assert_cmpint (update->at, ==, NOW - 40 * MINUTE);
  g_assert_cmpint (update->received_at, ==, NOW);
  affected = g_ptr_array_index (kase->affected, 0);
  g_assert_cmpint (affected->at, ==, NOW - 35 * MINUTE);
  g_assert_cmpint (affected->received_at, ==, NOW);
  event = g_ptr_array_index (kase->reserve, 0);
  g_assert_cmpint (event->at, ==, NOW - 30 * MINUTE);
  g_assert_cmpint (event->received_at, ==, NOW);
  event = g_ptr_array_index (kase->reserve, 1);
  g_assert_cmpint (event->at, ==, NOW - 25 * MINUTE);
  g_assert_cmpint (kase->closed_at, ==, NOW - 20 * MINUTE);
  update = g_ptr_array_index (kase->updates, 2);
  g_assert_cmpint (update->at, ==, NOW - 20 * MINUTE);
  g_assert_cmpint (update->received_at, ==, NOW);
  follow_up = g_ptr_array_index (kase->follow_ups, 0);
  g_assert_cmpint (follow_up->at, ==, NOW - 10 * MINUTE);
  g_assert_cmpint (follow_up->received_at, ==, NOW);
}

/* A tick's own "at" is judged by the same floor as client_at. */
static void
test_tick_at_before_last_contact (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *run_id = NULL;
  g_autofree char *stale = dk_time_format (f->earliest - HOUR);
  g_autofree char *fine = dk_time_format (f->earliest + MINUTE);
  g_autoptr(DkRun) run = NULL;
  const DkRunTick *tick;

  store_approved_routine (f);
  run_id = start_run_at (f, f->earliest);
  apply_at (f, &staff, "run.set_step", NOW - 2 * MINUTE,
            json_parse_printf ("{\"id\":\"%s\",\"step\":\"print\",\"done\":true,"
                               "\"at\":\"%s\"}", run_id, stale));
  apply_at (f, &staff, "run.set_step", NOW - MINUTE,
            json_parse_printf ("{\"id\":\"%s\",\"step\":\"register\",\"done\":true,"
                               "\"at\":\"%s\"}", run_id, fine));

  run = load_run (f, run_id);
  tick = g_ptr_array_index (dk_run_find_step (run, "print")->ticks, 0);
  g_assert_cmpint (tick->at, ==, NOW - 2 * MINUTE);
  tick = g_ptr_array_index (dk_run_find_step (run, "register")->ticks, 0);
  g_assert_cmpint (tick->at, ==, f->earliest + MINUTE);
}

/* A client cannot set received_at itself. */
static void
test_received_at_is_the_servers (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(DkReport) report = NULL;

  apply_at (f, &staff, "report.create", NOW - MINUTE,
            json_parse_printf ("{\"id\":\"%s\",\"kind\":\"fault\",\"service\":\"tes\","
                               "\"unit\":\"Ward 12\",\"reporter\":\"Anna\",\"contact\":\"1\","
                               "\"description\":\"Down\",\"received_at\":\"2020-01-01T00:00:00Z\","
                               "\"created_at\":\"2020-01-01T00:00:00Z\"}", id));
  report = load_report (f, id);
  g_assert_cmpint (report->created_at, ==, NOW - MINUTE);
  g_assert_cmpint (report->received_at, ==, NOW);
}

/* ---- implausible times: the server's stands in ---- */

static void
test_future_client_at (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *ahead = NULL;
  g_autofree char *slightly_ahead = NULL;
  g_autoptr(DkRun) run = NULL;

  store_approved_routine (f);
  ahead = start_run_at (f, NOW + HOUR);
  run = load_run (f, ahead);
  g_assert_cmpint (run->started_at, ==, NOW);
  g_assert_cmpint (run->received_at, ==, NOW);
  g_clear_pointer (&run, dk_run_unref);

  /* Within the skew the server allows, a fast clock is believed. */
  slightly_ahead = start_run_at (f, NOW + 2 * MINUTE);
  run = load_run (f, slightly_ahead);
  g_assert_cmpint (run->started_at, ==, NOW + 2 * MINUTE);
}

static void
test_client_at_before_last_contact (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *too_old = NULL;
  g_autofree char *within = NULL;
  g_autoptr(DkRun) run = NULL;

  g_assert_cmpint (f->earliest, ==, LAST_CONTACT - DK_MUTATION_CONTACT_SLACK_SECONDS);
  store_approved_routine (f);

  too_old = start_run_at (f, f->earliest - 1);
  run = load_run (f, too_old);
  g_assert_cmpint (run->started_at, ==, NOW);
  g_clear_pointer (&run, dk_run_unref);

  within = start_run_at (f, f->earliest);
  run = load_run (f, within);
  g_assert_cmpint (run->started_at, ==, f->earliest);
}

static void
test_session_without_contact (Fixture       *f,
                              gconstpointer  data)
{
  /* A session that never pulled: its acts may come from the session before it. */
  g_autofree char *report_id = NULL;
  g_autoptr(DkReport) report = NULL;

  f->earliest = dk_server_mutation_earliest_time (NOW - HOUR, DK_TIME_UNSET);
  g_assert_cmpint (f->earliest, ==,
                   NOW - HOUR - DK_SESSION_SECONDS - DK_MUTATION_CONTACT_SLACK_SECONDS);
  report_id = make_report_at (f, NOW - 10 * HOUR);
  report = load_report (f, report_id);
  g_assert_cmpint (report->created_at, ==, NOW - 10 * HOUR);
}

/* ---- business rules keep the server's clock ---- */

static void
test_lead_time_uses_server_now (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *start = dk_time_format (NOW + 6 * DAY + 12 * HOUR);
  g_autoptr(JsonNode) mutation = NULL;
  g_autoptr(JsonNode) result = NULL;

  /* Made a day ago, the start was 7.5 days ahead; received now, it is 6.5. */
  mutation = mutation_at (NULL, "case.create", NOW - DAY,
                          json_parse_printf ("{\"id\":\"%s\",\"kind\":\"planned\","
                                             "\"area\":\"it_telephony\",\"title\":\"Upgrade\","
                                             "\"description\":\"TES is upgraded.\","
                                             "\"scope\":\"All\",\"services\":[\"tes\"],"
                                             "\"priority\":3,\"status\":\"planned\","
                                             "\"start\":\"%s\"}", id, start));
  result = apply (f, &release_coordinator, mutation);
  assert_rejected_invalid (result, "status");
}

/* ---- replays and bad input ---- */

static void
test_replay_answers_the_same (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *run_id = g_uuid_string_random ();
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;
  g_autoptr(JsonNode) mutation = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(DkRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_text = NULL;
  g_autofree char *second_text = NULL;

  store_approved_routine (f);
  mutation = mutation_at (mutation_id, "run.start", NOW - 3 * MINUTE,
                          json_parse_printf ("{\"id\":\"%s\",\"routine\":\"tes-reserve\","
                                             "\"unit\":\"Ward 12\"}", run_id));
  first = apply (f, &staff, mutation);

  /* Sent again later (the answer was lost), with another time even: the same answer,
   * the same run. */
  again = mutation_at (mutation_id, "run.start", NOW - 1 * MINUTE,
                       json_parse_printf ("{\"id\":\"%s\",\"routine\":\"tes-reserve\","
                                          "\"unit\":\"Ward 12\"}", run_id));
  second = dk_server_apply_mutation_since (f->db, &staff, ADDRESS, again, NOW + HOUR,
                                           f->earliest, &error);
  g_assert_no_error (error);

  first_text = dk_json_to_string (first);
  second_text = dk_json_to_string (second);
  g_assert_cmpstr (first_text, ==, second_text);
  run = load_run (f, run_id);
  g_assert_cmpint (run->started_at, ==, NOW - 3 * MINUTE);
  g_assert_cmpint (run->received_at, ==, NOW);
  g_assert_cmpint (run->revision, ==, 1);
}

static void
test_bad_client_at (Fixture       *f,
                    gconstpointer  data)
{
  static const char * const bad[] = {
    "12345", "true", "{}", "[\"2026-11-24T14:05:00Z\"]", "\"yesterday\"", "\"\"",
    "\"2026-13-45T99:00:00Z\"", "\"2026-11-24 14:05\"",
  };

  store_approved_routine (f);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *mutation_id = g_uuid_string_random ();
      g_autofree char *run_id = g_uuid_string_random ();
      g_autoptr(JsonNode) mutation = NULL;
      g_autoptr(JsonNode) result = NULL;
      g_autoptr(JsonNode) replayed = NULL;
      g_autoptr(DkStoredObject) stored = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *first_text = NULL;
      g_autofree char *replayed_text = NULL;

      mutation = json_parse_printf ("{\"id\":\"%s\",\"op\":\"run.start\",\"client_at\":%s,"
                                    "\"data\":{\"id\":\"%s\",\"routine\":\"tes-reserve\","
                                    "\"unit\":\"Ward 12\"}}", mutation_id, bad[i], run_id);
      result = apply (f, &staff, mutation);
      g_test_message ("client_at %s", bad[i]);
      assert_rejected_invalid (result, "client_at");
      g_assert_cmpstr (json_object_get_string_member (obj (result), "id"), ==, mutation_id);

      /* Nothing of it stays but its answer. */
      stored = dk_server_db_get_object (f->db, DK_TYPE_NAME_RUN, run_id, &error);
      g_assert_no_error (error);
      g_assert_null (stored);
      replayed = apply (f, &staff, mutation);
      first_text = dk_json_to_string (result);
      replayed_text = dk_json_to_string (replayed);
      g_assert_cmpstr (first_text, ==, replayed_text);
    }

  /* null is no time at all: the server's. */
  {
    g_autofree char *run_id = g_uuid_string_random ();
    g_autofree char *mutation_id = g_uuid_string_random ();
    g_autoptr(JsonNode) mutation = NULL;
    g_autoptr(JsonNode) result = NULL;
    g_autoptr(DkRun) run = NULL;

    mutation = json_parse_printf ("{\"id\":\"%s\",\"op\":\"run.start\",\"client_at\":null,"
                                  "\"data\":{\"id\":\"%s\",\"routine\":\"tes-reserve\","
                                  "\"unit\":\"Ward 12\"}}", mutation_id, run_id);
    result = apply (f, &staff, mutation);
    g_assert_cmpstr (json_object_get_string_member (obj (result), "status"), ==,
                     DK_RESULT_APPLIED);
    run = load_run (f, run_id);
    g_assert_cmpint (run->started_at, ==, NOW);
  }
}

/* ---- the session's last contact (server DB v3) ---- */

static void
test_session_contact (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 created_at = 0;
  gint64 last_contact = 0;

  g_assert_true (dk_server_db_add_user (f->db, "anna", "x", DK_ROLE_STAFF, &error));
  g_assert_no_error (error);
  g_assert_true (dk_server_db_add_session (f->db, "hash-1", "anna", NOW + DAY, &error));
  g_assert_no_error (error);

  g_assert_true (dk_server_db_get_session_contact (f->db, "hash-1", &created_at, &last_contact,
                                                   &error));
  g_assert_no_error (error);
  g_assert_cmpint (created_at, >, 0);
  g_assert_cmpint (last_contact, ==, DK_TIME_UNSET);

  g_assert_true (dk_server_db_note_session_contact (f->db, "hash-1", NOW, &error));
  g_assert_no_error (error);
  /* An older contact (a slow request answered late) does not move it back. */
  g_assert_true (dk_server_db_note_session_contact (f->db, "hash-1", NOW - HOUR, &error));
  g_assert_no_error (error);
  g_assert_true (dk_server_db_get_session_contact (f->db, "hash-1", &created_at, &last_contact,
                                                   &error));
  g_assert_cmpint (last_contact, ==, NOW);

  g_assert_false (dk_server_db_get_session_contact (f->db, "hash-2", &created_at,
                                                    &last_contact, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_NOT_FOUND);
}

/* A server from before schema v3 keeps its sessions; they have no contact yet. */
static void
test_schema_2_migrates (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "server.db", NULL);
  gint64 created_at = 0;
  gint64 last_contact = 0;
  sqlite3 *raw = NULL;

  g_assert_true (dk_server_db_add_user (fixture->db, "anna", "x", DK_ROLE_STAFF, &error));
  g_assert_true (dk_server_db_add_session (fixture->db, "hash-1", "anna", NOW + DAY, &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->db);

  /* What a version 2 server left behind. */
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "ALTER TABLE sessions DROP COLUMN last_contact_at;"
                                      "PRAGMA user_version = 2;", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (raw), ==, SQLITE_OK);

  fixture->db = dk_server_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (dk_server_db_get_session_contact (fixture->db, "hash-1", &created_at,
                                                   &last_contact, &error));
  g_assert_no_error (error);
  g_assert_cmpint (created_at, >, 0);
  g_assert_cmpint (last_contact, ==, DK_TIME_UNSET);
  g_assert_true (dk_server_db_note_session_contact (fixture->db, "hash-1", NOW, &error));
  g_assert_true (dk_server_db_get_session_contact (fixture->db, "hash-1", &created_at,
                                                   &last_contact, &error));
  g_assert_cmpint (last_contact, ==, NOW);
}

/* ---- main ---- */

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/times/run-start-keeps-client-at", test_run_start_keeps_client_at);
  ADD ("/times/run-step-and-finish", test_run_step_and_finish);
  ADD ("/times/report-create-keeps-client-at", test_report_create_keeps_client_at);
  ADD ("/times/case-acts-keep-client-at", test_case_acts_keep_client_at);
  ADD ("/times/received-at-is-the-servers", test_received_at_is_the_servers);
  ADD ("/times/tick-at-before-last-contact", test_tick_at_before_last_contact);
  ADD ("/times/future-client-at", test_future_client_at);
  ADD ("/times/client-at-before-last-contact", test_client_at_before_last_contact);
  ADD ("/times/session-without-contact", test_session_without_contact);
  ADD ("/times/lead-time-uses-server-now", test_lead_time_uses_server_now);
  ADD ("/times/replay-answers-the-same", test_replay_answers_the_same);
  ADD ("/times/bad-client-at", test_bad_client_at);
  ADD ("/times/session-contact", test_session_contact);
  ADD ("/times/schema-2-migrates", test_schema_2_migrates);

  return g_test_run ();
}
