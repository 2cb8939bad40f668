/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-tls-database.h: trusts the system's CAs and those of one extra CA file */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DK_TYPE_TLS_DATABASE (dk_tls_database_get_type ())
G_DECLARE_FINAL_TYPE (DkTlsDatabase, dk_tls_database, DK, TLS_DATABASE, GTlsDatabase)

/* Returns: (transfer full) (nullable): NULL with @error when @ca_file cannot be read. */
GTlsDatabase *dk_tls_database_new (const char  *ca_file,
                                   GError     **error);

G_END_DECLS
