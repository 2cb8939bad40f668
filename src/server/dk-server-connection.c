/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-connection.c: one accepted connection as the GIOStream libsoup reads and
 * writes. It sits between libsoup and the socket (or TLS) so that the listener knows what
 * a connection is doing: it sees the first byte of a request, counts the bytes of its
 * headers (libsoup 3.2 has only a fixed 64 KiB limit of its own) and when a reply last
 * moved. libsoup polls its streams, so both sides are pollable. */

#define G_LOG_DOMAIN "dk-server-connection"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-server-connection.h"
#include "dk-server-guard.h"

/* What is kept of a header line to check its framing: a Content-Length or
 * Transfer-Encoding line longer than this is not one libsoup could use either. */
#define LINE_KEEP 128

struct _DkServerConnection
{
  GSocketConnection        parent_instance;

  /* owned references */
  GSocketConnection       *socket_connection;
  GIOStream               *base;
  GInputStream            *input;
  GOutputStream           *output;
  char                    *address;

  /* state */
  DkServerConnectionState  state;
  gint64                   since;
  gint64                   last_write;
  gint64                   shut_at;
  guint                    n_requests;
  guint                    max_header_bytes;
  guint                    header_bytes;      /* of the request being read */
  guint                    line_length;       /* of its current header line, CR left out */
  char                     line[LINE_KEEP];   /* the start of that line */
  gboolean                 seen_line;         /* a non-empty line came: an empty one ends */
  gboolean                 headers_complete;
  gboolean                 closing;           /* "closed" is being (or was) emitted */
  gboolean                 nudged;            /* the peer's end was turned into a byte */
};

G_DEFINE_FINAL_TYPE (DkServerConnection, dk_server_connection, G_TYPE_SOCKET_CONNECTION)

enum {
  SIGNAL_CLOSED,
  SIGNAL_HEADERS_TOO_LARGE,
  SIGNAL_HEADERS_REFUSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- the input side: counts what a request's headers weigh ---- */

#define DK_TYPE_CONNECTION_INPUT (dk_connection_input_get_type ())
G_DECLARE_FINAL_TYPE (DkConnectionInput, dk_connection_input, DK, CONNECTION_INPUT, GInputStream)

struct _DkConnectionInput
{
  GInputStream        parent_instance;
  GInputStream       *base;
  DkServerConnection *connection;  /* (unowned): it owns this stream */
};

static void dk_connection_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DkConnectionInput, dk_connection_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      dk_connection_input_pollable_init))

typedef enum {
  READ_ACCEPTED,
  READ_TOO_LARGE,
  READ_REFUSED,
} ReadVerdict;

static gboolean
line_names (const char *line,
            guint       length,
            const char *name)
{
  gsize name_length = strlen (name);

  return length > name_length && line[name_length] == ':' &&
         g_ascii_strncasecmp (line, name, name_length) == 0;
}

/* Whether a header line that just ended frames the request in a way libsoup can take:
 * libsoup 3.2.3 refuses a Content-Length or Transfer-Encoding it cannot use on an error
 * path that leaks the request's path, so such a request is refused here, before libsoup
 * parses it (dk_server_guard_check_header_line says which). */
static gboolean
line_is_acceptable (DkServerConnection *self)
{
  if (self->line_length > LINE_KEEP)
    return !line_names (self->line, LINE_KEEP, "Content-Length") &&
           !line_names (self->line, LINE_KEEP, "Transfer-Encoding");

  return dk_server_guard_check_header_line (self->line, self->line_length);
}

/* Scans what was read while a request's headers come in: they end at the first empty
 * line after a non-empty one (an empty line before the request line is allowed). Bytes
 * after the end (a body, the next request) are not headers and are not counted. Says
 * whether the headers grew past the limit or framed the request in a way refused. */
static ReadVerdict
account_read (DkServerConnection *self,
              const guint8       *data,
              gssize              length)
{
  if (length <= 0 || self->closing)
    return READ_ACCEPTED;

  if (self->state == DK_SERVER_CONNECTION_IDLE)
    dk_server_connection_set_state (self, DK_SERVER_CONNECTION_HEADERS);

  if (self->state != DK_SERVER_CONNECTION_HEADERS || self->headers_complete)
    return READ_ACCEPTED;

  for (gssize i = 0; i < length && !self->headers_complete; i++)
    {
      self->header_bytes++;
      if (data[i] == '\n')
        {
          if (self->line_length == 0 && self->seen_line)
            self->headers_complete = TRUE;
          else if (self->line_length > 0 && !line_is_acceptable (self))
            return READ_REFUSED;
          else if (self->line_length > 0)
            self->seen_line = TRUE;
          self->line_length = 0;
        }
      else if (data[i] != '\r')
        {
          if (self->line_length < LINE_KEEP)
            self->line[self->line_length] = (char) data[i];
          self->line_length++;
        }
    }

  /* header_bytes stopped at their end, if it came in this read */
  if (self->max_header_bytes != 0 && self->header_bytes > self->max_header_bytes)
    return READ_TOO_LARGE;

  return READ_ACCEPTED;
}

/* libsoup 3.2.3 never lets go of a connection whose peer closes it between requests (a
 * kept-alive or a brand new one): it meets the end before any byte of the next request,
 * when nobody has asked to hear how that request ends, so nobody disconnects it and its
 * descriptor stays open for good. One byte that ends no request (an empty line, then the
 * end) makes libsoup start the request, fail to parse it and disconnect as for any bad
 * request. Returns whether @buffer got that byte. */
static gboolean
nudge_end_between_requests (DkConnectionInput *self,
                            void              *buffer,
                            gsize              count)
{
  DkServerConnection *connection = self->connection;

  if (connection == NULL || connection->nudged || count == 0 ||
      connection->state != DK_SERVER_CONNECTION_IDLE)
    return FALSE;

  connection->nudged = TRUE;
  ((char *) buffer)[0] = '\n';
  return TRUE;
}

static gssize
checked_read (DkConnectionInput  *self,
              void               *buffer,
              gsize               count,
              gssize              nread,
              GError            **error)
{
  if (nread == 0 && nudge_end_between_requests (self, buffer, count))
    return 1;

  if (nread > 0 && self->connection != NULL)
    {
      switch (account_read (self->connection, buffer, nread))
        {
        case READ_TOO_LARGE:
          g_signal_emit (self->connection, signals[SIGNAL_HEADERS_TOO_LARGE], 0);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                               "request headers too large");
          return -1;

        case READ_REFUSED:
          g_signal_emit (self->connection, signals[SIGNAL_HEADERS_REFUSED], 0);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "request framing refused");
          return -1;

        case READ_ACCEPTED:
        default:
          break;
        }
    }

  return nread;
}

static gssize
dk_connection_input_read (GInputStream  *stream,
                          void          *buffer,
                          gsize          count,
                          GCancellable  *cancellable,
                          GError       **error)
{
  DkConnectionInput *self = DK_CONNECTION_INPUT (stream);
  gssize nread = g_input_stream_read (self->base, buffer, count, cancellable, error);

  return checked_read (self, buffer, count, nread, error);
}

static gboolean
dk_connection_input_close (GInputStream  *stream,
                           GCancellable  *cancellable,
                           GError       **error)
{
  /* The connection closes its base as a whole. */
  return TRUE;
}

static gboolean
dk_connection_input_can_poll (GPollableInputStream *stream)
{
  DkConnectionInput *self = DK_CONNECTION_INPUT (stream);

  return g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (self->base));
}

static gboolean
dk_connection_input_is_readable (GPollableInputStream *stream)
{
  DkConnectionInput *self = DK_CONNECTION_INPUT (stream);

  return g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

static GSource *
dk_connection_input_create_source (GPollableInputStream *stream,
                                   GCancellable         *cancellable)
{
  DkConnectionInput *self = DK_CONNECTION_INPUT (stream);
  g_autoptr(GSource) base_source = NULL;

  base_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base),
                                                       NULL);
  return g_pollable_source_new_full (stream, base_source, cancellable);
}

static gssize
dk_connection_input_read_nonblocking (GPollableInputStream  *stream,
                                      void                  *buffer,
                                      gsize                  count,
                                      GError               **error)
{
  DkConnectionInput *self = DK_CONNECTION_INPUT (stream);
  gssize nread;

  nread = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (self->base),
                                                    buffer, count, NULL, error);
  return checked_read (self, buffer, count, nread, error);
}

static void
dk_connection_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = dk_connection_input_can_poll;
  iface->is_readable = dk_connection_input_is_readable;
  iface->create_source = dk_connection_input_create_source;
  iface->read_nonblocking = dk_connection_input_read_nonblocking;
}

static void
dk_connection_input_finalize (GObject *object)
{
  DkConnectionInput *self = DK_CONNECTION_INPUT (object);

  g_clear_object (&self->base);

  G_OBJECT_CLASS (dk_connection_input_parent_class)->finalize (object);
}

static void
dk_connection_input_class_init (DkConnectionInputClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dk_connection_input_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = dk_connection_input_read;
  G_INPUT_STREAM_CLASS (klass)->close_fn = dk_connection_input_close;
}

static void
dk_connection_input_init (DkConnectionInput *self)
{
}

/* ---- the output side: notes when a reply last moved ---- */

#define DK_TYPE_CONNECTION_OUTPUT (dk_connection_output_get_type ())
G_DECLARE_FINAL_TYPE (DkConnectionOutput, dk_connection_output, DK, CONNECTION_OUTPUT,
                      GOutputStream)

struct _DkConnectionOutput
{
  GOutputStream       parent_instance;
  GOutputStream      *base;
  DkServerConnection *connection;  /* (unowned): it owns this stream */
};

static void dk_connection_output_pollable_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DkConnectionOutput, dk_connection_output, G_TYPE_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      dk_connection_output_pollable_init))

static gssize
noted_write (DkConnectionOutput *self,
             gssize              nwritten)
{
  if (nwritten > 0 && self->connection != NULL)
    self->connection->last_write = g_get_monotonic_time ();

  return nwritten;
}

static gssize
dk_connection_output_write (GOutputStream  *stream,
                            const void     *buffer,
                            gsize           count,
                            GCancellable   *cancellable,
                            GError        **error)
{
  DkConnectionOutput *self = DK_CONNECTION_OUTPUT (stream);

  return noted_write (self, g_output_stream_write (self->base, buffer, count, cancellable,
                                                   error));
}

static gboolean
dk_connection_output_flush (GOutputStream  *stream,
                            GCancellable   *cancellable,
                            GError        **error)
{
  DkConnectionOutput *self = DK_CONNECTION_OUTPUT (stream);

  return g_output_stream_flush (self->base, cancellable, error);
}

static gboolean
dk_connection_output_close (GOutputStream  *stream,
                            GCancellable   *cancellable,
                            GError        **error)
{
  return TRUE;
}

static gboolean
dk_connection_output_can_poll (GPollableOutputStream *stream)
{
  DkConnectionOutput *self = DK_CONNECTION_OUTPUT (stream);

  return g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (self->base));
}

static gboolean
dk_connection_output_is_writable (GPollableOutputStream *stream)
{
  DkConnectionOutput *self = DK_CONNECTION_OUTPUT (stream);

  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (self->base));
}

static GSource *
dk_connection_output_create_source (GPollableOutputStream *stream,
                                    GCancellable          *cancellable)
{
  DkConnectionOutput *self = DK_CONNECTION_OUTPUT (stream);
  g_autoptr(GSource) base_source = NULL;

  base_source = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (self->base),
                                                        NULL);
  return g_pollable_source_new_full (stream, base_source, cancellable);
}

static gssize
dk_connection_output_write_nonblocking (GPollableOutputStream  *stream,
                                        const void             *buffer,
                                        gsize                   count,
                                        GError                **error)
{
  DkConnectionOutput *self = DK_CONNECTION_OUTPUT (stream);
  GPollableOutputStream *base = G_POLLABLE_OUTPUT_STREAM (self->base);

  return noted_write (self, g_pollable_output_stream_write_nonblocking (base, buffer, count,
                                                                       NULL, error));
}

static void
dk_connection_output_pollable_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = dk_connection_output_can_poll;
  iface->is_writable = dk_connection_output_is_writable;
  iface->create_source = dk_connection_output_create_source;
  iface->write_nonblocking = dk_connection_output_write_nonblocking;
}

static void
dk_connection_output_finalize (GObject *object)
{
  DkConnectionOutput *self = DK_CONNECTION_OUTPUT (object);

  g_clear_object (&self->base);

  G_OBJECT_CLASS (dk_connection_output_parent_class)->finalize (object);
}

static void
dk_connection_output_class_init (DkConnectionOutputClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dk_connection_output_finalize;
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = dk_connection_output_write;
  G_OUTPUT_STREAM_CLASS (klass)->flush = dk_connection_output_flush;
  G_OUTPUT_STREAM_CLASS (klass)->close_fn = dk_connection_output_close;
}

static void
dk_connection_output_init (DkConnectionOutput *self)
{
}

/* ---- the connection ---- */

/* Tells the listener once, whoever closes first (libsoup, the WebSocket, the listener). */
/* Handlers of "closed" still see the state it was closed in (a WebSocket is counted). */
static void
mark_closed (DkServerConnection *self)
{
  if (self->closing)
    return;

  self->closing = TRUE;
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
  self->state = DK_SERVER_CONNECTION_CLOSED;
  g_object_unref (self);
}

static GInputStream *
dk_server_connection_get_input_stream (GIOStream *stream)
{
  return DK_SERVER_CONNECTION (stream)->input;
}

static GOutputStream *
dk_server_connection_get_output_stream (GIOStream *stream)
{
  return DK_SERVER_CONNECTION (stream)->output;
}

static gboolean
dk_server_connection_close (GIOStream     *stream,
                            GCancellable  *cancellable,
                            GError       **error)
{
  DkServerConnection *self = DK_SERVER_CONNECTION (stream);

  mark_closed (self);
  return g_io_stream_close (self->base, cancellable, error);
}

static void
dk_server_connection_base_closed_cb (GObject      *object,
                                     GAsyncResult *result,
                                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_io_stream_close_finish (G_IO_STREAM (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* GIOStream's own close_async runs close_fn in a thread; the listener's table lives on
 * the main thread, so the connection marks itself closed here and closes its base
 * asynchronously. */
static void
dk_server_connection_close_async (GIOStream           *stream,
                                  int                  io_priority,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  DkServerConnection *self = DK_SERVER_CONNECTION (stream);
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, dk_server_connection_close_async);
  mark_closed (self);
  g_io_stream_close_async (self->base, io_priority, cancellable,
                           dk_server_connection_base_closed_cb, task);
}

static gboolean
dk_server_connection_close_finish (GIOStream     *stream,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
dk_server_connection_dispose (GObject *object)
{
  DkServerConnection *self = DK_SERVER_CONNECTION (object);

  /* GIOStream's dispose closes the stream when nobody did. */
  G_OBJECT_CLASS (dk_server_connection_parent_class)->dispose (object);

  if (self->input != NULL)
    DK_CONNECTION_INPUT (self->input)->connection = NULL;
  if (self->output != NULL)
    DK_CONNECTION_OUTPUT (self->output)->connection = NULL;
}

static void
dk_server_connection_finalize (GObject *object)
{
  DkServerConnection *self = DK_SERVER_CONNECTION (object);

  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_object (&self->base);
  g_clear_object (&self->socket_connection);
  g_clear_pointer (&self->address, g_free);

  G_OBJECT_CLASS (dk_server_connection_parent_class)->finalize (object);
}

static void
dk_server_connection_class_init (DkServerConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->dispose = dk_server_connection_dispose;
  object_class->finalize = dk_server_connection_finalize;
  stream_class->get_input_stream = dk_server_connection_get_input_stream;
  stream_class->get_output_stream = dk_server_connection_get_output_stream;
  stream_class->close_fn = dk_server_connection_close;
  stream_class->close_async = dk_server_connection_close_async;
  stream_class->close_finish = dk_server_connection_close_finish;

  /**
   * DkServerConnection::closed:
   *
   * The connection was closed, by whoever; emitted once.
   */
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * DkServerConnection::headers-too-large:
   *
   * A request's headers grew past the limit; the read that saw it fails.
   */
  signals[SIGNAL_HEADERS_TOO_LARGE] =
    g_signal_new ("headers-too-large", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);

  /**
   * DkServerConnection::headers-refused:
   *
   * A request's Content-Length or Transfer-Encoding is one libsoup cannot use; the read
   * that saw it fails.
   */
  signals[SIGNAL_HEADERS_REFUSED] =
    g_signal_new ("headers-refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
}

static void
dk_server_connection_init (DkServerConnection *self)
{
  self->state = DK_SERVER_CONNECTION_IDLE;
  self->since = g_get_monotonic_time ();
}

/**
 * dk_server_connection_new:
 * @socket_connection: the accepted connection
 * @base: @socket_connection, or a TLS connection over it
 * @address: the remote IP address as text
 * @max_header_bytes: the most a request's headers may weigh; 0 for no limit of ours
 *
 * Returns: (transfer full): the stream to hand to libsoup
 */
DkServerConnection *
dk_server_connection_new (GSocketConnection *socket_connection,
                          GIOStream         *base,
                          const char        *address,
                          guint              max_header_bytes)
{
  DkServerConnection *self;
  DkConnectionInput *input;
  DkConnectionOutput *output;

  g_return_val_if_fail (G_IS_SOCKET_CONNECTION (socket_connection), NULL);
  g_return_val_if_fail (G_IS_IO_STREAM (base), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  self = g_object_new (DK_TYPE_SERVER_CONNECTION,
                       "socket", g_socket_connection_get_socket (socket_connection),
                       NULL);
  self->socket_connection = g_object_ref (socket_connection);
  self->base = g_object_ref (base);
  self->address = g_strdup (address);
  self->max_header_bytes = max_header_bytes;

  input = g_object_new (DK_TYPE_CONNECTION_INPUT, NULL);
  input->base = g_object_ref (g_io_stream_get_input_stream (base));
  input->connection = self;
  self->input = G_INPUT_STREAM (input);

  output = g_object_new (DK_TYPE_CONNECTION_OUTPUT, NULL);
  output->base = g_object_ref (g_io_stream_get_output_stream (base));
  output->connection = self;
  self->output = G_OUTPUT_STREAM (output);

  return self;
}

GIOStream *
dk_server_connection_get_base (DkServerConnection *self)
{
  g_return_val_if_fail (DK_IS_SERVER_CONNECTION (self), NULL);

  return self->base;
}

GSocket *
dk_server_connection_get_socket (DkServerConnection *self)
{
  g_return_val_if_fail (DK_IS_SERVER_CONNECTION (self), NULL);

  return g_socket_connection_get_socket (self->socket_connection);
}

const char *
dk_server_connection_get_address (DkServerConnection *self)
{
  g_return_val_if_fail (DK_IS_SERVER_CONNECTION (self), NULL);

  return self->address;
}

DkServerConnectionState
dk_server_connection_get_state (DkServerConnection *self)
{
  g_return_val_if_fail (DK_IS_SERVER_CONNECTION (self), DK_SERVER_CONNECTION_CLOSED);

  return self->state;
}

/**
 * dk_server_connection_set_state:
 *
 * Moves the connection on; a closed one stays closed. Entering the idle state starts
 * the count of the next request's headers afresh.
 */
void
dk_server_connection_set_state (DkServerConnection      *self,
                                DkServerConnectionState  state)
{
  g_return_if_fail (DK_IS_SERVER_CONNECTION (self));

  if (self->closing || self->state == state)
    return;

  if (state == DK_SERVER_CONNECTION_CLOSED)
    {
      mark_closed (self);
      return;
    }

  self->state = state;
  self->since = g_get_monotonic_time ();
  if (state == DK_SERVER_CONNECTION_IDLE || state == DK_SERVER_CONNECTION_HEADERS)
    {
      self->header_bytes = 0;
      self->line_length = 0;
      self->seen_line = FALSE;
      self->headers_complete = FALSE;
    }
}

gint64
dk_server_connection_get_since (DkServerConnection *self)
{
  g_return_val_if_fail (DK_IS_SERVER_CONNECTION (self), 0);

  return self->since;
}

gint64
dk_server_connection_get_progress (DkServerConnection *self)
{
  g_return_val_if_fail (DK_IS_SERVER_CONNECTION (self), 0);

  return MAX (self->since, self->last_write);
}

guint
dk_server_connection_count_request (DkServerConnection *self)
{
  g_return_val_if_fail (DK_IS_SERVER_CONNECTION (self), 0);

  return ++self->n_requests;
}

void
dk_server_connection_shut (DkServerConnection *self,
                           GBytes             *reply)
{
  GSocket *socket;

  g_return_if_fail (DK_IS_SERVER_CONNECTION (self));

  if (self->shut_at != 0 || self->closing)
    return;

  self->shut_at = g_get_monotonic_time ();

  if (reply != NULL)
    {
      GOutputStream *stream = g_io_stream_get_output_stream (self->base);
      GPollableOutputStream *out = G_POLLABLE_OUTPUT_STREAM (stream);
      gsize length;
      const void *data = g_bytes_get_data (reply, &length);

      /* As far as it goes at once: a reader that stalls gets no more of our time. */
      g_pollable_output_stream_write_nonblocking (out, data, length, NULL, NULL);
    }

  /* The reader (libsoup's, the WebSocket's) wakes up at the end of input and closes. */
  socket = g_socket_connection_get_socket (self->socket_connection);
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

gint64
dk_server_connection_get_shut_at (DkServerConnection *self)
{
  g_return_val_if_fail (DK_IS_SERVER_CONNECTION (self), 0);

  return self->shut_at;
}
