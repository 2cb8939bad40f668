/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-core-reminder.c: planning the reminders of planned work (dk-reminder.h), and the
 * test clock of dk-time.h */

#include "config.h"

#include "dk-reminder.h"
#include "dk-time.h"

#define MINUTE 60
#define HOUR 3600
/* 6 Dec 2026 10:00 UTC: the planned work starts; it is expected to end at 14:00. */
#define START G_GINT64_CONSTANT (1796551200)
#define END (START + 4 * HOUR)

static const guint default_offsets[] = { 1440, 60 };
static const DkReminderOptions options = { default_offsets, 2, TRUE, 15 * MINUTE };

static DkReminderCase
planned_case (void)
{
  DkReminderCase kase = { TRUE, TRUE, START, END, DK_TIME_UNSET };

  return kase;
}

/* Plans @kase at @now from *@state, asserts the kind, and records the new state. */
static DkReminderDue
plan (const DkReminderCase    *kase,
      DkReminderState         *state,
      gboolean                *has_state,
      const DkReminderOptions *opts,
      gint64                   now,
      DkReminderKind           expected,
      gint64                  *out_next)
{
  DkReminderDue due;
  DkReminderState planned;
  gint64 next;

  dk_reminder_plan (kase, *has_state ? state : NULL, opts, now, &due, &planned, &next);
  g_assert_cmpint (due.kind, ==, expected);
  *state = planned;
  *has_state = TRUE;
  if (out_next != NULL)
    *out_next = next;
  return due;
}

static void
test_each_moment_in_turn (void)
{
  DkReminderCase kase = planned_case ();
  DkReminderState state;
  gboolean has = FALSE;
  DkReminderDue due;
  gint64 next;

  /* Two days ahead: nothing yet, the first moment is 24 h before. */
  plan (&kase, &state, &has, &options, START - 48 * HOUR, DK_REMINDER_NONE, &next);
  g_assert_cmpint (next, ==, START - 24 * HOUR);
  g_assert_false (state.told);

  due = plan (&kase, &state, &has, &options, START - 24 * HOUR, DK_REMINDER_AHEAD, &next);
  g_assert_cmpuint (due.minutes, ==, 1440);
  g_assert_cmpint (due.moment, ==, START - 24 * HOUR);
  g_assert_cmpint (next, ==, START - HOUR);
  g_assert_true (state.told);

  /* The timer may come a little late; once given is given. */
  plan (&kase, &state, &has, &options, START - 24 * HOUR + 30, DK_REMINDER_NONE, &next);
  g_assert_cmpint (next, ==, START - HOUR);

  due = plan (&kase, &state, &has, &options, START - HOUR + 2, DK_REMINDER_AHEAD, &next);
  g_assert_cmpuint (due.minutes, ==, 60);
  g_assert_cmpint (next, ==, START);

  plan (&kase, &state, &has, &options, START, DK_REMINDER_START, &next);
  g_assert_cmpint (next, ==, END);
  plan (&kase, &state, &has, &options, END + 1, DK_REMINDER_END, &next);
  g_assert_cmpint (next, ==, DK_TIME_UNSET);
  plan (&kase, &state, &has, &options, END + HOUR, DK_REMINDER_NONE, &next);
  g_assert_false (state.done);

  /* Closed after it started: finished, and then nothing more. */
  kase.closed_at = END + 2 * HOUR;
  due = plan (&kase, &state, &has, &options, END + 2 * HOUR, DK_REMINDER_FINISHED, &next);
  g_assert_cmpint (due.moment, ==, END + 2 * HOUR);
  g_assert_true (state.done);
  plan (&kase, &state, &has, &options, END + 3 * HOUR, DK_REMINDER_NONE, &next);
}

static void
test_after_a_sleep_folds_into_the_latest (void)
{
  DkReminderCase kase = planned_case ();
  DkReminderState state;
  gboolean has = FALSE;
  gint64 next;

  plan (&kase, &state, &has, &options, START - 25 * HOUR, DK_REMINDER_NONE, &next);
  plan (&kase, &state, &has, &options, START - 24 * HOUR, DK_REMINDER_AHEAD, &next);
  /* Asleep from 24 h before until 5 minutes after the start: the 1 h reminder and the
   * start are due, only the start is told. */
  plan (&kase, &state, &has, &options, START + 5 * MINUTE, DK_REMINDER_START, &next);
  g_assert_cmpint (state.settled_until, ==, START);
  g_assert_cmpint (next, ==, END);
  plan (&kase, &state, &has, &options, START + 6 * MINUTE, DK_REMINDER_NONE, NULL);
}

static void
test_long_ago_is_skipped (void)
{
  DkReminderCase kase = planned_case ();
  DkReminderState state;
  gboolean has = FALSE;
  gint64 next;

  /* First seen (published late, or the app started) 30 min before: the 24 h moment
   * passed long ago and the 1 h one 30 min ago: skipped, the start comes. */
  plan (&kase, &state, &has, &options, START - 30 * MINUTE, DK_REMINDER_NONE, &next);
  g_assert_cmpint (state.settled_until, ==, START - HOUR);
  g_assert_false (state.told);
  g_assert_cmpint (next, ==, START);

  /* Not reminded before: a start long ago is skipped too (old news after a sleep). */
  has = FALSE;
  plan (&kase, &state, &has, &options, START + 2 * HOUR, DK_REMINDER_NONE, &next);
  g_assert_cmpint (next, ==, END);

  /* Reminded before and still going on: the start is told even after a long sleep. */
  has = FALSE;
  plan (&kase, &state, &has, &options, START - HOUR, DK_REMINDER_AHEAD, &next);
  plan (&kase, &state, &has, &options, START + 2 * HOUR, DK_REMINDER_START, &next);
  /* ... but not once it should be over: the end is told instead. */
  has = FALSE;
  plan (&kase, &state, &has, &options, START - HOUR, DK_REMINDER_AHEAD, &next);
  plan (&kase, &state, &has, &options, END + 5 * MINUTE, DK_REMINDER_END, &next);
}

static void
test_moved_is_told_to_those_reminded (void)
{
  DkReminderCase kase = planned_case ();
  DkReminderState state;
  gboolean has = FALSE;
  DkReminderDue due;
  gint64 next;

  /* Moved before any reminder: nothing to tell, the new moments count. */
  plan (&kase, &state, &has, &options, START - 48 * HOUR, DK_REMINDER_NONE, NULL);
  kase.start += 24 * HOUR;
  kase.expected_end += 24 * HOUR;
  plan (&kase, &state, &has, &options, START - 47 * HOUR, DK_REMINDER_NONE, &next);
  g_assert_cmpint (next, ==, START);  /* the new start, 24 h before */

  plan (&kase, &state, &has, &options, START, DK_REMINDER_AHEAD, &next);
  /* Moved back a day after the 24 h reminder: told, with the start told before. */
  kase.start = START + 2 * HOUR;
  kase.expected_end = START + 6 * HOUR;
  due = plan (&kase, &state, &has, &options, START + MINUTE, DK_REMINDER_MOVED, &next);
  g_assert_cmpint (due.was, ==, START + 24 * HOUR);
  g_assert_cmpint (state.start, ==, START + 2 * HOUR);
  /* What passed under the new start is not told again; the 1 h moment comes. */
  g_assert_cmpint (next, ==, START + HOUR);
  plan (&kase, &state, &has, &options, START + 2 * MINUTE, DK_REMINDER_NONE, NULL);
  plan (&kase, &state, &has, &options, START + HOUR, DK_REMINDER_AHEAD, NULL);
}

static void
test_cancelled_is_told_to_those_reminded (void)
{
  DkReminderCase kase = planned_case ();
  DkReminderState state;
  gboolean has = FALSE;
  DkReminderDue due;

  /* Closed before its start, never reminded: quiet, done. */
  kase.closed_at = START - 30 * HOUR;
  plan (&kase, &state, &has, &options, START - 30 * HOUR, DK_REMINDER_NONE, NULL);
  g_assert_true (state.done);

  /* Reminded, then closed before its start. */
  kase = planned_case ();
  has = FALSE;
  plan (&kase, &state, &has, &options, START - 24 * HOUR, DK_REMINDER_AHEAD, NULL);
  kase.closed_at = START - 2 * HOUR;
  due = plan (&kase, &state, &has, &options, START - 2 * HOUR, DK_REMINDER_CANCELLED, NULL);
  g_assert_cmpint (due.was, ==, START);
  g_assert_true (state.done);
  plan (&kase, &state, &has, &options, START, DK_REMINDER_NONE, NULL);

  /* Reminded, then no longer a planned action. */
  kase = planned_case ();
  has = FALSE;
  plan (&kase, &state, &has, &options, START - HOUR, DK_REMINDER_AHEAD, NULL);
  kase.planned = FALSE;
  plan (&kase, &state, &has, &options, START - 50 * MINUTE, DK_REMINDER_CANCELLED, NULL);

  /* Reminded, then gone from the replica. */
  kase = planned_case ();
  has = FALSE;
  plan (&kase, &state, &has, &options, START - HOUR, DK_REMINDER_AHEAD, NULL);
  due = plan (NULL, &state, &has, &options, START - 50 * MINUTE, DK_REMINDER_CANCELLED, NULL);
  g_assert_cmpint (due.was, ==, START);
}

static void
test_extended_rearms_the_end (void)
{
  DkReminderCase kase = planned_case ();
  DkReminderState state;
  gboolean has = FALSE;
  DkReminderDue due;
  gint64 next;

  plan (&kase, &state, &has, &options, START, DK_REMINDER_START, NULL);
  plan (&kase, &state, &has, &options, END, DK_REMINDER_END, &next);
  g_assert_cmpint (next, ==, DK_TIME_UNSET);

  kase.expected_end = END + 2 * HOUR;
  due = plan (&kase, &state, &has, &options, END + 10 * MINUTE, DK_REMINDER_EXTENDED, &next);
  g_assert_cmpint (due.was, ==, END);
  g_assert_cmpint (next, ==, END + 2 * HOUR);
  plan (&kase, &state, &has, &options, END + 2 * HOUR, DK_REMINDER_END, NULL);

  /* An earlier end is no extension: the end moment follows it quietly. */
  kase = planned_case ();
  has = FALSE;
  plan (&kase, &state, &has, &options, START, DK_REMINDER_START, NULL);
  kase.expected_end = END - HOUR;
  plan (&kase, &state, &has, &options, START + MINUTE, DK_REMINDER_NONE, &next);
  g_assert_cmpint (next, ==, END - HOUR);
}

static void
test_unfollowed_is_quiet (void)
{
  DkReminderCase kase = planned_case ();
  DkReminderState state;
  gboolean has = FALSE;
  gint64 next;

  kase.followed = FALSE;
  plan (&kase, &state, &has, &options, START - 24 * HOUR, DK_REMINDER_NONE, &next);
  g_assert_cmpint (next, ==, DK_TIME_UNSET);
  plan (&kase, &state, &has, &options, START, DK_REMINDER_NONE, &next);
  g_assert_false (state.told);

  /* An incident is not planned work. */
  kase = planned_case ();
  kase.planned = FALSE;
  has = FALSE;
  plan (&kase, &state, &has, &options, START - HOUR, DK_REMINDER_NONE, &next);
  g_assert_cmpint (next, ==, DK_TIME_UNSET);
}

static void
test_options (void)
{
  static const guint odd[] = { 0, 30, 30, 600000, 120 };
  DkReminderOptions mine = { odd, G_N_ELEMENTS (odd), FALSE, 15 * MINUTE };
  DkReminderOptions none = { NULL, 0, FALSE, 15 * MINUTE };
  DkReminderCase kase = planned_case ();
  DkReminderState state;
  gboolean has = FALSE;
  DkReminderDue due;
  gint64 next;

  /* 0, duplicates and more than a year are left out; no start or end reminder. */
  plan (&kase, &state, &has, &mine, START - 48 * HOUR, DK_REMINDER_NONE, &next);
  g_assert_cmpint (next, ==, START - 2 * HOUR);
  due = plan (&kase, &state, &has, &mine, START - 2 * HOUR, DK_REMINDER_AHEAD, &next);
  g_assert_cmpuint (due.minutes, ==, 120);
  due = plan (&kase, &state, &has, &mine, START - 30 * MINUTE, DK_REMINDER_AHEAD, &next);
  g_assert_cmpuint (due.minutes, ==, 30);
  g_assert_cmpint (next, ==, DK_TIME_UNSET);
  plan (&kase, &state, &has, &mine, START, DK_REMINDER_NONE, NULL);

  /* Nothing chosen: nothing, ever. */
  has = FALSE;
  plan (&kase, &state, &has, &none, START - 48 * HOUR, DK_REMINDER_NONE, &next);
  g_assert_cmpint (next, ==, DK_TIME_UNSET);
  plan (&kase, &state, &has, &none, START, DK_REMINDER_NONE, &next);
}

/* ---- the test clock, in subprocesses (it is read from the environment once) ---- */

static void
test_clock_real_without_the_variable (void)
{
  if (g_test_subprocess ())
    {
      g_unsetenv ("DRIFTKOLL_TEST_CLOCK");
      g_assert_false (dk_time_clock_is_test ());
      g_assert_cmpint (ABS (dk_time_clock_now () - dk_time_now ()), <=, 1);
      g_assert_cmpuint (dk_time_clock_delay_ms (dk_time_clock_now () + 2), >=, 1000);
      g_assert_cmpuint (dk_time_clock_delay_ms (dk_time_clock_now () - 10), ==, 0);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_clock_fast_and_ahead (void)
{
  if (g_test_subprocess ())
    {
      gint64 first;

      g_setenv ("DRIFTKOLL_TEST_CLOCK", "3600,+7200", TRUE);
      first = dk_time_clock_now ();
      g_assert_true (dk_time_clock_is_test ());
      /* A few milliseconds since it started are a few seconds of it. */
      g_assert_cmpint (first - (dk_time_now () + 7200), >=, -1);
      g_assert_cmpint (first - (dk_time_now () + 7200), <=, 120);
      /* An hour of the clock is a real second. */
      g_assert_cmpuint (dk_time_clock_delay_ms (first + 3600), <=, 1001);
      g_assert_cmpuint (dk_time_clock_delay_ms (first + 3600), >=, 800);
      g_usleep (G_USEC_PER_SEC / 2);
      g_assert_cmpint (dk_time_clock_now () - first, >=, 1700);
      g_assert_cmpint (dk_time_clock_now () - first, <=, 3600);
      /* Nothing else runs by it. */
      g_assert_cmpint (ABS (dk_time_now () - g_get_real_time () / G_USEC_PER_SEC), <=, 1);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_clock_bad_value_is_the_real_clock (void)
{
  if (g_test_subprocess ())
    {
      g_setenv ("DRIFTKOLL_TEST_CLOCK", "fast", TRUE);
      g_log_set_always_fatal (G_LOG_FATAL_MASK);  /* the warning is what is checked */
      g_assert_false (dk_time_clock_is_test ());
      g_assert_cmpint (ABS (dk_time_clock_now () - dk_time_now ()), <=, 1);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*DRIFTKOLL_TEST_CLOCK=fast is not SPEED or SPEED,+OFFSET*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reminder/plan/each-moment-in-turn-then-finished",
                   test_each_moment_in_turn);
  g_test_add_func ("/reminder/plan/after-a-sleep-folds-into-the-latest",
                   test_after_a_sleep_folds_into_the_latest);
  g_test_add_func ("/reminder/plan/long-ago-is-skipped", test_long_ago_is_skipped);
  g_test_add_func ("/reminder/plan/moved-is-told-to-those-reminded",
                   test_moved_is_told_to_those_reminded);
  g_test_add_func ("/reminder/plan/cancelled-is-told-to-those-reminded",
                   test_cancelled_is_told_to_those_reminded);
  g_test_add_func ("/reminder/plan/extended-rearms-the-end", test_extended_rearms_the_end);
  g_test_add_func ("/reminder/plan/unfollowed-is-quiet", test_unfollowed_is_quiet);
  g_test_add_func ("/reminder/plan/options", test_options);
  g_test_add_func ("/reminder/clock/real-without-the-variable",
                   test_clock_real_without_the_variable);
  g_test_add_func ("/reminder/clock/fast-and-ahead", test_clock_fast_and_ahead);
  g_test_add_func ("/reminder/clock/bad-value-is-the-real-clock",
                   test_clock_bad_value_is_the_real_clock);

  return g_test_run ();
}
