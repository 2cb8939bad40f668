/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case.c: a case (ärende): incident, planned action or crisis information */

#define G_LOG_DOMAIN "dk-case"

#include "config.h"

#include "dk-case.h"
#include "dk-ptr-array-private.h"

G_DEFINE_BOXED_TYPE (DkCase, dk_case, dk_case_ref, dk_case_unref)

static void
dk_case_free (DkCase *self)
{
  g_free (self->id);
  g_free (self->number);
  g_free (self->title);
  g_free (self->description);
  g_free (self->scope);
  g_clear_pointer (&self->services, g_ptr_array_unref);
  g_free (self->external_ref);
  g_clear_pointer (&self->updates, g_ptr_array_unref);
  g_clear_pointer (&self->follow_ups, g_ptr_array_unref);
  g_free (self->publisher);
  g_free (self);
}

static gpointer
copy_update (gconstpointer src,
             gpointer      user_data)
{
  const DkCaseUpdate *update = src;
  DkCaseUpdate *copy = dk_case_update_new ();

  copy->id = g_strdup (update->id);
  copy->at = update->at;
  copy->phrase = update->phrase;
  copy->text = g_strdup (update->text);
  copy->author = g_strdup (update->author);
  return copy;
}

static gpointer
copy_follow_up (gconstpointer src,
                gpointer      user_data)
{
  const DkCaseFollowUp *follow_up = src;
  DkCaseFollowUp *copy = dk_case_follow_up_new ();

  copy->id = g_strdup (follow_up->id);
  copy->at = follow_up->at;
  copy->text = g_strdup (follow_up->text);
  copy->author = g_strdup (follow_up->author);
  return copy;
}

/**
 * dk_case_new:
 *
 * A new, empty case: an ongoing incident in IT/Telephony with priority 3, no services,
 * no updates and every time unset.
 *
 * Returns: (transfer full): the case
 */
DkCase *
dk_case_new (void)
{
  DkCase *self = g_new0 (DkCase, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->services = g_ptr_array_new_with_free_func (g_free);
  self->status = DK_CASE_STATUS_ONGOING;
  self->priority = 3;
  self->start = DK_TIME_UNSET;
  self->expected_end = DK_TIME_UNSET;
  self->closed_at = DK_TIME_UNSET;
  self->updates = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_case_update_free);
  self->follow_ups = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_case_follow_up_free);
  self->created_at = DK_TIME_UNSET;
  return self;
}

/**
 * dk_case_ref:
 * @self: a #DkCase
 *
 * Returns: (transfer full): @self
 */
DkCase *
dk_case_ref (DkCase *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * dk_case_unref:
 * @self: (transfer full): a #DkCase
 */
void
dk_case_unref (DkCase *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    dk_case_free (self);
}

/**
 * dk_case_copy:
 * @self: a #DkCase
 *
 * Returns: (transfer full): a deep copy of @self
 */
DkCase *
dk_case_copy (const DkCase *self)
{
  DkCase *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (DkCase, 1);
  g_atomic_ref_count_init (&copy->ref_count);
  copy->id = g_strdup (self->id);
  copy->number = g_strdup (self->number);
  copy->kind = self->kind;
  copy->area = self->area;
  copy->title = g_strdup (self->title);
  copy->description = g_strdup (self->description);
  copy->scope = g_strdup (self->scope);
  copy->services = _dk_strings_copy (self->services);
  copy->status = self->status;
  copy->priority = self->priority;
  copy->major = self->major;
  copy->public = self->public;
  copy->external_ref = g_strdup (self->external_ref);
  copy->start = self->start;
  copy->expected_end = self->expected_end;
  copy->closed_at = self->closed_at;
  copy->updates = _dk_ptr_array_copy_deep (self->updates, copy_update,
                                           (GDestroyNotify) dk_case_update_free);
  copy->follow_ups = _dk_ptr_array_copy_deep (self->follow_ups, copy_follow_up,
                                              (GDestroyNotify) dk_case_follow_up_free);
  copy->publisher = g_strdup (self->publisher);
  copy->created_at = self->created_at;
  copy->revision = self->revision;
  return copy;
}

/**
 * dk_case_get_latest_update:
 * @self: a #DkCase
 *
 * Returns: (transfer none) (nullable): the latest update, or %NULL when there is none
 */
DkCaseUpdate *
dk_case_get_latest_update (const DkCase *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->updates == NULL || self->updates->len == 0)
    return NULL;
  return g_ptr_array_index (self->updates, self->updates->len - 1);
}

/**
 * dk_case_update_new:
 *
 * Returns: (transfer full): a new, empty update with its time unset
 */
DkCaseUpdate *
dk_case_update_new (void)
{
  DkCaseUpdate *update = g_new0 (DkCaseUpdate, 1);

  update->at = DK_TIME_UNSET;
  return update;
}

/**
 * dk_case_update_free:
 * @update: (nullable): an update
 */
void
dk_case_update_free (DkCaseUpdate *update)
{
  if (update == NULL)
    return;

  g_free (update->id);
  g_free (update->text);
  g_free (update->author);
  g_free (update);
}

/**
 * dk_case_follow_up_new:
 *
 * Returns: (transfer full): a new, empty follow-up with its time unset
 */
DkCaseFollowUp *
dk_case_follow_up_new (void)
{
  DkCaseFollowUp *follow_up = g_new0 (DkCaseFollowUp, 1);

  follow_up->at = DK_TIME_UNSET;
  return follow_up;
}

/**
 * dk_case_follow_up_free:
 * @follow_up: (nullable): a follow-up
 */
void
dk_case_follow_up_free (DkCaseFollowUp *follow_up)
{
  if (follow_up == NULL)
    return;

  g_free (follow_up->id);
  g_free (follow_up->text);
  g_free (follow_up->author);
  g_free (follow_up);
}
