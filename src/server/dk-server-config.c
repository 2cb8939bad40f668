/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-config.c: a command's long options read from a GKeyFile group */

#define G_LOG_DOMAIN "dk-server-config"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dk-core.h"
#include "dk-server-config.h"

struct _DkServerConfig {
  char       *display;   /* the file, for messages */
  GHashTable *applied;   /* key → the text the file gave it */
};

static gboolean
takes_argument (const GOptionEntry *entry)
{
  if (entry->arg == G_OPTION_ARG_NONE)
    return FALSE;
  if (entry->arg == G_OPTION_ARG_CALLBACK && (entry->flags & G_OPTION_FLAG_NO_ARG) != 0)
    return FALSE;

  return TRUE;
}

static const GOptionEntry *
find_entry (const GOptionEntry *entries,
            const char         *name)
{
  for (const GOptionEntry *e = entries; e->long_name != NULL; e++)
    if (g_str_equal (e->long_name, name))
      return e;

  return NULL;
}

/**
 * dk_server_config_scan_flags:
 * @entries: the command's options, ending in G_OPTION_ENTRY_NULL
 * @argc: the number of arguments
 * @argv: the arguments, argv[0] the command
 *
 * Lists the long options a command line gives, before GOption parses it.
 *
 * Returns: (transfer full): a set of option names (without "--")
 */
GHashTable *
dk_server_config_scan_flags (const GOptionEntry  *entries,
                             int                  argc,
                             char               **argv)
{
  g_autoptr(GHashTable) given = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (entries != NULL, NULL);

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      const char *equals;
      const GOptionEntry *entry;
      g_autofree char *name = NULL;

      if (g_str_equal (arg, "--"))
        break;
      if (!g_str_has_prefix (arg, "--"))
        continue;

      equals = strchr (arg, '=');
      name = equals != NULL ? g_strndup (arg + 2, equals - arg - 2) : g_strdup (arg + 2);
      entry = find_entry (entries, name);
      /* "--listen 127.0.0.1:8080": the value is not an option of its own */
      if (entry != NULL && equals == NULL && takes_argument (entry))
        i++;
      g_hash_table_add (given, g_steal_pointer (&name));
    }

  return g_steal_pointer (&given);
}

static gboolean
fail_value (DkServerConfig  *self,
            const char      *key,
            const char      *value,
            const char      *expected,
            GError         **error)
{
  /* Translators: "/etc/driftkoll/server.conf: key “no-snapshots”: “maybe” is not true
   * or false" */
  g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: key “%s”: “%s” is not %s"),
               self->display, key, value, expected);
  return FALSE;
}

static gboolean
apply_entry (DkServerConfig      *self,
             GKeyFile            *file,
             const char          *group,
             const GOptionEntry  *entry,
             const char          *value,
             GError             **error)
{
  const char *key = entry->long_name;
  g_autoptr(GError) local = NULL;

  switch (entry->arg)
    {
    case G_OPTION_ARG_NONE:
      {
        gboolean on = g_key_file_get_boolean (file, group, key, &local);

        if (local != NULL)
          return fail_value (self, key, value, _("true or false"), error);
        if ((entry->flags & G_OPTION_FLAG_REVERSE) != 0)
          on = !on;
        *(gboolean *) entry->arg_data = on;
        return TRUE;
      }

    case G_OPTION_ARG_STRING:
    case G_OPTION_ARG_FILENAME:
      {
        char *text = g_key_file_get_string (file, group, key, &local);

        if (text == NULL)
          return fail_value (self, key, value, _("a text"), error);
        g_free (*(char **) entry->arg_data);
        *(char **) entry->arg_data = text;
        return TRUE;
      }

    case G_OPTION_ARG_STRING_ARRAY:
    case G_OPTION_ARG_FILENAME_ARRAY:
      {
        char **list = g_key_file_get_string_list (file, group, key, NULL, &local);

        if (list == NULL)
          return fail_value (self, key, value, _("a list separated by ;"), error);
        g_strfreev (*(char ***) entry->arg_data);
        *(char ***) entry->arg_data = list;
        return TRUE;
      }

    case G_OPTION_ARG_INT:
      {
        int number = g_key_file_get_integer (file, group, key, &local);

        if (local != NULL)
          return fail_value (self, key, value, _("a whole number"), error);
        *(int *) entry->arg_data = number;
        return TRUE;
      }

    case G_OPTION_ARG_INT64:
      {
        gint64 number = g_key_file_get_int64 (file, group, key, &local);

        if (local != NULL)
          return fail_value (self, key, value, _("a whole number"), error);
        *(gint64 *) entry->arg_data = number;
        return TRUE;
      }

    case G_OPTION_ARG_DOUBLE:
      {
        double number = g_key_file_get_double (file, group, key, &local);

        if (local != NULL)
          return fail_value (self, key, value, _("a number"), error);
        *(double *) entry->arg_data = number;
        return TRUE;
      }

    case G_OPTION_ARG_CALLBACK:
      {
        GOptionArgFunc callback = (GOptionArgFunc) entry->arg_data;
        g_autofree char *option = g_strconcat ("--", key, NULL);
        g_autofree char *text = NULL;

        if (!takes_argument (entry))
          {
            if (!g_key_file_get_boolean (file, group, key, &local))
              return local == NULL || fail_value (self, key, value, _("true or false"), error);
          }
        else if ((text = g_key_file_get_string (file, group, key, &local)) == NULL)
          {
            return fail_value (self, key, value, _("a text"), error);
          }

        if (!callback (option, text, NULL, &local))
          {
            g_autofree char *message = dk_server_config_explain (self, key, local->message);

            g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID, message);
            return FALSE;
          }
        return TRUE;
      }
    }

  g_return_val_if_reached (FALSE);
}

/**
 * dk_server_config_apply:
 * @path: the configuration file
 * @group: the group of the command, "serve"
 * @entries: the command's options, ending in G_OPTION_ENTRY_NULL
 * @given: (nullable): the options the command line gave (dk_server_config_scan_flags)
 * @skip_key: (nullable): an option that cannot be in the file (--config itself)
 * @error: where to say what is wrong, naming the file, the key and the value
 *
 * Sets the variables of @entries from the keys of @group, one key per long option of
 * the same name and value syntax (booleans "true"/"false"), except those in @given.
 *
 * Returns: (transfer full) (nullable): what the file set, or NULL with @error
 */
DkServerConfig *
dk_server_config_apply (const char          *path,
                        const char          *group,
                        const GOptionEntry  *entries,
                        GHashTable          *given,
                        const char          *skip_key,
                        GError             **error)
{
  g_autoptr(DkServerConfig) self = NULL;
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) groups = NULL;
  g_auto(GStrv) keys = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (group != NULL, NULL);
  g_return_val_if_fail (entries != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (DkServerConfig, 1);
  self->display = g_filename_display_name (path);
  self->applied = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local))
    {
      /* Translators: "/etc/driftkoll/server.conf: cannot read the configuration: …" */
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: cannot read the configuration: %s"),
                   self->display, local->message);
      return NULL;
    }

  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if (!g_str_equal (groups[i], group))
      {
        g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                     _("%s: unknown group [%s]; the options go in [%s]"),
                     self->display, groups[i], group);
        return NULL;
      }

  if (!g_key_file_has_group (file, group))
    return g_steal_pointer (&self);

  keys = g_key_file_get_keys (file, group, NULL, NULL);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      const GOptionEntry *entry = find_entry (entries, keys[i]);
      g_autofree char *value = g_key_file_get_value (file, group, keys[i], NULL);

      if (entry == NULL || (skip_key != NULL && g_str_equal (keys[i], skip_key)) ||
          (entry->flags & G_OPTION_FLAG_HIDDEN) != 0)
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                       _("%s: unknown key “%s” (value “%s”) in [%s]"),
                       self->display, keys[i], value, group);
          return NULL;
        }

      if (given != NULL && g_hash_table_contains (given, keys[i]))
        {
          g_debug ("%s: %s is given on the command line, which wins", self->display, keys[i]);
          continue;
        }

      if (!apply_entry (self, file, group, entry, value, error))
        return NULL;
      g_hash_table_insert (self->applied, g_strdup (keys[i]), g_steal_pointer (&value));
    }

  return g_steal_pointer (&self);
}

const char *
dk_server_config_lookup (DkServerConfig *config,
                         const char     *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  if (config == NULL)
    return NULL;

  return g_hash_table_lookup (config->applied, key);
}

char *
dk_server_config_explain (DkServerConfig *config,
                          const char     *key,
                          const char     *message)
{
  const char *value = dk_server_config_lookup (config, key);

  g_return_val_if_fail (message != NULL, NULL);

  if (value == NULL)
    return g_strdup (message);

  /* Translators: "/etc/driftkoll/server.conf: key “listen”, value “x”: … is not …" */
  return g_strdup_printf (_("%s: key “%s”, value “%s”: %s"), config->display, key, value,
                          message);
}

void
dk_server_config_free (DkServerConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->display);
  g_hash_table_unref (config->applied);
  g_free (config);
}
