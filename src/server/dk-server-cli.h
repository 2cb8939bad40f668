/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-cli.h: driftkoll-server's command line (serve, init, user, import) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The exit statuses of ARCHITECTURE.md's command lines. */
typedef enum {
  DK_SERVER_CLI_EXIT_OK = 0,
  DK_SERVER_CLI_EXIT_FAILED = 1,
  DK_SERVER_CLI_EXIT_USAGE = 2,
} DkServerCliExit;

/* Runs one command line (argv[0] is the program) and returns its exit status. Call
 * once per process, after dk_core_init_i18n (). */
int dk_server_cli_run (int    argc,
                       char **argv);

G_END_DECLS
