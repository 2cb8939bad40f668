/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routine.c: a reserve routine (reservrutin) with document control and steps */

#define G_LOG_DOMAIN "dk-routine"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dk-error.h"
#include "dk-routine.h"

#define CONDITION_OVER    "outage_over:"
#define CONDITION_UP_TO   "outage_up_to:"
#define CONDITION_MIN_HOURS 1
#define CONDITION_MAX_HOURS 1000

G_DEFINE_BOXED_TYPE (DkRoutine, dk_routine, dk_routine_ref, dk_routine_unref)

static void
dk_routine_free (DkRoutine *self)
{
  g_free (self->id);
  g_free (self->title);
  g_clear_pointer (&self->services, g_ptr_array_unref);
  g_free (self->audience);
  g_free (self->owner);
  g_free (self->approved_by);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_free (self);
}

static GPtrArray *
copy_ptr_array (const GPtrArray *src,
                GCopyFunc        func,
                GDestroyNotify   free_func)
{
  GPtrArray *copy;

  if (src == NULL)
    return g_ptr_array_new_with_free_func (free_func);

  copy = g_ptr_array_new_full (src->len, free_func);
  for (guint i = 0; i < src->len; i++)
    g_ptr_array_add (copy, func (g_ptr_array_index (src, i), NULL));
  return copy;
}

static gpointer
copy_string (gconstpointer src,
             gpointer      user_data)
{
  return g_strdup (src);
}

static gpointer
copy_step (gconstpointer src,
           gpointer      user_data)
{
  const DkRoutineStep *step = src;
  DkRoutineStep *copy = dk_routine_step_new ();

  copy->id = g_strdup (step->id);
  copy->phase = step->phase;
  copy->text = g_strdup (step->text);
  copy->condition = g_strdup (step->condition);
  copy->contact = step->contact != NULL ? dk_contact_copy (step->contact) : NULL;
  copy->form = g_strdup (step->form);
  return copy;
}

/* Splits a condition into its kind and hours; FALSE when it is not well formed. */
static gboolean
parse_condition (const char *condition,
                 gboolean   *over,
                 guint64    *hours)
{
  const char *rest;
  gsize len;
  g_autofree char *digits = NULL;

  if (g_str_has_prefix (condition, CONDITION_OVER))
    {
      *over = TRUE;
      rest = condition + strlen (CONDITION_OVER);
    }
  else if (g_str_has_prefix (condition, CONDITION_UP_TO))
    {
      *over = FALSE;
      rest = condition + strlen (CONDITION_UP_TO);
    }
  else
    {
      return FALSE;
    }

  /* "10h": digits without sign or leading zero, then 'h' and nothing more. */
  len = strlen (rest);
  if (len < 2 || len > 5 || rest[len - 1] != 'h' || rest[0] == '0')
    return FALSE;
  for (gsize i = 0; i < len - 1; i++)
    {
      if (!g_ascii_isdigit (rest[i]))
        return FALSE;
    }

  digits = g_strndup (rest, len - 1);
  *hours = g_ascii_strtoull (digits, NULL, 10);
  return *hours >= CONDITION_MIN_HOURS && *hours <= CONDITION_MAX_HOURS;
}

/**
 * dk_routine_new:
 *
 * Returns: (transfer full): a new, empty draft routine (revision 1, not approved, no
 *   expiry)
 */
DkRoutine *
dk_routine_new (void)
{
  DkRoutine *self = g_new0 (DkRoutine, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->services = g_ptr_array_new_with_free_func (g_free);
  self->revision = 1;
  self->approved_at = DK_TIME_UNSET;
  self->valid_until = DK_TIME_UNSET;
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_routine_step_free);
  return self;
}

/**
 * dk_routine_ref:
 * @self: a #DkRoutine
 *
 * Returns: (transfer full): @self
 */
DkRoutine *
dk_routine_ref (DkRoutine *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * dk_routine_unref:
 * @self: (transfer full): a #DkRoutine
 */
void
dk_routine_unref (DkRoutine *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    dk_routine_free (self);
}

/**
 * dk_routine_copy:
 * @self: a #DkRoutine
 *
 * Returns: (transfer full): a deep copy of @self
 */
DkRoutine *
dk_routine_copy (const DkRoutine *self)
{
  DkRoutine *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (DkRoutine, 1);
  g_atomic_ref_count_init (&copy->ref_count);
  copy->id = g_strdup (self->id);
  copy->title = g_strdup (self->title);
  copy->services = copy_ptr_array (self->services, copy_string, g_free);
  copy->audience = g_strdup (self->audience);
  copy->owner = g_strdup (self->owner);
  copy->revision = self->revision;
  copy->approved_at = self->approved_at;
  copy->approved_by = g_strdup (self->approved_by);
  copy->valid_until = self->valid_until;
  copy->steps = copy_ptr_array (self->steps, copy_step, (GDestroyNotify) dk_routine_step_free);
  return copy;
}

/**
 * dk_routine_find_step:
 * @self: a #DkRoutine
 * @step_id: a step's id
 *
 * Returns: (transfer none) (nullable): the step with @step_id, or %NULL
 */
DkRoutineStep *
dk_routine_find_step (const DkRoutine *self,
                      const char      *step_id)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (step_id == NULL || self->steps == NULL)
    return NULL;

  for (guint i = 0; i < self->steps->len; i++)
    {
      DkRoutineStep *step = g_ptr_array_index (self->steps, i);

      if (g_strcmp0 (step->id, step_id) == 0)
        return step;
    }
  return NULL;
}

/**
 * dk_routine_step_new:
 *
 * Returns: (transfer full): a new, empty step that always applies
 */
DkRoutineStep *
dk_routine_step_new (void)
{
  return g_new0 (DkRoutineStep, 1);
}

/**
 * dk_routine_step_free:
 * @step: (nullable): a step
 */
void
dk_routine_step_free (DkRoutineStep *step)
{
  if (step == NULL)
    return;

  g_free (step->id);
  g_free (step->text);
  g_free (step->condition);
  g_clear_pointer (&step->contact, dk_contact_free);
  g_free (step->form);
  g_free (step);
}

/**
 * dk_contact_new:
 *
 * Returns: (transfer full): a new contact with every field %NULL
 */
DkContact *
dk_contact_new (void)
{
  return g_new0 (DkContact, 1);
}

/**
 * dk_contact_free:
 * @contact: (nullable): a contact
 */
void
dk_contact_free (DkContact *contact)
{
  if (contact == NULL)
    return;

  g_free (contact->name);
  g_free (contact->office_hours);
  g_free (contact->on_call);
  g_free (contact);
}

/**
 * dk_contact_copy:
 * @contact: a contact
 *
 * Returns: (transfer full): a copy of @contact
 */
DkContact *
dk_contact_copy (const DkContact *contact)
{
  DkContact *copy;

  g_return_val_if_fail (contact != NULL, NULL);

  copy = dk_contact_new ();
  copy->name = g_strdup (contact->name);
  copy->office_hours = g_strdup (contact->office_hours);
  copy->on_call = g_strdup (contact->on_call);
  return copy;
}

/**
 * dk_routine_condition_validate:
 * @condition: (nullable): "outage_over:10h", "outage_up_to:10h" or %NULL
 * @error: return location for a #GError
 *
 * The hours are a whole number from 1 to 1000.
 *
 * Returns: %TRUE when @condition is well formed; %FALSE with %DK_ERROR_INVALID otherwise
 */
gboolean
dk_routine_condition_validate (const char  *condition,
                               GError     **error)
{
  gboolean over;
  guint64 hours;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (condition == NULL || parse_condition (condition, &over, &hours))
    return TRUE;

  g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
               /* Translators: do not translate "outage_over:10h" and "outage_up_to:10h" */
               _("condition: unknown condition “%s” (use outage_over:10h or outage_up_to:10h, "
                 "1 to 1000 hours)"),
               condition);
  return FALSE;
}

/**
 * dk_routine_step_applies:
 * @step: a step
 * @outage_seconds: how long the outage lasted
 *
 * A step without a condition always applies; "outage_over:H" applies when the outage
 * lasted more than H hours, "outage_up_to:H" when it lasted H hours or less. A step with
 * a malformed condition applies, so that nothing is hidden by a typing error.
 *
 * Returns: whether the step applies
 */
gboolean
dk_routine_step_applies (const DkRoutineStep *step,
                         gint64               outage_seconds)
{
  gboolean over;
  guint64 hours;
  gint64 limit;

  g_return_val_if_fail (step != NULL, FALSE);

  if (step->condition == NULL || !parse_condition (step->condition, &over, &hours))
    return TRUE;

  limit = (gint64) hours * 3600;
  return over ? outage_seconds > limit : outage_seconds <= limit;
}
