/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-list.c: a page of cases: a GtkListView over a DkCaseListModel */

#define G_LOG_DOMAIN "dk-case-list"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-case-list.h"
#include "dk-case-object.h"
#include "dk-case-row.h"

struct _DkCaseList
{
  AdwBin           parent_instance;

  /* template widgets */
  AdwStatusPage   *empty_page;
  GtkListView     *list_view;
  GtkSpinner      *loading_spinner;
  GtkStack        *stack;

  /* owned */
  DkCaseListModel *model;
  GtkNoSelection  *selection;
  GHashTable      *service_names;

  /* state */
  gboolean         loading;
};

G_DEFINE_FINAL_TYPE (DkCaseList, dk_case_list, ADW_TYPE_BIN)

static void
update_stack (DkCaseList *self)
{
  gboolean empty;

  g_assert (DK_IS_CASE_LIST (self));

  empty = self->model == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0;
  /* The spinner turns only while it shows: a hidden one would still tick. */
  gtk_spinner_set_spinning (self->loading_spinner, empty && self->loading);
  /* Told to screen readers too: GTK 4.8 reports hidden stack pages as showing. */
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->list_view), GTK_ACCESSIBLE_STATE_BUSY,
                               self->loading, -1);
  if (!empty)
    gtk_stack_set_visible_child_name (self->stack, "list");
  else
    gtk_stack_set_visible_child_name (self->stack, self->loading ? "loading" : "empty");
}

static void
dk_case_list_setup_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *list_item,
                       DkCaseList               *self)
{
  gtk_list_item_set_child (list_item, dk_case_row_new ());
}

static void
dk_case_list_bind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      DkCaseList               *self)
{
  DkCaseRow *row = DK_CASE_ROW (gtk_list_item_get_child (list_item));
  DkCaseObject *item = gtk_list_item_get_item (list_item);
  const char *search = self->model != NULL ? dk_case_list_model_get_search (self->model) : NULL;

  dk_case_row_set_item (row, item, self->service_names, search, dk_time_now ());
}

static void
dk_case_list_unbind_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *list_item,
                        DkCaseList               *self)
{
  dk_case_row_set_item (DK_CASE_ROW (gtk_list_item_get_child (list_item)), NULL, NULL, NULL, 0);
}

static void
dk_case_list_activated_cb (DkCaseList  *self,
                           guint        position,
                           GtkListView *list_view)
{
  g_autoptr(DkCaseObject) item = NULL;

  g_assert (DK_IS_CASE_LIST (self));

  if (self->model == NULL)
    return;
  item = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  if (item == NULL)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "win.open-case", "s",
                              dk_case_object_get_case (item)->id);
}

static void
dk_case_list_n_items_changed_cb (DkCaseList      *self,
                                 GParamSpec      *pspec,
                                 DkCaseListModel *model)
{
  update_stack (self);
}

static void
dk_case_list_dispose (GObject *object)
{
  DkCaseList *self = DK_CASE_LIST (object);

  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_pointer (&self->service_names, g_hash_table_unref);

  G_OBJECT_CLASS (dk_case_list_parent_class)->dispose (object);
}

static void
dk_case_list_class_init (DkCaseListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_case_list_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-case-list.ui");
  gtk_widget_class_bind_template_child (widget_class, DkCaseList, empty_page);
  gtk_widget_class_bind_template_child (widget_class, DkCaseList, list_view);
  gtk_widget_class_bind_template_child (widget_class, DkCaseList, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, DkCaseList, stack);
  gtk_widget_class_bind_template_callback (widget_class, dk_case_list_activated_cb);
}

static void
dk_case_list_init (DkCaseList *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (dk_case_list_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (dk_case_list_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (dk_case_list_unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  update_stack (self);
}

/**
 * dk_case_list_new:
 *
 * Returns: (transfer full): a new, empty case list
 */
GtkWidget *
dk_case_list_new (void)
{
  return g_object_new (DK_TYPE_CASE_LIST, NULL);
}

/**
 * dk_case_list_set_model:
 * @self: a #DkCaseList
 * @model: the cases to show
 */
void
dk_case_list_set_model (DkCaseList      *self,
                        DkCaseListModel *model)
{
  g_return_if_fail (DK_IS_CASE_LIST (self));
  g_return_if_fail (DK_IS_CASE_LIST_MODEL (model));

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, dk_case_list_n_items_changed_cb, self);
  g_set_object (&self->model, model);
  g_signal_connect_object (model, "notify::n-items",
                           G_CALLBACK (dk_case_list_n_items_changed_cb), self,
                           G_CONNECT_SWAPPED);

  g_clear_object (&self->selection);
  self->selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (model)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  update_stack (self);
}

/**
 * dk_case_list_get_model:
 * @self: a #DkCaseList
 *
 * Returns: (transfer none) (nullable): the model
 */
DkCaseListModel *
dk_case_list_get_model (DkCaseList *self)
{
  g_return_val_if_fail (DK_IS_CASE_LIST (self), NULL);

  return self->model;
}

/**
 * dk_case_list_set_service_names:
 * @self: a #DkCaseList
 * @names: (nullable): service id → name
 */
void
dk_case_list_set_service_names (DkCaseList *self,
                                GHashTable *names)
{
  g_return_if_fail (DK_IS_CASE_LIST (self));

  g_clear_pointer (&self->service_names, g_hash_table_unref);
  if (names != NULL)
    self->service_names = g_hash_table_ref (names);
}

/**
 * dk_case_list_set_empty_icon:
 * @self: a #DkCaseList
 * @icon_name: the icon of the page shown while the list is empty
 */
void
dk_case_list_set_empty_icon (DkCaseList *self,
                             const char *icon_name)
{
  g_return_if_fail (DK_IS_CASE_LIST (self));

  adw_status_page_set_icon_name (self->empty_page, icon_name);
}

/**
 * dk_case_list_set_texts:
 * @self: a #DkCaseList
 * @name: the list's accessible name
 * @empty_title: what the empty page says
 * @empty_description: (nullable): and below it
 */
void
dk_case_list_set_texts (DkCaseList *self,
                        const char *name,
                        const char *empty_title,
                        const char *empty_description)
{
  g_return_if_fail (DK_IS_CASE_LIST (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  adw_status_page_set_title (self->empty_page, empty_title);
  adw_status_page_set_description (self->empty_page, empty_description);
}

/**
 * dk_case_list_set_loading:
 * @self: a #DkCaseList
 * @loading: whether a first sync is filling the replica
 */
void
dk_case_list_set_loading (DkCaseList *self,
                          gboolean    loading)
{
  g_return_if_fail (DK_IS_CASE_LIST (self));

  if (self->loading == !!loading)
    return;
  self->loading = !!loading;
  update_stack (self);
}

/**
 * dk_case_list_get_loading:
 * @self: a #DkCaseList
 *
 * Returns: whether the list says it is loading while it is empty
 */
gboolean
dk_case_list_get_loading (DkCaseList *self)
{
  g_return_val_if_fail (DK_IS_CASE_LIST (self), FALSE);

  return self->loading;
}
