/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routine-diff.h: what changed between two revisions of a routine */
#pragma once

#include "dk-routine.h"

G_BEGIN_DECLS

typedef enum {
  DK_ROUTINE_CHANGE_FIELD,         /* document control or title: field names it */
  DK_ROUTINE_CHANGE_STEP_ADDED,    /* new_value is the step's text */
  DK_ROUTINE_CHANGE_STEP_REMOVED,  /* old_value is the step's text */
  DK_ROUTINE_CHANGE_STEP_CHANGED,  /* field: "phase", "text", "condition", "contact",
                                    * "form" or "deadline" */
  DK_ROUTINE_CHANGE_STEP_MOVED,    /* its place among the steps both revisions have */
} DkRoutineChangeKind;

typedef struct {
  DkRoutineChangeKind  kind;
  char                *step;       /* the step's id; NULL for FIELD */
  char                *field;      /* FIELD: "title", "services", "audience", "owner",
                                    * "revision", "approved_at", "approved_by",
                                    * "valid_until"; STEP_CHANGED: the step's field */
  char                *old_value;  /* as a person reads it; NULL when none */
  char                *new_value;
} DkRoutineChange;

void       dk_routine_change_free     (DkRoutineChange       *change);
/* Every change from @old_routine to @new_routine: document control first, then steps
 * in @new_routine's order, removed steps last. Steps are matched by id. A step is moved
 * when it is not on the longest common run of steps both revisions keep in order.
 * (transfer full) (element-type DkRoutineChange) */
GPtrArray *dk_routine_diff            (const DkRoutine       *old_routine,
                                       const DkRoutine       *new_routine);
/* One line for a person, translated: "Step s3 changed its text: “A” → “B”".
 * (transfer full) */
char      *dk_routine_change_describe (const DkRoutineChange *change);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkRoutineChange, dk_routine_change_free)

G_END_DECLS
