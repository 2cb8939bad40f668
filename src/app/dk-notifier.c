/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-notifier.c: desktop notifications when a followed case is published, changes or closes */

#define G_LOG_DOMAIN "dk-notifier"

#include "config.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "dk-notification.h"
#include "dk-notifier.h"
#include "dk-store-notify.h"
#include "dk-store-reminders.h"

/* At most this many titles in the body of a summary notification. */
#define SUMMARY_TITLES 5

typedef enum {
  EVENT_NONE,
  EVENT_PUBLISHED,
  EVENT_STATUS,
  EVENT_END,
  EVENT_CLOSED,
} Event;

struct _DkNotifier
{
  GObject             parent_instance;

  /* owned */
  DkSyncEngine       *engine;
  GSettings          *settings;
  GHashTable         *shown;          /* case id → NotifyNotification, kept for its actions */
  NotifyNotification *summary;

  /* weak */
  GApplication       *app;

  /* state */
  gboolean            catching_up;    /* after a start or a long offline spell */
  gint64              offline_since;  /* monotonic µs, 0 while online */
  guint               catch_up_seconds;
};

G_DEFINE_FINAL_TYPE (DkNotifier, dk_notifier, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CATCH_UP_SECONDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static Event
classify (const DkNotifiedCase *before,   /* (nullable) */
          const DkNotifiedCase *now)
{
  if (before == NULL)
    return now->closed ? EVENT_CLOSED : EVENT_PUBLISHED;
  if (before->closed)
    return EVENT_NONE;  /* closed stays closed; follow-up notes are not news */
  if (now->closed)
    return EVENT_CLOSED;
  if (before->status != now->status || before->phrase != now->phrase)
    return EVENT_STATUS;
  if (before->expected_end != now->expected_end)
    return EVENT_END;

  return EVENT_NONE;
}

/* What the user did, on this desktop or another, is no news to them: a case they
 * published, or a change that came with a new update of theirs (an update, a close and a
 * publish each add one; the server stamps its author). */
static gboolean
is_own_change (const DkCase         *kase,
               const DkNotifiedCase *before,  /* (nullable) */
               const DkNotifiedCase *now,
               const char           *me)
{
  const DkCaseUpdate *latest;

  if (me == NULL)
    return FALSE;
  if (before == NULL)
    return g_strcmp0 (kase->publisher, me) == 0;

  latest = dk_case_get_latest_update (kase);
  return latest != NULL && g_strcmp0 (latest->author, me) == 0 &&
         g_strcmp0 (now->last_update, before->last_update) != 0;
}

static const char *
event_label (Event event)
{
  switch (event)
    {
    case EVENT_PUBLISHED:
      /* Translators: the first line of a notification: the case was just published */
      return _("Published");
    case EVENT_STATUS:
      /* Translators: the first line of a notification: the case's status changed */
      return _("New status");
    case EVENT_END:
      /* Translators: the first line of a notification: a new estimated end time */
      return _("New estimated end");
    case EVENT_CLOSED:
      /* Translators: the first line of a notification: the case was closed */
      return _("Closed");
    case EVENT_NONE:
    default:
      g_assert_not_reached ();
    }
}

static char *
format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_seconds);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("?");
  local = g_date_time_to_local (utc);

  /* Translators: how a time shows in a notification (g_date_time_format), such as
   * "1 Dec 14:30"; Swedish and Norwegian put the day first as well. */
  /* xgettext:no-c-format */
  return g_date_time_format (local, C_("notification time", "%-d %b %H:%M"));
}

static gboolean
is_critical (const DkCase *kase)
{
  return kase->priority <= 2 || kase->kind == DK_CASE_KIND_CRISIS;
}

/* "Published — IT/Telephony", the status phrase, the estimated end. */
static char *
build_body (const DkCase *kase,
            Event         event)
{
  DkCaseUpdate *latest = dk_case_get_latest_update (kase);
  GString *body = g_string_new (NULL);
  g_autofree char *when = NULL;

  /* Translators: the first line of a notification: what happened, then the area */
  g_string_append_printf (body, _("%s — %s"), event_label (event), dk_area_label (kase->area));
  g_string_append_c (body, '\n');
  g_string_append (body, latest != NULL ? dk_update_phrase_label (latest->phrase)
                                        : dk_case_status_label (kase->status));
  g_string_append_c (body, '\n');

  if (kase->closed_at != DK_TIME_UNSET)
    {
      when = format_time (kase->closed_at);
      /* Translators: the last line of a notification about a closed case */
      g_string_append_printf (body, _("Closed at %s"), when);
    }
  else if (kase->expected_end != DK_TIME_UNSET)
    {
      when = format_time (kase->expected_end);
      /* Translators: the last line of a notification: when the case is expected to end */
      g_string_append_printf (body, _("Estimated end: %s"), when);
    }
  else
    {
      g_string_append (body, _("Estimated end: not known"));
    }

  return g_string_free (body, FALSE);
}

/**
 * dk_notifier_dup_published_body:
 * @kase: a case
 *
 * The body of the notification a follower gets when @kase is published, for the
 * composer's preview: the very text notify_case () shows.
 *
 * Returns: (transfer full): the body, plain text
 */
char *
dk_notifier_dup_published_body (const DkCase *kase)
{
  g_return_val_if_fail (kase != NULL, NULL);

  return build_body (kase, EVENT_PUBLISHED);
}

/* A routine for one of the case's services, or NULL. */
static DkRoutine *
find_routine (DkStore      *store,
              const DkCase *kase)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) routines = NULL;

  if (kase->services->len == 0)
    return NULL;

  routines = dk_store_list_routines (store, &error);
  if (routines == NULL)
    {
      g_warning ("Could not read the routines: %s", error->message);
      return NULL;
    }

  for (guint i = 0; i < routines->len; i++)
    {
      DkRoutine *routine = g_ptr_array_index (routines, i);

      for (guint j = 0; j < kase->services->len; j++)
        if (g_ptr_array_find_with_equal_func (routine->services,
                                              g_ptr_array_index (kase->services, j),
                                              g_str_equal, NULL))
          return dk_routine_ref (routine);
    }

  return NULL;
}

static void
notify_case (DkNotifier   *self,
             const DkCase *kase,
             Event         event)
{
  const char *app_id = self->app != NULL ? g_application_get_application_id (self->app) : NULL;
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autoptr(DkRoutine) routine = find_routine (store, kase);
  g_autofree char *plain = build_body (kase, event);
  g_autofree char *body = dk_notification_body (plain);
  NotifyNotification *notification;

  g_assert (DK_IS_NOTIFIER (self));

  /* A later change of the same case replaces its notification. */
  notification = dk_notification_for (self->shown, kase->id, kase->title, body, app_id);

  dk_notification_prepare (notification, self->app, is_critical (kase), "x-driftkoll.case");
  dk_notification_add_action (notification, "default", C_("notification action", "Open"),
                              self->app, "open-case", kase->id);
  dk_notification_add_action (notification, "open", C_("notification action", "Open"),
                              self->app, "open-case", kase->id);
  if (routine != NULL)
    dk_notification_add_action (notification, "open-routine",
                                C_("notification action", "Open reserve routine"), self->app,
                                "open-routine", routine->id);

  g_debug ("Notifying %s (%s)", kase->id, kase->title);
  dk_notification_show (notification);
}

/* One notification for many changes, listing the first few titles. */
static void
notify_summary (DkNotifier *self,
                GPtrArray  *cases)
{
  g_autoptr(GString) plain = g_string_new (NULL);
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;
  gboolean critical = FALSE;
  guint n = cases->len;

  for (guint i = 0; i < n; i++)
    {
      const DkCase *kase = g_ptr_array_index (cases, i);

      critical |= is_critical (kase);
      if (i < SUMMARY_TITLES)
        g_string_append_printf (plain, "%s%s", i > 0 ? "\n" : "", kase->title);
    }
  if (n > SUMMARY_TITLES)
    {
      g_string_append_c (plain, '\n');
      g_string_append_printf (plain,
                              g_dngettext (GETTEXT_PACKAGE, "and %u more", "and %u more",
                                           n - SUMMARY_TITLES),
                              n - SUMMARY_TITLES);
    }

  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u followed case changed while you were offline",
                                          "%u followed cases changed while you were offline",
                                          n), n);
  body = dk_notification_body (plain->str);

  if (self->summary == NULL)
    self->summary = notify_notification_new (summary, body,
                                             self->app != NULL
                                               ? g_application_get_application_id (self->app)
                                               : NULL);
  else
    notify_notification_update (self->summary, summary, body,
                                g_application_get_application_id (self->app));

  dk_notification_prepare (self->summary, self->app, critical, NULL);
  dk_notification_add_action (self->summary, "default", C_("notification action", "Open"),
                              self->app, NULL, NULL);
  dk_notification_add_action (self->summary, "open", C_("notification action", "Open"),
                              self->app, NULL, NULL);

  g_debug ("Notifying a summary of %u changes", n);
  dk_notification_show (self->summary);
}

/* One switch, one meaning: the settings key "notifications" (Preferences, General).
 * The subscription's "notify" stays on the wire for older clients but decides nothing
 * here: a "no" saved by an older version's second switch must not silence this one. */
static gboolean
notifications_enabled (DkNotifier *self)
{
  return g_settings_get_boolean (self->settings, "notifications");
}

static DkSubscription *
load_subscription (DkNotifier *self)
{
  g_autoptr(GError) error = NULL;
  DkStore *store = dk_sync_engine_get_store (self->engine);
  DkSubscription *subscription = dk_store_get_subscription (store, &error);

  if (error != NULL)
    g_warning ("Could not read the subscription: %s", error->message);
  if (subscription == NULL)
    subscription = dk_subscription_new_default (dk_sync_engine_get_username (self->engine));

  return subscription;
}

/* Looks at the followed cases that changed since the notify cursor, tells the user
 * (one notification each, or one summary when catching up), and records what was told. */
static void
look_at_changes (DkNotifier *self,
                 gboolean    catching_up)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autoptr(DkSubscription) subscription = load_subscription (self);
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_notified_case_free);
  g_autoptr(GPtrArray) news = g_ptr_array_new ();
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (Event));
  g_autoptr(GError) error = NULL;
  const char *me = dk_sync_engine_get_username (self->engine);
  gint64 cursor = dk_store_get_notify_cursor (store);
  gint64 last_seq = 0;
  gboolean first_look = cursor < 0;

  g_assert (DK_IS_NOTIFIER (self));

  /* Nothing synced yet: the first look waits for the first sync. */
  if (first_look && dk_store_get_cursor (store) <= 0)
    return;

  changed = dk_store_list_followed_changes (store, subscription, MAX (cursor, 0), &last_seq,
                                            &error);
  if (changed == NULL)
    {
      g_warning ("Could not read what changed: %s", error->message);
      return;
    }

  for (guint i = 0; i < changed->len; i++)
    {
      const DkCase *kase = g_ptr_array_index (changed, i);
      g_autoptr(DkNotifiedCase) before = dk_store_get_notified (store, kase->id, &error);
      DkNotifiedCase *now;
      Event event;

      if (error != NULL)
        {
          g_warning ("Could not read what was notified: %s", error->message);
          return;
        }
      now = dk_notified_case_new (kase);
      event = classify (before, now);
      if (event != EVENT_NONE && is_own_change (kase, before, now, me))
        {
          g_debug ("Not telling %s of their own change to %s", me, kase->id);
          event = EVENT_NONE;
        }
      /* A planned action the user was reminded of: its reminders tell its
       * extension and its closing (dk-planned-reminder.c). */
      if ((event == EVENT_CLOSED ||
           (event == EVENT_END && now->expected_end > before->expected_end)) &&
          dk_store_reminder_was_told (store, kase->id))
        event = EVENT_NONE;
      g_ptr_array_add (states, now);
      if (event != EVENT_NONE)
        {
          g_ptr_array_add (news, (gpointer) kase);
          g_array_append_val (events, event);
        }
    }

  /* The first look at a replica takes what is there as known: old news is no news. */
  if (first_look)
    g_debug ("First look: %u followed cases taken as known", states->len);
  else if (news->len == 0)
    ;
  else if (!notifications_enabled (self))
    g_debug ("Notifications are off: %u changes not shown", news->len);
  else if (catching_up && news->len > 1)
    notify_summary (self, news);
  else
    for (guint i = 0; i < news->len; i++)
      notify_case (self, g_ptr_array_index (news, i), g_array_index (events, Event, i));

  if (!dk_store_record_notified (store, states, last_seq, &error))
    g_warning ("Could not record what was notified: %s", error->message);
}

static void
dk_notifier_engine_changed_cb (DkSyncEngine *engine,
                               DkNotifier   *self)
{
  DkStore *store = dk_sync_engine_get_store (engine);

  /* Catching up, and the first look at a replica, wait for the end of the sync: every
   * page counts in one summary, and a first sync is taken as known as a whole. */
  if (dk_sync_engine_get_state (engine) == DK_SYNC_STATE_SYNCING &&
      (self->catching_up || dk_store_get_notify_cursor (store) < 0))
    {
      self->catching_up = TRUE;
      return;
    }

  look_at_changes (self, self->catching_up);
  self->catching_up = FALSE;
}

static void
dk_notifier_engine_state_changed_cb (DkSyncEngine *engine,
                                     GParamSpec   *pspec,
                                     DkNotifier   *self)
{
  DkSyncState state = dk_sync_engine_get_state (engine);
  gint64 now = g_get_monotonic_time ();

  if (state == DK_SYNC_STATE_OFFLINE || state == DK_SYNC_STATE_NEEDS_LOGIN)
    {
      if (self->offline_since == 0)
        self->offline_since = now;
      return;
    }

  if (self->offline_since != 0)
    {
      if (now - self->offline_since > (gint64) self->catch_up_seconds * G_USEC_PER_SEC)
        self->catching_up = TRUE;
      self->offline_since = 0;
    }

  if (state == DK_SYNC_STATE_IDLE && self->catching_up)
    {
      look_at_changes (self, TRUE);
      self->catching_up = FALSE;
    }
}

/* ---- the object ---- */

static void
dk_notifier_dispose (GObject *object)
{
  DkNotifier *self = (DkNotifier *) object;

  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_object (&self->summary);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);
  g_clear_weak_pointer (&self->app);

  G_OBJECT_CLASS (dk_notifier_parent_class)->dispose (object);
}

static void
dk_notifier_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  DkNotifier *self = DK_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_CATCH_UP_SECONDS:
      g_value_set_uint (value, self->catch_up_seconds);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_notifier_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  DkNotifier *self = DK_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_CATCH_UP_SECONDS:
      self->catch_up_seconds = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_notifier_class_init (DkNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dk_notifier_dispose;
  object_class->get_property = dk_notifier_get_property;
  object_class->set_property = dk_notifier_set_property;

  properties[PROP_CATCH_UP_SECONDS] =
    g_param_spec_uint ("catch-up-seconds", NULL, NULL, 0, G_MAXUINT, 600,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dk_notifier_init (DkNotifier *self)
{
  self->shown = dk_notification_table_new ();
  self->catching_up = TRUE;  /* the first sync after a start */
  self->catch_up_seconds = 600;
}

/**
 * dk_notifier_new:
 * @app: the application whose "open-case" and "open-routine" actions the buttons call
 * @engine: the sync engine whose replica is watched
 * @settings: the app's settings ("notifications")
 *
 * Starts watching at once. The first sync after this (or after a long offline spell)
 * ends with one summary notification when more than one followed case changed.
 *
 * Returns: (transfer full): the notifier
 */
DkNotifier *
dk_notifier_new (GApplication *app,
                 DkSyncEngine *engine,
                 GSettings    *settings)
{
  DkNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  dk_notification_init ();

  self = g_object_new (DK_TYPE_NOTIFIER, NULL);
  g_set_weak_pointer (&self->app, app);
  self->engine = g_object_ref (engine);
  self->settings = g_object_ref (settings);

  g_signal_connect_object (engine, "changed", G_CALLBACK (dk_notifier_engine_changed_cb),
                           self, 0);
  g_signal_connect_object (engine, "notify::state",
                           G_CALLBACK (dk_notifier_engine_state_changed_cb), self, 0);

  return self;
}
