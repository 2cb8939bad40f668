/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-guard.c: refuses a request from its headers alone, on every path, and ends
 * the connection before the body is read; keeps the body it lets through in one buffer
 * no larger than the limit */

#define G_LOG_DOMAIN "dk-server-guard"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dk-core.h"
#include "dk-server-connection.h"
#include "dk-server-guard.h"
#include "dk-server-private.h"

/* Where a request's body is kept (a GByteArray on the message). */
#define BODY_KEY "dk-server-guard-body"

/* After a refusal the client may still be sending the body it announced. Closing a
 * socket with unread data makes the kernel answer with a reset, which can reach the
 * client before it has read our reply. So the reply is written, our side shut for
 * writing (the client reads the end of the stream), and what still arrives is read and
 * thrown away in small bites (RFC 9112 §9.6, "lingering close"), then the connection is
 * closed. A client such as libsoup writes the whole body before it reads a reply: it
 * gets the reply only if the whole body it announced is read. A 2 MiB body with 256 KiB
 * read made "Broken pipe" instead of 413 in 1 run of 6 on a busy machine. So a body
 * announced at up to a few times the largest the server reads is read whole; one
 * announced larger is no mistake of a client of ours, and gets the least below. Never
 * for longer than LINGER_SECONDS. */
#define LINGER_SECONDS          2
#define LINGER_MIN_BYTES        (256 * 1024)
#define LINGER_ANNOUNCED_BYTES  (4 * DK_MAX_BODY_BYTES)
#define DRAIN_BYTES             (16 * 1024)

/* The buffer of a body grows from at most this, not from the length it announced: a
 * caller that announces much and sends little makes us hold little. */
#define BODY_START_BYTES (64 * 1024)

/* The largest body on a path no route reads a large body from. The login is the one
 * body an anonymous caller can make the server parse, and a JSON tree costs about ten
 * times its text (4 parallel 1 MiB arrays sent to /api/v1/session took 43 MB): a login
 * of a few hundred bytes has room here, a caller's memory does not. */
#define SMALL_BODY_BYTES (16 * 1024)

/* A path prefix whose route reads bodies up to max_bytes. */
typedef struct {
  char    *prefix;
  guint64  max_bytes;
} BodyAllowance;

static void
body_allowance_clear (BodyAllowance *allowance)
{
  g_clear_pointer (&allowance->prefix, g_free);
}

struct _DkServerGuard
{
  GObject  parent_instance;

  /* owned */
  GArray  *allowances;  /* of BodyAllowance */
  DkServerMetrics *metrics;  /* counts the refusals; NULL: not counted */

  /* state */
  guint64  max_body_bytes;
};

G_DEFINE_FINAL_TYPE (DkServerGuard, dk_server_guard, G_TYPE_OBJECT)

/* A refused connection from its reply to its close. */
typedef struct {
  GIOStream    *stream;
  GBytes       *reply;
  GCancellable *cancellable;
  guint         timeout_id;
  guint64       drained;
  guint64       drain_limit;
  guint8        buffer[DRAIN_BYTES];
} Linger;

static void
linger_free (Linger *linger)
{
  g_clear_handle_id (&linger->timeout_id, g_source_remove);
  g_clear_object (&linger->stream);
  g_clear_pointer (&linger->reply, g_bytes_unref);
  g_clear_object (&linger->cancellable);
  g_free (linger);
}

/* ---- the rules ---- */

typedef struct {
  guint content_length;     /* Content-Length fields */
  guint transfer_encoding;  /* Transfer-Encoding fields */
} FramingCounts;

static void
count_framing_header (const char *name,
                      const char *value,
                      gpointer    user_data)
{
  FramingCounts *counts = user_data;

  if (g_ascii_strcasecmp (name, "Content-Length") == 0)
    counts->content_length++;
  else if (g_ascii_strcasecmp (name, "Transfer-Encoding") == 0)
    counts->transfer_encoding++;
}

static gboolean
refuse_with (DkServerGuardRefusal *refusal,
             guint                 status,
             const char           *code,
             const char           *message)
{
  refusal->status = status;
  refusal->code = code;
  refusal->message = message;
  return FALSE;
}

/* Whether @value is a Content-Length of digits only; *out_length gets it, saturated at
 * G_MAXUINT64 (a length that does not fit is simply too large). */
static gboolean
parse_content_length (const char *value,
                      guint64    *out_length)
{
  guint64 length = 0;
  const char *p = value;

  while (*p == ' ' || *p == '\t')
    p++;
  if (!g_ascii_isdigit (*p))
    return FALSE;

  for (; g_ascii_isdigit (*p); p++)
    {
      guint digit = *p - '0';

      if (length > (G_MAXUINT64 - digit) / 10)
        length = G_MAXUINT64;
      else
        length = length * 10 + digit;
    }

  while (*p == ' ' || *p == '\t')
    p++;
  if (*p != '\0')
    return FALSE;

  *out_length = length;
  return TRUE;
}

/**
 * dk_server_guard_check_headers:
 * @headers: a request's headers
 * @max_body_bytes: the largest body the server reads
 * @refusal: (out): why, when the request is refused
 *
 * Decides from the headers alone whether the server reads this request's body. Each
 * refusal ends the connection: what follows the headers cannot be trusted to be the
 * next request.
 *
 * Returns: %TRUE when the request may be read
 */
gboolean
dk_server_guard_check_headers (SoupMessageHeaders   *headers,
                               guint64               max_body_bytes,
                               DkServerGuardRefusal *refusal)
{
  FramingCounts counts = { 0, 0 };
  guint64 length = 0;

  g_return_val_if_fail (headers != NULL, FALSE);
  g_return_val_if_fail (refusal != NULL, FALSE);

  soup_message_headers_foreach (headers, count_framing_header, &counts);

  /* RFC 9112 §6.3: a message with both is how requests are smuggled: a proxy in front
   * of us may frame it by one, we by the other, and the rest becomes a request nobody
   * checked. The RFC lets a server refuse it and requires closing the connection. */
  if (counts.transfer_encoding > 0 && counts.content_length > 0)
    return refuse_with (refusal, SOUP_STATUS_BAD_REQUEST, "bad_request",
                        _("A request may not have both Content-Length and Transfer-Encoding"));

  /* A chunked body has no length to check before reading it, and no client of ours
   * sends one. The chunks left unread would be taken as the next request: close. */
  if (counts.transfer_encoding > 0)
    return refuse_with (refusal, SOUP_STATUS_LENGTH_REQUIRED, "length_required",
                        _("Send the body with a Content-Length"));

  if (counts.content_length == 0)
    return TRUE;

  /* RFC 9112 §6.3 (item 5) and RFC 9110 §8.6: lengths that differ leave the end of the
   * body unknown; a repeated or listed one ("2, 2") is a broken or probing client, and
   * libsoup takes the last, so "-1", "+2" or "" would reach it as lengths it reads
   * until the peer closes: the connection hung. Only one field of digits is a length. */
  if (counts.content_length > 1 ||
      !parse_content_length (soup_message_headers_get_one (headers, "Content-Length"), &length))
    return refuse_with (refusal, SOUP_STATUS_BAD_REQUEST, "bad_request",
                        _("Content-Length must be sent once, as a number of bytes"));

  /* The body is refused before it is read: whoever the caller is, logged in or not,
   * the server holds no more than the limit for a request (issue 13, item 2). */
  if (length > max_body_bytes)
    return refuse_with (refusal, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large",
                        _("The request body is too large"));

  return TRUE;
}

/* Whether @value (not NUL-terminated) is @word, any case. */
static gboolean
value_is (const char *value,
          gsize       length,
          const char *word)
{
  return length == strlen (word) && g_ascii_strncasecmp (value, word, length) == 0;
}

/**
 * dk_server_guard_check_header_line:
 * @line: one header line as it arrived, without its line end
 * @length: the length of @line
 *
 * For a stream under libsoup that sees the raw bytes of the header state (the byte
 * counter of the listener): libsoup 3.2.3 refuses a Content-Length it cannot parse
 * ("abc", "2, 2") and a Transfer-Encoding other than chunked or identity itself, on an
 * error path that leaks the request's path (fixed upstream in 450d43c4, libsoup 3.5.2).
 * Such a line is refused by the guard's rules anyway; refusing it before libsoup
 * parses the headers (400 and close) avoids the leak.
 *
 * Returns: %FALSE when the request that holds @line must be refused before libsoup
 *   parses it
 */
gboolean
dk_server_guard_check_header_line (const char *line,
                                   gsize       length)
{
  const char *colon;
  const char *value;
  const char *end = line + length;
  gsize name_length;

  g_return_val_if_fail (line != NULL || length == 0, FALSE);

  colon = memchr (line, ':', length);
  if (colon == NULL)
    return TRUE;

  name_length = colon - line;
  value = colon + 1;
  while (value < end && (*value == ' ' || *value == '\t'))
    value++;
  while (end > value && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
    end--;

  /* Exactly libsoup's own test (soup-message-headers.c): strtoull must reach the end.
   * What it takes ("-1", "") is left to the rules above, which answer in JSON. */
  if (value_is (line, name_length, "Content-Length"))
    {
      g_autofree char *copy = g_strndup (value, end - value);
      char *stop = NULL;

      g_ascii_strtoull (copy, &stop, 10);
      return *stop == '\0';
    }
  else if (value_is (line, name_length, "Transfer-Encoding"))
    {
      return value_is (value, end - value, "chunked") || value_is (value, end - value, "identity");
    }

  return TRUE;
}

/* ---- the refusal, written on the connection taken from libsoup ---- */

static gboolean
is_framing_header (const char *name)
{
  return g_ascii_strcasecmp (name, "Content-Length") == 0 ||
         g_ascii_strcasecmp (name, "Content-Type") == 0 ||
         g_ascii_strcasecmp (name, "Connection") == 0 ||
         g_ascii_strcasecmp (name, "Transfer-Encoding") == 0;
}

/* The whole reply: status line, the headers libsoup and the server already set (Date,
 * Server), and the error as every other reply of the API gives it. */
static GBytes *
build_reply (SoupServerMessage          *msg,
             const DkServerGuardRefusal *refusal)
{
  g_autofree char *body = _dk_server_dup_error_body (refusal->code, refusal->message);
  GString *reply = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name;
  const char *value;

  g_string_append_printf (reply, "HTTP/1.%c %u %s\r\n",
                          soup_server_message_get_http_version (msg) == SOUP_HTTP_1_0 ? '0' : '1',
                          refusal->status, soup_status_get_phrase (refusal->status));
  soup_message_headers_iter_init (&iter, soup_server_message_get_response_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (!is_framing_header (name))
      g_string_append_printf (reply, "%s: %s\r\n", name, value);
  g_string_append_printf (reply, "Content-Type: " DK_SERVER_JSON_TYPE "\r\n"
                                 "Content-Length: %zu\r\n"
                                 "Connection: close\r\n\r\n", strlen (body));
  if (soup_server_message_get_method (msg) != SOUP_METHOD_HEAD)
    g_string_append (reply, body);

  return g_string_free_to_bytes (reply);
}

static void
linger_closed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Linger *linger = user_data;

  /* An error here is a peer already gone: nothing to tell anyone. */
  g_io_stream_close_finish (G_IO_STREAM (object), result, NULL);
  linger_free (linger);
}

static void
linger_close (Linger *linger)
{
  g_clear_handle_id (&linger->timeout_id, g_source_remove);
  g_io_stream_close_async (linger->stream, G_PRIORITY_DEFAULT, NULL, linger_closed_cb, linger);
}

static gboolean
linger_timed_out_cb (gpointer user_data)
{
  Linger *linger = user_data;

  linger->timeout_id = 0;
  g_cancellable_cancel (linger->cancellable);

  return G_SOURCE_REMOVE;
}

static void linger_drain (Linger *linger);

static void
linger_drained_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Linger *linger = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n <= 0)
    {
      linger_close (linger);
      return;
    }

  linger->drained += n;
  linger_drain (linger);
}

static void
linger_drain (Linger *linger)
{
  if (linger->drained >= linger->drain_limit)
    {
      linger_close (linger);
      return;
    }

  g_input_stream_read_async (g_io_stream_get_input_stream (linger->stream), linger->buffer,
                             sizeof linger->buffer, G_PRIORITY_DEFAULT, linger->cancellable,
                             linger_drained_cb, linger);
}

/* The socket under libsoup's stream when the connection is plain TCP; NULL over TLS (a
 * shut socket would cut the TLS close) or any other stream: those only drain, then close.
 * The server's own connections (dk-server-connection.c) say what lies below them. */
static GSocket *
find_plain_socket (GIOStream *stream)
{
  g_autoptr(GIOStream) base = NULL;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (stream), "base-iostream") != NULL)
    g_object_get (stream, "base-iostream", &base, NULL);

  if (DK_IS_SERVER_CONNECTION (base))
    {
      DkServerConnection *connection = DK_SERVER_CONNECTION (base);

      if (G_IS_TLS_CONNECTION (dk_server_connection_get_base (connection)))
        return NULL;
      return dk_server_connection_get_socket (connection);
    }

  if (base != NULL && G_IS_SOCKET_CONNECTION (base))
    return g_socket_connection_get_socket (G_SOCKET_CONNECTION (base));

  return NULL;
}

static void
linger_reply_written_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Linger *linger = user_data;
  g_autoptr(GError) error = NULL;
  GSocket *socket;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      g_debug ("A refusal was not delivered: %s", error->message);
      linger_close (linger);
      return;
    }

  socket = find_plain_socket (linger->stream);
  if (socket != NULL)
    g_socket_shutdown (socket, FALSE, TRUE, NULL);

  linger_drain (linger);
}

/* How much of what follows a refused request's headers is read before the close. */
static guint64
drain_limit_for (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset announced = 0;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    announced = soup_message_headers_get_content_length (headers);

  if (announced > LINGER_ANNOUNCED_BYTES)
    return LINGER_MIN_BYTES;
  return MAX ((guint64) MAX (announced, 0), LINGER_MIN_BYTES);
}

/* Takes the connection from libsoup (which would otherwise read the whole body, however
 * large, even after an early status), writes @refusal and closes it. */
static void
refuse (SoupServerMessage          *msg,
        const DkServerGuardRefusal *refusal)
{
  g_autoptr(GIOStream) stream = NULL;
  Linger *linger;

  g_debug ("Refused %s %s from %s: %u %s", soup_server_message_get_method (msg),
           g_uri_get_path (soup_server_message_get_uri (msg)),
           soup_server_message_get_remote_host (msg), refusal->status, refusal->code);

  linger = g_new0 (Linger, 1);
  linger->reply = build_reply (msg, refusal);
  linger->cancellable = g_cancellable_new ();
  linger->drain_limit = drain_limit_for (msg);

  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    {
      linger_free (linger);
      return;
    }

  linger->stream = g_steal_pointer (&stream);
  linger->timeout_id = g_timeout_add_seconds (LINGER_SECONDS, linger_timed_out_cb, linger);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (linger->stream),
                                   g_bytes_get_data (linger->reply, NULL),
                                   g_bytes_get_size (linger->reply), G_PRIORITY_DEFAULT,
                                   linger->cancellable, linger_reply_written_cb, linger);
}

/* ---- the body let through ---- */

static void
dk_server_guard_got_chunk_cb (SoupServerMessage *msg,
                              GBytes            *chunk,
                              gpointer           user_data)
{
  GByteArray *body = user_data;
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (chunk, &length);

  g_byte_array_append (body, data, length);
}

/* libsoup would keep a body as a list of 8 KiB pieces, copied once more into one block
 * when it is read: twice the body. One buffer holds it instead, and libsoup's pieces
 * are dropped as they come. The checked Content-Length bounds it. */
static void
keep_body (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length;
  GByteArray *body;

  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    return;
  length = soup_message_headers_get_content_length (headers);
  if (length <= 0)
    return;

  body = g_byte_array_sized_new (MIN (length, BODY_START_BYTES));
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_object_set_data_full (G_OBJECT (msg), BODY_KEY, body, (GDestroyNotify) g_byte_array_unref);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (dk_server_guard_got_chunk_cb), body);
}

/* ---- callbacks ---- */

/* The largest body the route of @path reads. Prefixes match as libsoup's path map
 * matches handlers (by leading characters), so what reaches a route is what it allows. */
static guint64
max_body_for_path (DkServerGuard *self,
                   const char    *path)
{
  g_assert (DK_IS_SERVER_GUARD (self));

  for (guint i = 0; i < self->allowances->len; i++)
    {
      const BodyAllowance *allowance = &g_array_index (self->allowances, BodyAllowance, i);

      if (g_str_has_prefix (path, allowance->prefix))
        return allowance->max_bytes;
    }

  return MIN (SMALL_BODY_BYTES, self->max_body_bytes);
}

static void
dk_server_guard_got_headers_cb (SoupServerMessage *msg,
                                gpointer           user_data)
{
  DkServerGuard *self = DK_SERVER_GUARD (user_data);
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  DkServerGuardRefusal refusal;

  if (!dk_server_guard_check_headers (soup_server_message_get_request_headers (msg),
                                      max_body_for_path (self, path), &refusal))
    {
      /* The stolen connection finishes no request in libsoup's eyes. */
      if (self->metrics != NULL)
        dk_server_metrics_request_done (self->metrics, msg, refusal.status);
      refuse (msg, &refusal);
      return;
    }

  keep_body (msg);
}

/* Every request, whatever its path: libsoup calls an early handler only for the entry
 * of the path's own handler, and /api/v1/session has an entry of its own. A message's
 * got-headers comes after libsoup's own handling of the headers. */
static void
dk_server_guard_request_started_cb (SoupServer        *soup,
                                    SoupServerMessage *msg,
                                    gpointer           user_data)
{
  DkServerGuard *self = DK_SERVER_GUARD (user_data);

  g_signal_connect_object (msg, "got-headers", G_CALLBACK (dk_server_guard_got_headers_cb),
                           self, 0);
}

/* ---- object ---- */

static void
dk_server_guard_finalize (GObject *object)
{
  DkServerGuard *self = DK_SERVER_GUARD (object);

  g_clear_pointer (&self->allowances, g_array_unref);
  g_clear_object (&self->metrics);

  G_OBJECT_CLASS (dk_server_guard_parent_class)->finalize (object);
}

static void
dk_server_guard_class_init (DkServerGuardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dk_server_guard_finalize;
}

static void
dk_server_guard_init (DkServerGuard *self)
{
  self->max_body_bytes = DK_MAX_BODY_BYTES;
  self->allowances = g_array_new (FALSE, FALSE, sizeof (BodyAllowance));
  g_array_set_clear_func (self->allowances, (GDestroyNotify) body_allowance_clear);
}

/**
 * dk_server_guard_new:
 * @max_body_bytes: the largest request body the server reads
 *
 * Bodies up to @max_body_bytes are read only on paths given to
 * dk_server_guard_allow_body(); every other path reads at most 16 KiB.
 *
 * Returns: (transfer full): a guard, to attach to the server
 */
DkServerGuard *
dk_server_guard_new (guint64 max_body_bytes)
{
  DkServerGuard *self = g_object_new (DK_TYPE_SERVER_GUARD, NULL);

  /* One buffer holds a body, and a GByteArray holds at most G_MAXUINT bytes. */
  self->max_body_bytes = MIN (max_body_bytes, G_MAXUINT);

  return self;
}

/**
 * dk_server_guard_allow_body:
 * @prefix: the path of a route that reads large bodies, matched as libsoup matches
 *   handlers (DK_API_PREFIX "/mutations" also covers "/api/v1/mutations/x")
 *
 * Lets requests to @prefix carry bodies up to the guard's max_body_bytes.
 */
void
dk_server_guard_allow_body (DkServerGuard *self,
                            const char    *prefix)
{
  BodyAllowance allowance;

  g_return_if_fail (DK_IS_SERVER_GUARD (self));
  g_return_if_fail (prefix != NULL && *prefix == '/');

  allowance.prefix = g_strdup (prefix);
  allowance.max_bytes = self->max_body_bytes;
  g_array_append_val (self->allowances, allowance);
}

/**
 * dk_server_guard_attach:
 * @soup: the server whose every request the guard sees
 *
 * Connects the guard to @soup's requests, before their bodies are read.
 */
void
dk_server_guard_attach (DkServerGuard *self,
                        SoupServer    *soup)
{
  g_return_if_fail (DK_IS_SERVER_GUARD (self));
  g_return_if_fail (SOUP_IS_SERVER (soup));

  g_signal_connect_object (soup, "request-started",
                           G_CALLBACK (dk_server_guard_request_started_cb), self, 0);
}

void
dk_server_guard_set_metrics (DkServerGuard   *self,
                             DkServerMetrics *metrics)
{
  g_return_if_fail (DK_IS_SERVER_GUARD (self));

  g_set_object (&self->metrics, metrics);
}

/**
 * dk_server_guard_peek_body:
 * @msg: a request whose body was read
 * @length: (out): the body's length
 *
 * Returns: (transfer none): the request's body, "" when it had none
 */
const guint8 *
dk_server_guard_peek_body (SoupServerMessage *msg,
                           gsize             *length)
{
  GByteArray *body;

  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), NULL);
  g_return_val_if_fail (length != NULL, NULL);

  body = g_object_get_data (G_OBJECT (msg), BODY_KEY);
  if (body == NULL)
    {
      *length = 0;
      return (const guint8 *) "";
    }

  *length = body->len;
  return body->data;
}
