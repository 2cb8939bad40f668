/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: driftkoll, the desktop app */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "dk-application.h"
#include "dk-core.h"

/* GSettings aborts the program when a schema is missing; say what to do instead. */
static gboolean
schema_is_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema != NULL)
    return TRUE;

  g_printerr (_("driftkoll: its settings schema “%s” is not installed, so it cannot "
                "start.\n"
                "Install Driftkoll (meson install -C build), or run it from the build "
                "with “meson devenv -C build driftkoll”, or set GSETTINGS_SCHEMA_DIR to "
                "a folder that holds the compiled schema (build/data).\n"),
              APPLICATION_ID);
  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DkApplication) app = NULL;

  /* The locale and the text domain, from DRIFTKOLL_LOCALEDIR when set (meson devenv,
   * tests and screenshots of an uninstalled build in Swedish and Norwegian). */
  dk_core_init_i18n ();

  if (!schema_is_installed ())
    return 1;

  app = dk_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
