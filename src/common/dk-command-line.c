/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-command-line.c: what driftkoll-cli's and driftkoll-server's command lines share:
 * the usage errors, the help of a command with sub-commands, the parsing of a leaf
 * command's options and arguments */

#define G_LOG_DOMAIN "dk-command-line"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "dk-command-line.h"

/* The first error writing standard output (g_print), or 0. */
static int output_errno;

static void
print_to_stdout (const char *string)
{
  g_autofree char *converted = NULL;
  const char *charset;

  /* what GLib's own handler does: the locale's charset when it is not UTF-8 */
  if (!g_get_charset (&charset))
    converted = g_convert_with_fallback (string, -1, charset, "UTF-8", "?", NULL, NULL, NULL);

  errno = 0;
  if (fputs (converted != NULL ? converted : string, stdout) == EOF || fflush (stdout) != 0)
    {
      if (output_errno == 0)
        output_errno = errno != 0 ? errno : EIO;
    }
}

static void
print_usage_message (const char *command,
                     const char *message)
{
  g_printerr ("%s: %s\n", command, message);
  g_printerr (_("Run “%s --help” to see how it is used.\n"), command);
}

/**
 * dk_command_line_init:
 *
 * Call once in main(), after setlocale(): a program run with no locale (the "C" of cron,
 * systemd and bare containers) reads and writes UTF-8 all the same, as Python does, so
 * "--title Strömavbrott" is not refused; and g_print () remembers when standard output
 * could not be written, for dk_command_line_finish_output ().
 */
void
dk_command_line_init (void)
{
  const char *ctype = setlocale (LC_CTYPE, NULL);

  if (ctype != NULL && (g_str_equal (ctype, "C") || g_str_equal (ctype, "POSIX")))
    {
      if (setlocale (LC_CTYPE, "C.UTF-8") == NULL)
        setlocale (LC_CTYPE, "C.utf8");
    }

  g_set_print_handler (print_to_stdout);
}

/**
 * dk_command_line_finish_output:
 * @program: the program's name, for the message
 * @status: the exit status so far
 *
 * Checks that what the command printed on standard output reached it: a full disk or a
 * closed stdout must not look like success to a script. A reader that went away on
 * purpose (a broken pipe: "| head -1") is not a failure.
 *
 * Returns: @status, or 1 after saying why on stderr when the output was lost
 */
int
dk_command_line_finish_output (const char *program,
                               int         status)
{
  g_return_val_if_fail (program != NULL, status);

  errno = 0;
  if (fflush (stdout) != 0 && output_errno == 0)
    output_errno = errno != 0 ? errno : EIO;
  if (output_errno == 0 || output_errno == EPIPE)
    return status;

  g_printerr (_("%s: Could not write the output: %s\n"), program, g_strerror (output_errno));
  return status == 0 ? 1 : status;
}

/**
 * dk_command_line_print_usage_error:
 * @command: the words that led here ("driftkoll-server user add")
 * @format: the message, printf-style
 * @args: its arguments
 *
 * Prints "COMMAND: MESSAGE" and how to see the command's help on stderr.
 */
void
dk_command_line_print_usage_error (const char *command,
                                   const char *format,
                                   va_list     args)
{
  g_autofree char *message = NULL;

  g_return_if_fail (command != NULL);
  g_return_if_fail (format != NULL);

  message = g_strdup_vprintf (format, args);
  print_usage_message (command, message);
}

/**
 * dk_command_line_print_unknown:
 * @command: the words that led here
 * @word: what followed them and is neither a sub-command nor an option
 *
 * Prints the usage error for an unknown option (@word starts with '-') or command.
 */
void
dk_command_line_print_unknown (const char *command,
                               const char *word)
{
  g_autofree char *message = NULL;

  g_return_if_fail (word != NULL);

  if (word[0] == '-')
    message = g_strdup_printf (_("Unknown option “%s”"), word);
  else
    message = g_strdup_printf (_("Unknown command “%s”"), word);
  print_usage_message (command, message);
}

/**
 * dk_command_line_print_failure:
 * @command: the words that led here
 * @error: what failed
 *
 * Prints "COMMAND: MESSAGE" on stderr.
 */
void
dk_command_line_print_failure (const char   *command,
                               const GError *error)
{
  g_return_if_fail (error != NULL);

  g_printerr ("%s: %s\n", command, error->message);
}

/**
 * dk_command_line_is_help:
 * @arg: an argument
 *
 * Returns: whether @arg asks for help: --help, -h, -? or help
 */
gboolean
dk_command_line_is_help (const char *arg)
{
  g_return_val_if_fail (arg != NULL, FALSE);

  return g_str_equal (arg, "--help") || g_str_equal (arg, "-h") || g_str_equal (arg, "-?")
         || g_str_equal (arg, "help");
}

/**
 * dk_command_line_append_usage:
 * @out: the help being written
 * @command: the words that lead to the command
 * @synopsis: what follows them ("COMMAND [OPTION…]"), translated
 * @summary: what the command does, translated
 *
 * Appends the "Usage:" line and the summary.
 */
void
dk_command_line_append_usage (GString    *out,
                              const char *command,
                              const char *synopsis,
                              const char *summary)
{
  g_return_if_fail (out != NULL);

  g_string_append_printf (out, "%s\n  %s %s\n\n", _("Usage:"), command, synopsis);
  g_string_append_printf (out, "%s\n\n", summary);
}

/**
 * dk_command_line_append_commands:
 * @out: the help being written
 * @rows: (array length=n_rows): the sub-commands
 * @n_rows: how many
 *
 * Appends "Commands:" with one line a sub-command, the names padded to one column.
 */
void
dk_command_line_append_commands (GString                *out,
                                 const DkCommandLineRow *rows,
                                 guint                   n_rows)
{
  int width = 0;

  g_return_if_fail (out != NULL);

  for (guint i = 0; i < n_rows; i++)
    width = MAX (width, (int) strlen (rows[i].name));

  g_string_append_printf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (out, "  %-*s  %s\n", width, rows[i].name, _(rows[i].summary));
  g_string_append_c (out, '\n');
}

/**
 * dk_command_line_append_hint:
 * @out: the help being written
 * @command: the words that lead to the command
 *
 * Appends the last line of the help: how to see a sub-command's options.
 */
void
dk_command_line_append_hint (GString    *out,
                             const char *command)
{
  g_return_if_fail (out != NULL);

  g_string_append_printf (out, _("Run “%s COMMAND --help” to see a command’s options.\n"),
                          command);
}

/**
 * dk_command_line_parse_options:
 * @command: the words that lead to the command; also the program name --help shows
 * @parameters: (nullable): the positional arguments for --help ("USERNAME")
 * @summary: what the command does, translated
 * @entries: the command's options, %NULL-terminated
 * @argc: (inout): the number of arguments, argv[0] the command's last word
 * @argv: (inout): the arguments
 *
 * Parses a leaf command's options with GLib, which prints --help itself and exits 0.
 *
 * Returns: %TRUE when they parsed; %FALSE after printing a usage error
 */
gboolean
dk_command_line_parse_options (const char          *command,
                               const char          *parameters,
                               const char          *summary,
                               const GOptionEntry  *entries,
                               int                 *argc,
                               char              ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (command != NULL, FALSE);

  /* "Usage: driftkoll-server user add [OPTION…] USERNAME" */
  g_set_prgname (command);

  context = g_option_context_new (parameters);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      print_usage_message (command, error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * dk_command_line_check_arguments:
 * @command: the words that lead to the command
 * @parameters: (nullable): the positional arguments, named for "Missing …"
 * @n_min: the fewest positional arguments
 * @n_max: the most
 * @argc: (inout): the number of arguments left by the options, argv[0] the command
 * @argv: (inout): the arguments
 *
 * Drops a "--" that ended the options and checks that between @n_min and @n_max
 * positional arguments are left; they are argv[1..] afterwards.
 *
 * Returns: %TRUE when they are; %FALSE after printing a usage error
 */
gboolean
dk_command_line_check_arguments (const char   *command,
                                 const char   *parameters,
                                 int           n_min,
                                 int           n_max,
                                 int          *argc,
                                 char       ***argv)
{
  g_autofree char *message = NULL;
  int given;

  g_return_val_if_fail (argc != NULL && argv != NULL, FALSE);

  /* a "--" that ended the options is not an argument */
  for (int i = 1; i < *argc; i++)
    {
      if (g_str_equal ((*argv)[i], "--"))
        {
          memmove (&(*argv)[i], &(*argv)[i + 1], sizeof (char *) * (*argc - i));
          (*argc)--;
          break;
        }
    }

  given = *argc - 1;
  if (given > n_max)
    message = g_strdup_printf (_("Unexpected argument “%s”"), (*argv)[n_max + 1]);
  else if (given < n_min)
    message = g_strdup_printf (_("Missing %s"), parameters);
  else
    return TRUE;

  print_usage_message (command, message);
  return FALSE;
}
