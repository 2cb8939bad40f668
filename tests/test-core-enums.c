/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-core-enums.c: wire names and labels of the enums, errors, times, slugs, boxed types */

#include "config.h"

#include <string.h>

#include "dk-core.h"

/* Checks that every value 0..last has a distinct wire name that reads back, and a label. */
#define CHECK_ENUM(TypeName, prefix, last)                                     \
  G_STMT_START {                                                               \
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);  \
    for (guint v = 0; v <= (guint) (last); v++)                                \
      {                                                                        \
        const char *name = prefix##_to_string ((TypeName) v);                  \
        const char *label = prefix##_label ((TypeName) v);                     \
        TypeName back = (TypeName) 99;                                         \
        g_assert_nonnull (name);                                               \
        g_assert_true (g_hash_table_add (seen, (gpointer) name));              \
        g_assert_true (prefix##_from_string (name, &back));                    \
        g_assert_cmpint (back, ==, v);                                         \
        g_assert_nonnull (label);                                              \
        g_assert_cmpstr (label, !=, "");                                       \
        g_assert_cmpstr (label, !=, name);                                     \
      }                                                                        \
    {                                                                          \
      TypeName untouched = (TypeName) 77;                                      \
      g_assert_false (prefix##_from_string (NULL, &untouched));                \
      g_assert_false (prefix##_from_string ("", &untouched));                  \
      g_assert_false (prefix##_from_string ("no_such_name", &untouched));      \
      g_assert_cmpint (untouched, ==, 77);                                     \
    }                                                                          \
  } G_STMT_END

static void
test_enums_every_value_round_trips (void)
{
  CHECK_ENUM (DkCaseKind, dk_case_kind, DK_CASE_KIND_LAST);
  CHECK_ENUM (DkArea, dk_area, DK_AREA_LAST);
  CHECK_ENUM (DkCaseStatus, dk_case_status, DK_CASE_STATUS_LAST);
  CHECK_ENUM (DkUpdatePhrase, dk_update_phrase, DK_UPDATE_PHRASE_LAST);
  CHECK_ENUM (DkRoutinePhase, dk_routine_phase, DK_ROUTINE_PHASE_LAST);
  CHECK_ENUM (DkReportKind, dk_report_kind, DK_REPORT_KIND_LAST);
  CHECK_ENUM (DkReportState, dk_report_state, DK_REPORT_STATE_LAST);
}

static void
test_enums_wire_names_are_the_contract (void)
{
  g_assert_cmpstr (dk_case_kind_to_string (DK_CASE_KIND_INCIDENT), ==, "incident");
  g_assert_cmpstr (dk_case_kind_to_string (DK_CASE_KIND_PLANNED), ==, "planned");
  g_assert_cmpstr (dk_case_kind_to_string (DK_CASE_KIND_CRISIS), ==, "crisis");
  g_assert_cmpstr (dk_area_to_string (DK_AREA_IT_TELEPHONY), ==, "it_telephony");
  g_assert_cmpstr (dk_area_to_string (DK_AREA_LAB_MEDICINE), ==, "lab_medicine");
  g_assert_cmpstr (dk_area_to_string (DK_AREA_FACILITIES), ==, "facilities");
  g_assert_cmpstr (dk_case_status_to_string (DK_CASE_STATUS_ONGOING), ==, "ongoing");
  g_assert_cmpstr (dk_case_status_to_string (DK_CASE_STATUS_CLOSED), ==, "closed");
  g_assert_cmpstr (dk_case_status_to_string (DK_CASE_STATUS_PLANNED), ==, "planned");
  g_assert_cmpstr (dk_case_status_to_string (DK_CASE_STATUS_URGENT_PLANNED), ==, "urgent_planned");
  g_assert_cmpstr (dk_update_phrase_to_string (DK_UPDATE_PHRASE_IDENTIFIED), ==, "identified");
  g_assert_cmpstr (dk_update_phrase_to_string (DK_UPDATE_PHRASE_TROUBLESHOOTING), ==,
                   "troubleshooting");
  g_assert_cmpstr (dk_update_phrase_to_string (DK_UPDATE_PHRASE_FIX_DEPLOYING), ==,
                   "fix_deploying");
  g_assert_cmpstr (dk_update_phrase_to_string (DK_UPDATE_PHRASE_MONITORING), ==, "monitoring");
  g_assert_cmpstr (dk_update_phrase_to_string (DK_UPDATE_PHRASE_FIXED_AWAITING_VERIFICATION),
                   ==, "fixed_awaiting_verification");
  g_assert_cmpstr (dk_update_phrase_to_string (DK_UPDATE_PHRASE_RESOLVED), ==, "resolved");
  g_assert_cmpstr (dk_routine_phase_to_string (DK_ROUTINE_PHASE_BEFORE), ==, "before");
  g_assert_cmpstr (dk_routine_phase_to_string (DK_ROUTINE_PHASE_DURING), ==, "during");
  g_assert_cmpstr (dk_routine_phase_to_string (DK_ROUTINE_PHASE_AFTER), ==, "after");
  g_assert_cmpstr (dk_report_kind_to_string (DK_REPORT_KIND_FAULT), ==, "fault");
  g_assert_cmpstr (dk_report_kind_to_string (DK_REPORT_KIND_URGENT), ==, "urgent");
  g_assert_cmpstr (dk_report_state_to_string (DK_REPORT_STATE_NEW), ==, "new");
  g_assert_cmpstr (dk_report_state_to_string (DK_REPORT_STATE_LINKED), ==, "linked");
}

static void
test_enums_from_string_is_case_sensitive (void)
{
  DkCaseKind kind = DK_CASE_KIND_CRISIS;
  DkArea area = DK_AREA_FACILITIES;

  g_assert_false (dk_case_kind_from_string ("Incident", &kind));
  g_assert_false (dk_case_kind_from_string (" incident", &kind));
  g_assert_false (dk_case_kind_from_string ("incident ", &kind));
  g_assert_cmpint (kind, ==, DK_CASE_KIND_CRISIS);
  g_assert_false (dk_area_from_string ("IT_TELEPHONY", &area));
  g_assert_true (dk_area_from_string ("it_telephony", &area));
  g_assert_cmpint (area, ==, DK_AREA_IT_TELEPHONY);
}

static void
test_enums_labels_are_english_source_strings (void)
{
  /* The tests run in the C locale: labels are the English msgids. */
  g_assert_cmpstr (dk_case_kind_label (DK_CASE_KIND_INCIDENT), ==, "Incident");
  g_assert_cmpstr (dk_case_kind_label (DK_CASE_KIND_PLANNED), ==, "Planned action");
  g_assert_cmpstr (dk_case_kind_label (DK_CASE_KIND_CRISIS), ==, "Crisis information");
  g_assert_cmpstr (dk_area_label (DK_AREA_IT_TELEPHONY), ==, "IT/Telephony");
  g_assert_cmpstr (dk_area_label (DK_AREA_LAB_MEDICINE), ==, "Laboratory medicine");
  g_assert_cmpstr (dk_area_label (DK_AREA_FACILITIES), ==, "Facilities/Service deliveries");
  g_assert_cmpstr (dk_case_status_label (DK_CASE_STATUS_ONGOING), ==, "Ongoing");
  g_assert_cmpstr (dk_case_status_label (DK_CASE_STATUS_CLOSED), ==, "Closed");
  g_assert_cmpstr (dk_case_status_label (DK_CASE_STATUS_PLANNED), ==, "Planned");
  g_assert_cmpstr (dk_case_status_label (DK_CASE_STATUS_URGENT_PLANNED), ==, "Urgently planned");
  g_assert_cmpstr (dk_routine_phase_label (DK_ROUTINE_PHASE_BEFORE), ==, "Before the outage");
  g_assert_cmpstr (dk_routine_phase_label (DK_ROUTINE_PHASE_DURING), ==, "During the outage");
  g_assert_cmpstr (dk_routine_phase_label (DK_ROUTINE_PHASE_AFTER), ==, "After the outage");
  g_assert_cmpstr (dk_report_kind_label (DK_REPORT_KIND_FAULT), ==, "Fault report");
  g_assert_cmpstr (dk_report_kind_label (DK_REPORT_KIND_URGENT), ==, "Urgent case");
  g_assert_cmpstr (dk_report_state_label (DK_REPORT_STATE_CLOSED), ==, "Closed");
  g_assert_cmpstr (dk_role_label (DK_ROLE_LAB_COMMUNICATOR), ==, "Lab communicator");
}

static void
test_enums_update_phrases_are_all_distinct (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint v = 0; v <= DK_UPDATE_PHRASE_LAST; v++)
    g_assert_true (g_hash_table_add (seen, (gpointer) dk_update_phrase_label (v)));
}

static const struct {
  DkRole      role;
  const char *name;
} roles[] = {
  { DK_ROLE_STAFF, "staff" },
  { DK_ROLE_SERVICEDESK, "servicedesk" },
  { DK_ROLE_CUSTOMER_CENTER, "customer_center" },
  { DK_ROLE_LAB_COMMUNICATOR, "lab_communicator" },
  { DK_ROLE_CRISIS_COMMUNICATOR, "crisis_communicator" },
  { DK_ROLE_RELEASE_COORDINATOR, "release_coordinator" },
  { DK_ROLE_ROUTINE_OWNER, "routine_owner" },
  { DK_ROLE_ADMIN, "admin" },
};

static void
test_roles_each_role_round_trips (void)
{
  g_autoptr(GHashTable) labels = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      DkRole back = 0;

      g_assert_cmpstr (dk_role_to_string (roles[i].role), ==, roles[i].name);
      g_assert_true (dk_role_from_string (roles[i].name, &back));
      g_assert_cmpint (back, ==, roles[i].role);
      g_assert_nonnull (dk_role_label (roles[i].role));
      g_assert_true (g_hash_table_add (labels, (gpointer) dk_role_label (roles[i].role)));
    }
  g_assert_false (dk_role_from_string ("root", &(DkRole) { 0 }));
  g_assert_false (dk_role_from_string (NULL, &(DkRole) { 0 }));
}

static void
test_roles_set_to_strv_in_bit_order (void)
{
  g_auto(GStrv) none = dk_roles_to_strv (0);
  g_auto(GStrv) two = dk_roles_to_strv (DK_ROLE_ADMIN | DK_ROLE_SERVICEDESK);
  g_auto(GStrv) all = dk_roles_to_strv (DK_ROLE_ALL);

  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_assert_cmpuint (g_strv_length (two), ==, 2);
  g_assert_cmpstr (two[0], ==, "servicedesk");
  g_assert_cmpstr (two[1], ==, "admin");
  g_assert_cmpuint (g_strv_length (all), ==, 8);
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    g_assert_cmpstr (all[i], ==, roles[i].name);
}

static void
test_roles_from_comma_separated_list (void)
{
  g_autoptr(GError) error = NULL;
  DkRole set = 0;

  g_assert_true (dk_roles_from_string ("servicedesk,admin", &set, &error));
  g_assert_no_error (error);
  g_assert_cmpint (set, ==, DK_ROLE_SERVICEDESK | DK_ROLE_ADMIN);

  g_assert_true (dk_roles_from_string (" staff , routine_owner ", &set, &error));
  g_assert_no_error (error);
  g_assert_cmpint (set, ==, DK_ROLE_STAFF | DK_ROLE_ROUTINE_OWNER);

  g_assert_true (dk_roles_from_string ("", &set, &error));
  g_assert_no_error (error);
  g_assert_cmpint (set, ==, 0);

  set = DK_ROLE_STAFF;
  g_assert_false (dk_roles_from_string ("servicedesk,wizard", &set, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "wizard"));
  g_assert_cmpint (set, ==, DK_ROLE_STAFF);
  g_clear_error (&error);

  g_assert_false (dk_roles_from_string ("servicedesk,,admin", &set, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
}

static void
test_error_codes_have_wire_names_and_statuses (void)
{
  static const struct {
    DkError     code;
    const char *name;
    guint       status;
  } codes[] = {
    { DK_ERROR_INVALID, "invalid_input", 400 },
    { DK_ERROR_UNAUTHORIZED, "unauthorized", 401 },
    { DK_ERROR_FORBIDDEN, "forbidden", 403 },
    { DK_ERROR_NOT_FOUND, "not_found", 404 },
    { DK_ERROR_CONFLICT, "conflict", 409 },
    { DK_ERROR_INVALID_TRANSITION, "invalid_transition", 409 },
    { DK_ERROR_TOO_LARGE, "too_large", 413 },
    { DK_ERROR_TOO_MANY_REQUESTS, "too_many_requests", 429 },
    { DK_ERROR_UNKNOWN_OPERATION, "unknown_operation", 400 },
    { DK_ERROR_DISABLED, "account_disabled", 403 },
    { DK_ERROR_STORAGE, "storage", 500 },
    { DK_ERROR_FAILED, "failed", 500 },
    { DK_ERROR_DUPLICATE, "duplicate", 409 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_assert_cmpstr (dk_error_code_to_string (codes[i].code), ==, codes[i].name);
      g_assert_cmpuint (dk_error_code_to_http_status (codes[i].code), ==, codes[i].status);
    }
  g_assert_cmpstr (dk_error_code_to_string ((DkError) 1000), ==, "failed");
  g_assert_cmpuint (dk_error_code_to_http_status ((DkError) 1000), ==, 500);
  g_assert_cmpstr (g_quark_to_string (DK_ERROR), ==, "dk-error");
}

static void
check_parse (const char *text,
             gint64      expected)
{
  g_autoptr(GError) error = NULL;
  gint64 t = 0;

  if (!dk_time_parse (text, &t, &error))
    g_error ("“%s” did not parse: %s", text, error->message);
  g_assert_cmpint (t, ==, expected);
}

static void
test_time_parses_rfc3339 (void)
{
  check_parse ("1970-01-01T00:00:00Z", 0);
  check_parse ("2026-11-24T14:05:00Z", 1795529100);
  check_parse ("2026-11-24t14:05:00z", 1795529100);
  check_parse ("2026-11-24T15:05:00+01:00", 1795529100);
  check_parse ("2026-11-24T09:35:00-04:30", 1795529100);
  check_parse ("2026-11-24T14:05:00.999Z", 1795529100);
  check_parse ("2026-11-24T14:05:00.1+00:00", 1795529100);
  check_parse ("2024-02-29T23:59:59Z", 1709251199);
  check_parse ("2000-02-29T00:00:00Z", 951782400);
  check_parse ("1969-12-31T23:59:59Z", -1);
  check_parse ("0001-01-01T00:00:00Z", G_GINT64_CONSTANT (-62135596800));
  check_parse ("9999-12-31T23:59:59Z", G_GINT64_CONSTANT (253402300799));
}

static void
test_time_rejects_what_is_not_rfc3339 (void)
{
  static const char *bad[] = {
    "", "now", "2026-11-24", "2026-11-24T14:05Z", "2026-11-24T14:05:00",
    "2026-11-24 14:05:00Z", "2026-11-24T14:05:00 Z", "2026-11-24T14:05:00Z ",
    " 2026-11-24T14:05:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
    "2026-11-31T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
    "2026-11-24T24:00:00Z", "2026-11-24T23:60:00Z", "2026-11-24T23:59:60Z",
    "2026-11-24T14:05:00.Z", "2026-11-24T14:05:00+0100", "2026-11-24T14:05:00+01",
    "2026-11-24T14:05:00+24:00", "26-11-24T14:05:00Z", "+2026-11-24T14:05:00Z",
    "2026-1-24T14:05:00Z", "2026-11-24T14:05:00ZZ", "0000-01-01T00:00:00Z",
    "2026-W47-2T14:05:00Z", "20261124T140500Z",
    /* an offset that moves the time out of years 1–9999 (found by the fuzzer) */
    "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 t = 42;

      if (dk_time_parse (bad[i], &t, &error))
        g_error ("“%s” should not parse", bad[i]);
      g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
      g_assert_cmpint (t, ==, 42);
    }
}

static void
test_time_formats_as_utc (void)
{
  g_autofree char *epoch = dk_time_format (0);
  g_autofree char *t = dk_time_format (1795529100);
  g_autofree char *before = dk_time_format (-1);

  g_assert_cmpstr (epoch, ==, "1970-01-01T00:00:00Z");
  g_assert_cmpstr (t, ==, "2026-11-24T14:05:00Z");
  g_assert_cmpstr (before, ==, "1969-12-31T23:59:59Z");
  g_assert_null (dk_time_format (DK_TIME_UNSET));
}

static void
test_time_format_agrees_with_gdatetime (void)
{
  GRand *rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < 5000; i++)
    {
      gint64 t = (gint64) g_rand_double_range (rand, -2.0e9, 8.0e9);
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
      g_autofree char *expected = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
      g_autofree char *formatted = dk_time_format (t);
      gint64 back = 0;

      g_assert_cmpstr (formatted, ==, expected);
      g_assert_true (dk_time_parse (formatted, &back, NULL));
      g_assert_cmpint (back, ==, t);
    }
  g_rand_free (rand);
}

static void
test_time_format_local_in_the_zone_of_the_process (void)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (1795529100);
  g_autofree char *expected = g_date_time_format (local, "%Y-%m-%d %H:%M %z");
  g_autofree char *formatted = dk_time_format_local (1795529100, "%Y-%m-%d %H:%M %z");

  g_assert_cmpstr (formatted, ==, expected);
  g_assert_null (dk_time_format_local (DK_TIME_UNSET, "%Y"));
  /* beyond year 9999: GDateTime cannot hold it, nor can a person read it */
  g_assert_null (dk_time_format_local (G_MAXINT64 / 2, "%Y"));
}

static void
test_time_now_is_now (void)
{
  gint64 now = dk_time_now ();

  g_assert_cmpint (ABS (now - g_get_real_time () / G_USEC_PER_SEC), <=, 1);
}

static void
test_service_slug_from_names (void)
{
  static const struct {
    const char *name;
    const char *slug;
  } cases[] = {
    { "TES", "tes" },
    { "Klinisk kemi", "klinisk-kemi" },
    { "Rörpost", "rorpost" },
    { "Värme", "varme" },
    { "Blodcentralen Ängelholm", "blodcentralen-angelholm" },
    { "Sjukehus Ålesund – Røntgen", "sjukehus-alesund-rontgen" },
    { "Bæreevne", "baereevne" },
    { "Café Übersicht", "cafe-ubersicht" },
    { "  IT/Telefoni  ", "it-telefoni" },
    { "Sectra PACS 2.0", "sectra-pacs-2-0" },
    { "a---b___c", "a-b-c" },
    { "Señal", "senal" },
    { "", "service" },
    { "–––", "service" },
    { "日本語", "service" },
    { NULL, "service" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *slug = dk_service_slug_from_name (cases[i].name);

      g_assert_cmpstr (slug, ==, cases[i].slug);
    }
}

static void
test_service_slug_is_at_most_64_characters (void)
{
  g_autofree char *long_name = g_strnfill (100, 'x');
  g_autofree char *slug = dk_service_slug_from_name (long_name);
  g_autofree char *words = NULL;
  g_autofree char *slug2 = NULL;
  GString *s = g_string_new (NULL);

  g_assert_cmpuint (strlen (slug), ==, 64);

  /* A separator that would land at the cut is trimmed, never left dangling. */
  for (guint i = 0; i < 20; i++)
    g_string_append (s, "abc ");
  words = g_string_free (s, FALSE);
  slug2 = dk_service_slug_from_name (words);
  g_assert_cmpuint (strlen (slug2), ==, 63);
  g_assert_false (g_str_has_suffix (slug2, "-"));
  g_assert_false (g_str_has_prefix (slug2, "-"));
}

static void
test_case_new_has_unset_times_and_empty_lists (void)
{
  g_autoptr(DkCase) kase = dk_case_new ();

  g_assert_cmpint (kase->start, ==, DK_TIME_UNSET);
  g_assert_cmpint (kase->expected_end, ==, DK_TIME_UNSET);
  g_assert_cmpint (kase->closed_at, ==, DK_TIME_UNSET);
  g_assert_cmpint (kase->created_at, ==, DK_TIME_UNSET);
  g_assert_cmpuint (kase->services->len, ==, 0);
  g_assert_cmpuint (kase->updates->len, ==, 0);
  g_assert_cmpuint (kase->follow_ups->len, ==, 0);
  g_assert_null (dk_case_get_latest_update (kase));
  g_assert_cmpint (kase->revision, ==, 0);
}

static void
test_case_copy_is_deep (void)
{
  g_autoptr(DkCase) kase = dk_case_new ();
  g_autoptr(DkCase) copy = NULL;
  DkCaseUpdate *update = dk_case_update_new ();
  DkCaseFollowUp *follow_up = dk_case_follow_up_new ();

  kase->id = g_strdup ("0b6c1f4e-8a3d-4c56-9e7f-2d1a5b8c9e0f");
  kase->title = g_strdup ("TES ligger nere");
  g_ptr_array_add (kase->services, g_strdup ("tes"));
  update->text = g_strdup ("Felsökning pågår");
  update->phrase = DK_UPDATE_PHRASE_TROUBLESHOOTING;
  g_ptr_array_add (kase->updates, update);
  follow_up->text = g_strdup ("Utvärdering");
  g_ptr_array_add (kase->follow_ups, follow_up);

  copy = dk_case_copy (kase);
  g_assert_true (copy != kase);
  g_assert_cmpstr (copy->title, ==, kase->title);
  g_assert_true (copy->title != kase->title);
  g_assert_true (copy->services != kase->services);
  g_assert_cmpstr (g_ptr_array_index (copy->services, 0), ==, "tes");
  g_assert_true (g_ptr_array_index (copy->updates, 0) != g_ptr_array_index (kase->updates, 0));
  g_assert_cmpstr (dk_case_get_latest_update (copy)->text, ==, "Felsökning pågår");
  g_assert_cmpint (dk_case_get_latest_update (copy)->phrase, ==, DK_UPDATE_PHRASE_TROUBLESHOOTING);
  g_assert_cmpstr (((DkCaseFollowUp *) g_ptr_array_index (copy->follow_ups, 0))->text, ==,
                   "Utvärdering");

  g_ptr_array_add (kase->updates, dk_case_update_new ());
  g_assert_cmpuint (copy->updates->len, ==, 1);
  g_assert_true (dk_case_get_latest_update (kase) == g_ptr_array_index (kase->updates, 1));
}

static void
test_boxed_types_copy_by_reference (void)
{
  g_autoptr(DkCase) kase = dk_case_new ();
  DkCase *boxed;

  g_assert_true (G_TYPE_IS_BOXED (DK_TYPE_CASE));
  g_assert_true (G_TYPE_IS_BOXED (DK_TYPE_SERVICE));
  g_assert_true (G_TYPE_IS_BOXED (DK_TYPE_ROUTINE));
  g_assert_true (G_TYPE_IS_BOXED (DK_TYPE_RUN));
  g_assert_true (G_TYPE_IS_BOXED (DK_TYPE_REPORT));
  g_assert_true (G_TYPE_IS_BOXED (DK_TYPE_SUBSCRIPTION));
  g_assert_cmpstr (g_type_name (DK_TYPE_CASE), ==, "DkCase");

  boxed = g_boxed_copy (DK_TYPE_CASE, kase);
  g_assert_true (boxed == kase);
  g_boxed_free (DK_TYPE_CASE, boxed);
  /* kase still alive: the autoptr drops the last reference */
  g_assert_nonnull (kase->services);
}

static void
test_copies_of_every_type_are_deep (void)
{
  g_autoptr(DkService) service = dk_service_new ();
  g_autoptr(DkService) service_copy = NULL;
  g_autoptr(DkRoutine) routine = dk_routine_new ();
  g_autoptr(DkRoutine) routine_copy = NULL;
  g_autoptr(DkRun) run = dk_run_new ();
  g_autoptr(DkRun) run_copy = NULL;
  g_autoptr(DkReport) report = dk_report_new ();
  g_autoptr(DkReport) report_copy = NULL;
  g_autoptr(DkSubscription) sub = dk_subscription_new_default ("anna");
  g_autoptr(DkSubscription) sub_copy = NULL;
  DkRoutineStep *step = dk_routine_step_new ();
  DkRunStep *run_step = dk_run_step_new ();

  service->id = g_strdup ("tes");
  service->name = g_strdup ("TES");
  service_copy = dk_service_copy (service);
  g_assert_cmpstr (service_copy->name, ==, "TES");
  g_assert_true (service_copy->name != service->name);

  step->id = g_strdup ("s1");
  step->contact = dk_contact_new ();
  step->contact->on_call = g_strdup ("+46 40 33 10 00");
  g_ptr_array_add (routine->steps, step);
  routine_copy = dk_routine_copy (routine);
  g_assert_true (dk_routine_find_step (routine_copy, "s1") != step);
  g_assert_cmpstr (dk_routine_find_step (routine_copy, "s1")->contact->on_call, ==,
                   "+46 40 33 10 00");
  g_assert_true (dk_routine_find_step (routine_copy, "s1")->contact != step->contact);
  g_assert_null (dk_routine_find_step (routine_copy, "s2"));
  g_assert_null (dk_routine_find_step (routine_copy, NULL));

  run_step->step = g_strdup ("s1");
  run_step->done = TRUE;
  g_ptr_array_add (run->steps, run_step);
  run->case_id = g_strdup ("c");
  run_copy = dk_run_copy (run);
  g_assert_true (dk_run_find_step (run_copy, "s1")->done);
  g_assert_true (dk_run_find_step (run_copy, "s1") != run_step);
  g_assert_cmpstr (run_copy->case_id, ==, "c");
  g_assert_null (dk_run_find_step (run_copy, "nope"));

  report->mobile = g_strdup ("070-123 45 67");
  report_copy = dk_report_copy (report);
  g_assert_cmpstr (report_copy->mobile, ==, "070-123 45 67");
  g_assert_true (report_copy->mobile != report->mobile);

  g_ptr_array_add (sub->areas, g_strdup ("lab_medicine"));
  sub_copy = dk_subscription_copy (sub);
  g_assert_cmpuint (sub_copy->areas->len, ==, 1);
  g_assert_true (sub_copy->areas != sub->areas);
  g_assert_cmpstr (sub_copy->id, ==, "sub:anna");
}

static void
test_report_urgent_subject_follows_seed_004 (void)
{
  g_autoptr(DkReport) report = dk_report_new ();
  g_autofree char *named = NULL;
  g_autofree char *by_id = NULL;

  report->kind = DK_REPORT_KIND_URGENT;
  report->service = g_strdup ("dips");
  named = dk_report_dup_urgent_subject (report, "DIPS Arena");
  by_id = dk_report_dup_urgent_subject (report, NULL);
  g_assert_cmpstr (named, ==, "DIPS Arena OK skal hjelpe");
  g_assert_cmpstr (by_id, ==, "dips OK skal hjelpe");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/enums/every-value/round-trips-through-its-wire-name",
                   test_enums_every_value_round_trips);
  g_test_add_func ("/enums/wire-names/are-the-contract", test_enums_wire_names_are_the_contract);
  g_test_add_func ("/enums/from-string/is-case-sensitive", test_enums_from_string_is_case_sensitive);
  g_test_add_func ("/enums/labels/are-english-source-strings",
                   test_enums_labels_are_english_source_strings);
  g_test_add_func ("/enums/labels/update-phrases-are-distinct",
                   test_enums_update_phrases_are_all_distinct);
  g_test_add_func ("/enums/roles/each-role-round-trips", test_roles_each_role_round_trips);
  g_test_add_func ("/enums/roles/set-to-strv-in-bit-order", test_roles_set_to_strv_in_bit_order);
  g_test_add_func ("/enums/roles/from-comma-separated-list", test_roles_from_comma_separated_list);
  g_test_add_func ("/error/codes/have-wire-names-and-http-statuses",
                   test_error_codes_have_wire_names_and_statuses);
  g_test_add_func ("/time/parse/accepts-rfc3339", test_time_parses_rfc3339);
  g_test_add_func ("/time/parse/rejects-what-is-not-rfc3339", test_time_rejects_what_is_not_rfc3339);
  g_test_add_func ("/time/format/writes-utc-with-z", test_time_formats_as_utc);
  g_test_add_func ("/time/format/agrees-with-gdatetime", test_time_format_agrees_with_gdatetime);
  g_test_add_func ("/time/format-local/in-the-zone-of-the-process",
                   test_time_format_local_in_the_zone_of_the_process);
  g_test_add_func ("/time/now/is-the-current-time", test_time_now_is_now);
  g_test_add_func ("/service/slug/from-swedish-and-norwegian-names", test_service_slug_from_names);
  g_test_add_func ("/service/slug/is-at-most-64-characters",
                   test_service_slug_is_at_most_64_characters);
  g_test_add_func ("/case/new/has-unset-times-and-empty-lists",
                   test_case_new_has_unset_times_and_empty_lists);
  g_test_add_func ("/case/copy/is-deep", test_case_copy_is_deep);
  g_test_add_func ("/boxed/copy-is-a-new-reference", test_boxed_types_copy_by_reference);
  g_test_add_func ("/boxed/copies-of-every-type-are-deep", test_copies_of_every_type_are_deep);
  g_test_add_func ("/report/urgent-subject/follows-seed-004",
                   test_report_urgent_subject_follows_seed_004);

  return g_test_run ();
}
