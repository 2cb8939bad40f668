/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-priority-matrix.c: impact × urgency as the 3×3 matrix of seed 001, with the chosen
 * priority's meaning in words */

#define G_LOG_DOMAIN "dk-priority-matrix"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-priority-matrix.h"

struct _DkPriorityMatrix
{
  AdwBin           parent_instance;

  /* template widgets */
  GtkGrid         *grid;
  GtkLabel        *meaning_label;
  GtkBox          *legend_box;

  /* state */
  GtkToggleButton *cells[3][3];   /* [impact - 1][urgency - 1] */
  GtkLabel        *legend[5];
  DkLevel          impact;
  DkLevel          urgency;
  gboolean         updating;
};

G_DEFINE_FINAL_TYPE (DkPriorityMatrix, dk_priority_matrix, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_IMPACT,
  PROP_URGENCY,
  PROP_PRIORITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
level_label (DkLevel level)
{
  switch (level)
    {
    case DK_LEVEL_HIGH:
      /* Translators: an impact or urgency level of the priority matrix */
      return C_("level", "High");
    case DK_LEVEL_MEDIUM:
      return C_("level", "Medium");
    case DK_LEVEL_LOW:
    default:
      return C_("level", "Low");
    }
}

/* What an impact level means, in words (seed 001). */
static const char *
impact_meaning (DkLevel level)
{
  switch (level)
    {
    case DK_LEVEL_HIGH:
      return _("All users, or a vital part of the services");
    case DK_LEVEL_MEDIUM:
      return _("Large groups of users, or part of the services");
    case DK_LEVEL_LOW:
    default:
      return _("A few users; the services are usable on the whole");
    }
}

static const char *
urgency_meaning (DkLevel level)
{
  switch (level)
    {
    case DK_LEVEL_HIGH:
      return _("Must be solved at once: patient safety or care is at risk");
    case DK_LEVEL_MEDIUM:
      return _("Hampers work now; a workaround holds for a while");
    case DK_LEVEL_LOW:
    default:
      return _("Can wait without harm");
    }
}

static void
show_levels (DkPriorityMatrix *self)
{
  int priority = dk_priority_from_matrix (self->impact, self->urgency);
  g_autofree char *meaning = NULL;

  g_assert (DK_IS_PRIORITY_MATRIX (self));

  self->updating = TRUE;
  for (int i = 0; i < 3; i++)
    for (int u = 0; u < 3; u++)
      gtk_toggle_button_set_active (self->cells[i][u],
                                    i + 1 == (int) self->impact && u + 1 == (int) self->urgency);
  self->updating = FALSE;

  /* Translators: the chosen priority and what it means: "Priority 2: Part of …" */
  meaning = g_strdup_printf (_("Priority %d: %s"), priority, dk_priority_label (priority));
  gtk_label_set_label (self->meaning_label, meaning);

  for (int p = 1; p <= 5; p++)
    {
      if (p == priority)
        gtk_widget_add_css_class (GTK_WIDGET (self->legend[p - 1]), "dk-chosen");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->legend[p - 1]), "dk-chosen");
    }
}

static void
set_levels (DkPriorityMatrix *self,
            DkLevel           impact,
            DkLevel           urgency)
{
  int before = dk_priority_from_matrix (self->impact, self->urgency);

  g_assert (DK_IS_PRIORITY_MATRIX (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->impact != impact)
    {
      self->impact = impact;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMPACT]);
    }
  if (self->urgency != urgency)
    {
      self->urgency = urgency;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URGENCY]);
    }
  if (before != dk_priority_from_matrix (impact, urgency))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRIORITY]);
  show_levels (self);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
dk_priority_matrix_cell_toggled_cb (GtkToggleButton  *button,
                                    DkPriorityMatrix *self)
{
  if (self->updating)
    return;
  if (!gtk_toggle_button_get_active (button))
    {
      /* A cell is unpicked only by picking another: keep one chosen. */
      show_levels (self);
      return;
    }
  set_levels (self,
              GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "impact")),
              GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "urgency")));
}

static GtkWidget *
new_header (const char *text,
            const char *tooltip)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_set_tooltip_text (label, tooltip);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  return label;
}

static void
build_matrix (DkPriorityMatrix *self)
{
  g_assert (DK_IS_PRIORITY_MATRIX (self));

  for (int u = 1; u <= 3; u++)
    gtk_grid_attach (self->grid, new_header (level_label (u), urgency_meaning (u)), u + 1, 1, 1, 1);

  for (int i = 1; i <= 3; i++)
    {
      GtkWidget *header = new_header (level_label (i), impact_meaning (i));

      gtk_label_set_xalign (GTK_LABEL (header), 0);
      gtk_grid_attach (self->grid, header, 1, i + 1, 1, 1);
      for (int u = 1; u <= 3; u++)
        {
          int priority = dk_priority_from_matrix (i, u);
          g_autofree char *label = g_strdup_printf ("%d", priority);
          g_autofree char *name = NULL;
          g_autofree char *css = g_strdup_printf ("dk-p%d", priority);
          g_autofree char *impact = g_utf8_strdown (level_label (i), -1);
          g_autofree char *urgency = g_utf8_strdown (level_label (u), -1);
          GtkWidget *cell = gtk_toggle_button_new_with_label (label);

          /* Translators: the accessible name of a cell of the priority matrix:
           * "Impact high, urgency medium: priority 2" */
          name = g_strdup_printf (_("Impact %s, urgency %s: priority %d"), impact, urgency,
                                  priority);
          gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          name, -1);
          gtk_widget_set_tooltip_text (cell, dk_priority_label (priority));
          gtk_widget_add_css_class (cell, "dk-priority-cell");
          gtk_widget_add_css_class (cell, css);
          gtk_widget_set_hexpand (cell, TRUE);
          g_object_set_data (G_OBJECT (cell), "impact", GINT_TO_POINTER (i));
          g_object_set_data (G_OBJECT (cell), "urgency", GINT_TO_POINTER (u));
          g_signal_connect (cell, "toggled", G_CALLBACK (dk_priority_matrix_cell_toggled_cb), self);
          gtk_grid_attach (self->grid, cell, u + 1, i + 1, 1, 1);
          self->cells[i - 1][u - 1] = GTK_TOGGLE_BUTTON (cell);
        }
    }

  /* Each level's meaning in words, the chosen one marked. */
  for (int p = 1; p <= 5; p++)
    {
      g_autofree char *text = g_strdup_printf (_("%d — %s"), p, dk_priority_label (p));
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "dk-priority-legend");
      gtk_box_append (self->legend_box, label);
      self->legend[p - 1] = GTK_LABEL (label);
    }
}

static void
dk_priority_matrix_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  DkPriorityMatrix *self = DK_PRIORITY_MATRIX (object);

  switch (prop_id)
    {
    case PROP_IMPACT:
      g_value_set_int (value, self->impact);
      break;
    case PROP_URGENCY:
      g_value_set_int (value, self->urgency);
      break;
    case PROP_PRIORITY:
      g_value_set_int (value, dk_priority_matrix_get_priority (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_priority_matrix_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  DkPriorityMatrix *self = DK_PRIORITY_MATRIX (object);

  switch (prop_id)
    {
    case PROP_IMPACT:
      set_levels (self, g_value_get_int (value), self->urgency);
      break;
    case PROP_URGENCY:
      set_levels (self, self->impact, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_priority_matrix_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DK_TYPE_PRIORITY_MATRIX);

  G_OBJECT_CLASS (dk_priority_matrix_parent_class)->dispose (object);
}

static void
dk_priority_matrix_class_init (DkPriorityMatrixClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_priority_matrix_dispose;
  object_class->get_property = dk_priority_matrix_get_property;
  object_class->set_property = dk_priority_matrix_set_property;

  properties[PROP_IMPACT] =
    g_param_spec_int ("impact", NULL, NULL, DK_LEVEL_HIGH, DK_LEVEL_LOW, DK_LEVEL_MEDIUM,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URGENCY] =
    g_param_spec_int ("urgency", NULL, NULL, DK_LEVEL_HIGH, DK_LEVEL_LOW, DK_LEVEL_MEDIUM,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRIORITY] =
    g_param_spec_int ("priority", NULL, NULL, DK_PRIORITY_HIGHEST, DK_PRIORITY_LOWEST, 3,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-priority-matrix.ui");
  gtk_widget_class_bind_template_child (widget_class, DkPriorityMatrix, grid);
  gtk_widget_class_bind_template_child (widget_class, DkPriorityMatrix, legend_box);
  gtk_widget_class_bind_template_child (widget_class, DkPriorityMatrix, meaning_label);
}

static void
dk_priority_matrix_init (DkPriorityMatrix *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->impact = DK_LEVEL_MEDIUM;
  self->urgency = DK_LEVEL_MEDIUM;
  build_matrix (self);
  show_levels (self);
}

/**
 * dk_priority_matrix_new:
 *
 * Returns: (transfer full): a matrix with impact and urgency medium (priority 3)
 */
GtkWidget *
dk_priority_matrix_new (void)
{
  return g_object_new (DK_TYPE_PRIORITY_MATRIX, NULL);
}

DkLevel
dk_priority_matrix_get_impact (DkPriorityMatrix *self)
{
  g_return_val_if_fail (DK_IS_PRIORITY_MATRIX (self), DK_LEVEL_MEDIUM);

  return self->impact;
}

DkLevel
dk_priority_matrix_get_urgency (DkPriorityMatrix *self)
{
  g_return_val_if_fail (DK_IS_PRIORITY_MATRIX (self), DK_LEVEL_MEDIUM);

  return self->urgency;
}

/**
 * dk_priority_matrix_set_levels:
 * @self: a #DkPriorityMatrix
 * @impact: the impact
 * @urgency: the urgency
 */
void
dk_priority_matrix_set_levels (DkPriorityMatrix *self,
                               DkLevel           impact,
                               DkLevel           urgency)
{
  g_return_if_fail (DK_IS_PRIORITY_MATRIX (self));
  g_return_if_fail (impact >= DK_LEVEL_HIGH && impact <= DK_LEVEL_LOW);
  g_return_if_fail (urgency >= DK_LEVEL_HIGH && urgency <= DK_LEVEL_LOW);

  set_levels (self, impact, urgency);
}

int
dk_priority_matrix_get_priority (DkPriorityMatrix *self)
{
  g_return_val_if_fail (DK_IS_PRIORITY_MATRIX (self), 3);

  return dk_priority_from_matrix (self->impact, self->urgency);
}
