/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-run.c: one whole sync: the outbox in batches, then every page of changes
 *
 * At most one run at a time. Whoever asks while one runs gets the result of the next
 * run, which starts once the current one is done, so a "pull now" is never lost and
 * never doubled. Each page is applied with its cursor in one transaction and each
 * mutation answer is recorded as it arrives: a cut at any moment resumes where it
 * stopped, and a mutation sent twice is answered the same by the server.
 *
 * This file starts and ends a run; sending the outbox is in dk-sync-push.c, pulling the
 * pages of changes in dk-sync-pull.c.
 */

#define G_LOG_DOMAIN "dk-sync-run"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-sync-run-private.h"

typedef struct {
  GTask  *task;
  gulong  cancelled_id;
} Waiter;

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
  _dk_sync_run_clear_pull (run);
  g_clear_error (&run->abandoned);
  g_free (run->token);
  g_clear_object (&run->self);
  g_free (run);
}

void
_dk_sync_run_finish (DkSyncRun *run,
                     GError    *error)   /* (transfer full) (nullable) */
{
  g_autoptr(GError) owned_error = error;
  g_autoptr(DkSyncEngine) self = g_object_ref (run->self);
  g_autoptr(GPtrArray) next = NULL;
  g_autoptr(GArray) waiters = g_array_ref (run->waiters);

  g_assert (self->run == run);

  /* Given up because the server stopped answering: that is what it failed with. */
  if (run->abandoned != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&owned_error);
      error = owned_error = g_error_copy (run->abandoned);
    }
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

gboolean
_dk_sync_run_check_cancelled (DkSyncRun *run)
{
  g_autoptr(GError) error = NULL;

  if (!g_cancellable_set_error_if_cancelled (run->cancellable, &error))
    return FALSE;

  _dk_sync_run_finish (run, g_steal_pointer (&error));
  return TRUE;
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
      _dk_sync_run_finish (run, g_steal_pointer (&error));
      return;
    }

  if (_dk_sync_run_check_cancelled (run))
    return;

  run->token = g_strdup (self->token);
  /* Offline stays offline until the server answers (dk-sync-http.c): a retry that
   * hangs on a server that does not answer is not "syncing". */
  if (self->state != DK_SYNC_STATE_OFFLINE)
    _dk_sync_engine_set_state (self, DK_SYNC_STATE_SYNCING);
  _dk_sync_run_push_next (run);
}

static void
run_begin (DkSyncEngine *self,
           GPtrArray    *tasks)
{
  DkSyncRun *run;
  GError *server_error;

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

  if ((server_error = _dk_sync_engine_check_server (self)) != NULL)
    {
      _dk_sync_run_finish (run, server_error);
      return;
    }

  if (self->state == DK_SYNC_STATE_IDLE)
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
_dk_sync_engine_abandon_run (DkSyncEngine *self,
                             const GError *error)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  if (self->run == NULL || self->run->abandoned != NULL)
    return;

  self->run->abandoned = g_error_copy (error);
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
 * Kept for callers from before: the engine follows the replica's "revision-changed"
 * and sends a local change soon by itself. This only updates "outbox-size" at once.
 */
void
dk_sync_engine_local_change_added (DkSyncEngine *self)
{
  g_return_if_fail (DK_IS_SYNC_ENGINE (self));

  _dk_sync_engine_update_outbox_size (self);
}
