/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-codec.h: the JSON codec of the wire shapes, shared by server and client */
#pragma once

#include <json-glib/json-glib.h>

#include "dk-case.h"
#include "dk-report.h"
#include "dk-routine.h"
#include "dk-run.h"
#include "dk-service.h"
#include "dk-subscription.h"
#include "dk-template.h"
#include "dk-unit.h"

G_BEGIN_DECLS

/*
 * _to_json writes every field of ARCHITECTURE.md's wire shapes (unset times and strings
 * as null, lists as arrays, wire names for enums) plus the extra fields of the structs.
 * _from_json reads the same shape strictly: a member of the wrong type, an unknown enum
 * name, a bad time, an over-long string, control characters or an out-of-range number is
 * DK_ERROR_INVALID naming the member ("updates[2].phrase: unknown phrase 'x'").
 * Absent members take defaults (strings NULL, times DK_TIME_UNSET, lists empty);
 * whether a member must be present is the caller's rule (dk_case_validate and friends).
 * Unknown members are ignored, so newer peers may add fields.
 * dk_X_from_json (dk_X_to_json (x)) equals x.
 */

JsonNode       *dk_case_to_json           (const DkCase         *kase);
DkCase         *dk_case_from_json         (JsonNode             *node,
                                           GError              **error);
/* What a client does with a stored case: all of it that reads, the rest named in
 * kase->unread (NULL when all of it read); NULL only for no object, or no id when it
 * does not read whole. */
DkCase         *dk_case_from_json_partial (JsonNode             *node,
                                           GError              **error);
JsonNode       *dk_case_update_to_json    (const DkCaseUpdate   *update);
DkCaseUpdate   *dk_case_update_from_json  (JsonNode             *node,
                                           GError              **error);
/* The wire name of a reserve event's "action": "declared" (TRUE) or "lifted" (FALSE). */
gboolean        dk_case_reserve_action_from_string (const char *str,
                                           gboolean             *declared);
JsonNode       *dk_service_to_json        (const DkService      *service);
DkService      *dk_service_from_json      (JsonNode             *node,
                                           GError              **error);
JsonNode       *dk_routine_to_json        (const DkRoutine      *routine);
DkRoutine      *dk_routine_from_json      (JsonNode             *node,
                                           GError              **error);
JsonNode       *dk_run_to_json            (const DkRun          *run);
DkRun          *dk_run_from_json          (JsonNode             *node,
                                           GError              **error);
JsonNode       *dk_report_to_json         (const DkReport       *report);
DkReport       *dk_report_from_json       (JsonNode             *node,
                                           GError              **error);
JsonNode       *dk_subscription_to_json   (const DkSubscription *subscription);
DkSubscription *dk_subscription_from_json (JsonNode             *node,
                                           GError              **error);
JsonNode       *dk_template_to_json       (const DkTemplate     *tmpl);
DkTemplate     *dk_template_from_json     (JsonNode             *node,
                                           GError              **error);
JsonNode       *dk_unit_to_json           (const DkUnit         *unit);
DkUnit         *dk_unit_from_json         (JsonNode             *node,
                                           GError              **error);

/* Whole-object checks after decoding, for what the shape alone cannot say: required
 * fields present and non-empty (id as a UUID, title, services non-empty for cases,
 * priority 1–5, the kind's allowed status, expected_end not before start, ...).
 * DK_ERROR_INVALID naming the field. */
gboolean        dk_case_validate          (const DkCase         *kase,
                                           GError              **error);
gboolean        dk_service_validate       (const DkService      *service,
                                           GError              **error);
gboolean        dk_routine_validate       (const DkRoutine      *routine,
                                           GError              **error);
gboolean        dk_run_validate           (const DkRun          *run,
                                           GError              **error);
gboolean        dk_report_validate        (const DkReport       *report,
                                           GError              **error);
gboolean        dk_subscription_validate  (const DkSubscription *subscription,
                                           GError              **error);
gboolean        dk_template_validate      (const DkTemplate     *tmpl,
                                           GError              **error);
gboolean        dk_unit_validate          (const DkUnit         *unit,
                                           GError              **error);

G_END_DECLS
