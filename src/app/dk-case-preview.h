/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-preview.h: a case not yet published, as its list row, as the desktop
 * notification followers get, and as on the public page */
#pragma once

#include <adwaita.h>

#include "dk-core.h"

G_BEGIN_DECLS

#define DK_TYPE_CASE_PREVIEW (dk_case_preview_get_type ())
G_DECLARE_FINAL_TYPE (DkCasePreview, dk_case_preview, DK, CASE_PREVIEW, AdwBin)

GtkWidget *dk_case_preview_new      (void);
/* Shows @kase; @service_names maps service ids to names (may be NULL). */
void       dk_case_preview_set_case (DkCasePreview *self,
                                     DkCase        *kase,
                                     GHashTable    *service_names);

G_END_DECLS
