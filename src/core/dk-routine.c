/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routine.c: a reserve routine (reservrutin) with document control and steps */

#define G_LOG_DOMAIN "dk-routine"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dk-error.h"
#include "dk-ptr-array-private.h"
#include "dk-routine.h"
#include "dk-rules.h"

#define CONDITION_OVER    "outage_over:"
#define CONDITION_UP_TO   "outage_up_to:"
#define CONDITION_MIN_HOURS 1
#define CONDITION_MAX_HOURS 1000
#define DEADLINE_NEXT_DAY "next_day"
#define SECONDS_PER_DAY (24 * 3600)

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
  copy->deadline = g_strdup (step->deadline);
  return copy;
}

static gboolean parse_hours (const char *rest,
                             guint64    *hours);

/* Splits a condition into its kind and hours; FALSE when it is not well formed. */
static gboolean
parse_condition (const char *condition,
                 gboolean   *over,
                 guint64    *hours)
{
  const char *rest;

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

  return parse_hours (rest, hours);
}

/* "10h": digits without sign or leading zero, then 'h' and nothing more, 1 to 1000. */
static gboolean
parse_hours (const char *rest,
             guint64    *hours)
{
  gsize len;
  g_autofree char *digits = NULL;

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
  copy->services = _dk_strings_copy (self->services);
  copy->audience = g_strdup (self->audience);
  copy->owner = g_strdup (self->owner);
  copy->revision = self->revision;
  copy->approved_at = self->approved_at;
  copy->approved_by = g_strdup (self->approved_by);
  copy->valid_until = self->valid_until;
  copy->steps = _dk_ptr_array_copy_deep (self->steps, copy_step,
                                         (GDestroyNotify) dk_routine_step_free);
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
  g_free (step->deadline);
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

/**
 * dk_routine_condition_parse:
 * @condition: a condition
 * @out_over: (out): %TRUE for "outage_over:", %FALSE for "outage_up_to:"
 * @out_hours: (out): the hours
 *
 * Returns: %FALSE when @condition is %NULL or not well formed
 */
gboolean
dk_routine_condition_parse (const char *condition,
                            gboolean   *out_over,
                            guint      *out_hours)
{
  gboolean over;
  guint64 hours;

  if (condition == NULL || !parse_condition (condition, &over, &hours))
    return FALSE;

  if (out_over != NULL)
    *out_over = over;
  if (out_hours != NULL)
    *out_hours = (guint) hours;
  return TRUE;
}

/**
 * dk_routine_deadline_validate:
 * @deadline: (nullable): "next_day", "24h" or %NULL
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @deadline is well formed; %FALSE with %DK_ERROR_INVALID otherwise
 */
gboolean
dk_routine_deadline_validate (const char  *deadline,
                              GError     **error)
{
  guint64 hours;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (deadline == NULL || g_strcmp0 (deadline, DEADLINE_NEXT_DAY) == 0 ||
      parse_hours (deadline, &hours))
    return TRUE;

  g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
               /* Translators: do not translate "next_day" and "24h" */
               _("deadline: unknown deadline “%s” (use next_day or a number of hours such "
                 "as 24h, 1 to 1000)"),
               deadline);
  return FALSE;
}

/**
 * dk_routine_dup_deadline_label:
 * @deadline: (nullable): a step's deadline
 *
 * Returns: (transfer full) (nullable): "by the end of the day after the outage" or
 *   "within 24 hours after the outage", translated
 */
char *
dk_routine_dup_deadline_label (const char *deadline)
{
  guint64 hours;

  if (g_strcmp0 (deadline, DEADLINE_NEXT_DAY) == 0)
    return g_strdup (_("by the end of the day after the outage"));
  if (deadline == NULL || !parse_hours (deadline, &hours))
    return NULL;
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "within %u hour after the outage",
                                       "within %u hours after the outage", (gulong) hours),
                          (guint) hours);
}

/* Days from @now to @until, rounded towards the past: 0 on the last day. */
static gint
days_between (gint64 now,
              gint64 until)
{
  gint64 diff = until - now;

  if (diff >= 0)
    return (gint) (diff / SECONDS_PER_DAY);
  return (gint) -((-diff + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY);
}

/**
 * dk_routine_validity:
 * @routine: a #DkRoutine
 * @now: the current time
 * @out_days_left: (out) (optional): whole days left; 0 on the last day, negative (the
 *   days since) once expired; 0 when the routine has no end
 *
 * A routine is expired from its "valid until" on, and expiring soon within the 30 days
 * before it (the same rule as dk_rules_routine_is_expired () and
 * dk_rules_routine_expires_soon ()).
 *
 * Returns: where the routine stands
 */
DkRoutineValidity
dk_routine_validity (const DkRoutine *routine,
                     gint64           now,
                     gint            *out_days_left)
{
  g_return_val_if_fail (routine != NULL, DK_ROUTINE_VALID);

  if (out_days_left != NULL)
    *out_days_left = routine->valid_until == DK_TIME_UNSET
                       ? 0 : days_between (now, routine->valid_until);

  if (dk_rules_routine_is_expired (routine, now))
    return DK_ROUTINE_EXPIRED;
  if (dk_rules_routine_expires_soon (routine, now))
    return DK_ROUTINE_EXPIRING_SOON;
  return DK_ROUTINE_VALID;
}

/**
 * dk_routine_dup_validity_warning:
 * @routine: a #DkRoutine
 * @now: the current time
 *
 * Returns: (transfer full) (nullable): "Expired 12 days ago (valid until 2026-01-31)",
 *   "Expires in 5 days (valid until ...)", translated; %NULL while it is valid
 */
char *
dk_routine_dup_validity_warning (const DkRoutine *routine,
                                 gint64           now)
{
  g_autoptr(GDateTime) until = NULL;
  g_autofree char *date = NULL;
  gint days = 0;
  DkRoutineValidity validity;

  g_return_val_if_fail (routine != NULL, NULL);

  validity = dk_routine_validity (routine, now, &days);
  if (validity == DK_ROUTINE_VALID)
    return NULL;

  until = g_date_time_new_from_unix_local (routine->valid_until);
  date = until != NULL ? g_date_time_format (until, "%Y-%m-%d") : g_strdup ("?");

  if (validity == DK_ROUTINE_EXPIRED)
    {
      if (days == 0)
        return g_strdup_printf (_("Expired today (valid until %s)"), date);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Expired %d day ago (valid until %s)",
                                           "Expired %d days ago (valid until %s)", -days),
                              -days, date);
    }

  if (days == 0)
    return g_strdup_printf (_("Expires today (valid until %s)"), date);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Expires in %d day (valid until %s)",
                                       "Expires in %d days (valid until %s)", days),
                          days, date);
}
