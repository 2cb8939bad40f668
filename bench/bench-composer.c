/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-composer.c: how long "New Case" takes to open over a replica
 *
 *   bench-composer DATA_DIR [RUNS]
 *
 * Opens the replica of DATA_DIR (logged in as a publisher, e.g. by bench/compose-open.sh
 * with 100,000 cases in it) and, RUNS times (default 7), makes the composer, presents it
 * and waits for its first frame; prints each run and the median in milliseconds. The
 * composer reads the service catalogue and the templates, never the cases, so this does
 * not grow with the replica. Needs a display (run it under tests/run-ui.sh). */

#include "config.h"

#include <stdlib.h>

#include <adwaita.h>

#include "dk-composer.h"
#include "dk-data-dir.h"

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static gboolean
first_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  gint64 *painted = user_data;

  *painted = g_get_monotonic_time ();
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStore) store = NULL;
  g_autoptr(DkSyncEngine) engine = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  guint runs = argc > 2 ? (guint) atoi (argv[2]) : 7;

  if (argc < 2)
    {
      g_printerr ("usage: bench-composer DATA_DIR [RUNS]\n");
      return 2;
    }

  gtk_init ();
  adw_init ();
  store = dk_data_dir_open_store (argv[1], &error);
  if (store == NULL)
    g_error ("%s", error->message);
  engine = dk_sync_engine_new (store, "http://127.0.0.1:9/");

  /* What the composer reads from the replica, alone. */
  for (guint i = 0; i < 3; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(GPtrArray) services = dk_store_list_services (store, NULL);
      gint64 t1 = g_get_monotonic_time ();
      g_autoptr(GPtrArray) templates = dk_store_list_templates (store, NULL);
      gint64 t2 = g_get_monotonic_time ();
      g_autofree char *roles = dk_store_dup_meta (store, "roles");
      gint64 t3 = g_get_monotonic_time ();

      g_print ("reads: services %.1f ms (%u), templates %.1f ms (%u), roles %.1f ms\n",
               (t1 - t0) / 1000.0, services != NULL ? services->len : 0, (t2 - t1) / 1000.0,
               templates != NULL ? templates->len : 0, (t3 - t2) / 1000.0);
    }

  for (guint run = 0; run <= runs; run++)
    {
      gint64 start = g_get_monotonic_time ();
      gint64 painted = 0;
      DkComposer *composer = dk_composer_new (NULL, engine);
      double ms;

      gtk_widget_add_tick_callback (GTK_WIDGET (composer), first_frame_cb, &painted, NULL);
      gtk_window_present (GTK_WINDOW (composer));
      while (painted == 0)
        g_main_context_iteration (NULL, TRUE);
      ms = (painted - start) / 1000.0;
      gtk_window_destroy (GTK_WINDOW (composer));
      while (g_main_context_iteration (NULL, FALSE))
        ;
      /* The first run loads GTK's and the theme's caches: not counted. */
      if (run == 0)
        {
          g_print ("warm-up: %.1f ms\n", ms);
          continue;
        }
      g_print ("run %u: %.1f ms\n", run, ms);
      g_array_append_val (times, ms);
    }

  qsort (times->data, times->len, sizeof (double), compare_doubles);
  g_print ("median of %u: %.1f ms (min %.1f, max %.1f)\n", times->len,
           g_array_index (times, double, times->len / 2), g_array_index (times, double, 0),
           g_array_index (times, double, times->len - 1));
  return 0;
}
