/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-limits.c: the defaults of the server's limits */

#include "config.h"

#include "dk-core.h"
#include "dk-server-limits.h"

/**
 * dk_server_limits_init:
 * @limits: the limits to fill with the defaults
 */
void
dk_server_limits_init (DkServerLimits *limits)
{
  g_return_if_fail (limits != NULL);

  *limits = (DkServerLimits) {
    .max_connections = 0,
    .max_connections_per_address = 4096,
    .max_websockets = 20000,
    .max_header_bytes = 64 * 1024,
    .max_body_bytes = DK_MAX_BODY_BYTES,
    .header_timeout_seconds = 10,
    .body_timeout_seconds = 30,
    .idle_timeout_seconds = 60,
    .write_timeout_seconds = 60,
    .max_requests_per_connection = 1000,
    .max_mutations_per_batch = DK_MAX_MUTATIONS_PER_BATCH,
    .retry_after_seconds = 5,
  };
}
