/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-import.c: imports of cases, services and routines, and the demo data */

#define G_LOG_DOMAIN "test-server-import"

#include "config.h"

#include "dk-core.h"
#include "dk-server-auth.h"
#include "dk-server-db.h"
#include "dk-server-import.h"
#include "dk-server-objects.h"
#include "dk-test-files.h"
#include "dk-test-pg.h"

/* tests/data/cases.jsonl: gen-cases.py 20 --seed 1, naming 28 distinct services. */
#define FIXTURE_CASES          20
#define FIXTURE_SERVICES       28
#define FIXTURE_FIRST_CASE_ID  "008a05a6-c464-4159-8324-c9859b810e76"

typedef struct {
  char       *dir;
  DkServerDb *db;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("dk-import-XXXXXX", &error);
  g_assert_no_error (error);
  path = dk_test_db_location (fixture->dir, "server.db");
  fixture->db = dk_server_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->db);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_clear_object (&fixture->db);
  dk_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static guint
count_objects (DkServerDb *db,
               const char *type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) objects = dk_server_db_list_objects (db, type, FALSE, &error);

  g_assert_no_error (error);
  return objects->len;
}

static GPtrArray *
load_all_cases (DkServerDb *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) objects = dk_server_db_list_objects (db, DK_TYPE_NAME_CASE, FALSE, &error);
  GPtrArray *cases = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_case_unref);

  g_assert_no_error (error);
  for (guint i = 0; i < objects->len; i++)
    {
      DkStoredObject *object = g_ptr_array_index (objects, i);
      DkCase *kase = dk_server_load_case (db, object->id, &error);

      g_assert_no_error (error);
      g_ptr_array_add (cases, kase);
    }
  return cases;
}

/* The first three lines of the fixture, for files made in the tests. */
static char *
fixture_lines (guint n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "cases.jsonl", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; i < n && lines[i] != NULL; i++)
    g_string_append_printf (out, "%s\n", lines[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_cases_imported (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "cases.jsonl", NULL);
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GHashTable) numbers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(DkService) kemi = NULL;
  g_autoptr(DkService) vantrum = NULL;
  g_autoptr(DkCase) first = NULL;
  guint n_cases = 0;

  g_assert_true (dk_server_import_cases (fixture->db, path, &n_cases, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_cases, ==, FIXTURE_CASES);
  g_assert_cmpuint (count_objects (fixture->db, DK_TYPE_NAME_CASE), ==, FIXTURE_CASES);
  g_assert_cmpuint (count_objects (fixture->db, DK_TYPE_NAME_SERVICE), ==, FIXTURE_SERVICES);

  /* Services are made from the names, once each, in the area of the case. */
  kemi = dk_server_load_service (fixture->db, "klinisk-kemi", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kemi->name, ==, "Klinisk kemi");
  g_assert_cmpint (kemi->area, ==, DK_AREA_LAB_MEDICINE);
  vantrum = dk_server_load_service (fixture->db, "intelligent-vantrum", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vantrum->name, ==, "Intelligent Väntrum");

  /* Every case has a number of its own, revision 1, and service ids. */
  cases = load_all_cases (fixture->db);
  for (guint i = 0; i < cases->len; i++)
    {
      DkCase *kase = g_ptr_array_index (cases, i);

      g_assert_true (g_str_has_prefix (kase->number, "DK-"));
      g_assert_true (g_hash_table_add (numbers, kase->number));
      g_assert_cmpint (kase->revision, ==, 1);
      for (guint j = 0; j < kase->services->len; j++)
        {
          const char *id = g_ptr_array_index (kase->services, j);
          g_autofree char *slug = dk_service_slug_from_name (id);

          g_assert_cmpstr (id, ==, slug);
        }
    }

  /* The rest is kept as the file has it. */
  first = dk_server_load_case (fixture->db, FIXTURE_FIRST_CASE_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first->title, ==, "Störning i Klinisk kemi – låg kapacitet på nätet");
  g_assert_cmpstr (first->external_ref, ==, "INC0579248");
  g_assert_cmpint (first->kind, ==, DK_CASE_KIND_INCIDENT);
  g_assert_cmpint (first->status, ==, DK_CASE_STATUS_CLOSED);
  g_assert_cmpint (first->priority, ==, 4);
  g_assert_false (first->public);
  g_assert_cmpuint (first->services->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (first->services, 0), ==, "klinisk-kemi");
  g_assert_cmpuint (first->updates->len, ==, 3);
  g_assert_cmpint (((DkCaseUpdate *) g_ptr_array_index (first->updates, 2))->phrase, ==,
                   DK_UPDATE_PHRASE_RESOLVED);
}

static void
test_cases_reimport (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "cases.jsonl", NULL);
  g_autoptr(DkCase) before = NULL;
  g_autoptr(DkCase) after = NULL;
  guint n_cases = 0;

  g_assert_true (dk_server_import_cases (fixture->db, path, &n_cases, &error));
  g_assert_no_error (error);
  before = dk_server_load_case (fixture->db, FIXTURE_FIRST_CASE_ID, &error);
  g_assert_no_error (error);

  g_assert_true (dk_server_import_cases (fixture->db, path, &n_cases, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_objects (fixture->db, DK_TYPE_NAME_CASE), ==, FIXTURE_CASES);
  g_assert_cmpuint (count_objects (fixture->db, DK_TYPE_NAME_SERVICE), ==, FIXTURE_SERVICES);

  after = dk_server_load_case (fixture->db, FIXTURE_FIRST_CASE_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after->number, ==, before->number);
  g_assert_cmpint (after->revision, ==, before->revision + 1);
}

static void
assert_bad_file_imports_nothing (Fixture    *fixture,
                                 const char *contents,
                                 const char *message_prefix)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (fixture, "bad.jsonl", contents);
  guint n_cases = 12345;

  g_assert_false (dk_server_import_cases (fixture->db, path, &n_cases, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_test_message ("error: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message, message_prefix));
  g_assert_cmpuint (n_cases, ==, 12345);
  g_assert_cmpuint (count_objects (fixture->db, DK_TYPE_NAME_CASE), ==, 0);
  g_assert_cmpuint (count_objects (fixture->db, DK_TYPE_NAME_SERVICE), ==, 0);
}

static void
test_cases_bad_line (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autofree char *good = fixture_lines (3);
  g_autofree char *bad = g_strconcat (good,
                                      "{\"id\":\"9d8f6f1e-7f3b-4c5a-9a49-2b1d4c3e5f60\","
                                      "\"kind\":\"incident\",\"area\":\"it_telephony\","
                                      "\"title\":\"Trasig\",\"services\":[\"TES\"],"
                                      "\"status\":\"ongoing\",\"priority\":9,"
                                      "\"start\":\"2026-10-01T00:00:00Z\"}\n",
                                      NULL);

  assert_bad_file_imports_nothing (fixture, bad, "line 4: ");
}

static void
test_cases_malformed_line (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autofree char *good = fixture_lines (2);
  g_autofree char *bad = g_strconcat (good, "\n{\"id\": \n", NULL);

  /* The blank line is skipped but counted. */
  assert_bad_file_imports_nothing (fixture, bad, "line 4: ");
}

static void
test_cases_invalid_case (Fixture       *fixture,
                         gconstpointer  user_data)
{
  /* A closed case without closed_at fails dk_case_validate. */
  assert_bad_file_imports_nothing (fixture,
                                   "{\"id\":\"9d8f6f1e-7f3b-4c5a-9a49-2b1d4c3e5f60\","
                                   "\"kind\":\"incident\",\"area\":\"facilities\","
                                   "\"title\":\"Trasig\",\"services\":[\"El\"],"
                                   "\"status\":\"closed\",\"priority\":3,"
                                   "\"start\":\"2026-10-01T00:00:00Z\"}\n",
                                   "line 1: ");
}

static void
test_cases_missing_file (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "missing.jsonl", NULL);

  g_assert_false (dk_server_import_cases (fixture->db, path, NULL, &error));
  g_assert_nonnull (error);
}

static void
test_file_imported (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "catalogue.json", NULL);
  g_autoptr(DkService) tes = NULL;
  g_autoptr(DkService) kemi = NULL;
  g_autoptr(DkRoutine) routine = NULL;
  g_autoptr(DkRoutine) draft = NULL;
  g_autoptr(GPtrArray) revisions = NULL;
  g_autofree char *kept = NULL;
  gint64 before = dk_time_now ();
  guint n_services = 0;
  guint n_routines = 0;

  g_assert_true (dk_server_import_file (fixture->db, path, &n_services, &n_routines, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_services, ==, 3);
  g_assert_cmpuint (n_routines, ==, 2);

  tes = dk_server_load_service (fixture->db, "tes", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tes->name, ==, "TES");
  g_assert_cmpint (tes->revision, ==, 1);
  kemi = dk_server_load_service (fixture->db, "klinisk-kemi", &error);
  g_assert_no_error (error);
  g_assert_cmpint (kemi->area, ==, DK_AREA_LAB_MEDICINE);

  routine = dk_server_load_routine (fixture->db, "driftstopp-tes", &error);
  g_assert_no_error (error);
  g_assert_cmpint (routine->revision, ==, 6);
  g_assert_cmpint (routine->approved_at, !=, DK_TIME_UNSET);
  g_assert_cmpuint (routine->steps->len, ==, 4);
  kept = dk_server_db_get_routine_revision (fixture->db, "driftstopp-tes", 6, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kept);

  /* Without a date in the file, the routine is approved at the import. */
  draft = dk_server_load_routine (fixture->db, "2f1c7f0e-3a52-4c8e-9d5b-1f0e6b7a9c31", &error);
  g_assert_no_error (error);
  g_assert_cmpint (draft->revision, ==, 1);
  g_assert_cmpint (draft->approved_at, >=, before);

  /* Importing again gives every object its next revision and keeps the old ones. */
  g_clear_pointer (&routine, dk_routine_unref);
  g_clear_pointer (&tes, dk_service_unref);
  g_assert_true (dk_server_import_file (fixture->db, path, &n_services, &n_routines, &error));
  g_assert_no_error (error);
  tes = dk_server_load_service (fixture->db, "tes", &error);
  g_assert_no_error (error);
  g_assert_cmpint (tes->revision, ==, 2);
  routine = dk_server_load_routine (fixture->db, "driftstopp-tes", &error);
  g_assert_no_error (error);
  g_assert_cmpint (routine->revision, ==, 7);
  revisions = dk_server_db_list_routine_revisions (fixture->db, "driftstopp-tes", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (revisions->len, ==, 2);
  g_assert_cmpint (dk_server_db_latest_routine_revision (fixture->db, "driftstopp-tes"), ==, 7);
}

static void
test_file_bad_routine (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  path = write_file (fixture, "bad.json",
                     "{\"services\": [{\"id\": \"tes\", \"name\": \"TES\", "
                     "\"area\": \"it_telephony\"}],"
                     " \"routines\": [{\"id\": \"utan-steg\", \"title\": \"Utan steg\", "
                     "\"services\": [\"tes\"], \"steps\": []}]}");
  g_assert_false (dk_server_import_file (fixture->db, path, NULL, NULL, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "routines[0]: "));
  g_assert_cmpuint (count_objects (fixture->db, DK_TYPE_NAME_SERVICE), ==, 0);
  g_assert_cmpuint (count_objects (fixture->db, DK_TYPE_NAME_ROUTINE), ==, 0);
}

static void
test_file_not_json (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_file (fixture, "bad.json", "{\"services\": [");

  g_assert_false (dk_server_import_file (fixture->db, path, NULL, NULL, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
}

static gboolean
has_step (const DkRoutine *routine,
          const char      *condition,
          const char      *form)
{
  for (guint i = 0; i < routine->steps->len; i++)
    {
      const DkRoutineStep *step = g_ptr_array_index (routine->steps, i);

      if ((condition == NULL || g_strcmp0 (step->condition, condition) == 0)
          && (form == NULL || g_strcmp0 (step->form, form) == 0))
        return TRUE;
    }
  return FALSE;
}

static void
test_demo_loads (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GPtrArray) routines = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  gint64 now = dk_time_now ();
  gboolean kinds[DK_CASE_KIND_LAST + 1] = { 0 };
  gboolean areas[DK_AREA_LAST + 1] = { 0 };
  gboolean statuses[DK_CASE_STATUS_LAST + 1] = { 0 };
  gboolean forms[3] = { 0 };
  guint n_archived = 0, n_recent = 0, n_public = 0, n_internal = 0, n_major = 0;
  guint n_expired = 0, n_expiring = 0;
  gboolean fault = FALSE, urgent = FALSE;

  g_assert_true (dk_server_load_demo (fixture->db, now, &error));
  g_assert_no_error (error);

  cases = load_all_cases (fixture->db);
  g_assert_cmpuint (cases->len, >=, 12);
  for (guint i = 0; i < cases->len; i++)
    {
      DkCase *kase = g_ptr_array_index (cases, i);

      g_assert_true (dk_case_validate (kase, NULL));
      g_assert_true (g_str_has_prefix (kase->number, "DK-"));
      g_assert_nonnull (kase->publisher);
      kinds[kase->kind] = TRUE;
      areas[kase->area] = TRUE;
      statuses[kase->status] = TRUE;
      if (kase->public)
        n_public++;
      else
        n_internal++;
      if (dk_rules_case_is_archived (kase, now))
        n_archived++;
      else if (kase->status == DK_CASE_STATUS_CLOSED)
        n_recent++;
      if (kase->status == DK_CASE_STATUS_ONGOING && kase->major && kase->priority == 1)
        n_major++;
      if (kase->status == DK_CASE_STATUS_PLANNED)
        g_assert_cmpint (kase->start - now, >=, DK_PLANNED_LEAD_SECONDS);
      if (kase->status == DK_CASE_STATUS_URGENT_PLANNED)
        g_assert_cmpint (kase->start - now, <, DK_PLANNED_LEAD_SECONDS);
      for (guint j = 0; j < kase->updates->len; j++)
        {
          DkCaseUpdate *update = g_ptr_array_index (kase->updates, j);
          DkRole role;

          g_assert_true (dk_role_from_string (update->author, &role));
          g_assert_cmpint (update->at, <=, now);
        }
    }
  for (guint i = 0; i <= DK_CASE_KIND_LAST; i++)
    g_assert_true (kinds[i]);
  for (guint i = 0; i <= DK_AREA_LAST; i++)
    g_assert_true (areas[i]);
  for (guint i = 0; i <= DK_CASE_STATUS_LAST; i++)
    g_assert_true (statuses[i]);
  g_assert_cmpuint (n_archived, >=, 1);
  g_assert_cmpuint (n_recent, >=, 1);
  g_assert_cmpuint (n_public, >=, 1);
  g_assert_cmpuint (n_internal, >=, 1);
  g_assert_cmpuint (n_major, >=, 1);

  /* The reserve routines of seed 003, with document control. */
  routines = dk_server_db_list_objects (fixture->db, DK_TYPE_NAME_ROUTINE, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (routines->len, ==, 3);
  for (guint i = 0; i < routines->len; i++)
    {
      DkStoredObject *object = g_ptr_array_index (routines, i);
      g_autoptr(DkRoutine) routine = dk_server_load_routine (fixture->db, object->id, &error);
      g_autofree char *kept = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (routine->owner);
      g_assert_nonnull (routine->audience);
      g_assert_cmpint (routine->approved_at, <, now);
      g_assert_cmpint (routine->valid_until, !=, DK_TIME_UNSET);
      kept = dk_server_db_get_routine_revision (fixture->db, routine->id, routine->revision,
                                                &error);
      g_assert_no_error (error);
      g_assert_nonnull (kept);
      if (dk_rules_routine_is_expired (routine, now))
        n_expired++;
      else if (dk_rules_routine_expires_soon (routine, now))
        n_expiring++;
      forms[0] |= has_step (routine, NULL, "manual_journal_note");
      forms[1] |= has_step (routine, NULL, "deviation_report");
      forms[2] |= has_step (routine, NULL, "post_registration");
      if (g_strcmp0 (routine->id, "driftstopp-tes") == 0)
        {
          g_assert_true (has_step (routine, "outage_up_to:10h", NULL));
          g_assert_true (has_step (routine, "outage_over:10h", NULL));
        }
    }
  g_assert_cmpuint (n_expired, ==, 1);
  g_assert_cmpuint (n_expiring, ==, 1);
  g_assert_true (forms[0] && forms[1] && forms[2]);

  /* A fault report and an urgent case (seed 004). */
  reports = dk_server_db_list_objects (fixture->db, DK_TYPE_NAME_REPORT, FALSE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < reports->len; i++)
    {
      DkStoredObject *object = g_ptr_array_index (reports, i);
      g_autoptr(DkReport) report = dk_server_load_report (fixture->db, object->id, &error);

      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (report->number, "FA-"));
      if (report->kind == DK_REPORT_KIND_FAULT)
        fault = TRUE;
      if (report->kind == DK_REPORT_KIND_URGENT)
        {
          g_autoptr(DkService) service = dk_server_load_service (fixture->db, report->service,
                                                                 &error);
          g_autofree char *subject = NULL;

          g_assert_no_error (error);
          subject = dk_report_dup_urgent_subject (report, service->name);
          g_assert_cmpstr (subject, ==, "Miclis OK skal hjelpe");
          g_assert_true (g_str_has_prefix (report->description, "Saken skal distribueres av OK"));
          urgent = TRUE;
        }
    }
  g_assert_true (fault && urgent);

  /* Three units report Treserva within half an hour: the inbox's probable incident. */
  {
    g_autoptr(GHashTable) units = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    gint64 first = G_MAXINT64, last = G_MININT64;

    for (guint i = 0; i < reports->len; i++)
      {
        DkStoredObject *object = g_ptr_array_index (reports, i);
        g_autoptr(DkReport) report = dk_server_load_report (fixture->db, object->id, &error);

        g_assert_no_error (error);
        if (g_strcmp0 (report->service, "treserva") != 0)
          continue;
        g_hash_table_add (units, g_strdup (report->unit));
        first = MIN (first, report->created_at);
        last = MAX (last, report->created_at);
      }
    g_assert_cmpuint (g_hash_table_size (units), >=, 3);
    g_assert_cmpint (last - first, <=, 30 * 60);
  }

  /* A shared message template per publishing team, owned by its demo user. */
  {
    g_autoptr(GPtrArray) templates = dk_server_db_list_objects (fixture->db,
                                                                DK_TYPE_NAME_TEMPLATE, FALSE,
                                                                &error);
    DkRole teams = 0;

    g_assert_no_error (error);
    for (guint i = 0; i < templates->len; i++)
      {
        DkStoredObject *object = g_ptr_array_index (templates, i);
        g_autoptr(DkTemplate) tmpl = dk_server_load_template (fixture->db, object->id, &error);

        g_assert_no_error (error);
        g_assert_true (dk_template_validate (tmpl, NULL));
        g_assert_cmpstr (tmpl->owner, ==, dk_role_to_string (tmpl->team));
        g_assert_cmpuint (object->readers, ==, tmpl->team);
        teams |= tmpl->team;
      }
    g_assert_cmpuint (teams, ==, DK_ROLES_PUBLISHING);
  }

  /* One user per role, password "demo". */
  for (guint bit = 0; (1u << bit) & DK_ROLE_ALL; bit++)
    {
      DkRole role = (DkRole) (1u << bit);
      g_autoptr(DkStoredUser) user = dk_server_db_get_user (fixture->db, dk_role_to_string (role),
                                                            &error);

      g_assert_no_error (error);
      g_assert_nonnull (user);
      g_assert_cmpint (user->roles, ==, role | DK_ROLE_STAFF);
      g_assert_false (user->disabled);
      g_assert_true (dk_password_verify (user->password_hash, "demo"));
      g_assert_false (dk_password_verify (user->password_hash, "Demo"));
    }
}

static void
test_demo_needs_empty_db (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "catalogue.json", NULL);
  gint64 seq;

  g_assert_true (dk_server_import_file (fixture->db, path, NULL, NULL, &error));
  g_assert_no_error (error);
  seq = dk_server_db_last_seq (fixture->db);

  g_assert_false (dk_server_load_demo (fixture->db, dk_time_now (), &error));
  g_assert_nonnull (error);
  g_assert_cmpint (dk_server_db_last_seq (fixture->db), ==, seq);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (dk_auth_init ());

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/server/import/cases/imports-every-line", test_cases_imported);
  ADD ("/server/import/cases/again-gives-next-revision", test_cases_reimport);
  ADD ("/server/import/cases/bad-line-imports-nothing", test_cases_bad_line);
  ADD ("/server/import/cases/malformed-line-imports-nothing", test_cases_malformed_line);
  ADD ("/server/import/cases/invalid-case-imports-nothing", test_cases_invalid_case);
  ADD ("/server/import/cases/missing-file-fails", test_cases_missing_file);
  ADD ("/server/import/file/imports-services-and-routines", test_file_imported);
  ADD ("/server/import/file/bad-routine-imports-nothing", test_file_bad_routine);
  ADD ("/server/import/file/malformed-json-fails", test_file_not_json);
  ADD ("/server/demo/loads-every-kind-area-and-status", test_demo_loads);
  ADD ("/server/demo/needs-an-empty-database", test_demo_needs_empty_db);
#undef ADD

  return g_test_run ();
}
