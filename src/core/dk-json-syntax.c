/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-json-syntax.c: the strict JSON syntax check that runs before json-glib */

#define G_LOG_DOMAIN "dk-json"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dk-error.h"
#include "dk-json-private.h"

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
gboolean
_dk_json_check_syntax (const char  *data,
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
