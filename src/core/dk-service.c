/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-service.c: a service (berörd tjänst): an IT system, power, gas, a service delivery */

#define G_LOG_DOMAIN "dk-service"

#include "config.h"

#include "dk-service.h"

#define SLUG_MAX_CHARS 64

G_DEFINE_BOXED_TYPE (DkService, dk_service, dk_service_ref, dk_service_unref)

static void
dk_service_free (DkService *self)
{
  g_free (self->id);
  g_free (self->name);
  g_free (self->description);
  g_free (self);
}

/* Appends what a lower-case character becomes in a slug; FALSE when it separates words. */
static gboolean
append_slug_char (GString  *slug,
                  gunichar  c)
{
  gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize n;

  if (c < 0x80)
    {
      if (!g_ascii_isalnum ((char) c))
        return FALSE;
      g_string_append_c (slug, g_ascii_tolower ((char) c));
      return TRUE;
    }

  switch (c)
    {
    case 0x00e5: /* å */
    case 0x00e4: /* ä */
    case 0x00e0: /* à */
    case 0x00e1: /* á */
      g_string_append_c (slug, 'a');
      return TRUE;
    case 0x00f6: /* ö */
    case 0x00f8: /* ø */
    case 0x00f3: /* ó */
      g_string_append_c (slug, 'o');
      return TRUE;
    case 0x00e6: /* æ */
      g_string_append (slug, "ae");
      return TRUE;
    case 0x00e9: /* é */
      g_string_append_c (slug, 'e');
      return TRUE;
    case 0x00fc: /* ü */
      g_string_append_c (slug, 'u');
      return TRUE;
    case 0x00df: /* ß */
      g_string_append (slug, "ss");
      return TRUE;
    default:
      break;
    }

  /* Other letters with a diacritic keep their base letter (ñ → n). */
  n = g_unichar_fully_decompose (c, FALSE, decomposed, G_N_ELEMENTS (decomposed));
  if (n > 1 && decomposed[0] < 0x80 && g_ascii_isalnum ((char) decomposed[0]))
    {
      g_string_append_c (slug, g_ascii_tolower ((char) decomposed[0]));
      return TRUE;
    }
  return FALSE;
}

/**
 * dk_service_new:
 *
 * Returns: (transfer full): a new, empty service in IT/Telephony
 */
DkService *
dk_service_new (void)
{
  DkService *self = g_new0 (DkService, 1);

  g_atomic_ref_count_init (&self->ref_count);
  return self;
}

/**
 * dk_service_ref:
 * @self: a #DkService
 *
 * Returns: (transfer full): @self
 */
DkService *
dk_service_ref (DkService *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * dk_service_unref:
 * @self: (transfer full): a #DkService
 */
void
dk_service_unref (DkService *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    dk_service_free (self);
}

/**
 * dk_service_copy:
 * @self: a #DkService
 *
 * Returns: (transfer full): a deep copy of @self
 */
DkService *
dk_service_copy (const DkService *self)
{
  DkService *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = dk_service_new ();
  copy->id = g_strdup (self->id);
  copy->name = g_strdup (self->name);
  copy->area = self->area;
  copy->description = g_strdup (self->description);
  copy->revision = self->revision;
  return copy;
}

/**
 * dk_service_slug_from_name:
 * @name: (nullable): a service name ("Klinisk kemi")
 *
 * Lower-case ASCII letters and digits, with å/ä → a, ö/ø → o, æ → ae (and other letters
 * with diacritics to their base letter); every other run of characters becomes one '-'.
 * At most 64 characters, never empty ("service" when nothing is left).
 *
 * Returns: (transfer full): the slug ("klinisk-kemi")
 */
char *
dk_service_slug_from_name (const char *name)
{
  g_autoptr(GString) slug = g_string_sized_new (32);
  gboolean pending_dash = FALSE;

  if (name != NULL && g_utf8_validate (name, -1, NULL))
    {
      for (const char *p = name; *p != '\0' && slug->len < SLUG_MAX_CHARS;
           p = g_utf8_next_char (p))
        {
          gunichar c = g_unichar_tolower (g_utf8_get_char (p));
          gsize before = slug->len;

          if (pending_dash && slug->len > 0)
            g_string_append_c (slug, '-');

          if (append_slug_char (slug, c))
            {
              pending_dash = FALSE;
            }
          else
            {
              g_string_truncate (slug, before);
              pending_dash = TRUE;
            }
        }
    }

  if (slug->len > SLUG_MAX_CHARS)
    g_string_truncate (slug, SLUG_MAX_CHARS);
  while (slug->len > 0 && slug->str[slug->len - 1] == '-')
    g_string_truncate (slug, slug->len - 1);

  if (slug->len == 0)
    return g_strdup ("service");
  return g_string_free (g_steal_pointer (&slug), FALSE);
}
