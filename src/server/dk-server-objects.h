/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-objects.h: storing and loading domain objects with their visibility
 *
 * The one place that decides who may read what:
 *   case          public ones to anyone, all to every logged-in user
 *   service       anyone
 *   routine       approved revisions to anyone; never-approved drafts to routine owners
 *   run           every logged-in user (the ward works on it together)
 *   report        its author, and servicedesk, customer_center, lab_communicator, admin
 *   subscription  its user only
 *   template      its owner, and every holder of its team role
 *   unit          every logged-in user (the catalogue of units)
 * Each store_ function serializes with the core codec, writes with the next seq and
 * returns that seq (0 on error).
 */
#pragma once

#include "dk-core.h"
#include "dk-server-db.h"

G_BEGIN_DECLS

gint64          dk_server_store_case         (DkServerDb           *db,
                                              const DkCase         *kase,
                                              GError              **error);
gint64          dk_server_store_service      (DkServerDb           *db,
                                              const DkService      *service,
                                              GError              **error);
gint64          dk_server_store_routine      (DkServerDb           *db,
                                              const DkRoutine      *routine,
                                              GError              **error);
gint64          dk_server_store_run          (DkServerDb           *db,
                                              const DkRun          *run,
                                              GError              **error);
gint64          dk_server_store_report       (DkServerDb           *db,
                                              const DkReport       *report,
                                              GError              **error);
gint64          dk_server_store_subscription (DkServerDb           *db,
                                              const DkSubscription *subscription,
                                              GError              **error);
gint64          dk_server_store_template     (DkServerDb           *db,
                                              const DkTemplate     *tmpl,
                                              GError              **error);
/* A tombstone at @revision that reaches whoever could read @tmpl. */
gint64          dk_server_delete_template    (DkServerDb           *db,
                                              const DkTemplate     *tmpl,
                                              gint64                revision,
                                              GError              **error);
gint64          dk_server_store_unit         (DkServerDb           *db,
                                              const DkUnit         *unit,
                                              GError              **error);
/* A tombstone at @revision for every logged-in user. */
gint64          dk_server_delete_unit        (DkServerDb           *db,
                                              const DkUnit         *unit,
                                              gint64                revision,
                                              GError              **error);
/* Every unit of the catalogue (no tombstones), by id. (element-type DkUnit) */
GPtrArray      *dk_server_list_units         (DkServerDb           *db,
                                              GError              **error);

/* NULL with DK_ERROR_NOT_FOUND when there is none (or it is a tombstone). */
DkCase         *dk_server_load_case          (DkServerDb           *db,
                                              const char           *id,
                                              GError              **error);
DkService      *dk_server_load_service       (DkServerDb           *db,
                                              const char           *id,
                                              GError              **error);
DkRoutine      *dk_server_load_routine       (DkServerDb           *db,
                                              const char           *id,
                                              GError              **error);
DkRun          *dk_server_load_run           (DkServerDb           *db,
                                              const char           *id,
                                              GError              **error);
DkReport       *dk_server_load_report        (DkServerDb           *db,
                                              const char           *id,
                                              GError              **error);
DkSubscription *dk_server_load_subscription  (DkServerDb           *db,
                                              const char           *id,
                                              GError              **error);
DkTemplate     *dk_server_load_template      (DkServerDb           *db,
                                              const char           *id,
                                              GError              **error);
DkUnit         *dk_server_load_unit          (DkServerDb           *db,
                                              const char           *id,
                                              GError              **error);

G_END_DECLS
