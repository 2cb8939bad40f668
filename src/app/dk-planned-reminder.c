/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-planned-reminder.c: reminders of followed planned work, from the replica */

#define G_LOG_DOMAIN "dk-planned-reminder"

#include "config.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "dk-notification.h"
#include "dk-planned-reminder.h"
#include "dk-reminder.h"
#include "dk-store-reminders.h"

/* More reminders than this in one look make one summary instead. */
#define FOLD_AT 3
/* At most this many titles in a summary's body. */
#define SUMMARY_TITLES 5
/* Planned actions closed longer ago than this are not looked at. */
#define CLOSED_LOOK_BACK (2 * 86400)

typedef struct {
  DkCase        *kase;
  DkReminderDue  due;
} Reminder;

struct _DkPlannedReminder
{
  GObject             parent_instance;

  /* owned */
  DkSyncEngine       *engine;
  GSettings          *settings;
  GHashTable         *shown;          /* case id → NotifyNotification, kept for its actions */
  NotifyNotification *summary;
  GDBusConnection    *system_bus;
  GCancellable       *cancellable;

  /* weak */
  GApplication       *app;

  /* state */
  guint               timeout;        /* the timer of the next moment */
  guint               idle;           /* a look asked for */
  guint               sleep_watch;    /* logind's PrepareForSleep */
  gboolean            pending;        /* a look asked for while the engine syncs */
  guint               stale_seconds;
  guint               max_wait_seconds;
};

G_DEFINE_FINAL_TYPE (DkPlannedReminder, dk_planned_reminder, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STALE_SECONDS,
  PROP_MAX_WAIT_SECONDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void look_soon (DkPlannedReminder *self);

static void
reminder_free (Reminder *reminder)
{
  dk_case_unref (reminder->kase);
  g_free (reminder);
}

static char *
format_time (gint64 t)
{
  /* Translators: how a time shows in a notification (g_date_time_format), such as
   * "1 Dec 14:30"; Swedish and Norwegian put the day first as well. */
  /* xgettext:no-c-format */
  char *text = dk_time_format_local (t, C_("notification time", "%-d %b %H:%M"));

  return text != NULL ? text : g_strdup ("?");
}

/* "1 hour", "24 hours", "7 days", "30 minutes". */
static char *
format_lead (guint minutes)
{
  if (minutes >= 2 * 1440 && minutes % 1440 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u day", "%u days", minutes / 1440),
                            minutes / 1440);
  if (minutes % 60 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour", "%u hours", minutes / 60),
                            minutes / 60);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u minute", "%u minutes", minutes),
                          minutes);
}

/* What happened, short: the first line of a reminder, and a summary's line. */
static char *
dup_headline (const Reminder *reminder)
{
  g_autofree char *lead = NULL;

  switch (reminder->due.kind)
    {
    case DK_REMINDER_AHEAD:
      lead = format_lead (reminder->due.minutes);
      /* Translators: a reminder's first line; %s is "1 hour", "24 hours", ... */
      return g_strdup_printf (_("Planned work in %s"), lead);
    case DK_REMINDER_START:
      return g_strdup (_("Planned work has started"));
    case DK_REMINDER_END:
      return g_strdup (_("Planned work should be finished now"));
    case DK_REMINDER_FINISHED:
      return g_strdup (_("Planned work finished"));
    case DK_REMINDER_EXTENDED:
      return g_strdup (_("Planned work extended"));
    case DK_REMINDER_MOVED:
      return g_strdup (_("Planned work moved"));
    case DK_REMINDER_CANCELLED:
      return g_strdup (_("Planned work cancelled"));
    case DK_REMINDER_NONE:
    default:
      g_assert_not_reached ();
    }
}

/* The line with the times. */
static char *
dup_times (const Reminder *reminder)
{
  const DkCase *kase = reminder->kase;
  g_autofree char *start = format_time (kase->start);
  g_autofree char *end = kase->expected_end != DK_TIME_UNSET ? format_time (kase->expected_end)
                                                             : NULL;
  g_autofree char *was = reminder->due.was != DK_TIME_UNSET ? format_time (reminder->due.was)
                                                            : NULL;
  g_autofree char *at = format_time (reminder->due.moment);

  switch (reminder->due.kind)
    {
    case DK_REMINDER_AHEAD:
      return end != NULL ? g_strdup_printf (_("Starts %s, expected to end %s"), start, end)
                         : g_strdup_printf (_("Starts %s"), start);
    case DK_REMINDER_START:
      return end != NULL ? g_strdup_printf (_("Started %s, expected to end %s"), start, end)
                         : g_strdup_printf (_("Started %s, end not known"), start);
    case DK_REMINDER_END:
      return g_strdup_printf (_("It was to end %s and is not reported finished yet."), end);
    case DK_REMINDER_FINISHED:
      return g_strdup_printf (_("Finished %s"), at);
    case DK_REMINDER_EXTENDED:
      return g_strdup_printf (_("Now expected to end %s (was %s)"), end, was);
    case DK_REMINDER_MOVED:
      return end != NULL
               ? g_strdup_printf (_("Now starts %s (was %s), expected to end %s"), start, was, end)
               : g_strdup_printf (_("Now starts %s (was %s)"), start, was);
    case DK_REMINDER_CANCELLED:
      return g_strdup_printf (_("It was to start %s. It will not take place as planned."),
                              was != NULL ? was : start);
    case DK_REMINDER_NONE:
    default:
      g_assert_not_reached ();
    }
}

static char *
build_body (const Reminder *reminder)
{
  g_autofree char *headline = dup_headline (reminder);
  g_autofree char *times = dup_times (reminder);

  /* Translators: a reminder's body: what happens — the area, then the times */
  return g_strdup_printf (_("%s — %s\n%s"), headline, dk_area_label (reminder->kase->area),
                          times);
}

static void
notify_one (DkPlannedReminder *self,
            const Reminder    *reminder)
{
  const char *app_id = self->app != NULL ? g_application_get_application_id (self->app) : NULL;
  const DkCase *kase = reminder->kase;
  g_autofree char *plain = build_body (reminder);
  g_autofree char *body = dk_notification_body (plain);
  NotifyNotification *notification;

  notification = dk_notification_for (self->shown, kase->id, kase->title, body, app_id);
  dk_notification_prepare (notification, self->app, FALSE, "x-driftkoll.case");
  dk_notification_add_action (notification, "default", C_("notification action", "Open"),
                              self->app, "open-case", kase->id);
  dk_notification_add_action (notification, "open", C_("notification action", "Open"),
                              self->app, "open-case", kase->id);

  g_debug ("Reminding of %s (%s): %d", kase->id, kase->title, reminder->due.kind);
  dk_notification_show (notification);
}

/* One notification for many reminders: after a long sleep, or many cases at once. */
static void
notify_summary (DkPlannedReminder *self,
                GPtrArray         *reminders)
{
  const char *app_id = self->app != NULL ? g_application_get_application_id (self->app) : NULL;
  g_autoptr(GString) plain = g_string_new (NULL);
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;
  guint n = reminders->len;

  for (guint i = 0; i < n && i < SUMMARY_TITLES; i++)
    {
      const Reminder *reminder = g_ptr_array_index (reminders, i);
      g_autofree char *headline = dup_headline (reminder);

      /* Translators: a line of a summary of reminders: the case's title: what happens */
      g_string_append_printf (plain, _("%s: %s"), reminder->kase->title, headline);
      g_string_append_c (plain, '\n');
    }
  if (n > SUMMARY_TITLES)
    g_string_append_printf (plain,
                            g_dngettext (GETTEXT_PACKAGE, "and %u more", "and %u more",
                                         n - SUMMARY_TITLES),
                            n - SUMMARY_TITLES);
  else
    g_string_truncate (plain, plain->len - 1);

  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u reminder of planned work",
                                          "%u reminders of planned work", n), n);
  body = dk_notification_body (plain->str);

  if (self->summary == NULL)
    self->summary = notify_notification_new (summary, body, app_id);
  else
    notify_notification_update (self->summary, summary, body, app_id);
  dk_notification_prepare (self->summary, self->app, FALSE, NULL);
  dk_notification_add_action (self->summary, "default", C_("notification action", "Open"),
                              self->app, NULL, NULL);
  dk_notification_add_action (self->summary, "open", C_("notification action", "Open"),
                              self->app, NULL, NULL);

  g_debug ("Reminding of %u planned actions in one summary", n);
  dk_notification_show (self->summary);
}

static DkSubscription *
load_subscription (DkPlannedReminder *self,
                   DkStore           *store)
{
  g_autoptr(GError) error = NULL;
  DkSubscription *subscription = dk_store_get_subscription (store, &error);

  if (error != NULL)
    g_warning ("Could not read the subscription: %s", error->message);
  if (subscription == NULL)
    subscription = dk_subscription_new_default (dk_sync_engine_get_username (self->engine));

  return subscription;
}

/* The case as planning sees it; a case marked closed without a time closed now. */
static void
fill_reminder_case (DkReminderCase       *rcase,
                    const DkCase         *kase,
                    const DkSubscription *subscription,
                    gint64                now)
{
  rcase->planned = kase->kind == DK_CASE_KIND_PLANNED;
  rcase->followed = dk_subscription_matches (subscription, kase);
  rcase->start = kase->start;
  rcase->expected_end = kase->expected_end;
  rcase->closed_at = kase->closed_at;
  if (rcase->closed_at == DK_TIME_UNSET && kase->status == DK_CASE_STATUS_CLOSED)
    rcase->closed_at = now;
}

/* A gone case's reminder still names it: its title from what the store last had. */
static DkCase *
gone_case (const char            *case_id,
           const DkReminderState *state)
{
  DkCase *kase = dk_case_new ();

  kase->id = g_strdup (case_id);
  kase->title = g_strdup (_("Planned work"));
  kase->kind = DK_CASE_KIND_PLANNED;
  kase->start = state->start;
  kase->expected_end = state->end;
  return kase;
}

/* Plans one case and claims what changed; returns the reminder to show, or NULL. */
static Reminder *
plan_case (DkPlannedReminder       *self,
           DkStore                 *store,
           const char              *case_id,
           const DkSubscription    *subscription,
           const DkReminderOptions *options,
           gboolean                 telling,
           gint64                   now,
           gint64                  *out_next)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = dk_store_get_case (store, case_id, &error);
  DkReminderCase rcase;
  DkReminderState state, planned;
  DkReminderDue due;
  gboolean has_state, claimed = FALSE;
  Reminder *reminder;

  if (kase == NULL && !g_error_matches (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND))
    {
      g_warning ("Could not read the case %s: %s", case_id, error->message);
      return NULL;
    }
  g_clear_error (&error);
  if (kase != NULL)
    fill_reminder_case (&rcase, kase, subscription, now);

  has_state = dk_store_get_reminder (store, case_id, &state, &error);
  if (error != NULL)
    {
      g_warning ("Could not read the reminders of %s: %s", case_id, error->message);
      return NULL;
    }

  dk_reminder_plan (kase != NULL ? &rcase : NULL, has_state ? &state : NULL, options, now,
                    &due, &planned, out_next);
  /* Notifications off: the moment passes untold, so nothing later is "news" either. */
  if (!telling && due.kind != DK_REMINDER_NONE)
    planned.told = has_state && state.told;

  if (has_state ? dk_reminder_state_equal (&state, &planned)
                : due.kind == DK_REMINDER_NONE && planned.settled_until == DK_TIME_UNSET &&
                    !planned.done)
    return NULL;

  if (!dk_store_claim_reminder (store, case_id, has_state ? &state : NULL, &planned, &claimed,
                                &error))
    {
      g_warning ("Could not record the reminders of %s: %s", case_id, error->message);
      return NULL;
    }
  if (!claimed || due.kind == DK_REMINDER_NONE || !telling)
    return NULL;

  reminder = g_new0 (Reminder, 1);
  reminder->kase = kase != NULL ? g_steal_pointer (&kase) : gone_case (case_id, &state);
  reminder->due = due;
  return reminder;
}

static gboolean
dk_planned_reminder_timeout_cb (gpointer user_data);

static void
schedule (DkPlannedReminder *self,
          gint64             next)
{
  guint delay_ms = self->max_wait_seconds * 1000;

  if (next != DK_TIME_UNSET)
    delay_ms = MIN (delay_ms, dk_time_clock_delay_ms (next));

  g_clear_handle_id (&self->timeout, g_source_remove);
  self->timeout = g_timeout_add (delay_ms, dk_planned_reminder_timeout_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->timeout),
                            "[dk-planned-reminder] next moment");
}

static void
read_options (DkPlannedReminder *self,
              DkReminderOptions *options,
              GVariant         **out_offsets)
{
  gsize n = 0;

  *out_offsets = g_settings_get_value (self->settings, "planned-reminders");
  options->offsets = g_variant_get_fixed_array (*out_offsets, &n, sizeof (guint32));
  options->n_offsets = (guint) n;
  options->start_and_end = g_settings_get_boolean (self->settings, "planned-reminder-start-end");
  options->stale_seconds = self->stale_seconds;
}

/* Plans every planned action, shows what is due, sets the timer for the next moment. */
static void
look (DkPlannedReminder *self)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autoptr(DkSubscription) subscription = NULL;
  g_autoptr(GVariant) offsets = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func ((GDestroyNotify) reminder_free);
  g_autoptr(GError) error = NULL;
  DkReminderOptions options;
  gint64 now = dk_time_clock_now ();
  gint64 next = DK_TIME_UNSET;
  gboolean telling;

  g_assert (DK_IS_PLANNED_REMINDER (self));

  /* Nothing synced yet: "revision-changed" brings the first sync. */
  if (dk_store_get_cursor (store) <= 0)
    return;

  subscription = load_subscription (self, store);
  /* The one notification switch (the subscription's "notify" decides nothing). */
  telling = g_settings_get_boolean (self->settings, "notifications");
  read_options (self, &options, &offsets);

  ids = dk_store_list_reminder_cases (store, now - CLOSED_LOOK_BACK, &error);
  if (ids == NULL)
    {
      g_warning ("Could not list the planned actions: %s", error->message);
      schedule (self, DK_TIME_UNSET);
      return;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 case_next = DK_TIME_UNSET;
      Reminder *reminder = plan_case (self, store, g_ptr_array_index (ids, i), subscription,
                                      &options, telling, now, &case_next);

      if (reminder != NULL)
        g_ptr_array_add (due, reminder);
      if (case_next != DK_TIME_UNSET && (next == DK_TIME_UNSET || case_next < next))
        next = case_next;
    }

  if (due->len > FOLD_AT)
    notify_summary (self, due);
  else
    for (guint i = 0; i < due->len; i++)
      notify_one (self, g_ptr_array_index (due, i));

  schedule (self, next);
}

/* ---- callbacks ---- */

/* Looks now, or once the engine has stopped syncing: the pull writes the replica from
 * another thread meanwhile, and a look's writes on the main thread would wait for it. */
static void
look_unless_syncing (DkPlannedReminder *self)
{
  if (dk_sync_engine_get_state (self->engine) == DK_SYNC_STATE_SYNCING)
    {
      self->pending = TRUE;
      return;
    }
  self->pending = FALSE;
  look (self);
}

static gboolean
dk_planned_reminder_timeout_cb (gpointer user_data)
{
  DkPlannedReminder *self = user_data;

  self->timeout = 0;
  look_unless_syncing (self);
  return G_SOURCE_REMOVE;
}

static gboolean
dk_planned_reminder_idle_cb (gpointer user_data)
{
  DkPlannedReminder *self = user_data;

  self->idle = 0;
  look_unless_syncing (self);
  return G_SOURCE_REMOVE;
}

static void
dk_planned_reminder_engine_state_changed_cb (DkSyncEngine      *engine,
                                             GParamSpec        *pspec,
                                             DkPlannedReminder *self)
{
  if (self->pending && dk_sync_engine_get_state (engine) != DK_SYNC_STATE_SYNCING)
    look_soon (self);
}

static void
look_soon (DkPlannedReminder *self)
{
  if (self->idle == 0)
    self->idle = g_idle_add (dk_planned_reminder_idle_cb, self);
}

static void
dk_planned_reminder_revision_changed_cb (DkStore           *store,
                                         guint              changes,
                                         DkPlannedReminder *self)
{
  look_soon (self);
}

static void
dk_planned_reminder_settings_changed_cb (GSettings         *settings,
                                         const char        *key,
                                         DkPlannedReminder *self)
{
  look_soon (self);
}

static void
dk_planned_reminder_prepare_for_sleep_cb (GDBusConnection *connection,
                                          const char      *sender,
                                          const char      *object_path,
                                          const char      *interface,
                                          const char      *signal,
                                          GVariant        *parameters,
                                          gpointer         user_data)
{
  DkPlannedReminder *self = user_data;
  gboolean sleeping = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &sleeping);
  if (!sleeping)
    {
      g_debug ("Woke up: planning again");
      look_soon (self);
    }
}

static void
dk_planned_reminder_got_system_bus_cb (GObject      *source,
                                       GAsyncResult *result,
                                       gpointer      user_data)
{
  g_autoptr(DkPlannedReminder) self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);

  if (bus == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No system bus, no wake-up signal (the timer notices): %s", error->message);
      return;
    }

  self->system_bus = bus;
  self->sleep_watch =
    g_dbus_connection_signal_subscribe (bus, "org.freedesktop.login1",
                                        "org.freedesktop.login1.Manager", "PrepareForSleep",
                                        "/org/freedesktop/login1", NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                        dk_planned_reminder_prepare_for_sleep_cb, self, NULL);
}

/* ---- the object ---- */

static void
dk_planned_reminder_dispose (GObject *object)
{
  DkPlannedReminder *self = (DkPlannedReminder *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->sleep_watch != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_watch);
  self->sleep_watch = 0;
  g_clear_handle_id (&self->timeout, g_source_remove);
  g_clear_handle_id (&self->idle, g_source_remove);
  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_object (&self->summary);
  g_clear_object (&self->system_bus);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);
  g_clear_weak_pointer (&self->app);

  G_OBJECT_CLASS (dk_planned_reminder_parent_class)->dispose (object);
}

static void
dk_planned_reminder_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  DkPlannedReminder *self = DK_PLANNED_REMINDER (object);

  switch (prop_id)
    {
    case PROP_STALE_SECONDS:
      g_value_set_uint (value, self->stale_seconds);
      break;
    case PROP_MAX_WAIT_SECONDS:
      g_value_set_uint (value, self->max_wait_seconds);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_planned_reminder_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  DkPlannedReminder *self = DK_PLANNED_REMINDER (object);

  switch (prop_id)
    {
    case PROP_STALE_SECONDS:
      self->stale_seconds = g_value_get_uint (value);
      break;
    case PROP_MAX_WAIT_SECONDS:
      self->max_wait_seconds = g_value_get_uint (value);
      if (self->timeout != 0)
        look_soon (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_planned_reminder_class_init (DkPlannedReminderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dk_planned_reminder_dispose;
  object_class->get_property = dk_planned_reminder_get_property;
  object_class->set_property = dk_planned_reminder_set_property;

  /* A moment that passed longer ago than this (clock seconds) is skipped. */
  properties[PROP_STALE_SECONDS] =
    g_param_spec_uint ("stale-seconds", NULL, NULL, 0, G_MAXUINT, 15 * 60,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The longest the timer waits (real seconds): clock jumps are noticed by then. */
  properties[PROP_MAX_WAIT_SECONDS] =
    g_param_spec_uint ("max-wait-seconds", NULL, NULL, 1, 24 * 3600, 60,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dk_planned_reminder_init (DkPlannedReminder *self)
{
  self->shown = dk_notification_table_new ();
  self->cancellable = g_cancellable_new ();
  self->stale_seconds = 15 * 60;
  self->max_wait_seconds = 60;
}

/**
 * dk_planned_reminder_new:
 * @app: the application whose "open-case" action a click calls
 * @engine: the sync engine whose replica is planned from
 * @settings: the app's settings ("notifications", "planned-reminders",
 *   "planned-reminder-start-end")
 *
 * Plans at once (and whenever the replica changes, see the header).
 *
 * Returns: (transfer full): the scheduler
 */
DkPlannedReminder *
dk_planned_reminder_new (GApplication *app,
                         DkSyncEngine *engine,
                         GSettings    *settings)
{
  DkPlannedReminder *self;

  g_return_val_if_fail (G_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  dk_notification_init ();

  self = g_object_new (DK_TYPE_PLANNED_REMINDER, NULL);
  g_set_weak_pointer (&self->app, app);
  self->engine = g_object_ref (engine);
  self->settings = g_object_ref (settings);

  g_signal_connect_object (dk_sync_engine_get_store (engine), "revision-changed",
                           G_CALLBACK (dk_planned_reminder_revision_changed_cb), self, 0);
  g_signal_connect_object (engine, "notify::state",
                           G_CALLBACK (dk_planned_reminder_engine_state_changed_cb), self, 0);
  g_signal_connect_object (settings, "changed::planned-reminders",
                           G_CALLBACK (dk_planned_reminder_settings_changed_cb), self, 0);
  g_signal_connect_object (settings, "changed::planned-reminder-start-end",
                           G_CALLBACK (dk_planned_reminder_settings_changed_cb), self, 0);
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, dk_planned_reminder_got_system_bus_cb,
             g_object_ref (self));

  look_soon (self);
  return self;
}
