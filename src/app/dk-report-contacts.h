/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-report-contacts.h: whom a reporter calls about a fault, and when (seeds 003, 004)
 *
 * The one place the app finds phone numbers for reporters: the settings keys
 * "support-phone" and "on-call-phone" when set, otherwise the contact the replica's
 * reserve routines give for the service (their "during" steps, as the server's data
 * says), otherwise the first routine contact with numbers. User support answers during
 * office hours (weekdays 08–16, local time); the on-call number evenings, nights and
 * weekends.
 */
#pragma once

#include <gio/gio.h>

#include "dk-store.h"

G_BEGIN_DECLS

typedef struct {
  char     *name;          /* who answers ("Användarstöd"), may be NULL */
  char     *office_hours;  /* user support, weekdays 08–16; NULL when unknown */
  char     *on_call;       /* evenings, nights and weekends; NULL when unknown */
} DkReportContacts;

DkReportContacts *dk_report_contacts_find       (DkStore                *store,
                                                 GSettings              *settings,
                                                 const char             *service_id);
void              dk_report_contacts_free       (DkReportContacts       *contacts);
/* Whether @t (Unix seconds) falls in user support's office hours, local time. */
gboolean          dk_report_contacts_office_hours (gint64               t);
/* The number to call at @t (may be NULL when none is known). */
const char       *dk_report_contacts_number_now (const DkReportContacts *contacts,
                                                 gint64                  t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkReportContacts, dk_report_contacts_free)

G_END_DECLS
