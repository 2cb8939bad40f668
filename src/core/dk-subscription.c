/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-subscription.c: what one user follows */

#define G_LOG_DOMAIN "dk-subscription"

#include "config.h"

#include "dk-ptr-array-private.h"
#include "dk-subscription.h"

#define DEFAULT_MIN_PRIORITY 2

G_DEFINE_BOXED_TYPE (DkSubscription, dk_subscription, dk_subscription_ref, dk_subscription_unref)

static void
dk_subscription_free (DkSubscription *self)
{
  g_free (self->id);
  g_free (self->user);
  g_clear_pointer (&self->areas, g_ptr_array_unref);
  g_clear_pointer (&self->services, g_ptr_array_unref);
  g_clear_pointer (&self->kinds, g_ptr_array_unref);
  g_free (self);
}

/* Whether @filter (NULL or empty for everything) lets @value through. */
static gboolean
filter_passes (const GPtrArray *filter,
               const char      *value)
{
  if (filter == NULL || filter->len == 0)
    return TRUE;
  if (value == NULL)
    return FALSE;

  for (guint i = 0; i < filter->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (filter, i), value) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
service_filter_passes (const GPtrArray *filter,
                       const GPtrArray *services)
{
  if (filter == NULL || filter->len == 0)
    return TRUE;

  for (guint i = 0; services != NULL && i < services->len; i++)
    {
      if (filter_passes (filter, g_ptr_array_index (services, i)))
        return TRUE;
    }
  return FALSE;
}

/**
 * dk_subscription_new_default:
 * @user: (nullable): the username; the id is "sub:<user>"
 *
 * The default a user has until they choose: every area, service and kind, priority 1–2,
 * every crisis information, notifications on.
 *
 * Returns: (transfer full): the subscription
 */
DkSubscription *
dk_subscription_new_default (const char *user)
{
  DkSubscription *self = g_new0 (DkSubscription, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->id = user != NULL ? g_strconcat ("sub:", user, NULL) : NULL;
  self->user = g_strdup (user);
  self->areas = g_ptr_array_new_with_free_func (g_free);
  self->services = g_ptr_array_new_with_free_func (g_free);
  self->kinds = g_ptr_array_new_with_free_func (g_free);
  self->min_priority = DEFAULT_MIN_PRIORITY;
  self->major_only = FALSE;
  self->all_crisis = TRUE;
  self->notify = TRUE;
  return self;
}

/**
 * dk_subscription_ref:
 * @self: a #DkSubscription
 *
 * Returns: (transfer full): @self
 */
DkSubscription *
dk_subscription_ref (DkSubscription *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * dk_subscription_unref:
 * @self: (transfer full): a #DkSubscription
 */
void
dk_subscription_unref (DkSubscription *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    dk_subscription_free (self);
}

/**
 * dk_subscription_copy:
 * @self: a #DkSubscription
 *
 * Returns: (transfer full): a deep copy of @self
 */
DkSubscription *
dk_subscription_copy (const DkSubscription *self)
{
  DkSubscription *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (DkSubscription, 1);
  g_atomic_ref_count_init (&copy->ref_count);
  copy->id = g_strdup (self->id);
  copy->user = g_strdup (self->user);
  copy->areas = _dk_strings_copy (self->areas);
  copy->services = _dk_strings_copy (self->services);
  copy->kinds = _dk_strings_copy (self->kinds);
  copy->min_priority = self->min_priority;
  copy->major_only = self->major_only;
  copy->all_crisis = self->all_crisis;
  copy->notify = self->notify;
  copy->revision = self->revision;
  return copy;
}

/**
 * dk_subscription_matches:
 * @self: a #DkSubscription
 * @kase: a #DkCase
 *
 * A case matches when it is crisis information and @self follows all of it, or when its
 * area, one of its services and its kind pass the filters (an empty filter passes
 * everything), its priority is at most min_priority and, with major_only, it is a major
 * incident.
 *
 * Returns: whether @self follows @kase
 */
gboolean
dk_subscription_matches (const DkSubscription *self,
                         const DkCase         *kase)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (kase != NULL, FALSE);

  if (self->all_crisis && kase->kind == DK_CASE_KIND_CRISIS)
    return TRUE;

  return filter_passes (self->areas, dk_area_to_string (kase->area)) &&
         service_filter_passes (self->services, kase->services) &&
         filter_passes (self->kinds, dk_case_kind_to_string (kase->kind)) &&
         kase->priority <= self->min_priority &&
         (!self->major_only || kase->major);
}
