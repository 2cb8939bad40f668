/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-report-notifier.c: tells reporters when their reports change state */

#define G_LOG_DOMAIN "dk-report-notifier"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libnotify/notify.h>

#include "dk-notification.h"
#include "dk-report-notifier.h"

struct _DkReportNotifier
{
  GObject       parent_instance;

  /* owned */
  DkSyncEngine *engine;
  GSettings    *settings;
  GHashTable   *shown;         /* report id → NotifyNotification */

  /* weak */
  GApplication *app;

  /* state */
  guint         start_look;
  gboolean      pending;
};

/* A handler's change older than this is not told to a desktop that never saw the report. */
#define STALE_DAYS 7

G_DEFINE_FINAL_TYPE (DkReportNotifier, dk_report_notifier, G_TYPE_OBJECT)

/* What a notification tells of a report: its state, and the case it is linked to. */
static char *
dup_told_state (const DkReport *report)
{
  if (report->state == DK_REPORT_STATE_LINKED && report->case_number != NULL)
    return g_strdup_printf ("%s:%s", dk_report_state_to_string (report->state),
                            report->case_number);
  return g_strdup (dk_report_state_to_string (report->state));
}

static char *
dup_meta_key (const char *username)
{
  return g_strdup_printf ("report-notified:%s", username);
}

static void
notify_report (DkReportNotifier *self,
               const DkReport   *report,
               const char       *service_name)
{
  const char *app_id = self->app != NULL ? g_application_get_application_id (self->app) : NULL;
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;
  GString *text = g_string_new (NULL);
  const char *case_number = NULL;
  const char *case_id = NULL;
  const char *note = NULL;
  NotifyNotification *notification;

  case_number = report->case_number;
  case_id = report->case_id;
  note = report->note;

  switch (report->state)
    {
    case DK_REPORT_STATE_ACKNOWLEDGED:
      /* Translators: a notification's title: "Report FA-12 acknowledged" */
      summary = g_strdup_printf (_("Report %s acknowledged"), report->number);
      break;
    case DK_REPORT_STATE_LINKED:
      /* Translators: a notification's title: "Report FA-12 is now case DK-1042" */
      summary = case_number != NULL ? g_strdup_printf (_("Report %s is now case %s"),
                                                       report->number, case_number)
                                    : g_strdup_printf (_("Report %s linked to a case"),
                                                       report->number);
      break;
    case DK_REPORT_STATE_CLOSED:
      /* Translators: a notification's title: "Report FA-12 closed" */
      summary = g_strdup_printf (_("Report %s closed"), report->number);
      break;
    case DK_REPORT_STATE_NEW:
    default:
      summary = g_strdup_printf (_("Report %s: %s"), report->number,
                                 dk_report_state_label (report->state));
      break;
    }

  /* Translators: the first line of a report's notification: its service and unit */
  g_string_append_printf (text, _("%s, %s"), service_name, report->unit);
  if (report->state == DK_REPORT_STATE_LINKED && case_number != NULL)
    {
      g_string_append_c (text, '\n');
      /* Translators: %s is a case number, "DK-1042" */
      g_string_append_printf (text, _("The service desk handles it as case %s: follow the "
                                      "case for what happens next."), case_number);
    }
  if (note != NULL && *note != '\0')
    {
      g_string_append_c (text, '\n');
      g_string_append (text, note);
    }
  body = dk_notification_body (text->str);
  g_string_free (text, TRUE);

  notification = dk_notification_for (self->shown, report->id, summary, body, app_id);
  dk_notification_prepare (notification, self->app, FALSE, "x-driftkoll.report");
  if (case_id != NULL)
    {
      dk_notification_add_action (notification, "default", C_("notification action", "Open case"),
                                  self->app, "open-case", case_id);
      dk_notification_add_action (notification, "open-case",
                                  C_("notification action", "Open case"),
                                  self->app, "open-case", case_id);
    }
  else
    dk_notification_add_action (notification, "default", C_("notification action", "Open"),
                                self->app, NULL, NULL);

  g_debug ("Telling of report %s: %s", report->number, summary);
  dk_notification_show (notification);
}

static void
look_at_reports (DkReportNotifier *self)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);
  const char *me = dk_sync_engine_get_username (self->engine);
  g_autofree char *key = NULL;
  g_autofree char *told_text = NULL;
  g_autoptr(JsonNode) told_node = NULL;
  g_autoptr(JsonNode) new_node = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *new_text = NULL;
  JsonObject *told = NULL;
  JsonObject *now_told;
  gboolean first_look;
  gboolean changed = FALSE;
  gboolean notify = g_settings_get_boolean (self->settings, "notifications");
  gint64 now = dk_time_now ();

  self->pending = FALSE;
  if (me == NULL)
    return;

  key = dup_meta_key (me);
  told_text = dk_store_dup_meta (store, key);
  first_look = told_text == NULL;
  if (told_text != NULL)
    {
      told_node = json_from_string (told_text, NULL);
      if (told_node != NULL && JSON_NODE_HOLDS_OBJECT (told_node))
        told = json_node_get_object (told_node);
    }

  reports = dk_store_list_reports (store, &error);
  if (reports == NULL)
    {
      g_warning ("Could not read the reports: %s", error->message);
      return;
    }

  now_told = json_object_new ();
  new_node = json_node_init_object (json_node_alloc (), now_told);
  json_object_unref (now_told);

  for (guint i = 0; i < reports->len; i++)
    {
      const DkReport *report = g_ptr_array_index (reports, i);
      g_autofree char *state = NULL;
      const char *before;

      if (g_strcmp0 (report->created_by, me) != 0 || report->number == NULL ||
          dk_store_is_pending (store, DK_TYPE_NAME_REPORT, report->id))
        continue;

      state = dup_told_state (report);
      before = told != NULL && json_object_has_member (told, report->id)
                 ? json_object_get_string_member (told, report->id) : NULL;
      json_object_set_string_member (now_told, report->id, state);
      if (g_strcmp0 (before, state) == 0)
        continue;
      changed = TRUE;
      /* A report not seen before is news only when a handler changed it lately (it
       * was linked while this desktop was away, or before its first look). */
      if (before == NULL &&
          (report->state == DK_REPORT_STATE_NEW || report->handled_at == DK_TIME_UNSET ||
           report->handled_at < now - STALE_DAYS * 86400))
        continue;
      if (!notify)
        continue;

      {
        g_autoptr(DkService) service = report->service != NULL
                                         ? dk_store_get_service (store, report->service, NULL)
                                         : NULL;

        notify_report (self, report, service != NULL ? service->name : report->service);
      }
    }

  if (!changed && !first_look)
    return;
  new_text = json_to_string (new_node, FALSE);
  if (!dk_store_set_meta (store, key, new_text, &error))
    g_warning ("Could not record what was told of the reports: %s", error->message);
}

static gboolean
dk_report_notifier_start_look_cb (gpointer user_data)
{
  DkReportNotifier *self = user_data;

  self->start_look = 0;
  look_at_reports (self);
  return G_SOURCE_REMOVE;
}

static void
dk_report_notifier_engine_changed_cb (DkSyncEngine     *engine,
                                      DkReportNotifier *self)
{
  /* A sync applies its pages one by one: look once, when it ends. */
  if (dk_sync_engine_get_state (engine) == DK_SYNC_STATE_SYNCING)
    {
      self->pending = TRUE;
      return;
    }

  look_at_reports (self);
}

static void
dk_report_notifier_engine_state_changed_cb (DkSyncEngine     *engine,
                                            GParamSpec       *pspec,
                                            DkReportNotifier *self)
{
  if (self->pending && dk_sync_engine_get_state (engine) != DK_SYNC_STATE_SYNCING)
    look_at_reports (self);
}

static void
dk_report_notifier_dispose (GObject *object)
{
  DkReportNotifier *self = (DkReportNotifier *) object;

  g_clear_handle_id (&self->start_look, g_source_remove);
  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);
  g_clear_weak_pointer (&self->app);

  G_OBJECT_CLASS (dk_report_notifier_parent_class)->dispose (object);
}

static void
dk_report_notifier_class_init (DkReportNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dk_report_notifier_dispose;
}

static void
dk_report_notifier_init (DkReportNotifier *self)
{
  self->shown = dk_notification_table_new ();
}

/**
 * dk_report_notifier_new:
 * @app: the application whose "open-case" action the notification calls
 * @engine: the sync engine whose replica is watched
 * @settings: the app's settings ("notifications")
 *
 * Returns: (transfer full): the report notifier, watching at once
 */
DkReportNotifier *
dk_report_notifier_new (GApplication *app,
                        DkSyncEngine *engine,
                        GSettings    *settings)
{
  DkReportNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  dk_notification_init ();

  self = g_object_new (DK_TYPE_REPORT_NOTIFIER, NULL);
  g_set_weak_pointer (&self->app, app);
  self->engine = g_object_ref (engine);
  self->settings = g_object_ref (settings);

  g_signal_connect_object (engine, "changed", G_CALLBACK (dk_report_notifier_engine_changed_cb),
                           self, 0);
  g_signal_connect_object (engine, "notify::state",
                           G_CALLBACK (dk_report_notifier_engine_state_changed_cb), self, 0);
  self->start_look = g_idle_add (dk_report_notifier_start_look_cb, self);

  return self;
}
