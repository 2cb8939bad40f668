/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-search.c: the search index: rows in and out, the folded text in C, the query */

#define G_LOG_DOMAIN "dk-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dk-store-private.h"

/* ---- the search index (see the schema in dk-store.c) ----
 *
 * cases_fts indexes the view cases_search; FTS5 reads the view to take a row out, so a
 * case leaves the index before its row changes (unindex) and comes back after (index).
 */

/* Takes the case out of the index, reading its text as the view has it now. A case
 * that is not there is no error (FTS5 finds no row in the view). */
gboolean
_dk_store_unindex_case (DkStore     *self,
                        gint64       pk,
                        GError     **error)
{
  sqlite3_stmt *stmt = _dk_store_prepare (self, "DELETE FROM cases_fts WHERE rowid = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, pk);
  return _dk_store_step_done (self, stmt, error);
}

/* The case's pk, 0 when there is no such case. */
gboolean
_dk_store_lookup_case_pk (DkStore     *self,
                          const char  *id,
                          gint64      *out_pk,
                          GError     **error)
{
  sqlite3_stmt *stmt = _dk_store_prepare (self, "SELECT pk FROM cases WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  _dk_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  *out_pk = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _dk_store_set_error (self, error);

  return TRUE;
}

/* Indexes a case (not in the index) from its row, in SQL: the general way. */
gboolean
_dk_store_index_case (DkStore     *self,
                      gint64       pk,
                      GError     **error)
{
  sqlite3_stmt *stmt;

  if (pk == 0)
    return TRUE;

  stmt = _dk_store_prepare (self, "UPDATE cases SET search_services = "
                                  DK_STORE_SERVICES_TEXT ("COALESCE (local_data, server_data)")
                                  " WHERE pk = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, pk);
  if (!_dk_store_step_done (self, stmt, error))
    return FALSE;

  stmt = _dk_store_prepare (self, "INSERT INTO cases_fts (rowid, title, body, services)"
                                  " SELECT pk, title, body, services FROM cases_search"
                                  " WHERE pk = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, pk);
  return _dk_store_step_done (self, stmt, error);
}

gboolean
_dk_store_unindex_case_id (DkStore     *self,
                           const char  *id,
                           GError     **error)
{
  gint64 pk = 0;

  return _dk_store_lookup_case_pk (self, id, &pk, error) &&
         (pk == 0 || _dk_store_unindex_case (self, pk, error));
}

gboolean
_dk_store_index_case_id (DkStore     *self,
                         const char  *id,
                         GError     **error)
{
  gint64 pk = 0;

  return _dk_store_lookup_case_pk (self, id, &pk, error) && _dk_store_index_case (self, pk, error);
}

/* A service's name changed (or it came or went): the cases that name it get their
 * text again. Only those whose text differs are touched. */
gboolean
_dk_store_reindex_service (DkStore     *self,
                           const char  *service_id,
                           GError     **error)
{
  g_autoptr(GArray) pks = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  g_hash_table_remove_all (self->service_names);

  stmt = _dk_store_prepare (self, "SELECT pk FROM cases"
                                  " WHERE instr (services, '|' || ?1 || '|') > 0"
                                  " AND search_services IS NOT "
                                  DK_STORE_SERVICES_TEXT ("COALESCE (local_data, server_data)"),
                            error);
  if (stmt == NULL)
    return FALSE;
  _dk_store_bind_text (stmt, 1, service_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 pk = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (pks, pk);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _dk_store_set_error (self, error);

  for (guint i = 0; i < pks->len; i++)
    {
      gint64 pk = g_array_index (pks, gint64, i);

      if (!_dk_store_unindex_case (self, pk, error) || !_dk_store_index_case (self, pk, error))
        return FALSE;
    }

  return TRUE;
}

/* ---- the search text in C, for cases new to the replica ----
 *
 * It must be what the view cases_search says of the row, to the byte; anything the
 * view would read differently from a plain string (a number where text is expected,
 * an update that is not an object, an escaped NUL) goes the general way instead. */

/* A member that is absent, null or a string: appends the string, TRUE. */
static gboolean
text_member (JsonObject *object,
             const char *member,
             GString    *out)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  _dk_store_fold_append (out, json_node_get_string (node));
  return TRUE;
}

/* body: number, external_ref, description, scope and the updates' texts. */
gboolean
_dk_store_build_body (JsonObject *data,
                      const char *number,
                      GString    *out)
{
  JsonNode *updates = json_object_get_member (data, "updates");
  gboolean first = TRUE;

  if (number != NULL)
    _dk_store_fold_append (out, number);
  g_string_append_c (out, ' ');
  if (!text_member (data, "external_ref", out))
    return FALSE;
  g_string_append_c (out, ' ');
  if (!text_member (data, "description", out))
    return FALSE;
  g_string_append_c (out, ' ');
  if (!text_member (data, "scope", out))
    return FALSE;
  g_string_append_c (out, ' ');

  if (updates == NULL || JSON_NODE_HOLDS_NULL (updates))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (updates))
    return FALSE;

  for (guint i = 0, n = json_array_get_length (json_node_get_array (updates)); i < n; i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (updates), i);
      JsonNode *text;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return FALSE;
      text = json_object_get_member (json_node_get_object (element), "text");
      if (text == NULL || JSON_NODE_HOLDS_NULL (text))
        continue;  /* group_concat() skips NULL */
      if (JSON_NODE_TYPE (text) != JSON_NODE_VALUE ||
          json_node_get_value_type (text) != G_TYPE_STRING)
        return FALSE;
      if (!first)
        g_string_append_c (out, ' ');
      _dk_store_fold_append (out, json_node_get_string (text));
      first = FALSE;
    }

  return TRUE;
}

/* A service's name as the view reads it (json_extract of the shown version), or its
 * id. (transfer none: owned by the cache) */
static const char *
service_name (DkStore     *self,
              const char  *id,
              GError     **error)
{
  const char *name = g_hash_table_lookup (self->service_names, id);
  sqlite3_stmt *stmt;
  char *value = NULL;
  int rc;

  if (name != NULL)
    return name;

  stmt = _dk_store_prepare (self, "SELECT json_extract (COALESCE (local_data, server_data),"
                                  " '$.name') FROM objects WHERE type = 'service' AND id = ?1",
                            error);
  if (stmt == NULL)
    return NULL;
  _dk_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup (_dk_store_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      g_free (value);
      _dk_store_set_error (self, error);
      return NULL;
    }
  if (value == NULL)
    value = g_strdup (id);

  g_hash_table_insert (self->service_names, g_strdup (id), value);
  return value;
}

/* Appends the service's name, folded, to *@text (made on the first name, the names
 * apart by a space as group_concat() puts them); on an error *@text is freed and NULL. */
static gboolean
append_service_name (DkStore     *self,
                     const char  *service_id,
                     GString    **text,
                     GError     **error)
{
  const char *name = service_name (self, service_id, error);

  if (name == NULL)
    {
      if (*text != NULL)
        g_string_free (*text, TRUE);
      *text = NULL;
      return FALSE;
    }
  if (*text == NULL)
    *text = g_string_new (NULL);
  else
    g_string_append_c (*text, ' ');
  _dk_store_fold_append (*text, name);
  return TRUE;
}

/* services: the names, folded; FALSE with @out_plain unset when the general way must
 * do it. *out_text is NULL when the case names no service (as group_concat()). */
gboolean
_dk_store_build_services (DkStore     *self,
                          JsonObject  *data,
                          gboolean    *out_plain,
                          GString    **out_text,
                          GError     **error)
{
  JsonNode *services = json_object_get_member (data, "services");
  JsonArray *array;
  guint n;

  *out_plain = FALSE;
  *out_text = NULL;
  if (services == NULL || JSON_NODE_HOLDS_NULL (services))
    {
      *out_plain = TRUE;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (services))
    return TRUE;

  array = json_node_get_array (services);
  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_TYPE (element) != JSON_NODE_VALUE ||
          json_node_get_value_type (element) != G_TYPE_STRING)
        {
          if (*out_text != NULL)
            g_string_free (*out_text, TRUE);
          *out_text = NULL;
          return TRUE;
        }
    }

  for (guint i = 0; i < n; i++)
    {
      if (!append_service_name (self, json_array_get_string_element (array, i), out_text, error))
        return FALSE;
    }

  *out_plain = TRUE;
  return TRUE;
}

/* The same two for a case read from a DkJsonDoc (a page of changes as it came). */

/* A member that is absent, null or a string: appends the string, TRUE. */
static gboolean
doc_text_member (DkJsonDoc  *doc,
                 guint       object,
                 const char *member,
                 GString    *out)
{
  guint index = dk_json_doc_member (doc, object, member);
  const DkJsonDocValue *value;

  if (index == DK_JSON_DOC_NONE)
    return TRUE;
  value = dk_json_doc_get (doc, index);
  if (value->type == DK_JSON_DOC_NULL)
    return TRUE;
  if (value->type != DK_JSON_DOC_STRING)
    return FALSE;

  _dk_store_fold_append (out, value->string);
  return TRUE;
}

gboolean
_dk_store_build_body_doc (DkJsonDoc  *doc,
                          guint       data,
                          const char *number,
                          GString    *out)
{
  guint updates = dk_json_doc_member (doc, data, "updates");
  const DkJsonDocValue *array;
  gboolean first = TRUE;

  if (number != NULL)
    _dk_store_fold_append (out, number);
  g_string_append_c (out, ' ');
  if (!doc_text_member (doc, data, "external_ref", out))
    return FALSE;
  g_string_append_c (out, ' ');
  if (!doc_text_member (doc, data, "description", out))
    return FALSE;
  g_string_append_c (out, ' ');
  if (!doc_text_member (doc, data, "scope", out))
    return FALSE;
  g_string_append_c (out, ' ');

  if (updates == DK_JSON_DOC_NONE)
    return TRUE;
  array = dk_json_doc_get (doc, updates);
  if (array->type == DK_JSON_DOC_NULL)
    return TRUE;
  if (array->type != DK_JSON_DOC_ARRAY)
    return FALSE;

  for (guint i = updates + 1; i < array->end; i = dk_json_doc_get (doc, i)->end)
    {
      guint text;
      const DkJsonDocValue *value;

      if (dk_json_doc_get (doc, i)->type != DK_JSON_DOC_OBJECT)
        return FALSE;
      text = dk_json_doc_member (doc, i, "text");
      if (text == DK_JSON_DOC_NONE)
        continue;  /* group_concat() skips NULL */
      value = dk_json_doc_get (doc, text);
      if (value->type == DK_JSON_DOC_NULL)
        continue;
      if (value->type != DK_JSON_DOC_STRING)
        return FALSE;
      if (!first)
        g_string_append_c (out, ' ');
      _dk_store_fold_append (out, value->string);
      first = FALSE;
    }

  return TRUE;
}

/* ---- the bodies of a page's cases, built before it is applied ---- */

#define NO_BODY G_MAXSIZE

/* The bodies one after the other in one buffer, rather than a string each: the pages
 * in flight stay a few megabytes. */
typedef struct
{
  gsize start;
  gsize length;   /* NO_BODY: not a case, or a case the general way must index */
} BodySpan;

struct _DkStoreSearchTexts
{
  guint     n;
  BodySpan *spans;  /* by the change's position in the page */
  GString  *text;
};

/**
 * dk_store_search_texts_new:
 * @doc: a page of GET /changes, read with dk_json_doc_parse ()
 * @changes: the index of its "changes" array in @doc
 *
 * Builds the search body (number, external reference, description, scope and the
 * updates' texts, folded) of each case in the page, as dk_store_apply_page () would
 * for a case new to the replica. It reads only @doc, so it may run in any thread;
 * the services' names need the replica and are read when the page is applied.
 *
 * Returns: (transfer full): the texts, for dk_store_apply_page_with_texts ()
 */
DkStoreSearchTexts *
dk_store_search_texts_new (DkJsonDoc *doc,
                           guint      changes)
{
  const DkJsonDocValue *array;
  DkStoreSearchTexts *texts;
  guint n = 0;

  g_return_val_if_fail (doc != NULL, NULL);
  g_return_val_if_fail (changes < dk_json_doc_get_n_values (doc), NULL);

  texts = g_new0 (DkStoreSearchTexts, 1);
  texts->text = g_string_new (NULL);
  array = dk_json_doc_get (doc, changes);
  if (array->type != DK_JSON_DOC_ARRAY)
    return texts;
  texts->n = array->count;
  texts->spans = g_new (BodySpan, MAX (texts->n, 1));
  for (guint i = 0; i < texts->n; i++)
    texts->spans[i].length = NO_BODY;

  for (guint i = changes + 1; i < array->end && n < texts->n;
       i = dk_json_doc_get (doc, i)->end, n++)
    {
      const char *type;
      const char *number = NULL;
      guint data;
      guint member;
      gsize start = texts->text->len;

      if (dk_json_doc_get (doc, i)->type != DK_JSON_DOC_OBJECT)
        continue;
      type = dk_json_doc_string (doc, i, "type");
      data = dk_json_doc_member (doc, i, "data");
      if (type == NULL || !g_str_equal (type, DK_TYPE_NAME_CASE) ||
          data == DK_JSON_DOC_NONE || dk_json_doc_get (doc, data)->type != DK_JSON_DOC_OBJECT)
        continue;

      /* The number as the case's row reads it (see case_row_read_doc ()). */
      member = dk_json_doc_member (doc, data, "number");
      if (member != DK_JSON_DOC_NONE && dk_json_doc_get (doc, member)->type == DK_JSON_DOC_STRING)
        number = dk_json_doc_get (doc, member)->string;

      if (_dk_store_build_body_doc (doc, data, number, texts->text))
        {
          texts->spans[n].start = start;
          texts->spans[n].length = texts->text->len - start;
        }
      else
        g_string_truncate (texts->text, start);
    }

  return texts;
}

void
dk_store_search_texts_free (DkStoreSearchTexts *texts)
{
  if (texts == NULL)
    return;
  g_free (texts->spans);
  g_string_free (texts->text, TRUE);
  g_free (texts);
}

gboolean
_dk_store_search_texts_get (DkStoreSearchTexts  *texts,
                            guint                n,
                            const char         **out_body,
                            gsize               *out_length)
{
  *out_body = NULL;
  *out_length = 0;
  if (texts == NULL || n >= texts->n)
    return FALSE;

  if (texts->spans[n].length != NO_BODY)
    {
      *out_body = texts->text->str + texts->spans[n].start;
      *out_length = texts->spans[n].length;
    }
  return TRUE;
}

gboolean
_dk_store_build_services_doc (DkStore     *self,
                              DkJsonDoc   *doc,
                              guint        data,
                              gboolean    *out_plain,
                              GString    **out_text,
                              GError     **error)
{
  guint services = dk_json_doc_member (doc, data, "services");
  const DkJsonDocValue *array;

  *out_plain = FALSE;
  *out_text = NULL;
  if (services == DK_JSON_DOC_NONE ||
      dk_json_doc_get (doc, services)->type == DK_JSON_DOC_NULL)
    {
      *out_plain = TRUE;
      return TRUE;
    }
  array = dk_json_doc_get (doc, services);
  if (array->type != DK_JSON_DOC_ARRAY)
    return TRUE;

  for (guint i = services + 1; i < array->end; i++)
    {
      if (dk_json_doc_get (doc, i)->type != DK_JSON_DOC_STRING)
        return TRUE;
    }

  for (guint i = services + 1; i < array->end; i++)
    {
      if (!append_service_name (self, dk_json_doc_get (doc, i)->string, out_text, error))
        return FALSE;
    }

  *out_plain = TRUE;
  return TRUE;
}

/* Indexes a case new to the replica with the text built above: @title as the row has
 * it (folded here), @body and @services folded already (@services NULL for none). */
gboolean
_dk_store_index_case_text (DkStore     *self,
                           gint64       pk,
                           const char  *title,
                           const char  *body,
                           gsize        body_length,
                           GString     *services,
                           GError     **error)
{
  g_autoptr(GString) folded_title = g_string_new (NULL);
  sqlite3_stmt *stmt;

  _dk_store_fold_append (folded_title, title != NULL ? title : "");
  stmt = _dk_store_prepare (self, "INSERT INTO cases_fts (rowid, title, body, services)"
                                  " VALUES (?1, ?2, ?3, ?4)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, pk);
  sqlite3_bind_text (stmt, 2, folded_title->str, (int) folded_title->len, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, body, (int) body_length, SQLITE_STATIC);
  if (services != NULL)
    sqlite3_bind_text (stmt, 4, services->str, (int) services->len, SQLITE_STATIC);
  return _dk_store_step_done (self, stmt, error);
}

/* ---- the whole index, for a full resync ---- */

/* Empties the index at once, rather than taking out 100,000 cases one by one. */
gboolean
_dk_store_clear_index (DkStore  *self,
                       GError  **error)
{
  return _dk_store_exec (self, "INSERT INTO cases_fts (cases_fts) VALUES ('delete-all');", error);
}

/* Builds the index again from the cases there are (after _dk_store_clear_index()). */
gboolean
_dk_store_rebuild_index (DkStore  *self,
                         GError  **error)
{
  return _dk_store_exec (self,
                         "UPDATE cases SET search_services = "
                         DK_STORE_SERVICES_TEXT ("COALESCE (local_data, server_data)") ";"
                         /* Not 'rebuild': FTS5 reads the view without json_each() then. */
                         "INSERT INTO cases_fts (rowid, title, body, services)"
                         " SELECT pk, title, body, services FROM cases_search;",
                         error);
}

/* ---- the query ----
 *
 * A search looks in tiers, best first, and stops as soon as it has enough:
 *   1. the word, whole, in the title (only for one word: "jour" before "journal");
 *   2. every word in the title, as a prefix ("atg" for "åtgärd");
 *   3. every word in the title or a service's name;
 *   4. every word anywhere (number, description, scope, updates too).
 * Within a tier the newest case comes first: the highest pk, the case this replica
 * learnt of last. No tier ranks all its matches (bm25 over the 92,000 cases that
 * say "störning" took 100 ms): FTS5 walks a tier's matches in rowid order and the walk
 * stops at the limit, so a word that matches nearly everything costs no more than a
 * rare one.
 * A prefix index of first letters (prefix = '1') spares a one-letter word, the first
 * a search box sees, from merging the lists of thousands of terms; longer prefixes
 * merge the lists of the terms they begin, which costs a few milliseconds at most.
 */

typedef struct
{
  const char *columns;  /* an FTS5 column filter, NULL for every column */
  gboolean    prefix;   /* each word as a prefix, or whole */
  gboolean    one_word; /* only when the query is one word */
} SearchTier;

/* Whole words in the title are a tier of their own only for one word: for several
 * words that are common in the text but never together in a title, checking every
 * case that has them all took longer (5 ms for "i på för") than the other tiers. */
static const SearchTier search_tiers[] = {
  { "{title}", FALSE, TRUE },
  { "{title}", TRUE, FALSE },
  { "{title services}", TRUE, FALSE },
  { NULL, TRUE, FALSE },
};

static int
collect_token (void       *data,
               int         flags,
               const char *token,
               int         length,
               int         start,
               int         end)
{
  GPtrArray *words = data;

  if ((flags & FTS5_TOKEN_COLOCATED) == 0 && length > 0)
    g_ptr_array_add (words, g_strndup (token, length));
  return SQLITE_OK;
}

/* The words of @text as the index has them: folded, then split by FTS5's own tokenizer
 * with the index's options (see cases_fts in dk-store.c), so that each word is exactly
 * one token of the index and nothing typed is read as FTS5 syntax. */
static GPtrArray *
query_words (DkStore     *self,
             const char  *text,
             GError     **error)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *folded = _dk_store_fold (text);
  const char *options[] = { "remove_diacritics", "0" };
  fts5_api *api = NULL;
  fts5_tokenizer tokenizer;
  Fts5Tokenizer *instance = NULL;
  void *tokenizer_data = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = _dk_store_prepare (self, "SELECT fts5 (?1)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_pointer (stmt, 1, &api, "fts5_api_ptr", NULL);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      _dk_store_set_error (self, error);
      return NULL;
    }

  if (api == NULL ||
      api->xFindTokenizer (api, "unicode61", &tokenizer_data, &tokenizer) != SQLITE_OK ||
      tokenizer.xCreate (tokenizer_data, options, G_N_ELEMENTS (options), &instance) != SQLITE_OK)
    {
      g_set_error_literal (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED,
                           _("This SQLite library cannot split words for a search"));
      return NULL;
    }
  rc = tokenizer.xTokenize (instance, words, FTS5_TOKENIZE_QUERY, folded, (int) strlen (folded),
                            collect_token);
  tokenizer.xDelete (instance);
  if (rc != SQLITE_OK)
    {
      g_set_error_literal (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED,
                           _("This SQLite library cannot split words for a search"));
      return NULL;
    }

  return g_steal_pointer (&words);
}

/* The FTS5 query of a tier: each word a quoted string (a quote in it doubled), all
 * of them required. */
static char *
tier_match (const SearchTier *tier,
            GPtrArray        *words)
{
  GString *match = g_string_new (NULL);

  if (tier->columns != NULL)
    g_string_append_printf (match, "%s : (", tier->columns);
  for (guint i = 0; i < words->len; i++)
    {
      const char *word = words->pdata[i];

      if (i > 0)
        g_string_append_c (match, ' ');
      g_string_append_c (match, '"');
      for (const char *p = word; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (match, '"');
          g_string_append_c (match, *p);
        }
      g_string_append_c (match, '"');
      if (tier->prefix)
        g_string_append_c (match, '*');
    }
  if (tier->columns != NULL)
    g_string_append_c (match, ')');

  return g_string_free (match, FALSE);
}

/* Appends the cases of one tier that are not in @seen yet, newest first, until
 * @pks holds @limit (0: no cap). */
static gboolean
search_tier (DkStore           *self,
             const SearchTier  *tier,
             GPtrArray         *words,
             guint              limit,
             GHashTable        *seen,
             GArray            *pks,
             GError           **error)
{
  g_autofree char *match = tier_match (tier, words);
  sqlite3_stmt *stmt;
  int rc = SQLITE_DONE;

  stmt = _dk_store_prepare (self, "SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?1"
                                  " ORDER BY rowid DESC", error);
  if (stmt == NULL)
    return FALSE;
  _dk_store_bind_text (stmt, 1, match);
  while ((limit == 0 || pks->len < limit) && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 pk = sqlite3_column_int64 (stmt, 0);

      if (g_hash_table_contains (seen, &pk))
        continue;
      g_hash_table_add (seen, g_memdup2 (&pk, sizeof pk));
      g_array_append_val (pks, pk);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _dk_store_set_error (self, error);

  return TRUE;
}

GArray *
_dk_store_search_pks (DkStore     *self,
                      const char  *text,
                      guint        limit,
                      GError     **error)
{
  g_autoptr(GArray) pks = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) words = query_words (self, text, error);

  if (words == NULL)
    return NULL;
  if (words->len == 0)
    return g_steal_pointer (&pks);

  for (guint i = 0; i < G_N_ELEMENTS (search_tiers) && (limit == 0 || pks->len < limit); i++)
    {
      if (search_tiers[i].one_word && words->len > 1)
        continue;
      if (!search_tier (self, &search_tiers[i], words, limit, seen, pks, error))
        return NULL;
    }

  return g_steal_pointer (&pks);
}
