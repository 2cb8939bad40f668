/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-limits.h: every bound the server keeps on what callers may make it hold */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What one server instance allows. Each field is a `serve` flag of the same name
 * (max_header_bytes is --max-header-bytes); the defaults are dk_server_limits_init's. A
 * limit reached answers 503 with Retry-After (or 413/431 for sizes) and is logged. */
typedef struct {
  guint   max_connections;              /* open HTTP connections in all; 0: from RLIMIT_NOFILE */
  guint   max_connections_per_address;  /* from one remote address (a NAT has many desktops) */
  guint   max_websockets;               /* event sockets in all */
  guint   max_header_bytes;             /* request line and headers */
  guint64 max_body_bytes;               /* a request body; over it is 413 before it is read */
  guint   header_timeout_seconds;       /* from the first byte of a request to its last header */
  guint   body_timeout_seconds;         /* to read a whole request body */
  guint   idle_timeout_seconds;         /* a connection with no request in progress */
  guint   write_timeout_seconds;        /* to write one response to a reader that stalls */
  guint   max_requests_per_connection;  /* then the connection is closed after its reply */
  guint   max_mutations_per_batch;      /* in one POST /api/v1/mutations */
  guint   retry_after_seconds;          /* what a 503 asks the caller to wait */
} DkServerLimits;

/* One limit as an operator sets it: "--max-connections" for max_connections. */
typedef struct {
  const char *flag;         /* without the leading "--" */
  const char *description;  /* N_() marked */
  const char *arg;          /* "N", "BYTES" or "SECONDS" */
  gsize       offset;       /* in DkServerLimits */
  gboolean    is_64;        /* a guint64 field; else a guint */
} DkServerLimitInfo;

void                     dk_server_limits_init     (DkServerLimits        *limits);
/* Every limit, in the order of the struct. */
const DkServerLimitInfo *dk_server_limits_get_info (guint                 *n_limits);
/* Sets the limit of @info from @text (a whole number, 0 where 0 means "none" or "from
 * the system"); FALSE with @error when it is not one. */
gboolean                 dk_server_limits_parse    (DkServerLimits        *limits,
                                                    const DkServerLimitInfo *info,
                                                    const char            *text,
                                                    GError               **error);

G_END_DECLS
