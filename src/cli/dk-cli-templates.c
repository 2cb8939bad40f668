/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli-templates.c: driftkoll-cli templates and template save|delete: a publisher's
 * message templates */

#define G_LOG_DOMAIN "dk-cli-templates"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-cli-private.h"

static JsonNode *
template_to_json (gconstpointer item)
{
  return dk_template_to_json (item);
}

int
_dk_cli_templates (DkCli       *cli,
                   const char  *command,
                   int          argc,
                   char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) templates = NULL;
  g_autoptr(DkCliTable) table = NULL;
  gboolean json = FALSE;
  DkStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array of templates"), NULL },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, NULL,
                          _("Lists the message templates you may use: your own and your "
                            "team’s, by name."),
                          entries, 0, 0, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  store = _dk_cli_get_store (cli, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  templates = dk_store_list_templates (store, &error);
  if (templates == NULL)
    return _dk_cli_fail (command, error);

  if (_dk_cli_print_json_or_empty (templates, json, template_to_json, _("No templates")))
    return DK_CLI_EXIT_OK;

  table = _dk_cli_table_new (7);
  _dk_cli_table_add (table, _("ID"), _("LANGUAGE"), _("KIND"), _("AREA"), _("TEAM"), _("OWNER"),
                     _("NAME"), NULL);
  for (guint i = 0; i < templates->len; i++)
    {
      DkTemplate *tmpl = g_ptr_array_index (templates, i);
      g_autofree char *name = NULL;

      if (dk_store_is_pending (store, DK_TYPE_NAME_TEMPLATE, tmpl->id))
        /* Translators: a template not yet sent to the server */
        name = g_strdup_printf (_("%s (waiting to be sent)"), tmpl->name);
      else
        name = g_strdup (tmpl->name);
      _dk_cli_table_add (table, tmpl->id, tmpl->language,
                         dk_case_kind_to_string (tmpl->kind), dk_area_to_string (tmpl->area),
                         tmpl->team != 0 ? dk_role_to_string (tmpl->team) : _("private"),
                         tmpl->owner != NULL ? tmpl->owner : "—", name, NULL);
    }
  _dk_cli_table_print (table);

  return DK_CLI_EXIT_OK;
}

/* Sets *@field to @value when given. */
static void
take_option (char **field,
             char **value)
{
  if (*value == NULL)
    return;
  g_free (*field);
  *field = g_steal_pointer (value);
}

static int
template_save (DkCli       *cli,
               const char  *command,
               int          argc,
               char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkTemplate) tmpl = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *language = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *area = NULL;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *team = NULL;
  gint64 base_revision = 0;
  DkCaseKind kind_value = DK_CASE_KIND_INCIDENT;
  DkArea area_value = DK_AREA_IT_TELEPHONY;
  DkRole team_value = 0;
  DkStore *store;
  const char *me;
  int status;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("What you call the template (required)"),
      N_("NAME") },
    { "language", 0, 0, G_OPTION_ARG_STRING, &language, N_("sv, nb or en (required)"),
      N_("LANGUAGE") },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind,
      N_("incident, planned or crisis (required)"), N_("KIND") },
    { "area", 0, 0, G_OPTION_ARG_STRING, &area,
      N_("it_telephony, lab_medicine or facilities (required)"), N_("AREA") },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("The title (required)"), N_("TEXT") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description,
      N_("The description, with {service}, {start}, {scope} and {expected_end} filled in "
         "when it is used (required)"), N_("TEXT") },
    { "scope", 0, 0, G_OPTION_ARG_STRING, &scope, N_("Who and what is affected"), N_("TEXT") },
    { "team", 0, 0, G_OPTION_ARG_STRING, &team,
      N_("Share it with a publishing role you hold (“none”: private, the default)"),
      N_("ROLE") },
    { "id", 0, 0, G_OPTION_ARG_STRING, &id,
      N_("Change the template with this id; options not given stay as they are"), N_("ID") },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, NULL,
                          _("Saves a message template, new or changed. It waits in the outbox "
                            "until “sync” sends it. Prints the template’s id."),
                          entries, 0, 0, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  /* what can be checked without the replica, first: bad usage is 2 whoever runs it */
  if (id == NULL)
    {
      if (name == NULL)
        return _dk_cli_usage_error (command, _("--name is required"));
      if (language == NULL)
        return _dk_cli_usage_error (command, _("--language is required"));
      if (kind == NULL)
        return _dk_cli_usage_error (command, _("--kind is required"));
      if (area == NULL)
        return _dk_cli_usage_error (command, _("--area is required"));
      if (title == NULL)
        return _dk_cli_usage_error (command, _("--title is required"));
      if (description == NULL)
        return _dk_cli_usage_error (command, _("--description is required"));
    }
  if (kind != NULL && !dk_case_kind_from_string (kind, &kind_value))
    return _dk_cli_usage_error (command, _("Unknown kind “%s”"), kind);
  if (area != NULL && !dk_area_from_string (area, &area_value))
    return _dk_cli_usage_error (command, _("Unknown area “%s”"), area);
  if (team != NULL && !g_str_equal (team, "none") && team[0] != '\0' &&
      !dk_role_from_string (team, &team_value))
    return _dk_cli_usage_error (command, _("Unknown role “%s”"), team);

  store = _dk_cli_get_store_as_me (cli, &me, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);

  /* --id of a template here changes it; an unknown one names a new template */
  if (id != NULL)
    tmpl = dk_store_get_template (store, id, NULL);
  if (tmpl != NULL)
    {
      base_revision = tmpl->revision;
    }
  else
    {
      if (name == NULL || language == NULL || kind == NULL || area == NULL || title == NULL ||
          description == NULL)
        {
          g_set_error (&error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND,
                       _("There is no template “%s” here; a new one needs --name, "
                         "--language, --kind, --area, --title and --description"), id);
          return _dk_cli_fail (command, error);
        }
      tmpl = dk_template_new ();
      tmpl->id = g_steal_pointer (&id);
    }

  if (kind != NULL)
    tmpl->kind = kind_value;
  if (area != NULL)
    tmpl->area = area_value;
  if (team != NULL)
    tmpl->team = team_value;
  take_option (&tmpl->name, &name);
  take_option (&tmpl->language, &language);
  take_option (&tmpl->title, &title);
  take_option (&tmpl->description, &description);
  take_option (&tmpl->scope, &scope);

  if (!dk_local_save_template (store, tmpl, base_revision, me, dk_time_now (), &error))
    return _dk_cli_fail (command, error);

  g_print ("%s\n", tmpl->id);

  return DK_CLI_EXIT_OK;
}

static int
template_delete (DkCli       *cli,
                 const char  *command,
                 int          argc,
                 char       **argv)
{
  g_autoptr(GError) error = NULL;
  DkStore *store;
  const char *me;
  int status;

  status = _dk_cli_parse (cli, command, _("ID"),
                          _("Deletes a message template. It waits in the outbox until “sync” "
                            "sends it."),
                          NULL, 1, 1, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  store = _dk_cli_get_store_as_me (cli, &me, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  if (!dk_local_delete_template (store, argv[1], me, dk_time_now (), &error))
    return _dk_cli_fail (command, error);

  return DK_CLI_EXIT_OK;
}

static const DkCliCommand template_commands[] = {
  { "save", N_("Save a new or changed message template"), template_save },
  { "delete", N_("Delete a message template"), template_delete },
};

int
_dk_cli_template (DkCli       *cli,
                  const char  *command,
                  int          argc,
                  char       **argv)
{
  return _dk_cli_dispatch (cli, command, _("A publisher’s message templates."),
                           template_commands, G_N_ELEMENTS (template_commands), argc, argv);
}
