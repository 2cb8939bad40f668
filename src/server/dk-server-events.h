/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-events.h: the WebSocket fan-out of "something changed" */
#pragma once

#include <libsoup/soup.h>

#include "dk-server-metrics.h"

G_BEGIN_DECLS

#define DK_TYPE_EVENT_HUB (dk_event_hub_get_type ())
G_DECLARE_FINAL_TYPE (DkEventHub, dk_event_hub, DK, EVENT_HUB, GObject)

/* Pings every @keepalive_seconds; a connection that answered no ping for three
 * intervals is closed. */
DkEventHub *dk_event_hub_new        (guint                    keepalive_seconds);
/* Answers a request for the events socket: 101, or an error status. */
gboolean    dk_event_hub_answer_upgrade (DkEventHub          *self,
                                         SoupServerMessage   *msg);
/* Takes the connection stolen from @msg once its 101 went out (on "wrote-informational")
 * and sends it @last_seq at once. Plain connections are served from one epoll set. */
void        dk_event_hub_take       (DkEventHub              *self,
                                     GIOStream               *stream,
                                     SoupServerMessage       *msg,
                                     gint64                   last_seq);
/* Takes a WebSocket libsoup made and sends it @last_seq at once. */
void        dk_event_hub_add        (DkEventHub              *self,
                                     SoupWebsocketConnection *connection,
                                     gint64                   last_seq);
/* Sends {"last_seq": N} to every open connection. */
void        dk_event_hub_broadcast  (DkEventHub              *self,
                                     gint64                   last_seq);
guint       dk_event_hub_get_n_connections (DkEventHub       *self);
/* Counts the connections opened and closed in @metrics (nullable). */
void        dk_event_hub_set_metrics (DkEventHub             *self,
                                      DkServerMetrics        *metrics);
/* Closes every connection (server shutdown). */
void        dk_event_hub_close_all  (DkEventHub              *self);

G_END_DECLS
