/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-cli-user.c: driftkoll-server user (add, passwd, list, disable, enable, roles)
 * and the password prompt */

#define G_LOG_DOMAIN "dk-server-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dk-core.h"
#include "dk-server-auth.h"
#include "dk-server-cli-private.h"
#include "dk-terminal.h"

static int run_user_add     (const char *program, int argc, char **argv);
static int run_user_passwd  (const char *program, int argc, char **argv);
static int run_user_list    (const char *program, int argc, char **argv);
static int run_user_disable (const char *program, int argc, char **argv);
static int run_user_enable  (const char *program, int argc, char **argv);
static int run_user_roles   (const char *program, int argc, char **argv);

static const Command user_commands[] = {
  { "add", N_("Add a user"), run_user_add },
  { "passwd", N_("Set a user’s password and end their sessions"), run_user_passwd },
  { "list", N_("List the users"), run_user_list },
  { "disable", N_("Disable a user and end their sessions"), run_user_disable },
  { "enable", N_("Enable a disabled user"), run_user_enable },
  { "roles", N_("Set a user’s roles"), run_user_roles },
};

/* A password in memory: zeroed before it is freed. */
typedef char Secret;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Secret, dk_terminal_secret_free)

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
      password = dk_terminal_read_secret_line (stdin, error);
      if (password == NULL)
        return NULL;
    }
  else
    {
      g_autofree char *prompt = g_strdup_printf (_("New password for %s: "), username);
      g_autoptr(Secret) again = NULL;

      password = dk_terminal_read_secret (prompt, error);
      if (password == NULL)
        return NULL;

      again = dk_terminal_read_secret (_("Repeat the password: "), error);
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

/* ---- user ---- */

int
_dk_server_cli_run_user (const char  *program,
                         int          argc,
                         char       **argv)
{
  return _dk_server_cli_dispatch (program, _("Manages the users who may log in."),
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

/* Opens the existing database of --db into *@db for a command on the existing user
 * @username, or says why not and returns the status to exit with. */
static int
open_user_db (const char  *program,
              const char  *db_path,
              const char  *username,
              DkServerDb **db)
{
  g_autoptr(DkServerDb) opened = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if ((status = _dk_server_cli_open_db (program, db_path, &opened)) != DK_SERVER_CLI_EXIT_OK)
    return status;
  if (!check_user_exists (opened, username, &error))
    return _dk_server_cli_report_failure (program, error);

  *db = g_steal_pointer (&opened);
  return DK_SERVER_CLI_EXIT_OK;
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

  status = _dk_server_cli_parse_command (program, _("USERNAME"),
                                         _("Adds a user. The password is asked for twice on a "
                                           "terminal, or read as one line of standard input."),
                                         entries, 1, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;
  if ((status = _dk_server_cli_require_db (program, db_path)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  username = argv[1];
  if (!dk_username_validate (username, &error) || !parse_roles (roles_text, &roles, &error))
    return _dk_server_cli_usage_error (program, "%s", error->message);

  if ((status = _dk_server_cli_open_db (program, db_path, &db)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  /* before asking for a password that would be thrown away */
  existing = dk_server_db_get_user (db, username, &error);
  if (error != NULL)
    return _dk_server_cli_report_failure (program, error);
  if (existing != NULL)
    {
      g_printerr (_("%s: the user “%s” already exists\n"), program, username);
      return DK_SERVER_CLI_EXIT_FAILED;
    }

  hash = read_new_password_hash (username, password_stdin, &error);
  if (hash == NULL)
    return _dk_server_cli_report_failure (program, error);

  if (!dk_server_db_add_user (db, username, hash, roles, &error))
    return _dk_server_cli_report_failure (program, error);

  roles_done = _dk_server_cli_roles_to_text (roles);
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

  status = _dk_server_cli_parse_command (program, _("USERNAME"),
                                         _("Sets a user’s password and ends the user’s sessions."),
                                         entries, 1, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;

  username = argv[1];
  if ((status = open_user_db (program, db_path, username, &db)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  hash = read_new_password_hash (username, password_stdin, &error);
  if (hash == NULL)
    return _dk_server_cli_report_failure (program, error);

  if (!dk_server_db_begin (db, &error))
    return _dk_server_cli_report_failure (program, error);
  if (!dk_server_db_set_password (db, username, hash, &error) ||
      !dk_server_db_delete_user_sessions (db, username, &error) ||
      !dk_server_db_commit (db, &error))
    {
      dk_server_db_rollback (db);
      return _dk_server_cli_report_failure (program, error);
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
      char *text = _dk_server_cli_roles_to_text (user->roles);

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

  status = _dk_server_cli_parse_command (program, NULL,
                                         _("Lists the users with their roles and whether they "
                                           "are disabled."),
                                         entries, 0, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;

  if ((status = _dk_server_cli_open_db (program, db_path, &db)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  users = dk_server_db_list_users (db, &error);
  if (users == NULL)
    return _dk_server_cli_report_failure (program, error);

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

  status = _dk_server_cli_parse_command (program, _("USERNAME"),
                                         disabled ? _("Disables a user and ends the user’s sessions.")
                                                  : _("Enables a disabled user."),
                                         entries, 1, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;

  username = argv[1];
  if ((status = open_user_db (program, db_path, username, &db)) != DK_SERVER_CLI_EXIT_OK)
    return status;

  if (!dk_server_db_begin (db, &error))
    return _dk_server_cli_report_failure (program, error);
  if (!dk_server_db_set_disabled (db, username, disabled, &error) ||
      (disabled && !dk_server_db_delete_user_sessions (db, username, &error)) ||
      !dk_server_db_commit (db, &error))
    {
      dk_server_db_rollback (db);
      return _dk_server_cli_report_failure (program, error);
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

  status = _dk_server_cli_parse_command (program, _("USERNAME"),
                                         _("Sets a user’s roles; every user is staff besides."),
                                         entries, 1, &argc, &argv);
  if (status != DK_SERVER_CLI_EXIT_OK)
    return status;
  if ((status = _dk_server_cli_require_db (program, db_path)) != DK_SERVER_CLI_EXIT_OK)
    return status;
  if (roles_text == NULL)
    return _dk_server_cli_usage_error (program, _("--roles LIST is required"));

  username = argv[1];
  if (!parse_roles (roles_text, &roles, &error))
    return _dk_server_cli_usage_error (program, "%s", error->message);

  if ((status = open_user_db (program, db_path, username, &db)) != DK_SERVER_CLI_EXIT_OK)
    return status;
  if (!dk_server_db_set_roles (db, username, roles, &error))
    return _dk_server_cli_report_failure (program, error);

  roles_done = _dk_server_cli_roles_to_text (roles);
  g_print (_("Set the roles of %s to %s\n"), username, roles_done);

  return DK_SERVER_CLI_EXIT_OK;
}
