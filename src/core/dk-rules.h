/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-rules.h: the domain's rules: archive, lead time, who may publish what, transitions */
#pragma once

#include "dk-case.h"
#include "dk-enums.h"
#include "dk-routine.h"
#include "dk-run.h"

G_BEGIN_DECLS

/* A closed case moves to the archive 24 hours after it was closed. */
#define DK_ARCHIVE_DELAY_SECONDS   (24 * 3600)
/* Planned work on IT services is published seven days ahead; later is "Akut planerat". */
#define DK_PLANNED_LEAD_SECONDS    (7 * 24 * 3600)
/* A routine that expires within this is flagged. */
#define DK_ROUTINE_EXPIRY_WARNING_SECONDS (30 * 24 * 3600)

gboolean dk_rules_case_is_archived     (const DkCase *kase,
                                        gint64        now);

/* The status a new planned case gets: PLANNED when it is published at least seven days
 * before it starts (for IT/Telefoni), URGENT_PLANNED otherwise. Other areas are always
 * PLANNED. */
DkCaseStatus dk_rules_planned_status   (DkArea        area,
                                        gint64        start,
                                        gint64        now);
/* Checks a planned case's status against its lead time: PLANNED with less than seven
 * days' lead time on IT/Telefoni is DK_ERROR_INVALID (it must be URGENT_PLANNED). */
gboolean dk_rules_check_lead_time      (const DkCase *kase,
                                        gint64        now,
                                        GError      **error);

/* Who may publish a case of @kind in @area:
 *   servicedesk          incidents in IT/Telefoni
 *   customer_center      incidents in Fastigheter/Serviceleveranser
 *   lab_communicator     incidents in Labmedicin
 *   crisis_communicator  crisis information, any area
 *   release_coordinator  planned actions, any area
 * Admin is not a publisher. Returns FALSE with DK_ERROR_FORBIDDEN and a message that
 * names the role that would be needed. */
gboolean dk_rules_check_may_publish    (DkRole        roles,
                                        DkCaseKind    kind,
                                        DkArea        area,
                                        GError      **error);
/* The roles that publish cases of some kind: servicedesk, customer_center,
 * lab_communicator, crisis_communicator, release_coordinator. */
#define DK_ROLES_PUBLISHING ((DkRole) (DK_ROLE_SERVICEDESK | DK_ROLE_CUSTOMER_CENTER | \
                                       DK_ROLE_LAB_COMMUNICATOR | DK_ROLE_CRISIS_COMMUNICATOR | \
                                       DK_ROLE_RELEASE_COORDINATOR))
/* The roles that handle fault reports and urgent cases. */
#define DK_ROLES_REPORT_HANDLERS ((DkRole) (DK_ROLE_SERVICEDESK | DK_ROLE_CUSTOMER_CENTER | \
                                            DK_ROLE_LAB_COMMUNICATOR))

/* Whether @roles holds any publishing role. */
gboolean dk_rules_may_publish_any      (DkRole        roles);
/* Servicedesk, customer_center and lab_communicator handle reports; DK_ERROR_FORBIDDEN
 * otherwise. */
gboolean dk_rules_check_may_handle_reports (DkRole    roles,
                                        GError      **error);
/* Which areas a report handler sees in the inbox, a bit per DkArea (1 << area):
 * servicedesk IT/Telefoni, customer_center facilities, lab_communicator lab medicine. */
guint    dk_rules_report_inbox_areas   (DkRole        roles);

gboolean dk_rules_check_may_edit_routines (DkRole     roles,
                                        GError      **error);
gboolean dk_rules_check_may_admin      (DkRole        roles,
                                        GError      **error);
/* The unit catalogue is kept by admins and routine owners; every logged-in user reads it. */
#define DK_ROLES_UNIT_KEEPERS ((DkRole) (DK_ROLE_ADMIN | DK_ROLE_ROUTINE_OWNER))
gboolean dk_rules_may_edit_units       (DkRole        roles);
/* DK_ERROR_FORBIDDEN naming the roles when @roles holds neither. */
gboolean dk_rules_check_may_edit_units (DkRole        roles,
                                        GError      **error);

/* The statuses a case of @kind may have, and the moves between them:
 *   incident, crisis: ongoing → closed
 *   planned: planned ↔ urgent_planned, either → ongoing (work started) → closed,
 *            planned/urgent_planned → closed (cancelled or done)
 * A closed case stays closed. DK_ERROR_INVALID_TRANSITION otherwise. */
gboolean dk_rules_check_status_for_kind (DkCaseKind   kind,
                                        DkCaseStatus  status,
                                        GError      **error);
gboolean dk_rules_check_transition     (DkCaseStatus  from,
                                        DkCaseStatus  to,
                                        GError      **error);

/* An edit's status change, other than closing (which is case.close's, recording when
 * the case ended): allowed by dk_rules_check_transition() and for the case's kind, and a
 * case moved to "planned" must still have its lead time at @now. */
gboolean dk_rules_check_status_change  (const DkCase *edited,
                                        DkCaseStatus  from,
                                        gint64        now,
                                        GError      **error);
/* A closed case takes follow-ups, not updates; and it is closed once. Both FALSE with
 * DK_ERROR_INVALID_TRANSITION. A case that holds DK_MAX_UPDATES updates takes no more:
 * DK_ERROR_LIMIT_REACHED (closing stays possible). */
gboolean dk_rules_check_may_update     (const DkCase *kase,
                                        GError      **error);

/* The parts of a case's history that grow by appends. */
typedef enum {
  DK_CASE_HISTORY_FOLLOW_UPS,
  DK_CASE_HISTORY_AFFECTED,
  DK_CASE_HISTORY_RESERVE,
  DK_CASE_HISTORY_REPORTS,
} DkCaseHistory;

/* Whether @part of @kase takes one more item (dk-protocol.h says why the limits hold on
 * appends only): FALSE with DK_ERROR_LIMIT_REACHED and a message that says so. */
gboolean dk_rules_check_history_room   (const DkCase  *kase,
                                        DkCaseHistory  part,
                                        GError       **error);
gboolean dk_rules_check_may_close      (const DkCase *kase,
                                        GError      **error);
/* An ongoing case ends no earlier than it started (planned work that has not started
 * may be cancelled ahead of its start): DK_ERROR_INVALID otherwise. */
gboolean dk_rules_check_close_time     (const DkCase *kase,
                                        gint64        closed_at,
                                        GError      **error);

/* A finished run takes no more ticks, notes or finish: DK_ERROR_INVALID_TRANSITION. */
gboolean dk_rules_check_run_open       (const DkRun  *run,
                                        GError      **error);

/* Whether a routine is expired or will expire within 30 days of @now. */
gboolean dk_rules_routine_is_expired   (const DkRoutine *routine,
                                        gint64           now);
gboolean dk_rules_routine_expires_soon (const DkRoutine *routine,
                                        gint64           now);

G_END_DECLS
