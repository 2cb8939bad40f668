/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli-reserve.c: driftkoll-cli affected and reserve: "we are affected too" and the
 * reserve routine declared in force or lifted on a case */

#define G_LOG_DOMAIN "dk-cli-reserve"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-cli-private.h"

int
_dk_cli_affected (DkCli       *cli,
                  const char  *command,
                  int          argc,
                  char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *resolved = NULL;
  DkStore *store;
  const char *me;
  int status;
  const GOptionEntry entries[] = {
    { "unit", 0, 0, G_OPTION_ARG_STRING, &unit, N_("Your unit (required)"), N_("UNIT") },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, _("CASE"),
                          _("Tells the publishers of a case (number or id) that your unit is "
                            "affected too; once per unit. It waits in the outbox until “sync” "
                            "sends it."),
                          entries, 1, 1, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;
  if (unit == NULL)
    return _dk_cli_usage_error (command, _("--unit is required"));

  store = _dk_cli_get_store_as_me (cli, &me, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  /* "Avd 12" is the catalogue's "Avdelning 12"; a unit not in it stays as typed */
  resolved = _dk_cli_resolve_unit (store, unit);
  if (!dk_local_mark_affected (store, argv[1], resolved, me, dk_time_now (), &error))
    return _dk_cli_fail (command, error);

  return DK_CLI_EXIT_OK;
}

int
_dk_cli_reserve (DkCli       *cli,
                 const char  *command,
                 int          argc,
                 char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) units = NULL;
  g_autofree char *text = NULL;
  gboolean declare = FALSE;
  gboolean lift = FALSE;
  gboolean all = FALSE;
  DkStore *store;
  const char *me;
  gboolean ok;
  int status;
  const GOptionEntry entries[] = {
    { "declare", 0, 0, G_OPTION_ARG_NONE, &declare,
      N_("Declare the reserve routine in force (with --all or --unit)"), NULL },
    { "lift", 0, 0, G_OPTION_ARG_NONE, &lift, N_("Lift the reserve routine in force"), NULL },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("For all units"), NULL },
    { "unit", 0, 0, G_OPTION_ARG_STRING_ARRAY, &units,
      N_("For this unit; repeat for more"), N_("UNIT") },
    { "text", 0, 0, G_OPTION_ARG_STRING, &text, N_("What the units are told"), N_("TEXT") },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, _("CASE"),
                          _("Declares the switch to the reserve routine on a case (number or "
                            "id), for all units or for the units named, or lifts it again. It "
                            "waits in the outbox until “sync” sends it; the server decides "
                            "whether you may."),
                          entries, 1, 1, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;
  if (declare == lift)
    return _dk_cli_usage_error (command, _("Give either --declare or --lift"));
  if (declare && all == (units != NULL && units[0] != NULL))
    return _dk_cli_usage_error (command, _("--declare needs either --all or --unit"));
  if (lift && (all || units != NULL))
    return _dk_cli_usage_error (command, _("--all and --unit go with --declare"));

  store = _dk_cli_get_store_as_me (cli, &me, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  /* "Avd 12" is the catalogue's "Avdelning 12"; a unit not in it stays as typed */
  for (guint i = 0; units != NULL && units[i] != NULL; i++)
    {
      char *resolved = _dk_cli_resolve_unit (store, units[i]);

      g_free (units[i]);
      units[i] = resolved;
    }
  if (declare)
    ok = dk_local_declare_reserve (store, argv[1], all, (const char * const *) units, text, me,
                                   dk_time_now (), &error);
  else
    ok = dk_local_lift_reserve (store, argv[1], text, me, dk_time_now (), &error);
  if (!ok)
    return _dk_cli_fail (command, error);

  return DK_CLI_EXIT_OK;
}
