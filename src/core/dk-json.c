/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-json.c: parsing JSON and reading typed, validated members with clear errors */

#define G_LOG_DOMAIN "dk-json"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dk-error.h"
#include "dk-json-private.h"
#include "dk-time.h"

/*
 * Scans valid UTF-8 for characters no field may hold and counts the characters.
 * C0 controls (except \n and \t when @multiline), DEL and U+0080–U+009F (0xC2 0x80–0x9F
 * in UTF-8) are refused.
 */
static gboolean
scan_clean_utf8 (const char *text,
                 gsize       length,
                 gboolean    multiline,
                 gsize      *n_chars)
{
  const guchar *p = (const guchar *) text;
  const guchar *end = p + length;
  gsize count = 0;

  for (; p < end; p++)
    {
      guchar c = *p;

      if (c < 0x80)
        {
          if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7f)
            return FALSE;
          count++;
        }
      else if ((c & 0xc0) != 0x80)
        {
          if (c == 0xc2 && p + 1 < end && p[1] >= 0x80 && p[1] <= 0x9f)
            return FALSE;
          count++;
        }
    }

  if (n_chars != NULL)
    *n_chars = count;
  return TRUE;
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

/*
 * Looks up @member. Returns FALSE with an error when it is absent but required or null
 * but not nullable. Otherwise returns TRUE with *node set to the member, or NULL when the
 * caller should leave its default (absent) or store "nothing" (null).
 */
static gboolean
lookup_member (JsonObject   *object,
               const char   *member,
               DkJsonFlags   flags,
               gboolean     *is_null,
               JsonNode    **node,
               GError      **error)
{
  JsonNode *found = json_object_get_member (object, member);

  *node = NULL;
  *is_null = FALSE;

  if (found == NULL)
    {
      if (flags & DK_JSON_REQUIRED)
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: is required"), member);
          return FALSE;
        }
      return TRUE;
    }

  if (JSON_NODE_HOLDS_NULL (found))
    {
      if (!(flags & DK_JSON_NULLABLE))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must not be null"), member);
          return FALSE;
        }
      *is_null = TRUE;
      return TRUE;
    }

  *node = found;
  return TRUE;
}

/* What a member must hold, besides null where that is allowed. */
typedef enum {
  HOLDS_OBJECT,
  HOLDS_ARRAY,
  HOLDS_INTEGER,
  HOLDS_BOOLEAN,
} Holds;

static gboolean
node_holds (JsonNode *node,
            Holds     what)
{
  switch (what)
    {
    case HOLDS_OBJECT:
      return JSON_NODE_HOLDS_OBJECT (node);
    case HOLDS_ARRAY:
      return JSON_NODE_HOLDS_ARRAY (node);
    case HOLDS_INTEGER:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
    case HOLDS_BOOLEAN:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
    default:
      g_assert_not_reached ();
    }
}

/* Looks up @member like lookup_member and checks that it holds @what: TRUE with *node
 * the member, or NULL when it is absent or null. */
static gboolean
lookup_typed (JsonObject   *object,
              const char   *member,
              DkJsonFlags   flags,
              Holds         what,
              JsonNode    **node,
              GError      **error)
{
  gboolean is_null;

  if (!lookup_member (object, member, flags, &is_null, node, error))
    return FALSE;
  if (*node == NULL || node_holds (*node, what))
    return TRUE;

  switch (what)
    {
    case HOLDS_OBJECT:
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be an object"), member);
      break;
    case HOLDS_ARRAY:
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be an array"), member);
      break;
    case HOLDS_INTEGER:
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be an integer"), member);
      break;
    case HOLDS_BOOLEAN:
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be true or false"), member);
      break;
    default:
      g_assert_not_reached ();
    }
  *node = NULL;
  return FALSE;
}

/* How an error names a member, or an item of an array member when @index >= 0. */
static char *
dup_name (const char *member,
          int         index)
{
  if (index < 0)
    return g_strdup (member);
  return g_strdup_printf ("%s[%d]", member, index);
}

/* Checks one string value of @member, or of its item @index when that is >= 0. */
static gboolean
check_string (const char   *member,
              int           index,
              const char   *str,
              DkJsonFlags   flags,
              gsize         max_chars,
              GError      **error)
{
  gsize length = strlen (str);
  gsize n_chars = 0;
  g_autofree char *name = NULL;

  if (!g_utf8_validate (str, length, NULL))
    {
      name = dup_name (member, index);
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be valid UTF-8"), name);
      return FALSE;
    }
  if (!scan_clean_utf8 (str, length, (flags & DK_JSON_MULTILINE) != 0, &n_chars))
    {
      name = dup_name (member, index);
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must not contain control characters"), name);
      return FALSE;
    }
  if (max_chars > 0 && n_chars > max_chars)
    {
      name = dup_name (member, index);
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s: must be at most %u character",
                                "%s: must be at most %u characters",
                                max_chars),
                   name, (guint) max_chars);
      return FALSE;
    }
  if ((flags & DK_JSON_NONEMPTY) && !has_visible_char (str))
    {
      name = dup_name (member, index);
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must not be empty"), name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/**
 * dk_json_parse:
 * @data: the JSON text
 * @length: the length of @data in bytes, or -1 when it is NUL-terminated
 * @error: return location for a #GError
 *
 * Parses a whole document. Empty data, invalid UTF-8 and malformed JSON are
 * %DK_ERROR_INVALID.
 *
 * Returns: (transfer full): the root node
 */
JsonNode *
dk_json_parse (const char  *data,
               gssize       length,
               GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (data == NULL)
    length = 0;
  else if (length < 0)
    length = (gssize) strlen (data);

  if (length == 0)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID, _("malformed JSON: empty document"));
      return NULL;
    }
  if (!g_utf8_validate (data, length, NULL))
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("malformed JSON: not valid UTF-8"));
      return NULL;
    }

  if (!_dk_json_check_syntax (data, (gsize) length, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("malformed JSON: %s"),
                   local_error->message);
      return NULL;
    }
  if (json_parser_has_assignment (parser, NULL))
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("malformed JSON: unexpected assignment"));
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID, _("malformed JSON: empty document"));
      return NULL;
    }

  return json_node_ref (root);
}

/**
 * dk_json_expect_object:
 * @node: (nullable): a node
 * @what: how the error names the node ("body", "data")
 * @error: return location for a #GError
 *
 * Returns: (transfer none) (nullable): the node's object, or %NULL with
 *   %DK_ERROR_INVALID
 */
JsonObject *
dk_json_expect_object (JsonNode    *node,
                       const char  *what,
                       GError     **error)
{
  g_return_val_if_fail (what != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be an object"), what);
      return NULL;
    }
  return json_node_get_object (node);
}

/**
 * dk_json_to_string:
 * @node: a node
 *
 * Returns: (transfer full): compact JSON text
 */
char *
dk_json_to_string (JsonNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  return json_to_string (node, FALSE);
}

/**
 * dk_json_read_string:
 * @object: the object
 * @member: the member's name
 * @flags: #DkJsonFlags
 * @max_chars: the most characters the string may hold, 0 for no limit
 * @out: (out) (transfer full): the string, %NULL for a null member
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; an absent optional member leaves *@out untouched
 */
gboolean
dk_json_read_string (JsonObject   *object,
                     const char   *member,
                     DkJsonFlags   flags,
                     gsize         max_chars,
                     char        **out,
                     GError      **error)
{
  JsonNode *node;
  gboolean is_null;
  const char *str;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!lookup_member (object, member, flags, &is_null, &node, error))
    return FALSE;
  if (is_null)
    {
      *out = NULL;
      return TRUE;
    }
  if (node == NULL)
    return TRUE;

  if (!node_is_string (node))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be a string"), member);
      return FALSE;
    }

  str = json_node_get_string (node);
  if (!check_string (member, -1, str, flags, max_chars, error))
    return FALSE;

  *out = g_strdup (str);
  return TRUE;
}

/**
 * dk_json_read_int:
 * @object: the object
 * @member: the member's name
 * @flags: #DkJsonFlags
 * @min: the smallest allowed value
 * @max: the largest allowed value
 * @out: (out): the value; a null member leaves it untouched
 * @error: return location for a #GError
 *
 * Only integers are accepted (not 1.0, not "1", not true).
 *
 * Returns: %TRUE on success
 */
gboolean
dk_json_read_int (JsonObject   *object,
                  const char   *member,
                  DkJsonFlags   flags,
                  gint64        min,
                  gint64        max,
                  gint64       *out,
                  GError      **error)
{
  JsonNode *node;
  gint64 value;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!lookup_typed (object, member, flags, HOLDS_INTEGER, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;

  value = json_node_get_int (node);
  if (value < min || value > max)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must be between %lld and %lld"),
                   member, (long long) min, (long long) max);
      return FALSE;
    }

  *out = value;
  return TRUE;
}

/**
 * dk_json_read_bool:
 * @object: the object
 * @member: the member's name
 * @flags: #DkJsonFlags
 * @out: (out): the value; a null member leaves it untouched
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
dk_json_read_bool (JsonObject   *object,
                   const char   *member,
                   DkJsonFlags   flags,
                   gboolean     *out,
                   GError      **error)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!lookup_typed (object, member, flags, HOLDS_BOOLEAN, &node, error))
    return FALSE;

  if (node != NULL)
    *out = json_node_get_boolean (node);
  return TRUE;
}

/**
 * dk_json_read_time:
 * @object: the object
 * @member: the member's name
 * @flags: #DkJsonFlags
 * @out: (out): Unix seconds, %DK_TIME_UNSET for a null member
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
dk_json_read_time (JsonObject   *object,
                   const char   *member,
                   DkJsonFlags   flags,
                   gint64       *out,
                   GError      **error)
{
  JsonNode *node;
  gboolean is_null;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!lookup_member (object, member, flags, &is_null, &node, error))
    return FALSE;
  if (is_null)
    {
      *out = DK_TIME_UNSET;
      return TRUE;
    }
  if (node == NULL)
    return TRUE;

  if (!node_is_string (node) || !dk_time_parse (json_node_get_string (node), out, NULL))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must be an RFC 3339 time such as 2026-11-24T14:05:00Z"), member);
      return FALSE;
    }
  return TRUE;
}

/**
 * dk_json_read_string_array:
 * @object: the object
 * @member: the member's name
 * @flags: #DkJsonFlags; %DK_JSON_MULTILINE and %DK_JSON_NONEMPTY apply to each item
 * @max_items: the most items the array may hold
 * @max_chars: the most characters each item may hold, 0 for no limit
 * @out: (out) (transfer full) (element-type utf8): the strings; %NULL for a null member
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
dk_json_read_string_array (JsonObject   *object,
                           const char   *member,
                           DkJsonFlags   flags,
                           guint         max_items,
                           gsize         max_chars,
                           GPtrArray   **out,
                           GError      **error)
{
  g_autoptr(GPtrArray) result = NULL;
  JsonArray *array = NULL;
  guint n;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!dk_json_read_array (object, member, flags, max_items, &array, error))
    return FALSE;
  if (array == NULL)
    {
      if (json_object_has_member (object, member))
        *out = NULL;
      return TRUE;
    }

  n = json_array_get_length (array);
  result = g_ptr_array_new_full (n, g_free);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *str;

      if (!node_is_string (item))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s[%u]: must be a string"),
                       member, i);
          return FALSE;
        }
      str = json_node_get_string (item);
      if (!check_string (member, (int) i, str, flags, max_chars, error))
        return FALSE;
      g_ptr_array_add (result, g_strdup (str));
    }

  *out = g_steal_pointer (&result);
  return TRUE;
}

/**
 * dk_json_read_object:
 * @object: the object
 * @member: the member's name
 * @flags: #DkJsonFlags
 * @out: (out) (transfer none) (nullable): the member's object; %NULL for a null member
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
dk_json_read_object (JsonObject   *object,
                     const char   *member,
                     DkJsonFlags   flags,
                     JsonObject  **out,
                     GError      **error)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!lookup_typed (object, member, flags, HOLDS_OBJECT, &node, error))
    return FALSE;

  *out = node != NULL ? json_node_get_object (node) : NULL;
  return TRUE;
}

/**
 * dk_json_read_array:
 * @object: the object
 * @member: the member's name
 * @flags: #DkJsonFlags
 * @max_items: the most items the array may hold
 * @out: (out) (transfer none) (nullable): the member's array; %NULL when absent or null
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
dk_json_read_array (JsonObject   *object,
                    const char   *member,
                    DkJsonFlags   flags,
                    guint         max_items,
                    JsonArray   **out,
                    GError      **error)
{
  JsonNode *node;
  JsonArray *array;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!lookup_typed (object, member, flags, HOLDS_ARRAY, &node, error))
    return FALSE;
  if (node == NULL)
    {
      *out = NULL;
      return TRUE;
    }

  array = json_node_get_array (node);
  if (json_array_get_length (array) > max_items)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s: must have at most %u item",
                                "%s: must have at most %u items",
                                max_items),
                   member, max_items);
      return FALSE;
    }

  *out = array;
  return TRUE;
}

/**
 * dk_text_is_clean:
 * @text: (nullable): text
 * @multiline: whether \n and \t are allowed
 *
 * Returns: %TRUE when @text is valid UTF-8 without C0 control characters (but \n and \t
 *   when @multiline), DEL or C1 control characters; %NULL is clean
 */
gboolean
dk_text_is_clean (const char *text,
                  gboolean    multiline)
{
  gsize length;

  if (text == NULL)
    return TRUE;

  length = strlen (text);
  return g_utf8_validate (text, length, NULL) &&
         scan_clean_utf8 (text, length, multiline, NULL);
}

/**
 * dk_is_uuid:
 * @text: (nullable): text
 *
 * Returns: whether @text is a canonical lower-case UUID (8-4-4-4-12 hex digits)
 */
gboolean
dk_is_uuid (const char *text)
{
  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < 36; i++)
    {
      char c = text[i];

      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (c != '-')
            return FALSE;
        }
      else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
        {
          return FALSE;
        }
    }
  return text[36] == '\0';
}
