/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-window-private.h: what the main window's files share
 *
 * dk-window.c holds the window: its actions, the connection, the case page and the
 * public API; dk-window-lists.c holds the case lists with their filters and the search.
 */
#pragma once

#include "dk-case-list.h"
#include "dk-case-page.h"
#include "dk-offline-banner.h"
#include "dk-reports-page.h"
#include "dk-reserve-banner.h"
#include "dk-routines-page.h"
#include "dk-sync-progress.h"
#include "dk-window.h"

G_BEGIN_DECLS

struct _DkWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  GtkToggleButton      *area_all_button;
  GtkToggleButton      *area_facilities_button;
  GtkToggleButton      *area_it_button;
  GtkToggleButton      *area_lab_button;
  DkCaseList           *archive_list;
  DkOfflineBanner      *banner;
  DkCasePage           *case_page;
  GtkButton            *connection_button;
  GtkImage             *connection_icon;
  GtkLabel             *connection_label;
  GtkStack             *content_stack;
  DkCaseList           *crisis_list;
  GtkProgressBar       *first_sync_bar;
  GtkLabel             *first_sync_label;
  GtkRevealer          *first_sync_revealer;
  GtkToggleButton      *follow_button;
  GtkEntry             *from_entry;
  DkCaseList           *incidents_list;
  AdwLeaflet           *leaflet;
  GtkButton            *new_case_button;
  DkCaseList           *planned_list;
  DkReserveBanner      *reserve_banner;
  DkRoutinesPage       *routines_page;
  DkReportsPage        *my_reports_page;   /* dk-reports-page.c */
  DkReportsPage        *inbox_page;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  DkCaseList           *search_list;
  GtkDropDown          *service_dropdown;
  GtkEntry             *to_entry;
  AdwViewStack         *view_stack;

  /* owned */
  DkStore              *store;
  DkSyncEngine         *engine;
  GSettings            *settings;
  GCancellable         *cancellable;
  DkCaseListModel      *incidents;
  DkCaseListModel      *planned;
  DkCaseListModel      *crisis;
  DkCaseListModel      *archive;
  DkCaseListModel      *search;
  GHashTable           *service_names;   /* service id → name */
  GPtrArray            *service_ids;     /* the dropdown's services, after "All services" */
  DkSubscription       *following;

  /* state */
  gboolean              empty_pages_set;
  gboolean              synced;          /* what the empty pages were last written for */
  gboolean              filter_area;
  DkArea                area;
  gint64                from;
  gint64                to;
  /* a first sync's progress (dk-window.c) */
  DkSyncProgress       *first_sync_progress;  /* the bar's words; reset as a first sync begins */
};

void _dk_window_init_lists       (DkWindow       *self);
void _dk_window_class_init_lists (GtkWidgetClass *widget_class);
void _dk_window_setup_lists      (DkWindow       *self);
void _dk_window_reload_lists     (DkWindow       *self);
void _dk_window_apply_filters    (DkWindow       *self);
/* dk-window-compose.c: "New Case" for publishers */
void _dk_window_class_init_compose (GtkWidgetClass *widget_class);
void _dk_window_setup_compose      (DkWindow       *self);
/* dk-window-units.c: "Units" for admins and routine owners */
void _dk_window_class_init_units   (GtkWidgetClass *widget_class);
void _dk_window_setup_units        (DkWindow       *self);

G_END_DECLS
