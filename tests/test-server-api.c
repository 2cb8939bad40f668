/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-api.c: the HTTP API of a real driftkoll-server on 127.0.0.1 */

#include "config.h"

#include "dk-test-server.h"

typedef struct {
  DkTestServer *server;
  char         *admin;   /* tokens */
  char         *servicedesk;
} Fixture;

static const char *areas[] = { "it_telephony", "lab_medicine", "facilities" };
static const char *services[] = { "test-it", "test-lab", "test-fac" };

static char *
service_save_json (const char *id,
                   const char *area)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("{\"id\":\"%s\",\"op\":\"service.save\",\"base_revision\":0,"
                          "\"data\":{\"id\":\"%s\",\"name\":\"Test %s\",\"area\":\"%s\","
                          "\"description\":\"\"}}", uuid, id, id, area);
}

static const char *
service_for_area (const char *area)
{
  for (guint i = 0; i < G_N_ELEMENTS (areas); i++)
    if (g_str_equal (areas[i], area))
      return services[i];
  g_assert_not_reached ();
}

/* A case.create mutation; *out_case_id gets the case's id. */
static char *
case_create_json (const char  *kind,
                  const char  *area,
                  gboolean     public,
                  const char  *title,
                  char       **out_case_id)
{
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *case_id = g_uuid_string_random ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) start_time = g_date_time_add_days (now, g_str_equal (kind, "planned") ? 10 : 0);
  g_autofree char *start = g_date_time_format (start_time, "%Y-%m-%dT%H:%M:%SZ");
  char *json;

  json = g_strdup_printf ("{\"id\":\"%s\",\"op\":\"case.create\",\"base_revision\":0,"
                          "\"data\":{\"id\":\"%s\",\"kind\":\"%s\",\"area\":\"%s\","
                          "\"title\":\"%s\",\"description\":\"Beskrivning\",\"scope\":\"Alla\","
                          "\"services\":[\"%s\"],\"priority\":3,\"public\":%s,"
                          "\"start\":\"%s\",\"expected_end\":null}}",
                          mutation_id, case_id, kind, area, title, service_for_area (area),
                          public ? "true" : "false", start);
  if (out_case_id != NULL)
    *out_case_id = g_steal_pointer (&case_id);

  return json;
}

static const char *
result_status (JsonArray *results,
               guint      i)
{
  return json_object_get_string_member (json_array_get_object_element (results, i), "status");
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(GString) batch = g_string_new ("[");

  fixture->server = dk_test_server_new (TRUE);
  fixture->admin = dk_test_server_login (fixture->server, "admin", "demo");
  fixture->servicedesk = dk_test_server_login (fixture->server, "servicedesk", "demo");

  for (guint i = 0; i < G_N_ELEMENTS (areas); i++)
    {
      g_autofree char *one = service_save_json (services[i], areas[i]);
      g_string_append_printf (batch, "%s%s", i ? "," : "", one);
    }
  g_string_append (batch, "]");
  results = dk_test_server_mutate (fixture->server, fixture->admin, batch->str);
  for (guint i = 0; i < G_N_ELEMENTS (areas); i++)
    g_assert_cmpstr (result_status (results, i), ==, "applied");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->server, dk_test_server_free);
  g_clear_pointer (&fixture->admin, g_free);
  g_clear_pointer (&fixture->servicedesk, g_free);
}

static const char *
error_code (JsonNode *reply)
{
  JsonObject *error;

  g_assert_nonnull (reply);
  error = json_object_get_object_member (json_node_get_object (reply), "error");
  g_assert_nonnull (error);
  g_assert_true (json_object_has_member (error, "message"));
  g_assert_cmpstr (json_object_get_string_member (error, "message"), !=, "");

  return json_object_get_string_member (error, "code");
}

static guint
post_json (Fixture     *fixture,
           const char  *path,
           const char  *token,
           const char  *body,
           JsonNode   **reply)
{
  return dk_test_server_request (fixture->server, "POST", path, token, NULL, body, -1, reply,
                                 NULL);
}

static guint
get_json (Fixture     *fixture,
          const char  *path,
          const char  *token,
          JsonNode   **reply)
{
  return dk_test_server_request (fixture->server, "GET", path, token, NULL, NULL, 0, reply,
                                 NULL);
}

/* ---- health and routing ---- */

static void
test_healthz_answers_ok (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;

  g_assert_cmpuint (get_json (fixture, "/api/v1/healthz", NULL, &reply), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reply), "status"), ==, "ok");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (reply), "last_seq"), >, 0);
}

static void
test_unknown_api_path_is_json_404 (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;

  g_assert_cmpuint (get_json (fixture, "/api/v1/nothing-here", NULL, &reply), ==, 404);
  g_assert_cmpstr (error_code (reply), ==, "not_found");
}

static void
test_wrong_method_is_405 (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) reply2 = NULL;

  g_assert_cmpuint (get_json (fixture, "/api/v1/mutations", fixture->admin, &reply), ==, 405);
  g_assert_cmpstr (error_code (reply), ==, "method_not_allowed");
  g_assert_cmpuint (post_json (fixture, "/api/v1/changes", NULL, "{}", &reply2), ==, 405);
}

/* ---- sessions ---- */

static void
test_login_gives_token_and_roles (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;
  JsonObject *object, *user;
  JsonArray *roles;
  gboolean lab = FALSE;

  g_assert_cmpuint (post_json (fixture, "/api/v1/session", NULL,
                               "{\"username\":\"lab_communicator\",\"password\":\"demo\"}", &reply),
                    ==, 200);
  object = json_node_get_object (reply);
  g_assert_cmpuint (strlen (json_object_get_string_member (object, "token")), >=, 32);
  g_assert_nonnull (json_object_get_string_member (object, "expires"));
  user = json_object_get_object_member (object, "user");
  g_assert_cmpstr (json_object_get_string_member (user, "username"), ==, "lab_communicator");
  roles = json_object_get_array_member (user, "roles");
  for (guint i = 0; i < json_array_get_length (roles); i++)
    lab |= g_str_equal (json_array_get_string_element (roles, i), "lab_communicator");
  g_assert_true (lab);
}

static void
test_login_wrong_password_is_401 (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) reply2 = NULL;

  g_assert_cmpuint (post_json (fixture, "/api/v1/session", NULL,
                               "{\"username\":\"staff\",\"password\":\"wrong\"}", &reply), ==, 401);
  g_assert_cmpstr (error_code (reply), ==, "unauthorized");
  g_assert_cmpuint (post_json (fixture, "/api/v1/session", NULL,
                               "{\"username\":\"nobody\",\"password\":\"demo\"}", &reply2), ==, 401);
  g_assert_cmpstr (error_code (reply2), ==, "unauthorized");
}

static void
test_login_bad_bodies_are_400 (Fixture       *fixture,
                               gconstpointer  data)
{
  const char *bodies[] = {
    "{\"username\":\"staff\",",                    /* malformed */
    "[1,2,3]",                                     /* not an object */
    "{\"username\":42,\"password\":\"demo\"}",     /* wrong type */
    "{\"password\":\"demo\"}",                     /* missing field */
    "{\"username\":\"st\\u0001aff\",\"password\":\"demo\"}", /* control character */
    "",                                            /* empty */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(JsonNode) reply = NULL;

      g_test_message ("body: %s", bodies[i]);
      g_assert_cmpuint (post_json (fixture, "/api/v1/session", NULL, bodies[i], &reply), ==, 400);
      g_assert_cmpstr (error_code (reply), ==, "invalid_input");
    }
}

static void
test_login_throttled_after_failures (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;

  /* Past the free failures the user meets a lock on the way to eight. */
  g_assert_cmpuint (dk_test_server_fail_logins (fixture->server, "staff", 8), >, 0);

  /* Even the right password waits now. */
  g_assert_cmpuint (post_json (fixture, "/api/v1/session", NULL,
                               "{\"username\":\"staff\",\"password\":\"demo\"}", &reply), ==, 429);
  g_assert_cmpstr (error_code (reply), ==, "too_many_requests");
}

static void
test_logout_revokes_token (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *token = dk_test_server_login (fixture->server, "staff", "demo");
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(JsonNode) whoami = NULL;

  g_assert_cmpuint (get_json (fixture, "/api/v1/session", token, &whoami), ==, 200);
  g_assert_cmpuint (dk_test_server_request (fixture->server, "DELETE", "/api/v1/session", token,
                                            NULL, NULL, 0, &reply, NULL), ==, 200);
  g_assert_cmpuint (get_json (fixture, "/api/v1/changes?since=0", token, &after), ==, 401);
  g_assert_cmpstr (error_code (after), ==, "unauthorized");
}

static void
test_unknown_token_is_401 (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;

  g_assert_cmpuint (get_json (fixture, "/api/v1/changes", "0123456789abcdef", &reply), ==, 401);
  g_assert_cmpstr (error_code (reply), ==, "unauthorized");
}

static void
test_disabled_user_loses_session (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *token = dk_test_server_login (fixture->server, "staff", "demo");
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) login = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (dk_test_server_run_cli (fixture->server, NULL, NULL, &err, "user", "disable",
                                           "--db", fixture->server->db_path, "staff", NULL), ==, 0);
  g_assert_cmpuint (get_json (fixture, "/api/v1/changes", token, &reply), ==, 401);
  g_assert_cmpuint (post_json (fixture, "/api/v1/session", NULL,
                               "{\"username\":\"staff\",\"password\":\"demo\"}", &login), ==, 401);
  /* answered as a wrong password is (issue 13): the answer tells no guesser it was right */
  g_assert_cmpstr (error_code (login), ==, "unauthorized");
}

/* ---- changes ---- */

static gboolean
changes_have (GPtrArray  *changes,
              const char *type,
              const char *id)
{
  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);

      if (g_str_equal (json_object_get_string_member (change, "type"), type) &&
          (id == NULL || g_str_equal (json_object_get_string_member (change, "id"), id)))
        return TRUE;
    }
  return FALSE;
}

static void
assert_anonymous_view_is_public (GPtrArray *changes)
{
  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);
      const char *type = json_object_get_string_member (change, "type");
      JsonNode *data_node = json_object_get_member (change, "data");
      JsonObject *data;

      g_assert_true (g_str_equal (type, "case") || g_str_equal (type, "service") ||
                     g_str_equal (type, "routine"));
      if (json_object_get_boolean_member (change, "deleted"))
        {
          g_assert_true (data_node == NULL || JSON_NODE_HOLDS_NULL (data_node));
          continue;
        }
      data = json_node_get_object (data_node);
      if (g_str_equal (type, "case"))
        g_assert_true (json_object_get_boolean_member (data, "public"));
      if (g_str_equal (type, "routine"))
        g_assert_false (JSON_NODE_HOLDS_NULL (json_object_get_member (data, "approved_at")));
    }
}

static void
test_changes_anonymous_sees_only_public (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GPtrArray) anonymous = dk_test_server_pull_all (fixture->server, NULL, 1000, NULL);
  g_autoptr(GPtrArray) staff = dk_test_server_pull_all (fixture->server, fixture->servicedesk, 1000, NULL);
  guint public_cases = 0, all_cases = 0;

  assert_anonymous_view_is_public (anonymous);
  for (guint i = 0; i < anonymous->len; i++)
    public_cases += g_str_equal (json_object_get_string_member (g_ptr_array_index (anonymous, i), "type"), "case");
  for (guint i = 0; i < staff->len; i++)
    all_cases += g_str_equal (json_object_get_string_member (g_ptr_array_index (staff, i), "type"), "case");

  g_assert_cmpuint (public_cases, >, 0);
  g_assert_cmpuint (all_cases, >, public_cases);
  g_assert_true (changes_have (anonymous, "service", NULL));
  g_assert_true (changes_have (anonymous, "routine", NULL));
}

static void
test_changes_bad_parameters_are_400 (Fixture       *fixture,
                                     gconstpointer  data)
{
  const char *paths[] = {
    "/api/v1/changes?since=abc",
    "/api/v1/changes?since=-1",
    "/api/v1/changes?limit=0",
    "/api/v1/changes?limit=100000000",
    "/api/v1/changes?since=99999999999999999999999",
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(JsonNode) reply = NULL;

      g_test_message ("%s", paths[i]);
      g_assert_cmpuint (get_json (fixture, paths[i], NULL, &reply), ==, 400);
      g_assert_cmpstr (error_code (reply), ==, "invalid_input");
    }
}

static void
test_changes_paging_has_no_gaps (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GPtrArray) whole = dk_test_server_pull_all (fixture->server, fixture->admin, 5000, NULL);
  guint pages = 0;
  g_autoptr(GPtrArray) paged = dk_test_server_pull_all (fixture->server, fixture->admin, 3, &pages);
  gint64 previous = 0;

  g_assert_cmpuint (paged->len, ==, whole->len);
  g_assert_cmpuint (pages, >=, whole->len / 3);
  for (guint i = 0; i < paged->len; i++)
    {
      gint64 seq = json_object_get_int_member (g_ptr_array_index (paged, i), "seq");

      g_assert_cmpint (seq, >, previous);
      g_assert_cmpint (seq, ==, json_object_get_int_member (g_ptr_array_index (whole, i), "seq"));
      previous = seq;
    }
}

/* ---- mutations ---- */

static void
test_mutations_need_login (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *one = case_create_json ("incident", "it_telephony", TRUE, "Anonym", NULL);
  g_autofree char *body = g_strdup_printf ("{\"mutations\":[%s]}", one);
  g_autoptr(JsonNode) reply = NULL;

  g_assert_cmpuint (post_json (fixture, "/api/v1/mutations", NULL, body, &reply), ==, 401);
  g_assert_cmpstr (error_code (reply), ==, "unauthorized");
}

static void
test_mutations_create_case_then_pull (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autofree char *case_id = NULL;
  g_autofree char *one = case_create_json ("incident", "it_telephony", TRUE, "TES står still", &case_id);
  g_autofree char *batch = g_strdup_printf ("[%s]", one);
  g_autoptr(JsonArray) results = dk_test_server_mutate (fixture->server, fixture->servicedesk, batch);
  g_autoptr(GPtrArray) anonymous = NULL;
  JsonObject *result = json_array_get_object_element (results, 0);

  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  g_assert_cmpint (json_object_get_int_member (result, "revision"), ==, 1);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (result, "number"), "DK-"));

  anonymous = dk_test_server_pull_all (fixture->server, NULL, 1000, NULL);
  g_assert_true (changes_have (anonymous, "case", case_id));
}

static void
test_mutations_replay_answers_the_same (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autofree char *one = case_create_json ("incident", "it_telephony", FALSE, "Replay", NULL);
  g_autofree char *batch = g_strdup_printf ("[%s]", one);
  g_autoptr(JsonArray) first = dk_test_server_mutate (fixture->server, fixture->servicedesk, batch);
  g_autoptr(JsonNode) health1 = NULL;
  g_autoptr(JsonNode) health2 = NULL;
  g_autoptr(JsonArray) second = NULL;
  g_autoptr(JsonArray) third = NULL;
  g_autoptr(JsonNode) first_node = json_node_init_array (json_node_alloc (), first);
  g_autofree char *first_text = json_to_string (first_node, FALSE);

  get_json (fixture, "/api/v1/healthz", NULL, &health1);
  second = dk_test_server_mutate (fixture->server, fixture->servicedesk, batch);
  get_json (fixture, "/api/v1/healthz", NULL, &health2);
  {
    g_autoptr(JsonNode) second_node = json_node_init_array (json_node_alloc (), second);
    g_autofree char *second_text = json_to_string (second_node, FALSE);
    g_assert_cmpstr (first_text, ==, second_text);
  }
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (health1), "last_seq"), ==,
                   json_object_get_int_member (json_node_get_object (health2), "last_seq"));

  /* Also after a restart. */
  dk_test_server_stop (fixture->server, FALSE);
  dk_test_server_start (fixture->server);
  g_free (fixture->servicedesk);
  fixture->servicedesk = dk_test_server_login (fixture->server, "servicedesk", "demo");
  third = dk_test_server_mutate (fixture->server, fixture->servicedesk, batch);
  {
    g_autoptr(JsonNode) third_node = json_node_init_array (json_node_alloc (), third);
    g_autofree char *third_text = json_to_string (third_node, FALSE);
    g_assert_cmpstr (first_text, ==, third_text);
  }
}

static void
test_mutations_rejected_does_not_block (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autofree char *bad = case_create_json ("incident", "lab_medicine", TRUE, "Fel område", NULL);
  g_autofree char *good = case_create_json ("incident", "it_telephony", TRUE, "Rätt område", NULL);
  g_autofree char *batch = g_strdup_printf ("[%s,{\"id\":\"not-a-uuid\",\"op\":\"case.create\",\"data\":{}},"
                                            "{\"id\":\"%s\",\"op\":\"case.explode\",\"data\":{}},%s]",
                                            bad, "6f1c7a4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", good);
  g_autoptr(JsonArray) results = dk_test_server_mutate (fixture->server, fixture->servicedesk, batch);
  JsonObject *error;

  g_assert_cmpuint (json_array_get_length (results), ==, 4);
  g_assert_cmpstr (result_status (results, 0), ==, "rejected");
  error = json_object_get_object_member (json_array_get_object_element (results, 0), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "forbidden");
  g_assert_cmpstr (result_status (results, 1), ==, "rejected");
  g_assert_cmpstr (result_status (results, 2), ==, "rejected");
  error = json_object_get_object_member (json_array_get_object_element (results, 2), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "unknown_operation");
  g_assert_cmpstr (result_status (results, 3), ==, "applied");
}

static void
test_mutations_conflict_returns_current (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autofree char *case_id = NULL;
  g_autofree char *create = case_create_json ("incident", "it_telephony", TRUE, "Konflikt", &case_id);
  g_autofree char *batch = g_strdup_printf ("[%s]", create);
  g_autoptr(JsonArray) created = dk_test_server_mutate (fixture->server, fixture->servicedesk, batch);
  g_autofree char *m1 = g_uuid_string_random ();
  g_autofree char *m2 = g_uuid_string_random ();
  g_autofree char *edits = g_strdup_printf (
      "[{\"id\":\"%s\",\"op\":\"case.edit\",\"base_revision\":1,\"data\":{\"id\":\"%s\",\"title\":\"Ny titel\"}},"
      " {\"id\":\"%s\",\"op\":\"case.edit\",\"base_revision\":1,\"data\":{\"id\":\"%s\",\"title\":\"Annan titel\"}}]",
      m1, case_id, m2, case_id);
  g_autoptr(JsonArray) results = dk_test_server_mutate (fixture->server, fixture->servicedesk, edits);
  JsonObject *conflict;

  g_assert_cmpstr (result_status (created, 0), ==, "applied");
  g_assert_cmpstr (result_status (results, 0), ==, "applied");
  g_assert_cmpstr (result_status (results, 1), ==, "conflict");
  conflict = json_array_get_object_element (results, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (conflict, "current"), "title"),
                   ==, "Ny titel");
}

static void
test_mutations_bad_batches (Fixture       *fixture,
                            gconstpointer  data)
{
  struct { const char *body; guint status; const char *code; } cases[] = {
    { "{\"mutations\":{}}", 400, "invalid_input" },
    { "{\"mutations\":\"x\"}", 400, "invalid_input" },
    { "{}", 400, "invalid_input" },
    { "{\"mutations\":[", 400, "invalid_input" },
    { "null", 400, "invalid_input" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) reply = NULL;

      g_test_message ("%s", cases[i].body);
      g_assert_cmpuint (post_json (fixture, "/api/v1/mutations", fixture->servicedesk, cases[i].body, &reply),
                        ==, cases[i].status);
      g_assert_cmpstr (error_code (reply), ==, cases[i].code);
    }
}

static void
test_mutations_oversized_body_is_413 (Fixture       *fixture,
                                      gconstpointer  data)
{
  gsize size = 2 * 1024 * 1024;
  g_autofree char *body = g_malloc (size + 1);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) health = NULL;
  guint status;

  memset (body, ' ', size);
  body[0] = '{';
  body[size - 1] = '}';
  body[size] = '\0';
  status = dk_test_server_request (fixture->server, "POST", "/api/v1/mutations", fixture->servicedesk,
                                   NULL, body, size, &reply, NULL);
  g_assert_cmpuint (status, ==, 413);
  g_assert_cmpstr (error_code (reply), ==, "too_large");

  /* The server is still there. */
  g_assert_cmpuint (get_json (fixture, "/api/v1/healthz", NULL, &health), ==, 200);
}

static void
test_mutations_too_many_in_one_batch (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GString) body = g_string_new ("{\"mutations\":[");
  g_autoptr(JsonNode) reply = NULL;

  for (guint i = 0; i < 501; i++)
    g_string_append (body, i ? ",{}" : "{}");
  g_string_append (body, "]}");
  g_assert_cmpuint (post_json (fixture, "/api/v1/mutations", fixture->servicedesk, body->str, &reply), ==, 413);
  g_assert_cmpstr (error_code (reply), ==, "too_large");
}

/* ---- roles: every role × kind × area ---- */

static void
test_roles_matrix (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *roles[] = { "staff", "servicedesk", "customer_center", "lab_communicator",
                          "crisis_communicator", "release_coordinator", "routine_owner", "admin" };
  const char *kinds[] = { "incident", "planned", "crisis" };

  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    {
      g_autofree char *token = dk_test_server_login (fixture->server, roles[r], "demo");
      g_autoptr(GString) batch = g_string_new ("[");
      g_autoptr(JsonArray) results = NULL;
      guint n = 0;

      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        for (guint a = 0; a < G_N_ELEMENTS (areas); a++)
          {
            g_autofree char *one = case_create_json (kinds[k], areas[a], FALSE, "Matris", NULL);
            g_string_append_printf (batch, "%s%s", n++ ? "," : "", one);
          }
      g_string_append (batch, "]");
      results = dk_test_server_mutate (fixture->server, token, batch->str);

      n = 0;
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        for (guint a = 0; a < G_N_ELEMENTS (areas); a++)
          {
            const char *role = roles[r], *kind = kinds[k], *area = areas[a];
            gboolean allowed =
              (g_str_equal (role, "servicedesk") && g_str_equal (kind, "incident") && g_str_equal (area, "it_telephony")) ||
              (g_str_equal (role, "customer_center") && g_str_equal (kind, "incident") && g_str_equal (area, "facilities")) ||
              (g_str_equal (role, "lab_communicator") && g_str_equal (kind, "incident") && g_str_equal (area, "lab_medicine")) ||
              (g_str_equal (role, "crisis_communicator") && g_str_equal (kind, "crisis")) ||
              (g_str_equal (role, "release_coordinator") && g_str_equal (kind, "planned"));

            g_test_message ("%s %s %s", role, kind, area);
            g_assert_cmpstr (result_status (results, n), ==, allowed ? "applied" : "rejected");
            if (!allowed)
              {
                JsonObject *error = json_object_get_object_member (json_array_get_object_element (results, n), "error");
                g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "forbidden");
              }
            n++;
          }
    }
}

/* ---- visibility on every surface ---- */

static char *
fetch_text (Fixture    *fixture,
            const char *path)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize length;
  const char *data;

  g_assert_cmpuint (dk_test_server_request (fixture->server, "GET", path, NULL, NULL, NULL, 0, NULL,
                                            &bytes), ==, 200);
  data = g_bytes_get_data (bytes, &length);
  return g_strndup (data, length);
}

static void
test_internal_case_never_reaches_anonymous (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autofree char *internal_id = NULL;
  g_autofree char *public_id = NULL;
  g_autofree char *internal = case_create_json ("incident", "it_telephony", FALSE, "HEMLIG-intern-störning", &internal_id);
  g_autofree char *public = case_create_json ("incident", "it_telephony", TRUE, "Öppen-störning-för-alla", &public_id);
  g_autofree char *batch = g_strdup_printf ("[%s,%s]", internal, public);
  g_autoptr(JsonArray) results = dk_test_server_mutate (fixture->server, fixture->servicedesk, batch);
  g_autoptr(GPtrArray) anonymous = NULL;
  g_autofree char *page = NULL;
  g_autofree char *feed = NULL;

  g_assert_cmpstr (result_status (results, 0), ==, "applied");
  g_assert_cmpstr (result_status (results, 1), ==, "applied");

  anonymous = dk_test_server_pull_all (fixture->server, NULL, 1000, NULL);
  g_assert_false (changes_have (anonymous, "case", internal_id));
  g_assert_true (changes_have (anonymous, "case", public_id));

  page = fetch_text (fixture, "/");
  feed = fetch_text (fixture, "/feed.atom");
  g_assert_null (strstr (page, "HEMLIG"));
  g_assert_null (strstr (feed, "HEMLIG"));
  g_assert_nonnull (strstr (page, "Öppen-störning-för-alla"));
  g_assert_nonnull (strstr (feed, "Öppen-störning-för-alla"));
}

static void
test_public_case_made_internal_is_a_tombstone (Fixture       *fixture,
                                               gconstpointer  data)
{
  g_autofree char *case_id = NULL;
  g_autofree char *create = case_create_json ("incident", "it_telephony", TRUE, "Blir intern", &case_id);
  g_autofree char *batch = g_strdup_printf ("[%s]", create);
  g_autoptr(JsonArray) created = dk_test_server_mutate (fixture->server, fixture->servicedesk, batch);
  g_autofree char *mutation = g_uuid_string_random ();
  g_autofree char *edit = g_strdup_printf (
      "[{\"id\":\"%s\",\"op\":\"case.edit\",\"base_revision\":1,\"data\":{\"id\":\"%s\",\"public\":false}}]",
      mutation, case_id);
  g_autoptr(JsonArray) edited = dk_test_server_mutate (fixture->server, fixture->servicedesk, edit);
  g_autoptr(GPtrArray) anonymous = dk_test_server_pull_all (fixture->server, NULL, 1000, NULL);
  gboolean tombstone = FALSE;

  g_assert_cmpstr (result_status (created, 0), ==, "applied");
  g_assert_cmpstr (result_status (edited, 0), ==, "applied");
  for (guint i = 0; i < anonymous->len; i++)
    {
      JsonObject *change = g_ptr_array_index (anonymous, i);

      if (!g_str_equal (json_object_get_string_member (change, "id"), case_id))
        continue;
      g_assert_true (json_object_get_boolean_member (change, "deleted"));
      tombstone = TRUE;
    }
  g_assert_true (tombstone);
}

static void
test_public_page_and_feed_types (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *page = fetch_text (fixture, "/");
  g_autofree char *feed = fetch_text (fixture, "/feed.atom");
  g_autoptr(JsonNode) reply = NULL;

  g_assert_true (g_str_has_prefix (page, "<!DOCTYPE html>") || g_str_has_prefix (page, "<!doctype html>"));
  g_assert_nonnull (strstr (feed, "http://www.w3.org/2005/Atom"));
  g_assert_cmpuint (dk_test_server_request (fixture->server, "GET", "/no-such-page", NULL, NULL, NULL, 0,
                                            NULL, NULL), ==, 404);
}

/* ---- durability ---- */

static void
test_sigkill_keeps_acknowledged_changes (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *token = NULL;

  for (guint round = 0; round < 5; round++)
    {
      g_autoptr(GString) batch = g_string_new ("[");
      g_autoptr(JsonArray) results = NULL;

      for (guint i = 0; i < 20; i++)
        {
          char *case_id = NULL;
          g_autofree char *one = case_create_json ("incident", "it_telephony", FALSE, "Kvar efter kill", &case_id);
          g_string_append_printf (batch, "%s%s", i ? "," : "", one);
          g_ptr_array_add (ids, case_id);
        }
      g_string_append (batch, "]");
      results = dk_test_server_mutate (fixture->server, fixture->servicedesk, batch->str);
      for (guint i = 0; i < 20; i++)
        g_assert_cmpstr (result_status (results, i), ==, "applied");
    }

  dk_test_server_stop (fixture->server, TRUE);
  dk_test_server_start (fixture->server);
  token = dk_test_server_login (fixture->server, "servicedesk", "demo");
  after = dk_test_server_pull_all (fixture->server, token, 5000, NULL);
  for (guint i = 0; i < ids->len; i++)
    g_assert_true (changes_have (after, "case", g_ptr_array_index (ids, i)));
}

/* ---- WebSocket push ---- */

typedef struct {
  GMainLoop *loop;
  GPtrArray *messages;
  guint      wanted;
} Events;

static void
events_message_cb (SoupWebsocketConnection *connection,
                   gint                     type,
                   GBytes                  *message,
                   gpointer                 user_data)
{
  Events *events = user_data;
  gsize length;
  const char *data = g_bytes_get_data (message, &length);

  g_ptr_array_add (events->messages, g_strndup (data, length));
  if (events->messages->len >= events->wanted)
    g_main_loop_quit (events->loop);
}

static void
events_connected_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SoupWebsocketConnection **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
events_timeout_cb (gpointer user_data)
{
  g_error ("timed out waiting for a WebSocket message");
  return G_SOURCE_REMOVE;
}

static gint64
message_seq (const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  return json_object_get_int_member (json_node_get_object (node), "last_seq");
}

static void
test_events_push_new_seq (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *url = g_strconcat (fixture->server->url, "api/v1/events", NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  Events events = { loop, messages, 1 };
  g_autofree char *one = case_create_json ("incident", "it_telephony", TRUE, "Push", NULL);
  g_autofree char *batch = g_strdup_printf ("[%s]", one);
  g_autoptr(JsonArray) results = NULL;
  guint timeout;

  url[0] = 'w'; url[1] = 's'; url[2] = ':';
  memmove (url + 3, url + 5, strlen (url + 5) + 1);   /* "http://" → "ws://" */
  msg = soup_message_new ("GET", url);
  soup_session_websocket_connect_async (fixture->server->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, events_connected_cb, &connection);
  while (connection == NULL)
    g_main_context_iteration (NULL, TRUE);

  timeout = g_timeout_add_seconds (30, events_timeout_cb, NULL);
  g_signal_connect (connection, "message", G_CALLBACK (events_message_cb), &events);
  g_main_loop_run (loop);                       /* the current seq on connect */

  results = dk_test_server_mutate (fixture->server, fixture->servicedesk, batch);
  g_assert_cmpstr (result_status (results, 0), ==, "applied");
  events.wanted = 2;
  if (messages->len < 2)
    g_main_loop_run (loop);
  g_source_remove (timeout);

  g_assert_cmpint (message_seq (g_ptr_array_index (messages, 1)), >,
                   message_seq (g_ptr_array_index (messages, 0)));
  soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}

/* A peer that never answers pings is closed: the server pings every second here. */
static void
test_events_silent_peer_is_closed (Fixture       *fixture,
                                   gconstpointer  data)
{
  static const char handshake[] =
    "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) received = g_byte_array_new ();
  g_autoptr(GUri) uri = NULL;
  GInputStream *in;
  gboolean pinged = FALSE, closed = FALSE;
  guint8 buffer[4096];
  gssize n;

  dk_test_server_stop (fixture->server, FALSE);
  g_setenv ("DRIFTKOLL_WS_KEEPALIVE", "1", TRUE);
  dk_test_server_start (fixture->server);
  g_unsetenv ("DRIFTKOLL_WS_KEEPALIVE");

  uri = g_uri_parse (fixture->server->url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_socket_client_set_timeout (client, 30);
  connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri), g_uri_get_port (uri),
                                                NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             handshake, strlen (handshake), NULL, NULL, &error);
  g_assert_no_error (error);

  /* Read until the server hangs up; never answer a ping. */
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &error)) > 0)
    g_byte_array_append (received, buffer, n);
  g_assert_no_error (error);

  g_assert_nonnull (g_strstr_len ((const char *) received->data, received->len,
                                  "HTTP/1.1 101"));
  for (guint i = 0; i < received->len; i++)
    {
      pinged |= received->data[i] == 0x89;   /* FIN + ping */
      closed |= received->data[i] == 0x88;   /* FIN + close */
    }
  g_assert_true (pinged);
  g_assert_true (closed);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/server/healthz/answers-ok", test_healthz_answers_ok);
  ADD ("/server/routing/unknown-api-path-is-json-404", test_unknown_api_path_is_json_404);
  ADD ("/server/routing/wrong-method-is-405", test_wrong_method_is_405);
  ADD ("/server/session/login/gives-token-and-roles", test_login_gives_token_and_roles);
  ADD ("/server/session/login/wrong-password-is-401", test_login_wrong_password_is_401);
  ADD ("/server/session/login/bad-bodies-are-400", test_login_bad_bodies_are_400);
  ADD ("/server/session/login/throttled-after-failures", test_login_throttled_after_failures);
  ADD ("/server/session/logout/revokes-token", test_logout_revokes_token);
  ADD ("/server/session/unknown-token-is-401", test_unknown_token_is_401);
  ADD ("/server/session/disabled-user-loses-session", test_disabled_user_loses_session);
  ADD ("/server/changes/anonymous/sees-only-public", test_changes_anonymous_sees_only_public);
  ADD ("/server/changes/bad-parameters-are-400", test_changes_bad_parameters_are_400);
  ADD ("/server/changes/paging/has-no-gaps", test_changes_paging_has_no_gaps);
  ADD ("/server/mutations/need-login", test_mutations_need_login);
  ADD ("/server/mutations/create-case-then-pull", test_mutations_create_case_then_pull);
  ADD ("/server/mutations/replay-answers-the-same", test_mutations_replay_answers_the_same);
  ADD ("/server/mutations/rejected-does-not-block", test_mutations_rejected_does_not_block);
  ADD ("/server/mutations/conflict-returns-current", test_mutations_conflict_returns_current);
  ADD ("/server/mutations/bad-batches-are-400", test_mutations_bad_batches);
  ADD ("/server/mutations/oversized-body-is-413", test_mutations_oversized_body_is_413);
  ADD ("/server/mutations/too-many-in-one-batch", test_mutations_too_many_in_one_batch);
  ADD ("/server/roles/every-role-kind-and-area", test_roles_matrix);
  ADD ("/server/visibility/internal-case-never-reaches-anonymous", test_internal_case_never_reaches_anonymous);
  ADD ("/server/visibility/public-made-internal-is-a-tombstone", test_public_case_made_internal_is_a_tombstone);
  ADD ("/server/public/page-and-feed", test_public_page_and_feed_types);
  ADD ("/server/durability/sigkill-keeps-acknowledged-changes", test_sigkill_keeps_acknowledged_changes);
  ADD ("/server/events/push-new-seq", test_events_push_new_seq);
  ADD ("/server/events/silent-peer-is-closed", test_events_silent_peer_is_closed);

  return g_test_run ();
}
