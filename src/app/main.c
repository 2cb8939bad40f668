/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: driftkoll, the desktop app */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "dk-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DkApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* DRIFTKOLL_LOCALEDIR: the build dir's translations, for the UI tests' screenshots. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("DRIFTKOLL_LOCALEDIR") != NULL
                                   ? g_getenv ("DRIFTKOLL_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = dk_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
