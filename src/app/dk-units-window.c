/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-units-window.c: the catalogue of units, for admins and routine owners to keep
 *
 * Add a unit with its aliases, rename it (the old name is best kept as an alias, so
 * what staff type still finds it), change its aliases, delete it. Every change goes to
 * the outbox first and shows at once; the server judges the roles and keeps names and
 * aliases unique, and a refusal shows in "Changes Not Yet Accepted". What the replica
 * can check (empty, too long, a name another unit has) is said here at once.
 */

#define G_LOG_DOMAIN "dk-units-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-accessible-names.h"
#include "dk-local-changes.h"
#include "dk-routine-format.h"
#include "dk-units-window.h"

struct _DkUnitsWindow
{
  AdwWindow             parent_instance;

  /* widgets */
  GtkLabel             *error_label;
  AdwEntryRow          *new_name_row;
  AdwEntryRow          *new_aliases_row;
  AdwPreferencesGroup  *units_group;
  GPtrArray            *unit_rows;     /* the rows in units_group, to remove them */

  /* owned */
  DkSyncEngine         *engine;
};

G_DEFINE_FINAL_TYPE (DkUnitsWindow, dk_units_window, ADW_TYPE_WINDOW)

static void         refresh       (DkUnitsWindow *self);
static AdwEntryRow *new_entry_row (const char    *title,
                                   const char    *text);

static void
show_error (DkUnitsWindow *self,
            const char    *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* "Avd 12, Avd. 12" → its aliases, trimmed, without empty ones. */
static void
set_aliases (DkUnit     *unit,
             const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  g_ptr_array_set_size (unit->aliases, 0);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_ptr_array_add (unit->aliases, g_strdup (parts[i]));
    }
}

static char *
join_aliases (const DkUnit *unit)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < unit->aliases->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "",
                            (const char *) g_ptr_array_index (unit->aliases, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Saves @unit to the outbox; the error is shown and FALSE returned when refused. */
static gboolean
save (DkUnitsWindow *self,
      DkUnit        *unit,
      gint64         base_revision)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autofree char *me = dk_routine_dup_me (store);
  g_autoptr(GError) error = NULL;

  if (me == NULL)
    {
      show_error (self, _("Log in to change the catalogue of units."));
      return FALSE;
    }
  if (!dk_local_save_unit (store, unit, base_revision, me, dk_time_now (), &error))
    {
      show_error (self, error->message);
      return FALSE;
    }
  show_error (self, NULL);
  dk_sync_engine_local_change_added (self->engine);
  refresh (self);
  return TRUE;
}

/* ---- callbacks ---- */

static void
dk_units_window_add_clicked_cb (DkUnitsWindow *self)
{
  g_autoptr(DkUnit) unit = dk_unit_new ();

  unit->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_name_row)));
  set_aliases (unit, gtk_editable_get_text (GTK_EDITABLE (self->new_aliases_row)));
  if (save (self, unit, 0))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->new_name_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->new_aliases_row), "");
    }
}

static void
dk_units_window_edit_response_cb (AdwMessageDialog *dialog,
                                  const char       *response,
                                  DkUnitsWindow    *self)
{
  DkUnit *stored = g_object_get_data (G_OBJECT (dialog), "dk-unit");
  AdwEntryRow *name_row = g_object_get_data (G_OBJECT (dialog), "dk-name-row");
  AdwEntryRow *aliases_row = g_object_get_data (G_OBJECT (dialog), "dk-aliases-row");
  g_autoptr(DkUnit) unit = NULL;

  if (g_strcmp0 (response, "save") != 0)
    return;
  unit = dk_unit_copy (stored);
  g_free (unit->name);
  unit->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (name_row)));
  set_aliases (unit, gtk_editable_get_text (GTK_EDITABLE (aliases_row)));
  save (self, unit, stored->revision);
}

/* Asks for the unit's new name and aliases. */
static void
dk_units_window_edit_clicked_cb (GtkButton     *button,
                                 DkUnitsWindow *self)
{
  DkUnit *unit = g_object_get_data (G_OBJECT (button), "dk-unit");
  g_autofree char *aliases = join_aliases (unit);
  g_autofree char *heading = NULL;
  AdwEntryRow *name_row = new_entry_row (_("Name"), unit->name);
  AdwEntryRow *aliases_row = new_entry_row (_("Aliases, separated by commas"), aliases);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *dialog;

  /* Translators: %s is a unit ("Avdelning 12") */
  heading = g_strdup_printf (_("Change “%s”"), unit->name);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("Renaming it? Keep the old name as an alias, so what "
                                     "staff type still finds it."));
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (name_row));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (aliases_row));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  g_object_set_data_full (G_OBJECT (dialog), "dk-unit", dk_unit_ref (unit),
                          (GDestroyNotify) dk_unit_unref);
  g_object_set_data (G_OBJECT (dialog), "dk-name-row", name_row);
  g_object_set_data (G_OBJECT (dialog), "dk-aliases-row", aliases_row);
  g_signal_connect_object (dialog, "response", G_CALLBACK (dk_units_window_edit_response_cb),
                           self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
dk_units_window_delete_response_cb (AdwMessageDialog *dialog,
                                    const char       *response,
                                    DkUnitsWindow    *self)
{
  DkUnit *unit = g_object_get_data (G_OBJECT (dialog), "dk-unit");
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autofree char *me = dk_routine_dup_me (store);
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "delete") != 0)
    return;
  if (me == NULL || !dk_local_delete_unit (store, unit->id, me, dk_time_now (), &error))
    {
      show_error (self, error != NULL ? error->message
                                      : _("Log in to change the catalogue of units."));
      return;
    }
  show_error (self, NULL);
  dk_sync_engine_local_change_added (self->engine);
  refresh (self);
}

static void
dk_units_window_delete_clicked_cb (GtkButton     *button,
                                   DkUnitsWindow *self)
{
  DkUnit *unit = g_object_get_data (G_OBJECT (button), "dk-unit");
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  /* Translators: %s is a unit ("Avdelning 12") */
  heading = g_strdup_printf (_("Delete “%s”?"), unit->name);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("Staff can no longer pick it. Runs, reports and cases "
                                     "that name it keep their text."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "dk-unit", dk_unit_ref (unit),
                          (GDestroyNotify) dk_unit_unref);
  g_signal_connect_object (dialog, "response",
                           G_CALLBACK (dk_units_window_delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
dk_units_window_changed_cb (DkUnitsWindow *self)
{
  refresh (self);
}

/* ---- the list ---- */

static AdwEntryRow *
new_entry_row (const char *title,
               const char *text)
{
  AdwEntryRow *row = ADW_ENTRY_ROW (adw_entry_row_new ());

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  dk_accessible_name_entry_text (row, title);
  return row;
}

/* A unit's row: its name, its aliases below, and buttons to change and delete it. */
static GtkWidget *
new_unit_row (DkUnitsWindow *self,
              DkUnit        *unit,
              gboolean       pending)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *aliases = join_aliases (unit);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *edit_name = NULL;
  g_autofree char *delete_name = NULL;
  GtkWidget *edit_button = gtk_button_new_from_icon_name ("document-edit-symbolic");
  GtkWidget *delete_button = gtk_button_new_from_icon_name ("user-trash-symbolic");

  /* Translators: a unit not yet sent to the server */
  title = pending ? g_strdup_printf (_("%s (waiting to be sent)"), unit->name)
                  : g_strdup (unit->name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  /* Translators: a unit's aliases under its name: "Also: Avd 12, Avd. 12" */
  subtitle = *aliases != '\0' ? g_strdup_printf (_("Also: %s"), aliases) : g_strdup (_("No aliases"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  /* Translators: a button's accessible name and tooltip: "Change Avdelning 12" */
  edit_name = g_strdup_printf (_("Change %s"), unit->name);
  /* Translators: a button's accessible name and tooltip: "Delete Avdelning 12" */
  delete_name = g_strdup_printf (_("Delete %s"), unit->name);
  for (guint i = 0; i < 2; i++)
    {
      GtkWidget *button = i == 0 ? edit_button : delete_button;
      const char *name = i == 0 ? edit_name : delete_name;

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      name, -1);
      g_object_set_data_full (G_OBJECT (button), "dk-unit", dk_unit_ref (unit),
                              (GDestroyNotify) dk_unit_unref);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  g_signal_connect_object (edit_button, "clicked",
                           G_CALLBACK (dk_units_window_edit_clicked_cb), self, 0);
  g_signal_connect_object (delete_button, "clicked",
                           G_CALLBACK (dk_units_window_delete_clicked_cb), self, 0);
  return row;
}

static void
refresh (DkUnitsWindow *self)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (DK_IS_UNITS_WINDOW (self));

  for (guint i = 0; i < self->unit_rows->len; i++)
    adw_preferences_group_remove (self->units_group, g_ptr_array_index (self->unit_rows, i));
  g_ptr_array_set_size (self->unit_rows, 0);

  units = dk_store_list_units (store, &error);
  if (units == NULL)
    {
      show_error (self, error->message);
      return;
    }
  for (guint i = 0; i < units->len; i++)
    {
      DkUnit *unit = g_ptr_array_index (units, i);
      GtkWidget *row = new_unit_row (self, unit,
                                     dk_store_is_pending (store, DK_TYPE_NAME_UNIT, unit->id));

      adw_preferences_group_add (self->units_group, row);
      g_ptr_array_add (self->unit_rows, row);
    }
  if (units->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("No units yet: staff type their unit as free text"));
      adw_preferences_group_add (self->units_group, row);
      g_ptr_array_add (self->unit_rows, row);
    }
}

/* ---- GObject ---- */

static void
dk_units_window_dispose (GObject *object)
{
  DkUnitsWindow *self = DK_UNITS_WINDOW (object);

  g_clear_object (&self->engine);
  g_clear_pointer (&self->unit_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (dk_units_window_parent_class)->dispose (object);
}

static void
dk_units_window_class_init (DkUnitsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_units_window_dispose;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dk_units_window_init (DkUnitsWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *new_group = adw_preferences_group_new ();
  GtkWidget *add_button = gtk_button_new_with_mnemonic (_("_Add"));

  self->unit_rows = g_ptr_array_new ();

  gtk_window_set_title (GTK_WINDOW (self), _("Units"));
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 640);
  gtk_box_append (GTK_BOX (box), header);

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_margin_start (GTK_WIDGET (self->error_label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->error_label), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->error_label), 6);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Why the change was not saved"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_label));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (new_group), _("New Unit"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (new_group),
                                         _("Aliases are what staff also write, such as "
                                           "“Avd 12” for “Avdelning 12”: typing one picks "
                                           "the unit."));
  self->new_name_row = new_entry_row (_("Name"), NULL);
  self->new_aliases_row = new_entry_row (_("Aliases, separated by commas"), NULL);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (new_group), GTK_WIDGET (self->new_name_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (new_group),
                             GTK_WIDGET (self->new_aliases_row));
  gtk_widget_set_valign (add_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (add_button, "suggested-action");
  gtk_accessible_update_property (GTK_ACCESSIBLE (add_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Add the unit"), -1);
  g_signal_connect_swapped (add_button, "clicked", G_CALLBACK (dk_units_window_add_clicked_cb),
                            self);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (new_group), add_button);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (new_group));

  self->units_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->units_group, _("Catalogue"));
  adw_preferences_group_set_description (self->units_group,
                                         _("Renaming a unit? Keep the old name as an alias."));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->units_group);
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);

  adw_window_set_content (ADW_WINDOW (self), box);
}

/**
 * dk_units_window_new:
 * @parent: (nullable): the main window
 * @engine: the sync engine (its store holds the catalogue)
 *
 * Returns: (transfer none): the window, not yet shown
 */
GtkWindow *
dk_units_window_new (GtkWindow    *parent,
                     DkSyncEngine *engine)
{
  DkUnitsWindow *self;

  g_return_val_if_fail (DK_IS_SYNC_ENGINE (engine), NULL);

  self = g_object_new (DK_TYPE_UNITS_WINDOW, "transient-for", parent, NULL);
  /* No wider than a narrow main window. */
  if (parent != NULL && gtk_widget_get_width (GTK_WIDGET (parent)) > 0 &&
      gtk_widget_get_width (GTK_WIDGET (parent)) < 560)
    gtk_window_set_default_size (GTK_WINDOW (self), gtk_widget_get_width (GTK_WIDGET (parent)),
                                 640);
  self->engine = g_object_ref (engine);
  g_signal_connect_object (engine, "changed", G_CALLBACK (dk_units_window_changed_cb), self,
                           G_CONNECT_SWAPPED);
  refresh (self);
  return GTK_WINDOW (self);
}
