/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-pg-listener.h: LISTEN for the commits of every instance on one PostgreSQL */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DK_TYPE_SERVER_PG_LISTENER (dk_server_pg_listener_get_type ())
G_DECLARE_FINAL_TYPE (DkServerPgListener, dk_server_pg_listener, DK, SERVER_PG_LISTENER, GObject)

/* A listener on @conninfo (a postgresql:// URL or a key=value string, as given to
 * --db), not yet started. Its connection is its own, named "driftkoll-listener" in
 * pg_stat_activity. */
DkServerPgListener *dk_server_pg_listener_new           (const char         *conninfo);
/* Connects (without blocking the main loop) and LISTENs; keeps reconnecting with
 * backoff until stopped. */
void                dk_server_pg_listener_start         (DkServerPgListener *self);
/* Closes the connection and gives up reconnecting. */
void                dk_server_pg_listener_stop          (DkServerPgListener *self);
/* Whether LISTEN is in force on a live connection right now. */
gboolean            dk_server_pg_listener_get_listening (DkServerPgListener *self);

G_END_DECLS
