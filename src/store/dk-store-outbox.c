/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-outbox.c: local changes waiting for the server, and its answers */

#define G_LOG_DOMAIN "dk-store"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-store-private.h"

#define ENTRY_COLUMNS "position, mutation_id, op, object_type, object_id, base_revision," \
                      " data, state, error_code, error_message, current, created_at, attempts"

/**
 * dk_outbox_entry_free:
 * @entry: (nullable): an entry
 */
void
dk_outbox_entry_free (DkOutboxEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->mutation_id);
  g_free (entry->op);
  g_free (entry->object_type);
  g_free (entry->object_id);
  g_free (entry->data);
  g_free (entry->error_code);
  g_free (entry->error_message);
  g_free (entry->current);
  g_free (entry);
}

static DkOutboxEntry *
read_entry (sqlite3_stmt *stmt)
{
  DkOutboxEntry *entry = g_new0 (DkOutboxEntry, 1);

  entry->position = sqlite3_column_int64 (stmt, 0);
  entry->mutation_id = g_strdup (_dk_store_column_text (stmt, 1));
  entry->op = g_strdup (_dk_store_column_text (stmt, 2));
  entry->object_type = g_strdup (_dk_store_column_text (stmt, 3));
  entry->object_id = g_strdup (_dk_store_column_text (stmt, 4));
  entry->base_revision = sqlite3_column_int64 (stmt, 5);
  entry->data = g_strdup (_dk_store_column_text (stmt, 6));
  entry->state = (DkOutboxState) sqlite3_column_int (stmt, 7);
  entry->error_code = g_strdup (_dk_store_column_text (stmt, 8));
  entry->error_message = g_strdup (_dk_store_column_text (stmt, 9));
  entry->current = g_strdup (_dk_store_column_text (stmt, 10));
  entry->created_at = sqlite3_column_int64 (stmt, 11);
  entry->attempts = (guint) sqlite3_column_int64 (stmt, 12);

  return entry;
}

static GPtrArray *
collect_entries (DkStore       *self,
                 sqlite3_stmt  *stmt,
                 GError       **error)
{
  g_autoptr(GPtrArray) entries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) dk_outbox_entry_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, read_entry (stmt));

  if (rc != SQLITE_DONE)
    {
      _dk_store_set_error (self, error);
      sqlite3_reset (stmt);
      return NULL;
    }

  sqlite3_reset (stmt);
  return g_steal_pointer (&entries);
}

/**
 * dk_store_enqueue:
 * @self: a #DkStore
 * @op: the operation ("case.create", ...)
 * @object_type: the type of the object it changes
 * @object_id: that object's id
 * @base_revision: the server revision the change was made on (0 for none)
 * @data: the mutation's data, a JSON object
 * @local_object: (nullable): the object's new local version (wire JSON), shown at once
 * @out_mutation_id: (out) (optional) (transfer full): the new mutation's id
 * @error: return location for a #GError
 *
 * Records a local change and its local version in one transaction. The entry's time
 * (its created_at, sent to the server as the mutation's client_at: when the user did
 * it) is now; the local operations (dk-local-changes.h) give the time their local
 * version shows instead, so that it reads the same before and after a sync.
 *
 * Returns: %TRUE when the change is on disk
 */
gboolean
dk_store_enqueue (DkStore     *self,
                  const char  *op,
                  const char  *object_type,
                  const char  *object_id,
                  gint64       base_revision,
                  JsonNode    *data,
                  JsonNode    *local_object,
                  char       **out_mutation_id,
                  GError     **error)
{
  return _dk_store_enqueue_at (self, dk_time_now (), op, object_type, object_id, base_revision,
                               data, local_object, out_mutation_id, error);
}

/* dk_store_enqueue () of a change the user made at @created_at. */
gboolean
_dk_store_enqueue_at (DkStore     *self,
                      gint64       created_at,
                      const char  *op,
                      const char  *object_type,
                      const char  *object_id,
                      gint64       base_revision,
                      JsonNode    *data,
                      JsonNode    *local_object,
                      char       **out_mutation_id,
                      GError     **error)
{
  g_autofree char *mutation_id = g_uuid_string_random ();

  if (!_dk_store_enqueue_with_id (self, mutation_id, created_at, op, object_type, object_id,
                                  base_revision, data, local_object, error))
    return FALSE;

  if (out_mutation_id != NULL)
    *out_mutation_id = g_steal_pointer (&mutation_id);
  return TRUE;
}

/* _dk_store_enqueue_at () with a mutation id the caller made: an operation whose local
 * version holds the id (a run's tick events) makes it first. */
gboolean
_dk_store_enqueue_with_id (DkStore     *self,
                           const char  *mutation_id,
                           gint64       created_at,
                           const char  *op,
                           const char  *object_type,
                           const char  *object_id,
                           gint64       base_revision,
                           JsonNode    *data,
                           JsonNode    *local_object,
                           GError     **error)
{
  g_autofree char *text = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (op != NULL && object_type != NULL && object_id != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!JSON_NODE_HOLDS_OBJECT (data))
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("A change’s data must be a JSON object"));
      return FALSE;
    }

  /* Refused here, where it is typed, rather than by the server later: text that no
   * feed or page can carry (dk-text.c). */
  if (!dk_json_check_publishable (data, NULL, error))
    return FALSE;

  text = json_to_string (data, FALSE);

  if (!_dk_store_begin (self, error))
    return FALSE;

  stmt = _dk_store_prepare (self,
                            "INSERT INTO outbox (mutation_id, op, object_type, object_id,"
                            " base_revision, data, state, created_at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)", error);
  if (stmt == NULL)
    goto failed;
  _dk_store_bind_text (stmt, 1, mutation_id);
  _dk_store_bind_text (stmt, 2, op);
  _dk_store_bind_text (stmt, 3, object_type);
  _dk_store_bind_text (stmt, 4, object_id);
  sqlite3_bind_int64 (stmt, 5, base_revision);
  _dk_store_bind_text (stmt, 6, text);
  sqlite3_bind_int64 (stmt, 7, created_at);
  if (!_dk_store_step_done (self, stmt, error))
    goto failed;

  if (local_object != NULL &&
      !_dk_store_put_local (self, object_type, object_id, local_object, error))
    goto failed;

  _dk_store_note_change (self, DK_STORE_CHANGE_LOCAL);
  if (!_dk_store_commit (self, error))
    return FALSE;

  g_debug ("Enqueued %s %s on %s %s", mutation_id, op, object_type, object_id);
  return TRUE;

failed:
  _dk_store_rollback (self);
  return FALSE;
}

/**
 * dk_store_outbox_pending:
 * @self: a #DkStore
 * @limit: at most this many; 0 for all
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type DkOutboxEntry) (nullable): the oldest
 *   pending entries first
 */
GPtrArray *
dk_store_outbox_pending (DkStore  *self,
                         guint     limit,
                         GError  **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = _dk_store_prepare (self, "SELECT " ENTRY_COLUMNS " FROM outbox WHERE state = 0"
                                  " ORDER BY position LIMIT ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (gint64) limit : -1);

  return collect_entries (self, stmt, error);
}

/**
 * dk_store_outbox_list:
 * @self: a #DkStore
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type DkOutboxEntry) (nullable): every entry,
 *   oldest first
 */
GPtrArray *
dk_store_outbox_list (DkStore  *self,
                      GError  **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = _dk_store_prepare (self, "SELECT " ENTRY_COLUMNS " FROM outbox ORDER BY position",
                            error);
  if (stmt == NULL)
    return NULL;

  return collect_entries (self, stmt, error);
}

/* The local version stays while something pending or conflicting still needs it;
 * otherwise @retire decides how it goes. */
static gboolean
settle_local (DkStore     *self,
              const char  *type,
              const char  *id,
              gboolean     applied,
              gint64       revision,
              GError     **error)
{
  gint64 others = 0;

  if (!_dk_store_count_entries (self, type, id,
                                (1u << DK_OUTBOX_PENDING) | (1u << DK_OUTBOX_CONFLICT),
                                &others, error))
    return FALSE;
  if (others > 0)
    return TRUE;

  /* Applied: the local version is what the server now has; keep it until the pull
   * brings that revision, so nothing flickers. Rejected: its effect goes at once. */
  if (applied)
    return _dk_store_retire_local (self, type, id, revision, error);

  return _dk_store_drop_local (self, type, id, error);
}

static gboolean
answer_entry (DkStore     *self,
              JsonObject  *result,
              const char  *mutation_id,
              const char  *status,
              const char  *type,
              const char  *id,
              GError     **error)
{
  sqlite3_stmt *stmt;

  if (g_strcmp0 (status, DK_RESULT_APPLIED) == 0)
    {
      JsonNode *revision_node = json_object_get_member (result, "revision");
      gint64 revision = 0;
      const char *number = _dk_store_peek_string (result, "number");

      if (revision_node != NULL && JSON_NODE_TYPE (revision_node) == JSON_NODE_VALUE &&
          json_node_get_value_type (revision_node) == G_TYPE_INT64)
        revision = json_node_get_int (revision_node);

      stmt = _dk_store_prepare (self, "DELETE FROM outbox WHERE mutation_id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      _dk_store_bind_text (stmt, 1, mutation_id);
      if (!_dk_store_step_done (self, stmt, error))
        return FALSE;

      if (number != NULL && g_str_equal (type, DK_TYPE_NAME_CASE) &&
          !_dk_store_set_case_number (self, id, number, error))
        return FALSE;

      return settle_local (self, type, id, TRUE, revision, error);
    }

  if (g_strcmp0 (status, DK_RESULT_REJECTED) == 0)
    {
      JsonNode *reason_node = json_object_get_member (result, "error");
      JsonObject *reason = reason_node != NULL && JSON_NODE_HOLDS_OBJECT (reason_node)
                             ? json_node_get_object (reason_node) : NULL;
      const char *code = _dk_store_peek_string (reason, "code");
      const char *message = _dk_store_peek_string (reason, "message");

      stmt = _dk_store_prepare (self, "UPDATE outbox SET state = ?2, error_code = ?3,"
                                      " error_message = ?4, attempts = attempts + 1"
                                      " WHERE mutation_id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      _dk_store_bind_text (stmt, 1, mutation_id);
      sqlite3_bind_int (stmt, 2, DK_OUTBOX_REJECTED);
      _dk_store_bind_text (stmt, 3, code != NULL ? code : "failed");
      _dk_store_bind_text (stmt, 4, message != NULL ? message : _("The server refused the change"));
      if (!_dk_store_step_done (self, stmt, error))
        return FALSE;

      return settle_local (self, type, id, FALSE, 0, error);
    }

  if (g_strcmp0 (status, DK_RESULT_CONFLICT) == 0)
    {
      JsonNode *current = json_object_get_member (result, "current");
      g_autofree char *current_text = current != NULL ? json_to_string (current, FALSE) : NULL;

      /* Both versions stay: the local one shows, the server's is in "current". */
      stmt = _dk_store_prepare (self, "UPDATE outbox SET state = ?2, current = ?3,"
                                      " attempts = attempts + 1 WHERE mutation_id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      _dk_store_bind_text (stmt, 1, mutation_id);
      sqlite3_bind_int (stmt, 2, DK_OUTBOX_CONFLICT);
      _dk_store_bind_text (stmt, 3, current_text);
      return _dk_store_step_done (self, stmt, error);
    }

  g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED,
               _("The server answered mutation %s with an unknown status “%s”"),
               mutation_id, status != NULL ? status : "");
  return FALSE;
}

/* The object an entry is for: its type and id, or NULL for both when there is no entry
 * with @mutation_id (answered or discarded before). */
static gboolean
lookup_entry_object (DkStore     *self,
                     const char  *mutation_id,
                     char       **out_type,
                     char       **out_id,
                     GError     **error)
{
  sqlite3_stmt *stmt;

  *out_type = NULL;
  *out_id = NULL;
  stmt = _dk_store_prepare (self, "SELECT object_type, object_id FROM outbox"
                                  " WHERE mutation_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _dk_store_bind_text (stmt, 1, mutation_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *out_type = g_strdup (_dk_store_column_text (stmt, 0));
      *out_id = g_strdup (_dk_store_column_text (stmt, 1));
    }
  sqlite3_reset (stmt);

  return TRUE;
}

/* Records one answer inside the caller's transaction. */
static gboolean
record_answer (DkStore     *self,
               JsonObject  *result,
               GError     **error)
{
  g_autofree char *type = NULL;
  g_autofree char *id = NULL;
  const char *mutation_id = _dk_store_peek_string (result, "id");
  const char *status = _dk_store_peek_string (result, "status");

  if (mutation_id == NULL)
    {
      g_set_error_literal (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED,
                           _("The server answered a mutation without naming it"));
      return FALSE;
    }

  if (!lookup_entry_object (self, mutation_id, &type, &id, error))
    return FALSE;
  if (type == NULL)
    {
      g_debug ("Mutation %s was answered before", mutation_id);
      return TRUE;
    }

  return answer_entry (self, result, mutation_id, status, type, id, error);
}

/**
 * dk_store_outbox_answer:
 * @self: a #DkStore
 * @result: one result object of POST /mutations
 * @error: return location for a #GError
 *
 * Records the server's answer. Applied removes the entry; the local version then stays
 * until the pull brings the revision the server answered with (so nothing flickers),
 * unless other entries for the object still wait. Rejected keeps the entry with its
 * reason and drops its effect (the local version goes when nothing else is pending for
 * the object). Conflict keeps the entry with the server's version and the local one.
 * An answer for an entry that is not there (answered before) is a no-op.
 *
 * Returns: %TRUE when recorded
 */
gboolean
dk_store_outbox_answer (DkStore     *self,
                        JsonObject  *result,
                        GError     **error)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new ();

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_ptr_array_add (results, result);
  return dk_store_outbox_answer_all (self, results, error);
}

/**
 * dk_store_outbox_answer_all:
 * @self: a #DkStore
 * @results: (element-type JsonObject): result objects of POST /mutations, in order
 * @error: return location for a #GError
 *
 * Records every answer of a batch as dk_store_outbox_answer () does, in one
 * transaction: all of them or, on an error, none (the entries stay pending and are
 * sent again; the server answers a mutation it has seen as it did the first time).
 *
 * Returns: %TRUE when recorded
 */
gboolean
dk_store_outbox_answer_all (DkStore     *self,
                            GPtrArray   *results,
                            GError     **error)
{
  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (results != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_dk_store_begin (self, error))
    return FALSE;

  for (guint i = 0; i < results->len; i++)
    {
      if (!record_answer (self, g_ptr_array_index (results, i), error))
        {
          _dk_store_rollback (self);
          return FALSE;
        }
    }

  if (results->len > 0)
    _dk_store_note_change (self, DK_STORE_CHANGE_OUTBOX);
  return _dk_store_commit (self, error);
}

/**
 * dk_store_outbox_discard:
 * @self: a #DkStore
 * @mutation_id: the entry's mutation id
 * @error: return location for a #GError
 *
 * Drops an entry: a rejected or conflicting one the user has seen, or (before it is
 * sent) a local change the user takes back. The server's version shows again once no
 * other entry needs the local one.
 *
 * Returns: %TRUE when done (also when there was no such entry)
 */
gboolean
dk_store_outbox_discard (DkStore     *self,
                         const char  *mutation_id,
                         GError     **error)
{
  g_autofree char *type = NULL;
  g_autofree char *id = NULL;
  sqlite3_stmt *stmt;
  gint64 others = 0;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_dk_store_begin (self, error))
    return FALSE;

  if (!lookup_entry_object (self, mutation_id, &type, &id, error))
    goto failed;
  if (type == NULL)
    {
      _dk_store_rollback (self);
      return TRUE;
    }

  stmt = _dk_store_prepare (self, "DELETE FROM outbox WHERE mutation_id = ?1", error);
  if (stmt == NULL)
    goto failed;
  _dk_store_bind_text (stmt, 1, mutation_id);
  if (!_dk_store_step_done (self, stmt, error))
    goto failed;

  if (!_dk_store_count_entries (self, type, id,
                                (1u << DK_OUTBOX_PENDING) | (1u << DK_OUTBOX_CONFLICT),
                                &others, error))
    goto failed;
  if (others == 0 && !_dk_store_drop_local (self, type, id, error))
    goto failed;

  _dk_store_note_change (self, DK_STORE_CHANGE_OUTBOX);
  return _dk_store_commit (self, error);

failed:
  _dk_store_rollback (self);
  return FALSE;
}

/**
 * dk_store_outbox_get:
 * @self: a #DkStore
 * @mutation_id: the entry's mutation id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the entry, or %NULL with
 *   %DK_STORE_ERROR_NOT_FOUND when it is not in the outbox (answered or discarded)
 */
DkOutboxEntry *
dk_store_outbox_get (DkStore     *self,
                     const char  *mutation_id,
                     GError     **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (mutation_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = _dk_store_prepare (self, "SELECT " ENTRY_COLUMNS " FROM outbox WHERE mutation_id = ?1",
                            error);
  if (stmt == NULL)
    return NULL;
  _dk_store_bind_text (stmt, 1, mutation_id);
  entries = collect_entries (self, stmt, error);
  if (entries == NULL)
    return NULL;
  if (entries->len == 0)
    {
      g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND,
                   _("The change %s is not waiting in the outbox any more"), mutation_id);
      return NULL;
    }

  return g_steal_pointer (&entries->pdata[0]);
}

/* A whole object sent again (a new case, report or template) is checked with the core
 * first, as when it was made: what the server would refuse for its shape is refused
 * now. Other operations' data the server checks. */
static gboolean
check_retry_data (const char  *op,
                  JsonNode    *data,
                  GError     **error)
{
  if (g_str_equal (op, "case.create"))
    {
      g_autoptr(DkCase) kase = dk_case_from_json (data, error);

      return kase != NULL && dk_case_validate (kase, error);
    }
  if (g_str_equal (op, "report.create"))
    {
      g_autoptr(DkReport) report = dk_report_from_json (data, error);

      return report != NULL && dk_report_validate (report, error);
    }
  if (g_str_equal (op, "template.save"))
    {
      g_autoptr(DkTemplate) tmpl = dk_template_from_json (data, error);

      return tmpl != NULL && dk_template_validate (tmpl, error);
    }
  if (g_str_equal (op, "unit.save"))
    {
      g_autoptr(DkUnit) unit = dk_unit_from_json (data, error);

      return unit != NULL && dk_unit_validate (unit, error);
    }

  return TRUE;
}

/**
 * dk_store_outbox_retry:
 * @self: a #DkStore
 * @mutation_id: a rejected entry's mutation id
 * @data: the mutation's new data (the user's edit of it), a JSON object
 * @local_object: (nullable): the object's new local version, shown at once
 * @error: return location for a #GError
 *
 * Sends a rejected change again after the user edited it: its data is replaced, it
 * goes to the end of the outbox as pending, without the server's reason, in one
 * transaction. It gets a new mutation id (the server answers an id it has seen as it
 * did the first time, so the old one would be refused again); the entry keeps its
 * operation, object and base revision.
 *
 * Returns: %TRUE when the entry waits to be sent again
 */
gboolean
dk_store_outbox_retry (DkStore     *self,
                       const char  *mutation_id,
                       JsonNode    *data,
                       JsonNode    *local_object,
                       GError     **error)
{
  g_autoptr(DkOutboxEntry) entry = NULL;
  g_autofree char *text = NULL;
  g_autofree char *new_id = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!JSON_NODE_HOLDS_OBJECT (data))
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("A change’s data must be a JSON object"));
      return FALSE;
    }
  text = json_to_string (data, FALSE);
  new_id = g_uuid_string_random ();

  if (!_dk_store_begin (self, error))
    return FALSE;

  entry = dk_store_outbox_get (self, mutation_id, error);
  if (entry == NULL)
    goto failed;
  if (entry->state != DK_OUTBOX_REJECTED)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                   _("Only a change the server refused can be edited and sent again"));
      goto failed;
    }
  if (!check_retry_data (entry->op, data, error))
    goto failed;

  stmt = _dk_store_prepare (self,
                            "UPDATE outbox SET mutation_id = ?2, data = ?3, state = 0,"
                            " error_code = NULL, error_message = NULL, current = NULL,"
                            " position = (SELECT max (position) + 1 FROM outbox)"
                            " WHERE mutation_id = ?1", error);
  if (stmt == NULL)
    goto failed;
  _dk_store_bind_text (stmt, 1, mutation_id);
  _dk_store_bind_text (stmt, 2, new_id);
  _dk_store_bind_text (stmt, 3, text);
  if (!_dk_store_step_done (self, stmt, error))
    goto failed;

  if (local_object != NULL &&
      !_dk_store_put_local (self, entry->object_type, entry->object_id, local_object, error))
    goto failed;

  _dk_store_note_change (self, DK_STORE_CHANGE_LOCAL | DK_STORE_CHANGE_OUTBOX);
  if (!_dk_store_commit (self, error))
    return FALSE;

  g_debug ("Sending %s again as %s", mutation_id, new_id);
  return TRUE;

failed:
  _dk_store_rollback (self);
  return FALSE;
}

/**
 * dk_store_outbox_count:
 * @self: a #DkStore
 * @state: the state to count
 *
 * Returns: how many entries are in @state
 */
guint
dk_store_outbox_count (DkStore       *self,
                       DkOutboxState  state)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  guint count = 0;

  g_return_val_if_fail (DK_IS_STORE (self), 0);

  stmt = _dk_store_prepare (self, "SELECT count(*) FROM outbox WHERE state = ?1", &error);
  if (stmt == NULL)
    {
      g_warning ("Could not count the outbox: %s", error->message);
      return 0;
    }
  sqlite3_bind_int (stmt, 1, state);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return count;
}
