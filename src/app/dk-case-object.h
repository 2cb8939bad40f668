/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-object.h: a case as an item of a list model, with whether it waits to be sent */
#pragma once

#include <glib-object.h>

#include "dk-core.h"

G_BEGIN_DECLS

#define DK_TYPE_CASE_OBJECT (dk_case_object_get_type ())
G_DECLARE_FINAL_TYPE (DkCaseObject, dk_case_object, DK, CASE_OBJECT, GObject)

/* What a list row says of a case's changes made here. */
typedef enum {
  DK_CASE_MARK_NONE,        /* nothing of this desktop's waits */
  DK_CASE_MARK_PENDING,     /* saved here, waiting to publish */
  DK_CASE_MARK_CONFLICT,    /* changed on the server meanwhile: the user chooses */
  DK_CASE_MARK_REJECTED,    /* the server did not accept it */
} DkCaseMark;

DkCaseObject *dk_case_object_new         (DkCase       *kase,
                                          gboolean      pending);
DkCaseObject *dk_case_object_new_marked  (DkCase       *kase,
                                          DkCaseMark    mark);
DkCaseMark    dk_case_object_get_mark    (DkCaseObject *self);
DkCase       *dk_case_object_get_case    (DkCaseObject *self);
/* Whether the case has local changes not yet sent to the server. */
gboolean      dk_case_object_get_pending (DkCaseObject *self);

G_END_DECLS
