/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-test-files.c: the tests' temporary folders */

#include "config.h"

#include <glib/gstdio.h>

#include "dk-test-files.h"

void
dk_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        dk_test_remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}
