/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-text.c: text that can be published
 *
 * Published text ends up in an Atom feed (XML 1.0), an HTML page and in readers that
 * hand it to JavaScript. XML 1.0 forbids the C0 controls but tab, newline and carriage
 * return, the surrogates and U+FFFE/U+FFFF: one such character makes the whole feed
 * invalid for every reader. U+2028 and U+2029 end a JavaScript string literal in
 * older engines and break lines where no line is expected. The Unicode noncharacters
 * (U+FDD0..U+FDEF, U+xxFFFE/U+xxFFFF) are for a program's internal use and never
 * interchange. DEL and the C1 controls are allowed by XML but never typed; the codecs
 * refuse them already.
 *
 * Such text is refused where it is typed (the outbox and the server's mutations), and
 * written safely whatever is stored (old data, imports) by dk_text_dup_publishable ().
 */

#define G_LOG_DOMAIN "dk-text"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dk-error.h"
#include "dk-text.h"

/**
 * dk_unichar_is_publishable:
 * @c: a code point
 *
 * Returns: whether @c may appear in published text (tab, newline and carriage return
 *   included)
 */
gboolean
dk_unichar_is_publishable (gunichar c)
{
  if (c < 0x20)
    return c == '\t' || c == '\n' || c == '\r';
  if (c >= 0x7f && c <= 0x9f)
    return FALSE;
  if (c == 0x2028 || c == 0x2029)
    return FALSE;
  if (c >= 0xd800 && c <= 0xdfff)
    return FALSE;
  if (c >= 0xfdd0 && c <= 0xfdef)
    return FALSE;
  if ((c & 0xfffe) == 0xfffe)
    return FALSE;
  return c <= 0x10ffff;
}

/**
 * dk_text_check_publishable:
 * @text: (nullable): valid UTF-8
 * @member: the name the message gives the text ("title")
 * @error: return location for a #GError
 *
 * Returns: %TRUE when every character of @text may be published; %NULL may
 */
gboolean
dk_text_check_publishable (const char  *text,
                           const char  *member,
                           GError     **error)
{
  g_return_val_if_fail (member != NULL, FALSE);

  if (text == NULL)
    return TRUE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be valid UTF-8"), member);
          return FALSE;
        }
      if (!dk_unichar_is_publishable (c))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                       /* Translators: %s is a field ("title"), U+%04X a character's
                        * code ("U+2028"). */
                       _("%s: must not contain the character U+%04X, which a feed or web "
                         "page cannot show; remove it (it is often pasted in unseen)"),
                       member, c);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * dk_json_check_publishable:
 * @node: (nullable): any JSON
 * @member: (nullable): the path of @node, %NULL for the top
 * @error: return location for a #GError
 *
 * Checks every string in @node, and every member name, with
 * dk_text_check_publishable ().
 *
 * Returns: %TRUE when all of them may be published
 */
gboolean
dk_json_check_publishable (JsonNode    *node,
                           const char  *member,
                           GError     **error)
{
  if (node == NULL)
    return TRUE;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *value;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &value))
          {
            g_autofree char *path = member != NULL ? g_strconcat (member, ".", name, NULL)
                                                   : g_strdup (name);

            if (!dk_text_check_publishable (name, member != NULL ? member : "data", error) ||
                !dk_json_check_publishable (value, path, error))
              return FALSE;
          }
        return TRUE;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            g_autofree char *path = g_strdup_printf ("%s[%u]", member != NULL ? member : "",
                                                     i);

            if (!dk_json_check_publishable (json_array_get_element (array, i), path, error))
              return FALSE;
          }
        return TRUE;
      }

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        return dk_text_check_publishable (json_node_get_string (node),
                                          member != NULL ? member : "data", error);
      return TRUE;

    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

/**
 * dk_text_dup_publishable:
 * @text: any bytes
 * @length: the length of @text, or -1 when it ends in a nul
 *
 * Returns: (transfer full): @text made publishable: invalid UTF-8 and every character
 *   that may not be published become U+FFFD, U+2028 and U+2029 a space
 */
char *
dk_text_dup_publishable (const char *text,
                         gssize      length)
{
  g_autofree char *valid = NULL;
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  valid = g_utf8_make_valid (text, length);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (dk_unichar_is_publishable (c))
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      else if (c == 0x2028 || c == 0x2029)
        g_string_append_c (out, ' ');
      else
        g_string_append (out, "\xef\xbf\xbd");
    }
  return g_string_free (out, FALSE);
}
