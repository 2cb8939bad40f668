/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli-routines.c: driftkoll-cli routines, routine and run: reserve routines and runs */

#define G_LOG_DOMAIN "dk-cli-routines"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-cli-private.h"

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
routine_to_json (gconstpointer item)
{
  return dk_routine_to_json (item);
}

static JsonNode *
run_to_json (gconstpointer item)
{
  return dk_run_to_json (item);
}

static char *
dup_routine_services (DkStore         *store,
                      const DkRoutine *routine)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < routine->services->len; i++)
    {
      const char *id = g_ptr_array_index (routine->services, i);
      g_autoptr(DkService) service = dk_store_get_service (store, id, NULL);

      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, service != NULL && service->name != NULL ? service->name : id);
    }

  return g_string_free (g_steal_pointer (&names), FALSE);
}

static char *
dup_contact (const DkContact *contact)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (contact->name != NULL)
    g_string_append (text, contact->name);
  if (contact->office_hours != NULL)
    g_string_append_printf (text, text->len ? ", %s %s" : "%s %s", _("office hours"),
                            contact->office_hours);
  if (contact->on_call != NULL)
    g_string_append_printf (text, text->len ? ", %s %s" : "%s %s", _("on call"),
                            contact->on_call);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
print_routine (DkStore         *store,
               const DkRoutine *routine,
               const DkRun     *run)
{
  for (int phase = DK_ROUTINE_PHASE_BEFORE; phase <= DK_ROUTINE_PHASE_LAST; phase++)
    {
      gboolean heading = FALSE;

      for (guint i = 0; i < routine->steps->len; i++)
        {
          DkRoutineStep *step = g_ptr_array_index (routine->steps, i);
          DkRunStep *state = NULL;
          g_autofree char *mark = NULL;

          if ((int) step->phase != phase)
            continue;
          if (!heading)
            {
              g_print ("\n%s\n", dk_routine_phase_label (phase));
              heading = TRUE;
            }

          if (run != NULL)
            {
              state = dk_run_find_step (run, step->id);
              mark = g_strdup (state != NULL && state->done ? "[x] " : "[ ] ");
            }
          else
            {
              mark = g_strdup ("");
            }
          g_print ("  %s%s  %s\n", mark, step->id, step->text);
          if (step->condition != NULL)
            g_print ("      %s %s\n", _("Only when:"), step->condition);
          if (step->contact != NULL)
            {
              g_autofree char *contact = dup_contact (step->contact);

              g_print ("      %s %s\n", _("Contact:"), contact);
            }
          if (step->form != NULL)
            g_print ("      %s %s\n", _("Form:"), step->form);
          if (state != NULL && (state->by != NULL || state->note != NULL))
            {
              g_autofree char *at = _dk_cli_format_time (state->at);

              g_print ("      %s %s%s%s\n", at, state->by != NULL ? state->by : "",
                       state->note != NULL ? " · " : "",
                       state->note != NULL ? state->note : "");
            }
        }
    }
}

static DkRoutine *
get_routine (DkCli       *cli,
             const char  *id,
             DkStore    **out_store,
             GError     **error)
{
  DkStore *store = _dk_cli_get_store (cli, error);

  if (store == NULL)
    return NULL;

  *out_store = store;
  return dk_store_get_routine (store, id, error);
}

/* ---- commands ---- */

int
_dk_cli_routines (DkCli       *cli,
                  const char  *command,
                  int          argc,
                  char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) routines = NULL;
  g_autoptr(DkCliTable) table = NULL;
  gboolean json = FALSE;
  DkStore *store;
  gint64 now = dk_time_now ();
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array of routines"), NULL },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, NULL, _("Lists the reserve routines in the replica."),
                          entries, 0, 0, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  store = _dk_cli_get_store (cli, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  routines = dk_store_list_routines (store, &error);
  if (routines == NULL)
    return _dk_cli_fail (command, error);

  if (json)
    {
      _dk_cli_print_json_array (routines, routine_to_json);
      return DK_CLI_EXIT_OK;
    }

  if (routines->len == 0)
    {
      g_print ("%s\n", _("No routines"));
      return DK_CLI_EXIT_OK;
    }

  table = _dk_cli_table_new (4);
  _dk_cli_table_add (table, _("ID"), _("REV"), _("VALID UNTIL"), _("TITLE"), NULL);
  for (guint i = 0; i < routines->len; i++)
    {
      DkRoutine *routine = g_ptr_array_index (routines, i);
      g_autofree char *revision = g_strdup_printf ("%" G_GINT64_FORMAT, routine->revision);
      g_autofree char *valid_until = _dk_cli_format_time (routine->valid_until);
      g_autofree char *title = NULL;

      if (dk_rules_routine_is_expired (routine, now))
        title = g_strdup_printf ("%s (%s)", routine->title, _("expired"));
      else if (dk_rules_routine_expires_soon (routine, now))
        title = g_strdup_printf ("%s (%s)", routine->title, _("expires soon"));
      else if (routine->approved_at == DK_TIME_UNSET)
        title = g_strdup_printf ("%s (%s)", routine->title, _("draft"));
      else
        title = g_strdup (routine->title);

      _dk_cli_table_add (table, routine->id, revision, valid_until, title, NULL);
    }
  _dk_cli_table_print (table);

  return DK_CLI_EXIT_OK;
}

int
_dk_cli_routine (DkCli       *cli,
                 const char  *command,
                 int          argc,
                 char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkRoutine) routine = NULL;
  gboolean json = FALSE;
  DkStore *store = NULL;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the routine as JSON"), NULL },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, _("ROUTINE"),
                          _("Shows a reserve routine with its steps before, during and after "
                            "an outage."),
                          entries, 1, 1, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  routine = get_routine (cli, argv[1], &store, &error);
  if (routine == NULL)
    return _dk_cli_fail (command, error);

  if (json)
    {
      g_autoptr(JsonNode) node = dk_routine_to_json (routine);

      _dk_cli_print_json (node);
      return DK_CLI_EXIT_OK;
    }

  {
    g_autoptr(DkCliTable) table = _dk_cli_table_new (2);
    g_autofree char *services = dup_routine_services (store, routine);
    g_autofree char *revision = g_strdup_printf ("%" G_GINT64_FORMAT, routine->revision);
    g_autofree char *approved_at = _dk_cli_format_time (routine->approved_at);
    g_autofree char *valid_until = _dk_cli_format_time (routine->valid_until);

    g_print ("%s\n\n", routine->title);
    _dk_cli_table_add (table, _("Id:"), routine->id, NULL);
    _dk_cli_table_add (table, _("Services:"), services, NULL);
    _dk_cli_table_add (table, _("For:"), routine->audience ? routine->audience : "—", NULL);
    _dk_cli_table_add (table, _("Owner:"), routine->owner ? routine->owner : "—", NULL);
    _dk_cli_table_add (table, _("Revision:"), revision, NULL);
    _dk_cli_table_add (table, _("Approved:"),
                       routine->approved_at == DK_TIME_UNSET ? _("not yet (draft)") : approved_at,
                       NULL);
    _dk_cli_table_add (table, _("Valid until:"), valid_until, NULL);
    _dk_cli_table_print (table);
  }
  print_routine (store, routine, NULL);

  return DK_CLI_EXIT_OK;
}

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

  store = _dk_cli_get_store (cli, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  me = _dk_cli_get_me (cli, &error);
  if (me == NULL)
    return _dk_cli_fail (command, error);

  run_id = dk_local_start_run (store, argv[1], unit, case_id, me, dk_time_now (), &error);
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
  DkStore *store;
  const char *me;
  int status;
  const GOptionEntry entries[] = {
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("A note on the step"), N_("TEXT") },
    { "undo", 0, 0, G_OPTION_ARG_NONE, &undo, N_("Mark the step as not done"), NULL },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, _("RUN STEP"),
                          _("Marks a step of a run as done."), entries, 2, 2, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  store = _dk_cli_get_store (cli, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  me = _dk_cli_get_me (cli, &error);
  if (me == NULL)
    return _dk_cli_fail (command, error);

  if (!dk_local_set_run_step (store, argv[1], argv[2], !undo, note, me, dk_time_now (), &error))
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

  store = _dk_cli_get_store (cli, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  me = _dk_cli_get_me (cli, &error);
  if (me == NULL)
    return _dk_cli_fail (command, error);

  if (!dk_local_finish_run (store, argv[1], me, dk_time_now (), &error))
    return _dk_cli_fail (command, error);

  return DK_CLI_EXIT_OK;
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

  status = _dk_cli_parse (cli, command, _("RUN"), _("Shows a run with the state of each step."),
                          entries, 1, 1, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  store = _dk_cli_get_store (cli, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  run = dk_store_get_run (store, argv[1], &error);
  if (run == NULL)
    return _dk_cli_fail (command, error);

  if (json)
    {
      g_autoptr(JsonNode) node = dk_run_to_json (run);

      _dk_cli_print_json (node);
      return DK_CLI_EXIT_OK;
    }

  routine = dk_store_get_routine (store, run->routine, NULL);
  started_at = _dk_cli_format_time (run->started_at);
  finished_at = _dk_cli_format_time (run->finished_at);

  g_print ("%s\n\n", routine != NULL ? routine->title : run->routine);
  table = _dk_cli_table_new (2);
  _dk_cli_table_add (table, _("Run:"), run->id, NULL);
  _dk_cli_table_add (table, _("Routine:"), run->routine, NULL);
  _dk_cli_table_add (table, _("Unit:"), run->unit, NULL);
  if (run->case_id != NULL)
    {
      g_autoptr(DkCase) kase = dk_store_get_case (store, run->case_id, NULL);

      _dk_cli_table_add (table, _("Case:"),
                         kase != NULL && kase->number != NULL ? kase->number : run->case_id,
                         NULL);
    }
  _dk_cli_table_add (table, _("Started:"), started_at, NULL);
  _dk_cli_table_add (table, _("Started by:"), run->started_by ? run->started_by : "—", NULL);
  _dk_cli_table_add (table, _("Finished:"),
                     run->finished_at == DK_TIME_UNSET ? _("not yet") : finished_at, NULL);
  if (dk_store_is_pending (store, "run", run->id))
    _dk_cli_table_add (table, _("Sync:"), _("local changes not yet sent"), NULL);
  _dk_cli_table_print (table);

  if (routine != NULL)
    print_routine (store, routine, run);
  else
    for (guint i = 0; i < run->steps->len; i++)
      {
        DkRunStep *step = g_ptr_array_index (run->steps, i);

        g_print ("  %s %s\n", step->done ? "[x]" : "[ ]", step->step);
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

  if (json)
    {
      _dk_cli_print_json_array (runs, run_to_json);
      return DK_CLI_EXIT_OK;
    }
  if (runs->len == 0)
    {
      g_print ("%s\n", _("No runs"));
      return DK_CLI_EXIT_OK;
    }

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
