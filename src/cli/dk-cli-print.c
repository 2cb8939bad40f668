/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli-print.c: driftkoll-cli print: routines, downtime packs and case sheets as PDF,
 * from the replica, without a display */

#define G_LOG_DOMAIN "dk-cli-print"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-cli-private.h"
#include "dk-print-document.h"

static int print_routine (DkCli *cli, const char *command, int argc, char **argv);
static int print_pack    (DkCli *cli, const char *command, int argc, char **argv);
static int print_case    (DkCli *cli, const char *command, int argc, char **argv);

static const DkCliCommand print_commands[] = {
  { "routine", N_("Print a reserve routine with boxes to tick"), print_routine },
  { "pack", N_("Print a unit’s downtime pack: its routines and blank forms"), print_pack },
  { "case", N_("Print a case sheet for a notice board"), print_case },
};

/* Writes @document to @pdf; the status to exit with. */
static int
write_document (const char       *command,
                DkPrintDocument  *document,
                const char       *pdf)
{
  g_autoptr(GError) error = NULL;

  if (!dk_print_document_write_pdf (document, pdf, &error))
    return _dk_cli_fail (command, error);

  return DK_CLI_EXIT_OK;
}

/* A command that prints one object of the replica, named on the command line. */
typedef struct {
  const char        *parameter;   /* N_() */
  const char        *summary;     /* N_() */
  DkPrintDocument *(*new_document) (DkStore     *store,
                                    const char  *id,
                                    GError     **error);
} PrintOneCommand;

static int
print_one (DkCli                 *cli,
           const char            *command,
           const PrintOneCommand *print,
           int                    argc,
           char                 **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkPrintDocument) document = NULL;
  g_autofree char *pdf = NULL;
  DkStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("The PDF file to write (required)"),
      N_("FILE") },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, _(print->parameter), _(print->summary), entries, 1, 1,
                          &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;
  if (pdf == NULL)
    return _dk_cli_usage_error (command, _("--pdf is required"));

  store = _dk_cli_get_store (cli, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  document = print->new_document (store, argv[1], &error);
  if (document == NULL)
    return _dk_cli_fail (command, error);

  return write_document (command, document, pdf);
}

static int
print_routine (DkCli       *cli,
               const char  *command,
               int          argc,
               char       **argv)
{
  static const PrintOneCommand routine = {
    N_("ROUTINE"),
    N_("Writes a reserve routine as a PDF: document control, the steps before, during and "
       "after an outage, each with a box to tick."),
    dk_print_document_new_routine,
  };

  return print_one (cli, command, &routine, argc, argv);
}

static int
print_pack (DkCli       *cli,
            const char  *command,
            int          argc,
            char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkPrintDocument) document = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *resolved = NULL;
  g_auto(GStrv) services = NULL;
  DkStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "unit", 0, 0, G_OPTION_ARG_STRING, &unit, N_("The unit (ward) (required)"), N_("UNIT") },
    { "service", 0, 0, G_OPTION_ARG_STRING_ARRAY, &services,
      N_("A service the unit follows (repeat for more; default: the services you follow)"),
      N_("SERVICE") },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("The PDF file to write (required)"),
      N_("FILE") },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, NULL,
                          _("Writes a unit’s downtime pack as one PDF: a cover with the "
                            "contents, every approved reserve routine for the services the "
                            "unit follows, and the blank forms they name."),
                          entries, 0, 0, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;
  if (unit == NULL || unit[0] == '\0')
    return _dk_cli_usage_error (command, _("--unit is required"));
  if (pdf == NULL)
    return _dk_cli_usage_error (command, _("--pdf is required"));

  store = _dk_cli_get_store (cli, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  resolved = _dk_cli_resolve_unit (store, unit);
  document = dk_print_document_new_pack (store, resolved, (const char * const *) services,
                                         &error);
  if (document == NULL)
    return _dk_cli_fail (command, error);

  return write_document (command, document, pdf);
}

static int
print_case (DkCli       *cli,
            const char  *command,
            int          argc,
            char       **argv)
{
  static const PrintOneCommand case_sheet = {
    N_("CASE"),
    N_("Writes a one-page case sheet for a notice board as a PDF: status, scope, estimated "
       "end and the latest update."),
    dk_print_document_new_case,
  };

  return print_one (cli, command, &case_sheet, argc, argv);
}

int
_dk_cli_print (DkCli       *cli,
               const char  *command,
               int          argc,
               char       **argv)
{
  int status;

  status = _dk_cli_dispatch (cli, command,
                             _("Routines, downtime packs and case sheets as PDF, from the "
                               "replica."),
                             print_commands, G_N_ELEMENTS (print_commands), argc, argv);
  dk_print_release_caches ();

  return status;
}
