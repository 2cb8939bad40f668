/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-core-codec.c: the JSON readers and the wire codec of every type, good and bad input */

#include "config.h"

#include <string.h>

#include "dk-core.h"

#define CASE_ID   "0b6c1f4e-8a3d-4c56-9e7f-2d1a5b8c9e0f"
#define UPDATE_ID "5f0e2a9c-1b7d-4e3f-8a6c-9d2b4e1f7a30"
#define NOW       G_GINT64_CONSTANT (1795529100) /* 2026-11-24T14:05:00Z */

/* ---- helpers ---- */

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = dk_json_parse (json, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static char *
case_json (const DkCase *kase)
{
  g_autoptr(JsonNode) node = dk_case_to_json (kase);

  return dk_json_to_string (node);
}

static void
assert_strv_equal (const GPtrArray *a,
                   const GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

static void
assert_cases_equal (const DkCase *a,
                    const DkCase *b)
{
  g_assert_cmpstr (a->id, ==, b->id);
  g_assert_cmpstr (a->number, ==, b->number);
  g_assert_cmpint (a->kind, ==, b->kind);
  g_assert_cmpint (a->area, ==, b->area);
  g_assert_cmpstr (a->title, ==, b->title);
  g_assert_cmpstr (a->description, ==, b->description);
  g_assert_cmpstr (a->scope, ==, b->scope);
  assert_strv_equal (a->services, b->services);
  g_assert_cmpint (a->status, ==, b->status);
  g_assert_cmpint (a->priority, ==, b->priority);
  g_assert_cmpint (a->major, ==, b->major);
  g_assert_cmpint (a->public, ==, b->public);
  g_assert_cmpstr (a->external_ref, ==, b->external_ref);
  g_assert_cmpint (a->start, ==, b->start);
  g_assert_cmpint (a->expected_end, ==, b->expected_end);
  g_assert_cmpint (a->closed_at, ==, b->closed_at);
  g_assert_cmpuint (a->updates->len, ==, b->updates->len);
  for (guint i = 0; i < a->updates->len; i++)
    {
      const DkCaseUpdate *ua = g_ptr_array_index (a->updates, i);
      const DkCaseUpdate *ub = g_ptr_array_index (b->updates, i);

      g_assert_cmpstr (ua->id, ==, ub->id);
      g_assert_cmpint (ua->at, ==, ub->at);
      g_assert_cmpint (ua->phrase, ==, ub->phrase);
      g_assert_cmpstr (ua->text, ==, ub->text);
      g_assert_cmpstr (ua->author, ==, ub->author);
    }
  g_assert_cmpuint (a->follow_ups->len, ==, b->follow_ups->len);
  for (guint i = 0; i < a->follow_ups->len; i++)
    {
      const DkCaseFollowUp *fa = g_ptr_array_index (a->follow_ups, i);
      const DkCaseFollowUp *fb = g_ptr_array_index (b->follow_ups, i);

      g_assert_cmpstr (fa->id, ==, fb->id);
      g_assert_cmpint (fa->at, ==, fb->at);
      g_assert_cmpstr (fa->text, ==, fb->text);
      g_assert_cmpstr (fa->author, ==, fb->author);
    }
  g_assert_cmpuint (a->affected->len, ==, b->affected->len);
  for (guint i = 0; i < a->affected->len; i++)
    {
      const DkCaseAffected *fa = g_ptr_array_index (a->affected, i);
      const DkCaseAffected *fb = g_ptr_array_index (b->affected, i);

      g_assert_cmpstr (fa->unit, ==, fb->unit);
      g_assert_cmpint (fa->at, ==, fb->at);
      g_assert_cmpstr (fa->by, ==, fb->by);
    }
  g_assert_cmpuint (a->reserve->len, ==, b->reserve->len);
  for (guint i = 0; i < a->reserve->len; i++)
    {
      const DkCaseReserveEvent *ra = g_ptr_array_index (a->reserve, i);
      const DkCaseReserveEvent *rb = g_ptr_array_index (b->reserve, i);

      g_assert_cmpstr (ra->id, ==, rb->id);
      g_assert_cmpint (ra->at, ==, rb->at);
      g_assert_cmpint (ra->declared, ==, rb->declared);
      g_assert_cmpint (ra->all_units, ==, rb->all_units);
      assert_strv_equal (ra->units, rb->units);
      g_assert_cmpstr (ra->author, ==, rb->author);
      g_assert_cmpstr (ra->text, ==, rb->text);
    }
  assert_strv_equal (a->reports, b->reports);
  g_assert_cmpstr (a->publisher, ==, b->publisher);
  g_assert_cmpint (a->created_at, ==, b->created_at);
  g_assert_cmpint (a->revision, ==, b->revision);
}

/* A closed planned case with every field set and every phrase used. */
static DkCase *
make_full_case (void)
{
  DkCase *kase = dk_case_new ();

  kase->id = g_strdup (CASE_ID);
  kase->number = g_strdup ("DK-1042");
  kase->kind = DK_CASE_KIND_PLANNED;
  kase->area = DK_AREA_LAB_MEDICINE;
  kase->title = g_strdup ("Planerad åtgärd i Klinisk kemi – byte av server");
  kase->description = g_strdup ("Första raden.\n\tIndragen rad med \"citat\" och \\ snedstreck.\n"
                                "Ærlig talt: øl, å, ü, 日本, emoji 🚑.");
  kase->scope = g_strdup ("Berör samtliga vårdenheter i Lund");
  g_ptr_array_add (kase->services, g_strdup ("klinisk-kemi"));
  g_ptr_array_add (kase->services, g_strdup ("Intelligent Väntrum"));
  kase->status = DK_CASE_STATUS_CLOSED;
  kase->priority = 2;
  kase->major = TRUE;
  kase->public = TRUE;
  kase->external_ref = g_strdup ("CHG0001234");
  kase->start = NOW - 3600;
  kase->expected_end = NOW + 7200;
  kase->closed_at = NOW + 3600;
  for (guint i = 0; i <= DK_UPDATE_PHRASE_LAST; i++)
    {
      DkCaseUpdate *update = dk_case_update_new ();

      update->id = g_strdup_printf ("5f0e2a9c-1b7d-4e3f-8a6c-9d2b4e1f7a3%u", i);
      update->at = NOW + i * 60;
      update->phrase = i;
      update->text = g_strdup_printf ("Uppdatering %u:\nDetaljer.", i);
      update->author = g_strdup ("servicedesk.anna");
      g_ptr_array_add (kase->updates, update);
    }
  {
    DkCaseFollowUp *follow_up = dk_case_follow_up_new ();

    follow_up->id = g_strdup ("f1");
    follow_up->at = NOW + 86400;
    follow_up->text = g_strdup ("Utvärdering med parterna.\nLärdomar: fler reservdatorer.");
    follow_up->author = g_strdup ("rs.kommunikator");
    g_ptr_array_add (kase->follow_ups, follow_up);
  }
  {
    DkCaseAffected *affected = dk_case_affected_new ();

    affected->unit = g_strdup ("Avd 12, Lund");
    affected->at = NOW + 120;
    affected->by = g_strdup ("staff.karin");
    g_ptr_array_add (kase->affected, affected);
  }
  {
    DkCaseReserveEvent *declared = dk_case_reserve_event_new ();
    DkCaseReserveEvent *lifted = dk_case_reserve_event_new ();

    declared->id = g_strdup ("7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    declared->at = NOW + 300;
    declared->declared = TRUE;
    g_ptr_array_add (declared->units, g_strdup ("Avd 12, Lund"));
    g_ptr_array_add (declared->units, g_strdup ("Akutmottagningen"));
    declared->author = g_strdup ("lab.kommunikator");
    declared->text = g_strdup ("Övergång till reservrutin i delar av verksamheterna.");
    g_ptr_array_add (kase->reserve, declared);
    lifted->id = g_strdup ("8b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e");
    lifted->at = NOW + 900;
    lifted->all_units = FALSE;
    lifted->author = g_strdup ("lab.kommunikator");
    g_ptr_array_add (kase->reserve, lifted);
  }
  g_ptr_array_add (kase->reports, g_strdup ("9c3d4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e6f"));
  kase->publisher = g_strdup ("release.coordinator");
  kase->created_at = NOW - 8 * 86400;
  kase->revision = 17;
  return kase;
}

/* A valid case as JSON text with one member replaced by @value (raw JSON), or removed
 * when @value is NULL. */
static JsonNode *
case_node_with (const char *member,
                const char *value)
{
  g_autoptr(DkCase) kase = make_full_case ();
  JsonNode *node = dk_case_to_json (kase);
  JsonObject *object = json_node_get_object (node);

  if (value == NULL)
    json_object_remove_member (object, member);
  else
    json_object_set_member (object, member, parse (value));
  return node;
}

/* Decodes a case with @member set to @value and checks the error message. */
static void
assert_case_member_refused (const char *member,
                            const char *value,
                            const char *message)
{
  g_autoptr(JsonNode) node = case_node_with (member, value);
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = dk_case_from_json (node, &error);

  if (kase != NULL)
    g_error ("%s = %s was accepted", member, value);
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  if (g_strcmp0 (error->message, message) != 0)
    g_error ("%s = %s: expected “%s”, got “%s”", member, value, message, error->message);
}

static DkCase *
assert_case_member_accepted (const char *member,
                             const char *value)
{
  g_autoptr(JsonNode) node = case_node_with (member, value);
  g_autoptr(GError) error = NULL;
  DkCase *kase = dk_case_from_json (node, &error);

  if (kase == NULL)
    g_error ("%s = %s was refused: %s", member, value, error->message);
  return kase;
}

/* A JSON string literal of @n copies of @unit. */
static char *
json_string_of (const char *unit,
                guint       n)
{
  GString *s = g_string_new ("\"");

  for (guint i = 0; i < n; i++)
    g_string_append (s, unit);
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

/* A JSON array of @n string items. */
static char *
json_array_of_strings (guint n)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s\"s%u\"", i ? "," : "", i);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

/* ---- dk_json_parse ---- */

static void
test_json_parse_accepts_documents (void)
{
  g_autoptr(JsonNode) object = parse ("{\"a\": [1, 2.5, true, null, \"å\"]}");
  g_autoptr(JsonNode) array = parse (" [ ] ");
  g_autoptr(JsonNode) number = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (object));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (array));

  /* A length that stops before the NUL terminator. */
  number = dk_json_parse ("{}garbage", 2, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (number));
}

static void
test_json_parse_rejects_bad_documents (void)
{
  static const struct {
    const char *data;
    gssize      length;
  } bad[] = {
    { "", -1 },
    { "{}", 0 },
    { "   ", -1 },
    { "{", -1 },
    { "{\"a\": }", -1 },
    { "{\"a\": 1} x", -1 },
    { "{'a': 1}", -1 },
    { "var a = {}", -1 },
    { "{\"a\": \"\xff\"}", -1 },
    { "{\"a\": \"\xc3\"}", -1 },
    { "{\"a\": \"x\"}\0{}", 13 },
    /* json-glib takes these; the strict check before it does not. */
    { "/* comment */ {}", -1 },
    { "{} // comment", -1 },
    { "{\"a\": 01}", -1 },
    { "[0x10]", -1 },
    { "[.5]", -1 },
    { "[1.]", -1 },
    { "[-]", -1 },
    { "[99999999999999999999]", -1 },
    { "[9223372036854775808]", -1 },
    { "[-9223372036854775809]", -1 },
    { "[\"x\\u0000y\"]", -1 },
    { "[\"\\udc00\"]", -1 },
    { "[\"\\ud800x\"]", -1 },
    { "[\"\\u12\"]", -1 },
    { "[\"\\x41\"]", -1 },
    { "[\"a\tb\"]", -1 },
    { "[\"a\nb\"]", -1 },
    { "[1,]", -1 },
    { "{\"a\": 1,}", -1 },
    { "{a: 1}", -1 },
    { "[True]", -1 },
    { "[nul]", -1 },
    { "[\"unterminated]", -1 },
  };

  g_assert_null (dk_json_parse (NULL, -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = dk_json_parse (bad[i].data, bad[i].length, &error);

      if (node != NULL)
        g_error ("bad document %u was accepted", i);
      g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "malformed JSON"));
    }
}

static void
test_json_parse_is_strict_but_complete (void)
{
  static const char *good[] = {
    "[-9223372036854775808, 9223372036854775807, 0, -0, 1.5e-3, 2E+10, 1e400]",
    "[\"\\ud83d\\ude91 \\u00e5 \\\" \\\\ \\/ \\b \\f \\n \\r \\t\"]",
    " \r\n\t{ \"a\" : [ true , false , null , { } , [ ] ] } \n",
    "\"just a string\"",
    "0",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) deep_ok = NULL;
  g_autoptr(JsonNode) deep_bad = NULL;
  g_autoptr(JsonNode) lines = NULL;
  g_autofree char *deep64 = NULL;
  g_autofree char *deep65 = NULL;
  g_autofree char *huge = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(JsonNode) node = dk_json_parse (good[i], -1, &error);

      if (node == NULL)
        g_error ("“%s” was refused: %s", good[i], error->message);
    }

  deep64 = g_strnfill (128, ']');
  memset (deep64, '[', 64);
  deep_ok = dk_json_parse (deep64, -1, &error);
  g_assert_no_error (error);
  deep65 = g_strnfill (130, ']');
  memset (deep65, '[', 65);
  deep_bad = dk_json_parse (deep65, -1, &error);
  g_assert_null (deep_bad);
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_clear_error (&error);

  /* A deeply nested body must not exhaust the stack. */
  huge = g_strnfill (500000, '[');
  g_assert_null (dk_json_parse (huge, -1, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_clear_error (&error);

  lines = dk_json_parse ("{\n  \"a\": 1,\n  \"b\": 01\n}", -1, &error);
  g_assert_null (lines);
  g_assert_true (g_str_has_prefix (error->message, "malformed JSON at line 3: "));
}

static void
test_json_expect_object_names_what (void)
{
  g_autoptr(JsonNode) array = parse ("[]");
  g_autoptr(JsonNode) object = parse ("{}");
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (dk_json_expect_object (object, "body", &error));
  g_assert_null (dk_json_expect_object (array, "body", &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "body: must be an object");
  g_clear_error (&error);
  g_assert_null (dk_json_expect_object (NULL, "data", &error));
  g_assert_cmpstr (error->message, ==, "data: must be an object");
}

static void
test_json_to_string_is_compact (void)
{
  g_autoptr(JsonNode) node = parse ("{ \"a\" : [ 1 , \"å\" ] }");
  g_autofree char *text = dk_json_to_string (node);

  g_assert_cmpstr (text, ==, "{\"a\":[1,\"å\"]}");
}

/* ---- readers ---- */

static void
test_json_read_string_flags (void)
{
  g_autoptr(JsonNode) node = parse ("{\"s\": \"å ä ö\", \"n\": null, \"blank\": \" \\t \","
                                    " \"ml\": \"a\\nb\", \"num\": 5}");
  JsonObject *object = json_node_get_object (node);
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_assert_true (dk_json_read_string (object, "s", DK_JSON_REQUIRED, 5, &out, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, "å ä ö");
  g_clear_pointer (&out, g_free);

  g_assert_false (dk_json_read_string (object, "s", 0, 4, &out, &error));
  g_assert_cmpstr (error->message, ==, "s: must be at most 4 characters");
  g_clear_error (&error);

  /* Absent: untouched unless required. */
  out = (char *) "default";
  g_assert_true (dk_json_read_string (object, "absent", 0, 10, &out, &error));
  g_assert_cmpstr (out, ==, "default");
  out = NULL;
  g_assert_false (dk_json_read_string (object, "absent", DK_JSON_REQUIRED, 10, &out, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "absent: is required");
  g_clear_error (&error);

  /* Null: only when nullable, and then NULL. */
  g_assert_false (dk_json_read_string (object, "n", 0, 10, &out, &error));
  g_assert_cmpstr (error->message, ==, "n: must not be null");
  g_clear_error (&error);
  out = (char *) "default";
  g_assert_true (dk_json_read_string (object, "n", DK_JSON_NULLABLE, 10, &out, &error));
  g_assert_null (out);

  /* Non-empty means something besides white space. */
  g_assert_false (dk_json_read_string (object, "blank", DK_JSON_NONEMPTY | DK_JSON_MULTILINE,
                                       10, &out, &error));
  g_assert_cmpstr (error->message, ==, "blank: must not be empty");
  g_clear_error (&error);

  g_assert_false (dk_json_read_string (object, "ml", 0, 10, &out, &error));
  g_assert_cmpstr (error->message, ==, "ml: must not contain control characters");
  g_clear_error (&error);
  g_assert_true (dk_json_read_string (object, "ml", DK_JSON_MULTILINE, 10, &out, &error));
  g_assert_cmpstr (out, ==, "a\nb");
  g_clear_pointer (&out, g_free);

  g_assert_false (dk_json_read_string (object, "num", 0, 10, &out, &error));
  g_assert_cmpstr (error->message, ==, "num: must be a string");
}

static void
test_json_read_int_bool_time (void)
{
  g_autoptr(JsonNode) node = parse ("{\"i\": 3, \"d\": 3.0, \"s\": \"3\", \"b\": true,"
                                    " \"big\": -9223372036854775808, \"t\": \"2026-11-24T14:05:00Z\","
                                    " \"bad\": \"2026-11-24\", \"n\": null}");
  JsonObject *object = json_node_get_object (node);
  g_autoptr(GError) error = NULL;
  gint64 i = 0, t = 0;
  gboolean b = FALSE;

  g_assert_true (dk_json_read_int (object, "i", DK_JSON_REQUIRED, 1, 5, &i, &error));
  g_assert_cmpint (i, ==, 3);
  g_assert_false (dk_json_read_int (object, "i", 0, 4, 5, &i, &error));
  g_assert_cmpstr (error->message, ==, "i: must be between 4 and 5");
  g_clear_error (&error);
  g_assert_false (dk_json_read_int (object, "d", 0, 1, 5, &i, &error));
  g_assert_cmpstr (error->message, ==, "d: must be an integer");
  g_clear_error (&error);
  g_assert_false (dk_json_read_int (object, "s", 0, 1, 5, &i, &error));
  g_clear_error (&error);
  g_assert_false (dk_json_read_int (object, "b", 0, 0, 5, &i, &error));
  g_clear_error (&error);
  g_assert_true (dk_json_read_int (object, "big", 0, G_MININT64, 0, &i, &error));
  g_assert_cmpint (i, ==, G_MININT64);

  g_assert_true (dk_json_read_bool (object, "b", 0, &b, &error));
  g_assert_true (b);
  g_assert_false (dk_json_read_bool (object, "i", 0, &b, &error));
  g_assert_cmpstr (error->message, ==, "i: must be true or false");
  g_clear_error (&error);

  g_assert_true (dk_json_read_time (object, "t", 0, &t, &error));
  g_assert_cmpint (t, ==, NOW);
  g_assert_false (dk_json_read_time (object, "bad", 0, &t, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "bad: must be an RFC 3339 time"));
  g_clear_error (&error);
  g_assert_false (dk_json_read_time (object, "i", 0, &t, &error));
  g_clear_error (&error);
  g_assert_true (dk_json_read_time (object, "n", DK_JSON_NULLABLE, &t, &error));
  g_assert_cmpint (t, ==, DK_TIME_UNSET);
  g_assert_false (dk_json_read_time (object, "n", 0, &t, &error));
  g_clear_error (&error);
}

static void
test_json_read_arrays_and_objects (void)
{
  g_autoptr(JsonNode) node = parse ("{\"a\": [\"x\", \"yy\"], \"mixed\": [\"x\", 1],"
                                    " \"long\": [\"x\", \"toolong\"], \"o\": {\"k\": 1},"
                                    " \"n\": null}");
  JsonObject *object = json_node_get_object (node);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) strings = NULL;
  JsonObject *inner = NULL;
  JsonArray *array = NULL;

  g_assert_true (dk_json_read_string_array (object, "a", 0, 2, 2, &strings, &error));
  g_assert_cmpuint (strings->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (strings, 1), ==, "yy");
  g_assert_false (dk_json_read_string_array (object, "a", 0, 1, 2, &strings, &error));
  g_assert_cmpstr (error->message, ==, "a: must have at most 1 item");
  g_clear_error (&error);
  g_assert_false (dk_json_read_string_array (object, "mixed", 0, 5, 5, &strings, &error));
  g_assert_cmpstr (error->message, ==, "mixed[1]: must be a string");
  g_clear_error (&error);
  g_assert_false (dk_json_read_string_array (object, "long", 0, 5, 5, &strings, &error));
  g_assert_cmpstr (error->message, ==, "long[1]: must be at most 5 characters");
  g_clear_error (&error);
  g_assert_false (dk_json_read_string_array (object, "o", 0, 5, 5, &strings, &error));
  g_assert_cmpstr (error->message, ==, "o: must be an array");
  g_clear_error (&error);

  g_assert_true (dk_json_read_object (object, "o", DK_JSON_REQUIRED, &inner, &error));
  g_assert_true (json_object_has_member (inner, "k"));
  g_assert_true (dk_json_read_object (object, "n", DK_JSON_NULLABLE, &inner, &error));
  g_assert_null (inner);
  g_assert_false (dk_json_read_object (object, "a", 0, &inner, &error));
  g_assert_cmpstr (error->message, ==, "a: must be an object");
  g_clear_error (&error);

  g_assert_true (dk_json_read_array (object, "a", 0, 10, &array, &error));
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_true (dk_json_read_array (object, "absent", 0, 10, &array, &error));
  g_assert_null (array);
  g_assert_false (dk_json_read_array (object, "absent", DK_JSON_REQUIRED, 10, &array, &error));
  g_assert_cmpstr (error->message, ==, "absent: is required");
}

static void
test_json_text_is_clean (void)
{
  g_assert_true (dk_text_is_clean (NULL, FALSE));
  g_assert_true (dk_text_is_clean ("", FALSE));
  g_assert_true (dk_text_is_clean ("Störning åtgärdad – ø æ 🚑 \u00a0", FALSE));
  g_assert_false (dk_text_is_clean ("a\nb", FALSE));
  g_assert_true (dk_text_is_clean ("a\nb\tc", TRUE));
  g_assert_false (dk_text_is_clean ("a\rb", TRUE));
  g_assert_false (dk_text_is_clean ("a\x01" "b", TRUE));
  g_assert_false (dk_text_is_clean ("a\x1b[31mb", TRUE));
  g_assert_false (dk_text_is_clean ("a\x7f" "b", TRUE));
  g_assert_false (dk_text_is_clean ("a\xc2\x80" "b", TRUE));   /* U+0080 */
  g_assert_false (dk_text_is_clean ("a\xc2\x85" "b", TRUE));   /* U+0085 NEL */
  g_assert_false (dk_text_is_clean ("a\xc2\x9f" "b", TRUE));   /* U+009F */
  g_assert_true (dk_text_is_clean ("a\xc2\xa0" "b", TRUE));    /* U+00A0 */
  g_assert_false (dk_text_is_clean ("a\xff" "b", TRUE));
  g_assert_false (dk_text_is_clean ("a\xc3", TRUE));
}

static void
test_json_is_uuid (void)
{
  g_assert_true (dk_is_uuid (CASE_ID));
  g_assert_true (dk_is_uuid ("00000000-0000-0000-0000-000000000000"));
  g_assert_false (dk_is_uuid (NULL));
  g_assert_false (dk_is_uuid (""));
  g_assert_false (dk_is_uuid ("0B6C1F4E-8A3D-4C56-9E7F-2D1A5B8C9E0F"));
  g_assert_false (dk_is_uuid ("0b6c1f4e8a3d4c569e7f2d1a5b8c9e0f"));
  g_assert_false (dk_is_uuid ("{0b6c1f4e-8a3d-4c56-9e7f-2d1a5b8c9e0f}"));
  g_assert_false (dk_is_uuid ("0b6c1f4e-8a3d-4c56-9e7f-2d1a5b8c9e0"));
  g_assert_false (dk_is_uuid ("0b6c1f4e-8a3d-4c56-9e7f-2d1a5b8c9e0f0"));
  g_assert_false (dk_is_uuid ("0b6c1f4e-8a3d-4c56-9e7f-2d1a5b8c9e0g"));
  g_assert_false (dk_is_uuid ("0b6c1f4e-8a3d-4c569-e7f-2d1a5b8c9e0f"));
  g_assert_false (dk_is_uuid ("0b6c1f4e 8a3d 4c56 9e7f 2d1a5b8c9e0f"));
}

/* ---- cases ---- */

static void
test_case_round_trip_every_field_set (void)
{
  g_autoptr(DkCase) kase = make_full_case ();
  g_autofree char *text = case_json (kase);
  g_autoptr(JsonNode) node = parse (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) back = dk_case_from_json (node, &error);
  g_autofree char *again = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (back);
  assert_cases_equal (kase, back);
  g_assert_true (dk_case_validate (back, &error));
  g_assert_no_error (error);

  again = case_json (back);
  g_assert_cmpstr (again, ==, text);
}

static void
test_case_round_trip_unset_fields (void)
{
  g_autoptr(DkCase) kase = dk_case_new ();
  g_autofree char *text = case_json (kase);
  g_autoptr(JsonNode) node = parse (text);
  JsonObject *object = json_node_get_object (node);
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) back = dk_case_from_json (node, &error);
  static const char *null_members[] = {
    "id", "number", "title", "description", "scope", "external_ref", "start",
    "expected_end", "closed_at", "publisher", "created_at",
  };

  g_assert_no_error (error);
  assert_cases_equal (kase, back);
  for (guint i = 0; i < G_N_ELEMENTS (null_members); i++)
    {
      if (!json_object_has_member (object, null_members[i]))
        g_error ("%s is missing", null_members[i]);
      g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, null_members[i])));
    }
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "services")),
                    ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "updates")),
                    ==, 0);
  g_assert_cmpint (json_object_get_int_member (object, "revision"), ==, 0);
}

static void
test_case_writes_every_wire_field (void)
{
  g_autoptr(DkCase) kase = make_full_case ();
  g_autoptr(JsonNode) node = dk_case_to_json (kase);
  JsonObject *object = json_node_get_object (node);
  JsonObject *update = json_array_get_object_element (
    json_object_get_array_member (object, "updates"), 2);
  static const char *members[] = {
    "id", "number", "kind", "area", "title", "description", "scope", "services", "status",
    "priority", "major", "public", "external_ref", "start", "expected_end", "closed_at",
    "updates", "revision", "follow_ups", "publisher", "created_at", "affected", "reserve",
    "reports",
  };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    g_assert_true (json_object_has_member (object, members[i]));
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "planned");
  g_assert_cmpstr (json_object_get_string_member (object, "area"), ==, "lab_medicine");
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "closed");
  g_assert_cmpstr (json_object_get_string_member (object, "start"), ==, "2026-11-24T13:05:00Z");
  g_assert_cmpint (json_object_get_int_member (object, "priority"), ==, 2);
  g_assert_true (json_object_get_boolean_member (object, "major"));
  g_assert_cmpstr (json_object_get_string_member (update, "phrase"), ==, "fix_deploying");
  g_assert_cmpstr (json_object_get_string_member (update, "at"), ==, "2026-11-24T14:07:00Z");
  g_assert_cmpstr (json_object_get_string_member (update, "author"), ==, "servicedesk.anna");
  g_assert_true (json_object_has_member (update, "id"));
  g_assert_true (json_object_has_member (update, "text"));

  {
    JsonObject *affected = json_array_get_object_element (
      json_object_get_array_member (object, "affected"), 0);
    JsonArray *reserve = json_object_get_array_member (object, "reserve");
    JsonObject *declared = json_array_get_object_element (reserve, 0);
    JsonObject *lifted = json_array_get_object_element (reserve, 1);

    g_assert_cmpstr (json_object_get_string_member (affected, "unit"), ==, "Avd 12, Lund");
    g_assert_cmpstr (json_object_get_string_member (affected, "at"), ==, "2026-11-24T14:07:00Z");
    g_assert_cmpstr (json_object_get_string_member (affected, "by"), ==, "staff.karin");
    g_assert_cmpstr (json_object_get_string_member (declared, "action"), ==, "declared");
    g_assert_false (json_object_get_boolean_member (declared, "all_units"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (declared, "units")),
                      ==, 2);
    g_assert_true (json_object_has_member (declared, "id"));
    g_assert_true (json_object_has_member (declared, "author"));
    g_assert_true (json_object_has_member (declared, "text"));
    g_assert_cmpstr (json_object_get_string_member (lifted, "action"), ==, "lifted");
    g_assert_cmpstr (json_array_get_string_element (
                       json_object_get_array_member (object, "reports"), 0),
                     ==, "9c3d4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e6f");
  }
}

static void
test_case_reads_generated_bench_line (void)
{
  /* The shape shared/bench/gen-cases.py writes: no author, number, publisher. */
  static const char *line =
    "{\"id\": \"7d1f3c2a-9b8e-4f6d-a5c4-3b2a1f0e9d8c\", \"kind\": \"incident\","
    " \"area\": \"it_telephony\", \"title\": \"Störning i TES – långa svarstider\","
    " \"description\": \"Störning åtgärd felsökning pågår.\", \"scope\": \"Berör röntgen i Ystad\","
    " \"services\": [\"TES\", \"Intelligent Väntrum\"], \"status\": \"closed\", \"priority\": 3,"
    " \"major\": false, \"public\": true, \"external_ref\": \"INC0012345\","
    " \"start\": \"2025-03-01T08:00:00Z\", \"expected_end\": null,"
    " \"closed_at\": \"2025-03-01T12:30:00Z\", \"updates\": [{\"id\":"
    " \"1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f\", \"at\": \"2025-03-01T12:30:00Z\","
    " \"phrase\": \"resolved\", \"text\": \"Fungerar normalt.\"}]}";
  g_autoptr(JsonNode) node = parse (line);
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = dk_case_from_json (node, &error);
  DkCaseUpdate *latest;

  g_assert_no_error (error);
  g_assert_true (dk_case_validate (kase, &error));
  g_assert_no_error (error);
  g_assert_null (kase->number);
  g_assert_cmpint (kase->expected_end, ==, DK_TIME_UNSET);
  g_assert_cmpstr (g_ptr_array_index (kase->services, 1), ==, "Intelligent Väntrum");
  latest = dk_case_get_latest_update (kase);
  g_assert_cmpint (latest->phrase, ==, DK_UPDATE_PHRASE_RESOLVED);
  g_assert_null (latest->author);
  g_assert_cmpint (kase->revision, ==, 0);
}

static void
test_case_absent_members_take_defaults (void)
{
  g_autoptr(JsonNode) node = parse ("{\"unknown_member\": {\"x\": [1]}, \"future\": 7}");
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = dk_case_from_json (node, &error);
  g_autoptr(DkCase) fresh = dk_case_new ();

  g_assert_no_error (error);
  assert_cases_equal (kase, fresh);
  /* ... which is not a valid case. */
  g_assert_false (dk_case_validate (kase, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
}

static void
test_case_rejects_non_objects (void)
{
  static const char *docs[] = { "[]", "1", "\"case\"", "null", "true" };

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autoptr(JsonNode) node = parse (docs[i]);
      g_autoptr(GError) error = NULL;

      g_assert_null (dk_case_from_json (node, &error));
      g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
    }
}

static void
test_case_rejects_wrong_types (void)
{
  static const struct {
    const char *member;
    const char *value;
    const char *message;
  } bad[] = {
    { "id", "42", "id: must be a string" },
    { "title", "[\"x\"]", "title: must be a string" },
    { "title", "{}", "title: must be a string" },
    { "title", "true", "title: must be a string" },
    { "kind", "1", "kind: must be a string" },
    { "kind", "null", "kind: must be a string" },
    { "services", "\"tes\"", "services: must be an array" },
    { "services", "null", "services: must not be null" },
    { "services", "[\"tes\", 3]", "services[1]: must be a string" },
    { "services", "[null]", "services[0]: must be a string" },
    { "priority", "\"2\"", "priority: must be an integer" },
    { "priority", "2.0", "priority: must be an integer" },
    { "priority", "null", "priority: must not be null" },
    { "major", "1", "major: must be true or false" },
    { "major", "\"true\"", "major: must be true or false" },
    { "public", "null", "public: must not be null" },
    { "start", "1795529100", "start: must be an RFC 3339 time such as 2026-11-24T14:05:00Z" },
    { "updates", "{}", "updates: must be an array" },
    { "updates", "[1]", "updates[0]: must be an object" },
    { "updates", "[{}, []]", "updates[1]: must be an object" },
    { "updates", "[{\"text\": 5}]", "updates[0].text: must be a string" },
    { "updates", "[{}, {}, {\"at\": true}]",
      "updates[2].at: must be an RFC 3339 time such as 2026-11-24T14:05:00Z" },
    { "follow_ups", "[{\"author\": []}]", "follow_ups[0].author: must be a string" },
    { "revision", "\"1\"", "revision: must be an integer" },
    { "affected", "{}", "affected: must be an array" },
    { "affected", "[\"Avd 12\"]", "affected[0]: must be an object" },
    { "affected", "[{\"unit\": 12}]", "affected[0].unit: must be a string" },
    { "affected", "[{}, {\"by\": []}]", "affected[1].by: must be a string" },
    { "affected", "[{\"at\": \"igår\"}]",
      "affected[0].at: must be an RFC 3339 time such as 2026-11-24T14:05:00Z" },
    { "reserve", "true", "reserve: must be an array" },
    { "reserve", "[{\"action\": true}]", "reserve[0].action: must be a string" },
    { "reserve", "[{\"action\": \"in_force\"}]", "reserve[0].action: unknown action “in_force”" },
    { "reserve", "[{\"all_units\": \"yes\"}]", "reserve[0].all_units: must be true or false" },
    { "reserve", "[{\"units\": \"Avd 12\"}]", "reserve[0].units: must be an array" },
    { "reserve", "[{\"units\": [1]}]", "reserve[0].units[0]: must be a string" },
    { "reserve", "[{\"text\": {}}]", "reserve[0].text: must be a string" },
    { "reports", "\"r1\"", "reports: must be an array" },
    { "reports", "[null]", "reports[0]: must be a string" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_case_member_refused (bad[i].member, bad[i].value, bad[i].message);
}

static void
test_case_rejects_unknown_enum_names (void)
{
  assert_case_member_refused ("kind", "\"Incident\"", "kind: unknown kind “Incident”");
  assert_case_member_refused ("kind", "\"\"", "kind: unknown kind “”");
  assert_case_member_refused ("area", "\"it\"", "area: unknown area “it”");
  assert_case_member_refused ("status", "\"open\"", "status: unknown status “open”");
  assert_case_member_refused ("updates", "[{}, {}, {\"phrase\": \"x\"}]",
                              "updates[2].phrase: unknown phrase “x”");
  /* The bad value is quoted safely: no control characters, not too long. */
  assert_case_member_refused ("kind", "\"a\\u001bb\"", "kind: unknown kind “a\\u001bb”");
  assert_case_member_refused (
    "kind", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
    "kind: unknown kind “aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…”");
}

static void
test_case_rejects_bad_dates (void)
{
  static const char *bad[] = {
    "\"2026-11-24\"", "\"2026-11-24 14:05:00Z\"", "\"2026-02-30T10:00:00Z\"",
    "\"2026-11-24T14:05:00\"", "\"yesterday\"", "\"\"", "\"2026-11-24T25:00:00Z\"",
  };
  static const char *members[] = { "start", "expected_end", "closed_at", "created_at" };

  for (guint m = 0; m < G_N_ELEMENTS (members); m++)
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *message =
          g_strdup_printf ("%s: must be an RFC 3339 time such as 2026-11-24T14:05:00Z",
                           members[m]);

        assert_case_member_refused (members[m], bad[i], message);
      }

  {
    g_autoptr(DkCase) kase = assert_case_member_accepted ("start",
                                                          "\"2026-11-24T15:05:00.5+01:00\"");

    g_assert_cmpint (kase->start, ==, NOW);
  }
}

static void
test_case_rejects_too_long_strings_counting_characters (void)
{
  /* 200 × "å" is 400 bytes but 200 characters: allowed. */
  g_autofree char *title_200 = json_string_of ("å", 200);
  g_autofree char *title_201 = json_string_of ("å", 201);
  g_autofree char *number_201 = json_string_of ("1", 201);
  g_autofree char *text_20000 = json_string_of ("ø", 20000);
  g_autofree char *text_20001 = json_string_of ("a", 20001);
  g_autofree char *services = NULL;
  g_autoptr(DkCase) ok = assert_case_member_accepted ("title", title_200);
  g_autoptr(DkCase) long_text = assert_case_member_accepted ("description", text_20000);

  g_assert_cmpuint (g_utf8_strlen (ok->title, -1), ==, 200);
  g_assert_cmpuint (strlen (ok->title), ==, 400);
  g_assert_cmpuint (g_utf8_strlen (long_text->description, -1), ==, 20000);

  assert_case_member_refused ("title", title_201, "title: must be at most 200 characters");
  assert_case_member_refused ("number", number_201, "number: must be at most 200 characters");
  assert_case_member_refused ("external_ref", number_201,
                              "external_ref: must be at most 200 characters");
  assert_case_member_refused ("description", text_20001,
                              "description: must be at most 20000 characters");
  assert_case_member_refused ("scope", text_20001, "scope: must be at most 20000 characters");

  services = g_strdup_printf ("[\"tes\", %s]", number_201);
  assert_case_member_refused ("services", services, "services[1]: must be at most 200 characters");
}

static void
test_case_rejects_control_characters (void)
{
  g_autoptr(DkCase) multiline = assert_case_member_accepted ("description",
                                                             "\"rad 1\\nrad 2\\tflik\"");

  g_assert_cmpstr (multiline->description, ==, "rad 1\nrad 2\tflik");

  assert_case_member_refused ("title", "\"rad 1\\nrad 2\"",
                              "title: must not contain control characters");
  assert_case_member_refused ("title", "\"flik\\t\"", "title: must not contain control characters");
  assert_case_member_refused ("title", "\"\\u0007\"", "title: must not contain control characters");
  assert_case_member_refused ("title", "\"a\\u007fb\"", "title: must not contain control characters");
  assert_case_member_refused ("title", "\"a\\u0085b\"", "title: must not contain control characters");
  assert_case_member_refused ("description", "\"a\\rb\"",
                              "description: must not contain control characters");
  assert_case_member_refused ("description", "\"a\\u001bb\"",
                              "description: must not contain control characters");
  assert_case_member_refused ("description", "\"a\\u009fb\"",
                              "description: must not contain control characters");
  assert_case_member_refused ("services", "[\"a\\nb\"]",
                              "services[0]: must not contain control characters");
  assert_case_member_refused ("updates", "[{\"text\": \"x\\u0001y\"}]",
                              "updates[0].text: must not contain control characters");
}

static void
test_case_rejects_numbers_out_of_range (void)
{
  g_autoptr(DkCase) one = assert_case_member_accepted ("priority", "1");
  g_autoptr(DkCase) five = assert_case_member_accepted ("priority", "5");
  g_autoptr(DkCase) revision = assert_case_member_accepted ("revision", "9007199254740993");

  g_assert_cmpint (one->priority, ==, 1);
  g_assert_cmpint (five->priority, ==, 5);
  g_assert_cmpint (revision->revision, ==, G_GINT64_CONSTANT (9007199254740993));

  assert_case_member_refused ("priority", "0", "priority: must be between 1 and 5");
  assert_case_member_refused ("priority", "6", "priority: must be between 1 and 5");
  assert_case_member_refused ("priority", "-1", "priority: must be between 1 and 5");
  assert_case_member_refused ("priority", "4294967297", "priority: must be between 1 and 5");
  assert_case_member_refused ("revision", "-1",
                              "revision: must be between 0 and 9223372036854775807");
  assert_case_member_refused ("priority", "1e0", "priority: must be an integer");
}

static void
test_case_rejects_arrays_too_long (void)
{
  g_autofree char *services_200 = json_array_of_strings (200);
  g_autofree char *services_201 = json_array_of_strings (201);
  g_autoptr(DkCase) ok = assert_case_member_accepted ("services", services_200);
  GString *updates = g_string_new ("[");
  g_autofree char *updates_1000 = NULL;
  g_autofree char *updates_1001 = NULL;

  g_assert_cmpuint (ok->services->len, ==, 200);
  assert_case_member_refused ("services", services_201, "services: must have at most 200 items");

  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (updates, "%s{\"phrase\": \"monitoring\"}", i ? "," : "");
  updates_1000 = g_strdup_printf ("%s]", updates->str);
  updates_1001 = g_strdup_printf ("%s,{}]", updates->str);
  g_string_free (updates, TRUE);

  {
    g_autoptr(DkCase) many = assert_case_member_accepted ("updates", updates_1000);

    g_assert_cmpuint (many->updates->len, ==, 1000);
    g_assert_cmpint (dk_case_get_latest_update (many)->phrase, ==, DK_UPDATE_PHRASE_MONITORING);
  }
  /* A history is read whatever its length (issue 13): the limit holds when the server
   * adds an update, never when a stored case is read back. */
  {
    g_autoptr(DkCase) more = assert_case_member_accepted ("updates", updates_1001);

    g_assert_cmpuint (more->updates->len, ==, 1001);
  }
}

static DkCase *
make_valid_incident (void)
{
  DkCase *kase = dk_case_new ();

  kase->id = g_strdup (CASE_ID);
  kase->title = g_strdup ("TES ligger nere");
  g_ptr_array_add (kase->services, g_strdup ("tes"));
  kase->start = NOW;
  return kase;
}

static void
assert_case_invalid (DkCase     *kase,
                     const char *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (dk_case_validate (kase, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  if (g_str_has_suffix (message, "*"))
    g_assert_cmpint (strncmp (error->message, message, strlen (message) - 1), ==, 0);
  else
    g_assert_cmpstr (error->message, ==, message);
}

static void
test_case_validate (void)
{
  g_autoptr(DkCase) kase = make_valid_incident ();
  g_autoptr(GError) error = NULL;

  g_assert_true (dk_case_validate (kase, &error));
  g_assert_no_error (error);

  g_free (kase->id);
  kase->id = g_strdup ("0B6C1F4E-8A3D-4C56-9E7F-2D1A5B8C9E0F");
  assert_case_invalid (kase, "id: must be a lower-case UUID*");
  g_free (kase->id);
  kase->id = NULL;
  assert_case_invalid (kase, "id: must be a lower-case UUID*");
  kase->id = g_strdup (CASE_ID);

  g_free (kase->title);
  kase->title = g_strdup ("  \t ");
  assert_case_invalid (kase, "title: must not be empty");
  g_free (kase->title);
  kase->title = NULL;
  assert_case_invalid (kase, "title: must not be empty");
  kase->title = g_strdup ("TES");

  g_ptr_array_set_size (kase->services, 0);
  assert_case_invalid (kase, "services: must name at least one service");
  g_ptr_array_add (kase->services, g_strdup ("tes"));
  g_ptr_array_add (kase->services, g_strdup (""));
  assert_case_invalid (kase, "services[1]: must not be empty");
  g_ptr_array_remove_index (kase->services, 1);

  kase->priority = 0;
  assert_case_invalid (kase, "priority: must be between 1 and 5");
  kase->priority = 6;
  assert_case_invalid (kase, "priority: must be between 1 and 5");
  kase->priority = 1;

  kase->status = DK_CASE_STATUS_PLANNED;
  assert_case_invalid (kase, "status: *");
  kase->kind = DK_CASE_KIND_PLANNED;
  g_assert_true (dk_case_validate (kase, NULL));
  kase->kind = DK_CASE_KIND_CRISIS;
  kase->status = DK_CASE_STATUS_URGENT_PLANNED;
  assert_case_invalid (kase, "status: *");
  kase->status = DK_CASE_STATUS_ONGOING;

  kase->expected_end = NOW - 1;
  assert_case_invalid (kase, "expected_end: must not be before the start");
  kase->expected_end = NOW;
  g_assert_true (dk_case_validate (kase, NULL));
  kase->start = DK_TIME_UNSET;
  kase->expected_end = NOW - 1000;
  g_assert_true (dk_case_validate (kase, NULL));
  kase->start = NOW;
  kase->expected_end = DK_TIME_UNSET;

  kase->status = DK_CASE_STATUS_CLOSED;
  assert_case_invalid (kase, "closed_at: must be set when the case is closed");
  kase->closed_at = NOW + 60;
  g_assert_true (dk_case_validate (kase, NULL));
  kase->status = DK_CASE_STATUS_ONGOING;
  assert_case_invalid (kase, "closed_at: must not be set while the case is open");
  kase->closed_at = DK_TIME_UNSET;

  /* Crisis information may name no service (a weather warning); the others must. */
  g_ptr_array_set_size (kase->services, 0);
  kase->kind = DK_CASE_KIND_CRISIS;
  g_assert_true (dk_case_validate (kase, NULL));
  kase->kind = DK_CASE_KIND_INCIDENT;
  assert_case_invalid (kase, "services: must name at least one service");
  g_ptr_array_add (kase->services, g_strdup ("tes"));

  {
    DkCaseAffected *affected = dk_case_affected_new ();
    DkCaseReserveEvent *event = dk_case_reserve_event_new ();

    g_ptr_array_add (kase->affected, affected);
    assert_case_invalid (kase, "affected[0].unit: must not be empty");
    affected->unit = g_strdup ("Avd 12");
    g_assert_true (dk_case_validate (kase, NULL));

    event->declared = TRUE;
    g_ptr_array_add (kase->reserve, event);
    assert_case_invalid (kase, "reserve[0].units: must name at least one unit, or all units");
    event->all_units = TRUE;
    g_assert_true (dk_case_validate (kase, NULL));
    g_ptr_array_add (event->units, g_strdup (" "));
    assert_case_invalid (kase, "reserve[0].units[0]: must not be empty");
    g_ptr_array_set_size (event->units, 0);

    g_ptr_array_add (kase->reports, g_strdup (""));
    assert_case_invalid (kase, "reports[0]: must not be empty");
    g_ptr_array_set_size (kase->reports, 0);
    g_assert_true (dk_case_validate (kase, NULL));
  }
}

/* A client reads what it can of a stored case and names the rest (issue 13); only a
 * case with no id is no case. */
static void
test_case_partial_reads_what_it_can (void)
{
  g_autoptr(DkCase) full = make_full_case ();
  g_autoptr(JsonNode) whole = dk_case_to_json (full);
  g_autoptr(JsonNode) bad_title = case_node_with ("title", "42");
  g_autoptr(JsonNode) bad_update = case_node_with (
      "updates", "[{\"phrase\": \"monitoring\"}, {\"phrase\": \"escalated\"}]");
  g_autoptr(JsonNode) no_id = case_node_with ("title", "42");
  g_autoptr(JsonNode) array = parse ("[]");
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(GError) error = NULL;

  kase = dk_case_from_json_partial (whole, &error);
  g_assert_no_error (error);
  g_assert_null (kase->unread);
  g_clear_pointer (&kase, dk_case_unref);

  kase = dk_case_from_json_partial (bad_title, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kase->id, ==, full->id);
  g_assert_cmpstr (kase->description, ==, full->description);
  g_assert_nonnull (kase->title);
  g_assert_nonnull (strstr (kase->unread, "title"));
  g_clear_pointer (&kase, dk_case_unref);

  kase = dk_case_from_json_partial (bad_update, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kase->updates->len, ==, 1);
  g_assert_nonnull (strstr (kase->unread, "updates (1/2)"));
  g_clear_pointer (&kase, dk_case_unref);

  json_object_remove_member (json_node_get_object (no_id), "id");
  g_assert_null (dk_case_from_json_partial (no_id, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (dk_case_from_json_partial (array, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
}

static void
test_case_copy_is_deep (void)
{
  g_autoptr(DkCase) kase = make_full_case ();
  g_autoptr(DkCase) copy = dk_case_copy (kase);
  DkCaseReserveEvent *event;

  assert_cases_equal (kase, copy);
  event = g_ptr_array_index (copy->reserve, 0);
  g_assert_true (event->units != ((DkCaseReserveEvent *) g_ptr_array_index (kase->reserve, 0))->units);
  g_assert_true (copy->reports != kase->reports);
  g_assert_true (copy->affected != kase->affected);
}

static void
test_case_update_round_trip (void)
{
  g_autoptr(DkCaseUpdate) update = dk_case_update_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(DkCaseUpdate) back = NULL;
  g_autoptr(DkCaseUpdate) empty_back = NULL;
  g_autoptr(DkCaseUpdate) empty = dk_case_update_new ();
  g_autoptr(JsonNode) empty_node = dk_case_update_to_json (empty);
  g_autoptr(JsonNode) array = parse ("[]");
  g_autoptr(GError) error = NULL;

  update->id = g_strdup (UPDATE_ID);
  update->at = NOW;
  update->phrase = DK_UPDATE_PHRASE_FIXED_AWAITING_VERIFICATION;
  update->text = g_strdup ("Åtgärdad, inväntar verifiering.\nKontrollera inloggning.");
  update->author = g_strdup ("anna");
  node = dk_case_update_to_json (update);
  back = dk_case_update_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->id, ==, update->id);
  g_assert_cmpint (back->at, ==, NOW);
  g_assert_cmpint (back->phrase, ==, DK_UPDATE_PHRASE_FIXED_AWAITING_VERIFICATION);
  g_assert_cmpstr (back->text, ==, update->text);
  g_assert_cmpstr (back->author, ==, "anna");

  empty_back = dk_case_update_from_json (empty_node, &error);
  g_assert_no_error (error);
  g_assert_null (empty_back->id);
  g_assert_cmpint (empty_back->at, ==, DK_TIME_UNSET);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (json_node_get_object (empty_node),
                                                               "at")));

  g_assert_null (dk_case_update_from_json (array, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
}

/* ---- services ---- */

static void
test_service_round_trip_and_validate (void)
{
  g_autoptr(DkService) service = dk_service_new ();
  g_autoptr(DkService) empty = dk_service_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) empty_node = NULL;
  g_autoptr(DkService) back = NULL;
  g_autoptr(DkService) empty_back = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  service->id = g_strdup ("klinisk-kemi");
  service->name = g_strdup ("Klinisk kemi");
  service->area = DK_AREA_LAB_MEDICINE;
  service->description = g_strdup ("Analyser av blod och urin.\nDygnet runt.");
  service->revision = 4;
  node = dk_service_to_json (service);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "area"), ==, "lab_medicine");
  back = dk_service_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->id, ==, service->id);
  g_assert_cmpstr (back->name, ==, service->name);
  g_assert_cmpint (back->area, ==, service->area);
  g_assert_cmpstr (back->description, ==, service->description);
  g_assert_cmpint (back->revision, ==, 4);
  g_assert_true (dk_service_validate (back, &error));

  empty_node = dk_service_to_json (empty);
  empty_back = dk_service_from_json (empty_node, &error);
  g_assert_no_error (error);
  g_assert_null (empty_back->id);
  g_assert_null (empty_back->description);
  g_assert_false (dk_service_validate (empty_back, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "id: "));
  g_clear_error (&error);

  json_object_set_string_member (object, "area", "power");
  g_assert_null (dk_service_from_json (node, &error));
  g_assert_cmpstr (error->message, ==, "area: unknown area “power”");
  g_clear_error (&error);

  {
    static const char *bad_ids[] = { "Klinisk-kemi", "klinisk kemi", "kemi_1", "", "rörpost",
                                     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };

    for (guint i = 0; i < G_N_ELEMENTS (bad_ids); i++)
      {
        g_free (back->id);
        back->id = g_strdup (bad_ids[i]);
        g_assert_false (dk_service_validate (back, &error));
        g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
        g_clear_error (&error);
      }
    g_free (back->id);
    back->id = g_strnfill (64, 'a');
    g_assert_true (dk_service_validate (back, NULL));
    g_free (back->name);
    back->name = g_strdup (" ");
    g_assert_false (dk_service_validate (back, &error));
    g_assert_cmpstr (error->message, ==, "name: must not be empty");
  }
}

/* ---- routines ---- */

static DkRoutine *
make_full_routine (void)
{
  DkRoutine *routine = dk_routine_new ();
  DkRoutineStep *step;

  routine->id = g_strdup ("tes-reservrutin");
  routine->title = g_strdup ("Reservrutin vid driftstopp i TES");
  g_ptr_array_add (routine->services, g_strdup ("tes"));
  g_ptr_array_add (routine->services, g_strdup ("lifecare"));
  routine->audience = g_strdup ("Omvårdnadspersonal");
  routine->owner = g_strdup ("Verksamhetschef hemsjukvård");
  routine->revision = 3;
  routine->approved_at = NOW - 86400;
  routine->approved_by = g_strdup ("rutin.agare");
  routine->valid_until = NOW + 365 * 86400;

  step = dk_routine_step_new ();
  step->id = g_strdup ("print-cards");
  step->phase = DK_ROUTINE_PHASE_BEFORE;
  step->text = g_strdup ("Skriv ut personkort med anhörigas kontaktuppgifter.");
  step->form = g_strdup ("person_card");
  g_ptr_array_add (routine->steps, step);

  step = dk_routine_step_new ();
  step->id = g_strdup ("report");
  step->phase = DK_ROUTINE_PHASE_DURING;
  step->text = g_strdup ("Rapportera driftstoppet:\n\tkontorstid till användarstöd,\n\tannars jour.");
  step->contact = dk_contact_new ();
  step->contact->name = g_strdup ("Användarstöd");
  step->contact->office_hours = g_strdup ("040-33 10 00");
  step->contact->on_call = g_strdup ("040-33 99 99");
  g_ptr_array_add (routine->steps, step);

  step = dk_routine_step_new ();
  step->id = g_strdup ("post-register");
  step->phase = DK_ROUTINE_PHASE_AFTER;
  step->text = g_strdup ("Efterregistrera i appen senast nästa dag.");
  step->condition = g_strdup ("outage_up_to:10h");
  step->contact = dk_contact_new ();
  step->contact->name = g_strdup ("Bara namn");
  step->form = g_strdup ("post_registration");
  g_ptr_array_add (routine->steps, step);
  return routine;
}

static void
assert_routines_equal (const DkRoutine *a,
                       const DkRoutine *b)
{
  g_assert_cmpstr (a->id, ==, b->id);
  g_assert_cmpstr (a->title, ==, b->title);
  assert_strv_equal (a->services, b->services);
  g_assert_cmpstr (a->audience, ==, b->audience);
  g_assert_cmpstr (a->owner, ==, b->owner);
  g_assert_cmpint (a->revision, ==, b->revision);
  g_assert_cmpint (a->approved_at, ==, b->approved_at);
  g_assert_cmpstr (a->approved_by, ==, b->approved_by);
  g_assert_cmpint (a->valid_until, ==, b->valid_until);
  g_assert_cmpuint (a->steps->len, ==, b->steps->len);
  for (guint i = 0; i < a->steps->len; i++)
    {
      const DkRoutineStep *sa = g_ptr_array_index (a->steps, i);
      const DkRoutineStep *sb = g_ptr_array_index (b->steps, i);

      g_assert_cmpstr (sa->id, ==, sb->id);
      g_assert_cmpint (sa->phase, ==, sb->phase);
      g_assert_cmpstr (sa->text, ==, sb->text);
      g_assert_cmpstr (sa->condition, ==, sb->condition);
      g_assert_cmpstr (sa->form, ==, sb->form);
      g_assert_cmpint (sa->contact == NULL, ==, sb->contact == NULL);
      if (sa->contact != NULL)
        {
          g_assert_cmpstr (sa->contact->name, ==, sb->contact->name);
          g_assert_cmpstr (sa->contact->office_hours, ==, sb->contact->office_hours);
          g_assert_cmpstr (sa->contact->on_call, ==, sb->contact->on_call);
        }
    }
}

static void
test_routine_round_trip (void)
{
  g_autoptr(DkRoutine) routine = make_full_routine ();
  g_autoptr(JsonNode) node = dk_routine_to_json (routine);
  g_autofree char *text = dk_json_to_string (node);
  g_autoptr(JsonNode) reparsed = parse (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(DkRoutine) back = dk_routine_from_json (reparsed, &error);
  g_autoptr(DkRoutine) empty = dk_routine_new ();
  g_autoptr(JsonNode) empty_node = dk_routine_to_json (empty);
  g_autoptr(DkRoutine) empty_back = NULL;
  JsonObject *step0 = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (node), "steps"), 0);
  JsonObject *step1 = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (node), "steps"), 1);

  g_assert_no_error (error);
  assert_routines_equal (routine, back);
  g_assert_true (dk_routine_validate (back, &error));
  g_assert_no_error (error);

  /* No contact is null; a contact is {name, office_hours, on_call}. */
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (step0, "contact")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (step0, "condition")));
  g_assert_cmpstr (json_object_get_string_member (step0, "phase"), ==, "before");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (step1, "contact"), "on_call"), ==,
                   "040-33 99 99");
  g_assert_true (json_object_has_member (json_node_get_object (node), "approved_by"));

  empty_back = dk_routine_from_json (empty_node, &error);
  g_assert_no_error (error);
  assert_routines_equal (empty, empty_back);
  g_assert_cmpint (empty_back->approved_at, ==, DK_TIME_UNSET);
}

static void
test_routine_rejects_bad_input (void)
{
  static const struct {
    const char *json;
    const char *message;
  } bad[] = {
    { "{\"steps\": [{\"phase\": \"sometime\"}]}", "steps[0].phase: unknown phase “sometime”" },
    { "{\"steps\": [{}, {\"contact\": \"Anna\"}]}", "steps[1].contact: must be an object" },
    { "{\"steps\": [{\"contact\": {\"on_call\": 112}}]}",
      "steps[0].contact.on_call: must be a string" },
    { "{\"steps\": [1]}", "steps[0]: must be an object" },
    { "{\"approved_at\": \"igår\"}",
      "approved_at: must be an RFC 3339 time such as 2026-11-24T14:05:00Z" },
    { "{\"title\": \"a\\nb\"}", "title: must not contain control characters" },
    { "{\"services\": [\"tes\", false]}", "services[1]: must be a string" },
    { "{\"revision\": -3}", "revision: must be between 0 and 9223372036854775807" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = parse (bad[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(DkRoutine) routine = dk_routine_from_json (node, &error);

      g_assert_null (routine);
      g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, bad[i].message);
    }
}

static void
test_routine_validate (void)
{
  g_autoptr(DkRoutine) routine = make_full_routine ();
  g_autoptr(GError) error = NULL;
  DkRoutineStep *step;

  g_assert_true (dk_routine_validate (routine, NULL));
  g_free (routine->id);
  routine->id = g_strdup (CASE_ID);
  g_assert_true (dk_routine_validate (routine, NULL));
  g_free (routine->id);
  routine->id = g_strdup ("TES rutin");
  g_assert_false (dk_routine_validate (routine, &error));
  g_assert_true (g_str_has_prefix (error->message, "id: "));
  g_clear_error (&error);
  g_free (routine->id);
  routine->id = g_strdup ("tes");

  step = g_ptr_array_index (routine->steps, 2);
  g_free (step->id);
  step->id = g_strdup ("report");
  g_assert_false (dk_routine_validate (routine, &error));
  g_assert_cmpstr (error->message, ==, "steps[2].id: “report” is used by another step");
  g_clear_error (&error);
  g_free (step->id);
  step->id = g_strdup ("");
  g_assert_false (dk_routine_validate (routine, &error));
  g_assert_cmpstr (error->message, ==, "steps[2].id: must not be empty");
  g_clear_error (&error);
  g_free (step->id);
  step->id = g_strdup ("post-register");

  g_free (step->condition);
  step->condition = g_strdup ("outage_over:ten hours");
  g_assert_false (dk_routine_validate (routine, &error));
  g_assert_true (g_str_has_prefix (error->message, "steps[2].condition: "));
  g_clear_error (&error);
  g_clear_pointer (&step->condition, g_free);
  g_assert_true (dk_routine_validate (routine, NULL));

  g_free (routine->title);
  routine->title = g_strdup ("");
  g_assert_false (dk_routine_validate (routine, &error));
  g_assert_cmpstr (error->message, ==, "title: must not be empty");
  g_clear_error (&error);
  g_free (routine->title);
  routine->title = g_strdup ("Rutin");

  g_ptr_array_set_size (routine->steps, 0);
  g_assert_false (dk_routine_validate (routine, &error));
  g_assert_cmpstr (error->message, ==, "steps: must have at least one step");
}

/* ---- runs ---- */

static void
test_run_round_trip_and_validate (void)
{
  g_autoptr(DkRun) run = dk_run_new ();
  g_autoptr(DkRun) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  DkRunStep *step = dk_run_step_new ();
  DkRunStep *untouched = dk_run_step_new ();
  JsonObject *object;

  run->id = g_strdup (UPDATE_ID);
  run->routine = g_strdup ("tes-reservrutin");
  run->unit = g_strdup ("Avdelning 12, Lund");
  run->case_id = g_strdup (CASE_ID);
  run->started_by = g_strdup ("sjukskoterska.eva");
  run->started_at = NOW;
  run->finished_at = NOW + 3 * 3600;
  run->revision = 5;
  step->step = g_strdup ("report");
  step->done = TRUE;
  step->by = g_strdup ("eva");
  step->at = NOW + 60;
  step->note = g_strdup ("Ringde jouren.\nVäntar på svar.");
  g_ptr_array_add (run->steps, step);
  untouched->step = g_strdup ("print-cards");
  g_ptr_array_add (run->steps, untouched);

  node = dk_run_to_json (run);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "case"), ==, CASE_ID);
  g_assert_false (json_object_has_member (object, "case_id"));
  g_assert_cmpstr (json_object_get_string_member (object, "finished_at"), ==,
                   "2026-11-24T17:05:00Z");

  back = dk_run_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->id, ==, run->id);
  g_assert_cmpstr (back->routine, ==, run->routine);
  g_assert_cmpstr (back->unit, ==, run->unit);
  g_assert_cmpstr (back->case_id, ==, CASE_ID);
  g_assert_cmpstr (back->started_by, ==, run->started_by);
  g_assert_cmpint (back->started_at, ==, run->started_at);
  g_assert_cmpint (back->finished_at, ==, run->finished_at);
  g_assert_cmpint (back->revision, ==, 5);
  g_assert_cmpuint (back->steps->len, ==, 2);
  g_assert_true (dk_run_find_step (back, "report")->done);
  g_assert_cmpstr (dk_run_find_step (back, "report")->note, ==, step->note);
  g_assert_cmpstr (dk_run_find_step (back, "report")->by, ==, "eva");
  g_assert_cmpint (dk_run_find_step (back, "report")->at, ==, NOW + 60);
  g_assert_false (dk_run_find_step (back, "print-cards")->done);
  g_assert_cmpint (dk_run_find_step (back, "print-cards")->at, ==, DK_TIME_UNSET);
  g_assert_null (dk_run_find_step (back, "print-cards")->by);
  g_assert_true (dk_run_validate (back, &error));
  g_assert_no_error (error);

  /* Unset fields round trip as null. */
  g_clear_pointer (&back->case_id, g_free);
  back->finished_at = DK_TIME_UNSET;
  {
    g_autoptr(JsonNode) node2 = dk_run_to_json (back);
    g_autoptr(DkRun) back2 = dk_run_from_json (node2, &error);

    g_assert_no_error (error);
    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (json_node_get_object (node2),
                                                                 "case")));
    g_assert_null (back2->case_id);
    g_assert_cmpint (back2->finished_at, ==, DK_TIME_UNSET);
  }

  g_free (back->unit);
  back->unit = g_strdup ("");
  g_assert_false (dk_run_validate (back, &error));
  g_assert_cmpstr (error->message, ==, "unit: must not be empty");
  g_clear_error (&error);
  g_free (back->id);
  back->id = g_strdup ("run-1");
  g_assert_false (dk_run_validate (back, &error));
  g_assert_true (g_str_has_prefix (error->message, "id: "));
  g_clear_error (&error);

  json_object_set_array_member (object, "steps", json_array_new ());
  json_array_add_object_element (json_object_get_array_member (object, "steps"),
                                 json_object_new ());
  json_object_set_string_member (json_array_get_object_element (
                                   json_object_get_array_member (object, "steps"), 0),
                                 "done", "yes");
  g_assert_null (dk_run_from_json (node, &error));
  g_assert_cmpstr (error->message, ==, "steps[0].done: must be true or false");
}

/* ---- reports ---- */

static void
test_report_round_trip_and_validate (void)
{
  g_autoptr(DkReport) report = dk_report_new ();
  g_autoptr(DkReport) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  static const char *members[] = {
    "id", "number", "kind", "service", "unit", "reporter", "contact", "description", "state",
    "users", "computers", "servers", "competence", "mobile", "created_by", "created_at",
    "revision", "case", "case_number", "note", "handled_by", "handled_at",
  };

  report->id = g_strdup (CASE_ID);
  report->number = g_strdup ("FA-17");
  report->kind = DK_REPORT_KIND_URGENT;
  report->service = g_strdup ("dips");
  report->unit = g_strdup ("Akuttmottak, Ålesund");
  report->reporter = g_strdup ("Kari Nordmann");
  report->contact = g_strdup ("kari@example.org");
  report->description = g_strdup ("Saken skal distribueres av OK\nDIPS Arena svarer ikke.");
  report->state = DK_REPORT_STATE_LINKED;
  report->users = g_strdup ("Alle på akutten");
  report->computers = g_strdup ("PC-1234, PC-1235");
  report->servers = g_strdup ("dips-app-01");
  report->competence = g_strdup ("Serverdrift");
  report->mobile = g_strdup ("+47 912 34 567");
  report->created_by = g_strdup ("kari");
  report->created_at = NOW;
  report->case_id = g_strdup (CASE_ID);
  report->case_number = g_strdup ("DK-1042");
  report->note = g_strdup ("Kopplad till störningen.\nVi återkommer.");
  report->handled_by = g_strdup ("servicedesk");
  report->handled_at = NOW + 60;
  report->revision = 2;

  node = dk_report_to_json (report);
  object = json_node_get_object (node);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    g_assert_true (json_object_has_member (object, members[i]));
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "urgent");
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "linked");

  back = dk_report_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->id, ==, report->id);
  g_assert_cmpstr (back->number, ==, report->number);
  g_assert_cmpint (back->kind, ==, report->kind);
  g_assert_cmpstr (back->service, ==, report->service);
  g_assert_cmpstr (back->unit, ==, report->unit);
  g_assert_cmpstr (back->reporter, ==, report->reporter);
  g_assert_cmpstr (back->contact, ==, report->contact);
  g_assert_cmpstr (back->description, ==, report->description);
  g_assert_cmpint (back->state, ==, report->state);
  g_assert_cmpstr (back->users, ==, report->users);
  g_assert_cmpstr (back->computers, ==, report->computers);
  g_assert_cmpstr (back->servers, ==, report->servers);
  g_assert_cmpstr (back->competence, ==, report->competence);
  g_assert_cmpstr (back->mobile, ==, report->mobile);
  g_assert_cmpstr (back->created_by, ==, report->created_by);
  g_assert_cmpint (back->created_at, ==, report->created_at);
  g_assert_cmpint (back->revision, ==, 2);
  g_assert_cmpstr (back->case_id, ==, CASE_ID);
  g_assert_cmpstr (back->case_number, ==, "DK-1042");
  g_assert_cmpstr (back->note, ==, report->note);
  g_assert_cmpstr (back->handled_by, ==, "servicedesk");
  g_assert_cmpint (back->handled_at, ==, NOW + 60);
  g_assert_cmpstr (json_object_get_string_member (object, "case"), ==, CASE_ID);
  g_assert_cmpstr (json_object_get_string_member (object, "handled_at"), ==,
                   "2026-11-24T14:06:00Z");
  {
    g_autoptr(DkReport) copy = dk_report_copy (back);

    g_assert_cmpstr (copy->case_number, ==, "DK-1042");
    g_assert_cmpstr (copy->note, ==, back->note);
    g_assert_cmpint (copy->handled_at, ==, NOW + 60);
  }
  g_assert_true (dk_report_validate (back, &error));
  g_assert_no_error (error);

  /* An urgent case needs a way to reach the contact. */
  g_clear_pointer (&back->mobile, g_free);
  g_clear_pointer (&back->contact, g_free);
  g_assert_false (dk_report_validate (back, &error));
  g_assert_true (g_str_has_prefix (error->message, "mobile: "));
  g_clear_error (&error);
  back->kind = DK_REPORT_KIND_FAULT;
  g_assert_true (dk_report_validate (back, NULL));

  g_free (back->reporter);
  back->reporter = g_strdup ("");
  g_assert_false (dk_report_validate (back, &error));
  g_assert_cmpstr (error->message, ==, "reporter: must not be empty");
  g_clear_error (&error);

  json_object_set_string_member (object, "state", "open");
  g_assert_null (dk_report_from_json (node, &error));
  g_assert_cmpstr (error->message, ==, "state: unknown state “open”");
  g_clear_error (&error);
  json_object_set_string_member (object, "state", "new");
  json_object_set_string_member (object, "kind", "incident");
  g_assert_null (dk_report_from_json (node, &error));
  g_assert_cmpstr (error->message, ==, "kind: unknown kind “incident”");
  g_clear_error (&error);
  json_object_set_string_member (object, "kind", "fault");
  json_object_set_int_member (object, "case", 7);
  g_assert_null (dk_report_from_json (node, &error));
  g_assert_cmpstr (error->message, ==, "case: must be a string");
  g_clear_error (&error);
  json_object_set_null_member (object, "case");
  json_object_set_string_member (object, "handled_at", "förra veckan");
  g_assert_null (dk_report_from_json (node, &error));
  g_assert_true (g_str_has_prefix (error->message, "handled_at: "));
  g_clear_error (&error);
  json_object_set_null_member (object, "handled_at");
  json_object_set_boolean_member (object, "note", TRUE);
  g_assert_null (dk_report_from_json (node, &error));
  g_assert_cmpstr (error->message, ==, "note: must be a string");
  g_clear_error (&error);

  {
    g_autoptr(DkReport) empty = dk_report_new ();
    g_autoptr(JsonNode) empty_node = dk_report_to_json (empty);
    g_autoptr(DkReport) empty_back = dk_report_from_json (empty_node, &error);

    g_assert_no_error (error);
    g_assert_null (empty_back->users);
    g_assert_cmpint (empty_back->created_at, ==, DK_TIME_UNSET);
    g_assert_cmpint (empty_back->handled_at, ==, DK_TIME_UNSET);
    g_assert_null (empty_back->case_id);
    g_assert_false (dk_report_validate (empty_back, &error));
    g_assert_true (g_str_has_prefix (error->message, "id: "));
  }
}

/* ---- templates ---- */

static DkTemplate *
make_full_template (void)
{
  DkTemplate *tmpl = dk_template_new ();

  tmpl->id = g_strdup (CASE_ID);
  tmpl->name = g_strdup ("Labbsystem nere – dygnet runt");
  tmpl->language = g_strdup ("sv");
  tmpl->kind = DK_CASE_KIND_INCIDENT;
  tmpl->area = DK_AREA_LAB_MEDICINE;
  tmpl->title = g_strdup ("Störning i {service}");
  tmpl->description = g_strdup ("{service} används dygnet runt.\nStörningen började {start}.");
  tmpl->scope = g_strdup ("{scope}");
  tmpl->owner = g_strdup ("lab_communicator");
  tmpl->team = DK_ROLE_LAB_COMMUNICATOR;
  tmpl->updated_at = NOW;
  tmpl->revision = 3;
  return tmpl;
}

static void
test_template_round_trip_and_validate (void)
{
  g_autoptr(DkTemplate) tmpl = make_full_template ();
  g_autoptr(JsonNode) node = dk_template_to_json (tmpl);
  g_autofree char *text = dk_json_to_string (node);
  JsonObject *object = json_node_get_object (node);
  g_autoptr(GError) error = NULL;
  g_autoptr(DkTemplate) back = NULL;
  g_autoptr(DkTemplate) copy = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autofree char *again_text = NULL;
  static const char *members[] = {
    "id", "name", "language", "kind", "area", "title", "description", "scope", "owner",
    "team", "updated_at", "revision",
  };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    g_assert_true (json_object_has_member (object, members[i]));
  g_assert_cmpstr (json_object_get_string_member (object, "team"), ==, "lab_communicator");
  g_assert_cmpstr (json_object_get_string_member (object, "area"), ==, "lab_medicine");

  back = dk_template_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->id, ==, tmpl->id);
  g_assert_cmpstr (back->name, ==, tmpl->name);
  g_assert_cmpstr (back->language, ==, "sv");
  g_assert_cmpint (back->kind, ==, tmpl->kind);
  g_assert_cmpint (back->area, ==, tmpl->area);
  g_assert_cmpstr (back->title, ==, tmpl->title);
  g_assert_cmpstr (back->description, ==, tmpl->description);
  g_assert_cmpstr (back->scope, ==, tmpl->scope);
  g_assert_cmpstr (back->owner, ==, tmpl->owner);
  g_assert_cmpint (back->team, ==, DK_ROLE_LAB_COMMUNICATOR);
  g_assert_cmpint (back->updated_at, ==, NOW);
  g_assert_cmpint (back->revision, ==, 3);
  again = dk_template_to_json (back);
  again_text = dk_json_to_string (again);
  g_assert_cmpstr (again_text, ==, text);
  g_assert_true (dk_template_validate (back, &error));
  g_assert_no_error (error);

  copy = dk_template_copy (back);
  g_assert_cmpstr (copy->description, ==, back->description);
  g_assert_cmpint (copy->team, ==, back->team);

  /* Visible to its owner and its team, nobody else. */
  g_assert_true (dk_template_is_visible_to (copy, "lab_communicator", DK_ROLE_STAFF));
  g_assert_true (dk_template_is_visible_to (copy, "lab.other",
                                            DK_ROLE_STAFF | DK_ROLE_LAB_COMMUNICATOR));
  g_assert_false (dk_template_is_visible_to (copy, "servicedesk",
                                             DK_ROLE_STAFF | DK_ROLE_SERVICEDESK));
  copy->team = 0;
  g_assert_false (dk_template_is_visible_to (copy, "lab.other", DK_ROLE_LAB_COMMUNICATOR));
  g_assert_true (dk_template_is_visible_to (copy, "lab_communicator", 0));

  /* A private template: team null. */
  {
    g_autoptr(JsonNode) private_node = dk_template_to_json (copy);
    g_autoptr(DkTemplate) private_back = NULL;

    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (
      json_node_get_object (private_node), "team")));
    private_back = dk_template_from_json (private_node, &error);
    g_assert_no_error (error);
    g_assert_cmpint (private_back->team, ==, 0);
    g_assert_true (dk_template_validate (private_back, NULL));
  }

  /* Bad input names the member. */
  {
    static const struct {
      const char *member;
      const char *value;
      const char *message;
    } bad[] = {
      { "team", "\"nurses\"", "team: unknown role “nurses”" },
      { "team", "3", "team: must be a string" },
      { "kind", "\"outage\"", "kind: unknown kind “outage”" },
      { "area", "[]", "area: must be a string" },
      { "name", "{}", "name: must be a string" },
      { "description", "1", "description: must be a string" },
      { "updated_at", "\"x\"", "updated_at: must be an RFC 3339 time such as 2026-11-24T14:05:00Z" },
      { "revision", "-1", "revision: must be between 0 and 9223372036854775807" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(JsonNode) bad_node = dk_template_to_json (tmpl);
        g_autoptr(GError) bad_error = NULL;
        g_autoptr(DkTemplate) bad_back = NULL;

        json_object_set_member (json_node_get_object (bad_node), bad[i].member,
                                parse (bad[i].value));
        bad_back = dk_template_from_json (bad_node, &bad_error);
        if (bad_back != NULL)
          g_error ("%s = %s was accepted", bad[i].member, bad[i].value);
        g_assert_error (bad_error, DK_ERROR, DK_ERROR_INVALID);
        g_assert_cmpstr (bad_error->message, ==, bad[i].message);
      }
  }

  /* What validate checks. */
  g_free (back->language);
  back->language = g_strdup ("de");
  g_assert_false (dk_template_validate (back, &error));
  g_assert_cmpstr (error->message, ==, "language: must be one of sv, nb, en");
  g_clear_error (&error);
  g_free (back->language);
  back->language = g_strdup ("nb");
  back->team = DK_ROLE_ROUTINE_OWNER;
  g_assert_false (dk_template_validate (back, &error));
  g_assert_true (g_str_has_prefix (error->message, "team: "));
  g_clear_error (&error);
  back->team = DK_ROLE_SERVICEDESK | DK_ROLE_LAB_COMMUNICATOR;
  g_assert_false (dk_template_validate (back, &error));
  g_assert_true (g_str_has_prefix (error->message, "team: "));
  g_clear_error (&error);
  back->team = DK_ROLE_CRISIS_COMMUNICATOR;
  g_free (back->name);
  back->name = g_strdup (" ");
  g_assert_false (dk_template_validate (back, &error));
  g_assert_cmpstr (error->message, ==, "name: must not be empty");
  g_clear_error (&error);
  g_free (back->name);
  back->name = g_strdup ("Väder");
  g_free (back->id);
  back->id = g_strdup ("builtin-x");
  g_assert_false (dk_template_validate (back, &error));
  g_assert_true (g_str_has_prefix (error->message, "id: "));
  g_clear_error (&error);

  {
    g_autoptr(JsonNode) array = parse ("[]");

    g_assert_null (dk_template_from_json (array, &error));
    g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  }
}

/* ---- subscriptions ---- */

static void
test_subscription_round_trip_and_validate (void)
{
  g_autoptr(DkSubscription) sub = dk_subscription_new_default ("anna");
  g_autoptr(DkSubscription) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  g_ptr_array_add (sub->areas, g_strdup ("lab_medicine"));
  g_ptr_array_add (sub->areas, g_strdup ("facilities"));
  g_ptr_array_add (sub->services, g_strdup ("klinisk-kemi"));
  g_ptr_array_add (sub->kinds, g_strdup ("planned"));
  sub->min_priority = 4;
  sub->major_only = TRUE;
  sub->all_crisis = FALSE;
  sub->notify = FALSE;
  sub->revision = 9;

  node = dk_subscription_to_json (sub);
  back = dk_subscription_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->id, ==, "sub:anna");
  g_assert_cmpstr (back->user, ==, "anna");
  assert_strv_equal (back->areas, sub->areas);
  assert_strv_equal (back->services, sub->services);
  assert_strv_equal (back->kinds, sub->kinds);
  g_assert_cmpint (back->min_priority, ==, 4);
  g_assert_true (back->major_only);
  g_assert_false (back->all_crisis);
  g_assert_false (back->notify);
  g_assert_cmpint (back->revision, ==, 9);
  g_assert_true (dk_subscription_validate (back, &error));
  g_assert_no_error (error);

  /* Absent members are the defaults. */
  {
    g_autoptr(JsonNode) empty = parse ("{}");
    g_autoptr(DkSubscription) defaults = dk_subscription_from_json (empty, &error);

    g_assert_no_error (error);
    g_assert_cmpint (defaults->min_priority, ==, 2);
    g_assert_true (defaults->all_crisis);
    g_assert_true (defaults->notify);
    g_assert_false (defaults->major_only);
    g_assert_cmpuint (defaults->areas->len, ==, 0);
  }

  object = json_node_get_object (node);
  json_object_set_int_member (object, "min_priority", 0);
  g_assert_null (dk_subscription_from_json (node, &error));
  g_assert_cmpstr (error->message, ==, "min_priority: must be between 1 and 5");
  g_clear_error (&error);
  json_object_set_int_member (object, "min_priority", 3);

  json_array_add_string_element (json_object_get_array_member (object, "areas"), "it");
  g_assert_null (dk_subscription_from_json (node, &error));
  g_assert_cmpstr (error->message, ==, "areas[2]: unknown area “it”");
  g_clear_error (&error);

  g_ptr_array_add (back->kinds, g_strdup ("outage"));
  g_assert_false (dk_subscription_validate (back, &error));
  g_assert_cmpstr (error->message, ==, "kinds[1]: unknown kind “outage”");
  g_clear_error (&error);
  g_ptr_array_remove_index (back->kinds, 1);
  back->min_priority = 6;
  g_assert_false (dk_subscription_validate (back, &error));
  g_assert_cmpstr (error->message, ==, "min_priority: must be between 1 and 5");
}

/* ---- robustness ---- */

static void
test_codec_survives_mutated_input (void)
{
  g_autoptr(DkCase) kase = make_full_case ();
  g_autoptr(DkRoutine) routine = make_full_routine ();
  g_autofree char *case_text = case_json (kase);
  g_autoptr(JsonNode) routine_node = dk_routine_to_json (routine);
  g_autofree char *routine_text = dk_json_to_string (routine_node);
  GRand *rand = g_rand_new_with_seed (20261124);
  guint decoded = 0;

  for (guint i = 0; i < 3000; i++)
    {
      const char *source = i % 2 ? case_text : routine_text;
      g_autofree char *text = g_strdup (source);
      gsize len = strlen (text);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;
      guint flips = g_rand_int_range (rand, 1, 4);

      for (guint f = 0; f < flips; f++)
        text[g_rand_int_range (rand, 0, (gint32) len)] = (char) g_rand_int_range (rand, 1, 256);

      node = dk_json_parse (text, -1, &error);
      if (node == NULL)
        {
          g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
          continue;
        }
      if (i % 2)
        {
          g_autoptr(DkCase) c = dk_case_from_json (node, &error);

          if (c != NULL)
            {
              g_autoptr(JsonNode) again = dk_case_to_json (c);

              decoded++;
              (void) dk_case_validate (c, NULL);
              g_assert_nonnull (again);
            }
          else
            g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
        }
      else
        {
          g_autoptr(DkRoutine) r = dk_routine_from_json (node, &error);

          if (r != NULL)
            {
              decoded++;
              (void) dk_routine_validate (r, NULL);
            }
          else
            g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
        }
    }
  /* Some mutations land in text and still decode: the loop did exercise the decoder. */
  g_assert_cmpuint (decoded, >, 100);
  g_rand_free (rand);
}

static void
test_json_compact_writer_matches_generator (void)
{
  g_autoptr(DkCase) kase = make_full_case ();
  g_autoptr(JsonNode) node = dk_case_to_json (kase);
  g_autofree char *slow = dk_json_to_string (node);
  g_autofree char *fast = dk_json_to_compact_string (node);
  g_autoptr(JsonNode) odd = dk_json_parse ("{\"a\":\"\\u0001\\\"\\\\\\n\\t\u00e5\",\"b\":[-9223372036854775807,0,true,null],\"c\":{}}",
                                           -1, NULL);
  g_autofree char *odd_slow = NULL;
  g_autofree char *odd_fast = NULL;

  g_assert_cmpstr (fast, ==, slow);
  g_assert_nonnull (odd);
  odd_slow = dk_json_to_string (odd);
  odd_fast = dk_json_to_compact_string (odd);
  g_assert_cmpstr (odd_fast, ==, odd_slow);
}

/* received_at (the server's receipt time) is add-only: written only when set, read back,
 * and objects without it (older servers, local versions) decode as before. */
static void
test_received_at_is_add_only (void)
{
  static const char run_text[] =
    "{\"id\":\"r1\",\"routine\":\"tes\",\"unit\":\"Avd 12\",\"started_by\":\"anna\","
    "\"started_at\":\"2026-11-24T01:24:00Z\",\"finished_at\":null,\"revision\":1,"
    "\"steps\":[{\"step\":\"s1\",\"ticks\":[{\"id\":\"m1\",\"by\":\"anna\","
    "\"at\":\"2026-11-24T01:25:00Z\",\"done\":true}],\"notes\":[]}]}";
  static const char case_text[] =
    "{\"id\":\"c1\",\"kind\":\"incident\",\"area\":\"it_telephony\",\"title\":\"T\","
    "\"priority\":2,\"created_at\":\"2026-11-24T01:24:00Z\","
    "\"updates\":[{\"id\":\"u1\",\"at\":\"2026-11-24T01:24:00Z\",\"phrase\":\"identified\","
    "\"text\":\"x\",\"author\":\"sd\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dk_json_parse (run_text, -1, &error);
  g_autoptr(JsonNode) case_node = dk_json_parse (case_text, -1, &error);
  g_autoptr(JsonNode) written = NULL;
  g_autoptr(JsonNode) case_written = NULL;
  g_autoptr(DkRun) run = NULL;
  g_autoptr(DkRun) back = NULL;
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(DkCase) case_back = NULL;
  g_autoptr(DkReport) report = dk_report_new ();
  g_autoptr(DkReport) report_back = NULL;
  g_autoptr(JsonNode) report_node = NULL;
  g_autofree char *text = NULL;
  DkRunTick *tick;
  DkCaseUpdate *update;

  run = dk_run_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run->received_at, ==, DK_TIME_UNSET);
  tick = g_ptr_array_index (dk_run_find_step (run, "s1")->ticks, 0);
  g_assert_cmpint (tick->received_at, ==, DK_TIME_UNSET);
  written = dk_run_to_json (run);
  text = dk_json_to_string (written);
  g_assert_null (strstr (text, "received_at"));
  g_clear_pointer (&written, json_node_unref);

  run->received_at = 1795529160;
  tick->received_at = 1795529161;
  written = dk_run_to_json (run);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (written), "received_at"),
                   ==, "2026-11-24T14:06:00Z");
  back = dk_run_from_json (written, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->received_at, ==, 1795529160);
  tick = g_ptr_array_index (dk_run_find_step (back, "s1")->ticks, 0);
  g_assert_cmpint (tick->received_at, ==, 1795529161);
  g_clear_pointer (&run, dk_run_unref);
  run = dk_run_copy (back);
  tick = g_ptr_array_index (dk_run_find_step (run, "s1")->ticks, 0);
  g_assert_cmpint (run->received_at, ==, 1795529160);
  g_assert_cmpint (tick->received_at, ==, 1795529161);

  kase = dk_case_from_json (case_node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kase->received_at, ==, DK_TIME_UNSET);
  update = g_ptr_array_index (kase->updates, 0);
  g_assert_cmpint (update->received_at, ==, DK_TIME_UNSET);
  kase->received_at = 1795529160;
  update->received_at = 1795529162;
  case_written = dk_case_to_json (kase);
  case_back = dk_case_from_json (case_written, &error);
  g_assert_no_error (error);
  g_assert_cmpint (case_back->received_at, ==, 1795529160);
  update = g_ptr_array_index (case_back->updates, 0);
  g_assert_cmpint (update->received_at, ==, 1795529162);

  report->id = g_strdup ("f1");
  report->received_at = 1795529163;
  report_node = dk_report_to_json (report);
  report_back = dk_report_from_json (report_node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report_back->received_at, ==, 1795529163);

  /* Not a time: refused like any other time member. */
  json_object_set_int_member (json_node_get_object (report_node), "received_at", 5);
  g_clear_pointer (&report_back, dk_report_unref);
  report_back = dk_report_from_json (report_node, &error);
  g_assert_null (report_back);
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/parse/accepts-documents", test_json_parse_accepts_documents);
  g_test_add_func ("/json/parse/rejects-empty-malformed-and-invalid-utf8",
                   test_json_parse_rejects_bad_documents);
  g_test_add_func ("/json/parse/is-strict-but-complete", test_json_parse_is_strict_but_complete);
  g_test_add_func ("/json/expect-object/names-what-it-expected", test_json_expect_object_names_what);
  g_test_add_func ("/json/to-string/is-compact", test_json_to_string_is_compact);
  g_test_add_func ("/json/to-compact-string/matches-the-generator",
                   test_json_compact_writer_matches_generator);
  g_test_add_func ("/json/read/string-honours-every-flag", test_json_read_string_flags);
  g_test_add_func ("/json/read/int-bool-and-time-check-types", test_json_read_int_bool_time);
  g_test_add_func ("/json/read/arrays-and-objects-name-the-item", test_json_read_arrays_and_objects);
  g_test_add_func ("/json/text-is-clean/refuses-control-characters", test_json_text_is_clean);
  g_test_add_func ("/json/is-uuid/only-canonical-lower-case", test_json_is_uuid);
  g_test_add_func ("/codec/case/round-trip", test_case_round_trip_every_field_set);
  g_test_add_func ("/codec/case/round-trip-with-unset-fields", test_case_round_trip_unset_fields);
  g_test_add_func ("/codec/case/writes-every-wire-field", test_case_writes_every_wire_field);
  g_test_add_func ("/codec/case/reads-a-generated-bench-line", test_case_reads_generated_bench_line);
  g_test_add_func ("/codec/case/absent-members-take-defaults", test_case_absent_members_take_defaults);
  g_test_add_func ("/codec/case/rejects-non-objects", test_case_rejects_non_objects);
  g_test_add_func ("/codec/case/rejects-wrong-types", test_case_rejects_wrong_types);
  g_test_add_func ("/codec/case/rejects-unknown-enum-names", test_case_rejects_unknown_enum_names);
  g_test_add_func ("/codec/case/rejects-bad-dates", test_case_rejects_bad_dates);
  g_test_add_func ("/codec/case/rejects-too-long-strings-counting-characters",
                   test_case_rejects_too_long_strings_counting_characters);
  g_test_add_func ("/codec/case/rejects-control-characters", test_case_rejects_control_characters);
  g_test_add_func ("/codec/case/rejects-numbers-out-of-range", test_case_rejects_numbers_out_of_range);
  g_test_add_func ("/codec/case/rejects-arrays-too-long", test_case_rejects_arrays_too_long);
  g_test_add_func ("/codec/case/validate-names-the-field", test_case_validate);
  g_test_add_func ("/codec/case/copy-is-deep", test_case_copy_is_deep);
  g_test_add_func ("/codec/case/partial-reads-what-it-can", test_case_partial_reads_what_it_can);
  g_test_add_func ("/codec/update/round-trip", test_case_update_round_trip);
  g_test_add_func ("/codec/service/round-trip-and-validate", test_service_round_trip_and_validate);
  g_test_add_func ("/codec/routine/round-trip", test_routine_round_trip);
  g_test_add_func ("/codec/routine/rejects-bad-input", test_routine_rejects_bad_input);
  g_test_add_func ("/codec/routine/validate-names-the-step", test_routine_validate);
  g_test_add_func ("/codec/run/round-trip-and-validate", test_run_round_trip_and_validate);
  g_test_add_func ("/codec/report/round-trip-and-validate", test_report_round_trip_and_validate);
  g_test_add_func ("/codec/template/round-trip-and-validate",
                   test_template_round_trip_and_validate);
  g_test_add_func ("/codec/subscription/round-trip-and-validate",
                   test_subscription_round_trip_and_validate);
  g_test_add_func ("/codec/robustness/survives-mutated-input", test_codec_survives_mutated_input);
  g_test_add_func ("/codec/received-at/is-add-only", test_received_at_is_add_only);

  return g_test_run ();
}
