/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-local-report-changes.c: what a report handler does to a report (report.acknowledge,
 * .close, .link), built the way dk-local-changes.c says
 *
 * The server checks that the user handles reports of the service's area; the replica
 * holds only what the server let the user see.
 */

#define G_LOG_DOMAIN "dk-local-changes"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-local-changes-private.h"

static const char *
report_name (const DkReport *report)
{
  return report->number != NULL ? report->number : report->id;
}

/* The report as it shows, with the handler's stamp and note (when given). */
static DkReport *
load_report (DkStore     *store,
             const char  *report_id_or_number,
             const char  *note,
             GError     **error)
{
  g_return_val_if_fail (report_id_or_number != NULL, NULL);

  if (!_dk_local_check_text (note, "note", FALSE, DK_MAX_TEXT_CHARS, error))
    return NULL;

  return dk_store_get_report (store, report_id_or_number, error);
}

static gboolean
enqueue_report (DkStore      *store,
                const char   *op,
                DkReport     *local,
                const char   *note,
                const char   *me,
                gint64        now,
                JsonObject   *data,   /* transfer full */
                GError      **error)
{
  g_autoptr(JsonNode) data_node = _dk_local_node_from_object (data);
  g_autoptr(JsonNode) local_node = NULL;

  json_object_set_string_member (data, "report", local->id);
  if (note != NULL && !_dk_local_is_blank (note))
    {
      json_object_set_string_member (data, "note", note);
      g_free (local->note);
      local->note = g_strdup (note);
    }
  g_free (local->handled_by);
  local->handled_by = g_strdup (me);
  local->handled_at = now;
  if (!dk_report_validate (local, error))
    return FALSE;
  local_node = dk_report_to_json (local);

  /* State changes of one report commute with nothing: sent in order, no base revision
   * (the server checks the transition). */
  return _dk_store_enqueue_at (store, now, op, DK_TYPE_NAME_REPORT, local->id, 0, data_node,
                               local_node, NULL, error);
}

/**
 * dk_local_acknowledge_report:
 * @store: a #DkStore
 * @report_id_or_number: the report (new)
 * @note: (nullable): the handler's note
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the acknowledgement is in the outbox
 */
gboolean
dk_local_acknowledge_report (DkStore     *store,
                             const char  *report_id_or_number,
                             const char  *note,
                             const char  *me,
                             gint64       now,
                             GError     **error)
{
  g_autoptr(DkReport) report = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  report = load_report (store, report_id_or_number, note, error);
  if (report == NULL)
    return FALSE;
  if (report->state != DK_REPORT_STATE_NEW)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                   /* Translators: "FA-17 cannot be acknowledged: only a new report can be, and it is
                    * “Closed”" */
                   _("%s cannot be acknowledged: only a new report can be, and it is “%s”"),
                   report_name (report), dk_report_state_label (report->state));
      return FALSE;
    }

  report->state = DK_REPORT_STATE_ACKNOWLEDGED;
  return enqueue_report (store, "report.acknowledge", report, note, me, now, json_object_new (),
                         error);
}

/**
 * dk_local_close_report:
 * @store: a #DkStore
 * @report_id_or_number: the report (not closed)
 * @note: (nullable): the handler's note, which the reporter sees
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the closing is in the outbox
 */
gboolean
dk_local_close_report (DkStore     *store,
                       const char  *report_id_or_number,
                       const char  *note,
                       const char  *me,
                       gint64       now,
                       GError     **error)
{
  g_autoptr(DkReport) report = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  report = load_report (store, report_id_or_number, note, error);
  if (report == NULL)
    return FALSE;
  if (report->state == DK_REPORT_STATE_CLOSED)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                   _("%s is closed already"), report_name (report));
      return FALSE;
    }

  report->state = DK_REPORT_STATE_CLOSED;
  return enqueue_report (store, "report.close", report, note, me, now, json_object_new (),
                         error);
}

/**
 * dk_local_link_report:
 * @store: a #DkStore
 * @report_id_or_number: the report (neither linked nor closed)
 * @case_id_or_number: the case it is about; it may be one created offline just before
 *   (its case.create goes out first)
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Links a report to a case: the report shows as linked at once (with the case's
 * number when it has one); the case lists it once the server has both.
 *
 * Returns: %TRUE when the link is in the outbox
 */
gboolean
dk_local_link_report (DkStore     *store,
                      const char  *report_id_or_number,
                      const char  *case_id_or_number,
                      const char  *me,
                      gint64       now,
                      GError     **error)
{
  g_autoptr(DkReport) report = NULL;
  g_autoptr(DkCase) kase = NULL;
  JsonObject *data;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (case_id_or_number != NULL, FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  report = load_report (store, report_id_or_number, NULL, error);
  if (report == NULL)
    return FALSE;
  kase = _dk_local_load_case (store, case_id_or_number, error);
  if (kase == NULL)
    return FALSE;

  if (report->state == DK_REPORT_STATE_LINKED)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_DUPLICATE, _("%s is linked to %s already"),
                   report_name (report),
                   report->case_number != NULL ? report->case_number
                   : report->case_id != NULL ? report->case_id : _("a case"));
      return FALSE;
    }
  if (report->state == DK_REPORT_STATE_CLOSED)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                   _("%s is closed: it can no longer be linked to a case"),
                   report_name (report));
      return FALSE;
    }
  if (kase->status == DK_CASE_STATUS_CLOSED)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                   _("%s is closed: link the report to an open case"),
                   kase->number != NULL ? kase->number : kase->id);
      return FALSE;
    }

  report->state = DK_REPORT_STATE_LINKED;
  g_free (report->case_id);
  report->case_id = g_strdup (kase->id);
  g_free (report->case_number);
  report->case_number = g_strdup (kase->number);

  data = json_object_new ();
  json_object_set_string_member (data, "case", kase->id);
  return enqueue_report (store, "report.link", report, NULL, me, now, data, error);
}
