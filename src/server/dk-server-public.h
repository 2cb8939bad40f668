/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-public.h: the public page and Atom feed for partners without login */
#pragma once

#include <libsoup/soup.h>

#include "dk-server-db.h"

G_BEGIN_DECLS

/* A complete HTML5 page (UTF-8) of the current public cases: ongoing incidents and
 * crisis information, planned actions, and those closed in the last 24 hours; works
 * without JavaScript and on a phone. Never contains an internal case. */
GBytes *dk_server_render_page (DkServerDb  *db,
                               gint64       now,
                               GError     **error);
/* An Atom 1.0 feed of the same cases, newest update first; @base_url ends in '/'. */
GBytes *dk_server_render_feed (DkServerDb  *db,
                               const char  *base_url,
                               gint64       now,
                               GError     **error);

/* What kind of public reply dk_server_public_add_headers () hardens. */
typedef enum {
  DK_PUBLIC_REPLY_PAGE,   /* the page: its own inline style, nothing else */
  DK_PUBLIC_REPLY_FEED,   /* the feed, and any other reply that is never a document */
} DkPublicReply;

/* Adds the headers of a hardened static page to a public reply: a strict
 * Content-Security-Policy, nosniff, no referrer, no framing. */
void    dk_server_public_add_headers (SoupMessageHeaders *headers,
                                      DkPublicReply       reply);

G_END_DECLS
