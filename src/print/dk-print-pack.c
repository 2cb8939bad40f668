/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-print-pack.c: a unit's downtime pack: a cover with the contents, its routines and
 * the blank forms they name
 *
 * What "the services a unit follows" means for a pack, with what the replica holds:
 * a unit (the catalogue's name or an alias, compared through it) has no services of its
 * own, so a pack is made for the services named on the
 * command line (or picked in the app), and otherwise for the services of the replica's
 * user's subscription (the person printing it follows what the ward needs), together
 * with the services of every routine already run on that unit. A subscription that
 * names no service follows every service, and so does a replica with no subscription:
 * the pack then holds every approved routine. Drafts are never in a pack; an expired
 * routine is, with its warning, because an old routine on the ward beats none.
 */

#define G_LOG_DOMAIN "dk-print-pack"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-print-private.h"

/* ---- helpers ---- */

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

      if (!dk_store_same_unit (store, run->unit, unit))
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
  block = _dk_print_document_add_fields (self);
  _dk_print_block_add_field (block, _("Unit"), unit);
  _dk_print_block_add_field (block, _("Services"), service_names);

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
/* ---- public API ---- */

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
