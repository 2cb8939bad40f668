/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-terminal.h: reading a password from a terminal or standard input
 *
 * Shared by the two command lines (driftkoll-cli login, driftkoll-server user): a
 * prompt without echo that puts the terminal back when a signal arrives, and secrets
 * zeroed before they are freed.
 */
#pragma once

#include <stdio.h>

#include <glib.h>

G_BEGIN_DECLS

char *dk_terminal_read_secret_line (FILE        *stream,
                                    GError     **error);
char *dk_terminal_read_secret      (const char  *prompt,
                                    GError     **error);
char *dk_terminal_read_password    (const char  *prompt,
                                    GError     **error);
void  dk_terminal_secret_free      (char        *secret);

G_END_DECLS
