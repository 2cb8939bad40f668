/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-list.c: the app's case lists, counted and paged in SQL */

#define G_LOG_DOMAIN "dk-store"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-store-list.h"
#include "dk-store-private.h"

/*
 * Parameters, the same for every statement here:
 *   ?1 kind, ?2 area, ?3 service (NULL: any), ?4 the archive's edge (now - 24 h),
 *   ?5 limit (-1: none), ?6 offset, ?7 ?8 the archive's time range on start,
 *   ?9 following (NULL: every case), ?10 followed areas, ?11 followed services,
 *   ?12 followed kinds (JSON arrays, NULL: all), ?13 lowest priority followed,
 *   ?14 major incidents only, ?15 all crisis information.
 * The following clause is dk_subscription_matches () in SQL.
 */
#define FILTER_SQL \
  " AND (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR area = ?2)" \
  " AND (?3 IS NULL OR instr (services, '|' || ?3 || '|') > 0)" \
  " AND (?9 IS NULL OR (?15 AND kind = 'crisis') OR (" \
  "   (?10 IS NULL OR area IN (SELECT value FROM json_each (?10)))" \
  "   AND (?11 IS NULL OR EXISTS (SELECT 1 FROM json_each (?11) AS s" \
  "                               WHERE instr (services, '|' || s.value || '|') > 0))" \
  "   AND (?12 IS NULL OR kind IN (SELECT value FROM json_each (?12)))" \
  "   AND priority <= ?13 AND (NOT ?14 OR major)))"

#define CURRENT_WHERE " WHERE (closed_at IS NULL OR closed_at > ?4)" FILTER_SQL
#define ARCHIVE_WHERE \
  " WHERE closed_at <= ?4" FILTER_SQL \
  " AND (?7 IS NULL OR start >= ?7) AND (?8 IS NULL OR start <= ?8)"

/*
 * The order of dk_store_list_cases (). The current list: ongoing cases first, then
 * planned ones, then those closed less than 24 hours ago; within each, priority (1
 * first), then the latest start first. The archive: the latest closed first. Both filter
 * in SQL; closed_at is indexed, so the current list (a few thousand of 100,000) never
 * reads the archive.
 */
static const char list_current_sql[] =
  "SELECT " DK_STORE_SHOWN_CASE_COLUMNS " FROM cases" CURRENT_WHERE
  " ORDER BY CASE status WHEN 'ongoing' THEN 0 WHEN 'closed' THEN 2 ELSE 1 END,"
  " priority, start DESC, pk"
  " LIMIT ?5 OFFSET ?6";

static const char list_archive_sql[] =
  "SELECT " DK_STORE_SHOWN_CASE_COLUMNS " FROM cases" ARCHIVE_WHERE
  " ORDER BY closed_at DESC, pk"
  " LIMIT ?5 OFFSET ?6";

/* The same, only the keys: the sort reads no case's JSON. */
static const char keys_current_sql[] =
  "SELECT pk FROM cases" CURRENT_WHERE
  " ORDER BY CASE status WHEN 'ongoing' THEN 0 WHEN 'closed' THEN 2 ELSE 1 END,"
  " priority, start DESC, pk"
  " LIMIT ?5 OFFSET ?6";

static const char keys_archive_sql[] =
  "SELECT pk FROM cases" ARCHIVE_WHERE
  " ORDER BY closed_at DESC, pk"
  " LIMIT ?5 OFFSET ?6";

static const char count_current_sql[] =
  "SELECT count (*) FROM cases" CURRENT_WHERE;

static const char count_archive_sql[] =
  "SELECT count (*) FROM cases" ARCHIVE_WHERE;

static void
bind_optional_time (sqlite3_stmt *stmt,
                    int           index,
                    gint64        t)
{
  if (t == DK_TIME_UNSET || t == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, t);
}

/* A JSON array of the strings, or NULL for an empty filter (everything passes). */
static char *
strings_to_json (GPtrArray *strings)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (strings == NULL || strings->len == 0)
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < strings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (strings, i));
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

/* Binds every parameter; the JSON texts go in as transient copies. */
static void
bind_query (sqlite3_stmt         *stmt,
            const DkCaseQuery    *query,
            const DkSubscription *following,
            gint64                now)
{
  if (query->filter_kind)
    _dk_store_bind_text (stmt, 1, dk_case_kind_to_string (query->kind));
  if (query->filter_area)
    _dk_store_bind_text (stmt, 2, dk_area_to_string (query->area));
  _dk_store_bind_text (stmt, 3, query->service);
  sqlite3_bind_int64 (stmt, 4, now - DK_ARCHIVE_DELAY_SECONDS);
  sqlite3_bind_int64 (stmt, 5, query->limit > 0 ? (gint64) query->limit : -1);
  sqlite3_bind_int64 (stmt, 6, query->offset);
  bind_optional_time (stmt, 7, query->archived ? query->from : DK_TIME_UNSET);
  bind_optional_time (stmt, 8, query->archived ? query->to : DK_TIME_UNSET);

  if (following != NULL)
    {
      g_autofree char *areas = strings_to_json (following->areas);
      g_autofree char *services = strings_to_json (following->services);
      g_autofree char *kinds = strings_to_json (following->kinds);

      sqlite3_bind_int (stmt, 9, 1);
      sqlite3_bind_text (stmt, 10, areas, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 11, services, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 12, kinds, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 13, following->min_priority);
      sqlite3_bind_int (stmt, 14, following->major_only ? 1 : 0);
      sqlite3_bind_int (stmt, 15, following->all_crisis ? 1 : 0);
    }
  else
    {
      sqlite3_bind_int (stmt, 13, G_MAXINT);
      sqlite3_bind_int (stmt, 14, 0);
      sqlite3_bind_int (stmt, 15, 0);
    }
}

/**
 * dk_store_count_cases:
 * @self: a #DkStore
 * @query: (nullable): the filter; %NULL counts every current case (limit and offset
 *   are not looked at)
 * @following: (nullable): only what this subscription follows; %NULL for every case
 * @now: the time that decides what is archived
 * @out_count: (out): the number of cases
 * @error: return location for a #GError
 *
 * Returns: whether the count could be made
 */
gboolean
dk_store_count_cases (DkStore               *self,
                      const DkCaseQuery     *query,
                      const DkSubscription  *following,
                      gint64                 now,
                      guint                 *out_count,
                      GError               **error)
{
  static const DkCaseQuery everything = { 0 };
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_count != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (query == NULL)
    query = &everything;

  stmt = _dk_store_prepare (self, query->archived ? count_archive_sql : count_current_sql,
                            error);
  if (stmt == NULL)
    return FALSE;
  bind_query (stmt, query, following, now);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _dk_store_set_error (self, error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  *out_count = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return TRUE;
}

/**
 * dk_store_list_followed_cases:
 * @self: a #DkStore
 * @query: (nullable): the filter, limit and offset; %NULL lists every current case
 * @following: (nullable): only what this subscription follows; %NULL for every case
 * @now: the time that decides what is archived
 * @error: return location for a #GError
 *
 * The cases of dk_store_list_cases (), in the same order, narrowed to those
 * @following follows (dk_subscription_matches ()).
 *
 * Returns: (transfer container) (element-type DkCase) (nullable): the cases
 */
GPtrArray *
dk_store_list_followed_cases (DkStore               *self,
                              const DkCaseQuery     *query,
                              const DkSubscription  *following,
                              gint64                 now,
                              GError               **error)
{
  static const DkCaseQuery everything = { 0 };
  sqlite3_stmt *stmt;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (query == NULL)
    query = &everything;

  stmt = _dk_store_prepare (self, query->archived ? list_archive_sql : list_current_sql,
                            error);
  if (stmt == NULL)
    return NULL;
  bind_query (stmt, query, following, now);

  return _dk_store_collect_cases (self, stmt, error);
}

/**
 * dk_store_list_case_keys:
 * @self: a #DkStore
 * @query: (nullable): the filter; %NULL lists every current case
 * @following: (nullable): only what this subscription follows; %NULL for every case
 * @now: the time that decides what is archived
 * @error: return location for a #GError
 *
 * The order of dk_store_list_followed_cases () without reading the cases: a list model
 * keeps these keys and reads the rows it shows with dk_store_get_cases_by_keys ().
 *
 * Returns: (transfer full) (element-type gint64) (nullable): the keys, in order
 */
GArray *
dk_store_list_case_keys (DkStore               *self,
                         const DkCaseQuery     *query,
                         const DkSubscription  *following,
                         gint64                 now,
                         GError               **error)
{
  static const DkCaseQuery everything = { 0 };
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (query == NULL)
    query = &everything;

  stmt = _dk_store_prepare (self, query->archived ? keys_archive_sql : keys_current_sql,
                            error);
  if (stmt == NULL)
    return NULL;
  bind_query (stmt, query, following, now);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 pk = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (keys, pk);
    }
  if (rc != SQLITE_DONE)
    {
      _dk_store_set_error (self, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&keys);
}

/**
 * dk_store_get_cases_by_keys:
 * @self: a #DkStore
 * @keys: (array length=n_keys): keys from dk_store_list_case_keys ()
 * @n_keys: how many
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type DkCase) (nullable): the cases in the
 *   order of @keys; a key whose case has gone since is left out
 */
GPtrArray *
dk_store_get_cases_by_keys (DkStore       *self,
                            const gint64  *keys,
                            guint          n_keys,
                            GError       **error)
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_case_unref);

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (keys != NULL || n_keys == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; i < n_keys; i++)
    {
      g_autoptr(GPtrArray) one = NULL;
      sqlite3_stmt *stmt;

      stmt = _dk_store_prepare (self, "SELECT " DK_STORE_SHOWN_CASE_COLUMNS
                                      " FROM cases WHERE pk = ?1", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, keys[i]);
      one = _dk_store_collect_cases (self, stmt, error);
      if (one == NULL)
        return NULL;
      if (one->len > 0)
        g_ptr_array_add (cases, dk_case_ref (g_ptr_array_index (one, 0)));
    }

  return g_steal_pointer (&cases);
}

/**
 * dk_store_pending_case_ids:
 * @self: a #DkStore
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the ids of the cases with pending outbox
 *   entries, as a set (keys and values the same string)
 */
GHashTable *
dk_store_pending_case_ids (DkStore  *self,
                           GError  **error)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (DK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = _dk_store_prepare (self, "SELECT DISTINCT object_id FROM outbox"
                                  " WHERE object_type = 'case' AND state = 0", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (ids, g_strdup (_dk_store_column_text (stmt, 0)));

  if (rc != SQLITE_DONE)
    {
      _dk_store_set_error (self, error);
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&ids);
}
