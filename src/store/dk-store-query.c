/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-query.c: reading the replica: lists, lookups and full-text search */

#define G_LOG_DOMAIN "dk-store"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-store-list.h"
#include "dk-store-private.h"

typedef gpointer (*DecodeFunc) (JsonNode *node, GError **error);

/* The cases of a search, in the order of the pks in ?1 (a JSON array). */
static const char search_sql[] =
  "SELECT c.number, COALESCE (c.local_data, c.server_data), c.id, c.title, c.kind, c.area,"
  " c.status FROM json_each (?1) AS j CROSS JOIN cases AS c ON c.pk = j.value"
  " ORDER BY j.key";

/* Decodes a stored case; a number the server assigned after the local version was
 * written comes from the column. A case that reads only in part shows with what reads,
 * flagged (kase->unread): a list, a search or a page never hides it (issue 13). */
/* A case whose stored copy does not read at all, from its row's columns: the list
 * still has it, its page says why it shows so little. */
static DkCase *
case_from_columns (sqlite3_stmt *stmt,
                   const char   *reason)
{
  const char *id = _dk_store_column_text (stmt, 2);
  const char *title = _dk_store_column_text (stmt, 3);
  const char *kind = _dk_store_column_text (stmt, 4);
  const char *area = _dk_store_column_text (stmt, 5);
  const char *status = _dk_store_column_text (stmt, 6);
  DkCase *kase;

  if (id == NULL || *id == '\0')
    return NULL;

  kase = dk_case_new ();
  kase->id = g_strdup (id);
  kase->title = g_strdup (title != NULL && *title != '\0' ? title
                                                          : _("(the title could not be read)"));
  if (kind != NULL)
    dk_case_kind_from_string (kind, &kase->kind);
  if (area != NULL)
    dk_area_from_string (area, &kase->area);
  if (status != NULL)
    dk_case_status_from_string (status, &kase->status);
  kase->unread = g_strdup_printf (_("Parts of this case could not be read: %s (%s)"), "*",
                                  reason);
  return kase;
}

static DkCase *
decode_case (sqlite3_stmt  *stmt,
             GError       **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *number = _dk_store_column_text (stmt, 0);
  const char *text = _dk_store_column_text (stmt, 1);
  DkCase *kase = NULL;

  if (text == NULL)
    g_set_error_literal (&local_error, DK_STORE_ERROR, DK_STORE_ERROR_CORRUPT,
                         _("A stored case has no data"));
  else if ((node = dk_json_parse (text, -1, &local_error)) != NULL)
    kase = dk_case_from_json_partial (node, &local_error);
  if (kase == NULL)
    kase = case_from_columns (stmt, local_error->message);
  if (kase == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (kase->unread != NULL)
    g_debug ("Case %s read in part: %s", kase->id, kase->unread);
  if (kase->number == NULL && number != NULL)
    kase->number = g_strdup (number);

  return kase;
}

/* Steps through the rows of a case query; broken rows are skipped with a warning so
 * that one bad case does not hide the others. */
static GPtrArray *
collect_cases (DkStore       *self,
               sqlite3_stmt  *stmt,
               GError       **error)
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_case_unref);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GError) local_error = NULL;
      DkCase *kase = decode_case (stmt, &local_error);

      if (kase == NULL)
        {
          g_warning ("Skipping a stored case: %s", local_error->message);
          continue;
        }
      g_ptr_array_add (cases, kase);
    }

  if (rc != SQLITE_DONE)
    {
      _dk_store_set_error (self, error);
      sqlite3_reset (stmt);
      return NULL;
    }

  sqlite3_reset (stmt);
  return g_steal_pointer (&cases);
}

/**
 * dk_store_list_cases:
 * @self: a #DkStore
 * @query: (nullable): the filter; %NULL lists every current case
 * @now: the time that decides what is archived
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type DkCase) (nullable): the cases, local
 *   changes included
 */
GPtrArray *
dk_store_list_cases (DkStore            *self,
                     const DkCaseQuery  *query,
                     gint64              now,
                     GError            **error)
{
  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return dk_store_list_followed_cases (self, query, NULL, now, error);
}

/**
 * dk_store_get_case:
 * @self: a #DkStore
 * @id_or_number: a case's id, or its number ("DK-1042")
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the case as it shows (local changes included),
 *   or %NULL with %DK_STORE_ERROR_NOT_FOUND
 */
DkCase *
dk_store_get_case (DkStore     *self,
                   const char  *id_or_number,
                   GError     **error)
{
  sqlite3_stmt *stmt;
  DkCase *kase = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (id_or_number != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = _dk_store_prepare (self,
                            "SELECT " DK_STORE_SHOWN_CASE_COLUMNS " FROM cases"
                            " WHERE id = ?1"
                            " UNION ALL "
                            "SELECT " DK_STORE_SHOWN_CASE_COLUMNS " FROM cases"
                            " WHERE number = ?1 COLLATE NOCASE AND id != ?1"
                            " LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  _dk_store_bind_text (stmt, 1, id_or_number);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    kase = decode_case (stmt, error);
  else if (rc == SQLITE_DONE)
    g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND,
                 _("There is no case “%s” here"), id_or_number);
  else
    _dk_store_set_error (self, error);
  sqlite3_reset (stmt);

  return kase;
}

/**
 * dk_store_search_cases:
 * @self: a #DkStore
 * @text: what the user typed
 * @limit: at most this many; 0 for no cap
 * @error: return location for a #GError
 *
 * Searches titles, descriptions, scopes, service names and update texts, with Swedish
 * and Norwegian letters folded ("atgard" finds "åtgärd"); every word must match, as a
 * prefix. Best matches first: one word whole in the title, then every word in the
 * title, then in the title or a service's name, then anywhere; within each, the newest
 * case first (see dk-store-search.c).
 *
 * Returns: (transfer container) (element-type DkCase) (nullable): the cases
 */
GPtrArray *
dk_store_search_cases (DkStore     *self,
                       const char  *text,
                       guint        limit,
                       GError     **error)
{
  g_autoptr(GArray) pks = NULL;
  g_autoptr(GString) list = g_string_new ("[");
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  pks = _dk_store_search_pks (self, text, limit, error);
  if (pks == NULL)
    return NULL;
  if (pks->len == 0)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) dk_case_unref);

  for (guint i = 0; i < pks->len; i++)
    g_string_append_printf (list, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                            g_array_index (pks, gint64, i));
  g_string_append_c (list, ']');

  stmt = _dk_store_prepare (self, search_sql, error);
  if (stmt == NULL)
    return NULL;
  _dk_store_bind_text (stmt, 1, list->str);

  return collect_cases (self, stmt, error);
}

/* ---- the other types ---- */

static gpointer
decode_object (sqlite3_stmt  *stmt,
               DecodeFunc     decode,
               GError       **error)
{
  g_autoptr(JsonNode) node = NULL;
  const char *text = _dk_store_column_text (stmt, 0);

  if (text == NULL)
    {
      g_set_error_literal (error, DK_STORE_ERROR, DK_STORE_ERROR_CORRUPT,
                           _("A stored object has no data"));
      return NULL;
    }
  node = dk_json_parse (text, -1, error);
  if (node == NULL)
    return NULL;

  return decode (node, error);
}

static GPtrArray *
list_objects (DkStore         *self,
              const char      *sql,
              DecodeFunc       decode,
              GDestroyNotify   free_func,
              GError         **error)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (free_func);
  sqlite3_stmt *stmt;
  int rc;

  stmt = _dk_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GError) local_error = NULL;
      gpointer object = decode_object (stmt, decode, &local_error);

      if (object == NULL)
        {
          g_warning ("Skipping a stored object: %s", local_error->message);
          continue;
        }
      g_ptr_array_add (objects, object);
    }

  if (rc != SQLITE_DONE)
    {
      _dk_store_set_error (self, error);
      sqlite3_reset (stmt);
      return NULL;
    }

  sqlite3_reset (stmt);
  return g_steal_pointer (&objects);
}

/* The object of the first row @sql (one text parameter, ?1 = @key) finds. */
static gpointer
get_object_by (DkStore     *self,
               const char  *sql,
               const char  *key,
               DecodeFunc   decode,
               gboolean    *out_found,
               GError     **error)
{
  sqlite3_stmt *stmt;
  gpointer object = NULL;
  int rc;

  *out_found = FALSE;
  stmt = _dk_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  _dk_store_bind_text (stmt, 1, key);

  rc = sqlite3_step (stmt);
  *out_found = rc != SQLITE_DONE;  /* FALSE only when there is no such row */
  if (rc == SQLITE_ROW)
    object = decode_object (stmt, decode, error);
  else if (rc != SQLITE_DONE)
    _dk_store_set_error (self, error);
  sqlite3_reset (stmt);

  return object;
}

#define OBJECT_DATA "COALESCE (local_data, server_data)"
#define GET_OBJECT_SQL(type) \
  "SELECT " OBJECT_DATA " FROM objects WHERE type = '" type "' AND id = ?1"

/**
 * dk_store_list_services:
 * @self: a #DkStore
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type DkService) (nullable): by name
 */
GPtrArray *
dk_store_list_services (DkStore  *self,
                        GError  **error)
{
  g_return_val_if_fail (DK_IS_STORE (self), NULL);

  return list_objects (self,
                       "SELECT " OBJECT_DATA " FROM objects WHERE type = 'service'"
                       " ORDER BY json_extract (" OBJECT_DATA ", '$.name') COLLATE NOCASE, id",
                       (DecodeFunc) dk_service_from_json, (GDestroyNotify) dk_service_unref,
                       error);
}

/**
 * dk_store_get_service:
 * @self: a #DkStore
 * @id: the service's id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the service, or %NULL with
 *   %DK_STORE_ERROR_NOT_FOUND
 */
DkService *
dk_store_get_service (DkStore     *self,
                      const char  *id,
                      GError     **error)
{
  DkService *object;
  gboolean found = FALSE;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  object = get_object_by (self, GET_OBJECT_SQL (DK_TYPE_NAME_SERVICE), id,
                          (DecodeFunc) dk_service_from_json, &found, error);
  if (!found)
    g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND,
                 _("There is no service “%s” here"), id);
  return object;
}

/**
 * dk_store_list_routines:
 * @self: a #DkStore
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type DkRoutine) (nullable): by title
 */
GPtrArray *
dk_store_list_routines (DkStore  *self,
                        GError  **error)
{
  g_return_val_if_fail (DK_IS_STORE (self), NULL);

  return list_objects (self,
                       "SELECT " OBJECT_DATA " FROM objects WHERE type = 'routine'"
                       " ORDER BY json_extract (" OBJECT_DATA ", '$.title') COLLATE NOCASE, id",
                       (DecodeFunc) dk_routine_from_json, (GDestroyNotify) dk_routine_unref,
                       error);
}

/**
 * dk_store_get_routine:
 * @self: a #DkStore
 * @id: the routine's id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the routine, or %NULL with
 *   %DK_STORE_ERROR_NOT_FOUND
 */
DkRoutine *
dk_store_get_routine (DkStore     *self,
                      const char  *id,
                      GError     **error)
{
  DkRoutine *object;
  gboolean found = FALSE;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  object = get_object_by (self, GET_OBJECT_SQL (DK_TYPE_NAME_ROUTINE), id,
                          (DecodeFunc) dk_routine_from_json, &found, error);
  if (!found)
    g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND,
                 _("There is no routine “%s” here"), id);
  return object;
}

/**
 * dk_store_list_reports:
 * @self: a #DkStore
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type DkReport) (nullable): the latest first
 */
GPtrArray *
dk_store_list_reports (DkStore  *self,
                       GError  **error)
{
  g_return_val_if_fail (DK_IS_STORE (self), NULL);

  return list_objects (self,
                       "SELECT " OBJECT_DATA " FROM objects WHERE type = 'report'"
                       " ORDER BY json_extract (" OBJECT_DATA ", '$.created_at') DESC, id",
                       (DecodeFunc) dk_report_from_json, (GDestroyNotify) dk_report_unref,
                       error);
}

/**
 * dk_store_get_report:
 * @self: a #DkStore
 * @id_or_number: a report's id, or its number ("FA-17")
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the report as it shows (local changes included),
 *   or %NULL with %DK_STORE_ERROR_NOT_FOUND
 */
DkReport *
dk_store_get_report (DkStore     *self,
                     const char  *id_or_number,
                     GError     **error)
{
  DkReport *report;
  gboolean found;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (id_or_number != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  report = get_object_by (self,
                          GET_OBJECT_SQL (DK_TYPE_NAME_REPORT)
                          " UNION ALL "
                          "SELECT " OBJECT_DATA " FROM objects WHERE type = 'report'"
                          " AND json_extract (" OBJECT_DATA ", '$.number') = ?1"
                          " COLLATE NOCASE AND id != ?1"
                          " LIMIT 1",
                          id_or_number, (DecodeFunc) dk_report_from_json, &found, error);
  if (!found)
    g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND,
                 _("There is no report “%s” here"), id_or_number);
  return report;
}

/* A template deleted here (dk-local-template-changes.c) shows no more. */
#define TEMPLATE_SHOWN \
  "type = 'template' AND json_extract (" OBJECT_DATA ", '$.deleted') IS NOT 1"

/**
 * dk_store_list_templates:
 * @self: a #DkStore
 * @error: return location for a #GError
 *
 * The message templates the user may use: their own and their teams' (the server sends
 * no other), local changes included.
 *
 * Returns: (transfer container) (element-type DkTemplate) (nullable): by name
 */
GPtrArray *
dk_store_list_templates (DkStore  *self,
                         GError  **error)
{
  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return list_objects (self,
                       "SELECT " OBJECT_DATA " FROM objects WHERE " TEMPLATE_SHOWN
                       " ORDER BY json_extract (" OBJECT_DATA ", '$.name') COLLATE NOCASE, id",
                       (DecodeFunc) dk_template_from_json, (GDestroyNotify) dk_template_unref,
                       error);
}

/**
 * dk_store_get_template:
 * @self: a #DkStore
 * @id: the template's id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the template, or %NULL with
 *   %DK_STORE_ERROR_NOT_FOUND (also when it was deleted here)
 */
DkTemplate *
dk_store_get_template (DkStore     *self,
                       const char  *id,
                       GError     **error)
{
  DkTemplate *tmpl;
  gboolean found;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  tmpl = get_object_by (self, "SELECT " OBJECT_DATA " FROM objects WHERE " TEMPLATE_SHOWN
                              " AND id = ?1",
                        id, (DecodeFunc) dk_template_from_json, &found, error);
  if (!found)
    g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND,
                 _("There is no template “%s” here"), id);
  return tmpl;
}

/**
 * dk_store_get_subscription:
 * @self: a #DkStore
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the user's subscription, or %NULL (without an
 *   error) when there is none yet
 */
DkSubscription *
dk_store_get_subscription (DkStore  *self,
                           GError  **error)
{
  g_autofree char *username = NULL;
  g_autofree char *own_id = NULL;
  sqlite3_stmt *stmt;
  DkSubscription *subscription = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The server sends only the user's own; prefer "sub:<username>" all the same. */
  username = dk_store_dup_meta (self, "username");
  own_id = g_strdup_printf ("sub:%s", username != NULL ? username : "");

  stmt = _dk_store_prepare (self, "SELECT " OBJECT_DATA " FROM objects"
                                  " WHERE type = 'subscription' ORDER BY id = ?1 DESC, id"
                                  " LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  _dk_store_bind_text (stmt, 1, own_id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    subscription = decode_object (stmt, (DecodeFunc) dk_subscription_from_json, error);
  else if (rc != SQLITE_DONE)
    _dk_store_set_error (self, error);
  sqlite3_reset (stmt);

  return subscription;
}

/* ---- shared with the other parts (dk-store-private.h) ---- */

GPtrArray *
_dk_store_collect_cases (DkStore       *self,
                         sqlite3_stmt  *stmt,
                         GError       **error)
{
  return collect_cases (self, stmt, error);
}
