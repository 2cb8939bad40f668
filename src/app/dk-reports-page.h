/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-reports-page.h: My Reports, or the service desk's inbox
 *
 * My Reports (any logged-in user): the user's own reports, newest first, each with its
 * number (or "Waiting to be sent") and state, and the case it is linked to.
 * The inbox (servicedesk, customer_center, lab_communicator, each for its areas): the
 * open fault reports and urgent cases, grouped by service, newest first; a group that
 * enough units reported close together ("inbox-threshold" units within
 * "inbox-window-minutes") is a probable incident. A report or a group becomes an
 * incident in one action (dk-inbox-actions.c); single reports are acknowledged or closed
 * with a note. Both follow the replica by themselves.
 */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

typedef enum {
  DK_REPORTS_PAGE_MINE,
  DK_REPORTS_PAGE_INBOX,
} DkReportsPageMode;

#define DK_TYPE_REPORTS_PAGE (dk_reports_page_get_type ())
G_DECLARE_FINAL_TYPE (DkReportsPage, dk_reports_page, DK, REPORTS_PAGE, AdwBin)

void     dk_reports_page_setup     (DkReportsPage     *self,
                                    DkReportsPageMode  mode,
                                    DkSyncEngine      *engine,
                                    GSettings         *settings);
/* Reads the replica again; returns whether the page is for the logged-in user (the
 * window shows it only then). */
gboolean dk_reports_page_reload    (DkReportsPage     *self);

G_END_DECLS
