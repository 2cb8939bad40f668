/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-core-routines.c: run merging, routine validity, revision diff, phases, deadlines */

#include "config.h"

#include "dk-core.h"

#define NOW  G_GINT64_CONSTANT (1795529100) /* 2026-11-24T14:05:00Z */
#define HOUR G_GINT64_CONSTANT (3600)
#define DAY  (24 * HOUR)

/* ---- helpers ---- */

static DkRoutineStep *
step_new (const char     *id,
          DkRoutinePhase  phase,
          const char     *text,
          const char     *condition,
          const char     *deadline)
{
  DkRoutineStep *step = dk_routine_step_new ();

  step->id = g_strdup (id);
  step->phase = phase;
  step->text = g_strdup (text);
  step->condition = g_strdup (condition);
  step->deadline = g_strdup (deadline);
  return step;
}

/* The TES routine of seed 003, shortened. */
static DkRoutine *
tes_routine (void)
{
  DkRoutine *routine = dk_routine_new ();

  routine->id = g_strdup ("driftstopp-tes");
  routine->title = g_strdup ("Driftstopp TES");
  g_ptr_array_add (routine->services, g_strdup ("tes"));
  routine->owner = g_strdup ("Objektledare TES");
  routine->revision = 6;
  routine->approved_at = NOW - 40 * DAY;
  routine->valid_until = NOW + 325 * DAY;
  g_ptr_array_add (routine->steps, step_new ("before-1", DK_ROUTINE_PHASE_BEFORE,
                                             "Skriv ut blanketter.", NULL, NULL));
  g_ptr_array_add (routine->steps, step_new ("during-1", DK_ROUTINE_PHASE_DURING,
                                             "Rapportera driftstoppet.", NULL, NULL));
  g_ptr_array_add (routine->steps, step_new ("during-2", DK_ROUTINE_PHASE_DURING,
                                             "Informera kollegor.", NULL, NULL));
  g_ptr_array_add (routine->steps, step_new ("after-1", DK_ROUTINE_PHASE_AFTER,
                                             "Efterregistrera senast dagen efter.",
                                             "outage_up_to:10h", "next_day"));
  g_ptr_array_add (routine->steps, step_new ("after-2", DK_ROUTINE_PHASE_AFTER,
                                             "Förvaltningen meddelar hur.",
                                             "outage_over:10h", NULL));
  return routine;
}

static DkRun *
run_new (void)
{
  DkRun *run = dk_run_new ();

  run->id = g_strdup ("5b0a3f4e-8c1d-4f7a-9b2e-1c3d5e7f9a0b");
  run->routine = g_strdup ("driftstopp-tes");
  run->unit = g_strdup ("Avdelning 12");
  return run;
}

static DkCase *
case_lasting (gint64 seconds)
{
  DkCase *kase = dk_case_new ();

  kase->start = NOW - seconds;
  kase->closed_at = NOW;
  kase->status = DK_CASE_STATUS_CLOSED;
  return kase;
}

static char *
run_json (const DkRun *run)
{
  g_autoptr(JsonNode) node = dk_run_to_json (run);

  return dk_json_to_string (node);
}

/* ---- merging ---- */

typedef struct {
  gboolean    tick;   /* a tick event, else a note */
  const char *step;
  const char *by;
  gint64      at;
  gboolean    done;
  const char *text;
  const char *id;
} Event;

static const Event events[] = {
  { TRUE, "during-1", "anna", NOW, TRUE, NULL, "00000000-0000-4000-8000-000000000001" },
  { TRUE, "during-1", "bo", NOW + 30, TRUE, NULL, "00000000-0000-4000-8000-000000000002" },
  { FALSE, "during-1", "bo", NOW + 30, FALSE, "Ringde jouren", "00000000-0000-4000-8000-000000000002" },
  { TRUE, "during-2", "anna", NOW + 10, TRUE, NULL, "00000000-0000-4000-8000-000000000003" },
  { TRUE, "during-2", "bo", NOW + 20, FALSE, NULL, "00000000-0000-4000-8000-000000000004" },
  { FALSE, "during-2", "anna", NOW + 5, FALSE, "Alla vet", "00000000-0000-4000-8000-000000000005" },
  { TRUE, "before-1", "anna", NOW, FALSE, NULL, "00000000-0000-4000-8000-000000000006" },
  { TRUE, "before-1", "bo", NOW, TRUE, NULL, "00000000-0000-4000-8000-000000000007" },
};

static void
apply_event (DkRun       *run,
             const Event *event)
{
  if (event->tick)
    {
      g_autoptr(DkRunTick) tick = dk_run_tick_new (event->by, event->at, event->done, event->id);

      dk_run_add_tick (run, event->step, tick);
    }
  else
    {
      g_autoptr(DkRunNote) note = dk_run_note_new (event->by, event->at, event->text, event->id);

      dk_run_add_note (run, event->step, note);
    }
}

static void
test_merge_any_order_same_run (void)
{
  g_autoptr(DkRun) forward = run_new ();
  g_autofree char *expected = NULL;
  guint n = G_N_ELEMENTS (events);

  for (guint i = 0; i < n; i++)
    apply_event (forward, &events[i]);
  expected = run_json (forward);

  /* Every rotation and its reverse, each event applied twice: the same run. */
  for (guint start = 0; start < n; start++)
    for (int dir = -1; dir <= 1; dir += 2)
      {
        g_autoptr(DkRun) run = run_new ();
        g_autofree char *json = NULL;

        for (guint k = 0; k < 2 * n; k++)
          apply_event (run, &events[(start + n + dir * (int) (k % n) * 1 + n * 2) % n]);
        json = run_json (run);
        g_assert_cmpstr (json, ==, expected);
      }
}

static void
test_merge_split_between_two_desktops (void)
{
  g_autoptr(DkRun) a = run_new ();
  g_autoptr(DkRun) b = run_new ();
  g_autoptr(DkRun) a_then_b = NULL;
  g_autoptr(DkRun) b_then_a = NULL;
  g_autofree char *ab = NULL;
  g_autofree char *ba = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    apply_event (i % 2 == 0 ? a : b, &events[i]);

  a_then_b = dk_run_copy (a);
  g_assert_true (dk_run_merge (a_then_b, b));
  g_assert_false (dk_run_merge (a_then_b, b));   /* idempotent */
  b_then_a = dk_run_copy (b);
  g_assert_true (dk_run_merge (b_then_a, a));
  ab = run_json (a_then_b);
  ba = run_json (b_then_a);
  g_assert_cmpstr (ab, ==, ba);
}

static void
test_merge_every_tick_kept_and_latest_decides (void)
{
  g_autoptr(DkRun) run = run_new ();
  g_autoptr(GPtrArray) people = NULL;
  DkRunStep *step;

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    apply_event (run, &events[i]);

  /* Both ticked during-1: both kept, the later names the step. */
  step = dk_run_find_step (run, "during-1");
  g_assert_true (step->done);
  g_assert_cmpuint (step->ticks->len, ==, 2);
  g_assert_cmpstr (step->by, ==, "bo");
  g_assert_cmpint (step->at, ==, NOW + 30);
  people = dk_run_step_dup_people (step);
  g_assert_cmpuint (people->len, ==, 2);
  g_assert_cmpstr (step->note, ==, "Ringde jouren");

  /* bo unticked during-2 after anna ticked it: the later action wins, the tick stays. */
  step = dk_run_find_step (run, "during-2");
  g_assert_false (step->done);
  g_assert_cmpstr (step->by, ==, "bo");
  g_assert_cmpuint (step->ticks->len, ==, 2);
  g_assert_true (((DkRunTick *) g_ptr_array_index (step->ticks, 0))->done);

  /* A tick and an untick in the same second: the tick wins. */
  step = dk_run_find_step (run, "before-1");
  g_assert_true (step->done);
  g_assert_cmpstr (step->by, ==, "bo");
}

static void
test_merge_next_event_time_orders_after_seen (void)
{
  g_autoptr(DkRun) run = run_new ();
  g_autoptr(DkRunTick) tick = dk_run_tick_new ("anna", NOW + 100, TRUE, "t1");
  g_autoptr(DkRunTick) untick = NULL;
  gint64 at;

  g_assert_cmpint (dk_run_next_event_time (run, "during-1", NOW), ==, NOW);
  dk_run_add_tick (run, "during-1", tick);
  /* bo's clock is behind anna's: his untick still orders after the tick he saw. */
  at = dk_run_next_event_time (run, "during-1", NOW);
  g_assert_cmpint (at, ==, NOW + 101);
  untick = dk_run_tick_new ("bo", at, FALSE, "t2");
  dk_run_add_tick (run, "during-1", untick);
  g_assert_false (dk_run_find_step (run, "during-1")->done);
}

static void
test_merge_old_step_without_events_reads (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dk_json_parse (
    "{\"id\":\"5b0a3f4e-8c1d-4f7a-9b2e-1c3d5e7f9a0b\",\"routine\":\"r\",\"unit\":\"u\","
    "\"steps\":[{\"step\":\"s\",\"done\":true,\"by\":\"anna\",\"at\":\"2026-11-24T14:05:00Z\","
    "\"note\":\"Klart\"}]}", -1, &error);
  g_autoptr(DkRun) run = dk_run_from_json (node, &error);
  g_autoptr(DkRunTick) later = dk_run_tick_new ("bo", NOW + 60, TRUE, "t2");
  DkRunStep *step;

  g_assert_no_error (error);
  step = dk_run_find_step (run, "s");
  g_assert_true (step->done);
  g_assert_cmpuint (step->ticks->len, ==, 1);
  g_assert_cmpstr (step->note, ==, "Klart");
  dk_run_add_tick (run, "s", later);
  g_assert_cmpuint (step->ticks->len, ==, 2);
  g_assert_cmpstr (step->by, ==, "bo");
}

static void
test_merge_bad_events_rejected (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dk_json_parse (
    "{\"id\":\"5b0a3f4e-8c1d-4f7a-9b2e-1c3d5e7f9a0b\",\"routine\":\"r\",\"unit\":\"u\","
    "\"steps\":[{\"step\":\"s\",\"ticks\":[{\"id\":\"x\",\"by\":\"anna\",\"done\":true}]}]}",
    -1, &error);
  g_autoptr(DkRun) run = dk_run_from_json (node, &error);

  g_assert_null (run);
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "ticks[0]"));
}

/* ---- validity ---- */

static void
test_validity_boundaries (void)
{
  g_autoptr(DkRoutine) routine = tes_routine ();
  g_autofree char *none = NULL;
  g_autofree char *soon = NULL;
  g_autofree char *expired = NULL;
  gint days = 99;

  routine->valid_until = DK_TIME_UNSET;
  g_assert_cmpint (dk_routine_validity (routine, NOW, &days), ==, DK_ROUTINE_VALID);
  g_assert_cmpint (days, ==, 0);

  routine->valid_until = NOW + 30 * DAY + 1;
  g_assert_cmpint (dk_routine_validity (routine, NOW, &days), ==, DK_ROUTINE_VALID);
  none = dk_routine_dup_validity_warning (routine, NOW);
  g_assert_null (none);

  routine->valid_until = NOW + 30 * DAY;
  g_assert_cmpint (dk_routine_validity (routine, NOW, &days), ==, DK_ROUTINE_EXPIRING_SOON);
  g_assert_cmpint (days, ==, 30);

  routine->valid_until = NOW + 5 * DAY + 3 * HOUR;
  g_assert_cmpint (dk_routine_validity (routine, NOW, &days), ==, DK_ROUTINE_EXPIRING_SOON);
  g_assert_cmpint (days, ==, 5);
  soon = dk_routine_dup_validity_warning (routine, NOW);
  g_assert_true (g_str_has_prefix (soon, "Expires in 5 days"));

  routine->valid_until = NOW;
  g_assert_cmpint (dk_routine_validity (routine, NOW, &days), ==, DK_ROUTINE_EXPIRED);
  g_assert_cmpint (days, ==, 0);

  routine->valid_until = NOW - 12 * DAY - HOUR;
  g_assert_cmpint (dk_routine_validity (routine, NOW, &days), ==, DK_ROUTINE_EXPIRED);
  g_assert_cmpint (days, ==, -13);
  expired = dk_routine_dup_validity_warning (routine, NOW);
  g_assert_true (g_str_has_prefix (expired, "Expired 13 days ago"));
}

/* ---- diff ---- */

static const DkRoutineChange *
find_change (GPtrArray           *changes,
             DkRoutineChangeKind  kind,
             const char          *step,
             const char          *field)
{
  for (guint i = 0; i < changes->len; i++)
    {
      const DkRoutineChange *change = g_ptr_array_index (changes, i);

      if (change->kind == kind && g_strcmp0 (change->step, step) == 0 &&
          g_strcmp0 (change->field, field) == 0)
        return change;
    }
  return NULL;
}

static void
test_diff_steps_and_document_control (void)
{
  g_autoptr(DkRoutine) old_routine = tes_routine ();
  g_autoptr(DkRoutine) new_routine = dk_routine_copy (old_routine);
  g_autoptr(GPtrArray) same = dk_routine_diff (old_routine, new_routine);
  g_autoptr(GPtrArray) changes = NULL;
  const DkRoutineChange *change;
  g_autofree char *line = NULL;
  DkRoutineStep *moved;

  g_assert_cmpuint (same->len, ==, 0);

  new_routine->revision = 7;
  new_routine->approved_at = DK_TIME_UNSET;
  new_routine->valid_until = NOW + 690 * DAY;
  g_free (new_routine->owner);
  new_routine->owner = g_strdup ("Enhetschef");
  /* during-2 moves before during-1; during-1 gets new text; before-1 goes; during-3 comes */
  moved = g_ptr_array_steal_index (new_routine->steps, 2);
  g_ptr_array_insert (new_routine->steps, 1, moved);
  g_free (((DkRoutineStep *) g_ptr_array_index (new_routine->steps, 2))->text);
  ((DkRoutineStep *) g_ptr_array_index (new_routine->steps, 2))->text =
    g_strdup ("Rapportera driftstoppet till jouren.");
  g_ptr_array_remove_index (new_routine->steps, 0);
  g_ptr_array_add (new_routine->steps, step_new ("during-3", DK_ROUTINE_PHASE_DURING,
                                                 "Använd konventionella nycklar.", NULL, NULL));

  changes = dk_routine_diff (old_routine, new_routine);
  g_assert_nonnull (find_change (changes, DK_ROUTINE_CHANGE_FIELD, NULL, "revision"));
  g_assert_nonnull (find_change (changes, DK_ROUTINE_CHANGE_FIELD, NULL, "approved_at"));
  g_assert_nonnull (find_change (changes, DK_ROUTINE_CHANGE_FIELD, NULL, "valid_until"));
  change = find_change (changes, DK_ROUTINE_CHANGE_FIELD, NULL, "owner");
  g_assert_cmpstr (change->old_value, ==, "Objektledare TES");
  g_assert_cmpstr (change->new_value, ==, "Enhetschef");
  change = find_change (changes, DK_ROUTINE_CHANGE_STEP_CHANGED, "during-1", "text");
  g_assert_cmpstr (change->new_value, ==, "Rapportera driftstoppet till jouren.");
  g_assert_nonnull (find_change (changes, DK_ROUTINE_CHANGE_STEP_REMOVED, "before-1", "before"));
  change = find_change (changes, DK_ROUTINE_CHANGE_STEP_ADDED, "during-3", "during");
  g_assert_cmpstr (change->new_value, ==, "Använd konventionella nycklar.");
  /* One of the two swapped steps moved; the other kept its order. */
  g_assert_true ((find_change (changes, DK_ROUTINE_CHANGE_STEP_MOVED, "during-1", NULL) != NULL) !=
                 (find_change (changes, DK_ROUTINE_CHANGE_STEP_MOVED, "during-2", NULL) != NULL));
  g_assert_null (find_change (changes, DK_ROUTINE_CHANGE_STEP_MOVED, "after-1", NULL));
  g_assert_cmpuint (changes->len, ==, 8);

  line = dk_routine_change_describe (find_change (changes, DK_ROUTINE_CHANGE_STEP_ADDED,
                                                  "during-3", "during"));
  g_assert_cmpstr (line, ==, "Added step during-3 (During the outage): “Använd konventionella nycklar.”");
}

/* ---- phases, conditions, deadlines ---- */

static void
test_phase_moves_to_after_when_case_closes (void)
{
  g_autoptr(DkRun) run = run_new ();
  g_autoptr(DkCase) kase = case_lasting (3 * HOUR);

  g_assert_cmpint (dk_run_get_phase (run, NULL), ==, DK_ROUTINE_PHASE_DURING);
  kase->closed_at = DK_TIME_UNSET;
  g_assert_cmpint (dk_run_get_phase (run, kase), ==, DK_ROUTINE_PHASE_DURING);
  g_assert_cmpint (dk_case_outage_seconds (kase), ==, -1);
  kase->closed_at = NOW;
  g_assert_cmpint (dk_run_get_phase (run, kase), ==, DK_ROUTINE_PHASE_AFTER);
  g_assert_cmpint (dk_case_outage_seconds (kase), ==, 3 * HOUR);
}

static void
test_short_outage_over_10h_step_not_applicable (void)
{
  g_autoptr(DkRoutine) routine = tes_routine ();
  g_autoptr(DkRun) run = run_new ();
  g_autoptr(DkCase) kase = case_lasting (3 * HOUR + 20 * 60);
  g_autoptr(DkRunTick) tick = dk_run_tick_new ("anna", NOW, TRUE, "t1");
  g_autofree char *reason = NULL;
  g_autofree char *none = NULL;
  g_autofree char *open_case = NULL;
  DkRunProgress progress;

  reason = dk_run_dup_not_applicable_reason (dk_routine_find_step (routine, "after-2"), kase);
  g_assert_cmpstr (reason, ==, "Not applicable: the outage lasted 3 h 20 min; this step is for "
                               "outages over 10 hours");
  none = dk_run_dup_not_applicable_reason (dk_routine_find_step (routine, "after-1"), kase);
  g_assert_null (none);

  dk_run_add_tick (run, "after-1", tick);
  dk_run_get_progress (run, routine, kase, DK_ROUTINE_PHASE_AFTER, &progress);
  g_assert_cmpuint (progress.done, ==, 1);
  g_assert_cmpuint (progress.total, ==, 1);
  g_assert_cmpuint (progress.not_applicable, ==, 1);

  /* While the case is open, nothing is judged yet. */
  kase->closed_at = DK_TIME_UNSET;
  open_case = dk_run_dup_not_applicable_reason (dk_routine_find_step (routine, "after-2"), kase);
  g_assert_null (open_case);
  dk_run_get_progress (run, routine, kase, DK_ROUTINE_PHASE_AFTER, &progress);
  g_assert_cmpuint (progress.total, ==, 2);
  g_assert_cmpuint (progress.not_applicable, ==, 0);
}

static void
test_long_outage_up_to_10h_step_not_applicable (void)
{
  g_autoptr(DkRoutine) routine = tes_routine ();
  g_autoptr(DkCase) exactly = case_lasting (10 * HOUR);
  g_autoptr(DkCase) longer = case_lasting (10 * HOUR + 60);
  g_autofree char *at_limit = NULL;
  g_autofree char *reason = NULL;

  at_limit = dk_run_dup_not_applicable_reason (dk_routine_find_step (routine, "after-1"), exactly);
  g_assert_null (at_limit);
  reason = dk_run_dup_not_applicable_reason (dk_routine_find_step (routine, "after-1"), longer);
  g_assert_cmpstr (reason, ==, "Not applicable: the outage lasted 10 h 1 min; this step is for "
                               "outages of up to 10 hours");
}

static void
test_deadline_next_day_for_short_outage (void)
{
  g_autoptr(DkRoutine) routine = tes_routine ();
  g_autoptr(DkCase) short_case = case_lasting (3 * HOUR);
  g_autoptr(DkCase) long_case = case_lasting (12 * HOUR);
  g_autoptr(GTimeZone) stockholm = g_time_zone_new_identifier ("Europe/Stockholm");
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gint64 deadline;

  /* Closed 2026-11-24 15:05 in Stockholm: post-register by 2026-11-25 23:59:59 there. */
  g_assert_nonnull (stockholm);
  deadline = dk_routine_post_registration_deadline (routine, short_case, stockholm);
  g_assert_cmpint (deadline, ==, G_GINT64_CONSTANT (1795647599));
  deadline = dk_routine_post_registration_deadline (routine, short_case, utc);
  g_assert_cmpint (deadline, ==, G_GINT64_CONSTANT (1795651199));
  /* Over 10 hours the administration says how: no deadline from the routine. */
  g_assert_cmpint (dk_routine_post_registration_deadline (routine, long_case, utc), ==,
                   DK_TIME_UNSET);
  /* Not closed: none yet. */
  short_case->closed_at = DK_TIME_UNSET;
  g_assert_cmpint (dk_routine_post_registration_deadline (routine, short_case, utc), ==,
                   DK_TIME_UNSET);
}

static void
test_deadline_validated (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkRoutine) routine = tes_routine ();
  g_autofree char *label = dk_routine_dup_deadline_label ("24h");

  g_assert_true (dk_routine_deadline_validate ("next_day", NULL));
  g_assert_true (dk_routine_deadline_validate ("24h", NULL));
  g_assert_false (dk_routine_deadline_validate ("tomorrow", &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_assert_cmpstr (label, ==, "within 24 hours after the outage");

  g_free (((DkRoutineStep *) g_ptr_array_index (routine->steps, 3))->deadline);
  ((DkRoutineStep *) g_ptr_array_index (routine->steps, 3))->deadline = g_strdup ("0h");
  g_clear_error (&error);
  g_assert_false (dk_routine_validate (routine, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "steps[3].deadline"));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LC_ALL", "C", TRUE);
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/routines/merge/any-order-gives-the-same-run", test_merge_any_order_same_run);
  g_test_add_func ("/routines/merge/two-desktops-merge-either-way", test_merge_split_between_two_desktops);
  g_test_add_func ("/routines/merge/every-tick-kept-and-the-latest-decides",
                   test_merge_every_tick_kept_and_latest_decides);
  g_test_add_func ("/routines/merge/an-action-orders-after-the-tick-it-saw",
                   test_merge_next_event_time_orders_after_seen);
  g_test_add_func ("/routines/merge/a-step-without-events-still-reads",
                   test_merge_old_step_without_events_reads);
  g_test_add_func ("/routines/merge/a-tick-without-a-time-is-rejected", test_merge_bad_events_rejected);
  g_test_add_func ("/routines/validity/warns-within-30-days-and-when-expired",
                   test_validity_boundaries);
  g_test_add_func ("/routines/diff/steps-and-document-control", test_diff_steps_and_document_control);
  g_test_add_func ("/routines/phase/after-once-the-case-closes",
                   test_phase_moves_to_after_when_case_closes);
  g_test_add_func ("/routines/condition/short-outage-makes-over-10h-not-applicable",
                   test_short_outage_over_10h_step_not_applicable);
  g_test_add_func ("/routines/condition/long-outage-makes-up-to-10h-not-applicable",
                   test_long_outage_up_to_10h_step_not_applicable);
  g_test_add_func ("/routines/deadline/next-day-for-a-short-outage",
                   test_deadline_next_day_for_short_outage);
  g_test_add_func ("/routines/deadline/validated", test_deadline_validated);

  return g_test_run ();
}
