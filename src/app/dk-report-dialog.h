/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-report-dialog.h: report a fault (felanmälan) or an urgent case (hastesak)
 *
 * Any logged-in user. The form is prefilled with what the app knows (the name and
 * contact given last time, the desktop's unit); sending puts the report in the outbox at
 * once (dk_local_create_report), so it works offline. Then the dialog says whom to call
 * and which number to quote (seed 004's order for urgent cases), and, while the report
 * waits for the connection, which number to call now (dk-report-contacts.h).
 */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_REPORT_DIALOG (dk_report_dialog_get_type ())
G_DECLARE_FINAL_TYPE (DkReportDialog, dk_report_dialog, DK, REPORT_DIALOG, AdwWindow)

GtkWindow *dk_report_dialog_new (GtkWindow    *parent,
                                 DkSyncEngine *engine,
                                 GSettings    *settings,
                                 const char   *service_id);   /* nullable: preselected */

G_END_DECLS
