/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-compress.c: gzip for the server's JSON replies, when the caller accepts it
 *
 * A page of 5,000 changes is about 10 MB of JSON, and a link that cuts every connection
 * before a few MB never delivers one whole (issue 13). JSON of cases compresses several
 * times over, so the same page crosses such a link. The client's SoupSession asks for it
 * (SoupContentDecoder is on by default in libsoup 3 and sends "Accept-Encoding: gzip,
 * deflate") and decodes it; a caller that does not ask gets the plain body.
 */

#define G_LOG_DOMAIN "dk-server"

#include "config.h"

#include "dk-server-compress.h"

/* zlib's level 1: on the generated cases' JSON it keeps 28.5 % of the bytes against
 * level 6's 24 %, at 40 % of the CPU (bench/link-gzip.sh has the figures). */
#define GZIP_LEVEL 1
/* From this size the body is compressed in a worker thread, the message paused: a page
 * of 5,000 changes takes 100 ms or more, which the main loop owes every other caller. */
#define THREAD_MIN_BYTES (256 * 1024)

/* A body compressed in a worker thread for a paused message. */
typedef struct {
  SoupServerMessage *msg;
  char              *content_type;
  GBytes            *body;
  gulong             disconnected_id;
  gboolean           disconnected;   /* the caller left: nobody to answer, no unpause */
} Job;

static void
job_free (Job *job)
{
  g_clear_signal_handler (&job->disconnected_id, job->msg);
  g_clear_object (&job->msg);
  g_free (job->content_type);
  g_clear_pointer (&job->body, g_bytes_unref);
  g_free (job);
}

static gboolean
list_has (GSList     *list,
          const char *name)
{
  for (GSList *l = list; l != NULL; l = l->next)
    if (g_ascii_strcasecmp (l->data, name) == 0)
      return TRUE;

  return FALSE;
}

/**
 * dk_server_compress_accepts_gzip:
 * @request_headers: the request's headers
 *
 * "gzip" (or "x-gzip", or "*" while gzip is not refused) is acceptable; a quality
 * of 0 refuses it (RFC 9110 §12.5.3).
 *
 * Returns: %TRUE when the request's Accept-Encoding accepts gzip
 */
gboolean
dk_server_compress_accepts_gzip (SoupMessageHeaders *request_headers)
{
  const char *header;
  GSList *acceptable;
  GSList *unacceptable = NULL;
  gboolean accepts;

  g_return_val_if_fail (request_headers != NULL, FALSE);

  header = soup_message_headers_get_list (request_headers, "Accept-Encoding");
  if (header == NULL)
    return FALSE;

  acceptable = soup_header_parse_quality_list (header, &unacceptable);
  accepts = list_has (acceptable, "gzip") || list_has (acceptable, "x-gzip") ||
            (list_has (acceptable, "*") && !list_has (unacceptable, "gzip"));
  soup_header_free_list (acceptable);
  soup_header_free_list (unacceptable);

  return accepts;
}

/**
 * dk_server_compress_gzip:
 * @body: what to compress
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): @body in the gzip format, or %NULL with @error
 */
GBytes *
dk_server_compress_gzip (GBytes  *body,
                         GError **error)
{
  g_autoptr(GZlibCompressor) compressor = NULL;
  g_autoptr(GOutputStream) memory = NULL;
  g_autoptr(GOutputStream) gzip = NULL;
  gsize length = 0;
  const char *data;

  g_return_val_if_fail (body != NULL, NULL);

  data = g_bytes_get_data (body, &length);
  compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, GZIP_LEVEL);
  memory = g_memory_output_stream_new_resizable ();
  gzip = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  /* Closing the converter flushes the gzip trailer and closes the memory stream. */
  if (!g_output_stream_write_all (gzip, data, length, NULL, NULL, error) ||
      !g_output_stream_close (gzip, NULL, error))
    return NULL;

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static void
set_body (SoupServerMessage *msg,
          const char        *content_type,
          GBytes            *body)
{
  SoupMessageBody *response = soup_server_message_get_response_body (msg);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Content-Type", content_type);
  soup_message_body_truncate (response);
  soup_message_body_append_bytes (response, body);
}

static void
set_gzip_body (SoupServerMessage *msg,
               const char        *content_type,
               GBytes            *body,
               GBytes            *compressed,   /* (nullable): plain when NULL */
               const GError      *error)
{
  if (compressed == NULL)
    {
      /* Into memory: it cannot fail short of memory, but say so if it ever does. */
      g_warning ("Could not compress a reply, sent as it is: %s", error->message);
      set_body (msg, content_type, body);
      return;
    }

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Content-Encoding", "gzip");
  set_body (msg, content_type, compressed);
}

static void
compress_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  GBytes *compressed = dk_server_compress_gzip (job->body, &error);

  if (compressed == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, compressed, (GDestroyNotify) g_bytes_unref);
}

static void
dk_server_compress_disconnected_cb (SoupServerMessage *msg,
                                    gpointer           user_data)
{
  Job *job = user_data;

  job->disconnected = TRUE;
}

static void
dk_server_compress_done_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) compressed = g_task_propagate_pointer (G_TASK (result), &error);

  /* libsoup refuses an unpause once the connection is gone (a critical). */
  if (job->disconnected)
    {
      g_debug ("A caller left before its reply was compressed");
      return;
    }

  set_gzip_body (job->msg, job->content_type, job->body, compressed, error);
  soup_server_message_unpause (job->msg);
}

/* Pauses @msg and compresses @body in a worker thread; the answer goes when it is done. */
static void
compress_in_thread (SoupServerMessage *msg,
                    const char        *content_type,
                    GBytes            *body)
{
  g_autoptr(GTask) task = NULL;
  Job *job = g_new0 (Job, 1);

  job->msg = g_object_ref (msg);
  job->content_type = g_strdup (content_type);
  job->body = g_bytes_ref (body);
  job->disconnected_id = g_signal_connect (msg, "disconnected",
                                           G_CALLBACK (dk_server_compress_disconnected_cb),
                                           job);

  soup_server_message_pause (msg);
  task = g_task_new (NULL, NULL, dk_server_compress_done_cb, NULL);
  g_task_set_source_tag (task, compress_in_thread);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, compress_thread);
}

/**
 * dk_server_compress_set_response:
 * @msg: the message to answer
 * @content_type: the body's type
 * @body: the body, uncompressed
 *
 * Sets @msg's response body to @body, gzip-compressed (with `Content-Encoding: gzip`)
 * when the request accepts gzip and @body is at least %DK_SERVER_COMPRESS_MIN_BYTES.
 * Always says `Vary: Accept-Encoding`, for a cache between the server and its clients.
 *
 * A large body is compressed in a worker thread while @msg is paused: the caller must
 * not pause or unpause @msg itself after this (the server's routes do not).
 */
void
dk_server_compress_set_response (SoupServerMessage *msg,
                                 const char        *content_type,
                                 GBytes            *body)
{
  SoupMessageHeaders *headers;
  g_autoptr(GBytes) compressed = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (content_type != NULL);
  g_return_if_fail (body != NULL);

  headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_append (headers, "Vary", "Accept-Encoding");

  if (g_bytes_get_size (body) < DK_SERVER_COMPRESS_MIN_BYTES ||
      !dk_server_compress_accepts_gzip (soup_server_message_get_request_headers (msg)))
    {
      set_body (msg, content_type, body);
      return;
    }

  if (g_bytes_get_size (body) >= THREAD_MIN_BYTES)
    {
      compress_in_thread (msg, content_type, body);
      return;
    }

  compressed = dk_server_compress_gzip (body, &error);
  set_gzip_body (msg, content_type, body, compressed, error);
}
