/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-preferences-window-following.c: the preferences' Following page, what the user follows
 *
 * The page edits the user's subscription: every change is a local change in the outbox
 * (dk_local_set_subscription), sent with the next sync; until the server has answered,
 * the page says it is not yet sent.
 */

#define G_LOG_DOMAIN "dk-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-accessible-names.h"
#include "dk-local-changes.h"
#include "dk-preferences-window-private.h"

/* Toggling several choices in a row makes one outbox entry, not one per click. */
#define SAVE_DELAY_MS 400

static void dk_preferences_window_choice_toggled_cb (DkPreferencesWindow *self);

/* ---- the choices ---- */

static GtkCheckButton *
add_choice (DkPreferencesWindow *self,
            AdwExpanderRow      *expander,
            GPtrArray           *checks,
            GPtrArray           *rows,
            const char          *title,
            const char          *subtitle,
            const char          *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  g_object_set_data_full (G_OBJECT (check), "dk-choice", g_strdup (value), g_free);
  g_signal_connect_object (check, "toggled",
                           G_CALLBACK (dk_preferences_window_choice_toggled_cb), self,
                           G_CONNECT_SWAPPED);

  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  adw_expander_row_add_row (expander, row);

  g_ptr_array_add (checks, check);
  if (rows != NULL)
    g_ptr_array_add (rows, row);

  return GTK_CHECK_BUTTON (check);
}

static void
setup_wrapping_item_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
  gtk_list_item_set_child (item, label);
}

static void
bind_wrapping_item_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *item)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)),
                       gtk_string_object_get_string (string));
}

/* The combo list's rows: the whole text, wrapped (AdwComboRow's own cuts it short). */
static GtkListItemFactory *
new_wrapping_factory (void)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_wrapping_item_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_wrapping_item_cb), NULL);

  return g_steal_pointer (&factory);
}

static void
build_fixed_choices (DkPreferencesWindow *self)
{
  g_autoptr(GtkStringList) priorities = gtk_string_list_new (NULL);

  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  for (DkArea area = 0; area <= DK_AREA_LAST; area++)
    add_choice (self, self->areas_row, self->area_checks, NULL, dk_area_label (area), NULL,
                dk_area_to_string (area));
  for (DkCaseKind kind = 0; kind <= DK_CASE_KIND_LAST; kind++)
    add_choice (self, self->kinds_row, self->kind_checks, NULL, dk_case_kind_label (kind), NULL,
                dk_case_kind_to_string (kind));

  /* Each level with what it means (seed 001); the chosen one in the row's subtitle,
   * where it wraps in a narrow window, and the list wraps them too. */
  for (int priority = DK_PRIORITY_HIGHEST; priority <= DK_PRIORITY_LOWEST; priority++)
    {
      g_autofree char *label = dk_priority_dup_description (priority);

      gtk_string_list_append (priorities, label);
    }
  adw_combo_row_set_use_subtitle (self->priority_row, TRUE);
  adw_combo_row_set_list_factory (self->priority_row, new_wrapping_factory ());
  adw_combo_row_set_model (self->priority_row, G_LIST_MODEL (priorities));

  dk_accessible_name_enable_switch (self->areas_row, _("Only some areas"));
  dk_accessible_name_enable_switch (self->services_row, _("Only some services"));
  dk_accessible_name_enable_switch (self->kinds_row, _("Only some kinds"));
}

static gboolean
same_services (GPtrArray *services,
               GPtrArray *checks)
{
  if (services->len != checks->len)
    return FALSE;

  for (guint i = 0; i < services->len; i++)
    {
      DkService *service = g_ptr_array_index (services, i);
      const char *id = g_object_get_data (g_ptr_array_index (checks, i), "dk-choice");

      if (g_strcmp0 (service->id, id) != 0)
        return FALSE;
    }

  return TRUE;
}

static void
build_service_choices (DkPreferencesWindow *self)
{
  g_autoptr(GPtrArray) services = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  services = dk_store_list_services (dk_sync_engine_get_store (self->engine), &error);
  if (services == NULL)
    {
      g_warning ("Could not read the services: %s", error->message);
      return;
    }
  if (same_services (services, self->service_checks))
    return;

  for (guint i = 0; i < self->service_rows->len; i++)
    adw_expander_row_remove (self->services_row, g_ptr_array_index (self->service_rows, i));
  g_ptr_array_set_size (self->service_rows, 0);
  g_ptr_array_set_size (self->service_checks, 0);

  for (guint i = 0; i < services->len; i++)
    {
      DkService *service = g_ptr_array_index (services, i);

      add_choice (self, self->services_row, self->service_checks, self->service_rows,
                  service->name, dk_area_label (service->area), service->id);
    }
}

static gboolean
strv_contains (GPtrArray  *values,
               const char *value)
{
  for (guint i = 0; i < values->len; i++)
    if (g_strcmp0 (g_ptr_array_index (values, i), value) == 0)
      return TRUE;

  return FALSE;
}

/* An expander the person switched on and has chosen nothing in yet stays on: "only
 * some" with nothing chosen means every one, as the subtitle says, and the saved
 * choice coming back must not switch it off under their hands. */
static void
set_choices (AdwExpanderRow *expander,
             GPtrArray      *checks,
             GPtrArray      *values)
{
  adw_expander_row_set_enable_expansion (expander,
                                         values->len > 0 ||
                                         adw_expander_row_get_enable_expansion (expander));
  for (guint i = 0; i < checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (checks, i);

      gtk_check_button_set_active (check,
                                   strv_contains (values,
                                                  g_object_get_data (G_OBJECT (check),
                                                                     "dk-choice")));
    }
}

/* The chosen values; empty when the expander is off (every one counts). Values the list
 * does not show (a service this replica does not know yet) stay as they were. */
static void
get_choices (AdwExpanderRow *expander,
             GPtrArray      *checks,
             GPtrArray      *old_values,
             GPtrArray      *values)
{
  g_ptr_array_set_size (values, 0);
  if (!adw_expander_row_get_enable_expansion (expander))
    return;

  for (guint i = 0; i < checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (checks, i);

      if (gtk_check_button_get_active (check))
        g_ptr_array_add (values, g_strdup (g_object_get_data (G_OBJECT (check), "dk-choice")));
    }

  for (guint i = 0; old_values != NULL && i < old_values->len; i++)
    {
      const char *old = g_ptr_array_index (old_values, i);
      gboolean shown = FALSE;

      for (guint j = 0; j < checks->len && !shown; j++)
        shown = g_strcmp0 (g_object_get_data (g_ptr_array_index (checks, j), "dk-choice"),
                           old) == 0;
      if (!shown)
        g_ptr_array_add (values, g_strdup (old));
    }
}

/* What the expander says while closed: every one, or the chosen ones by name. */
static void
update_choice_subtitle (AdwExpanderRow *expander,
                        GPtrArray      *checks,
                        const char     *every)
{
  g_autoptr(GString) chosen = g_string_new (NULL);

  for (guint i = 0; i < checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (checks, i);
      GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (check), ADW_TYPE_PREFERENCES_ROW);

      if (!gtk_check_button_get_active (check) || row == NULL)
        continue;
      if (chosen->len > 0)
        /* Translators: between the chosen areas, services or kinds in a list */
        g_string_append (chosen, _(", "));
      g_string_append (chosen, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
    }

  if (!adw_expander_row_get_enable_expansion (expander))
    adw_expander_row_set_subtitle (expander, every);
  else if (chosen->len == 0)
    adw_expander_row_set_subtitle (expander, _("None chosen yet, so every one counts"));
  else
    adw_expander_row_set_subtitle (expander, chosen->str);
}

static void
update_subtitles (DkPreferencesWindow *self)
{
  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  /* The priority row's subtitle is its chosen item (use-subtitle). */
  update_choice_subtitle (self->areas_row, self->area_checks, _("Every area"));
  update_choice_subtitle (self->services_row, self->service_checks, _("Every service"));
  update_choice_subtitle (self->kinds_row, self->kind_checks, _("Every kind"));
}

/* The outbox entries of the subscription the server refused or that met a newer
 * version there (element-type DkOutboxEntry). */
static GPtrArray *
list_unsettled (DkPreferencesWindow *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) unsettled = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_outbox_entry_free);
  g_autoptr(GError) error = NULL;

  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  if (self->subscription == NULL || self->subscription->id == NULL)
    return g_steal_pointer (&unsettled);

  entries = dk_store_outbox_list (dk_sync_engine_get_store (self->engine), &error);
  if (entries == NULL)
    {
      g_warning ("Could not read the outbox: %s", error->message);
      return g_steal_pointer (&unsettled);
    }

  for (guint i = 0; i < entries->len; i++)
    {
      DkOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (entry->state != DK_OUTBOX_PENDING &&
          g_strcmp0 (entry->object_type, DK_TYPE_NAME_SUBSCRIPTION) == 0 &&
          g_strcmp0 (entry->object_id, self->subscription->id) == 0)
        g_ptr_array_add (unsettled, g_ptr_array_steal_index (entries, i--));
    }

  return g_steal_pointer (&unsettled);
}

/* Says so when the server refused the last choice; the next choice replaces it. */
static void
update_refusal (DkPreferencesWindow *self)
{
  g_autoptr(GPtrArray) unsettled = list_unsettled (self);
  g_autofree char *message = NULL;

  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  if (unsettled->len > 0)
    {
      DkOutboxEntry *last = g_ptr_array_index (unsettled, unsettled->len - 1);

      if (last->state == DK_OUTBOX_REJECTED)
        message = g_strdup_printf (_("The server refused your last choice: %s"),
                                   last->error_message != NULL ? last->error_message
                                                               : last->error_code);
      else
        message = g_strdup (_("Your last choice met a newer one on the server; choose "
                              "again to keep yours."));
    }
  _dk_preferences_window_show_error (self->following_error_label, NULL, message);
}

static void
update_pending (DkPreferencesWindow *self)
{
  gboolean pending = FALSE;

  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  if (self->subscription != NULL && self->subscription->id != NULL)
    pending = self->save_id != 0 ||
              dk_store_is_pending (dk_sync_engine_get_store (self->engine),
                                   DK_TYPE_NAME_SUBSCRIPTION, self->subscription->id);
  gtk_widget_set_visible (GTK_WIDGET (self->pending_label), pending);
  if (self->save_id == 0)
    update_refusal (self);
}

/* Shows the subscription of the replica (the local version while one is waiting). */
static void
load_subscription (DkPreferencesWindow *self)
{
  g_autoptr(DkSubscription) subscription = NULL;
  g_autoptr(GError) error = NULL;
  const char *username;

  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  username = dk_sync_engine_get_username (self->engine);
  gtk_widget_set_sensitive (GTK_WIDGET (self->following_group), username != NULL);
  adw_preferences_group_set_description (self->following_group,
                                         username == NULL
                                           ? _("Log in to choose what you follow.")
                                           : _("Cases you follow can notify you. The server "
                                               "keeps your choice, for this app and any "
                                               "other."));
  if (username == NULL)
    {
      g_clear_pointer (&self->subscription, dk_subscription_unref);
      update_pending (self);
      return;
    }

  build_service_choices (self);

  subscription = dk_store_get_subscription (dk_sync_engine_get_store (self->engine), &error);
  if (error != NULL)
    {
      g_warning ("Could not read what the user follows: %s", error->message);
      _dk_preferences_window_show_error (self->following_error_label, NULL, error->message);
      return;
    }
  if (subscription == NULL)
    subscription = dk_subscription_new_default (username);

  self->loading = TRUE;
  set_choices (self->areas_row, self->area_checks, subscription->areas);
  set_choices (self->services_row, self->service_checks, subscription->services);
  set_choices (self->kinds_row, self->kind_checks, subscription->kinds);
  adw_combo_row_set_selected (self->priority_row,
                              (guint) CLAMP (subscription->min_priority, DK_PRIORITY_HIGHEST,
                                             DK_PRIORITY_LOWEST) - DK_PRIORITY_HIGHEST);
  gtk_switch_set_active (self->major_switch, subscription->major_only);
  gtk_switch_set_active (self->crisis_switch, subscription->all_crisis);
  self->loading = FALSE;

  g_clear_pointer (&self->subscription, dk_subscription_unref);
  self->subscription = g_steal_pointer (&subscription);
  update_subtitles (self);
  update_pending (self);
}

static gboolean
same_strings (GPtrArray *a,
              GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    if (g_strcmp0 (g_ptr_array_index (a, i), g_ptr_array_index (b, i)) != 0)
      return FALSE;

  return TRUE;
}

/* Whether @a and @b follow the same cases the same way. */
static gboolean
same_choice (const DkSubscription *a,
             const DkSubscription *b)
{
  return same_strings (a->areas, b->areas) && same_strings (a->services, b->services) &&
         same_strings (a->kinds, b->kinds) && a->min_priority == b->min_priority &&
         a->major_only == b->major_only && a->all_crisis == b->all_crisis &&
         a->notify == b->notify;
}

/* Puts what the controls say in the outbox as one subscription.set; nothing when they
 * say what is already kept (an "only some" switch turned on with nothing chosen yet). */
static gboolean
save_subscription (DkPreferencesWindow  *self,
                   GError              **error)
{
  g_autoptr(DkSubscription) subscription = NULL;
  g_autoptr(GPtrArray) unsettled = NULL;
  const char *username;

  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  username = dk_sync_engine_get_username (self->engine);
  if (username == NULL || self->subscription == NULL)
    return TRUE;

  subscription = dk_subscription_copy (self->subscription);
  get_choices (self->areas_row, self->area_checks, NULL, subscription->areas);
  get_choices (self->services_row, self->service_checks, self->subscription->services,
               subscription->services);
  get_choices (self->kinds_row, self->kind_checks, NULL, subscription->kinds);
  subscription->min_priority =
    (int) adw_combo_row_get_selected (self->priority_row) + DK_PRIORITY_HIGHEST;
  subscription->major_only = gtk_switch_get_active (self->major_switch);
  subscription->all_crisis = gtk_switch_get_active (self->crisis_switch);
  /* "notify" stays as it was: the General page's Notifications switch (GSettings
   * "notifications") is the one that decides; see dk-notifier.c. */

  unsettled = list_unsettled (self);
  if (unsettled->len == 0 && same_choice (subscription, self->subscription))
    return TRUE;

  if (!dk_local_set_subscription (dk_sync_engine_get_store (self->engine), subscription,
                                  username, dk_time_now (), error))
    return FALSE;

  /* The person has seen the refusal and chosen again: the new choice replaces it. */
  for (guint i = 0; i < unsettled->len; i++)
    {
      DkOutboxEntry *entry = g_ptr_array_index (unsettled, i);

      if (!dk_store_outbox_discard (dk_sync_engine_get_store (self->engine),
                                    entry->mutation_id, error))
        return FALSE;
    }

  g_clear_pointer (&self->subscription, dk_subscription_unref);
  self->subscription = g_steal_pointer (&subscription);
  g_free (self->subscription->id);
  self->subscription->id = g_strdup_printf ("sub:%s", username);

  return TRUE;
}

static void
save_now (DkPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;

  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  if (!save_subscription (self, &error))
    {
      g_warning ("Could not keep what the user follows: %s", error->message);
      _dk_preferences_window_show_error (self->following_error_label, NULL, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->pending_label), FALSE);
    }
  else
    {
      update_pending (self);
    }
}

/* ---- callbacks ---- */

static gboolean
dk_preferences_window_save_timeout_cb (gpointer user_data)
{
  DkPreferencesWindow *self = user_data;

  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  self->save_id = 0;
  save_now (self);

  return G_SOURCE_REMOVE;
}

static void
dk_preferences_window_choice_toggled_cb (DkPreferencesWindow *self)
{
  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  update_subtitles (self);
  if (self->loading || self->subscription == NULL)
    return;

  g_clear_handle_id (&self->save_id, g_source_remove);
  self->save_id = g_timeout_add (SAVE_DELAY_MS, dk_preferences_window_save_timeout_cb, self);
  update_pending (self);
}

static void
dk_preferences_window_engine_changed_cb (DkPreferencesWindow *self)
{
  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  /* What the person is choosing right now wins over what just arrived. */
  if (self->save_id == 0)
    load_subscription (self);
  else
    update_pending (self);
}

/* ---- private API ---- */

/* Fills the choices every replica has and follows the person's clicks; from init. */
void
_dk_preferences_window_init_following (DkPreferencesWindow *self)
{
  const struct {
    gpointer    widget;
    const char *signal;
  } choices[] = {
    { self->areas_row, "notify::enable-expansion" },
    { self->services_row, "notify::enable-expansion" },
    { self->kinds_row, "notify::enable-expansion" },
    { self->priority_row, "notify::selected" },
    { self->major_switch, "notify::active" },
    { self->crisis_switch, "notify::active" },
  };

  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  self->area_checks = g_ptr_array_new ();
  self->kind_checks = g_ptr_array_new ();
  self->service_checks = g_ptr_array_new ();
  self->service_rows = g_ptr_array_new ();

  build_fixed_choices (self);

  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    g_signal_connect_object (choices[i].widget, choices[i].signal,
                             G_CALLBACK (dk_preferences_window_choice_toggled_cb), self,
                             G_CONNECT_SWAPPED);
}

/* Shows the subscription and follows the engine's changes to it; from constructed. */
void
_dk_preferences_window_start_following (DkPreferencesWindow *self)
{
  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  load_subscription (self);

  g_signal_connect_object (self->engine, "changed",
                           G_CALLBACK (dk_preferences_window_engine_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::username",
                           G_CALLBACK (dk_preferences_window_engine_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::outbox-size",
                           G_CALLBACK (update_pending), self, G_CONNECT_SWAPPED);
}

/* Saves a change still waiting for its delay. */
void
_dk_preferences_window_flush_following (DkPreferencesWindow *self)
{
  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  if (self->save_id == 0)
    return;

  g_clear_handle_id (&self->save_id, g_source_remove);
  save_now (self);
}

/* Keeps what is still waiting, then lets go of the subscription; from dispose. */
void
_dk_preferences_window_dispose_following (DkPreferencesWindow *self)
{
  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  if (self->engine != NULL)
    _dk_preferences_window_flush_following (self);
  g_clear_pointer (&self->subscription, dk_subscription_unref);
}

void
_dk_preferences_window_finalize_following (DkPreferencesWindow *self)
{
  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  g_clear_pointer (&self->area_checks, g_ptr_array_unref);
  g_clear_pointer (&self->kind_checks, g_ptr_array_unref);
  g_clear_pointer (&self->service_checks, g_ptr_array_unref);
  g_clear_pointer (&self->service_rows, g_ptr_array_unref);
}
