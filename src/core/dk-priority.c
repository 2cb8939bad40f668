/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-priority.c: the ITIL impact × urgency matrix (seed 001) */

#define G_LOG_DOMAIN "dk-priority"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dk-priority.h"

static gboolean
level_is_valid (DkLevel level)
{
  return level >= DK_LEVEL_HIGH && level <= DK_LEVEL_LOW;
}

/**
 * dk_priority_from_matrix:
 * @impact: how much of the services and their users is affected
 * @urgency: how soon it must be solved
 *
 * Returns: the priority, 1 (high impact, high urgency) to 5 (low, low)
 */
int
dk_priority_from_matrix (DkLevel impact,
                         DkLevel urgency)
{
  g_return_val_if_fail (level_is_valid (impact), DK_PRIORITY_LOWEST);
  g_return_val_if_fail (level_is_valid (urgency), DK_PRIORITY_LOWEST);

  return (int) impact + (int) urgency - 1;
}

/**
 * dk_priority_is_major:
 * @priority: a priority
 *
 * Returns: whether @priority starts the major incident routine (1 and 2)
 */
gboolean
dk_priority_is_major (int priority)
{
  return priority >= DK_PRIORITY_HIGHEST && priority <= 2;
}

/**
 * dk_priority_is_valid:
 * @priority: a priority
 *
 * Returns: whether @priority is 1 to 5
 */
gboolean
dk_priority_is_valid (int priority)
{
  return priority >= DK_PRIORITY_HIGHEST && priority <= DK_PRIORITY_LOWEST;
}

/**
 * dk_priority_label:
 * @priority: a priority, 1 to 5
 *
 * Returns: what @priority means, translated; %NULL for an invalid priority
 */
const char *
dk_priority_label (int priority)
{
  switch (priority)
    {
    case 1:
      /* Translators: what priority 1 means (seed: "Hela eller vital del av tjänsterna
       * står helt still") */
      return _("All or a vital part of the services stand still, or patient safety is at serious risk");
    case 2:
      return _("Part of the services stand still, with a clear negative effect for large groups of users");
    case 3:
      return _("A minor disturbance with limited effect on users");
    case 4:
      return _("A minor disturbance with little or no effect on users");
    case 5:
      /* Translators: priority 5: an order or a question, not a disturbance */
      return _("Service request");
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * dk_priority_dup_description:
 * @priority: a priority, 1 to 5
 *
 * The priority with what it means, for a menu or a detail line where a bare number
 * would say nothing ("3 – A minor disturbance with limited effect on users").
 *
 * Returns: (transfer full) (nullable): the text, translated; %NULL for an invalid priority
 */
char *
dk_priority_dup_description (int priority)
{
  g_return_val_if_fail (dk_priority_is_valid (priority), NULL);

  /* Translators: a priority (1–5) and what it means, in a menu or a case's details */
  return g_strdup_printf (_("%d – %s"), priority, dk_priority_label (priority));
}
