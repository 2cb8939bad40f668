/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-unit.c: a unit of the catalogue (a ward, a lab, a care home) with its aliases */

#define G_LOG_DOMAIN "dk-unit"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "dk-error.h"
#include "dk-unit.h"

G_DEFINE_BOXED_TYPE (DkUnit, dk_unit, dk_unit_ref, dk_unit_unref)

static void
dk_unit_free (DkUnit *self)
{
  g_free (self->id);
  g_free (self->name);
  g_ptr_array_unref (self->aliases);
  g_free (self->updated_by);
  g_free (self);
}

/**
 * dk_unit_new:
 *
 * Returns: (transfer full): a new, empty unit
 */
DkUnit *
dk_unit_new (void)
{
  DkUnit *self = g_new0 (DkUnit, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->aliases = g_ptr_array_new_with_free_func (g_free);
  self->updated_at = DK_TIME_UNSET;
  return self;
}

/**
 * dk_unit_ref:
 * @self: a #DkUnit
 *
 * Returns: (transfer full): @self
 */
DkUnit *
dk_unit_ref (DkUnit *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * dk_unit_unref:
 * @self: (transfer full): a #DkUnit
 */
void
dk_unit_unref (DkUnit *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    dk_unit_free (self);
}

/**
 * dk_unit_copy:
 * @self: a #DkUnit
 *
 * Returns: (transfer full): a deep copy of @self
 */
DkUnit *
dk_unit_copy (const DkUnit *self)
{
  DkUnit *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = dk_unit_new ();
  copy->id = g_strdup (self->id);
  copy->name = g_strdup (self->name);
  for (guint i = 0; i < self->aliases->len; i++)
    g_ptr_array_add (copy->aliases, g_strdup (g_ptr_array_index (self->aliases, i)));
  copy->updated_by = g_strdup (self->updated_by);
  copy->updated_at = self->updated_at;
  copy->revision = self->revision;
  return copy;
}

/**
 * dk_unit_key:
 * @text: (nullable): a unit's name as someone typed it
 *
 * Returns: (transfer full): @text normalized (NFKC), case-folded and without white
 *   space, so that "Avd 12" and "avd  12" compare equal; "" for %NULL
 */
char *
dk_unit_key (const char *text)
{
  g_autofree char *normal = NULL;
  g_autofree char *folded = NULL;
  GString *key;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_strdup ("");

  normal = g_utf8_normalize (text, -1, G_NORMALIZE_ALL_COMPOSE);
  folded = g_utf8_casefold (normal != NULL ? normal : text, -1);
  key = g_string_sized_new (strlen (folded));
  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c))
        g_string_append_unichar (key, c);
    }
  return g_string_free (key, FALSE);
}

/* Whether @key is @self's name's or one of its aliases' key. */
static gboolean
answers_to_key (const DkUnit *self,
                const char   *key)
{
  g_autofree char *name_key = NULL;

  if (*key == '\0')
    return FALSE;
  name_key = dk_unit_key (self->name);
  if (g_str_equal (name_key, key))
    return TRUE;
  for (guint i = 0; i < self->aliases->len; i++)
    {
      g_autofree char *alias_key = dk_unit_key (g_ptr_array_index (self->aliases, i));

      if (g_str_equal (alias_key, key))
        return TRUE;
    }
  return FALSE;
}

/**
 * dk_unit_answers_to:
 * @self: a #DkUnit
 * @text: (nullable): a name as typed
 *
 * Returns: whether @text is the unit's name or one of its aliases, ignoring case and
 *   white space
 */
gboolean
dk_unit_answers_to (const DkUnit *self,
                    const char   *text)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  key = dk_unit_key (text);
  return answers_to_key (self, key);
}

/**
 * dk_units_find:
 * @units: (element-type DkUnit): the catalogue
 * @text: (nullable): a name or an alias as typed
 *
 * Returns: (transfer none) (nullable): the unit that answers to @text
 */
DkUnit *
dk_units_find (GPtrArray  *units,
               const char *text)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (units != NULL, NULL);

  key = dk_unit_key (text);
  for (guint i = 0; i < units->len; i++)
    {
      DkUnit *unit = g_ptr_array_index (units, i);

      if (answers_to_key (unit, key))
        return unit;
    }
  return NULL;
}

/**
 * dk_units_same:
 * @units: (element-type DkUnit): the catalogue
 * @a: (nullable): a unit as typed
 * @b: (nullable): another
 *
 * Returns: whether @a and @b are the same unit: "Avd 12" and "avdelning 12" when one
 *   unit has both; two texts outside the catalogue when their keys are equal
 */
gboolean
dk_units_same (GPtrArray  *units,
               const char *a,
               const char *b)
{
  g_autofree char *key_a = dk_unit_key (a);
  g_autofree char *key_b = dk_unit_key (b);
  DkUnit *unit_a;

  g_return_val_if_fail (units != NULL, FALSE);

  if (*key_a == '\0' || *key_b == '\0')
    return FALSE;
  if (g_str_equal (key_a, key_b))
    return TRUE;
  unit_a = dk_units_find (units, a);
  return unit_a != NULL && answers_to_key (unit_a, key_b);
}

/* DK_ERROR_DUPLICATE when a unit of @units other than @unit answers to @text. */
static gboolean
check_name_free (GPtrArray     *units,
                 const DkUnit  *unit,
                 const char    *text,
                 GError       **error)
{
  g_autofree char *key = dk_unit_key (text);

  for (guint i = 0; i < units->len; i++)
    {
      DkUnit *other = g_ptr_array_index (units, i);
      g_autofree char *other_key = NULL;

      if (g_strcmp0 (other->id, unit->id) == 0 || !answers_to_key (other, key))
        continue;
      other_key = dk_unit_key (other->name);
      if (g_str_equal (other_key, key))
        g_set_error (error, DK_ERROR, DK_ERROR_DUPLICATE,
                     /* Translators: the first %s is a name as typed, the second a unit */
                     _("“%s” is already the name of the unit “%s”"), text, other->name);
      else
        g_set_error (error, DK_ERROR, DK_ERROR_DUPLICATE,
                     /* Translators: the first %s is a name as typed, the second a unit */
                     _("“%s” is already an alias of the unit “%s”"), text, other->name);
      return FALSE;
    }
  return TRUE;
}

/**
 * dk_units_check_unique:
 * @units: (element-type DkUnit): the catalogue as it is
 * @unit: a unit about to be saved into it
 * @error: return location for a #GError
 *
 * A name or an alias points at one unit only: @unit's name and aliases may not be a
 * name or alias of another unit (compared by dk_unit_key()). @unit itself (the same id)
 * is skipped, so a rename is checked against the others.
 *
 * Returns: %TRUE when they are free; %FALSE with %DK_ERROR_DUPLICATE otherwise
 */
gboolean
dk_units_check_unique (GPtrArray     *units,
                       const DkUnit  *unit,
                       GError       **error)
{
  g_return_val_if_fail (units != NULL, FALSE);
  g_return_val_if_fail (unit != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_name_free (units, unit, unit->name, error))
    return FALSE;
  for (guint i = 0; i < unit->aliases->len; i++)
    {
      if (!check_name_free (units, unit, g_ptr_array_index (unit->aliases, i), error))
        return FALSE;
    }
  return TRUE;
}
