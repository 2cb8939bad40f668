/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-notification.c: what every Driftkoll desktop notification shares (libnotify) */

#define G_LOG_DOMAIN "dk-notification"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-notification.h"

/* What one action button does. */
typedef struct {
  GApplication *app;      /* weak */
  char         *action;   /* an app action, or NULL: activate the app */
  char         *target;
} ActionData;

static void
action_data_free (gpointer data)
{
  ActionData *action_data = data;

  g_clear_weak_pointer (&action_data->app);
  g_free (action_data->action);
  g_free (action_data->target);
  g_free (action_data);
}

static ActionData *
action_data_new (GApplication *app,
                 const char   *action,
                 const char   *target)
{
  ActionData *action_data = g_new0 (ActionData, 1);

  g_set_weak_pointer (&action_data->app, app);
  action_data->action = g_strdup (action);
  action_data->target = g_strdup (target);
  return action_data;
}

static void
dk_notification_action_invoked_cb (NotifyNotification *notification,
                                   char               *action,
                                   gpointer            user_data)
{
  ActionData *action_data = user_data;

  if (action_data->app == NULL)
    return;

  g_debug ("Action %s: %s %s", action, action_data->action ? action_data->action : "activate",
           action_data->target ? action_data->target : "");
  if (action_data->action == NULL)
    g_application_activate (action_data->app);
  else
    g_action_group_activate_action (G_ACTION_GROUP (action_data->app), action_data->action,
                                    g_variant_new_string (action_data->target));
}

static void
dk_notification_closed_cb (NotifyNotification *notification,
                           GHashTable         *shown)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, shown);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value == notification)
      {
        g_hash_table_iter_remove (&iter);
        break;
      }
}

/* A table lets go of a notification: it may go before the notification closes. */
static void
forget_notification (gpointer data)
{
  g_signal_handlers_disconnect_matched (data, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        dk_notification_closed_cb, NULL);
  g_object_unref (data);
}

/**
 * dk_notification_init:
 *
 * Returns: whether libnotify is ready
 */
gboolean
dk_notification_init (void)
{
  if (notify_is_initted () || notify_init (_("Driftkoll")))
    return TRUE;

  g_warning ("Could not set up libnotify: notifications will not show");
  return FALSE;
}

/**
 * dk_notification_body:
 * @text: the body as plain text
 *
 * Escapes the body when the notification server reads markup (dunst, GNOME Shell).
 *
 * Returns: (transfer full): the body to send
 */
char *
dk_notification_body (const char *text)
{
  /* The server of one session does not change while the app runs: asked once. */
  static int body_markup = -1;

  g_return_val_if_fail (text != NULL, NULL);

  if (body_markup < 0)
    {
      GList *caps = notify_get_server_caps ();

      body_markup = g_list_find_custom (caps, "body-markup", (GCompareFunc) g_strcmp0) != NULL;
      g_list_free_full (caps, g_free);
    }

  return body_markup ? g_markup_escape_text (text, -1) : g_strdup (text);
}

/**
 * dk_notification_prepare:
 * @notification: a notification, new or updated
 * @app: (nullable): the application, for its desktop entry
 * @critical: critical urgency (priority 1–2, crisis information)
 * @category: (nullable): the notification's category
 *
 * Sets what every notification of the app carries and clears earlier actions.
 */
void
dk_notification_prepare (NotifyNotification *notification,
                         GApplication       *app,
                         gboolean            critical,
                         const char         *category)
{
  const char *app_id = app != NULL ? g_application_get_application_id (app) : NULL;

  g_return_if_fail (NOTIFY_IS_NOTIFICATION (notification));

  notify_notification_set_urgency (notification, critical ? NOTIFY_URGENCY_CRITICAL
                                                          : NOTIFY_URGENCY_NORMAL);
  notify_notification_set_app_name (notification, _("Driftkoll"));
  if (app_id != NULL)
    notify_notification_set_hint_string (notification, "desktop-entry", app_id);
  if (category != NULL)
    notify_notification_set_category (notification, category);
  notify_notification_clear_actions (notification);
}

/**
 * dk_notification_add_action:
 * @notification: a notification
 * @name: the action's name ("default" for a click on the notification)
 * @label: the button's text
 * @app: (nullable): the application whose action the button activates
 * @app_action: (nullable): an action of @app taking a string, or %NULL to activate @app
 * @target: (nullable): the string given to @app_action
 */
void
dk_notification_add_action (NotifyNotification *notification,
                            const char         *name,
                            const char         *label,
                            GApplication       *app,
                            const char         *app_action,
                            const char         *target)
{
  g_return_if_fail (NOTIFY_IS_NOTIFICATION (notification));

  notify_notification_add_action (notification, name, label,
                                  dk_notification_action_invoked_cb,
                                  action_data_new (app, app_action, target), action_data_free);
}

/**
 * dk_notification_show:
 * @notification: a notification
 */
void
dk_notification_show (NotifyNotification *notification)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (NOTIFY_IS_NOTIFICATION (notification));

  if (!notify_notification_show (notification, &error))
    g_warning ("Could not show a notification: %s", error->message);
}

/**
 * dk_notification_table_new:
 *
 * Returns: (transfer full): an empty table for dk_notification_for()
 */
GHashTable *
dk_notification_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, forget_notification);
}

/**
 * dk_notification_for:
 * @shown: a table from dk_notification_table_new()
 * @id: the id of what the notification is about
 * @summary: its title
 * @body: its body, from dk_notification_body()
 * @app_icon: (nullable): its icon
 *
 * A later change of the same case or run replaces its notification rather than adding
 * one; a notification the person closed is forgotten.
 *
 * Returns: (transfer none): the notification, held by @shown
 */
NotifyNotification *
dk_notification_for (GHashTable *shown,
                     const char *id,
                     const char *summary,
                     const char *body,
                     const char *app_icon)
{
  NotifyNotification *notification;

  g_return_val_if_fail (shown != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  notification = g_hash_table_lookup (shown, id);
  if (notification != NULL)
    {
      notify_notification_update (notification, summary, body, app_icon);
      return notification;
    }

  notification = notify_notification_new (summary, body, app_icon);
  g_signal_connect (notification, "closed", G_CALLBACK (dk_notification_closed_cb), shown);
  g_hash_table_insert (shown, g_strdup (id), notification);

  return notification;
}
