/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-cli.c: driftkoll-server's command line: init, serve, user, import */

#define G_LOG_DOMAIN "dk-server-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "dk-core.h"
#include "dk-server-auth.h"
#include "dk-server-cli.h"
#include "dk-server-db.h"
#include "dk-server-import.h"
#include "dk-server.h"

#define PROGRAM "driftkoll-server"

typedef int (*CommandFunc) (const char  *program,
                            int          argc,
                            char       **argv);

typedef struct {
  const char  *name;
  const char  *summary;   /* N_() */
  CommandFunc  run;
} Command;

/* A password in memory: zeroed before it is freed. */
typedef char Secret;

static void
secret_free (Secret *secret)
{
  if (secret == NULL)
    return;

  sodium_memzero (secret, strlen (secret));
  g_free (secret);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Secret, secret_free)

/* The terminal as it was before a password prompt turned echo off, so that a signal
 * during the prompt can put it back. */
static struct termios saved_termios;
static volatile sig_atomic_t termios_saved;

typedef struct {
  DkServer  *server;
  GMainLoop *loop;
} ServeState;

static int run_init         (const char *program, int argc, char **argv);
static int run_serve        (const char *program, int argc, char **argv);
static int run_user         (const char *program, int argc, char **argv);
static int run_user_add     (const char *program, int argc, char **argv);
static int run_user_passwd  (const char *program, int argc, char **argv);
static int run_user_list    (const char *program, int argc, char **argv);
static int run_user_disable (const char *program, int argc, char **argv);
static int run_user_enable  (const char *program, int argc, char **argv);
static int run_user_roles   (const char *program, int argc, char **argv);
static int run_import       (const char *program, int argc, char **argv);
static int run_import_cases (const char *program, int argc, char **argv);

static const Command commands[] = {
  { "init", N_("Create a new database, optionally with demo data"), run_init },
  { "serve", N_("Serve the API, the events socket, the public page and the feed"), run_serve },
  { "user", N_("Add, list, disable and change users"), run_user },
  { "import", N_("Import services and routines from a JSON file"), run_import },
  { "import-cases", N_("Import cases from a JSON Lines file"), run_import_cases },
};

static const Command user_commands[] = {
  { "add", N_("Add a user"), run_user_add },
  { "passwd", N_("Set a user’s password and end their sessions"), run_user_passwd },
  { "list", N_("List the users"), run_user_list },
  { "disable", N_("Disable a user and end their sessions"), run_user_disable },
  { "enable", N_("Enable a disabled user"), run_user_enable },
  { "roles", N_("Set a user’s roles"), run_user_roles },
};

/* ---- helpers ---- */

static int usage_error (const char *program,
                        const char *format,
                        ...) G_GNUC_PRINTF (2, 3);

static int
usage_error (const char *program,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("%s: %s\n", program, message);
  g_printerr (_("Run “%s --help” to see how it is used.\n"), program);

  return DK_SERVER_CLI_EXIT_USAGE;
}

static int
report_failure (const char   *program,
                const GError *error)
{
  g_printerr ("%s: %s\n", program, error->message);

  return DK_SERVER_CLI_EXIT_FAILED;
}

static void
print_commands (GString       *out,
                const char    *program,
                const char    *summary,
                const Command *list,
                guint          n_commands)
{
  int width = 0;

  for (guint i = 0; i < n_commands; i++)
    width = MAX (width, (int) strlen (list[i].name));

  g_string_append_printf (out, "%s\n  %s %s\n\n", _("Usage:"), program, _("COMMAND [OPTION…]"));
  g_string_append_printf (out, "%s\n\n", summary);
  g_string_append_printf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < n_commands; i++)
    g_string_append_printf (out, "  %-*s  %s\n", width, list[i].name, _(list[i].summary));
  g_string_append_c (out, '\n');
  g_string_append_printf (out, _("Run “%s COMMAND --help” to see a command’s options.\n"),
                          program);
}

/* Runs one of @list named by argv[1]; argv[0] is the word that led here. */
static int
dispatch (const char    *program,
          const char    *summary,
          const Command *list,
          guint          n_commands,
          int            argc,
          char         **argv)
{
  g_autoptr(GString) help = g_string_new (NULL);
  const char *name;

  print_commands (help, program, summary, list, n_commands);

  if (argc < 2)
    {
      g_printerr ("%s", help->str);
      return DK_SERVER_CLI_EXIT_USAGE;
    }

  name = argv[1];
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "-?") ||
      g_str_equal (name, "help"))
    {
      g_print ("%s", help->str);
      return DK_SERVER_CLI_EXIT_OK;
    }

  for (guint i = 0; i < n_commands; i++)
    {
      if (g_str_equal (name, list[i].name))
        {
          g_autofree char *command = g_strdup_printf ("%s %s", program, name);

          return list[i].run (command, argc - 1, argv + 1);
        }
    }

  if (name[0] == '-')
    return usage_error (program, _("Unknown option “%s”"), name);

  return usage_error (program, _("Unknown command “%s”"), name);
}

/* Parses a leaf command's options (GLib prints --help and exits 0) and checks that
 * exactly @n_positional arguments are left; they are argv[1..] afterwards. */
static int
parse_command (const char          *program,
               const char          *parameters,
               const char          *summary,
               const GOptionEntry  *entries,
               int                  n_positional,
               int                 *argc,
               char              ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int given;

  /* "Usage: driftkoll-server user add [OPTION…] USERNAME" */
  g_set_prgname (program);

  context = g_option_context_new (parameters);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    return usage_error (program, "%s", error->message);

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
  if (given > n_positional)
    return usage_error (program, _("Unexpected argument “%s”"), (*argv)[n_positional + 1]);
  if (given < n_positional)
    return usage_error (program, _("Missing %s"), parameters);

  return DK_SERVER_CLI_EXIT_OK;
}

static int
require_db (const char *program,
            const char *db_path)
{
  if (db_path == NULL || db_path[0] == '\0')
    return usage_error (program, _("--db FILE is required"));

  return DK_SERVER_CLI_EXIT_OK;
}

/* Every command but init works on a database that init created: a mistyped path must
 * not leave a new empty database behind. */
static DkServerDb *
open_existing_db (const char  *path,
                  GError     **error)
{
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND,
                   _("There is no database at %s; create one with “%s init --db %s”"),
                   display, PROGRAM, display);
      return NULL;
    }

  return dk_server_db_open (path, error);
}

static void
remove_database_files (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_remove (file) != 0 && errno != ENOENT)
        g_warning ("Could not remove %s: %s", file, g_strerror (errno));
    }
}

static char *
roles_to_text (DkRole roles)
{
  g_auto(GStrv) names = dk_roles_to_strv (roles);

  return g_strjoinv (",", names);
}

/* Parses --roles; every user is staff besides. */
static gboolean
parse_roles (const char  *text,
             DkRole      *roles,
             GError     **error)
{
  DkRole parsed = 0;

  if (!dk_roles_from_string (text, &parsed, error))
    return FALSE;

  *roles = parsed | DK_ROLE_STAFF;
  return TRUE;
}

/* ---- passwords ---- */

static void
restore_terminal_and_raise (int signum)
{
  if (termios_saved)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_termios);

  signal (signum, SIG_DFL);
  raise (signum);
}

/* One line of @stream without its line ending. */
static Secret *
read_secret_line (FILE    *stream,
                  GError **error)
{
  char *line = NULL;
  size_t capacity = 0;
  ssize_t length;
  Secret *secret;

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
      sodium_memzero (line, capacity);
      free (line);
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("The password holds a NUL byte"));
      return NULL;
    }

  secret = g_strndup (line, length);
  sodium_memzero (line, capacity);
  free (line);

  return secret;
}

/* Reads a line from the terminal on stdin with echo turned off. */
static Secret *
read_secret_from_terminal (const char  *prompt,
                           GError     **error)
{
  struct sigaction action = { 0 };
  struct sigaction old_actions[4];
  const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
  struct termios quiet;
  Secret *secret;

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
  secret = read_secret_line (stdin, error);
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_termios);

  termios_saved = 0;
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    sigaction (signals[i], &old_actions[i], NULL);

  if (secret == NULL)
    g_printerr ("\n");

  return secret;
}

/* A new password: from the terminal twice, or one line of stdin when asked to or when
 * stdin is not a terminal. */
static Secret *
read_new_password (const char  *username,
                   gboolean     from_stdin,
                   GError     **error)
{
  g_autoptr(Secret) password = NULL;

  if (from_stdin || !isatty (STDIN_FILENO))
    {
      password = read_secret_line (stdin, error);
      if (password == NULL)
        return NULL;
    }
  else
    {
      g_autofree char *prompt = g_strdup_printf (_("New password for %s: "), username);
      g_autoptr(Secret) again = NULL;

      password = read_secret_from_terminal (prompt, error);
      if (password == NULL)
        return NULL;

      again = read_secret_from_terminal (_("Repeat the password: "), error);
      if (again == NULL)
        return NULL;

      if (!g_str_equal (password, again))
        {
          g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                               _("The passwords do not match"));
          return NULL;
        }
    }

  if (!dk_password_validate (password, error))
    return NULL;

  return g_steal_pointer (&password);
}

/* Reads, checks and hashes a new password. (transfer full) */
static char *
read_new_password_hash (const char  *username,
                        gboolean     from_stdin,
                        GError     **error)
{
  g_autoptr(Secret) password = read_new_password (username, from_stdin, error);

  if (password == NULL)
    return NULL;

  return dk_password_hash (password, error);
}

/* ---- init ---- */

static void
print_demo_logins (DkServerDb *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = dk_server_db_list_users (db, &error);

  if (users == NULL)
    {
      g_warning ("Could not list the demo users: %s", error->message);
      return;
    }

  g_print ("%s\n", _("Demo logins, each with the password “demo”:"));
  for (guint i = 0; i < users->len; i++)
    {
      const DkStoredUser *user = g_ptr_array_index (users, i);
      g_autofree char *roles = roles_to_text (user->roles);

      g_print ("  %-20s  %s\n", user->username, roles);
    }
}

static gboolean
load_demo (DkServerDb  *db,
           GError     **error)
{
  if (!dk_server_db_begin (db, error))
    return FALSE;

  if (!dk_server_load_demo (db, dk_time_now (), error) || !dk_server_db_commit (db, error))
    {
      dk_server_db_rollback (db);
      return FALSE;
    }

  return TRUE;
}

static int
run_init (const char  *program,
          int          argc,
          char       **argv)
{
  g_autofree char *db_path = NULL;
  gboolean demo = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("The database file to create"),
      N_("FILE") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo,
      N_("Load demo services, routines, cases and one user per role"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *display = NULL;
  GStatBuf st;
  gboolean existed;
  int status;

  status = parse_command (program, NULL,
                          _("Creates a new database. An existing database is left as it is."),
                          entries, 0, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;
  if ((status = require_db (program, db_path)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  display = g_filename_display_name (db_path);

  /* Refused before opening, so that the file is not touched at all. An empty file
   * (from mktemp, say) is taken as a new one. */
  existed = g_stat (db_path, &st) == 0;
  if (existed && st.st_size > 0)
    {
      g_printerr (_("%s: %s already exists; init leaves it as it is\n"), program, display);
      return DK_SERVER_CLI_EXIT_FAILED;
    }

  db = dk_server_db_open (db_path, &error);
  if (db == NULL)
    return report_failure (program, error);

  if (!dk_server_db_is_empty (db))
    {
      g_printerr (_("%s: %s already holds data; init leaves it as it is\n"), program, display);
      return DK_SERVER_CLI_EXIT_FAILED;
    }

  if (demo && !load_demo (db, &error))
    {
      /* nothing half-made is left behind */
      g_clear_object (&db);
      if (!existed)
        remove_database_files (db_path);
      return report_failure (program, error);
    }

  g_print (_("Created the database %s\n"), display);
  if (demo)
    {
      g_print ("%s\n", _("Loaded the demo services, routines and cases"));
      print_demo_logins (db);
    }

  return DK_SERVER_CLI_EXIT_OK;
}

/* ---- serve ---- */

/* "127.0.0.1:8080" or "[::1]:8080"; the address must be an IP literal. */
static gboolean
parse_listen (const char  *text,
              char       **address_out,
              guint       *port_out,
              GError     **error)
{
  g_autofree char *address = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  const char *port_text;
  guint64 port;

  if (text[0] == '[')
    {
      const char *end = strchr (text, ']');

      if (end != NULL && end[1] == ':')
        {
          address = g_strndup (text + 1, end - text - 1);
          port_text = end + 2;
        }
      else
        {
          port_text = NULL;
        }
    }
  else
    {
      const char *colon = strrchr (text, ':');

      if (colon != NULL && memchr (text, ':', colon - text) == NULL)
        {
          address = g_strndup (text, colon - text);
          port_text = colon + 1;
        }
      else
        {
          port_text = NULL;
        }
    }

  if (address != NULL)
    inet = g_inet_address_new_from_string (address);

  if (port_text == NULL || inet == NULL ||
      !g_ascii_string_to_unsigned (port_text, 10, 0, G_MAXUINT16, &port, NULL))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("“%s” is not ADDRESS:PORT with an IP address, such as 127.0.0.1:8080 "
                     "or [::1]:8080"), text);
      return FALSE;
    }

  *address_out = g_steal_pointer (&address);
  *port_out = (guint) port;
  return TRUE;
}

static gboolean
serve_signal_received_cb (gpointer user_data)
{
  ServeState *state = user_data;

  g_debug ("Stopping on a signal");
  g_main_loop_quit (state->loop);

  return G_SOURCE_CONTINUE;
}

static int
run_serve (const char  *program,
           int          argc,
           char       **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("The database, made by init"),
      N_("FILE") },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      N_("The address and port to listen on, such as 127.0.0.1:8080 or [::1]:8080; "
         "port 0 picks a free one"), N_("ADDR:PORT") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
      N_("The TLS certificate (PEM); serves https"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, N_("The TLS private key (PEM)"),
      N_("FILE") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(DkServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *base_url = NULL;
  ServeState state = { NULL, NULL };
  guint sigterm_id;
  guint sigint_id;
  guint port = 0;
  int status;

  status = parse_command (program, NULL,
                          _("Serves the HTTP/JSON API, the events WebSocket, the public page "
                            "and the feed until SIGTERM or SIGINT. The first line on standard "
                            "output is “listening on URL”, once it accepts connections."),
                          entries, 0, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;
  if ((status = require_db (program, db_path)) != DK_SERVER_CLI_EXIT_OK)
    return status;
  if (listen == NULL)
    return usage_error (program, _("--listen ADDR:PORT is required"));
  if ((tls_cert == NULL) != (tls_key == NULL))
    return usage_error (program, _("--tls-cert and --tls-key go together"));
  if (!parse_listen (listen, &address, &port, &error))
    return usage_error (program, "%s", error->message);

  if (tls_cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, &error);
      if (certificate == NULL)
        return report_failure (program, error);
    }

  db = open_existing_db (db_path, &error);
  if (db == NULL)
    return report_failure (program, error);
  if (dk_server_db_is_empty (db))
    g_printerr (_("%s: the database is empty; add a user with “%s user add”\n"),
                program, PROGRAM);

  /* A peer that hangs up must not kill the server. */
  signal (SIGPIPE, SIG_IGN);

  loop = g_main_loop_new (NULL, FALSE);
  server = dk_server_new (db);
  state.loop = loop;
  state.server = server;

  /* Before the first line goes out: whoever reads it may signal at once. */
  sigterm_id = g_unix_signal_add (SIGTERM, serve_signal_received_cb, &state);
  sigint_id = g_unix_signal_add (SIGINT, serve_signal_received_cb, &state);

  if (!dk_server_listen (server, address, port, certificate, &error))
    {
      g_source_remove (sigterm_id);
      g_source_remove (sigint_id);
      return report_failure (program, error);
    }

  base_url = dk_server_dup_base_url (server);
  /* The contract of ARCHITECTURE.md: never translated, never reworded. */
  g_print ("listening on %s\n", base_url);
  fflush (stdout);

  g_main_loop_run (loop);

  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);

  dk_server_shutdown (server);

  /* let closing connections and sockets finish what is already queued */
  for (guint i = 0; i < 100 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);

  g_clear_object (&server);
  g_clear_object (&db);

  return DK_SERVER_CLI_EXIT_OK;
}

/* ---- user ---- */

static int
run_user (const char  *program,
          int          argc,
          char       **argv)
{
  return dispatch (program, _("Manages the users who may log in."),
                   user_commands, G_N_ELEMENTS (user_commands), argc, argv);
}

static gboolean
check_user_exists (DkServerDb  *db,
                   const char  *username,
                   GError     **error)
{
  g_autoptr(DkStoredUser) user = NULL;
  g_autoptr(GError) local_error = NULL;

  user = dk_server_db_get_user (db, username, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (user == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND, _("There is no user “%s”"), username);
      return FALSE;
    }

  return TRUE;
}

static int
run_user_add (const char  *program,
              int          argc,
              char       **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *roles_text = NULL;
  gboolean password_stdin = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("The database"), N_("FILE") },
    { "roles", 0, 0, G_OPTION_ARG_STRING, &roles_text,
      N_("Roles besides staff, comma-separated: servicedesk, customer_center, "
         "lab_communicator, crisis_communicator, release_coordinator, routine_owner, admin"),
      N_("LIST") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("Read the password as one line of standard input"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(DkStoredUser) existing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *roles_done = NULL;
  const char *username;
  DkRole roles = DK_ROLE_STAFF;
  int status;

  status = parse_command (program, _("USERNAME"),
                          _("Adds a user. The password is asked for twice on a terminal, or "
                            "read as one line of standard input."),
                          entries, 1, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;
  if ((status = require_db (program, db_path)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  username = argv[1];
  if (!dk_username_validate (username, &error) || !parse_roles (roles_text, &roles, &error))
    return usage_error (program, "%s", error->message);

  db = open_existing_db (db_path, &error);
  if (db == NULL)
    return report_failure (program, error);

  /* before asking for a password that would be thrown away */
  existing = dk_server_db_get_user (db, username, &error);
  if (error != NULL)
    return report_failure (program, error);
  if (existing != NULL)
    {
      g_printerr (_("%s: the user “%s” already exists\n"), program, username);
      return DK_SERVER_CLI_EXIT_FAILED;
    }

  hash = read_new_password_hash (username, password_stdin, &error);
  if (hash == NULL)
    return report_failure (program, error);

  if (!dk_server_db_add_user (db, username, hash, roles, &error))
    return report_failure (program, error);

  roles_done = roles_to_text (roles);
  g_print (_("Added the user %s with the roles %s\n"), username, roles_done);

  return DK_SERVER_CLI_EXIT_OK;
}

static int
run_user_passwd (const char  *program,
                 int          argc,
                 char       **argv)
{
  g_autofree char *db_path = NULL;
  gboolean password_stdin = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("The database"), N_("FILE") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("Read the password as one line of standard input"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  const char *username;
  int status;

  status = parse_command (program, _("USERNAME"),
                          _("Sets a user’s password and ends the user’s sessions."),
                          entries, 1, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;
  if ((status = require_db (program, db_path)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  username = argv[1];
  db = open_existing_db (db_path, &error);
  if (db == NULL)
    return report_failure (program, error);
  if (!check_user_exists (db, username, &error))
    return report_failure (program, error);

  hash = read_new_password_hash (username, password_stdin, &error);
  if (hash == NULL)
    return report_failure (program, error);

  if (!dk_server_db_begin (db, &error))
    return report_failure (program, error);
  if (!dk_server_db_set_password (db, username, hash, &error) ||
      !dk_server_db_delete_user_sessions (db, username, &error) ||
      !dk_server_db_commit (db, &error))
    {
      dk_server_db_rollback (db);
      return report_failure (program, error);
    }

  g_print (_("Set the password of %s and ended their sessions\n"), username);

  return DK_SERVER_CLI_EXIT_OK;
}

static void
print_users_json (GPtrArray *users)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < users->len; i++)
    {
      const DkStoredUser *user = g_ptr_array_index (users, i);
      g_auto(GStrv) roles = dk_roles_to_strv (user->roles);
      g_autofree char *created = dk_time_format (user->created_at);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "username");
      json_builder_add_string_value (builder, user->username);
      json_builder_set_member_name (builder, "roles");
      json_builder_begin_array (builder);
      for (guint j = 0; roles[j] != NULL; j++)
        json_builder_add_string_value (builder, roles[j]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "disabled");
      json_builder_add_boolean_value (builder, user->disabled);
      json_builder_set_member_name (builder, "created_at");
      if (created != NULL)
        json_builder_add_string_value (builder, created);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static void
append_padded (GString    *out,
               const char *text,
               int         width)
{
  g_string_append (out, text);
  for (glong n = g_utf8_strlen (text, -1); n < width; n++)
    g_string_append_c (out, ' ');
}

static void
print_users_table (GPtrArray *users)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_free);
  const char *username_title = _("USERNAME");
  const char *roles_title = _("ROLES");
  const char *status_title = _("STATUS");
  int username_width = (int) g_utf8_strlen (username_title, -1);
  int roles_width = (int) g_utf8_strlen (roles_title, -1);

  for (guint i = 0; i < users->len; i++)
    {
      const DkStoredUser *user = g_ptr_array_index (users, i);
      char *text = roles_to_text (user->roles);

      username_width = MAX (username_width, (int) g_utf8_strlen (user->username, -1));
      roles_width = MAX (roles_width, (int) g_utf8_strlen (text, -1));
      g_ptr_array_add (roles, text);
    }

  append_padded (out, username_title, username_width + 2);
  append_padded (out, roles_title, roles_width + 2);
  g_string_append_printf (out, "%s\n", status_title);

  for (guint i = 0; i < users->len; i++)
    {
      const DkStoredUser *user = g_ptr_array_index (users, i);

      append_padded (out, user->username, username_width + 2);
      append_padded (out, g_ptr_array_index (roles, i), roles_width + 2);
      g_string_append_printf (out, "%s\n",
                              user->disabled ? C_("user status", "disabled")
                                             : C_("user status", "active"));
    }

  g_print ("%s", out->str);
}

static int
run_user_list (const char  *program,
               int          argc,
               char       **argv)
{
  g_autofree char *db_path = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("The database"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  status = parse_command (program, NULL,
                          _("Lists the users with their roles and whether they are disabled."),
                          entries, 0, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;
  if ((status = require_db (program, db_path)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  db = open_existing_db (db_path, &error);
  if (db == NULL)
    return report_failure (program, error);

  users = dk_server_db_list_users (db, &error);
  if (users == NULL)
    return report_failure (program, error);

  if (json)
    print_users_json (users);
  else
    print_users_table (users);

  return DK_SERVER_CLI_EXIT_OK;
}

static int
set_user_disabled (const char  *program,
                   int          argc,
                   char       **argv,
                   gboolean     disabled)
{
  g_autofree char *db_path = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("The database"), N_("FILE") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(GError) error = NULL;
  const char *username;
  int status;

  status = parse_command (program, _("USERNAME"),
                          disabled ? _("Disables a user and ends the user’s sessions.")
                                   : _("Enables a disabled user."),
                          entries, 1, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;
  if ((status = require_db (program, db_path)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  username = argv[1];
  db = open_existing_db (db_path, &error);
  if (db == NULL)
    return report_failure (program, error);
  if (!check_user_exists (db, username, &error))
    return report_failure (program, error);

  if (!dk_server_db_begin (db, &error))
    return report_failure (program, error);
  if (!dk_server_db_set_disabled (db, username, disabled, &error) ||
      (disabled && !dk_server_db_delete_user_sessions (db, username, &error)) ||
      !dk_server_db_commit (db, &error))
    {
      dk_server_db_rollback (db);
      return report_failure (program, error);
    }

  if (disabled)
    g_print (_("Disabled %s and ended their sessions\n"), username);
  else
    g_print (_("Enabled %s\n"), username);

  return DK_SERVER_CLI_EXIT_OK;
}

static int
run_user_disable (const char  *program,
                  int          argc,
                  char       **argv)
{
  return set_user_disabled (program, argc, argv, TRUE);
}

static int
run_user_enable (const char  *program,
                 int          argc,
                 char       **argv)
{
  return set_user_disabled (program, argc, argv, FALSE);
}

static int
run_user_roles (const char  *program,
                int          argc,
                char       **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *roles_text = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("The database"), N_("FILE") },
    { "roles", 0, 0, G_OPTION_ARG_STRING, &roles_text,
      N_("The roles besides staff, comma-separated (replaces the present ones; empty for "
         "staff only)"), N_("LIST") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *roles_done = NULL;
  const char *username;
  DkRole roles = DK_ROLE_STAFF;
  int status;

  status = parse_command (program, _("USERNAME"),
                          _("Sets a user’s roles; every user is staff besides."),
                          entries, 1, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;
  if ((status = require_db (program, db_path)) != DK_SERVER_CLI_EXIT_OK)
    return status;
  if (roles_text == NULL)
    return usage_error (program, _("--roles LIST is required"));

  username = argv[1];
  if (!parse_roles (roles_text, &roles, &error))
    return usage_error (program, "%s", error->message);

  db = open_existing_db (db_path, &error);
  if (db == NULL)
    return report_failure (program, error);
  if (!check_user_exists (db, username, &error))
    return report_failure (program, error);
  if (!dk_server_db_set_roles (db, username, roles, &error))
    return report_failure (program, error);

  roles_done = roles_to_text (roles);
  g_print (_("Set the roles of %s to %s\n"), username, roles_done);

  return DK_SERVER_CLI_EXIT_OK;
}

/* ---- import ---- */

static double
seconds_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

static int
run_import (const char  *program,
            int          argc,
            char       **argv)
{
  g_autofree char *db_path = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("The database"), N_("FILE") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *services = NULL;
  g_autofree char *routines = NULL;
  guint n_services = 0;
  guint n_routines = 0;
  gint64 start;
  int status;

  status = parse_command (program, _("FILE.json"),
                          _("Imports services and routines, {\"services\": […], \"routines\": "
                            "[…]}. Existing ids get a new revision. All or nothing."),
                          entries, 1, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;
  if ((status = require_db (program, db_path)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  db = open_existing_db (db_path, &error);
  if (db == NULL)
    return report_failure (program, error);

  start = g_get_monotonic_time ();
  if (!dk_server_import_file (db, argv[1], &n_services, &n_routines, &error))
    return report_failure (program, error);

  services = g_strdup_printf (ngettext ("%u service", "%u services", n_services), n_services);
  routines = g_strdup_printf (ngettext ("%u routine", "%u routines", n_routines), n_routines);
  /* TRANSLATORS: "Imported 12 services and 30 routines in 0.41 s" */
  g_print (_("Imported %s and %s in %.2f s\n"), services, routines, seconds_since (start));

  return DK_SERVER_CLI_EXIT_OK;
}

static int
run_import_cases (const char  *program,
                  int          argc,
                  char       **argv)
{
  g_autofree char *db_path = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("The database"), N_("FILE") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(GError) error = NULL;
  guint n_cases = 0;
  gint64 start;
  int status;

  status = parse_command (program, _("FILE.jsonl"),
                          _("Imports cases, one JSON object a line, as "
                            "shared/bench/gen-cases.py writes them. A bad line imports "
                            "nothing."),
                          entries, 1, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;
  if ((status = require_db (program, db_path)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  db = open_existing_db (db_path, &error);
  if (db == NULL)
    return report_failure (program, error);

  start = g_get_monotonic_time ();
  if (!dk_server_import_cases (db, argv[1], &n_cases, &error))
    return report_failure (program, error);

  g_print (ngettext ("Imported %u case in %.2f s\n", "Imported %u cases in %.2f s\n", n_cases),
           n_cases, seconds_since (start));

  return DK_SERVER_CLI_EXIT_OK;
}

/* ---- entry ---- */

/**
 * dk_server_cli_run:
 * @argc: the number of arguments
 * @argv: the arguments, argv[0] the program
 *
 * Runs one driftkoll-server command line.
 *
 * Returns: the exit status: 0 done, 1 failed (a message on stderr), 2 bad usage
 */
int
dk_server_cli_run (int    argc,
                   char **argv)
{
  g_return_val_if_fail (argc >= 1, DK_SERVER_CLI_EXIT_USAGE);
  g_return_val_if_fail (argv != NULL, DK_SERVER_CLI_EXIT_USAGE);

  if (argc >= 2 && g_str_equal (argv[1], "--version"))
    {
      g_print ("%s %s\n", PROGRAM, PACKAGE_VERSION);
      return DK_SERVER_CLI_EXIT_OK;
    }

  if (!dk_auth_init ())
    {
      g_printerr (_("%s: libsodium could not be initialised\n"), PROGRAM);
      return DK_SERVER_CLI_EXIT_FAILED;
    }

  return dispatch (PROGRAM, _("The Driftkoll server and its administration."),
                   commands, G_N_ELEMENTS (commands), argc, argv);
}
