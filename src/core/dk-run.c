/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-run.c: a run of a reserve routine on one unit (ward), with the state of each step */

#define G_LOG_DOMAIN "dk-run"

#include "config.h"

#include "dk-run.h"

G_DEFINE_BOXED_TYPE (DkRun, dk_run, dk_run_ref, dk_run_unref)

static void
dk_run_free (DkRun *self)
{
  g_free (self->id);
  g_free (self->routine);
  g_free (self->unit);
  g_free (self->case_id);
  g_free (self->started_by);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_free (self);
}

/**
 * dk_run_new:
 *
 * Returns: (transfer full): a new, empty run with its times unset
 */
DkRun *
dk_run_new (void)
{
  DkRun *self = g_new0 (DkRun, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->started_at = DK_TIME_UNSET;
  self->finished_at = DK_TIME_UNSET;
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_run_step_free);
  return self;
}

/**
 * dk_run_ref:
 * @self: a #DkRun
 *
 * Returns: (transfer full): @self
 */
DkRun *
dk_run_ref (DkRun *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * dk_run_unref:
 * @self: (transfer full): a #DkRun
 */
void
dk_run_unref (DkRun *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    dk_run_free (self);
}

/**
 * dk_run_copy:
 * @self: a #DkRun
 *
 * Returns: (transfer full): a deep copy of @self
 */
DkRun *
dk_run_copy (const DkRun *self)
{
  DkRun *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = dk_run_new ();
  copy->id = g_strdup (self->id);
  copy->routine = g_strdup (self->routine);
  copy->unit = g_strdup (self->unit);
  copy->case_id = g_strdup (self->case_id);
  copy->started_by = g_strdup (self->started_by);
  copy->started_at = self->started_at;
  copy->finished_at = self->finished_at;
  copy->revision = self->revision;

  for (guint i = 0; self->steps != NULL && i < self->steps->len; i++)
    {
      const DkRunStep *step = g_ptr_array_index (self->steps, i);
      DkRunStep *step_copy = dk_run_step_new ();

      step_copy->step = g_strdup (step->step);
      step_copy->done = step->done;
      step_copy->by = g_strdup (step->by);
      step_copy->at = step->at;
      step_copy->note = g_strdup (step->note);
      g_ptr_array_add (copy->steps, step_copy);
    }
  return copy;
}

/**
 * dk_run_find_step:
 * @self: a #DkRun
 * @step_id: a routine step's id
 *
 * Returns: (transfer none) (nullable): the state of the step, or %NULL when nobody has
 *   touched it yet
 */
DkRunStep *
dk_run_find_step (const DkRun *self,
                  const char  *step_id)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (step_id == NULL || self->steps == NULL)
    return NULL;

  for (guint i = 0; i < self->steps->len; i++)
    {
      DkRunStep *step = g_ptr_array_index (self->steps, i);

      if (g_strcmp0 (step->step, step_id) == 0)
        return step;
    }
  return NULL;
}

/**
 * dk_run_step_new:
 *
 * Returns: (transfer full): a new step state, not done, its time unset
 */
DkRunStep *
dk_run_step_new (void)
{
  DkRunStep *step = g_new0 (DkRunStep, 1);

  step->at = DK_TIME_UNSET;
  return step;
}

/**
 * dk_run_step_free:
 * @step: (nullable): a step state
 */
void
dk_run_step_free (DkRunStep *step)
{
  if (step == NULL)
    return;

  g_free (step->step);
  g_free (step->by);
  g_free (step->note);
  g_free (step);
}
