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
#include "dk-composer.h"
#include "dk-local-changes.h"
#include "dk-reports-page-private.h"

typedef struct {
  DkReportsPage *page;
  char          *report_id;      /* acknowledge / close */
  gboolean       close;
  AdwEntryRow   *note_row;
} InboxDialogData;

static void
inbox_dialog_data_free (InboxDialogData *data)
{
  g_clear_object (&data->page);
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

/* The incident the reports suggest: their service and its area, the units as scope, the
 * reports as description. (transfer full) */
static DkCase *
new_draft (DkReportsPage *self,
           GPtrArray     *reports,
           const char    *service_id)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autoptr(DkService) service = dk_store_get_service (store, service_id, NULL);
  const char *name = service != NULL ? service->name : service_id;
  DkCase *draft = dk_case_new ();

  draft->kind = DK_CASE_KIND_INCIDENT;
  draft->area = service != NULL ? service->area : DK_AREA_IT_TELEPHONY;
  /* Translators: the proposed title of an incident made from fault reports */
  draft->title = g_strdup_printf (_("Disruption in %s"), name);
  draft->scope = dup_units (reports);
  draft->description = dup_description (reports, name);
  g_ptr_array_add (draft->services, g_strdup (service_id));
  draft->status = DK_CASE_STATUS_ONGOING;
  draft->priority = 3;

  return draft;
}

static void
create_incident_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  DkReportsPage *self = DK_REPORTS_PAGE (widget);
  const char *target = g_variant_get_string (parameter, NULL);
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(DkCase) draft = NULL;
  g_autofree char *service_id = NULL;
  DkComposer *composer;

  if (g_str_has_prefix (target, "report:"))
    {
      g_autoptr(DkReport) report = _dk_reports_page_get_report (self, target + strlen ("report:"));

      reports = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_report_unref);
      if (report != NULL)
        {
          service_id = g_strdup (report->service);
          g_ptr_array_add (reports, g_steal_pointer (&report));
        }
    }
  else
    {
      service_id = g_strdup (target);
      reports = _dk_reports_page_group_reports (self, target);
    }
  if (reports->len == 0 || service_id == NULL)
    return;

  /* H3's composer, prefilled, links the reports when it publishes (one outbox order). */
  draft = new_draft (self, reports, service_id);
  for (guint i = 0; i < reports->len; i++)
    g_ptr_array_add (ids, ((DkReport *) g_ptr_array_index (reports, i))->id);
  g_ptr_array_add (ids, NULL);

  composer = dk_composer_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->engine);
  dk_composer_set_draft (composer, draft);
  dk_composer_set_reports (composer, (const char * const *) ids->pdata);
  gtk_window_present (GTK_WINDOW (composer));
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
