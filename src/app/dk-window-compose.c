/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-window-compose.c: the main window's "New Case" (Ctrl+N), for publishers only
 *
 * The button and the action exist only while the logged-in user holds a publishing
 * role (staff see no publish control at all); the composer is dk-composer.c. */

#define G_LOG_DOMAIN "dk-window"

#include "config.h"

#include "dk-composer.h"
#include "dk-publish-rights.h"
#include "dk-window-private.h"

static void
update_compose (DkWindow *self)
{
  gboolean may = dk_publish_rights_may_publish_any (dk_publish_rights_get_roles (self->store));

  g_assert (DK_IS_WINDOW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->new_case_button), may);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-case", may);
}

static void
dk_window_compose_user_cb (DkWindow *self)
{
  update_compose (self);
}

static void
new_case_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  DkWindow *self = DK_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (dk_composer_new (GTK_WINDOW (self), self->engine)));
}

void
_dk_window_class_init_compose (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, DkWindow, new_case_button);
  gtk_widget_class_install_action (widget_class, "win.new-case", NULL, new_case_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-case", NULL);
}

void
_dk_window_setup_compose (DkWindow *self)
{
  g_assert (DK_IS_WINDOW (self));

  update_compose (self);
  /* A login as someone else, or new roles after a sync. */
  g_signal_connect_object (self->engine, "notify::username",
                           G_CALLBACK (dk_window_compose_user_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "changed", G_CALLBACK (dk_window_compose_user_cb),
                           self, G_CONNECT_SWAPPED);
}
