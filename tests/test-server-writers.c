/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-writers.c: the writers' operations of issue 11 against a real driftkoll-server:
 * affected units, the reserve routine, handling reports, templates */

#include "config.h"

#include <string.h>

#include "dk-core.h"
#include "dk-test-server.h"

/* One server with the demo data for every test: logins hash passwords and cost time.
 * Each test makes its own cases and reports, so they do not meet. */
static DkTestServer *server;
static GHashTable   *tokens;   /* username → token */

/* ---- helpers ---- */

static const char *
token_for (const char *username)
{
  char *token = g_hash_table_lookup (tokens, username);

  if (token == NULL)
    {
      token = dk_test_server_login (server, username, "demo");
      g_hash_table_insert (tokens, g_strdup (username), token);
    }
  return token;
}

static char *mutation_json (const char *id,
                            const char *op,
                            gint64      base_revision,
                            const char *data_format,
                            ...) G_GNUC_PRINTF (4, 5);

/* One mutation as JSON text; a new mutation id when @id is NULL. */
static char *
mutation_json (const char *id,
               const char *op,
               gint64      base_revision,
               const char *data_format,
               ...)
{
  g_autofree char *random_id = id == NULL ? g_uuid_string_random () : NULL;
  g_autofree char *data = NULL;
  va_list args;

  va_start (args, data_format);
  data = g_strdup_vprintf (data_format, args);
  va_end (args);

  return g_strdup_printf ("{\"id\":\"%s\",\"op\":\"%s\",\"base_revision\":%" G_GINT64_FORMAT
                          ",\"data\":%s}", id != NULL ? id : random_id, op, base_revision, data);
}

/* Sends one mutation (JSON text, taken) as @username; returns its result. */
static JsonObject *
send_one (const char *username,
          char       *mutation)
{
  g_autofree char *batch = g_strdup_printf ("[%s]", mutation);
  g_autoptr(JsonArray) results = dk_test_server_mutate (server, token_for (username), batch);

  g_free (mutation);
  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  return json_object_ref (json_array_get_object_element (results, 0));
}

static void
assert_result (JsonObject *result,
               const char *status,
               const char *code)
{
  const char *got = json_object_get_string_member (result, "status");

  if (g_strcmp0 (got, status) != 0)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), result);

      g_error ("expected %s, got %s", status, json_to_string (node, FALSE));
    }
  if (code != NULL)
    {
      JsonObject *error = json_object_get_object_member (result, "error");

      g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
      g_assert_cmpstr (json_object_get_string_member (error, "message"), !=, "");
    }
}

static void
expect_applied (const char *username,
                char       *mutation)
{
  g_autoptr(JsonObject) result = send_one (username, mutation);

  assert_result (result, DK_RESULT_APPLIED, NULL);
}

static void
expect_rejected (const char *username,
                 const char *code,
                 char       *mutation)
{
  g_autoptr(JsonObject) result = send_one (username, mutation);

  assert_result (result, DK_RESULT_REJECTED, code);
}

/* The latest change of @type and @id that @username (NULL: anonymous) sees, or NULL. */
static JsonObject *
find_change (const char *username,
             const char *type,
             const char *id)
{
  g_autoptr(GPtrArray) changes = dk_test_server_pull_all (server,
                                                          username != NULL ? token_for (username)
                                                                           : NULL,
                                                          500, NULL);

  for (guint i = changes->len; i > 0; i--)
    {
      JsonObject *change = g_ptr_array_index (changes, i - 1);

      if (g_str_equal (json_object_get_string_member (change, "type"), type) &&
          g_str_equal (json_object_get_string_member (change, "id"), id))
        return json_object_ref (change);
    }
  return NULL;
}

static DkCase *
fetch_case (const char *id)
{
  g_autoptr(JsonObject) change = find_change ("admin", DK_TYPE_NAME_CASE, id);
  g_autoptr(GError) error = NULL;
  DkCase *kase;

  g_assert_nonnull (change);
  kase = dk_case_from_json (json_object_get_member (change, "data"), &error);
  g_assert_no_error (error);
  return kase;
}

static DkReport *
fetch_report (const char *username,
              const char *id)
{
  g_autoptr(JsonObject) change = find_change (username, DK_TYPE_NAME_REPORT, id);
  g_autoptr(GError) error = NULL;
  DkReport *report;

  g_assert_nonnull (change);
  report = dk_report_from_json (json_object_get_member (change, "data"), &error);
  g_assert_no_error (error);
  return report;
}

static const char *
service_for (const char *area)
{
  if (g_str_equal (area, "lab_medicine"))
    return "miclis";
  if (g_str_equal (area, "facilities"))
    return "el";
  return "tes";
}

/* case.create for @kind and @area as a mutation (JSON text); *out_id gets the case id. */
static char *
case_create_json (const char  *kind,
                  const char  *area,
                  char       **out_id)
{
  g_autofree char *id = g_uuid_string_random ();
  char *json = mutation_json (NULL, "case.create", 0,
                              "{\"id\":\"%s\",\"kind\":\"%s\",\"area\":\"%s\","
                              "\"title\":\"Skrivartest\",\"description\":\"Beskrivning\","
                              "\"scope\":\"Alla\",\"services\":[\"%s\"],\"priority\":3,"
                              "\"public\":true}",
                              id, kind, area, service_for (area));

  *out_id = g_steal_pointer (&id);
  return json;
}

static char *
create_incident (const char *publisher,
                 const char *area)
{
  char *id = NULL;
  char *json = case_create_json ("incident", area, &id);

  expect_applied (publisher, json);
  return id;
}

static void
close_case (const char *publisher,
            const char *id)
{
  expect_applied (publisher, mutation_json (NULL, "case.close", 0,
                                            "{\"id\":\"%s\",\"text\":\"Åtgärdat\"}", id));
}

static char *
report_create_json (const char  *unit,
                    char       **out_id)
{
  g_autofree char *id = g_uuid_string_random ();
  char *json = mutation_json (NULL, "report.create", 0,
                              "{\"id\":\"%s\",\"kind\":\"fault\",\"service\":\"tes\","
                              "\"unit\":\"%s\",\"reporter\":\"Anna\",\"contact\":\"040-1\","
                              "\"description\":\"TES svarar inte\"}", id, unit);

  *out_id = g_steal_pointer (&id);
  return json;
}

static char *
create_report (const char *reporter,
               const char *unit)
{
  char *id = NULL;
  char *json = report_create_json (unit, &id);

  expect_applied (reporter, json);
  return id;
}

/* ---- case.affected ---- */

static void
test_affected_once_per_unit (void)
{
  g_autofree char *id = create_incident ("servicedesk", "it_telephony");
  g_autoptr(DkCase) kase = NULL;
  const DkCaseAffected *affected;

  expect_applied ("staff", mutation_json (NULL, "case.affected", 0,
                                          "{\"case\":\"%s\",\"unit\":\" Avd 12 \"}", id));
  /* Once per unit, whoever says it and however it is spelt. */
  expect_rejected ("lab_communicator", "duplicate",
                   mutation_json (NULL, "case.affected", 0,
                                  "{\"case\":\"%s\",\"unit\":\"AVD 12\"}", id));
  expect_applied ("customer_center", mutation_json (NULL, "case.affected", 0,
                                                    "{\"case\":\"%s\",\"unit\":\"Akuten\"}", id));

  /* An edit leaves them alone: they come by their own operation. */
  expect_applied ("servicedesk", mutation_json (NULL, "case.edit", 0,
                                                "{\"id\":\"%s\",\"title\":\"Ny titel\","
                                                "\"affected\":[],\"reports\":[\"x\"],"
                                                "\"reserve\":[{\"action\":\"declared\","
                                                "\"all_units\":true}]}", id));

  kase = fetch_case (id);
  g_assert_cmpstr (kase->title, ==, "Ny titel");
  g_assert_cmpuint (kase->reports->len, ==, 0);
  g_assert_cmpuint (kase->reserve->len, ==, 0);
  g_assert_cmpuint (kase->affected->len, ==, 2);
  affected = g_ptr_array_index (kase->affected, 0);
  g_assert_cmpstr (affected->unit, ==, "Avd 12");
  g_assert_cmpstr (affected->by, ==, "staff");
  g_assert_cmpint (affected->at, !=, DK_TIME_UNSET);
  g_assert_true (dk_case_has_affected_unit (kase, "Akuten"));
}

static void
test_affected_not_for_anonymous_callers (void)
{
  g_autofree char *id = create_incident ("servicedesk", "it_telephony");
  g_autofree char *report_id = create_report ("staff", "Avd 40");
  g_autoptr(JsonObject) outside = NULL;
  g_autoptr(DkCase) inside = NULL;
  g_autoptr(DkCase) seen = NULL;
  g_autoptr(GError) error = NULL;

  expect_applied ("staff", mutation_json (NULL, "case.affected", 0,
                                          "{\"case\":\"%s\",\"unit\":\"Avd 40\"}", id));
  expect_applied ("servicedesk", mutation_json (NULL, "report.link", 0,
                                                "{\"report\":\"%s\",\"case\":\"%s\"}",
                                                report_id, id));

  inside = fetch_case (id);
  g_assert_cmpuint (inside->affected->len, ==, 1);
  g_assert_cmpuint (inside->reports->len, ==, 1);

  /* The public case reaches anonymous callers without its internal members. */
  outside = find_change (NULL, DK_TYPE_NAME_CASE, id);
  g_assert_nonnull (outside);
  seen = dk_case_from_json (json_object_get_member (outside, "data"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (seen->title, ==, inside->title);
  g_assert_cmpint (seen->revision, ==, inside->revision);
  g_assert_cmpuint (seen->affected->len, ==, 0);
  g_assert_cmpuint (seen->reports->len, ==, 0);
}

static void
test_affected_bad_input (void)
{
  g_autofree char *id = create_incident ("servicedesk", "it_telephony");
  g_autofree char *unknown = g_uuid_string_random ();

  expect_rejected ("staff", "not_found",
                   mutation_json (NULL, "case.affected", 0,
                                  "{\"case\":\"%s\",\"unit\":\"Avd 1\"}", unknown));
  expect_rejected ("staff", "invalid_input",
                   mutation_json (NULL, "case.affected", 0, "{\"case\":\"%s\"}", id));
  expect_rejected ("staff", "invalid_input",
                   mutation_json (NULL, "case.affected", 0,
                                  "{\"case\":\"%s\",\"unit\":12}", id));
  expect_rejected ("staff", "invalid_input",
                   mutation_json (NULL, "case.affected", 0,
                                  "{\"case\":\"%s\",\"unit\":\"  \"}", id));
  expect_rejected ("staff", "invalid_input",
                   mutation_json (NULL, "case.affected", 0, "{\"unit\":\"Avd 1\"}"));

  close_case ("servicedesk", id);
  expect_rejected ("staff", "invalid_transition",
                   mutation_json (NULL, "case.affected", 0,
                                  "{\"case\":\"%s\",\"unit\":\"Avd 1\"}", id));
}

static void
test_affected_replay_answers_the_same (void)
{
  g_autofree char *id = create_incident ("servicedesk", "it_telephony");
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonNode) first_node = NULL;
  g_autoptr(JsonNode) again_node = NULL;
  g_autoptr(DkCase) kase = NULL;

  first = send_one ("staff", mutation_json (mutation_id, "case.affected", 0,
                                            "{\"case\":\"%s\",\"unit\":\"Avd 3\"}", id));
  again = send_one ("staff", mutation_json (mutation_id, "case.affected", 0,
                                            "{\"case\":\"%s\",\"unit\":\"Avd 3\"}", id));
  assert_result (first, DK_RESULT_APPLIED, NULL);
  first_node = json_node_init_object (json_node_alloc (), first);
  again_node = json_node_init_object (json_node_alloc (), again);
  g_assert_true (json_node_equal (first_node, again_node));

  kase = fetch_case (id);
  g_assert_cmpuint (kase->affected->len, ==, 1);
}

/* ---- case.reserve ---- */

static void
test_reserve_declare_and_lift (void)
{
  g_autofree char *id = create_incident ("servicedesk", "it_telephony");
  g_autoptr(DkCase) declared = NULL;
  g_autoptr(DkCase) widened = NULL;
  g_autoptr(DkCase) lifted = NULL;
  const DkCaseReserveEvent *event;

  expect_applied ("servicedesk",
                  mutation_json (NULL, "case.reserve", 0,
                                 "{\"case\":\"%s\",\"action\":\"declared\",\"all_units\":false,"
                                 "\"units\":[\"Avd 12\",\"Akuten\"],"
                                 "\"text\":\"Övergång till reservrutin i delar av verksamheterna\"}",
                                 id));
  declared = fetch_case (id);
  event = dk_case_get_reserve_in_force (declared);
  g_assert_nonnull (event);
  g_assert_true (dk_is_uuid (event->id));
  g_assert_cmpstr (event->author, ==, "servicedesk");
  g_assert_cmpint (event->at, !=, DK_TIME_UNSET);
  g_assert_false (event->all_units);
  g_assert_cmpuint (event->units->len, ==, 2);
  g_assert_true (dk_case_reserve_applies_to (declared, "avd 12"));
  g_assert_false (dk_case_reserve_applies_to (declared, "Avd 13"));

  /* All units: the list sent goes. */
  expect_applied ("servicedesk",
                  mutation_json (NULL, "case.reserve", 0,
                                 "{\"case\":\"%s\",\"action\":\"declared\",\"all_units\":true,"
                                 "\"units\":[\"Avd 12\"]}", id));
  widened = fetch_case (id);
  event = dk_case_get_reserve_in_force (widened);
  g_assert_true (event->all_units);
  g_assert_cmpuint (event->units->len, ==, 0);

  expect_applied ("servicedesk",
                  mutation_json (NULL, "case.reserve", 0,
                                 "{\"case\":\"%s\",\"action\":\"lifted\",\"text\":\"Normal drift\"}",
                                 id));
  lifted = fetch_case (id);
  g_assert_null (dk_case_get_reserve_in_force (lifted));
  g_assert_cmpuint (lifted->reserve->len, ==, 3);

  /* Nothing in force: nothing to lift. */
  expect_rejected ("servicedesk", "invalid_transition",
                   mutation_json (NULL, "case.reserve", 0,
                                  "{\"case\":\"%s\",\"action\":\"lifted\"}", id));
}

static void
test_reserve_roles (void)
{
  g_autofree char *it = create_incident ("servicedesk", "it_telephony");
  g_autofree char *lab = create_incident ("lab_communicator", "lab_medicine");

  /* Whoever may publish the case's kind and area, nobody else. */
  expect_rejected ("lab_communicator", "forbidden",
                   mutation_json (NULL, "case.reserve", 0,
                                  "{\"case\":\"%s\",\"action\":\"declared\",\"all_units\":true}",
                                  it));
  expect_rejected ("staff", "forbidden",
                   mutation_json (NULL, "case.reserve", 0,
                                  "{\"case\":\"%s\",\"action\":\"declared\",\"all_units\":true}",
                                  it));
  expect_rejected ("admin", "forbidden",
                   mutation_json (NULL, "case.reserve", 0,
                                  "{\"case\":\"%s\",\"action\":\"declared\",\"all_units\":true}",
                                  it));
  expect_applied ("lab_communicator",
                  mutation_json (NULL, "case.reserve", 0,
                                 "{\"case\":\"%s\",\"action\":\"declared\",\"all_units\":true}",
                                 lab));
}

static void
test_reserve_bad_input (void)
{
  g_autofree char *id = create_incident ("servicedesk", "it_telephony");
  g_autofree char *unknown = g_uuid_string_random ();

  expect_rejected ("servicedesk", "not_found",
                   mutation_json (NULL, "case.reserve", 0,
                                  "{\"case\":\"%s\",\"action\":\"declared\",\"all_units\":true}",
                                  unknown));
  /* Declared for nobody. */
  expect_rejected ("servicedesk", "invalid_input",
                   mutation_json (NULL, "case.reserve", 0,
                                  "{\"case\":\"%s\",\"action\":\"declared\",\"units\":[]}", id));
  expect_rejected ("servicedesk", "invalid_input",
                   mutation_json (NULL, "case.reserve", 0,
                                  "{\"case\":\"%s\",\"action\":\"declared\",\"units\":[\" \"]}",
                                  id));
  expect_rejected ("servicedesk", "invalid_input",
                   mutation_json (NULL, "case.reserve", 0,
                                  "{\"case\":\"%s\",\"action\":\"in_force\",\"all_units\":true}",
                                  id));
  expect_rejected ("servicedesk", "invalid_input",
                   mutation_json (NULL, "case.reserve", 0,
                                  "{\"case\":\"%s\",\"all_units\":true}", id));
  expect_rejected ("servicedesk", "invalid_input",
                   mutation_json (NULL, "case.reserve", 0,
                                  "{\"case\":\"%s\",\"action\":\"declared\",\"all_units\":\"yes\"}",
                                  id));
  expect_rejected ("servicedesk", "invalid_input",
                   mutation_json (NULL, "case.reserve", 0,
                                  "{\"case\":\"%s\",\"action\":\"declared\",\"units\":\"Avd 1\"}",
                                  id));

  /* A closed case's reserve routine stays as it was. */
  close_case ("servicedesk", id);
  expect_rejected ("servicedesk", "invalid_transition",
                   mutation_json (NULL, "case.reserve", 0,
                                  "{\"case\":\"%s\",\"action\":\"declared\",\"all_units\":true}",
                                  id));
}

/* ---- report.acknowledge, report.close ---- */

static void
test_report_acknowledge (void)
{
  g_autofree char *id = create_report ("staff", "Avd 7");
  g_autofree char *unknown = g_uuid_string_random ();
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(DkReport) report = NULL;

  expect_rejected ("staff", "forbidden",
                   mutation_json (NULL, "report.acknowledge", 0, "{\"report\":\"%s\"}", id));
  expect_rejected ("crisis_communicator", "forbidden",
                   mutation_json (NULL, "report.acknowledge", 0, "{\"report\":\"%s\"}", id));
  expect_rejected ("servicedesk", "not_found",
                   mutation_json (NULL, "report.acknowledge", 0, "{\"report\":\"%s\"}", unknown));
  expect_rejected ("servicedesk", "invalid_input",
                   mutation_json (NULL, "report.acknowledge", 0, "{\"report\":7}"));
  expect_rejected ("servicedesk", "invalid_input",
                   mutation_json (NULL, "report.acknowledge", 0,
                                  "{\"report\":\"%s\",\"note\":[\"x\"]}", id));

  first = send_one ("servicedesk",
                    mutation_json (mutation_id, "report.acknowledge", 0,
                                   "{\"report\":\"%s\",\"note\":\"Vi tittar på det\"}", id));
  again = send_one ("servicedesk",
                    mutation_json (mutation_id, "report.acknowledge", 0,
                                   "{\"report\":\"%s\",\"note\":\"Vi tittar på det\"}", id));
  assert_result (first, DK_RESULT_APPLIED, NULL);
  assert_result (again, DK_RESULT_APPLIED, NULL);
  g_assert_cmpint (json_object_get_int_member (again, "revision"), ==,
                   json_object_get_int_member (first, "revision"));
  g_assert_cmpstr (json_object_get_string_member (again, "number"), ==,
                   json_object_get_string_member (first, "number"));

  /* The reporter sees the new state. */
  report = fetch_report ("staff", id);
  g_assert_cmpint (report->state, ==, DK_REPORT_STATE_ACKNOWLEDGED);
  g_assert_cmpstr (report->note, ==, "Vi tittar på det");
  g_assert_cmpstr (report->handled_by, ==, "servicedesk");
  g_assert_cmpint (report->handled_at, !=, DK_TIME_UNSET);
  g_assert_cmpint (report->revision, ==, 2);

  /* Acknowledged once. */
  expect_rejected ("customer_center", "invalid_transition",
                   mutation_json (NULL, "report.acknowledge", 0, "{\"report\":\"%s\"}", id));
}

static void
test_report_close (void)
{
  g_autofree char *id = create_report ("staff", "Avd 8");
  g_autoptr(DkReport) report = NULL;

  expect_rejected ("staff", "forbidden",
                   mutation_json (NULL, "report.close", 0, "{\"report\":\"%s\"}", id));
  expect_applied ("lab_communicator",
                  mutation_json (NULL, "report.close", 0,
                                 "{\"report\":\"%s\",\"note\":\"Löst av användaren\"}", id));
  report = fetch_report ("staff", id);
  g_assert_cmpint (report->state, ==, DK_REPORT_STATE_CLOSED);
  g_assert_cmpstr (report->note, ==, "Löst av användaren");
  g_assert_cmpstr (report->handled_by, ==, "lab_communicator");

  expect_rejected ("servicedesk", "invalid_transition",
                   mutation_json (NULL, "report.close", 0, "{\"report\":\"%s\"}", id));
  expect_rejected ("servicedesk", "invalid_transition",
                   mutation_json (NULL, "report.acknowledge", 0, "{\"report\":\"%s\"}", id));
}

/* ---- report.link, and case.close closing the linked reports ---- */

static void
test_report_link_in_one_batch_with_the_case (void)
{
  g_autofree char *r1 = NULL;
  g_autofree char *r2 = NULL;
  g_autofree char *r3 = NULL;
  g_autofree char *c1 = NULL;
  g_autofree char *c2 = NULL;
  g_autofree char *c3 = NULL;
  g_autofree char *case_id = NULL;
  g_autofree char *create = NULL;
  g_autofree char *reports_batch = NULL;
  g_autofree char *batch = NULL;
  g_autofree char *l1 = NULL;
  g_autofree char *l2 = NULL;
  g_autofree char *l3 = NULL;
  g_autoptr(JsonArray) created = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(DkCase) kase = NULL;
  const char *number;

  /* Three units report the same service. */
  c1 = report_create_json ("Avd 21", &r1);
  c2 = report_create_json ("Avd 22", &r2);
  c3 = report_create_json ("Avd 23", &r3);
  reports_batch = g_strdup_printf ("[%s,%s,%s]", c1, c2, c3);
  created = dk_test_server_mutate (server, token_for ("staff"), reports_batch);
  for (guint i = 0; i < 3; i++)
    assert_result (json_array_get_object_element (created, i), DK_RESULT_APPLIED, NULL);

  /* The service desk, offline, made the incident and linked the reports: one batch. */
  create = case_create_json ("incident", "it_telephony", &case_id);
  l1 = mutation_json (NULL, "report.link", 0, "{\"report\":\"%s\",\"case\":\"%s\"}", r1, case_id);
  l2 = mutation_json (NULL, "report.link", 0, "{\"report\":\"%s\",\"case\":\"%s\"}", r2, case_id);
  l3 = mutation_json (NULL, "report.link", 0, "{\"report\":\"%s\",\"case\":\"%s\"}", r3, case_id);
  batch = g_strdup_printf ("[%s,%s,%s,%s]", create, l1, l2, l3);
  results = dk_test_server_mutate (server, token_for ("servicedesk"), batch);
  g_assert_cmpuint (json_array_get_length (results), ==, 4);
  for (guint i = 0; i < 4; i++)
    assert_result (json_array_get_object_element (results, i), DK_RESULT_APPLIED, NULL);
  number = json_object_get_string_member (json_array_get_object_element (results, 0), "number");
  g_assert_true (g_str_has_prefix (number, "DK-"));

  kase = fetch_case (case_id);
  g_assert_cmpuint (kase->reports->len, ==, 3);
  g_assert_true (dk_case_has_report (kase, r1));
  g_assert_true (dk_case_has_report (kase, r3));
  {
    g_autoptr(DkReport) report = fetch_report ("staff", r2);

    g_assert_cmpint (report->state, ==, DK_REPORT_STATE_LINKED);
    g_assert_cmpstr (report->case_id, ==, case_id);
    g_assert_cmpstr (report->case_number, ==, number);
  }

  /* Linked once. */
  expect_rejected ("servicedesk", "duplicate",
                   mutation_json (NULL, "report.link", 0,
                                  "{\"report\":\"%s\",\"case\":\"%s\"}", r1, case_id));

  /* Closing the case closes its reports, and their reporters hear of it. */
  close_case ("servicedesk", case_id);
  for (guint i = 0; i < 3; i++)
    {
      const char *id = i == 0 ? r1 : i == 1 ? r2 : r3;
      g_autoptr(DkReport) report = fetch_report ("staff", id);

      g_assert_cmpint (report->state, ==, DK_REPORT_STATE_CLOSED);
      g_assert_nonnull (report->note);
      g_assert_nonnull (strstr (report->note, number));
      g_assert_cmpstr (report->case_number, ==, number);
    }
}

static void
test_report_link_bad_input (void)
{
  g_autofree char *case_id = create_incident ("servicedesk", "it_telephony");
  g_autofree char *report_id = create_report ("staff", "Avd 30");
  g_autofree char *closed_id = create_report ("staff", "Avd 31");
  g_autofree char *unknown = g_uuid_string_random ();

  expect_rejected ("staff", "forbidden",
                   mutation_json (NULL, "report.link", 0,
                                  "{\"report\":\"%s\",\"case\":\"%s\"}", report_id, case_id));
  expect_rejected ("servicedesk", "not_found",
                   mutation_json (NULL, "report.link", 0,
                                  "{\"report\":\"%s\",\"case\":\"%s\"}", unknown, case_id));
  expect_rejected ("servicedesk", "not_found",
                   mutation_json (NULL, "report.link", 0,
                                  "{\"report\":\"%s\",\"case\":\"%s\"}", report_id, unknown));
  expect_rejected ("servicedesk", "invalid_input",
                   mutation_json (NULL, "report.link", 0, "{\"report\":\"%s\"}", report_id));
  expect_rejected ("servicedesk", "invalid_input",
                   mutation_json (NULL, "report.link", 0,
                                  "{\"report\":\"%s\",\"case\":true}", report_id));

  expect_applied ("servicedesk",
                  mutation_json (NULL, "report.close", 0, "{\"report\":\"%s\"}", closed_id));
  expect_rejected ("servicedesk", "invalid_transition",
                   mutation_json (NULL, "report.link", 0,
                                  "{\"report\":\"%s\",\"case\":\"%s\"}", closed_id, case_id));

  /* A closed case takes no new reports. */
  close_case ("servicedesk", case_id);
  expect_rejected ("servicedesk", "invalid_transition",
                   mutation_json (NULL, "report.link", 0,
                                  "{\"report\":\"%s\",\"case\":\"%s\"}", report_id, case_id));
}

/* ---- crisis information without services ---- */

static void
test_crisis_without_services (void)
{
  g_autofree char *crisis_id = g_uuid_string_random ();
  g_autofree char *incident_id = g_uuid_string_random ();
  g_autoptr(DkCase) kase = NULL;

  expect_applied ("crisis_communicator",
                  mutation_json (NULL, "case.create", 0,
                                 "{\"id\":\"%s\",\"kind\":\"crisis\",\"area\":\"facilities\","
                                 "\"title\":\"Stormvarning\",\"description\":\"SMHI varnar\","
                                 "\"services\":[],\"priority\":2,\"public\":true}", crisis_id));
  kase = fetch_case (crisis_id);
  g_assert_cmpuint (kase->services->len, ==, 0);

  expect_rejected ("servicedesk", "invalid_input",
                   mutation_json (NULL, "case.create", 0,
                                  "{\"id\":\"%s\",\"kind\":\"incident\",\"area\":\"it_telephony\","
                                  "\"title\":\"Allt\",\"services\":[],\"priority\":2}",
                                  incident_id));
}

/* ---- templates ---- */

static char *
template_json (const char *id,
               const char *team)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"name\":\"Labbsystem nere\",\"language\":\"sv\","
                          "\"kind\":\"incident\",\"area\":\"lab_medicine\","
                          "\"title\":\"Störning i {service}\","
                          "\"description\":\"{service} används dygnet runt.\","
                          "\"scope\":\"{scope}\",\"team\":%s}", id, team);
}

static void
test_template_visible_to_owner_and_team (void)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *data = template_json (id, "\"lab_communicator\"");
  g_autoptr(JsonObject) for_owner = NULL;
  g_autoptr(JsonObject) for_team = NULL;
  g_autoptr(JsonObject) for_other = NULL;
  g_autoptr(JsonObject) for_staff = NULL;
  g_autoptr(JsonObject) tombstone = NULL;
  g_autoptr(DkTemplate) tmpl = NULL;
  g_autoptr(GError) error = NULL;

  expect_applied ("lab_communicator", mutation_json (NULL, "template.save", 0, "%s", data));

  for_owner = find_change ("lab_communicator", DK_TYPE_NAME_TEMPLATE, id);
  g_assert_nonnull (for_owner);
  tmpl = dk_template_from_json (json_object_get_member (for_owner, "data"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tmpl->owner, ==, "lab_communicator");
  g_assert_cmpint (tmpl->team, ==, DK_ROLE_LAB_COMMUNICATOR);
  g_assert_cmpint (tmpl->revision, ==, 1);
  g_assert_cmpint (tmpl->updated_at, !=, DK_TIME_UNSET);

  for_team = find_change ("lab2", DK_TYPE_NAME_TEMPLATE, id);
  g_assert_nonnull (for_team);
  for_other = find_change ("servicedesk", DK_TYPE_NAME_TEMPLATE, id);
  g_assert_null (for_other);
  for_staff = find_change ("staff", DK_TYPE_NAME_TEMPLATE, id);
  g_assert_null (for_staff);

  /* The team edits it; the owner stays. */
  expect_applied ("lab2", mutation_json (NULL, "template.save", 1, "%s", data));
  {
    g_autoptr(JsonObject) stale = send_one ("lab2", mutation_json (NULL, "template.save", 1,
                                                                   "%s", data));

    assert_result (stale, DK_RESULT_CONFLICT, NULL);
    g_assert_cmpint (json_object_get_int_member (stale, "revision"), ==, 2);
  }

  /* Deleting leaves a tombstone for everyone who saw it. */
  expect_applied ("lab_communicator", mutation_json (NULL, "template.delete", 0,
                                                     "{\"id\":\"%s\"}", id));
  tombstone = find_change ("lab2", DK_TYPE_NAME_TEMPLATE, id);
  g_assert_nonnull (tombstone);
  g_assert_true (json_object_get_boolean_member (tombstone, "deleted"));
  expect_rejected ("lab_communicator", "not_found",
                   mutation_json (NULL, "template.delete", 0, "{\"id\":\"%s\"}", id));
  expect_rejected ("lab_communicator", "not_found",
                   mutation_json (NULL, "template.save", 0, "%s", data));
}

static void
test_template_from_another_team_is_forbidden (void)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *data = template_json (id, "\"lab_communicator\"");
  g_autofree char *private_id = g_uuid_string_random ();
  g_autofree char *private_data = template_json (private_id, "null");
  g_autofree char *wrong_team_id = g_uuid_string_random ();
  g_autofree char *wrong_team = template_json (wrong_team_id, "\"servicedesk\"");
  g_autoptr(JsonObject) conflict = NULL;

  expect_applied ("lab_communicator", mutation_json (NULL, "template.save", 0, "%s", data));

  expect_rejected ("servicedesk", "forbidden",
                   mutation_json (NULL, "template.save", 0, "%s", data));
  expect_rejected ("servicedesk", "forbidden",
                   mutation_json (NULL, "template.delete", 0, "{\"id\":\"%s\"}", id));
  /* Not even a stale revision tells another team what it holds. */
  conflict = send_one ("servicedesk", mutation_json (NULL, "template.save", 7, "%s", data));
  assert_result (conflict, DK_RESULT_REJECTED, "forbidden");
  g_assert_false (json_object_has_member (conflict, "current"));

  /* Shared only with a team of one's own; staff keep no templates. */
  expect_rejected ("lab_communicator", "forbidden",
                   mutation_json (NULL, "template.save", 0, "%s", wrong_team));
  expect_rejected ("staff", "forbidden",
                   mutation_json (NULL, "template.save", 0, "%s", private_data));

  /* A private template is its owner's alone. */
  expect_applied ("servicedesk", mutation_json (NULL, "template.save", 0, "%s", private_data));
  expect_rejected ("lab_communicator", "forbidden",
                   mutation_json (NULL, "template.save", 0, "%s", private_data));
  {
    g_autoptr(JsonObject) for_lab = find_change ("lab_communicator", DK_TYPE_NAME_TEMPLATE,
                                                 private_id);
    g_autoptr(JsonObject) for_owner = find_change ("servicedesk", DK_TYPE_NAME_TEMPLATE,
                                                   private_id);

    g_assert_null (for_lab);
    g_assert_nonnull (for_owner);
    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (
      json_object_get_object_member (for_owner, "data"), "team")));
  }
}

static void
test_template_bad_input (void)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *unknown = g_uuid_string_random ();

  expect_rejected ("lab_communicator", "invalid_input",
                   mutation_json (NULL, "template.save", 0,
                                  "{\"id\":\"%s\",\"name\":\"x\",\"language\":\"de\"}", id));
  expect_rejected ("lab_communicator", "invalid_input",
                   mutation_json (NULL, "template.save", 0,
                                  "{\"id\":\"%s\",\"name\":\"\",\"language\":\"sv\"}", id));
  expect_rejected ("lab_communicator", "invalid_input",
                   mutation_json (NULL, "template.save", 0,
                                  "{\"id\":\"not-a-uuid\",\"name\":\"x\",\"language\":\"sv\"}"));
  expect_rejected ("lab_communicator", "invalid_input",
                   mutation_json (NULL, "template.save", 0,
                                  "{\"id\":\"%s\",\"name\":\"x\",\"language\":\"sv\","
                                  "\"team\":\"nurses\"}", id));
  expect_rejected ("lab_communicator", "invalid_input",
                   mutation_json (NULL, "template.save", 0,
                                  "{\"id\":\"%s\",\"name\":\"x\",\"language\":\"sv\","
                                  "\"team\":\"routine_owner\"}", id));
  expect_rejected ("lab_communicator", "invalid_input",
                   mutation_json (NULL, "template.save", 0,
                                  "{\"id\":\"%s\",\"name\":\"x\",\"language\":\"sv\","
                                  "\"kind\":7}", id));
  expect_rejected ("lab_communicator", "not_found",
                   mutation_json (NULL, "template.delete", 0, "{\"id\":\"%s\"}", unknown));
  expect_rejected ("lab_communicator", "invalid_input",
                   mutation_json (NULL, "template.delete", 0, "{}"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *err = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  server = dk_test_server_new (TRUE);
  tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* A second lab communicator: the template's team beyond its owner. */
  status = dk_test_server_run_cli (server, "demo\n", NULL, &err, "user", "add", "--db",
                                   server->db_path, "--roles", "lab_communicator",
                                   "--password-stdin", "lab2", NULL);
  if (status != 0)
    g_error ("user add lab2 failed (%d): %s", status, err);

  g_test_add_func ("/server/writers/affected/once-per-unit", test_affected_once_per_unit);
  g_test_add_func ("/server/writers/affected/not-for-anonymous-callers",
                   test_affected_not_for_anonymous_callers);
  g_test_add_func ("/server/writers/affected/bad-input", test_affected_bad_input);
  g_test_add_func ("/server/writers/affected/replay-answers-the-same",
                   test_affected_replay_answers_the_same);
  g_test_add_func ("/server/writers/reserve/declare-widen-and-lift", test_reserve_declare_and_lift);
  g_test_add_func ("/server/writers/reserve/lab-communicator/cannot-declare-on-it",
                   test_reserve_roles);
  g_test_add_func ("/server/writers/reserve/bad-input", test_reserve_bad_input);
  g_test_add_func ("/server/writers/report/acknowledge-by-handlers-once",
                   test_report_acknowledge);
  g_test_add_func ("/server/writers/report/close-by-handlers-once", test_report_close);
  g_test_add_func ("/server/writers/report/link-three-in-the-batch-that-made-the-case",
                   test_report_link_in_one_batch_with_the_case);
  g_test_add_func ("/server/writers/report/link-bad-input", test_report_link_bad_input);
  g_test_add_func ("/server/writers/crisis/may-name-no-service", test_crisis_without_services);
  g_test_add_func ("/server/writers/template/visible-to-owner-and-team",
                   test_template_visible_to_owner_and_team);
  g_test_add_func ("/server/writers/template/another-team-is-forbidden",
                   test_template_from_another_team_is_forbidden);
  g_test_add_func ("/server/writers/template/bad-input", test_template_bad_input);

  status = g_test_run ();

  g_hash_table_unref (tokens);
  dk_test_server_free (server);
  return status;
}
