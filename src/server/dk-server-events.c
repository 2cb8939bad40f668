/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-events.c: the WebSocket fan-out of "something changed" */

#define G_LOG_DOMAIN "dk-server-events"

#include "config.h"

#include "dk-server-events.h"

struct _DkEventHub
{
  GObject     parent_instance;

  GHashTable *connections;   /* SoupWebsocketConnection * → gint64 * (monotonic µs of last sign of life) */
  guint       keepalive_seconds;
  guint       reaper_id;
};

G_DEFINE_FINAL_TYPE (DkEventHub, dk_event_hub, G_TYPE_OBJECT)

static void
send_last_seq (SoupWebsocketConnection *connection,
               gint64                   last_seq)
{
  g_autofree char *text = NULL;

  if (soup_websocket_connection_get_state (connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  text = g_strdup_printf ("{\"last_seq\":%" G_GINT64_FORMAT "}", last_seq);
  soup_websocket_connection_send_text (connection, text);
}

static void
mark_alive (DkEventHub              *self,
            SoupWebsocketConnection *connection)
{
  gint64 *seen = g_hash_table_lookup (self->connections, connection);

  if (seen != NULL)
    *seen = g_get_monotonic_time ();
}

static void
dk_event_hub_connection_ponged_cb (SoupWebsocketConnection *connection,
                                   GBytes                  *message,
                                   gpointer                 user_data)
{
  mark_alive (DK_EVENT_HUB (user_data), connection);
}

static void
dk_event_hub_connection_message_cb (SoupWebsocketConnection *connection,
                                    gint                     type,
                                    GBytes                  *message,
                                    gpointer                 user_data)
{
  /* Clients have nothing to say; any message still shows the peer is alive. */
  mark_alive (DK_EVENT_HUB (user_data), connection);
}

static void
dk_event_hub_connection_closed_cb (SoupWebsocketConnection *connection,
                                   gpointer                 user_data)
{
  DkEventHub *self = DK_EVENT_HUB (user_data);

  g_debug ("WebSocket closed (%u left)", g_hash_table_size (self->connections) - 1);
  g_signal_handlers_disconnect_by_data (connection, self);
  g_hash_table_remove (self->connections, connection);
}

static gboolean
dk_event_hub_reap_cb (gpointer user_data)
{
  DkEventHub *self = DK_EVENT_HUB (user_data);
  gint64 limit = g_get_monotonic_time () - 3 * (gint64) self->keepalive_seconds * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) dead = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (*(gint64 *) value < limit)
      g_ptr_array_add (dead, key);

  for (guint i = 0; i < dead->len; i++)
    {
      /* closing already: its close frame went out on an earlier tick */
      if (soup_websocket_connection_get_state (dead->pdata[i]) != SOUP_WEBSOCKET_STATE_OPEN)
        continue;
      g_debug ("Closing a WebSocket that answered no ping");
      soup_websocket_connection_close (dead->pdata[i], SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                       "no pong");
    }

  return G_SOURCE_CONTINUE;
}

static void
dk_event_hub_dispose (GObject *object)
{
  DkEventHub *self = DK_EVENT_HUB (object);

  g_clear_handle_id (&self->reaper_id, g_source_remove);
  if (self->connections != NULL)
    dk_event_hub_close_all (self);
  g_clear_pointer (&self->connections, g_hash_table_unref);

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
  self->connections = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
}

DkEventHub *
dk_event_hub_new (guint keepalive_seconds)
{
  DkEventHub *self = g_object_new (DK_TYPE_EVENT_HUB, NULL);

  self->keepalive_seconds = MAX (keepalive_seconds, 1);
  self->reaper_id = g_timeout_add_seconds (self->keepalive_seconds, dk_event_hub_reap_cb, self);

  return self;
}

void
dk_event_hub_add (DkEventHub              *self,
                  SoupWebsocketConnection *connection,
                  gint64                   last_seq)
{
  gint64 *seen;

  g_return_if_fail (DK_IS_EVENT_HUB (self));
  g_return_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection));

  seen = g_new (gint64, 1);
  *seen = g_get_monotonic_time ();
  g_hash_table_insert (self->connections, g_object_ref (connection), seen);

  soup_websocket_connection_set_keepalive_interval (connection, self->keepalive_seconds);
  g_signal_connect (connection, "pong", G_CALLBACK (dk_event_hub_connection_ponged_cb), self);
  g_signal_connect (connection, "message", G_CALLBACK (dk_event_hub_connection_message_cb), self);
  g_signal_connect (connection, "closed", G_CALLBACK (dk_event_hub_connection_closed_cb), self);

  send_last_seq (connection, last_seq);
}

void
dk_event_hub_broadcast (DkEventHub *self,
                        gint64      last_seq)
{
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (DK_IS_EVENT_HUB (self));

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    send_last_seq (key, last_seq);
}

guint
dk_event_hub_get_n_connections (DkEventHub *self)
{
  g_return_val_if_fail (DK_IS_EVENT_HUB (self), 0);

  return g_hash_table_size (self->connections);
}

void
dk_event_hub_close_all (DkEventHub *self)
{
  g_autoptr(GList) connections = NULL;

  g_return_if_fail (DK_IS_EVENT_HUB (self));

  connections = g_hash_table_get_keys (self->connections);
  for (GList *l = connections; l != NULL; l = l->next)
    {
      SoupWebsocketConnection *connection = l->data;

      g_signal_handlers_disconnect_by_data (connection, self);
      if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                         "server shutting down");
    }
  g_hash_table_remove_all (self->connections);
}
