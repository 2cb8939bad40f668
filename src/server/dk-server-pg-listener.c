/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-pg-listener.c: LISTEN for the commits of every instance on one PostgreSQL
 *
 * Every instance of a region shares one database; a commit on any of them sends
 * NOTIFY driftkoll_changes, '<seq>' (dk-server-db-pg.c). This object holds a second,
 * idle libpq connection that LISTENs on that channel and tells the server ("changed")
 * so the server fans the seq out to its own WebSockets.
 *
 * Nothing here may block the main loop, which serves every request and socket of the
 * instance: the connection is made with PQconnectStartParams/PQconnectPoll, driven by
 * the readiness of its socket (g_unix_fd_add), and read with PQconsumeInput/PQnotifies.
 * A database that does not answer at all costs a timer, never a frozen server. (A host
 * *name* is still resolved by libpq inside PQconnectPoll; give an address or a Unix
 * socket folder where that matters.)
 *
 * A lost connection (PostgreSQL restarted, the backend terminated, the network gone,
 * found by TCP keepalives) is made again with backoff: 0.2 s doubling to 5 s, each wait
 * jittered so that the instances of a region do not all knock at once. Notifications
 * sent while no one listened are gone for good, so every time LISTEN takes effect again
 * "reconnected" is emitted and the server tells all its clients to pull: a client that
 * pulls and finds nothing new has lost only a round trip.
 */

#define G_LOG_DOMAIN "dk-server-pg-listener"

#include "config.h"

#include <string.h>

#include <glib-unix.h>
#include <libpq-fe.h>

#include "dk-server-db-pg-private.h"
#include "dk-server-pg-listener.h"

#define APPLICATION_NAME       "driftkoll-listener"
#define BACKOFF_FIRST_MS       200
#define BACKOFF_LAST_MS        5000
/* A connection that is not listening this long after it was begun is given up: the
 * database may have vanished without a word (a firewall dropping packets). */
#define CONNECT_TIMEOUT_SECONDS 10

typedef enum {
  STATE_STOPPED,
  STATE_WAITING,     /* no connection; retry_id runs */
  STATE_CONNECTING,  /* PQconnectPoll in progress */
  STATE_SUBSCRIBING, /* LISTEN sent, its result not yet read */
  STATE_LISTENING,
} State;

struct _DkServerPgListener
{
  GObject      parent_instance;

  /* owned */
  char        *conninfo;
  PGconn      *conn;
  GSource     *socket_source;

  /* state */
  State        state;
  int          watched_fd;
  GIOCondition watched_condition;
  guint        retry_id;
  guint        connect_timeout_id;
  guint        backoff_ms;
};

G_DEFINE_FINAL_TYPE (DkServerPgListener, dk_server_pg_listener, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LISTENING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CHANGED,
  SIGNAL_RECONNECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void     start_connecting (DkServerPgListener *self);
static gboolean dk_server_pg_listener_socket_ready_cb (int          fd,
                                                       GIOCondition condition,
                                                       gpointer     user_data);

/* ---- helpers ---- */

static void
set_state (DkServerPgListener *self,
           State               state)
{
  gboolean was_listening = self->state == STATE_LISTENING;

  g_assert (DK_IS_SERVER_PG_LISTENER (self));

  self->state = state;
  if (was_listening != (state == STATE_LISTENING))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LISTENING]);
}

static void
unwatch_socket (DkServerPgListener *self)
{
  if (self->socket_source != NULL)
    {
      g_source_destroy (self->socket_source);
      g_clear_pointer (&self->socket_source, g_source_unref);
    }
  self->watched_fd = -1;
  self->watched_condition = 0;
}

/* Watches the connection's socket for @condition; the socket may change while libpq
 * tries the addresses of a host one after the other. */
static void
watch_socket (DkServerPgListener *self,
              GIOCondition        condition)
{
  int fd = PQsocket (self->conn);

  if (self->socket_source != NULL && fd == self->watched_fd &&
      condition == self->watched_condition)
    return;

  unwatch_socket (self);
  if (fd < 0)
    return;

  self->socket_source = g_unix_fd_source_new (fd, condition | G_IO_ERR | G_IO_HUP);
  g_source_set_callback (self->socket_source,
                         G_SOURCE_FUNC (dk_server_pg_listener_socket_ready_cb), self, NULL);
  g_source_set_static_name (self->socket_source, "[dk-server-pg-listener] socket");
  g_source_attach (self->socket_source, NULL);
  self->watched_fd = fd;
  self->watched_condition = condition;
}

static void
close_connection (DkServerPgListener *self)
{
  unwatch_socket (self);
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  g_clear_pointer (&self->conn, PQfinish);
}

static gboolean
dk_server_pg_listener_retry_cb (gpointer user_data)
{
  DkServerPgListener *self = DK_SERVER_PG_LISTENER (user_data);

  self->retry_id = 0;
  start_connecting (self);

  return G_SOURCE_REMOVE;
}

/* Drops the connection and tries again after the next backoff, jittered by ±25 %. */
static void
schedule_retry (DkServerPgListener *self,
                const char         *why)
{
  guint delay_ms;

  g_assert (DK_IS_SERVER_PG_LISTENER (self));

  if (self->state == STATE_LISTENING)
    g_warning ("Lost the PostgreSQL notification connection: %s", why);
  else
    g_debug ("PostgreSQL notification connection failed: %s", why);

  close_connection (self);
  set_state (self, STATE_WAITING);

  delay_ms = (guint) (self->backoff_ms * g_random_double_range (0.75, 1.25));
  self->backoff_ms = MIN (self->backoff_ms * 2, BACKOFF_LAST_MS);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add (MAX (delay_ms, 1), dk_server_pg_listener_retry_cb, self);
}

/* libpq's words for the last failure, one line, never the conninfo. */
static char *
dup_connection_error (PGconn *conn)
{
  const char *message = conn != NULL ? PQerrorMessage (conn) : NULL;

  if (message == NULL || *message == '\0')
    return g_strdup ("no reason given");

  return g_strstrip (g_strdelimit (g_strdup (message), "\n", ' '));
}

static void
fail_connection (DkServerPgListener *self)
{
  g_autofree char *why = dup_connection_error (self->conn);

  schedule_retry (self, why);
}

/* The FATAL a terminated backend sends, and other notices, go to the debug log rather
 * than libpq's stderr. */
static void
log_notice (void       *user_data,
            const char *message)
{
  g_debug ("PostgreSQL: %s", message);
}

static gboolean
dk_server_pg_listener_connect_timeout_cb (gpointer user_data)
{
  DkServerPgListener *self = DK_SERVER_PG_LISTENER (user_data);

  self->connect_timeout_id = 0;
  schedule_retry (self, "no answer within " G_STRINGIFY (CONNECT_TIMEOUT_SECONDS) " s");

  return G_SOURCE_REMOVE;
}

static void
start_connecting (DkServerPgListener *self)
{
  /* dbname first, expanded as the whole conninfo; the keywords after it win over what
   * the conninfo says. Keepalives find a vanished peer on TCP (ignored on a Unix
   * socket, where a stopped server closes the socket). */
  static const char * const keywords[] = {
    "dbname", "application_name", "keepalives", "keepalives_idle",
    "keepalives_interval", "keepalives_count", NULL
  };
  const char * const values[] = {
    self->conninfo, APPLICATION_NAME, "1", "10", "5", "3", NULL
  };

  g_assert (DK_IS_SERVER_PG_LISTENER (self));
  g_assert (self->conn == NULL);

  self->conn = PQconnectStartParams (keywords, values, 1);
  if (self->conn == NULL)
    {
      schedule_retry (self, "out of memory");
      return;
    }
  if (PQstatus (self->conn) == CONNECTION_BAD)
    {
      fail_connection (self);
      return;
    }

  PQsetNoticeProcessor (self->conn, log_notice, NULL);
  set_state (self, STATE_CONNECTING);
  self->connect_timeout_id = g_timeout_add_seconds (CONNECT_TIMEOUT_SECONDS,
                                                    dk_server_pg_listener_connect_timeout_cb,
                                                    self);
  /* As the libpq manual says: act as if PQconnectPoll had asked to write. */
  watch_socket (self, G_IO_OUT);
}

/* Sends what libpq still holds; watches for writability while it cannot. */
static gboolean
flush_output (DkServerPgListener *self)
{
  int flushed = PQflush (self->conn);

  if (flushed < 0)
    return FALSE;

  watch_socket (self, flushed > 0 ? G_IO_IN | G_IO_OUT : G_IO_IN);
  return TRUE;
}

static void
subscribe (DkServerPgListener *self)
{
  if (PQsetnonblocking (self->conn, 1) != 0 ||
      !PQsendQuery (self->conn, "LISTEN " DK_SERVER_DB_PG_CHANNEL) ||
      !flush_output (self))
    {
      fail_connection (self);
      return;
    }
  set_state (self, STATE_SUBSCRIBING);
}

static void
continue_connecting (DkServerPgListener *self)
{
  switch (PQconnectPoll (self->conn))
    {
    case PGRES_POLLING_READING:
      watch_socket (self, G_IO_IN);
      break;

    case PGRES_POLLING_WRITING:
      watch_socket (self, G_IO_OUT);
      break;

    case PGRES_POLLING_OK:
      subscribe (self);
      break;

    case PGRES_POLLING_FAILED:
    case PGRES_POLLING_ACTIVE:  /* unused since libpq 7.x */
    default:
      fail_connection (self);
      break;
    }
}

/* Reads the results that are complete; FALSE when LISTEN itself failed. */
static gboolean
read_results (DkServerPgListener *self)
{
  while (!PQisBusy (self->conn))
    {
      g_autoptr(PGresult) result = PQgetResult (self->conn);

      if (result == NULL)
        {
          if (self->state == STATE_SUBSCRIBING)
            {
              g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
              self->backoff_ms = BACKOFF_FIRST_MS;
              set_state (self, STATE_LISTENING);
              g_debug ("Listening on %s", DK_SERVER_DB_PG_CHANNEL);
              g_signal_emit (self, signals[SIGNAL_RECONNECTED], 0);
            }
          return TRUE;
        }

      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        return FALSE;
    }

  return TRUE;
}

/* Every notification that arrived in this wakeup; returns the highest seq, 0 for none. */
static gint64
take_notifications (DkServerPgListener *self)
{
  PGnotify *notify;
  gint64 highest = 0;

  while ((notify = PQnotifies (self->conn)) != NULL)
    {
      gint64 seq = 0;

      if (g_strcmp0 (notify->relname, DK_SERVER_DB_PG_CHANNEL) == 0 &&
          g_ascii_string_to_signed (notify->extra, 10, 1, G_MAXINT64, &seq, NULL))
        highest = MAX (highest, seq);
      else
        g_debug ("Ignoring a notification on “%s” with payload “%s”", notify->relname,
                 notify->extra);
      PQfreemem (notify);
    }

  return highest;
}

static void
read_input (DkServerPgListener *self)
{
  gint64 highest;

  if (!PQconsumeInput (self->conn) || PQstatus (self->conn) == CONNECTION_BAD ||
      !flush_output (self) || !read_results (self))
    {
      fail_connection (self);
      return;
    }

  /* Many commits in one wakeup are one "changed" with the newest seq: a client pulls
   * everything up to it anyway. */
  highest = take_notifications (self);
  if (highest > 0)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, highest);
}

static gboolean
dk_server_pg_listener_socket_ready_cb (int          fd,
                                       GIOCondition condition,
                                       gpointer     user_data)
{
  g_autoptr(DkServerPgListener) self = g_object_ref (DK_SERVER_PG_LISTENER (user_data));
  GSource *source = g_main_current_source ();

  switch (self->state)
    {
    case STATE_CONNECTING:
      continue_connecting (self);
      break;

    case STATE_SUBSCRIBING:
    case STATE_LISTENING:
      read_input (self);
      break;

    case STATE_STOPPED:
    case STATE_WAITING:
    default:
      break;
    }

  /* The handlers above may have replaced or dropped this very source. */
  return source == self->socket_source ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* ---- object ---- */

static void
dk_server_pg_listener_dispose (GObject *object)
{
  DkServerPgListener *self = DK_SERVER_PG_LISTENER (object);

  dk_server_pg_listener_stop (self);

  G_OBJECT_CLASS (dk_server_pg_listener_parent_class)->dispose (object);
}

static void
dk_server_pg_listener_finalize (GObject *object)
{
  DkServerPgListener *self = DK_SERVER_PG_LISTENER (object);

  /* The conninfo may hold a password: wipe it, never log it. */
  if (self->conninfo != NULL)
    memset (self->conninfo, 0, strlen (self->conninfo));
  g_clear_pointer (&self->conninfo, g_free);

  G_OBJECT_CLASS (dk_server_pg_listener_parent_class)->finalize (object);
}

static void
dk_server_pg_listener_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  DkServerPgListener *self = DK_SERVER_PG_LISTENER (object);

  switch (prop_id)
    {
    case PROP_LISTENING:
      g_value_set_boolean (value, dk_server_pg_listener_get_listening (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_server_pg_listener_class_init (DkServerPgListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dk_server_pg_listener_dispose;
  object_class->finalize = dk_server_pg_listener_finalize;
  object_class->get_property = dk_server_pg_listener_get_property;

  /**
   * DkServerPgListener:listening:
   *
   * Whether LISTEN is in force on a live connection.
   */
  properties[PROP_LISTENING] =
    g_param_spec_boolean ("listening", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DkServerPgListener::changed:
   * @seq: the highest seq notified since the last emission
   *
   * Some instance committed up to @seq.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  /**
   * DkServerPgListener::reconnected:
   *
   * LISTEN took effect (again, or late at start): notifications sent before it may
   * have been missed, so clients should pull.
   */
  signals[SIGNAL_RECONNECTED] =
    g_signal_new ("reconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
}

static void
dk_server_pg_listener_init (DkServerPgListener *self)
{
  self->state = STATE_STOPPED;
  self->watched_fd = -1;
  self->backoff_ms = BACKOFF_FIRST_MS;
}

/**
 * dk_server_pg_listener_new:
 * @conninfo: the database's connection string, password included
 *
 * Returns: (transfer full): a listener, not yet started
 */
DkServerPgListener *
dk_server_pg_listener_new (const char *conninfo)
{
  DkServerPgListener *self;

  g_return_val_if_fail (conninfo != NULL, NULL);

  self = g_object_new (DK_TYPE_SERVER_PG_LISTENER, NULL);
  self->conninfo = g_strdup (conninfo);

  return self;
}

/**
 * dk_server_pg_listener_start:
 *
 * Begins connecting; "reconnected" follows once LISTEN is in force.
 */
void
dk_server_pg_listener_start (DkServerPgListener *self)
{
  g_return_if_fail (DK_IS_SERVER_PG_LISTENER (self));

  if (self->state != STATE_STOPPED)
    return;

  self->backoff_ms = BACKOFF_FIRST_MS;
  start_connecting (self);
}

/**
 * dk_server_pg_listener_stop:
 *
 * Closes the connection; no signal is emitted after this.
 */
void
dk_server_pg_listener_stop (DkServerPgListener *self)
{
  g_return_if_fail (DK_IS_SERVER_PG_LISTENER (self));

  g_clear_handle_id (&self->retry_id, g_source_remove);
  close_connection (self);
  set_state (self, STATE_STOPPED);
}

/**
 * dk_server_pg_listener_get_listening:
 *
 * Returns: whether LISTEN is in force on a live connection
 */
gboolean
dk_server_pg_listener_get_listening (DkServerPgListener *self)
{
  g_return_val_if_fail (DK_IS_SERVER_PG_LISTENER (self), FALSE);

  return self->state == STATE_LISTENING;
}
