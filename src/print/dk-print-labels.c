/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-print-labels.c: the words printing uses for conditions, forms and services, made
 * public */

#define G_LOG_DOMAIN "dk-print-labels"

#include "config.h"

#include "dk-print-labels.h"
#include "dk-print-private.h"

/**
 * dk_print_describe_condition:
 * @condition: (nullable): "outage_over:10h" or "outage_up_to:10h"
 *
 * Returns: (transfer full) (nullable): the condition in words, as on paper
 */
char *
dk_print_describe_condition (const char *condition)
{
  return _dk_print_describe_condition (condition);
}

/**
 * dk_print_form_title:
 * @form: a form's wire name ("manual_journal_note", ...)
 *
 * Returns: (transfer full): the form's title, as on paper
 */
char *
dk_print_form_title (const char *form)
{
  g_return_val_if_fail (form != NULL, NULL);

  return _dk_print_form_title (form);
}

/**
 * dk_print_dup_service_names:
 * @store: the replica, which knows the services' names
 * @services: (element-type utf8): service ids
 *
 * Returns: (transfer full): the services' names, ", " between them, as on paper
 */
char *
dk_print_dup_service_names (DkStore         *store,
                            const GPtrArray *services)
{
  g_return_val_if_fail (DK_IS_STORE (store), NULL);
  g_return_val_if_fail (services != NULL, NULL);

  return _dk_print_dup_service_names (store, services);
}
