/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-engine.c: the engine object: its state, properties and settings
 *
 * Its requests to the server are in dk-sync-http.c. Login and logout are in
 * dk-sync-session.c. A sync pass (the outbox, then the pages of changes) is in
 * dk-sync-pass.c, keeping in sync (WebSocket, polling, back-off) in dk-sync-watch.c; the
 * state they share is in dk-sync-engine-private.h.
 */

#define G_LOG_DOMAIN "dk-sync-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-session-token.h"
#include "dk-sync-engine-private.h"
#include "dk-tls-database.h"

G_DEFINE_QUARK (dk-sync-error-quark, dk_sync_error)

G_DEFINE_ENUM_TYPE (DkSyncState, dk_sync_state,
                    G_DEFINE_ENUM_VALUE (DK_SYNC_STATE_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (DK_SYNC_STATE_SYNCING, "syncing"),
                    G_DEFINE_ENUM_VALUE (DK_SYNC_STATE_OFFLINE, "offline"),
                    G_DEFINE_ENUM_VALUE (DK_SYNC_STATE_NEEDS_LOGIN, "needs-login"))

G_DEFINE_FINAL_TYPE (DkSyncEngine, dk_sync_engine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_LAST_SYNC,
  PROP_OUTBOX_SIZE,
  PROP_USERNAME,
  PROP_SERVER_URL,
  PROP_LAST_ERROR,
  PROP_KEEPALIVE_SECONDS,
  PROP_POLL_SECONDS,
  PROP_PUSH_CONNECTED,
  PROP_LIVENESS_SECONDS,
  PROP_TCP_KEEPALIVE_SECONDS,
  PROP_REQUEST_TIMEOUT_SECONDS,
  PROP_PULL_LIMIT,
  PROP_USE_SNAPSHOT,
  PROP_FIRST_SYNC,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PROGRESS,
  SIGNAL_CHANGED,
  SIGNAL_REJECTED,
  SIGNAL_CONFLICT,
  SIGNAL_SNAPSHOT_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- helpers ---- */

void
dk_reply_free (DkReply *reply)
{
  if (reply == NULL)
    return;

  g_clear_pointer (&reply->json, json_node_unref);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply->error_code);
  g_free (reply->error_message);
  g_free (reply);
}

static char *
normalize_url (const char *url)
{
  if (url == NULL || *url == '\0')
    return NULL;
  if (g_str_has_suffix (url, "/"))
    return g_strdup (url);

  return g_strconcat (url, "/", NULL);
}

typedef struct {
  DkSyncEngine     *self;
  DkSyncEngineFunc  func;
  gpointer          data;
  GDestroyNotify    free;
} Invocation;

static void
invocation_free (Invocation *invocation)
{
  if (invocation->free != NULL)
    invocation->free (invocation->data);
  g_object_unref (invocation->self);
  g_free (invocation);
}

static gboolean
dk_sync_engine_invocation_cb (gpointer user_data)
{
  Invocation *invocation = user_data;

  invocation->func (invocation->self, invocation->data);

  return G_SOURCE_REMOVE;
}

/* Not g_main_context_invoke (): from a thread whose default context is the engine's
 * (any worker's, when the engine lives on the global default context) that would run
 * @func at once in the calling thread whenever it could acquire the context. An idle
 * source at the default priority keeps the order of the calls, and comes before the
 * pass's own GTask result, queued after them. */
void
_dk_sync_engine_invoke (DkSyncEngine     *self,
                        DkSyncEngineFunc  func,
                        gpointer          data,
                        GDestroyNotify    free)
{
  g_autoptr(GSource) source = g_idle_source_new ();
  Invocation *invocation = g_new0 (Invocation, 1);

  invocation->self = g_object_ref (self);
  invocation->func = func;
  invocation->data = data;
  invocation->free = free;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[dk-sync-engine] invoke");
  g_source_set_callback (source, dk_sync_engine_invocation_cb, invocation,
                         (GDestroyNotify) invocation_free);
  g_source_attach (source, self->context);
}

void
_dk_sync_engine_set_meta (DkSyncEngine *self,
                          const char   *key,
                          const char   *value)
{
  g_autoptr(GError) error = NULL;

  if (!dk_store_set_meta (self->store, key, value, &error))
    g_warning ("Could not write %s to the replica: %s", key, error->message);
}

void
_dk_sync_engine_set_username (DkSyncEngine *self,
                              const char   *username)
{
  if (g_strcmp0 (self->username, username) == 0)
    return;

  g_free (self->username);
  self->username = g_strdup (username);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
}

void
_dk_sync_engine_set_state (DkSyncEngine *self,
                           DkSyncState   state)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  if (self->state == state)
    return;

  g_debug ("State %d → %d", self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
_dk_sync_engine_set_last_error (DkSyncEngine *self,
                                const GError *error)
{
  const char *message = error != NULL ? error->message : NULL;

  g_assert (DK_IS_SYNC_ENGINE (self));

  if (g_strcmp0 (self->last_error, message) == 0)
    return;

  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

void
_dk_sync_engine_set_last_sync (DkSyncEngine *self,
                               gint64        when)
{
  g_autofree char *text = dk_time_format (when);

  g_assert (DK_IS_SYNC_ENGINE (self));

  _dk_sync_engine_set_meta (self, "last_sync", text);
  if (self->last_sync == when)
    return;

  self->last_sync = when;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
}

void
_dk_sync_engine_notify_push_connected (DkSyncEngine *self)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUSH_CONNECTED]);
}

void
_dk_sync_engine_set_pull_limit (DkSyncEngine *self,
                                guint         limit)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  limit = CLAMP (limit, DK_SYNC_PULL_LIMIT_FLOOR, DK_SYNC_PULL_LIMIT);
  if (limit == self->pull_limit)
    return;

  g_debug ("Pages of changes: %u at a time (was %u)", limit, self->pull_limit);
  self->pull_limit = limit;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PULL_LIMIT]);
}

void
_dk_sync_engine_set_first_sync (DkSyncEngine *self,
                                gboolean      first_sync)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  if (self->first_sync == !!first_sync)
    return;
  self->first_sync = !!first_sync;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIRST_SYNC]);
}

void
_dk_sync_engine_tell_snapshot_progress (DkSyncEngine *self,
                                        guint64       received,
                                        guint64       total)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  g_signal_emit (self, signals[SIGNAL_SNAPSHOT_PROGRESS], 0, received, total);
}

void
_dk_sync_engine_update_outbox_size (DkSyncEngine *self)
{
  guint size;

  g_assert (DK_IS_SYNC_ENGINE (self));

  size = dk_store_outbox_count (self->store, DK_OUTBOX_PENDING);
  if (size == self->outbox_size)
    return;

  self->outbox_size = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTBOX_SIZE]);
}

/* The replica committed something. A local change is sent soon, without the caller
 * having to say so; what the user did (a change, an entry discarded or resolved) and
 * what another process pulled (the cli beside the app) is "changed" for every list and
 * page. The pages of this engine's own pull say "changed" themselves. */
static void
dk_sync_engine_store_revision_changed_cb (DkSyncEngine *self,
                                          guint         changes,
                                          DkStore      *store)
{
  g_assert (DK_IS_SYNC_ENGINE (self));

  if ((changes & (DK_STORE_CHANGE_LOCAL | DK_STORE_CHANGE_OUTBOX)) == 0 &&
      ((changes & DK_STORE_CHANGE_SERVER) == 0 || self->pass != NULL))
    return;

  _dk_sync_engine_update_outbox_size (self);
  if ((changes & DK_STORE_CHANGE_LOCAL) != 0 && self->started && self->username != NULL)
    _dk_sync_engine_request_sync (self);
  _dk_sync_engine_emit_changed (self);
}

/* ---- object ---- */

static void
dk_sync_engine_dispose (GObject *object)
{
  DkSyncEngine *self = DK_SYNC_ENGINE (object);

  _dk_sync_engine_watch_dispose (self);
  _dk_sync_engine_clear_passes (self);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->monitor);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (dk_sync_engine_parent_class)->dispose (object);
}

static void
dk_sync_engine_finalize (GObject *object)
{
  DkSyncEngine *self = DK_SYNC_ENGINE (object);

  g_clear_pointer (&self->next_waiters, g_ptr_array_unref);
  g_free (self->server_url);
  g_free (self->data_dir);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_free (self->dead_token);
  g_free (self->ca_file);
  g_free (self->username);
  g_free (self->last_error);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (dk_sync_engine_parent_class)->finalize (object);
}

static void
dk_sync_engine_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DkSyncEngine *self = DK_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_LAST_SYNC:
      g_value_set_int64 (value, self->last_sync);
      break;
    case PROP_OUTBOX_SIZE:
      g_value_set_uint (value, self->outbox_size);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_KEEPALIVE_SECONDS:
      g_value_set_uint (value, self->keepalive_seconds);
      break;
    case PROP_POLL_SECONDS:
      g_value_set_uint (value, self->poll_seconds);
      break;
    case PROP_PUSH_CONNECTED:
      g_value_set_boolean (value, self->socket != NULL);
      break;
    case PROP_LIVENESS_SECONDS:
      g_value_set_uint (value, self->liveness_seconds);
      break;
    case PROP_TCP_KEEPALIVE_SECONDS:
      g_value_set_uint (value, self->tcp_keepalive_seconds);
      break;
    case PROP_REQUEST_TIMEOUT_SECONDS:
      g_value_set_uint (value, self->request_timeout_seconds);
      break;
    case PROP_PULL_LIMIT:
      g_value_set_uint (value, self->pull_limit);
      break;
    case PROP_USE_SNAPSHOT:
      g_value_set_boolean (value, self->use_snapshot);
      break;
    case PROP_FIRST_SYNC:
      g_value_set_boolean (value, self->first_sync);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_request_timeout (DkSyncEngine *self,
                     guint         seconds)
{
  self->request_timeout_seconds = seconds;
  soup_session_set_timeout (self->session, seconds);
  soup_session_set_idle_timeout (self->session, seconds);
}

static void
dk_sync_engine_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DkSyncEngine *self = DK_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      dk_sync_engine_set_server_url (self, g_value_get_string (value));
      break;
    case PROP_KEEPALIVE_SECONDS:
      self->keepalive_seconds = g_value_get_uint (value);
      break;
    case PROP_POLL_SECONDS:
      self->poll_seconds = g_value_get_uint (value);
      break;
    case PROP_LIVENESS_SECONDS:
      self->liveness_seconds = g_value_get_uint (value);
      break;
    case PROP_TCP_KEEPALIVE_SECONDS:
      self->tcp_keepalive_seconds = g_value_get_uint (value);
      break;
    case PROP_USE_SNAPSHOT:
      self->use_snapshot = g_value_get_boolean (value);
      break;
    case PROP_REQUEST_TIMEOUT_SECONDS:
      set_request_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_sync_engine_class_init (DkSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dk_sync_engine_dispose;
  object_class->finalize = dk_sync_engine_finalize;
  object_class->get_property = dk_sync_engine_get_property;
  object_class->set_property = dk_sync_engine_set_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, DK_TYPE_SYNC_STATE, DK_SYNC_STATE_NEEDS_LOGIN,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SYNC] =
    g_param_spec_int64 ("last-sync", NULL, NULL, G_MININT64, G_MAXINT64, DK_TIME_UNSET,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OUTBOX_SIZE] =
    g_param_spec_uint ("outbox-size", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEEPALIVE_SECONDS] =
    g_param_spec_uint ("keepalive-seconds", NULL, NULL, 1, 3600, DK_SYNC_KEEPALIVE_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_POLL_SECONDS] =
    g_param_spec_uint ("poll-seconds", NULL, NULL, 1, 24 * 3600, DK_SYNC_POLL_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PUSH_CONNECTED] =
    g_param_spec_boolean ("push-connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LIVENESS_SECONDS] =
    g_param_spec_uint ("liveness-seconds", NULL, NULL, 0, 3600, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TCP_KEEPALIVE_SECONDS] =
    g_param_spec_uint ("tcp-keepalive-seconds", NULL, NULL, 0, 3600,
                       DK_SYNC_TCP_KEEPALIVE_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REQUEST_TIMEOUT_SECONDS] =
    g_param_spec_uint ("request-timeout-seconds", NULL, NULL, 1, 3600, DK_SYNC_REQUEST_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PULL_LIMIT] =
    g_param_spec_uint ("pull-limit", NULL, NULL, DK_SYNC_PULL_LIMIT_FLOOR, DK_SYNC_PULL_LIMIT,
                       DK_SYNC_PULL_LIMIT,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A first sync starts from the server's snapshot when it has one (FALSE: pages from 0,
   * as DRIFTKOLL_NO_SNAPSHOT=1 and `driftkoll-cli sync --no-snapshot` ask). */
  properties[PROP_USE_SNAPSHOT] =
    g_param_spec_boolean ("use-snapshot", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* TRUE while a sync fills a replica that had no cursor: lists show "loading". */
  properties[PROP_FIRST_SYNC] =
    g_param_spec_boolean ("first-sync", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_UINT64, G_TYPE_INT64, G_TYPE_INT64);
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_REJECTED] =
    g_signal_new ("rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_CONFLICT] =
    g_signal_new ("conflict", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* (received, total): bytes of the snapshot a first sync downloads; total 0 when not
   * known. At most ten a second. */
  signals[SIGNAL_SNAPSHOT_PROGRESS] =
    g_signal_new ("snapshot-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);
}

/* A tunable from the environment (dk-sync-engine.h lists them): whole seconds in
 * [@min, @max], else @fallback (and a warning when it was given but is not one). */
static guint
tunable_from_env (const char *name,
                  guint       fallback,
                  guint       min,
                  guint       max)
{
  const char *text = g_getenv (name);
  guint64 value = 0;

  if (text == NULL || *text == '\0')
    return fallback;
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, NULL))
    {
      g_warning ("%s=%s is not a number of seconds from %u to %u; using %u", name, text, min,
                 max, fallback);
      return fallback;
    }

  return (guint) value;
}

static void
dk_sync_engine_request_queued_cb (SoupSession *session,
                                  SoupMessage *msg,
                                  gpointer     user_data)
{
  _dk_sync_engine_watch_message (DK_SYNC_ENGINE (user_data), msg);
}

static void
dk_sync_engine_init (DkSyncEngine *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->state = DK_SYNC_STATE_NEEDS_LOGIN;
  self->last_sync = DK_TIME_UNSET;
  self->keepalive_seconds = tunable_from_env ("DRIFTKOLL_KEEPALIVE_SECONDS",
                                              DK_SYNC_KEEPALIVE_SECONDS, 1, 3600);
  self->liveness_seconds = tunable_from_env ("DRIFTKOLL_LIVENESS_SECONDS", 0, 0, 3600);
  self->tcp_keepalive_seconds = tunable_from_env ("DRIFTKOLL_TCP_KEEPALIVE_SECONDS",
                                                  DK_SYNC_TCP_KEEPALIVE_SECONDS, 0, 3600);
  self->retry_short_cap_ms = 1000 * tunable_from_env ("DRIFTKOLL_RETRY_SHORT_SECONDS",
                                                      DK_BACKOFF_SHORT_CAP_MS / 1000, 1, 3600);
  self->retry_window_ms = 1000 * tunable_from_env ("DRIFTKOLL_RETRY_WINDOW_SECONDS",
                                                   DK_BACKOFF_WINDOW_MS / 1000, 0, 24 * 3600);
  self->poll_seconds = tunable_from_env ("DRIFTKOLL_POLL_SECONDS", DK_SYNC_POLL_SECONDS, 1,
                                         24 * 3600);
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->sync_backoff = NULL;
  self->pull_limit = DK_SYNC_PULL_LIMIT;
  self->use_snapshot = g_strcmp0 (g_getenv ("DRIFTKOLL_NO_SNAPSHOT"), "1") != 0;
  self->session = soup_session_new_with_options ("user-agent", "driftkoll/" PACKAGE_VERSION " ",
                                                 NULL);
  set_request_timeout (self, tunable_from_env ("DRIFTKOLL_REQUEST_TIMEOUT_SECONDS",
                                               DK_SYNC_REQUEST_TIMEOUT, 1, 3600));
  g_signal_connect (self->session, "request-queued",
                    G_CALLBACK (dk_sync_engine_request_queued_cb), self);
}

/* ---- public API ---- */

/**
 * dk_sync_check_server_url:
 * @server_url: an address a person gave
 * @error: return location for a #GError
 *
 * Checks that @server_url can name a server: http or https, with a host. What
 * soup_message_new () would take is not enough ("ftp://host/", or "http://", which
 * becomes a request to the host "api").
 *
 * Returns: %TRUE when it can; %FALSE with %G_IO_ERROR_INVALID_ARGUMENT
 */
gboolean
dk_sync_check_server_url (const char  *server_url,
                          GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme = NULL;
  const char *host = NULL;

  g_return_val_if_fail (server_url != NULL, FALSE);

  uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL)
    {
      scheme = g_uri_get_scheme (uri);
      host = g_uri_get_host (uri);
    }
  if (uri == NULL || host == NULL || *host == '\0' ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      g_autofree char *shown = g_utf8_make_valid (server_url, -1);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a server address; give one such as "
                     "https://driftkoll.example.org/"), shown);
      return FALSE;
    }

  return TRUE;
}

/**
 * dk_sync_engine_new:
 * @store: the replica
 * @server_url: (nullable): "https://host/", or %NULL for the one stored in the replica
 *
 * Returns: (transfer full): an engine; idle when a user is logged in on this replica
 */
DkSyncEngine *
dk_sync_engine_new (DkStore    *store,
                    const char *server_url)
{
  DkSyncEngine *self;
  g_autofree char *stored_url = NULL;
  g_autofree char *last_sync = NULL;
  g_autofree char *username = NULL;
  gint64 when;

  g_return_val_if_fail (DK_IS_STORE (store), NULL);

  self = g_object_new (DK_TYPE_SYNC_ENGINE, NULL);
  self->store = g_object_ref (store);
  self->data_dir = g_path_get_dirname (dk_store_get_path (store));

  /* One that names no server (an older version kept "http:///") is none: each request
   * to it would fail. A given one that names none is used, so the error names it, but
   * never kept. */
  stored_url = dk_store_dup_meta (store, "server_url");
  if (stored_url != NULL && !dk_sync_check_server_url (stored_url, NULL))
    g_clear_pointer (&stored_url, g_free);
  self->server_url = normalize_url (server_url != NULL ? server_url : stored_url);
  if (self->server_url != NULL && g_strcmp0 (self->server_url, stored_url) != 0 &&
      dk_sync_check_server_url (self->server_url, NULL))
    _dk_sync_engine_set_meta (self, "server_url", self->server_url);

  username = dk_store_dup_meta (store, "username");
  self->username = g_steal_pointer (&username);
  self->state = self->username != NULL ? DK_SYNC_STATE_IDLE : DK_SYNC_STATE_NEEDS_LOGIN;

  last_sync = dk_store_dup_meta (store, "last_sync");
  if (last_sync != NULL && dk_time_parse (last_sync, &when, NULL))
    self->last_sync = when;

  self->outbox_size = dk_store_outbox_count (store, DK_OUTBOX_PENDING);
  g_signal_connect_object (store, "revision-changed",
                           G_CALLBACK (dk_sync_engine_store_revision_changed_cb), self,
                           G_CONNECT_SWAPPED);

  return self;
}

DkStore *
dk_sync_engine_get_store (DkSyncEngine *self)
{
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (self), NULL);

  return self->store;
}

const char *
dk_sync_engine_get_server_url (DkSyncEngine *self)
{
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (self), NULL);

  return self->server_url;
}

/**
 * dk_sync_engine_set_server_url:
 * @server_url: (nullable): the server's new address
 *
 * The same server at another address: the session and the replica stay.
 */
void
dk_sync_engine_set_server_url (DkSyncEngine *self,
                               const char   *server_url)
{
  g_autofree char *url = NULL;

  g_return_if_fail (DK_IS_SYNC_ENGINE (self));

  url = normalize_url (server_url);
  if (g_strcmp0 (url, self->server_url) == 0)
    return;

  g_free (self->server_url);
  self->server_url = g_steal_pointer (&url);
  if (self->server_url == NULL || dk_sync_check_server_url (self->server_url, NULL))
    _dk_sync_engine_set_meta (self, "server_url", self->server_url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);

  if (self->started)
    {
      _dk_sync_engine_watch_restart_socket (self);
      _dk_sync_engine_request_sync (self);
    }
}

/* Trusts @path's CAs besides the system's (NULL: the system's alone). */
static gboolean
use_ca_file (DkSyncEngine  *self,
             const char    *path,
             GError       **error)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) local_error = NULL;

  if (path == NULL)
    {
      database = g_tls_backend_get_default_database (g_tls_backend_get_default ());
    }
  else
    {
      database = dk_tls_database_new (path, &local_error);
      if (database == NULL)
        {
          g_set_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_TLS,
                       _("Cannot use the CA file %s: %s"), path, local_error->message);
          return FALSE;
        }
    }

  soup_session_set_tls_database (self->session, database);
  g_free (self->ca_file);
  self->ca_file = g_strdup (path);

  return TRUE;
}

/**
 * dk_sync_engine_set_ca_file:
 * @path: (nullable): a PEM file of CA certificates to trust besides the system's
 *
 * The file is kept in the replica, so the app and the cli, which share it, both trust
 * it from then on (dk_sync_engine_load_ca_file ()); %NULL forgets it.
 *
 * Returns: %TRUE, or %FALSE with @error when the file cannot be used (nothing changes)
 */
gboolean
dk_sync_engine_set_ca_file (DkSyncEngine  *self,
                            const char    *path,
                            GError       **error)
{
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!use_ca_file (self, path, error))
    return FALSE;

  return dk_store_set_meta (self->store, "ca_file", path, error);
}

/**
 * dk_sync_engine_load_ca_file:
 *
 * Trusts the CA file kept in the replica (dk_sync_engine_set_ca_file ()), if any.
 *
 * Returns: %TRUE, or %FALSE with @error when the kept file cannot be used (the
 *   system's CAs alone are trusted then)
 */
gboolean
dk_sync_engine_load_ca_file (DkSyncEngine  *self,
                             GError       **error)
{
  g_autofree char *kept = NULL;

  g_return_val_if_fail (DK_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  kept = dk_store_dup_meta (self->store, "ca_file");

  return use_ca_file (self, kept, error);
}

/**
 * dk_sync_engine_get_ca_file:
 *
 * Returns: (nullable): the CA file trusted besides the system's
 */
const char *
dk_sync_engine_get_ca_file (DkSyncEngine *self)
{
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (self), NULL);

  return self->ca_file;
}

DkSyncState
dk_sync_engine_get_state (DkSyncEngine *self)
{
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (self), DK_SYNC_STATE_NEEDS_LOGIN);

  return self->state;
}

gint64
dk_sync_engine_get_last_sync (DkSyncEngine *self)
{
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (self), DK_TIME_UNSET);

  return self->last_sync;
}

guint
dk_sync_engine_get_outbox_size (DkSyncEngine *self)
{
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (self), 0);

  return self->outbox_size;
}

const char *
dk_sync_engine_get_username (DkSyncEngine *self)
{
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (self), NULL);

  return self->username;
}

const char *
dk_sync_engine_get_last_error (DkSyncEngine *self)
{
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (self), NULL);

  return self->last_error;
}

void
_dk_sync_engine_emit_progress (DkSyncEngine *self,
                               guint64       applied,
                               gint64        cursor,
                               gint64        newest)
{
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, applied, cursor, newest);
}

void
_dk_sync_engine_emit_changed (DkSyncEngine *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
_dk_sync_engine_emit_rejected (DkSyncEngine *self,
                               const char   *mutation_id,
                               const char   *code,
                               const char   *message)
{
  g_signal_emit (self, signals[SIGNAL_REJECTED], 0, mutation_id, code, message);
}

void
_dk_sync_engine_emit_conflict (DkSyncEngine *self,
                               const char   *mutation_id)
{
  g_signal_emit (self, signals[SIGNAL_CONFLICT], 0, mutation_id);
}
