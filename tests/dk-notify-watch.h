/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-notify-watch.h: watches the session bus for Notify calls (a D-Bus monitor), for the
 * notifier's test and bench; run under tests/run-ui.sh --dunst */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char    *summary;
  char    *body;
  char   **actions;    /* key, label, key, label, ... */
  guint8   urgency;    /* 0 low, 1 normal, 2 critical */
  gint64   seen_at;    /* g_get_monotonic_time () when the call went by */
} DkNotifyCall;

typedef struct _DkNotifyWatch DkNotifyWatch;

DkNotifyWatch *dk_notify_watch_new       (void);
void           dk_notify_watch_free      (DkNotifyWatch *self);
/* Waits (running the main loop) for the next Notify call, at most @seconds; NULL when
 * none came. */
DkNotifyCall  *dk_notify_watch_next      (DkNotifyWatch *self,
                                          guint          seconds);
/* The calls that came so far and were not taken. */
guint          dk_notify_watch_pending   (DkNotifyWatch *self);
void           dk_notify_call_free       (DkNotifyCall  *call);
/* Whether the call has the action @key with the label @label. */
gboolean       dk_notify_call_has_action (DkNotifyCall  *call,
                                          const char    *key,
                                          const char    *label);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkNotifyCall, dk_notify_call_free)

G_END_DECLS
