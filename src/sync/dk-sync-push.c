/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-push.c: the first half of a sync run: the outbox, sent in batches
 *
 * Each mutation answer is recorded as it arrives; a mutation the server can never take
 * is refused here, with its reason, so it never blocks the ones behind it.
 */

#define G_LOG_DOMAIN "dk-sync-run"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-sync-run-private.h"

/* Room for the {"mutations":[...]} around the entries. */
#define BODY_MARGIN 4096

static JsonObject *
rejection_new (const char *mutation_id,
               const char *code,
               const char *message)
{
  JsonObject *result = json_object_new ();
  JsonObject *error = json_object_new ();

  json_object_set_string_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  json_object_set_string_member (result, "id", mutation_id);
  json_object_set_string_member (result, "status", DK_RESULT_REJECTED);
  json_object_set_object_member (result, "error", error);

  return result;
}

/* Tells whoever listens what the server said of one mutation, once it is recorded. */
static void
announce_answer (DkSyncRun  *run,
                 JsonObject *result)
{
  DkSyncEngine *self = run->self;
  const char *id = json_object_get_string_member_with_default (result, "id", NULL);
  const char *status = json_object_get_string_member_with_default (result, "status", NULL);

  if (g_strcmp0 (status, DK_RESULT_REJECTED) == 0)
    {
      JsonNode *node = json_object_get_member (result, "error");
      JsonObject *reason = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                             ? json_node_get_object (node) : NULL;
      const char *code = reason ? json_object_get_string_member_with_default (reason, "code", NULL)
                                : NULL;
      const char *message = reason ? json_object_get_string_member_with_default (reason, "message",
                                                                                  NULL)
                                   : NULL;

      g_debug ("Mutation %s rejected: %s", id, code);
      _dk_sync_engine_emit_rejected (self, id, code ? code : "failed",
                                     message ? message : _("The server refused the change"));
    }
  else if (g_strcmp0 (status, DK_RESULT_CONFLICT) == 0)
    {
      g_debug ("Mutation %s conflicts", id);
      _dk_sync_engine_emit_conflict (self, id);
    }
}

/* Records one answer, said by the server or, for what it could never accept, here. */
static gboolean
answer_one (DkSyncRun   *run,
            JsonObject  *result,
            GError     **error)
{
  if (!dk_store_outbox_answer (run->self->store, result, error))
    return FALSE;

  announce_answer (run, result);
  return TRUE;
}

static gboolean
reject_here (DkSyncRun   *run,
             const char  *mutation_id,
             const char  *code,
             const char  *message,
             GError     **error)
{
  g_autoptr(JsonObject) result = rejection_new (mutation_id, code, message);

  g_hash_table_add (run->sent, g_strdup (mutation_id));

  return answer_one (run, result, error);
}

static void
dk_sync_run_pushed_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  DkSyncRun *run = user_data;
  DkSyncEngine *self = run->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(DkReply) reply = NULL;
  g_autoptr(GPtrArray) batch = g_steal_pointer (&run->batch);
  g_autoptr(GHashTable) in_batch = NULL;
  g_autoptr(GPtrArray) answers = NULL;
  JsonNode *results_node;
  JsonArray *results;

  reply = _dk_sync_engine_send_finish (self, result, &error);
  if (reply == NULL)
    {
      _dk_sync_run_finish (run, g_steal_pointer (&error));
      return;
    }

  /* Too much at once: halve the batch; one mutation the server cannot take at all is
   * refused here with the server's reason, so it never blocks the ones behind it. */
  if (reply->status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE ||
      reply->status == SOUP_STATUS_BAD_REQUEST)
    {
      if (batch->len > 1)
        {
          run->batch_limit = MAX (1, batch->len / 2);
          _dk_sync_run_push_next (run);
          return;
        }
      if (!reject_here (run, g_ptr_array_index (batch, 0),
                        reply->error_code ? reply->error_code : "invalid_input",
                        reply->error_message ? reply->error_message
                                             : _("The server cannot take this change"),
                        &error))
        {
          _dk_sync_run_finish (run, g_steal_pointer (&error));
          return;
        }
      _dk_sync_engine_emit_changed (self);
      _dk_sync_run_push_next (run);
      return;
    }

  if (!_dk_sync_engine_check_reply (self, reply, &error))
    {
      _dk_sync_run_finish (run, g_steal_pointer (&error));
      return;
    }

  results_node = json_object_get_member (json_node_get_object (reply->json), "results");
  if (results_node == NULL || !JSON_NODE_HOLDS_ARRAY (results_node))
    {
      _dk_sync_run_finish (run, g_error_new_literal (DK_SYNC_ERROR, DK_SYNC_ERROR_SERVER,
                                            _("The server’s answer to the changes is not "
                                              "the Driftkoll protocol")));
      return;
    }
  results = json_node_get_array (results_node);

  in_batch = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < batch->len; i++)
    {
      g_hash_table_add (run->sent, g_strdup (g_ptr_array_index (batch, i)));
      g_hash_table_add (in_batch, g_ptr_array_index (batch, i));
    }

  /* The whole batch's answers in one transaction (one sync to the disk, not one each). */
  answers = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *node = json_array_get_element (results, i);
      JsonObject *answer;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      answer = json_node_get_object (node);
      id = json_object_get_string_member_with_default (answer, "id", NULL);
      if (id == NULL || !g_hash_table_contains (in_batch, id))
        continue;
      g_ptr_array_add (answers, answer);
    }
  if (!dk_store_outbox_answer_all (self->store, answers, &error))
    {
      _dk_sync_run_finish (run, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < answers->len; i++)
    announce_answer (run, g_ptr_array_index (answers, i));

  run->batch_limit = DK_MAX_MUTATIONS_PER_BATCH;
  _dk_sync_engine_update_outbox_size (self);
  _dk_sync_engine_emit_changed (self);
  _dk_sync_run_push_next (run);
}

void
_dk_sync_run_push_next (DkSyncRun *run)
{
  DkSyncEngine *self = run->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(JsonArray) mutations = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  JsonObject *wrapper;
  gsize size = 0;

  if (_dk_sync_run_check_cancelled (run))
    return;

  /* Entries already sent in this run and still pending (the server left them
   * unanswered) wait for the next run instead of going round here. */
  pending = dk_store_outbox_pending (self->store,
                                     run->batch_limit + g_hash_table_size (run->sent), &error);
  if (pending == NULL)
    {
      _dk_sync_run_finish (run, g_steal_pointer (&error));
      return;
    }

  mutations = json_array_new ();
  run->batch = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < pending->len && run->batch->len < run->batch_limit; i++)
    {
      DkOutboxEntry *entry = g_ptr_array_index (pending, i);
      g_autoptr(JsonNode) data = NULL;
      g_autoptr(GError) parse_error = NULL;
      JsonObject *mutation;
      gsize entry_size;

      if (g_hash_table_contains (run->sent, entry->mutation_id))
        continue;

      data = entry->data != NULL ? json_from_string (entry->data, &parse_error) : NULL;
      entry_size = (entry->data ? strlen (entry->data) : 0) + strlen (entry->op) +
                   strlen (entry->mutation_id) + 96;

      if (data == NULL || entry_size + BODY_MARGIN > DK_MAX_BODY_BYTES)
        {
          if (!reject_here (run, entry->mutation_id, data == NULL ? "invalid_input" : "too_large",
                            data == NULL ? _("The change could not be read back from this computer")
                                         : _("The change is too large to send"),
                            &error))
            {
              _dk_sync_run_finish (run, g_steal_pointer (&error));
              return;
            }
          continue;
        }

      if (run->batch->len > 0 && size + entry_size + BODY_MARGIN > DK_MAX_BODY_BYTES)
        break;

      mutation = json_object_new ();
      json_object_set_string_member (mutation, "id", entry->mutation_id);
      json_object_set_string_member (mutation, "op", entry->op);
      json_object_set_int_member (mutation, "base_revision", entry->base_revision);
      /* When the user did it, by this computer's clock: an offline act keeps its time. */
      if (entry->created_at > 0)
        {
          g_autofree char *client_at = dk_time_format (entry->created_at);

          json_object_set_string_member (mutation, "client_at", client_at);
        }
      json_object_set_member (mutation, "data", g_steal_pointer (&data));
      json_array_add_object_element (mutations, mutation);
      g_ptr_array_add (run->batch, g_strdup (entry->mutation_id));
      size += entry_size;
    }

  if (run->batch->len == 0)
    {
      g_clear_pointer (&run->batch, g_ptr_array_unref);
      _dk_sync_engine_update_outbox_size (self);
      _dk_sync_run_pull_next (run);
      return;
    }

  g_debug ("Sending %u mutations", run->batch->len);
  wrapper = json_object_new ();
  json_object_set_array_member (wrapper, "mutations", g_steal_pointer (&mutations));
  body = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (body, wrapper);

  msg = _dk_sync_engine_new_message (self, SOUP_METHOD_POST, DK_API_PREFIX "/mutations", TRUE,
                                     body);
  _dk_sync_engine_send_async (self, msg, run->cancellable, dk_sync_run_pushed_cb, run);
}
