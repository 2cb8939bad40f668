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

/* The calendar days from @now's date to @then's date (negative when it is earlier). */
static int
days_between (GDateTime *now,
              GDateTime *then)
{
  g_autoptr(GDate) a = g_date_new_dmy (g_date_time_get_day_of_month (now),
                                       g_date_time_get_month (now),
                                       g_date_time_get_year (now));
  g_autoptr(GDate) b = g_date_new_dmy (g_date_time_get_day_of_month (then),
                                       g_date_time_get_month (then),
                                       g_date_time_get_year (then));

  return g_date_days_between (a, b);
}

/**
 * dk_format_deadline:
 * @deadline: Unix seconds
 * @now: Unix seconds: what "today" and "tomorrow" are counted from
 * @tz: (nullable): the time zone to show it in; %NULL for local time
 *
 * A deadline at 23:59 (dk_routine_post_registration_deadline()'s "next_day") is the
 * end of its day: "by the end of today, 1 December", "by the end of tomorrow,
 * 2 December", "by the end of Wednesday 3 December". Any other is a time: "by 14:30
 * today", "by 14:30 tomorrow, 2 December", "by 14:30 on Wednesday 3 December".
 *
 * Returns: (transfer full): the deadline, translated
 */
char *
dk_format_deadline (gint64     deadline,
                    gint64     now,
                    GTimeZone *tz)
{
  g_autoptr(GTimeZone) local = tz == NULL ? g_time_zone_new_local () : NULL;
  g_autoptr(GDateTime) deadline_utc = g_date_time_new_from_unix_utc (deadline);
  g_autoptr(GDateTime) now_utc = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) today = NULL;
  g_autofree char *date = NULL;
  g_autofree char *day = NULL;
  g_autofree char *time = NULL;
  int days;

  g_return_val_if_fail (deadline_utc != NULL && now_utc != NULL, g_strdup ("?"));

  when = g_date_time_to_timezone (deadline_utc, tz != NULL ? tz : local);
  today = g_date_time_to_timezone (now_utc, tz != NULL ? tz : local);
  days = days_between (today, when);

  /* Translators: a date in a deadline (g_date_time_format), such as "2 December";
   * Norwegian writes "2. desember" */
  /* xgettext:no-c-format */
  date = g_date_time_format (when, C_("deadline date", "%-d %B"));
  /* Translators: a date with its weekday in a deadline (g_date_time_format), such as
   * "Wednesday 3 December" */
  /* xgettext:no-c-format */
  day = g_date_time_format (when, C_("deadline date", "%A %-d %B"));
  /* Translators: a time of day in a deadline (g_date_time_format), such as "14:30" */
  /* xgettext:no-c-format */
  time = g_date_time_format (when, C_("deadline time", "%H:%M"));

  if (g_date_time_get_hour (when) == 23 && g_date_time_get_minute (when) == 59)
    {
      if (days == 0)
        /* Translators: a deadline at the end of today; %s is the date ("1 December") */
        return g_strdup_printf (_("by the end of today, %s"), date);
      if (days == 1)
        /* Translators: a deadline at the end of tomorrow; %s is the date ("2 December") */
        return g_strdup_printf (_("by the end of tomorrow, %s"), date);
      /* Translators: a deadline at the end of a day; %s is the day ("Wednesday 3 December") */
      return g_strdup_printf (_("by the end of %s"), day);
    }

  if (days == 0)
    /* Translators: a deadline later today; %s is the time ("14:30") */
    return g_strdup_printf (_("by %s today"), time);
  if (days == 1)
    /* Translators: a deadline tomorrow; the time ("14:30"), then the date ("2 December") */
    return g_strdup_printf (_("by %s tomorrow, %s"), time, date);
  /* Translators: a deadline; the time ("14:30"), then the day ("Wednesday 3 December") */
  return g_strdup_printf (_("by %s on %s"), time, day);
}
