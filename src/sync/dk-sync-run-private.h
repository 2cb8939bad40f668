/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-run-private.h: one sync run, shared by dk-sync-run.c (starting and ending
 * it), dk-sync-push.c (the outbox) and dk-sync-pull.c (the pages of changes) */
#pragma once

#include "dk-sync-engine-private.h"

G_BEGIN_DECLS

typedef struct _Page Page;

struct _DkSyncRun
{
  DkSyncEngine *self;            /* a reference while the run lives */
  GArray       *waiters;         /* Waiter (dk-sync-run.c) */
  GCancellable *cancellable;
  GHashTable   *sent;            /* mutation ids sent in this run */
  GPtrArray    *batch;           /* mutation ids of the batch in flight */
  char         *token;           /* the token this run uses */
  DkSyncState   state_before;
  guint         batch_limit;
  guint64       applied;
  gint64        cursor;          /* applied up to here */
  gboolean      resynced;

  /* the pull's pipeline (dk-sync-pull.c) */
  DkStore      *writer;          /* the apply thread's connection to the replica */
  Page         *fetched;         /* fetched, being parsed */
  Page         *ready;           /* parsed, waiting for the one applied */
  Page         *applying;
  gint64        next_since;      /* the cursor the next page is asked for with */
  gboolean      fetching;
  gboolean      parsing;
  gboolean      fetch_done;      /* the newest page is in: nothing more to fetch */
  gboolean      want_resync;
  guint         cuts;            /* pages in a row the link cut mid-answer */
  GError       *pull_error;
  GError       *abandoned;       /* why the watch gave the run up (it then cancels it) */
};

/* dk-sync-run.c */
/* Ends the run with @error (transfer full) (nullable): the engine's state, the next run
 * if one was asked for, then every caller waiting for this one. */
void      _dk_sync_run_finish          (DkSyncRun  *run,
                                        GError     *error);
/* TRUE, and the run ended, when it was cancelled. */
gboolean  _dk_sync_run_check_cancelled (DkSyncRun  *run);

/* dk-sync-push.c */
/* Sends the outbox in batches, then pulls. */
void      _dk_sync_run_push_next       (DkSyncRun  *run);

/* dk-sync-pull.c */
/* Pulls every page of changes from the replica's cursor on, then ends the run. */
void      _dk_sync_run_pull_next       (DkSyncRun  *run);
/* Drops what the pull holds: its pages, its connection to the replica, its error. */
void      _dk_sync_run_clear_pull      (DkSyncRun  *run);

G_END_DECLS
