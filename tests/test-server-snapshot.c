/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-snapshot.c: GET /api/v1/snapshot against the real server: its headers,
 * ranges and If-Range, a rebuild under a download, the classes kept apart, and no byte
 * of what an anonymous caller may not see in the anonymous file */

#define _GNU_SOURCE  /* memmem */
#define G_LOG_DOMAIN "test-server-snapshot"

#include "config.h"

#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <sqlite3.h>
#include <zlib.h>
#include <zstd.h>

#include "dk-core.h"
#include "dk-store.h"
#include "dk-test-server.h"

#define SNAPSHOT_PATH "/api/v1/snapshot?schema=%d"
/* How long a test waits for the server to rebuild a snapshot on its own. */
#define REBUILD_TIMEOUT_S 60

typedef struct {
  DkTestServer *server;
  SoupSession  *session;
  char         *token;    /* staff */
  char         *path;     /* the snapshot route with our schema */
} Fixture;

typedef struct {
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

/* ---- the server ---- */

/* Builds the snapshots with "driftkoll-server snapshot" while the server is stopped, as
 * an operator would, and serves again. */
static void
build_snapshots (Fixture *fixture)
{
  g_autofree char *err = NULL;

  dk_test_server_stop (fixture->server, FALSE);
  if (dk_test_server_run_cli (fixture->server, NULL, NULL, &err, "snapshot", "--db",
                              fixture->server->db_path, NULL) != 0)
    g_error ("driftkoll-server snapshot failed: %s", err);
  dk_test_server_start_again (fixture->server);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  fixture->server = dk_test_server_new (TRUE);
  fixture->session = soup_session_new ();
  fixture->token = dk_test_server_login (fixture->server, "servicedesk", "demo");
  fixture->path = g_strdup_printf (SNAPSHOT_PATH, DK_STORE_SCHEMA_VERSION);
  build_snapshots (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_clear_pointer (&fixture->path, g_free);
  g_clear_pointer (&fixture->token, g_free);
  g_clear_object (&fixture->session);
  g_clear_pointer (&fixture->server, dk_test_server_free);
}

static SoupMessage *
new_message (Fixture    *fixture,
             const char *method,
             const char *path,
             const char *token,
             va_list     args)
{
  g_autofree char *url = g_strconcat (fixture->server->url, path + 1, NULL);
  SoupMessage *msg = soup_message_new (method, url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  const char *name;

  /* The representation is the compressed file itself: nothing for libsoup to decode. */
  soup_message_disable_feature (msg, SOUP_TYPE_CONTENT_DECODER);
  /* A caller that takes gzip must still get the file as it is. */
  soup_message_headers_replace (headers, "Accept-Encoding", "gzip, deflate");
  if (token != NULL)
    {
      g_autofree char *bearer = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  while ((name = va_arg (args, const char *)) != NULL)
    soup_message_headers_replace (headers, name, va_arg (args, const char *));

  return msg;
}

/* One request; the extra arguments are header names and values, NULL-terminated. */
static Reply *
request (Fixture    *fixture,
         const char *method,
         const char *path,
         const char *token,
         ...)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  Reply *reply = g_new0 (Reply, 1);
  va_list args;

  va_start (args, token);
  msg = new_message (fixture, method, path, token, args);
  va_end (args);

  reply->body = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  return reply;
}

static const char *
header (Reply      *reply,
        const char *name)
{
  return soup_message_headers_get_one (reply->headers, name);
}

static void
assert_error_code (Reply      *reply,
                   guint       status,
                   const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  g_assert_cmpuint (reply->status, ==, status);
  g_assert_cmpstr (header (reply, "Content-Type"), ==, "application/json");
  node = json_from_string (g_bytes_get_data (reply->body, NULL), &error);
  g_assert_no_error (error);
  object = json_object_get_object_member (json_node_get_object (node), "error");
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, code);
}

/* ---- the files ---- */

/* Every frame of @bytes decoded; each is a whole frame that says its size. */
static GBytes *
zstd_decode (GBytes *bytes)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  ZSTD_DStream *stream = ZSTD_createDStream ();
  gsize capacity = ZSTD_DStreamOutSize ();
  g_autofree guint8 *buffer = g_malloc (capacity);
  ZSTD_inBuffer in = { data, size, 0 };
  gsize last = 1;
  guint frames = 0;

  for (gsize offset = 0; offset < size; frames++)
    {
      gsize frame = ZSTD_findFrameCompressedSize (data + offset, size - offset);

      g_assert_false (ZSTD_isError (frame));
      g_assert_cmpuint (ZSTD_getFrameContentSize (data + offset, size - offset), <=,
                        4 * 1024 * 1024);
      offset += frame;
    }
  g_assert_cmpuint (frames, >=, 1);

  ZSTD_initDStream (stream);
  while (in.pos < in.size)
    {
      ZSTD_outBuffer output = { buffer, capacity, 0 };

      last = ZSTD_decompressStream (stream, &output, &in);
      g_assert_false (ZSTD_isError (last));
      g_byte_array_append (out, buffer, output.pos);
    }
  /* 0: the last frame ended (its checksum checked). */
  g_assert_cmpuint (last, ==, 0);
  ZSTD_freeDStream (stream);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
assert_describes (Reply  *reply,
                  GBytes *decoded)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (decoded, &size);
  g_autofree char *checksum = g_strdup_printf ("crc32=%08lx", crc32_z (0, data, size));
  g_autofree char *size_text = g_strdup_printf ("%" G_GSIZE_FORMAT, size);

  g_assert_cmpuint (size, >, 100);
  g_assert_cmpmem (data, 16, "SQLite format 3", 16);
  g_assert_cmpstr (header (reply, DK_HEADER_SNAPSHOT_SIZE), ==, size_text);
  g_assert_cmpstr (header (reply, DK_HEADER_SNAPSHOT_CHECKSUM), ==, checksum);
}

static GBytes *
sub_bytes (GBytes *bytes,
           gsize   start,
           gsize   length)
{
  return g_bytes_new_from_bytes (bytes, start, length);
}

static void
assert_bytes_equal (GBytes *a,
                    GBytes *b)
{
  gsize la = 0;
  gsize lb = 0;
  const void *da = g_bytes_get_data (a, &la);
  const void *db = g_bytes_get_data (b, &lb);

  g_assert_cmpmem (da, la, db, lb);
}

/* ---- headers, HEAD, representations ---- */

static void
test_headers (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(Reply) zst = request (fixture, "GET", fixture->path, NULL, NULL);
  g_autoptr(Reply) db = NULL;
  g_autoptr(Reply) staff = NULL;
  g_autoptr(GBytes) decoded = NULL;
  g_autofree char *schema = g_strdup_printf ("%d", DK_STORE_SCHEMA_VERSION);
  g_autofree char *length = NULL;
  const char *vary;

  g_assert_cmpuint (zst->status, ==, 200);
  g_assert_cmpstr (header (zst, "Content-Type"), ==, DK_SNAPSHOT_TYPE_ZSTD);
  /* The representation is the zstd file; no gzip over it. */
  g_assert_null (header (zst, "Content-Encoding"));
  length = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (zst->body));
  g_assert_cmpstr (header (zst, "Content-Length"), ==, length);
  /* Strong. */
  g_assert_nonnull (header (zst, "ETag"));
  g_assert_true (header (zst, "ETag")[0] == '"');
  g_assert_cmpstr (header (zst, "Accept-Ranges"), ==, "bytes");
  g_assert_nonnull (header (zst, "Last-Modified"));
  g_assert_cmpstr (header (zst, "Cache-Control"), ==, "private, no-cache");
  vary = soup_message_headers_get_list (zst->headers, "Vary");
  g_assert_true (soup_header_contains (vary, "Authorization"));
  g_assert_true (soup_header_contains (vary, "Accept"));
  g_assert_cmpstr (header (zst, DK_HEADER_SNAPSHOT_CLASS), ==, DK_SNAPSHOT_CLASS_ANONYMOUS);
  g_assert_cmpstr (header (zst, DK_HEADER_SNAPSHOT_SCHEMA), ==, schema);
  g_assert_cmpint (g_ascii_strtoll (header (zst, DK_HEADER_SNAPSHOT_SEQ), NULL, 10), >, 0);
  decoded = zstd_decode (zst->body);
  assert_describes (zst, decoded);

  /* The plain file when the caller names it and not zstd: the same decoded bytes. */
  db = request (fixture, "GET", fixture->path, NULL, "Accept", DK_SNAPSHOT_TYPE_SQLITE, NULL);
  g_assert_cmpuint (db->status, ==, 200);
  g_assert_cmpstr (header (db, "Content-Type"), ==, DK_SNAPSHOT_TYPE_SQLITE);
  g_assert_null (header (db, "Content-Encoding"));
  g_assert_cmpstr (header (db, "ETag"), !=, header (zst, "ETag"));
  g_assert_cmpstr (header (db, DK_HEADER_SNAPSHOT_SEQ), ==, header (zst, DK_HEADER_SNAPSHOT_SEQ));
  assert_describes (db, db->body);
  assert_bytes_equal (db->body, decoded);

  /* Both named: zstd, the smaller. */
  g_clear_pointer (&db, reply_free);
  db = request (fixture, "GET", fixture->path, NULL,
                "Accept", "application/zstd, application/vnd.sqlite3;q=0.5", NULL);
  g_assert_cmpstr (header (db, "Content-Type"), ==, DK_SNAPSHOT_TYPE_ZSTD);

  staff = request (fixture, "GET", fixture->path, fixture->token, NULL);
  g_assert_cmpuint (staff->status, ==, 200);
  g_assert_cmpstr (header (staff, DK_HEADER_SNAPSHOT_CLASS), ==, DK_SNAPSHOT_CLASS_STAFF);
  g_assert_cmpstr (header (staff, "ETag"), !=, header (zst, "ETag"));
  g_clear_pointer (&decoded, g_bytes_unref);
  decoded = zstd_decode (staff->body);
  assert_describes (staff, decoded);
}

static void
test_head (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(Reply) get = request (fixture, "GET", fixture->path, fixture->token, NULL);
  g_autoptr(Reply) head = request (fixture, "HEAD", fixture->path, fixture->token, NULL);
  g_autoptr(Reply) ranged = NULL;
  g_autoptr(Reply) post = NULL;
  g_autofree char *length = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (get->body));

  g_assert_cmpuint (head->status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (head->body), ==, 0);
  g_assert_cmpstr (header (head, "Content-Length"), ==, length);
  g_assert_cmpstr (header (head, "ETag"), ==, header (get, "ETag"));
  g_assert_cmpstr (header (head, DK_HEADER_SNAPSHOT_CHECKSUM), ==,
                   header (get, DK_HEADER_SNAPSHOT_CHECKSUM));

  /* Range is for GET. */
  ranged = request (fixture, "HEAD", fixture->path, NULL, "Range", "bytes=0-9", NULL);
  g_assert_cmpuint (ranged->status, ==, 200);

  post = request (fixture, "POST", fixture->path, NULL, NULL);
  assert_error_code (post, 405, "method_not_allowed");
}

/* ---- ranges ---- */

static Reply *
get_range (Fixture    *fixture,
           const char *range,
           const char *if_range)
{
  if (if_range != NULL)
    return request (fixture, "GET", fixture->path, NULL, "Range", range, "If-Range", if_range,
                    NULL);
  return request (fixture, "GET", fixture->path, NULL, "Range", range, NULL);
}

static void
assert_partial (Reply  *reply,
                GBytes *whole,
                gsize   start,
                gsize   end)
{
  g_autofree char *content_range = g_strdup_printf ("bytes %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT
                                                    "/%" G_GSIZE_FORMAT,
                                                    start, end, g_bytes_get_size (whole));
  g_autoptr(GBytes) expected = sub_bytes (whole, start, end - start + 1);

  g_assert_cmpuint (reply->status, ==, 206);
  g_assert_cmpstr (header (reply, "Content-Range"), ==, content_range);
  g_assert_cmpstr (header (reply, "Content-Type"), ==, DK_SNAPSHOT_TYPE_ZSTD);
  assert_bytes_equal (reply->body, expected);
}

static void
test_range (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(Reply) whole = request (fixture, "GET", fixture->path, NULL, NULL);
  gsize size = g_bytes_get_size (whole->body);
  g_autofree char *tail = g_strdup_printf ("bytes=%" G_GSIZE_FORMAT "-", size - 100);
  g_autofree char *past = g_strdup_printf ("bytes=%" G_GSIZE_FORMAT "-", size);
  g_autofree char *unsatisfied = g_strdup_printf ("bytes */%" G_GSIZE_FORMAT, size);
  g_autoptr(Reply) reply = NULL;
  g_autoptr(SoupMultipart) multipart = NULL;
  const char *etag = header (whole, "ETag");

  g_assert_cmpuint (size, >, 300);

  reply = get_range (fixture, "bytes=100-199", NULL);
  assert_partial (reply, whole->body, 100, 199);
  g_assert_cmpstr (header (reply, "ETag"), ==, etag);
  g_clear_pointer (&reply, reply_free);

  /* Where a resumed download asks. */
  reply = get_range (fixture, tail, NULL);
  assert_partial (reply, whole->body, size - 100, size - 1);
  g_clear_pointer (&reply, reply_free);

  reply = get_range (fixture, "bytes=-10", NULL);
  assert_partial (reply, whole->body, size - 10, size - 1);
  g_clear_pointer (&reply, reply_free);

  /* An end past the end is the end (libsoup 3.2.3 alone would answer an empty 206). */
  reply = get_range (fixture, "bytes=10-99999999999", NULL);
  assert_partial (reply, whole->body, 10, size - 1);
  g_clear_pointer (&reply, reply_free);

  /* Overlapping ranges are one. */
  reply = get_range (fixture, "bytes=0-9,5-14", NULL);
  assert_partial (reply, whole->body, 0, 14);
  g_clear_pointer (&reply, reply_free);

  /* Several: multipart/byteranges. */
  reply = get_range (fixture, "bytes=0-9,20-29", NULL);
  g_assert_cmpuint (reply->status, ==, 206);
  multipart = soup_multipart_new_from_message (reply->headers, reply->body);
  g_assert_nonnull (multipart);
  g_assert_cmpint (soup_multipart_get_length (multipart), ==, 2);
  for (int i = 0; i < 2; i++)
    {
      SoupMessageHeaders *part_headers = NULL;
      GBytes *part = NULL;
      goffset start = 0;
      goffset end = 0;
      goffset total = 0;
      g_autoptr(GBytes) expected = sub_bytes (whole->body, i * 20, 10);

      g_assert_true (soup_multipart_get_part (multipart, i, &part_headers, &part));
      g_assert_true (soup_message_headers_get_content_range (part_headers, &start, &end, &total));
      g_assert_cmpint (start, ==, i * 20);
      g_assert_cmpint (end, ==, i * 20 + 9);
      g_assert_cmpint (total, ==, size);
      assert_bytes_equal (part, expected);
    }
  g_clear_pointer (&reply, reply_free);

  reply = get_range (fixture, past, NULL);
  g_assert_cmpuint (reply->status, ==, 416);
  g_assert_cmpstr (header (reply, "Content-Range"), ==, unsatisfied);
  g_clear_pointer (&reply, reply_free);

  /* Too many ranges (17 apart, or hundreds that would merge): the whole file. */
  {
    g_autoptr(GString) many = g_string_new ("bytes=0-0");
    g_autoptr(GString) same = g_string_new ("bytes=0-0");

    for (guint i = 1; i < 17; i++)
      g_string_append_printf (many, ",%u-%u", i * 10, i * 10);
    for (guint i = 1; i < 1000; i++)
      g_string_append (same, ",0-0");
    reply = get_range (fixture, many->str, NULL);
    g_assert_cmpuint (reply->status, ==, 200);
    assert_bytes_equal (reply->body, whole->body);
    g_clear_pointer (&reply, reply_free);
    reply = get_range (fixture, same->str, NULL);
    g_assert_cmpuint (reply->status, ==, 200);
    g_clear_pointer (&reply, reply_free);
  }

  /* Not a range we know: the whole file. */
  reply = get_range (fixture, "bytes=abc", NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  assert_bytes_equal (reply->body, whole->body);
  g_clear_pointer (&reply, reply_free);

  /* If-Range: the current ETag keeps the range; anything else gets the whole file. */
  reply = get_range (fixture, "bytes=100-199", etag);
  assert_partial (reply, whole->body, 100, 199);
  g_clear_pointer (&reply, reply_free);
  for (guint i = 0; i < 3; i++)
    {
      const char *other[] = { "\"anonymous-0-3-zst-00000000\"", "Sun, 06 Dec 2026 13:00:00 GMT",
                              NULL };
      g_autofree char *weak = g_strdup_printf ("W/%s", etag);

      other[2] = weak;
      reply = get_range (fixture, "bytes=100-199", other[i]);
      g_assert_cmpuint (reply->status, ==, 200);
      g_assert_cmpstr (header (reply, "ETag"), ==, etag);
      assert_bytes_equal (reply->body, whole->body);
      g_clear_pointer (&reply, reply_free);
    }
}

/* ---- a rebuild under a download ---- */

/* Publishes a few public cases, which makes the server (DRIFTKOLL_SNAPSHOT_MIN_INTERVAL
 * 0) rebuild once enough has changed; waits until the newest ETag of the plain file is
 * not @etag and returns it. */
static char *
wait_for_rebuild (Fixture    *fixture,
                  const char *etag)
{
  gint64 deadline = g_get_monotonic_time () + REBUILD_TIMEOUT_S * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(Reply) head = NULL;
      g_autoptr(GString) batch = g_string_new ("[");
      g_autoptr(JsonArray) results = NULL;
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *start = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

      for (guint i = 0; i < 10; i++)
        {
          g_autofree char *mutation_id = g_uuid_string_random ();
          g_autofree char *case_id = g_uuid_string_random ();

          g_string_append_printf (batch,
              "%s{\"id\":\"%s\",\"op\":\"case.create\",\"base_revision\":0,"
              "\"data\":{\"id\":\"%s\",\"kind\":\"incident\",\"area\":\"it_telephony\","
              "\"title\":\"Störning %u\",\"description\":\"Under ombyggnad\",\"scope\":\"Alla\","
              "\"services\":[\"tes\"],\"priority\":2,\"public\":true,"
              "\"start\":\"%s\",\"expected_end\":null}}",
              i > 0 ? "," : "", mutation_id, case_id, i, start);
        }
      g_string_append_c (batch, ']');
      results = dk_test_server_mutate (fixture->server, fixture->token, batch->str);
      g_assert_cmpuint (json_array_get_length (results), ==, 10);

      for (guint i = 0; i < 10; i++)
        {
          g_clear_pointer (&head, reply_free);
          head = request (fixture, "HEAD", fixture->path, NULL,
                          "Accept", DK_SNAPSHOT_TYPE_SQLITE, NULL);
          g_assert_cmpuint (head->status, ==, 200);
          if (g_strcmp0 (header (head, "ETag"), etag) != 0)
            return g_strdup (header (head, "ETag"));
          g_usleep (G_USEC_PER_SEC / 2);
        }
    }

  g_error ("The server did not rebuild its snapshot in %d s", REBUILD_TIMEOUT_S);
}

/* Whether the snapshot folder still holds a file of the generation of @etag
 * ("<class>-<seq>-..." names them, as the ETag does). */
static gboolean
old_files_remain (Fixture    *fixture,
                  const char *etag)
{
  g_autofree char *dir_path = g_strconcat (fixture->server->db_path, ".snapshots", NULL);
  g_auto(GStrv) parts = g_strsplit (etag + 1, "-", 3);
  g_autofree char *prefix = g_strdup_printf ("%s-%s-", parts[0], parts[1]);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix))
      return TRUE;

  return FALSE;
}

/* Reads all of @stream. */
static GBytes *
read_rest (GInputStream *stream,
           GByteArray   *into)
{
  g_autoptr(GError) error = NULL;
  guint8 buffer[64 * 1024];
  gssize n;

  while ((n = g_input_stream_read (stream, buffer, sizeof buffer, NULL, &error)) > 0)
    g_byte_array_append (into, buffer, n);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);

  return g_bytes_new (into->data, into->len);
}

static void
test_rebuild_during_download (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) received = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) decoded = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(Reply) in_flight = g_new0 (Reply, 1);
  g_autoptr(Reply) old_range = NULL;
  g_autoptr(Reply) unknown = NULL;
  g_autoptr(Reply) oldest = NULL;
  g_autofree char *old_etag = NULL;
  g_autofree char *new_etag = NULL;
  g_autofree char *newest_etag = NULL;
  g_autofree char *url = g_strconcat (fixture->server->url, fixture->path + 1, NULL);
  guint8 buffer[4096];
  gsize n = 0;

  /* A first part of the old generation, its response still open. The plain file, the
   * larger one, so that more of it is left to send while the server rebuilds. */
  msg = soup_message_new ("GET", url);
  soup_message_disable_feature (msg, SOUP_TYPE_CONTENT_DECODER);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                DK_SNAPSHOT_TYPE_SQLITE);
  stream = soup_session_send (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  in_flight->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  old_etag = g_strdup (header (in_flight, "ETag"));
  g_assert_true (g_input_stream_read_all (stream, buffer, sizeof buffer, &n, NULL, &error));
  g_assert_no_error (error);
  g_byte_array_append (received, buffer, n);

  /* Two rebuilds: the first keeps the old generation as the previous one, the second
   * deletes its files, while this response still holds them mapped. */
  new_etag = wait_for_rebuild (fixture, old_etag);

  /* Resuming the old generation across the rebuild: a 206 of the old bytes. */
  old_range = request (fixture, "GET", fixture->path, NULL, "Accept", DK_SNAPSHOT_TYPE_SQLITE,
                       "Range", "bytes=0-4095", "If-Range", old_etag, NULL);
  g_assert_cmpuint (old_range->status, ==, 206);
  g_assert_cmpstr (header (old_range, "ETag"), ==, old_etag);
  first = g_bytes_new (received->data, received->len);
  assert_bytes_equal (old_range->body, first);

  /* An ETag the server never made: the whole newest file. */
  unknown = request (fixture, "GET", fixture->path, NULL, "Accept", DK_SNAPSHOT_TYPE_SQLITE,
                     "Range", "bytes=0-4095", "If-Range", "\"staff-1-3-db-deadbeef\"", NULL);
  g_assert_cmpuint (unknown->status, ==, 200);
  g_assert_cmpstr (header (unknown, "ETag"), ==, new_etag);
  assert_describes (unknown, unknown->body);

  newest_etag = wait_for_rebuild (fixture, new_etag);
  g_assert_cmpstr (newest_etag, !=, old_etag);

  /* Its files are gone from the folder; the response holds them mapped. */
  g_assert_false (old_files_remain (fixture, old_etag));

  /* The in-flight 200 ends whole, with the bytes its headers describe. */
  body = read_rest (stream, received);
  g_assert_true (g_input_stream_close (stream, NULL, &error));
  g_assert_no_error (error);
  assert_describes (in_flight, body);

  /* Two generations on, the first is gone: a resume of it gets the whole newest file. */
  oldest = request (fixture, "GET", fixture->path, NULL, "Accept", DK_SNAPSHOT_TYPE_SQLITE,
                    "Range", "bytes=4096-", "If-Range", old_etag, NULL);
  g_assert_cmpuint (oldest->status, ==, 200);
  g_assert_cmpstr (header (oldest, "ETag"), ==, newest_etag);
  assert_describes (oldest, oldest->body);
}

/* ---- the classes ---- */

/* Every string of @node (an object's data) into @into. */
static void
collect_strings (JsonNode  *node,
                 GPtrArray *into)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    g_ptr_array_add (into, g_strdup (json_node_get_string (node)));
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        collect_strings (json_array_get_element (array, i), into);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GList) members = json_object_get_values (json_node_get_object (node));

      for (GList *l = members; l != NULL; l = l->next)
        collect_strings (l->data, into);
    }
}

static gboolean
bytes_contain (GBytes     *haystack,
               const char *needle)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (haystack, &size);

  return memmem (data, size, needle, strlen (needle)) != NULL;
}

/* @text as it stands inside a JSON string. */
static char *
json_escaped (const char *text)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *quoted = NULL;

  json_node_set_string (node, text);
  quoted = json_to_string (node, FALSE);
  return g_strndup (quoted + 1, strlen (quoted) - 2);
}

/* Texts an anonymous caller may not read: every internal case's id, title and
 * description, every public case's affected units and reports, and the id of every
 * object a staff caller sees and an anonymous one does not. A text that the anonymous
 * feed itself holds (a shared word) is no secret and left out. */
static GPtrArray *
secrets (Fixture *fixture,
         GBytes  *anonymous_feed,
         guint   *out_internal_cases,
         guint   *out_affected)
{
  g_autoptr(GPtrArray) staff = dk_test_server_pull_all (fixture->server, fixture->token, 500,
                                                        NULL);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  *out_internal_cases = 0;
  *out_affected = 0;
  for (guint i = 0; i < staff->len; i++)
    {
      JsonObject *change = g_ptr_array_index (staff, i);
      JsonObject *data = json_object_get_object_member (change, "data");
      const char *type = json_object_get_string_member (change, "type");
      const char *id = json_object_get_string_member (change, "id");

      if (data == NULL)
        continue;
      if (g_str_equal (type, "case") && !json_object_get_boolean_member (data, "public"))
        {
          g_ptr_array_add (candidates, g_strdup (id));
          g_ptr_array_add (candidates, g_strdup (json_object_get_string_member (data, "title")));
          if (json_object_has_member (data, "description") &&
              !JSON_NODE_HOLDS_NULL (json_object_get_member (data, "description")))
            g_ptr_array_add (candidates,
                             g_strdup (json_object_get_string_member (data, "description")));
          (*out_internal_cases)++;
        }
      else if (g_str_equal (type, "case"))
        {
          const char *members[] = { "affected", "reports" };

          for (guint m = 0; m < G_N_ELEMENTS (members); m++)
            if (json_object_has_member (data, members[m]))
              {
                guint before = candidates->len;

                collect_strings (json_object_get_member (data, members[m]), candidates);
                *out_affected += candidates->len - before;
              }
        }
      else if (!bytes_contain (anonymous_feed, id))
        g_ptr_array_add (candidates, g_strdup (id));
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      const char *text = g_ptr_array_index (candidates, i);
      g_autofree char *escaped = json_escaped (text);

      /* Short texts (a role, a time) say nothing on their own. */
      if (strlen (text) < 6 || bytes_contain (anonymous_feed, escaped))
        continue;
      g_ptr_array_add (found, g_strdup (text));
      if (!g_str_equal (escaped, text))
        g_ptr_array_add (found, g_steal_pointer (&escaped));
    }

  return found;
}

static GBytes *
anonymous_feed_text (Fixture *fixture)
{
  g_autoptr(GPtrArray) changes = dk_test_server_pull_all (fixture->server, NULL, 500, NULL);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < changes->len; i++)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autofree char *one = NULL;

      json_node_set_object (node, g_ptr_array_index (changes, i));
      one = json_to_string (node, FALSE);
      g_string_append (text, one);
      g_string_append_c (text, '\n');
    }

  return g_string_free_to_bytes (g_steal_pointer (&text));
}

/* The rows too: no internal case in the table, and none of its words in the index. */
static void
assert_rows_hold_no_internal_case (Fixture *fixture,
                                   GBytes  *db_bytes,
                                   GBytes  *anonymous_feed)
{
  g_autofree char *path = g_build_filename (fixture->server->dir, "anonymous.db", NULL);
  g_autoptr(GPtrArray) staff = dk_test_server_pull_all (fixture->server, fixture->token, 500,
                                                        NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  g_autofree char *folded_feed = g_utf8_strdown (g_bytes_get_data (anonymous_feed, NULL),
                                                 g_bytes_get_size (anonymous_feed));
  guint words = 0;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (db_bytes, NULL),
                                      g_bytes_get_size (db_bytes), &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);

  for (guint i = 0; i < staff->len; i++)
    {
      JsonObject *change = g_ptr_array_index (staff, i);
      JsonObject *data = json_object_get_object_member (change, "data");
      g_auto(GStrv) title_words = NULL;
      sqlite3_stmt *stmt = NULL;

      if (data == NULL || !g_str_equal (json_object_get_string_member (change, "type"), "case") ||
          json_object_get_boolean_member (data, "public"))
        continue;

      g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM cases WHERE id = ?", -1,
                                           &stmt, NULL), ==, SQLITE_OK);
      sqlite3_bind_text (stmt, 1, json_object_get_string_member (change, "id"), -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
      sqlite3_finalize (stmt);

      /* A word of its title that no public text has is in no index entry. */
      title_words = g_regex_split_simple ("[^a-z]+", json_object_get_string_member (data, "title"),
                                          G_REGEX_CASELESS, 0);
      for (guint w = 0; title_words[w] != NULL; w++)
        {
          g_autofree char *word = g_ascii_strdown (title_words[w], -1);
          g_autofree char *query = g_strdup_printf ("\"%s\"", word);

          if (strlen (word) < 5 || strstr (folded_feed, word) != NULL)
            continue;
          g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM cases_fts "
                                               "WHERE cases_fts MATCH ?", -1, &stmt, NULL),
                           ==, SQLITE_OK);
          sqlite3_bind_text (stmt, 1, query, -1, SQLITE_STATIC);
          g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
          if (sqlite3_column_int (stmt, 0) != 0)
            g_error ("The word “%s” of an internal case is in the anonymous index", word);
          sqlite3_finalize (stmt);
          words++;
        }
    }

  sqlite3_close (db);
  g_test_message ("%u words of internal titles looked up in the index", words);
}

static void
test_anonymous_has_no_internal_bytes (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  g_autoptr(Reply) zst = request (fixture, "GET", fixture->path, NULL, NULL);
  g_autoptr(Reply) db = request (fixture, "GET", fixture->path, NULL,
                                 "Accept", DK_SNAPSHOT_TYPE_SQLITE, NULL);
  g_autoptr(GBytes) decoded = NULL;
  g_autoptr(GBytes) feed = anonymous_feed_text (fixture);
  g_autoptr(GPtrArray) forbidden = NULL;
  g_autoptr(Reply) staff = request (fixture, "GET", fixture->path, fixture->token,
                                    "Accept", DK_SNAPSHOT_TYPE_SQLITE, NULL);
  guint internal_cases = 0;
  guint affected = 0;
  guint in_staff = 0;

  g_assert_cmpuint (zst->status, ==, 200);
  g_assert_cmpuint (db->status, ==, 200);
  decoded = zstd_decode (zst->body);
  assert_bytes_equal (decoded, db->body);

  forbidden = secrets (fixture, feed, &internal_cases, &affected);
  /* The demo data has internal cases and a public one with affected units. */
  g_assert_cmpuint (internal_cases, >=, 3);
  g_assert_cmpuint (affected, >=, 1);
  for (guint i = 0; i < forbidden->len; i++)
    {
      const char *text = g_ptr_array_index (forbidden, i);

      if (bytes_contain (decoded, text))
        g_error ("The anonymous snapshot holds “%s”", text);
      /* The staff file holds most of them: the search reads the file as it is. */
      if (bytes_contain (staff->body, text))
        in_staff++;
    }
  g_test_message ("%u texts searched for, %u of them in the staff file", forbidden->len, in_staff);
  g_assert_cmpuint (in_staff, >=, internal_cases);

  assert_rows_hold_no_internal_case (fixture, decoded, feed);
}

static void
test_class_never_crosses (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(Reply) anonymous = request (fixture, "GET", fixture->path, NULL, NULL);
  g_autoptr(Reply) staff = request (fixture, "GET", fixture->path, fixture->token, NULL);
  g_autoptr(Reply) reply = NULL;
  g_autofree char *with_class = g_strdup_printf ("%s&class=staff", fixture->path);
  const char *staff_etag = header (staff, "ETag");
  const char *anonymous_etag = header (anonymous, "ETag");

  g_assert_cmpstr (staff_etag, !=, anonymous_etag);

  /* A staff ETag in If-Range gets an anonymous caller the whole anonymous file. */
  reply = request (fixture, "GET", fixture->path, NULL, "Range", "bytes=0-99",
                   "If-Range", staff_etag, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (header (reply, "ETag"), ==, anonymous_etag);
  g_assert_cmpstr (header (reply, DK_HEADER_SNAPSHOT_CLASS), ==, DK_SNAPSHOT_CLASS_ANONYMOUS);
  assert_bytes_equal (reply->body, anonymous->body);
  g_clear_pointer (&reply, reply_free);

  /* And the other way. */
  reply = request (fixture, "GET", fixture->path, fixture->token, "Range", "bytes=0-99",
                   "If-Range", anonymous_etag, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (header (reply, "ETag"), ==, staff_etag);
  g_clear_pointer (&reply, reply_free);

  /* No parameter picks a class. */
  reply = request (fixture, "GET", with_class, NULL, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (header (reply, DK_HEADER_SNAPSHOT_CLASS), ==, DK_SNAPSHOT_CLASS_ANONYMOUS);
  g_clear_pointer (&reply, reply_free);

  /* A bad token is 401, never the anonymous file. */
  reply = request (fixture, "GET", fixture->path, "not-a-token", NULL);
  assert_error_code (reply, 401, "unauthorized");
  g_assert_null (header (reply, "ETag"));
  g_clear_pointer (&reply, reply_free);
  reply = request (fixture, "HEAD", fixture->path, "not-a-token", NULL);
  g_assert_cmpuint (reply->status, ==, 401);
  g_clear_pointer (&reply, reply_free);

  /* Nor an ended session's. */
  reply = request (fixture, "DELETE", "/api/v1/session", fixture->token, NULL);
  g_assert_cmpuint (reply->status, <, 300);
  g_clear_pointer (&reply, reply_free);
  reply = request (fixture, "GET", fixture->path, fixture->token, NULL);
  assert_error_code (reply, 401, "unauthorized");
}

/* ---- none to give ---- */

static void
test_not_found (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *older = g_strdup_printf (SNAPSHOT_PATH, DK_STORE_SCHEMA_VERSION - 1);
  g_autofree char *newer = g_strdup_printf (SNAPSHOT_PATH, DK_STORE_SCHEMA_VERSION + 1);
  g_autoptr(Reply) reply = NULL;
  const char *bad[] = { "/api/v1/snapshot", "/api/v1/snapshot?schema=", "/api/v1/snapshot?schema=x",
                        "/api/v1/snapshot?schema=-1", "/api/v1/snapshot?schema=0" };

  /* A client of an older schema cannot open it. */
  reply = request (fixture, "GET", older, NULL, NULL);
  assert_error_code (reply, 404, "no_snapshot");
  g_clear_pointer (&reply, reply_free);
  reply = request (fixture, "GET", older, fixture->token, NULL);
  assert_error_code (reply, 404, "no_snapshot");
  g_clear_pointer (&reply, reply_free);

  /* A newer one migrates it as it opens it. */
  reply = request (fixture, "GET", newer, NULL, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  g_clear_pointer (&reply, reply_free);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      reply = request (fixture, "GET", bad[i], NULL, NULL);
      assert_error_code (reply, 400, "invalid_input");
      g_clear_pointer (&reply, reply_free);
    }

  reply = request (fixture, "GET", "/api/v1/snapshot/staff?schema=3", NULL, NULL);
  assert_error_code (reply, 404, "not_found");
}

/* A server must not outlive a test that aborted. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* "driftkoll-server serve --db @db_path" on a free port with more flags (NULL-ended);
 * returns the process and its URL. */
static GSubprocess *
spawn_serve (const char  *db_path,
             char       **out_url,
             ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GSubprocess *process;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("DRIFTKOLL_SERVER"));
  g_ptr_array_add (argv, (char *) "serve");
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, (char *) db_path);
  g_ptr_array_add (argv, (char *) "--listen");
  g_ptr_array_add (argv, (char *) "127.0.0.1:0");
  va_start (args, out_url);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  *out_url = g_strdup (line + strlen ("listening on "));

  return process;
}

static void
stop_serve (GSubprocess *process)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  /* A clean stop (and, under ASan, no leak). */
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

/* A server of an empty database has none to give, nor one run with --no-snapshots. */
static void
test_none (void)
{
  g_autoptr(DkTestServer) server = dk_test_server_new (FALSE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *path = g_strdup_printf (SNAPSHOT_PATH, DK_STORE_SCHEMA_VERSION);
  g_autofree char *base_url = NULL;
  g_autofree char *url = NULL;
  g_autofree char *err = NULL;
  g_autofree char *demo_db = g_build_filename (server->dir, "demo.db", NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;

  g_assert_cmpuint (dk_test_server_request (server, "GET", path, NULL, NULL, NULL, 0, &reply,
                                            NULL), ==, 404);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (json_node_get_object (reply), "error"),
                     "code"), ==, "no_snapshot");

  /* A demo database with its snapshots built, served with --no-snapshots. */
  g_assert_cmpint (dk_test_server_run_cli (server, NULL, NULL, &err, "init", "--db", demo_db,
                                           "--demo", NULL), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (dk_test_server_run_cli (server, NULL, NULL, &err, "snapshot", "--db", demo_db,
                                           NULL), ==, 0);
  process = spawn_serve (demo_db, &base_url, "--no-snapshots", NULL);
  url = g_strconcat (base_url, path + 1, NULL);
  msg = soup_message_new ("GET", url);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 404);
  g_assert_nonnull (strstr (g_bytes_get_data (body, NULL), "\"no_snapshot\""));
  stop_serve (process);
}

/* ---- a large download and the write deadline ---- */

/* A GET of the staff's plain file; with @small_window over a socket that takes little
 * at a time. Returns the socket, the head read, and the body's length. */
static GSocket *
open_download (guint       port,
               const char *path,
               const char *token,
               gboolean    small_window,
               gsize      *out_length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", port);
  g_autofree char *request_text = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                   "Authorization: Bearer %s\r\n"
                                                   "Accept: " DK_SNAPSHOT_TYPE_SQLITE "\r\n"
                                                   "Connection: close\r\n\r\n", path, token);
  g_autoptr(GString) head = g_string_new (NULL);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);
  const char *length;
  char c;

  g_assert_no_error (error);
  /* Before connecting, so that the window stays small. */
  if (small_window)
    g_assert_true (g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, 4096, &error));
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_no_error (error);
  g_socket_set_timeout (socket, 10);
  g_assert_cmpint (g_socket_send (socket, request_text, strlen (request_text), NULL, &error), ==,
                   (gssize) strlen (request_text));

  /* The head, a byte at a time: the body starts right after it. */
  while (!g_str_has_suffix (head->str, "\r\n\r\n"))
    {
      g_assert_cmpint (g_socket_receive (socket, &c, 1, NULL, &error), ==, 1);
      g_string_append_c (head, c);
    }
  g_assert_true (g_str_has_prefix (head->str, "HTTP/1.1 200 "));
  length = strstr (head->str, "Content-Length: ");
  g_assert_nonnull (length);
  *out_length = g_ascii_strtoull (length + strlen ("Content-Length: "), NULL, 10);

  return socket;
}

/* Reads what comes until the end, in reads of up to @chunk bytes @pause_ms apart. */
static gsize
read_to_end (GSocket *socket,
             gsize    chunk,
             guint    pause_ms)
{
  g_autofree guint8 *buffer = g_malloc (chunk);
  gsize total = 0;
  gssize n;

  while ((n = g_socket_receive (socket, (char *) buffer, chunk, NULL, NULL)) > 0)
    {
      total += n;
      if (pause_ms > 0)
        g_usleep (pause_ms * 1000);
    }

  return total;
}

/* The write deadline (--write-timeout-seconds) counts from a reply's last move: a slow
 * reader of a file larger than what the kernel holds for it gets all of it, however
 * long that takes; one that stops reading is cut. */
static void
test_slow_reader (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSocket) slow = NULL;
  g_autoptr(GSocket) stalled = NULL;
  g_autofree char *url = NULL;
  g_autofree char *err = NULL;
  gint64 started;
  gsize length = 0;
  gsize stalled_length = 0;
  gsize received;
  guint port;

  /* A staff file of about 11 MB. */
  dk_test_server_import_generated (fixture->server, 4000);
  dk_test_server_stop (fixture->server, FALSE);
  g_assert_cmpint (dk_test_server_run_cli (fixture->server, NULL, NULL, &err, "snapshot", "--db",
                                           fixture->server->db_path, NULL), ==, 0);
  process = spawn_serve (fixture->server->db_path, &url, "--write-timeout-seconds", "1", NULL);
  port = (guint) g_ascii_strtoull (url + strlen ("http://127.0.0.1:"), NULL, 10);

  stalled = open_download (port, fixture->path, fixture->token, TRUE, &stalled_length);
  slow = open_download (port, fixture->path, fixture->token, FALSE, &length);
  g_assert_cmpuint (length, >, 8 * 1024 * 1024);

  /* 128 KiB every 25 ms, about 5 MB/s: seconds for the whole. */
  started = g_get_monotonic_time ();
  received = read_to_end (slow, 128 * 1024, 25);
  g_test_message ("%" G_GSIZE_FORMAT " bytes in %.1f s", received,
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
  g_assert_cmpuint (received, ==, length);
  g_assert_cmpint (g_get_monotonic_time () - started, >, G_USEC_PER_SEC);

  /* The other has read nothing since its head: long cut by now, with what the kernel
   * held for it. */
  received = read_to_end (stalled, 64 * 1024, 0);
  g_test_message ("the stalled reader got %" G_GSIZE_FORMAT " bytes of %" G_GSIZE_FORMAT,
                  received, stalled_length);
  g_assert_cmpuint (received, <, stalled_length);

  stop_serve (process);
}

/* ---- GET /changes?base= ---- */

static void
test_changes_base (Fixture       *fixture,
                   gconstpointer  user_data)
{
  const char *bad[] = { "base=x", "base=-1", "base=", "base=1.5", "base=99999999999999999999" };
  g_autoptr(Reply) plain = request (fixture, "GET", "/api/v1/changes?since=0", NULL,
                                    "Accept-Encoding", "identity", NULL);
  g_autoptr(Reply) zero = request (fixture, "GET", "/api/v1/changes?since=0&base=0", NULL,
                                   "Accept-Encoding", "identity", NULL);
  g_autoptr(Reply) staff = NULL;

  g_assert_cmpuint (plain->status, ==, 200);
  g_assert_cmpuint (zero->status, ==, 200);
  assert_bytes_equal (plain->body, zero->body);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=0&%s", bad[i]);
      g_autoptr(Reply) reply = request (fixture, "GET", path, fixture->token, NULL);

      assert_error_code (reply, 400, "invalid_input");
    }

  staff = request (fixture, "GET", "/api/v1/changes?since=0&base=1", fixture->token, NULL);
  g_assert_cmpuint (staff->status, ==, 200);
}

static JsonArray *
changes_page (Fixture    *fixture,
              const char *path,
              const char *token)
{
  g_autoptr(Reply) reply = request (fixture, "GET", path, token,
                                    "Accept-Encoding", "identity", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_null (header (reply, "Content-Encoding"));
  node = json_from_string (g_bytes_get_data (reply->body, NULL), &error);
  g_assert_no_error (error);
  return json_array_ref (json_object_get_array_member (json_node_get_object (node), "changes"));
}

/* After a snapshot at S: an anonymous caller has nothing private, so base=S is since=S;
 * the service desk first gets its reports up to S, which no snapshot holds, and no
 * object of its class up to S. */
static void
test_changes_after_snapshot (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(Reply) head = request (fixture, "HEAD", fixture->path, fixture->token, NULL);
  gint64 seq = g_ascii_strtoll (header (head, DK_HEADER_SNAPSHOT_SEQ), NULL, 10);
  g_autofree char *based = g_strdup_printf ("/api/v1/changes?since=0&base=%" G_GINT64_FORMAT
                                            "&limit=1000", seq);
  g_autofree char *after = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT
                                            "&limit=1000", seq);
  g_autoptr(JsonArray) anonymous_based = NULL;
  g_autoptr(JsonArray) anonymous_after = NULL;
  g_autoptr(JsonArray) desk = NULL;
  guint reports = 0;

  g_assert_cmpint (seq, >, 0);
  /* One change after the snapshot. */
  g_clear_pointer (&head, reply_free);
  {
    g_autoptr(JsonArray) results = NULL;
    g_autofree char *mutation_id = g_uuid_string_random ();
    g_autofree char *case_id = g_uuid_string_random ();
    g_autofree char *batch = g_strdup_printf (
        "[{\"id\":\"%s\",\"op\":\"case.create\",\"base_revision\":0,"
        "\"data\":{\"id\":\"%s\",\"kind\":\"incident\",\"area\":\"it_telephony\","
        "\"title\":\"Efter ögonblicksbilden\",\"description\":\"\",\"scope\":\"Alla\","
        "\"services\":[\"tes\"],\"priority\":2,\"public\":true}}]", mutation_id, case_id);

    results = dk_test_server_mutate (fixture->server, fixture->token, batch);
    g_assert_cmpuint (json_array_get_length (results), ==, 1);
  }

  anonymous_based = changes_page (fixture, based, NULL);
  anonymous_after = changes_page (fixture, after, NULL);
  g_assert_cmpuint (json_array_get_length (anonymous_based), >=, 1);
  g_assert_true (json_array_equal (anonymous_based, anonymous_after));

  desk = changes_page (fixture, based, fixture->token);
  for (guint i = 0; i < json_array_get_length (desk); i++)
    {
      JsonObject *change = json_array_get_object_element (desk, i);
      const char *type = json_object_get_string_member (change, "type");

      if (json_object_get_int_member (change, "seq") > seq)
        continue;
      /* Up to S only what the staff snapshot left out. */
      g_assert_cmpstr (type, !=, "case");
      g_assert_cmpstr (type, !=, "service");
      if (g_str_equal (type, "report"))
        reports++;
    }
  g_assert_cmpuint (reports, >=, 1);
}

/* ---- no other route answers Range ---- */

static void
test_other_routes_ignore_range (Fixture       *fixture,
                                gconstpointer  user_data)
{
  const char *paths[] = { "/", "/api/v1/changes?since=0", "/api/v1/healthz" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(Reply) reply = request (fixture, "GET", paths[i], NULL,
                                        "Range", "bytes=0-99999999", NULL);

      g_assert_cmpuint (reply->status, ==, 200);
      g_assert_null (header (reply, "Content-Range"));
      g_assert_cmpuint (g_bytes_get_size (reply->body), >, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* The server rebuilds as soon as enough has changed, and looks every second. */
  g_setenv ("DRIFTKOLL_SNAPSHOT_MIN_INTERVAL", "0", TRUE);
  g_setenv ("DRIFTKOLL_SNAPSHOT_CHECK_SECONDS", "1", TRUE);

#define ADD(path, func) \
  g_test_add ("/server/snapshot/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("headers", test_headers);
  ADD ("head", test_head);
  ADD ("range", test_range);
  ADD ("rebuild-during-download", test_rebuild_during_download);
  ADD ("anonymous-has-no-internal-bytes", test_anonymous_has_no_internal_bytes);
  ADD ("class-never-crosses", test_class_never_crosses);
  ADD ("not-found", test_not_found);
  ADD ("changes-base", test_changes_base);
  ADD ("changes-after-snapshot", test_changes_after_snapshot);
  ADD ("other-routes-ignore-range", test_other_routes_ignore_range);
  ADD ("slow-reader-gets-all-stalled-is-cut", test_slow_reader);
  g_test_add_func ("/server/snapshot/none", test_none);

#undef ADD

  return g_test_run ();
}
