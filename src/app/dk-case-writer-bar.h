/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-writer-bar.h: a case page's writer actions: add an update, close, and add a
 * follow-up note, shown only to whoever may publish the case's kind in its area */
#pragma once

#include <adwaita.h>

#include "dk-store.h"

G_BEGIN_DECLS

#define DK_TYPE_CASE_WRITER_BAR (dk_case_writer_bar_get_type ())
G_DECLARE_FINAL_TYPE (DkCaseWriterBar, dk_case_writer_bar, DK, CASE_WRITER_BAR, AdwBin)

/* Shows the actions the logged-in user may take on @kase (none: the bar hides). */
void dk_case_writer_bar_set_case (DkCaseWriterBar *self,
                                  DkStore         *store,
                                  DkCase          *kase);

G_END_DECLS
