/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-progress.c: the words of a sync's progress (see the header) */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dk-sync-progress.h"

struct _DkSyncProgress
{
  gint64   bytes_started;   /* monotonic µs of the first byte figure, or 0 */
  guint64  bytes_first;     /* bytes at that figure: a resumed download starts far in */
  gint64   cases_started;   /* monotonic µs of the first case figure, or 0 */
  gint64   cases_cursor;    /* the cursor there */
};

DkSyncProgress *
dk_sync_progress_new (void)
{
  return g_new0 (DkSyncProgress, 1);
}

void
dk_sync_progress_free (DkSyncProgress *self)
{
  g_free (self);
}

void
dk_sync_progress_begin_cases (DkSyncProgress *self,
                              gint64          now,
                              gint64          cursor)
{
  self->cases_started = MAX (now, 1);
  self->cases_cursor = cursor;
}

gboolean
dk_sync_progress_in_cases (DkSyncProgress *self)
{
  return self->cases_started != 0;
}

char *
dk_format_count (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, digits[i]);
    }

  return g_string_free (out, FALSE);
}

/* "41 MB" in whole megabytes (10^6 bytes); below one, "350 kB" (never "0 kB" for
 * something): a small snapshot is not "1 MB of 1 MB". */
static char *
format_megabytes (guint64 bytes)
{
  g_autofree char *count = NULL;

  if (bytes < 999500)
    {
      count = dk_format_count (MAX ((bytes + 500) / 1000, bytes > 0 ? 1 : 0));
      /* Translators: a size in kilobytes (10^3 bytes), "350 kB" */
      return g_strdup_printf (_("%s kB"), count);
    }
  count = dk_format_count ((bytes + 500000) / 1000000);
  /* Translators: a size in megabytes (10^6 bytes), "41 MB" */
  return g_strdup_printf (_("%s MB"), count);
}

/* "1 s left", "3 min left"; NULL when nothing can be said yet. */
static char *
format_time_left (double left,
                  double rate)
{
  guint seconds;

  if (rate <= 0)
    return NULL;
  seconds = (guint) MIN (left / rate + 0.5, G_MAXUINT / 2);
  if (seconds >= 120)
    /* Translators: time left of a sync, in minutes */
    return g_strdup_printf (_("%u min left"), (seconds + 30) / 60);
  /* Translators: time left of a sync, in seconds */
  return g_strdup_printf (_("%u s left"), seconds);
}

/* "@amount · @rate/s · @left", leaving out what cannot be known yet (a rate within the
 * first instant, the time left without a total) rather than guessing it. */
static char *
join_figures (const char *amount,
              const char *rate,
              const char *left)
{
  GString *line = g_string_new (amount);

  if (rate != NULL)
    {
      /* Translators: a rate, "120 MB/s" or "3 100/s" */
      g_autofree char *per_second = g_strdup_printf (_("%s/s"), rate);

      g_string_append_printf (line, " · %s", per_second);
    }
  if (left != NULL)
    g_string_append_printf (line, " · %s", left);

  return g_string_free (line, FALSE);
}

static double
rate_since (gint64 now,
            gint64 started,
            double amount)
{
  double elapsed = (now - started) / (double) G_USEC_PER_SEC;

  return elapsed > 0.05 ? amount / elapsed : 0;
}

char *
dk_sync_progress_describe_bytes (DkSyncProgress *self,
                                 gint64          now,
                                 guint64         received,
                                 guint64         total,
                                 double         *out_fraction)
{
  g_autofree char *received_text = format_megabytes (received);
  g_autofree char *amount = NULL;
  g_autofree char *rate_text = NULL;
  g_autofree char *left = NULL;
  double rate;

  /* The snapshot comes before the cases: they begin after it. */
  self->cases_started = 0;
  if (self->bytes_started == 0)
    {
      self->bytes_started = MAX (now, 1);
      self->bytes_first = received;
    }
  rate = rate_since (now, self->bytes_started, received - MIN (received, self->bytes_first));

  if (total > 0)
    {
      g_autofree char *total_text = format_megabytes (total);

      /* Translators: the part of a download that has arrived, "41 MB of 58 MB" */
      amount = g_strdup_printf (_("%s of %s"), received_text, total_text);
    }
  else
    amount = g_strdup (received_text);
  if (rate > 0)
    rate_text = format_megabytes ((guint64) rate);
  if (total > 0 && received >= total)
    left = g_strdup (_("done"));
  else if (total > 0)
    left = format_time_left (total - received, rate);

  if (out_fraction != NULL)
    *out_fraction = total > 0 ? MIN (received / (double) total, 1.0) : -1;
  return join_figures (amount, rate_text, left);
}

char *
dk_sync_progress_describe_cases (DkSyncProgress *self,
                                 gint64          now,
                                 guint64         objects_applied,
                                 gint64          cursor,
                                 gint64          newest_seq,
                                 double         *out_fraction)
{
  g_autofree char *count = dk_format_count (objects_applied);
  g_autofree char *cases = NULL;
  g_autofree char *rate_text = NULL;
  g_autofree char *left = NULL;
  double rate;

  if (self->cases_started == 0)
    dk_sync_progress_begin_cases (self, now, cursor);
  rate = rate_since (now, self->cases_started, objects_applied);

  /* Translators: the progress of a sync: "12 400 cases · 3 100/s · 25 s left" */
  cases = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s case", "%s cases",
                                        objects_applied), count);
  if (rate > 0)
    rate_text = dk_format_count ((guint64) rate);
  if (newest_seq > 0 && cursor >= newest_seq)
    left = g_strdup (_("done"));
  else if (newest_seq > 0)
    left = format_time_left (newest_seq - cursor,
                             rate_since (now, self->cases_started, cursor - self->cases_cursor));

  if (out_fraction != NULL)
    *out_fraction = newest_seq > self->cases_cursor
                      ? (cursor - self->cases_cursor) / (double) (newest_seq - self->cases_cursor)
                      : -1;
  return join_figures (cases, rate_text, left);
}
