/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-inbox.h: the report handlers' inbox: reports grouped by service, probable incidents
 * marked
 *
 * When several units report the same service within a short time, the service is
 * probably down for everyone: the inbox shows such a group as a probable incident
 * (the "3 within 30 minutes", configurable). The cli's `inbox` and the app's
 * inbox both group with this.
 */
#pragma once

#include <glib.h>

#include "dk-report.h"

G_BEGIN_DECLS

#define DK_INBOX_DEFAULT_THRESHOLD       3
#define DK_INBOX_DEFAULT_WINDOW_SECONDS  (30 * 60)

typedef struct {
  char      *service;            /* the service id the reports name ("" when none) */
  GPtrArray *reports;            /* DkReport *, newest first */
  gboolean   probable_incident;  /* >= threshold distinct units within the window */
  gboolean   has_urgent;         /* an open urgent case (hastesak) is among them */
  guint      units;              /* distinct units among the open reports */
} DkInboxGroup;

void       dk_inbox_group_free     (DkInboxGroup *group);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkInboxGroup, dk_inbox_group_free)

/* Whether a report still waits for a handler (new or acknowledged). */
gboolean   dk_inbox_report_is_open (const DkReport *report);

GPtrArray *dk_inbox_group          (GPtrArray    *reports,
                                    guint         threshold,
                                    gint64        window_seconds,
                                    gint64        now);

G_END_DECLS
