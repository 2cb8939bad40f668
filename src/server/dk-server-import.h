/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-import.h: demo data and imports of services, routines and cases */
#pragma once

#include "dk-server-db.h"

G_BEGIN_DECLS

/* Loads the demo data (services, routines, cases, one user per role with password
 * "demo") into an empty database, relative to @now. */
gboolean dk_server_load_demo    (DkServerDb   *db,
                                 gint64        now,
                                 GError      **error);
/* Imports {"services": [...], "routines": [...]} (wire shapes); existing ids are
 * replaced with a new revision. All or nothing. */
gboolean dk_server_import_file  (DkServerDb   *db,
                                 const char   *path,
                                 guint        *n_services,
                                 guint        *n_routines,
                                 GError      **error);
/* Imports cases as JSON Lines (shared/bench/gen-cases.py): each line a case whose
 * services are service names; unknown names become services (slug ids). Cases get a
 * number when they have none. A bad line is an error naming its line number and
 * nothing is imported. */
gboolean dk_server_import_cases (DkServerDb   *db,
                                 const char   *path,
                                 guint        *n_cases,
                                 GError      **error);

G_END_DECLS
