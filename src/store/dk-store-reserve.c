/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-reserve.c: the open cases with a reserve routine in force */

#define G_LOG_DOMAIN "dk-store"

#include "config.h"

#include "dk-store-private.h"
#include "dk-store-reserve.h"

static gint
compare_declared (gconstpointer a,
                  gconstpointer b)
{
  const DkCaseReserveEvent *ea = dk_case_get_reserve_in_force (*(DkCase * const *) a);
  const DkCaseReserveEvent *eb = dk_case_get_reserve_in_force (*(DkCase * const *) b);

  return ea->at < eb->at ? 1 : ea->at > eb->at ? -1 : 0;
}

/**
 * dk_store_list_reserve_cases:
 * @self: a #DkStore
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type DkCase) (nullable): the open cases with a
 *   reserve routine in force, the newest declaration first
 */
GPtrArray *
dk_store_list_reserve_cases (DkStore  *self,
                             GError  **error)
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_case_unref);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* instr() first: most open cases never had a declaration and are not decoded. */
  stmt = _dk_store_prepare (self,
                            "SELECT id FROM cases WHERE closed_at IS NULL"
                            " AND instr (COALESCE (local_data, server_data), '\"declared\"') > 0",
                            error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup (_dk_store_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      _dk_store_set_error (self, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(DkCase) kase = dk_store_get_case (self, g_ptr_array_index (ids, i), NULL);

      if (kase != NULL && kase->status != DK_CASE_STATUS_CLOSED &&
          dk_case_get_reserve_in_force (kase) != NULL)
        g_ptr_array_add (cases, g_steal_pointer (&kase));
    }
  g_ptr_array_sort (cases, compare_declared);

  return g_steal_pointer (&cases);
}
