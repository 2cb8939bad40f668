/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-run-progress.h: where a run stands: its phase, progress, steps that do not apply
 *
 * The run's phase is derived, never stored: a run tied to a case moves to its after
 * phase when that case closes (closed_at set), and a finished run is in its after phase
 * too. Every client derives it from the case and run in its replica, so a desktop that
 * was offline when the case closed shows the after phase as soon as the close arrives,
 * and the server has nothing to write (and nothing to merge) when a case closes.
 *
 * A step's condition on the outage's length ("outage_over:10h") can only be judged once
 * the outage is over, i.e. the tied case is closed: until then every step applies.
 */
#pragma once

#include "dk-case.h"
#include "dk-routine.h"
#include "dk-run.h"

G_BEGIN_DECLS

typedef struct {
  guint done;             /* applicable steps ticked */
  guint total;            /* applicable steps */
  guint not_applicable;   /* steps whose condition does not hold */
} DkRunProgress;

/* How long the case's outage lasted (closed_at − start), or -1 while it is not over
 * or its start is unknown. */
gint64          dk_case_outage_seconds            (const DkCase        *kase);
/* The phase the run is in: AFTER once the tied case closed or the run finished,
 * DURING otherwise. @kase is the tied case, or NULL. */
DkRoutinePhase  dk_run_get_phase                  (const DkRun         *run,
                                                   const DkCase        *kase);
/* Why @step does not apply to the tied case's outage, translated ("Not applicable: the
 * outage lasted 3 h 20 min; this step is for outages over 10 hours"), or NULL when it
 * applies or cannot be judged yet. */
char           *dk_run_dup_not_applicable_reason  (const DkRoutineStep *step,
                                                   const DkCase        *kase);
/* Progress of @run through @phase's steps of @routine. */
void            dk_run_get_progress               (const DkRun         *run,
                                                   const DkRoutine     *routine,
                                                   const DkCase        *kase,
                                                   DkRoutinePhase       phase,
                                                   DkRunProgress       *out);
/* The post-registration deadline the routine gives for the tied case's outage: the
 * earliest deadline of the after-phase steps that apply ("next_day": the end of the
 * day after the case closed, in @tz; "24h": so many hours after), or DK_TIME_UNSET when
 * the case is not closed or no applicable step gives one (over 10 hours the
 * administration announces how). @tz NULL is local time. */
gint64          dk_routine_post_registration_deadline (const DkRoutine *routine,
                                                   const DkCase        *kase,
                                                   GTimeZone           *tz);
/* "3 h 20 min", translated. (transfer full) */
char           *dk_format_duration                (gint64               seconds);

G_END_DECLS
