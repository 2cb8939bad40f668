/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-service.h: a service (berörd tjänst): an IT system, power, gas, a service delivery */
#pragma once

#include <glib-object.h>

#include "dk-enums.h"

G_BEGIN_DECLS

#define DK_TYPE_SERVICE (dk_service_get_type ())

typedef struct {
  /*< private >*/
  gatomicrefcount  ref_count;
  /*< public >*/
  char            *id;           /* short stable slug: "tes", "klinisk-kemi" */
  char            *name;
  DkArea           area;
  char            *description;
  gint64           revision;
} DkService;

GType      dk_service_get_type (void) G_GNUC_CONST;
DkService *dk_service_new      (void);
DkService *dk_service_ref      (DkService       *self);
void       dk_service_unref    (DkService       *self);
DkService *dk_service_copy     (const DkService *self);
/* A slug for a service name: lower case ASCII letters, digits and '-', with å/ä → a,
 * ö/ø → o, æ → ae ("Klinisk kemi" → "klinisk-kemi", "Rörpost" → "rorpost"). */
char      *dk_service_slug_from_name (const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkService, dk_service_unref)

G_END_DECLS
