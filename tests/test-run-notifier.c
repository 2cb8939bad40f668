/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-run-notifier.c: "post-register" notifications when a run's case closes, with a
 * real server, a real replica and sync engine, and dunst (run-ui.sh --dunst) */

#include "config.h"

#include <glib/gstdio.h>

#include "dk-local-changes.h"
#include "dk-run-notifier.h"
#include "dk-run-progress.h"
#include "dk-store-routines.h"
#include "dk-store-run-notify.h"
#include "dk-test-desktop.h"

#define ROUTINE "driftstopp-tes"
#define HOUR 3600

typedef DkTestDesktop Fixture;

/* The app's run notifier, on staff's replica. */
static GObject *
new_notifier (GApplication *app,
              DkSyncEngine *engine,
              GSettings    *settings)
{
  return G_OBJECT (dk_run_notifier_new (app, engine, settings));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static const char * const actions[] = { "open-run", NULL };

  dk_test_desktop_setup (f, "run-notifier", "io.github.driftkoll.DriftkollRunTest", actions,
                         new_notifier);
  g_assert_null (dk_notify_watch_next (f->watch, 1));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  dk_test_desktop_teardown (f);
}

/* A TES outage that started @hours_ago hours ago; returns its id. */
static char *
open_case (Fixture *f,
           gint64   hours_ago)
{
  char *id = g_uuid_string_random ();
  g_autofree char *start = dk_time_format (dk_time_now () - hours_ago * HOUR);
  g_autofree char *data = g_strdup_printf (
      "{\"id\":\"%s\",\"kind\":\"incident\",\"area\":\"it_telephony\",\"title\":\"TES nere\","
      "\"description\":\"TES-appen går inte att logga in i\",\"scope\":\"Hemtjänsten\","
      "\"services\":[\"tes\"],\"priority\":2,\"public\":false,\"start\":\"%s\"}",
      id, start);

  dk_test_desktop_apply (f, "case.create", data);
  return id;
}

static void
close_case (Fixture    *f,
            const char *case_id)
{
  g_autofree char *at = dk_time_format (dk_time_now ());
  g_autofree char *data = g_strdup_printf ("{\"id\":\"%s\",\"at\":\"%s\"}", case_id, at);

  dk_test_desktop_apply (f, "case.close", data);
}

/* staff starts a run on @unit tied to @case_id in the app's replica; returns its id. */
static char *
start_run (Fixture    *f,
           const char *unit,
           const char *case_id)
{
  g_autoptr(GError) error = NULL;
  char *run_id = dk_local_start_run (f->store, ROUTINE, unit, case_id, "staff", dk_time_now (),
                                     &error);

  g_assert_no_error (error);
  return run_id;
}

static void
work_in_run (Fixture     *f,
             const char  *run_id,
             const char  *step,
             DkRunAction  action,
             const char  *note)
{
  g_autoptr(GError) error = NULL;

  dk_local_change_run_step (f->store, run_id, step, action, note, "staff", dk_time_now (),
                            &error);
  g_assert_no_error (error);
}

/* Once the case is in the app's replica, staff starts a run on @unit tied to it and ticks
 * its first step (noting @note); synced. Returns the run's id. */
static char *
tick_in_a_run (Fixture    *f,
               const char *unit,
               const char *case_id,
               const char *note)
{
  char *run_id;

  dk_test_desktop_sync_now (f);
  run_id = start_run (f, unit, case_id);
  work_in_run (f, run_id, "during-1", DK_RUN_TICK, note);
  dk_test_desktop_sync_now (f);
  return run_id;
}

/* servicedesk starts a run tied to @case_id and ticks a step, through the API. */
static char *
start_run_as_servicedesk (Fixture    *f,
                          const char *unit,
                          const char *case_id)
{
  g_autoptr(DkRun) run = dk_run_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *run_json = NULL;
  g_autofree char *at = dk_time_format (dk_time_now ());
  g_autofree char *tick = NULL;

  run->id = g_uuid_string_random ();
  run->routine = g_strdup (ROUTINE);
  run->unit = g_strdup (unit);
  run->case_id = g_strdup (case_id);
  run->started_by = g_strdup ("servicedesk");
  run->started_at = dk_time_now ();
  node = dk_run_to_json (run);
  run_json = dk_json_to_string (node);
  dk_test_desktop_apply (f, "run.start", run_json);

  tick = g_strdup_printf ("{\"id\":\"%s\",\"step\":\"during-1\",\"done\":true,\"at\":\"%s\"}",
                          run->id, at);
  dk_test_desktop_apply (f, "run.set_step", tick);
  return g_strdup (run->id);
}

static void
assert_body_has (DkNotifyCall *call,
                 const char   *text)
{
  if (strstr (call->body, text) == NULL)
    g_error ("“%s” is not in the body:\n%s", text, call->body);
}

/* "by the end of tomorrow, 2 December" as a person reads it, from the calendar. */
static char *
end_of_tomorrow (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *date = g_date_time_format (tomorrow, "%-d %B");

  return g_strdup_printf ("Post-register by the end of tomorrow, %s.", date);
}

/* The body dunst keeps in its history for @summary, after closing what is on screen. */
static char *
dunst_body_of (const char *summary)
{
  g_autoptr(JsonArray) entries = dk_test_dunst_history ();

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      if (g_strcmp0 (dk_test_dunst_history_field (entry, "summary"), summary) == 0)
        return g_strdup (dk_test_dunst_history_field (entry, "body"));
    }

  return NULL;
}

static gboolean
looked_at (Fixture    *f,
           const char *run_id,
           gboolean   *out_told)
{
  g_autoptr(GError) error = NULL;
  gint64 closed_at;

  dk_store_get_run_looked_at (f->store, run_id, "staff", &closed_at, out_told, &error);
  g_assert_no_error (error);
  return closed_at != DK_TIME_UNSET;
}

/* ---- tests ---- */

static void
test_short_outage_names_the_deadline (Fixture       *f,
                                      gconstpointer  data)
{
  g_autofree char *case_id = open_case (f, 3);
  g_autofree char *run_id = NULL;
  g_autofree char *deadline = end_of_tomorrow ();
  g_autofree char *shown = NULL;
  g_autofree char *follow_up_id = g_uuid_string_random ();
  g_autofree char *follow_up = NULL;
  g_autoptr(DkNotifyCall) call = NULL;
  gboolean told = FALSE;

  run_id = tick_in_a_run (f, "Hemtjänst Norr", case_id, NULL);
  /* The case is still open: nothing to post-register yet. */
  g_assert_null (dk_notify_watch_next (f->watch, 1));
  g_assert_false (looked_at (f, run_id, NULL));

  close_case (f, case_id);
  dk_test_desktop_sync_now (f);
  call = dk_test_desktop_expect_notification (f);
  g_assert_cmpstr (call->summary, ==, "Post-register: Driftstopp TES on Hemtjänst Norr");
  assert_body_has (call, "“TES nere” lasted 3 h.");
  assert_body_has (call, deadline);
  assert_body_has (call, "• Driftstopp upp till 10 timmar: varje medarbetare efterregistrerar");
  /* The step for long outages shows as not applicable, after the one to do, with the
   * reason. */
  assert_body_has (call, "\n– Driftstopp längre än 10 timmar: Socialf…\n"
                         "Not applicable: the outage lasted 3 h; this step is for outages "
                         "over 10 hours");
  g_assert_true (strstr (call->body, "• Driftstopp upp till") <
                 strstr (call->body, "– Driftstopp längre"));
  g_assert_null (strstr (call->body, "administration"));
  g_assert_cmpuint (call->urgency, ==, 1);
  g_assert_true (dk_notify_call_has_action (call, "default", "Open run"));
  g_assert_true (dk_notify_call_has_action (call, "open-run", "Open run"));
  g_assert_true (looked_at (f, run_id, &told));
  g_assert_true (told);

  /* dunst shows it as the bus carried it. */
  shown = dunst_body_of ("Post-register: Driftstopp TES on Hemtjänst Norr");
  g_assert_nonnull (shown);
  g_assert_nonnull (strstr (shown, deadline));

  /* Another sync, another change to the case: the same closing is not told again. */
  follow_up = g_strdup_printf ("{\"id\":\"%s\",\"follow_up\":{\"id\":\"%s\","
                               "\"text\":\"Uppföljning klar\"}}", case_id, follow_up_id);
  dk_test_desktop_apply (f, "case.follow_up", follow_up);
  dk_test_desktop_sync_now (f);
  g_assert_null (dk_notify_watch_next (f->watch, 1));
}

static void
test_long_outage_says_the_administration_announces (Fixture       *f,
                                                    gconstpointer  data)
{
  g_autofree char *case_id = open_case (f, 12);
  g_autofree char *run_id = NULL;
  g_autoptr(DkNotifyCall) call = NULL;

  dk_test_desktop_sync_now (f);
  run_id = start_run (f, "Hemtjänst Söder", case_id);
  work_in_run (f, run_id, "during-2", DK_RUN_TICK, NULL);
  work_in_run (f, run_id, "during-3", DK_RUN_TICK, NULL);
  dk_test_desktop_sync_now (f);

  close_case (f, case_id);
  dk_test_desktop_sync_now (f);
  call = dk_test_desktop_expect_notification (f);
  g_assert_cmpstr (call->summary, ==, "Post-register: Driftstopp TES on Hemtjänst Söder");
  assert_body_has (call, "“TES nere” lasted 12 h.");
  assert_body_has (call, "The administration announces how to post-register.");
  assert_body_has (call, "• Driftstopp längre än 10 timmar: Socialförvaltningen");
  assert_body_has (call, "\n– Driftstopp upp till 10 timmar: varje me…\n"
                         "Not applicable: the outage lasted 12 h; this step is for outages "
                         "of up to 10 hours");
  g_assert_null (strstr (call->body, "• Driftstopp upp till"));
  g_assert_null (strstr (call->body, "Post-register by"));
  g_assert_null (dk_notify_watch_next (f->watch, 1));
}

static void
test_only_the_people_who_worked_in_the_run (Fixture       *f,
                                            gconstpointer  data)
{
  g_autofree char *case_id = open_case (f, 2);
  g_autofree char *theirs = NULL;
  g_autofree char *started_only = NULL;
  g_autofree char *noted = NULL;
  gboolean told = TRUE;

  dk_test_desktop_sync_now (f);
  /* servicedesk works in one run; staff only starts another; staff writes a note (and
   * ticks nothing) in a third. */
  theirs = start_run_as_servicedesk (f, "Avdelning 12", case_id);
  started_only = start_run (f, "Avdelning 14", case_id);
  noted = start_run (f, "Avdelning 16", case_id);
  work_in_run (f, noted, "during-4", DK_RUN_NOTE_ONLY, "Nycklarna finns i expeditionen");
  dk_test_desktop_sync_now (f);

  close_case (f, case_id);
  dk_test_desktop_sync_now (f);
  dk_test_desktop_expect_only (f, "Post-register: Driftstopp TES on Avdelning 16");

  /* Each closing was looked at, and told only where staff worked. */
  g_assert_true (looked_at (f, theirs, &told));
  g_assert_false (told);
  g_assert_true (looked_at (f, started_only, &told));
  g_assert_false (told);
  g_assert_true (looked_at (f, noted, &told));
  g_assert_true (told);
}

static void
test_restart_does_not_repeat (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *case_id = open_case (f, 4);
  g_autofree char *run_id = NULL;
  g_autoptr(DkNotifyCall) call = NULL;

  run_id = tick_in_a_run (f, "Hemtjänst Väst", case_id, "Ringde jouren");

  /* The case closes while the app is closed: told when it starts and syncs. */
  dk_test_desktop_stop_app (f);
  close_case (f, case_id);
  dk_test_desktop_start_app (f);
  call = dk_test_desktop_expect_notification (f);
  g_assert_cmpstr (call->summary, ==, "Post-register: Driftstopp TES on Hemtjänst Väst");

  /* Started again: the closing was told, it is not told twice. */
  dk_test_desktop_stop_app (f);
  dk_test_desktop_start_app (f);
  g_assert_null (dk_notify_watch_next (f->watch, 1));
}

static void
test_setting_off_is_quiet (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *case_id = open_case (f, 1);
  g_autofree char *run_id = NULL;
  gboolean told = TRUE;

  run_id = tick_in_a_run (f, "Hemtjänst Öst", case_id, NULL);

  g_settings_set_boolean (f->settings, "notifications", FALSE);
  close_case (f, case_id);
  dk_test_desktop_sync_now (f);
  g_assert_null (dk_notify_watch_next (f->watch, 1));
  g_assert_true (looked_at (f, run_id, &told));
  g_assert_false (told);

  /* Turned on again, what was missed stays missed. */
  g_settings_set_boolean (f->settings, "notifications", TRUE);
  dk_test_desktop_stop_app (f);
  dk_test_desktop_start_app (f);
  g_assert_null (dk_notify_watch_next (f->watch, 1));
}

static void
test_default_action_opens_the_run (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *case_id = open_case (f, 3);
  g_autofree char *run_id = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *out = NULL;
  g_autoptr(DkNotifyCall) call = NULL;

  g_free (dk_test_dunstctl ("close-all", NULL));
  run_id = tick_in_a_run (f, "Hemtjänst Norr", case_id, NULL);
  close_case (f, case_id);
  dk_test_desktop_sync_now (f);
  call = dk_test_desktop_expect_notification (f);

  g_usleep (200 * 1000);
  out = dk_test_dunstctl ("action", "0", NULL);
  dk_test_desktop_wait_until_opened (f, 10);

  expected = g_strdup_printf ("open-run:%s", run_id);
  g_assert_cmpuint (f->opened->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->opened, 0), ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  /* Deadlines are local time: not UTC, so that a mix-up shows. */
  g_setenv ("TZ", "Europe/Stockholm", TRUE);
  g_setenv ("DRIFTKOLL_TOKEN_STORAGE", "file", TRUE);
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DK_UI_DUNST") == NULL)
    {
      g_test_skip ("run through tests/run-ui.sh --dunst");
      return 77;
    }

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/run-notifier/closing/short-outage-names-the-deadline-once",
       test_short_outage_names_the_deadline);
  ADD ("/run-notifier/closing/long-outage-says-the-administration-announces-how",
       test_long_outage_says_the_administration_announces);
  ADD ("/run-notifier/people/only-those-who-ticked-or-noted-are-told",
       test_only_the_people_who_worked_in_the_run);
  ADD ("/run-notifier/restart/told-at-start-and-not-repeated", test_restart_does_not_repeat);
  ADD ("/run-notifier/quiet/setting-off", test_setting_off_is_quiet);
  ADD ("/run-notifier/actions/default-opens-the-run", test_default_action_opens_the_run);
#undef ADD

  return g_test_run ();
}
