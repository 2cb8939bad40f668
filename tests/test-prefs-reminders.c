/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-prefs-reminders.c: the preferences' "Reminders for Planned Work" group, in a real
 * window under Xvfb (run-ui.sh): its switches and GSettings "planned-reminders" */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "dk-preferences-window.h"
#include "dk-sync-engine.h"
#include "dk-test-files.h"

typedef struct {
  char         *data_dir;
  DkStore      *store;
  DkSyncEngine *engine;
  GSettings    *settings;
  GtkWindow    *window;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->data_dir = g_dir_make_tmp ("driftkoll-prefs-reminders-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->data_dir, "replica.db", NULL);
  f->store = dk_store_open (path, &error);
  g_assert_no_error (error);
  /* Never started: the group needs no server. */
  f->engine = dk_sync_engine_new (f->store, "http://127.0.0.1:9/");
  f->settings = g_settings_new ("io.github.driftkoll.Driftkoll");
  f->window = dk_preferences_window_new (NULL, f->engine, f->settings);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (f->window),
                                                "following");
  gtk_window_present (f->window);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (f->window);
  g_settings_reset (f->settings, "planned-reminders");
  g_settings_reset (f->settings, "planned-reminder-start-end");
  g_settings_reset (f->settings, "notifications");
  g_clear_object (&f->settings);
  g_clear_object (&f->engine);
  g_clear_object (&f->store);
  dk_test_remove_tree (f->data_dir);
  g_free (f->data_dir);
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_named (c, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static AdwActionRow *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (ADW_IS_ACTION_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return ADW_ACTION_ROW (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      AdwActionRow *found = find_row (c, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkSwitch *
switch_of (Fixture    *f,
           const char *title)
{
  AdwActionRow *row = find_row (GTK_WIDGET (f->window), title);

  g_assert_nonnull (row);
  return GTK_SWITCH (adw_action_row_get_activatable_widget (row));
}

static char *
reminders (Fixture *f)
{
  g_autoptr(GVariant) value = g_settings_get_value (f->settings, "planned-reminders");

  return g_variant_print (value, FALSE);
}

static void
set_reminders (Fixture       *f,
               const guint32 *minutes,
               gsize          n)
{
  g_settings_set_value (f->settings, "planned-reminders",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, minutes, n,
                                                   sizeof (guint32)));
}

static void
test_defaults_and_toggles (Fixture       *f,
                           gconstpointer  data)
{
  static const guint32 odd[] = { 90, 60 };
  GtkWidget *group = find_named (GTK_WIDGET (f->window), "reminders_group");
  g_autofree char *after_week = NULL;
  g_autofree char *after_hour = NULL;
  g_autofree char *kept = NULL;

  g_assert_nonnull (group);
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), ==,
                   "Reminders for Planned Work");
  /* The defaults: 24 h and 1 h before, and the start and the end. */
  g_assert_true (gtk_switch_get_active (switch_of (f, "24 Hours Before")));
  g_assert_true (gtk_switch_get_active (switch_of (f, "1 Hour Before")));
  g_assert_false (gtk_switch_get_active (switch_of (f, "A Week Before")));
  g_assert_false (gtk_switch_get_active (switch_of (f, "4 Hours Before")));
  g_assert_false (gtk_switch_get_active (switch_of (f, "15 Minutes Before")));
  g_assert_true (gtk_switch_get_active (switch_of (f, "When It Starts and Ends")));

  gtk_switch_set_active (switch_of (f, "A Week Before"), TRUE);
  after_week = reminders (f);
  g_assert_cmpstr (after_week, ==, "[10080, 1440, 60]");
  gtk_switch_set_active (switch_of (f, "1 Hour Before"), FALSE);
  after_hour = reminders (f);
  g_assert_cmpstr (after_hour, ==, "[10080, 1440]");

  /* Set elsewhere: the switches follow; a lead time without a switch is kept. */
  set_reminders (f, odd, G_N_ELEMENTS (odd));
  g_assert_false (gtk_switch_get_active (switch_of (f, "A Week Before")));
  g_assert_true (gtk_switch_get_active (switch_of (f, "1 Hour Before")));
  gtk_switch_set_active (switch_of (f, "1 Hour Before"), FALSE);
  kept = reminders (f);
  g_assert_cmpstr (kept, ==, "[90]");

  gtk_switch_set_active (switch_of (f, "When It Starts and Ends"), FALSE);
  g_assert_false (g_settings_get_boolean (f->settings, "planned-reminder-start-end"));

  /* Notifications off: nothing to remind with. */
  g_assert_true (gtk_widget_get_sensitive (group));
  g_settings_set_boolean (f->settings, "notifications", FALSE);
  g_assert_false (gtk_widget_get_sensitive (group));
}

static void
test_switches_have_names (Fixture       *f,
                          gconstpointer  data)
{
  static const char * const titles[] = {
    "A Week Before", "24 Hours Before", "4 Hours Before", "1 Hour Before",
    "15 Minutes Before", "When It Starts and Ends",
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (switch_of (f, titles[i])),
                                                     GTK_ACCESSIBLE_PROPERTY_LABEL));
}

static void
test_screenshot (Fixture       *f,
                 gconstpointer  data)
{
  GtkWidget *group = find_named (GTK_WIDGET (f->window), "reminders_group");
  g_autofree char *dir = g_test_build_filename (G_TEST_BUILT, "screenshots", NULL);
  g_autofree char *path = g_build_filename (dir, "preferences-reminders.png", NULL);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *scrolled = gtk_widget_get_ancestor (group, GTK_TYPE_SCROLLED_WINDOW);
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  int width, height;

  /* Scrolled down to the group, drawn. */
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  if (scrolled != NULL)
    {
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
      end = g_get_monotonic_time () + G_USEC_PER_SEC;
      while (g_get_monotonic_time () < end)
        g_main_context_iteration (NULL, FALSE);
    }
  width = gtk_widget_get_width (GTK_WIDGET (f->window));
  height = gtk_widget_get_height (GTK_WIDGET (f->window));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (f->window));
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (f->window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  adw_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/prefs/reminders/defaults-and-toggles-write-the-setting", test_defaults_and_toggles);
  ADD ("/prefs/reminders/every-switch-has-a-name", test_switches_have_names);
  ADD ("/prefs/reminders/screenshot", test_screenshot);
#undef ADD

  return g_test_run ();
}
