/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-mutations-report.c: a report handler's operations: acknowledge, close, link */

#define G_LOG_DOMAIN "dk-server-mutations"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-server-mutations-private.h"
#include "dk-server-objects.h"

/* Loads the report named by data's "report" for a report handler. */
static DkReport *
load_report_to_handle (const DkMutation  *mutation,
                       GError           **error)
{
  g_autofree char *id = NULL;

  if (!dk_rules_check_may_handle_reports (mutation->viewer->roles, error))
    return NULL;
  if (!_dk_mutation_read_id (mutation->data, "report", &id, error))
    return NULL;
  return dk_server_load_report (mutation->db, id, error);
}

/* The optional "note" member: replaces the report's note when it is sent. */
static gboolean
read_note (const DkMutation  *mutation,
           DkReport          *report,
           GError           **error)
{
  g_autofree char *note = NULL;

  if (!dk_json_read_string (mutation->data, "note", DK_JSON_NULLABLE | DK_JSON_MULTILINE,
                            DK_MAX_TEXT_CHARS, &note, error))
    return FALSE;
  if (note != NULL && *g_strstrip (note) != '\0')
    {
      g_free (report->note);
      report->note = g_steal_pointer (&note);
    }

  return TRUE;
}

/* Stamps the handler, stores the report with its next revision and reports it applied. */
static gboolean
store_handled_report (const DkMutation   *mutation,
                      DkReport           *report,
                      DkMutationOutcome  *outcome,
                      GError            **error)
{
  g_free (report->handled_by);
  report->handled_by = g_strdup (mutation->viewer->username);
  report->handled_at = mutation->at;
  report->revision++;
  if (!dk_report_validate (report, error))
    return FALSE;
  if (dk_server_store_report (mutation->db, report, error) == 0)
    return FALSE;

  _dk_mutation_set_applied (outcome, DK_TYPE_NAME_REPORT, report->id, report->revision,
                            report->number);
  return TRUE;
}

static gboolean
check_not_closed (const DkReport  *report,
                  GError         **error)
{
  if (report->state != DK_REPORT_STATE_CLOSED)
    return TRUE;

  g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
               _("The report %s is closed already"),
               report->number != NULL ? report->number : report->id);
  return FALSE;
}

/* ---- report.acknowledge ---- */

gboolean
_dk_mutation_apply_report_acknowledge (const DkMutation   *mutation,
                                       DkMutationOutcome  *outcome,
                                       GError            **error)
{
  g_autoptr(DkReport) report = NULL;

  report = load_report_to_handle (mutation, error);
  if (report == NULL)
    return FALSE;
  if (report->state != DK_REPORT_STATE_NEW)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                   _("The report %s is “%s”; only a new report is acknowledged"),
                   report->number != NULL ? report->number : report->id,
                   dk_report_state_label (report->state));
      return FALSE;
    }
  if (!read_note (mutation, report, error))
    return FALSE;

  report->state = DK_REPORT_STATE_ACKNOWLEDGED;
  return store_handled_report (mutation, report, outcome, error);
}

/* ---- report.close ---- */

gboolean
_dk_mutation_apply_report_close (const DkMutation   *mutation,
                                 DkMutationOutcome  *outcome,
                                 GError            **error)
{
  g_autoptr(DkReport) report = NULL;

  report = load_report_to_handle (mutation, error);
  if (report == NULL)
    return FALSE;
  if (!check_not_closed (report, error) || !read_note (mutation, report, error))
    return FALSE;

  report->state = DK_REPORT_STATE_CLOSED;
  return store_handled_report (mutation, report, outcome, error);
}

/* ---- report.link ---- */

gboolean
_dk_mutation_apply_report_link (const DkMutation   *mutation,
                                DkMutationOutcome  *outcome,
                                GError            **error)
{
  g_autoptr(DkReport) report = NULL;
  g_autoptr(DkCase) kase = NULL;
  g_autofree char *case_id = NULL;

  report = load_report_to_handle (mutation, error);
  if (report == NULL)
    return FALSE;
  if (!_dk_mutation_read_id (mutation->data, "case", &case_id, error))
    return FALSE;
  kase = dk_server_load_case (mutation->db, case_id, error);
  if (kase == NULL)
    return FALSE;

  if (report->state == DK_REPORT_STATE_LINKED)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_DUPLICATE,
                   _("The report %s is linked to %s already"),
                   report->number != NULL ? report->number : report->id,
                   report->case_number != NULL ? report->case_number : report->case_id);
      return FALSE;
    }
  if (!check_not_closed (report, error))
    return FALSE;
  if (kase->status == DK_CASE_STATUS_CLOSED)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                   _("The case %s is closed; link the report to an open case or close it"),
                   kase->number);
      return FALSE;
    }

  /* The case lists its reports, so that closing it closes them. */
  if (!dk_case_has_report (kase, report->id))
    {
      if (!dk_rules_check_history_room (kase, DK_CASE_HISTORY_REPORTS, error))
        return FALSE;
      g_ptr_array_add (kase->reports, g_strdup (report->id));
      kase->revision++;
      if (!dk_case_validate (kase, error) || dk_server_store_case (mutation->db, kase, error) == 0)
        return FALSE;
    }

  report->state = DK_REPORT_STATE_LINKED;
  g_free (report->case_id);
  report->case_id = g_strdup (kase->id);
  g_free (report->case_number);
  report->case_number = g_strdup (kase->number);
  return store_handled_report (mutation, report, outcome, error);
}
