/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-report.c: a fault report (felanmälan) or an urgent case (hastesak) */

#define G_LOG_DOMAIN "dk-report"

#include "config.h"

#include "dk-report.h"

G_DEFINE_BOXED_TYPE (DkReport, dk_report, dk_report_ref, dk_report_unref)

static void
dk_report_free (DkReport *self)
{
  g_free (self->id);
  g_free (self->number);
  g_free (self->service);
  g_free (self->unit);
  g_free (self->reporter);
  g_free (self->contact);
  g_free (self->description);
  g_free (self->users);
  g_free (self->computers);
  g_free (self->servers);
  g_free (self->competence);
  g_free (self->mobile);
  g_free (self->created_by);
  g_free (self->case_id);
  g_free (self->case_number);
  g_free (self->note);
  g_free (self->handled_by);
  g_free (self);
}

/**
 * dk_report_new:
 *
 * Returns: (transfer full): a new, empty fault report in state "new"
 */
DkReport *
dk_report_new (void)
{
  DkReport *self = g_new0 (DkReport, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->created_at = DK_TIME_UNSET;
  self->received_at = DK_TIME_UNSET;
  self->handled_at = DK_TIME_UNSET;
  return self;
}

/**
 * dk_report_ref:
 * @self: a #DkReport
 *
 * Returns: (transfer full): @self
 */
DkReport *
dk_report_ref (DkReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * dk_report_unref:
 * @self: (transfer full): a #DkReport
 */
void
dk_report_unref (DkReport *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    dk_report_free (self);
}

/**
 * dk_report_copy:
 * @self: a #DkReport
 *
 * Returns: (transfer full): a deep copy of @self
 */
DkReport *
dk_report_copy (const DkReport *self)
{
  DkReport *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = dk_report_new ();
  copy->id = g_strdup (self->id);
  copy->number = g_strdup (self->number);
  copy->kind = self->kind;
  copy->service = g_strdup (self->service);
  copy->unit = g_strdup (self->unit);
  copy->reporter = g_strdup (self->reporter);
  copy->contact = g_strdup (self->contact);
  copy->description = g_strdup (self->description);
  copy->state = self->state;
  copy->users = g_strdup (self->users);
  copy->computers = g_strdup (self->computers);
  copy->servers = g_strdup (self->servers);
  copy->competence = g_strdup (self->competence);
  copy->mobile = g_strdup (self->mobile);
  copy->created_by = g_strdup (self->created_by);
  copy->created_at = self->created_at;
  copy->received_at = self->received_at;
  copy->case_id = g_strdup (self->case_id);
  copy->case_number = g_strdup (self->case_number);
  copy->note = g_strdup (self->note);
  copy->handled_by = g_strdup (self->handled_by);
  copy->handled_at = self->handled_at;
  copy->revision = self->revision;
  return copy;
}

/**
 * dk_report_dup_urgent_subject:
 * @self: a #DkReport
 * @service_name: (nullable): the service's name; the service id when %NULL
 *
 * The subject the operational coordinator expects of an urgent case (seed 004). It is a
 * fixed Norwegian phrase that the coordinator filters on, so it is never translated.
 *
 * Returns: (transfer full): "<service name> OK skal hjelpe"
 */
char *
dk_report_dup_urgent_subject (const DkReport *self,
                              const char     *service_name)
{
  const char *name;

  g_return_val_if_fail (self != NULL, NULL);

  name = service_name != NULL ? service_name : self->service;
  if (name == NULL || *name == '\0')
    return g_strdup ("OK skal hjelpe");
  return g_strdup_printf ("%s OK skal hjelpe", name);
}
