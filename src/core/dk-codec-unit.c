/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-codec-unit.c: JSON wire shape of the catalogue's units */

#define G_LOG_DOMAIN "dk-codec"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "dk-codec-private.h"
#include "dk-error.h"
#include "dk-json.h"
#include "dk-protocol.h"

/**
 * dk_unit_to_json:
 * @unit: a #DkUnit
 *
 * Returns: (transfer full): the unit in its wire shape: id, name, aliases, revision,
 *   updated_by, updated_at
 */
JsonNode *
dk_unit_to_json (const DkUnit *unit)
{
  JsonObject *object;

  g_return_val_if_fail (unit != NULL, NULL);

  object = json_object_new ();
  _dk_codec_set_string (object, "id", unit->id);
  _dk_codec_set_string (object, "name", unit->name);
  _dk_codec_set_strings (object, "aliases", unit->aliases);
  json_object_set_int_member (object, "revision", unit->revision);
  _dk_codec_set_string (object, "updated_by", unit->updated_by);
  _dk_codec_set_time (object, "updated_at", unit->updated_at);
  return _dk_codec_node_from_object (object);
}

/**
 * dk_unit_from_json:
 * @node: a JSON object in the wire shape of a unit
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the unit, or %NULL with %DK_ERROR_INVALID
 */
DkUnit *
dk_unit_from_json (JsonNode  *node,
                   GError   **error)
{
  g_autoptr(DkUnit) unit = NULL;
  JsonObject *object;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = dk_json_expect_object (node, "unit", error);
  if (object == NULL)
    return NULL;

  unit = dk_unit_new ();
  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &unit->id, error) ||
      !dk_json_read_string (object, "name", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &unit->name,
                            error) ||
      !_dk_codec_read_strings (object, "aliases", &unit->aliases, error) ||
      !dk_json_read_string (object, "updated_by", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &unit->updated_by, error) ||
      !dk_json_read_time (object, "updated_at", DK_JSON_NULLABLE, &unit->updated_at, error) ||
      !_dk_codec_read_revision (object, &unit->revision, error))
    return NULL;

  return g_steal_pointer (&unit);
}

/* DK_ERROR_INVALID unless @value is 1 to DK_MAX_UNIT_CHARS characters, not only blanks,
 * without blanks around it. */
static gboolean
check_unit_text (const char  *value,
                 const char  *member,
                 GError     **error)
{
  glong length;

  if (!_dk_codec_require_text (value, member, error))
    return FALSE;
  length = g_utf8_strlen (value, -1);
  if (length > DK_MAX_UNIT_CHARS)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   /* Translators: %s is a field ("name"), %d a number of characters */
                   _("%s: at most %d characters, not %ld"), member, DK_MAX_UNIT_CHARS, length);
      return FALSE;
    }
  if (g_unichar_isspace (g_utf8_get_char (value)) ||
      g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (value + strlen (value)))))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must not begin or end with a space"), member);
      return FALSE;
    }
  return TRUE;
}

/**
 * dk_unit_validate:
 * @unit: a #DkUnit
 * @error: return location for a #GError
 *
 * Checks that the id is a UUID, the name and every alias are 1 to %DK_MAX_UNIT_CHARS
 * characters, there are at most %DK_MAX_UNIT_ALIASES aliases, and no two of the name
 * and the aliases are the same (ignoring case and white space, as dk_unit_key() does).
 * Whether another unit has the name is dk_units_check_unique()'s question.
 *
 * Returns: %TRUE when @unit is valid; %FALSE with %DK_ERROR_INVALID naming the field,
 *   or %DK_ERROR_DUPLICATE for an alias given twice
 */
gboolean
dk_unit_validate (const DkUnit  *unit,
                  GError       **error)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (unit != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_dk_codec_require_uuid (unit->id, "id", error) ||
      !check_unit_text (unit->name, "name", error))
    return FALSE;
  if (unit->aliases->len > DK_MAX_UNIT_ALIASES)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: at most %d, not %u"), "aliases", DK_MAX_UNIT_ALIASES,
                   unit->aliases->len);
      return FALSE;
    }

  g_hash_table_add (keys, dk_unit_key (unit->name));
  for (guint i = 0; i < unit->aliases->len; i++)
    {
      const char *alias = g_ptr_array_index (unit->aliases, i);
      g_autofree char *member = g_strdup_printf ("aliases[%u]", i);

      if (!check_unit_text (alias, member, error))
        return FALSE;
      if (!g_hash_table_add (keys, dk_unit_key (alias)))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_DUPLICATE,
                       /* Translators: %s is an alias of a unit, such as "Avd 12" */
                       _("“%s” is given twice: as the name or another alias of this unit"),
                       alias);
          return FALSE;
        }
    }
  return TRUE;
}
