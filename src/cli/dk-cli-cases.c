/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli-cases.c: driftkoll-cli list, show and search: the cases in the replica */

#define G_LOG_DOMAIN "dk-cli-cases"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-cli-private.h"

/* How many matches search shows. */
#define SEARCH_LIMIT 50

/* ---- helpers ---- */

/* The wire shape, plus "unread" (what could not be read) for a case read in part. */
static JsonNode *
case_to_json (gconstpointer item)
{
  const DkCase *kase = item;
  JsonNode *node = dk_case_to_json (kase);

  if (kase->unread != NULL)
    json_object_set_string_member (json_node_get_object (node), "unread", kase->unread);
  return node;
}

/* The case's number, or a note that the server has not numbered it yet. */
static char *
dup_case_label (DkStore      *store,
                const DkCase *kase)
{
  gboolean pending = dk_store_is_pending (store, "case", kase->id);

  if (kase->number == NULL)
    return g_strdup (_("(not sent)"));

  return pending ? g_strconcat (kase->number, "*", NULL) : g_strdup (kase->number);
}

/* What list and search print: a JSON array, a table or that there are none. */
static int
print_cases (DkStore   *store,
             GPtrArray *cases,
             gboolean   json)
{
  g_autoptr(DkCliTable) table = NULL;
  gboolean any_pending = FALSE;
  gboolean any_unread = FALSE;

  if (_dk_cli_print_json_or_empty (cases, json, case_to_json, _("No cases")))
    return DK_CLI_EXIT_OK;

  table = _dk_cli_table_new (6);
  _dk_cli_table_add (table, _("NUMBER"), _("KIND"), _("STATUS"), _("PRIO"), _("START"),
                     _("TITLE"), NULL);
  for (guint i = 0; i < cases->len; i++)
    {
      DkCase *kase = g_ptr_array_index (cases, i);
      g_autofree char *label = dup_case_label (store, kase);
      g_autofree char *start = _dk_cli_format_time (kase->start);
      g_autofree char *priority = g_strdup_printf ("%d", kase->priority);

      g_autofree char *title = NULL;

      if (dk_store_is_pending (store, "case", kase->id))
        any_pending = TRUE;
      /* A case read only in part is listed all the same, marked (issue 13). */
      if (kase->unread != NULL)
        any_unread = TRUE;
      title = g_strconcat (kase->unread != NULL ? "! " : "",
                           kase->title != NULL ? kase->title : "", NULL);
      _dk_cli_table_add (table, label, dk_case_kind_label (kase->kind),
                         dk_case_status_label (kase->status), priority, start, title, NULL);
    }
  _dk_cli_table_print (table);

  if (any_pending)
    g_print ("%s\n", _("* has local changes not yet sent; run “sync”"));
  if (any_unread)
    g_print ("%s\n", _("! could be read only in part; “show” says what is missing"));

  return DK_CLI_EXIT_OK;
}

static char *
dup_service_names (DkStore      *store,
                   const DkCase *kase)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < kase->services->len; i++)
    {
      const char *id = g_ptr_array_index (kase->services, i);
      g_autoptr(DkService) service = dk_store_get_service (store, id, NULL);

      if (names->len > 0)
        g_string_append (names, ", ");
      if (service != NULL && service->name != NULL)
        g_string_append_printf (names, "%s (%s)", service->name, id);
      else
        g_string_append (names, id);
    }

  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
print_indented (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    g_print ("  %s\n", lines[i]);
}

static void
print_case (DkStore      *store,
            const DkCase *kase)
{
  g_autoptr(DkCliTable) table = _dk_cli_table_new (2);
  g_autofree char *label = dup_case_label (store, kase);
  g_autofree char *services = dup_service_names (store, kase);
  g_autofree char *priority = NULL;
  g_autofree char *start = _dk_cli_format_time (kase->start);
  g_autofree char *expected_end = _dk_cli_format_time (kase->expected_end);
  g_autofree char *closed_at = _dk_cli_format_time (kase->closed_at);
  g_autofree char *heading = NULL;

  heading = g_strdup_printf ("%s  %s", label, kase->title != NULL ? kase->title : "");
  g_print ("%s\n\n", heading);
  if (kase->unread != NULL)
    g_print ("! %s\n\n", kase->unread);

  priority = g_strdup_printf ("%d – %s", kase->priority, dk_priority_label (kase->priority));

  _dk_cli_table_add (table, _("Id:"), kase->id, NULL);
  _dk_cli_table_add (table, _("Kind:"), dk_case_kind_label (kase->kind), NULL);
  _dk_cli_table_add (table, _("Area:"), dk_area_label (kase->area), NULL);
  _dk_cli_table_add (table, _("Status:"), dk_case_status_label (kase->status), NULL);
  _dk_cli_table_add (table, _("Priority:"), priority, NULL);
  if (kase->major)
    _dk_cli_table_add (table, _("Major incident:"), _("yes"), NULL);
  _dk_cli_table_add (table, _("Visible:"),
                     kase->public ? _("public") : _("internal"), NULL);
  _dk_cli_table_add (table, _("Services:"), services, NULL);
  _dk_cli_table_add (table, _("Start:"), start, NULL);
  _dk_cli_table_add (table, _("Expected end:"), expected_end, NULL);
  if (kase->closed_at != DK_TIME_UNSET)
    _dk_cli_table_add (table, _("Closed:"), closed_at, NULL);
  if (kase->external_ref != NULL)
    _dk_cli_table_add (table, _("Reference:"), kase->external_ref, NULL);
  if (kase->publisher != NULL)
    _dk_cli_table_add (table, _("Published by:"), kase->publisher, NULL);
  if (dk_store_is_pending (store, "case", kase->id))
    _dk_cli_table_add (table, _("Sync:"), _("local changes not yet sent"), NULL);
  _dk_cli_table_print (table);

  if (kase->description != NULL && kase->description[0] != '\0')
    {
      g_print ("\n%s\n", _("Description:"));
      print_indented (kase->description);
    }
  if (kase->scope != NULL && kase->scope[0] != '\0')
    {
      g_print ("\n%s\n", _("Scope:"));
      print_indented (kase->scope);
    }

  if (kase->updates->len > 0)
    {
      g_print ("\n%s\n", _("Updates:"));
      for (guint i = 0; i < kase->updates->len; i++)
        {
          DkCaseUpdate *update = g_ptr_array_index (kase->updates, i);
          g_autofree char *at = _dk_cli_format_time (update->at);

          g_print ("  %s  %s%s%s\n", at, dk_update_phrase_label (update->phrase),
                   update->author != NULL ? " · " : "",
                   update->author != NULL ? update->author : "");
          if (update->text != NULL && update->text[0] != '\0')
            {
              g_auto(GStrv) lines = g_strsplit (update->text, "\n", -1);

              for (guint j = 0; lines[j] != NULL; j++)
                g_print ("    %s\n", lines[j]);
            }
        }
    }

  if (kase->follow_ups != NULL && kase->follow_ups->len > 0)
    {
      g_print ("\n%s\n", _("Follow-up:"));
      for (guint i = 0; i < kase->follow_ups->len; i++)
        {
          DkCaseFollowUp *follow_up = g_ptr_array_index (kase->follow_ups, i);
          g_autofree char *at = _dk_cli_format_time (follow_up->at);

          g_print ("  %s%s%s\n", at, follow_up->author != NULL ? " · " : "",
                   follow_up->author != NULL ? follow_up->author : "");
          if (follow_up->text != NULL)
            {
              g_auto(GStrv) lines = g_strsplit (follow_up->text, "\n", -1);

              for (guint j = 0; lines[j] != NULL; j++)
                g_print ("    %s\n", lines[j]);
            }
        }
    }
}

/* ---- commands ---- */

int
_dk_cli_list (DkCli       *cli,
              const char  *command,
              int          argc,
              char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *area = NULL;
  g_autofree char *service = NULL;
  DkCaseQuery query = { 0 };
  gboolean archived = FALSE;
  gboolean json = FALSE;
  DkStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind,
      N_("Only cases of this kind: incident, planned or crisis"), N_("KIND") },
    { "area", 0, 0, G_OPTION_ARG_STRING, &area,
      N_("Only cases in this area: it_telephony, lab_medicine or facilities"), N_("AREA") },
    { "service", 0, 0, G_OPTION_ARG_STRING, &service,
      N_("Only cases that touch this service (its id)"), N_("SERVICE") },
    { "archived", 0, 0, G_OPTION_ARG_NONE, &archived,
      N_("The archive (closed more than 24 hours ago) instead of the current cases"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array of cases"), NULL },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, NULL,
                          _("Lists the current cases from the replica, or the archive."),
                          entries, 0, 0, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  if (kind != NULL)
    {
      query.filter_kind = TRUE;
      if (!dk_case_kind_from_string (kind, &query.kind))
        return _dk_cli_usage_error (command, _("Unknown kind “%s”"), kind);
    }
  if (area != NULL)
    {
      query.filter_area = TRUE;
      if (!dk_area_from_string (area, &query.area))
        return _dk_cli_usage_error (command, _("Unknown area “%s”"), area);
    }
  query.service = service;
  query.archived = archived;
  query.from = DK_TIME_UNSET;
  query.to = DK_TIME_UNSET;

  store = _dk_cli_get_store (cli, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);

  cases = dk_store_list_cases (store, &query, dk_time_now (), &error);
  if (cases == NULL)
    return _dk_cli_fail (command, error);

  return print_cases (store, cases, json);
}

int
_dk_cli_show (DkCli       *cli,
              const char  *command,
              int          argc,
              char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = NULL;
  gboolean json = FALSE;
  DkStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the case as JSON"), NULL },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, _("CASE"),
                          _("Shows one case, by number (DK-1042) or id, with its updates."),
                          entries, 1, 1, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  store = _dk_cli_get_store (cli, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);

  kase = dk_store_get_case (store, argv[1], &error);
  if (kase == NULL)
    return _dk_cli_fail (command, error);

  if (json)
    {
      g_autoptr(JsonNode) node = case_to_json (kase);

      _dk_cli_print_json (node);
    }
  else
    {
      print_case (store, kase);
    }

  return DK_CLI_EXIT_OK;
}

int
_dk_cli_search (DkCli       *cli,
                const char  *command,
                int          argc,
                char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  gboolean json = FALSE;
  DkStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array of cases"), NULL },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, _("TEXT"),
                          _("Searches the cases’ titles, descriptions, scopes, services and "
                            "updates; “atgard” finds “åtgärd”."),
                          entries, 1, 1, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  store = _dk_cli_get_store (cli, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);

  cases = dk_store_search_cases (store, argv[1], SEARCH_LIMIT, &error);
  if (cases == NULL)
    return _dk_cli_fail (command, error);

  return print_cases (store, cases, json);
}
