/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-progress.h: the words of a sync's progress, the same in the app's bar and the
 * cli's line: "41 MB of 58 MB · 120 MB/s · 1 s left" while a first sync downloads the
 * snapshot, then "12 400 cases · 3 100/s · 25 s left" for the changes after it */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DkSyncProgress DkSyncProgress;

DkSyncProgress *dk_sync_progress_new            (void);
void            dk_sync_progress_free           (DkSyncProgress *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkSyncProgress, dk_sync_progress_free)

/* Of the engine's "snapshot-progress" at @now (monotonic µs). @out_fraction (nullable)
 * is how much has arrived, -1 while the total is unknown. (transfer full) */
char           *dk_sync_progress_describe_bytes (DkSyncProgress *self,
                                                 gint64          now,
                                                 guint64         received,
                                                 guint64         total,
                                                 double         *out_fraction);
/* Of the engine's "progress" at @now; the first call begins the cases' part, timed from
 * there (after a snapshot the cursor starts far in). (transfer full) */
char           *dk_sync_progress_describe_cases (DkSyncProgress *self,
                                                 gint64          now,
                                                 guint64         objects_applied,
                                                 gint64          cursor,
                                                 gint64          newest_seq,
                                                 double         *out_fraction);
/* Begins the cases' part at @now from @cursor (before its first figure, so that the
 * first page counts in the rate); a byte figure after it begins it again later. */
void            dk_sync_progress_begin_cases    (DkSyncProgress *self,
                                                 gint64          now,
                                                 gint64          cursor);
/* TRUE once the cases' part has begun: no more bytes come. */
gboolean        dk_sync_progress_in_cases       (DkSyncProgress *self);

/* "12 400": a count with thin groups, as the lines above write it. (transfer full) */
char           *dk_format_count                 (guint64         n);

G_END_DECLS
