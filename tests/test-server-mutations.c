/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-mutations.c: the mutation logic against a real database file */

#include "config.h"

#include <string.h>

#include "dk-server-mutations.h"
#include "dk-server-objects.h"
#include "dk-test-files.h"
#include "dk-test-pg.h"

#define NOW      ((gint64) 1795529100)   /* 2026-11-24T14:05:00Z */
#define HOUR     ((gint64) 3600)
#define DAY      (24 * HOUR)
#define ADDRESS  "192.0.2.7"

typedef struct {
  char       *dir;
  DkServerDb *db;
} Fixture;

static const DkViewer anonymous = { NULL, 0 };
static const DkViewer staff = { "nurse", DK_ROLE_STAFF };
static const DkViewer staff2 = { "nurse2", DK_ROLE_STAFF };
static const DkViewer servicedesk = { "sd", DK_ROLE_STAFF | DK_ROLE_SERVICEDESK };
static const DkViewer servicedesk2 = { "sd2", DK_ROLE_STAFF | DK_ROLE_SERVICEDESK };
static const DkViewer customer_center = { "kc", DK_ROLE_STAFF | DK_ROLE_CUSTOMER_CENTER };
static const DkViewer lab_communicator = { "rs", DK_ROLE_STAFF | DK_ROLE_LAB_COMMUNICATOR };
static const DkViewer crisis_communicator = { "aks", DK_ROLE_STAFF | DK_ROLE_CRISIS_COMMUNICATOR };
static const DkViewer release_coordinator = { "rc", DK_ROLE_STAFF | DK_ROLE_RELEASE_COORDINATOR };
static const DkViewer routine_owner = { "ro", DK_ROLE_STAFF | DK_ROLE_ROUTINE_OWNER };
static const DkViewer admin = { "admin", DK_ROLE_STAFF | DK_ROLE_ADMIN };

/* ---- fixture ---- */

static void
store_service (Fixture    *f,
               const char *id,
               const char *name,
               DkArea      area)
{
  g_autoptr(DkService) service = dk_service_new ();
  g_autoptr(GError) error = NULL;

  service->id = g_strdup (id);
  service->name = g_strdup (name);
  service->area = area;
  service->description = g_strdup ("A service");
  service->revision = 1;
  g_assert_cmpint (dk_server_store_service (f->db, service, &error), >, 0);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("dk-mutations-XXXXXX", &error);
  g_assert_no_error (error);
  path = dk_test_db_location (f->dir, "server.db");
  f->db = dk_server_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->db);

  store_service (f, "tes", "TES", DK_AREA_IT_TELEPHONY);
  store_service (f, "klinisk-kemi", "Klinisk kemi", DK_AREA_LAB_MEDICINE);
  store_service (f, "el", "El", DK_AREA_FACILITIES);
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

static JsonNode *
mutation_new (const char *id,
              const char *op,
              gint64      base_revision,
              JsonNode   *data)
{
  g_autofree char *random_id = NULL;
  JsonObject *object = json_object_new ();
  JsonNode *node;

  if (id == NULL)
    id = random_id = g_uuid_string_random ();
  json_object_set_string_member (object, "id", id);
  json_object_set_string_member (object, "op", op);
  if (base_revision != 0)
    json_object_set_int_member (object, "base_revision", base_revision);
  if (data != NULL)
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

  result = dk_server_apply_mutation (f->db, viewer, ADDRESS, mutation, NOW, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* Applies @op with @data (taken) under a new mutation id. */
static JsonNode *
apply_op (Fixture        *f,
          const DkViewer *viewer,
          const char     *op,
          gint64          base_revision,
          JsonNode       *data)
{
  g_autoptr(JsonNode) mutation = mutation_new (NULL, op, base_revision, data);

  return apply (f, viewer, mutation);
}

static const char *
result_status (JsonNode *result)
{
  return json_object_get_string_member (obj (result), "status");
}

static void
assert_status (JsonNode   *result,
               const char *status)
{
  if (g_strcmp0 (result_status (result), status) != 0)
    {
      g_autofree char *text = dk_json_to_string (result);

      g_test_message ("expected %s, got %s", status, text);
    }
  g_assert_cmpstr (result_status (result), ==, status);
}

static void
assert_applied (JsonNode *result)
{
  assert_status (result, DK_RESULT_APPLIED);
}

static void
assert_rejected (JsonNode   *result,
                 const char *code)
{
  JsonObject *error;

  assert_status (result, DK_RESULT_REJECTED);
  error = json_object_get_object_member (obj (result), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_cmpstr (json_object_get_string_member (error, "message"), !=, "");
}

static gint64
result_revision (JsonNode *result)
{
  return json_object_get_int_member (obj (result), "revision");
}

static const char *
service_for (DkArea area)
{
  switch (area)
    {
    case DK_AREA_IT_TELEPHONY:
      return "tes";
    case DK_AREA_LAB_MEDICINE:
      return "klinisk-kemi";
    case DK_AREA_FACILITIES:
    default:
      return "el";
    }
}

static const DkViewer *
publisher_for (DkCaseKind kind,
               DkArea     area)
{
  if (kind == DK_CASE_KIND_CRISIS)
    return &crisis_communicator;
  if (kind == DK_CASE_KIND_PLANNED)
    return &release_coordinator;
  if (area == DK_AREA_LAB_MEDICINE)
    return &lab_communicator;
  if (area == DK_AREA_FACILITIES)
    return &customer_center;
  return &servicedesk;
}

/* A case as a client sends it; planned ones start ten days ahead. */
static JsonNode *
case_data_with_start (DkCaseKind kind,
                      DkArea     area,
                      gint64     start)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *start_text = dk_time_format (start);

  return json_parse_printf ("{\"id\":\"%s\",\"kind\":\"%s\",\"area\":\"%s\","
                            "\"title\":\"Nobody can log in\","
                            "\"description\":\"Log-in fails on every ward.\","
                            "\"scope\":\"All wards\",\"services\":[\"%s\"],"
                            "\"priority\":2,\"public\":true,\"start\":\"%s\"}",
                            id, dk_case_kind_to_string (kind), dk_area_to_string (area),
                            service_for (area), start_text);
}

static JsonNode *
case_data (DkCaseKind kind,
           DkArea     area)
{
  return case_data_with_start (kind, area, kind == DK_CASE_KIND_PLANNED ? NOW + 10 * DAY
                                                                         : NOW - HOUR);
}

/* Publishes a case with the right publisher; returns its id. */
static char *
create_case (Fixture    *f,
             DkCaseKind  kind,
             DkArea      area)
{
  g_autoptr(JsonNode) data = case_data (kind, area);
  g_autoptr(JsonNode) result = NULL;
  char *id = g_strdup (json_object_get_string_member (obj (data), "id"));

  result = apply_op (f, publisher_for (kind, area), "case.create", 0, json_node_copy (data));
  assert_applied (result);
  return id;
}

static char *
create_it_incident (Fixture *f)
{
  return create_case (f, DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY);
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

static JsonNode *
id_data (const char *id)
{
  return json_parse_printf ("{\"id\":\"%s\"}", id);
}

static JsonNode *
update_data (const char *case_id,
             const char *phrase,
             const char *text)
{
  g_autofree char *update_id = g_uuid_string_random ();

  return json_parse_printf ("{\"id\":\"%s\",\"update\":{\"id\":\"%s\",\"phrase\":\"%s\","
                            "\"text\":\"%s\"}}", case_id, update_id, phrase, text);
}

static JsonNode *
routine_data (const char *id,
              const char *title)
{
  return json_parse_printf ("{\"id\":\"%s\",\"title\":\"%s\",\"services\":[\"tes\"],"
                            "\"audience\":\"care staff\",\"owner\":\"IT\","
                            "\"steps\":["
                            "{\"id\":\"print\",\"phase\":\"before\",\"text\":\"Print person cards\"},"
                            "{\"id\":\"report\",\"phase\":\"during\",\"text\":\"Report the outage\"},"
                            "{\"id\":\"register\",\"phase\":\"after\",\"text\":\"Post-register\"}]}",
                            id, title);
}

static void
save_routine (Fixture    *f,
              const char *id,
              gint64      expected_revision)
{
  g_autoptr(JsonNode) result = NULL;

  result = apply_op (f, &routine_owner, "routine.save", 0, routine_data (id, "Reserve routine TES"));
  assert_applied (result);
  g_assert_cmpint (result_revision (result), ==, expected_revision);
}

static void
approve_routine (Fixture    *f,
                 const char *id,
                 gint64      revision)
{
  g_autoptr(JsonNode) result = NULL;

  result = apply_op (f, &routine_owner, "routine.approve", 0,
                     json_parse_printf ("{\"id\":\"%s\",\"revision\":%" G_GINT64_FORMAT "}",
                                        id, revision));
  assert_applied (result);
}

static char *
start_run (Fixture *f)
{
  g_autoptr(JsonNode) result = NULL;
  char *id = g_uuid_string_random ();

  save_routine (f, "tes-reserve", 1);
  approve_routine (f, "tes-reserve", 1);
  result = apply_op (f, &staff, "run.start", 0,
                     json_parse_printf ("{\"id\":\"%s\",\"routine\":\"tes-reserve\","
                                        "\"unit\":\"Ward 12\"}", id));
  assert_applied (result);
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

static JsonNode *
set_step (Fixture        *f,
          const DkViewer *viewer,
          const char     *run_id,
          const char     *step,
          gboolean        done,
          const char     *note)
{
  g_autofree char *note_json = NULL;

  note_json = note != NULL ? g_strdup_printf (",\"note\":\"%s\"", note) : g_strdup ("");
  return apply_op (f, viewer, "run.set_step", 0,
                   json_parse_printf ("{\"id\":\"%s\",\"step\":\"%s\",\"done\":%s%s}",
                                      run_id, step, done ? "true" : "false", note_json));
}

static guint
count_audit (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = dk_server_db_list_audit (f->db, 10000, &error);

  g_assert_no_error (error);
  return rows->len;
}

/* ---- the envelope ---- */

static const char * const all_ops[] = {
  "case.create", "case.edit", "case.add_update", "case.close", "case.follow_up",
  "report.create", "run.start", "run.set_step", "run.finish", "subscription.set",
  "routine.save", "routine.approve", "service.save", "case.affected", "case.reserve",
  "report.acknowledge", "report.close", "report.link", "template.save", "template.delete",
};

static void
test_envelope_anonymous (Fixture       *f,
                         gconstpointer  data)
{
  gint64 seq = dk_server_db_last_seq (f->db);

  for (guint i = 0; i < G_N_ELEMENTS (all_ops); i++)
    {
      g_autoptr(JsonNode) result = NULL;

      result = apply_op (f, &anonymous, all_ops[i], 0,
                         case_data (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY));
      assert_rejected (result, "unauthorized");
    }
  g_assert_cmpint (dk_server_db_last_seq (f->db), ==, seq);
  g_assert_cmpuint (count_audit (f), ==, 0);
}

static void
test_envelope_bad_uuid (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) m1 = mutation_new ("not-a-uuid", "case.create", 0,
                                         case_data (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY));
  g_autoptr(JsonNode) m2 = json_parse_printf ("{\"id\":42,\"op\":\"case.create\",\"data\":{}}");
  g_autoptr(JsonNode) m3 = json_parse_printf ("{\"op\":\"case.create\",\"data\":{}}");
  g_autoptr(JsonNode) m4 = json_parse_printf ("[1,2]");
  g_autoptr(JsonNode) r1 = apply (f, &servicedesk, m1);
  g_autoptr(JsonNode) r2 = apply (f, &servicedesk, m2);
  g_autoptr(JsonNode) r3 = apply (f, &servicedesk, m3);
  g_autoptr(JsonNode) r4 = apply (f, &servicedesk, m4);

  assert_rejected (r1, "invalid_input");
  g_assert_cmpstr (json_object_get_string_member (obj (r1), "id"), ==, "not-a-uuid");
  assert_rejected (r2, "invalid_input");
  g_assert_true (json_object_get_null_member (obj (r2), "id"));
  assert_rejected (r3, "invalid_input");
  g_assert_true (json_object_get_null_member (obj (r3), "id"));
  assert_rejected (r4, "invalid_input");
  g_assert_true (json_object_get_null_member (obj (r4), "id"));
}

static void
test_envelope_unknown_op (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(JsonNode) mutation = mutation_new (NULL, "case.delete", 0, json_parse_printf ("{}"));
  g_autoptr(JsonNode) result = apply (f, &servicedesk, mutation);
  g_autoptr(JsonNode) again = apply (f, &servicedesk, mutation);
  g_autoptr(JsonNode) not_string = json_parse_printf ("{\"id\":\"%s\",\"op\":7,\"data\":{}}",
                                                      "0b0e4d7a-5c0f-4b7e-9a51-2f8c7e1d3a40");
  g_autoptr(JsonNode) r2 = apply (f, &servicedesk, not_string);

  assert_rejected (result, "unknown_operation");
  g_assert_true (json_node_equal (result, again));
  assert_rejected (r2, "unknown_operation");
}

static void
test_envelope_bad_data (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) no_data = mutation_new (NULL, "case.create", 0, NULL);
  g_autoptr(JsonNode) array_data = mutation_new (NULL, "case.create", 0, json_parse_printf ("[]"));
  g_autoptr(JsonNode) bad_base = json_parse_printf ("{\"id\":\"%s\",\"op\":\"case.edit\","
                                                    "\"base_revision\":\"two\",\"data\":{}}",
                                                    "6f1c1e9a-3b8d-4a52-8d0e-7a6b5c4d3e21");
  g_autoptr(JsonNode) r1 = apply (f, &servicedesk, no_data);
  g_autoptr(JsonNode) r2 = apply (f, &servicedesk, array_data);
  g_autoptr(JsonNode) r3 = apply (f, &servicedesk, bad_base);

  assert_rejected (r1, "invalid_input");
  assert_rejected (r2, "invalid_input");
  assert_rejected (r3, "invalid_input");
}

/* ---- replay ---- */

static void
test_replay_applied (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JsonNode) mutation = mutation_new (NULL, "case.create", 0,
                                               case_data (DK_CASE_KIND_INCIDENT,
                                                          DK_AREA_IT_TELEPHONY));
  g_autoptr(JsonNode) first = apply (f, &servicedesk, mutation);
  gint64 seq = dk_server_db_last_seq (f->db);
  guint audit = count_audit (f);
  g_autoptr(JsonNode) second = apply (f, &servicedesk, mutation);
  g_autofree char *first_text = dk_json_to_string (first);
  g_autofree char *second_text = dk_json_to_string (second);

  assert_applied (first);
  g_assert_cmpstr (first_text, ==, second_text);
  g_assert_cmpint (dk_server_db_last_seq (f->db), ==, seq);
  g_assert_cmpuint (count_audit (f), ==, audit);
}

static void
test_replay_rejected (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(JsonNode) case_node = case_data (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY);
  g_autoptr(JsonNode) mutation = NULL;
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;

  json_object_remove_member (obj (case_node), "title");
  mutation = mutation_new (NULL, "case.create", 0, json_node_copy (case_node));
  first = apply (f, &servicedesk, mutation);
  assert_rejected (first, "invalid_input");

  /* Even once the reason would be gone, the answer stays the same. */
  second = apply (f, &servicedesk, mutation);
  g_assert_true (json_node_equal (first, second));
}

static void
test_replay_conflict (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autoptr(JsonNode) r1 = apply_op (f, &servicedesk, "case.edit", 1,
                                     json_parse_printf ("{\"id\":\"%s\",\"title\":\"One\"}", id));
  g_autoptr(JsonNode) stale = mutation_new (NULL, "case.edit", 1,
                                            json_parse_printf ("{\"id\":\"%s\",\"title\":\"Two\"}", id));
  g_autoptr(JsonNode) c1 = apply (f, &servicedesk, stale);
  gint64 seq = dk_server_db_last_seq (f->db);
  g_autoptr(JsonNode) c2 = apply (f, &servicedesk, stale);

  assert_applied (r1);
  assert_status (c1, DK_RESULT_CONFLICT);
  g_assert_true (json_node_equal (c1, c2));
  g_assert_cmpint (dk_server_db_last_seq (f->db), ==, seq);
}

static void
test_replay_other_user (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) mutation = mutation_new (NULL, "case.create", 0,
                                               case_data (DK_CASE_KIND_INCIDENT,
                                                          DK_AREA_IT_TELEPHONY));
  g_autoptr(JsonNode) first = apply (f, &servicedesk, mutation);
  g_autoptr(JsonNode) other = apply (f, &servicedesk2, mutation);
  g_autoptr(JsonNode) again = apply (f, &servicedesk, mutation);

  assert_applied (first);
  assert_rejected (other, "invalid_input");
  g_assert_true (json_node_equal (first, again));
}

static void
test_rejected_does_not_block (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(JsonNode) bad = case_data (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY);
  g_autoptr(JsonNode) r1 = NULL;
  g_autoptr(JsonNode) r2 = NULL;
  g_autoptr(DkStoredObject) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bad_id = g_strdup (json_object_get_string_member (obj (bad), "id"));

  json_object_set_string_member (obj (bad), "priority", "high");
  r1 = apply_op (f, &servicedesk, "case.create", 0, json_node_copy (bad));
  assert_rejected (r1, "invalid_input");
  stored = dk_server_db_get_object (f->db, DK_TYPE_NAME_CASE, bad_id, &error);
  g_assert_no_error (error);
  g_assert_null (stored);

  r2 = apply_op (f, &servicedesk, "case.create", 0,
                 case_data (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY));
  assert_applied (r2);
}

/* A rejection late in an operation (after numbers were taken) leaves nothing behind. */
static void
test_rejected_rolls_back (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autoptr(DkCase) before = load_case (f, id);
  gint64 seq = dk_server_db_last_seq (f->db);
  g_autoptr(JsonNode) dup = case_data (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY);
  g_autoptr(JsonNode) r1 = NULL;
  g_autoptr(DkCase) next = NULL;
  g_autoptr(DkCase) after = NULL;
  g_autofree char *next_id = NULL;

  json_object_set_string_member (obj (dup), "id", id);
  r1 = apply_op (f, &servicedesk, "case.create", 0, json_node_copy (dup));
  assert_rejected (r1, "invalid_input");
  g_assert_cmpint (dk_server_db_last_seq (f->db), ==, seq);
  after = load_case (f, id);
  g_assert_cmpstr (after->number, ==, before->number);

  next_id = create_it_incident (f);
  next = load_case (f, next_id);
  g_assert_cmpint (g_ascii_strtoll (next->number + 3, NULL, 10), ==,
                   g_ascii_strtoll (before->number + 3, NULL, 10) + 1);
}

/* ---- audit ---- */

static void
test_audit_applied (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = dk_server_db_list_audit (f->db, 10, &error);
  g_autoptr(JsonNode) row = NULL;
  g_autoptr(JsonNode) rejected = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  row = dk_json_parse (g_ptr_array_index (rows, 0), -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (obj (row), "action"), ==, "case.create");
  g_assert_cmpstr (json_object_get_string_member (obj (row), "username"), ==, "sd");
  g_assert_cmpstr (json_object_get_string_member (obj (row), "object"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (obj (row), "address"), ==, ADDRESS);

  rejected = apply_op (f, &staff, "case.close", 0, id_data (id));
  assert_rejected (rejected, "forbidden");
  g_assert_cmpuint (count_audit (f), ==, 1);
}

/* ---- case.create: who may publish what ---- */

typedef struct {
  const char *role_name;
  DkRole      role;
  DkCaseKind  kind;
  DkArea      area;
  gboolean    allowed;
} PublishCell;

static const struct {
  const char *name;
  DkRole      role;
} publish_roles[] = {
  { "servicedesk", DK_ROLE_SERVICEDESK },
  { "customer-center", DK_ROLE_CUSTOMER_CENTER },
  { "lab-communicator", DK_ROLE_LAB_COMMUNICATOR },
  { "crisis-communicator", DK_ROLE_CRISIS_COMMUNICATOR },
  { "release-coordinator", DK_ROLE_RELEASE_COORDINATOR },
  { "routine-owner", DK_ROLE_ROUTINE_OWNER },
  { "admin", DK_ROLE_ADMIN },
  { "staff", 0 },
};

static gboolean
may_publish (DkRole     role,
             DkCaseKind kind,
             DkArea     area)
{
  switch (kind)
    {
    case DK_CASE_KIND_INCIDENT:
      return (role == DK_ROLE_SERVICEDESK && area == DK_AREA_IT_TELEPHONY) ||
             (role == DK_ROLE_CUSTOMER_CENTER && area == DK_AREA_FACILITIES) ||
             (role == DK_ROLE_LAB_COMMUNICATOR && area == DK_AREA_LAB_MEDICINE);
    case DK_CASE_KIND_CRISIS:
      return role == DK_ROLE_CRISIS_COMMUNICATOR;
    case DK_CASE_KIND_PLANNED:
    default:
      return role == DK_ROLE_RELEASE_COORDINATOR;
    }
}

static void
test_case_create_matrix (Fixture       *f,
                         gconstpointer  data)
{
  const PublishCell *cell = data;
  DkViewer viewer = { "publisher", DK_ROLE_STAFF | cell->role };
  g_autoptr(JsonNode) node = case_data (cell->kind, cell->area);
  g_autofree char *id = g_strdup (json_object_get_string_member (obj (node), "id"));
  g_autoptr(JsonNode) result = apply_op (f, &viewer, "case.create", 0, g_steal_pointer (&node));
  g_autoptr(DkStoredObject) stored = NULL;
  g_autoptr(GError) error = NULL;

  stored = dk_server_db_get_object (f->db, DK_TYPE_NAME_CASE, id, &error);
  g_assert_no_error (error);
  if (cell->allowed)
    {
      assert_applied (result);
      g_assert_nonnull (stored);
    }
  else
    {
      assert_rejected (result, "forbidden");
      g_assert_null (stored);
    }
}

/* ---- case.create ---- */

static void
test_case_create_applied (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(JsonNode) node = case_data (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY);
  g_autofree char *id = g_strdup (json_object_get_string_member (obj (node), "id"));
  g_autoptr(JsonNode) result = apply_op (f, &servicedesk, "case.create", 0, g_steal_pointer (&node));
  g_autoptr(DkCase) kase = NULL;
  const char *number;

  assert_applied (result);
  g_assert_cmpstr (json_object_get_string_member (obj (result), "type"), ==, "case");
  g_assert_cmpstr (json_object_get_string_member (obj (result), "object_id"), ==, id);
  g_assert_cmpint (result_revision (result), ==, 1);
  number = json_object_get_string_member (obj (result), "number");
  g_assert_true (g_str_has_prefix (number, "DK-"));
  g_assert_cmpint (g_ascii_strtoll (number + 3, NULL, 10), >, 0);

  kase = load_case (f, id);
  g_assert_cmpstr (kase->number, ==, number);
  g_assert_cmpint (kase->revision, ==, 1);
  g_assert_cmpstr (kase->publisher, ==, "sd");
  g_assert_cmpint (kase->created_at, ==, NOW);
  g_assert_cmpint (kase->status, ==, DK_CASE_STATUS_ONGOING);
  g_assert_cmpint (kase->start, ==, NOW - HOUR);
  g_assert_true (kase->major);   /* priority 2 */
  g_assert_true (kase->public);
  g_assert_cmpstr (kase->title, ==, "Nobody can log in");
  g_assert_cmpuint (kase->services->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (kase->services, 0), ==, "tes");
  g_assert_cmpint (kase->closed_at, ==, DK_TIME_UNSET);
}

static void
test_case_create_numbers_increase (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *a = create_it_incident (f);
  g_autofree char *b = create_case (f, DK_CASE_KIND_CRISIS, DK_AREA_FACILITIES);
  g_autoptr(DkCase) ca = load_case (f, a);
  g_autoptr(DkCase) cb = load_case (f, b);

  g_assert_cmpint (g_ascii_strtoll (cb->number + 3, NULL, 10), ==,
                   g_ascii_strtoll (ca->number + 3, NULL, 10) + 1);
}

static void
test_case_create_server_owned (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(JsonNode) node = case_data (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY);
  g_autofree char *id = g_strdup (json_object_get_string_member (obj (node), "id"));
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(DkCase) kase = NULL;

  json_object_set_string_member (obj (node), "number", "DK-1");
  json_object_set_int_member (obj (node), "revision", 7);
  json_object_set_string_member (obj (node), "publisher", "mallory");
  json_object_set_string_member (obj (node), "created_at", "2020-01-01T00:00:00Z");
  result = apply_op (f, &servicedesk, "case.create", 0, g_steal_pointer (&node));
  assert_applied (result);

  kase = load_case (f, id);
  g_assert_cmpstr (kase->number, !=, "DK-1");
  g_assert_cmpint (kase->revision, ==, 1);
  g_assert_cmpstr (kase->publisher, ==, "sd");
  g_assert_cmpint (kase->created_at, ==, NOW);
}

static void
test_case_create_major_default (Fixture       *f,
                                gconstpointer  data)
{
  struct { int priority; const char *major; gboolean expected; } cases[] = {
    { 1, NULL, TRUE }, { 3, NULL, FALSE }, { 5, NULL, FALSE },
    { 1, "false", FALSE }, { 4, "true", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = case_data (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY);
      g_autofree char *id = g_strdup (json_object_get_string_member (obj (node), "id"));
      g_autoptr(JsonNode) result = NULL;
      g_autoptr(DkCase) kase = NULL;

      json_object_set_int_member (obj (node), "priority", cases[i].priority);
      if (cases[i].major != NULL)
        json_object_set_boolean_member (obj (node), "major", g_str_equal (cases[i].major, "true"));
      result = apply_op (f, &servicedesk, "case.create", 0, g_steal_pointer (&node));
      assert_applied (result);
      kase = load_case (f, id);
      g_assert_cmpint (kase->major, ==, cases[i].expected);
    }
}

static void
test_case_create_initial_updates (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(JsonNode) node = case_data (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY);
  g_autofree char *id = g_strdup (json_object_get_string_member (obj (node), "id"));
  g_autoptr(JsonNode) updates = json_parse_printf (
    "[{\"phrase\":\"identified\",\"text\":\"We know\",\"author\":\"mallory\"},"
    "{\"id\":\"5d2c8a1e-9f3b-4c6d-8e7f-1a2b3c4d5e6f\",\"phrase\":\"troubleshooting\","
    "\"text\":\"Looking\",\"at\":\"2026-11-24T13:30:00Z\"}]");
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(DkCase) kase = NULL;
  DkCaseUpdate *first, *second;

  json_object_set_member (obj (node), "updates", g_steal_pointer (&updates));
  result = apply_op (f, &servicedesk, "case.create", 0, g_steal_pointer (&node));
  assert_applied (result);

  kase = load_case (f, id);
  g_assert_cmpuint (kase->updates->len, ==, 2);
  first = g_ptr_array_index (kase->updates, 0);
  second = g_ptr_array_index (kase->updates, 1);
  g_assert_true (dk_is_uuid (first->id));
  g_assert_cmpstr (first->author, ==, "sd");
  g_assert_cmpint (first->at, ==, NOW);
  g_assert_cmpstr (second->id, ==, "5d2c8a1e-9f3b-4c6d-8e7f-1a2b3c4d5e6f");
  g_assert_cmpstr (second->author, ==, "sd");
  g_assert_cmpint (second->at, ==, NOW - 35 * 60);
}

static void
test_case_create_future_update (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(JsonNode) node = case_data (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY);
  g_autofree char *soon = dk_time_format (NOW + 4 * 60);
  g_autofree char *late = dk_time_format (NOW + 10 * 60);
  g_autoptr(JsonNode) ok = json_node_copy (node);
  g_autoptr(JsonNode) r1 = NULL;
  g_autoptr(JsonNode) r2 = NULL;

  json_object_set_member (obj (node), "updates",
                          json_parse_printf ("[{\"phrase\":\"identified\",\"text\":\"x\","
                                             "\"at\":\"%s\"}]", late));
  r1 = apply_op (f, &servicedesk, "case.create", 0, g_steal_pointer (&node));
  assert_rejected (r1, "invalid_input");

  json_object_set_member (obj (ok), "updates",
                          json_parse_printf ("[{\"phrase\":\"identified\",\"text\":\"x\","
                                             "\"at\":\"%s\"}]", soon));
  r2 = apply_op (f, &servicedesk, "case.create", 0, g_steal_pointer (&ok));
  assert_applied (r2);
}

static void
test_case_create_bad_data (Fixture       *f,
                           gconstpointer  data)
{
  const char *remove[] = { "title", "services", "priority", "kind", "area", "id" };
  struct { const char *member; const char *json; } wrong[] = {
    { "priority", "\"high\"" }, { "priority", "9" }, { "title", "42" },
    { "services", "\"tes\"" }, { "kind", "\"outage\"" }, { "area", "\"mars\"" },
    { "start", "\"yesterday\"" }, { "id", "\"case-1\"" }, { "services", "[]" },
    { "public", "\"yes\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (remove); i++)
    {
      g_autoptr(JsonNode) node = case_data (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY);
      g_autoptr(JsonNode) result = NULL;

      json_object_remove_member (obj (node), remove[i]);
      result = apply_op (f, &servicedesk, "case.create", 0, g_steal_pointer (&node));
      g_test_message ("without %s", remove[i]);
      assert_rejected (result, "invalid_input");
    }

  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autoptr(JsonNode) node = case_data (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY);
      g_autoptr(JsonNode) result = NULL;

      json_object_set_member (obj (node), wrong[i].member, json_parse_printf ("%s", wrong[i].json));
      result = apply_op (f, &servicedesk, "case.create", 0, g_steal_pointer (&node));
      g_test_message ("%s = %s", wrong[i].member, wrong[i].json);
      assert_rejected (result, "invalid_input");
    }
}

static void
test_case_create_unknown_service (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(JsonNode) node = case_data (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY);
  g_autoptr(JsonNode) result = NULL;
  const char *message;

  json_object_set_member (obj (node), "services", json_parse_printf ("[\"tes\",\"nosuch\"]"));
  result = apply_op (f, &servicedesk, "case.create", 0, g_steal_pointer (&node));
  assert_rejected (result, "not_found");
  message = json_object_get_string_member (json_object_get_object_member (obj (result), "error"),
                                           "message");
  g_assert_nonnull (strstr (message, "nosuch"));
}

static void
test_case_create_existing_id (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autoptr(JsonNode) node = case_data (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY);
  g_autoptr(JsonNode) result = NULL;

  json_object_set_string_member (obj (node), "id", id);
  result = apply_op (f, &servicedesk, "case.create", 0, g_steal_pointer (&node));
  assert_rejected (result, "invalid_input");
}

static void
test_case_create_closed (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(JsonNode) node = case_data (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY);
  g_autoptr(JsonNode) result = NULL;

  json_object_set_string_member (obj (node), "status", "closed");
  result = apply_op (f, &servicedesk, "case.create", 0, g_steal_pointer (&node));
  assert_rejected (result, "invalid_transition");
}

/* ---- case.create: the seven-day lead time ---- */

static DkCaseStatus
create_planned (Fixture    *f,
                DkArea      area,
                gint64      start,
                const char *status,
                const char *expected_code)
{
  g_autoptr(JsonNode) node = case_data_with_start (DK_CASE_KIND_PLANNED, area, start);
  g_autofree char *id = g_strdup (json_object_get_string_member (obj (node), "id"));
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(DkCase) kase = NULL;

  if (status != NULL)
    json_object_set_string_member (obj (node), "status", status);
  result = apply_op (f, &release_coordinator, "case.create", 0, g_steal_pointer (&node));
  if (expected_code != NULL)
    {
      assert_rejected (result, expected_code);
      return -1;
    }

  assert_applied (result);
  kase = load_case (f, id);
  return kase->status;
}

static void
test_lead_time_default (Fixture       *f,
                        gconstpointer  data)
{
  g_assert_cmpint (create_planned (f, DK_AREA_IT_TELEPHONY, NOW + 8 * DAY, NULL, NULL), ==,
                   DK_CASE_STATUS_PLANNED);
  g_assert_cmpint (create_planned (f, DK_AREA_IT_TELEPHONY, NOW + 7 * DAY, NULL, NULL), ==,
                   DK_CASE_STATUS_PLANNED);
  g_assert_cmpint (create_planned (f, DK_AREA_IT_TELEPHONY, NOW + 6 * DAY, NULL, NULL), ==,
                   DK_CASE_STATUS_URGENT_PLANNED);
  g_assert_cmpint (create_planned (f, DK_AREA_IT_TELEPHONY, NOW + 2 * HOUR, NULL, NULL), ==,
                   DK_CASE_STATUS_URGENT_PLANNED);
  g_assert_cmpint (create_planned (f, DK_AREA_FACILITIES, NOW + 2 * DAY, NULL, NULL), ==,
                   DK_CASE_STATUS_PLANNED);
}

static void
test_lead_time_given (Fixture       *f,
                      gconstpointer  data)
{
  create_planned (f, DK_AREA_IT_TELEPHONY, NOW + 3 * DAY, "planned", "invalid_input");
  g_assert_cmpint (create_planned (f, DK_AREA_IT_TELEPHONY, NOW + 3 * DAY, "urgent_planned", NULL),
                   ==, DK_CASE_STATUS_URGENT_PLANNED);
  g_assert_cmpint (create_planned (f, DK_AREA_IT_TELEPHONY, NOW + 9 * DAY, "planned", NULL),
                   ==, DK_CASE_STATUS_PLANNED);
  g_assert_cmpint (create_planned (f, DK_AREA_LAB_MEDICINE, NOW + DAY, "planned", NULL),
                   ==, DK_CASE_STATUS_PLANNED);
}

/* ---- case.edit ---- */

static void
test_case_edit_applied (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autoptr(DkCase) before = load_case (f, id);
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(DkCase) kase = NULL;

  result = apply_op (f, &servicedesk2, "case.edit", 1,
                     json_parse_printf ("{\"id\":\"%s\",\"title\":\"Log-in slow\","
                                        "\"priority\":3,\"number\":\"DK-1\","
                                        "\"publisher\":\"mallory\",\"revision\":9,"
                                        "\"updates\":[]}", id));
  assert_applied (result);
  g_assert_cmpint (result_revision (result), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (obj (result), "number"), ==, before->number);

  kase = load_case (f, id);
  g_assert_cmpstr (kase->title, ==, "Log-in slow");
  g_assert_cmpint (kase->priority, ==, 3);
  g_assert_cmpint (kase->revision, ==, 2);
  g_assert_cmpstr (kase->number, ==, before->number);
  g_assert_cmpstr (kase->publisher, ==, "sd");
  g_assert_cmpstr (kase->description, ==, before->description);
}

static void
test_case_edit_conflict (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autoptr(JsonNode) r1 = apply_op (f, &servicedesk, "case.edit", 1,
                                     json_parse_printf ("{\"id\":\"%s\",\"title\":\"A\"}", id));
  g_autoptr(JsonNode) r2 = apply_op (f, &servicedesk2, "case.edit", 1,
                                     json_parse_printf ("{\"id\":\"%s\",\"title\":\"B\"}", id));
  g_autoptr(JsonNode) r3 = apply_op (f, &servicedesk2, "case.edit", 2,
                                     json_parse_printf ("{\"id\":\"%s\",\"scope\":\"Ward 3\"}", id));
  g_autoptr(JsonNode) r4 = apply_op (f, &servicedesk2, "case.edit", 0,
                                     json_parse_printf ("{\"id\":\"%s\",\"scope\":\"Ward 4\"}", id));
  g_autoptr(DkCase) kase = load_case (f, id);
  JsonObject *current;

  assert_applied (r1);
  assert_status (r2, DK_RESULT_CONFLICT);
  g_assert_cmpint (result_revision (r2), ==, 2);
  current = json_object_get_object_member (obj (r2), "current");
  g_assert_nonnull (current);
  g_assert_cmpstr (json_object_get_string_member (current, "title"), ==, "A");
  g_assert_cmpint (json_object_get_int_member (current, "revision"), ==, 2);
  assert_applied (r3);
  assert_applied (r4);
  g_assert_cmpstr (kase->title, ==, "A");
  g_assert_cmpstr (kase->scope, ==, "Ward 4");
  g_assert_cmpint (kase->revision, ==, 4);
}

static void
test_case_edit_rejections (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autofree char *unknown = g_uuid_string_random ();
  g_autoptr(JsonNode) kind = apply_op (f, &servicedesk, "case.edit", 0,
                                       json_parse_printf ("{\"id\":\"%s\",\"kind\":\"crisis\"}", id));
  g_autoptr(JsonNode) role = apply_op (f, &lab_communicator, "case.edit", 0,
                                       json_parse_printf ("{\"id\":\"%s\",\"title\":\"x\"}", id));
  g_autoptr(JsonNode) area = apply_op (f, &servicedesk, "case.edit", 0,
                                       json_parse_printf ("{\"id\":\"%s\",\"area\":\"lab_medicine\","
                                                          "\"services\":[\"klinisk-kemi\"]}", id));
  g_autoptr(JsonNode) closed = apply_op (f, &servicedesk, "case.edit", 0,
                                         json_parse_printf ("{\"id\":\"%s\",\"status\":\"closed\"}", id));
  g_autoptr(JsonNode) status = apply_op (f, &servicedesk, "case.edit", 0,
                                         json_parse_printf ("{\"id\":\"%s\",\"status\":\"planned\"}", id));
  g_autoptr(JsonNode) missing = apply_op (f, &servicedesk, "case.edit", 0,
                                          json_parse_printf ("{\"id\":\"%s\",\"title\":\"x\"}", unknown));
  g_autoptr(JsonNode) no_id = apply_op (f, &servicedesk, "case.edit", 0,
                                        json_parse_printf ("{\"title\":\"x\"}"));
  g_autoptr(JsonNode) bad_type = apply_op (f, &servicedesk, "case.edit", 0,
                                           json_parse_printf ("{\"id\":\"%s\",\"title\":[1]}", id));
  g_autoptr(JsonNode) empty = apply_op (f, &servicedesk, "case.edit", 0,
                                        json_parse_printf ("{\"id\":\"%s\",\"title\":\"  \"}", id));
  g_autoptr(JsonNode) service = apply_op (f, &servicedesk, "case.edit", 0,
                                          json_parse_printf ("{\"id\":\"%s\",\"services\":[\"gone\"]}", id));
  g_autoptr(DkCase) kase = load_case (f, id);

  assert_rejected (kind, "invalid_input");
  assert_rejected (role, "forbidden");
  assert_rejected (area, "forbidden");
  assert_rejected (closed, "invalid_transition");
  assert_status (status, DK_RESULT_REJECTED);
  assert_rejected (missing, "not_found");
  assert_rejected (no_id, "invalid_input");
  assert_rejected (bad_type, "invalid_input");
  assert_rejected (empty, "invalid_input");
  assert_rejected (service, "not_found");
  g_assert_cmpint (kase->revision, ==, 1);
  g_assert_cmpint (kase->status, ==, DK_CASE_STATUS_ONGOING);
}

static void
test_case_edit_planned_status (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *id = create_case (f, DK_CASE_KIND_PLANNED, DK_AREA_IT_TELEPHONY);
  g_autoptr(JsonNode) urgent = apply_op (f, &release_coordinator, "case.edit", 0,
                                         json_parse_printf ("{\"id\":\"%s\",\"status\":\"urgent_planned\"}", id));
  g_autoptr(JsonNode) started = apply_op (f, &release_coordinator, "case.edit", 0,
                                          json_parse_printf ("{\"id\":\"%s\",\"status\":\"ongoing\"}", id));
  g_autoptr(JsonNode) back = apply_op (f, &release_coordinator, "case.edit", 0,
                                       json_parse_printf ("{\"id\":\"%s\",\"status\":\"planned\"}", id));
  g_autoptr(DkCase) kase = load_case (f, id);

  assert_applied (urgent);
  assert_applied (started);
  assert_rejected (back, "invalid_transition");
  g_assert_cmpint (kase->status, ==, DK_CASE_STATUS_ONGOING);
}

/* ---- case.add_update ---- */

static void
test_add_update_applied (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autofree char *end = dk_time_format (NOW + 2 * HOUR);
  g_autoptr(JsonNode) node = update_data (id, "fix_deploying", "Patch going out");
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(DkCase) kase = NULL;
  DkCaseUpdate *update;

  json_object_set_string_member (obj (node), "expected_end", end);
  json_object_set_string_member (json_object_get_object_member (obj (node), "update"),
                                 "author", "mallory");
  result = apply_op (f, &servicedesk2, "case.add_update", 0, g_steal_pointer (&node));
  assert_applied (result);
  g_assert_cmpint (result_revision (result), ==, 2);

  kase = load_case (f, id);
  g_assert_cmpuint (kase->updates->len, ==, 1);
  update = dk_case_get_latest_update (kase);
  g_assert_cmpint (update->phrase, ==, DK_UPDATE_PHRASE_FIX_DEPLOYING);
  g_assert_cmpstr (update->text, ==, "Patch going out");
  g_assert_cmpstr (update->author, ==, "sd2");
  g_assert_cmpint (update->at, ==, NOW);
  g_assert_cmpint (kase->expected_end, ==, NOW + 2 * HOUR);
  g_assert_cmpint (kase->revision, ==, 2);
}

static void
test_add_update_offline_time (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autofree char *past = dk_time_format (NOW - 20 * 60);
  g_autofree char *future = dk_time_format (NOW + 6 * 60);
  g_autoptr(JsonNode) a = update_data (id, "troubleshooting", "Offline note");
  g_autoptr(JsonNode) b = update_data (id, "troubleshooting", "From the future");
  g_autoptr(JsonNode) r1 = NULL;
  g_autoptr(JsonNode) r2 = NULL;
  g_autoptr(DkCase) kase = NULL;

  json_object_set_string_member (json_object_get_object_member (obj (a), "update"), "at", past);
  json_object_set_string_member (json_object_get_object_member (obj (b), "update"), "at", future);
  r1 = apply_op (f, &servicedesk, "case.add_update", 0, g_steal_pointer (&a));
  r2 = apply_op (f, &servicedesk, "case.add_update", 0, g_steal_pointer (&b));
  assert_applied (r1);
  assert_rejected (r2, "invalid_input");

  kase = load_case (f, id);
  g_assert_cmpint (dk_case_get_latest_update (kase)->at, ==, NOW - 20 * 60);
}

static void
test_add_update_no_base_check (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autoptr(JsonNode) r1 = apply_op (f, &servicedesk, "case.add_update", 1,
                                     update_data (id, "troubleshooting", "One"));
  g_autoptr(JsonNode) r2 = apply_op (f, &servicedesk2, "case.add_update", 1,
                                     update_data (id, "monitoring", "Two"));
  g_autoptr(DkCase) kase = load_case (f, id);

  assert_applied (r1);
  assert_applied (r2);
  g_assert_cmpuint (kase->updates->len, ==, 2);
  g_assert_cmpint (kase->revision, ==, 3);
}

static void
test_add_update_rejections (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autofree char *unknown = g_uuid_string_random ();
  g_autoptr(JsonNode) dup = update_data (id, "troubleshooting", "Once");
  g_autoptr(JsonNode) first = apply_op (f, &servicedesk, "case.add_update", 0, json_node_copy (dup));
  g_autoptr(JsonNode) twice = apply_op (f, &servicedesk, "case.add_update", 0, json_node_copy (dup));
  g_autoptr(JsonNode) role = apply_op (f, &customer_center, "case.add_update", 0,
                                       update_data (id, "monitoring", "x"));
  g_autoptr(JsonNode) missing = apply_op (f, &servicedesk, "case.add_update", 0,
                                          update_data (unknown, "monitoring", "x"));
  g_autoptr(JsonNode) no_update = apply_op (f, &servicedesk, "case.add_update", 0, id_data (id));
  g_autoptr(JsonNode) bad_uuid = apply_op (f, &servicedesk, "case.add_update", 0,
                                           json_parse_printf ("{\"id\":\"%s\",\"update\":{\"id\":\"u1\","
                                                              "\"phrase\":\"monitoring\",\"text\":\"x\"}}", id));
  g_autoptr(JsonNode) bad_phrase = apply_op (f, &servicedesk, "case.add_update", 0,
                                             update_data (id, "panicking", "x"));
  g_autoptr(JsonNode) close = apply_op (f, &servicedesk, "case.add_update", 0,
                                        json_parse_printf ("{\"id\":\"%s\",\"status\":\"closed\","
                                                           "\"update\":{\"id\":\"%s\",\"phrase\":\"resolved\","
                                                           "\"text\":\"x\"}}", id,
                                                           "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"));
  g_autoptr(DkCase) kase = load_case (f, id);

  assert_applied (first);
  assert_rejected (twice, "invalid_input");
  assert_rejected (role, "forbidden");
  assert_rejected (missing, "not_found");
  assert_rejected (no_update, "invalid_input");
  assert_rejected (bad_uuid, "invalid_input");
  assert_rejected (bad_phrase, "invalid_input");
  assert_rejected (close, "invalid_transition");
  g_assert_cmpuint (kase->updates->len, ==, 1);
  g_assert_cmpint (kase->status, ==, DK_CASE_STATUS_ONGOING);
}

static void
test_add_update_on_closed (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autoptr(JsonNode) closed = apply_op (f, &servicedesk, "case.close", 0, id_data (id));
  g_autoptr(JsonNode) result = apply_op (f, &servicedesk, "case.add_update", 0,
                                         update_data (id, "monitoring", "Late"));

  assert_applied (closed);
  assert_rejected (result, "invalid_transition");
}

/* ---- case.close ---- */

static void
test_case_close_applied (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autoptr(JsonNode) result = apply_op (f, &servicedesk2, "case.close", 0, id_data (id));
  g_autoptr(DkCase) kase = load_case (f, id);
  DkCaseUpdate *update;

  assert_applied (result);
  g_assert_cmpint (result_revision (result), ==, 2);
  g_assert_cmpint (kase->status, ==, DK_CASE_STATUS_CLOSED);
  g_assert_cmpint (kase->closed_at, ==, NOW);
  update = dk_case_get_latest_update (kase);
  g_assert_nonnull (update);
  g_assert_cmpint (update->phrase, ==, DK_UPDATE_PHRASE_RESOLVED);
  g_assert_cmpstr (update->text, ==, "Resolved");
  g_assert_cmpstr (update->author, ==, "sd2");
  g_assert_cmpint (update->at, ==, NOW);
}

static void
test_case_close_with_time (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autofree char *at = dk_time_format (NOW - 10 * 60);
  g_autoptr(JsonNode) result = apply_op (f, &servicedesk, "case.close", 0,
                                         json_parse_printf ("{\"id\":\"%s\",\"at\":\"%s\","
                                                            "\"text\":\"Server restarted\"}", id, at));
  g_autoptr(DkCase) kase = load_case (f, id);

  assert_applied (result);
  g_assert_cmpint (kase->closed_at, ==, NOW - 10 * 60);
  g_assert_cmpstr (dk_case_get_latest_update (kase)->text, ==, "Server restarted");
}

static void
test_case_close_rejections (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autofree char *before_start = dk_time_format (NOW - 2 * HOUR);
  g_autofree char *future = dk_time_format (NOW + HOUR);
  g_autoptr(JsonNode) early = apply_op (f, &servicedesk, "case.close", 0,
                                        json_parse_printf ("{\"id\":\"%s\",\"at\":\"%s\"}", id, before_start));
  g_autoptr(JsonNode) late = apply_op (f, &servicedesk, "case.close", 0,
                                       json_parse_printf ("{\"id\":\"%s\",\"at\":\"%s\"}", id, future));
  g_autoptr(JsonNode) role = apply_op (f, &release_coordinator, "case.close", 0, id_data (id));
  g_autoptr(JsonNode) once = apply_op (f, &servicedesk, "case.close", 0, id_data (id));
  g_autoptr(JsonNode) twice = apply_op (f, &servicedesk, "case.close", 0, id_data (id));
  g_autoptr(DkCase) kase = load_case (f, id);

  assert_rejected (early, "invalid_input");
  assert_rejected (late, "invalid_input");
  assert_rejected (role, "forbidden");
  assert_applied (once);
  assert_rejected (twice, "invalid_transition");
  g_assert_cmpint (kase->revision, ==, 2);
  g_assert_cmpuint (kase->updates->len, ==, 1);
}

static void
test_case_close_cancels_planned (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *id = create_case (f, DK_CASE_KIND_PLANNED, DK_AREA_IT_TELEPHONY);
  g_autoptr(JsonNode) result = apply_op (f, &release_coordinator, "case.close", 0,
                                         json_parse_printf ("{\"id\":\"%s\",\"text\":\"Cancelled\"}", id));
  g_autoptr(DkCase) kase = load_case (f, id);

  assert_applied (result);
  g_assert_cmpint (kase->status, ==, DK_CASE_STATUS_CLOSED);
  g_assert_cmpint (kase->closed_at, ==, NOW);
  g_assert_cmpstr (dk_case_get_latest_update (kase)->text, ==, "Cancelled");
}

/* ---- case.follow_up ---- */

static void
test_follow_up_applied (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autofree char *fid = g_uuid_string_random ();
  g_autoptr(JsonNode) closed = apply_op (f, &servicedesk, "case.close", 0, id_data (id));
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(DkCase) kase = NULL;
  DkCaseFollowUp *follow_up;

  assert_applied (closed);
  result = apply_op (f, &servicedesk2, "case.follow_up", 0,
                     json_parse_printf ("{\"id\":\"%s\",\"follow_up\":{\"id\":\"%s\","
                                        "\"text\":\"Lessons learned:\\nbetter alarms\","
                                        "\"author\":\"mallory\"}}", id, fid));
  assert_applied (result);
  g_assert_cmpint (result_revision (result), ==, 3);

  kase = load_case (f, id);
  g_assert_cmpuint (kase->follow_ups->len, ==, 1);
  follow_up = g_ptr_array_index (kase->follow_ups, 0);
  g_assert_cmpstr (follow_up->id, ==, fid);
  g_assert_cmpstr (follow_up->text, ==, "Lessons learned:\nbetter alarms");
  g_assert_cmpstr (follow_up->author, ==, "sd2");
  g_assert_cmpint (follow_up->at, ==, NOW);
  g_assert_cmpint (kase->status, ==, DK_CASE_STATUS_CLOSED);

  again = apply_op (f, &servicedesk2, "case.follow_up", 0,
                    json_parse_printf ("{\"id\":\"%s\",\"follow_up\":{\"id\":\"%s\","
                                       "\"text\":\"Again\"}}", id, fid));
  assert_rejected (again, "invalid_input");
}

static void
test_follow_up_rejections (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *id = create_it_incident (f);
  g_autofree char *fid = g_uuid_string_random ();
  g_autoptr(JsonNode) staff_result = apply_op (f, &staff, "case.follow_up", 0,
                                               json_parse_printf ("{\"id\":\"%s\",\"follow_up\":"
                                                                  "{\"id\":\"%s\",\"text\":\"x\"}}", id, fid));
  g_autoptr(JsonNode) no_text = apply_op (f, &servicedesk, "case.follow_up", 0,
                                          json_parse_printf ("{\"id\":\"%s\",\"follow_up\":"
                                                             "{\"id\":\"%s\"}}", id, fid));
  g_autoptr(JsonNode) bad_id = apply_op (f, &servicedesk, "case.follow_up", 0,
                                         json_parse_printf ("{\"id\":\"%s\",\"follow_up\":"
                                                            "{\"id\":\"f\",\"text\":\"x\"}}", id));
  g_autoptr(JsonNode) not_object = apply_op (f, &servicedesk, "case.follow_up", 0,
                                             json_parse_printf ("{\"id\":\"%s\",\"follow_up\":\"x\"}", id));

  assert_rejected (staff_result, "forbidden");
  assert_rejected (no_text, "invalid_input");
  assert_rejected (bad_id, "invalid_input");
  assert_rejected (not_object, "invalid_input");
}

/* ---- report.create ---- */

static JsonNode *
report_data (const char *service)
{
  g_autofree char *id = g_uuid_string_random ();

  return json_parse_printf ("{\"id\":\"%s\",\"kind\":\"fault\",\"service\":\"%s\","
                            "\"unit\":\"Ward 12\",\"reporter\":\"Anna Berg\","
                            "\"contact\":\"070-123 45 67\","
                            "\"description\":\"TES shows an error on log-in\"}", id, service);
}

static void
test_report_create_applied (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(JsonNode) node = report_data ("tes");
  g_autofree char *id = g_strdup (json_object_get_string_member (obj (node), "id"));
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) second = NULL;
  g_autoptr(DkReport) report = NULL;
  g_autoptr(GError) error = NULL;
  const char *number;

  json_object_set_string_member (obj (node), "state", "closed");
  json_object_set_string_member (obj (node), "created_by", "mallory");
  json_object_set_string_member (obj (node), "number", "FA-1");
  result = apply_op (f, &staff, "report.create", 0, g_steal_pointer (&node));
  assert_applied (result);
  g_assert_cmpstr (json_object_get_string_member (obj (result), "type"), ==, "report");
  number = json_object_get_string_member (obj (result), "number");
  g_assert_true (g_str_has_prefix (number, "FA-"));
  g_assert_cmpstr (number, !=, "FA-1");

  report = dk_server_load_report (f->db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (report->number, ==, number);
  g_assert_cmpint (report->state, ==, DK_REPORT_STATE_NEW);
  g_assert_cmpstr (report->created_by, ==, "nurse");
  g_assert_cmpint (report->created_at, ==, NOW);
  g_assert_cmpint (report->revision, ==, 1);
  g_assert_cmpstr (report->unit, ==, "Ward 12");

  second = apply_op (f, &staff2, "report.create", 0, report_data ("el"));
  assert_applied (second);
  g_assert_cmpint (g_ascii_strtoll (json_object_get_string_member (obj (second), "number") + 3,
                                    NULL, 10), ==, g_ascii_strtoll (number + 3, NULL, 10) + 1);
}

static void
test_report_create_rejections (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(JsonNode) unknown = apply_op (f, &staff, "report.create", 0, report_data ("nosuch"));
  g_autoptr(JsonNode) no_description = report_data ("tes");
  g_autoptr(JsonNode) bad_kind = report_data ("tes");
  g_autoptr(JsonNode) r1 = NULL;
  g_autoptr(JsonNode) r2 = NULL;

  json_object_remove_member (obj (no_description), "description");
  json_object_set_string_member (obj (bad_kind), "kind", "rumour");
  r1 = apply_op (f, &staff, "report.create", 0, g_steal_pointer (&no_description));
  r2 = apply_op (f, &staff, "report.create", 0, g_steal_pointer (&bad_kind));

  assert_rejected (unknown, "not_found");
  assert_rejected (r1, "invalid_input");
  assert_rejected (r2, "invalid_input");
}

/* ---- routines ---- */

static void
test_routine_save_approve_visibility (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(DkStoredObject) draft = NULL;
  g_autoptr(DkStoredObject) approved = NULL;
  g_autoptr(DkStoredObject) still = NULL;
  g_autoptr(DkRoutine) routine = NULL;
  g_autoptr(GError) error = NULL;

  save_routine (f, "tes-reserve", 1);
  draft = dk_server_db_get_object (f->db, DK_TYPE_NAME_ROUTINE, "tes-reserve", &error);
  g_assert_no_error (error);
  g_assert_nonnull (draft);
  g_assert_false (draft->public);
  g_assert_true (draft->readers & DK_ROLE_ROUTINE_OWNER);
  g_assert_false (draft->readers & DK_ROLE_STAFF);

  approve_routine (f, "tes-reserve", 1);
  approved = dk_server_db_get_object (f->db, DK_TYPE_NAME_ROUTINE, "tes-reserve", &error);
  g_assert_no_error (error);
  g_assert_true (approved->public);
  routine = dk_server_load_routine (f->db, "tes-reserve", &error);
  g_assert_no_error (error);
  g_assert_cmpint (routine->revision, ==, 1);
  g_assert_cmpint (routine->approved_at, ==, NOW);
  g_assert_cmpstr (routine->approved_by, ==, "ro");

  /* A new draft does not replace the approved object until it is approved. */
  save_routine (f, "tes-reserve", 2);
  g_clear_pointer (&routine, dk_routine_unref);
  routine = dk_server_load_routine (f->db, "tes-reserve", &error);
  g_assert_no_error (error);
  g_assert_cmpint (routine->revision, ==, 1);
  still = dk_server_db_get_object (f->db, DK_TYPE_NAME_ROUTINE, "tes-reserve", &error);
  g_assert_true (still->public);

  approve_routine (f, "tes-reserve", 2);
  g_clear_pointer (&routine, dk_routine_unref);
  routine = dk_server_load_routine (f->db, "tes-reserve", &error);
  g_assert_no_error (error);
  g_assert_cmpint (routine->revision, ==, 2);
  g_assert_cmpint (dk_server_db_latest_routine_revision (f->db, "tes-reserve"), ==, 2);
}

static void
test_routine_anonymous_feed (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  gsize size;
  const char *text;

  save_routine (f, "tes-reserve", 1);
  before = dk_server_db_changes_json (f->db, 0, 100, &anonymous, &error);
  g_assert_no_error (error);
  text = g_bytes_get_data (before, &size);
  g_assert_null (g_strstr_len (text, size, "tes-reserve"));

  approve_routine (f, "tes-reserve", 1);
  after = dk_server_db_changes_json (f->db, 0, 100, &anonymous, &error);
  g_assert_no_error (error);
  text = g_bytes_get_data (after, &size);
  g_assert_nonnull (g_strstr_len (text, size, "tes-reserve"));
}

static void
test_routine_save_conflict (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(JsonNode) r2 = NULL;
  g_autoptr(JsonNode) stale = NULL;
  g_autoptr(JsonNode) unknown_service = routine_data ("tes-reserve", "x");
  g_autoptr(JsonNode) r3 = NULL;

  save_routine (f, "tes-reserve", 1);
  r2 = apply_op (f, &routine_owner, "routine.save", 1, routine_data ("tes-reserve", "Second"));
  assert_applied (r2);
  g_assert_cmpint (result_revision (r2), ==, 2);
  stale = apply_op (f, &routine_owner, "routine.save", 1, routine_data ("tes-reserve", "Stale"));
  assert_status (stale, DK_RESULT_CONFLICT);
  g_assert_cmpint (result_revision (stale), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (obj (stale), "current"),
                                                  "title"), ==, "Second");

  json_object_set_member (obj (unknown_service), "services", json_parse_printf ("[\"nosuch\"]"));
  r3 = apply_op (f, &routine_owner, "routine.save", 0, g_steal_pointer (&unknown_service));
  assert_rejected (r3, "not_found");
}

static void
test_routine_rejections (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(JsonNode) by_staff = apply_op (f, &staff, "routine.save", 0,
                                           routine_data ("tes-reserve", "x"));
  g_autoptr(JsonNode) by_servicedesk = apply_op (f, &servicedesk, "routine.save", 0,
                                                 routine_data ("tes-reserve", "x"));
  g_autoptr(JsonNode) no_title = routine_data ("tes-reserve", "x");
  g_autoptr(JsonNode) r1 = NULL;
  g_autoptr(JsonNode) approve_staff = NULL;
  g_autoptr(JsonNode) approve_missing = NULL;
  g_autoptr(JsonNode) approve_old = NULL;
  g_autoptr(JsonNode) approve_twice = NULL;

  assert_rejected (by_staff, "forbidden");
  assert_rejected (by_servicedesk, "forbidden");
  json_object_remove_member (obj (no_title), "title");
  r1 = apply_op (f, &routine_owner, "routine.save", 0, g_steal_pointer (&no_title));
  assert_rejected (r1, "invalid_input");

  save_routine (f, "tes-reserve", 1);
  save_routine (f, "tes-reserve", 2);
  approve_staff = apply_op (f, &staff, "routine.approve", 0,
                            json_parse_printf ("{\"id\":\"tes-reserve\",\"revision\":2}"));
  assert_rejected (approve_staff, "forbidden");
  approve_missing = apply_op (f, &routine_owner, "routine.approve", 0,
                              json_parse_printf ("{\"id\":\"tes-reserve\",\"revision\":9}"));
  assert_rejected (approve_missing, "not_found");
  approve_old = apply_op (f, &routine_owner, "routine.approve", 0,
                          json_parse_printf ("{\"id\":\"tes-reserve\",\"revision\":1}"));
  assert_status (approve_old, DK_RESULT_CONFLICT);
  g_assert_cmpint (result_revision (approve_old), ==, 2);
  approve_routine (f, "tes-reserve", 2);
  approve_twice = apply_op (f, &routine_owner, "routine.approve", 0,
                            json_parse_printf ("{\"id\":\"tes-reserve\",\"revision\":2}"));
  assert_rejected (approve_twice, "invalid_transition");
}

/* ---- runs ---- */

static void
test_run_start_applied (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *case_id = create_it_incident (f);
  g_autofree char *run_id = g_uuid_string_random ();
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(DkRun) run = NULL;

  save_routine (f, "tes-reserve", 1);
  approve_routine (f, "tes-reserve", 1);
  result = apply_op (f, &staff, "run.start", 0,
                     json_parse_printf ("{\"id\":\"%s\",\"routine\":\"tes-reserve\","
                                        "\"unit\":\"Ward 12\",\"case\":\"%s\","
                                        "\"started_by\":\"mallory\",\"steps\":[{\"step\":\"print\","
                                        "\"done\":true}]}", run_id, case_id));
  assert_applied (result);
  g_assert_cmpstr (json_object_get_string_member (obj (result), "type"), ==, "run");
  g_assert_cmpint (result_revision (result), ==, 1);

  run = load_run (f, run_id);
  g_assert_cmpstr (run->routine, ==, "tes-reserve");
  g_assert_cmpstr (run->unit, ==, "Ward 12");
  g_assert_cmpstr (run->case_id, ==, case_id);
  g_assert_cmpstr (run->started_by, ==, "nurse");
  g_assert_cmpint (run->started_at, ==, NOW);
  g_assert_cmpint (run->finished_at, ==, DK_TIME_UNSET);
  g_assert_cmpuint (run->steps->len, ==, 0);
}

static void
test_run_start_rejections (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *unknown_case = g_uuid_string_random ();
  g_autoptr(JsonNode) no_routine = NULL;
  g_autoptr(JsonNode) draft = NULL;
  g_autoptr(JsonNode) bad_case = NULL;
  g_autoptr(JsonNode) no_unit = NULL;

  no_routine = apply_op (f, &staff, "run.start", 0,
                         json_parse_printf ("{\"id\":\"%s\",\"routine\":\"nosuch\","
                                            "\"unit\":\"Ward 12\"}", id));
  assert_rejected (no_routine, "not_found");

  save_routine (f, "tes-reserve", 1);
  draft = apply_op (f, &staff, "run.start", 0,
                    json_parse_printf ("{\"id\":\"%s\",\"routine\":\"tes-reserve\","
                                       "\"unit\":\"Ward 12\"}", id));
  assert_status (draft, DK_RESULT_REJECTED);

  approve_routine (f, "tes-reserve", 1);
  bad_case = apply_op (f, &staff, "run.start", 0,
                       json_parse_printf ("{\"id\":\"%s\",\"routine\":\"tes-reserve\","
                                          "\"unit\":\"Ward 12\",\"case\":\"%s\"}", id, unknown_case));
  assert_rejected (bad_case, "not_found");
  no_unit = apply_op (f, &staff, "run.start", 0,
                      json_parse_printf ("{\"id\":\"%s\",\"routine\":\"tes-reserve\"}", id));
  assert_rejected (no_unit, "invalid_input");
}

static void
test_run_set_step_applied (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *id = start_run (f);
  g_autoptr(JsonNode) result = set_step (f, &staff, id, "print", TRUE, NULL);
  g_autoptr(DkRun) run = load_run (f, id);
  DkRunStep *step;

  assert_applied (result);
  g_assert_cmpint (result_revision (result), ==, 2);
  step = dk_run_find_step (run, "print");
  g_assert_nonnull (step);
  g_assert_true (step->done);
  g_assert_cmpstr (step->by, ==, "nurse");
  g_assert_cmpint (step->at, ==, NOW);
}

static void
test_run_two_users_tick (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *id = start_run (f);
  g_autoptr(JsonNode) r1 = set_step (f, &staff, id, "report", TRUE, NULL);
  g_autoptr(JsonNode) r2 = set_step (f, &staff2, id, "report", TRUE, NULL);
  g_autoptr(DkRun) run = load_run (f, id);
  DkRunStep *step = dk_run_find_step (run, "report");
  g_autoptr(GPtrArray) people = NULL;

  assert_applied (r1);
  assert_applied (r2);
  g_assert_true (step->done);
  /* Both ticks are kept, each with its author; the later one names the step. */
  g_assert_cmpuint (step->ticks->len, ==, 2);
  people = dk_run_step_dup_people (step);
  g_assert_cmpuint (people->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (people, 0), ==, "nurse");
  g_assert_cmpstr (g_ptr_array_index (people, 1), ==, "nurse2");
  g_assert_cmpstr (step->by, ==, "nurse2");
  g_assert_cmpuint (run->steps->len, ==, 1);
}

static void
test_run_later_untick_wins (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *id = start_run (f);
  g_autoptr(JsonNode) r1 = set_step (f, &staff, id, "report", TRUE, NULL);
  /* nurse2 saw the tick and took it back: the later action decides... */
  g_autoptr(JsonNode) r2 = set_step (f, &staff2, id, "report", FALSE, NULL);
  g_autoptr(DkRun) run = load_run (f, id);
  DkRunStep *step = dk_run_find_step (run, "report");
  DkRunTick *first;

  assert_applied (r1);
  assert_applied (r2);
  g_assert_false (step->done);
  g_assert_cmpstr (step->by, ==, "nurse2");
  /* ...but the tick is still there, with who and when. */
  g_assert_cmpuint (step->ticks->len, ==, 2);
  first = g_ptr_array_index (step->ticks, 0);
  g_assert_true (first->done);
  g_assert_cmpstr (first->by, ==, "nurse");
  g_assert_cmpint (first->at, ==, NOW);
}

static void
test_run_notes_merge (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *id = start_run (f);
  g_autoptr(JsonNode) r1 = set_step (f, &staff, id, "register", TRUE, "Times on paper");
  g_autoptr(JsonNode) r2 = apply_op (f, &staff2, "run.set_step", 0,
                                     json_parse_printf ("{\"id\":\"%s\",\"step\":\"register\","
                                                        "\"note\":\"Forms in the red folder\"}",
                                                        id));
  g_autoptr(DkRun) run = load_run (f, id);
  DkRunStep *step = dk_run_find_step (run, "register");

  assert_applied (r1);
  assert_applied (r2);
  /* A note alone does not change the tick. */
  g_assert_true (step->done);
  g_assert_cmpstr (step->by, ==, "nurse");
  g_assert_cmpuint (step->notes->len, ==, 2);
  g_assert_cmpstr (step->note, ==, "Times on paper\nForms in the red folder");
  g_assert_cmpint (run->revision, ==, 3);
}

static void
test_run_untick_own (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *id = start_run (f);
  g_autoptr(JsonNode) r1 = set_step (f, &staff, id, "print", TRUE, NULL);
  g_autoptr(JsonNode) r2 = set_step (f, &staff, id, "print", FALSE, NULL);
  g_autoptr(DkRun) run = load_run (f, id);

  assert_applied (r1);
  assert_applied (r2);
  g_assert_false (dk_run_find_step (run, "print")->done);
}

static void
test_run_set_step_rejections (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *id = start_run (f);
  g_autofree char *unknown = g_uuid_string_random ();
  g_autoptr(JsonNode) no_step = set_step (f, &staff, id, "dance", TRUE, NULL);
  g_autoptr(JsonNode) no_run = set_step (f, &staff, unknown, "print", TRUE, NULL);
  g_autoptr(JsonNode) bad_done = apply_op (f, &staff, "run.set_step", 0,
                                           json_parse_printf ("{\"id\":\"%s\",\"step\":\"print\","
                                                              "\"done\":\"yes\"}", id));
  g_autoptr(JsonNode) missing_done = apply_op (f, &staff, "run.set_step", 0,
                                               json_parse_printf ("{\"id\":\"%s\",\"step\":\"print\"}", id));
  g_autoptr(JsonNode) finish = apply_op (f, &staff, "run.finish", 0, id_data (id));
  g_autoptr(JsonNode) after = set_step (f, &staff, id, "print", TRUE, NULL);

  assert_rejected (no_step, "not_found");
  assert_rejected (no_run, "not_found");
  assert_rejected (bad_done, "invalid_input");
  /* Neither done nor a note. */
  assert_rejected (missing_done, "invalid_input");
  assert_applied (finish);
  assert_rejected (after, "invalid_transition");
}

static void
test_run_finish (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *id = start_run (f);
  g_autoptr(JsonNode) mutation = mutation_new (NULL, "run.finish", 0, id_data (id));
  g_autoptr(JsonNode) first = apply (f, &staff2, mutation);
  g_autoptr(JsonNode) replay = apply (f, &staff2, mutation);
  g_autoptr(JsonNode) second = apply_op (f, &staff2, "run.finish", 0, id_data (id));
  g_autoptr(DkRun) run = load_run (f, id);

  assert_applied (first);
  g_assert_true (json_node_equal (first, replay));
  assert_rejected (second, "invalid_transition");
  g_assert_cmpint (run->finished_at, ==, NOW);
  g_assert_cmpint (run->revision, ==, 2);
}

/* ---- subscription.set ---- */

static void
test_subscription_set (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(JsonNode) r1 = apply_op (f, &staff, "subscription.set", 0,
                                     json_parse_printf ("{\"id\":\"sub:admin\",\"user\":\"admin\","
                                                        "\"areas\":[\"lab_medicine\"],"
                                                        "\"services\":[],\"kinds\":[],"
                                                        "\"min_priority\":3,\"major_only\":false,"
                                                        "\"all_crisis\":true,\"notify\":true}"));
  g_autoptr(JsonNode) r2 = apply_op (f, &staff, "subscription.set", 1,
                                     json_parse_printf ("{\"min_priority\":2}"));
  g_autoptr(JsonNode) other = apply_op (f, &staff2, "subscription.set", 0,
                                        json_parse_printf ("{\"notify\":false}"));
  g_autoptr(JsonNode) bad = apply_op (f, &staff, "subscription.set", 0,
                                      json_parse_printf ("{\"min_priority\":\"low\"}"));
  g_autoptr(DkSubscription) sub = NULL;
  g_autoptr(DkStoredObject) stolen = NULL;
  g_autoptr(GError) error = NULL;

  assert_applied (r1);
  g_assert_cmpstr (json_object_get_string_member (obj (r1), "object_id"), ==, "sub:nurse");
  g_assert_cmpint (result_revision (r1), ==, 1);
  assert_applied (r2);
  g_assert_cmpint (result_revision (r2), ==, 2);
  assert_applied (other);
  g_assert_cmpint (result_revision (other), ==, 1);
  assert_rejected (bad, "invalid_input");

  sub = dk_server_load_subscription (f->db, "sub:nurse", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sub->user, ==, "nurse");
  g_assert_cmpint (sub->min_priority, ==, 2);
  g_assert_cmpuint (sub->areas->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (sub->areas, 0), ==, "lab_medicine");
  g_assert_cmpint (sub->revision, ==, 2);

  stolen = dk_server_db_get_object (f->db, DK_TYPE_NAME_SUBSCRIPTION, "sub:admin", &error);
  g_assert_no_error (error);
  g_assert_null (stolen);
}

/* ---- service.save ---- */

static void
test_service_save (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JsonNode) r1 = apply_op (f, &admin, "service.save", 0,
                                     json_parse_printf ("{\"id\":\"rorpost\",\"name\":\"Rörpost\","
                                                        "\"area\":\"facilities\","
                                                        "\"description\":\"Pneumatic tubes\"}"));
  g_autoptr(JsonNode) r2 = apply_op (f, &admin, "service.save", 1,
                                     json_parse_printf ("{\"id\":\"rorpost\",\"name\":\"Rörpost 2\","
                                                        "\"area\":\"facilities\"}"));
  g_autoptr(JsonNode) stale = apply_op (f, &admin, "service.save", 1,
                                        json_parse_printf ("{\"id\":\"rorpost\",\"name\":\"Old\","
                                                           "\"area\":\"facilities\"}"));
  g_autoptr(JsonNode) forbidden = apply_op (f, &servicedesk, "service.save", 0,
                                            json_parse_printf ("{\"id\":\"x\",\"name\":\"X\","
                                                               "\"area\":\"facilities\"}"));
  g_autoptr(JsonNode) bad = apply_op (f, &admin, "service.save", 0,
                                      json_parse_printf ("{\"id\":\"y\",\"name\":\"Y\","
                                                         "\"area\":\"moon\"}"));
  g_autoptr(DkService) service = NULL;
  g_autoptr(GError) error = NULL;

  assert_applied (r1);
  g_assert_cmpint (result_revision (r1), ==, 1);
  assert_applied (r2);
  g_assert_cmpint (result_revision (r2), ==, 2);
  assert_status (stale, DK_RESULT_CONFLICT);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (obj (stale), "current"),
                                                  "name"), ==, "Rörpost 2");
  assert_rejected (forbidden, "forbidden");
  assert_rejected (bad, "invalid_input");

  service = dk_server_load_service (f->db, "rorpost", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (service->name, ==, "Rörpost 2");
  g_assert_cmpint (service->revision, ==, 2);
}

/* ---- main ---- */

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

static void
add_publish_matrix (void)
{
  static const struct { DkCaseKind kind; const char *name; } kinds[] = {
    { DK_CASE_KIND_INCIDENT, NULL }, { DK_CASE_KIND_PLANNED, "planned-" },
    { DK_CASE_KIND_CRISIS, "crisis-" },
  };
  static const struct { DkArea area; const char *name; } areas[] = {
    { DK_AREA_IT_TELEPHONY, "it" }, { DK_AREA_LAB_MEDICINE, "lab" },
    { DK_AREA_FACILITIES, "facilities" },
  };

  for (guint r = 0; r < G_N_ELEMENTS (publish_roles); r++)
    for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
      for (guint a = 0; a < G_N_ELEMENTS (areas); a++)
        {
          PublishCell *cell = g_new0 (PublishCell, 1);   /* lives as long as the program */
          g_autofree char *path = NULL;

          cell->role_name = publish_roles[r].name;
          cell->role = publish_roles[r].role;
          cell->kind = kinds[k].kind;
          cell->area = areas[a].area;
          cell->allowed = may_publish (cell->role, cell->kind, cell->area);
          path = g_strdup_printf ("/mutations/case-create/%s/%s-publish-%s%s",
                                  cell->role_name, cell->allowed ? "can" : "cannot",
                                  kinds[k].name != NULL ? kinds[k].name : "", areas[a].name);
          g_test_add (path, Fixture, cell, fixture_setup, test_case_create_matrix,
                      fixture_teardown);
        }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/mutations/envelope/anonymous-is-unauthorized", test_envelope_anonymous);
  ADD ("/mutations/envelope/bad-uuid-is-rejected", test_envelope_bad_uuid);
  ADD ("/mutations/envelope/unknown-op-is-rejected", test_envelope_unknown_op);
  ADD ("/mutations/envelope/bad-data-is-rejected", test_envelope_bad_data);
  ADD ("/mutations/replay/applied-answers-the-same", test_replay_applied);
  ADD ("/mutations/replay/rejected-answers-the-same", test_replay_rejected);
  ADD ("/mutations/replay/conflict-answers-the-same", test_replay_conflict);
  ADD ("/mutations/replay/another-user-gets-its-own-answer", test_replay_other_user);
  ADD ("/mutations/rejected/does-not-block-the-next", test_rejected_does_not_block);
  ADD ("/mutations/rejected/leaves-nothing-behind", test_rejected_rolls_back);
  ADD ("/mutations/audit/applied-is-written", test_audit_applied);

  add_publish_matrix ();
  ADD ("/mutations/case-create/applied", test_case_create_applied);
  ADD ("/mutations/case-create/numbers-increase", test_case_create_numbers_increase);
  ADD ("/mutations/case-create/server-owned-fields-ignored", test_case_create_server_owned);
  ADD ("/mutations/case-create/major-defaults-from-priority", test_case_create_major_default);
  ADD ("/mutations/case-create/initial-updates-get-server-author", test_case_create_initial_updates);
  ADD ("/mutations/case-create/update-in-the-future-is-rejected", test_case_create_future_update);
  ADD ("/mutations/case-create/bad-data-is-rejected", test_case_create_bad_data);
  ADD ("/mutations/case-create/unknown-service-is-rejected", test_case_create_unknown_service);
  ADD ("/mutations/case-create/existing-id-is-rejected", test_case_create_existing_id);
  ADD ("/mutations/case-create/closed-is-rejected", test_case_create_closed);
  ADD ("/mutations/case-create/lead-time/default-status", test_lead_time_default);
  ADD ("/mutations/case-create/lead-time/given-status", test_lead_time_given);

  ADD ("/mutations/case-edit/applied", test_case_edit_applied);
  ADD ("/mutations/case-edit/stale-base-revision-is-conflict", test_case_edit_conflict);
  ADD ("/mutations/case-edit/rejections", test_case_edit_rejections);
  ADD ("/mutations/case-edit/planned-status-moves", test_case_edit_planned_status);

  ADD ("/mutations/case-add-update/applied", test_add_update_applied);
  ADD ("/mutations/case-add-update/offline-time", test_add_update_offline_time);
  ADD ("/mutations/case-add-update/base-revision-not-checked", test_add_update_no_base_check);
  ADD ("/mutations/case-add-update/rejections", test_add_update_rejections);
  ADD ("/mutations/case-add-update/closed-case-is-rejected", test_add_update_on_closed);

  ADD ("/mutations/case-close/applied", test_case_close_applied);
  ADD ("/mutations/case-close/with-time-and-text", test_case_close_with_time);
  ADD ("/mutations/case-close/rejections-and-close-twice", test_case_close_rejections);
  ADD ("/mutations/case-close/planned-work-cancelled-before-start", test_case_close_cancels_planned);

  ADD ("/mutations/case-follow-up/applied-on-closed-case", test_follow_up_applied);
  ADD ("/mutations/case-follow-up/rejections", test_follow_up_rejections);

  ADD ("/mutations/report-create/applied", test_report_create_applied);
  ADD ("/mutations/report-create/rejections", test_report_create_rejections);

  ADD ("/mutations/routine/save-approve-visibility", test_routine_save_approve_visibility);
  ADD ("/mutations/routine/draft-hidden-from-anonymous-feed", test_routine_anonymous_feed);
  ADD ("/mutations/routine/save-stale-base-is-conflict", test_routine_save_conflict);
  ADD ("/mutations/routine/rejections", test_routine_rejections);

  ADD ("/mutations/run-start/applied", test_run_start_applied);
  ADD ("/mutations/run-start/rejections", test_run_start_rejections);
  ADD ("/mutations/run-set-step/applied", test_run_set_step_applied);
  ADD ("/mutations/run-set-step/two-users-tick-the-same-step", test_run_two_users_tick);
  ADD ("/mutations/run-set-step/a-later-untick-wins-and-keeps-the-tick", test_run_later_untick_wins);
  ADD ("/mutations/run-set-step/notes-from-two-users-kept", test_run_notes_merge);
  ADD ("/mutations/run-set-step/own-tick-can-be-unticked", test_run_untick_own);
  ADD ("/mutations/run-set-step/rejections", test_run_set_step_rejections);
  ADD ("/mutations/run-finish/finish-twice-and-replay", test_run_finish);

  ADD ("/mutations/subscription-set/applied", test_subscription_set);
  ADD ("/mutations/service-save/applied-conflict-and-rejections", test_service_save);

  return g_test_run ();
}
