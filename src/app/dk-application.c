/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-application.c: the driftkoll application: one instance, the replica and its sync */

#define G_LOG_DOMAIN "dk-application"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-accessible-names.h"
#include "dk-application.h"
#include "dk-autostart.h"
#include "dk-data-dir.h"
#include "dk-login-dialog.h"
#include "dk-notifier.h"
#include "dk-planned-reminder.h"
#include "dk-preferences-window.h"
#include "dk-report-notifier.h"
#include "dk-reserve-notifier.h"
#include "dk-run-notifier.h"
#include "dk-window.h"

struct _DkApplication
{
  AdwApplication  parent_instance;

  /* owned */
  DkStore        *store;
  DkSyncEngine   *engine;
  DkNotifier     *notifier;
  DkRunNotifier  *run_notifier;
  DkReportNotifier *report_notifier;
  DkReserveNotifier *reserve_notifier;
  DkPlannedReminder *planned_reminder;
  GSettings      *settings;
  char           *server_url;     /* --server */
  char           *data_dir;       /* --data-dir */
  GError         *open_error;     /* why the replica could not be opened */
  GCancellable   *cancellable;

  /* state */
  gboolean        held;           /* running in the background with no window */
};

G_DEFINE_FINAL_TYPE (DkApplication, dk_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "server", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The server's address (default: the one the replica was synced with)"), N_("URL") },
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Where the replica is kept (default: $DRIFTKOLL_DATA_DIR, else ~/.local/share/driftkoll)"),
    N_("DIR") },
  { NULL }
};

/* ---- helpers ---- */

static DkWindow *
find_window (DkApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (GList *l = windows; l != NULL; l = l->next)
    if (DK_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

/* The window a dialog opens over: the one the person used last, if any. */
static GtkWindow *
active_window (DkApplication *self)
{
  g_assert (DK_IS_APPLICATION (self));

  return gtk_application_get_active_window (GTK_APPLICATION (self));
}

static void
apply_color_scheme (DkApplication *self)
{
  AdwColorScheme scheme;

  g_assert (DK_IS_APPLICATION (self));

  switch (g_settings_get_enum (self->settings, "color-scheme"))
    {
    case 1:
      scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
      break;
    case 2:
      scheme = ADW_COLOR_SCHEME_FORCE_DARK;
      break;
    default:
      scheme = ADW_COLOR_SCHEME_DEFAULT;
      break;
    }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
}

static void
release_background (DkApplication *self)
{
  g_assert (DK_IS_APPLICATION (self));

  if (self->held)
    {
      self->held = FALSE;
      g_application_release (G_APPLICATION (self));
    }
}

/* The server URL and CA file from the settings, unless --server named one. */
static void
configure_engine (DkApplication *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "server-url");
  g_autofree char *ca_file = g_settings_get_string (self->settings, "ca-file");
  g_autoptr(GError) error = NULL;

  g_assert (DK_IS_APPLICATION (self));

  if (self->server_url == NULL && url[0] != '\0')
    dk_sync_engine_set_server_url (self->engine, url);
  /* The preferences' CA file, else the one driftkoll-cli --ca-file kept in the replica,
   * which the preferences then show. */
  if (ca_file[0] != '\0')
    {
      if (!dk_sync_engine_set_ca_file (self->engine, ca_file, &error))
        g_warning ("%s", error->message);
    }
  else if (!dk_sync_engine_load_ca_file (self->engine, &error))
    g_warning ("%s", error->message);
  else if (dk_sync_engine_get_ca_file (self->engine) != NULL)
    g_settings_set_string (self->settings, "ca-file", dk_sync_engine_get_ca_file (self->engine));
}

static void
show_open_error (DkApplication *self)
{
  AdwMessageDialog *dialog;

  g_assert (DK_IS_APPLICATION (self));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (NULL, _("Driftkoll Could Not Start"),
                                                       self->open_error->message));
  adw_message_dialog_add_response (dialog, "quit", _("_Quit"));
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static DkWindow *
ensure_window (DkApplication *self)
{
  DkWindow *window = find_window (self);

  g_assert (DK_IS_APPLICATION (self));

  if (window == NULL)
    window = dk_window_new (self);
  release_background (self);
  gtk_window_present (GTK_WINDOW (window));

  return window;
}

/* ---- callbacks ---- */

static void
dk_application_color_scheme_changed_cb (DkApplication *self,
                                        const char    *key,
                                        GSettings     *settings)
{
  apply_color_scheme (self);
}

static void
dk_application_background_changed_cb (DkApplication *self,
                                      const char    *key,
                                      GSettings     *settings)
{
  if (!g_settings_get_boolean (settings, "run-in-background"))
    release_background (self);
}

static void
dk_application_window_removed_cb (DkApplication *self,
                                  GtkWindow     *window,
                                  GtkApplication *app)
{
  /* With "run in background" on, the last window going keeps the app syncing. */
  if (DK_IS_WINDOW (window) && find_window (self) == NULL && !self->held &&
      g_settings_get_boolean (self->settings, "run-in-background"))
    {
      self->held = TRUE;
      g_application_hold (G_APPLICATION (self));
    }
}

static void
dk_application_logout_done_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The session is forgotten locally whatever the server said. */
  if (!dk_sync_engine_logout_finish (DK_SYNC_ENGINE (object), result, &error))
    g_message ("Logged out here; the server did not answer: %s", error->message);
}

/* ---- actions ---- */

/* What app.open-case, app.open-routine and app.open-run show, by the action's name. */
static const struct {
  const char *action_name;
  gboolean  (*show) (DkWindow   *window,
                     const char *id);
} open_actions[] = {
  { "open-case", dk_window_show_case },
  { "open-routine", dk_window_show_routine },
  { "open-run", dk_window_show_run },
};

/* Shows the case, routine or run whose id the action carries in the main window. */
static void
open_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  DkApplication *self = DK_APPLICATION (user_data);
  const char *action_name = g_action_get_name (G_ACTION (action));

  if (self->store == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (open_actions); i++)
    if (g_str_equal (action_name, open_actions[i].action_name))
      open_actions[i].show (ensure_window (self), g_variant_get_string (parameter, NULL));
}

static void
start_routine_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  DkApplication *self = DK_APPLICATION (user_data);
  const char *routine_id;
  const char *case_id;

  if (self->store == NULL)
    return;
  g_variant_get (parameter, "(&s&s)", &routine_id, &case_id);
  dk_window_start_routine (ensure_window (self), routine_id, *case_id != '\0' ? case_id : NULL);
}

static void
logout_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  DkApplication *self = DK_APPLICATION (user_data);

  if (self->engine == NULL)
    return;
  dk_sync_engine_logout_async (self->engine, self->cancellable, dk_application_logout_done_cb,
                               NULL);
}

static void
login_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  DkApplication *self = DK_APPLICATION (user_data);

  if (self->engine != NULL)
    gtk_window_present (dk_login_dialog_new (active_window (self), self->engine));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  DkApplication *self = DK_APPLICATION (user_data);

  if (self->engine != NULL)
    gtk_window_present (dk_preferences_window_new (active_window (self), self->engine,
                                                   self->settings));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  DkApplication *self = DK_APPLICATION (user_data);
  static const char *developers[] = { "The Driftkoll contributors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", active_window (self),
                        "application-name", _("Driftkoll"),
                        "application-icon", APPLICATION_ID,
                        "developer-name", _("The Driftkoll contributors"),
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "comments", _("What is broken, what is planned and what to do about it"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: your name, to be credited in the about window */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

/* Built each time and destroyed when closed, not GTK's automatic help overlay: that one
 * is a window kept hidden for the app's whole life, and GTK 4.8's AT-SPI root, asked by
 * a screen reader for a window index past the visible ones (a count gone stale as a
 * dialog closed), answers with the last window even when it is hidden, whose accessible
 * has no path: the app crashed in g_variant_new_object_path (tests/ui/test-a11y.py,
 * "a window index past the last"). */
static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  DkApplication *self = DK_APPLICATION (user_data);
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *window;

  builder = gtk_builder_new_from_resource ("/io/github/driftkoll/Driftkoll/"
                                           "dk-shortcuts-window.ui");
  window = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
  gtk_window_set_transient_for (window, active_window (self));
  gtk_window_present (window);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  DkApplication *self = DK_APPLICATION (user_data);
  GList *windows;

  release_background (self);
  /* Closing saves each window's size. */
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (self))) != NULL)
    gtk_window_destroy (windows->data);
  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "open-case", open_action, "s" },
  { "open-routine", open_action, "s" },
  { "open-run", open_action, "s" },
  { "login", login_action },
  { "start-routine", start_routine_action, "(ss)" },
  { "logout", logout_action },
  { "preferences", preferences_action },
  { "about", about_action },
  { "shortcuts", shortcuts_action },
  { "quit", quit_action },
};

/* ---- GApplication ---- */

static int
dk_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  DkApplication *self = DK_APPLICATION (app);
  const char *server = NULL;
  g_autofree char *data_dir = NULL;

  /* Only the first instance uses them: the replica is opened once. */
  if (g_variant_dict_lookup (options, "server", "&s", &server))
    self->server_url = g_strdup (server);
  if (g_variant_dict_lookup (options, "data-dir", "^ay", &data_dir))
    self->data_dir = g_steal_pointer (&data_dir);

  return G_APPLICATION_CLASS (dk_application_parent_class)->handle_local_options (app, options);
}

static void
dk_application_startup (GApplication *app)
{
  DkApplication *self = DK_APPLICATION (app);
  g_autofree char *dir = NULL;
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (dk_application_parent_class)->startup (app);
  dk_accessible_names_install ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.shortcuts",
                                         shortcuts_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);

  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (dk_application_color_scheme_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::run-in-background",
                           G_CALLBACK (dk_application_background_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "window-removed",
                           G_CALLBACK (dk_application_window_removed_cb), self,
                           G_CONNECT_SWAPPED);
  apply_color_scheme (self);
  dk_autostart_bind (self->settings);

  dir = dk_data_dir_resolve (self->data_dir);
  self->store = dk_data_dir_open_store (dir, &self->open_error);
  if (self->store == NULL)
    {
      g_warning ("%s", self->open_error->message);
      return;
    }
  /* what the cli does beside the app shows in the lists too */
  dk_store_watch_other_writers (self->store);

  self->engine = dk_sync_engine_new (self->store, self->server_url);
  configure_engine (self);
  /* Before the first sync, so that what changed while the app was closed is summed up. */
  self->notifier = dk_notifier_new (G_APPLICATION (self), self->engine, self->settings);
  self->run_notifier = dk_run_notifier_new (G_APPLICATION (self), self->engine,
                                            self->settings);
  self->report_notifier = dk_report_notifier_new (G_APPLICATION (self), self->engine,
                                                  self->settings);
  self->reserve_notifier = dk_reserve_notifier_new (G_APPLICATION (self), self->engine,
                                                    self->settings);
  self->planned_reminder = dk_planned_reminder_new (G_APPLICATION (self), self->engine,
                                                     self->settings);
  dk_sync_engine_start (self->engine);

  /* Started by D-Bus activation or at login with no window: keep syncing and notifying
   * when the user asked for that; otherwise GApplication's idle timeout ends it. */
  if ((g_application_get_flags (app) & G_APPLICATION_IS_SERVICE) != 0 && !self->held &&
      g_settings_get_boolean (self->settings, "run-in-background"))
    {
      self->held = TRUE;
      g_application_hold (app);
    }
}

static void
dk_application_activate (GApplication *app)
{
  DkApplication *self = DK_APPLICATION (app);

  if (self->store == NULL)
    {
      show_open_error (self);
      return;
    }

  ensure_window (self);
}

static void
dk_application_shutdown (GApplication *app)
{
  DkApplication *self = DK_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  if (self->engine != NULL)
    dk_sync_engine_stop (self->engine);

  G_APPLICATION_CLASS (dk_application_parent_class)->shutdown (app);
}

static void
dk_application_dispose (GObject *object)
{
  DkApplication *self = DK_APPLICATION (object);

  g_clear_object (&self->report_notifier);
  g_clear_object (&self->run_notifier);
  g_clear_object (&self->reserve_notifier);
  g_clear_object (&self->planned_reminder);
  g_clear_object (&self->notifier);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (dk_application_parent_class)->dispose (object);
}

static void
dk_application_finalize (GObject *object)
{
  DkApplication *self = DK_APPLICATION (object);

  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_error (&self->open_error);

  G_OBJECT_CLASS (dk_application_parent_class)->finalize (object);
}

static void
dk_application_class_init (DkApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = dk_application_dispose;
  object_class->finalize = dk_application_finalize;
  app_class->handle_local_options = dk_application_handle_local_options;
  app_class->startup = dk_application_startup;
  app_class->activate = dk_application_activate;
  app_class->shutdown = dk_application_shutdown;
}

static void
dk_application_init (DkApplication *self)
{
  self->cancellable = g_cancellable_new ();
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
}

/* ---- public API ---- */

/**
 * dk_application_new:
 *
 * Returns: (transfer full): the application, io.github.driftkoll.Driftkoll
 */
DkApplication *
dk_application_new (void)
{
  return g_object_new (DK_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/driftkoll/Driftkoll",
                       NULL);
}

/**
 * dk_application_get_store:
 * @self: a #DkApplication
 *
 * Returns: (transfer none) (nullable): the replica, %NULL when it could not be opened
 */
DkStore *
dk_application_get_store (DkApplication *self)
{
  g_return_val_if_fail (DK_IS_APPLICATION (self), NULL);

  return self->store;
}

/**
 * dk_application_get_engine:
 * @self: a #DkApplication
 *
 * Returns: (transfer none) (nullable): the sync engine, %NULL without a replica
 */
DkSyncEngine *
dk_application_get_engine (DkApplication *self)
{
  g_return_val_if_fail (DK_IS_APPLICATION (self), NULL);

  return self->engine;
}

/**
 * dk_application_get_settings:
 * @self: a #DkApplication
 *
 * Returns: (transfer none): the app's settings (after startup)
 */
GSettings *
dk_application_get_settings (DkApplication *self)
{
  g_return_val_if_fail (DK_IS_APPLICATION (self), NULL);

  return self->settings;
}
