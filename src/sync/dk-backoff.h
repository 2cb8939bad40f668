/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-backoff.h: exponential back-off with full jitter, for retries */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DK_BACKOFF_BASE_MS (1000)
#define DK_BACKOFF_CAP_MS  (5 * 60 * 1000)

typedef struct _DkBackoff DkBackoff;

/* Attempt n (from 0) waits a uniformly random time in [0, min (cap, base * 2^n)]. */
DkBackoff *dk_backoff_new          (guint      base_ms,
                                    guint      cap_ms);
void       dk_backoff_free         (DkBackoff *self);
/* For tests: a fixed random sequence. */
void       dk_backoff_set_seed     (DkBackoff *self,
                                    guint32    seed);
/* The delay before the next attempt, in milliseconds; counts one more failure. */
guint      dk_backoff_next_delay   (DkBackoff *self);
/* The upper bound the next dk_backoff_next_delay () draws under. */
guint      dk_backoff_get_ceiling  (DkBackoff *self);
guint      dk_backoff_get_failures (DkBackoff *self);
/* After a success: the next delay is short again. */
void       dk_backoff_reset        (DkBackoff *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkBackoff, dk_backoff_free)

G_END_DECLS
