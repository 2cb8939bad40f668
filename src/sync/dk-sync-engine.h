/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-engine.h: talks to the server for one replica: login, push, pull, push events
 *
 * All network I/O is asynchronous on the thread-default GMainContext (libsoup). Upload
 * before download: the outbox goes in batches, then pages of /changes are applied, each
 * page with its cursor in one transaction. The WebSocket only says "pull now"; polling
 * takes over when it cannot be opened. Online or offline is decided by what requests
 * actually do. Retries back off exponentially with jitter up to a cap.
 */
#pragma once

#include <libsoup/soup.h>

#include "dk-store.h"

G_BEGIN_DECLS

#define DK_SYNC_ERROR (dk_sync_error_quark ())

typedef enum {
  DK_SYNC_ERROR_OFFLINE,        /* the server could not be reached */
  DK_SYNC_ERROR_NEEDS_LOGIN,    /* 401: log in again; the outbox is kept */
  DK_SYNC_ERROR_TLS,            /* the server's certificate is not trusted: said plainly */
  DK_SYNC_ERROR_SERVER,         /* 5xx or an answer that is not the protocol */
  DK_SYNC_ERROR_REFUSED,        /* 4xx with the server's message (wrong password, ...) */
  DK_SYNC_ERROR_NO_SERVER,      /* no server URL is set */
} DkSyncError;

GQuark dk_sync_error_quark (void);

typedef enum {
  DK_SYNC_STATE_IDLE,           /* online, nothing to do */
  DK_SYNC_STATE_SYNCING,
  DK_SYNC_STATE_OFFLINE,        /* last attempt failed on the network; retrying with back-off */
  DK_SYNC_STATE_NEEDS_LOGIN,
} DkSyncState;

#define DK_TYPE_SYNC_STATE (dk_sync_state_get_type ())
GType dk_sync_state_get_type (void);

#define DK_TYPE_SYNC_ENGINE (dk_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (DkSyncEngine, dk_sync_engine, DK, SYNC_ENGINE, GObject)

/* Added: whether @server_url is an http or https URL with a host, as a person typed it;
 * FALSE with G_IO_ERROR_INVALID_ARGUMENT saying so. */
gboolean      dk_sync_check_server_url        (const char    *server_url,
                                               GError       **error);
/* @server_url: "https://host/" or NULL to use the one stored in the replica. */
DkSyncEngine *dk_sync_engine_new              (DkStore       *store,
                                               const char    *server_url);
DkStore      *dk_sync_engine_get_store        (DkSyncEngine  *self);
const char   *dk_sync_engine_get_server_url   (DkSyncEngine  *self);
/* Added: points the engine at another URL of the same server (it moved, a new port);
 * the session and the replica stay. NULL forgets the URL. */
void          dk_sync_engine_set_server_url   (DkSyncEngine  *self,
                                               const char    *server_url);
/* Trust this CA file as well as the system's (NULL: system CAs only); it is kept in the
 * replica, and load_ca_file () trusts the kept one again (the app and the cli share it). */
gboolean      dk_sync_engine_set_ca_file      (DkSyncEngine  *self,
                                               const char    *path,
                                               GError       **error);
gboolean      dk_sync_engine_load_ca_file     (DkSyncEngine  *self,
                                               GError       **error);
const char   *dk_sync_engine_get_ca_file      (DkSyncEngine  *self);
DkSyncState   dk_sync_engine_get_state        (DkSyncEngine  *self);
/* Unix seconds of the last successful sync, DK_TIME_UNSET when never. */
gint64        dk_sync_engine_get_last_sync    (DkSyncEngine  *self);
guint         dk_sync_engine_get_outbox_size  (DkSyncEngine  *self);
/* The logged-in username, or NULL. */
const char   *dk_sync_engine_get_username     (DkSyncEngine  *self);
/* Added: what the last failed attempt said, in words for a person; NULL after success. */
const char   *dk_sync_engine_get_last_error   (DkSyncEngine  *self);

void          dk_sync_engine_login_async      (DkSyncEngine        *self,
                                               const char          *username,
                                               const char          *password,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      dk_sync_engine_login_finish     (DkSyncEngine        *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Ends the session on the server when it can be reached, and always locally. */
void          dk_sync_engine_logout_async     (DkSyncEngine        *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      dk_sync_engine_logout_finish    (DkSyncEngine        *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* One whole sync: the outbox, then every page of changes. */
void          dk_sync_engine_sync_async       (DkSyncEngine        *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      dk_sync_engine_sync_finish      (DkSyncEngine        *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Added: whether the server answers its health check, asked through the engine's own
 * session (its CA file and timeouts); needs no login. */
void          dk_sync_engine_probe_async      (DkSyncEngine        *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      dk_sync_engine_probe_finish     (DkSyncEngine        *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Keeps syncing: WebSocket push (polling when it cannot be opened), retries with
 * back-off, until dk_sync_engine_stop (). */
void          dk_sync_engine_start            (DkSyncEngine  *self);
void          dk_sync_engine_stop             (DkSyncEngine  *self);
/* Not needed any more: the engine follows the store's "revision-changed" and sends a
 * local change soon by itself (and says "changed"). Updates "outbox-size" at once. */
void          dk_sync_engine_local_change_added (DkSyncEngine *self);

/* Added: the kept revisions of a routine (dk-sync-routines.c): @revision 0 for every
 * one the caller may see (drafts only for routine owners and admins), oldest first, or
 * just that one. (element-type DkRoutine) */
void          dk_sync_engine_fetch_routine_revisions_async  (DkSyncEngine        *self,
                                                             const char          *routine_id,
                                                             gint64               revision,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
GPtrArray    *dk_sync_engine_fetch_routine_revisions_finish (DkSyncEngine        *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

/*
 * Properties: "state" (DkSyncState), "last-sync" (gint64), "outbox-size" (guint),
 *   "username" (string), "server-url" (string).
 *   Added: "last-error" (string, nullable), "poll-seconds" (guint, 30),
 *   "push-connected" (gboolean, read-only: the WebSocket is open).
 *   "pull-limit" (guint, read-only): changes asked for in the next page; halved (down to
 *   50) after a page the link cut mid-answer, doubled after each whole page (up to
 *   2500), so a sync over a link that keeps dropping still moves its cursor on. A run
 *   asks again at once for a page that was cut, up to 8 times in a row.
 *   "state" is the truth about the connection, and is what the app's header and offline
 *   banner show: a socket or request that closes or resets makes it OFFLINE within
 *   milliseconds (a sync runs at once and is refused); a silent cut (a paused server, a
 *   pulled cable) within "liveness-seconds"; after the server returns it is IDLE again
 *   within the retry's short cap (4 s) while the outage is younger than a minute.
 *
 * Tunables: each a property, and read from the environment when the engine is made
 *   (whole seconds; a property set later wins):
 *   "keepalive-seconds"        DRIFTKOLL_KEEPALIVE_SECONDS       5: WebSocket ping interval
 *   "liveness-seconds"         DRIFTKOLL_LIVENESS_SECONDS        0: nothing heard on the
 *       socket (pong or message) for this long and the server is unreachable: OFFLINE,
 *       the run waiting on it given up; 0 means 2 × keepalive + 2 (12 s)
 *   "tcp-keepalive-seconds"    DRIFTKOLL_TCP_KEEPALIVE_SECONDS   5: TCP keepalive on every
 *       connection: idle this long, then 3 probes idle/2 apart (and TCP_USER_TIMEOUT as
 *       long): a peer gone without a word is dropped in about 2.5 × it; 0 turns it off
 *   "request-timeout-seconds"  DRIFTKOLL_REQUEST_TIMEOUT_SECONDS 30: a request that
 *       receives nothing for this long fails (OFFLINE)
 *   "poll-seconds"             DRIFTKOLL_POLL_SECONDS            30
 *   (environment only)         DRIFTKOLL_RETRY_SHORT_SECONDS     4: the retry ceiling
 *       while the outage is young; DRIFTKOLL_RETRY_WINDOW_SECONDS 60: how long it is
 *       young (0: plain back-off, 1 s doubling to 5 min); past it retries come every
 *       30–60 s, then 60–120 s, … up to 150–300 s (dk-backoff.h).
 *   "use-snapshot"             DRIFTKOLL_NO_SNAPSHOT=1 turns it off: a first sync pages
 *       from 0 instead of installing the server's snapshot
 *   "first-sync" (read-only): TRUE while a sync fills a replica that had no cursor
 * Signals:
 *   "progress" (guint64 objects_applied, gint64 cursor, gint64 newest_seq): after each page
 *     (newest_seq is -1 while unknown: the server did not say and more pages follow)
 *   "changed" (): after anything was applied to the replica
 *   "snapshot-progress" (guint64 received, guint64 total): bytes of a first sync's
 *     snapshot download (total 0 while unknown), at most ten a second
 *   "rejected" (const char *mutation_id, const char *code, const char *message)
 *   Added: "conflict" (const char *mutation_id): both versions are kept for the user
 */

G_END_DECLS
