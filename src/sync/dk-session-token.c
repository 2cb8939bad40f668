/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-session-token.c: where the session token is kept, out of plain files when it can be */

#define G_LOG_DOMAIN "dk-session-token"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <libsecret/secret.h>

#include "dk-session-token.h"

typedef struct {
  char           *data_dir;
  char           *server;
  char           *username;
  char           *token;
  char           *only_if;
  DkTokenStorage  hint;
} TokenOp;

static void
token_op_free (TokenOp *op)
{
  g_free (op->data_dir);
  g_free (op->server);
  g_free (op->username);
  if (op->token != NULL)
    memset (op->token, 0, strlen (op->token));
  g_free (op->token);
  g_free (op->only_if);
  g_free (op);
}

static TokenOp *
token_op_new (const char *data_dir,
              const char *server,
              const char *username)
{
  TokenOp *op = g_new0 (TokenOp, 1);

  op->data_dir = g_strdup (data_dir);
  op->server = g_strdup (server);
  op->username = g_strdup (username);
  return op;
}

/* Runs @func on @op (transfer full) in a worker thread, for @task (transfer full). */
static void
token_op_run (TokenOp         *op,
              GTask           *task,
              gpointer         source_tag,
              GTaskThreadFunc  func)
{
  g_autoptr(GTask) owned = task;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) token_op_free);
  g_task_run_in_thread (task, func);
}

static const SecretSchema *
session_schema (void)
{
  static const SecretSchema schema = {
    "io.github.driftkoll.Driftkoll.Session", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };

  return &schema;
}

const char *
dk_token_storage_to_string (DkTokenStorage storage)
{
  switch (storage)
    {
    case DK_TOKEN_STORAGE_SECRET_SERVICE:
      return "secret-service";
    case DK_TOKEN_STORAGE_FILE:
      return "file";
    case DK_TOKEN_STORAGE_NONE:
    default:
      return NULL;
    }
}

DkTokenStorage
dk_token_storage_from_string (const char *text)
{
  if (g_strcmp0 (text, "secret-service") == 0)
    return DK_TOKEN_STORAGE_SECRET_SERVICE;
  if (g_strcmp0 (text, "file") == 0)
    return DK_TOKEN_STORAGE_FILE;

  return DK_TOKEN_STORAGE_NONE;
}

/* Whether asking the Secret Service makes sense at all: not forced off, and a session
 * bus to ask on. Whether it answers is seen when it is asked. */
static gboolean
secret_service_possible (void)
{
  g_autofree char *address = NULL;

  if (g_strcmp0 (g_getenv ("DRIFTKOLL_TOKEN_STORAGE"), "file") == 0)
    return FALSE;

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  return address != NULL;
}

static char *
token_path (const TokenOp *op)
{
  return g_build_filename (op->data_dir, DK_SESSION_TOKEN_FILE, NULL);
}

static gboolean
write_token_file (const TokenOp  *op,
                  GError        **error)
{
  g_autofree char *path = token_path (op);
  g_autofree char *contents = g_strconcat (op->token, "\n", NULL);
  gboolean ok;

  /* Written to a temporary file created with mode 0600, then renamed over the old one:
   * the token is never readable by others, not even for a moment. */
  ok = g_file_set_contents_full (path, contents, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                 0600, error);
  memset (contents, 0, strlen (contents));

  return ok;
}

static char *
read_token_file (const TokenOp  *op,
                 GError        **error)
{
  g_autofree char *path = token_path (op);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_strstrip (contents);
  if (*contents == '\0')
    return NULL;

  return g_steal_pointer (&contents);
}

static gboolean
remove_token_file (const TokenOp  *op,
                   GError        **error)
{
  g_autofree char *path = token_path (op);

  if (g_remove (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not remove %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static char *
lookup_secret (const TokenOp  *op,
               GCancellable   *cancellable,
               GError        **error)
{
  return secret_password_lookup_sync (session_schema (), cancellable, error,
                                      "server", op->server,
                                      "username", op->username,
                                      NULL);
}

static gboolean
clear_secret (const TokenOp  *op,
              GCancellable   *cancellable,
              GError        **error)
{
  return secret_password_clear_sync (session_schema (), cancellable, error,
                                     "server", op->server,
                                     "username", op->username,
                                     NULL);
}

static void
store_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  TokenOp *op = task_data;
  g_autoptr(GError) error = NULL;

  if (secret_service_possible ())
    {
      g_autofree char *label = g_strdup_printf (_("Driftkoll session for %s on %s"),
                                                op->username, op->server);

      if (secret_password_store_sync (session_schema (), SECRET_COLLECTION_DEFAULT, label,
                                      op->token, cancellable, &error,
                                      "server", op->server,
                                      "username", op->username,
                                      NULL))
        {
          /* No copy stays behind in a file from an earlier login. */
          remove_token_file (op, NULL);
          g_task_return_int (task, DK_TOKEN_STORAGE_SECRET_SERVICE);
          return;
        }

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_debug ("The Secret Service did not keep the token (%s); using a file", error->message);
      g_clear_error (&error);
    }

  if (!write_token_file (op, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_int (task, DK_TOKEN_STORAGE_FILE);
}

void
dk_session_token_store_async (const char          *data_dir,
                              const char          *server,
                              const char          *username,
                              const char          *token,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  TokenOp *op;

  g_return_if_fail (data_dir != NULL);
  g_return_if_fail (server != NULL);
  g_return_if_fail (username != NULL);
  g_return_if_fail (token != NULL);

  op = token_op_new (data_dir, server, username);
  op->token = g_strdup (token);
  token_op_run (op, g_task_new (NULL, cancellable, callback, user_data),
                dk_session_token_store_async, store_in_thread);
}

DkTokenStorage
dk_session_token_store_finish (GAsyncResult  *result,
                               GError       **error)
{
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, NULL), DK_TOKEN_STORAGE_NONE);

  value = g_task_propagate_int (G_TASK (result), error);

  return value < 0 ? DK_TOKEN_STORAGE_NONE : (DkTokenStorage) value;
}

static void
lookup_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  TokenOp *op = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  if (op->hint != DK_TOKEN_STORAGE_SECRET_SERVICE)
    {
      token = read_token_file (op, &error);
      if (error != NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  if (token == NULL && op->hint != DK_TOKEN_STORAGE_FILE && op->server != NULL &&
      op->username != NULL && secret_service_possible ())
    {
      token = lookup_secret (op, cancellable, &error);
      if (error != NULL)
        {
          /* No Secret Service now is not an error: there is simply no token to use. */
          g_debug ("Could not ask the Secret Service for the token: %s", error->message);
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
        }
    }

  g_task_return_pointer (task, g_steal_pointer (&token), g_free);
}

void
dk_session_token_lookup_async (const char          *data_dir,
                               DkTokenStorage       hint,
                               const char          *server,
                               const char          *username,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  TokenOp *op;

  g_return_if_fail (data_dir != NULL);

  op = token_op_new (data_dir, server, username);
  op->hint = hint;
  token_op_run (op, g_task_new (NULL, cancellable, callback, user_data),
                dk_session_token_lookup_async, lookup_in_thread);
}

char *
dk_session_token_lookup_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  TokenOp *op = task_data;
  g_autoptr(GError) error = NULL;
  gboolean secret = secret_service_possible () && op->server != NULL && op->username != NULL;

  if (op->only_if != NULL)
    {
      g_autofree char *in_file = read_token_file (op, NULL);

      if (in_file == NULL || g_strcmp0 (in_file, op->only_if) == 0)
        {
          if (!remove_token_file (op, &error))
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
        }

      if (secret)
        {
          g_autofree char *in_secret = lookup_secret (op, cancellable, NULL);

          if (g_strcmp0 (in_secret, op->only_if) == 0)
            clear_secret (op, cancellable, NULL);
        }

      g_task_return_boolean (task, TRUE);
      return;
    }

  if (!remove_token_file (op, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (secret && !clear_secret (op, cancellable, &error) && error != NULL)
    g_debug ("Could not clear the token in the Secret Service: %s", error->message);

  g_task_return_boolean (task, TRUE);
}

void
dk_session_token_clear_async (const char          *data_dir,
                              const char          *server,
                              const char          *username,
                              const char          *only_if,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  TokenOp *op;

  g_return_if_fail (data_dir != NULL);

  op = token_op_new (data_dir, server, username);
  op->only_if = g_strdup (only_if);
  token_op_run (op, g_task_new (NULL, cancellable, callback, user_data),
                dk_session_token_clear_async, clear_in_thread);
}

gboolean
dk_session_token_clear_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
