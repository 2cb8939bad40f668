/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-apply.c: the server's objects into the replica: pages of /changes, resync */

#define G_LOG_DOMAIN "dk-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dk-store-case-row-private.h"

static const char * const known_types[] = {
  DK_TYPE_NAME_CASE, DK_TYPE_NAME_SERVICE, DK_TYPE_NAME_ROUTINE, DK_TYPE_NAME_RUN,
  DK_TYPE_NAME_REPORT, DK_TYPE_NAME_SUBSCRIPTION, DK_TYPE_NAME_TEMPLATE,
  DK_TYPE_NAME_UNIT, NULL
};

/* The server's copy replaces what shows when there is no local version, or when the
 * local version only waits for this revision (see local_until in dk-store.c). */
#define SERVER_WINS "(local_data IS NULL OR excluded.revision >= local_until)"
#define TAKE(col) col " = CASE WHEN " SERVER_WINS " THEN excluded." col " ELSE " col " END, "

static const char upsert_server_case_sql[] =
  "INSERT INTO cases (" CASE_COLUMNS ", revision, seq, server_data, search_services)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
  " ON CONFLICT (id) DO UPDATE SET number = COALESCE (excluded.number, number), "
  TAKE ("kind") TAKE ("area") TAKE ("status") TAKE ("priority") TAKE ("major")
  TAKE ("public") TAKE ("start") TAKE ("expected_end") TAKE ("closed_at") TAKE ("title")
  TAKE ("services")
  " revision = excluded.revision, seq = excluded.seq, server_data = excluded.server_data,"
  " local_data = CASE WHEN " SERVER_WINS " THEN NULL ELSE local_data END,"
  " local_until = CASE WHEN " SERVER_WINS " THEN NULL ELSE local_until END";

static const char upsert_server_object_sql[] =
  "INSERT INTO objects (type, id, revision, seq, server_data) VALUES (?1, ?2, ?3, ?4, ?5)"
  " ON CONFLICT (type, id) DO UPDATE SET revision = excluded.revision,"
  " seq = excluded.seq, server_data = excluded.server_data,"
  " local_data = CASE WHEN " SERVER_WINS " THEN NULL ELSE local_data END,"
  " local_until = CASE WHEN " SERVER_WINS " THEN NULL ELSE local_until END";

/* Members of a change in a page read with dk_json_doc_parse (). */
static gint64
doc_int (DkJsonDoc  *doc,
         guint       object,
         const char *member,
         gint64      fallback)
{
  guint index = dk_json_doc_member (doc, object, member);

  if (index == DK_JSON_DOC_NONE || dk_json_doc_get (doc, index)->type != DK_JSON_DOC_INT)
    return fallback;
  return dk_json_doc_get (doc, index)->v.integer;
}

static gboolean
doc_bool (DkJsonDoc  *doc,
          guint       object,
          const char *member)
{
  guint index = dk_json_doc_member (doc, object, member);

  return index != DK_JSON_DOC_NONE && dk_json_doc_get (doc, index)->type == DK_JSON_DOC_TRUE;
}

/* ---- one change ---- */

/* One change's data: where it is in the page and its text as the server sent it. */
typedef struct {
  DkJsonDoc  *doc;
  guint       index;
  const char *text;
  int         length;
  gboolean    has_body;  /* body was built beforehand (NULL: the general way) */
  const char *body;      /* (transfer none) */
  gsize       body_length;
} Data;

/* The server's copy of a case into its row (inserted or updated); ?17, the folded
 * service names (@services_text, NULL for none), only a new row takes. */
static gboolean
write_server_case (DkStore               *self,
                   const Data            *data,
                   const DkStoreCaseRow  *row,
                   gint64                 seq,
                   const GString         *services_text,
                   GError               **error)
{
  sqlite3_stmt *stmt = _dk_store_prepare (self, upsert_server_case_sql, error);

  if (stmt == NULL)
    return FALSE;
  _dk_store_case_row_bind (stmt, row);
  sqlite3_bind_int64 (stmt, 14, row->revision);
  sqlite3_bind_int64 (stmt, 15, seq);
  sqlite3_bind_text (stmt, 16, data->text, data->length, SQLITE_STATIC);
  if (services_text != NULL)
    sqlite3_bind_text (stmt, 17, services_text->str, (int) services_text->len, SQLITE_STATIC);
  return _dk_store_step_done (self, stmt, error);
}

/* A case new to the replica: the row and its search text in one go. */
static gboolean
insert_new_case (DkStore         *self,
                 const Data      *data,
                 DkStoreCaseRow  *row,
                 gint64           seq,
                 GError         **error)
{
  g_autoptr(GString) own_body = NULL;
  const char *body = data->body;
  gsize body_length = data->body_length;
  g_autoptr(GString) services_text = NULL;
  gboolean plain = FALSE;
  gint64 pk;

  if (!data->has_body)
    {
      own_body = g_string_sized_new ((gsize) data->length);
      if (!_dk_store_build_body_doc (data->doc, data->index, row->number, own_body))
        {
          g_string_free (own_body, TRUE);
          own_body = NULL;
        }
      body = own_body != NULL ? own_body->str : NULL;
      body_length = own_body != NULL ? own_body->len : 0;
    }
  if (body != NULL &&
      !_dk_store_build_services_doc (self, data->doc, data->index, &plain, &services_text,
                                     error))
    return FALSE;

  if (!write_server_case (self, data, row, seq, services_text, error))
    return FALSE;
  pk = sqlite3_last_insert_rowid (self->db);

  if (body == NULL || !plain)
    return _dk_store_index_case (self, pk, error);
  return _dk_store_index_case_text (self, pk, row->title, body, body_length, services_text,
                                    error);
}

static gboolean
set_change_error (GError **error,
                  guint    index,
                  const char *reason)
{
  g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED,
               _("The server sent a change that cannot be read (changes[%u]: %s)"),
               index, reason);
  return FALSE;
}

/* A case the server sent that cannot be read is the server's fault; anything after
 * that is the replica's own (a full disk, say) and is told as it is. */
static gboolean
apply_case (DkStore     *self,
            const Data  *data,
            gint64       seq,
            guint        index,
            GError     **error)
{
  g_auto(DkStoreCaseRow) row = { 0 };
  g_autoptr(GError) local_error = NULL;
  gint64 pk = 0;

  if (!_dk_store_case_row_read_doc (data->doc, data->index, &row, &local_error))
    return set_change_error (error, index, local_error->message);
  if (!_dk_store_lookup_case_pk (self, row.id, &pk, error))
    return FALSE;
  if (pk == 0)
    return insert_new_case (self, data, &row, seq, error);

  /* A case the replica has: out of the index, changed, and back in. */
  return _dk_store_unindex_case (self, pk, error) &&
         write_server_case (self, data, &row, seq, NULL, error) &&
         _dk_store_index_case (self, pk, error);
}

static gboolean
apply_object (DkStore     *self,
              const char  *type,
              const char  *id,
              const Data  *data,
              gint64       seq,
              GError     **error)
{
  sqlite3_stmt *stmt = _dk_store_prepare (self, upsert_server_object_sql, error);

  if (stmt == NULL)
    return FALSE;
  _dk_store_bind_text (stmt, 1, type);
  _dk_store_bind_text (stmt, 2, id);
  sqlite3_bind_int64 (stmt, 3, doc_int (data->doc, data->index, "revision", 0));
  sqlite3_bind_int64 (stmt, 4, seq);
  sqlite3_bind_text (stmt, 5, data->text, data->length, SQLITE_STATIC);
  if (!_dk_store_step_done (self, stmt, error))
    return FALSE;

  return !g_str_equal (type, DK_TYPE_NAME_SERVICE) || _dk_store_reindex_service (self, id, error);
}

/* A tombstone: the row goes, unless a local change still waits for an answer (the
 * server will answer it, most likely "not found", and then the row goes too). */
static gboolean
apply_deleted (DkStore     *self,
               const char  *type,
               const char  *id,
               gint64       seq,
               GError     **error)
{
  gboolean is_case = g_str_equal (type, DK_TYPE_NAME_CASE);
  sqlite3_stmt *stmt;

  if (is_case)
    {
      /* Out of the index first: FTS5 reads the row to take it out. */
      stmt = _dk_store_prepare (self, "DELETE FROM cases_fts WHERE rowid ="
                                      " (SELECT pk FROM cases WHERE id = ?1"
                                      " AND (local_data IS NULL OR local_until IS NOT NULL))",
                                error);
      if (stmt == NULL)
        return FALSE;
      _dk_store_bind_text (stmt, 1, id);
      if (!_dk_store_step_done (self, stmt, error))
        return FALSE;
    }
  stmt = _dk_store_prepare_row (self, type, id,
                                "DELETE FROM cases WHERE id = ?2"
                                " AND (local_data IS NULL OR local_until IS NOT NULL)",
                                "DELETE FROM objects WHERE type = ?1 AND id = ?2"
                                " AND (local_data IS NULL OR local_until IS NOT NULL)", error);
  if (stmt == NULL || !_dk_store_step_done (self, stmt, error))
    return FALSE;

  stmt = _dk_store_prepare_row (self, type, id,
                                "UPDATE cases SET server_data = NULL, revision = 0,"
                                " seq = ?3 WHERE id = ?2 AND server_data IS NOT NULL",
                                "UPDATE objects SET server_data = NULL, revision = 0,"
                                " seq = ?3 WHERE type = ?1 AND id = ?2"
                                " AND server_data IS NOT NULL", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 3, seq);
  /* A case that stays keeps its local version, and so its text. */
  if (!_dk_store_step_done (self, stmt, error))
    return FALSE;

  return !g_str_equal (type, DK_TYPE_NAME_SERVICE) || _dk_store_reindex_service (self, id, error);
}

static gboolean
apply_change (DkStore             *self,
              DkJsonDoc           *doc,
              guint                change,
              guint                index,
              DkStoreSearchTexts  *texts,
              GError             **error)
{
  const DkJsonDocValue *value = dk_json_doc_get (doc, change);
  const char *type;
  const char *id;
  gsize length = 0;
  Data data = { doc, 0, NULL, 0, FALSE, NULL, 0 };
  gint64 seq;

  if (value->type != DK_JSON_DOC_OBJECT)
    return set_change_error (error, index, _("not an object"));

  type = dk_json_doc_string (doc, change, "type");
  id = dk_json_doc_string (doc, change, "id");
  if (type == NULL || id == NULL || *id == '\0')
    return set_change_error (error, index, _("no type or id"));
  /* Types a newer server adds are for newer clients. */
  if (!g_strv_contains (known_types, type))
    {
      g_debug ("Ignoring a change of unknown type %s", type);
      return TRUE;
    }

  seq = doc_int (doc, change, "seq", 0);
  if (doc_bool (doc, change, "deleted"))
    return apply_deleted (self, type, id, seq, error);

  data.index = dk_json_doc_member (doc, change, "data");
  if (data.index == DK_JSON_DOC_NONE ||
      dk_json_doc_get (doc, data.index)->type != DK_JSON_DOC_OBJECT)
    return set_change_error (error, index, _("data is not an object"));
  /* Stored as the server sent it: checked JSON, no need to write it again. */
  data.text = dk_json_doc_text (doc, data.index, &length);
  if (length > G_MAXINT)
    return set_change_error (error, index, _("data is too large"));
  data.length = (int) length;

  if (g_str_equal (type, DK_TYPE_NAME_CASE))
    {
      data.has_body = _dk_store_search_texts_get (texts, index, &data.body, &data.body_length);
      return apply_case (self, &data, seq, index, error);
    }

  return apply_object (self, type, id, &data, seq, error);
}

/* A replica installed from a snapshot pulls from 0 with the snapshot's seq as "base"
 * until its cursor reaches it (dk-store-snapshot.c); from then on it pulls as any other.
 * In the page's transaction: a crash never leaves the cursor past a base still set. */
static gboolean
drop_reached_base (DkStore  *self,
                   gint64    cursor,
                   GError  **error)
{
  sqlite3_stmt *stmt;

  stmt = _dk_store_prepare (self, "DELETE FROM meta WHERE key = '" DK_STORE_META_SNAPSHOT_BASE "'"
                                  " AND CAST (value AS INTEGER) <= ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, cursor);
  return _dk_store_step_done (self, stmt, error);
}

/* The page and its cursor in one transaction.
 *
 * The app and the cli may pull into the same replica at once, so a page can arrive after
 * another process has already applied newer ones. Every change at or below the cursor is
 * in the replica already (or something newer is), so those are skipped and the cursor
 * never moves back: an older page never overwrites newer data. */
static gboolean
apply_page (DkStore             *self,
            DkJsonDoc           *doc,
            guint                changes,
            gint64               last_seq,
            DkStoreSearchTexts  *texts,
            GError             **error)
{
  const DkJsonDocValue *array = dk_json_doc_get (doc, changes);
  g_autofree char *cursor = NULL;
  gint64 applied_through;
  guint n = 0;
  guint skipped = 0;

  if (!_dk_store_begin (self, error))
    return FALSE;
  /* Another process may have written services since. */
  g_hash_table_remove_all (self->service_names);
  applied_through = dk_store_get_cursor (self);

  for (guint i = changes + 1; i < array->end; i = dk_json_doc_get (doc, i)->end, n++)
    {
      if (applied_through > 0 && doc_int (doc, i, "seq", 0) <= applied_through)
        {
          skipped++;
          continue;
        }
      if (!apply_change (self, doc, i, n, texts, error))
        {
          _dk_store_rollback (self);
          return FALSE;
        }
    }
  if (skipped > 0)
    g_debug ("Skipped %u changes another sync had applied (cursor %" G_GINT64_FORMAT ")",
             skipped, applied_through);

  cursor = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (last_seq, applied_through));
  if (!dk_store_set_meta (self, DK_STORE_META_CURSOR, cursor, error) ||
      !drop_reached_base (self, MAX (last_seq, applied_through), error))
    {
      _dk_store_rollback (self);
      return FALSE;
    }

  if (n > skipped)
    _dk_store_note_change (self, DK_STORE_CHANGE_SERVER);
  g_debug ("Applied %u changes, cursor %" G_GINT64_FORMAT, n, last_seq);
  return _dk_store_commit (self, error);
}

/**
 * dk_store_apply_page:
 * @self: a #DkStore
 * @doc: a page of GET /changes, read with dk_json_doc_parse ()
 * @changes: the index of its "changes" array in @doc
 * @last_seq: the page's "last_seq"
 * @error: return location for a #GError
 *
 * Applies the page and moves the cursor, all or nothing. Unknown types are skipped.
 * Each object is stored as the text the server sent.
 *
 * The page's commit is not synced to the disk on its own (synchronous=NORMAL for this
 * transaction): a power cut may take the last pages back, always with their cursor, so
 * the next pull fetches them again; nothing of the user's is in them. The next commit
 * of a local change (synchronous=FULL) syncs them along.
 *
 * Returns: %TRUE when the page is committed
 */
gboolean
dk_store_apply_page (DkStore    *self,
                     DkJsonDoc  *doc,
                     guint       changes,
                     gint64      last_seq,
                     GError    **error)
{
  return dk_store_apply_page_with_texts (self, doc, changes, last_seq, NULL, error);
}

/**
 * dk_store_apply_page_with_texts:
 * @self: a #DkStore
 * @doc: a page of GET /changes, read with dk_json_doc_parse ()
 * @changes: the index of its "changes" array in @doc
 * @last_seq: the page's "last_seq"
 * @texts: (nullable): dk_store_search_texts_new () of the same @doc and @changes
 * @error: return location for a #GError
 *
 * dk_store_apply_page () with the search texts of its cases built already, in
 * another thread: what is left to do here is what needs the replica.
 *
 * Returns: %TRUE when the page is committed
 */
gboolean
dk_store_apply_page_with_texts (DkStore             *self,
                                DkJsonDoc           *doc,
                                guint                changes,
                                gint64               last_seq,
                                DkStoreSearchTexts  *texts,
                                GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (doc != NULL, FALSE);
  g_return_val_if_fail (changes < dk_json_doc_get_n_values (doc), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (dk_json_doc_get (doc, changes)->type != DK_JSON_DOC_ARRAY)
    {
      g_set_error_literal (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED,
                           _("The server’s changes are not a list"));
      return FALSE;
    }

  /* A checkpoint copies each page of the log into the file once, however often the
   * commits since wrote it: the pages of the search index and of the id index, which
   * every page of changes writes again, are copied a quarter as often with 4,000
   * (64 MiB) than with SQLite's 1,000 (a first sync writes a fifth less). */
  if (!_dk_store_exec (self, "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 4000",
                       error))
    return FALSE;
  ok = apply_page (self, doc, changes, last_seq, texts, error);
  /* Back to FULL whatever happened: every other write is the user's. */
  if (!_dk_store_exec (self, "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000",
                       &local_error))
    {
      if (ok)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return ok;
}

/**
 * dk_store_apply_changes:
 * @self: a #DkStore
 * @changes: the "changes" array of one page of /changes
 * @last_seq: the page's "last_seq"
 * @error: return location for a #GError
 *
 * dk_store_apply_page_with_texts () for a page parsed with json-glib.
 *
 * Returns: %TRUE when the page is committed
 */
gboolean
dk_store_apply_changes (DkStore    *self,
                        JsonArray  *changes,
                        gint64      last_seq,
                        GError    **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(DkJsonDoc) doc = NULL;
  g_autoptr(DkStoreSearchTexts) texts = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *text;

  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, changes);
  text = dk_json_to_compact_string (node);
  bytes = g_bytes_new_take (text, strlen (text));
  doc = dk_json_doc_parse (bytes, error);
  if (doc == NULL)
    return FALSE;
  /* Texts built beforehand, as the sync engine's pull builds them. */
  texts = dk_store_search_texts_new (doc, 0);

  return dk_store_apply_page_with_texts (self, doc, 0, last_seq, texts, error);
}

/**
 * dk_store_reset_server_data:
 * @self: a #DkStore
 * @error: return location for a #GError
 *
 * Forgets the server's copies and the cursor for a full resync. Objects with outbox
 * entries keep their local versions (with no server copy until the resync brings it).
 *
 * Returns: %TRUE when done
 */
gboolean
dk_store_reset_server_data (DkStore  *self,
                            GError  **error)
{
  g_return_val_if_fail (DK_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_dk_store_begin (self, error))
    return FALSE;

  g_hash_table_remove_all (self->service_names);
  /* The index is emptied and built again from the few cases that stay. */
  if (!_dk_store_clear_index (self, error) ||
      !_dk_store_exec (self,
                       "DELETE FROM cases WHERE local_data IS NULL OR NOT EXISTS"
                       " (SELECT 1 FROM outbox WHERE object_type = 'case'"
                       "  AND object_id = cases.id);"
                       "UPDATE cases SET server_data = NULL, revision = 0, seq = 0,"
                       " local_until = NULL;"
                       "DELETE FROM objects WHERE local_data IS NULL OR NOT EXISTS"
                       " (SELECT 1 FROM outbox WHERE object_type = objects.type"
                       "  AND object_id = objects.id);"
                       "UPDATE objects SET server_data = NULL, revision = 0, seq = 0,"
                       " local_until = NULL;"
                       /* paging from 0: no snapshot under it any more */
                       "DELETE FROM meta WHERE key IN ('" DK_STORE_META_CURSOR "',"
                       " '" DK_STORE_META_SNAPSHOT_BASE "');",
                       error) ||
      !_dk_store_rebuild_index (self, error))
    {
      _dk_store_rollback (self);
      return FALSE;
    }

  _dk_store_note_change (self, DK_STORE_CHANGE_SERVER);
  return _dk_store_commit (self, error);
}
