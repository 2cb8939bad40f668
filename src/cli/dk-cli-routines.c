/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli-routines.c: driftkoll-cli routines and routine: the reserve routines */

#define G_LOG_DOMAIN "dk-cli-routines"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-cli-private.h"
#include "dk-print-labels.h"
#include "dk-store-routines.h"

/* ---- helpers ---- */

static const char *
validity_to_string (DkRoutineValidity validity)
{
  switch (validity)
    {
    case DK_ROUTINE_EXPIRED:
      return "expired";
    case DK_ROUTINE_EXPIRING_SOON:
      return "expiring_soon";
    case DK_ROUTINE_VALID:
    default:
      return "valid";
    }
}

/* The wire shape plus "validity" {"state", "days_left", "warning"} (added fields). */
static JsonNode *
routine_to_json (gconstpointer item)
{
  const DkRoutine *routine = item;
  JsonNode *node = dk_routine_to_json (routine);
  JsonObject *validity = json_object_new ();
  gint64 now = dk_time_now ();
  g_autofree char *warning = dk_routine_dup_validity_warning (routine, now);
  gint days = 0;
  DkRoutineValidity state = dk_routine_validity (routine, now, &days);

  json_object_set_string_member (validity, "state", validity_to_string (state));
  if (routine->valid_until != DK_TIME_UNSET)
    json_object_set_int_member (validity, "days_left", days);
  else
    json_object_set_null_member (validity, "days_left");
  if (warning != NULL)
    json_object_set_string_member (validity, "warning", warning);
  else
    json_object_set_null_member (validity, "warning");
  json_object_set_object_member (json_node_get_object (node), "validity", validity);
  return node;
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

/* ---- a routine's steps, here and under a run (dk-cli-runs.c) ---- */

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

void
_dk_cli_print_step_events (const DkRunStep *state)
{
  for (guint i = 0; i < state->ticks->len; i++)
    {
      const DkRunTick *tick = g_ptr_array_index (state->ticks, i);
      g_autofree char *at = _dk_cli_format_time (tick->at);
      g_autofree char *line = NULL;

      if (tick->done)
        /* Translators: "ticked by anna 2026-11-24 14:05" */
        line = g_strdup_printf (_("ticked by %s %s"), tick->by, at);
      else
        line = g_strdup_printf (_("unticked by %s %s"), tick->by, at);
      g_print ("      %s\n", line);
    }
  for (guint i = 0; i < state->notes->len; i++)
    {
      const DkRunNote *note = g_ptr_array_index (state->notes, i);
      g_autofree char *at = _dk_cli_format_time (note->at);
      /* Translators: "note by anna 2026-11-24 14:05: text" */
      g_autofree char *line = g_strdup_printf (_("note by %s %s: %s"),
                                               note->by != NULL ? note->by : "—", at,
                                               note->text);

      g_print ("      %s\n", line);
    }
}

void
_dk_cli_print_routine_steps (const DkRoutine *routine,
                             const DkRun     *run,
                             const DkCase    *kase)
{
  DkRoutinePhase current = run != NULL ? dk_run_get_phase (run, kase) : DK_ROUTINE_PHASE_BEFORE;

  for (int phase = DK_ROUTINE_PHASE_BEFORE; phase <= DK_ROUTINE_PHASE_LAST; phase++)
    {
      gboolean heading = FALSE;

      for (guint i = 0; i < routine->steps->len; i++)
        {
          DkRoutineStep *step = g_ptr_array_index (routine->steps, i);
          DkRunStep *state = NULL;
          g_autofree char *reason = NULL;
          const char *mark = "";

          if ((int) step->phase != phase)
            continue;
          if (!heading)
            {
              if (run != NULL)
                {
                  DkRunProgress progress;
                  g_autofree char *counts = NULL;

                  dk_run_get_progress (run, routine, kase, phase, &progress);
                  /* Translators: progress of a phase: "2 of 5 done" */
                  counts = g_strdup_printf (_("%u of %u done"), progress.done, progress.total);
                  if (progress.not_applicable > 0)
                    {
                      g_autofree char *more = g_strdup_printf (
                        g_dngettext (GETTEXT_PACKAGE, "%s, %u not applicable",
                                     "%s, %u not applicable", progress.not_applicable),
                        counts, progress.not_applicable);

                      g_free (counts);
                      counts = g_steal_pointer (&more);
                    }
                  g_print ("\n%s  (%s)%s\n", dk_routine_phase_label (phase), counts,
                           (int) current == phase ? _("  ← now") : "");
                }
              else
                {
                  g_print ("\n%s\n", dk_routine_phase_label (phase));
                }
              heading = TRUE;
            }

          if (run != NULL)
            {
              state = dk_run_find_step (run, step->id);
              reason = dk_run_dup_not_applicable_reason (step, kase);
              mark = reason != NULL ? "[-] " : state != NULL && state->done ? "[x] " : "[ ] ";
            }
          g_print ("  %s%s  %s\n", mark, step->id, step->text);
          if (reason != NULL)
            g_print ("      %s\n", reason);
          if (step->condition != NULL)
            g_print ("      %s %s\n", _("Only when:"), step->condition);
          if (step->contact != NULL)
            {
              g_autofree char *contact = dup_contact (step->contact);

              g_print ("      %s %s\n", _("Contact:"), contact);
            }
          if (step->form != NULL)
            g_print ("      %s %s\n", _("Form:"), step->form);
          if (step->deadline != NULL)
            {
              g_autofree char *deadline = dk_routine_dup_deadline_label (step->deadline);

              g_print ("      %s %s\n", _("Deadline:"), deadline != NULL ? deadline : step->deadline);
            }
          if (state != NULL)
            _dk_cli_print_step_events (state);
        }
    }
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
  g_autofree char *service = NULL;
  g_autofree char *audience = NULL;
  g_autofree char *search = NULL;
  gboolean json = FALSE;
  DkRoutineQuery query = { NULL, };
  DkStore *store;
  gint64 now = dk_time_now ();
  int status;
  const GOptionEntry entries[] = {
    { "service", 0, 0, G_OPTION_ARG_STRING, &service, N_("Only routines for this service"),
      N_("SERVICE") },
    { "audience", 0, 0, G_OPTION_ARG_STRING, &audience, N_("Only routines for this audience"),
      N_("AUDIENCE") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search,
      N_("Only routines whose title, steps, contacts or forms hold these words"), N_("TEXT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array of routines"), NULL },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, NULL,
                          _("Lists the reserve routines in the replica by service and audience, "
                            "with a warning when one has expired or expires within 30 days."),
                          entries, 0, 0, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  store = _dk_cli_get_store (cli, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  query.service = service;
  query.audience = audience;
  query.text = search;
  routines = dk_store_query_routines (store, &query, &error);
  if (routines == NULL)
    return _dk_cli_fail (command, error);

  if (_dk_cli_print_json_or_empty (routines, json, routine_to_json, _("No routines")))
    return DK_CLI_EXIT_OK;

  table = _dk_cli_table_new (6);
  _dk_cli_table_add (table, _("SERVICE"), _("AUDIENCE"), _("ID"), _("REV"), _("VALID UNTIL"),
                     _("TITLE"), NULL);
  for (guint i = 0; i < routines->len; i++)
    {
      DkRoutine *routine = g_ptr_array_index (routines, i);
      g_autofree char *services = dk_print_dup_service_names (store, routine->services);
      g_autofree char *revision = g_strdup_printf ("%" G_GINT64_FORMAT, routine->revision);
      g_autofree char *valid_until = _dk_cli_format_time (routine->valid_until);
      g_autofree char *warning = dk_routine_dup_validity_warning (routine, now);
      g_autofree char *title = NULL;

      if (warning != NULL)
        title = g_strdup_printf ("%s (%s)", routine->title, warning);
      else if (routine->approved_at == DK_TIME_UNSET)
        title = g_strdup_printf ("%s (%s)", routine->title, _("draft"));
      else
        title = g_strdup (routine->title);

      _dk_cli_table_add (table, services, routine->audience ? routine->audience : "—",
                         routine->id, revision, valid_until, title, NULL);
    }
  _dk_cli_table_print (table);

  return DK_CLI_EXIT_OK;
}

/* Fetches the revisions of a routine from the server (0: every one the caller sees). */
static GPtrArray *
fetch_revisions (DkCli       *cli,
                 const char  *routine_id,
                 gint64       revision,
                 GError     **error)
{
  DkSyncEngine *engine = _dk_cli_get_engine (cli, error);
  DkCliWait wait;
  GPtrArray *revisions;

  if (engine == NULL)
    return NULL;

  _dk_cli_wait_init (&wait);
  dk_sync_engine_fetch_routine_revisions_async (engine, routine_id, revision, NULL,
                                                _dk_cli_async_ready_cb, &wait);
  revisions = dk_sync_engine_fetch_routine_revisions_finish (engine, _dk_cli_wait_run (&wait),
                                                             error);
  _dk_cli_wait_clear (&wait);
  return revisions;
}

static DkRoutine *
fetch_revision (DkCli       *cli,
                const char  *routine_id,
                const char  *revision_text,
                GError     **error)
{
  g_autoptr(GPtrArray) revisions = NULL;
  guint64 revision;

  if (!g_ascii_string_to_unsigned (revision_text, 10, 1, G_MAXINT64, &revision, NULL))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("“%s” is not a revision number"), revision_text);
      return NULL;
    }

  revisions = fetch_revisions (cli, routine_id, (gint64) revision, error);
  if (revisions == NULL)
    return NULL;
  if (revisions->len != 1)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND,
                   _("The routine “%s” has no revision %s"), routine_id, revision_text);
      return NULL;
    }
  return dk_routine_ref (g_ptr_array_index (revisions, 0));
}

static JsonNode *
changes_to_json (GPtrArray *changes)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  static const char * const kinds[] = { "field", "step_added", "step_removed", "step_changed",
                                        "step_moved" };

  for (guint i = 0; i < changes->len; i++)
    {
      const DkRoutineChange *change = g_ptr_array_index (changes, i);
      JsonObject *object = json_object_new ();
      g_autofree char *text = dk_routine_change_describe (change);

      json_object_set_string_member (object, "kind", kinds[change->kind]);
      json_object_set_string_member (object, "step", change->step);
      json_object_set_string_member (object, "field", change->field);
      json_object_set_string_member (object, "old", change->old_value);
      json_object_set_string_member (object, "new", change->new_value);
      json_object_set_string_member (object, "text", text);
      json_array_add_object_element (array, object);
    }

  json_node_take_array (node, array);
  return node;
}

static int
show_diff (DkCli       *cli,
           const char  *command,
           const char  *routine_id,
           const char  *from,
           const char  *to,
           gboolean     json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkRoutine) old_routine = NULL;
  g_autoptr(DkRoutine) new_routine = NULL;
  g_autoptr(GPtrArray) changes = NULL;

  old_routine = fetch_revision (cli, routine_id, from, &error);
  if (old_routine == NULL)
    return _dk_cli_fail (command, error);
  new_routine = fetch_revision (cli, routine_id, to, &error);
  if (new_routine == NULL)
    return _dk_cli_fail (command, error);

  changes = dk_routine_diff (old_routine, new_routine);
  if (json)
    {
      g_autoptr(JsonNode) node = changes_to_json (changes);

      _dk_cli_print_json (node);
      return DK_CLI_EXIT_OK;
    }

  g_print (_("%s: revision %s → %s\n"), new_routine->title, from, to);
  if (changes->len == 0)
    g_print ("%s\n", _("No changes"));
  for (guint i = 0; i < changes->len; i++)
    {
      g_autofree char *line = dk_routine_change_describe (g_ptr_array_index (changes, i));

      g_print ("  %s\n", line);
    }

  return DK_CLI_EXIT_OK;
}

static int
show_revisions (DkCli      *cli,
                const char *command,
                const char *routine_id,
                gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) revisions = NULL;
  g_autoptr(DkCliTable) table = NULL;

  revisions = fetch_revisions (cli, routine_id, 0, &error);
  if (revisions == NULL)
    return _dk_cli_fail (command, error);

  if (json)
    {
      _dk_cli_print_json_array (revisions, routine_to_json);
      return DK_CLI_EXIT_OK;
    }

  table = _dk_cli_table_new (4);
  _dk_cli_table_add (table, _("REV"), _("APPROVED"), _("APPROVED BY"), _("VALID UNTIL"), NULL);
  for (guint i = 0; i < revisions->len; i++)
    {
      DkRoutine *routine = g_ptr_array_index (revisions, i);
      g_autofree char *revision = g_strdup_printf ("%" G_GINT64_FORMAT, routine->revision);
      g_autofree char *approved_at = _dk_cli_format_time (routine->approved_at);
      g_autofree char *valid_until = _dk_cli_format_time (routine->valid_until);

      _dk_cli_table_add (table, revision,
                         routine->approved_at == DK_TIME_UNSET ? _("draft") : approved_at,
                         routine->approved_by != NULL ? routine->approved_by : "—",
                         valid_until, NULL);
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
  g_autofree char *warning = NULL;
  gboolean json = FALSE;
  gboolean diff = FALSE;
  gboolean revisions = FALSE;
  DkStore *store = NULL;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the routine as JSON"), NULL },
    { "diff", 0, 0, G_OPTION_ARG_NONE, &diff,
      N_("Show what changed from revision REV1 to REV2 (asks the server)"), NULL },
    { "revisions", 0, 0, G_OPTION_ARG_NONE, &revisions,
      N_("List the kept revisions you may see (asks the server)"), NULL },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, _("ROUTINE [--diff REV1 REV2]"),
                          _("Shows a reserve routine with its document control and its steps "
                            "before, during and after an outage."),
                          entries, 1, 3, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;
  if (diff && argc != 4)
    return _dk_cli_usage_error (command, _("--diff needs two revisions: REV1 REV2"));
  if (!diff && argc != 2)
    return _dk_cli_usage_error (command, _("Give one routine (revisions only with --diff)"));
  if (diff && revisions)
    return _dk_cli_usage_error (command, _("--diff and --revisions do not go together"));

  if (diff)
    return show_diff (cli, command, argv[1], argv[2], argv[3], json);
  if (revisions)
    return show_revisions (cli, command, argv[1], json);

  routine = get_routine (cli, argv[1], &store, &error);
  if (routine == NULL)
    return _dk_cli_fail (command, error);

  if (json)
    {
      g_autoptr(JsonNode) node = routine_to_json (routine);

      _dk_cli_print_json (node);
      return DK_CLI_EXIT_OK;
    }

  warning = dk_routine_dup_validity_warning (routine, dk_time_now ());
  {
    g_autoptr(DkCliTable) table = _dk_cli_table_new (2);
    g_autofree char *services = dk_print_dup_service_names (store, routine->services);
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
    if (warning != NULL)
      _dk_cli_table_add (table, _("Warning:"), warning, NULL);
    _dk_cli_table_print (table);
  }
  _dk_cli_print_routine_steps (routine, NULL, NULL);

  return DK_CLI_EXIT_OK;
}
