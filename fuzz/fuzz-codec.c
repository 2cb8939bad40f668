/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-codec.c: libFuzzer target for the JSON codec (dk-json.h readers, dk-codec.h) */

/*
 * Every input is parsed with dk_json_parse. The root (and each item when it is an array)
 * goes through every decoder of dk-codec.h; what decodes is encoded again, the encoding
 * is parsed and decoded once more, and its encoding must equal the first one: the codec
 * is stable over a round trip. The copy of a decoded object must encode the same too.
 * The members of a root object go through every dk-json.h reader, whose results must
 * keep the promises the header makes. Any broken promise abort()s with a message.
 */

#define G_LOG_DOMAIN "fuzz-codec"

#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dk-codec.h"
#include "dk-error.h"
#include "dk-json.h"
#include "dk-time.h"

/* The most array items and object members looked at one by one. */
#define MAX_ITEMS 16
/* A member name no input is expected to have (one that has it skips that check). */
#define ABSENT_MEMBER "\001absent member"

typedef gpointer  (*DecodeFunc)   (JsonNode       *node,
                                   GError        **error);
typedef JsonNode *(*EncodeFunc)   (gconstpointer   value);
typedef gpointer  (*CopyFunc)     (gconstpointer   value);
typedef gboolean  (*ValidateFunc) (gconstpointer   value,
                                   GError        **error);

typedef struct {
  const char     *name;
  DecodeFunc      decode;
  EncodeFunc      encode;
  CopyFunc        copy;      /* NULL when the type has none */
  ValidateFunc    validate;  /* NULL when the type has none */
  GDestroyNotify  free;
} Codec;

/* Wrappers with one signature, so that no function is called through a cast pointer. */
#define DEFINE_CODEC_WRAPPERS(Type, prefix)                                               \
  static gpointer prefix##_decode (JsonNode *node, GError **error)                        \
  {                                                                                       \
    return dk_##prefix##_from_json (node, error);                                         \
  }                                                                                       \
  static JsonNode *prefix##_encode (gconstpointer value)                                  \
  {                                                                                       \
    return dk_##prefix##_to_json ((const Type *) value);                                  \
  }

#define DEFINE_OBJECT_WRAPPERS(Type, prefix)                                              \
  DEFINE_CODEC_WRAPPERS (Type, prefix)                                                    \
  static gpointer prefix##_copy (gconstpointer value)                                     \
  {                                                                                       \
    return dk_##prefix##_copy ((const Type *) value);                                     \
  }                                                                                       \
  static gboolean prefix##_validate (gconstpointer value, GError **error)                 \
  {                                                                                       \
    return dk_##prefix##_validate ((const Type *) value, error);                          \
  }                                                                                       \
  static void prefix##_free (gpointer value)                                              \
  {                                                                                       \
    dk_##prefix##_unref (value);                                                          \
  }

DEFINE_OBJECT_WRAPPERS (DkCase, case)
DEFINE_OBJECT_WRAPPERS (DkService, service)
DEFINE_OBJECT_WRAPPERS (DkRoutine, routine)
DEFINE_OBJECT_WRAPPERS (DkRun, run)
DEFINE_OBJECT_WRAPPERS (DkReport, report)
DEFINE_OBJECT_WRAPPERS (DkSubscription, subscription)
DEFINE_OBJECT_WRAPPERS (DkTemplate, template)
DEFINE_OBJECT_WRAPPERS (DkUnit, unit)
DEFINE_CODEC_WRAPPERS (DkCaseUpdate, case_update)

static void
case_update_free (gpointer value)
{
  dk_case_update_free (value);
}

#define OBJECT_CODEC(name, prefix) \
  { name, prefix##_decode, prefix##_encode, prefix##_copy, prefix##_validate, prefix##_free }

static const Codec codecs[] = {
  OBJECT_CODEC ("case", case),
  OBJECT_CODEC ("service", service),
  OBJECT_CODEC ("routine", routine),
  OBJECT_CODEC ("run", run),
  OBJECT_CODEC ("report", report),
  OBJECT_CODEC ("subscription", subscription),
  OBJECT_CODEC ("template", template),
  OBJECT_CODEC ("unit", unit),
  { "case update", case_update_decode, case_update_encode, NULL, NULL, case_update_free },
};

int LLVMFuzzerInitialize   (int           *argc,
                            char        ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void fail (const char *format,
                  ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;

static void
fail (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  fputs ("fuzz-codec: ", stderr);
  vfprintf (stderr, format, args);
  fputc ('\n', stderr);
  va_end (args);
  abort ();
}

/* A failed call must say why, in our domain, as DK_ERROR_INVALID. */
static void
check_error (const char   *what,
             const GError *error)
{
  if (error == NULL)
    fail ("%s failed without setting an error", what);
  if (!g_error_matches (error, DK_ERROR, DK_ERROR_INVALID))
    fail ("%s failed with %s %d (%s), not DK_ERROR_INVALID", what,
          g_quark_to_string (error->domain), error->code, error->message);
  if (!g_utf8_validate (error->message, -1, NULL))
    fail ("%s: the error message is not valid UTF-8", what);
}

static char *
encode_to_string (const Codec   *codec,
                  gconstpointer  value)
{
  g_autoptr(JsonNode) node = codec->encode (value);

  if (node == NULL)
    fail ("%s: _to_json returned NULL", codec->name);
  return dk_json_to_string (node);
}

static void
check_round_trip (const Codec *codec,
                  JsonNode    *node)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reparsed = NULL;
  g_autofree char *first_text = NULL;
  g_autofree char *second_text = NULL;
  gpointer first;
  gpointer second;

  first = codec->decode (node, &error);
  if (first == NULL)
    {
      check_error (codec->name, error);
      return;
    }
  if (error != NULL)
    fail ("%s: decoding succeeded but set an error: %s", codec->name, error->message);

  first_text = encode_to_string (codec, first);

  if (codec->validate != NULL)
    {
      g_autoptr(GError) invalid = NULL;

      if (!codec->validate (first, &invalid) && invalid == NULL)
        fail ("%s: validate failed without setting an error", codec->name);
    }

  if (codec->copy != NULL)
    {
      gpointer copy = codec->copy (first);
      g_autofree char *copy_text = encode_to_string (codec, copy);

      if (strcmp (first_text, copy_text) != 0)
        fail ("%s: the copy encodes differently\noriginal: %s\ncopy:     %s",
              codec->name, first_text, copy_text);
      codec->free (copy);
    }
  codec->free (first);

  reparsed = dk_json_parse (first_text, -1, &error);
  if (reparsed == NULL)
    fail ("%s: its own encoding does not parse: %s\n%s", codec->name, error->message,
          first_text);

  second = codec->decode (reparsed, &error);
  if (second == NULL)
    fail ("%s: its own encoding does not decode: %s\n%s", codec->name, error->message,
          first_text);

  second_text = encode_to_string (codec, second);
  codec->free (second);

  if (strcmp (first_text, second_text) != 0)
    fail ("%s: not stable over a round trip\nfirst:  %s\nsecond: %s", codec->name,
          first_text, second_text);
}

static gboolean
has_visible_char (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return TRUE;
    }
  return FALSE;
}

/* What dk_json_read_string and each item of dk_json_read_string_array promise. */
static void
check_read_text (const char  *member,
                 const char  *text,
                 DkJsonFlags  flags,
                 gsize        max_chars)
{
  if (!dk_text_is_clean (text, (flags & DK_JSON_MULTILINE) != 0))
    fail ("%s: a string read as clean is not: '%s'", member, text);
  if (max_chars > 0 && (gsize) g_utf8_strlen (text, -1) > max_chars)
    fail ("%s: a string read is longer than %" G_GSIZE_FORMAT " characters", member,
          max_chars);
  if ((flags & DK_JSON_NONEMPTY) && !has_visible_char (text))
    fail ("%s: a string read as non-empty is blank", member);
}

static void
check_read_string (JsonObject  *object,
                   const char  *member,
                   DkJsonFlags  flags,
                   gsize        max_chars)
{
  static char untouched[] = "untouched";
  g_autoptr(GError) error = NULL;
  char *value = untouched;

  if (!dk_json_read_string (object, member, flags, max_chars, &value, &error))
    {
      check_error ("dk_json_read_string", error);
      return;
    }
  if (value == untouched)
    fail ("%s: a member that is there was not read", member);
  if (value == NULL)
    {
      if (!(flags & DK_JSON_NULLABLE))
        fail ("%s: read NULL though null is not allowed", member);
      return;
    }
  check_read_text (member, value, flags, max_chars);
  g_free (value);
}

static void
check_read_int (JsonObject  *object,
                const char  *member,
                DkJsonFlags  flags,
                gint64       min,
                gint64       max)
{
  g_autoptr(GError) error = NULL;
  gint64 value = min;

  if (!dk_json_read_int (object, member, flags, min, max, &value, &error))
    {
      check_error ("dk_json_read_int", error);
      return;
    }
  if (value < min || value > max)
    fail ("%s: read %" G_GINT64_FORMAT ", outside [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
          member, value, min, max);
}

static void
check_read_time (JsonObject  *object,
                 const char  *member,
                 DkJsonFlags  flags)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) reparse_error = NULL;
  g_autofree char *text = NULL;
  gint64 value = DK_TIME_UNSET;
  gint64 again = DK_TIME_UNSET;

  if (!dk_json_read_time (object, member, flags, &value, &error))
    {
      check_error ("dk_json_read_time", error);
      return;
    }
  if (value == DK_TIME_UNSET)
    return;

  /* A time that was read can be written and read back as the same second. */
  text = dk_time_format (value);
  if (text == NULL)
    fail ("%s: dk_time_format (%" G_GINT64_FORMAT ") returned NULL", member, value);
  if (!dk_time_parse (text, &again, &reparse_error))
    fail ("%s: dk_time_format wrote '%s', which does not parse: %s", member, text,
          reparse_error->message);
  if (again != value)
    fail ("%s: '%s' reads back as %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT, member, text,
          again, value);
}

static void
check_read_string_array (JsonObject  *object,
                         const char  *member,
                         DkJsonFlags  flags,
                         guint        max_items,
                         gsize        max_chars)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;

  if (!dk_json_read_string_array (object, member, flags, max_items, max_chars, &items,
                                  &error))
    {
      check_error ("dk_json_read_string_array", error);
      return;
    }
  if (items == NULL)
    return;
  if (items->len > max_items)
    fail ("%s: read %u items, more than %u", member, items->len, max_items);
  for (guint i = 0; i < items->len; i++)
    check_read_text (member, g_ptr_array_index (items, i), flags, max_chars);
}

static void
check_readers (JsonObject *object)
{
  g_autoptr(GList) members = json_object_get_members (object);
  g_autoptr(GError) error = NULL;
  char *absent = NULL;
  guint n = 0;

  /* A required member that is absent is an error. */
  if (!json_object_has_member (object, ABSENT_MEMBER) &&
      dk_json_read_string (object, ABSENT_MEMBER, DK_JSON_REQUIRED, 0, &absent, &error))
    fail ("an absent required member was read");
  g_clear_error (&error);
  g_free (absent);

  for (GList *l = members; l != NULL && n < MAX_ITEMS; l = l->next, n++)
    {
      const char *member = l->data;
      JsonNode *value = json_object_get_member (object, member);
      JsonObject *sub_object = NULL;
      JsonArray *sub_array = NULL;
      gboolean flag = FALSE;

      check_read_string (object, member, DK_JSON_OPTIONAL, 0);
      check_read_string (object, member, DK_JSON_REQUIRED | DK_JSON_NONEMPTY, 12);
      check_read_string (object, member, DK_JSON_NULLABLE | DK_JSON_MULTILINE, 200);
      check_read_int (object, member, DK_JSON_OPTIONAL, G_MININT64, G_MAXINT64);
      check_read_int (object, member, DK_JSON_NULLABLE, 1, 5);
      check_read_time (object, member, DK_JSON_OPTIONAL);
      check_read_time (object, member, DK_JSON_NULLABLE);
      check_read_string_array (object, member, DK_JSON_OPTIONAL, 200, 0);
      check_read_string_array (object, member, DK_JSON_NULLABLE | DK_JSON_NONEMPTY, 3, 8);

      if (!dk_json_read_bool (object, member, DK_JSON_NULLABLE, &flag, &error))
        check_error ("dk_json_read_bool", error);
      g_clear_error (&error);

      if (!dk_json_read_object (object, member, DK_JSON_NULLABLE, &sub_object, &error))
        check_error ("dk_json_read_object", error);
      else if (sub_object != NULL && sub_object != json_node_get_object (value))
        fail ("%s: dk_json_read_object returned another object", member);
      g_clear_error (&error);

      if (!dk_json_read_array (object, member, DK_JSON_NULLABLE, 4, &sub_array, &error))
        check_error ("dk_json_read_array", error);
      else if (sub_array != NULL && json_array_get_length (sub_array) > 4)
        fail ("%s: dk_json_read_array returned more than 4 items", member);
      g_clear_error (&error);

      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        {
          const char *text = json_node_get_string (value);

          if (dk_is_uuid (text) && strlen (text) != 36)
            fail ("%s: '%s' is taken for a UUID", member, text);
          (void) dk_text_is_clean (text, FALSE);
        }
    }
}

static void
check_node (JsonNode *node)
{
  for (gsize i = 0; i < G_N_ELEMENTS (codecs); i++)
    check_round_trip (&codecs[i], node);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* A critical or a warning from the code under test is a bug too. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (size > G_MAXSSIZE)
    return 0;

  root = dk_json_parse ((const char *) data, (gssize) size, &error);
  if (root == NULL)
    {
      check_error ("dk_json_parse", error);
      return 0;
    }

  if (dk_json_expect_object (root, "body", NULL) != NULL)
    check_readers (json_node_get_object (root));

  check_node (root);

  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);
      guint n = MIN (json_array_get_length (array), MAX_ITEMS);

      for (guint i = 0; i < n; i++)
        check_node (json_array_get_element (array, i));
    }

  return 0;
}
