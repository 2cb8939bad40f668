/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-reports-page-private.h: what dk-reports-page.c and dk-inbox-actions.c share */
#pragma once

#include "dk-reports-page.h"

G_BEGIN_DECLS

struct _DkReportsPage
{
  AdwBin             parent_instance;

  /* template widgets */
  AdwStatusPage     *empty_page;
  GtkLabel          *intro_label;
  GtkListView       *list_view;
  GtkButton         *report_button;
  GtkStack          *stack;
  GtkBox            *top_bar;

  /* owned */
  DkSyncEngine      *engine;
  GSettings         *settings;
  GListStore        *items;           /* DkReportItem */
  GHashTable        *services;        /* service id → DkService */

  /* state */
  DkReportsPageMode  mode;
};

/* The reports of the replica by id (inbox actions). (transfer full) (nullable) */
DkReport *_dk_reports_page_get_report        (DkReportsPage *self,
                                              const char    *id);
/* The open reports of one service's inbox group, newest first. (element-type DkReport) */
GPtrArray *_dk_reports_page_group_reports    (DkReportsPage *self,
                                              const char    *service_id);
void      _dk_reports_page_class_init_inbox  (GtkWidgetClass *widget_class);

G_END_DECLS
