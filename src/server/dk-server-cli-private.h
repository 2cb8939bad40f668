/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-cli-private.h: what the files of driftkoll-server's command line share */
#pragma once

#include "dk-server-cli.h"
#include "dk-server-db.h"

G_BEGIN_DECLS

typedef int (*CommandFunc) (const char  *program,
                            int          argc,
                            char       **argv);

typedef struct {
  const char  *name;
  const char  *summary;   /* N_() */
  CommandFunc  run;
} Command;

int         _dk_server_cli_usage_error      (const char           *program,
                                             const char           *format,
                                             ...) G_GNUC_PRINTF (2, 3);
int         _dk_server_cli_report_failure   (const char           *program,
                                             const GError         *error);
int         _dk_server_cli_dispatch         (const char           *program,
                                             const char           *summary,
                                             const Command        *list,
                                             guint                 n_commands,
                                             int                   argc,
                                             char                **argv);
int         _dk_server_cli_parse_command    (const char           *program,
                                             const char           *parameters,
                                             const char           *summary,
                                             const GOptionEntry   *entries,
                                             int                   n_positional,
                                             int                  *argc,
                                             char               ***argv);
int         _dk_server_cli_require_db       (const char           *program,
                                             const char           *db_path);
int         _dk_server_cli_open_db          (const char           *program,
                                             const char           *db_path,
                                             DkServerDb          **db);
char       *_dk_server_cli_roles_to_text    (DkRole                roles);
void        _dk_server_cli_remove_database_files (const char      *path);
int         _dk_server_cli_run_user         (const char           *program,
                                             int                   argc,
                                             char                **argv);
int         _dk_server_cli_run_migrate      (const char           *program,
                                             int                   argc,
                                             char                **argv);
int         _dk_server_cli_run_backup       (const char           *program,
                                             int                   argc,
                                             char                **argv);
int         _dk_server_cli_run_restore      (const char           *program,
                                             int                   argc,
                                             char                **argv);

G_END_DECLS
