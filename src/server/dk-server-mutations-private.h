/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-mutations-private.h: what the files of the mutation logic share */
#pragma once

#include "dk-server-mutations.h"

G_BEGIN_DECLS

/* How far in the future a client's clock may be when it sends a time of its own. */
#define DK_MUTATION_MAX_CLOCK_SKEW_SECONDS (5 * 60)

/*
 * One mutation, its envelope checked. Every pointer is borrowed.
 *
 * Two clocks: @now is the server's, when it received the mutation; every business rule
 * (the lead time of planned work, status changes, expiry) and every "received_at" use
 * it. @at is when the user did it: the envelope's "client_at" when it is plausible
 * (see dk_server_apply_mutation_since ()), else @now; the times of the user's acts
 * (a run's start, a tick, a report's or a case's creation, an update, ...) use it.
 */
typedef struct {
  DkServerDb     *db;
  const DkViewer *viewer;        /* logged in: username is never NULL here */
  const char     *id;            /* the mutation's UUID */
  const char     *op;
  gint64          base_revision; /* 0: not based on a revision */
  JsonNode       *data_node;     /* holds an object */
  JsonObject     *data;
  gint64          now;           /* the server's receipt time */
  gint64          at;            /* the user's time: client_at when plausible, else now */
  gint64          earliest;      /* the earliest plausible client time; DK_TIME_UNSET: none */
} DkMutation;

/* What an operation did: filled in by _dk_mutation_set_applied or _dk_mutation_conflict. */
typedef struct {
  const char *type;        /* static: DK_TYPE_NAME_* */
  char       *object_id;
  gint64      revision;
  char       *number;      /* cases and reports */
  JsonNode   *current;     /* a conflict: the server's version */
} DkMutationOutcome;

/*
 * An operation returns TRUE when it applied (the outcome filled in), or FALSE with
 * @error: DK_ERROR_STORAGE is a storage failure, DK_ERROR_CONFLICT with
 * outcome->current set is a conflict, anything else a rejection with that code.
 */
typedef gboolean (*DkMutationApplyFunc) (const DkMutation   *mutation,
                                         DkMutationOutcome  *outcome,
                                         GError            **error);

/* ---- helpers (dk-server-mutations.c) ---- */

void      _dk_mutation_outcome_clear          (DkMutationOutcome  *outcome);
void      _dk_mutation_set_applied            (DkMutationOutcome  *outcome,
                                               const char         *type,
                                               const char         *object_id,
                                               gint64              revision,
                                               const char         *number);
/* Records a conflict (takes @current) and returns FALSE with DK_ERROR_CONFLICT. */
gboolean  _dk_mutation_conflict               (DkMutationOutcome  *outcome,
                                               const char         *type,
                                               const char         *object_id,
                                               gint64              revision,
                                               JsonNode           *current,
                                               GError            **error);
/* Whether the mutation was based on @current_revision (or on no revision at all). */
gboolean  _dk_mutation_base_revision_matches  (const DkMutation   *mutation,
                                               gint64              current_revision);
/* A required, non-empty id member ("id", "routine", "step"). */
gboolean  _dk_mutation_read_id                (JsonObject         *object,
                                               const char         *member,
                                               char              **out,
                                               GError            **error);
/* A time the client chose in the data (a tick's "at", the end of a closed case): RFC
 * 3339, at most five minutes ahead of the server's clock. Absent or null leaves *inout
 * as it is (callers start it at mutation->at). */
gboolean  _dk_mutation_read_client_time       (const DkMutation   *mutation,
                                               JsonObject         *object,
                                               const char         *member,
                                               gint64             *inout,
                                               GError            **error);
/* Copies @data's members onto @base, but those named in @skip (NULL-terminated). */
void      _dk_mutation_overlay                (JsonObject         *base,
                                               JsonObject         *data,
                                               const char * const *skip);
/* Whether an object (a tombstone counts when @count_deleted) is stored. */
gboolean  _dk_mutation_object_exists          (DkServerDb         *db,
                                               const char         *type,
                                               const char         *id,
                                               gboolean            count_deleted,
                                               gboolean           *exists,
                                               GError            **error);
/* Whether a live object of @type with @id is stored; DK_ERROR_NOT_FOUND with
 * @deleted_message when only its tombstone is. */
gboolean  _dk_mutation_find_live_object       (DkServerDb         *db,
                                               const char         *type,
                                               const char         *id,
                                               const char         *deleted_message,
                                               gboolean           *exists,
                                               GError            **error);
/* DK_ERROR_INVALID with @message when an object of @type with @id is stored already. */
gboolean  _dk_mutation_check_new_id           (DkServerDb         *db,
                                               const char         *type,
                                               const char         *id,
                                               const char         *message,
                                               GError            **error);
/* DK_ERROR_NOT_FOUND naming the first service id that is not stored. */
gboolean  _dk_mutation_check_services         (DkServerDb         *db,
                                               GPtrArray          *services,
                                               GError            **error);
/* "DK-1042": @prefix and the counter's next value. (transfer full) */
char     *_dk_mutation_next_number            (DkServerDb         *db,
                                               const char         *counter,
                                               const char         *prefix,
                                               GError            **error);

/* ---- operations ---- */

/* dk-server-mutations-case.c */
gboolean  _dk_mutation_apply_case_create      (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);
gboolean  _dk_mutation_apply_case_edit        (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);
gboolean  _dk_mutation_apply_case_add_update  (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);
gboolean  _dk_mutation_apply_case_close       (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);
gboolean  _dk_mutation_apply_case_follow_up   (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);
gboolean  _dk_mutation_apply_case_affected    (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);
gboolean  _dk_mutation_apply_case_reserve     (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);

/* dk-server-mutations-report.c */
gboolean  _dk_mutation_apply_report_acknowledge (const DkMutation *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);
gboolean  _dk_mutation_apply_report_close     (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);
gboolean  _dk_mutation_apply_report_link      (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);

/* dk-server-mutations-template.c */
gboolean  _dk_mutation_apply_template_save    (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);
gboolean  _dk_mutation_apply_template_delete  (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);

/* dk-server-mutations-unit.c */
gboolean  _dk_mutation_apply_unit_save        (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);
gboolean  _dk_mutation_apply_unit_delete      (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);

/* dk-server-mutations-routine.c */
gboolean  _dk_mutation_apply_routine_save     (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);
gboolean  _dk_mutation_apply_routine_approve  (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);
gboolean  _dk_mutation_apply_run_start        (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);
gboolean  _dk_mutation_apply_run_set_step     (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);
gboolean  _dk_mutation_apply_run_finish       (const DkMutation   *mutation,
                                               DkMutationOutcome  *outcome,
                                               GError            **error);

G_END_DECLS
