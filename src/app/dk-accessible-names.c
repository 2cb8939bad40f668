/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-accessible-names.c: names for the parts of libadwaita 1.2 rows that have none
 *
 * A control without an accessible name cannot be found by a screen reader, nor by the
 * UI tests that drive the app through its accessibility tree.
 */

#define G_LOG_DOMAIN "dk-accessible-names"

#include "config.h"

#include "dk-accessible-names.h"

/**
 * dk_accessible_name_entry_text:
 * @row: an entry row
 * @name: the name to give the text inside it
 *
 * libadwaita 1.2 leaves the text inside an entry row without an accessible name.
 */
void
dk_accessible_name_entry_text (AdwEntryRow *row,
                               const char  *name)
{
  g_return_if_fail (ADW_IS_ENTRY_ROW (row));
  g_return_if_fail (name != NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_editable_get_delegate (GTK_EDITABLE (row))),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

/**
 * dk_accessible_name_enable_switch:
 * @row: an expander row with its enable switch shown
 * @name: the name to give that switch
 *
 * libadwaita 1.2 gives the enable switch of an expander row no accessible name, and no
 * API to reach it: the switch is found by walking the row's widgets.
 */
void
dk_accessible_name_enable_switch (AdwExpanderRow *row,
                                  const char     *name)
{
  GtkWidget *widget = GTK_WIDGET (row);

  g_return_if_fail (ADW_IS_EXPANDER_ROW (row));
  g_return_if_fail (name != NULL);

  while (widget != NULL && !GTK_IS_SWITCH (widget))
    {
      GtkWidget *next = gtk_widget_get_first_child (widget);

      while (next == NULL && widget != GTK_WIDGET (row))
        {
          next = gtk_widget_get_next_sibling (widget);
          if (next == NULL)
            widget = gtk_widget_get_parent (widget);
        }
      widget = next;
    }

  if (widget != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    name, -1);
}
