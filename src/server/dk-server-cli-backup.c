/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-cli-backup.c: driftkoll-server backup and restore
 *
 * SQLite: backup copies the database with SQLite's online backup API while a server
 * serves and writes. The copy is read inside one read transaction of its own, so in WAL
 * mode it is one consistent moment and writers never wait for it (they only keep the
 * WAL from being checkpointed past that moment until the copy is done). It is written to
 * a temporary file beside FILE, switched out of WAL mode (one self-contained file),
 * checked with PRAGMA integrity_check, fsynced and only then given FILE's name: FILE is
 * either the whole checked copy or not there.
 *
 * restore puts a copy back with the server stopped. A running server is told by SQLite's
 * own locking: every connection to a WAL database holds a read lock on the "DMS" byte of
 * the -shm file (https://www.sqlite.org/walformat.html, section 2.3.1) for as long as it
 * has the database open. The backup is copied beside the database first and checked
 * there (integrity, a Driftkoll schema this server reads, which it then brings up to
 * date); the database it replaces is kept as DB.before-restore-TIME (with its WAL, if it
 * had one), and the replica snapshots built from it are removed: serve builds new ones.
 *
 * PostgreSQL: dk-server-cli-backup-pg.c.
 */

#define G_LOG_DOMAIN "dk-server-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dk-core.h"
#include "dk-server-cli-backup-private.h"
#include "dk-server-cli-private.h"
#include "dk-server-db-pg-private.h"
#include "dk-server-snapshot.h"

/* Pages copied per sqlite3_backup_step (4 MiB with 4 KiB pages). */
#define BACKUP_STEP_PAGES 1024
/* How long a step may keep finding the source busy before backup gives up. */
#define BUSY_GIVE_UP_MS 60000
#define BUSY_SLEEP_MS 20
/* The byte of the -shm file every connection to a WAL database holds a read lock on. */
#define SHM_DMS_OFFSET 128
/* SQLite's lock bytes of the database file itself (PENDING, RESERVED, SHARED range). */
#define DB_LOCK_OFFSET 0x40000000
#define DB_LOCK_LENGTH 512
#define COPY_BUFFER_SIZE (1024 * 1024)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close)

/* ---- files ---- */

/* @format says what failed ("Could not write %s"); the system's reason follows. */
static gboolean G_GNUC_PRINTF (3, 4)
set_io_error (GError     **error,
              int          saved_errno,
              const char  *format,
              ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, DK_ERROR, saved_errno == ENOENT ? DK_ERROR_NOT_FOUND : DK_ERROR_STORAGE,
               "%s: %s", what, g_strerror (saved_errno));
  return FALSE;
}

/* A new empty file beside @path ("PATH.tmp-XXXXXX"), only this user's; its name. */
char *
_dk_backup_make_temporary_beside (const char  *path,
                                  GError     **error)
{
  g_autofree char *template = g_strconcat (path, ".tmp-XXXXXX", NULL);
  int fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *display = g_filename_display_name (dir);

      set_io_error (error, saved_errno, _("Could not write a file in %s"), display);
      return NULL;
    }
  close (fd);
  return g_steal_pointer (&template);
}

static gboolean
sync_path (const char  *path,
           gboolean     directory,
           GError     **error)
{
  int fd = g_open (path, (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC, 0);
  g_autofree char *display = g_filename_display_name (path);

  if (fd < 0 || fsync (fd) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      return set_io_error (error, saved_errno, _("Could not write %s to disk"), display);
    }
  close (fd);
  return TRUE;
}

/* Gives the finished @temporary the name @path, and makes the name last (the folder
 * synced). Without @replace an existing @path stays as it is: link () never replaces. */
gboolean
_dk_backup_move_into_place (const char  *temporary,
                            const char  *path,
                            gboolean     replace,
                            GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *dir = g_path_get_dirname (path);

  if (!sync_path (temporary, FALSE, error))
    return FALSE;

  if (!replace && link (temporary, path) == 0)
    {
      g_unlink (temporary);
    }
  else if (!replace && errno == EEXIST)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_CONFLICT,
                   _("%s exists already; give --force to replace it"), display);
      return FALSE;
    }
  else if (g_rename (temporary, path) != 0)
    {
      return set_io_error (error, errno, _("Could not write %s"), display);
    }

  return sync_path (dir, TRUE, error);
}

goffset
_dk_backup_file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (goffset) st.st_size : -1;
}

/* Whether @path begins as an SQLite file does. */
static gboolean
check_sqlite_file (const char  *path,
                   gboolean     is_backup,
                   GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(GError) local_error = NULL;
  gboolean is_sqlite;

  if (dk_server_db_read_file_header (path, &is_sqlite, &local_error) < 0)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND,
                     is_backup ? _("There is no backup at %s") : _("There is no database at %s"),
                     display);
      else
        g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, _("Could not open %s: %s"), display,
                     local_error->message);
      return FALSE;
    }
  if (!is_sqlite)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s is not a driftkoll-server database (not an SQLite file)"), display);
      return FALSE;
    }
  return TRUE;
}

/* Whether another process holds one of SQLite's locks on @path (byte ranges as
 * os_unix.c takes them); FALSE when the file is not there. */
static gboolean
file_is_locked (const char *path,
                off_t       offset,
                off_t       length)
{
  struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = offset,
                        .l_len = length };
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gboolean locked;

  if (fd < 0)
    return FALSE;
  locked = fcntl (fd, F_GETLK, &lock) == 0 && lock.l_type != F_UNLCK;
  /* Only a process that never opened @path otherwise may close it: POSIX drops all of
   * a process's locks on a file at the first close. */
  close (fd);
  return locked;
}

/* Whether a server (or any other program) has the database at @path open. Call before
 * this process opens it. */
static gboolean
database_in_use (const char *path)
{
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  return file_is_locked (shm, SHM_DMS_OFFSET, 1) ||
         file_is_locked (path, DB_LOCK_OFFSET, DB_LOCK_LENGTH);
}

/* ---- SQLite ---- */

static gboolean
set_sqlite_error (sqlite3     *db,
                  const char  *display,
                  GError     **error)
{
  g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, _("Could not read %s: %s"), display,
               sqlite3_errmsg (db));
  return FALSE;
}

static gboolean
query_int64 (sqlite3     *db,
             const char  *display,
             const char  *sql,
             gint64      *value,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *value = 0;
  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        *value = sqlite3_column_int64 (stmt, 0);
      if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    return set_sqlite_error (db, display, error);
  return TRUE;
}

static sqlite3 *
open_sqlite (const char  *path,
             int          flags,
             GError     **error)
{
  g_autoptr(sqlite3) db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, _("Could not open %s: %s"), display,
                   db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_busy_timeout (db, 5000);
  return g_steal_pointer (&db);
}

/* Whether @db is a driftkoll-server database of a schema this server reads (older ones
 * it brings up to date). @display names it in messages. */
static gboolean
check_schema (sqlite3     *db,
              const char  *display,
              gint64      *version,
              GError     **error)
{
  gint64 application_id = 0;
  gint64 n_tables = 0;

  if (!query_int64 (db, display, "PRAGMA user_version", version, error) ||
      !query_int64 (db, display, "PRAGMA application_id", &application_id, error) ||
      !query_int64 (db, display,
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
                    " ('meta', 'objects', 'users')", &n_tables, error))
    return FALSE;

  if (application_id != 0 || *version == 0 || n_tables != 3)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s is not a driftkoll-server database (an SQLite database of another "
                     "program, or an empty one)"), display);
      return FALSE;
    }
  if (*version > DK_SERVER_DB_SCHEMA_VERSION)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s was written by a newer driftkoll-server (schema %lld, this one reads "
                     "up to %d)"), display, (long long) *version, DK_SERVER_DB_SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}

/* PRAGMA integrity_check, its first complaint as the error. */
static gboolean
check_integrity (sqlite3     *db,
                 const char  *display,
                 GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *answer = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA integrity_check(1)", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    answer = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  if (g_strcmp0 (answer, "ok") == 0)
    return TRUE;

  g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
               _("%s is damaged (a truncated or corrupt copy?): %s"), display,
               answer != NULL ? answer : sqlite3_errmsg (db));
  return FALSE;
}

static gboolean
read_figures (sqlite3          *db,
              const char       *display,
              DkBackupFigures  *figures,
              GError          **error)
{
  return query_int64 (db, display, "SELECT coalesce(max(value), 0) FROM meta WHERE key = 'seq'",
                      &figures->seq, error) &&
         query_int64 (db, display, "SELECT count(*) FROM objects", &figures->objects, error) &&
         query_int64 (db, display, "SELECT count(*) FROM users", &figures->users, error) &&
         query_int64 (db, display, "PRAGMA user_version", &figures->version, error);
}

/* Copies @source (inside its read transaction) into @dest in steps; a step that finds
 * the source busy is retried a while. */
static gboolean
copy_online (sqlite3     *source,
             sqlite3     *dest,
             const char  *source_display,
             const char  *dest_display,
             GError     **error)
{
  sqlite3_backup *backup;
  guint busy_ms = 0;
  int rc;

  backup = sqlite3_backup_init (dest, "main", source, "main");
  if (backup == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, _("Could not write %s: %s"), dest_display,
                   sqlite3_errmsg (dest));
      return FALSE;
    }

  do
    {
      rc = sqlite3_backup_step (backup, BACKUP_STEP_PAGES);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        {
          if (busy_ms >= BUSY_GIVE_UP_MS)
            break;
          sqlite3_sleep (BUSY_SLEEP_MS);
          busy_ms += BUSY_SLEEP_MS;
        }
      else if (rc == SQLITE_OK)
        {
          busy_ms = 0;
        }
    }
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);

  sqlite3_backup_finish (backup);
  if (rc == SQLITE_DONE)
    return TRUE;

  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                 _("%s stayed locked for %d s; nothing was written"), source_display,
                 BUSY_GIVE_UP_MS / 1000);
  else
    g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, _("Could not write %s: %s"), dest_display,
                 sqlite3_errstr (rc));
  return FALSE;
}

/* Everything of backup between the temporary file and its checks. */
static gboolean
backup_sqlite_into (const char       *db_path,
                    const char       *temporary,
                    const char       *display,
                    const char       *file_display,
                    DkBackupFigures  *figures,
                    GError          **error)
{
  g_autoptr(sqlite3) source = NULL;
  g_autoptr(sqlite3) dest = NULL;
  gint64 version;
  char *message = NULL;

  source = open_sqlite (db_path, SQLITE_OPEN_READWRITE, error);
  if (source == NULL || !check_schema (source, display, &version, error))
    return FALSE;

  /* One moment: every step reads the snapshot this transaction took, so the copy never
   * restarts because a writer committed meanwhile, and the writers do not wait. */
  if (sqlite3_exec (source, "BEGIN DEFERRED; SELECT count(*) FROM meta", NULL, NULL,
                    &message) != SQLITE_OK)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, _("Could not read %s: %s"), display,
                   message);
      sqlite3_free (message);
      return FALSE;
    }

  dest = open_sqlite (temporary, SQLITE_OPEN_READWRITE, error);
  if (dest == NULL)
    return FALSE;
  /* The file is renamed into place only when whole: no journal needed while writing. */
  sqlite3_exec (dest, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", NULL, NULL,
                NULL);

  if (!copy_online (source, dest, display, file_display, error))
    return FALSE;
  sqlite3_exec (source, "COMMIT", NULL, NULL, NULL);
  g_clear_pointer (&source, sqlite3_close);

  /* One self-contained file: the copy of a WAL database is in WAL mode too. */
  if (sqlite3_exec (dest, "PRAGMA journal_mode = DELETE", NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, _("Could not write %s: %s"),
                   file_display, message);
      sqlite3_free (message);
      return FALSE;
    }

  return check_integrity (dest, file_display, error) &&
         read_figures (dest, file_display, figures, error);
}

static gboolean
backup_sqlite (const char       *db_path,
               const char       *file,
               gboolean          force,
               DkBackupFigures  *figures,
               GError          **error)
{
  g_autofree char *display = g_filename_display_name (db_path);
  g_autofree char *file_display = g_filename_display_name (file);
  g_autofree char *temporary = NULL;

  GStatBuf db_st, file_st;

  if (!check_sqlite_file (db_path, FALSE, error))
    return FALSE;
  /* Renamed over the live database, the copy would take its name from under a server
   * still writing to the old file. */
  if (g_stat (db_path, &db_st) == 0 && g_stat (file, &file_st) == 0 &&
      db_st.st_dev == file_st.st_dev && db_st.st_ino == file_st.st_ino)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s is the database itself; write the backup to another file"),
                   file_display);
      return FALSE;
    }
  if (!force && g_file_test (file, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_CONFLICT,
                   _("%s exists already; give --force to replace it"), file_display);
      return FALSE;
    }

  temporary = _dk_backup_make_temporary_beside (file, error);
  if (temporary == NULL)
    return FALSE;

  if (!backup_sqlite_into (db_path, temporary, display, file_display, figures, error) ||
      !_dk_backup_move_into_place (temporary, file, force, error))
    {
      _dk_server_cli_remove_database_files (temporary);
      return FALSE;
    }

  figures->size = _dk_backup_file_size (file);
  return TRUE;
}

/* Copies @from into the new file @to, byte for byte, and syncs it; @to_display names
 * the file it is for (the temporary's name says nothing to a person). */
static gboolean
copy_file (const char  *from,
           const char  *to,
           const char  *to_display,
           GError     **error)
{
  g_autofree char *from_display = g_filename_display_name (from);
  g_autofree char *buffer = g_malloc (COPY_BUFFER_SIZE);
  int in = g_open (from, O_RDONLY | O_CLOEXEC, 0);
  int out;
  ssize_t n;

  if (in < 0)
    return set_io_error (error, errno, _("Could not open %s"), from_display);
  out = g_open (to, O_WRONLY | O_TRUNC | O_CLOEXEC, 0);
  if (out < 0)
    {
      int saved_errno = errno;

      close (in);
      return set_io_error (error, saved_errno, _("Could not write %s"), to_display);
    }

  while ((n = read (in, buffer, COPY_BUFFER_SIZE)) > 0)
    {
      ssize_t done = 0;

      while (done < n)
        {
          ssize_t written = write (out, buffer + done, n - done);

          if (written < 0 && errno == EINTR)
            continue;
          if (written < 0)
            {
              int saved_errno = errno;

              close (in);
              close (out);
              return set_io_error (error, saved_errno, _("Could not write %s"),
                                   to_display);
            }
          done += written;
        }
    }
  if (n < 0 || fsync (out) != 0)
    {
      int saved_errno = errno;

      close (in);
      close (out);
      return set_io_error (error, saved_errno,
                           n < 0 ? _("Could not read %s") : _("Could not write %s"),
                           n < 0 ? from_display : to_display);
    }
  close (in);
  if (close (out) != 0)
    return set_io_error (error, errno, _("Could not write %s"), to_display);
  return TRUE;
}

/* Checks the copy at @temporary as restore would put it in place, and lets this
 * server bring an older schema up to date. */
static gboolean
check_restore_copy (const char       *temporary,
                    const char       *file_display,
                    DkBackupFigures  *figures,
                    GError          **error)
{
  g_autoptr(sqlite3) copy = NULL;
  g_autoptr(DkServerDb) db = NULL;
  gint64 version;

  copy = open_sqlite (temporary, SQLITE_OPEN_READWRITE, error);
  /* The schema first: integrity_check on a file of another program says nothing
   * useful. A truncated file fails either. */
  if (copy == NULL ||
      !check_schema (copy, file_display, &version, error) ||
      !check_integrity (copy, file_display, error))
    return FALSE;
  g_clear_pointer (&copy, sqlite3_close);

  /* As serve will open it: migrations by version, WAL. Closed again at once, which
   * checkpoints and removes the WAL. */
  db = dk_server_db_open (temporary, error);
  if (db == NULL)
    return FALSE;
  g_clear_object (&db);

  /* Out of WAL mode again, which checkpoints and removes the WAL and its index: one
   * file to rename, nothing left under the temporary's name (serve turns WAL on). */
  copy = open_sqlite (temporary, SQLITE_OPEN_READWRITE, error);
  if (copy == NULL || !read_figures (copy, file_display, figures, error))
    return FALSE;
  if (sqlite3_exec (copy, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK)
    return set_sqlite_error (copy, file_display, error);
  return TRUE;
}

/* Puts the checked @temporary in @db_path's place; the database there (and its WAL)
 * kept under the name *@kept_as. */
static gboolean
swap_in (const char  *temporary,
         const char  *db_path,
         char       **kept_as,
         GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *before = g_strdup_printf ("%s.before-restore-%s", db_path, stamp);
  g_autofree char *before_display = g_filename_display_name (before);
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
  g_autofree char *journal = g_strconcat (db_path, "-journal", NULL);
  g_autofree char *dir = g_path_get_dirname (db_path);

  GStatBuf old;

  *kept_as = NULL;
  if (g_stat (db_path, &old) == 0)
    {
      g_autofree char *before_wal = g_strconcat (before, "-wal", NULL);
      g_autofree char *before_journal = g_strconcat (before, "-journal", NULL);

      /* The server's user keeps its database when root restores: the old file's owner
       * and mode (only root may give a file away; anyone else already owns it). */
      if (chmod (temporary, old.st_mode & 07777) != 0 ||
          (chown (temporary, old.st_uid, old.st_gid) != 0 && errno != EPERM))
        {
          g_autofree char *display = g_filename_display_name (db_path);

          return set_io_error (error, errno, _("Could not write %s"), display);
        }

      /* The database keeps its name until the new one takes it. */
      if (link (db_path, before) != 0)
        return set_io_error (error, errno, _("Could not keep the old database as %s"),
                             before_display);
      /* What the old database had not checkpointed goes with it, never onto the new
       * one; likewise a hot journal. */
      if ((g_rename (wal, before_wal) != 0 && errno != ENOENT) ||
          (g_rename (journal, before_journal) != 0 && errno != ENOENT))
        return set_io_error (error, errno, _("Could not keep the old database as %s"),
                             before_display);
      g_unlink (shm);
      *kept_as = g_steal_pointer (&before);
    }

  if (g_rename (temporary, db_path) != 0)
    {
      g_autofree char *display = g_filename_display_name (db_path);

      return set_io_error (error, errno, _("Could not write %s"), display);
    }
  return sync_path (dir, TRUE, error);
}

static gboolean
restore_sqlite (const char       *db_path,
                const char       *file,
                const char       *snapshot_dir,
                DkBackupFigures  *figures,
                char            **kept_as,
                guint            *n_snapshots,
                GError          **error)
{
  g_autofree char *display = g_filename_display_name (db_path);
  g_autofree char *file_display = g_filename_display_name (file);
  g_autofree char *temporary = NULL;
  g_autofree char *default_dir = NULL;

  if (!check_sqlite_file (file, TRUE, error))
    return FALSE;

  if (database_in_use (db_path))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_CONFLICT,
                   _("%s is in use: a driftkoll-server (or another program) has it open. Stop "
                     "the server (systemctl stop driftkoll-server) and restore again"),
                   display);
      return FALSE;
    }

  temporary = _dk_backup_make_temporary_beside (db_path, error);
  if (temporary == NULL)
    return FALSE;

  if (!copy_file (file, temporary, display, error) ||
      !check_restore_copy (temporary, file_display, figures, error) ||
      !sync_path (temporary, FALSE, error))
    {
      _dk_server_cli_remove_database_files (temporary);
      return FALSE;
    }

  /* Checked again right before the swap: the copy may have taken a while. */
  if (database_in_use (db_path))
    {
      _dk_server_cli_remove_database_files (temporary);
      g_set_error (error, DK_ERROR, DK_ERROR_CONFLICT,
                   _("%s is in use: a driftkoll-server (or another program) has it open. Stop "
                     "the server (systemctl stop driftkoll-server) and restore again"),
                   display);
      return FALSE;
    }

  if (!swap_in (temporary, db_path, kept_as, error))
    {
      _dk_server_cli_remove_database_files (temporary);
      return FALSE;
    }

  figures->size = _dk_backup_file_size (db_path);
  if (snapshot_dir == NULL)
    snapshot_dir = default_dir = dk_server_snapshot_default_dir (db_path);
  return dk_server_snapshot_clear (snapshot_dir, n_snapshots, error);
}

/* ---- the commands ---- */

/* "14.6 MB" with a plain space (g_format_size () puts a no-break space, which a C
 * locale's terminal or log shows as "?"). */
static char *
format_size (goffset size)
{
  g_autofree char *text = g_format_size (MAX (size, 0));
  g_autoptr(GString) out = g_string_new (text);

  g_string_replace (out, "\u00a0", " ", 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static int
check_arguments (const char  *program,
                 const char  *db_path,
                 int          argc,
                 char       **argv)
{
  int status = _dk_server_cli_require_db (program, db_path);

  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;
  if (argc != 2 || argv[1][0] == '\0')
    return _dk_server_cli_usage_error (program, _("FILE is required"));
  return DK_SERVER_CLI_EXIT_OK;
}

int
_dk_server_cli_run_backup (const char  *program,
                           int          argc,
                           char       **argv)
{
  g_autofree char *db_path = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
      N_("The database: a file or a PostgreSQL location"), N_("FILE|URL") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Replace FILE when it exists"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *file_display = NULL;
  g_autofree char *size = NULL;
  DkBackupFigures figures = { 0 };
  gint64 start;
  gboolean pg;
  int status;

  status = _dk_server_cli_parse_command (program, _("FILE"),
                                         _("Writes a consistent copy of the database to FILE "
                                           "while the server keeps serving and writing: an "
                                           "SQLite file made with SQLite’s online backup and "
                                           "checked with integrity_check, or for PostgreSQL a "
                                           "pg_dump archive in the custom format. FILE appears "
                                           "only when the copy is whole."),
                                         entries, 1, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;
  if ((status = check_arguments (program, db_path, argc, argv)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  pg = _dk_server_db_location_is_pg (db_path);
  start = g_get_monotonic_time ();
  if (!(pg ? _dk_backup_pg (db_path, argv[1], force, &figures, &error)
           : backup_sqlite (db_path, argv[1], force, &figures, &error)))
    return _dk_server_cli_report_failure (program, error);

  file_display = g_filename_display_name (argv[1]);
  size = format_size (figures.size);
  if (pg)
    /* Translators: "Backed up to /srv/dk.dump (12.3 MB, pg_dump custom format) in 1.20 s:
     * changes up to 4567, 100000 objects" */
    g_print (_("Backed up to %s (%s, pg_dump custom format) in %.2f s: changes up to "
               "%lld, %lld objects\n"), file_display, size,
             (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC,
             (long long) figures.seq, (long long) figures.objects);
  else
    /* Translators: "Backed up to /srv/dk.db.bak (12.3 MB, integrity ok) in 1.20 s:
     * changes up to 4567, 100000 objects, 12 users" */
    g_print (_("Backed up to %s (%s, integrity ok) in %.2f s: changes up to %lld, %lld "
               "objects, %lld users\n"), file_display, size,
             (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC,
             (long long) figures.seq, (long long) figures.objects, (long long) figures.users);
  return DK_SERVER_CLI_EXIT_OK;
}

int
_dk_server_cli_run_restore (const char  *program,
                            int          argc,
                            char       **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *snapshot_dir = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
      N_("The database to replace: a file or a PostgreSQL location"), N_("FILE|URL") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("PostgreSQL: restore even though other sessions are connected to the database"),
      NULL },
    { "snapshot-dir", 0, 0, G_OPTION_ARG_FILENAME, &snapshot_dir,
      N_("The snapshot folder serve uses, emptied so that no snapshot of the replaced "
         "database is served (default: the database's path with .snapshots)"), N_("DIR") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *file_display = NULL;
  g_autofree char *db_display = NULL;
  g_autofree char *kept_as = NULL;
  DkBackupFigures figures = { 0 };
  guint n_snapshots = 0;
  int status;

  status = _dk_server_cli_parse_command (program, _("FILE"),
                                         _("Puts a backup made by “backup” back as the "
                                           "database. Stop the server first. An SQLite backup "
                                           "is checked (integrity, a driftkoll-server schema "
                                           "this server reads) before it replaces anything; "
                                           "the database it replaces is kept beside it as "
                                           "DB.before-restore-TIME, and the replica snapshots "
                                           "are removed (serve builds new ones). A PostgreSQL "
                                           "database is restored with pg_restore --clean in one "
                                           "transaction."),
                                         entries, 1, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;
  if ((status = check_arguments (program, db_path, argc, argv)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  file_display = g_filename_display_name (argv[1]);
  if (_dk_server_db_location_is_pg (db_path))
    {
      g_autofree char *password = NULL;
      g_autofree char *conninfo = NULL;

      if (!_dk_restore_pg (db_path, argv[1], force, &figures, &error))
        return _dk_server_cli_report_failure (program, error);
      conninfo = _dk_backup_pg_split_password (db_path, &password, NULL);
      /* Translators: "Restored host='/run/postgresql' dbname='driftkoll' from
       * /srv/dk.dump: changes up to 4567, 100000 objects" */
      g_print (_("Restored %s from %s: changes up to %lld, %lld objects\n"),
               conninfo != NULL ? conninfo : "", file_display, (long long) figures.seq,
               (long long) figures.objects);
      return DK_SERVER_CLI_EXIT_OK;
    }

  if (!restore_sqlite (db_path, argv[1], snapshot_dir, &figures, &kept_as, &n_snapshots,
                       &error))
    return _dk_server_cli_report_failure (program, error);

  db_display = g_filename_display_name (db_path);
  /* Translators: "Restored /var/lib/driftkoll/driftkoll.db from /srv/dk.db.bak: changes
   * up to 4567, 100000 objects, 12 users, schema 4" */
  g_print (_("Restored %s from %s: changes up to %lld, %lld objects, %lld users, schema %lld"),
           db_display, file_display, (long long) figures.seq, (long long) figures.objects,
           (long long) figures.users, (long long) figures.version);
  if (kept_as != NULL)
    {
      g_autofree char *kept_display = g_filename_display_name (kept_as);

      /* Translators: follows the line above: "; the replaced database is kept as
       * /var/lib/driftkoll/driftkoll.db.before-restore-20261206T203000Z" */
      g_print (_("; the replaced database is kept as %s"), kept_display);
    }
  if (n_snapshots > 0)
    /* Translators: follows the lines above */
    g_print (ngettext ("; %u old snapshot file removed",
                      "; %u old snapshot files removed", n_snapshots), n_snapshots);
  g_print ("\n");
  return DK_SERVER_CLI_EXIT_OK;
}
