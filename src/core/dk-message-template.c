/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-message-template.c: the built-in message templates of seed 002, in sv, nb and en */

#define G_LOG_DOMAIN "dk-message-template"

#include "config.h"

#include <string.h>

#include "dk-message-template.h"
#include "dk-time.h"

/* What seed 002's "Grundmall vid kommunikation" asks of every message: the service and
 * that it is used around the clock, when it started, the scope, when it is expected to
 * be solved, and that it is to be forwarded to the units concerned. The texts are data
 * in their own language, not messages of the program: they are not marked for
 * translation. */
static const DkMessageTemplateText texts[] = {
  /* ---- svenska ---- */
  {
    "builtin-incident-it-telephony-sv", "Driftstörning IT/Telefoni", "sv",
    DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY,
    "Störning i {service}",
    "Vi har en störning i {service}.\n"
    "{about}\n"
    "{service} används dygnet runt, och en fungerande tjänst är viktig för en säker och "
    "trygg vård.\n"
    "\n"
    "Störningen startade: {start}\n"
    "Omfattning: {scope}\n"
    "Beräknas vara åtgärdad: {expected_end}\n"
    "\n"
    "Vidarebefordra denna information till berörda verksamheter.",
    "Alla enheter som använder {service}",
  },
  {
    "builtin-incident-lab-medicine-sv", "Driftstörning Labmedicin", "sv",
    DK_CASE_KIND_INCIDENT, DK_AREA_LAB_MEDICINE,
    "Störning i {service} – fördröjda provsvar",
    "Vi har en störning i laboratoriedatasystemet {service}.\n"
    "{about}\n"
    "{service} används dygnet runt för beställningar och provsvar. Under störningen "
    "lämnar laboratoriet akuta provsvar per telefon.\n"
    "\n"
    "Störningen startade: {start}\n"
    "Omfattning: {scope}\n"
    "Beräknas vara åtgärdad: {expected_end}\n"
    "\n"
    "Vidarebefordra denna information till berörda verksamheter.",
    "Alla enheter som beställer analyser eller väntar på provsvar",
  },
  {
    "builtin-incident-facilities-sv", "Driftstörning Fastigheter/Serviceleveranser", "sv",
    DK_CASE_KIND_INCIDENT, DK_AREA_FACILITIES,
    "Störning i {service}",
    "Vi har en störning i {service}.\n"
    "{about}\n"
    "{service} behövs dygnet runt i vårdens lokaler.\n"
    "\n"
    "Störningen startade: {start}\n"
    "Omfattning: {scope}\n"
    "Beräknas vara åtgärdad: {expected_end}\n"
    "\n"
    "Vidarebefordra denna information till berörda verksamheter.",
    "Berörda byggnader och enheter",
  },
  {
    "builtin-planned-it-telephony-sv", "Planerad åtgärd", "sv",
    DK_CASE_KIND_PLANNED, DK_AREA_IT_TELEPHONY,
    "Planerat arbete i {service}",
    "{service} är otillgängligt under ett planerat arbete.\n"
    "{about}\n"
    "{service} används dygnet runt: skriv ut det som behövs enligt reservrutinen innan "
    "arbetet börjar.\n"
    "\n"
    "Arbetet startar: {start}\n"
    "Omfattning: {scope}\n"
    "Beräknas vara klart: {expected_end}\n"
    "\n"
    "Vidarebefordra denna information till berörda verksamheter.",
    "Alla enheter som använder {service}",
  },
  {
    "builtin-crisis-it-telephony-sv", "Krisinformation: omfattande IT-störning", "sv",
    DK_CASE_KIND_CRISIS, DK_AREA_IT_TELEPHONY,
    "Omfattande IT-störning",
    "En omfattande IT-störning pågår. Krisledningen följer läget.\n"
    "{about}\n"
    "Verksamheterna är i drift dygnet runt: gå över till reservrutinerna där det behövs.\n"
    "\n"
    "Störningen startade: {start}\n"
    "Omfattning: {scope}\n"
    "Beräknas vara löst: {expected_end}\n"
    "\n"
    "Vidarebefordra denna information till berörda verksamheter.",
    "Alla verksamheter",
  },
  {
    "builtin-crisis-facilities-sv", "Krisinformation: vädervarning", "sv",
    DK_CASE_KIND_CRISIS, DK_AREA_FACILITIES,
    "Vädervarning",
    "En vädervarning är utfärdad. Risk för elavbrott och stängda vägar.\n"
    "{about}\n"
    "Verksamheterna är i drift dygnet runt: kontrollera att reservrutinerna finns "
    "utskrivna och ladda handenheter och mobiltelefoner.\n"
    "\n"
    "Varningen gäller från: {start}\n"
    "Omfattning: {scope}\n"
    "Beräknas upphöra: {expected_end}\n"
    "\n"
    "Vidarebefordra denna information till berörda verksamheter.",
    "Hela regionen",
  },
  /* ---- norsk bokmål ---- */
  {
    "builtin-incident-it-telephony-nb", "Driftsforstyrrelse IT/Telefoni", "nb",
    DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY,
    "Forstyrrelse i {service}",
    "Vi har en forstyrrelse i {service}.\n"
    "{about}\n"
    "{service} brukes døgnet rundt, og en tjeneste som fungerer er viktig for trygg og "
    "sikker behandling.\n"
    "\n"
    "Forstyrrelsen startet: {start}\n"
    "Omfang: {scope}\n"
    "Forventes løst: {expected_end}\n"
    "\n"
    "Videresend denne informasjonen til berørte enheter.",
    "Alle enheter som bruker {service}",
  },
  {
    "builtin-incident-lab-medicine-nb", "Driftsforstyrrelse Laboratoriemedisin", "nb",
    DK_CASE_KIND_INCIDENT, DK_AREA_LAB_MEDICINE,
    "Forstyrrelse i {service} – forsinkede prøvesvar",
    "Vi har en forstyrrelse i laboratoriesystemet {service}.\n"
    "{about}\n"
    "{service} brukes døgnet rundt til rekvisisjoner og prøvesvar. Mens forstyrrelsen "
    "varer, gir laboratoriet akutte prøvesvar på telefon.\n"
    "\n"
    "Forstyrrelsen startet: {start}\n"
    "Omfang: {scope}\n"
    "Forventes løst: {expected_end}\n"
    "\n"
    "Videresend denne informasjonen til berørte enheter.",
    "Alle enheter som rekvirerer analyser eller venter på prøvesvar",
  },
  {
    "builtin-incident-facilities-nb", "Driftsforstyrrelse Eiendom/Serviceleveranser", "nb",
    DK_CASE_KIND_INCIDENT, DK_AREA_FACILITIES,
    "Forstyrrelse i {service}",
    "Vi har en forstyrrelse i {service}.\n"
    "{about}\n"
    "{service} trengs døgnet rundt i helsetjenestens lokaler.\n"
    "\n"
    "Forstyrrelsen startet: {start}\n"
    "Omfang: {scope}\n"
    "Forventes løst: {expected_end}\n"
    "\n"
    "Videresend denne informasjonen til berørte enheter.",
    "Berørte bygg og enheter",
  },
  {
    "builtin-planned-it-telephony-nb", "Planlagt tiltak", "nb",
    DK_CASE_KIND_PLANNED, DK_AREA_IT_TELEPHONY,
    "Planlagt arbeid i {service}",
    "{service} er utilgjengelig under et planlagt arbeid.\n"
    "{about}\n"
    "{service} brukes døgnet rundt: skriv ut det som trengs etter reserverutinen før "
    "arbeidet begynner.\n"
    "\n"
    "Arbeidet starter: {start}\n"
    "Omfang: {scope}\n"
    "Forventes ferdig: {expected_end}\n"
    "\n"
    "Videresend denne informasjonen til berørte enheter.",
    "Alle enheter som bruker {service}",
  },
  {
    "builtin-crisis-it-telephony-nb", "Kriseinformasjon: omfattende IT-forstyrrelse", "nb",
    DK_CASE_KIND_CRISIS, DK_AREA_IT_TELEPHONY,
    "Omfattende IT-forstyrrelse",
    "En omfattende IT-forstyrrelse pågår. Kriseledelsen følger situasjonen.\n"
    "{about}\n"
    "Virksomhetene er i drift døgnet rundt: gå over til reserverutinene der det trengs.\n"
    "\n"
    "Forstyrrelsen startet: {start}\n"
    "Omfang: {scope}\n"
    "Forventes løst: {expected_end}\n"
    "\n"
    "Videresend denne informasjonen til berørte enheter.",
    "Alle virksomheter",
  },
  {
    "builtin-crisis-facilities-nb", "Kriseinformasjon: farevarsel", "nb",
    DK_CASE_KIND_CRISIS, DK_AREA_FACILITIES,
    "Farevarsel",
    "Et farevarsel er utstedt. Fare for strømbrudd og stengte veier.\n"
    "{about}\n"
    "Virksomhetene er i drift døgnet rundt: sjekk at reserverutinene er skrevet ut, og "
    "lad håndterminaler og mobiltelefoner.\n"
    "\n"
    "Varselet gjelder fra: {start}\n"
    "Omfang: {scope}\n"
    "Forventes å opphøre: {expected_end}\n"
    "\n"
    "Videresend denne informasjonen til berørte enheter.",
    "Hele regionen",
  },
  /* ---- English ---- */
  {
    "builtin-incident-it-telephony-en", "Incident IT/Telephony", "en",
    DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY,
    "Disruption in {service}",
    "We have a disruption in {service}.\n"
    "{about}\n"
    "{service} is used around the clock, and a working service matters for safe and "
    "secure care.\n"
    "\n"
    "The disruption started: {start}\n"
    "Scope: {scope}\n"
    "Expected to be solved: {expected_end}\n"
    "\n"
    "Forward this information to the units concerned.",
    "Every unit that uses {service}",
  },
  {
    "builtin-incident-lab-medicine-en", "Incident Laboratory medicine", "en",
    DK_CASE_KIND_INCIDENT, DK_AREA_LAB_MEDICINE,
    "Disruption in {service} – delayed test results",
    "We have a disruption in the laboratory system {service}.\n"
    "{about}\n"
    "{service} is used around the clock for orders and test results. While the "
    "disruption lasts, the laboratory gives urgent results by telephone.\n"
    "\n"
    "The disruption started: {start}\n"
    "Scope: {scope}\n"
    "Expected to be solved: {expected_end}\n"
    "\n"
    "Forward this information to the units concerned.",
    "Every unit that orders tests or waits for results",
  },
  {
    "builtin-incident-facilities-en", "Incident Facilities/Service deliveries", "en",
    DK_CASE_KIND_INCIDENT, DK_AREA_FACILITIES,
    "Disruption in {service}",
    "We have a disruption in {service}.\n"
    "{about}\n"
    "{service} is needed around the clock in the care buildings.\n"
    "\n"
    "The disruption started: {start}\n"
    "Scope: {scope}\n"
    "Expected to be solved: {expected_end}\n"
    "\n"
    "Forward this information to the units concerned.",
    "The buildings and units concerned",
  },
  {
    "builtin-planned-it-telephony-en", "Planned action", "en",
    DK_CASE_KIND_PLANNED, DK_AREA_IT_TELEPHONY,
    "Planned work on {service}",
    "{service} is unavailable during planned work.\n"
    "{about}\n"
    "{service} is used around the clock: print what the reserve routine asks for before "
    "the work begins.\n"
    "\n"
    "The work starts: {start}\n"
    "Scope: {scope}\n"
    "Expected to be done: {expected_end}\n"
    "\n"
    "Forward this information to the units concerned.",
    "Every unit that uses {service}",
  },
  {
    "builtin-crisis-it-telephony-en", "Crisis information: wide IT disruption", "en",
    DK_CASE_KIND_CRISIS, DK_AREA_IT_TELEPHONY,
    "Wide IT disruption",
    "A wide IT disruption is going on. Crisis management follows the situation.\n"
    "{about}\n"
    "Care goes on around the clock: switch to the reserve routines where needed.\n"
    "\n"
    "The disruption started: {start}\n"
    "Scope: {scope}\n"
    "Expected to be solved: {expected_end}\n"
    "\n"
    "Forward this information to the units concerned.",
    "Every unit",
  },
  {
    "builtin-crisis-facilities-en", "Crisis information: weather warning", "en",
    DK_CASE_KIND_CRISIS, DK_AREA_FACILITIES,
    "Weather warning",
    "A weather warning has been issued. Power cuts and closed roads are likely.\n"
    "{about}\n"
    "Care goes on around the clock: check that the reserve routines are printed, and "
    "charge handsets and mobile phones.\n"
    "\n"
    "The warning applies from: {start}\n"
    "Scope: {scope}\n"
    "Expected to end: {expected_end}\n"
    "\n"
    "Forward this information to the units concerned.",
    "The whole region",
  },
};

/* "Not yet known" in the templates' languages (data, like the texts above). */
static const struct { const char *language; const char *unknown; } unknowns[] = {
  { "sv", "ännu inte känt" },
  { "nb", "ikke kjent ennå" },
  { "en", "not yet known" },
};

/**
 * dk_message_template_texts:
 * @n_texts: (out): the number of templates
 *
 * Returns: (transfer none) (array length=n_texts): every built-in template
 */
const DkMessageTemplateText *
dk_message_template_texts (guint *n_texts)
{
  g_return_val_if_fail (n_texts != NULL, NULL);

  *n_texts = G_N_ELEMENTS (texts);
  return texts;
}

/**
 * dk_message_template_text_by_id:
 * @id: a built-in template's id
 *
 * Returns: (transfer none) (nullable): the template, or %NULL
 */
const DkMessageTemplateText *
dk_message_template_text_by_id (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (strcmp (texts[i].id, id) == 0)
      return &texts[i];
  return NULL;
}

/**
 * dk_message_templates_builtin:
 *
 * Returns: (transfer full) (element-type DkTemplate): every built-in template
 */
GPtrArray *
dk_message_templates_builtin (void)
{
  GPtrArray *templates = g_ptr_array_new_full (G_N_ELEMENTS (texts),
                                               (GDestroyNotify) dk_template_unref);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      DkTemplate *tmpl = dk_template_new ();

      tmpl->id = g_strdup (texts[i].id);
      tmpl->name = g_strdup (texts[i].name);
      tmpl->language = g_strdup (texts[i].language);
      tmpl->kind = texts[i].kind;
      tmpl->area = texts[i].area;
      tmpl->title = g_strdup (texts[i].title);
      tmpl->description = g_strdup (texts[i].description);
      tmpl->scope = g_strdup (texts[i].scope);
      g_ptr_array_add (templates, tmpl);
    }
  return templates;
}

/**
 * dk_message_template_is_builtin:
 * @id: (nullable): a template's id
 *
 * Returns: whether @id is a built-in template's
 */
gboolean
dk_message_template_is_builtin (const char *id)
{
  return id != NULL && g_str_has_prefix (id, "builtin-");
}

/* Fills one line (without its newline) into @out; returns whether it held a
 * placeholder that was filled. */
static gboolean
fill_line (GString    *out,
           const char *line,
           gsize       length,
           GHashTable *values)
{
  const char *end = line + length;
  const char *p = line;
  gboolean filled = FALSE;

  while (p < end)
    {
      const char *open = memchr (p, '{', end - p);
      const char *close;

      if (open == NULL)
        {
          g_string_append_len (out, p, end - p);
          break;
        }
      g_string_append_len (out, p, open - p);
      close = memchr (open + 1, '}', end - open - 1);
      if (close == NULL)
        {
          g_string_append_len (out, open, end - open);
          break;
        }
      else
        {
          g_autofree char *key = g_strndup (open + 1, close - open - 1);
          const char *value = values != NULL ? g_hash_table_lookup (values, key) : NULL;

          if (value != NULL)
            {
              g_string_append (out, value);
              filled = TRUE;
              p = close + 1;
            }
          else
            {
              /* Not ours to fill: keep the brace and look on after it. */
              g_string_append_c (out, '{');
              p = open + 1;
            }
        }
    }

  return filled;
}

static gboolean
is_blank (const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (text[i]))
      return FALSE;
  return TRUE;
}

/**
 * dk_message_template_fill:
 * @text: (nullable): a template's title, description or scope
 * @values: (nullable) (element-type utf8 utf8): placeholder → value
 *
 * Replaces the placeholders of @values in @text. A placeholder with no value stays, and
 * a line that is empty only because its placeholders filled to nothing is dropped.
 *
 * Returns: (transfer full): the filled text ("" for a %NULL @text)
 */
char *
dk_message_template_fill (const char *text,
                          GHashTable *values)
{
  g_autoptr(GString) out = NULL;
  const char *p;

  if (text == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (text) + 64);
  p = text;
  for (;;)
    {
      const char *newline = strchr (p, '\n');
      gsize length = newline != NULL ? (gsize) (newline - p) : strlen (p);
      gsize before = out->len;
      gboolean filled = fill_line (out, p, length, values);

      if (filled && is_blank (out->str + before, out->len - before))
        {
          /* Nothing but filled placeholders, all empty: drop the line and its newline. */
          g_string_truncate (out, before);
        }
      else if (newline != NULL)
        g_string_append_c (out, '\n');

      if (newline == NULL)
        break;
      p = newline + 1;
    }

  /* A text whose last line was dropped ends in the newline before it. */
  if (out->len > 0 && out->str[out->len - 1] == '\n' && text[strlen (text) - 1] != '\n')
    g_string_truncate (out, out->len - 1);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static const char *
unknown_in (const char *language)
{
  for (guint i = 0; i < G_N_ELEMENTS (unknowns); i++)
    if (g_strcmp0 (unknowns[i].language, language) == 0)
      return unknowns[i].unknown;
  return unknowns[G_N_ELEMENTS (unknowns) - 1].unknown;
}

static char *
format_time_or (gint64      t,
                const char *unknown)
{
  char *text = t != DK_TIME_UNSET ? dk_time_format_local (t, "%Y-%m-%d %H:%M") : NULL;

  return text != NULL ? text : g_strdup (unknown);
}

/**
 * dk_message_template_values:
 * @language: the template's language
 * @service: (nullable): the affected services' names
 * @about: (nullable): what the service is
 * @start: when it started, or %DK_TIME_UNSET
 * @scope: (nullable): who is affected
 * @expected_end: when it is expected to be solved, or %DK_TIME_UNSET
 *
 * Returns: (transfer full) (element-type utf8 utf8): the values for
 *   dk_message_template_fill ()
 */
GHashTable *
dk_message_template_values (const char *language,
                            const char *service,
                            const char *about,
                            gint64      start,
                            const char *scope,
                            gint64      expected_end)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  const char *unknown = unknown_in (language);
  g_autofree char *stripped_scope = g_strstrip (g_strdup (scope != NULL ? scope : ""));

  g_hash_table_insert (values, (gpointer) "service", g_strdup (service != NULL ? service : ""));
  g_hash_table_insert (values, (gpointer) "about", g_strstrip (g_strdup (about != NULL ? about : "")));
  g_hash_table_insert (values, (gpointer) "start", format_time_or (start, unknown));
  g_hash_table_insert (values, (gpointer) "scope",
                       g_strdup (stripped_scope[0] != '\0' ? stripped_scope : unknown));
  g_hash_table_insert (values, (gpointer) "expected_end", format_time_or (expected_end, unknown));

  return values;
}
