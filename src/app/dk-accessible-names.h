/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-accessible-names.h: names for widgets that GTK 4.8 and libadwaita 1.2 leave unnamed */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Names the text inside @row: libadwaita 1.2 leaves it without an accessible name. */
void dk_accessible_name_entry_text      (AdwEntryRow         *row,
                                         const char          *name);
/* Names the enable switch of @row: libadwaita 1.2 gives it no accessible name. */
void dk_accessible_name_enable_switch   (AdwExpanderRow      *row,
                                         const char          *name);
/* Names the list item around @child (a list view's row): GTK 4.8 gives it no name. */
void dk_accessible_name_list_item       (GtkWidget           *child,
                                         const char          *name);
/* Names the button inside @dropdown: GTK 4.8 gives it no accessible name. */
void dk_accessible_name_dropdown_button (GtkDropDown         *dropdown,
                                         const char          *name);
/* Names the search entry libadwaita 1.2 puts, unnamed, inside @root. */
void dk_accessible_name_search_entry    (GtkWidget           *root,
                                         const char          *name);
/* Names the button of @row that shows the password: libadwaita 1.2 gives it no name. */
void dk_accessible_name_peek_button     (AdwPasswordEntryRow *row,
                                         const char          *name);
/* Names every list item nobody named after the text it shows: call once at start-up. */
void dk_accessible_names_install        (void);
/* Hides @window, then destroys it: see the reason in dk-accessible-names.c. */
void dk_accessible_destroy_window       (GtkWindow           *window);

G_END_DECLS
