/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-json-doc.c: a read-only JSON document in two allocations (see dk-json-doc.h) */

#define G_LOG_DOMAIN "dk-json"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "dk-error.h"
#include "dk-json-doc.h"
#include "dk-json-private.h"

struct _DkJsonDoc
{
  GBytes *bytes;
  GArray *values;   /* DkJsonDocValue */
  char   *strings;  /* the unescaped strings and member names, each NUL-terminated */
};

typedef struct {
  const char *data;
  const char *p;
  const char *end;
  char       *out;    /* where the next unescaped string goes */
  GArray     *values;
} Builder;

static void
skip_space (Builder *b)
{
  while (b->p < b->end && (*b->p == ' ' || *b->p == '\t' || *b->p == '\n' || *b->p == '\r'))
    b->p++;
}

static guint
hex4 (const char *p)
{
  guint value = 0;

  for (guint i = 0; i < 4; i++)
    value = value * 16 + (guint) g_ascii_xdigit_value (p[i]);
  return value;
}

/* Unescapes the string at b->p (its opening quote) into b->out; the syntax is checked
 * already, so every escape is whole and no \u0000 or lone surrogate is left. */
static const char *
read_string (Builder *b,
             guint32 *length)
{
  char *start = b->out;
  char *o = b->out;

  b->p++;
  for (;;)
    {
      const char *run = b->p;

      while (*b->p != '"' && *b->p != '\\')
        b->p++;
      memcpy (o, run, (gsize) (b->p - run));
      o += b->p - run;
      if (*b->p == '"')
        break;

      b->p++;
      switch (*b->p++)
        {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u':
          {
            gunichar c = hex4 (b->p);

            b->p += 4;
            if (c >= 0xd800 && c <= 0xdbff)
              {
                c = 0x10000 + ((c - 0xd800) << 10) + (hex4 (b->p + 2) - 0xdc00);
                b->p += 6;
              }
            o += g_unichar_to_utf8 (c, o);
          }
          break;
        default:  /* " \ / */
          *o++ = b->p[-1];
          break;
        }
    }
  b->p++;
  *o++ = '\0';
  b->out = o;
  *length = (guint32) (o - start - 1);
  return start;
}

static void
read_number (Builder        *b,
             DkJsonDocValue *value)
{
  const char *start = b->p;
  gboolean integer = TRUE;
  char buffer[64];
  g_autofree char *copy = NULL;
  const char *text;
  gsize length;

  if (*b->p == '-')
    b->p++;
  while (b->p < b->end && (g_ascii_isdigit (*b->p) || *b->p == '.' || *b->p == 'e' ||
                           *b->p == 'E' || *b->p == '+' || *b->p == '-'))
    {
      if (!g_ascii_isdigit (*b->p))
        integer = FALSE;
      b->p++;
    }

  /* The data need not end in a NUL where the number ends. */
  length = (gsize) (b->p - start);
  if (length < sizeof buffer)
    {
      memcpy (buffer, start, length);
      buffer[length] = '\0';
      text = buffer;
    }
  else
    text = copy = g_strndup (start, length);

  if (integer)
    {
      /* The syntax check keeps integers within 64 bits. */
      value->type = DK_JSON_DOC_INT;
      value->v.integer = g_ascii_strtoll (text, NULL, 10);
    }
  else
    {
      value->type = DK_JSON_DOC_DOUBLE;
      value->v.number = g_ascii_strtod (text, NULL);
    }
}

/* Reads one value (and what it holds) at b->p, appending it to b->values. */
static void
read_value (Builder    *b,
            const char *key)
{
  guint index = b->values->len;
  DkJsonDocValue value = { 0 };

  skip_space (b);
  value.key = key;
  value.start = (guint32) (b->p - b->data);
  g_array_append_val (b->values, value);

  switch (*b->p)
    {
    case '{':
    case '[':
      {
        gboolean is_object = *b->p == '{';
        char close = is_object ? '}' : ']';
        guint count = 0;

        b->p++;
        skip_space (b);
        while (*b->p != close)
          {
            const char *name = NULL;

            if (is_object)
              {
                guint32 length;

                name = read_string (b, &length);
                skip_space (b);
                b->p++;   /* ':' */
              }
            read_value (b, name);
            count++;
            skip_space (b);
            if (*b->p == ',')
              {
                b->p++;
                skip_space (b);
              }
          }
        b->p++;
        value.type = is_object ? DK_JSON_DOC_OBJECT : DK_JSON_DOC_ARRAY;
        value.count = count;
      }
      break;
    case '"':
      value.type = DK_JSON_DOC_STRING;
      value.string = read_string (b, &value.length);
      break;
    case 't':
      value.type = DK_JSON_DOC_TRUE;
      b->p += 4;
      break;
    case 'f':
      value.type = DK_JSON_DOC_FALSE;
      b->p += 5;
      break;
    case 'n':
      value.type = DK_JSON_DOC_NULL;
      b->p += 4;
      break;
    default:
      read_number (b, &value);
      break;
    }

  value.end = b->values->len;
  value.stop = (guint32) (b->p - b->data);
  g_array_index (b->values, DkJsonDocValue, index) = value;
}

/**
 * dk_json_doc_parse:
 * @bytes: the document
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the document, or %NULL with DK_ERROR_INVALID
 */
DkJsonDoc *
dk_json_doc_parse (GBytes  *bytes,
                   GError **error)
{
  g_autoptr(DkJsonDoc) doc = NULL;
  const char *data;
  gsize length = 0;
  Builder b;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &length);
  if (length == 0)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID, _("malformed JSON: no data"));
      return NULL;
    }
  if (length >= G_MAXUINT32)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("malformed JSON: the text is too large"));
      return NULL;
    }
  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("malformed JSON: the text is not UTF-8"));
      return NULL;
    }
  if (!_dk_json_check_syntax (data, length, error))
    return NULL;

  doc = g_new0 (DkJsonDoc, 1);
  doc->bytes = g_bytes_ref (bytes);
  /* A string never grows when unescaped, and its quotes leave room for the NUL. */
  doc->strings = g_malloc (length + 1);
  /* About one value for every 24 bytes of a page of cases (48 bytes each). */
  doc->values = g_array_sized_new (FALSE, FALSE, sizeof (DkJsonDocValue), length / 24 + 16);

  /* Checked whole above: every container closes and every string ends before b.end. */
  b.data = data;
  b.p = data;
  b.end = data + length;
  b.out = doc->strings;
  b.values = doc->values;
  read_value (&b, NULL);

  return g_steal_pointer (&doc);
}

void
dk_json_doc_free (DkJsonDoc *doc)
{
  if (doc == NULL)
    return;

  g_clear_pointer (&doc->bytes, g_bytes_unref);
  g_clear_pointer (&doc->values, g_array_unref);
  g_free (doc->strings);
  g_free (doc);
}

guint
dk_json_doc_get_n_values (DkJsonDoc *doc)
{
  g_return_val_if_fail (doc != NULL, 0);

  return doc->values->len;
}

const DkJsonDocValue *
dk_json_doc_get (DkJsonDoc *doc,
                 guint      index)
{
  g_return_val_if_fail (doc != NULL, NULL);
  g_return_val_if_fail (index < doc->values->len, NULL);

  return &g_array_index (doc->values, DkJsonDocValue, index);
}

guint
dk_json_doc_member (DkJsonDoc  *doc,
                    guint       object,
                    const char *name)
{
  const DkJsonDocValue *values;
  guint found = DK_JSON_DOC_NONE;

  g_return_val_if_fail (doc != NULL, DK_JSON_DOC_NONE);
  g_return_val_if_fail (name != NULL, DK_JSON_DOC_NONE);

  if (object >= doc->values->len)
    return DK_JSON_DOC_NONE;
  values = (const DkJsonDocValue *) doc->values->data;
  if (values[object].type != DK_JSON_DOC_OBJECT)
    return DK_JSON_DOC_NONE;

  for (guint i = object + 1; i < values[object].end; i = values[i].end)
    {
      if (strcmp (values[i].key, name) == 0)
        found = i;
    }

  return found;
}

const char *
dk_json_doc_string (DkJsonDoc  *doc,
                    guint       object,
                    const char *name)
{
  guint index = dk_json_doc_member (doc, object, name);
  const DkJsonDocValue *value;

  if (index == DK_JSON_DOC_NONE)
    return NULL;
  value = dk_json_doc_get (doc, index);

  return value->type == DK_JSON_DOC_STRING ? value->string : NULL;
}

const char *
dk_json_doc_text (DkJsonDoc *doc,
                  guint      index,
                  gsize     *length)
{
  const DkJsonDocValue *value = dk_json_doc_get (doc, index);
  const char *data = g_bytes_get_data (doc->bytes, NULL);

  g_return_val_if_fail (value != NULL, NULL);

  if (length != NULL)
    *length = value->stop - value->start;
  return data + value->start;
}
