/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-pass.c: one sync pass: the outbox in batches, then every page of changes
 *
 * At most one pass at a time. Whoever asks while one runs gets the result of the next
 * pass, which starts once the current one is done, so a "pull now" is never lost and
 * never doubled. Each page is applied with its cursor in one transaction and each
 * mutation answer is recorded as it arrives: a cut at any moment resumes where it
 * stopped, and a mutation sent twice is answered the same by the server.
 *
 * The pass itself is one synchronous function, sync_pass (), run in a thread and read
 * top to bottom (as evolution-data-server's refresh is): push the outbox; on a first
 * sync, start from the server's snapshot (a whole replica, checked, installed in place);
 * then pull the pages of changes after it.
 *
 * The pull keeps the network, the JSON and SQLite overlapping: while the applier thread
 * applies page N on the pass's connection, the pass's thread fetches and parses page
 * N+1; a small queue between them holds at most PAGE_QUEUE_LENGTH parsed pages, the one
 * applied included. Everything the engine shows (signals, properties, its state) is
 * told on the engine's context (_dk_sync_engine_invoke ()); starting and ending a pass
 * happen there too.
 *
 * Over a link that keeps dropping (issue 13: a page of 5,000 changes is 10 MB of JSON;
 * a link that cut every connection before 4 MB left the cursor at 0 for ever), the page
 * size follows the link: a page cut mid-answer is asked for again at once with half as
 * many changes (down to DK_SYNC_PULL_LIMIT_FLOOR), and each whole page doubles it again.
 * Only a cut counts: a server that cannot be reached at all ends the pass at once, so
 * "offline" is said as quickly. The pages come gzipped (the session's SoupContentDecoder
 * asks for it and decodes): 28 % of the bytes on generated cases.
 */

#define G_LOG_DOMAIN "dk-sync-pass"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-sync-pass-private.h"
#include "dk-sync-snapshot.h"

/* Parsed pages held at once: the one applied and the one behind it. The next page is
 * fetched only once the one applied is done, so a page is never fetched more than one
 * ahead of what the replica has (a link cut after a page loses at most one). */
#define PAGE_QUEUE_LENGTH 2

/* Room for the {"mutations":[...]} around the entries. */
#define BODY_MARGIN 4096

typedef struct {
  GTask  *task;
  gulong  cancelled_id;
} Waiter;

typedef struct {
  gint64              since;        /* the cursor the page was asked for with */
  DkJsonDoc          *doc;
  DkStoreSearchTexts *texts;        /* its cases' search texts, built with the parse */
  guint               changes;      /* the index of the "changes" array in doc */
  guint               n_changes;
  gint64              last_seq;
  gint64              newest;
  gboolean            has_newest;
  gboolean            more;
} Page;

/* Between the pass's thread, which pushes parsed pages, and the applier, which pops
 * them. Once the applier fails or the pass is cancelled, waiting for room says so. */
typedef struct {
  GMutex        lock;
  GCond         cond;            /* a page in or done, or closed, failed, stopped */
  GQueue        pages;           /* Page *: waiting */
  gboolean      applying;        /* the applier holds one: with pages, PAGE_QUEUE_LENGTH */
  gboolean      closed;          /* no more pages come: the applier ends when empty */
  gboolean      stopped;         /* cancelled: the applier ends after its page */
  GError       *error;           /* the applier's */
  DkSyncPass   *pass;
  GCancellable *cancellable;
  gulong        cancelled_id;
  GThread      *applier;
} PageQueue;

static void pass_begin (DkSyncEngine *self,
                        GPtrArray    *tasks);

static void
page_free (Page *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->texts, dk_store_search_texts_free);
  g_clear_pointer (&page->doc, dk_json_doc_free);
  g_free (page);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Page, page_free)

/* ---- telling the engine, on its context ---- */

typedef struct {
  guint64  applied;
  gint64   cursor;
  gint64   newest;
  gboolean changed;
} Progress;

typedef struct {
  char *id;
  char *code;                    /* NULL: a conflict */
  char *message;
} Answer;

static void
answer_free (Answer *answer)
{
  g_free (answer->id);
  g_free (answer->code);
  g_free (answer->message);
  g_free (answer);
}

static void
told_changed_cb (DkSyncEngine *self,
                 gpointer      data)
{
  _dk_sync_engine_emit_changed (self);
}

static void
told_batch_answered_cb (DkSyncEngine *self,
                        gpointer      data)
{
  _dk_sync_engine_update_outbox_size (self);
  _dk_sync_engine_emit_changed (self);
}

static void
told_outbox_size_cb (DkSyncEngine *self,
                     gpointer      data)
{
  _dk_sync_engine_update_outbox_size (self);
}

static void
told_answer_cb (DkSyncEngine *self,
                gpointer      data)
{
  Answer *answer = data;

  if (answer->code != NULL)
    _dk_sync_engine_emit_rejected (self, answer->id, answer->code, answer->message);
  else
    _dk_sync_engine_emit_conflict (self, answer->id);
}

static void
told_first_sync_cb (DkSyncEngine *self,
                    gpointer      data)
{
  _dk_sync_engine_set_first_sync (self, TRUE);
}

static void
told_snapshot_progress_cb (DkSyncEngine *self,
                           gpointer      data)
{
  guint64 *bytes = data;

  _dk_sync_engine_tell_snapshot_progress (self, bytes[0], bytes[1]);
}

static void
told_pull_limit_cb (DkSyncEngine *self,
                    gpointer      data)
{
  _dk_sync_engine_set_pull_limit (self, GPOINTER_TO_UINT (data));
}

static void
told_progress_cb (DkSyncEngine *self,
                  gpointer      data)
{
  Progress *progress = data;

  _dk_sync_engine_emit_progress (self, progress->applied, progress->cursor, progress->newest);
  if (progress->changed)
    _dk_sync_engine_emit_changed (self);
}

static void
tell (DkSyncPass       *pass,
      DkSyncEngineFunc  func)
{
  _dk_sync_engine_invoke (pass->self, func, NULL, NULL);
}

static void
tell_progress (DkSyncPass *pass,
               Page       *page)
{
  Progress *progress = g_new0 (Progress, 1);

  progress->applied = pass->applied;
  progress->cursor = page->last_seq;
  progress->newest = page->has_newest ? page->newest : page->more ? -1 : page->last_seq;
  progress->changed = page->n_changes > 0;
  _dk_sync_engine_invoke (pass->self, told_progress_cb, progress, g_free);
}

/* ---- the outbox ---- */

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
announce_answer (DkSyncPass *pass,
                 JsonObject *result)
{
  const char *id = json_object_get_string_member_with_default (result, "id", NULL);
  const char *status = json_object_get_string_member_with_default (result, "status", NULL);
  Answer *answer;

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
      answer = g_new0 (Answer, 1);
      answer->id = g_strdup (id);
      answer->code = g_strdup (code ? code : "failed");
      answer->message = g_strdup (message ? message : _("The server refused the change"));
    }
  else if (g_strcmp0 (status, DK_RESULT_CONFLICT) == 0)
    {
      g_debug ("Mutation %s conflicts", id);
      answer = g_new0 (Answer, 1);
      answer->id = g_strdup (id);
    }
  else
    {
      return;
    }

  _dk_sync_engine_invoke (pass->self, told_answer_cb, answer, (GDestroyNotify) answer_free);
}

/* Refuses, here, a mutation the server could never take, with the reason. */
static gboolean
reject_here (DkSyncPass  *pass,
             const char  *mutation_id,
             const char  *code,
             const char  *message,
             GError     **error)
{
  g_autoptr(JsonObject) result = rejection_new (mutation_id, code, message);

  g_hash_table_add (pass->sent, g_strdup (mutation_id));
  if (!dk_store_outbox_answer (pass->store, result, error))
    return FALSE;

  announce_answer (pass, result);
  return TRUE;
}

/* The next batch: up to batch_limit entries this pass has not sent yet, within the
 * server's body limit, as {"mutations": [...]}. @batch gets their ids (empty: none
 * left). An entry that can never be sent is refused on the way. */
static gboolean
build_batch (DkSyncPass  *pass,
             GPtrArray   *batch,
             JsonNode   **out_body,
             GError     **error)
{
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(JsonArray) mutations = json_array_new ();
  JsonObject *wrapper;
  gsize size = 0;

  /* Entries already sent in this pass and still pending (the server left them
   * unanswered) wait for the next pass instead of going round here. */
  pending = dk_store_outbox_pending (pass->store,
                                     pass->batch_limit + g_hash_table_size (pass->sent), error);
  if (pending == NULL)
    return FALSE;

  for (guint i = 0; i < pending->len && batch->len < pass->batch_limit; i++)
    {
      DkOutboxEntry *entry = g_ptr_array_index (pending, i);
      g_autoptr(JsonNode) data = NULL;
      g_autoptr(GError) parse_error = NULL;
      JsonObject *mutation;
      gsize entry_size;

      if (g_hash_table_contains (pass->sent, entry->mutation_id))
        continue;

      data = entry->data != NULL ? json_from_string (entry->data, &parse_error) : NULL;
      entry_size = (entry->data ? strlen (entry->data) : 0) + strlen (entry->op) +
                   strlen (entry->mutation_id) + 96;

      if (data == NULL || entry_size + BODY_MARGIN > DK_MAX_BODY_BYTES)
        {
          if (!reject_here (pass, entry->mutation_id, data == NULL ? "invalid_input" : "too_large",
                            data == NULL ? _("The change could not be read back from this computer")
                                         : _("The change is too large to send"),
                            error))
            return FALSE;
          continue;
        }

      if (batch->len > 0 && size + entry_size + BODY_MARGIN > DK_MAX_BODY_BYTES)
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
      g_ptr_array_add (batch, g_strdup (entry->mutation_id));
      size += entry_size;
    }

  wrapper = json_object_new ();
  json_object_set_array_member (wrapper, "mutations", g_steal_pointer (&mutations));
  *out_body = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (*out_body, wrapper);

  return TRUE;
}

/* The answers to @batch in @results, in one transaction (one sync to the disk, not one
 * each), then told. */
static gboolean
record_answers (DkSyncPass  *pass,
                GPtrArray   *batch,
                JsonArray   *results,
                GError     **error)
{
  g_autoptr(GHashTable) in_batch = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) answers = g_ptr_array_new ();

  for (guint i = 0; i < batch->len; i++)
    {
      g_hash_table_add (pass->sent, g_strdup (g_ptr_array_index (batch, i)));
      g_hash_table_add (in_batch, g_ptr_array_index (batch, i));
    }

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
  if (!dk_store_outbox_answer_all (pass->store, answers, error))
    return FALSE;
  for (guint i = 0; i < answers->len; i++)
    announce_answer (pass, g_ptr_array_index (answers, i));

  tell (pass, told_batch_answered_cb);
  return TRUE;
}

/* Sends one batch and records what the server said of it. Too much at once halves the
 * next batch; one mutation the server cannot take at all is refused here with the
 * server's reason, so it never blocks the ones behind it. */
static gboolean
send_batch (DkSyncPass    *pass,
            GPtrArray     *batch,
            JsonNode      *body,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(DkReply) reply = NULL;
  JsonNode *results;

  g_debug ("Sending %u mutations", batch->len);
  msg = _dk_sync_message_new (pass->server_url, pass->token, SOUP_METHOD_POST,
                              DK_API_PREFIX "/mutations", body);
  reply = _dk_sync_engine_send_sync (pass->self, msg, FALSE, cancellable, NULL, error);
  if (reply == NULL)
    return FALSE;

  if (reply->status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE ||
      reply->status == SOUP_STATUS_BAD_REQUEST)
    {
      if (batch->len > 1)
        {
          pass->batch_limit = MAX (1, batch->len / 2);
          return TRUE;
        }
      if (!reject_here (pass, g_ptr_array_index (batch, 0),
                        reply->error_code ? reply->error_code : "invalid_input",
                        reply->error_message ? reply->error_message
                                             : _("The server cannot take this change"),
                        error))
        return FALSE;
      tell (pass, told_changed_cb);
      return TRUE;
    }

  if (!_dk_sync_check_reply (pass->server_url, reply, error))
    return FALSE;

  results = json_object_get_member (json_node_get_object (reply->json), "results");
  if (results == NULL || !JSON_NODE_HOLDS_ARRAY (results))
    {
      g_set_error_literal (error, DK_SYNC_ERROR, DK_SYNC_ERROR_SERVER,
                           _("The server’s answer to the changes is not the Driftkoll "
                             "protocol"));
      return FALSE;
    }

  pass->batch_limit = DK_MAX_MUTATIONS_PER_BATCH;
  return record_answers (pass, batch, json_node_get_array (results), error);
}

/* Sends the outbox in batches until this pass has sent every entry once. */
static gboolean
push_outbox (DkSyncPass    *pass,
             GCancellable  *cancellable,
             GError       **error)
{
  for (;;)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(JsonNode) body = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !build_batch (pass, batch, &body, error))
        return FALSE;
      if (batch->len == 0)
        break;
      if (!send_batch (pass, batch, body, cancellable, error))
        return FALSE;
    }

  tell (pass, told_outbox_size_cb);
  return TRUE;
}

/* ---- pages of changes ---- */

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

static Page *
page_parse (gint64    since,
            GBytes   *body,
            GError  **error)
{
  g_autoptr(Page) page = g_new0 (Page, 1);
  g_autoptr(GError) parse_error = NULL;

  page->since = since;
  page->doc = dk_json_doc_parse (body, &parse_error);
  if (!page_read (page))
    {
      if (parse_error != NULL)
        g_debug ("A page of changes is not JSON: %s", parse_error->message);
      g_set_error_literal (error, DK_SYNC_ERROR, DK_SYNC_ERROR_SERVER,
                           _("The server’s list of changes is not the Driftkoll protocol"));
      return NULL;
    }
  /* The search texts need no replica: built here, they are not on the applier's
   * thread, which a first sync waits for. */
  page->texts = dk_store_search_texts_new (page->doc, page->changes);

  return g_steal_pointer (&page);
}

/* The page size, in this pass and, told, the engine's "pull-limit". */
static void
set_pull_limit (DkSyncPass *pass,
                guint       limit)
{
  limit = CLAMP (limit, DK_SYNC_PULL_LIMIT_FLOOR, DK_SYNC_PULL_LIMIT);
  if (limit == pass->pull_limit)
    return;

  pass->pull_limit = limit;
  _dk_sync_engine_invoke (pass->self, told_pull_limit_cb, GUINT_TO_POINTER (limit), NULL);
}

/* A page cut mid-answer: the next one asks for half as many changes. TRUE when the pass
 * asks again now; after DK_SYNC_PULL_CUT_RETRIES cuts in a row it gives up (OFFLINE, and
 * the retry policy takes over with the smaller page). */
static gboolean
retry_cut_page (DkSyncPass   *pass,
                const GError *error,
                GCancellable *cancellable)
{
  set_pull_limit (pass, pass->pull_limit / 2);
  pass->cuts++;
  g_debug ("A page of changes was cut (%s): %u in a row, asking for %u changes",
           error->message, pass->cuts, pass->pull_limit);

  return pass->cuts <= DK_SYNC_PULL_CUT_RETRIES && !g_cancellable_is_cancelled (cancellable);
}

/* While the cursor is below the snapshot's seq (@base), the server also sends what the
 * snapshot could not hold: the caller's own objects up to @base. */
static DkReply *
request_page (DkSyncPass    *pass,
              gint64         since,
              gint64         base,
              GCancellable  *cancellable,
              gboolean      *out_cut,
              GError       **error)
{
  g_autofree char *path = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  if (since < base)
    path = g_strdup_printf (DK_API_PREFIX "/changes?since=%" G_GINT64_FORMAT "&limit=%u"
                            "&" DK_CHANGES_PARAM_BASE "=%" G_GINT64_FORMAT,
                            since, pass->pull_limit, base);
  else
    path = g_strdup_printf (DK_API_PREFIX "/changes?since=%" G_GINT64_FORMAT "&limit=%u",
                            since, pass->pull_limit);
  msg = _dk_sync_message_new (pass->server_url, pass->token, SOUP_METHOD_GET, path, NULL);

  return _dk_sync_engine_send_sync (pass->self, msg, TRUE, cancellable, out_cut, error);
}

/* The page of changes after @since, parsed. NULL with @out_resync set when the server
 * refuses the cursor, or has less than it (restored from a backup): once per pass. */
static Page *
fetch_page (DkSyncPass    *pass,
            gint64         since,
            gint64         base,
            gboolean      *out_resync,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(DkReply) reply = NULL;
  g_autoptr(Page) page = NULL;

  *out_resync = FALSE;
  while (reply == NULL)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean cut = FALSE;

      reply = request_page (pass, since, base, cancellable, &cut, &local_error);
      if (reply == NULL && !(cut && retry_cut_page (pass, local_error, cancellable)))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  /* A whole answer: the link carried this size, so try twice as many next. */
  pass->cuts = 0;
  set_pull_limit (pass, pass->pull_limit * 2);

  if (reply->status == SOUP_STATUS_BAD_REQUEST &&
      g_strcmp0 (reply->error_code, "invalid_input") == 0 && !pass->resynced && since > 0)
    {
      *out_resync = TRUE;
      return NULL;
    }

  if (reply->body == NULL)
    {
      if (_dk_sync_check_reply (pass->server_url, reply, error))
        g_set_error_literal (error, DK_SYNC_ERROR, DK_SYNC_ERROR_SERVER,
                             _("The server’s list of changes is not the Driftkoll protocol"));
      return NULL;
    }

  page = page_parse (since, reply->body, error);
  if (page == NULL)
    return NULL;

  if (page->has_newest && page->newest < since && !pass->resynced)
    {
      *out_resync = TRUE;
      return NULL;
    }

  if (page->more && page->last_seq <= since)
    {
      g_set_error_literal (error, DK_SYNC_ERROR, DK_SYNC_ERROR_SERVER,
                           _("The server’s list of changes does not move on"));
      return NULL;
    }

  return g_steal_pointer (&page);
}

/* ---- the queue of parsed pages, and the applier ---- */

static void
dk_sync_pass_queue_cancelled_cb (GCancellable *cancellable,
                                 gpointer      user_data)
{
  PageQueue *queue = user_data;

  g_mutex_lock (&queue->lock);
  queue->stopped = TRUE;
  g_cond_broadcast (&queue->cond);
  g_mutex_unlock (&queue->lock);
}

/* The applier's: NULL once the queue is closed and empty, or stopped. */
static Page *
page_queue_pop (PageQueue *queue)
{
  Page *page = NULL;

  g_mutex_lock (&queue->lock);
  while (g_queue_is_empty (&queue->pages) && !queue->closed && !queue->stopped)
    g_cond_wait (&queue->cond, &queue->lock);
  if (!queue->stopped)
    page = g_queue_pop_head (&queue->pages);
  queue->applying = page != NULL;
  g_mutex_unlock (&queue->lock);

  return page;
}

/* The applier's: the page it popped is applied, and makes room. */
static void
page_queue_done (PageQueue *queue)
{
  g_mutex_lock (&queue->lock);
  queue->applying = FALSE;
  g_cond_broadcast (&queue->cond);
  g_mutex_unlock (&queue->lock);
}

static void
page_queue_fail (PageQueue *queue,
                 GError    *error)   /* (transfer full) */
{
  g_mutex_lock (&queue->lock);
  queue->applying = FALSE;
  queue->error = error;
  g_cond_broadcast (&queue->cond);
  g_mutex_unlock (&queue->lock);
}

/* Applies the pages in order, each with its cursor in one transaction, on the pass's
 * connection (the engine's thread keeps reading the replica on its own while this one
 * writes). A page that has begun is applied whole, even when the pass is cancelled. */
static gpointer
apply_pages_thread (gpointer user_data)
{
  PageQueue *queue = user_data;
  DkSyncPass *pass = queue->pass;
  Page *next;

  while ((next = page_queue_pop (queue)) != NULL)
    {
      g_autoptr(Page) page = next;
      GError *error = NULL;

      if (!dk_store_apply_page_with_texts (pass->store, page->doc, page->changes,
                                           page->last_seq, page->texts, &error))
        {
          page_queue_fail (queue, error);
          break;
        }
      pass->applied += page->n_changes;
      tell_progress (pass, page);
      page_queue_done (queue);
    }

  return NULL;
}

/* Starts the applier: from here until page_queue_finish () it alone uses pass->store. */
static PageQueue *
page_queue_start (DkSyncPass   *pass,
                  GCancellable *cancellable)
{
  PageQueue *queue = g_new0 (PageQueue, 1);

  g_mutex_init (&queue->lock);
  g_cond_init (&queue->cond);
  g_queue_init (&queue->pages);
  queue->pass = pass;
  queue->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  if (cancellable != NULL)
    queue->cancelled_id = g_cancellable_connect (cancellable,
                                                 G_CALLBACK (dk_sync_pass_queue_cancelled_cb),
                                                 queue, NULL);
  queue->applier = g_thread_new ("dk-sync-apply", apply_pages_thread, queue);

  return queue;
}

/* Waits until a page may be fetched for the queue. FALSE once the applier failed or
 * the pass was cancelled. */
static gboolean
page_queue_wait_for_room (PageQueue *queue)
{
  gboolean room;

  g_mutex_lock (&queue->lock);
  while (g_queue_get_length (&queue->pages) + queue->applying >= PAGE_QUEUE_LENGTH &&
         queue->error == NULL && !queue->stopped)
    g_cond_wait (&queue->cond, &queue->lock);
  room = queue->error == NULL && !queue->stopped;
  g_mutex_unlock (&queue->lock);

  return room;
}

static void
page_queue_push (PageQueue *queue,
                 Page      *page)   /* (transfer full) */
{
  g_mutex_lock (&queue->lock);
  g_queue_push_tail (&queue->pages, page);
  g_cond_broadcast (&queue->cond);
  g_mutex_unlock (&queue->lock);
}

/* Closes the queue and waits for the applier to apply what is queued (or only the page
 * it is on, when @drop_waiting or cancelled); then frees the queue. FALSE with the
 * applier's error, or "cancelled". */
static gboolean
page_queue_finish (PageQueue  *queue,    /* (transfer full) */
                   gboolean    drop_waiting,
                   GError    **error)
{
  g_autoptr(GError) applier_error = NULL;
  g_autoptr(GCancellable) cancellable = g_steal_pointer (&queue->cancellable);
  gboolean stopped;

  g_mutex_lock (&queue->lock);
  if (drop_waiting)
    g_queue_clear_full (&queue->pages, (GDestroyNotify) page_free);
  queue->closed = TRUE;
  g_cond_broadcast (&queue->cond);
  g_mutex_unlock (&queue->lock);

  g_thread_join (queue->applier);
  /* Waits for a cancelled_cb running on another thread, so the queue can go. */
  g_cancellable_disconnect (cancellable, queue->cancelled_id);

  applier_error = g_steal_pointer (&queue->error);
  stopped = queue->stopped;
  g_queue_clear_full (&queue->pages, (GDestroyNotify) page_free);
  g_cond_clear (&queue->cond);
  g_mutex_clear (&queue->lock);
  g_free (queue);

  if (applier_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&applier_error));
      return FALSE;
    }
  if (stopped)
    {
      g_cancellable_set_error_if_cancelled (cancellable, error);
      return FALSE;
    }

  return TRUE;
}

/* ---- a first sync from the server's snapshot ---- */

/* Nothing of the server's yet: no cursor, and no snapshot whose tail is under way. */
static gboolean
is_first_sync (DkSyncPass *pass)
{
  return dk_store_get_cursor (pass->store) == 0 && dk_store_get_snapshot_base (pass->store) == 0;
}

/* The download's progress, from this thread: told at most ten times a second, and the
 * last one always. */
static void
snapshot_progress_cb (guint64  received,
                      guint64  total,
                      gpointer user_data)
{
  DkSyncPass *pass = user_data;
  gint64 now = g_get_monotonic_time ();
  guint64 *bytes;

  if (received != total && now - pass->snapshot_told_at < G_USEC_PER_SEC / 10)
    return;

  pass->snapshot_told_at = now;
  bytes = g_new (guint64, 2);
  bytes[0] = received;
  bytes[1] = total;
  _dk_sync_engine_invoke (pass->self, told_snapshot_progress_cb, bytes, g_free);
}

typedef struct {
  GMutex      lock;
  GCond       cond;
  const char *path;
  gboolean    done;
  gboolean    installed;
  GError     *error;
} Install;

static void
installed_cb (DkSyncEngine *self,
              gpointer      data)
{
  Install *install = data;
  GError *error = NULL;
  gboolean installed;

  installed = dk_store_install_snapshot (self->store, install->path, &error);

  g_mutex_lock (&install->lock);
  install->installed = installed;
  install->error = error;
  install->done = TRUE;
  g_cond_signal (&install->cond);
  g_mutex_unlock (&install->lock);
}

/* Installs the snapshot at @path on the engine's context, where its store lives, and
 * waits: the pass's thread and the applier leave the replica alone meanwhile. Not
 * cancellable: it takes milliseconds, and a half-done wait would leave it running. */
static gboolean
install_snapshot (DkSyncPass  *pass,
                  const char  *path,
                  GError     **error)
{
  Install install = { .path = path };

  g_mutex_init (&install.lock);
  g_cond_init (&install.cond);

  _dk_sync_engine_invoke (pass->self, installed_cb, &install, NULL);
  g_mutex_lock (&install.lock);
  while (!install.done)
    g_cond_wait (&install.cond, &install.lock);
  g_mutex_unlock (&install.lock);

  g_cond_clear (&install.cond);
  g_mutex_clear (&install.lock);
  if (install.error != NULL)
    g_propagate_error (error, install.error);

  return install.installed;
}

/* A cancel, or what any request of the pass would fail with too: the link (offline, a
 * cut beyond the retries, TLS), the server (5xx) or the session (401). A refusal of
 * the request itself (an older server's 4xx) is not: paging still works there. */
static gboolean
snapshot_failure_ends_pass (const GError *error)
{
  if (error->domain == DK_SYNC_ERROR)
    return error->code != DK_SYNC_ERROR_REFUSED;

  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Downloads, checks and installs the server's snapshot for the replica to start from;
 * the pull then asks for what lies after it. The outbox and the local state stay.
 * When the link or the server fails (offline, a cut beyond the retries, a login
 * needed) the pass ends with that error, as any request's would, and the part
 * downloaded waits for the next pass. Any other failure (no snapshot on this server,
 * a damaged one, a full disk, an install that could not be made) is only logged: the
 * pull pages from 0 instead, in this same pass. */
static gboolean
start_from_snapshot (DkSyncPass    *pass,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_auto(DkStoreSnapshotInfo) info = { 0 };

  if (!_dk_sync_snapshot_download (pass->self->session, pass->server_url, pass->token,
                                   pass->replica_path, snapshot_progress_cb, pass, &path,
                                   &info, cancellable, &local_error) ||
      !install_snapshot (pass, path, &local_error))
    {
      /* A checked file that could not be installed is not kept either. */
      if (path != NULL)
        _dk_sync_snapshot_discard (pass->replica_path);
      if (snapshot_failure_ends_pass (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_debug ("No snapshot to start from (%s); paging from 0", local_error->message);
      return TRUE;
    }

  g_debug ("Started from the %s snapshot at seq %" G_GINT64_FORMAT, info.klass, info.seq);
  tell (pass, told_changed_cb);
  return TRUE;
}

/* ---- the pass ---- */

/* The server does not know the replica's cursor: the server's data is replaced (by its
 * snapshot, or else dropped to page from 0), the outbox and the local state stay. */
static gboolean
start_over (DkSyncPass    *pass,
            gint64         since,
            GCancellable  *cancellable,
            GError       **error)
{
  g_debug ("The server does not know cursor %" G_GINT64_FORMAT "; resyncing", since);
  pass->resynced = TRUE;
  tell (pass, told_first_sync_cb);

  if (pass->use_snapshot)
    {
      if (!start_from_snapshot (pass, cancellable, error))
        return FALSE;
      if (dk_store_get_snapshot_base (pass->store) > 0)
        return TRUE;
    }

  if (!dk_store_reset_server_data (pass->store, error))
    return FALSE;

  tell (pass, told_changed_cb);
  return TRUE;
}

/* Every page of changes from the replica's cursor on. */
static gboolean
pull_changes (DkSyncPass    *pass,
              GCancellable  *cancellable,
              GError       **error)
{
  gint64 since = dk_store_get_cursor (pass->store);
  gint64 base = dk_store_get_snapshot_base (pass->store);
  PageQueue *queue = page_queue_start (pass, cancellable);
  gboolean more = TRUE;

  while (more && page_queue_wait_for_room (queue))
    {
      g_autoptr(GError) fetch_error = NULL;
      gboolean resync = FALSE;
      Page *page;

      page = fetch_page (pass, since, base, &resync, cancellable, &fetch_error);
      if (resync)
        {
          /* The pages waiting were asked for with the old cursor: dropped. */
          if (!page_queue_finish (queue, TRUE, error) ||
              !start_over (pass, since, cancellable, error))
            return FALSE;
          since = dk_store_get_cursor (pass->store);
          base = dk_store_get_snapshot_base (pass->store);
          queue = page_queue_start (pass, cancellable);
          continue;
        }
      if (page == NULL)
        {
          /* What came before is applied first; a failed apply says more than this. */
          if (page_queue_finish (queue, FALSE, error))
            g_propagate_error (error, g_steal_pointer (&fetch_error));
          return FALSE;
        }

      since = page->last_seq;
      more = page->more;
      page_queue_push (queue, page);
    }

  return page_queue_finish (queue, FALSE, error);
}

/* The whole pass, top to bottom, in its thread. */
static gboolean
sync_pass (DkSyncPass    *pass,
           GCancellable  *cancellable,
           GError       **error)
{
  /* Its own connection: the engine's belongs to the thread that shows the replica. */
  pass->store = dk_store_open (pass->replica_path, error);
  if (pass->store == NULL)
    return FALSE;

  if (!push_outbox (pass, cancellable, error))
    return FALSE;

  if (is_first_sync (pass))
    {
      tell (pass, told_first_sync_cb);
      if (pass->use_snapshot && !start_from_snapshot (pass, cancellable, error))
        return FALSE;
    }

  if (!pull_changes (pass, cancellable, error))
    return FALSE;

  /* A replica that got there by paging keeps no download it gave up. */
  if (dk_store_get_cursor (pass->store) > 0 && dk_store_get_snapshot_base (pass->store) == 0)
    _dk_sync_snapshot_discard (pass->replica_path);

  return TRUE;
}

static void
sync_pass_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  DkSyncPass *pass = task_data;
  g_autoptr(GError) error = NULL;
  gboolean done;

  done = sync_pass (pass, cancellable, &error);
  g_clear_object (&pass->store);

  if (!done)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* ---- starting and ending a pass, on the engine's context ---- */

static void
dk_sync_pass_waiter_cancelled_cb (GCancellable *cancellable,
                                  gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
pass_free (DkSyncPass *pass)
{
  g_array_unref (pass->waiters);
  g_clear_object (&pass->cancellable);
  g_clear_pointer (&pass->sent, g_hash_table_unref);
  g_clear_object (&pass->store);
  g_clear_error (&pass->abandoned);
  if (pass->token != NULL)
    memset (pass->token, 0, strlen (pass->token));
  g_free (pass->token);
  g_free (pass->server_url);
  g_free (pass->replica_path);
  g_clear_object (&pass->self);
  g_free (pass);
}

/* Ends the pass with @error (transfer full) (nullable): the engine's state, the next
 * pass if one was asked for, then every caller waiting for this one. */
static void
pass_finish (DkSyncPass *pass,
             GError     *error)
{
  g_autoptr(GError) owned_error = error;
  g_autoptr(DkSyncEngine) self = g_object_ref (pass->self);
  g_autoptr(GPtrArray) next = NULL;
  g_autoptr(GArray) waiters = g_array_ref (pass->waiters);

  g_assert (self->pass == pass);

  /* Given up because the server stopped answering: that is what it failed with. */
  if (pass->abandoned != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&owned_error);
      error = owned_error = g_error_copy (pass->abandoned);
    }
  self->pass = NULL;
  _dk_sync_engine_set_first_sync (self, FALSE);

  if (error == NULL)
    {
      g_debug ("Sync done: %" G_GUINT64_FORMAT " objects applied, cursor %" G_GINT64_FORMAT,
               pass->applied, dk_store_get_cursor (self->store));
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
        _dk_sync_engine_set_state (self, pass->state_before == DK_SYNC_STATE_SYNCING
                                           ? DK_SYNC_STATE_IDLE : pass->state_before);
    }
  else if (g_error_matches (error, DK_SYNC_ERROR, DK_SYNC_ERROR_NEEDS_LOGIN))
    {
      g_debug ("Sync needs a login: %s", error->message);
      /* A login that finished during the pass brought a new token: keep that one. */
      if (pass->token == NULL || g_strcmp0 (pass->token, self->token) == 0)
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
                                         ? pass->state_before : DK_SYNC_STATE_OFFLINE);
    }
  _dk_sync_engine_update_outbox_size (self);

  /* The next pass starts before anyone hears of this one, so a caller that asks again
   * from its callback joins the queue the ordinary way. */
  _dk_sync_engine_watch_pass_finished (self, error);
  if (self->again)
    {
      next = g_steal_pointer (&self->next_waiters);
      self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
      pass_begin (self, next);
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

  pass_free (pass);
}

static void
dk_sync_pass_done_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  DkSyncPass *pass = user_data;
  GError *error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  pass_finish (pass, error);
}

static void
dk_sync_pass_token_loaded_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  DkSyncPass *pass = user_data;
  DkSyncEngine *self = pass->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  if (!_dk_sync_engine_load_token_finish (self, result, &error))
    {
      if (error == NULL)
        error = g_error_new_literal (DK_SYNC_ERROR, DK_SYNC_ERROR_NEEDS_LOGIN,
                                     _("Log in to sync with the server"));
      pass_finish (pass, g_steal_pointer (&error));
      return;
    }

  if (g_cancellable_set_error_if_cancelled (pass->cancellable, &error))
    {
      pass_finish (pass, g_steal_pointer (&error));
      return;
    }

  pass->token = g_strdup (self->token);
  pass->server_url = g_strdup (self->server_url);
  pass->replica_path = g_strdup (dk_store_get_path (self->store));
  pass->pull_limit = self->pull_limit;
  pass->use_snapshot = self->use_snapshot;
  /* Offline stays offline until the server answers (dk-sync-http.c): a retry that
   * hangs on a server that does not answer is not "syncing". */
  if (self->state != DK_SYNC_STATE_OFFLINE)
    _dk_sync_engine_set_state (self, DK_SYNC_STATE_SYNCING);

  /* The result is what the thread says, even when a cancel comes after it is done. */
  task = g_task_new (self, pass->cancellable, dk_sync_pass_done_cb, pass);
  g_task_set_source_tag (task, dk_sync_pass_token_loaded_cb);
  g_task_set_task_data (task, pass, NULL);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, sync_pass_thread);
}

static void
pass_begin (DkSyncEngine *self,
            GPtrArray    *tasks)
{
  DkSyncPass *pass;
  GError *server_error;

  g_assert (DK_IS_SYNC_ENGINE (self));
  g_assert (self->pass == NULL);

  pass = g_new0 (DkSyncPass, 1);
  pass->self = g_object_ref (self);
  pass->waiters = g_array_new (FALSE, TRUE, sizeof (Waiter));
  pass->cancellable = g_cancellable_new ();
  pass->sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  pass->batch_limit = DK_MAX_MUTATIONS_PER_BATCH;
  pass->state_before = self->state;
  self->pass = pass;
  self->again = FALSE;

  for (guint i = 0; tasks != NULL && i < tasks->len; i++)
    {
      Waiter waiter = { g_object_ref (g_ptr_array_index (tasks, i)), 0 };
      GCancellable *cancellable = g_task_get_cancellable (waiter.task);

      /* One caller giving up stops the pass it waits for. */
      if (cancellable != NULL)
        waiter.cancelled_id = g_cancellable_connect (cancellable,
                                                     G_CALLBACK (dk_sync_pass_waiter_cancelled_cb),
                                                     g_object_ref (pass->cancellable),
                                                     g_object_unref);
      g_array_append_val (pass->waiters, waiter);
    }

  if ((server_error = _dk_sync_engine_check_server (self)) != NULL)
    {
      pass_finish (pass, server_error);
      return;
    }

  if (self->state == DK_SYNC_STATE_IDLE)
    _dk_sync_engine_set_state (self, DK_SYNC_STATE_SYNCING);

  _dk_sync_engine_load_token_async (self, pass->cancellable, dk_sync_pass_token_loaded_cb,
                                    pass);
}

static void
start_or_queue (DkSyncEngine *self,
                GTask        *task)
{
  g_autoptr(GPtrArray) tasks = NULL;

  g_assert (DK_IS_SYNC_ENGINE (self));

  if (task != NULL)
    g_ptr_array_add (self->next_waiters, g_object_ref (task));

  if (self->pass != NULL)
    {
      self->again = TRUE;
      return;
    }

  tasks = g_steal_pointer (&self->next_waiters);
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  pass_begin (self, tasks);
}

void
_dk_sync_engine_request_sync (DkSyncEngine *self)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  start_or_queue (self, NULL);
}

void
_dk_sync_engine_cancel_pass (DkSyncEngine *self)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  if (self->pass != NULL)
    g_cancellable_cancel (self->pass->cancellable);
}

void
_dk_sync_engine_abandon_pass (DkSyncEngine *self,
                              const GError *error)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  if (self->pass == NULL || self->pass->abandoned != NULL)
    return;

  self->pass->abandoned = g_error_copy (error);
  g_cancellable_cancel (self->pass->cancellable);
}

void
_dk_sync_engine_clear_passes (DkSyncEngine *self)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  /* A pass holds a reference to the engine, so none is left by the time it is
   * disposed; only a forced dispose gets here with one. */
  _dk_sync_engine_cancel_pass (self);
  self->again = FALSE;
}

/**
 * dk_sync_engine_sync_async:
 *
 * One whole sync: the outbox in batches, then every page of changes. While another
 * sync runs, this waits for it and then runs once more (asking many times in a row
 * gives one more pass). Cancelling @cancellable stops the pass it waits for.
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
 * Kept for callers from before: the engine follows the replica's "revision-changed"
 * and sends a local change soon by itself. This only updates "outbox-size" at once.
 */
void
dk_sync_engine_local_change_added (DkSyncEngine *self)
{
  g_return_if_fail (DK_IS_SYNC_ENGINE (self));

  _dk_sync_engine_update_outbox_size (self);
}
