/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-run.h: a run of a reserve routine on one unit (ward), with the state of each step */
#pragma once

#include <glib-object.h>

#include "dk-time.h"

G_BEGIN_DECLS

typedef struct {
  char     *step;   /* the routine step's id */
  gboolean  done;
  char     *by;     /* username of the last one who set it */
  gint64    at;
  char     *note;
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
  gint64           started_at;
  gint64           finished_at;  /* DK_TIME_UNSET while running */
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkRun, dk_run_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkRunStep, dk_run_step_free)

G_END_DECLS
