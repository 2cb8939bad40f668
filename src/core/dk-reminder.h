/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-reminder.h: planning the reminders of a followed planned action (pure functions)
 *
 * A followed planned action is reminded of ahead of its start (some minutes before, as
 * the user chose), when it starts, and when it should end; once a reminder was given,
 * a moved start, a later end, a cancellation and the closing are told too. What was told
 * of a case is a DkReminderState, kept in the replica (dk-store-reminders.c); planning
 * one case is a pure function of the case, that state, the offsets and the time, so
 * the scheduler (dk-planned-reminder.c) only sets timers and shows what is due.
 *
 * The moments of one case come in order (the earliest offset first, then the start,
 * then the end), so a state keeps only the latest moment settled: every moment up to
 * it was given or skipped. A pass gives at most one reminder per case: when several are
 * due (after a sleep) they fold into the latest, and one whose moment passed longer
 * ago than the stale limit is skipped, unless it is the start of work still going on
 * that the user was reminded of.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  DK_REMINDER_NONE,
  DK_REMINDER_AHEAD,      /* some minutes before the start */
  DK_REMINDER_START,      /* the start */
  DK_REMINDER_END,        /* the expected end has come, the case is still open */
  DK_REMINDER_FINISHED,   /* closed after it started */
  DK_REMINDER_EXTENDED,   /* the expected end moved later */
  DK_REMINDER_MOVED,      /* the start changed */
  DK_REMINDER_CANCELLED,  /* closed before its start, no longer a planned action, or gone */
} DkReminderKind;

/* What was told of one case; all times Unix seconds, DK_TIME_UNSET when not set. */
typedef struct {
  gint64   start;          /* the start as last told (or first seen) */
  gint64   end;            /* the expected end as last told (or first seen) */
  gint64   settled_until;  /* every moment up to this one was given or skipped */
  gboolean told;           /* the user was reminded of this case at least once */
  gboolean done;           /* finished or cancelled: nothing more to tell */
} DkReminderState;

/* A case as planning sees it. */
typedef struct {
  gboolean planned;        /* a planned action (kind) */
  gboolean followed;       /* the user's subscription follows it */
  gint64   start;
  gint64   expected_end;
  gint64   closed_at;
} DkReminderCase;

/* The reminder due now, if any. */
typedef struct {
  DkReminderKind kind;
  guint          minutes;   /* AHEAD: how long before the start */
  gint64         moment;    /* when it was due */
  gint64         was;       /* MOVED: the start told before; EXTENDED: the end told before */
} DkReminderDue;

/* The options of a pass. */
typedef struct {
  const guint *offsets;        /* minutes before the start, any order; 0s are ignored */
  guint        n_offsets;
  gboolean     start_and_end;  /* remind at the start and at the end */
  gint64       stale_seconds;  /* a moment older than this is skipped */
} DkReminderOptions;

/* Plans one case at @now. @kase is NULL when the case is gone from the replica, @state
 * NULL when nothing was recorded. Writes the state to record in *@out_state (equal to
 * @state, or the first state, when nothing changed) and the next moment to wake for in
 * *@out_next (DK_TIME_UNSET when none). Returns the kind of *@out_due. */
DkReminderKind  dk_reminder_plan          (const DkReminderCase    *kase,
                                           const DkReminderState   *state,
                                           const DkReminderOptions *options,
                                           gint64                   now,
                                           DkReminderDue           *out_due,
                                           DkReminderState         *out_state,
                                           gint64                  *out_next);
gboolean        dk_reminder_state_equal   (const DkReminderState   *a,
                                           const DkReminderState   *b);

G_END_DECLS
