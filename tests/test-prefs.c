/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-prefs.c: the login dialog and the preferences window, driven through their
 * widgets against a real driftkoll-server, a real replica and the real sync engine
 *
 * Runs under Xvfb on a private D-Bus (tests/run-ui.sh). Screenshots of every window land
 * in the build dir's tests/screenshots.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <signal.h>

#include "dk-case-page.h"
#include "dk-core.h"
#include "dk-follow-button.h"
#include "dk-local-changes.h"
#include "dk-login-dialog.h"
#include "dk-preferences-window.h"
#include "dk-routine-page.h"
#include "dk-sync-engine.h"
#include "dk-test-server.h"

/* Long enough for a slow machine; the tests never assert how fast anything is. */
#define WAIT_SECONDS 30

typedef struct {
  DkTestServer *server;
  char         *data_dir;
  DkStore      *store;
  DkSyncEngine *engine;
  GSettings    *settings;
} Fixture;

/* ---- helpers ---- */

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->server = dk_test_server_new (TRUE);
  fixture->data_dir = g_dir_make_tmp ("driftkoll-prefs-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->data_dir, "replica.db", NULL);
  fixture->store = dk_store_open (path, &error);
  g_assert_no_error (error);
  fixture->engine = dk_sync_engine_new (fixture->store, fixture->server->url);
  /* GSETTINGS_BACKEND=memory: every test starts from the schema's defaults. */
  fixture->settings = g_settings_new (APPLICATION_ID);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  dk_sync_engine_stop (fixture->engine);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->server, dk_test_server_free);
  dk_test_remove_tree (fixture->data_dir);
  g_free (fixture->data_dir);
}

static gboolean
timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin (guint milliseconds)
{
  gboolean done = FALSE;

  g_timeout_add (milliseconds, timed_out_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

typedef gboolean (*Condition) (gpointer data);

/* Runs the main loop until @condition holds; a hang fails the test instead of the run. */
static void
wait_for (Condition   condition,
          gpointer    data,
          const char *what)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (WAIT_SECONDS, timed_out_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("Waited %d s for %s", WAIT_SECONDS, what);
  g_source_remove (id);
}

static gboolean
widget_is_visible (gpointer data)
{
  return gtk_widget_get_visible (GTK_WIDGET (data));
}

static gboolean
widget_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static GtkWidget *
child (gpointer    window,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (window),
                                                   G_OBJECT_TYPE (window), name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static void
set_text (gpointer    window,
          const char *name,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (window, name)), text);
}

/* Enter in a field, the way a person ends typing. */
static void
press_enter_in (gpointer    window,
                const char *name)
{
  GtkWidget *text = GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (child (window, name))));

  gtk_widget_grab_focus (text);
  g_signal_emit_by_name (text, "activate");
}

/* A click, at once (GtkButton::activate waits for its pressed look first). */
static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
login_and_sync (Fixture    *fixture,
                const char *username)
{
  g_autoptr(GAsyncResult) login = NULL;
  g_autoptr(GAsyncResult) sync = NULL;
  g_autoptr(GError) error = NULL;

  dk_sync_engine_login_async (fixture->engine, username, "demo", NULL, dk_test_async_result_cb, &login);
  wait_for (result_arrived, &login, "the login");
  g_assert_true (dk_sync_engine_login_finish (fixture->engine, login, &error));
  g_assert_no_error (error);

  dk_sync_engine_sync_async (fixture->engine, NULL, dk_test_async_result_cb, &sync);
  wait_for (result_arrived, &sync, "the sync");
  g_assert_true (dk_sync_engine_sync_finish (fixture->engine, sync, &error));
  g_assert_no_error (error);
}

static void
sync_now (Fixture *fixture)
{
  g_autoptr(GAsyncResult) sync = NULL;
  g_autoptr(GError) error = NULL;

  dk_sync_engine_sync_async (fixture->engine, NULL, dk_test_async_result_cb, &sync);
  wait_for (result_arrived, &sync, "the sync");
  g_assert_true (dk_sync_engine_sync_finish (fixture->engine, sync, &error));
  g_assert_no_error (error);
}

static guint
count_cases (DkStore *store)
{
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GError) error = NULL;
  DkCaseQuery query = { 0, };

  cases = dk_store_list_cases (store, &query, dk_time_now (), &error);
  g_assert_no_error (error);
  return cases->len;
}

static void
present_and_settle (GtkWindow *window)
{
  gtk_window_present (window);
  wait_for (widget_is_mapped, window, "the window to show");
  /* Let the row animations (150 ms) and the first frames finish. */
  spin (400);
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
two_frames_drawn (gpointer data)
{
  return *(guint *) data >= 2;
}

/* Waits until GTK has laid out and drawn what changed. */
static void
wait_for_frames (GtkWindow *window)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (GTK_WIDGET (window), count_frame_cb, &frames, NULL);

  gtk_widget_queue_draw (GTK_WIDGET (window));
  wait_for (two_frames_drawn, &frames, "two frames");
  gtk_widget_remove_tick_callback (GTK_WIDGET (window), id);
}

/* Renders @window as it is now into tests/screenshots/@name.png (build dir). */
static void
save_screenshot (GtkWindow  *window,
                 const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  int width = 0;
  int height = 0;

  /* While the window still resizes (an error label appeared) there is nothing to
   * render yet: wait for the next frames. */
  for (guint attempt = 0; node == NULL; attempt++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

      if (attempt == 100)
        g_error ("Nothing to render for %s", name);
      wait_for_frames (window);
      width = gtk_widget_get_width (GTK_WIDGET (window));
      height = gtk_widget_get_height (GTK_WIDGET (window));
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  dir = g_test_build_filename (G_TEST_BUILT, "screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

/* Every control a person can operate has a name a screen reader says (and the dogtail
 * tests find it by). */
static gboolean
has_accessible_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    return TRUE;
  if (GTK_IS_CHECK_BUTTON (widget) && gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)))
    return TRUE;

  return FALSE;
}

static void
collect_unnamed_controls (GtkWidget *widget,
                          GString   *unnamed)
{
  if (!gtk_widget_get_mapped (widget))
    return;

  if ((GTK_IS_BUTTON (widget) || GTK_IS_SWITCH (widget) || GTK_IS_CHECK_BUTTON (widget) ||
       GTK_IS_TEXT (widget) || GTK_IS_DROP_DOWN (widget)) &&
      gtk_widget_get_sensitive (widget) && !has_accessible_name (widget))
    {
      GtkWidget *parent = gtk_widget_get_parent (widget);

      g_string_append_printf (unnamed, " %s (in %s)", G_OBJECT_TYPE_NAME (widget),
                              parent != NULL ? G_OBJECT_TYPE_NAME (parent) : "nothing");
    }

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    collect_unnamed_controls (c, unnamed);
}

static void
assert_every_control_named (GtkWindow *window)
{
  g_autoptr(GString) unnamed = g_string_new (NULL);

  collect_unnamed_controls (GTK_WIDGET (window), unnamed);
  if (unnamed->len > 0)
    g_error ("Controls without an accessible name:%s", unnamed->str);
}

static void
close_window (GtkWindow *window)
{
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (window);
  wait_for (pointer_is_null, &weak, "the window to go");
}

/* ---- the login dialog ---- */

static void
test_login_right_password_logs_in_and_syncs (Fixture       *fixture,
                                             gconstpointer  data)
{
  GtkWindow *dialog = dk_login_dialog_new (NULL, fixture->engine);
  gpointer weak = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  present_and_settle (dialog);
  save_screenshot (dialog, "login-dialog.png");
  assert_every_control_named (dialog);

  /* The server address comes from the engine; nothing else is filled in. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (dialog, "server_row"))), ==,
                   fixture->server->url);
  g_assert_false (gtk_widget_is_sensitive (child (dialog, "login_button")));

  set_text (dialog, "username_row", "staff");
  set_text (dialog, "password_row", "demo");
  g_assert_true (gtk_widget_is_sensitive (child (dialog, "login_button")));
  press_enter_in (dialog, "password_row");

  wait_for (pointer_is_null, &weak, "the dialog to close after logging in");
  g_assert_cmpstr (dk_sync_engine_get_username (fixture->engine), ==, "staff");

  /* ... and the engine syncs: the demo cases arrive in the replica. */
  while (dk_sync_engine_get_last_sync (fixture->engine) == DK_TIME_UNSET)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (count_cases (fixture->store), >, 0);
}

static void
test_login_wrong_password_shows_error_and_stays_open (Fixture       *fixture,
                                                      gconstpointer  data)
{
  GtkWindow *dialog = dk_login_dialog_new (NULL, fixture->engine);
  GtkWidget *error_label = child (dialog, "error_label");
  gpointer weak = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  present_and_settle (dialog);

  set_text (dialog, "username_row", "staff");
  set_text (dialog, "password_row", "not the password");
  press_enter_in (dialog, "password_row");
  wait_for (widget_is_visible, error_label, "the error");

  g_assert_nonnull (weak);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), ==,
                   "Wrong username or password");
  g_assert_null (dk_sync_engine_get_username (fixture->engine));
  /* Ready for another try: the fields keep what was typed, the button works again. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (dialog, "username_row"))), ==,
                   "staff");
  g_assert_true (gtk_widget_is_sensitive (child (dialog, "login_button")));
  g_assert_false (gtk_widget_get_visible (child (dialog, "spinner")));
  save_screenshot (dialog, "login-dialog-wrong-password.png");

  /* The right password then logs in, and the dialog closes. */
  set_text (dialog, "password_row", "demo");
  click (child (dialog, "login_button"));
  wait_for (pointer_is_null, &weak, "the dialog to close after logging in");
  g_assert_cmpstr (dk_sync_engine_get_username (fixture->engine), ==, "staff");
}

static void
test_login_server_stopped_shows_error_and_stays_open (Fixture       *fixture,
                                                      gconstpointer  data)
{
  GtkWindow *dialog = dk_login_dialog_new (NULL, fixture->engine);
  GtkWidget *error_label = child (dialog, "error_label");
  present_and_settle (dialog);
  dk_test_server_stop (fixture->server, FALSE);

  set_text (dialog, "username_row", "staff");
  set_text (dialog, "password_row", "demo");
  click (child (dialog, "login_button"));
  wait_for (widget_is_visible, error_label, "the error");

  /* It names the server it could not reach. */
  g_test_message ("Server stopped: %s", gtk_label_get_text (GTK_LABEL (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "127.0.0.1"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_null (dk_sync_engine_get_username (fixture->engine));
  save_screenshot (dialog, "login-dialog-server-stopped.png");

  close_window (dialog);
}

static gboolean
accept_and_keep_cb (GSocketService    *service,
                    GSocketConnection *connection,
                    GObject           *source,
                    gpointer           user_data)
{
  /* Holds the connection open and never answers. */
  g_ptr_array_add (user_data, g_object_ref (connection));
  return TRUE;
}

static void
test_login_cancel_stops_the_attempt (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GSocketService) silent = g_socket_service_new ();
  g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  GtkWindow *dialog;
  gpointer weak;

  g_socket_listener_add_address (G_SOCKET_LISTENER (silent), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  g_signal_connect (silent, "incoming", G_CALLBACK (accept_and_keep_cb), connections);
  url = g_strdup_printf ("http://127.0.0.1:%u/",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  dialog = dk_login_dialog_new (NULL, fixture->engine);
  weak = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  present_and_settle (dialog);

  set_text (dialog, "server_row", url);
  set_text (dialog, "username_row", "staff");
  set_text (dialog, "password_row", "demo");
  click (child (dialog, "login_button"));
  wait_for (widget_is_visible, child (dialog, "spinner"), "the spinner");
  g_assert_false (gtk_widget_is_sensitive (child (dialog, "login_button")));
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (child (dialog, "password_row"))));
  save_screenshot (dialog, "login-dialog-logging-in.png");

  /* Cancel while it waits: the attempt stops, the dialog stays for another try. */
  click (child (dialog, "cancel_button"));
  g_assert_false (gtk_widget_get_visible (child (dialog, "spinner")));
  g_assert_true (gtk_widget_is_sensitive (child (dialog, "login_button")));
  spin (200);
  g_assert_nonnull (weak);
  g_assert_false (gtk_widget_get_visible (child (dialog, "error_label")));
  g_assert_null (dk_sync_engine_get_username (fixture->engine));

  /* Cancel again closes it. */
  click (child (dialog, "cancel_button"));
  wait_for (pointer_is_null, &weak, "the dialog to close");
  g_socket_service_stop (silent);
}

/* ---- the preferences: what I follow ---- */

static JsonObject *
server_subscription (Fixture    *fixture,
                     const char *username)
{
  g_autofree char *token = dk_test_server_login (fixture->server, username, "demo");
  g_autofree char *id = g_strdup_printf ("sub:%s", username);
  g_autoptr(GPtrArray) changes = dk_test_server_pull_all (fixture->server, token, 1000, NULL);
  JsonObject *found = NULL;

  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);

      if (g_strcmp0 (json_object_get_string_member (change, "type"), "subscription") == 0 &&
          g_strcmp0 (json_object_get_string_member (change, "id"), id) == 0)
        found = json_object_get_object_member (change, "data");
    }

  return found != NULL ? json_object_ref (found) : NULL;
}

static gboolean
subscription_is_pending (gpointer data)
{
  Fixture *fixture = data;

  return dk_store_is_pending (fixture->store, "subscription", "sub:staff");
}

static guint
count_outbox (Fixture    *fixture,
              const char *op)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  entries = dk_store_outbox_list (fixture->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    n += g_str_equal (((DkOutboxEntry *) g_ptr_array_index (entries, i))->op, op);

  return n;
}

static GtkCheckButton *
find_choice (GtkWidget  *expander,
             const char *label)
{
  for (GtkWidget *w = gtk_widget_get_first_child (expander); w != NULL;)
    {
      if (ADW_IS_ACTION_ROW (w) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), label) == 0)
        for (GtkWidget *c = w; c != NULL; c = gtk_widget_get_first_child (c))
          {
            for (GtkWidget *s = c; s != NULL; s = gtk_widget_get_next_sibling (s))
              if (GTK_IS_CHECK_BUTTON (s))
                return GTK_CHECK_BUTTON (s);
          }

      /* Depth first through the expander's rows. */
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && w != expander && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = (w == NULL || w == expander) ? NULL : gtk_widget_get_next_sibling (w);
        }
    }

  g_error ("No choice “%s”", label);
  return NULL;
}

static void
test_following_default_until_chosen (Fixture       *fixture,
                                     gconstpointer  data)
{
  GtkWindow *window;

  login_and_sync (fixture, "staff");
  window = dk_preferences_window_new (NULL, fixture->engine, fixture->settings);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "following");
  present_and_settle (window);

  /* Nothing chosen yet: major incidents (priority 1–2) and crisis information, every
   * area; showing it sends nothing. */
  g_assert_true (gtk_widget_is_sensitive (child (window, "following_group")));
  g_assert_false (adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (child (window,
                                                                                 "areas_row"))));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (child (window, "priority_row"))),
                    ==, 1);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (child (window, "crisis_switch"))));
  g_assert_false (gtk_widget_get_visible (child (window, "pending_label")));
  spin (600);
  g_assert_cmpuint (count_outbox (fixture, "subscription.set"), ==, 0);
  save_screenshot (window, "preferences-following.png");
  assert_every_control_named (window);

  close_window (window);
  g_assert_cmpuint (count_outbox (fixture, "subscription.set"), ==, 0);
}

static void
test_following_choices_reach_the_server (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(JsonObject) sent = NULL;
  g_autoptr(DkSubscription) local = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;
  GtkWidget *areas;
  GtkWidget *services;
  JsonArray *array;

  login_and_sync (fixture, "staff");
  window = dk_preferences_window_new (NULL, fixture->engine, fixture->settings);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "following");
  present_and_settle (window);

  /* Only lab medicine and the TES service, priority 1–4, major incidents only: one
   * outbox entry for the lot. */
  areas = child (window, "areas_row");
  services = child (window, "services_row");
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (areas), TRUE);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (areas), TRUE);
  gtk_widget_activate (GTK_WIDGET (find_choice (areas, dk_area_label (DK_AREA_LAB_MEDICINE))));
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (services), TRUE);
  gtk_check_button_set_active (find_choice (services, "TES"), TRUE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (window, "priority_row")), 3);
  gtk_switch_set_active (GTK_SWITCH (child (window, "major_switch")), TRUE);

  g_assert_true (gtk_widget_get_visible (child (window, "pending_label")));
  wait_for (subscription_is_pending, fixture, "the subscription in the outbox");
  g_assert_cmpuint (count_outbox (fixture, "subscription.set"), ==, 1);
  g_assert_true (gtk_widget_get_visible (child (window, "pending_label")));
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (areas)), ==,
                   dk_area_label (DK_AREA_LAB_MEDICINE));
  spin (200);
  save_screenshot (window, "preferences-following-not-yet-sent.png");

  /* The replica shows the local version at once. */
  local = dk_store_get_subscription (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (local);
  g_assert_cmpuint (local->areas->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (local->areas, 0), ==, "lab_medicine");
  g_assert_cmpint (local->min_priority, ==, 4);

  /* The next sync sends it; the page stops saying "not yet sent". */
  sync_now (fixture);
  g_assert_false (subscription_is_pending (fixture));
  g_assert_false (gtk_widget_get_visible (child (window, "pending_label")));

  sent = server_subscription (fixture, "staff");
  g_assert_nonnull (sent);
  array = json_object_get_array_member (sent, "areas");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "lab_medicine");
  array = json_object_get_array_member (sent, "services");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "tes");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (sent, "kinds")), ==, 0);
  g_assert_cmpint (json_object_get_int_member (sent, "min_priority"), ==, 4);
  g_assert_true (json_object_get_boolean_member (sent, "major_only"));
  g_assert_true (json_object_get_boolean_member (sent, "all_crisis"));
  /* Kept as it was: the General page's switch decides about notifications. */
  g_assert_true (json_object_get_boolean_member (sent, "notify"));

  /* A new window shows what the server has. */
  close_window (window);
  window = dk_preferences_window_new (NULL, fixture->engine, fixture->settings);
  g_assert_true (adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (child (window,
                                                                                "areas_row"))));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (child (window, "major_switch"))));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (child (window, "priority_row"))),
                    ==, 3);
  close_window (window);
}

static void
test_following_closing_at_once_keeps_the_choice (Fixture       *fixture,
                                                 gconstpointer  data)
{
  GtkWindow *window;

  login_and_sync (fixture, "staff");
  window = dk_preferences_window_new (NULL, fixture->engine, fixture->settings);
  present_and_settle (window);

  /* Closed before the short delay that gathers clicks: still in the outbox. */
  gtk_switch_set_active (GTK_SWITCH (child (window, "crisis_switch")), FALSE);
  gtk_window_close (window);
  g_assert_true (subscription_is_pending (fixture));
  g_assert_cmpuint (count_outbox (fixture, "subscription.set"), ==, 1);
}

static void
test_following_refusal_is_shown_and_replaced (Fixture       *fixture,
                                              gconstpointer  data)
{
  g_autoptr(DkSubscription) local = dk_subscription_new_default ("staff");
  g_autoptr(JsonNode) local_node = dk_subscription_to_json (local);
  g_autoptr(JsonNode) bad = json_from_string ("{\"areas\": [\"the-moon\"]}", NULL);
  g_autoptr(JsonObject) sent = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;
  GtkWidget *error_label;

  /* A choice the server refuses, as an older or broken client might have sent it. */
  login_and_sync (fixture, "staff");
  g_assert_true (dk_store_enqueue (fixture->store, "subscription.set", "subscription",
                                   "sub:staff", 0, bad, local_node, NULL, &error));
  g_assert_no_error (error);
  dk_sync_engine_local_change_added (fixture->engine);
  sync_now (fixture);
  g_assert_cmpuint (dk_store_outbox_count (fixture->store, DK_OUTBOX_REJECTED), ==, 1);

  window = dk_preferences_window_new (NULL, fixture->engine, fixture->settings);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "following");
  present_and_settle (window);
  error_label = child (window, "following_error_label");
  g_assert_true (gtk_widget_get_visible (error_label));
  g_test_message ("Refused: %s", gtk_label_get_text (GTK_LABEL (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)),
                            "The server refused your last choice"));
  g_assert_false (gtk_widget_get_visible (child (window, "pending_label")));
  save_screenshot (window, "preferences-following-refused.png");

  /* Choosing again replaces the refused entry, and the new choice arrives. */
  gtk_switch_set_active (GTK_SWITCH (child (window, "major_switch")), TRUE);
  wait_for (subscription_is_pending, fixture, "the subscription in the outbox");
  g_assert_cmpuint (dk_store_outbox_count (fixture->store, DK_OUTBOX_REJECTED), ==, 0);
  g_assert_false (gtk_widget_get_visible (error_label));
  sync_now (fixture);
  g_assert_cmpuint (count_outbox (fixture, "subscription.set"), ==, 0);
  sent = server_subscription (fixture, "staff");
  g_assert_nonnull (sent);
  g_assert_true (json_object_get_boolean_member (sent, "major_only"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (sent, "areas")), ==, 0);

  close_window (window);
}


static gboolean
expander_is_off (gpointer data)
{
  return !adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (data));
}

/* Waits as long as a save and its answer take, then a little more. */
static void
wait_past_the_save (void)
{
  spin (1200);
}

static void
test_following_only_some_stays_on (Fixture       *fixture,
                                   gconstpointer  data)
{
  const char *names[] = { "areas_row", "services_row", "kinds_row" };
  g_autoptr(JsonObject) sent = NULL;
  g_autoptr(DkSubscription) local = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;
  GtkWidget *services;
  JsonArray *array;

  login_and_sync (fixture, "staff");
  window = dk_preferences_window_new (NULL, fixture->engine, fixture->settings);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "following");
  present_and_settle (window);

  /* Each "only some" switch turned on by hand stays on, its chooser open, and nothing
   * is saved as long as nothing is chosen ("every one counts" is what is kept). */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GtkWidget *expander = child (window, names[i]);

      adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (expander), TRUE);
      wait_past_the_save ();
      g_assert_false (expander_is_off (expander));
      g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (expander)));
      g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (expander)), ==,
                       "None chosen yet, so every one counts");
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), FALSE);
    }
  g_assert_cmpuint (count_outbox (fixture, "subscription.set"), ==, 0);
  g_assert_false (gtk_widget_get_visible (child (window, "pending_label")));

  /* One service, chosen by hand, after the switch has been on a while: kept, sent. */
  services = child (window, "services_row");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (services), TRUE);
  gtk_widget_activate (GTK_WIDGET (find_choice (services, "Cosmic")));
  wait_for (subscription_is_pending, fixture, "the subscription in the outbox");
  wait_past_the_save ();
  g_assert_false (expander_is_off (services));
  g_assert_true (gtk_check_button_get_active (find_choice (services, "Cosmic")));
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (services)), ==, "Cosmic");
  save_screenshot (window, "preferences-following-one-service.png");

  sync_now (fixture);
  g_assert_false (expander_is_off (services));
  sent = server_subscription (fixture, "staff");
  g_assert_nonnull (sent);
  array = json_object_get_array_member (sent, "services");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "cosmic");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (sent, "areas")), ==, 0);

  /* Unticking it again: every service counts again, and the switch does not jump. */
  gtk_widget_activate (GTK_WIDGET (find_choice (services, "Cosmic")));
  wait_for (subscription_is_pending, fixture, "the subscription in the outbox");
  wait_past_the_save ();
  g_assert_false (expander_is_off (services));
  local = dk_store_get_subscription (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (local->services->len, ==, 0);

  close_window (window);
}

/* The labels under @widget, depth first, into @labels. */
static void
collect_labels (GtkWidget *widget,
                GPtrArray *labels)
{
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (labels, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    collect_labels (c, labels);
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_descendant (c, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_following_priority_in_words (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkWindow *window;
  GtkWidget *row;
  GtkWidget *popover;
  GListModel *model;

  login_and_sync (fixture, "staff");
  window = dk_preferences_window_new (NULL, fixture->engine, fixture->settings);
  gtk_window_set_default_size (window, 360, 640);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "following");
  present_and_settle (window);
  row = child (window, "priority_row");

  /* Every level says what it means (seed 001), in the list and for the one chosen. */
  model = adw_combo_row_get_model (ADW_COMBO_ROW (row));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 5);
  for (int priority = 1; priority <= 5; priority++)
    {
      const char *item = gtk_string_list_get_string (GTK_STRING_LIST (model), priority - 1);

      g_test_message ("Priority %d: %s", priority, item);
      g_assert_nonnull (strstr (item, dk_priority_label (priority)));
    }
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            dk_priority_label (2)));

  /* The open list shows the words whole, wrapped, not cut off. */
  gtk_widget_activate (row);
  popover = find_descendant (row, GTK_TYPE_POPOVER);
  g_assert_nonnull (popover);
  wait_for (widget_is_mapped, popover, "the list of priorities");
  spin (400);
  collect_labels (popover, labels);
  for (int priority = 1; priority <= 5; priority++)
    {
      gboolean shown = FALSE;

      for (guint i = 0; i < labels->len; i++)
        {
          GtkLabel *label = g_ptr_array_index (labels, i);

          if (strstr (gtk_label_get_text (label), dk_priority_label (priority)) == NULL)
            continue;
          g_assert_cmpint (gtk_label_get_ellipsize (label), ==, PANGO_ELLIPSIZE_NONE);
          g_assert_true (gtk_label_get_wrap (label));
          shown = TRUE;
        }
      g_assert_true (shown);
    }
  g_assert_cmpint (gtk_widget_get_width (popover), <=, 360);
  save_screenshot ((GtkWindow *) popover, "preferences-following-priority-list.png");
  gtk_popover_popdown (GTK_POPOVER (popover));

  /* Choosing one keeps working as before. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 3);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            dk_priority_label (4)));
  wait_for (subscription_is_pending, fixture, "the subscription in the outbox");

  close_window (window);
}

static void
test_following_needs_login (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkWindow *window = dk_preferences_window_new (NULL, fixture->engine, fixture->settings);

  g_assert_false (gtk_widget_get_sensitive (child (window, "following_group")));
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (
                     child (window, "following_group"))), ==,
                   "Log in to choose what you follow.");

  /* Logging in meanwhile makes the page usable. */
  login_and_sync (fixture, "staff");
  g_assert_true (gtk_widget_get_sensitive (child (window, "following_group")));
  close_window (window);
  g_assert_cmpuint (count_outbox (fixture, "subscription.set"), ==, 0);
}


/* ---- following one service from its case page and routine page ---- */

/* Service id → name, as the window gives its pages. */
static GHashTable *
read_service_names (DkStore *store)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) services = NULL;
  g_autoptr(GError) error = NULL;

  services = dk_store_list_services (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < services->len; i++)
    {
      DkService *service = g_ptr_array_index (services, i);

      g_hash_table_insert (names, g_strdup (service->id), g_strdup (service->name));
    }

  return names;
}

/* The current case whose title starts with @title. */
static DkCase *
find_case (DkStore    *store,
           const char *title)
{
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GError) error = NULL;
  DkCaseQuery query = { 0, };

  cases = dk_store_list_cases (store, &query, dk_time_now (), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < cases->len; i++)
    {
      DkCase *kase = g_ptr_array_index (cases, i);

      if (g_str_has_prefix (kase->title, title))
        return dk_case_ref (kase);
    }

  g_error ("No case “%s”", title);
  return NULL;
}

/* A window showing the case page of the case titled @title. */
static GtkWindow *
open_case_page (Fixture    *fixture,
                const char *title,
                GtkWidget **out_page)
{
  g_autoptr(GHashTable) names = read_service_names (fixture->store);
  g_autoptr(DkCase) kase = find_case (fixture->store, title);
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *page = dk_case_page_new ();

  gtk_window_set_default_size (window, 480, 800);
  gtk_window_set_child (window, page);
  dk_case_page_set_engine (DK_CASE_PAGE (page), fixture->engine);
  dk_case_page_set_case (DK_CASE_PAGE (page), fixture->store, kase, names);
  present_and_settle (window);
  *out_page = page;

  return window;
}

static void
collect_type (GtkWidget *widget,
              GType      type,
              GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    collect_type (c, type, found);
}

static DkFollowButton *
find_follow_button (GtkWidget  *page,
                    const char *service_id)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect_type (page, DK_TYPE_FOLLOW_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (dk_follow_button_get_service_id (g_ptr_array_index (buttons, i)),
                   service_id) == 0)
      return g_ptr_array_index (buttons, i);

  g_error ("No follow button for %s", service_id);
  return NULL;
}

static GtkToggleButton *
follow_toggle (DkFollowButton *button)
{
  GtkWidget *toggle = gtk_widget_get_first_child (GTK_WIDGET (button));

  g_assert_true (GTK_IS_TOGGLE_BUTTON (toggle));
  return GTK_TOGGLE_BUTTON (toggle);
}

typedef struct {
  GtkWidget  *services;
  const char *name;
} ChoiceShown;

static gboolean
choice_is_shown (gpointer data)
{
  ChoiceShown *shown = data;

  return adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (shown->services)) &&
         gtk_check_button_get_active (find_choice (shown->services, shown->name));
}

static gboolean
follow_button_is_off (gpointer data)
{
  return !dk_follow_button_get_following (DK_FOLLOW_BUTTON (data));
}

static void
test_following_one_service_from_its_pages (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(DkSubscription) local = NULL;
  g_autoptr(JsonObject) sent = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *prefs;
  GtkWindow *window;
  GtkWindow *routine_window;
  GtkWidget *page;
  GtkWidget *routine_page;
  DkFollowButton *button;
  ChoiceShown shown;
  JsonArray *array;
  gint64 clicked_at;

  login_and_sync (fixture, "staff");
  prefs = dk_preferences_window_new (NULL, fixture->engine, fixture->settings);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "following");
  present_and_settle (prefs);

  /* The case page of Cosmic's outage: one button, not pressed yet. */
  window = open_case_page (fixture, "Cosmic otillgängligt", &page);
  button = find_follow_button (page, "cosmic");
  g_assert_false (dk_follow_button_get_following (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (follow_toggle (button))), ==,
                   "Follow Cosmic");
  assert_every_control_named (window);

  /* Pressed: saved in the outbox, and the preferences show it at once, no sync. */
  clicked_at = g_get_monotonic_time ();
  g_signal_emit_by_name (follow_toggle (button), "clicked");
  g_assert_true (dk_follow_button_get_following (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (follow_toggle (button))), ==,
                   "Following Cosmic");
  g_assert_true (subscription_is_pending (fixture));
  g_assert_cmpuint (count_outbox (fixture, "subscription.set"), ==, 1);
  shown.services = child (prefs, "services_row");
  shown.name = "Cosmic";
  wait_for (choice_is_shown, &shown, "the preferences to show Cosmic followed");
  g_test_message ("The preferences showed it after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - clicked_at) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - clicked_at, <, G_USEC_PER_SEC);
  save_screenshot (window, "case-page-following.png");

  /* A case with two services has two buttons. */
  close_window (window);
  window = open_case_page (fixture, "Strömavbrott i hus 12", &page);
  g_assert_false (dk_follow_button_get_following (find_follow_button (page, "el")));
  g_assert_false (dk_follow_button_get_following (find_follow_button (page, "ventilation")));
  close_window (window);

  /* Offline: the routine page of TES's routine adds TES to the outbox all the same. */
  sync_now (fixture);
  dk_test_server_stop (fixture->server, FALSE);
  names = read_service_names (fixture->store);
  routine_window = GTK_WINDOW (gtk_window_new ());
  routine_page = g_object_new (DK_TYPE_ROUTINE_PAGE, NULL);
  gtk_window_set_child (routine_window, routine_page);
  dk_routine_page_set_context (DK_ROUTINE_PAGE (routine_page), fixture->engine, names);
  g_assert_true (dk_routine_page_set_routine (DK_ROUTINE_PAGE (routine_page), "driftstopp-tes"));
  present_and_settle (routine_window);
  button = find_follow_button (routine_page, "tes");
  g_assert_false (dk_follow_button_get_following (button));
  g_signal_emit_by_name (follow_toggle (button), "clicked");
  g_assert_true (dk_follow_button_get_following (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (follow_toggle (button))), ==,
                   "Following TES");
  g_assert_true (subscription_is_pending (fixture));
  shown.name = "TES";
  wait_for (choice_is_shown, &shown, "the preferences to show TES followed");
  g_assert_true (gtk_check_button_get_active (find_choice (shown.services, "Cosmic")));
  save_screenshot (routine_window, "routine-page-following.png");

  local = dk_store_get_subscription (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (local->services->len, ==, 2);

  /* Back online, the next sync sends both. */
  dk_test_server_start_again (fixture->server);
  sync_now (fixture);
  g_assert_false (subscription_is_pending (fixture));
  sent = server_subscription (fixture, "staff");
  g_assert_nonnull (sent);
  array = json_object_get_array_member (sent, "services");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "cosmic");
  g_assert_cmpstr (json_array_get_string_element (array, 1), ==, "tes");

  /* Unticked in the preferences: the routine page's button lets go too. */
  gtk_widget_activate (GTK_WIDGET (find_choice (shown.services, "TES")));
  wait_for (subscription_is_pending, fixture, "the subscription in the outbox");
  wait_for (follow_button_is_off, button, "the routine page's button to let go");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (follow_toggle (button))), ==,
                   "Follow TES");

  close_window (routine_window);
  close_window (prefs);
}

/* ---- the case page: no reserve routine, and whom to ask ---- */

static gboolean
collect_text (GtkWidget *widget,
              GString   *text)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    collect_text (c, text);

  return TRUE;
}

/* What the page says about reserve routines: the text of each "no routine" row. */
static GPtrArray *
no_routine_rows (GtkWidget *page)
{
  g_autoptr(GPtrArray) boxes = g_ptr_array_new ();
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  collect_type (page, GTK_TYPE_BOX, boxes);
  for (guint i = 0; i < boxes->len; i++)
    {
      GtkWidget *box = g_ptr_array_index (boxes, i);
      g_autoptr(GString) text = g_string_new (NULL);

      if (g_strcmp0 (gtk_widget_get_name (box), "no-reserve-routine") != 0)
        continue;
      g_assert_true (gtk_widget_get_mapped (box));
      collect_text (box, text);
      g_test_message ("No routine: %s", text->str);
      g_ptr_array_add (texts, g_string_free (g_steal_pointer (&text), FALSE));
    }

  return texts;
}

static void
test_case_page_says_no_reserve_routine (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *priority = dk_priority_dup_description (1);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *ask = NULL;
  GtkWindow *window;
  GtkWidget *page;

  login_and_sync (fixture, "staff");

  /* Cosmic has no routine; the routine owners of its area are named. */
  window = open_case_page (fixture, "Cosmic otillgängligt", &page);
  rows = no_routine_rows (page);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (rows, 0), "No reserve routine for Cosmic"));
  ask = g_strdup_printf ("Ask the routine owner for %s:", dk_area_label (DK_AREA_IT_TELEPHONY));
  g_assert_nonnull (strstr (g_ptr_array_index (rows, 0), ask));
  g_assert_nonnull (strstr (g_ptr_array_index (rows, 0), "Objektledare TES"));
  g_assert_nonnull (strstr (g_ptr_array_index (rows, 0), "Användarstöd (rutinansvarig)"));
  /* The priority in words among the details. */
  collect_text (page, text);
  g_assert_nonnull (strstr (text->str, priority));
  save_screenshot (window, "case-page-no-reserve-routine.png");
  close_window (window);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* TES has one: its buttons, no such row. */
  window = open_case_page (fixture, "Inloggning i TES-appen", &page);
  rows = no_routine_rows (page);
  g_assert_cmpuint (rows->len, ==, 0);
  close_window (window);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Lab medicine has no routine owner at all: whom to ask in general. */
  window = open_case_page (fixture, "Fördröjda provsvar från Unilab", &page);
  rows = no_routine_rows (page);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (rows, 0), "No reserve routine for Unilab"));
  g_assert_nonnull (strstr (g_ptr_array_index (rows, 0), "whether a reserve routine applies"));
  close_window (window);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Two services, neither with a routine: one row each. */
  window = open_case_page (fixture, "Strömavbrott i hus 12", &page);
  rows = no_routine_rows (page);
  g_assert_cmpuint (rows->len, ==, 2);
  close_window (window);
}

/* ---- the preferences: general ---- */

static void
test_general_settings_are_bound (Fixture       *fixture,
                                 gconstpointer  data)
{
  GtkWindow *window = dk_preferences_window_new (NULL, fixture->engine, fixture->settings);

  present_and_settle (window);
  save_screenshot (window, "preferences-general.png");
  assert_every_control_named (window);

  /* Empty server-url: the address the engine has is shown. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (window, "server_row"))), ==,
                   fixture->server->url);

  gtk_switch_set_active (GTK_SWITCH (child (window, "notifications_switch")), FALSE);
  g_assert_false (g_settings_get_boolean (fixture->settings, "notifications"));
  gtk_switch_set_active (GTK_SWITCH (child (window, "background_switch")), TRUE);
  g_assert_true (g_settings_get_boolean (fixture->settings, "run-in-background"));
  gtk_switch_set_active (GTK_SWITCH (child (window, "autostart_switch")), TRUE);
  g_assert_true (g_settings_get_boolean (fixture->settings, "autostart"));
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (window, "color_scheme_row")), 2);
  g_assert_cmpstr (g_settings_get_string (fixture->settings, "color-scheme"), ==, "dark");

  /* ... and the other way round. */
  g_settings_set_string (fixture->settings, "color-scheme", "light");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (child (window,
                                                                     "color_scheme_row"))),
                    ==, 1);
  g_settings_set_boolean (fixture->settings, "notifications", TRUE);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (child (window, "notifications_switch"))));

  close_window (window);
}


/* Notifications have one switch, on the General page; the Following page has none. */
static void
test_general_one_notification_switch (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkWindow *window;
  guint switches = 0;

  login_and_sync (fixture, "staff");
  window = dk_preferences_window_new (NULL, fixture->engine, fixture->settings);
  present_and_settle (window);

  g_assert_null (gtk_widget_get_template_child (GTK_WIDGET (window), G_OBJECT_TYPE (window),
                                                "notify_switch"));
  collect_labels (GTK_WIDGET (window), labels);
  for (guint i = 0; i < labels->len; i++)
    {
      const char *text = gtk_label_get_text (g_ptr_array_index (labels, i));

      if (g_str_has_suffix (text, "Notifications"))
        {
          g_test_message ("A notification switch: %s", text);
          switches++;
        }
    }
  g_assert_cmpuint (switches, ==, 1);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (child (window, "notifications_switch"))));

  close_window (window);
}

static void
test_general_server_url_reaches_the_engine (Fixture       *fixture,
                                            gconstpointer  data)
{
  GtkWindow *window = dk_preferences_window_new (NULL, fixture->engine, fixture->settings);
  GtkWidget *error_label = child (window, "server_error_label");
  g_autofree char *moved = NULL;
  g_autofree char *expected = NULL;

  present_and_settle (window);

  /* Not an address: said, and neither the engine nor the setting changes. */
  set_text (window, "server_row", "driftkoll example org");
  g_signal_emit_by_name (child (window, "server_row"), "apply");
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)),
                            "is not a server address"));
  g_assert_true (gtk_widget_has_css_class (child (window, "server_row"), "error"));
  g_assert_cmpstr (dk_sync_engine_get_server_url (fixture->engine), ==, fixture->server->url);
  g_assert_cmpstr (g_settings_get_string (fixture->settings, "server-url"), ==, "");
  save_screenshot (window, "preferences-general-bad-address.png");

  /* The same server by another name: the engine and the setting take it, and a login
   * through it works. */
  moved = g_strdup_printf ("http://localhost:%s",
                           strrchr (fixture->server->url, ':') + 1);
  moved[strlen (moved) - 1] = '\0';   /* without the trailing slash */
  expected = g_strconcat (moved, "/", NULL);
  set_text (window, "server_row", moved);
  g_signal_emit_by_name (child (window, "server_row"), "apply");
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_false (gtk_widget_has_css_class (child (window, "server_row"), "error"));
  g_assert_cmpstr (dk_sync_engine_get_server_url (fixture->engine), ==, expected);
  g_assert_cmpstr (g_settings_get_string (fixture->settings, "server-url"), ==, expected);
  login_and_sync (fixture, "staff");

  close_window (window);
}

static void
test_general_ca_file_reaches_the_engine (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autofree char *cert = g_build_filename (fixture->server->dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (fixture->server->dir, "key.pem", NULL);
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) process = dk_test_server_start_tls (fixture->server, cert, key,
                                                             &url);
  GtkWindow *window = dk_preferences_window_new (NULL, fixture->engine, fixture->settings);
  GtkWidget *error_label = child (window, "server_error_label");
  GtkWindow *dialog;
  gpointer weak;

  present_and_settle (window);
  set_text (window, "server_row", url);
  g_signal_emit_by_name (child (window, "server_row"), "apply");
  g_assert_cmpstr (dk_sync_engine_get_server_url (fixture->engine), ==, url);

  /* Without the CA file the login dialog says the certificate is not trusted. */
  dialog = dk_login_dialog_new (window, fixture->engine);
  present_and_settle (dialog);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (dialog, "server_row"))), ==,
                   url);
  set_text (dialog, "username_row", "staff");
  set_text (dialog, "password_row", "demo");
  click (child (dialog, "login_button"));
  wait_for (widget_is_visible, child (dialog, "error_label"), "the error");
  g_test_message ("Untrusted: %s", gtk_label_get_text (GTK_LABEL (child (dialog,
                                                                         "error_label"))));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (child (dialog, "error_label"))),
                            "not trusted"));
  save_screenshot (dialog, "login-dialog-untrusted.png");
  close_window (dialog);

  /* A CA file that is not there: said, nothing stored, the engine as it was. */
  set_text (window, "ca_file_row", "/nonexistent/ca.pem");
  g_signal_emit_by_name (child (window, "ca_file_row"), "apply");
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)),
                            "/nonexistent/ca.pem"));
  g_assert_true (gtk_widget_has_css_class (child (window, "ca_file_row"), "error"));
  g_assert_cmpstr (g_settings_get_string (fixture->settings, "ca-file"), ==, "");
  save_screenshot (window, "preferences-general-bad-ca-file.png");

  /* The server's own certificate as the CA file: stored, and the login works. */
  set_text (window, "ca_file_row", cert);
  g_signal_emit_by_name (child (window, "ca_file_row"), "apply");
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (g_settings_get_string (fixture->settings, "ca-file"), ==, cert);

  dialog = dk_login_dialog_new (window, fixture->engine);
  weak = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  present_and_settle (dialog);
  set_text (dialog, "username_row", "staff");
  set_text (dialog, "password_row", "demo");
  click (child (dialog, "login_button"));
  wait_for (pointer_is_null, &weak, "the dialog to close after logging in");
  g_assert_cmpstr (dk_sync_engine_get_username (fixture->engine), ==, "staff");

  /* Clearing it: the system's authorities only, the setting empty again. */
  gtk_widget_activate_action (GTK_WIDGET (window), "prefs.clear-ca-file", NULL);
  g_assert_cmpstr (g_settings_get_string (fixture->settings, "ca-file"), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (window, "ca_file_row"))), ==,
                   "");

  close_window (window);
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
  /* Let the pooled TLS threads end before the next test (see test-sync.c). */
  spin (500);
  g_thread_pool_stop_unused_threads ();
}

/* ---- narrow and dark ---- */

static void
test_windows_fit_a_narrow_screen (Fixture       *fixture,
                                  gconstpointer  data)
{
  GtkWindow *window;
  GtkWindow *dialog;

  login_and_sync (fixture, "staff");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);

  window = dk_preferences_window_new (NULL, fixture->engine, fixture->settings);
  gtk_window_set_default_size (window, 360, 640);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "following");
  present_and_settle (window);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 360);
  save_screenshot (window, "preferences-following-narrow-dark.png");

  dialog = dk_login_dialog_new (window, fixture->engine);
  gtk_window_set_default_size (dialog, 320, -1);
  present_and_settle (dialog);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (dialog)), <=, 320);
  save_screenshot (dialog, "login-dialog-narrow-dark.png");

  close_window (dialog);
  close_window (window);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);
}


/* ---- screenshots: narrow and dark, in the language of $LANGUAGE ---- */

/* Run by hand in Swedish and Norwegian too (the build's translations):
 *   LANGUAGE=sv DRIFTKOLL_LOCALEDIR=build/po tests/run-ui.sh build/tests/test-prefs \
 *     -p /prefs/screenshots/narrow-dark */
static void
test_screenshots_narrow_dark (Fixture       *fixture,
                              gconstpointer  data)
{
  const char *language = g_getenv ("LANGUAGE");
  g_autofree char *suffix = g_strdup_printf ("%s%s", language != NULL && *language ? "-" : "",
                                             language != NULL ? language : "");
  g_autoptr(GHashTable) names = NULL;
  g_autofree char *name = NULL;
  GtkWindow *prefs;
  GtkWindow *window;
  GtkWidget *page;
  GtkWidget *services;
  GtkWidget *popover;

  login_and_sync (fixture, "staff");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);

  /* The case page of Cosmic: Follow, and no reserve routine with whom to ask. */
  window = open_case_page (fixture, "Cosmic otillgängligt", &page);
  gtk_window_set_default_size (window, 360, 760);
  g_signal_emit_by_name (follow_toggle (find_follow_button (page, "cosmic")), "clicked");
  spin (300);
  g_test_message ("The case page is %d px wide", gtk_widget_get_width (GTK_WIDGET (window)));
  name = g_strdup_printf ("case-page-follow-narrow-dark%s.png", suffix);
  save_screenshot (window, name);
  close_window (window);

  /* The routine page of TES. */
  names = read_service_names (fixture->store);
  window = GTK_WINDOW (gtk_window_new ());
  page = g_object_new (DK_TYPE_ROUTINE_PAGE, NULL);
  gtk_window_set_child (window, page);
  gtk_window_set_default_size (window, 360, 800);
  dk_routine_page_set_context (DK_ROUTINE_PAGE (page), fixture->engine, names);
  g_assert_true (dk_routine_page_set_routine (DK_ROUTINE_PAGE (page), "driftstopp-tes"));
  present_and_settle (window);
  g_free (name);
  name = g_strdup_printf ("routine-page-follow-narrow-dark%s.png", suffix);
  save_screenshot (window, name);
  close_window (window);

  /* The Following page: Cosmic chosen (from the case page), the priority in words. */
  prefs = dk_preferences_window_new (NULL, fixture->engine, fixture->settings);
  gtk_window_set_default_size (prefs, 360, 700);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "following");
  present_and_settle (prefs);
  services = child (prefs, "services_row");
  g_assert_true (adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (services)));
  g_free (name);
  name = g_strdup_printf ("preferences-following-narrow-dark%s.png", suffix);
  save_screenshot (prefs, name);
  /* The list opens beside its row: the row on screen first. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (services), FALSE);
  spin (400);
  gtk_widget_activate (child (prefs, "priority_row"));
  popover = find_descendant (child (prefs, "priority_row"), GTK_TYPE_POPOVER);
  wait_for (widget_is_mapped, popover, "the list of priorities");
  spin (400);
  g_free (name);
  name = g_strdup_printf ("preferences-priority-list-narrow-dark%s.png", suffix);
  save_screenshot ((GtkWindow *) popover, name);
  gtk_popover_popdown (GTK_POPOVER (popover));

  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "general");
  spin (300);
  g_free (name);
  name = g_strdup_printf ("preferences-general-narrow-dark%s.png", suffix);
  save_screenshot (prefs, name);
  close_window (prefs);

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Screenshots in another language use the build's translations. */
  if (g_getenv ("DRIFTKOLL_LOCALEDIR") != NULL)
    dk_core_init_i18n ();
  gtk_init ();
  adw_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/prefs/login/right-password-logs-in-and-syncs",
       test_login_right_password_logs_in_and_syncs);
  ADD ("/prefs/login/wrong-password-shows-error-and-stays-open",
       test_login_wrong_password_shows_error_and_stays_open);
  ADD ("/prefs/login/server-stopped-shows-error-and-stays-open",
       test_login_server_stopped_shows_error_and_stays_open);
  ADD ("/prefs/login/cancel-stops-the-attempt", test_login_cancel_stops_the_attempt);
  ADD ("/prefs/following/default-until-chosen", test_following_default_until_chosen);
  ADD ("/prefs/following/choices-reach-the-server", test_following_choices_reach_the_server);
  ADD ("/prefs/following/closing-at-once-keeps-the-choice",
       test_following_closing_at_once_keeps_the_choice);
  ADD ("/prefs/following/refusal-is-shown-and-replaced",
       test_following_refusal_is_shown_and_replaced);
  ADD ("/prefs/following/only-some-stays-on", test_following_only_some_stays_on);
  ADD ("/prefs/following/priority-in-words", test_following_priority_in_words);
  ADD ("/prefs/following/needs-login", test_following_needs_login);
  ADD ("/prefs/general/one-notification-switch", test_general_one_notification_switch);
  ADD ("/prefs/following/one-service-from-its-pages",
       test_following_one_service_from_its_pages);
  ADD ("/prefs/case-page/says-no-reserve-routine", test_case_page_says_no_reserve_routine);
  ADD ("/prefs/general/settings-are-bound", test_general_settings_are_bound);
  ADD ("/prefs/general/server-url-reaches-the-engine",
       test_general_server_url_reaches_the_engine);
  ADD ("/prefs/general/ca-file-reaches-the-engine", test_general_ca_file_reaches_the_engine);
  ADD ("/prefs/windows/fit-a-narrow-screen", test_windows_fit_a_narrow_screen);
  ADD ("/prefs/screenshots/narrow-dark", test_screenshots_narrow_dark);

  return g_test_run ();
}
