/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-codec-report.c: JSON wire shapes of reports */

#define G_LOG_DOMAIN "dk-codec"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dk-codec-private.h"
#include "dk-error.h"
#include "dk-json.h"
#include "dk-protocol.h"

/* ---- reports ---- */

/**
 * dk_report_to_json:
 * @report: a #DkReport
 *
 * Returns: (transfer full): the report in its wire shape
 */
JsonNode *
dk_report_to_json (const DkReport *report)
{
  JsonObject *object;

  g_return_val_if_fail (report != NULL, NULL);

  object = json_object_new ();
  _dk_codec_set_string (object, "id", report->id);
  _dk_codec_set_string (object, "number", report->number);
  json_object_set_string_member (object, "kind", dk_report_kind_to_string (report->kind));
  _dk_codec_set_string (object, "service", report->service);
  _dk_codec_set_string (object, "unit", report->unit);
  _dk_codec_set_string (object, "reporter", report->reporter);
  _dk_codec_set_string (object, "contact", report->contact);
  _dk_codec_set_string (object, "description", report->description);
  json_object_set_string_member (object, "state", dk_report_state_to_string (report->state));
  _dk_codec_set_string (object, "users", report->users);
  _dk_codec_set_string (object, "computers", report->computers);
  _dk_codec_set_string (object, "servers", report->servers);
  _dk_codec_set_string (object, "competence", report->competence);
  _dk_codec_set_string (object, "mobile", report->mobile);
  _dk_codec_set_string (object, "created_by", report->created_by);
  _dk_codec_set_time (object, "created_at", report->created_at);
  _dk_codec_set_received_at (object, report->received_at);
  _dk_codec_set_string (object, "case", report->case_id);
  _dk_codec_set_string (object, "case_number", report->case_number);
  _dk_codec_set_string (object, "note", report->note);
  _dk_codec_set_string (object, "handled_by", report->handled_by);
  _dk_codec_set_time (object, "handled_at", report->handled_at);
  json_object_set_int_member (object, "revision", report->revision);
  return _dk_codec_node_from_object (object);
}

/**
 * dk_report_from_json:
 * @node: a JSON object in the wire shape of a report
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the report, or %NULL with %DK_ERROR_INVALID
 */
DkReport *
dk_report_from_json (JsonNode  *node,
                     GError   **error)
{
  g_autoptr(DkReport) report = NULL;
  JsonObject *object;
  const char *kind = NULL, *state = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = dk_json_expect_object (node, "report", error);
  if (object == NULL)
    return NULL;

  report = dk_report_new ();
  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &report->id, error) ||
      !dk_json_read_string (object, "number", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &report->number,
                            error) ||
      !_dk_codec_read_name (object, "kind", &kind, error) ||
      !dk_json_read_string (object, "service", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &report->service, error) ||
      !dk_json_read_string (object, "unit", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &report->unit,
                            error) ||
      !dk_json_read_string (object, "reporter", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &report->reporter, error) ||
      !dk_json_read_string (object, "contact", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &report->contact, error) ||
      !dk_json_read_string (object, "description", TEXT_FLAGS, DK_MAX_TEXT_CHARS,
                            &report->description, error) ||
      !_dk_codec_read_name (object, "state", &state, error) ||
      !dk_json_read_string (object, "users", TEXT_FLAGS, DK_MAX_TEXT_CHARS, &report->users,
                            error) ||
      !dk_json_read_string (object, "computers", TEXT_FLAGS, DK_MAX_TEXT_CHARS,
                            &report->computers, error) ||
      !dk_json_read_string (object, "servers", TEXT_FLAGS, DK_MAX_TEXT_CHARS, &report->servers,
                            error) ||
      !dk_json_read_string (object, "competence", TEXT_FLAGS, DK_MAX_TEXT_CHARS,
                            &report->competence, error) ||
      !dk_json_read_string (object, "mobile", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &report->mobile,
                            error) ||
      !dk_json_read_string (object, "created_by", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &report->created_by, error) ||
      !dk_json_read_time (object, "created_at", DK_JSON_NULLABLE, &report->created_at, error) ||
      !_dk_codec_read_received_at (object, &report->received_at, error) ||
      !dk_json_read_string (object, "case", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &report->case_id,
                            error) ||
      !dk_json_read_string (object, "case_number", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &report->case_number, error) ||
      !dk_json_read_string (object, "note", TEXT_FLAGS, DK_MAX_TEXT_CHARS, &report->note,
                            error) ||
      !dk_json_read_string (object, "handled_by", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &report->handled_by, error) ||
      !dk_json_read_time (object, "handled_at", DK_JSON_NULLABLE, &report->handled_at, error) ||
      !_dk_codec_read_revision (object, &report->revision, error))
    return NULL;

  if (kind != NULL && !dk_report_kind_from_string (kind, &report->kind))
    return _dk_codec_set_unknown_error (error, UNKNOWN_KIND, "kind", kind), NULL;
  if (state != NULL && !dk_report_state_from_string (state, &report->state))
    return _dk_codec_set_unknown_error (error, UNKNOWN_STATE, "state", state), NULL;

  return g_steal_pointer (&report);
}

/**
 * dk_report_validate:
 * @report: a #DkReport
 * @error: return location for a #GError
 *
 * Checks that the id is a UUID and the service, unit, reporter and description are not
 * empty; an urgent case also needs a way to reach the contact (contact or mobile).
 *
 * Returns: %TRUE when @report is valid; %FALSE with %DK_ERROR_INVALID naming the field
 */
gboolean
dk_report_validate (const DkReport  *report,
                    GError         **error)
{
  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_dk_codec_require_uuid (report->id, "id", error) ||
      !_dk_codec_require_text (report->service, "service", error) ||
      !_dk_codec_require_text (report->unit, "unit", error) ||
      !_dk_codec_require_text (report->reporter, "reporter", error) ||
      !_dk_codec_require_text (report->description, "description", error))
    return FALSE;

  if ((guint) report->kind > DK_REPORT_KIND_LAST)
    return _dk_codec_set_unknown_error (error, UNKNOWN_KIND, "kind", "?");
  if ((guint) report->state > DK_REPORT_STATE_LAST)
    return _dk_codec_set_unknown_error (error, UNKNOWN_STATE, "state", "?");

  if (report->kind == DK_REPORT_KIND_URGENT && _dk_codec_is_blank (report->mobile) &&
      _dk_codec_is_blank (report->contact))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: an urgent case needs the contact’s mobile number"), "mobile");
      return FALSE;
    }
  return TRUE;
}
