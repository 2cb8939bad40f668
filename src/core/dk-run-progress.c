/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-run-progress.c: where a run stands: its phase, progress, steps that do not apply */

#define G_LOG_DOMAIN "dk-run-progress"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dk-run-progress.h"

/**
 * dk_case_outage_seconds:
 * @kase: (nullable): a case
 *
 * Returns: closed_at − start, or -1 when @kase is %NULL, open or has no start
 */
gint64
dk_case_outage_seconds (const DkCase *kase)
{
  if (kase == NULL || kase->closed_at == DK_TIME_UNSET || kase->start == DK_TIME_UNSET)
    return -1;

  return MAX (kase->closed_at - kase->start, 0);
}

/**
 * dk_run_get_phase:
 * @run: a #DkRun
 * @kase: (nullable): the case @run is tied to
 *
 * Returns: %DK_ROUTINE_PHASE_AFTER once @kase is closed or @run finished,
 *   %DK_ROUTINE_PHASE_DURING otherwise
 */
DkRoutinePhase
dk_run_get_phase (const DkRun  *run,
                  const DkCase *kase)
{
  g_return_val_if_fail (run != NULL, DK_ROUTINE_PHASE_DURING);

  if (run->finished_at != DK_TIME_UNSET)
    return DK_ROUTINE_PHASE_AFTER;
  if (kase != NULL && kase->closed_at != DK_TIME_UNSET)
    return DK_ROUTINE_PHASE_AFTER;
  return DK_ROUTINE_PHASE_DURING;
}

/**
 * dk_format_duration:
 * @seconds: a duration
 *
 * Returns: (transfer full): "3 h 20 min", "45 min", "2 h", translated
 */
char *
dk_format_duration (gint64 seconds)
{
  gint64 minutes = MAX (seconds, 0) / 60;
  gint64 hours = minutes / 60;

  minutes %= 60;
  if (hours == 0)
    /* Translators: a duration in minutes */
    return g_strdup_printf (_("%d min"), (int) minutes);
  if (minutes == 0)
    /* Translators: a duration in hours */
    return g_strdup_printf (_("%d h"), (int) hours);
  /* Translators: a duration in hours and minutes */
  return g_strdup_printf (_("%d h %d min"), (int) hours, (int) minutes);
}

/**
 * dk_run_dup_not_applicable_reason:
 * @step: a routine step
 * @kase: (nullable): the case the run is tied to
 *
 * Returns: (transfer full) (nullable): why @step does not apply, translated, or %NULL
 *   when it applies or the outage is not over yet
 */
char *
dk_run_dup_not_applicable_reason (const DkRoutineStep *step,
                                  const DkCase        *kase)
{
  g_autofree char *lasted = NULL;
  gint64 outage = dk_case_outage_seconds (kase);
  gboolean over;
  guint hours;

  g_return_val_if_fail (step != NULL, NULL);

  if (outage < 0 || !dk_routine_condition_parse (step->condition, &over, &hours))
    return NULL;
  if (dk_routine_step_applies (step, outage))
    return NULL;

  lasted = dk_format_duration (outage);
  if (over)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Not applicable: the outage lasted %s; this step is "
                                         "for outages over %u hour",
                                         "Not applicable: the outage lasted %s; this step is "
                                         "for outages over %u hours", hours),
                            lasted, hours);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Not applicable: the outage lasted %s; this step is "
                                       "for outages of up to %u hour",
                                       "Not applicable: the outage lasted %s; this step is "
                                       "for outages of up to %u hours", hours),
                          lasted, hours);
}

/**
 * dk_run_get_progress:
 * @run: a #DkRun
 * @routine: its routine
 * @kase: (nullable): the case @run is tied to
 * @phase: which phase
 * @out: (out): the counts
 */
void
dk_run_get_progress (const DkRun     *run,
                     const DkRoutine *routine,
                     const DkCase    *kase,
                     DkRoutinePhase   phase,
                     DkRunProgress   *out)
{
  gint64 outage = dk_case_outage_seconds (kase);

  g_return_if_fail (run != NULL && routine != NULL && out != NULL);

  *out = (DkRunProgress) { 0, 0, 0 };
  for (guint i = 0; i < routine->steps->len; i++)
    {
      const DkRoutineStep *step = g_ptr_array_index (routine->steps, i);
      const DkRunStep *state;

      if (step->phase != phase)
        continue;
      if (outage >= 0 && !dk_routine_step_applies (step, outage))
        {
          out->not_applicable++;
          continue;
        }
      out->total++;
      state = dk_run_find_step (run, step->id);
      if (state != NULL && state->done)
        out->done++;
    }
}

/* The end of the day after @t in @tz: 23:59:59 local time. */
static gint64
end_of_next_day (gint64     t,
                 GTimeZone *tz)
{
  g_autoptr(GTimeZone) local = tz == NULL ? g_time_zone_new_local () : NULL;
  g_autoptr(GDateTime) then = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) there = NULL;
  g_autoptr(GDateTime) midnight = NULL;
  g_autoptr(GDateTime) end = NULL;

  there = g_date_time_to_timezone (then, tz != NULL ? tz : local);
  midnight = g_date_time_new (tz != NULL ? tz : local, g_date_time_get_year (there),
                              g_date_time_get_month (there),
                              g_date_time_get_day_of_month (there), 0, 0, 0);
  end = g_date_time_add_days (midnight, 2);
  return g_date_time_to_unix (end) - 1;
}

/**
 * dk_routine_post_registration_deadline:
 * @routine: a #DkRoutine
 * @kase: (nullable): the case the run is tied to
 * @tz: (nullable): the time zone "the next day" is counted in; %NULL for local time
 *
 * Returns: the deadline, or %DK_TIME_UNSET when there is none (yet)
 */
gint64
dk_routine_post_registration_deadline (const DkRoutine *routine,
                                       const DkCase    *kase,
                                       GTimeZone       *tz)
{
  gint64 outage = dk_case_outage_seconds (kase);
  gint64 deadline = DK_TIME_UNSET;

  g_return_val_if_fail (routine != NULL, DK_TIME_UNSET);

  if (outage < 0)
    return DK_TIME_UNSET;

  for (guint i = 0; i < routine->steps->len; i++)
    {
      const DkRoutineStep *step = g_ptr_array_index (routine->steps, i);
      gint64 t;

      if (step->phase != DK_ROUTINE_PHASE_AFTER || step->deadline == NULL ||
          !dk_routine_deadline_validate (step->deadline, NULL) ||
          !dk_routine_step_applies (step, outage))
        continue;

      if (g_strcmp0 (step->deadline, "next_day") == 0)
        t = end_of_next_day (kase->closed_at, tz);
      else
        t = kase->closed_at + (gint64) g_ascii_strtoull (step->deadline, NULL, 10) * 3600;

      if (deadline == DK_TIME_UNSET || t < deadline)
        deadline = t;
    }

  return deadline;
}
