/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-format.h: how the app writes times, ages, services and search matches */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A local date and time ("2026-11-24 14:05"); an empty string for DK_TIME_UNSET. */
char *dk_format_time         (gint64       t);
/* How long ago @t was from @now, in words ("4 minutes", "2 hours", "3 days"). */
char *dk_format_age          (gint64       t,
                              gint64       now);
/* The names of @service_ids joined with ", "; an id whose name is not in @names shows
 * as the id. @names: service id → name, may be NULL. */
char *dk_format_services     (GPtrArray   *service_ids,
                              GHashTable  *names);
/* Pango markup of @text with every word of @query that matches a word's start
 * highlighted, folding case and Nordic letters as the search does ("atgard" marks
 * "åtgärd"). @query NULL or empty: @text escaped. */
char *dk_format_highlight    (const char  *text,
                              const char  *query);

G_END_DECLS
