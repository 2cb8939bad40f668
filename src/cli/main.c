/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: driftkoll-cli, the replica and sync from a terminal */

#include "config.h"

#include <glib/gi18n.h>

#include "dk-cli.h"
#include "dk-command-line.h"
#include "dk-core.h"

int
main (int   argc,
      char *argv[])
{
  dk_core_init_i18n ();
  /* the cli's own strings use gettext () through <glib/gi18n.h> */
  textdomain (GETTEXT_PACKAGE);
  dk_command_line_init ();

  return dk_command_line_finish_output ("driftkoll-cli", dk_cli_run (argc, argv));
}
