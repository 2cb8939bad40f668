/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-backoff.c: exponential back-off with full jitter, for retries */

#define G_LOG_DOMAIN "dk-backoff"

#include "config.h"

#include "dk-backoff.h"

struct _DkBackoff
{
  GRand *rand;
  guint  base_ms;
  guint  cap_ms;
  guint  failures;
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

guint
dk_backoff_get_ceiling (DkBackoff *self)
{
  guint64 ceiling;

  g_return_val_if_fail (self != NULL, 0);

  /* base * 2^failures without overflowing: past 2^31 the cap has long been reached. */
  if (self->failures >= 31)
    return self->cap_ms;
  ceiling = (guint64) self->base_ms << self->failures;

  return (guint) MIN (ceiling, (guint64) self->cap_ms);
}

guint
dk_backoff_next_delay (DkBackoff *self)
{
  guint ceiling;

  g_return_val_if_fail (self != NULL, 0);

  ceiling = dk_backoff_get_ceiling (self);
  if (self->failures < G_MAXUINT)
    self->failures++;

  /* Full jitter: anywhere from 0 to the ceiling, so many clients cut off at once do
   * not come back at once. */
  return (guint) g_rand_double_range (self->rand, 0, (double) ceiling + 1);
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
}
