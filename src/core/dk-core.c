/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-core.c: set-up of the core layer shared by every program */

#define G_LOG_DOMAIN "dk-core"

#include "config.h"

#include <locale.h>
#include <glib/gi18n-lib.h>

#include "dk-core.h"

/**
 * dk_core_init_i18n:
 *
 * Sets the locale from the environment, binds the text domain and makes it the
 * program's default, so that labels (g_dgettext) and the programs' own _() messages
 * (gettext) are both translated. Call once, early in main().
 */
void
dk_core_init_i18n (void)
{
  /* DRIFTKOLL_LOCALEDIR: the build dir's po/, for tests and screenshots of an
   * uninstalled build in another language. */
  const char *localedir = g_getenv ("DRIFTKOLL_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && localedir[0] != '\0' ? localedir
                                                                            : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
