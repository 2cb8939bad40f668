/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sync.c: the sync engine against a real driftkoll-server, with a real replica */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/stat.h>

#include "dk-backoff.h"
#include "dk-sync-engine.h"
#include "dk-test-server.h"

typedef struct {
  DkTestServer *server;
  char         *data_dir;
  DkStore      *store;
  DkSyncEngine *engine;
} Fixture;

/* ---- helpers ---- */

static DkStore *
open_store (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "replica.db", NULL);
  g_autoptr(GError) error = NULL;
  DkStore *store = dk_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = dk_test_server_new (TRUE);
  fixture->data_dir = g_dir_make_tmp ("driftkoll-sync-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store = open_store (fixture->data_dir);
  fixture->engine = dk_sync_engine_new (fixture->store, fixture->server->url);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->engine != NULL)
    dk_sync_engine_stop (fixture->engine);
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->server, dk_test_server_free);
  dk_test_remove_tree (fixture->data_dir);
  g_free (fixture->data_dir);
}

static gboolean
login (DkSyncEngine  *engine,
       const char    *username,
       const char    *password,
       GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dk_sync_engine_login_async (engine, username, password, NULL, dk_test_async_result_cb, &result);
  return dk_sync_engine_login_finish (engine, dk_test_wait_result (&result), error);
}

static gboolean
logout (DkSyncEngine  *engine,
        GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dk_sync_engine_logout_async (engine, NULL, dk_test_async_result_cb, &result);
  return dk_sync_engine_logout_finish (engine, dk_test_wait_result (&result), error);
}

static gboolean
sync_now (DkSyncEngine  *engine,
          GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dk_sync_engine_sync_async (engine, NULL, dk_test_async_result_cb, &result);
  return dk_sync_engine_sync_finish (engine, dk_test_wait_result (&result), error);
}

static void
login_and_sync (Fixture    *fixture,
                const char *username)
{
  g_autoptr(GError) error = NULL;

  login (fixture->engine, username, "demo", &error);
  g_assert_no_error (error);
  sync_now (fixture->engine, &error);
  g_assert_no_error (error);
}

static gboolean
timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until *@flag is set or @seconds pass; returns *@flag. */
static gboolean
wait_flag (gboolean *flag,
           guint     seconds)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (seconds, timed_out_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);

  return *flag;
}

static void
spin (guint milliseconds)
{
  gboolean done = FALSE;

  g_timeout_add (milliseconds, timed_out_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static char *
read_token (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "session.token", NULL);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;

  return g_strdup (g_strstrip (text));
}

/* The distinct case ids the server shows @username, live ones only. */
static GHashTable *
server_case_ids (DkTestServer *server,
                 const char   *username)
{
  g_autofree char *token = dk_test_server_login (server, username, "demo");
  g_autoptr(GPtrArray) changes = dk_test_server_pull_all (server, token, 500, NULL);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);
      const char *id = json_object_get_string_member (change, "id");

      if (!g_str_equal (json_object_get_string_member (change, "type"), "case"))
        continue;
      if (json_object_get_boolean_member (change, "deleted"))
        g_hash_table_remove (ids, id);
      else
        g_hash_table_add (ids, g_strdup (id));
    }

  return ids;
}

/* How often each case id appears among the server's live case rows. */
static guint
server_count_case (DkTestServer *server,
                   const char   *case_id)
{
  g_autofree char *token = dk_test_server_login (server, "servicedesk", "demo");
  g_autoptr(GPtrArray) changes = dk_test_server_pull_all (server, token, 500, NULL);
  guint count = 0;

  /* Each object appears once in a pull from 0 (its newest row). */
  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);

      if (g_str_equal (json_object_get_string_member (change, "type"), "case") &&
          g_str_equal (json_object_get_string_member (change, "id"), case_id) &&
          !json_object_get_boolean_member (change, "deleted"))
        count++;
    }

  return count;
}

static guint
store_count_cases (DkStore *store)
{
  DkCaseQuery current = { 0 };
  DkCaseQuery archive = { 0 };
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autoptr(GError) error = NULL;

  archive.archived = TRUE;
  a = dk_store_list_cases (store, &current, dk_time_now (), &error);
  g_assert_no_error (error);
  b = dk_store_list_cases (store, &archive, dk_time_now (), &error);
  g_assert_no_error (error);

  return a->len + b->len;
}

static void
assert_store_has_cases (DkStore    *store,
                        GHashTable *ids)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DkCase) kase = dk_store_get_case (store, key, &error);

      g_assert_no_error (error);
      g_assert_nonnull (kase);
    }
  g_assert_cmpuint (store_count_cases (store), ==, g_hash_table_size (ids));
}

static JsonNode *
case_json (const char *case_id,
           const char *title)
{
  g_autofree char *text = g_strdup_printf (
      "{\"id\":\"%s\",\"kind\":\"incident\",\"area\":\"it_telephony\",\"title\":\"%s\","
      "\"description\":\"Beskrivning\",\"scope\":\"Alla\",\"services\":[\"tes\"],"
      "\"status\":\"ongoing\",\"priority\":3,\"major\":false,\"public\":false,"
      "\"external_ref\":null,\"start\":\"2026-11-24T08:00:00Z\",\"expected_end\":null,"
      "\"closed_at\":null,\"updates\":[]}", case_id, title);
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

/* Records a case.create in the outbox; returns the case id. */
static char *
enqueue_case (DkStore    *store,
              const char *title)
{
  char *case_id = g_uuid_string_random ();
  g_autoptr(JsonNode) data = case_json (case_id, title);
  g_autofree char *mutation_id = NULL;
  g_autoptr(GError) error = NULL;

  dk_store_enqueue (store, "case.create", "case", case_id, 0, data, data, &mutation_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (mutation_id);

  return case_id;
}

/* ---- back-off ---- */

static void
test_backoff_grows_jittered_capped_reset (void)
{
  g_autoptr(DkBackoff) backoff = dk_backoff_new (DK_BACKOFF_BASE_MS, DK_BACKOFF_CAP_MS);
  guint previous_ceiling = 0;
  gboolean differ = FALSE;
  guint first = 0;

  dk_backoff_set_seed (backoff, 42);
  for (guint i = 0; i < 30; i++)
    {
      guint ceiling = dk_backoff_get_ceiling (backoff);
      guint delay = dk_backoff_next_delay (backoff);

      g_assert_cmpuint (ceiling, >=, previous_ceiling);
      g_assert_cmpuint (ceiling, <=, DK_BACKOFF_CAP_MS);
      g_assert_cmpuint (delay, <=, ceiling);
      if (i < 8)
        g_assert_cmpuint (ceiling, ==, DK_BACKOFF_BASE_MS << i);
      previous_ceiling = ceiling;
    }
  g_assert_cmpuint (dk_backoff_get_ceiling (backoff), ==, DK_BACKOFF_CAP_MS);
  g_assert_cmpuint (dk_backoff_get_failures (backoff), ==, 30);

  /* Jittered: at the cap, 20 draws are not all the same. */
  for (guint i = 0; i < 20; i++)
    {
      guint delay = dk_backoff_next_delay (backoff);

      g_assert_cmpuint (delay, <=, DK_BACKOFF_CAP_MS);
      if (i == 0)
        first = delay;
      else if (delay != first)
        differ = TRUE;
    }
  g_assert_true (differ);

  dk_backoff_reset (backoff);
  g_assert_cmpuint (dk_backoff_get_failures (backoff), ==, 0);
  g_assert_cmpuint (dk_backoff_get_ceiling (backoff), ==, DK_BACKOFF_BASE_MS);
  g_assert_cmpuint (dk_backoff_next_delay (backoff), <=, DK_BACKOFF_BASE_MS);
}

/* ---- login ---- */

static void
test_login_wrong_password_is_refused (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (dk_sync_engine_get_state (fixture->engine), ==, DK_SYNC_STATE_NEEDS_LOGIN);
  g_assert_false (login (fixture->engine, "servicedesk", "wrong", &error));
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_REFUSED);
  g_assert_cmpint (dk_sync_engine_get_state (fixture->engine), ==, DK_SYNC_STATE_NEEDS_LOGIN);
  g_assert_null (dk_sync_engine_get_username (fixture->engine));
  g_assert_null (read_token (fixture));

  g_clear_error (&error);
  g_assert_false (sync_now (fixture->engine, &error));
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_NEEDS_LOGIN);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
count_progress_cb (DkSyncEngine *engine,
                   guint64       applied,
                   gint64        cursor,
                   gint64        newest,
                   gpointer      user_data)
{
  (*(guint *) user_data)++;
}

static void
test_login_first_sync_pulls_what_the_server_shows (Fixture       *fixture,
                                                   gconstpointer  data)
{
  g_autoptr(GHashTable) ids = server_case_ids (fixture->server, "servicedesk");
  g_autofree char *username = NULL;
  g_autofree char *roles = NULL;
  g_autofree char *url = NULL;
  g_autofree char *storage = NULL;
  g_autofree char *last_sync = NULL;
  guint state_changes = 0;
  guint progress = 0;

  g_assert_cmpuint (g_hash_table_size (ids), >, 0);
  g_signal_connect (fixture->engine, "notify::state", G_CALLBACK (count_notify_cb),
                    &state_changes);
  g_signal_connect (fixture->engine, "progress", G_CALLBACK (count_progress_cb), &progress);

  login_and_sync (fixture, "servicedesk");

  assert_store_has_cases (fixture->store, ids);
  g_assert_cmpint (dk_sync_engine_get_state (fixture->engine), ==, DK_SYNC_STATE_IDLE);
  g_assert_cmpint (dk_sync_engine_get_last_sync (fixture->engine), >, dk_time_now () - 60);
  g_assert_cmpstr (dk_sync_engine_get_username (fixture->engine), ==, "servicedesk");
  g_assert_cmpuint (state_changes, >=, 2);
  g_assert_cmpuint (progress, >=, 1);
  g_assert_cmpint (dk_store_get_cursor (fixture->store), >, 0);

  username = dk_store_dup_meta (fixture->store, "username");
  roles = dk_store_dup_meta (fixture->store, "roles");
  url = dk_store_dup_meta (fixture->store, "server_url");
  storage = dk_store_dup_meta (fixture->store, "token_storage");
  last_sync = dk_store_dup_meta (fixture->store, "last_sync");
  g_assert_cmpstr (username, ==, "servicedesk");
  g_assert_nonnull (strstr (roles, "servicedesk"));
  g_assert_cmpstr (url, ==, fixture->server->url);
  g_assert_cmpstr (storage, ==, "file");
  g_assert_nonnull (last_sync);
  g_assert_null (dk_store_dup_meta (fixture->store, "token"));
}

/* ---- the token ---- */

static void
test_token_file_is_private_and_logout_removes_it (Fixture       *fixture,
                                                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "session.token", NULL);
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *case_id = NULL;
  GStatBuf st;

  login_and_sync (fixture, "servicedesk");

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  token = read_token (fixture);
  g_assert_nonnull (token);

  /* The token is not in the replica file. */
  {
    g_autofree char *replica = g_build_filename (fixture->data_dir, "replica.db", NULL);
    g_autofree char *contents = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (replica, &contents, &length, NULL));
    g_assert_null (g_strstr_len (contents, length, token));
  }

  case_id = enqueue_case (fixture->store, "Kvar i utkorgen");
  g_assert_true (logout (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (dk_sync_engine_get_state (fixture->engine), ==, DK_SYNC_STATE_NEEDS_LOGIN);
  g_assert_null (dk_sync_engine_get_username (fixture->engine));
  g_assert_cmpuint (dk_store_outbox_count (fixture->store, DK_OUTBOX_PENDING), ==, 1);

  /* The session is over on the server too. */
  g_assert_cmpuint (dk_test_server_request (fixture->server, "GET", "/api/v1/session", token,
                                            NULL, NULL, 0, &reply, NULL), ==, 401);

  g_assert_false (sync_now (fixture->engine, &error));
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_NEEDS_LOGIN);
}

/* ---- offline ---- */

static void
test_offline_changes_wait_and_arrive_once (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) case_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(DkSyncEngine) again = NULL;

  login_and_sync (fixture, "servicedesk");

  dk_test_server_stop (fixture->server, FALSE);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *title = g_strdup_printf ("Nere %u", i);

      g_ptr_array_add (case_ids, enqueue_case (fixture->store, title));
    }

  g_assert_false (sync_now (fixture->engine, &error));
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_OFFLINE);
  g_assert_cmpint (dk_sync_engine_get_state (fixture->engine), ==, DK_SYNC_STATE_OFFLINE);
  g_assert_nonnull (dk_sync_engine_get_last_error (fixture->engine));
  g_assert_cmpuint (dk_sync_engine_get_outbox_size (fixture->engine), ==, 3);
  g_assert_cmpuint (dk_store_outbox_count (fixture->store, DK_OUTBOX_PENDING), ==, 3);
  g_clear_error (&error);

  /* Back on another port: the same server, the same session. */
  dk_test_server_start (fixture->server);
  dk_sync_engine_set_server_url (fixture->engine, fixture->server->url);
  g_assert_true (sync_now (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dk_sync_engine_get_state (fixture->engine), ==, DK_SYNC_STATE_IDLE);
  g_assert_null (dk_sync_engine_get_last_error (fixture->engine));
  g_assert_cmpuint (dk_sync_engine_get_outbox_size (fixture->engine), ==, 0);

  /* Again, and from a second engine on the same replica: nothing is sent twice. */
  g_assert_true (sync_now (fixture->engine, &error));
  again = dk_sync_engine_new (fixture->store, NULL);
  g_assert_cmpstr (dk_sync_engine_get_server_url (again), ==, fixture->server->url);
  g_assert_true (sync_now (again, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < case_ids->len; i++)
    {
      g_autoptr(DkCase) kase = dk_store_get_case (fixture->store, case_ids->pdata[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (kase->number);
      g_assert_cmpuint (server_count_case (fixture->server, case_ids->pdata[i]), ==, 1);
    }
}

/* ---- push ---- */

typedef struct {
  GPtrArray *ids;
  GPtrArray *codes;
} Rejections;

static void
rejected_cb (DkSyncEngine *engine,
             const char   *mutation_id,
             const char   *code,
             const char   *message,
             gpointer      user_data)
{
  Rejections *rejections = user_data;

  g_assert_nonnull (message);
  g_ptr_array_add (rejections->ids, g_strdup (mutation_id));
  g_ptr_array_add (rejections->codes, g_strdup (code));
}

static void
test_push_rejected_does_not_block (Fixture       *fixture,
                                   gconstpointer  data)
{
  Rejections rejections = { g_ptr_array_new_with_free_func (g_free),
                            g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autofree char *report_id = g_uuid_string_random ();
  g_autofree char *report_json = NULL;
  g_autofree char *report_mutation = NULL;
  g_autofree char *case_id = NULL;
  DkOutboxEntry *entry;

  login_and_sync (fixture, "staff");
  g_signal_connect (fixture->engine, "rejected", G_CALLBACK (rejected_cb), &rejections);

  /* Staff may not publish a case, but may report a fault. */
  case_id = enqueue_case (fixture->store, "Inte min sak");
  report_json = g_strdup_printf ("{\"id\":\"%s\",\"kind\":\"fault\",\"service\":\"tes\","
                                 "\"unit\":\"Avdelning 12\",\"reporter\":\"Anna\","
                                 "\"contact\":\"0701234567\",\"description\":\"Skrivaren\"}",
                                 report_id);
  report = json_from_string (report_json, &error);
  g_assert_no_error (error);
  dk_store_enqueue (fixture->store, "report.create", "report", report_id, 0, report, report,
                    &report_mutation, &error);
  g_assert_no_error (error);

  g_assert_true (sync_now (fixture->engine, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (rejections.ids->len, ==, 1);
  g_assert_cmpstr (rejections.codes->pdata[0], ==, "forbidden");

  entries = dk_store_outbox_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (entry->mutation_id, ==, rejections.ids->pdata[0]);
  g_assert_cmpint (entry->state, ==, DK_OUTBOX_REJECTED);
  g_assert_cmpstr (entry->error_code, ==, "forbidden");
  g_assert_nonnull (entry->error_message);
  g_assert_cmpuint (dk_sync_engine_get_outbox_size (fixture->engine), ==, 0);

  /* The one behind it went through, and one after it goes too; no second rejection. */
  {
    g_autoptr(JsonNode) subscription = json_from_string ("{\"min_priority\":2}", NULL);
    g_autofree char *mutation_id = NULL;

    dk_store_enqueue (fixture->store, "subscription.set", "subscription", "sub:staff", 0,
                      subscription, subscription, &mutation_id, &error);
    g_assert_no_error (error);
  }
  g_assert_true (sync_now (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rejections.ids->len, ==, 1);
  g_assert_cmpuint (dk_store_outbox_count (fixture->store, DK_OUTBOX_PENDING), ==, 0);
  g_assert_cmpuint (dk_store_outbox_count (fixture->store, DK_OUTBOX_REJECTED), ==, 1);

  {
    g_autofree char *token = dk_test_server_login (fixture->server, "servicedesk", "demo");
    g_autoptr(GPtrArray) changes = dk_test_server_pull_all (fixture->server, token, 500, NULL);
    gboolean found = FALSE;

    for (guint i = 0; i < changes->len; i++)
      if (g_str_equal (json_object_get_string_member (changes->pdata[i], "id"), report_id))
        found = TRUE;
    g_assert_true (found);
  }

  g_ptr_array_unref (rejections.ids);
  g_ptr_array_unref (rejections.codes);
}

/* ---- 401 ---- */

static void
test_auth_revoked_session_needs_login (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *case_id = NULL;
  g_autoptr(JsonNode) reply = NULL;

  login_and_sync (fixture, "servicedesk");
  token = read_token (fixture);
  g_assert_nonnull (token);
  g_assert_cmpuint (dk_test_server_request (fixture->server, "DELETE", "/api/v1/session", token,
                                            NULL, NULL, 0, &reply, NULL), ==, 200);

  case_id = enqueue_case (fixture->store, "Efter utloggning");
  g_assert_false (sync_now (fixture->engine, &error));
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_NEEDS_LOGIN);
  g_assert_cmpint (dk_sync_engine_get_state (fixture->engine), ==, DK_SYNC_STATE_NEEDS_LOGIN);
  g_assert_cmpuint (dk_store_outbox_count (fixture->store, DK_OUTBOX_PENDING), ==, 1);
  g_assert_cmpuint (dk_sync_engine_get_outbox_size (fixture->engine), ==, 1);
  g_clear_error (&error);

  /* The dead token goes away (in a worker thread). */
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *left = read_token (fixture);

      if (left == NULL)
        break;
      spin (10);
    }
  {
    g_autofree char *left = read_token (fixture);

    g_assert_null (left);
  }

  g_assert_false (sync_now (fixture->engine, &error));
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_NEEDS_LOGIN);
  g_clear_error (&error);

  login_and_sync (fixture, "servicedesk");
  g_assert_cmpuint (dk_store_outbox_count (fixture->store, DK_OUTBOX_PENDING), ==, 0);
  g_assert_cmpuint (server_count_case (fixture->server, case_id), ==, 1);
}

/* ---- resync ---- */

static void
test_pull_resync_after_reset (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GHashTable) ids = server_case_ids (fixture->server, "servicedesk");
  g_autoptr(GError) error = NULL;
  g_autofree char *case_id = NULL;

  login_and_sync (fixture, "servicedesk");
  case_id = enqueue_case (fixture->store, "Under omsynk");

  dk_store_reset_server_data (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dk_store_get_cursor (fixture->store), ==, 0);

  g_assert_true (sync_now (fixture->engine, &error));
  g_assert_no_error (error);
  g_hash_table_add (ids, g_strdup (case_id));
  assert_store_has_cases (fixture->store, ids);
}

/* A server that no longer accepts the cursor: 400 invalid_input for since > 0. */
typedef struct {
  GBytes *page;       /* what since=0 answers */
  guint   refused;
  guint   from_zero;
} FakeServer;

static void
fake_changes_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  FakeServer *fake = user_data;
  const char *since = query != NULL ? g_hash_table_lookup (query, "since") : NULL;
  static const char refusal[] =
    "{\"error\":{\"code\":\"invalid_input\",\"message\":\"since: unknown cursor\"}}";
  gsize length;
  const char *data;

  if (g_strcmp0 (since, "0") != 0)
    {
      fake->refused++;
      soup_server_message_set_status (msg, 400, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, refusal,
                                        sizeof refusal - 1);
      return;
    }

  fake->from_zero++;
  data = g_bytes_get_data (fake->page, &length);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, data, length);
}

static void
test_pull_resync_when_cursor_refused (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GHashTable) ids = server_case_ids (fixture->server, "servicedesk");
  g_autoptr(SoupServer) soup = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GBytes) bytes = NULL;
  FakeServer fake = { 0 };

  login_and_sync (fixture, "servicedesk");
  g_assert_cmpint (dk_store_get_cursor (fixture->store), >, 0);

  token = dk_test_server_login (fixture->server, "servicedesk", "demo");
  g_assert_cmpuint (dk_test_server_request (fixture->server, "GET",
                                            "/api/v1/changes?since=0&limit=5000", token, NULL,
                                            NULL, 0, NULL, &bytes), ==, 200);
  fake.page = bytes;

  soup_server_add_handler (soup, "/api/v1/changes", fake_changes_cb, &fake, NULL);
  soup_server_listen_local (soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (soup);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  dk_sync_engine_set_server_url (fixture->engine, url);
  g_assert_true (sync_now (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake.refused, ==, 1);
  g_assert_cmpuint (fake.from_zero, ==, 1);
  assert_store_has_cases (fixture->store, ids);
  g_assert_cmpint (dk_sync_engine_get_state (fixture->engine), ==, DK_SYNC_STATE_IDLE);
}

/* ---- WebSocket ---- */

static void
set_flag_cb (DkSyncEngine *engine,
             gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
test_events_websocket_push_arrives_without_sync (Fixture       *fixture,
                                                 gconstpointer  data)
{
  g_autofree char *token = dk_test_server_login (fixture->server, "servicedesk", "demo");
  g_autofree char *case_id = g_uuid_string_random ();
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *mutation = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonNode) kase = NULL;
  g_autofree char *kase_text = NULL;
  g_autoptr(DkCase) stored = NULL;
  g_autoptr(GError) error = NULL;
  gboolean changed = FALSE;

  login_and_sync (fixture, "servicedesk");
  /* Polling must not be what brings it. */
  g_object_set (fixture->engine, "poll-seconds", 3600, NULL);
  dk_sync_engine_start (fixture->engine);
  spin (500);

  g_signal_connect (fixture->engine, "changed", G_CALLBACK (set_flag_cb), &changed);
  kase = case_json (case_id, "Via WebSocket");
  kase_text = json_to_string (kase, FALSE);
  mutation = g_strdup_printf ("[{\"id\":\"%s\",\"op\":\"case.create\",\"base_revision\":0,"
                              "\"data\":%s}]", mutation_id, kase_text);
  results = dk_test_server_mutate (fixture->server, token, mutation);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0),
                                                  "status"), ==, "applied");

  g_assert_true (wait_flag (&changed, 10));
  stored = dk_store_get_case (fixture->store, case_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->title, ==, "Via WebSocket");

  dk_sync_engine_stop (fixture->engine);
}

static gboolean
push_connected (DkSyncEngine *engine)
{
  gboolean connected = FALSE;

  g_object_get (engine, "push-connected", &connected, NULL);
  return connected;
}

/* Runs the main loop until "push-connected" is @expected or @seconds pass. */
static gboolean
wait_push_connected (DkSyncEngine *engine,
                     gboolean      expected,
                     guint         seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (push_connected (engine) != expected && g_get_monotonic_time () < end)
    spin (50);

  return push_connected (engine) == expected;
}

static void
test_events_dead_socket_is_noticed_and_reopened (Fixture       *fixture,
                                                 gconstpointer  data)
{
  GPid pid;

  login_and_sync (fixture, "servicedesk");
  g_object_set (fixture->engine, "keepalive-seconds", 1, "poll-seconds", 3600, NULL);
  dk_sync_engine_start (fixture->engine);
  g_assert_true (wait_push_connected (fixture->engine, TRUE, 10));

  /* A server that hangs answers no ping: the socket is given up within three intervals
   * (and a little), though TCP still looks fine. */
  pid = atoi (g_subprocess_get_identifier (fixture->server->process));
  g_assert_cmpint (kill (pid, SIGSTOP), ==, 0);
  g_assert_true (wait_push_connected (fixture->engine, FALSE, 8));

  g_assert_cmpint (kill (pid, SIGCONT), ==, 0);
  g_assert_true (wait_push_connected (fixture->engine, TRUE, 20));
  g_assert_cmpint (dk_sync_engine_get_state (fixture->engine), !=, DK_SYNC_STATE_NEEDS_LOGIN);

  dk_sync_engine_stop (fixture->engine);
  g_assert_false (push_connected (fixture->engine));
}

static void
test_events_local_change_is_sent_soon (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autofree char *case_id = NULL;
  gint64 end;

  login_and_sync (fixture, "servicedesk");
  dk_sync_engine_start (fixture->engine);
  g_assert_true (wait_push_connected (fixture->engine, TRUE, 10));

  /* Nobody tells the engine: it follows the replica's "revision-changed". */
  case_id = enqueue_case (fixture->store, "Skickas strax");
  g_assert_cmpuint (dk_store_outbox_count (fixture->store, DK_OUTBOX_PENDING), ==, 1);

  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (dk_store_outbox_count (fixture->store, DK_OUTBOX_PENDING) > 0 &&
         g_get_monotonic_time () < end)
    spin (50);
  g_assert_cmpuint (dk_store_outbox_count (fixture->store, DK_OUTBOX_PENDING), ==, 0);
  g_assert_cmpuint (dk_sync_engine_get_outbox_size (fixture->engine), ==, 0);
  g_assert_cmpuint (server_count_case (fixture->server, case_id), ==, 1);

  dk_sync_engine_stop (fixture->engine);
}

/* The cli queues a report beside the running app: the app's engine notices the other
 * process's commit on the replica and sends it, nobody telling it. */
static void
test_events_another_process_change_is_sent (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(DkReport) report = NULL;
  const char *cli = g_getenv ("DRIFTKOLL_CLI");
  int wait_status = 0;
  gint64 end;

  if (cli == NULL)
    {
      g_test_skip ("DRIFTKOLL_CLI is not set");
      return;
    }

  login_and_sync (fixture, "staff");
  dk_store_watch_other_writers (fixture->store);
  dk_sync_engine_start (fixture->engine);
  g_assert_true (wait_push_connected (fixture->engine, TRUE, 10));

  {
    const char *argv[] = { cli, "--data-dir", fixture->data_dir, "report", "--service", "tes",
                           "--unit", "Avd 12", "--reporter", "Eva", "--contact", "040-33 10 00",
                           "--description", "Från en annan process", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                 &err, &wait_status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (wait_status, &error));
    g_assert_no_error (error);
  }
  g_strstrip (out);

  /* sent, and the server's numbered copy pulled back */
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      g_clear_pointer (&report, dk_report_unref);
      report = dk_store_get_report (fixture->store, out, NULL);
      if (report != NULL && report->number != NULL &&
          dk_store_outbox_count (fixture->store, DK_OUTBOX_PENDING) == 0)
        break;
      spin (50);
    }
  g_assert_nonnull (report);
  g_assert_nonnull (report->number);
  g_assert_cmpuint (dk_store_outbox_count (fixture->store, DK_OUTBOX_PENDING), ==, 0);

  dk_sync_engine_stop (fixture->engine);
}

/* ---- a cut in the middle ---- */

typedef struct {
  Fixture *fixture;
  gboolean killed;
  gint64   cursor_at_kill;
} Cut;

static void
kill_after_first_page_cb (DkSyncEngine *engine,
                          guint64       applied,
                          gint64        cursor,
                          gint64        newest,
                          gpointer      user_data)
{
  Cut *cut = user_data;

  if (cut->killed)
    return;
  cut->killed = TRUE;
  cut->cursor_at_kill = cursor;
  dk_test_server_stop (cut->fixture->server, TRUE);
}

static void
test_pull_cut_and_resume (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->server->dir, "cases.jsonl", NULL);
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) ids = NULL;
  g_autofree char *err = NULL;
  Cut cut = { fixture, FALSE, 0 };
  gulong handler;

  /* More than three pages of DK_SYNC_PULL_LIMIT (2500): the page fetched ahead of the
   * cut still leaves some behind. */
  for (guint i = 0; i < 8000; i++)
    {
      g_autofree char *id = g_uuid_string_random ();

      g_string_append_printf (lines,
          "{\"id\":\"%s\",\"kind\":\"incident\",\"area\":\"it_telephony\","
          "\"title\":\"Störning %u\",\"description\":\"Beskrivning av störningen\","
          "\"scope\":\"Alla\",\"services\":[\"TES\"],\"status\":\"closed\",\"priority\":3,"
          "\"major\":false,\"public\":false,\"external_ref\":null,"
          "\"start\":\"2025-01-01T00:00:00Z\",\"expected_end\":null,"
          "\"closed_at\":\"2025-01-02T00:00:00Z\",\"updates\":[]}\n", id, i);
    }
  g_file_set_contents (path, lines->str, lines->len, &error);
  g_assert_no_error (error);

  dk_test_server_stop (fixture->server, FALSE);
  g_assert_cmpint (dk_test_server_run_cli (fixture->server, NULL, NULL, &err, "import-cases",
                                           "--db", fixture->server->db_path, path, NULL), ==, 0);
  dk_test_server_start (fixture->server);
  dk_sync_engine_set_server_url (fixture->engine, fixture->server->url);
  ids = server_case_ids (fixture->server, "servicedesk");
  g_assert_cmpuint (g_hash_table_size (ids), >, 8000);

  login (fixture->engine, "servicedesk", "demo", &error);
  g_assert_no_error (error);
  handler = g_signal_connect (fixture->engine, "progress", G_CALLBACK (kill_after_first_page_cb),
                              &cut);
  g_assert_false (sync_now (fixture->engine, &error));
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);
  g_signal_handler_disconnect (fixture->engine, handler);

  /* The first page stayed, with its cursor; the page fetched behind it while it was
   * applied (the pull is pipelined) may have been applied too, but not all of them. */
  g_assert_true (cut.killed);
  g_assert_cmpint (cut.cursor_at_kill, >, 0);
  g_assert_cmpint (dk_store_get_cursor (fixture->store), >=, cut.cursor_at_kill);
  g_assert_cmpuint (store_count_cases (fixture->store), <, g_hash_table_size (ids));

  dk_test_server_start (fixture->server);
  dk_sync_engine_set_server_url (fixture->engine, fixture->server->url);
  g_assert_true (sync_now (fixture->engine, &error));
  g_assert_no_error (error);
  assert_store_has_cases (fixture->store, ids);
}

/* ---- TLS ---- */

static void
test_tls_ca_file_trusted_and_untrusted (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autofree char *cert = g_build_filename (fixture->server->dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (fixture->server->dir, "key.pem", NULL);
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) ids = NULL;

  process = dk_test_server_start_tls (fixture->server, cert, key, &url);
  dk_sync_engine_set_server_url (fixture->engine, url);

  /* Not trusted: said plainly, nothing sent. */
  g_assert_false (login (fixture->engine, "servicedesk", "demo", &error));
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_test_message ("Without the CA file: %s", error->message);
  g_clear_error (&error);

  g_assert_false (dk_sync_engine_set_ca_file (fixture->engine, "/nonexistent/ca.pem", &error));
  g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_TLS);
  g_clear_error (&error);

  g_assert_true (dk_sync_engine_set_ca_file (fixture->engine, cert, &error));
  g_assert_no_error (error);
  login_and_sync (fixture, "servicedesk");
  g_assert_cmpuint (store_count_cases (fixture->store), >, 0);

  /* Kept in the replica: another engine on it (the app beside the cli) trusts it too. */
  {
    g_autoptr(DkSyncEngine) other = dk_sync_engine_new (fixture->store, NULL);

    g_assert_null (dk_sync_engine_get_ca_file (other));
    g_assert_true (dk_sync_engine_load_ca_file (other, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (dk_sync_engine_get_ca_file (other), ==, cert);
    g_assert_true (sync_now (other, &error));
    g_assert_no_error (error);
  }

  /* A kept file that went away is said when loaded, and only the system's CAs count. */
  g_assert_true (dk_store_set_meta (fixture->store, "ca_file", "/nonexistent/ca.pem", &error));
  {
    g_autoptr(DkSyncEngine) other = dk_sync_engine_new (fixture->store, NULL);

    g_assert_false (dk_sync_engine_load_ca_file (other, &error));
    g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_TLS);
    g_assert_nonnull (strstr (error->message, "/nonexistent/ca.pem"));
    g_clear_error (&error);
    g_assert_null (dk_sync_engine_get_ca_file (other));
  }

  /* Dropping the CA file: refused again, by this engine and by the next one. */
  g_assert_true (dk_sync_engine_set_ca_file (fixture->engine, NULL, &error));
  g_assert_null (dk_store_dup_meta (fixture->store, "ca_file"));
  {
    g_autoptr(DkSyncEngine) plain = dk_sync_engine_new (fixture->store, NULL);

    g_assert_true (dk_sync_engine_load_ca_file (plain, &error));
    g_assert_false (sync_now (plain, &error));
    g_assert_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_TLS);
    g_assert_cmpint (dk_sync_engine_get_state (plain), ==, DK_SYNC_STATE_OFFLINE);
  }

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);

  /* The TLS handshakes ran in pooled threads that now hold GnuTLS's dynamic
   * thread-local storage; LeakSanitizer of GCC 12 on glibc 2.36 crashes walking that
   * at exit ("Tracer caught signal 11"), so let those threads end first. */
  spin (1000);
  g_thread_pool_stop_unused_threads ();
  spin (200);
}

/* ---- coalescing ---- */

/* "first-sync" is TRUE while a pass fills a replica that had nothing of the server's
 * (from a snapshot or by paging), FALSE once it ends, and a pass with a cursor never
 * sets it. */
static void
first_sync_notified_cb (GObject    *object,
                        GParamSpec *pspec,
                        gpointer    user_data)
{
  GArray *seen = user_data;
  gboolean value = FALSE;

  g_object_get (object, "first-sync", &value, NULL);
  g_array_append_val (seen, value);
}

static void
snapshot_progress_cb (DkSyncEngine *engine,
                      guint64       received,
                      guint64       total,
                      gpointer      user_data)
{
  guint64 *last = user_data;

  g_assert_cmpuint (received, >=, last[0]);
  last[0] = received;
  last[1] = total;
  last[2]++;
}

static void
test_pass_first_sync_is_said (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr(GError) error = NULL;
  gboolean first_sync = TRUE;
  guint64 progress[3] = { 0, 0, 0 };   /* received, total, calls */

  /* From a snapshot when asked to (data), else by paging. */
  if (data != NULL)
    {
      dk_test_server_build_snapshots (fixture->server);
      dk_sync_engine_set_server_url (fixture->engine, fixture->server->url);
    }
  else
    {
      g_object_set (fixture->engine, "use-snapshot", FALSE, NULL);
    }
  g_signal_connect (fixture->engine, "notify::first-sync", G_CALLBACK (first_sync_notified_cb),
                    seen);
  g_signal_connect (fixture->engine, "snapshot-progress", G_CALLBACK (snapshot_progress_cb),
                    progress);
  login_and_sync (fixture, "servicedesk");
  if (data != NULL)
    {
      g_assert_cmpuint (progress[2], >=, 1);
      g_assert_cmpuint (progress[0], >, 0);
      g_assert_cmpuint (progress[0], ==, progress[1]);
      g_assert_cmpint (dk_store_get_snapshot_base (fixture->store), ==, 0);
    }
  else
    {
      g_assert_cmpuint (progress[2], ==, 0);
    }
  g_assert_cmpuint (seen->len, ==, 2);
  g_assert_true (g_array_index (seen, gboolean, 0));
  g_assert_false (g_array_index (seen, gboolean, 1));
  g_object_get (fixture->engine, "first-sync", &first_sync, NULL);
  g_assert_false (first_sync);
  g_assert_cmpint (dk_store_get_cursor (fixture->store), >, 0);

  sync_now (fixture->engine, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 2);
}

static void
test_sync_requests_coalesce (Fixture       *fixture,
                             gconstpointer  data)
{
  GAsyncResult *results[4] = { NULL, };
  g_autoptr(GError) error = NULL;

  login_and_sync (fixture, "servicedesk");
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    dk_sync_engine_sync_async (fixture->engine, NULL, dk_test_async_result_cb, &results[i]);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_assert_true (dk_sync_engine_sync_finish (fixture->engine, dk_test_wait_result (&results[i]),
                                                 &error));
      g_assert_no_error (error);
      g_clear_object (&results[i]);
    }
  g_assert_cmpint (dk_sync_engine_get_state (fixture->engine), ==, DK_SYNC_STATE_IDLE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* No Secret Service under the tests: a bus address that leads nowhere makes
   * libsecret fail, so the 0600 file is what keeps the token. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/driftkoll-test-bus", TRUE);

  g_test_add_func ("/sync/backoff/grows-jittered-capped-reset",
                   test_backoff_grows_jittered_capped_reset);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/sync/login/wrong-password-is-refused", test_login_wrong_password_is_refused);
  ADD ("/sync/login/first-sync-pulls-what-the-server-shows",
       test_login_first_sync_pulls_what_the_server_shows);
  ADD ("/sync/token/file-is-private-and-logout-removes-it",
       test_token_file_is_private_and_logout_removes_it);
  ADD ("/sync/offline/changes-wait-and-arrive-once", test_offline_changes_wait_and_arrive_once);
  ADD ("/sync/push/rejected-does-not-block", test_push_rejected_does_not_block);
  ADD ("/sync/auth/revoked-session-needs-login-and-keeps-outbox",
       test_auth_revoked_session_needs_login);
  ADD ("/sync/pull/resync-after-reset", test_pull_resync_after_reset);
  ADD ("/sync/pull/resync-when-cursor-refused", test_pull_resync_when_cursor_refused);
  ADD ("/sync/pull/cut-and-resume", test_pull_cut_and_resume);
  ADD ("/sync/events/websocket-push-arrives-without-sync",
       test_events_websocket_push_arrives_without_sync);
  ADD ("/sync/events/dead-socket-is-noticed-and-reopened",
       test_events_dead_socket_is_noticed_and_reopened);
  ADD ("/sync/events/local-change-is-sent-soon-without-being-told",
       test_events_local_change_is_sent_soon);
  ADD ("/sync/events/another-process-change-is-sent-without-being-told",
       test_events_another_process_change_is_sent);
  ADD ("/sync/tls/ca-file-trusted-and-untrusted", test_tls_ca_file_trusted_and_untrusted);
  ADD ("/sync/pass/requests-coalesce", test_sync_requests_coalesce);
  g_test_add ("/sync/pass/first-sync-is-said/paging", Fixture, NULL, fixture_setup,
              test_pass_first_sync_is_said, fixture_teardown);
  g_test_add ("/sync/pass/first-sync-is-said/snapshot", Fixture, "snapshot", fixture_setup,
              test_pass_first_sync_is_said, fixture_teardown);

#undef ADD

  return g_test_run ();
}
