/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-print-labels.h: the words printing uses for a step's condition, forms and services,
 * for the app and the cli to show the same words on screen as on paper */
#pragma once

#include <glib.h>

#include "dk-store.h"

G_BEGIN_DECLS

/* A step's condition in words ("Only when the outage lasted more than 10 hours"),
 * translated, or NULL when @condition is NULL. (transfer full) */
char *dk_print_describe_condition (const char *condition);
/* A form's title ("Manual journal note"), translated. (transfer full) */
char *dk_print_form_title         (const char *form);
/* The names of the services with ids @services (char *), ", " between them, as under a
 * printed routine's title; an id the replica does not know stands for itself.
 * (transfer full) */
char *dk_print_dup_service_names  (DkStore         *store,
                                   const GPtrArray *services);

G_END_DECLS
