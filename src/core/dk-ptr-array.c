/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-ptr-array.c: the deep copies of pointer arrays the core's types share */

#define G_LOG_DOMAIN "dk-ptr-array"

#include "config.h"

#include "dk-ptr-array-private.h"

/* A deep copy of @src (which may be NULL) that frees its items with @free_func. */
GPtrArray *
_dk_ptr_array_copy_deep (const GPtrArray *src,
                         GCopyFunc        func,
                         GDestroyNotify   free_func)
{
  GPtrArray *copy;

  if (src == NULL)
    return g_ptr_array_new_with_free_func (free_func);

  copy = g_ptr_array_new_full (src->len, free_func);
  for (guint i = 0; i < src->len; i++)
    g_ptr_array_add (copy, func (g_ptr_array_index (src, i), NULL));
  return copy;
}

static gpointer
copy_string (gconstpointer src,
             gpointer      user_data)
{
  return g_strdup (src);
}

/* A copy of the strings of @src (which may be NULL). */
GPtrArray *
_dk_strings_copy (const GPtrArray *src)
{
  return _dk_ptr_array_copy_deep (src, copy_string, g_free);
}
