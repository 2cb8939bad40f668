/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-run.c: one whole sync: the outbox in batches, then every page of changes
 *
 * At most one run at a time. Whoever asks while one runs gets the result of the next
 * run, which starts once the current one is done, so a "pull now" is never lost and
 * never doubled. Each page is applied with its cursor in one transaction and each
 * mutation answer is recorded as it arrives: a cut at any moment resumes where it
 * stopped, and a mutation sent twice is answered the same by the server.
 */

#define G_LOG_DOMAIN "dk-sync-run"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-sync-engine-private.h"

/* Room for the {"mutations":[...]} around the entries. */
#define BODY_MARGIN 4096

typedef struct _Page Page;

typedef struct {
  GTask  *task;
  gulong  cancelled_id;
} Waiter;

struct _DkSyncRun
{
  DkSyncEngine *self;            /* a reference while the run lives */
  GArray       *waiters;         /* Waiter */
  GCancellable *cancellable;
  GHashTable   *sent;            /* mutation ids sent in this run */
  GPtrArray    *batch;           /* mutation ids of the batch in flight */
  char         *token;           /* the token this run uses */
  DkSyncState   state_before;
  guint         batch_limit;
  guint64       applied;
  gint64        cursor;          /* applied up to here */
  gboolean      resynced;

  /* the pull's pipeline (see "pull" below) */
  DkStore      *writer;          /* the apply thread's connection to the replica */
  struct _Page *fetched;         /* fetched, being parsed */
  struct _Page *ready;           /* parsed, waiting for the one applied */
  struct _Page *applying;
  gint64        next_since;      /* the cursor the next page is asked for with */
  gboolean      fetching;
  gboolean      parsing;
  gboolean      fetch_done;      /* the newest page is in: nothing more to fetch */
  gboolean      want_resync;
  GError       *pull_error;
};

static void push_next (DkSyncRun *run);
static void page_free (Page *page);
static void pull_next (DkSyncRun *run);
static void run_begin (DkSyncEngine *self,
                       GPtrArray    *tasks);

static void
dk_sync_run_waiter_cancelled_cb (GCancellable *cancellable,
                                 gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
run_free (DkSyncRun *run)
{
  g_array_unref (run->waiters);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->sent, g_hash_table_unref);
  g_clear_pointer (&run->batch, g_ptr_array_unref);
  g_clear_pointer (&run->fetched, page_free);
  g_clear_pointer (&run->ready, page_free);
  g_clear_pointer (&run->applying, page_free);
  g_clear_object (&run->writer);
  g_clear_error (&run->pull_error);
  g_free (run->token);
  g_clear_object (&run->self);
  g_free (run);
}

static void
run_finish (DkSyncRun *run,
            GError    *error)   /* (transfer full) (nullable) */
{
  g_autoptr(GError) owned_error = error;
  g_autoptr(DkSyncEngine) self = g_object_ref (run->self);
  g_autoptr(GPtrArray) next = NULL;
  g_autoptr(GArray) waiters = g_array_ref (run->waiters);

  g_assert (self->run == run);
  self->run = NULL;

  if (error == NULL)
    {
      g_debug ("Sync done: %" G_GUINT64_FORMAT " objects applied, cursor %" G_GINT64_FORMAT,
               run->applied, dk_store_get_cursor (self->store));
      _dk_sync_engine_set_last_sync (self, dk_time_now ());
      _dk_sync_engine_set_last_error (self, NULL);
      _dk_sync_engine_set_state (self, DK_SYNC_STATE_IDLE);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("Sync cancelled");
      /* Cancelled by a logout: that state stands. */
      if (self->username == NULL)
        _dk_sync_engine_set_state (self, DK_SYNC_STATE_NEEDS_LOGIN);
      else
        _dk_sync_engine_set_state (self, run->state_before == DK_SYNC_STATE_SYNCING
                                           ? DK_SYNC_STATE_IDLE : run->state_before);
    }
  else if (g_error_matches (error, DK_SYNC_ERROR, DK_SYNC_ERROR_NEEDS_LOGIN))
    {
      g_debug ("Sync needs a login: %s", error->message);
      /* A login that finished during the run brought a new token: keep that one. */
      if (run->token == NULL || g_strcmp0 (run->token, self->token) == 0)
        {
          _dk_sync_engine_set_last_error (self, error);
          _dk_sync_engine_forget_token (self);
        }
      else
        {
          _dk_sync_engine_set_state (self, DK_SYNC_STATE_IDLE);
        }
    }
  else
    {
      g_debug ("Sync failed: %s", error->message);
      _dk_sync_engine_set_last_error (self, error);
      _dk_sync_engine_set_state (self, error->domain == DK_SYNC_ERROR &&
                                       error->code == DK_SYNC_ERROR_NO_SERVER
                                         ? run->state_before : DK_SYNC_STATE_OFFLINE);
    }
  _dk_sync_engine_update_outbox_size (self);

  /* The next run starts before anyone hears of this one, so a caller that asks again
   * from its callback joins the queue the ordinary way. */
  _dk_sync_engine_watch_run_finished (self, error);
  if (self->again)
    {
      next = g_steal_pointer (&self->next_waiters);
      self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
      run_begin (self, next);
    }

  for (guint i = 0; i < waiters->len; i++)
    {
      Waiter *waiter = &g_array_index (waiters, Waiter, i);
      GCancellable *cancellable = g_task_get_cancellable (waiter->task);

      if (waiter->cancelled_id != 0)
        g_cancellable_disconnect (cancellable, waiter->cancelled_id);
      if (error != NULL)
        g_task_return_error (waiter->task, g_error_copy (error));
      else
        g_task_return_boolean (waiter->task, TRUE);
      g_clear_object (&waiter->task);
    }

  run_free (run);
}

static gboolean
run_check_cancelled (DkSyncRun *run)
{
  g_autoptr(GError) error = NULL;

  if (!g_cancellable_set_error_if_cancelled (run->cancellable, &error))
    return FALSE;

  run_finish (run, g_steal_pointer (&error));
  return TRUE;
}

/* ---- push ---- */

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
      run_finish (run, g_steal_pointer (&error));
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
          push_next (run);
          return;
        }
      if (!reject_here (run, g_ptr_array_index (batch, 0),
                        reply->error_code ? reply->error_code : "invalid_input",
                        reply->error_message ? reply->error_message
                                             : _("The server cannot take this change"),
                        &error))
        {
          run_finish (run, g_steal_pointer (&error));
          return;
        }
      _dk_sync_engine_emit_changed (self);
      push_next (run);
      return;
    }

  if (!_dk_sync_engine_check_reply (self, reply, &error))
    {
      run_finish (run, g_steal_pointer (&error));
      return;
    }

  results_node = json_object_get_member (json_node_get_object (reply->json), "results");
  if (results_node == NULL || !JSON_NODE_HOLDS_ARRAY (results_node))
    {
      run_finish (run, g_error_new_literal (DK_SYNC_ERROR, DK_SYNC_ERROR_SERVER,
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
      run_finish (run, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < answers->len; i++)
    announce_answer (run, g_ptr_array_index (answers, i));

  run->batch_limit = DK_MAX_MUTATIONS_PER_BATCH;
  _dk_sync_engine_update_outbox_size (self);
  _dk_sync_engine_emit_changed (self);
  push_next (run);
}

static void
push_next (DkSyncRun *run)
{
  DkSyncEngine *self = run->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(JsonArray) mutations = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  JsonObject *wrapper;
  gsize size = 0;

  if (run_check_cancelled (run))
    return;

  /* Entries already sent in this run and still pending (the server left them
   * unanswered) wait for the next run instead of going round here. */
  pending = dk_store_outbox_pending (self->store,
                                     run->batch_limit + g_hash_table_size (run->sent), &error);
  if (pending == NULL)
    {
      run_finish (run, g_steal_pointer (&error));
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
              run_finish (run, g_steal_pointer (&error));
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
      json_object_set_member (mutation, "data", g_steal_pointer (&data));
      json_array_add_object_element (mutations, mutation);
      g_ptr_array_add (run->batch, g_strdup (entry->mutation_id));
      size += entry_size;
    }

  if (run->batch->len == 0)
    {
      g_clear_pointer (&run->batch, g_ptr_array_unref);
      _dk_sync_engine_update_outbox_size (self);
      pull_next (run);
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

/* ---- pull ----
 *
 * Pipelined: while one page is applied (in a worker thread, on a connection of its own
 * to the replica), the next one is fetched and parsed (in another), so the network, the
 * JSON and SQLite overlap. Pages are still applied one at a time and in order, each
 * with its cursor in one transaction; at most one page waits behind the one applied.
 * pull_step () decides what happens next after every event, and ends the run only when
 * nothing is in flight.
 */

struct _Page {
  gint64     since;        /* the cursor the page was asked for with */
  GBytes    *body;
  DkJsonDoc *doc;          /* parsed; dropped once applied */
  DkStoreSearchTexts *texts; /* its cases' search texts, built with the parse */
  GError    *error;        /* why it could not be parsed */
  guint      changes;      /* the index of the "changes" array in doc */
  guint      n_changes;
  gint64     last_seq;
  gint64     newest;
  gboolean   has_newest;
  gboolean   more;
};

typedef struct {
  char     *path;          /* the replica's file */
  DkStore **writer;        /* run->writer: only apply tasks use it, one at a time */
  Page     *page;          /* borrowed: run->applying */
} ApplyData;

static void
page_free (Page *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->body, g_bytes_unref);
  g_clear_pointer (&page->texts, dk_store_search_texts_free);
  g_clear_pointer (&page->doc, dk_json_doc_free);
  g_clear_error (&page->error);
  g_free (page);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Page, page_free)

static void
apply_data_free (ApplyData *data)
{
  g_free (data->path);
  g_free (data);
}

static void pull_step (DkSyncRun *run);

/* Keeps the first error; later ones (often the same cut seen twice) are dropped. */
static void
pull_fail (DkSyncRun *run,
           GError    *error)   /* (transfer full) */
{
  if (run->pull_error == NULL)
    run->pull_error = error;
  else
    g_error_free (error);
}

static gboolean
start_resync (DkSyncRun   *run,
              GError     **error)
{
  g_debug ("The server does not know cursor %" G_GINT64_FORMAT "; resyncing from 0",
           run->cursor);
  run->resynced = TRUE;
  if (!dk_store_reset_server_data (run->self->store, error))
    return FALSE;
  run->cursor = 0;
  run->next_since = 0;
  run->fetch_done = FALSE;
  _dk_sync_engine_emit_changed (run->self);

  return TRUE;
}

static gboolean
read_int (DkJsonDoc  *doc,
          const char *name,
          gint64     *out)
{
  guint index = dk_json_doc_member (doc, 0, name);

  if (index == DK_JSON_DOC_NONE || dk_json_doc_get (doc, index)->type != DK_JSON_DOC_INT)
    return FALSE;

  *out = dk_json_doc_get (doc, index)->v.integer;
  return TRUE;
}

/* Reads the page's members; FALSE when it is not the protocol. */
static gboolean
page_read (Page *page)
{
  guint more;

  if (page->doc == NULL || dk_json_doc_get (page->doc, 0)->type != DK_JSON_DOC_OBJECT)
    return FALSE;
  page->changes = dk_json_doc_member (page->doc, 0, "changes");
  more = dk_json_doc_member (page->doc, 0, "more");
  page->has_newest = read_int (page->doc, "newest_seq", &page->newest);
  if (page->changes == DK_JSON_DOC_NONE ||
      dk_json_doc_get (page->doc, page->changes)->type != DK_JSON_DOC_ARRAY ||
      !read_int (page->doc, "last_seq", &page->last_seq) || page->last_seq < 0 ||
      more == DK_JSON_DOC_NONE ||
      (dk_json_doc_get (page->doc, more)->type != DK_JSON_DOC_TRUE &&
       dk_json_doc_get (page->doc, more)->type != DK_JSON_DOC_FALSE))
    return FALSE;
  page->more = dk_json_doc_get (page->doc, more)->type == DK_JSON_DOC_TRUE;
  page->n_changes = dk_json_doc_get (page->doc, page->changes)->count;

  return TRUE;
}

static void
parse_page_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Page *page = task_data;

  guint changes;

  page->doc = dk_json_doc_parse (page->body, &page->error);
  g_clear_pointer (&page->body, g_bytes_unref);
  /* The search texts need no replica: built here, they are not on the apply
   * thread, which a first sync waits for. page_read () checks the rest. */
  if (page->doc != NULL && dk_json_doc_get (page->doc, 0)->type == DK_JSON_DOC_OBJECT &&
      (changes = dk_json_doc_member (page->doc, 0, "changes")) != DK_JSON_DOC_NONE &&
      dk_json_doc_get (page->doc, changes)->type == DK_JSON_DOC_ARRAY)
    page->texts = dk_store_search_texts_new (page->doc, changes);

  g_task_return_boolean (task, TRUE);
}

static void
apply_page_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ApplyData *data = task_data;
  GError *error = NULL;

  /* Its own connection: the thread that owns the engine keeps reading the replica
   * (the app shows it) while this one writes. */
  if (*data->writer == NULL)
    *data->writer = dk_store_open (data->path, &error);
  if (*data->writer == NULL ||
      !dk_store_apply_page_with_texts (*data->writer, data->page->doc, data->page->changes,
                                       data->page->last_seq, data->page->texts, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Freed here rather than on the engine's thread. */
  g_clear_pointer (&data->page->texts, dk_store_search_texts_free);
  g_clear_pointer (&data->page->doc, dk_json_doc_free);

  g_task_return_boolean (task, TRUE);
}

static void
dk_sync_run_page_applied_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  DkSyncRun *run = user_data;
  DkSyncEngine *self = run->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(Page) page = g_steal_pointer (&run->applying);
  guint n;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      pull_fail (run, g_steal_pointer (&error));
      pull_step (run);
      return;
    }

  n = page->n_changes;
  run->applied += n;
  run->cursor = page->last_seq;
  _dk_sync_engine_emit_progress (self, run->applied, page->last_seq,
                                 page->has_newest ? page->newest
                                                  : page->more ? -1 : page->last_seq);
  if (n > 0)
    _dk_sync_engine_emit_changed (self);

  pull_step (run);
}

static void
apply_next (DkSyncRun *run)
{
  g_autoptr(GTask) task = NULL;
  ApplyData *data;

  g_assert (run->applying == NULL && run->ready != NULL);

  run->applying = g_steal_pointer (&run->ready);
  data = g_new0 (ApplyData, 1);
  data->path = g_strdup (dk_store_get_path (run->self->store));
  data->writer = &run->writer;
  data->page = run->applying;

  /* Not run->cancellable: a page that has begun is applied whole. */
  task = g_task_new (run->self, NULL, dk_sync_run_page_applied_cb, run);
  g_task_set_source_tag (task, apply_next);
  g_task_set_task_data (task, data, (GDestroyNotify) apply_data_free);
  g_task_run_in_thread (task, apply_page_thread);
}

/* A parsed page: checked here, where the run's state is, then queued. */
static void
take_page (DkSyncRun *run,
           Page      *page)   /* (transfer full) */
{
  g_autoptr(Page) owned = page;

  if (!page_read (page))
    {
      if (page->error != NULL)
        g_debug ("A page of changes is not JSON: %s", page->error->message);
      pull_fail (run, g_error_new_literal (DK_SYNC_ERROR, DK_SYNC_ERROR_SERVER,
                                           _("The server’s list of changes is not the "
                                             "Driftkoll protocol")));
      return;
    }

  /* The server has less than this replica saw (restored from a backup): resync. */
  if (page->has_newest && page->newest < page->since && !run->resynced)
    {
      run->want_resync = TRUE;
      return;
    }

  if (page->more && page->last_seq <= page->since)
    {
      pull_fail (run, g_error_new_literal (DK_SYNC_ERROR, DK_SYNC_ERROR_SERVER,
                                           _("The server’s list of changes does not move on")));
      return;
    }

  run->next_since = page->last_seq;
  run->fetch_done = !page->more;
  run->ready = g_steal_pointer (&owned);
}

static void
dk_sync_run_page_parsed_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  DkSyncRun *run = user_data;

  run->parsing = FALSE;
  take_page (run, g_steal_pointer (&run->fetched));
  pull_step (run);
}

static void
dk_sync_run_pulled_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  DkSyncRun *run = user_data;
  DkSyncEngine *self = run->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(DkReply) reply = NULL;
  g_autoptr(GTask) task = NULL;
  Page *page;

  run->fetching = FALSE;
  reply = _dk_sync_engine_send_finish (self, result, &error);
  if (reply == NULL)
    {
      pull_fail (run, g_steal_pointer (&error));
      pull_step (run);
      return;
    }

  /* A cursor the server no longer accepts: start again from nothing; the outbox stays. */
  if (reply->status == SOUP_STATUS_BAD_REQUEST &&
      g_strcmp0 (reply->error_code, "invalid_input") == 0 && !run->resynced &&
      run->next_since > 0)
    {
      run->want_resync = TRUE;
      pull_step (run);
      return;
    }

  if (reply->body == NULL)
    {
      if (!_dk_sync_engine_check_reply (self, reply, &error))
        pull_fail (run, g_steal_pointer (&error));
      else
        pull_fail (run, g_error_new_literal (DK_SYNC_ERROR, DK_SYNC_ERROR_SERVER,
                                             _("The server’s list of changes is not the "
                                               "Driftkoll protocol")));
      pull_step (run);
      return;
    }

  page = g_new0 (Page, 1);
  page->since = run->next_since;
  page->body = g_steal_pointer (&reply->body);
  run->fetched = page;
  run->parsing = TRUE;

  task = g_task_new (self, NULL, dk_sync_run_page_parsed_cb, run);
  g_task_set_source_tag (task, dk_sync_run_pulled_cb);
  g_task_set_task_data (task, page, NULL);
  g_task_run_in_thread (task, parse_page_thread);
}

static void
fetch_next (DkSyncRun *run)
{
  DkSyncEngine *self = run->self;
  g_autofree char *path = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  path = g_strdup_printf (DK_API_PREFIX "/changes?since=%" G_GINT64_FORMAT "&limit=%u",
                          run->next_since, DK_SYNC_PULL_LIMIT);
  msg = _dk_sync_engine_new_message (self, SOUP_METHOD_GET, path, TRUE, NULL);
  run->fetching = TRUE;
  _dk_sync_engine_fetch_async (self, msg, run->cancellable, dk_sync_run_pulled_cb, run);
}

static void
pull_step (DkSyncRun *run)
{
  gboolean busy = run->fetching || run->parsing || run->applying != NULL;
  g_autoptr(GError) error = NULL;

  if (run->pull_error == NULL &&
      g_cancellable_set_error_if_cancelled (run->cancellable, &error))
    pull_fail (run, g_steal_pointer (&error));

  if (run->pull_error != NULL)
    {
      if (!busy)
        {
          g_clear_pointer (&run->ready, page_free);
          g_clear_object (&run->writer);
          run_finish (run, g_steal_pointer (&run->pull_error));
        }
      return;
    }

  if (run->want_resync)
    {
      /* The page behind the one applied was fetched with the old cursor: dropped. */
      if (busy)
        return;
      run->want_resync = FALSE;
      g_clear_pointer (&run->ready, page_free);
      if (!start_resync (run, &error))
        {
          pull_fail (run, g_steal_pointer (&error));
          pull_step (run);
          return;
        }
    }

  if (run->applying == NULL && run->ready != NULL)
    apply_next (run);

  if (!run->fetching && !run->parsing && run->ready == NULL && !run->fetch_done)
    fetch_next (run);

  if (run->fetch_done && !run->fetching && !run->parsing && run->ready == NULL &&
      run->applying == NULL)
    {
      g_clear_object (&run->writer);
      run_finish (run, NULL);
    }
}

static void
pull_next (DkSyncRun *run)
{
  if (run_check_cancelled (run))
    return;

  run->cursor = dk_store_get_cursor (run->self->store);
  run->next_since = run->cursor;
  run->fetch_done = FALSE;
  pull_step (run);
}

/* ---- starting ---- */

static void
dk_sync_run_token_loaded_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  DkSyncRun *run = user_data;
  DkSyncEngine *self = run->self;
  g_autoptr(GError) error = NULL;

  if (!_dk_sync_engine_load_token_finish (self, result, &error))
    {
      if (error == NULL)
        error = g_error_new_literal (DK_SYNC_ERROR, DK_SYNC_ERROR_NEEDS_LOGIN,
                                     _("Log in to sync with the server"));
      run_finish (run, g_steal_pointer (&error));
      return;
    }

  if (run_check_cancelled (run))
    return;

  run->token = g_strdup (self->token);
  _dk_sync_engine_set_state (self, DK_SYNC_STATE_SYNCING);
  push_next (run);
}

static void
run_begin (DkSyncEngine *self,
           GPtrArray    *tasks)
{
  DkSyncRun *run;

  g_assert (DK_IS_SYNC_ENGINE (self));
  g_assert (self->run == NULL);

  run = g_new0 (DkSyncRun, 1);
  run->self = g_object_ref (self);
  run->waiters = g_array_new (FALSE, TRUE, sizeof (Waiter));
  run->cancellable = g_cancellable_new ();
  run->sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->batch_limit = DK_MAX_MUTATIONS_PER_BATCH;
  run->state_before = self->state;
  self->run = run;
  self->again = FALSE;

  for (guint i = 0; tasks != NULL && i < tasks->len; i++)
    {
      Waiter waiter = { g_object_ref (g_ptr_array_index (tasks, i)), 0 };
      GCancellable *cancellable = g_task_get_cancellable (waiter.task);

      /* One caller giving up stops the run it waits for. */
      if (cancellable != NULL)
        waiter.cancelled_id = g_cancellable_connect (cancellable,
                                                     G_CALLBACK (dk_sync_run_waiter_cancelled_cb),
                                                     g_object_ref (run->cancellable),
                                                     g_object_unref);
      g_array_append_val (run->waiters, waiter);
    }

  if (self->server_url == NULL)
    {
      run_finish (run, _dk_sync_engine_no_server_error ());
      return;
    }

  if (self->state == DK_SYNC_STATE_IDLE || self->state == DK_SYNC_STATE_OFFLINE)
    _dk_sync_engine_set_state (self, DK_SYNC_STATE_SYNCING);

  _dk_sync_engine_load_token_async (self, run->cancellable, dk_sync_run_token_loaded_cb, run);
}

static void
start_or_queue (DkSyncEngine *self,
                GTask        *task)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  if (self->run != NULL)
    {
      self->again = TRUE;
      if (task != NULL)
        g_ptr_array_add (self->next_waiters, g_object_ref (task));
      return;
    }

  if (task != NULL)
    g_ptr_array_add (self->next_waiters, g_object_ref (task));

  {
    g_autoptr(GPtrArray) tasks = g_steal_pointer (&self->next_waiters);

    self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
    run_begin (self, tasks);
  }
}

void
_dk_sync_engine_request_sync (DkSyncEngine *self)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  start_or_queue (self, NULL);
}

void
_dk_sync_engine_cancel_run (DkSyncEngine *self)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  if (self->run != NULL)
    g_cancellable_cancel (self->run->cancellable);
}

void
_dk_sync_engine_clear_runs (DkSyncEngine *self)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  /* A run holds a reference to the engine, so none is left by the time it is disposed;
   * only a forced dispose gets here with one. */
  _dk_sync_engine_cancel_run (self);
  self->again = FALSE;
}

/**
 * dk_sync_engine_sync_async:
 *
 * One whole sync: the outbox in batches, then every page of changes. While another
 * sync runs, this waits for it and then runs once more (asking many times in a row
 * gives one more run). Cancelling @cancellable stops the run it waits for.
 */
void
dk_sync_engine_sync_async (DkSyncEngine        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DK_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dk_sync_engine_sync_async);
  if (g_task_return_error_if_cancelled (task))
    return;

  start_or_queue (self, task);
}

gboolean
dk_sync_engine_sync_finish (DkSyncEngine  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * dk_sync_engine_local_change_added:
 *
 * Tells the engine that a local change went into the outbox: "outbox-size" is
 * updated and, while it keeps in sync (dk_sync_engine_start ()), the change is sent
 * soon.
 */
void
dk_sync_engine_local_change_added (DkSyncEngine *self)
{
  g_return_if_fail (DK_IS_SYNC_ENGINE (self));

  _dk_sync_engine_update_outbox_size (self);
  if (self->started && self->username != NULL)
    _dk_sync_engine_request_sync (self);
}
