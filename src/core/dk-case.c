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
  g_clear_pointer (&self->affected, g_ptr_array_unref);
  g_clear_pointer (&self->reserve, g_ptr_array_unref);
  g_clear_pointer (&self->reports, g_ptr_array_unref);
  g_free (self->publisher);
  g_free (self->unread);
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
  copy->received_at = update->received_at;
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
  copy->received_at = follow_up->received_at;
  return copy;
}

static gpointer
copy_affected (gconstpointer src,
               gpointer      user_data)
{
  const DkCaseAffected *affected = src;
  DkCaseAffected *copy = dk_case_affected_new ();

  copy->unit = g_strdup (affected->unit);
  copy->at = affected->at;
  copy->by = g_strdup (affected->by);
  copy->received_at = affected->received_at;
  return copy;
}

static gpointer
copy_reserve_event (gconstpointer src,
                    gpointer      user_data)
{
  const DkCaseReserveEvent *event = src;
  DkCaseReserveEvent *copy = dk_case_reserve_event_new ();

  copy->id = g_strdup (event->id);
  copy->at = event->at;
  copy->declared = event->declared;
  copy->all_units = event->all_units;
  g_clear_pointer (&copy->units, g_ptr_array_unref);
  copy->units = _dk_strings_copy (event->units);
  copy->author = g_strdup (event->author);
  copy->text = g_strdup (event->text);
  copy->received_at = event->received_at;
  return copy;
}

/* Whether @a and @b are the same unit name, ignoring case. */
static gboolean
unit_equal (const char *a,
            const char *b)
{
  g_autofree char *fa = NULL;
  g_autofree char *fb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  fa = g_utf8_casefold (a, -1);
  fb = g_utf8_casefold (b, -1);
  return g_strcmp0 (fa, fb) == 0;
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
  self->affected = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_case_affected_free);
  self->reserve = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_case_reserve_event_free);
  self->reports = g_ptr_array_new_with_free_func (g_free);
  self->created_at = DK_TIME_UNSET;
  self->received_at = DK_TIME_UNSET;
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
  copy->affected = _dk_ptr_array_copy_deep (self->affected, copy_affected,
                                            (GDestroyNotify) dk_case_affected_free);
  copy->reserve = _dk_ptr_array_copy_deep (self->reserve, copy_reserve_event,
                                           (GDestroyNotify) dk_case_reserve_event_free);
  copy->reports = _dk_strings_copy (self->reports);
  copy->publisher = g_strdup (self->publisher);
  copy->created_at = self->created_at;
  copy->received_at = self->received_at;
  copy->revision = self->revision;
  copy->unread = g_strdup (self->unread);
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
 * dk_case_get_reserve_in_force:
 * @self: a #DkCase
 *
 * Returns: (transfer none) (nullable): the latest reserve event when it declares the
 *   reserve routine in force, %NULL when there is none or it was lifted
 */
const DkCaseReserveEvent *
dk_case_get_reserve_in_force (const DkCase *self)
{
  const DkCaseReserveEvent *latest;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->reserve == NULL || self->reserve->len == 0)
    return NULL;
  latest = g_ptr_array_index (self->reserve, self->reserve->len - 1);
  return latest->declared ? latest : NULL;
}

/**
 * dk_case_reserve_applies_to:
 * @self: a #DkCase
 * @unit: (nullable): a unit's name
 *
 * Returns: whether the reserve routine is in force for all units, or for @unit by name
 *   (ignoring case)
 */
gboolean
dk_case_reserve_applies_to (const DkCase *self,
                            const char   *unit)
{
  const DkCaseReserveEvent *in_force;

  g_return_val_if_fail (self != NULL, FALSE);

  in_force = dk_case_get_reserve_in_force (self);
  if (in_force == NULL)
    return FALSE;
  if (in_force->all_units)
    return TRUE;
  for (guint i = 0; in_force->units != NULL && i < in_force->units->len; i++)
    {
      if (unit_equal (g_ptr_array_index (in_force->units, i), unit))
        return TRUE;
    }
  return FALSE;
}

/**
 * dk_case_has_affected_unit:
 * @self: a #DkCase
 * @unit: (nullable): a unit's name
 *
 * Returns: whether @unit (ignoring case) said it is affected too
 */
gboolean
dk_case_has_affected_unit (const DkCase *self,
                           const char   *unit)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; self->affected != NULL && i < self->affected->len; i++)
    {
      const DkCaseAffected *affected = g_ptr_array_index (self->affected, i);

      if (unit_equal (affected->unit, unit))
        return TRUE;
    }
  return FALSE;
}

/**
 * dk_case_has_report:
 * @self: a #DkCase
 * @report_id: (nullable): a report's id
 *
 * Returns: whether the report is linked to @self
 */
gboolean
dk_case_has_report (const DkCase *self,
                    const char   *report_id)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; report_id != NULL && self->reports != NULL && i < self->reports->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (self->reports, i), report_id) == 0)
        return TRUE;
    }
  return FALSE;
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
  update->received_at = DK_TIME_UNSET;
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
  follow_up->received_at = DK_TIME_UNSET;
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

/**
 * dk_case_affected_new:
 *
 * Returns: (transfer full): a new, empty "affected too" entry with its time unset
 */
DkCaseAffected *
dk_case_affected_new (void)
{
  DkCaseAffected *affected = g_new0 (DkCaseAffected, 1);

  affected->at = DK_TIME_UNSET;
  affected->received_at = DK_TIME_UNSET;
  return affected;
}

/**
 * dk_case_affected_free:
 * @affected: (nullable): an "affected too" entry
 */
void
dk_case_affected_free (DkCaseAffected *affected)
{
  if (affected == NULL)
    return;

  g_free (affected->unit);
  g_free (affected->by);
  g_free (affected);
}

/**
 * dk_case_reserve_event_new:
 *
 * Returns: (transfer full): a new, empty reserve event (lifted, no units, time unset)
 */
DkCaseReserveEvent *
dk_case_reserve_event_new (void)
{
  DkCaseReserveEvent *event = g_new0 (DkCaseReserveEvent, 1);

  event->at = DK_TIME_UNSET;
  event->received_at = DK_TIME_UNSET;
  event->units = g_ptr_array_new_with_free_func (g_free);
  return event;
}

/**
 * dk_case_reserve_event_free:
 * @event: (nullable): a reserve event
 */
void
dk_case_reserve_event_free (DkCaseReserveEvent *event)
{
  if (event == NULL)
    return;

  g_free (event->id);
  g_clear_pointer (&event->units, g_ptr_array_unref);
  g_free (event->author);
  g_free (event->text);
  g_free (event);
}
