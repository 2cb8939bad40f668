/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-pg-seq.c: two servers on one PostgreSQL database never let a pager skip
 * a change (issue 15)
 *
 * Writers post case.create batches to both instances while pagers pull
 * /api/v1/changes in small pages, each request to the other instance than the last,
 * the whole time. A seq handed out before its transaction commits (a SEQUENCE, say)
 * lets a pager read a higher seq that committed first and move its cursor past a lower
 * one still to commit: that change is then never seen by that pager. Afterwards every
 * pager's history is checked against a full pull: seqs strictly increasing, and every
 * change with a seq at or below the pager's final cursor seen by that pager.
 *
 * Also: the database goes away while a server runs (the cluster stopped): routes answer
 * a storage error, the server stays up, and it works again when the database is back.
 */

#include "config.h"

#include <string.h>

#include "dk-server-db.h"
#include "dk-test-pg.h"
#include "dk-test-server.h"

#define N_WRITERS          4
#define N_PAGERS           4
#define BATCHES_PER_WRITER 25
#define CASES_PER_BATCH    3
#define PAGE_LIMIT         3

static DkTestPg *pg;

/* ---- plain HTTP from any thread: a session each ---- */

static guint
http (SoupSession  *session,
      const char   *base_url,
      const char   *method,
      const char   *path,
      const char   *token,
      const char   *body,
      JsonNode    **out_json)
{
  g_autofree char *url = g_strconcat (base_url, path + 1, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  if (token != NULL)
    {
      g_autofree char *bearer = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", bearer);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  reply = soup_session_send_and_read (session, message, NULL, &error);
  if (reply == NULL)
    g_error ("%s %s: %s", method, url, error->message);
  if (out_json != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      *out_json = NULL;
      if (json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                      g_bytes_get_size (reply), NULL))
        *out_json = json_node_ref (json_parser_get_root (parser));
    }
  return soup_message_get_status (message);
}

/* ---- writers ---- */

typedef struct {
  const char *urls[2];
  char       *token;
  guint       index;
  guint       applied;
  const char *database;   /* for the writers that write to the database directly */
} Writer;

/* One case.create as JSON text, public or not. */
static char *
case_create_json (const char *id,
                  guint       writer,
                  guint       batch,
                  guint       i)
{
  g_autofree char *mutation_id = g_uuid_string_random ();

  return g_strdup_printf ("{\"id\":\"%s\",\"op\":\"case.create\",\"base_revision\":0,"
                          "\"data\":{\"id\":\"%s\",\"kind\":\"incident\","
                          "\"area\":\"it_telephony\",\"title\":\"Seq w%u b%u c%u\","
                          "\"description\":\"-\",\"scope\":\"Alla\","
                          "\"services\":[\"tes\"],\"priority\":3,\"public\":%s}}",
                          mutation_id, id, writer, batch, i, i % 2 == 0 ? "true" : "false");
}

static char *
case_add_update_json (const char *case_id)
{
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *update_id = g_uuid_string_random ();

  return g_strdup_printf ("{\"id\":\"%s\",\"op\":\"case.add_update\",\"base_revision\":0,"
                          "\"data\":{\"id\":\"%s\",\"update\":{\"id\":\"%s\","
                          "\"phrase\":\"troubleshooting\",\"text\":\"Felsökningen pågår.\"}}}",
                          mutation_id, case_id, update_id);
}

/* Even writers create cases (each case.create also takes the case number, whose row
 * lock alone would order those writers among themselves); odd ones add updates to a
 * case of their own, which takes no other lock than the seq's. */
static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autofree char *own_case = g_uuid_string_random ();

  for (guint batch = 0; batch < BATCHES_PER_WRITER; batch++)
    {
      g_autoptr(GString) body = g_string_new ("{\"mutations\":[");
      g_autoptr(JsonNode) reply = NULL;
      JsonArray *results;
      guint status;

      for (guint i = 0; i < CASES_PER_BATCH; i++)
        {
          g_autofree char *id = g_uuid_string_random ();
          g_autofree char *mutation = NULL;

          if (writer->index % 2 == 0)
            mutation = case_create_json (id, writer->index, batch, i);
          else if (batch == 0 && i == 0)
            mutation = case_create_json (own_case, writer->index, batch, 0);
          else
            mutation = case_add_update_json (own_case);
          g_string_append_printf (body, "%s%s", i > 0 ? "," : "", mutation);
        }
      g_string_append (body, "]}");

      /* Each batch to the other instance. */
      status = http (session, writer->urls[(writer->index + batch) % 2], "POST",
                     "/api/v1/mutations", writer->token, body->str, &reply);
      g_assert_cmpuint (status, ==, 200);
      results = json_object_get_array_member (json_node_get_object (reply), "results");
      for (guint i = 0; i < json_array_get_length (results); i++)
        {
          JsonObject *result = json_array_get_object_element (results, i);

          if (g_strcmp0 (json_object_get_string_member (result, "status"), "applied") != 0)
            {
              g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), result);

              g_error ("not applied: %s", json_to_string (node, FALSE));
            }
          writer->applied++;
        }
    }
  return NULL;
}

/* Writes to the database itself, as another instance's rules would, each transaction
 * taking a little time after its change (rules checking, the audit row). */
static gpointer
direct_writer_thread (gpointer data)
{
  Writer *writer = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DkServerDb) db = dk_server_db_open (writer->database, &error);

  g_assert_no_error (error);
  for (guint n = 0; n < BATCHES_PER_WRITER * CASES_PER_BATCH; n++)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *json = g_strdup_printf ("{\"id\":\"%s\"}", id);
      DkVisibility visibility = { n % 2 == 0, DK_ROLE_STAFF, NULL, NULL };

      g_assert_true (dk_server_db_begin (db, &error));
      g_assert_cmpint (dk_server_db_put_object (db, "probe", id, json, 1, FALSE, &visibility,
                                                &error), >, 0);
      g_usleep (g_random_int_range (0, 3000));
      g_assert_true (dk_server_db_commit (db, &error));
      g_assert_no_error (error);
      writer->applied++;
    }
  return NULL;
}

/* ---- pagers ---- */

typedef struct {
  const char *urls[2];
  const char *token;       /* NULL: anonymous */
  gint       *stop;
  GHashTable *seen;        /* "id" → seq (as gint64 in a pointer-sized box) */
  gint64      cursor;
  guint       requests;
  char       *failure;     /* the first thing wrong, for the main thread to report */
} Pager;

/* One request; FALSE when the page said there is no more. */
static gboolean
pager_step (Pager       *pager,
            SoupSession *session)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=%d",
                                           pager->cursor, PAGE_LIMIT);
  g_autoptr(JsonNode) reply = NULL;
  JsonObject *object;
  JsonArray *changes;
  gint64 last_seq;
  guint status;

  status = http (session, pager->urls[pager->requests++ % 2], "GET", path, pager->token,
                 NULL, &reply);
  g_assert_cmpuint (status, ==, 200);
  object = json_node_get_object (reply);
  changes = json_object_get_array_member (object, "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      gint64 seq = json_object_get_int_member (change, "seq");
      const char *id = json_object_get_string_member (change, "id");

      if (seq <= pager->cursor && pager->failure == NULL)
        pager->failure = g_strdup_printf ("seq %" G_GINT64_FORMAT " after cursor %"
                                          G_GINT64_FORMAT, seq, pager->cursor);
      pager->cursor = seq;
      g_hash_table_replace (pager->seen, g_strdup (id), g_memdup2 (&seq, sizeof seq));
    }
  last_seq = json_object_get_int_member (object, "last_seq");
  if (last_seq < pager->cursor && pager->failure == NULL)
    pager->failure = g_strdup_printf ("last_seq %" G_GINT64_FORMAT " below cursor %"
                                      G_GINT64_FORMAT, last_seq, pager->cursor);
  pager->cursor = MAX (pager->cursor, last_seq);
  return json_object_get_boolean_member (object, "more");
}

static gpointer
pager_thread (gpointer data)
{
  Pager *pager = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);

  while (!g_atomic_int_get (pager->stop))
    if (!pager_step (pager, session))
      g_usleep (2000);

  /* The writers are done: drain to the end. */
  for (guint i = 0; i < 100000 && pager_step (pager, session); i++)
    ;
  return NULL;
}

static void
check_pager (Pager     *pager,
             GPtrArray *full)
{
  guint checked = 0;

  if (pager->failure != NULL)
    g_error ("pager: %s", pager->failure);
  for (guint i = 0; i < full->len; i++)
    {
      JsonObject *change = g_ptr_array_index (full, i);
      gint64 seq = json_object_get_int_member (change, "seq");
      const char *id = json_object_get_string_member (change, "id");
      gint64 *seen;

      if (seq > pager->cursor)
        continue;
      seen = g_hash_table_lookup (pager->seen, id);
      if (seen == NULL)
        g_error ("a pager (%s, cursor %" G_GINT64_FORMAT ") skipped %s at seq %" G_GINT64_FORMAT,
                 pager->token != NULL ? "staff" : "anonymous", pager->cursor, id, seq);
      g_assert_cmpint (*seen, ==, seq);
      checked++;
    }
  g_test_message ("pager (%s): %u requests, %u changes checked, cursor %" G_GINT64_FORMAT,
                  pager->token != NULL ? "staff" : "anonymous", pager->requests, checked,
                  pager->cursor);
}

static void
test_no_pager_skips (gconstpointer data)
{
  gboolean direct = GPOINTER_TO_INT (data);
  g_autofree char *url = NULL;
  g_autoptr(DkTestServer) a = NULL;
  g_autoptr(DkTestServer) b = NULL;
  g_autofree char *admin = NULL;
  Writer writers[N_WRITERS];
  Pager pagers[N_PAGERS];
  GThread *writer_threads[N_WRITERS];
  GThread *pager_threads[N_PAGERS];
  gint stop = 0;
  guint applied = 0;
  gint64 started = g_get_monotonic_time ();

  if (pg == NULL)
    {
      g_test_skip (dk_test_pg_missing_reason ());
      return;
    }

  url = dk_test_pg_new_database (pg);
  a = dk_test_server_new_on (url, TRUE, TRUE);
  b = dk_test_server_new_on (url, FALSE, FALSE);
  admin = dk_test_server_login (a, "admin", "demo");

  for (guint i = 0; i < N_PAGERS; i++)
    {
      pagers[i] = (Pager) { { a->url, b->url }, i % 2 == 0 ? admin : NULL, &stop,
                            g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
                            0, i, NULL };
      pager_threads[i] = g_thread_new ("pager", pager_thread, &pagers[i]);
    }
  for (guint i = 0; i < N_WRITERS; i++)
    {
      writers[i] = (Writer) { { a->url, b->url },
                              direct ? NULL : dk_test_server_login (i % 2 == 0 ? a : b,
                                                                    "servicedesk", "demo"),
                              i, 0, url };
      writer_threads[i] = g_thread_new ("writer", direct ? direct_writer_thread : writer_thread,
                                        &writers[i]);
    }

  for (guint i = 0; i < N_WRITERS; i++)
    {
      g_thread_join (writer_threads[i]);
      applied += writers[i].applied;
      g_free (writers[i].token);
    }
  g_atomic_int_set (&stop, 1);
  for (guint i = 0; i < N_PAGERS; i++)
    g_thread_join (pager_threads[i]);
  g_assert_cmpuint (applied, ==, N_WRITERS * BATCHES_PER_WRITER * CASES_PER_BATCH);
  g_test_message ("%u mutations applied through two instances in %.1f s", applied,
                  (g_get_monotonic_time () - started) / 1e6);

  {
    g_autoptr(GPtrArray) full_staff = dk_test_server_pull_all (b, admin, 500, NULL);
    g_autoptr(GPtrArray) full_anonymous = dk_test_server_pull_all (a, NULL, 500, NULL);

    for (guint i = 0; i < N_PAGERS; i++)
      {
        check_pager (&pagers[i], pagers[i].token != NULL ? full_staff : full_anonymous);
        g_hash_table_unref (pagers[i].seen);
        g_free (pagers[i].failure);
      }
  }
}

/* ---- the database gone mid-run ---- */

static void
assert_storage_error (guint     status,
                      JsonNode *reply)
{
  JsonObject *object;

  g_assert_cmpuint (status, >=, 500);
  g_assert_cmpuint (status, <, 600);
  g_assert_nonnull (reply);
  object = json_node_get_object (reply);
  g_assert_true (json_object_has_member (object, "error"));
}

static void
test_database_gone (void)
{
  g_autofree char *url = NULL;
  g_autoptr(DkTestServer) server = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *token = NULL;
  g_autofree char *mutation = NULL;
  g_autofree char *id = g_uuid_string_random ();
  guint status;

  if (pg == NULL)
    {
      g_test_skip (dk_test_pg_missing_reason ());
      return;
    }

  url = dk_test_pg_new_database (pg);
  server = dk_test_server_new_on (url, TRUE, TRUE);
  token = dk_test_server_login (server, "servicedesk", "demo");
  status = dk_test_server_request (server, "GET", "/api/v1/changes?since=0&limit=5", NULL,
                                   NULL, NULL, 0, NULL, NULL);
  g_assert_cmpuint (status, ==, 200);

  dk_test_pg_stop_cluster (pg);

  status = dk_test_server_request (server, "GET", "/api/v1/changes?since=0&limit=5", NULL,
                                   NULL, NULL, 0, &reply, NULL);
  assert_storage_error (status, reply);
  g_clear_pointer (&reply, json_node_unref);
  mutation = g_strdup_printf ("{\"mutations\":[{\"id\":\"%s\",\"op\":\"case.create\","
                              "\"base_revision\":0,\"data\":{\"id\":\"%s\",\"kind\":\"incident\","
                              "\"area\":\"it_telephony\",\"title\":\"Borta\","
                              "\"description\":\"-\",\"scope\":\"Alla\",\"services\":[\"tes\"],"
                              "\"priority\":3,\"public\":true}}]}", id, id);
  status = dk_test_server_request (server, "POST", "/api/v1/mutations", token, NULL, mutation,
                                   -1, &reply, NULL);
  assert_storage_error (status, reply);
  g_clear_pointer (&reply, json_node_unref);
  /* The process is still there (its identifier is gone once it exited). */
  g_assert_nonnull (g_subprocess_get_identifier (server->process));

  dk_test_pg_start_cluster (pg);

  status = dk_test_server_request (server, "GET", "/api/v1/changes?since=0&limit=5", NULL,
                                   NULL, NULL, 0, &reply, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&reply, json_node_unref);
  status = dk_test_server_request (server, "POST", "/api/v1/mutations", token, NULL, mutation,
                                   -1, &reply, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (
                       json_object_get_array_member (json_node_get_object (reply), "results"), 0),
                     "status"), ==, "applied");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  pg = dk_test_pg_get ();
  g_test_add_data_func ("/server-pg/seq/two-instances-no-pager-skips", GINT_TO_POINTER (FALSE),
                        test_no_pager_skips);
  g_test_add_data_func ("/server-pg/seq/direct-writers-no-pager-skips", GINT_TO_POINTER (TRUE),
                        test_no_pager_skips);
  g_test_add_func ("/server-pg/database-gone/storage-error-then-back", test_database_gone);

  return g_test_run ();
}
