/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli-units.c: driftkoll-cli units and unit save|delete: the catalogue of units */

#define G_LOG_DOMAIN "dk-cli-units"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-cli-private.h"

static JsonNode *
unit_to_json (gconstpointer item)
{
  return dk_unit_to_json (item);
}

/* "Avd 12, Avd. 12" (transfer full) */
static char *
join_aliases (const DkUnit *unit)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < unit->aliases->len; i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, g_ptr_array_index (unit->aliases, i));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

int
_dk_cli_units (DkCli       *cli,
               const char  *command,
               int          argc,
               char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(DkCliTable) table = NULL;
  gboolean json = FALSE;
  DkStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array of units"), NULL },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, NULL,
                          _("Lists the catalogue of units with their aliases, by name."),
                          entries, 0, 0, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  store = _dk_cli_get_store (cli, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  units = dk_store_list_units (store, &error);
  if (units == NULL)
    return _dk_cli_fail (command, error);

  if (_dk_cli_print_json_or_empty (units, json, unit_to_json, _("No units")))
    return DK_CLI_EXIT_OK;

  table = _dk_cli_table_new (3);
  _dk_cli_table_add (table, _("ID"), _("NAME"), _("ALIASES"), NULL);
  for (guint i = 0; i < units->len; i++)
    {
      DkUnit *unit = g_ptr_array_index (units, i);
      g_autofree char *name = NULL;
      g_autofree char *aliases = join_aliases (unit);

      if (dk_store_is_pending (store, DK_TYPE_NAME_UNIT, unit->id))
        /* Translators: a unit not yet sent to the server */
        name = g_strdup_printf (_("%s (waiting to be sent)"), unit->name);
      else
        name = g_strdup (unit->name);
      _dk_cli_table_add (table, unit->id, name, *aliases != '\0' ? aliases : "—", NULL);
    }
  _dk_cli_table_print (table);

  return DK_CLI_EXIT_OK;
}

/* The unit --id names, or without --id the unit whose name (not alias) is @name; NULL
 * for a new one. DK_STORE_ERROR_NOT_FOUND for an --id that is not in the catalogue. */
static DkUnit *
find_saved_unit (DkStore     *store,
                 const char  *id,
                 const char  *name,
                 GError     **error)
{
  g_autoptr(GPtrArray) units = dk_store_list_units (store, error);
  g_autofree char *key = dk_unit_key (name);

  if (units == NULL)
    return NULL;
  for (guint i = 0; i < units->len; i++)
    {
      DkUnit *unit = g_ptr_array_index (units, i);
      g_autofree char *unit_key = dk_unit_key (unit->name);

      if (id != NULL ? g_strcmp0 (unit->id, id) == 0 : g_str_equal (unit_key, key))
        return dk_unit_ref (unit);
    }
  if (id != NULL)
    g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_NOT_FOUND,
                 _("There is no unit with the id “%s” in the catalogue"), id);
  return NULL;
}

static int
unit_save (DkCli       *cli,
           const char  *command,
           int          argc,
           char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkUnit) unit = NULL;
  g_autofree char *id = NULL;
  g_auto(GStrv) aliases = NULL;
  gboolean no_aliases = FALSE;
  gint64 base_revision = 0;
  DkStore *store;
  const char *me;
  int status;
  const GOptionEntry entries[] = {
    { "alias", 0, 0, G_OPTION_ARG_STRING_ARRAY, &aliases,
      N_("Another name staff use for the unit (repeat for more); given, they replace the "
         "unit’s aliases"), N_("ALIAS") },
    { "no-aliases", 0, 0, G_OPTION_ARG_NONE, &no_aliases, N_("Remove every alias"), NULL },
    { "id", 0, 0, G_OPTION_ARG_STRING, &id,
      N_("Rename the unit with this id (see “units”)"), N_("ID") },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, _("NAME"),
                          _("Saves a unit of the catalogue, new or changed: without --id, the "
                            "unit of that name, or a new one. It waits in the outbox until "
                            "“sync” sends it. Prints the unit’s id."),
                          entries, 1, 1, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;
  if (no_aliases && aliases != NULL)
    return _dk_cli_usage_error (command, _("--alias and --no-aliases exclude each other"));

  store = _dk_cli_get_store_as_me (cli, &me, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);

  unit = find_saved_unit (store, id, argv[1], &error);
  if (unit == NULL && error != NULL)
    return _dk_cli_fail (command, error);
  if (unit != NULL)
    {
      g_autoptr(DkUnit) copy = dk_unit_copy (unit);

      base_revision = unit->revision;
      g_clear_pointer (&unit, dk_unit_unref);
      unit = g_steal_pointer (&copy);
    }
  else
    {
      unit = dk_unit_new ();
    }

  g_free (unit->name);
  unit->name = g_strdup (argv[1]);
  if (aliases != NULL || no_aliases)
    {
      g_ptr_array_set_size (unit->aliases, 0);
      for (guint i = 0; aliases != NULL && aliases[i] != NULL; i++)
        g_ptr_array_add (unit->aliases, g_strdup (aliases[i]));
    }

  if (!dk_local_save_unit (store, unit, base_revision, me, dk_time_now (), &error))
    return _dk_cli_fail (command, error);

  g_print ("%s\n", unit->id);

  return DK_CLI_EXIT_OK;
}

static int
unit_delete (DkCli       *cli,
             const char  *command,
             int          argc,
             char       **argv)
{
  g_autoptr(GError) error = NULL;
  DkStore *store;
  const char *me;
  int status;

  status = _dk_cli_parse (cli, command, _("UNIT"),
                          _("Deletes a unit (by id, name or alias) from the catalogue. Runs and "
                            "reports that name it keep their text. It waits in the outbox "
                            "until “sync” sends it."),
                          NULL, 1, 1, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  store = _dk_cli_get_store_as_me (cli, &me, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);
  if (!dk_local_delete_unit (store, argv[1], me, dk_time_now (), &error))
    return _dk_cli_fail (command, error);

  return DK_CLI_EXIT_OK;
}

static const DkCliCommand unit_commands[] = {
  { "save", N_("Save a new or changed unit of the catalogue"), unit_save },
  { "delete", N_("Delete a unit from the catalogue"), unit_delete },
};

int
_dk_cli_unit (DkCli       *cli,
              const char  *command,
              int          argc,
              char       **argv)
{
  return _dk_cli_dispatch (cli, command,
                           _("The catalogue of units, kept by admins and routine owners."),
                           unit_commands, G_N_ELEMENTS (unit_commands), argc, argv);
}

/**
 * _dk_cli_resolve_unit:
 * @store: the replica
 * @unit: a unit as given on the command line
 *
 * Returns: (transfer full): the catalogue's name of @unit (an alias gives the name), or
 *   @unit as it is when the catalogue has no such unit
 */
char *
_dk_cli_resolve_unit (DkStore    *store,
                      const char *unit)
{
  char *name = dk_store_resolve_unit (store, unit);

  return name != NULL ? name : g_strstrip (g_strdup (unit));
}
