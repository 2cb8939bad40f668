/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routine-revisions.c: what changed between two revisions of a routine
 *
 * The replica holds only the routine as wards see it; the server keeps every revision,
 * so this window fetches them (dk_sync_engine_fetch_routine_revisions_async) and says so
 * plainly when the server cannot be reached. Routine owners approve the latest draft
 * here: routine.approve goes through the outbox like every other change.
 */

#define G_LOG_DOMAIN "dk-routine-revisions"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-format.h"
#include "dk-local-changes.h"
#include "dk-routine-diff.h"
#include "dk-routine-format.h"
#include "dk-routine-revisions.h"

struct _DkRoutineRevisions
{
  AdwWindow       parent_instance;

  /* template widgets */
  GtkButton      *approve_button;
  GtkBox         *changes_box;
  AdwStatusPage  *failed_page;
  AdwComboRow    *from_row;
  GtkSpinner     *spinner;
  GtkStack       *stack;
  AdwComboRow    *to_row;
  AdwWindowTitle *window_title;

  /* owned */
  DkSyncEngine   *engine;
  GCancellable   *cancellable;
  GPtrArray      *revisions;   /* DkRoutine *, oldest first */
  char           *routine_id;
};

G_DEFINE_FINAL_TYPE (DkRoutineRevisions, dk_routine_revisions, ADW_TYPE_WINDOW)

static void fetch (DkRoutineRevisions *self);

/* ---- helpers ---- */

static char *
describe_revision (const DkRoutine *routine)
{
  if (routine->approved_at == DK_TIME_UNSET)
    /* Translators: a revision in the list: its number, a draft */
    return g_strdup_printf (_("Revision %lld (draft)"), (long long) routine->revision);
  else
    {
      g_autofree char *when = dk_format_time (routine->approved_at);

      /* Translators: a revision in the list: its number, when it was approved */
      return g_strdup_printf (_("Revision %lld, approved %s"), (long long) routine->revision,
                              when);
    }
}

static void
show_changes (DkRoutineRevisions *self)
{
  guint from = adw_combo_row_get_selected (self->from_row);
  guint to = adw_combo_row_get_selected (self->to_row);
  g_autoptr(GPtrArray) changes = NULL;
  GtkWidget *group;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->changes_box))) != NULL)
    gtk_box_remove (self->changes_box, child);
  if (self->revisions == NULL || from >= self->revisions->len || to >= self->revisions->len)
    return;

  changes = dk_routine_diff (g_ptr_array_index (self->revisions, from),
                             g_ptr_array_index (self->revisions, to));
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Changes"));
  for (guint i = 0; i < changes->len; i++)
    {
      g_autofree char *text = dk_routine_change_describe (g_ptr_array_index (changes, i));
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  /* A revision set against itself says so, rather than that nothing changed. */
  if (self->revisions->len == 1)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           _("The routine has one revision only: there is "
                                             "nothing to compare it with yet."));
  else if (from == to)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           _("Choose two different revisions to see what "
                                             "changed."));
  else if (changes->len == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           _("The two revisions are the same."));
  gtk_box_append (self->changes_box, group);
}

static void
show_revisions (DkRoutineRevisions *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  DkRoutine *latest;
  gboolean may_approve;

  for (guint i = 0; i < self->revisions->len; i++)
    {
      g_autofree char *label = describe_revision (g_ptr_array_index (self->revisions, i));

      gtk_string_list_append (model, label);
    }

  latest = g_ptr_array_index (self->revisions, self->revisions->len - 1);
  adw_window_title_set_subtitle (self->window_title, latest->title);
  adw_combo_row_set_model (self->from_row, G_LIST_MODEL (model));
  adw_combo_row_set_model (self->to_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (self->from_row, self->revisions->len >= 2 ? self->revisions->len - 2 : 0);
  adw_combo_row_set_selected (self->to_row, self->revisions->len - 1);

  may_approve = latest->approved_at == DK_TIME_UNSET &&
                dk_routine_user_may_edit (dk_sync_engine_get_store (self->engine));
  if (may_approve)
    {
      g_autofree char *label = g_strdup_printf (_("Approve Revision %lld"),
                                                (long long) latest->revision);

      gtk_button_set_label (self->approve_button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->approve_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->approve_button), may_approve);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "revisions.approve", may_approve);

  show_changes (self);
  gtk_stack_set_visible_child_name (self->stack, "diff");
}

static void
dk_routine_revisions_fetched_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data)
{
  g_autoptr(DkRoutineRevisions) self = user_data;
  g_autoptr(GPtrArray) revisions = NULL;
  g_autoptr(GError) error = NULL;

  revisions = dk_sync_engine_fetch_routine_revisions_finish (DK_SYNC_ENGINE (object), result,
                                                             &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_stop (self->spinner);
  if (revisions == NULL || revisions->len == 0)
    {
      const char *message;

      if (revisions != NULL)
        message = _("The server keeps no revision of this routine.");
      else if (g_error_matches (error, DK_SYNC_ERROR, DK_SYNC_ERROR_OFFLINE) ||
               g_error_matches (error, DK_SYNC_ERROR, DK_SYNC_ERROR_NO_SERVER))
        message = _("You are offline. Earlier revisions are kept on the server only: "
                    "connect to the network and try again. The routine itself is still "
                    "here, offline.");
      else
        message = error->message;
      adw_status_page_set_description (self->failed_page, message);
      gtk_stack_set_visible_child_name (self->stack, "failed");
      return;
    }

  g_clear_pointer (&self->revisions, g_ptr_array_unref);
  self->revisions = g_steal_pointer (&revisions);
  show_revisions (self);
}

static void
fetch (DkRoutineRevisions *self)
{
  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_spinner_start (self->spinner);
  dk_sync_engine_fetch_routine_revisions_async (self->engine, self->routine_id, 0,
                                                self->cancellable,
                                                dk_routine_revisions_fetched_cb,
                                                g_object_ref (self));
}

static void
dk_routine_revisions_selected_cb (DkRoutineRevisions *self)
{
  if (self->revisions != NULL)
    show_changes (self);
}

/* ---- actions ---- */

static void
fetch_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  fetch (DK_ROUTINE_REVISIONS (widget));
}

static void
approve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DkRoutineRevisions *self = DK_ROUTINE_REVISIONS (widget);
  DkStore *store = dk_sync_engine_get_store (self->engine);
  DkRoutine *latest;
  g_autofree char *me = dk_routine_dup_me (store);
  g_autoptr(GError) error = NULL;

  if (self->revisions == NULL || self->revisions->len == 0 || me == NULL)
    return;

  latest = g_ptr_array_index (self->revisions, self->revisions->len - 1);
  if (!dk_local_approve_routine (store, latest->id, latest->revision, me, dk_time_now (), &error))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Could Not Approve"),
                                                  error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  gtk_window_close (GTK_WINDOW (self));
}

/* ---- GObject ---- */

static void
dk_routine_revisions_dispose (GObject *object)
{
  DkRoutineRevisions *self = DK_ROUTINE_REVISIONS (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), DK_TYPE_ROUTINE_REVISIONS);
  g_clear_object (&self->engine);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->revisions, g_ptr_array_unref);
  g_clear_pointer (&self->routine_id, g_free);

  G_OBJECT_CLASS (dk_routine_revisions_parent_class)->dispose (object);
}

static gboolean
dk_routine_revisions_close_request (GtkWindow *window)
{
  g_cancellable_cancel (DK_ROUTINE_REVISIONS (window)->cancellable);

  return GTK_WINDOW_CLASS (dk_routine_revisions_parent_class)->close_request (window);
}

static void
dk_routine_revisions_class_init (DkRoutineRevisionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = dk_routine_revisions_dispose;
  window_class->close_request = dk_routine_revisions_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-routine-revisions.ui");
  gtk_widget_class_bind_template_child (widget_class, DkRoutineRevisions, approve_button);
  gtk_widget_class_bind_template_child (widget_class, DkRoutineRevisions, changes_box);
  gtk_widget_class_bind_template_child (widget_class, DkRoutineRevisions, failed_page);
  gtk_widget_class_bind_template_child (widget_class, DkRoutineRevisions, from_row);
  gtk_widget_class_bind_template_child (widget_class, DkRoutineRevisions, spinner);
  gtk_widget_class_bind_template_child (widget_class, DkRoutineRevisions, stack);
  gtk_widget_class_bind_template_child (widget_class, DkRoutineRevisions, to_row);
  gtk_widget_class_bind_template_child (widget_class, DkRoutineRevisions, window_title);
  gtk_widget_class_bind_template_callback (widget_class, dk_routine_revisions_selected_cb);

  gtk_widget_class_install_action (widget_class, "revisions.fetch", NULL, fetch_action);
  gtk_widget_class_install_action (widget_class, "revisions.approve", NULL, approve_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dk_routine_revisions_init (DkRoutineRevisions *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "revisions.approve", FALSE);
}

/**
 * dk_routine_revisions_new:
 * @parent: (nullable): the window it is for
 * @engine: the sync engine, to fetch the revisions with
 * @routine_id: the routine
 *
 * Returns: (transfer full): a window that fetches the revisions and shows what changed
 */
GtkWindow *
dk_routine_revisions_new (GtkWindow    *parent,
                          DkSyncEngine *engine,
                          const char   *routine_id)
{
  DkRoutineRevisions *self;

  g_return_val_if_fail (DK_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (routine_id != NULL, NULL);

  self = g_object_new (DK_TYPE_ROUTINE_REVISIONS, "transient-for", parent, NULL);
  self->engine = g_object_ref (engine);
  self->routine_id = g_strdup (routine_id);
  fetch (self);

  return GTK_WINDOW (self);
}
