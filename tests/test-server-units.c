/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-units.c: unit.save and unit.delete against a real database file: roles,
 * validation, duplicates across the catalogue, conflicts, who reads units, the audit log
 * and the demo hospital's units */

#include "config.h"

#include <string.h>

#include "dk-server-import.h"
#include "dk-server-mutations.h"
#include "dk-server-objects.h"
#include "dk-test-files.h"
#include "dk-test-pg.h"

#define NOW      ((gint64) 1795529100)   /* 2026-11-24T14:05:00Z */
#define ADDRESS  "192.0.2.7"

typedef struct {
  char       *dir;
  DkServerDb *db;
} Fixture;

static const DkViewer anonymous = { NULL, 0 };
static const DkViewer staff = { "nurse", DK_ROLE_STAFF };
static const DkViewer servicedesk = { "sd", DK_ROLE_STAFF | DK_ROLE_SERVICEDESK };
static const DkViewer routine_owner = { "ro", DK_ROLE_STAFF | DK_ROLE_ROUTINE_OWNER };
static const DkViewer admin = { "admin", DK_ROLE_STAFF | DK_ROLE_ADMIN };

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("dk-units-XXXXXX", &error);
  g_assert_no_error (error);
  path = dk_test_db_location (f->dir, "server.db");
  f->db = dk_server_db_open (path, &error);
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

/* Applies @op with @data_json under a new mutation id. (transfer full) */
static JsonNode *
apply_op (Fixture        *f,
          const DkViewer *viewer,
          const char     *op,
          gint64          base_revision,
          const char     *data_json)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *text = g_strdup_printf ("{\"id\":\"%s\",\"op\":\"%s\",\"base_revision\":%"
                                           G_GINT64_FORMAT ",\"data\":%s}",
                                           id, op, base_revision, data_json);
  g_autoptr(JsonNode) mutation = dk_json_parse (text, -1, &error);
  JsonNode *result;

  g_assert_no_error (error);
  result = dk_server_apply_mutation (f->db, viewer, ADDRESS, mutation, NOW, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static const char *
member (JsonNode   *result,
        const char *name)
{
  return json_object_get_string_member (json_node_get_object (result), name);
}

static void
assert_applied (JsonNode *result)
{
  g_autofree char *text = dk_json_to_string (result);

  g_test_message ("%s", text);
  g_assert_cmpstr (member (result, "status"), ==, DK_RESULT_APPLIED);
}

/* Rejected with @code, and a message holding @needle. */
static void
assert_rejected (JsonNode   *result,
                 const char *code,
                 const char *needle)
{
  g_autofree char *text = dk_json_to_string (result);
  JsonObject *error;

  g_test_message ("%s", text);
  g_assert_cmpstr (member (result, "status"), ==, DK_RESULT_REJECTED);
  error = json_object_get_object_member (json_node_get_object (result), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), needle));
}

/* Saves a unit as @viewer; @aliases is a JSON array's text. (transfer full) */
static JsonNode *
save_unit (Fixture        *f,
           const DkViewer *viewer,
           const char     *id,
           const char     *name,
           const char     *aliases,
           gint64          base_revision)
{
  g_autofree char *data = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"%s\",\"aliases\":%s}",
                                           id, name, aliases);

  return apply_op (f, viewer, "unit.save", base_revision, data);
}

static DkUnit *
load_unit (Fixture    *f,
           const char *id)
{
  g_autoptr(GError) error = NULL;
  DkUnit *unit = dk_server_load_unit (f->db, id, &error);

  g_assert_no_error (error);
  return unit;
}

static void
test_roles (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *id1 = g_uuid_string_random ();
  g_autofree char *id2 = g_uuid_string_random ();
  g_autofree char *id3 = g_uuid_string_random ();
  g_autoptr(JsonNode) by_admin = save_unit (f, &admin, id1, "Avdelning 12", "[\"Avd 12\"]", 0);
  g_autoptr(JsonNode) by_owner = save_unit (f, &routine_owner, id2, "Avdelning 14", "[]", 0);
  g_autoptr(JsonNode) by_staff = save_unit (f, &staff, id3, "Avdelning 3", "[]", 0);
  g_autoptr(JsonNode) by_sd = save_unit (f, &servicedesk, id3, "Avdelning 3", "[]", 0);
  g_autoptr(JsonNode) staff_delete = NULL;
  g_autoptr(DkUnit) unit = NULL;
  g_autofree char *delete_data = g_strdup_printf ("{\"id\":\"%s\"}", id1);

  assert_applied (by_admin);
  assert_applied (by_owner);
  assert_rejected (by_staff, "forbidden", "Routine owner");
  assert_rejected (by_sd, "forbidden", "Admin");
  staff_delete = apply_op (f, &staff, "unit.delete", 0, delete_data);
  assert_rejected (staff_delete, "forbidden", "catalogue of units");

  unit = load_unit (f, id1);
  g_assert_cmpstr (unit->name, ==, "Avdelning 12");
  g_assert_cmpstr (unit->updated_by, ==, "admin");
  g_assert_cmpint (unit->updated_at, ==, NOW);
  g_assert_cmpint (unit->revision, ==, 1);
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *long_name = g_strnfill (81, 'B');
  g_autoptr(JsonNode) empty = save_unit (f, &admin, id, "", "[]", 0);
  g_autoptr(JsonNode) blank = save_unit (f, &admin, id, "  ", "[]", 0);
  g_autoptr(JsonNode) too_long = save_unit (f, &admin, id, long_name, "[]", 0);
  g_autoptr(JsonNode) bad_id = save_unit (f, &admin, "avd-12", "Avdelning 12", "[]", 0);
  g_autoptr(JsonNode) empty_alias = save_unit (f, &admin, id, "Avdelning 12", "[\"\"]", 0);
  g_autoptr(JsonNode) twice = save_unit (f, &admin, id, "Avdelning 12", "[\"Avd 12\",\"AVD 12\"]", 0);
  g_autoptr(JsonNode) wrong_type = save_unit (f, &admin, id, "Avdelning 12", "\"Avd 12\"", 0);
  g_autoptr(JsonNode) unknown = apply_op (f, &admin, "unit.delete", 0,
                                          "{\"id\":\"00000000-0000-4000-8000-000000000000\"}");
  g_autoptr(JsonNode) no_id = apply_op (f, &admin, "unit.delete", 0, "{}");

  assert_rejected (empty, "invalid_input", "name: must not be empty");
  assert_rejected (blank, "invalid_input", "name: must not be empty");
  assert_rejected (too_long, "invalid_input", "at most 80 characters");
  assert_rejected (bad_id, "invalid_input", "id");
  assert_rejected (empty_alias, "invalid_input", "aliases[0]");
  assert_rejected (twice, "duplicate", "AVD 12");
  assert_rejected (wrong_type, "invalid_input", "aliases");
  assert_rejected (unknown, "not_found", "00000000-0000-4000-8000-000000000000");
  assert_rejected (no_id, "invalid_input", "id");
  g_assert_cmpint (dk_server_db_last_seq (f->db), ==, 0);
}

static void
test_duplicates (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *id1 = g_uuid_string_random ();
  g_autofree char *id2 = g_uuid_string_random ();
  g_autoptr(JsonNode) first = save_unit (f, &admin, id1, "Avdelning 12", "[\"Avd 12\"]", 0);
  g_autoptr(JsonNode) alias_taken = save_unit (f, &admin, id2, "Avdelning 99", "[\"avd12\"]", 0);
  g_autoptr(JsonNode) name_taken = save_unit (f, &routine_owner, id2, "AVDELNING 12", "[]", 0);
  g_autoptr(JsonNode) name_is_alias = save_unit (f, &admin, id2, "Avd 12", "[]", 0);
  g_autoptr(JsonNode) second = save_unit (f, &admin, id2, "Avdelning 12B", "[\"Avd 12B\"]", 0);
  g_autoptr(JsonNode) rename = save_unit (f, &admin, id1, "Vårdavdelning 12",
                                          "[\"Avdelning 12\",\"Avd 12\"]", 1);
  g_autoptr(JsonNode) stale = save_unit (f, &admin, id1, "Avd XII", "[]", 1);
  g_autoptr(JsonNode) deleted = NULL;
  g_autoptr(JsonNode) reuse = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(DkUnit) unit = NULL;
  g_autofree char *delete_data = g_strdup_printf ("{\"id\":\"%s\"}", id1);
  g_autofree char *id3 = g_uuid_string_random ();

  assert_applied (first);
  assert_rejected (alias_taken, "duplicate", "“avd12” is already an alias of the unit “Avdelning 12”");
  assert_rejected (name_taken, "duplicate", "already the name of the unit “Avdelning 12”");
  assert_rejected (name_is_alias, "duplicate", "Avdelning 12");
  assert_applied (second);
  assert_applied (rename);
  g_assert_cmpstr (member (stale, "status"), ==, DK_RESULT_CONFLICT);

  unit = load_unit (f, id1);
  g_assert_cmpstr (unit->name, ==, "Vårdavdelning 12");
  g_assert_cmpint (unit->revision, ==, 2);

  /* a deleted unit's names are free again */
  deleted = apply_op (f, &routine_owner, "unit.delete", 0, delete_data);
  assert_applied (deleted);
  reuse = save_unit (f, &admin, id3, "Avdelning 12", "[\"Avd 12\"]", 0);
  assert_applied (reuse);
  again = apply_op (f, &admin, "unit.delete", 0, delete_data);
  assert_rejected (again, "not_found", "deleted");
}

/* The change types /changes gives @viewer. */
static char *
change_types (Fixture        *f,
              const DkViewer *viewer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = dk_server_db_changes_json (f->db, 0, 100, viewer, &error);

  g_assert_no_error (error);
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static void
test_visibility_and_audit (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(JsonNode) saved = save_unit (f, &admin, id, "Avdelning 12", "[\"Avd 12\"]", 0);
  g_autofree char *for_anonymous = change_types (f, &anonymous);
  g_autofree char *for_staff = change_types (f, &staff);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) audit = NULL;

  assert_applied (saved);
  g_assert_null (strstr (for_anonymous, "Avdelning 12"));
  g_assert_nonnull (strstr (for_staff, "\"type\":\"unit\""));
  g_assert_nonnull (strstr (for_staff, "Avd 12"));

  audit = dk_server_db_list_audit (f->db, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (audit, 0), "\"unit.save\""));
  g_assert_nonnull (strstr (g_ptr_array_index (audit, 0), id));
  g_assert_nonnull (strstr (g_ptr_array_index (audit, 0), "\"admin\""));
}

static void
test_demo_units (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) units = NULL;
  DkUnit *avd12;

  g_assert_true (dk_server_load_demo (f->db, NOW, &error));
  g_assert_no_error (error);
  units = dk_server_list_units (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (units->len, >=, 5);
  avd12 = dk_units_find (units, "avd 12");
  g_assert_nonnull (avd12);
  g_assert_cmpstr (avd12->name, ==, "Avdelning 12");
  g_assert_cmpint (avd12->revision, ==, 1);
  g_assert_cmpstr (dk_units_find (units, "Akuten")->name, ==, "Akutmottagningen");
  for (guint i = 0; i < units->len; i++)
    {
      g_assert_true (dk_unit_validate (g_ptr_array_index (units, i), &error));
      g_assert_no_error (error);
      g_assert_true (dk_units_check_unique (units, g_ptr_array_index (units, i), &error));
      g_assert_no_error (error);
    }
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/server/units/admins-and-routine-owners-keep-them-staff-cannot", test_roles);
  ADD ("/server/units/bad-input-is-refused-with-a-clear-error", test_bad_input);
  ADD ("/server/units/a-name-or-alias-points-at-one-unit", test_duplicates);
  ADD ("/server/units/logged-in-users-read-them-and-the-audit-log-says-who", test_visibility_and_audit);
  ADD ("/server/units/the-demo-hospital-has-units-with-aliases", test_demo_units);
#undef ADD

  return g_test_run ();
}
