/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-notify.c: time from a publish on the server to the Notify call reaching the
 * notification daemon, through the real sync engine (WebSocket push, pull, replica) and
 * DkNotifier. Run under tests/run-ui.sh --dunst; see bench/README.md. */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "dk-notifier.h"
#include "dk-notify-watch.h"
#include "dk-test-server.h"

static void
got_result_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static gboolean
push_connected (DkSyncEngine *engine)
{
  gboolean connected = FALSE;

  g_object_get (engine, "push-connected", &connected, NULL);
  return connected;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  guint runs = argc > 1 ? (guint) atoi (argv[1]) : 20;
  g_autoptr(DkTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *token = NULL;
  g_autoptr(DkStore) store = NULL;
  g_autoptr(DkSyncEngine) engine = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GApplication) app = NULL;
  g_autoptr(DkNotifier) notifier = NULL;
  g_autoptr(GAsyncResult) login = NULL;
  g_autoptr(GAsyncResult) sync = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  DkNotifyWatch *watch;
  gint64 end;

  server = dk_test_server_new (TRUE);
  token = dk_test_server_login (server, "servicedesk", "demo");
  dir = g_dir_make_tmp ("driftkoll-bench-notify-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "replica.db", NULL);
  store = dk_store_open (path, &error);
  g_assert_no_error (error);
  engine = dk_sync_engine_new (store, server->url);
  settings = g_settings_new ("io.github.driftkoll.Driftkoll");
  app = g_application_new ("io.github.driftkoll.DriftkollBench", G_APPLICATION_NON_UNIQUE);
  g_application_register (app, NULL, &error);
  g_assert_no_error (error);
  watch = dk_notify_watch_new ();
  notifier = dk_notifier_new (app, engine, settings);

  dk_sync_engine_login_async (engine, "staff", "demo", NULL, got_result_cb, &login);
  dk_sync_engine_login_finish (engine, wait_result (&login), &error);
  g_assert_no_error (error);
  dk_sync_engine_sync_async (engine, NULL, got_result_cb, &sync);
  dk_sync_engine_sync_finish (engine, wait_result (&sync), &error);
  g_assert_no_error (error);

  /* Push, not polling, brings the changes: as in the app. */
  g_object_set (engine, "poll-seconds", 3600, NULL);
  dk_sync_engine_start (engine);
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!push_connected (engine) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (push_connected (engine));

  for (guint i = 0; i < runs; i++)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *update_id = g_uuid_string_random ();
      g_autofree char *mutation_id = g_uuid_string_random ();
      g_autofree char *mutation = g_strdup_printf (
          "[{\"id\":\"%s\",\"op\":\"case.create\",\"base_revision\":0,\"data\":"
          "{\"id\":\"%s\",\"kind\":\"incident\",\"area\":\"it_telephony\","
          "\"title\":\"Bench %u\",\"description\":\"d\",\"scope\":\"s\",\"services\":[\"tes\"],"
          "\"status\":\"ongoing\",\"priority\":1,\"major\":true,\"public\":false,"
          "\"external_ref\":null,\"start\":\"2026-11-24T08:00:00Z\",\"expected_end\":null,"
          "\"closed_at\":null,\"updates\":[{\"id\":\"%s\",\"phrase\":\"identified\","
          "\"text\":\"t\"}]}}]", mutation_id, id, i, update_id);
      g_autoptr(JsonArray) results = NULL;
      g_autoptr(DkNotifyCall) call = NULL;
      g_autofree char *title = g_strdup_printf ("Bench %u", i);
      gint64 start = g_get_monotonic_time ();
      double ms;

      /* The request is sent from this thread's loop too, as a client's would be. */
      results = dk_test_server_mutate (server, token, mutation);
      call = dk_notify_watch_next (watch, 10);
      g_assert_nonnull (call);
      g_assert_cmpstr (call->summary, ==, title);
      ms = (call->seen_at - start) / 1000.0;
      g_array_append_val (times, ms);
      g_print ("run %2u: %.1f ms\n", i + 1, ms);
      /* Let things settle between runs. */
      end = g_get_monotonic_time () + 200 * 1000;
      while (g_get_monotonic_time () < end)
        g_main_context_iteration (NULL, FALSE);
    }

  g_array_sort (times, compare_doubles);
  g_print ("publish -> Notify at the daemon: median %.1f ms, min %.1f ms, max %.1f ms "
           "(%u runs; goal under 200 ms)\n",
           runs % 2 ? g_array_index (times, double, runs / 2)
                    : (g_array_index (times, double, runs / 2 - 1) +
                       g_array_index (times, double, runs / 2)) / 2,
           g_array_index (times, double, 0), g_array_index (times, double, runs - 1), runs);

  dk_sync_engine_stop (engine);
  dk_notify_watch_free (watch);
  g_clear_object (&notifier);
  g_clear_object (&engine);
  g_clear_object (&store);
  g_remove (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_autofree char *tok = g_build_filename (dir, "session.token", NULL);

    g_remove (wal);
    g_remove (shm);
    g_remove (tok);
  }
  g_rmdir (dir);
  return 0;
}
