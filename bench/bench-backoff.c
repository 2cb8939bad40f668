/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-backoff.c: 10,000 desktops retrying against a server that is down for everyone
 *
 *   bench-backoff [DESKTOPS] [HOURS]
 *
 * Each desktop follows the engine's retry policy (DkBackoff with the outage policy of
 * dk-sync-watch.c; a seed of its own, the outage starting for all at 0, every attempt a
 * request that fails at once: the worst case, a server that refuses). While offline the
 * engine tries nothing else (the WebSocket is tried only after a sync gets through), so
 * attempts are all the requests. Prints, as JSON: requests per desktop per 30 s in the
 * first minute and past it (to 10 min and to HOURS), the busiest 30 s past the first
 * minute for the whole fleet, and the longest wait in the first minute (how soon a
 * server back after a short outage is found). */

#include "config.h"

#include <stdlib.h>

#include "dk-backoff.h"

#define WINDOW_30S (30 * 1000)

int
main (int   argc,
      char *argv[])
{
  guint desktops = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  double hours = argc > 2 ? g_ascii_strtod (argv[2], NULL) : 1.0;
  gint64 until = (gint64) (hours * 3600 * 1000);
  gint64 ten_min = 10 * 60 * 1000;
  guint n_windows = (guint) (until / WINDOW_30S) + 1;
  g_autofree guint64 *per_window = g_new0 (guint64, n_windows);
  guint64 first_minute = 0;
  guint64 past_minute = 0;
  guint64 to_ten_min = 0;
  guint64 busiest = 0;
  guint longest_young = 0;

  for (guint d = 0; d < desktops; d++)
    {
      g_autoptr(DkBackoff) backoff = dk_backoff_new (DK_BACKOFF_BASE_MS, DK_BACKOFF_CAP_MS);
      gint64 now = 0;

      dk_backoff_set_seed (backoff, d + 1);
      dk_backoff_set_outage_policy (backoff, DK_BACKOFF_SHORT_CAP_MS, DK_BACKOFF_WINDOW_MS,
                                    DK_BACKOFF_LONG_BASE_MS);
      for (;;)
        {
          guint delay = dk_backoff_next_delay_at (backoff, now);

          if (now < DK_BACKOFF_WINDOW_MS)
            longest_young = MAX (longest_young, delay);
          now += delay;
          if (now >= until)
            break;
          per_window[now / WINDOW_30S]++;
          if (now < DK_BACKOFF_WINDOW_MS)
            first_minute++;
          else
            {
              past_minute++;
              if (now < ten_min)
                to_ten_min++;
            }
        }
    }

  for (guint w = DK_BACKOFF_WINDOW_MS / WINDOW_30S; w < n_windows; w++)
    busiest = MAX (busiest, per_window[w]);

  g_print ("{\"desktops\": %u, \"hours\": %.2f,\n"
           " \"first_minute_per_desktop_per_30s\": %.3f,\n"
           " \"past_minute_to_10min_per_desktop_per_30s\": %.3f,\n"
           " \"past_minute_to_end_per_desktop_per_30s\": %.3f,\n"
           " \"busiest_30s_past_minute_requests\": %" G_GUINT64_FORMAT ",\n"
           " \"busiest_30s_past_minute_per_desktop\": %.3f,\n"
           " \"longest_wait_first_minute_ms\": %u}\n",
           desktops, hours,
           (double) first_minute / desktops / 2.0,
           (double) to_ten_min / desktops / ((ten_min - DK_BACKOFF_WINDOW_MS) / (double) WINDOW_30S),
           (double) past_minute / desktops / ((until - DK_BACKOFF_WINDOW_MS) / (double) WINDOW_30S),
           busiest, (double) busiest / desktops, longest_young);

  return 0;
}
