/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-accessible-names.h: names for the parts of libadwaita 1.2 rows that have none */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Names the text inside @row: libadwaita 1.2 leaves it without an accessible name. */
void dk_accessible_name_entry_text    (AdwEntryRow    *row,
                                       const char     *name);
/* Names the enable switch of @row: libadwaita 1.2 gives it no accessible name. */
void dk_accessible_name_enable_switch (AdwExpanderRow *row,
                                       const char     *name);

G_END_DECLS
