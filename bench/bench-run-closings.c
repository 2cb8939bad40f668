/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-run-closings.c: what the run notifier's look after each sync costs
 *
 *   bench-run-closings [RUNS] [ROUNDS]
 *
 * Makes a replica in a temporary folder with RUNS (10000) runs, each tied to its own
 * case, half of the cases closed (spread over two years), and times dk_store_list_unlooked_closed_runs: the
 * first look (every closing is new and every run is decoded), then, after each closing
 * was recorded as looked at, the look every sync makes when nothing closed (ROUNDS
 * times, 20). Prints the times in milliseconds: the first look and the median and worst
 * of the steady looks.
 */

#include "config.h"

#include <stdlib.h>

#include "dk-store-run-notify.h"
#include "dk-test-files.h"

#define NOW G_GINT64_CONSTANT (1790000000)
/* What the run notifier looks back over (LOOK_BACK_DAYS). */
#define LOOK_BACK (42 * 86400)
/* The closings spread over two years of history. */
#define SPREAD (730 * 86400)

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static JsonNode *
change_node (gint64      seq,
             const char *type,
             const char *id,
             JsonNode   *data)
{
  JsonObject *change = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_int_member (change, "seq", seq);
  json_object_set_string_member (change, "type", type);
  json_object_set_string_member (change, "id", id);
  json_object_set_boolean_member (change, "deleted", FALSE);
  json_object_set_member (change, "data", data);
  json_node_take_object (node, change);
  return node;
}

/* One case and one run tied to it, the run with a tick by "anna". */
static void
add_pair (JsonArray *page,
          guint      i,
          guint      runs,
          gint64    *seq)
{
  g_autoptr(DkCase) kase = dk_case_new ();
  g_autoptr(DkRun) run = dk_run_new ();
  g_autoptr(DkRunTick) tick = NULL;

  kase->id = g_uuid_string_random ();
  kase->number = g_strdup_printf ("DK-%u", 1000 + i);
  kase->kind = DK_CASE_KIND_INCIDENT;
  kase->area = DK_AREA_IT_TELEPHONY;
  kase->title = g_strdup_printf ("TES nere %u", i);
  kase->description = g_strdup ("TES-appen går inte att logga in i");
  kase->scope = g_strdup ("Hemtjänsten");
  g_ptr_array_add (kase->services, g_strdup ("tes"));
  kase->priority = 2;
  kase->closed_at = i % 2 == 0 ? NOW - (gint64) i * SPREAD / runs : DK_TIME_UNSET;
  kase->start = (i % 2 == 0 ? kase->closed_at : NOW) - 5 * 3600;
  kase->expected_end = DK_TIME_UNSET;
  kase->status = i % 2 == 0 ? DK_CASE_STATUS_CLOSED : DK_CASE_STATUS_ONGOING;
  kase->revision = 1;

  run->id = g_uuid_string_random ();
  run->routine = g_strdup ("driftstopp-tes");
  run->unit = g_strdup_printf ("Avdelning %u", i % 40);
  run->case_id = g_strdup (kase->id);
  run->started_by = g_strdup ("anna");
  run->started_at = kase->start + 60;
  run->revision = 1;
  tick = dk_run_tick_new ("anna", kase->start + 120, TRUE, run->id);
  dk_run_add_tick (run, "during-1", tick);

  ++*seq;
  json_array_add_element (page, change_node (*seq, "case", kase->id, dk_case_to_json (kase)));
  ++*seq;
  json_array_add_element (page, change_node (*seq, "run", run->id, dk_run_to_json (run)));
}

static double
time_look (DkStore    *store,
           gint64      since,
           GPtrArray **out_closed)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  GPtrArray *closed = dk_store_list_unlooked_closed_runs (store, "anna", since, &error);
  double ms = (g_get_monotonic_time () - start) / 1000.0;

  if (closed == NULL)
    g_error ("%s", error->message);
  if (out_closed != NULL)
    *out_closed = closed;
  else
    g_ptr_array_unref (closed);
  return ms;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStore) store = NULL;
  g_autoptr(GPtrArray) closed = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree double *times = NULL;
  guint runs = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 10000;
  guint rounds = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 20;
  gint64 seq = 0;
  double first;

  if (runs == 0 || rounds == 0)
    {
      g_printerr ("usage: %s [RUNS] [ROUNDS]\n", argv[0]);
      return 2;
    }

  dir = g_dir_make_tmp ("bench-run-closings-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "replica.db", NULL);
  store = dk_store_open (path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < runs; i += 500)
    {
      g_autoptr(JsonArray) page = json_array_new ();

      for (guint j = i; j < MIN (i + 500, runs); j++)
        add_pair (page, j, runs, &seq);
      if (!dk_store_apply_changes (store, page, seq, &error))
        g_error ("%s", error->message);
    }

  first = time_look (store, NOW - LOOK_BACK, &closed);
  for (guint i = 0; i < closed->len; i++)
    {
      const DkClosedRun *item = g_ptr_array_index (closed, i);

      if (!dk_store_record_run_looked_at (store, item->run->id, "anna", item->kase->closed_at,
                                          FALSE, &error))
        g_error ("%s", error->message);
    }

  times = g_new (double, rounds);
  for (guint i = 0; i < rounds; i++)
    times[i] = time_look (store, NOW - LOOK_BACK, NULL);
  qsort (times, rounds, sizeof (double), compare_doubles);

  g_print ("runs %u, closed within the look-back %u\n", runs, closed->len);
  g_print ("first look: %.1f ms\n", first);
  g_print ("steady look: median %.2f ms, worst %.2f ms (%u rounds)\n", times[rounds / 2],
           times[rounds - 1], rounds);

  g_clear_object (&store);
  if (g_getenv ("DK_BENCH_KEEP") != NULL)
    {
      g_print ("kept %s\n", path);
      return 0;
    }
  dk_test_remove_tree (dir);
  return 0;
}
