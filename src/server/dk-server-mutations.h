/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-mutations.h: applying the mutations of POST /api/v1/mutations */
#pragma once

#include "dk-core.h"
#include "dk-server-db.h"

G_BEGIN_DECLS

/*
 * Applies one mutation ({"id": uuid, "op": "...", "base_revision": N, "client_at": time?,
 * "data": {...}}) for @viewer inside its own savepoint (the caller holds the batch's
 * transaction), and returns its wire result:
 *   {"id", "status": "applied", "revision", "number"?, "type", "object_id"}
 *   {"id", "status": "conflict", "current": {...}, "revision"}
 *   {"id", "status": "rejected", "error": {"code", "message"}}
 * A mutation id seen before answers with the stored result and changes nothing.
 * Applied, conflict and rejected results are stored with the mutation and an applied
 * one is written to the audit table (who, what, from @address). Only a storage failure
 * returns NULL with @error set: the caller then rolls the whole batch back.
 */
JsonNode *dk_server_apply_mutation (DkServerDb     *db,
                                    const DkViewer *viewer,
                                    const char     *address,
                                    JsonNode       *mutation,
                                    gint64          now,
                                    GError        **error);

/* How long before its session's last contact a client's time may lie and still be
 * kept: mutations made just before a pull but sent after it, and clocks a little slow. */
#define DK_MUTATION_CONTACT_SLACK_SECONDS (15 * 60)

/*
 * The user's time. A mutation may carry "client_at" (RFC 3339): when the user did it,
 * by the client's clock (the outbox row's time). It becomes the time of the act (see
 * DkMutation in dk-server-mutations-private.h) when it is plausible: not after @now +
 * DK_MUTATION_MAX_CLOCK_SKEW_SECONDS and not before @earliest; otherwise @now stands
 * in. A "client_at" that is not an RFC 3339 string rejects that mutation alone.
 * dk_server_apply_mutation () is this with no @earliest (DK_TIME_UNSET).
 */
JsonNode *dk_server_apply_mutation_since (DkServerDb     *db,
                                          const DkViewer *viewer,
                                          const char     *address,
                                          JsonNode       *mutation,
                                          gint64          now,
                                          gint64          earliest,
                                          GError        **error);

/* The earliest plausible client time for a session that began at @session_created_at
 * and last had the server's changes at @last_contact (DK_TIME_UNSET: never yet, so
 * its acts may come from the session before it, at most DK_SESSION_SECONDS long),
 * less DK_MUTATION_CONTACT_SLACK_SECONDS. */
gint64    dk_server_mutation_earliest_time (gint64          session_created_at,
                                            gint64          last_contact);

G_END_DECLS
