/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-enums.h: the domain's enumerations, their wire names and their labels */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Every enum has three functions:
 *   _to_string (value)            the wire name ("incident"), never translated
 *   _from_string (str, &value)    FALSE for an unknown or NULL name
 *   _label (value)                the label a person reads, translated (_())
 * The first value of every enum is 0 so that g_new0 gives a valid default.
 */

typedef enum {
  DK_CASE_KIND_INCIDENT,   /* Driftstörning */
  DK_CASE_KIND_PLANNED,    /* Planerad åtgärd */
  DK_CASE_KIND_CRISIS,     /* Krisinformation */
} DkCaseKind;
#define DK_CASE_KIND_LAST DK_CASE_KIND_CRISIS

typedef enum {
  DK_AREA_IT_TELEPHONY,    /* IT/Telefoni */
  DK_AREA_LAB_MEDICINE,    /* Labmedicin */
  DK_AREA_FACILITIES,      /* Fastigheter/Serviceleveranser */
} DkArea;
#define DK_AREA_LAST DK_AREA_FACILITIES

typedef enum {
  DK_CASE_STATUS_ONGOING,        /* Pågående */
  DK_CASE_STATUS_CLOSED,         /* Avslutat */
  DK_CASE_STATUS_PLANNED,        /* Planerat */
  DK_CASE_STATUS_URGENT_PLANNED, /* Akut planerat */
} DkCaseStatus;
#define DK_CASE_STATUS_LAST DK_CASE_STATUS_URGENT_PLANNED

typedef enum {
  DK_UPDATE_PHRASE_IDENTIFIED,                  /* Störning identifierad, felsökning pågår */
  DK_UPDATE_PHRASE_TROUBLESHOOTING,             /* Felsökning pågår */
  DK_UPDATE_PHRASE_FIX_DEPLOYING,               /* Åtgärd under införande */
  DK_UPDATE_PHRASE_MONITORING,                  /* Bevakning pågår */
  DK_UPDATE_PHRASE_FIXED_AWAITING_VERIFICATION, /* Åtgärdad, inväntar verifiering */
  DK_UPDATE_PHRASE_RESOLVED,                    /* Störning åtgärdad */
} DkUpdatePhrase;
#define DK_UPDATE_PHRASE_LAST DK_UPDATE_PHRASE_RESOLVED

typedef enum {
  DK_ROUTINE_PHASE_BEFORE,
  DK_ROUTINE_PHASE_DURING,
  DK_ROUTINE_PHASE_AFTER,
} DkRoutinePhase;
#define DK_ROUTINE_PHASE_LAST DK_ROUTINE_PHASE_AFTER

typedef enum {
  DK_REPORT_KIND_FAULT,    /* Felanmälan */
  DK_REPORT_KIND_URGENT,   /* Hastesak */
} DkReportKind;
#define DK_REPORT_KIND_LAST DK_REPORT_KIND_URGENT

typedef enum {
  DK_REPORT_STATE_NEW,
  DK_REPORT_STATE_ACKNOWLEDGED,
  DK_REPORT_STATE_LINKED,   /* tied to a published case */
  DK_REPORT_STATE_CLOSED,
} DkReportState;
#define DK_REPORT_STATE_LAST DK_REPORT_STATE_CLOSED

/* Roles are bit flags: a user may hold several. STAFF is every logged-in user. */
typedef enum {
  DK_ROLE_STAFF               = 1 << 0,
  DK_ROLE_SERVICEDESK         = 1 << 1,
  DK_ROLE_CUSTOMER_CENTER     = 1 << 2,
  DK_ROLE_LAB_COMMUNICATOR    = 1 << 3,
  DK_ROLE_CRISIS_COMMUNICATOR = 1 << 4,
  DK_ROLE_RELEASE_COORDINATOR = 1 << 5,
  DK_ROLE_ROUTINE_OWNER       = 1 << 6,
  DK_ROLE_ADMIN               = 1 << 7,
} DkRole;
#define DK_ROLE_ALL ((DkRole) 0xff)

/* ITIL impact and urgency, 1 (highest) to 3 (lowest); see dk-priority.h */
typedef enum {
  DK_LEVEL_HIGH = 1,
  DK_LEVEL_MEDIUM = 2,
  DK_LEVEL_LOW = 3,
} DkLevel;

const char *dk_case_kind_to_string       (DkCaseKind value);
gboolean    dk_case_kind_from_string     (const char *str, DkCaseKind *value);
const char *dk_case_kind_label           (DkCaseKind value);

const char *dk_area_to_string            (DkArea value);
gboolean    dk_area_from_string          (const char *str, DkArea *value);
const char *dk_area_label                (DkArea value);

const char *dk_case_status_to_string     (DkCaseStatus value);
gboolean    dk_case_status_from_string   (const char *str, DkCaseStatus *value);
const char *dk_case_status_label         (DkCaseStatus value);

const char *dk_update_phrase_to_string   (DkUpdatePhrase value);
gboolean    dk_update_phrase_from_string (const char *str, DkUpdatePhrase *value);
const char *dk_update_phrase_label       (DkUpdatePhrase value);

const char *dk_routine_phase_to_string   (DkRoutinePhase value);
gboolean    dk_routine_phase_from_string (const char *str, DkRoutinePhase *value);
const char *dk_routine_phase_label       (DkRoutinePhase value);

const char *dk_report_kind_to_string     (DkReportKind value);
gboolean    dk_report_kind_from_string   (const char *str, DkReportKind *value);
const char *dk_report_kind_label         (DkReportKind value);

const char *dk_report_state_to_string    (DkReportState value);
gboolean    dk_report_state_from_string  (const char *str, DkReportState *value);
const char *dk_report_state_label        (DkReportState value);

/* One role (exactly one bit): wire names "staff", "servicedesk", "customer_center",
 * "lab_communicator", "crisis_communicator", "release_coordinator", "routine_owner",
 * "admin". */
const char *dk_role_to_string            (DkRole value);
gboolean    dk_role_from_string          (const char *str, DkRole *value);
const char *dk_role_label                (DkRole value);
/* A set of roles as a NULL-terminated array of wire names (transfer full), and back
 * from a comma-separated list ("servicedesk,admin"); FALSE on an unknown name. */
char      **dk_roles_to_strv             (DkRole roles);
gboolean    dk_roles_from_string         (const char *list, DkRole *roles, GError **error);

G_END_DECLS
