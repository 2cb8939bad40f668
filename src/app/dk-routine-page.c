/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routine-page.c: one reserve routine: document control, steps by phase, contacts,
 * forms and its runs */

#define G_LOG_DOMAIN "dk-routine-page"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-follow-button.h"
#include "dk-format.h"
#include "dk-print-labels.h"
#include "dk-print-operation.h"
#include "dk-routine-format.h"
#include "dk-routine-page.h"
#include "dk-routine-revisions.h"
#include "dk-start-run-dialog.h"

struct _DkRoutinePage
{
  AdwBin        parent_instance;

  /* template widgets */
  AdwActionRow *approved_row;
  AdwActionRow *audience_row;
  GtkButton    *edit_button;
  GtkBox       *follow_buttons;
  AdwActionRow *owner_row;
  AdwActionRow *revision_row;
  GtkBox       *sections_box;
  AdwActionRow *services_row;
  GtkLabel     *title_label;
  AdwActionRow *valid_row;
  GtkLabel     *warning_label;

  /* owned */
  DkSyncEngine *engine;
  GHashTable   *service_names;
  DkRoutine    *routine;
};

G_DEFINE_FINAL_TYPE (DkRoutinePage, dk_routine_page, ADW_TYPE_BIN)

/* ---- helpers ---- */

static DkStore *
get_store (DkRoutinePage *self)
{
  return self->engine != NULL ? dk_sync_engine_get_store (self->engine) : NULL;
}

static void
set_row_value (AdwActionRow *row,
               const char   *value)
{
  adw_action_row_set_subtitle (row, value != NULL && *value != '\0' ? value : "–");
}

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

static GtkWidget *
new_group (const char *title,
           const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);

  return group;
}

static GtkWidget *
new_row (const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);

  return row;
}

static void
show_document_control (DkRoutinePage *self)
{
  DkRoutine *routine = self->routine;
  g_autofree char *revision = g_strdup_printf ("%" G_GINT64_FORMAT, routine->revision);
  g_autofree char *services = dk_format_services (routine->services, self->service_names);
  g_autofree char *approved = NULL;
  g_autofree char *valid_until = NULL;
  g_autofree char *warning = dk_routine_dup_validity_warning (routine, dk_time_now ());

  if (routine->approved_at == DK_TIME_UNSET)
    approved = g_strdup (_("Not approved yet (draft)"));
  else
    {
      g_autofree char *when = dk_format_time (routine->approved_at);

      approved = routine->approved_by != NULL
                 /* Translators: approved <date> by <user> */
                 ? g_strdup_printf (_("%s by %s"), when, routine->approved_by)
                 : g_steal_pointer (&when);
    }
  valid_until = routine->valid_until != DK_TIME_UNSET
                ? dk_format_time (routine->valid_until)
                : g_strdup (_("Until further notice"));

  gtk_label_set_label (self->title_label, routine->title);
  set_row_value (self->owner_row, routine->owner);
  set_row_value (self->revision_row, revision);
  set_row_value (self->approved_row, approved);
  set_row_value (self->valid_row, valid_until);
  set_row_value (self->audience_row, routine->audience);
  set_row_value (self->services_row, services);

  gtk_label_set_label (self->warning_label, warning != NULL ? warning : "");
  gtk_widget_set_visible (GTK_WIDGET (self->warning_label), warning != NULL);
  if (warning != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->warning_label),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, warning, -1);
}

static void
add_phases (DkRoutinePage *self)
{
  DkRoutine *routine = self->routine;

  for (int phase = DK_ROUTINE_PHASE_BEFORE; phase <= DK_ROUTINE_PHASE_LAST; phase++)
    {
      GtkWidget *group = NULL;
      guint number = 0;

      for (guint i = 0; i < routine->steps->len; i++)
        {
          DkRoutineStep *step = g_ptr_array_index (routine->steps, i);
          g_autofree char *details = NULL;
          g_autofree char *title = NULL;

          if ((int) step->phase != phase)
            continue;
          if (group == NULL)
            group = new_group (dk_routine_phase_heading (phase), NULL);
          details = dk_routine_step_dup_details (step);
          /* Translators: a step's number in its phase, then its text */
          title = g_strdup_printf (_("%u. %s"), ++number, step->text);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), new_row (title, details));
        }
      if (group != NULL)
        gtk_box_append (self->sections_box, group);
    }
}

static void
add_contacts_and_forms (DkRoutinePage *self)
{
  DkRoutine *routine = self->routine;
  g_autoptr(GPtrArray) forms = g_ptr_array_new ();
  GtkWidget *contacts = NULL;
  GtkWidget *forms_group;

  for (guint i = 0; i < routine->steps->len; i++)
    {
      DkRoutineStep *step = g_ptr_array_index (routine->steps, i);

      if (step->contact != NULL)
        {
          g_autofree char *numbers = dk_routine_contact_dup_numbers (step->contact);

          if (contacts == NULL)
            contacts = new_group (_("Contacts"), NULL);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (contacts),
                                     new_row (step->contact->name != NULL ? step->contact->name
                                                                          : _("Contact"),
                                              numbers));
        }
      if (step->form != NULL &&
          !g_ptr_array_find_with_equal_func (forms, step->form, g_str_equal, NULL))
        g_ptr_array_add (forms, step->form);
    }
  if (contacts != NULL)
    gtk_box_append (self->sections_box, contacts);
  if (forms->len == 0)
    return;

  forms_group = new_group (_("Forms"), _("Printed blank in the downtime pack"));
  for (guint i = 0; i < forms->len; i++)
    {
      g_autofree char *title = dk_print_form_title (g_ptr_array_index (forms, i));

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (forms_group), new_row (title, NULL));
    }
  gtk_box_append (self->sections_box, forms_group);
}

static GtkWidget *
new_run_row (const DkRun *run)
{
  g_autofree char *started = dk_format_time (run->started_at);
  g_autofree char *subtitle = NULL;
  g_autofree char *open_label = NULL;
  GtkWidget *row;
  GtkWidget *button;

  if (run->finished_at != DK_TIME_UNSET)
    /* Translators: a finished run: started <time> by <user>, finished */
    subtitle = g_strdup_printf (_("Started %s by %s · finished"), started, run->started_by);
  else
    /* Translators: a run: started <time> by <user> */
    subtitle = g_strdup_printf (_("Started %s by %s"), started, run->started_by);
  row = new_row (run->unit != NULL ? run->unit : _("No unit"), subtitle);

  /* Translators: the button that opens the run of a routine on a unit */
  open_label = g_strdup_printf (_("Open run on %s"), run->unit != NULL ? run->unit : "");
  button = gtk_button_new_from_icon_name ("go-next-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, open_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  open_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "routines.open-run");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", run->id);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  dk_routine_row_activates (ADW_ACTION_ROW (row), button);

  return row;
}

static void
add_runs (DkRoutinePage *self)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *group;
  guint n = 0;

  runs = dk_store_list_runs (get_store (self), &error);
  if (runs == NULL)
    {
      g_warning ("Could not read the runs: %s", error->message);
      return;
    }

  group = new_group (_("Runs"), _("This routine followed on units, the latest first"));
  for (guint i = runs->len; i > 0; i--)
    {
      DkRun *run = g_ptr_array_index (runs, i - 1);

      if (g_strcmp0 (run->routine, self->routine->id) != 0)
        continue;
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), new_run_row (run));
      n++;
    }
  if (n == 0)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               new_row (_("Not started on any unit"), NULL));
  gtk_box_append (self->sections_box, group);
}

static void
update_actions (DkRoutinePage *self)
{
  gboolean have = self->routine != NULL;
  gboolean approved = have && self->routine->approved_at != DK_TIME_UNSET;
  gboolean owner = get_store (self) != NULL && dk_routine_user_may_edit (get_store (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "routine.start", approved);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "routine.print", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "routine.edit", have && owner);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "routine.revisions", have);
  gtk_widget_set_visible (GTK_WIDGET (self->edit_button), owner);
}

/* "Follow <service>" per service of the routine; kept while the services stay the same
 * (the buttons follow the engine themselves). */
static void
show_follow_buttons (DkRoutinePage *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->follow_buttons));
  GPtrArray *services = self->routine->services;
  gboolean same = services != NULL && services->len > 0;

  g_assert (DK_IS_ROUTINE_PAGE (self));

  for (guint i = 0; same && i < services->len; i++)
    {
      same = DK_IS_FOLLOW_BUTTON (child) &&
             g_strcmp0 (dk_follow_button_get_service_id (DK_FOLLOW_BUTTON (child)),
                        g_ptr_array_index (services, i)) == 0;
      child = child != NULL ? gtk_widget_get_next_sibling (child) : NULL;
    }
  if (same && child == NULL)
    return;

  dk_follow_buttons_fill (self->follow_buttons, self->engine, services, self->service_names);
}

static void
show_routine (DkRoutinePage *self)
{
  g_assert (DK_IS_ROUTINE_PAGE (self));

  clear_box (self->sections_box);
  update_actions (self);
  if (self->routine == NULL)
    return;

  show_document_control (self);
  show_follow_buttons (self);
  add_phases (self);
  add_contacts_and_forms (self);
  add_runs (self);
}

/* ---- actions ---- */

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  DkRoutinePage *self = DK_ROUTINE_PAGE (widget);

  if (self->routine != NULL)
    dk_start_run_dialog_present (widget, self->engine, self->routine->id, NULL);
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  DkRoutinePage *self = DK_ROUTINE_PAGE (widget);

  if (self->routine != NULL)
    dk_print_routine (widget, get_store (self), self->routine->id);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DkRoutinePage *self = DK_ROUTINE_PAGE (widget);

  if (self->routine != NULL)
    gtk_widget_activate_action (widget, "routines.edit", "s", self->routine->id);
}

static void
revisions_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DkRoutinePage *self = DK_ROUTINE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->routine != NULL)
    gtk_window_present (dk_routine_revisions_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                  self->engine, self->routine->id));
}

/* ---- GObject ---- */

static void
dk_routine_page_dispose (GObject *object)
{
  DkRoutinePage *self = DK_ROUTINE_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DK_TYPE_ROUTINE_PAGE);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->service_names, g_hash_table_unref);
  g_clear_pointer (&self->routine, dk_routine_unref);

  G_OBJECT_CLASS (dk_routine_page_parent_class)->dispose (object);
}

static void
dk_routine_page_class_init (DkRoutinePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_routine_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-routine-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DkRoutinePage, approved_row);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinePage, audience_row);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinePage, edit_button);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinePage, follow_buttons);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinePage, owner_row);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinePage, revision_row);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinePage, sections_box);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinePage, services_row);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinePage, valid_row);
  gtk_widget_class_bind_template_child (widget_class, DkRoutinePage, warning_label);

  gtk_widget_class_install_action (widget_class, "routine.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "routine.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "routine.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "routine.revisions", NULL, revisions_action);
}

static void
dk_routine_page_init (DkRoutinePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_actions (self);
}

/* ---- public API ---- */

/**
 * dk_routine_page_set_context:
 * @self: a #DkRoutinePage
 * @engine: the sync engine, with the replica
 * @service_names: (nullable): service id → name
 */
void
dk_routine_page_set_context (DkRoutinePage *self,
                             DkSyncEngine  *engine,
                             GHashTable    *service_names)
{
  g_return_if_fail (DK_IS_ROUTINE_PAGE (self));
  g_return_if_fail (DK_IS_SYNC_ENGINE (engine));

  g_set_object (&self->engine, engine);
  g_clear_pointer (&self->service_names, g_hash_table_unref);
  if (service_names != NULL)
    self->service_names = g_hash_table_ref (service_names);
}

/**
 * dk_routine_page_set_routine:
 * @self: a #DkRoutinePage
 * @id: a routine's id
 *
 * Returns: whether the replica has the routine
 */
gboolean
dk_routine_page_set_routine (DkRoutinePage *self,
                             const char    *id)
{
  g_autoptr(DkRoutine) routine = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (DK_IS_ROUTINE_PAGE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (self->engine != NULL, FALSE);

  routine = dk_store_get_routine (get_store (self), id, &error);
  if (routine == NULL)
    {
      g_debug ("No routine %s: %s", id, error->message);
      return FALSE;
    }

  g_clear_pointer (&self->routine, dk_routine_unref);
  self->routine = g_steal_pointer (&routine);
  show_routine (self);

  return TRUE;
}

/**
 * dk_routine_page_get_routine_id:
 * @self: a #DkRoutinePage
 *
 * Returns: (nullable): the id of the routine shown
 */
const char *
dk_routine_page_get_routine_id (DkRoutinePage *self)
{
  g_return_val_if_fail (DK_IS_ROUTINE_PAGE (self), NULL);

  return self->routine != NULL ? self->routine->id : NULL;
}

/**
 * dk_routine_page_reload:
 * @self: a #DkRoutinePage
 */
void
dk_routine_page_reload (DkRoutinePage *self)
{
  g_autofree char *id = NULL;

  g_return_if_fail (DK_IS_ROUTINE_PAGE (self));

  if (self->routine == NULL || self->engine == NULL)
    return;

  id = g_strdup (self->routine->id);
  if (!dk_routine_page_set_routine (self, id))
    {
      g_clear_pointer (&self->routine, dk_routine_unref);
      show_routine (self);
    }
}
