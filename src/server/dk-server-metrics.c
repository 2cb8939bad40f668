/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-metrics.c: the counters and histograms GET /metrics shows (Prometheus text) */

#define G_LOG_DOMAIN "dk-server-metrics"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-server-db-private.h"
#include "dk-server-metrics.h"

/* Every label set is fixed (routes, methods, results, error codes) or bounded by what
 * HTTP can answer (statuses): a scrape stays small whatever clients send. One mutex
 * guards everything, so any thread may count (the hooks run on the main loop today; the
 * event hub and the snapshot builds have threads of their own); a hook holds it for a
 * few additions. */

#define N_METHODS        8
#define N_REJECT_CODES   (DK_ERROR_NO_SNAPSHOT + 2)  /* every DkError, then "other" */
#define MAX_BUCKETS      16

typedef struct {
  guint64 buckets[MAX_BUCKETS + 1];   /* per bucket, not cumulative; the last is +Inf */
  guint64 count;
  gint64  sum_usec;
} Histogram;

typedef struct {
  guint   n;
  gint64  bounds_usec[MAX_BUCKETS];
  const char *labels[MAX_BUCKETS];
} Buckets;

struct _DkServerMetrics
{
  GObject     parent_instance;

  GMutex      lock;

  /* guarded by @lock */
  GHashTable *requests;   /* route << 24 | method << 16 | status → guint64 * */
  Histogram   durations[DK_METRICS_N_ROUTES];
  Histogram   db[DK_METRICS_DB_N_OPS];
  guint64     websockets_accepted;
  guint64     websockets_closed;
  guint64     mutations[3];   /* applied, conflict, rejected */
  guint64     rejects[N_REJECT_CODES];
  guint64     logins_failed;
  guint64     logins_throttled;
  guint64     sync[DK_METRICS_SYNC_N_KINDS];

  /* constant */
  gint64      start_time;   /* real time in µs */
  gint64      epoch;        /* monotonic µs the request stamps count from */
};

G_DEFINE_FINAL_TYPE (DkServerMetrics, dk_server_metrics, G_TYPE_OBJECT)

static GQuark request_stamp_quark;

static const char * const route_patterns[DK_METRICS_N_ROUTES] = {
  [DK_METRICS_ROUTE_OTHER] = "other",
  [DK_METRICS_ROUTE_PAGE] = "/",
  [DK_METRICS_ROUTE_FEED] = "/feed.atom",
  [DK_METRICS_ROUTE_METRICS] = "/metrics",
  [DK_METRICS_ROUTE_SESSION] = DK_API_PREFIX "/session",
  [DK_METRICS_ROUTE_CHANGES] = DK_API_PREFIX "/changes",
  [DK_METRICS_ROUTE_MUTATIONS] = DK_API_PREFIX "/mutations",
  [DK_METRICS_ROUTE_HEALTHZ] = DK_API_PREFIX "/healthz",
  [DK_METRICS_ROUTE_SNAPSHOT] = DK_API_PREFIX "/snapshot",
  [DK_METRICS_ROUTE_EVENTS] = DK_API_PREFIX "/events",
  [DK_METRICS_ROUTE_ROUTINE_REVISIONS] = DK_API_PREFIX "/routines/{id}/revisions",
  [DK_METRICS_ROUTE_ROUTINE_REVISION] = DK_API_PREFIX "/routines/{id}/revisions/{revision}",
};

static const char * const methods[N_METHODS] = {
  "other", "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
};

static const char * const mutation_results[3] = {
  DK_RESULT_APPLIED, DK_RESULT_CONFLICT, DK_RESULT_REJECTED,
};

static const char * const db_ops[DK_METRICS_DB_N_OPS] = {
  [DK_METRICS_DB_WRITE] = "write",
  [DK_METRICS_DB_READ] = "read",
  [DK_METRICS_DB_CHANGES] = "changes",
  [DK_METRICS_DB_SESSION] = "session",
};

static const char * const sync_kinds[DK_METRICS_SYNC_N_KINDS] = {
  [DK_METRICS_SYNC_CHANGES] = "changes",
  [DK_METRICS_SYNC_SNAPSHOT] = "snapshot",
};

/* A request: 1 ms to 10 s. */
static const Buckets request_buckets = {
  13,
  { 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000,
    5000000, 10000000 },
  { "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5",
    "5", "10" },
};

/* The database: 0.1 ms to 10 s (a cached statement takes microseconds). */
static const Buckets db_buckets = {
  16,
  { 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000,
    2500000, 5000000, 10000000 },
  { "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
    "0.25", "0.5", "1", "2.5", "5", "10" },
};

/* ---- helpers ---- */

static void
histogram_observe (Histogram     *histogram,
                   const Buckets *buckets,
                   gint64         usec)
{
  guint i;

  usec = MAX (usec, 0);
  for (i = 0; i < buckets->n && usec > buckets->bounds_usec[i]; i++)
    ;
  histogram->buckets[i]++;
  histogram->count++;
  histogram->sum_usec += usec;
}

static guint
method_index (const char *method)
{
  if (method == NULL)
    return 0;
  for (guint i = 1; i < N_METHODS; i++)
    if (g_str_equal (method, methods[i]))
      return i;
  return 0;
}

static void
append_seconds (GString *out,
                gint64   usec)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* Never the locale's decimal comma. */
  g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.6f", usec / 1e6));
}

static void
append_header (GString    *out,
               const char *name,
               const char *type,
               const char *help)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* @label: "route=\"/\"" or such, without braces. */
static void
append_histogram (GString         *out,
                  const char      *name,
                  const char      *label,
                  const Histogram *histogram,
                  const Buckets   *buckets)
{
  guint64 cumulative = 0;

  for (guint i = 0; i < buckets->n; i++)
    {
      cumulative += histogram->buckets[i];
      g_string_append_printf (out, "%s_bucket{%s,le=\"%s\"} %" G_GUINT64_FORMAT "\n", name,
                              label, buckets->labels[i], cumulative);
    }
  cumulative += histogram->buckets[buckets->n];
  g_string_append_printf (out, "%s_bucket{%s,le=\"+Inf\"} %" G_GUINT64_FORMAT "\n", name, label,
                          cumulative);
  g_string_append_printf (out, "%s_sum{%s} ", name, label);
  append_seconds (out, histogram->sum_usec);
  g_string_append_printf (out, "\n%s_count{%s} %" G_GUINT64_FORMAT "\n", name, label,
                          histogram->count);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  guint key_a = GPOINTER_TO_UINT (*(gconstpointer *) a);
  guint key_b = GPOINTER_TO_UINT (*(gconstpointer *) b);

  return key_a < key_b ? -1 : key_a > key_b;
}

static void
format_requests (DkServerMetrics *self,
                 GString         *out)
{
  guint n_keys = 0;
  g_autofree gpointer *keys = g_hash_table_get_keys_as_array (self->requests, &n_keys);

  append_header (out, "driftkoll_http_requests_total", "counter",
                 "HTTP requests answered, by route pattern, method and status.");
  qsort (keys, n_keys, sizeof (gpointer), compare_keys);
  for (guint i = 0; i < n_keys; i++)
    {
      guint key = GPOINTER_TO_UINT (keys[i]);
      const guint64 *count = g_hash_table_lookup (self->requests, keys[i]);

      g_string_append_printf (out,
                              "driftkoll_http_requests_total{route=\"%s\",method=\"%s\","
                              "status=\"%u\"} %" G_GUINT64_FORMAT "\n",
                              route_patterns[key >> 24], methods[(key >> 16) & 0xff],
                              key & 0xffff, *count);
    }

  append_header (out, "driftkoll_http_request_duration_seconds", "histogram",
                 "Time from a request's start to its answer, by route pattern.");
  for (guint route = 0; route < DK_METRICS_N_ROUTES; route++)
    {
      g_autofree char *label = g_strdup_printf ("route=\"%s\"", route_patterns[route]);

      append_histogram (out, "driftkoll_http_request_duration_seconds", label,
                        &self->durations[route], &request_buckets);
    }
}

static void
format_counter (GString    *out,
                const char *name,
                const char *help,
                guint64     value)
{
  append_header (out, name, "counter", help);
  g_string_append_printf (out, "%s %" G_GUINT64_FORMAT "\n", name, value);
}

/* What the kernel says of this process; cheap reads of /proc, skipped elsewhere. */
static void
format_process (DkServerMetrics *self,
                GString         *out)
{
  g_autofree char *statm = NULL;
  g_autoptr(GDir) fds = NULL;

  dk_server_metrics_format_gauge (out, "driftkoll_process_start_time_seconds",
                                  "When the server started, in seconds since the epoch.",
                                  (double) (self->start_time / G_USEC_PER_SEC));

  if (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    {
      guint64 pages = g_ascii_strtoull (strchr (statm, ' ') != NULL ? strchr (statm, ' ') : "0",
                                        NULL, 10);

      dk_server_metrics_format_gauge (out, "driftkoll_process_resident_memory_bytes",
                                      "Resident memory of the server process.",
                                      (double) pages * (double) sysconf (_SC_PAGESIZE));
    }

  fds = g_dir_open ("/proc/self/fd", 0, NULL);
  if (fds != NULL)
    {
      guint n = 0;

      while (g_dir_read_name (fds) != NULL)
        n++;
      dk_server_metrics_format_gauge (out, "driftkoll_process_open_fds",
                                      "Open file descriptors of the server process.",
                                      (double) MAX (n, 1) - 1);   /* less the listing's own */
    }
}

/* ---- object ---- */

static void
dk_server_metrics_finalize (GObject *object)
{
  DkServerMetrics *self = DK_SERVER_METRICS (object);

  g_clear_pointer (&self->requests, g_hash_table_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (dk_server_metrics_parent_class)->finalize (object);
}

static void
dk_server_metrics_class_init (DkServerMetricsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dk_server_metrics_finalize;

  request_stamp_quark = g_quark_from_static_string ("dk-metrics-request-read");
}

static void
dk_server_metrics_init (DkServerMetrics *self)
{
  g_mutex_init (&self->lock);
  self->requests = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->start_time = g_get_real_time ();
  self->epoch = g_get_monotonic_time ();
}

/* ---- public ---- */

DkServerMetrics *
dk_server_metrics_new (void)
{
  return g_object_new (DK_TYPE_SERVER_METRICS, NULL);
}

/**
 * dk_server_metrics_route_for_path:
 * @path: a request's path
 *
 * Returns: the route pattern @path is served by; %DK_METRICS_ROUTE_OTHER for any path
 *   no route answers (a 404), so that a scan of made-up paths adds no series
 */
DkMetricsRoute
dk_server_metrics_route_for_path (const char *path)
{
  static const struct { const char *path; DkMetricsRoute route; } exact[] = {
    { "/", DK_METRICS_ROUTE_PAGE },
    { "/feed.atom", DK_METRICS_ROUTE_FEED },
    { "/metrics", DK_METRICS_ROUTE_METRICS },
    { DK_API_PREFIX "/session", DK_METRICS_ROUTE_SESSION },
    { DK_API_PREFIX "/changes", DK_METRICS_ROUTE_CHANGES },
    { DK_API_PREFIX "/mutations", DK_METRICS_ROUTE_MUTATIONS },
    { DK_API_PREFIX "/healthz", DK_METRICS_ROUTE_HEALTHZ },
    { DK_API_PREFIX "/snapshot", DK_METRICS_ROUTE_SNAPSHOT },
    { DK_API_PREFIX "/events", DK_METRICS_ROUTE_EVENTS },
  };
  const char *rest;
  const char *slash;

  if (path == NULL)
    return DK_METRICS_ROUTE_OTHER;

  for (guint i = 0; i < G_N_ELEMENTS (exact); i++)
    if (g_str_equal (path, exact[i].path))
      return exact[i].route;

  /* /api/v1/routines/<id>/revisions[/<revision>], as dk-server-routines.c reads it */
  if (!g_str_has_prefix (path, DK_API_PREFIX "/routines/"))
    return DK_METRICS_ROUTE_OTHER;
  rest = path + strlen (DK_API_PREFIX "/routines/");
  slash = strchr (rest, '/');
  if (slash == NULL || slash == rest || !g_str_has_prefix (slash, "/revisions"))
    return DK_METRICS_ROUTE_OTHER;
  rest = slash + strlen ("/revisions");
  if (*rest == '\0')
    return DK_METRICS_ROUTE_ROUTINE_REVISIONS;
  if (rest[0] == '/' && rest[1] != '\0' && strchr (rest + 1, '/') == NULL)
    return DK_METRICS_ROUTE_ROUTINE_REVISION;

  return DK_METRICS_ROUTE_OTHER;
}

void
dk_server_metrics_observe_request (DkServerMetrics *self,
                                   DkMetricsRoute   route,
                                   const char      *method,
                                   guint            status,
                                   gint64           duration_usec)
{
  gpointer key;
  guint64 *count;

  g_return_if_fail (DK_IS_SERVER_METRICS (self));
  g_return_if_fail ((guint) route < DK_METRICS_N_ROUTES);

  if (status > 999)
    status = 0;
  key = GUINT_TO_POINTER ((guint) route << 24 | method_index (method) << 16 | status);

  g_mutex_lock (&self->lock);
  count = g_hash_table_lookup (self->requests, key);
  if (count == NULL)
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (self->requests, key, count);
    }
  (*count)++;
  histogram_observe (&self->durations[route], &request_buckets, duration_usec);
  g_mutex_unlock (&self->lock);
}

/* The stamp is the time since the registry's epoch, plus one, in the message's qdata: no
 * allocation per request. Where a pointer is 32 bits it wraps every 71 minutes, and the
 * difference of two stamps (unsigned) is still right for any request shorter than that. */

/**
 * dk_server_metrics_request_read:
 * @msg: a request whose headers and body were read
 *
 * Stamps @msg: its duration counts from here (idle time on a kept-alive connection
 * before it, and the client's upload, are not the server's).
 */
void
dk_server_metrics_request_read (DkServerMetrics   *self,
                                SoupServerMessage *msg)
{
  gsize stamp;

  g_return_if_fail (DK_IS_SERVER_METRICS (self));

  stamp = (gsize) (g_get_monotonic_time () - self->epoch) + 1;
  g_object_set_qdata (G_OBJECT (msg), request_stamp_quark, GSIZE_TO_POINTER (stamp));
}

/**
 * dk_server_metrics_request_done:
 * @msg: an answered request
 * @status: the status it was answered with, 0 for the message's own
 *
 * Counts @msg under its route's pattern; a request refused before it was read has a
 * duration of 0.
 */
void
dk_server_metrics_request_done (DkServerMetrics   *self,
                                SoupServerMessage *msg,
                                guint              status)
{
  gsize stamp;
  gint64 duration = 0;
  GUri *uri;

  g_return_if_fail (DK_IS_SERVER_METRICS (self));

  stamp = GPOINTER_TO_SIZE (g_object_get_qdata (G_OBJECT (msg), request_stamp_quark));
  if (stamp != 0)
    duration = (gint64) ((gsize) (g_get_monotonic_time () - self->epoch) + 1 - stamp);
  uri = soup_server_message_get_uri (msg);

  dk_server_metrics_observe_request (self,
                                     dk_server_metrics_route_for_path (uri != NULL
                                                                       ? g_uri_get_path (uri)
                                                                       : NULL),
                                     soup_server_message_get_method (msg),
                                     status != 0 ? status : soup_server_message_get_status (msg),
                                     duration);
}

void
dk_server_metrics_websocket_opened (DkServerMetrics *self)
{
  g_return_if_fail (DK_IS_SERVER_METRICS (self));

  g_mutex_lock (&self->lock);
  self->websockets_accepted++;
  g_mutex_unlock (&self->lock);
}

void
dk_server_metrics_websocket_closed (DkServerMetrics *self)
{
  g_return_if_fail (DK_IS_SERVER_METRICS (self));

  g_mutex_lock (&self->lock);
  self->websockets_closed++;
  g_mutex_unlock (&self->lock);
}

void
dk_server_metrics_count_mutation (DkServerMetrics *self,
                                  const char      *result,
                                  const char      *code)
{
  guint i;
  guint c = N_REJECT_CODES - 1;

  g_return_if_fail (DK_IS_SERVER_METRICS (self));

  for (i = 0; i < G_N_ELEMENTS (mutation_results); i++)
    if (g_strcmp0 (result, mutation_results[i]) == 0)
      break;
  if (i == G_N_ELEMENTS (mutation_results))
    return;

  if (i == 2)
    for (guint j = 0; j + 1 < N_REJECT_CODES; j++)
      if (g_strcmp0 (code, dk_error_code_to_string (j)) == 0)
        {
          c = j;
          break;
        }

  g_mutex_lock (&self->lock);
  self->mutations[i]++;
  if (i == 2)
    self->rejects[c]++;
  g_mutex_unlock (&self->lock);
}

void
dk_server_metrics_count_login_failed (DkServerMetrics *self,
                                      gboolean         throttled)
{
  g_return_if_fail (DK_IS_SERVER_METRICS (self));

  g_mutex_lock (&self->lock);
  if (throttled)
    self->logins_throttled++;
  else
    self->logins_failed++;
  g_mutex_unlock (&self->lock);
}

void
dk_server_metrics_count_sync (DkServerMetrics *self,
                              DkMetricsSync    kind)
{
  g_return_if_fail (DK_IS_SERVER_METRICS (self));
  g_return_if_fail ((guint) kind < DK_METRICS_SYNC_N_KINDS);

  g_mutex_lock (&self->lock);
  self->sync[kind]++;
  g_mutex_unlock (&self->lock);
}

void
dk_server_metrics_observe_db (DkServerMetrics *self,
                              DkMetricsDbOp    op,
                              gint64           duration_usec)
{
  g_return_if_fail (DK_IS_SERVER_METRICS (self));
  g_return_if_fail ((guint) op < DK_METRICS_DB_N_OPS);

  g_mutex_lock (&self->lock);
  histogram_observe (&self->db[op], &db_buckets, duration_usec);
  g_mutex_unlock (&self->lock);
}

void
dk_server_metrics_format_gauge (GString    *out,
                                const char *name,
                                const char *help,
                                double      value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  append_header (out, name, "gauge", help);
  g_string_append_printf (out, "%s %s\n", name,
                          g_ascii_formatd (buffer, sizeof buffer, "%.17g", value));
}

/**
 * dk_server_metrics_format:
 * @out: where the text goes
 *
 * Appends every metric, each with its HELP and TYPE, in the text exposition format
 * 0.0.4. Reads nothing but memory and two small files of /proc.
 */
void
dk_server_metrics_format (DkServerMetrics *self,
                          GString         *out)
{
  gint64 db_total = 0;

  g_return_if_fail (DK_IS_SERVER_METRICS (self));
  g_return_if_fail (out != NULL);

  append_header (out, "driftkoll_build_info", "gauge",
                 "Always 1; the labels say which server this is.");
  g_string_append_printf (out, "driftkoll_build_info{version=\"%s\",protocol=\"%d\"} 1\n",
                          PACKAGE_VERSION, DK_PROTOCOL_VERSION);
  format_process (self, out);

  g_mutex_lock (&self->lock);

  format_requests (self, out);

  dk_server_metrics_format_gauge (out, "driftkoll_websockets_open",
                                  "Event WebSockets open now.",
                                  (double) (self->websockets_accepted - self->websockets_closed));
  format_counter (out, "driftkoll_websockets_accepted_total", "Event WebSockets accepted.",
                  self->websockets_accepted);
  format_counter (out, "driftkoll_websockets_closed_total", "Event WebSockets closed.",
                  self->websockets_closed);

  append_header (out, "driftkoll_mutations_total", "counter",
                 "Mutations answered, by result (replays of a stored answer included).");
  for (guint i = 0; i < G_N_ELEMENTS (mutation_results); i++)
    g_string_append_printf (out, "driftkoll_mutations_total{result=\"%s\"} %" G_GUINT64_FORMAT
                            "\n", mutation_results[i], self->mutations[i]);
  append_header (out, "driftkoll_mutations_rejected_total", "counter",
                 "Mutations rejected, by error code.");
  for (guint i = 0; i < N_REJECT_CODES; i++)
    g_string_append_printf (out,
                            "driftkoll_mutations_rejected_total{code=\"%s\"} %" G_GUINT64_FORMAT
                            "\n",
                            i + 1 < N_REJECT_CODES ? dk_error_code_to_string (i) : "other",
                            self->rejects[i]);

  format_counter (out, "driftkoll_logins_failed_total",
                  "Logins refused for a wrong name or password, or a disabled account.",
                  self->logins_failed);
  format_counter (out, "driftkoll_logins_throttled_total",
                  "Logins refused unchecked after too many failures.",
                  self->logins_throttled);

  append_header (out, "driftkoll_sync_pages_total", "counter",
                 "Pages of changes and snapshots served.");
  for (guint i = 0; i < DK_METRICS_SYNC_N_KINDS; i++)
    g_string_append_printf (out, "driftkoll_sync_pages_total{kind=\"%s\"} %" G_GUINT64_FORMAT
                            "\n", sync_kinds[i], self->sync[i]);

  for (guint i = 0; i < DK_METRICS_DB_N_OPS; i++)
    db_total += self->db[i].sum_usec;
  append_header (out, "driftkoll_db_seconds_total", "counter",
                 "Time spent in the database by the request handlers.");
  g_string_append (out, "driftkoll_db_seconds_total ");
  append_seconds (out, db_total);
  g_string_append_c (out, '\n');
  append_header (out, "driftkoll_db_duration_seconds", "histogram",
                 "Database time per transaction or operation, by kind.");
  for (guint i = 0; i < DK_METRICS_DB_N_OPS; i++)
    {
      g_autofree char *label = g_strdup_printf ("op=\"%s\"", db_ops[i]);

      append_histogram (out, "driftkoll_db_duration_seconds", label, &self->db[i], &db_buckets);
    }

  g_mutex_unlock (&self->lock);
}

/* A v4 address in v6 form (::ffff:a.b.c.d, a dual-stack socket's peer) as the v4 one,
 * so that 127.0.0.1 in the list matches it. */
static GInetAddress *
dup_unmapped (GInetAddress *address)
{
  const guint8 *bytes;
  static const guint8 prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    {
      bytes = g_inet_address_to_bytes (address);
      if (memcmp (bytes, prefix, sizeof prefix) == 0)
        return g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
    }

  return g_object_ref (address);
}

/**
 * dk_server_metrics_parse_allow:
 * @text: "ADDR[/BITS][,…]", such as "127.0.0.1,::1" or "10.0.0.0/8"; "" is none
 *
 * Returns: (transfer full) (element-type GInetAddressMask): the list, or %NULL with
 *   @error set for an entry that is not an address or ADDR/BITS
 */
GPtrArray *
dk_server_metrics_parse_allow (const char  *text,
                               GError     **error)
{
  g_autoptr(GPtrArray) allow = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) entries = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  entries = g_strsplit (text, ",", -1);
  for (guint i = 0; entries[i] != NULL; i++)
    {
      const char *entry = g_strstrip (entries[i]);
      GInetAddressMask *mask;

      if (*entry == '\0')
        continue;
      mask = g_inet_address_mask_new_from_string (entry, NULL);
      if (mask == NULL)
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                       _("--metrics-allow: “%s” is not an address or ADDRESS/BITS"), entry);
          return NULL;
        }
      g_ptr_array_add (allow, mask);
    }

  return g_steal_pointer (&allow);
}

/**
 * dk_server_metrics_allows:
 * @allow: (element-type GInetAddressMask): the list
 * @peer: (nullable): the socket's peer
 *
 * Returns: whether @peer is in @allow
 */
gboolean
dk_server_metrics_allows (GPtrArray      *allow,
                          GSocketAddress *peer)
{
  g_autoptr(GInetAddress) address = NULL;

  if (allow == NULL || peer == NULL || !G_IS_INET_SOCKET_ADDRESS (peer))
    return FALSE;

  address = dup_unmapped (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (peer)));
  for (guint i = 0; i < allow->len; i++)
    if (g_inet_address_mask_matches (allow->pdata[i], address))
      return TRUE;

  return FALSE;
}

/**
 * _dk_server_db_set_metrics:
 * @metrics: (nullable): where the storage's transactions are timed
 */
void
_dk_server_db_set_metrics (DkServerDb      *db,
                           DkServerMetrics *metrics)
{
  g_return_if_fail (DK_IS_SERVER_DB (db));

  g_set_object (&db->metrics, metrics);
}
