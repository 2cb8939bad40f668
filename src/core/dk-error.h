/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-error.h: the error domain shared by every layer, with its wire codes */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DK_ERROR (dk_error_quark ())

typedef enum {
  DK_ERROR_INVALID,            /* 400 "invalid_input": bad JSON, wrong type, missing field, bad date, too long */
  DK_ERROR_UNAUTHORIZED,       /* 401 "unauthorized": no, expired or revoked session; wrong password */
  DK_ERROR_FORBIDDEN,          /* 403 "forbidden": the caller's roles do not allow it */
  DK_ERROR_NOT_FOUND,          /* 404 "not_found": unknown id */
  DK_ERROR_CONFLICT,           /* 409 "conflict": base_revision is not the current one */
  DK_ERROR_INVALID_TRANSITION, /* 409 "invalid_transition": e.g. closing a closed case */
  DK_ERROR_TOO_LARGE,          /* 413 "too_large": the body is over the limit */
  DK_ERROR_TOO_MANY_REQUESTS,  /* 429 "too_many_requests": login throttled */
  DK_ERROR_UNKNOWN_OPERATION,  /* 400 "unknown_operation" */
  DK_ERROR_DISABLED,           /* 403 "account_disabled" */
  DK_ERROR_STORAGE,            /* 500 "storage": the database failed (full disk, corrupt file) */
  DK_ERROR_FAILED,             /* 500 "failed" */
  DK_ERROR_DUPLICATE,          /* 409 "duplicate": e.g. a unit already affected, a report already linked */
  DK_ERROR_LIMIT_REACHED,      /* 409 "limit_reached": e.g. a case holds the most updates it may */
  DK_ERROR_NO_SNAPSHOT,        /* 404 "no_snapshot": none to start a first sync from; page from 0 */
} DkError;

GQuark      dk_error_quark              (void);
const char *dk_error_code_to_string     (DkError code);
guint       dk_error_code_to_http_status (DkError code);

G_END_DECLS
