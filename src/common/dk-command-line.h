/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-command-line.h: what driftkoll-cli's and driftkoll-server's command lines share */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One line of a command's list of sub-commands. */
typedef struct {
  const char *name;
  const char *summary;   /* N_() */
} DkCommandLineRow;

void     dk_command_line_init              (void);
int      dk_command_line_finish_output     (const char              *program,
                                            int                      status);
void     dk_command_line_print_usage_error (const char              *command,
                                            const char              *format,
                                            va_list                  args) G_GNUC_PRINTF (2, 0);
void     dk_command_line_print_unknown     (const char              *command,
                                            const char              *word);
void     dk_command_line_print_failure     (const char              *command,
                                            const GError            *error);
gboolean dk_command_line_is_help           (const char              *arg);
void     dk_command_line_append_usage      (GString                 *out,
                                            const char              *command,
                                            const char              *synopsis,
                                            const char              *summary);
void     dk_command_line_append_commands   (GString                 *out,
                                            const DkCommandLineRow  *rows,
                                            guint                    n_rows);
void     dk_command_line_append_hint       (GString                 *out,
                                            const char              *command);
gboolean dk_command_line_parse_options     (const char              *command,
                                            const char              *parameters,
                                            const char              *summary,
                                            const GOptionEntry      *entries,
                                            int                     *argc,
                                            char                  ***argv);
gboolean dk_command_line_check_arguments   (const char              *command,
                                            const char              *parameters,
                                            int                      n_min,
                                            int                      n_max,
                                            int                     *argc,
                                            char                  ***argv);

G_END_DECLS
