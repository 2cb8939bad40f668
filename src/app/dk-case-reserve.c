/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-reserve.c: on a case page, the reserve routine (seed 002: "övergång till
 * reservrutin i delar av verksamheterna / i alla verksamheter", decided above the ward):
 * whether it is in force and for which units, and for whoever may publish the case, the
 * buttons that declare it for all units or listed ones and lift it again */

#define G_LOG_DOMAIN "dk-case-reserve"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-accessible-names.h"
#include "dk-application.h"
#include "dk-case-reserve.h"
#include "dk-format.h"
#include "dk-local-changes.h"
#include "dk-publish-rights.h"
#include "dk-routine-format.h"
#include "dk-unit-picker.h"

struct _DkCaseReserve
{
  AdwBin        parent_instance;

  /* template widgets */
  GtkButton    *declare_button;
  GtkButton    *lift_button;
  GtkLabel     *state_label;

  /* owned */
  DkSyncEngine *engine;
  char         *case_id;
};

G_DEFINE_FINAL_TYPE (DkCaseReserve, dk_case_reserve, ADW_TYPE_BIN)

/* The user a dialog's answer acts for, and the dialog's widgets. */
typedef struct {
  DkCaseReserve  *self;
  GtkCheckButton *all_check;
  DkUnitPicker   *units_row;
  AdwEntryRow    *text_row;
} Ask;

static void
ask_free (gpointer  data,
          GClosure *closure)
{
  Ask *ask = data;

  g_clear_object (&ask->self);
  g_free (ask);
}

/* GTK 4.8 tells assistive technologies of hidden buttons: a hidden one has no name. */
static void
show_button (GtkButton  *button,
             gboolean    shown,
             const char *label)
{
  g_autoptr(GString) name = g_string_new (shown ? label : "");

  gtk_button_set_label (button, shown ? label : "");
  g_string_replace (name, "_", "", 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name->str, -1);
  gtk_widget_set_visible (GTK_WIDGET (button), shown);
}

static void
show_error (DkCaseReserve *self,
            const char    *heading,
            const char    *message)
{
  GtkWidget *dialog;

  g_assert (DK_IS_CASE_RESERVE (self));

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
new_entry_row (const char *title,
               const char *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (text != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), text);

  return row;
}

/* ---- declaring ---- */

static void
dk_case_reserve_declare_response_cb (AdwMessageDialog *dialog,
                                     const char       *response,
                                     Ask              *ask)
{
  DkCaseReserve *self = ask->self;
  DkStore *store = dk_sync_engine_get_store (self->engine);
  gboolean all_units = gtk_check_button_get_active (ask->all_check);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (ask->text_row));
  g_auto(GStrv) units = NULL;
  g_autofree char *me = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "declare") != 0)
    return;

  /* each as the catalogue names it: "Avd 12" is listed as "Avdelning 12" */
  units = dk_unit_picker_dup_units (ask->units_row);
  me = dk_routine_dup_me (store);

  if (me == NULL)
    {
      show_error (self, _("Could Not Declare the Reserve Routine"),
                  _("Log in to declare the reserve routine."));
      return;
    }
  if (!all_units && units[0] == NULL)
    {
      show_error (self, _("Could Not Declare the Reserve Routine"),
                  _("Choose all units, or name the units that change to the reserve routine."));
      return;
    }

  if (!dk_local_declare_reserve (store, self->case_id, all_units,
                                 all_units ? NULL : (const char * const *) units,
                                 *text != '\0' ? text : NULL, me, dk_time_now (), &error))
    {
      show_error (self, _("Could Not Declare the Reserve Routine"), error->message);
      return;
    }

  /* The store announces the commit: the page and lists read it, the engine sends it. */
}

static void
dk_case_reserve_all_toggled_cb (GtkCheckButton *check,
                                AdwEntryRow    *units_row)
{
  gtk_widget_set_sensitive (GTK_WIDGET (units_row), !gtk_check_button_get_active (check));
}

static void
declare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DkCaseReserve *self = DK_CASE_RESERVE (widget);
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *list;
  GtkWidget *all;
  GtkWidget *some;
  Ask *ask;

  if (self->engine == NULL || self->case_id == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Declare the Reserve Routine?"),
                                   _("The units change to their reserve routine for this outage. "
                                     "Every desktop of those units shows it at once and is told "
                                     "with an urgent notification."));
  ask = g_new0 (Ask, 1);
  ask->self = g_object_ref (self);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  all = gtk_check_button_new_with_label (_("All units"));
  some = gtk_check_button_new_with_label (_("Only the units listed"));
  gtk_check_button_set_group (GTK_CHECK_BUTTON (some), GTK_CHECK_BUTTON (all));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (some), TRUE);
  ask->all_check = GTK_CHECK_BUTTON (all);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  ask->units_row = DK_UNIT_PICKER (g_object_new (DK_TYPE_UNIT_PICKER, "multiple", TRUE,
                                                 "store", dk_sync_engine_get_store (self->engine),
                                                 "title", _("Units, separated by commas"), NULL));
  dk_accessible_name_entry_text (ADW_ENTRY_ROW (ask->units_row), _("Units, separated by commas"));
  ask->text_row = ADW_ENTRY_ROW (new_entry_row (_("Message to the units"), NULL));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (ask->units_row));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (ask->text_row));
  g_signal_connect (all, "toggled", G_CALLBACK (dk_case_reserve_all_toggled_cb), ask->units_row);
  gtk_box_append (GTK_BOX (box), all);
  gtk_box_append (GTK_BOX (box), some);
  gtk_box_append (GTK_BOX (box), list);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "declare", _("_Declare"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "declare",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "declare");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (dk_case_reserve_declare_response_cb),
                         ask, ask_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- lifting ---- */

static void
dk_case_reserve_lift_response_cb (AdwMessageDialog *dialog,
                                  const char       *response,
                                  Ask              *ask)
{
  DkCaseReserve *self = ask->self;
  DkStore *store = dk_sync_engine_get_store (self->engine);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (ask->text_row));
  g_autofree char *me = dk_routine_dup_me (store);
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "lift") != 0)
    return;

  if (me == NULL)
    {
      show_error (self, _("Could Not Lift the Reserve Routine"),
                  _("Log in to lift the reserve routine."));
      return;
    }
  if (!dk_local_lift_reserve (store, self->case_id, *text != '\0' ? text : NULL, me,
                              dk_time_now (), &error))
    {
      show_error (self, _("Could Not Lift the Reserve Routine"), error->message);
      return;
    }

  /* The store announces the commit: the page and lists read it, the engine sends it. */
}

static void
lift_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DkCaseReserve *self = DK_CASE_RESERVE (widget);
  GtkWidget *dialog;
  GtkWidget *list;
  Ask *ask;

  if (self->engine == NULL || self->case_id == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Lift the Reserve Routine?"),
                                   _("The units go back to their usual routine. Their desktops "
                                     "are told."));
  ask = g_new0 (Ask, 1);
  ask->self = g_object_ref (self);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  ask->text_row = ADW_ENTRY_ROW (new_entry_row (_("Message to the units"), NULL));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (ask->text_row));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "lift", _("_Lift"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "lift",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "lift");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (dk_case_reserve_lift_response_cb),
                         ask, ask_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- GObject ---- */

static void
dk_case_reserve_dispose (GObject *object)
{
  DkCaseReserve *self = DK_CASE_RESERVE (object);

  g_clear_object (&self->engine);
  g_clear_pointer (&self->case_id, g_free);

  G_OBJECT_CLASS (dk_case_reserve_parent_class)->dispose (object);
}

static void
dk_case_reserve_class_init (DkCaseReserveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_case_reserve_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-case-reserve.ui");
  gtk_widget_class_bind_template_child (widget_class, DkCaseReserve, declare_button);
  gtk_widget_class_bind_template_child (widget_class, DkCaseReserve, lift_button);
  gtk_widget_class_bind_template_child (widget_class, DkCaseReserve, state_label);

  gtk_widget_class_install_action (widget_class, "reserve.declare", NULL, declare_action);
  gtk_widget_class_install_action (widget_class, "reserve.lift", NULL, lift_action);
}

static void
dk_case_reserve_init (DkCaseReserve *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* ---- public API ---- */

/**
 * dk_case_reserve_format_units:
 * @event: a declaration
 *
 * Returns: (transfer full): whom it is for: "all units", or the units listed
 */
char *
dk_case_reserve_format_units (const DkCaseReserveEvent *event)
{
  g_autoptr(GString) units = g_string_new (NULL);

  g_return_val_if_fail (event != NULL, NULL);

  if (event->all_units || event->units == NULL || event->units->len == 0)
    return g_strdup (_("all units"));
  for (guint i = 0; i < event->units->len; i++)
    {
      if (i > 0)
        g_string_append (units, ", ");
      g_string_append (units, g_ptr_array_index (event->units, i));
    }

  return g_string_free (g_steal_pointer (&units), FALSE);
}

/**
 * dk_case_reserve_set_engine:
 * @self: a #DkCaseReserve
 * @engine: the sync engine, with the replica and the user
 */
void
dk_case_reserve_set_engine (DkCaseReserve *self,
                            DkSyncEngine  *engine)
{
  g_return_if_fail (DK_IS_CASE_RESERVE (self));
  g_return_if_fail (DK_IS_SYNC_ENGINE (engine));

  g_set_object (&self->engine, engine);
}

/**
 * dk_case_reserve_set_case:
 * @self: a #DkCaseReserve
 * @kase: the case shown
 *
 * Shows whether the reserve routine is in force and, to a publisher of the case while
 * it is open, the buttons to declare and lift it. Hidden from others when nothing is
 * in force.
 */
void
dk_case_reserve_set_case (DkCaseReserve *self,
                          const DkCase  *kase)
{
  const DkCaseReserveEvent *in_force;
  gboolean publisher;
  gboolean open;

  g_return_if_fail (DK_IS_CASE_RESERVE (self));
  g_return_if_fail (kase != NULL);

  g_free (self->case_id);
  self->case_id = g_strdup (kase->id);
  if (self->engine == NULL)
    return;

  in_force = dk_case_get_reserve_in_force (kase);
  publisher = dk_publish_rights_may_publish_case (dk_sync_engine_get_store (self->engine), kase);
  open = kase->status != DK_CASE_STATUS_CLOSED;

  if (in_force != NULL)
    {
      g_autofree char *units = dk_case_reserve_format_units (in_force);
      g_autofree char *at = dk_format_time (in_force->at);
      g_autoptr(GString) text = g_string_new (NULL);

      /* Translators: on a case page: for whom, since when and who declared it */
      g_string_printf (text, _("In force for %s since %s, declared by %s."), units, at,
                       in_force->author != NULL ? in_force->author : _("unknown"));
      if (in_force->text != NULL && in_force->text[0] != '\0')
        g_string_append_printf (text, "\n%s", in_force->text);
      gtk_label_set_label (self->state_label, text->str);
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "error");
    }
  else
    {
      gtk_label_set_label (self->state_label, publisher && open
                           ? _("Not in force. Declare it when the units must change to their "
                               "reserve routine for this outage.")
                           : "");
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "error");
    }

  show_button (self->declare_button, publisher && open && in_force == NULL,
               _("_Declare Reserve Routine…"));
  show_button (self->lift_button, publisher && open && in_force != NULL,
               _("_Lift Reserve Routine…"));
  gtk_widget_set_visible (GTK_WIDGET (self), in_force != NULL || (publisher && open));
}
