/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli-session.c: driftkoll-cli login, logout, status and sync */

#define G_LOG_DOMAIN "dk-cli-session"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <libsoup/soup.h>
#include <signal.h>

#include "dk-cli-private.h"

/* How long status waits for the server before it says offline. */
#define PROBE_TIMEOUT_SECONDS 5

typedef struct {
  DkCliProgress *progress;
  guint          n_rejected;
  guint64        pulled;      /* changes applied by this run, as "progress" counts them */
} SyncState;

typedef struct {
  GMainLoop *loop;
  int        signum;
} WatchState;

/* ---- helpers ---- */

static int
wait_for_sync (DkSyncEngine  *engine,
               GError       **error)
{
  DkCliWait wait;
  gboolean ok;

  _dk_cli_wait_init (&wait);
  dk_sync_engine_sync_async (engine, NULL, _dk_cli_async_ready_cb, &wait);
  ok = dk_sync_engine_sync_finish (engine, _dk_cli_wait_run (&wait), error);
  _dk_cli_wait_clear (&wait);

  return ok;
}

static gboolean
dk_cli_probe_timed_out_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

/* Whether the server answers its health check: status's online or offline. Asked by the
 * engine, so the CA file and the engine's other settings count as for a sync. */
static gboolean
probe_server (DkSyncEngine *engine)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  DkCliWait wait;
  gboolean ok;
  guint timeout_id;

  timeout_id = g_timeout_add_seconds (PROBE_TIMEOUT_SECONDS, dk_cli_probe_timed_out_cb,
                                      cancellable);
  _dk_cli_wait_init (&wait);
  dk_sync_engine_probe_async (engine, cancellable, _dk_cli_async_ready_cb, &wait);
  ok = dk_sync_engine_probe_finish (engine, _dk_cli_wait_run (&wait), &error);
  _dk_cli_wait_clear (&wait);
  if (!g_cancellable_is_cancelled (cancellable))
    g_source_remove (timeout_id);
  if (!ok)
    g_debug ("%s is not reachable: %s", dk_sync_engine_get_server_url (engine), error->message);

  return ok;
}

static const char *
outbox_state_to_string (DkOutboxState state)
{
  switch (state)
    {
    case DK_OUTBOX_PENDING:
      return "pending";
    case DK_OUTBOX_REJECTED:
      return "rejected";
    case DK_OUTBOX_CONFLICT:
      return "conflict";
    default:
      return "unknown";
    }
}

static JsonNode *
outbox_entry_to_json (const DkOutboxEntry *entry)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, entry->mutation_id);
  json_builder_set_member_name (builder, "op");
  json_builder_add_string_value (builder, entry->op);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, entry->object_type);
  json_builder_set_member_name (builder, "object_id");
  json_builder_add_string_value (builder, entry->object_id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, outbox_state_to_string (entry->state));
  if (entry->state == DK_OUTBOX_REJECTED)
    {
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, entry->error_code);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, entry->error_message);
      json_builder_end_object (builder);
    }
  if (entry->state == DK_OUTBOX_CONFLICT && entry->current != NULL)
    {
      g_autoptr(JsonNode) current = json_from_string (entry->current, NULL);

      if (current != NULL)
        {
          json_builder_set_member_name (builder, "current");
          json_builder_add_value (builder, g_steal_pointer (&current));
        }
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* The summary of one sync for scripts: where the cursor stands, how many changes this
 * sync pulled (a resumed sync pulls only what came after its cursor), what still waits
 * and what the server did not take (as "status --json" shows them). */
static int
print_sync_json (const char  *command,
                 DkStore     *store,
                 guint64      pulled)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  guint n_pending = 0;

  entries = dk_store_outbox_list (store, &error);
  if (entries == NULL)
    return _dk_cli_fail (command, error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cursor");
  json_builder_add_int_value (builder, dk_store_get_cursor (store));
  json_builder_set_member_name (builder, "pulled");
  json_builder_add_int_value (builder, (gint64) pulled);
  json_builder_set_member_name (builder, "rejected");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      DkOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (entry->state == DK_OUTBOX_PENDING)
        n_pending++;
      else
        json_builder_add_value (builder, outbox_entry_to_json (entry));
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "outbox");
  json_builder_add_int_value (builder, n_pending);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  _dk_cli_print_json (root);

  return DK_CLI_EXIT_OK;
}

/* ---- callbacks ---- */

static void
sync_progress_cb (DkSyncEngine *engine,
                  guint64       objects_applied,
                  gint64        cursor,
                  gint64        newest_seq,
                  gpointer      user_data)
{
  SyncState *state = user_data;

  state->pulled = objects_applied;
  _dk_cli_progress_update (state->progress, objects_applied, cursor, newest_seq);
}

static void
sync_snapshot_progress_cb (DkSyncEngine *engine,
                           guint64       received,
                           guint64       total,
                           gpointer      user_data)
{
  SyncState *state = user_data;

  _dk_cli_progress_update_bytes (state->progress, received, total);
}

static void
sync_rejected_cb (DkSyncEngine *engine,
                  const char   *mutation_id,
                  const char   *code,
                  const char   *message,
                  gpointer      user_data)
{
  SyncState *state = user_data;

  state->n_rejected++;
  g_printerr (_("The server rejected a change (%s): %s\n"), code, message);
}

static void
sync_conflict_cb (DkSyncEngine *engine,
                  const char   *mutation_id,
                  gpointer      user_data)
{
  SyncState *state = user_data;

  state->n_rejected++;
  g_printerr (_("A change conflicts with a newer version on the server; both are kept "
                "(see “status”)\n"));
}

static void
watch_changed_cb (DkSyncEngine *engine,
                  gpointer      user_data)
{
  g_autofree char *now = _dk_cli_format_time (dk_time_now ());
  g_autofree char *cursor = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             dk_store_get_cursor (dk_sync_engine_get_store (engine)));

  g_print (_("%s: the replica changed (cursor %s)\n"), now, cursor);
}

static void
watch_state_cb (DkSyncEngine *engine,
                GParamSpec   *pspec,
                gpointer      user_data)
{
  gboolean *offline = user_data;

  switch (dk_sync_engine_get_state (engine))
    {
    case DK_SYNC_STATE_OFFLINE:
      if (!*offline)
        g_printerr (_("Offline; retrying\n"));
      *offline = TRUE;
      break;
    case DK_SYNC_STATE_NEEDS_LOGIN:
      *offline = FALSE;
      g_printerr (_("The session has ended; log in again\n"));
      break;
    case DK_SYNC_STATE_IDLE:
      if (*offline)
        g_printerr (_("Online again\n"));
      *offline = FALSE;
      break;
    case DK_SYNC_STATE_SYNCING:
    default:
      break;
    }
}

static gboolean
watch_signalled_cb (gpointer user_data)
{
  WatchState *state = user_data;

  g_main_loop_quit (state->loop);

  return G_SOURCE_CONTINUE;
}

/* ---- commands ---- */

int
_dk_cli_login (DkCli       *cli,
               const char  *command,
               int          argc,
               char       **argv)
{
  g_autoptr(GError) error = NULL;
  DkSyncEngine *engine;
  DkCliWait wait;
  char *password;
  const char *username;
  gboolean ok;
  int status;

  status = _dk_cli_parse (cli, command, _("USERNAME"),
                          _("Logs in to the server. The password is read from the terminal, "
                            "or as one line of standard input when that is not a terminal."),
                          NULL, 1, 1, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;
  username = argv[1];

  engine = _dk_cli_get_engine (cli, &error);
  if (engine == NULL)
    return _dk_cli_fail (command, error);
  if (dk_sync_engine_get_server_url (engine) == NULL)
    return _dk_cli_usage_error (command, _("No server is known here; give one with --server URL"));

  password = _dk_cli_read_password (_("Password: "), &error);
  if (password == NULL)
    return _dk_cli_fail (command, error);
  /* No account has an empty password (the server refuses to set one): an empty line is
   * a slip, not worth a round trip that counts as a failed login. */
  if (*password == '\0')
    {
      _dk_cli_secret_free (password);
      g_set_error_literal (&error, DK_ERROR, DK_ERROR_INVALID, _("The password is empty"));
      return _dk_cli_fail (command, error);
    }

  _dk_cli_wait_init (&wait);
  dk_sync_engine_login_async (engine, username, password, NULL, _dk_cli_async_ready_cb, &wait);
  ok = dk_sync_engine_login_finish (engine, _dk_cli_wait_run (&wait), &error);
  _dk_cli_wait_clear (&wait);
  _dk_cli_secret_free (password);

  if (!ok)
    return _dk_cli_fail (command, error);

  g_print (_("Logged in as %s on %s\n"), username, dk_sync_engine_get_server_url (engine));

  return DK_CLI_EXIT_OK;
}

int
_dk_cli_logout (DkCli       *cli,
                const char  *command,
                int          argc,
                char       **argv)
{
  g_autoptr(GError) error = NULL;
  DkSyncEngine *engine;
  DkCliWait wait;
  gboolean ok;
  int status;

  status = _dk_cli_parse (cli, command, NULL,
                          _("Ends the session on the server when it can be reached, and "
                            "always here. Changes not yet sent stay in the outbox."),
                          NULL, 0, 0, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  engine = _dk_cli_get_engine (cli, &error);
  if (engine == NULL)
    return _dk_cli_fail (command, error);

  _dk_cli_wait_init (&wait);
  dk_sync_engine_logout_async (engine, NULL, _dk_cli_async_ready_cb, &wait);
  ok = dk_sync_engine_logout_finish (engine, _dk_cli_wait_run (&wait), &error);
  _dk_cli_wait_clear (&wait);

  if (!ok)
    return _dk_cli_fail (command, error);

  g_print (_("Logged out\n"));

  return DK_CLI_EXIT_OK;
}

int
_dk_cli_status (DkCli       *cli,
                const char  *command,
                int          argc,
                char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autofree char *last_sync = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *outbox = NULL;
  g_autofree char *n_refused = NULL;
  g_autofree char *token_storage = NULL;
  DkSyncEngine *engine;
  DkStore *store;
  const char *server_url;
  const char *username;
  gboolean online = FALSE;
  gboolean json = FALSE;
  guint n_pending = 0;
  int status;
  const GOptionEntry entries_[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, NULL,
                          _("Shows the server, the user, whether the server can be reached, "
                            "the last successful sync, the cursor, the outbox and the changes "
                            "the server rejected."),
                          entries_, 0, 0, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  engine = _dk_cli_get_engine (cli, &error);
  if (engine == NULL)
    return _dk_cli_fail (command, error);
  store = dk_sync_engine_get_store (engine);

  entries = dk_store_outbox_list (store, &error);
  if (entries == NULL)
    return _dk_cli_fail (command, error);
  refused = g_ptr_array_new ();
  for (guint i = 0; i < entries->len; i++)
    {
      DkOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (entry->state == DK_OUTBOX_PENDING)
        n_pending++;
      else
        g_ptr_array_add (refused, entry);
    }

  server_url = dk_sync_engine_get_server_url (engine);
  username = dk_sync_engine_get_username (engine);
  token_storage = username != NULL ? dk_store_dup_meta (store, "token_storage") : NULL;
  if (server_url != NULL)
    online = probe_server (engine);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *last = dk_time_format (dk_sync_engine_get_last_sync (engine));

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "server");
      if (server_url != NULL)
        json_builder_add_string_value (builder, server_url);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "user");
      if (username != NULL)
        json_builder_add_string_value (builder, username);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "online");
      json_builder_add_boolean_value (builder, online);
      json_builder_set_member_name (builder, "last_sync");
      if (last != NULL)
        json_builder_add_string_value (builder, last);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "cursor");
      json_builder_add_int_value (builder, dk_store_get_cursor (store));
      json_builder_set_member_name (builder, "outbox");
      json_builder_add_int_value (builder, n_pending);
      json_builder_set_member_name (builder, "token_storage");
      if (token_storage != NULL)
        json_builder_add_string_value (builder, token_storage);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "rejected");
      json_builder_begin_array (builder);
      for (guint i = 0; i < refused->len; i++)
        json_builder_add_value (builder, outbox_entry_to_json (g_ptr_array_index (refused, i)));
      json_builder_end_array (builder);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      _dk_cli_print_json (root);
      return DK_CLI_EXIT_OK;
    }

  {
    g_autoptr(DkCliTable) table = _dk_cli_table_new (2);
    g_autofree char *data_dir = _dk_cli_dup_data_dir (cli);

    last_sync = _dk_cli_format_time (dk_sync_engine_get_last_sync (engine));
    cursor = g_strdup_printf ("%" G_GINT64_FORMAT, dk_store_get_cursor (store));
    outbox = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change waiting to be sent",
                                           "%u changes waiting to be sent", n_pending),
                              n_pending);
    n_refused = g_strdup_printf ("%u", refused->len);

    _dk_cli_table_add (table, _("Server:"), server_url != NULL ? server_url : _("none"), NULL);
    _dk_cli_table_add (table, _("User:"), username != NULL ? username : _("not logged in"),
                       NULL);
    _dk_cli_table_add (table, _("Connection:"),
                       server_url == NULL ? "—" : online ? _("online") : _("offline"), NULL);
    _dk_cli_table_add (table, _("Last sync:"),
                       dk_sync_engine_get_last_sync (engine) == DK_TIME_UNSET ? _("never")
                                                                              : last_sync,
                       NULL);
    _dk_cli_table_add (table, _("Cursor:"), cursor, NULL);
    _dk_cli_table_add (table, _("Outbox:"), outbox, NULL);
    _dk_cli_table_add (table, _("Rejected:"), n_refused, NULL);
    _dk_cli_table_add (table, _("Data dir:"), data_dir, NULL);
    if (username != NULL)
      _dk_cli_table_add (table, _("Session kept in:"),
                         g_strcmp0 (token_storage, "secret-service") == 0
                           ? _("the Secret Service")
                           : g_strcmp0 (token_storage, "file") == 0
                               ? _("a private file in the data dir")
                               : _("nowhere"),
                         NULL);
    _dk_cli_table_print (table);
  }

  if (refused->len > 0)
    {
      g_autoptr(DkCliTable) table = _dk_cli_table_new (4);

      g_print ("\n%s\n", _("Changes the server did not take:"));
      for (guint i = 0; i < refused->len; i++)
        {
          DkOutboxEntry *entry = g_ptr_array_index (refused, i);
          g_autofree char *indented = g_strconcat ("  ", entry->op, NULL);
          g_autofree char *reason = NULL;

          if (entry->state == DK_OUTBOX_CONFLICT)
            reason = g_strdup (_("conflict: the object changed on the server"));
          else
            reason = g_strdup_printf ("%s: %s", entry->error_code ? entry->error_code : "?",
                                      entry->error_message ? entry->error_message : "");
          _dk_cli_table_add (table, indented, entry->object_id,
                             entry->state == DK_OUTBOX_CONFLICT ? _("conflict") : _("rejected"),
                             reason, NULL);
        }
      _dk_cli_table_print (table);
    }

  return DK_CLI_EXIT_OK;
}

int
_dk_cli_sync (DkCli       *cli,
              const char  *command,
              int          argc,
              char       **argv)
{
  g_autoptr(GError) error = NULL;
  SyncState state = { 0 };
  DkSyncEngine *engine;
  DkStore *store;
  gboolean watch = FALSE;
  gboolean json = FALSE;
  gboolean no_snapshot = FALSE;
  gboolean ok;
  gulong progress_id;
  gulong snapshot_id;
  gulong rejected_id;
  gulong conflict_id;
  int status;
  const GOptionEntry entries[] = {
    { "watch", 0, 0, G_OPTION_ARG_NONE, &watch,
      N_("Keep syncing whenever the server says something changed, until interrupted"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "no-snapshot", 0, 0, G_OPTION_ARG_NONE, &no_snapshot,
      N_("On a first sync, fetch every change page by page instead of the server's snapshot"),
      NULL },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, NULL,
                          _("Sends the outbox, then fetches every change since the last sync. "
                            "A first sync starts from the server's snapshot of the replica "
                            "when it has one, then fetches what came after it."),
                          entries, 0, 0, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;
  if (json && watch)
    return _dk_cli_usage_error (command, _("--json goes with a single sync, not with --watch"));

  engine = _dk_cli_get_engine (cli, &error);
  if (engine == NULL)
    return _dk_cli_fail (command, error);
  store = dk_sync_engine_get_store (engine);
  if (no_snapshot)
    g_object_set (engine, "use-snapshot", FALSE, NULL);

  state.progress = _dk_cli_progress_new (dk_store_get_cursor (store));
  progress_id = g_signal_connect (engine, "progress", G_CALLBACK (sync_progress_cb), &state);
  snapshot_id = g_signal_connect (engine, "snapshot-progress",
                                  G_CALLBACK (sync_snapshot_progress_cb), &state);
  rejected_id = g_signal_connect (engine, "rejected", G_CALLBACK (sync_rejected_cb), &state);
  conflict_id = g_signal_connect (engine, "conflict", G_CALLBACK (sync_conflict_cb), &state);

  ok = wait_for_sync (engine, &error);

  g_clear_pointer (&state.progress, _dk_cli_progress_free);
  if (!ok)
    {
      g_signal_handler_disconnect (engine, progress_id);
      g_signal_handler_disconnect (engine, snapshot_id);
      g_signal_handler_disconnect (engine, rejected_id);
      g_signal_handler_disconnect (engine, conflict_id);
      return _dk_cli_fail (command, error);
    }

  if (!watch)
    {
      guint n_pending = dk_store_outbox_count (store, DK_OUTBOX_PENDING);
      g_autofree char *cursor = g_strdup_printf ("%" G_GINT64_FORMAT, dk_store_get_cursor (store));

      g_signal_handler_disconnect (engine, progress_id);
      g_signal_handler_disconnect (engine, snapshot_id);
      g_signal_handler_disconnect (engine, rejected_id);
      g_signal_handler_disconnect (engine, conflict_id);
      if (json)
        return print_sync_json (command, store, state.pulled);
      g_print (_("Synced up to %s; %u waiting in the outbox, %u rejected\n"),
               cursor, n_pending,
               dk_store_outbox_count (store, DK_OUTBOX_REJECTED)
               + dk_store_outbox_count (store, DK_OUTBOX_CONFLICT));
      return DK_CLI_EXIT_OK;
    }

  {
    WatchState watch_state = { 0 };
    guint sigint_id;
    guint sigterm_id;
    gulong changed_id;
    gulong state_id;
    gboolean offline;
    g_autofree char *cursor = g_strdup_printf ("%" G_GINT64_FORMAT, dk_store_get_cursor (store));

    watch_state.loop = g_main_loop_new (NULL, FALSE);
    sigint_id = g_unix_signal_add (SIGINT, watch_signalled_cb, &watch_state);
    sigterm_id = g_unix_signal_add (SIGTERM, watch_signalled_cb, &watch_state);
    offline = FALSE;
    changed_id = g_signal_connect (engine, "changed", G_CALLBACK (watch_changed_cb), NULL);
    state_id = g_signal_connect (engine, "notify::state", G_CALLBACK (watch_state_cb),
                                 &offline);

    g_print (_("Synced up to %s; watching for changes (Ctrl+C stops)\n"), cursor);
    dk_sync_engine_start (engine);
    g_main_loop_run (watch_state.loop);
    dk_sync_engine_stop (engine);

    g_signal_handler_disconnect (engine, changed_id);
    g_signal_handler_disconnect (engine, state_id);
    g_signal_handler_disconnect (engine, progress_id);
    g_signal_handler_disconnect (engine, snapshot_id);
    g_signal_handler_disconnect (engine, rejected_id);
    g_signal_handler_disconnect (engine, conflict_id);
    g_source_remove (sigint_id);
    g_source_remove (sigterm_id);
    g_main_loop_unref (watch_state.loop);
  }

  return DK_CLI_EXIT_OK;
}
