/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routines-page.h: the reserve routines in the replica */
#pragma once

#include <adwaita.h>

#include "dk-store.h"

G_BEGIN_DECLS

#define DK_TYPE_ROUTINES_PAGE (dk_routines_page_get_type ())
G_DECLARE_FINAL_TYPE (DkRoutinesPage, dk_routines_page, DK, ROUTINES_PAGE, AdwBin)

GtkWidget *dk_routines_page_new           (void);
/* Reads the routines from @store again. */
void       dk_routines_page_reload        (DkRoutinesPage *self,
                                           DkStore        *store,
                                           GHashTable     *service_names);
/* Opens the routine @id and moves the focus to it; FALSE when there is none. */
gboolean   dk_routines_page_show_routine  (DkRoutinesPage *self,
                                           const char     *id);

G_END_DECLS
