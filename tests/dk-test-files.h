/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-test-files.h: the tests' temporary folders */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Removes a folder and everything in it (symbolic links are removed, not followed). */
void dk_test_remove_tree (const char *path);

G_END_DECLS
