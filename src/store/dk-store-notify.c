/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-notify.c: the notify cursor and what was last notified per case */

#define G_LOG_DOMAIN "dk-store-notify"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-store-notify.h"
#include "dk-store-private.h"

#define META_NOTIFY_CURSOR "notify-cursor"

/* Enough of a case, from its row's columns, for dk_subscription_matches(). */
static void
fill_filter_case (DkCase       *kase,
                  sqlite3_stmt *stmt)
{
  const char *kind = _dk_store_column_text (stmt, 1);
  const char *area = _dk_store_column_text (stmt, 2);
  const char *services = _dk_store_column_text (stmt, 5);
  g_auto(GStrv) parts = NULL;

  dk_case_kind_from_string (kind, &kase->kind);
  dk_area_from_string (area, &kase->area);
  kase->priority = sqlite3_column_int (stmt, 3);
  kase->major = sqlite3_column_int (stmt, 4) != 0;

  g_ptr_array_set_size (kase->services, 0);
  parts = g_strsplit (services != NULL ? services : "", "|", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_ptr_array_add (kase->services, g_strdup (parts[i]));
}

/**
 * dk_notified_case_new:
 * @kase: a case
 *
 * Returns: (transfer full): the state a notification about @kase describes
 */
DkNotifiedCase *
dk_notified_case_new (const DkCase *kase)
{
  DkNotifiedCase *state = g_new0 (DkNotifiedCase, 1);
  DkCaseUpdate *latest = dk_case_get_latest_update (kase);

  state->case_id = g_strdup (kase->id);
  state->status = kase->status;
  state->phrase = latest != NULL ? (int) latest->phrase : -1;
  state->expected_end = kase->expected_end;
  state->closed = kase->status == DK_CASE_STATUS_CLOSED || kase->closed_at != DK_TIME_UNSET;
  state->last_update = latest != NULL ? g_strdup (latest->id) : NULL;

  return state;
}

void
dk_notified_case_free (DkNotifiedCase *state)
{
  if (state == NULL)
    return;

  g_free (state->case_id);
  g_free (state->last_update);
  g_free (state);
}

/**
 * dk_store_get_notify_cursor:
 * @self: a #DkStore
 *
 * Returns: the newest case seq the notifier has looked at, -1 before it first looked
 */
gint64
dk_store_get_notify_cursor (DkStore *self)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (DK_IS_STORE (self), -1);

  value = dk_store_dup_meta (self, META_NOTIFY_CURSOR);
  if (value == NULL)
    return -1;

  return g_ascii_strtoll (value, NULL, 10);
}

/**
 * dk_store_list_followed_changes:
 * @self: a #DkStore
 * @subscription: what the user follows
 * @since: a case seq (the notify cursor)
 * @out_last_seq: (out): the newest case seq in the replica, at least @since
 * @error: return location for a #GError
 *
 * Only the cases @subscription follows are decoded: the rest are judged on their
 * columns, so a first sync of a large archive stays cheap.
 *
 * Returns: (transfer full) (element-type DkCase) (nullable): the followed cases that
 *   changed after @since, oldest change first
 */
GPtrArray *
dk_store_list_followed_changes (DkStore               *self,
                                const DkSubscription  *subscription,
                                gint64                 since,
                                gint64                *out_last_seq,
                                GError               **error)
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_case_unref);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(DkCase) filter_case = dk_case_new ();
  gint64 last_seq = since;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (subscription != NULL, NULL);
  g_return_val_if_fail (out_last_seq != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);


  stmt = _dk_store_prepare (self,
                            "SELECT id, kind, area, priority, major, services, seq FROM cases"
                            " WHERE seq > ?1 ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      last_seq = MAX (last_seq, sqlite3_column_int64 (stmt, 6));
      fill_filter_case (filter_case, stmt);
      if (dk_subscription_matches (subscription, filter_case))
        g_ptr_array_add (ids, g_strdup (_dk_store_column_text (stmt, 0)));
    }
  if (rc != SQLITE_DONE)
    {
      _dk_store_set_error (self, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      DkCase *kase = dk_store_get_case (self, g_ptr_array_index (ids, i), &local_error);

      if (kase == NULL)
        {
          g_warning ("Skipping a changed case: %s", local_error->message);
          continue;
        }
      g_ptr_array_add (cases, kase);
    }

  *out_last_seq = last_seq;
  return g_steal_pointer (&cases);
}

/**
 * dk_store_get_notified:
 * @self: a #DkStore
 * @case_id: a case id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): what was last notified of the case; %NULL with
 *   no error when nothing was
 */
DkNotifiedCase *
dk_store_get_notified (DkStore     *self,
                       const char  *case_id,
                       GError     **error)
{
  DkNotifiedCase *state = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (case_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);


  stmt = _dk_store_prepare (self,
                            "SELECT status, phrase, expected_end, closed, last_update FROM notified"
                            " WHERE case_id = ?1", error);
  if (stmt == NULL)
    return NULL;
  _dk_store_bind_text (stmt, 1, case_id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      state = g_new0 (DkNotifiedCase, 1);
      state->case_id = g_strdup (case_id);
      if (!dk_case_status_from_string (_dk_store_column_text (stmt, 0), &state->status))
        state->status = DK_CASE_STATUS_ONGOING;
      state->phrase = sqlite3_column_type (stmt, 1) == SQLITE_NULL
                        ? -1 : sqlite3_column_int (stmt, 1);
      state->expected_end = sqlite3_column_type (stmt, 2) == SQLITE_NULL
                              ? DK_TIME_UNSET : sqlite3_column_int64 (stmt, 2);
      state->closed = sqlite3_column_int (stmt, 3) != 0;
      state->last_update = g_strdup (_dk_store_column_text (stmt, 4));
    }
  else if (rc != SQLITE_DONE)
    {
      _dk_store_set_error (self, error);
    }
  sqlite3_reset (stmt);

  return state;
}

static gboolean
put_notified (DkStore               *self,
              const DkNotifiedCase  *state,
              GError               **error)
{
  sqlite3_stmt *stmt;

  stmt = _dk_store_prepare (self,
                            "INSERT INTO notified (case_id, status, phrase, expected_end, closed,"
                            " notified_at, last_update) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                            " ON CONFLICT (case_id) DO UPDATE SET status = excluded.status,"
                            " phrase = excluded.phrase, expected_end = excluded.expected_end,"
                            " closed = excluded.closed, notified_at = excluded.notified_at,"
                            " last_update = excluded.last_update",
                            error);
  if (stmt == NULL)
    return FALSE;

  _dk_store_bind_text (stmt, 1, state->case_id);
  _dk_store_bind_text (stmt, 2, dk_case_status_to_string (state->status));
  if (state->phrase >= 0)
    sqlite3_bind_int (stmt, 3, state->phrase);
  if (state->expected_end != DK_TIME_UNSET)
    sqlite3_bind_int64 (stmt, 4, state->expected_end);
  sqlite3_bind_int (stmt, 5, state->closed ? 1 : 0);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
  if (state->last_update != NULL)
    _dk_store_bind_text (stmt, 7, state->last_update);

  return _dk_store_step_done (self, stmt, error);
}

/**
 * dk_store_record_notified:
 * @self: a #DkStore
 * @states: (element-type DkNotifiedCase): what the notifications now said
 * @cursor: the newest case seq looked at
 * @error: return location for a #GError
 *
 * Returns: %TRUE when both the states and the cursor are on disk
 */
gboolean
dk_store_record_notified (DkStore    *self,
                          GPtrArray  *states,
                          gint64      cursor,
                          GError    **error)
{
  g_autofree char *cursor_text = NULL;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (states != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_dk_store_begin (self, error))
    return FALSE;

  for (guint i = 0; i < states->len; i++)
    if (!put_notified (self, g_ptr_array_index (states, i), error))
      goto failed;

  cursor_text = g_strdup_printf ("%" G_GINT64_FORMAT, cursor);
  if (!dk_store_set_meta (self, META_NOTIFY_CURSOR, cursor_text, error))
    goto failed;

  return _dk_store_commit (self, error);

failed:
  _dk_store_rollback (self);
  return FALSE;
}
