/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routines-page.c: the reserve routines in the replica, a routine, a run, the editor
 *
 * Everything here reads the replica only (dk_store_query_routines), so the page works
 * with no network. A routine, a run and the editor open in place; the widget actions
 * "routines.open", "routines.open-run", "routines.edit", "routines.new" and
 * "routines.back" move between them, from any of them.
 */

#define G_LOG_DOMAIN "dk-routines-page"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-accessible-names.h"
#include "dk-format.h"
#include "dk-routine-editor.h"
#include "dk-routine-format.h"
#include "dk-routine-page.h"
#include "dk-routines-page.h"
#include "dk-run-page.h"
#include "dk-start-run-dialog.h"
#include "dk-store-routines.h"

struct _DkRoutinesPage
{
  AdwBin            parent_instance;

  /* template widgets */
  GtkDropDown      *audience_dropdown;
  DkRoutineEditor  *editor;
  GtkListBox       *list_box;
  GtkButton        *new_button;
  GtkStack         *pages;
  DkRoutinePage    *routine_page;
  DkRunPage        *run_page;
  GtkSearchEntry   *search_entry;
  GtkDropDown      *service_dropdown;
  GtkStack         *stack;

  /* owned */
  DkSyncEngine     *engine;
  DkStore          *store;
  GHashTable       *service_names;   /* service id → name */
  GPtrArray        *service_ids;     /* the dropdown's services, after "All services" */
  GPtrArray        *audiences;       /* the dropdown's audiences, after "All audiences" */

  /* state */
  gboolean          filling;
};

G_DEFINE_FINAL_TYPE (DkRoutinesPage, dk_routines_page, ADW_TYPE_BIN)

/* ---- helpers ---- */

static const char *
service_name (DkRoutinesPage *self,
              const char     *id)
{
  const char *name = self->service_names != NULL ? g_hash_table_lookup (self->service_names, id)
                                                  : NULL;

  return name != NULL ? name : id;
}

static const char *
selected_item (GtkDropDown *dropdown,
               GPtrArray   *items)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (items == NULL || selected == GTK_INVALID_LIST_POSITION || selected == 0 ||
      selected > items->len)
    return NULL;

  return g_ptr_array_index (items, selected - 1);
}

static GtkWidget *
new_routine_row (DkRoutinesPage  *self,
                 const DkRoutine *routine)
{
  g_autofree char *warning = dk_routine_dup_validity_warning (routine, dk_time_now ());
  g_autofree char *open_label = NULL;
  g_autoptr(GString) subtitle = g_string_new (NULL);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;

  if (routine->audience != NULL)
    g_string_append (subtitle, routine->audience);
  if (subtitle->len > 0)
    g_string_append (subtitle, " · ");
  /* Translators: a routine's revision in the library */
  g_string_append_printf (subtitle, _("revision %lld"), (long long) routine->revision);
  if (routine->approved_at == DK_TIME_UNSET)
    /* Translators: appended to a routine that is not approved yet */
    g_string_append (subtitle, _(" · draft"));
  if (warning != NULL)
    g_string_append_printf (subtitle, "\n%s", warning);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), routine->title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  if (warning != NULL)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      gtk_widget_add_css_class (icon, "warning");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      warning, -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }

  /* Translators: the button that opens a routine; its title follows */
  open_label = g_strdup_printf (_("Open “%s”"), routine->title);
  button = gtk_button_new_from_icon_name ("go-next-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, open_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  open_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "routines.open");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", routine->id);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  dk_routine_row_activates (ADW_ACTION_ROW (row), button);

  /* The section the row falls in: its first service, as the query orders them. */
  if (routine->services->len > 0)
    g_object_set_data_full (G_OBJECT (row), "dk-service",
                            g_strdup (service_name (self, g_ptr_array_index (routine->services, 0))),
                            g_free);

  return row;
}

static void
update_header (GtkListBoxRow *row,
               GtkListBoxRow *before,
               gpointer       user_data)
{
  const char *service = g_object_get_data (G_OBJECT (row), "dk-service");
  const char *previous = before != NULL ? g_object_get_data (G_OBJECT (before), "dk-service")
                                        : NULL;
  GtkWidget *header;

  if (service == NULL || (before != NULL && g_strcmp0 (service, previous) == 0))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  header = gtk_label_new (service);
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "dk-routine-service");
  gtk_list_box_row_set_header (row, header);
}

static void
fill_list (DkRoutinesPage *self)
{
  DkRoutineQuery query = { 0 };
  g_autoptr(GPtrArray) routines = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  gboolean filtered;

  if (self->store == NULL)
    return;

  query.service = selected_item (self->service_dropdown, self->service_ids);
  query.audience = selected_item (self->audience_dropdown, self->audiences);
  query.text = text;
  filtered = query.service != NULL || query.audience != NULL || (text != NULL && *text != '\0');

  routines = dk_store_query_routines (self->store, &query, &error);
  if (routines == NULL)
    {
      g_warning ("Could not read the routines: %s", error->message);
      return;
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  for (guint i = 0; i < routines->len; i++)
    gtk_list_box_append (self->list_box, new_routine_row (self, g_ptr_array_index (routines, i)));

  if (routines->len > 0)
    gtk_stack_set_visible_child_name (self->stack, "list");
  else
    gtk_stack_set_visible_child_name (self->stack, filtered ? "no-match" : "empty");
}

/* The dropdowns' choices, keeping what was chosen when it is still there. */
static void
fill_filters (DkRoutinesPage *self)
{
  g_autoptr(GtkStringList) services = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) audiences = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *service = g_strdup (selected_item (self->service_dropdown, self->service_ids));
  g_autofree char *audience = g_strdup (selected_item (self->audience_dropdown, self->audiences));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint service_selected = 0;
  guint audience_selected = 0;

  g_clear_pointer (&self->service_ids, g_ptr_array_unref);
  g_clear_pointer (&self->audiences, g_ptr_array_unref);
  self->service_ids = g_ptr_array_new_with_free_func (g_free);

  gtk_string_list_append (services, _("All services"));
  all = dk_store_query_routines (self->store, &(DkRoutineQuery) { 0 }, &error);
  for (guint i = 0; all != NULL && i < all->len; i++)
    {
      DkRoutine *routine = g_ptr_array_index (all, i);

      for (guint s = 0; s < routine->services->len; s++)
        {
          const char *id = g_ptr_array_index (routine->services, s);

          if (!g_hash_table_add (seen, (gpointer) id))
            continue;
          g_ptr_array_add (self->service_ids, g_strdup (id));
          gtk_string_list_append (services, service_name (self, id));
          if (g_strcmp0 (id, service) == 0)
            service_selected = self->service_ids->len;
        }
    }

  gtk_string_list_append (audiences, _("All audiences"));
  self->audiences = dk_store_list_routine_audiences (self->store, &error);
  if (self->audiences == NULL)
    {
      g_warning ("Could not read the audiences: %s", error != NULL ? error->message : "");
      self->audiences = g_ptr_array_new_with_free_func (g_free);
    }
  for (guint i = 0; i < self->audiences->len; i++)
    {
      gtk_string_list_append (audiences, g_ptr_array_index (self->audiences, i));
      if (g_strcmp0 (g_ptr_array_index (self->audiences, i), audience) == 0)
        audience_selected = i + 1;
    }

  self->filling = TRUE;
  gtk_drop_down_set_model (self->service_dropdown, G_LIST_MODEL (services));
  gtk_drop_down_set_selected (self->service_dropdown, service_selected);
  gtk_drop_down_set_model (self->audience_dropdown, G_LIST_MODEL (audiences));
  gtk_drop_down_set_selected (self->audience_dropdown, audience_selected);
  self->filling = FALSE;
}

static void
update_actions (DkRoutinesPage *self)
{
  gboolean owner = self->store != NULL && dk_routine_user_may_edit (self->store);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "routines.new", owner && self->engine != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "routines.edit", owner && self->engine != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->new_button), owner);
}

static void
dk_routines_page_filter_changed_cb (DkRoutinesPage *self)
{
  if (!self->filling)
    fill_list (self);
}

/* ---- actions ---- */

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  dk_routines_page_show_routine (DK_ROUTINES_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
open_run_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  dk_routines_page_show_run (DK_ROUTINES_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DkRoutinesPage *self = DK_ROUTINES_PAGE (widget);

  if (dk_routine_editor_edit (self->editor, g_variant_get_string (parameter, NULL)))
    gtk_stack_set_visible_child_name (self->pages, "editor");
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  DkRoutinesPage *self = DK_ROUTINES_PAGE (widget);

  if (dk_routine_editor_edit (self->editor, NULL))
    gtk_stack_set_visible_child_name (self->pages, "editor");
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DkRoutinesPage *self = DK_ROUTINES_PAGE (widget);
  const char *page = gtk_stack_get_visible_child_name (self->pages);
  const char *routine_id = NULL;

  /* From a run or the editor back to the routine; from the routine to the library. */
  if (g_strcmp0 (page, "run") == 0)
    routine_id = dk_run_page_get_routine_id (self->run_page);
  else if (g_strcmp0 (page, "editor") == 0)
    routine_id = dk_routine_page_get_routine_id (self->routine_page);

  if (routine_id != NULL && dk_routines_page_show_routine (self, routine_id))
    return;
  gtk_stack_set_visible_child_name (self->pages, "library");
}

/* ---- GObject ---- */

static void
dk_routines_page_dispose (GObject *object)
{
  DkRoutinesPage *self = DK_ROUTINES_PAGE (object);

  /* The bin's child is the template child "pages": gtk_widget_dispose_template () would
   * unparent it behind AdwBin's back, and AdwBin's dispose would then unparent the freed
   * stack again. Letting the bin drop it first keeps AdwBin's pointer right. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), DK_TYPE_ROUTINES_PAGE);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  g_clear_pointer (&self->service_names, g_hash_table_unref);
  g_clear_pointer (&self->service_ids, g_ptr_array_unref);
  g_clear_pointer (&self->audiences, g_ptr_array_unref);

  G_OBJECT_CLASS (dk_routines_page_parent_class)->dispose (object);
}

static void
dk_routines_page_class_init (DkRoutinesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_routines_page_dispose;

  g_type_ensure (DK_TYPE_ROUTINE_EDITOR);
  g_type_ensure (DK_TYPE_ROUTINE_PAGE);
  g_type_ensure (DK_TYPE_RUN_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-routines-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DkRoutinesPage, audience_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinesPage, editor);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinesPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinesPage, new_button);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinesPage, pages);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinesPage, routine_page);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinesPage, run_page);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinesPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinesPage, service_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinesPage, stack);
  gtk_widget_class_bind_template_callback (widget_class, dk_routines_page_filter_changed_cb);

  gtk_widget_class_install_action (widget_class, "routines.open", "s", open_action);
  gtk_widget_class_install_action (widget_class, "routines.open-run", "s", open_run_action);
  gtk_widget_class_install_action (widget_class, "routines.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "routines.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "routines.back", NULL, back_action);
}

static void
dk_routines_page_init (DkRoutinesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  dk_accessible_name_dropdown_button (self->service_dropdown, _("Routines for service"));
  dk_accessible_name_dropdown_button (self->audience_dropdown, _("Routines for audience"));
  gtk_list_box_set_header_func (self->list_box, update_header, NULL, NULL);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  update_actions (self);
}

/* ---- public API ---- */

/**
 * dk_routines_page_new:
 *
 * Returns: (transfer full): a new, empty routines page
 */
GtkWidget *
dk_routines_page_new (void)
{
  return g_object_new (DK_TYPE_ROUTINES_PAGE, NULL);
}

/**
 * dk_routines_page_set_engine:
 * @self: a #DkRoutinesPage
 * @engine: the sync engine
 */
void
dk_routines_page_set_engine (DkRoutinesPage *self,
                             DkSyncEngine   *engine)
{
  g_return_if_fail (DK_IS_ROUTINES_PAGE (self));
  g_return_if_fail (DK_IS_SYNC_ENGINE (engine));

  g_set_object (&self->engine, engine);
  dk_routine_page_set_context (self->routine_page, engine, self->service_names);
  dk_run_page_set_context (self->run_page, engine);
  dk_routine_editor_set_context (self->editor, engine, self->service_names);
  update_actions (self);
}

/**
 * dk_routines_page_reload:
 * @self: a #DkRoutinesPage
 * @store: the replica
 * @service_names: (nullable): service id → name
 */
void
dk_routines_page_reload (DkRoutinesPage *self,
                         DkStore        *store,
                         GHashTable     *service_names)
{
  g_return_if_fail (DK_IS_ROUTINES_PAGE (self));
  g_return_if_fail (DK_IS_STORE (store));

  g_set_object (&self->store, store);
  if (service_names != self->service_names)
    {
      g_clear_pointer (&self->service_names, g_hash_table_unref);
      if (service_names != NULL)
        self->service_names = g_hash_table_ref (service_names);
    }
  if (self->engine != NULL)
    {
      dk_routine_page_set_context (self->routine_page, self->engine, self->service_names);
      dk_routine_editor_set_context (self->editor, self->engine, self->service_names);
    }

  fill_filters (self);
  fill_list (self);
  update_actions (self);

  /* Ticks from other desktops and a newly approved revision show at once. */
  dk_routine_page_reload (self->routine_page);
  dk_run_page_reload (self->run_page);
}

/**
 * dk_routines_page_show_routine:
 * @self: a #DkRoutinesPage
 * @id: a routine's id
 *
 * Returns: whether the routine is there
 */
gboolean
dk_routines_page_show_routine (DkRoutinesPage *self,
                               const char     *id)
{
  g_return_val_if_fail (DK_IS_ROUTINES_PAGE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (self->engine == NULL || !dk_routine_page_set_routine (self->routine_page, id))
    return FALSE;

  gtk_stack_set_visible_child_name (self->pages, "routine");
  return TRUE;
}

/**
 * dk_routines_page_show_run:
 * @self: a #DkRoutinesPage
 * @id: a run's id
 *
 * Returns: whether the run is there
 */
gboolean
dk_routines_page_show_run (DkRoutinesPage *self,
                           const char     *id)
{
  g_return_val_if_fail (DK_IS_ROUTINES_PAGE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (self->engine == NULL || !dk_run_page_set_run (self->run_page, id))
    return FALSE;

  gtk_stack_set_visible_child_name (self->pages, "run");
  return TRUE;
}

/**
 * dk_routines_page_start_routine:
 * @self: a #DkRoutinesPage
 * @routine_id: the routine to start
 * @case_id: (nullable): the outage case to tie the run to
 *
 * Returns: whether the routine is there
 */
gboolean
dk_routines_page_start_routine (DkRoutinesPage *self,
                                const char     *routine_id,
                                const char     *case_id)
{
  g_return_val_if_fail (DK_IS_ROUTINES_PAGE (self), FALSE);
  g_return_val_if_fail (routine_id != NULL, FALSE);

  if (!dk_routines_page_show_routine (self, routine_id))
    return FALSE;

  dk_start_run_dialog_present (GTK_WIDGET (self), self->engine, routine_id, case_id);
  return TRUE;
}
