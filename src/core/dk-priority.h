/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-priority.h: the ITIL impact × urgency matrix (seed 001) */
#pragma once

#include "dk-enums.h"

G_BEGIN_DECLS

#define DK_PRIORITY_HIGHEST 1
#define DK_PRIORITY_LOWEST  5

/*
 *              urgency high  medium  low
 * impact high          1       2      3
 *        medium        2       3      4
 *        low           3       4      5
 */
int         dk_priority_from_matrix (DkLevel impact,
                                     DkLevel urgency);
/* Priority 1 and 2 start the major incident routine (Stor incident). */
gboolean    dk_priority_is_major    (int     priority);
gboolean    dk_priority_is_valid    (int     priority);
/* What a priority means, translated ("All or a vital part of the services stand still"). */
const char *dk_priority_label       (int     priority);
/* The priority and its meaning in one line ("3 – A minor disturbance …"), translated. */
char       *dk_priority_dup_description (int  priority);

G_END_DECLS
