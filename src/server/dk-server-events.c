/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-events.c: the WebSocket fan-out of "something changed".
 *
 * Why the hub speaks WebSocket itself on plain connections (issue 15): a
 * SoupWebsocketConnection keeps a GSource on its socket and removes and re-adds it on
 * every read, and a keepalive timer of its own. GLib keeps a context's descriptors in a
 * list sorted by descriptor that every add and remove walks, and visits every source on
 * every iteration: with 10,000 desktops each pong cost the server a walk over 10,000
 * entries, and idling took most of a core. Here every plain event socket sits in one
 * epoll set that is a single source of the main context; one timer a second pings who is
 * due and closes who stopped answering; a broadcast builds its frame once and writes it
 * to each socket. What the events protocol needs of WebSocket is small: the server sends
 * short text frames, pings and a close; a client sends pongs, pings, a close and nothing
 * else that matters (RFC 6455; no extensions are negotiated).
 *
 * A connection over TLS (or a stream that is not one of the listener's connections) keeps
 * libsoup's SoupWebsocketConnection: its bytes go through GTlsConnection, not the socket. */

#define G_LOG_DOMAIN "dk-server-events"

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dk-server-connection.h"
#include "dk-server-events.h"

#define TICK_SECONDS        1
#define MAX_PENDING_BYTES   (64 * 1024)   /* unsent to one socket; past it the peer is dropped */
#define MAX_CLIENT_PAYLOAD  (64 * 1024)   /* a client frame; clients send only control frames */
#define READ_ROUNDS         8             /* reads per wake-up and socket */
#define EPOLL_BATCH         256
#define PARALLEL_SEND_MIN   256           /* sockets; fewer are sent to on one thread */

#define CLOSE_NORMAL        1000
#define CLOSE_GOING_AWAY    1001
#define CLOSE_PROTOCOL      1002
#define CLOSE_TOO_BIG       1009

typedef struct {
  DkEventHub              *hub;          /* unowned */
  GIOStream               *stream;       /* owned; closing it closes the connection */
  SoupWebsocketConnection *soup;         /* owned; a TLS connection's, else NULL */
  DkServerConnection      *connection;   /* plain: the listener's (@stream holds it) */
  int                      fd;           /* plain: the socket; -1 with soup or closed */
  guint                    index;        /* in hub->peers */
  gint64                   seen;         /* monotonic µs of the last sign of life */
  gint64                   pinged;       /* of the last ping sent (plain) */
  GByteArray              *in;           /* the start of a frame still coming (rare) */
  GByteArray              *out;          /* what the socket did not take yet (rare) */
  gboolean                 close_sent;
  gboolean                 gone;         /* out of the hub; freed with the dead */
} Peer;

struct _DkEventHub
{
  GObject     parent_instance;

  GPtrArray  *peers;        /* Peer * (owned) */
  GPtrArray  *dead;         /* Peer * (owned): closed, freed when no callback can see them */
  int         epoll_fd;
  guint       epoll_id;
  guint       keepalive_seconds;
  guint       tick_id;
  DkServerMetrics *metrics;  /* owned; NULL: nothing counted */
};

G_DEFINE_FINAL_TYPE (DkEventHub, dk_event_hub, G_TYPE_OBJECT)

/* ---- peers ---- */

static void
peer_free (Peer *peer)
{
  if (peer->in != NULL)
    g_byte_array_unref (peer->in);
  if (peer->out != NULL)
    g_byte_array_unref (peer->out);
  g_clear_object (&peer->soup);
  g_clear_object (&peer->stream);
  g_free (peer);
}

static void
flush_dead (DkEventHub *self)
{
  g_ptr_array_set_size (self->dead, 0);
}

/* Takes @peer out of the hub and closes its connection; freed by flush_dead(). */
static void
remove_peer (DkEventHub *self,
             Peer       *peer)
{
  Peer *last;

  if (peer->gone)
    return;
  peer->gone = TRUE;
  if (self->metrics != NULL)
    dk_server_metrics_websocket_closed (self->metrics);

  last = g_ptr_array_index (self->peers, self->peers->len - 1);
  self->peers->pdata[peer->index] = last;
  last->index = peer->index;
  g_ptr_array_set_size (self->peers, self->peers->len - 1);
  g_ptr_array_add (self->dead, peer);

  if (peer->soup != NULL)
    {
      g_signal_handlers_disconnect_by_data (peer->soup, peer);
      return;   /* libsoup closes its own stream */
    }

  g_signal_handlers_disconnect_by_data (peer->connection, peer);
  if (peer->fd >= 0)
    epoll_ctl (self->epoll_fd, EPOLL_CTL_DEL, peer->fd, NULL);
  peer->fd = -1;
  if (!g_io_stream_is_closed (peer->stream))
    g_io_stream_close (peer->stream, NULL, NULL);
}

/* Someone else closed the connection (the listener going away): its descriptor leaves
 * the epoll set before it is closed, so that a number used again is never written to. */
static void
dk_event_hub_connection_closed_cb (DkServerConnection *connection,
                                   gpointer            user_data)
{
  Peer *peer = user_data;
  DkEventHub *self = peer->hub;

  epoll_ctl (self->epoll_fd, EPOLL_CTL_DEL, peer->fd, NULL);
  peer->fd = -1;
  remove_peer (self, peer);
}

static void
watch_output (Peer     *peer,
              gboolean  output)
{
  struct epoll_event event = {
    .events = EPOLLIN | EPOLLRDHUP | (output ? EPOLLOUT : 0),
    .data.ptr = peer,
  };

  epoll_ctl (peer->hub->epoll_fd, EPOLL_CTL_MOD, peer->fd, &event);
}

/* Writes @data without blocking; what the socket does not take waits in peer->out. FALSE
 * when the peer was dropped (an error, or it reads too slowly). */
static gboolean
send_bytes (Peer         *peer,
            const guint8 *data,
            gsize         length)
{
  gssize sent = 0;

  if (peer->out != NULL && peer->out->len > 0)
    {
      if (peer->out->len + length > MAX_PENDING_BYTES)
        {
          g_debug ("Dropping a WebSocket that reads too slowly");
          remove_peer (peer->hub, peer);
          return FALSE;
        }
      g_byte_array_append (peer->out, data, length);
      return TRUE;
    }

  sent = send (peer->fd, data, length, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    sent = 0;
  if (sent < 0)
    {
      remove_peer (peer->hub, peer);
      return FALSE;
    }

  if ((gsize) sent < length)
    {
      if (peer->out == NULL)
        peer->out = g_byte_array_new ();
      g_byte_array_append (peer->out, data + sent, length - sent);
      watch_output (peer, TRUE);
    }

  return TRUE;
}

/* A server frame: never masked, always short here. */
static gsize
build_frame (guint8       *frame,
             guint8        opcode,
             const guint8 *payload,
             gsize         length)
{
  g_assert (length <= 125);

  frame[0] = 0x80 | opcode;
  frame[1] = (guint8) length;
  if (length > 0)
    memcpy (frame + 2, payload, length);

  return length + 2;
}

static void
send_frame (Peer         *peer,
            guint8        opcode,
            const guint8 *payload,
            gsize         length)
{
  guint8 frame[2 + 125];

  send_bytes (peer, frame, build_frame (frame, opcode, payload, length));
}

/* Sends a close frame (once) and closes the connection. */
static void
close_peer (Peer       *peer,
            gushort     code,
            const char *reason)
{
  if (peer->gone)
    return;

  if (peer->soup != NULL)
    {
      if (soup_websocket_connection_get_state (peer->soup) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (peer->soup, code, reason);
      return;   /* its "closed" takes it out */
    }

  if (!peer->close_sent)
    {
      guint8 payload[125];
      gsize length = MIN (strlen (reason), sizeof payload - 2);

      payload[0] = code >> 8;
      payload[1] = code & 0xff;
      memcpy (payload + 2, reason, length);
      peer->close_sent = TRUE;
      send_frame (peer, 0x8, payload, length + 2);
    }
  remove_peer (peer->hub, peer);
}

/* ---- reading what a plain client sends ---- */

/* Handles one whole frame of @length bytes at @frame (header included). */
static void
handle_frame (Peer   *peer,
              guint8  opcode,
              guint8 *payload,
              gsize   length)
{
  switch (opcode)
    {
    case 0x9:   /* ping: the app's liveness check */
      send_frame (peer, 0xa, payload, length);
      break;

    case 0x8:   /* close: answered with the same code, then the connection goes */
      if (!peer->close_sent)
        {
          peer->close_sent = TRUE;
          send_frame (peer, 0x8, payload, MIN (length, 2));
        }
      remove_peer (peer->hub, peer);
      break;

    case 0x0:   /* clients have nothing to say; a message still shows the peer is alive */
    case 0x1:
    case 0x2:
    case 0xa:   /* pong */
    default:
      break;
    }
}

/* Consumes the whole frames at the start of @data; returns how many bytes they took, or
 * -1 when the peer was closed for a frame it should not have sent. */
static gssize
consume_frames (Peer   *peer,
                guint8 *data,
                gsize   length)
{
  gsize used = 0;

  while (!peer->gone && length - used >= 2)
    {
      guint8 *frame = data + used;
      guint8 opcode = frame[0] & 0x0f;
      guint64 payload = frame[1] & 0x7f;
      gsize head = 2;

      /* RFC 6455 5.1 and 5.2: a client masks every frame; no extension sets RSV bits */
      if ((frame[1] & 0x80) == 0 || (frame[0] & 0x70) != 0 ||
          (opcode >= 0x8 && (payload > 125 || (frame[0] & 0x80) == 0)))
        {
          close_peer (peer, CLOSE_PROTOCOL, "protocol error");
          return -1;
        }
      if (payload == 126)
        {
          if (length - used < 4)
            break;
          payload = ((guint64) frame[2] << 8) | frame[3];
          head = 4;
        }
      else if (payload == 127)
        {
          if (length - used < 10)
            break;
          payload = 0;
          for (guint i = 0; i < 8; i++)
            payload = (payload << 8) | frame[2 + i];
          head = 10;
        }
      if (payload > MAX_CLIENT_PAYLOAD)
        {
          close_peer (peer, CLOSE_TOO_BIG, "message too big");
          return -1;
        }
      if (length - used < head + 4 + payload)
        break;

      for (guint64 i = 0; i < payload; i++)
        frame[head + 4 + i] ^= frame[head + (i & 3)];
      handle_frame (peer, opcode, frame + head + 4, payload);
      used += head + 4 + payload;
    }

  return used;
}

static void
read_peer (Peer *peer)
{
  guint8 buffer[4096];

  for (guint round = 0; round < READ_ROUNDS && !peer->gone; round++)
    {
      gssize got = recv (peer->fd, buffer, sizeof buffer, MSG_DONTWAIT);
      GByteArray *in;
      gssize used;

      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
      if (got <= 0)
        {
          g_debug ("WebSocket closed by its peer");
          remove_peer (peer->hub, peer);
          return;
        }

      peer->seen = g_get_monotonic_time ();
      if (peer->in == NULL || peer->in->len == 0)
        {
          used = consume_frames (peer, buffer, got);
          if (used >= 0 && used < got && !peer->gone)
            {
              if (peer->in == NULL)
                peer->in = g_byte_array_new ();
              g_byte_array_append (peer->in, buffer + used, got - used);
            }
          continue;
        }

      in = peer->in;
      g_byte_array_append (in, buffer, got);
      used = consume_frames (peer, in->data, in->len);
      if (used > 0 && !peer->gone)
        g_byte_array_remove_range (in, 0, used);
      if (!peer->gone && in->len > MAX_CLIENT_PAYLOAD + 16)
        close_peer (peer, CLOSE_TOO_BIG, "message too big");
    }
}

static void
write_pending (Peer *peer)
{
  gssize sent;

  if (peer->out == NULL || peer->out->len == 0)
    {
      watch_output (peer, FALSE);
      return;
    }

  sent = send (peer->fd, peer->out->data, peer->out->len, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return;
  if (sent < 0)
    {
      remove_peer (peer->hub, peer);
      return;
    }
  g_byte_array_remove_range (peer->out, 0, sent);
  if (peer->out->len == 0)
    watch_output (peer, FALSE);
}

static gboolean
dk_event_hub_epoll_ready_cb (int          fd,
                             GIOCondition condition,
                             gpointer     user_data)
{
  DkEventHub *self = DK_EVENT_HUB (user_data);
  struct epoll_event events[EPOLL_BATCH];
  int n = epoll_wait (self->epoll_fd, events, EPOLL_BATCH, 0);

  for (int i = 0; i < n; i++)
    {
      Peer *peer = events[i].data.ptr;

      if (peer->gone)
        continue;   /* closed by an earlier event of this batch */
      if (events[i].events & EPOLLOUT)
        write_pending (peer);
      if (!peer->gone && (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
        read_peer (peer);
    }
  flush_dead (self);

  return G_SOURCE_CONTINUE;
}

/* ---- libsoup's connections (TLS) ---- */

static void
dk_event_hub_soup_alive_cb (SoupWebsocketConnection *connection,
                            GBytes                  *message,
                            gpointer                 user_data)
{
  Peer *peer = user_data;

  peer->seen = g_get_monotonic_time ();
}

static void
dk_event_hub_soup_message_cb (SoupWebsocketConnection *connection,
                              gint                     type,
                              GBytes                  *message,
                              gpointer                 user_data)
{
  /* Clients have nothing to say; any message still shows the peer is alive. */
  dk_event_hub_soup_alive_cb (connection, message, user_data);
}

static void
dk_event_hub_soup_closed_cb (SoupWebsocketConnection *connection,
                             gpointer                 user_data)
{
  Peer *peer = user_data;
  DkEventHub *self = peer->hub;

  remove_peer (self, peer);
  g_debug ("WebSocket closed (%u left)", self->peers->len);
  flush_dead (self);
}

/* ---- keepalive ---- */

/* Once a second: pings the plain peers whose interval is up and closes every peer that
 * answered nothing for three intervals. libsoup pings its own connections. */
static gboolean
dk_event_hub_tick_cb (gpointer user_data)
{
  DkEventHub *self = DK_EVENT_HUB (user_data);
  gint64 now = g_get_monotonic_time ();
  gint64 interval = (gint64) self->keepalive_seconds * G_USEC_PER_SEC;
  static const guint8 ping[] = "driftkoll";

  /* backwards: a peer removed is replaced by the last one, already seen */
  for (guint i = self->peers->len; i > 0; i--)
    {
      Peer *peer = g_ptr_array_index (self->peers, i - 1);

      if (now - peer->seen >= 3 * interval)
        {
          g_debug ("Closing a WebSocket that answered no ping");
          close_peer (peer, CLOSE_GOING_AWAY, "no pong");
        }
      else if (peer->soup == NULL && now - peer->pinged >= interval)
        {
          peer->pinged = now;
          send_frame (peer, 0x9, ping, sizeof ping - 1);
        }
    }
  flush_dead (self);

  return G_SOURCE_CONTINUE;
}

/* ---- object ---- */

static void
dk_event_hub_dispose (GObject *object)
{
  DkEventHub *self = DK_EVENT_HUB (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->peers != NULL)
    dk_event_hub_close_all (self);
  g_clear_handle_id (&self->epoll_id, g_source_remove);
  if (self->epoll_fd >= 0)
    close (self->epoll_fd);
  self->epoll_fd = -1;
  g_clear_pointer (&self->peers, g_ptr_array_unref);
  g_clear_pointer (&self->dead, g_ptr_array_unref);
  g_clear_object (&self->metrics);

  G_OBJECT_CLASS (dk_event_hub_parent_class)->dispose (object);
}

static void
dk_event_hub_class_init (DkEventHubClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dk_event_hub_dispose;
}

static void
dk_event_hub_init (DkEventHub *self)
{
  self->peers = g_ptr_array_new ();
  self->dead = g_ptr_array_new_with_free_func ((GDestroyNotify) peer_free);
  self->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (self->epoll_fd < 0)
    g_error ("epoll_create1: %s", g_strerror (errno));
  self->epoll_id = g_unix_fd_add (self->epoll_fd, G_IO_IN, dk_event_hub_epoll_ready_cb, self);
}

/* ---- public ---- */

DkEventHub *
dk_event_hub_new (guint keepalive_seconds)
{
  DkEventHub *self = g_object_new (DK_TYPE_EVENT_HUB, NULL);

  self->keepalive_seconds = MAX (keepalive_seconds, 1);
  self->tick_id = g_timeout_add_seconds (TICK_SECONDS, dk_event_hub_tick_cb, self);

  return self;
}

static Peer *
add_peer (DkEventHub *self,
          GIOStream  *stream)
{
  Peer *peer = g_new0 (Peer, 1);

  peer->hub = self;
  peer->stream = g_object_ref (stream);
  peer->fd = -1;
  peer->seen = peer->pinged = g_get_monotonic_time ();
  peer->index = self->peers->len;
  g_ptr_array_add (self->peers, peer);
  if (self->metrics != NULL)
    dk_server_metrics_websocket_opened (self->metrics);

  return peer;
}

static void
send_last_seq (Peer   *peer,
               gint64  last_seq)
{
  char text[64];
  int length = g_snprintf (text, sizeof text, "{\"last_seq\":%" G_GINT64_FORMAT "}", last_seq);

  if (peer->soup == NULL)
    send_frame (peer, 0x1, (const guint8 *) text, length);
  else if (soup_websocket_connection_get_state (peer->soup) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (peer->soup, text);
}

/**
 * dk_event_hub_add:
 * @connection: a WebSocket libsoup made
 * @last_seq: sent to it at once
 *
 * Takes a connection libsoup speaks WebSocket on (pinged by libsoup's keepalive).
 */
void
dk_event_hub_add (DkEventHub              *self,
                  SoupWebsocketConnection *connection,
                  gint64                   last_seq)
{
  Peer *peer;

  g_return_if_fail (DK_IS_EVENT_HUB (self));
  g_return_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection));

  peer = add_peer (self, soup_websocket_connection_get_io_stream (connection));
  peer->soup = g_object_ref (connection);

  soup_websocket_connection_set_keepalive_interval (connection, self->keepalive_seconds);
  g_signal_connect (connection, "pong", G_CALLBACK (dk_event_hub_soup_alive_cb), peer);
  g_signal_connect (connection, "message", G_CALLBACK (dk_event_hub_soup_message_cb), peer);
  g_signal_connect (connection, "closed", G_CALLBACK (dk_event_hub_soup_closed_cb), peer);

  send_last_seq (peer, last_seq);
}

/* The listener's connection under libsoup's stream, when it is a plain one. */
static DkServerConnection *
find_plain_connection (GIOStream *stream)
{
  g_autoptr(GIOStream) base = NULL;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (stream), "base-iostream") == NULL)
    return NULL;

  g_object_get (stream, "base-iostream", &base, NULL);
  if (!DK_IS_SERVER_CONNECTION (base) ||
      !G_IS_SOCKET_CONNECTION (dk_server_connection_get_base (DK_SERVER_CONNECTION (base))))
    return NULL;

  return DK_SERVER_CONNECTION (base);   /* @stream holds it */
}

/**
 * dk_event_hub_answer_upgrade:
 * @msg: a request for /api/v1/events
 *
 * Checks the WebSocket handshake and answers 101 (no extensions, no subprotocol), or
 * an error status when it is not one; call dk_event_hub_take() on "wrote-informational".
 *
 * Returns: %TRUE when the request was answered with 101
 */
gboolean
dk_event_hub_answer_upgrade (DkEventHub        *self,
                             SoupServerMessage *msg)
{
  g_return_val_if_fail (DK_IS_EVENT_HUB (self), FALSE);

  return soup_websocket_server_process_handshake (msg, NULL, NULL, NULL, NULL);
}

/**
 * dk_event_hub_take:
 * @stream: the connection stolen from @msg after its 101 was written
 * @msg: the upgrade request
 * @last_seq: sent at once
 *
 * Takes an upgraded connection: plain ones into the hub's own epoll set, others (TLS)
 * through libsoup's SoupWebsocketConnection.
 */
void
dk_event_hub_take (DkEventHub        *self,
                   GIOStream         *stream,
                   SoupServerMessage *msg,
                   gint64             last_seq)
{
  DkServerConnection *connection;
  struct epoll_event event = { .events = EPOLLIN | EPOLLRDHUP };
  Peer *peer;

  g_return_if_fail (DK_IS_EVENT_HUB (self));
  g_return_if_fail (G_IS_IO_STREAM (stream));
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  connection = find_plain_connection (stream);
  if (connection == NULL)
    {
      g_autoptr(SoupWebsocketConnection) soup = NULL;
      SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

      soup = soup_websocket_connection_new (stream, soup_server_message_get_uri (msg),
                                            SOUP_WEBSOCKET_CONNECTION_SERVER,
                                            soup_message_headers_get_one (headers, "Origin"),
                                            NULL, NULL);
      dk_event_hub_add (self, soup, last_seq);
      return;
    }

  peer = add_peer (self, stream);
  peer->connection = connection;
  peer->fd = g_socket_get_fd (dk_server_connection_get_socket (connection));
  event.data.ptr = peer;
  if (epoll_ctl (self->epoll_fd, EPOLL_CTL_ADD, peer->fd, &event) != 0)
    {
      g_message ("Could not watch a WebSocket: %s", g_strerror (errno));
      peer->fd = -1;
      remove_peer (self, peer);
      flush_dead (self);
      return;
    }
  g_signal_connect (connection, "closed", G_CALLBACK (dk_event_hub_connection_closed_cb), peer);

  send_last_seq (peer, last_seq);
  flush_dead (self);
}

/* The raw sends of a broadcast, one half of them on a second thread: the time of a
 * broadcast to thousands of sockets is the kernel's, one send() each (on loopback the
 * receiver's side of TCP runs in the sender's call too), and a second core halves it.
 * The thread only calls send(); what the results mean for the peers (a remainder to
 * keep, a peer to drop) is done on the main thread after the join. */
typedef struct {
  Peer         **peers;
  guint          n_peers;
  const guint8  *frame;
  gsize          length;
  gssize        *results;   /* bytes sent, or -errno */
} SendJob;

static gpointer
send_job_run (gpointer data)
{
  SendJob *job = data;

  for (guint i = 0; i < job->n_peers; i++)
    {
      gssize sent = send (job->peers[i]->fd, job->frame, job->length, MSG_NOSIGNAL | MSG_DONTWAIT);

      job->results[i] = sent >= 0 ? sent : -errno;
    }

  return NULL;
}

/* What a raw send of the whole frame to @peer came to, as send_bytes() would take it. */
static void
finish_send (Peer         *peer,
             const guint8 *frame,
             gsize         length,
             gssize        result)
{
  if (result == -EAGAIN || result == -EWOULDBLOCK || result == -EINTR)
    result = 0;
  if (result < 0)
    {
      remove_peer (peer->hub, peer);
      return;
    }
  if ((gsize) result < length)
    {
      if (peer->out == NULL)
        peer->out = g_byte_array_new ();
      g_byte_array_append (peer->out, frame + result, length - result);
      watch_output (peer, TRUE);
    }
}

/* Sends @frame to the plain peers with nothing pending, on two threads when there are
 * enough of them and a second processor. */
static void
send_to_direct (GPtrArray    *direct,
                const guint8 *frame,
                gsize         length)
{
  g_autofree gssize *results = g_new (gssize, direct->len);
  SendJob first = { (Peer **) direct->pdata, direct->len / 2, frame, length, results };
  SendJob second = { (Peer **) direct->pdata + first.n_peers, direct->len - first.n_peers,
                     frame, length, results + first.n_peers };
  GThread *thread = NULL;

  if (direct->len >= PARALLEL_SEND_MIN && g_get_num_processors () > 1)
    thread = g_thread_try_new ("dk-event-send", send_job_run, &second, NULL);

  send_job_run (&first);
  if (thread != NULL)
    g_thread_join (thread);
  else
    send_job_run (&second);

  for (guint i = 0; i < direct->len; i++)
    finish_send (direct->pdata[i], frame, length, results[i]);
}

/**
 * dk_event_hub_broadcast:
 * @last_seq: the newest seq
 *
 * Sends {"last_seq": N} to every open connection.
 */
void
dk_event_hub_broadcast (DkEventHub *self,
                        gint64      last_seq)
{
  g_autoptr(GPtrArray) direct = NULL;
  char text[64];
  guint8 frame[2 + 125];
  gsize frame_length;
  int length;

  g_return_if_fail (DK_IS_EVENT_HUB (self));

  length = g_snprintf (text, sizeof text, "{\"last_seq\":%" G_GINT64_FORMAT "}", last_seq);
  frame_length = build_frame (frame, 0x1, (const guint8 *) text, length);
  direct = g_ptr_array_sized_new (self->peers->len);

  /* backwards: a peer dropped is replaced by the last one, already sent to */
  for (guint i = self->peers->len; i > 0; i--)
    {
      Peer *peer = g_ptr_array_index (self->peers, i - 1);

      if (peer->soup != NULL)
        {
          if (soup_websocket_connection_get_state (peer->soup) == SOUP_WEBSOCKET_STATE_OPEN)
            soup_websocket_connection_send_text (peer->soup, text);
        }
      else if (peer->out != NULL && peer->out->len > 0)
        send_bytes (peer, frame, frame_length);   /* after what waits, in order */
      else
        g_ptr_array_add (direct, peer);
    }

  send_to_direct (direct, frame, frame_length);
  flush_dead (self);
}

guint
dk_event_hub_get_n_connections (DkEventHub *self)
{
  g_return_val_if_fail (DK_IS_EVENT_HUB (self), 0);

  return self->peers->len;
}

/**
 * dk_event_hub_close_all:
 *
 * Closes every connection with "going away" (server shutdown).
 */
void
dk_event_hub_close_all (DkEventHub *self)
{
  g_return_if_fail (DK_IS_EVENT_HUB (self));

  for (guint i = self->peers->len; i > 0; i--)
    {
      Peer *peer = g_ptr_array_index (self->peers, i - 1);

      if (peer->soup != NULL)
        {
          /* libsoup's close completes later; the hub lets go of it now */
          SoupWebsocketConnection *soup = g_object_ref (peer->soup);

          remove_peer (self, peer);
          if (soup_websocket_connection_get_state (soup) == SOUP_WEBSOCKET_STATE_OPEN)
            soup_websocket_connection_close (soup, CLOSE_GOING_AWAY, "server shutting down");
          g_object_unref (soup);
          continue;
        }
      close_peer (peer, CLOSE_GOING_AWAY, "server shutting down");
    }
  flush_dead (self);
}

void
dk_event_hub_set_metrics (DkEventHub      *self,
                          DkServerMetrics *metrics)
{
  g_return_if_fail (DK_IS_EVENT_HUB (self));

  g_set_object (&self->metrics, metrics);
}
