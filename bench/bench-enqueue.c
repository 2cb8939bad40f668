/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-enqueue.c: many changes made offline, as the app and the cli make them
 *
 *   bench-enqueue REPLICA.db USERNAME N
 *
 * Queues N local changes in the replica's outbox through the store API (no server, no
 * network): a tenth of them new cases (case.create, on the first service the replica
 * knows), the rest updates (case.add_update) spread over those new cases, so the server
 * must apply each create before the updates behind it. Prints how long queueing took
 * and the outbox's size. bench/flush-10k.sh then times sending them.
 */

#include "config.h"

#include <stdio.h>

#include "dk-local-changes.h"
#include "dk-store.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStore) store = NULL;
  g_autoptr(GPtrArray) services = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GTimer) timer = NULL;
  const char *me;
  DkService *service;
  guint n;
  gint64 now = dk_time_now ();

  if (argc != 4)
    {
      g_printerr ("usage: %s REPLICA.db USERNAME N\n", argv[0]);
      return 2;
    }
  me = argv[2];
  n = (guint) g_ascii_strtoull (argv[3], NULL, 10);

  store = dk_store_open (argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  services = dk_store_list_services (store, &error);
  if (services == NULL || services->len == 0)
    {
      g_printerr ("%s\n", error != NULL ? error->message
                                         : "the replica knows no service: sync first");
      return 1;
    }
  service = g_ptr_array_index (services, 0);

  timer = g_timer_new ();
  for (guint i = 0; i < n; i++)
    {
      gboolean ok;

      if (i % 10 == 0)
        {
          g_autoptr(DkCase) kase = dk_case_new ();

          kase->id = g_uuid_string_random ();
          kase->kind = DK_CASE_KIND_INCIDENT;
          kase->area = service->area;
          kase->title = g_strdup_printf ("Störning %u i %s", i / 10 + 1, service->name);
          kase->description = g_strdup ("Användare kan inte logga in; felsökning pågår.");
          kase->scope = g_strdup ("Berör samtliga vårdenheter");
          g_ptr_array_add (kase->services, g_strdup (service->id));
          kase->status = DK_CASE_STATUS_ONGOING;
          kase->priority = 3;
          kase->start = now;
          kase->expected_end = DK_TIME_UNSET;
          kase->closed_at = DK_TIME_UNSET;
          ok = dk_local_create_case (store, kase, me, now, &error);
          if (ok)
            g_ptr_array_add (ids, g_strdup (kase->id));
        }
      else
        {
          g_autofree char *text = g_strdup_printf ("Uppdatering %u: åtgärd pågår.", i);
          const char *id = g_ptr_array_index (ids, (i * 7) % ids->len);

          ok = dk_local_add_update (store, id, DK_UPDATE_PHRASE_TROUBLESHOOTING, text,
                                    DK_TIME_UNSET, me, now, &error);
        }
      if (!ok)
        {
          g_printerr ("change %u: %s\n", i + 1, error->message);
          return 1;
        }
    }

  printf ("{\"queued\": %u, \"seconds\": %.3f, \"outbox\": %u}\n", n,
          g_timer_elapsed (timer, NULL), dk_store_outbox_count (store, DK_OUTBOX_PENDING));
  return 0;
}
