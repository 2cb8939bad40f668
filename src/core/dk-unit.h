/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-unit.h: a unit of the catalogue (a ward, a lab, a care home) with its aliases */
#pragma once

#include <glib-object.h>

#include "dk-time.h"

G_BEGIN_DECLS

/* A unit's name and each alias: 1 to this many characters. */
#define DK_MAX_UNIT_CHARS    80
/* How many aliases a unit may have. */
#define DK_MAX_UNIT_ALIASES  20

#define DK_TYPE_UNIT (dk_unit_get_type ())

typedef struct {
  /*< private >*/
  gatomicrefcount  ref_count;
  /*< public >*/
  char            *id;           /* UUID */
  char            *name;         /* the canonical name: "Avdelning 12" */
  GPtrArray       *aliases;      /* (element-type utf8): "Avd 12", "Avd. 12" */
  char            *updated_by;   /* username, set by the server */
  gint64           updated_at;   /* set by the server */
  gint64           revision;
} DkUnit;

GType       dk_unit_get_type      (void) G_GNUC_CONST;
DkUnit     *dk_unit_new           (void);
DkUnit     *dk_unit_ref           (DkUnit       *self);
void        dk_unit_unref         (DkUnit       *self);
DkUnit     *dk_unit_copy          (const DkUnit *self);

/* The form two unit names are compared in: Unicode-normalized, case-folded, without any
 * white space ("Avd 12", " avd  12 " and "AVD12" have the same key). (transfer full) */
char       *dk_unit_key           (const char   *text);
/* Whether @text is @self's name or one of its aliases, compared by dk_unit_key(). */
gboolean    dk_unit_answers_to    (const DkUnit *self,
                                   const char   *text);
/* The unit of @units (element-type DkUnit) whose name or alias @text is, or NULL.
 * (transfer none) */
DkUnit     *dk_units_find         (GPtrArray    *units,
                                   const char   *text);
/* Whether @a and @b name the same unit: one unit of @units answers to both (a name and
 * its alias), or, outside the catalogue, they have the same dk_unit_key(). Blanks never
 * match. */
gboolean    dk_units_same         (GPtrArray    *units,
                                   const char   *a,
                                   const char   *b);
/* Checks that no other unit of @units (one with another id) answers to @unit's name or
 * one of its aliases: DK_ERROR_DUPLICATE naming the name and the unit that has it. */
gboolean    dk_units_check_unique (GPtrArray    *units,
                                   const DkUnit *unit,
                                   GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkUnit, dk_unit_unref)

G_END_DECLS
