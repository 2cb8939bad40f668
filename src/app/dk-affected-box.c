/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-affected-box.c: "We are affected too" on a case page */

#define G_LOG_DOMAIN "dk-affected-box"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-accessible-names.h"
#include "dk-affected-box.h"
#include "dk-application.h"
#include "dk-format.h"
#include "dk-local-changes.h"
#include "dk-publish-rights.h"
#include "dk-unit-picker.h"

struct _DkAffectedBox
{
  GtkBox        parent_instance;

  /* children */
  GtkButton    *affected_button;
  GtkLabel     *listed_label;
  GtkLabel     *count_label;
  GtkBox       *units_box;

  /* owned */
  DkSyncEngine *engine;
  DkCase       *kase;
};

G_DEFINE_FINAL_TYPE (DkAffectedBox, dk_affected_box, GTK_TYPE_BOX)

static GSettings *
get_settings (void)
{
  GApplication *app = g_application_get_default ();

  return DK_IS_APPLICATION (app) ? dk_application_get_settings (DK_APPLICATION (app)) : NULL;
}

static char *
dup_unit (void)
{
  GSettings *settings = get_settings ();
  char *unit = settings != NULL ? g_settings_get_string (settings, "unit") : NULL;

  if (unit != NULL && *g_strstrip (unit) == '\0')
    g_clear_pointer (&unit, g_free);
  return unit;
}

/* Whether @kase lists @unit as affected, under any of its catalogue names. */
static gboolean
lists_unit (DkStore      *store,
            const DkCase *kase,
            const char   *unit)
{
  g_autoptr(GPtrArray) units = dk_store_list_units (store, NULL);

  if (dk_case_has_affected_unit (kase, unit))
    return TRUE;
  for (guint i = 0; units != NULL && kase->affected != NULL && i < kase->affected->len; i++)
    {
      const DkCaseAffected *affected = g_ptr_array_index (kase->affected, i);

      if (dk_units_same (units, affected->unit, unit))
        return TRUE;
    }
  return FALSE;
}

static void
clear_units (DkAffectedBox *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->units_box))) != NULL)
    gtk_box_remove (self->units_box, child);
}

static void
mark_affected (DkAffectedBox *self,
               const char    *unit)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autofree char *me = dk_store_dup_meta (store, "username");
  g_autofree char *resolved = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = NULL;

  if (me == NULL || self->kase == NULL)
    return;

  /* "Avd 12" is the catalogue's "Avdelning 12": said once, under one name */
  resolved = dk_store_resolve_unit (store, unit);
  if (resolved != NULL)
    unit = resolved;
  if (!dk_local_mark_affected (store, self->kase->id, unit, me, dk_time_now (), &error))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                  _("Not Marked as Affected"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  /* Shown at once, from the local version the replica now holds. */
  kase = dk_store_get_case (store, self->kase->id, NULL);
  if (kase != NULL)
    dk_affected_box_set_case (self, store, kase);
}

static void
unit_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  DkAffectedBox    *self)
{
  DkUnitPicker *row = g_object_get_data (G_OBJECT (dialog), "dk-unit-row");
  g_autofree char *unit = dk_unit_picker_dup_unit (row);
  GSettings *settings = get_settings ();

  if (g_strcmp0 (response, "ok") != 0 || unit == NULL)
    return;
  if (settings != NULL)
    g_settings_set_string (settings, "unit", unit);
  mark_affected (self, unit);
}

static void
dk_affected_box_clicked_cb (DkAffectedBox *self)
{
  g_autofree char *unit = dup_unit ();
  GtkWidget *dialog;
  GtkWidget *group;
  GtkWidget *row;

  if (unit != NULL)
    {
      mark_affected (self, unit);
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Which Unit Is Affected?"),
                                   _("The unit is remembered on this computer."));
  group = adw_preferences_group_new ();
  row = dk_unit_picker_new (dk_sync_engine_get_store (self->engine));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), group);
  g_object_set_data (G_OBJECT (dialog), "dk-unit-row", row);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "ok", _("_Mark as Affected"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "ok",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "ok");
  g_signal_connect_object (dialog, "response", G_CALLBACK (unit_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
dk_affected_box_dispose (GObject *object)
{
  DkAffectedBox *self = DK_AFFECTED_BOX (object);

  g_clear_object (&self->engine);
  g_clear_pointer (&self->kase, dk_case_unref);

  G_OBJECT_CLASS (dk_affected_box_parent_class)->dispose (object);
}

static void
dk_affected_box_class_init (DkAffectedBoxClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dk_affected_box_dispose;
}

static void
dk_affected_box_init (DkAffectedBox *self)
{
  GtkWidget *heading = gtk_label_new (_("Affected units"));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_set_margin_top (heading, 6);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (self), heading);

  self->affected_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_We Are Affected Too")));
  gtk_widget_set_halign (GTK_WIDGET (self->affected_button), GTK_ALIGN_START);
  g_signal_connect_swapped (self->affected_button, "clicked",
                            G_CALLBACK (dk_affected_box_clicked_cb), self);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->affected_button));

  self->listed_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->listed_label, 0);
  gtk_label_set_wrap (self->listed_label, TRUE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->listed_label));

  self->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->count_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "dim-label");
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->count_label));

  self->units_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 2));
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->units_box));
}

/**
 * dk_affected_box_set_engine:
 * @self: a box
 * @engine: the sync engine
 */
void
dk_affected_box_set_engine (DkAffectedBox *self,
                            DkSyncEngine  *engine)
{
  g_return_if_fail (DK_IS_AFFECTED_BOX (self));

  g_set_object (&self->engine, engine);
}

/**
 * dk_affected_box_set_case:
 * @self: a box
 * @store: the replica (the user and their roles)
 * @kase: the case shown
 */
void
dk_affected_box_set_case (DkAffectedBox *self,
                          DkStore       *store,
                          DkCase        *kase)
{
  g_autofree char *me = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *resolved = NULL;
  gboolean open;
  gboolean publisher;
  guint n;

  g_return_if_fail (DK_IS_AFFECTED_BOX (self));
  g_return_if_fail (kase != NULL);

  g_clear_pointer (&self->kase, dk_case_unref);
  self->kase = dk_case_ref (kase);

  me = dk_store_dup_meta (store, "username");
  unit = dup_unit ();
  resolved = unit != NULL ? dk_store_resolve_unit (store, unit) : NULL;
  if (resolved != NULL)
    {
      g_free (unit);
      unit = g_steal_pointer (&resolved);
    }
  open = kase->number != NULL && kase->status != DK_CASE_STATUS_CLOSED;
  publisher = dk_rules_may_publish_any (dk_publish_rights_get_roles (store));
  n = kase->affected != NULL ? kase->affected->len : 0;

  gtk_widget_set_visible (GTK_WIDGET (self), me != NULL && self->engine != NULL &&
                                             (open || (publisher && n > 0)));

  if (unit != NULL && lists_unit (store, kase, unit))
    {
      /* Translators: on a case page, when the desktop's unit already said so */
      g_autofree char *listed = g_strdup_printf (_("%s is listed as affected."), unit);

      gtk_button_set_label (self->affected_button, listed);
      gtk_widget_set_sensitive (GTK_WIDGET (self->affected_button), FALSE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->affected_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, listed, -1);
    }
  else
    {
      g_autofree char *name = unit != NULL
                                /* Translators: a button's accessible name with the unit */
                                ? g_strdup_printf (_("We are affected too (%s)"), unit)
                                : g_strdup (_("We are affected too"));

      gtk_button_set_label (self->affected_button, _("_We Are Affected Too"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->affected_button), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->affected_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->affected_button), open);
  gtk_label_set_label (self->listed_label,
                       _("Tell the publishers that your unit is affected as well."));
  gtk_widget_set_visible (GTK_WIDGET (self->listed_label),
                          open && gtk_widget_get_sensitive (GTK_WIDGET (self->affected_button)));

  /* Publishers see who is affected. */
  clear_units (self);
  gtk_widget_set_visible (GTK_WIDGET (self->count_label), publisher);
  gtk_widget_set_visible (GTK_WIDGET (self->units_box), publisher);
  if (!publisher)
    return;

  {
    g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                           "%u unit says it is affected too",
                                                           "%u units say they are affected too",
                                                           n), n);
    gtk_label_set_label (self->count_label, n > 0 ? count : _("No unit has said it is affected yet"));
  }
  for (guint i = 0; i < n; i++)
    {
      const DkCaseAffected *affected = g_ptr_array_index (kase->affected, i);
      g_autofree char *when = dk_time_format_local (affected->at, "%Y-%m-%d %H:%M");
      /* Translators: an affected unit on a case page: "Avdelning 12 · 2026-12-06 03:10 · staff" */
      g_autofree char *line = g_strdup_printf (_("%s · %s · %s"), affected->unit,
                                               when != NULL ? when : "",
                                               affected->by != NULL ? affected->by : "");
      GtkWidget *label = gtk_label_new (line);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_box_append (self->units_box, label);
    }
}
