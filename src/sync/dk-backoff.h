/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-backoff.h: exponential back-off with jitter, for retries, aware of how long the
 * outage has lasted */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DK_BACKOFF_BASE_MS (1000)
#define DK_BACKOFF_CAP_MS  (5 * 60 * 1000)

/* The engine's outage policy (dk_backoff_set_outage_policy ()): retries come within
 * DK_BACKOFF_SHORT_CAP_MS while the outage is younger than DK_BACKOFF_WINDOW_MS, so a
 * server back after a short outage is found within seconds; after that the ceiling
 * starts again at DK_BACKOFF_LONG_BASE_MS and doubles up to the cap, each delay drawn
 * from its upper half, so many desktops cut off together average far below one attempt
 * per desktop per 30 s (bench/bench-backoff.c counts it). */
#define DK_BACKOFF_SHORT_CAP_MS  (4 * 1000)
#define DK_BACKOFF_WINDOW_MS     (60 * 1000)
#define DK_BACKOFF_LONG_BASE_MS  (60 * 1000)

typedef struct _DkBackoff DkBackoff;

/* Attempt n (from 0) waits a uniformly random time in [0, min (cap, base * 2^n)]. */
DkBackoff *dk_backoff_new          (guint      base_ms,
                                    guint      cap_ms);
void       dk_backoff_free         (DkBackoff *self);
/* For tests: a fixed random sequence. */
void       dk_backoff_set_seed     (DkBackoff *self,
                                    guint32    seed);
/* Short retries first, gentle ones once the outage is older than @window_ms: while the
 * first failure since the last reset is less than @window_ms old, no ceiling is above
 * @short_cap_ms; after it, attempt k past the window has the ceiling
 * min (cap, @long_base_ms * 2^k). Either way each delay is drawn from
 * [ceiling / 2, ceiling]. A @window_ms of 0 turns it off (the plain back-off above). */
void       dk_backoff_set_outage_policy (DkBackoff *self,
                                         guint      short_cap_ms,
                                         guint      window_ms,
                                         guint      long_base_ms);
/* The delay before the next attempt, in milliseconds; counts one more failure. */
guint      dk_backoff_next_delay   (DkBackoff *self);
/* The same at @now_ms on a clock of the caller's (monotonic milliseconds), for tests
 * and simulations. */
guint      dk_backoff_next_delay_at (DkBackoff *self,
                                     gint64     now_ms);
/* The upper bound the next dk_backoff_next_delay () draws under. */
guint      dk_backoff_get_ceiling  (DkBackoff *self);
guint      dk_backoff_get_ceiling_at (DkBackoff *self,
                                      gint64     now_ms);
guint      dk_backoff_get_failures (DkBackoff *self);
/* After a success: the next delay is short again and a new outage starts at the next
 * failure. */
void       dk_backoff_reset        (DkBackoff *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkBackoff, dk_backoff_free)

G_END_DECLS
