/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-run.c: a run of a reserve routine on one unit (ward), with the state of each step
 *
 * How runs merge. Several people on one ward tick steps and write notes on different
 * desktops, online or offline, and their changes reach the server in any order, some of
 * them hours late. So the state of a step is not a value that is overwritten but two
 * sets of events that only grow:
 *
 *   ticks  one per tick or untick: (by, at, done, id), where at is the time on the
 *          desktop when it was made and id the UUID of the mutation that carried it;
 *   notes  one per note: (id, by, at, text).
 *
 * Applying an event is adding it to its set; an event whose id is there already is a
 * no-op (a mutation sent twice). Set union is commutative, associative and idempotent,
 * so any two desktops and the server that have seen the same events hold the same
 * state, whatever the order they arrived in, and no tick or note is ever dropped: both
 * people who ticked the same step stay named, each with their time.
 *
 * What shows is derived: a step is done when the latest tick by the total order of
 * dk_run_tick_compare () — time, then a tick before an untick made in the same second,
 * then user name, then id — is a tick. So when one person unticks while another ticks,
 * the later action wins (a tie goes to the tick), and the other is still in the step's
 * history. The one note field of the wire shape is every note's text, oldest first.
 * The sets (and the steps, by id) are kept sorted, so the JSON of a merged run is the
 * same byte for byte.
 *
 * Times are the desktop's clock, but a new event is never given a time before the
 * latest tick its author has seen on that step (dk_run_next_event_time ()): so an
 * untick made after seeing a tick always wins over it, even in the same second or
 * with a clock a little behind (a hybrid logical clock, in whole seconds).
 *
 * The server applies run.set_step with dk_run_add_tick () and dk_run_add_note (); the
 * replica applies the same functions to its local version, so what a user sees before
 * the server answers is what the server will make of it.
 */

#define G_LOG_DOMAIN "dk-run"

#include "config.h"

#include <string.h>

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
  self->received_at = DK_TIME_UNSET;
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
  copy->received_at = self->received_at;
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
      for (guint j = 0; step->ticks != NULL && j < step->ticks->len; j++)
        {
          const DkRunTick *tick = g_ptr_array_index (step->ticks, j);

          g_ptr_array_add (step_copy->ticks, dk_run_tick_copy (tick));
        }
      for (guint j = 0; step->notes != NULL && j < step->notes->len; j++)
        {
          const DkRunNote *note = g_ptr_array_index (step->notes, j);

          g_ptr_array_add (step_copy->notes, dk_run_note_copy (note));
        }
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
  step->ticks = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_run_tick_free);
  step->notes = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_run_note_free);
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
  g_clear_pointer (&step->ticks, g_ptr_array_unref);
  g_clear_pointer (&step->notes, g_ptr_array_unref);
  g_free (step);
}

/**
 * dk_run_tick_new:
 * @by: who
 * @at: when, on their desktop
 * @done: a tick (%TRUE) or an untick
 * @id: the event's id (the mutation's UUID)
 *
 * Returns: (transfer full): a new tick event
 */
DkRunTick *
dk_run_tick_new (const char *by,
                 gint64      at,
                 gboolean    done,
                 const char *id)
{
  DkRunTick *tick = g_new0 (DkRunTick, 1);

  tick->by = g_strdup (by);
  tick->at = at;
  tick->done = !!done;
  tick->id = g_strdup (id);
  tick->received_at = DK_TIME_UNSET;
  return tick;
}

/**
 * dk_run_tick_copy:
 * @tick: a tick event
 *
 * Returns: (transfer full): a copy of @tick, its receipt time too
 */
DkRunTick *
dk_run_tick_copy (const DkRunTick *tick)
{
  DkRunTick *copy;

  g_return_val_if_fail (tick != NULL, NULL);

  copy = dk_run_tick_new (tick->by, tick->at, tick->done, tick->id);
  copy->received_at = tick->received_at;
  return copy;
}

/**
 * dk_run_tick_free:
 * @tick: (nullable): a tick event
 */
void
dk_run_tick_free (DkRunTick *tick)
{
  if (tick == NULL)
    return;

  g_free (tick->by);
  g_free (tick->id);
  g_free (tick);
}

/**
 * dk_run_note_new:
 * @by: who
 * @at: when, on their desktop
 * @text: the note
 * @id: the event's id (the mutation's UUID)
 *
 * Returns: (transfer full): a new note event
 */
DkRunNote *
dk_run_note_new (const char *by,
                 gint64      at,
                 const char *text,
                 const char *id)
{
  DkRunNote *note = g_new0 (DkRunNote, 1);

  note->by = g_strdup (by);
  note->at = at;
  note->text = g_strdup (text);
  note->id = g_strdup (id);
  note->received_at = DK_TIME_UNSET;
  return note;
}

/**
 * dk_run_note_copy:
 * @note: a note event
 *
 * Returns: (transfer full): a copy of @note, its receipt time too
 */
DkRunNote *
dk_run_note_copy (const DkRunNote *note)
{
  DkRunNote *copy;

  g_return_val_if_fail (note != NULL, NULL);

  copy = dk_run_note_new (note->by, note->at, note->text, note->id);
  copy->received_at = note->received_at;
  return copy;
}

/**
 * dk_run_note_free:
 * @note: (nullable): a note event
 */
void
dk_run_note_free (DkRunNote *note)
{
  if (note == NULL)
    return;

  g_free (note->id);
  g_free (note->by);
  g_free (note->text);
  g_free (note);
}

/**
 * dk_run_tick_compare:
 * @a: a tick event
 * @b: another
 *
 * The total order that decides a step: earlier before later; in the same second an
 * untick before a tick (so a tie keeps the step done); then by user name, then by id.
 *
 * Returns: <0, 0 or >0 as @a comes before, is, or comes after @b
 */
int
dk_run_tick_compare (const DkRunTick *a,
                     const DkRunTick *b)
{
  int cmp;

  if (a->at != b->at)
    return a->at < b->at ? -1 : 1;
  if (a->done != b->done)
    return a->done ? 1 : -1;
  cmp = g_strcmp0 (a->by, b->by);
  if (cmp != 0)
    return cmp;
  return g_strcmp0 (a->id, b->id);
}

static int
note_compare (const DkRunNote *a,
              const DkRunNote *b)
{
  int cmp;

  if (a->at != b->at)
    return a->at < b->at ? -1 : 1;
  cmp = g_strcmp0 (a->by, b->by);
  if (cmp != 0)
    return cmp;
  return g_strcmp0 (a->id, b->id);
}

static DkRunStep *
ensure_step (DkRun      *self,
             const char *step_id)
{
  DkRunStep *step = dk_run_find_step (self, step_id);

  if (step == NULL)
    {
      guint at = self->steps->len;

      step = dk_run_step_new ();
      step->step = g_strdup (step_id);
      /* Sorted by id, so that the order of arrival does not show either. */
      while (at > 0 &&
             g_strcmp0 (((DkRunStep *) g_ptr_array_index (self->steps, at - 1))->step, step_id) > 0)
        at--;
      g_ptr_array_insert (self->steps, at, step);
    }

  return step;
}

/* Inserts @event into the sorted @events unless one with the same id is there. */
static gboolean
insert_event (GPtrArray     *events,
              gpointer       event,
              const char    *(*get_id) (gconstpointer),
              GCompareFunc   compare)
{
  guint at = events->len;

  for (guint i = 0; i < events->len; i++)
    {
      if (g_strcmp0 (get_id (g_ptr_array_index (events, i)), get_id (event)) == 0)
        return FALSE;
    }
  while (at > 0 && compare (g_ptr_array_index (events, at - 1), event) > 0)
    at--;
  g_ptr_array_insert (events, at, event);
  return TRUE;
}

static const char *
tick_get_id (gconstpointer tick)
{
  return ((const DkRunTick *) tick)->id;
}

static const char *
note_get_id (gconstpointer note)
{
  return ((const DkRunNote *) note)->id;
}

/**
 * dk_run_add_tick:
 * @self: a #DkRun
 * @step_id: the routine step's id
 * @tick: the event (copied)
 *
 * Returns: %TRUE when the tick was new
 */
gboolean
dk_run_add_tick (DkRun           *self,
                 const char      *step_id,
                 const DkRunTick *tick)
{
  DkRunStep *step;
  DkRunTick *copy;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (step_id != NULL && tick != NULL && tick->id != NULL, FALSE);

  step = ensure_step (self, step_id);
  copy = dk_run_tick_copy (tick);
  if (!insert_event (step->ticks, copy, tick_get_id, (GCompareFunc) dk_run_tick_compare))
    {
      dk_run_tick_free (copy);
      return FALSE;
    }

  dk_run_step_derive (step);
  return TRUE;
}

/**
 * dk_run_add_note:
 * @self: a #DkRun
 * @step_id: the routine step's id
 * @note: the event (copied)
 *
 * Returns: %TRUE when the note was new
 */
gboolean
dk_run_add_note (DkRun           *self,
                 const char      *step_id,
                 const DkRunNote *note)
{
  DkRunStep *step;
  DkRunNote *copy;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (step_id != NULL && note != NULL && note->id != NULL, FALSE);

  step = ensure_step (self, step_id);
  copy = dk_run_note_copy (note);
  if (!insert_event (step->notes, copy, note_get_id, (GCompareFunc) note_compare))
    {
      dk_run_note_free (copy);
      return FALSE;
    }

  dk_run_step_derive (step);
  return TRUE;
}

/**
 * dk_run_merge:
 * @self: a #DkRun
 * @other: another version of the same run
 *
 * Returns: %TRUE when @other held an event @self did not
 */
gboolean
dk_run_merge (DkRun       *self,
              const DkRun *other)
{
  gboolean changed = FALSE;

  g_return_val_if_fail (self != NULL && other != NULL, FALSE);

  for (guint i = 0; other->steps != NULL && i < other->steps->len; i++)
    {
      const DkRunStep *step = g_ptr_array_index (other->steps, i);

      for (guint j = 0; j < step->ticks->len; j++)
        changed |= dk_run_add_tick (self, step->step, g_ptr_array_index (step->ticks, j));
      for (guint j = 0; j < step->notes->len; j++)
        changed |= dk_run_add_note (self, step->step, g_ptr_array_index (step->notes, j));
    }

  return changed;
}

/**
 * dk_run_next_event_time:
 * @self: a #DkRun
 * @step_id: the routine step's id
 * @now: the current time
 *
 * Returns: @now, or one second after the step's latest tick when that is later
 */
gint64
dk_run_next_event_time (const DkRun *self,
                        const char  *step_id,
                        gint64       now)
{
  const DkRunStep *step;

  g_return_val_if_fail (self != NULL, now);

  step = dk_run_find_step (self, step_id);
  if (step == NULL || step->ticks->len == 0)
    return now;

  return MAX (now, ((DkRunTick *) g_ptr_array_index (step->ticks, step->ticks->len - 1))->at + 1);
}

/**
 * dk_run_step_derive:
 * @step: a step state
 *
 * Sets done, by and at from the latest tick (not done, nobody, unset when there is
 * none) and note from the notes (%NULL when there is none).
 */
void
dk_run_step_derive (DkRunStep *step)
{
  g_autoptr(GString) text = NULL;

  g_return_if_fail (step != NULL);

  g_clear_pointer (&step->by, g_free);
  g_clear_pointer (&step->note, g_free);
  step->done = FALSE;
  step->at = DK_TIME_UNSET;

  if (step->ticks->len > 0)
    {
      const DkRunTick *latest = g_ptr_array_index (step->ticks, step->ticks->len - 1);

      step->done = latest->done;
      step->by = g_strdup (latest->by);
      step->at = latest->at;
    }

  for (guint i = 0; i < step->notes->len; i++)
    {
      const DkRunNote *note = g_ptr_array_index (step->notes, i);

      if (note->text == NULL || *note->text == '\0')
        continue;
      if (text == NULL)
        text = g_string_new (NULL);
      else
        g_string_append_c (text, '\n');
      g_string_append (text, note->text);
    }
  if (text != NULL)
    step->note = g_string_free (g_steal_pointer (&text), FALSE);
}

static void
add_person (GPtrArray  *people,
            const char *user)
{
  if (user == NULL)
    return;
  for (guint i = 0; i < people->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (people, i), user) == 0)
        return;
    }
  g_ptr_array_add (people, (gpointer) user);
}

/**
 * dk_run_step_dup_people:
 * @step: a step state
 *
 * Returns: (transfer container) (element-type utf8): who ticked, unticked or noted
 *   the step, ticks first, each once
 */
GPtrArray *
dk_run_step_dup_people (const DkRunStep *step)
{
  GPtrArray *people = g_ptr_array_new ();

  g_return_val_if_fail (step != NULL, people);

  for (guint i = 0; i < step->ticks->len; i++)
    add_person (people, ((DkRunTick *) g_ptr_array_index (step->ticks, i))->by);
  for (guint i = 0; i < step->notes->len; i++)
    add_person (people, ((DkRunNote *) g_ptr_array_index (step->notes, i))->by);
  return people;
}
