/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-local-case-changes.c: what a user does to a case (case.create, .edit, .add_update,
 * .close, .follow_up), built the way dk-local-changes.c says */

#define G_LOG_DOMAIN "dk-local-changes"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-local-changes-private.h"

/* Members of a case an edit never sends (the server skips them too). */
static const char * const case_edit_skip[] = {
  "id", "number", "revision", "publisher", "created_at", "closed_at", "updates",
  "follow_ups", "kind", NULL
};

/* ---- helpers ---- */

/* A new update on a case, written by @me at @now. */
static DkCaseUpdate *
new_update (DkUpdatePhrase  phrase,
            const char     *text,
            const char     *me,
            gint64          now)
{
  DkCaseUpdate *update = dk_case_update_new ();

  update->id = g_uuid_string_random ();
  update->at = now;
  update->phrase = phrase;
  update->text = g_strdup (text);
  update->author = g_strdup (me);
  return update;
}

static void
set_time_member (JsonObject *object,
                 const char *member,
                 gint64      t)
{
  g_autofree char *text = dk_time_format (t);

  if (text != NULL)
    json_object_set_string_member (object, member, text);
  else
    json_object_set_null_member (object, member);
}

/* Enqueues a case operation made at @now with the case's new local version. */
static gboolean
enqueue_case (DkStore      *store,
              const char   *op,
              const DkCase *local,
              gint64        base_revision,
              JsonObject   *data,
              gint64        now,
              GError      **error)
{
  g_autoptr(JsonNode) data_node = _dk_local_node_from_object (data);
  g_autoptr(JsonNode) local_node = dk_case_to_json (local);

  return _dk_store_enqueue_at (store, now, op, DK_TYPE_NAME_CASE, local->id, base_revision,
                               data_node, local_node, NULL, error);
}

/* ---- case.create ---- */

/**
 * dk_local_create_case:
 * @store: a #DkStore
 * @kase: the new case; its id is set here when it has none
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the new case is in the outbox (and shows in every list)
 */
gboolean
dk_local_create_case (DkStore     *store,
                      DkCase      *kase,
                      const char  *me,
                      gint64       now,
                      GError     **error)
{
  g_autoptr(DkCase) local = NULL;
  g_autoptr(DkCase) checked = NULL;
  g_autoptr(JsonNode) data = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (kase != NULL, FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (kase->id == NULL)
    kase->id = g_uuid_string_random ();

  /* What the server's prepare_new_case does, so the local version matches it. */
  local = dk_case_copy (kase);
  g_clear_pointer (&local->number, g_free);
  g_free (local->publisher);
  local->publisher = g_strdup (me);
  local->created_at = now;
  local->revision = 0;
  local->closed_at = DK_TIME_UNSET;
  g_ptr_array_set_size (local->follow_ups, 0);
  if (local->start == DK_TIME_UNSET && local->kind != DK_CASE_KIND_PLANNED)
    local->start = now;
  for (guint i = 0; i < local->updates->len; i++)
    {
      DkCaseUpdate *update = g_ptr_array_index (local->updates, i);

      if (update->id == NULL)
        update->id = g_uuid_string_random ();
      if (update->at == DK_TIME_UNSET)
        update->at = now;
      g_free (update->author);
      update->author = g_strdup (me);
    }

  if (local->status == DK_CASE_STATUS_CLOSED)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                           _("status: a new case cannot be closed already"));
      return FALSE;
    }
  if (!dk_case_validate (local, error))
    return FALSE;
  if (local->kind == DK_CASE_KIND_PLANNED && !dk_rules_check_lead_time (local, now, error))
    return FALSE;

  /* The whole case is the data; the server owns number, revision and the stamps. It is
   * read back the way the server reads it, so what it would refuse for its length or
   * characters (a description of 100 000 characters, an escape sequence in the title)
   * is refused now, not after the person has left. */
  data = dk_case_to_json (local);
  checked = dk_case_from_json (data, error);
  if (checked == NULL)
    return FALSE;
  _dk_local_remove_members (data, "number", "revision", "publisher", "created_at", NULL);

  return enqueue_case (store, "case.create", local, 0,
                       json_object_ref (json_node_get_object (data)), now, error);
}

/* ---- case.edit ---- */

/**
 * dk_local_edit_case:
 * @store: a #DkStore
 * @case_id_or_number: the case
 * @changes: the members to change
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the edit is in the outbox
 */
/* A case.edit of @current: the edited case (the local version) and the mutation's data;
 * what the core refuses is refused here. */
static gboolean
build_case_edit (DkCase      *current,
                 JsonObject  *changes,
                 gint64       now,
                 DkCase     **out_edited,
                 JsonObject **out_data,
                 GError     **error)
{
  g_autoptr(DkCase) edited = NULL;
  g_autoptr(JsonNode) merged = NULL;
  g_autoptr(JsonObject) data = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;
  const char *kind;

  kind = json_object_get_string_member_with_default (changes, "kind", NULL);
  if (json_object_has_member (changes, "kind") &&
      g_strcmp0 (kind, dk_case_kind_to_string (current->kind)) != 0)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("kind: a case’s kind cannot change; publish a new case instead"));
      return FALSE;
    }

  merged = dk_case_to_json (current);
  data = _dk_local_new_data (current->id);
  json_object_iter_init (&iter, changes);
  while (json_object_iter_next (&iter, &name, &node))
    {
      if (g_strv_contains (case_edit_skip, name))
        continue;
      json_object_set_member (json_node_get_object (merged), name, json_node_copy (node));
      json_object_set_member (data, name, json_node_copy (node));
    }

  /* A case read only in part (current->unread) may lack what validation asks for; its
   * edit still goes, and the server, which has it whole, judges it (issue 13). */
  edited = dk_case_from_json (merged, error);
  if (edited == NULL ||
      !dk_rules_check_status_change (edited, current->status, now, error) ||
      (current->unread == NULL && !dk_case_validate (edited, error)))
    return FALSE;

  *out_edited = g_steal_pointer (&edited);
  *out_data = g_steal_pointer (&data);
  return TRUE;
}

gboolean
dk_local_edit_case (DkStore     *store,
                    const char  *case_id_or_number,
                    JsonObject  *changes,
                    const char  *me,
                    gint64       now,
                    GError     **error)
{
  g_autoptr(DkCase) current = NULL;
  g_autoptr(DkCase) edited = NULL;
  JsonObject *data = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  current = _dk_local_load_case (store, case_id_or_number, error);
  if (current == NULL)
    return FALSE;
  if (!build_case_edit (current, changes, now, &edited, &data, error))
    return FALSE;

  /* The revision the user saw: the server answers a conflict when it moved on. */
  return enqueue_case (store, "case.edit", edited, current->revision, data, now, error);
}

/**
 * dk_local_resolve_case_conflict:
 * @store: a #DkStore
 * @mutation_id: the conflicting entry (a case.edit the server answered with conflict)
 * @chosen: the case members the user kept from their own version (a case.edit's
 *   members); the others stay as the server has them
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * The user chose field by field between their version and the server's: the
 * conflicting entry goes, and a case.edit with @chosen, based on the server's current
 * revision (the "current" the conflict answer carried), takes its place, in one
 * transaction. When @chosen is empty (the server's version in every field) only the
 * entry goes.
 *
 * Returns: %TRUE when done
 */
gboolean
dk_local_resolve_case_conflict (DkStore     *store,
                                const char  *mutation_id,
                                JsonObject  *chosen,
                                const char  *me,
                                gint64       now,
                                GError     **error)
{
  g_autoptr(DkOutboxEntry) entry = NULL;
  g_autoptr(JsonNode) current_node = NULL;
  g_autoptr(DkCase) current = NULL;
  g_autoptr(DkCase) edited = NULL;
  JsonObject *data = NULL;
  gboolean any = FALSE;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);
  g_return_val_if_fail (chosen != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  entry = dk_store_outbox_get (store, mutation_id, error);
  if (entry == NULL)
    return FALSE;
  if (entry->state != DK_OUTBOX_CONFLICT || !g_str_equal (entry->object_type, DK_TYPE_NAME_CASE) ||
      entry->current == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                   _("The change %s is not a conflicting edit of a case"), mutation_id);
      return FALSE;
    }

  current_node = dk_json_parse (entry->current, -1, error);
  if (current_node == NULL)
    return FALSE;
  current = dk_case_from_json (current_node, error);
  if (current == NULL)
    return FALSE;

  json_object_iter_init (&iter, chosen);
  while (json_object_iter_next (&iter, &name, &node))
    any = any || !g_strv_contains (case_edit_skip, name);
  if (any && !build_case_edit (current, chosen, now, &edited, &data, error))
    return FALSE;

  if (!_dk_store_begin (store, error))
    {
      g_clear_pointer (&data, json_object_unref);
      return FALSE;
    }
  if (!dk_store_outbox_discard (store, mutation_id, error) ||
      (data != NULL &&
       !enqueue_case (store, "case.edit", edited, current->revision,
                      g_steal_pointer (&data), now, error)))
    {
      g_clear_pointer (&data, json_object_unref);
      _dk_store_rollback (store);
      return FALSE;
    }

  return _dk_store_commit (store, error);
}

/* ---- case.add_update ---- */

/**
 * dk_local_add_update:
 * @store: a #DkStore
 * @case_id_or_number: the case
 * @phrase: the update's phrase
 * @text: (nullable): the update's text
 * @expected_end: the new expected end, or %DK_TIME_UNSET to leave it
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the update is in the outbox
 */
gboolean
dk_local_add_update (DkStore         *store,
                     const char      *case_id_or_number,
                     DkUpdatePhrase   phrase,
                     const char      *text,
                     gint64           expected_end,
                     const char      *me,
                     gint64           now,
                     GError         **error)
{
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(DkCaseUpdate) update = NULL;
  JsonObject *data;
  JsonNode *update_node;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((guint) phrase > DK_UPDATE_PHRASE_LAST)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID, _("phrase: unknown phrase"));
      return FALSE;
    }
  if (!_dk_local_check_text (text, "update.text", FALSE, DK_MAX_TEXT_CHARS, error))
    return FALSE;

  kase = _dk_local_load_case (store, case_id_or_number, error);
  if (kase == NULL)
    return FALSE;
  if (!dk_rules_check_may_update (kase, error))
    return FALSE;

  update = new_update (phrase, text, me, now);

  /* The server takes id, at, phrase and text, and stamps the author itself. */
  update_node = dk_case_update_to_json (update);
  _dk_local_remove_members (update_node, "author", NULL);
  data = _dk_local_new_data (kase->id);
  json_object_set_member (data, "update", update_node);
  if (expected_end != DK_TIME_UNSET)
    {
      set_time_member (data, "expected_end", expected_end);
      kase->expected_end = expected_end;
    }

  g_ptr_array_add (kase->updates, g_steal_pointer (&update));
  if (kase->unread == NULL && !dk_case_validate (kase, error))
    {
      json_object_unref (data);
      return FALSE;
    }

  /* Appends commute on the server: no base revision. */
  return enqueue_case (store, "case.add_update", kase, 0, data, now, error);
}

/* ---- case.close ---- */

/**
 * dk_local_close_case:
 * @store: a #DkStore
 * @case_id_or_number: the case
 * @text: (nullable): the closing update's text; "Resolved" when %NULL
 * @me: the logged-in username
 * @now: the current time (when the case ended)
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the close is in the outbox
 */
gboolean
dk_local_close_case (DkStore     *store,
                     const char  *case_id_or_number,
                     const char  *text,
                     const char  *me,
                     gint64       now,
                     GError     **error)
{
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(DkCaseUpdate) update = NULL;
  JsonObject *data;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (text != NULL && !_dk_local_check_text (text, "text", TRUE, DK_MAX_TEXT_CHARS, error))
    return FALSE;

  kase = _dk_local_load_case (store, case_id_or_number, error);
  if (kase == NULL)
    return FALSE;
  if (!dk_rules_check_may_close (kase, error) ||
      !dk_rules_check_close_time (kase, now, error))
    return FALSE;

  data = _dk_local_new_data (kase->id);
  set_time_member (data, "at", now);
  if (text != NULL)
    json_object_set_string_member (data, "text", text);

  /* The server makes the resolved update (with its own id); this one stands in. */
  update = new_update (DK_UPDATE_PHRASE_RESOLVED, text != NULL ? text : _("Resolved"), me, now);
  g_ptr_array_add (kase->updates, g_steal_pointer (&update));
  kase->status = DK_CASE_STATUS_CLOSED;
  kase->closed_at = now;

  return enqueue_case (store, "case.close", kase, 0, data, now, error);
}

/* ---- case.follow_up ---- */

/**
 * dk_local_add_follow_up:
 * @store: a #DkStore
 * @case_id_or_number: the case (closed cases take follow-ups too)
 * @text: the follow-up's text
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the follow-up is in the outbox
 */
gboolean
dk_local_add_follow_up (DkStore     *store,
                        const char  *case_id_or_number,
                        const char  *text,
                        const char  *me,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(DkCaseFollowUp) follow_up = dk_case_follow_up_new ();
  JsonObject *data;
  JsonObject *member;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_dk_local_check_text (text, "follow_up.text", TRUE, DK_MAX_TEXT_CHARS, error))
    return FALSE;

  kase = _dk_local_load_case (store, case_id_or_number, error);
  if (kase == NULL)
    return FALSE;
  if (!dk_rules_check_history_room (kase, DK_CASE_HISTORY_FOLLOW_UPS, error))
    return FALSE;

  follow_up->id = g_uuid_string_random ();
  follow_up->at = now;
  follow_up->text = g_strdup (text);
  follow_up->author = g_strdup (me);

  member = json_object_new ();
  json_object_set_string_member (member, "id", follow_up->id);
  json_object_set_string_member (member, "text", text);
  data = _dk_local_new_data (kase->id);
  json_object_set_object_member (data, "follow_up", member);

  g_ptr_array_add (kase->follow_ups, g_steal_pointer (&follow_up));

  return enqueue_case (store, "case.follow_up", kase, 0, data, now, error);
}

/* ---- case.affected ---- */

/**
 * dk_local_mark_affected:
 * @store: a #DkStore
 * @case_id_or_number: the case
 * @unit: the user's unit
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * "We are affected too": adds @unit to the case's affected units. Refused when the
 * case is closed, or with %DK_ERROR_DUPLICATE when the unit is listed already
 * (compared without case).
 *
 * Returns: %TRUE when the change is in the outbox
 */
gboolean
dk_local_mark_affected (DkStore     *store,
                        const char  *case_id_or_number,
                        const char  *unit,
                        const char  *me,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(DkCaseAffected) affected = dk_case_affected_new ();
  g_autofree char *trimmed = NULL;
  JsonObject *data;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_dk_local_check_text (unit, "unit", TRUE, DK_MAX_SHORT_CHARS, error))
    return FALSE;
  trimmed = g_strstrip (g_strdup (unit));

  kase = _dk_local_load_case (store, case_id_or_number, error);
  if (kase == NULL)
    return FALSE;
  if (kase->status == DK_CASE_STATUS_CLOSED)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                   _("%s is closed: units can no longer say they are affected"),
                   kase->number != NULL ? kase->number : kase->id);
      return FALSE;
    }
  if (dk_case_has_affected_unit (kase, trimmed))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_DUPLICATE,
                   _("%s already says that %s is affected"),
                   kase->number != NULL ? kase->number : kase->id, trimmed);
      return FALSE;
    }

  data = json_object_new ();
  json_object_set_string_member (data, "case", kase->id);
  json_object_set_string_member (data, "unit", trimmed);

  affected->unit = g_strdup (trimmed);
  affected->at = now;
  affected->by = g_strdup (me);
  g_ptr_array_add (kase->affected, g_steal_pointer (&affected));
  if (!dk_case_validate (kase, error))
    {
      json_object_unref (data);
      return FALSE;
    }

  /* Appends commute on the server: no base revision. */
  return enqueue_case (store, "case.affected", kase, 0, data, now, error);
}

/* ---- case.reserve ---- */

/* A reserve routine event on a case: declared (@all_units or @units) or lifted. */
static gboolean
change_reserve (DkStore            *store,
                const char         *case_id_or_number,
                gboolean            declared,
                gboolean            all_units,
                const char * const *units,
                const char         *text,
                const char         *me,
                gint64              now,
                GError            **error)
{
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(DkCaseReserveEvent) event = dk_case_reserve_event_new ();
  g_autoptr(JsonArray) unit_array = json_array_new ();
  const char *shown;
  JsonObject *data;

  if (!_dk_local_check_text (text, "text", FALSE, DK_MAX_TEXT_CHARS, error))
    return FALSE;
  for (guint i = 0; !all_units && units != NULL && units[i] != NULL; i++)
    {
      if (!_dk_local_check_text (units[i], "units", TRUE, DK_MAX_SHORT_CHARS, error))
        return FALSE;
    }

  kase = _dk_local_load_case (store, case_id_or_number, error);
  if (kase == NULL)
    return FALSE;
  shown = kase->number != NULL ? kase->number : kase->id;
  if (kase->status == DK_CASE_STATUS_CLOSED)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                   _("%s is closed: its reserve routine can no longer change"), shown);
      return FALSE;
    }
  if (declared && !all_units && (units == NULL || units[0] == NULL))
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("units: name the units the reserve routine is for, or all units"));
      return FALSE;
    }
  if (!declared && dk_case_get_reserve_in_force (kase) == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                   _("%s has no reserve routine in force to lift"), shown);
      return FALSE;
    }

  event->id = g_uuid_string_random ();
  event->at = now;
  event->declared = declared;
  event->all_units = declared && all_units;
  for (guint i = 0; declared && !all_units && units[i] != NULL; i++)
    {
      g_autofree char *unit = g_strstrip (g_strdup (units[i]));

      json_array_add_string_element (unit_array, unit);
      g_ptr_array_add (event->units, g_steal_pointer (&unit));
    }
  event->author = g_strdup (me);
  event->text = text != NULL && !_dk_local_is_blank (text) ? g_strdup (text) : NULL;

  data = json_object_new ();
  json_object_set_string_member (data, "case", kase->id);
  json_object_set_string_member (data, "action", declared ? "declared" : "lifted");
  json_object_set_boolean_member (data, "all_units", event->all_units);
  json_object_set_array_member (data, "units", g_steal_pointer (&unit_array));
  if (event->text != NULL)
    json_object_set_string_member (data, "text", event->text);

  g_ptr_array_add (kase->reserve, g_steal_pointer (&event));
  if (!dk_case_validate (kase, error))
    {
      json_object_unref (data);
      return FALSE;
    }

  return enqueue_case (store, "case.reserve", kase, 0, data, now, error);
}

/**
 * dk_local_declare_reserve:
 * @store: a #DkStore
 * @case_id_or_number: the case (open)
 * @all_units: the reserve routine is in force for every unit
 * @units: (nullable) (array zero-terminated=1): else the units it is in force for
 * @text: (nullable): what the declaration says
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Declares the switch to the reserve routine (seed 002). The server checks that the
 * user may publish the case's kind and area.
 *
 * Returns: %TRUE when the declaration is in the outbox
 */
gboolean
dk_local_declare_reserve (DkStore            *store,
                          const char         *case_id_or_number,
                          gboolean            all_units,
                          const char * const *units,
                          const char         *text,
                          const char         *me,
                          gint64              now,
                          GError            **error)
{
  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return change_reserve (store, case_id_or_number, TRUE, all_units, units, text, me, now,
                         error);
}

/**
 * dk_local_lift_reserve:
 * @store: a #DkStore
 * @case_id_or_number: the case (open, with a reserve routine in force)
 * @text: (nullable): what the lifting says
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the lifting is in the outbox
 */
gboolean
dk_local_lift_reserve (DkStore     *store,
                       const char  *case_id_or_number,
                       const char  *text,
                       const char  *me,
                       gint64       now,
                       GError     **error)
{
  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return change_reserve (store, case_id_or_number, FALSE, FALSE, NULL, text, me, now, error);
}
