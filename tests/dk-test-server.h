/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-test-server.h: runs the real driftkoll-server on 127.0.0.1 for a test */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "dk-test-files.h"

G_BEGIN_DECLS

typedef struct {
  char        *dir;       /* a private temporary folder, removed at the end */
  char        *db_path;   /* the file, or the PostgreSQL URL */
  GSubprocess *process;
  char        *url;       /* "http://127.0.0.1:PORT/" while running */
  guint        port;      /* the port it last listened on */
  SoupSession *session;
} DkTestServer;

/* Makes a database (with the demo data when @demo) and starts serving it: a file, or
 * with DRIFTKOLL_TEST_DB=postgresql a new database of the program's private cluster
 * (dk-test-pg.h; db_path is then its URL). */
DkTestServer *dk_test_server_new      (gboolean       demo);
/* Another server on @location (a second instance on one PostgreSQL database: @init
 * FALSE), with its own process, port and folders. */
DkTestServer *dk_test_server_new_on   (const char    *location,
                                       gboolean       demo,
                                       gboolean       init);
/* Runs "driftkoll-server ARGS..." to completion; returns its exit status. @self may be
 * NULL: the command runs on no server of the test's. */
int           dk_test_server_run_cli  (DkTestServer  *self,
                                       const char    *stdin_text,
                                       char         **out_stdout,
                                       char         **out_stderr,
                                       ...) G_GNUC_NULL_TERMINATED;
void          dk_test_server_start    (DkTestServer  *self);
/* Starts a stopped server again on the port it had, as a real one comes back at its
 * address: clients find it without being told. */
void          dk_test_server_start_again (DkTestServer *self);
/* A second server over TLS, with the demo data in "tls.db" of the server's folder and a
 * self-signed certificate for 127.0.0.1 written to @cert and @key; returns the process
 * (the caller stops it) and its "https://127.0.0.1:PORT/" in *out_url. */
GSubprocess  *dk_test_server_start_tls (DkTestServer *self,
                                        const char   *cert,
                                        const char   *key,
                                        char        **out_url);
/* SIGTERM (clean) or SIGKILL, and waits for the process. */
void          dk_test_server_stop     (DkTestServer  *self,
                                       gboolean       kill);
void          dk_test_server_free     (DkTestServer  *self);
/* Writes @n cases with shared/bench/gen-cases.py (seed 1) and imports them, the server
 * stopped meanwhile and started again on its port. */
void          dk_test_server_import_generated (DkTestServer *self,
                                               guint         n);

/* Builds the replica snapshots ("driftkoll-server snapshot --db") of the database as it
 * is now, the server stopped meanwhile and started again on its port. */
void          dk_test_server_build_snapshots  (DkTestServer *self);
/* The folder serve keeps them in by default ("<db>.snapshots"). */
char         *dk_test_server_dup_snapshot_dir (DkTestServer *self);

/* What a client replica holds for its user, as text (cases, objects, search hits for a
 * set of words; never the file's bytes), and two replicas compared that way. */
char         *dk_test_replica_describe        (const char   *path);
void          dk_test_assert_replicas_equal   (const char   *expected_path,
                                               const char   *actual_path);
/* The one number @sql (a SELECT) gives on the replica at @path. */
gint64        dk_test_replica_count           (const char   *path,
                                               const char   *sql);

/* One HTTP request; returns the status. @body may be NULL; @token adds a Bearer header.
 * *out_json gets the parsed body when it is JSON (NULL otherwise). */
guint         dk_test_server_request  (DkTestServer  *self,
                                       const char    *method,
                                       const char    *path,
                                       const char    *token,
                                       const char    *content_type,
                                       const char    *body,
                                       gssize         body_length,
                                       JsonNode     **out_json,
                                       GBytes       **out_bytes);
/* Logs in and returns the token (asserts success). */
/* Fails @username's login with a wrong password until @failures were counted (401),
 * waiting out the locks (429) on the way; returns how many 429 it met. The throttle
 * counts whole seconds, so its 1 s lock can end at once: eight failures lock for 8 s,
 * long enough for the next login to meet it on a busy machine. */
guint         dk_test_server_fail_logins (DkTestServer *self,
                                          const char   *username,
                                          guint         failures);
char         *dk_test_server_login    (DkTestServer  *self,
                                       const char    *username,
                                       const char    *password);
/* Posts one batch of mutations (a JSON array text) and returns the reply's results. */
JsonArray    *dk_test_server_mutate   (DkTestServer  *self,
                                       const char    *token,
                                       const char    *mutations_json);
/* Pulls every change visible to @token from 0 in pages of @limit; returns the changes
 * (each a JSON object) in order. */
GPtrArray    *dk_test_server_pull_all (DkTestServer  *self,
                                       const char    *token,
                                       guint          limit,
                                       guint         *out_pages);

/* A GAsyncReadyCallback that keeps the result in the GAsyncResult * slot @user_data
 * points at; dk_test_wait_result () iterates the default context until it is there. */
void          dk_test_async_result_cb (GObject       *object,
                                       GAsyncResult  *result,
                                       gpointer       user_data);
GAsyncResult *dk_test_wait_result     (GAsyncResult **slot);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkTestServer, dk_test_server_free)

G_END_DECLS
