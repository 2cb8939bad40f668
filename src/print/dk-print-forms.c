/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-print-forms.c: the blank forms a routine names, to fill in by hand during an outage
 *
 * manual_journal_note (manuell journalanteckning), deviation_report (avvikelserapport)
 * and post_registration (efterregistrering av tider och åtgärder) have forms of their
 * own; any other name a routine uses gets a ruled page with that name as its title.
 */

#define G_LOG_DOMAIN "dk-print-forms"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-print-private.h"

#define FORM_MANUAL_JOURNAL_NOTE "manual_journal_note"
#define FORM_DEVIATION_REPORT    "deviation_report"
#define FORM_POST_REGISTRATION   "post_registration"

/* ---- building blocks ---- */

/* A row of labelled blanks; the arguments are pairs of a label and its share of the
 * width, ended by NULL. */
static DkPrintBlock *
add_row (DkPrintDocument *self,
         const char      *first_label,
         ...)
{
  DkPrintBlock *block = _dk_print_document_add (self, DK_PRINT_BLOCK_FORM_ROW);
  const char *label = first_label;
  va_list args;

  block->labels = g_ptr_array_new_with_free_func (g_free);
  block->widths = g_array_new (FALSE, FALSE, sizeof (double));

  va_start (args, first_label);
  while (label != NULL)
    {
      double share = va_arg (args, double);

      g_ptr_array_add (block->labels, g_strdup (label));
      g_array_append_val (block->widths, share);
      label = va_arg (args, const char *);
    }
  va_end (args);

  return block;
}

/* Fills in the first blank of the row just added. */
static void
fill_first (DkPrintDocument *self,
            DkPrintBlock    *block,
            const char      *value)
{
  block->values = g_ptr_array_new_full (block->labels->len, g_free);
  g_ptr_array_add (block->values, g_strdup (value));
  for (guint i = 1; i < block->labels->len; i++)
    g_ptr_array_add (block->values, NULL);
}

static void
add_lines (DkPrintDocument *self,
           const char      *label,
           guint            n_lines)
{
  DkPrintBlock *block = _dk_print_document_add (self, DK_PRINT_BLOCK_FORM_LINES);

  block->text = g_strdup (label);
  block->n_lines = n_lines;
}

static void
begin_form (DkPrintDocument *self,
            const char      *form,
            const char      *unit,
            const char      *purpose)
{
  g_autofree char *key = g_strconcat ("form:", form, NULL);
  g_autofree char *title = _dk_print_form_title (form);
  g_autofree char *header = NULL;

  /* Translators: the running header of a blank form in a pack: form, unit */
  header = g_strdup_printf (_("%s · %s"), title, unit);
  _dk_print_document_begin_section (self, key, header);
  /* Translators: the small line above a blank form's title */
  _dk_print_document_add_text (self, DK_PRINT_STYLE_SMALL, _("FORM · FILL IN BY HAND"));
  _dk_print_document_add_text (self, DK_PRINT_STYLE_TITLE, title);
  _dk_print_document_add_text (self, DK_PRINT_STYLE_SUBTITLE, purpose);
}

/* ---- the forms ---- */

static void
add_manual_journal_note (DkPrintDocument *self,
                         const char      *unit)
{
  begin_form (self, FORM_MANUAL_JOURNAL_NOTE, unit,
              _("Write a note here while the journal system is down. Enter it into the "
                "journal as soon as the system is back, then mark it entered below."));
  add_row (self, _("Patient or client (name)"), 2.0, _("Personal identity number"), 1.2, NULL);
  fill_first (self, add_row (self, _("Unit"), 2.0, _("Date and time"), 1.2, NULL), unit);
  add_lines (self, _("Note"), 14);
  add_row (self, _("Written by (name, title)"), 2.0, _("Signature"), 1.2, NULL);
  _dk_print_document_add_space (self, 6);
  _dk_print_document_add_text (self, DK_PRINT_STYLE_HEADING, _("Entered into the journal"));
  add_row (self, _("Date"), 1.0, _("Entered by"), 1.6, _("Signature"), 1.2, NULL);
}

static void
add_deviation_report (DkPrintDocument *self,
                      const char      *unit)
{
  begin_form (self, FORM_DEVIATION_REPORT, unit,
              _("Report every deviation that happens during the outage. Enter the report "
                "into the deviation system when it is back."));
  fill_first (self, add_row (self, _("Unit"), 2.0, _("Date and time of the event"), 1.2, NULL),
              unit);
  add_row (self, _("Reported by (name, title)"), 2.0, _("Phone"), 1.2, NULL);
  add_row (self, _("Patient or client concerned, if any"), 2.0,
           _("Personal identity number"), 1.2, NULL);
  add_lines (self, _("What happened?"), 6);
  add_lines (self, _("What was done at once?"), 4);
  add_lines (self, _("Consequences for the patient or client, and the risk"), 3);
  add_lines (self, _("Proposed measures"), 3);
  _dk_print_document_add_text (self, DK_PRINT_STYLE_HEADING,
                               _("Entered into the deviation system"));
  add_row (self, _("Date"), 1.0, _("Entered by"), 1.6, _("Signature"), 1.2, NULL);
}

static void
add_post_registration (DkPrintDocument *self,
                       const char      *unit)
{
  DkPrintBlock *block;
  const char *columns[] = {
    N_("Patient or client"), N_("Date"), N_("From"), N_("To"), N_("Intervention"),
    N_("Sign."),
  };
  const double shares[] = { 2.4, 1.1, 0.8, 0.8, 3.0, 0.9 };

  begin_form (self, FORM_POST_REGISTRATION, unit,
              _("Write down times and interventions while the system is down, one line "
                "each. After the outage they are registered in the system as the routine "
                "says."));
  fill_first (self, add_row (self, _("Unit"), 2.0, _("Employee"), 2.0, NULL), unit);
  add_row (self, _("Outage from (date, time)"), 1.0, _("Outage to (date, time)"), 1.0, NULL);

  block = _dk_print_document_add (self, DK_PRINT_BLOCK_FORM_TABLE);
  block->labels = g_ptr_array_new_with_free_func (g_free);
  block->widths = g_array_new (FALSE, FALSE, sizeof (double));
  block->n_lines = 17;
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_ptr_array_add (block->labels, g_strdup (_(columns[i])));
      g_array_append_val (block->widths, shares[i]);
    }

  _dk_print_document_add_text (self, DK_PRINT_STYLE_HEADING, _("Registered in the system"));
  add_row (self, _("Date"), 1.0, _("Registered by"), 1.6, _("Signature"), 1.2, NULL);
}

static void
add_other_form (DkPrintDocument *self,
                const char      *form,
                const char      *unit)
{
  begin_form (self, form, unit, _("A blank form named by a routine."));
  fill_first (self, add_row (self, _("Unit"), 2.0, _("Date and time"), 1.2, NULL), unit);
  add_lines (self, _("Notes"), 20);
  add_row (self, _("Name"), 2.0, _("Signature"), 1.2, NULL);
}

/* ---- private API ---- */

char *
_dk_print_form_title (const char *form)
{
  if (g_strcmp0 (form, FORM_MANUAL_JOURNAL_NOTE) == 0)
    return g_strdup (_("Manual journal note"));
  if (g_strcmp0 (form, FORM_DEVIATION_REPORT) == 0)
    return g_strdup (_("Deviation report"));
  if (g_strcmp0 (form, FORM_POST_REGISTRATION) == 0)
    return g_strdup (_("Post-registration of times and interventions"));

  /* a form of the routine's own: its name, made readable */
  return g_strdelimit (g_strdup (form), "_", ' ');
}

void
_dk_print_add_form (DkPrintDocument *self,
                    const char      *form,
                    const char      *unit)
{
  if (g_strcmp0 (form, FORM_MANUAL_JOURNAL_NOTE) == 0)
    add_manual_journal_note (self, unit);
  else if (g_strcmp0 (form, FORM_DEVIATION_REPORT) == 0)
    add_deviation_report (self, unit);
  else if (g_strcmp0 (form, FORM_POST_REGISTRATION) == 0)
    add_post_registration (self, unit);
  else
    add_other_form (self, form, unit);
}
