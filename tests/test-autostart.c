/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-autostart.c: the XDG autostart entry follows the settings key "autostart" */

#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "dk-autostart.h"

static GKeyFile *
load_entry (void)
{
  g_autofree char *path = dk_autostart_get_path ();
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&entry);
}

static gboolean
entry_exists (void)
{
  g_autofree char *path = dk_autostart_get_path ();

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
test_autostart_path_is_in_xdg_config_home (void)
{
  g_autofree char *path = dk_autostart_get_path ();
  /* G_TEST_OPTION_ISOLATE_DIRS points GLib's user config dir at a temporary folder. */
  g_autofree char *expected = g_build_filename (g_get_user_config_dir (), "autostart",
                                                "io.github.driftkoll.Driftkoll.desktop", NULL);

  g_assert_cmpstr (path, ==, expected);
}

static void
test_autostart_enabled_writes_a_background_entry (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) entry = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *type = NULL;

  g_assert_false (entry_exists ());
  g_assert_true (dk_autostart_set_enabled (TRUE, &error));
  g_assert_no_error (error);

  entry = load_entry ();
  type = g_key_file_get_string (entry, "Desktop Entry", "Type", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (type, ==, "Application");
  exec = g_key_file_get_string (entry, "Desktop Entry", "Exec", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (exec, ==, "driftkoll --gapplication-service");
  g_assert_true (g_key_file_get_boolean (entry, "Desktop Entry", "X-GNOME-Autostart-enabled",
                                         &error));
  g_assert_no_error (error);

  /* Twice is harmless, and leaves one well-formed entry. */
  g_assert_true (dk_autostart_set_enabled (TRUE, &error));
  g_assert_no_error (error);
  g_clear_pointer (&entry, g_key_file_unref);
  entry = load_entry ();
}

static void
test_autostart_entry_validates (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = dk_autostart_get_path ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { "desktop-file-validate", path, NULL };
  int status = 0;

  g_assert_true (dk_autostart_set_enabled (TRUE, &error));
  g_assert_no_error (error);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  g_test_message ("desktop-file-validate: %s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
test_autostart_inside_flatpak_runs_the_sandboxed_app (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) entry = NULL;
  g_autofree char *exec = NULL;

  g_setenv ("FLATPAK_ID", "io.github.driftkoll.Driftkoll", TRUE);
  g_assert_true (dk_autostart_set_enabled (TRUE, &error));
  g_unsetenv ("FLATPAK_ID");
  g_assert_no_error (error);

  entry = load_entry ();
  exec = g_key_file_get_string (entry, "Desktop Entry", "Exec", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (exec, ==, "flatpak run --command=driftkoll io.github.driftkoll.Driftkoll "
                             "--gapplication-service");
}

static void
test_autostart_disabled_removes_the_entry (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dk_autostart_set_enabled (TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (entry_exists ());

  g_assert_true (dk_autostart_set_enabled (FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (entry_exists ());

  /* Removing what is not there is no error. */
  g_assert_true (dk_autostart_set_enabled (FALSE, &error));
  g_assert_no_error (error);
}

static void
test_autostart_unwritable_config_dir_is_an_error (void)
{
  g_autoptr(GError) error = NULL;
  const char *config = g_get_user_config_dir ();

  if (geteuid () == 0)
    {
      /* root writes anywhere; a file where the folder should be fails for everyone. */
      g_autofree char *autostart = g_build_filename (config, "autostart", NULL);

      g_mkdir_with_parents (config, 0700);
      g_assert_true (g_file_set_contents (autostart, "not a folder", -1, NULL));
      g_assert_false (dk_autostart_set_enabled (TRUE, &error));
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_true (strstr (error->message, "autostart") != NULL);
      g_remove (autostart);
      return;
    }

  g_mkdir_with_parents (config, 0700);
  g_assert_cmpint (g_chmod (config, 0500), ==, 0);
  g_assert_false (dk_autostart_set_enabled (TRUE, &error));
  g_chmod (config, 0700);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
}

static void
test_autostart_bind_follows_the_settings_key (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.driftkoll.Driftkoll");

  g_assert_false (g_settings_get_boolean (settings, "autostart"));
  dk_autostart_bind (settings);
  g_assert_false (entry_exists ());

  g_settings_set_boolean (settings, "autostart", TRUE);
  g_assert_true (entry_exists ());
  g_settings_set_boolean (settings, "autostart", FALSE);
  g_assert_false (entry_exists ());
}

static void
test_autostart_bind_applies_the_key_at_once (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.driftkoll.Driftkoll");

  g_settings_set_boolean (settings, "autostart", TRUE);
  g_assert_false (entry_exists ());
  dk_autostart_bind (settings);
  g_assert_true (entry_exists ());
  g_settings_set_boolean (settings, "autostart", FALSE);
  g_assert_false (entry_exists ());
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/autostart/path/is-in-xdg-config-home",
                   test_autostart_path_is_in_xdg_config_home);
  g_test_add_func ("/autostart/enabled/writes-a-background-entry",
                   test_autostart_enabled_writes_a_background_entry);
  g_test_add_func ("/autostart/enabled/entry-validates", test_autostart_entry_validates);
  g_test_add_func ("/autostart/enabled/inside-flatpak-runs-the-sandboxed-app",
                   test_autostart_inside_flatpak_runs_the_sandboxed_app);
  g_test_add_func ("/autostart/disabled/removes-the-entry",
                   test_autostart_disabled_removes_the_entry);
  g_test_add_func ("/autostart/errors/unwritable-config-dir",
                   test_autostart_unwritable_config_dir_is_an_error);
  g_test_add_func ("/autostart/bind/follows-the-settings-key",
                   test_autostart_bind_follows_the_settings_key);
  g_test_add_func ("/autostart/bind/applies-the-key-at-once",
                   test_autostart_bind_applies_the_key_at_once);

  return g_test_run ();
}
