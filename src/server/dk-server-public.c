/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-public.c: the public page (HTML, no JavaScript) and its Atom feed */

#define G_LOG_DOMAIN "dk-server-public"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-server-public.h"

#define FEED_PATH "feed.atom"

/* What the page and the feed show, each list sorted the way it is shown. */
typedef struct {
  GPtrArray  *current;    /* DkCase *: ongoing incidents and crisis information */
  GPtrArray  *planned;    /* DkCase *: planned work not yet closed */
  GPtrArray  *closed;     /* DkCase *: closed within the last 24 hours */
  GHashTable *services;   /* char * id → char * name */
} PublicCases;

static void
public_cases_clear (PublicCases *cases)
{
  g_clear_pointer (&cases->current, g_ptr_array_unref);
  g_clear_pointer (&cases->planned, g_ptr_array_unref);
  g_clear_pointer (&cases->closed, g_ptr_array_unref);
  g_clear_pointer (&cases->services, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PublicCases, public_cases_clear)

static void
append_escaped (GString    *out,
                const char *format,
                ...) G_GNUC_PRINTF (2, 3);

/* Appends @format with every string argument escaped for HTML and XML. */
static void
append_escaped (GString    *out,
                const char *format,
                ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_markup_vprintf_escaped (format, args);
  va_end (args);
  g_string_append (out, text);
}

/* Whether a stored case is certainly closed for more than 24 hours, read from its text
 * without decoding it, so that a large archive costs little. Only says TRUE when sure:
 * a quote inside a JSON string is always escaped, so the patterns below cannot match
 * text inside a title or description. */
static gboolean
stored_case_is_archived (const char *data,
                         gint64      now)
{
  static const char closed_at[] = "\"closed_at\":\"";
  const char *found;
  const char *end;
  char stamp[64];
  gint64 t;

  if (strstr (data, "\"status\":\"closed\"") == NULL)
    return FALSE;
  found = strstr (data, closed_at);
  if (found == NULL)
    return FALSE;
  found += sizeof closed_at - 1;
  end = strchr (found, '"');
  if (end == NULL || (gsize) (end - found) >= sizeof stamp)
    return FALSE;
  memcpy (stamp, found, end - found);
  stamp[end - found] = '\0';
  if (!dk_time_parse (stamp, &t, NULL))
    return FALSE;

  return t + DK_ARCHIVE_DELAY_SECONDS <= now;
}

static gint64
case_updated_at (const DkCase *kase)
{
  DkCaseUpdate *latest = dk_case_get_latest_update (kase);

  if (latest != NULL && latest->at != DK_TIME_UNSET)
    return latest->at;
  if (kase->created_at != DK_TIME_UNSET && kase->created_at > 0)
    return kase->created_at;
  return kase->start;
}

/* Highest priority (1) first, crisis information before incidents, newest first. */
static int
compare_current (gconstpointer a,
                 gconstpointer b)
{
  const DkCase *x = *(DkCase * const *) a;
  const DkCase *y = *(DkCase * const *) b;

  if (x->priority != y->priority)
    return x->priority < y->priority ? -1 : 1;
  if (x->major != y->major)
    return x->major ? -1 : 1;
  if ((x->kind == DK_CASE_KIND_CRISIS) != (y->kind == DK_CASE_KIND_CRISIS))
    return x->kind == DK_CASE_KIND_CRISIS ? -1 : 1;
  if (x->start != y->start)
    return x->start > y->start ? -1 : 1;
  return g_strcmp0 (x->id, y->id);
}

/* Soonest start first. */
static int
compare_planned (gconstpointer a,
                 gconstpointer b)
{
  const DkCase *x = *(DkCase * const *) a;
  const DkCase *y = *(DkCase * const *) b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return g_strcmp0 (x->id, y->id);
}

/* Most recently closed first. */
static int
compare_closed (gconstpointer a,
                gconstpointer b)
{
  const DkCase *x = *(DkCase * const *) a;
  const DkCase *y = *(DkCase * const *) b;

  if (x->closed_at != y->closed_at)
    return x->closed_at > y->closed_at ? -1 : 1;
  return g_strcmp0 (x->id, y->id);
}

/* Newest update first. */
static int
compare_feed (gconstpointer a,
              gconstpointer b)
{
  const DkCase *x = *(DkCase * const *) a;
  const DkCase *y = *(DkCase * const *) b;
  gint64 tx = case_updated_at (x);
  gint64 ty = case_updated_at (y);

  if (tx != ty)
    return tx > ty ? -1 : 1;
  return g_strcmp0 (x->id, y->id);
}

static gboolean
load_service_names (DkServerDb  *db,
                    GHashTable  *names,
                    GError     **error)
{
  g_autoptr(GPtrArray) stored = NULL;

  stored = dk_server_db_list_objects (db, DK_TYPE_NAME_SERVICE, FALSE, error);
  if (stored == NULL)
    return FALSE;

  for (guint i = 0; i < stored->len; i++)
    {
      DkStoredObject *object = g_ptr_array_index (stored, i);
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(DkService) service = NULL;
      g_autoptr(GError) local_error = NULL;

      if (object->data == NULL)
        continue;
      node = dk_json_parse (object->data, -1, &local_error);
      if (node != NULL)
        service = dk_service_from_json (node, &local_error);
      if (service == NULL)
        {
          g_warning ("Skipping service %s: %s", object->id, local_error->message);
          continue;
        }
      if (service->id != NULL && service->name != NULL)
        g_hash_table_insert (names, g_strdup (service->id), g_strdup (service->name));
    }

  return TRUE;
}

/* Reads the public cases that are going on, planned or closed in the last 24 hours. */
static gboolean
load_public_cases (DkServerDb   *db,
                   gint64        now,
                   PublicCases  *cases,
                   GError      **error)
{
  g_autoptr(GPtrArray) stored = NULL;

  cases->current = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_case_unref);
  cases->planned = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_case_unref);
  cases->closed = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_case_unref);
  cases->services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!load_service_names (db, cases->services, error))
    return FALSE;

  stored = dk_server_db_list_objects (db, DK_TYPE_NAME_CASE, TRUE, error);
  if (stored == NULL)
    return FALSE;

  for (guint i = 0; i < stored->len; i++)
    {
      DkStoredObject *object = g_ptr_array_index (stored, i);
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(DkCase) kase = NULL;
      g_autoptr(GError) local_error = NULL;

      if (object->deleted || !object->public || object->data == NULL
          || stored_case_is_archived (object->data, now))
        continue;

      node = dk_json_parse (object->data, -1, &local_error);
      if (node != NULL)
        kase = dk_case_from_json (node, &local_error);
      if (kase == NULL)
        {
          g_warning ("Skipping case %s: %s", object->id, local_error->message);
          continue;
        }
      /* Never show an internal case, whatever the stored flag says. */
      if (!kase->public)
        continue;

      if (kase->status == DK_CASE_STATUS_CLOSED)
        {
          if (!dk_rules_case_is_archived (kase, now))
            g_ptr_array_add (cases->closed, g_steal_pointer (&kase));
        }
      else if (kase->kind == DK_CASE_KIND_PLANNED)
        {
          g_ptr_array_add (cases->planned, g_steal_pointer (&kase));
        }
      else
        {
          g_ptr_array_add (cases->current, g_steal_pointer (&kase));
        }
    }

  g_ptr_array_sort (cases->current, compare_current);
  g_ptr_array_sort (cases->planned, compare_planned);
  g_ptr_array_sort (cases->closed, compare_closed);
  return TRUE;
}

/* "2026-11-24 15:05" in the server's time zone. (transfer full) */
static char *
format_local_time (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t);

  if (dt == NULL)
    return g_strdup ("");
  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

/* The language the page's strings come out in: the translation's own code when it
 * gives one, else the first language of the locale when the strings are translated,
 * else English. (transfer full) */
static char *
dup_page_language (void)
{
  /* Translators: the code of this translation's language for <html lang>: "sv", "nb". */
  const char *code = C_("html lang", "en");
  const char *untranslated = N_("Driftkoll – service status");
  const char *locale;
  gsize length;

  if (g_strcmp0 (code, "en") != 0 && code[0] != '\0')
    return g_strdup (code);
  if (g_strcmp0 (_(untranslated), untranslated) == 0)
    return g_strdup ("en");

  locale = g_get_language_names ()[0];
  length = strcspn (locale, "_.@");
  if (length == 0 || g_ascii_strcasecmp (locale, "C") == 0
      || g_str_has_prefix (locale, "C.") || g_ascii_strcasecmp (locale, "POSIX") == 0)
    return g_strdup ("en");
  return g_ascii_strdown (locale, length);
}

static char *
join_service_names (const DkCase *kase,
                    GHashTable   *names)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; i < kase->services->len; i++)
    {
      const char *id = g_ptr_array_index (kase->services, i);
      const char *name = g_hash_table_lookup (names, id);

      if (i > 0)
        g_string_append (joined, ", ");
      g_string_append (joined, name != NULL ? name : id);
    }

  return g_string_free (g_steal_pointer (&joined), FALSE);
}

static void
append_time (GString    *out,
             gint64      t)
{
  g_autofree char *machine = dk_time_format (t);
  g_autofree char *human = format_local_time (t);

  append_escaped (out, "<time datetime=\"%s\">%s</time>", machine, human);
}

static void
append_case (GString      *out,
             const DkCase *kase,
             GHashTable   *services,
             gint64        now)
{
  g_autofree char *service_names = join_service_names (kase, services);
  const char *anchor = kase->number != NULL ? kase->number : kase->id;
  DkCaseUpdate *latest = dk_case_get_latest_update (kase);

  g_return_if_fail (kase->public);

  append_escaped (out, "<article class=\"case p%d %s %s\" id=\"%s\">\n",
                  CLAMP (kase->priority, 1, 5), dk_case_kind_to_string (kase->kind),
                  dk_case_status_to_string (kase->status), anchor);
  append_escaped (out, "<h3><span class=\"number\">%s</span> %s</h3>\n",
                  kase->number != NULL ? kase->number : "",
                  kase->title != NULL ? kase->title : "");

  append_escaped (out, "<p class=\"badges\"><span class=\"status\">%s</span> "
                  "<span class=\"kind\">%s</span>",
                  dk_case_status_label (kase->status), dk_case_kind_label (kase->kind));
  if (kase->major)
    append_escaped (out, " <span class=\"major\">%s</span>", _("Major incident"));
  g_string_append (out, "</p>\n<dl>\n");

  append_escaped (out, "<dt>%s</dt><dd>%s</dd>\n", _("Area"), dk_area_label (kase->area));
  /* Crisis information may name no service (a weather warning). */
  if (kase->services->len > 0)
    append_escaped (out, "<dt>%s</dt><dd>%s</dd>\n", _("Affected services"), service_names);
  if (kase->scope != NULL && kase->scope[0] != '\0')
    append_escaped (out, "<dt>%s</dt><dd>%s</dd>\n", _("Scope"), kase->scope);
  if (kase->priority >= 1 && kase->priority <= 5)
    append_escaped (out, "<dt>%s</dt><dd>%d</dd>\n", _("Priority"), kase->priority);

  append_escaped (out, "<dt>%s</dt><dd>", _("Start"));
  append_time (out, kase->start);
  g_string_append (out, "</dd>\n");

  if (kase->expected_end != DK_TIME_UNSET)
    {
      append_escaped (out, "<dt>%s</dt><dd>", _("Expected end"));
      append_time (out, kase->expected_end);
      if (kase->status != DK_CASE_STATUS_CLOSED && kase->expected_end < now)
        /* Translators: after the expected end time when it has passed; Swedish "försenad". */
        append_escaped (out, " <strong class=\"overdue\">%s</strong>", _("overdue"));
      g_string_append (out, "</dd>\n");
    }

  if (kase->closed_at != DK_TIME_UNSET)
    {
      append_escaped (out, "<dt>%s</dt><dd>", _("Closed"));
      append_time (out, kase->closed_at);
      g_string_append (out, "</dd>\n");
    }
  g_string_append (out, "</dl>\n");

  if (kase->description != NULL && kase->description[0] != '\0')
    append_escaped (out, "<p class=\"description\">%s</p>\n", kase->description);

  if (latest != NULL)
    {
      append_escaped (out, "<div class=\"update\"><p><strong>%s</strong> · ",
                      dk_update_phrase_label (latest->phrase));
      append_time (out, latest->at);
      g_string_append (out, "</p>");
      if (latest->text != NULL && latest->text[0] != '\0')
        append_escaped (out, "<p class=\"description\">%s</p>", latest->text);
      g_string_append (out, "</div>\n");
    }

  g_string_append (out, "</article>\n");
}

static void
append_section (GString    *out,
                const char *id,
                const char *heading,
                const char *empty,
                GPtrArray  *cases,
                GHashTable *services,
                gint64      now)
{
  append_escaped (out, "<section aria-labelledby=\"%s\">\n<h2 id=\"%s\">%s</h2>\n",
                  id, id, heading);
  if (cases->len == 0)
    append_escaped (out, "<p class=\"empty\">%s</p>\n", empty);
  for (guint i = 0; i < cases->len; i++)
    append_case (out, g_ptr_array_index (cases, i), services, now);
  g_string_append (out, "</section>\n");
}

/* No '<', '>' or '&' in here: the page stays well-formed XML too. */
static const char page_style[] =
  ":root{color-scheme:light dark;--fg:#1d1d20;--bg:#f6f5f4;--card:#fff;--muted:#5e5c64;"
  "--line:#d5d3cf;--p1:#c01c28;--p2:#e66100;--p3:#c88800;--ok:#26a269;--link:#1a5fb4}"
  "@media (prefers-color-scheme:dark){:root{--fg:#f2f2f2;--bg:#1e1e21;--card:#2b2b30;"
  "--muted:#c0bfbc;--line:#4a4a50;--p1:#ff7b7b;--p2:#ffa348;--p3:#f6d32d;--ok:#8ff0a4;"
  "--link:#99c1f1}}"
  "*{box-sizing:border-box}"
  "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}"
  "body{margin:0;font:1rem/1.5 system-ui,-apple-system,\"Segoe UI\",Cantarell,Roboto,"
  "sans-serif;color:var(--fg);background:var(--bg)}"
  "header,main,footer{max-width:50rem;margin:0 auto;padding:0 1rem}"
  "header{padding-top:1rem}"
  "h1{font-size:1.6rem;line-height:1.2;margin:0 0 .25rem}"
  "h2{font-size:1.25rem;margin:1.75rem 0 .5rem;padding-bottom:.25rem;"
  "border-bottom:2px solid var(--line)}"
  "h3{font-size:1.1rem;line-height:1.3;margin:0 0 .35rem}"
  ".lead,.updated,.empty{color:var(--muted)}"
  ".updated{font-size:.9rem;margin:0}"
  ".empty{font-style:italic}"
  ".allclear{background:var(--card);border-left:6px solid var(--ok);padding:.75rem 1rem;"
  "border-radius:8px;margin:1rem 0}"
  "article{background:var(--card);border:1px solid var(--line);border-left:6px solid "
  "var(--muted);border-radius:8px;padding:.75rem 1rem;margin:.75rem 0;"
  "overflow-wrap:anywhere;scroll-margin-top:1rem}"
  "article:target{outline:3px solid var(--link)}"
  "article.p1{border-left-color:var(--p1)}article.p2{border-left-color:var(--p2)}"
  "article.p3{border-left-color:var(--p3)}"
  "article.planned,article.urgent_planned{border-left-color:var(--link)}"
  "article.closed{border-left-color:var(--ok)}"
  ".number{display:block;font-size:.85rem;font-weight:normal;color:var(--muted)}"
  ".badges{margin:0 0 .5rem}"
  ".badges span{display:inline-block;font-size:.85rem;padding:.05rem .5rem;margin:0 .25rem "
  ".25rem 0;border:1px solid var(--line);border-radius:1rem}"
  ".badges .status{font-weight:bold}"
  ".badges .major{color:var(--card);background:var(--p1);border-color:var(--p1)}"
  "dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .75rem;margin:.5rem 0}"
  "dt{color:var(--muted)}dd{margin:0}"
  "@media (max-width:32rem){dl{grid-template-columns:1fr;gap:0}dt{font-size:.85rem}"
  "dd{margin-bottom:.4rem}}"
  ".overdue{color:var(--p1)}"
  ".description{white-space:pre-line;margin:.5rem 0}"
  ".update{border-top:1px solid var(--line);margin-top:.5rem;padding-top:.25rem}"
  ".update p{margin:.25rem 0}"
  "a{color:var(--link)}"
  "footer{margin-top:2rem;padding-bottom:2rem;font-size:.9rem;color:var(--muted)}";

/* Whatever is stored (old data, an import) the page and feed carry only publishable
 * text: a character XML 1.0 forbids would make the feed invalid for every reader. The
 * whole output is passed once, which also covers service names and anything added
 * later; our own markup is plain ASCII and passes unchanged. */
static GBytes *
take_publishable (GString *out)
{
  g_autoptr(GString) owned = out;
  char *text = dk_text_dup_publishable (owned->str, owned->len);

  return g_bytes_new_take (text, strlen (text));
}

/**
 * dk_server_render_page:
 * @db: the database
 * @now: the current time
 * @error: return location for a #GError
 *
 * Renders the public page: ongoing incidents and crisis information (highest priority
 * first), planned work (soonest first) and what closed in the last 24 hours, public
 * cases only. Plain HTML5 and CSS, no JavaScript, readable on a phone; every text
 * escaped.
 *
 * Returns: (transfer full): the page, UTF-8
 */
GBytes *
dk_server_render_page (DkServerDb  *db,
                       gint64       now,
                       GError     **error)
{
  g_auto(PublicCases) cases = { 0 };
  g_autoptr(GString) out = NULL;
  g_autofree char *language = NULL;
  g_autofree char *updated = NULL;

  g_return_val_if_fail (DK_IS_SERVER_DB (db), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!load_public_cases (db, now, &cases, error))
    return NULL;

  language = dup_page_language ();
  out = g_string_sized_new (16 * 1024);

  append_escaped (out,
                  "<!DOCTYPE html>\n"
                  "<html lang=\"%s\">\n<head>\n"
                  "<meta charset=\"utf-8\"/>\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
                  "<meta name=\"color-scheme\" content=\"light dark\"/>\n"
                  "<title>%s</title>\n"
                  "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"%s\" "
                  "href=\"/" FEED_PATH "\"/>\n"
                  "<style>",
                  language,
                  /* Translators: the page's title; Swedish "Driftkoll – driftinformation". */
                  _("Driftkoll – service status"),
                  _("Driftkoll: Atom feed"));
  g_string_append (out, page_style);
  g_string_append (out, "</style>\n</head>\n<body>\n<header>\n");

  updated = format_local_time (now);
  append_escaped (out,
                  "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n<p class=\"updated\">%s ",
                  _("Driftkoll – service status"),
                  _("Disruptions, planned work and crisis information that affect the "
                    "services of the health and care organisation."),
                  _("Updated"));
  append_time (out, now);
  g_string_append (out, "</p>\n</header>\n<main>\n");

  if (cases.current->len == 0 && cases.planned->len == 0 && cases.closed->len == 0)
    append_escaped (out, "<p class=\"allclear\">%s</p>\n",
                    _("Nothing is going on right now: no known disruptions and no planned "
                      "work."));

  append_section (out, "current",
                  /* Translators: Swedish "Pågående störningar och krisinformation". */
                  _("Ongoing disruptions and crisis information"),
                  _("No ongoing disruptions."), cases.current, cases.services, now);
  append_section (out, "planned",
                  /* Translators: Swedish "Planerade åtgärder". */
                  _("Planned work"),
                  _("No planned work."), cases.planned, cases.services, now);
  append_section (out, "closed",
                  /* Translators: Swedish "Nyligen avslutade". */
                  _("Recently closed"),
                  _("Nothing closed in the last 24 hours."), cases.closed, cases.services,
                  now);

  append_escaped (out,
                  "</main>\n<footer>\n<p>%s <a href=\"/" FEED_PATH "\">%s</a></p>\n"
                  "</footer>\n</body>\n</html>\n",
                  _("Follow the changes in a feed reader:"), _("Atom feed"));

  return take_publishable (g_steal_pointer (&out));
}

static void
append_feed_entry (GString      *out,
                   const DkCase *kase,
                   GHashTable   *services,
                   const char   *base_url,
                   gint64        now)
{
  g_autofree char *id = g_strdup_printf ("urn:uuid:%s", kase->id);
  g_autofree char *updated = dk_time_format (case_updated_at (kase));
  g_autofree char *published = NULL;
  g_autofree char *service_names = join_service_names (kase, services);
  g_autofree char *link = g_strconcat (base_url, "#",
                                       kase->number != NULL ? kase->number : kase->id, NULL);
  g_autoptr(GString) summary = g_string_new (NULL);
  DkCaseUpdate *latest = dk_case_get_latest_update (kase);

  g_return_if_fail (kase->public);

  g_string_append_printf (summary, "%s: %s. %s: %s.",
                          dk_case_kind_label (kase->kind), dk_case_status_label (kase->status),
                          _("Area"), dk_area_label (kase->area));
  if (kase->services->len > 0)
    g_string_append_printf (summary, " %s: %s.", _("Affected services"), service_names);
  if (kase->scope != NULL && kase->scope[0] != '\0')
    g_string_append_printf (summary, " %s: %s.", _("Scope"), kase->scope);
  if (kase->expected_end != DK_TIME_UNSET)
    {
      g_autofree char *end = format_local_time (kase->expected_end);

      g_string_append_printf (summary, " %s: %s", _("Expected end"), end);
      if (kase->status != DK_CASE_STATUS_CLOSED && kase->expected_end < now)
        g_string_append_printf (summary, " (%s)", _("overdue"));
      g_string_append_c (summary, '.');
    }
  if (latest != NULL)
    g_string_append_printf (summary, " %s: %s", dk_update_phrase_label (latest->phrase),
                            latest->text != NULL ? latest->text : "");

  if (kase->created_at != DK_TIME_UNSET && kase->created_at > 0)
    published = dk_time_format (kase->created_at);

  append_escaped (out,
                  "<entry>\n<id>%s</id>\n<title>%s</title>\n"
                  "<link rel=\"alternate\" type=\"text/html\" href=\"%s\"/>\n"
                  "<updated>%s</updated>\n",
                  id, kase->title != NULL ? kase->title : "", link, updated);
  if (published != NULL)
    append_escaped (out, "<published>%s</published>\n", published);
  append_escaped (out, "<category term=\"%s\" label=\"%s\"/>\n",
                  dk_case_kind_to_string (kase->kind), dk_case_kind_label (kase->kind));
  append_escaped (out, "<summary type=\"text\">%s</summary>\n", summary->str);
  if (kase->description != NULL && kase->description[0] != '\0')
    append_escaped (out, "<content type=\"text\">%s</content>\n", kase->description);
  g_string_append (out, "</entry>\n");
}

/**
 * dk_server_render_feed:
 * @db: the database
 * @base_url: the server's public address, ending in '/'
 * @now: the current time
 * @error: return location for a #GError
 *
 * Renders an Atom 1.0 feed of the cases on the public page, newest update first.
 *
 * Returns: (transfer full): the feed, UTF-8 XML
 */
GBytes *
dk_server_render_feed (DkServerDb  *db,
                       const char  *base_url,
                       gint64       now,
                       GError     **error)
{
  g_auto(PublicCases) cases = { 0 };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GString) out = NULL;
  g_autofree char *base = NULL;
  g_autofree char *self = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *language = NULL;

  g_return_val_if_fail (DK_IS_SERVER_DB (db), NULL);
  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!load_public_cases (db, now, &cases, error))
    return NULL;

  base = g_str_has_suffix (base_url, "/") ? g_strdup (base_url) : g_strconcat (base_url, "/", NULL);
  self = g_strconcat (base, FEED_PATH, NULL);
  language = dup_page_language ();

  entries = g_ptr_array_new ();
  g_ptr_array_extend (entries, cases.current, NULL, NULL);
  g_ptr_array_extend (entries, cases.planned, NULL, NULL);
  g_ptr_array_extend (entries, cases.closed, NULL, NULL);
  g_ptr_array_sort (entries, compare_feed);

  updated = dk_time_format (entries->len > 0
                            ? case_updated_at (g_ptr_array_index (entries, 0)) : now);

  out = g_string_sized_new (16 * 1024);
  g_string_append (out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
  append_escaped (out,
                  "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"%s\">\n"
                  "<id>%s</id>\n<title>%s</title>\n<subtitle>%s</subtitle>\n"
                  "<updated>%s</updated>\n<author><name>%s</name></author>\n"
                  "<link rel=\"self\" type=\"application/atom+xml\" href=\"%s\"/>\n"
                  "<link rel=\"alternate\" type=\"text/html\" href=\"%s\"/>\n"
                  "<generator version=\"%s\">Driftkoll</generator>\n",
                  language, self, _("Driftkoll – service status"),
                  _("Disruptions, planned work and crisis information"),
                  updated, "Driftkoll", self, base, PACKAGE_VERSION);

  for (guint i = 0; i < entries->len; i++)
    append_feed_entry (out, g_ptr_array_index (entries, i), cases.services, base, now);

  g_string_append (out, "</feed>\n");

  return take_publishable (g_steal_pointer (&out));
}

/* The page's policy: nothing but its own inline style, allowed by its hash rather than
 * 'unsafe-inline', so that even text that escaped escaping could not add a style or a
 * script. No script, image, font, form or frame is needed; links to the feed are plain
 * navigation, which no fetch directive governs. */
static const char *
page_policy (void)
{
  static gsize policy = 0;

  if (g_once_init_enter (&policy))
    {
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 digest[32];
      gsize digest_length = sizeof digest;
      g_autofree char *hash = NULL;

      g_checksum_update (checksum, (const guchar *) page_style, sizeof page_style - 1);
      g_checksum_get_digest (checksum, digest, &digest_length);
      hash = g_base64_encode (digest, digest_length);
      g_once_init_leave (&policy,
                         (gsize) g_strdup_printf ("default-src 'none'; style-src 'sha256-%s'; "
                                                  "base-uri 'none'; form-action 'none'; "
                                                  "frame-ancestors 'none'", hash));
    }
  return (const char *) policy;
}

/**
 * dk_server_public_add_headers:
 * @headers: a reply's headers
 * @reply: the page, or a feed (anything that is not the page)
 *
 * Hardens a public reply the way a static page is: a Content-Security-Policy that
 * allows only what the page needs (the feed: nothing, and sandboxed should a browser
 * render it), X-Content-Type-Options: nosniff so a browser never reads the feed or an
 * error as HTML, no Referer sent from the page (case links must not leak the page's
 * address to other sites), and no framing (X-Frame-Options for browsers older than
 * frame-ancestors): nobody may dress the hospital's status page in a frame of theirs.
 */
void
dk_server_public_add_headers (SoupMessageHeaders *headers,
                              DkPublicReply       reply)
{
  g_return_if_fail (headers != NULL);

  soup_message_headers_replace (headers, "Content-Security-Policy",
                                reply == DK_PUBLIC_REPLY_PAGE
                                  ? page_policy ()
                                  : "default-src 'none'; base-uri 'none'; form-action 'none'; "
                                    "frame-ancestors 'none'; sandbox");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_message_headers_replace (headers, "Cross-Origin-Opener-Policy", "same-origin");
}
