/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routines-page.c: the reserve routines in the replica */

#define G_LOG_DOMAIN "dk-routines-page"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-format.h"
#include "dk-routines-page.h"

struct _DkRoutinesPage
{
  AdwBin      parent_instance;

  /* template widgets */
  GtkListBox *list_box;
  GtkStack   *stack;

  /* owned */
  GHashTable *rows;   /* routine id → AdwExpanderRow (borrowed from the list) */
};

G_DEFINE_FINAL_TYPE (DkRoutinesPage, dk_routines_page, ADW_TYPE_BIN)

static GtkWidget *
new_step_row (const DkRoutineStep *step)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), step->text);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), dk_routine_phase_label (step->phase));
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);

  return row;
}

static GtkWidget *
new_routine_row (const DkRoutine *routine,
                 GHashTable      *service_names)
{
  g_autofree char *services = dk_format_services (routine->services, service_names);
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_expander_row_new ();

  if (routine->valid_until != DK_TIME_UNSET)
    {
      g_autofree char *until = dk_format_time (routine->valid_until);

      /* Translators: a routine's services · owner · valid until */
      subtitle = g_strdup_printf (_("%s · %s · valid until %s"), services,
                                  routine->owner != NULL ? routine->owner : "", until);
    }
  else
    /* Translators: a routine's services · owner */
    subtitle = g_strdup_printf (_("%s · %s"), services,
                                routine->owner != NULL ? routine->owner : "");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), routine->title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  for (guint i = 0; i < routine->steps->len; i++)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                              new_step_row (g_ptr_array_index (routine->steps, i)));

  return row;
}

static void
dk_routines_page_dispose (GObject *object)
{
  DkRoutinesPage *self = DK_ROUTINES_PAGE (object);

  g_clear_pointer (&self->rows, g_hash_table_unref);

  G_OBJECT_CLASS (dk_routines_page_parent_class)->dispose (object);
}

static void
dk_routines_page_class_init (DkRoutinesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_routines_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-routines-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DkRoutinesPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinesPage, stack);
}

static void
dk_routines_page_init (DkRoutinesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

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
  g_autoptr(GPtrArray) routines = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  g_return_if_fail (DK_IS_ROUTINES_PAGE (self));
  g_return_if_fail (DK_IS_STORE (store));

  routines = dk_store_list_routines (store, &error);
  if (routines == NULL)
    {
      g_warning ("Could not read the routines: %s", error->message);
      return;
    }

  g_hash_table_remove_all (self->rows);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);

  for (guint i = 0; i < routines->len; i++)
    {
      DkRoutine *routine = g_ptr_array_index (routines, i);
      GtkWidget *row = new_routine_row (routine, service_names);

      gtk_list_box_append (self->list_box, row);
      g_hash_table_insert (self->rows, g_strdup (routine->id), row);
    }

  gtk_stack_set_visible_child_name (self->stack, routines->len > 0 ? "list" : "empty");
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
  GtkWidget *row;

  g_return_val_if_fail (DK_IS_ROUTINES_PAGE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  row = g_hash_table_lookup (self->rows, id);
  if (row == NULL)
    return FALSE;

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  gtk_widget_grab_focus (row);

  return TRUE;
}
