/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli.c: driftkoll-cli's global options, command dispatch, the replica and the engine */

#define G_LOG_DOMAIN "dk-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dk-cli-private.h"
#include "dk-command-line.h"
#include "dk-data-dir.h"
#include "dk-terminal.h"

static const DkCliCommand commands[] = {
  { "login", N_("Log in to the server (the password is read from the terminal or stdin)"),
    _dk_cli_login },
  { "logout", N_("Log out and forget the session"), _dk_cli_logout },
  { "status", N_("Show the server, the user, the connection and the outbox"), _dk_cli_status },
  { "sync", N_("Send the outbox and fetch what changed"), _dk_cli_sync },
  { "list", N_("List the current cases, or the archive"), _dk_cli_list },
  { "show", N_("Show one case by number or id"), _dk_cli_show },
  { "search", N_("Search the cases"), _dk_cli_search },
  { "routines", N_("List the reserve routines"), _dk_cli_routines },
  { "routine", N_("Show one reserve routine"), _dk_cli_routine },
  { "run", N_("Start, check and show runs of reserve routines"), _dk_cli_run_cmd },
  { "print", N_("Print a routine, a unit’s downtime pack or a case sheet as PDF"),
    _dk_cli_print },
  { "report", N_("Report a fault or an urgent case"), _dk_cli_report },
  { "publish", N_("Publish a new case"), _dk_cli_publish },
  { "update", N_("Add an update to a case"), _dk_cli_update },
  { "close", N_("Close a case"), _dk_cli_close },
  { "follow-up", N_("Add a follow-up note to a case"), _dk_cli_follow_up },
  { "affected", N_("Tell a case’s publishers that your unit is affected too"),
    _dk_cli_affected },
  { "reserve", N_("Declare or lift the reserve routine on a case"), _dk_cli_reserve },
  { "inbox", N_("List the reports waiting for a report handler, by service"), _dk_cli_inbox },
  { "link", N_("Link a report to the case about it"), _dk_cli_link },
  { "templates", N_("List your message templates"), _dk_cli_templates },
  { "template", N_("Save or delete a message template"), _dk_cli_template },
  { "units", N_("List the catalogue of units"), _dk_cli_units },
  { "unit", N_("Save or delete a unit of the catalogue"), _dk_cli_unit },
};

/* ---- usage and errors ---- */

int
_dk_cli_usage_error (const char *command,
                     const char *format,
                     ...)
{
  va_list args;

  va_start (args, format);
  dk_command_line_print_usage_error (command, format, args);
  va_end (args);

  return DK_CLI_EXIT_USAGE;
}

int
_dk_cli_fail (const char   *command,
              const GError *error)
{
  dk_command_line_print_failure (command, error);

  return DK_CLI_EXIT_FAILED;
}

static void
print_commands (GString            *out,
                const char         *command,
                const char         *summary,
                const DkCliCommand *list,
                guint               n_commands,
                gboolean            global)
{
  g_autofree DkCommandLineRow *rows = g_new (DkCommandLineRow, n_commands);

  for (guint i = 0; i < n_commands; i++)
    rows[i] = (DkCommandLineRow) { list[i].name, list[i].summary };

  dk_command_line_append_usage (out, command,
                                global ? _("[--server URL] [--data-dir DIR] COMMAND [OPTION…]")
                                       : _("COMMAND [OPTION…]"),
                                summary);
  dk_command_line_append_commands (out, rows, n_commands);
  if (global)
    {
      g_string_append_printf (out, "%s\n", _("Options:"));
      g_string_append_printf (out, "  %-18s  %s\n", "--server URL",
                              _("The server, e.g. https://driftkoll.example/"));
      g_string_append_printf (out, "  %-18s  %s\n", "--data-dir DIR",
                              _("Where the replica is kept (default: $DRIFTKOLL_DATA_DIR, "
                                "else the user data dir’s driftkoll)"));
      g_string_append_printf (out, "  %-18s  %s\n", "--ca-file FILE",
                              _("Trust this CA certificate file besides the system’s (kept "
                                "for later commands; an empty value forgets it)"));
      g_string_append_printf (out, "  %-18s  %s\n", "-h, --help", _("Show this help"));
      g_string_append_printf (out, "  %-18s  %s\n", "--version", _("Show the version"));
      g_string_append_c (out, '\n');
    }
  dk_command_line_append_hint (out, command);
}

static int
run_command (DkCli              *cli,
             const char         *command,
             const DkCliCommand *list,
             guint               n_commands,
             int                 argc,
             char              **argv)
{
  const char *name = argv[0];

  for (guint i = 0; i < n_commands; i++)
    {
      if (g_str_equal (name, list[i].name))
        {
          g_autofree char *full = g_strdup_printf ("%s %s", command, name);

          return list[i].run (cli, full, argc, argv);
        }
    }

  dk_command_line_print_unknown (command, name);
  return DK_CLI_EXIT_USAGE;
}

/* Runs one of @list named by argv[1]; argv[0] is the word that led here. */
int
_dk_cli_dispatch (DkCli               *cli,
                  const char          *command,
                  const char          *summary,
                  const DkCliCommand  *list,
                  guint                n_commands,
                  int                  argc,
                  char               **argv)
{
  g_autoptr(GString) help = g_string_new (NULL);

  print_commands (help, command, summary, list, n_commands, FALSE);

  if (argc < 2)
    {
      g_printerr ("%s", help->str);
      return DK_CLI_EXIT_USAGE;
    }

  if (dk_command_line_is_help (argv[1]))
    {
      g_print ("%s", help->str);
      return DK_CLI_EXIT_OK;
    }

  return run_command (cli, command, list, n_commands, argc - 1, argv + 1);
}

static void
set_string (char       **field,
            const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

/* What a careless script passes ("--data-dir "$UNSET"", "--server ftp://…", bytes that
 * are not text) is refused before anything is opened or kept in the replica. */
static int
check_global_options (DkCli       *cli,
                      const char  *command,
                      int          argc,
                      char       **argv)
{
  g_autoptr(GError) error = NULL;

  if (cli->server_url != NULL && !dk_sync_check_server_url (cli->server_url, &error))
    return _dk_cli_usage_error (command, "--server: %s", error->message);
  if (cli->data_dir != NULL && cli->data_dir[0] == '\0')
    return _dk_cli_usage_error (command, _("%s needs a value"), "--data-dir");

  /* the positional arguments are case numbers, names and text, never file names */
  for (int i = 1; i < argc; i++)
    {
      if (!g_utf8_validate (argv[i], -1, NULL))
        {
          g_autofree char *shown = g_utf8_make_valid (argv[i], -1);

          return _dk_cli_usage_error (command, _("“%s” is not UTF-8 text"), shown);
        }
    }

  return DK_CLI_EXIT_OK;
}

int
_dk_cli_parse (DkCli               *cli,
               const char          *command,
               const char          *parameters,
               const char          *summary,
               const GOptionEntry  *entries,
               int                  n_min,
               int                  n_max,
               int                 *argc,
               char              ***argv)
{
  g_autofree char *server_url = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree GOptionEntry *all_entries = NULL;
  gsize n_entries;
  const GOptionEntry global_entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server_url,
      N_("The server, e.g. https://driftkoll.example/"), N_("URL") },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Where the replica is kept"), N_("DIR") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
      N_("Trust this CA certificate file besides the system’s (kept for later commands; "
         "an empty value forgets it)"), N_("FILE") },
    { NULL }
  };

  /* the command's own options, then the global ones, all shown by --help */
  for (n_entries = 0; entries != NULL && entries[n_entries].long_name != NULL; n_entries++)
    ;
  all_entries = g_new0 (GOptionEntry, n_entries + G_N_ELEMENTS (global_entries));
  if (n_entries > 0)
    memcpy (all_entries, entries, n_entries * sizeof (GOptionEntry));
  memcpy (all_entries + n_entries, global_entries, sizeof global_entries);

  /* "Usage: driftkoll-cli run start [OPTION…] ROUTINE" */
  if (!dk_command_line_parse_options (command, parameters, summary, all_entries, argc, argv))
    return DK_CLI_EXIT_USAGE;

  if (server_url != NULL)
    set_string (&cli->server_url, server_url);
  if (data_dir != NULL)
    set_string (&cli->data_dir, data_dir);
  if (ca_file != NULL)
    set_string (&cli->ca_file, ca_file);

  if (!dk_command_line_check_arguments (command, parameters, n_min, n_max, argc, argv))
    return DK_CLI_EXIT_USAGE;

  return check_global_options (cli, command, *argc, *argv);
}

/* ---- the replica and the engine ---- */

char *
_dk_cli_dup_data_dir (DkCli *cli)
{
  return dk_data_dir_resolve (cli->data_dir);
}

DkStore *
_dk_cli_get_store (DkCli   *cli,
                   GError **error)
{
  g_autofree char *dir = NULL;

  if (cli->store != NULL)
    return cli->store;

  dir = _dk_cli_dup_data_dir (cli);
  cli->store = dk_data_dir_open_store (dir, error);

  return cli->store;
}

/* A --ca-file is kept in the replica, so a kiosk names it once at login. */
static gboolean
apply_ca_file (DkCli    *cli,
               GError  **error)
{
  if (cli->ca_file != NULL)
    return dk_sync_engine_set_ca_file (cli->engine, cli->ca_file[0] != '\0' ? cli->ca_file : NULL,
                                       error);

  return dk_sync_engine_load_ca_file (cli->engine, error);
}

DkSyncEngine *
_dk_cli_get_engine (DkCli   *cli,
                    GError **error)
{
  DkStore *store;

  if (cli->engine != NULL)
    return cli->engine;

  store = _dk_cli_get_store (cli, error);
  if (store == NULL)
    return NULL;

  cli->engine = dk_sync_engine_new (store, cli->server_url);
  if (!apply_ca_file (cli, error))
    {
      g_clear_object (&cli->engine);
      return NULL;
    }

  return cli->engine;
}

const char *
_dk_cli_get_me (DkCli   *cli,
                GError **error)
{
  DkSyncEngine *engine = _dk_cli_get_engine (cli, error);
  const char *me;

  if (engine == NULL)
    return NULL;

  me = dk_sync_engine_get_username (engine);
  if (me == NULL || me[0] == '\0')
    {
      g_set_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_NEEDS_LOGIN,
                   _("Nobody is logged in here; run “%s login USERNAME” first"),
                   DK_CLI_PROGRAM);
      return NULL;
    }

  return me;
}

/* ---- waiting for async calls ---- */

void
_dk_cli_wait_init (DkCliWait *wait)
{
  wait->loop = g_main_loop_new (NULL, FALSE);
  wait->result = NULL;
}

void
_dk_cli_async_ready_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  DkCliWait *wait = user_data;

  g_set_object (&wait->result, result);
  g_main_loop_quit (wait->loop);
}

GAsyncResult *
_dk_cli_wait_run (DkCliWait *wait)
{
  if (wait->result == NULL)
    g_main_loop_run (wait->loop);

  return wait->result;
}

void
_dk_cli_wait_clear (DkCliWait *wait)
{
  g_clear_pointer (&wait->loop, g_main_loop_unref);
  g_clear_object (&wait->result);
}

/* ---- passwords ---- */

void
_dk_cli_secret_free (char *secret)
{
  dk_terminal_secret_free (secret);
}

char *
_dk_cli_read_password (const char  *prompt,
                       GError     **error)
{
  return dk_terminal_read_password (prompt, error);
}

/* ---- the command line ---- */

static void
dk_cli_clear (DkCli *cli)
{
  g_clear_object (&cli->engine);
  g_clear_object (&cli->store);
  g_clear_pointer (&cli->server_url, g_free);
  g_clear_pointer (&cli->data_dir, g_free);
  g_clear_pointer (&cli->ca_file, g_free);
}

/* Takes "--name VALUE" or "--name=VALUE" at argv[*i]; FALSE when argv[*i] is not it. */
static gboolean
take_global_option (const char   *name,
                    int           argc,
                    char        **argv,
                    int          *i,
                    char        **value,
                    gboolean     *missing)
{
  const char *arg = argv[*i];
  gsize len = strlen (name);

  if (strncmp (arg, name, len) != 0)
    return FALSE;

  if (arg[len] == '=')
    {
      set_string (value, arg + len + 1);
      return TRUE;
    }
  if (arg[len] != '\0')
    return FALSE;

  if (*i + 1 >= argc)
    {
      *missing = TRUE;
      return TRUE;
    }

  (*i)++;
  set_string (value, argv[*i]);
  return TRUE;
}

/**
 * dk_cli_run:
 * @argc: the number of arguments
 * @argv: the arguments, argv[0] the program
 *
 * Runs one driftkoll-cli command line: the global options (--server, --data-dir,
 * --help, --version), then the command with its own options.
 *
 * Returns: the exit status (#DkCliExit)
 */
int
dk_cli_run (int    argc,
            char **argv)
{
  g_autoptr(GString) help = g_string_new (NULL);
  DkCli cli = { 0 };
  int status;
  int i;

  g_set_prgname (DK_CLI_PROGRAM);
  print_commands (help, DK_CLI_PROGRAM,
                  _("The Driftkoll replica and sync from a terminal."),
                  commands, G_N_ELEMENTS (commands), TRUE);

  for (i = 1; i < argc && argv[i][0] == '-'; i++)
    {
      gboolean missing = FALSE;

      if (g_str_equal (argv[i], "--"))
        {
          i++;
          break;
        }
      if (dk_command_line_is_help (argv[i]))
        {
          g_print ("%s", help->str);
          dk_cli_clear (&cli);
          return DK_CLI_EXIT_OK;
        }
      if (g_str_equal (argv[i], "--version"))
        {
          g_print ("%s %s\n", DK_CLI_PROGRAM, PACKAGE_VERSION);
          dk_cli_clear (&cli);
          return DK_CLI_EXIT_OK;
        }
      if (take_global_option ("--server", argc, argv, &i, &cli.server_url, &missing)
          || take_global_option ("--data-dir", argc, argv, &i, &cli.data_dir, &missing)
          || take_global_option ("--ca-file", argc, argv, &i, &cli.ca_file, &missing))
        {
          if (missing)
            {
              status = _dk_cli_usage_error (DK_CLI_PROGRAM, _("%s needs a value"), argv[i]);
              dk_cli_clear (&cli);
              return status;
            }
          continue;
        }

      status = _dk_cli_usage_error (DK_CLI_PROGRAM, _("Unknown option “%s”"), argv[i]);
      dk_cli_clear (&cli);
      return status;
    }

  if (i >= argc)
    {
      g_printerr ("%s", help->str);
      dk_cli_clear (&cli);
      return DK_CLI_EXIT_USAGE;
    }
  if (dk_command_line_is_help (argv[i]))
    {
      g_print ("%s", help->str);
      dk_cli_clear (&cli);
      return DK_CLI_EXIT_OK;
    }

  status = run_command (&cli, DK_CLI_PROGRAM, commands, G_N_ELEMENTS (commands),
                        argc - i, argv + i);
  dk_cli_clear (&cli);

  return status;
}
