/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-error.c: the error domain shared by every layer, with its wire codes */

#define G_LOG_DOMAIN "dk-error"

#include "config.h"

#include "dk-error.h"

G_DEFINE_QUARK (dk-error, dk_error)

static const struct {
  const char *code;
  guint       status;
} error_codes[] = {
  [DK_ERROR_INVALID]            = { "invalid_input",      400 },
  [DK_ERROR_UNAUTHORIZED]       = { "unauthorized",       401 },
  [DK_ERROR_FORBIDDEN]          = { "forbidden",          403 },
  [DK_ERROR_NOT_FOUND]          = { "not_found",          404 },
  [DK_ERROR_CONFLICT]           = { "conflict",           409 },
  [DK_ERROR_INVALID_TRANSITION] = { "invalid_transition", 409 },
  [DK_ERROR_TOO_LARGE]          = { "too_large",          413 },
  [DK_ERROR_TOO_MANY_REQUESTS]  = { "too_many_requests",  429 },
  [DK_ERROR_UNKNOWN_OPERATION]  = { "unknown_operation",  400 },
  [DK_ERROR_DISABLED]           = { "account_disabled",   403 },
  [DK_ERROR_STORAGE]            = { "storage",            500 },
  [DK_ERROR_FAILED]             = { "failed",             500 },
  [DK_ERROR_DUPLICATE]          = { "duplicate",          409 },
  [DK_ERROR_LIMIT_REACHED]      = { "limit_reached",      409 },
  [DK_ERROR_NO_SNAPSHOT]        = { "no_snapshot",        404 },
};

/**
 * dk_error_code_to_string:
 * @code: a #DkError
 *
 * Returns: the wire code ("invalid_input"); "failed" for an unknown value
 */
const char *
dk_error_code_to_string (DkError code)
{
  if ((guint) code >= G_N_ELEMENTS (error_codes))
    return error_codes[DK_ERROR_FAILED].code;
  return error_codes[code].code;
}

/**
 * dk_error_code_to_http_status:
 * @code: a #DkError
 *
 * Returns: the HTTP status that goes with @code; 500 for an unknown value
 */
guint
dk_error_code_to_http_status (DkError code)
{
  if ((guint) code >= G_N_ELEMENTS (error_codes))
    return 500;
  return error_codes[code].status;
}
