/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-subscription.h: what one user follows */
#pragma once

#include <glib-object.h>

#include "dk-case.h"

G_BEGIN_DECLS

#define DK_TYPE_SUBSCRIPTION (dk_subscription_get_type ())

typedef struct {
  /*< private >*/
  gatomicrefcount  ref_count;
  /*< public >*/
  char            *id;            /* one per user: the server uses "sub:<username>" */
  char            *user;
  GPtrArray       *areas;         /* char *: area wire names; empty = every area */
  GPtrArray       *services;      /* char *: service ids; empty = every service */
  GPtrArray       *kinds;         /* char *: kind wire names; empty = every kind */
  int              min_priority;  /* follow cases with priority <= this (1–5) */
  gboolean         major_only;
  gboolean         all_crisis;    /* crisis information always, whatever its priority */
  gboolean         notify;        /* desktop notifications on or off */
  gint64           revision;
} DkSubscription;

GType           dk_subscription_get_type    (void) G_GNUC_CONST;
/* The default a user has until they choose: major incidents (priority 1–2) and crisis
 * information in every area. */
DkSubscription *dk_subscription_new_default (const char           *user);
DkSubscription *dk_subscription_ref         (DkSubscription       *self);
void            dk_subscription_unref       (DkSubscription       *self);
DkSubscription *dk_subscription_copy        (const DkSubscription *self);
/* Whether a case is one this subscription follows. */
gboolean        dk_subscription_matches     (const DkSubscription *self,
                                             const DkCase         *kase);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkSubscription, dk_subscription_unref)

G_END_DECLS
