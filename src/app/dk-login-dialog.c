/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-login-dialog.c: the modal window that logs in to the server */

#define G_LOG_DOMAIN "dk-login-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-accessible-names.h"
#include "dk-login-dialog.h"

struct _DkLoginDialog
{
  AdwWindow            parent_instance;

  /* template widgets */
  GtkButton           *cancel_button;
  GtkLabel            *error_label;
  GtkButton           *login_button;
  AdwPasswordEntryRow *password_row;
  AdwEntryRow         *server_row;
  GtkSpinner          *spinner;
  AdwEntryRow         *username_row;

  /* owned references */
  DkSyncEngine        *engine;
  GCancellable        *cancellable;   /* the login running now, or NULL */
};

G_DEFINE_FINAL_TYPE (DkLoginDialog, dk_login_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- helpers ---- */

static gboolean
is_busy (DkLoginDialog *self)
{
  g_assert (DK_IS_LOGIN_DIALOG (self));

  return self->cancellable != NULL;
}

static gboolean
has_text (AdwEntryRow *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  for (; text != NULL && *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return TRUE;

  return FALSE;
}

static void
update_actions (DkLoginDialog *self)
{
  gboolean busy = is_busy (self);
  gboolean complete;

  g_assert (DK_IS_LOGIN_DIALOG (self));

  complete = has_text (self->server_row) && has_text (self->username_row) &&
             has_text (ADW_ENTRY_ROW (self->password_row));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.log-in", complete && !busy);

  /* Read-only rather than insensitive: the focus stays where it was (GTK 4.8 warns when
   * a focused text goes insensitive) and the person sees what is being sent. */
  gtk_editable_set_editable (GTK_EDITABLE (self->server_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->username_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->password_row), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

static void
show_error (DkLoginDialog *self,
            const char    *message)
{
  g_assert (DK_IS_LOGIN_DIALOG (self));

  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* The widget whose text the error is about, so the person can fix it at once. */
static GtkWidget *
widget_to_fix (DkLoginDialog *self,
               const GError  *error)
{
  g_assert (DK_IS_LOGIN_DIALOG (self));

  if (error->domain == DK_SYNC_ERROR &&
      (error->code == DK_SYNC_ERROR_REFUSED || error->code == DK_SYNC_ERROR_NEEDS_LOGIN))
    return GTK_WIDGET (self->password_row);

  return GTK_WIDGET (self->server_row);
}

static void
finish_attempt (DkLoginDialog *self)
{
  g_assert (DK_IS_LOGIN_DIALOG (self));

  g_clear_object (&self->cancellable);
  update_actions (self);
}

/* ---- callbacks ---- */

static void
dk_login_dialog_first_sync_done_cb (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The dialog is gone by now; the app shows the engine's state and last error. */
  if (!dk_sync_engine_sync_finish (DK_SYNC_ENGINE (object), result, &error))
    g_debug ("The first sync after logging in failed: %s", error->message);
}

static void
dk_login_dialog_logged_in_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(DkLoginDialog) self = user_data;
  DkSyncEngine *engine = DK_SYNC_ENGINE (object);
  g_autoptr(GError) error = NULL;

  if (!dk_sync_engine_login_finish (engine, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Login cancelled");
          return;
        }

      g_debug ("Login failed: %s", error->message);
      finish_attempt (self);
      show_error (self, error->message);
      gtk_widget_grab_focus (widget_to_fix (self, error));
      return;
    }

  g_debug ("Logged in");
  finish_attempt (self);

  /* A started engine already syncs after a login; this joins that run or starts one. */
  dk_sync_engine_sync_async (engine, NULL, dk_login_dialog_first_sync_done_cb, NULL);
  gtk_window_close (GTK_WINDOW (self));
}

static void
dk_login_dialog_row_changed_cb (DkLoginDialog *self)
{
  g_assert (DK_IS_LOGIN_DIALOG (self));

  update_actions (self);
}

static void
log_in_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DkLoginDialog *self = DK_LOGIN_DIALOG (widget);
  g_autofree char *server = NULL;
  g_autofree char *username = NULL;
  g_autoptr(GError) error = NULL;
  const char *password;

  if (is_busy (self))
    return;

  server = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  username = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->username_row))));
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  /* A mistyped address is said here, and the engine keeps the one it had. */
  if (!dk_sync_check_server_url (server, &error))
    {
      show_error (self, error->message);
      return;
    }

  g_debug ("Logging in as %s at %s", username, server);
  dk_sync_engine_set_server_url (self->engine, server);

  show_error (self, NULL);
  self->cancellable = g_cancellable_new ();
  update_actions (self);

  dk_sync_engine_login_async (self->engine, username, password, self->cancellable,
                              dk_login_dialog_logged_in_cb, g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DkLoginDialog *self = DK_LOGIN_DIALOG (widget);

  /* While logging in, Cancel stops the attempt and leaves the dialog open; else it
   * closes the dialog. */
  if (is_busy (self))
    {
      g_cancellable_cancel (self->cancellable);
      finish_attempt (self);
      return;
    }

  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
dk_login_dialog_close_request (GtkWindow *window)
{
  DkLoginDialog *self = DK_LOGIN_DIALOG (window);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  /* Hidden before it goes, as dk_accessible_destroy_window () says why. */
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);

  return GTK_WINDOW_CLASS (dk_login_dialog_parent_class)->close_request (window);
}

/* ---- GObject ---- */

static void
dk_login_dialog_constructed (GObject *object)
{
  DkLoginDialog *self = DK_LOGIN_DIALOG (object);
  const char *url;

  G_OBJECT_CLASS (dk_login_dialog_parent_class)->constructed (object);

  url = dk_sync_engine_get_server_url (self->engine);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url != NULL ? url : "");
  if (dk_sync_engine_get_username (self->engine) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->username_row),
                           dk_sync_engine_get_username (self->engine));

  /* The first empty field gets the focus. */
  if (!has_text (self->server_row))
    gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->server_row));
  else if (!has_text (self->username_row))
    gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->username_row));
  else
    gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->password_row));

  update_actions (self);
}

static void
dk_login_dialog_dispose (GObject *object)
{
  DkLoginDialog *self = DK_LOGIN_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (dk_login_dialog_parent_class)->dispose (object);
}

static void
dk_login_dialog_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DkLoginDialog *self = DK_LOGIN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_login_dialog_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DkLoginDialog *self = DK_LOGIN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_login_dialog_class_init (DkLoginDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = dk_login_dialog_constructed;
  object_class->dispose = dk_login_dialog_dispose;
  object_class->get_property = dk_login_dialog_get_property;
  object_class->set_property = dk_login_dialog_set_property;

  window_class->close_request = dk_login_dialog_close_request;

  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, DK_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-login-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DkLoginDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, DkLoginDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, DkLoginDialog, login_button);
  gtk_widget_class_bind_template_child (widget_class, DkLoginDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, DkLoginDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, DkLoginDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, DkLoginDialog, username_row);

  gtk_widget_class_install_action (widget_class, "login.log-in", NULL, log_in_action);
  gtk_widget_class_install_action (widget_class, "login.cancel", NULL, cancel_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "login.cancel", NULL);
}

static void
dk_login_dialog_init (DkLoginDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  dk_accessible_name_entry_text (self->server_row, _("Server address"));
  dk_accessible_name_entry_text (self->username_row, _("Username"));
  dk_accessible_name_entry_text (ADW_ENTRY_ROW (self->password_row), _("Password"));
  dk_accessible_name_peek_button (self->password_row, _("Show the password"));

  g_signal_connect_swapped (self->server_row, "changed",
                            G_CALLBACK (dk_login_dialog_row_changed_cb), self);
  g_signal_connect_swapped (self->username_row, "changed",
                            G_CALLBACK (dk_login_dialog_row_changed_cb), self);
  g_signal_connect_swapped (self->password_row, "changed",
                            G_CALLBACK (dk_login_dialog_row_changed_cb), self);
}

/**
 * dk_login_dialog_new:
 * @parent: (nullable): the window the dialog is modal over
 * @engine: the engine to log in with
 *
 * Logs in with dk_sync_engine_login_async(), shows the server's error in words and
 * stays open until the login succeeds (then the engine syncs) or the person cancels.
 *
 * Returns: (transfer none): the dialog, not yet presented
 */
GtkWindow *
dk_login_dialog_new (GtkWindow    *parent,
                     DkSyncEngine *engine)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (engine), NULL);

  return g_object_new (DK_TYPE_LOGIN_DIALOG,
                       "engine", engine,
                       "transient-for", parent,
                       NULL);
}
