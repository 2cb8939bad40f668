/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routine-format.c: routines, steps and runs in words for the routine pages */

#define G_LOG_DOMAIN "dk-routine-format"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-print-labels.h"
#include "dk-routine-format.h"

/**
 * dk_routine_user_may_edit:
 * @store: the replica
 *
 * Returns: whether the logged-in user is a routine owner or an admin
 */
gboolean
dk_routine_user_may_edit (DkStore *store)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  DkRole roles = 0;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);

  text = dk_store_dup_meta (store, "roles");
  if (text == NULL || *text == '\0')
    return FALSE;
  if (!dk_roles_from_string (text, &roles, &error))
    {
      g_debug ("The replica's roles are not understood: %s", error->message);
      return FALSE;
    }

  return dk_rules_check_may_edit_routines (roles, NULL);
}

/**
 * dk_routine_dup_me:
 * @store: the replica
 *
 * Returns: (transfer full) (nullable): the logged-in username
 */
char *
dk_routine_dup_me (DkStore *store)
{
  g_return_val_if_fail (DK_IS_STORE (store), NULL);

  return dk_store_dup_meta (store, "username");
}

/**
 * dk_routine_contact_dup_numbers:
 * @contact: a contact
 *
 * Returns: (transfer full): the numbers to call, in words
 */
char *
dk_routine_contact_dup_numbers (const DkContact *contact)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (contact != NULL, NULL);

  if (contact->office_hours != NULL)
    /* Translators: a contact's phone number during office hours */
    g_string_append_printf (text, _("Office hours %s"), contact->office_hours);
  if (contact->on_call != NULL)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      /* Translators: a contact's phone number evenings, nights and weekends */
      g_string_append_printf (text, _("On call %s"), contact->on_call);
    }

  return g_string_free (text, FALSE);
}

/**
 * dk_routine_step_dup_details:
 * @step: a routine step
 *
 * Returns: (transfer full) (nullable): the step's condition, contact, form and deadline
 */
char *
dk_routine_step_dup_details (const DkRoutineStep *step)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *condition = NULL;
  g_autofree char *deadline = NULL;

  g_return_val_if_fail (step != NULL, NULL);

  condition = dk_print_describe_condition (step->condition);
  if (condition != NULL)
    g_string_append (text, condition);
  if (step->contact != NULL)
    {
      g_autofree char *numbers = dk_routine_contact_dup_numbers (step->contact);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      /* Translators: a step's contact: name, then numbers */
      g_string_append_printf (text, _("Call %s: %s"),
                              step->contact->name != NULL ? step->contact->name : "", numbers);
    }
  if (step->form != NULL)
    {
      g_autofree char *form = dk_print_form_title (step->form);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      /* Translators: the form a step uses */
      g_string_append_printf (text, _("Form: %s"), form);
    }
  deadline = dk_routine_dup_deadline_label (step->deadline);
  if (deadline != NULL)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      /* Translators: by when a step must be done once the outage is over */
      g_string_append_printf (text, _("Deadline: %s"), deadline);
    }

  if (text->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * dk_routine_phase_heading:
 * @phase: a phase
 *
 * Returns: the phase's heading, translated
 */
const char *
dk_routine_phase_heading (DkRoutinePhase phase)
{
  switch (phase)
    {
    case DK_ROUTINE_PHASE_BEFORE:
      return _("Before an outage");
    case DK_ROUTINE_PHASE_DURING:
      return _("During the outage");
    case DK_ROUTINE_PHASE_AFTER:
    default:
      return _("After the outage");
    }
}

/**
 * dk_routine_new_text_label:
 * @text: (nullable): the text
 * @css_class: (nullable): a style class
 *
 * Returns: (transfer floating): a left-aligned label that wraps
 */
GtkWidget *
dk_routine_new_text_label (const char *text,
                           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static void
dk_routine_row_activated_cb (GtkWidget *widget)
{
  gtk_widget_activate (widget);
}

/**
 * dk_routine_row_activates:
 * @row: a row
 * @widget: the button or check button in it
 *
 * Activating @row activates @widget. Unlike adw_action_row_set_activatable_widget ()
 * this leaves @widget's accessible name as it is (GTK 4.8 would add the row's title).
 */
void
dk_routine_row_activates (AdwActionRow *row,
                          GtkWidget    *widget)
{
  g_return_if_fail (ADW_IS_ACTION_ROW (row));
  g_return_if_fail (GTK_IS_WIDGET (widget));

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_signal_connect_object (row, "activated", G_CALLBACK (dk_routine_row_activated_cb), widget,
                           G_CONNECT_SWAPPED);
}
