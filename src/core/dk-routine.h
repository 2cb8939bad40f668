/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routine.h: a reserve routine (reservrutin) with document control and steps */
#pragma once

#include <glib-object.h>

#include "dk-enums.h"
#include "dk-time.h"

G_BEGIN_DECLS

/* Whom to call: office hours and on call. Every field may be NULL. */
typedef struct {
  char *name;
  char *office_hours;   /* phone number during office hours */
  char *on_call;        /* phone number evenings, nights, weekends */
} DkContact;

typedef struct {
  char           *id;
  DkRoutinePhase  phase;
  char           *text;
  /* A condition on the outage's length, NULL when the step always applies:
   * "outage_over:10h" or "outage_up_to:10h" (see dk_routine_step_applies). */
  char           *condition;
  DkContact      *contact;   /* NULL when none */
  char           *form;      /* a form to print, NULL when none: "manual_journal_note",
                              * "deviation_report", "post_registration", ... */
  /* Added: by when the step must be done once the outage is over, NULL when it does
   * not say: "next_day" (by the end of the day after it ended) or "24h" (so many hours
   * after it ended). See dk_routine_post_registration_deadline (). */
  char           *deadline;
} DkRoutineStep;

/* Where a routine's "valid until" stands (document control). */
typedef enum {
  DK_ROUTINE_VALID,           /* no end, or more than 30 days left */
  DK_ROUTINE_EXPIRING_SOON,   /* ends within 30 days */
  DK_ROUTINE_EXPIRED,         /* ended */
} DkRoutineValidity;

#define DK_TYPE_ROUTINE (dk_routine_get_type ())

typedef struct {
  /*< private >*/
  gatomicrefcount  ref_count;
  /*< public >*/
  char            *id;
  char            *title;
  GPtrArray       *services;     /* char *: service ids */
  char            *audience;     /* "care staff", "licensed staff", ... */
  char            *owner;        /* the responsible person or role */
  gint64           revision;     /* document revision, 1, 2, ... */
  gint64           approved_at;  /* DK_TIME_UNSET for a draft */
  char            *approved_by;
  gint64           valid_until;  /* DK_TIME_UNSET when open-ended */
  GPtrArray       *steps;        /* DkRoutineStep *, in order */
} DkRoutine;

GType          dk_routine_get_type   (void) G_GNUC_CONST;
DkRoutine     *dk_routine_new        (void);
DkRoutine     *dk_routine_ref        (DkRoutine       *self);
void           dk_routine_unref      (DkRoutine       *self);
DkRoutine     *dk_routine_copy       (const DkRoutine *self);
DkRoutineStep *dk_routine_find_step  (const DkRoutine *self,
                                      const char      *step_id);

DkRoutineStep *dk_routine_step_new   (void);
void           dk_routine_step_free  (DkRoutineStep   *step);
DkContact     *dk_contact_new        (void);
void           dk_contact_free       (DkContact       *contact);
DkContact     *dk_contact_copy       (const DkContact *contact);

/* Checks that a condition string is well formed (NULL is well formed). */
gboolean       dk_routine_condition_validate (const char *condition,
                                              GError    **error);
/* Splits a well-formed condition: "outage_over:10h" is (TRUE, 10). */
gboolean       dk_routine_condition_parse    (const char *condition,
                                              gboolean   *out_over,
                                              guint      *out_hours);
/* Checks a step's deadline ("next_day", "1h" to "1000h"; NULL is well formed). */
gboolean       dk_routine_deadline_validate  (const char *deadline,
                                              GError    **error);
/* A step's deadline for people, translated ("by the end of the next day"), or NULL
 * when it has none or it is not well formed. (transfer full) */
char          *dk_routine_dup_deadline_label (const char *deadline);
/* Whether a step applies to an outage that lasted @outage_seconds. */
gboolean       dk_routine_step_applies       (const DkRoutineStep *step,
                                              gint64               outage_seconds);

/* Where @routine's "valid until" stands at @now; @out_days_left (nullable) gets the
 * whole days left (0 on its last day, negative once expired: days since). */
DkRoutineValidity dk_routine_validity        (const DkRoutine *routine,
                                              gint64           now,
                                              gint            *out_days_left);
/* The warning to show with the routine, translated, or NULL when it is valid. */
char          *dk_routine_dup_validity_warning (const DkRoutine *routine,
                                              gint64           now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkRoutine, dk_routine_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkRoutineStep, dk_routine_step_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkContact, dk_contact_free)

G_END_DECLS
