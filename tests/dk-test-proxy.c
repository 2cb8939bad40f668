/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-test-proxy.c: a TCP proxy between a client and the server, for the connection tests
 *
 *   dk-test-proxy UPSTREAM_PORT
 *
 * Listens on 127.0.0.1, port chosen by the system, and prints that port on stdout. Then
 * reads one command a line on stdin, answering "ok" to each:
 *   forward  new connections go through to 127.0.0.1:UPSTREAM_PORT (the start)
 *   drop     a silent cut: nothing goes through any more, either way, on the
 *            connections open now and on new ones; every socket stays open and what
 *            arrives is held (no FIN, no RST: a pulled cable behind a switch, or a peer
 *            that hangs); "forward" again lets it through, as a cable plugged back
 *   reset    every connection open now is reset (RST), and new ones are reset at once
 *   cut MIN MAX SEED
 *            a link that keeps dropping: forwards, but each connection (open now or
 *            new) is closed (FIN both ways) once N more bytes went to the client, N drawn
 *            for each connection uniformly from [MIN, MAX) by a GRand seeded with SEED,
 *            so a run can be repeated; "forward" ends it
 *   slow BYTES_PER_SECOND
 *            a slow link: forwards, but at most BYTES_PER_SECOND towards each client (a
 *            tenth of it every 100 ms), so a test can act while a download runs;
 *            "forward" ends it
 *   stats    answers "ok connections=C cut=K to_client=B": connections accepted, cut
 *            after their N bytes, and bytes written to clients, since the start
 * EOF on stdin ends it. */

#include <gio/gio.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

typedef enum {
  MODE_FORWARD,
  MODE_DROP,
  MODE_RESET,
} Mode;

typedef struct _Pair Pair;

typedef struct {
  Pair          *pair;
  GInputStream  *in;
  GOutputStream *out;           /* NULL until the upstream is connected */
  GByteArray    *queue;         /* read, not yet written */
  GBytes        *writing;       /* being written */
  gboolean       ticking;       /* "slow": waiting for the next tick to write more */
  gboolean       eof;
} Pump;

struct _Pair {
  GSocketConnection *client;
  GSocketConnection *upstream;     /* NULL until connected */
  Pump               to_upstream;
  Pump               to_client;
  gboolean           held;         /* dropped: nothing goes through until "forward" */
  gboolean           limited;      /* "cut": closed once @remaining bytes went to the client */
  guint64            remaining;
  gboolean           connecting;
  gboolean           closed;
  guint              refs;
};

static Mode   mode = MODE_FORWARD;
static guint  upstream_port;
static GList *pairs;

/* "cut" and "stats" */
static GRand  *cut_rand;          /* non-NULL while cutting */
static guint64 cut_min;
static guint64 cut_max;
static guint64 slow_chunk;        /* "slow": bytes a connection may send per tick; 0 off */
static guint   n_connections;
static guint   n_cut;
static guint64 bytes_to_client;

static void pump_read   (Pump *pump);
static void pump_flush  (Pump *pump);
static void pair_connect (Pair *pair);

static Pair *
pair_ref (Pair *pair)
{
  pair->refs++;
  return pair;
}

static void
pair_unref (Pair *pair)
{
  if (--pair->refs > 0)
    return;

  g_clear_object (&pair->client);
  g_clear_object (&pair->upstream);
  g_byte_array_unref (pair->to_upstream.queue);
  g_byte_array_unref (pair->to_client.queue);
  g_free (pair);
}

static void
reset_connection (GSocketConnection *connection)
{
  GSocket *socket;
  struct linger linger = { 1, 0 };

  if (connection == NULL)
    return;

  /* A zero linger makes close () send RST instead of FIN. */
  socket = g_socket_connection_get_socket (connection);
  setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  g_socket_close (socket, NULL);
}

static void
pair_close (Pair    *pair,
            gboolean reset)
{
  if (pair->closed)
    return;

  pair->closed = TRUE;
  pairs = g_list_remove (pairs, pair);
  if (reset)
    {
      reset_connection (pair->client);
      reset_connection (pair->upstream);
    }
  else
    {
      g_io_stream_close (G_IO_STREAM (pair->client), NULL, NULL);
      if (pair->upstream != NULL)
        g_io_stream_close (G_IO_STREAM (pair->upstream), NULL, NULL);
    }
  pair_unref (pair);
}

static gboolean
slow_tick_cb (gpointer user_data)
{
  Pump *pump = user_data;
  Pair *pair = pump->pair;

  pump->ticking = FALSE;
  if (!pair->closed)
    pump_flush (pump);
  pair_unref (pair);
  return G_SOURCE_REMOVE;
}

static void
pump_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pump *pump = user_data;
  Pair *pair = pump->pair;
  gboolean ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL);

  g_clear_pointer (&pump->writing, g_bytes_unref);
  if (!ok)
    pair_close (pair, FALSE);
  else if (!pair->closed && pump == &pair->to_client && slow_chunk > 0)
    {
      pump->ticking = TRUE;
      pair_ref (pair);
      g_timeout_add (100, slow_tick_cb, pump);
    }
  else if (!pair->closed)
    pump_flush (pump);
  pair_unref (pair);
}

/* Writes what was read, unless the pair is held; closes after the last of it. */
static void
pump_flush (Pump *pump)
{
  Pair *pair = pump->pair;

  if (pair->closed || pair->held || pump->out == NULL || pump->writing != NULL || pump->ticking)
    return;

  if (pump->queue->len == 0)
    {
      if (pump->eof)
        pair_close (pair, FALSE);
      return;
    }

  /* Cutting: what still fits in this connection's budget, then the close. */
  if (pump == &pair->to_client && pair->limited)
    {
      gsize length = MIN ((guint64) pump->queue->len, pair->remaining);

      if (length == 0)
        {
          n_cut++;
          pair_close (pair, FALSE);
          return;
        }
      pair->remaining -= length;
      bytes_to_client += length;
      pump->writing = g_bytes_new (pump->queue->data, length);
      g_byte_array_remove_range (pump->queue, 0, length);
      pair_ref (pair);
      g_output_stream_write_all_async (pump->out, g_bytes_get_data (pump->writing, NULL),
                                       length, G_PRIORITY_DEFAULT, NULL, pump_written_cb, pump);
      return;
    }

  /* Slow: one tick's worth now; pump_written_cb waits for the next tick. */
  if (pump == &pair->to_client && slow_chunk > 0)
    {
      gsize length = MIN ((guint64) pump->queue->len, slow_chunk);

      bytes_to_client += length;
      pump->writing = g_bytes_new (pump->queue->data, length);
      g_byte_array_remove_range (pump->queue, 0, length);
      pair_ref (pair);
      g_output_stream_write_all_async (pump->out, g_bytes_get_data (pump->writing, NULL),
                                       length, G_PRIORITY_DEFAULT, NULL, pump_written_cb, pump);
      return;
    }

  if (pump == &pair->to_client)
    bytes_to_client += pump->queue->len;
  pump->writing = g_bytes_new (pump->queue->data, pump->queue->len);
  g_byte_array_set_size (pump->queue, 0);
  pair_ref (pair);
  g_output_stream_write_all_async (pump->out, g_bytes_get_data (pump->writing, NULL),
                                   g_bytes_get_size (pump->writing), G_PRIORITY_DEFAULT, NULL,
                                   pump_written_cb, pump);
}

static void
pump_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pump *pump = user_data;
  Pair *pair = pump->pair;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result,
                                                              NULL);

  if (!pair->closed)
    {
      if (bytes == NULL || g_bytes_get_size (bytes) == 0)
        {
          pump->eof = TRUE;
        }
      else
        {
          g_byte_array_append (pump->queue, g_bytes_get_data (bytes, NULL),
                               g_bytes_get_size (bytes));
          pump_read (pump);
        }
      pump_flush (pump);
    }
  pair_unref (pair);
}

static void
pump_read (Pump *pump)
{
  pair_ref (pump->pair);
  g_input_stream_read_bytes_async (pump->in, 16384, G_PRIORITY_DEFAULT, NULL, pump_read_cb, pump);
}

static void
upstream_connected_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Pair *pair = user_data;
  g_autoptr(GError) error = NULL;
  GSocketConnection *upstream;

  pair->connecting = FALSE;
  upstream = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (object), result, &error);
  if (upstream == NULL)
    {
      g_printerr ("dk-test-proxy: upstream: %s\n", error->message);
      pair_close (pair, TRUE);
      pair_unref (pair);
      return;
    }
  if (pair->closed)
    {
      g_object_unref (upstream);
      pair_unref (pair);
      return;
    }

  pair->upstream = upstream;
  pair->to_upstream.out = g_io_stream_get_output_stream (G_IO_STREAM (upstream));
  pair->to_client.in = g_io_stream_get_input_stream (G_IO_STREAM (upstream));
  pump_read (&pair->to_client);
  pump_flush (&pair->to_upstream);
  pair_unref (pair);
}

static void
pair_connect (Pair *pair)
{
  g_autoptr(GSocketClient) client = NULL;

  if (pair->upstream != NULL || pair->connecting)
    return;

  pair->connecting = TRUE;
  client = g_socket_client_new ();
  g_socket_client_connect_to_host_async (client, "127.0.0.1", upstream_port, NULL,
                                         upstream_connected_cb, pair_ref (pair));
}

/* Gives @pair its budget of bytes towards the client while cutting. */
static void
pair_limit (Pair *pair)
{
  pair->limited = cut_rand != NULL;
  if (pair->limited)
    pair->remaining = cut_min + (guint64) (g_rand_double (cut_rand) * (double) (cut_max - cut_min));
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  Pair *pair = g_new0 (Pair, 1);

  pair->refs = 1;
  pair->client = g_object_ref (connection);
  pair->to_upstream.pair = pair;
  pair->to_upstream.in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  pair->to_upstream.queue = g_byte_array_new ();
  pair->to_client.pair = pair;
  pair->to_client.out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  pair->to_client.queue = g_byte_array_new ();
  pairs = g_list_prepend (pairs, pair);
  n_connections++;
  pair_limit (pair);

  if (mode == MODE_RESET)
    {
      pair_close (pair, TRUE);
      return TRUE;
    }

  /* Held: accepted (the kernel would have anyway), read, and nothing more until the
   * cable is back. */
  pair->held = mode == MODE_DROP;
  pump_read (&pair->to_upstream);
  if (!pair->held)
    pair_connect (pair);

  return TRUE;
}

static gboolean
command_cb (GIOChannel   *channel,
            GIOCondition  condition,
            gpointer      user_data)
{
  GMainLoop *loop = user_data;
  g_autofree char *line = NULL;
  gsize length = 0;

  if (g_io_channel_read_line (channel, &line, &length, NULL, NULL) != G_IO_STATUS_NORMAL)
    {
      g_main_loop_quit (loop);
      return G_SOURCE_REMOVE;
    }
  g_strstrip (line);

  if (g_str_equal (line, "forward"))
    {
      g_autoptr(GList) held = g_list_copy (pairs);

      mode = MODE_FORWARD;
      g_clear_pointer (&cut_rand, g_rand_free);
      slow_chunk = 0;
      for (GList *l = held; l != NULL; l = l->next)
        {
          Pair *pair = l->data;

          pair->held = FALSE;
          pair->limited = FALSE;
          pair_connect (pair);
          pump_flush (&pair->to_upstream);
          pump_flush (&pair->to_client);
        }
    }
  else if (g_str_equal (line, "drop"))
    {
      mode = MODE_DROP;
      for (GList *l = pairs; l != NULL; l = l->next)
        ((Pair *) l->data)->held = TRUE;
    }
  else if (g_str_equal (line, "reset"))
    {
      mode = MODE_RESET;
      while (pairs != NULL)
        pair_close (pairs->data, TRUE);
    }
  else if (g_str_has_prefix (line, "cut "))
    {
      guint64 min = 0, max = 0, seed = 0;
      g_autoptr(GList) open = NULL;

      if (sscanf (line, "cut %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                  &min, &max, &seed) != 3 || min == 0 || max <= min)
        {
          g_printerr ("dk-test-proxy: cut MIN MAX SEED, 0 < MIN < MAX\n");
          g_print ("error\n");
          return G_SOURCE_CONTINUE;
        }
      /* Forwarding as "forward" does, every connection with a budget. */
      mode = MODE_FORWARD;
      g_clear_pointer (&cut_rand, g_rand_free);
      cut_rand = g_rand_new_with_seed ((guint32) seed);
      cut_min = min;
      cut_max = max;
      open = g_list_copy (pairs);
      for (GList *l = open; l != NULL; l = l->next)
        {
          Pair *pair = l->data;

          pair_limit (pair);
          pair->held = FALSE;
          pair_connect (pair);
          pump_flush (&pair->to_upstream);
          pump_flush (&pair->to_client);
        }
    }
  else if (g_str_has_prefix (line, "slow "))
    {
      guint64 rate = 0;

      if (sscanf (line, "slow %" G_GUINT64_FORMAT, &rate) != 1 || rate < 10)
        {
          g_printerr ("dk-test-proxy: slow BYTES_PER_SECOND, at least 10\n");
          g_print ("error\n");
          return G_SOURCE_CONTINUE;
        }
      mode = MODE_FORWARD;
      g_clear_pointer (&cut_rand, g_rand_free);
      slow_chunk = rate / 10;
    }
  else if (g_str_equal (line, "stats"))
    {
      g_print ("ok connections=%u cut=%u to_client=%" G_GUINT64_FORMAT "\n", n_connections,
               n_cut, bytes_to_client);
      return G_SOURCE_CONTINUE;
    }
  else
    {
      g_printerr ("dk-test-proxy: unknown command “%s”\n", line);
      g_print ("error\n");
      return G_SOURCE_CONTINUE;
    }

  g_print ("ok\n");
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GSocketService) service = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GIOChannel) input = NULL;
  g_autoptr(GError) error = NULL;

  if (argc != 2 || (upstream_port = (guint) atoi (argv[1])) == 0)
    {
      g_printerr ("Usage: %s UPSTREAM_PORT\n", argv[0]);
      return 2;
    }

  setvbuf (stdout, NULL, _IOLBF, 0);
  loop = g_main_loop_new (NULL, FALSE);
  service = g_socket_service_new ();
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &effective, &error))
    {
      g_printerr ("dk-test-proxy: %s\n", error->message);
      return 1;
    }
  g_signal_connect (service, "incoming", G_CALLBACK (incoming_cb), NULL);
  g_socket_service_start (service);

  g_print ("%u\n", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));

  input = g_io_channel_unix_new (0);
  g_io_add_watch (input, G_IO_IN | G_IO_HUP | G_IO_ERR, command_cb, loop);
  g_main_loop_run (loop);
  g_clear_pointer (&cut_rand, g_rand_free);

  return 0;
}
