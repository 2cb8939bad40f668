/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-db-pg-objects.c: objects, the change feed, counters and routine revisions
 * in PostgreSQL
 *
 * The statements of dk-server-db.c in PostgreSQL's words, with the same meaning; the
 * rows of GET /changes are written by the one writer both backends share
 * (_dk_server_db_changes_page_append), so both answer the same bytes.
 */

#define G_LOG_DOMAIN "dk-server-db"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-error.h"
#include "dk-server-db-pg-private.h"

#define OBJECT_COLUMNS "type, id, data, seq, revision, deleted, public, readers, owner"
#define CHANGES_COLUMNS \
  "SELECT seq, type, id, deleted, public, was_public, data, public_data FROM objects "

/* Parameters as text, as libpq sends them. */
typedef struct {
  char text[24];
} Int64Param;

static const char *
int64_param (Int64Param *param,
             gint64      value)
{
  g_snprintf (param->text, sizeof param->text, "%" G_GINT64_FORMAT, value);
  return param->text;
}

static gboolean
get_bool (const PGresult *result,
          int             row,
          int             column)
{
  return _dk_server_db_pg_get_int64 (result, row, column) != 0;
}

static DkStoredObject *
read_object_row (const PGresult *result,
                 int             row)
{
  DkStoredObject *object = g_new0 (DkStoredObject, 1);

  object->type = _dk_server_db_pg_dup_text (result, row, 0);
  object->id = _dk_server_db_pg_dup_text (result, row, 1);
  object->data = _dk_server_db_pg_dup_text (result, row, 2);
  object->seq = _dk_server_db_pg_get_int64 (result, row, 3);
  object->revision = _dk_server_db_pg_get_int64 (result, row, 4);
  object->deleted = get_bool (result, row, 5);
  object->public = get_bool (result, row, 6);
  object->readers = (DkRole) _dk_server_db_pg_get_int64 (result, row, 7);
  object->owner = _dk_server_db_pg_dup_text (result, row, 8);

  return object;
}

gint64
_dk_server_db_pg_put_object (DkServerDb         *self,
                             const char         *type,
                             const char         *id,
                             const char         *data,
                             gint64              revision,
                             gboolean            deleted,
                             const DkVisibility *visibility,
                             GError            **error)
{
  static const char put_sql[] =
    "INSERT INTO objects (type, id, seq, revision, deleted, public, readers, owner,"
    "                     was_public, data, public_data)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $11)"
    " ON CONFLICT (type, id) DO UPDATE SET"
    "   seq = excluded.seq, revision = excluded.revision, deleted = excluded.deleted,"
    "   data = excluded.data, public_data = excluded.public_data,"
    /* $10: keep the stored visibility. Every right side reads the old row. */
    "   was_public = CASE WHEN $10::integer != 0 THEN objects.was_public"
    "                     WHEN excluded.public != 0 THEN 0"
    "                     WHEN objects.public != 0 OR objects.was_public != 0 THEN 1"
    "                     ELSE 0 END,"
    "   public = CASE WHEN $10::integer != 0 THEN objects.public ELSE excluded.public END,"
    "   readers = CASE WHEN $10::integer != 0 THEN objects.readers ELSE excluded.readers END,"
    "   owner = CASE WHEN $10::integer != 0 THEN objects.owner ELSE excluded.owner END";
  static const DkVisibility nobody = { FALSE, 0, NULL, NULL };
  gboolean keep_visibility = visibility == NULL;
  Int64Param seq_param, revision_param, readers_param;
  const char *params[11];
  gint64 seq;

  if (visibility == NULL)
    visibility = &nobody;

  if (!dk_server_db_begin (self, error))
    return 0;
  if (!_dk_server_db_pg_lock_seq (self, error))
    goto failed;

  seq = _dk_server_db_pg_take_seq (self);

  params[0] = type;
  params[1] = id;
  params[2] = int64_param (&seq_param, seq);
  params[3] = int64_param (&revision_param, revision);
  params[4] = deleted ? "1" : "0";
  params[5] = visibility->public ? "1" : "0";
  params[6] = int64_param (&readers_param, (gint64) visibility->readers);
  params[7] = visibility->owner;
  params[8] = deleted ? NULL : data;
  params[9] = keep_visibility ? "1" : "0";
  params[10] = deleted ? NULL : visibility->public_data;
  {
    g_autoptr(PGresult) put = _dk_server_db_pg_exec (self, put_sql, 11, params,
                                                     _("Could not store the object"), error);
    if (put == NULL)
      goto failed;
  }

  if (!dk_server_db_commit (self, error))
    goto failed;   /* a failed commit leaves its level for the rollback to end */

  return seq;

failed:
  dk_server_db_rollback (self);
  return 0;
}

DkStoredObject *
_dk_server_db_pg_get_object (DkServerDb  *self,
                             const char  *type,
                             const char  *id,
                             GError     **error)
{
  static const char sql[] =
    "SELECT " OBJECT_COLUMNS " FROM objects WHERE type = $1 AND id = $2";
  const char *params[] = { type, id };
  g_autoptr(PGresult) result = NULL;

  if (!_dk_server_db_pg_lock_seq (self, error))
    return NULL;
  result = _dk_server_db_pg_exec (self, sql, 2, params, _("Could not read the object"), error);
  if (result == NULL || PQntuples (result) == 0)
    return NULL;
  return read_object_row (result, 0);
}

GPtrArray *
_dk_server_db_pg_list_objects (DkServerDb  *self,
                               const char  *type,
                               gboolean     public_only,
                               GError     **error)
{
  static const char sql[] =
    "SELECT " OBJECT_COLUMNS " FROM objects"
    " WHERE type = $1 AND deleted = 0 AND ($2::integer = 0 OR public != 0) ORDER BY id";
  const char *params[] = { type, public_only ? "1" : "0" };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GPtrArray) objects = NULL;

  if (!_dk_server_db_pg_lock_seq (self, error))
    return NULL;
  result = _dk_server_db_pg_exec (self, sql, 2, params, _("Could not list the objects"), error);
  if (result == NULL)
    return NULL;
  objects = g_ptr_array_new_full (PQntuples (result), (GDestroyNotify) dk_stored_object_free);
  for (int row = 0; row < PQntuples (result); row++)
    g_ptr_array_add (objects, read_object_row (result, row));
  return g_steal_pointer (&objects);
}

gboolean
_dk_server_db_pg_changes_page_add (DkServerDb     *self,
                                   DkChangesPage  *page,
                                   StmtId          query,
                                   gint64          after,
                                   gint64          upto,
                                   const DkViewer *viewer,
                                   GError        **error)
{
  static const char anonymous_sql[] =
    CHANGES_COLUMNS
    " WHERE seq > $1 AND seq <= $2 AND (public != 0 OR was_public != 0)"
    " ORDER BY seq LIMIT $3";
  static const char viewer_sql[] =
    CHANGES_COLUMNS
    " WHERE seq > $1 AND seq <= $2"
    " AND (public != 0 OR (readers & $4::bigint) != 0 OR owner = $5::text)"
    " ORDER BY seq LIMIT $3";
  /* The first two terms are the partial index objects_private_seq's (1 = DK_ROLE_STAFF),
   * as in dk-server-db.c. */
  static const char private_sql[] =
    CHANGES_COLUMNS
    " WHERE public = 0 AND (readers & 1) = 0 AND seq > $1 AND seq <= $2"
    " AND ((readers & $4::bigint) != 0 OR owner = $5::text)"
    " ORDER BY seq LIMIT $3";
  Int64Param after_param, upto_param, limit_param, roles_param;
  const char *params[5];
  const char *sql;
  int n_params = 3;
  g_autoptr(PGresult) result = NULL;

  switch (query)
    {
    case STMT_CHANGES_ANONYMOUS: sql = anonymous_sql; break;
    case STMT_CHANGES_VIEWER:    sql = viewer_sql; break;
    case STMT_CHANGES_PRIVATE:   sql = private_sql; break;
    default: g_assert_not_reached ();
    }

  params[0] = int64_param (&after_param, after);
  params[1] = int64_param (&upto_param, upto);
  params[2] = int64_param (&limit_param, (gint64) (page->limit - page->count) + 1);
  if (query != STMT_CHANGES_ANONYMOUS)
    {
      params[3] = int64_param (&roles_param, (gint64) viewer->roles);
      params[4] = viewer->username;
      n_params = 5;
    }

  if (!_dk_server_db_pg_lock_seq (self, error))
    return FALSE;
  result = _dk_server_db_pg_exec (self, sql, n_params, params,
                                  _("Could not read the changes"), error);
  if (result == NULL)
    return FALSE;

  for (int row = 0; row < PQntuples (result); row++)
    {
      gboolean has_public_data = !PQgetisnull (result, row, 7);

      if (!_dk_server_db_changes_page_append (
             page, _dk_server_db_pg_get_int64 (result, row, 0),
             PQgetvalue (result, row, 1), PQgetvalue (result, row, 2),
             get_bool (result, row, 3), get_bool (result, row, 4),
             PQgetisnull (result, row, 6) ? NULL : PQgetvalue (result, row, 6),
             PQgetlength (result, row, 6),
             has_public_data ? PQgetvalue (result, row, 7) : NULL,
             PQgetlength (result, row, 7)))
        break;
    }
  return TRUE;
}

gint64
_dk_server_db_pg_last_seq (DkServerDb *self)
{
  static const char sql[] = "SELECT value FROM meta WHERE key = 'seq'";
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;

  /* Inside a transaction that holds the lock, its own numbers count too. */
  if (self->depth > 0 && self->pg_seq_locked)
    return self->pg_seq;
  result = _dk_server_db_pg_exec (self, sql, 0, NULL, _("Could not read the last change number"),
                                  &error);
  if (result == NULL || PQntuples (result) != 1)
    {
      g_warning ("%s", error != NULL ? error->message : "no seq in meta");
      return 0;
    }
  return _dk_server_db_pg_get_int64 (result, 0, 0);
}

gint64
_dk_server_db_pg_count_since (DkServerDb  *self,
                              gint64       since,
                              GError     **error)
{
  static const char sql[] = "SELECT count(*) FROM objects WHERE seq > $1";
  Int64Param since_param;
  const char *params[] = { int64_param (&since_param, since) };
  g_autoptr(PGresult) result = _dk_server_db_pg_exec (self, sql, 1, params,
                                                      _("Could not count the changes"), error);

  if (result == NULL)
    return -1;
  return _dk_server_db_pg_get_int64 (result, 0, 0);
}

gint64
_dk_server_db_pg_next_number (DkServerDb  *self,
                              const char  *counter,
                              GError     **error)
{
  static const char sql[] =
    "INSERT INTO counters (name, value) VALUES ($1, 1001)"
    " ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value";
  const char *params[] = { counter };
  g_autoptr(PGresult) result = NULL;

  if (!_dk_server_db_pg_lock_seq (self, error))
    return 0;
  result = _dk_server_db_pg_exec (self, sql, 1, params, _("Could not take the next number"), error);
  if (result == NULL)
    return 0;
  return _dk_server_db_pg_get_int64 (result, 0, 0);
}

gboolean
_dk_server_db_pg_put_routine_revision (DkServerDb  *self,
                                       const char  *routine_id,
                                       gint64       revision,
                                       const char  *data,
                                       GError     **error)
{
  static const char sql[] =
    "INSERT INTO routine_revisions (routine_id, revision, data) VALUES ($1, $2, $3)"
    " ON CONFLICT (routine_id, revision) DO UPDATE SET data = excluded.data";
  Int64Param revision_param;
  const char *params[] = { routine_id, int64_param (&revision_param, revision), data };
  g_autoptr(PGresult) result = NULL;

  if (!_dk_server_db_pg_lock_seq (self, error))
    return FALSE;
  result = _dk_server_db_pg_exec (self, sql, 3, params, _("Could not store the routine revision"),
                                  error);
  return result != NULL;
}

char *
_dk_server_db_pg_get_routine_revision (DkServerDb  *self,
                                       const char  *routine_id,
                                       gint64       revision,
                                       GError     **error)
{
  static const char sql[] =
    "SELECT data FROM routine_revisions WHERE routine_id = $1 AND revision = $2";
  Int64Param revision_param;
  const char *params[] = { routine_id, int64_param (&revision_param, revision) };
  g_autoptr(PGresult) result = NULL;

  if (!_dk_server_db_pg_lock_seq (self, error))
    return NULL;
  result = _dk_server_db_pg_exec (self, sql, 2, params, _("Could not read the routine revision"),
                                  error);
  if (result == NULL || PQntuples (result) == 0)
    return NULL;
  return _dk_server_db_pg_dup_text (result, 0, 0);
}

gint64
_dk_server_db_pg_latest_routine_revision (DkServerDb *self,
                                          const char *routine_id)
{
  static const char sql[] =
    "SELECT COALESCE (MAX (revision), 0) FROM routine_revisions WHERE routine_id = $1";
  const char *params[] = { routine_id };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = NULL;

  if (_dk_server_db_pg_lock_seq (self, &error))
    result = _dk_server_db_pg_exec (self, sql, 1, params, _("Could not read the routine revisions"),
                                    &error);
  if (result == NULL)
    {
      g_warning ("%s", error->message);
      return 0;
    }
  return _dk_server_db_pg_get_int64 (result, 0, 0);
}

GPtrArray *
_dk_server_db_pg_list_routine_revisions (DkServerDb  *self,
                                         const char  *routine_id,
                                         GError     **error)
{
  static const char sql[] =
    "SELECT data FROM routine_revisions WHERE routine_id = $1 ORDER BY revision";
  const char *params[] = { routine_id };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GPtrArray) revisions = NULL;

  if (!_dk_server_db_pg_lock_seq (self, error))
    return NULL;
  result = _dk_server_db_pg_exec (self, sql, 1, params, _("Could not list the routine revisions"),
                                  error);
  if (result == NULL)
    return NULL;
  revisions = g_ptr_array_new_full (PQntuples (result), g_free);
  for (int row = 0; row < PQntuples (result); row++)
    g_ptr_array_add (revisions, _dk_server_db_pg_dup_text (result, row, 0));
  return g_steal_pointer (&revisions);
}
