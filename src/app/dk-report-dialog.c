/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-report-dialog.c: report a fault (felanmälan) or an urgent case (hastesak) */

#define G_LOG_DOMAIN "dk-report-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-accessible-names.h"
#include "dk-local-changes.h"
#include "dk-report-contacts.h"
#include "dk-report-dialog.h"
#include "dk-unit-picker.h"

/* Seed 004, "Første setning i saksbeskrivelsen": kept in Norwegian, as the operational
 * coordinator reads it. */
#define URGENT_FIRST_LINE "Saken skal distribueres av OK."

struct _DkReportDialog
{
  AdwWindow             parent_instance;

  /* template widgets */
  GtkLabel             *call_heading;
  GtkButton            *cancel_button;
  AdwComboRow          *competence_row;
  AdwEntryRow          *computers_row;
  AdwEntryRow          *contact_row;
  GtkTextView          *description_view;
  GtkButton            *done_button;
  GtkLabel             *error_label;
  GtkToggleButton      *fault_check;
  GtkLabel             *kind_label;
  AdwEntryRow          *mobile_row;
  GtkLabel             *numbers_label;
  AdwEntryRow          *reporter_row;
  GtkButton            *send_button;
  GtkLabel             *sent_summary;
  GtkImage             *sent_icon;
  GtkLabel             *sent_title;
  GtkSearchEntry       *service_entry;
  GtkLabel             *service_label;
  GtkListBox           *service_list;
  AdwEntryRow          *servers_row;
  GtkStack             *stack;
  GtkBox               *steps_box;
  GtkLabel             *subject_label;
  AdwPreferencesGroup  *urgent_group;
  GtkToggleButton      *urgent_check;
  DkUnitPicker         *unit_row;
  AdwEntryRow          *users_row;

  /* owned */
  DkSyncEngine         *engine;
  GSettings            *settings;
  GtkStringFilter      *service_filter;
  GHashTable           *service_ids;      /* name → id */
  GHashTable           *service_names;    /* id → name */
  char                 *service_id;       /* the chosen service */
  DkReport             *sent;             /* the report once sent */
};

G_DEFINE_FINAL_TYPE (DkReportDialog, dk_report_dialog, ADW_TYPE_WINDOW)

/* ---- helpers ---- */

static char *
dup_row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static char *
dup_nonempty_row_text (AdwEntryRow *row)
{
  char *text = dup_row_text (row);

  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

static char *
dup_description (DkReportDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->description_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

static gboolean
is_urgent (DkReportDialog *self)
{
  return gtk_toggle_button_get_active (self->urgent_check);
}

static const char *
service_name (DkReportDialog *self)
{
  return self->service_id != NULL ? g_hash_table_lookup (self->service_names, self->service_id)
                                  : NULL;
}

static void
update_form (DkReportDialog *self)
{
  g_autofree char *reporter = dup_row_text (self->reporter_row);
  g_autofree char *unit = dup_row_text (ADW_ENTRY_ROW (self->unit_row));
  g_autofree char *contact = dup_row_text (self->contact_row);
  g_autofree char *description = dup_description (self);
  g_autofree char *service_text = NULL;
  gboolean urgent = is_urgent (self);
  gboolean complete;

  g_assert (DK_IS_REPORT_DIALOG (self));

  gtk_widget_set_visible (GTK_WIDGET (self->urgent_group), urgent);
  gtk_label_set_label (self->kind_label,
                       urgent ? _("A criticality-1 application stops the hospital's work and "
                                  "needs the operational coordinator (OK) at once.")
                              : _("Something does not work: the service desk sees the report "
                                  "in its inbox."));
  gtk_window_set_title (GTK_WINDOW (self),
                        urgent ? _("Report an Urgent Case") : _("Report a Fault"));
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (
                                     GTK_WIDGET (self->service_entry),
                                     ADW_TYPE_PREFERENCES_GROUP)),
                                   urgent ? _("Application") : _("Affected service"));

  if (service_name (self) != NULL)
    /* Translators: the service a report is about, once chosen */
    service_text = g_strdup_printf (C_("one service", "Chosen: %s"), service_name (self));
  else
    service_text = g_strdup (_("No service chosen yet: search and choose one below"));
  gtk_label_set_label (self->service_label, service_text);

  if (urgent)
    {
      g_autoptr(DkReport) probe = dk_report_new ();
      g_autofree char *subject = NULL;
      g_autofree char *text = NULL;

      subject = dk_report_dup_urgent_subject (probe, service_name (self) != NULL
                                                     ? service_name (self) : "…");
      /* Translators: the prescribed subject and first line of an urgent case (seed 004);
       * both stay in Norwegian, as the operational coordinator reads them */
      text = g_strdup_printf (_("Subject: %s\nFirst line: %s"), subject, URGENT_FIRST_LINE);
      gtk_label_set_label (self->subject_label, text);
    }

  complete = *reporter != '\0' && *unit != '\0' && *description != '\0' &&
             self->service_id != NULL;
  if (urgent)
    {
      g_autofree char *mobile = dup_row_text (self->mobile_row);

      complete = complete && *mobile != '\0';
    }
  else
    complete = complete && *contact != '\0';

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.send",
                                 complete && dk_sync_engine_get_username (self->engine) != NULL);
}

static GtkWidget *
create_service_button (gpointer item,
                       gpointer user_data)
{
  DkReportDialog *self = user_data;
  const char *name = gtk_string_object_get_string (GTK_STRING_OBJECT (item));
  const char *id = g_hash_table_lookup (self->service_ids, name);
  GtkWidget *button = gtk_button_new_with_label (name);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_halign (gtk_button_get_child (GTK_BUTTON (button)), GTK_ALIGN_START);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "report.choose-service");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
  dk_accessible_name_list_item (button, name);
  return button;
}

static void
load_services (DkReportDialog *self)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autoptr(GPtrArray) services = NULL;
  g_autoptr(GError) error = NULL;
  GtkStringList *names = gtk_string_list_new (NULL);
  GtkFilterListModel *filtered;
  GtkExpression *expression;

  g_assert (DK_IS_REPORT_DIALOG (self));

  services = dk_store_list_services (store, &error);
  if (services == NULL)
    g_warning ("Could not read the services: %s", error->message);
  for (guint i = 0; services != NULL && i < services->len; i++)
    {
      const DkService *service = g_ptr_array_index (services, i);

      g_hash_table_insert (self->service_ids, g_strdup (service->name), g_strdup (service->id));
      g_hash_table_insert (self->service_names, g_strdup (service->id), g_strdup (service->name));
      gtk_string_list_append (names, service->name);
    }

  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  self->service_filter = gtk_string_filter_new (expression);
  gtk_string_filter_set_match_mode (self->service_filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->service_filter, TRUE);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (names),
                                        GTK_FILTER (g_object_ref (self->service_filter)));
  gtk_list_box_bind_model (self->service_list, G_LIST_MODEL (filtered),
                           create_service_button, self, NULL);
  g_object_unref (filtered);
}

static void
prefill (DkReportDialog *self)
{
  g_autofree char *reporter = g_settings_get_string (self->settings, "reporter-name");
  g_autofree char *contact = g_settings_get_string (self->settings, "reporter-contact");
  g_autofree char *unit = g_settings_get_string (self->settings, "unit");

  g_assert (DK_IS_REPORT_DIALOG (self));

  /* The name given last time, else the login name. */
  if (*reporter == '\0' && dk_sync_engine_get_username (self->engine) != NULL)
    {
      g_free (reporter);
      reporter = g_strdup (dk_sync_engine_get_username (self->engine));
    }
  gtk_editable_set_text (GTK_EDITABLE (self->reporter_row), reporter);
  gtk_editable_set_text (GTK_EDITABLE (self->unit_row), unit);
  gtk_editable_set_text (GTK_EDITABLE (self->contact_row), contact);
}

/* A numbered line of the call instructions. */
static void
add_step (DkReportDialog *self,
          guint           n,
          const char     *text)
{
  g_autofree char *line = g_strdup_printf ("%u. %s", n, text);
  GtkWidget *label = gtk_label_new (line);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_box_append (self->steps_box, label);
}

static void
clear_steps (DkReportDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->steps_box))) != NULL)
    gtk_box_remove (self->steps_box, child);
}

/* The number the replica has for the sent report (the server gives it), or NULL. */
static char *
dup_sent_number (DkReportDialog *self)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autoptr(GPtrArray) reports = dk_store_list_reports (store, NULL);

  for (guint i = 0; reports != NULL && i < reports->len; i++)
    {
      const DkReport *report = g_ptr_array_index (reports, i);

      if (g_strcmp0 (report->id, self->sent->id) == 0 && report->number != NULL)
        return g_strdup (report->number);
    }

  return NULL;
}

/* Whom to call and what to say, in seed 004's order for an urgent case (report, then
 * call user support quoting the number, say it goes through OK and is criticality 1),
 * and seed 003's for a fault (office hours: user support; otherwise the on-call number;
 * name, unit and kind of fault). */
static void
update_sent_page (DkReportDialog *self)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autoptr(DkReportContacts) contacts = NULL;
  g_autofree char *number = NULL;
  g_autofree char *title = NULL;
  g_autofree char *call = NULL;
  g_autofree char *numbers = NULL;
  GString *numbers_text = g_string_new (NULL);
  gint64 now = dk_time_now ();
  gboolean urgent = self->sent->kind == DK_REPORT_KIND_URGENT;
  gboolean office = dk_report_contacts_office_hours (now);
  const char *phone;
  const char *who;
  guint n = 1;

  g_assert (DK_IS_REPORT_DIALOG (self));

  contacts = dk_report_contacts_find (store, self->settings, self->sent->service);
  phone = dk_report_contacts_number_now (contacts, now);
  number = dup_sent_number (self);
  who = office ? _("user support") : _("the on-call number");

  if (number != NULL)
    {
      /* Translators: %s is the report's number, "FA-12" */
      title = g_strdup_printf (urgent ? _("Urgent Case %s Sent") : _("Fault Report %s Sent"),
                               number);
      gtk_label_set_label (self->sent_summary,
                           urgent ? _("The service desk has the urgent case. Now call, as below.")
                                  : _("The service desk sees the report in its inbox. My Reports "
                                      "shows its state, and you are notified when it changes."));
      gtk_image_set_from_icon_name (self->sent_icon, "emblem-ok-symbolic");
    }
  else
    {
      gboolean waiting = dk_sync_engine_get_state (self->engine) != DK_SYNC_STATE_SYNCING &&
                         dk_sync_engine_get_state (self->engine) != DK_SYNC_STATE_IDLE;

      title = g_strdup (waiting ? _("Report Waiting to Be Sent") : _("Sending the Report…"));
      gtk_label_set_label (self->sent_summary,
                           waiting ? _("The report is saved on this computer and is sent when "
                                       "the connection returns. Do not wait for it: call now.")
                                   : _("The report is saved on this computer and is being sent."));
      gtk_image_set_from_icon_name (self->sent_icon, waiting ? "network-offline-symbolic"
                                                             : "mail-send-symbolic");
    }
  gtk_label_set_label (self->sent_title, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sent_title),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);

  gtk_label_set_label (self->call_heading, _("What to do now"));
  clear_steps (self);

  if (phone != NULL)
    /* Translators: "Call user support on 031-390 06 10" / "Call the on-call number on …" */
    call = g_strdup_printf (_("Call %s on %s."), who, phone);
  else
    call = g_strdup_printf (_("Call %s."), who);

  if (urgent)
    {
      g_autofree char *quote = NULL;

      add_step (self, n++, call);
      if (number != NULL)
        /* Translators: %s is the urgent case's number, "FA-12" */
        quote = g_strdup_printf (_("Give them the case number %s."), number);
      else
        quote = g_strdup (_("The case has no number yet: give your name, your department "
                            "and the application, and say it is reported in Driftkoll."));
      add_step (self, n++, quote);
      add_step (self, n++, _("Say that the case is to be distributed by OK (the operational "
                             "coordinator) and that it concerns a criticality-1 system."));
    }
  else if (number == NULL)
    {
      add_step (self, n++, call);
      add_step (self, n++, _("Give your name, your unit and what is wrong, so that its scope "
                             "can be judged."));
      add_step (self, n++, _("Tell your colleagues, and follow the reserve routine of the "
                             "service."));
    }
  else
    {
      g_autofree char *quote = NULL;

      if (phone != NULL)
        /* Translators: "If work has stopped, also call user support on 031-… and give
         * them the number FA-12." */
        quote = g_strdup_printf (_("If work has stopped, also call %s on %s and give them "
                                   "the number %s."), who, phone, number);
      else
        quote = g_strdup_printf (_("If work has stopped, also call %s and give them the "
                                   "number %s."), who, number);
      add_step (self, n++, quote);
      add_step (self, n++, _("Tell your colleagues, and follow the reserve routine of the "
                             "service."));
    }

  if (contacts->office_hours != NULL)
    /* Translators: user support's phone number, seed 003 */
    g_string_append_printf (numbers_text, _("User support, weekdays 08–16: %s"),
                            contacts->office_hours);
  if (contacts->on_call != NULL)
    {
      if (numbers_text->len > 0)
        g_string_append_c (numbers_text, '\n');
      /* Translators: the on-call phone number, seed 003 */
      g_string_append_printf (numbers_text, _("Evenings, nights and weekends: %s"),
                              contacts->on_call);
    }
  numbers = g_string_free (numbers_text, FALSE);
  gtk_label_set_label (self->numbers_label, numbers);
  gtk_widget_set_visible (GTK_WIDGET (self->numbers_label), *numbers != '\0');
}

/* ---- callbacks ---- */

static void
dk_report_dialog_changed_cb (DkReportDialog *self)
{
  update_form (self);
}

static void
dk_report_dialog_kind_toggled_cb (DkReportDialog *self)
{
  update_form (self);
}

static void
dk_report_dialog_service_search_cb (DkReportDialog *self)
{
  gtk_string_filter_set_search (self->service_filter,
                                gtk_editable_get_text (GTK_EDITABLE (self->service_entry)));
}

static void
dk_report_dialog_engine_changed_cb (DkReportDialog *self)
{
  if (self->sent != NULL)
    update_sent_page (self);
}

/* ---- actions ---- */

static void
choose_service_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  DkReportDialog *self = DK_REPORT_DIALOG (widget);

  g_free (self->service_id);
  self->service_id = g_variant_dup_string (parameter, NULL);
  update_form (self);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DkReportDialog *self = DK_REPORT_DIALOG (widget);
  DkStore *store = dk_sync_engine_get_store (self->engine);
  const char *me = dk_sync_engine_get_username (self->engine);
  g_autoptr(DkReport) report = dk_report_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *description = dup_description (self);

  if (me == NULL)
    return;

  report->kind = is_urgent (self) ? DK_REPORT_KIND_URGENT : DK_REPORT_KIND_FAULT;
  report->service = g_strdup (self->service_id);
  report->reporter = dup_row_text (self->reporter_row);
  /* "avd 12" is reported as the catalogue's "Avdelning 12"; free text stays */
  report->unit = dk_unit_picker_dup_unit (self->unit_row);
  report->contact = dup_nonempty_row_text (self->contact_row);
  if (report->kind == DK_REPORT_KIND_URGENT)
    {
      guint competence = adw_combo_row_get_selected (self->competence_row);
      GListModel *model = adw_combo_row_get_model (self->competence_row);
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, competence);

      /* Seed 004: the first line of the description is prescribed. */
      report->description = g_str_has_prefix (description, URGENT_FIRST_LINE)
                              ? g_strdup (description)
                              : g_strdup_printf ("%s\n%s", URGENT_FIRST_LINE, description);
      report->users = dup_nonempty_row_text (self->users_row);
      report->computers = dup_nonempty_row_text (self->computers_row);
      report->servers = dup_nonempty_row_text (self->servers_row);
      /* As the reporter reads it: the operational coordinator reads it as text. */
      if (item != NULL)
        report->competence = g_strdup (gtk_string_object_get_string (item));
      report->mobile = dup_nonempty_row_text (self->mobile_row);
      if (report->contact == NULL)
        report->contact = g_strdup (report->mobile);
    }
  else
    report->description = g_steal_pointer (&description);

  if (!dk_local_create_report (store, report, me, dk_time_now (), &error))
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  g_settings_set_string (self->settings, "reporter-name", report->reporter);
  g_settings_set_string (self->settings, "unit", report->unit);
  if (report->kind == DK_REPORT_KIND_FAULT && report->contact != NULL)
    g_settings_set_string (self->settings, "reporter-contact", report->contact);

  self->sent = g_steal_pointer (&report);
  gtk_widget_set_visible (GTK_WIDGET (self->send_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->done_button), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "sent");
  update_sent_page (self);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->done_button));
  gtk_widget_grab_focus (GTK_WIDGET (self->done_button));
}

/* ---- GObject ---- */

static void
dk_report_dialog_dispose (GObject *object)
{
  DkReportDialog *self = DK_REPORT_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DK_TYPE_REPORT_DIALOG);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);
  g_clear_object (&self->service_filter);
  g_clear_pointer (&self->service_ids, g_hash_table_unref);
  g_clear_pointer (&self->service_names, g_hash_table_unref);
  g_clear_pointer (&self->service_id, g_free);
  g_clear_pointer (&self->sent, dk_report_unref);

  G_OBJECT_CLASS (dk_report_dialog_parent_class)->dispose (object);
}

static void
dk_report_dialog_class_init (DkReportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_report_dialog_dispose;

  g_type_ensure (DK_TYPE_UNIT_PICKER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-report-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, call_heading);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, competence_row);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, computers_row);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, contact_row);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, description_view);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, done_button);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, fault_check);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, kind_label);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, mobile_row);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, numbers_label);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, reporter_row);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, send_button);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, sent_icon);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, sent_summary);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, sent_title);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, service_entry);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, service_label);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, service_list);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, servers_row);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, steps_box);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, subject_label);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, unit_row);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, urgent_check);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, urgent_group);
  gtk_widget_class_bind_template_child (widget_class, DkReportDialog, users_row);
  gtk_widget_class_bind_template_callback (widget_class, dk_report_dialog_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_report_dialog_kind_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, dk_report_dialog_service_search_cb);

  gtk_widget_class_install_action (widget_class, "report.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "report.choose-service", "s",
                                   choose_service_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dk_report_dialog_init (DkReportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->service_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->service_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  dk_accessible_name_entry_text (self->reporter_row, _("Your name"));
  dk_accessible_name_entry_text (ADW_ENTRY_ROW (self->unit_row), _("Unit that found the fault"));
  dk_accessible_name_entry_text (self->contact_row, _("Contact details (phone or e-mail)"));
  dk_accessible_name_entry_text (self->users_row, _("Affected users"));
  dk_accessible_name_entry_text (self->computers_row, _("Affected PCs"));
  dk_accessible_name_entry_text (self->servers_row, _("Affected servers"));
  dk_accessible_name_entry_text (self->mobile_row, _("Contact's mobile number"));
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->description_view), "changed",
                            G_CALLBACK (dk_report_dialog_changed_cb), self);
}

/**
 * dk_report_dialog_new:
 * @parent: the main window
 * @engine: the sync engine, with the replica
 * @settings: the app's settings ("unit", "reporter-name", "reporter-contact", phones)
 * @service_id: (nullable): the service to preselect
 *
 * Returns: (transfer none): the dialog, not yet shown
 */
GtkWindow *
dk_report_dialog_new (GtkWindow    *parent,
                      DkSyncEngine *engine,
                      GSettings    *settings,
                      const char   *service_id)
{
  DkReportDialog *self;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DK_TYPE_REPORT_DIALOG, "transient-for", parent, NULL);
  /* No wider than a narrow main window. */
  if (gtk_widget_get_width (GTK_WIDGET (parent)) > 0 &&
      gtk_widget_get_width (GTK_WIDGET (parent)) < 560)
    gtk_window_set_default_size (GTK_WINDOW (self), gtk_widget_get_width (GTK_WIDGET (parent)),
                                 720);
  self->engine = g_object_ref (engine);
  self->settings = g_object_ref (settings);
  self->service_id = g_strdup (service_id);
  dk_unit_picker_set_store (self->unit_row, dk_sync_engine_get_store (engine));

  load_services (self);
  prefill (self);
  update_form (self);

  g_signal_connect_object (engine, "changed", G_CALLBACK (dk_report_dialog_engine_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "notify::state",
                           G_CALLBACK (dk_report_dialog_engine_changed_cb), self,
                           G_CONNECT_SWAPPED);

  return GTK_WINDOW (self);
}
