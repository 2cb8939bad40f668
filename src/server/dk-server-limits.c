/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-limits.c: the defaults of the server's limits */

#include "config.h"

#include <glib/gi18n.h>

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

#define LIMIT(field, arg, text) \
  { NULL, text, arg, G_STRUCT_OFFSET (DkServerLimits, field), \
    sizeof (((DkServerLimits *) NULL)->field) == sizeof (guint64) }

/* The flags are the field names with dashes: one name for the code, the README and the
 * operator. The descriptions say what happens when the limit is reached. */
static DkServerLimitInfo infos[] = {
  LIMIT (max_connections, "N",
         N_("Open connections in all; over it a new one gets 503 (0: from the descriptor "
            "limit, less a reserve)")),
  LIMIT (max_connections_per_address, "N",
         N_("Open connections from one address; over it a new one gets 503 (0: no limit)")),
  LIMIT (max_websockets, "N",
         N_("Event WebSockets in all; over it an upgrade gets 503 (0: no limit)")),
  LIMIT (max_header_bytes, "BYTES",
         N_("A request line and headers; over it 431 and the connection is closed "
            "(0: only libsoup's own 64 KiB, which also holds above it)")),
  LIMIT (max_body_bytes, "BYTES", N_("A request body; over it 413 before it is read")),
  LIMIT (header_timeout_seconds, "SECONDS",
         N_("From a request's first byte to its last header (and a TLS handshake); then "
            "408 and close (0: none)")),
  LIMIT (body_timeout_seconds, "SECONDS",
         N_("To read a whole request body; then 408 and close (0: none)")),
  LIMIT (idle_timeout_seconds, "SECONDS",
         N_("A connection with no request in progress is closed after it (0: never)")),
  LIMIT (write_timeout_seconds, "SECONDS",
         N_("A reply that does not move for this long is dropped with its connection (0: never)")),
  LIMIT (max_requests_per_connection, "N",
         N_("Requests on one connection; the last reply says Connection: close (0: no limit)")),
  LIMIT (max_mutations_per_batch, "N", N_("Mutations in one POST /api/v1/mutations")),
  LIMIT (retry_after_seconds, "SECONDS", N_("What a 503 asks the caller to wait (Retry-After)")),
};

/**
 * dk_server_limits_get_info:
 * @n_limits: (out): how many
 *
 * Returns: (transfer none): every limit with its flag
 */
const DkServerLimitInfo *
dk_server_limits_get_info (guint *n_limits)
{
  static gsize named = 0;

  if (g_once_init_enter (&named))
    {
      static const char * const flags[] = {
        "max-connections", "max-connections-per-address", "max-websockets",
        "max-header-bytes", "max-body-bytes", "header-timeout-seconds",
        "body-timeout-seconds", "idle-timeout-seconds", "write-timeout-seconds",
        "max-requests-per-connection", "max-mutations-per-batch", "retry-after-seconds",
      };

      G_STATIC_ASSERT (G_N_ELEMENTS (flags) == G_N_ELEMENTS (infos));
      for (guint i = 0; i < G_N_ELEMENTS (infos); i++)
        infos[i].flag = flags[i];
      g_once_init_leave (&named, 1);
    }

  *n_limits = G_N_ELEMENTS (infos);
  return infos;
}

/**
 * dk_server_limits_parse:
 *
 * Returns: %TRUE when @text was a whole number that fits
 */
gboolean
dk_server_limits_parse (DkServerLimits           *limits,
                        const DkServerLimitInfo  *info,
                        const char               *text,
                        GError                  **error)
{
  guint64 value;
  guint8 *field;

  g_return_val_if_fail (limits != NULL, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (!g_ascii_string_to_unsigned (text, 10, 0, info->is_64 ? G_MAXUINT64 : G_MAXUINT, &value,
                                   NULL))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("--%s takes a whole number, not “%s”"),
                   info->flag, text);
      return FALSE;
    }

  field = (guint8 *) limits + info->offset;
  if (info->is_64)
    *(guint64 *) field = value;
  else
    *(guint *) field = (guint) value;

  return TRUE;
}
