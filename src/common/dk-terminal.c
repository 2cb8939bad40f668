/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-terminal.c: reading a password from a terminal or standard input */

#define G_LOG_DOMAIN "dk-terminal"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "dk-error.h"
#include "dk-terminal.h"

/* The terminal as it was before the prompt turned echo off, so that a signal during the
 * prompt can put it back. */
static struct termios saved_termios;
static volatile sig_atomic_t termios_saved;

static void
restore_terminal_and_raise (int signum)
{
  if (termios_saved)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_termios);

  signal (signum, SIG_DFL);
  raise (signum);
}

/**
 * dk_terminal_read_secret_line:
 *
 * Returns: (transfer full) (nullable): one line of @stream without its line ending;
 *   free it with dk_terminal_secret_free()
 */
char *
dk_terminal_read_secret_line (FILE    *stream,
                              GError **error)
{
  char *line = NULL;
  size_t capacity = 0;
  ssize_t length;
  char *secret;

  errno = 0;
  length = getline (&line, &capacity, stream);
  if (length < 0)
    {
      int saved_errno = errno;

      free (line);
      if (ferror (stream))
        g_set_error (error, DK_ERROR, DK_ERROR_FAILED, _("Could not read the password: %s"),
                     g_strerror (saved_errno));
      else
        g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                             _("No password was given on standard input"));
      return NULL;
    }

  if (length > 0 && line[length - 1] == '\n')
    line[--length] = '\0';
  if (length > 0 && line[length - 1] == '\r')
    line[--length] = '\0';

  if (strlen (line) != (size_t) length)
    {
      explicit_bzero (line, capacity);
      free (line);
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID, _("The password holds a NUL byte"));
      return NULL;
    }

  secret = g_strndup (line, length);
  explicit_bzero (line, capacity);
  free (line);

  return secret;
}

/**
 * dk_terminal_read_secret:
 *
 * Prints @prompt on stderr and reads one line from the terminal on stdin with echo off;
 * a signal during the prompt puts the terminal back first.
 *
 * Returns: (transfer full) (nullable): the line; free it with dk_terminal_secret_free()
 */
char *
dk_terminal_read_secret (const char  *prompt,
                         GError     **error)
{
  struct sigaction action = { 0 };
  struct sigaction old_actions[4];
  const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
  struct termios quiet;
  char *secret;

  if (tcgetattr (STDIN_FILENO, &saved_termios) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, DK_ERROR, DK_ERROR_FAILED, _("Could not read the terminal: %s"),
                   g_strerror (saved_errno));
      return NULL;
    }

  action.sa_handler = restore_terminal_and_raise;
  sigemptyset (&action.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      sigaction (signals[i], NULL, &old_actions[i]);
      if (old_actions[i].sa_handler != SIG_IGN)
        sigaction (signals[i], &action, NULL);
    }

  quiet = saved_termios;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  quiet.c_lflag |= ECHONL;
  termios_saved = 1;

  g_printerr ("%s", prompt);
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
  secret = dk_terminal_read_secret_line (stdin, error);
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_termios);

  termios_saved = 0;
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    sigaction (signals[i], &old_actions[i], NULL);

  if (secret == NULL)
    g_printerr ("\n");

  return secret;
}

/**
 * dk_terminal_read_password:
 *
 * From the terminal without echo when stdin is one, else one line of stdin.
 *
 * Returns: (transfer full) (nullable): the password; free it with
 *   dk_terminal_secret_free()
 */
char *
dk_terminal_read_password (const char  *prompt,
                           GError     **error)
{
  if (isatty (STDIN_FILENO))
    return dk_terminal_read_secret (prompt, error);

  return dk_terminal_read_secret_line (stdin, error);
}

/**
 * dk_terminal_secret_free:
 *
 * Zeroes a secret's bytes, then frees it.
 */
void
dk_terminal_secret_free (char *secret)
{
  if (secret == NULL)
    return;

  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}
