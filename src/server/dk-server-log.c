/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-log.c: the server's log on stderr, as text or in lines the journal keeps well */

#define G_LOG_DOMAIN "dk-server-log"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dk-core.h"
#include "dk-server-log.h"

gboolean
dk_server_log_parse_format (const char         *text,
                            DkServerLogFormat  *format,
                            GError            **error)
{
  g_return_val_if_fail (format != NULL, FALSE);

  if (text == NULL)
    *format = dk_server_log_default_format ();
  else if (g_str_equal (text, "text"))
    *format = DK_SERVER_LOG_FORMAT_TEXT;
  else if (g_str_equal (text, "journal"))
    *format = DK_SERVER_LOG_FORMAT_JOURNAL;
  else
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("“%s” is not a log format: text or journal"), text);
      return FALSE;
    }

  return TRUE;
}

DkServerLogFormat
dk_server_log_default_format (void)
{
  const char *stream = g_getenv ("JOURNAL_STREAM");
  guint64 device;
  guint64 inode;
  struct stat st;

  /* systemd.exec(5): "DEVICE:INODE" of the stream it connected to the journal */
  if (stream == NULL || sscanf (stream, "%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
                                &device, &inode) != 2)
    return DK_SERVER_LOG_FORMAT_TEXT;
  if (fstat (STDERR_FILENO, &st) != 0)
    return DK_SERVER_LOG_FORMAT_TEXT;
  if ((guint64) st.st_dev != device || (guint64) st.st_ino != inode)
    return DK_SERVER_LOG_FORMAT_TEXT;

  return DK_SERVER_LOG_FORMAT_JOURNAL;
}

static int
priority_of (GLogLevelFlags level)
{
  /* sd-daemon(3)'s SD_ERR … SD_DEBUG */
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    return 3;
  if (level & G_LOG_LEVEL_WARNING)
    return 4;
  if (level & G_LOG_LEVEL_MESSAGE)
    return 5;
  if (level & G_LOG_LEVEL_INFO)
    return 6;

  return 7;
}

/**
 * dk_server_log_format_journal:
 * @level: the message's level
 * @domain: (nullable): its log domain
 * @message: the message
 *
 * Formats one event as one line: the priority as "<N>", the domain, the message with
 * its newlines and backslashes escaped (so that a line is never split in the journal).
 *
 * Returns: (transfer full): the line, ending in a newline
 */
char *
dk_server_log_format_journal (GLogLevelFlags  level,
                              const char     *domain,
                              const char     *message)
{
  GString *line = g_string_new (NULL);

  g_string_append_printf (line, "<%d>", priority_of (level));
  if (domain != NULL && domain[0] != '\0')
    g_string_append_printf (line, "%s: ", domain);

  for (const char *p = message != NULL ? message : ""; *p != '\0'; p++)
    {
      if (*p == '\n')
        g_string_append (line, "\\n");
      else if (*p == '\r')
        g_string_append (line, "\\r");
      else if (*p == '\\')
        g_string_append (line, "\\\\");
      else
        g_string_append_c (line, *p);
    }
  g_string_append_c (line, '\n');

  return g_string_free (line, FALSE);
}

static GLogWriterOutput
dk_server_log_write_cb (GLogLevelFlags   level,
                        const GLogField *fields,
                        gsize            n_fields,
                        gpointer         user_data)
{
  DkServerLogFormat format = GPOINTER_TO_INT (user_data);
  const char *domain = NULL;
  const char *message = NULL;
  g_autofree char *line = NULL;
  gsize length;
  gsize done = 0;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }

  /* G_MESSAGES_DEBUG decides about debug and info, as with GLib's own writer */
  if (g_log_writer_default_would_drop (level, domain))
    return G_LOG_WRITER_HANDLED;

  if (format == DK_SERVER_LOG_FORMAT_TEXT)
    return g_log_writer_standard_streams (level, fields, n_fields, NULL);

  /* one write per line, so that lines of two threads never interleave */
  line = dk_server_log_format_journal (level, domain, message);
  length = strlen (line);
  while (done < length)
    {
      gssize written = write (STDERR_FILENO, line + done, length - done);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        return G_LOG_WRITER_UNHANDLED;
      done += written;
    }

  return G_LOG_WRITER_HANDLED;
}

/**
 * dk_server_log_install:
 * @format: how to write
 *
 * Makes the server's writer the process's GLib log writer, on standard error for
 * every level (GLib's own sends debug and info to standard output).
 */
void
dk_server_log_install (DkServerLogFormat format)
{
  /* Debug and info too: standard output is for "listening on URL" alone. */
  g_log_writer_default_set_use_stderr (TRUE);
  g_log_set_writer_func (dk_server_log_write_cb, GINT_TO_POINTER (format), NULL);
}
