/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-test-pg.c: a private PostgreSQL cluster for the tests of one program
 *
 * One cluster per test program, made on first use in a temporary folder:
 *   DIR/pg    the data folder (its log is pg/log.txt: the server writes it itself)
 *   DIR/sock  the Unix socket; no TCP at all (listen_addresses='')
 * Both belong to the user postgres when we run as root, because initdb refuses root.
 * The cluster trades durability for speed (fsync off): a test never survives a crash.
 *
 * It is stopped and removed at exit. A test that aborts skips atexit, so a small
 * watcher (sh, its own session) waits for this process to end and then stops the
 * cluster and removes the folder if it is still there: no cluster outlives its test.
 */

#include "dk-test-pg.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dk-test-files.h"

#define PG_BIN "/usr/lib/postgresql/15/bin"

struct _DkTestPg
{
  char  *dir;
  char  *data_dir;
  char  *socket_dir;
  pid_t  owner;        /* the process that made it; a fork's exit leaves it alone */
  guint  next_database;
  gboolean running;
};

static GMutex     pg_lock;
static DkTestPg  *pg_cluster;
static gboolean   pg_tried;
static char      *pg_missing;

const char *
dk_test_pg_missing_reason (void)
{
  return pg_missing != NULL ? pg_missing
                            : "PostgreSQL 15 is not installed (" PG_BIN "/initdb missing)";
}

/* argv for @program of PostgreSQL's bin folder, as the user postgres when we are root. */
static GPtrArray *
pg_argv (const char *program)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  if (geteuid () == 0)
    {
      g_ptr_array_add (argv, g_strdup ("runuser"));
      g_ptr_array_add (argv, g_strdup ("-u"));
      g_ptr_array_add (argv, g_strdup ("postgres"));
      g_ptr_array_add (argv, g_strdup ("--"));
    }
  g_ptr_array_add (argv, g_build_filename (PG_BIN, program, NULL));
  return argv;
}

/* Runs @argv (NULL-terminated by us) in the cluster's folder; FALSE with its output in
 * *out_error when it fails. */
static gboolean
pg_run (DkTestPg   *pg,
        GPtrArray  *argv,
        char      **out_stdout,
        char      **out_error)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (pg->dir, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH,
                     NULL, NULL, &out, &err, &status, &error))
    {
      *out_error = g_strdup (error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, &error))
    {
      *out_error = g_strdup_printf ("%s: %s%s", (char *) argv->pdata[0], out, err);
      return FALSE;
    }
  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
  return TRUE;
}

static void
pg_ctl (DkTestPg   *pg,
        const char *action,
        gboolean    must)
{
  g_autoptr(GPtrArray) argv = pg_argv ("pg_ctl");
  g_autofree char *log = g_build_filename (pg->data_dir, "log.txt", NULL);
  g_autofree char *error = NULL;

  g_ptr_array_add (argv, g_strdup ("-D"));
  g_ptr_array_add (argv, g_strdup (pg->data_dir));
  g_ptr_array_add (argv, g_strdup ("-w"));
  g_ptr_array_add (argv, g_strdup ("-s"));
  if (g_str_equal (action, "start"))
    {
      g_ptr_array_add (argv, g_strdup ("-l"));
      g_ptr_array_add (argv, g_strdup (log));
    }
  else
    {
      g_ptr_array_add (argv, g_strdup ("-m"));
      g_ptr_array_add (argv, g_strdup ("fast"));
    }
  g_ptr_array_add (argv, g_strdup (action));
  if (!pg_run (pg, argv, NULL, &error))
    {
      g_autofree char *log_text = NULL;

      g_file_get_contents (log, &log_text, NULL, NULL);
      if (must)
        g_error ("pg_ctl %s failed: %s\n%s", action, error, log_text ? log_text : "");
      else
        g_printerr ("# pg_ctl %s failed: %s\n", action, error);
      return;
    }
  pg->running = g_str_equal (action, "start");
}

static void
pg_at_exit (void)
{
  DkTestPg *pg = pg_cluster;

  if (pg == NULL || pg->owner != getpid ())
    return;
  if (pg->running)
    pg_ctl (pg, "stop", FALSE);
  dk_test_remove_tree (pg->dir);
}

/* The watcher: stops and removes the cluster after this process is gone, whatever way
 * it went. It keeps no descriptor of ours open (meson waits for our pipes to close). */
static void
pg_start_watcher (DkTestPg *pg)
{
  g_autofree char *pg_ctl_cmd = NULL;
  g_autofree char *script = NULL;
  g_autofree char *quoted_dir = g_shell_quote (pg->dir);
  g_autofree char *quoted_data = g_shell_quote (pg->data_dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  const char *argv[] = { "setsid", "sh", "-c", NULL, "dk-test-pg-watcher", NULL };

  pg_ctl_cmd = g_strdup_printf ("%s" PG_BIN "/pg_ctl -D %s -m immediate stop",
                                geteuid () == 0 ? "runuser -u postgres -- " : "",
                                quoted_data);
  script = g_strdup_printf ("while kill -0 %s 2>/dev/null; do sleep 1; done; "
                            "if [ -d %s ]; then %s; rm -rf %s; fi",
                            pid, quoted_dir, pg_ctl_cmd, quoted_dir);
  argv[3] = script;
  if (!g_spawn_async ("/", (char **) argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                      G_SPAWN_STDERR_TO_DEV_NULL | G_SPAWN_STDIN_FROM_DEV_NULL,
                      NULL, NULL, NULL, &error))
    g_printerr ("# no watcher for the PostgreSQL cluster: %s\n", error->message);
}

static void
pg_chown_to_postgres (const char *path)
{
  struct passwd *postgres;

  if (geteuid () != 0)
    return;
  postgres = getpwnam ("postgres");
  g_assert_nonnull (postgres);
  g_assert_no_errno (chown (path, postgres->pw_uid, postgres->pw_gid));
}

/* What a test cluster changes from the defaults: fast to start, no durability,
 * connections enough for several servers with their pools and listeners. */
static const char pg_settings[] =
  "\n# dk-test-pg.c\n"
  "listen_addresses = ''\n"
  "fsync = off\n"
  "synchronous_commit = off\n"
  "full_page_writes = off\n"
  "shared_buffers = 16MB\n"
  "max_connections = 250\n"
  "max_wal_size = 256MB\n"
  "log_min_messages = warning\n"
  "log_connections = off\n";

static void
dk_test_pg_free (DkTestPg *pg)
{
  g_free (pg->dir);
  g_free (pg->data_dir);
  g_free (pg->socket_dir);
  g_free (pg);
}

static DkTestPg *
pg_make (void)
{
  DkTestPg *pg;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_autofree char *failure = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *initdb = g_build_filename (PG_BIN, "initdb", NULL);
  FILE *file;

  if (!g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
    return NULL;

  pg = g_new0 (DkTestPg, 1);
  pg->owner = getpid ();
  pg->dir = g_dir_make_tmp ("dk-pg-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_no_errno (chmod (pg->dir, 0755));
  pg->data_dir = g_build_filename (pg->dir, "pg", NULL);
  pg->socket_dir = g_build_filename (pg->dir, "sock", NULL);
  g_assert_no_errno (g_mkdir (pg->data_dir, 0700));
  g_assert_no_errno (g_mkdir (pg->socket_dir, 0755));
  pg_chown_to_postgres (pg->data_dir);
  pg_chown_to_postgres (pg->socket_dir);
  pg_cluster = pg;   /* from here on, the watcher and atexit clean up */
  pg_start_watcher (pg);

  argv = pg_argv ("initdb");
  g_ptr_array_add (argv, g_strdup ("-D"));
  g_ptr_array_add (argv, g_strdup (pg->data_dir));
  g_ptr_array_add (argv, g_strdup ("-A"));
  g_ptr_array_add (argv, g_strdup ("trust"));
  g_ptr_array_add (argv, g_strdup ("-U"));
  g_ptr_array_add (argv, g_strdup ("postgres"));
  g_ptr_array_add (argv, g_strdup ("-E"));
  g_ptr_array_add (argv, g_strdup ("UTF8"));
  g_ptr_array_add (argv, g_strdup ("--locale=C"));
  g_ptr_array_add (argv, g_strdup ("--no-sync"));
  if (!pg_run (pg, argv, NULL, &failure))
    {
      pg_missing = g_strdup_printf ("initdb failed: %s", failure);
      pg_cluster = NULL;
      dk_test_remove_tree (pg->dir);
      dk_test_pg_free (pg);
      return NULL;
    }

  /* Appended as root to a file postgres owns: it stays postgres's. */
  conf = g_build_filename (pg->data_dir, "postgresql.conf", NULL);
  file = fopen (conf, "a");
  g_assert_nonnull (file);
  fprintf (file, "%sunix_socket_directories = '%s'\n", pg_settings, pg->socket_dir);
  g_assert_cmpint (fclose (file), ==, 0);

  pg_ctl (pg, "start", TRUE);
  return pg;
}

DkTestPg *
dk_test_pg_get (void)
{
  DkTestPg *pg;

  g_mutex_lock (&pg_lock);
  if (!pg_tried)
    {
      pg_tried = TRUE;
      pg_cluster = pg_make ();
      if (pg_cluster != NULL)
        atexit (pg_at_exit);
    }
  pg = pg_cluster;
  g_mutex_unlock (&pg_lock);
  return pg;
}

static char *
pg_url (DkTestPg   *pg,
        const char *database)
{
  return g_strdup_printf ("postgresql:///%s?host=%s&user=postgres", database, pg->socket_dir);
}

char *
dk_test_pg_psql (DkTestPg   *pg,
                 const char *url,
                 const char *sql)
{
  const char *argv[] = { PG_BIN "/psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                         "-d", url, "-c", sql, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (pg->dir, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("psql %s: %s\n%s", sql, out, err);
  return g_strchomp (g_steal_pointer (&out));
}

char *
dk_test_pg_new_database (DkTestPg *pg)
{
  g_autofree char *admin = pg_url (pg, "postgres");
  g_autofree char *name = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *out = NULL;

  g_mutex_lock (&pg_lock);
  name = g_strdup_printf ("dk_%d_%u", (int) getpid (), ++pg->next_database);
  g_mutex_unlock (&pg_lock);
  sql = g_strdup_printf ("CREATE DATABASE %s", name);
  out = dk_test_pg_psql (pg, admin, sql);
  return pg_url (pg, name);
}

void
dk_test_pg_stop_cluster (DkTestPg *pg)
{
  pg_ctl (pg, "stop", TRUE);
}

void
dk_test_pg_start_cluster (DkTestPg *pg)
{
  pg_ctl (pg, "start", TRUE);
}

char *
dk_test_db_location (const char *dir,
                     const char *name)
{
  DkTestPg *pg;

  if (g_strcmp0 (g_getenv ("DRIFTKOLL_TEST_DB"), "postgresql") != 0)
    return g_build_filename (dir, name, NULL);
  pg = dk_test_pg_get ();
  if (pg == NULL)
    g_error ("DRIFTKOLL_TEST_DB=postgresql, but %s", dk_test_pg_missing_reason ());
  return dk_test_pg_new_database (pg);
}
