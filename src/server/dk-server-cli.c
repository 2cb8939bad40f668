/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-cli.c: driftkoll-server's command line: init, serve, user, import, snapshot */

#define G_LOG_DOMAIN "dk-server-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "dk-command-line.h"
#include "dk-core.h"
#include "dk-server-auth.h"
#include "dk-server-cli-private.h"
#include "dk-server-config.h"
#include "dk-server-db.h"
#include "dk-server-db-pg-private.h"
#include "dk-server-import.h"
#include "dk-server-log.h"
#include "dk-server-metrics.h"
#include "dk-server-snapshot.h"
#include "dk-server-systemd.h"
#include "dk-server.h"

#define PROGRAM "driftkoll-server"

typedef struct {
  DkServer  *server;
  GMainLoop *loop;
  gboolean   stopping;
} ServeState;

static int run_init         (const char *program, int argc, char **argv);
static int run_serve        (const char *program, int argc, char **argv);
static int run_import       (const char *program, int argc, char **argv);
static int run_import_cases (const char *program, int argc, char **argv);
static int run_snapshot     (const char *program, int argc, char **argv);

static const Command commands[] = {
  { "init", N_("Create a new database, optionally with demo data"), run_init },
  { "serve", N_("Serve the API, the events socket, the public page and the feed"), run_serve },
  { "user", N_("Add, list, disable and change users"), _dk_server_cli_run_user },
  { "import", N_("Import services and routines from a JSON file"), run_import },
  { "import-cases", N_("Import cases from a JSON Lines file"), run_import_cases },
  { "snapshot", N_("Build the replica snapshots first syncs download"), run_snapshot },
  { "migrate", N_("Move a server’s SQLite database to PostgreSQL"), _dk_server_cli_run_migrate },
  { "backup", N_("Write a consistent copy of the database while it serves"), _dk_server_cli_run_backup },
  { "restore", N_("Put a backup back as the database, the server stopped"), _dk_server_cli_run_restore },
};

/* ---- helpers ---- */

int
_dk_server_cli_usage_error (const char *program,
                            const char *format,
                            ...)
{
  va_list args;

  va_start (args, format);
  dk_command_line_print_usage_error (program, format, args);
  va_end (args);

  return DK_SERVER_CLI_EXIT_USAGE;
}

int
_dk_server_cli_report_failure (const char   *program,
                               const GError *error)
{
  dk_command_line_print_failure (program, error);

  return DK_SERVER_CLI_EXIT_FAILED;
}

static void
print_commands (GString       *out,
                const char    *program,
                const char    *summary,
                const Command *list,
                guint          n_commands)
{
  g_autofree DkCommandLineRow *rows = g_new (DkCommandLineRow, n_commands);

  for (guint i = 0; i < n_commands; i++)
    rows[i] = (DkCommandLineRow) { list[i].name, list[i].summary };

  dk_command_line_append_usage (out, program, _("COMMAND [OPTION…]"), summary);
  dk_command_line_append_commands (out, rows, n_commands);
  dk_command_line_append_hint (out, program);
}

/* Runs one of @list named by argv[1]; argv[0] is the word that led here. */
int
_dk_server_cli_dispatch (const char    *program,
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
  if (dk_command_line_is_help (name))
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

  dk_command_line_print_unknown (program, name);
  return DK_SERVER_CLI_EXIT_USAGE;
}

/* Parses a leaf command's options (GLib prints --help and exits 0) and checks that
 * exactly @n_positional arguments are left; they are argv[1..] afterwards. */
int
_dk_server_cli_parse_command (const char          *program,
                              const char          *parameters,
                              const char          *summary,
                              const GOptionEntry  *entries,
                              int                  n_positional,
                              int                 *argc,
                              char              ***argv)
{
  if (!dk_command_line_parse_options (program, parameters, summary, entries, argc, argv) ||
      !dk_command_line_check_arguments (program, parameters, n_positional, n_positional,
                                        argc, argv))
    return DK_SERVER_CLI_EXIT_USAGE;

  return DK_SERVER_CLI_EXIT_OK;
}

int
_dk_server_cli_require_db (const char *program,
                           const char *db_path)
{
  if (db_path == NULL || db_path[0] == '\0')
    return _dk_server_cli_usage_error (program, _("--db FILE is required"));

  return DK_SERVER_CLI_EXIT_OK;
}

/* Every command but init works on a database that init created: a mistyped path must
 * not leave a new empty database behind. */
static DkServerDb *
open_existing_db (const char  *path,
                  GError     **error)
{
  /* A PostgreSQL database exists before us (createdb); opening an empty one makes the
   * tables, as init would, and never a new database. */
  if (_dk_server_db_location_is_pg (path))
    return dk_server_db_open (path, error);

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

/* Opens the existing database of --db into *@db, or says why not and returns the
 * status to exit with. */
int
_dk_server_cli_open_db (const char  *program,
                        const char  *db_path,
                        DkServerDb **db)
{
  g_autoptr(GError) error = NULL;
  int status;

  if ((status = _dk_server_cli_require_db (program, db_path)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  *db = open_existing_db (db_path, &error);
  if (*db == NULL)
    return _dk_server_cli_report_failure (program, error);

  return DK_SERVER_CLI_EXIT_OK;
}

/* Removes a SQLite database at @path and what SQLite may have left beside it. */
void
_dk_server_cli_remove_database_files (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_remove (file) != 0 && errno != ENOENT)
        g_warning ("Could not remove %s: %s", file, g_strerror (errno));
    }
}

char *
_dk_server_cli_roles_to_text (DkRole roles)
{
  g_auto(GStrv) names = dk_roles_to_strv (roles);

  return g_strjoinv (",", names);
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
      g_autofree char *roles = _dk_server_cli_roles_to_text (user->roles);

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
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
      N_("The database file to create, or a PostgreSQL database (postgresql://… or "
         "“host=… dbname=…”) to make the tables in"), N_("FILE|URL") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo,
      N_("Load demo services, routines, cases and one user per role"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *display = NULL;
  GStatBuf st;
  gboolean existed;
  gboolean on_pg;
  int status;

  status = _dk_server_cli_parse_command (program, NULL,
                                         _("Creates a new database. An existing database is left "
                                           "as it is."),
                                         entries, 0, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;
  if ((status = _dk_server_cli_require_db (program, db_path)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  /* A PostgreSQL location is shown without its password. */
  on_pg = _dk_server_db_location_is_pg (db_path);
  display = on_pg ? _dk_server_db_pg_describe_location (db_path)
                  : g_filename_display_name (db_path);

  /* Refused before opening, so that the file is not touched at all. An empty file
   * (from mktemp, say) is taken as a new one. A PostgreSQL database is refused below
   * when it holds data (its tables are made in one transaction or not at all). */
  existed = !on_pg && g_stat (db_path, &st) == 0;
  if (existed && st.st_size > 0)
    {
      g_printerr (_("%s: %s already exists; init leaves it as it is\n"), program, display);
      return DK_SERVER_CLI_EXIT_FAILED;
    }

  db = dk_server_db_open (db_path, &error);
  if (db == NULL)
    return _dk_server_cli_report_failure (program, error);

  if (!dk_server_db_is_empty (db))
    {
      g_printerr (_("%s: %s already holds data; init leaves it as it is\n"), program, display);
      return DK_SERVER_CLI_EXIT_FAILED;
    }

  if (demo && !load_demo (db, &error))
    {
      /* nothing half-made is left behind */
      g_clear_object (&db);
      if (!existed && !on_pg)
        _dk_server_cli_remove_database_files (db_path);
      return _dk_server_cli_report_failure (program, error);
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
  if (!state->stopping)
    dk_server_systemd_notify_stopping ();
  state->stopping = TRUE;
  g_main_loop_quit (state->loop);

  return G_SOURCE_CONTINUE;
}

/* A value found wrong after parsing, named with the file and key when the
 * configuration file gave it. */
static int
serve_value_error (const char     *program,
                   DkServerConfig *config,
                   const char     *key,
                   const GError   *error)
{
  g_autofree char *message = dk_server_config_explain (config, key, error->message);

  return _dk_server_cli_usage_error (program, "%s", message);
}

/* With --create-if-missing, a SQLite file that is not there yet is made, as init does
 * (a freshly installed service starts on an empty database). */
static int
serve_create_db_if_missing (const char *program,
                            const char *db_path)
{
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *display = NULL;

  if (_dk_server_db_location_is_pg (db_path) || g_file_test (db_path, G_FILE_TEST_EXISTS))
    return DK_SERVER_CLI_EXIT_OK;

  db = dk_server_db_open (db_path, &error);
  if (db == NULL)
    return _dk_server_cli_report_failure (program, error);

  display = g_filename_display_name (db_path);
  g_message (_("Created the database %s"), display);

  return DK_SERVER_CLI_EXIT_OK;
}

static int
run_serve (const char  *program,
           int          argc,
           char       **argv)
{
  g_autofree char *config_path = NULL;
  g_autofree char *log_format_text = NULL;
  gboolean create_if_missing = FALSE;
  g_autofree char *db_path = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *snapshot_dir = NULL;
  gboolean no_snapshots = FALSE;
  g_autofree char *metrics_allow = NULL;
  const GOptionEntry fixed_entries[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_path,
      N_("Read options from the [serve] group of this file, one key per long option "
         "(db=…, listen=…, booleans true or false); options given here win"), N_("FILE") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
      N_("The database, made by init: a file or a PostgreSQL location"), N_("FILE|URL") },
    { "create-if-missing", 0, 0, G_OPTION_ARG_NONE, &create_if_missing,
      N_("Create an empty SQLite database when the file of --db does not exist"), NULL },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      N_("The address and port to listen on, such as 127.0.0.1:8080 or [::1]:8080; "
         "port 0 picks a free one"), N_("ADDR:PORT") },
    { "log-format", 0, 0, G_OPTION_ARG_STRING, &log_format_text,
      N_("How to log on standard error: text, or journal (one line per event with a <N> "
         "priority; the default when standard error is systemd's journal)"),
      N_("text|journal") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
      N_("The TLS certificate (PEM); serves https"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, N_("The TLS private key (PEM)"),
      N_("FILE") },
    { "snapshot-dir", 0, 0, G_OPTION_ARG_FILENAME, &snapshot_dir,
      N_("Where the replica snapshots are kept and built (default: the database's path "
         "with .snapshots; on PostgreSQL none: snapshots are off without it)"), N_("DIR") },
    { "no-snapshots", 0, 0, G_OPTION_ARG_NONE, &no_snapshots,
      N_("Neither build nor serve snapshots: first syncs page through the changes"), NULL },
    { "metrics-allow", 0, 0, G_OPTION_ARG_STRING, &metrics_allow,
      N_("Who may read GET /metrics (Prometheus): addresses or ADDR/BITS, comma-separated "
         "(default: 127.0.0.1,::1); empty turns /metrics off"), N_("ADDR[/BITS],…") },
  };
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  g_autoptr(GPtrArray) limit_texts = g_ptr_array_new_with_free_func (g_free);
  const DkServerLimitInfo *limit_infos;
  DkServerLimits limits;
  guint n_limits;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GSocket) activated = NULL;
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(DkServer) server = NULL;
  g_autoptr(DkServerSnapshots) snapshots = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) given = NULL;
  g_autoptr(DkServerConfig) config = NULL;
  g_autofree char *address = NULL;
  g_autofree char *base_url = NULL;
  ServeState state = { NULL, NULL, FALSE };
  DkServerLogFormat log_format;
  guint sigterm_id;
  guint sigint_id;
  guint watchdog_id;
  guint port = 0;
  int status;

  /* Until dk_server_log_install (): debug lines too go to stderr, never before the
   * "listening on" line on stdout. */
  g_log_writer_default_set_use_stderr (TRUE);

  /* One flag per field of DkServerLimits, named after it (README.md, "Limits"). */
  limit_infos = dk_server_limits_get_info (&n_limits);
  g_ptr_array_set_size (limit_texts, n_limits);   /* NULL each, filled by GOption */
  g_array_append_vals (entries, fixed_entries, G_N_ELEMENTS (fixed_entries));
  for (guint i = 0; i < n_limits; i++)
    {
      GOptionEntry entry = { limit_infos[i].flag, 0, 0, G_OPTION_ARG_STRING,
                             &limit_texts->pdata[i],
                             limit_infos[i].description, limit_infos[i].arg };

      g_array_append_val (entries, entry);
    }

  /* What the command line gives wins over the configuration file. */
  given = dk_server_config_scan_flags ((const GOptionEntry *) entries->data, argc, argv);
  status = _dk_server_cli_parse_command (program, NULL,
                                         _("Serves the HTTP/JSON API, the events WebSocket, the "
                                           "public page and the feed until SIGTERM or SIGINT. "
                                           "The first line on standard output is “listening on "
                                           "URL”, once it accepts connections. Replica "
                                           "snapshots for first syncs are rebuilt in the "
                                           "background when 5 percent of the rows changed, or "
                                           "anything did in an hour."),
                                         (const GOptionEntry *) entries->data, 0, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;

  if (config_path != NULL)
    {
      /* Generic over entries: every long option is a key of [serve], --config aside. */
      config = dk_server_config_apply (config_path, "serve", (const GOptionEntry *) entries->data,
                                       given, "config", &error);
      if (config == NULL)
        return _dk_server_cli_usage_error (program, "%s", error->message);
    }

  if (!dk_server_log_parse_format (log_format_text, &log_format, &error))
    return serve_value_error (program, config, "log-format", error);
  dk_server_log_install (log_format);

  dk_server_limits_init (&limits);
  for (guint i = 0; i < n_limits; i++)
    if (limit_texts->pdata[i] != NULL &&
        !dk_server_limits_parse (&limits, &limit_infos[i], limit_texts->pdata[i], &error))
      return serve_value_error (program, config, limit_infos[i].flag, error);

  if (metrics_allow != NULL)
    {
      g_autoptr(GPtrArray) masks = dk_server_metrics_parse_allow (metrics_allow, &error);

      if (masks == NULL)
        return _dk_server_cli_usage_error (program, "%s", error->message);
    }

  if ((status = _dk_server_cli_require_db (program, db_path)) != DK_SERVER_CLI_EXIT_OK)
    return status;
  /* Socket activation: systemd listens, and --listen is not used */
  activated = dk_server_systemd_take_listen_socket (&error);
  if (activated == NULL && error != NULL)
    return _dk_server_cli_report_failure (program, error);
  if (activated != NULL && listen != NULL)
    g_debug ("Listening on the socket systemd passed, not on %s", listen);
  if (activated == NULL && listen == NULL)
    return _dk_server_cli_usage_error (program, _("--listen ADDR:PORT is required"));
  if ((tls_cert == NULL) != (tls_key == NULL))
    return _dk_server_cli_usage_error (program, _("--tls-cert and --tls-key go together"));
  if (activated == NULL && !parse_listen (listen, &address, &port, &error))
    return serve_value_error (program, config, "listen", error);
  if (no_snapshots && snapshot_dir != NULL)
    return _dk_server_cli_usage_error (program,
                                       _("--snapshot-dir and --no-snapshots exclude each other"));

  if (tls_cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, &error);
      if (certificate == NULL)
        return _dk_server_cli_report_failure (program, error);
    }

  if (create_if_missing &&
      (status = serve_create_db_if_missing (program, db_path)) != DK_SERVER_CLI_EXIT_OK)
    return status;
  if ((status = _dk_server_cli_open_db (program, db_path, &db)) != DK_SERVER_CLI_EXIT_OK)
    return status;
  if (dk_server_db_is_empty (db))
    g_printerr (_("%s: the database is empty; add a user with “%s user add”\n"),
                program, PROGRAM);

  /* A peer that hangs up must not kill the server. */
  signal (SIGPIPE, SIG_IGN);

  loop = g_main_loop_new (NULL, FALSE);
  server = dk_server_new (db);
  dk_server_set_limits (server, &limits);
  if (metrics_allow != NULL && !dk_server_set_metrics_allow (server, metrics_allow, &error))
    return _dk_server_cli_report_failure (program, error);   /* checked above */
  if (!no_snapshots && snapshot_dir == NULL && dk_server_db_is_postgresql (db))
    {
      /* No file beside which to keep them; several instances would share one folder. */
      g_message (_("Snapshots are off: a PostgreSQL database needs --snapshot-dir DIR "
                   "(each instance its own); first syncs page through the changes"));
      no_snapshots = TRUE;
    }
  if (!no_snapshots)
    {
      /* Loads what the folder holds and starts a build in its own thread when there is
       * none yet: listening does not wait for it. */
      snapshots = dk_server_snapshots_new (db_path, snapshot_dir, &error);
      if (snapshots == NULL)
        return _dk_server_cli_report_failure (program, error);
      dk_server_set_snapshots (server, snapshots);
    }
  state.loop = loop;
  state.server = server;

  /* Before the first line goes out: whoever reads it may signal at once. */
  sigterm_id = g_unix_signal_add (SIGTERM, serve_signal_received_cb, &state);
  sigint_id = g_unix_signal_add (SIGINT, serve_signal_received_cb, &state);

  if (activated != NULL ? !dk_server_listen_socket (server, activated, certificate, &error)
                        : !dk_server_listen (server, address, port, certificate, &error))
    {
      g_source_remove (sigterm_id);
      g_source_remove (sigint_id);
      return _dk_server_cli_report_failure (program, error);
    }

  base_url = dk_server_dup_base_url (server);
  /* The contract of ARCHITECTURE.md: never translated, never reworded. */
  g_print ("listening on %s\n", base_url);
  fflush (stdout);
  /* Type=notify: systemd starts what depends on us now */
  dk_server_systemd_notify_ready (base_url);
  watchdog_id = dk_server_systemd_start_watchdog ();

  g_main_loop_run (loop);

  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);
  g_clear_handle_id (&watchdog_id, g_source_remove);

  dk_server_shutdown (server);

  /* let closing connections and sockets finish what is already queued */
  for (guint i = 0; i < 100 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);

  g_clear_object (&server);
  /* Stops a build in progress and waits for its thread. */
  g_clear_object (&snapshots);
  g_clear_object (&db);

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

  status = _dk_server_cli_parse_command (program, _("FILE.json"),
                                         _("Imports services and routines, {\"services\": […], "
                                           "\"routines\": […]}. Existing ids get a new revision. "
                                           "All or nothing."),
                                         entries, 1, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;

  if ((status = _dk_server_cli_open_db (program, db_path, &db)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  start = g_get_monotonic_time ();
  if (!dk_server_import_file (db, argv[1], &n_services, &n_routines, &error))
    return _dk_server_cli_report_failure (program, error);

  services = g_strdup_printf (ngettext ("%u service", "%u services", n_services), n_services);
  routines = g_strdup_printf (ngettext ("%u routine", "%u routines", n_routines), n_routines);
  /* Translators: "Imported 12 services and 30 routines in 0.41 s" */
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

  status = _dk_server_cli_parse_command (program, _("FILE.jsonl"),
                                         _("Imports cases, one JSON object a line, as "
                                           "shared/bench/gen-cases.py writes them. A bad line "
                                           "imports nothing."),
                                         entries, 1, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;

  if ((status = _dk_server_cli_open_db (program, db_path, &db)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  start = g_get_monotonic_time ();
  if (!dk_server_import_cases (db, argv[1], &n_cases, &error))
    return _dk_server_cli_report_failure (program, error);

  g_print (ngettext ("Imported %u case in %.2f s\n", "Imported %u cases in %.2f s\n", n_cases),
           n_cases, seconds_since (start));

  return DK_SERVER_CLI_EXIT_OK;
}

/* ---- snapshot ---- */

static void
print_snapshot (const char             *dir,
                DkServerSnapshotClass   klass)
{
  g_autofree char *name = g_strconcat (dk_server_snapshot_class_to_string (klass), ".json",
                                       NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *changes = NULL;
  JsonObject *manifest;
  gint64 rows;

  if (!json_parser_load_from_file (parser, path, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  manifest = json_node_get_object (json_parser_get_root (parser));

  rows = json_object_get_int_member_with_default (manifest, "rows", 0);
  changes = g_strdup_printf (ngettext ("%lld change", "%lld changes", (gulong) rows),
                             (long long) rows);
  /* Translators: "  staff      100000 changes, 250.1 MB, 61.2 MB compressed" */
  g_print (_("  %-10s %s, %.1f MB, %.1f MB compressed\n"),
           dk_server_snapshot_class_to_string (klass), changes,
           json_object_get_int_member_with_default (manifest, "size", 0) / 1e6,
           json_object_get_int_member_with_default (manifest, "zst_size", 0) / 1e6);
}

static int
run_snapshot (const char  *program,
              int          argc,
              char       **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *dir = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("The database"), N_("FILE") },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir,
      N_("The snapshot folder (default: the database's path with .snapshots)"), N_("DIR") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(DkServerDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *display = NULL;
  gint64 start;
  int status;

  status = _dk_server_cli_parse_command (program, NULL,
                                         _("Builds a replica snapshot of every visibility "
                                           "class (anonymous, staff) at one change number "
                                           "and makes it the one “serve” hands out, keeping "
                                           "the one before for downloads in progress. "
                                           "“serve” rebuilds by itself; this is for "
                                           "operators and benchmarks."),
                                         entries, 0, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;

  /* Opened once to say "no database" as the other commands do (and migrate it). */
  if ((status = _dk_server_cli_open_db (program, db_path, &db)) != DK_SERVER_CLI_EXIT_OK)
    return status;
  g_clear_object (&db);

  if (dir == NULL && _dk_server_db_location_is_pg (db_path))
    return _dk_server_cli_usage_error (program,
                                       _("--dir DIR is required for a PostgreSQL database"));
  if (dir == NULL)
    dir = dk_server_snapshot_default_dir (db_path);
  display = g_filename_display_name (dir);

  start = g_get_monotonic_time ();
  if (!dk_server_snapshot_build (db_path, dir, &error))
    return _dk_server_cli_report_failure (program, error);

  /* Translators: "Built the snapshots in /srv/dk.db.snapshots in 4.20 s" */
  g_print (_("Built the snapshots in %s in %.2f s\n"), display, seconds_since (start));
  for (guint klass = 0; klass < DK_SERVER_SNAPSHOT_N_CLASSES; klass++)
    print_snapshot (dir, klass);

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

  return _dk_server_cli_dispatch (PROGRAM, _("The Driftkoll server and its administration."),
                                  commands, G_N_ELEMENTS (commands), argc, argv);
}
