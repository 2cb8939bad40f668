/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-auth.c: password hashing (argon2id) and session tokens */

#define G_LOG_DOMAIN "dk-server-auth"

#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "dk-error.h"
#include "dk-server-auth.h"

#define DK_TOKEN_BYTES            32
#define DK_USERNAME_MAX_CHARS     64
#define DK_PASSWORD_MIN_CHARS     4
#define DK_PASSWORD_MAX_BYTES     1024

/**
 * dk_auth_init:
 *
 * Initialises libsodium once; safe to call from any thread, any number of times.
 *
 * Returns: %FALSE when libsodium cannot be used
 */
gboolean
dk_auth_init (void)
{
  static gsize initialised = 0;
  static gboolean usable = FALSE;

  if (g_once_init_enter (&initialised))
    {
      usable = sodium_init () >= 0;
      if (!usable)
        g_warning ("libsodium could not be initialised");
      g_once_init_leave (&initialised, 1);
    }

  return usable;
}

/**
 * dk_password_hash:
 * @password: the password in clear
 * @error: return location for a #GError
 *
 * Hashes @password with argon2id (libsodium's interactive limits).
 *
 * Returns: (transfer full) (nullable): the hash string, "$argon2id$..."
 */
char *
dk_password_hash (const char  *password,
                  GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!dk_auth_init ())
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_FAILED,
                           _("The password library could not be initialised"));
      return NULL;
    }

  if (crypto_pwhash_str (hash, password, strlen (password),
                         crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_FAILED,
                           _("Out of memory while hashing the password"));
      return NULL;
    }

  return g_strdup (hash);
}

/**
 * dk_password_verify:
 * @hash: a hash string from dk_password_hash()
 * @password: the password in clear
 *
 * Returns: %TRUE when @password matches @hash
 */
gboolean
dk_password_verify (const char *hash,
                    const char *password)
{
  g_return_val_if_fail (hash != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  if (!dk_auth_init ())
    return FALSE;

  /* crypto_pwhash_str_verify expects a NUL-terminated string that fits its buffer */
  if (strnlen (hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
    return FALSE;

  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

/**
 * dk_token_new:
 *
 * Returns: (transfer full): a new random session token, 64 lower-case hex digits
 */
char *
dk_token_new (void)
{
  guint8 bytes[DK_TOKEN_BYTES];
  char hex[DK_TOKEN_BYTES * 2 + 1];

  if (!dk_auth_init ())
    g_error ("libsodium is needed for session tokens");

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2hex (hex, sizeof hex, bytes, sizeof bytes);
  sodium_memzero (bytes, sizeof bytes);

  return g_strdup (hex);
}

/**
 * dk_token_hash:
 * @token: a session token
 *
 * Returns: (transfer full): the SHA-256 of @token, lower-case hex
 */
char *
dk_token_hash (const char *token)
{
  g_return_val_if_fail (token != NULL, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/**
 * dk_username_validate:
 * @username: (nullable): a username
 * @error: return location for a #GError
 *
 * Checks a username: 1 to 64 characters of a-z, 0-9, '.', '_' and '-'.
 *
 * Returns: %TRUE when @username is acceptable
 */
gboolean
dk_username_validate (const char  *username,
                      GError     **error)
{
  gsize len;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (username == NULL || username[0] == '\0')
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("The username is empty"));
      return FALSE;
    }

  len = strlen (username);
  if (len > DK_USERNAME_MAX_CHARS)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("The username is longer than %d characters"), DK_USERNAME_MAX_CHARS);
      return FALSE;
    }

  for (gsize i = 0; i < len; i++)
    {
      char c = username[i];

      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '_' || c == '-'))
        {
          g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                               _("A username may only hold the characters a–z, 0–9, ‘.’, ‘_’ and ‘-’"));
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * dk_password_validate:
 * @password: (nullable): a new password
 * @error: return location for a #GError
 *
 * Checks a new password: at least 4 characters, at most 1024 bytes. A C string holds
 * no NUL by construction; invalid UTF-8 is refused as well.
 *
 * Returns: %TRUE when @password is acceptable
 */
gboolean
dk_password_validate (const char  *password,
                      GError     **error)
{
  gsize len;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (password == NULL)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID, _("The password is empty"));
      return FALSE;
    }

  len = strnlen (password, DK_PASSWORD_MAX_BYTES + 1);
  if (len > DK_PASSWORD_MAX_BYTES)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("The password is longer than %d bytes"), DK_PASSWORD_MAX_BYTES);
      return FALSE;
    }

  if (!g_utf8_validate (password, len, NULL))
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("The password is not valid UTF-8"));
      return FALSE;
    }

  if (g_utf8_strlen (password, len) < DK_PASSWORD_MIN_CHARS)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("The password must be at least %d characters long"),
                   DK_PASSWORD_MIN_CHARS);
      return FALSE;
    }

  return TRUE;
}
