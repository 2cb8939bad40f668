/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-window-units.c: the main menu's "Units", for admins and routine owners only
 *
 * The catalogue of units is kept by them (dk_rules_may_edit_units); for everyone else
 * the action is disabled and the menu item hidden ("hidden-when" in dk-window.ui). */

#define G_LOG_DOMAIN "dk-window"

#include "config.h"

#include "dk-publish-rights.h"
#include "dk-units-window.h"
#include "dk-window-private.h"

static void
update_units (DkWindow *self)
{
  gboolean may = dk_rules_may_edit_units (dk_publish_rights_get_roles (self->store));

  g_assert (DK_IS_WINDOW (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-units", may);
}

static void
dk_window_units_user_cb (DkWindow *self)
{
  update_units (self);
}

static void
show_units_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DkWindow *self = DK_WINDOW (widget);

  gtk_window_present (dk_units_window_new (GTK_WINDOW (self), self->engine));
}

void
_dk_window_class_init_units (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.show-units", NULL, show_units_action);
}

void
_dk_window_setup_units (DkWindow *self)
{
  g_assert (DK_IS_WINDOW (self));

  update_units (self);
  /* A login as someone else, or new roles after a sync. */
  g_signal_connect_object (self->engine, "notify::username",
                           G_CALLBACK (dk_window_units_user_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "changed", G_CALLBACK (dk_window_units_user_cb), self,
                           G_CONNECT_SWAPPED);
}
