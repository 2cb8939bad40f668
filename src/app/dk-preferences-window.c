/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-preferences-window.c: the server, the app's behaviour, and what the user follows
 *
 * The General page binds the GSettings keys; the server address and the CA file are also
 * handed to the engine when applied, and a value the engine cannot use is shown and not
 * stored. The Following page edits the user's subscription: every change is a local
 * change in the outbox (dk_local_set_subscription), sent with the next sync; until the
 * server has answered, the page says it is not yet sent.
 */

#define G_LOG_DOMAIN "dk-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-accessible-names.h"
#include "dk-local-changes.h"
#include "dk-preferences-window.h"

/* Toggling several choices in a row makes one outbox entry, not one per click. */
#define SAVE_DELAY_MS 400

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
  GtkSwitch            *notify_switch;
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

G_DEFINE_FINAL_TYPE (DkPreferencesWindow, dk_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_ENGINE,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const color_schemes[] = { "default", "light", "dark" };

static void dk_preferences_window_choice_toggled_cb (DkPreferencesWindow *self);

/* ---- General: showing what went wrong ---- */

static void
show_error (GtkLabel   *label,
            GtkWidget  *row,
            const char *message)
{
  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);

  if (row == NULL)
    return;
  if (message != NULL)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

/* ---- General: the server address and the CA file ---- */

static gboolean
check_server_url (const char  *text,
                  GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (*text == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Give the server’s address, such as https://driftkoll.example.org/"));
      return FALSE;
    }

  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a server address; give one such as "
                     "https://driftkoll.example.org/"), text);
      return FALSE;
    }

  return TRUE;
}

static void
apply_server_url (DkPreferencesWindow *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  if (!check_server_url (text, &error))
    {
      show_error (self->server_error_label, GTK_WIDGET (self->server_row), error->message);
      return;
    }

  show_error (self->server_error_label, GTK_WIDGET (self->server_row), NULL);
  dk_sync_engine_set_server_url (self->engine, text);
  g_settings_set_string (self->settings, "server-url",
                         dk_sync_engine_get_server_url (self->engine));
}

static void
apply_ca_file (DkPreferencesWindow *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  path = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->ca_file_row))));
  if (!dk_sync_engine_set_ca_file (self->engine, *path != '\0' ? path : NULL, &error))
    {
      show_error (self->server_error_label, GTK_WIDGET (self->ca_file_row), error->message);
      return;
    }

  show_error (self->server_error_label, GTK_WIDGET (self->ca_file_row), NULL);
  g_settings_set_string (self->settings, "ca-file", path);
}

/* An empty "server-url" means the one the replica was last synced with: show that. */
static gboolean
server_url_get_mapping (GValue   *value,
                        GVariant *variant,
                        gpointer  user_data)
{
  DkPreferencesWindow *self = user_data;
  const char *url = g_variant_get_string (variant, NULL);

  if (*url == '\0' && dk_sync_engine_get_server_url (self->engine) != NULL)
    url = dk_sync_engine_get_server_url (self->engine);
  g_value_set_string (value, url);

  return TRUE;
}

static gboolean
color_scheme_get_mapping (GValue   *value,
                          GVariant *variant,
                          gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (color_schemes); i++)
    if (g_str_equal (nick, color_schemes[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  return FALSE;
}

static GVariant *
color_scheme_set_mapping (const GValue       *value,
                          const GVariantType *expected_type,
                          gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (color_schemes))
    return NULL;

  return g_variant_new_string (color_schemes[selected]);
}

static void
bind_settings (DkPreferencesWindow *self)
{
  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  /* The two server settings are written when applied, after the engine took them. */
  g_settings_bind_with_mapping (self->settings, "server-url", self->server_row, "text",
                                G_SETTINGS_BIND_GET, server_url_get_mapping, NULL, self, NULL);
  g_settings_bind (self->settings, "ca-file", self->ca_file_row, "text", G_SETTINGS_BIND_GET);

  g_settings_bind (self->settings, "notifications", self->notifications_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "run-in-background", self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "autostart", self->autostart_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "color-scheme", self->color_scheme_row,
                                "selected", G_SETTINGS_BIND_DEFAULT, color_scheme_get_mapping,
                                color_scheme_set_mapping, NULL, NULL);
}

/* ---- Following: the choices ---- */

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

  for (int priority = DK_PRIORITY_HIGHEST; priority <= DK_PRIORITY_LOWEST; priority++)
    {
      g_autofree char *label = NULL;

      /* Short, so it fits a narrow window; the row's subtitle says what it means. */
      label = g_strdup_printf ("%d", priority);
      gtk_string_list_append (priorities, label);
    }
  adw_combo_row_set_model (self->priority_row, G_LIST_MODEL (priorities));

  dk_accessible_name_entry_text (self->server_row, _("Server address"));
  dk_accessible_name_entry_text (self->ca_file_row, _("CA certificate file"));
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

static void
set_choices (AdwExpanderRow *expander,
             GPtrArray      *checks,
             GPtrArray      *values)
{
  adw_expander_row_set_enable_expansion (expander, values->len > 0);
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
  int priority = (int) adw_combo_row_get_selected (self->priority_row) + DK_PRIORITY_HIGHEST;

  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  update_choice_subtitle (self->areas_row, self->area_checks, _("Every area"));
  update_choice_subtitle (self->services_row, self->service_checks, _("Every service"));
  update_choice_subtitle (self->kinds_row, self->kind_checks, _("Every kind"));

  if (dk_priority_is_valid (priority))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->priority_row),
                                 dk_priority_label (priority));
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
  show_error (self->following_error_label, NULL, message);
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
      show_error (self->following_error_label, NULL, error->message);
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
  gtk_switch_set_active (self->notify_switch, subscription->notify);
  self->loading = FALSE;

  g_clear_pointer (&self->subscription, dk_subscription_unref);
  self->subscription = g_steal_pointer (&subscription);
  update_subtitles (self);
  update_pending (self);
}

/* Puts what the controls say in the outbox as one subscription.set. */
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
  subscription->notify = gtk_switch_get_active (self->notify_switch);

  if (!dk_local_set_subscription (dk_sync_engine_get_store (self->engine), subscription,
                                  username, dk_time_now (), error))
    return FALSE;

  /* The person has seen the refusal and chosen again: the new choice replaces it. */
  unsettled = list_unsettled (self);
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
  dk_sync_engine_local_change_added (self->engine);

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
      show_error (self->following_error_label, NULL, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->pending_label), FALSE);
    }
  else
    {
      update_pending (self);
    }
}

/* Saves a change still waiting for its delay. */
static void
flush_save (DkPreferencesWindow *self)
{
  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  if (self->save_id == 0)
    return;

  g_clear_handle_id (&self->save_id, g_source_remove);
  save_now (self);
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
dk_preferences_window_server_applied_cb (DkPreferencesWindow *self)
{
  apply_server_url (self);
}

static void
dk_preferences_window_ca_file_applied_cb (DkPreferencesWindow *self)
{
  apply_ca_file (self);
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

static void
dk_preferences_window_chooser_response_cb (DkPreferencesWindow *self,
                                           int                  response,
                                           GtkNativeDialog     *chooser)
{
  g_assert (DK_IS_PREFERENCES_WINDOW (self));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        {
          gtk_editable_set_text (GTK_EDITABLE (self->ca_file_row), path);
          apply_ca_file (self);
        }
    }

  g_clear_object (&self->chooser);
}

static void
choose_ca_file_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  DkPreferencesWindow *self = DK_PREFERENCES_WINDOW (widget);
  g_autoptr(GtkFileFilter) pem = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Choose a CA Certificate File"),
                                               GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  gtk_file_filter_set_name (pem, _("PEM certificates"));
  gtk_file_filter_add_pattern (pem, "*.pem");
  gtk_file_filter_add_pattern (pem, "*.crt");
  gtk_file_filter_add_mime_type (pem, "application/x-x509-ca-cert");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), pem);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);

  g_signal_connect_object (self->chooser, "response",
                           G_CALLBACK (dk_preferences_window_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
clear_ca_file_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  DkPreferencesWindow *self = DK_PREFERENCES_WINDOW (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->ca_file_row), "");
  apply_ca_file (self);
}

static gboolean
dk_preferences_window_close_request (GtkWindow *window)
{
  DkPreferencesWindow *self = DK_PREFERENCES_WINDOW (window);

  /* Nothing the person chose is lost by closing quickly. */
  flush_save (self);

  return GTK_WINDOW_CLASS (dk_preferences_window_parent_class)->close_request (window);
}

/* ---- GObject ---- */

static void
dk_preferences_window_constructed (GObject *object)
{
  DkPreferencesWindow *self = DK_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (dk_preferences_window_parent_class)->constructed (object);

  bind_settings (self);
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

static void
dk_preferences_window_dispose (GObject *object)
{
  DkPreferencesWindow *self = DK_PREFERENCES_WINDOW (object);

  if (self->engine != NULL)
    flush_save (self);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->subscription, dk_subscription_unref);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dk_preferences_window_parent_class)->dispose (object);
}

static void
dk_preferences_window_finalize (GObject *object)
{
  DkPreferencesWindow *self = DK_PREFERENCES_WINDOW (object);

  g_clear_pointer (&self->area_checks, g_ptr_array_unref);
  g_clear_pointer (&self->kind_checks, g_ptr_array_unref);
  g_clear_pointer (&self->service_checks, g_ptr_array_unref);
  g_clear_pointer (&self->service_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (dk_preferences_window_parent_class)->finalize (object);
}

static void
dk_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  DkPreferencesWindow *self = DK_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  DkPreferencesWindow *self = DK_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_preferences_window_class_init (DkPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = dk_preferences_window_constructed;
  object_class->dispose = dk_preferences_window_dispose;
  object_class->finalize = dk_preferences_window_finalize;
  object_class->get_property = dk_preferences_window_get_property;
  object_class->set_property = dk_preferences_window_set_property;

  window_class->close_request = dk_preferences_window_close_request;

  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, DK_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/"
                                               "dk-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, areas_row);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, autostart_switch);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, ca_file_row);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, crisis_switch);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow,
                                        following_error_label);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, following_group);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, kinds_row);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, major_switch);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow,
                                        notifications_switch);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, pending_label);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, priority_row);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, server_error_label);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, DkPreferencesWindow, services_row);
  gtk_widget_class_bind_template_callback (widget_class,
                                           dk_preferences_window_ca_file_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class,
                                           dk_preferences_window_server_applied_cb);

  gtk_widget_class_install_action (widget_class, "prefs.choose-ca-file", NULL,
                                   choose_ca_file_action);
  gtk_widget_class_install_action (widget_class, "prefs.clear-ca-file", NULL,
                                   clear_ca_file_action);
}

static void
dk_preferences_window_init (DkPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->area_checks = g_ptr_array_new ();
  self->kind_checks = g_ptr_array_new ();
  self->service_checks = g_ptr_array_new ();
  self->service_rows = g_ptr_array_new ();

  build_fixed_choices (self);

  g_signal_connect_object (self->areas_row, "notify::enable-expansion",
                           G_CALLBACK (dk_preferences_window_choice_toggled_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->services_row, "notify::enable-expansion",
                           G_CALLBACK (dk_preferences_window_choice_toggled_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->kinds_row, "notify::enable-expansion",
                           G_CALLBACK (dk_preferences_window_choice_toggled_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->priority_row, "notify::selected",
                           G_CALLBACK (dk_preferences_window_choice_toggled_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->major_switch, "notify::active",
                           G_CALLBACK (dk_preferences_window_choice_toggled_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->crisis_switch, "notify::active",
                           G_CALLBACK (dk_preferences_window_choice_toggled_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->notify_switch, "notify::active",
                           G_CALLBACK (dk_preferences_window_choice_toggled_cb), self,
                           G_CONNECT_SWAPPED);
}

/**
 * dk_preferences_window_new:
 * @parent: (nullable): the window the preferences are modal over
 * @engine: the engine the server settings are applied to
 * @settings: the app's settings (io.github.driftkoll.Driftkoll)
 *
 * Returns: (transfer none): the window, not yet presented
 */
GtkWindow *
dk_preferences_window_new (GtkWindow    *parent,
                           DkSyncEngine *engine,
                           GSettings    *settings)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (DK_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (DK_TYPE_PREFERENCES_WINDOW,
                       "engine", engine,
                       "settings", settings,
                       "transient-for", parent,
                       NULL);
}
