/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-priority-matrix.h: impact × urgency as the 3×3 matrix of seed 001, with the chosen
 * priority's meaning in words */
#pragma once

#include <adwaita.h>

#include "dk-core.h"

G_BEGIN_DECLS

#define DK_TYPE_PRIORITY_MATRIX (dk_priority_matrix_get_type ())
G_DECLARE_FINAL_TYPE (DkPriorityMatrix, dk_priority_matrix, DK, PRIORITY_MATRIX, AdwBin)

GtkWidget *dk_priority_matrix_new          (void);
DkLevel    dk_priority_matrix_get_impact   (DkPriorityMatrix *self);
DkLevel    dk_priority_matrix_get_urgency  (DkPriorityMatrix *self);
void       dk_priority_matrix_set_levels   (DkPriorityMatrix *self,
                                            DkLevel           impact,
                                            DkLevel           urgency);
/* 1–5, from the two levels (dk_priority_from_matrix ()). */
int        dk_priority_matrix_get_priority (DkPriorityMatrix *self);

/*
 * Properties: "impact", "urgency" (int, DkLevel 1–3), "priority" (int 1–5, read-only);
 *   each notifies when the user picks another cell.
 */

G_END_DECLS
