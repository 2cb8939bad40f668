/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-preview.c: a case not yet published, as its list row, as the desktop
 * notification followers get, and as on the public page
 *
 * The row is the lists' own DkCaseRow and the notification's text comes from the
 * notifier itself, so the preview cannot drift from what people will see. The public
 * page is HTML made by the server; here its card is drawn with the same fields and
 * headings. */

#define G_LOG_DOMAIN "dk-case-preview"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-case-object.h"
#include "dk-case-preview.h"
#include "dk-case-row.h"
#include "dk-format.h"
#include "dk-notifier.h"

struct _DkCasePreview
{
  AdwBin      parent_instance;

  /* template widgets */
  GtkLabel   *internal_label;
  GtkLabel   *notification_body_label;
  GtkLabel   *notification_summary_label;
  GtkLabel   *public_badges_label;
  GtkBox     *public_box;
  GtkLabel   *public_description_label;
  GtkGrid    *public_grid;
  GtkLabel   *public_number_label;
  GtkLabel   *public_title_label;
  DkCaseRow  *row;

  /* state */
  int         n_public_rows;
};

G_DEFINE_FINAL_TYPE (DkCasePreview, dk_case_preview, ADW_TYPE_BIN)

static void
add_public_row (DkCasePreview *self,
                const char    *term,
                const char    *value)
{
  GtkWidget *term_label;
  GtkWidget *value_label;

  g_assert (DK_IS_CASE_PREVIEW (self));

  if (value == NULL || value[0] == '\0')
    return;
  term_label = gtk_label_new (term);
  gtk_label_set_xalign (GTK_LABEL (term_label), 0);
  gtk_widget_set_valign (term_label, GTK_ALIGN_START);
  gtk_widget_add_css_class (term_label, "dim-label");
  value_label = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (value_label, TRUE);
  gtk_grid_attach (self->public_grid, term_label, 0, self->n_public_rows, 1, 1);
  gtk_grid_attach (self->public_grid, value_label, 1, self->n_public_rows, 1, 1);
  self->n_public_rows++;
}

/* The card of the public page: the fields dk-server-public.c's append_case shows. */
static void
show_public (DkCasePreview *self,
             const DkCase  *kase,
             GHashTable    *service_names)
{
  g_autofree char *services = dk_format_services (kase->services, service_names);
  g_autofree char *start = dk_format_time (kase->start);
  g_autofree char *end = dk_format_time (kase->expected_end);
  g_autofree char *priority = g_strdup_printf ("%d", kase->priority);
  g_autoptr(GString) badges = g_string_new (dk_case_status_label (kase->status));
  GtkWidget *child;

  g_assert (DK_IS_CASE_PREVIEW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->public_box), kase->public);
  gtk_widget_set_visible (GTK_WIDGET (self->internal_label), !kase->public);
  if (!kase->public)
    return;

  gtk_label_set_label (self->public_number_label, _("(no number yet)"));
  gtk_label_set_label (self->public_title_label, kase->title);
  g_string_append_printf (badges, " · %s", dk_case_kind_label (kase->kind));
  if (kase->major)
    g_string_append_printf (badges, " · %s", _("Major incident"));
  gtk_label_set_label (self->public_badges_label, badges->str);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->public_grid))) != NULL)
    gtk_grid_remove (self->public_grid, child);
  self->n_public_rows = 0;
  add_public_row (self, _("Area"), dk_area_label (kase->area));
  add_public_row (self, _("Affected services"), services);
  add_public_row (self, _("Scope"), kase->scope);
  add_public_row (self, _("Priority"), priority);
  add_public_row (self, _("Start"), start);
  add_public_row (self, _("Expected end"), end);
  gtk_label_set_label (self->public_description_label,
                       kase->description != NULL ? kase->description : "");
}

static void
dk_case_preview_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DK_TYPE_CASE_PREVIEW);

  G_OBJECT_CLASS (dk_case_preview_parent_class)->dispose (object);
}

static void
dk_case_preview_class_init (DkCasePreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_case_preview_dispose;

  g_type_ensure (DK_TYPE_CASE_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-case-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, DkCasePreview, internal_label);
  gtk_widget_class_bind_template_child (widget_class, DkCasePreview, notification_body_label);
  gtk_widget_class_bind_template_child (widget_class, DkCasePreview, notification_summary_label);
  gtk_widget_class_bind_template_child (widget_class, DkCasePreview, public_badges_label);
  gtk_widget_class_bind_template_child (widget_class, DkCasePreview, public_box);
  gtk_widget_class_bind_template_child (widget_class, DkCasePreview, public_description_label);
  gtk_widget_class_bind_template_child (widget_class, DkCasePreview, public_grid);
  gtk_widget_class_bind_template_child (widget_class, DkCasePreview, public_number_label);
  gtk_widget_class_bind_template_child (widget_class, DkCasePreview, public_title_label);
  gtk_widget_class_bind_template_child (widget_class, DkCasePreview, row);
}

static void
dk_case_preview_init (DkCasePreview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dk_case_preview_new:
 *
 * Returns: (transfer full): an empty preview
 */
GtkWidget *
dk_case_preview_new (void)
{
  return g_object_new (DK_TYPE_CASE_PREVIEW, NULL);
}

/**
 * dk_case_preview_set_case:
 * @self: a #DkCasePreview
 * @kase: the case as it will be published
 * @service_names: (nullable): service id → name
 */
void
dk_case_preview_set_case (DkCasePreview *self,
                          DkCase        *kase,
                          GHashTable    *service_names)
{
  g_autoptr(DkCaseObject) item = NULL;
  g_autofree char *body = NULL;

  g_return_if_fail (DK_IS_CASE_PREVIEW (self));
  g_return_if_fail (kase != NULL);

  /* Until the server has it, every list marks it "Waiting to publish". */
  item = dk_case_object_new (kase, FALSE);
  dk_case_row_set_item (self->row, item, service_names, NULL, dk_time_now ());

  body = dk_notifier_dup_published_body (kase);
  gtk_label_set_label (self->notification_summary_label, kase->title);
  gtk_label_set_label (self->notification_body_label, body);

  show_public (self, kase, service_names);
}
