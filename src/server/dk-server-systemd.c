/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-systemd.c: telling systemd how the service is doing (sd_notify, watchdog),
 * and the socket it may pass (socket activation) */

#define G_LOG_DOMAIN "dk-server-systemd"

#include "config.h"

#include <glib/gi18n.h>
#include <sys/socket.h>

#include "dk-core.h"
#include "dk-server-systemd.h"

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

/**
 * dk_server_systemd_notify_ready:
 * @url: the base URL the server listens on
 *
 * Says READY=1 with STATUS=listening on @url: the unit is Type=notify.
 */
void
dk_server_systemd_notify_ready (const char *url)
{
  g_return_if_fail (url != NULL);

#ifdef HAVE_LIBSYSTEMD
  {
    int r = sd_notifyf (0, "READY=1\nSTATUS=listening on %s", url);

    if (r < 0)
      g_warning ("Could not tell systemd the server is ready: %s", g_strerror (-r));
    else if (r > 0)
      g_debug ("Told systemd: ready, listening on %s", url);
  }
#endif
}

/**
 * dk_server_systemd_notify_stopping:
 *
 * Says STOPPING=1 once a signal asked the server to stop.
 */
void
dk_server_systemd_notify_stopping (void)
{
#ifdef HAVE_LIBSYSTEMD
  int r = sd_notify (0, "STOPPING=1\nSTATUS=stopping");

  if (r < 0)
    g_warning ("Could not tell systemd the server is stopping: %s", g_strerror (-r));
#endif
}

#ifdef HAVE_LIBSYSTEMD
static gboolean
dk_server_systemd_watchdog_due_cb (gpointer user_data)
{
  sd_notify (0, "WATCHDOG=1");

  return G_SOURCE_CONTINUE;
}
#endif

/**
 * dk_server_systemd_start_watchdog:
 *
 * Pings systemd's watchdog from the main loop, so a loop that hangs gets the service
 * restarted (WatchdogSec= in the unit).
 *
 * Returns: the timeout's source id, or 0 when there is no watchdog
 */
guint
dk_server_systemd_start_watchdog (void)
{
#ifdef HAVE_LIBSYSTEMD
  guint64 usec = 0;
  guint interval_ms;
  int r = sd_watchdog_enabled (0, &usec);

  if (r < 0)
    {
      g_warning ("WATCHDOG_USEC is not valid: %s", g_strerror (-r));
      return 0;
    }
  if (r == 0 || usec == 0)
    return 0;

  interval_ms = (guint) MAX (1, MIN (usec / 2 / 1000, G_MAXUINT));
  g_debug ("Pinging systemd's watchdog every %u ms", interval_ms);
  /* the first ping at once: the loop is running */
  sd_notify (0, "WATCHDOG=1");
  return g_timeout_add (interval_ms, dk_server_systemd_watchdog_due_cb, NULL);
#else
  return 0;
#endif
}

/**
 * dk_server_systemd_take_listen_socket:
 * @error: set when systemd passed sockets serve cannot use
 *
 * Takes the socket of systemd's socket activation (a driftkoll-server.socket with one
 * ListenStream=): exactly one TCP socket, already listening. The environment variables
 * are unset, so that processes the server starts do not take it too.
 *
 * Returns: (transfer full) (nullable): the socket, or NULL when none was passed
 */
GSocket *
dk_server_systemd_take_listen_socket (GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

#ifdef HAVE_LIBSYSTEMD
  {
    int n = sd_listen_fds (1);

    if (n < 0)
      {
        g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                     _("The sockets systemd passed cannot be used: %s"), g_strerror (-n));
        return NULL;
      }
    if (n == 0)
      return NULL;
    if (n != 1 || sd_is_socket_inet (SD_LISTEN_FDS_START, AF_UNSPEC, SOCK_STREAM, 1, 0) <= 0)
      {
        g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                     _("systemd passed %d sockets; serve takes one listening TCP socket "
                       "(one ListenStream= in driftkoll-server.socket)"), n);
        return NULL;
      }

    return g_socket_new_from_fd (SD_LISTEN_FDS_START, error);
  }
#else
  return NULL;
#endif
}
