/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-http.c: the engine's requests: messages to the server, sending them, and
 * what a failed one is told as (an unreachable server, an untrusted certificate, a
 * reply that is not the Driftkoll protocol) */

#define G_LOG_DOMAIN "dk-sync-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-sync-engine-private.h"

char *
_dk_sync_engine_dup_url (DkSyncEngine *self,
                         const char   *path)
{
  g_assert (DK_IS_SYNC_ENGINE (self));
  g_assert (self->server_url != NULL);

  return _dk_sync_dup_url (self->server_url, path);
}

char *
_dk_sync_dup_url (const char *server_url,
                  const char *path)
{
  while (*path == '/')
    path++;

  return g_strconcat (server_url, path, NULL);
}

SoupMessage *
_dk_sync_engine_new_message (DkSyncEngine *self,
                             const char   *method,
                             const char   *path,
                             gboolean      authorize,
                             JsonNode     *body)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  return _dk_sync_message_new (self->server_url, authorize ? self->token : NULL, method, path,
                               body);
}

SoupMessage *
_dk_sync_message_new (const char *server_url,
                      const char *token,
                      const char *method,
                      const char *path,
                      JsonNode   *body)
{
  g_autofree char *url = _dk_sync_dup_url (server_url, path);
  g_autoptr(SoupMessage) msg = NULL;
  SoupMessageHeaders *headers;

  msg = soup_message_new (method, url);
  if (msg == NULL)
    return NULL;

  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }

  if (body != NULL)
    {
      g_autofree char *text = dk_json_to_string (body);
      gsize length = strlen (text);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), length);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  return g_steal_pointer (&msg);
}

static const char *
message_host (SoupMessage *msg)
{
  GUri *uri = soup_message_get_uri (msg);
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  return host != NULL ? host : "?";
}

static char *
describe_certificate_problem (GTlsCertificateFlags flags)
{
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return g_strdup (_("it is signed by an authority this computer does not trust"));
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return g_strdup (_("it was made for another server name"));
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return g_strdup (_("it has expired"));
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return g_strdup (_("it is not valid yet"));
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return g_strdup (_("it has been revoked"));
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return g_strdup (_("it uses an insecure algorithm"));

  return g_strdup (_("it is not valid"));
}

/* What a transport failure means for the person using Driftkoll. */
static GError *
transport_error (SoupMessage  *msg,
                 const GError *error)
{
  GTlsCertificateFlags flags = soup_message_get_tls_peer_certificate_errors (msg);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (error->domain == G_TLS_ERROR || flags != 0)
    {
      g_autofree char *why = describe_certificate_problem (flags);

      if (flags == 0)
        return g_error_new (DK_SYNC_ERROR, DK_SYNC_ERROR_TLS,
                            _("The secure connection to %s failed, so nothing was sent: %s"),
                            message_host (msg), error->message);

      return g_error_new (DK_SYNC_ERROR, DK_SYNC_ERROR_TLS,
                          _("The certificate of %s is not trusted (%s), so nothing was sent. "
                            "Ask the administrator, or give the server’s CA file in the "
                            "settings."),
                          message_host (msg), why);
    }

  return g_error_new (DK_SYNC_ERROR, DK_SYNC_ERROR_OFFLINE, _("Cannot reach %s: %s"),
                      message_host (msg), error->message);
}

/* The link was cut under an answer: the server had begun it (its status is in), or the
 * connection closed or was reset part way. A refused connection, an unknown host or a
 * silence before any answer are not cuts: the server is not reachable at all. */
static gboolean
was_cut (SoupMessage  *msg,
         const GError *error)
{
  if (error->domain != G_IO_ERROR || error->code == G_IO_ERROR_CANCELLED)
    return FALSE;

  return soup_message_get_status (msg) != SOUP_STATUS_NONE ||
         error->code == G_IO_ERROR_PARTIAL_INPUT ||
         error->code == G_IO_ERROR_CONNECTION_CLOSED;
}

GError *
_dk_sync_send_failed (SoupMessage  *msg,
                      const GError *error,
                      gboolean     *out_cut)
{
  *out_cut = was_cut (msg, error);
  g_debug ("%s %s failed%s: %s", soup_message_get_method (msg),
           g_uri_get_path (soup_message_get_uri (msg)), *out_cut ? " (cut)" : "",
           error->message);

  return transport_error (msg, error);
}

/* The answer in @bytes (transfer full): a 2xx body is kept unparsed when @raw_body (a
 * page of changes, parsed by its reader), anything else is read as JSON, with the
 * {"error": {"code", "message"}} of a refusal. */
static DkReply *
reply_new (SoupMessage *msg,
           GBytes      *bytes,
           gboolean     raw_body)
{
  g_autoptr(GBytes) owned = bytes;
  g_autoptr(DkReply) reply = g_new0 (DkReply, 1);
  gsize length = 0;
  const char *data;

  reply->status = soup_message_get_status (msg);

  data = g_bytes_get_data (bytes, &length);
  if (raw_body && SOUP_STATUS_IS_SUCCESSFUL (reply->status))
    {
      reply->body = g_steal_pointer (&owned);
    }
  else if (length > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();

      if (json_parser_load_from_data (parser, data, length, NULL) &&
          json_parser_get_root (parser) != NULL)
        reply->json = json_node_ref (json_parser_get_root (parser));
    }

  if (reply->json != NULL && JSON_NODE_HOLDS_OBJECT (reply->json))
    {
      JsonObject *object_ = json_node_get_object (reply->json);
      JsonNode *error_node = json_object_get_member (object_, "error");

      if (error_node != NULL && JSON_NODE_HOLDS_OBJECT (error_node))
        {
          JsonObject *error_object = json_node_get_object (error_node);
          JsonNode *code = json_object_get_member (error_object, "code");
          JsonNode *message = json_object_get_member (error_object, "message");

          if (code != NULL && json_node_get_value_type (code) == G_TYPE_STRING)
            reply->error_code = g_strdup (json_node_get_string (code));
          if (message != NULL && json_node_get_value_type (message) == G_TYPE_STRING)
            reply->error_message = g_strdup (json_node_get_string (message));
        }
    }

  return g_steal_pointer (&reply);
}

static void
dk_sync_engine_message_sent_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GBytes *bytes;
  gboolean cut;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, _dk_sync_send_failed (msg, error, &cut));
      return;
    }

  _dk_sync_engine_heard_from_server (g_task_get_source_object (task));
  g_task_return_pointer (task, reply_new (msg, bytes, FALSE), (GDestroyNotify) dk_reply_free);
}

static void
heard_from_server_cb (DkSyncEngine *self,
                      gpointer      data)
{
  _dk_sync_engine_heard_from_server (self);
}

/* The synchronous send of the sync pass's thread (libsoup ≥ 3.2 sends from any thread
 * through one session: "request-queued" and the message's signals run in this thread,
 * the session's timeouts hold). The answer is read as the async sends read it; hearing
 * from the server reaches the engine on its own context.
 */
DkReply *
_dk_sync_engine_send_sync (DkSyncEngine  *self,
                           SoupMessage   *msg,
                           gboolean       raw_body,
                           GCancellable  *cancellable,
                           gboolean      *out_cut,
                           GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean cut = FALSE;
  GBytes *bytes;

  g_assert (DK_IS_SYNC_ENGINE (self));
  g_assert (SOUP_IS_MESSAGE (msg));

  bytes = soup_session_send_and_read (self->session, msg, cancellable, &local_error);
  if (bytes == NULL)
    {
      g_propagate_error (error, _dk_sync_send_failed (msg, local_error, &cut));
      if (out_cut != NULL)
        *out_cut = cut;
      return NULL;
    }

  _dk_sync_engine_invoke (self, heard_from_server_cb, NULL, NULL);
  return reply_new (msg, bytes, raw_body);
}

void
_dk_sync_engine_send_async (DkSyncEngine        *self,
                            SoupMessage         *msg,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_assert (DK_IS_SYNC_ENGINE (self));
  g_assert (SOUP_IS_MESSAGE (msg));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _dk_sync_engine_send_async);
  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    dk_sync_engine_message_sent_cb, task);
}

DkReply *
_dk_sync_engine_send_finish (DkSyncEngine  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_assert (DK_IS_SYNC_ENGINE (self));
  g_assert (g_task_is_valid (result, self));

  return g_task_propagate_pointer (G_TASK (result), error);
}

DkReply *
_dk_sync_engine_send_finish_checked (DkSyncEngine  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_autoptr(DkReply) reply = _dk_sync_engine_send_finish (self, result, error);

  if (reply == NULL || !_dk_sync_engine_check_reply (self, reply, error))
    return NULL;

  return g_steal_pointer (&reply);
}

GError *
_dk_sync_engine_no_server_error (void)
{
  return g_error_new_literal (DK_SYNC_ERROR, DK_SYNC_ERROR_NO_SERVER,
                              _("No server is set; give its address first"));
}

/* The error a request would end in before it is made: no server, or an address that
 * names none ("http://" would become a request to the host "api"). */
GError *
_dk_sync_engine_check_server (DkSyncEngine *self)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  if (self->server_url == NULL)
    return _dk_sync_engine_no_server_error ();
  if (!dk_sync_check_server_url (self->server_url, NULL))
    return g_error_new (DK_SYNC_ERROR, DK_SYNC_ERROR_NO_SERVER,
                        _("“%s” is not a server address"), self->server_url);

  return NULL;
}

gboolean
_dk_sync_engine_check_reply (DkSyncEngine  *self,
                             DkReply       *reply,
                             GError       **error)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  return _dk_sync_check_reply (self->server_url, reply, error);
}

gboolean
_dk_sync_check_reply (const char  *server_url,
                      DkReply     *reply,
                      GError     **error)
{
  const char *host = "?";
  g_autoptr(GUri) uri = NULL;

  if (server_url != NULL && (uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL)))
    host = g_uri_get_host (uri);

  if (SOUP_STATUS_IS_SUCCESSFUL (reply->status))
    {
      if (reply->json == NULL || !JSON_NODE_HOLDS_OBJECT (reply->json))
        {
          g_set_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_SERVER,
                       _("%s gave an answer that is not the Driftkoll protocol; is the "
                         "server address right?"), host);
          return FALSE;
        }
      return TRUE;
    }

  if (reply->status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_set_error_literal (error, DK_SYNC_ERROR, DK_SYNC_ERROR_NEEDS_LOGIN,
                           reply->error_message != NULL ? reply->error_message
                                                        : _("Log in again"));
      return FALSE;
    }

  if (reply->status >= 500)
    {
      g_set_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_SERVER,
                   _("The server %s had a problem (%u): %s"), host, reply->status,
                   reply->error_message != NULL ? reply->error_message
                                                : soup_status_get_phrase (reply->status));
      return FALSE;
    }

  if (reply->error_message != NULL)
    g_set_error_literal (error, DK_SYNC_ERROR, DK_SYNC_ERROR_REFUSED, reply->error_message);
  else
    g_set_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_REFUSED,
                 _("%s refused the request (%u %s); is the server address right?"), host,
                 reply->status, soup_status_get_phrase (reply->status));

  return FALSE;
}

static void
dk_sync_engine_probe_sent_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DkReply) reply = NULL;

  reply = _dk_sync_engine_send_finish (DK_SYNC_ENGINE (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (reply->status))
    {
      g_task_return_new_error (task, DK_SYNC_ERROR, DK_SYNC_ERROR_SERVER,
                               _("The server answered its health check with %u"),
                               reply->status);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * dk_sync_engine_probe_async:
 *
 * Asks the server's health check, through the engine's own session: its TLS settings
 * (the CA file), timeouts and keepalive; no login needed. The engine's state stays.
 */
void
dk_sync_engine_probe_async (DkSyncEngine        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  GError *error;

  g_return_if_fail (DK_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dk_sync_engine_probe_async);
  if ((error = _dk_sync_engine_check_server (self)) != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  msg = _dk_sync_engine_new_message (self, SOUP_METHOD_GET, DK_API_PREFIX "/healthz", FALSE,
                                     NULL);
  if (msg == NULL)
    {
      g_task_return_error (task, _dk_sync_engine_no_server_error ());
      return;
    }
  _dk_sync_engine_send_async (self, msg, cancellable, dk_sync_engine_probe_sent_cb,
                              g_steal_pointer (&task));
}

gboolean
dk_sync_engine_probe_finish (DkSyncEngine  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
