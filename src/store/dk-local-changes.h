/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-local-changes.h: what a user does, as outbox entries with optimistic local versions
 *
 * Each function checks the change with the core (codec validation, the rules a client
 * can know), builds the mutation of ARCHITECTURE.md and the object's new local version,
 * and commits both through dk_store_enqueue. The server still judges every change.
 * @me is the logged-in username; @now the current time (dk_time_now ()).
 */
#pragma once

#include "dk-store.h"

G_BEGIN_DECLS

/* case.create: @kase must have an id (a new UUID when NULL is set here); its number
 * stays NULL until the server assigns one. */
gboolean dk_local_create_case      (DkStore        *store,
                                    DkCase         *kase,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* case.edit: @changes holds the members to change (title, description, scope, services,
 * priority, major, public, external_ref, start, expected_end, status). */
gboolean dk_local_edit_case        (DkStore        *store,
                                    const char     *case_id_or_number,
                                    JsonObject     *changes,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* Conflict resolved field by field: @chosen holds the case fields the user picked (a
 * case.edit's members); drops the conflicting entry and queues a case.edit based on the
 * server's current revision, in one transaction. */
gboolean dk_local_resolve_case_conflict (DkStore   *store,
                                    const char     *mutation_id,
                                    JsonObject     *chosen,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* case.add_update; @expected_end DK_TIME_UNSET leaves it as it is. */
gboolean dk_local_add_update       (DkStore        *store,
                                    const char     *case_id_or_number,
                                    DkUpdatePhrase  phrase,
                                    const char     *text,
                                    gint64          expected_end,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* case.close */
gboolean dk_local_close_case       (DkStore        *store,
                                    const char     *case_id_or_number,
                                    const char     *text,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* case.follow_up */
gboolean dk_local_add_follow_up    (DkStore        *store,
                                    const char     *case_id_or_number,
                                    const char     *text,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* report.create: @report must have kind, service, unit, reporter, description. */
gboolean dk_local_create_report    (DkStore        *store,
                                    DkReport       *report,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* run.start; returns the new run's id. */
char    *dk_local_start_run        (DkStore        *store,
                                    const char     *routine_id,
                                    const char     *unit,
                                    const char     *case_id_or_number,   /* may be NULL */
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* What a run.set_step does to the tick. */
typedef enum {
  DK_RUN_TICK,
  DK_RUN_UNTICK,
  DK_RUN_NOTE_ONLY,   /* adds the note, leaves the tick as it is */
} DkRunAction;

/* run.set_step: a tick or untick event and a note event (dk-run.c says how they merge) */
gboolean dk_local_change_run_step  (DkStore        *store,
                                    const char     *run_id,
                                    const char     *step_id,
                                    DkRunAction     action,
                                    const char     *note,               /* may be NULL */
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* run.set_step, ticking (@done) or unticking */
gboolean dk_local_set_run_step     (DkStore        *store,
                                    const char     *run_id,
                                    const char     *step_id,
                                    gboolean        done,
                                    const char     *note,               /* may be NULL */
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* run.finish */
gboolean dk_local_finish_run       (DkStore        *store,
                                    const char     *run_id,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* subscription.set */
gboolean dk_local_set_subscription (DkStore        *store,
                                    DkSubscription *subscription,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);

/* routine.save: a new revision of @routine (a new routine when the replica has none).
 * The server makes every save a draft with the next revision number; @base_revision is
 * the revision the edit started from (0 for a new routine), so that an edit of an older
 * revision comes back as a conflict. The replica shows the draft at once only when the
 * routine has no approved revision (wards keep the approved one until the next approval,
 * as on the server). */
gboolean dk_local_save_routine     (DkStore        *store,
                                    DkRoutine      *routine,
                                    gint64          base_revision,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* routine.approve: approves @revision, which must be the routine's latest. */
gboolean dk_local_approve_routine  (DkStore        *store,
                                    const char     *routine_id,
                                    gint64          revision,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);

/* case.affected: "we are affected too"; DK_ERROR_DUPLICATE when @unit is listed. */
gboolean dk_local_mark_affected    (DkStore        *store,
                                    const char     *case_id_or_number,
                                    const char     *unit,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* case.reserve "declared": for @all_units, or for @units (NULL-terminated). */
gboolean dk_local_declare_reserve  (DkStore        *store,
                                    const char     *case_id_or_number,
                                    gboolean        all_units,
                                    const char * const *units,
                                    const char     *text,               /* may be NULL */
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* case.reserve "lifted": needs one in force. */
gboolean dk_local_lift_reserve     (DkStore        *store,
                                    const char     *case_id_or_number,
                                    const char     *text,               /* may be NULL */
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* report.acknowledge: new → acknowledged. */
gboolean dk_local_acknowledge_report (DkStore      *store,
                                    const char     *report_id_or_number,
                                    const char     *note,               /* may be NULL */
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* report.close: any state but closed. */
gboolean dk_local_close_report     (DkStore        *store,
                                    const char     *report_id_or_number,
                                    const char     *note,               /* may be NULL */
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* report.link: DK_ERROR_DUPLICATE when linked already; the case may be one created
 * offline just before. */
gboolean dk_local_link_report      (DkStore        *store,
                                    const char     *report_id_or_number,
                                    const char     *case_id_or_number,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* template.save: @base_revision 0 for a new template (its id is set when NULL). */
gboolean dk_local_save_template    (DkStore        *store,
                                    DkTemplate     *tmpl,
                                    gint64          base_revision,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* template.delete */
gboolean dk_local_delete_template  (DkStore        *store,
                                    const char     *template_id,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* unit.save: @base_revision 0 for a new unit (its id is set when NULL); a name or alias
 * of another unit is DK_ERROR_DUPLICATE. */
gboolean dk_local_save_unit        (DkStore        *store,
                                    DkUnit         *unit,
                                    gint64          base_revision,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);
/* unit.delete: @unit is an id, name or alias. */
gboolean dk_local_delete_unit      (DkStore        *store,
                                    const char     *unit,
                                    const char     *me,
                                    gint64          now,
                                    GError        **error);

G_END_DECLS
