/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-session.c: login, logout and the session token of DkSyncEngine */

#define G_LOG_DOMAIN "dk-sync-session"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-session-token.h"
#include "dk-sync-engine-private.h"

/* ---- the token ---- */

static char *
dup_session_server (DkSyncEngine *self)
{
  char *server = dk_store_dup_meta (self->store, "session_server");

  if (server == NULL)
    server = g_strdup (self->server_url);

  return server;
}

static void
dk_sync_engine_token_looked_up_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DkSyncEngine *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  token = dk_session_token_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A token the server refused may still be on disk for a moment. */
  if (token != NULL && g_strcmp0 (token, self->dead_token) == 0)
    g_clear_pointer (&token, g_free);

  /* A login that finished meanwhile wins. */
  if (self->token == NULL)
    self->token = g_steal_pointer (&token);

  g_task_return_boolean (task, self->token != NULL);
}

void
_dk_sync_engine_load_token_async (DkSyncEngine        *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *storage = NULL;
  g_autofree char *server = NULL;

  g_assert (DK_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _dk_sync_engine_load_token_async);

  if (self->token != NULL || self->username == NULL)
    {
      g_task_return_boolean (task, self->token != NULL);
      return;
    }

  storage = dk_store_dup_meta (self->store, "token_storage");
  server = dup_session_server (self);
  dk_session_token_lookup_async (self->data_dir, dk_token_storage_from_string (storage),
                                 server, self->username, cancellable,
                                 dk_sync_engine_token_looked_up_cb, g_steal_pointer (&task));
}

gboolean
_dk_sync_engine_load_token_finish (DkSyncEngine  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_assert (DK_IS_SYNC_ENGINE (self));
  g_assert (g_task_is_valid (result, self));

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
dk_sync_engine_token_forgotten_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dk_session_token_clear_finish (result, &error))
    g_warning ("Could not remove the ended session: %s", error->message);
}

void
_dk_sync_engine_forget_token (DkSyncEngine *self)
{
  g_autofree char *server = NULL;

  g_assert (DK_IS_SYNC_ENGINE (self));

  _dk_sync_engine_set_state (self, DK_SYNC_STATE_NEEDS_LOGIN);
  if (self->token == NULL)
    return;

  /* Only while it is still this token: the app or the cli may have logged in since. */
  server = dup_session_server (self);
  dk_session_token_clear_async (self->data_dir, server, self->username, self->token, NULL,
                                dk_sync_engine_token_forgotten_cb, NULL);
  g_free (self->dead_token);
  self->dead_token = g_steal_pointer (&self->token);
}

/* ---- login ---- */

typedef struct {
  char           *username;
  char           *token;
  char           *roles;
} Login;

static void
login_free (Login *login)
{
  g_free (login->username);
  g_free (login->token);
  g_free (login->roles);
  g_free (login);
}

static void
dk_sync_engine_login_stored_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DkSyncEngine *self = g_task_get_source_object (task);
  Login *login = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *origin = NULL;
  DkTokenStorage storage;

  storage = dk_session_token_store_finish (result, &error);
  if (storage == DK_TOKEN_STORAGE_NONE)
    {
      g_prefix_error (&error, _("Could not keep the session: "));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The replica holds what one user may see of one server: another user, or a login to
   * another server (a data dir of server A used for server B), starts from nothing, or
   * A's cases would stay beside B's and B's changes before A's cursor never come. The
   * outbox stays; the server judges it under the new login. A replica older than
   * replica_server names its server in session_server while logged in. */
  owner = dk_store_dup_meta (self->store, "replica_owner");
  origin = dk_store_dup_meta (self->store, "replica_server");
  if (origin == NULL)
    origin = dk_store_dup_meta (self->store, "session_server");
  if ((owner != NULL && g_strcmp0 (owner, login->username) != 0) ||
      (origin != NULL && g_strcmp0 (origin, self->server_url) != 0))
    {
      if (!dk_store_reset_server_data (self->store, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      _dk_sync_engine_emit_changed (self);
    }

  _dk_sync_engine_set_meta (self, "replica_owner", login->username);
  _dk_sync_engine_set_meta (self, "replica_server", self->server_url);
  _dk_sync_engine_set_meta (self, "username", login->username);
  _dk_sync_engine_set_meta (self, "roles", login->roles);
  _dk_sync_engine_set_meta (self, "server_url", self->server_url);
  _dk_sync_engine_set_meta (self, "session_server", self->server_url);
  _dk_sync_engine_set_meta (self, "token_storage", dk_token_storage_to_string (storage));

  g_free (self->token);
  self->token = g_steal_pointer (&login->token);
  g_clear_pointer (&self->dead_token, g_free);
  _dk_sync_engine_set_username (self, login->username);
  _dk_sync_engine_set_last_error (self, NULL);
  _dk_sync_engine_set_state (self, DK_SYNC_STATE_IDLE);

  if (self->started)
    {
      _dk_sync_engine_watch_restart_socket (self);
      _dk_sync_engine_request_sync (self);
    }

  g_task_return_boolean (task, TRUE);
}

static void
dk_sync_engine_login_sent_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DkSyncEngine *self = g_task_get_source_object (task);
  Login *login = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(DkReply) reply = NULL;
  g_autoptr(GString) roles = g_string_new (NULL);
  JsonObject *body;
  JsonObject *user;
  JsonArray *role_array;
  const char *token;
  const char *username;

  reply = _dk_sync_engine_send_finish_checked (self, result, &error);
  if (reply == NULL)
    {
      /* A wrong password is a refusal, not a lost session. */
      if (g_error_matches (error, DK_SYNC_ERROR, DK_SYNC_ERROR_NEEDS_LOGIN))
        error->code = DK_SYNC_ERROR_REFUSED;
      _dk_sync_engine_set_last_error (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  body = json_node_get_object (reply->json);
  token = json_object_get_string_member_with_default (body, "token", NULL);
  user = json_object_get_member (body, "user") != NULL &&
         JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "user"))
           ? json_object_get_object_member (body, "user") : NULL;
  username = user != NULL ? json_object_get_string_member_with_default (user, "username", NULL)
                          : NULL;
  if (token == NULL || *token == '\0' || username == NULL || *username == '\0')
    {
      g_task_return_new_error (task, DK_SYNC_ERROR, DK_SYNC_ERROR_SERVER,
                               _("The server’s answer to the login is not the Driftkoll "
                                 "protocol"));
      return;
    }

  role_array = json_object_get_member (user, "roles") != NULL &&
               JSON_NODE_HOLDS_ARRAY (json_object_get_member (user, "roles"))
                 ? json_object_get_array_member (user, "roles") : NULL;
  for (guint i = 0; role_array != NULL && i < json_array_get_length (role_array); i++)
    {
      JsonNode *node = json_array_get_element (role_array, i);

      if (json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      if (roles->len > 0)
        g_string_append_c (roles, ',');
      g_string_append (roles, json_node_get_string (node));
    }

  login->username = g_strdup (username);
  login->token = g_strdup (token);
  login->roles = g_string_free (g_steal_pointer (&roles), FALSE);

  dk_session_token_store_async (self->data_dir, self->server_url, login->username, login->token,
                                g_task_get_cancellable (task), dk_sync_engine_login_stored_cb,
                                g_object_ref (task));
}

/* ---- logout ---- */

static void
dk_sync_engine_logout_cleared_cb (GObject      *object,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!dk_session_token_clear_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
clear_session_locally (DkSyncEngine *self,
                       GTask        *task)
{
  g_autofree char *server = dup_session_server (self);
  g_autofree char *username = g_strdup (self->username);

  g_assert (DK_IS_SYNC_ENGINE (self));

  g_clear_pointer (&self->token, g_free);
  _dk_sync_engine_set_meta (self, "token_storage", NULL);
  _dk_sync_engine_set_meta (self, "session_server", NULL);
  _dk_sync_engine_set_meta (self, "username", NULL);
  _dk_sync_engine_set_meta (self, "roles", NULL);
  _dk_sync_engine_set_username (self, NULL);
  _dk_sync_engine_set_last_error (self, NULL);
  _dk_sync_engine_set_state (self, DK_SYNC_STATE_NEEDS_LOGIN);
  if (self->started)
    _dk_sync_engine_watch_restart_socket (self);

  dk_session_token_clear_async (self->data_dir, server, username, NULL, NULL,
                                dk_sync_engine_logout_cleared_cb, g_object_ref (task));
}

static void
dk_sync_engine_logout_sent_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DkSyncEngine *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(DkReply) reply = NULL;

  /* Whatever the server said, the session ends here. */
  reply = _dk_sync_engine_send_finish (self, result, &error);
  if (reply == NULL)
    g_debug ("Could not end the session on the server: %s", error->message);

  clear_session_locally (self, task);
}

/**
 * dk_sync_engine_login_async:
 *
 * Opens a session on the server and keeps its token (Secret Service or a 0600 file).
 * A wrong password is %DK_SYNC_ERROR_REFUSED.
 */
void
dk_sync_engine_login_async (DkSyncEngine        *self,
                            const char          *username,
                            const char          *password,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  GError *server_error;

  g_return_if_fail (DK_IS_SYNC_ENGINE (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dk_sync_engine_login_async);
  g_task_set_task_data (task, g_new0 (Login, 1), (GDestroyNotify) login_free);

  if ((server_error = _dk_sync_engine_check_server (self)) != NULL)
    {
      g_task_return_error (task, server_error);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  msg = _dk_sync_engine_new_message (self, SOUP_METHOD_POST, DK_API_PREFIX "/session", FALSE,
                                     body);
  if (msg == NULL)
    {
      g_task_return_new_error (task, DK_SYNC_ERROR, DK_SYNC_ERROR_NO_SERVER,
                               _("“%s” is not a server address"), self->server_url);
      return;
    }

  _dk_sync_engine_send_async (self, msg, cancellable, dk_sync_engine_login_sent_cb,
                              g_steal_pointer (&task));
}

gboolean
dk_sync_engine_login_finish (DkSyncEngine  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * dk_sync_engine_logout_async:
 *
 * Ends the session on the server when it can be reached (what it says is ignored), and
 * always here: the token is removed, the outbox stays.
 */
void
dk_sync_engine_logout_async (DkSyncEngine        *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  g_return_if_fail (DK_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dk_sync_engine_logout_async);

  _dk_sync_engine_cancel_pass (self);

  if (self->token != NULL && self->server_url != NULL)
    msg = _dk_sync_engine_new_message (self, SOUP_METHOD_DELETE, DK_API_PREFIX "/session",
                                       TRUE, NULL);
  if (msg == NULL)
    {
      clear_session_locally (self, task);
      return;
    }

  _dk_sync_engine_send_async (self, msg, cancellable, dk_sync_engine_logout_sent_cb,
                              g_steal_pointer (&task));
}

gboolean
dk_sync_engine_logout_finish (DkSyncEngine  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

