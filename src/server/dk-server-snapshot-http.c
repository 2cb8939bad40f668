/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-snapshot-http.c: GET /api/v1/snapshot, a ready-made replica for a first sync
 *
 * The class of the snapshot comes from the caller alone (no token: anonymous; a token:
 * staff; a bad token: 401), never from a parameter, so a snapshot of one class never
 * goes to another. The body is the built file as it is mapped (dk-server-snapshot.c):
 * no copy, no gzip (the representation is already zstd), and a response in flight keeps
 * its generation mapped while a newer one replaces it.
 *
 * Ranges are answered here, not by libsoup. libsoup 3.2.3 answers a Range by itself
 * (handle_partial_get, soup-server-message-io-http1.c, when a GET's reply is a 200 with
 * a Content-Length), but it copies the whole body into one new buffer first
 * (soup_message_body_flatten), it does not clamp the end of a range to the body (a
 * "bytes=0-999999999" asks g_bytes_new_from_bytes for bytes past the end: a critical and
 * a broken reply), and it ignores If-Range. So this route parses the ranges, answers
 * 206 or 416 itself with slices of the mapped file, and removes Range from the request
 * whenever it answers a whole 200, so that libsoup never acts on it.
 */

#define G_LOG_DOMAIN "dk-server"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-server-private.h"

/* More ranges than this in one request, or more bytes than MULTI_MAX_BYTES in several,
 * are ignored and the whole file goes out (RFC 9110 §14.2 lets a server ignore Range).
 * A resumed download asks for one range, answered as a slice of the mapped file; several
 * are copied into one multipart body, so a caller must not make that body large. */
#define MAX_RANGES       16
#define MULTI_MAX_BYTES  (1024 * 1024)
/* A Range of more parts than this is not even parsed. */
#define MAX_PARSED_RANGES 256

/* What a request resolved to: the file to answer with, and how. */
typedef struct {
  DkServerSnapshotFile *file;
  gboolean              honour_range;  /* Range applies to this file (If-Range agrees) */
} Choice;

/* ---- the request ---- */

/* zstd unless the caller names the plain SQLite file and does not name zstd. */
static const char *
pick_content_type (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *accept = soup_message_headers_get_list (headers, "Accept");
  GSList *acceptable;
  gboolean sqlite = FALSE;
  gboolean zstd = FALSE;

  if (accept == NULL)
    return DK_SNAPSHOT_TYPE_ZSTD;

  acceptable = soup_header_parse_quality_list (accept, NULL);
  for (GSList *l = acceptable; l != NULL; l = l->next)
    {
      if (g_ascii_strcasecmp (l->data, DK_SNAPSHOT_TYPE_SQLITE) == 0)
        sqlite = TRUE;
      else if (g_ascii_strcasecmp (l->data, DK_SNAPSHOT_TYPE_ZSTD) == 0)
        zstd = TRUE;
    }
  soup_header_free_list (acceptable);

  return sqlite && !zstd ? DK_SNAPSHOT_TYPE_SQLITE : DK_SNAPSHOT_TYPE_ZSTD;
}

/* The replica schema the caller can open: a whole number, required. */
static gboolean
parse_schema (GHashTable  *query,
              gint64      *out_schema,
              GError     **error)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, "schema") : NULL;
  guint64 value;

  if (text == NULL ||
      !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT, &value, NULL))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("schema: must be a whole number from %d to %d"), 1, G_MAXINT);
      return FALSE;
    }

  *out_schema = (gint64) value;
  return TRUE;
}

/* The entity tag of an If-Range, or NULL: a date, a weak tag or nothing never matches
 * (If-Range compares strongly, RFC 9110 §13.1.5). Only with a Range does it count. */
static const char *
if_range_etag (SoupMessageHeaders *headers)
{
  const char *value = soup_message_headers_get_one (headers, "If-Range");

  if (value == NULL || soup_message_headers_get_one (headers, "Range") == NULL)
    return NULL;
  if (value[0] != '"')
    return NULL;

  return value;
}

/* The newest snapshot of the caller's class, or the one kept before it when If-Range
 * names that one (a download resumed across a rebuild). */
static gboolean
choose_file (DkServer              *self,
             SoupServerMessage     *msg,
             DkServerSnapshotClass  klass,
             gint64                 schema,
             Choice                *choice)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *etag = if_range_etag (headers);
  gboolean has_range = soup_message_headers_get_one (headers, "Range") != NULL;

  choice->file = NULL;
  choice->honour_range = FALSE;

  if (self->snapshots == NULL)
    return FALSE;

  choice->file = dk_server_snapshots_get (self->snapshots, klass, pick_content_type (msg), etag);
  /* A client of an older schema cannot open it; it pages from 0. The class is checked
   * again here, the one promise this route must never break. */
  if (choice->file == NULL || schema < choice->file->schema || choice->file->klass != klass)
    {
      g_clear_pointer (&choice->file, dk_server_snapshot_file_unref);
      return FALSE;
    }

  /* A Range without If-Range is for whatever is newest; with one, only for the file it
   * names: anything else gets the whole newest file. */
  choice->honour_range = has_range &&
                         (soup_message_headers_get_one (headers, "If-Range") == NULL ||
                          g_strcmp0 (etag, choice->file->etag) == 0);
  return TRUE;
}

/* ---- the reply ---- */

static void
replace_int (SoupMessageHeaders *headers,
             const char         *name,
             guint64             value)
{
  char text[24];   /* G_MAXUINT64 has 20 digits */

  g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT, value);
  soup_message_headers_replace (headers, name, text);
}

static void
add_headers (SoupServerMessage          *msg,
             const DkServerSnapshotFile *file)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GDateTime) built = g_date_time_new_from_unix_utc (file->built_at);
  g_autofree char *checksum = g_strdup_printf ("crc32=%08x", file->crc32);

  soup_message_headers_replace (headers, "ETag", file->etag);
  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");
  if (built != NULL)
    {
      g_autofree char *last_modified = soup_date_time_to_string (built, SOUP_DATE_HTTP);

      soup_message_headers_replace (headers, "Last-Modified", last_modified);
    }
  /* Private: the staff file must not sit in a shared cache. no-cache: a cache that keeps
   * it asks again, as a newer one may be there. */
  soup_message_headers_replace (headers, "Cache-Control", "private, no-cache");
  soup_message_headers_replace (headers, "Vary", "Authorization, Accept");

  replace_int (headers, DK_HEADER_SNAPSHOT_SEQ, (guint64) file->seq);
  replace_int (headers, DK_HEADER_SNAPSHOT_SCHEMA, (guint64) file->schema);
  soup_message_headers_replace (headers, DK_HEADER_SNAPSHOT_CLASS,
                                dk_server_snapshot_class_to_string (file->klass));
  replace_int (headers, DK_HEADER_SNAPSHOT_SIZE, file->size);
  soup_message_headers_replace (headers, DK_HEADER_SNAPSHOT_CHECKSUM, checksum);
}

static void
set_body (SoupServerMessage *msg,
          const char        *content_type,
          GBytes            *bytes)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Content-Type", content_type);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

static int
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const SoupRange *ra = a;
  const SoupRange *rb = b;

  return ra->start < rb->start ? -1 : ra->start > rb->start;
}

static guint
count_char (const char *text,
            char        c)
{
  guint n = 0;

  for (; *text != '\0'; text++)
    n += *text == c;

  return n;
}

/* The satisfiable ranges of the request's Range over @total bytes, clamped, sorted and
 * merged. FALSE when Range is absent or not a valid bytes range (a whole 200). */
static gboolean
parse_ranges (SoupMessageHeaders *headers,
              goffset             total,
              GArray             *out)
{
  const char *value = soup_message_headers_get_one (headers, "Range");
  SoupRange *ranges = NULL;
  guint kept = 0;
  int n = 0;

  /* Thousands of ranges fit in the headers, and libsoup merges them in quadratic time:
   * so many are ignored before they are parsed. */
  if (value == NULL || count_char (value, ',') >= MAX_PARSED_RANGES)
    return FALSE;
  if (!soup_message_headers_get_ranges (headers, total, &ranges, &n))
    return FALSE;

  for (int i = 0; i < n; i++)
    {
      SoupRange range = ranges[i];

      /* "bytes=-N" with N past the start is the whole file; an end past the end is the
       * end (RFC 9110 §14.1.2); a start at or past the end cannot be satisfied. */
      range.start = MAX (range.start, 0);
      range.end = MIN (range.end, total - 1);
      if (range.start < total && range.start <= range.end)
        g_array_append_val (out, range);
    }
  soup_message_headers_free_ranges (headers, ranges);

  /* Overlapping and adjacent ranges become one, in place. */
  g_array_sort (out, compare_ranges);
  for (guint i = 0; i < out->len; i++)
    {
      SoupRange *cur = &g_array_index (out, SoupRange, i);
      SoupRange *last = kept > 0 ? &g_array_index (out, SoupRange, kept - 1) : NULL;

      if (last != NULL && cur->start <= last->end + 1)
        last->end = MAX (last->end, cur->end);
      else
        g_array_index (out, SoupRange, kept++) = *cur;
    }
  g_array_set_size (out, kept);

  return TRUE;
}

static GBytes *
slice (GBytes          *bytes,
       const SoupRange *range)
{
  return g_bytes_new_from_bytes (bytes, range->start, range->end - range->start + 1);
}

static void
reply_multipart (SoupServerMessage          *msg,
                 const DkServerSnapshotFile *file,
                 GArray                     *ranges)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  goffset total = g_bytes_get_size (file->bytes);
  SoupMultipart *multipart = soup_multipart_new ("multipart/byteranges");
  g_autoptr(GBytes) body = NULL;

  for (guint i = 0; i < ranges->len; i++)
    {
      const SoupRange *range = &g_array_index (ranges, SoupRange, i);
      SoupMessageHeaders *part = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
      g_autoptr(GBytes) bytes = slice (file->bytes, range);

      soup_message_headers_append (part, "Content-Type", file->content_type);
      soup_message_headers_set_content_range (part, range->start, range->end, total);
      soup_multipart_append_part (multipart, part, bytes);
      soup_message_headers_unref (part);
    }

  /* Sets Content-Type to multipart/byteranges with its boundary. */
  soup_multipart_to_message (multipart, headers, &body);
  soup_multipart_free (multipart);
  soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), body);
}

static guint64
ranges_bytes (GArray *ranges)
{
  guint64 sum = 0;

  for (guint i = 0; i < ranges->len; i++)
    {
      const SoupRange *range = &g_array_index (ranges, SoupRange, i);

      sum += (guint64) (range->end - range->start + 1);
    }

  return sum;
}

/* 206 with the ranges asked for, 416 when none can be satisfied, or FALSE: answer the
 * whole file. */
static gboolean
reply_ranges (SoupServerMessage          *msg,
              const DkServerSnapshotFile *file)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  goffset total = g_bytes_get_size (file->bytes);
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (SoupRange));
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *unsatisfied = NULL;

  if (total == 0 || !parse_ranges (request, total, ranges))
    return FALSE;

  if (ranges->len == 0)
    {
      unsatisfied = g_strdup_printf ("bytes */%" G_GINT64_FORMAT, (gint64) total);
      soup_message_headers_replace (headers, "Content-Range", unsatisfied);
      soup_server_message_set_status (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
      return TRUE;
    }

  if (ranges->len == 1)
    {
      const SoupRange *range = &g_array_index (ranges, SoupRange, 0);

      bytes = slice (file->bytes, range);
      soup_message_headers_set_content_range (headers, range->start, range->end, total);
      soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
      set_body (msg, file->content_type, bytes);
      return TRUE;
    }

  if (ranges->len > MAX_RANGES || ranges_bytes (ranges) > MULTI_MAX_BYTES)
    return FALSE;

  reply_multipart (msg, file, ranges);
  return TRUE;
}

static void
reply_no_snapshot (SoupServerMessage *msg)
{
  _dk_server_reply_error_code (msg, DK_ERROR_NO_SNAPSHOT,
                               _("There is no snapshot for this client; page the changes from 0"));
}

void
_dk_server_snapshot_cb (SoupServer        *soup,
                        SoupServerMessage *msg,
                        const char        *path,
                        GHashTable        *query,
                        gpointer           user_data)
{
  DkServer *self = DK_SERVER (user_data);
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  g_auto(Caller) caller = { NULL, 0 };
  g_autoptr(GError) error = NULL;
  DkServerSnapshotClass klass;
  Choice choice;
  gint64 schema = 0;

  if (!g_str_equal (path, DK_API_PREFIX "/snapshot"))
    {
      _dk_server_reply_not_found (msg);
      return;
    }
  if (!_dk_server_check_method (msg, "GET, HEAD"))
    return;

  if (!_dk_server_resolve_caller (self, msg, &caller, &error) ||
      !parse_schema (query, &schema, &error))
    {
      _dk_server_reply_error (msg, error);
      return;
    }

  /* A logged-in caller always has DK_ROLE_STAFF (_dk_server_resolve_caller). */
  klass = caller.username != NULL ? DK_SERVER_SNAPSHOT_STAFF : DK_SERVER_SNAPSHOT_ANONYMOUS;
  if (!choose_file (self, msg, klass, schema, &choice))
    {
      reply_no_snapshot (msg);
      return;
    }

  add_headers (msg, choice.file);
  /* Range is for GET alone (RFC 9110 §14.2). */
  if (!_dk_server_method_is (msg, "GET") || !choice.honour_range ||
      !reply_ranges (msg, choice.file))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      set_body (msg, choice.file->content_type, choice.file->bytes);
    }

  /* This route has answered any Range already: libsoup's own handling must not. */
  soup_message_headers_remove (request, "Range");
  if (self->metrics != NULL)
    dk_server_metrics_count_sync (self->metrics, DK_METRICS_SYNC_SNAPSHOT);
  dk_server_snapshot_file_unref (choice.file);
}
