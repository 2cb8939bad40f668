/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server.c: the HTTP/JSON API, WebSocket push, public page and feed */

#define G_LOG_DOMAIN "dk-server"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-login-throttle.h"
#include "dk-server-auth.h"
#include "dk-server-events.h"
#include "dk-server-mutations.h"
#include "dk-server-private.h"
#include "dk-server-public.h"

#define JSON_TYPE "application/json"
#define KEEPALIVE_SECONDS 20

G_DEFINE_FINAL_TYPE (DkServer, dk_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KEEPALIVE_SECONDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- replies ---- */

void
_dk_server_reply_json_node (SoupServerMessage *msg,
                            guint              status,
                            JsonNode          *node)
{
  g_autofree char *text = dk_json_to_string (node);
  gsize length = strlen (text);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, JSON_TYPE, SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), length);
}

static void
reply_bytes (SoupServerMessage *msg,
             guint              status,
             const char        *content_type,
             GBytes            *bytes)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, data, length);
}

static void
reply_error_full (SoupServerMessage *msg,
                  guint              status,
                  const char        *code,
                  const char        *message)
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

  _dk_server_reply_json_node (msg, status, node);
}

void
_dk_server_reply_error_code (SoupServerMessage *msg,
                             DkError            code,
                             const char        *message)
{
  reply_error_full (msg, dk_error_code_to_http_status (code), dk_error_code_to_string (code),
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
  reply_error_full (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", message);
}

static void
reply_not_found (SoupServerMessage *msg)
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

/* The request body as a JSON object, or FALSE after replying with the error. */
JsonNode *
_dk_server_read_json_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gsize length = 0;
  const char *data;

  if (body->length > DK_MAX_BODY_BYTES)
    {
      _dk_server_reply_error_code (msg, DK_ERROR_TOO_LARGE, _("The request body is too large"));
      return NULL;
    }

  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &length);
  node = dk_json_parse (data, length, &error);
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
 * a token that is unknown, expired or revoked, or a disabled user, is 401. */
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

  g_assert (DK_IS_SERVER (self));

  caller->username = NULL;
  caller->roles = 0;

  if (token == NULL)
    return TRUE;

  token_hash = dk_token_hash (token);
  username = dk_server_db_lookup_session (self->db, token_hash, dk_time_now (), NULL);
  if (username == NULL)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_UNAUTHORIZED,
                           _("The session has expired or was ended; log in again"));
      return FALSE;
    }

  user = dk_server_db_get_user (self->db, username, error);
  if (user == NULL || user->disabled)
    {
      g_clear_error (error);
      g_set_error_literal (error, DK_ERROR, DK_ERROR_UNAUTHORIZED,
                           _("The account is disabled or gone; log in again"));
      return FALSE;
    }

  caller->username = g_steal_pointer (&username);
  caller->roles = user->roles | DK_ROLE_STAFF;

  return TRUE;
}

static char *
dup_base_url_for_request (DkServer          *self,
                          SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  int port = g_uri_get_port (uri);
  const char *scheme = self->tls ? "https" : "http";

  if (port > 0)
    return g_strdup_printf ("%s://%s:%d/", scheme, g_uri_get_host (uri), port);

  return g_strdup_printf ("%s://%s/", scheme, g_uri_get_host (uri));
}

/* ---- GET /api/v1/changes ---- */

static gboolean
parse_query_int (GHashTable  *query,
                 const char  *name,
                 gint64       min,
                 gint64       max,
                 gint64      *out,
                 GError     **error)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;
  guint64 value;

  if (text == NULL)
    return TRUE;

  if (!g_ascii_string_to_unsigned (text, 10, (guint64) MAX (min, 0), (guint64) max, &value, NULL))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must be a whole number from %lld to %lld"),
                   name, (long long) min, (long long) max);
      return FALSE;
    }

  *out = (gint64) value;
  return TRUE;
}

static void
dk_server_changes_cb (SoupServer        *soup,
                      SoupServerMessage *msg,
                      const char        *path,
                      GHashTable        *query,
                      gpointer           user_data)
{
  DkServer *self = DK_SERVER (user_data);
  g_auto(Caller) caller = { NULL, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gint64 since = 0;
  gint64 limit = DK_DEFAULT_CHANGES_LIMIT;
  DkViewer viewer;

  if (!_dk_server_method_is (msg, SOUP_METHOD_GET))
    {
      _dk_server_reply_method_not_allowed (msg, "GET");
      return;
    }

  if (!_dk_server_resolve_caller (self, msg, &caller, &error) ||
      !parse_query_int (query, "since", 0, G_MAXINT64, &since, &error) ||
      !parse_query_int (query, "limit", 1, DK_MAX_CHANGES_LIMIT, &limit, &error))
    {
      _dk_server_reply_error (msg, error);
      return;
    }

  viewer.username = caller.username;
  viewer.roles = caller.roles;
  bytes = dk_server_db_changes_json (self->db, since, (guint) limit, &viewer, &error);
  if (bytes == NULL)
    {
      _dk_server_reply_error (msg, error);
      return;
    }

  reply_bytes (msg, SOUP_STATUS_OK, JSON_TYPE, bytes);
}

/* ---- POST /api/v1/mutations ---- */

static JsonNode *
apply_batch (DkServer     *self,
             JsonArray    *mutations,
             const Caller *caller,
             const char   *address,
             GError      **error)
{
  g_autoptr(JsonArray) results = json_array_sized_new (json_array_get_length (mutations));
  g_autoptr(JsonNode) node = NULL;
  DkViewer viewer = { caller->username, caller->roles };
  gint64 seq_before = dk_server_db_last_seq (self->db);
  gint64 now = dk_time_now ();
  gint64 last_seq;
  JsonObject *object;

  if (!dk_server_db_begin (self->db, error))
    return NULL;

  for (guint i = 0; i < json_array_get_length (mutations); i++)
    {
      JsonNode *result = dk_server_apply_mutation (self->db, &viewer, address,
                                                   json_array_get_element (mutations, i),
                                                   now, error);
      if (result == NULL)
        {
          dk_server_db_rollback (self->db);
          return NULL;
        }
      json_array_add_element (results, result);
    }

  if (!dk_server_db_commit (self->db, error))
    {
      dk_server_db_rollback (self->db);
      return NULL;
    }

  last_seq = dk_server_db_last_seq (self->db);
  if (last_seq != seq_before)
    dk_event_hub_broadcast (self->events, last_seq);

  object = json_object_new ();
  json_object_set_array_member (object, "results", g_steal_pointer (&results));
  json_object_set_int_member (object, "last_seq", last_seq);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);

  return g_steal_pointer (&node);
}

static void
dk_server_mutations_cb (SoupServer        *soup,
                        SoupServerMessage *msg,
                        const char        *path,
                        GHashTable        *query,
                        gpointer           user_data)
{
  DkServer *self = DK_SERVER (user_data);
  g_auto(Caller) caller = { NULL, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  JsonArray *mutations = NULL;

  if (!_dk_server_method_is (msg, SOUP_METHOD_POST))
    {
      _dk_server_reply_method_not_allowed (msg, "POST");
      return;
    }

  if (!_dk_server_resolve_caller (self, msg, &caller, &error))
    {
      _dk_server_reply_error (msg, error);
      return;
    }
  if (caller.username == NULL)
    {
      _dk_server_reply_error_code (msg, DK_ERROR_UNAUTHORIZED, _("Log in to make changes"));
      return;
    }

  if ((body = _dk_server_read_json_body (msg)) == NULL)
    return;

  if (!dk_json_read_array (json_node_get_object (body), "mutations", DK_JSON_REQUIRED,
                           G_MAXUINT, &mutations, &error))
    {
      _dk_server_reply_error (msg, error);
      return;
    }
  if (json_array_get_length (mutations) > DK_MAX_MUTATIONS_PER_BATCH)
    {
      g_autofree char *message = g_strdup_printf (_("mutations: at most %d in one batch"),
                                                  DK_MAX_MUTATIONS_PER_BATCH);
      _dk_server_reply_error_code (msg, DK_ERROR_TOO_LARGE, message);
      return;
    }

  reply = apply_batch (self, mutations, &caller, soup_server_message_get_remote_host (msg),
                       &error);
  if (reply == NULL)
    {
      _dk_server_reply_error (msg, error);
      return;
    }

  _dk_server_reply_json_node (msg, SOUP_STATUS_OK, reply);
}

/* ---- GET /api/v1/routines/ID/revisions[/REV]: the kept revisions of a routine ----
 *
 * Who sees which revision (the same rule as the change feed's routine objects):
 *   routine_owner, admin   every kept revision, drafts included
 *   anyone else            approved revisions only (anonymous callers too: an approved
 *                          routine is public); a draft answers 404 as if it were not
 *                          there, so nobody learns what is being written
 * The list is {"revisions": [routine, ...]}, oldest first; one revision is the routine.
 */

static gboolean
revision_is_approved (const char *text)
{
  g_autoptr(JsonNode) node = dk_json_parse (text, -1, NULL);
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  return json_object_has_member (object, "approved_at") &&
         !json_object_get_null_member (object, "approved_at");
}

static void
reply_revision_list (SoupServerMessage *msg,
                     GPtrArray         *revisions,
                     gboolean           drafts)
{
  g_autoptr(GString) out = g_string_new ("{\"revisions\":[");
  g_autoptr(GBytes) bytes = NULL;
  guint n = 0;

  for (guint i = 0; i < revisions->len; i++)
    {
      const char *text = g_ptr_array_index (revisions, i);

      if (!drafts && !revision_is_approved (text))
        continue;
      if (n++ > 0)
        g_string_append_c (out, ',');
      g_string_append (out, text);
    }
  if (n == 0)
    {
      _dk_server_reply_error_code (msg, DK_ERROR_NOT_FOUND, _("There is no routine with that id"));
      return;
    }

  g_string_append (out, "]}");
  bytes = g_string_free_to_bytes (g_steal_pointer (&out));
  reply_bytes (msg, SOUP_STATUS_OK, JSON_TYPE, bytes);
}

static void
reply_one_revision (DkServer          *self,
                    SoupServerMessage *msg,
                    const char        *id,
                    const char        *revision_text,
                    gboolean           drafts)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint64 revision = 0;
  gsize length;

  if (!g_ascii_string_to_unsigned (revision_text, 10, 1, G_MAXINT64, &revision, NULL))
    {
      _dk_server_reply_error_code (msg, DK_ERROR_INVALID,
                                   _("revision: must be a whole number from 1"));
      return;
    }

  text = dk_server_db_get_routine_revision (self->db, id, (gint64) revision, &error);
  if (error != NULL)
    {
      _dk_server_reply_error (msg, error);
      return;
    }
  if (text == NULL || (!drafts && !revision_is_approved (text)))
    {
      g_autofree char *message = g_strdup_printf (_("The routine “%s” has no revision %lld"),
                                                  id, (long long) revision);

      _dk_server_reply_error_code (msg, DK_ERROR_NOT_FOUND, message);
      return;
    }

  length = strlen (text);
  bytes = g_bytes_new_take (g_steal_pointer (&text), length);
  reply_bytes (msg, SOUP_STATUS_OK, JSON_TYPE, bytes);
}

static void
dk_server_routines_cb (SoupServer        *soup,
                       SoupServerMessage *msg,
                       const char        *path,
                       GHashTable        *query,
                       gpointer           user_data)
{
  DkServer *self = DK_SERVER (user_data);
  g_auto(Caller) caller = { NULL, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) revisions = NULL;
  g_auto(GStrv) parts = NULL;
  guint n_parts;
  gboolean drafts;

  if (!_dk_server_method_is (msg, SOUP_METHOD_GET))
    {
      _dk_server_reply_method_not_allowed (msg, "GET");
      return;
    }

  /* /api/v1/routines/<id>/revisions[/<revision>] */
  parts = g_strsplit (path + strlen (DK_API_PREFIX "/routines/"), "/", -1);
  n_parts = g_strv_length (parts);
  if ((n_parts != 2 && n_parts != 3) || g_strcmp0 (parts[1], "revisions") != 0 ||
      *parts[0] == '\0' || (n_parts == 3 && *parts[2] == '\0'))
    {
      reply_not_found (msg);
      return;
    }

  if (!_dk_server_resolve_caller (self, msg, &caller, &error))
    {
      _dk_server_reply_error (msg, error);
      return;
    }
  drafts = caller.username != NULL && dk_rules_check_may_edit_routines (caller.roles, NULL);

  if (n_parts == 3)
    {
      reply_one_revision (self, msg, parts[0], parts[2], drafts);
      return;
    }

  revisions = dk_server_db_list_routine_revisions (self->db, parts[0], &error);
  if (revisions == NULL)
    {
      _dk_server_reply_error (msg, error);
      return;
    }
  reply_revision_list (msg, revisions, drafts);
}

/* ---- GET /api/v1/healthz ---- */

static void
dk_server_healthz_cb (SoupServer        *soup,
                      SoupServerMessage *msg,
                      const char        *path,
                      GHashTable        *query,
                      gpointer           user_data)
{
  DkServer *self = DK_SERVER (user_data);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  if (!_dk_server_method_is (msg, SOUP_METHOD_GET) && !_dk_server_method_is (msg, SOUP_METHOD_HEAD))
    {
      _dk_server_reply_method_not_allowed (msg, "GET, HEAD");
      return;
    }

  json_object_set_string_member (object, "status", "ok");
  json_object_set_string_member (object, "version", PACKAGE_VERSION);
  json_object_set_int_member (object, "protocol", DK_PROTOCOL_VERSION);
  json_object_set_int_member (object, "last_seq", dk_server_db_last_seq (self->db));
  json_node_take_object (node, object);
  _dk_server_reply_json_node (msg, SOUP_STATUS_OK, node);
}

/* ---- GET /api/v1/events (WebSocket) ---- */

static void
dk_server_events_cb (SoupServer              *soup,
                     SoupServerMessage       *msg,
                     const char              *path,
                     SoupWebsocketConnection *connection,
                     gpointer                 user_data)
{
  DkServer *self = DK_SERVER (user_data);

  g_debug ("WebSocket opened from %s", soup_server_message_get_remote_host (msg));
  dk_event_hub_add (self->events, connection, dk_server_db_last_seq (self->db));
}

/* ---- public page and feed ---- */

static void
dk_server_public_cb (SoupServer        *soup,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  DkServer *self = DK_SERVER (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *base_url = NULL;
  SoupMessageHeaders *headers;

  if (g_str_has_prefix (path, DK_API_PREFIX))
    {
      reply_not_found (msg);
      return;
    }

  if (!_dk_server_method_is (msg, SOUP_METHOD_GET) && !_dk_server_method_is (msg, SOUP_METHOD_HEAD))
    {
      _dk_server_reply_method_not_allowed (msg, "GET, HEAD");
      return;
    }

  headers = soup_server_message_get_response_headers (msg);
  if (g_str_equal (path, "/"))
    {
      bytes = dk_server_render_page (self->db, dk_time_now (), &error);
      if (bytes == NULL)
        {
          _dk_server_reply_error (msg, error);
          return;
        }
      soup_message_headers_replace (headers, "Cache-Control", "no-cache");
      reply_bytes (msg, SOUP_STATUS_OK, "text/html; charset=utf-8", bytes);
    }
  else if (g_str_equal (path, "/feed.atom"))
    {
      base_url = dup_base_url_for_request (self, msg);
      bytes = dk_server_render_feed (self->db, base_url, dk_time_now (), &error);
      if (bytes == NULL)
        {
          _dk_server_reply_error (msg, error);
          return;
        }
      soup_message_headers_replace (headers, "Cache-Control", "no-cache");
      reply_bytes (msg, SOUP_STATUS_OK, "application/atom+xml; charset=utf-8", bytes);
    }
  else
    {
      static const char page[] =
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404</title></head>"
        "<body><p>404 – <a href=\"/\">Driftkoll</a></p></body></html>";

      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC,
                                        page, sizeof page - 1);
    }
}

/* Refuses oversized bodies before they are read, and bodies of unknown length. */
static void
dk_server_early_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  if (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > DK_MAX_BODY_BYTES)
    {
      _dk_server_reply_error_code (msg, DK_ERROR_TOO_LARGE, _("The request body is too large"));
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
    }
  else if (encoding == SOUP_ENCODING_CHUNKED)
    {
      reply_error_full (msg, SOUP_STATUS_LENGTH_REQUIRED, "length_required",
                        _("Send the body with a Content-Length"));
    }
}

/* ---- object ---- */

static void
dk_server_dispose (GObject *object)
{
  DkServer *self = DK_SERVER (object);

  if (self->soup != NULL)
    dk_server_shutdown (self);
  g_clear_object (&self->soup);
  g_clear_object (&self->events);
  g_clear_object (&self->throttle);
  g_clear_object (&self->db);

  G_OBJECT_CLASS (dk_server_parent_class)->dispose (object);
}

static void
dk_server_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  DkServer *self = DK_SERVER (object);

  switch (prop_id)
    {
    case PROP_KEEPALIVE_SECONDS:
      g_value_set_uint (value, self->keepalive_seconds);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_server_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  DkServer *self = DK_SERVER (object);

  switch (prop_id)
    {
    case PROP_KEEPALIVE_SECONDS:
      self->keepalive_seconds = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_server_class_init (DkServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dk_server_dispose;
  object_class->get_property = dk_server_get_property;
  object_class->set_property = dk_server_set_property;

  /**
   * DkServer:keepalive-seconds:
   *
   * How often WebSocket clients are pinged; one that answers no ping for three
   * intervals is closed.
   */
  properties[PROP_KEEPALIVE_SECONDS] =
    g_param_spec_uint ("keepalive-seconds", NULL, NULL, 1, 3600, KEEPALIVE_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  _dk_server_session_class_init ();
}

static void
dk_server_init (DkServer *self)
{
  self->keepalive_seconds = KEEPALIVE_SECONDS;
}

/**
 * dk_server_new:
 * @db: the database to serve
 *
 * Returns: (transfer full): a server, not yet listening
 */
DkServer *
dk_server_new (DkServerDb *db)
{
  const char *keepalive = g_getenv ("DRIFTKOLL_WS_KEEPALIVE");
  guint seconds = KEEPALIVE_SECONDS;
  DkServer *self;

  g_return_val_if_fail (DK_IS_SERVER_DB (db), NULL);

  /* Tests shorten the keepalive to see a dead peer closed in seconds. */
  if (keepalive != NULL)
    seconds = CLAMP (g_ascii_strtoull (keepalive, NULL, 10), 1, 3600);

  self = g_object_new (DK_TYPE_SERVER, "keepalive-seconds", seconds, NULL);
  self->db = g_object_ref (db);
  self->throttle = dk_login_throttle_new ();
  self->events = dk_event_hub_new (self->keepalive_seconds);

  return self;
}

static void
add_routes (DkServer *self)
{
  /* The early handler and a 404 for unknown API paths share one entry: libsoup keeps
   * both callbacks of a path together and answers 500 for an entry without a handler. */
  soup_server_add_early_handler (self->soup, DK_API_PREFIX, dk_server_early_cb, self, NULL);
  soup_server_add_handler (self->soup, DK_API_PREFIX, dk_server_public_cb, self, NULL);
  soup_server_add_handler (self->soup, DK_API_PREFIX "/session", _dk_server_session_cb, self,
                           NULL);
  soup_server_add_handler (self->soup, DK_API_PREFIX "/changes", dk_server_changes_cb, self,
                           NULL);
  soup_server_add_handler (self->soup, DK_API_PREFIX "/mutations", dk_server_mutations_cb,
                           self, NULL);
  soup_server_add_handler (self->soup, DK_API_PREFIX "/healthz", dk_server_healthz_cb, self,
                           NULL);
  soup_server_add_handler (self->soup, DK_API_PREFIX "/routines/", dk_server_routines_cb, self,
                           NULL);
  soup_server_add_websocket_handler (self->soup, DK_API_PREFIX "/events", NULL, NULL,
                                     dk_server_events_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, dk_server_public_cb, self, NULL);
}

/**
 * dk_server_listen:
 *
 * Returns: %TRUE when listening
 */
gboolean
dk_server_listen (DkServer         *self,
                  const char       *address,
                  guint             port,
                  GTlsCertificate  *certificate,
                  GError          **error)
{
  g_autoptr(GSocketAddress) socket_address = NULL;
  SoupServerListenOptions options = 0;

  g_return_val_if_fail (DK_IS_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (self->soup == NULL, FALSE);

  socket_address = g_inet_socket_address_new_from_string (address, port);
  if (socket_address == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("“%s” is not an IP address to listen on"), address);
      return FALSE;
    }

  self->soup = soup_server_new ("server-header", "driftkoll-server/" PACKAGE_VERSION " ",
                                "tls-certificate", certificate,
                                NULL);
  add_routes (self);

  if (certificate != NULL)
    {
      options |= SOUP_SERVER_LISTEN_HTTPS;
      self->tls = TRUE;
    }

  if (!soup_server_listen (self->soup, socket_address, options, error))
    {
      g_clear_object (&self->soup);
      return FALSE;
    }

  return TRUE;
}

/**
 * dk_server_dup_base_url:
 *
 * Returns: (transfer full) (nullable): the URL clients use, ending in '/'
 */
char *
dk_server_dup_base_url (DkServer *self)
{
  g_autoslist(GUri) uris = NULL;
  GUri *uri;

  g_return_val_if_fail (DK_IS_SERVER (self), NULL);

  if (self->soup == NULL)
    return NULL;

  uris = soup_server_get_uris (self->soup);
  if (uris == NULL)
    return NULL;

  uri = uris->data;
  if (strchr (g_uri_get_host (uri), ':') != NULL)
    return g_strdup_printf ("%s://[%s]:%d/", self->tls ? "https" : "http",
                            g_uri_get_host (uri), g_uri_get_port (uri));

  return g_strdup_printf ("%s://%s:%d/", self->tls ? "https" : "http",
                          g_uri_get_host (uri), g_uri_get_port (uri));
}

/**
 * dk_server_shutdown:
 *
 * Stops listening and closes every WebSocket; requests in flight are dropped, while
 * every committed change is already on disk.
 */
void
dk_server_shutdown (DkServer *self)
{
  g_return_if_fail (DK_IS_SERVER (self));

  if (self->events != NULL)
    dk_event_hub_close_all (self->events);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
}
