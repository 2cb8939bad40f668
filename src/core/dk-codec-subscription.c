/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-codec-subscription.c: JSON wire shapes of subscriptions */

#define G_LOG_DOMAIN "dk-codec"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dk-codec-private.h"
#include "dk-error.h"
#include "dk-json.h"
#include "dk-priority.h"
#include "dk-protocol.h"

/* ---- subscriptions ---- */

/**
 * dk_subscription_to_json:
 * @subscription: a #DkSubscription
 *
 * Returns: (transfer full): the subscription as a JSON object
 */
JsonNode *
dk_subscription_to_json (const DkSubscription *subscription)
{
  JsonObject *object;

  g_return_val_if_fail (subscription != NULL, NULL);

  object = json_object_new ();
  _dk_codec_set_string (object, "id", subscription->id);
  _dk_codec_set_string (object, "user", subscription->user);
  _dk_codec_set_strings (object, "areas", subscription->areas);
  _dk_codec_set_strings (object, "services", subscription->services);
  _dk_codec_set_strings (object, "kinds", subscription->kinds);
  json_object_set_int_member (object, "min_priority", subscription->min_priority);
  json_object_set_boolean_member (object, "major_only", subscription->major_only);
  json_object_set_boolean_member (object, "all_crisis", subscription->all_crisis);
  json_object_set_boolean_member (object, "notify", subscription->notify);
  json_object_set_int_member (object, "revision", subscription->revision);
  return _dk_codec_node_from_object (object);
}

/* Checks that every name in @names is known to @is_known; error names "@member[i]". */
static gboolean
check_names (const GPtrArray  *names,
             const char       *member,
             gboolean        (*is_known) (const char *name),
             UnknownWhat       what,
             GError          **error)
{
  for (guint i = 0; names != NULL && i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      if (!is_known (name))
        {
          g_autofree char *item = g_strdup_printf ("%s[%u]", member, i);

          return _dk_codec_set_unknown_error (error, what, item, name);
        }
    }
  return TRUE;
}

static gboolean
is_area_name (const char *name)
{
  DkArea area;

  return dk_area_from_string (name, &area);
}

static gboolean
is_kind_name (const char *name)
{
  DkCaseKind kind;

  return dk_case_kind_from_string (name, &kind);
}

/**
 * dk_subscription_from_json:
 * @node: a JSON object in the shape of a subscription
 * @error: return location for a #GError
 *
 * Absent members take the defaults of dk_subscription_new_default() (but id and user
 * stay %NULL).
 *
 * Returns: (transfer full) (nullable): the subscription, or %NULL with %DK_ERROR_INVALID
 */
DkSubscription *
dk_subscription_from_json (JsonNode  *node,
                           GError   **error)
{
  g_autoptr(DkSubscription) subscription = NULL;
  JsonObject *object;
  gint64 min_priority;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = dk_json_expect_object (node, "subscription", error);
  if (object == NULL)
    return NULL;

  subscription = dk_subscription_new_default (NULL);
  min_priority = subscription->min_priority;
  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &subscription->id,
                            error) ||
      !dk_json_read_string (object, "user", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &subscription->user, error) ||
      !_dk_codec_read_strings (object, "areas", &subscription->areas, error) ||
      !_dk_codec_read_strings (object, "services", &subscription->services, error) ||
      !_dk_codec_read_strings (object, "kinds", &subscription->kinds, error) ||
      !dk_json_read_int (object, "min_priority", DK_JSON_OPTIONAL, DK_PRIORITY_HIGHEST,
                         DK_PRIORITY_LOWEST, &min_priority, error) ||
      !dk_json_read_bool (object, "major_only", DK_JSON_OPTIONAL, &subscription->major_only,
                          error) ||
      !dk_json_read_bool (object, "all_crisis", DK_JSON_OPTIONAL, &subscription->all_crisis,
                          error) ||
      !dk_json_read_bool (object, "notify", DK_JSON_OPTIONAL, &subscription->notify, error) ||
      !_dk_codec_read_revision (object, &subscription->revision, error))
    return NULL;
  subscription->min_priority = (int) min_priority;

  if (!check_names (subscription->areas, "areas", is_area_name, UNKNOWN_AREA,
                    error) ||
      !check_names (subscription->kinds, "kinds", is_kind_name, UNKNOWN_KIND,
                    error))
    return NULL;

  return g_steal_pointer (&subscription);
}

/**
 * dk_subscription_validate:
 * @subscription: a #DkSubscription
 * @error: return location for a #GError
 *
 * Returns: %TRUE when min_priority is 1–5 and every area and kind name is known;
 *   %FALSE with %DK_ERROR_INVALID naming the field otherwise
 */
gboolean
dk_subscription_validate (const DkSubscription  *subscription,
                          GError               **error)
{
  g_return_val_if_fail (subscription != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!dk_priority_is_valid (subscription->min_priority))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be between %lld and %lld"),
                   "min_priority", (long long) DK_PRIORITY_HIGHEST,
                   (long long) DK_PRIORITY_LOWEST);
      return FALSE;
    }
  return check_names (subscription->areas, "areas", is_area_name, UNKNOWN_AREA,
                      error) &&
         check_names (subscription->kinds, "kinds", is_kind_name, UNKNOWN_KIND,
                      error);
}
