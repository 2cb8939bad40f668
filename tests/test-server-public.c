/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-public.c: the public page and the Atom feed */

#define G_LOG_DOMAIN "test-server-public"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-server-auth.h"
#include "dk-server-db.h"
#include "dk-server-import.h"
#include "dk-server-objects.h"
#include "dk-server-public.h"
#include "dk-test-files.h"
#include "dk-test-pg.h"

#define BASE_URL "https://driftinfo.example.org/"
#define HOUR     3600
#define DAY      (24 * HOUR)

typedef struct {
  char       *dir;
  DkServerDb *db;
  gint64      now;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("dk-public-XXXXXX", &error);
  g_assert_no_error (error);
  path = dk_test_db_location (fixture->dir, "server.db");
  fixture->db = dk_server_db_open (path, &error);
  g_assert_no_error (error);
  fixture->now = dk_time_now ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_clear_object (&fixture->db);
  dk_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

static void
store_service (Fixture    *fixture,
               const char *id,
               const char *name,
               DkArea      area)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkService) service = dk_service_new ();

  service->id = g_strdup (id);
  service->name = g_strdup (name);
  service->area = area;
  service->revision = 1;
  g_assert_cmpint (dk_server_store_service (fixture->db, service, &error), >, 0);
  g_assert_no_error (error);
}

/* A case started @start_offset seconds from now; closed @closed_offset from now unless
 * that is 0. */
static DkCase *
store_case (Fixture      *fixture,
            const char   *number,
            const char   *title,
            DkCaseKind    kind,
            DkCaseStatus  status,
            int           priority,
            gboolean      public,
            gint64        start_offset,
            gint64        closed_offset)
{
  g_autoptr(GError) error = NULL;
  DkCase *kase = dk_case_new ();
  DkCaseUpdate *update = dk_case_update_new ();

  kase->id = g_uuid_string_random ();
  kase->number = g_strdup (number);
  kase->kind = kind;
  kase->area = DK_AREA_IT_TELEPHONY;
  kase->title = g_strdup (title);
  kase->description = g_strdup ("Beskrivning av läget.\nRad två.");
  kase->scope = g_strdup ("Samtliga vårdenheter");
  g_ptr_array_add (kase->services, g_strdup ("tes"));
  kase->status = status;
  kase->priority = priority;
  kase->public = public;
  kase->start = fixture->now + start_offset;
  kase->expected_end = DK_TIME_UNSET;
  kase->closed_at = closed_offset != 0 ? fixture->now + closed_offset : DK_TIME_UNSET;
  kase->created_at = MIN (kase->start, fixture->now);
  kase->revision = 1;

  update->id = g_uuid_string_random ();
  update->at = MIN (kase->start, fixture->now) + 60;
  update->phrase = status == DK_CASE_STATUS_CLOSED ? DK_UPDATE_PHRASE_RESOLVED
                                                   : DK_UPDATE_PHRASE_TROUBLESHOOTING;
  update->text = g_strdup_printf ("Senaste nytt om %s.", title);
  update->author = g_strdup ("servicedesk");
  g_ptr_array_add (kase->updates, update);

  g_assert_true (dk_case_validate (kase, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dk_server_store_case (fixture->db, kase, &error), >, 0);
  g_assert_no_error (error);
  return kase;
}

static char *
render_page (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = dk_server_render_page (fixture->db, fixture->now, &error);
  gsize size;
  const char *data;

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &size);
  g_assert_true (g_utf8_validate (data, size, NULL));
  g_assert_cmpuint (strlen (data), ==, size);
  return g_strndup (data, size);
}

static char *
render_feed (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = dk_server_render_feed (fixture->db, BASE_URL, fixture->now, &error);
  gsize size;
  const char *data;

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &size);
  g_assert_true (g_utf8_validate (data, size, NULL));
  return g_strndup (data, size);
}

/* ---- a small well-formedness check with GMarkupParseContext ---- */

typedef struct {
  GString    *path;         /* "feed/entry/title" */
  GString    *text;
  guint       n_entries;
  guint       entry_fields; /* bits: 1 id, 2 title, 4 updated */
  gboolean    entries_complete;
  gboolean    feed_has_id, feed_has_title, feed_has_updated, feed_has_self;
  GPtrArray  *entry_ids;
} XmlCheck;

static void
xml_start_cb (GMarkupParseContext  *context,
              const char           *element,
              const char          **names,
              const char          **values,
              gpointer              user_data,
              GError              **error)
{
  XmlCheck *check = user_data;

  g_string_append_printf (check->path, "/%s", element);
  g_string_truncate (check->text, 0);

  if (g_str_equal (check->path->str, "/feed/entry"))
    {
      check->n_entries++;
      check->entry_fields = 0;
    }
  if (g_str_equal (check->path->str, "/feed/link"))
    {
      for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal (names[i], "rel") && g_str_equal (values[i], "self"))
          check->feed_has_self = TRUE;
    }
}

static void
xml_end_cb (GMarkupParseContext  *context,
            const char           *element,
            gpointer              user_data,
            GError              **error)
{
  XmlCheck *check = user_data;
  const char *path = check->path->str;
  gboolean has_text = check->text->len > 0;
  char *slash;

  if (g_str_equal (path, "/feed/id"))
    check->feed_has_id = has_text;
  else if (g_str_equal (path, "/feed/title"))
    check->feed_has_title = has_text;
  else if (g_str_equal (path, "/feed/updated"))
    check->feed_has_updated = has_text && dk_time_parse (check->text->str, &(gint64) { 0 }, NULL);
  else if (g_str_equal (path, "/feed/entry/id") && has_text)
    {
      check->entry_fields |= 1;
      g_ptr_array_add (check->entry_ids, g_strdup (check->text->str));
    }
  else if (g_str_equal (path, "/feed/entry/title") && has_text)
    check->entry_fields |= 2;
  else if (g_str_equal (path, "/feed/entry/updated") && has_text
           && dk_time_parse (check->text->str, &(gint64) { 0 }, NULL))
    check->entry_fields |= 4;
  else if (g_str_equal (path, "/feed/entry") && check->entry_fields != 7)
    check->entries_complete = FALSE;

  slash = strrchr (check->path->str, '/');
  g_string_truncate (check->path, slash - check->path->str);
}

static void
xml_text_cb (GMarkupParseContext  *context,
             const char           *text,
             gsize                 length,
             gpointer              user_data,
             GError              **error)
{
  XmlCheck *check = user_data;

  g_string_append_len (check->text, text, length);
}

static const GMarkupParser xml_parser = {
  xml_start_cb, xml_end_cb, xml_text_cb, NULL, NULL,
};

static void
xml_check_init (XmlCheck *check)
{
  memset (check, 0, sizeof *check);
  check->path = g_string_new (NULL);
  check->text = g_string_new (NULL);
  check->entries_complete = TRUE;
  check->entry_ids = g_ptr_array_new_with_free_func (g_free);
}

static void
xml_check_clear (XmlCheck *check)
{
  g_string_free (check->path, TRUE);
  g_string_free (check->text, TRUE);
  g_ptr_array_unref (check->entry_ids);
}

/* Parses @document as XML; FALSE (with the parser's message logged) when it is not
 * well-formed. */
static gboolean
parse_xml (const char *document,
           XmlCheck   *check)
{
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;

  context = g_markup_parse_context_new (&xml_parser, G_MARKUP_PREFIX_ERROR_POSITION, check, NULL);
  if (!g_markup_parse_context_parse (context, document, -1, &error)
      || !g_markup_parse_context_end_parse (context, &error))
    {
      g_test_message ("not well-formed: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

static void
assert_feed_valid (const char *feed,
                   guint       n_entries)
{
  XmlCheck check;

  xml_check_init (&check);
  g_assert_true (g_str_has_prefix (feed, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
  g_assert_nonnull (strstr (feed, "<feed xmlns=\"http://www.w3.org/2005/Atom\""));
  g_assert_true (parse_xml (feed, &check));
  g_assert_true (check.feed_has_id);
  g_assert_true (check.feed_has_title);
  g_assert_true (check.feed_has_updated);
  g_assert_true (check.feed_has_self);
  g_assert_nonnull (strstr (feed, "<author><name>"));
  g_assert_cmpuint (check.n_entries, ==, n_entries);
  g_assert_true (check.entries_complete);
  for (guint i = 0; i < check.entry_ids->len; i++)
    {
      const char *id = g_ptr_array_index (check.entry_ids, i);

      g_assert_true (g_str_has_prefix (id, "urn:uuid:"));
      g_assert_true (dk_is_uuid (id + strlen ("urn:uuid:")));
    }
  xml_check_clear (&check);
}

static void
assert_page_valid (const char *page)
{
  XmlCheck check;

  g_assert_true (g_str_has_prefix (page, "<!DOCTYPE html>\n<html lang=\""));
  g_assert_nonnull (strstr (page, "<meta charset=\"utf-8\"/>"));
  g_assert_nonnull (strstr (page, "<meta name=\"viewport\" content=\"width=device-width"));
  g_assert_nonnull (strstr (page, "<link rel=\"alternate\" type=\"application/atom+xml\""));
  g_assert_nonnull (strstr (page, "href=\"/feed.atom\""));
  g_assert_nonnull (strstr (page, _("Ongoing disruptions and crisis information")));
  g_assert_nonnull (strstr (page, _("Planned work")));
  g_assert_nonnull (strstr (page, _("Recently closed")));
  g_assert_null (strstr (page, "<script"));
  /* The page is written so that it is well-formed XML as well. */
  xml_check_init (&check);
  g_assert_true (parse_xml (page, &check));
  xml_check_clear (&check);
}

/* Whether a case can be seen in a rendered document: its number as the page shows it
 * or as the feed links it, or its title. */
static gboolean
shows_case (const char   *document,
            const DkCase *kase)
{
  g_autofree char *title = g_markup_escape_text (kase->title, -1);
  g_autofree char *as_heading = g_strdup_printf (">%s<", kase->number);
  g_autofree char *as_anchor = g_strdup_printf ("#%s\"", kase->number);
  g_autofree char *as_id = g_strdup_printf ("id=\"%s\"", kase->number);

  return strstr (document, title) != NULL || strstr (document, as_heading) != NULL
         || strstr (document, as_anchor) != NULL || strstr (document, as_id) != NULL;
}

static void
test_public_only (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(DkCase) ongoing = NULL;
  g_autoptr(DkCase) internal = NULL;
  g_autoptr(DkCase) internal_planned = NULL;
  g_autoptr(DkCase) planned = NULL;
  g_autoptr(DkCase) recent = NULL;
  g_autoptr(DkCase) archived = NULL;
  g_autofree char *page = NULL;
  g_autofree char *feed = NULL;

  store_service (fixture, "tes", "TES", DK_AREA_IT_TELEPHONY);
  ongoing = store_case (fixture, "DK-1001", "Inloggning i TES misslyckas", DK_CASE_KIND_INCIDENT,
                        DK_CASE_STATUS_ONGOING, 2, TRUE, -2 * HOUR, 0);
  internal = store_case (fixture, "DK-1002", "Hemlig intern störning", DK_CASE_KIND_INCIDENT,
                         DK_CASE_STATUS_ONGOING, 1, FALSE, -HOUR, 0);
  internal_planned = store_case (fixture, "DK-1003", "Intern planerad åtgärd",
                                 DK_CASE_KIND_PLANNED, DK_CASE_STATUS_PLANNED, 3, FALSE,
                                 9 * DAY, 0);
  planned = store_case (fixture, "DK-1004", "Uppgradering av TES", DK_CASE_KIND_PLANNED,
                        DK_CASE_STATUS_PLANNED, 3, TRUE, 9 * DAY, 0);
  recent = store_case (fixture, "DK-1005", "Utskrifter fungerade inte", DK_CASE_KIND_INCIDENT,
                       DK_CASE_STATUS_CLOSED, 3, TRUE, -6 * HOUR, -2 * HOUR);
  archived = store_case (fixture, "DK-1006", "Gammal störning", DK_CASE_KIND_INCIDENT,
                         DK_CASE_STATUS_CLOSED, 3, TRUE, -3 * DAY, -2 * DAY);

  page = render_page (fixture);
  assert_page_valid (page);
  g_assert_true (shows_case (page, ongoing));
  g_assert_true (shows_case (page, planned));
  g_assert_true (shows_case (page, recent));
  g_assert_false (shows_case (page, internal));
  g_assert_false (shows_case (page, internal_planned));
  g_assert_false (shows_case (page, archived));
  /* Names of services, labels of status and phrase, the latest update's text. */
  g_assert_nonnull (strstr (page, ">TES<"));
  g_assert_nonnull (strstr (page, dk_case_status_label (DK_CASE_STATUS_ONGOING)));
  g_assert_nonnull (strstr (page, dk_update_phrase_label (DK_UPDATE_PHRASE_TROUBLESHOOTING)));
  g_assert_nonnull (strstr (page, "Senaste nytt om Inloggning i TES misslyckas."));
  g_assert_nonnull (strstr (page, dk_area_label (DK_AREA_IT_TELEPHONY)));
  g_assert_nonnull (strstr (page, "Samtliga vårdenheter"));

  feed = render_feed (fixture);
  assert_feed_valid (feed, 3);
  g_assert_true (shows_case (feed, ongoing));
  g_assert_true (shows_case (feed, planned));
  g_assert_true (shows_case (feed, recent));
  g_assert_false (shows_case (feed, internal));
  g_assert_false (shows_case (feed, internal_planned));
  g_assert_false (shows_case (feed, archived));
  g_assert_nonnull (strstr (feed, "href=\"" BASE_URL "#DK-1001\""));
  g_assert_null (strstr (feed, internal->id));
}

static void
test_sections_ordered (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(DkCase) low = NULL;
  g_autoptr(DkCase) high = NULL;
  g_autoptr(DkCase) later = NULL;
  g_autoptr(DkCase) sooner = NULL;
  g_autoptr(DkCase) crisis = NULL;
  g_autofree char *page = NULL;
  const char *current;
  const char *planned;

  store_service (fixture, "tes", "TES", DK_AREA_IT_TELEPHONY);
  low = store_case (fixture, "DK-1001", "Liten störning", DK_CASE_KIND_INCIDENT,
                    DK_CASE_STATUS_ONGOING, 4, TRUE, -HOUR, 0);
  high = store_case (fixture, "DK-1002", "Stor störning", DK_CASE_KIND_INCIDENT,
                     DK_CASE_STATUS_ONGOING, 1, TRUE, -3 * HOUR, 0);
  crisis = store_case (fixture, "DK-1003", "Storm i natt", DK_CASE_KIND_CRISIS,
                       DK_CASE_STATUS_ONGOING, 2, TRUE, -HOUR, 0);
  later = store_case (fixture, "DK-1004", "Senare arbete", DK_CASE_KIND_PLANNED,
                      DK_CASE_STATUS_PLANNED, 3, TRUE, 20 * DAY, 0);
  sooner = store_case (fixture, "DK-1005", "Snart arbete", DK_CASE_KIND_PLANNED,
                       DK_CASE_STATUS_URGENT_PLANNED, 3, TRUE, 2 * DAY, 0);

  page = render_page (fixture);
  current = strstr (page, "id=\"current\"");
  planned = strstr (page, "id=\"planned\"");
  g_assert_nonnull (current);
  g_assert_nonnull (planned);
  g_assert_true (current < planned);
  g_assert_true (current < strstr (page, "Stor störning"));
  g_assert_true (strstr (page, "Stor störning") < strstr (page, "Storm i natt"));
  g_assert_true (strstr (page, "Storm i natt") < strstr (page, "Liten störning"));
  g_assert_true (strstr (page, "Liten störning") < planned);
  g_assert_true (planned < strstr (page, "Snart arbete"));
  g_assert_true (strstr (page, "Snart arbete") < strstr (page, "Senare arbete"));
  g_assert_nonnull (strstr (page, dk_case_status_label (DK_CASE_STATUS_URGENT_PLANNED)));
}

static void
test_overdue (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = NULL;
  g_autofree char *page = NULL;

  store_service (fixture, "tes", "TES", DK_AREA_IT_TELEPHONY);
  page = render_page (fixture);
  g_assert_null (strstr (page, "class=\"overdue\""));
  g_clear_pointer (&page, g_free);

  kase = store_case (fixture, "DK-1001", "Försenad lagning", DK_CASE_KIND_INCIDENT,
                     DK_CASE_STATUS_ONGOING, 3, TRUE, -5 * HOUR, 0);
  kase->expected_end = fixture->now - HOUR;
  kase->revision++;
  g_assert_cmpint (dk_server_store_case (fixture->db, kase, &error), >, 0);
  g_assert_no_error (error);

  page = render_page (fixture);
  g_assert_nonnull (strstr (page, "class=\"overdue\""));
  g_assert_nonnull (strstr (page, _("overdue")));
}

static void
test_escaping (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = NULL;
  g_autofree char *page = NULL;
  g_autofree char *feed = NULL;
  XmlCheck check;

  store_service (fixture, "tes", "<b>TES</b>", DK_AREA_IT_TELEPHONY);
  kase = store_case (fixture, "DK-1001", "<script>alert(\"x\")</script> & 'co'",
                     DK_CASE_KIND_INCIDENT, DK_CASE_STATUS_ONGOING, 2, TRUE, -HOUR, 0);
  g_free (kase->scope);
  kase->scope = g_strdup ("</dd><img src=x onerror=alert(1)>");
  g_free (kase->description);
  kase->description = g_strdup ("]]></content><script>evil()</script>");
  kase->revision++;
  g_assert_cmpint (dk_server_store_case (fixture->db, kase, &error), >, 0);
  g_assert_no_error (error);

  page = render_page (fixture);
  g_assert_null (strstr (page, "<script"));
  g_assert_null (strstr (page, "<img"));
  g_assert_null (strstr (page, "<b>"));
  g_assert_nonnull (strstr (page, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "));
  xml_check_init (&check);
  g_assert_true (parse_xml (page, &check));
  xml_check_clear (&check);

  feed = render_feed (fixture);
  g_assert_null (strstr (feed, "<script"));
  g_assert_null (strstr (feed, "<img"));
  g_assert_nonnull (strstr (feed, "&lt;script&gt;"));
  assert_feed_valid (feed, 1);
}

static void
test_internal_members_and_no_services (Fixture       *fixture,
                                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = NULL;
  g_autofree char *page = NULL;
  g_autofree char *feed = NULL;
  DkCaseAffected *affected = dk_case_affected_new ();

  store_service (fixture, "tes", "TES", DK_AREA_IT_TELEPHONY);
  kase = store_case (fixture, "DK-1001", "Stormvarning", DK_CASE_KIND_CRISIS,
                     DK_CASE_STATUS_ONGOING, 2, TRUE, -HOUR, 0);
  /* A weather warning affects no service; units and reports are the publishers'. */
  g_ptr_array_set_size (kase->services, 0);
  affected->unit = g_strdup ("Hemliga avdelningen");
  affected->at = fixture->now;
  affected->by = g_strdup ("staff");
  g_ptr_array_add (kase->affected, affected);
  g_ptr_array_add (kase->reports, g_strdup ("0b6c1f4e-8a3d-4c56-9e7f-2d1a5b8c9e0f"));
  kase->revision++;
  g_assert_true (dk_case_validate (kase, &error));
  g_assert_cmpint (dk_server_store_case (fixture->db, kase, &error), >, 0);
  g_assert_no_error (error);

  page = render_page (fixture);
  g_assert_nonnull (strstr (page, "Stormvarning"));
  g_assert_null (strstr (page, _("Affected services")));
  g_assert_null (strstr (page, "Hemliga avdelningen"));
  g_assert_null (strstr (page, "0b6c1f4e"));

  feed = render_feed (fixture);
  g_assert_nonnull (strstr (feed, "Stormvarning"));
  g_assert_null (strstr (feed, _("Affected services")));
  g_assert_null (strstr (feed, "Hemliga avdelningen"));
  assert_feed_valid (feed, 1);
}

static void
test_empty (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autofree char *page = render_page (fixture);
  g_autofree char *feed = render_feed (fixture);

  assert_page_valid (page);
  g_assert_nonnull (strstr (page, _("No ongoing disruptions.")));
  g_assert_nonnull (strstr (page, _("No planned work.")));
  g_assert_nonnull (strstr (page, "class=\"allclear\""));
  g_assert_null (strstr (page, "<article"));
  assert_feed_valid (feed, 0);
}

static void
test_language (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *page = render_page (fixture);
  const char *expected;

  /* No translation is loaded in the tests: the strings, and so the page, are English. */
  expected = g_strcmp0 (_("Planned work"), "Planned work") == 0 ? "<html lang=\"en\">" : NULL;
  if (expected != NULL)
    g_assert_nonnull (strstr (page, expected));
  else
    g_assert_null (strstr (page, "<html lang=\"en\">"));
}

static void
test_demo (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  g_autofree char *page = NULL;
  g_autofree char *feed = NULL;
  guint n_shown = 0;
  guint n_hidden = 0;

  g_assert_true (dk_server_load_demo (fixture->db, fixture->now, &error));
  g_assert_no_error (error);
  page = render_page (fixture);
  feed = render_feed (fixture);
  assert_page_valid (page);

  objects = dk_server_db_list_objects (fixture->db, DK_TYPE_NAME_CASE, FALSE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < objects->len; i++)
    {
      DkStoredObject *object = g_ptr_array_index (objects, i);
      g_autoptr(DkCase) kase = dk_server_load_case (fixture->db, object->id, &error);

      g_assert_no_error (error);
      if (kase->public && !dk_rules_case_is_archived (kase, fixture->now))
        {
          g_assert_true (shows_case (page, kase));
          g_assert_true (shows_case (feed, kase));
          n_shown++;
        }
      else
        {
          g_assert_false (shows_case (page, kase));
          g_assert_false (shows_case (feed, kase));
          n_hidden++;
        }
    }
  g_assert_cmpuint (n_shown, >, 0);
  g_assert_cmpuint (n_hidden, >, 0);
  assert_feed_valid (feed, n_shown);
  g_assert_nonnull (strstr (page, "class=\"major\""));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (dk_auth_init ());

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/server/public/shows-public-cases-never-internal", test_public_only);
  ADD ("/server/public/page/orders-by-priority-and-start", test_sections_ordered);
  ADD ("/server/public/page/marks-overdue-end", test_overdue);
  ADD ("/server/public/escapes-every-text", test_escaping);
  ADD ("/server/public/empty-says-so", test_empty);
  ADD ("/server/public/crisis-without-services-and-no-internal-members",
       test_internal_members_and_no_services);
  ADD ("/server/public/page/language-follows-strings", test_language);
  ADD ("/server/public/demo-shows-public-hides-internal", test_demo);
#undef ADD

  return g_test_run ();
}
