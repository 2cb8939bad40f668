/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-test-pg.h: a private PostgreSQL cluster for the tests of one program */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DkTestPg DkTestPg;

/* The private cluster of this test program: initdb into a temporary folder (as the
 * user postgres via runuser when run as root; initdb refuses root), pg_ctl start with
 * -k <dir> and listen_addresses='', started on first use, stopped (pg_ctl stop -m fast)
 * and removed at exit. NULL when PostgreSQL 15 is not installed
 * (/usr/lib/postgresql/15/bin/initdb missing): the caller skips with a clear message. */
DkTestPg *dk_test_pg_get           (void);
/* A new empty database; returns its URL postgresql:///NAME?host=DIR&user=postgres */
char     *dk_test_pg_new_database  (DkTestPg   *pg);
/* Runs SQL through psql on @url; asserts success; returns stdout (psql -At). */
char     *dk_test_pg_psql          (DkTestPg   *pg,
                                    const char *url,
                                    const char *sql);
/* Stops / starts the whole cluster (for "database gone" tests). */
void      dk_test_pg_stop_cluster  (DkTestPg   *pg);
void      dk_test_pg_start_cluster (DkTestPg   *pg);

/* The database a storage test opens: @dir/@name, or with DRIFTKOLL_TEST_DB=postgresql
 * the URL of a new database of the private cluster (a fatal error when PostgreSQL is
 * missing: meson runs the -pg tests only where it is installed). */
char     *dk_test_db_location      (const char *dir,
                                    const char *name);

/* Why dk_test_pg_get () gave NULL, for g_test_skip (). */
const char *dk_test_pg_missing_reason (void);

G_END_DECLS
