/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli-runs.c: driftkoll-cli run: runs of reserve routines on a unit */

#define G_LOG_DOMAIN "dk-cli-runs"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-cli-private.h"
#include "dk-store-routines.h"

static int run_start  (DkCli *cli, const char *command, int argc, char **argv);
static int run_check  (DkCli *cli, const char *command, int argc, char **argv);
static int run_finish (DkCli *cli, const char *command, int argc, char **argv);
static int run_show   (DkCli *cli, const char *command, int argc, char **argv);
static int run_list   (DkCli *cli, const char *command, int argc, char **argv);

static const DkCliCommand run_commands[] = {
  { "start", N_("Start a run of a routine on a unit; prints the run’s id last"), run_start },
  { "check", N_("Mark a step of a run as done (or not, with --undo)"), run_check },
  { "finish", N_("Mark a run as finished"), run_finish },
  { "show", N_("Show a run with the state of each step"), run_show },
  { "list", N_("List the runs"), run_list },
};

/* ---- helpers ---- */

static JsonNode *
run_to_json (gconstpointer item)
{
  return dk_run_to_json (item);
}

/* ---- commands ---- */

int
_dk_cli_run_cmd (DkCli       *cli,
                 const char  *command,
                 int          argc,
                 char       **argv)
{
  return _dk_cli_dispatch (cli, command, _("Runs of reserve routines on a unit."),
                           run_commands, G_N_ELEMENTS (run_commands), argc, argv);
}

static int
run_start (DkCli       *cli,
           const char  *command,
           int          argc,
           char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *case_id = NULL;
  g_autofree char *run_id = NULL;
  g_autofree char *resolved = NULL;
  DkStore *store;
  const char *me;
  int status;
  const GOptionEntry entries[] = {
    { "unit", 0, 0, G_OPTION_ARG_STRING, &unit, N_("The unit (ward) (required)"), N_("UNIT") },
    { "case", 0, 0, G_OPTION_ARG_STRING, &case_id,
      N_("The case it is run for, by number or id"), N_("CASE") },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, _("ROUTINE"),
                          _("Starts a run of a reserve routine on a unit. The run’s id is the "
                            "last line printed."),
                          entries, 1, 1, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;
  if (unit == NULL)
    return _dk_cli_usage_error (command, _("--unit is required"));

  store = _dk_cli_get_store_as_me (cli, &me, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);

  /* "Avd 12" is the catalogue's "Avdelning 12"; a unit not in it stays as typed */
  resolved = _dk_cli_resolve_unit (store, unit);
  run_id = dk_local_start_run (store, argv[1], resolved, case_id, me, dk_time_now (), &error);
  if (run_id == NULL)
    return _dk_cli_fail (command, error);

  g_print ("%s\n", run_id);

  return DK_CLI_EXIT_OK;
}

static int
run_check (DkCli       *cli,
           const char  *command,
           int          argc,
           char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  gboolean undo = FALSE;
  gboolean note_only = FALSE;
  DkRunAction action;
  DkStore *store;
  const char *me;
  int status;
  const GOptionEntry entries[] = {
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("A note on the step"), N_("TEXT") },
    { "undo", 0, 0, G_OPTION_ARG_NONE, &undo, N_("Mark the step as not done"), NULL },
    { "note-only", 0, 0, G_OPTION_ARG_NONE, &note_only,
      N_("Only add the note; leave the tick as it is"), NULL },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, _("RUN STEP"),
                          _("Marks a step of a run as done. Ticks from several people merge; "
                            "each is kept with who and when."), entries, 2, 2, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;
  if (note_only && undo)
    return _dk_cli_usage_error (command, _("--note-only and --undo do not go together"));
  if (note_only && note == NULL)
    return _dk_cli_usage_error (command, _("--note-only needs --note"));
  action = note_only ? DK_RUN_NOTE_ONLY : undo ? DK_RUN_UNTICK : DK_RUN_TICK;

  store = _dk_cli_get_store_as_me (cli, &me, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);

  if (!dk_local_change_run_step (store, argv[1], argv[2], action, note, me, dk_time_now (),
                                 &error))
    return _dk_cli_fail (command, error);

  return DK_CLI_EXIT_OK;
}

static int
run_finish (DkCli       *cli,
            const char  *command,
            int          argc,
            char       **argv)
{
  g_autoptr(GError) error = NULL;
  DkStore *store;
  const char *me;
  int status;

  status = _dk_cli_parse (cli, command, _("RUN"), _("Marks a run as finished."), NULL, 1, 1,
                          &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  store = _dk_cli_get_store_as_me (cli, &me, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);

  if (!dk_local_finish_run (store, argv[1], me, dk_time_now (), &error))
    return _dk_cli_fail (command, error);

  return DK_CLI_EXIT_OK;
}

/* The wire shape plus where the run stands (added fields): "phase", "progress"
 * {phase: {"done", "total", "not_applicable"}}, "not_applicable" [{"step", "reason"}],
 * "outage_seconds" and "post_registration_deadline". */
static JsonNode *
run_show_to_json (const DkRun     *run,
                  const DkRoutine *routine,
                  const DkCase    *kase)
{
  JsonNode *node = dk_run_to_json (run);
  JsonObject *object = json_node_get_object (node);
  JsonObject *progress = json_object_new ();
  JsonArray *not_applicable = json_array_new ();
  gint64 outage = dk_case_outage_seconds (kase);
  gint64 deadline = DK_TIME_UNSET;
  g_autofree char *deadline_text = NULL;

  json_object_set_string_member (object, "phase",
                                 dk_routine_phase_to_string (dk_run_get_phase (run, kase)));
  for (int phase = DK_ROUTINE_PHASE_BEFORE; routine != NULL && phase <= DK_ROUTINE_PHASE_LAST;
       phase++)
    {
      JsonObject *counts = json_object_new ();
      DkRunProgress p;

      dk_run_get_progress (run, routine, kase, phase, &p);
      json_object_set_int_member (counts, "done", p.done);
      json_object_set_int_member (counts, "total", p.total);
      json_object_set_int_member (counts, "not_applicable", p.not_applicable);
      json_object_set_object_member (progress, dk_routine_phase_to_string (phase), counts);
    }
  for (guint i = 0; routine != NULL && i < routine->steps->len; i++)
    {
      const DkRoutineStep *step = g_ptr_array_index (routine->steps, i);
      g_autofree char *reason = dk_run_dup_not_applicable_reason (step, kase);

      if (reason != NULL)
        {
          JsonObject *item = json_object_new ();

          json_object_set_string_member (item, "step", step->id);
          json_object_set_string_member (item, "reason", reason);
          json_array_add_object_element (not_applicable, item);
        }
    }
  json_object_set_object_member (object, "progress", progress);
  json_object_set_array_member (object, "not_applicable", not_applicable);
  if (outage >= 0)
    json_object_set_int_member (object, "outage_seconds", outage);
  else
    json_object_set_null_member (object, "outage_seconds");
  if (routine != NULL)
    deadline = dk_routine_post_registration_deadline (routine, kase, NULL);
  deadline_text = dk_time_format (deadline);
  json_object_set_string_member (object, "post_registration_deadline", deadline_text);
  return node;
}

static int
run_show (DkCli       *cli,
          const char  *command,
          int          argc,
          char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkRun) run = NULL;
  g_autoptr(DkRoutine) routine = NULL;
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(DkCliTable) table = NULL;
  g_autofree char *started_at = NULL;
  g_autofree char *finished_at = NULL;
  gboolean json = FALSE;
  DkStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the run as JSON"), NULL },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, _("RUN"),
                          _("Shows a run: progress per phase, who ticked each step and when, "
                            "and the steps that do not apply with the reason."),
                          entries, 1, 1, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  store = _dk_cli_get_store (cli, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  run = dk_store_get_run (store, argv[1], &error);
  if (run == NULL)
    return _dk_cli_fail (command, error);
  routine = dk_store_get_routine (store, run->routine, NULL);
  if (run->case_id != NULL)
    kase = dk_store_get_case (store, run->case_id, NULL);

  if (json)
    {
      g_autoptr(JsonNode) node = run_show_to_json (run, routine, kase);

      _dk_cli_print_json (node);
      return DK_CLI_EXIT_OK;
    }

  started_at = _dk_cli_format_time (run->started_at);
  finished_at = _dk_cli_format_time (run->finished_at);

  g_print ("%s\n\n", routine != NULL ? routine->title : run->routine);
  table = _dk_cli_table_new (2);
  _dk_cli_table_add (table, _("Run:"), run->id, NULL);
  _dk_cli_table_add (table, _("Routine:"), run->routine, NULL);
  _dk_cli_table_add (table, _("Unit:"), run->unit, NULL);
  if (run->case_id != NULL)
    {
      g_autofree char *text = NULL;

      if (kase == NULL)
        text = g_strdup (run->case_id);
      else if (kase->closed_at != DK_TIME_UNSET)
        /* Translators: "DK-1042 (closed)" */
        text = g_strdup_printf (_("%s (closed)"), kase->number != NULL ? kase->number : kase->id);
      else
        text = g_strdup (kase->number != NULL ? kase->number : kase->id);
      _dk_cli_table_add (table, _("Case:"), text, NULL);
    }
  _dk_cli_table_add (table, _("Started:"), started_at, NULL);
  _dk_cli_table_add (table, _("Started by:"), run->started_by ? run->started_by : "—", NULL);
  _dk_cli_table_add (table, _("Phase:"),
                     dk_routine_phase_label (dk_run_get_phase (run, kase)), NULL);
  if (dk_case_outage_seconds (kase) >= 0)
    {
      g_autofree char *lasted = dk_format_duration (dk_case_outage_seconds (kase));

      _dk_cli_table_add (table, _("Outage lasted:"), lasted, NULL);
    }
  if (routine != NULL && kase != NULL && kase->closed_at != DK_TIME_UNSET)
    {
      gint64 deadline = dk_routine_post_registration_deadline (routine, kase, NULL);
      g_autofree char *text = _dk_cli_format_time (deadline);

      _dk_cli_table_add (table, _("Post-register by:"),
                         deadline != DK_TIME_UNSET
                           ? text : _("as the administration announces"), NULL);
    }
  _dk_cli_table_add (table, _("Finished:"),
                     run->finished_at == DK_TIME_UNSET ? _("not yet") : finished_at, NULL);
  if (dk_store_is_pending (store, "run", run->id))
    _dk_cli_table_add (table, _("Sync:"), _("local changes not yet sent"), NULL);
  _dk_cli_table_print (table);

  if (routine != NULL)
    _dk_cli_print_routine_steps (routine, run, kase);
  else
    for (guint i = 0; i < run->steps->len; i++)
      {
        DkRunStep *step = g_ptr_array_index (run->steps, i);

        g_print ("  %s %s\n", step->done ? "[x]" : "[ ]", step->step);
        _dk_cli_print_step_events (step);
      }

  return DK_CLI_EXIT_OK;
}

static int
run_list (DkCli       *cli,
          const char  *command,
          int          argc,
          char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(DkCliTable) table = NULL;
  gboolean json = FALSE;
  DkStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array of runs"), NULL },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, NULL, _("Lists the runs in the replica."), entries,
                          0, 0, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  store = _dk_cli_get_store (cli, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  runs = dk_store_list_runs (store, &error);
  if (runs == NULL)
    return _dk_cli_fail (command, error);

  if (_dk_cli_print_json_or_empty (runs, json, run_to_json, _("No runs")))
    return DK_CLI_EXIT_OK;

  table = _dk_cli_table_new (5);
  _dk_cli_table_add (table, _("ID"), _("STARTED"), _("UNIT"), _("STATE"), _("ROUTINE"), NULL);
  for (guint i = 0; i < runs->len; i++)
    {
      DkRun *run = g_ptr_array_index (runs, i);
      g_autofree char *started_at = _dk_cli_format_time (run->started_at);

      _dk_cli_table_add (table, run->id, started_at, run->unit,
                         run->finished_at == DK_TIME_UNSET ? _("running") : _("finished"),
                         run->routine, NULL);
    }
  _dk_cli_table_print (table);

  return DK_CLI_EXIT_OK;
}
