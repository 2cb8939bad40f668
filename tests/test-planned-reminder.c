/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-planned-reminder.c: reminders of followed planned work, with a real server, a real
 * replica and sync engine, the app's notifier beside them, dunst on a private bus
 * (run-ui.sh --dunst) and a clock an hour a second (DRIFTKOLL_TEST_CLOCK) */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <sqlite3.h>

#include "dk-notifier.h"
#include "dk-planned-reminder.h"
#include "dk-store-reminders.h"
#include "dk-test-desktop.h"

#define HOUR 3600
/* An hour a second, starting 20 days behind the real clock: a whole run of the tests
 * (under 480 s) stays in the server's past, so closing "now" by this clock is allowed. */
#define TEST_CLOCK "3600,-1728000"

typedef struct {
  DkTestDesktop  desktop;
  char          *token;     /* release_coordinator's: publishes planned actions */
} Fixture;

/* The app's reminders and, beside them, its notifier: the two must not both speak. */
static GObject *
new_notifier (GApplication *app,
              DkSyncEngine *engine,
              GSettings    *settings)
{
  DkPlannedReminder *reminder = dk_planned_reminder_new (app, engine, settings);

  /* Two hours of this clock are two real seconds: a busy machine may be late by that. */
  g_object_set (reminder, "stale-seconds", 2 * HOUR, NULL);
  g_object_set_data_full (G_OBJECT (reminder), "notifier",
                          dk_notifier_new (app, engine, settings), g_object_unref);
  return G_OBJECT (reminder);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static const char * const actions[] = { "open-case", "open-routine", NULL };
  static const guint32 one_hour[] = { 60 };

  dk_test_desktop_setup (&f->desktop, "planned-reminder",
                         "io.github.driftkoll.DriftkollReminderTest", actions, new_notifier);
  g_settings_set_value (f->desktop.settings, "planned-reminders",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, one_hour, 1,
                                                   sizeof (guint32)));
  f->token = dk_test_server_login (f->desktop.server, "release_coordinator", "demo");
  g_assert_null (dk_notify_watch_next (f->desktop.watch, 1));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_settings_reset (f->desktop.settings, "planned-reminders");
  dk_test_desktop_teardown (&f->desktop);
  g_free (f->token);
}

static void
apply (Fixture    *f,
       const char *op,
       const char *data_json)
{
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *mutation = g_strdup_printf ("[{\"id\":\"%s\",\"op\":\"%s\","
                                               "\"base_revision\":0,\"data\":%s}]",
                                               mutation_id, op, data_json);
  g_autoptr(JsonArray) results = dk_test_server_mutate (f->desktop.server, f->token, mutation);
  JsonObject *result = json_array_get_object_element (results, 0);

  if (json_object_has_member (result, "error"))
    g_test_message ("%s: %s", op, json_object_get_string_member (
                      json_object_get_object_member (result, "error"), "message"));
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
}

/* A planned action in Fastigheter, @title, priority @priority (staff follows 1–2 by
 * default), starting in @start_hours hours of the test clock, for two hours; synced into
 * the app's replica. Returns its id. */
static char *
plan_work (Fixture    *f,
           const char *title,
           int         priority,
           gint64      start_hours)
{
  char *id = g_uuid_string_random ();
  gint64 now = dk_time_clock_now ();
  g_autofree char *start = dk_time_format (now + start_hours * HOUR);
  g_autofree char *end = dk_time_format (now + (start_hours + 2) * HOUR);
  g_autofree char *data = g_strdup_printf (
      "{\"id\":\"%s\",\"kind\":\"planned\",\"area\":\"facilities\",\"title\":\"%s\","
      "\"description\":\"Reservkraften provkörs\",\"scope\":\"Hela sjukhuset\","
      "\"services\":[\"el\"],\"priority\":%d,\"public\":false,\"start\":\"%s\","
      "\"expected_end\":\"%s\"}",
      id, title, priority, start, end);

  apply (f, "case.create", data);
  dk_test_desktop_sync_now (&f->desktop);
  return id;
}

static void
edit_times (Fixture    *f,
            const char *case_id,
            const char *member,
            gint64      t)
{
  g_autofree char *text = dk_time_format (t);
  g_autofree char *data = g_strdup_printf ("{\"id\":\"%s\",\"%s\":\"%s\"}", case_id, member,
                                           text);

  apply (f, "case.edit", data);
  dk_test_desktop_sync_now (&f->desktop);
}

static void
close_work (Fixture    *f,
            const char *case_id)
{
  g_autofree char *at = dk_time_format (dk_time_clock_now ());
  g_autofree char *data = g_strdup_printf ("{\"id\":\"%s\",\"at\":\"%s\"}", case_id, at);

  apply (f, "case.close", data);
  dk_test_desktop_sync_now (&f->desktop);
}

static DkCase *
get_case (Fixture    *f,
          const char *case_id)
{
  g_autoptr(GError) error = NULL;
  DkCase *kase = dk_store_get_case (f->desktop.store, case_id, &error);

  g_assert_no_error (error);
  return kase;
}

/* The next notification that is not the notifier's "Published" or its summary of what
 * changed while the app was away (the news of new followed cases, which are its to
 * tell), within @seconds. */
static DkNotifyCall *
next_reminder (Fixture *f,
               guint    seconds)
{
  while (TRUE)
    {
      DkNotifyCall *call = dk_notify_watch_next (f->desktop.watch, seconds);

      if (call == NULL)
        return NULL;
      g_test_message ("Notify: %s / %s", call->summary, call->body);
      if (!g_str_has_prefix (call->body, _("Published")) &&
          !g_str_has_suffix (call->summary, "while you were offline"))
        return call;
      dk_notify_call_free (call);
    }
}

/* The next reminder is about @title and its body starts with @headline and holds @line
 * (nullable). */
static void
expect_reminder (Fixture    *f,
                 const char *title,
                 const char *headline,
                 const char *line)
{
  g_autoptr(DkNotifyCall) call = next_reminder (f, 10);

  g_assert_nonnull (call);
  g_assert_cmpstr (call->summary, ==, title);
  if (!g_str_has_prefix (call->body, headline))
    g_error ("The body does not start with “%s”:\n%s", headline, call->body);
  if (line != NULL && strstr (call->body, line) == NULL)
    g_error ("“%s” is not in the body:\n%s", line, call->body);
  g_assert_cmpuint (call->urgency, ==, 1);
  g_assert_true (dk_notify_call_has_action (call, "default", "Open"));
  g_assert_true (dk_notify_call_has_action (call, "open", "Open"));
}

static char *
local_time (gint64 t)
{
  return dk_time_format_local (t, "%-d %b %H:%M");
}

/* ---- tests ---- */

static void
test_before_start_and_end (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *id = plan_work (f, "Provkörning av reservkraft", 2, 2);
  g_autoptr(DkCase) kase = get_case (f, id);
  g_autofree char *start = local_time (kase->start);
  g_autofree char *end = local_time (kase->expected_end);
  g_autofree char *times = g_strdup_printf ("Starts %s, expected to end %s", start, end);
  g_autofree char *started = g_strdup_printf ("Started %s, expected to end %s", start, end);
  g_autofree char *was_to_end = g_strdup_printf ("It was to end %s", end);
  g_autofree char *expected = g_strdup_printf ("open-case:%s", id);
  g_autofree char *out = NULL;

  expect_reminder (f, "Provkörning av reservkraft", "Planned work in 1 hour — Facilities",
                   times);
  /* Clicking it opens the case. */
  g_usleep (200 * 1000);
  out = dk_test_dunstctl ("action", "0", NULL);
  dk_test_desktop_wait_until_opened (&f->desktop, 10);
  g_assert_cmpuint (f->desktop.opened->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->desktop.opened, 0), ==, expected);

  expect_reminder (f, "Provkörning av reservkraft", "Planned work has started", started);
  expect_reminder (f, "Provkörning av reservkraft", "Planned work should be finished now",
                   was_to_end);

  /* Closed: finished, told by the reminders, not also as "Closed" by the notifier. */
  close_work (f, id);
  expect_reminder (f, "Provkörning av reservkraft", "Planned work finished", "Finished ");
  g_assert_null (dk_notify_watch_next (f->desktop.watch, 1));
  g_assert_true (dk_store_reminder_was_told (f->desktop.store, id));
}

static void
test_extended (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *id = plan_work (f, "Byte av ställverk", 2, 2);
  g_autoptr(DkCase) kase = get_case (f, id);
  gint64 later = kase->expected_end + 3 * HOUR;
  g_autofree char *was = local_time (kase->expected_end);
  g_autofree char *now_end = local_time (later);
  g_autofree char *line = g_strdup_printf ("Now expected to end %s (was %s)", now_end, was);

  expect_reminder (f, "Byte av ställverk", "Planned work in 1 hour", NULL);
  expect_reminder (f, "Byte av ställverk", "Planned work has started", NULL);
  edit_times (f, id, "expected_end", later);
  expect_reminder (f, "Byte av ställverk", "Planned work extended", line);
  /* The notifier's "New estimated end" is left out; the end comes at the new time. */
  g_assert_null (dk_notify_watch_next (f->desktop.watch, 1));
  expect_reminder (f, "Byte av ställverk", "Planned work should be finished now", now_end);
}

static void
test_moved (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *id = plan_work (f, "Service av hissar", 2, 2);
  g_autoptr(DkCase) kase = get_case (f, id);
  gint64 later = kase->start + 3 * HOUR;
  g_autofree char *was = local_time (kase->start);
  g_autofree char *now_start = local_time (later);
  g_autofree char *line = g_strdup_printf ("Now starts %s (was %s)", now_start, was);
  g_autofree char *s = dk_time_format (later);
  g_autofree char *e = dk_time_format (later + 2 * HOUR);
  g_autofree char *edit = g_strdup_printf ("{\"id\":\"%s\",\"start\":\"%s\","
                                           "\"expected_end\":\"%s\"}", id, s, e);

  expect_reminder (f, "Service av hissar", "Planned work in 1 hour", NULL);
  apply (f, "case.edit", edit);
  dk_test_desktop_sync_now (&f->desktop);
  expect_reminder (f, "Service av hissar", "Planned work moved", line);
  /* The reminder an hour before the new start comes again. */
  expect_reminder (f, "Service av hissar", "Planned work in 1 hour", now_start);
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *id = plan_work (f, "Avbrott i fjärrvärme", 2, 2);
  g_autoptr(DkCase) kase = get_case (f, id);
  g_autofree char *start = local_time (kase->start);
  g_autofree char *line = g_strdup_printf ("It was to start %s. It will not take place as "
                                           "planned.", start);

  expect_reminder (f, "Avbrott i fjärrvärme", "Planned work in 1 hour", NULL);
  close_work (f, id);
  expect_reminder (f, "Avbrott i fjärrvärme", "Planned work cancelled", line);
  /* Not also "Closed", and nothing at the start that will not come. */
  g_assert_null (dk_notify_watch_next (f->desktop.watch, 3));
}

static void
test_unfollowed_is_quiet (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *id = plan_work (f, "Fönsterputs", 4, 1);
  DkReminderState state;

  /* Before, start and end all pass: nothing, and nothing told. */
  g_assert_null (dk_notify_watch_next (f->desktop.watch, 4));
  g_assert_false (dk_store_get_reminder (f->desktop.store, id, &state, NULL) && state.told);
}

static void
test_setting_off_is_quiet (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autoptr(DkNotifyCall) call = NULL;
  DkReminderState state;

  g_settings_set_boolean (f->desktop.settings, "notifications", FALSE);
  id = plan_work (f, "Byte av lysrör", 2, 2);
  /* The hour before and the start pass untold, and so nothing later is news. */
  g_assert_null (next_reminder (f, 3));
  g_assert_true (dk_store_get_reminder (f->desktop.store, id, &state, NULL));
  g_assert_false (state.told);
  /* On again: its closing is the notifier's news ("Closed"), not a reminder's. */
  g_settings_set_boolean (f->desktop.settings, "notifications", TRUE);
  close_work (f, id);
  call = dk_notify_watch_next (f->desktop.watch, 10);
  g_assert_nonnull (call);
  g_assert_true (g_str_has_prefix (call->body, "Closed"));
  g_assert_null (dk_notify_watch_next (f->desktop.watch, 1));
  g_settings_reset (f->desktop.settings, "notifications");
}

static void
test_offline (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *id = plan_work (f, "Elarbete i kulvert", 1, 2);

  /* The server goes away: the times are in the replica. */
  dk_test_server_stop (f->desktop.server, FALSE);
  expect_reminder (f, "Elarbete i kulvert", "Planned work in 1 hour", NULL);
  expect_reminder (f, "Elarbete i kulvert", "Planned work has started", NULL);
  dk_test_server_start_again (f->desktop.server);
}

static void
test_long_sleep_is_one_summary (Fixture       *f,
                                gconstpointer  data)
{
  static const char * const titles[] = { "Arbete A", "Arbete B", "Arbete C", "Arbete D" };
  g_autoptr(DkNotifyCall) call = NULL;
  g_autoptr(DkNotifyCall) first = NULL;
  g_autofree char *start = dk_time_format (dk_time_clock_now () + 3 * HOUR);
  g_autofree char *end = dk_time_format (dk_time_clock_now () + 10 * HOUR);

  /* Four planned actions at the same time, the user reminded of them an hour before
   * (four at once: one summary). */
  dk_test_desktop_stop_app (&f->desktop);
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *json = g_strdup_printf (
          "{\"id\":\"%s\",\"kind\":\"planned\",\"area\":\"facilities\",\"title\":\"%s\","
          "\"description\":\"-\",\"scope\":\"-\",\"services\":[\"el\"],\"priority\":2,"
          "\"public\":false,\"start\":\"%s\",\"expected_end\":\"%s\"}",
          id, titles[i], start, end);

      apply (f, "case.create", json);
    }
  dk_test_desktop_start_app (&f->desktop);
  first = next_reminder (f, 10);
  g_assert_nonnull (first);
  g_assert_cmpstr (first->summary, ==, "4 reminders of planned work");
  g_assert_nonnull (strstr (first->body, "Arbete A: Planned work in 1 hour"));

  /* Asleep until all four started more than two hours ago: on waking, one summary. */
  dk_test_desktop_stop_app (&f->desktop);
  g_usleep (5 * G_USEC_PER_SEC);
  dk_test_desktop_start_app (&f->desktop);
  call = next_reminder (f, 10);
  g_assert_nonnull (call);
  g_assert_cmpstr (call->summary, ==, "4 reminders of planned work");
  g_assert_nonnull (strstr (call->body, "Arbete D: Planned work has started"));
  g_assert_null (dk_notify_watch_next (f->desktop.watch, 1));
}

static void
test_given_once_per_replica (Fixture       *f,
                             gconstpointer  data)
{
  /* A second scheduler on the same replica (another app on it). */
  g_autoptr(DkPlannedReminder) second = dk_planned_reminder_new (f->desktop.app,
                                                                 f->desktop.engine,
                                                                 f->desktop.settings);
  g_autofree char *id = plan_work (f, "Provtryck av vattenledning", 2, 2);

  /* Each moment once: the hour before, then the start, no second of either. */
  expect_reminder (f, "Provtryck av vattenledning", "Planned work in 1 hour", NULL);
  expect_reminder (f, "Provtryck av vattenledning", "Planned work has started", NULL);
  expect_reminder (f, "Provtryck av vattenledning", "Planned work should be finished now",
                   NULL);
}

/* Moves a case's times in the replica behind the store's back: no "revision-changed", as
 * if the clock had jumped past a moment no timer was set for. */
static void
move_times_unseen (Fixture    *f,
                   const char *case_id,
                   gint64      start,
                   gint64      end)
{
  g_autofree char *path = g_build_filename (f->desktop.data_dir, "replica.db", NULL);
  g_autofree char *start_text = dk_time_format (start);
  g_autofree char *end_text = dk_time_format (end);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE cases SET start = ?1, expected_end = ?2,"
                                       " server_data = json_set (server_data, '$.start', ?3,"
                                       " '$.expected_end', ?4) WHERE id = ?5", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, start);
  sqlite3_bind_int64 (stmt, 2, end);
  sqlite3_bind_text (stmt, 3, start_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, end_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, case_id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* logind's PrepareForSleep, from a stand-in that owns org.freedesktop.login1 on the bus
 * the test gives the app as its system bus. */
static void
emit_prepare_for_sleep (GDBusConnection *bus,
                        gboolean         sleeping)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (bus, NULL, "/org/freedesktop/login1",
                                 "org.freedesktop.login1.Manager", "PrepareForSleep",
                                 g_variant_new ("(b)", sleeping), &error);
  g_assert_no_error (error);
  g_dbus_connection_flush_sync (bus, NULL, NULL);
}

static void
test_wake_plans_again (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *id = plan_work (f, "Omkoppling av fjärrvärme", 2, 30);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  g_autoptr(GVariant) reply = NULL;
  gint64 now;

  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.login1", 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  /* No look but for the next moment (29 h of this clock away), the wake and the store. */
  g_object_set (f->desktop.notifier, "max-wait-seconds", 3600, NULL);
  g_assert_null (next_reminder (f, 1));

  /* Asleep; meanwhile the work came forward to start in 2.5 h, unseen: its hour-before
   * moment passes (in 1.5 s) with no timer for it. */
  emit_prepare_for_sleep (bus, TRUE);
  now = dk_time_clock_now ();
  move_times_unseen (f, id, now + 5 * HOUR / 2, now + 4 * HOUR);
  g_assert_null (next_reminder (f, 2));

  /* Awake: planned again at once. */
  emit_prepare_for_sleep (bus, FALSE);
  expect_reminder (f, "Omkoppling av fjärrvärme", "Planned work in 1 hour", NULL);
}

/* The cli syncs the replica the app has open: the app notices (as the real one does,
 * dk_store_watch_other_writers ()) and reminds, once; the cli itself never notifies. */
static void
test_cli_beside_the_app (Fixture       *f,
                         gconstpointer  data)
{
  const char *cli = g_getenv ("DRIFTKOLL_CLI");
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *start = dk_time_format (dk_time_clock_now () + 2 * HOUR);
  g_autofree char *end = dk_time_format (dk_time_clock_now () + 3 * HOUR);
  g_autofree char *json = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = NULL;
  int status = 0;

  if (cli == NULL)
    {
      g_test_skip ("DRIFTKOLL_CLI is not set");
      return;
    }
  dk_store_watch_other_writers (f->desktop.store);
  json = g_strdup_printf (
      "{\"id\":\"%s\",\"kind\":\"planned\",\"area\":\"facilities\","
      "\"title\":\"Byte av reservelverk\",\"description\":\"-\",\"scope\":\"-\","
      "\"services\":[\"el\"],\"priority\":2,\"public\":false,\"start\":\"%s\","
      "\"expected_end\":\"%s\"}", id, start, end);
  apply (f, "case.create", json);

  /* Not the app's engine: the cli fetches it into the shared replica. */
  g_spawn_sync (NULL, (char *[]) { (char *) cli, "--data-dir", f->desktop.data_dir, "sync",
                                   NULL },
                NULL, 0, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("driftkoll-cli sync failed: %s%s", out, err);
  kase = get_case (f, id);
  g_assert_cmpstr (kase->title, ==, "Byte av reservelverk");

  expect_reminder (f, "Byte av reservelverk", "Planned work in 1 hour", NULL);
  expect_reminder (f, "Byte av reservelverk", "Planned work has started", NULL);
}

/* sv or nb (LANGUAGE), with DK_REMINDER_SCREENSHOTS=DIR: a reminder as dunst draws it. */
static void
test_screenshot (Fixture       *f,
                 gconstpointer  data)
{
  const char *dir = g_getenv ("DK_REMINDER_SCREENSHOTS");
  const char *language = g_getenv ("LANGUAGE");
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autoptr(DkNotifyCall) call = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (dir == NULL || language == NULL)
    {
      g_test_skip ("set DK_REMINDER_SCREENSHOTS and LANGUAGE");
      return;
    }
  /* The strings are translated: not the English ones. */
  g_assert_cmpstr (_("Planned work has started"), !=, "Planned work has started");

  id = plan_work (f, "Provkörning av reservkraft", 2, 2);
  call = next_reminder (f, 10);
  g_assert_nonnull (call);
  g_test_message ("%s: %s", language, call->body);
  g_usleep (300 * 1000);
  g_assert_no_errno (g_mkdir_with_parents (dir, 0755));
  path = g_strdup_printf ("%s/planned-reminder-%s.png", dir, language);
  g_spawn_sync (NULL, (char *[]) { "import", "-window", "root", path, NULL }, NULL,
                G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_test_message ("Screenshot: %s", path);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("DRIFTKOLL_LOCALEDIR");

  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("TZ", "Europe/Stockholm", TRUE);
  g_setenv ("DRIFTKOLL_TOKEN_STORAGE", "file", TRUE);
  g_setenv ("DRIFTKOLL_TEST_CLOCK", TEST_CLOCK, TRUE);
  /* The private session bus stands in for the system bus, where logind says "waking". */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_getenv ("DBUS_SESSION_BUS_ADDRESS"), TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DK_UI_DUNST") == NULL)
    {
      g_test_skip ("run through tests/run-ui.sh --dunst");
      return 77;
    }

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/planned-reminder/followed/before-at-start-at-end-and-finished",
       test_before_start_and_end);
  ADD ("/planned-reminder/followed/extended", test_extended);
  ADD ("/planned-reminder/followed/moved-told-and-reminded-again", test_moved);
  ADD ("/planned-reminder/followed/cancelled-before-its-start", test_cancelled);
  ADD ("/planned-reminder/unfollowed/is-quiet", test_unfollowed_is_quiet);
  ADD ("/planned-reminder/unfollowed/notifications-off-is-quiet", test_setting_off_is_quiet);
  ADD ("/planned-reminder/offline/from-the-replica", test_offline);
  ADD ("/planned-reminder/sleep/long-sleep-is-one-summary", test_long_sleep_is_one_summary);
  ADD ("/planned-reminder/replica/given-once-by-two-schedulers", test_given_once_per_replica);
  ADD ("/planned-reminder/replica/cli-syncs-the-app-reminds", test_cli_beside_the_app);
  ADD ("/planned-reminder/sleep/wake-plans-again", test_wake_plans_again);
  ADD ("/planned-reminder/look/screenshot", test_screenshot);
#undef ADD

  return g_test_run ();
}
