/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-test-desktop.c: the desktop side of a notifier test, with a real server, a real
 * replica and sync engine, and dunst as the notification daemon */

#include "config.h"

#include <glib/gstdio.h>

#include "dk-test-desktop.h"

static void
login (DkTestDesktop *self)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dk_sync_engine_login_async (self->engine, self->username, "demo", NULL,
                              dk_test_async_result_cb, &result);
  dk_sync_engine_login_finish (self->engine, dk_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

static void
app_action_cb (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  DkTestDesktop *self = user_data;

  g_ptr_array_add (self->opened, g_strdup_printf ("%s:%s", g_action_get_name (G_ACTION (action)),
                                                  g_variant_get_string (parameter, NULL)));
}

void
dk_test_desktop_sync_now (DkTestDesktop *self)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dk_sync_engine_sync_async (self->engine, NULL, dk_test_async_result_cb, &result);
  dk_sync_engine_sync_finish (self->engine, dk_test_wait_result (&result), &error);
  g_assert_no_error (error);
  /* The notifier looks when the engine says it is idle again: let that run. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

void
dk_test_desktop_start_app (DkTestDesktop *self)
{
  g_autofree char *path = g_build_filename (self->data_dir, "replica.db", NULL);
  g_autoptr(GError) error = NULL;

  self->store = dk_store_open (path, &error);
  g_assert_no_error (error);
  self->engine = dk_sync_engine_new (self->store, self->server->url);
  self->notifier = self->new_notifier (self->app, self->engine, self->settings);
  login (self);
  dk_test_desktop_sync_now (self);
}

void
dk_test_desktop_stop_app (DkTestDesktop *self)
{
  dk_sync_engine_stop (self->engine);
  g_clear_object (&self->notifier);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
}

void
dk_test_desktop_restart_as (DkTestDesktop *self,
                            const char    *username)
{
  dk_test_desktop_stop_app (self);
  dk_test_remove_tree (self->data_dir);
  g_assert_no_errno (g_mkdir (self->data_dir, 0700));
  self->username = username;
  dk_test_desktop_start_app (self);
}

void
dk_test_desktop_setup (DkTestDesktop      *self,
                       const char         *name,
                       const char         *app_id,
                       const char * const *actions,
                       DkTestNotifierNew   new_notifier)
{
  g_autofree char *template = g_strdup_printf ("driftkoll-%s-XXXXXX", name);
  g_autoptr(GError) error = NULL;

  self->server = dk_test_server_new (TRUE);
  self->token = dk_test_server_login (self->server, "servicedesk", "demo");
  self->data_dir = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  self->settings = g_settings_new ("io.github.driftkoll.Driftkoll");
  self->opened = g_ptr_array_new_with_free_func (g_free);
  self->new_notifier = new_notifier;
  self->username = "staff";

  self->app = g_application_new (app_id, G_APPLICATION_NON_UNIQUE);
  for (guint i = 0; actions[i] != NULL; i++)
    {
      GActionEntry entry = { actions[i], app_action_cb, "s" };

      g_action_map_add_action_entries (G_ACTION_MAP (self->app), &entry, 1, self);
    }
  g_application_register (self->app, NULL, &error);
  g_assert_no_error (error);

  self->watch = dk_notify_watch_new ();
  dk_test_desktop_start_app (self);
}

void
dk_test_desktop_teardown (DkTestDesktop *self)
{
  dk_test_desktop_stop_app (self);
  g_clear_pointer (&self->watch, dk_notify_watch_free);
  g_clear_object (&self->app);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->opened, g_ptr_array_unref);
  g_clear_pointer (&self->server, dk_test_server_free);
  g_free (self->token);
  dk_test_remove_tree (self->data_dir);
  g_free (self->data_dir);
}

void
dk_test_desktop_apply (DkTestDesktop *self,
                       const char    *op,
                       const char    *data_json)
{
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *mutation = g_strdup_printf ("[{\"id\":\"%s\",\"op\":\"%s\","
                                               "\"base_revision\":0,\"data\":%s}]",
                                               mutation_id, op, data_json);
  g_autoptr(JsonArray) results = dk_test_server_mutate (self->server, self->token, mutation);
  JsonObject *result = json_array_get_object_element (results, 0);

  if (json_object_has_member (result, "error"))
    g_test_message ("%s: %s", op, json_object_get_string_member (
                      json_object_get_object_member (result, "error"), "message"));
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
}

DkNotifyCall *
dk_test_desktop_expect_notification (DkTestDesktop *self)
{
  DkNotifyCall *call = dk_notify_watch_next (self->watch, 10);

  g_assert_nonnull (call);
  g_test_message ("Notify: %s / %s", call->summary, call->body);
  return call;
}

void
dk_test_desktop_expect_only (DkTestDesktop *self,
                             const char    *summary)
{
  g_autoptr(DkNotifyCall) call = dk_test_desktop_expect_notification (self);

  g_assert_cmpstr (call->summary, ==, summary);
  g_assert_null (dk_notify_watch_next (self->watch, 1));
}

void
dk_test_desktop_wait_until_opened (DkTestDesktop *self,
                                   guint          seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (self->opened->len == 0 && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
}

char *
dk_test_dunstctl (const char *first,
                  ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  const char *arg;
  va_list args;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "dunstctl");
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

JsonArray *
dk_test_dunst_history (void)
{
  g_autofree char *closed = dk_test_dunstctl ("close-all", NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *data;

  g_usleep (200 * 1000);
  text = dk_test_dunstctl ("history", NULL);
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  data = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "data");
  return json_array_ref (json_array_get_array_element (data, 0));
}

const char *
dk_test_dunst_history_field (JsonObject *entry,
                             const char *name)
{
  return json_object_get_string_member (json_object_get_object_member (entry, name), "data");
}
