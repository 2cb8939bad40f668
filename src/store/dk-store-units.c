/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-units.c: the catalogue of units in the replica: the list, a lookup by id,
 * name or alias, and resolving what someone typed to the catalogue's name */

#define G_LOG_DOMAIN "dk-store"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-store-private.h"

/* A unit deleted here (dk-local-unit-changes.c) shows no more. */
static const char list_units_sql[] =
  "SELECT COALESCE (local_data, server_data) FROM objects WHERE type = 'unit'"
  " AND json_extract (COALESCE (local_data, server_data), '$.deleted') IS NOT 1"
  " ORDER BY json_extract (COALESCE (local_data, server_data), '$.name') COLLATE NOCASE, id";

/* Decodes a row's unit; NULL with a warning when it is broken, so that one bad row
 * does not hide the others. */
static DkUnit *
decode_unit (sqlite3_stmt *stmt)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *text = _dk_store_column_text (stmt, 0);
  DkUnit *unit;

  if (text == NULL)
    return NULL;
  node = dk_json_parse (text, -1, &error);
  unit = node != NULL ? dk_unit_from_json (node, &error) : NULL;
  if (unit == NULL)
    g_warning ("Skipping a stored unit: %s", error->message);
  return unit;
}

/**
 * dk_store_list_units:
 * @self: a #DkStore
 * @error: return location for a #GError
 *
 * The catalogue of units, local changes included (a unit saved offline shows at once,
 * one deleted offline no more).
 *
 * Returns: (transfer container) (element-type DkUnit) (nullable): by name
 */
GPtrArray *
dk_store_list_units (DkStore  *self,
                     GError  **error)
{
  g_autoptr(GPtrArray) units = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_unit_unref);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = _dk_store_prepare (self, list_units_sql, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      DkUnit *unit = decode_unit (stmt);

      if (unit != NULL)
        g_ptr_array_add (units, unit);
    }
  if (rc != SQLITE_DONE)
    {
      _dk_store_set_error (self, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&units);
}

/**
 * dk_store_get_unit:
 * @self: a #DkStore
 * @unit: a unit's id, name or alias (ignoring case and white space)
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the unit, or %NULL with
 *   %DK_STORE_ERROR_NOT_FOUND (also when it was deleted here)
 */
DkUnit *
dk_store_get_unit (DkStore     *self,
                   const char  *unit,
                   GError     **error)
{
  g_autoptr(GPtrArray) units = NULL;
  DkUnit *found = NULL;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (unit != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  units = dk_store_list_units (self, error);
  if (units == NULL)
    return NULL;
  for (guint i = 0; i < units->len && found == NULL; i++)
    {
      DkUnit *candidate = g_ptr_array_index (units, i);

      if (g_strcmp0 (candidate->id, unit) == 0)
        found = candidate;
    }
  if (found == NULL)
    found = dk_units_find (units, unit);
  if (found == NULL)
    {
      g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND,
                   _("There is no unit “%s” in the catalogue"), unit);
      return NULL;
    }
  return dk_unit_ref (found);
}

/**
 * dk_store_resolve_unit:
 * @self: a #DkStore
 * @text: (nullable): a unit as someone typed it
 *
 * What a unit is called in the catalogue: "avd 12" and "Avd12" give "Avdelning 12" when
 * that unit has the alias "Avd 12". Free text for a unit not (yet) in the catalogue
 * gives %NULL; the caller keeps what was typed.
 *
 * Returns: (transfer full) (nullable): the catalogue's name when @text equals a name
 *   or an alias (ignoring case and white space), else %NULL
 */
char *
dk_store_resolve_unit (DkStore    *self,
                       const char *text)
{
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GError) error = NULL;
  DkUnit *unit;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);

  if (text == NULL || *text == '\0')
    return NULL;
  units = dk_store_list_units (self, &error);
  if (units == NULL)
    {
      g_warning ("Could not read the catalogue of units: %s", error->message);
      return NULL;
    }
  unit = dk_units_find (units, text);
  return unit != NULL ? g_strdup (unit->name) : NULL;
}

/**
 * dk_store_same_unit:
 * @self: a #DkStore
 * @a: (nullable): a unit as typed
 * @b: (nullable): another
 *
 * Returns: whether @a and @b name the same unit: the same catalogue unit (one may be
 *   an alias of the other), or, outside the catalogue, the same text ignoring case and
 *   white space
 */
gboolean
dk_store_same_unit (DkStore    *self,
                    const char *a,
                    const char *b)
{
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);

  units = dk_store_list_units (self, &error);
  if (units == NULL)
    {
      g_warning ("Could not read the catalogue of units: %s", error->message);
      units = g_ptr_array_new ();
    }
  return dk_units_same (units, a, b);
}
