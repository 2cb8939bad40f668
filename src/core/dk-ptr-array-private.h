/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-ptr-array-private.h: the deep copies of pointer arrays the core's types share */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GPtrArray *_dk_ptr_array_copy_deep (const GPtrArray *src,
                                    GCopyFunc        func,
                                    GDestroyNotify   free_func);
GPtrArray *_dk_strings_copy        (const GPtrArray *src);

G_END_DECLS
