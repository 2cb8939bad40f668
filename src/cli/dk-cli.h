/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli.h: driftkoll-cli, the replica and sync from a terminal */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The exit statuses of ARCHITECTURE.md's command lines. */
typedef enum {
  DK_CLI_EXIT_OK = 0,
  DK_CLI_EXIT_FAILED = 1,
  DK_CLI_EXIT_USAGE = 2,
} DkCliExit;

/* Runs one command line (argv[0] is the program) and returns its exit status. Call
 * once per process, after dk_core_init_i18n (). */
int dk_cli_run (int    argc,
                char **argv);

G_END_DECLS
