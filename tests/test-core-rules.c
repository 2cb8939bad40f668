/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-core-rules.c: archive, lead time, publishing roles, transitions, priority, routines,
 * subscriptions */

#include "config.h"

#include <string.h>

#include "dk-core.h"

#define HOUR (G_GINT64_CONSTANT (3600))
#define DAY  (24 * HOUR)
#define NOW  G_GINT64_CONSTANT (1795529100) /* 2026-11-24T14:05:00Z */

static DkCase *
make_case (DkCaseKind   kind,
           DkArea       area,
           DkCaseStatus status)
{
  DkCase *kase = dk_case_new ();

  kase->id = g_strdup ("0b6c1f4e-8a3d-4c56-9e7f-2d1a5b8c9e0f");
  kase->kind = kind;
  kase->area = area;
  kase->status = status;
  kase->title = g_strdup ("TES ligger nere");
  g_ptr_array_add (kase->services, g_strdup ("tes"));
  return kase;
}

/* ---- archive ---- */

static void
test_archive_after_24_hours (void)
{
  g_autoptr(DkCase) kase = make_case (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY,
                                      DK_CASE_STATUS_CLOSED);

  kase->closed_at = NOW - DAY;
  g_assert_true (dk_rules_case_is_archived (kase, NOW));
  kase->closed_at = NOW - 400 * DAY;
  g_assert_true (dk_rules_case_is_archived (kase, NOW));
}

static void
test_archive_not_before_24_hours (void)
{
  g_autoptr(DkCase) kase = make_case (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY,
                                      DK_CASE_STATUS_CLOSED);

  kase->closed_at = NOW - DAY + 1;
  g_assert_false (dk_rules_case_is_archived (kase, NOW));
  kase->closed_at = NOW;
  g_assert_false (dk_rules_case_is_archived (kase, NOW));
}

static void
test_archive_never_while_open (void)
{
  g_autoptr(DkCase) kase = make_case (DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY,
                                      DK_CASE_STATUS_ONGOING);

  kase->start = NOW - 100 * DAY;
  g_assert_false (dk_rules_case_is_archived (kase, NOW));
  kase->status = DK_CASE_STATUS_CLOSED;
  kase->closed_at = DK_TIME_UNSET;
  g_assert_false (dk_rules_case_is_archived (kase, NOW));
}

/* ---- lead time ---- */

static void
test_lead_time_it_needs_seven_days (void)
{
  g_assert_cmpint (dk_rules_planned_status (DK_AREA_IT_TELEPHONY, NOW + 7 * DAY, NOW), ==,
                   DK_CASE_STATUS_PLANNED);
  g_assert_cmpint (dk_rules_planned_status (DK_AREA_IT_TELEPHONY, NOW + 30 * DAY, NOW), ==,
                   DK_CASE_STATUS_PLANNED);
  g_assert_cmpint (dk_rules_planned_status (DK_AREA_IT_TELEPHONY, NOW + 7 * DAY - 1, NOW), ==,
                   DK_CASE_STATUS_URGENT_PLANNED);
  g_assert_cmpint (dk_rules_planned_status (DK_AREA_IT_TELEPHONY, NOW + HOUR, NOW), ==,
                   DK_CASE_STATUS_URGENT_PLANNED);
  g_assert_cmpint (dk_rules_planned_status (DK_AREA_IT_TELEPHONY, NOW - HOUR, NOW), ==,
                   DK_CASE_STATUS_URGENT_PLANNED);
}

static void
test_lead_time_other_areas_are_always_planned (void)
{
  g_assert_cmpint (dk_rules_planned_status (DK_AREA_LAB_MEDICINE, NOW + HOUR, NOW), ==,
                   DK_CASE_STATUS_PLANNED);
  g_assert_cmpint (dk_rules_planned_status (DK_AREA_FACILITIES, NOW + HOUR, NOW), ==,
                   DK_CASE_STATUS_PLANNED);
}

static void
test_lead_time_check_refuses_planned_it_without_notice (void)
{
  g_autoptr(DkCase) kase = make_case (DK_CASE_KIND_PLANNED, DK_AREA_IT_TELEPHONY,
                                      DK_CASE_STATUS_PLANNED);
  g_autoptr(GError) error = NULL;

  kase->start = NOW + 2 * DAY;
  g_assert_false (dk_rules_check_lead_time (kase, NOW, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Urgently planned"));
  g_clear_error (&error);

  /* Urgently planned is exactly what short notice is for. */
  kase->status = DK_CASE_STATUS_URGENT_PLANNED;
  g_assert_true (dk_rules_check_lead_time (kase, NOW, &error));
  g_assert_no_error (error);

  kase->status = DK_CASE_STATUS_PLANNED;
  kase->start = NOW + 8 * DAY;
  g_assert_true (dk_rules_check_lead_time (kase, NOW, &error));
  g_assert_no_error (error);

  /* Facilities need no lead time; incidents are not planned at all. */
  kase->start = NOW + HOUR;
  kase->area = DK_AREA_FACILITIES;
  g_assert_true (dk_rules_check_lead_time (kase, NOW, &error));
  kase->area = DK_AREA_IT_TELEPHONY;
  kase->kind = DK_CASE_KIND_INCIDENT;
  kase->status = DK_CASE_STATUS_ONGOING;
  g_assert_true (dk_rules_check_lead_time (kase, NOW, &error));
  g_assert_no_error (error);
}

/* ---- publishing ---- */

static DkRole
expected_publisher (DkCaseKind kind,
                    DkArea     area)
{
  if (kind == DK_CASE_KIND_CRISIS)
    return DK_ROLE_CRISIS_COMMUNICATOR;
  if (kind == DK_CASE_KIND_PLANNED)
    return DK_ROLE_RELEASE_COORDINATOR;
  if (area == DK_AREA_IT_TELEPHONY)
    return DK_ROLE_SERVICEDESK;
  if (area == DK_AREA_LAB_MEDICINE)
    return DK_ROLE_LAB_COMMUNICATOR;
  return DK_ROLE_CUSTOMER_CENTER;
}

static void
test_publish_matrix_of_every_role_kind_and_area (void)
{
  for (guint bit = 0; bit < 8; bit++)
    for (guint kind = 0; kind <= DK_CASE_KIND_LAST; kind++)
      for (guint area = 0; area <= DK_AREA_LAST; area++)
        {
          DkRole role = 1u << bit;
          DkRole needed = expected_publisher (kind, area);
          g_autoptr(GError) error = NULL;
          gboolean may = dk_rules_check_may_publish (role, kind, area, &error);

          if (role == needed)
            {
              g_assert_true (may);
              g_assert_no_error (error);
            }
          else
            {
              g_assert_false (may);
              g_assert_error (error, DK_ERROR, DK_ERROR_FORBIDDEN);
              /* The message names the role that would be needed. */
              g_assert_nonnull (strstr (error->message, dk_role_label (needed)));
            }
        }
}

static void
test_publish_lab_communicator_cannot_publish_it (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (dk_rules_check_may_publish (DK_ROLE_STAFF | DK_ROLE_LAB_COMMUNICATOR,
                                              DK_CASE_KIND_INCIDENT, DK_AREA_IT_TELEPHONY,
                                              &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_FORBIDDEN);
  g_assert_cmpstr (error->message, ==,
                   "Publishing “Incident” in “IT/Telephony” needs the role “Service desk”");
  g_clear_error (&error);

  g_assert_true (dk_rules_check_may_publish (DK_ROLE_STAFF | DK_ROLE_LAB_COMMUNICATOR,
                                             DK_CASE_KIND_INCIDENT, DK_AREA_LAB_MEDICINE,
                                             &error));
  g_assert_no_error (error);
}

static void
test_publish_admin_is_not_a_publisher (void)
{
  g_autoptr(GError) error = NULL;

  for (guint kind = 0; kind <= DK_CASE_KIND_LAST; kind++)
    for (guint area = 0; area <= DK_AREA_LAST; area++)
      {
        g_assert_false (dk_rules_check_may_publish (DK_ROLE_ADMIN | DK_ROLE_STAFF |
                                                    DK_ROLE_ROUTINE_OWNER, kind, area, &error));
        g_assert_error (error, DK_ERROR, DK_ERROR_FORBIDDEN);
        g_clear_error (&error);
      }

  /* Someone holding every role may publish everything. */
  for (guint kind = 0; kind <= DK_CASE_KIND_LAST; kind++)
    for (guint area = 0; area <= DK_AREA_LAST; area++)
      g_assert_true (dk_rules_check_may_publish (DK_ROLE_ALL, kind, area, NULL));
}

static void
test_publish_crisis_needs_crisis_communicator (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (dk_rules_check_may_publish (DK_ROLE_SERVICEDESK, DK_CASE_KIND_CRISIS,
                                              DK_AREA_IT_TELEPHONY, &error));
  g_assert_cmpstr (error->message, ==,
                   "Publishing “Crisis information” needs the role “Crisis communicator”");
}

static void
test_routines_and_admin_need_their_roles (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dk_rules_check_may_edit_routines (DK_ROLE_ROUTINE_OWNER, &error));
  g_assert_no_error (error);
  g_assert_false (dk_rules_check_may_edit_routines (DK_ROLE_ADMIN | DK_ROLE_SERVICEDESK, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "Routine owner"));
  g_clear_error (&error);

  g_assert_true (dk_rules_check_may_admin (DK_ROLE_ADMIN | DK_ROLE_STAFF, &error));
  g_assert_no_error (error);
  g_assert_false (dk_rules_check_may_admin (DK_ROLE_ALL & ~DK_ROLE_ADMIN, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "Administrator"));
}

/* ---- statuses and transitions ---- */

static void
test_status_for_kind (void)
{
  static const struct {
    DkCaseKind   kind;
    DkCaseStatus status;
    gboolean     allowed;
  } table[] = {
    { DK_CASE_KIND_INCIDENT, DK_CASE_STATUS_ONGOING, TRUE },
    { DK_CASE_KIND_INCIDENT, DK_CASE_STATUS_CLOSED, TRUE },
    { DK_CASE_KIND_INCIDENT, DK_CASE_STATUS_PLANNED, FALSE },
    { DK_CASE_KIND_INCIDENT, DK_CASE_STATUS_URGENT_PLANNED, FALSE },
    { DK_CASE_KIND_CRISIS, DK_CASE_STATUS_ONGOING, TRUE },
    { DK_CASE_KIND_CRISIS, DK_CASE_STATUS_CLOSED, TRUE },
    { DK_CASE_KIND_CRISIS, DK_CASE_STATUS_PLANNED, FALSE },
    { DK_CASE_KIND_CRISIS, DK_CASE_STATUS_URGENT_PLANNED, FALSE },
    { DK_CASE_KIND_PLANNED, DK_CASE_STATUS_ONGOING, TRUE },
    { DK_CASE_KIND_PLANNED, DK_CASE_STATUS_CLOSED, TRUE },
    { DK_CASE_KIND_PLANNED, DK_CASE_STATUS_PLANNED, TRUE },
    { DK_CASE_KIND_PLANNED, DK_CASE_STATUS_URGENT_PLANNED, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = dk_rules_check_status_for_kind (table[i].kind, table[i].status, &error);

      g_assert_cmpint (ok, ==, table[i].allowed);
      if (ok)
        g_assert_no_error (error);
      else
        g_assert_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION);
    }
}

static void
test_transitions_table (void)
{
  enum { O = DK_CASE_STATUS_ONGOING, C = DK_CASE_STATUS_CLOSED,
         P = DK_CASE_STATUS_PLANNED, U = DK_CASE_STATUS_URGENT_PLANNED };
  /* allowed[from][to] */
  static const gboolean allowed[4][4] = {
    [O] = { [O] = TRUE,  [C] = TRUE,  [P] = FALSE, [U] = FALSE },
    [C] = { [O] = FALSE, [C] = TRUE,  [P] = FALSE, [U] = FALSE },
    [P] = { [O] = TRUE,  [C] = TRUE,  [P] = TRUE,  [U] = TRUE },
    [U] = { [O] = TRUE,  [C] = TRUE,  [P] = TRUE,  [U] = TRUE },
  };

  for (guint from = 0; from < 4; from++)
    for (guint to = 0; to < 4; to++)
      {
        g_autoptr(GError) error = NULL;
        gboolean ok = dk_rules_check_transition (from, to, &error);

        if (ok != allowed[from][to])
          g_error ("%s → %s: expected %s", dk_case_status_to_string (from),
                   dk_case_status_to_string (to), allowed[from][to] ? "allowed" : "refused");
        if (ok)
          g_assert_no_error (error);
        else
          g_assert_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION);
      }
}

static void
test_transitions_closed_stays_closed (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (dk_rules_check_transition (DK_CASE_STATUS_CLOSED, DK_CASE_STATUS_ONGOING,
                                             &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION);
  g_assert_cmpstr (error->message, ==, "The case is closed and stays closed");
}

/* ---- priority ---- */

static void
test_priority_matrix_high_high_is_1 (void)
{
  g_assert_cmpint (dk_priority_from_matrix (DK_LEVEL_HIGH, DK_LEVEL_HIGH), ==, 1);
}

static void
test_priority_matrix_every_cell (void)
{
  static const int expected[3][3] = {
    { 1, 2, 3 },
    { 2, 3, 4 },
    { 3, 4, 5 },
  };

  for (DkLevel impact = DK_LEVEL_HIGH; impact <= DK_LEVEL_LOW; impact++)
    for (DkLevel urgency = DK_LEVEL_HIGH; urgency <= DK_LEVEL_LOW; urgency++)
      g_assert_cmpint (dk_priority_from_matrix (impact, urgency), ==,
                       expected[impact - 1][urgency - 1]);
}

static void
test_priority_1_and_2_are_major (void)
{
  g_assert_true (dk_priority_is_major (1));
  g_assert_true (dk_priority_is_major (2));
  g_assert_false (dk_priority_is_major (3));
  g_assert_false (dk_priority_is_major (5));
  g_assert_false (dk_priority_is_major (0));
  g_assert_false (dk_priority_is_major (-1));
}

static void
test_priority_valid_and_labels (void)
{
  g_autoptr(GHashTable) labels = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_false (dk_priority_is_valid (0));
  g_assert_false (dk_priority_is_valid (6));
  for (int p = DK_PRIORITY_HIGHEST; p <= DK_PRIORITY_LOWEST; p++)
    {
      g_assert_true (dk_priority_is_valid (p));
      g_assert_nonnull (dk_priority_label (p));
      g_assert_true (g_hash_table_add (labels, (gpointer) dk_priority_label (p)));
    }
  g_assert_true (g_str_has_prefix (dk_priority_label (1), "All or a vital part"));
  g_assert_cmpstr (dk_priority_label (5), ==, "Service request");
}

/* ---- routines ---- */

static void
test_routine_conditions_well_formed (void)
{
  static const char *good[] = {
    "outage_over:10h", "outage_up_to:10h", "outage_over:1h", "outage_up_to:1000h",
  };
  static const char *bad[] = {
    "", "outage_over", "outage_over:", "outage_over:h", "outage_over:10", "outage_over:0h",
    "outage_over:1001h", "outage_over:-1h", "outage_over:+1h", "outage_over:010h",
    "outage_over:1.5h", "outage_over:10m", "outage_over: 10h", "outage_over:10h ",
    "outage_under:10h", "OUTAGE_OVER:10h", "outage_over:99999999999999999999h",
  };
  g_autoptr(GError) error = NULL;

  g_assert_true (dk_routine_condition_validate (NULL, &error));
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_assert_true (dk_routine_condition_validate (good[i], &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      if (dk_routine_condition_validate (bad[i], &error))
        g_error ("“%s” should be refused", bad[i]);
      g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "condition: "));
      g_clear_error (&error);
    }
}

static void
test_routine_step_applies_by_outage_length (void)
{
  g_autoptr(DkRoutineStep) step = dk_routine_step_new ();

  /* No condition: always. */
  g_assert_true (dk_routine_step_applies (step, 0));
  g_assert_true (dk_routine_step_applies (step, 100 * HOUR));

  step->condition = g_strdup ("outage_over:10h");
  g_assert_false (dk_routine_step_applies (step, 10 * HOUR));
  g_assert_true (dk_routine_step_applies (step, 10 * HOUR + 1));
  g_assert_false (dk_routine_step_applies (step, 0));

  g_free (step->condition);
  step->condition = g_strdup ("outage_up_to:10h");
  g_assert_true (dk_routine_step_applies (step, 10 * HOUR));
  g_assert_true (dk_routine_step_applies (step, 0));
  g_assert_false (dk_routine_step_applies (step, 10 * HOUR + 1));
}

static void
test_routine_expiry (void)
{
  g_autoptr(DkRoutine) routine = dk_routine_new ();

  g_assert_false (dk_rules_routine_is_expired (routine, NOW));
  g_assert_false (dk_rules_routine_expires_soon (routine, NOW));

  routine->valid_until = NOW + 31 * DAY;
  g_assert_false (dk_rules_routine_is_expired (routine, NOW));
  g_assert_false (dk_rules_routine_expires_soon (routine, NOW));

  routine->valid_until = NOW + 30 * DAY;
  g_assert_false (dk_rules_routine_is_expired (routine, NOW));
  g_assert_true (dk_rules_routine_expires_soon (routine, NOW));

  routine->valid_until = NOW + 1;
  g_assert_true (dk_rules_routine_expires_soon (routine, NOW));

  routine->valid_until = NOW;
  g_assert_true (dk_rules_routine_is_expired (routine, NOW));
  g_assert_false (dk_rules_routine_expires_soon (routine, NOW));

  routine->valid_until = NOW - DAY;
  g_assert_true (dk_rules_routine_is_expired (routine, NOW));
}

/* ---- subscriptions ---- */

static void
test_subscription_default (void)
{
  g_autoptr(DkSubscription) sub = dk_subscription_new_default ("anna.svensson");

  g_assert_cmpstr (sub->id, ==, "sub:anna.svensson");
  g_assert_cmpstr (sub->user, ==, "anna.svensson");
  g_assert_cmpuint (sub->areas->len, ==, 0);
  g_assert_cmpuint (sub->services->len, ==, 0);
  g_assert_cmpuint (sub->kinds->len, ==, 0);
  g_assert_cmpint (sub->min_priority, ==, 2);
  g_assert_false (sub->major_only);
  g_assert_true (sub->all_crisis);
  g_assert_true (sub->notify);
  g_assert_cmpint (sub->revision, ==, 0);
  g_assert_true (dk_subscription_validate (sub, NULL));
}

static void
test_subscription_default_follows_major_and_crisis (void)
{
  g_autoptr(DkSubscription) sub = dk_subscription_new_default ("anna");

  for (guint kind = 0; kind <= DK_CASE_KIND_LAST; kind++)
    for (guint area = 0; area <= DK_AREA_LAST; area++)
      for (int priority = 1; priority <= 5; priority++)
        {
          g_autoptr(DkCase) kase = make_case (kind, area, DK_CASE_STATUS_ONGOING);

          kase->priority = priority;
          g_assert_cmpint (dk_subscription_matches (sub, kase), ==,
                           kind == DK_CASE_KIND_CRISIS || priority <= 2);
        }
}

static void
test_subscription_filters (void)
{
  g_autoptr(DkSubscription) sub = dk_subscription_new_default ("anna");
  g_autoptr(DkCase) kase = make_case (DK_CASE_KIND_INCIDENT, DK_AREA_LAB_MEDICINE,
                                      DK_CASE_STATUS_ONGOING);

  sub->min_priority = 5;
  kase->priority = 4;
  g_assert_true (dk_subscription_matches (sub, kase));

  g_ptr_array_add (sub->areas, g_strdup ("it_telephony"));
  g_assert_false (dk_subscription_matches (sub, kase));
  g_ptr_array_add (sub->areas, g_strdup ("lab_medicine"));
  g_assert_true (dk_subscription_matches (sub, kase));

  /* The service filter passes when any of the case's services is followed. */
  g_ptr_array_add (sub->services, g_strdup ("klinisk-kemi"));
  g_assert_false (dk_subscription_matches (sub, kase));
  g_ptr_array_add (kase->services, g_strdup ("klinisk-kemi"));
  g_assert_true (dk_subscription_matches (sub, kase));

  g_ptr_array_add (sub->kinds, g_strdup ("planned"));
  g_assert_false (dk_subscription_matches (sub, kase));
  g_ptr_array_add (sub->kinds, g_strdup ("incident"));
  g_assert_true (dk_subscription_matches (sub, kase));

  sub->min_priority = 3;
  g_assert_false (dk_subscription_matches (sub, kase));
  kase->priority = 3;
  g_assert_true (dk_subscription_matches (sub, kase));

  sub->major_only = TRUE;
  g_assert_false (dk_subscription_matches (sub, kase));
  kase->major = TRUE;
  g_assert_true (dk_subscription_matches (sub, kase));
}

static void
test_subscription_all_crisis_overrides_filters (void)
{
  g_autoptr(DkSubscription) sub = dk_subscription_new_default ("anna");
  g_autoptr(DkCase) crisis = make_case (DK_CASE_KIND_CRISIS, DK_AREA_FACILITIES,
                                        DK_CASE_STATUS_ONGOING);

  g_ptr_array_add (sub->areas, g_strdup ("it_telephony"));
  g_ptr_array_add (sub->kinds, g_strdup ("incident"));
  sub->min_priority = 1;
  sub->major_only = TRUE;
  crisis->priority = 5;
  g_assert_true (dk_subscription_matches (sub, crisis));

  sub->all_crisis = FALSE;
  g_assert_false (dk_subscription_matches (sub, crisis));
}

/* ---- report handlers, publishers ---- */

static void
test_may_publish_any (void)
{
  static const DkRole publishers[] = {
    DK_ROLE_SERVICEDESK, DK_ROLE_CUSTOMER_CENTER, DK_ROLE_LAB_COMMUNICATOR,
    DK_ROLE_CRISIS_COMMUNICATOR, DK_ROLE_RELEASE_COORDINATOR,
  };

  for (guint i = 0; i < G_N_ELEMENTS (publishers); i++)
    g_assert_true (dk_rules_may_publish_any (publishers[i] | DK_ROLE_STAFF));
  g_assert_false (dk_rules_may_publish_any (DK_ROLE_STAFF));
  g_assert_false (dk_rules_may_publish_any (DK_ROLE_ADMIN | DK_ROLE_ROUTINE_OWNER));
  g_assert_false (dk_rules_may_publish_any (0));
}

static void
test_may_handle_reports (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dk_rules_check_may_handle_reports (DK_ROLE_SERVICEDESK, NULL));
  g_assert_true (dk_rules_check_may_handle_reports (DK_ROLE_CUSTOMER_CENTER, NULL));
  g_assert_true (dk_rules_check_may_handle_reports (DK_ROLE_LAB_COMMUNICATOR | DK_ROLE_STAFF,
                                                    NULL));
  g_assert_false (dk_rules_check_may_handle_reports (DK_ROLE_STAFF, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_false (dk_rules_check_may_handle_reports (DK_ROLE_CRISIS_COMMUNICATOR |
                                                     DK_ROLE_RELEASE_COORDINATOR |
                                                     DK_ROLE_ADMIN, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_FORBIDDEN);
}

static void
test_report_inbox_areas (void)
{
  g_assert_cmpuint (dk_rules_report_inbox_areas (DK_ROLE_SERVICEDESK), ==,
                    1u << DK_AREA_IT_TELEPHONY);
  g_assert_cmpuint (dk_rules_report_inbox_areas (DK_ROLE_CUSTOMER_CENTER), ==,
                    1u << DK_AREA_FACILITIES);
  g_assert_cmpuint (dk_rules_report_inbox_areas (DK_ROLE_LAB_COMMUNICATOR), ==,
                    1u << DK_AREA_LAB_MEDICINE);
  g_assert_cmpuint (dk_rules_report_inbox_areas (DK_ROLE_SERVICEDESK | DK_ROLE_LAB_COMMUNICATOR),
                    ==, (1u << DK_AREA_IT_TELEPHONY) | (1u << DK_AREA_LAB_MEDICINE));
  g_assert_cmpuint (dk_rules_report_inbox_areas (DK_ROLE_STAFF | DK_ROLE_CRISIS_COMMUNICATOR |
                                                 DK_ROLE_ADMIN), ==, 0);
}

/* ---- a case's reserve routine and affected units ---- */

static DkCaseReserveEvent *
add_reserve_event (DkCase     *kase,
                   gboolean    declared,
                   gboolean    all_units,
                   const char *unit)
{
  DkCaseReserveEvent *event = dk_case_reserve_event_new ();

  event->at = NOW + kase->reserve->len * 60;
  event->declared = declared;
  event->all_units = all_units;
  if (unit != NULL)
    g_ptr_array_add (event->units, g_strdup (unit));
  g_ptr_array_add (kase->reserve, event);
  return event;
}

static void
test_reserve_in_force (void)
{
  g_autoptr(DkCase) kase = dk_case_new ();
  DkCaseReserveEvent *event;

  g_assert_null (dk_case_get_reserve_in_force (kase));
  g_assert_false (dk_case_reserve_applies_to (kase, "Avd 12"));

  event = add_reserve_event (kase, TRUE, FALSE, "Avd 12");
  g_assert_true (dk_case_get_reserve_in_force (kase) == event);
  g_assert_true (dk_case_reserve_applies_to (kase, "Avd 12"));
  g_assert_true (dk_case_reserve_applies_to (kase, "AVD 12"));
  g_assert_false (dk_case_reserve_applies_to (kase, "Avd 13"));
  g_assert_false (dk_case_reserve_applies_to (kase, NULL));

  add_reserve_event (kase, FALSE, FALSE, NULL);
  g_assert_null (dk_case_get_reserve_in_force (kase));
  g_assert_false (dk_case_reserve_applies_to (kase, "Avd 12"));

  event = add_reserve_event (kase, TRUE, TRUE, NULL);
  g_assert_true (dk_case_get_reserve_in_force (kase) == event);
  g_assert_true (dk_case_reserve_applies_to (kase, "Avd 13"));
  g_assert_true (dk_case_reserve_applies_to (kase, NULL));
}

static void
test_affected_units (void)
{
  g_autoptr(DkCase) kase = dk_case_new ();
  DkCaseAffected *affected = dk_case_affected_new ();

  g_assert_false (dk_case_has_affected_unit (kase, "Avd 12"));
  affected->unit = g_strdup ("Avd 12, Ålesund");
  affected->at = NOW;
  affected->by = g_strdup ("staff");
  g_ptr_array_add (kase->affected, affected);
  g_assert_true (dk_case_has_affected_unit (kase, "Avd 12, Ålesund"));
  g_assert_true (dk_case_has_affected_unit (kase, "avd 12, ålesund"));
  g_assert_false (dk_case_has_affected_unit (kase, "Avd 12"));
  g_assert_false (dk_case_has_affected_unit (kase, NULL));

  g_assert_false (dk_case_has_report (kase, "r1"));
  g_ptr_array_add (kase->reports, g_strdup ("r1"));
  g_assert_true (dk_case_has_report (kase, "r1"));
  g_assert_false (dk_case_has_report (kase, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rules/archive/after-24-hours", test_archive_after_24_hours);
  g_test_add_func ("/rules/archive/not-before-24-hours", test_archive_not_before_24_hours);
  g_test_add_func ("/rules/archive/never-while-open", test_archive_never_while_open);
  g_test_add_func ("/rules/lead-time/it-needs-seven-days", test_lead_time_it_needs_seven_days);
  g_test_add_func ("/rules/lead-time/other-areas-are-always-planned",
                   test_lead_time_other_areas_are_always_planned);
  g_test_add_func ("/rules/lead-time/check-refuses-planned-it-without-notice",
                   test_lead_time_check_refuses_planned_it_without_notice);
  g_test_add_func ("/rules/publish/matrix-of-every-role-kind-and-area",
                   test_publish_matrix_of_every_role_kind_and_area);
  g_test_add_func ("/rules/publish/lab-communicator/cannot-publish-it",
                   test_publish_lab_communicator_cannot_publish_it);
  g_test_add_func ("/rules/publish/admin-is-not-a-publisher", test_publish_admin_is_not_a_publisher);
  g_test_add_func ("/rules/publish/crisis-needs-crisis-communicator",
                   test_publish_crisis_needs_crisis_communicator);
  g_test_add_func ("/rules/roles/routines-and-admin-need-their-roles",
                   test_routines_and_admin_need_their_roles);
  g_test_add_func ("/rules/publish/any-publishing-role", test_may_publish_any);
  g_test_add_func ("/rules/reports/handlers-are-servicedesk-customer-center-lab",
                   test_may_handle_reports);
  g_test_add_func ("/rules/reports/inbox-areas-follow-the-roles", test_report_inbox_areas);
  g_test_add_func ("/case/reserve/in-force-until-lifted", test_reserve_in_force);
  g_test_add_func ("/case/affected/once-per-unit-ignoring-case", test_affected_units);
  g_test_add_func ("/rules/status/allowed-for-each-kind", test_status_for_kind);
  g_test_add_func ("/rules/transitions/every-pair", test_transitions_table);
  g_test_add_func ("/rules/transitions/closed-stays-closed", test_transitions_closed_stays_closed);
  g_test_add_func ("/priority/matrix/high-high-is-1", test_priority_matrix_high_high_is_1);
  g_test_add_func ("/priority/matrix/every-cell", test_priority_matrix_every_cell);
  g_test_add_func ("/priority/major/1-and-2-only", test_priority_1_and_2_are_major);
  g_test_add_func ("/priority/labels/one-per-valid-priority", test_priority_valid_and_labels);
  g_test_add_func ("/routine/conditions/are-well-formed", test_routine_conditions_well_formed);
  g_test_add_func ("/routine/steps/apply-by-outage-length",
                   test_routine_step_applies_by_outage_length);
  g_test_add_func ("/rules/routines/expired-and-expiring-soon", test_routine_expiry);
  g_test_add_func ("/subscription/default/is-major-and-crisis", test_subscription_default);
  g_test_add_func ("/subscription/default/follows-priority-1-2-and-every-crisis",
                   test_subscription_default_follows_major_and_crisis);
  g_test_add_func ("/subscription/matches/through-every-filter", test_subscription_filters);
  g_test_add_func ("/subscription/matches/all-crisis-overrides-filters",
                   test_subscription_all_crisis_overrides_filters);

  return g_test_run ();
}
