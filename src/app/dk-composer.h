/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-composer.h: "New Case": compose, preview and publish a case */
#pragma once

#include <adwaita.h>

#include "dk-sync-engine.h"

G_BEGIN_DECLS

#define DK_TYPE_COMPOSER (dk_composer_get_type ())
G_DECLARE_FINAL_TYPE (DkComposer, dk_composer, DK, COMPOSER, AdwWindow)

/* A composer for the logged-in user, limited to the kinds and areas their roles allow.
 * It reads the service catalogue and the templates, never the cases. */
DkComposer *dk_composer_new (GtkWindow    *parent,
                             DkSyncEngine *engine);

/* Prefills the form from @draft (kind and area when the roles allow them, title,
 * description, scope, services, start, estimated end, priority, public, external
 * reference): "turn these reports into an incident". */
void        dk_composer_set_draft   (DkComposer         *self,
                                     const DkCase       *draft);
/* Reports to link to the new case when it is published (report.link after case.create,
 * in one outbox order, so it works offline). */
void        dk_composer_set_reports (DkComposer         *self,
                                     const char * const *report_ids);

G_END_DECLS
