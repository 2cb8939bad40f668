/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-protocol.h: the constants of the sync protocol (v1) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DK_API_PREFIX              "/api/v1"
#define DK_PROTOCOL_VERSION        1

/* Limits every side enforces. */
#define DK_MAX_BODY_BYTES          (1024 * 1024)   /* a request body over this is 413 */
#define DK_MAX_MUTATIONS_PER_BATCH 500
#define DK_MAX_CHANGES_LIMIT       5000
#define DK_DEFAULT_CHANGES_LIMIT   500
#define DK_MAX_TITLE_CHARS         200
#define DK_MAX_SHORT_CHARS         200             /* names, units, ids, numbers */
#define DK_MAX_TEXT_CHARS          20000           /* descriptions, update texts */
#define DK_MAX_LIST_ITEMS          200             /* services of a case, steps, follow-ups */
#define DK_MAX_AFFECTED            1000            /* units affected too, reports linked to a case */

/* A case's history (updates, follow-ups, affected units, reserve events, linked reports)
 * grows one append at a time. Its limits are checked when something is ADDED, never when
 * a stored case is read: a limit met only on reading bricked a case by its own history
 * (issue 13: after 1,001 updates it could not be edited or closed, and clients hid it).
 * So the server refuses the append at the limit with "limit_reached" and a message that
 * says what to do, closing always goes through (its resolved update may be one past the
 * limit), and every reader takes a history of any length.
 *
 * Why keep a limit on updates at all, and why 1,000: every change to a case sends the
 * whole case, history included, to every desktop that pulls. A long outage at a steady
 * pace (an update every half hour for three weeks) stays under 1,000, while a case of
 * 1,000 updates is already some 300 KB for each desktop on each change; a runaway script
 * posting every minute would grow that without end. At the limit the case is closed and
 * a new one continues it. */
#define DK_MAX_UPDATES             1000            /* updates a case takes (closing: one more) */
#define DK_MAX_FOLLOW_UPS          DK_MAX_LIST_ITEMS
#define DK_MAX_RESERVE_EVENTS      DK_MAX_LIST_ITEMS

#define DK_SESSION_SECONDS         (12 * 3600)

/* Types in /changes */
#define DK_TYPE_NAME_CASE          "case"
#define DK_TYPE_NAME_SERVICE       "service"
#define DK_TYPE_NAME_ROUTINE       "routine"
#define DK_TYPE_NAME_RUN           "run"
#define DK_TYPE_NAME_REPORT        "report"
#define DK_TYPE_NAME_SUBSCRIPTION  "subscription"
#define DK_TYPE_NAME_TEMPLATE      "template"
#define DK_TYPE_NAME_UNIT          "unit"

/* Mutation results */
#define DK_RESULT_APPLIED          "applied"
#define DK_RESULT_CONFLICT         "conflict"
#define DK_RESULT_REJECTED         "rejected"

/* Replica snapshots (GET /api/v1/snapshot): a ready-made replica file for a first sync.
 * The class a caller gets follows from who it is, never from a parameter. */
#define DK_SNAPSHOT_CLASS_ANONYMOUS  "anonymous"
#define DK_SNAPSHOT_CLASS_STAFF      "staff"
#define DK_SNAPSHOT_TYPE_ZSTD        "application/zstd"
#define DK_SNAPSHOT_TYPE_SQLITE      "application/vnd.sqlite3"
#define DK_HEADER_SNAPSHOT_SEQ       "Driftkoll-Snapshot-Seq"
#define DK_HEADER_SNAPSHOT_SCHEMA    "Driftkoll-Snapshot-Schema"
#define DK_HEADER_SNAPSHOT_CLASS     "Driftkoll-Snapshot-Class"
#define DK_HEADER_SNAPSHOT_SIZE      "Driftkoll-Snapshot-Size"      /* of the decoded file */
#define DK_HEADER_SNAPSHOT_CHECKSUM  "Driftkoll-Snapshot-Checksum"  /* "crc32=xxxxxxxx" */
/* GET /changes?since=C&base=S: what a replica installed from a snapshot at seq S lacks:
 * the caller's own objects up to S that its class does not see, then everything after. */
#define DK_CHANGES_PARAM_BASE        "base"

G_END_DECLS
