/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-reminder.c: planning the reminders of a followed planned action (pure functions) */

#define G_LOG_DOMAIN "dk-reminder"

#include "config.h"

#include "dk-reminder.h"
#include "dk-time.h"

/* Offsets beyond this (a year) are not reminders but typing mistakes. */
#define MAX_OFFSET_MINUTES (366 * 24 * 60)

typedef struct {
  gint64         moment;
  DkReminderKind kind;
  guint          minutes;
} Slot;

static int
compare_slots (gconstpointer a,
               gconstpointer b)
{
  const Slot *sa = a, *sb = b;

  if (sa->moment != sb->moment)
    return sa->moment < sb->moment ? -1 : 1;
  return (int) sa->kind - (int) sb->kind;
}

/* The moments of a case starting at @start and expected to end at @end, earliest first. */
static GArray *
list_slots (const DkReminderOptions *options,
            gint64                   start,
            gint64                   end)
{
  GArray *slots = g_array_new (FALSE, FALSE, sizeof (Slot));

  for (guint i = 0; i < options->n_offsets; i++)
    {
      guint minutes = options->offsets[i];
      gboolean seen = FALSE;
      Slot slot = { start - (gint64) minutes * 60, DK_REMINDER_AHEAD, minutes };

      if (minutes == 0 || minutes > MAX_OFFSET_MINUTES)
        continue;
      for (guint j = 0; j < slots->len; j++)
        seen |= g_array_index (slots, Slot, j).minutes == minutes;
      if (!seen)
        g_array_append_val (slots, slot);
    }

  if (options->start_and_end)
    {
      Slot at_start = { start, DK_REMINDER_START, 0 };
      Slot at_end = { end, DK_REMINDER_END, 0 };

      g_array_append_val (slots, at_start);
      if (end != DK_TIME_UNSET && end > start)
        g_array_append_val (slots, at_end);
    }

  g_array_sort (slots, compare_slots);
  return slots;
}

static gboolean
is_settled (const DkReminderState *state,
            gint64                 moment)
{
  return state->settled_until != DK_TIME_UNSET && moment <= state->settled_until;
}

/* The latest moment due at @now that is not settled, or NULL. */
static const Slot *
find_due (GArray                *slots,
          const DkReminderState *state,
          gint64                 now)
{
  const Slot *due = NULL;

  for (guint i = 0; i < slots->len; i++)
    {
      const Slot *slot = &g_array_index (slots, Slot, i);

      if (slot->moment <= now && !is_settled (state, slot->moment))
        due = slot;
    }

  return due;
}

static gint64
find_next (GArray                *slots,
           const DkReminderState *state,
           gint64                 now)
{
  for (guint i = 0; i < slots->len; i++)
    {
      const Slot *slot = &g_array_index (slots, Slot, i);

      if (slot->moment > now && !is_settled (state, slot->moment))
        return slot->moment;
    }

  return DK_TIME_UNSET;
}

/* Whether a moment that passed long ago is still worth telling: the start of work that
 * is going on now, when the user was reminded of it before. */
static gboolean
still_worth_telling (const Slot            *slot,
                     const DkReminderState *state,
                     gint64                 now)
{
  return slot->kind == DK_REMINDER_START && state->told &&
         (state->end == DK_TIME_UNSET || state->end > now);
}

/* The news about a case that was told before: moved, or a later end. */
static DkReminderKind
find_change (const DkReminderCase *kase,
             DkReminderState      *st,
             gint64                now,
             DkReminderDue        *due)
{
  if (st->told && kase->start != st->start)
    {
      due->kind = DK_REMINDER_MOVED;
      due->was = st->start;
      due->moment = now;
      st->start = kase->start;
      st->end = kase->expected_end;
      /* What passed under the new start is not told again: the notice says it. */
      st->settled_until = now;
      return due->kind;
    }

  if (st->told && kase->expected_end != DK_TIME_UNSET && st->end != DK_TIME_UNSET &&
      kase->expected_end > st->end)
    {
      due->kind = DK_REMINDER_EXTENDED;
      due->was = st->end;
      due->moment = now;
      st->end = kase->expected_end;
      return due->kind;
    }

  st->start = kase->start;
  st->end = kase->expected_end;
  return DK_REMINDER_NONE;
}

/**
 * dk_reminder_plan:
 * @kase: (nullable): the case, %NULL when it is gone from the replica
 * @state: (nullable): what was recorded of it, %NULL when nothing was
 * @options: the offsets and limits
 * @now: the time
 * @out_due: (out): the reminder due now (kind %DK_REMINDER_NONE when none)
 * @out_state: (out): the state to record
 * @out_next: (out): the next moment to look again, %DK_TIME_UNSET when none
 *
 * Returns: the kind of the reminder due
 */
DkReminderKind
dk_reminder_plan (const DkReminderCase    *kase,
                  const DkReminderState   *state,
                  const DkReminderOptions *options,
                  gint64                   now,
                  DkReminderDue           *out_due,
                  DkReminderState         *out_state,
                  gint64                  *out_next)
{
  DkReminderState st = { DK_TIME_UNSET, DK_TIME_UNSET, DK_TIME_UNSET, FALSE, FALSE };
  DkReminderDue due = { DK_REMINDER_NONE, 0, DK_TIME_UNSET, DK_TIME_UNSET };
  g_autoptr(GArray) slots = NULL;
  const Slot *slot;

  g_return_val_if_fail (options != NULL, DK_REMINDER_NONE);
  g_return_val_if_fail (out_due != NULL && out_state != NULL && out_next != NULL,
                        DK_REMINDER_NONE);

  if (state != NULL)
    st = *state;
  else if (kase != NULL)
    {
      st.start = kase->start;
      st.end = kase->expected_end;
    }
  *out_next = DK_TIME_UNSET;

  if (st.done)
    goto out;

  /* Gone, or no longer a planned action with a start. */
  if (kase == NULL || !kase->planned || kase->start == DK_TIME_UNSET)
    {
      if (st.told)
        {
          due.kind = DK_REMINDER_CANCELLED;
          due.moment = now;
          due.was = st.start;
        }
      st.done = st.told || kase == NULL;
      goto out;
    }

  /* The user stopped following it: quiet, until they follow it again. */
  if (!kase->followed)
    goto out;

  if (kase->closed_at != DK_TIME_UNSET)
    {
      if (st.told)
        {
          due.kind = kase->closed_at < kase->start ? DK_REMINDER_CANCELLED : DK_REMINDER_FINISHED;
          due.moment = kase->closed_at;
          due.was = st.start;
        }
      st.start = kase->start;
      st.end = kase->expected_end;
      st.done = TRUE;
      goto out;
    }

  slots = list_slots (options, kase->start, kase->expected_end);

  if (find_change (kase, &st, now, &due) == DK_REMINDER_NONE)
    {
      slot = find_due (slots, &st, now);
      if (slot != NULL)
        {
          st.settled_until = slot->moment;
          if (slot->moment >= now - options->stale_seconds ||
              still_worth_telling (slot, &st, now))
            {
              due.kind = slot->kind;
              due.minutes = slot->minutes;
              due.moment = slot->moment;
              st.told = TRUE;
            }
        }
    }

  *out_next = find_next (slots, &st, now);

out:
  *out_due = due;
  *out_state = st;
  return due.kind;
}

/**
 * dk_reminder_state_equal:
 * @a: a state
 * @b: another
 *
 * Returns: whether they record the same
 */
gboolean
dk_reminder_state_equal (const DkReminderState *a,
                         const DkReminderState *b)
{
  return a->start == b->start && a->end == b->end && a->settled_until == b->settled_until &&
         !a->told == !b->told && !a->done == !b->done;
}
