/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-core-json-doc.c: the read-only JSON document that pages of changes are read into */

#define G_LOG_DOMAIN "test-core-json-doc"

#include "config.h"

#include <string.h>

#include "dk-core.h"

static DkJsonDoc *
parse (const char  *text,
       gsize        length,
       GError     **error)
{
  /* A copy without a NUL after it, as a body from the network may be. */
  g_autoptr(GBytes) bytes = g_bytes_new (text, length);

  return dk_json_doc_parse (bytes, error);
}

static void
test_reads_a_page (void)
{
  static const char text[] =
    "{\"changes\": [{\"seq\": 12, \"type\": \"case\", \"deleted\": false,"
    " \"data\": {\"id\": \"a\", \"title\": \"\\u00c5tg\\u00e4rd \\\"nu\\\"\\n\","
    " \"services\": [\"tes\", \"dips\"], \"priority\": -3, \"share\": 0.25e1,"
    " \"emoji\": \"\\ud83d\\ude00\", \"none\": null}},"
    " {\"seq\": 13, \"deleted\": true, \"data\": null}],"
    " \"last_seq\": 13, \"more\": true, \"last_seq\": 14}";
  g_autoptr(GError) error = NULL;
  g_autoptr(DkJsonDoc) doc = parse (text, strlen (text), &error);
  const DkJsonDocValue *changes;
  const DkJsonDocValue *value;
  guint first, second, data, services;
  const char *raw;
  gsize length;

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  g_assert_cmpint (dk_json_doc_get (doc, 0)->type, ==, DK_JSON_DOC_OBJECT);
  g_assert_cmpuint (dk_json_doc_get (doc, 0)->count, ==, 4);
  g_assert_cmpuint (dk_json_doc_get (doc, 0)->end, ==, dk_json_doc_get_n_values (doc));

  /* A name given twice reads as its last value, as json-glib reads it. */
  value = dk_json_doc_get (doc, dk_json_doc_member (doc, 0, "last_seq"));
  g_assert_cmpint (value->type, ==, DK_JSON_DOC_INT);
  g_assert_cmpint (value->v.integer, ==, 14);
  g_assert_cmpint (dk_json_doc_get (doc, dk_json_doc_member (doc, 0, "more"))->type, ==,
                   DK_JSON_DOC_TRUE);
  g_assert_cmpuint (dk_json_doc_member (doc, 0, "absent"), ==, DK_JSON_DOC_NONE);

  changes = dk_json_doc_get (doc, dk_json_doc_member (doc, 0, "changes"));
  g_assert_cmpint (changes->type, ==, DK_JSON_DOC_ARRAY);
  g_assert_cmpuint (changes->count, ==, 2);
  first = dk_json_doc_member (doc, 0, "changes") + 1;
  second = dk_json_doc_get (doc, first)->end;
  g_assert_cmpuint (dk_json_doc_get (doc, second)->end, ==, changes->end);
  g_assert_cmpint (dk_json_doc_get (doc, dk_json_doc_member (doc, second, "data"))->type, ==,
                   DK_JSON_DOC_NULL);

  data = dk_json_doc_member (doc, first, "data");
  g_assert_cmpstr (dk_json_doc_string (doc, data, "title"), ==, "Åtgärd \"nu\"\n");
  g_assert_cmpstr (dk_json_doc_string (doc, data, "emoji"), ==, "😀");
  g_assert_null (dk_json_doc_string (doc, data, "priority"));
  g_assert_null (dk_json_doc_string (doc, data, "none"));
  g_assert_cmpint (dk_json_doc_get (doc, dk_json_doc_member (doc, data, "priority"))->v.integer,
                   ==, -3);
  value = dk_json_doc_get (doc, dk_json_doc_member (doc, data, "share"));
  g_assert_cmpint (value->type, ==, DK_JSON_DOC_DOUBLE);
  g_assert_cmpfloat (value->v.number, ==, 2.5);
  services = dk_json_doc_member (doc, data, "services");
  g_assert_cmpuint (dk_json_doc_get (doc, services)->count, ==, 2);
  g_assert_cmpstr (dk_json_doc_get (doc, services + 2)->string, ==, "dips");
  g_assert_cmpstr (dk_json_doc_get (doc, services + 2)->key, ==, NULL);
  /* Not an object: no members. */
  g_assert_cmpuint (dk_json_doc_member (doc, services, "tes"), ==, DK_JSON_DOC_NONE);

  /* The object's text is what was sent, to the byte. */
  raw = dk_json_doc_text (doc, data, &length);
  g_assert_true (g_str_has_prefix (raw, "{\"id\": \"a\""));
  g_assert_cmpint (raw[length - 1], ==, '}');
  g_assert_cmpint (raw[length], ==, '}');
}

static void
test_reads_a_bare_number (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkJsonDoc) doc = parse ("-9223372036854775808", 20, &error);

  g_assert_no_error (error);
  g_assert_cmpint (dk_json_doc_get (doc, 0)->type, ==, DK_JSON_DOC_INT);
  g_assert_cmpint (dk_json_doc_get (doc, 0)->v.integer, ==, G_MININT64);
}

static void
test_refuses_bad_documents (void)
{
  static const char * const bad[] = {
    "", "{", "{\"a\": 1,}", "{'a': 1}", "[1 2]", "\"\\u0000\"", "\"\\ud800\"",
    "99999999999999999999", "{\"a\": 1} x", "[\"\xff\"]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DkJsonDoc) doc = parse (bad[i], strlen (bad[i]), &error);

      g_assert_null (doc);
      g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "malformed JSON"));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/json-doc/reads-a-page", test_reads_a_page);
  g_test_add_func ("/core/json-doc/reads-a-bare-number", test_reads_a_bare_number);
  g_test_add_func ("/core/json-doc/refuses-bad-documents", test_refuses_bad_documents);

  return g_test_run ();
}
