/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-tls-database.c: trusts the system's CAs and those of one extra CA file
 *
 * A chain is trusted when either database trusts it fully; nothing else is relaxed:
 * an expired certificate or one for another name fails in both and is refused.
 */

#define G_LOG_DOMAIN "dk-tls-database"

#include "config.h"

#include "dk-tls-database.h"

struct _DkTlsDatabase
{
  GTlsDatabase  parent_instance;

  GTlsDatabase *file_db;
  GTlsDatabase *system_db;    /* nullable: no TLS backend default */
};

G_DEFINE_FINAL_TYPE (DkTlsDatabase, dk_tls_database, G_TYPE_TLS_DATABASE)

static GTlsCertificateFlags
dk_tls_database_verify_chain (GTlsDatabase             *database,
                              GTlsCertificate          *chain,
                              const char               *purpose,
                              GSocketConnectable       *identity,
                              GTlsInteraction          *interaction,
                              GTlsDatabaseVerifyFlags   flags,
                              GCancellable             *cancellable,
                              GError                  **error)
{
  DkTlsDatabase *self = DK_TLS_DATABASE (database);
  g_autoptr(GError) file_error = NULL;
  GTlsCertificateFlags result;

  result = g_tls_database_verify_chain (self->file_db, chain, purpose, identity, interaction,
                                        flags, cancellable, &file_error);
  if (file_error == NULL && result == 0)
    return 0;

  if (self->system_db != NULL)
    {
      g_autoptr(GError) system_error = NULL;
      GTlsCertificateFlags system_result;

      system_result = g_tls_database_verify_chain (self->system_db, chain, purpose, identity,
                                                   interaction, flags, cancellable,
                                                   &system_error);
      if (system_error == NULL && system_result == 0)
        return 0;

      /* Report what the CA file said unless it did not know the issuer at all. */
      if (file_error == NULL && system_error == NULL && result == G_TLS_CERTIFICATE_UNKNOWN_CA)
        return system_result;
    }

  if (file_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&file_error));
      return G_TLS_CERTIFICATE_GENERIC_ERROR;
    }

  return result;
}

static void
dk_tls_database_dispose (GObject *object)
{
  DkTlsDatabase *self = DK_TLS_DATABASE (object);

  g_clear_object (&self->file_db);
  g_clear_object (&self->system_db);

  G_OBJECT_CLASS (dk_tls_database_parent_class)->dispose (object);
}

static void
dk_tls_database_class_init (DkTlsDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS (klass);

  object_class->dispose = dk_tls_database_dispose;
  database_class->verify_chain = dk_tls_database_verify_chain;
}

static void
dk_tls_database_init (DkTlsDatabase *self)
{
}

/**
 * dk_tls_database_new:
 * @ca_file: a PEM file of CA certificates
 *
 * Returns: (transfer full) (nullable): the database, or %NULL with @error
 */
GTlsDatabase *
dk_tls_database_new (const char  *ca_file,
                     GError     **error)
{
  g_autoptr(DkTlsDatabase) self = NULL;
  g_autoptr(GTlsDatabase) file_db = NULL;

  g_return_val_if_fail (ca_file != NULL, NULL);

  file_db = g_tls_file_database_new (ca_file, error);
  if (file_db == NULL)
    return NULL;

  self = g_object_new (DK_TYPE_TLS_DATABASE, NULL);
  self->file_db = g_steal_pointer (&file_db);
  self->system_db = g_tls_backend_get_default_database (g_tls_backend_get_default ());

  return G_TLS_DATABASE (g_steal_pointer (&self));
}
