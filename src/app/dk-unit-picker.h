/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-unit-picker.h: an entry row for a unit, with the catalogue as suggestions */
#pragma once

#include <adwaita.h>

#include "dk-store.h"

G_BEGIN_DECLS

#define DK_TYPE_UNIT_PICKER (dk_unit_picker_get_type ())
G_DECLARE_FINAL_TYPE (DkUnitPicker, dk_unit_picker, DK, UNIT_PICKER, AdwEntryRow)

GtkWidget  *dk_unit_picker_new           (DkStore      *store);
void        dk_unit_picker_set_store     (DkUnitPicker *self,
                                          DkStore      *store);
/* What was picked: the catalogue's name when the text is a unit's name or alias (any
 * case, any spacing), else the text as typed, trimmed; NULL when empty. (transfer full) */
char       *dk_unit_picker_dup_unit      (DkUnitPicker *self);
/* With "multiple": the comma-separated units, each as dk_unit_picker_dup_unit () says,
 * without empty ones or the same unit twice. (transfer full) */
GStrv       dk_unit_picker_dup_units     (DkUnitPicker *self);
/* Replaces the text with the catalogue's names of what was typed. */
void        dk_unit_picker_canonicalize  (DkUnitPicker *self);

G_END_DECLS
