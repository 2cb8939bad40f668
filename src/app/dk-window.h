/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-window.h: the main window: incidents, planned actions, crisis information, the
 * archive and the reserve routines, a case page, search, filters and the connection */
#pragma once

#include <adwaita.h>

#include "dk-application.h"

G_BEGIN_DECLS

#define DK_TYPE_WINDOW (dk_window_get_type ())
G_DECLARE_FINAL_TYPE (DkWindow, dk_window, DK, WINDOW, AdwApplicationWindow)

DkWindow *dk_window_new          (DkApplication *app);
/* Shows a case by id or number; FALSE (and a toast) when the replica has none. */
gboolean  dk_window_show_case    (DkWindow      *self,
                                  const char    *id_or_number);
/* Shows the Reserve Routines page at the routine @id. */
gboolean  dk_window_show_routine (DkWindow      *self,
                                  const char    *id);
/* Shows the Reserve Routines page at the run @id: its ticks, notes and phases. */
gboolean  dk_window_show_run     (DkWindow      *self,
                                  const char    *id);
/* Shows the routine @routine_id and asks for the unit to start it on, with the case
 * @case_id (nullable) preselected. */
gboolean  dk_window_start_routine (DkWindow     *self,
                                   const char   *routine_id,
                                   const char   *case_id);

G_END_DECLS
