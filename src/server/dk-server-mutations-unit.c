/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-mutations-unit.c: unit.save and unit.delete
 *
 * The catalogue of units is kept by admins and routine owners; every logged-in user
 * reads it. A name or an alias points at one unit only, across the whole catalogue.
 */

#define G_LOG_DOMAIN "dk-server-mutations"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-server-mutations-private.h"
#include "dk-server-objects.h"

/* The stored unit, NULL when there is none; DK_ERROR_NOT_FOUND when it was deleted. */
static gboolean
load_current (const DkMutation  *mutation,
              const char        *id,
              DkUnit           **out,
              GError           **error)
{
  gboolean exists;

  *out = NULL;
  if (!_dk_mutation_find_live_object (mutation->db, DK_TYPE_NAME_UNIT, id,
                                      _("The unit was deleted"), &exists, error))
    return FALSE;
  if (!exists)
    return TRUE;

  *out = dk_server_load_unit (mutation->db, id, error);
  return *out != NULL;
}

/* ---- unit.save ---- */

gboolean
_dk_mutation_apply_unit_save (const DkMutation   *mutation,
                              DkMutationOutcome  *outcome,
                              GError            **error)
{
  g_autoptr(DkUnit) unit = NULL;
  g_autoptr(DkUnit) current = NULL;
  g_autoptr(GPtrArray) catalogue = NULL;

  if (!dk_rules_check_may_edit_units (mutation->viewer->roles, error))
    return FALSE;
  unit = dk_unit_from_json (mutation->data_node, error);
  if (unit == NULL)
    return FALSE;
  if (!dk_unit_validate (unit, error))
    return FALSE;
  if (!load_current (mutation, unit->id, &current, error))
    return FALSE;

  if (current != NULL && !_dk_mutation_base_revision_matches (mutation, current->revision))
    return _dk_mutation_conflict (outcome, DK_TYPE_NAME_UNIT, current->id, current->revision,
                                  dk_unit_to_json (current), error);

  catalogue = dk_server_list_units (mutation->db, error);
  if (catalogue == NULL || !dk_units_check_unique (catalogue, unit, error))
    return FALSE;

  g_free (unit->updated_by);
  unit->updated_by = g_strdup (mutation->viewer->username);
  unit->updated_at = mutation->now;
  unit->revision = current != NULL ? current->revision + 1 : 1;

  if (dk_server_store_unit (mutation->db, unit, error) == 0)
    return FALSE;

  _dk_mutation_set_applied (outcome, DK_TYPE_NAME_UNIT, unit->id, unit->revision, NULL);
  return TRUE;
}

/* ---- unit.delete ---- */

gboolean
_dk_mutation_apply_unit_delete (const DkMutation   *mutation,
                                DkMutationOutcome  *outcome,
                                GError            **error)
{
  g_autoptr(DkUnit) current = NULL;
  g_autofree char *id = NULL;

  if (!dk_rules_check_may_edit_units (mutation->viewer->roles, error))
    return FALSE;
  if (!_dk_mutation_read_id (mutation->data, "id", &id, error))
    return FALSE;
  if (!load_current (mutation, id, &current, error))
    return FALSE;
  if (current == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND,
                   _("There is no unit with the id “%s”"), id);
      return FALSE;
    }
  if (!_dk_mutation_base_revision_matches (mutation, current->revision))
    return _dk_mutation_conflict (outcome, DK_TYPE_NAME_UNIT, current->id, current->revision,
                                  dk_unit_to_json (current), error);

  if (dk_server_delete_unit (mutation->db, current, current->revision + 1, error) == 0)
    return FALSE;

  _dk_mutation_set_applied (outcome, DK_TYPE_NAME_UNIT, current->id, current->revision + 1,
                            NULL);
  return TRUE;
}
