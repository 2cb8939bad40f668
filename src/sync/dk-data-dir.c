/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-data-dir.c: where a replica lives, shared by driftkoll and driftkoll-cli */

#define G_LOG_DOMAIN "dk-data-dir"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>

#include "dk-data-dir.h"

#define REPLICA_FILE "replica.db"

/**
 * dk_data_dir_resolve:
 * @given: (nullable): the data dir a person named (--data-dir)
 *
 * Returns: (transfer full): @given when it is set, else $DRIFTKOLL_DATA_DIR when that is
 *   set, else `driftkoll` in the user's data dir ($XDG_DATA_HOME)
 */
char *
dk_data_dir_resolve (const char *given)
{
  const char *env;

  if (given != NULL && given[0] != '\0')
    return g_strdup (given);

  env = g_getenv (DK_DATA_DIR_ENV);
  if (env != NULL && env[0] != '\0')
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "driftkoll", NULL);
}

/**
 * dk_data_dir_open_store:
 * @dir: a data dir (dk_data_dir_resolve ())
 * @error: return location for a #GError
 *
 * Creates @dir, readable only by its owner, when it is missing, then opens (or creates)
 * the replica in it.
 *
 * Returns: (transfer full) (nullable): the replica
 */
DkStore *
dk_data_dir_open_store (const char  *dir,
                        GError     **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (dir);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not create the data dir %s: %s"), display,
                   g_strerror (saved_errno));
      return NULL;
    }

  path = g_build_filename (dir, REPLICA_FILE, NULL);
  return dk_store_open (path, error);
}
