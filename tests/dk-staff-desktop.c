/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-staff-desktop.c: a second desktop for the UI tests and benches: the app's sync
 * engine and notifier on another data dir, without a window
 *
 *   dk-staff-desktop --server URL --data-dir DIR
 *
 * The data dir must be logged in already (driftkoll-cli login). The real app is one
 * instance per session bus, so a second desktop in the same session (and the same dunst)
 * is this: the very DkSyncEngine and DkNotifier the app runs, under another application
 * id. Prints "ready" on stdout after its first sync; runs until SIGTERM. */

#include "config.h"

#include <glib-unix.h>
#include <stdio.h>

#include "dk-data-dir.h"
#include "dk-notifier.h"
#include "dk-sync-engine.h"

static gboolean
dk_staff_desktop_term_cb (gpointer user_data)
{
  g_application_release (G_APPLICATION (user_data));
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_REMOVE;
}

/* No window to show: the notifications are the point. */
static void
dk_staff_desktop_activate_cb (GApplication *app)
{
}

static void
dk_staff_desktop_synced_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dk_sync_engine_sync_finish (DK_SYNC_ENGINE (object), result, &error))
    g_printerr ("first sync: %s\n", error->message);
  g_print ("ready\n");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *server = NULL;
  g_autofree char *data_dir = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GApplication) app = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(DkStore) store = NULL;
  g_autoptr(DkSyncEngine) engine = NULL;
  g_autoptr(DkNotifier) notifier = NULL;
  GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, "Server URL", "URL" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Data dir", "DIR" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || server == NULL ||
      data_dir == NULL)
    {
      g_printerr ("usage: dk-staff-desktop --server URL --data-dir DIR\n");
      return 2;
    }
  setvbuf (stdout, NULL, _IOLBF, 0);

  app = g_application_new ("io.github.driftkoll.DriftkollStaffDesktop", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (dk_staff_desktop_activate_cb), NULL);
  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  store = dk_data_dir_open_store (data_dir, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  settings = g_settings_new ("io.github.driftkoll.Driftkoll");
  engine = dk_sync_engine_new (store, server);
  notifier = dk_notifier_new (app, engine, settings);
  dk_sync_engine_start (engine);
  dk_sync_engine_sync_async (engine, NULL, dk_staff_desktop_synced_cb, NULL);

  g_unix_signal_add (SIGTERM, dk_staff_desktop_term_cb, app);
  g_application_hold (app);
  g_application_run (app, 0, NULL);
  dk_sync_engine_stop (engine);

  return 0;
}
