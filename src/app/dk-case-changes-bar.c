/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-changes-bar.c: on a case page, what became of this desktop's changes to the
 * case: waiting to publish, changed on the server meanwhile (compare the versions), or
 * refused with the server's reason (edit and send again) */

#define G_LOG_DOMAIN "dk-case-changes-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-case-changes-bar.h"
#include "dk-conflict-dialog.h"
#include "dk-resend-dialog.h"

struct _DkCaseChangesBar
{
  AdwBin        parent_instance;

  /* template widgets */
  GtkBox       *box;
  GtkButton    *button;
  GtkImage     *icon;
  GtkLabel     *label;

  /* owned */
  DkSyncEngine *engine;
  char         *mutation_id;   /* the entry the button acts on */
};

G_DEFINE_FINAL_TYPE (DkCaseChangesBar, dk_case_changes_bar, ADW_TYPE_BIN)

/* A button's label with its mnemonic, and the same words as its accessible name (GTK
 * 4.8 names a button by its label's raw text, underscore included). */
static void
set_button_label (GtkButton  *button,
                  const char *label)
{
  g_autoptr(GString) name = g_string_new (label);

  gtk_button_set_label (button, label);
  g_string_replace (name, "_", "", 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name->str, -1);
}

static void
hide (DkCaseChangesBar *self)
{
  g_assert (DK_IS_CASE_CHANGES_BAR (self));

  /* GTK 4.8 tells assistive technologies of hidden widgets: no text, nothing to find. */
  gtk_label_set_label (self->label, "");
  set_button_label (self->button, "");
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  g_clear_pointer (&self->mutation_id, g_free);
}

static void
show (DkCaseChangesBar *self,
      const char       *icon,
      const char       *text,
      const char       *button_label,
      const char       *action_name)
{
  g_assert (DK_IS_CASE_CHANGES_BAR (self));

  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_label_set_label (self->label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->button), button_label != NULL);
  set_button_label (self->button, button_label != NULL ? button_label : "");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), action_name);
  gtk_widget_remove_css_class (GTK_WIDGET (self->box), "dk-problem");
  if (action_name != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->box), "dk-problem");
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

static void
present (DkCaseChangesBar *self,
         GtkWindow        *dialog)
{
  g_assert (DK_IS_CASE_CHANGES_BAR (self));

  if (dialog != NULL)
    gtk_window_present (dialog);
}

static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DkCaseChangesBar *self = DK_CASE_CHANGES_BAR (widget);

  if (self->engine != NULL && self->mutation_id != NULL)
    present (self, dk_conflict_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                           self->engine, self->mutation_id));
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DkCaseChangesBar *self = DK_CASE_CHANGES_BAR (widget);

  if (self->engine != NULL && self->mutation_id != NULL)
    present (self, dk_resend_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                         self->engine, self->mutation_id));
}

static void
dk_case_changes_bar_dispose (GObject *object)
{
  DkCaseChangesBar *self = DK_CASE_CHANGES_BAR (object);

  g_clear_object (&self->engine);
  g_clear_pointer (&self->mutation_id, g_free);

  G_OBJECT_CLASS (dk_case_changes_bar_parent_class)->dispose (object);
}

static void
dk_case_changes_bar_class_init (DkCaseChangesBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_case_changes_bar_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-case-changes-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, DkCaseChangesBar, box);
  gtk_widget_class_bind_template_child (widget_class, DkCaseChangesBar, button);
  gtk_widget_class_bind_template_child (widget_class, DkCaseChangesBar, icon);
  gtk_widget_class_bind_template_child (widget_class, DkCaseChangesBar, label);

  gtk_widget_class_install_action (widget_class, "changes.compare", NULL, compare_action);
  gtk_widget_class_install_action (widget_class, "changes.edit", NULL, edit_action);
}

static void
dk_case_changes_bar_init (DkCaseChangesBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dk_case_changes_bar_set_engine:
 * @self: a #DkCaseChangesBar
 * @engine: the sync engine, with the replica
 */
void
dk_case_changes_bar_set_engine (DkCaseChangesBar *self,
                                DkSyncEngine     *engine)
{
  g_return_if_fail (DK_IS_CASE_CHANGES_BAR (self));
  g_return_if_fail (DK_IS_SYNC_ENGINE (engine));

  g_set_object (&self->engine, engine);
}

/**
 * dk_case_changes_bar_set_case:
 * @self: a #DkCaseChangesBar
 * @kase: the case shown
 *
 * Reads the outbox for @kase: a conflict first, then a refusal, then what waits.
 */
void
dk_case_changes_bar_set_case (DkCaseChangesBar *self,
                              const DkCase     *kase)
{
  DkStore *store;
  g_autofree char *conflict = NULL;
  g_autofree char *rejected = NULL;

  g_return_if_fail (DK_IS_CASE_CHANGES_BAR (self));
  g_return_if_fail (kase != NULL);

  if (self->engine == NULL)
    return;
  store = dk_sync_engine_get_store (self->engine);
  g_clear_pointer (&self->mutation_id, g_free);

  conflict = dk_conflict_dialog_find_entry (store, kase->id, DK_OUTBOX_CONFLICT);
  if (conflict == NULL)
    rejected = dk_conflict_dialog_find_entry (store, kase->id, DK_OUTBOX_REJECTED);

  if (conflict != NULL)
    {
      show (self, "dialog-warning-symbolic",
            _("Someone else changed this case on the server while your change waited to be "
              "published. Compare the versions and choose what to keep."),
            _("_Compare…"), "changes.compare");
      self->mutation_id = g_steal_pointer (&conflict);
    }
  else if (rejected != NULL)
    {
      g_autoptr(DkOutboxEntry) entry = dk_store_outbox_get (store, rejected, NULL);
      g_autofree char *text = NULL;

      /* Translators: on a case page; %s is the server's reason */
      text = g_strdup_printf (_("The server did not accept your change: %s"),
                              entry != NULL && entry->error_message != NULL
                                ? entry->error_message : _("No reason given"));
      show (self, "dialog-error-symbolic", text, _("_Edit and Send Again…"), "changes.edit");
      self->mutation_id = g_steal_pointer (&rejected);
    }
  else if (dk_store_is_pending (store, DK_TYPE_NAME_CASE, kase->id))
    {
      show (self, "document-save-symbolic",
            _("Waiting to publish: saved on this computer, it is published when the "
              "connection returns."),
            NULL, NULL);
    }
  else
    hide (self);
}
