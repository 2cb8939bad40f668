/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-print-routine.c: a reserve routine on paper, alone or in a unit's downtime pack
 *
 * What "the services a unit follows" means for a pack, with what the replica holds:
 * units are not objects of their own, so a pack is made for the services named on the
 * command line (or picked in the app), and otherwise for the services of the replica's
 * user's subscription (the person printing it follows what the ward needs), together
 * with the services of every routine already run on that unit. A subscription that
 * names no service follows every service, and so does a replica with no subscription:
 * the pack then holds every approved routine. Drafts are never in a pack; an expired
 * routine is, with its warning, because an old routine on the ward beats none.
 */

#define G_LOG_DOMAIN "dk-print-routine"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dk-print-private.h"

#define CONDITION_OVER  "outage_over:"
#define CONDITION_UP_TO "outage_up_to:"

/* ---- helpers ---- */

static char *
dup_contact (const DkContact *contact)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (contact->name != NULL)
    g_string_append (text, contact->name);
  if (contact->office_hours != NULL)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      /* Translators: on paper, whom to call: "office hours 031-390 06 10" */
      g_string_append_printf (text, _("office hours %s"), contact->office_hours);
    }
  if (contact->on_call != NULL)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      /* Translators: on paper, whom to call evenings, nights and weekends */
      g_string_append_printf (text, _("on call %s"), contact->on_call);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
add_field (GPtrArray  *labels,
           GPtrArray  *values,
           const char *label,
           const char *value)
{
  g_ptr_array_add (labels, g_strdup (label));
  g_ptr_array_add (values, g_strdup (value != NULL && value[0] != '\0' ? value : "—"));
}

static void
add_document_control (DkPrintDocument *self,
                      DkStore         *store,
                      const DkRoutine *routine)
{
  DkPrintBlock *block = _dk_print_document_add (self, DK_PRINT_BLOCK_FIELDS);
  g_autofree char *services = _dk_print_dup_service_names (store, routine->services);
  g_autofree char *revision = g_strdup_printf ("%" G_GINT64_FORMAT, routine->revision);
  g_autofree char *approved_at = _dk_print_format_date (routine->approved_at);
  g_autofree char *approved = NULL;
  g_autofree char *valid_until = _dk_print_format_date (routine->valid_until);

  if (approved_at == NULL)
    approved = g_strdup (_("Not approved (draft)"));
  else if (routine->approved_by != NULL)
    /* Translators: on paper: "2026-03-02 by routine_owner" */
    approved = g_strdup_printf (_("%s by %s"), approved_at, routine->approved_by);
  else
    approved = g_strdup (approved_at);

  block->labels = g_ptr_array_new_with_free_func (g_free);
  block->values = g_ptr_array_new_with_free_func (g_free);
  add_field (block->labels, block->values, _("Services"), services);
  add_field (block->labels, block->values, _("For"), routine->audience);
  add_field (block->labels, block->values, _("Owner"), routine->owner);
  add_field (block->labels, block->values, _("Revision"), revision);
  add_field (block->labels, block->values, _("Approved"), approved);
  add_field (block->labels, block->values, _("Valid until"),
             valid_until != NULL ? valid_until : _("Until further notice"));
}

/* The warning of an expired, expiring or draft routine; nothing for a current one. */
static void
add_validity_notice (DkPrintDocument *self,
                     const DkRoutine *routine,
                     gint64           now)
{
  g_autofree char *valid_until = _dk_print_format_date (routine->valid_until);
  g_autofree char *owner = g_strdup (routine->owner != NULL ? routine->owner : "—");
  DkPrintBlock *block;

  if (routine->approved_at == DK_TIME_UNSET)
    {
      block = _dk_print_document_add (self, DK_PRINT_BLOCK_NOTICE);
      block->text = g_strdup (_("DRAFT: this revision is not approved yet. Follow the "
                                "approved routine until it is."));
    }
  else if (dk_rules_routine_is_expired (routine, now))
    {
      block = _dk_print_document_add (self, DK_PRINT_BLOCK_NOTICE);
      /* Translators: on a printed routine; the date, then the owner */
      block->text = g_strdup_printf (_("EXPIRED on %s. This routine may be out of date: ask "
                                       "its owner (%s) for a reviewed revision."),
                                     valid_until, owner);
    }
  else if (dk_rules_routine_expires_soon (routine, now))
    {
      guint days = (guint) ((routine->valid_until - now + 86399) / 86400);

      block = _dk_print_document_add (self, DK_PRINT_BLOCK_NOTICE);
      /* Translators: on a printed routine; the date, the days left, then the owner */
      block->text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "Expires on %s, in %u day. Ask its owner "
                                                  "(%s) for a reviewed revision.",
                                                  "Expires on %s, in %u days. Ask its owner "
                                                  "(%s) for a reviewed revision.", days),
                                     valid_until, days, owner);
    }
}

static const char *
phase_heading (DkRoutinePhase phase)
{
  switch (phase)
    {
    case DK_ROUTINE_PHASE_BEFORE:
      /* Translators: the heading of a routine's first phase on paper (Swedish "Före") */
      return C_("routine phase", "Before");
    case DK_ROUTINE_PHASE_DURING:
      /* Translators: the heading of a routine's second phase on paper (Swedish "Under") */
      return C_("routine phase", "During");
    case DK_ROUTINE_PHASE_AFTER:
      /* Translators: the heading of a routine's last phase on paper (Swedish "Efter") */
      return C_("routine phase", "After");
    default:
      g_return_val_if_reached (NULL);
    }
}

static const char *
phase_purpose (DkRoutinePhase phase)
{
  switch (phase)
    {
    case DK_ROUTINE_PHASE_BEFORE:
      return _("Ready on the unit before an outage: printed, stored and known to everyone");
    case DK_ROUTINE_PHASE_DURING:
      return _("While the system is down");
    case DK_ROUTINE_PHASE_AFTER:
      return _("When the system is back: catch up and post-register");
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
add_step (DkPrintDocument     *self,
          const DkRoutineStep *step,
          gboolean             forms_in_pack)
{
  DkPrintBlock *block = _dk_print_document_add (self, DK_PRINT_BLOCK_STEP);
  g_autoptr(GString) detail = g_string_new (NULL);

  block->text = g_strdup (step->text);
  block->emphasis = _dk_print_describe_condition (step->condition);

  if (step->contact != NULL)
    {
      g_autofree char *contact = dup_contact (step->contact);

      /* Translators: on paper, under a step: "Contact: Användarstöd · office hours …" */
      g_string_append_printf (detail, _("Contact: %s"), contact);
    }
  if (step->form != NULL)
    {
      g_autofree char *form = _dk_print_form_title (step->form);

      if (detail->len > 0)
        g_string_append_c (detail, '\n');
      if (forms_in_pack)
        /* Translators: on paper, under a step: the form it names is in the same pack */
        g_string_append_printf (detail, _("Form: %s (in this pack)"), form);
      else
        /* Translators: on paper, under a step: the form it names */
        g_string_append_printf (detail, _("Form: %s"), form);
    }

  if (detail->len > 0)
    block->detail = g_string_free (g_steal_pointer (&detail), FALSE);
}

/* Adds the routines' forms, each once, to @forms (char *, borrowed). */
static void
collect_forms (const DkRoutine *routine,
               GPtrArray       *forms)
{
  for (guint i = 0; i < routine->steps->len; i++)
    {
      DkRoutineStep *step = g_ptr_array_index (routine->steps, i);

      if (step->form != NULL
          && !g_ptr_array_find_with_equal_func (forms, step->form, g_str_equal, NULL))
        g_ptr_array_add (forms, step->form);
    }
}

/* ---- the pack's routines ---- */

static gboolean
routine_has_service (const DkRoutine *routine,
                     GHashTable      *services)
{
  for (guint i = 0; i < routine->services->len; i++)
    {
      if (g_hash_table_contains (services, g_ptr_array_index (routine->services, i)))
        return TRUE;
    }

  return FALSE;
}

/* The services a unit follows (see the top of this file); an empty set means every
 * service. */
static GHashTable *
find_unit_services (DkStore            *store,
                    const char         *unit,
                    const char * const *named,
                    GPtrArray          *routines,
                    GError            **error)
{
  g_autoptr(GHashTable) services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(DkSubscription) subscription = NULL;
  g_autoptr(GPtrArray) runs = NULL;

  if (named != NULL && named[0] != NULL)
    {
      for (guint i = 0; named[i] != NULL; i++)
        {
          g_autoptr(DkService) service = dk_store_get_service (store, named[i], error);

          if (service == NULL)
            return NULL;
          g_hash_table_add (services, g_strdup (service->id));
        }
      return g_steal_pointer (&services);
    }

  subscription = dk_store_get_subscription (store, NULL);
  if (subscription == NULL || subscription->services->len == 0)
    return g_steal_pointer (&services);   /* every service */

  for (guint i = 0; i < subscription->services->len; i++)
    g_hash_table_add (services, g_strdup (g_ptr_array_index (subscription->services, i)));

  runs = dk_store_list_runs (store, error);
  if (runs == NULL)
    return NULL;
  for (guint i = 0; i < runs->len; i++)
    {
      DkRun *run = g_ptr_array_index (runs, i);

      if (g_strcmp0 (run->unit, unit) != 0)
        continue;
      for (guint j = 0; j < routines->len; j++)
        {
          DkRoutine *routine = g_ptr_array_index (routines, j);

          if (g_strcmp0 (routine->id, run->routine) != 0)
            continue;
          for (guint k = 0; k < routine->services->len; k++)
            g_hash_table_add (services, g_strdup (g_ptr_array_index (routine->services, k)));
        }
    }

  return g_steal_pointer (&services);
}

static int
compare_routines (gconstpointer a,
                  gconstpointer b)
{
  const DkRoutine *ra = *(DkRoutine * const *) a;
  const DkRoutine *rb = *(DkRoutine * const *) b;

  return g_utf8_collate (ra->title, rb->title);
}

static void
add_cover (DkPrintDocument *self,
           DkStore         *store,
           const char      *unit,
           GHashTable      *services,
           GPtrArray       *routines,
           GPtrArray       *forms)
{
  g_autoptr(GPtrArray) service_ids = g_ptr_array_new ();
  g_autofree char *service_names = NULL;
  DkPrintBlock *block;

  _dk_print_document_add_text (self, DK_PRINT_STYLE_TITLE, _("Downtime pack"));
  _dk_print_document_add_text (self, DK_PRINT_STYLE_SUBTITLE, unit);
  _dk_print_document_add_text (self, DK_PRINT_STYLE_BODY,
                               _("Keep this pack on the unit where everyone can find it. It "
                                 "holds the reserve routines to follow when a system is down "
                                 "and blank forms to fill in by hand until it is back. Tick "
                                 "each step as it is done and sign it."));
  _dk_print_document_add_space (self, 6);

  /* the services the routines are for: those followed that have one, or all of them */
  for (guint i = 0; i < routines->len; i++)
    {
      DkRoutine *routine = g_ptr_array_index (routines, i);

      for (guint j = 0; j < routine->services->len; j++)
        {
          char *id = g_ptr_array_index (routine->services, j);

          if ((g_hash_table_size (services) == 0 || g_hash_table_contains (services, id))
              && !g_ptr_array_find_with_equal_func (service_ids, id, g_str_equal, NULL))
            g_ptr_array_add (service_ids, id);
        }
    }
  service_names = _dk_print_dup_service_names (store, service_ids);
  block = _dk_print_document_add (self, DK_PRINT_BLOCK_FIELDS);
  block->labels = g_ptr_array_new_with_free_func (g_free);
  block->values = g_ptr_array_new_with_free_func (g_free);
  add_field (block->labels, block->values, _("Unit"), unit);
  add_field (block->labels, block->values, _("Services"), service_names);

  _dk_print_document_add_space (self, 8);
  _dk_print_document_add_text (self, DK_PRINT_STYLE_HEADING, _("Contents"));
  _dk_print_document_add_text (self, DK_PRINT_STYLE_SMALL, _("Reserve routines"));
  for (guint i = 0; i < routines->len; i++)
    {
      DkRoutine *routine = g_ptr_array_index (routines, i);

      block = _dk_print_document_add (self, DK_PRINT_BLOCK_CONTENTS);
      block->text = g_strdup (routine->title);
      block->target = g_strconcat ("routine:", routine->id, NULL);
    }
  if (forms->len > 0)
    {
      _dk_print_document_add_space (self, 6);
      _dk_print_document_add_text (self, DK_PRINT_STYLE_SMALL, _("Blank forms (copy as needed)"));
    }
  for (guint i = 0; i < forms->len; i++)
    {
      const char *form = g_ptr_array_index (forms, i);

      block = _dk_print_document_add (self, DK_PRINT_BLOCK_CONTENTS);
      block->text = _dk_print_form_title (form);
      block->target = g_strconcat ("form:", form, NULL);
    }
}

/* ---- private API ---- */

/**
 * _dk_print_describe_condition:
 * @condition: (nullable): "outage_over:10h", "outage_up_to:10h" (see
 *   dk_routine_step_applies ())
 *
 * Returns: (transfer full) (nullable): the condition in words
 */
char *
_dk_print_describe_condition (const char *condition)
{
  const char *hours_text;
  gboolean over;
  guint64 hours;
  char *end = NULL;

  if (condition == NULL)
    return NULL;

  over = g_str_has_prefix (condition, CONDITION_OVER);
  if (!over && !g_str_has_prefix (condition, CONDITION_UP_TO))
    /* Translators: on paper, a step's condition the program does not know */
    return g_strdup_printf (_("Only when: %s"), condition);

  hours_text = condition + strlen (over ? CONDITION_OVER : CONDITION_UP_TO);
  hours = g_ascii_strtoull (hours_text, &end, 10);
  if (end == hours_text || g_strcmp0 (end, "h") != 0)
    return g_strdup_printf (_("Only when: %s"), condition);

  if (over)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Only when the outage lasted more than %u hour",
                                         "Only when the outage lasted more than %u hours",
                                         hours), (guint) hours);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Only when the outage lasted %u hour or less",
                                       "Only when the outage lasted %u hours or less",
                                       hours), (guint) hours);
}

void
_dk_print_add_routine (DkPrintDocument *self,
                       DkStore         *store,
                       const DkRoutine *routine,
                       gint64           now,
                       gboolean         forms_in_pack)
{
  g_autofree char *key = g_strconcat ("routine:", routine->id, NULL);

  _dk_print_document_begin_section (self, key, routine->title);
  /* Translators: the small line above a printed routine's title */
  _dk_print_document_add_text (self, DK_PRINT_STYLE_SMALL, _("RESERVE ROUTINE"));
  _dk_print_document_add_text (self, DK_PRINT_STYLE_TITLE, routine->title);
  _dk_print_document_add_space (self, 8);
  add_document_control (self, store, routine);
  add_validity_notice (self, routine, now);

  for (int phase = DK_ROUTINE_PHASE_BEFORE; phase <= DK_ROUTINE_PHASE_LAST; phase++)
    {
      gboolean heading = FALSE;

      for (guint i = 0; i < routine->steps->len; i++)
        {
          DkRoutineStep *step = g_ptr_array_index (routine->steps, i);

          if ((int) step->phase != phase)
            continue;
          if (!heading)
            {
              DkPrintBlock *block = _dk_print_document_add (self, DK_PRINT_BLOCK_PHASE);

              block->text = g_strdup (phase_heading (phase));
              block->detail = g_strdup (phase_purpose (phase));
              block->keep_with_next = TRUE;
              heading = TRUE;
            }
          add_step (self, step, forms_in_pack);
        }
    }

  if (routine->steps->len == 0)
    _dk_print_document_add_text (self, DK_PRINT_STYLE_BODY, _("This routine has no steps."));
}

/* ---- public API ---- */

/**
 * dk_print_document_new_routine:
 * @store: the replica
 * @routine_id: a routine's id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the routine as a document, or %NULL with
 *   %DK_STORE_ERROR_NOT_FOUND when the replica has no such routine
 */
DkPrintDocument *
dk_print_document_new_routine (DkStore     *store,
                               const char  *routine_id,
                               GError     **error)
{
  g_autoptr(DkRoutine) routine = NULL;
  DkPrintDocument *self;

  g_return_val_if_fail (DK_IS_STORE (store), NULL);
  g_return_val_if_fail (routine_id != NULL, NULL);

  routine = dk_store_get_routine (store, routine_id, error);
  if (routine == NULL)
    return NULL;

  self = _dk_print_document_new (routine->title, store);
  _dk_print_add_routine (self, store, routine, dk_time_now (), FALSE);

  return self;
}

/**
 * dk_print_document_new_pack:
 * @store: the replica
 * @unit: the unit (ward) it is for, as people write it
 * @services: (nullable) (array zero-terminated=1): service ids, or %NULL for the services
 *   the unit follows
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the pack, or %NULL with %DK_STORE_ERROR_NOT_FOUND
 *   for an unknown service or %DK_PRINT_ERROR_EMPTY when no approved routine is for
 *   the services
 */
DkPrintDocument *
dk_print_document_new_pack (DkStore            *store,
                            const char         *unit,
                            const char * const *services,
                            GError            **error)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) routines = g_ptr_array_new ();
  g_autoptr(GPtrArray) forms = g_ptr_array_new ();
  g_autoptr(GHashTable) followed = NULL;
  g_autofree char *title = NULL;
  DkPrintDocument *self;
  gint64 now = dk_time_now ();

  g_return_val_if_fail (DK_IS_STORE (store), NULL);
  g_return_val_if_fail (unit != NULL, NULL);

  all = dk_store_list_routines (store, error);
  if (all == NULL)
    return NULL;
  followed = find_unit_services (store, unit, services, all, error);
  if (followed == NULL)
    return NULL;

  for (guint i = 0; i < all->len; i++)
    {
      DkRoutine *routine = g_ptr_array_index (all, i);

      if (routine->approved_at == DK_TIME_UNSET)
        continue;
      if (g_hash_table_size (followed) > 0 && !routine_has_service (routine, followed))
        continue;
      g_ptr_array_add (routines, routine);
    }
  if (routines->len == 0)
    {
      g_set_error (error, DK_PRINT_ERROR, DK_PRINT_ERROR_EMPTY,
                   _("No approved routine is for the services of %s; nothing to print"), unit);
      return NULL;
    }
  g_ptr_array_sort (routines, compare_routines);
  for (guint i = 0; i < routines->len; i++)
    collect_forms (g_ptr_array_index (routines, i), forms);

  /* Translators: the title of a unit's downtime pack (PDF title, job name) */
  title = g_strdup_printf (_("Downtime pack – %s"), unit);
  self = _dk_print_document_new (title, store);

  add_cover (self, store, unit, followed, routines, forms);
  for (guint i = 0; i < routines->len; i++)
    _dk_print_add_routine (self, store, g_ptr_array_index (routines, i), now, TRUE);
  for (guint i = 0; i < forms->len; i++)
    _dk_print_add_form (self, g_ptr_array_index (forms, i), unit);

  return self;
}

char *
_dk_print_dup_service_names (DkStore         *store,
                             const GPtrArray *services)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < services->len; i++)
    {
      const char *id = g_ptr_array_index (services, i);
      g_autoptr(DkService) service = dk_store_get_service (store, id, NULL);

      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, service != NULL && service->name != NULL ? service->name : id);
    }

  return g_string_free (g_steal_pointer (&names), FALSE);
}
