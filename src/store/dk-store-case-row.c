/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-case-row.c: the columns of a case's row, read from its JSON without copies */

#define G_LOG_DOMAIN "dk-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dk-store-case-row-private.h"

/* ---- reading members without copies ---- */

static gint64
peek_int (JsonObject *object,
          const char *member,
          gint64      fallback)
{
  JsonNode *node = _dk_store_peek_value (object, member, G_TYPE_INT64);

  return node != NULL ? json_node_get_int (node) : fallback;
}

static gboolean
peek_bool (JsonObject *object,
           const char *member)
{
  JsonNode *node = _dk_store_peek_value (object, member, G_TYPE_BOOLEAN);

  return node != NULL && json_node_get_boolean (node);
}

static gint64
peek_time (JsonObject *object,
           const char *member)
{
  const char *text = _dk_store_peek_string (object, member);
  gint64 t = DK_TIME_UNSET;

  if (text == NULL || !dk_time_parse (text, &t, NULL))
    return DK_TIME_UNSET;

  return t;
}

void
_dk_store_case_row_clear (DkStoreCaseRow *row)
{
  if (row->services != NULL)
    g_string_free (row->services, TRUE);
  row->services = NULL;
}

gboolean
_dk_store_case_row_read (JsonObject      *object,
                         DkStoreCaseRow  *row,
                         GError         **error)
{
  JsonNode *services = json_object_get_member (object, "services");

  row->id = _dk_store_peek_string (object, "id");
  if (row->id == NULL || *row->id == '\0')
    {
      g_set_error_literal (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED,
                           _("A case without an id"));
      return FALSE;
    }
  row->number = _dk_store_peek_string (object, "number");
  row->kind = _dk_store_peek_string (object, "kind");
  row->area = _dk_store_peek_string (object, "area");
  row->status = _dk_store_peek_string (object, "status");
  row->title = _dk_store_peek_string (object, "title");
  row->priority = peek_int (object, "priority", 3);
  row->major = peek_bool (object, "major");
  row->public = peek_bool (object, "public");
  row->start = peek_time (object, "start");
  row->expected_end = peek_time (object, "expected_end");
  row->closed_at = peek_time (object, "closed_at");
  row->revision = peek_int (object, "revision", 0);

  row->services = g_string_new ("|");
  if (services != NULL && JSON_NODE_HOLDS_ARRAY (services))
    {
      JsonArray *array = json_node_get_array (services);
      guint n = json_array_get_length (array);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_TYPE (element) == JSON_NODE_VALUE &&
              json_node_get_value_type (element) == G_TYPE_STRING)
            {
              g_string_append (row->services, json_node_get_string (element));
              g_string_append_c (row->services, '|');
            }
        }
    }

  return TRUE;
}



/* A member's string, or NULL when it is not one. */
static const char *
value_string (const DkJsonDocValue *value)
{
  return value->type == DK_JSON_DOC_STRING ? value->string : NULL;
}

static gint64
value_time (const DkJsonDocValue *value)
{
  gint64 t = DK_TIME_UNSET;

  if (value->type != DK_JSON_DOC_STRING || !dk_time_parse (value->string, &t, NULL))
    return DK_TIME_UNSET;
  return t;
}

/* One pass over the members (a name given twice counts as its last value, as
 * dk_json_doc_member () reads it), rather than a search for each column. */
gboolean
_dk_store_case_row_read_doc (DkJsonDoc       *doc,
                             guint            object,
                             DkStoreCaseRow  *row,
                             GError         **error)
{
  guint end = dk_json_doc_get (doc, object)->end;
  guint services = DK_JSON_DOC_NONE;

  /* What an absent member reads as. */
  row->priority = 3;
  row->start = DK_TIME_UNSET;
  row->expected_end = DK_TIME_UNSET;
  row->closed_at = DK_TIME_UNSET;
  for (guint i = object + 1; i < end; i = dk_json_doc_get (doc, i)->end)
    {
      const DkJsonDocValue *value = dk_json_doc_get (doc, i);
      const char *key = value->key;

      if (strcmp (key, "id") == 0)
        row->id = value_string (value);
      else if (strcmp (key, "number") == 0)
        row->number = value_string (value);
      else if (strcmp (key, "kind") == 0)
        row->kind = value_string (value);
      else if (strcmp (key, "area") == 0)
        row->area = value_string (value);
      else if (strcmp (key, "status") == 0)
        row->status = value_string (value);
      else if (strcmp (key, "title") == 0)
        row->title = value_string (value);
      else if (strcmp (key, "priority") == 0)
        row->priority = value->type == DK_JSON_DOC_INT ? value->v.integer : 3;
      else if (strcmp (key, "major") == 0)
        row->major = value->type == DK_JSON_DOC_TRUE;
      else if (strcmp (key, "public") == 0)
        row->public = value->type == DK_JSON_DOC_TRUE;
      else if (strcmp (key, "start") == 0)
        row->start = value_time (value);
      else if (strcmp (key, "expected_end") == 0)
        row->expected_end = value_time (value);
      else if (strcmp (key, "closed_at") == 0)
        row->closed_at = value_time (value);
      else if (strcmp (key, "revision") == 0)
        row->revision = value->type == DK_JSON_DOC_INT ? value->v.integer : 0;
      else if (strcmp (key, "services") == 0)
        services = i;
    }

  if (row->id == NULL || *row->id == '\0')
    {
      g_set_error_literal (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED,
                           _("A case without an id"));
      return FALSE;
    }

  row->services = g_string_new ("|");
  if (services != DK_JSON_DOC_NONE && dk_json_doc_get (doc, services)->type == DK_JSON_DOC_ARRAY)
    {
      guint services_end = dk_json_doc_get (doc, services)->end;

      for (guint i = services + 1; i < services_end; i = dk_json_doc_get (doc, i)->end)
        {
          const DkJsonDocValue *element = dk_json_doc_get (doc, i);

          if (element->type == DK_JSON_DOC_STRING)
            {
              g_string_append (row->services, element->string);
              g_string_append_c (row->services, '|');
            }
        }
    }

  return TRUE;
}

static void
bind_time (sqlite3_stmt *stmt,
           int           index,
           gint64        t)
{
  if (t == DK_TIME_UNSET)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, t);
}

void
_dk_store_case_row_bind (sqlite3_stmt          *stmt,
                         const DkStoreCaseRow  *row)
{
  _dk_store_bind_text (stmt, 1, row->id);
  _dk_store_bind_text (stmt, 2, row->number);
  _dk_store_bind_text (stmt, 3, row->kind != NULL ? row->kind : "");
  _dk_store_bind_text (stmt, 4, row->area != NULL ? row->area : "");
  _dk_store_bind_text (stmt, 5, row->status != NULL ? row->status : "");
  sqlite3_bind_int64 (stmt, 6, row->priority);
  sqlite3_bind_int (stmt, 7, row->major ? 1 : 0);
  sqlite3_bind_int (stmt, 8, row->public ? 1 : 0);
  bind_time (stmt, 9, row->start);
  bind_time (stmt, 10, row->expected_end);
  bind_time (stmt, 11, row->closed_at);
  _dk_store_bind_text (stmt, 12, row->title != NULL ? row->title : "");
  _dk_store_bind_text (stmt, 13, row->services->str);
}

