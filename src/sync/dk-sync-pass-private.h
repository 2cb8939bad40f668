/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-pass-private.h: one sync pass (dk-sync-pass.c), and which thread owns what */
#pragma once

#include "dk-sync-engine-private.h"

G_BEGIN_DECLS

struct _DkSyncPass
{
  /* the engine's context: starting and ending the pass, and whoever waits for it */
  DkSyncEngine *self;            /* a reference while the pass lives */
  GArray       *waiters;         /* Waiter (dk-sync-pass.c) */
  GCancellable *cancellable;     /* any thread may look; the engine's context cancels */
  DkSyncState   state_before;
  GError       *abandoned;       /* why the watch gave the pass up (it then cancels it) */

  /* copied on the engine's context before the thread starts, then read-only */
  char         *token;           /* the token this pass uses */
  char         *server_url;
  char         *replica_path;
  gboolean      use_snapshot;    /* a first sync starts from the server's snapshot */

  /* the pass's thread alone (then the applier, while the pull runs) */
  DkStore      *store;           /* its own connection to the replica */
  GHashTable   *sent;            /* mutation ids sent in this pass */
  guint         batch_limit;
  guint         pull_limit;      /* the engine's "pull-limit", told to it on each change */
  guint         cuts;            /* pages in a row the link cut mid-answer */
  gboolean      resynced;        /* once per pass */
  guint64       applied;         /* the applier's count, read once it has ended */
  gint64        snapshot_told_at; /* monotonic µs of the last snapshot-progress told */
};

G_END_DECLS
