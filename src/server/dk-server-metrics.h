/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-metrics.h: the counters and histograms GET /metrics shows (Prometheus text) */
#pragma once

#include <libsoup/soup.h>

#include "dk-server-db.h"

G_BEGIN_DECLS

/* The routes a request is counted under: the pattern, never the raw path. */
typedef enum {
  DK_METRICS_ROUTE_OTHER,
  DK_METRICS_ROUTE_PAGE,
  DK_METRICS_ROUTE_FEED,
  DK_METRICS_ROUTE_METRICS,
  DK_METRICS_ROUTE_SESSION,
  DK_METRICS_ROUTE_CHANGES,
  DK_METRICS_ROUTE_MUTATIONS,
  DK_METRICS_ROUTE_HEALTHZ,
  DK_METRICS_ROUTE_SNAPSHOT,
  DK_METRICS_ROUTE_EVENTS,
  DK_METRICS_ROUTE_ROUTINE_REVISIONS,
  DK_METRICS_ROUTE_ROUTINE_REVISION,
  DK_METRICS_N_ROUTES
} DkMetricsRoute;

/* What a piece of database time was spent on. */
typedef enum {
  DK_METRICS_DB_WRITE,     /* a write transaction, BEGIN to COMMIT or ROLLBACK */
  DK_METRICS_DB_READ,      /* a read transaction (a consistent view over many reads) */
  DK_METRICS_DB_CHANGES,   /* one page of GET /api/v1/changes */
  DK_METRICS_DB_SESSION,   /* looking up a request's session and user */
  DK_METRICS_DB_N_OPS
} DkMetricsDbOp;

typedef enum {
  DK_METRICS_SYNC_CHANGES,    /* a page of changes */
  DK_METRICS_SYNC_SNAPSHOT,   /* a snapshot (whole or ranges) */
  DK_METRICS_SYNC_N_KINDS
} DkMetricsSync;

#define DK_TYPE_SERVER_METRICS (dk_server_metrics_get_type ())
G_DECLARE_FINAL_TYPE (DkServerMetrics, dk_server_metrics, DK, SERVER_METRICS, GObject)

DkServerMetrics *dk_server_metrics_new               (void);

DkMetricsRoute   dk_server_metrics_route_for_path    (const char      *path);
/* Counts a finished request; @duration_usec from its start. */
void             dk_server_metrics_observe_request   (DkServerMetrics *self,
                                                      DkMetricsRoute   route,
                                                      const char      *method,
                                                      guint            status,
                                                      gint64           duration_usec);
/* Stamps @msg when its request was read; then counts it when answered, with @status
 * (0: the message's own). */
void             dk_server_metrics_request_read      (DkServerMetrics   *self,
                                                      SoupServerMessage *msg);
void             dk_server_metrics_request_done      (DkServerMetrics   *self,
                                                      SoupServerMessage *msg,
                                                      guint              status);
void             dk_server_metrics_websocket_opened  (DkServerMetrics *self);
void             dk_server_metrics_websocket_closed  (DkServerMetrics *self);
/* @result: "applied", "conflict" or "rejected"; @code: the reject's error code or NULL. */
void             dk_server_metrics_count_mutation    (DkServerMetrics *self,
                                                      const char      *result,
                                                      const char      *code);
void             dk_server_metrics_count_login_failed (DkServerMetrics *self,
                                                       gboolean         throttled);
void             dk_server_metrics_count_sync        (DkServerMetrics *self,
                                                      DkMetricsSync    kind);
void             dk_server_metrics_observe_db        (DkServerMetrics *self,
                                                      DkMetricsDbOp    op,
                                                      gint64           duration_usec);
/* Appends every metric in the text exposition format 0.0.4. */
void             dk_server_metrics_format            (DkServerMetrics *self,
                                                      GString         *out);
/* Appends one gauge, HELP and TYPE included (values only the caller knows). */
void             dk_server_metrics_format_gauge      (GString         *out,
                                                      const char      *name,
                                                      const char      *help,
                                                      double           value);

/* The allow-list of --metrics-allow: "ADDR[/BITS][,…]"; "" is an empty list. */
GPtrArray       *dk_server_metrics_parse_allow       (const char      *text,
                                                      GError         **error);
gboolean         dk_server_metrics_allows            (GPtrArray       *allow,
                                                      GSocketAddress  *peer);

/* Private: the server's storage times its transactions into @metrics (nullable). */
void             _dk_server_db_set_metrics           (DkServerDb      *db,
                                                      DkServerMetrics *metrics);

/* Times a piece of work when @metrics is not NULL. */
static inline gint64
dk_server_metrics_clock (DkServerMetrics *metrics)
{
  return metrics != NULL ? g_get_monotonic_time () : 0;
}

static inline void
dk_server_metrics_observe_db_since (DkServerMetrics *metrics,
                                    DkMetricsDbOp    op,
                                    gint64           start)
{
  if (metrics != NULL)
    dk_server_metrics_observe_db (metrics, op, g_get_monotonic_time () - start);
}

G_END_DECLS
