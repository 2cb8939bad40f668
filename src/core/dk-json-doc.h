/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-json-doc.h: a read-only JSON document in two allocations, for large pages of changes
 *
 * json-glib builds a hash table per object and copies every string and member name; for
 * a page of a thousand cases that is most of a first sync's time. A DkJsonDoc keeps the
 * values in one array (each value followed by its members or elements, in order) and
 * the unescaped strings in one buffer, and remembers where each value's text is in the
 * document, so an object can be stored as the very text the server sent.
 *
 * Values are numbered; 0 is the root. A member or element of the container at index i
 * starts at i + 1; the next one starts at the previous one's "end".
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  DK_JSON_DOC_NULL,
  DK_JSON_DOC_FALSE,
  DK_JSON_DOC_TRUE,
  DK_JSON_DOC_INT,
  DK_JSON_DOC_DOUBLE,
  DK_JSON_DOC_STRING,
  DK_JSON_DOC_ARRAY,
  DK_JSON_DOC_OBJECT,
} DkJsonDocType;

/* No value has this index: what the lookups return for "none". */
#define DK_JSON_DOC_NONE 0

typedef struct {
  DkJsonDocType  type;
  guint          end;        /* the index after this value and everything in it */
  guint          count;      /* ARRAY, OBJECT: elements or members */
  guint32        length;     /* STRING: bytes */
  const char    *key;        /* a member's name (unescaped), NULL elsewhere */
  const char    *string;     /* STRING: unescaped, NUL-terminated, valid UTF-8 */
  union {
    gint64       integer;    /* INT */
    double       number;     /* DOUBLE */
  } v;
  guint32        start;      /* the value's text: data[start, stop) (a document is */
  guint32        stop;       /* under 4 GiB: dk_json_doc_parse () refuses more) */
} DkJsonDocValue;

typedef struct _DkJsonDoc DkJsonDoc;

/* Parses @data strictly (RFC 8259, UTF-8, as dk_json_parse () checks it); the document
 * keeps a reference to @bytes. DK_ERROR_INVALID names the line and the problem. */
DkJsonDoc            *dk_json_doc_parse       (GBytes           *bytes,
                                               GError          **error);
void                  dk_json_doc_free        (DkJsonDoc        *doc);
guint                 dk_json_doc_get_n_values (DkJsonDoc       *doc);
/* (transfer none): the value at @index (< dk_json_doc_get_n_values ()) */
const DkJsonDocValue *dk_json_doc_get         (DkJsonDoc        *doc,
                                               guint             index);
/* The member @name of the object at @object (the last one of that name, as json-glib
 * reads it), or DK_JSON_DOC_NONE when absent or when @object is not an object. */
guint                 dk_json_doc_member      (DkJsonDoc        *doc,
                                               guint             object,
                                               const char       *name);
/* The member's string, or NULL when absent or not a string. */
const char           *dk_json_doc_string      (DkJsonDoc        *doc,
                                               guint             object,
                                               const char       *name);
/* The value's text in the document, not NUL-terminated. */
const char           *dk_json_doc_text        (DkJsonDoc        *doc,
                                               guint             index,
                                               gsize            *length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkJsonDoc, dk_json_doc_free)

G_END_DECLS
