/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-routines.c: routines and runs with two real replicas against a real server */

#include "config.h"

#include <glib/gstdio.h>

#include "dk-local-changes.h"
#include "dk-store-routines.h"
#include "dk-sync-engine.h"
#include "dk-test-server.h"

#define ROUTINE "driftstopp-tes"
#define DEAD_URL "http://127.0.0.1:1/"

/* One desktop: its own data dir, replica and engine. */
typedef struct {
  char         *dir;
  DkStore      *store;
  DkSyncEngine *engine;
  const char   *user;
} Desktop;

typedef struct {
  DkTestServer *server;
  Desktop       a;   /* staff, always online */
  Desktop       b;   /* servicedesk, goes offline */
} Fixture;

/* ---- helpers ---- */

static gboolean
sync_now (Desktop  *desktop,
          GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dk_sync_engine_sync_async (desktop->engine, NULL, dk_test_async_result_cb, &result);
  return dk_sync_engine_sync_finish (desktop->engine, dk_test_wait_result (&result), error);
}

static void
sync_ok (Desktop *desktop)
{
  g_autoptr(GError) error = NULL;

  sync_now (desktop, &error);
  g_assert_no_error (error);
}

static GPtrArray *
fetch_revisions (Desktop  *desktop,
                 gint64    revision,
                 GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dk_sync_engine_fetch_routine_revisions_async (desktop->engine, ROUTINE, revision, NULL,
                                                dk_test_async_result_cb, &result);
  return dk_sync_engine_fetch_routine_revisions_finish (desktop->engine, dk_test_wait_result (&result),
                                                        error);
}

static void
desktop_setup (Desktop      *desktop,
               DkTestServer *server,
               const char   *user)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = NULL;

  desktop->user = user;
  desktop->dir = g_dir_make_tmp ("driftkoll-routines-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (desktop->dir, "replica.db", NULL);
  desktop->store = dk_store_open (path, &error);
  g_assert_no_error (error);
  desktop->engine = dk_sync_engine_new (desktop->store, server->url);

  dk_sync_engine_login_async (desktop->engine, user, "demo", NULL, dk_test_async_result_cb, &result);
  dk_sync_engine_login_finish (desktop->engine, dk_test_wait_result (&result), &error);
  g_assert_no_error (error);
  sync_ok (desktop);
}

static void
desktop_teardown (Desktop *desktop)
{
  g_clear_object (&desktop->engine);
  g_clear_object (&desktop->store);
  dk_test_remove_tree (desktop->dir);
  g_free (desktop->dir);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_setenv ("DRIFTKOLL_TOKEN_STORAGE", "file", TRUE);
  fixture->server = dk_test_server_new (TRUE);
  desktop_setup (&fixture->a, fixture->server, "staff");
  desktop_setup (&fixture->b, fixture->server, "servicedesk");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  desktop_teardown (&fixture->a);
  desktop_teardown (&fixture->b);
  g_clear_pointer (&fixture->server, dk_test_server_free);
}

static void
go_offline (Desktop *desktop)
{
  dk_sync_engine_set_server_url (desktop->engine, DEAD_URL);
}

static void
go_online (Desktop      *desktop,
           DkTestServer *server)
{
  dk_sync_engine_set_server_url (desktop->engine, server->url);
}

static void
change_step (Desktop     *desktop,
             const char  *run_id,
             const char  *step,
             DkRunAction  action,
             const char  *note,
             gint64       at)
{
  g_autoptr(GError) error = NULL;

  dk_local_change_run_step (desktop->store, run_id, step, action, note, desktop->user, at,
                            &error);
  g_assert_no_error (error);
}

static DkRun *
get_run (Desktop    *desktop,
         const char *run_id)
{
  g_autoptr(GError) error = NULL;
  DkRun *run = dk_store_get_run (desktop->store, run_id, &error);

  g_assert_no_error (error);
  return run;
}

static char *
start_run (Fixture    *fixture,
           const char *case_id)
{
  g_autoptr(GError) error = NULL;
  char *run_id = dk_local_start_run (fixture->a.store, ROUTINE, "Hemtjänst Norr", case_id,
                                     fixture->a.user, dk_time_now (), &error);

  g_assert_no_error (error);
  sync_ok (&fixture->a);
  sync_ok (&fixture->b);
  return run_id;
}

static gboolean
has_tick (const DkRunStep *step,
          const char      *by,
          gboolean         done)
{
  for (guint i = 0; i < step->ticks->len; i++)
    {
      const DkRunTick *tick = g_ptr_array_index (step->ticks, i);

      if (g_strcmp0 (tick->by, by) == 0 && tick->done == done && tick->at != DK_TIME_UNSET)
        return TRUE;
    }
  return FALSE;
}

static void
assert_same_run (Fixture    *fixture,
                 const char *run_id)
{
  g_autoptr(DkRun) a = get_run (&fixture->a, run_id);
  g_autoptr(DkRun) b = get_run (&fixture->b, run_id);
  g_autoptr(JsonNode) a_node = dk_run_to_json (a);
  g_autoptr(JsonNode) b_node = dk_run_to_json (b);
  g_autofree char *a_text = dk_json_to_string (a_node);
  g_autofree char *b_text = dk_json_to_string (b_node);

  g_assert_cmpstr (a_text, ==, b_text);
}

/* ---- runs ---- */

static void
test_runs_offline_desktop_merges_every_tick (Fixture       *fixture,
                                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *run_id = start_run (fixture, NULL);
  g_autoptr(DkRun) run = NULL;
  gint64 now = dk_time_now ();
  DkRunStep *step;

  /* b works offline: ticks during-1 with a note, and during-2. */
  go_offline (&fixture->b);
  change_step (&fixture->b, run_id, "during-1", DK_RUN_TICK, "Ringde jouren från B", now - 20);
  change_step (&fixture->b, run_id, "during-2", DK_RUN_TICK, NULL, now - 15);
  /* a, online, ticks the same during-1 and during-3. */
  change_step (&fixture->a, run_id, "during-1", DK_RUN_TICK, NULL, now - 10);
  change_step (&fixture->a, run_id, "during-3", DK_RUN_TICK, "Driftkoll visar störningen", now - 5);
  sync_ok (&fixture->a);

  g_assert_false (sync_now (&fixture->b, &error));
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);
  g_assert_cmpuint (dk_store_outbox_count (fixture->b.store, DK_OUTBOX_PENDING), ==, 2);
  /* Offline, b sees its own ticks and the run as it last synced it. */
  run = get_run (&fixture->b, run_id);
  g_assert_true (dk_run_find_step (run, "during-1")->done);
  g_assert_null (dk_run_find_step (run, "during-3"));
  g_clear_pointer (&run, dk_run_unref);

  go_online (&fixture->b, fixture->server);
  sync_ok (&fixture->b);
  sync_ok (&fixture->a);
  g_assert_cmpuint (dk_store_outbox_count (fixture->b.store, DK_OUTBOX_PENDING), ==, 0);

  run = get_run (&fixture->a, run_id);
  step = dk_run_find_step (run, "during-1");
  g_assert_true (step->done);
  g_assert_cmpuint (step->ticks->len, ==, 2);
  g_assert_true (has_tick (step, "servicedesk", TRUE));
  g_assert_true (has_tick (step, "staff", TRUE));
  g_assert_cmpstr (step->by, ==, "staff");
  g_assert_cmpint (step->at, ==, now - 10);
  g_assert_cmpstr (step->note, ==, "Ringde jouren från B");
  g_assert_true (has_tick (dk_run_find_step (run, "during-2"), "servicedesk", TRUE));
  g_assert_cmpint (dk_run_find_step (run, "during-2")->at, ==, now - 15);
  g_assert_true (dk_run_find_step (run, "during-3")->done);
  g_assert_cmpstr (dk_run_find_step (run, "during-3")->note, ==, "Driftkoll visar störningen");
  assert_same_run (fixture, run_id);
}

static void
test_runs_untick_against_tick_the_later_wins (Fixture       *fixture,
                                              gconstpointer  data)
{
  g_autofree char *run_id = start_run (fixture, NULL);
  g_autoptr(DkRun) run = NULL;
  gint64 now = dk_time_now ();
  DkRunStep *step;

  /* Both have seen a's tick on during-1 and b's on during-2. */
  change_step (&fixture->a, run_id, "during-1", DK_RUN_TICK, NULL, now - 120);
  change_step (&fixture->b, run_id, "during-2", DK_RUN_TICK, NULL, now - 120);
  sync_ok (&fixture->a);
  sync_ok (&fixture->b);
  sync_ok (&fixture->a);

  /* Then, not seeing each other: b (offline) unticks during-1 later than a ticks it
   * again; a unticks during-2 earlier than b ticks it again. */
  go_offline (&fixture->b);
  change_step (&fixture->a, run_id, "during-1", DK_RUN_TICK, NULL, now - 60);
  change_step (&fixture->b, run_id, "during-1", DK_RUN_UNTICK, "Inte klart ändå", now - 30);
  change_step (&fixture->a, run_id, "during-2", DK_RUN_UNTICK, NULL, now - 90);
  change_step (&fixture->b, run_id, "during-2", DK_RUN_TICK, NULL, now - 80);
  sync_ok (&fixture->a);
  go_online (&fixture->b, fixture->server);
  sync_ok (&fixture->b);
  sync_ok (&fixture->a);

  run = get_run (&fixture->a, run_id);
  step = dk_run_find_step (run, "during-1");
  g_assert_false (step->done);                     /* b's untick was the later */
  g_assert_cmpstr (step->by, ==, "servicedesk");
  g_assert_cmpuint (step->ticks->len, ==, 3);      /* a's two ticks are kept */
  g_assert_true (has_tick (step, "staff", TRUE));
  g_assert_cmpstr (step->note, ==, "Inte klart ändå");
  step = dk_run_find_step (run, "during-2");
  g_assert_true (step->done);                      /* b's tick was the later */
  g_assert_cmpstr (step->by, ==, "servicedesk");
  g_assert_true (has_tick (step, "staff", FALSE));
  g_assert_cmpuint (step->ticks->len, ==, 3);
  assert_same_run (fixture, run_id);
}

/* ---- the after phase and the 10-hour rule ---- */

static char *
create_case (Fixture *fixture,
             const char *token,
             gint64      start)
{
  g_autofree char *mutation_id = g_uuid_string_random ();
  char *case_id = g_uuid_string_random ();
  g_autofree char *start_text = dk_time_format (start);
  g_autofree char *batch = NULL;
  g_autoptr(JsonArray) results = NULL;

  batch = g_strdup_printf ("[{\"id\":\"%s\",\"op\":\"case.create\",\"base_revision\":0,"
                           "\"data\":{\"id\":\"%s\",\"kind\":\"incident\","
                           "\"area\":\"it_telephony\",\"title\":\"TES nere\","
                           "\"description\":\"TES-appen går inte att logga in i\","
                           "\"scope\":\"Hemtjänsten\",\"services\":[\"tes\"],\"priority\":2,"
                           "\"public\":false,\"start\":\"%s\"}}]",
                           mutation_id, case_id, start_text);
  results = dk_test_server_mutate (fixture->server, token, batch);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0),
                                                  "status"), ==, "applied");
  return case_id;
}

static void
close_case (Fixture    *fixture,
            const char *token,
            const char *case_id,
            gint64      at)
{
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *at_text = dk_time_format (at);
  g_autofree char *batch = NULL;
  g_autoptr(JsonArray) results = NULL;

  batch = g_strdup_printf ("[{\"id\":\"%s\",\"op\":\"case.close\",\"base_revision\":0,"
                           "\"data\":{\"id\":\"%s\",\"at\":\"%s\"}}]",
                           mutation_id, case_id, at_text);
  results = dk_test_server_mutate (fixture->server, token, batch);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0),
                                                  "status"), ==, "applied");
}

static void
test_runs_after_phase_and_the_10_hour_rule (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autofree char *token = dk_test_server_login (fixture->server, "servicedesk", "demo");
  gint64 now = dk_time_now ();
  g_autofree char *short_case = create_case (fixture, token, now - 3 * 3600);
  g_autofree char *long_case = create_case (fixture, token, now - 12 * 3600);
  g_autofree char *short_run = NULL;
  g_autofree char *long_run = NULL;
  g_autoptr(DkRoutine) routine = NULL;
  g_autoptr(DkRun) run = NULL;
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GPtrArray) tied = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *applies = NULL;
  g_autoptr(GDateTime) closed = NULL;
  g_autoptr(GDateTime) deadline = NULL;
  DkRunProgress progress;

  sync_ok (&fixture->a);
  short_run = start_run (fixture, short_case);
  long_run = start_run (fixture, long_case);
  routine = dk_store_get_routine (fixture->a.store, ROUTINE, NULL);
  g_assert_nonnull (routine);

  /* While the cases are open the runs are in their during phase, every step counts. */
  run = get_run (&fixture->a, short_run);
  kase = dk_store_get_case (fixture->a.store, short_case, NULL);
  g_assert_cmpint (dk_run_get_phase (run, kase), ==, DK_ROUTINE_PHASE_DURING);
  dk_run_get_progress (run, routine, kase, DK_ROUTINE_PHASE_AFTER, &progress);
  g_assert_cmpuint (progress.total, ==, 2);
  g_clear_pointer (&run, dk_run_unref);
  g_clear_pointer (&kase, dk_case_unref);
  tied = dk_store_list_runs_for_case (fixture->a.store, short_case, NULL);
  g_assert_cmpuint (tied->len, ==, 1);

  close_case (fixture, token, short_case, now);
  close_case (fixture, token, long_case, now);
  sync_ok (&fixture->a);

  /* 3 hours: after phase, the over-10-hours step does not apply, post-register next day. */
  run = get_run (&fixture->a, short_run);
  kase = dk_store_get_case (fixture->a.store, short_case, NULL);
  g_assert_cmpint (dk_case_outage_seconds (kase), ==, 3 * 3600);
  g_assert_cmpint (dk_run_get_phase (run, kase), ==, DK_ROUTINE_PHASE_AFTER);
  reason = dk_run_dup_not_applicable_reason (dk_routine_find_step (routine, "after-2"), kase);
  g_assert_cmpstr (reason, ==, "Not applicable: the outage lasted 3 h; this step is for "
                               "outages over 10 hours");
  applies = dk_run_dup_not_applicable_reason (dk_routine_find_step (routine, "after-1"), kase);
  g_assert_null (applies);
  dk_run_get_progress (run, routine, kase, DK_ROUTINE_PHASE_AFTER, &progress);
  g_assert_cmpuint (progress.total, ==, 1);
  g_assert_cmpuint (progress.not_applicable, ==, 1);
  closed = g_date_time_new_from_unix_utc (now);
  deadline = g_date_time_new_from_unix_utc (
    dk_routine_post_registration_deadline (routine, kase, utc));
  g_assert_cmpint (g_date_time_get_day_of_year (deadline) - g_date_time_get_day_of_year (closed)
                   + 366 * (g_date_time_get_year (deadline) - g_date_time_get_year (closed)),
                   >=, 1);
  g_assert_cmpint (g_date_time_get_hour (deadline), ==, 23);
  g_assert_cmpint (g_date_time_get_minute (deadline), ==, 59);
  g_assert_cmpint (dk_routine_post_registration_deadline (routine, kase, utc) - now, <, 2 * 86400);
  g_clear_pointer (&run, dk_run_unref);
  g_clear_pointer (&kase, dk_case_unref);
  g_clear_pointer (&reason, g_free);

  /* 12 hours: the up-to-10-hours step does not apply, no deadline from the routine. */
  run = get_run (&fixture->a, long_run);
  kase = dk_store_get_case (fixture->a.store, long_case, NULL);
  g_assert_cmpint (dk_run_get_phase (run, kase), ==, DK_ROUTINE_PHASE_AFTER);
  reason = dk_run_dup_not_applicable_reason (dk_routine_find_step (routine, "after-1"), kase);
  g_assert_cmpstr (reason, ==, "Not applicable: the outage lasted 12 h; this step is for "
                               "outages of up to 10 hours");
  g_assert_cmpint (dk_routine_post_registration_deadline (routine, kase, utc), ==, DK_TIME_UNSET);
}

/* ---- revisions ---- */

static guint
get_status (DkTestServer *server,
            const char   *token,
            const char   *path)
{
  return dk_test_server_request (server, "GET", path, token, NULL, NULL, 0, NULL, NULL);
}

static void
test_revisions_draft_hidden_until_approved (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autofree char *owner = dk_test_server_login (fixture->server, "routine_owner", "demo");
  g_autofree char *staff = dk_test_server_login (fixture->server, "staff", "demo");
  g_autoptr(DkRoutine) current = dk_store_get_routine (fixture->a.store, ROUTINE, NULL);
  g_autoptr(DkRoutine) draft = NULL;
  g_autoptr(DkRoutine) after = NULL;
  g_autoptr(JsonNode) draft_node = NULL;
  g_autofree char *draft_text = NULL;
  g_autofree char *batch = NULL;
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *approve_id = g_uuid_string_random ();
  g_autofree char *one_path = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonArray) approved = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GPtrArray) both = NULL;
  g_autoptr(GPtrArray) old_one = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  gint64 base;
  gint64 next;
  DkRoutineStep *added;

  g_assert_nonnull (current);
  g_assert_true (current->approved_at != DK_TIME_UNSET);
  base = current->revision;
  next = base + 1;

  /* The owner saves a new revision: a step reworded, one added. */
  draft = dk_routine_copy (current);
  g_free (((DkRoutineStep *) g_ptr_array_index (draft->steps, 3))->text);
  ((DkRoutineStep *) g_ptr_array_index (draft->steps, 3))->text =
    g_strdup ("Informera dina kollegor och ansvarig chef om driftstoppet.");
  added = dk_routine_step_new ();
  added->id = g_strdup ("during-7");
  added->phase = DK_ROUTINE_PHASE_DURING;
  added->text = g_strdup ("Skriv upp vem som ringde jouren.");
  g_ptr_array_insert (draft->steps, 8, added);
  draft_node = dk_routine_to_json (draft);
  draft_text = dk_json_to_string (draft_node);
  batch = g_strdup_printf ("[{\"id\":\"%s\",\"op\":\"routine.save\",\"base_revision\":%"
                           G_GINT64_FORMAT ",\"data\":%s}]", mutation_id, base, draft_text);
  results = dk_test_server_mutate (fixture->server, owner, batch);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0),
                                                  "status"), ==, "applied");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (results, 0),
                                               "revision"), ==, next);

  /* Staff still see the approved revision, and cannot fetch the draft. */
  sync_ok (&fixture->a);
  g_clear_pointer (&current, dk_routine_unref);
  current = dk_store_get_routine (fixture->a.store, ROUTINE, NULL);
  g_assert_cmpint (current->revision, ==, base);
  seen = fetch_revisions (&fixture->a, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < seen->len; i++)
    g_assert_cmpint (((DkRoutine *) g_ptr_array_index (seen, i))->revision, <, next);
  g_assert_null (fetch_revisions (&fixture->a, next, &error));
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_REFUSED);
  g_clear_error (&error);
  one_path = g_strdup_printf ("/api/v1/routines/" ROUTINE "/revisions/%" G_GINT64_FORMAT, next);
  g_assert_cmpuint (get_status (fixture->server, staff, one_path), ==, 404);
  g_assert_cmpuint (get_status (fixture->server, NULL, one_path), ==, 404);
  g_assert_cmpuint (get_status (fixture->server, owner, one_path), ==, 200);
  g_assert_cmpuint (get_status (fixture->server, staff, "/api/v1/routines/" ROUTINE
                                                        "/revisions/zero"), ==, 400);
  g_assert_cmpuint (get_status (fixture->server, staff, "/api/v1/routines/no-such/revisions"),
                    ==, 404);

  /* Approved: staff see it after a sync, and the diff names what changed. */
  g_free (batch);
  batch = g_strdup_printf ("[{\"id\":\"%s\",\"op\":\"routine.approve\",\"base_revision\":0,"
                           "\"data\":{\"id\":\"" ROUTINE "\",\"revision\":%" G_GINT64_FORMAT "}}]",
                           approve_id, next);
  approved = dk_test_server_mutate (fixture->server, owner, batch);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (approved, 0),
                                                  "status"), ==, "applied");
  sync_ok (&fixture->a);
  after = dk_store_get_routine (fixture->a.store, ROUTINE, NULL);
  g_assert_cmpint (after->revision, ==, next);
  g_assert_nonnull (dk_routine_find_step (after, "during-7"));
  g_assert_cmpuint (get_status (fixture->server, staff, one_path), ==, 200);

  both = fetch_revisions (&fixture->a, next, &error);
  g_assert_no_error (error);
  old_one = fetch_revisions (&fixture->a, base, &error);
  g_assert_no_error (error);
  changes = dk_routine_diff (g_ptr_array_index (old_one, 0), g_ptr_array_index (both, 0));
  /* revision, approved date, the reworded step and the added one; nothing else */
  g_assert_cmpuint (changes->len, ==, 4);
  g_assert_cmpint (((DkRoutineChange *) g_ptr_array_index (changes, 0))->kind, ==,
                   DK_ROUTINE_CHANGE_FIELD);
  g_assert_cmpstr (((DkRoutineChange *) g_ptr_array_index (changes, 0))->field, ==, "revision");
  g_assert_cmpstr (((DkRoutineChange *) g_ptr_array_index (changes, 1))->field, ==, "approved_at");
  g_assert_cmpint (((DkRoutineChange *) g_ptr_array_index (changes, 2))->kind, ==,
                   DK_ROUTINE_CHANGE_STEP_CHANGED);
  g_assert_cmpstr (((DkRoutineChange *) g_ptr_array_index (changes, 2))->step, ==, "during-2");
  g_assert_cmpstr (((DkRoutineChange *) g_ptr_array_index (changes, 2))->new_value, ==,
                   "Informera dina kollegor och ansvarig chef om driftstoppet.");
  g_assert_cmpint (((DkRoutineChange *) g_ptr_array_index (changes, 3))->kind, ==,
                   DK_ROUTINE_CHANGE_STEP_ADDED);
  g_assert_cmpstr (((DkRoutineChange *) g_ptr_array_index (changes, 3))->step, ==, "during-7");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LC_ALL", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/routines/runs/an-offline-desktop-merges-keeping-every-tick",
       test_runs_offline_desktop_merges_every_tick);
  ADD ("/routines/runs/untick-against-tick-the-later-wins-both-kept",
       test_runs_untick_against_tick_the_later_wins);
  ADD ("/routines/runs/after-phase-and-the-10-hour-rule-when-the-case-closes",
       test_runs_after_phase_and_the_10_hour_rule);
  ADD ("/routines/revisions/a-draft-is-hidden-from-staff-until-approved",
       test_revisions_draft_hidden_until_approved);

  return g_test_run ();
}
