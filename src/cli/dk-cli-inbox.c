/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli-inbox.c: driftkoll-cli inbox, link and report ack|close: the report handlers'
 * side of fault reports and urgent cases */

#define G_LOG_DOMAIN "dk-cli-inbox"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-cli-private.h"

/* The roles the replica's session has; FALSE when it has none kept (unknown). */
static gboolean
get_roles (DkStore *store,
           DkRole  *out_roles)
{
  g_autofree char *text = dk_store_dup_meta (store, "roles");

  *out_roles = 0;
  return text != NULL && dk_roles_from_string (text, out_roles, NULL);
}

static char *
dup_service_name (DkStore    *store,
                  const char *service_id)
{
  g_autoptr(DkService) service = NULL;

  if (service_id == NULL || service_id[0] == '\0')
    return g_strdup ("—");
  service = dk_store_get_service (store, service_id, NULL);
  return g_strdup (service != NULL && service->name != NULL ? service->name : service_id);
}

/* Whether a handler of @areas sees a report on @service_id: the service's area is
 * theirs (a service the replica does not know is shown). */
static gboolean
in_areas (DkStore    *store,
          const char *service_id,
          guint       areas)
{
  g_autoptr(DkService) service = NULL;

  if (service_id == NULL)
    return TRUE;
  service = dk_store_get_service (store, service_id, NULL);
  return service == NULL || (areas & (1u << service->area)) != 0;
}

static JsonNode *
group_to_json (DkStore      *store,
               DkInboxGroup *group)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *name = dup_service_name (store, group->service);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "service");
  json_builder_add_string_value (builder, group->service);
  json_builder_set_member_name (builder, "service_name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "probable_incident");
  json_builder_add_boolean_value (builder, group->probable_incident);
  json_builder_set_member_name (builder, "has_urgent");
  json_builder_add_boolean_value (builder, group->has_urgent);
  json_builder_set_member_name (builder, "units");
  json_builder_add_int_value (builder, group->units);
  json_builder_set_member_name (builder, "reports");
  json_builder_begin_array (builder);
  for (guint i = 0; i < group->reports->len; i++)
    json_builder_add_value (builder, dk_report_to_json (g_ptr_array_index (group->reports, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
print_group (DkStore      *store,
             DkInboxGroup *group)
{
  g_autoptr(DkCliTable) table = _dk_cli_table_new (5);
  g_autofree char *name = dup_service_name (store, group->service);
  g_autofree char *n_reports = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u report",
                                                             "%u reports", group->reports->len),
                                                group->reports->len);
  g_autofree char *n_units = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u unit",
                                                           "%u units", group->units),
                                              group->units);
  g_autoptr(GString) header = g_string_new (NULL);

  /* Translators: "TES (3 reports, 3 units)" */
  g_string_printf (header, _("%s (%s, %s)"), name, n_reports, n_units);
  if (group->probable_incident)
    g_string_append_printf (header, " — %s", _("PROBABLE INCIDENT"));
  if (group->has_urgent)
    g_string_append_printf (header, " — %s", _("URGENT"));
  g_print ("%s\n", header->str);

  for (guint i = 0; i < group->reports->len; i++)
    {
      DkReport *report = g_ptr_array_index (group->reports, i);
      g_autofree char *number = g_strdup_printf ("  %s", report->number != NULL
                                                 ? report->number : report->id);
      g_autofree char *at = _dk_cli_format_time (report->created_at);
      g_autofree char *state = NULL;
      g_autofree char *what = g_strdup_printf ("%s: %s", report->reporter,
                                               report->description);

      if (report->kind == DK_REPORT_KIND_URGENT)
        state = g_strdup_printf ("%s, %s", dk_report_state_label (report->state),
                                 dk_report_kind_label (report->kind));
      else if (report->state == DK_REPORT_STATE_LINKED && report->case_number != NULL)
        state = g_strdup_printf ("%s %s", dk_report_state_label (report->state),
                                 report->case_number);
      else
        state = g_strdup (dk_report_state_label (report->state));
      _dk_cli_table_add (table, number, at, state, report->unit, what, NULL);
    }
  _dk_cli_table_print (table);
}

int
_dk_cli_inbox (DkCli       *cli,
               const char  *command,
               int          argc,
               char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  gboolean json = FALSE;
  gboolean all = FALSE;
  int threshold = DK_INBOX_DEFAULT_THRESHOLD;
  int window = DK_INBOX_DEFAULT_WINDOW_SECONDS / 60;
  DkStore *store;
  DkRole roles = 0;
  guint areas = G_MAXUINT;
  int status;
  const GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all,
      N_("Linked and closed reports too, not only those waiting"), NULL },
    { "threshold", 0, 0, G_OPTION_ARG_INT, &threshold,
      N_("How many units make a probable incident (3)"), N_("N") },
    { "window", 0, 0, G_OPTION_ARG_INT, &window,
      N_("Within how many minutes (30)"), N_("MINUTES") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print a JSON array of groups, each with its reports"), NULL },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, NULL,
                          _("Lists the fault reports and urgent cases waiting for you, newest "
                            "first, by service; a service that several units reported within a "
                            "short time is marked as a probable incident."),
                          entries, 0, 0, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;
  if (threshold < 1)
    return _dk_cli_usage_error (command, _("--threshold must be at least 1"));
  if (window < 1)
    return _dk_cli_usage_error (command, _("--window must be at least 1"));

  store = _dk_cli_get_store (cli, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  if (get_roles (store, &roles))
    {
      if (!dk_rules_check_may_handle_reports (roles, &error))
        return _dk_cli_fail (command, error);
      areas = dk_rules_report_inbox_areas (roles);
    }

  reports = dk_store_list_reports (store, &error);
  if (reports == NULL)
    return _dk_cli_fail (command, error);
  shown = g_ptr_array_new ();
  for (guint i = 0; i < reports->len; i++)
    {
      DkReport *report = g_ptr_array_index (reports, i);

      if ((all || dk_inbox_report_is_open (report)) && in_areas (store, report->service, areas))
        g_ptr_array_add (shown, report);
    }
  groups = dk_inbox_group (shown, (guint) threshold, (gint64) window * 60, dk_time_now ());

  if (json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      g_autoptr(JsonArray) array = json_array_new ();

      for (guint i = 0; i < groups->len; i++)
        json_array_add_element (array, group_to_json (store, g_ptr_array_index (groups, i)));
      json_node_set_array (root, array);
      _dk_cli_print_json (root);
      return DK_CLI_EXIT_OK;
    }

  if (groups->len == 0)
    {
      g_print ("%s\n", _("No reports are waiting"));
      return DK_CLI_EXIT_OK;
    }
  for (guint i = 0; i < groups->len; i++)
    {
      if (i > 0)
        g_print ("\n");
      print_group (store, g_ptr_array_index (groups, i));
    }

  return DK_CLI_EXIT_OK;
}

int
_dk_cli_link (DkCli       *cli,
              const char  *command,
              int          argc,
              char       **argv)
{
  g_autoptr(GError) error = NULL;
  DkStore *store;
  const char *me;
  int status;

  status = _dk_cli_parse (cli, command, _("REPORT CASE"),
                          _("Links a fault report or urgent case (number or id) to the case "
                            "about it; its reporter hears of it. It waits in the outbox until "
                            "“sync” sends it."),
                          NULL, 2, 2, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  store = _dk_cli_get_store_as_me (cli, &me, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  if (!dk_local_link_report (store, argv[1], argv[2], me, dk_time_now (), &error))
    return _dk_cli_fail (command, error);

  return DK_CLI_EXIT_OK;
}

typedef gboolean (*ReportNoteFunc) (DkStore     *store,
                                    const char  *report_id_or_number,
                                    const char  *note,
                                    const char  *me,
                                    gint64       now,
                                    GError     **error);

static int
handle_report (DkCli          *cli,
               const char     *command,
               const char     *summary,
               ReportNoteFunc  func,
               int             argc,
               char          **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  DkStore *store;
  const char *me;
  int status;
  const GOptionEntry entries[] = {
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("A note the reporter sees"), N_("TEXT") },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, _("REPORT"), summary, entries, 1, 1, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  store = _dk_cli_get_store_as_me (cli, &me, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  if (!func (store, argv[1], note, me, dk_time_now (), &error))
    return _dk_cli_fail (command, error);

  return DK_CLI_EXIT_OK;
}

int
_dk_cli_report_ack (DkCli       *cli,
                    const char  *command,
                    int          argc,
                    char       **argv)
{
  return handle_report (cli, command,
                        _("Acknowledges a new fault report or urgent case (number or id). It "
                          "waits in the outbox until “sync” sends it."),
                        dk_local_acknowledge_report, argc, argv);
}

int
_dk_cli_report_close (DkCli       *cli,
                      const char  *command,
                      int          argc,
                      char       **argv)
{
  return handle_report (cli, command,
                        _("Closes a fault report or urgent case (number or id). It waits in "
                          "the outbox until “sync” sends it."),
                        dk_local_close_report, argc, argv);
}
