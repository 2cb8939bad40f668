/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-outbox-window.c: the local changes in the outbox, rejected and conflicting ones
 * with a way to discard them */

#define G_LOG_DOMAIN "dk-outbox-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-conflict-dialog.h"
#include "dk-format.h"
#include "dk-outbox-window.h"
#include "dk-resend-dialog.h"

struct _DkOutboxWindow
{
  AdwWindow     parent_instance;

  /* template widgets */
  GtkListBox   *list_box;
  GtkStack     *stack;

  /* owned */
  DkSyncEngine *engine;
};

G_DEFINE_FINAL_TYPE (DkOutboxWindow, dk_outbox_window, ADW_TYPE_WINDOW)

static const char *
describe_state (const DkOutboxEntry *entry)
{
  switch (entry->state)
    {
    case DK_OUTBOX_REJECTED:
      return _("Rejected by the server");
    case DK_OUTBOX_CONFLICT:
      return _("Changed on the server meanwhile");
    case DK_OUTBOX_PENDING:
    default:
      return _("Waiting to be sent");
    }
}

/* What a change does, in words; the operation's name when it is not one of these. */
static const char *
describe_op (const char *op)
{
  static const struct { const char *op; const char *label; } ops[] = {
    { "case.create", N_("New case") },
    { "case.edit", N_("Changed case") },
    { "case.add_update", N_("Update") },
    { "case.close", N_("Closing") },
    { "case.follow_up", N_("Follow-up note") },
    { "case.reserve", N_("Reserve routine") },
    { "report.create", N_("Fault report") },
    { "run.start", N_("Started routine") },
    { "run.set_step", N_("Routine step") },
    { "run.finish", N_("Finished routine") },
    { "subscription.set", N_("What I follow") },
    { "unit.save", N_("Unit of the catalogue") },
    { "unit.delete", N_("Unit deleted from the catalogue") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    if (g_strcmp0 (op, ops[i].op) == 0)
      return _(ops[i].label);
  return op;
}

/* "Update: DK-1001 Cosmic otillgängligt"; the object's id when it is not a known case. */
static char *
describe_entry (DkStore             *store,
                const DkOutboxEntry *entry)
{
  g_autoptr(DkCase) kase = NULL;

  if (g_strcmp0 (entry->object_type, DK_TYPE_NAME_CASE) == 0)
    kase = dk_store_get_case (store, entry->object_id, NULL);
  if (kase != NULL)
    /* Translators: an outbox entry: what it does, the case's number and title */
    return g_strdup_printf (_("%s: %s %s"), describe_op (entry->op),
                            kase->number != NULL ? kase->number : "", kase->title);

  /* Translators: an outbox entry: what it does and the id of what it changes */
  return g_strdup_printf (_("%s: %s"), describe_op (entry->op), entry->object_id);
}

static GtkWidget *
new_entry_row (DkStore             *store,
               const DkOutboxEntry *entry)
{
  g_autofree char *title = NULL;
  g_autofree char *created = dk_format_time (entry->created_at);
  g_autoptr(GString) subtitle = g_string_new (describe_state (entry));
  GtkWidget *row = adw_action_row_new ();

  title = describe_entry (store, entry);
  g_string_append_printf (subtitle, " · %s", created);
  if (entry->error_message != NULL)
    g_string_append_printf (subtitle, " · %s", entry->error_message);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);

  /* A publication that met another change, or was refused: the user decides. */
  if (entry->state != DK_OUTBOX_PENDING &&
      g_strcmp0 (entry->object_type, DK_TYPE_NAME_CASE) == 0)
    {
      gboolean conflict = entry->state == DK_OUTBOX_CONFLICT;
      GtkWidget *button = gtk_button_new_with_mnemonic (conflict ? _("_Compare…")
                                                                 : _("_Edit and Send Again…"));
      g_autofree char *name = NULL;

      if (conflict)
        /* Translators: accessible name of the button that shows both versions of a case */
        name = g_strdup_printf (_("Compare %s"), title);
      else
        /* Translators: accessible name of the button that opens a refused change for editing */
        name = g_strdup_printf (_("Edit and send again %s"), title);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "suggested-action");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button),
                                      conflict ? "outbox.compare" : "outbox.edit");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", entry->mutation_id);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  if (entry->state != DK_OUTBOX_PENDING)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Discard"));
      g_autofree char *name = NULL;

      /* Translators: accessible name of the button that drops one rejected change */
      name = g_strdup_printf (_("Discard %s"), title);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "destructive-action");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "outbox.discard");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", entry->mutation_id);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  return row;
}

static void
reload (DkOutboxWindow *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  g_assert (DK_IS_OUTBOX_WINDOW (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);

  entries = dk_store_outbox_list (dk_sync_engine_get_store (self->engine), &error);
  if (entries == NULL)
    {
      g_warning ("Could not read the outbox: %s", error->message);
      return;
    }

  /* What needs the user first: rejected and conflicting, then what waits. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < entries->len; i++)
      {
        DkOutboxEntry *entry = g_ptr_array_index (entries, i);

        if ((entry->state != DK_OUTBOX_PENDING) == (pass == 0))
          gtk_list_box_append (self->list_box,
                               new_entry_row (dk_sync_engine_get_store (self->engine), entry));
      }

  gtk_stack_set_visible_child_name (self->stack, entries->len > 0 ? "list" : "empty");
}

static void
discard_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DkOutboxWindow *self = DK_OUTBOX_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  const char *mutation_id = g_variant_get_string (parameter, NULL);

  if (!dk_store_outbox_discard (dk_sync_engine_get_store (self->engine), mutation_id, &error))
    {
      AdwMessageDialog *dialog;

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                           _("Could Not Discard the Change"),
                                                           error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  /* The server's version shows again: the store's "revision-changed" has the engine say
   * "changed", and the lists read the replica anew. */
  reload (self);
}

static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DkOutboxWindow *self = DK_OUTBOX_WINDOW (widget);
  GtkWindow *dialog;

  dialog = dk_conflict_dialog_new (GTK_WINDOW (self), self->engine,
                                   g_variant_get_string (parameter, NULL));
  if (dialog != NULL)
    gtk_window_present (dialog);
  else
    reload (self);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DkOutboxWindow *self = DK_OUTBOX_WINDOW (widget);
  GtkWindow *dialog;

  dialog = dk_resend_dialog_new (GTK_WINDOW (self), self->engine,
                                 g_variant_get_string (parameter, NULL));
  if (dialog != NULL)
    gtk_window_present (dialog);
  else
    reload (self);
}

static void
dk_outbox_window_engine_changed_cb (DkOutboxWindow *self)
{
  reload (self);
}

static void
dk_outbox_window_dispose (GObject *object)
{
  DkOutboxWindow *self = DK_OUTBOX_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DK_TYPE_OUTBOX_WINDOW);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (dk_outbox_window_parent_class)->dispose (object);
}

static void
dk_outbox_window_class_init (DkOutboxWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_outbox_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-outbox-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DkOutboxWindow, list_box);
  gtk_widget_class_bind_template_child (widget_class, DkOutboxWindow, stack);

  gtk_widget_class_install_action (widget_class, "outbox.discard", "s", discard_action);
  gtk_widget_class_install_action (widget_class, "outbox.compare", "s", compare_action);
  gtk_widget_class_install_action (widget_class, "outbox.edit", "s", edit_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dk_outbox_window_init (DkOutboxWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dk_outbox_window_new:
 * @parent: (nullable): the window it belongs to
 * @engine: the sync engine whose outbox to show
 *
 * Returns: (transfer full): a new window
 */
GtkWindow *
dk_outbox_window_new (GtkWindow    *parent,
                      DkSyncEngine *engine)
{
  DkOutboxWindow *self;

  g_return_val_if_fail (DK_IS_SYNC_ENGINE (engine), NULL);

  self = g_object_new (DK_TYPE_OUTBOX_WINDOW, "transient-for", parent, NULL);
  self->engine = g_object_ref (engine);
  g_signal_connect_object (engine, "changed", G_CALLBACK (dk_outbox_window_engine_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "notify::outbox-size",
                           G_CALLBACK (dk_outbox_window_engine_changed_cb), self,
                           G_CONNECT_SWAPPED);
  reload (self);

  return GTK_WINDOW (self);
}
