/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-report-contacts.c: whom a reporter calls about a fault, and when */

#define G_LOG_DOMAIN "dk-report-contacts"

#include "config.h"

#include "dk-report-contacts.h"

/* User support's office hours (seed 003: "vardagar mellan 8.00 - 16.00"). */
#define OFFICE_OPENS_HOUR  8
#define OFFICE_CLOSES_HOUR 16

static gboolean
has_text (const char *text)
{
  return text != NULL && *text != '\0';
}

/* The first contact with a number among @routine's steps, "during" steps first. */
static const DkContact *
routine_contact (const DkRoutine *routine)
{
  const DkContact *any = NULL;

  for (guint i = 0; i < routine->steps->len; i++)
    {
      const DkRoutineStep *step = g_ptr_array_index (routine->steps, i);

      if (step->contact == NULL ||
          (!has_text (step->contact->office_hours) && !has_text (step->contact->on_call)))
        continue;
      if (step->phase == DK_ROUTINE_PHASE_DURING)
        return step->contact;
      if (any == NULL)
        any = step->contact;
    }

  return any;
}

static gboolean
routine_has_service (const DkRoutine *routine,
                     const char      *service_id)
{
  if (service_id == NULL || routine->services == NULL)
    return FALSE;

  for (guint i = 0; i < routine->services->len; i++)
    if (g_strcmp0 (g_ptr_array_index (routine->services, i), service_id) == 0)
      return TRUE;

  return FALSE;
}

/**
 * dk_report_contacts_find:
 * @store: the replica
 * @settings: the app's settings ("support-phone", "on-call-phone")
 * @service_id: (nullable): the affected service
 *
 * Returns: (transfer full): whom to call; its numbers may be NULL when nothing says
 */
DkReportContacts *
dk_report_contacts_find (DkStore    *store,
                         GSettings  *settings,
                         const char *service_id)
{
  DkReportContacts *contacts = g_new0 (DkReportContacts, 1);
  g_autofree char *support = NULL;
  g_autofree char *on_call = NULL;
  g_autoptr(GPtrArray) routines = NULL;
  g_autoptr(GError) error = NULL;
  const DkContact *found = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), contacts);

  if (settings != NULL)
    {
      support = g_settings_get_string (settings, "support-phone");
      on_call = g_settings_get_string (settings, "on-call-phone");
    }

  routines = dk_store_list_routines (store, &error);
  if (routines == NULL)
    g_debug ("No routines to find a contact in: %s", error->message);
  for (guint pass = 0; routines != NULL && pass < 2 && found == NULL; pass++)
    for (guint i = 0; i < routines->len && found == NULL; i++)
      {
        const DkRoutine *routine = g_ptr_array_index (routines, i);

        if (pass == 0 && !routine_has_service (routine, service_id))
          continue;
        found = routine_contact (routine);
      }

  if (found != NULL)
    {
      contacts->name = g_strdup (found->name);
      contacts->office_hours = g_strdup (found->office_hours);
      contacts->on_call = g_strdup (found->on_call);
    }
  if (has_text (support))
    {
      g_free (contacts->office_hours);
      contacts->office_hours = g_steal_pointer (&support);
    }
  if (has_text (on_call))
    {
      g_free (contacts->on_call);
      contacts->on_call = g_steal_pointer (&on_call);
    }

  return contacts;
}

void
dk_report_contacts_free (DkReportContacts *contacts)
{
  if (contacts == NULL)
    return;

  g_free (contacts->name);
  g_free (contacts->office_hours);
  g_free (contacts->on_call);
  g_free (contacts);
}

/**
 * dk_report_contacts_office_hours:
 * @t: a time, Unix seconds
 *
 * Returns: whether @t is on a weekday between 08 and 16, local time
 */
gboolean
dk_report_contacts_office_hours (gint64 t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = NULL;
  int hour;

  if (utc == NULL)
    return FALSE;
  local = g_date_time_to_local (utc);
  hour = g_date_time_get_hour (local);

  return g_date_time_get_day_of_week (local) <= 5 &&
         hour >= OFFICE_OPENS_HOUR && hour < OFFICE_CLOSES_HOUR;
}

/**
 * dk_report_contacts_number_now:
 * @contacts: whom to call
 * @t: the time of the call
 *
 * Returns: (nullable): the number that answers at @t, the other one when that is unknown
 */
const char *
dk_report_contacts_number_now (const DkReportContacts *contacts,
                               gint64                  t)
{
  gboolean office;

  g_return_val_if_fail (contacts != NULL, NULL);

  office = dk_report_contacts_office_hours (t);
  if (office && contacts->office_hours != NULL)
    return contacts->office_hours;
  if (!office && contacts->on_call != NULL)
    return contacts->on_call;

  return contacts->office_hours != NULL ? contacts->office_hours : contacts->on_call;
}
