/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case.h: a case (ärende): incident, planned action or crisis information */
#pragma once

#include <glib-object.h>

#include "dk-enums.h"
#include "dk-time.h"

G_BEGIN_DECLS

typedef struct {
  char           *id;
  gint64          at;           /* when the author did it (the client's time, when plausible) */
  DkUpdatePhrase  phrase;
  char           *text;
  char           *author;
  gint64          received_at;  /* when the server received it; DK_TIME_UNSET before */
} DkCaseUpdate;

/* A follow-up note written after the case (evaluation, lessons learned). */
typedef struct {
  char   *id;
  gint64  at;
  char   *text;
  char   *author;
  gint64  received_at;  /* the server's receipt time; DK_TIME_UNSET before */
} DkCaseFollowUp;

/* "We are affected too": a unit that told the publishers it is affected as well. */
typedef struct {
  char   *unit;
  gint64  at;
  char   *by;      /* username */
  gint64  received_at;  /* the server's receipt time; DK_TIME_UNSET before */
} DkCaseAffected;

/* The reserve routine declared in force (for all units or for listed ones), or lifted. */
typedef struct {
  char      *id;
  gint64     at;
  gboolean   declared;   /* wire "action": "declared" | "lifted" */
  gboolean   all_units;  /* wire "all_units" */
  GPtrArray *units;      /* char *, wire "units" (empty when all_units) */
  char      *author;
  char      *text;
  gint64     received_at;  /* the server's receipt time; DK_TIME_UNSET before */
} DkCaseReserveEvent;

#define DK_TYPE_CASE (dk_case_get_type ())

typedef struct {
  /*< private >*/
  gatomicrefcount  ref_count;
  /*< public >*/
  char            *id;            /* UUID, made by the client that created it */
  char            *number;        /* "DK-1042", assigned by the server; NULL until then */
  DkCaseKind       kind;
  DkArea           area;
  char            *title;
  char            *description;
  char            *scope;
  GPtrArray       *services;      /* char *: service ids */
  DkCaseStatus     status;
  int              priority;      /* 1–5 */
  gboolean         major;
  gboolean         public;
  char            *external_ref;  /* the publisher's ticket number, may be NULL */
  gint64           start;
  gint64           expected_end;  /* DK_TIME_UNSET when unknown */
  gint64           closed_at;     /* DK_TIME_UNSET while open */
  GPtrArray       *updates;       /* DkCaseUpdate *, oldest first */
  GPtrArray       *follow_ups;    /* DkCaseFollowUp *, oldest first */
  GPtrArray       *affected;      /* DkCaseAffected *, oldest first */
  GPtrArray       *reserve;       /* DkCaseReserveEvent *, oldest first */
  GPtrArray       *reports;       /* char *: ids of the linked reports */
  char            *publisher;     /* username, set by the server */
  gint64           created_at;    /* when it was published (the client's time, when plausible) */
  gint64           received_at;   /* when the server received it; DK_TIME_UNSET before */
  gint64           revision;      /* 0 until the server has it */
  /* Never on the wire: set by dk_case_from_json_partial () when a stored case could be
   * read only in part, saying what was left out; a client shows it (issue 13). */
  char            *unread;
} DkCase;

GType           dk_case_get_type         (void) G_GNUC_CONST;
DkCase         *dk_case_new              (void);
DkCase         *dk_case_ref              (DkCase         *self);
void            dk_case_unref            (DkCase         *self);
DkCase         *dk_case_copy             (const DkCase   *self);
/* The latest update, or NULL when there is none. */
DkCaseUpdate   *dk_case_get_latest_update (const DkCase  *self);
/* The reserve routine in force: the latest event when it is a declaration, else NULL. */
const DkCaseReserveEvent *dk_case_get_reserve_in_force (const DkCase *self);
/* Whether it is in force for @unit (all units, or @unit listed; case-insensitive). */
gboolean        dk_case_reserve_applies_to (const DkCase *self,
                                            const char   *unit);
/* Whether @unit said it is affected too (case-insensitive). */
gboolean        dk_case_has_affected_unit  (const DkCase *self,
                                            const char   *unit);
/* Whether the report @report_id is linked to the case. */
gboolean        dk_case_has_report       (const DkCase   *self,
                                          const char     *report_id);

DkCaseUpdate   *dk_case_update_new       (void);
void            dk_case_update_free      (DkCaseUpdate   *update);
DkCaseFollowUp *dk_case_follow_up_new    (void);
void            dk_case_follow_up_free   (DkCaseFollowUp *follow_up);
DkCaseAffected *dk_case_affected_new     (void);
void            dk_case_affected_free    (DkCaseAffected *affected);
DkCaseReserveEvent *dk_case_reserve_event_new  (void);
void            dk_case_reserve_event_free (DkCaseReserveEvent *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkCase, dk_case_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkCaseUpdate, dk_case_update_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkCaseFollowUp, dk_case_follow_up_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkCaseAffected, dk_case_affected_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkCaseReserveEvent, dk_case_reserve_event_free)

G_END_DECLS
