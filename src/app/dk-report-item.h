/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-report-item.h: one line of My Reports or of the service desk's inbox
 *
 * Either a report (with its service's name and whether it still waits in the outbox)
 * or, in the inbox, the heading of a service's group of reports. A plain holder for the
 * GtkListView models of dk-reports-page.c and dk-inbox-page.c.
 */
#pragma once

#include <gio/gio.h>

#include "dk-core.h"

G_BEGIN_DECLS

#define DK_TYPE_REPORT_ITEM (dk_report_item_get_type ())
G_DECLARE_FINAL_TYPE (DkReportItem, dk_report_item, DK, REPORT_ITEM, GObject)

struct _DkReportItem
{
  GObject    parent_instance;

  DkReport  *report;          /* NULL for a group's heading */
  char      *service_id;
  char      *service_name;
  gboolean   pending;         /* the report still waits in the outbox */
  gboolean   in_inbox;        /* shown to a handler: acknowledge, close, create incident */
  gboolean   handler;         /* the one who looks is a report handler */
  /* a group's heading */
  guint      count;           /* open reports in the group */
  guint      units;           /* distinct units among them */
  gboolean   probable;        /* a probable incident */
  gboolean   urgent;          /* an urgent case among them */
  gint64     newest;
};

DkReportItem *dk_report_item_new_report (const DkReport *report,
                                         const char     *service_name,
                                         gboolean        pending);
DkReportItem *dk_report_item_new_group  (const char     *service_id,
                                         const char     *service_name);

G_END_DECLS
