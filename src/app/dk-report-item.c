/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-report-item.c: one line of My Reports or of the service desk's inbox */

#define G_LOG_DOMAIN "dk-report-item"

#include "config.h"

#include "dk-report-item.h"

G_DEFINE_FINAL_TYPE (DkReportItem, dk_report_item, G_TYPE_OBJECT)

static void
dk_report_item_finalize (GObject *object)
{
  DkReportItem *self = DK_REPORT_ITEM (object);

  g_clear_pointer (&self->report, dk_report_unref);
  g_clear_pointer (&self->service_id, g_free);
  g_clear_pointer (&self->service_name, g_free);

  G_OBJECT_CLASS (dk_report_item_parent_class)->finalize (object);
}

static void
dk_report_item_class_init (DkReportItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dk_report_item_finalize;
}

static void
dk_report_item_init (DkReportItem *self)
{
}

/**
 * dk_report_item_new_report:
 * @report: a report
 * @service_name: (nullable): its service's name
 * @pending: whether it still waits in the outbox
 *
 * Returns: (transfer full): a new item
 */
DkReportItem *
dk_report_item_new_report (const DkReport *report,
                           const char     *service_name,
                           gboolean        pending)
{
  DkReportItem *self = g_object_new (DK_TYPE_REPORT_ITEM, NULL);

  g_return_val_if_fail (report != NULL, self);

  self->report = dk_report_copy (report);
  self->service_id = g_strdup (report->service);
  self->service_name = g_strdup (service_name != NULL ? service_name : report->service);
  self->pending = pending;
  self->newest = report->created_at;
  return self;
}

/**
 * dk_report_item_new_group:
 * @service_id: (nullable): the group's service
 * @service_name: (nullable): its name
 *
 * Returns: (transfer full): a new group heading, with no reports counted yet
 */
DkReportItem *
dk_report_item_new_group (const char *service_id,
                          const char *service_name)
{
  DkReportItem *self = g_object_new (DK_TYPE_REPORT_ITEM, NULL);

  self->service_id = g_strdup (service_id);
  self->service_name = g_strdup (service_name != NULL ? service_name : service_id);
  return self;
}
