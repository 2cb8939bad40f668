/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-engine-private.h: the state the parts of DkSyncEngine share */
#pragma once

#include "dk-backoff.h"
#include "dk-session-token.h"
#include "dk-sync-engine.h"

G_BEGIN_DECLS

/* Changes asked for in one page when the link holds (about 5 MB of JSON, less than 1 MB
 * gzipped). After a page the link cut, the next asks for half (down to the floor); after
 * each whole page, for twice as many again (up to DK_SYNC_PULL_LIMIT). */
#define DK_SYNC_PULL_LIMIT           2500
#define DK_SYNC_PULL_LIMIT_FLOOR     50
/* Pages in a row a pass asks for again, smaller, after the link cut them mid-answer; then
 * the pass fails (OFFLINE) and the retry policy takes over. */
#define DK_SYNC_PULL_CUT_RETRIES     8
/* Defaults of the tunables (dk-sync-engine.h says how to change them). */
#define DK_SYNC_KEEPALIVE_SECONDS      5   /* WebSocket ping interval */
#define DK_SYNC_TCP_KEEPALIVE_SECONDS  5   /* TCP keepalive idle time */
#define DK_SYNC_POLL_SECONDS           30
#define DK_SYNC_REQUEST_TIMEOUT        30  /* no byte for this long: the request failed */

typedef struct _DkSyncPass DkSyncPass;

struct _DkSyncEngine
{
  GObject                  parent_instance;

  /* owned references */
  GMainContext            *context;           /* the engine's: its state is touched there */
  DkStore                 *store;
  SoupSession             *session;
  GNetworkMonitor         *monitor;
  char                    *server_url;        /* ends in '/', or NULL */
  char                    *data_dir;
  char                    *token;             /* in memory once looked up or logged in */
  char                    *dead_token;        /* the server said 401 to it: never again */
  char                    *ca_file;

  /* state */
  DkSyncState              state;
  gint64                   last_sync;
  guint                    outbox_size;
  char                     *username;
  char                    *last_error;

  /* the sync pass running now (dk-sync-pass.c) */
  DkSyncPass              *pass;
  GPtrArray               *next_waiters;      /* GTask *: want a pass that starts later */
  gboolean                 again;

  /* keeping in sync (dk-sync-watch.c) */
  gboolean                 started;
  GCancellable            *watch_cancellable;
  SoupWebsocketConnection *socket;
  gboolean                 connecting;
  gint64                   socket_alive_at;   /* monotonic µs of the last pong or message */
  gint64                   socket_opened_at;  /* monotonic µs it opened */
  guint                    reconnect_id;
  guint                    retry_id;
  gboolean                 retry_is_poll;
  guint                    liveness_id;
  gulong                   network_changed_id;
  DkBackoff               *sync_backoff;
  DkBackoff               *socket_backoff;
  guint                    keepalive_seconds;
  guint                    liveness_seconds;   /* 0: 2 × keepalive + 2 */
  guint                    tcp_keepalive_seconds;
  guint                    request_timeout_seconds;
  guint                    retry_short_cap_ms;
  guint                    retry_window_ms;
  guint                    poll_seconds;

  /* the pull's page size (dk-sync-pass.c): kept from pass to pass, as the link is */
  guint                    pull_limit;

  /* first syncs from a snapshot */
  gboolean                 use_snapshot;
  gboolean                 first_sync;
};

/* An answer of the server: any HTTP status. */
typedef struct {
  guint       status;
  JsonNode   *json;           /* nullable: the body when it is JSON (never for a 2xx
                               * answer read with @raw_body) */
  GBytes     *body;           /* nullable: a 2xx body read with @raw_body */
  char       *error_code;     /* nullable: from {"error": {"code", "message"}} */
  char       *error_message;
} DkReply;

void      dk_reply_free                         (DkReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkReply, dk_reply_free)

/* dk-sync-engine.c */
typedef void (*DkSyncEngineFunc) (DkSyncEngine *self,
                                  gpointer      data);
/* Runs @func (self, @data) on the engine's context, later, with a reference to the
 * engine, then frees @data with @free. Any thread; calls from one thread run in order. */
void      _dk_sync_engine_invoke                (DkSyncEngine        *self,
                                                 DkSyncEngineFunc     func,
                                                 gpointer             data,
                                                 GDestroyNotify       free);
void      _dk_sync_engine_set_meta              (DkSyncEngine        *self,
                                                 const char          *key,
                                                 const char          *value);
void      _dk_sync_engine_set_username          (DkSyncEngine        *self,
                                                 const char          *username);
void      _dk_sync_engine_set_state             (DkSyncEngine        *self,
                                                 DkSyncState          state);
void      _dk_sync_engine_set_last_error        (DkSyncEngine        *self,
                                                 const GError        *error);
void      _dk_sync_engine_set_last_sync         (DkSyncEngine        *self,
                                                 gint64               when);
void      _dk_sync_engine_update_outbox_size    (DkSyncEngine        *self);
void      _dk_sync_engine_notify_push_connected (DkSyncEngine        *self);
char     *_dk_sync_engine_dup_url               (DkSyncEngine        *self,
                                                 const char          *path);
SoupMessage *_dk_sync_engine_new_message        (DkSyncEngine        *self,
                                                 const char          *method,
                                                 const char          *path,
                                                 gboolean             authorize,
                                                 JsonNode            *body);
/* The same from what the caller copied (any thread): @server_url ends in '/', @token
 * NULL for none. */
char     *_dk_sync_dup_url                      (const char          *server_url,
                                                 const char          *path);
SoupMessage *_dk_sync_message_new               (const char          *server_url,
                                                 const char          *token,
                                                 const char          *method,
                                                 const char          *path,
                                                 JsonNode            *body);
/* Sends and reads an answer. A transport failure is an error (OFFLINE, TLS or
 * cancelled); any HTTP status is a DkReply. */
void      _dk_sync_engine_send_async            (DkSyncEngine        *self,
                                                 SoupMessage         *msg,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
/* Sends and reads an answer in the calling thread (the sync pass's), read as above;
 * with @raw_body a 2xx body is left unparsed in reply->body, for its reader to parse
 * (pages of changes). @out_cut (nullable), after a failure: TRUE when the link was cut
 * under a request the server had begun to answer (a connection closed or reset
 * mid-answer), not one that never reached it. */
DkReply  *_dk_sync_engine_send_sync             (DkSyncEngine        *self,
                                                 SoupMessage         *msg,
                                                 gboolean             raw_body,
                                                 GCancellable        *cancellable,
                                                 gboolean            *out_cut,
                                                 GError             **error);
DkReply  *_dk_sync_engine_send_finish           (DkSyncEngine        *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* Sets the pull's page size and tells "pull-limit". */
void      _dk_sync_engine_set_pull_limit        (DkSyncEngine        *self,
                                                 guint                limit);
/* A transport failure of @msg, said the one way for every send (cancelled stays as it
 * is; TLS; else offline); @out_cut tells whether the link was cut under an answer the
 * server had begun. (transfer full) */
GError   *_dk_sync_send_failed                  (SoupMessage         *msg,
                                                 const GError        *error,
                                                 gboolean            *out_cut);
/* Sets "first-sync" (main context). */
void      _dk_sync_engine_set_first_sync        (DkSyncEngine        *self,
                                                 gboolean             first_sync);
/* Says "snapshot-progress" (main context). */
void      _dk_sync_engine_tell_snapshot_progress (DkSyncEngine       *self,
                                                 guint64              received,
                                                 guint64              total);
/* TRUE for a 2xx JSON object; else the DK_SYNC_ERROR the reply means. */
gboolean  _dk_sync_engine_check_reply           (DkSyncEngine        *self,
                                                 DkReply             *reply,
                                                 GError             **error);
/* The same for a copied @server_url (nullable; names the host in the message). */
gboolean  _dk_sync_check_reply                  (const char          *server_url,
                                                 DkReply             *reply,
                                                 GError             **error);
/* _dk_sync_engine_send_finish () and _dk_sync_engine_check_reply () in one: the reply
 * only when it is a 2xx JSON object, else NULL and the error it means. */
DkReply  *_dk_sync_engine_send_finish_checked   (DkSyncEngine        *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* DK_SYNC_ERROR_NO_SERVER, said the one way. */
GError   *_dk_sync_engine_no_server_error       (void);
GError   *_dk_sync_engine_check_server          (DkSyncEngine  *self);
/* dk-sync-session.c */
/* Makes sure the token is loaded from where it is kept; FALSE (no error) when none. */
void      _dk_sync_engine_load_token_async      (DkSyncEngine        *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean  _dk_sync_engine_load_token_finish     (DkSyncEngine        *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* After a 401: the token is gone, the outbox stays. */
void      _dk_sync_engine_forget_token          (DkSyncEngine        *self);
void      _dk_sync_engine_emit_progress         (DkSyncEngine        *self,
                                                 guint64              applied,
                                                 gint64               cursor,
                                                 gint64               newest);
void      _dk_sync_engine_emit_changed          (DkSyncEngine        *self);
void      _dk_sync_engine_emit_rejected         (DkSyncEngine        *self,
                                                 const char          *mutation_id,
                                                 const char          *code,
                                                 const char          *message);
void      _dk_sync_engine_emit_conflict         (DkSyncEngine        *self,
                                                 const char          *mutation_id);

/* dk-sync-pass.c */
void      _dk_sync_engine_request_sync          (DkSyncEngine        *self);
void      _dk_sync_engine_cancel_pass           (DkSyncEngine        *self);
void      _dk_sync_engine_clear_passes          (DkSyncEngine        *self);
/* Stops the running pass as failed with @error (it waits on a server that stopped
 * answering): its callers hear @error, not "cancelled", and the retry follows. */
void      _dk_sync_engine_abandon_pass          (DkSyncEngine        *self,
                                                 const GError        *error);

/* dk-sync-watch.c */
void      _dk_sync_engine_watch_pass_finished   (DkSyncEngine        *self,
                                                 const GError        *error);
void      _dk_sync_engine_watch_restart_socket  (DkSyncEngine        *self);
void      _dk_sync_engine_watch_dispose         (DkSyncEngine        *self);
/* A request or the socket got an answer from the server (any HTTP status). */
void      _dk_sync_engine_heard_from_server     (DkSyncEngine        *self);
/* Sets TCP keepalive on a connection the session opened for @msg. */
void      _dk_sync_engine_watch_message         (DkSyncEngine        *self,
                                                 SoupMessage         *msg);

G_END_DECLS
