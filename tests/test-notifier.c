/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-notifier.c: desktop notifications for followed cases, with a real server, a real
 * replica and sync engine, and dunst as the notification daemon (run-ui.sh --dunst) */

#include "config.h"

#include <glib/gstdio.h>

#include "dk-local-changes.h"
#include "dk-notifier.h"
#include "dk-store-notify.h"
#include "dk-test-desktop.h"

typedef DkTestDesktop Fixture;

static GObject *
new_notifier (GApplication *app,
              DkSyncEngine *engine,
              GSettings    *settings)
{
  return G_OBJECT (dk_notifier_new (app, engine, settings));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static const char * const actions[] = { "open-case", "open-routine", NULL };

  dk_test_desktop_setup (f, "notifier", "io.github.driftkoll.DriftkollTest", actions,
                         new_notifier);
  /* The demo data is old news: a first sync notifies nothing. */
  g_assert_null (dk_notify_watch_next (f->watch, 1));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  dk_test_desktop_teardown (f);
}

/* ---- helpers ---- */

/* Publishes an incident in @area through the API as the user of f->token; returns its
 * id. */
static char *
publish_in (Fixture    *f,
            const char *area,
            const char *title,
            int         priority,
            gboolean    major,
            const char *service)
{
  char *id = g_uuid_string_random ();
  g_autofree char *update_id = g_uuid_string_random ();
  g_autofree char *data = g_strdup_printf (
      "{\"id\":\"%s\",\"kind\":\"incident\",\"area\":\"%s\",\"title\":\"%s\","
      "\"description\":\"Beskrivning\",\"scope\":\"Alla\",\"services\":[\"%s\"],"
      "\"status\":\"ongoing\",\"priority\":%d,\"major\":%s,\"public\":false,"
      "\"external_ref\":null,\"start\":\"2026-11-24T08:00:00Z\",\"expected_end\":null,"
      "\"closed_at\":null,\"updates\":[{\"id\":\"%s\",\"phrase\":\"identified\","
      "\"text\":\"Vi felsöker\"}]}",
      id, area, title, service, priority, major ? "true" : "false", update_id);

  dk_test_desktop_apply (f, "case.create", data);
  return id;
}

/* Publishes an IT incident through the API as servicedesk; returns its id. */
static char *
publish (Fixture    *f,
         const char *title,
         int         priority,
         gboolean    major,
         const char *service)
{
  return publish_in (f, "it_telephony", title, priority, major, service);
}

static char *
format_local (gint64 unix_seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_seconds);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  return g_date_time_format (local, "%-d %b %H:%M");
}

/* ---- tests ---- */

static void
test_notifier_publish_notifies_with_routine (Fixture       *f,
                                             gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autoptr(DkNotifyCall) call = NULL;
  g_autoptr(JsonArray) history = NULL;
  gboolean found = FALSE;

  dk_sync_engine_start (f->engine);
  id = publish (f, "TES nere i hela regionen", 1, TRUE, "tes");

  call = dk_test_desktop_expect_notification (f);
  g_assert_cmpstr (call->summary, ==, "TES nere i hela regionen");
  g_assert_nonnull (strstr (call->body, dk_area_label (DK_AREA_IT_TELEPHONY)));
  g_assert_nonnull (strstr (call->body, dk_update_phrase_label (DK_UPDATE_PHRASE_IDENTIFIED)));
  g_assert_nonnull (strstr (call->body, "Estimated end: not known"));
  g_assert_nonnull (strstr (call->body, "Published"));
  g_assert_cmpuint (call->urgency, ==, 2);
  g_assert_true (dk_notify_call_has_action (call, "open", "Open"));
  g_assert_true (dk_notify_call_has_action (call, "open-routine", "Open reserve routine"));

  /* dunst shows it, with what the bus carried. */
  history = dk_test_dunst_history ();
  for (guint i = 0; i < json_array_get_length (history); i++)
    {
      JsonObject *entry = json_array_get_object_element (history, i);

      if (g_strcmp0 (dk_test_dunst_history_field (entry, "summary"),
                     "TES nere i hela regionen") != 0)
        continue;
      found = TRUE;
      /* dunst 1.9 keeps no urgency in its history: the bus showed it above. */
      g_assert_cmpstr (dk_test_dunst_history_field (entry, "appname"), ==, "Driftkoll");
      g_assert_cmpstr (dk_test_dunst_history_field (entry, "default_action_name"), ==, "default");
      g_assert_nonnull (strstr (dk_test_dunst_history_field (entry, "body"),
                                dk_area_label (DK_AREA_IT_TELEPHONY)));
    }
  g_assert_true (found);
}

static void
test_notifier_default_action_opens_the_case (Fixture       *f,
                                             gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *out = NULL;
  g_autoptr(DkNotifyCall) call = NULL;

  g_free (dk_test_dunstctl ("close-all", NULL));
  dk_sync_engine_start (f->engine);
  id = publish (f, "Klicka på mig", 1, TRUE, "cosmic");
  call = dk_test_desktop_expect_notification (f);
  g_assert_false (dk_notify_call_has_action (call, "open-routine", "Open reserve routine"));

  g_usleep (200 * 1000);
  out = dk_test_dunstctl ("action", "0", NULL);
  dk_test_desktop_wait_until_opened (f, 10);
  expected = g_strdup_printf ("open-case:%s", id);
  g_assert_cmpuint (f->opened->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->opened, 0), ==, expected);
}

static void
test_notifier_routine_action_opens_the_routine (Fixture       *f,
                                                gconstpointer  data)
{
  const char *pick_file = g_getenv ("DUNST_PICK_FILE");
  g_autofree char *id = NULL;
  g_autofree char *out = NULL;
  g_autoptr(DkNotifyCall) call = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (pick_file);
  g_free (dk_test_dunstctl ("close-all", NULL));
  dk_sync_engine_start (f->engine);
  id = publish (f, "TES-appen hänger", 1, TRUE, "tes");
  call = dk_test_desktop_expect_notification (f);

  /* dunst's context menu lists the actions; its "dmenu" picks the routine's. */
  g_file_set_contents (pick_file, "Open reserve routine", -1, &error);
  g_assert_no_error (error);
  g_usleep (200 * 1000);
  out = dk_test_dunstctl ("context", NULL);
  dk_test_desktop_wait_until_opened (f, 10);
  g_remove (pick_file);

  g_assert_cmpuint (f->opened->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->opened, 0), ==, "open-routine:driftstopp-tes");
}

static void
test_notifier_estimated_end_change_notifies (Fixture       *f,
                                             gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *update = NULL;
  g_autofree char *end_text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *end_local = NULL;
  g_autofree char *update_id = g_uuid_string_random ();
  g_autoptr(DkNotifyCall) first = NULL;
  g_autoptr(DkNotifyCall) second = NULL;
  gint64 end = dk_time_now () + 3 * 3600;

  dk_sync_engine_start (f->engine);
  id = publish (f, "Journalen långsam", 2, TRUE, "cosmic");
  first = dk_test_desktop_expect_notification (f);

  /* Only the estimated end changes: same status, same phrase. */
  end_text = dk_time_format (end);
  update = g_strdup_printf ("{\"id\":\"%s\",\"expected_end\":\"%s\",\"update\":{\"id\":\"%s\","
                            "\"phrase\":\"identified\",\"text\":\"Ny prognos\"}}",
                            id, end_text, update_id);
  dk_test_desktop_apply (f, "case.add_update", update);

  second = dk_test_desktop_expect_notification (f);
  g_assert_cmpstr (second->summary, ==, "Journalen långsam");
  g_assert_nonnull (strstr (second->body, "New estimated end"));
  end_local = format_local (end);
  expected = g_strdup_printf ("Estimated end: %s", end_local);
  g_assert_nonnull (strstr (second->body, expected));
  g_assert_cmpuint (second->urgency, ==, 2);
}

static void
test_notifier_status_change_and_close_notify (Fixture       *f,
                                              gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *update = NULL;
  g_autofree char *close = NULL;
  g_autofree char *update_id = g_uuid_string_random ();
  g_autoptr(DkNotifyCall) first = NULL;
  g_autoptr(DkNotifyCall) second = NULL;
  g_autoptr(DkNotifyCall) third = NULL;

  dk_sync_engine_start (f->engine);
  id = publish (f, "Växeln tappar samtal", 1, TRUE, "telefoni");
  first = dk_test_desktop_expect_notification (f);

  update = g_strdup_printf ("{\"id\":\"%s\",\"update\":{\"id\":\"%s\","
                            "\"phrase\":\"fix_deploying\",\"text\":\"Åtgärd på väg\"}}",
                            id, update_id);
  dk_test_desktop_apply (f, "case.add_update", update);
  second = dk_test_desktop_expect_notification (f);
  g_assert_nonnull (strstr (second->body, "New status"));
  g_assert_nonnull (strstr (second->body,
                            dk_update_phrase_label (DK_UPDATE_PHRASE_FIX_DEPLOYING)));

  close = g_strdup_printf ("{\"id\":\"%s\"}", id);
  dk_test_desktop_apply (f, "case.close", close);
  third = dk_test_desktop_expect_notification (f);
  g_assert_cmpstr (third->summary, ==, "Växeln tappar samtal");
  g_assert_nonnull (strstr (third->body, "Closed at"));
}

static void
test_notifier_unfollowed_case_is_quiet (Fixture       *f,
                                        gconstpointer  data)
{
  g_autofree char *quiet = NULL;
  g_autofree char *loud = NULL;

  dk_sync_engine_start (f->engine);
  /* Priority 4, not major: the default subscription does not follow it. */
  quiet = publish (f, "Skrivaren på plan 2 strular", 4, FALSE, "dips");
  /* A followed one after it: its notification comes, the first one's never did. */
  loud = publish (f, "Cosmic otillgängligt igen", 1, TRUE, "cosmic");

  dk_test_desktop_expect_only (f, "Cosmic otillgängligt igen");
}

/* What the user did, here or from another desktop (f->token is servicedesk's, as the cli
 * would be), is no news to them; what someone else does still is. */
static void
test_notifier_own_changes_are_quiet (Fixture       *f,
                                     gconstpointer  data)
{
  g_autofree char *own = NULL;
  g_autofree char *update = NULL;
  g_autofree char *update_id = g_uuid_string_random ();
  g_autofree char *lab = NULL;
  char *servicedesk_token;

  dk_test_desktop_restart_as (f, "servicedesk");
  g_assert_null (dk_notify_watch_next (f->watch, 1));

  /* Published and then updated by the user: followed (priority 1, major), yet quiet. */
  own = publish (f, "Min egen störning", 1, TRUE, "cosmic");
  dk_test_desktop_sync_now (f);
  g_assert_null (dk_notify_watch_next (f->watch, 1));

  update = g_strdup_printf ("{\"id\":\"%s\",\"update\":{\"id\":\"%s\","
                            "\"phrase\":\"fix_deploying\",\"text\":\"Vi åtgärdar\"}}",
                            own, update_id);
  dk_test_desktop_apply (f, "case.add_update", update);
  dk_test_desktop_sync_now (f);
  g_assert_null (dk_notify_watch_next (f->watch, 1));

  /* Someone else's major incident is news to servicedesk. */
  servicedesk_token = f->token;
  f->token = dk_test_server_login (f->server, "lab_communicator", "demo");
  lab = publish_in (f, "lab_medicine", "Labbet står still", 1, TRUE, "unilab");
  g_free (f->token);
  f->token = servicedesk_token;
  dk_test_desktop_sync_now (f);
  dk_test_desktop_expect_only (f, "Labbet står still");
}

static void
test_notifier_setting_off_is_quiet (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *quiet = NULL;
  g_autofree char *loud = NULL;

  g_settings_set_boolean (f->settings, "notifications", FALSE);
  quiet = publish (f, "Tyst medan det är avstängt", 1, TRUE, "cosmic");
  dk_test_desktop_sync_now (f);
  g_assert_null (dk_notify_watch_next (f->watch, 1));

  /* Turned on again: what was missed stays missed, what comes now shows. */
  g_settings_set_boolean (f->settings, "notifications", TRUE);
  loud = publish (f, "Hörs när det är påslaget", 1, TRUE, "cosmic");
  dk_test_desktop_sync_now (f);
  dk_test_desktop_expect_only (f, "Hörs när det är påslaget");
}


/* One switch: the settings key. A subscription saved with "notify": false (an older
 * version's second switch, on the Following page) silences nothing any more. */
static void
test_notifier_subscription_notify_is_not_a_second_switch (Fixture       *f,
                                                          gconstpointer  data)
{
  g_autoptr(DkSubscription) subscription = dk_subscription_new_default (f->username);
  g_autoptr(GError) error = NULL;
  g_autofree char *loud = NULL;

  subscription->notify = FALSE;
  g_assert_true (dk_local_set_subscription (f->store, subscription, f->username,
                                            dk_time_now (), &error));
  g_assert_no_error (error);
  dk_test_desktop_sync_now (f);
  g_assert_false (dk_store_is_pending (f->store, "subscription", subscription->id));

  g_assert_true (g_settings_get_boolean (f->settings, "notifications"));
  loud = publish (f, "Hörs trots gammal prenumeration", 1, TRUE, "cosmic");
  dk_test_desktop_sync_now (f);
  dk_test_desktop_expect_only (f, "Hörs trots gammal prenumeration");
}

static void
test_notifier_restart_does_not_renotify (Fixture       *f,
                                         gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *later = NULL;
  g_autoptr(DkNotifyCall) call = NULL;
  g_autoptr(DkNotifiedCase) state = NULL;
  g_autoptr(GError) error = NULL;

  id = publish (f, "Före omstarten", 1, TRUE, "cosmic");
  dk_test_desktop_sync_now (f);
  call = dk_test_desktop_expect_notification (f);
  g_assert_cmpstr (call->summary, ==, "Före omstarten");

  /* A restart: a new store, engine and notifier on the same replica. */
  dk_test_desktop_stop_app (f);
  dk_test_desktop_start_app (f);
  g_assert_null (dk_notify_watch_next (f->watch, 1));
  state = dk_store_get_notified (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (state);
  g_assert_false (state->closed);

  /* ... and the new notifier still tells what comes next. */
  later = publish (f, "Efter omstarten", 1, TRUE, "cosmic");
  dk_test_desktop_sync_now (f);
  dk_test_desktop_expect_only (f, "Efter omstarten");
}

static void
test_notifier_many_changes_after_start_give_one_summary (Fixture       *f,
                                                         gconstpointer  data)
{
  g_autoptr(DkNotifyCall) call = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *quiet = NULL;

  /* The app is closed while three followed cases (and one not followed) come. */
  dk_test_desktop_stop_app (f);
  a = publish (f, "Medan appen var stängd 1", 1, TRUE, "cosmic");
  b = publish (f, "Medan appen var stängd 2", 2, TRUE, "tes");
  c = publish (f, "Medan appen var stängd 3", 1, TRUE, "unilab");
  quiet = publish (f, "Inte bevakad", 5, FALSE, "dips");

  dk_test_desktop_start_app (f);
  call = dk_test_desktop_expect_notification (f);
  g_assert_cmpstr (call->summary, ==, "3 followed cases changed while you were offline");
  g_assert_nonnull (strstr (call->body, "Medan appen var stängd 1"));
  g_assert_nonnull (strstr (call->body, "Medan appen var stängd 3"));
  g_assert_null (strstr (call->body, "Inte bevakad"));
  g_assert_true (dk_notify_call_has_action (call, "open", "Open"));
  g_assert_null (dk_notify_watch_next (f->watch, 1));
}

static void
test_notifier_one_change_after_start_is_told_as_it_is (Fixture       *f,
                                                       gconstpointer  data)
{
  g_autofree char *id = NULL;

  dk_test_desktop_stop_app (f);
  id = publish (f, "Ensam ändring", 1, TRUE, "cosmic");
  dk_test_desktop_start_app (f);
  dk_test_desktop_expect_only (f, "Ensam ändring");
}

static void
test_notifier_long_offline_spell_gives_one_summary (Fixture       *f,
                                                    gconstpointer  data)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Any offline spell counts as long here. */
  g_object_set (f->notifier, "catch-up-seconds", 0, NULL);
  dk_test_server_stop (f->server, FALSE);
  dk_sync_engine_sync_async (f->engine, NULL, dk_test_async_result_cb, &result);
  dk_sync_engine_sync_finish (f->engine, dk_test_wait_result (&result), &error);
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_OFFLINE);
  g_assert_cmpint (dk_sync_engine_get_state (f->engine), ==, DK_SYNC_STATE_OFFLINE);
  g_usleep (10 * 1000);

  dk_test_server_start (f->server);
  dk_sync_engine_set_server_url (f->engine, f->server->url);
  g_free (f->token);
  f->token = dk_test_server_login (f->server, "servicedesk", "demo");
  a = publish (f, "Under avbrottet 1", 1, TRUE, "cosmic");
  b = publish (f, "Under avbrottet 2", 1, TRUE, "tes");
  dk_test_desktop_sync_now (f);

  dk_test_desktop_expect_only (f, "2 followed cases changed while you were offline");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DK_UI_DUNST") == NULL)
    {
      g_test_skip ("run through tests/run-ui.sh --dunst");
      return 77;
    }

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/notifier/publish/notifies-with-area-status-end-and-routine",
       test_notifier_publish_notifies_with_routine);
  ADD ("/notifier/actions/default-opens-the-case", test_notifier_default_action_opens_the_case);
  ADD ("/notifier/actions/routine-opens-the-routine",
       test_notifier_routine_action_opens_the_routine);
  ADD ("/notifier/change/estimated-end-notifies", test_notifier_estimated_end_change_notifies);
  ADD ("/notifier/change/status-and-close-notify", test_notifier_status_change_and_close_notify);
  ADD ("/notifier/quiet/unfollowed-case", test_notifier_unfollowed_case_is_quiet);
  ADD ("/notifier/quiet/setting-off", test_notifier_setting_off_is_quiet);
  ADD ("/notifier/quiet/subscription-notify-is-not-a-second-switch",
       test_notifier_subscription_notify_is_not_a_second_switch);
  ADD ("/notifier/quiet/own-changes", test_notifier_own_changes_are_quiet);
  ADD ("/notifier/restart/does-not-renotify", test_notifier_restart_does_not_renotify);
  ADD ("/notifier/catch-up/many-changes-after-start-give-one-summary",
       test_notifier_many_changes_after_start_give_one_summary);
  ADD ("/notifier/catch-up/one-change-after-start-is-told-as-it-is",
       test_notifier_one_change_after_start_is_told_as_it_is);
  ADD ("/notifier/catch-up/long-offline-spell-gives-one-summary",
       test_notifier_long_offline_spell_gives_one_summary);
#undef ADD

  return g_test_run ();
}
