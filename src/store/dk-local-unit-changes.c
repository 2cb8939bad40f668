/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-local-unit-changes.c: the catalogue of units (unit.save, unit.delete), built the
 * way dk-local-changes.c says; editable offline like everything else */

#define G_LOG_DOMAIN "dk-local-changes"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-local-changes-private.h"

/* The member a unit deleted locally carries until the server's tombstone comes;
 * dk_store_list_units () leaves such a unit out. */
#define DELETED_MEMBER "deleted"

/* Trims @text in place. */
static void
trim (char *text)
{
  if (text != NULL)
    g_strstrip (text);
}

/**
 * dk_local_save_unit:
 * @store: a #DkStore
 * @unit: the unit; its id is set here when it has none; its name and aliases are trimmed
 * @base_revision: the revision the edit started from, 0 for a new unit
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Checks the unit as the server will (dk_unit_validate ()) and against the catalogue
 * here: a name or alias another unit has is %DK_ERROR_DUPLICATE. Whether @me may keep
 * the catalogue is the server's to judge.
 *
 * Returns: %TRUE when the unit is in the outbox (and shows at once)
 */
gboolean
dk_local_save_unit (DkStore     *store,
                    DkUnit      *unit,
                    gint64       base_revision,
                    const char  *me,
                    gint64       now,
                    GError     **error)
{
  g_autoptr(DkUnit) local = NULL;
  g_autoptr(DkUnit) checked = NULL;
  g_autoptr(GPtrArray) catalogue = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(JsonNode) local_node = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (unit != NULL, FALSE);
  g_return_val_if_fail (base_revision >= 0, FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (unit->id == NULL)
    unit->id = g_uuid_string_random ();
  trim (unit->name);
  for (guint i = 0; i < unit->aliases->len; i++)
    trim (g_ptr_array_index (unit->aliases, i));

  local = dk_unit_copy (unit);
  g_free (local->updated_by);
  local->updated_by = g_strdup (me);
  local->updated_at = now;
  local->revision = base_revision;
  if (!dk_unit_validate (local, error))
    return FALSE;

  catalogue = dk_store_list_units (store, error);
  if (catalogue == NULL || !dk_units_check_unique (catalogue, local, error))
    return FALSE;

  /* read back the way the server reads it */
  data = dk_unit_to_json (local);
  checked = dk_unit_from_json (data, error);
  if (checked == NULL)
    return FALSE;
  _dk_local_remove_members (data, "updated_by", "updated_at", "revision", NULL);
  local_node = dk_unit_to_json (local);

  return dk_store_enqueue (store, "unit.save", DK_TYPE_NAME_UNIT, local->id, base_revision,
                           data, local_node, NULL, error);
}

/**
 * dk_local_delete_unit:
 * @store: a #DkStore
 * @unit: the unit's id, name or alias
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * The unit leaves the catalogue at once; the server keeps a tombstone. Runs, reports
 * and cases that name it keep their text.
 *
 * Returns: %TRUE when the deletion is in the outbox
 */
gboolean
dk_local_delete_unit (DkStore     *store,
                      const char  *unit,
                      const char  *me,
                      gint64       now,
                      GError     **error)
{
  g_autoptr(DkUnit) current = NULL;
  g_autoptr(JsonNode) local_node = NULL;
  g_autoptr(JsonNode) data_node = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (unit != NULL, FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  current = dk_store_get_unit (store, unit, error);
  if (current == NULL)
    return FALSE;

  local_node = dk_unit_to_json (current);
  json_object_set_boolean_member (json_node_get_object (local_node), DELETED_MEMBER, TRUE);
  data_node = _dk_local_node_from_object (_dk_local_new_data (current->id));

  /* Deleting wins over an edit made meanwhile: no base revision. */
  return dk_store_enqueue (store, "unit.delete", DK_TYPE_NAME_UNIT, current->id, 0, data_node,
                           local_node, NULL, error);
}
