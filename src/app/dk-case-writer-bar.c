/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-writer-bar.c: a case page's writer actions: add an update (an action-status
 * phrase of seed 000, a text, optionally a new estimated end), close with a closing
 * text, and a follow-up note after closing
 *
 * Each is saved at once through dk-local-changes (so it works offline and the case shows
 * as waiting to publish) and sent by the engine when it can. */

#define G_LOG_DOMAIN "dk-case-writer-bar"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "dk-case-writer-bar.h"
#include "dk-local-changes.h"
#include "dk-publish-rights.h"

struct _DkCaseWriterBar
{
  AdwBin      parent_instance;

  /* template widgets */
  GtkButton  *close_button;
  GtkButton  *follow_up_button;
  GtkButton  *update_button;

  /* owned */
  DkStore    *store;
  DkCase     *kase;
};

G_DEFINE_FINAL_TYPE (DkCaseWriterBar, dk_case_writer_bar, ADW_TYPE_BIN)

/* What a dialog's form holds, kept on the dialog. */
typedef struct {
  DkCaseWriterBar *bar;        /* strong */
  char            *case_id;
  char            *op;         /* "update", "close", "follow-up" */
  AdwComboRow     *phrase_row;
  AdwEntryRow     *end_row;
  GtkTextView     *text_view;
} Form;

static void
form_free (Form *form)
{
  g_clear_object (&form->bar);
  g_free (form->case_id);
  g_free (form->op);
  g_free (form);
}

static GtkWindow *
get_window (DkCaseWriterBar *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_error (DkCaseWriterBar *self,
            const char      *heading,
            const char      *message)
{
  GtkWidget *dialog = adw_message_dialog_new (get_window (self), heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static char *
dup_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

/* "2026-12-24 16:00" in local time; DK_TIME_UNSET for nothing; FALSE for not a time. */
static gboolean
parse_local_time (const char *text,
                  gint64     *out)
{
  int year, month, day, hour, minute;
  char sep;
  g_autoptr(GDateTime) dt = NULL;

  *out = DK_TIME_UNSET;
  if (text == NULL || text[0] == '\0')
    return TRUE;
  if (sscanf (text, "%4d-%2d-%2d%c%2d:%2d", &year, &month, &day, &sep, &hour, &minute) != 6 ||
      (sep != ' ' && sep != 'T'))
    return FALSE;
  dt = g_date_time_new_local (year, month, day, hour, minute, 0);
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

static void
dk_case_writer_bar_response_cb (AdwMessageDialog *dialog,
                                const char       *response,
                                Form             *form)
{
  DkCaseWriterBar *self = form->bar;
  g_autofree char *me = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  if (g_strcmp0 (response, "save") != 0 || self->store == NULL)
    return;

  me = dk_store_dup_meta (self->store, "username");
  text = dup_text (form->text_view);
  if (me == NULL)
    {
      show_error (self, _("Not Saved"), _("Log in to publish."));
      return;
    }

  if (g_strcmp0 (form->op, "update") == 0)
    {
      g_autofree char *end_text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (form->end_row))));
      gint64 end;
      guint phrase = adw_combo_row_get_selected (form->phrase_row);

      if (!parse_local_time (end_text, &end))
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is not an estimated end: write "
                                                        "it as 2026-12-24 16:00, or leave it "
                                                        "empty."), end_text);

          show_error (self, _("Update Not Saved"), message);
          return;
        }
      done = dk_local_add_update (self->store, form->case_id,
                                  phrase <= DK_UPDATE_PHRASE_LAST ? phrase
                                                                  : DK_UPDATE_PHRASE_TROUBLESHOOTING,
                                  text[0] != '\0' ? text : NULL, end, me, dk_time_now (), &error);
    }
  else if (g_strcmp0 (form->op, "close") == 0)
    done = dk_local_close_case (self->store, form->case_id, text[0] != '\0' ? text : NULL, me,
                                dk_time_now (), &error);
  else
    {
      if (text[0] == '\0')
        {
          show_error (self, _("Note Not Saved"), _("Write the follow-up note first."));
          return;
        }
      done = dk_local_add_follow_up (self->store, form->case_id, text, me, dk_time_now (),
                                     &error);
    }

  /* Saved: the replica announces the commit, the engine sends it, the page shows it. */
  if (!done)
    show_error (self, _("Not Saved"), error->message);
}

static GtkWidget *
new_text_view (const char *name,
               const char *text)
{
  GtkWidget *view = gtk_text_view_new ();
  GtkWidget *frame = gtk_frame_new (NULL);

  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_widget_set_size_request (view, -1, 100);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  if (text != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  return frame;
}

static void
present_form (DkCaseWriterBar *self,
              const char      *op,
              const char      *heading,
              const char      *body,
              const char      *save_label,
              const char      *text_name)
{
  GtkWidget *dialog = adw_message_dialog_new (get_window (self), heading, body);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *frame;
  Form *form = g_new0 (Form, 1);

  form->bar = g_object_ref (self);
  form->case_id = g_strdup (self->kase->id);
  form->op = g_strdup (op);

  if (g_strcmp0 (op, "update") == 0)
    {
      GtkWidget *list = gtk_list_box_new ();
      g_autoptr(GtkStringList) phrases = gtk_string_list_new (NULL);
      DkCaseUpdate *latest = dk_case_get_latest_update (self->kase);
      guint next = DK_UPDATE_PHRASE_TROUBLESHOOTING;

      for (int phrase = 0; phrase <= DK_UPDATE_PHRASE_LAST; phrase++)
        gtk_string_list_append (phrases, dk_update_phrase_label (phrase));
      /* The phrase after the latest one, in the order of a typical incident. */
      if (latest != NULL)
        next = MIN ((guint) latest->phrase + 1, DK_UPDATE_PHRASE_LAST);
      gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
      gtk_widget_add_css_class (list, "boxed-list");
      form->phrase_row = ADW_COMBO_ROW (adw_combo_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (form->phrase_row), _("Action status"));
      adw_combo_row_set_model (form->phrase_row, G_LIST_MODEL (phrases));
      adw_combo_row_set_selected (form->phrase_row, next);
      gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (form->phrase_row));
      form->end_row = ADW_ENTRY_ROW (adw_entry_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (form->end_row),
                                     _("New estimated end (optional)"));
      gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (form->end_row));
      gtk_box_append (GTK_BOX (box), list);
    }

  frame = new_text_view (text_name, NULL);
  form->text_view = GTK_TEXT_VIEW (gtk_frame_get_child (GTK_FRAME (frame)));
  gtk_box_append (GTK_BOX (box), frame);

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save", save_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_set_default_size (GTK_WINDOW (dialog), 480, -1);
  g_signal_connect_data (dialog, "response", G_CALLBACK (dk_case_writer_bar_response_cb), form,
                         (GClosureNotify) (void (*) (void)) form_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (GTK_WIDGET (form->text_view));
}

static void
add_update_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DkCaseWriterBar *self = DK_CASE_WRITER_BAR (widget);

  if (self->kase != NULL)
    present_form (self, "update", _("Add Update"),
                  _("The update goes on the case's timeline and to everyone who follows it."),
                  _("_Add Update"), _("Update text"));
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  DkCaseWriterBar *self = DK_CASE_WRITER_BAR (widget);

  if (self->kase != NULL)
    present_form (self, "close", _("Close Case"),
                  _("Say how it ended. The case moves to the archive 24 hours after it is "
                    "closed; follow-up notes can be added after that."),
                  _("_Close Case"), _("Closing text"));
}

static void
follow_up_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DkCaseWriterBar *self = DK_CASE_WRITER_BAR (widget);

  if (self->kase != NULL)
    present_form (self, "follow-up", _("Add Follow-up Note"),
                  _("What was learned: the evaluation with the parties, what to do "
                    "differently."),
                  _("_Add Note"), _("Follow-up note"));
}

static void
dk_case_writer_bar_dispose (GObject *object)
{
  DkCaseWriterBar *self = DK_CASE_WRITER_BAR (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->kase, dk_case_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), DK_TYPE_CASE_WRITER_BAR);

  G_OBJECT_CLASS (dk_case_writer_bar_parent_class)->dispose (object);
}

static void
dk_case_writer_bar_class_init (DkCaseWriterBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_case_writer_bar_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-case-writer-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, DkCaseWriterBar, close_button);
  gtk_widget_class_bind_template_child (widget_class, DkCaseWriterBar, follow_up_button);
  gtk_widget_class_bind_template_child (widget_class, DkCaseWriterBar, update_button);

  gtk_widget_class_install_action (widget_class, "writer.add-update", NULL, add_update_action);
  gtk_widget_class_install_action (widget_class, "writer.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "writer.follow-up", NULL, follow_up_action);
}

static void
dk_case_writer_bar_init (DkCaseWriterBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dk_case_writer_bar_set_case:
 * @self: a #DkCaseWriterBar
 * @store: the replica: the user's roles, and where the changes go
 * @kase: the case shown
 */
void
dk_case_writer_bar_set_case (DkCaseWriterBar *self,
                             DkStore         *store,
                             DkCase          *kase)
{
  gboolean may, open;

  g_return_if_fail (DK_IS_CASE_WRITER_BAR (self));
  g_return_if_fail (DK_IS_STORE (store));
  g_return_if_fail (kase != NULL);

  g_set_object (&self->store, store);
  dk_case_ref (kase);
  g_clear_pointer (&self->kase, dk_case_unref);
  self->kase = kase;

  may = dk_publish_rights_may_publish_case (store, kase);
  open = kase->status != DK_CASE_STATUS_CLOSED;
  gtk_widget_set_visible (GTK_WIDGET (self), may);
  gtk_widget_set_visible (GTK_WIDGET (self->update_button), open);
  gtk_widget_set_visible (GTK_WIDGET (self->close_button), open);
  gtk_widget_set_visible (GTK_WIDGET (self->follow_up_button), !open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "writer.add-update", may && open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "writer.close", may && open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "writer.follow-up", may && !open);
}
