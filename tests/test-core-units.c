/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-core-units.c: the catalogue's units: wire shape, validation, keys and duplicates */

#include "config.h"

#include <string.h>

#include "dk-core.h"

#define UNIT_ID "8a0f6f0e-3c2b-4a59-9f47-6d2f4b1c0a12"

static DkUnit *
make_unit (const char *id,
           const char *name,
           ...) G_GNUC_NULL_TERMINATED;

static DkUnit *
make_unit (const char *id,
           const char *name,
           ...)
{
  DkUnit *unit = dk_unit_new ();
  const char *alias;
  va_list args;

  unit->id = g_strdup (id);
  unit->name = g_strdup (name);
  va_start (args, name);
  while ((alias = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (unit->aliases, g_strdup (alias));
  va_end (args);
  return unit;
}

static void
assert_invalid (const DkUnit *unit,
                int           code,
                const char   *needle)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (dk_unit_validate (unit, &error));
  g_assert_error (error, DK_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, needle));
}

static void
test_round_trip (void)
{
  g_autoptr(DkUnit) unit = make_unit (UNIT_ID, "Avdelning 12", "Avd 12", "Avd. 12", NULL);
  g_autoptr(DkUnit) back = NULL;
  g_autoptr(DkUnit) copy = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;
  JsonObject *object;

  unit->updated_by = g_strdup ("admin");
  unit->updated_at = 1795529100;
  unit->revision = 3;
  node = dk_unit_to_json (unit);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Avdelning 12");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (object, "aliases")), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (object, "updated_by"), ==, "admin");
  g_assert_cmpstr (json_object_get_string_member (object, "updated_at"), ==,
                   "2026-11-24T14:05:00Z");
  g_assert_cmpint (json_object_get_int_member (object, "revision"), ==, 3);

  back = dk_unit_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_true (dk_unit_validate (back, &error));
  g_assert_no_error (error);
  again = dk_unit_to_json (back);
  text = dk_json_to_string (node);
  text_again = dk_json_to_string (again);
  g_assert_cmpstr (text, ==, text_again);

  copy = dk_unit_copy (back);
  g_assert_cmpstr (g_ptr_array_index (copy->aliases, 1), ==, "Avd. 12");
  g_assert_cmpint (copy->revision, ==, 3);
}

static void
test_from_json_bad_shapes (void)
{
  const char *bad[] = {
    "[]",
    "{\"id\":\"" UNIT_ID "\",\"name\":12}",
    "{\"id\":\"" UNIT_ID "\",\"name\":\"A\",\"aliases\":\"Avd 12\"}",
    "{\"id\":\"" UNIT_ID "\",\"name\":\"A\",\"aliases\":[1]}",
    "{\"id\":\"" UNIT_ID "\",\"name\":\"A\",\"updated_at\":\"yesterday\"}",
    "{\"id\":\"" UNIT_ID "\",\"name\":\"A\",\"revision\":-1}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = dk_json_parse (bad[i], -1, &error);
      g_autoptr(DkUnit) unit = NULL;

      g_assert_no_error (error);
      unit = dk_unit_from_json (node, &error);
      g_assert_null (unit);
      g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
    }
}

static void
test_validate_names (void)
{
  g_autofree char *long_name = g_strnfill (DK_MAX_UNIT_CHARS + 1, 'A');
  g_autofree char *longest = g_strnfill (DK_MAX_UNIT_CHARS, 'A');
  g_autoptr(DkUnit) no_id = make_unit (NULL, "Avdelning 12", NULL);
  g_autoptr(DkUnit) empty = make_unit (UNIT_ID, "", NULL);
  g_autoptr(DkUnit) blank = make_unit (UNIT_ID, "   ", NULL);
  g_autoptr(DkUnit) missing = make_unit (UNIT_ID, NULL, NULL);
  g_autoptr(DkUnit) too_long = make_unit (UNIT_ID, long_name, NULL);
  g_autoptr(DkUnit) just_right = make_unit (UNIT_ID, longest, NULL);
  g_autoptr(DkUnit) padded = make_unit (UNIT_ID, " Avdelning 12", NULL);
  g_autoptr(DkUnit) empty_alias = make_unit (UNIT_ID, "Avdelning 12", "Avd 12", "", NULL);
  g_autoptr(DkUnit) long_alias = make_unit (UNIT_ID, "Avdelning 12", long_name, NULL);
  g_autoptr(DkUnit) twice = make_unit (UNIT_ID, "Avdelning 12", "Avd 12", "avd12", NULL);
  g_autoptr(DkUnit) alias_is_name = make_unit (UNIT_ID, "Avdelning 12", "AVDELNING 12", NULL);
  g_autoptr(DkUnit) many = make_unit (UNIT_ID, "Avdelning 12", NULL);
  g_autoptr(GError) error = NULL;

  assert_invalid (no_id, DK_ERROR_INVALID, "id");
  assert_invalid (empty, DK_ERROR_INVALID, "name: must not be empty");
  assert_invalid (blank, DK_ERROR_INVALID, "name: must not be empty");
  assert_invalid (missing, DK_ERROR_INVALID, "name: must not be empty");
  assert_invalid (too_long, DK_ERROR_INVALID, "name: at most 80 characters, not 81");
  g_assert_true (dk_unit_validate (just_right, &error));
  g_assert_no_error (error);
  assert_invalid (padded, DK_ERROR_INVALID, "name: must not begin or end with a space");
  assert_invalid (empty_alias, DK_ERROR_INVALID, "aliases[1]: must not be empty");
  assert_invalid (long_alias, DK_ERROR_INVALID, "aliases[0]: at most 80");
  assert_invalid (twice, DK_ERROR_DUPLICATE, "avd12");
  assert_invalid (alias_is_name, DK_ERROR_DUPLICATE, "AVDELNING 12");

  for (guint i = 0; i <= DK_MAX_UNIT_ALIASES; i++)
    g_ptr_array_add (many->aliases, g_strdup_printf ("Avd %u", i));
  assert_invalid (many, DK_ERROR_INVALID, "aliases: at most 20");
}

static void
test_key_and_find (void)
{
  g_autoptr(GPtrArray) units = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_unit_unref);
  g_autofree char *key = dk_unit_key ("  Avd \t 12 ");
  g_autofree char *key2 = dk_unit_key ("AVD12");
  g_autofree char *key3 = dk_unit_key ("Särskilt boende");
  g_autofree char *key4 = dk_unit_key ("SA\xcc\x88RSKILT BOENDE");   /* A + combining diaeresis */
  g_autofree char *none = dk_unit_key (NULL);

  g_assert_cmpstr (key, ==, key2);
  g_assert_cmpstr (key3, ==, key4);
  g_assert_cmpstr (none, ==, "");

  g_ptr_array_add (units, make_unit ("a", "Avdelning 12", "Avd 12", NULL));
  g_ptr_array_add (units, make_unit ("b", "Avdelning 12B", "Avd 12B", NULL));
  g_assert_cmpstr (dk_units_find (units, "avd 12")->id, ==, "a");
  g_assert_cmpstr (dk_units_find (units, "AVDELNING12")->id, ==, "a");
  g_assert_cmpstr (dk_units_find (units, "avd 12 b")->id, ==, "b");
  g_assert_null (dk_units_find (units, "Avd 1"));
  g_assert_null (dk_units_find (units, ""));
  g_assert_null (dk_units_find (units, NULL));
  g_assert_true (dk_units_same (units, "Avd 12", "avdelning 12"));
  g_assert_true (dk_units_same (units, "AVDELNING12", "avd 12"));
  g_assert_true (dk_units_same (units, "Avdelning 7", " avdelning  7"));
  g_assert_false (dk_units_same (units, "Avd 12", "Avd 12B"));
  g_assert_false (dk_units_same (units, "", NULL));
  g_assert_true (dk_unit_answers_to (g_ptr_array_index (units, 0), "Avd 12"));
  g_assert_false (dk_unit_answers_to (g_ptr_array_index (units, 0), "Avd 12B"));
}

static void
test_unique_across_catalogue (void)
{
  g_autoptr(GPtrArray) units = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_unit_unref);
  g_autoptr(DkUnit) alias_clash = make_unit ("c", "Avdelning 99", "avd 12", NULL);
  g_autoptr(DkUnit) name_clash = make_unit ("c", "Avdelning  12", NULL);
  g_autoptr(DkUnit) name_is_alias = make_unit ("c", "AVD 12B", NULL);
  g_autoptr(DkUnit) rename = make_unit ("a", "Vårdavdelning 12", "Avdelning 12", "Avd 12", NULL);
  g_autoptr(DkUnit) fresh = make_unit ("c", "Avdelning 3", "Avd 3", NULL);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (units, make_unit ("a", "Avdelning 12", "Avd 12", NULL));
  g_ptr_array_add (units, make_unit ("b", "Avdelning 12B", "Avd 12B", NULL));

  g_assert_false (dk_units_check_unique (units, alias_clash, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_DUPLICATE);
  g_assert_cmpstr (error->message, ==, "“avd 12” is already an alias of the unit “Avdelning 12”");
  g_clear_error (&error);

  g_assert_false (dk_units_check_unique (units, name_clash, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_DUPLICATE);
  g_assert_cmpstr (error->message, ==, "“Avdelning  12” is already the name of the unit “Avdelning 12”");
  g_clear_error (&error);

  g_assert_false (dk_units_check_unique (units, name_is_alias, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_DUPLICATE);
  g_clear_error (&error);

  /* the unit itself is not a clash: a rename keeps its old name as an alias */
  g_assert_true (dk_units_check_unique (units, rename, &error));
  g_assert_no_error (error);
  g_assert_true (dk_units_check_unique (units, fresh, &error));
  g_assert_no_error (error);
}

static void
test_rules (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dk_rules_may_edit_units (DK_ROLE_STAFF | DK_ROLE_ADMIN));
  g_assert_true (dk_rules_may_edit_units (DK_ROLE_STAFF | DK_ROLE_ROUTINE_OWNER));
  g_assert_false (dk_rules_may_edit_units (DK_ROLE_STAFF | DK_ROLE_SERVICEDESK));
  g_assert_false (dk_rules_check_may_edit_units (DK_ROLE_STAFF, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "Routine owner"));
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/units/codec/round-trip", test_round_trip);
  g_test_add_func ("/units/codec/bad-shapes-are-refused", test_from_json_bad_shapes);
  g_test_add_func ("/units/validate/names-and-aliases", test_validate_names);
  g_test_add_func ("/units/key/case-space-and-unicode-insensitive", test_key_and_find);
  g_test_add_func ("/units/catalogue/names-and-aliases-unique", test_unique_across_catalogue);
  g_test_add_func ("/units/rules/admins-and-routine-owners-keep-it", test_rules);

  return g_test_run ();
}
