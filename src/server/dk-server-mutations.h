/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-mutations.h: applying the mutations of POST /api/v1/mutations */
#pragma once

#include "dk-core.h"
#include "dk-server-db.h"

G_BEGIN_DECLS

/*
 * Applies one mutation ({"id": uuid, "op": "...", "base_revision": N, "data": {...}})
 * for @viewer inside its own savepoint (the caller holds the batch's transaction), and
 * returns its wire result:
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

G_END_DECLS
