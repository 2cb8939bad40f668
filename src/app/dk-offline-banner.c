/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-offline-banner.c: offline since when, how old the information is, what waits */

#define G_LOG_DOMAIN "dk-offline-banner"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-format.h"
#include "dk-offline-banner.h"

/* How often the ages in the banner are written again. */
#define REFRESH_SECONDS 30

struct _DkOfflineBanner
{
  AdwBin        parent_instance;

  /* template widgets */
  GtkLabel     *problems_label;
  GtkRevealer  *problems_revealer;
  GtkButton    *state_button;
  GtkLabel     *state_label;
  GtkRevealer  *state_revealer;

  /* owned */
  DkSyncEngine *engine;

  /* state */
  gint64        offline_since;
  guint         refresh_id;
};

G_DEFINE_FINAL_TYPE (DkOfflineBanner, dk_offline_banner, ADW_TYPE_BIN)

/* "Offline since 14:02. The information is from 13:58, 4 minutes old. 2 changes wait." */
static char *
describe_offline (DkOfflineBanner *self,
                  gint64           now)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *since = dk_format_time (self->offline_since);
  gint64 last_sync = dk_sync_engine_get_last_sync (self->engine);
  guint waiting = dk_sync_engine_get_outbox_size (self->engine);

  g_string_append_printf (text, _("Offline since %s."), since);
  g_string_append_c (text, ' ');
  if (last_sync != DK_TIME_UNSET && last_sync > 0)
    {
      g_autofree char *synced = dk_format_time (last_sync);
      g_autofree char *age = dk_format_age (last_sync, now);

      /* Translators: "The information is from 2026-11-24 13:58 (4 minutes old)." */
      g_string_append_printf (text, _("The information is from %s (%s old)."), synced, age);
    }
  else
    g_string_append (text, _("Nothing has been synced yet."));
  g_string_append_c (text, ' ');
  if (waiting > 0)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                               "%u change waits to be sent.",
                                               "%u changes wait to be sent.", waiting),
                            waiting);
  else
    g_string_append (text, _("No changes wait to be sent."));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_state (DkOfflineBanner *self)
{
  DkSyncState state;

  g_assert (DK_IS_OFFLINE_BANNER (self));

  if (self->engine == NULL)
    return;

  state = dk_sync_engine_get_state (self->engine);
  if (state == DK_SYNC_STATE_OFFLINE)
    {
      g_autofree char *text = NULL;

      if (self->offline_since == DK_TIME_UNSET)
        self->offline_since = dk_time_now ();
      text = describe_offline (self, dk_time_now ());
      gtk_label_set_label (self->state_label, text);
      gtk_button_set_label (self->state_button, _("Try Again"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->state_button), "win.sync");
      gtk_revealer_set_reveal_child (self->state_revealer, TRUE);
    }
  else if (state == DK_SYNC_STATE_NEEDS_LOGIN)
    {
      self->offline_since = DK_TIME_UNSET;
      gtk_label_set_label (self->state_label,
                           _("Not logged in. The lists show what was synced before."));
      gtk_button_set_label (self->state_button, _("Log In…"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->state_button), "app.login");
      gtk_revealer_set_reveal_child (self->state_revealer, TRUE);
    }
  else
    {
      /* Emptied too, so nothing stale is left for a screen reader. */
      self->offline_since = DK_TIME_UNSET;
      gtk_label_set_label (self->state_label, "");
      gtk_revealer_set_reveal_child (self->state_revealer, FALSE);
    }
}

static void
update_problems (DkOfflineBanner *self)
{
  DkStore *store;
  guint n;

  g_assert (DK_IS_OFFLINE_BANNER (self));

  if (self->engine == NULL)
    return;

  store = dk_sync_engine_get_store (self->engine);
  n = dk_store_outbox_count (store, DK_OUTBOX_REJECTED) +
      dk_store_outbox_count (store, DK_OUTBOX_CONFLICT);
  if (n > 0)
    {
      g_autofree char *text =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%u change was not accepted by the server.",
                                      "%u changes were not accepted by the server.", n), n);

      gtk_label_set_label (self->problems_label, text);
    }
  else
    gtk_label_set_label (self->problems_label, "");
  gtk_revealer_set_reveal_child (self->problems_revealer, n > 0);
}

static void
dk_offline_banner_engine_notify_cb (DkOfflineBanner *self,
                                    GParamSpec      *pspec,
                                    DkSyncEngine    *engine)
{
  update_state (self);
  update_problems (self);
}

static void
dk_offline_banner_engine_changed_cb (DkOfflineBanner *self,
                                     DkSyncEngine    *engine)
{
  update_problems (self);
}

static gboolean
dk_offline_banner_refresh_cb (gpointer user_data)
{
  update_state (DK_OFFLINE_BANNER (user_data));

  return G_SOURCE_CONTINUE;
}

static void
dk_offline_banner_dispose (GObject *object)
{
  DkOfflineBanner *self = DK_OFFLINE_BANNER (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (dk_offline_banner_parent_class)->dispose (object);
}

static void
dk_offline_banner_class_init (DkOfflineBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_offline_banner_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-offline-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, DkOfflineBanner, problems_label);
  gtk_widget_class_bind_template_child (widget_class, DkOfflineBanner, problems_revealer);
  gtk_widget_class_bind_template_child (widget_class, DkOfflineBanner, state_button);
  gtk_widget_class_bind_template_child (widget_class, DkOfflineBanner, state_label);
  gtk_widget_class_bind_template_child (widget_class, DkOfflineBanner, state_revealer);
}

static void
dk_offline_banner_init (DkOfflineBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->offline_since = DK_TIME_UNSET;
  self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, dk_offline_banner_refresh_cb, self);
}

/**
 * dk_offline_banner_new:
 *
 * Returns: (transfer full): a new banner, hidden until an engine is set
 */
GtkWidget *
dk_offline_banner_new (void)
{
  return g_object_new (DK_TYPE_OFFLINE_BANNER, NULL);
}

/**
 * dk_offline_banner_set_engine:
 * @self: a #DkOfflineBanner
 * @engine: the sync engine to follow
 */
void
dk_offline_banner_set_engine (DkOfflineBanner *self,
                              DkSyncEngine    *engine)
{
  g_return_if_fail (DK_IS_OFFLINE_BANNER (self));
  g_return_if_fail (DK_IS_SYNC_ENGINE (engine));
  g_return_if_fail (self->engine == NULL);

  self->engine = g_object_ref (engine);
  g_signal_connect_object (engine, "notify::state",
                           G_CALLBACK (dk_offline_banner_engine_notify_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "notify::outbox-size",
                           G_CALLBACK (dk_offline_banner_engine_notify_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "notify::last-sync",
                           G_CALLBACK (dk_offline_banner_engine_notify_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "changed",
                           G_CALLBACK (dk_offline_banner_engine_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "rejected",
                           G_CALLBACK (dk_offline_banner_engine_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "conflict",
                           G_CALLBACK (dk_offline_banner_engine_changed_cb), self,
                           G_CONNECT_SWAPPED);

  update_state (self);
  update_problems (self);
}

/**
 * dk_offline_banner_get_offline_since:
 * @self: a #DkOfflineBanner
 *
 * Returns: when the engine went offline, %DK_TIME_UNSET while it is not
 */
gint64
dk_offline_banner_get_offline_since (DkOfflineBanner *self)
{
  g_return_val_if_fail (DK_IS_OFFLINE_BANNER (self), DK_TIME_UNSET);

  return self->offline_since;
}
