/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-routines.h: the routine library and runs in the replica
 *
 * Everything here reads the replica only, so the Reservrutiner page and the cli work
 * with no network. Runs are shown merged: a run's local version (ticks not yet sent)
 * and the server's copy are two sets of events, and what shows is their union
 * (dk_run_merge ()), so ticks that arrived from other desktops show at once even while
 * one's own wait in the outbox.
 */
#pragma once

#include "dk-store.h"

G_BEGIN_DECLS

/* What query_routines filters on; zero-initialised means every routine. */
typedef struct {
  const char *service;    /* a service id, or NULL */
  const char *audience;   /* an audience as the routines spell it (case folded), or NULL */
  const char *text;       /* words that must all occur (folded: "atgard" finds "åtgärd")
                           * in the title, audience, owner, service names or a step's
                           * text, contact or form; NULL or blank for all */
} DkRoutineQuery;

/* The routines that match, ordered by service name (a routine for two services shows
 * under the first), then audience, then title. (element-type DkRoutine) */
GPtrArray *dk_store_query_routines     (DkStore              *self,
                                        const DkRoutineQuery *query,
                                        GError              **error);
/* The distinct audiences of the routines, sorted. (element-type utf8) */
GPtrArray *dk_store_list_routine_audiences (DkStore          *self,
                                        GError              **error);
/* The runs tied to a case, the latest started first. (element-type DkRun) */
GPtrArray *dk_store_list_runs_for_case (DkStore              *self,
                                        const char           *case_id,
                                        GError              **error);

G_END_DECLS
