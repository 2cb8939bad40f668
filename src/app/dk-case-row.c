/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-row.c: one case in a list, recycled by the list's factory */

#define G_LOG_DOMAIN "dk-case-row"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-accessible-names.h"
#include "dk-case-row.h"
#include "dk-format.h"

struct _DkCaseRow
{
  AdwBin     parent_instance;

  /* template widgets */
  GtkLabel  *end_label;
  GtkLabel  *kind_label;
  GtkLabel  *major_label;
  GtkButton *open_button;
  GtkLabel  *pending_label;
  GtkLabel  *priority_label;
  GtkLabel  *start_label;
  GtkBox    *status_box;
  GtkImage  *status_icon;
  GtkLabel  *status_label;
  GtkLabel  *title_label;
  GtkLabel  *visibility_label;
  GtkLabel  *where_label;
  GtkBox    *badges_box;
};

G_DEFINE_FINAL_TYPE (DkCaseRow, dk_case_row, ADW_TYPE_BIN)

static const char * const kind_classes[] = { "dk-incident", "dk-planned", "dk-crisis" };

static void
show_kind (DkCaseRow    *self,
           const DkCase *kase)
{
  g_assert (DK_IS_CASE_ROW (self));

  for (guint i = 0; i < G_N_ELEMENTS (kind_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->kind_label), kind_classes[i]);
  if ((guint) kase->kind < G_N_ELEMENTS (kind_classes))
    gtk_widget_add_css_class (GTK_WIDGET (self->kind_label), kind_classes[kase->kind]);
  gtk_label_set_label (self->kind_label, dk_case_kind_label (kase->kind));
}

/* The status's look: a class on the row (style.css: the badge's shape, a closed row
 * dimmed with a regular-weight title) and an icon, so that ongoing, planned and closed
 * differ at a glance without colour alone. */
static const struct
{
  const char *css;
  const char *icon;
} status_looks[] = {
  [DK_CASE_STATUS_ONGOING] = { "dk-status-ongoing", "media-record-symbolic" },
  [DK_CASE_STATUS_CLOSED] = { "dk-status-closed", "object-select-symbolic" },
  [DK_CASE_STATUS_PLANNED] = { "dk-status-planned", "x-office-calendar-symbolic" },
  [DK_CASE_STATUS_URGENT_PLANNED] = { "dk-status-urgent-planned", "alarm-symbolic" },
};

static void
show_status (DkCaseRow    *self,
             const DkCase *kase)
{
  DkCaseUpdate *latest = dk_case_get_latest_update (kase);
  g_autofree char *text = NULL;

  g_assert (DK_IS_CASE_ROW (self));

  if (latest != NULL)
    /* Translators: a case's status, then the phrase of its latest update */
    text = g_strdup_printf (_("%s — %s"), dk_case_status_label (kase->status),
                            dk_update_phrase_label (latest->phrase));
  else
    text = g_strdup (dk_case_status_label (kase->status));
  gtk_label_set_label (self->status_label, text);

  for (guint i = 0; i < G_N_ELEMENTS (status_looks); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self), status_looks[i].css);
  if ((guint) kase->status < G_N_ELEMENTS (status_looks))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), status_looks[kase->status].css);
      gtk_image_set_from_icon_name (self->status_icon, status_looks[kase->status].icon);
    }
}

static void
show_times (DkCaseRow    *self,
            const DkCase *kase,
            gint64        now)
{
  g_autofree char *start = dk_format_time (kase->start);
  g_autofree char *start_text = NULL;
  gboolean overdue;

  g_assert (DK_IS_CASE_ROW (self));

  /* Translators: when a case started, "Start 2026-11-24 14:05" */
  start_text = g_strdup_printf (_("Start %s"), start);
  gtk_label_set_label (self->start_label, start_text);

  overdue = kase->expected_end != DK_TIME_UNSET && kase->expected_end < now &&
            kase->status != DK_CASE_STATUS_CLOSED;
  if (kase->status == DK_CASE_STATUS_CLOSED)
    {
      /* A closed case says when it closed: its estimated end no longer matters. */
      g_autofree char *closed = NULL;
      g_autofree char *closed_text = NULL;

      if (kase->closed_at != DK_TIME_UNSET)
        {
          closed = dk_format_time (kase->closed_at);
          /* Translators: when a case closed, "Closed 2026-11-24 16:40" */
          closed_text = g_strdup_printf (_("Closed %s"), closed);
        }
      gtk_label_set_label (self->end_label, closed_text != NULL
                                            ? closed_text : C_("case status", "Closed"));
    }
  else if (kase->expected_end != DK_TIME_UNSET)
    {
      g_autofree char *end = dk_format_time (kase->expected_end);
      g_autofree char *end_text = NULL;

      if (overdue)
        /* Translators: the estimated end has passed and the case is still open */
        end_text = g_strdup_printf (_("Estimated end %s (overdue)"), end);
      else
        end_text = g_strdup_printf (_("Estimated end %s"), end);
      gtk_label_set_label (self->end_label, end_text);
    }
  else
    gtk_label_set_label (self->end_label, _("No estimated end"));

  if (overdue)
    gtk_widget_add_css_class (GTK_WIDGET (self->end_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->end_label), "error");
}

static void
show_where (DkCaseRow    *self,
            const DkCase *kase,
            GHashTable   *service_names)
{
  g_autofree char *services = dk_format_services (kase->services, service_names);
  g_autofree char *text = NULL;
  const char *number = kase->number != NULL ? kase->number : _("(no number yet)");

  g_assert (DK_IS_CASE_ROW (self));

  if (services[0] != '\0')
    /* Translators: case number · area · affected services */
    text = g_strdup_printf (_("%s · %s · %s"), number, dk_area_label (kase->area), services);
  else
    /* Translators: case number · area */
    text = g_strdup_printf (_("%s · %s"), number, dk_area_label (kase->area));
  gtk_label_set_label (self->where_label, text);
}

/* "Waiting to publish" and the like, or nothing. GTK 4.8 tells assistive technologies of
 * hidden labels too, so the text goes with the mark, and the name says which case. */
static void
show_mark (DkCaseRow    *self,
           DkCaseObject *item)
{
  static const char * const classes[] = { "dk-pending", "dk-conflict", "dk-rejected" };
  DkCase *kase = dk_case_object_get_case (item);
  const char *text = NULL;
  const char *css = NULL;
  const char *tooltip = NULL;
  g_autofree char *name = NULL;

  g_assert (DK_IS_CASE_ROW (self));

  switch (dk_case_object_get_mark (item))
    {
    case DK_CASE_MARK_PENDING:
      text = _("Waiting to publish");
      tooltip = _("Saved on this computer; it is published when the connection returns");
      css = "dk-pending";
      break;
    case DK_CASE_MARK_CONFLICT:
      text = _("Changed meanwhile");
      tooltip = _("Someone else changed the case meanwhile: open it to choose what to keep");
      css = "dk-conflict";
      break;
    case DK_CASE_MARK_REJECTED:
      text = _("Not published");
      tooltip = _("The server did not accept a change: open it to see why");
      css = "dk-rejected";
      break;
    case DK_CASE_MARK_NONE:
    default:
      break;
    }

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->pending_label), classes[i]);
  gtk_label_set_label (self->pending_label, text != NULL ? text : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pending_label), tooltip);
  gtk_widget_set_visible (GTK_WIDGET (self->pending_label), text != NULL);
  if (text == NULL)
    {
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->pending_label),
                                     GTK_ACCESSIBLE_PROPERTY_LABEL);
      return;
    }

  gtk_widget_add_css_class (GTK_WIDGET (self->pending_label), css);
  /* Translators: the accessible name of a case row's mark: "Waiting to publish: <title>" */
  name = g_strdup_printf (_("%s: %s"), text, kase->title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pending_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

/* The list item's accessible name, from what the row shows: number, title, status,
 * priority, kind and times ("DK-1001, Cosmic …, Closed — Resolved, Priority 2, Incident,
 * Start …, Closed …"). A screen reader says it when the row gets the focus. */
static void
name_row (DkCaseRow    *self,
          const DkCase *kase,
          const char   *priority_name)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autofree char *name = NULL;

  g_assert (DK_IS_CASE_ROW (self));

  if (kase->number != NULL)
    g_ptr_array_add (parts, kase->number);
  g_ptr_array_add (parts, kase->title);
  g_ptr_array_add (parts, (char *) gtk_label_get_label (self->status_label));
  g_ptr_array_add (parts, (char *) priority_name);
  if (kase->major)
    g_ptr_array_add (parts, (char *) gtk_label_get_label (self->major_label));
  g_ptr_array_add (parts, (char *) dk_case_kind_label (kase->kind));
  if (gtk_widget_get_visible (GTK_WIDGET (self->pending_label)))
    g_ptr_array_add (parts, (char *) gtk_label_get_label (self->pending_label));
  g_ptr_array_add (parts, (char *) gtk_label_get_label (self->start_label));
  g_ptr_array_add (parts, (char *) gtk_label_get_label (self->end_label));
  g_ptr_array_add (parts, NULL);

  /* Translators: what separates the parts of a list row's accessible name */
  name = g_strjoinv (_(", "), (char **) parts->pdata);
  dk_accessible_name_list_item (GTK_WIDGET (self), name);
}

static void
dk_case_row_class_init (DkCaseRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-case-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DkCaseRow, end_label);
  gtk_widget_class_bind_template_child (widget_class, DkCaseRow, kind_label);
  gtk_widget_class_bind_template_child (widget_class, DkCaseRow, major_label);
  gtk_widget_class_bind_template_child (widget_class, DkCaseRow, open_button);
  gtk_widget_class_bind_template_child (widget_class, DkCaseRow, pending_label);
  gtk_widget_class_bind_template_child (widget_class, DkCaseRow, priority_label);
  gtk_widget_class_bind_template_child (widget_class, DkCaseRow, start_label);
  gtk_widget_class_bind_template_child (widget_class, DkCaseRow, status_box);
  gtk_widget_class_bind_template_child (widget_class, DkCaseRow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, DkCaseRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, DkCaseRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, DkCaseRow, visibility_label);
  gtk_widget_class_bind_template_child (widget_class, DkCaseRow, where_label);
  gtk_widget_class_bind_template_child (widget_class, DkCaseRow, badges_box);
}

static void
dk_case_row_init (DkCaseRow *self)
{
  GtkWidget *times[5];

  gtk_widget_init_template (GTK_WIDGET (self));
  times[0] = GTK_WIDGET (self->status_box);
  times[1] = GTK_WIDGET (self->start_label);
  times[2] = GTK_WIDGET (self->end_label);
  times[3] = GTK_WIDGET (self->where_label);
  times[4] = GTK_WIDGET (self->badges_box);

  /* Where, the badges, the status and times flow as text; their flow boxes' cells are no
   * stops for Tab. */
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    gtk_widget_set_focusable (gtk_widget_get_parent (times[i]), FALSE);
}

/**
 * dk_case_row_new:
 *
 * Returns: (transfer full): a new, empty row
 */
GtkWidget *
dk_case_row_new (void)
{
  return g_object_new (DK_TYPE_CASE_ROW, NULL);
}

/**
 * dk_case_row_set_item:
 * @self: a #DkCaseRow
 * @item: (nullable): the case to show
 * @service_names: (nullable): service id → name
 * @highlight: (nullable): what was searched for
 * @now: the time that decides what is overdue
 */
void
dk_case_row_set_item (DkCaseRow    *self,
                      DkCaseObject *item,
                      GHashTable   *service_names,
                      const char   *highlight,
                      gint64        now)
{
  g_autofree char *title = NULL;
  g_autofree char *priority = NULL;
  g_autofree char *priority_name = NULL;
  g_autofree char *open_name = NULL;
  DkCase *kase;

  g_return_if_fail (DK_IS_CASE_ROW (self));

  if (item == NULL)
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->open_button), NULL);
      return;
    }

  kase = dk_case_object_get_case (item);
  show_kind (self, kase);
  title = dk_format_highlight (kase->title, highlight);
  /* A case the replica could read only in part is listed, marked (issue 13). */
  if (kase->unread != NULL)
    {
      char *marked = g_strconcat ("⚠ ", title, NULL);

      g_free (title);
      title = marked;
    }
  gtk_label_set_markup (self->title_label, title);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_label), kase->unread);
  show_where (self, kase, service_names);
  show_status (self, kase);
  show_times (self, kase, now);

  /* Translators: a case's priority, "P1" (highest) to "P5" */
  priority = g_strdup_printf (_("P%d"), kase->priority);
  gtk_label_set_label (self->priority_label, priority);
  priority_name = g_strdup_printf (_("Priority %d"), kase->priority);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->priority_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, priority_name, -1);
  for (int p = 1; p <= 5; p++)
    {
      g_autofree char *css = g_strdup_printf ("dk-p%d", p);

      /* A closed case's priority is history: no colour that calls for attention. */
      if (p == kase->priority && kase->status != DK_CASE_STATUS_CLOSED)
        gtk_widget_add_css_class (GTK_WIDGET (self->priority_label), css);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->priority_label), css);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->major_label), kase->major);
  gtk_label_set_label (self->visibility_label, kase->public ? _("Public") : _("Internal"));
  show_mark (self, item);

  name_row (self, kase, priority_name);

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->open_button), "s", kase->id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->open_button), "win.open-case");
  /* Translators: the accessible name of the button that opens a case; %s is its title */
  open_name = g_strdup_printf (_("Open “%s”"), kase->title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->open_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, open_name, -1);
}
