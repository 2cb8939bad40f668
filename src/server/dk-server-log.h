/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-log.h: the server's log on stderr, as text or in lines the journal keeps well */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  DK_SERVER_LOG_FORMAT_TEXT,     /* GLib's own: "dk-server-http-Message: 12:00:00.000: …" */
  DK_SERVER_LOG_FORMAT_JOURNAL,  /* "<5>dk-server-http: …", one line per event */
} DkServerLogFormat;

/* "text" or "journal"; NULL picks dk_server_log_default_format (). */
gboolean           dk_server_log_parse_format   (const char        *text,
                                                 DkServerLogFormat *format,
                                                 GError           **error);
/* Journal when JOURNAL_STREAM names the file standard error is (systemd set it), else
 * text. */
DkServerLogFormat  dk_server_log_default_format (void);
/* The journal line of one message, with its "<N>" priority prefix and newline. */
char              *dk_server_log_format_journal (GLogLevelFlags     level,
                                                 const char        *domain,
                                                 const char        *message);
/* Makes @format the process's log writer; once per process. */
void               dk_server_log_install        (DkServerLogFormat  format);

G_END_DECLS
