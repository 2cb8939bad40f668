/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-http.c: the replies and the request helpers every route of the server shares */

#define G_LOG_DOMAIN "dk-server"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-server-auth.h"
#include "dk-server-compress.h"
#include "dk-server-private.h"

/* ---- replies ---- */

void
_dk_server_reply_json_node (SoupServerMessage *msg,
                            guint              status,
                            JsonNode          *node)
{
  g_autofree char *text = dk_json_to_string (node);
  gsize length = strlen (text);
  g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), length);

  soup_server_message_set_status (msg, status, NULL);
  dk_server_compress_set_response (msg, DK_SERVER_JSON_TYPE, bytes);
}

void
_dk_server_reply_bytes (SoupServerMessage *msg,
                        guint              status,
                        const char        *content_type,
                        GBytes            *bytes)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  soup_server_message_set_status (msg, status, NULL);
  /* JSON (pages of changes above all) is gzipped for callers that accept it. */
  if (g_str_equal (content_type, DK_SERVER_JSON_TYPE))
    dk_server_compress_set_response (msg, content_type, bytes);
  else
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, data, length);
}

/* The body of every error the API gives: {"error":{"code":…,"message":…}}. */
char *
_dk_server_dup_error_body (const char *code,
                           const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  return dk_json_to_string (node);
}

void
_dk_server_reply_error_full (SoupServerMessage *msg,
                             guint              status,
                             const char        *code,
                             const char        *message)
{
  g_autofree char *text = _dk_server_dup_error_body (code, message);
  gsize length = strlen (text);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, DK_SERVER_JSON_TYPE, SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), length);
}

void
_dk_server_reply_error_code (SoupServerMessage *msg,
                             DkError            code,
                             const char        *message)
{
  _dk_server_reply_error_full (msg, dk_error_code_to_http_status (code), dk_error_code_to_string (code),
                    message);
}

void
_dk_server_reply_error (SoupServerMessage *msg,
                        const GError      *error)
{
  DkError code = DK_ERROR_FAILED;

  if (error->domain == DK_ERROR)
    code = error->code;
  else
    g_warning ("Unexpected error: %s", error->message);

  _dk_server_reply_error_code (msg, code, error->message);
}

void
_dk_server_reply_method_not_allowed (SoupServerMessage *msg,
                                     const char        *allowed)
{
  g_autofree char *message = g_strdup_printf (_("Method not allowed; use %s"), allowed);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allowed);
  _dk_server_reply_error_full (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", message);
}

void
_dk_server_reply_not_found (SoupServerMessage *msg)
{
  _dk_server_reply_error_code (msg, DK_ERROR_NOT_FOUND, _("There is no such resource"));
}

/* ---- request helpers ---- */

gboolean
_dk_server_method_is (SoupServerMessage *msg,
                      const char        *method)
{
  return g_strcmp0 (soup_server_message_get_method (msg), method) == 0;
}

/* Whether the request's method is one of @allowed ("GET, HEAD"); when it is not, the
 * reply is 405 with @allowed in its Allow header. */
gboolean
_dk_server_check_method (SoupServerMessage *msg,
                         const char        *allowed)
{
  g_auto(GStrv) methods = g_strsplit (allowed, ", ", -1);

  if (g_strv_contains ((const char * const *) methods, soup_server_message_get_method (msg)))
    return TRUE;

  _dk_server_reply_method_not_allowed (msg, allowed);
  return FALSE;
}

/* The request body as a JSON object, or NULL after replying with the error. Its size
 * was checked against the limit from the headers, before it was read (dk-server-guard.c),
 * and it is kept in one buffer, parsed from there without a copy. */
JsonNode *
_dk_server_read_json_body (SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gsize length = 0;
  const guint8 *data;

  data = dk_server_guard_peek_body (msg, &length);
  node = dk_json_parse ((const char *) data, length, &error);
  if (node == NULL || dk_json_expect_object (node, "body", &error) == NULL)
    {
      _dk_server_reply_error (msg, error);
      return NULL;
    }

  return g_steal_pointer (&node);
}

const char *
_dk_server_bearer_token (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value = soup_message_headers_get_one (headers, "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;

  value += 7;
  while (*value == ' ')
    value++;

  return *value != '\0' ? value : NULL;
}

/* Resolves the caller from the Authorization header. No header is an anonymous caller;
 * a token that is unknown, expired or revoked, or a disabled user, is 401; a database
 * that cannot be read is its storage error. */
gboolean
_dk_server_resolve_caller (DkServer          *self,
                           SoupServerMessage *msg,
                           Caller            *caller,
                           GError           **error)
{
  const char *token = _dk_server_bearer_token (msg);
  g_autofree char *token_hash = NULL;
  g_autofree char *username = NULL;
  g_autoptr(DkStoredUser) user = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 start;

  g_assert (DK_IS_SERVER (self));

  caller->username = NULL;
  caller->roles = 0;
  caller->token_hash = NULL;

  if (token == NULL)
    return TRUE;

  token_hash = dk_token_hash (token);
  start = dk_server_metrics_clock (self->metrics);
  /* A database away for a moment is its own error, never "log in again": a client
   * that heard that would drop a good session. */
  username = dk_server_db_find_session (self->db, token_hash, dk_time_now (), NULL,
                                        &local_error);
  if (username != NULL)
    user = dk_server_db_get_user (self->db, username, &local_error);
  dk_server_metrics_observe_db_since (self->metrics, DK_METRICS_DB_SESSION, start);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (username == NULL)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_UNAUTHORIZED,
                           _("The session has expired or was ended; log in again"));
      return FALSE;
    }
  if (user == NULL || user->disabled)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_UNAUTHORIZED,
                           _("The account is disabled or gone; log in again"));
      return FALSE;
    }

  caller->username = g_steal_pointer (&username);
  caller->roles = user->roles | DK_ROLE_STAFF;
  caller->token_hash = g_steal_pointer (&token_hash);

  return TRUE;
}
