/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-core-message-template.c: the built-in message templates of seed 002 and filling them */

#include "config.h"

#include <string.h>

#include "dk-core.h"
#include "dk-message-template.h"

#define NOW G_GINT64_CONSTANT (1795529100) /* 2026-11-24T14:05:00Z */

/* What seed 002 asks every message to say, in each language: that the service is used
 * around the clock, when it started, the scope, when it is expected to be solved, and
 * that it is to be forwarded to the units concerned. */
static const struct {
  const char *language;
  const char *around_the_clock;
  const char *forward;
} asked[] = {
  { "sv", "dygnet runt", "Vidarebefordra denna information till berörda verksamheter." },
  { "nb", "døgnet rundt", "Videresend denne informasjonen til berørte enheter." },
  { "en", "around the clock", "Forward this information to the units concerned." },
};

static void
test_builtin_say_what_seed_002_asks (void)
{
  guint n = 0;
  const DkMessageTemplateText *texts = dk_message_template_texts (&n);

  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      const DkMessageTemplateText *t = &texts[i];
      gboolean known_language = FALSE;

      g_test_message ("%s", t->id);
      g_assert_true (g_str_has_prefix (t->id, "builtin-"));
      g_assert_true (g_str_has_suffix (t->id, t->language));
      g_assert_nonnull (t->name);
      g_assert_true (g_utf8_validate (t->title, -1, NULL));
      g_assert_true (g_utf8_validate (t->description, -1, NULL));
      g_assert_nonnull (strstr (t->description, "{start}"));
      g_assert_nonnull (strstr (t->description, "{scope}"));
      g_assert_nonnull (strstr (t->description, "{expected_end}"));
      for (guint l = 0; l < G_N_ELEMENTS (asked); l++)
        if (strcmp (asked[l].language, t->language) == 0)
          {
            known_language = TRUE;
            g_assert_nonnull (strstr (t->description, asked[l].around_the_clock));
            g_assert_true (g_str_has_suffix (t->description, asked[l].forward));
          }
      g_assert_true (known_language);
      /* Crisis information may name no service; the others say which it is. */
      if (t->kind != DK_CASE_KIND_CRISIS)
        g_assert_nonnull (strstr (t->description, "{service}"));
      g_assert_true (dk_message_template_text_by_id (t->id) == t);
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (texts[j].id, !=, t->id);
    }
}

/* Every kind and area a publisher has a template for exists in all three languages. */
static void
test_builtin_in_every_language (void)
{
  guint n = 0;
  const DkMessageTemplateText *texts = dk_message_template_texts (&n);

  for (guint i = 0; i < n; i++)
    for (guint l = 0; l < G_N_ELEMENTS (asked); l++)
      {
        gboolean found = FALSE;

        for (guint j = 0; j < n; j++)
          found |= texts[j].kind == texts[i].kind && texts[j].area == texts[i].area &&
                   strcmp (texts[j].language, asked[l].language) == 0;
        g_assert_true (found);
      }
  g_assert_nonnull (dk_message_template_text_by_id ("builtin-incident-lab-medicine-sv"));
  g_assert_nonnull (dk_message_template_text_by_id ("builtin-incident-lab-medicine-nb"));
  g_assert_nonnull (dk_message_template_text_by_id ("builtin-incident-lab-medicine-en"));
  g_assert_null (dk_message_template_text_by_id ("builtin-nothing"));
}

static void
test_builtin_as_templates (void)
{
  g_autoptr(GPtrArray) templates = dk_message_templates_builtin ();
  guint n = 0;
  const DkMessageTemplateText *texts = dk_message_template_texts (&n);

  g_assert_cmpuint (templates->len, ==, n);
  for (guint i = 0; i < templates->len; i++)
    {
      DkTemplate *tmpl = g_ptr_array_index (templates, i);

      g_assert_cmpstr (tmpl->id, ==, texts[i].id);
      g_assert_true (dk_message_template_is_builtin (tmpl->id));
      g_assert_cmpstr (tmpl->language, ==, texts[i].language);
      g_assert_cmpint (tmpl->kind, ==, texts[i].kind);
      g_assert_cmpint (tmpl->area, ==, texts[i].area);
      g_assert_cmpstr (tmpl->description, ==, texts[i].description);
      g_assert_null (tmpl->owner);
      g_assert_cmpint (tmpl->team, ==, 0);
    }
  g_assert_false (dk_message_template_is_builtin ("0b6c1f4e-8a3d-4c56-9e7f-2d1a5b8c9e0f"));
  g_assert_false (dk_message_template_is_builtin (NULL));
}

static void
test_fill_replaces_known_keeps_unknown (void)
{
  g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;

  g_hash_table_insert (values, (gpointer) "service", (gpointer) "Unilab");
  g_hash_table_insert (values, (gpointer) "scope", (gpointer) "Avd 12");

  a = dk_message_template_fill ("Störning i {service} för {scope}: {service}", values);
  g_assert_cmpstr (a, ==, "Störning i Unilab för Avd 12: Unilab");
  /* Not filled: the publisher sees what is left to write; braces of other kinds stay. */
  b = dk_message_template_fill ("Start {start}, {not a key, {service}} {", values);
  g_assert_cmpstr (b, ==, "Start {start}, {not a key, Unilab} {");
  c = dk_message_template_fill (NULL, values);
  g_assert_cmpstr (c, ==, "");
  d = dk_message_template_fill ("{service}", NULL);
  g_assert_cmpstr (d, ==, "{service}");
}

static void
test_fill_drops_lines_filled_empty (void)
{
  g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;

  g_hash_table_insert (values, (gpointer) "about", (gpointer) "");
  g_hash_table_insert (values, (gpointer) "service", (gpointer) "Unilab");

  a = dk_message_template_fill ("Första\n{about}\nSista", values);
  g_assert_cmpstr (a, ==, "Första\nSista");
  b = dk_message_template_fill ("{about}\nSista", values);
  g_assert_cmpstr (b, ==, "Sista");
  c = dk_message_template_fill ("Första\n  {about} \n", values);
  g_assert_cmpstr (c, ==, "Första\n");
  /* Blank lines the template has on purpose stay. */
  d = dk_message_template_fill ("{service}\n\nSista\n{about}", values);
  g_assert_cmpstr (d, ==, "Unilab\n\nSista");
}

static void
test_values_in_the_templates_language (void)
{
  g_autoptr(GHashTable) sv = dk_message_template_values ("sv", "Unilab", "  Labbsystem. ",
                                                         NOW, "", DK_TIME_UNSET);
  g_autoptr(GHashTable) nb = dk_message_template_values ("nb", NULL, NULL, DK_TIME_UNSET,
                                                         "Avd 3", NOW);
  g_autoptr(GHashTable) other = dk_message_template_values ("de", "X", NULL, NOW, NULL, NOW);
  g_autofree char *start = dk_time_format_local (NOW, "%Y-%m-%d %H:%M");

  g_assert_cmpstr (g_hash_table_lookup (sv, "service"), ==, "Unilab");
  g_assert_cmpstr (g_hash_table_lookup (sv, "about"), ==, "Labbsystem.");
  g_assert_cmpstr (g_hash_table_lookup (sv, "start"), ==, start);
  g_assert_cmpstr (g_hash_table_lookup (sv, "scope"), ==, "ännu inte känt");
  g_assert_cmpstr (g_hash_table_lookup (sv, "expected_end"), ==, "ännu inte känt");
  g_assert_cmpstr (g_hash_table_lookup (nb, "service"), ==, "");
  g_assert_cmpstr (g_hash_table_lookup (nb, "about"), ==, "");
  g_assert_cmpstr (g_hash_table_lookup (nb, "start"), ==, "ikke kjent ennå");
  g_assert_cmpstr (g_hash_table_lookup (nb, "scope"), ==, "Avd 3");
  g_assert_cmpstr (g_hash_table_lookup (nb, "expected_end"), ==, start);
  g_assert_cmpstr (g_hash_table_lookup (other, "scope"), ==, "not yet known");
}

/* A built-in template filled leaves no placeholder and no empty {about} line. */
static void
test_builtin_filled_whole (void)
{
  guint n = 0;
  const DkMessageTemplateText *texts = dk_message_template_texts (&n);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GHashTable) values = dk_message_template_values (texts[i].language, "Unilab",
                                                                 NULL, NOW, "Avd 12",
                                                                 NOW + 3600);
      g_autofree char *title = dk_message_template_fill (texts[i].title, values);
      g_autofree char *description = dk_message_template_fill (texts[i].description, values);
      g_autofree char *scope = dk_message_template_fill (texts[i].scope, values);

      g_assert_null (strchr (title, '{'));
      g_assert_null (strchr (description, '{'));
      g_assert_null (strchr (scope, '{'));
      g_assert_null (strstr (description, ".\n\n\n"));
      g_assert_nonnull (strstr (description, "Avd 12"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "Europe/Stockholm", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/message-template/builtin/say-what-seed-002-asks",
                   test_builtin_say_what_seed_002_asks);
  g_test_add_func ("/message-template/builtin/in-every-language", test_builtin_in_every_language);
  g_test_add_func ("/message-template/builtin/filled-whole", test_builtin_filled_whole);
  g_test_add_func ("/message-template/builtin/as-templates", test_builtin_as_templates);
  g_test_add_func ("/message-template/fill/replaces-known-keeps-unknown",
                   test_fill_replaces_known_keeps_unknown);
  g_test_add_func ("/message-template/fill/drops-lines-filled-empty",
                   test_fill_drops_lines_filled_empty);
  g_test_add_func ("/message-template/values/in-the-templates-language",
                   test_values_in_the_templates_language);

  return g_test_run ();
}
