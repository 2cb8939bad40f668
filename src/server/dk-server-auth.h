/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-auth.h: password hashing (argon2id) and session tokens */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Calls sodium_init once; FALSE when libsodium cannot be used. */
gboolean  dk_auth_init            (void);
/* An argon2id hash string (libsodium's crypto_pwhash_str). (transfer full) */
char     *dk_password_hash        (const char *password,
                                   GError    **error);
gboolean  dk_password_verify      (const char *hash,
                                   const char *password);
/* A new random session token (256 bits, hex). (transfer full) */
char     *dk_token_new            (void);
/* What is stored for a token: its SHA-256, hex. (transfer full) */
char     *dk_token_hash           (const char *token);
/* Checks a username: 1–64 characters of [a-z0-9._-]. */
gboolean  dk_username_validate    (const char *username,
                                   GError    **error);
/* Checks a new password: at least 4 characters, at most 1024 bytes, no NUL. */
gboolean  dk_password_validate    (const char *password,
                                   GError    **error);

G_END_DECLS
