/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-store.c: the client replica: files, pages of changes, the outbox, search */

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include <glib/gstdio.h>

#include "dk-local-changes.h"
#include "dk-store.h"
#include "dk-store-notify.h"
#include "dk-store-run-notify.h"
#include "dk-test-changes.h"
#include "dk-test-files.h"

#define NOW G_GINT64_CONSTANT (1790000000)  /* 2026-09-21 */
#define ME "anna"

typedef struct {
  char    *dir;
  char    *path;
  DkStore *store;
  gint64   seq;
} Fixture;

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("test-store-XXXXXX", &error);
  g_assert_no_error (error);
  fx->path = g_build_filename (fx->dir, "replica.db", NULL);
  fx->store = dk_store_open (fx->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fx->store);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_object (&fx->store);
  dk_test_remove_tree (fx->dir);
  g_free (fx->path);
  g_free (fx->dir);
}

/* ---- building server data ---- */

static DkCase *
new_case (const char *title,
          const char *description,
          const char *service)
{
  DkCase *kase = dk_case_new ();

  kase->id = g_uuid_string_random ();
  kase->kind = DK_CASE_KIND_INCIDENT;
  kase->area = DK_AREA_IT_TELEPHONY;
  kase->title = g_strdup (title);
  kase->description = g_strdup (description);
  kase->scope = g_strdup ("Berör samtliga vårdenheter");
  g_ptr_array_add (kase->services, g_strdup (service != NULL ? service : "tes"));
  kase->status = DK_CASE_STATUS_ONGOING;
  kase->priority = 3;
  kase->start = NOW - 3600;
  kase->expected_end = DK_TIME_UNSET;
  kase->closed_at = DK_TIME_UNSET;
  kase->revision = 1;
  return kase;
}

static void
close_case (DkCase *kase,
            gint64  closed_at)
{
  kase->status = DK_CASE_STATUS_CLOSED;
  kase->closed_at = closed_at;
  if (kase->start > closed_at)
    kase->start = closed_at - 60;
}

/* The server's next revision of @kase, under a new title. */
static void
retitle (DkCase     *kase,
         const char *title)
{
  g_free (kase->title);
  kase->title = g_strdup (title);
  kase->revision++;
}

static void
apply_page (Fixture   *fx,
            JsonArray *page)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dk_store_apply_changes (fx->store, page, fx->seq, &error));
  g_assert_no_error (error);
}

/* Stores one server case and returns it. */
static DkCase *
put_server_case (Fixture    *fx,
                 const char *title,
                 const char *description,
                 const char *service)
{
  g_autoptr(JsonArray) page = json_array_new ();
  DkCase *kase = new_case (title, description, service);

  dk_test_add_case_change (&fx->seq, page, kase);
  apply_page (fx, page);
  return kase;
}

static DkCase *
get_case (Fixture    *fx,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  DkCase *kase = dk_store_get_case (fx->store, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (kase);
  return kase;
}

static DkOutboxEntry *
only_entry (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = dk_store_outbox_list (fx->store, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  return g_steal_pointer (&entries->pdata[0]);
}

static DkOutboxEntry *
only_entry_of_type (Fixture    *fx,
                    const char *type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = dk_store_outbox_list (fx->store, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      DkOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (g_str_equal (entry->object_type, type))
        return g_steal_pointer (&entries->pdata[i]);
    }
  g_assert_not_reached ();
}

static JsonObject *
result_new (const char *mutation_id,
            const char *status,
            gint64      revision)
{
  JsonObject *result = json_object_new ();

  json_object_set_string_member (result, "id", mutation_id);
  json_object_set_string_member (result, "status", status);
  json_object_set_int_member (result, "revision", revision);
  return result;
}

static guint
search_count (Fixture    *fx,
              const char *text,
              guint       limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = dk_store_search_cases (fx->store, text, limit, &error);

  g_assert_no_error (error);
  g_assert_nonnull (found);
  return found->len;
}

static char *
read_bytes (const char *path,
            gsize      *length)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, length, NULL));
  return contents;
}

/* ---- opening ---- */

static void
test_open_reopen (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = put_server_case (fx, "Störning i TES", "Inloggning", "tes");
  g_autoptr(DkCase) again = NULL;
  g_autofree char *url = NULL;

  g_assert_true (dk_store_set_meta (fx->store, "server_url", "http://127.0.0.1:1/", &error));
  g_assert_no_error (error);
  g_clear_object (&fx->store);

  fx->store = dk_store_open (fx->path, &error);
  g_assert_no_error (error);
  url = dk_store_dup_meta (fx->store, "server_url");
  g_assert_cmpstr (url, ==, "http://127.0.0.1:1/");
  g_assert_cmpint (dk_store_get_cursor (fx->store), ==, fx->seq);
  again = get_case (fx, kase->id);
  g_assert_cmpstr (again->title, ==, "Störning i TES");
  g_assert_cmpstr (dk_store_get_path (fx->store), ==, fx->path);

  g_assert_true (dk_store_set_meta (fx->store, "server_url", NULL, &error));
  g_assert_null (dk_store_dup_meta (fx->store, "server_url"));
}

static void
test_open_refuses_garbage (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fx->dir, "garbage.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize n_before = 0, n_after = 0;
  DkStore *store;

  g_assert_true (g_file_set_contents (path, "this is not a database, not at all\n", -1, NULL));
  before = read_bytes (path, &n_before);

  store = dk_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, DK_STORE_ERROR, DK_STORE_ERROR_CORRUPT);
  g_test_message ("%s", error->message);

  after = read_bytes (path, &n_after);
  g_assert_cmpmem (before, n_before, after, n_after);
  g_remove (path);
}

static void
test_open_refuses_other_database (Fixture       *fx,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fx->dir, "other.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize n_before = 0, n_after = 0;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  before = read_bytes (path, &n_before);

  g_assert_null (dk_store_open (path, &error));
  g_assert_error (error, DK_STORE_ERROR, DK_STORE_ERROR_CORRUPT);

  after = read_bytes (path, &n_after);
  g_assert_cmpmem (before, n_before, after, n_after);
  g_remove (path);
}

static void
test_open_refuses_newer (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *wal = g_strconcat (fx->path, "-wal", NULL);
  gsize n_before = 0, n_after = 0;
  sqlite3 *db = NULL;

  g_clear_object (&fx->store);
  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99; PRAGMA journal_mode = DELETE",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  before = read_bytes (fx->path, &n_before);

  g_assert_null (dk_store_open (fx->path, &error));
  g_assert_error (error, DK_STORE_ERROR, DK_STORE_ERROR_TOO_NEW);
  g_test_message ("%s", error->message);

  after = read_bytes (fx->path, &n_after);
  g_assert_cmpmem (before, n_before, after, n_after);
}

/* A replica of version 1 (no last_update in what the notifier keeps) is migrated in
 * place: what it had stays, the new column works. */
static void
test_open_migrates_version_1 (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_notified_case_free);
  g_autoptr(DkNotifiedCase) kept = NULL;
  g_autoptr(DkNotifiedCase) again = NULL;
  DkNotifiedCase *state = g_new0 (DkNotifiedCase, 1);
  sqlite3 *db = NULL;

  state->case_id = g_strdup ("case-1");
  state->status = DK_CASE_STATUS_ONGOING;
  state->phrase = -1;
  state->expected_end = DK_TIME_UNSET;
  g_ptr_array_add (states, state);
  g_assert_true (dk_store_record_notified (fx->store, states, 7, &error));
  g_assert_no_error (error);
  g_clear_object (&fx->store);

  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  /* Version 1 as a replica made before the run notifier had its table. */
  g_assert_cmpint (sqlite3_exec (db, "ALTER TABLE notified DROP COLUMN last_update;"
                                 "DROP TABLE run_notified;"
                                 "PRAGMA user_version = 1", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  fx->store = dk_store_open (fx->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "SELECT run_id, username, closed_at, told FROM run_notified",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  kept = dk_store_get_notified (fx->store, "case-1", &error);
  g_assert_no_error (error);
  g_assert_nonnull (kept);
  g_assert_null (kept->last_update);
  g_assert_cmpint (dk_store_get_notify_cursor (fx->store), ==, 7);

  state->last_update = g_strdup ("update-2");
  g_assert_true (dk_store_record_notified (fx->store, states, 8, &error));
  g_assert_no_error (error);
  again = dk_store_get_notified (fx->store, "case-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->last_update, ==, "update-2");
}

/* ---- pages of changes ---- */

/* The app and the cli pull into one replica: a page that arrives late is older than what
 * the other applied, and must neither overwrite it nor move the cursor back. */
static void
test_changes_late_page (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) old_page = json_array_new ();
  g_autoptr(JsonArray) new_page = json_array_new ();
  g_autoptr(JsonArray) overlapping = json_array_new ();
  g_autoptr(DkCase) kase = new_case ("Gammal rubrik", "Förr", "tes");
  g_autoptr(DkCase) other = new_case ("Ett annat ärende", "Nytt", "tes");
  g_autoptr(DkCase) seen = NULL;
  g_autoptr(DkCase) seen_other = NULL;

  /* seq 1: the old version; seq 2: the new one, applied first by "the other process" */
  dk_test_add_case_change (&fx->seq, old_page, kase);
  retitle (kase, "Ny rubrik");
  dk_test_add_case_change (&fx->seq, new_page, kase);
  g_assert_true (dk_store_apply_changes (fx->store, new_page, 2, &error));
  g_assert_no_error (error);

  g_assert_true (dk_store_apply_changes (fx->store, old_page, 1, &error));
  g_assert_no_error (error);
  seen = get_case (fx, kase->id);
  g_assert_cmpstr (seen->title, ==, "Ny rubrik");
  g_assert_cmpint (seen->revision, ==, 2);
  g_assert_cmpint (dk_store_get_cursor (fx->store), ==, 2);

  /* a page over seq 2..3: only what is new is applied, the cursor moves on */
  json_array_add_element (overlapping, json_node_copy (json_array_get_element (old_page, 0)));
  fx->seq = 2;
  dk_test_add_case_change (&fx->seq, overlapping, other);
  g_assert_true (dk_store_apply_changes (fx->store, overlapping, 3, &error));
  g_assert_no_error (error);
  g_clear_pointer (&seen, dk_case_unref);
  seen = get_case (fx, kase->id);
  g_assert_cmpstr (seen->title, ==, "Ny rubrik");
  seen_other = get_case (fx, other->id);
  g_assert_cmpstr (seen_other->title, ==, "Ett annat ärende");
  g_assert_cmpint (dk_store_get_cursor (fx->store), ==, 3);
}

static void
test_changes_apply (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(JsonArray) page2 = json_array_new ();
  g_autoptr(DkCase) a = new_case ("Störning i Melior", "Långa svarstider", "melior");
  g_autoptr(DkCase) b = new_case ("Störning i Cosmic", "Ingen åtkomst", "cosmic");
  g_autoptr(DkCase) got = NULL;
  g_autoptr(GPtrArray) services = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  JsonObject *unknown = json_object_new ();

  dk_test_add_service_change (&fx->seq, page, "melior", "Melior");
  dk_test_add_case_change (&fx->seq, page, a);
  dk_test_add_case_change (&fx->seq, page, b);
  json_object_set_string_member (unknown, "whatever", "x");
  json_array_add_element (page, dk_test_change_node (++fx->seq, "gadget", "g1",
                                             json_node_init_object (json_node_alloc (), unknown)));
  json_object_unref (unknown);
  apply_page (fx, page);
  g_assert_cmpint (dk_store_get_cursor (fx->store), ==, 4);

  services = dk_store_list_services (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (services->len, ==, 1);
  cases = dk_store_list_cases (fx->store, NULL, NOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, 2);

  /* An update and a tombstone. */
  retitle (a, "Störning i Melior – åtgärdad");
  dk_test_add_case_change (&fx->seq, page2, a);
  json_array_add_element (page2, dk_test_change_node (++fx->seq, "case", b->id, NULL));
  apply_page (fx, page2);
  g_assert_cmpint (dk_store_get_cursor (fx->store), ==, 6);

  got = get_case (fx, a->number);
  g_assert_cmpstr (got->title, ==, "Störning i Melior – åtgärdad");
  g_assert_cmpint (got->revision, ==, 2);
  g_assert_null (dk_store_get_case (fx->store, b->id, &error));
  g_assert_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (search_count (fx, "cosmic", 10), ==, 0);
  g_assert_cmpuint (search_count (fx, "atgardad", 10), ==, 1);
}

/* A case the replica can read only in part (a status and a phrase of a newer server, a
 * history past every limit) is in the list, the search and its page, with what reads
 * and a note of what does not: a client never hides a case (issue 13). */
static void
test_changes_case_read_in_part_still_shows (Fixture       *fx,
                                            gconstpointer  data)
{
  g_autoptr(DkCase) kase = new_case ("Röntgen står still", "Bilder kan inte visas", "pacs");
  g_autoptr(DkCase) whole = new_case ("Skrivare", "Utskrifter fastnar", "tes");
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(DkCase) shown = NULL;
  g_autoptr(DkCase) shown_whole = NULL;
  g_autoptr(GError) error = NULL;
  DkCaseQuery query = { 0 };
  JsonArray *updates;
  JsonObject *odd;
  gboolean in_list = FALSE, in_search = FALSE;

  kase->number = g_strdup ("DK-77");
  for (guint i = 0; i < DK_MAX_UPDATES + 500; i++)
    {
      DkCaseUpdate *update = dk_case_update_new ();

      update->id = g_uuid_string_random ();
      update->at = NOW - 3600 + i;
      update->phrase = DK_UPDATE_PHRASE_TROUBLESHOOTING;
      update->text = g_strdup_printf ("Felsökning %u", i);
      g_ptr_array_add (kase->updates, update);
    }
  node = dk_case_to_json (kase);
  json_object_set_string_member (json_node_get_object (node), "status", "escalated");
  updates = json_object_get_array_member (json_node_get_object (node), "updates");
  odd = json_array_get_object_element (updates, 7);
  json_object_set_string_member (odd, "phrase", "handed_to_supplier");
  json_array_add_element (page, dk_test_change_node (++fx->seq, "case", kase->id,
                                             g_steal_pointer (&node)));
  dk_test_add_case_change (&fx->seq, page, whole);
  apply_page (fx, page);

  listed = dk_store_list_cases (fx->store, &query, NOW, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < listed->len; i++)
    in_list |= g_str_equal (((DkCase *) listed->pdata[i])->id, kase->id);
  g_assert_true (in_list);
  g_assert_cmpuint (listed->len, ==, 2);

  found = dk_store_search_cases (fx->store, "röntgen", 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < found->len; i++)
    in_search |= g_str_equal (((DkCase *) found->pdata[i])->id, kase->id);
  g_assert_true (in_search);

  shown = get_case (fx, "DK-77");
  g_assert_cmpstr (shown->id, ==, kase->id);
  g_assert_cmpstr (shown->title, ==, "Röntgen står still");
  g_assert_cmpstr (shown->description, ==, "Bilder kan inte visas");
  g_assert_cmpuint (shown->updates->len, ==, DK_MAX_UPDATES + 500 - 1);
  g_assert_nonnull (shown->unread);
  g_test_message ("unread: %s", shown->unread);
  g_assert_nonnull (strstr (shown->unread, "status"));
  g_assert_nonnull (strstr (shown->unread, "updates (1/1500)"));

  shown_whole = get_case (fx, whole->id);
  g_assert_null (shown_whole->unread);

  /* Data that does not read at all (another program wrote the file, a parser that
   * disagrees): the case is listed from its row, titled, flagged. */
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE cases SET server_data = '{\"id\":' "
                                            "WHERE id = '%s'", whole->id);
    g_autoptr(GPtrArray) again = NULL;
    g_autoptr(DkCase) stub = NULL;
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);

    again = dk_store_list_cases (fx->store, &query, NOW, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (again->len, ==, 2);
    stub = get_case (fx, whole->id);
    g_assert_cmpstr (stub->title, ==, "Skrivare");
    g_assert_nonnull (stub->unread);
  }
}

static void
test_changes_atomic (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(DkCase) a = new_case ("Första", "x", "tes");
  g_autoptr(GPtrArray) cases = NULL;
  JsonObject *broken = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  dk_test_add_case_change (&fx->seq, page, a);
  json_object_set_int_member (broken, "seq", ++fx->seq);
  json_object_set_string_member (broken, "type", "case");
  json_object_set_string_member (broken, "id", "x");
  json_object_set_string_member (broken, "data", "not an object");
  json_node_take_object (node, broken);
  json_array_add_element (page, node);

  g_assert_false (dk_store_apply_changes (fx->store, page, fx->seq, &error));
  g_assert_error (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED);
  g_assert_cmpint (dk_store_get_cursor (fx->store), ==, 0);
  cases = dk_store_list_cases (fx->store, NULL, NOW, NULL);
  g_assert_cmpuint (cases->len, ==, 0);
  g_assert_cmpuint (search_count (fx, "forsta", 10), ==, 0);
}

/* ---- the outbox, offline (as evolution-data-server's cache tests) ---- */

static DkCase *
create_local (Fixture    *fx,
              const char *title)
{
  g_autoptr(GError) error = NULL;
  DkCase *kase = new_case (title, "Lokalt skapad", "tes");

  g_clear_pointer (&kase->id, g_free);
  kase->revision = 0;
  g_assert_true (dk_local_create_case (fx->store, kase, ME, NOW, &error));
  g_assert_no_error (error);
  g_assert_nonnull (kase->id);
  return kase;
}

static void
edit_title (Fixture    *fx,
            const char *id,
            const char *title)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();

  json_object_set_string_member (changes, "title", title);
  g_assert_true (dk_local_edit_case (fx->store, id, changes, ME, NOW, &error));
  g_assert_no_error (error);
}

static void
test_outbox_add (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(DkCase) kase = create_local (fx, "Lokal störning");
  g_autoptr(DkCase) got = get_case (fx, kase->id);
  g_autoptr(GPtrArray) cases = dk_store_list_cases (fx->store, NULL, NOW, NULL);
  g_autoptr(GPtrArray) pending = dk_store_outbox_pending (fx->store, 10, NULL);
  g_autoptr(DkOutboxEntry) entry = NULL;

  g_assert_cmpstr (got->title, ==, "Lokal störning");
  g_assert_null (got->number);
  g_assert_cmpint (got->revision, ==, 0);
  g_assert_cmpstr (got->publisher, ==, ME);
  g_assert_true (dk_store_is_pending (fx->store, "case", kase->id));
  g_assert_cmpuint (cases->len, ==, 1);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 1);
  g_assert_cmpuint (search_count (fx, "lokal", 10), ==, 1);

  entry = only_entry (fx);
  g_assert_cmpstr (entry->op, ==, "case.create");
  g_assert_cmpstr (entry->object_id, ==, kase->id);
  g_assert_cmpint (entry->base_revision, ==, 0);
  g_assert_nonnull (strstr (entry->data, "\"priority\":3"));
  g_assert_null (strstr (entry->data, "\"number\""));
}

static void
test_outbox_add_edit (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(DkCase) kase = create_local (fx, "Lokal störning");
  g_autoptr(DkCase) got = NULL;

  edit_title (fx, kase->id, "Lokal störning, ändrad");
  got = get_case (fx, kase->id);
  g_assert_cmpstr (got->title, ==, "Lokal störning, ändrad");
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 2);
  g_assert_cmpuint (search_count (fx, "andrad", 10), ==, 1);
}

static void
test_outbox_add_delete (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = create_local (fx, "Lokal störning");
  g_autoptr(DkOutboxEntry) entry = only_entry (fx);
  g_autoptr(GPtrArray) cases = NULL;

  g_assert_true (dk_store_outbox_discard (fx->store, entry->mutation_id, &error));
  g_assert_no_error (error);
  g_assert_null (dk_store_get_case (fx->store, kase->id, NULL));
  cases = dk_store_list_cases (fx->store, NULL, NOW, NULL);
  g_assert_cmpuint (cases->len, ==, 0);
  g_assert_cmpuint (search_count (fx, "lokal", 10), ==, 0);
  g_assert_false (dk_store_is_pending (fx->store, "case", kase->id));
}

static void
test_outbox_add_resync (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) server = put_server_case (fx, "Från servern", "x", "tes");
  g_autoptr(DkCase) kase = create_local (fx, "Lokal störning");
  g_autoptr(DkCase) got = NULL;

  g_assert_true (dk_store_reset_server_data (fx->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dk_store_get_cursor (fx->store), ==, 0);
  g_assert_null (dk_store_get_case (fx->store, server->id, NULL));
  got = get_case (fx, kase->id);
  g_assert_cmpstr (got->title, ==, "Lokal störning");
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 1);
}

static void
test_outbox_edit (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(DkCase) server = put_server_case (fx, "Från servern", "x", "tes");
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(DkOutboxEntry) entry = NULL;
  g_autoptr(DkCase) got = NULL;
  g_autoptr(DkCase) got2 = NULL;

  edit_title (fx, server->number, "Lokalt ändrad");
  entry = only_entry (fx);
  g_assert_cmpstr (entry->op, ==, "case.edit");
  g_assert_cmpint (entry->base_revision, ==, 1);
  g_assert_nonnull (strstr (entry->data, "\"title\":\"Lokalt ändrad\""));
  got = get_case (fx, server->id);
  g_assert_cmpstr (got->title, ==, "Lokalt ändrad");
  g_assert_cmpstr (got->number, ==, server->number);

  /* Someone else's change arrives: the local version keeps showing. */
  g_free (server->description);
  server->description = g_strdup ("ändrad på servern");
  server->revision = 2;
  dk_test_add_case_change (&fx->seq, page, server);
  apply_page (fx, page);
  got2 = get_case (fx, server->id);
  g_assert_cmpstr (got2->title, ==, "Lokalt ändrad");
  g_assert_true (dk_store_is_pending (fx->store, "case", server->id));
}

static void
test_outbox_edit_resync (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) server = put_server_case (fx, "Från servern", "x", "tes");
  g_autoptr(DkCase) other = put_server_case (fx, "Annat", "y", "tes");
  g_autoptr(DkCase) got = NULL;
  g_autoptr(JsonArray) page = json_array_new ();

  edit_title (fx, server->id, "Lokalt ändrad");
  g_assert_true (dk_store_reset_server_data (fx->store, &error));
  g_assert_no_error (error);
  g_assert_null (dk_store_get_case (fx->store, other->id, NULL));
  got = get_case (fx, server->id);
  g_assert_cmpstr (got->title, ==, "Lokalt ändrad");
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 1);

  /* The resync brings the server's copy back beside the local version. */
  fx->seq = 0;
  dk_test_add_case_change (&fx->seq, page, server);
  apply_page (fx, page);
  g_clear_pointer (&got, dk_case_unref);
  got = get_case (fx, server->id);
  g_assert_cmpstr (got->title, ==, "Lokalt ändrad");
}

static void
test_outbox_answer_applied (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = create_local (fx, "Lokal störning");
  g_autoptr(DkOutboxEntry) entry = only_entry (fx);
  g_autoptr(JsonObject) result = result_new (entry->mutation_id, "applied", 1);
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(DkCase) got = NULL;

  json_object_set_string_member (result, "number", "DK-77");
  g_assert_true (dk_store_outbox_answer (fx->store, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 0);
  g_assert_false (dk_store_is_pending (fx->store, "case", kase->id));

  /* No flicker: the local version shows, with its number, until the pull. */
  got = get_case (fx, "DK-77");
  g_assert_cmpstr (got->title, ==, "Lokal störning");
  g_assert_cmpstr (got->number, ==, "DK-77");

  /* Answered twice: a no-op. */
  g_assert_true (dk_store_outbox_answer (fx->store, result, &error));

  g_free (kase->title);
  kase->title = g_strdup ("Som servern sparade den");
  kase->number = g_strdup ("DK-77");
  kase->revision = 1;
  dk_test_add_case_change (&fx->seq, page, kase);
  apply_page (fx, page);
  g_clear_pointer (&got, dk_case_unref);
  got = get_case (fx, kase->id);
  g_assert_cmpstr (got->title, ==, "Som servern sparade den");
  g_assert_cmpuint (search_count (fx, "sparade", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "lokal storning", 10), ==, 0);
}

/* A batch's answers are recorded together, or (one of them unreadable) none is. */
static void
test_outbox_answer_batch_all_or_nothing (Fixture       *fx,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) a = create_local (fx, "Första");
  g_autoptr(DkCase) b = create_local (fx, "Andra");
  g_autoptr(GPtrArray) entries = dk_store_outbox_pending (fx->store, 0, &error);
  g_autoptr(GPtrArray) results =
    g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  DkOutboxEntry *first;
  DkOutboxEntry *second;

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  first = g_ptr_array_index (entries, 0);
  second = g_ptr_array_index (entries, 1);

  /* The second answer names no mutation: the first is not recorded either. */
  g_ptr_array_add (results, result_new (first->mutation_id, "applied", 1));
  g_ptr_array_add (results, json_object_new ());
  g_assert_false (dk_store_outbox_answer_all (fx->store, results, &error));
  g_assert_error (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 2);
  g_assert_true (dk_store_is_pending (fx->store, "case", a->id));

  g_ptr_array_remove_index (results, 1);
  g_ptr_array_add (results, result_new (second->mutation_id, "applied", 1));
  g_assert_true (dk_store_outbox_answer_all (fx->store, results, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 0);
  g_assert_false (dk_store_is_pending (fx->store, "case", a->id));
  g_assert_false (dk_store_is_pending (fx->store, "case", b->id));
}

static void
test_outbox_answer_rejected (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) server = put_server_case (fx, "Från servern", "x", "tes");
  g_autoptr(DkOutboxEntry) entry = NULL;
  g_autoptr(DkOutboxEntry) after = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(DkCase) got = NULL;
  JsonObject *reason = json_object_new ();

  edit_title (fx, server->id, "Lokalt ändrad");
  entry = only_entry (fx);
  result = result_new (entry->mutation_id, "rejected", 0);
  json_object_set_string_member (reason, "code", "forbidden");
  json_object_set_string_member (reason, "message", "Nej");
  json_object_set_object_member (result, "error", reason);
  g_assert_true (dk_store_outbox_answer (fx->store, result, &error));
  g_assert_no_error (error);

  after = only_entry (fx);
  g_assert_cmpint (after->state, ==, DK_OUTBOX_REJECTED);
  g_assert_cmpstr (after->error_code, ==, "forbidden");
  g_assert_cmpstr (after->error_message, ==, "Nej");
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_REJECTED), ==, 1);
  g_assert_false (dk_store_is_pending (fx->store, "case", server->id));
  got = get_case (fx, server->id);
  g_assert_cmpstr (got->title, ==, "Från servern");
  g_assert_cmpuint (search_count (fx, "lokalt", 10), ==, 0);
}

static void
test_outbox_answer_conflict (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) server = put_server_case (fx, "Från servern", "x", "tes");
  g_autoptr(DkOutboxEntry) entry = NULL;
  g_autoptr(DkOutboxEntry) after = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(DkCase) got = NULL;

  edit_title (fx, server->id, "Lokalt ändrad");
  entry = only_entry (fx);
  result = result_new (entry->mutation_id, "conflict", 2);
  json_object_set_member (result, "current", dk_case_to_json (server));
  g_assert_true (dk_store_outbox_answer (fx->store, result, &error));
  g_assert_no_error (error);

  after = only_entry (fx);
  g_assert_cmpint (after->state, ==, DK_OUTBOX_CONFLICT);
  g_assert_nonnull (strstr (after->current, "Från servern"));
  got = get_case (fx, server->id);
  g_assert_cmpstr (got->title, ==, "Lokalt ändrad");

  g_assert_true (dk_store_outbox_discard (fx->store, after->mutation_id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&got, dk_case_unref);
  got = get_case (fx, server->id);
  g_assert_cmpstr (got->title, ==, "Från servern");
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_CONFLICT), ==, 0);
}

static void
test_local_update_close (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) server = put_server_case (fx, "Från servern", "x", "tes");
  g_autoptr(DkCase) got = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  DkCaseUpdate *update;

  g_assert_true (dk_local_add_update (fx->store, server->number, DK_UPDATE_PHRASE_MONITORING,
                                      "Bevakning av kön", NOW + 7200, ME, NOW, &error));
  g_assert_no_error (error);
  g_assert_true (dk_local_close_case (fx->store, server->id, NULL, ME, NOW + 60, &error));
  g_assert_no_error (error);
  g_assert_false (dk_local_close_case (fx->store, server->id, NULL, ME, NOW + 60, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);
  g_assert_true (dk_local_add_follow_up (fx->store, server->id, "Utvärdering", ME, NOW + 90,
                                         &error));
  g_assert_no_error (error);
  g_assert_false (dk_local_add_follow_up (fx->store, server->id, "  ", ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_clear_error (&error);

  got = get_case (fx, server->id);
  g_assert_cmpint (got->status, ==, DK_CASE_STATUS_CLOSED);
  g_assert_cmpint (got->closed_at, ==, NOW + 60);
  g_assert_cmpint (got->expected_end, ==, NOW + 7200);
  g_assert_cmpuint (got->updates->len, ==, 2);
  update = g_ptr_array_index (got->updates, 0);
  g_assert_cmpstr (update->author, ==, ME);
  g_assert_cmpint (update->at, ==, NOW);
  update = g_ptr_array_index (got->updates, 1);
  g_assert_cmpint (update->phrase, ==, DK_UPDATE_PHRASE_RESOLVED);
  g_assert_cmpuint (got->follow_ups->len, ==, 1);
  g_assert_cmpuint (search_count (fx, "bevakning kon", 10), ==, 1);

  entries = dk_store_outbox_list (fx->store, &error);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_cmpstr (((DkOutboxEntry *) entries->pdata[0])->op, ==, "case.add_update");
  g_assert_nonnull (strstr (((DkOutboxEntry *) entries->pdata[0])->data,
                           "\"phrase\":\"monitoring\""));
  g_assert_cmpstr (((DkOutboxEntry *) entries->pdata[1])->op, ==, "case.close");
  g_assert_cmpstr (((DkOutboxEntry *) entries->pdata[2])->op, ==, "case.follow_up");

  /* The core's checks come back as DK_ERROR_INVALID. */
  {
    g_autoptr(DkCase) bad = new_case ("", "x", "tes");

    g_assert_false (dk_local_create_case (fx->store, bad, ME, NOW, &error));
    g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  }
}

static void
test_local_runs (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkRoutine) routine = dk_routine_new ();
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(DkRun) run = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autofree char *run_id = NULL;
  DkRoutineStep *step = dk_routine_step_new ();
  DkRunStep *state;

  routine->id = g_strdup ("el-avbrott");
  routine->title = g_strdup ("Elavbrott");
  g_ptr_array_add (routine->services, g_strdup ("el"));
  routine->revision = 1;
  routine->approved_at = NOW - 86400;
  routine->approved_by = g_strdup ("owner");
  step->id = g_strdup ("s1");
  step->phase = DK_ROUTINE_PHASE_DURING;
  step->text = g_strdup ("Tänd ficklampor");
  g_ptr_array_add (routine->steps, step);
  json_array_add_element (page, dk_test_change_node (++fx->seq, "routine", routine->id,
                                             dk_routine_to_json (routine)));
  apply_page (fx, page);

  run_id = dk_local_start_run (fx->store, "el-avbrott", "Avdelning 12", NULL, ME, NOW, &error);
  g_assert_no_error (error);
  g_assert_nonnull (run_id);
  g_assert_true (dk_local_set_run_step (fx->store, run_id, "s1", TRUE, "klart", ME, NOW,
                                        &error));
  g_assert_no_error (error);
  g_assert_false (dk_local_set_run_step (fx->store, run_id, "nope", TRUE, NULL, ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (dk_local_finish_run (fx->store, run_id, ME, NOW + 10, &error));
  g_assert_no_error (error);

  run = dk_store_get_run (fx->store, run_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (run->started_by, ==, ME);
  g_assert_cmpint (run->finished_at, ==, NOW + 10);
  state = dk_run_find_step (run, "s1");
  g_assert_nonnull (state);
  g_assert_true (state->done);
  g_assert_cmpstr (state->note, ==, "klart");
  g_assert_true (dk_store_is_pending (fx->store, "run", run_id));
  runs = dk_store_list_runs (fx->store, &error);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 3);
}

/* ---- which closings the post-registration notice looked at ---- */

static GPtrArray *
unlooked (Fixture    *fx,
          const char *username)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *closed = dk_store_list_unlooked_closed_runs (fx->store, username, NOW - 86400,
                                                          &error);

  g_assert_no_error (error);
  g_assert_nonnull (closed);
  return closed;
}

static void
put_server_run (Fixture    *fx,
                const char *id,
                const char *case_id)
{
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(DkRun) run = dk_run_new ();

  run->id = g_strdup (id);
  run->routine = g_strdup ("driftstopp-tes");
  run->unit = g_strdup ("Avdelning 12");
  run->case_id = g_strdup (case_id);
  run->started_by = g_strdup (ME);
  run->started_at = NOW - 600;
  run->revision = 1;
  json_array_add_element (page, dk_test_change_node (++fx->seq, "run", id, dk_run_to_json (run)));
  apply_page (fx, page);
}

static void
put_case_closed_at (Fixture *fx,
                    DkCase  *kase,
                    gint64   closed_at)
{
  g_autoptr(JsonArray) page = json_array_new ();

  close_case (kase, closed_at);
  kase->revision++;
  dk_test_add_case_change (&fx->seq, page, kase);
  apply_page (fx, page);
}

static void
test_run_closings_looked_at (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = put_server_case (fx, "TES nere", "Ingen inloggning", "tes");
  g_autoptr(DkCase) other = put_server_case (fx, "Cosmic segt", "Långsamt", "cosmic");
  g_autoptr(GPtrArray) closed = NULL;
  const DkClosedRun *item;
  gint64 closed_at;
  gboolean told = TRUE;

  put_server_run (fx, "11111111-1111-4111-8111-111111111111", kase->id);
  put_server_run (fx, "22222222-2222-4222-8222-222222222222", other->id);
  put_server_run (fx, "33333333-3333-4333-8333-333333333333", NULL);

  /* Open cases, and one closed before the look-back: no closing to look at. */
  put_case_closed_at (fx, other, NOW - 2 * 86400);
  closed = unlooked (fx, ME);
  g_assert_cmpuint (closed->len, ==, 0);
  g_clear_pointer (&closed, g_ptr_array_unref);

  /* The first case closes: its run, with the case as closed. */
  put_case_closed_at (fx, kase, NOW);
  closed = unlooked (fx, ME);
  g_assert_cmpuint (closed->len, ==, 1);
  item = g_ptr_array_index (closed, 0);
  g_assert_cmpstr (item->run->id, ==, "11111111-1111-4111-8111-111111111111");
  g_assert_cmpstr (item->kase->id, ==, kase->id);
  g_assert_cmpint (item->kase->closed_at, ==, NOW);
  g_clear_pointer (&closed, g_ptr_array_unref);

  /* Looked at for anna: not again for her, still for bo; kept across a reopen. */
  g_assert_true (dk_store_record_run_looked_at (fx->store, "11111111-1111-4111-8111-111111111111",
                                                ME, NOW, FALSE, &error));
  g_assert_no_error (error);
  g_clear_object (&fx->store);
  fx->store = dk_store_open (fx->path, &error);
  g_assert_no_error (error);
  closed = unlooked (fx, ME);
  g_assert_cmpuint (closed->len, ==, 0);
  g_clear_pointer (&closed, g_ptr_array_unref);
  closed = unlooked (fx, "bo");
  g_assert_cmpuint (closed->len, ==, 1);
  g_clear_pointer (&closed, g_ptr_array_unref);
  g_assert_true (dk_store_get_run_looked_at (fx->store, "11111111-1111-4111-8111-111111111111",
                                             ME, &closed_at, &told, &error));
  g_assert_cmpint (closed_at, ==, NOW);
  g_assert_false (told);
  g_assert_true (dk_store_get_run_looked_at (fx->store, "11111111-1111-4111-8111-111111111111",
                                             "bo", &closed_at, NULL, &error));
  g_assert_cmpint (closed_at, ==, DK_TIME_UNSET);

  /* Closed again at another time (reopened, closed anew): a new closing. */
  put_case_closed_at (fx, kase, NOW + 3600);
  closed = unlooked (fx, ME);
  g_assert_cmpuint (closed->len, ==, 1);
  g_clear_pointer (&closed, g_ptr_array_unref);
  g_assert_true (dk_store_record_run_looked_at (fx->store, "11111111-1111-4111-8111-111111111111",
                                                ME, NOW + 3600, TRUE, &error));
  g_assert_true (dk_store_get_run_looked_at (fx->store, "11111111-1111-4111-8111-111111111111",
                                             ME, &closed_at, &told, &error));
  g_assert_cmpint (closed_at, ==, NOW + 3600);
  g_assert_true (told);
  closed = unlooked (fx, ME);
  g_assert_cmpuint (closed->len, ==, 0);
}

static DkRoutine *
new_routine (const char *title)
{
  DkRoutine *routine = dk_routine_new ();
  DkRoutineStep *step = dk_routine_step_new ();

  routine->title = g_strdup (title);
  routine->owner = g_strdup ("Objektledare");
  g_ptr_array_add (routine->services, g_strdup ("el"));
  step->phase = DK_ROUTINE_PHASE_DURING;
  step->text = g_strdup ("Tänd ficklampor");
  step->condition = g_strdup ("outage_over:10h");
  g_ptr_array_add (routine->steps, step);
  return routine;
}

static void
test_local_routine_save_new (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkRoutine) routine = new_routine ("Elavbrott");
  g_autoptr(DkRoutine) got = NULL;
  g_autoptr(DkOutboxEntry) entry = NULL;

  g_assert_true (dk_local_save_routine (fx->store, routine, 0, ME, NOW, &error));
  g_assert_no_error (error);
  g_assert_nonnull (routine->id);
  g_assert_nonnull (((DkRoutineStep *) routine->steps->pdata[0])->id);

  /* A new routine shows at once, as the draft the server will make of it. */
  got = dk_store_get_routine (fx->store, routine->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->title, ==, "Elavbrott");
  g_assert_cmpint (got->revision, ==, 1);
  g_assert_cmpint (got->approved_at, ==, DK_TIME_UNSET);
  g_assert_cmpstr (((DkRoutineStep *) got->steps->pdata[0])->condition, ==, "outage_over:10h");
  entry = only_entry (fx);
  g_assert_cmpstr (entry->op, ==, "routine.save");
  g_assert_cmpint (entry->base_revision, ==, 0);
}

static void
test_local_routine_save_keeps_approved (Fixture       *fx,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkRoutine) routine = new_routine ("Elavbrott");
  g_autoptr(DkRoutine) edited = NULL;
  g_autoptr(DkRoutine) got = NULL;
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(DkOutboxEntry) entry = NULL;

  routine->id = g_strdup ("el-avbrott");
  routine->revision = 3;
  routine->approved_at = NOW - 86400;
  routine->approved_by = g_strdup ("owner");
  ((DkRoutineStep *) routine->steps->pdata[0])->id = g_strdup ("s1");
  json_array_add_element (page, dk_test_change_node (++fx->seq, "routine", routine->id,
                                             dk_routine_to_json (routine)));
  apply_page (fx, page);

  edited = dk_routine_copy (routine);
  g_free (edited->title);
  edited->title = g_strdup ("Elavbrott, ny");
  g_assert_true (dk_local_save_routine (fx->store, edited, 3, ME, NOW, &error));
  g_assert_no_error (error);

  /* Wards keep the approved revision until the draft is approved. */
  got = dk_store_get_routine (fx->store, "el-avbrott", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->title, ==, "Elavbrott");
  g_assert_cmpint (got->revision, ==, 3);
  entry = only_entry (fx);
  g_assert_cmpint (entry->base_revision, ==, 3);
  g_assert_nonnull (strstr (entry->data, "Elavbrott, ny"));
}

static void
test_local_routine_save_refuses_invalid (Fixture       *fx,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkRoutine) routine = new_routine ("Elavbrott");
  g_autoptr(DkRoutine) no_title = new_routine (NULL);

  g_free (((DkRoutineStep *) routine->steps->pdata[0])->condition);
  ((DkRoutineStep *) routine->steps->pdata[0])->condition = g_strdup ("when it rains");
  g_assert_false (dk_local_save_routine (fx->store, routine, 0, ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (dk_local_save_routine (fx->store, no_title, 0, ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 0);
}

static void
test_local_routine_approve (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkRoutine) routine = new_routine ("Elavbrott");
  g_autoptr(DkRoutine) got = NULL;

  g_assert_true (dk_local_save_routine (fx->store, routine, 0, ME, NOW, &error));
  g_assert_no_error (error);
  g_assert_false (dk_local_approve_routine (fx->store, routine->id, 0, ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (dk_local_approve_routine (fx->store, routine->id, 1, ME, NOW + 5, &error));
  g_assert_no_error (error);
  got = dk_store_get_routine (fx->store, routine->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->approved_at, ==, NOW + 5);
  g_assert_cmpstr (got->approved_by, ==, ME);

  /* Approving it again is refused here already, as the server would. */
  g_assert_false (dk_local_approve_routine (fx->store, routine->id, 1, ME, NOW + 6, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION);
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 2);
}

static void
test_local_subscription_report (Fixture       *fx,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkSubscription) subscription = dk_subscription_new_default (ME);
  g_autoptr(DkSubscription) got = NULL;
  g_autoptr(DkReport) report = dk_report_new ();
  g_autoptr(GPtrArray) reports = NULL;

  g_assert_null (dk_store_get_subscription (fx->store, &error));
  g_assert_no_error (error);
  subscription->min_priority = 4;
  g_assert_true (dk_local_set_subscription (fx->store, subscription, ME, NOW, &error));
  g_assert_no_error (error);
  got = dk_store_get_subscription (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->min_priority, ==, 4);
  g_assert_cmpstr (got->id, ==, "sub:" ME);

  report->kind = DK_REPORT_KIND_FAULT;
  report->service = g_strdup ("tes");
  report->unit = g_strdup ("Avdelning 3");
  report->reporter = g_strdup ("Eva");
  report->description = g_strdup ("Skrivaren skriver inte");
  g_assert_true (dk_local_create_report (fx->store, report, ME, NOW, &error));
  g_assert_no_error (error);
  reports = dk_store_list_reports (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reports->len, ==, 1);
}

/* ---- search ---- */

static void
test_search_folding (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(DkCase) a = put_server_case (fx, "Planerad åtgärd i Melior", "Uppgradering",
                                         "melior");
  g_autoptr(DkCase) b = put_server_case (fx, "Strömavbrott", "Östersund sjukhus", "el");
  g_autoptr(DkCase) c = put_server_case (fx, "Straumbrudd i Tromsø", "Særlig viktig", "el");
  g_autoptr(DkCase) d = put_server_case (fx, "Café Müller", "Crème brûlée", "el");

  g_assert_cmpuint (search_count (fx, "atgard", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "ÅTGÄRD", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "åtgärd", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "ostersund", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "tromso", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "tromsø", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "saerlig", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "cafe muller", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "creme", 10), ==, 1);
  /* Prefixes, every word required. */
  g_assert_cmpuint (search_count (fx, "atg", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "strom", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "atgard tromso", 10), ==, 0);
  g_assert_cmpuint (search_count (fx, "", 10), ==, 0);
  g_assert_cmpuint (search_count (fx, "   ", 10), ==, 0);
}

static void
test_search_ranking (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) in_description = put_server_case (fx, "Störning i Cosmic",
                                                      "Problem med Heroma lönesystem", "cosmic");
  g_autoptr(DkCase) in_title = put_server_case (fx, "Heroma går inte att nå", "Inloggning",
                                                "heroma");
  g_autoptr(GPtrArray) found = dk_store_search_cases (fx->store, "heroma", 10, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpstr (((DkCase *) found->pdata[0])->id, ==, in_title->id);
  g_assert_cmpstr (((DkCase *) found->pdata[1])->id, ==, in_description->id);
}

static void
test_search_syntax (Fixture       *fx,
                    gconstpointer  data)
{
  static const char * const queries[] = {
    "AND", "OR", "NOT", "NEAR", "NEAR(a b)", "\"", "\"\"", "\"unclosed", "*", "a*", "-",
    "-tes", "(", ")", "(a OR b)", "title:x", "{title}: x", "^start", "a + b", "'", ";",
    "DROP TABLE cases", "\\", "%", "_", "NEAR/2", "a AND", "\xc3\xa5*",
  };
  g_autoptr(DkCase) kase = put_server_case (fx, "Störning AND NEAR allt", "text", "tes");

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) found = dk_store_search_cases (fx->store, queries[i], 10, &error);

      g_assert_no_error (error);
      g_assert_nonnull (found);
    }
  g_assert_cmpuint (search_count (fx, "and near", 10), ==, 1);
}

static void
test_search_updates_services (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(JsonArray) page2 = json_array_new ();
  g_autoptr(DkCase) kase = new_case ("Störning", "Ingen beskrivning", "klinisk-kemi");
  g_autoptr(DkCase) unknown = new_case ("Annan", "Ingen beskrivning", "okand-tjanst");
  DkCaseUpdate *update = dk_case_update_new ();

  update->id = g_uuid_string_random ();
  update->at = NOW;
  update->phrase = DK_UPDATE_PHRASE_TROUBLESHOOTING;
  update->text = g_strdup ("Leverantören felsöker växeln");
  g_ptr_array_add (kase->updates, update);
  dk_test_add_service_change (&fx->seq, page, "klinisk-kemi", "Klinisk kemi");
  dk_test_add_case_change (&fx->seq, page, kase);
  dk_test_add_case_change (&fx->seq, page, unknown);
  apply_page (fx, page);

  g_assert_cmpuint (search_count (fx, "vaxeln", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "leverantoren felsoker", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "klinisk kemi", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "okand", 10), ==, 1);  /* unknown: by id */

  /* A renamed service is found under its new name. */
  dk_test_add_service_change (&fx->seq, page2, "klinisk-kemi", "Labbet på Lasarettet");
  apply_page (fx, page2);
  g_assert_cmpuint (search_count (fx, "lasarettet", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "klinisk", 10), ==, 0);
}

/* Every term of the index with the case and the column it is in, as text. */
static char *
index_terms (const char *path)
{
  GString *out = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE VIRTUAL TABLE temp.terms USING fts5vocab"
                                     " (main, cases_fts, 'instance')", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT term, doc, col FROM temp.terms"
                                           " ORDER BY doc, col, term", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s %lld %s\n", sqlite3_column_text (stmt, 0),
                            (long long) sqlite3_column_int64 (stmt, 1),
                            sqlite3_column_text (stmt, 2));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return g_string_free (out, FALSE);
}

/* The page a first sync's parse thread prepares the search texts of: cases between
 * other types, a tombstone and an unknown type (the positions must not slip), one
 * with a number, one whose description is not text (indexed the general way). */
static const char texts_page[] =
  "{\"changes\":["
  "{\"seq\":1,\"type\":\"service\",\"id\":\"kem\",\"deleted\":false,"
  "\"data\":{\"id\":\"kem\",\"name\":\"Klinisk kemi\",\"revision\":1}},"
  "{\"seq\":2,\"type\":\"case\",\"id\":\"c1\",\"deleted\":false,"
  "\"data\":{\"id\":\"c1\",\"number\":\"INC-7\",\"kind\":\"incident\",\"area\":\"lab_medicine\","
  "\"status\":\"ongoing\",\"title\":\"Störning i ÅTGÄRDSKÖN\",\"description\":\"Tromsø och Östersund\","
  "\"scope\":null,\"services\":[\"kem\"],\"revision\":1,\"updates\":["
  "{\"id\":\"u1\",\"text\":\"Leverantören felsöker\"},{\"id\":\"u2\",\"text\":null},"
  "{\"id\":\"u3\",\"text\":\"Café Müller\"}]}},"
  "{\"seq\":3,\"type\":\"case\",\"id\":\"gone\",\"deleted\":true},"
  "{\"seq\":4,\"type\":\"gadget\",\"id\":\"g\",\"deleted\":false,\"data\":{\"id\":\"g\"}},"
  "{\"seq\":5,\"type\":\"case\",\"id\":\"c2\",\"deleted\":false,"
  "\"data\":{\"id\":\"c2\",\"kind\":\"planned\",\"area\":\"it_telephony\",\"status\":\"planned\","
  "\"title\":\"Uppgradering av växeln\",\"description\":42,\"services\":[\"okand\"],"
  "\"revision\":1}},"
  "{\"seq\":6,\"type\":\"case\",\"id\":\"c3\",\"deleted\":false,"
  "\"data\":{\"id\":\"c3\",\"kind\":\"incident\",\"area\":\"it_telephony\",\"status\":\"ongoing\","
  "\"title\":\"Nätet\",\"external_ref\":\"INC0579248\",\"description\":\"Særlig crème\","
  "\"scope\":\"Berör Ängelholm\",\"services\":[],\"revision\":1,\"updates\":[]}}"
  "],\"last_seq\":6,\"more\":false}";

static void
test_search_texts_built_beforehand (Fixture       *fx,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (texts_page, strlen (texts_page));
  g_autoptr(DkJsonDoc) doc = dk_json_doc_parse (bytes, &error);
  g_autofree char *other_path = g_build_filename (fx->dir, "other.db", NULL);
  g_autoptr(DkStore) other = NULL;
  g_autoptr(DkStoreSearchTexts) texts = NULL;
  g_autofree char *built_here = NULL;
  g_autofree char *built_before = NULL;
  guint changes;

  g_assert_no_error (error);
  changes = dk_json_doc_member (doc, 0, "changes");

  /* The search text built while the page is applied ... */
  other = dk_store_open (other_path, &error);
  g_assert_no_error (error);
  g_assert_true (dk_store_apply_page (other, doc, changes, 6, &error));
  g_assert_no_error (error);
  g_clear_object (&other);

  /* ... and built beforehand, in another thread, index the same words. */
  texts = dk_store_search_texts_new (doc, changes);
  g_assert_true (dk_store_apply_page_with_texts (fx->store, doc, changes, 6, texts, &error));
  g_assert_no_error (error);

  built_here = index_terms (other_path);
  built_before = index_terms (fx->path);
  g_assert_cmpstr (built_before, ==, built_here);
  g_assert_nonnull (strstr (built_before, "inc 1 body\n"));
  g_assert_nonnull (strstr (built_before, "leverantoren 1 body\n"));
  g_assert_nonnull (strstr (built_before, "inc0579248 3 body\n"));
  /* Not text: the view read it (and the case is skipped when shown, so not searched). */
  g_assert_nonnull (strstr (built_before, "42 2 body\n"));
  g_assert_nonnull (strstr (built_before, "okand 2 services\n"));

  g_assert_cmpuint (search_count (fx, "atgardskon tromso", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "cafe muller", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "klinisk kemi", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "saerlig creme angelholm", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "inc0579248", 10), ==, 1);
  g_assert_cmpuint (dk_store_get_cursor (fx->store), ==, 6);

  g_remove (other_path);
}

static void
test_search_limit (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(JsonArray) page = json_array_new ();

  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *title = g_strdup_printf ("Störning nummer %u", i);
      g_autoptr(DkCase) kase = new_case (title, "störning igen", "tes");

      dk_test_add_case_change (&fx->seq, page, kase);
    }
  apply_page (fx, page);

  g_assert_cmpuint (search_count (fx, "störning", 50), ==, 50);
  g_assert_cmpuint (search_count (fx, "s", 50), ==, 50);
  g_assert_cmpuint (search_count (fx, "störning", 0), ==, 300);
}

/* The ids of what a search finds, in order. */
static GPtrArray *
search_ids (Fixture    *fx,
            const char *text,
            guint       limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = dk_store_search_cases (fx->store, text, limit, &error);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  g_assert_nonnull (found);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (ids, g_strdup (((DkCase *) found->pdata[i])->id));
  return ids;
}

static void
test_search_common_word (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) body = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_case_unref);
  /* Stored first: the newest-first order alone would put them last. */
  g_autoptr(DkCase) whole = new_case ("Drift i TES", "Ingen", "tes");
  g_autoptr(DkCase) prefix = new_case ("Driftstörning i Cosmic", "Ingen", "cosmic");
  g_autoptr(DkCase) service = new_case ("Inloggning", "Ingen", "overvakning");

  dk_test_add_service_change (&fx->seq, page, "overvakning", "Driftövervakning");
  dk_test_add_case_change (&fx->seq, page, whole);
  dk_test_add_case_change (&fx->seq, page, prefix);
  dk_test_add_case_change (&fx->seq, page, service);
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *title = g_strdup_printf ("Ärende %u", i);
      DkCase *kase = new_case (title, "Planerad drift och underhåll", "tes");

      dk_test_add_case_change (&fx->seq, page, kase);
      g_ptr_array_add (body, kase);
    }
  apply_page (fx, page);

  /* Every case says "drift"; the title and the service's name still come first, then
   * the newest of the rest. */
  ids = search_ids (fx, "drift", 10);
  g_assert_cmpuint (ids->len, ==, 10);
  g_assert_cmpstr (ids->pdata[0], ==, whole->id);
  g_assert_cmpstr (ids->pdata[1], ==, prefix->id);
  g_assert_cmpstr (ids->pdata[2], ==, service->id);
  g_assert_cmpstr (ids->pdata[3], ==, ((DkCase *) body->pdata[299])->id);
  g_assert_cmpstr (ids->pdata[4], ==, ((DkCase *) body->pdata[298])->id);
  g_clear_pointer (&ids, g_ptr_array_unref);

  /* Without a cap: each case once. */
  g_assert_cmpuint (search_count (fx, "drift", 0), ==, 303);
  g_assert_cmpuint (search_count (fx, "DRIFT drift", 0), ==, 303);
  /* The scope of every case, capped. */
  g_assert_cmpuint (search_count (fx, "vardenheter", 7), ==, 7);
  g_assert_cmpuint (search_count (fx, "och", 0), ==, 300);
}

static void
test_search_prefixes (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(DkCase) jour = new_case ("Jour i helgen", "Ingen", "tes");
  g_autoptr(DkCase) journal = new_case ("Journalen svarar inte", "Ingen", "tes");
  g_autoptr(DkCase) in_body = new_case ("Annat", "Journalsystemet berörs", "tes");
  g_autoptr(DkCase) service = new_case ("Inloggning", "Ingen", "jourlinjen");

  dk_test_add_service_change (&fx->seq, page, "jourlinjen", "Jourlinjen");
  dk_test_add_case_change (&fx->seq, page, jour);
  dk_test_add_case_change (&fx->seq, page, journal);
  dk_test_add_case_change (&fx->seq, page, in_body);
  dk_test_add_case_change (&fx->seq, page, service);
  apply_page (fx, page);

  /* The whole word in a title before a longer one, newer as it is. */
  ids = search_ids (fx, "jour", 10);
  g_assert_cmpuint (ids->len, ==, 4);
  g_assert_cmpstr (ids->pdata[0], ==, jour->id);
  g_assert_cmpstr (ids->pdata[1], ==, journal->id);
  g_assert_cmpstr (ids->pdata[2], ==, service->id);
  g_assert_cmpstr (ids->pdata[3], ==, in_body->id);
  g_clear_pointer (&ids, g_ptr_array_unref);

  /* One letter (from the prefix index), two, three and more. */
  g_assert_cmpuint (search_count (fx, "j", 10), ==, 4);
  g_assert_cmpuint (search_count (fx, "jo", 10), ==, 4);
  g_assert_cmpuint (search_count (fx, "jou", 10), ==, 4);
  g_assert_cmpuint (search_count (fx, "journal", 10), ==, 2);
  g_assert_cmpuint (search_count (fx, "journals", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "jourl", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "journalen", 10), ==, 1);
  g_assert_cmpuint (search_count (fx, "journalenx", 10), ==, 0);
  ids = search_ids (fx, "j", 2);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpstr (ids->pdata[0], ==, journal->id);
  g_assert_cmpstr (ids->pdata[1], ==, jour->id);
}

static void
test_search_several_words (Fixture       *fx,
                           gconstpointer  data)
{
  static const char * const queries[] = { "drift labbet", "labbet drift", "drift lab",
                                          "DRIFT, labbet!" };
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(DkCase) in_title = new_case ("Drift i labbet", "Ingen", "tes");
  g_autoptr(DkCase) with_service = new_case ("Drift", "Ingen", "labbet");
  g_autoptr(DkCase) in_body = new_case ("Annat", "Drift i labbet", "tes");
  g_autoptr(DkCase) one_word = new_case ("Drift", "Ingen", "tes");

  dk_test_add_service_change (&fx->seq, page, "labbet", "Labbet");
  dk_test_add_case_change (&fx->seq, page, in_title);
  dk_test_add_case_change (&fx->seq, page, with_service);
  dk_test_add_case_change (&fx->seq, page, in_body);
  dk_test_add_case_change (&fx->seq, page, one_word);
  apply_page (fx, page);

  /* Every word is required; both in the title first, then the title and a service's
   * name, then anywhere; the order of the words does not matter. */
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GPtrArray) ids = search_ids (fx, queries[i], 10);

      g_assert_cmpuint (ids->len, ==, 3);
      g_assert_cmpstr (ids->pdata[0], ==, in_title->id);
      g_assert_cmpstr (ids->pdata[1], ==, with_service->id);
      g_assert_cmpstr (ids->pdata[2], ==, in_body->id);
    }
  g_assert_cmpuint (search_count (fx, "drift labbet cosmic", 10), ==, 0);
  g_assert_cmpuint (search_count (fx, "drift", 10), ==, 4);
}

/* ---- lists ---- */

static void
test_list_current_archive (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(DkCase) ongoing_p2 = new_case ("P2", "x", "tes");
  g_autoptr(DkCase) ongoing_p1 = new_case ("P1", "x", "dips");
  g_autoptr(DkCase) just_closed = new_case ("Nyss stängd", "x", "tes");
  g_autoptr(DkCase) old_closed = new_case ("Gammal", "x", "tes");
  g_autoptr(DkCase) older_closed = new_case ("Äldre", "x", "tes");
  g_autoptr(DkCase) lab = new_case ("Lab", "x", "miclis");
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(GPtrArray) archive = NULL;
  g_autoptr(GPtrArray) filtered = NULL;
  DkCaseQuery query = { 0 };

  ongoing_p2->priority = 2;
  ongoing_p1->priority = 1;
  close_case (just_closed, NOW - 3600);
  close_case (old_closed, NOW - 2 * 86400);
  close_case (older_closed, NOW - 5 * 86400);
  lab->area = DK_AREA_LAB_MEDICINE;
  lab->priority = 4;
  dk_test_add_case_change (&fx->seq, page, ongoing_p2);
  dk_test_add_case_change (&fx->seq, page, ongoing_p1);
  dk_test_add_case_change (&fx->seq, page, just_closed);
  dk_test_add_case_change (&fx->seq, page, old_closed);
  dk_test_add_case_change (&fx->seq, page, older_closed);
  dk_test_add_case_change (&fx->seq, page, lab);
  apply_page (fx, page);

  current = dk_store_list_cases (fx->store, &query, NOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (current->len, ==, 4);
  g_assert_cmpstr (((DkCase *) current->pdata[0])->title, ==, "P1");
  g_assert_cmpstr (((DkCase *) current->pdata[1])->title, ==, "P2");
  g_assert_cmpstr (((DkCase *) current->pdata[2])->title, ==, "Lab");
  g_assert_cmpstr (((DkCase *) current->pdata[3])->title, ==, "Nyss stängd");

  query.archived = TRUE;
  archive = dk_store_list_cases (fx->store, &query, NOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (archive->len, ==, 2);
  g_assert_cmpstr (((DkCase *) archive->pdata[0])->title, ==, "Gammal");
  g_assert_cmpstr (((DkCase *) archive->pdata[1])->title, ==, "Äldre");

  query.limit = 1;
  query.offset = 1;
  g_clear_pointer (&archive, g_ptr_array_unref);
  archive = dk_store_list_cases (fx->store, &query, NOW, &error);
  g_assert_cmpuint (archive->len, ==, 1);
  g_assert_cmpstr (((DkCase *) archive->pdata[0])->title, ==, "Äldre");

  memset (&query, 0, sizeof query);
  query.filter_area = TRUE;
  query.area = DK_AREA_LAB_MEDICINE;
  filtered = dk_store_list_cases (fx->store, &query, NOW, &error);
  g_assert_cmpuint (filtered->len, ==, 1);
  g_clear_pointer (&filtered, g_ptr_array_unref);

  memset (&query, 0, sizeof query);
  query.service = "dips";
  filtered = dk_store_list_cases (fx->store, &query, NOW, &error);
  g_assert_cmpuint (filtered->len, ==, 1);
  g_assert_cmpstr (((DkCase *) filtered->pdata[0])->title, ==, "P1");
  g_clear_pointer (&filtered, g_ptr_array_unref);

  memset (&query, 0, sizeof query);
  query.filter_kind = TRUE;
  query.kind = DK_CASE_KIND_CRISIS;
  filtered = dk_store_list_cases (fx->store, &query, NOW, &error);
  g_assert_cmpuint (filtered->len, ==, 0);
}

/* ---- two processes ---- */

static void
test_two_stores (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStore) cli = dk_store_open (fx->path, &error);
  g_autoptr(DkCase) from_app = NULL;
  g_autoptr(DkCase) seen_by_cli = NULL;
  g_autoptr(DkCase) local = new_case ("Från cli", "x", "tes");
  g_autoptr(DkCase) seen_by_app = NULL;

  g_assert_no_error (error);
  from_app = put_server_case (fx, "Från appen", "x", "tes");
  seen_by_cli = dk_store_get_case (cli, from_app->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (seen_by_cli->title, ==, "Från appen");

  g_clear_pointer (&local->id, g_free);
  g_assert_true (dk_local_create_case (cli, local, ME, NOW, &error));
  g_assert_no_error (error);
  seen_by_app = get_case (fx, local->id);
  g_assert_cmpstr (seen_by_app->title, ==, "Från cli");
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 1);
  g_assert_cmpint (dk_store_get_cursor (cli), ==, fx->seq);
}

/* The app reads through one connection while each sync writes pages through one of its
 * own, opened anew: opening the replica again in the same process must not disturb the
 * connections already open (a stray open ()/close () of the file drops their locks, and
 * SQLite then says "disk I/O error"). */
static void
test_reopen_in_one_process (Fixture       *fx,
                            gconstpointer  data)
{
  for (guint round = 0; round < 5; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DkStore) writer = NULL;
      g_autoptr(JsonArray) page = json_array_new ();
      g_autoptr(DkCase) written = new_case ("Skrivet av synken", "x", "tes");
      g_autoptr(DkCase) local = new_case ("Skrivet i appen", "x", "tes");
      g_autoptr(DkCase) seen = NULL;
      g_autoptr(GPtrArray) found = NULL;

      /* the app is in the middle of reading when the sync opens its connection */
      found = dk_store_search_cases (fx->store, "Skrivet", 0, &error);
      g_assert_no_error (error);
      writer = dk_store_open (fx->path, &error);
      g_assert_no_error (error);
      dk_test_add_case_change (&fx->seq, page, written);
      g_assert_true (dk_store_apply_changes (writer, page, fx->seq, &error));
      g_assert_no_error (error);
      g_clear_object (&writer);

      seen = get_case (fx, written->id);
      g_assert_cmpstr (seen->title, ==, "Skrivet av synken");
      g_clear_pointer (&local->id, g_free);
      g_assert_true (dk_local_create_case (fx->store, local, ME, NOW, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 5);
}

/* ---- what publishers and report handlers do, offline ---- */

static DkOutboxEntry *
last_entry (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = dk_store_outbox_list (fx->store, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, >, 0);
  return g_steal_pointer (&entries->pdata[entries->len - 1]);
}

static void
test_local_affected_once_per_unit (Fixture       *fx,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) server = put_server_case (fx, "TES ligger nere", "x", "tes");
  g_autoptr(DkCase) closed = new_case ("Stängd", "x", "tes");
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(DkOutboxEntry) entry = NULL;
  g_autoptr(DkCase) got = NULL;
  DkCaseAffected *affected;

  g_assert_true (dk_local_mark_affected (fx->store, server->number, " Avd 12 ", ME, NOW, &error));
  g_assert_no_error (error);
  entry = only_entry (fx);
  g_assert_cmpstr (entry->op, ==, "case.affected");
  g_assert_cmpstr (entry->object_id, ==, server->id);
  g_assert_nonnull (strstr (entry->data, "\"unit\":\"Avd 12\""));
  g_assert_nonnull (strstr (entry->data, "\"case\":"));
  got = get_case (fx, server->id);
  g_assert_cmpuint (got->affected->len, ==, 1);
  affected = g_ptr_array_index (got->affected, 0);
  g_assert_cmpstr (affected->unit, ==, "Avd 12");
  g_assert_cmpstr (affected->by, ==, ME);
  g_assert_cmpint (affected->at, ==, NOW);

  /* once per unit, whatever its case */
  g_assert_false (dk_local_mark_affected (fx->store, server->id, "avd 12", ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (dk_local_mark_affected (fx->store, server->id, "  ", ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (dk_local_mark_affected (fx->store, server->id, "Avd 14", ME, NOW, &error));
  g_assert_no_error (error);

  /* not on a closed case */
  close_case (closed, NOW - 60);
  dk_test_add_case_change (&fx->seq, page, closed);
  apply_page (fx, page);
  g_assert_false (dk_local_mark_affected (fx->store, closed->id, "Avd 12", ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION);
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 2);
}

static void
test_local_reserve_declare_lift (Fixture       *fx,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) server = put_server_case (fx, "TakeCare ligger nere", "x", "tes");
  const char * const units[] = { "Avd 12", "Akuten", NULL };
  g_autoptr(DkOutboxEntry) entry = NULL;
  g_autoptr(DkCase) got = NULL;
  const DkCaseReserveEvent *in_force;

  /* a lift with nothing in force, a declaration for nobody */
  g_assert_false (dk_local_lift_reserve (fx->store, server->id, NULL, ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);
  g_assert_false (dk_local_declare_reserve (fx->store, server->id, FALSE, NULL, NULL, ME, NOW,
                                            &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (dk_local_declare_reserve (fx->store, server->number, FALSE, units,
                                           "Övergå till reservrutin", ME, NOW, &error));
  g_assert_no_error (error);
  entry = only_entry (fx);
  g_assert_cmpstr (entry->op, ==, "case.reserve");
  g_assert_nonnull (strstr (entry->data, "\"action\":\"declared\""));
  g_assert_nonnull (strstr (entry->data, "\"all_units\":false"));
  g_assert_nonnull (strstr (entry->data, "\"units\":[\"Avd 12\",\"Akuten\"]"));
  got = get_case (fx, server->id);
  in_force = dk_case_get_reserve_in_force (got);
  g_assert_nonnull (in_force);
  g_assert_cmpstr (in_force->author, ==, ME);
  g_assert_true (dk_case_reserve_applies_to (got, "akuten"));
  g_assert_false (dk_case_reserve_applies_to (got, "Avd 3"));
  g_clear_pointer (&got, dk_case_unref);

  g_assert_true (dk_local_declare_reserve (fx->store, server->id, TRUE, NULL, NULL, ME, NOW + 60,
                                           &error));
  g_assert_no_error (error);
  got = get_case (fx, server->id);
  g_assert_true (dk_case_reserve_applies_to (got, "Avd 3"));
  g_clear_pointer (&got, dk_case_unref);

  g_assert_true (dk_local_lift_reserve (fx->store, server->id, "Systemet är uppe", ME, NOW + 120,
                                        &error));
  g_assert_no_error (error);
  g_clear_pointer (&entry, dk_outbox_entry_free);
  entry = last_entry (fx);
  g_assert_nonnull (strstr (entry->data, "\"action\":\"lifted\""));
  got = get_case (fx, server->id);
  g_assert_null (dk_case_get_reserve_in_force (got));
  g_assert_cmpuint (got->reserve->len, ==, 3);  /* all on the timeline */
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 3);
}

static DkReport *
put_server_report (Fixture    *fx,
                   const char *number,
                   const char *unit)
{
  g_autoptr(JsonArray) page = json_array_new ();
  DkReport *report = dk_report_new ();

  report->id = g_uuid_string_random ();
  report->number = g_strdup (number);
  report->kind = DK_REPORT_KIND_FAULT;
  report->service = g_strdup ("tes");
  report->unit = g_strdup (unit);
  report->reporter = g_strdup ("Eva");
  report->description = g_strdup ("TES startar inte");
  report->created_by = g_strdup ("eva");
  report->created_at = NOW - 600;
  report->revision = 1;
  json_array_add_element (page, dk_test_change_node (++fx->seq, "report", report->id,
                                             dk_report_to_json (report)));
  apply_page (fx, page);
  return report;
}

static DkReport *
get_report (Fixture    *fx,
            const char *id_or_number)
{
  g_autoptr(GError) error = NULL;
  DkReport *report = dk_store_get_report (fx->store, id_or_number, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static void
test_local_report_acknowledge_link_close (Fixture       *fx,
                                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkReport) first = put_server_report (fx, "FA-1", "Avd 12");
  g_autoptr(DkReport) second = put_server_report (fx, "FA-2", "Akuten");
  g_autoptr(DkCase) incident = NULL;
  g_autoptr(DkReport) got = NULL;
  g_autoptr(DkOutboxEntry) entry = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  g_assert_null (dk_store_get_report (fx->store, "FA-404", &error));
  g_assert_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  got = get_report (fx, "fa-1");
  g_assert_cmpstr (got->id, ==, first->id);
  g_clear_pointer (&got, dk_report_unref);

  g_assert_true (dk_local_acknowledge_report (fx->store, "FA-1", "Vi tittar på det", ME, NOW,
                                              &error));
  g_assert_no_error (error);
  entry = only_entry (fx);
  g_assert_cmpstr (entry->op, ==, "report.acknowledge");
  g_assert_nonnull (strstr (entry->data, "\"report\":"));
  g_assert_nonnull (strstr (entry->data, "\"note\":\"Vi tittar på det\""));
  got = get_report (fx, first->id);
  g_assert_cmpint (got->state, ==, DK_REPORT_STATE_ACKNOWLEDGED);
  g_assert_cmpstr (got->note, ==, "Vi tittar på det");
  g_assert_cmpstr (got->handled_by, ==, ME);
  g_clear_pointer (&got, dk_report_unref);
  g_assert_false (dk_local_acknowledge_report (fx->store, "FA-1", NULL, ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);

  /* an incident made offline, the two reports linked to it in the same outbox order */
  incident = create_local (fx, "TES ligger nere");
  g_assert_true (dk_local_link_report (fx->store, "FA-1", incident->id, ME, NOW, &error));
  g_assert_no_error (error);
  g_assert_true (dk_local_link_report (fx->store, second->id, incident->id, ME, NOW, &error));
  g_assert_no_error (error);
  got = get_report (fx, "FA-2");
  g_assert_cmpint (got->state, ==, DK_REPORT_STATE_LINKED);
  g_assert_cmpstr (got->case_id, ==, incident->id);
  g_assert_null (got->case_number);  /* not numbered before the server has it */
  g_clear_pointer (&got, dk_report_unref);
  entries = dk_store_outbox_list (fx->store, &error);
  g_assert_cmpuint (entries->len, ==, 4);
  g_assert_cmpstr (((DkOutboxEntry *) entries->pdata[1])->op, ==, "case.create");
  g_assert_cmpstr (((DkOutboxEntry *) entries->pdata[2])->op, ==, "report.link");
  g_assert_cmpstr (((DkOutboxEntry *) entries->pdata[3])->op, ==, "report.link");

  /* linking twice says so */
  g_assert_false (dk_local_link_report (fx->store, "FA-2", incident->id, ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_DUPLICATE);
  g_clear_error (&error);

  g_assert_true (dk_local_close_report (fx->store, "FA-2", "Löst", ME, NOW, &error));
  g_assert_no_error (error);
  got = get_report (fx, "FA-2");
  g_assert_cmpint (got->state, ==, DK_REPORT_STATE_CLOSED);
  g_clear_pointer (&got, dk_report_unref);
  g_assert_false (dk_local_close_report (fx->store, "FA-2", NULL, ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);
  g_assert_false (dk_local_link_report (fx->store, "FA-404", incident->id, ME, NOW, &error));
  g_assert_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND);
}

static DkTemplate *
new_template (const char *name)
{
  DkTemplate *tmpl = dk_template_new ();

  tmpl->name = g_strdup (name);
  tmpl->language = g_strdup ("sv");
  tmpl->kind = DK_CASE_KIND_INCIDENT;
  tmpl->area = DK_AREA_LAB_MEDICINE;
  tmpl->title = g_strdup ("{service} ligger nere");
  tmpl->description = g_strdup ("{service} används dygnet runt. Störningen började {start}.");
  tmpl->scope = g_strdup ("{scope}");
  return tmpl;
}

static guint
template_count (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) templates = dk_store_list_templates (fx->store, &error);

  g_assert_no_error (error);
  return templates->len;
}

static void
test_local_template_save_edit_delete (Fixture       *fx,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkTemplate) tmpl = new_template ("Labbstörning");
  g_autoptr(DkTemplate) shared = new_template ("Delad");
  g_autoptr(DkTemplate) got = NULL;
  g_autoptr(DkOutboxEntry) entry = NULL;
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(GPtrArray) templates = NULL;

  /* offline: a new private template shows at once, the user's own */
  g_assert_true (dk_local_save_template (fx->store, tmpl, 0, ME, NOW, &error));
  g_assert_no_error (error);
  g_assert_nonnull (tmpl->id);
  entry = only_entry (fx);
  g_assert_cmpstr (entry->op, ==, "template.save");
  g_assert_cmpstr (entry->object_type, ==, "template");
  g_assert_cmpint (entry->base_revision, ==, 0);
  g_assert_null (strstr (entry->data, "\"owner\""));
  g_assert_nonnull (strstr (entry->data, "Labbstörning"));
  got = dk_store_get_template (fx->store, tmpl->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->owner, ==, ME);
  g_clear_pointer (&got, dk_template_unref);

  /* edited before it was sent: shared with the team */
  g_free (tmpl->name);
  tmpl->name = g_strdup ("Labbstörning, delad");
  tmpl->team = DK_ROLE_LAB_COMMUNICATOR;
  g_assert_true (dk_local_save_template (fx->store, tmpl, 0, ME, NOW + 60, &error));
  g_assert_no_error (error);
  templates = dk_store_list_templates (fx->store, &error);
  g_assert_cmpuint (templates->len, ==, 1);
  g_assert_cmpstr (((DkTemplate *) templates->pdata[0])->name, ==, "Labbstörning, delad");
  g_assert_cmpint (((DkTemplate *) templates->pdata[0])->team, ==, DK_ROLE_LAB_COMMUNICATOR);

  /* one the server sent shows beside it, by name */
  shared->id = g_uuid_string_random ();
  shared->owner = g_strdup ("lisa");
  shared->team = DK_ROLE_LAB_COMMUNICATOR;
  shared->revision = 3;
  json_array_add_element (page, dk_test_change_node (++fx->seq, "template", shared->id,
                                             dk_template_to_json (shared)));
  apply_page (fx, page);
  g_assert_cmpuint (template_count (fx), ==, 2);

  /* deleted: gone from the lists at once, a tombstone from the server later */
  g_assert_true (dk_local_delete_template (fx->store, tmpl->id, ME, NOW + 120, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (template_count (fx), ==, 1);
  g_assert_null (dk_store_get_template (fx->store, tmpl->id, &error));
  g_assert_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (dk_local_delete_template (fx->store, tmpl->id, ME, NOW + 120, &error));
  g_assert_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&entry, dk_outbox_entry_free);
  entry = last_entry (fx);
  g_assert_cmpstr (entry->op, ==, "template.delete");
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 3);

  /* an invalid one is refused before the outbox */
  g_clear_pointer (&tmpl, dk_template_unref);
  tmpl = new_template ("");
  g_assert_false (dk_local_save_template (fx->store, tmpl, 0, ME, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 3);
}

/* ---- a conflict resolved field by field, a rejected change edited and sent again ---- */

static DkOutboxEntry *
answer_conflict (Fixture *fx,
                 DkCase  *server_now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkOutboxEntry) entry = only_entry (fx);
  g_autoptr(JsonObject) result = result_new (entry->mutation_id, "conflict", 0);

  json_object_set_member (result, "current", dk_case_to_json (server_now));
  g_assert_true (dk_store_outbox_answer (fx->store, result, &error));
  g_assert_no_error (error);
  return only_entry (fx);
}

static void
test_outbox_conflict_resolved_field_by_field (Fixture       *fx,
                                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) server = put_server_case (fx, "Från servern", "Serverns text", "tes");
  g_autoptr(DkCase) server_now = dk_case_copy (server);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) chosen = json_object_new ();
  g_autoptr(DkOutboxEntry) conflict = NULL;
  g_autoptr(DkOutboxEntry) resolved = NULL;
  g_autoptr(DkCase) got = NULL;

  /* offline: the user edits title and description; someone else changed the
   * description and the scope on the server meanwhile */
  json_object_set_string_member (changes, "title", "Lokalt ändrad");
  json_object_set_string_member (changes, "description", "Min text");
  g_assert_true (dk_local_edit_case (fx->store, server->id, changes, ME, NOW, &error));
  g_assert_no_error (error);
  g_free (server_now->description);
  server_now->description = g_strdup ("Någon annans text");
  g_free (server_now->scope);
  server_now->scope = g_strdup ("Endast Avd 12");
  server_now->revision = 2;
  conflict = answer_conflict (fx, server_now);
  g_assert_cmpint (conflict->state, ==, DK_OUTBOX_CONFLICT);

  /* a change that is not a conflict cannot be resolved */
  g_assert_false (dk_local_resolve_case_conflict (fx->store, "no-such-mutation", chosen, ME, NOW,
                                                  &error));
  g_assert_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* the user keeps their title, takes the server's description (and scope) */
  json_object_set_string_member (chosen, "title", "Lokalt ändrad");
  g_assert_true (dk_local_resolve_case_conflict (fx->store, conflict->mutation_id, chosen, ME,
                                                 NOW, &error));
  g_assert_no_error (error);

  resolved = only_entry (fx);
  g_assert_cmpint (resolved->state, ==, DK_OUTBOX_PENDING);
  g_assert_cmpstr (resolved->op, ==, "case.edit");
  g_assert_cmpstr (resolved->mutation_id, !=, conflict->mutation_id);
  g_assert_cmpint (resolved->base_revision, ==, 2);
  g_assert_nonnull (strstr (resolved->data, "Lokalt ändrad"));
  g_assert_null (strstr (resolved->data, "description"));
  got = get_case (fx, server->id);
  g_assert_cmpstr (got->title, ==, "Lokalt ändrad");
  g_assert_cmpstr (got->description, ==, "Någon annans text");
  g_assert_cmpstr (got->scope, ==, "Endast Avd 12");
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_CONFLICT), ==, 0);

  /* resolving a pending entry is refused and changes nothing */
  g_assert_false (dk_local_resolve_case_conflict (fx->store, resolved->mutation_id, chosen, ME,
                                                  NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);
  g_clear_pointer (&conflict, dk_outbox_entry_free);
  conflict = only_entry (fx);
  g_assert_cmpstr (conflict->mutation_id, ==, resolved->mutation_id);
}

static void
test_outbox_conflict_resolved_to_the_server (Fixture       *fx,
                                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) server = put_server_case (fx, "Från servern", "x", "tes");
  g_autoptr(DkCase) server_now = dk_case_copy (server);
  g_autoptr(JsonObject) chosen = json_object_new ();
  g_autoptr(DkOutboxEntry) conflict = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(DkCase) got = NULL;

  edit_title (fx, server->id, "Lokalt ändrad");
  retitle (server_now, "Serverns nya titel");
  conflict = answer_conflict (fx, server_now);

  /* every field from the server: nothing to send */
  g_assert_true (dk_local_resolve_case_conflict (fx->store, conflict->mutation_id, chosen, ME,
                                                 NOW, &error));
  g_assert_no_error (error);
  entries = dk_store_outbox_list (fx->store, &error);
  g_assert_cmpuint (entries->len, ==, 0);
  got = get_case (fx, server->id);
  g_assert_cmpstr (got->title, ==, "Från servern");  /* until the pull brings revision 2 */
}

static void
test_outbox_rejected_edited_retried_applied (Fixture       *fx,
                                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) server = put_server_case (fx, "Från servern", "x", "tes");
  g_autoptr(DkOutboxEntry) entry = NULL;
  g_autoptr(DkOutboxEntry) retried = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonNode) data_node = NULL;
  g_autoptr(JsonNode) local_node = NULL;
  g_autoptr(DkCase) edited = NULL;
  g_autoptr(DkCase) got = NULL;
  g_autoptr(JsonArray) page = json_array_new ();
  JsonObject *reason = json_object_new ();
  JsonObject *new_data;

  edit_title (fx, server->id, "Fel titel");
  entry = only_entry (fx);

  /* not refused yet: nothing to send again */
  data_node = json_from_string ("{}", NULL);
  g_assert_false (dk_store_outbox_retry (fx->store, entry->mutation_id, data_node, NULL, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);
  g_clear_pointer (&data_node, json_node_unref);

  result = result_new (entry->mutation_id, "rejected", 0);
  json_object_set_string_member (reason, "code", "invalid_input");
  json_object_set_string_member (reason, "message", "title: för lång");
  json_object_set_object_member (result, "error", reason);
  g_assert_true (dk_store_outbox_answer (fx->store, result, &error));
  g_assert_no_error (error);
  got = get_case (fx, server->id);
  g_assert_cmpstr (got->title, ==, "Från servern");
  g_clear_pointer (&got, dk_case_unref);

  /* the user edits the refused change and sends it again */
  new_data = json_object_new ();
  json_object_set_string_member (new_data, "id", server->id);
  json_object_set_string_member (new_data, "title", "Rätt titel");
  data_node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (data_node, new_data);
  edited = dk_case_copy (server);
  g_free (edited->title);
  edited->title = g_strdup ("Rätt titel");
  local_node = dk_case_to_json (edited);
  g_assert_true (dk_store_outbox_retry (fx->store, entry->mutation_id, data_node, local_node,
                                        &error));
  g_assert_no_error (error);

  retried = only_entry (fx);
  g_assert_cmpint (retried->state, ==, DK_OUTBOX_PENDING);
  g_assert_cmpstr (retried->mutation_id, !=, entry->mutation_id);
  g_assert_cmpstr (retried->op, ==, "case.edit");
  g_assert_cmpint (retried->base_revision, ==, 1);
  g_assert_null (retried->error_code);
  g_assert_null (retried->error_message);
  g_assert_nonnull (strstr (retried->data, "Rätt titel"));
  g_assert_true (dk_store_is_pending (fx->store, "case", server->id));
  got = get_case (fx, server->id);
  g_assert_cmpstr (got->title, ==, "Rätt titel");
  g_clear_pointer (&got, dk_case_unref);

  /* applied: the local version stays until the pull brings revision 2, then the server's */
  g_clear_pointer (&result, json_object_unref);
  result = result_new (retried->mutation_id, "applied", 2);
  g_assert_true (dk_store_outbox_answer (fx->store, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 0);
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_REJECTED), ==, 0);
  got = get_case (fx, server->id);
  g_assert_cmpstr (got->title, ==, "Rätt titel");
  g_clear_pointer (&got, dk_case_unref);
  retitle (server, "Rätt titel");
  dk_test_add_case_change (&fx->seq, page, server);
  apply_page (fx, page);
  got = get_case (fx, server->id);
  g_assert_cmpstr (got->title, ==, "Rätt titel");
  g_assert_cmpint (got->revision, ==, 2);
  g_assert_false (dk_store_is_pending (fx->store, "case", server->id));
}

static void
test_outbox_rejected_create_retried (Fixture       *fx,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = create_local (fx, "Avvisad publicering");
  g_autoptr(DkOutboxEntry) entry = only_entry (fx);
  g_autoptr(DkOutboxEntry) retried = NULL;
  g_autoptr(JsonObject) result = result_new (entry->mutation_id, "rejected", 0);
  g_autoptr(JsonNode) data_node = NULL;
  g_autoptr(JsonNode) bad = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  JsonObject *reason = json_object_new ();

  json_object_set_string_member (reason, "code", "forbidden");
  json_object_set_string_member (reason, "message", "Nej");
  json_object_set_object_member (result, "error", reason);
  g_assert_true (dk_store_outbox_answer (fx->store, result, &error));
  g_assert_no_error (error);
  cases = dk_store_list_cases (fx->store, NULL, NOW, NULL);
  g_assert_cmpuint (cases->len, ==, 0);  /* its effect went; the entry stays */
  g_clear_pointer (&cases, g_ptr_array_unref);

  /* an edit the core refuses never reaches the outbox */
  bad = json_from_string (entry->data, &error);
  g_assert_no_error (error);
  json_object_set_string_member (json_node_get_object (bad), "title", "");
  g_assert_false (dk_store_outbox_retry (fx->store, entry->mutation_id, bad, NULL, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&retried, dk_outbox_entry_free);
  retried = only_entry (fx);
  g_assert_cmpint (retried->state, ==, DK_OUTBOX_REJECTED);

  /* the edited publication goes again and shows again, after the entries made since */
  data_node = json_from_string (entry->data, &error);
  g_assert_no_error (error);
  json_object_set_string_member (json_node_get_object (data_node), "title", "Rättad publicering");
  g_free (kase->title);
  kase->title = g_strdup ("Rättad publicering");
  g_clear_pointer (&kase->number, g_free);
  {
    g_autoptr(JsonNode) local_node = dk_case_to_json (kase);
    g_autoptr(DkCase) other = create_local (fx, "Skapad efteråt");

    g_assert_true (dk_store_outbox_retry (fx->store, entry->mutation_id, data_node, local_node,
                                          &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(GPtrArray) entries = dk_store_outbox_list (fx->store, &error);
    DkOutboxEntry *last = g_ptr_array_index (entries, entries->len - 1);

    g_assert_cmpuint (entries->len, ==, 2);
    g_assert_cmpstr (last->object_id, ==, kase->id);
    g_assert_cmpint (last->state, ==, DK_OUTBOX_PENDING);
    g_assert_nonnull (strstr (last->data, "Rättad publicering"));
  }
  cases = dk_store_list_cases (fx->store, NULL, NOW, NULL);
  g_assert_cmpuint (cases->len, ==, 2);
  g_assert_cmpuint (search_count (fx, "rattad", 10), ==, 1);
  /* and one more change after it still gets a place of its own */
  edit_title (fx, kase->id, "Rättad igen");
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 3);
}

/* ---- revision-changed (as evolution-data-server's ECache) ---- */

typedef struct {
  guint    count;
  guint    changes;
  DkStore *reader;          /* another connection: sees only what is committed */
  guint    committed;       /* the reader's pending count when the signal came */
  GThread *thread;          /* where it came */
} Announced;

static void
revision_changed_cb (DkStore  *store,
                     guint     changes,
                     gpointer  user_data)
{
  Announced *announced = user_data;

  announced->count++;
  announced->changes |= changes;
  announced->thread = g_thread_self ();
  if (announced->reader != NULL)
    announced->committed = dk_store_outbox_count (announced->reader, DK_OUTBOX_PENDING);
}

static void
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_revision_changed_local_write (Fixture       *fx,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStore) reader = dk_store_open (fx->path, &error);
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(DkReport) report = dk_report_new ();
  g_autoptr(DkOutboxEntry) entry = NULL;
  g_autoptr(JsonObject) result = NULL;
  Announced announced = { 0, };

  g_assert_no_error (error);
  drain_main_context ();
  announced.reader = reader;
  g_signal_connect (fx->store, "revision-changed", G_CALLBACK (revision_changed_cb),
                    &announced);

  /* one write: told once, after the commit, on this thread */
  kase = create_local (fx, "Lokal störning");
  g_assert_cmpuint (announced.count, ==, 0);  /* from an idle, never inside the write */
  drain_main_context ();
  g_assert_cmpuint (announced.count, ==, 1);
  g_assert_cmpuint (announced.changes, ==, DK_STORE_CHANGE_LOCAL);
  g_assert_cmpuint (announced.committed, ==, 1);
  g_assert_true (announced.thread == g_thread_self ());

  /* a burst of writes before the main loop runs: told once */
  announced.count = announced.changes = 0;
  edit_title (fx, kase->id, "Andra titeln");
  report->kind = DK_REPORT_KIND_FAULT;
  report->service = g_strdup ("tes");
  report->unit = g_strdup ("Avd 12");
  report->reporter = g_strdup ("Anna");
  report->description = g_strdup ("TES startar inte");
  g_assert_true (dk_local_create_report (fx->store, report, ME, NOW, &error));
  g_assert_no_error (error);
  drain_main_context ();
  g_assert_cmpuint (announced.count, ==, 1);
  g_assert_cmpuint (announced.changes, ==, DK_STORE_CHANGE_LOCAL);
  g_assert_cmpuint (announced.committed, ==, 3);

  /* a write that fails commits nothing and tells nothing; nor does meta */
  announced.count = announced.changes = 0;
  g_assert_false (dk_local_add_follow_up (fx->store, "DK-404", "x", ME, NOW, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (dk_store_set_meta (fx->store, "last_sync", "x", NULL));
  drain_main_context ();
  g_assert_cmpuint (announced.count, ==, 0);

  /* an answer is OUTBOX */
  entry = only_entry_of_type (fx, "report");
  result = result_new (entry->mutation_id, "applied", 1);
  g_assert_true (dk_store_outbox_answer (fx->store, result, &error));
  g_assert_no_error (error);
  drain_main_context ();
  g_assert_cmpuint (announced.count, ==, 1);
  g_assert_cmpuint (announced.changes, ==, DK_STORE_CHANGE_OUTBOX);
}

static gpointer
write_in_thread (gpointer data)
{
  Fixture *fx = data;
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(DkCase) kase = new_case ("Från tråden", "x", "tes");
  g_autoptr(DkStore) writer = NULL;
  g_autoptr(GError) error = NULL;

  /* a page through the shared store, then one through a connection of the thread's own
   * (as the pull's writer does) */
  dk_test_add_case_change (&fx->seq, page, kase);
  g_assert_true (dk_store_apply_changes (fx->store, page, fx->seq, &error));
  g_assert_no_error (error);

  writer = dk_store_open (fx->path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&page, json_array_unref);
  page = json_array_new ();
  g_clear_pointer (&kase, dk_case_unref);
  kase = new_case ("Från skrivaren", "x", "tes");
  dk_test_add_case_change (&fx->seq, page, kase);
  g_assert_true (dk_store_apply_changes (writer, page, fx->seq, &error));
  g_assert_no_error (error);

  return NULL;
}

static void
test_revision_changed_from_a_thread (Fixture       *fx,
                                     gconstpointer  data)
{
  Announced announced = { 0, };
  GThread *thread;

  drain_main_context ();
  g_signal_connect (fx->store, "revision-changed", G_CALLBACK (revision_changed_cb),
                    &announced);

  thread = g_thread_new ("writer", write_in_thread, fx);
  g_thread_join (thread);
  g_assert_cmpuint (announced.count, ==, 0);
  drain_main_context ();
  g_assert_cmpuint (announced.count, ==, 1);
  g_assert_cmpuint (announced.changes, ==, DK_STORE_CHANGE_SERVER);
  g_assert_true (announced.thread == g_thread_self ());
}

static void
test_revision_changed_resync (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = put_server_case (fx, "Server", "x", "tes");
  Announced announced = { 0, };

  drain_main_context ();
  g_signal_connect (fx->store, "revision-changed", G_CALLBACK (revision_changed_cb),
                    &announced);
  g_assert_true (dk_store_reset_server_data (fx->store, &error));
  g_assert_no_error (error);
  drain_main_context ();
  g_assert_cmpuint (announced.count, ==, 1);
  g_assert_cmpuint (announced.changes, ==, DK_STORE_CHANGE_SERVER);
}

/* Another process (here a connection the store does not know, as the cli's would be). */
static void
write_as_another_process (const char *path,
                          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static gboolean
wait_announced (Announced *announced,
                guint      count)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (announced->count < count && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  return announced->count >= count;
}

static gboolean
give_up_cb (gpointer data)
{
  return G_SOURCE_REMOVE;
}

static void
test_revision_changed_another_process (Fixture       *fx,
                                       gconstpointer  data)
{
  g_autoptr(DkCase) kase = NULL;
  Announced announced = { 0, };

  dk_store_watch_other_writers (fx->store);
  drain_main_context ();
  g_signal_connect (fx->store, "revision-changed", G_CALLBACK (revision_changed_cb),
                    &announced);

  /* the cli queues a change: the app's store tells it, as a local change */
  write_as_another_process (fx->path,
                            "INSERT INTO outbox (mutation_id, op, object_type, object_id, data,"
                            " created_at) VALUES ('m1', 'case.close', 'case', 'c1', '{}', 0)");
  g_assert_true (wait_announced (&announced, 1));
  g_assert_cmpuint (announced.changes, ==, DK_STORE_CHANGE_LOCAL | DK_STORE_CHANGE_OUTBOX);

  /* the cli pulls a page */
  announced.count = announced.changes = 0;
  write_as_another_process (fx->path,
                            "INSERT INTO meta (key, value) VALUES ('cursor', '42')"
                            " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  g_assert_true (wait_announced (&announced, 1));
  g_assert_cmpuint (announced.changes, ==, DK_STORE_CHANGE_SERVER);

  /* the store's own writes are told once, not again when the file changes */
  announced.count = announced.changes = 0;
  kase = create_local (fx, "Lokal störning");
  g_assert_true (wait_announced (&announced, 1));
  g_timeout_add (600, give_up_cb, NULL);
  g_main_context_iteration (NULL, TRUE);
  drain_main_context ();
  g_assert_cmpuint (announced.count, ==, 1);
  g_assert_cmpuint (announced.changes, ==, DK_STORE_CHANGE_LOCAL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/store/open/create-reopen", test_open_reopen);
  ADD ("/store/open/refuses-garbage", test_open_refuses_garbage);
  ADD ("/store/open/refuses-other-database", test_open_refuses_other_database);
  ADD ("/store/open/refuses-newer-version", test_open_refuses_newer);
  ADD ("/store/open/migrates-version-1", test_open_migrates_version_1);
  ADD ("/store/changes/insert-update-tombstone-unknown", test_changes_apply);
  ADD ("/store/changes/late-page-never-overwrites-newer", test_changes_late_page);
  ADD ("/store/changes/page-is-atomic", test_changes_atomic);
  ADD ("/store/changes/case-read-in-part-still-shows",
       test_changes_case_read_in_part_still_shows);
  ADD ("/store/outbox/offline/add", test_outbox_add);
  ADD ("/store/outbox/offline/add-edit", test_outbox_add_edit);
  ADD ("/store/outbox/offline/add-delete", test_outbox_add_delete);
  ADD ("/store/outbox/offline/add-resync", test_outbox_add_resync);
  ADD ("/store/outbox/offline/edit", test_outbox_edit);
  ADD ("/store/outbox/offline/edit-resync", test_outbox_edit_resync);
  ADD ("/store/outbox/answer/applied", test_outbox_answer_applied);
  ADD ("/store/outbox/answer/batch-all-or-nothing", test_outbox_answer_batch_all_or_nothing);
  ADD ("/store/outbox/answer/rejected", test_outbox_answer_rejected);
  ADD ("/store/outbox/answer/conflict", test_outbox_answer_conflict);
  ADD ("/store/outbox/conflict/resolved-field-by-field",
       test_outbox_conflict_resolved_field_by_field);
  ADD ("/store/outbox/conflict/resolved-to-the-server",
       test_outbox_conflict_resolved_to_the_server);
  ADD ("/store/outbox/rejected/edited-retried-applied",
       test_outbox_rejected_edited_retried_applied);
  ADD ("/store/outbox/rejected/publication-edited-and-sent-again",
       test_outbox_rejected_create_retried);
  ADD ("/store/local/update-close-follow-up", test_local_update_close);
  ADD ("/store/local/runs", test_local_runs);
  ADD ("/store/local/subscription-report", test_local_subscription_report);
  ADD ("/store/local/case/affected-offline-once-per-unit", test_local_affected_once_per_unit);
  ADD ("/store/local/case/reserve-declared-and-lifted", test_local_reserve_declare_lift);
  ADD ("/store/local/report/acknowledge-link-close", test_local_report_acknowledge_link_close);
  ADD ("/store/local/template/offline-save-edit-delete", test_local_template_save_edit_delete);
  ADD ("/store/run-notify/a-closing-is-looked-at-once-per-user-and-again-when-closed-anew",
       test_run_closings_looked_at);
  ADD ("/store/search/folds-swedish-norwegian", test_search_folding);
  ADD ("/store/search/title-ranks-first", test_search_ranking);
  ADD ("/store/search/no-fts-syntax", test_search_syntax);
  ADD ("/store/search/updates-and-service-names", test_search_updates_services);
  ADD ("/store/search/texts-built-beforehand-index-the-same-words",
       test_search_texts_built_beforehand);
  ADD ("/store/search/capped", test_search_limit);
  ADD ("/store/search/title-first-when-all-match", test_search_common_word);
  ADD ("/store/search/whole-word-before-prefix", test_search_prefixes);
  ADD ("/store/search/words-across-title-and-services", test_search_several_words);
  ADD ("/store/list/current-and-archive", test_list_current_archive);
  ADD ("/store/two-stores-one-file", test_two_stores);
  ADD ("/store/revision-changed/local-write-once-after-commit",
       test_revision_changed_local_write);
  ADD ("/store/revision-changed/from-a-thread-on-the-opening-context",
       test_revision_changed_from_a_thread);
  ADD ("/store/revision-changed/resync", test_revision_changed_resync);
  ADD ("/store/revision-changed/another-process", test_revision_changed_another_process);
  ADD ("/store/two-stores-one-process", test_reopen_in_one_process);
  ADD ("/store/local/routine/save-new-shows-the-draft", test_local_routine_save_new);
  ADD ("/store/local/routine/save-keeps-the-approved-revision-showing",
       test_local_routine_save_keeps_approved);
  ADD ("/store/local/routine/save-refuses-an-invalid-routine",
       test_local_routine_save_refuses_invalid);
  ADD ("/store/local/routine/approve-shows-approved-and-refuses-twice",
       test_local_routine_approve);

  return g_test_run ();
}
