/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-autostart.c: the XDG autostart entry that starts Driftkoll in the background at login */

#define G_LOG_DOMAIN "dk-autostart"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dk-autostart.h"

/* Inside Flatpak the entry must start the sandboxed app. */
static char *
build_exec (void)
{
  const char *flatpak_id = g_getenv ("FLATPAK_ID");

  if (flatpak_id != NULL && *flatpak_id != '\0')
    return g_strdup_printf ("flatpak run --command=driftkoll %s --gapplication-service",
                            flatpak_id);

  return g_strdup ("driftkoll --gapplication-service");
}

static char *
build_entry (void)
{
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  g_autofree char *exec = build_exec ();
  const char *group = G_KEY_FILE_DESKTOP_GROUP;

  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_TYPE,
                         G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_NAME, _("Driftkoll"));
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         _("Keeps the information on outages current and shows notifications"));
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_EXEC, exec);
  g_key_file_set_string (entry, group, G_KEY_FILE_DESKTOP_KEY_ICON, APPLICATION_ID);
  g_key_file_set_boolean (entry, group, G_KEY_FILE_DESKTOP_KEY_TERMINAL, FALSE);
  g_key_file_set_boolean (entry, group, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_boolean (entry, group, "X-GNOME-Autostart-enabled", TRUE);

  return g_key_file_to_data (entry, NULL, NULL);
}

static void
dk_autostart_settings_changed_cb (GSettings  *settings,
                                  const char *key,
                                  gpointer    user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean enabled = g_settings_get_boolean (settings, "autostart");

  if (!dk_autostart_set_enabled (enabled, &error))
    g_warning ("Could not %s the autostart entry: %s", enabled ? "write" : "remove",
               error->message);
}

/**
 * dk_autostart_get_path:
 *
 * Returns: (transfer full): $XDG_CONFIG_HOME/autostart/io.github.driftkoll.Driftkoll.desktop
 */
char *
dk_autostart_get_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart",
                           APPLICATION_ID ".desktop", NULL);
}

/**
 * dk_autostart_set_enabled:
 * @enabled: whether Driftkoll starts at login
 * @error: return location for a #GError
 *
 * Writes the entry (atomically, replacing one that is there) or removes it; removing
 * an entry that is not there is no error.
 *
 * Returns: %TRUE when the entry is as asked
 */
gboolean
dk_autostart_set_enabled (gboolean   enabled,
                          GError   **error)
{
  g_autofree char *path = dk_autostart_get_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *contents = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!enabled)
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       _("Could not remove “%s”: %s"), path, g_strerror (saved_errno));
          return FALSE;
        }
      g_debug ("Autostart off");
      return TRUE;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not create the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  contents = build_entry ();
  if (!g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                 error))
    return FALSE;

  g_debug ("Autostart on: %s", path);
  return TRUE;
}

/**
 * dk_autostart_bind:
 * @settings: the app's settings
 *
 * Makes the entry follow the key "autostart" from now on, starting with its value now.
 */
void
dk_autostart_bind (GSettings *settings)
{
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_signal_connect (settings, "changed::autostart",
                    G_CALLBACK (dk_autostart_settings_changed_cb), NULL);
  dk_autostart_settings_changed_cb (settings, "autostart", NULL);
}
