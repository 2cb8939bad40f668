/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-fold.c: folding text for search, the same for the index and for queries */

#define G_LOG_DOMAIN "dk-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dk-store-private.h"

/* Appends the folded form of one lower-case character. */
static void
append_folded (GString  *out,
               gunichar  c)
{
  gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize n;

  /* Latin-1 letters, the common case in Swedish and Norwegian text, from a table. */
  static const char * const latin1[] = {
    /* ß */ "ss",
    /* à á â ã ä å æ ç */ "a", "a", "a", "a", "a", "a", "ae", "c",
    /* è é ê ë ì í î ï */ "e", "e", "e", "e", "i", "i", "i", "i",
    /* ð ñ ò ó ô õ ö ÷ */ "d", "n", "o", "o", "o", "o", "o", NULL,
    /* ø ù ú û ü ý þ ÿ */ "o", "u", "u", "u", "u", "y", NULL, "y",
  };

  if (c >= 0x00df && c <= 0x00ff && latin1[c - 0x00df] != NULL)
    {
      g_string_append (out, latin1[c - 0x00df]);
      return;
    }

  switch (c)
    {
    case 0x00e6: /* æ */
      g_string_append (out, "ae");
      return;
    case 0x0153: /* œ */
      g_string_append (out, "oe");
      return;
    case 0x00df: /* ß */
      g_string_append (out, "ss");
      return;
    case 0x00f8: /* ø: a letter of its own, it does not decompose */
      g_string_append_c (out, 'o');
      return;
    case 0x0111: /* đ */
    case 0x00f0: /* ð */
      g_string_append_c (out, 'd');
      return;
    case 0x0142: /* ł */
      g_string_append_c (out, 'l');
      return;
    default:
      break;
    }

  /* å ä à á â → a, ö ó ô → o, é è ê ë → e, ü → u, ...: the base letter of the
   * canonical decomposition, when that base is ASCII. */
  n = g_unichar_fully_decompose (c, FALSE, decomposed, G_N_ELEMENTS (decomposed));
  if (n > 1 && decomposed[0] < 0x80)
    g_string_append_c (out, (char) decomposed[0]);
  else
    g_string_append_unichar (out, c);
}

void
_dk_store_fold_append (GString    *out,
                       const char *text)
{
  const char *p;

  for (p = text; *p != '\0';)
    {
      guchar byte = (guchar) *p;
      gunichar c;

      /* Most text is ASCII: no Unicode tables for it, and a whole run at once. */
      if (byte < 0x80)
        {
          const char *run = p;
          gsize at = out->len;

          while ((guchar) *p - 1u < 0x7fu)   /* 0x01 to 0x7f */
            p++;
          g_string_append_len (out, run, p - run);
          for (char *q = out->str + at; *q != '\0'; q++)
            {
              if (*q >= 'A' && *q <= 'Z')
                *q += 'a' - 'A';
            }
          continue;
        }

      c = g_utf8_get_char_validated (p, -1);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* Not UTF-8 (never from the codec): a space keeps the words apart. */
          g_string_append_c (out, ' ');
          p++;
          continue;
        }
      append_folded (out, g_unichar_tolower (c));
      p = g_utf8_next_char (p);
    }
}

char *
_dk_store_fold (const char *text)
{
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (text));
  _dk_store_fold_append (out, text);
  return g_string_free (out, FALSE);
}

static void
fold_sql_func (sqlite3_context  *context,
               int               argc,
               sqlite3_value   **argv)
{
  const char *text;
  char *folded;

  if (sqlite3_value_type (argv[0]) == SQLITE_NULL)
    {
      sqlite3_result_null (context);
      return;
    }

  text = (const char *) sqlite3_value_text (argv[0]);
  folded = _dk_store_fold (text);
  sqlite3_result_text (context, folded, -1, g_free);
}

gboolean
_dk_store_register_fold (sqlite3 *db)
{
  return sqlite3_create_function_v2 (db, "dk_fold", 1,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                     NULL, fold_sql_func, NULL, NULL, NULL) == SQLITE_OK;
}
