/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli-report.c: driftkoll-cli report: a fault report or an urgent case */

#define G_LOG_DOMAIN "dk-cli-report"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-cli-private.h"

static const DkCliCommand report_commands[] = {
  { "ack", N_("Acknowledge a new report"), _dk_cli_report_ack },
  { "close", N_("Close a report"), _dk_cli_report_close },
};

static int
create_report (DkCli       *cli,
               const char  *command,
               int          argc,
               char       **argv);

/* "report OPTION…" reports; "report ack|close REPORT" is for report handlers. */
int
_dk_cli_report (DkCli       *cli,
                const char  *command,
                int          argc,
                char       **argv)
{
  for (guint i = 0; argc > 1 && i < G_N_ELEMENTS (report_commands); i++)
    {
      if (g_str_equal (argv[1], report_commands[i].name))
        return _dk_cli_dispatch (cli, command, _("Fault reports and urgent cases."),
                                 report_commands, G_N_ELEMENTS (report_commands), argc, argv);
    }

  return create_report (cli, command, argc, argv);
}

static int
create_report (DkCli       *cli,
               const char  *command,
               int          argc,
               char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkReport) report = NULL;
  g_autofree char *service = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *reporter = NULL;
  g_autofree char *contact = NULL;
  g_autofree char *description = NULL;
  g_autofree char *mobile = NULL;
  g_autofree char *users = NULL;
  g_autofree char *computers = NULL;
  g_autofree char *servers = NULL;
  g_autofree char *competence = NULL;
  g_autofree char *summary = NULL;
  gboolean urgent = FALSE;
  DkStore *store;
  const char *me;
  int status;
  const GOptionEntry entries[] = {
    { "service", 0, 0, G_OPTION_ARG_STRING, &service,
      N_("The service at fault, by id (required)"), N_("SERVICE") },
    { "unit", 0, 0, G_OPTION_ARG_STRING, &unit,
      N_("The unit that found it (required)"), N_("UNIT") },
    { "reporter", 0, 0, G_OPTION_ARG_STRING, &reporter,
      N_("Who reports it (required)"), N_("NAME") },
    { "contact", 0, 0, G_OPTION_ARG_STRING, &contact,
      N_("A phone number or e-mail address (required)"), N_("CONTACT") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description,
      N_("What is wrong, so that its scope can be judged (required)"), N_("TEXT") },
    { "urgent", 0, 0, G_OPTION_ARG_NONE, &urgent,
      N_("An urgent case for the operational coordinator"), NULL },
    { "mobile", 0, 0, G_OPTION_ARG_STRING, &mobile,
      N_("Urgent: the contact’s mobile number"), N_("NUMBER") },
    { "users", 0, 0, G_OPTION_ARG_STRING, &users, N_("Urgent: the users affected"), N_("TEXT") },
    { "computers", 0, 0, G_OPTION_ARG_STRING, &computers,
      N_("Urgent: the computers affected"), N_("TEXT") },
    { "servers", 0, 0, G_OPTION_ARG_STRING, &servers,
      N_("Urgent: the servers affected"), N_("TEXT") },
    { "competence", 0, 0, G_OPTION_ARG_STRING, &competence,
      N_("Urgent: the competence needed"), N_("TEXT") },
    { NULL }
  };

  summary = g_strconcat (_("Reports a fault, or with --urgent an urgent case. It waits in the "
                           "outbox until “sync” sends it. Prints the report’s id."),
                         " ",
                         _("Report handlers acknowledge and close one with “report ack” and "
                           "“report close”."),
                         NULL);
  status = _dk_cli_parse (cli, command, NULL, summary, entries, 0, 0, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  if (service == NULL)
    return _dk_cli_usage_error (command, _("--service is required"));
  if (unit == NULL)
    return _dk_cli_usage_error (command, _("--unit is required"));
  if (reporter == NULL)
    return _dk_cli_usage_error (command, _("--reporter is required"));
  if (contact == NULL)
    return _dk_cli_usage_error (command, _("--contact is required"));
  if (description == NULL)
    return _dk_cli_usage_error (command, _("--description is required"));
  if (!urgent && (mobile || users || computers || servers || competence))
    return _dk_cli_usage_error (command,
                                _("--mobile, --users, --computers, --servers and --competence "
                                  "go with --urgent"));

  report = dk_report_new ();
  report->id = g_uuid_string_random ();
  report->kind = urgent ? DK_REPORT_KIND_URGENT : DK_REPORT_KIND_FAULT;
  report->service = g_steal_pointer (&service);
  report->reporter = g_steal_pointer (&reporter);
  report->contact = g_steal_pointer (&contact);
  report->description = g_steal_pointer (&description);
  report->mobile = g_steal_pointer (&mobile);
  report->users = g_steal_pointer (&users);
  report->computers = g_steal_pointer (&computers);
  report->servers = g_steal_pointer (&servers);
  report->competence = g_steal_pointer (&competence);

  store = _dk_cli_get_store_as_me (cli, &me, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  report->unit = _dk_cli_resolve_unit (store, unit);

  if (!dk_local_create_report (store, report, me, dk_time_now (), &error))
    return _dk_cli_fail (command, error);

  g_print ("%s\n", report->id);

  return DK_CLI_EXIT_OK;
}
