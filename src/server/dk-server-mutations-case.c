/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-mutations-case.c: the case.* operations */

#define G_LOG_DOMAIN "dk-server-mutations"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-server-mutations-private.h"
#include "dk-server-objects.h"

/* Members of a case an edit never takes from the client. */
static const char * const case_edit_skip[] = {
  "id", "number", "revision", "publisher", "created_at", "closed_at", "updates",
  "follow_ups", "kind", "affected", "reserve", "reports", "received_at", NULL
};

/* Members a new case must name: their defaults would be a guess. */
static const char * const case_create_required[] = { "kind", "area", "priority" };

/* ---- helpers ---- */

/* Loads the case named by data's "id" and checks that the viewer may publish it. */
static DkCase *
load_case_to_publish (const DkMutation  *mutation,
                      GError           **error)
{
  g_autofree char *id = NULL;
  g_autoptr(DkCase) kase = NULL;

  if (!_dk_mutation_read_id (mutation->data, "id", &id, error))
    return NULL;
  kase = dk_server_load_case (mutation->db, id, error);
  if (kase == NULL)
    return NULL;
  if (!dk_rules_check_may_publish (mutation->viewer->roles, kase->kind, kase->area, error))
    return NULL;

  return g_steal_pointer (&kase);
}

static gboolean
has_non_null_member (JsonObject *object,
                     const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

static gboolean
case_has_update (const DkCase *kase,
                 const char   *update_id)
{
  for (guint i = 0; i < kase->updates->len; i++)
    {
      const DkCaseUpdate *update = g_ptr_array_index (kase->updates, i);

      if (g_strcmp0 (update->id, update_id) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
case_has_follow_up (const DkCase *kase,
                    const char   *follow_up_id)
{
  for (guint i = 0; i < kase->follow_ups->len; i++)
    {
      const DkCaseFollowUp *follow_up = g_ptr_array_index (kase->follow_ups, i);

      if (g_strcmp0 (follow_up->id, follow_up_id) == 0)
        return TRUE;
    }

  return FALSE;
}

/* Gives an update its server-owned fields: the author, the receipt time, and the
 * user's time when the update names none. */
static gboolean
stamp_update (const DkMutation  *mutation,
              DkCaseUpdate      *update,
              const char        *what,
              GError           **error)
{
  if (update->id == NULL)
    update->id = g_uuid_string_random ();
  else if (!dk_is_uuid (update->id))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s.id: must be a UUID"), what);
      return FALSE;
    }

  if (update->at == DK_TIME_UNSET)
    update->at = mutation->at;
  else if (update->at > mutation->now + DK_MUTATION_MAX_CLOCK_SKEW_SECONDS)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s.at: must not be more than five minutes in the future"), what);
      return FALSE;
    }

  g_free (update->author);
  update->author = g_strdup (mutation->viewer->username);
  update->received_at = mutation->now;
  return TRUE;
}

/* Stores a changed case with the next revision and reports it applied. */
static gboolean
store_changed_case (const DkMutation   *mutation,
                    DkCase             *kase,
                    gint64              current_revision,
                    DkMutationOutcome  *outcome,
                    GError            **error)
{
  kase->revision = current_revision + 1;
  if (!dk_case_validate (kase, error))
    return FALSE;
  if (dk_server_store_case (mutation->db, kase, error) == 0)
    return FALSE;

  _dk_mutation_set_applied (outcome, DK_TYPE_NAME_CASE, kase->id, kase->revision, kase->number);
  return TRUE;
}

/* ---- case.create ---- */

static gboolean
set_new_case_status (const DkMutation  *mutation,
                     DkCase            *kase,
                     GError           **error)
{
  if (!has_non_null_member (mutation->data, "status"))
    {
      if (kase->kind == DK_CASE_KIND_PLANNED)
        kase->status = dk_rules_planned_status (kase->area, kase->start, mutation->now);
      else
        kase->status = DK_CASE_STATUS_ONGOING;
      return TRUE;
    }

  if (kase->status == DK_CASE_STATUS_CLOSED)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                           _("status: a new case cannot be closed already"));
      return FALSE;
    }
  if (!dk_rules_check_status_for_kind (kase->kind, kase->status, error))
    return FALSE;
  if (kase->kind == DK_CASE_KIND_PLANNED && !dk_rules_check_lead_time (kase, mutation->now, error))
    return FALSE;

  return TRUE;
}

/* The server's part of a new case: who, when, defaults, the initial timeline's authors. */
static gboolean
prepare_new_case (const DkMutation  *mutation,
                  DkCase            *kase,
                  GError           **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_clear_pointer (&kase->number, g_free);
  g_free (kase->publisher);
  kase->publisher = g_strdup (mutation->viewer->username);
  kase->created_at = mutation->at;
  kase->received_at = mutation->now;
  kase->revision = 1;
  kase->closed_at = DK_TIME_UNSET;
  g_ptr_array_set_size (kase->follow_ups, 0);
  /* Units, the reserve routine and reports come by their own operations. */
  g_ptr_array_set_size (kase->affected, 0);
  g_ptr_array_set_size (kase->reserve, 0);
  g_ptr_array_set_size (kase->reports, 0);

  /* An incident or a crisis is published when it happens. */
  if (kase->start == DK_TIME_UNSET && kase->kind != DK_CASE_KIND_PLANNED)
    kase->start = mutation->at;
  if (!json_object_has_member (mutation->data, "major"))
    kase->major = dk_priority_is_major (kase->priority);

  if (!set_new_case_status (mutation, kase, error))
    return FALSE;

  /* The codec reads a history of any length (dk-protocol.h); a new one starts within
   * the limit that case.add_update keeps. */
  if (kase->updates->len > DK_MAX_UPDATES)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_LIMIT_REACHED,
                   _("updates: a new case takes at most %d updates"), DK_MAX_UPDATES);
      return FALSE;
    }

  for (guint i = 0; i < kase->updates->len; i++)
    {
      DkCaseUpdate *update = g_ptr_array_index (kase->updates, i);
      g_autofree char *what = g_strdup_printf ("updates[%u]", i);

      if (!stamp_update (mutation, update, what, error))
        return FALSE;
      if (!g_hash_table_add (seen, update->id))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                       _("%s.id: the same update is in the case twice"), what);
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
_dk_mutation_apply_case_create (const DkMutation   *mutation,
                                DkMutationOutcome  *outcome,
                                GError            **error)
{
  g_autoptr(DkCase) kase = NULL;
  char *number;

  /* Absent members read as defaults; a new case names these itself. */
  for (guint i = 0; i < G_N_ELEMENTS (case_create_required); i++)
    {
      if (!has_non_null_member (mutation->data, case_create_required[i]))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: a new case needs it"),
                       case_create_required[i]);
          return FALSE;
        }
    }
  kase = dk_case_from_json (mutation->data_node, error);
  if (kase == NULL)
    return FALSE;
  if (!dk_rules_check_may_publish (mutation->viewer->roles, kase->kind, kase->area, error))
    return FALSE;
  if (!prepare_new_case (mutation, kase, error))
    return FALSE;
  if (!dk_case_validate (kase, error))
    return FALSE;
  if (!_dk_mutation_check_services (mutation->db, kase->services, error))
    return FALSE;
  if (!_dk_mutation_check_new_id (mutation->db, DK_TYPE_NAME_CASE, kase->id,
                                  _("id: a case with this id exists"), error))
    return FALSE;

  number = _dk_mutation_next_number (mutation->db, "case", "DK-", error);
  if (number == NULL)
    return FALSE;
  kase->number = number;

  if (dk_server_store_case (mutation->db, kase, error) == 0)
    return FALSE;

  _dk_mutation_set_applied (outcome, DK_TYPE_NAME_CASE, kase->id, kase->revision, kase->number);
  return TRUE;
}

/* ---- case.edit ---- */

/* The current case with the members the client may change replaced by data's. */
static DkCase *
merge_case_edit (const DkMutation  *mutation,
                 const DkCase      *current,
                 GError           **error)
{
  g_autoptr(JsonNode) merged = dk_case_to_json (current);
  g_autofree char *kind = NULL;

  if (!dk_json_read_string (mutation->data, "kind", DK_JSON_OPTIONAL, DK_MAX_SHORT_CHARS,
                            &kind, error))
    return NULL;
  if (kind != NULL && g_strcmp0 (kind, dk_case_kind_to_string (current->kind)) != 0)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("kind: a case’s kind cannot change; publish a new case instead"));
      return NULL;
    }

  _dk_mutation_overlay (json_node_get_object (merged), mutation->data, case_edit_skip);
  return dk_case_from_json (merged, error);
}

gboolean
_dk_mutation_apply_case_edit (const DkMutation   *mutation,
                              DkMutationOutcome  *outcome,
                              GError            **error)
{
  g_autoptr(DkCase) current = NULL;
  g_autoptr(DkCase) edited = NULL;

  current = load_case_to_publish (mutation, error);
  if (current == NULL)
    return FALSE;
  if (!_dk_mutation_base_revision_matches (mutation, current->revision))
    return _dk_mutation_conflict (outcome, DK_TYPE_NAME_CASE, current->id, current->revision,
                                  dk_case_to_json (current), error);

  edited = merge_case_edit (mutation, current, error);
  if (edited == NULL)
    return FALSE;
  if (edited->area != current->area &&
      !dk_rules_check_may_publish (mutation->viewer->roles, edited->kind, edited->area, error))
    return FALSE;
  if (!dk_rules_check_status_change (edited, current->status, mutation->now, error))
    return FALSE;
  if (!_dk_mutation_check_services (mutation->db, edited->services, error))
    return FALSE;

  return store_changed_case (mutation, edited, current->revision, outcome, error);
}

/* ---- case.add_update ---- */

static DkCaseUpdate *
read_new_update (const DkMutation  *mutation,
                 const DkCase      *kase,
                 GError           **error)
{
  g_autoptr(DkCaseUpdate) update = NULL;
  JsonObject *object = NULL;

  if (!dk_json_read_object (mutation->data, "update", DK_JSON_REQUIRED, &object, error))
    return NULL;
  if (!json_object_has_member (object, "id") || !json_object_has_member (object, "phrase"))
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("update: needs an id and a phrase"));
      return NULL;
    }

  update = dk_case_update_from_json (json_object_get_member (mutation->data, "update"), error);
  if (update == NULL)
    return NULL;
  if (!stamp_update (mutation, update, "update", error))
    return NULL;
  if (case_has_update (kase, update->id))
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("update.id: the case already has an update with this id"));
      return NULL;
    }

  return g_steal_pointer (&update);
}

/* The optional "status" member of case.add_update, as a status. */
static gboolean
read_status (JsonObject    *object,
             DkCaseStatus  *inout,
             GError       **error)
{
  g_autofree char *name = NULL;

  if (!dk_json_read_string (object, "status", DK_JSON_NULLABLE, DK_MAX_SHORT_CHARS, &name, error))
    return FALSE;
  if (name != NULL && !dk_case_status_from_string (name, inout))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("status: unknown status “%s”"), name);
      return FALSE;
    }

  return TRUE;
}

gboolean
_dk_mutation_apply_case_add_update (const DkMutation   *mutation,
                                    DkMutationOutcome  *outcome,
                                    GError            **error)
{
  g_autoptr(DkCase) kase = NULL;
  DkCaseUpdate *update;
  DkCaseStatus from;

  kase = load_case_to_publish (mutation, error);
  if (kase == NULL)
    return FALSE;
  if (!dk_rules_check_may_update (kase, error))
    return FALSE;

  update = read_new_update (mutation, kase, error);
  if (update == NULL)
    return FALSE;
  g_ptr_array_add (kase->updates, update);

  if (json_object_has_member (mutation->data, "expected_end"))
    {
      kase->expected_end = DK_TIME_UNSET;
      if (!dk_json_read_time (mutation->data, "expected_end", DK_JSON_NULLABLE,
                              &kase->expected_end, error))
        return FALSE;
    }

  from = kase->status;
  if (!read_status (mutation->data, &kase->status, error))
    return FALSE;
  if (!dk_rules_check_status_change (kase, from, mutation->now, error))
    return FALSE;

  /* Appends commute: no base_revision check. */
  return store_changed_case (mutation, kase, kase->revision, outcome, error);
}

/* ---- case.close ---- */

/* Closes every report linked to @kase that is still open, so that its reporter hears
 * the case is over. */
static gboolean
close_linked_reports (const DkMutation  *mutation,
                      const DkCase      *kase,
                      gint64             closed_at,
                      GError           **error)
{
  for (guint i = 0; i < kase->reports->len; i++)
    {
      const char *report_id = g_ptr_array_index (kase->reports, i);
      g_autoptr(DkReport) report = NULL;
      g_autoptr(GError) local_error = NULL;

      report = dk_server_load_report (mutation->db, report_id, &local_error);
      if (report == NULL)
        {
          if (g_error_matches (local_error, DK_ERROR, DK_ERROR_NOT_FOUND))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (report->state == DK_REPORT_STATE_CLOSED)
        continue;

      report->state = DK_REPORT_STATE_CLOSED;
      g_free (report->note);
      /* Translators: the note a linked fault report gets when its case closes;
       * %s is the case's number ("DK-1042") */
      report->note = g_strdup_printf (_("Closed with case %s"), kase->number);
      g_free (report->handled_by);
      report->handled_by = g_strdup (mutation->viewer->username);
      report->handled_at = closed_at;
      report->revision++;
      if (dk_server_store_report (mutation->db, report, error) == 0)
        return FALSE;
    }

  return TRUE;
}

gboolean
_dk_mutation_apply_case_close (const DkMutation   *mutation,
                               DkMutationOutcome  *outcome,
                               GError            **error)
{
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(DkCaseUpdate) update = dk_case_update_new ();
  g_autofree char *text = NULL;
  gint64 closed_at = mutation->at;

  /* No limit of the history stands in the way: a case can always be closed, its
   * resolved update one past DK_MAX_UPDATES when it must (dk-protocol.h). */
  kase = load_case_to_publish (mutation, error);
  if (kase == NULL)
    return FALSE;
  if (!dk_rules_check_may_close (kase, error) ||
      !_dk_mutation_read_client_time (mutation, mutation->data, "at", &closed_at, error) ||
      !dk_rules_check_close_time (kase, closed_at, error))
    return FALSE;
  if (!dk_json_read_string (mutation->data, "text",
                            DK_JSON_NULLABLE | DK_JSON_MULTILINE | DK_JSON_NONEMPTY,
                            DK_MAX_TEXT_CHARS, &text, error))
    return FALSE;

  update->id = g_uuid_string_random ();
  update->at = closed_at;
  update->phrase = DK_UPDATE_PHRASE_RESOLVED;
  update->text = text != NULL ? g_steal_pointer (&text) : g_strdup (_("Resolved"));
  update->author = g_strdup (mutation->viewer->username);
  update->received_at = mutation->now;
  g_ptr_array_add (kase->updates, g_steal_pointer (&update));

  kase->status = DK_CASE_STATUS_CLOSED;
  kase->closed_at = closed_at;

  if (!close_linked_reports (mutation, kase, closed_at, error))
    return FALSE;
  return store_changed_case (mutation, kase, kase->revision, outcome, error);
}

/* ---- case.follow_up ---- */

static DkCaseFollowUp *
read_new_follow_up (const DkMutation  *mutation,
                    const DkCase      *kase,
                    GError           **error)
{
  g_autoptr(DkCaseFollowUp) follow_up = dk_case_follow_up_new ();
  JsonObject *object = NULL;

  if (!dk_json_read_object (mutation->data, "follow_up", DK_JSON_REQUIRED, &object, error))
    return NULL;
  if (!dk_json_read_string (object, "id", DK_JSON_REQUIRED, DK_MAX_SHORT_CHARS,
                            &follow_up->id, error))
    return NULL;
  if (!dk_is_uuid (follow_up->id))
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID, _("follow_up.id: must be a UUID"));
      return NULL;
    }
  if (case_has_follow_up (kase, follow_up->id))
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("follow_up.id: the case already has a follow-up with this id"));
      return NULL;
    }
  if (!dk_json_read_string (object, "text",
                            DK_JSON_REQUIRED | DK_JSON_MULTILINE | DK_JSON_NONEMPTY,
                            DK_MAX_TEXT_CHARS, &follow_up->text, error))
    return NULL;

  follow_up->at = mutation->at;
  follow_up->received_at = mutation->now;
  follow_up->author = g_strdup (mutation->viewer->username);
  return g_steal_pointer (&follow_up);
}

gboolean
_dk_mutation_apply_case_follow_up (const DkMutation   *mutation,
                                   DkMutationOutcome  *outcome,
                                   GError            **error)
{
  g_autoptr(DkCase) kase = NULL;
  DkCaseFollowUp *follow_up;

  kase = load_case_to_publish (mutation, error);
  if (kase == NULL)
    return FALSE;

  /* Closed cases take follow-ups: the evaluation comes afterwards. */
  if (!dk_rules_check_history_room (kase, DK_CASE_HISTORY_FOLLOW_UPS, error))
    return FALSE;
  follow_up = read_new_follow_up (mutation, kase, error);
  if (follow_up == NULL)
    return FALSE;
  g_ptr_array_add (kase->follow_ups, follow_up);

  return store_changed_case (mutation, kase, kase->revision, outcome, error);
}

/* ---- case.affected ---- */

/* Loads the case named by data's "case"; any logged-in user may ask. */
static DkCase *
load_named_case (const DkMutation  *mutation,
                 GError           **error)
{
  g_autofree char *id = NULL;

  if (!_dk_mutation_read_id (mutation->data, "case", &id, error))
    return NULL;
  return dk_server_load_case (mutation->db, id, error);
}

gboolean
_dk_mutation_apply_case_affected (const DkMutation   *mutation,
                                  DkMutationOutcome  *outcome,
                                  GError            **error)
{
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(DkCaseAffected) affected = dk_case_affected_new ();

  kase = load_named_case (mutation, error);
  if (kase == NULL)
    return FALSE;
  if (!dk_json_read_string (mutation->data, "unit", DK_JSON_REQUIRED | DK_JSON_NONEMPTY,
                            DK_MAX_SHORT_CHARS, &affected->unit, error))
    return FALSE;
  g_strstrip (affected->unit);
  if (kase->status == DK_CASE_STATUS_CLOSED)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                           _("The case is closed; it takes no more affected units"));
      return FALSE;
    }
  if (dk_case_has_affected_unit (kase, affected->unit))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_DUPLICATE,
                   _("unit: “%s” is already among the affected units"), affected->unit);
      return FALSE;
    }
  if (!dk_rules_check_history_room (kase, DK_CASE_HISTORY_AFFECTED, error))
    return FALSE;

  affected->at = mutation->at;
  affected->received_at = mutation->now;
  affected->by = g_strdup (mutation->viewer->username);
  g_ptr_array_add (kase->affected, g_steal_pointer (&affected));

  /* Appends commute: no base_revision check. */
  return store_changed_case (mutation, kase, kase->revision, outcome, error);
}

/* ---- case.reserve ---- */

static DkCaseReserveEvent *
read_reserve_event (const DkMutation  *mutation,
                    GError           **error)
{
  g_autoptr(DkCaseReserveEvent) event = dk_case_reserve_event_new ();
  g_autofree char *action = NULL;

  if (!dk_json_read_string (mutation->data, "action", DK_JSON_REQUIRED, DK_MAX_SHORT_CHARS,
                            &action, error))
    return NULL;
  if (!dk_case_reserve_action_from_string (action, &event->declared))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("action: must be “declared” or “lifted”, not “%s”"), action);
      return NULL;
    }
  if (!dk_json_read_bool (mutation->data, "all_units", DK_JSON_OPTIONAL, &event->all_units,
                          error) ||
      !dk_json_read_string_array (mutation->data, "units", DK_JSON_NULLABLE, DK_MAX_LIST_ITEMS,
                                  DK_MAX_SHORT_CHARS, &event->units, error) ||
      !dk_json_read_string (mutation->data, "text", DK_JSON_NULLABLE | DK_JSON_MULTILINE,
                            DK_MAX_TEXT_CHARS, &event->text, error))
    return NULL;
  if (event->units == NULL)
    event->units = g_ptr_array_new_with_free_func (g_free);

  if (!event->declared || event->all_units)
    {
      /* A lifting lifts it everywhere; "all units" lists none. */
      event->all_units = event->declared && event->all_units;
      g_ptr_array_set_size (event->units, 0);
    }
  else if (event->units->len == 0)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("units: name at least one unit, or declare it for all units"));
      return NULL;
    }
  for (guint i = 0; i < event->units->len; i++)
    {
      /* Units are names people typed: " Avd 12" is "Avd 12". */
      if (*g_strstrip ((char *) g_ptr_array_index (event->units, i)) == '\0')
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s[%u]: must not be empty"),
                       "units", i);
          return NULL;
        }
    }

  event->id = g_uuid_string_random ();
  event->at = mutation->at;
  event->received_at = mutation->now;
  event->author = g_strdup (mutation->viewer->username);
  return g_steal_pointer (&event);
}

gboolean
_dk_mutation_apply_case_reserve (const DkMutation   *mutation,
                                 DkMutationOutcome  *outcome,
                                 GError            **error)
{
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(DkCaseReserveEvent) event = NULL;

  kase = load_named_case (mutation, error);
  if (kase == NULL)
    return FALSE;
  if (!dk_rules_check_may_publish (mutation->viewer->roles, kase->kind, kase->area, error))
    return FALSE;
  event = read_reserve_event (mutation, error);
  if (event == NULL)
    return FALSE;
  if (kase->status == DK_CASE_STATUS_CLOSED)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                           _("The case is closed; its reserve routine cannot change"));
      return FALSE;
    }
  if (!event->declared && dk_case_get_reserve_in_force (kase) == NULL)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                           _("The reserve routine is not in force; there is nothing to lift"));
      return FALSE;
    }
  if (!dk_rules_check_history_room (kase, DK_CASE_HISTORY_RESERVE, error))
    return FALSE;

  g_ptr_array_add (kase->reserve, g_steal_pointer (&event));

  /* Appends commute: no base_revision check. */
  return store_changed_case (mutation, kase, kase->revision, outcome, error);
}
