/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: driftkoll-server, the central server and its admin commands */

#include "config.h"

#include "dk-command-line.h"
#include "dk-core.h"
#include "dk-server-cli.h"

int
main (int   argc,
      char *argv[])
{
  dk_core_init_i18n ();
  dk_command_line_init ();

  return dk_command_line_finish_output ("driftkoll-server", dk_server_cli_run (argc, argv));
}
