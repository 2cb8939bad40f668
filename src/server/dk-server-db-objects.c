/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-db-objects.c: objects, the change feed, counters and routine revisions */

#define G_LOG_DOMAIN "dk-server-db"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-error.h"
#include "dk-server-db-pg-private.h"

static DkStoredObject *
read_object_row (sqlite3_stmt *stmt)
{
  DkStoredObject *object = g_new0 (DkStoredObject, 1);

  object->type = _dk_server_db_column_strdup (stmt, 0);
  object->id = _dk_server_db_column_strdup (stmt, 1);
  object->data = _dk_server_db_column_strdup (stmt, 2);
  object->seq = sqlite3_column_int64 (stmt, 3);
  object->revision = sqlite3_column_int64 (stmt, 4);
  object->deleted = sqlite3_column_int (stmt, 5) != 0;
  object->public = sqlite3_column_int (stmt, 6) != 0;
  object->readers = (DkRole) sqlite3_column_int64 (stmt, 7);
  object->owner = _dk_server_db_column_strdup (stmt, 8);

  return object;
}

/* ---- public API ---- */

/**
 * dk_stored_object_free:
 * @object: (transfer full) (nullable): an object from dk_server_db_get_object()
 */
void
dk_stored_object_free (DkStoredObject *object)
{
  if (object == NULL)
    return;

  g_free (object->type);
  g_free (object->id);
  g_free (object->data);
  g_free (object->owner);
  g_free (object);
}

/**
 * dk_server_db_put_object:
 * @visibility: (nullable): who may read it; %NULL keeps what is stored (nobody but
 *   earlier anonymous readers, for a new object), so a tombstone written without one
 *   reaches everyone who saw the object
 *
 * Returns: the object's new seq, or 0 with @error set
 */
gint64
dk_server_db_put_object (DkServerDb          *self,
                         const char          *type,
                         const char          *id,
                         const char          *data,
                         gint64               revision,
                         gboolean             deleted,
                         const DkVisibility  *visibility,
                         GError             **error)
{
  static const DkVisibility nobody = { FALSE, 0, NULL };
  gboolean keep_visibility = visibility == NULL;
  gint64 seq = 0;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), 0);
  g_return_val_if_fail (type != NULL, 0);
  g_return_val_if_fail (id != NULL, 0);
  g_return_val_if_fail (deleted || data != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (self->pg != NULL)
    return _dk_server_db_pg_put_object (self, type, id, data, revision, deleted, visibility, error);

  if (visibility == NULL)
    visibility = &nobody;

  if (!dk_server_db_begin (self, error))
    return 0;

  {
    g_autoptr(DkCachedStmt) stmt = _dk_server_db_get_stmt (self, STMT_BUMP_SEQ, error);

    if (stmt == NULL)
      goto failed;
    rc = sqlite3_step (stmt);
    if (rc != SQLITE_ROW)
      {
        _dk_server_db_set_sqlite_error (self, error, rc,
                                        _("Could not take the next change number"));
        goto failed;
      }
    seq = sqlite3_column_int64 (stmt, 0);
    if (!_dk_server_db_step_done (self, stmt, _("Could not take the next change number"), error))
      goto failed;
  }

  {
    g_autoptr(DkCachedStmt) stmt = _dk_server_db_get_stmt (self, STMT_PUT_OBJECT, error);

    if (stmt == NULL)
      goto failed;
    _dk_server_db_bind_text (stmt, 1, type);
    _dk_server_db_bind_text (stmt, 2, id);
    sqlite3_bind_int64 (stmt, 3, seq);
    sqlite3_bind_int64 (stmt, 4, revision);
    sqlite3_bind_int (stmt, 5, deleted ? 1 : 0);
    sqlite3_bind_int (stmt, 6, visibility->public ? 1 : 0);
    sqlite3_bind_int64 (stmt, 7, (gint64) visibility->readers);
    _dk_server_db_bind_text (stmt, 8, visibility->owner);
    _dk_server_db_bind_text (stmt, 9, deleted ? NULL : data);
    sqlite3_bind_int (stmt, 10, keep_visibility ? 1 : 0);
    _dk_server_db_bind_text (stmt, 11, deleted ? NULL : visibility->public_data);
    if (!_dk_server_db_step_done (self, stmt, _("Could not store the object"), error))
      goto failed;
  }

  if (!dk_server_db_commit (self, error))
    goto failed;   /* a failed commit leaves its level for the rollback to end */

  return seq;

failed:
  dk_server_db_rollback (self);
  return 0;
}

/**
 * dk_server_db_get_object:
 *
 * Returns: (transfer full) (nullable): the object, or %NULL without error when unknown
 */
DkStoredObject *
dk_server_db_get_object (DkServerDb  *self,
                         const char  *type,
                         const char  *id,
                         GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), NULL);
  g_return_val_if_fail (type != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (self->pg != NULL)
    return _dk_server_db_pg_get_object (self, type, id, error);

  stmt = _dk_server_db_get_stmt (self, STMT_GET_OBJECT, error);
  if (stmt == NULL)
    return NULL;
  _dk_server_db_bind_text (stmt, 1, type);
  _dk_server_db_bind_text (stmt, 2, id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return read_object_row (stmt);
  if (rc != SQLITE_DONE)
    _dk_server_db_set_sqlite_error (self, error, rc, _("Could not read the object"));
  return NULL;
}

/**
 * dk_server_db_list_objects:
 *
 * Returns: (transfer full) (element-type DkStoredObject) (nullable): the objects
 */
GPtrArray *
dk_server_db_list_objects (DkServerDb  *self,
                           const char  *type,
                           gboolean     public_only,
                           GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), NULL);
  g_return_val_if_fail (type != NULL, NULL);

  if (self->pg != NULL)
    return _dk_server_db_pg_list_objects (self, type, public_only, error);

  stmt = _dk_server_db_get_stmt (self, STMT_LIST_OBJECTS, error);
  if (stmt == NULL)
    return NULL;
  _dk_server_db_bind_text (stmt, 1, type);
  sqlite3_bind_int (stmt, 2, public_only ? 1 : 0);

  objects = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_stored_object_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (objects, read_object_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _dk_server_db_set_sqlite_error (self, error, rc, _("Could not list the objects"));
      return NULL;
    }

  return g_steal_pointer (&objects);
}

static gboolean
is_anonymous (const DkViewer *viewer)
{
  return viewer == NULL || (viewer->username == NULL && viewer->roles == 0);
}

static void
changes_page_init (DkChangesPage    *page,
                   const DkViewer *viewer,
                   guint           limit,
                   gint64          since)
{
  if (limit == 0)
    limit = 500;
  page->limit = MIN (limit, (guint) G_MAXINT - 1);
  page->anonymous = is_anonymous (viewer);
  page->out = g_string_sized_new (MIN (page->limit, 1000) * 512 + 64);
  g_string_append (page->out, "{\"changes\":[");
  page->count = 0;
  page->more = FALSE;
  page->last_seq = since;
}

gboolean
_dk_server_db_changes_page_append (DkChangesPage *page,
                                   gint64         seq,
                                   const char    *type,
                                   const char    *id,
                                   gboolean       deleted,
                                   gboolean       public,
                                   const char    *data,
                                   gsize          data_length,
                                   const char    *public_data,
                                   gsize          public_data_length)
{
  GString *out = page->out;

  if (page->count == page->limit)
    {
      page->more = TRUE;
      return FALSE;
    }

  /* An anonymous caller sees an object that stopped being public as deleted. */
  if (page->anonymous && !public)
    deleted = TRUE;

  /* Anonymous callers get the public text of an object that has one. */
  if (page->anonymous && public_data != NULL)
    {
      data = public_data;
      data_length = public_data_length;
    }

  if (page->count > 0)
    g_string_append_c (out, ',');
  g_string_append_printf (out, "{\"seq\":%" G_GINT64_FORMAT ",\"type\":", seq);
  _dk_server_db_append_json_string (out, type);
  g_string_append (out, ",\"id\":");
  _dk_server_db_append_json_string (out, id);
  g_string_append (out, deleted ? ",\"deleted\":true,\"data\":" : ",\"deleted\":false,\"data\":");
  if (!deleted && data != NULL)
    g_string_append_len (out, data, data_length);
  else
    g_string_append (out, "null");
  g_string_append_c (out, '}');

  page->last_seq = seq;
  page->count++;
  return TRUE;
}

/* Runs one of the STMT_CHANGES_* statements over (@after, @upto] and writes its rows
 * until the page is full; one row more than fits sets page->more. */
static gboolean
changes_page_add (DkServerDb      *self,
                  DkChangesPage     *page,
                  StmtId           id,
                  gint64           after,
                  gint64           upto,
                  const DkViewer  *viewer,
                  GError         **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  int rc;

  g_assert (!page->more && page->count <= page->limit);

  if (self->pg != NULL)
    return _dk_server_db_pg_changes_page_add (self, page, id, after, upto, viewer, error);

  stmt = _dk_server_db_get_stmt (self, id, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, after);
  sqlite3_bind_int64 (stmt, 2, upto);
  sqlite3_bind_int64 (stmt, 3, (gint64) (page->limit - page->count) + 1);
  if (id != STMT_CHANGES_ANONYMOUS)
    {
      sqlite3_bind_int64 (stmt, 4, (gint64) viewer->roles);
      _dk_server_db_bind_text (stmt, 5, viewer->username);
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!_dk_server_db_changes_page_append (
             page, sqlite3_column_int64 (stmt, 0),
             (const char *) sqlite3_column_text (stmt, 1),
             (const char *) sqlite3_column_text (stmt, 2),
             sqlite3_column_int (stmt, 3) != 0,
             sqlite3_column_int (stmt, 4) != 0,
             (const char *) sqlite3_column_text (stmt, 6), sqlite3_column_bytes (stmt, 6),
             (const char *) sqlite3_column_text (stmt, 7), sqlite3_column_bytes (stmt, 7)))
        break;
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _dk_server_db_set_sqlite_error (self, error, rc, _("Could not read the changes"));

  return TRUE;
}

/* Closes the page: when no more visible changes remain, last_seq becomes the newest
 * seq there is (never less than @since), so the caller's cursor moves past what it may
 * not see. */
static GBytes *
changes_page_finish (DkChangesPage *page,
                     gint64       since,
                     gint64       newest)
{
  if (!page->more)
    page->last_seq = MAX (newest, since);

  /* newest_seq (an extra field) lets a client show how far a long first sync has come. */
  g_string_append_printf (page->out, "],\"last_seq\":%" G_GINT64_FORMAT ",\"more\":%s,"
                          "\"newest_seq\":%" G_GINT64_FORMAT "}",
                          page->last_seq, page->more ? "true" : "false", newest);

  return g_string_free_to_bytes (g_steal_pointer (&page->out));
}

static void
changes_page_clear (DkChangesPage *page)
{
  if (page->out != NULL)
    g_string_free (g_steal_pointer (&page->out), TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DkChangesPage, changes_page_clear)

/**
 * dk_server_db_changes_json:
 * @since: the caller's cursor
 * @limit: at most this many changes (0: the protocol's default)
 * @viewer: (nullable): who asks; %NULL is anonymous
 *
 * The rows visible to @viewer after @since, written as the body of GET /changes.
 * When no more visible changes remain, last_seq is the newest seq there is (never
 * less than @since), so the caller's cursor moves past what it may not see. When
 * more remain, last_seq is the seq of the last change returned.
 *
 * Returns: (transfer full) (nullable): the JSON text
 */
GBytes *
dk_server_db_changes_json (DkServerDb      *self,
                           gint64           since,
                           guint            limit,
                           const DkViewer  *viewer,
                           GError         **error)
{
  return dk_server_db_changes_json_base (self, since, 0, limit, viewer, error);
}

/**
 * dk_server_db_changes_json_base:
 * @since: the caller's cursor (0 right after installing the snapshot)
 * @base: the seq the caller's snapshot was made at; 0: none
 * @limit: at most this many changes (0: the protocol's default)
 * @viewer: (nullable): who asks; %NULL is anonymous
 *
 * The body of GET /changes?since=@since&base=@base: a replica installed from the
 * snapshot of @viewer's class at @base holds every row of that class up to @base, so
 * it lacks two things, sent in this order, in one seq order, paged as always:
 *
 * 1. the rows in (@since, MIN (@base, newest)] that @viewer sees and its class does not
 *    (public = 0 AND readers lack DK_ROLE_STAFF: the user's reports, subscription,
 *    templates, drafts); an anonymous caller has none;
 * 2. every row @viewer sees in (MAX (@since, @base), newest].
 *
 * The cursor, across the two: last_seq is the seq of the last change written, as
 * without @base, so while phase one runs it stays at or below @base, and the next
 * request (since = that last_seq) goes on with the private rows after it, then with
 * phase two from @base. A page may hold the end of one and the start of the other.
 * The seqs a client gets are therefore strictly increasing over the whole sequence.
 * That matters for the replica's skip rule (dk-store-apply.c: a change at or below the
 * cursor is skipped as already applied): the installed snapshot has no cursor (0, which
 * skips nothing), and every later cursor is a last_seq from here, below every seq still
 * to come. Had the install set the cursor to @base, or had a phase-one page answered
 * last_seq = @base, the private rows (all at or below @base) would be skipped as
 * applied: that is why the snapshot's seq travels as snapshot-base, beside the cursor,
 * not as the cursor. A pull cut anywhere resumes from its cursor with the same @base.
 *
 * Returns: (transfer full) (nullable): the JSON text
 */
GBytes *
dk_server_db_changes_json_base (DkServerDb      *self,
                                gint64           since,
                                gint64           base,
                                guint            limit,
                                const DkViewer  *viewer,
                                GError         **error)
{
  g_auto(DkChangesPage) page = { NULL, };
  gint64 newest;
  StmtId visible;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  since = MAX (since, 0);
  base = MAX (base, 0);

  /* The staff class is what a viewer holding DK_ROLE_STAFF sees without its own rows:
   * for anyone else phase one would not be the difference to a snapshot. */
  if (base > 0 && !is_anonymous (viewer) && (viewer->roles & DK_ROLE_STAFF) == 0)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("A snapshot base needs a logged-in user with the staff role"));
      return NULL;
    }

  /* Fixed first: whatever commits after this is left for the next pull, so last_seq
   * never jumps over a change the caller has not seen. */
  newest = dk_server_db_last_seq (self);

  changes_page_init (&page, viewer, limit, since);
  visible = page.anonymous ? STMT_CHANGES_ANONYMOUS : STMT_CHANGES_VIEWER;

  if (base > since && !page.anonymous &&
      !changes_page_add (self, &page, STMT_CHANGES_PRIVATE, since, MIN (base, newest),
                         viewer, error))
    return NULL;

  if (!page.more &&
      !changes_page_add (self, &page, visible, MAX (since, base), newest, viewer, error))
    return NULL;

  return changes_page_finish (&page, since, newest);
}

/**
 * dk_server_db_count_since:
 * @since: a seq; 0 counts every object
 *
 * Returns: how many objects (tombstones too) were written after @since, or -1 with
 *   @error set
 */
gint64
dk_server_db_count_since (DkServerDb  *self,
                          gint64       since,
                          GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), -1);

  if (self->pg != NULL)
    return _dk_server_db_pg_count_since (self, since, error);

  stmt = _dk_server_db_get_stmt (self, STMT_COUNT_SINCE, error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, since);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _dk_server_db_set_sqlite_error (self, error, rc, _("Could not count the changes"));
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

/**
 * dk_server_db_last_seq:
 *
 * Returns: the newest seq written, 0 when none
 */
gint64
dk_server_db_last_seq (DkServerDb *self)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), 0);

  if (self->pg != NULL)
    return _dk_server_db_pg_last_seq (self);

  stmt = _dk_server_db_get_stmt (self, STMT_LAST_SEQ, &error);
  if (stmt == NULL)
    {
      g_warning ("%s", error->message);
      return 0;
    }
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      g_warning ("Could not read the last change number of %s: %s",
                 self->path, sqlite3_errmsg (self->db));
      return 0;
    }
  return sqlite3_column_int64 (stmt, 0);
}

/**
 * dk_server_db_next_number:
 * @counter: the counter's name ("case")
 *
 * Returns: the counter's next value (1001 first), or 0 with @error set
 */
gint64
dk_server_db_next_number (DkServerDb  *self,
                          const char  *counter,
                          GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  gint64 value;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), 0);
  g_return_val_if_fail (counter != NULL, 0);

  if (self->pg != NULL)
    return _dk_server_db_pg_next_number (self, counter, error);

  stmt = _dk_server_db_get_stmt (self, STMT_NEXT_NUMBER, error);
  if (stmt == NULL)
    return 0;
  _dk_server_db_bind_text (stmt, 1, counter);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _dk_server_db_set_sqlite_error (self, error, rc, _("Could not take the next number"));
      return 0;
    }
  value = sqlite3_column_int64 (stmt, 0);
  if (!_dk_server_db_step_done (self, stmt, _("Could not take the next number"), error))
    return 0;

  return value;
}

/**
 * dk_server_db_put_routine_revision:
 *
 * Keeps a routine revision's JSON text (a revision written again is replaced).
 */
gboolean
dk_server_db_put_routine_revision (DkServerDb  *self,
                                   const char  *routine_id,
                                   gint64       revision,
                                   const char  *data,
                                   GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (routine_id != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  if (self->pg != NULL)
    return _dk_server_db_pg_put_routine_revision (self, routine_id, revision, data, error);

  stmt = _dk_server_db_get_stmt (self, STMT_PUT_ROUTINE_REVISION, error);
  if (stmt == NULL)
    return FALSE;
  _dk_server_db_bind_text (stmt, 1, routine_id);
  sqlite3_bind_int64 (stmt, 2, revision);
  _dk_server_db_bind_text (stmt, 3, data);

  return _dk_server_db_step_done (self, stmt, _("Could not store the routine revision"), error);
}

/**
 * dk_server_db_get_routine_revision:
 *
 * Returns: (transfer full) (nullable): the revision's JSON text
 */
char *
dk_server_db_get_routine_revision (DkServerDb  *self,
                                   const char  *routine_id,
                                   gint64       revision,
                                   GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), NULL);
  g_return_val_if_fail (routine_id != NULL, NULL);

  if (self->pg != NULL)
    return _dk_server_db_pg_get_routine_revision (self, routine_id, revision, error);

  stmt = _dk_server_db_get_stmt (self, STMT_GET_ROUTINE_REVISION, error);
  if (stmt == NULL)
    return NULL;
  _dk_server_db_bind_text (stmt, 1, routine_id);
  sqlite3_bind_int64 (stmt, 2, revision);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return _dk_server_db_column_strdup (stmt, 0);
  if (rc != SQLITE_DONE)
    _dk_server_db_set_sqlite_error (self, error, rc, _("Could not read the routine revision"));
  return NULL;
}

/**
 * dk_server_db_latest_routine_revision:
 *
 * Returns: the highest revision kept, 0 when none
 */
gint64
dk_server_db_latest_routine_revision (DkServerDb *self,
                                      const char *routine_id)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), 0);
  g_return_val_if_fail (routine_id != NULL, 0);

  if (self->pg != NULL)
    return _dk_server_db_pg_latest_routine_revision (self, routine_id);

  stmt = _dk_server_db_get_stmt (self, STMT_LATEST_ROUTINE_REVISION, &error);
  if (stmt == NULL)
    {
      g_warning ("%s", error->message);
      return 0;
    }
  _dk_server_db_bind_text (stmt, 1, routine_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      g_warning ("Could not read the routine revisions of %s: %s",
                 routine_id, sqlite3_errmsg (self->db));
      return 0;
    }
  return sqlite3_column_int64 (stmt, 0);
}

/**
 * dk_server_db_list_routine_revisions:
 *
 * Returns: (transfer full) (element-type utf8) (nullable): the revisions, oldest first
 */
GPtrArray *
dk_server_db_list_routine_revisions (DkServerDb  *self,
                                     const char  *routine_id,
                                     GError     **error)
{
  g_autoptr(DkCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) revisions = NULL;
  int rc;

  g_return_val_if_fail (DK_IS_SERVER_DB (self), NULL);
  g_return_val_if_fail (routine_id != NULL, NULL);

  if (self->pg != NULL)
    return _dk_server_db_pg_list_routine_revisions (self, routine_id, error);

  stmt = _dk_server_db_get_stmt (self, STMT_LIST_ROUTINE_REVISIONS, error);
  if (stmt == NULL)
    return NULL;
  _dk_server_db_bind_text (stmt, 1, routine_id);

  revisions = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (revisions, _dk_server_db_column_strdup (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      _dk_server_db_set_sqlite_error (self, error, rc, _("Could not list the routine revisions"));
      return NULL;
    }

  return g_steal_pointer (&revisions);
}
