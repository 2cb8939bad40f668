/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-template.h: a publisher's message template, private or shared with a team */
#pragma once

#include <glib-object.h>

#include "dk-enums.h"
#include "dk-time.h"

G_BEGIN_DECLS

#define DK_TYPE_TEMPLATE (dk_template_get_type ())

typedef struct {
  /*< private >*/
  gatomicrefcount  ref_count;
  /*< public >*/
  char            *id;           /* UUID */
  char            *name;         /* what the publisher calls it */
  char            *language;     /* "sv" | "nb" | "en" */
  DkCaseKind       kind;
  DkArea           area;
  char            *title;
  char            *description;
  char            *scope;
  char            *owner;        /* username, set by the server */
  DkRole           team;         /* 0: private to the owner; one publishing role: shared with it */
  gint64           updated_at;   /* set by the server */
  gint64           revision;
} DkTemplate;

GType       dk_template_get_type (void) G_GNUC_CONST;
DkTemplate *dk_template_new      (void);
DkTemplate *dk_template_ref      (DkTemplate       *self);
void        dk_template_unref    (DkTemplate       *self);
DkTemplate *dk_template_copy     (const DkTemplate *self);
/* Whether @username with @roles sees the template: its owner, or a holder of its team. */
gboolean    dk_template_is_visible_to (const DkTemplate *self,
                                       const char       *username,
                                       DkRole            roles);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkTemplate, dk_template_unref)

G_END_DECLS
