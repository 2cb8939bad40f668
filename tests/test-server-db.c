/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-db.c: the server's storage module against real files */

#define G_LOG_DOMAIN "test-server-db"

#include "config.h"

#include <string.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "dk-enums.h"
#include "dk-error.h"
#include "dk-protocol.h"
#include "dk-server-db.h"
#include "dk-server-db-pg-private.h"
#include "dk-server-import.h"
#include "dk-server-snapshot.h"
#include "dk-test-pg.h"

typedef struct {
  char       *dir;
  char       *path;   /* the SQLite file, or the PostgreSQL URL */
  DkServerDb *db;
} Fixture;

/* DRIFTKOLL_TEST_DB=postgresql: every case on a new database of the private cluster
 * (dk-test-pg.c) instead of a file; the cases about files and SQLite are left out. */
static DkTestPg *test_pg;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("dk-server-db-XXXXXX", &error);
  g_assert_no_error (error);
  if (test_pg != NULL)
    fixture->path = dk_test_pg_new_database (test_pg);
  else
    fixture->path = g_build_filename (fixture->dir, "server.db", NULL);
  fixture->db = dk_server_db_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->db);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);   /* a snapshot folder */
      else
        g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->db);
  remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

/* ---- helpers ---- */

static JsonObject *
parse_changes (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize size;
  const char *text = g_bytes_get_data (bytes, &size);
  JsonNode *root;

  json_parser_load_from_data (parser, text, size, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

static JsonObject *
pull (DkServerDb     *db,
      gint64          since,
      guint           limit,
      const DkViewer *viewer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = dk_server_db_changes_json (db, since, limit, viewer, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return parse_changes (bytes);
}

static JsonObject *
find_change (JsonObject *changes,
             const char *id)
{
  JsonArray *array = json_object_get_array_member (changes, "changes");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *change = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (change, "id"), id) == 0)
        return change;
    }
  return NULL;
}

static gint64
put (DkServerDb *db,
     const char *type,
     const char *id,
     const char *data,
     gint64      revision,
     gboolean    public,
     DkRole      readers,
     const char *owner)
{
  g_autoptr(GError) error = NULL;
  DkVisibility visibility = { public, readers, owner };
  gint64 seq;

  seq = dk_server_db_put_object (db, type, id, data, revision, FALSE, &visibility, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seq, >, 0);
  return seq;
}

static GBytes *
read_file_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static const DkViewer anonymous = { NULL, 0 };

static void put_case (DkServerDb *db, const char *id, gboolean public);

/* ---- open ---- */

static void
test_open_create_reopen (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStoredObject) object = NULL;

  g_assert_true (test_pg != NULL || g_file_test (fixture->path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (dk_server_db_is_empty (fixture->db));
  g_assert_cmpint (dk_server_db_last_seq (fixture->db), ==, 0);

  put (fixture->db, "service", "tes", "{\"id\":\"tes\"}", 1, TRUE, DK_ROLE_STAFF, NULL);
  g_assert_false (dk_server_db_is_empty (fixture->db));
  g_clear_object (&fixture->db);

  fixture->db = dk_server_db_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_false (dk_server_db_is_empty (fixture->db));
  g_assert_cmpint (dk_server_db_last_seq (fixture->db), ==, 1);
  object = dk_server_db_get_object (fixture->db, "service", "tes", &error);
  g_assert_no_error (error);
  g_assert_nonnull (object);
  g_assert_cmpstr (object->data, ==, "{\"id\":\"tes\"}");
}

static void
test_open_users_make_it_non_empty (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dk_server_db_is_empty (fixture->db));
  dk_server_db_add_user (fixture->db, "anna", "$argon2id$x", DK_ROLE_STAFF, &error);
  g_assert_no_error (error);
  g_assert_false (dk_server_db_is_empty (fixture->db));
}

static void
test_open_newer_schema_is_refused (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(DkServerDb) db = NULL;
  g_autofree char *sql = NULL;
  sqlite3 *raw = NULL;

  put (fixture->db, "service", "tes", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  g_clear_object (&fixture->db);

  g_assert_cmpint (sqlite3_open (fixture->path, &raw), ==, SQLITE_OK);
  sql = g_strdup_printf ("PRAGMA user_version = %d", DK_SERVER_DB_SCHEMA_VERSION + 1);
  g_assert_cmpint (sqlite3_exec (raw, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (raw), ==, SQLITE_OK);

  before = read_file_bytes (fixture->path);
  db = dk_server_db_open (fixture->path, &error);
  g_assert_null (db);
  g_assert_error (error, DK_ERROR, DK_ERROR_STORAGE);
  g_assert_nonnull (strstr (error->message, "was written by a newer driftkoll-server"));
  after = read_file_bytes (fixture->path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_open_garbage_is_refused (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(DkServerDb) db = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "garbage.db", NULL);
  g_autofree char *half = g_build_filename (fixture->dir, "half.db", NULL);
  static const char garbage[] = "this is not a database, it is a shopping list\nmilk\n";
  char page[4096];

  g_file_set_contents (path, garbage, sizeof garbage - 1, &error);
  g_assert_no_error (error);

  db = dk_server_db_open (path, &error);
  g_assert_null (db);
  g_assert_error (error, DK_ERROR, DK_ERROR_STORAGE);
  g_assert_nonnull (strstr (error->message, "not"));
  g_clear_error (&error);
  after = read_file_bytes (path);
  g_assert_cmpmem (g_bytes_get_data (after, NULL), g_bytes_get_size (after),
                   garbage, sizeof garbage - 1);
  g_clear_pointer (&after, g_bytes_unref);

  /* The right magic, then nonsense: SQLite itself must refuse it. */
  memset (page, 0x5a, sizeof page);
  memcpy (page, "SQLite format 3", 16);
  g_file_set_contents (half, page, sizeof page, &error);
  g_assert_no_error (error);
  db = dk_server_db_open (half, &error);
  g_assert_null (db);
  g_assert_error (error, DK_ERROR, DK_ERROR_STORAGE);
  after = read_file_bytes (half);
  g_assert_cmpmem (g_bytes_get_data (after, NULL), g_bytes_get_size (after),
                   page, sizeof page);
}

static void
test_open_missing_directory_fails (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkServerDb) db = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "no", "such", "x.db", NULL);

  db = dk_server_db_open (path, &error);
  g_assert_null (db);
  g_assert_error (error, DK_ERROR, DK_ERROR_STORAGE);
}

/* ---- objects ---- */

static void
test_objects_put_get_overwrite (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStoredObject) first = NULL;
  g_autoptr(DkStoredObject) second = NULL;
  g_autoptr(DkStoredObject) missing = NULL;
  gint64 seq1, seq2, seq3;

  seq1 = put (fixture->db, "case", "a", "{\"title\":\"one\"}", 1, FALSE, DK_ROLE_STAFF, "anna");
  seq2 = put (fixture->db, "case", "b", "{\"title\":\"two\"}", 1, TRUE, DK_ROLE_STAFF, NULL);
  g_assert_cmpint (seq2, >, seq1);

  first = dk_server_db_get_object (fixture->db, "case", "a", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first->type, ==, "case");
  g_assert_cmpstr (first->id, ==, "a");
  g_assert_cmpstr (first->data, ==, "{\"title\":\"one\"}");
  g_assert_cmpint (first->seq, ==, seq1);
  g_assert_cmpint (first->revision, ==, 1);
  g_assert_false (first->deleted);
  g_assert_false (first->public);
  g_assert_cmpint (first->readers, ==, DK_ROLE_STAFF);
  g_assert_cmpstr (first->owner, ==, "anna");

  seq3 = put (fixture->db, "case", "a", "{\"title\":\"uno\"}", 7, TRUE, DK_ROLE_ADMIN, NULL);
  g_assert_cmpint (seq3, >, seq2);
  second = dk_server_db_get_object (fixture->db, "case", "a", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second->data, ==, "{\"title\":\"uno\"}");
  g_assert_cmpint (second->seq, ==, seq3);
  g_assert_cmpint (second->revision, ==, 7);
  g_assert_true (second->public);
  g_assert_cmpint (second->readers, ==, DK_ROLE_ADMIN);
  g_assert_null (second->owner);
  g_assert_cmpint (dk_server_db_last_seq (fixture->db), ==, seq3);

  /* Same id, other type: another object. */
  missing = dk_server_db_get_object (fixture->db, "run", "a", &error);
  g_assert_no_error (error);
  g_assert_null (missing);
}

static void
test_objects_seq_never_reused (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 seq1, seq2, seq3;

  seq1 = put (fixture->db, "case", "a", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  seq2 = dk_server_db_put_object (fixture->db, "case", "a", NULL, 2, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seq2, >, seq1);
  g_clear_object (&fixture->db);
  fixture->db = dk_server_db_open (fixture->path, &error);
  g_assert_no_error (error);
  seq3 = put (fixture->db, "case", "b", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  g_assert_cmpint (seq3, >, seq2);
}

static void
test_objects_list (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) public_only = NULL;

  put (fixture->db, "case", "c", "{\"n\":3}", 1, TRUE, DK_ROLE_STAFF, NULL);
  put (fixture->db, "case", "a", "{\"n\":1}", 1, FALSE, DK_ROLE_STAFF, NULL);
  put (fixture->db, "case", "b", "{\"n\":2}", 1, TRUE, DK_ROLE_STAFF, NULL);
  put (fixture->db, "case", "d", "{\"n\":4}", 1, TRUE, DK_ROLE_STAFF, NULL);
  put (fixture->db, "service", "tes", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  dk_server_db_put_object (fixture->db, "case", "d", NULL, 2, TRUE, NULL, &error);
  g_assert_no_error (error);

  all = dk_server_db_list_objects (fixture->db, "case", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_cmpstr (((DkStoredObject *) all->pdata[0])->id, ==, "a");
  g_assert_cmpstr (((DkStoredObject *) all->pdata[1])->id, ==, "b");
  g_assert_cmpstr (((DkStoredObject *) all->pdata[2])->id, ==, "c");

  public_only = dk_server_db_list_objects (fixture->db, "case", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (public_only->len, ==, 2);
  g_assert_cmpstr (((DkStoredObject *) public_only->pdata[0])->id, ==, "b");
  g_assert_cmpstr (((DkStoredObject *) public_only->pdata[1])->id, ==, "c");
}

/* ---- changes ---- */

static void
test_changes_empty (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) changes = pull (fixture->db, 0, 100, &anonymous);

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (changes, "changes")),
                    ==, 0);
  g_assert_cmpint (json_object_get_int_member (changes, "last_seq"), ==, 0);
  g_assert_false (json_object_get_boolean_member (changes, "more"));
}

static void
test_changes_tombstones (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) changes = NULL;
  g_autoptr(DkStoredObject) object = NULL;
  DkViewer staff = { "anna", DK_ROLE_STAFF };
  DkVisibility visibility = { FALSE, DK_ROLE_STAFF, NULL };
  JsonObject *change;
  JsonArray *array;
  gint64 seq;

  put (fixture->db, "case", "a", "{\"title\":\"a\"}", 1, FALSE, DK_ROLE_STAFF, NULL);
  put (fixture->db, "case", "b", "{\"title\":\"b\"}", 1, FALSE, DK_ROLE_STAFF, NULL);
  seq = dk_server_db_put_object (fixture->db, "case", "a", NULL, 2, TRUE, &visibility, &error);
  g_assert_no_error (error);

  object = dk_server_db_get_object (fixture->db, "case", "a", &error);
  g_assert_no_error (error);
  g_assert_true (object->deleted);
  g_assert_null (object->data);
  g_assert_cmpint (object->revision, ==, 2);

  changes = pull (fixture->db, 0, 100, &staff);
  array = json_object_get_array_member (changes, "changes");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  change = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (change, "id"), ==, "b");
  g_assert_false (json_object_get_boolean_member (change, "deleted"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "data"),
                                                  "title"), ==, "b");
  change = json_array_get_object_element (array, 1);
  g_assert_cmpstr (json_object_get_string_member (change, "id"), ==, "a");
  g_assert_cmpstr (json_object_get_string_member (change, "type"), ==, "case");
  g_assert_cmpint (json_object_get_int_member (change, "seq"), ==, seq);
  g_assert_true (json_object_get_boolean_member (change, "deleted"));
  g_assert_true (json_object_has_member (change, "data"));
  g_assert_true (json_object_get_null_member (change, "data"));
  g_assert_cmpint (json_object_get_int_member (changes, "last_seq"), ==, seq);
}

static void
test_changes_tombstone_keeps_visibility (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) staff_view = NULL;
  g_autoptr(JsonObject) owner_view = NULL;
  g_autoptr(JsonObject) other_view = NULL;
  g_autoptr(JsonObject) anonymous_view = NULL;
  g_autoptr(DkStoredObject) object = NULL;
  DkViewer staff = { "bert", DK_ROLE_STAFF };
  DkViewer owner = { "anna", DK_ROLE_STAFF };
  gint64 since;

  put (fixture->db, "case", "pub", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  put (fixture->db, "subscription", "sub", "{}", 1, FALSE, 0, "anna");
  since = dk_server_db_last_seq (fixture->db);

  /* No visibility given: whoever could read it gets the tombstone. */
  dk_server_db_put_object (fixture->db, "case", "pub", NULL, 2, TRUE, NULL, &error);
  g_assert_no_error (error);
  dk_server_db_put_object (fixture->db, "subscription", "sub", NULL, 2, TRUE, NULL, &error);
  g_assert_no_error (error);

  object = dk_server_db_get_object (fixture->db, "subscription", "sub", &error);
  g_assert_cmpstr (object->owner, ==, "anna");
  g_assert_true (object->deleted);

  staff_view = pull (fixture->db, since, 100, &staff);
  g_assert_true (json_object_get_boolean_member (find_change (staff_view, "pub"), "deleted"));
  g_assert_null (find_change (staff_view, "sub"));
  owner_view = pull (fixture->db, since, 100, &owner);
  g_assert_true (json_object_get_boolean_member (find_change (owner_view, "sub"), "deleted"));
  anonymous_view = pull (fixture->db, since, 100, &anonymous);
  g_assert_true (json_object_get_boolean_member (find_change (anonymous_view, "pub"),
                                                 "deleted"));
  g_assert_null (find_change (anonymous_view, "sub"));
  other_view = pull (fixture->db, since, 100, &staff);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (other_view, "changes")),
                    ==, 1);
}

static void
test_changes_paging (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  DkViewer staff = { "anna", DK_ROLE_STAFF };
  const guint n = 2500;
  gint64 since = 0;
  gint64 previous_seq = 0;
  guint pages = 0;
  gboolean more = TRUE;

  dk_server_db_begin (fixture->db, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("case-%05u", i);
      g_autofree char *json = g_strdup_printf ("{\"i\":%u}", i);

      put (fixture->db, "case", id, json, 1, i % 2 == 0, DK_ROLE_STAFF, NULL);
    }
  dk_server_db_commit (fixture->db, &error);
  g_assert_no_error (error);

  while (more)
    {
      g_autoptr(JsonObject) changes = pull (fixture->db, since, 1000, &staff);
      JsonArray *array = json_object_get_array_member (changes, "changes");
      guint len = json_array_get_length (array);
      gint64 last_seq = json_object_get_int_member (changes, "last_seq");

      more = json_object_get_boolean_member (changes, "more");
      pages++;
      g_assert_cmpuint (len, ==, pages < 3 ? 1000 : 500);
      g_assert_true (more == (pages < 3));
      for (guint i = 0; i < len; i++)
        {
          JsonObject *change = json_array_get_object_element (array, i);
          gint64 seq = json_object_get_int_member (change, "seq");

          g_assert_cmpint (seq, >, previous_seq);
          previous_seq = seq;
          g_assert_true (g_hash_table_add (seen,
                                           g_strdup (json_object_get_string_member (change,
                                                                                    "id"))));
        }
      g_assert_cmpint (last_seq, ==, previous_seq);
      since = last_seq;
      g_assert_cmpuint (pages, <=, 3);
    }
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (g_hash_table_size (seen), ==, n);

  /* Anonymous: only the 1250 public ones, in two pages. */
  {
    g_autoptr(JsonObject) page1 = pull (fixture->db, 0, 1000, &anonymous);
    g_autoptr(JsonObject) page2 = NULL;
    gint64 cursor = json_object_get_int_member (page1, "last_seq");

    g_assert_true (json_object_get_boolean_member (page1, "more"));
    page2 = pull (fixture->db, cursor, 1000, &anonymous);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page2, "changes")),
                      ==, 250);
    g_assert_false (json_object_get_boolean_member (page2, "more"));
    /* The last object (odd index) is internal: the cursor still reaches the newest seq. */
    g_assert_cmpint (json_object_get_int_member (page2, "last_seq"), ==,
                     dk_server_db_last_seq (fixture->db));
  }
}

static void
test_changes_cursor_moves_past_invisible (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) ahead = NULL;
  gint64 public_seq, last;

  public_seq = put (fixture->db, "case", "pub", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  put (fixture->db, "case", "int1", "{}", 1, FALSE, DK_ROLE_STAFF, NULL);
  last = put (fixture->db, "case", "int2", "{}", 1, FALSE, DK_ROLE_STAFF, NULL);

  first = pull (fixture->db, 0, 1, &anonymous);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "changes")),
                    ==, 1);
  g_assert_cmpint (json_object_get_int_member (first, "last_seq"), ==, last);
  g_assert_false (json_object_get_boolean_member (first, "more"));

  second = pull (fixture->db, public_seq, 10, &anonymous);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (second, "changes")),
                    ==, 0);
  g_assert_cmpint (json_object_get_int_member (second, "last_seq"), ==, last);
  g_assert_false (json_object_get_boolean_member (second, "more"));

  /* A cursor ahead of the server stays where it is. */
  ahead = pull (fixture->db, last + 100, 10, &anonymous);
  g_assert_cmpint (json_object_get_int_member (ahead, "last_seq"), ==, last + 100);
}

static void
test_changes_anonymous_never_sees_internal (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autoptr(JsonObject) changes = NULL;
  JsonArray *array;

  put (fixture->db, "case", "internal", "{\"secret\":true}", 1, FALSE, DK_ROLE_STAFF, NULL);
  put (fixture->db, "case", "public", "{\"secret\":false}", 1, TRUE, DK_ROLE_STAFF, NULL);
  put (fixture->db, "report", "r1", "{}", 1, FALSE, DK_ROLE_SERVICEDESK, "anna");
  put (fixture->db, "subscription", "s1", "{}", 1, FALSE, 0, "anna");

  changes = pull (fixture->db, 0, 100, &anonymous);
  array = json_object_get_array_member (changes, "changes");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_nonnull (find_change (changes, "public"));
  g_assert_null (find_change (changes, "internal"));
  g_clear_pointer (&changes, json_object_unref);

  /* A NULL viewer is anonymous too. */
  changes = pull (fixture->db, 0, 100, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (changes, "changes")),
                    ==, 1);
}

static void
test_changes_anonymous_unpublished_is_tombstone (Fixture       *fixture,
                                                 gconstpointer  data)
{
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) republished = NULL;
  g_autoptr(JsonObject) staff_view = NULL;
  DkViewer staff = { "anna", DK_ROLE_STAFF };
  JsonObject *change;
  gint64 cursor, seq;

  put (fixture->db, "case", "x", "{\"title\":\"Network down\"}", 1, TRUE, DK_ROLE_STAFF, NULL);
  before = pull (fixture->db, 0, 100, &anonymous);
  cursor = json_object_get_int_member (before, "last_seq");
  g_assert_false (json_object_get_boolean_member (find_change (before, "x"), "deleted"));

  seq = put (fixture->db, "case", "x", "{\"title\":\"Internal notes\"}", 2, FALSE,
             DK_ROLE_STAFF, NULL);
  after = pull (fixture->db, cursor, 100, &anonymous);
  change = find_change (after, "x");
  g_assert_nonnull (change);
  g_assert_cmpint (json_object_get_int_member (change, "seq"), ==, seq);
  g_assert_true (json_object_get_boolean_member (change, "deleted"));
  g_assert_true (json_object_get_null_member (change, "data"));
  {
    g_autofree char *text = json_to_string (json_object_get_member (after, "changes"), FALSE);

    g_assert_null (strstr (text, "Internal"));
  }

  /* Still internal after another edit: still a data-less tombstone for anonymous. */
  put (fixture->db, "case", "x", "{\"title\":\"Internal 2\"}", 3, FALSE, DK_ROLE_STAFF, NULL);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = dk_server_db_changes_json (fixture->db, 0, 100, &anonymous,
                                                         &error);
    g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

    g_assert_no_error (error);
    g_assert_null (strstr (text, "Internal"));
    g_assert_nonnull (strstr (text, "\"deleted\":true"));
  }

  /* Staff still see it with its data. */
  staff_view = pull (fixture->db, 0, 100, &staff);
  change = find_change (staff_view, "x");
  g_assert_false (json_object_get_boolean_member (change, "deleted"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "data"),
                                                  "title"), ==, "Internal 2");

  /* Published again: anonymous get the data back. */
  put (fixture->db, "case", "x", "{\"title\":\"Back\"}", 4, TRUE, DK_ROLE_STAFF, NULL);
  republished = pull (fixture->db, 0, 100, &anonymous);
  change = find_change (republished, "x");
  g_assert_false (json_object_get_boolean_member (change, "deleted"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "data"),
                                                  "title"), ==, "Back");
}

static void
test_changes_anonymous_never_public_stays_hidden (Fixture       *fixture,
                                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) changes = NULL;

  put (fixture->db, "case", "x", "{}", 1, FALSE, DK_ROLE_STAFF, NULL);
  put (fixture->db, "case", "x", "{}", 2, FALSE, DK_ROLE_STAFF, NULL);
  dk_server_db_put_object (fixture->db, "case", "x", NULL, 3, TRUE, NULL, &error);
  g_assert_no_error (error);

  changes = pull (fixture->db, 0, 100, &anonymous);
  g_assert_null (find_change (changes, "x"));
}

static void
test_changes_logged_in_visibility (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(JsonObject) anna = NULL;
  g_autoptr(JsonObject) bert = NULL;
  g_autoptr(JsonObject) desk = NULL;
  DkViewer anna_viewer = { "anna", DK_ROLE_STAFF };
  DkViewer bert_viewer = { "bert", DK_ROLE_STAFF };
  DkViewer desk_viewer = { "cilla", DK_ROLE_STAFF | DK_ROLE_SERVICEDESK };

  put (fixture->db, "case", "internal", "{}", 1, FALSE, DK_ROLE_STAFF, NULL);
  put (fixture->db, "subscription", "sub-anna", "{}", 1, FALSE, 0, "anna");
  put (fixture->db, "report", "rep-anna", "{}", 1, FALSE, DK_ROLE_SERVICEDESK, "anna");
  put (fixture->db, "routine", "draft", "{}", 1, FALSE, DK_ROLE_ROUTINE_OWNER, NULL);
  put (fixture->db, "service", "tes", "{}", 1, TRUE, 0, NULL);

  anna = pull (fixture->db, 0, 100, &anna_viewer);
  g_assert_nonnull (find_change (anna, "internal"));
  g_assert_nonnull (find_change (anna, "sub-anna"));
  g_assert_nonnull (find_change (anna, "rep-anna"));
  g_assert_null (find_change (anna, "draft"));
  g_assert_nonnull (find_change (anna, "tes"));

  bert = pull (fixture->db, 0, 100, &bert_viewer);
  g_assert_nonnull (find_change (bert, "internal"));
  g_assert_null (find_change (bert, "sub-anna"));
  g_assert_null (find_change (bert, "rep-anna"));
  g_assert_null (find_change (bert, "draft"));
  g_assert_nonnull (find_change (bert, "tes"));
  g_assert_cmpint (json_object_get_int_member (bert, "last_seq"), ==,
                   dk_server_db_last_seq (fixture->db));

  desk = pull (fixture->db, 0, 100, &desk_viewer);
  g_assert_nonnull (find_change (desk, "internal"));
  g_assert_null (find_change (desk, "sub-anna"));
  g_assert_nonnull (find_change (desk, "rep-anna"));
  g_assert_null (find_change (desk, "draft"));
}

static void
test_changes_json_escaping (Fixture       *fixture,
                            gconstpointer  data)
{
  static const char * const ids[] = {
    "quote\"d",
    "back\\slash",
    "new\nline\ttab\x01" "ctl",
    "r\xc3\xa4ksm\xc3\xb6rg\xc3\xa5s \xe2\x9c\x93 \xf0\x9f\x9a\x91",
    "sep\xe2\x80\xa8line",
    "</script>",
  };
  g_autoptr(JsonObject) changes = NULL;
  JsonArray *array;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    put (fixture->db, "case", ids[i], "{\"t\":\"\\\"x\\\"\"}", 1, TRUE, DK_ROLE_STAFF, NULL);
  put (fixture->db, "odd\"type", "plain", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);

  changes = pull (fixture->db, 0, 100, &anonymous);
  array = json_object_get_array_member (changes, "changes");
  g_assert_cmpuint (json_array_get_length (array), ==, G_N_ELEMENTS (ids) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      JsonObject *change = json_array_get_object_element (array, i);

      g_assert_cmpstr (json_object_get_string_member (change, "id"), ==, ids[i]);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change,
                                                                                     "data"),
                                                      "t"), ==, "\"x\"");
    }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array,
                                                                                 G_N_ELEMENTS (ids)),
                                                  "type"), ==, "odd\"type");
}

static void
test_changes_many_pages_are_complete (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  DkViewer staff = { "anna", DK_ROLE_STAFF };
  const guint n = 20000;
  guint pages = 0;
  gint64 since = 0;
  guint total = 0;
  gboolean more = TRUE;

  dk_server_db_begin (fixture->db, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("%08x-0000-4000-8000-%012u", i, i);
      g_autofree char *json = g_strdup_printf ("{\"id\":\"%s\",\"number\":\"DK-%u\","
                                               "\"title\":\"Case %u\",\"description\":"
                                               "\"Something is not working as it should\"}",
                                               id, 1001 + i, i);

      put (fixture->db, "case", id, json, 1, i % 3 == 0, DK_ROLE_STAFF, NULL);
    }
  dk_server_db_commit (fixture->db, &error);
  g_assert_no_error (error);

  while (more)
    {
      g_autoptr(GBytes) bytes = dk_server_db_changes_json (fixture->db, since, 1000, &staff,
                                                           &error);
      g_autoptr(JsonObject) changes = NULL;

      g_assert_no_error (error);
      changes = parse_changes (bytes);
      total += json_array_get_length (json_object_get_array_member (changes, "changes"));
      since = json_object_get_int_member (changes, "last_seq");
      more = json_object_get_boolean_member (changes, "more");
      pages++;
    }
  g_assert_cmpuint (total, ==, n);
  g_assert_cmpuint (pages, ==, n / 1000);
}

/* ---- transactions ---- */

static void
test_transactions_inner_rollback_keeps_outer (Fixture       *fixture,
                                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStoredObject) kept = NULL;
  g_autoptr(DkStoredObject) dropped = NULL;
  g_autoptr(DkStoredObject) inner_kept = NULL;

  g_assert_true (dk_server_db_begin (fixture->db, &error));
  put (fixture->db, "case", "outer", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);

  g_assert_true (dk_server_db_begin (fixture->db, &error));
  put (fixture->db, "case", "inner-dropped", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  g_assert_true (dk_server_db_begin (fixture->db, &error));
  put (fixture->db, "case", "innermost", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  g_assert_true (dk_server_db_commit (fixture->db, &error));
  dk_server_db_rollback (fixture->db);

  g_assert_true (dk_server_db_begin (fixture->db, &error));
  put (fixture->db, "case", "inner-kept", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  g_assert_true (dk_server_db_commit (fixture->db, &error));

  g_assert_true (dk_server_db_commit (fixture->db, &error));
  g_assert_no_error (error);

  /* Reopen: what is committed is on disk. */
  g_clear_object (&fixture->db);
  fixture->db = dk_server_db_open (fixture->path, &error);
  g_assert_no_error (error);

  kept = dk_server_db_get_object (fixture->db, "case", "outer", &error);
  g_assert_nonnull (kept);
  inner_kept = dk_server_db_get_object (fixture->db, "case", "inner-kept", &error);
  g_assert_nonnull (inner_kept);
  dropped = dk_server_db_get_object (fixture->db, "case", "inner-dropped", &error);
  g_assert_null (dropped);
  g_assert_null (dk_server_db_get_object (fixture->db, "case", "innermost", &error));
  g_assert_no_error (error);
}

static void
test_transactions_outer_rollback_drops_all (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 seq_before, seq_after;

  seq_before = put (fixture->db, "case", "before", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);

  g_assert_true (dk_server_db_begin (fixture->db, &error));
  put (fixture->db, "case", "a", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  g_assert_true (dk_server_db_begin (fixture->db, &error));
  put (fixture->db, "case", "b", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  g_assert_true (dk_server_db_commit (fixture->db, &error));
  dk_server_db_rollback (fixture->db);

  g_assert_null (dk_server_db_get_object (fixture->db, "case", "a", &error));
  g_assert_null (dk_server_db_get_object (fixture->db, "case", "b", &error));
  g_assert_cmpint (dk_server_db_last_seq (fixture->db), ==, seq_before);

  /* The connection is usable again, outside any transaction. */
  seq_after = put (fixture->db, "case", "after", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  g_assert_cmpint (seq_after, >, seq_before);
  g_assert_no_error (error);
}

/* ---- counters ---- */

static void
test_counters_next_number (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (dk_server_db_next_number (fixture->db, "case", &error), ==, 1001);
  g_assert_cmpint (dk_server_db_next_number (fixture->db, "case", &error), ==, 1002);
  g_assert_cmpint (dk_server_db_next_number (fixture->db, "report", &error), ==, 1001);
  g_assert_cmpint (dk_server_db_next_number (fixture->db, "case", &error), ==, 1003);
  g_assert_no_error (error);

  /* A number taken in a rolled-back transaction is given again. */
  g_assert_true (dk_server_db_begin (fixture->db, &error));
  g_assert_cmpint (dk_server_db_next_number (fixture->db, "case", &error), ==, 1004);
  dk_server_db_rollback (fixture->db);
  g_assert_cmpint (dk_server_db_next_number (fixture->db, "case", &error), ==, 1004);

  g_clear_object (&fixture->db);
  fixture->db = dk_server_db_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dk_server_db_next_number (fixture->db, "case", &error), ==, 1005);
  g_assert_no_error (error);
}

/* ---- routine revisions ---- */

static void
test_routines_revisions (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *second = NULL;
  g_autofree char *missing = NULL;

  g_assert_cmpint (dk_server_db_latest_routine_revision (fixture->db, "r"), ==, 0);
  g_assert_true (dk_server_db_put_routine_revision (fixture->db, "r", 2, "{\"rev\":2}", &error));
  g_assert_true (dk_server_db_put_routine_revision (fixture->db, "r", 1, "{\"rev\":1}", &error));
  g_assert_true (dk_server_db_put_routine_revision (fixture->db, "other", 9, "{}", &error));
  g_assert_no_error (error);

  g_assert_cmpint (dk_server_db_latest_routine_revision (fixture->db, "r"), ==, 2);
  second = dk_server_db_get_routine_revision (fixture->db, "r", 2, &error);
  g_assert_cmpstr (second, ==, "{\"rev\":2}");
  missing = dk_server_db_get_routine_revision (fixture->db, "r", 3, &error);
  g_assert_null (missing);
  g_assert_no_error (error);

  all = dk_server_db_list_routine_revisions (fixture->db, "r", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 2);
  g_assert_cmpstr (all->pdata[0], ==, "{\"rev\":1}");
  g_assert_cmpstr (all->pdata[1], ==, "{\"rev\":2}");
}

/* ---- users ---- */

static void
test_users_crud (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStoredUser) user = NULL;
  g_autoptr(DkStoredUser) changed = NULL;
  g_autoptr(GPtrArray) users = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_true (dk_server_db_add_user (fixture->db, "bert", "hash-b", DK_ROLE_STAFF, &error));
  g_assert_true (dk_server_db_add_user (fixture->db, "anna", "hash-a",
                                        DK_ROLE_STAFF | DK_ROLE_ADMIN, &error));
  g_assert_no_error (error);

  g_assert_false (dk_server_db_add_user (fixture->db, "anna", "other", DK_ROLE_STAFF, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_CONFLICT);
  g_clear_error (&error);

  user = dk_server_db_get_user (fixture->db, "anna", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user->username, ==, "anna");
  g_assert_cmpstr (user->password_hash, ==, "hash-a");
  g_assert_cmpint (user->roles, ==, DK_ROLE_STAFF | DK_ROLE_ADMIN);
  g_assert_false (user->disabled);
  g_assert_cmpint (ABS (user->created_at - now), <=, 5);

  g_assert_true (dk_server_db_set_password (fixture->db, "anna", "hash-a2", &error));
  g_assert_true (dk_server_db_set_disabled (fixture->db, "anna", TRUE, &error));
  g_assert_true (dk_server_db_set_roles (fixture->db, "anna", DK_ROLE_STAFF, &error));
  g_assert_no_error (error);
  changed = dk_server_db_get_user (fixture->db, "anna", &error);
  g_assert_cmpstr (changed->password_hash, ==, "hash-a2");
  g_assert_true (changed->disabled);
  g_assert_cmpint (changed->roles, ==, DK_ROLE_STAFF);

  g_assert_false (dk_server_db_set_password (fixture->db, "nobody", "x", &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (dk_server_db_set_disabled (fixture->db, "nobody", TRUE, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (dk_server_db_set_roles (fixture->db, "nobody", DK_ROLE_ADMIN, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (dk_server_db_get_user (fixture->db, "nobody", &error));
  g_assert_no_error (error);

  users = dk_server_db_list_users (fixture->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (users->len, ==, 2);
  g_assert_cmpstr (((DkStoredUser *) users->pdata[0])->username, ==, "anna");
  g_assert_cmpstr (((DkStoredUser *) users->pdata[1])->username, ==, "bert");
}

/* ---- sessions ---- */

static void
test_sessions_expire_and_revoke (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *live = NULL;
  g_autofree char *expired = NULL;
  g_autofree char *revoked = NULL;
  g_autofree char *other = NULL;
  g_autofree char *after_all = NULL;
  g_autofree char *disabled = NULL;
  gint64 expires = 0;

  dk_server_db_add_user (fixture->db, "anna", "h", DK_ROLE_STAFF, &error);
  dk_server_db_add_user (fixture->db, "bert", "h", DK_ROLE_STAFF, &error);
  g_assert_no_error (error);

  g_assert_true (dk_server_db_add_session (fixture->db, "t1", "anna", 2000, &error));
  g_assert_true (dk_server_db_add_session (fixture->db, "t2", "anna", 2000, &error));
  g_assert_true (dk_server_db_add_session (fixture->db, "t3", "bert", 2000, &error));
  g_assert_no_error (error);

  g_assert_false (dk_server_db_add_session (fixture->db, "t4", "nobody", 2000, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_NOT_FOUND);
  g_clear_error (&error);

  live = dk_server_db_lookup_session (fixture->db, "t1", 1999, &expires);
  g_assert_cmpstr (live, ==, "anna");
  g_assert_cmpint (expires, ==, 2000);
  expired = dk_server_db_lookup_session (fixture->db, "t1", 2000, NULL);
  g_assert_null (expired);
  g_assert_null (dk_server_db_lookup_session (fixture->db, "unknown", 0, NULL));

  g_assert_true (dk_server_db_delete_session (fixture->db, "t1", &error));
  revoked = dk_server_db_lookup_session (fixture->db, "t1", 0, NULL);
  g_assert_null (revoked);
  other = dk_server_db_lookup_session (fixture->db, "t2", 0, NULL);
  g_assert_cmpstr (other, ==, "anna");

  g_assert_true (dk_server_db_delete_user_sessions (fixture->db, "anna", &error));
  g_assert_no_error (error);
  after_all = dk_server_db_lookup_session (fixture->db, "t2", 0, NULL);
  g_assert_null (after_all);

  /* A disabled user's sessions are dead even before they are revoked. */
  dk_server_db_set_disabled (fixture->db, "bert", TRUE, &error);
  g_assert_no_error (error);
  disabled = dk_server_db_lookup_session (fixture->db, "t3", 0, NULL);
  g_assert_null (disabled);
}

/* ---- mutations ---- */

static void
test_mutations_keyed_by_id_and_user (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *anna = NULL;
  g_autofree char *bert = NULL;
  g_autofree char *anon = NULL;
  g_autofree char *again = NULL;
  g_autofree char *bert_own = NULL;

  g_assert_null (dk_server_db_get_mutation_result (fixture->db, "m1", "anna"));
  g_assert_true (dk_server_db_put_mutation_result (fixture->db, "m1", "anna",
                                                   "{\"status\":\"applied\"}", &error));
  g_assert_true (dk_server_db_put_mutation_result (fixture->db, "m2", NULL,
                                                   "{\"status\":\"rejected\"}", &error));
  g_assert_no_error (error);

  anna = dk_server_db_get_mutation_result (fixture->db, "m1", "anna");
  g_assert_cmpstr (anna, ==, "{\"status\":\"applied\"}");
  bert = dk_server_db_get_mutation_result (fixture->db, "m1", "bert");
  g_assert_null (bert);
  g_assert_null (dk_server_db_get_mutation_result (fixture->db, "m1", NULL));
  anon = dk_server_db_get_mutation_result (fixture->db, "m2", NULL);
  g_assert_cmpstr (anon, ==, "{\"status\":\"rejected\"}");
  g_assert_null (dk_server_db_get_mutation_result (fixture->db, "m2", "anna"));

  /* The first answer stays; another user's same id is their own. */
  g_assert_true (dk_server_db_put_mutation_result (fixture->db, "m1", "anna", "{}", &error));
  again = dk_server_db_get_mutation_result (fixture->db, "m1", "anna");
  g_assert_cmpstr (again, ==, "{\"status\":\"applied\"}");
  g_assert_true (dk_server_db_put_mutation_result (fixture->db, "m1", "bert", "{\"b\":1}",
                                                   &error));
  g_assert_no_error (error);
  bert_own = dk_server_db_get_mutation_result (fixture->db, "m1", "bert");
  g_assert_cmpstr (bert_own, ==, "{\"b\":1}");
}

/* ---- audit ---- */

static void
test_audit_rows (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *row;

  g_assert_true (dk_server_db_audit (fixture->db, "anna", "login", NULL, "127.0.0.1", NULL,
                                     &error));
  g_assert_true (dk_server_db_audit (fixture->db, NULL, "login_failed", NULL, "::1",
                                     "user \"eve\"\n", &error));
  g_assert_true (dk_server_db_audit (fixture->db, "anna", "case.create", "c-1", NULL, NULL,
                                     &error));
  g_assert_no_error (error);

  rows = dk_server_db_list_audit (fixture->db, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);

  json_parser_load_from_data (parser, rows->pdata[0], -1, &error);
  g_assert_no_error (error);
  row = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (row, "action"), ==, "case.create");
  g_assert_cmpstr (json_object_get_string_member (row, "username"), ==, "anna");
  g_assert_cmpstr (json_object_get_string_member (row, "object"), ==, "c-1");
  g_assert_true (json_object_get_null_member (row, "address"));
  g_assert_true (json_object_get_null_member (row, "detail"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (row, "at"), "Z"));

  json_parser_load_from_data (parser, rows->pdata[1], -1, &error);
  g_assert_no_error (error);
  row = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (row, "action"), ==, "login_failed");
  g_assert_true (json_object_get_null_member (row, "username"));
  g_assert_cmpstr (json_object_get_string_member (row, "address"), ==, "::1");
  g_assert_cmpstr (json_object_get_string_member (row, "detail"), ==, "user \"eve\"\n");

  all = dk_server_db_list_audit (fixture->db, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3);
}


/* ---- changes after a snapshot's base ---- */

static JsonObject *
pull_base (DkServerDb     *db,
           gint64          since,
           gint64          base,
           guint           limit,
           const DkViewer *viewer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = dk_server_db_changes_json_base (db, since, base, limit, viewer,
                                                            &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  return parse_changes (bytes);
}

/* "seq:type:id:deleted:data" per change, so that lists compare whole. */
static void
append_changes (GPtrArray  *out,
                JsonObject *page)
{
  JsonArray *array = json_object_get_array_member (page, "changes");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *change = json_array_get_object_element (array, i);
      g_autofree char *data = json_to_string (json_object_get_member (change, "data"), FALSE);

      g_ptr_array_add (out, g_strdup_printf ("%" G_GINT64_FORMAT ":%s:%s:%d:%s",
                                             json_object_get_int_member (change, "seq"),
                                             json_object_get_string_member (change, "type"),
                                             json_object_get_string_member (change, "id"),
                                             json_object_get_boolean_member (change, "deleted"),
                                             data));
    }
}

static gint64
change_seq (const char *change)
{
  return g_ascii_strtoll (change, NULL, 10);
}

/* Pages as a replica installed from the snapshot at @base does: since starts at 0
 * (the install deletes the cursor), the cursor follows last_seq and never moves back,
 * and changes at or below a cursor > 0 are skipped (dk-store-apply.c). Checks on the
 * way that phase one never answers a last_seq above @base. */
static GPtrArray *
page_like_a_replica (DkServerDb     *db,
                     gint64          base,
                     guint           limit,
                     const DkViewer *viewer)
{
  GPtrArray *applied = g_ptr_array_new_with_free_func (g_free);
  gint64 cursor = 0;
  guint pages = 0;

  for (;;)
    {
      g_autoptr(JsonObject) page = pull_base (db, cursor, base, limit, viewer);
      g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
      gint64 last_seq = json_object_get_int_member (page, "last_seq");
      gboolean more = json_object_get_boolean_member (page, "more");

      append_changes (changes, page);
      g_assert_cmpuint (changes->len, <=, limit);
      for (guint i = 0; i < changes->len; i++)
        {
          gint64 seq = change_seq (changes->pdata[i]);

          /* Nothing the replica would skip: strictly after its cursor. */
          g_assert_cmpint (seq, >, cursor);
          g_assert_cmpint (seq, <=, last_seq);
          g_ptr_array_add (applied, g_strdup (changes->pdata[i]));
        }
      /* While private rows up to base are still coming, the cursor stays at or below
       * base: the last change of a full page is the cursor. */
      if (more && changes->len > 0 && change_seq (changes->pdata[changes->len - 1]) <= base)
        g_assert_cmpint (last_seq, <=, base);
      if (more)
        g_assert_cmpint (last_seq, >, cursor);

      cursor = MAX (cursor, last_seq);
      g_assert_cmpuint (++pages, <, 10000);
      if (!more)
        break;
    }

  g_assert_cmpint (cursor, ==, dk_server_db_last_seq (db));
  return applied;
}

/* What a snapshot of @viewer's class at @base holds: /changes of the class's viewer
 * from 0, up to @base. */
static GPtrArray *
class_rows_up_to (DkServerDb     *db,
                  gint64          base,
                  const DkViewer *viewer)
{
  static const DkViewer staff = { NULL, DK_ROLE_STAFF };
  const DkViewer *klass = viewer == NULL || viewer->roles == 0 ? NULL : &staff;
  g_autoptr(JsonObject) page = pull (db, 0, 1000000, klass);
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_free);

  append_changes (all, page);
  for (guint i = 0; i < all->len; i++)
    if (change_seq (all->pdata[i]) <= base)
      g_ptr_array_add (rows, g_strdup (all->pdata[i]));
  return rows;
}

static gint
compare_changes (gconstpointer a,
                 gconstpointer b)
{
  gint64 sa = change_seq (*(const char * const *) a);
  gint64 sb = change_seq (*(const char * const *) b);

  return sa < sb ? -1 : sa > sb;
}

/* The snapshot of the class at @base plus the pages after it equal paging from 0. */
static void
assert_base_equals_paging (DkServerDb     *db,
                           gint64          base,
                           guint           limit,
                           const DkViewer *viewer)
{
  g_autoptr(JsonObject) whole = pull (db, 0, 1000000, viewer);
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) got = class_rows_up_to (db, base, viewer);
  g_autoptr(GPtrArray) tail = page_like_a_replica (db, base, limit, viewer);

  append_changes (expected, whole);
  for (guint i = 0; i < tail->len; i++)
    g_ptr_array_add (got, g_strdup (tail->pdata[i]));
  g_ptr_array_sort (got, compare_changes);

  g_assert_cmpuint (got->len, ==, expected->len);
  for (guint i = 0; i < got->len; i++)
    g_assert_cmpstr (got->pdata[i], ==, expected->pdata[i]);
}

static void
put_private_rows (DkServerDb *db)
{
  /* 1 public case, 2 staff case, 3 anna's report (servicedesk reads), 4 anna's
   * subscription, 5 bob's subscription; base 5; then 6 anna's second report, 7 a staff
   * case, 8 bob's subscription again, 9 a public case, 10 a servicedesk template */
  put (db, "case", "p1", "{\"id\":\"p1\"}", 1, TRUE, DK_ROLE_STAFF, NULL);
  put (db, "case", "s1", "{\"id\":\"s1\"}", 1, FALSE, DK_ROLE_STAFF, NULL);
  put (db, "report", "r1", "{\"id\":\"r1\"}", 1, FALSE, DK_ROLE_SERVICEDESK, "anna");
  put (db, "subscription", "sub-anna", "{\"id\":\"sub-anna\"}", 1, FALSE, 0, "anna");
  put (db, "subscription", "sub-bob", "{\"id\":\"sub-bob\"}", 1, FALSE, 0, "bob");
  put (db, "report", "r2", "{\"id\":\"r2\"}", 1, FALSE, DK_ROLE_SERVICEDESK, "anna");
  put (db, "case", "s2", "{\"id\":\"s2\"}", 1, FALSE, DK_ROLE_STAFF, NULL);
  put (db, "subscription", "sub-bob", "{\"id\":\"sub-bob\",\"v\":2}", 2, FALSE, 0, "bob");
  put (db, "case", "p2", "{\"id\":\"p2\"}", 1, TRUE, DK_ROLE_STAFF, NULL);
  put (db, "template", "t1", "{\"id\":\"t1\"}", 1, FALSE, DK_ROLE_SERVICEDESK, "carl");
}

static void
assert_seqs (JsonObject *page,
             const char *expected)
{
  g_autoptr(GString) seqs = g_string_new (NULL);
  JsonArray *array = json_object_get_array_member (page, "changes");

  for (guint i = 0; i < json_array_get_length (array); i++)
    g_string_append_printf (seqs, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                            json_object_get_int_member (json_array_get_object_element (array, i),
                                                        "seq"));
  g_assert_cmpstr (seqs->str, ==, expected);
}

static void
test_changes_base_phases (Fixture       *fixture,
                          gconstpointer  data)
{
  const DkViewer anna = { "anna", DK_ROLE_STAFF };
  const DkViewer bob = { "bob", DK_ROLE_STAFF | DK_ROLE_SERVICEDESK };
  g_autoptr(JsonObject) page = NULL;

  put_private_rows (fixture->db);

  /* Phase one: anna's own up to 5 (her report by owner, her subscription), then every
   * row she sees after 5. */
  page = pull_base (fixture->db, 0, 5, 100, &anna);
  assert_seqs (page, "3,4,6,7,9");
  g_assert_cmpint (json_object_get_int_member (page, "last_seq"), ==, 10);
  g_assert_false (json_object_get_boolean_member (page, "more"));
  g_assert_cmpint (json_object_get_int_member (page, "newest_seq"), ==, 10);
  g_clear_pointer (&page, json_object_unref);

  /* bob reads reports and templates by role, and sees no one else's subscription. */
  page = pull_base (fixture->db, 0, 5, 100, &bob);
  assert_seqs (page, "3,6,7,8,9,10");   /* his subscription moved to 8 */
  g_clear_pointer (&page, json_object_unref);

  /* A cursor inside phase one goes on after it. */
  page = pull_base (fixture->db, 3, 5, 100, &anna);
  assert_seqs (page, "4,6,7,9");
  g_clear_pointer (&page, json_object_unref);

  /* A cursor past base: only phase two. */
  page = pull_base (fixture->db, 7, 5, 100, &anna);
  assert_seqs (page, "9");
  g_clear_pointer (&page, json_object_unref);

  /* Anonymous callers have nothing of their own: since = MAX (since, base). */
  page = pull_base (fixture->db, 0, 5, 100, &anonymous);
  assert_seqs (page, "9");
  g_assert_cmpint (json_object_get_int_member (page, "last_seq"), ==, 10);
  g_clear_pointer (&page, json_object_unref);
  page = pull_base (fixture->db, 0, 5, 100, NULL);
  assert_seqs (page, "9");
  g_clear_pointer (&page, json_object_unref);

  /* base 0 is /changes as it always was. */
  page = pull_base (fixture->db, 0, 0, 100, &anna);
  assert_seqs (page, "1,2,3,4,6,7,9");
  g_clear_pointer (&page, json_object_unref);

  /* A base beyond the newest seq (a server restored from a backup) sends the private
   * rows that exist and nothing after. */
  page = pull_base (fixture->db, 0, 50, 100, &anna);
  assert_seqs (page, "3,4,6");
  g_assert_cmpint (json_object_get_int_member (page, "last_seq"), ==, 10);
  g_clear_pointer (&page, json_object_unref);
}

static void
test_changes_base_paging (Fixture       *fixture,
                          gconstpointer  data)
{
  const DkViewer viewers[] = {
    { "anna", DK_ROLE_STAFF },
    { "bob", DK_ROLE_STAFF | DK_ROLE_SERVICEDESK },
    { "carl", DK_ROLE_STAFF },
    { NULL, 0 },
  };
  g_autoptr(JsonObject) page = NULL;

  put_private_rows (fixture->db);

  /* The page boundary falls exactly at the end of phase one, inside it, across it. */
  page = pull_base (fixture->db, 0, 5, 2, &viewers[0]);
  assert_seqs (page, "3,4");
  g_assert_cmpint (json_object_get_int_member (page, "last_seq"), ==, 4);
  g_assert_true (json_object_get_boolean_member (page, "more"));
  g_clear_pointer (&page, json_object_unref);
  page = pull_base (fixture->db, 4, 5, 2, &viewers[0]);
  assert_seqs (page, "6,7");
  g_assert_cmpint (json_object_get_int_member (page, "last_seq"), ==, 7);
  g_clear_pointer (&page, json_object_unref);
  page = pull_base (fixture->db, 0, 5, 1, &viewers[0]);
  assert_seqs (page, "3");
  g_assert_cmpint (json_object_get_int_member (page, "last_seq"), ==, 3);
  g_assert_true (json_object_get_boolean_member (page, "more"));
  g_clear_pointer (&page, json_object_unref);
  page = pull_base (fixture->db, 0, 5, 3, &viewers[0]);
  assert_seqs (page, "3,4,6");   /* one page across the boundary */
  g_assert_cmpint (json_object_get_int_member (page, "last_seq"), ==, 6);
  g_clear_pointer (&page, json_object_unref);

  /* Unpublished after the first pages: anonymous callers get tombstones for them;
   * one becomes anna's alone. */
  put (fixture->db, "case", "p1", "{\"id\":\"p1\",\"v\":2}", 2, FALSE, DK_ROLE_STAFF, NULL);
  put_case (fixture->db, "p4", TRUE);
  put (fixture->db, "case", "p2", "{\"id\":\"p2\",\"v\":2}", 2, FALSE, 0, "anna");

  for (guint v = 0; v < G_N_ELEMENTS (viewers); v++)
    for (gint64 base = 0; base <= 14; base++)
      for (guint limit = 1; limit <= 4; limit++)
        assert_base_equals_paging (fixture->db, base, limit, &viewers[v]);
}

static void
test_changes_base_demo_roles (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = NULL;
  gint64 newest;

  g_assert_true (dk_server_db_begin (fixture->db, &error));
  g_assert_true (dk_server_load_demo (fixture->db, g_get_real_time () / G_USEC_PER_SEC,
                                      &error));
  g_assert_no_error (error);
  g_assert_true (dk_server_db_commit (fixture->db, &error));
  users = dk_server_db_list_users (fixture->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (users->len, ==, 8);

  /* Rows of each kind after the demo, some moving an object past base. */
  put_private_rows (fixture->db);
  put (fixture->db, "subscription", "sub-servicedesk", "{\"id\":\"sub-servicedesk\"}", 1,
       FALSE, 0, "servicedesk");
  newest = dk_server_db_last_seq (fixture->db);

  for (guint u = 0; u <= users->len; u++)
    {
      const DkStoredUser *user = u < users->len ? users->pdata[u] : NULL;
      DkViewer viewer = { user != NULL ? user->username : NULL,
                          user != NULL ? user->roles : 0 };
      gint64 bases[] = { 1, newest / 3, newest / 2, newest - 5, newest };

      g_test_message ("viewer %s", viewer.username != NULL ? viewer.username : "anonymous");
      for (guint b = 0; b < G_N_ELEMENTS (bases); b++)
        {
          assert_base_equals_paging (fixture->db, bases[b], 7, &viewer);
          assert_base_equals_paging (fixture->db, bases[b], 500, &viewer);
        }
    }
}

static void
test_changes_base_needs_staff (Fixture       *fixture,
                               gconstpointer  data)
{
  const DkViewer outsider = { "olle", DK_ROLE_SERVICEDESK };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  put_private_rows (fixture->db);
  bytes = dk_server_db_changes_json_base (fixture->db, 0, 5, 100, &outsider, &error);
  g_assert_null (bytes);
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
}

/* The private rows are found through their own index, not by reading the table. */
static void
test_changes_base_uses_private_index (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GString) plan = g_string_new (NULL);
  sqlite3 *raw = NULL;
  sqlite3_stmt *stmt = NULL;

  put_private_rows (fixture->db);
  g_assert_cmpint (sqlite3_open (fixture->path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw,
                   "EXPLAIN QUERY PLAN"
                   " SELECT seq,type,id,deleted,public,was_public,data,public_data FROM objects"
                   " WHERE public = 0 AND (readers & 1) = 0 AND seq > ?1 AND seq <= ?2"
                   " AND ((readers & ?4) != 0 OR owner = ?5) ORDER BY seq LIMIT ?3",
                   -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  sqlite3_close (raw);

  g_test_message ("%s", plan->str);
  g_assert_nonnull (strstr (plan->str, "objects_private_seq"));
}

/* ---- snapshots ---- */

static void
test_snapshot_stale_rule (void)
{
  /* none yet: as soon as there is anything, whatever the interval */
  g_assert_false (dk_server_snapshot_is_stale (FALSE, 0, 0, 0, 300));
  g_assert_true (dk_server_snapshot_is_stale (FALSE, 1, 0, 0, 300));
  /* 5 % */
  g_assert_false (dk_server_snapshot_is_stale (TRUE, 1000, 49, 400, 300));
  g_assert_true (dk_server_snapshot_is_stale (TRUE, 1000, 50, 400, 300));
  g_assert_true (dk_server_snapshot_is_stale (TRUE, 1000, 1000, 400, 300));
  /* never sooner than the interval, however much changed */
  g_assert_false (dk_server_snapshot_is_stale (TRUE, 1000, 500, 299, 300));
  g_assert_true (dk_server_snapshot_is_stale (TRUE, 1000, 500, 300, 300));
  g_assert_true (dk_server_snapshot_is_stale (TRUE, 1000, 500, 0, 0));
  /* an hour, when anything changed */
  g_assert_false (dk_server_snapshot_is_stale (TRUE, 1000, 1, 3599, 300));
  g_assert_true (dk_server_snapshot_is_stale (TRUE, 1000, 1, 3600, 300));
  g_assert_false (dk_server_snapshot_is_stale (TRUE, 1000, 0, 100000, 300));
  /* an interval beyond the hour wins */
  g_assert_false (dk_server_snapshot_is_stale (TRUE, 1000, 1, 3600, 7200));
}

static JsonObject *
read_manifest (const char *dir,
               const char *klass)
{
  g_autofree char *name = g_strconcat (klass, ".json", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static char *
manifest_file (const char *dir,
               JsonObject *manifest,
               const char *suffix)
{
  g_autofree char *name = g_strconcat (json_object_get_string_member (manifest, "file"),
                                       suffix, NULL);

  return g_build_filename (dir, name, NULL);
}

static gint64
sqlite_int (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
contains_bytes (const char *data,
                gsize       length,
                const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

typedef struct {
  char    *path;
  gint     stop;
  guint    written;
} Writer;

/* Commits public and internal cases one by one on a connection of its own. */
static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DkServerDb) db = dk_server_db_open (writer->path, &error);

  g_assert_no_error (error);
  while (!g_atomic_int_get (&writer->stop))
    {
      g_autofree char *id = g_strdup_printf ("%s-%u", writer->written % 2 ? "internal" : "open",
                                             writer->written);
      g_autofree char *json = g_strdup_printf ("{\"id\":\"%s\",\"title\":\"%s\"}", id, id);
      DkVisibility visibility = { writer->written % 2 == 0, DK_ROLE_STAFF, NULL, NULL };

      g_assert_cmpint (dk_server_db_put_object (db, "case", id, json, 1, FALSE, &visibility,
                                                &error), >, 0);
      g_assert_no_error (error);
      writer->written++;
    }
  return NULL;
}

/* Both classes of one build come from one moment, while a writer commits. */
static void
test_snapshot_one_seq_for_both (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (fixture->dir, "snapshots", NULL);
  g_autoptr(JsonObject) anonymous_manifest = NULL;
  g_autoptr(JsonObject) staff_manifest = NULL;
  g_autofree char *anonymous_db = NULL;
  g_autofree char *staff_db = NULL;
  g_autofree char *contents = NULL;
  Writer writer = { fixture->path, 0, 0 };
  gboolean built;
  GThread *thread;
  sqlite3 *raw = NULL;
  gint64 seq;
  gsize length;

  put (fixture->db, "case", "first", "{\"id\":\"first\"}", 1, TRUE, DK_ROLE_STAFF, NULL);
  thread = g_thread_new ("writer", writer_thread, &writer);
  while (g_atomic_int_get (&writer.written) < 20)
    g_usleep (1000);
  built = dk_server_snapshot_build (fixture->path, dir, &error);
  g_assert_no_error (error);
  g_assert_true (built);
  g_atomic_int_set (&writer.stop, 1);
  g_thread_join (thread);
  g_test_message ("%u cases written during the build", writer.written);

  anonymous_manifest = read_manifest (dir, DK_SNAPSHOT_CLASS_ANONYMOUS);
  staff_manifest = read_manifest (dir, DK_SNAPSHOT_CLASS_STAFF);
  seq = json_object_get_int_member (staff_manifest, "seq");
  g_assert_cmpint (json_object_get_int_member (anonymous_manifest, "seq"), ==, seq);
  g_assert_cmpint (seq, >=, 21);

  /* The staff file has every case up to seq, and nothing after; the anonymous one the
   * public ones only. */
  staff_db = manifest_file (dir, staff_manifest, ".db");
  g_assert_cmpint (sqlite3_open_v2 (staff_db, &raw, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite_int (raw, "SELECT count(*) FROM cases"), ==, seq);
  g_assert_cmpint (sqlite_int (raw, "SELECT max(seq) FROM cases"), ==, seq);
  g_assert_cmpint (sqlite_int (raw, "SELECT value FROM meta WHERE key = 'snapshot-seq'"), ==, seq);
  sqlite3_close (raw);

  anonymous_db = manifest_file (dir, anonymous_manifest, ".db");
  g_assert_cmpint (sqlite3_open_v2 (anonymous_db, &raw, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite_int (raw, "SELECT count(*) FROM cases WHERE id LIKE 'internal-%'"),
                   ==, 0);
  g_assert_cmpint (sqlite_int (raw, "SELECT count(*) FROM cases"), ==, 1 + seq / 2);
  g_assert_cmpint (sqlite_int (raw, "SELECT value FROM meta WHERE key = 'snapshot-seq'"), ==, seq);
  sqlite3_close (raw);

  /* Not in its bytes either (free pages, the search index). */
  g_file_get_contents (anonymous_db, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_false (contains_bytes (contents, length, "internal-"));
  g_assert_true (contains_bytes (contents, length, "open-0"));
}

static void
put_case (DkServerDb *db,
          const char *id,
          gboolean    public)
{
  g_autofree char *json = g_strdup_printf ("{\"id\":\"%s\",\"title\":\"%s\"}", id, id);

  put (db, "case", id, json, 1, public, DK_ROLE_STAFF, NULL);
}

static void
build_snapshots (const char *db_path,
                 const char *dir)
{
  g_autoptr(GError) error = NULL;
  gboolean built = dk_server_snapshot_build (db_path, dir, &error);

  g_assert_no_error (error);
  g_assert_true (built);
}

typedef struct {
  const char *db_path;
  const char *dir;
  gint        done;
} Build;

static gpointer
build_thread (gpointer data)
{
  Build *build = data;

  build_snapshots (build->db_path, build->dir);
  g_atomic_int_set (&build->done, 1);
  return NULL;
}

/* The command waits for a build in progress (serve's) instead of failing; a missing
 * database is said as such. */
static void
test_snapshot_command_waits (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (fixture->dir, "snapshots", NULL);
  g_autofree char *lock = g_build_filename (dir, ".lock", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.db", NULL);
  g_autoptr(GError) error = NULL;
  Build build = { fixture->path, dir, 0 };
  GThread *thread;
  int fd;

  put_case (fixture->db, "c1", TRUE);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  fd = g_open (lock, O_RDWR | O_CREAT, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);

  thread = g_thread_new ("build", build_thread, &build);
  g_usleep (300 * 1000);
  g_assert_false (g_atomic_int_get (&build.done));
  close (fd);   /* the other build ends */
  g_thread_join (thread);
  g_assert_true (g_atomic_int_get (&build.done));

  g_assert_false (dk_server_snapshot_build (missing, dir, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

/* A database restored from a backup is behind its snapshots: they are rebuilt at once,
 * whatever the interval. */
static void
test_snapshot_restored_database (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (fixture->dir, "snapshots", NULL);
  g_autofree char *restored = g_build_filename (fixture->dir, "restored.db", NULL);
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(DkServerSnapshots) snapshots = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *id = g_strdup_printf ("c%u", i);

      put_case (fixture->db, id, TRUE);
    }
  build_snapshots (fixture->path, dir);

  db = dk_server_db_open (restored, &error);
  g_assert_no_error (error);
  put_case (db, "c0", TRUE);
  put_case (db, "c1", TRUE);

  g_setenv ("DRIFTKOLL_SNAPSHOT_MIN_INTERVAL", "3600", TRUE);
  g_setenv ("DRIFTKOLL_SNAPSHOT_CHECK_SECONDS", "1", TRUE);
  snapshots = dk_server_snapshots_new (restored, dir, &error);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(DkServerSnapshotFile) file =
        dk_server_snapshots_get (snapshots, DK_SERVER_SNAPSHOT_STAFF, NULL, NULL);

      g_assert_nonnull (file);
      if (file->seq == 2)
        break;
      g_assert_cmpint (file->seq, ==, 10);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);   /* the check timer */
      g_usleep (10000);
    }
  g_clear_object (&snapshots);
  g_unsetenv ("DRIFTKOLL_SNAPSHOT_MIN_INTERVAL");
  g_unsetenv ("DRIFTKOLL_SNAPSHOT_CHECK_SECONDS");
}

/* A generation built by the command beside a running server is served within a check. */
static void
test_snapshot_other_process_build (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (fixture->dir, "snapshots", NULL);
  g_autoptr(DkServerSnapshots) snapshots = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;

  put_case (fixture->db, "c1", TRUE);
  build_snapshots (fixture->path, dir);

  g_setenv ("DRIFTKOLL_SNAPSHOT_MIN_INTERVAL", "3600", TRUE);
  g_setenv ("DRIFTKOLL_SNAPSHOT_CHECK_SECONDS", "1", TRUE);
  snapshots = dk_server_snapshots_new (fixture->path, dir, &error);
  g_assert_no_error (error);

  put_case (fixture->db, "c2", TRUE);
  build_snapshots (fixture->path, dir);   /* "driftkoll-server snapshot" */

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(DkServerSnapshotFile) file =
        dk_server_snapshots_get (snapshots, DK_SERVER_SNAPSHOT_ANONYMOUS, NULL, NULL);

      if (file->seq == 2)
        break;
      g_assert_cmpint (file->seq, ==, 1);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }

  g_clear_object (&snapshots);
  g_unsetenv ("DRIFTKOLL_SNAPSHOT_MIN_INTERVAL");
  g_unsetenv ("DRIFTKOLL_SNAPSHOT_CHECK_SECONDS");
}

static gboolean
bytes_start_with (GBytes     *bytes,
                  const char *prefix,
                  gsize       length)
{
  return g_bytes_get_size (bytes) >= length &&
         memcmp (g_bytes_get_data (bytes, NULL), prefix, length) == 0;
}

/* The served set: the newest of each class, the one before for an If-Range that names
 * it, both representations; a rebuild in the background by the rule. */
static void
test_snapshot_serve_and_rebuild (Fixture       *fixture,
                                 gconstpointer  data)
{
  static const guchar zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (fixture->dir, "snapshots", NULL);
  g_autoptr(DkServerSnapshots) snapshots = NULL;
  g_autoptr(DkServerSnapshotFile) old = NULL;
  g_autoptr(DkServerSnapshotFile) current = NULL;
  g_autoptr(DkServerSnapshotFile) resumed = NULL;
  g_autoptr(DkServerSnapshotFile) plain = NULL;
  g_autoptr(DkServerSnapshotFile) unknown = NULL;
  g_autoptr(DkServerSnapshotFile) rebuilt = NULL;
  gint64 deadline;

  g_setenv ("DRIFTKOLL_SNAPSHOT_MIN_INTERVAL", "0", TRUE);
  g_setenv ("DRIFTKOLL_SNAPSHOT_CHECK_SECONDS", "1", TRUE);

  /* None yet, nothing in the database: nothing to serve, nothing built. */
  snapshots = dk_server_snapshots_new (fixture->path, dir, &error);
  g_assert_no_error (error);
  g_assert_null (dk_server_snapshots_get (snapshots, DK_SERVER_SNAPSHOT_STAFF, NULL, NULL));
  g_clear_object (&snapshots);

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *id = g_strdup_printf ("c%u", i);

      put_case (fixture->db, id, i % 2 == 0);
    }
  build_snapshots (fixture->path, dir);
  put_case (fixture->db, "c40", TRUE);
  build_snapshots (fixture->path, dir);

  snapshots = dk_server_snapshots_new (fixture->path, dir, &error);
  g_assert_no_error (error);
  current = dk_server_snapshots_get (snapshots, DK_SERVER_SNAPSHOT_STAFF,
                                     DK_SNAPSHOT_TYPE_ZSTD, NULL);
  g_assert_nonnull (current);
  g_assert_cmpint (current->seq, ==, 41);
  g_assert_cmpint (current->klass, ==, DK_SERVER_SNAPSHOT_STAFF);
  g_assert_cmpint (current->rows, ==, 41);
  g_assert_cmpstr (current->content_type, ==, DK_SNAPSHOT_TYPE_ZSTD);
  g_assert_true (bytes_start_with (current->bytes, (const char *) zstd_magic, 4));
  g_assert_true (g_str_has_prefix (current->etag, "\"staff-41-"));
  g_assert_true (g_str_has_suffix (current->etag, "\""));

  plain = dk_server_snapshots_get (snapshots, DK_SERVER_SNAPSHOT_STAFF,
                                   DK_SNAPSHOT_TYPE_SQLITE, NULL);
  g_assert_true (bytes_start_with (plain->bytes, "SQLite format 3", 16));
  g_assert_cmpuint (g_bytes_get_size (plain->bytes), ==, plain->size);
  g_assert_cmpuint (plain->size, ==, current->size);
  g_assert_cmpstr (plain->etag, !=, current->etag);

  /* The generation before, by its ETag (the anonymous one at seq 40). */
  {
    g_autoptr(DkServerSnapshotFile) anonymous_now =
      dk_server_snapshots_get (snapshots, DK_SERVER_SNAPSHOT_ANONYMOUS, NULL, NULL);
    g_autofree char *old_etag = NULL;
    g_autofree char *prefix = NULL;
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *entry;
    guint n_files = 0;

    g_assert_cmpint (anonymous_now->rows, ==, 21);
    g_assert_true (g_str_has_prefix (anonymous_now->etag, "\"anonymous-41-3-zst-"));
    while ((entry = g_dir_read_name (listing)) != NULL)
      n_files += g_str_has_prefix (entry, "staff-");
    g_assert_cmpuint (n_files, ==, 4);   /* two generations, .db and .db.zst */

    /* Names the previous one: what a client resuming would send. */
    g_clear_object (&snapshots);
    put_case (fixture->db, "c41", TRUE);
    build_snapshots (fixture->path, dir);
    snapshots = dk_server_snapshots_new (fixture->path, dir, &error);
    g_assert_no_error (error);
    old_etag = g_strdup (current->etag);
    resumed = dk_server_snapshots_get (snapshots, DK_SERVER_SNAPSHOT_STAFF,
                                       DK_SNAPSHOT_TYPE_ZSTD, old_etag);
    g_assert_nonnull (resumed);
    g_assert_cmpint (resumed->seq, ==, 41);
    g_assert_cmpstr (resumed->etag, ==, old_etag);
    /* The one before that is gone from the folder; the mapping in hand still reads. */
    g_assert_cmpint (g_bytes_get_size (current->bytes), >, 0);
    unknown = dk_server_snapshots_get (snapshots, DK_SERVER_SNAPSHOT_STAFF,
                                       DK_SNAPSHOT_TYPE_ZSTD, "\"staff-1-3-zst-00000000\"");
    g_assert_cmpint (unknown->seq, ==, 42);
    prefix = g_strdup ("\"staff-42-");
    g_assert_true (g_str_has_prefix (unknown->etag, prefix));
    /* An anonymous ETag never picks a staff file. */
    old = dk_server_snapshots_get (snapshots, DK_SERVER_SNAPSHOT_STAFF,
                                   DK_SNAPSHOT_TYPE_ZSTD, anonymous_now->etag);
    g_assert_cmpint (old->klass, ==, DK_SERVER_SNAPSHOT_STAFF);
    g_assert_cmpint (old->seq, ==, 42);
  }

  /* Enough commits: note_seq starts the builder, which swaps in the new one. */
  for (guint i = 100; i < 110; i++)
    {
      g_autofree char *id = g_strdup_printf ("c%u", i);

      put_case (fixture->db, id, TRUE);
    }
  dk_server_snapshots_note_seq (snapshots, dk_server_db_last_seq (fixture->db));
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  for (;;)
    {
      rebuilt = dk_server_snapshots_get (snapshots, DK_SERVER_SNAPSHOT_ANONYMOUS, NULL, NULL);
      if (rebuilt->seq == 52)
        break;
      g_clear_pointer (&rebuilt, dk_server_snapshot_file_unref);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }

  /* Disposing while a build may run joins it. */
  put_case (fixture->db, "c200", TRUE);
  dk_server_snapshots_note_seq (snapshots, dk_server_db_last_seq (fixture->db));
  g_clear_object (&snapshots);

  g_unsetenv ("DRIFTKOLL_SNAPSHOT_MIN_INTERVAL");
  g_unsetenv ("DRIFTKOLL_SNAPSHOT_CHECK_SECONDS");
}

/* ---- PostgreSQL only ---- */

static void
test_pg_newer_schema_is_refused (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkServerDb) db = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *count = NULL;

  put (fixture->db, "service", "tes", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  g_clear_object (&fixture->db);
  sql = g_strdup_printf ("UPDATE meta SET value = %d WHERE key = 'schema_version'",
                         DK_SERVER_DB_SCHEMA_VERSION + 1);
  g_free (dk_test_pg_psql (test_pg, fixture->path, sql));

  db = dk_server_db_open (fixture->path, &error);
  g_assert_null (db);
  g_assert_error (error, DK_ERROR, DK_ERROR_STORAGE);
  g_assert_nonnull (strstr (error->message, "was written by a newer driftkoll-server"));
  count = dk_test_pg_psql (test_pg, fixture->path, "SELECT count(*) FROM objects");
  g_assert_cmpstr (count, ==, "1");
}

static void
test_pg_other_program_is_refused (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkServerDb) db = NULL;
  g_autofree char *url = dk_test_pg_new_database (test_pg);
  g_autofree char *tables = NULL;

  g_free (dk_test_pg_psql (test_pg, url, "CREATE TABLE invoices (id int)"));
  db = dk_server_db_open (url, &error);
  g_assert_null (db);
  g_assert_error (error, DK_ERROR, DK_ERROR_STORAGE);
  g_assert_nonnull (strstr (error->message, "not a driftkoll-server database"));
  tables = dk_test_pg_psql (test_pg, url,
                            "SELECT string_agg (table_name, ',') FROM information_schema.tables"
                            " WHERE table_schema = 'public'");
  g_assert_cmpstr (tables, ==, "invoices");
}

typedef struct {
  const char *url;
  gint        go;
  gboolean    opened;
} Opener;

static gpointer
opener_thread (gpointer data)
{
  Opener *opener = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DkServerDb) db = NULL;

  while (!g_atomic_int_get (&opener->go))
    g_thread_yield ();
  db = dk_server_db_open (opener->url, &error);
  g_assert_no_error (error);
  opener->opened = db != NULL;
  return NULL;
}

/* Instances starting together on an empty database: one makes the tables, the others
 * wait for it and find them. */
static void
test_pg_concurrent_first_opens (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *url = dk_test_pg_new_database (test_pg);
  g_autofree char *meta = NULL;
  Opener openers[6];
  GThread *threads[G_N_ELEMENTS (openers)];

  for (guint i = 0; i < G_N_ELEMENTS (openers); i++)
    {
      openers[i] = (Opener) { url, 0, FALSE };
      threads[i] = g_thread_new ("open", opener_thread, &openers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (openers); i++)
    g_atomic_int_set (&openers[i].go, 1);
  for (guint i = 0; i < G_N_ELEMENTS (openers); i++)
    {
      g_thread_join (threads[i]);
      g_assert_true (openers[i].opened);
    }
  meta = dk_test_pg_psql (test_pg, url, "SELECT string_agg (key || '=' || value, ',' ORDER BY key)"
                                        " FROM meta");
  g_assert_cmpstr (meta, ==, "schema_version=4,seq=0");
}

/* Wrong places are clear errors that never show a password. */
static void
test_pg_bad_locations (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *locations[] = {
    "postgresql://anna:hemligt@127.0.0.1:1/driftkoll?connect_timeout=5",
    "host=127.0.0.1 port=1 dbname=driftkoll user=anna password=hemligt connect_timeout=5",
    "postgresql://anna:hemligt@127.0.0.1:1/driftkoll?nonsense=1",
  };
  g_autofree char *missing = g_strdup (fixture->path);
  char *name = strstr (missing, ":///");

  for (guint i = 0; i < G_N_ELEMENTS (locations); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DkServerDb) db = dk_server_db_open (locations[i], &error);

      g_assert_null (db);
      g_assert_error (error, DK_ERROR, DK_ERROR_STORAGE);
      g_test_message ("%s", error->message);
      g_assert_null (strstr (error->message, "hemligt"));
    }

  /* A database that is not there. */
  g_assert_nonnull (name);
  memcpy (name + 4, "zz", 2);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DkServerDb) db = dk_server_db_open (missing, &error);

    g_assert_null (db);
    g_assert_error (error, DK_ERROR, DK_ERROR_STORAGE);
    g_assert_nonnull (strstr (error->message, "does not exist"));
  }

  g_assert_true (_dk_server_db_location_is_pg ("postgres://h/db"));
  g_assert_true (_dk_server_db_location_is_pg ("host=/run/pg dbname=driftkoll"));
  g_assert_true (_dk_server_db_location_is_pg ("dbname = driftkoll"));
  g_assert_false (_dk_server_db_location_is_pg ("/srv/driftkoll/server.db"));
  g_assert_false (_dk_server_db_location_is_pg ("odd=name.db"));
  g_assert_true (dk_server_db_is_postgresql (fixture->db));
  g_assert_null (strstr (dk_server_db_get_location (fixture->db), "postgresql://"));
}

/* A transaction that took a seq tells the listeners at its commit, with the newest seq;
 * one rolled back says nothing and gives its numbers back. */
static void
test_pg_notify_at_commit (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  PGconn *listener = PQconnectdb (fixture->path);
  PGnotify *notify;
  gint64 seq;

  g_assert_cmpint (PQstatus (listener), ==, CONNECTION_OK);
  PQclear (PQexec (listener, "LISTEN " DK_SERVER_DB_PG_CHANNEL));

  g_assert_true (dk_server_db_begin (fixture->db, &error));
  put (fixture->db, "case", "a", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  g_assert_true (dk_server_db_begin (fixture->db, &error));
  put (fixture->db, "case", "b", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  dk_server_db_rollback (fixture->db);
  seq = put (fixture->db, "case", "c", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  g_assert_cmpint (seq, ==, 2);   /* b's number given back */
  PQconsumeInput (listener);
  g_assert_null (PQnotifies (listener));
  g_assert_true (dk_server_db_commit (fixture->db, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 500 && (notify = PQnotifies (listener)) == NULL; i++)
    {
      g_usleep (10000);
      PQconsumeInput (listener);
    }
  g_assert_nonnull (notify);
  g_assert_cmpstr (notify->relname, ==, DK_SERVER_DB_PG_CHANNEL);
  g_assert_cmpstr (notify->extra, ==, "2");
  PQfreemem (notify);

  /* Rolled back: no word. */
  g_assert_true (dk_server_db_begin (fixture->db, &error));
  put (fixture->db, "case", "d", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);
  dk_server_db_rollback (fixture->db);
  g_usleep (100000);
  PQconsumeInput (listener);
  g_assert_null (PQnotifies (listener));
  g_assert_cmpint (dk_server_db_last_seq (fixture->db), ==, 2);
  PQfinish (listener);
}

/* A transaction that touches objects holds the seq's lock until it ends: another
 * connection's writer waits for it, at most lock_timeout, then hears the database is
 * busy; a transaction of accounts only (the audit) does not wait at all. */
static void
test_pg_writers_take_turns (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkServerDb) other = dk_server_db_open (fixture->path, &error);
  g_autoptr(PGresult) set = NULL;
  DkVisibility visibility = { TRUE, DK_ROLE_STAFF, NULL, NULL };
  gint64 started;

  g_assert_no_error (error);
  set = PQexec (_dk_server_db_pg_get_conn (other), "SET lock_timeout = '300ms'");
  g_assert_cmpint (PQresultStatus (set), ==, PGRES_COMMAND_OK);

  g_assert_true (dk_server_db_begin (fixture->db, &error));
  put (fixture->db, "case", "a", "{}", 1, TRUE, DK_ROLE_STAFF, NULL);

  started = g_get_monotonic_time ();
  g_assert_true (dk_server_db_begin (other, &error));
  g_assert_true (dk_server_db_audit (other, "anna", "login", NULL, "127.0.0.1", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (dk_server_db_commit (other, &error));
  g_assert_cmpint (g_get_monotonic_time () - started, <, 250000);

  g_assert_cmpint (dk_server_db_put_object (other, "case", "b", "{}", 1, FALSE, &visibility,
                                            &error), ==, 0);
  g_assert_error (error, DK_ERROR, DK_ERROR_STORAGE);
  g_assert_nonnull (strstr (error->message, "busy"));
  g_clear_error (&error);

  g_assert_true (dk_server_db_commit (fixture->db, &error));
  g_assert_cmpint (dk_server_db_put_object (other, "case", "b", "{}", 1, FALSE, &visibility,
                                            &error), ==, 2);
  g_assert_no_error (error);
}

static void
test_pg_missing (void)
{
  g_test_skip (dk_test_pg_missing_reason ());
}

int
main (int   argc,
      char *argv[])
{
  gboolean on_pg = g_strcmp0 (g_getenv ("DRIFTKOLL_TEST_DB"), "postgresql") == 0;

  g_test_init (&argc, &argv, NULL);

  if (on_pg)
    {
      test_pg = dk_test_pg_get ();
      if (test_pg == NULL)
        {
          g_test_add_func ("/server-db/postgresql-missing", test_pg_missing);
          return g_test_run ();
        }
    }

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
/* The cases about SQLite files only. */
#define ADD_SQLITE(path, func) \
  if (!on_pg) \
    ADD (path, func)

  ADD ("/server-db/open/create-and-reopen", test_open_create_reopen);
  ADD ("/server-db/open/users-make-it-non-empty", test_open_users_make_it_non_empty);
  ADD_SQLITE ("/server-db/open/newer-schema-is-refused-untouched", test_open_newer_schema_is_refused);
  ADD_SQLITE ("/server-db/open/garbage-is-refused-untouched", test_open_garbage_is_refused);
  ADD_SQLITE ("/server-db/open/missing-directory-fails", test_open_missing_directory_fails);
  ADD ("/server-db/objects/put-get-overwrite", test_objects_put_get_overwrite);
  ADD ("/server-db/objects/seq-is-never-reused", test_objects_seq_never_reused);
  ADD ("/server-db/objects/list-by-id-without-tombstones", test_objects_list);
  ADD ("/server-db/changes/empty", test_changes_empty);
  ADD ("/server-db/changes/tombstones", test_changes_tombstones);
  ADD ("/server-db/changes/tombstone-without-visibility-reaches-readers",
       test_changes_tombstone_keeps_visibility);
  ADD ("/server-db/changes/paging-without-gaps-or-duplicates", test_changes_paging);
  ADD ("/server-db/changes/cursor-moves-past-invisible",
       test_changes_cursor_moves_past_invisible);
  ADD ("/server-db/changes/anonymous/never-sees-internal",
       test_changes_anonymous_never_sees_internal);
  ADD ("/server-db/changes/anonymous/unpublished-becomes-data-less-tombstone",
       test_changes_anonymous_unpublished_is_tombstone);
  ADD ("/server-db/changes/anonymous/never-public-stays-hidden",
       test_changes_anonymous_never_public_stays_hidden);
  ADD ("/server-db/changes/logged-in/staff-owner-and-role-readers",
       test_changes_logged_in_visibility);
  ADD ("/server-db/changes/json/escapes-odd-ids", test_changes_json_escaping);
  ADD ("/server-db/changes/20000-cases-in-complete-pages", test_changes_many_pages_are_complete);
  ADD ("/server-db/transactions/inner-rollback-keeps-outer",
       test_transactions_inner_rollback_keeps_outer);
  ADD ("/server-db/transactions/outer-rollback-drops-all",
       test_transactions_outer_rollback_drops_all);
  ADD ("/server-db/counters/next-number", test_counters_next_number);
  ADD ("/server-db/routines/every-revision-kept", test_routines_revisions);
  ADD ("/server-db/users/crud-conflict-and-not-found", test_users_crud);
  ADD ("/server-db/sessions/expire-and-revoke", test_sessions_expire_and_revoke);
  ADD ("/server-db/mutations/keyed-by-id-and-user", test_mutations_keyed_by_id_and_user);
  ADD ("/server-db/audit/rows-newest-first", test_audit_rows);
  ADD ("/server-db/changes/base/private-then-tail", test_changes_base_phases);
  ADD ("/server-db/changes/base/paging-across-the-boundary", test_changes_base_paging);
  ADD ("/server-db/changes/base/every-demo-role-equals-paging-from-0",
       test_changes_base_demo_roles);
  ADD ("/server-db/changes/base/needs-the-staff-role", test_changes_base_needs_staff);
  ADD_SQLITE ("/server-db/changes/base/private-rows-by-their-index",
       test_changes_base_uses_private_index);
  g_test_add_func ("/server-db/snapshot/stale-rule", test_snapshot_stale_rule);
  if (on_pg)
    {
      ADD ("/server-db/pg/newer-schema-is-refused", test_pg_newer_schema_is_refused);
      ADD ("/server-db/pg/other-program-is-refused", test_pg_other_program_is_refused);
      ADD ("/server-db/pg/concurrent-first-opens", test_pg_concurrent_first_opens);
      ADD ("/server-db/pg/bad-locations-say-so-without-password", test_pg_bad_locations);
      ADD ("/server-db/pg/notify-at-commit-numbers-given-back", test_pg_notify_at_commit);
      ADD ("/server-db/pg/writers-take-turns-accounts-pass", test_pg_writers_take_turns);
    }
  ADD ("/server-db/snapshot/one-seq-for-both", test_snapshot_one_seq_for_both);
  ADD ("/server-db/snapshot/serve-previous-and-rebuild", test_snapshot_serve_and_rebuild);
  ADD ("/server-db/snapshot/command-waits-for-a-build", test_snapshot_command_waits);
  ADD ("/server-db/snapshot/restored-database-rebuilds", test_snapshot_restored_database);
  ADD ("/server-db/snapshot/serves-what-the-command-built", test_snapshot_other_process_build);

#undef ADD

  return g_test_run ();
}
