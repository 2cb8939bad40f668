/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-mutations-template.c: template.save and template.delete
 *
 * A template belongs to its owner and, when shared, to its team: the holders of one
 * publishing role. Either may change or delete it; nobody else sees it.
 */

#define G_LOG_DOMAIN "dk-server-mutations"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-server-mutations-private.h"
#include "dk-server-objects.h"

static gboolean
check_may_publish_any (const DkMutation  *mutation,
                       GError           **error)
{
  if (dk_rules_may_publish_any (mutation->viewer->roles))
    return TRUE;

  g_set_error_literal (error, DK_ERROR, DK_ERROR_FORBIDDEN,
                       _("Message templates are for those who publish cases"));
  return FALSE;
}

/* The owner of @tmpl and the holders of its team may change it. */
static gboolean
check_may_change (const DkMutation  *mutation,
                  const DkTemplate  *tmpl,
                  GError           **error)
{
  if (dk_template_is_visible_to (tmpl, mutation->viewer->username, mutation->viewer->roles))
    return TRUE;

  g_set_error_literal (error, DK_ERROR, DK_ERROR_FORBIDDEN,
                       _("This is a template of another team; only its owner and its team "
                         "may change it"));
  return FALSE;
}

/* A shared template goes to a team the caller belongs to. */
static gboolean
check_team (const DkMutation  *mutation,
            const DkTemplate  *tmpl,
            GError           **error)
{
  if (tmpl->team == 0 || (mutation->viewer->roles & tmpl->team) != 0)
    return TRUE;

  g_set_error (error, DK_ERROR, DK_ERROR_FORBIDDEN,
               /* Translators: %s is a role ("Service desk") */
               _("team: a template can only be shared with your own team, not “%s”"),
               dk_role_label (tmpl->team));
  return FALSE;
}

/* The stored template, NULL when there is none; DK_ERROR_NOT_FOUND when it was deleted. */
static gboolean
load_current (const DkMutation  *mutation,
              const char        *id,
              DkTemplate       **out,
              GError           **error)
{
  gboolean exists;

  *out = NULL;
  if (!_dk_mutation_find_live_object (mutation->db, DK_TYPE_NAME_TEMPLATE, id,
                                      _("The template was deleted"), &exists, error))
    return FALSE;
  if (!exists)
    return TRUE;

  *out = dk_server_load_template (mutation->db, id, error);
  return *out != NULL;
}

/* ---- template.save ---- */

gboolean
_dk_mutation_apply_template_save (const DkMutation   *mutation,
                                  DkMutationOutcome  *outcome,
                                  GError            **error)
{
  g_autoptr(DkTemplate) tmpl = NULL;
  g_autoptr(DkTemplate) current = NULL;

  if (!check_may_publish_any (mutation, error))
    return FALSE;
  tmpl = dk_template_from_json (mutation->data_node, error);
  if (tmpl == NULL)
    return FALSE;
  if (!dk_template_validate (tmpl, error))
    return FALSE;
  if (!load_current (mutation, tmpl->id, &current, error))
    return FALSE;

  if (current != NULL)
    {
      if (!check_may_change (mutation, current, error))
        return FALSE;
      if (!_dk_mutation_base_revision_matches (mutation, current->revision))
        return _dk_mutation_conflict (outcome, DK_TYPE_NAME_TEMPLATE, current->id,
                                      current->revision, dk_template_to_json (current), error);
    }
  /* Moving a template to another team takes a member of both. */
  if ((current == NULL || tmpl->team != current->team) && !check_team (mutation, tmpl, error))
    return FALSE;

  g_free (tmpl->owner);
  tmpl->owner = g_strdup (current != NULL ? current->owner : mutation->viewer->username);
  tmpl->updated_at = mutation->at;
  tmpl->revision = current != NULL ? current->revision + 1 : 1;

  if (dk_server_store_template (mutation->db, tmpl, error) == 0)
    return FALSE;

  _dk_mutation_set_applied (outcome, DK_TYPE_NAME_TEMPLATE, tmpl->id, tmpl->revision, NULL);
  return TRUE;
}

/* ---- template.delete ---- */

gboolean
_dk_mutation_apply_template_delete (const DkMutation   *mutation,
                                    DkMutationOutcome  *outcome,
                                    GError            **error)
{
  g_autoptr(DkTemplate) current = NULL;
  g_autofree char *id = NULL;

  if (!check_may_publish_any (mutation, error))
    return FALSE;
  if (!_dk_mutation_read_id (mutation->data, "id", &id, error))
    return FALSE;
  if (!load_current (mutation, id, &current, error))
    return FALSE;
  if (current == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND,
                   _("There is no template with the id “%s”"), id);
      return FALSE;
    }
  if (!check_may_change (mutation, current, error))
    return FALSE;
  if (!_dk_mutation_base_revision_matches (mutation, current->revision))
    return _dk_mutation_conflict (outcome, DK_TYPE_NAME_TEMPLATE, current->id,
                                  current->revision, dk_template_to_json (current), error);

  if (dk_server_delete_template (mutation->db, current, current->revision + 1, error) == 0)
    return FALSE;

  _dk_mutation_set_applied (outcome, DK_TYPE_NAME_TEMPLATE, current->id, current->revision + 1,
                            NULL);
  return TRUE;
}
