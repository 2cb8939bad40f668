/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-db-pg-private.h: the PostgreSQL backend of the server's storage
 *
 * A DkServerDb opened on a postgresql:// URL or a key=value connection string holds a
 * libpq connection (self->pg) instead of a SQLite handle. Every public function of
 * dk-server-db.h begins with `if (self->pg != NULL) return _dk_server_db_pg_NAME (...)`
 * and the functions below take the same arguments; the routes and rules above never
 * know which backend they talk to.
 *
 * The seq: every transaction that touches objects locks the one row meta('seq') at its
 * first such statement (SELECT ... FOR UPDATE), numbers its changes from it and writes
 * the newest back before COMMIT; the row lock is held until COMMIT. So
 * writers on every instance commit in the order of their numbers, and a reader's
 * snapshot always holds a prefix of the seqs: a pager never skips a change that
 * commits later with a lower number (dk-server-db-pg.c explains and tests prove it).
 * The commit of a transaction that took a seq also sends NOTIFY on
 * DK_SERVER_DB_PG_CHANNEL with the newest seq as its payload.
 */
#pragma once

#include <libpq-fe.h>

#include "dk-server-db-private.h"

G_BEGIN_DECLS

/* The channel every instance LISTENs on; the payload is the new seq in decimal. */
#define DK_SERVER_DB_PG_CHANNEL "driftkoll_changes"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* dk-server-db-pg-schema.c: the statements that create schema version
 * DK_SERVER_DB_SCHEMA_VERSION, run in one transaction on an empty database. */
extern const char * const _dk_server_db_pg_schema[];
extern const guint        _dk_server_db_pg_schema_length;

/* ---- dk-server-db-pg.c: connection, schema, transactions, helpers ---- */

/* Whether @location names a PostgreSQL database: "postgresql://", "postgres://" or a
 * libpq key=value string ("host=/run/pg dbname=driftkoll"), not a file path. */
gboolean  _dk_server_db_location_is_pg     (const char      *location);
/* @location as libpq's key=value words without the password, for messages. */
char     *_dk_server_db_pg_describe_location (const char    *location);
/* Connects self->pg to @conninfo and brings the schema up to date (creating it in
 * an empty database). A newer schema, a refused connection or bad credentials is
 * DK_ERROR_STORAGE with libpq's words in the message (the password never). */
gboolean  _dk_server_db_pg_open            (DkServerDb      *self,
                                            const char      *conninfo,
                                            GError         **error);
void      _dk_server_db_pg_close           (DkServerDb      *self);
/* SELECT 1, connecting again first when the connection broke. */
gboolean  _dk_server_db_pg_ping            (DkServerDb      *self,
                                            GError         **error);

/* Runs @sql with @n_params text parameters (NULL: SQL NULL) and returns its result
 * when it is PGRES_COMMAND_OK or PGRES_TUPLES_OK; otherwise NULL with @error set:
 * DK_ERROR_CONFLICT for a unique violation (SQLSTATE 23505), DK_ERROR_STORAGE for the
 * rest, the message saying @what failed. @sql must be a string constant: it is
 * prepared once per connection and kept. A connection found broken outside a
 * transaction is reset once and the statement tried again. */
PGresult *_dk_server_db_pg_exec            (DkServerDb         *self,
                                            const char         *sql,
                                            int                 n_params,
                                            const char * const *params,
                                            const char         *what,
                                            GError            **error);
/* A column read as a gint64 (0 for NULL) or a new string (NULL for NULL). */
gint64    _dk_server_db_pg_get_int64       (const PGresult  *result,
                                            int              row,
                                            int              column);
char     *_dk_server_db_pg_dup_text        (const PGresult  *result,
                                            int              row,
                                            int              column);
/* The connection, for COPY in `driftkoll-server migrate`. */
PGconn   *_dk_server_db_pg_get_conn        (DkServerDb      *self);

/* Inside a transaction: takes the row lock on meta('seq') unless it holds it already;
 * every function that reads or writes objects, counters or routine revisions calls it
 * first (dk-server-db-pg.c explains). Outside a transaction it does nothing. */
gboolean  _dk_server_db_pg_lock_seq        (DkServerDb      *self,
                                            GError         **error);
/* The next seq, inside a transaction that holds the lock. */
gint64    _dk_server_db_pg_take_seq        (DkServerDb      *self);
gboolean  _dk_server_db_pg_is_empty        (DkServerDb      *self);
gboolean  _dk_server_db_pg_begin           (DkServerDb      *self,
                                            GError         **error);
gboolean  _dk_server_db_pg_commit          (DkServerDb      *self,
                                            GError         **error);
void      _dk_server_db_pg_rollback        (DkServerDb      *self);
gboolean  _dk_server_db_pg_begin_read      (DkServerDb      *self,
                                            GError         **error);
void      _dk_server_db_pg_end_read        (DkServerDb      *self);

/* ---- dk-server-db-pg-objects.c ---- */

gint64          _dk_server_db_pg_put_object       (DkServerDb         *self,
                                                   const char         *type,
                                                   const char         *id,
                                                   const char         *data,
                                                   gint64              revision,
                                                   gboolean            deleted,
                                                   const DkVisibility *visibility,
                                                   GError            **error);
DkStoredObject *_dk_server_db_pg_get_object       (DkServerDb      *self,
                                                   const char      *type,
                                                   const char      *id,
                                                   GError         **error);
GPtrArray      *_dk_server_db_pg_list_objects     (DkServerDb      *self,
                                                   const char      *type,
                                                   gboolean         public_only,
                                                   GError         **error);
/* Adds to @page the rows of one of the STMT_CHANGES_* queries (dk-server-db.c) over
 * (@after, @upto]; dk_server_db_changes_json_base () runs the phases for both backends. */
gboolean        _dk_server_db_pg_changes_page_add (DkServerDb     *self,
                                                   DkChangesPage  *page,
                                                   StmtId          query,
                                                   gint64          after,
                                                   gint64          upto,
                                                   const DkViewer *viewer,
                                                   GError        **error);
gint64          _dk_server_db_pg_last_seq         (DkServerDb      *self);
gint64          _dk_server_db_pg_count_since      (DkServerDb      *self,
                                                   gint64           since,
                                                   GError         **error);
gint64          _dk_server_db_pg_next_number      (DkServerDb      *self,
                                                   const char      *counter,
                                                   GError         **error);
gboolean        _dk_server_db_pg_put_routine_revision (DkServerDb  *self,
                                                   const char      *routine_id,
                                                   gint64           revision,
                                                   const char      *data,
                                                   GError         **error);
char           *_dk_server_db_pg_get_routine_revision (DkServerDb  *self,
                                                   const char      *routine_id,
                                                   gint64           revision,
                                                   GError         **error);
gint64          _dk_server_db_pg_latest_routine_revision (DkServerDb *self,
                                                   const char      *routine_id);
GPtrArray      *_dk_server_db_pg_list_routine_revisions (DkServerDb *self,
                                                   const char      *routine_id,
                                                   GError         **error);

/* ---- dk-server-db-pg-accounts.c ---- */

gboolean        _dk_server_db_pg_add_user         (DkServerDb      *self,
                                                   const char      *username,
                                                   const char      *password_hash,
                                                   DkRole           roles,
                                                   GError         **error);
gboolean        _dk_server_db_pg_set_password     (DkServerDb      *self,
                                                   const char      *username,
                                                   const char      *password_hash,
                                                   GError         **error);
gboolean        _dk_server_db_pg_set_disabled     (DkServerDb      *self,
                                                   const char      *username,
                                                   gboolean         disabled,
                                                   GError         **error);
gboolean        _dk_server_db_pg_set_roles        (DkServerDb      *self,
                                                   const char      *username,
                                                   DkRole           roles,
                                                   GError         **error);
DkStoredUser   *_dk_server_db_pg_get_user         (DkServerDb      *self,
                                                   const char      *username,
                                                   GError         **error);
GPtrArray      *_dk_server_db_pg_list_users       (DkServerDb      *self,
                                                   GError         **error);
gboolean        _dk_server_db_pg_add_session      (DkServerDb      *self,
                                                   const char      *token_hash,
                                                   const char      *username,
                                                   gint64           expires,
                                                   GError         **error);
char           *_dk_server_db_pg_lookup_session   (DkServerDb      *self,
                                                   const char      *token_hash,
                                                   gint64           now,
                                                   gint64          *expires,
                                                   GError         **error);
gboolean        _dk_server_db_pg_delete_session   (DkServerDb      *self,
                                                   const char      *token_hash,
                                                   GError         **error);
gboolean        _dk_server_db_pg_delete_user_sessions (DkServerDb  *self,
                                                   const char      *username,
                                                   GError         **error);
gboolean        _dk_server_db_pg_get_session_contact (DkServerDb   *self,
                                                   const char      *token_hash,
                                                   gint64          *created_at,
                                                   gint64          *last_contact,
                                                   GError         **error);
gboolean        _dk_server_db_pg_note_session_contact (DkServerDb  *self,
                                                   const char      *token_hash,
                                                   gint64           at,
                                                   GError         **error);
char           *_dk_server_db_pg_get_mutation_result (DkServerDb   *self,
                                                   const char      *mutation_id,
                                                   const char      *username);
gboolean        _dk_server_db_pg_put_mutation_result (DkServerDb   *self,
                                                   const char      *mutation_id,
                                                   const char      *username,
                                                   const char      *result,
                                                   GError         **error);
gboolean        _dk_server_db_pg_audit            (DkServerDb      *self,
                                                   const char      *username,
                                                   const char      *action,
                                                   const char      *object_id,
                                                   const char      *address,
                                                   const char      *detail,
                                                   GError         **error);
GPtrArray      *_dk_server_db_pg_list_audit       (DkServerDb      *self,
                                                   guint            limit,
                                                   GError         **error);

gboolean        _dk_server_db_pg_get_throttle_entry (DkServerDb    *self,
                                                   const char      *table,
                                                   const char      *key,
                                                   DkThrottleEntry *entry,
                                                   GError         **error);
gboolean        _dk_server_db_pg_lock_throttle_entry (DkServerDb   *self,
                                                   const char      *table,
                                                   const char      *key,
                                                   gint64           now,
                                                   DkThrottleEntry *entry,
                                                   GError         **error);
gboolean        _dk_server_db_pg_put_throttle_entry (DkServerDb    *self,
                                                   const char      *table,
                                                   const char      *key,
                                                   const DkThrottleEntry *entry,
                                                   GError         **error);
gboolean        _dk_server_db_pg_forget_throttle_entry (DkServerDb *self,
                                                   const char      *table,
                                                   const char      *key,
                                                   GError         **error);
gint64          _dk_server_db_pg_prune_throttle   (DkServerDb      *self,
                                                   gint64           before,
                                                   guint            limit,
                                                   GError         **error);

G_END_DECLS
