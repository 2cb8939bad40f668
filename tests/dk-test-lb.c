/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-test-lb.c: Debian's HAProxy in front of the test's server instances, with a
 * configuration written by the test into a temporary folder (never the system service)
 *
 * The tests wait for what HAProxy itself says about its backends (the "status" column of
 * "show stat" on its stats socket) instead of sleeping: a stopped instance is out after
 * two failed checks 500 ms apart, a started one in after one success.
 */

#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "dk-test-files.h"
#include "dk-test-lb.h"

struct _DkTestLb {
  char        *dir;
  char        *stats_path;
  char        *log_path;
  GSubprocess *process;
  guint        port;
  char        *url;
  guint        n_backends;
};

const char *
dk_test_lb_find_haproxy (void)
{
  const char *path = g_getenv ("DK_TEST_HAPROXY");

  if (path == NULL || *path == '\0')
    path = "/usr/sbin/haproxy";
  return g_file_test (path, G_FILE_TEST_IS_EXECUTABLE) ? path : NULL;
}

/* A port nobody listens on now. HAProxy cannot tell which port it took for ":0", so the
 * test picks one; start retries on the rare race with another program. */
static guint
pick_free_port (GError **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         error);
  if (socket == NULL || !g_socket_bind (socket, any, FALSE, error))
    return 0;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* "server sN 127.0.0.1:PORT check" for each backend URL. */
static gboolean
append_servers (GString             *config,
                const char * const  *backend_urls,
                GError             **error)
{
  for (guint i = 0; backend_urls[i] != NULL; i++)
    {
      g_autoptr(GUri) uri = g_uri_parse (backend_urls[i], G_URI_FLAGS_NONE, error);

      if (uri == NULL)
        return FALSE;
      if (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 || g_uri_get_port (uri) <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "A backend must be http://HOST:PORT/, not %s", backend_urls[i]);
          return FALSE;
        }
      g_string_append_printf (config, "  server s%u %s:%d check\n", i, g_uri_get_host (uri),
                              g_uri_get_port (uri));
    }
  return TRUE;
}

/* The whole configuration. Why each line is there:
 * - maxconn: HAProxy sizes its descriptor limit from it (two descriptors a connection,
 *   client and server side) and refuses to start when the hard limit is lower.
 * - timeout tunnel: once a WebSocket is upgraded only this one counts; the sync engine
 *   pings every 5 s, so an hour is only a bound for a client that vanished.
 * - timeout client/server 30 s: a request waiting for its reply longer than the
 *   engine's own 30 s timeout is dead anyway.
 * - option redispatch + retries: a connection refused by an instance that just died
 *   (and is not yet marked down) goes to another one.
 * - on-marked-down shutdown-sessions: the tunnels to an instance HAProxy gave up on are
 *   closed, so their clients reconnect (through the balancer) at once.
 * - No "option forwardfor": driftkoll-server does not read X-Forwarded-For, it counts
 *   connections and login failures by the peer's address (the balancer's). */
static char *
build_config (DkTestLb            *self,
              const char * const  *backend_urls,
              guint                max_connections,
              GError             **error)
{
  g_autoptr(GString) config = g_string_new (NULL);

  g_string_append_printf (config,
                          "global\n"
                          "  maxconn %u\n"
                          "  stats socket %s mode 600 level admin\n"
                          "  log stderr format raw local0 notice\n"
                          "\n"
                          "defaults\n"
                          "  mode http\n"
                          "  log global\n"
                          "  option dontlognull\n"
                          "  option redispatch\n"
                          "  retries 2\n"
                          "  timeout connect 2s\n"
                          "  timeout client 30s\n"
                          "  timeout server 30s\n"
                          "  timeout http-request 10s\n"
                          "  timeout http-keep-alive 10s\n"
                          "  timeout tunnel 1h\n"
                          "  timeout client-fin 5s\n"
                          "  timeout check 1s\n"
                          "\n"
                          "frontend driftkoll\n"
                          "  bind 127.0.0.1:%u\n"
                          "  maxconn %u\n"
                          "  default_backend instances\n"
                          "\n"
                          "backend instances\n"
                          "  balance leastconn\n"
                          "  option httpchk GET /api/v1/healthz\n"
                          "  http-check expect status 200\n"
                          "  default-server inter 500ms fastinter 250ms downinter 500ms "
                          "fall 2 rise 1 on-marked-down shutdown-sessions maxconn %u\n",
                          max_connections + 100, self->stats_path, self->port,
                          max_connections, max_connections);
  if (!append_servers (config, backend_urls, error))
    return NULL;
  return g_string_free (g_steal_pointer (&config), FALSE);
}

/* 4096, or what the descriptor hard limit allows (HAProxy needs two a connection and a
 * few hundred for itself). */
static guint
default_max_connections (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_max == RLIM_INFINITY)
    return 4096;
  return CLAMP (((gint64) limit.rlim_max - 600) / 2, 16, 4096);
}

/* HAProxy must not outlive a test that aborted. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static char *
read_log (DkTestLb *self)
{
  char *text = NULL;

  if (!g_file_get_contents (self->log_path, &text, NULL, NULL))
    return g_strdup ("(no log)");
  return text;
}

/* Waits until the stats socket answers (HAProxy listens on everything before it
 * answers it); FALSE when the process ended or after 10 s. */
static gboolean
wait_started (DkTestLb  *self,
              GError   **error)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      g_autofree char *stat = NULL;

      if (g_subprocess_get_identifier (self->process) == NULL)
        break;
      stat = dk_test_lb_show_stat (self, NULL);
      if (stat != NULL)
        return TRUE;
      g_usleep (20 * 1000);
    }

  {
    g_autofree char *log = read_log (self);

    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "haproxy did not start:\n%s", log);
  }
  return FALSE;
}

static gboolean
spawn (DkTestLb  *self,
       GError   **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autofree char *config_path = g_build_filename (self->dir, "haproxy.cfg", NULL);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, self->log_path);
  /* -db: in the foreground, so this process is HAProxy itself and a signal reaches it. */
  self->process = g_subprocess_launcher_spawn (launcher, error, dk_test_lb_find_haproxy (),
                                               "-db", "-f", config_path, NULL);
  if (self->process == NULL)
    return FALSE;
  if (wait_started (self, error))
    return TRUE;
  dk_test_lb_stop (self, 0);
  return FALSE;
}

static gboolean
start_on_free_port (DkTestLb            *self,
                    const char * const  *backend_urls,
                    guint                max_connections,
                    GError             **error)
{
  for (guint attempt = 0;; attempt++)
    {
      g_autofree char *config = NULL;
      g_autofree char *config_path = g_build_filename (self->dir, "haproxy.cfg", NULL);
      g_autoptr(GError) local_error = NULL;

      self->port = pick_free_port (error);
      if (self->port == 0)
        return FALSE;
      config = build_config (self, backend_urls, max_connections, error);
      if (config == NULL || !g_file_set_contents (config_path, config, -1, error))
        return FALSE;
      if (spawn (self, &local_error))
        return TRUE;
      /* Only a port taken meanwhile is worth another try. */
      if (attempt >= 3 || strstr (local_error->message, "cannot bind") == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_clear_object (&self->process);
    }
}

DkTestLb *
dk_test_lb_start (const char * const  *backend_urls,
                  guint                max_connections,
                  GError             **error)
{
  g_autoptr(DkTestLb) self = NULL;

  g_return_val_if_fail (backend_urls != NULL && backend_urls[0] != NULL, NULL);

  if (dk_test_lb_find_haproxy () == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "haproxy is not installed (/usr/sbin/haproxy, or set DK_TEST_HAPROXY)");
      return NULL;
    }

  self = g_new0 (DkTestLb, 1);
  self->dir = g_dir_make_tmp ("driftkoll-lb-XXXXXX", error);
  if (self->dir == NULL)
    return NULL;
  self->stats_path = g_build_filename (self->dir, "stats.sock", NULL);
  self->log_path = g_build_filename (self->dir, "haproxy.log", NULL);
  self->n_backends = g_strv_length ((char **) backend_urls);
  if (max_connections == 0)
    max_connections = default_max_connections ();
  if (!start_on_free_port (self, backend_urls, max_connections, error))
    return NULL;
  self->url = g_strdup_printf ("http://127.0.0.1:%u/", self->port);

  return g_steal_pointer (&self);
}

const char *
dk_test_lb_get_url (DkTestLb *self)
{
  return self->url;
}

guint
dk_test_lb_get_port (DkTestLb *self)
{
  return self->port;
}

char *
dk_test_lb_show_stat (DkTestLb  *self,
                      GError   **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (self->stats_path);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  GOutputStream *out;
  GInputStream *in;
  char buffer[4096];
  gssize n;

  g_socket_client_set_timeout (client, 5);
  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, error);
  if (connection == NULL)
    return NULL;
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  if (!g_output_stream_write_all (out, "show stat\n", 10, NULL, NULL, error))
    return NULL;
  /* Without "prompt" HAProxy answers one command and closes. */
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, error)) > 0)
    g_string_append_len (text, buffer, n);
  if (n < 0)
    return NULL;
  if (!g_str_has_prefix (text->str, "# "))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "show stat said: %s", text->str);
      return NULL;
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
dk_test_lb_dup_stat (DkTestLb   *self,
                     guint       index,
                     const char *column)
{
  g_autofree char *stat = dk_test_lb_show_stat (self, NULL);
  g_autofree char *name = g_strdup_printf ("s%u", index);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  int wanted = -1;

  if (stat == NULL)
    return NULL;
  lines = g_strsplit (stat, "\n", -1);
  header = g_strsplit (lines[0] + 2, ",", -1);
  for (int i = 0; header[i] != NULL; i++)
    if (g_str_equal (header[i], column))
      wanted = i;
  if (wanted < 0)
    return NULL;

  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ",", -1);

      if (g_strv_length (fields) > (guint) wanted && g_str_equal (fields[0], "instances") &&
          g_str_equal (fields[1], name))
        return g_strdup (fields[wanted]);
    }
  return NULL;
}

DkTestLbState
dk_test_lb_get_state (DkTestLb *self,
                      guint     index)
{
  g_autofree char *status = dk_test_lb_dup_stat (self, index, "status");

  /* "UP", and "UP 1/2" while it is failing checks but not yet taken out. */
  return status != NULL && g_str_has_prefix (status, "UP") ? DK_TEST_LB_UP : DK_TEST_LB_DOWN;
}

gboolean
dk_test_lb_wait_state (DkTestLb      *self,
                       guint          index,
                       DkTestLbState  state,
                       guint          timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      if (dk_test_lb_get_state (self, index) == state)
        return TRUE;
      if (g_get_monotonic_time () >= end)
        return FALSE;
      g_usleep (50 * 1000);
    }
}

gboolean
dk_test_lb_wait_all (DkTestLb      *self,
                     DkTestLbState  state,
                     guint          timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (guint i = 0; i < self->n_backends; i++)
    {
      gint64 left = (end - g_get_monotonic_time ()) / 1000;

      if (!dk_test_lb_wait_state (self, i, state, MAX (left, 0)))
        return FALSE;
    }
  return TRUE;
}

/* Waits at most @ms for the process to end. */
static gboolean
wait_ended (GSubprocess *process,
            guint        ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_subprocess_get_identifier (process) != NULL)
    {
      if (g_get_monotonic_time () >= end)
        return FALSE;
      g_usleep (10 * 1000);
    }
  return TRUE;
}

void
dk_test_lb_stop (DkTestLb *self,
                 guint     grace_ms)
{
  if (self->process == NULL)
    return;

  /* A soft stop waits for the tunnels to end; the grace bounds it. */
  g_subprocess_send_signal (self->process, SIGUSR1);
  if (!wait_ended (self->process, grace_ms))
    {
      g_subprocess_send_signal (self->process, SIGTERM);
      if (!wait_ended (self->process, 5000))
        g_subprocess_force_exit (self->process);
    }
  g_subprocess_wait (self->process, NULL, NULL);
  g_clear_object (&self->process);
}

void
dk_test_lb_free (DkTestLb *self)
{
  if (self == NULL)
    return;

  dk_test_lb_stop (self, 1000);
  if (self->dir != NULL)
    dk_test_remove_tree (self->dir);
  g_free (self->dir);
  g_free (self->stats_path);
  g_free (self->log_path);
  g_free (self->url);
  g_free (self);
}
