/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-report-row.h: a row of My Reports or of the inbox (a DkReportItem) */
#pragma once

#include <gtk/gtk.h>

#include "dk-report-item.h"

G_BEGIN_DECLS

#define DK_TYPE_REPORT_ROW (dk_report_row_get_type ())
G_DECLARE_FINAL_TYPE (DkReportRow, dk_report_row, DK, REPORT_ROW, GtkBox)

GtkWidget *dk_report_row_new      (void);
void       dk_report_row_set_item (DkReportRow  *self,
                                   DkReportItem *item,
                                   gint64        now);

G_END_DECLS
