/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-config.h: a command's long options read from a GKeyFile group */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a configuration file set: the file and, per key it applied, the text it held
 * (to name the file, key and value when a value turns out wrong later). */
typedef struct _DkServerConfig DkServerConfig;

/* The long options @argv gives (before GOption removes them), as a set of names. */
GHashTable     *dk_server_config_scan_flags   (const GOptionEntry  *entries,
                                               int                  argc,
                                               char               **argv);
/* Reads group @group of @path and stores each key into the variable of the entry of
 * @entries named after it, unless @given holds that name (the command line wins).
 * Keys that name no entry, @skip_key, other groups and bad values are errors. */
DkServerConfig *dk_server_config_apply        (const char          *path,
                                               const char          *group,
                                               const GOptionEntry  *entries,
                                               GHashTable          *given,
                                               const char          *skip_key,
                                               GError             **error);
/* The text the file gave @key, or NULL when the value did not come from it. */
const char     *dk_server_config_lookup       (DkServerConfig      *config,
                                               const char          *key);
/* "FILE: key “KEY”, value “VALUE”: MESSAGE" when @key came from the file, else
 * MESSAGE. @config may be NULL. */
char           *dk_server_config_explain      (DkServerConfig      *config,
                                               const char          *key,
                                               const char          *message);
void            dk_server_config_free         (DkServerConfig      *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkServerConfig, dk_server_config_free)

G_END_DECLS
