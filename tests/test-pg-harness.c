/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-pg-harness.c: the tests' private PostgreSQL cluster (dk-test-pg.c) works */

#include <stdlib.h>

#include "dk-test-pg.h"

static void
test_cluster (void)
{
  DkTestPg *pg = dk_test_pg_get ();
  g_autofree char *url = NULL;
  g_autofree char *other = NULL;
  g_autofree char *out = NULL;

  if (pg == NULL)
    {
      g_test_skip (dk_test_pg_missing_reason ());
      return;
    }
  url = dk_test_pg_new_database (pg);
  other = dk_test_pg_new_database (pg);
  g_assert_cmpstr (url, !=, other);
  g_assert_true (g_str_has_prefix (url, "postgresql:///"));
  g_free (dk_test_pg_psql (pg, url, "CREATE TABLE t (x int); INSERT INTO t VALUES (41)"));
  out = dk_test_pg_psql (pg, url, "SELECT x + 1 FROM t");
  g_assert_cmpstr (out, ==, "42");

  /* Stopped and started again, the data is still there. */
  dk_test_pg_stop_cluster (pg);
  dk_test_pg_start_cluster (pg);
  g_clear_pointer (&out, g_free);
  out = dk_test_pg_psql (pg, url, "SELECT count(*) FROM t");
  g_assert_cmpstr (out, ==, "1");
  g_clear_pointer (&out, g_free);
  out = dk_test_pg_psql (pg, url, "SHOW max_connections");
  g_assert_cmpint (atoi (out), >=, 200);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pg/harness/cluster", test_cluster);
  return g_test_run ();
}
