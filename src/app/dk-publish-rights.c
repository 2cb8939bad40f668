/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-publish-rights.c: what the logged-in user may publish, from the roles in the replica */

#define G_LOG_DOMAIN "dk-publish-rights"

#include "config.h"

#include "dk-publish-rights.h"

/**
 * dk_publish_rights_get_roles:
 * @store: the replica
 *
 * Returns: the logged-in user's roles, 0 when none are known
 */
DkRole
dk_publish_rights_get_roles (DkStore *store)
{
  g_autofree char *me = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  DkRole roles = 0;

  g_return_val_if_fail (DK_IS_STORE (store), 0);

  me = dk_store_dup_meta (store, "username");
  if (me != NULL)
    text = dk_store_dup_meta (store, "roles");
  if (text == NULL)
    return 0;
  if (!dk_roles_from_string (text, &roles, &error))
    {
      g_debug ("The replica's roles are not understood: %s", error->message);
      return 0;
    }
  return roles;
}

/**
 * dk_publish_rights_may_publish_any:
 * @roles: a user's roles
 *
 * Returns: whether @roles may publish anything at all (dk_rules_may_publish_any ())
 */
gboolean
dk_publish_rights_may_publish_any (DkRole roles)
{
  return dk_rules_may_publish_any (roles);
}

/**
 * dk_publish_rights_may_publish_case:
 * @store: the replica
 * @kase: a case
 *
 * Returns: whether the logged-in user may update, close and follow up @kase
 */
gboolean
dk_publish_rights_may_publish_case (DkStore      *store,
                                    const DkCase *kase)
{
  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (kase != NULL, FALSE);

  return dk_rules_check_may_publish (dk_publish_rights_get_roles (store), kase->kind, kase->area,
                                     NULL);
}
