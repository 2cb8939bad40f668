/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-routines.c: the routine library and runs in the replica */

#define G_LOG_DOMAIN "dk-store-routines"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dk-store-private.h"
#include "dk-store-routines.h"

/* ---- runs: the local version merged with the server's copy ---- */

static DkRun *
decode_run (const char  *text,
            GError     **error)
{
  g_autoptr(JsonNode) node = NULL;

  if (text == NULL)
    return NULL;
  node = dk_json_parse (text, -1, error);
  if (node == NULL)
    return NULL;
  return dk_run_from_json (node, error);
}

/* The run of a row (server_data, local_data): the local version with the server's
 * events added, or whichever of the two is there. */
static DkRun *
decode_merged_run (sqlite3_stmt  *stmt,
                   GError       **error)
{
  g_autoptr(DkRun) server = NULL;
  g_autoptr(DkRun) local = NULL;
  GError *local_error = NULL;

  server = decode_run (_dk_store_column_text (stmt, 0), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  local = decode_run (_dk_store_column_text (stmt, 1), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (local == NULL)
    return g_steal_pointer (&server);

  if (server != NULL)
    {
      /* The server's copy is newer in everything but the events still on their way. */
      if (server->finished_at != DK_TIME_UNSET && local->finished_at == DK_TIME_UNSET)
        local->finished_at = server->finished_at;
      local->revision = MAX (local->revision, server->revision);
      dk_run_merge (local, server);
    }
  return g_steal_pointer (&local);
}

static GPtrArray *
list_runs (DkStore     *self,
           const char  *sql,
           const char  *param,
           GError     **error)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_run_unref);
  sqlite3_stmt *stmt;
  int rc;

  stmt = _dk_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  if (param != NULL)
    _dk_store_bind_text (stmt, 1, param);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GError) local_error = NULL;
      DkRun *run = decode_merged_run (stmt, &local_error);

      if (run == NULL)
        {
          g_warning ("Skipping a stored run: %s",
                     local_error != NULL ? local_error->message : "no data");
          continue;
        }
      g_ptr_array_add (runs, run);
    }
  if (rc != SQLITE_DONE)
    {
      _dk_store_set_error (self, error);
      sqlite3_reset (stmt);
      return NULL;
    }

  sqlite3_reset (stmt);
  return g_steal_pointer (&runs);
}

#define SHOWN_DATA "COALESCE (local_data, server_data)"

/**
 * dk_store_list_runs:
 * @self: a #DkStore
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type DkRun) (nullable): the latest started first
 */
GPtrArray *
dk_store_list_runs (DkStore  *self,
                    GError  **error)
{
  g_return_val_if_fail (DK_IS_STORE (self), NULL);

  return list_runs (self,
                    "SELECT server_data, local_data FROM objects WHERE type = 'run'"
                    " ORDER BY json_extract (" SHOWN_DATA ", '$.started_at') DESC, id",
                    NULL, error);
}

/**
 * dk_store_list_runs_for_case:
 * @self: a #DkStore
 * @case_id: the case's id
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type DkRun) (nullable): the latest started first
 */
GPtrArray *
dk_store_list_runs_for_case (DkStore     *self,
                             const char  *case_id,
                             GError     **error)
{
  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (case_id != NULL, NULL);

  return list_runs (self,
                    "SELECT server_data, local_data FROM objects WHERE type = 'run'"
                    " AND json_extract (" SHOWN_DATA ", '$.case') = ?1"
                    " ORDER BY json_extract (" SHOWN_DATA ", '$.started_at') DESC, id",
                    case_id, error);
}

/**
 * dk_store_get_run:
 * @self: a #DkStore
 * @id: the run's id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the run (local and server events merged), or
 *   %NULL with %DK_STORE_ERROR_NOT_FOUND
 */
DkRun *
dk_store_get_run (DkStore     *self,
                  const char  *id,
                  GError     **error)
{
  sqlite3_stmt *stmt;
  DkRun *run = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  stmt = _dk_store_prepare (self, "SELECT server_data, local_data FROM objects"
                                  " WHERE type = 'run' AND id = ?1", error);
  if (stmt == NULL)
    return NULL;
  _dk_store_bind_text (stmt, 1, id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    run = decode_merged_run (stmt, error);
  else if (rc != SQLITE_DONE)
    _dk_store_set_error (self, error);
  sqlite3_reset (stmt);

  if (run == NULL && rc == SQLITE_DONE)
    g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND,
                 _("There is no run “%s” here"), id);
  return run;
}

/* ---- the routine library ---- */

typedef struct {
  DkRoutine *routine;
  char      *service_key;   /* folded name of the first service */
  char      *audience_key;
  char      *title_key;
} SortItem;

static void
sort_item_clear (SortItem *item)
{
  g_clear_pointer (&item->routine, dk_routine_unref);
  g_clear_pointer (&item->service_key, g_free);
  g_clear_pointer (&item->audience_key, g_free);
  g_clear_pointer (&item->title_key, g_free);
}

static int
sort_item_compare (gconstpointer a,
                   gconstpointer b)
{
  const SortItem *x = a, *y = b;
  int cmp;

  if ((cmp = g_strcmp0 (x->service_key, y->service_key)) != 0)
    return cmp;
  if ((cmp = g_strcmp0 (x->audience_key, y->audience_key)) != 0)
    return cmp;
  if ((cmp = g_strcmp0 (x->title_key, y->title_key)) != 0)
    return cmp;
  return g_strcmp0 (x->routine->id, y->routine->id);
}

static const char *
service_name (DkStore    *self,
              GHashTable *names,
              const char *id)
{
  const char *name = g_hash_table_lookup (names, id);

  if (name == NULL)
    {
      g_autoptr(DkService) service = dk_store_get_service (self, id, NULL);

      name = service != NULL && service->name != NULL ? service->name : id;
      g_hash_table_insert (names, g_strdup (id), g_strdup (name));
      name = g_hash_table_lookup (names, id);
    }
  return name;
}

static void
append_folded (GString    *out,
               const char *text)
{
  if (text == NULL)
    return;
  g_string_append_c (out, ' ');
  _dk_store_fold_append (out, text);
}

/* Everything a search looks in, folded. */
static char *
dup_search_text (DkStore         *self,
                 GHashTable      *names,
                 const DkRoutine *routine)
{
  g_autoptr(GString) text = g_string_new (NULL);

  append_folded (text, routine->id);
  append_folded (text, routine->title);
  append_folded (text, routine->audience);
  append_folded (text, routine->owner);
  for (guint i = 0; i < routine->services->len; i++)
    {
      const char *id = g_ptr_array_index (routine->services, i);

      append_folded (text, id);
      append_folded (text, service_name (self, names, id));
    }
  for (guint i = 0; i < routine->steps->len; i++)
    {
      const DkRoutineStep *step = g_ptr_array_index (routine->steps, i);

      append_folded (text, step->text);
      append_folded (text, step->form);
      if (step->contact != NULL)
        {
          append_folded (text, step->contact->name);
          append_folded (text, step->contact->office_hours);
          append_folded (text, step->contact->on_call);
        }
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
matches_words (const char  *haystack,
               char       **words)
{
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] != '\0' && strstr (haystack, words[i]) == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
has_service (const DkRoutine *routine,
             const char      *service)
{
  for (guint i = 0; i < routine->services->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (routine->services, i), service) == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * dk_store_query_routines:
 * @self: a #DkStore
 * @query: (nullable): what to filter on; %NULL for every routine
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type DkRoutine) (nullable): the routines
 *   that match, by service, audience and title
 */
GPtrArray *
dk_store_query_routines (DkStore               *self,
                         const DkRoutineQuery  *query,
                         GError               **error)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GArray) items = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_auto(GStrv) words = NULL;
  g_autofree char *audience = NULL;
  GPtrArray *result;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  all = dk_store_list_routines (self, error);
  if (all == NULL)
    return NULL;

  if (query != NULL && query->text != NULL)
    {
      g_autofree char *folded = _dk_store_fold (query->text);

      words = g_strsplit_set (g_strstrip (folded), " \t\n", -1);
    }
  if (query != NULL && query->audience != NULL)
    audience = _dk_store_fold (query->audience);

  names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  items = g_array_new (FALSE, TRUE, sizeof (SortItem));
  g_array_set_clear_func (items, (GDestroyNotify) sort_item_clear);

  for (guint i = 0; i < all->len; i++)
    {
      DkRoutine *routine = g_ptr_array_index (all, i);
      SortItem item = { NULL, };

      if (query != NULL && query->service != NULL && !has_service (routine, query->service))
        continue;
      if (audience != NULL)
        {
          g_autofree char *folded = _dk_store_fold (routine->audience != NULL
                                                    ? routine->audience : "");

          if (g_strcmp0 (folded, audience) != 0)
            continue;
        }
      if (words != NULL)
        {
          g_autofree char *text = dup_search_text (self, names, routine);

          if (!matches_words (text, words))
            continue;
        }

      item.routine = dk_routine_ref (routine);
      item.service_key = _dk_store_fold (routine->services->len > 0
                                         ? service_name (self, names,
                                                         g_ptr_array_index (routine->services, 0))
                                         : "");
      item.audience_key = _dk_store_fold (routine->audience != NULL ? routine->audience : "");
      item.title_key = _dk_store_fold (routine->title != NULL ? routine->title : "");
      g_array_append_val (items, item);
    }

  g_array_sort (items, sort_item_compare);
  result = g_ptr_array_new_full (items->len, (GDestroyNotify) dk_routine_unref);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (result, dk_routine_ref (g_array_index (items, SortItem, i).routine));

  return result;
}

/**
 * dk_store_list_routine_audiences:
 * @self: a #DkStore
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type utf8) (nullable): the audiences, sorted
 */
GPtrArray *
dk_store_list_routine_audiences (DkStore  *self,
                                 GError  **error)
{
  g_autoptr(GPtrArray) audiences = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);

  stmt = _dk_store_prepare (self,
                            "SELECT DISTINCT json_extract (" SHOWN_DATA ", '$.audience') AS a"
                            " FROM objects WHERE type = 'routine' AND a IS NOT NULL"
                            " ORDER BY a COLLATE NOCASE", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (audiences, g_strdup (_dk_store_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      _dk_store_set_error (self, error);
      sqlite3_reset (stmt);
      return NULL;
    }

  sqlite3_reset (stmt);
  return g_steal_pointer (&audiences);
}
