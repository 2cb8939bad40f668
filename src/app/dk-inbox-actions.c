/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-inbox-actions.c: what a report handler does from the inbox
 *
 * "inbox.create-incident" (a service id: its group; "report:ID": one report) opens a
 * compact, prefilled incident (service, area from the service, scope from the units,
 * description from the reports) and, confirmed, queues case.create then report.link for
 * each report in one outbox order, so it works offline too. "inbox.acknowledge" and
 * "inbox.close" (a report id) ask for a note. */

#define G_LOG_DOMAIN "dk-inbox-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-accessible-names.h"
#include "dk-local-changes.h"
#include "dk-reports-page-private.h"

typedef struct {
  DkReportsPage *page;
  GPtrArray     *reports;        /* DkReport * */
  char          *service_id;
  AdwEntryRow   *title_row;
  AdwEntryRow   *scope_row;
  GtkTextView   *description_view;
  char          *report_id;      /* acknowledge / close */
  gboolean       close;
  AdwEntryRow   *note_row;
} InboxDialogData;

static void
inbox_dialog_data_free (InboxDialogData *data)
{
  g_clear_object (&data->page);
  g_clear_pointer (&data->reports, g_ptr_array_unref);
  g_free (data->service_id);
  g_free (data->report_id);
  g_free (data);
}

static void
inbox_dialog_data_closure_free (gpointer  data,
                                GClosure *closure)
{
  inbox_dialog_data_free (data);
}

static char *
dup_me (DkReportsPage *self)
{
  return dk_store_dup_meta (dk_sync_engine_get_store (self->engine), "username");
}

static void
show_error (DkReportsPage *self,
            const char    *heading,
            const GError  *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                              heading, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The units of @reports, each once, in the order they reported (oldest first). */
static char *
dup_units (GPtrArray *reports)
{
  g_autoptr(GPtrArray) units = g_ptr_array_new ();

  for (guint i = reports->len; i > 0; i--)
    {
      const DkReport *report = g_ptr_array_index (reports, i - 1);

      if (report->unit != NULL &&
          !g_ptr_array_find_with_equal_func (units, report->unit, g_str_equal, NULL))
        g_ptr_array_add (units, report->unit);
    }
  g_ptr_array_add (units, NULL);

  return g_strjoinv (", ", (char **) units->pdata);
}

static char *
dup_description (GPtrArray  *reports,
                 const char *service_name)
{
  GString *text = g_string_new (NULL);

  /* Translators: the first line of an incident made from fault reports: "3 units have
   * reported faults in TES:" */
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                             "%u unit has reported a fault in %s:",
                                             "%u units have reported faults in %s:",
                                             reports->len),
                          reports->len, service_name);
  for (guint i = reports->len; i > 0; i--)
    {
      const DkReport *report = g_ptr_array_index (reports, i - 1);
      g_autofree char *line = g_strdelimit (g_strdup (report->description), "\n", ' ');

      g_string_append_printf (text, "\n– %s (%s): %s", report->unit, report->number, line);
    }

  return g_string_free (text, FALSE);
}

static char *
dup_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

static char *
dup_row (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static GtkWidget *
new_entry_row (const char *title,
               const char *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  dk_accessible_name_entry_text (ADW_ENTRY_ROW (row), title);
  return row;
}

/* ---- create an incident ---- */

static gboolean
create_incident (InboxDialogData  *data,
                 GError          **error)
{
  DkReportsPage *self = data->page;
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autofree char *me = dup_me (self);
  g_autoptr(DkService) service = NULL;
  g_autoptr(DkCase) kase = dk_case_new ();
  g_autoptr(DkCaseUpdate) update = dk_case_update_new ();
  gint64 now = dk_time_now ();

  service = dk_store_get_service (store, data->service_id, error);
  if (service == NULL)
    return FALSE;

  kase->kind = DK_CASE_KIND_INCIDENT;
  kase->area = service->area;
  kase->title = dup_row (data->title_row);
  kase->scope = dup_row (data->scope_row);
  kase->description = dup_text (data->description_view);
  g_ptr_array_add (kase->services, g_strdup (service->id));
  kase->status = DK_CASE_STATUS_ONGOING;
  kase->priority = 3;
  kase->start = now;
  update->phrase = DK_UPDATE_PHRASE_IDENTIFIED;
  update->at = DK_TIME_UNSET;
  update->text = g_strdup (kase->scope);
  g_ptr_array_add (kase->updates, g_steal_pointer (&update));

  if (!dk_local_create_case (store, kase, me, now, error))
    return FALSE;
  for (guint i = 0; i < data->reports->len; i++)
    {
      const DkReport *report = g_ptr_array_index (data->reports, i);

      if (!dk_local_link_report (store, report->id, kase->id, me, now, error))
        return FALSE;
    }
  dk_sync_engine_local_change_added (self->engine);

  return TRUE;
}

static void
incident_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      InboxDialogData  *data)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "create") != 0)
    return;
  if (!create_incident (data, &error))
    show_error (data->page, _("The Incident Was Not Created"), error);
}

static void
create_incident_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  DkReportsPage *self = DK_REPORTS_PAGE (widget);
  const char *target = g_variant_get_string (parameter, NULL);
  InboxDialogData *data = g_new0 (InboxDialogData, 1);
  g_autoptr(DkService) service = NULL;
  g_autofree char *units = NULL;
  g_autofree char *description = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *group;
  GtkWidget *frame;
  GtkWidget *view;

  data->page = g_object_ref (self);
  if (g_str_has_prefix (target, "report:"))
    {
      g_autoptr(DkReport) report = _dk_reports_page_get_report (self, target + strlen ("report:"));

      data->reports = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_report_unref);
      if (report != NULL)
        {
          data->service_id = g_strdup (report->service);
          g_ptr_array_add (data->reports, g_steal_pointer (&report));
        }
    }
  else
    {
      data->service_id = g_strdup (target);
      data->reports = _dk_reports_page_group_reports (self, target);
    }
  if (data->reports->len == 0 || data->service_id == NULL)
    {
      inbox_dialog_data_free (data);
      return;
    }

  service = dk_store_get_service (dk_sync_engine_get_store (self->engine), data->service_id, NULL);
  units = dup_units (data->reports);
  description = dup_description (data->reports, service != NULL ? service->name : data->service_id);
  /* Translators: the proposed title of an incident made from fault reports */
  title = g_strdup_printf (_("Disruption in %s"), service != NULL ? service->name : data->service_id);
  /* Translators: the body of the "Create Incident" dialog: the service's name, its area,
   * then how many reports */
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "An incident in %s (%s), linked to %u report. Its "
                                       "reporter is notified with the case number.",
                                       "An incident in %s (%s), linked to %u reports. Their "
                                       "reporters are notified with the case number.",
                                       data->reports->len),
                          service != NULL ? service->name : data->service_id,
                          service != NULL ? dk_area_label (service->area) : "",
                          data->reports->len);

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Create Incident"), body);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 520, -1);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  group = adw_preferences_group_new ();
  data->title_row = ADW_ENTRY_ROW (new_entry_row (_("Title"), title));
  data->scope_row = ADW_ENTRY_ROW (new_entry_row (_("Scope"), units));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (data->title_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (data->scope_row));
  gtk_box_append (GTK_BOX (box), group);
  view = gtk_text_view_new ();
  data->description_view = GTK_TEXT_VIEW (view);
  gtk_text_view_set_wrap_mode (data->description_view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (data->description_view, 8);
  gtk_text_view_set_bottom_margin (data->description_view, 8);
  gtk_text_view_set_left_margin (data->description_view, 8);
  gtk_text_view_set_right_margin (data->description_view, 8);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (data->description_view), description, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Description"), -1);
  frame = gtk_frame_new (NULL);
  gtk_frame_set_child (GTK_FRAME (frame), view);
  gtk_widget_set_size_request (frame, -1, 120);
  gtk_box_append (GTK_BOX (box), frame);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "create", _("_Create and Link"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "create",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "create");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (incident_response_cb), data,
                         inbox_dialog_data_closure_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- acknowledge, close ---- */

static void
handle_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    InboxDialogData  *data)
{
  DkReportsPage *self = data->page;
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autofree char *me = dup_me (self);
  g_autofree char *note = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done;

  if (g_strcmp0 (response, "ok") != 0 || me == NULL)
    return;

  note = dup_row (data->note_row);
  if (*note == '\0')
    g_clear_pointer (&note, g_free);
  if (data->close)
    done = dk_local_close_report (store, data->report_id, note, me, dk_time_now (), &error);
  else
    done = dk_local_acknowledge_report (store, data->report_id, note, me, dk_time_now (), &error);
  if (!done)
    {
      show_error (self, data->close ? _("The Report Was Not Closed")
                                    : _("The Report Was Not Acknowledged"), error);
      return;
    }
  dk_sync_engine_local_change_added (self->engine);
}

static void
present_handle_dialog (DkReportsPage *self,
                       const char    *report_id,
                       gboolean       close)
{
  g_autoptr(DkReport) report = _dk_reports_page_get_report (self, report_id);
  InboxDialogData *data;
  g_autofree char *heading = NULL;
  GtkWidget *dialog;
  GtkWidget *group;

  if (report == NULL)
    return;

  data = g_new0 (InboxDialogData, 1);
  data->page = g_object_ref (self);
  data->report_id = g_strdup (report_id);
  data->close = close;
  /* Translators: "Acknowledge FA-12?" / "Close FA-12?" */
  heading = g_strdup_printf (close ? _("Close %s?") : _("Acknowledge %s?"), report->number);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading,
                                   close ? _("The reporter is told that the report is closed, "
                                             "with your note.")
                                         : _("The reporter is told that the service desk has "
                                             "seen the report, with your note."));
  group = adw_preferences_group_new ();
  data->note_row = ADW_ENTRY_ROW (new_entry_row (_("Note to the reporter"), NULL));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (data->note_row));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), group);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "ok", close ? _("C_lose Report") : _("_Acknowledge"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "ok",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "ok");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (handle_response_cb), data,
                         inbox_dialog_data_closure_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
acknowledge_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  present_handle_dialog (DK_REPORTS_PAGE (widget), g_variant_get_string (parameter, NULL), FALSE);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  present_handle_dialog (DK_REPORTS_PAGE (widget), g_variant_get_string (parameter, NULL), TRUE);
}

void
_dk_reports_page_class_init_inbox (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "inbox.create-incident", "s",
                                   create_incident_action);
  gtk_widget_class_install_action (widget_class, "inbox.acknowledge", "s", acknowledge_action);
  gtk_widget_class_install_action (widget_class, "inbox.close", "s", close_action);
}
