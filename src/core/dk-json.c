/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-json.c: parsing JSON and reading typed, validated members with clear errors */

#define G_LOG_DOMAIN "dk-json"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dk-error.h"
#include "dk-json.h"
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

/*
 * A strict RFC 8259 syntax check run before json-glib, whose scanner is lenient: it takes
 * single-quoted strings, comments, hex and leading-zero numbers, wraps integers that do not
 * fit in 64 bits, cuts strings at \u0000 and recurses without limit. One pass, no
 * allocation.
 */
#define MAX_DEPTH 64

typedef struct {
  const char *start;
  const char *p;
  const char *end;
  const char *problem;
} Syntax;

static gboolean syntax_value (Syntax *sx, guint depth);

static gboolean
syntax_fail (Syntax     *sx,
             const char *problem)
{
  if (sx->problem == NULL)
    sx->problem = problem;
  return FALSE;
}

static void
syntax_skip_space (Syntax *sx)
{
  while (sx->p < sx->end &&
         (*sx->p == ' ' || *sx->p == '\t' || *sx->p == '\n' || *sx->p == '\r'))
    sx->p++;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads the 4 hex digits after "\u". */
static gboolean
syntax_hex4 (Syntax  *sx,
             guint   *out)
{
  guint value = 0;

  if (sx->end - sx->p < 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      int h = hex_value (sx->p[i]);

      if (h < 0)
        return FALSE;
      value = value * 16 + (guint) h;
    }
  sx->p += 4;
  *out = value;
  return TRUE;
}

static gboolean
syntax_string (Syntax *sx)
{
  sx->p++; /* the opening quote */
  while (sx->p < sx->end)
    {
      guchar c = (guchar) *sx->p;

      if (c == '"')
        {
          sx->p++;
          return TRUE;
        }
      if (c < 0x20)
        return syntax_fail (sx, N_("control character in a string"));
      if (c != '\\')
        {
          sx->p++;
          continue;
        }

      sx->p++;
      if (sx->p >= sx->end)
        break;
      switch (*sx->p)
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          sx->p++;
          break;
        case 'u':
          {
            guint unit, low;

            sx->p++;
            if (!syntax_hex4 (sx, &unit))
              return syntax_fail (sx, N_("bad \\u escape"));
            if (unit == 0)
              return syntax_fail (sx, N_("\\u0000 in a string"));
            if (unit >= 0xdc00 && unit <= 0xdfff)
              return syntax_fail (sx, N_("lone surrogate in a string"));
            if (unit >= 0xd800 && unit <= 0xdbff)
              {
                if (sx->end - sx->p < 6 || sx->p[0] != '\\' || sx->p[1] != 'u')
                  return syntax_fail (sx, N_("lone surrogate in a string"));
                sx->p += 2;
                if (!syntax_hex4 (sx, &low) || low < 0xdc00 || low > 0xdfff)
                  return syntax_fail (sx, N_("lone surrogate in a string"));
              }
          }
          break;
        default:
          return syntax_fail (sx, N_("bad escape in a string"));
        }
    }
  return syntax_fail (sx, N_("unterminated string"));
}

static gboolean
syntax_number (Syntax *sx)
{
  const char *digits;
  gboolean negative = FALSE;
  gboolean integer = TRUE;
  gsize n_digits;

  if (*sx->p == '-')
    {
      negative = TRUE;
      sx->p++;
    }
  digits = sx->p;
  if (sx->p >= sx->end || !g_ascii_isdigit (*sx->p))
    return syntax_fail (sx, N_("bad number"));
  if (*sx->p == '0')
    sx->p++;
  else
    while (sx->p < sx->end && g_ascii_isdigit (*sx->p))
      sx->p++;
  n_digits = (gsize) (sx->p - digits);

  if (sx->p < sx->end && *sx->p == '.')
    {
      integer = FALSE;
      sx->p++;
      if (sx->p >= sx->end || !g_ascii_isdigit (*sx->p))
        return syntax_fail (sx, N_("bad number"));
      while (sx->p < sx->end && g_ascii_isdigit (*sx->p))
        sx->p++;
    }
  if (sx->p < sx->end && (*sx->p == 'e' || *sx->p == 'E'))
    {
      integer = FALSE;
      sx->p++;
      if (sx->p < sx->end && (*sx->p == '+' || *sx->p == '-'))
        sx->p++;
      if (sx->p >= sx->end || !g_ascii_isdigit (*sx->p))
        return syntax_fail (sx, N_("bad number"));
      while (sx->p < sx->end && g_ascii_isdigit (*sx->p))
        sx->p++;
    }

  /* Integers must fit in 64 bits: json-glib would wrap them. */
  if (integer && n_digits >= 19)
    {
      const char *limit = negative ? "9223372036854775808" : "9223372036854775807";

      if (n_digits > 19 || strncmp (digits, limit, 19) > 0)
        return syntax_fail (sx, N_("integer out of range"));
    }
  return TRUE;
}

static gboolean
syntax_literal (Syntax     *sx,
                const char *word)
{
  gsize len = strlen (word);

  if ((gsize) (sx->end - sx->p) < len || strncmp (sx->p, word, len) != 0)
    return syntax_fail (sx, N_("unexpected character"));
  sx->p += len;
  return TRUE;
}

static gboolean
syntax_container (Syntax *sx,
                  guint   depth,
                  char    close)
{
  gboolean is_object = close == '}';

  if (depth >= MAX_DEPTH)
    return syntax_fail (sx, N_("nested too deeply"));

  sx->p++; /* the opening bracket */
  syntax_skip_space (sx);
  if (sx->p < sx->end && *sx->p == close)
    {
      sx->p++;
      return TRUE;
    }

  for (;;)
    {
      if (is_object)
        {
          if (sx->p >= sx->end || *sx->p != '"')
            return syntax_fail (sx, N_("expected a member name"));
          if (!syntax_string (sx))
            return FALSE;
          syntax_skip_space (sx);
          if (sx->p >= sx->end || *sx->p != ':')
            return syntax_fail (sx, N_("expected ':'"));
          sx->p++;
        }
      if (!syntax_value (sx, depth + 1))
        return FALSE;
      syntax_skip_space (sx);
      if (sx->p < sx->end && *sx->p == ',')
        {
          sx->p++;
          syntax_skip_space (sx);
          continue;
        }
      if (sx->p < sx->end && *sx->p == close)
        {
          sx->p++;
          return TRUE;
        }
      return syntax_fail (sx, is_object ? N_("expected ',' or '}'") : N_("expected ',' or ']'"));
    }
}

static gboolean
syntax_value (Syntax *sx,
              guint   depth)
{
  syntax_skip_space (sx);
  if (sx->p >= sx->end)
    return syntax_fail (sx, N_("unexpected end of data"));

  switch (*sx->p)
    {
    case '{':
      return syntax_container (sx, depth, '}');
    case '[':
      return syntax_container (sx, depth, ']');
    case '"':
      return syntax_string (sx);
    case 't':
      return syntax_literal (sx, "true");
    case 'f':
      return syntax_literal (sx, "false");
    case 'n':
      return syntax_literal (sx, "null");
    default:
      if (*sx->p == '-' || g_ascii_isdigit (*sx->p))
        return syntax_number (sx);
      return syntax_fail (sx, N_("unexpected character"));
    }
}

/* Checks a whole document; on failure names the line and the problem. */
static gboolean
check_syntax (const char  *data,
              gsize        length,
              GError     **error)
{
  Syntax sx = { data, data, data + length, NULL };
  guint line = 1;

  if (syntax_value (&sx, 0))
    {
      syntax_skip_space (&sx);
      if (sx.p == sx.end)
        return TRUE;
      syntax_fail (&sx, N_("unexpected data after the document"));
    }

  for (const char *q = data; q < sx.p && q < sx.end; q++)
    {
      if (*q == '\n')
        line++;
    }
  g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
               /* Translators: %u is a line number, %s what is wrong there */
               _("malformed JSON at line %u: %s"), line,
               _(sx.problem != NULL ? sx.problem : N_("unexpected character")));
  return FALSE;
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

  if (!check_syntax (data, (gsize) length, error))
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
  gboolean is_null;
  gint64 value;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!lookup_member (object, member, flags, &is_null, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be an integer"), member);
      return FALSE;
    }

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
  gboolean is_null;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!lookup_member (object, member, flags, &is_null, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be true or false"), member);
      return FALSE;
    }

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
  gboolean is_null;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!lookup_member (object, member, flags, &is_null, &node, error))
    return FALSE;
  if (node == NULL)
    {
      *out = NULL;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be an object"), member);
      return FALSE;
    }

  *out = json_node_get_object (node);
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
  gboolean is_null;
  JsonArray *array;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!lookup_member (object, member, flags, &is_null, &node, error))
    return FALSE;
  if (node == NULL)
    {
      *out = NULL;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be an array"), member);
      return FALSE;
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
