/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-local-template-changes.c: a publisher's message templates (template.save, .delete),
 * built the way dk-local-changes.c says; editable offline like everything else */

#define G_LOG_DOMAIN "dk-local-changes"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-local-changes-private.h"

/* The member a template deleted locally carries until the server's tombstone comes;
 * dk_store_list_templates () leaves such a template out. */
#define DELETED_MEMBER "deleted"

/**
 * dk_local_save_template:
 * @store: a #DkStore
 * @tmpl: the template; its id is set here when it has none
 * @base_revision: the revision the edit started from, 0 for a new template
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * A new template is the user's own (the server makes them its owner); @tmpl->team
 * shares it with a publishing role (0: private). Saving someone else's template is for
 * its team's members; the server judges.
 *
 * Returns: %TRUE when the template is in the outbox (and shows at once)
 */
gboolean
dk_local_save_template (DkStore     *store,
                        DkTemplate  *tmpl,
                        gint64       base_revision,
                        const char  *me,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(DkTemplate) local = NULL;
  g_autoptr(DkTemplate) checked = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(JsonNode) local_node = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (tmpl != NULL, FALSE);
  g_return_val_if_fail (base_revision >= 0, FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (tmpl->id == NULL)
    tmpl->id = g_uuid_string_random ();

  local = dk_template_copy (tmpl);
  if (base_revision == 0 || local->owner == NULL)
    {
      g_free (local->owner);
      local->owner = g_strdup (me);
    }
  local->updated_at = now;
  local->revision = base_revision;
  if (!dk_template_validate (local, error))
    return FALSE;

  /* read back the way the server reads it */
  data = dk_template_to_json (local);
  checked = dk_template_from_json (data, error);
  if (checked == NULL)
    return FALSE;
  _dk_local_remove_members (data, "owner", "updated_at", "revision", NULL);
  local_node = dk_template_to_json (local);

  return _dk_store_enqueue_at (store, now, "template.save", DK_TYPE_NAME_TEMPLATE, local->id,
                               base_revision, data, local_node, NULL, error);
}

/**
 * dk_local_delete_template:
 * @store: a #DkStore
 * @template_id: the template
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * The template leaves the lists at once; the server keeps a tombstone.
 *
 * Returns: %TRUE when the deletion is in the outbox
 */
gboolean
dk_local_delete_template (DkStore     *store,
                          const char  *template_id,
                          const char  *me,
                          gint64       now,
                          GError     **error)
{
  g_autoptr(DkTemplate) tmpl = NULL;
  g_autoptr(JsonNode) local_node = NULL;
  g_autoptr(JsonNode) data_node = NULL;
  JsonObject *data;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (template_id != NULL, FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  tmpl = dk_store_get_template (store, template_id, error);
  if (tmpl == NULL)
    return FALSE;

  local_node = dk_template_to_json (tmpl);
  json_object_set_boolean_member (json_node_get_object (local_node), DELETED_MEMBER, TRUE);
  data = _dk_local_new_data (tmpl->id);
  data_node = _dk_local_node_from_object (data);

  /* Deleting wins over an edit made meanwhile: no base revision. */
  return _dk_store_enqueue_at (store, now, "template.delete", DK_TYPE_NAME_TEMPLATE, tmpl->id,
                               0, data_node, local_node, NULL, error);
}
