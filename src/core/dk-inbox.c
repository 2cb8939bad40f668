/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-inbox.c: the report handlers' inbox: reports grouped by service, probable incidents
 * marked */

#define G_LOG_DOMAIN "dk-inbox"

#include "config.h"

#include "dk-inbox.h"

/**
 * dk_inbox_group_free:
 * @group: (nullable): a group
 */
void
dk_inbox_group_free (DkInboxGroup *group)
{
  if (group == NULL)
    return;

  g_free (group->service);
  g_clear_pointer (&group->reports, g_ptr_array_unref);
  g_free (group);
}

/**
 * dk_inbox_report_is_open:
 * @report: a report
 *
 * Returns: whether the report still waits for a handler: new or acknowledged, neither
 *   linked to a case nor closed
 */
gboolean
dk_inbox_report_is_open (const DkReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);

  return report->state == DK_REPORT_STATE_NEW || report->state == DK_REPORT_STATE_ACKNOWLEDGED;
}

/* When a report came in; a report from the future (a clock ahead) counts as now, one
 * with no time as the oldest. */
static gint64
report_time (const DkReport *report,
             gint64          now)
{
  if (report->created_at == DK_TIME_UNSET)
    return G_MININT64;

  return MIN (report->created_at, now);
}

typedef struct {
  gint64 now;
} SortData;

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  const DkReport *ra = *(DkReport * const *) a;
  const DkReport *rb = *(DkReport * const *) b;
  const SortData *data = user_data;
  gint64 ta = report_time (ra, data->now);
  gint64 tb = report_time (rb, data->now);

  if (ta != tb)
    return ta > tb ? -1 : 1;

  /* the same second: a stable order that does not depend on the input's */
  return g_strcmp0 (rb->number, ra->number) != 0 ? g_strcmp0 (rb->number, ra->number)
                                                 : g_strcmp0 (ra->id, rb->id);
}

static char *
fold_unit (const char *unit)
{
  g_autofree char *stripped = g_strstrip (g_strdup (unit != NULL ? unit : ""));

  return g_utf8_casefold (stripped, -1);
}

/* Whether some window of @window_seconds holds open reports from at least @threshold
 * distinct units; @open is newest first. */
static gboolean
has_burst (GPtrArray *open,
           guint      threshold,
           gint64     window_seconds,
           gint64     now)
{
  if (threshold == 0)
    return open->len > 0;

  /* Each window that matters starts at a report: from report i (the oldest of the
   * window) look at the newer ones up to i's time + window. Inbox groups are small. */
  for (guint i = open->len; i-- > 0;)
    {
      DkReport *first = g_ptr_array_index (open, i);
      gint64 start = report_time (first, now);
      g_autoptr(GHashTable) units = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      if (start == G_MININT64)
        continue;
      for (guint j = i + 1; j-- > 0;)
        {
          DkReport *report = g_ptr_array_index (open, j);
          gint64 t = report_time (report, now);

          if (t - start > window_seconds)
            break;
          g_hash_table_add (units, fold_unit (report->unit));
          if (g_hash_table_size (units) >= threshold)
            return TRUE;
        }
    }

  return FALSE;
}

static void
finish_group (DkInboxGroup *group,
              guint         threshold,
              gint64        window_seconds,
              gint64        now)
{
  g_autoptr(GPtrArray) open = g_ptr_array_new ();
  g_autoptr(GHashTable) units = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < group->reports->len; i++)
    {
      DkReport *report = g_ptr_array_index (group->reports, i);

      if (!dk_inbox_report_is_open (report))
        continue;
      g_ptr_array_add (open, report);
      g_hash_table_add (units, fold_unit (report->unit));
      if (report->kind == DK_REPORT_KIND_URGENT)
        group->has_urgent = TRUE;
    }

  group->units = g_hash_table_size (units);
  group->probable_incident = has_burst (open, threshold, window_seconds, now);
}

static int
compare_groups (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const DkInboxGroup *ga = *(DkInboxGroup * const *) a;
  const DkInboxGroup *gb = *(DkInboxGroup * const *) b;
  DkReport *newest_a = g_ptr_array_index (ga->reports, 0);
  DkReport *newest_b = g_ptr_array_index (gb->reports, 0);
  int order = compare_newest_first (&newest_a, &newest_b, user_data);

  return order != 0 ? order : g_strcmp0 (ga->service, gb->service);
}

/**
 * dk_inbox_group:
 * @reports: (element-type DkReport): the reports a handler sees
 * @threshold: how many distinct units make a probable incident (3)
 * @window_seconds: within how long (1800)
 * @now: the current time; a report dated later counts as made now
 *
 * Groups reports by service, newest first within each group and the group with the
 * newest report first. A group is a probable incident when at least @threshold
 * distinct units (compared without case) reported the service within some
 * @window_seconds among its open reports (new or acknowledged); linked and closed
 * reports stay in their group but count for nothing.
 *
 * Returns: (transfer full) (element-type DkInboxGroup): the groups
 */
GPtrArray *
dk_inbox_group (GPtrArray *reports,
                guint      threshold,
                gint64     window_seconds,
                gint64     now)
{
  g_autoptr(GPtrArray) sorted = NULL;
  g_autoptr(GHashTable) by_service = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  SortData sort_data = { now };

  g_return_val_if_fail (reports != NULL, NULL);

  sorted = g_ptr_array_sized_new (reports->len);
  for (guint i = 0; i < reports->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (reports, i));
  g_ptr_array_sort_with_data (sorted, compare_newest_first, &sort_data);

  groups = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_inbox_group_free);
  by_service = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < sorted->len; i++)
    {
      DkReport *report = g_ptr_array_index (sorted, i);
      const char *service = report->service != NULL ? report->service : "";
      DkInboxGroup *group = g_hash_table_lookup (by_service, service);

      if (group == NULL)
        {
          group = g_new0 (DkInboxGroup, 1);
          group->service = g_strdup (service);
          group->reports = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_report_unref);
          g_ptr_array_add (groups, group);
          g_hash_table_insert (by_service, group->service, group);
        }
      g_ptr_array_add (group->reports, dk_report_ref (report));
    }

  for (guint i = 0; i < groups->len; i++)
    finish_group (g_ptr_array_index (groups, i), threshold, window_seconds, now);
  g_ptr_array_sort_with_data (groups, compare_groups, &sort_data);

  return g_steal_pointer (&groups);
}
