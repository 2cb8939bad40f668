/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-store-snapshot.c: a whole replica as a snapshot: written (the server's side),
 * checked and installed (a client's first sync), keeping what is local */

#define G_LOG_DOMAIN "test-store-snapshot"

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include <glib/gstdio.h>

#include "dk-local-changes.h"
#include "dk-store.h"
#include "dk-test-files.h"

#define NOW G_GINT64_CONSTANT (1790000000)  /* 2026-09-21 */
#define ME "anna"
#define CLASS "staff"

typedef struct {
  char    *dir;
  char    *path;       /* the client's replica */
  char    *server;     /* the replica the server fills, and writes the snapshot from */
  char    *snapshot;   /* the written snapshot */
  DkStore *store;      /* on @path */
  gint64   seq;
} Fixture;

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("test-store-snapshot-XXXXXX", &error);
  g_assert_no_error (error);
  fx->path = g_build_filename (fx->dir, "replica.db", NULL);
  fx->server = g_build_filename (fx->dir, "server.db", NULL);
  fx->snapshot = g_build_filename (fx->dir, "replica.db.snapshot.part", NULL);
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
  g_free (fx->snapshot);
  g_free (fx->server);
  g_free (fx->path);
  g_free (fx->dir);
}

/* ---- server data ---- */

static DkCase *
new_case (const char *title,
          const char *description)
{
  DkCase *kase = dk_case_new ();

  kase->id = g_uuid_string_random ();
  kase->kind = DK_CASE_KIND_INCIDENT;
  kase->area = DK_AREA_IT_TELEPHONY;
  kase->title = g_strdup (title);
  kase->description = g_strdup (description);
  kase->scope = g_strdup ("Berör samtliga vårdenheter");
  g_ptr_array_add (kase->services, g_strdup ("tes"));
  kase->status = DK_CASE_STATUS_ONGOING;
  kase->priority = 3;
  kase->start = NOW - 3600;
  kase->expected_end = DK_TIME_UNSET;
  kase->closed_at = DK_TIME_UNSET;
  kase->revision = 1;
  return kase;
}

static JsonNode *
change_node (gint64      seq,
             const char *type,
             const char *id,
             JsonNode   *data)  /* transfer full */
{
  JsonObject *change = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_int_member (change, "seq", seq);
  json_object_set_string_member (change, "type", type);
  json_object_set_string_member (change, "id", id);
  json_object_set_boolean_member (change, "deleted", FALSE);
  json_object_set_member (change, "data", data);
  json_node_take_object (node, change);
  return node;
}

static void
add_case_change (Fixture   *fx,
                 JsonArray *page,
                 DkCase    *kase)
{
  if (kase->number == NULL)
    kase->number = g_strdup_printf ("DK-%" G_GINT64_FORMAT, 1000 + fx->seq);
  json_array_add_element (page, change_node (++fx->seq, "case", kase->id,
                                             dk_case_to_json (kase)));
}

static void
add_service_change (Fixture    *fx,
                    JsonArray  *page,
                    const char *id,
                    const char *name)
{
  g_autoptr(DkService) service = dk_service_new ();

  service->id = g_strdup (id);
  service->name = g_strdup (name);
  service->revision = 1;
  json_array_add_element (page, change_node (++fx->seq, "service", id,
                                             dk_service_to_json (service)));
}

static void
apply (DkStore   *store,
       JsonArray *page,
       gint64     last_seq)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dk_store_apply_changes (store, page, last_seq, &error));
  g_assert_no_error (error);
}

/* The server's replica: the service tes and @n cases ("Snapshotfall N", "Avbrott i
 * TES"), each at its own seq; returned open. */
static DkStore *
fill_server (Fixture *fx,
             guint    n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStore) server = dk_store_open (fx->server, &error);
  g_autoptr(JsonArray) page = json_array_new ();

  g_assert_no_error (error);
  add_service_change (fx, page, "tes", "TES");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("Snapshotfall %u", i);
      g_autoptr(DkCase) kase = new_case (title, "Avbrott i TES för vårdenheterna");

      add_case_change (fx, page, kase);
    }
  apply (server, page, fx->seq);
  return g_steal_pointer (&server);
}

/* A snapshot of @n cases at fx->seq in fx->snapshot. */
static void
write_snapshot (Fixture *fx,
                guint    n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStore) server = fill_server (fx, n);

  g_assert_true (dk_store_write_snapshot (server, CLASS, fx->seq, fx->snapshot, &error));
  g_assert_no_error (error);
}

/* ---- raw looks at a file ---- */

static sqlite3 *
open_raw (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = open_raw (path);
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static char *
raw_text (const char *path,
          const char *sql)
{
  sqlite3 *db = open_raw (path);
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = open_raw (path);
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static guint
search_count (DkStore    *store,
              const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = dk_store_search_cases (store, text, 0, &error);

  g_assert_no_error (error);
  return found->len;
}

/* ---- writing ---- */

static void
test_write (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStore) server = fill_server (fx, 50);
  g_autoptr(DkStore) opened = NULL;
  g_autofree char *klass = NULL;
  g_autofree char *seq = NULL;
  g_autofree char *cursor = NULL;
  gint64 built;

  /* a replica the server used with session meta: none of it goes into the file */
  g_assert_true (dk_store_set_meta (server, "username", "server-user", NULL));
  g_assert_true (dk_store_set_meta (server, "token_storage", "file", NULL));

  g_assert_true (dk_store_write_snapshot (server, CLASS, fx->seq, fx->snapshot, &error));
  g_assert_no_error (error);

  /* the file: ours, compact, marked, without the session */
  g_assert_cmpint (raw_int (fx->snapshot, "PRAGMA application_id"), ==, 0x446b6f6c);
  g_assert_cmpint (raw_int (fx->snapshot, "PRAGMA user_version"), ==, DK_STORE_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (fx->snapshot, "PRAGMA freelist_count"), ==, 0);
  g_assert_cmpint (raw_int (fx->snapshot, "PRAGMA page_size"), ==, 16384);
  g_assert_cmpint (raw_int (fx->snapshot, "SELECT count(*) FROM cases"), ==, 50);
  g_assert_cmpint (raw_int (fx->snapshot, "SELECT count(*) FROM meta"), ==, 4);
  klass = raw_text (fx->snapshot, "SELECT value FROM meta WHERE key = 'snapshot-class'");
  seq = raw_text (fx->snapshot, "SELECT value FROM meta WHERE key = 'snapshot-seq'");
  cursor = raw_text (fx->snapshot, "SELECT value FROM meta WHERE key = 'cursor'");
  built = raw_int (fx->snapshot, "SELECT value FROM meta WHERE key = 'snapshot-built-at'");
  g_assert_cmpstr (klass, ==, CLASS);
  g_assert_cmpint (g_ascii_strtoll (seq, NULL, 10), ==, fx->seq);
  g_assert_cmpstr (cursor, ==, seq);
  g_assert_cmpint (ABS (built - g_get_real_time () / G_USEC_PER_SEC), <, 60);

  /* the server's replica is as it was, and still usable */
  {
    g_autofree char *username = dk_store_dup_meta (server, "username");
    g_autofree char *none = dk_store_dup_meta (server, DK_STORE_META_SNAPSHOT_SEQ);

    g_assert_cmpstr (username, ==, "server-user");
    g_assert_null (none);
    g_assert_cmpuint (search_count (server, "snapshotfall"), ==, 50);
  }

  /* the file is a replica as it is: it opens and searches */
  opened = dk_store_open (fx->snapshot, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (search_count (opened, "avbrott"), ==, 50);
  g_assert_cmpuint (search_count (opened, "tes"), ==, 50);
  g_assert_cmpint (dk_store_get_cursor (opened), ==, fx->seq);

  /* a second write never overwrites the first */
  g_assert_false (dk_store_write_snapshot (server, CLASS, fx->seq, fx->snapshot, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/store/snapshot/write", test_write);

  return g_test_run ();
}
