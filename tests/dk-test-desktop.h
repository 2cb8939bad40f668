/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-test-desktop.h: the desktop side of a notifier test — a real server, staff's replica
 * and sync engine, an application with open actions, a notifier and a watch on the
 * session bus; run under tests/run-ui.sh --dunst */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dk-notify-watch.h"
#include "dk-store.h"
#include "dk-sync-engine.h"
#include "dk-test-server.h"

G_BEGIN_DECLS

/* Makes the notifier under test, as the app does when it starts. */
typedef GObject *(*DkTestNotifierNew) (GApplication *app,
                                       DkSyncEngine *engine,
                                       GSettings    *settings);

typedef struct {
  DkTestServer      *server;
  char              *data_dir;
  char              *token;        /* servicedesk's: changes cases and runs through the API */
  DkStore           *store;        /* staff's replica, the app's */
  DkSyncEngine      *engine;
  GSettings         *settings;
  GApplication      *app;
  GObject           *notifier;
  DkNotifyWatch     *watch;
  GPtrArray         *opened;       /* "ACTION:ID" for each app action activated */
  DkTestNotifierNew  new_notifier;
  const char        *username;     /* whom the app logs in as: staff */
} DkTestDesktop;

/* Starts the server, registers an application @app_id with the "s" actions @actions
 * (each activation recorded in ->opened) and starts the app (see below); the data dir is
 * a fresh "driftkoll-@name-XXXXXX". */
void          dk_test_desktop_setup               (DkTestDesktop      *self,
                                                   const char         *name,
                                                   const char         *app_id,
                                                   const char * const *actions,
                                                   DkTestNotifierNew   new_notifier);
void          dk_test_desktop_teardown            (DkTestDesktop      *self);
/* The app as it starts: a notifier on the replica; the engine logs in as ->username
 * and syncs. */
void          dk_test_desktop_start_app           (DkTestDesktop      *self);
void          dk_test_desktop_stop_app            (DkTestDesktop      *self);
/* Stops the app, forgets its replica and starts it again logged in as @username (a demo
 * user): a first sync, which notifies nothing. */
void          dk_test_desktop_restart_as          (DkTestDesktop      *self,
                                                   const char         *username);
/* One sync to the end, then what the notifier does when the engine is idle again. */
void          dk_test_desktop_sync_now            (DkTestDesktop      *self);
/* One mutation through the API as servicedesk; asserts it was applied. */
void          dk_test_desktop_apply               (DkTestDesktop      *self,
                                                   const char         *op,
                                                   const char         *data_json);
/* The next Notify call within 10 s (asserts one came). */
DkNotifyCall *dk_test_desktop_expect_notification (DkTestDesktop      *self);
/* The next Notify call within 10 s has the summary @summary, and no other follows it
 * within a second. */
void          dk_test_desktop_expect_only         (DkTestDesktop      *self,
                                                   const char         *summary);
/* Runs the main loop until an app action was activated, at most @seconds. */
void          dk_test_desktop_wait_until_opened   (DkTestDesktop      *self,
                                                   guint               seconds);

/* Runs "dunstctl ARGS..." and returns its stdout. */
char         *dk_test_dunstctl                    (const char         *first,
                                                   ...) G_GNUC_NULL_TERMINATED;
/* dunst's history, after closing what is on screen (TESTING.md). */
JsonArray    *dk_test_dunst_history               (void);
/* The text of field @name of a history entry. */
const char   *dk_test_dunst_history_field         (JsonObject         *entry,
                                                   const char         *name);

G_END_DECLS
