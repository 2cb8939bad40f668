/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-run-notifier.c: "post-register" notifications when a run's tied case closes */

#define G_LOG_DOMAIN "dk-run-notifier"

#include "config.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "dk-notification.h"
#include "dk-run-notifier.h"
#include "dk-run-progress.h"
#include "dk-store-run-notify.h"

/* A closing without a deadline is old news after this many days. */
#define STALE_DAYS 7
/* Closings older than this are not even looked at: the longest deadline a step may give
 * (1000 h, dk_routine_deadline_validate) is over by then. */
#define LOOK_BACK_DAYS 42
/* A step's text in the body is cut after this many characters. */
#define STEP_CHARS 120
/* ... and a step that does not apply, shown with the reason, after this many. */
#define NOT_APPLICABLE_CHARS 40

struct _DkRunNotifier
{
  GObject       parent_instance;

  /* owned */
  DkSyncEngine *engine;
  GSettings    *settings;
  GHashTable   *shown;         /* run id → NotifyNotification, kept for its actions */

  /* weak */
  GApplication *app;

  /* state */
  guint         start_look;    /* the idle source of the look at start */
  gboolean      pending;       /* changes arrived during a sync: look when it ends */
};

G_DEFINE_FINAL_TYPE (DkRunNotifier, dk_run_notifier, G_TYPE_OBJECT)

/* Whether @username ticked, unticked or wrote a note on any step of @run. */
static gboolean
worked_in (const DkRun *run,
           const char  *username)
{
  for (guint i = 0; i < run->steps->len; i++)
    {
      g_autoptr(GPtrArray) people = dk_run_step_dup_people (g_ptr_array_index (run->steps, i));

      if (g_ptr_array_find_with_equal_func (people, username, g_str_equal, NULL))
        return TRUE;
    }

  return FALSE;
}

/* Whether any after-phase step of @routine gives a deadline, for some outage. */
static gboolean
gives_deadlines (const DkRoutine *routine)
{
  for (guint i = 0; i < routine->steps->len; i++)
    {
      const DkRoutineStep *step = g_ptr_array_index (routine->steps, i);

      if (step->phase == DK_ROUTINE_PHASE_AFTER && step->deadline != NULL)
        return TRUE;
    }

  return FALSE;
}

/* The after-phase steps that apply to the outage and are not done yet. */
static guint
count_steps_left (const DkRoutine *routine,
                  const DkRun     *run,
                  const DkCase    *kase)
{
  DkRunProgress progress;

  dk_run_get_progress (run, routine, kase, DK_ROUTINE_PHASE_AFTER, &progress);
  return progress.total - progress.done;
}

static void
append_step_text (GString    *body,
                  const char *text,
                  guint       max_chars)
{
  if (g_utf8_strlen (text, -1) <= max_chars)
    {
      g_string_append (body, text);
      return;
    }

  g_string_append_len (body, text, g_utf8_offset_to_pointer (text, max_chars - 1) - text);
  g_string_append (body, "…");
}

/* How long the outage lasted, the deadline (or who says how), the after-phase steps
 * left, and why the others do not apply. */
static char *
build_body (const DkRoutine *routine,
            const DkRun     *run,
            const DkCase    *kase,
            gint64           deadline,
            gint64           now)
{
  GString *body = g_string_new (NULL);
  g_autofree char *lasted = dk_format_duration (dk_case_outage_seconds (kase));

  /* Translators: the first line of a post-registration notification: the case's title
   * and how long the outage lasted ("3 h 20 min") */
  g_string_append_printf (body, _("“%s” lasted %s."), kase->title, lasted);

  if (deadline != DK_TIME_UNSET)
    {
      g_autofree char *when = dk_format_deadline (deadline, now, NULL);

      g_string_append_c (body, '\n');
      /* Translators: %s is a deadline: "by the end of tomorrow, 2 December" */
      g_string_append_printf (body, _("Post-register %s."), when);
    }
  else if (gives_deadlines (routine))
    {
      g_string_append_c (body, '\n');
      /* Translators: the routine gives no deadline for an outage this long (over 10
       * hours): the administration says how to post-register */
      g_string_append (body, _("The administration announces how to post-register."));
    }

  /* The steps left to do, then those that do not apply, each with its reason. */
  for (guint i = 0; i < routine->steps->len; i++)
    {
      const DkRoutineStep *step = g_ptr_array_index (routine->steps, i);
      const DkRunStep *state = dk_run_find_step (run, step->id);

      if (step->phase != DK_ROUTINE_PHASE_AFTER || (state != NULL && state->done) ||
          !dk_routine_step_applies (step, dk_case_outage_seconds (kase)))
        continue;

      g_string_append (body, "\n• ");
      append_step_text (body, step->text, STEP_CHARS);
    }
  for (guint i = 0; i < routine->steps->len; i++)
    {
      const DkRoutineStep *step = g_ptr_array_index (routine->steps, i);
      g_autofree char *reason = NULL;

      if (step->phase != DK_ROUTINE_PHASE_AFTER)
        continue;
      reason = dk_run_dup_not_applicable_reason (step, kase);
      if (reason == NULL)
        continue;

      g_string_append (body, "\n– ");
      append_step_text (body, step->text, NOT_APPLICABLE_CHARS);
      g_string_append_c (body, '\n');
      g_string_append (body, reason);
    }

  return g_string_free (body, FALSE);
}

static void
notify_run (DkRunNotifier   *self,
            const DkRoutine *routine,
            const DkRun     *run,
            const DkCase    *kase,
            gint64           deadline,
            gint64           now)
{
  const char *app_id = self->app != NULL ? g_application_get_application_id (self->app) : NULL;
  g_autofree char *plain = build_body (routine, run, kase, deadline, now);
  g_autofree char *body = dk_notification_body (plain);
  g_autofree char *summary = NULL;
  NotifyNotification *notification;

  g_assert (DK_IS_RUN_NOTIFIER (self));

  /* Translators: the title of a notification when the outage is over: the routine's
   * title, then the unit (ward) the run is for */
  summary = g_strdup_printf (_("Post-register: %s on %s"), routine->title,
                             run->unit != NULL ? run->unit : "");

  notification = dk_notification_for (self->shown, run->id, summary, body, app_id);

  dk_notification_prepare (notification, self->app, FALSE, "x-driftkoll.run");
  dk_notification_add_action (notification, "default", C_("notification action", "Open run"),
                              self->app, "open-run", run->id);
  dk_notification_add_action (notification, "open-run", C_("notification action", "Open run"),
                              self->app, "open-run", run->id);

  g_debug ("Telling to post-register in run %s (%s)", run->id, summary);
  dk_notification_show (notification);
}

/* Whether the closing of @closed is news worth telling @username, and tells it. */
static gboolean
tell_closing (DkRunNotifier     *self,
              const DkClosedRun *closed,
              const char        *username,
              gint64             now)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autoptr(DkRoutine) routine = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;

  g_assert (DK_IS_RUN_NOTIFIER (self));

  if (!worked_in (closed->run, username))
    return FALSE;

  routine = dk_store_get_routine (store, closed->run->routine, &error);
  if (routine == NULL)
    {
      g_warning ("Not telling to post-register in run %s: %s", closed->run->id, error->message);
      return FALSE;
    }

  deadline = dk_routine_post_registration_deadline (routine, closed->kase, NULL);
  if (deadline != DK_TIME_UNSET ? deadline < now
                                : closed->kase->closed_at < now - STALE_DAYS * 86400)
    {
      g_debug ("Run %s: its post-registration is past", closed->run->id);
      return FALSE;
    }
  if (count_steps_left (routine, closed->run, closed->kase) == 0)
    {
      g_debug ("Run %s: no after-phase step left to do", closed->run->id);
      return FALSE;
    }
  if (!g_settings_get_boolean (self->settings, "notifications"))
    {
      g_debug ("Notifications are off: run %s not told", closed->run->id);
      return FALSE;
    }

  notify_run (self, routine, closed->run, closed->kase, deadline, now);
  return TRUE;
}

/* Looks at every closing not yet looked at for the logged-in user, tells what is news,
 * and records each as looked at. */
static void
look_at_closings (DkRunNotifier *self)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);
  const char *username = dk_sync_engine_get_username (self->engine);
  g_autoptr(GPtrArray) closings = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = dk_time_now ();

  g_assert (DK_IS_RUN_NOTIFIER (self));

  self->pending = FALSE;
  if (username == NULL)
    return;

  closings = dk_store_list_unlooked_closed_runs (store, username,
                                                 now - LOOK_BACK_DAYS * 86400, &error);
  if (closings == NULL)
    {
      g_warning ("Could not read the runs whose case closed: %s", error->message);
      return;
    }

  for (guint i = 0; i < closings->len; i++)
    {
      const DkClosedRun *closed = g_ptr_array_index (closings, i);
      gboolean told = tell_closing (self, closed, username, now);

      if (!dk_store_record_run_looked_at (store, closed->run->id, username,
                                          closed->kase->closed_at, told, &error))
        {
          g_warning ("Could not record a run's closing as looked at: %s", error->message);
          return;
        }
    }
}

static gboolean
dk_run_notifier_start_look_cb (gpointer user_data)
{
  DkRunNotifier *self = user_data;

  self->start_look = 0;
  look_at_closings (self);
  return G_SOURCE_REMOVE;
}

static void
dk_run_notifier_engine_changed_cb (DkSyncEngine  *engine,
                                   DkRunNotifier *self)
{
  /* A sync applies its pages one by one: look once, when it ends. */
  if (dk_sync_engine_get_state (engine) == DK_SYNC_STATE_SYNCING)
    {
      self->pending = TRUE;
      return;
    }

  look_at_closings (self);
}

static void
dk_run_notifier_engine_state_changed_cb (DkSyncEngine  *engine,
                                         GParamSpec    *pspec,
                                         DkRunNotifier *self)
{
  if (self->pending && dk_sync_engine_get_state (engine) != DK_SYNC_STATE_SYNCING)
    look_at_closings (self);
}

/* ---- the object ---- */

static void
dk_run_notifier_dispose (GObject *object)
{
  DkRunNotifier *self = (DkRunNotifier *) object;

  g_clear_handle_id (&self->start_look, g_source_remove);
  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);
  g_clear_weak_pointer (&self->app);

  G_OBJECT_CLASS (dk_run_notifier_parent_class)->dispose (object);
}

static void
dk_run_notifier_class_init (DkRunNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dk_run_notifier_dispose;
}

static void
dk_run_notifier_init (DkRunNotifier *self)
{
  self->shown = dk_notification_table_new ();
}

/**
 * dk_run_notifier_new:
 * @app: the application whose "open-run" action the notification calls
 * @engine: the sync engine whose replica is watched
 * @settings: the app's settings ("notifications")
 *
 * Starts watching at once, and looks at what the replica holds when the main loop
 * next runs (a closing that arrived while the app was closing is told then).
 *
 * Returns: (transfer full): the run notifier
 */
DkRunNotifier *
dk_run_notifier_new (GApplication *app,
                     DkSyncEngine *engine,
                     GSettings    *settings)
{
  DkRunNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  dk_notification_init ();

  self = g_object_new (DK_TYPE_RUN_NOTIFIER, NULL);
  g_set_weak_pointer (&self->app, app);
  self->engine = g_object_ref (engine);
  self->settings = g_object_ref (settings);

  g_signal_connect_object (engine, "changed", G_CALLBACK (dk_run_notifier_engine_changed_cb),
                           self, 0);
  g_signal_connect_object (engine, "notify::state",
                           G_CALLBACK (dk_run_notifier_engine_state_changed_cb), self, 0);
  self->start_look = g_idle_add (dk_run_notifier_start_look_cb, self);

  return self;
}
