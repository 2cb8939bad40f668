/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-cli-backup-private.h: what backup and restore share between the SQLite side
 * (dk-server-cli-backup.c, which also holds the commands) and PostgreSQL's
 * (dk-server-cli-backup-pg.c) */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What was written or restored, for the one line said at the end. */
typedef struct {
  gint64 seq;
  gint64 objects;
  gint64 users;
  gint64 version;
  goffset size;
} DkBackupFigures;

char     *_dk_backup_make_temporary_beside (const char       *path,
                                            GError          **error);
gboolean  _dk_backup_move_into_place       (const char       *temporary,
                                            const char       *path,
                                            gboolean          replace,
                                            GError          **error);
goffset   _dk_backup_file_size             (const char       *path);

char     *_dk_backup_pg_split_password     (const char       *location,
                                            char            **password,
                                            GError          **error);
gboolean  _dk_backup_pg                    (const char       *location,
                                            const char       *file,
                                            gboolean          force,
                                            DkBackupFigures  *figures,
                                            GError          **error);
gboolean  _dk_restore_pg                   (const char       *location,
                                            const char       *file,
                                            gboolean          force,
                                            DkBackupFigures  *figures,
                                            GError          **error);

G_END_DECLS
