/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-accessible-names.c: names for widgets that GTK 4.8 and libadwaita 1.2 leave unnamed
 *
 * A control without an accessible name cannot be found by a screen reader, nor by the
 * UI tests that drive the app through its accessibility tree.
 */

#define G_LOG_DOMAIN "dk-accessible-names"

#include "config.h"

#include <glib/gi18n.h>

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

#define LIST_ITEM_NAME_KEY "dk-accessible-list-item-name"
/* Set on a list item named on purpose: the names from content leave it alone. */
#define NAMED_KEY "dk-accessible-named"

static gboolean
is_list_item (GtkWidget *widget)
{
  return gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) ==
         GTK_ACCESSIBLE_ROLE_LIST_ITEM;
}

static void
name_list_item_ancestor (GtkWidget *child)
{
  const char *name = g_object_get_data (G_OBJECT (child), LIST_ITEM_NAME_KEY);

  for (GtkWidget *ancestor = gtk_widget_get_parent (child); ancestor != NULL;
       ancestor = gtk_widget_get_parent (ancestor))
    if (is_list_item (ancestor))
      {
        g_object_set_data (G_OBJECT (ancestor), NAMED_KEY, GINT_TO_POINTER (1));
        if (name != NULL)
          gtk_accessible_update_property (GTK_ACCESSIBLE (ancestor),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
        else
          gtk_accessible_reset_property (GTK_ACCESSIBLE (ancestor),
                                         GTK_ACCESSIBLE_PROPERTY_LABEL);
        return;
      }
}

static void
list_item_child_parent_cb (GtkWidget  *child,
                           GParamSpec *pspec,
                           gpointer    user_data)
{
  name_list_item_ancestor (child);
}

/**
 * dk_accessible_name_list_item:
 * @child: the widget a list's factory put inside a list item (or a list box row's child)
 * @name: (nullable): the name to give that list item, from what @child shows
 *
 * GTK 4.8 gives the list item around a list view's row no name, and a list's factory
 * never sees that widget: the name goes to the closest ancestor of @child that is a list
 * item, now and whenever @child moves.
 */
void
dk_accessible_name_list_item (GtkWidget  *child,
                              const char *name)
{
  g_return_if_fail (GTK_IS_WIDGET (child));

  if (g_object_get_data (G_OBJECT (child), LIST_ITEM_NAME_KEY "-watched") == NULL)
    {
      g_object_set_data (G_OBJECT (child), LIST_ITEM_NAME_KEY "-watched", GINT_TO_POINTER (1));
      g_signal_connect (child, "notify::parent", G_CALLBACK (list_item_child_parent_cb), NULL);
    }
  g_object_set_data_full (G_OBJECT (child), LIST_ITEM_NAME_KEY, g_strdup (name), g_free);
  name_list_item_ancestor (child);
}

/**
 * dk_accessible_name_dropdown_button:
 * @dropdown: a drop-down
 * @name: the name to give the button inside it
 *
 * GTK 4.8 leaves the button inside a drop-down, the control a person presses, without an
 * accessible name.
 */
void
dk_accessible_name_dropdown_button (GtkDropDown *dropdown,
                                    const char  *name)
{
  g_return_if_fail (GTK_IS_DROP_DOWN (dropdown));
  g_return_if_fail (name != NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (dropdown));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      name, -1);
}

static void
append_label_texts (GtkWidget *widget,
                    GString   *text)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    {
      const char *label = gtk_label_get_text (GTK_LABEL (widget));

      if (label != NULL && label[0] != '\0')
        {
          if (text->len > 0)
            /* Translators: what separates the parts of a list row's accessible name */
            g_string_append (text, _(", "));
          g_string_append (text, label);
        }
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    append_label_texts (child, text);
}

/* A list item nobody named gets the text it shows when it appears: GTK 4.8 computes no
 * name from a list item's content, so a screen reader would say only "list item". */
static gboolean
name_list_item_from_content_cb (GSignalInvocationHint *hint,
                                guint                  n_values,
                                const GValue          *values,
                                gpointer               user_data)
{
  GtkWidget *widget = g_value_get_object (&values[0]);
  g_autoptr(GString) text = NULL;
  GtkWidget *parent;

  if (!GTK_IS_WIDGET (widget) || !is_list_item (widget) ||
      g_object_get_data (G_OBJECT (widget), NAMED_KEY) != NULL)
    return TRUE;
  /* Only the items of list views and plain list box rows: a row of its own type (an
   * AdwActionRow, an expander row) has its own name, or gets one where it is made. */
  parent = gtk_widget_get_parent (widget);
  if (G_OBJECT_TYPE (widget) != GTK_TYPE_LIST_BOX_ROW &&
      !(GTK_IS_LIST_VIEW (parent) || GTK_IS_GRID_VIEW (parent)))
    return TRUE;

  text = g_string_new (NULL);
  append_label_texts (widget, text);
  if (text->len > 0)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    text->str, -1);
  return TRUE;
}

static gboolean
name_bound_item_cb (gpointer data)
{
  GtkWidget *child = data;
  GtkWidget *item = gtk_widget_get_parent (child);
  g_autoptr(GString) text = g_string_new (NULL);

  if (item != NULL && is_list_item (item) &&
      g_object_get_data (G_OBJECT (item), NAMED_KEY) == NULL)
    {
      append_label_texts (child, text);
      if (text->len > 0)
        gtk_accessible_update_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        text->str, -1);
    }
  g_object_unref (child);
  return G_SOURCE_REMOVE;
}

/* An item of a list view bound by a factory nobody here wrote (a combo row's or a
 * drop-down's choices): named after its text once the factory's own handlers set it,
 * shown or not (GTK 4.8 tells assistive technologies of hidden popovers' items too). */
static gboolean
name_bound_item_hook_cb (GSignalInvocationHint *hint,
                         guint                  n_values,
                         const GValue          *values,
                         gpointer               user_data)
{
  GtkListItem *list_item = n_values > 1 ? g_value_get_object (&values[1]) : NULL;
  GtkWidget *child = GTK_IS_LIST_ITEM (list_item) ? gtk_list_item_get_child (list_item) : NULL;

  if (child != NULL)
    g_idle_add (name_bound_item_cb, g_object_ref (child));
  return TRUE;
}

/**
 * dk_accessible_names_install:
 *
 * From now on every list item of the app that nobody named (the choices of a combo row's
 * or a drop-down's popover, rows of plain list boxes) is named after the text it shows
 * when it is bound or mapped. Call once, at start-up.
 */
void
dk_accessible_names_install (void)
{
  static gsize installed = 0;

  if (g_once_init_enter (&installed))
    {
      guint map;
      guint bind;

      /* A signal is known once its class is: none may have been made yet. */
      g_type_class_unref (g_type_class_ref (GTK_TYPE_WIDGET));
      g_type_class_unref (g_type_class_ref (GTK_TYPE_SIGNAL_LIST_ITEM_FACTORY));
      map = g_signal_lookup ("map", GTK_TYPE_WIDGET);
      bind = g_signal_lookup ("bind", GTK_TYPE_SIGNAL_LIST_ITEM_FACTORY);

      g_signal_add_emission_hook (map, 0, name_list_item_from_content_cb, NULL, NULL);
      g_signal_add_emission_hook (bind, 0, name_bound_item_hook_cb, NULL, NULL);
      g_once_init_leave (&installed, 1);
    }
}

static GtkWidget *
find_search_entry (GtkWidget *widget)
{
  if (GTK_IS_SEARCH_ENTRY (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_search_entry (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * dk_accessible_name_search_entry:
 * @root: a widget with a search entry of libadwaita's inside (a preferences window)
 * @name: the name to give that entry
 *
 * libadwaita 1.2 gives the search entry of a preferences window no accessible name.
 */
void
dk_accessible_name_search_entry (GtkWidget  *root,
                                 const char *name)
{
  GtkWidget *entry;

  g_return_if_fail (GTK_IS_WIDGET (root));
  g_return_if_fail (name != NULL);

  entry = find_search_entry (root);
  if (entry != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    name, -1);
}

/* The button of a password entry row that shows the text: in libadwaita 1.2 the last
 * button in the row, in its suffixes (the one before it is the hidden apply button). */
static GtkWidget *
find_peek_button (GtkWidget *widget)
{
  GtkWidget *found = GTK_IS_BUTTON (widget) ? widget : NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *last = find_peek_button (child);

      if (last != NULL)
        found = last;
    }
  return found;
}

/**
 * dk_accessible_name_peek_button:
 * @row: a password entry row
 * @name: the name to give its button that shows the password
 *
 * libadwaita 1.2 gives the button of a password entry row that shows the text no
 * accessible name.
 */
void
dk_accessible_name_peek_button (AdwPasswordEntryRow *row,
                                const char          *name)
{
  GtkWidget *button;

  g_return_if_fail (ADW_IS_PASSWORD_ENTRY_ROW (row));
  g_return_if_fail (name != NULL);

  button = find_peek_button (GTK_WIDGET (row));
  if (button != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    name, -1);
}

/**
 * dk_accessible_destroy_window:
 * @window: a dialog that is done
 *
 * GTK 4.8 answers an assistive technology's "which windows are there?" (GetChildren on
 * its AT-SPI root) with every visible toplevel's accessible path, and a window being
 * torn down could be listed without one: the app crashed in g_variant_new (a NULL
 * object path) as the UI tests polled for a closed dialog, one close in some tens
 * (tests/ui: "the login dialog closed", "the composer closed"). A hidden window is left
 * out of that list, so a dialog is hidden before it goes.
 */
void
dk_accessible_destroy_window (GtkWindow *window)
{
  g_return_if_fail (GTK_IS_WINDOW (window));

  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  gtk_window_destroy (window);
}
