/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-store-units.c: the catalogue of units in the replica: listed by name, resolved
 * from what someone typed (case and space-insensitive, aliases), saved and deleted
 * offline through the outbox, duplicates refused before anything is queued */

#define G_LOG_DOMAIN "test-store-units"

#include "config.h"

#include <string.h>

#include "dk-local-changes.h"
#include "dk-store.h"
#include "dk-test-files.h"

#define NOW G_GINT64_CONSTANT (1790000000)  /* 2026-09-21 */
#define ME "admin"
#define AVD12 "0f5b1b8e-6a53-4b1a-9c55-0c6f3e1a2b12"
#define AVD14 "0f5b1b8e-6a53-4b1a-9c55-0c6f3e1a2b14"

typedef struct {
  char    *dir;
  DkStore *store;
} Fixture;

static JsonNode *
unit_change (gint64      seq,
             const char *id,
             const char *name,
             const char *aliases_json)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"unit\","
                                           "\"id\":\"%s\",\"deleted\":false,\"data\":"
                                           "{\"id\":\"%s\",\"name\":\"%s\",\"aliases\":%s,"
                                           "\"revision\":1,\"updated_by\":\"admin\","
                                           "\"updated_at\":\"2026-09-01T10:00:00Z\"}}",
                                           seq, id, id, name, aliases_json);
  JsonNode *node = dk_json_parse (text, -1, &error);

  g_assert_no_error (error);
  return node;
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonArray) page = json_array_new ();

  fx->dir = g_dir_make_tmp ("test-store-units-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fx->dir, "replica.db", NULL);
  fx->store = dk_store_open (path, &error);
  g_assert_no_error (error);

  json_array_add_element (page, unit_change (1, AVD12, "Avdelning 12",
                                             "[\"Avd 12\",\"Avd. 12\"]"));
  json_array_add_element (page, unit_change (2, AVD14, "Avdelning 14", "[\"Avd 14\"]"));
  g_assert_true (dk_store_apply_changes (fx->store, page, 2, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_object (&fx->store);
  dk_test_remove_tree (fx->dir);
  g_free (fx->dir);
}

static guint
outbox_size (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = dk_store_outbox_pending (fx->store, 100, &error);

  g_assert_no_error (error);
  return pending->len;
}

static void
test_resolve (Fixture       *fx,
              gconstpointer  data)
{
  const struct { const char *typed; const char *name; } cases[] = {
    { "Avdelning 12", "Avdelning 12" },
    { "avdelning 12", "Avdelning 12" },
    { "  AVDELNING   12 ", "Avdelning 12" },
    { "avd 12", "Avdelning 12" },
    { "Avd12", "Avdelning 12" },
    { "avd. 12", "Avdelning 12" },
    { "avd 14", "Avdelning 14" },
    { "Avd 1", NULL },
    { "Avdelning 7", NULL },
    { "", NULL },
    { NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = dk_store_resolve_unit (fx->store, cases[i].typed);

      g_test_message ("“%s” → %s", cases[i].typed, name);
      g_assert_cmpstr (name, ==, cases[i].name);
    }

  g_assert_true (dk_store_same_unit (fx->store, "Avd 12", "avdelning 12"));
  g_assert_true (dk_store_same_unit (fx->store, "Avdelning 7", "avdelning  7"));
  g_assert_false (dk_store_same_unit (fx->store, "Avd 12", "Avd 14"));
  g_assert_false (dk_store_same_unit (fx->store, "", NULL));
}

static void
test_list_and_get (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) units = dk_store_list_units (fx->store, &error);
  g_autoptr(DkUnit) by_alias = NULL;
  g_autoptr(DkUnit) by_id = NULL;
  g_autoptr(DkUnit) none = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (units->len, ==, 2);
  g_assert_cmpstr (((DkUnit *) g_ptr_array_index (units, 0))->name, ==, "Avdelning 12");
  by_alias = dk_store_get_unit (fx->store, "AVD 14", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_alias->id, ==, AVD14);
  by_id = dk_store_get_unit (fx->store, AVD12, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_id->name, ==, "Avdelning 12");
  none = dk_store_get_unit (fx->store, "Avdelning 404", &error);
  g_assert_null (none);
  g_assert_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "Avdelning 404"));
}

static void
test_offline_save_rename_delete (Fixture       *fx,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkUnit) unit = dk_unit_new ();
  g_autoptr(DkUnit) rename = NULL;
  g_autoptr(DkUnit) current = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *after_delete = NULL;

  unit->name = g_strdup ("  Avdelning 3 ");
  g_ptr_array_add (unit->aliases, g_strdup ("Avd 3"));
  g_assert_true (dk_local_save_unit (fx->store, unit, 0, ME, NOW, &error));
  g_assert_no_error (error);
  g_assert_nonnull (unit->id);
  g_assert_cmpstr (unit->name, ==, "Avdelning 3");
  g_assert_cmpuint (outbox_size (fx), ==, 1);
  g_assert_true (dk_store_is_pending (fx->store, DK_TYPE_NAME_UNIT, unit->id));
  resolved = dk_store_resolve_unit (fx->store, "avd 3");
  g_assert_cmpstr (resolved, ==, "Avdelning 3");

  /* renamed offline, keeping the old name as an alias */
  rename = dk_unit_copy (unit);
  g_free (rename->name);
  rename->name = g_strdup ("Vårdavdelning 3");
  g_ptr_array_add (rename->aliases, g_strdup ("Avdelning 3"));
  g_assert_true (dk_local_save_unit (fx->store, rename, 0, ME, NOW, &error));
  g_assert_no_error (error);
  current = dk_store_get_unit (fx->store, "Avdelning 3", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (current->name, ==, "Vårdavdelning 3");

  g_assert_true (dk_local_delete_unit (fx->store, "avd 3", ME, NOW, &error));
  g_assert_no_error (error);
  after_delete = dk_store_resolve_unit (fx->store, "Avd 3");
  g_assert_null (after_delete);
  g_assert_cmpuint (outbox_size (fx), ==, 3);
}

static void
test_duplicates_refused_before_queueing (Fixture       *fx,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkUnit) alias_taken = dk_unit_new ();
  g_autoptr(DkUnit) name_taken = dk_unit_new ();
  g_autoptr(DkUnit) empty = dk_unit_new ();
  g_autoptr(DkUnit) rename_14 = NULL;

  alias_taken->name = g_strdup ("Avdelning 99");
  g_ptr_array_add (alias_taken->aliases, g_strdup ("avd  12"));
  g_assert_false (dk_local_save_unit (fx->store, alias_taken, 0, ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_DUPLICATE);
  g_assert_cmpstr (error->message, ==, "“avd  12” is already an alias of the unit “Avdelning 12”");
  g_clear_error (&error);

  name_taken->name = g_strdup ("AVDELNING 14");
  g_assert_false (dk_local_save_unit (fx->store, name_taken, 0, ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_DUPLICATE);
  g_clear_error (&error);

  empty->name = g_strdup ("   ");
  g_assert_false (dk_local_save_unit (fx->store, empty, 0, ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_clear_error (&error);

  /* Avdelning 14 taking Avdelning 12's alias */
  rename_14 = dk_store_get_unit (fx->store, AVD14, &error);
  g_assert_no_error (error);
  g_ptr_array_add (rename_14->aliases, g_strdup ("Avd. 12"));
  g_assert_false (dk_local_save_unit (fx->store, rename_14, 1, ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_DUPLICATE);
  g_clear_error (&error);

  g_assert_cmpuint (outbox_size (fx), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store/units/resolve/case-space-and-alias-insensitive", test_resolve);
  ADD ("/store/units/list-by-name-get-by-id-name-or-alias", test_list_and_get);
  ADD ("/store/units/offline/save-rename-delete", test_offline_save_rename_delete);
  ADD ("/store/units/offline/duplicates-refused-before-queueing",
       test_duplicates_refused_before_queueing);
#undef ADD

  return g_test_run ();
}
