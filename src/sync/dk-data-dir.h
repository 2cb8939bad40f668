/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-data-dir.h: where a replica lives, shared by driftkoll and driftkoll-cli
 *
 * The data dir holds the replica, the outbox and the session of one user on one server;
 * the app and the cli share it (ARCHITECTURE.md, "Command lines").
 */
#pragma once

#include "dk-store.h"

G_BEGIN_DECLS

/* The environment variable that names the data dir when no --data-dir is given. */
#define DK_DATA_DIR_ENV "DRIFTKOLL_DATA_DIR"

/* @given (--data-dir), else $DRIFTKOLL_DATA_DIR, else $XDG_DATA_HOME/driftkoll.
 * (transfer full) */
char    *dk_data_dir_resolve    (const char  *given);
/* Creates @dir (0700) when missing and opens the replica in it. (transfer full) */
DkStore *dk_data_dir_open_store (const char  *dir,
                                 GError     **error);

G_END_DECLS
