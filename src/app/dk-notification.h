/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-notification.h: what every Driftkoll desktop notification shares (libnotify) */
#pragma once

#include <gio/gio.h>
#include <libnotify/notify.h>

G_BEGIN_DECLS

/* Sets libnotify up once for the process; FALSE (with a warning) when it cannot. */
gboolean  dk_notification_init        (void);
/* @text made ready for a notification's body: escaped when the server reads markup. */
char     *dk_notification_body        (const char         *text);
/* Urgency, the app's name and desktop entry, @category (nullable), and no actions yet. */
void      dk_notification_prepare     (NotifyNotification *notification,
                                       GApplication       *app,
                                       gboolean            critical,
                                       const char         *category);
/* A button @name that activates "app.@app_action" with the string @target, or activates
 * the application when @app_action is NULL. @app is held weakly. */
void      dk_notification_add_action  (NotifyNotification *notification,
                                       const char         *name,
                                       const char         *label,
                                       GApplication       *app,
                                       const char         *app_action,
                                       const char         *target);
/* Shows it; a failure is logged, never fatal. */
void      dk_notification_show        (NotifyNotification *notification);

/* A table of the notifications on screen by the id of what each is about (a case, a
 * run), kept for their actions: id → NotifyNotification. */
GHashTable         *dk_notification_table_new (void);
/* The notification about @id in @shown: the one on screen updated with @summary and
 * @body, so that a later change replaces it, else a new one kept until it is closed. */
NotifyNotification *dk_notification_for       (GHashTable         *shown,
                                                const char         *id,
                                                const char         *summary,
                                                const char         *body,
                                                const char         *app_icon);

G_END_DECLS
