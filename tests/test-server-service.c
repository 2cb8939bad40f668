/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-service.c: the real driftkoll-server as systemd runs it: its configuration
 * file, sd_notify (READY, STOPPING, the watchdog), its log format and what it never logs */

#include "config.h"

#include <glib/gstdio.h>
#include <gio/gunixsocketaddress.h>
#include <glib-unix.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "dk-core.h"
#include "dk-server-db-pg-private.h"
#include "dk-server-log.h"
#include "dk-test-files.h"
#include "dk-test-server.h"

#define SECRET_PASSWORD "Sekret-Lösen-7f3a9c"
#define WRONG_PASSWORD  "Fel-Passord-51be20"

typedef struct {
  char *dir;
  char *db;
} Fixture;

static const char *
server_binary (void)
{
  const char *path = g_getenv ("DRIFTKOLL_SERVER");

  g_assert_nonnull (path);
  return path;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  fixture->dir = g_dir_make_tmp ("dk-service-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db = g_build_filename (fixture->dir, "driftkoll.db", NULL);

  g_assert_cmpint (dk_test_server_run_cli (NULL, NULL, NULL, &err, "init", "--demo", "--db",
                                           fixture->db, NULL), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (dk_test_server_run_cli (NULL, SECRET_PASSWORD "\n", NULL, &err, "user", "add",
                                           "--db", fixture->db, "--password-stdin", "operator",
                                           NULL), ==, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  dk_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->db);
}

static char *
write_config (Fixture    *fixture,
              const char *name,
              const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* ---- a running server ---- */

typedef struct {
  GSubprocess *process;
  char        *url;
  int          stderr_fd;   /* the read end of its standard error, or -1 */
} Running;

static void
running_clear (Running *running)
{
  if (running->process != NULL)
    {
      g_subprocess_force_exit (running->process);
      g_subprocess_wait (running->process, NULL, NULL);
    }
  g_clear_object (&running->process);
  g_clear_pointer (&running->url, g_free);
  if (running->stderr_fd >= 0)
    close (running->stderr_fd);
  running->stderr_fd = -1;
}

/* Starts "driftkoll-server serve ARGS…" with the environment @env (KEY=VALUE, NULL
 * ended, besides the test's own), standard error to a pipe whose write end is
 * @stderr_write (taken), or the test's when -1. Returns FALSE when no "listening on"
 * line came: the process has ended then. */
static gboolean
start_serve (Running            *running,
             const char * const *env,
             int                 stderr_write,
             const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  memset (running, 0, sizeof *running);
  running->stderr_fd = -1;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  if (stderr_write >= 0)
    g_subprocess_launcher_take_stderr_fd (launcher, stderr_write);

  g_ptr_array_add (argv, (char *) server_binary ());
  g_ptr_array_add (argv, (char *) "serve");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  running->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                   &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (running->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL || !g_str_has_prefix (line, "listening on http://127.0.0.1:"))
    {
      g_subprocess_wait (running->process, NULL, NULL);
      return FALSE;
    }

  running->url = g_strdup (line + strlen ("listening on "));
  return TRUE;
}

/* SIGTERM, then the exit status. */
static int
stop_serve (Running *running)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_subprocess_send_signal (running->process, SIGTERM);
  g_subprocess_wait (running->process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (running->process));
  status = g_subprocess_get_exit_status (running->process);
  g_clear_object (&running->process);

  return status;
}

/* Everything left on the standard error pipe (after the process ended). */
static char *
read_stderr (Running *running)
{
  GString *text = g_string_new (NULL);
  char buffer[4096];
  gssize n;

  while ((n = read (running->stderr_fd, buffer, sizeof buffer)) > 0)
    g_string_append_len (text, buffer, n);

  return g_string_free (text, FALSE);
}

static int
open_stderr_pipe (int *write_fd)
{
  g_autoptr(GError) error = NULL;
  int fds[2];

  g_unix_open_pipe (fds, FD_CLOEXEC, &error);
  g_assert_no_error (error);
  *write_fd = fds[1];
  return fds[0];
}

static guint
request (const char  *url,
         const char  *method,
         const char  *path,
         const char  *token,
         const char  *body,
         char       **out_body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *full = g_strconcat (url, path + 1, NULL);

  msg = soup_message_new (method, full);
  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
      g_autofree char *cookie = g_strconcat ("session=", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    bearer);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Cookie", cookie);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (out_body != NULL)
    *out_body = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));

  return soup_message_get_status (msg);
}

/* A login body padded to @size bytes. */
static char *
login_body (const char *username,
            const char *password,
            gsize       size)
{
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}",
                                           username, password);
  GString *padded = g_string_new ("{");

  /* spaces after the brace: still the same JSON object */
  for (gsize length = strlen (body); length < size; length++)
    g_string_append_c (padded, ' ');
  g_string_append (padded, body + 1);

  return g_string_free (padded, FALSE);
}

/* ---- the configuration file ---- */

static void
test_config_values_used (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autofree char *text = g_strdup_printf ("# a comment\n[serve]\ndb=%s\nlisten=127.0.0.1:0\n"
                                           "max-body-bytes=200\nno-snapshots=true\n",
                                           fixture->db);
  g_autofree char *path = write_config (fixture, "server.conf", text);
  g_autofree char *small = login_body ("operator", WRONG_PASSWORD, 100);
  g_autofree char *large = login_body ("operator", WRONG_PASSWORD, 400);
  g_autofree char *snapshots = g_strconcat (fixture->db, ".snapshots", NULL);
  const char *args[] = { "--config", path, NULL };
  Running running;

  g_assert_true (start_serve (&running, NULL, -1, args));
  /* max-body-bytes from the file: 413 before the body is read */
  g_assert_cmpuint (request (running.url, "POST", "/api/v1/session", NULL, large, NULL), ==,
                    413);
  g_assert_cmpuint (request (running.url, "POST", "/api/v1/session", NULL, small, NULL), ==,
                    401);
  g_assert_cmpint (stop_serve (&running), ==, 0);
  running_clear (&running);
  /* no-snapshots=true from the file */
  g_assert_false (g_file_test (snapshots, G_FILE_TEST_EXISTS));
}

static void
test_config_flag_wins (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *text = g_strdup ("[serve]\ndb=/nowhere/at/all.db\nlisten=not-an-address\n"
                                   "max-body-bytes=200\n");
  g_autofree char *path = write_config (fixture, "server.conf", text);
  g_autofree char *large = login_body ("operator", WRONG_PASSWORD, 400);
  const char *args[] = { "--config", path, "--db", fixture->db, "--listen=127.0.0.1:0",
                         "--max-body-bytes", "100000", NULL };
  const char *env[] = { "G_MESSAGES_DEBUG=all", NULL };
  Running running;

  /* the file's db, listen and limit are never used: the flags win; the debug line that
   * says so goes to stderr, and the first line on stdout is still "listening on" */
  g_assert_true (start_serve (&running, env, -1, args));
  g_assert_cmpuint (request (running.url, "POST", "/api/v1/session", NULL, large, NULL), ==,
                    401);
  g_assert_cmpint (stop_serve (&running), ==, 0);
  running_clear (&running);
}

typedef struct {
  const char *name;
  const char *text;       /* @DB@: the database */
  const char *expected[3];
  int         status;
} BadConfig;

static const BadConfig bad_configs[] = {
  { "unknown-key", "[serve]\ndb=@DB@\nlisten=127.0.0.1:0\nmax-bodybytes=10\n",
    { "unknown key", "max-bodybytes", "10" }, 2 },
  { "bad-boolean", "[serve]\ndb=@DB@\nlisten=127.0.0.1:0\nno-snapshots=maybe\n",
    { "no-snapshots", "maybe", "true or false" }, 2 },
  { "bad-limit", "[serve]\ndb=@DB@\nlisten=127.0.0.1:0\nmax-websockets=many\n",
    { "max-websockets", "many", "whole number" }, 2 },
  { "bad-listen", "[serve]\ndb=@DB@\nlisten=localhost\n",
    { "listen", "localhost", "ADDRESS:PORT" }, 2 },
  { "bad-log-format", "[serve]\ndb=@DB@\nlisten=127.0.0.1:0\nlog-format=xml\n",
    { "log-format", "xml", "text or journal" }, 2 },
  { "config-in-config", "[serve]\ndb=@DB@\nlisten=127.0.0.1:0\nconfig=/etc/other.conf\n",
    { "unknown key", "config", "/etc/other.conf" }, 2 },
  { "other-group", "[server]\ndb=@DB@\nlisten=127.0.0.1:0\n",
    { "unknown group", "[server]", "[serve]" }, 2 },
  { "not-a-key-file", "db=@DB@\n", { "cannot read", "", "" }, 2 },
};

static void
test_config_bad (Fixture       *fixture,
                 gconstpointer  user_data)
{
  const BadConfig *bad = user_data;
  g_autoptr(GString) text = g_string_new (bad->text);
  g_autofree char *path = NULL;

  g_string_replace (text, "@DB@", fixture->db, 0);
  path = write_config (fixture, "bad.conf", text->str);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  status = dk_test_server_run_cli (NULL, NULL, &out, &err, "serve", "--config", path, NULL);
  g_test_message ("%s", err);
  g_assert_cmpint (status, ==, bad->status);
  g_assert_cmpstr (out, ==, "");             /* never "listening on" */
  g_assert_nonnull (strstr (err, path));     /* names the file */
  for (guint i = 0; i < G_N_ELEMENTS (bad->expected); i++)
    g_assert_nonnull (strstr (err, bad->expected[i]));
}

static void
test_config_missing_file (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "absent.conf", NULL);
  g_autofree char *unreadable = write_config (fixture, "unreadable.conf", "[serve]\n");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (dk_test_server_run_cli (NULL, NULL, &out, &err, "serve", "--config", path,
                                           "--db", fixture->db, "--listen", "127.0.0.1:0",
                                           NULL), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, path));
  g_assert_nonnull (strstr (err, "cannot read the configuration"));

  /* a directory is not a file either */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (dk_test_server_run_cli (NULL, NULL, &out, &err, "serve", "--config",
                                           fixture->dir, "--db", fixture->db, "--listen",
                                           "127.0.0.1:0", NULL), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, fixture->dir));
}

/* data/server.conf as installed, and with every commented example switched on: each key
 * is one serve takes. */
static void
test_config_packaged (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *source = g_build_filename (g_getenv ("DRIFTKOLL_SOURCE_ROOT"), "data",
                                              "server.conf", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) all = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  g_autofree char *all_path = NULL;
  g_autofree char *snapshot_dir = g_build_filename (fixture->dir, "snapshots", NULL);
  g_autoptr(GError) error = NULL;
  guint n_examples = 0;
  Running running;

  g_file_get_contents (source, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "db=/var/lib/driftkoll/driftkoll.db\n"));
  g_assert_nonnull (strstr (text, "\nlisten=127.0.0.1:8080\n"));

  {
    /* the defaults as installed, with the database and port of the test */
    const char *args[] = { "--config", source, "--db", fixture->db, "--listen", "127.0.0.1:0",
                           "--snapshot-dir", snapshot_dir, NULL };

    g_assert_true (start_serve (&running, NULL, -1, args));
    g_assert_cmpint (stop_serve (&running), ==, 0);
    running_clear (&running);
  }

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      /* "#key=value": an example; the TLS files do not exist here */
      if (g_regex_match_simple ("^#[a-z-]+=", line, 0, 0))
        {
          if (!g_str_has_prefix (line, "#tls-"))
            {
              g_string_append_printf (all, "%s\n", line + 1);
              n_examples++;
            }
        }
      else
        {
          g_string_append_printf (all, "%s\n", line);
        }
    }
  g_assert_cmpuint (n_examples, >=, 14);
  all_path = write_config (fixture, "all.conf", all->str);

  {
    const char *args[] = { "--config", all_path, "--db", fixture->db, "--listen", "127.0.0.1:0",
                           "--snapshot-dir", snapshot_dir, "--log-format", "text", NULL };

    g_assert_true (start_serve (&running, NULL, -1, args));
    g_assert_cmpint (stop_serve (&running), ==, 0);
    running_clear (&running);
  }
}

/* A fresh install: the packaged config's create-if-missing makes the database. */
static void
test_config_create_if_missing (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autofree char *fresh = g_build_filename (fixture->dir, "state", "fresh.db", NULL);
  g_autofree char *state = g_path_get_dirname (fresh);
  g_autofree char *text = g_strdup_printf ("[serve]\ndb=%s\nlisten=127.0.0.1:0\n"
                                           "create-if-missing=true\n", fresh);
  g_autofree char *path = write_config (fixture, "server.conf", text);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[] = { "--config", path, NULL };
  Running running;

  g_assert_cmpint (g_mkdir (state, 0700), ==, 0);

  /* without it, a missing database is an error */
  g_assert_cmpint (dk_test_server_run_cli (NULL, NULL, &out, &err, "serve", "--db", fresh,
                                           "--listen", "127.0.0.1:0", NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));

  g_assert_true (start_serve (&running, NULL, -1, args));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));
  g_assert_cmpint (stop_serve (&running), ==, 0);
  running_clear (&running);

  /* the second start opens what the first made */
  g_assert_true (start_serve (&running, NULL, -1, args));
  g_assert_cmpint (stop_serve (&running), ==, 0);
  running_clear (&running);
}

/* ---- sd_notify ---- */

#ifdef HAVE_LIBSYSTEMD
typedef struct {
  GSocket *socket;
  char    *path;
} NotifySocket;

static void
notify_socket_open (NotifySocket *notify,
                    Fixture      *fixture)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;

  notify->path = g_build_filename (fixture->dir, "notify", NULL);
  notify->socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM,
                                 G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_assert_no_error (error);
  address = g_unix_socket_address_new (notify->path);
  g_socket_bind (notify->socket, address, FALSE, &error);
  g_assert_no_error (error);
}

static void
notify_socket_close (NotifySocket *notify)
{
  g_clear_object (&notify->socket);
  g_clear_pointer (&notify->path, g_free);
}

/* The next datagram, or NULL after @timeout_ms. */
static char *
notify_socket_receive (NotifySocket *notify,
                       guint         timeout_ms)
{
  g_autoptr(GError) error = NULL;
  char buffer[4096];
  gssize n;

  g_socket_set_timeout (notify->socket, 0);
  if (!g_socket_condition_timed_wait (notify->socket, G_IO_IN,
                                      (gint64) timeout_ms * 1000, NULL, &error))
    return NULL;

  n = g_socket_receive (notify->socket, buffer, sizeof buffer, NULL, &error);
  g_assert_no_error (error);

  return g_strndup (buffer, n);
}

/* Waits for a datagram holding the line @wanted; returns it. */
static char *
notify_socket_wait_for (NotifySocket *notify,
                        const char   *wanted)
{
  gint64 until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < until)
    {
      g_autofree char *message = notify_socket_receive (notify, 1000);
      g_auto(GStrv) lines = NULL;

      if (message == NULL)
        continue;
      g_test_message ("sd_notify: %s", message);
      lines = g_strsplit (message, "\n", -1);
      if (g_strv_contains ((const char * const *) lines, wanted))
        return g_steal_pointer (&message);
    }

  g_error ("no %s arrived", wanted);
}
#endif

static void
test_notify_ready_stopping (Fixture       *fixture,
                            gconstpointer  user_data)
{
#ifdef HAVE_LIBSYSTEMD
  NotifySocket notify = { NULL, NULL };
  g_autofree char *env_notify = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *stopping = NULL;
  g_autofree char *status = NULL;
  const char *args[] = { "--db", fixture->db, "--listen", "127.0.0.1:0", NULL };
  Running running;

  notify_socket_open (&notify, fixture);
  env_notify = g_strconcat ("NOTIFY_SOCKET=", notify.path, NULL);

  {
    const char *env[] = { env_notify, NULL };

    g_assert_true (start_serve (&running, env, -1, args));
  }

  ready = notify_socket_wait_for (&notify, "READY=1");
  status = g_strconcat ("STATUS=listening on ", running.url, NULL);
  g_assert_nonnull (strstr (ready, status));

  g_subprocess_send_signal (running.process, SIGTERM);
  stopping = notify_socket_wait_for (&notify, "STOPPING=1");
  g_assert_true (g_subprocess_wait (running.process, NULL, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (running.process), ==, 0);
  running_clear (&running);
  notify_socket_close (&notify);
#else
  g_test_skip ("built without libsystemd (the systemd option)");
#endif
}

static void
test_notify_watchdog (Fixture       *fixture,
                      gconstpointer  user_data)
{
#ifdef HAVE_LIBSYSTEMD
  NotifySocket notify = { NULL, NULL };
  g_autofree char *env_notify = NULL;
  g_autofree char *ready = NULL;
  const char *args[] = { "--db", fixture->db, "--listen", "127.0.0.1:0", NULL };
  guint pings = 0;
  gint64 start;
  double seconds;
  Running running;

  notify_socket_open (&notify, fixture);
  env_notify = g_strconcat ("NOTIFY_SOCKET=", notify.path, NULL);

  {
    /* 400 ms: a ping every 200 ms */
    const char *env[] = { env_notify, "WATCHDOG_USEC=400000", NULL };

    g_assert_true (start_serve (&running, env, -1, args));
  }
  ready = notify_socket_wait_for (&notify, "READY=1");

  start = g_get_monotonic_time ();
  while (pings < 5)
    g_free (notify_socket_wait_for (&notify, "WATCHDOG=1")), pings++;
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("5 watchdog pings in %.2f s", seconds);
  /* about every 0.2 s: five within 0.6 to a generous 10 s on a busy machine */
  g_assert_cmpfloat (seconds, >=, 0.6);
  g_assert_cmpfloat (seconds, <, 10.0);

  g_assert_cmpint (stop_serve (&running), ==, 0);
  running_clear (&running);

  /* no WATCHDOG_USEC: no pings */
  {
    const char *env[] = { env_notify, NULL };

    g_assert_true (start_serve (&running, env, -1, args));
  }
  g_clear_pointer (&ready, g_free);
  ready = notify_socket_wait_for (&notify, "READY=1");
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *message = notify_socket_receive (&notify, 300);

      g_assert_true (message == NULL || strstr (message, "WATCHDOG=1") == NULL);
    }
  g_assert_cmpint (stop_serve (&running), ==, 0);
  running_clear (&running);
  notify_socket_close (&notify);
#else
  g_test_skip ("built without libsystemd (the systemd option)");
#endif
}

/* ---- socket activation ---- */

static void
test_socket_activation (Fixture       *fixture,
                        gconstpointer  user_data)
{
#ifdef HAVE_LIBSYSTEMD
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *url = NULL;
  Running running = { NULL, NULL, -1 };
  guint port;

  /* what systemd does for a driftkoll-server.socket: bind, listen, pass it as fd 3 */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  expected = g_strdup_printf ("listening on http://127.0.0.1:%u/", port);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_take_fd (launcher, dup (g_socket_get_fd (socket)), 3);
  /* LISTEN_PID is the server's own: the shell's, which exec keeps. No --listen. */
  running.process = g_subprocess_launcher_spawn (launcher, &error, "/bin/sh", "-c",
                                                 "LISTEN_PID=$$ LISTEN_FDS=1 exec \"$0\" serve "
                                                 "--db \"$1\" --no-snapshots",
                                                 server_binary (), fixture->db, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (running.process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, expected);

  /* the test's socket is closed here: only the server's copy answers */
  g_socket_close (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_assert_cmpuint (request (url, "POST", "/api/v1/session", NULL,
                             "{\"username\": \"operator\", \"password\": \"x\"}", NULL), ==, 401);
  g_assert_cmpint (stop_serve (&running), ==, 0);
  running_clear (&running);

  /* LISTEN_PID of another process: not ours, so --listen is required as ever */
  {
    g_autofree char *out_text = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GSubprocess) process = NULL;

    process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                &error, "/usr/bin/env", "LISTEN_PID=1", "LISTEN_FDS=1",
                                server_binary (), "serve", "--db", fixture->db, NULL);
    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (process, NULL, NULL, &out_text, &err, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
    g_assert_nonnull (strstr (err, "--listen"));
  }
#else
  g_test_skip ("built without libsystemd (the systemd option)");
#endif
}

/* ---- logs ---- */

static void
test_log_journal_line (void)
{
  g_autofree char *warning = dk_server_log_format_journal (G_LOG_LEVEL_WARNING, "dk-server-http",
                                                           "two\nlines and a \\ back");
  g_autofree char *critical = dk_server_log_format_journal (G_LOG_LEVEL_CRITICAL, NULL, "c");
  g_autofree char *message = dk_server_log_format_journal (G_LOG_LEVEL_MESSAGE, "d", "m");
  g_autofree char *info = dk_server_log_format_journal (G_LOG_LEVEL_INFO, "d", "i");
  g_autofree char *debug = dk_server_log_format_journal (G_LOG_LEVEL_DEBUG, "d", "x\r\n");
  DkServerLogFormat format;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (warning, ==, "<4>dk-server-http: two\\nlines and a \\\\ back\n");
  g_assert_cmpstr (critical, ==, "<3>c\n");
  g_assert_cmpstr (message, ==, "<5>d: m\n");
  g_assert_cmpstr (info, ==, "<6>d: i\n");
  g_assert_cmpstr (debug, ==, "<7>d: x\\r\\n\n");

  g_assert_true (dk_server_log_parse_format ("journal", &format, NULL));
  g_assert_cmpint (format, ==, DK_SERVER_LOG_FORMAT_JOURNAL);
  g_assert_true (dk_server_log_parse_format ("text", &format, NULL));
  g_assert_cmpint (format, ==, DK_SERVER_LOG_FORMAT_TEXT);
  g_assert_false (dk_server_log_parse_format ("json", &format, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
}

static void
assert_journal_lines (const char *err)
{
  g_auto(GStrv) lines = g_strsplit (err, "\n", -1);
  guint n_debug = 0;

  g_assert_cmpuint (g_strv_length (lines), >, 1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      /* the "database is empty" kind of notice is printed, not logged */
      if (g_str_has_prefix (lines[i], "driftkoll-server serve: "))
        continue;
      if (!g_regex_match_simple ("^<[3-7]>(dk-[a-z-]+|GLib[a-zA-Z-]*|[A-Za-z-]+): .", lines[i],
                                 0, 0))
        g_error ("not a journal line: %s", lines[i]);
      if (g_str_has_prefix (lines[i], "<7>dk-"))
        n_debug++;
    }
  g_assert_cmpuint (n_debug, >, 0);
}

static void
test_log_journal (Fixture       *fixture,
                  gconstpointer  user_data)
{
  const char *args[] = { "--db", fixture->db, "--listen", "127.0.0.1:0", NULL };
  g_autofree char *journal_stream = NULL;
  g_autofree char *err = NULL;
  struct stat st;
  Running running;
  int write_fd;
  int read_fd;

  /* --log-format=journal */
  {
    const char *env[] = { "G_MESSAGES_DEBUG=all", NULL };
    const char *journal_args[] = { "--db", fixture->db, "--listen", "127.0.0.1:0",
                                   "--log-format=journal", NULL };

    read_fd = open_stderr_pipe (&write_fd);
    g_assert_true (start_serve (&running, env, write_fd, journal_args));
    running.stderr_fd = read_fd;
    g_assert_cmpuint (request (running.url, "GET", "/api/v1/nothing-here", NULL, NULL, NULL),
                      ==, 404);
    g_assert_cmpint (stop_serve (&running), ==, 0);
    err = read_stderr (&running);
    running_clear (&running);
    g_test_message ("%s", err);
    assert_journal_lines (err);
    g_clear_pointer (&err, g_free);
  }

  /* JOURNAL_STREAM naming the pipe standard error is: journal by default */
  read_fd = open_stderr_pipe (&write_fd);
  g_assert_cmpint (fstat (write_fd, &st), ==, 0);
  journal_stream = g_strdup_printf ("JOURNAL_STREAM=%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
                                    (guint64) st.st_dev, (guint64) st.st_ino);
  {
    const char *env[] = { "G_MESSAGES_DEBUG=all", journal_stream, NULL };

    g_assert_true (start_serve (&running, env, write_fd, args));
  }
  running.stderr_fd = read_fd;
  g_assert_cmpint (stop_serve (&running), ==, 0);
  err = read_stderr (&running);
  running_clear (&running);
  assert_journal_lines (err);
  g_clear_pointer (&err, g_free);

  /* ... and text when it names another file, or --log-format=text says so */
  {
    const char *env[] = { "G_MESSAGES_DEBUG=all", "JOURNAL_STREAM=1:2", NULL };

    read_fd = open_stderr_pipe (&write_fd);
    g_assert_true (start_serve (&running, env, write_fd, args));
  }
  running.stderr_fd = read_fd;
  g_assert_cmpint (stop_serve (&running), ==, 0);
  err = read_stderr (&running);
  running_clear (&running);
  g_assert_false (g_regex_match_simple ("^<[0-7]>", err, G_REGEX_MULTILINE, 0));
  /* GLib's own: "(driftkoll-server serve:123): dk-server-cli-DEBUG: 12:00:00.000: …" */
  g_assert_true (g_regex_match_simple ("^(\\([^)]+\\): )?dk-[a-z-]+-DEBUG: ", err,
                                       G_REGEX_MULTILINE, 0));
  g_clear_pointer (&err, g_free);

  /* without G_MESSAGES_DEBUG: no debug lines */
  {
    const char *quiet_args[] = { "--db", fixture->db, "--listen", "127.0.0.1:0",
                                 "--log-format=journal", NULL };

    read_fd = open_stderr_pipe (&write_fd);
    g_assert_true (start_serve (&running, NULL, write_fd, quiet_args));
  }
  running.stderr_fd = read_fd;
  g_assert_cmpint (stop_serve (&running), ==, 0);
  err = read_stderr (&running);
  running_clear (&running);
  g_assert_false (g_regex_match_simple ("^<7>", err, G_REGEX_MULTILINE, 0));
}

/* ---- no secret in the log ---- */

static void
assert_no_secret (const char *log,
                  const char *secret)
{
  if (strstr (log, secret) != NULL)
    g_error ("the log holds a secret (%s): %s", secret, log);
}

static void
test_log_no_secrets (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const char *formats[] = { "text", "journal" };

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *format = g_strconcat ("--log-format=", formats[f], NULL);
      const char *env[] = { "G_MESSAGES_DEBUG=all", NULL };
      const char *args[] = { "--db", fixture->db, "--listen", "127.0.0.1:0", format, NULL };
      g_autofree char *wrong = login_body ("operator", WRONG_PASSWORD, 0);
      g_autofree char *right = login_body ("operator", SECRET_PASSWORD, 0);
      g_autofree char *reply = NULL;
      g_autofree char *err = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;
      const char *token;
      Running running;
      int write_fd;
      int read_fd = open_stderr_pipe (&write_fd);

      g_assert_true (start_serve (&running, env, write_fd, args));
      running.stderr_fd = read_fd;

      g_assert_cmpuint (request (running.url, "POST", "/api/v1/session", NULL, wrong, NULL), ==,
                        401);
      g_assert_cmpuint (request (running.url, "POST", "/api/v1/session", NULL, right, &reply),
                        ==, 200);
      node = json_from_string (reply, &error);
      g_assert_no_error (error);
      token = json_object_get_string_member (json_node_get_object (node), "token");
      g_assert_nonnull (token);
      g_assert_cmpuint (strlen (token), >=, 16);

      /* the token in Authorization and Cookie, on a good and a refused request */
      g_assert_cmpuint (request (running.url, "GET", "/api/v1/changes?since=0", token, NULL,
                                 NULL), ==, 200);
      g_assert_cmpuint (request (running.url, "GET", "/api/v1/nothing-here", token, NULL, NULL),
                        ==, 404);
      /* refused before the body is read, which the guard logs at debug level */
      {
        g_autofree char *huge = login_body ("operator", SECRET_PASSWORD, 2 * 1024 * 1024);

        g_assert_cmpuint (request (running.url, "POST", "/api/v1/mutations", token, huge,
                                   NULL), ==, 413);
      }
      g_assert_cmpuint (request (running.url, "DELETE", "/api/v1/session", token, NULL, NULL),
                        <, 300);
      g_assert_cmpuint (request (running.url, "GET", "/api/v1/changes?since=0", token, NULL,
                                 NULL), ==, 401);

      g_assert_cmpint (stop_serve (&running), ==, 0);
      err = read_stderr (&running);
      running_clear (&running);
      g_test_message ("%s log: %zu bytes:\n%s", formats[f], strlen (err), err);

      /* it did log (debug on), and nothing of what was secret */
      g_assert_cmpuint (strlen (err), >, 0);
      assert_no_secret (err, SECRET_PASSWORD);
      assert_no_secret (err, WRONG_PASSWORD);
      assert_no_secret (err, token);
      assert_no_secret (err, "Bearer");
      /* not even a prefix of the token long enough to guess from */
      {
        g_autofree char *prefix = g_strndup (token, 12);

        assert_no_secret (err, prefix);
      }
    }
}

/* A PostgreSQL location is logged ("Connected again to the database …") without its
 * password, in either syntax. */
static void
test_log_pg_location_masked (void)
{
  const char *locations[] = {
    "postgresql://driftkoll:Pg-Sekret-99@db.example:5432/driftkoll",
    "host=db.example dbname=driftkoll user=driftkoll password=Pg-Sekret-99",
    "postgresql:///driftkoll?host=/run/postgresql&password=Pg-Sekret-99",
  };

  for (guint i = 0; i < G_N_ELEMENTS (locations); i++)
    {
      g_autofree char *described = _dk_server_db_pg_describe_location (locations[i]);

      g_test_message ("%s → %s", locations[i], described);
      g_assert_nonnull (described);
      g_assert_null (strstr (described, "Pg-Sekret-99"));
      g_assert_nonnull (strstr (described, "driftkoll"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/service/config/values-used", Fixture, NULL, fixture_set_up,
              test_config_values_used, fixture_tear_down);
  g_test_add ("/server/service/config/flag-wins-over-file", Fixture, NULL, fixture_set_up,
              test_config_flag_wins, fixture_tear_down);
  for (guint i = 0; i < G_N_ELEMENTS (bad_configs); i++)
    {
      g_autofree char *name = g_strdup_printf ("/server/service/config/refused/%s",
                                               bad_configs[i].name);

      g_test_add (name, Fixture, &bad_configs[i], fixture_set_up, test_config_bad,
                  fixture_tear_down);
    }
  g_test_add ("/server/service/config/refused/missing-file", Fixture, NULL, fixture_set_up,
              test_config_missing_file, fixture_tear_down);
  g_test_add ("/server/service/config/packaged-file-and-every-example", Fixture, NULL,
              fixture_set_up, test_config_packaged, fixture_tear_down);
  g_test_add ("/server/service/config/create-if-missing", Fixture, NULL, fixture_set_up,
              test_config_create_if_missing, fixture_tear_down);
  g_test_add ("/server/service/notify/ready-then-stopping", Fixture, NULL, fixture_set_up,
              test_notify_ready_stopping, fixture_tear_down);
  g_test_add ("/server/service/notify/watchdog", Fixture, NULL, fixture_set_up,
              test_notify_watchdog, fixture_tear_down);
  g_test_add ("/server/service/socket-activation", Fixture, NULL, fixture_set_up,
              test_socket_activation, fixture_tear_down);
  g_test_add_func ("/server/service/log/journal-line", test_log_journal_line);
  g_test_add ("/server/service/log/journal-format", Fixture, NULL, fixture_set_up,
              test_log_journal, fixture_tear_down);
  g_test_add ("/server/service/log/no-password-or-token", Fixture, NULL, fixture_set_up,
              test_log_no_secrets, fixture_tear_down);
  g_test_add_func ("/server/service/log/postgresql-password-masked",
                   test_log_pg_location_masked);

  return g_test_run ();
}
