/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-store-snapshot.c: a whole replica as a snapshot: written (the server's side),
 * checked and installed (a client's first sync), keeping what is local
 *
 * Crash safety of an install (dk-store-snapshot.c has it step by step): everything the
 * install writes before the rename goes into the snapshot file, so a crash before it
 * leaves the replica as it was (install-stopped-before-rename shows the same state
 * after a failed rename, and that the file installs again without doubling the local
 * state); the rename itself is atomic, and the file behind the new name was complete
 * and synced before it; the copy into a file another process has open
 * (…-uses-backup) is one SQLite transaction, rolled back whole by a crash. After the
 * install the replica has no cursor and snapshot-base = S, and a page that takes the
 * cursor to S drops the base in its own transaction (install-keeps-meta), so a crash
 * during the pull that follows resumes where its last committed page left it.
 */

#define G_LOG_DOMAIN "test-store-snapshot"

#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include <unistd.h>

#include <glib/gstdio.h>

#include "dk-local-changes.h"
#include "dk-store.h"
#include "dk-test-changes.h"
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
  dk_test_add_service_change (&fx->seq, page, "tes", "TES");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("Snapshotfall %u", i);
      g_autoptr(DkCase) kase = new_case (title, "Avbrott i TES för vårdenheterna");

      dk_test_add_case_change (&fx->seq, page, kase);
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

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                   ==, SQLITE_OK);
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

/* ---- checking ---- */

static void
test_prepare (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DkStoreSnapshotInfo) info = { 0 };
  g_autofree char *wal = g_strconcat (fx->snapshot, "-wal", NULL);

  write_snapshot (fx, 20);
  g_assert_true (dk_store_prepare_snapshot (fx->snapshot, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.seq, ==, fx->seq);
  g_assert_cmpstr (info.klass, ==, CLASS);
  g_assert_cmpint (info.schema, ==, DK_STORE_SCHEMA_VERSION);
  g_assert_cmpint (ABS (info.built_at - g_get_real_time () / G_USEC_PER_SEC), <, 60);
  /* whole on its own, to be renamed */
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpint (raw_int (fx->snapshot, "SELECT count(*) FROM cases"), ==, 20);

  /* twice is fine */
  g_assert_true (dk_store_prepare_snapshot (fx->snapshot, NULL, &error));
  g_assert_no_error (error);
}

/* A snapshot of the version before (no reminders table) is migrated by prepare. */
static void
test_prepare_migrates_older (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(DkStoreSnapshotInfo) info = { 0 };

  write_snapshot (fx, 5);
  raw_exec (fx->snapshot, "DROP INDEX cases_planned; DROP TABLE reminders;"
                          " PRAGMA user_version = 2");
  g_assert_true (dk_store_prepare_snapshot (fx->snapshot, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.schema, ==, 2);
  g_assert_cmpint (raw_int (fx->snapshot, "PRAGMA user_version"), ==, DK_STORE_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (fx->snapshot, "SELECT count(*) FROM sqlite_schema"
                                          " WHERE name = 'reminders'"), ==, 1);
}

/* Refused with @code, and the file is not written to. */
static void
assert_refused (Fixture    *fx,
                gint        code,
                const char *words)
{
  g_autoptr(GError) error = NULL;
  g_auto(DkStoreSnapshotInfo) info = { 0 };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize n_before = 0, n_after = 0;

  g_assert_true (g_file_get_contents (fx->snapshot, &before, &n_before, NULL));
  g_assert_false (dk_store_prepare_snapshot (fx->snapshot, &info, &error));
  g_assert_error (error, DK_STORE_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, words));
  g_assert_null (info.klass);
  g_assert_true (g_file_get_contents (fx->snapshot, &after, &n_after, NULL));
  g_assert_cmpmem (before, n_before, after, n_after);
}

static void
test_refuses_quick_check (Fixture       *fx,
                          gconstpointer  data)
{
  gint64 root, page_size;
  g_autofree char *bytes = NULL;
  gsize length = 0;

  write_snapshot (fx, 50);
  root = raw_int (fx->snapshot, "SELECT rootpage FROM sqlite_schema WHERE name = 'cases'");
  page_size = raw_int (fx->snapshot, "PRAGMA page_size");

  /* bytes flipped in the header of the cases table's first page: its b-tree breaks */
  g_assert_true (g_file_get_contents (fx->snapshot, &bytes, &length, NULL));
  g_assert_cmpint ((root - 1) * page_size + 12, <, length);
  for (gint64 i = 0; i < 12; i++)
    bytes[(root - 1) * page_size + i] ^= 0x5a;
  g_assert_true (g_file_set_contents (fx->snapshot, bytes, length, NULL));

  assert_refused (fx, DK_STORE_ERROR_CORRUPT, "damaged");
}

static void
test_refuses_app_id (Fixture       *fx,
                     gconstpointer  data)
{
  write_snapshot (fx, 5);
  raw_exec (fx->snapshot, "PRAGMA application_id = 1234");
  assert_refused (fx, DK_STORE_ERROR_CORRUPT, "not a Driftkoll");
}

static void
test_refuses_too_new (Fixture       *fx,
                      gconstpointer  data)
{
  write_snapshot (fx, 5);
  raw_exec (fx->snapshot, "PRAGMA user_version = 99");
  assert_refused (fx, DK_STORE_ERROR_TOO_NEW, "newer version");
}

static void
test_refuses_session_keys (Fixture       *fx,
                           gconstpointer  data)
{
  write_snapshot (fx, 5);
  raw_exec (fx->snapshot, "INSERT INTO meta (key, value) VALUES ('token', 'secret')");
  assert_refused (fx, DK_STORE_ERROR_CORRUPT, "“token”");
}

static void
test_refuses_plain_replica (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr(DkStore) server = fill_server (fx, 5);

  g_clear_object (&server);
  g_assert_cmpint (g_rename (fx->server, fx->snapshot), ==, 0);
  assert_refused (fx, DK_STORE_ERROR_CORRUPT, "which snapshot");
}

/* ---- installing ---- */

/* A replica that synced part of what the snapshot has, with local state of every kind:
 * the scene of a resync (the server no longer takes its cursor). */
typedef struct {
  DkCase *edited;     /* in the snapshot; edited here, not yet answered */
  DkCase *waiting;    /* in the snapshot at revision 1; edited, answered as revision 2 */
  DkCase *caught_up;  /* edited, answered as revision 2, and the snapshot has 2 */
  DkCase *created;    /* made here, not yet answered */
  GPtrArray *outbox;  /* DkOutboxEntry *, as it was before the install */
  gint64 next_position;
} Scene;

static void
scene_clear (Scene *scene)
{
  g_clear_pointer (&scene->edited, dk_case_unref);
  g_clear_pointer (&scene->waiting, dk_case_unref);
  g_clear_pointer (&scene->caught_up, dk_case_unref);
  g_clear_pointer (&scene->created, dk_case_unref);
  g_clear_pointer (&scene->outbox, g_ptr_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Scene, scene_clear)

static void
edit_title (DkStore    *store,
            const char *id,
            const char *title)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();

  json_object_set_string_member (changes, "title", title);
  g_assert_true (dk_local_edit_case (store, id, changes, ME, NOW, &error));
  g_assert_no_error (error);
}

/* Answers the newest entry of @id as applied at @revision. */
static void
answer_applied (DkStore    *store,
                const char *id,
                gint64      revision)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = dk_store_outbox_list (store, &error);
  g_autoptr(JsonObject) result = json_object_new ();
  DkOutboxEntry *entry = NULL;

  for (guint i = 0; i < entries->len; i++)
    if (g_str_equal (((DkOutboxEntry *) entries->pdata[i])->object_id, id))
      entry = entries->pdata[i];
  g_assert_nonnull (entry);
  json_object_set_string_member (result, "id", entry->mutation_id);
  json_object_set_string_member (result, "status", "applied");
  json_object_set_int_member (result, "revision", revision);
  g_assert_true (dk_store_outbox_answer (store, result, &error));
  g_assert_no_error (error);
}

static void
set_up_scene (Fixture *fx,
              Scene   *scene)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStore) server = dk_store_open (fx->server, &error);
  g_autoptr(JsonArray) shared = json_array_new ();
  g_autoptr(JsonArray) later = json_array_new ();
  g_autoptr(DkCase) discarded = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  g_assert_no_error (error);

  /* what both have: the replica synced up to here */
  dk_test_add_service_change (&fx->seq, shared, "tes", "TES");
  scene->edited = new_case ("Avbrott i växeln", "x");
  scene->waiting = new_case ("Långsam inloggning", "x");
  scene->caught_up = new_case ("Skrivarfel", "x");
  dk_test_add_case_change (&fx->seq, shared, scene->edited);
  dk_test_add_case_change (&fx->seq, shared, scene->waiting);
  dk_test_add_case_change (&fx->seq, shared, scene->caught_up);
  apply (fx->store, shared, fx->seq);
  apply (server, shared, fx->seq);

  /* the local state */
  edit_title (fx->store, scene->edited->id, "Avbrott i växeln, lokalt ändrad");
  edit_title (fx->store, scene->waiting->id, "Långsam inloggning, väntar");
  answer_applied (fx->store, scene->waiting->id, 2);
  edit_title (fx->store, scene->caught_up->id, "Skrivarfel, ikapp");
  answer_applied (fx->store, scene->caught_up->id, 2);
  scene->created = new_case ("Nytt lokalt ärende", "Lokalt skapad");
  g_clear_pointer (&scene->created->id, g_free);
  scene->created->revision = 0;
  g_assert_true (dk_local_create_case (fx->store, scene->created, ME, NOW, &error));
  g_assert_no_error (error);
  /* an entry made and thrown away: its position is never given again */
  discarded = new_case ("Kastad", "x");
  g_clear_pointer (&discarded->id, g_free);
  discarded->revision = 0;
  g_assert_true (dk_local_create_case (fx->store, discarded, ME, NOW, &error));
  g_assert_no_error (error);
  entries = dk_store_outbox_list (fx->store, &error);
  scene->next_position = ((DkOutboxEntry *) entries->pdata[entries->len - 1])->position + 1;
  g_assert_true (dk_store_outbox_discard (fx->store,
                                          ((DkOutboxEntry *) entries->pdata[entries->len - 1])->mutation_id,
                                          &error));
  g_assert_no_error (error);
  scene->outbox = dk_store_outbox_list (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scene->outbox->len, ==, 2);

  g_assert_true (dk_store_set_meta (fx->store, "username", ME, NULL));
  g_assert_true (dk_store_set_meta (fx->store, "roles", "staff", NULL));
  g_assert_true (dk_store_set_meta (fx->store, "server_url", "http://127.0.0.1:1", NULL));
  g_assert_true (dk_store_set_meta (fx->store, "token_storage", "file", NULL));

  /* the server went on: the caught-up case at revision 2, and more cases */
  scene->caught_up->revision = 2;
  g_free (scene->caught_up->title);
  scene->caught_up->title = g_strdup ("Skrivarfel, ikapp");
  dk_test_add_case_change (&fx->seq, later, scene->caught_up);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *title = g_strdup_printf ("Snapshotfall %u", i);
      g_autoptr(DkCase) kase = new_case (title, "Avbrott i TES för vårdenheterna");

      dk_test_add_case_change (&fx->seq, later, kase);
    }
  apply (server, later, fx->seq);

  g_assert_true (dk_store_write_snapshot (server, CLASS, fx->seq, fx->snapshot, &error));
  g_assert_no_error (error);
  g_assert_true (dk_store_prepare_snapshot (fx->snapshot, NULL, &error));
  g_assert_no_error (error);
}

static void
install (Fixture *fx)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dk_store_install_snapshot (fx->store, fx->snapshot, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (fx->snapshot, G_FILE_TEST_EXISTS));
}

static guint64
inode_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_ino;
}

static void
test_install_keeps_outbox (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(Scene) scene = { 0 };
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(DkCase) another = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  guint64 inode;

  set_up_scene (fx, &scene);
  inode = inode_of (fx->path);
  install (fx);
  /* alone with the file: renamed over it */
  g_assert_cmpuint (inode_of (fx->path), !=, inode);

  outbox = dk_store_outbox_list (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, scene.outbox->len);
  for (guint i = 0; i < outbox->len; i++)
    {
      DkOutboxEntry *a = scene.outbox->pdata[i];
      DkOutboxEntry *b = outbox->pdata[i];

      g_assert_cmpint (a->position, ==, b->position);
      g_assert_cmpstr (a->mutation_id, ==, b->mutation_id);
      g_assert_cmpstr (a->op, ==, b->op);
      g_assert_cmpstr (a->object_id, ==, b->object_id);
      g_assert_cmpint (a->base_revision, ==, b->base_revision);
      g_assert_cmpstr (a->data, ==, b->data);
      g_assert_cmpint (a->state, ==, b->state);
      g_assert_cmpint (a->created_at, ==, b->created_at);
    }

  /* positions go on after the thrown-away one */
  another = new_case ("Efter installationen", "x");
  g_clear_pointer (&another->id, g_free);
  another->revision = 0;
  g_assert_true (dk_local_create_case (fx->store, another, ME, NOW, &error));
  g_assert_no_error (error);
  entries = dk_store_outbox_list (fx->store, &error);
  g_assert_cmpint (((DkOutboxEntry *) entries->pdata[entries->len - 1])->position, ==,
                   scene.next_position);
}

static void
test_install_keeps_local_versions (Fixture       *fx,
                                   gconstpointer  data)
{
  g_auto(Scene) scene = { 0 };
  g_autoptr(DkCase) edited = NULL;
  g_autoptr(DkCase) waiting = NULL;
  g_autoptr(DkCase) caught_up = NULL;
  g_autoptr(DkCase) created = NULL;
  g_autofree char *sql = NULL;

  set_up_scene (fx, &scene);
  install (fx);

  /* the server's cases are there, and found */
  g_assert_cmpuint (search_count (fx->store, "snapshotfall"), ==, 10);
  g_assert_cmpuint (search_count (fx->store, "tes"), ==, 14);

  /* a change not yet answered shows over the server's copy, and is what is found */
  edited = dk_store_get_case (fx->store, scene.edited->id, NULL);
  g_assert_cmpstr (edited->title, ==, "Avbrott i växeln, lokalt ändrad");
  g_assert_true (dk_store_is_pending (fx->store, "case", scene.edited->id));
  g_assert_cmpuint (search_count (fx->store, "lokalt andrad"), ==, 1);

  /* answered, waiting for the server's revision 2: still shows */
  waiting = dk_store_get_case (fx->store, scene.waiting->id, NULL);
  g_assert_cmpstr (waiting->title, ==, "Långsam inloggning, väntar");
  sql = g_strdup_printf ("SELECT local_until FROM cases WHERE id = '%s'", scene.waiting->id);
  g_assert_cmpint (raw_int (fx->path, sql), ==, 2);
  g_assert_cmpuint (search_count (fx->store, "vantar"), ==, 1);

  /* answered, and the snapshot has revision 2: the server's copy, no local version */
  caught_up = dk_store_get_case (fx->store, scene.caught_up->id, NULL);
  g_assert_cmpstr (caught_up->title, ==, "Skrivarfel, ikapp");
  g_assert_cmpint (caught_up->revision, ==, 2);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM cases WHERE id = '%s' AND local_data IS NULL",
                         scene.caught_up->id);
  g_assert_cmpint (raw_int (fx->path, sql), ==, 1);

  /* made here: there, without a number yet */
  created = dk_store_get_case (fx->store, scene.created->id, NULL);
  g_assert_nonnull (created);
  g_assert_cmpstr (created->title, ==, "Nytt lokalt ärende");
  g_assert_cmpuint (search_count (fx->store, "nytt lokalt"), ==, 1);
  g_assert_cmpuint (search_count (fx->store, "kastad"), ==, 0);

  /* the index is whole: FTS5's own check */
  raw_exec (fx->path, "INSERT INTO cases_fts (cases_fts, rank) VALUES ('integrity-check', 0)");
}

static void
test_install_keeps_meta (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(Scene) scene = { 0 };
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(DkCase) kase = NULL;
  g_autofree char *username = NULL;
  g_autofree char *roles = NULL;
  g_autofree char *server_url = NULL;
  g_autofree char *storage = NULL;
  g_autofree char *klass = NULL;
  gint64 seq;

  set_up_scene (fx, &scene);
  seq = fx->seq;
  install (fx);

  username = dk_store_dup_meta (fx->store, "username");
  roles = dk_store_dup_meta (fx->store, "roles");
  server_url = dk_store_dup_meta (fx->store, "server_url");
  storage = dk_store_dup_meta (fx->store, "token_storage");
  klass = dk_store_dup_meta (fx->store, DK_STORE_META_SNAPSHOT_CLASS);
  g_assert_cmpstr (username, ==, ME);
  g_assert_cmpstr (roles, ==, "staff");
  g_assert_cmpstr (server_url, ==, "http://127.0.0.1:1");
  g_assert_cmpstr (storage, ==, "file");
  g_assert_cmpstr (klass, ==, CLASS);

  /* no cursor: the pull starts from 0, with the snapshot's seq as base */
  g_assert_cmpint (dk_store_get_cursor (fx->store), ==, 0);
  g_assert_cmpint (dk_store_get_snapshot_base (fx->store), ==, seq);

  /* a page below the base (the user's own objects up to it) keeps it ... */
  kase = new_case ("Privat", "x");
  dk_test_add_case_change (&fx->seq, page, kase);
  apply (fx->store, page, seq - 3);
  g_assert_cmpint (dk_store_get_cursor (fx->store), ==, seq - 3);
  g_assert_cmpint (dk_store_get_snapshot_base (fx->store), ==, seq);

  /* ... one that reaches it drops it, in the same commit */
  g_clear_pointer (&page, json_array_unref);
  page = json_array_new ();
  apply (fx->store, page, seq + 1);
  g_assert_cmpint (dk_store_get_snapshot_base (fx->store), ==, 0);
  g_assert_null (dk_store_dup_meta (fx->store, DK_STORE_META_SNAPSHOT_BASE));

  /* a resync by paging forgets it too */
  g_assert_true (dk_store_set_meta (fx->store, DK_STORE_META_SNAPSHOT_BASE, "999", NULL));
  g_assert_true (dk_store_reset_server_data (fx->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dk_store_get_snapshot_base (fx->store), ==, 0);
}

static void
test_install_keeps_notifiers (Fixture       *fx,
                              gconstpointer  data)
{
  g_auto(Scene) scene = { 0 };
  g_autofree char *status = NULL;

  set_up_scene (fx, &scene);
  raw_exec (fx->path,
            "INSERT INTO notified (case_id, status, closed, notified_at, last_update)"
            "  VALUES ('c1', 'ongoing', 0, 10, 'u1');"
            "INSERT INTO run_notified (run_id, username, closed_at, told, notified_at)"
            "  VALUES ('r1', 'anna', 20, 1, 30);"
            "INSERT INTO reminders (case_id, start, expected_end, settled_until, told, done,"
            "  updated_at) VALUES ('c2', 100, 200, 150, 3, 0, 40);"
            "INSERT INTO meta (key, value) VALUES ('notify-cursor', '7');");
  install (fx);

  status = raw_text (fx->path, "SELECT status || last_update FROM notified WHERE case_id = 'c1'");
  g_assert_cmpstr (status, ==, "ongoingu1");
  g_assert_cmpint (raw_int (fx->path, "SELECT told FROM run_notified WHERE run_id = 'r1'"), ==, 1);
  g_assert_cmpint (raw_int (fx->path, "SELECT settled_until FROM reminders"
                                      " WHERE case_id = 'c2'"), ==, 150);
  g_assert_cmpint (raw_int (fx->path, "SELECT value FROM meta WHERE key = 'notify-cursor'"), ==, 7);
}

typedef struct {
  guint count;
  guint changes;
} Announced;

static void
revision_changed_cb (DkStore   *store,
                     guint      changes,
                     Announced *announced)
{
  announced->count++;
  announced->changes |= changes;
}

static void
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static guint
count_cases (DkStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = dk_store_list_cases (store, NULL, NOW, &error);

  g_assert_no_error (error);
  return cases->len;
}

/* Every store of the file in this process goes on with the new one, and is told. */
static void
test_install_reopens_in_process (Fixture       *fx,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(Scene) scene = { 0 };
  g_autoptr(DkStore) reader = dk_store_open (fx->path, &error);
  Announced told_store = { 0 }, told_reader = { 0 };

  g_assert_no_error (error);
  set_up_scene (fx, &scene);
  dk_store_watch_other_writers (reader);
  g_assert_cmpuint (count_cases (reader), ==, 4);  /* statements cached on the old file */
  drain_main_context ();
  g_signal_connect (fx->store, "revision-changed", G_CALLBACK (revision_changed_cb), &told_store);
  g_signal_connect (reader, "revision-changed", G_CALLBACK (revision_changed_cb), &told_reader);

  install (fx);
  drain_main_context ();

  g_assert_cmpuint (count_cases (reader), ==, 14);
  g_assert_cmpuint (search_count (reader, "snapshotfall"), ==, 10);
  g_assert_cmpuint (told_reader.count, ==, 1);
  g_assert_cmpuint (told_reader.changes, ==, DK_STORE_CHANGE_SERVER);
  g_assert_cmpuint (told_store.changes, ==, DK_STORE_CHANGE_SERVER);

  /* a write through one is seen and told by the other */
  told_reader.count = told_reader.changes = 0;
  edit_title (fx->store, scene.edited->id, "Ändrad efteråt");
  drain_main_context ();
  /* (the log's monitor may notice the same commit first: then OUTBOX comes along) */
  g_assert_cmpuint (told_reader.changes & DK_STORE_CHANGE_LOCAL, ==, DK_STORE_CHANGE_LOCAL);
  g_assert_cmpuint (search_count (reader, "efterat"), ==, 1);
}

/* Another connection that takes no lock (sqlite3 beside the app) has the file open: the
 * -wal it keeps says so, and the snapshot is copied into the file. */
static void
test_install_foreign_connection_uses_backup (Fixture       *fx,
                                             gconstpointer  data)
{
  g_auto(Scene) scene = { 0 };
  sqlite3 *other = NULL;
  sqlite3_stmt *stmt = NULL;
  guint64 inode;

  set_up_scene (fx, &scene);
  other = open_raw (fx->path);
  g_assert_cmpint (sqlite3_prepare_v2 (other, "SELECT count(*) FROM cases", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 4);
  sqlite3_reset (stmt);
  inode = inode_of (fx->path);

  install (fx);

  g_assert_cmpuint (inode_of (fx->path), ==, inode);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 14);
  sqlite3_finalize (stmt);
  sqlite3_close (other);
  g_assert_cmpuint (count_cases (fx->store), ==, 14);
  g_assert_true (dk_store_is_pending (fx->store, "case", scene.edited->id));
  g_assert_cmpuint (search_count (fx->store, "lokalt andrad"), ==, 1);
}

/* The install stops after the local state was copied into the snapshot and before the
 * rename (here the rename fails: the snapshot is on another file system), as after a
 * crash between those steps: the replica is as it was and usable, and the same
 * snapshot file installs later without the local state twice. */
static void
test_install_stopped_before_rename (Fixture       *fx,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(Scene) scene = { 0 };
  g_autofree char *elsewhere = NULL;
  g_autofree char *bytes = NULL;
  g_autoptr(DkStore) reader = NULL;
  gsize length = 0;
  gint64 cursor;
  GStatBuf a, b;

  if (g_stat ("/dev/shm", &b) != 0 || g_stat (fx->dir, &a) != 0 || a.st_dev == b.st_dev)
    {
      g_test_skip ("no second file system at /dev/shm");
      return;
    }

  set_up_scene (fx, &scene);
  reader = dk_store_open (fx->path, &error);
  g_assert_no_error (error);
  cursor = dk_store_get_cursor (fx->store);
  elsewhere = g_strdup_printf ("/dev/shm/test-store-snapshot-%d.db", (int) getpid ());
  g_assert_true (g_file_get_contents (fx->snapshot, &bytes, &length, NULL));
  g_assert_true (g_file_set_contents (elsewhere, bytes, length, NULL));
  g_remove (fx->snapshot);

  g_assert_false (dk_store_install_snapshot (fx->store, elsewhere, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_cmpuint (count_cases (fx->store), ==, 4);
  g_assert_cmpuint (count_cases (reader), ==, 4);
  g_assert_cmpint (dk_store_get_cursor (fx->store), ==, cursor);
  g_assert_cmpint (dk_store_get_snapshot_base (fx->store), ==, 0);
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 2);

  /* the same file, beside the replica now: installs, once */
  g_clear_pointer (&bytes, g_free);
  g_assert_true (g_file_get_contents (elsewhere, &bytes, &length, NULL));
  g_assert_true (g_file_set_contents (fx->snapshot, bytes, length, NULL));
  g_remove (elsewhere);
  install (fx);
  g_assert_cmpuint (count_cases (fx->store), ==, 14);
  g_assert_cmpuint (count_cases (reader), ==, 14);
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 2);
  g_assert_cmpint (dk_store_get_cursor (fx->store), ==, 0);
  g_assert_cmpint (dk_store_get_snapshot_base (fx->store), ==, fx->seq);
  g_assert_cmpuint (search_count (fx->store, "lokalt andrad"), ==, 1);
}

/* A replica made before 16 KiB pages, open in another connection: SQLite cannot copy
 * pages of another size into it, so the install says so and leaves it as it was; once
 * it is alone with the file, the rename installs. */
static void
test_install_other_page_size (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *other = NULL;

  g_clear_object (&fx->store);
  g_assert_cmpint (g_unlink (fx->path), ==, 0);
  raw_exec (fx->path, "PRAGMA page_size = 4096; CREATE TABLE x (y); DROP TABLE x");
  fx->store = dk_store_open (fx->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (fx->path, "PRAGMA page_size"), ==, 4096);
  g_assert_true (dk_store_set_meta (fx->store, "username", ME, NULL));
  write_snapshot (fx, 5);
  g_assert_true (dk_store_prepare_snapshot (fx->snapshot, NULL, &error));
  g_assert_no_error (error);

  other = open_raw (fx->path);
  g_assert_cmpint (sqlite3_exec (other, "SELECT count(*) FROM cases", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_false (dk_store_install_snapshot (fx->store, fx->snapshot, &error));
  g_assert_error (error, DK_STORE_ERROR, DK_STORE_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (count_cases (fx->store), ==, 0);
  sqlite3_close (other);

  install (fx);
  g_assert_cmpuint (count_cases (fx->store), ==, 5);
  g_assert_cmpint (raw_int (fx->path, "PRAGMA page_size"), ==, 16384);
  g_assert_cmpint (raw_int (fx->path, "SELECT count(*) FROM meta WHERE key = 'username'"), ==, 1);
}

/* ---- a second process ---- */

/* The child: the replica open through dk_store_open (so it holds the lock file) until
 * its stdin closes; each line asks it how many cases it lists. */
static int
hold_main (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkStore) store = dk_store_open (path, &error);
  char line[64];

  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf ("ready\n");
  fflush (stdout);
  while (fgets (line, sizeof line, stdin) != NULL)
    {
      g_autoptr(GPtrArray) cases = dk_store_list_cases (store, NULL, NOW, NULL);

      printf ("%u\n", cases != NULL ? cases->len : 0);
      fflush (stdout);
    }
  return 0;
}

static char *
ask_child (GSubprocess      *child,
           GDataInputStream *out,
           const char       *question)
{
  g_autoptr(GError) error = NULL;
  char *line;

  if (question != NULL)
    {
      GOutputStream *in = g_subprocess_get_stdin_pipe (child);

      g_assert_true (g_output_stream_write_all (in, question, strlen (question), NULL, NULL,
                                                &error));
      g_assert_no_error (error);
    }
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

static void
test_install_second_process_uses_backup (Fixture       *fx,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(Scene) scene = { 0 };
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint64 inode;

  set_up_scene (fx, &scene);
  g_assert_nonnull (self_exe);
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                            &error, self_exe, "--hold", fx->path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  ready = ask_child (child, out, NULL);
  g_assert_cmpstr (ready, ==, "ready");
  before = ask_child (child, out, "count\n");
  g_assert_cmpstr (before, ==, "4");
  inode = inode_of (fx->path);

  install (fx);

  /* copied into the same file, which the other process reads at once */
  g_assert_cmpuint (inode_of (fx->path), ==, inode);
  after = ask_child (child, out, "count\n");
  g_assert_cmpstr (after, ==, "14");
  g_assert_true (g_output_stream_close (g_subprocess_get_stdin_pipe (child), NULL, NULL));
  g_assert_true (g_subprocess_wait_check (child, NULL, &error));
  g_assert_no_error (error);

  /* and kept the local state the same way */
  g_assert_cmpuint (count_cases (fx->store), ==, 14);
  g_assert_true (dk_store_is_pending (fx->store, "case", scene.edited->id));
  g_assert_cmpuint (dk_store_outbox_count (fx->store, DK_OUTBOX_PENDING), ==, 2);
  g_assert_cmpint (dk_store_get_cursor (fx->store), ==, 0);
  g_assert_cmpint (dk_store_get_snapshot_base (fx->store), ==, fx->seq);
  raw_exec (fx->path, "INSERT INTO cases_fts (cases_fts, rank) VALUES ('integrity-check', 0)");
}

int
main (int    argc,
      char **argv)
{
  if (argc == 3 && g_str_equal (argv[1], "--hold"))
    return hold_main (argv[2]);

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/store/snapshot/write", test_write);
  ADD ("/store/snapshot/prepare", test_prepare);
  ADD ("/store/snapshot/prepare-migrates-older", test_prepare_migrates_older);
  ADD ("/store/snapshot/refuses/quick-check", test_refuses_quick_check);
  ADD ("/store/snapshot/refuses/app-id", test_refuses_app_id);
  ADD ("/store/snapshot/refuses/too-new", test_refuses_too_new);
  ADD ("/store/snapshot/refuses/session-keys", test_refuses_session_keys);
  ADD ("/store/snapshot/refuses/plain-replica", test_refuses_plain_replica);
  ADD ("/store/snapshot/install-keeps-outbox", test_install_keeps_outbox);
  ADD ("/store/snapshot/install-keeps-local-versions", test_install_keeps_local_versions);
  ADD ("/store/snapshot/install-keeps-meta", test_install_keeps_meta);
  ADD ("/store/snapshot/install-keeps-notifiers", test_install_keeps_notifiers);
  ADD ("/store/snapshot/install-reopens-in-process", test_install_reopens_in_process);
  ADD ("/store/snapshot/install-stopped-before-rename", test_install_stopped_before_rename);
  ADD ("/store/snapshot/install-other-page-size", test_install_other_page_size);
  ADD ("/store/snapshot/foreign-connection-uses-backup",
       test_install_foreign_connection_uses_backup);
  ADD ("/store/snapshot/second-process-uses-backup", test_install_second_process_uses_backup);

  return g_test_run ();
}
