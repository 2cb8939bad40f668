/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-time.c: times as Unix seconds (UTC), RFC 3339 on the wire */

#define G_LOG_DOMAIN "dk-time"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dk-error.h"
#include "dk-time.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static gint64
days_from_civil (gint64 y,
                 guint  m,
                 guint  d)
{
  gint64 era;
  guint yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (guint) (y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (gint64) doe - 719468;
}

static void
civil_from_days (gint64  z,
                 gint64 *year,
                 guint  *month,
                 guint  *day)
{
  gint64 era, y;
  guint doe, yoe, doy, mp, d, m;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (guint) (z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = (gint64) yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (m <= 2);
  *month = m;
  *day = d;
}

static gboolean
is_leap_year (guint y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static guint
days_in_month (guint y,
               guint m)
{
  static const guint days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (m == 2 && is_leap_year (y))
    return 29;
  return days[m - 1];
}

/* Reads exactly @n decimal digits. */
static gboolean
read_digits (const char **p,
             guint        n,
             guint       *out)
{
  guint value = 0;

  for (guint i = 0; i < n; i++)
    {
      char c = (*p)[i];

      if (c < '0' || c > '9')
        return FALSE;
      value = value * 10 + (guint) (c - '0');
    }
  *p += n;
  *out = value;
  return TRUE;
}

static gboolean
expect_char (const char **p,
             char         c)
{
  if (**p != c)
    return FALSE;
  (*p)++;
  return TRUE;
}

/**
 * dk_time_now:
 *
 * Returns: the current time in Unix seconds
 */
gint64
dk_time_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/**
 * dk_time_parse:
 * @text: an RFC 3339 time such as "2026-11-24T14:05:00Z"
 * @out: (out): the time in Unix seconds
 * @error: return location for a #GError
 *
 * Parses an RFC 3339 date-time with any offset; fractions of a second are dropped.
 * Anything else is %DK_ERROR_INVALID.
 *
 * Returns: %TRUE on success
 */
gboolean
dk_time_parse (const char  *text,
               gint64      *out,
               GError     **error)
{
  const char *p = text;
  guint year, month, day, hour, minute, second;
  gint64 offset = 0;
  gint64 t;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (text == NULL)
    goto fail;

  if (!read_digits (&p, 4, &year) || !expect_char (&p, '-') ||
      !read_digits (&p, 2, &month) || !expect_char (&p, '-') ||
      !read_digits (&p, 2, &day))
    goto fail;
  if (*p != 'T' && *p != 't')
    goto fail;
  p++;
  if (!read_digits (&p, 2, &hour) || !expect_char (&p, ':') ||
      !read_digits (&p, 2, &minute) || !expect_char (&p, ':') ||
      !read_digits (&p, 2, &second))
    goto fail;

  if (year < 1 || month < 1 || month > 12 || day < 1 || day > days_in_month (year, month) ||
      hour > 23 || minute > 59 || second > 59)
    goto fail;

  if (*p == '.')
    {
      p++;
      if (*p < '0' || *p > '9')
        goto fail;
      while (*p >= '0' && *p <= '9')
        p++;
    }

  if (*p == 'Z' || *p == 'z')
    {
      p++;
    }
  else if (*p == '+' || *p == '-')
    {
      int sign = *p == '-' ? -1 : 1;
      guint off_h, off_m;

      p++;
      if (!read_digits (&p, 2, &off_h) || !expect_char (&p, ':') ||
          !read_digits (&p, 2, &off_m) || off_h > 23 || off_m > 59)
        goto fail;
      offset = sign * (gint64) (off_h * 3600 + off_m * 60);
    }
  else
    {
      goto fail;
    }

  if (*p != '\0')
    goto fail;

  t = days_from_civil (year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  t -= offset;
  /* The offset may push the time out of years 1–9999, which UTC cannot then write. */
  if (t < DK_TIME_MIN || t > DK_TIME_MAX)
    goto fail;
  *out = t;
  return TRUE;

fail:
  g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                       _("not an RFC 3339 time (such as 2026-11-24T14:05:00Z)"));
  return FALSE;
}

/**
 * dk_time_format:
 * @t: Unix seconds, or %DK_TIME_UNSET
 *
 * Returns: (transfer full) (nullable): "2026-11-24T14:05:00Z", or %NULL for
 *   %DK_TIME_UNSET
 */
char *
dk_time_format (gint64 t)
{
  gint64 days, secs, year;
  guint month, day;

  if (t == DK_TIME_UNSET)
    return NULL;

  /* Keep the day arithmetic far from overflow; such times are not meaningful anyway. */
  t = CLAMP (t, DK_TIME_MIN, DK_TIME_MAX);

  days = t / 86400;
  secs = t % 86400;
  if (secs < 0)
    {
      secs += 86400;
      days--;
    }
  civil_from_days (days, &year, &month, &day);

  return g_strdup_printf ("%04" G_GINT64_FORMAT "-%02u-%02uT%02u:%02u:%02uZ",
                          year, month, day,
                          (guint) (secs / 3600), (guint) (secs / 60 % 60), (guint) (secs % 60));
}

/**
 * dk_time_format_local:
 * @t: Unix seconds, or %DK_TIME_UNSET
 * @format: a g_date_time_format () format
 *
 * Returns: (transfer full) (nullable): @t in the local time zone, or %NULL for
 *   %DK_TIME_UNSET and times out of GDateTime's range
 */
char *
dk_time_format_local (gint64       t,
                      const char  *format)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  g_return_val_if_fail (format != NULL, NULL);

  if (t == DK_TIME_UNSET)
    return NULL;

  utc = g_date_time_new_from_unix_utc (t);
  if (utc == NULL)
    return NULL;
  local = g_date_time_to_local (utc);

  return g_date_time_format (local, format);
}

/* ---- the clock of reminders, and its test form (dk-time.h) ---- */

typedef struct {
  gboolean active;
  double   speed;
  gint64   offset;       /* seconds ahead of the real time at the origin */
  gint64   origin_us;    /* the real time (µs) when the clock was first read */
} TestClock;

static gboolean
parse_test_clock (const char *text,
                  TestClock  *clock)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", 2);
  char *end = NULL;

  clock->speed = g_ascii_strtod (parts[0], &end);
  if (end == parts[0] || *end != '\0' || !(clock->speed >= 1 && clock->speed <= 1e6))
    return FALSE;
  if (parts[1] != NULL)
    {
      if (parts[1][0] != '+' && parts[1][0] != '-')
        return FALSE;
      clock->offset = g_ascii_strtoll (parts[1], &end, 10);
      if (end == parts[1] + 1 || *end != '\0' || ABS (clock->offset) > G_GINT64_CONSTANT (100) * 366 * 86400)
        return FALSE;
    }
  return TRUE;
}

static const TestClock *
get_test_clock (void)
{
  static TestClock clock;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      const char *text = g_getenv ("DRIFTKOLL_TEST_CLOCK");

      if (text != NULL && text[0] != '\0')
        {
          if (parse_test_clock (text, &clock))
            {
              clock.active = TRUE;
              clock.origin_us = g_get_real_time ();
              g_message ("A test clock: %g times as fast, %+" G_GINT64_FORMAT " s ahead "
                         "(DRIFTKOLL_TEST_CLOCK)", clock.speed, clock.offset);
            }
          else
            {
              g_warning ("DRIFTKOLL_TEST_CLOCK=%s is not SPEED or SPEED,+OFFSET: the real "
                         "clock is used", text);
              memset (&clock, 0, sizeof clock);
            }
        }
      g_once_init_leave (&initialized, 1);
    }

  return &clock;
}

/**
 * dk_time_clock_now:
 *
 * Returns: the time reminders go by: dk_time_now (), or the test clock of
 *   DRIFTKOLL_TEST_CLOCK
 */
gint64
dk_time_clock_now (void)
{
  const TestClock *clock = get_test_clock ();
  gint64 elapsed_us;

  if (!clock->active)
    return dk_time_now ();

  elapsed_us = g_get_real_time () - clock->origin_us;
  return (clock->origin_us + (gint64) ((double) elapsed_us * clock->speed)) / G_USEC_PER_SEC +
         clock->offset;
}

/**
 * dk_time_clock_delay_ms:
 * @t: Unix seconds
 *
 * Returns: the real milliseconds until dk_time_clock_now () reaches @t, 0 when it has
 */
guint
dk_time_clock_delay_ms (gint64 t)
{
  const TestClock *clock = get_test_clock ();
  gint64 now = dk_time_clock_now ();
  double ms;

  if (t <= now)
    return 0;
  ms = (double) (t - now) * 1000.0 / (clock->active ? clock->speed : 1.0);
  return (guint) MIN (ms + 1, (double) G_MAXUINT / 2);
}

/**
 * dk_time_clock_is_test:
 *
 * Returns: whether DRIFTKOLL_TEST_CLOCK is in effect
 */
gboolean
dk_time_clock_is_test (void)
{
  return get_test_clock ()->active;
}
