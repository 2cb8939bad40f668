/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-sync.c: the routes of the sync protocol: GET /api/v1/changes and
 * POST /api/v1/mutations */

#define G_LOG_DOMAIN "dk-server"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-server-events.h"
#include "dk-server-mutations.h"
#include "dk-server-private.h"

/* ---- GET /api/v1/changes ---- */

/* A pull writes the session's contact at most this often: a poll stays a read. */
#define CONTACT_GRANULARITY_SECONDS 60

/* The client has the server's changes as of now: what it does from here on is after
 * this, the floor of the times its offline acts may claim (dk-server-mutations.h). */
static void
note_contact (DkServer     *self,
              const Caller *caller)
{
  g_autoptr(GError) error = NULL;
  gint64 now = dk_time_now ();
  gint64 created_at;
  gint64 last_contact;

  if (caller->token_hash == NULL)
    return;
  if (!dk_server_db_get_session_contact (self->db, caller->token_hash, &created_at,
                                         &last_contact, &error) ||
      (last_contact != DK_TIME_UNSET && now - last_contact < CONTACT_GRANULARITY_SECONDS))
    return;

  if (!dk_server_db_note_session_contact (self->db, caller->token_hash, now, &error))
    g_warning ("%s", error->message);
}

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

void
_dk_server_changes_cb (SoupServer        *soup,
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
  gint64 base = 0;
  gint64 limit = DK_DEFAULT_CHANGES_LIMIT;
  DkViewer viewer;
  gint64 start;

  if (!_dk_server_check_method (msg, "GET"))
    return;

  if (!_dk_server_resolve_caller (self, msg, &caller, &error) ||
      !parse_query_int (query, "since", 0, G_MAXINT64, &since, &error) ||
      !parse_query_int (query, DK_CHANGES_PARAM_BASE, 0, G_MAXINT64, &base, &error) ||
      !parse_query_int (query, "limit", 1, DK_MAX_CHANGES_LIMIT, &limit, &error))
    {
      _dk_server_reply_error (msg, error);
      return;
    }

  viewer.username = caller.username;
  viewer.roles = caller.roles;
  /* A replica installed from a snapshot made at base also needs what its class's
   * snapshot left out up to there (dk-server-db.h); base 0 is the plain feed. */
  start = dk_server_metrics_clock (self->metrics);
  bytes = dk_server_db_changes_json_base (self->db, since, base, (guint) limit, &viewer, &error);
  dk_server_metrics_observe_db_since (self->metrics, DK_METRICS_DB_CHANGES, start);
  if (bytes == NULL)
    {
      _dk_server_reply_error (msg, error);
      return;
    }
  if (self->metrics != NULL)
    dk_server_metrics_count_sync (self->metrics, DK_METRICS_SYNC_CHANGES);

  note_contact (self, &caller);

  _dk_server_reply_bytes (msg, SOUP_STATUS_OK, DK_SERVER_JSON_TYPE, bytes);
}

/* ---- POST /api/v1/mutations ---- */

/* The earliest client_at the caller's session may claim; DK_TIME_UNSET when unknown. */
static gint64
earliest_client_time (DkServer     *self,
                      const Caller *caller)
{
  g_autoptr(GError) error = NULL;
  gint64 created_at;
  gint64 last_contact;

  if (caller->token_hash == NULL ||
      !dk_server_db_get_session_contact (self->db, caller->token_hash, &created_at,
                                         &last_contact, &error))
    {
      if (error != NULL)
        g_warning ("%s", error->message);
      return DK_TIME_UNSET;
    }

  return dk_server_mutation_earliest_time (created_at, last_contact);
}

/* Each committed result by its status, a rejected one by its error code too. */
static void
count_results (DkServerMetrics *metrics,
               JsonArray       *results)
{
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);
      JsonNode *error = json_object_get_member (result, "error");
      const char *code = NULL;

      if (error != NULL && JSON_NODE_HOLDS_OBJECT (error))
        code = json_object_get_string_member_with_default (json_node_get_object (error), "code",
                                                           NULL);
      dk_server_metrics_count_mutation (metrics,
                                        json_object_get_string_member_with_default (result,
                                                                                    "status",
                                                                                    NULL),
                                        code);
    }
}

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
  gint64 earliest = earliest_client_time (self, caller);
  gint64 last_seq;
  JsonObject *object;

  if (!dk_server_db_begin (self->db, error))
    return NULL;

  for (guint i = 0; i < json_array_get_length (mutations); i++)
    {
      JsonNode *result = dk_server_apply_mutation_since (self->db, &viewer, address,
                                                         json_array_get_element (mutations, i),
                                                         now, earliest, error);
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
    _dk_server_note_seq (self, last_seq);
  if (self->metrics != NULL)
    count_results (self->metrics, results);

  object = json_object_new ();
  json_object_set_array_member (object, "results", g_steal_pointer (&results));
  json_object_set_int_member (object, "last_seq", last_seq);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);

  return g_steal_pointer (&node);
}

void
_dk_server_mutations_cb (SoupServer        *soup,
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

  if (!_dk_server_check_method (msg, "POST"))
    return;

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
  /* A batch is applied in one transaction: its size bounds how long one caller holds
   * the database and how large the reply grows. */
  if (json_array_get_length (mutations) > self->limits.max_mutations_per_batch)
    {
      g_autofree char *message = g_strdup_printf (_("mutations: at most %d in one batch"),
                                                  (int) MIN (self->limits.max_mutations_per_batch,
                                                             G_MAXINT));
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
