/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-run-notifier.c: "post-register" notifications when a run's case closes, with a
 * real server, a real replica and sync engine, and dunst (run-ui.sh --dunst) */

#include "config.h"

#include <glib/gstdio.h>

#include "dk-local-changes.h"
#include "dk-notify-watch.h"
#include "dk-run-notifier.h"
#include "dk-run-progress.h"
#include "dk-store-routines.h"
#include "dk-store-run-notify.h"
#include "dk-test-server.h"

#define ROUTINE "driftstopp-tes"
#define HOUR 3600

typedef struct {
  DkTestServer  *server;
  char          *data_dir;
  char          *token;          /* servicedesk's: opens and closes cases, works in runs */
  DkStore       *store;          /* staff's replica, the app's */
  DkSyncEngine  *engine;
  GSettings     *settings;
  GApplication  *app;
  DkRunNotifier *notifier;
  DkNotifyWatch *watch;
  GPtrArray     *opened;         /* "open-run:ID" */
} Fixture;

/* ---- helpers ---- */

static void
sync_now (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dk_sync_engine_sync_async (f->engine, NULL, dk_test_async_result_cb, &result);
  dk_sync_engine_sync_finish (f->engine, dk_test_wait_result (&result), &error);
  g_assert_no_error (error);
  /* The notifier looks when the engine says it is idle again: let that run. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
login (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dk_sync_engine_login_async (f->engine, "staff", "demo", NULL, dk_test_async_result_cb, &result);
  dk_sync_engine_login_finish (f->engine, dk_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

static void
app_action_cb (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->opened, g_strdup_printf ("%s:%s", g_action_get_name (G_ACTION (action)),
                                               g_variant_get_string (parameter, NULL)));
}

/* The app as it starts: a run notifier on the replica; the engine logs in and syncs. */
static void
start_app (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->data_dir, "replica.db", NULL);
  g_autoptr(GError) error = NULL;

  f->store = dk_store_open (path, &error);
  g_assert_no_error (error);
  f->engine = dk_sync_engine_new (f->store, f->server->url);
  f->notifier = dk_run_notifier_new (f->app, f->engine, f->settings);
  login (f);
  sync_now (f);
}

static void
stop_app (Fixture *f)
{
  dk_sync_engine_stop (f->engine);
  g_clear_object (&f->notifier);
  g_clear_object (&f->engine);
  g_clear_object (&f->store);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static const GActionEntry entries[] = {
    { "open-run", app_action_cb, "s" },
  };
  g_autoptr(GError) error = NULL;

  f->server = dk_test_server_new (TRUE);
  f->token = dk_test_server_login (f->server, "servicedesk", "demo");
  f->data_dir = g_dir_make_tmp ("driftkoll-run-notifier-XXXXXX", &error);
  g_assert_no_error (error);
  f->settings = g_settings_new ("io.github.driftkoll.Driftkoll");
  f->opened = g_ptr_array_new_with_free_func (g_free);

  f->app = g_application_new ("io.github.driftkoll.DriftkollRunTest", G_APPLICATION_NON_UNIQUE);
  g_action_map_add_action_entries (G_ACTION_MAP (f->app), entries, G_N_ELEMENTS (entries), f);
  g_application_register (f->app, NULL, &error);
  g_assert_no_error (error);

  f->watch = dk_notify_watch_new ();
  start_app (f);
  g_assert_null (dk_notify_watch_next (f->watch, 1));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  stop_app (f);
  g_clear_pointer (&f->watch, dk_notify_watch_free);
  g_clear_object (&f->app);
  g_clear_object (&f->settings);
  g_clear_pointer (&f->opened, g_ptr_array_unref);
  g_clear_pointer (&f->server, dk_test_server_free);
  g_free (f->token);
  dk_test_remove_tree (f->data_dir);
  g_free (f->data_dir);
}

/* One mutation through the API as servicedesk; asserts it was applied. */
static void
apply (Fixture    *f,
       const char *op,
       const char *data_json)
{
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *mutation = g_strdup_printf ("[{\"id\":\"%s\",\"op\":\"%s\","
                                               "\"base_revision\":0,\"data\":%s}]",
                                               mutation_id, op, data_json);
  g_autoptr(JsonArray) results = dk_test_server_mutate (f->server, f->token, mutation);
  JsonObject *result = json_array_get_object_element (results, 0);

  if (json_object_has_member (result, "error"))
    g_test_message ("%s: %s", op, json_object_get_string_member (
                      json_object_get_object_member (result, "error"), "message"));
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
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

  apply (f, "case.create", data);
  return id;
}

static void
close_case (Fixture    *f,
            const char *case_id)
{
  g_autofree char *at = dk_time_format (dk_time_now ());
  g_autofree char *data = g_strdup_printf ("{\"id\":\"%s\",\"at\":\"%s\"}", case_id, at);

  apply (f, "case.close", data);
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
  apply (f, "run.start", run_json);

  tick = g_strdup_printf ("{\"id\":\"%s\",\"step\":\"during-1\",\"done\":true,\"at\":\"%s\"}",
                          run->id, at);
  apply (f, "run.set_step", tick);
  return g_strdup (run->id);
}

static DkNotifyCall *
expect_notification (Fixture *f)
{
  DkNotifyCall *call = dk_notify_watch_next (f->watch, 10);

  g_assert_nonnull (call);
  g_test_message ("Notify: %s / %s", call->summary, call->body);
  return call;
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

/* Runs "dunstctl ARGS..." and returns its stdout. */
static char *
dunstctl (const char *first,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  const char *arg;
  va_list args;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "dunstctl");
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

/* The body dunst keeps in its history for @summary, after closing what is on screen. */
static char *
dunst_body_of (const char *summary)
{
  g_autofree char *closed = dunstctl ("close-all", NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *entries;

  g_usleep (200 * 1000);
  text = dunstctl ("history", NULL);
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  entries = json_array_get_array_element (
    json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "data"),
    0);

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      const char *shown = json_object_get_string_member (
        json_object_get_object_member (entry, "summary"), "data");

      if (g_strcmp0 (shown, summary) == 0)
        return g_strdup (json_object_get_string_member (
                           json_object_get_object_member (entry, "body"), "data"));
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

  sync_now (f);
  run_id = start_run (f, "Hemtjänst Norr", case_id);
  work_in_run (f, run_id, "during-1", DK_RUN_TICK, NULL);
  sync_now (f);
  /* The case is still open: nothing to post-register yet. */
  g_assert_null (dk_notify_watch_next (f->watch, 1));
  g_assert_false (looked_at (f, run_id, NULL));

  close_case (f, case_id);
  sync_now (f);
  call = expect_notification (f);
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
  apply (f, "case.follow_up", follow_up);
  sync_now (f);
  g_assert_null (dk_notify_watch_next (f->watch, 1));
}

static void
test_long_outage_says_the_administration_announces (Fixture       *f,
                                                    gconstpointer  data)
{
  g_autofree char *case_id = open_case (f, 12);
  g_autofree char *run_id = NULL;
  g_autoptr(DkNotifyCall) call = NULL;

  sync_now (f);
  run_id = start_run (f, "Hemtjänst Söder", case_id);
  work_in_run (f, run_id, "during-2", DK_RUN_TICK, NULL);
  work_in_run (f, run_id, "during-3", DK_RUN_TICK, NULL);
  sync_now (f);

  close_case (f, case_id);
  sync_now (f);
  call = expect_notification (f);
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
  g_autoptr(DkNotifyCall) call = NULL;
  gboolean told = TRUE;

  sync_now (f);
  /* servicedesk works in one run; staff only starts another; staff writes a note (and
   * ticks nothing) in a third. */
  theirs = start_run_as_servicedesk (f, "Avdelning 12", case_id);
  started_only = start_run (f, "Avdelning 14", case_id);
  noted = start_run (f, "Avdelning 16", case_id);
  work_in_run (f, noted, "during-4", DK_RUN_NOTE_ONLY, "Nycklarna finns i expeditionen");
  sync_now (f);

  close_case (f, case_id);
  sync_now (f);
  call = expect_notification (f);
  g_assert_cmpstr (call->summary, ==, "Post-register: Driftstopp TES on Avdelning 16");
  g_assert_null (dk_notify_watch_next (f->watch, 1));

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

  sync_now (f);
  run_id = start_run (f, "Hemtjänst Väst", case_id);
  work_in_run (f, run_id, "during-1", DK_RUN_TICK, "Ringde jouren");
  sync_now (f);

  /* The case closes while the app is closed: told when it starts and syncs. */
  stop_app (f);
  close_case (f, case_id);
  start_app (f);
  call = expect_notification (f);
  g_assert_cmpstr (call->summary, ==, "Post-register: Driftstopp TES on Hemtjänst Väst");

  /* Started again: the closing was told, it is not told twice. */
  stop_app (f);
  start_app (f);
  g_assert_null (dk_notify_watch_next (f->watch, 1));
}

static void
test_setting_off_is_quiet (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *case_id = open_case (f, 1);
  g_autofree char *run_id = NULL;
  gboolean told = TRUE;

  sync_now (f);
  run_id = start_run (f, "Hemtjänst Öst", case_id);
  work_in_run (f, run_id, "during-1", DK_RUN_TICK, NULL);
  sync_now (f);

  g_settings_set_boolean (f->settings, "notifications", FALSE);
  close_case (f, case_id);
  sync_now (f);
  g_assert_null (dk_notify_watch_next (f->watch, 1));
  g_assert_true (looked_at (f, run_id, &told));
  g_assert_false (told);

  /* Turned on again, what was missed stays missed. */
  g_settings_set_boolean (f->settings, "notifications", TRUE);
  stop_app (f);
  start_app (f);
  g_assert_null (dk_notify_watch_next (f->watch, 1));
}

static gboolean
something_opened (Fixture *f)
{
  return f->opened->len > 0;
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
  gint64 end;

  g_free (dunstctl ("close-all", NULL));
  sync_now (f);
  run_id = start_run (f, "Hemtjänst Norr", case_id);
  work_in_run (f, run_id, "during-1", DK_RUN_TICK, NULL);
  sync_now (f);
  close_case (f, case_id);
  sync_now (f);
  call = expect_notification (f);

  g_usleep (200 * 1000);
  out = dunstctl ("action", "0", NULL);
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!something_opened (f) && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }

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
