/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-reserve-notifier.c: "reserve routine declared for you" (critical) and "lifted"
 * notifications, for this desktop's unit */

#define G_LOG_DOMAIN "dk-reserve-notifier"

#include "config.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "dk-case-reserve.h"
#include "dk-format.h"
#include "dk-notification.h"
#include "dk-reserve-banner.h"
#include "dk-reserve-notifier.h"

/* The replica's meta key: a JSON object, case id → the id of the declaration told. */
#define META_NOTIFIED "reserve-notified"

struct _DkReserveNotifier
{
  GObject       parent_instance;

  /* owned */
  DkSyncEngine *engine;
  GSettings    *settings;
  GHashTable   *shown;          /* case id → NotifyNotification, kept for its actions */

  /* weak */
  GApplication *app;
};

G_DEFINE_FINAL_TYPE (DkReserveNotifier, dk_reserve_notifier, G_TYPE_OBJECT)

static JsonObject *
read_told (DkStore *store)
{
  g_autofree char *text = dk_store_dup_meta (store, META_NOTIFIED);
  g_autoptr(JsonNode) node = NULL;

  if (text != NULL)
    node = json_from_string (text, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return json_object_new ();

  return json_object_ref (json_node_get_object (node));
}

static void
write_told (DkStore    *store,
            JsonObject *told)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), told);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(GError) error = NULL;

  if (!dk_store_set_meta (store, META_NOTIFIED, text, &error))
    g_warning ("Could not record the reserve notifications: %s", error->message);
}

static void
notify (DkReserveNotifier        *self,
        const DkCase             *kase,
        const DkCaseReserveEvent *event,
        const char               *unit)
{
  const char *app_id = self->app != NULL ? g_application_get_application_id (self->app) : NULL;
  g_autoptr(GString) plain = g_string_new (NULL);
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;
  NotifyNotification *notification;

  g_assert (DK_IS_RESERVE_NOTIFIER (self));

  if (event->declared)
    {
      g_autofree char *units = dk_case_reserve_format_units (event);

      if (unit != NULL && unit[0] != '\0')
        /* Translators: a notification's title; %s is this desktop's unit */
        summary = g_strdup_printf (_("Reserve routine in force for %s"), unit);
      else
        summary = g_strdup (_("Reserve routine in force for all units"));
      g_string_append (plain, kase->title);
      g_string_append_c (plain, '\n');
      /* Translators: a notification's body: "Declared for all units by crisis_communicator" */
      g_string_append_printf (plain, _("Declared for %s by %s"), units,
                              event->author != NULL ? event->author : _("unknown"));
    }
  else
    {
      summary = g_strdup (_("Reserve routine lifted"));
      g_string_append (plain, kase->title);
      g_string_append_c (plain, '\n');
      g_string_append (plain, _("Go back to the usual routine."));
    }
  if (event->text != NULL && event->text[0] != '\0')
    {
      g_string_append_c (plain, '\n');
      g_string_append (plain, event->text);
    }
  body = dk_notification_body (plain->str);

  /* A lifting replaces the declaration's notification. */
  notification = dk_notification_for (self->shown, kase->id, summary, body, app_id);
  dk_notification_prepare (notification, self->app, event->declared, "x-driftkoll.reserve");
  dk_notification_add_action (notification, "default", C_("notification action", "Open"),
                              self->app, "open-case", kase->id);
  dk_notification_add_action (notification, "open", C_("notification action", "Open"),
                              self->app, "open-case", kase->id);

  g_debug ("Notifying the reserve routine %s on %s", event->declared ? "declared" : "lifted",
           kase->id);
  dk_notification_show (notification);
}

/* The latest reserve event of a case, or NULL. */
static const DkCaseReserveEvent *
latest_event (const DkCase *kase)
{
  if (kase->reserve == NULL || kase->reserve->len == 0)
    return NULL;
  return g_ptr_array_index (kase->reserve, kase->reserve->len - 1);
}

static void
look (DkReserveNotifier *self)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);
  const char *me = dk_sync_engine_get_username (self->engine);
  g_autofree char *unit = g_strstrip (g_settings_get_string (self->settings, "unit"));
  g_autofree char *resolved = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(JsonObject) told = NULL;
  g_autoptr(JsonObject) now_told = json_object_new ();
  g_autoptr(GList) members = NULL;
  g_autoptr(GError) error = NULL;
  gboolean enabled = g_settings_get_boolean (self->settings, "notifications");
  gboolean changed = FALSE;

  g_assert (DK_IS_RESERVE_NOTIFIER (self));

  /* Nothing synced yet: nothing is known to be in force. */
  if (dk_store_get_cursor (store) <= 0)
    return;

  /* told under the catalogue's name: a desktop of "Avd 12" hears "Avdelning 12" */
  resolved = dk_store_resolve_unit (store, unit);
  if (resolved != NULL)
    {
      g_free (unit);
      unit = g_steal_pointer (&resolved);
    }
  cases = dk_reserve_cases_for_unit (store, unit, &error);
  if (cases == NULL)
    {
      g_warning ("Could not read the reserve routines in force: %s", error->message);
      return;
    }
  told = read_told (store);

  for (guint i = 0; i < cases->len; i++)
    {
      DkCase *kase = g_ptr_array_index (cases, i);
      const DkCaseReserveEvent *event = dk_case_get_reserve_in_force (kase);
      const char *before = json_object_get_string_member_with_default (told, kase->id, NULL);

      json_object_set_string_member (now_told, kase->id, event->id != NULL ? event->id : "");
      if (g_strcmp0 (before, event->id) == 0)
        continue;
      changed = TRUE;
      /* A declaration not yet answered by the server has no id: it is the user's own. */
      if (event->id == NULL || (me != NULL && g_strcmp0 (event->author, me) == 0))
        continue;
      if (enabled)
        notify (self, kase, event, unit);
    }

  /* What was in force and is no longer: lifted (or the case closed). */
  members = json_object_get_members (told);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *case_id = l->data;
      g_autoptr(DkCase) kase = NULL;
      const DkCaseReserveEvent *event;

      if (json_object_has_member (now_told, case_id))
        continue;
      changed = TRUE;
      kase = dk_store_get_case (store, case_id, NULL);
      event = kase != NULL ? latest_event (kase) : NULL;
      if (event == NULL || event->declared || event->id == NULL ||
          (me != NULL && g_strcmp0 (event->author, me) == 0))
        continue;
      if (enabled)
        notify (self, kase, event, unit);
    }

  if (changed)
    write_told (store, now_told);
}

/* ---- callbacks ---- */

static void
dk_reserve_notifier_changed_cb (DkReserveNotifier *self)
{
  look (self);
}

/* ---- GObject ---- */

static void
dk_reserve_notifier_dispose (GObject *object)
{
  DkReserveNotifier *self = DK_RESERVE_NOTIFIER (object);

  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);
  g_clear_weak_pointer (&self->app);

  G_OBJECT_CLASS (dk_reserve_notifier_parent_class)->dispose (object);
}

static void
dk_reserve_notifier_class_init (DkReserveNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dk_reserve_notifier_dispose;
}

static void
dk_reserve_notifier_init (DkReserveNotifier *self)
{
  self->shown = dk_notification_table_new ();
}

/**
 * dk_reserve_notifier_new:
 * @app: the application whose "open-case" action the notifications call
 * @engine: the sync engine whose replica is watched
 * @settings: the app's settings ("unit", "notifications")
 *
 * Returns: (transfer full): the notifier, watching at once
 */
DkReserveNotifier *
dk_reserve_notifier_new (GApplication *app,
                         DkSyncEngine *engine,
                         GSettings    *settings)
{
  DkReserveNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  dk_notification_init ();

  self = g_object_new (DK_TYPE_RESERVE_NOTIFIER, NULL);
  g_set_weak_pointer (&self->app, app);
  self->engine = g_object_ref (engine);
  self->settings = g_object_ref (settings);

  g_signal_connect_object (engine, "changed", G_CALLBACK (dk_reserve_notifier_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::unit",
                           G_CALLBACK (dk_reserve_notifier_changed_cb), self, G_CONNECT_SWAPPED);

  return self;
}
