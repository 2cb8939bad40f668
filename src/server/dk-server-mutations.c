/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-mutations.c: the envelope of a mutation, replays, results, and the small ops */

#define G_LOG_DOMAIN "dk-server-mutations"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-server-mutations-private.h"
#include "dk-server-objects.h"

static gboolean apply_report_create    (const DkMutation   *mutation,
                                        DkMutationOutcome  *outcome,
                                        GError            **error);
static gboolean apply_subscription_set (const DkMutation   *mutation,
                                        DkMutationOutcome  *outcome,
                                        GError            **error);
static gboolean apply_service_save     (const DkMutation   *mutation,
                                        DkMutationOutcome  *outcome,
                                        GError            **error);

typedef struct {
  const char          *name;
  DkMutationApplyFunc  apply;
} DkOperation;

static const DkOperation operations[] = {
  { "case.create",      _dk_mutation_apply_case_create },
  { "case.edit",        _dk_mutation_apply_case_edit },
  { "case.add_update",  _dk_mutation_apply_case_add_update },
  { "case.close",       _dk_mutation_apply_case_close },
  { "case.follow_up",   _dk_mutation_apply_case_follow_up },
  { "case.affected",    _dk_mutation_apply_case_affected },
  { "case.reserve",     _dk_mutation_apply_case_reserve },
  { "report.create",    apply_report_create },
  { "report.acknowledge", _dk_mutation_apply_report_acknowledge },
  { "report.close",     _dk_mutation_apply_report_close },
  { "report.link",      _dk_mutation_apply_report_link },
  { "run.start",        _dk_mutation_apply_run_start },
  { "run.set_step",     _dk_mutation_apply_run_set_step },
  { "run.finish",       _dk_mutation_apply_run_finish },
  { "subscription.set", apply_subscription_set },
  { "routine.save",     _dk_mutation_apply_routine_save },
  { "routine.approve",  _dk_mutation_apply_routine_approve },
  { "service.save",     apply_service_save },
  { "template.save",    _dk_mutation_apply_template_save },
  { "template.delete",  _dk_mutation_apply_template_delete },
  { "unit.save",        _dk_mutation_apply_unit_save },
  { "unit.delete",      _dk_mutation_apply_unit_delete },
};

/* ---- helpers shared by the operations ---- */

void
_dk_mutation_outcome_clear (DkMutationOutcome *outcome)
{
  g_clear_pointer (&outcome->object_id, g_free);
  g_clear_pointer (&outcome->number, g_free);
  g_clear_pointer (&outcome->current, json_node_unref);
}

void
_dk_mutation_set_applied (DkMutationOutcome *outcome,
                          const char        *type,
                          const char        *object_id,
                          gint64             revision,
                          const char        *number)
{
  outcome->type = type;
  g_free (outcome->object_id);
  outcome->object_id = g_strdup (object_id);
  outcome->revision = revision;
  g_free (outcome->number);
  outcome->number = g_strdup (number);
}

gboolean
_dk_mutation_conflict (DkMutationOutcome  *outcome,
                       const char         *type,
                       const char         *object_id,
                       gint64              revision,
                       JsonNode           *current,
                       GError            **error)
{
  _dk_mutation_set_applied (outcome, type, object_id, revision, NULL);
  g_clear_pointer (&outcome->current, json_node_unref);
  outcome->current = current;
  g_set_error (error, DK_ERROR, DK_ERROR_CONFLICT,
               _("The %s was changed by someone else (now at revision %lld)"),
               type, (long long) revision);
  return FALSE;
}

gboolean
_dk_mutation_base_revision_matches (const DkMutation *mutation,
                                    gint64            current_revision)
{
  return mutation->base_revision == 0 || mutation->base_revision == current_revision;
}

gboolean
_dk_mutation_read_id (JsonObject  *object,
                      const char  *member,
                      char       **out,
                      GError     **error)
{
  return dk_json_read_string (object, member, DK_JSON_REQUIRED | DK_JSON_NONEMPTY,
                              DK_MAX_SHORT_CHARS, out, error);
}

gboolean
_dk_mutation_read_client_time (const DkMutation  *mutation,
                               JsonObject        *object,
                               const char        *member,
                               gint64            *inout,
                               GError           **error)
{
  gint64 t = DK_TIME_UNSET;

  if (!dk_json_read_time (object, member, DK_JSON_NULLABLE, &t, error))
    return FALSE;
  if (t == DK_TIME_UNSET)
    return TRUE;
  if (t > mutation->now + DK_MUTATION_MAX_CLOCK_SKEW_SECONDS)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must not be more than five minutes in the future"), member);
      return FALSE;
    }

  *inout = t;
  return TRUE;
}

void
_dk_mutation_overlay (JsonObject         *base,
                      JsonObject         *data,
                      const char * const *skip)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, data);
  while (json_object_iter_next (&iter, &name, &node))
    {
      if (skip != NULL && g_strv_contains (skip, name))
        continue;
      json_object_set_member (base, name, json_node_copy (node));
    }
}

gboolean
_dk_mutation_object_exists (DkServerDb  *db,
                            const char  *type,
                            const char  *id,
                            gboolean     count_deleted,
                            gboolean    *exists,
                            GError     **error)
{
  g_autoptr(DkStoredObject) object = NULL;
  GError *local_error = NULL;

  object = dk_server_db_get_object (db, type, id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  *exists = object != NULL && (count_deleted || !object->deleted);
  return TRUE;
}

gboolean
_dk_mutation_find_live_object (DkServerDb  *db,
                               const char  *type,
                               const char  *id,
                               const char  *deleted_message,
                               gboolean    *exists,
                               GError     **error)
{
  g_autoptr(DkStoredObject) object = NULL;
  GError *local_error = NULL;

  *exists = FALSE;
  object = dk_server_db_get_object (db, type, id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (object != NULL && object->deleted)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_NOT_FOUND, deleted_message);
      return FALSE;
    }

  *exists = object != NULL;
  return TRUE;
}

gboolean
_dk_mutation_check_new_id (DkServerDb  *db,
                           const char  *type,
                           const char  *id,
                           const char  *message,
                           GError     **error)
{
  gboolean exists = FALSE;

  if (!_dk_mutation_object_exists (db, type, id, TRUE, &exists, error))
    return FALSE;
  if (exists)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID, message);
      return FALSE;
    }

  return TRUE;
}

gboolean
_dk_mutation_check_services (DkServerDb  *db,
                             GPtrArray   *services,
                             GError     **error)
{
  for (guint i = 0; services != NULL && i < services->len; i++)
    {
      const char *service = g_ptr_array_index (services, i);
      gboolean exists = FALSE;

      if (!_dk_mutation_object_exists (db, DK_TYPE_NAME_SERVICE, service, FALSE, &exists, error))
        return FALSE;
      if (!exists)
        {
          g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND,
                       _("services: there is no service “%s”"), service);
          return FALSE;
        }
    }

  return TRUE;
}

char *
_dk_mutation_next_number (DkServerDb  *db,
                          const char  *counter,
                          const char  *prefix,
                          GError     **error)
{
  GError *local_error = NULL;
  gint64 value;

  value = dk_server_db_next_number (db, counter, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (value <= 0)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("Could not take the next %s number"), counter);
      return NULL;
    }

  return g_strdup_printf ("%s%" G_GINT64_FORMAT, prefix, value);
}

/* Loads an object that may be missing: TRUE with *out NULL when there is none. */
#define DEFINE_LOAD_OPTIONAL(Name, name)                                         \
  static gboolean                                                               \
  load_optional_##name (DkServerDb  *db,                                        \
                        const char  *id,                                        \
                        Name       **out,                                       \
                        GError     **error)                                     \
  {                                                                             \
    GError *local_error = NULL;                                                 \
                                                                                \
    *out = dk_server_load_##name (db, id, &local_error);                        \
    if (*out != NULL)                                                           \
      return TRUE;                                                              \
    if (g_error_matches (local_error, DK_ERROR, DK_ERROR_NOT_FOUND))            \
      {                                                                         \
        g_error_free (local_error);                                             \
        return TRUE;                                                            \
      }                                                                         \
    g_propagate_error (error, local_error);                                     \
    return FALSE;                                                               \
  }

DEFINE_LOAD_OPTIONAL (DkService, service)
DEFINE_LOAD_OPTIONAL (DkSubscription, subscription)

/* ---- report.create, subscription.set, service.save ---- */

static gboolean
apply_report_create (const DkMutation   *mutation,
                     DkMutationOutcome  *outcome,
                     GError            **error)
{
  g_autoptr(DkReport) report = NULL;
  char *number;

  report = dk_report_from_json (mutation->data_node, error);
  if (report == NULL)
    return FALSE;

  g_clear_pointer (&report->number, g_free);
  report->state = DK_REPORT_STATE_NEW;
  /* A handler's fields come by the handler's operations. */
  g_clear_pointer (&report->case_id, g_free);
  g_clear_pointer (&report->case_number, g_free);
  g_clear_pointer (&report->note, g_free);
  g_clear_pointer (&report->handled_by, g_free);
  report->handled_at = DK_TIME_UNSET;
  g_free (report->created_by);
  report->created_by = g_strdup (mutation->viewer->username);
  report->created_at = mutation->at;
  report->received_at = mutation->now;
  report->revision = 1;

  if (!dk_report_validate (report, error))
    return FALSE;
  if (report->service != NULL)
    {
      g_autoptr(GPtrArray) services = g_ptr_array_new ();

      g_ptr_array_add (services, report->service);
      if (!_dk_mutation_check_services (mutation->db, services, error))
        return FALSE;
    }
  if (!_dk_mutation_check_new_id (mutation->db, DK_TYPE_NAME_REPORT, report->id,
                                  _("A fault report with this id exists"), error))
    return FALSE;

  number = _dk_mutation_next_number (mutation->db, "report", "FA-", error);
  if (number == NULL)
    return FALSE;
  report->number = number;

  if (dk_server_store_report (mutation->db, report, error) == 0)
    return FALSE;

  _dk_mutation_set_applied (outcome, DK_TYPE_NAME_REPORT, report->id, report->revision,
                            report->number);
  return TRUE;
}

static gboolean
apply_subscription_set (const DkMutation   *mutation,
                        DkMutationOutcome  *outcome,
                        GError            **error)
{
  static const char * const server_owned[] = { "id", "user", "revision", NULL };
  const char *username = mutation->viewer->username;
  g_autofree char *id = g_strdup_printf ("sub:%s", username);
  g_autoptr(DkSubscription) current = NULL;
  g_autoptr(DkSubscription) subscription = NULL;
  g_autoptr(JsonNode) merged = NULL;

  if (!load_optional_subscription (mutation->db, id, &current, error))
    return FALSE;

  /* The fields sent replace those stored (or the default); last writer wins. */
  if (current != NULL)
    merged = dk_subscription_to_json (current);
  else
    {
      g_autoptr(DkSubscription) fallback = dk_subscription_new_default (username);

      merged = dk_subscription_to_json (fallback);
    }
  _dk_mutation_overlay (json_node_get_object (merged), mutation->data, server_owned);

  subscription = dk_subscription_from_json (merged, error);
  if (subscription == NULL)
    return FALSE;

  g_free (subscription->id);
  subscription->id = g_steal_pointer (&id);
  g_free (subscription->user);
  subscription->user = g_strdup (username);
  subscription->revision = current != NULL ? current->revision + 1 : 1;

  if (!dk_subscription_validate (subscription, error))
    return FALSE;
  if (dk_server_store_subscription (mutation->db, subscription, error) == 0)
    return FALSE;

  _dk_mutation_set_applied (outcome, DK_TYPE_NAME_SUBSCRIPTION, subscription->id,
                            subscription->revision, NULL);
  return TRUE;
}

static gboolean
apply_service_save (const DkMutation   *mutation,
                    DkMutationOutcome  *outcome,
                    GError            **error)
{
  g_autoptr(DkService) service = NULL;
  g_autoptr(DkService) current = NULL;

  if (!dk_rules_check_may_admin (mutation->viewer->roles, error))
    return FALSE;

  service = dk_service_from_json (mutation->data_node, error);
  if (service == NULL)
    return FALSE;
  service->revision = 1;
  if (!dk_service_validate (service, error))
    return FALSE;

  if (!load_optional_service (mutation->db, service->id, &current, error))
    return FALSE;
  if (current != NULL)
    {
      if (!_dk_mutation_base_revision_matches (mutation, current->revision))
        return _dk_mutation_conflict (outcome, DK_TYPE_NAME_SERVICE, current->id,
                                      current->revision, dk_service_to_json (current), error);
      service->revision = current->revision + 1;
    }

  if (dk_server_store_service (mutation->db, service, error) == 0)
    return FALSE;

  _dk_mutation_set_applied (outcome, DK_TYPE_NAME_SERVICE, service->id, service->revision, NULL);
  return TRUE;
}

/* ---- results ---- */

static JsonNode *
build_rejected (const char *id,
                DkError     code,
                const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  if (id != NULL)
    json_builder_add_string_value (builder, id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, DK_RESULT_REJECTED);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, dk_error_code_to_string (code));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* An applied result, or a conflict one when the outcome holds the current version. */
static JsonNode *
build_outcome (const char        *id,
               DkMutationOutcome *outcome)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, outcome->current != NULL ? DK_RESULT_CONFLICT
                                                                   : DK_RESULT_APPLIED);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, outcome->type);
  json_builder_set_member_name (builder, "object_id");
  json_builder_add_string_value (builder, outcome->object_id);
  json_builder_set_member_name (builder, "revision");
  json_builder_add_int_value (builder, outcome->revision);
  if (outcome->number != NULL)
    {
      json_builder_set_member_name (builder, "number");
      json_builder_add_string_value (builder, outcome->number);
    }
  if (outcome->current != NULL)
    {
      json_builder_set_member_name (builder, "current");
      json_builder_add_value (builder, json_node_copy (outcome->current));
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
build_rejected_from_error (const char   *id,
                           const GError *error)
{
  DkError code = DK_ERROR_FAILED;

  if (error->domain == DK_ERROR)
    code = error->code;
  else
    g_warning ("Mutation %s failed outside the domain's errors: %s", id, error->message);

  return build_rejected (id, code, error->message);
}

static gboolean
store_result (const DkMutation  *mutation,
              JsonNode          *result,
              GError           **error)
{
  g_autofree char *text = dk_json_to_string (result);

  return dk_server_db_put_mutation_result (mutation->db, mutation->id,
                                           mutation->viewer->username, text, error);
}

/* ---- the envelope ---- */

static const DkOperation *
find_operation (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (operations); i++)
    {
      if (g_str_equal (operations[i].name, name))
        return &operations[i];
    }

  return NULL;
}

/* The mutation's id when it is a string (whatever it holds), else NULL. */
static const char *
peek_mutation_id (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "id");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* The envelope's client_at, when plausible, as mutation->at; else the server's now. */
static gboolean
read_client_at (JsonObject  *object,
                DkMutation  *mutation,
                GError     **error)
{
  gint64 earliest = mutation->earliest;
  gint64 client_at = DK_TIME_UNSET;

  mutation->at = mutation->now;
  if (!dk_json_read_time (object, "client_at", DK_JSON_NULLABLE, &client_at, error))
    return FALSE;
  if (client_at == DK_TIME_UNSET)
    return TRUE;

  if (client_at > mutation->now + DK_MUTATION_MAX_CLOCK_SKEW_SECONDS)
    g_debug ("Mutation %s: client_at %" G_GINT64_FORMAT " is ahead of the server’s clock;"
             " the server’s time stands in", mutation->id, client_at);
  else if (earliest != DK_TIME_UNSET && client_at < earliest)
    g_debug ("Mutation %s: client_at %" G_GINT64_FORMAT " is before the session’s last"
             " contact; the server’s time stands in", mutation->id, client_at);
  else
    mutation->at = client_at;

  return TRUE;
}

/* Reads op, base_revision, client_at and data into @mutation. */
static const DkOperation *
read_envelope (JsonObject  *object,
               DkMutation  *mutation,
               GError     **error)
{
  const DkOperation *operation;
  JsonNode *op_node = json_object_get_member (object, "op");
  JsonNode *data_node = json_object_get_member (object, "data");

  if (op_node != NULL && JSON_NODE_HOLDS_VALUE (op_node) &&
      json_node_get_value_type (op_node) == G_TYPE_STRING)
    mutation->op = json_node_get_string (op_node);

  operation = find_operation (mutation->op);
  if (operation == NULL)
    {
      if (mutation->op != NULL)
        g_set_error (error, DK_ERROR, DK_ERROR_UNKNOWN_OPERATION,
                     _("op: there is no operation “%s”"), mutation->op);
      else
        g_set_error_literal (error, DK_ERROR, DK_ERROR_UNKNOWN_OPERATION,
                             _("op: the operation must be named by a string"));
      return NULL;
    }

  mutation->base_revision = 0;
  if (!dk_json_read_int (object, "base_revision", DK_JSON_OPTIONAL, 0, G_MAXINT64,
                         &mutation->base_revision, error))
    return NULL;
  if (!read_client_at (object, mutation, error))
    return NULL;

  if (data_node == NULL || !JSON_NODE_HOLDS_OBJECT (data_node))
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID, _("data: must be an object"));
      return NULL;
    }
  /* Text no feed or page can carry (U+FFFE, U+2028 ...) is refused here, where it
   * arrives, for every operation, naming the field; what is stored already is written
   * safely by the page and feed instead, so an old case is never refused its edits for
   * it (only the fields an edit sends are checked). */
  if (!dk_json_check_publishable (data_node, NULL, error))
    return NULL;
  mutation->data_node = data_node;
  mutation->data = json_node_get_object (data_node);

  return operation;
}

/* Runs one operation inside its own savepoint and records its answer. */
static JsonNode *
run_operation (const DkMutation   *mutation,
               const DkOperation  *operation,
               const char         *address,
               GError            **error)
{
  DkMutationOutcome outcome = { 0 };
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) result = NULL;

  if (!dk_server_db_begin (mutation->db, error))
    return NULL;

  if (operation->apply (mutation, &outcome, &local_error))
    {
      result = build_outcome (mutation->id, &outcome);
      if (!dk_server_db_audit (mutation->db, mutation->viewer->username, mutation->op,
                               outcome.object_id, address, NULL, error) ||
          !store_result (mutation, result, error) ||
          !dk_server_db_commit (mutation->db, error))
        {
          dk_server_db_rollback (mutation->db);
          _dk_mutation_outcome_clear (&outcome);
          return NULL;
        }

      g_debug ("Mutation %s (%s) applied to %s %s, revision %" G_GINT64_FORMAT,
               mutation->id, mutation->op, outcome.type, outcome.object_id, outcome.revision);
      _dk_mutation_outcome_clear (&outcome);
      return g_steal_pointer (&result);
    }

  /* Nothing of a refused mutation stays, but its answer. */
  dk_server_db_rollback (mutation->db);

  if (g_error_matches (local_error, DK_ERROR, DK_ERROR_STORAGE))
    {
      g_warning ("Mutation %s (%s) failed in storage: %s",
                 mutation->id, mutation->op, local_error->message);
      _dk_mutation_outcome_clear (&outcome);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (g_error_matches (local_error, DK_ERROR, DK_ERROR_CONFLICT) && outcome.current != NULL)
    result = build_outcome (mutation->id, &outcome);
  else
    result = build_rejected_from_error (mutation->id, local_error);
  _dk_mutation_outcome_clear (&outcome);

  g_debug ("Mutation %s (%s) not applied: %s", mutation->id, mutation->op, local_error->message);

  if (!store_result (mutation, result, error))
    return NULL;

  return g_steal_pointer (&result);
}

/* The stored answer of a mutation seen before, unchanged. */
static JsonNode *
replay_result (const char  *mutation_id,
               const char  *stored,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *result;

  result = dk_json_parse (stored, -1, &local_error);
  if (result == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("The stored answer of mutation %s is unreadable: %s"),
                   mutation_id, local_error->message);
      return NULL;
    }

  g_debug ("Mutation %s replayed", mutation_id);
  return result;
}

/**
 * dk_server_mutation_earliest_time:
 * @session_created_at: when the session began
 * @last_contact: when its client last had the server's changes, or %DK_TIME_UNSET
 *
 * Returns: the earliest client time a mutation of the session may claim
 */
gint64
dk_server_mutation_earliest_time (gint64 session_created_at,
                                  gint64 last_contact)
{
  gint64 floor = last_contact != DK_TIME_UNSET ? last_contact
                                               : session_created_at - DK_SESSION_SECONDS;

  return floor - DK_MUTATION_CONTACT_SLACK_SECONDS;
}

/**
 * dk_server_apply_mutation:
 * @db: the server's storage, inside the batch's transaction
 * @viewer: who sends the mutation
 * @address: (nullable): the client's address, for the audit table
 * @mutation: one mutation of the batch
 * @now: the server's time
 * @error: a storage failure
 *
 * Applies one mutation and answers for it; see dk-server-mutations.h. A client_at is
 * kept when it is not in the future; nothing is known of the session's contacts.
 *
 * Returns: (transfer full) (nullable): the mutation's wire result, or %NULL with
 *   @error set when storage failed
 */
JsonNode *
dk_server_apply_mutation (DkServerDb      *db,
                          const DkViewer  *viewer,
                          const char      *address,
                          JsonNode        *mutation,
                          gint64           now,
                          GError         **error)
{
  return dk_server_apply_mutation_since (db, viewer, address, mutation, now, DK_TIME_UNSET,
                                         error);
}

/**
 * dk_server_apply_mutation_since:
 * @db: the server's storage, inside the batch's transaction
 * @viewer: who sends the mutation
 * @address: (nullable): the client's address, for the audit table
 * @mutation: one mutation of the batch
 * @now: the server's time
 * @earliest: the earliest client_at kept (dk_server_mutation_earliest_time ()), or
 *   %DK_TIME_UNSET for no such floor
 * @error: a storage failure
 *
 * Applies one mutation and answers for it; see dk-server-mutations.h.
 *
 * Returns: (transfer full) (nullable): the mutation's wire result, or %NULL with
 *   @error set when storage failed
 */
JsonNode *
dk_server_apply_mutation_since (DkServerDb      *db,
                                const DkViewer  *viewer,
                                const char      *address,
                                JsonNode        *mutation,
                                gint64           now,
                                gint64           earliest,
                                GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autofree char *stored = NULL;
  const DkOperation *operation;
  DkMutation m = { 0 };
  JsonObject *object;

  g_return_val_if_fail (DK_IS_SERVER_DB (db), NULL);
  g_return_val_if_fail (viewer != NULL, NULL);
  g_return_val_if_fail (mutation != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (mutation))
    return build_rejected (NULL, DK_ERROR_INVALID, _("A mutation must be a JSON object"));

  object = json_node_get_object (mutation);
  m.db = db;
  m.viewer = viewer;
  m.now = now;
  m.at = now;
  m.earliest = earliest;
  m.id = peek_mutation_id (object);
  if (m.id == NULL || !dk_is_uuid (m.id))
    return build_rejected (m.id, DK_ERROR_INVALID,
                           _("id: a mutation’s id must be a UUID in lower case"));

  /* Anonymous callers change nothing; their answers are not worth keeping. */
  if (viewer->username == NULL)
    return build_rejected (m.id, DK_ERROR_UNAUTHORIZED, _("Log in to make changes"));

  /* Answers are kept per user: another user's mutation with the same id is another
   * mutation, and cannot read this one's answer. */
  stored = dk_server_db_get_mutation_result (db, m.id, viewer->username);
  if (stored != NULL)
    return replay_result (m.id, stored, error);

  operation = read_envelope (object, &m, &local_error);
  if (operation == NULL)
    {
      result = build_rejected_from_error (m.id, local_error);
      if (!store_result (&m, result, error))
        return NULL;
      return g_steal_pointer (&result);
    }

  return run_operation (&m, operation, address, error);
}
