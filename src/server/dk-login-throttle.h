/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-login-throttle.h: slows down failed logins, per user, per (user, address) and per
 * address */
#pragma once

#include <glib-object.h>

#include "dk-server-db.h"

G_BEGIN_DECLS

#define DK_TYPE_LOGIN_THROTTLE (dk_login_throttle_get_type ())
G_DECLARE_FINAL_TYPE (DkLoginThrottle, dk_login_throttle, DK, LOGIN_THROTTLE, GObject)

/* Counts in memory: one process. */
DkLoginThrottle *dk_login_throttle_new       (void);
/* Counts in @db's login_throttle table on PostgreSQL (shared by every instance on it),
 * in memory on SQLite. */
DkLoginThrottle *dk_login_throttle_new_for_db (DkServerDb     *db);
/* The clock @now is read from: monotonic seconds in memory, Unix seconds with a
 * database. */
gint64           dk_login_throttle_now       (DkLoginThrottle *self);
/* Seconds until a login for @username from @address may be tried again; 0 when it may
 * be tried now. @now is in seconds (dk_login_throttle_now ()). */
guint            dk_login_throttle_check     (DkLoginThrottle *self,
                                              const char      *username,
                                              const char      *address,
                                              gint64           now);
void             dk_login_throttle_failed    (DkLoginThrottle *self,
                                              const char      *username,
                                              const char      *address,
                                              gint64           now);
/* A success clears the user's and the (user, address) pair's counts, not the address's. */
void             dk_login_throttle_succeeded (DkLoginThrottle *self,
                                              const char      *username,
                                              const char      *address);

G_END_DECLS
