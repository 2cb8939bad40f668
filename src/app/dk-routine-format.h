/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routine-format.h: routines, steps and runs in words for the routine pages */
#pragma once

#include <adwaita.h>

#include "dk-store.h"

G_BEGIN_DECLS

/* Whether the replica's user may create, edit and approve routines (routine_owner or
 * admin, from the roles the server gave at login). */
gboolean   dk_routine_user_may_edit      (DkStore             *store);
/* The logged-in username, or NULL. (transfer full) */
char      *dk_routine_dup_me             (DkStore             *store);
/* A step's condition, contact, form and deadline, one per line; NULL when it has none.
 * (transfer full) */
char      *dk_routine_step_dup_details   (const DkRoutineStep *step);
/* "Office hours 031-… · On call 031-…" (transfer full) */
char      *dk_routine_contact_dup_numbers (const DkContact    *contact);
/* The heading of a phase: "Before an outage", "During the outage", "After the outage" */
const char *dk_routine_phase_heading     (DkRoutinePhase       phase);
/* An empty label that wraps, for a line of text under a heading. */
GtkWidget *dk_routine_new_text_label     (const char          *text,
                                          const char          *css_class);
/* Activating @row activates @widget, which keeps its own accessible name. */
void       dk_routine_row_activates      (AdwActionRow        *row,
                                          GtkWidget           *widget);

G_END_DECLS
