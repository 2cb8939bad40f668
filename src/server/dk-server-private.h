/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-private.h: what the files of the HTTP server share */
#pragma once

#include "dk-core.h"
#include "dk-login-throttle.h"
#include "dk-server-events.h"
#include "dk-server-guard.h"
#include "dk-server-limits.h"
#include "dk-server-listener.h"
#include "dk-server-metrics.h"
#include "dk-server-pg-listener.h"
#include "dk-server.h"

G_BEGIN_DECLS

#define DK_SERVER_JSON_TYPE "application/json"

struct _DkServer
{
  GObject          parent_instance;

  /* owned references */
  DkServerDb       *db;
  SoupServer       *soup;
  DkEventHub       *events;
  DkLoginThrottle  *throttle;
  DkServerGuard    *guard;
  DkServerListener *listener;
  DkServerSnapshots *snapshots;  /* NULL: no snapshots served */
  DkServerPgListener *pg_listener; /* the other instances' commits; NULL on SQLite */
  DkServerMetrics  *metrics;     /* NULL: /metrics is off and nothing is counted */
  GPtrArray        *metrics_allow; /* GInetAddressMask: who may read /metrics */

  /* state */
  gboolean         tls;
  DkServerLimits   limits;
  guint            keepalive_seconds;
  gint64           broadcast_seq;  /* the highest seq told to the WebSockets */
};

/* The caller of a request, as far as its session says. */
typedef struct {
  char   *username;
  DkRole  roles;
  char   *token_hash;  /* the session's key, NULL for an anonymous caller */
} Caller;

static inline void
caller_clear (Caller *caller)
{
  g_clear_pointer (&caller->username, g_free);
  caller->roles = 0;
  g_clear_pointer (&caller->token_hash, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Caller, caller_clear)

void        _dk_server_reply_json_node          (SoupServerMessage  *msg,
                                                 guint               status,
                                                 JsonNode           *node);
void        _dk_server_reply_bytes              (SoupServerMessage  *msg,
                                                 guint               status,
                                                 const char         *content_type,
                                                 GBytes             *bytes);
char       *_dk_server_dup_error_body           (const char         *code,
                                                 const char         *message);
void        _dk_server_reply_error_full         (SoupServerMessage  *msg,
                                                 guint               status,
                                                 const char         *code,
                                                 const char         *message);
void        _dk_server_reply_error_code         (SoupServerMessage  *msg,
                                                 DkError             code,
                                                 const char         *message);
void        _dk_server_reply_error              (SoupServerMessage  *msg,
                                                 const GError       *error);
void        _dk_server_reply_method_not_allowed (SoupServerMessage  *msg,
                                                 const char         *allowed);
void        _dk_server_reply_not_found          (SoupServerMessage  *msg);
gboolean    _dk_server_method_is                (SoupServerMessage  *msg,
                                                 const char         *method);
gboolean    _dk_server_check_method             (SoupServerMessage  *msg,
                                                 const char         *allowed);
JsonNode   *_dk_server_read_json_body           (SoupServerMessage  *msg);
const char *_dk_server_bearer_token             (SoupServerMessage  *msg);
gboolean    _dk_server_resolve_caller           (DkServer           *self,
                                                 SoupServerMessage  *msg,
                                                 Caller             *caller,
                                                 GError            **error);
void        _dk_server_changes_cb               (SoupServer         *soup,
                                                 SoupServerMessage  *msg,
                                                 const char         *path,
                                                 GHashTable         *query,
                                                 gpointer            user_data);
void        _dk_server_mutations_cb             (SoupServer         *soup,
                                                 SoupServerMessage  *msg,
                                                 const char         *path,
                                                 GHashTable         *query,
                                                 gpointer            user_data);
void        _dk_server_routines_cb              (SoupServer         *soup,
                                                 SoupServerMessage  *msg,
                                                 const char         *path,
                                                 GHashTable         *query,
                                                 gpointer            user_data);
void        _dk_server_session_cb               (SoupServer         *soup,
                                                 SoupServerMessage  *msg,
                                                 const char         *path,
                                                 GHashTable         *query,
                                                 gpointer            user_data);
void        _dk_server_snapshot_cb              (SoupServer         *soup,
                                                 SoupServerMessage  *msg,
                                                 const char         *path,
                                                 GHashTable         *query,
                                                 gpointer            user_data);
void        _dk_server_session_class_init       (void);
void        _dk_server_note_seq                 (DkServer           *self,
                                                 gint64              seq);

G_END_DECLS
