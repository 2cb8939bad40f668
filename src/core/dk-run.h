/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-run.h: a run of a reserve routine on one unit (ward), with the state of each step */
#pragma once

#include <glib-object.h>

#include "dk-time.h"

G_BEGIN_DECLS

/* One tick or untick of a step: who, when (the client's clock when it was made, so an
 * offline tick keeps its time) and the id of the mutation that carried it. */
typedef struct {
  char     *by;
  gint64    at;
  gboolean  done;
  char     *id;     /* the mutation's UUID: the event's identity */
  gint64    received_at;  /* when the server received it; DK_TIME_UNSET before */
} DkRunTick;

/* One note on a step; notes are only ever added. */
typedef struct {
  char     *id;     /* the mutation's UUID */
  char     *by;
  gint64    at;
  char     *text;
  gint64    received_at;  /* when the server received it; DK_TIME_UNSET before */
} DkRunNote;

/* The state of one step. ticks and notes are the truth (sets of events, kept sorted);
 * done, by, at and note are derived from them by dk_run_step_derive (): the latest tick
 * decides done and names by and at; note is every note's text, oldest first. */
typedef struct {
  char      *step;   /* the routine step's id */
  gboolean   done;
  char      *by;     /* username of the latest tick or untick */
  gint64     at;
  char      *note;
  GPtrArray *ticks;  /* DkRunTick *, in the order of dk_run_tick_compare () */
  GPtrArray *notes;  /* DkRunNote *, by (at, id) */
} DkRunStep;

#define DK_TYPE_RUN (dk_run_get_type ())

typedef struct {
  /*< private >*/
  gatomicrefcount  ref_count;
  /*< public >*/
  char            *id;
  char            *routine;      /* routine id */
  char            *unit;         /* the ward */
  char            *case_id;      /* wire "case": the case it is tied to, may be NULL */
  char            *started_by;
  gint64           started_at;   /* the client's time, when plausible */
  gint64           finished_at;  /* DK_TIME_UNSET while running */
  gint64           received_at;  /* when the server received run.start; DK_TIME_UNSET before */
  GPtrArray       *steps;        /* DkRunStep * */
  gint64           revision;
} DkRun;

GType      dk_run_get_type   (void) G_GNUC_CONST;
DkRun     *dk_run_new        (void);
DkRun     *dk_run_ref        (DkRun       *self);
void       dk_run_unref      (DkRun       *self);
DkRun     *dk_run_copy       (const DkRun *self);
/* The state of a step, or NULL when nobody has touched it yet. */
DkRunStep *dk_run_find_step  (const DkRun *self,
                              const char  *step_id);

DkRunStep *dk_run_step_new   (void);
void       dk_run_step_free  (DkRunStep   *step);

DkRunTick *dk_run_tick_new     (const char      *by,
                                gint64           at,
                                gboolean         done,
                                const char      *id);
DkRunTick *dk_run_tick_copy    (const DkRunTick *tick);
void       dk_run_tick_free    (DkRunTick       *tick);
DkRunNote *dk_run_note_new     (const char      *by,
                                gint64           at,
                                const char      *text,
                                const char      *id);
DkRunNote *dk_run_note_copy    (const DkRunNote *note);
void       dk_run_note_free    (DkRunNote       *note);
/* The total order of ticks: by time, then a tick before an untick of the same second,
 * then by user, then by id. The last one decides. */
int        dk_run_tick_compare (const DkRunTick *a,
                                const DkRunTick *b);

/* Adds a tick (a copy) to the step's set, creating the step state when needed; FALSE
 * when an event with that id is there already (nothing changes). */
gboolean   dk_run_add_tick     (DkRun           *self,
                                const char      *step_id,
                                const DkRunTick *tick);
/* Adds a note (a copy); FALSE when a note with that id is there already. */
gboolean   dk_run_add_note     (DkRun           *self,
                                const char      *step_id,
                                const DkRunNote *note);
/* Adds every tick and note of @other's steps to @self (a set union); returns whether
 * anything was new. Merging in any order gives the same run. */
gboolean   dk_run_merge        (DkRun           *self,
                                const DkRun     *other);
/* The time to give a new event on @step_id: @now, but at least a second after the
 * step's latest tick, so that what someone does after seeing a tick orders after it
 * even when clocks differ a little or both fall in the same second. */
gint64     dk_run_next_event_time (const DkRun *self,
                                   const char  *step_id,
                                   gint64       now);
/* Recomputes done, by, at and note from the step's events. */
void       dk_run_step_derive  (DkRunStep       *step);
/* Every distinct user who ticked, unticked or noted the step, in order of first event.
 * (transfer container) (element-type utf8) */
GPtrArray *dk_run_step_dup_people (const DkRunStep *step);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkRun, dk_run_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkRunStep, dk_run_step_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkRunTick, dk_run_tick_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkRunNote, dk_run_note_free)

G_END_DECLS
