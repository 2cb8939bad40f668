/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-window.c: the main window: incidents, planned actions, crisis information, the
 * archive and the reserve routines, a case page, search, filters and the connection
 *
 * The case lists, their filters and the search are in dk-window-lists.c. */

#define G_LOG_DOMAIN "dk-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dk-outbox-window.h"
#include "dk-print-operation.h"
#include "dk-report-dialog.h"
#include "dk-window-private.h"

G_DEFINE_FINAL_TYPE (DkWindow, dk_window, ADW_TYPE_APPLICATION_WINDOW)

/* ---- the case page ---- */

static void
refresh_case_page (DkWindow *self)
{
  const char *id = dk_case_page_get_case_id (self->case_page);
  g_autoptr(DkCase) kase = NULL;

  g_assert (DK_IS_WINDOW (self));

  if (id == NULL)
    return;
  kase = dk_store_get_case (self->store, id, NULL);
  if (kase != NULL)
    dk_case_page_set_case (self->case_page, self->store, kase, self->service_names);
}

static void
reload_everything (DkWindow *self)
{
  g_assert (DK_IS_WINDOW (self));

  _dk_window_reload_lists (self);
  dk_routines_page_reload (self->routines_page, self->store, self->service_names);
  /* My Reports for whoever is logged in; the inbox for report handlers only. */
  adw_view_stack_page_set_visible (adw_view_stack_get_page (self->view_stack,
                                                            GTK_WIDGET (self->my_reports_page)),
                                   dk_reports_page_reload (self->my_reports_page));
  adw_view_stack_page_set_visible (adw_view_stack_get_page (self->view_stack,
                                                            GTK_WIDGET (self->inbox_page)),
                                   dk_reports_page_reload (self->inbox_page));
  refresh_case_page (self);
}

/* The Reserve Routines page, where routines and runs are shown. */
static void
show_routines_page (DkWindow *self)
{
  g_assert (DK_IS_WINDOW (self));

  adw_leaflet_set_visible_child_name (self->leaflet, "lists");
  adw_view_stack_set_visible_child_name (self->view_stack, "routines");
}

/* ---- the connection ---- */

static void
update_connection (DkWindow *self)
{
  const char *text;
  const char *icon;
  const char *css;
  g_autofree char *name = NULL;

  g_assert (DK_IS_WINDOW (self));

  switch (dk_sync_engine_get_state (self->engine))
    {
    case DK_SYNC_STATE_SYNCING:
      text = _("Syncing…");
      icon = "emblem-synchronizing-symbolic";
      css = "success";
      break;
    case DK_SYNC_STATE_OFFLINE:
      text = _("Offline");
      icon = "network-offline-symbolic";
      css = "error";
      break;
    case DK_SYNC_STATE_NEEDS_LOGIN:
      text = _("Not logged in");
      icon = "dialog-warning-symbolic";
      css = "warning";
      break;
    case DK_SYNC_STATE_IDLE:
    default:
      text = _("Online");
      icon = "network-idle-symbolic";
      css = "success";
      break;
    }

  gtk_label_set_label (self->connection_label, text);
  gtk_image_set_from_icon_name (self->connection_icon, icon);
  gtk_widget_remove_css_class (GTK_WIDGET (self->connection_button), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->connection_button), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->connection_button), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->connection_button), css);
  /* Translators: the accessible name of the connection indicator, "Connection: Online" */
  name = g_strdup_printf (_("Connection: %s"), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->connection_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->connection_button), _("Sync now"));
}

/* ---- a first sync ----
 *
 * While the engine's "first-sync" is on, a bar under the header says how much of the
 * cases has arrived (the snapshot's bytes, then the cases after it, or every case when
 * the first sync pages from 0) and empty lists say "Loading Cases…". Nothing waits for
 * it: the lists fill on "changed" like after any sync. */

static void
show_first_sync_figures (DkWindow   *self,
                         const char *figures,
                         double      fraction)
{
  g_autofree char *text = NULL;

  g_assert (DK_IS_WINDOW (self));

  /* Translators: the bar of a first sync, "Loading cases: 41 MB of 58 MB · 120 MB/s · 1 s left" */
  text = g_strdup_printf (_("Loading cases: %s"), figures);
  gtk_label_set_label (self->first_sync_label, text);
  if (fraction >= 0)
    gtk_progress_bar_set_fraction (self->first_sync_bar, CLAMP (fraction, 0.0, 1.0));
  else
    gtk_progress_bar_pulse (self->first_sync_bar);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->first_sync_bar),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, figures, -1);
}

static void
dk_window_snapshot_progress_cb (DkWindow     *self,
                                guint64       received,
                                guint64       total,
                                DkSyncEngine *engine)
{
  g_autofree char *figures = NULL;
  double fraction;

  if (dk_sync_progress_in_cases (self->first_sync_progress))
    return;
  figures = dk_sync_progress_describe_bytes (self->first_sync_progress,
                                             g_get_monotonic_time (), received, total,
                                             &fraction);
  show_first_sync_figures (self, figures, fraction);
}

static void
dk_window_progress_cb (DkWindow     *self,
                       guint64       objects_applied,
                       gint64        cursor,
                       gint64        newest_seq,
                       DkSyncEngine *engine)
{
  g_autofree char *figures = NULL;
  gboolean first_sync = FALSE;
  double fraction;

  g_object_get (engine, "first-sync", &first_sync, NULL);
  if (!first_sync)
    return;
  figures = dk_sync_progress_describe_cases (self->first_sync_progress,
                                             g_get_monotonic_time (), objects_applied,
                                             cursor, newest_seq, &fraction);
  show_first_sync_figures (self, figures, fraction);
}

/* The words go once the bar is out of sight (not before: they would vanish while it
 * slides away), so that nothing reads an old figure from a hidden bar. */
static void
dk_window_first_sync_revealed_cb (DkWindow *self)
{
  if (!gtk_revealer_get_child_revealed (self->first_sync_revealer))
    gtk_label_set_label (self->first_sync_label, "");
}

static void
update_first_sync (DkWindow *self)
{
  gboolean first_sync = FALSE;
  DkCaseList *lists[] = { self->incidents_list, self->planned_list, self->crisis_list,
                          self->archive_list, self->search_list };

  g_assert (DK_IS_WINDOW (self));

  g_object_get (self->engine, "first-sync", &first_sync, NULL);
  if (first_sync && !gtk_revealer_get_reveal_child (self->first_sync_revealer))
    {
      g_clear_pointer (&self->first_sync_progress, dk_sync_progress_free);
      self->first_sync_progress = dk_sync_progress_new ();
      gtk_label_set_label (self->first_sync_label, _("Loading cases…"));
      gtk_progress_bar_set_fraction (self->first_sync_bar, 0);
    }
  gtk_revealer_set_reveal_child (self->first_sync_revealer, first_sync);
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    dk_case_list_set_loading (lists[i], first_sync);
}

/* ---- callbacks ---- */

static void
dk_window_engine_changed_cb (DkWindow     *self,
                             DkSyncEngine *engine)
{
  reload_everything (self);
}

static void
dk_window_engine_state_cb (DkWindow     *self,
                           GParamSpec   *pspec,
                           DkSyncEngine *engine)
{
  update_connection (self);
}

static void
dk_window_engine_first_sync_cb (DkWindow     *self,
                                GParamSpec   *pspec,
                                DkSyncEngine *engine)
{
  update_first_sync (self);
}

static void
dk_window_engine_outbox_cb (DkWindow     *self,
                            GParamSpec   *pspec,
                            DkSyncEngine *engine)
{
  /* "Not yet sent" marks follow the outbox. */
  _dk_window_apply_filters (self);
}

static void
dk_window_sync_done_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The engine's state and the banner say what went wrong; here it is only logged. */
  if (!dk_sync_engine_sync_finish (DK_SYNC_ENGINE (object), result, &error))
    g_debug ("Sync failed: %s", error->message);
}

/* ---- actions ---- */

static void
open_case_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  dk_window_show_case (DK_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* One offline banner in the accessibility tree at a time (GTK 4.8 keeps the page that
 * is not shown in it): the lists' while they show, the case page's (see its map). */
static void
dk_window_leaflet_child_cb (DkWindow *self)
{
  GtkWidget *shown = adw_leaflet_get_visible_child (self->leaflet);

  gtk_widget_set_visible (GTK_WIDGET (self->banner), shown != GTK_WIDGET (self->case_page));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DkWindow *self = DK_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
sync_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DkWindow *self = DK_WINDOW (widget);

  dk_sync_engine_sync_async (self->engine, self->cancellable, dk_window_sync_done_cb, NULL);
}

static void
show_outbox_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DkWindow *self = DK_WINDOW (widget);

  gtk_window_present (dk_outbox_window_new (GTK_WINDOW (self), self->engine));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DkWindow *self = DK_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "lists");
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DkWindow *self = DK_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "lists");
  adw_view_stack_set_visible_child_name (self->view_stack,
                                         g_variant_get_string (parameter, NULL));
}

static void
print_pack_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DkWindow *self = DK_WINDOW (widget);

  dk_print_pack_dialog_present (widget, self->store);
}

/* Fault reports and urgent cases (dk-report-dialog.c): any logged-in user. */
static void
report_fault_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DkWindow *self = DK_WINDOW (widget);

  if (dk_sync_engine_get_username (self->engine) == NULL)
    {
      gtk_widget_activate_action (widget, "app.login", NULL);
      return;
    }
  gtk_window_present (dk_report_dialog_new (GTK_WINDOW (self), self->engine, self->settings,
                                            NULL));
}

/* ---- GObject and GtkWindow ---- */

static void
save_window_state (DkWindow *self)
{
  int width, height;

  g_assert (DK_IS_WINDOW (self));

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

static gboolean
dk_window_close_request (GtkWindow *window)
{
  DkWindow *self = DK_WINDOW (window);

  save_window_state (self);
  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (dk_window_parent_class)->close_request (window);
}

static void
dk_window_dispose (GObject *object)
{
  DkWindow *self = DK_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), DK_TYPE_WINDOW);
  g_clear_object (&self->incidents);
  g_clear_object (&self->planned);
  g_clear_object (&self->crisis);
  g_clear_object (&self->archive);
  g_clear_object (&self->search);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->service_names, g_hash_table_unref);
  g_clear_pointer (&self->service_ids, g_ptr_array_unref);
  g_clear_pointer (&self->following, dk_subscription_unref);
  g_clear_pointer (&self->first_sync_progress, dk_sync_progress_free);

  G_OBJECT_CLASS (dk_window_parent_class)->dispose (object);
}

static void
dk_window_class_init (DkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  static const struct { guint key; const char *page; } pages[] = {
    { GDK_KEY_1, "incidents" }, { GDK_KEY_2, "planned" }, { GDK_KEY_3, "crisis" },
    { GDK_KEY_4, "archive" }, { GDK_KEY_5, "routines" },
  };

  object_class->dispose = dk_window_dispose;
  window_class->close_request = dk_window_close_request;

  g_type_ensure (DK_TYPE_CASE_LIST);
  g_type_ensure (DK_TYPE_CASE_PAGE);
  g_type_ensure (DK_TYPE_OFFLINE_BANNER);
  g_type_ensure (DK_TYPE_RESERVE_BANNER);
  g_type_ensure (DK_TYPE_ROUTINES_PAGE);
  g_type_ensure (DK_TYPE_REPORTS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DkWindow, archive_list);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, area_all_button);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, area_facilities_button);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, area_it_button);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, area_lab_button);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, case_page);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, connection_button);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, connection_icon);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, connection_label);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, crisis_list);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, first_sync_bar);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, first_sync_label);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, first_sync_revealer);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, follow_button);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, from_entry);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, incidents_list);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, inbox_page);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, my_reports_page);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, planned_list);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, reserve_banner);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, routines_page);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, search_list);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, service_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, to_entry);
  gtk_widget_class_bind_template_child (widget_class, DkWindow, view_stack);
  gtk_widget_class_bind_template_callback (widget_class, dk_window_leaflet_child_cb);
  _dk_window_class_init_lists (widget_class);
  _dk_window_class_init_compose (widget_class);
  _dk_window_class_init_units (widget_class);

  gtk_widget_class_install_action (widget_class, "win.open-case", "s", open_case_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.sync", NULL, sync_action);
  gtk_widget_class_install_action (widget_class, "win.show-outbox", NULL, show_outbox_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.print-pack", NULL, print_pack_action);
  gtk_widget_class_install_action (widget_class, "win.report-fault", NULL, report_fault_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.sync", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "win.back", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    gtk_widget_class_add_binding_action (widget_class, pages[i].key, GDK_ALT_MASK,
                                         "win.show-page", "s", pages[i].page);
}

/* In a phone-sized window the connection shows as its icon (the button's accessible name
 * keeps the word): the word would keep the header, so the window, wider than 360 px.
 * Decided by the window's width (its surface's once it has one: a maximized window's
 * default width is the one it had before), not by what the header has room for, which
 * the word itself changes. */
#define DK_WINDOW_NARROW_WIDTH 500

static void
update_connection_label (DkWindow *self)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (self));
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (surface != NULL && gdk_surface_get_width (surface) > 1)
    width = gdk_surface_get_width (surface);
  gtk_widget_set_visible (GTK_WIDGET (self->connection_label),
                          width <= 0 || width >= DK_WINDOW_NARROW_WIDTH);
}

/* Said once, for bench/app-start.sh: the window's first frame is laid out and drawn, so
 * its lists were measured and the main loop is free again. */
static void
dk_window_first_frame_painted_cb (DkWindow      *self,
                                  GdkFrameClock *frame_clock)
{
  g_debug ("Drew the first frame");
  g_signal_handlers_disconnect_by_func (frame_clock, dk_window_first_frame_painted_cb, self);
}

static void
dk_window_realize_cb (DkWindow *self)
{
  g_signal_connect_object (gtk_native_get_surface (GTK_NATIVE (self)), "notify::width",
                           G_CALLBACK (update_connection_label), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                           G_CALLBACK (dk_window_first_frame_painted_cb), self,
                           G_CONNECT_SWAPPED);
  update_connection_label (self);
}

static void
dk_window_init (DkWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->service_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->first_sync_progress = dk_sync_progress_new ();
  _dk_window_init_lists (self);
  g_signal_connect_swapped (self, "notify::default-width", G_CALLBACK (update_connection_label),
                            self);
  g_signal_connect_swapped (self, "realize", G_CALLBACK (dk_window_realize_cb), self);
  g_signal_connect_swapped (self->first_sync_revealer, "notify::child-revealed",
                            G_CALLBACK (dk_window_first_sync_revealed_cb), self);
}

static void
restore_window_state (DkWindow *self)
{
  g_assert (DK_IS_WINDOW (self));

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

/* ---- public API ---- */

/**
 * dk_window_new:
 * @app: the application, with its replica and sync engine
 *
 * Returns: (transfer full): a new main window
 */
DkWindow *
dk_window_new (DkApplication *app)
{
  DkWindow *self;

  g_return_val_if_fail (DK_IS_APPLICATION (app), NULL);

  self = g_object_new (DK_TYPE_WINDOW, "application", app, NULL);
  self->store = g_object_ref (dk_application_get_store (app));
  self->engine = g_object_ref (dk_application_get_engine (app));
  self->settings = g_object_ref (dk_application_get_settings (app));

  restore_window_state (self);
  update_connection_label (self);
  dk_reports_page_setup (self->my_reports_page, DK_REPORTS_PAGE_MINE, self->engine, self->settings);
  dk_reports_page_setup (self->inbox_page, DK_REPORTS_PAGE_INBOX, self->engine, self->settings);
  _dk_window_setup_lists (self);
  dk_routines_page_set_engine (self->routines_page, self->engine);
  reload_everything (self);
  dk_offline_banner_set_engine (self->banner, self->engine);
  dk_reserve_banner_set_engine (self->reserve_banner, self->engine, self->settings);
  dk_case_page_set_engine (self->case_page, self->engine);
  update_connection (self);
  _dk_window_setup_compose (self);
  _dk_window_setup_units (self);

  g_signal_connect_object (self->engine, "changed", G_CALLBACK (dk_window_engine_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::state", G_CALLBACK (dk_window_engine_state_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::outbox-size",
                           G_CALLBACK (dk_window_engine_outbox_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::first-sync",
                           G_CALLBACK (dk_window_engine_first_sync_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "snapshot-progress",
                           G_CALLBACK (dk_window_snapshot_progress_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "progress",
                           G_CALLBACK (dk_window_progress_cb), self, G_CONNECT_SWAPPED);
  update_first_sync (self);

  return self;
}

/**
 * dk_window_show_case:
 * @self: a #DkWindow
 * @id_or_number: a case's id or number
 *
 * Returns: whether the replica has the case
 */
gboolean
dk_window_show_case (DkWindow   *self,
                     const char *id_or_number)
{
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (DK_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (id_or_number != NULL, FALSE);

  kase = dk_store_get_case (self->store, id_or_number, &error);
  if (kase == NULL)
    {
      AdwMessageDialog *dialog;

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                           _("Case Not Found"),
                                                           error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return FALSE;
    }

  dk_case_page_set_case (self->case_page, self->store, kase, self->service_names);
  adw_leaflet_set_visible_child_name (self->leaflet, "case");

  return TRUE;
}

/**
 * dk_window_show_routine:
 * @self: a #DkWindow
 * @id: a routine's id
 *
 * Returns: whether the replica has the routine
 */
gboolean
dk_window_show_routine (DkWindow   *self,
                        const char *id)
{
  g_return_val_if_fail (DK_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  show_routines_page (self);

  return dk_routines_page_show_routine (self->routines_page, id);
}

/**
 * dk_window_show_run:
 * @self: a #DkWindow
 * @id: a run's id
 *
 * Returns: whether the replica has the run
 */
gboolean
dk_window_show_run (DkWindow   *self,
                    const char *id)
{
  g_return_val_if_fail (DK_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  show_routines_page (self);

  return dk_routines_page_show_run (self->routines_page, id);
}

/**
 * dk_window_start_routine:
 * @self: a #DkWindow
 * @routine_id: a routine's id
 * @case_id: (nullable): the outage case to tie the run to
 *
 * Shows the routine on the Reserve Routines page and asks for the unit to start it on.
 *
 * Returns: whether the replica has the routine
 */
gboolean
dk_window_start_routine (DkWindow   *self,
                         const char *routine_id,
                         const char *case_id)
{
  g_return_val_if_fail (DK_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (routine_id != NULL, FALSE);

  show_routines_page (self);

  return dk_routines_page_start_routine (self->routines_page, routine_id, case_id);
}
