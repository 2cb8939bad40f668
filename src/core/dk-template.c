/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-template.c: a publisher's message template, private or shared with a team */

#define G_LOG_DOMAIN "dk-template"

#include "config.h"

#include "dk-template.h"

G_DEFINE_BOXED_TYPE (DkTemplate, dk_template, dk_template_ref, dk_template_unref)

static void
dk_template_free (DkTemplate *self)
{
  g_free (self->id);
  g_free (self->name);
  g_free (self->language);
  g_free (self->title);
  g_free (self->description);
  g_free (self->scope);
  g_free (self->owner);
  g_free (self);
}

/**
 * dk_template_new:
 *
 * Returns: (transfer full): a new, empty template: a private IT/Telephony incident
 */
DkTemplate *
dk_template_new (void)
{
  DkTemplate *self = g_new0 (DkTemplate, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->updated_at = DK_TIME_UNSET;
  return self;
}

/**
 * dk_template_ref:
 * @self: a #DkTemplate
 *
 * Returns: (transfer full): @self
 */
DkTemplate *
dk_template_ref (DkTemplate *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * dk_template_unref:
 * @self: (transfer full): a #DkTemplate
 */
void
dk_template_unref (DkTemplate *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    dk_template_free (self);
}

/**
 * dk_template_copy:
 * @self: a #DkTemplate
 *
 * Returns: (transfer full): a deep copy of @self
 */
DkTemplate *
dk_template_copy (const DkTemplate *self)
{
  DkTemplate *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = dk_template_new ();
  copy->id = g_strdup (self->id);
  copy->name = g_strdup (self->name);
  copy->language = g_strdup (self->language);
  copy->kind = self->kind;
  copy->area = self->area;
  copy->title = g_strdup (self->title);
  copy->description = g_strdup (self->description);
  copy->scope = g_strdup (self->scope);
  copy->owner = g_strdup (self->owner);
  copy->team = self->team;
  copy->updated_at = self->updated_at;
  copy->revision = self->revision;
  return copy;
}

/**
 * dk_template_is_visible_to:
 * @self: a #DkTemplate
 * @username: (nullable): who asks
 * @roles: their roles
 *
 * Returns: whether @username owns the template or holds its team role
 */
gboolean
dk_template_is_visible_to (const DkTemplate *self,
                           const char       *username,
                           DkRole            roles)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (username != NULL && g_strcmp0 (self->owner, username) == 0)
    return TRUE;
  return self->team != 0 && (roles & self->team) != 0;
}
