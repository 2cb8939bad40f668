/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: driftkoll-server, the central server and its admin commands */

#include "config.h"

#include "dk-core.h"
#include "dk-server-cli.h"

int
main (int   argc,
      char *argv[])
{
  dk_core_init_i18n ();

  return dk_server_cli_run (argc, argv);
}
