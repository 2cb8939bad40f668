/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-pull.c: the second half of a sync run: every page of changes
 *
 * Pipelined: while one page is applied (in a worker thread, on a connection of its own
 * to the replica), the next one is fetched and parsed (in another), so the network, the
 * JSON and SQLite overlap. Pages are still applied one at a time and in order, each
 * with its cursor in one transaction; at most one page waits behind the one applied.
 * pull_step () decides what happens next after every event, and ends the run only when
 * nothing is in flight.
 *
 * Over a link that keeps dropping (issue 13: a page of 5,000 changes is 10 MB of JSON;
 * a link that cut every connection before 4 MB left the cursor at 0 for ever), the page
 * size follows the link: a page cut mid-answer is asked for again at once with half as
 * many changes (down to DK_SYNC_PULL_LIMIT_FLOOR), and each whole page doubles it again.
 * Only a cut counts: a server that cannot be reached at all ends the run at once, as
 * before, so "offline" is said as quickly. The pages come gzipped (the session's
 * SoupContentDecoder asks for it and decodes): 28 % of the bytes on generated cases.
 */

#define G_LOG_DOMAIN "dk-sync-run"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-sync-run-private.h"

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

/* A page cut mid-answer: the next one asks for half as many changes. TRUE when the run
 * asks again now; after DK_SYNC_PULL_CUT_RETRIES cuts in a row it gives up (OFFLINE, and
 * the retry policy takes over with the smaller page). */
static gboolean
retry_cut_page (DkSyncRun    *run,
                const GError *error)
{
  DkSyncEngine *self = run->self;

  _dk_sync_engine_set_pull_limit (self, self->pull_limit / 2);
  run->cuts++;
  g_debug ("A page of changes was cut (%s): %u in a row, asking for %u changes",
           error->message, run->cuts, self->pull_limit);

  return run->cuts <= DK_SYNC_PULL_CUT_RETRIES &&
         !g_cancellable_is_cancelled (run->cancellable);
}

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
      if (!_dk_sync_engine_send_was_cut (self, result) || !retry_cut_page (run, error))
        pull_fail (run, g_steal_pointer (&error));
      pull_step (run);
      return;
    }
  /* A whole answer: the link carried this size, so try twice as many next. */
  run->cuts = 0;
  _dk_sync_engine_set_pull_limit (self, self->pull_limit * 2);

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
                          run->next_since, self->pull_limit);
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
          _dk_sync_run_finish (run, g_steal_pointer (&run->pull_error));
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
      _dk_sync_run_finish (run, NULL);
    }
}

void
_dk_sync_run_pull_next (DkSyncRun *run)
{
  if (_dk_sync_run_check_cancelled (run))
    return;

  run->cursor = dk_store_get_cursor (run->self->store);
  run->next_since = run->cursor;
  run->fetch_done = FALSE;
  pull_step (run);
}

void
_dk_sync_run_clear_pull (DkSyncRun *run)
{
  g_clear_pointer (&run->fetched, page_free);
  g_clear_pointer (&run->ready, page_free);
  g_clear_pointer (&run->applying, page_free);
  g_clear_object (&run->writer);
  g_clear_error (&run->pull_error);
}
