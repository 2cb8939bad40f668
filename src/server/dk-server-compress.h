/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-compress.h: gzip for the server's JSON replies, when the caller accepts it */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Bodies smaller than this are sent as they are: gzip's header and the CPU buy nothing. */
#define DK_SERVER_COMPRESS_MIN_BYTES 1024

gboolean dk_server_compress_accepts_gzip  (SoupMessageHeaders *request_headers);
GBytes  *dk_server_compress_gzip          (GBytes             *body,
                                           GError            **error);
void     dk_server_compress_set_response  (SoupServerMessage  *msg,
                                           const char         *content_type,
                                           GBytes             *body);

G_END_DECLS
