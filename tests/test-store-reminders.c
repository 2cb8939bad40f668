/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-store-reminders.c: what the reminders of planned work told, in the replica
 * (schema v3): the migration, the compare-and-set claim, the cases looked at */

#include "config.h"

#include <sqlite3.h>

#include "dk-codec.h"
#include "dk-store-reminders.h"
#include "dk-test-files.h"

#define HOUR 3600

typedef struct {
  char    *dir;
  char    *path;
  DkStore *store;
  gint64   seq;
} Fixture;

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("test-store-reminders-XXXXXX", &error);
  g_assert_no_error (error);
  fx->path = g_build_filename (fx->dir, "replica.db", NULL);
  fx->store = dk_store_open (fx->path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_object (&fx->store);
  dk_test_remove_tree (fx->dir);
  g_free (fx->path);
  g_free (fx->dir);
}

/* Stores a server case of @kind starting @start, closed at @closed_at; returns its id. */
static char *
put_case (Fixture    *fx,
          DkCaseKind  kind,
          gint64      start,
          gint64      closed_at)
{
  g_autoptr(DkCase) kase = dk_case_new ();
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *change = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  kase->id = g_uuid_string_random ();
  kase->number = g_strdup_printf ("DK-%" G_GINT64_FORMAT, 2000 + fx->seq);
  kase->kind = kind;
  kase->area = DK_AREA_IT_TELEPHONY;
  kase->title = g_strdup ("Uppgradering av Cosmic");
  kase->description = g_strdup ("Cosmic uppgraderas");
  kase->scope = g_strdup ("Alla vårdenheter");
  g_ptr_array_add (kase->services, g_strdup ("cosmic"));
  kase->status = closed_at != DK_TIME_UNSET ? DK_CASE_STATUS_CLOSED : DK_CASE_STATUS_PLANNED;
  kase->priority = 3;
  kase->start = start;
  kase->expected_end = start + 2 * HOUR;
  kase->closed_at = closed_at;
  kase->revision = 1;

  json_object_set_int_member (change, "seq", ++fx->seq);
  json_object_set_string_member (change, "type", "case");
  json_object_set_string_member (change, "id", kase->id);
  json_object_set_boolean_member (change, "deleted", FALSE);
  json_object_set_member (change, "data", dk_case_to_json (kase));
  json_node_take_object (node, change);
  json_array_add_element (page, node);
  g_assert_true (dk_store_apply_changes (fx->store, page, fx->seq, &error));
  g_assert_no_error (error);

  return g_strdup (kase->id);
}

static gboolean
claim (DkStore               *store,
       const char            *case_id,
       const DkReminderState *expected,
       const DkReminderState *state)
{
  g_autoptr(GError) error = NULL;
  gboolean claimed = FALSE;

  g_assert_true (dk_store_claim_reminder (store, case_id, expected, state, &claimed, &error));
  g_assert_no_error (error);
  return claimed;
}

static void
test_claim_once (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStore) other = dk_store_open (fx->path, &error);
  DkReminderState first = { 1000, 2000, DK_TIME_UNSET, FALSE, FALSE };
  DkReminderState told = { 1000, 2000, 900, TRUE, FALSE };
  DkReminderState read;

  g_assert_no_error (error);
  g_assert_false (dk_store_get_reminder (fx->store, "case-1", &read, &error));
  g_assert_no_error (error);
  g_assert_false (dk_store_reminder_was_told (fx->store, "case-1"));

  /* Two processes plan the same moment from "nothing recorded": one gets it. */
  g_assert_true (claim (fx->store, "case-1", NULL, &told));
  g_assert_false (claim (other, "case-1", NULL, &told));
  g_assert_false (claim (other, "case-1", &first, &told));

  g_assert_true (dk_store_get_reminder (other, "case-1", &read, &error));
  g_assert_true (dk_reminder_state_equal (&read, &told));
  g_assert_cmpint (read.end, ==, 2000);
  g_assert_true (dk_store_reminder_was_told (other, "case-1"));

  /* From what is recorded, the next claim goes through; unset times stay unset. */
  first.settled_until = 1000;
  first.done = TRUE;
  first.end = DK_TIME_UNSET;
  g_assert_true (claim (other, "case-1", &told, &first));
  g_assert_true (dk_store_get_reminder (fx->store, "case-1", &read, &error));
  g_assert_cmpint (read.end, ==, DK_TIME_UNSET);
  g_assert_true (read.done);
  g_assert_false (read.told);
}

static void
test_cases_looked_at (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  gint64 now = dk_time_now ();
  g_autofree char *open = put_case (fx, DK_CASE_KIND_PLANNED, now + 24 * HOUR, DK_TIME_UNSET);
  g_autofree char *just_closed = put_case (fx, DK_CASE_KIND_PLANNED, now - 3 * HOUR, now - HOUR);
  g_autofree char *long_closed = put_case (fx, DK_CASE_KIND_PLANNED, now - 99 * HOUR,
                                           now - 98 * HOUR);
  g_autofree char *incident = put_case (fx, DK_CASE_KIND_INCIDENT, now - HOUR, DK_TIME_UNSET);
  DkReminderState told = { now, now + HOUR, now, TRUE, FALSE };
  DkReminderState done = { now, now + HOUR, now, TRUE, TRUE };

  /* An incident that was a planned action once, and a gone case, both reminded. */
  g_assert_true (claim (fx->store, incident, NULL, &told));
  g_assert_true (claim (fx->store, "gone", NULL, &told));
  g_assert_true (claim (fx->store, "finished", NULL, &done));

  ids = dk_store_list_reminder_cases (fx->store, now - 48 * HOUR, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 4);
  g_assert_true (g_ptr_array_find_with_equal_func (ids, open, g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (ids, just_closed, g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (ids, incident, g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (ids, "gone", g_str_equal, NULL));
}

static void
test_migration_from_v2 (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = put_case (fx, DK_CASE_KIND_PLANNED, dk_time_now () + HOUR,
                                  DK_TIME_UNSET);
  g_autoptr(GPtrArray) ids = NULL;
  DkReminderState told = { 1, 2, 1, TRUE, FALSE };
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (DK_STORE_SCHEMA_VERSION, ==, 3);
  g_clear_object (&fx->store);

  /* A replica of version 2: no reminders table, no index. */
  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE reminders; DROP INDEX cases_planned;"
                                 "PRAGMA user_version = 2", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  fx->store = dk_store_open (fx->path, &error);
  g_assert_no_error (error);
  ids = dk_store_list_reminder_cases (fx->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, id);
  g_assert_true (claim (fx->store, id, NULL, &told));

  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 3);
  sqlite3_finalize (stmt);
  /* The planned actions are found through their index. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "EXPLAIN QUERY PLAN SELECT id FROM cases"
                                       " WHERE kind = 'planned' AND start IS NOT NULL",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_nonnull (strstr ((const char *) sqlite3_column_text (stmt, 3), "cases_planned"));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store/reminders/claimed-once-by-one-of-two-processes", test_claim_once);
  ADD ("/store/reminders/planned-open-recent-and-reminded-are-looked-at", test_cases_looked_at);
  ADD ("/store/reminders/migration-from-v2-adds-the-table", test_migration_from_v2);
#undef ADD

  return g_test_run ();
}
