/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-core-inbox.c: reports grouped by service, probable incidents marked */

#include "config.h"

#include "dk-core.h"

#define MINUTE (G_GINT64_CONSTANT (60))
#define NOW    G_GINT64_CONSTANT (1795529100) /* 2026-11-24T14:05:00Z */

static DkReport *
make_report (const char    *number,
             const char    *service,
             const char    *unit,
             gint64         created_at,
             DkReportKind   kind,
             DkReportState  state)
{
  DkReport *report = dk_report_new ();

  report->id = g_strdup_printf ("id-%s", number);
  report->number = g_strdup (number);
  report->service = g_strdup (service);
  report->unit = g_strdup (unit);
  report->created_at = created_at;
  report->kind = kind;
  report->state = state;
  return report;
}

static void
add (GPtrArray  *reports,
     const char *number,
     const char *service,
     const char *unit,
     gint64      minutes_ago)
{
  g_ptr_array_add (reports, make_report (number, service, unit, NOW - minutes_ago * MINUTE,
                                         DK_REPORT_KIND_FAULT, DK_REPORT_STATE_NEW));
}

static GPtrArray *
new_reports (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) dk_report_unref);
}

static GPtrArray *
group_default (GPtrArray *reports)
{
  return dk_inbox_group (reports, DK_INBOX_DEFAULT_THRESHOLD, DK_INBOX_DEFAULT_WINDOW_SECONDS,
                         NOW);
}

static DkInboxGroup *
group_at (GPtrArray *groups,
          guint      i)
{
  g_assert_cmpuint (i, <, groups->len);
  return g_ptr_array_index (groups, i);
}

static const char *
number_at (DkInboxGroup *group,
           guint         i)
{
  g_assert_cmpuint (i, <, group->reports->len);
  return ((DkReport *) g_ptr_array_index (group->reports, i))->number;
}

static void
test_groups_by_service_newest_first (void)
{
  g_autoptr(GPtrArray) reports = new_reports ();
  g_autoptr(GPtrArray) groups = NULL;

  add (reports, "FA-1", "tes", "Avd 12", 50);
  add (reports, "FA-2", "dips", "Avd 3", 40);
  add (reports, "FA-3", "tes", "Avd 14", 5);
  add (reports, "FA-4", "dips", "Avd 4", 60);

  groups = group_default (reports);
  g_assert_cmpuint (groups->len, ==, 2);
  /* tes has the newest report */
  g_assert_cmpstr (group_at (groups, 0)->service, ==, "tes");
  g_assert_cmpstr (number_at (group_at (groups, 0), 0), ==, "FA-3");
  g_assert_cmpstr (number_at (group_at (groups, 0), 1), ==, "FA-1");
  g_assert_cmpstr (group_at (groups, 1)->service, ==, "dips");
  g_assert_cmpstr (number_at (group_at (groups, 1), 0), ==, "FA-2");
  g_assert_cmpstr (number_at (group_at (groups, 1), 1), ==, "FA-4");
  g_assert_cmpuint (group_at (groups, 0)->units, ==, 2);
  g_assert_false (group_at (groups, 0)->probable_incident);
  g_assert_false (group_at (groups, 1)->probable_incident);
}

static void
test_three_units_within_window_is_probable_incident (void)
{
  g_autoptr(GPtrArray) reports = new_reports ();
  g_autoptr(GPtrArray) groups = NULL;

  add (reports, "FA-1", "tes", "Avd 12", 29);
  add (reports, "FA-2", "tes", "Avd 14", 10);
  add (reports, "FA-3", "tes", "Akuten", 0);

  groups = group_default (reports);
  g_assert_cmpuint (groups->len, ==, 1);
  g_assert_true (group_at (groups, 0)->probable_incident);
  g_assert_cmpuint (group_at (groups, 0)->units, ==, 3);
}

static void
test_two_units_are_not_enough (void)
{
  g_autoptr(GPtrArray) reports = new_reports ();
  g_autoptr(GPtrArray) groups = NULL;

  /* the same unit three times (written differently) counts once */
  add (reports, "FA-1", "tes", "Avd 12", 20);
  add (reports, "FA-2", "tes", "avd 12 ", 10);
  add (reports, "FA-3", "tes", "Akuten", 0);

  groups = group_default (reports);
  g_assert_false (group_at (groups, 0)->probable_incident);
  g_assert_cmpuint (group_at (groups, 0)->units, ==, 2);
}

static void
test_spread_out_reports_are_not_an_incident (void)
{
  g_autoptr(GPtrArray) reports = new_reports ();
  g_autoptr(GPtrArray) groups = NULL;

  add (reports, "FA-1", "tes", "Avd 12", 100);
  add (reports, "FA-2", "tes", "Avd 14", 60);
  add (reports, "FA-3", "tes", "Akuten", 20);

  groups = group_default (reports);
  g_assert_false (group_at (groups, 0)->probable_incident);

  /* a window of two hours takes them in; so does any earlier window */
  g_clear_pointer (&groups, g_ptr_array_unref);
  groups = dk_inbox_group (reports, 3, 120 * MINUTE, NOW);
  g_assert_true (group_at (groups, 0)->probable_incident);

  g_clear_pointer (&groups, g_ptr_array_unref);
  add (reports, "FA-4", "tes", "Avd 3", 300);
  add (reports, "FA-5", "tes", "Avd 4", 290);
  add (reports, "FA-6", "tes", "Avd 5", 280);
  groups = group_default (reports);
  g_assert_true (group_at (groups, 0)->probable_incident);
}

static void
test_closed_and_linked_reports_do_not_count (void)
{
  g_autoptr(GPtrArray) reports = new_reports ();
  g_autoptr(GPtrArray) groups = NULL;

  add (reports, "FA-1", "tes", "Avd 12", 10);
  add (reports, "FA-2", "tes", "Avd 14", 5);
  g_ptr_array_add (reports, make_report ("FA-3", "tes", "Akuten", NOW - 1 * MINUTE,
                                         DK_REPORT_KIND_FAULT, DK_REPORT_STATE_LINKED));
  g_ptr_array_add (reports, make_report ("FA-4", "tes", "Avd 3", NOW - 2 * MINUTE,
                                         DK_REPORT_KIND_URGENT, DK_REPORT_STATE_CLOSED));

  groups = group_default (reports);
  g_assert_cmpuint (group_at (groups, 0)->reports->len, ==, 4);
  g_assert_false (group_at (groups, 0)->probable_incident);
  g_assert_false (group_at (groups, 0)->has_urgent);
  g_assert_cmpuint (group_at (groups, 0)->units, ==, 2);

  /* acknowledged is still open */
  ((DkReport *) g_ptr_array_index (reports, 2))->state = DK_REPORT_STATE_ACKNOWLEDGED;
  g_clear_pointer (&groups, g_ptr_array_unref);
  groups = group_default (reports);
  g_assert_true (group_at (groups, 0)->probable_incident);
}

static void
test_urgent_stands_out (void)
{
  g_autoptr(GPtrArray) reports = new_reports ();
  g_autoptr(GPtrArray) groups = NULL;

  add (reports, "FA-1", "tes", "Avd 12", 10);
  g_ptr_array_add (reports, make_report ("FA-2", "cosmic", "Avd 14", NOW - 20 * MINUTE,
                                         DK_REPORT_KIND_URGENT, DK_REPORT_STATE_NEW));

  groups = group_default (reports);
  g_assert_cmpstr (group_at (groups, 0)->service, ==, "tes");
  g_assert_false (group_at (groups, 0)->has_urgent);
  g_assert_cmpstr (group_at (groups, 1)->service, ==, "cosmic");
  g_assert_true (group_at (groups, 1)->has_urgent);
}

static void
test_empty_and_future (void)
{
  g_autoptr(GPtrArray) reports = new_reports ();
  g_autoptr(GPtrArray) groups = NULL;

  groups = group_default (reports);
  g_assert_cmpuint (groups->len, ==, 0);
  g_clear_pointer (&groups, g_ptr_array_unref);

  /* a clock ahead: the report counts as made now, still within the window */
  add (reports, "FA-1", "tes", "Avd 12", -600);
  add (reports, "FA-2", "tes", "Avd 14", 1);
  add (reports, "FA-3", "tes", "Akuten", 2);
  g_ptr_array_add (reports, make_report ("FA-4", NULL, "Avd 3", DK_TIME_UNSET,
                                         DK_REPORT_KIND_FAULT, DK_REPORT_STATE_NEW));
  groups = group_default (reports);
  g_assert_cmpuint (groups->len, ==, 2);
  g_assert_cmpstr (group_at (groups, 0)->service, ==, "tes");
  g_assert_cmpstr (number_at (group_at (groups, 0), 0), ==, "FA-1");
  g_assert_true (group_at (groups, 0)->probable_incident);
  g_assert_cmpstr (group_at (groups, 1)->service, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/inbox/groups-by-service-newest-first", test_groups_by_service_newest_first);
  g_test_add_func ("/inbox/probable-incident/three-units-within-window",
                   test_three_units_within_window_is_probable_incident);
  g_test_add_func ("/inbox/probable-incident/two-units-are-not-enough",
                   test_two_units_are_not_enough);
  g_test_add_func ("/inbox/probable-incident/spread-out-is-not",
                   test_spread_out_reports_are_not_an_incident);
  g_test_add_func ("/inbox/probable-incident/closed-and-linked-do-not-count",
                   test_closed_and_linked_reports_do_not_count);
  g_test_add_func ("/inbox/urgent-stands-out", test_urgent_stands_out);
  g_test_add_func ("/inbox/empty-and-future", test_empty_and_future);

  return g_test_run ();
}
