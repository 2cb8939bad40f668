/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-test-lb.h: a real load balancer (Debian's HAProxy) in front of server instances,
 * started by the test with a configuration of its own on loopback */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _DkTestLb DkTestLb;

/* What HAProxy says about one backend server. */
typedef enum {
  DK_TEST_LB_DOWN,      /* DOWN, MAINT, or going up ("DOWN 1/2") */
  DK_TEST_LB_UP,        /* UP, or going down but still taking traffic ("UP 1/2") */
} DkTestLbState;

/* The haproxy program to run: $DK_TEST_HAPROXY, or /usr/sbin/haproxy; NULL when neither
 * is there (the caller skips with a clear message). */
const char   *dk_test_lb_find_haproxy (void);

/* Starts HAProxy in front of @backend_urls ("http://127.0.0.1:PORT/" each, NULL
 * terminated) in a temporary folder of its own: a frontend on 127.0.0.1 and a free port,
 * "balance leastconn", health checks on GET /api/v1/healthz every 500 ms (down after
 * 2 failures, up after 1 success), WebSockets tunnelled, a unix stats socket.
 * @max_connections: the frontend's maxconn (0: 4096, less when the descriptor hard
 * limit cannot hold twice that). Returns NULL with an error when
 * haproxy is missing (G_IO_ERROR_NOT_FOUND) or does not start (its log in the message).
 * The backends are named s0, s1, … in the order given. */
DkTestLb     *dk_test_lb_start        (const char * const  *backend_urls,
                                       guint                max_connections,
                                       GError             **error);
/* "http://127.0.0.1:PORT/": the balancer's frontend. */
const char   *dk_test_lb_get_url      (DkTestLb            *self);
guint         dk_test_lb_get_port     (DkTestLb            *self);
/* "show stat" over the stats socket, as CSV text. */
char         *dk_test_lb_show_stat    (DkTestLb            *self,
                                       GError             **error);
/* One column (as "show stat" names it: "status", "scur", "stot", …) of backend server
 * @index; NULL when it cannot be read. */
char         *dk_test_lb_dup_stat     (DkTestLb            *self,
                                       guint                index,
                                       const char          *column);
DkTestLbState dk_test_lb_get_state    (DkTestLb            *self,
                                       guint                index);
/* Polls the stats socket until backend @index is in @state; FALSE after @timeout_ms. */
gboolean      dk_test_lb_wait_state   (DkTestLb            *self,
                                       guint                index,
                                       DkTestLbState        state,
                                       guint                timeout_ms);
/* The same for every backend. */
gboolean      dk_test_lb_wait_all     (DkTestLb            *self,
                                       DkTestLbState        state,
                                       guint                timeout_ms);
/* SIGUSR1 (a soft stop: the listener closes, sessions end) and, when it is still running
 * after @grace_ms, SIGTERM, then SIGKILL; waits for the process. */
void          dk_test_lb_stop         (DkTestLb            *self,
                                       guint                grace_ms);
/* Stops it (when running) and removes its folder. */
void          dk_test_lb_free         (DkTestLb            *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkTestLb, dk_test_lb_free)

G_END_DECLS
