/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-format.c: how the app writes times, ages, services and search matches */

#define G_LOG_DOMAIN "dk-format"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-format.h"
#include "dk-time.h"

char *
dk_format_time (gint64 t)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (t == DK_TIME_UNSET)
    return g_strdup ("");

  utc = g_date_time_new_from_unix_utc (t);
  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

char *
dk_format_age (gint64 t,
               gint64 now)
{
  gint64 seconds = MAX (now - t, 0);

  if (seconds < 60)
    return g_strdup (_("less than a minute"));
  if (seconds < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes",
                                         seconds / 60), (int) (seconds / 60));
  if (seconds < 2 * 86400)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours",
                                         seconds / 3600), (int) (seconds / 3600));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days",
                                       seconds / 86400), (int) (seconds / 86400));
}

char *
dk_format_services (GPtrArray  *service_ids,
                    GHashTable *names)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; service_ids != NULL && i < service_ids->len; i++)
    {
      const char *id = g_ptr_array_index (service_ids, i);
      const char *name = names != NULL ? g_hash_table_lookup (names, id) : NULL;

      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, name != NULL ? name : id);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* One character as the search index folds it: lower case, without diacritics;
 * æ → a, ø → o, ß → s (the first letter is enough to compare prefixes). */
static gunichar
fold_char (gunichar c)
{
  gunichar decomposed[4];
  gsize n;

  c = g_unichar_tolower (c);
  switch (c)
    {
    case 0x00E6: return 'a';  /* æ */
    case 0x00F8: return 'o';  /* ø */
    case 0x0153: return 'o';  /* œ */
    case 0x00DF: return 's';  /* ß */
    default: break;
    }
  n = g_unichar_fully_decompose (c, FALSE, decomposed, G_N_ELEMENTS (decomposed));

  return n > 0 ? decomposed[0] : c;
}

/* The query's words, folded, as arrays of characters. */
static GPtrArray *
split_query (const char *query)
{
  GPtrArray *words = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  GArray *word = NULL;

  for (const char *p = query; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c))
        {
          if (word == NULL)
            word = g_array_new (FALSE, FALSE, sizeof (gunichar));
          c = fold_char (c);
          g_array_append_val (word, c);
        }
      else if (word != NULL)
        {
          g_ptr_array_add (words, word);
          word = NULL;
        }
    }
  if (word != NULL)
    g_ptr_array_add (words, word);

  return words;
}

/* How many characters of @text from @p a word of @words matches as a prefix (the
 * longest), 0 when none does. */
static guint
match_at (const char *p,
          GPtrArray  *words)
{
  guint best = 0;

  for (guint w = 0; w < words->len; w++)
    {
      GArray *word = g_ptr_array_index (words, w);
      const char *q = p;
      guint i;

      for (i = 0; i < word->len && *q != '\0'; i++, q = g_utf8_next_char (q))
        if (fold_char (g_utf8_get_char (q)) != g_array_index (word, gunichar, i))
          break;
      if (i == word->len && i > best)
        best = i;
    }

  return best;
}

char *
dk_format_highlight (const char *text,
                     const char *query)
{
  g_autoptr(GPtrArray) words = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean word_start = TRUE;
  const char *p;

  if (text == NULL)
    return g_strdup ("");
  if (query == NULL || query[0] == '\0')
    return g_markup_escape_text (text, -1);

  words = split_query (query);
  p = text;
  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);
      guint n = word_start && g_unichar_isalnum (c) ? match_at (p, words) : 0;

      if (n > 0)
        {
          const char *end = g_utf8_offset_to_pointer (p, n);
          g_autofree char *escaped = g_markup_escape_text (p, end - p);

          g_string_append_printf (out, "<span weight=\"bold\" underline=\"single\">%s</span>",
                                  escaped);
          p = end;
          word_start = FALSE;
          continue;
        }
      else
        {
          const char *next = g_utf8_next_char (p);
          g_autofree char *escaped = g_markup_escape_text (p, next - p);

          g_string_append (out, escaped);
          word_start = !g_unichar_isalnum (c);
          p = next;
        }
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}
