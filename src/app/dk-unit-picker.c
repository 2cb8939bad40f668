/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-unit-picker.c: an entry row for a unit, with the catalogue as suggestions
 *
 * Typing offers the catalogue's units whose name or alias holds what was typed (any
 * case, any spacing); an alias ("avd 12") offers its unit's name ("Avdelning 12") in a
 * button beside the text and becomes that name when the row is left or Enter pressed.
 * Free text stays possible for a unit not yet in the catalogue. With "multiple", the
 * row holds units separated by commas and suggests for the last one. With "remember",
 * the row shows and keeps this desktop's unit (GSettings "unit").
 */

#define G_LOG_DOMAIN "dk-unit-picker"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dk-accessible-names.h"
#include "dk-application.h"
#include "dk-unit-picker.h"

#define MAX_SUGGESTIONS 8
/* What separates units with "multiple". */
#define SEPARATORS ",;\n"

struct _DkUnitPicker
{
  AdwEntryRow  parent_instance;

  /* children */
  GtkPopover  *popover;
  GtkListBox  *list;
  GtkButton   *use_button;

  /* owned */
  DkStore     *store;
  GPtrArray   *units;         /* (element-type DkUnit): the catalogue, read on focus */
  GSettings   *settings;      /* with "remember" */

  /* state */
  gboolean     multiple;
  gboolean     remember;
  gboolean     setting_text;  /* our own set_text: no suggestions */
  DkUnit      *offered;       /* the unit use_button offers (borrowed from units) */
};

G_DEFINE_FINAL_TYPE (DkUnitPicker, dk_unit_picker, ADW_TYPE_ENTRY_ROW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_MULTIPLE,
  PROP_REMEMBER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- the catalogue ---- */

static DkStore *
get_store (DkUnitPicker *self)
{
  GApplication *app;

  if (self->store != NULL)
    return self->store;
  app = g_application_get_default ();
  return DK_IS_APPLICATION (app) ? dk_application_get_store (DK_APPLICATION (app)) : NULL;
}

static void
load_units (DkUnitPicker *self)
{
  g_autoptr(GError) error = NULL;
  DkStore *store = get_store (self);

  g_assert (DK_IS_UNIT_PICKER (self));

  self->offered = NULL;
  g_clear_pointer (&self->units, g_ptr_array_unref);
  if (store != NULL)
    self->units = dk_store_list_units (store, &error);
  if (error != NULL)
    g_warning ("Could not read the catalogue of units: %s", error->message);
  if (self->units == NULL)
    self->units = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_unit_unref);
}

/* The unit @text names, or NULL. (transfer none) */
static DkUnit *
find_unit (DkUnitPicker *self,
           const char   *text)
{
  if (self->units == NULL)
    load_units (self);
  return dk_units_find (self->units, text);
}

/* Where the unit being typed starts: after the last comma with "multiple". */
static const char *
current_segment (DkUnitPicker *self,
                 const char   *text)
{
  const char *segment = text;

  if (!self->multiple)
    return text;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (strchr (SEPARATORS, *p) != NULL)
        segment = p + 1;
    }
  return segment;
}

/* Whether some name or alias of @unit holds @key. */
static gboolean
unit_matches (const DkUnit *unit,
              const char   *key)
{
  g_autofree char *name_key = dk_unit_key (unit->name);

  if (strstr (name_key, key) != NULL)
    return TRUE;
  for (guint i = 0; i < unit->aliases->len; i++)
    {
      g_autofree char *alias_key = dk_unit_key (g_ptr_array_index (unit->aliases, i));

      if (strstr (alias_key, key) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* ---- the text ---- */

static void
set_text (DkUnitPicker *self,
          const char   *text)
{
  self->setting_text = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self), text);
  gtk_editable_set_position (GTK_EDITABLE (self), -1);
  self->setting_text = FALSE;
}

/* Replaces the unit being typed with @name. */
static void
replace_segment (DkUnitPicker *self,
                 const char   *name)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self));
  const char *segment = current_segment (self, text);
  g_autoptr(GString) replaced = g_string_new_len (text, segment - text);

  if (segment != text)
    g_string_append_c (replaced, ' ');
  g_string_append (replaced, name);
  set_text (self, replaced->str);
}

static void
save_setting (DkUnitPicker *self)
{
  g_autofree char *unit = NULL;

  if (!self->remember || self->settings == NULL)
    return;
  unit = dk_unit_picker_dup_unit (self);
  g_settings_set_string (self->settings, "unit", unit != NULL ? unit : "");
}

/* ---- suggestions ---- */

static GtkWidget *
new_suggestion_row (DkUnit *unit)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (unit->name);
  g_autofree char *accessible = NULL;

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), name);
  if (unit->aliases->len > 0)
    {
      g_autoptr(GString) joined_text = g_string_new (NULL);
      g_autofree char *joined = NULL;
      g_autofree char *also = NULL;
      GtkWidget *aliases;

      for (guint i = 0; i < unit->aliases->len; i++)
        g_string_append_printf (joined_text, "%s%s", i > 0 ? ", " : "",
                                (const char *) g_ptr_array_index (unit->aliases, i));
      joined = g_string_free (g_steal_pointer (&joined_text), FALSE);
      /* Translators: the other names of a unit in the suggestions: "Also: Avd 12, Avd. 12" */
      also = g_strdup_printf (_("Also: %s"), joined);
      aliases = gtk_label_new (also);
      gtk_label_set_xalign (GTK_LABEL (aliases), 0);
      gtk_label_set_ellipsize (GTK_LABEL (aliases), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (aliases, "dim-label");
      gtk_widget_add_css_class (aliases, "caption");
      gtk_box_append (GTK_BOX (box), aliases);
      /* Translators: a suggested unit, read by screen readers: "Avdelning 12, also Avd 12" */
      accessible = g_strdup_printf (_("%s, also %s"), unit->name, joined);
    }
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_focusable (row, FALSE);
  dk_accessible_name_list_item (box, accessible != NULL ? accessible : unit->name);
  g_object_set_data_full (G_OBJECT (row), "dk-unit", dk_unit_ref (unit),
                          (GDestroyNotify) dk_unit_unref);
  return row;
}

static void
clear_suggestions (DkUnitPicker *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
}

/* Whether the text is being typed in: suggestions only then. */
static gboolean
has_text_focus (DkUnitPicker *self)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (self));

  return delegate != NULL && gtk_widget_is_focus (GTK_WIDGET (delegate));
}

/* Shows the units that hold what is being typed; none when it is one of them exactly. */
static void
update_suggestions (DkUnitPicker *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self));
  g_autofree char *segment = g_strstrip (g_strdup (current_segment (self, text)));
  g_autofree char *key = dk_unit_key (segment);
  DkUnit *exact = *key != '\0' ? find_unit (self, segment) : NULL;
  guint shown = 0;

  clear_suggestions (self);
  if (*key != '\0' && !(exact != NULL && g_str_equal (exact->name, segment)))
    {
      for (guint i = 0; i < self->units->len && shown < MAX_SUGGESTIONS; i++)
        {
          DkUnit *unit = g_ptr_array_index (self->units, i);

          if (!unit_matches (unit, key))
            continue;
          gtk_list_box_append (self->list, new_suggestion_row (unit));
          shown++;
        }
    }

  if (shown > 0 && has_text_focus (self))
    {
      /* as wide as the row: the names are read in full */
      gtk_widget_set_size_request (gtk_popover_get_child (self->popover),
                                   MAX (gtk_widget_get_width (GTK_WIDGET (self)) - 12, 160), -1);
      gtk_popover_popup (self->popover);
    }
  else
    gtk_popover_popdown (self->popover);
}

/* The button beside the text: "Avdelning 12" when an alias or another spelling of it
 * was typed. */
static void
update_offer (DkUnitPicker *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self));
  g_autofree char *segment = g_strstrip (g_strdup (current_segment (self, text)));
  DkUnit *unit = find_unit (self, segment);
  g_autofree char *name = NULL;

  self->offered = unit != NULL && !g_str_equal (unit->name, segment) ? unit : NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->use_button), self->offered != NULL);
  if (self->offered == NULL)
    return;

  gtk_button_set_label (self->use_button, self->offered->name);
  /* Translators: a button beside a unit typed as an alias: "Use “Avdelning 12”" */
  name = g_strdup_printf (_("Use “%s”"), self->offered->name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->use_button), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->use_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
pick (DkUnitPicker *self,
      DkUnit       *unit)
{
  g_assert (DK_IS_UNIT_PICKER (self));

  replace_segment (self, unit->name);
  gtk_popover_popdown (self->popover);
  update_offer (self);
  save_setting (self);
}

/* libadwaita 1.2 leaves the text without a name: the row's title names it (a caller
 * may name it otherwise afterwards). */
static void
name_text (DkUnitPicker *self)
{
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self));

  if (title != NULL && *title != '\0')
    dk_accessible_name_entry_text (ADW_ENTRY_ROW (self), title);
}

/* ---- callbacks ---- */

static void
dk_unit_picker_title_changed_cb (DkUnitPicker *self)
{
  name_text (self);
}

static void
dk_unit_picker_changed_cb (DkUnitPicker *self)
{
  if (self->popover == NULL)   /* disposed */
    return;
  update_offer (self);
  save_setting (self);
  if (!self->setting_text)
    update_suggestions (self);
}

static void
dk_unit_picker_row_activated_cb (DkUnitPicker  *self,
                                 GtkListBoxRow *row)
{
  DkUnit *unit = g_object_get_data (G_OBJECT (row), "dk-unit");

  if (unit != NULL)
    pick (self, unit);
}

static void
dk_unit_picker_use_clicked_cb (DkUnitPicker *self)
{
  if (self->offered != NULL)
    pick (self, self->offered);
}

static void
dk_unit_picker_entry_activated_cb (DkUnitPicker *self)
{
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (self->list);

  if (gtk_widget_get_visible (GTK_WIDGET (self->popover)) && selected != NULL)
    {
      dk_unit_picker_row_activated_cb (self, selected);
      return;
    }
  gtk_popover_popdown (self->popover);
  dk_unit_picker_canonicalize (self);
}

static void
dk_unit_picker_focus_entered_cb (DkUnitPicker *self)
{
  if (self->popover == NULL)   /* disposed */
    return;
  /* another desktop or the Units window may have changed the catalogue meanwhile */
  load_units (self);
  update_offer (self);
}

static void
dk_unit_picker_focus_left_cb (DkUnitPicker *self)
{
  if (self->popover == NULL)   /* disposed */
    return;
  dk_unit_picker_canonicalize (self);
  gtk_popover_popdown (self->popover);
}

/* Up and Down move through the suggestions, Escape closes them. */
static gboolean
dk_unit_picker_key_pressed_cb (DkUnitPicker          *self,
                               guint                  keyval,
                               guint                  keycode,
                               GdkModifierType        state,
                               GtkEventControllerKey *controller)
{
  GtkListBoxRow *selected;
  int index;

  if (!gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    return FALSE;

  selected = gtk_list_box_get_selected_row (self->list);
  index = selected != NULL ? gtk_list_box_row_get_index (selected) : -1;
  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      selected = gtk_list_box_get_row_at_index (self->list, index + 1);
      if (selected != NULL)
        gtk_list_box_select_row (self->list, selected);
      return TRUE;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      if (index > 0)
        gtk_list_box_select_row (self->list, gtk_list_box_get_row_at_index (self->list, index - 1));
      return TRUE;
    case GDK_KEY_Escape:
      gtk_popover_popdown (self->popover);
      return TRUE;
    default:
      return FALSE;
    }
}

/* ---- GObject ---- */

static void
dk_unit_picker_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  DkUnitPicker *self = DK_UNIT_PICKER (widget);

  GTK_WIDGET_CLASS (dk_unit_picker_parent_class)->size_allocate (widget, width, height, baseline);
  gtk_popover_present (self->popover);
}

static void
dk_unit_picker_constructed (GObject *object)
{
  DkUnitPicker *self = DK_UNIT_PICKER (object);
  GApplication *app = g_application_get_default ();

  G_OBJECT_CLASS (dk_unit_picker_parent_class)->constructed (object);

  name_text (self);

  if (self->remember && DK_IS_APPLICATION (app))
    {
      g_autofree char *unit = NULL;

      self->settings = g_object_ref (dk_application_get_settings (DK_APPLICATION (app)));
      unit = g_settings_get_string (self->settings, "unit");
      set_text (self, unit);
    }
}

static void
dk_unit_picker_dispose (GObject *object)
{
  DkUnitPicker *self = DK_UNIT_PICKER (object);

  if (self->popover != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->popover));
      self->popover = NULL;
    }
  self->offered = NULL;
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->units, g_ptr_array_unref);

  G_OBJECT_CLASS (dk_unit_picker_parent_class)->dispose (object);
}

static void
dk_unit_picker_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DkUnitPicker *self = DK_UNIT_PICKER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_MULTIPLE:
      g_value_set_boolean (value, self->multiple);
      break;
    case PROP_REMEMBER:
      g_value_set_boolean (value, self->remember);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_unit_picker_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DkUnitPicker *self = DK_UNIT_PICKER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      dk_unit_picker_set_store (self, g_value_get_object (value));
      break;
    case PROP_MULTIPLE:
      self->multiple = g_value_get_boolean (value);
      break;
    case PROP_REMEMBER:
      self->remember = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_unit_picker_class_init (DkUnitPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = dk_unit_picker_constructed;
  object_class->dispose = dk_unit_picker_dispose;
  object_class->get_property = dk_unit_picker_get_property;
  object_class->set_property = dk_unit_picker_set_property;
  widget_class->size_allocate = dk_unit_picker_size_allocate;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, DK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MULTIPLE] =
    g_param_spec_boolean ("multiple", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REMEMBER] =
    g_param_spec_boolean ("remember", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dk_unit_picker_init (DkUnitPicker *self)
{
  GtkWidget *scrolled;
  GtkEventController *controller;

  self->use_button = GTK_BUTTON (gtk_button_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->use_button), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->use_button), "flat");
  gtk_widget_set_visible (GTK_WIDGET (self->use_button), FALSE);
  g_signal_connect_swapped (self->use_button, "clicked",
                            G_CALLBACK (dk_unit_picker_use_clicked_cb), self);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (self), GTK_WIDGET (self->use_button));

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_SINGLE);
  gtk_list_box_set_activate_on_single_click (self->list, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Units in the catalogue"), -1);
  g_signal_connect_swapped (self->list, "row-activated",
                            G_CALLBACK (dk_unit_picker_row_activated_cb), self);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 260);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->list));

  self->popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_autohide (self->popover, FALSE);
  gtk_popover_set_has_arrow (self->popover, FALSE);
  gtk_popover_set_position (self->popover, GTK_POS_BOTTOM);
  gtk_widget_set_halign (GTK_WIDGET (self->popover), GTK_ALIGN_START);
  gtk_popover_set_child (self->popover, scrolled);
  gtk_widget_set_parent (GTK_WIDGET (self->popover), GTK_WIDGET (self));

  g_signal_connect (self, "changed", G_CALLBACK (dk_unit_picker_changed_cb), NULL);
  g_signal_connect (self, "notify::title", G_CALLBACK (dk_unit_picker_title_changed_cb), NULL);
  g_signal_connect (self, "entry-activated", G_CALLBACK (dk_unit_picker_entry_activated_cb),
                    NULL);

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "key-pressed",
                            G_CALLBACK (dk_unit_picker_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (controller, "enter", G_CALLBACK (dk_unit_picker_focus_entered_cb),
                            self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (dk_unit_picker_focus_left_cb),
                            self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/**
 * dk_unit_picker_new:
 * @store: (nullable): the replica whose catalogue is offered; %NULL: the app's
 *
 * Returns: (transfer floating): a new picker, titled "Unit"
 */
GtkWidget *
dk_unit_picker_new (DkStore *store)
{
  return g_object_new (DK_TYPE_UNIT_PICKER, "store", store, "title", _("Unit"), NULL);
}

/**
 * dk_unit_picker_set_store:
 * @self: a #DkUnitPicker
 * @store: (nullable): the replica; %NULL: the app's
 */
void
dk_unit_picker_set_store (DkUnitPicker *self,
                          DkStore      *store)
{
  g_return_if_fail (DK_IS_UNIT_PICKER (self));
  g_return_if_fail (store == NULL || DK_IS_STORE (store));

  if (g_set_object (&self->store, store))
    {
      g_clear_pointer (&self->units, g_ptr_array_unref);
      self->offered = NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
    }
}

/* The catalogue's name of @text, or @text trimmed; NULL when blank. (transfer full) */
static char *
resolve (DkUnitPicker *self,
         const char   *text)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  DkUnit *unit;

  if (*trimmed == '\0')
    return NULL;
  unit = find_unit (self, trimmed);
  return unit != NULL ? g_strdup (unit->name) : g_steal_pointer (&trimmed);
}

/**
 * dk_unit_picker_dup_unit:
 * @self: a #DkUnitPicker
 *
 * Returns: (transfer full) (nullable): the catalogue's name of what was typed, or the
 *   text trimmed when the catalogue has no such unit; %NULL when blank
 */
char *
dk_unit_picker_dup_unit (DkUnitPicker *self)
{
  g_return_val_if_fail (DK_IS_UNIT_PICKER (self), NULL);

  return resolve (self, gtk_editable_get_text (GTK_EDITABLE (self)));
}

/**
 * dk_unit_picker_dup_units:
 * @self: a #DkUnitPicker
 *
 * Returns: (transfer full): the units separated by commas, each resolved, without
 *   blanks or repeats
 */
GStrv
dk_unit_picker_dup_units (DkUnitPicker *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (DK_IS_UNIT_PICKER (self), NULL);

  parts = g_strsplit_set (gtk_editable_get_text (GTK_EDITABLE (self)), SEPARATORS, -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *unit = resolve (self, parts[i]);

      if (unit != NULL && g_hash_table_add (seen, dk_unit_key (unit)))
        g_strv_builder_add (builder, unit);
    }
  return g_strv_builder_end (builder);
}

/**
 * dk_unit_picker_canonicalize:
 * @self: a #DkUnitPicker
 *
 * Replaces what was typed with the catalogue's names ("avd 12" → "Avdelning 12");
 * free text stays.
 */
void
dk_unit_picker_canonicalize (DkUnitPicker *self)
{
  g_autofree char *text = NULL;

  g_return_if_fail (DK_IS_UNIT_PICKER (self));

  if (self->multiple)
    {
      g_auto(GStrv) units = dk_unit_picker_dup_units (self);

      text = g_strjoinv (", ", units);
    }
  else
    {
      text = dk_unit_picker_dup_unit (self);
    }
  if (g_strcmp0 (text != NULL ? text : "", gtk_editable_get_text (GTK_EDITABLE (self))) != 0)
    set_text (self, text != NULL ? text : "");
  update_offer (self);
  save_setting (self);
}
