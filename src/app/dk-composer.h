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

G_END_DECLS
