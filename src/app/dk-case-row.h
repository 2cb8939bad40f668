/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-row.h: one case in a list, recycled by the list's factory */
#pragma once

#include <adwaita.h>

#include "dk-case-object.h"

G_BEGIN_DECLS

#define DK_TYPE_CASE_ROW (dk_case_row_get_type ())
G_DECLARE_FINAL_TYPE (DkCaseRow, dk_case_row, DK, CASE_ROW, AdwBin)

GtkWidget *dk_case_row_new      (void);
/* Shows @item (NULL: nothing); @service_names maps service ids to names (may be NULL);
 * @highlight marks what was searched for in the title (may be NULL). */
void       dk_case_row_set_item (DkCaseRow     *self,
                                 DkCaseObject  *item,
                                 GHashTable    *service_names,
                                 const char    *highlight,
                                 gint64         now);

G_END_DECLS
