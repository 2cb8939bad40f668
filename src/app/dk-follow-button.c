/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-follow-button.c: follow one service from its case page or routine page */

#define G_LOG_DOMAIN "dk-follow-button"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-follow-button.h"
#include "dk-local-changes.h"

struct _DkFollowButton
{
  AdwBin           parent_instance;

  /* owned */
  GtkToggleButton *toggle;
  DkSyncEngine    *engine;
  char            *service_id;
  char            *service_name;

  /* state */
  gboolean         updating;
};

G_DEFINE_FINAL_TYPE (DkFollowButton, dk_follow_button, ADW_TYPE_BIN)

/* ---- helpers ---- */

/* The subscription as the replica has it (the local version while one waits), or the
 * default a logged-in user has until they choose; NULL when logged out. */
static DkSubscription *
load_subscription (DkFollowButton *self)
{
  g_autoptr(DkSubscription) subscription = NULL;
  g_autoptr(GError) error = NULL;
  const char *username = dk_sync_engine_get_username (self->engine);

  g_assert (DK_IS_FOLLOW_BUTTON (self));

  if (username == NULL)
    return NULL;

  subscription = dk_store_get_subscription (dk_sync_engine_get_store (self->engine), &error);
  if (error != NULL)
    {
      g_warning ("Could not read what the user follows: %s", error->message);
      return NULL;
    }
  if (subscription == NULL)
    subscription = dk_subscription_new_default (username);

  return g_steal_pointer (&subscription);
}

static gboolean
find_service (DkSubscription *subscription,
              const char     *service_id,
              guint          *index)
{
  return g_ptr_array_find_with_equal_func (subscription->services, service_id, g_str_equal,
                                           index);
}

static void
update_button (DkFollowButton *self)
{
  g_autoptr(DkSubscription) subscription = NULL;
  g_autofree char *label = NULL;
  g_autofree char *tooltip = NULL;
  gboolean following;

  g_assert (DK_IS_FOLLOW_BUTTON (self));

  subscription = load_subscription (self);
  following = subscription != NULL && find_service (subscription, self->service_id, NULL);

  if (following)
    {
      /* Translators: a toggle button, pressed; %s is a service ("Following Cosmic") */
      label = g_strdup_printf (_("Following %s"), self->service_name);
      /* Translators: %s is a service */
      tooltip = g_strdup_printf (_("%s is one of the services you follow (Preferences, "
                                   "Following). Press to stop following it."),
                                 self->service_name);
    }
  else
    {
      /* Translators: a toggle button; %s is a service ("Follow Cosmic") */
      label = g_strdup_printf (_("Follow %s"), self->service_name);
      tooltip = subscription == NULL
                ? g_strdup (_("Log in to choose what you follow."))
                /* Translators: %s is a service */
                : g_strdup_printf (_("Adds %s to the services you follow (Preferences, "
                                     "Following)"), self->service_name);
    }

  self->updating = TRUE;
  gtk_toggle_button_set_active (self->toggle, following);
  self->updating = FALSE;
  gtk_button_set_label (GTK_BUTTON (self->toggle), label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->toggle), tooltip);
  gtk_widget_set_sensitive (GTK_WIDGET (self->toggle), subscription != NULL);
}

/* Adds or removes the service and puts the subscription in the outbox. */
static gboolean
save_following (DkFollowButton  *self,
                gboolean         follow,
                GError         **error)
{
  g_autoptr(DkSubscription) subscription = load_subscription (self);
  const char *username = dk_sync_engine_get_username (self->engine);
  guint index;

  g_assert (DK_IS_FOLLOW_BUTTON (self));

  if (subscription == NULL || username == NULL)
    return TRUE;

  if (follow == find_service (subscription, self->service_id, &index))
    return TRUE;
  if (follow)
    g_ptr_array_add (subscription->services, g_strdup (self->service_id));
  else
    g_ptr_array_remove_index (subscription->services, index);

  return dk_local_set_subscription (dk_sync_engine_get_store (self->engine), subscription,
                                    username, dk_time_now (), error);
}

/* ---- callbacks ---- */

static void
dk_follow_button_toggled_cb (DkFollowButton *self)
{
  g_autoptr(GError) error = NULL;

  g_assert (DK_IS_FOLLOW_BUTTON (self));

  if (self->updating)
    return;

  if (!save_following (self, gtk_toggle_button_get_active (self->toggle), &error))
    g_warning ("Could not keep what the user follows: %s", error->message);
  update_button (self);
}

static void
dk_follow_button_engine_changed_cb (DkFollowButton *self)
{
  g_assert (DK_IS_FOLLOW_BUTTON (self));

  update_button (self);
}

/* ---- GObject ---- */

static void
dk_follow_button_dispose (GObject *object)
{
  DkFollowButton *self = DK_FOLLOW_BUTTON (object);

  g_clear_object (&self->engine);

  G_OBJECT_CLASS (dk_follow_button_parent_class)->dispose (object);
}

static void
dk_follow_button_finalize (GObject *object)
{
  DkFollowButton *self = DK_FOLLOW_BUTTON (object);

  g_free (self->service_id);
  g_free (self->service_name);

  G_OBJECT_CLASS (dk_follow_button_parent_class)->finalize (object);
}

static void
dk_follow_button_class_init (DkFollowButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dk_follow_button_dispose;
  object_class->finalize = dk_follow_button_finalize;
}

static void
dk_follow_button_init (DkFollowButton *self)
{
  self->toggle = GTK_TOGGLE_BUTTON (gtk_toggle_button_new ());
  gtk_widget_set_halign (GTK_WIDGET (self->toggle), GTK_ALIGN_START);
  gtk_widget_add_css_class (GTK_WIDGET (self->toggle), "pill");
  g_signal_connect_object (self->toggle, "toggled", G_CALLBACK (dk_follow_button_toggled_cb),
                           self, G_CONNECT_SWAPPED);
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->toggle));
}

/* ---- public API ---- */

/**
 * dk_follow_button_new:
 * @engine: the sync engine (who is logged in, the replica)
 * @service_id: the service
 * @service_name: (nullable): its name; the id when %NULL
 *
 * Returns: (transfer full): a new button
 */
GtkWidget *
dk_follow_button_new (DkSyncEngine *engine,
                      const char   *service_id,
                      const char   *service_name)
{
  DkFollowButton *self;

  g_return_val_if_fail (DK_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (service_id != NULL, NULL);

  self = g_object_new (DK_TYPE_FOLLOW_BUTTON, NULL);
  self->engine = g_object_ref (engine);
  self->service_id = g_strdup (service_id);
  self->service_name = g_strdup (service_name != NULL ? service_name : service_id);

  g_signal_connect_object (engine, "changed", G_CALLBACK (dk_follow_button_engine_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "notify::username",
                           G_CALLBACK (dk_follow_button_engine_changed_cb), self,
                           G_CONNECT_SWAPPED);
  update_button (self);

  return GTK_WIDGET (self);
}

/**
 * dk_follow_button_get_service_id:
 * @self: a #DkFollowButton
 *
 * Returns: the service the button follows
 */
const char *
dk_follow_button_get_service_id (DkFollowButton *self)
{
  g_return_val_if_fail (DK_IS_FOLLOW_BUTTON (self), NULL);

  return self->service_id;
}

/**
 * dk_follow_button_get_following:
 * @self: a #DkFollowButton
 *
 * Returns: whether the user follows the service (the button is pressed)
 */
gboolean
dk_follow_button_get_following (DkFollowButton *self)
{
  g_return_val_if_fail (DK_IS_FOLLOW_BUTTON (self), FALSE);

  return gtk_toggle_button_get_active (self->toggle);
}

/**
 * dk_follow_buttons_fill:
 * @box: where the buttons go
 * @engine: the sync engine
 * @services: (element-type utf8): service ids
 * @service_names: (nullable): service id → name
 *
 * Replaces what @box holds with one #DkFollowButton per service; hides @box when there
 * is none.
 */
void
dk_follow_buttons_fill (GtkBox       *box,
                        DkSyncEngine *engine,
                        GPtrArray    *services,
                        GHashTable   *service_names)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_BOX (box));
  g_return_if_fail (DK_IS_SYNC_ENGINE (engine));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);

  for (guint i = 0; services != NULL && i < services->len; i++)
    {
      const char *id = g_ptr_array_index (services, i);
      const char *name = service_names != NULL ? g_hash_table_lookup (service_names, id) : NULL;

      gtk_box_append (box, dk_follow_button_new (engine, id, name));
    }
  gtk_widget_set_visible (GTK_WIDGET (box), services != NULL && services->len > 0);
}
