/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-print-case.c: a case sheet: one page about one case for a ward's notice board */

#define G_LOG_DOMAIN "dk-print-case"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-print-private.h"

/* The titles of the approved routines for the case's services, one a line, or NULL. */
static char *
dup_routine_titles (DkStore      *store,
                    const DkCase *kase)
{
  g_autoptr(GPtrArray) routines = dk_store_list_routines (store, NULL);
  g_autoptr(GString) titles = g_string_new (NULL);

  for (guint i = 0; routines != NULL && i < routines->len; i++)
    {
      DkRoutine *routine = g_ptr_array_index (routines, i);

      if (routine->approved_at == DK_TIME_UNSET)
        continue;
      for (guint j = 0; j < routine->services->len; j++)
        {
          if (g_ptr_array_find_with_equal_func (kase->services,
                                                g_ptr_array_index (routine->services, j),
                                                g_str_equal, NULL))
            {
              if (titles->len > 0)
                g_string_append_c (titles, '\n');
              g_string_append (titles, routine->title);
              break;
            }
        }
    }

  if (titles->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&titles), FALSE);
}

static void
add_case_fields (DkPrintDocument *self,
                 DkStore         *store,
                 const DkCase    *kase)
{
  DkPrintBlock *block = _dk_print_document_add_fields (self);
  g_autofree char *services = _dk_print_dup_service_names (store, kase->services);
  g_autofree char *start = _dk_print_format_time (kase->start);
  g_autofree char *expected_end = _dk_print_format_time (kase->expected_end);
  g_autofree char *closed_at = _dk_print_format_time (kase->closed_at);
  g_autofree char *number = NULL;

  block->style = DK_PRINT_STYLE_LARGE;

  _dk_print_block_add_field (block, _("Status"), dk_case_status_label (kase->status));
  _dk_print_block_add_field (block, _("Area"), dk_area_label (kase->area));
  _dk_print_block_add_field (block, _("Affected services"), services);
  _dk_print_block_add_field (block, _("Scope"), kase->scope);
  _dk_print_block_add_field (block, _("Started"), start);
  if (closed_at != NULL)
    _dk_print_block_add_field (block, _("Ended"), closed_at);
  else
    _dk_print_block_add_field (block, _("Estimated end"),
                               expected_end != NULL ? expected_end : _("Not known yet"));

  if (kase->number != NULL && kase->external_ref != NULL)
    /* Translators: a case number and the publisher's own ticket number */
    number = g_strdup_printf (_("%s (ref. %s)"), kase->number, kase->external_ref);
  else
    number = g_strdup (kase->number != NULL ? kase->number : _("Not assigned yet"));
  _dk_print_block_add_field (block, _("Case number"), number);
}

static void
add_latest_update (DkPrintDocument *self,
                   const DkCase    *kase)
{
  DkCaseUpdate *update = dk_case_get_latest_update (kase);
  g_autofree char *at = NULL;
  g_autofree char *heading = NULL;

  _dk_print_document_add_text (self, DK_PRINT_STYLE_HEADING, _("Latest update"));
  if (update == NULL)
    {
      _dk_print_document_add_text (self, DK_PRINT_STYLE_LARGE, _("No update yet."));
      return;
    }

  at = _dk_print_format_time (update->at);
  /* Translators: the latest update on a case sheet: its phrase, then its time */
  heading = g_strdup_printf (_("%s · %s"), dk_update_phrase_label (update->phrase), at);
  _dk_print_document_add_text (self, DK_PRINT_STYLE_SUBTITLE, heading);
  if (update->text != NULL && update->text[0] != '\0')
    _dk_print_document_add_text (self, DK_PRINT_STYLE_LARGE, update->text);
}

/* "INCIDENT · ONGOING · MAJOR INCIDENT" across the top, red while something is down. */
static void
add_banner (DkPrintDocument *self,
            const DkCase    *kase)
{
  DkPrintBlock *block = _dk_print_document_add (self, DK_PRINT_BLOCK_BANNER);
  g_autofree char *kind = g_utf8_strup (dk_case_kind_label (kase->kind), -1);
  g_autofree char *status = g_utf8_strup (dk_case_status_label (kase->status), -1);

  if (kase->major)
    /* Translators: the band atop a case sheet: kind, status, and that it is a major
     * incident */
    block->text = g_strdup_printf (_("%s · %s · MAJOR INCIDENT"), kind, status);
  else
    /* Translators: the band atop a case sheet: kind and status */
    block->text = g_strdup_printf (_("%s · %s"), kind, status);
  block->alert = kase->status == DK_CASE_STATUS_ONGOING && kase->kind != DK_CASE_KIND_PLANNED;
}

/**
 * dk_print_document_new_case:
 * @store: the replica
 * @case_id_or_number: a case's number ("DK-1042") or id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the case sheet, or %NULL with
 *   %DK_STORE_ERROR_NOT_FOUND when the replica has no such case
 */
DkPrintDocument *
dk_print_document_new_case (DkStore     *store,
                            const char  *case_id_or_number,
                            GError     **error)
{
  g_autoptr(DkCase) kase = NULL;
  g_autofree char *routines = NULL;
  DkPrintDocument *self;

  g_return_val_if_fail (DK_IS_STORE (store), NULL);
  g_return_val_if_fail (case_id_or_number != NULL, NULL);

  kase = dk_store_get_case (store, case_id_or_number, error);
  if (kase == NULL)
    return NULL;

  self = _dk_print_document_new (kase->title, store);

  add_banner (self, kase);
  _dk_print_document_add_text (self, DK_PRINT_STYLE_POSTER, kase->title);
  _dk_print_document_add_space (self, 6);
  add_case_fields (self, store, kase);
  _dk_print_document_add_space (self, 4);
  add_latest_update (self, kase);
  if (kase->description != NULL && kase->description[0] != '\0')
    {
      _dk_print_document_add_space (self, 6);
      _dk_print_document_add_text (self, DK_PRINT_STYLE_HEADING, _("About the case"));
      _dk_print_document_add_text (self, DK_PRINT_STYLE_LARGE, kase->description);
    }

  routines = dup_routine_titles (store, kase);
  if (routines != NULL && kase->status != DK_CASE_STATUS_CLOSED)
    {
      _dk_print_document_add_space (self, 6);
      _dk_print_document_add_text (self, DK_PRINT_STYLE_HEADING, _("Reserve routine to follow"));
      _dk_print_document_add_text (self, DK_PRINT_STYLE_LARGE, routines);
    }

  return self;
}
