/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-preferences-window-private.h: what the preferences window's files share
 *
 * dk-preferences-window.c holds the window and its General page (the GSettings keys,
 * the server address and the CA file); dk-preferences-window-following.c holds the
 * Following page (the user's subscription, saved through the outbox).
 */
#pragma once

#include "dk-preferences-window.h"

G_BEGIN_DECLS

struct _DkPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* template widgets */
  AdwExpanderRow       *areas_row;
  GtkSwitch            *autostart_switch;
  GtkSwitch            *background_switch;
  AdwEntryRow          *ca_file_row;
  AdwComboRow          *color_scheme_row;
  GtkSwitch            *crisis_switch;
  GtkLabel             *following_error_label;
  AdwPreferencesGroup  *following_group;
  AdwExpanderRow       *kinds_row;
  GtkSwitch            *major_switch;
  GtkSwitch            *notifications_switch;
  GtkLabel             *pending_label;
  AdwComboRow          *priority_row;
  GtkLabel             *server_error_label;
  AdwEntryRow          *server_row;
  AdwExpanderRow       *services_row;

  /* owned references */
  DkSyncEngine         *engine;
  GSettings            *settings;
  DkSubscription       *subscription;   /* as last loaded or saved; NULL when logged out */
  GtkFileChooserNative *chooser;
  GPtrArray            *area_checks;    /* GtkCheckButton *, "dk-choice": the wire name */
  GPtrArray            *kind_checks;
  GPtrArray            *service_checks;
  GPtrArray            *service_rows;   /* AdwActionRow *, to rebuild when services change */

  /* state */
  guint                 save_id;
  gboolean              loading;
};

void _dk_preferences_window_show_error         (GtkLabel            *label,
                                                GtkWidget           *row,
                                                const char          *message);

void _dk_preferences_window_init_following     (DkPreferencesWindow *self);
void _dk_preferences_window_start_following    (DkPreferencesWindow *self);
void _dk_preferences_window_flush_following    (DkPreferencesWindow *self);
void _dk_preferences_window_dispose_following  (DkPreferencesWindow *self);
void _dk_preferences_window_finalize_following (DkPreferencesWindow *self);

/* dk-preferences-window-reminders.c: the "Reminders for Planned Work" group. */
void _dk_preferences_window_init_reminders     (DkPreferencesWindow *self);

G_END_DECLS
