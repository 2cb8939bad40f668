/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-notify-watch.c: a D-Bus monitor that records the Notify calls on the session bus */

#include "config.h"

#include "dk-notify-watch.h"

struct _DkNotifyWatch {
  GDBusConnection *monitor;
  GAsyncQueue     *calls;   /* DkNotifyCall *, filled from GDBus's worker thread */
  guint            filter_id;
};

void
dk_notify_call_free (DkNotifyCall *call)
{
  if (call == NULL)
    return;
  g_free (call->summary);
  g_free (call->body);
  g_strfreev (call->actions);
  g_free (call);
}

/* Runs in GDBus's worker thread: only the queue is touched. */
static GDBusMessage *
filter_cb (GDBusConnection *connection,
           GDBusMessage    *message,
           gboolean         incoming,
           gpointer         user_data)
{
  DkNotifyWatch *self = user_data;
  GVariant *body = g_dbus_message_get_body (message);
  g_autoptr(GVariant) hints = NULL;
  DkNotifyCall *call;

  if (!incoming || g_dbus_message_get_message_type (message) != G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    return message;
  /* A monitor may not send: the calls it sees must not reach GDBus, which would answer
   * them (UnknownMethod) and get the monitor closed. */
  if (g_strcmp0 (g_dbus_message_get_member (message), "Notify") != 0 || body == NULL ||
      !g_variant_is_of_type (body, G_VARIANT_TYPE ("(susssasa{sv}i)")))
    {
      g_object_unref (message);
      return NULL;
    }

  call = g_new0 (DkNotifyCall, 1);
  call->seen_at = g_get_monotonic_time ();
  g_variant_get (body, "(&su&s&s&s^as@a{sv}i)", NULL, NULL, NULL, NULL, NULL,
                 &call->actions, &hints, NULL);
  g_variant_get_child (body, 3, "s", &call->summary);
  g_variant_get_child (body, 4, "s", &call->body);
  call->urgency = 1;
  g_variant_lookup (hints, "urgency", "y", &call->urgency);
  g_async_queue_push (self->calls, call);

  g_object_unref (message);
  return NULL;
}

DkNotifyWatch *
dk_notify_watch_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  const char *rules[] = {
    "type='method_call',interface='org.freedesktop.Notifications',member='Notify'", NULL
  };
  g_autoptr(GVariant) reply = NULL;
  DkNotifyWatch *self = g_new0 (DkNotifyWatch, 1);

  g_assert_no_error (error);
  self->calls = g_async_queue_new_full ((GDestroyNotify) dk_notify_call_free);
  self->monitor = g_dbus_connection_new_for_address_sync (address,
                    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                    G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, &error);
  g_assert_no_error (error);
  self->filter_id = g_dbus_connection_add_filter (self->monitor, filter_cb, self, NULL);
  reply = g_dbus_connection_call_sync (self->monitor, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus.Monitoring", "BecomeMonitor",
                                       g_variant_new ("(^asu)", rules, 0), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);

  return self;
}

void
dk_notify_watch_free (DkNotifyWatch *self)
{
  g_dbus_connection_remove_filter (self->monitor, self->filter_id);
  g_dbus_connection_close_sync (self->monitor, NULL, NULL);
  g_clear_object (&self->monitor);
  g_async_queue_unref (self->calls);
  g_free (self);
}

DkNotifyCall *
dk_notify_watch_next (DkNotifyWatch *self,
                      guint          seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  DkNotifyCall *call;

  while ((call = g_async_queue_try_pop (self->calls)) == NULL &&
         g_get_monotonic_time () < end)
    {
      /* The engine and the notifier run on this thread's main loop. */
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      call = g_async_queue_timeout_pop (self->calls, 5000);
      if (call != NULL)
        break;
    }

  return call;
}

guint
dk_notify_watch_pending (DkNotifyWatch *self)
{
  return MAX (g_async_queue_length (self->calls), 0);
}

gboolean
dk_notify_call_has_action (DkNotifyCall *call,
                           const char   *key,
                           const char   *label)
{
  for (guint i = 0; call->actions[i] != NULL && call->actions[i + 1] != NULL; i += 2)
    if (g_strcmp0 (call->actions[i], key) == 0 && g_strcmp0 (call->actions[i + 1], label) == 0)
      return TRUE;

  return FALSE;
}
