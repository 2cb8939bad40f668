/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-backoff.c: exponential back-off with jitter, for retries, aware of how long the
 * outage has lasted */

#define G_LOG_DOMAIN "dk-backoff"

#include "config.h"

#include "dk-backoff.h"

struct _DkBackoff
{
  GRand *rand;
  guint  base_ms;
  guint  cap_ms;
  guint  failures;

  /* the outage policy; window_ms 0: none */
  guint  short_cap_ms;
  guint  window_ms;
  guint  long_base_ms;
  gint64 outage_since_ms;   /* the first failure since the last reset, or -1 */
  guint  long_failures;     /* failures counted past the window */
};

/**
 * dk_backoff_new:
 * @base_ms: the ceiling of the first delay
 * @cap_ms: no delay is ever longer than this
 *
 * Returns: (transfer full): a back-off with no failures counted
 */
DkBackoff *
dk_backoff_new (guint base_ms,
                guint cap_ms)
{
  DkBackoff *self;

  g_return_val_if_fail (base_ms > 0, NULL);
  g_return_val_if_fail (cap_ms >= base_ms, NULL);

  self = g_new0 (DkBackoff, 1);
  self->rand = g_rand_new ();
  self->base_ms = base_ms;
  self->cap_ms = cap_ms;
  self->outage_since_ms = -1;

  return self;
}

void
dk_backoff_free (DkBackoff *self)
{
  if (self == NULL)
    return;

  g_rand_free (self->rand);
  g_free (self);
}

void
dk_backoff_set_seed (DkBackoff *self,
                     guint32    seed)
{
  g_return_if_fail (self != NULL);

  g_rand_set_seed (self->rand, seed);
}

void
dk_backoff_set_outage_policy (DkBackoff *self,
                              guint      short_cap_ms,
                              guint      window_ms,
                              guint      long_base_ms)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (window_ms == 0 || short_cap_ms > 0);
  g_return_if_fail (window_ms == 0 || long_base_ms > 0);

  self->short_cap_ms = MIN (short_cap_ms, self->cap_ms);
  self->window_ms = window_ms;
  self->long_base_ms = MIN (long_base_ms, self->cap_ms);
}

static gint64
now_ms (void)
{
  return g_get_monotonic_time () / 1000;
}

/* base * 2^n without overflowing, at most @cap: past 2^31 the cap has long been reached. */
static guint
doubled (guint base,
         guint n,
         guint cap)
{
  if (n >= 31)
    return cap;

  return (guint) MIN ((guint64) base << n, (guint64) cap);
}

static gboolean
past_window (DkBackoff *self,
             gint64     now)
{
  return self->window_ms > 0 && self->outage_since_ms >= 0 &&
         now - self->outage_since_ms >= self->window_ms;
}

guint
dk_backoff_get_ceiling_at (DkBackoff *self,
                           gint64     now)
{
  guint ceiling;

  g_return_val_if_fail (self != NULL, 0);

  if (past_window (self, now))
    return doubled (self->long_base_ms, self->long_failures, self->cap_ms);

  ceiling = doubled (self->base_ms, self->failures, self->cap_ms);
  if (self->window_ms > 0)
    ceiling = MIN (ceiling, self->short_cap_ms);

  return ceiling;
}

guint
dk_backoff_get_ceiling (DkBackoff *self)
{
  return dk_backoff_get_ceiling_at (self, now_ms ());
}

guint
dk_backoff_next_delay_at (DkBackoff *self,
                          gint64     now)
{
  guint ceiling;
  gboolean gentle;

  g_return_val_if_fail (self != NULL, 0);

  if (self->outage_since_ms < 0)
    self->outage_since_ms = now;

  ceiling = dk_backoff_get_ceiling_at (self, now);
  gentle = self->window_ms > 0;
  if (self->failures < G_MAXUINT)
    self->failures++;
  if (past_window (self, now) && self->long_failures < G_MAXUINT)
    self->long_failures++;

  /* With the outage policy: from the upper half, so the average stays far from zero
   * (many desktops cut off at once still spread over half the ceiling). */
  if (gentle)
    return (guint) g_rand_double_range (self->rand, (double) ceiling / 2, (double) ceiling + 1);

  /* Full jitter: anywhere from 0 to the ceiling, so many clients cut off at once do
   * not come back at once. */
  return (guint) g_rand_double_range (self->rand, 0, (double) ceiling + 1);
}

guint
dk_backoff_next_delay (DkBackoff *self)
{
  return dk_backoff_next_delay_at (self, now_ms ());
}

guint
dk_backoff_get_failures (DkBackoff *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->failures;
}

void
dk_backoff_reset (DkBackoff *self)
{
  g_return_if_fail (self != NULL);

  self->failures = 0;
  self->long_failures = 0;
  self->outage_since_ms = -1;
}
