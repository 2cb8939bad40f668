/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-reserve-banner.c: above the main window's lists, the reserve routine in force for
 * this desktop's unit (GSettings "unit"), or for all units: the case, since when, and
 * one button that starts the routine's run for the unit (or opens it once started) */

#define G_LOG_DOMAIN "dk-reserve-banner"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-case-reserve.h"
#include "dk-format.h"
#include "dk-local-changes.h"
#include "dk-reserve-banner.h"
#include "dk-routine-format.h"
#include "dk-store-reserve.h"

struct _DkReserveBanner
{
  AdwBin        parent_instance;

  /* template widgets */
  GtkButton    *case_button;
  GtkLabel     *label;
  GtkButton    *start_button;

  /* owned */
  DkSyncEngine *engine;
  GSettings    *settings;
  char         *case_id;      /* the case shown */
  char         *routine_id;   /* its routine, or NULL */
  char         *run_id;       /* the unit's run of it already started, or NULL */
};

G_DEFINE_FINAL_TYPE (DkReserveBanner, dk_reserve_banner, ADW_TYPE_BIN)

/* The unit's run of @routine_id for the case, not yet finished; NULL when none. The
 * run's unit may be written another way: the catalogue says whether it is the same. */
static char *
find_run (DkStore    *store,
          const char *routine_id,
          const char *case_id,
          const char *unit)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GError) error = NULL;

  units = dk_store_list_units (store, NULL);
  if (units == NULL)
    units = g_ptr_array_new ();
  runs = dk_store_list_runs (store, &error);
  if (runs == NULL)
    {
      g_warning ("Could not read the runs: %s", error->message);
      return NULL;
    }
  for (guint i = 0; i < runs->len; i++)
    {
      DkRun *run = g_ptr_array_index (runs, i);

      if (g_strcmp0 (run->routine, routine_id) == 0 && g_strcmp0 (run->case_id, case_id) == 0 &&
          dk_units_same (units, run->unit, unit) && run->finished_at == DK_TIME_UNSET)
        return g_strdup (run->id);
    }

  return NULL;
}

/* A button's label that wraps rather than widen a narrow window. */
static void
set_button_label (GtkButton  *button,
                  const char *text)
{
  GtkWidget *label = gtk_button_get_child (button);

  if (!GTK_IS_LABEL (label))
    {
      label = gtk_label_new (NULL);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
      gtk_button_set_child (button, label);
    }
  gtk_label_set_label (GTK_LABEL (label), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
hide (DkReserveBanner *self)
{
  g_assert (DK_IS_RESERVE_BANNER (self));

  /* GTK 4.8 tells assistive technologies of hidden widgets: nothing to find then. */
  gtk_label_set_label (self->label, "");
  set_button_label (self->start_button, "");
  set_button_label (self->case_button, "");
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

static void
refresh (DkReserveBanner *self)
{
  DkStore *store;
  g_autofree char *unit = NULL;
  g_autofree char *resolved = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DkRoutine) routine = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *title = NULL;
  g_autofree char *units = NULL;
  g_autofree char *at = NULL;
  g_autofree char *markup = NULL;
  const DkCaseReserveEvent *event;
  DkCase *kase;

  g_assert (DK_IS_RESERVE_BANNER (self));

  g_clear_pointer (&self->case_id, g_free);
  g_clear_pointer (&self->routine_id, g_free);
  g_clear_pointer (&self->run_id, g_free);
  if (self->engine == NULL)
    return;

  store = dk_sync_engine_get_store (self->engine);
  unit = g_strstrip (g_settings_get_string (self->settings, "unit"));
  /* said under the catalogue's name: a desktop of "Avd 12" reads "Avdelning 12" */
  resolved = dk_store_resolve_unit (store, unit);
  if (resolved != NULL)
    {
      g_free (unit);
      unit = g_steal_pointer (&resolved);
    }
  cases = dk_reserve_cases_for_unit (store, unit, &error);
  if (cases == NULL)
    {
      g_warning ("Could not read the reserve routines in force: %s", error->message);
      hide (self);
      return;
    }
  if (cases->len == 0)
    {
      hide (self);
      return;
    }

  kase = g_ptr_array_index (cases, 0);
  event = dk_case_get_reserve_in_force (kase);
  self->case_id = g_strdup (kase->id);

  /* Translators: the main window's banner; %s is the case's title */
  title = g_strdup_printf (_("Reserve routine in force: %s"), kase->title);
  units = dk_case_reserve_format_units (event);
  at = dk_format_time (event->at);
  /* Translators: under the banner's title: for whom and since when */
  g_string_append_printf (text, _("For %s since %s."), units, at);
  if (event->text != NULL && event->text[0] != '\0')
    g_string_append_printf (text, " %s", event->text);
  if (cases->len > 1)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "The reserve routine is in force for %u more case.",
                                                 "The reserve routine is in force for %u more cases.",
                                                 cases->len - 1), cases->len - 1);
    }
  markup = g_markup_printf_escaped ("<b>%s</b>\n%s", title, text->str);
  gtk_label_set_markup (self->label, markup);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);

  routine = dk_reserve_find_routine (store, kase);
  if (routine != NULL)
    {
      g_autofree char *label = NULL;

      self->routine_id = g_strdup (routine->id);
      if (unit[0] != '\0')
        self->run_id = find_run (store, routine->id, kase->id, unit);
      if (self->run_id != NULL)
        /* Translators: the banner's button once the unit's run was started */
        label = g_strdup_printf (_("Open the routine for %s"), unit);
      else if (unit[0] != '\0')
        /* Translators: the banner's button: one click starts the run for the unit */
        label = g_strdup_printf (_("Start routine for %s"), unit);
      else
        label = g_strdup (_("Start Routine…"));
      set_button_label (self->start_button, label);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->start_button), routine->title);
    }
  else
    set_button_label (self->start_button, "");
  gtk_widget_set_visible (GTK_WIDGET (self->start_button), routine != NULL);
  set_button_label (self->case_button, _("Open the Case"));
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

/* ---- actions ---- */

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  DkReserveBanner *self = DK_RESERVE_BANNER (widget);
  DkStore *store;
  g_autofree char *unit = NULL;
  g_autofree char *me = NULL;
  g_autofree char *run_id = NULL;
  g_autofree char *resolved = NULL;
  g_autoptr(GError) error = NULL;

  if (self->engine == NULL || self->routine_id == NULL)
    return;
  if (self->run_id != NULL)
    {
      gtk_widget_activate_action (widget, "app.open-run", "s", self->run_id);
      return;
    }

  store = dk_sync_engine_get_store (self->engine);
  unit = g_strstrip (g_settings_get_string (self->settings, "unit"));
  me = dk_routine_dup_me (store);
  /* No unit known on this desktop: the start dialog asks for it. */
  if (unit[0] == '\0' || me == NULL)
    {
      gtk_widget_activate_action (widget, "app.start-routine", "(ss)", self->routine_id,
                                  self->case_id);
      return;
    }

  /* the run goes on the catalogue's name of the desktop's unit ("Avd 12" → "Avdelning 12") */
  resolved = dk_store_resolve_unit (store, unit);
  run_id = dk_local_start_run (store, self->routine_id, resolved != NULL ? resolved : unit,
                               self->case_id, me, dk_time_now (), &error);
  if (run_id == NULL)
    {
      GtkWidget *dialog;

      dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                       _("Could Not Start the Routine"), error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  gtk_widget_activate_action (widget, "app.open-run", "s", run_id);
}

static void
open_case_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DkReserveBanner *self = DK_RESERVE_BANNER (widget);

  if (self->case_id != NULL)
    gtk_widget_activate_action (widget, "app.open-case", "s", self->case_id);
}

/* ---- callbacks ---- */

static void
dk_reserve_banner_changed_cb (DkReserveBanner *self)
{
  refresh (self);
}

/* ---- GObject ---- */

static void
dk_reserve_banner_dispose (GObject *object)
{
  DkReserveBanner *self = DK_RESERVE_BANNER (object);

  g_clear_object (&self->engine);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->case_id, g_free);
  g_clear_pointer (&self->routine_id, g_free);
  g_clear_pointer (&self->run_id, g_free);

  G_OBJECT_CLASS (dk_reserve_banner_parent_class)->dispose (object);
}

static void
dk_reserve_banner_class_init (DkReserveBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_reserve_banner_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-reserve-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, DkReserveBanner, case_button);
  gtk_widget_class_bind_template_child (widget_class, DkReserveBanner, label);
  gtk_widget_class_bind_template_child (widget_class, DkReserveBanner, start_button);

  gtk_widget_class_install_action (widget_class, "banner.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "banner.open-case", NULL, open_case_action);
}

static void
dk_reserve_banner_init (DkReserveBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* ---- public API ---- */

/**
 * dk_reserve_banner_set_engine:
 * @self: a #DkReserveBanner
 * @engine: the sync engine, with the replica
 * @settings: the app's settings, with the desktop's "unit"
 */
void
dk_reserve_banner_set_engine (DkReserveBanner *self,
                              DkSyncEngine    *engine,
                              GSettings       *settings)
{
  g_return_if_fail (DK_IS_RESERVE_BANNER (self));
  g_return_if_fail (DK_IS_SYNC_ENGINE (engine));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_set_object (&self->engine, engine);
  g_set_object (&self->settings, settings);
  g_signal_connect_object (engine, "changed", G_CALLBACK (dk_reserve_banner_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "notify::outbox-size",
                           G_CALLBACK (dk_reserve_banner_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::unit", G_CALLBACK (dk_reserve_banner_changed_cb),
                           self, G_CONNECT_SWAPPED);
  refresh (self);
}

/* Whether @event lists @unit under any of its catalogue names ("Avd 12" for
 * "Avdelning 12", or the other way round). */
static gboolean
lists_unit (DkStore                  *store,
            const DkCaseReserveEvent *event,
            const char               *unit)
{
  for (guint i = 0; event != NULL && event->units != NULL && i < event->units->len; i++)
    {
      if (dk_store_same_unit (store, g_ptr_array_index (event->units, i), unit))
        return TRUE;
    }
  return FALSE;
}

/**
 * dk_reserve_cases_for_unit:
 * @store: the replica
 * @unit: (nullable): the desktop's unit
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type DkCase) (nullable): the cases whose reserve
 *   routine is in force for @unit (by the catalogue: an alias of a listed unit is that
 *   unit), the newest declaration first
 */
GPtrArray *
dk_reserve_cases_for_unit (DkStore     *store,
                           const char  *unit,
                           GError     **error)
{
  g_autoptr(GPtrArray) cases = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), NULL);

  cases = dk_store_list_reserve_cases (store, error);
  if (cases == NULL)
    return NULL;
  for (guint i = cases->len; i > 0; i--)
    {
      DkCase *kase = g_ptr_array_index (cases, i - 1);
      const DkCaseReserveEvent *event = dk_case_get_reserve_in_force (kase);
      gboolean applies = unit != NULL && unit[0] != '\0'
                         ? dk_case_reserve_applies_to (kase, unit) ||
                           lists_unit (store, event, unit)
                         : event != NULL && event->all_units;

      if (!applies)
        g_ptr_array_remove_index (cases, i - 1);
    }

  return g_steal_pointer (&cases);
}

/**
 * dk_reserve_find_routine:
 * @store: the replica
 * @kase: a case
 *
 * Returns: (transfer full) (nullable): an approved routine for one of the case's
 *   services (a draft when none is approved), or %NULL
 */
DkRoutine *
dk_reserve_find_routine (DkStore      *store,
                         const DkCase *kase)
{
  g_autoptr(GPtrArray) routines = NULL;
  g_autoptr(GError) error = NULL;
  DkRoutine *draft = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), NULL);
  g_return_val_if_fail (kase != NULL, NULL);

  routines = dk_store_list_routines (store, &error);
  if (routines == NULL)
    {
      g_warning ("Could not read the routines: %s", error->message);
      return NULL;
    }
  for (guint s = 0; s < kase->services->len; s++)
    for (guint r = 0; r < routines->len; r++)
      {
        DkRoutine *routine = g_ptr_array_index (routines, r);

        if (!g_ptr_array_find_with_equal_func (routine->services,
                                               g_ptr_array_index (kase->services, s),
                                               g_str_equal, NULL))
          continue;
        if (routine->approved_at != DK_TIME_UNSET)
          return dk_routine_ref (routine);
        if (draft == NULL)
          draft = routine;
      }

  return draft != NULL ? dk_routine_ref (draft) : NULL;
}
