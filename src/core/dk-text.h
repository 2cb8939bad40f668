/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-text.h: text that can be published: what a feed, a page and every reader carry */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gboolean  dk_unichar_is_publishable  (gunichar     c);
/* FALSE with DK_ERROR_INVALID naming @member and the first character that cannot be
 * published. */
gboolean  dk_text_check_publishable  (const char  *text,
                                      const char  *member,
                                      GError     **error);
/* Every string in @node, at any depth; messages name the path ("update.text",
 * "services[2]") under @member (NULL: the top). */
gboolean  dk_json_check_publishable  (JsonNode    *node,
                                      const char  *member,
                                      GError     **error);
/* A copy of @text (any bytes) that can be published: invalid UTF-8 and what cannot be
 * published become U+FFFD, U+2028 and U+2029 a space. */
char     *dk_text_dup_publishable    (const char  *text,
                                      gssize       length);

G_END_DECLS
