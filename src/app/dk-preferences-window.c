/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-preferences-window.c: the server, the app's behaviour, and what the user follows
 *
 * The General page binds the GSettings keys; the server address and the CA file are also
 * handed to the engine when applied, and a value the engine cannot use is shown and not
 * stored. The Following page is in dk-preferences-window-following.c.
 */

#define G_LOG_DOMAIN "dk-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-accessible-names.h"
#include "dk-preferences-window-private.h"
#include "dk-unit-picker.h"

G_DEFINE_FINAL_TYPE (DkPreferencesWindow, dk_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_ENGINE,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const color_schemes[] = { "default", "light", "dark" };

/* ---- showing what went wrong, on either page ---- */

void
_dk_preferences_window_show_error (GtkLabel   *label,
                                   GtkWidget  *row,
                                   const char *message)
{
  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);

  if (row == NULL)
    return;
  if (message != NULL)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

/* ---- General: the server address and the CA file ---- */

/* An empty field asks for an address; anything else is checked as the cli does. */
static gboolean
check_server_url (const char  *text,
                  GError     **error)
{
  if (*text == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Give the server’s address, such as https://driftkoll.example.org/"));
      return FALSE;
    }

  return dk_sync_check_server_url (text, error);
}

static void
apply_server_url (DkPreferencesWindow *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  if (!check_server_url (text, &error))
    {
      _dk_preferences_window_show_error (self->server_error_label, GTK_WIDGET (self->server_row),
                                         error->message);
      return;
    }

  _dk_preferences_window_show_error (self->server_error_label, GTK_WIDGET (self->server_row),
                                     NULL);
  dk_sync_engine_set_server_url (self->engine, text);
  g_settings_set_string (self->settings, "server-url",
                         dk_sync_engine_get_server_url (self->engine));
}

static void
apply_ca_file (DkPreferencesWindow *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  path = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->ca_file_row))));
  if (!dk_sync_engine_set_ca_file (self->engine, *path != '\0' ? path : NULL, &error))
    {
      _dk_preferences_window_show_error (self->server_error_label, GTK_WIDGET (self->ca_file_row),
                                         error->message);
      return;
    }

  _dk_preferences_window_show_error (self->server_error_label, GTK_WIDGET (self->ca_file_row),
                                     NULL);
  g_settings_set_string (self->settings, "ca-file", path);
}

/* An empty "server-url" means the one the replica was last synced with: show that. */
static gboolean
server_url_get_mapping (GValue   *value,
                        GVariant *variant,
                        gpointer  user_data)
{
  DkPreferencesWindow *self = user_data;
  const char *url = g_variant_get_string (variant, NULL);

  if (*url == '\0' && dk_sync_engine_get_server_url (self->engine) != NULL)
    url = dk_sync_engine_get_server_url (self->engine);
  g_value_set_string (value, url);

  return TRUE;
}

static gboolean
color_scheme_get_mapping (GValue   *value,
                          GVariant *variant,
                          gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (color_schemes); i++)
    if (g_str_equal (nick, color_schemes[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  return FALSE;
}

static GVariant *
color_scheme_set_mapping (const GValue       *value,
                          const GVariantType *expected_type,
                          gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (color_schemes))
    return NULL;

  return g_variant_new_string (color_schemes[selected]);
}

static void
bind_settings (DkPreferencesWindow *self)
{
  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  /* The two server settings are written when applied, after the engine took them. */
  g_settings_bind_with_mapping (self->settings, "server-url", self->server_row, "text",
                                G_SETTINGS_BIND_GET, server_url_get_mapping, NULL, self, NULL);
  g_settings_bind (self->settings, "ca-file", self->ca_file_row, "text", G_SETTINGS_BIND_GET);

  g_settings_bind (self->settings, "notifications", self->notifications_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "run-in-background", self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "autostart", self->autostart_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "color-scheme", self->color_scheme_row,
                                "selected", G_SETTINGS_BIND_DEFAULT, color_scheme_get_mapping,
                                color_scheme_set_mapping, NULL, NULL);
}


/* ---- callbacks ---- */


static void
dk_preferences_window_server_applied_cb (DkPreferencesWindow *self)
{
  apply_server_url (self);
}

static void
dk_preferences_window_ca_file_applied_cb (DkPreferencesWindow *self)
{
  apply_ca_file (self);
}


static void
dk_preferences_window_chooser_response_cb (DkPreferencesWindow *self,
                                           int                  response,
                                           GtkNativeDialog     *chooser)
{
  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        {
          gtk_editable_set_text (GTK_EDITABLE (self->ca_file_row), path);
          apply_ca_file (self);
        }
    }

  g_clear_object (&self->chooser);
}

static void
choose_ca_file_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  DkPreferencesWindow *self = DK_PREFERENCES_WINDOW (widget);
  g_autoptr(GtkFileFilter) pem = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Choose a CA Certificate File"),
                                               GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  gtk_file_filter_set_name (pem, _("PEM certificates"));
  gtk_file_filter_add_pattern (pem, "*.pem");
  gtk_file_filter_add_pattern (pem, "*.crt");
  gtk_file_filter_add_mime_type (pem, "application/x-x509-ca-cert");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), pem);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);

  g_signal_connect_object (self->chooser, "response",
                           G_CALLBACK (dk_preferences_window_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
clear_ca_file_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DkPreferencesWindow *self = DK_PREFERENCES_WINDOW (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->ca_file_row), "");
  apply_ca_file (self);
}

static gboolean
dk_preferences_window_close_request (GtkWindow *window)
{
  DkPreferencesWindow *self = DK_PREFERENCES_WINDOW (window);

  /* Nothing the person chose is lost by closing quickly. */
  _dk_preferences_window_flush_following (self);

  return GTK_WINDOW_CLASS (dk_preferences_window_parent_class)->close_request (window);
}

/* ---- GObject ---- */

static void
dk_preferences_window_constructed (GObject *object)
{
  DkPreferencesWindow *self = DK_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (dk_preferences_window_parent_class)->constructed (object);

  bind_settings (self);
  _dk_preferences_window_start_following (self);
  _dk_preferences_window_init_reminders (self);
}

static void
dk_preferences_window_dispose (GObject *object)
{
  DkPreferencesWindow *self = DK_PREFERENCES_WINDOW (object);

  _dk_preferences_window_dispose_following (self);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dk_preferences_window_parent_class)->dispose (object);
}

static void
dk_preferences_window_finalize (GObject *object)
{
  DkPreferencesWindow *self = DK_PREFERENCES_WINDOW (object);

  _dk_preferences_window_finalize_following (self);

  G_OBJECT_CLASS (dk_preferences_window_parent_class)->finalize (object);
}

static void
dk_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  DkPreferencesWindow *self = DK_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  DkPreferencesWindow *self = DK_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_preferences_window_class_init (DkPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = dk_preferences_window_constructed;
  object_class->dispose = dk_preferences_window_dispose;
  object_class->finalize = dk_preferences_window_finalize;
  object_class->get_property = dk_preferences_window_get_property;
  object_class->set_property = dk_preferences_window_set_property;

  window_class->close_request = dk_preferences_window_close_request;

  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, DK_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (DK_TYPE_UNIT_PICKER);   /* "My unit" (dk-unit-picker.c) */
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/"
                                               "dk-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, areas_row);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, autostart_switch);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, ca_file_row);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, crisis_switch);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow,
                                        following_error_label);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, following_group);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, kinds_row);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, major_switch);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow,
                                        notifications_switch);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, pending_label);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, priority_row);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, server_error_label);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, services_row);
  gtk_widget_class_bind_template_callback (widget_class,
                                           dk_preferences_window_ca_file_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class,
                                           dk_preferences_window_server_applied_cb);

  gtk_widget_class_install_action (widget_class, "prefs.choose-ca-file", NULL,
                                   choose_ca_file_action);
  gtk_widget_class_install_action (widget_class, "prefs.clear-ca-file", NULL,
                                   clear_ca_file_action);
}

static void
dk_preferences_window_init (DkPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  dk_accessible_name_search_entry (GTK_WIDGET (self), _("Search preferences"));
  dk_accessible_name_entry_text (self->server_row, _("Server address"));
  dk_accessible_name_entry_text (self->ca_file_row, _("CA certificate file"));

  _dk_preferences_window_init_following (self);
}

/**
 * dk_preferences_window_new:
 * @parent: (nullable): the window the preferences are modal over
 * @engine: the engine the server settings are applied to
 * @settings: the app's settings (io.github.driftkoll.Driftkoll)
 *
 * Returns: (transfer none): the window, not yet presented
 */
GtkWindow *
dk_preferences_window_new (GtkWindow    *parent,
                           DkSyncEngine *engine,
                           GSettings    *settings)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (DK_TYPE_PREFERENCES_WINDOW,
                       "engine", engine,
                       "settings", settings,
                       "transient-for", parent,
                       NULL);
}
