/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-session.c: POST, DELETE and GET /api/v1/session: login (throttled, the
 * password checked in a worker thread), logout and who-am-I */

#define G_LOG_DOMAIN "dk-server"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-login-throttle.h"
#include "dk-server-auth.h"
#include "dk-server-private.h"

static JsonNode *
user_to_json (const char *username,
              DkRole      roles)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(GStrv) names = dk_roles_to_strv (roles);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "roles");
  json_builder_begin_array (builder);
  for (guint i = 0; names[i] != NULL; i++)
    json_builder_add_string_value (builder, names[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* ---- POST /api/v1/session ---- */

typedef struct {
  DkServer          *self;
  SoupServerMessage *msg;
  char              *username;
  char              *password;
  char              *hash;      /* NULL for an unknown user: verify against a dummy */
  char              *address;
  DkRole             roles;
  gboolean           disabled;
} Login;

static void
login_free (Login *login)
{
  g_clear_object (&login->self);
  g_clear_object (&login->msg);
  g_free (login->username);
  if (login->password != NULL)
    memset (login->password, 0, strlen (login->password));
  g_free (login->password);
  g_free (login->hash);
  g_free (login->address);
  g_free (login);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Login, login_free)

static char *dummy_hash;

/* Runs in a worker thread: argon2id takes tens of milliseconds by design. */
static void
verify_password_in_thread (GTask        *task,
                           gpointer      source_object,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  Login *login = task_data;
  gboolean ok;

  if (login->hash != NULL)
    {
      ok = dk_password_verify (login->hash, login->password);
    }
  else
    {
      /* Spend the same time for an unknown user, so timing does not tell who exists. */
      dk_password_verify (dummy_hash, login->password);
      ok = FALSE;
    }

  g_task_return_boolean (task, ok);
}

static void
complete_login (Login    *login,
                gboolean  password_ok)
{
  DkServer *self = login->self;
  SoupServerMessage *msg = login->msg;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  g_autofree char *expires_text = NULL;
  gint64 expires;

  /* A disabled account answers exactly as a wrong password does (and counts as a
   * failure): the answer must not tell a guesser that the password was right, nor
   * which names are accounts. Only the audit log says why. */
  if (!password_ok || login->disabled)
    {
      dk_login_throttle_failed (self->throttle, login->username, login->address,
                                dk_login_throttle_now (self->throttle));
      if (password_ok)
        dk_server_db_audit (self->db, login->username, "login_refused", NULL, login->address,
                            "account disabled", NULL);
      else
        dk_server_db_audit (self->db, login->username, "login_failed", NULL, login->address,
                            NULL, NULL);
      if (self->metrics != NULL)
        dk_server_metrics_count_login_failed (self->metrics, FALSE);
      _dk_server_reply_error_code (msg, DK_ERROR_UNAUTHORIZED, _("Wrong username or password"));
      return;
    }

  dk_login_throttle_succeeded (self->throttle, login->username, login->address);

  token = dk_token_new ();
  token_hash = dk_token_hash (token);
  expires = dk_time_now () + DK_SESSION_SECONDS;
  if (!dk_server_db_begin (self->db, &error))
    {
      _dk_server_reply_error (msg, error);
      return;
    }
  if (!dk_server_db_add_session (self->db, token_hash, login->username, expires, &error) ||
      !dk_server_db_audit (self->db, login->username, "login", NULL, login->address, NULL,
                           &error) ||
      !dk_server_db_commit (self->db, &error))
    {
      dk_server_db_rollback (self->db);
      _dk_server_reply_error (msg, error);
      return;
    }

  expires_text = dk_time_format (expires);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "expires");
  json_builder_add_string_value (builder, expires_text);
  json_builder_set_member_name (builder, "user");
  json_builder_add_value (builder, user_to_json (login->username, login->roles | DK_ROLE_STAFF));
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  _dk_server_reply_json_node (msg, SOUP_STATUS_OK, node);
}

static void
dk_server_password_verified_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(Login) login = user_data;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), NULL);

  complete_login (login, ok);
  soup_server_message_unpause (login->msg);
}

static void
handle_login (DkServer          *self,
              SoupServerMessage *msg)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Login) login = NULL;
  g_autoptr(DkStoredUser) user = NULL;
  g_autoptr(GTask) task = NULL;
  JsonObject *object;
  guint wait;

  if ((body = _dk_server_read_json_body (msg)) == NULL)
    return;
  object = json_node_get_object (body);

  login = g_new0 (Login, 1);
  if (!dk_json_read_string (object, "username", DK_JSON_REQUIRED | DK_JSON_NONEMPTY,
                            DK_MAX_SHORT_CHARS, &login->username, &error) ||
      !dk_json_read_string (object, "password", DK_JSON_REQUIRED, 1024, &login->password,
                            &error))
    {
      _dk_server_reply_error (msg, error);
      return;
    }

  login->address = g_strdup (soup_server_message_get_remote_host (msg));
  wait = dk_login_throttle_check (self->throttle, login->username, login->address,
                                  dk_login_throttle_now (self->throttle));
  if (wait > 0)
    {
      g_autofree char *seconds = g_strdup_printf ("%u", wait);
      g_autofree char *message = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "Too many failed logins; try again in %u second",
                       "Too many failed logins; try again in %u seconds", wait), wait);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", seconds);
      dk_server_db_audit (self->db, login->username, "login_throttled", NULL, login->address,
                          NULL, NULL);
      if (self->metrics != NULL)
        dk_server_metrics_count_login_failed (self->metrics, TRUE);
      _dk_server_reply_error_code (msg, DK_ERROR_TOO_MANY_REQUESTS, message);
      return;
    }

  user = dk_server_db_get_user (self->db, login->username, &error);
  if (error != NULL)
    {
      _dk_server_reply_error (msg, error);
      return;
    }
  if (user != NULL)
    {
      login->hash = g_strdup (user->password_hash);
      login->roles = user->roles;
      login->disabled = user->disabled;
    }

  login->self = g_object_ref (self);
  login->msg = g_object_ref (msg);

  soup_server_message_pause (msg);
  task = g_task_new (NULL, NULL, dk_server_password_verified_cb, login);
  g_task_set_source_tag (task, handle_login);
  g_task_set_task_data (task, g_steal_pointer (&login), NULL);
  g_task_run_in_thread (task, verify_password_in_thread);
}

/* ---- DELETE /api/v1/session, GET /api/v1/session ---- */

static void
handle_logout (DkServer          *self,
               SoupServerMessage *msg)
{
  const char *token = _dk_server_bearer_token (msg);
  g_autofree char *token_hash = NULL;
  g_autofree char *username = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (token == NULL)
    {
      _dk_server_reply_error_code (msg, DK_ERROR_UNAUTHORIZED, _("There is no session to end"));
      return;
    }

  token_hash = dk_token_hash (token);
  username = dk_server_db_find_session (self->db, token_hash, dk_time_now (), NULL, &error);
  if (error != NULL)
    {
      _dk_server_reply_error (msg, error);
      return;
    }
  if (username == NULL)
    {
      _dk_server_reply_error_code (msg, DK_ERROR_UNAUTHORIZED,
                                   _("The session has expired or was ended; log in again"));
      return;
    }

  if (!dk_server_db_delete_session (self->db, token_hash, &error))
    {
      _dk_server_reply_error (msg, error);
      return;
    }
  dk_server_db_audit (self->db, username, "logout", NULL,
                      soup_server_message_get_remote_host (msg), NULL, NULL);

  node = json_from_string ("{\"ok\":true}", NULL);
  _dk_server_reply_json_node (msg, SOUP_STATUS_OK, node);
}

static void
handle_whoami (DkServer          *self,
               SoupServerMessage *msg,
               const Caller      *caller)
{
  g_autoptr(JsonNode) node = NULL;

  if (caller->username == NULL)
    {
      _dk_server_reply_error_code (msg, DK_ERROR_UNAUTHORIZED, _("Not logged in"));
      return;
    }

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, json_object_new ());
  json_object_set_member (json_node_get_object (node), "user",
                          user_to_json (caller->username, caller->roles));
  _dk_server_reply_json_node (msg, SOUP_STATUS_OK, node);
}

void
_dk_server_session_cb (SoupServer        *soup,
                       SoupServerMessage *msg,
                       const char        *path,
                       GHashTable        *query,
                       gpointer           user_data)
{
  DkServer *self = DK_SERVER (user_data);
  g_auto(Caller) caller = { NULL, 0 };
  g_autoptr(GError) error = NULL;

  if (_dk_server_method_is (msg, SOUP_METHOD_POST))
    handle_login (self, msg);
  else if (_dk_server_method_is (msg, SOUP_METHOD_DELETE))
    handle_logout (self, msg);
  else if (_dk_server_method_is (msg, SOUP_METHOD_GET))
    {
      if (!_dk_server_resolve_caller (self, msg, &caller, &error))
        _dk_server_reply_error (msg, error);
      else
        handle_whoami (self, msg, &caller);
    }
  else
    _dk_server_reply_method_not_allowed (msg, "GET, POST, DELETE");
}

/* The hash an unknown user's password is checked against, so that a login for a name
 * that does not exist takes as long as one that does. Called from class_init. */
void
_dk_server_session_class_init (void)
{
  dummy_hash = dk_password_hash ("driftkoll-timing-equaliser", NULL);
}
