/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-print-routine.c: a reserve routine on paper, alone or in a unit's downtime pack */

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
add_document_control (DkPrintDocument *self,
                      DkStore         *store,
                      const DkRoutine *routine)
{
  DkPrintBlock *block = _dk_print_document_add_fields (self);
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

  _dk_print_block_add_field (block, _("Services"), services);
  _dk_print_block_add_field (block, _("For"), routine->audience);
  _dk_print_block_add_field (block, _("Owner"), routine->owner);
  _dk_print_block_add_field (block, _("Revision"), revision);
  _dk_print_block_add_field (block, _("Approved"), approved);
  _dk_print_block_add_field (block, _("Valid until"),
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

/* ---- private API ---- */

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
