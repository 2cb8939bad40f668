/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-backup.c: driftkoll-server backup and restore against a real server
 *
 * A server on 127.0.0.1 with a real SQLite file takes case.create batches over HTTP
 * while "backup" copies the file; the copy is restored into a fresh place, compared with
 * the backup row for row, checked for consistency (integrity, change numbers, no batch
 * half there) and against the final database (the backup is the database as it was at
 * its change number), and served again. Then the error paths. With
 * DRIFTKOLL_TEST_DB=postgresql the same round trip goes through pg_dump and pg_restore on
 * the test program's private cluster.
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "dk-test-pg.h"
#include "dk-test-server.h"

/* case.create mutations per POST: one transaction on the server. */
#define BATCH 10
/* The write loop's bound: at most this many batches (2000 cases). */
#define MAX_BATCHES 200
/* Batches sent before the backup starts and after it ended. */
#define BATCHES_BEFORE 20
#define BATCHES_AFTER 10
/* Generated cases imported first, so that the copy takes a while. */
#define IMPORTED_CASES 5000

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close)

/* ---- helpers ---- */

static const char *
server_binary (void)
{
  const char *path = g_getenv ("DRIFTKOLL_SERVER");

  g_assert_nonnull (path);
  return path;
}

static gboolean
wants_postgresql (void)
{
  return g_strcmp0 (g_getenv ("DRIFTKOLL_TEST_DB"), "postgresql") == 0;
}

/* One batch of case.create mutations (title "backup-BATCH-I"); the case ids and their
 * mutation ids are added to @cases (case id → mutation id). */
static char *
case_batch_json (guint       batch,
                 GHashTable *cases)
{
  g_autoptr(GString) json = g_string_new ("[");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *start = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

  for (guint i = 0; i < BATCH; i++)
    {
      char *mutation_id = g_uuid_string_random ();
      char *case_id = g_uuid_string_random ();

      g_string_append_printf (json,
                              "%s{\"id\":\"%s\",\"op\":\"case.create\",\"base_revision\":0,"
                              "\"data\":{\"id\":\"%s\",\"kind\":\"incident\","
                              "\"area\":\"it_telephony\",\"title\":\"backup-%u-%u\","
                              "\"description\":\"Under backup\",\"scope\":\"Alla\","
                              "\"services\":[\"cosmic\"],\"priority\":3,\"public\":false,"
                              "\"start\":\"%s\",\"expected_end\":null}}",
                              i > 0 ? "," : "", mutation_id, case_id, batch, i, start);
      g_hash_table_insert (cases, case_id, mutation_id);
    }
  g_string_append_c (json, ']');
  return g_string_free (g_steal_pointer (&json), FALSE);
}

static void
send_batch (DkTestServer *server,
            const char   *token,
            guint         batch,
            GHashTable   *cases)
{
  g_autofree char *json = case_batch_json (batch, cases);
  g_autoptr(JsonArray) results = dk_test_server_mutate (server, token, json);

  g_assert_cmpuint (json_array_get_length (results), ==, BATCH);
  for (guint i = 0; i < BATCH; i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);

      if (g_strcmp0 (json_object_get_string_member (result, "status"), "applied") != 0)
        {
          g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), result);
          g_autofree char *text = json_to_string (node, FALSE);

          g_error ("case.create not applied: %s", text);
        }
    }
}

static sqlite3 *
open_db (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static gint64
query_int64 (sqlite3    *db,
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

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

/* Every row of @sql, one line each, columns separated by tabs. */
static char *
dump_query (sqlite3    *db,
            const char *sql)
{
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, i);

          g_string_append_printf (out, "%s%s", i > 0 ? "\t" : "", text != NULL ? text : "NULL");
        }
      g_string_append_c (out, '\n');
    }
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Every user table, in name order, rows in primary key order: equal dumps are equal
 * databases. */
static char *
dump_database (const char *path)
{
  g_autoptr(sqlite3) db = open_db (path);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *names = dump_query (db, "SELECT name FROM sqlite_schema WHERE type = 'table'"
                                           " AND name NOT LIKE 'sqlite_%' ORDER BY name");
  g_auto(GStrv) tables = g_strsplit (names, "\n", -1);

  g_string_append_printf (out, "user_version %" G_GINT64_FORMAT "\n",
                          query_int64 (db, "PRAGMA user_version"));
  for (guint i = 0; tables[i] != NULL && tables[i][0] != '\0'; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY 1, 2", tables[i]);
      g_autofree char *rows = dump_query (db, sql);

      g_string_append_printf (out, "== %s\n%s", tables[i], rows);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* "... changes up to N, ..." of backup's line. */
static gint64
parse_changes (const char *line)
{
  const char *at = strstr (line, "changes up to ");

  g_assert_nonnull (at);
  return g_ascii_strtoll (at + strlen ("changes up to "), NULL, 10);
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (folder);
  while (g_dir_read_name (folder) != NULL)
    n++;
  return n;
}

static void
assert_no_temporary_left (const char *dir)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (folder);
  while ((name = g_dir_read_name (folder)) != NULL)
    if (strstr (name, ".tmp-") != NULL)
      g_error ("%s/%s was left behind", dir, name);
}

/* The consistency a copy must have: intact, the newest change number the one meta
 * keeps, every object's its own, and every case of this test there with the answer to
 * its mutation, in whole batches. */
static void
assert_consistent (const char *path,
                   GHashTable *cases,
                   gint64      seq)
{
  g_autoptr(sqlite3) db = open_db (path);
  g_autofree char *integrity = query_text (db, "PRAGMA integrity_check");
  g_autofree char *case_ids = NULL;
  g_auto(GStrv) ids = NULL;
  guint ours = 0;

  g_assert_cmpstr (integrity, ==, "ok");
  g_assert_cmpint (query_int64 (db, "SELECT value FROM meta WHERE key = 'seq'"), ==, seq);
  g_assert_cmpint (query_int64 (db, "SELECT max(seq) FROM objects"), ==, seq);
  g_assert_cmpint (query_int64 (db, "SELECT count(DISTINCT seq) FROM objects"), ==,
                   query_int64 (db, "SELECT count(*) FROM objects"));

  case_ids = dump_query (db, "SELECT id FROM objects WHERE type = 'case' AND"
                             " data LIKE '%\"backup-%'");
  ids = g_strsplit (case_ids, "\n", -1);
  for (guint i = 0; ids[i] != NULL && ids[i][0] != '\0'; i++)
    {
      const char *mutation_id = g_hash_table_lookup (cases, ids[i]);
      g_autofree char *sql = NULL;

      g_assert_nonnull (mutation_id);
      sql = g_strdup_printf ("SELECT count(*) FROM mutations WHERE id = '%s'", mutation_id);
      g_assert_cmpint (query_int64 (db, sql), ==, 1);
      ours++;
    }
  /* A batch is one transaction: all of its cases or none. */
  g_assert_cmpuint (ours % BATCH, ==, 0);
  /* ... and no answer kept for a case that is not there. */
  {
    g_autofree char *mutation_ids = dump_query (db, "SELECT id FROM mutations");
    g_auto(GStrv) lines = g_strsplit (mutation_ids, "\n", -1);
    g_autoptr(GHashTable) ours_by_mutation = g_hash_table_new (g_str_hash, g_str_equal);
    GHashTableIter iter;
    gpointer key, value;
    guint answered = 0;

    g_hash_table_iter_init (&iter, cases);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_hash_table_add (ours_by_mutation, value);
    for (guint i = 0; lines[i] != NULL; i++)
      if (g_hash_table_contains (ours_by_mutation, lines[i]))
        answered++;
    g_assert_cmpuint (answered, ==, ours);
  }
  g_test_message ("%s: %u cases of the write loop, changes up to %" G_GINT64_FORMAT, path,
                  ours, seq);
}

/* The backup is the final database as it was at change @seq: the objects of the final
 * one with a seq up to @seq are in it as they are, and whatever of the backup is not
 * in the final one as it is was written again after @seq. */
static void
assert_backup_is_moment (const char *backup,
                         const char *final,
                         gint64      seq)
{
  g_autoptr(sqlite3) db = open_db (final);
  g_autofree char *attach = g_strdup_printf ("ATTACH '%s' AS backup", backup);
  const char *columns = "type, id, seq, revision, deleted, data";
  g_autofree char *missing = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *sql = NULL;

  g_assert_cmpint (sqlite3_exec (db, attach, NULL, NULL, NULL), ==, SQLITE_OK);
  sql = g_strdup_printf ("SELECT %s FROM main.objects WHERE seq <= %" G_GINT64_FORMAT
                         " EXCEPT SELECT %s FROM backup.objects", columns, seq, columns);
  missing = dump_query (db, sql);
  g_assert_cmpstr (missing, ==, "");
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT b.type, b.id FROM backup.objects b LEFT JOIN main.objects m"
                         " ON m.type = b.type AND m.id = b.id"
                         " WHERE m.seq IS NULL OR (m.seq <> b.seq AND m.seq <= %"
                         G_GINT64_FORMAT ")", seq);
  changed = dump_query (db, sql);
  g_assert_cmpstr (changed, ==, "");
}

/* The cases a server serves to @token, as "seq id" lines. */
static char *
served_cases (DkTestServer *server,
              const char   *token,
              gint64       *last_seq)
{
  g_autoptr(GPtrArray) changes = dk_test_server_pull_all (server, token, 1000, NULL);
  g_autoptr(GString) out = g_string_new (NULL);

  *last_seq = 0;
  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);

      *last_seq = MAX (*last_seq, json_object_get_int_member (change, "seq"));
      if (g_str_equal (json_object_get_string_member (change, "type"), "case"))
        g_string_append_printf (out, "%" G_GINT64_FORMAT " %s\n",
                                json_object_get_int_member (change, "seq"),
                                json_object_get_string_member (change, "id"));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Runs the program with @argv (NULL-terminated, without the program) and asserts
 * its exit status; returns its output and error text. */
static void
run_expect (int          expected,
            char       **out,
            char       **err,
            const char  *first,
            ...) G_GNUC_NULL_TERMINATED;

static void
run_expect (int          expected,
            char       **out,
            char       **err,
            const char  *first,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  va_list args;

  g_ptr_array_add (argv, (char *) server_binary ());
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process) ||
      g_subprocess_get_exit_status (process) != expected)
    g_error ("%s %s: expected exit %d, got %d\nstdout: %s\nstderr: %s", first,
             argv->len > 2 ? (const char *) argv->pdata[1] : "", expected,
             g_subprocess_get_exit_status (process), stdout_text, stderr_text);
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);
}

/* ---- SQLite ---- */

static void
test_sqlite_under_write_load (void)
{
  g_autoptr(DkTestServer) server = NULL;
  g_autoptr(DkTestServer) restored_server = NULL;
  g_autoptr(GHashTable) cases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       g_free);
  g_autoptr(GSubprocess) backup = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *backup_path = NULL;
  g_autofree char *restore_dir = NULL;
  g_autofree char *restored = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *backup_dump = NULL;
  g_autofree char *restored_dump = NULL;
  g_autofree char *restored_cases = NULL;
  g_autofree char *backup_cases = NULL;
  gint64 seq, served_seq, seq_at_start, final_seq;
  guint batch = 0, during = 0, after = 0;

  server = dk_test_server_new (TRUE);
  dk_test_server_import_generated (server, IMPORTED_CASES);
  token = dk_test_server_login (server, "servicedesk", "demo");
  backup_path = g_build_filename (server->dir, "backup.db", NULL);

  for (; batch < BATCHES_BEFORE; batch++)
    send_batch (server, token, batch, cases);
  {
    g_autoptr(sqlite3) db = open_db (server->db_path);

    seq_at_start = query_int64 (db, "SELECT value FROM meta WHERE key = 'seq'");
  }

  /* The writers go on while backup runs, and a little after. */
  backup = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                             &error, server_binary (), "backup", "--db", server->db_path,
                             backup_path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (backup, NULL, NULL, dk_test_async_result_cb, &result);
  while (batch < MAX_BATCHES && after < BATCHES_AFTER)
    {
      send_batch (server, token, batch++, cases);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (result == NULL)
        during++;
      else
        after++;
    }
  dk_test_wait_result (&result);
  g_subprocess_communicate_utf8_finish (backup, result, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (backup))
    g_error ("backup failed: %s%s", out, err);
  g_test_message ("%s(%u batches of %u cases written while it ran, %u in all)", out, during,
                  BATCH, batch);
  g_assert_true (g_str_has_prefix (out, "Backed up to "));
  g_assert_nonnull (strstr (out, "integrity ok"));
  seq = parse_changes (out);
  g_assert_cmpint (seq, >=, seq_at_start);

  dk_test_server_stop (server, FALSE);
  {
    g_autoptr(sqlite3) db = open_db (server->db_path);

    final_seq = query_int64 (db, "SELECT value FROM meta WHERE key = 'seq'");
  }
  g_assert_cmpint (seq, <=, final_seq);

  /* The copy: consistent, and the database as it was at its change number. */
  assert_consistent (backup_path, cases, seq);
  assert_consistent (server->db_path, cases, final_seq);
  assert_backup_is_moment (backup_path, server->db_path, seq);

  /* Restored into a fresh place: the same database as the backup. */
  restore_dir = g_dir_make_tmp ("driftkoll-restore-XXXXXX", &error);
  g_assert_no_error (error);
  restored = g_build_filename (restore_dir, "restored.db", NULL);
  g_clear_pointer (&out, g_free);
  run_expect (0, &out, NULL, "restore", "--db", restored, backup_path, NULL);
  g_test_message ("%s", out);
  g_assert_true (g_str_has_prefix (out, "Restored "));
  g_assert_cmpint (parse_changes (out), ==, seq);
  backup_dump = dump_database (backup_path);
  restored_dump = dump_database (restored);
  g_assert_cmpstr (restored_dump, ==, backup_dump);
  assert_consistent (restored, cases, seq);
  assert_no_temporary_left (restore_dir);

  /* ... served as it was: the backup's cases at their change numbers. */
  restored_server = dk_test_server_new_on (restored, FALSE, FALSE);
  g_clear_pointer (&token, g_free);
  token = dk_test_server_login (restored_server, "servicedesk", "demo");
  restored_cases = served_cases (restored_server, token, &served_seq);
  {
    g_autoptr(sqlite3) db = open_db (backup_path);

    backup_cases = dump_query (db, "SELECT seq || ' ' || id FROM objects WHERE type = 'case'"
                                   " AND NOT deleted ORDER BY seq");
  }
  g_assert_cmpstr (restored_cases, ==, backup_cases);
  g_assert_cmpint (served_seq, <=, seq);
  dk_test_server_stop (restored_server, FALSE);

  dk_test_remove_tree (restore_dir);
}

/* A small database made by init, with a server of its own not running. */
static char *
make_database (const char *dir,
               const char *name)
{
  char *path = g_build_filename (dir, name, NULL);

  run_expect (0, NULL, NULL, "init", "--db", path, "--demo", NULL);
  return path;
}

static void
test_sqlite_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("driftkoll-backup-XXXXXX", &error);
  g_autofree char *db = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *err = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *not_a_folder = NULL;
  g_autofree char *inside_file = NULL;
  g_autofree char *text = NULL;
  g_autofree char *truncated = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize length;
  guint n_files;

  g_assert_no_error (error);
  db = make_database (dir, "server.db");
  copy = g_build_filename (dir, "copy.db", NULL);

  /* No database. */
  missing = g_build_filename (dir, "missing.db", NULL);
  run_expect (1, NULL, &err, "backup", "--db", missing, copy, NULL);
  g_assert_nonnull (strstr (err, "There is no database at"));
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);
  run_expect (2, NULL, &err, "backup", copy, NULL);
  g_clear_pointer (&err, g_free);

  /* FILE exists: refused, left as it was; --force replaces it. */
  g_assert_true (g_file_set_contents (copy, "keep me", -1, NULL));
  run_expect (1, NULL, &err, "backup", "--db", db, copy, NULL);
  g_assert_nonnull (strstr (err, "exists already"));
  g_assert_nonnull (strstr (err, "--force"));
  g_assert_true (g_file_get_contents (copy, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep me");
  g_clear_pointer (&err, g_free);
  run_expect (0, NULL, NULL, "backup", "--db", db, "--force", copy, NULL);
  assert_no_temporary_left (dir);
  /* Never over the database itself. */
  run_expect (1, NULL, &err, "backup", "--db", db, "--force", db, NULL);
  g_assert_nonnull (strstr (err, "is the database itself"));
  g_clear_pointer (&err, g_free);

  /* A folder that cannot be written: under a file (root writes everywhere else), and
   * one without write permission when not root. */
  not_a_folder = g_build_filename (dir, "plain-file", NULL);
  g_assert_true (g_file_set_contents (not_a_folder, "", -1, NULL));
  inside_file = g_build_filename (not_a_folder, "copy.db", NULL);
  n_files = count_files (dir);
  run_expect (1, NULL, &err, "backup", "--db", db, inside_file, NULL);
  g_assert_nonnull (strstr (err, "Could not write a file in"));
  g_assert_cmpuint (count_files (dir), ==, n_files);
  g_clear_pointer (&err, g_free);
  if (geteuid () != 0)
    {
      g_autofree char *locked = g_build_filename (dir, "locked", NULL);
      g_autofree char *target = g_build_filename (locked, "copy.db", NULL);

      g_assert_cmpint (g_mkdir (locked, 0555), ==, 0);
      run_expect (1, NULL, &err, "backup", "--db", db, target, NULL);
      g_assert_nonnull (strstr (err, "Permission denied"));
      g_assert_cmpuint (count_files (locked), ==, 0);
      g_clear_pointer (&err, g_free);
      g_chmod (locked, 0755);
    }

  /* Restore refuses what is not a driftkoll-server database, and leaves the database as
   * it was. */
  before = dump_database (db);
  text = g_build_filename (dir, "notes.txt", NULL);
  g_assert_true (g_file_set_contents (text, "not a database\n", -1, NULL));
  run_expect (1, NULL, &err, "restore", "--db", db, text, NULL);
  g_assert_nonnull (strstr (err, "is not a driftkoll-server database"));
  g_clear_pointer (&err, g_free);
  {
    g_autofree char *other = g_build_filename (dir, "other.db", NULL);
    g_autoptr(sqlite3) other_db = NULL;

    g_assert_cmpint (sqlite3_open (other, &other_db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (other_db, "CREATE TABLE notes (text); INSERT INTO notes"
                                   " VALUES ('hello')", NULL, NULL, NULL), ==, SQLITE_OK);
    g_clear_pointer (&other_db, sqlite3_close);
    run_expect (1, NULL, &err, "restore", "--db", db, other, NULL);
    g_assert_nonnull (strstr (err, "is not a driftkoll-server database"));
    g_clear_pointer (&err, g_free);
  }

  /* A backup of a newer server. */
  {
    g_autofree char *newer = g_build_filename (dir, "newer.db", NULL);
    g_autoptr(sqlite3) newer_db = NULL;

    run_expect (0, NULL, NULL, "backup", "--db", db, newer, NULL);
    newer_db = open_db (newer);
    g_assert_cmpint (sqlite3_exec (newer_db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==,
                     SQLITE_OK);
    g_clear_pointer (&newer_db, sqlite3_close);
    run_expect (1, NULL, &err, "restore", "--db", db, newer, NULL);
    g_assert_nonnull (strstr (err, "was written by a newer driftkoll-server"));
    g_clear_pointer (&err, g_free);
  }

  /* A truncated backup. */
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (copy, &contents, &length, NULL));
  truncated = g_build_filename (dir, "truncated.db", NULL);
  g_assert_true (g_file_set_contents (truncated, contents, length / 2, NULL));
  run_expect (1, NULL, &err, "restore", "--db", db, truncated, NULL);
  g_assert_true (strstr (err, "malformed") != NULL || strstr (err, "damaged") != NULL);
  g_clear_pointer (&err, g_free);

  after = dump_database (db);
  g_assert_cmpstr (after, ==, before);
  assert_no_temporary_left (dir);

  /* A restore onto a database keeps the one it replaces, and removes the snapshots. */
  {
    g_autofree char *snapshots = g_strconcat (db, ".snapshots", NULL);
    g_autofree char *manifest = g_build_filename (snapshots, "anonymous.json", NULL);
    g_autofree char *file = g_build_filename (snapshots, "anonymous-5-1.db", NULL);
    g_autofree char *out = NULL;
    g_autofree char *kept = NULL;
    const char *at;

    GStatBuf st;

    g_assert_cmpint (g_chmod (db, 0640), ==, 0);
    g_assert_cmpint (g_mkdir (snapshots, 0755), ==, 0);
    g_assert_true (g_file_set_contents (manifest, "{}", -1, NULL));
    g_assert_true (g_file_set_contents (file, "", -1, NULL));
    run_expect (0, &out, NULL, "restore", "--db", db, copy, NULL);
    at = strstr (out, "kept as ");
    g_assert_nonnull (at);
    kept = g_strndup (at + strlen ("kept as "), strcspn (at + strlen ("kept as "), ";\n"));
    g_assert_true (g_str_has_prefix (kept, db));
    g_assert_nonnull (strstr (kept, ".before-restore-"));
    g_clear_pointer (&after, g_free);
    after = dump_database (kept);
    g_assert_cmpstr (after, ==, before);
    g_assert_nonnull (strstr (out, "2 old snapshot files removed"));
    g_assert_cmpuint (count_files (snapshots), ==, 0);
    /* The replaced file's mode (and owner) go to the new one. */
    g_assert_cmpint (g_stat (db, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0640);
  }

  dk_test_remove_tree (dir);
}

static void
test_sqlite_restore_refused_while_serving (void)
{
  g_autoptr(DkTestServer) server = dk_test_server_new (TRUE);
  g_autofree char *backup = g_build_filename (server->dir, "backup.db", NULL);
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  run_expect (0, NULL, NULL, "backup", "--db", server->db_path, backup, NULL);
  run_expect (1, NULL, &err, "restore", "--db", server->db_path, backup, NULL);
  g_assert_nonnull (strstr (err, "is in use"));
  g_assert_nonnull (strstr (err, "Stop the server"));
  assert_no_temporary_left (server->dir);

  /* Stopped, it goes. */
  dk_test_server_stop (server, FALSE);
  before = dump_database (server->db_path);
  run_expect (0, &out, NULL, "restore", "--db", server->db_path, backup, NULL);
  after = dump_database (server->db_path);
  g_assert_cmpstr (after, ==, before);
}

/* ---- PostgreSQL ---- */

static void
test_pg_round_trip (void)
{
  DkTestPg *pg = dk_test_pg_get ();
  g_autoptr(DkTestServer) server = NULL;
  g_autoptr(GHashTable) cases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       g_free);
  g_autofree char *token = NULL;
  g_autofree char *dump = NULL;
  g_autofree char *target = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *source_rows = NULL;
  g_autofree char *target_rows = NULL;
  g_autofree char *served_before = NULL;
  g_autofree char *served_after = NULL;
  g_autofree char *with_password = NULL;
  const char *rows_sql = "SELECT type, id, seq, revision, deleted, md5(data::text) FROM objects"
                         " ORDER BY seq";
  gint64 seq, served_seq;

  if (pg == NULL)
    {
      g_test_skip (dk_test_pg_missing_reason ());
      return;
    }

  server = dk_test_server_new (TRUE);
  token = dk_test_server_login (server, "servicedesk", "demo");
  for (guint batch = 0; batch < 20; batch++)
    send_batch (server, token, batch, cases);
  served_before = served_cases (server, token, &served_seq);
  dump = g_build_filename (server->dir, "backup.dump", NULL);

  /* While it serves. A password in the URL is never shown. */
  with_password = g_strconcat (server->db_path, "&password=sekret-42", NULL);
  run_expect (0, &out, &err, "backup", "--db", with_password, dump, NULL);
  g_test_message ("%s", out);
  g_assert_true (g_str_has_prefix (out, "Backed up to "));
  g_assert_null (strstr (out, "sekret-42"));
  g_assert_null (strstr (err, "sekret-42"));
  seq = parse_changes (out);
  dk_test_server_stop (server, FALSE);

  /* Into a new database: the same rows. */
  target = dk_test_pg_new_database (pg);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  run_expect (0, &out, &err, "restore", "--db", target, dump, NULL);
  g_test_message ("%s", out);
  g_assert_cmpint (parse_changes (out), ==, seq);
  source_rows = dk_test_pg_psql (pg, server->db_path, rows_sql);
  target_rows = dk_test_pg_psql (pg, target, rows_sql);
  g_assert_cmpstr (target_rows, ==, source_rows);

  /* Over a database that has other data: --clean replaces it. */
  g_clear_pointer (&out, g_free);
  run_expect (0, &out, NULL, "restore", "--db", target, dump, NULL);
  g_clear_pointer (&target_rows, g_free);
  target_rows = dk_test_pg_psql (pg, target, rows_sql);
  g_assert_cmpstr (target_rows, ==, source_rows);

  {
    g_autoptr(DkTestServer) again = dk_test_server_new_on (target, FALSE, FALSE);
    g_autofree char *again_token = dk_test_server_login (again, "servicedesk", "demo");
    gint64 again_seq;

    served_after = served_cases (again, again_token, &again_seq);
    g_assert_cmpstr (served_after, ==, served_before);
    g_assert_cmpint (again_seq, ==, served_seq);

    /* Not while an instance is connected. */
    g_clear_pointer (&err, g_free);
    run_expect (1, NULL, &err, "restore", "--db", target, dump, NULL);
    g_assert_nonnull (strstr (err, "driftkoll-server still running?"));
    dk_test_server_stop (again, FALSE);
  }

  /* Not a dump. */
  {
    g_autofree char *text = g_build_filename (server->dir, "notes.txt", NULL);

    g_assert_true (g_file_set_contents (text, "not a dump\n", -1, NULL));
    g_clear_pointer (&err, g_free);
    run_expect (1, NULL, &err, "restore", "--db", target, text, NULL);
    g_assert_nonnull (strstr (err, "is not a pg_dump archive"));
  }

  /* No pg_dump on the PATH: says what to install and the command to run. */
  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (
        G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
    g_autoptr(GSubprocess) process = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *other = g_build_filename (server->dir, "other.dump", NULL);
    g_autofree char *stdout_text = NULL;
    g_autofree char *stderr_text = NULL;

    g_subprocess_launcher_setenv (launcher, "PATH", "/nonexistent", TRUE);
    process = g_subprocess_launcher_spawn (launcher, &error, server_binary (), "backup",
                                           "--db", with_password, other, NULL);
    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, &stderr_text, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
    g_assert_nonnull (strstr (stderr_text, "postgresql-client"));
    g_assert_nonnull (strstr (stderr_text, "pg_dump --format=custom"));
    g_assert_null (strstr (stderr_text, "sekret-42"));
    g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (wants_postgresql ())
    {
      g_test_add_func ("/server/backup/postgresql/dump-restore-serve", test_pg_round_trip);
    }
  else
    {
      g_test_add_func ("/server/backup/sqlite/under-write-load", test_sqlite_under_write_load);
      g_test_add_func ("/server/backup/sqlite/errors", test_sqlite_errors);
      g_test_add_func ("/server/backup/sqlite/restore-refused-while-serving",
                       test_sqlite_restore_refused_while_serving);
    }

  return g_test_run ();
}
