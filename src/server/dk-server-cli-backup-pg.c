/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-cli-backup-pg.c: driftkoll-server backup and restore on PostgreSQL
 *
 * pg_dump --format=custom and pg_restore --clean --if-exists --single-transaction, from
 * the PATH; the password handed over in PGPASSWORD, never on a command line or in a
 * message. SQLite, and the commands themselves: dk-server-cli-backup.c.
 */

#define G_LOG_DOMAIN "dk-server-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <string.h>
#include <unistd.h>

#include "dk-core.h"
#include "dk-server-cli-backup-private.h"
#include "dk-server-cli-private.h"
#include "dk-server-db-pg-private.h"

/* @location as a key=value connection string without its password, which goes to
 * *@password (NULL when there is none). */
char *
_dk_backup_pg_split_password (const char  *location,
                              char       **password,
                              GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  char *message = NULL;
  PQconninfoOption *options = PQconninfoParse (location, &message);

  *password = NULL;
  if (options == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("Could not read the database location: %s"),
                   message != NULL ? g_strchomp (message) : "");
      PQfreemem (message);
      return NULL;
    }

  for (PQconninfoOption *option = options; option->keyword != NULL; option++)
    {
      g_autofree char *escaped = NULL;
      GString *value;

      if (option->val == NULL)
        continue;
      if (g_str_equal (option->keyword, "password"))
        {
          *password = g_strdup (option->val);
          continue;
        }
      value = g_string_new (option->val);
      g_string_replace (value, "\\", "\\\\", 0);
      g_string_replace (value, "'", "\\'", 0);
      escaped = g_string_free (value, FALSE);
      g_string_append_printf (out, "%s%s='%s'", out->len > 0 ? " " : "", option->keyword,
                              escaped);
    }
  PQconninfoFree (options);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Runs @argv with PGPASSWORD set to @password (when there is one); its stderr, trimmed,
 * is the error when it fails. */
static gboolean
run_pg_tool (const char * const  *argv,
             const char          *password,
             char               **out_stdout,
             GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (password != NULL)
    g_subprocess_launcher_setenv (launcher, "PGPASSWORD", password, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL ||
      !g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, error))
    return FALSE;

  if (!g_subprocess_get_successful (process))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, _("%s failed: %s"), argv[0],
                   err != NULL ? g_strstrip (err) : "");
      return FALSE;
    }
  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
  return TRUE;
}

static char *
find_pg_tool (const char  *name,
              const char  *command,
              GError     **error)
{
  char *path = g_find_program_in_path (name);

  if (path == NULL)
    g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND,
                 _("%s was not found on the PATH: install postgresql-client (apt install "
                   "postgresql-client) of the server's major version, or run it yourself: %s"),
                 name, command);
  return path;
}

/* The newest change and the objects of the database, for the line said at the end. */
static gboolean
read_pg_figures (const char       *location,
                 DkBackupFigures  *figures,
                 GError          **error)
{
  g_autoptr(DkServerDb) db = dk_server_db_open (location, error);

  if (db == NULL)
    return FALSE;
  figures->seq = dk_server_db_last_seq (db);
  figures->objects = dk_server_db_count_since (db, 0, error);
  figures->version = DK_SERVER_DB_SCHEMA_VERSION;
  return figures->objects >= 0;
}

gboolean
_dk_backup_pg (const char       *location,
               const char       *file,
               gboolean          force,
               DkBackupFigures  *figures,
               GError          **error)
{
  g_autofree char *password = NULL;
  g_autofree char *conninfo = _dk_backup_pg_split_password (location, &password, error);
  g_autofree char *file_display = g_filename_display_name (file);
  g_autofree char *command = NULL;
  g_autofree char *pg_dump = NULL;
  g_autofree char *temporary = NULL;
  g_autofree char *file_arg = NULL;
  g_autofree char *db_arg = NULL;

  if (conninfo == NULL)
    return FALSE;
  command = g_strdup_printf ("pg_dump --format=custom --file=%s --dbname=\"%s\"", file_display,
                             conninfo);
  pg_dump = find_pg_tool ("pg_dump", command, error);
  if (pg_dump == NULL)
    return FALSE;
  if (!force && g_file_test (file, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_CONFLICT,
                   _("%s exists already; give --force to replace it"), file_display);
      return FALSE;
    }
  /* Before the dump: that it is a driftkoll-server database we can reach. */
  if (!read_pg_figures (location, figures, error))
    return FALSE;

  temporary = _dk_backup_make_temporary_beside (file, error);
  if (temporary == NULL)
    return FALSE;
  file_arg = g_strconcat ("--file=", temporary, NULL);
  db_arg = g_strconcat ("--dbname=", conninfo, NULL);
  {
    const char *argv[] = { pg_dump, "--format=custom", "--no-password", file_arg, db_arg,
                           NULL };

    if (!run_pg_tool (argv, password, NULL, error) ||
        !_dk_backup_move_into_place (temporary, file, force, error))
      {
        g_unlink (temporary);
        return FALSE;
      }
  }

  figures->size = _dk_backup_file_size (file);
  return TRUE;
}

/* How many other sessions are connected to the database of @location (a server still
 * running holds at least one); -1 with @error set when it cannot be reached. */
static gint64
count_other_sessions (const char  *location,
                      GError     **error)
{
  PGconn *conn = PQconnectdb (location);
  PGresult *result = NULL;
  gint64 count = -1;

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strchomp (g_strdup (PQerrorMessage (conn)));

      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, _("Could not connect to the database: %s"),
                   message);
    }
  else
    {
      result = PQexec (conn, "SELECT count(*) FROM pg_stat_activity WHERE datname ="
                             " current_database() AND pid <> pg_backend_pid()");
      if (PQresultStatus (result) == PGRES_TUPLES_OK)
        count = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
      else
        g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, _("Could not read %s: %s"),
                     "pg_stat_activity", PQerrorMessage (conn));
    }
  PQclear (result);
  PQfinish (conn);
  return count;
}

gboolean
_dk_restore_pg (const char       *location,
                const char       *file,
                gboolean          force,
                DkBackupFigures  *figures,
                GError          **error)
{
  gint64 n_sessions;
  g_autofree char *password = NULL;
  g_autofree char *conninfo = _dk_backup_pg_split_password (location, &password, error);
  g_autofree char *file_display = g_filename_display_name (file);
  g_autofree char *command = NULL;
  g_autofree char *pg_restore = NULL;
  g_autofree char *list = NULL;
  g_autofree char *db_arg = NULL;
  g_autoptr(GError) list_error = NULL;

  if (conninfo == NULL)
    return FALSE;
  command = g_strdup_printf ("pg_restore --clean --if-exists --single-transaction "
                             "--dbname=\"%s\" %s", conninfo, file_display);
  pg_restore = find_pg_tool ("pg_restore", command, error);
  if (pg_restore == NULL)
    return FALSE;
  if (!g_file_test (file, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND, _("There is no backup at %s"),
                   file_display);
      return FALSE;
    }

  /* A dump of a driftkoll-server database: its table of contents names our tables. */
  {
    const char *argv[] = { pg_restore, "--list", file, NULL };

    if (!run_pg_tool (argv, NULL, &list, &list_error) ||
        strstr (list, " TABLE DATA ") == NULL || strstr (list, " objects ") == NULL ||
        strstr (list, " meta ") == NULL)
      {
        if (list_error != NULL)
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s is not a pg_dump archive: %s"),
                       file_display, list_error->message);
        else
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                       _("%s is not a pg_dump archive of a driftkoll-server database"),
                       file_display);
        return FALSE;
      }
  }

  /* Instances still running would write into the restored tables, or hold locks that
   * pg_restore waits for. */
  n_sessions = count_other_sessions (location, error);
  if (n_sessions < 0)
    return FALSE;
  if (n_sessions > 0 && !force)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_CONFLICT,
                   g_dngettext (NULL,
                                "%lld other session is connected to the database (a "
                                "driftkoll-server still running?); stop every instance and "
                                "restore again, or give --force",
                                "%lld other sessions are connected to the database (a "
                                "driftkoll-server still running?); stop every instance and "
                                "restore again, or give --force", n_sessions),
                   (long long) n_sessions);
      return FALSE;
    }

  db_arg = g_strconcat ("--dbname=", conninfo, NULL);
  {
    const char *argv[] = { pg_restore, "--clean", "--if-exists", "--single-transaction",
                           "--no-owner", "--no-password", db_arg, file, NULL };

    if (!run_pg_tool (argv, password, NULL, error))
      return FALSE;
  }

  figures->size = _dk_backup_file_size (file);
  return read_pg_figures (location, figures, error);
}
