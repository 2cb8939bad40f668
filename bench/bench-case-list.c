/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-case-list.c: how fast the app's case lists are over a replica
 *
 *   bench-case-list REPLICA.db [RUNS]
 *
 * For the pages of the app (incidents, planned, crisis, the archive, and the incidents
 * narrowed to the default subscription) times, in milliseconds: making the model (it
 * counts in SQL), the first row (the first chunk), a row in the middle and the last row
 * (a chunk far down: what scrolling there costs), and a reload after a sync. Prints the
 * median of RUNS (default 7) runs each. The replica is only read.
 */

#include "config.h"

#include <stdlib.h>

#include "dk-case-list-model.h"
#include "dk-case-object.h"

#define N_MEASURES 5

static const char * const measure_names[N_MEASURES] = {
  "count", "first row", "middle row", "last row", "reload",
};

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
elapsed_ms (gint64 since)
{
  return (g_get_monotonic_time () - since) / 1000.0;
}

static void
touch_item (DkCaseListModel *model,
            guint            position)
{
  g_autoptr(DkCaseObject) item = g_list_model_get_item (G_LIST_MODEL (model), position);

  if (item == NULL)
    g_error ("No item at %u", position);
}

static guint
run_once (DkStore           *store,
          const DkCaseQuery *query,
          DkSubscription    *following,
          double             times[N_MEASURES])
{
  g_autoptr(DkCaseListModel) model = NULL;
  gint64 start;
  guint n;

  start = g_get_monotonic_time ();
  model = dk_case_list_model_new (store);
  dk_case_list_model_set_filter (model, query, following);
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  times[0] = elapsed_ms (start);

  start = g_get_monotonic_time ();
  if (n > 0)
    touch_item (model, 0);
  times[1] = elapsed_ms (start);

  start = g_get_monotonic_time ();
  if (n > 0)
    touch_item (model, n / 2);
  times[2] = elapsed_ms (start);

  start = g_get_monotonic_time ();
  if (n > 0)
    touch_item (model, n - 1);
  times[3] = elapsed_ms (start);

  start = g_get_monotonic_time ();
  dk_case_list_model_reload (model);
  if (n > 0)
    touch_item (model, 0);
  times[4] = elapsed_ms (start);

  return n;
}

static void
bench_page (DkStore           *store,
            const char        *name,
            const DkCaseQuery *query,
            DkSubscription    *following,
            guint              runs)
{
  g_autofree double *samples = g_new0 (double, (gsize) runs * N_MEASURES);
  guint n = 0;

  for (guint r = 0; r < runs; r++)
    {
      double times[N_MEASURES];

      n = run_once (store, query, following, times);
      for (guint m = 0; m < N_MEASURES; m++)
        samples[m * runs + r] = times[m];
    }

  g_print ("%-28s %7u cases:", name, n);
  for (guint m = 0; m < N_MEASURES; m++)
    {
      qsort (samples + m * runs, runs, sizeof (double), compare_doubles);
      g_print ("  %s %.1f", measure_names[m], samples[m * runs + runs / 2]);
    }
  g_print ("  (ms, median of %u)\n", runs);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStore) store = NULL;
  g_autoptr(DkSubscription) following = dk_subscription_new_default ("bench");
  DkCaseQuery incidents = { .filter_kind = TRUE, .kind = DK_CASE_KIND_INCIDENT };
  DkCaseQuery planned = { .filter_kind = TRUE, .kind = DK_CASE_KIND_PLANNED };
  DkCaseQuery crisis = { .filter_kind = TRUE, .kind = DK_CASE_KIND_CRISIS };
  DkCaseQuery archive = { .archived = TRUE };
  guint runs;

  if (argc < 2 || argc > 3)
    {
      g_printerr ("usage: %s REPLICA.db [RUNS]\n", argv[0]);
      return 2;
    }
  runs = argc == 3 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 7;
  if (runs == 0)
    runs = 1;

  store = dk_store_open (argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  bench_page (store, "incidents", &incidents, NULL, runs);
  bench_page (store, "planned actions", &planned, NULL, runs);
  bench_page (store, "crisis information", &crisis, NULL, runs);
  bench_page (store, "archive", &archive, NULL, runs);
  bench_page (store, "incidents, what I follow", &incidents, following, runs);

  return 0;
}
