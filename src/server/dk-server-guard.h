/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-guard.h: refuses a request from its headers alone, on every path, and ends
 * the connection before the body is read */
#pragma once

#include <libsoup/soup.h>

#include "dk-server-metrics.h"

G_BEGIN_DECLS

#define DK_TYPE_SERVER_GUARD (dk_server_guard_get_type ())

G_DECLARE_FINAL_TYPE (DkServerGuard, dk_server_guard, DK, SERVER_GUARD, GObject)

/* Why a request's headers were refused: the reply's status, wire code and message. */
typedef struct {
  guint       status;
  const char *code;
  const char *message;
} DkServerGuardRefusal;

DkServerGuard *dk_server_guard_new           (guint64                max_body_bytes);
void           dk_server_guard_allow_body    (DkServerGuard         *self,
                                              const char            *prefix);
void           dk_server_guard_attach        (DkServerGuard         *self,
                                              SoupServer            *soup);
/* Counts each refusal as an answered request in @metrics (nullable). */
void           dk_server_guard_set_metrics   (DkServerGuard         *self,
                                              DkServerMetrics       *metrics);
gboolean       dk_server_guard_check_headers (SoupMessageHeaders    *headers,
                                              guint64                max_body_bytes,
                                              DkServerGuardRefusal  *refusal);
gboolean       dk_server_guard_check_header_line (const char      *line,
                                                  gsize            length);
const guint8  *dk_server_guard_peek_body     (SoupServerMessage     *msg,
                                              gsize                 *length);

G_END_DECLS
