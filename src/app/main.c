/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: driftkoll, the desktop app */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "dk-application.h"
#include "dk-core.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DkApplication) app = NULL;

  /* The locale and the text domain, from DRIFTKOLL_LOCALEDIR when set (screenshots of
   * an uninstalled build in Swedish and Norwegian). */
  dk_core_init_i18n ();

  app = dk_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
