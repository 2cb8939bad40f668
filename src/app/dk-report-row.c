/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-report-row.c: a row of My Reports or of the inbox
 *
 * A report: its number (or "Waiting to be sent"), kind, state, service, unit, reporter
 * and time, the start of its description, and what the one who looks may do with it:
 * open the case it is linked to; in the inbox acknowledge, close, or turn it into an
 * incident. A group's heading: the service, how many reports from how many units, and
 * "Probable incident" when enough units reported it close together. */

#define G_LOG_DOMAIN "dk-report-row"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-accessible-names.h"
#include "dk-format.h"
#include "dk-report-row.h"

struct _DkReportRow
{
  GtkBox     parent_instance;

  GtkLabel  *number_label;
  GtkLabel  *kind_badge;
  GtkLabel  *state_badge;
  GtkLabel  *probable_badge;
  GtkLabel  *details_label;
  GtkLabel  *description_label;
  GtkFlowBox *buttons;
  GtkButton *open_button;
  GtkButton *acknowledge_button;
  GtkButton *close_button;
  GtkButton *incident_button;
};

G_DEFINE_FINAL_TYPE (DkReportRow, dk_report_row, GTK_TYPE_BOX)

static GtkLabel *
add_label (GtkBox     *box,
           const char *css)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css != NULL)
    gtk_widget_add_css_class (label, css);
  gtk_box_append (box, label);
  return GTK_LABEL (label);
}

static GtkButton *
add_button (GtkFlowBox *box,
            const char *label,
            const char *action)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);
  GtkWidget *child = gtk_button_get_child (GTK_BUTTON (button));

  /* In a narrow window the words of a button go on two lines rather than widening it. */
  if (GTK_IS_LABEL (child))
    {
      gtk_label_set_wrap (GTK_LABEL (child), TRUE);
      gtk_label_set_justify (GTK_LABEL (child), GTK_JUSTIFY_CENTER);
    }
  /* The action is set with its target (set_button): one without would warn. */
  g_object_set_data (G_OBJECT (button), "dk-action", (gpointer) action);
  gtk_flow_box_append (box, button);
  /* The flow box's cell is no stop for Tab, and hides with its button (set_button). */
  gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
  return GTK_BUTTON (button);
}

static void
set_badge (GtkLabel   *badge,
           const char *text,
           const char *extra_css)
{
  gtk_widget_remove_css_class (GTK_WIDGET (badge), "dk-major");
  gtk_widget_remove_css_class (GTK_WIDGET (badge), "dk-pending");
  gtk_widget_set_visible (GTK_WIDGET (badge), text != NULL);
  gtk_label_set_label (badge, text != NULL ? text : "");
  if (extra_css != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (badge), extra_css);
}

static void
set_button (GtkButton  *button,
            gboolean    visible,
            const char *target,
            const char *name)
{
  gtk_widget_set_visible (GTK_WIDGET (button), visible);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (button)), visible);
  if (!visible)
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), NULL);
      return;
    }
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button),
                                  g_object_get_data (G_OBJECT (button), "dk-action"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name, -1);
}

static char *
first_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", 3);
  return g_strjoinv (" ", lines);
}

static void
show_group (DkReportRow  *self,
            DkReportItem *item,
            gint64        now)
{
  g_autofree char *details = NULL;
  g_autofree char *age = dk_format_age (item->newest, now);
  g_autofree char *name = NULL;

  gtk_widget_add_css_class (GTK_WIDGET (self), "dk-inbox-group");
  gtk_label_set_label (self->number_label, item->service_name);
  set_badge (self->kind_badge, item->urgent ? _("Urgent case") : NULL, "dk-major");
  set_badge (self->state_badge, NULL, NULL);
  set_badge (self->probable_badge, item->probable ? _("Probable incident") : NULL, "dk-major");
  gtk_widget_set_visible (GTK_WIDGET (self->probable_badge), item->probable);
  if (item->probable)
    gtk_widget_add_css_class (GTK_WIDGET (self), "dk-probable");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "dk-probable");

  g_autofree char *reports = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u report",
                                                           "%u reports", item->count),
                                              item->count);
  g_autofree char *units = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "from %u unit",
                                                         "from %u units", item->units),
                                            item->units);

  /* Translators: the heading of a service's reports in the inbox: "3 reports", "from 3
   * units", then how long ago the latest came: "3 reports from 3 units, the latest 5
   * minutes ago" */
  details = g_strdup_printf (_("%s %s, the latest %s ago"), reports, units, age);
  gtk_label_set_label (self->details_label, details);
  gtk_widget_set_visible (GTK_WIDGET (self->description_label), FALSE);
  set_button (self->open_button, FALSE, NULL, NULL);
  set_button (self->acknowledge_button, FALSE, NULL, NULL);
  set_button (self->close_button, FALSE, NULL, NULL);
  /* Translators: the accessible name of a button: "Create incident for TES" */
  name = g_strdup_printf (_("Create incident for %s"), item->service_name);
  /* The label first: GTK sets the accessible name from it. */
  gtk_button_set_label (self->incident_button, _("Create _Incident…"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->incident_button), NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self->incident_button), "suggested-action");
  set_button (self->incident_button, item->count > 0, item->service_id, name);
}

static void
show_report (DkReportRow  *self,
             DkReportItem *item,
             gint64        now)
{
  const DkReport *report = item->report;
  g_autofree char *age = dk_format_age (report->created_at, now);
  /* Translators: when a report came: "5 minutes ago" */
  g_autofree char *when = g_strdup_printf (_("%s ago"), age);
  g_autofree char *details = NULL;
  g_autofree char *description = first_lines (report->description);
  const char *number = report->number != NULL ? report->number : _("Waiting to be sent");
  gboolean open = report->state == DK_REPORT_STATE_NEW ||
                  report->state == DK_REPORT_STATE_ACKNOWLEDGED;

  gtk_widget_remove_css_class (GTK_WIDGET (self), "dk-inbox-group");
  gtk_widget_remove_css_class (GTK_WIDGET (self), "dk-probable");
  if (report->kind == DK_REPORT_KIND_URGENT)
    gtk_widget_add_css_class (GTK_WIDGET (self), "dk-urgent");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "dk-urgent");

  gtk_label_set_label (self->number_label, number);
  set_badge (self->kind_badge, dk_report_kind_label (report->kind),
             report->kind == DK_REPORT_KIND_URGENT ? "dk-major" : NULL);
  if (item->pending)
    set_badge (self->state_badge, C_("report state", "Not yet sent"), "dk-pending");
  else
    set_badge (self->state_badge, dk_report_state_label (report->state), NULL);
  set_badge (self->probable_badge, NULL, NULL);

  /* Translators: a report's service, unit, reporter and age, "TES · Avdelning 12 ·
   * Eva Berg · 5 min ago" */
  details = g_strdup_printf (_("%s · %s · %s · %s"), item->service_name,
                             report->unit != NULL ? report->unit : "",
                             report->reporter != NULL ? report->reporter : "", when);
  gtk_label_set_label (self->details_label, details);
  if (report->kind == DK_REPORT_KIND_URGENT)
    {
      /* Seed 004's subject first: what the operational coordinator sees. */
      g_autofree char *subject = dk_report_dup_urgent_subject (report, item->service_name);
      g_autofree char *text = g_strdup_printf ("%s\n%s", subject, description);

      g_free (description);
      description = g_steal_pointer (&text);
    }
  gtk_label_set_label (self->description_label, description);
  gtk_widget_set_visible (GTK_WIDGET (self->description_label), TRUE);

  {
    g_autofree char *ack = g_strdup_printf (_("Acknowledge %s"), number);
    g_autofree char *close = g_strdup_printf (_("Close %s"), number);
    g_autofree char *incident = g_strdup_printf (_("Create incident from %s"), number);
    g_autofree char *target = g_strdup_printf ("report:%s", report->id);

    set_button (self->acknowledge_button,
                item->in_inbox && !item->pending && report->state == DK_REPORT_STATE_NEW,
                report->id, ack);
    set_button (self->close_button, item->in_inbox && !item->pending && open, report->id, close);
    gtk_widget_remove_css_class (GTK_WIDGET (self->incident_button), "suggested-action");
    gtk_button_set_label (self->incident_button, _("_Incident…"));
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->incident_button),
                                 _("Create an incident from this report"));
    set_button (self->incident_button, item->in_inbox && !item->pending && open, target,
                incident);
  }
  if (report->state == DK_REPORT_STATE_LINKED && report->case_id != NULL)
    {
      /* Translators: a button's accessible name: "Open case DK-1042" */
      g_autofree char *open_name = g_strdup_printf (_("Open case %s"),
                                                    report->case_number != NULL
                                                      ? report->case_number : "");
      /* Translators: a button: "Open DK-1042" */
      g_autofree char *open_label = g_strdup_printf (_("Open %s"),
                                                     report->case_number != NULL
                                                       ? report->case_number : _("Case"));

      gtk_button_set_label (self->open_button, open_label);
      set_button (self->open_button, TRUE, report->case_id, open_name);
    }
  else
    set_button (self->open_button, FALSE, NULL, NULL);

  if (report->state == DK_REPORT_STATE_LINKED && report->case_number != NULL)
    {
      /* Translators: a report's state: "Linked to case DK-1042" */
      g_autofree char *state = g_strdup_printf (_("Linked to case %s"), report->case_number);

      set_badge (self->state_badge, state, NULL);
    }
  if (report->note != NULL && !item->in_inbox)
    {
      /* Translators: the handler's note on a report, shown to the reporter */
      g_autofree char *with_note = g_strdup_printf (_("%s\nService desk: %s"), description,
                                                    report->note);

      gtk_label_set_label (self->description_label, with_note);
    }
}

/* The list item's accessible name: what the row shows, its labels in order. */
static void
name_row (DkReportRow *self)
{
  GtkLabel *labels[] = { self->number_label, self->kind_badge, self->state_badge,
                         self->probable_badge, self->details_label, self->description_label };
  g_autoptr(GString) name = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      const char *text = gtk_label_get_text (labels[i]);

      if (!gtk_widget_get_visible (GTK_WIDGET (labels[i])) || text[0] == '\0')
        continue;
      if (name->len > 0)
        /* Translators: what separates the parts of a list row's accessible name */
        g_string_append (name, _(", "));
      g_string_append (name, text);
    }
  dk_accessible_name_list_item (GTK_WIDGET (self), name->str);
}

/**
 * dk_report_row_set_item:
 * @self: a row
 * @item: (nullable): what it shows
 * @now: the current time, for ages
 */
void
dk_report_row_set_item (DkReportRow  *self,
                        DkReportItem *item,
                        gint64        now)
{
  g_return_if_fail (DK_IS_REPORT_ROW (self));

  if (item == NULL)
    return;
  if (item->report == NULL)
    show_group (self, item, now);
  else
    show_report (self, item, now);
  name_row (self);
  gtk_widget_set_visible (GTK_WIDGET (self->buttons),
                          gtk_widget_get_visible (GTK_WIDGET (self->open_button)) ||
                          gtk_widget_get_visible (GTK_WIDGET (self->acknowledge_button)) ||
                          gtk_widget_get_visible (GTK_WIDGET (self->close_button)) ||
                          gtk_widget_get_visible (GTK_WIDGET (self->incident_button)));
}

static void
dk_report_row_class_init (DkReportRowClass *klass)
{
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "dk-report-row");
}

static void
dk_report_row_init (DkReportRow *self)
{
  GtkBox *top = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 4);
  gtk_widget_add_css_class (GTK_WIDGET (self), "dk-report-row");

  gtk_box_append (GTK_BOX (self), GTK_WIDGET (top));
  self->number_label = add_label (top, "heading");
  gtk_label_set_wrap (self->number_label, TRUE);
  self->kind_badge = add_label (top, "dk-badge");
  self->state_badge = add_label (top, "dk-badge");
  self->probable_badge = add_label (top, "dk-badge");

  self->details_label = add_label (GTK_BOX (self), "dim-label");
  gtk_label_set_wrap (self->details_label, TRUE);
  self->description_label = add_label (GTK_BOX (self), NULL);
  gtk_label_set_wrap (self->description_label, TRUE);
  gtk_label_set_lines (self->description_label, 3);
  gtk_label_set_ellipsize (self->description_label, PANGO_ELLIPSIZE_END);

  /* Short labels, and a flow: in a 360 px window what does not fit goes to a new line. */
  self->buttons = GTK_FLOW_BOX (gtk_flow_box_new ());
  gtk_flow_box_set_selection_mode (self->buttons, GTK_SELECTION_NONE);
  gtk_flow_box_set_column_spacing (self->buttons, 6);
  gtk_flow_box_set_row_spacing (self->buttons, 6);
  gtk_flow_box_set_max_children_per_line (self->buttons, 4);
  gtk_widget_add_css_class (GTK_WIDGET (self->buttons), "dk-report-buttons");
  gtk_widget_set_margin_top (GTK_WIDGET (self->buttons), 4);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->buttons));
  self->open_button = add_button (self->buttons, _("_Open Case"), "win.open-case");
  self->acknowledge_button = add_button (self->buttons, _("_Acknowledge…"), "inbox.acknowledge");
  self->close_button = add_button (self->buttons, _("C_lose…"), "inbox.close");
  self->incident_button = add_button (self->buttons, _("Create _Incident…"),
                                      "inbox.create-incident");
}

/**
 * dk_report_row_new:
 *
 * Returns: (transfer full): a new, empty row
 */
GtkWidget *
dk_report_row_new (void)
{
  return g_object_new (DK_TYPE_REPORT_ROW, NULL);
}
