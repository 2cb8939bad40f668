/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-routines.c: fetching the kept revisions of a routine, to show what changed
 *
 * Revisions are not in the change feed (it carries each routine's current version
 * only); they are fetched on demand from GET /api/v1/routines/ID/revisions[/REV]. The
 * server decides what the caller sees: drafts only for routine owners and admins.
 */

#define G_LOG_DOMAIN "dk-sync-routines"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-sync-engine-private.h"

typedef struct {
  char   *routine_id;
  gint64  revision;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_free (fetch->routine_id);
  g_free (fetch);
}

static GPtrArray *
parse_revisions (JsonNode  *json,
                 gboolean   one,
                 GError   **error)
{
  g_autoptr(GPtrArray) routines = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_routine_unref);
  JsonArray *list = NULL;

  if (one)
    {
      DkRoutine *routine = dk_routine_from_json (json, error);

      if (routine == NULL)
        return NULL;
      g_ptr_array_add (routines, routine);
      return g_steal_pointer (&routines);
    }

  if (!dk_json_read_array (json_node_get_object (json), "revisions", DK_JSON_REQUIRED,
                           G_MAXUINT, &list, error))
    return NULL;
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      DkRoutine *routine = dk_routine_from_json (json_array_get_element (list, i), error);

      if (routine == NULL)
        return NULL;
      g_ptr_array_add (routines, routine);
    }

  return g_steal_pointer (&routines);
}

static void
dk_sync_engine_revisions_received_cb (GObject      *object,
                                      GAsyncResult *result,
                                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DkSyncEngine *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(DkReply) reply = NULL;
  GPtrArray *routines;

  reply = _dk_sync_engine_send_finish_checked (self, result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  routines = parse_revisions (reply->json, fetch->revision > 0, &error);
  if (routines == NULL)
    {
      g_task_return_new_error (task, DK_SYNC_ERROR, DK_SYNC_ERROR_SERVER,
                               _("The server sent a routine revision that cannot be read: %s"),
                               error->message);
      return;
    }

  g_task_return_pointer (task, routines, (GDestroyNotify) g_ptr_array_unref);
}

static void
dk_sync_engine_revisions_token_loaded_cb (GObject      *object,
                                          GAsyncResult *result,
                                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DkSyncEngine *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  GCancellable *cancellable;

  /* No token is fine: anyone may read approved revisions. */
  if (!_dk_sync_engine_load_token_finish (self, result, &error) && error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  escaped = g_uri_escape_string (fetch->routine_id, NULL, FALSE);
  if (fetch->revision > 0)
    path = g_strdup_printf (DK_API_PREFIX "/routines/%s/revisions/%" G_GINT64_FORMAT, escaped,
                            fetch->revision);
  else
    path = g_strdup_printf (DK_API_PREFIX "/routines/%s/revisions", escaped);

  msg = _dk_sync_engine_new_message (self, SOUP_METHOD_GET, path, self->token != NULL, NULL);
  if (msg == NULL)
    {
      g_task_return_error (task, _dk_sync_engine_no_server_error ());
      return;
    }

  cancellable = g_task_get_cancellable (task);
  _dk_sync_engine_send_async (self, msg, cancellable, dk_sync_engine_revisions_received_cb,
                              g_steal_pointer (&task));
}

/**
 * dk_sync_engine_fetch_routine_revisions_async:
 * @self: a #DkSyncEngine
 * @routine_id: the routine
 * @revision: one revision, or 0 for every one the caller may see
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * An unknown routine or revision (or a draft the caller may not see) is
 * %DK_SYNC_ERROR_REFUSED with the server's message; no network is
 * %DK_SYNC_ERROR_OFFLINE.
 */
void
dk_sync_engine_fetch_routine_revisions_async (DkSyncEngine        *self,
                                              const char          *routine_id,
                                              gint64               revision,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *server_error;
  Fetch *fetch;

  g_return_if_fail (DK_IS_SYNC_ENGINE (self));
  g_return_if_fail (routine_id != NULL);
  g_return_if_fail (revision >= 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dk_sync_engine_fetch_routine_revisions_async);
  fetch = g_new0 (Fetch, 1);
  fetch->routine_id = g_strdup (routine_id);
  fetch->revision = revision;
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);

  if ((server_error = _dk_sync_engine_check_server (self)) != NULL)
    {
      g_task_return_error (task, server_error);
      return;
    }

  _dk_sync_engine_load_token_async (self, cancellable, dk_sync_engine_revisions_token_loaded_cb,
                                    g_steal_pointer (&task));
}

/**
 * dk_sync_engine_fetch_routine_revisions_finish:
 * @self: a #DkSyncEngine
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type DkRoutine) (nullable): the revisions,
 *   oldest first (one when a revision was asked for)
 */
GPtrArray *
dk_sync_engine_fetch_routine_revisions_finish (DkSyncEngine  *self,
                                               GAsyncResult  *result,
                                               GError       **error)
{
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
