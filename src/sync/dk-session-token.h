/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-session-token.h: where the session token is kept, out of plain files when it can be
 *
 * The Secret Service (libsecret, schema io.github.driftkoll.Driftkoll.Session with the
 * attributes server and username) when one answers on the session bus; otherwise the
 * file DATA_DIR/session.token, mode 0600, written atomically. The work runs in a worker
 * thread, never on the caller's main loop. DRIFTKOLL_TOKEN_STORAGE=file skips the
 * Secret Service (kiosks, tests).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DK_SESSION_TOKEN_FILE "session.token"

typedef enum {
  DK_TOKEN_STORAGE_NONE,
  DK_TOKEN_STORAGE_SECRET_SERVICE,
  DK_TOKEN_STORAGE_FILE,
} DkTokenStorage;

/* "secret-service", "file", or NULL for NONE; and back (unknown text is NONE). */
const char     *dk_token_storage_to_string     (DkTokenStorage        storage);
DkTokenStorage  dk_token_storage_from_string   (const char           *text);

void            dk_session_token_store_async   (const char           *data_dir,
                                                const char           *server,
                                                const char           *username,
                                                const char           *token,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
/* Returns: where it went, DK_TOKEN_STORAGE_NONE with @error when nowhere. */
DkTokenStorage  dk_session_token_store_finish  (GAsyncResult         *result,
                                                GError              **error);

/* @hint: where the token was stored (NONE: look in both). */
void            dk_session_token_lookup_async  (const char           *data_dir,
                                                DkTokenStorage        hint,
                                                const char           *server,
                                                const char           *username,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
/* Returns: (transfer full) (nullable): the token; NULL without an error when none. */
char           *dk_session_token_lookup_finish (GAsyncResult         *result,
                                                GError              **error);

/* Removes the token from both places. @only_if: when not NULL, removes it only while
 * it is still this token (another process may have logged in since). */
void            dk_session_token_clear_async   (const char           *data_dir,
                                                const char           *server,
                                                const char           *username,
                                                const char           *only_if,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean        dk_session_token_clear_finish  (GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
