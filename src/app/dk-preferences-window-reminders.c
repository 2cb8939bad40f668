/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-preferences-window-reminders.c: the preferences' "Reminders for Planned Work" group
 *
 * On the Following page, under what the user follows: a switch per lead time
 * (GSettings "planned-reminders", minutes before the start; lead times set otherwise,
 * such as with gsettings, are kept as they are) and one for the start and the end
 * ("planned-reminder-start-end"). The group is insensitive while notifications are off.
 */

#define G_LOG_DOMAIN "dk-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-preferences-window-private.h"

#define MINUTES_KEY "dk-reminder-minutes"

typedef struct {
  guint        minutes;
  const char  *title;
} Choice;

/* The lead times offered, longest first. */
static const Choice choices[] = {
  { 7 * 1440, N_("A Week Before") },
  { 1440, N_("24 Hours Before") },
  { 4 * 60, N_("4 Hours Before") },
  { 60, N_("1 Hour Before") },
  { 15, N_("15 Minutes Before") },
};

static gboolean
has_minutes (GVariant *value,
             guint     minutes)
{
  gsize n = 0;
  const guint32 *list = g_variant_get_fixed_array (value, &n, sizeof (guint32));

  for (gsize i = 0; i < n; i++)
    if (list[i] == minutes)
      return TRUE;
  return FALSE;
}

static int
compare_descending (gconstpointer a,
                    gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? 1 : x > y ? -1 : 0;
}

/* @value with @minutes added or taken out; the longest lead time first. */
static GVariant *
with_minutes (GVariant *value,
              guint     minutes,
              gboolean  on)
{
  gsize n = 0;
  const guint32 *list = g_variant_get_fixed_array (value, &n, sizeof (guint32));
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (gsize i = 0; i < n; i++)
    if (list[i] != minutes)
      g_array_append_val (out, list[i]);
  if (on)
    g_array_append_val (out, minutes);
  g_array_sort (out, compare_descending);

  return g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, out->data, out->len,
                                    sizeof (guint32));
}

static void
show_settings (GSettings *settings,
               GPtrArray *switches)
{
  g_autoptr(GVariant) value = g_settings_get_value (settings, "planned-reminders");

  for (guint i = 0; i < switches->len; i++)
    {
      GtkSwitch *toggle = g_ptr_array_index (switches, i);
      guint minutes = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toggle), MINUTES_KEY));
      gboolean on = has_minutes (value, minutes);

      if (gtk_switch_get_active (toggle) != on)
        gtk_switch_set_active (toggle, on);
    }
}

static void
dk_preferences_window_reminders_changed_cb (GSettings           *settings,
                                            const char          *key,
                                            AdwPreferencesGroup *group)
{
  show_settings (settings, g_object_get_data (G_OBJECT (group), "dk-switches"));
}

static void
dk_preferences_window_reminder_toggled_cb (GtkSwitch  *toggle,
                                           GParamSpec *pspec,
                                           GSettings  *settings)
{
  g_autoptr(GVariant) value = g_settings_get_value (settings, "planned-reminders");
  guint minutes = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toggle), MINUTES_KEY));
  gboolean on = gtk_switch_get_active (toggle);

  if (has_minutes (value, minutes) != on)
    g_settings_set_value (settings, "planned-reminders", with_minutes (value, minutes, on));
}

static GtkWidget *
add_switch_row (AdwPreferencesGroup *group,
                const char          *title,
                const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  adw_preferences_group_add (group, row);
  return toggle;
}

/**
 * _dk_preferences_window_init_reminders:
 * @self: the preferences window, with its settings
 *
 * Adds the group to the Following page, after what the user follows.
 */
void
_dk_preferences_window_init_reminders (DkPreferencesWindow *self)
{
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (self->following_group),
                                             ADW_TYPE_PREFERENCES_PAGE);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GPtrArray *switches = g_ptr_array_new ();
  GtkWidget *start_end;

  g_return_if_fail (page != NULL && self->settings != NULL);

  gtk_widget_set_name (GTK_WIDGET (group), "reminders_group");
  adw_preferences_group_set_title (group, _("Reminders for Planned Work"));
  adw_preferences_group_set_description (group,
                                         _("Planned work you follow is reminded of before it "
                                           "starts. A moved or cancelled one is told too."));

  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    {
      GtkWidget *toggle = add_switch_row (group, _(choices[i].title), NULL);

      g_object_set_data (G_OBJECT (toggle), MINUTES_KEY, GUINT_TO_POINTER (choices[i].minutes));
      g_ptr_array_add (switches, toggle);
    }
  show_settings (self->settings, switches);
  for (guint i = 0; i < switches->len; i++)
    g_signal_connect_object (g_ptr_array_index (switches, i), "notify::active",
                             G_CALLBACK (dk_preferences_window_reminder_toggled_cb),
                             self->settings, 0);
  /* The switches and the handler live as long as the group. */
  g_object_set_data_full (G_OBJECT (group), "dk-switches", switches,
                          (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (self->settings, "changed::planned-reminders",
                           G_CALLBACK (dk_preferences_window_reminders_changed_cb), group, 0);

  start_end = add_switch_row (group, _("When It Starts and Ends"),
                              _("Also when the work starts, when it should be finished, and "
                                "when it is extended"));
  g_settings_bind (self->settings, "planned-reminder-start-end", start_end, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notifications", group, "sensitive", G_SETTINGS_BIND_GET);

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), group);
}
