/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-db.h: the server's storage, behind one narrow interface
 *
 * Everything the server stores goes through this object, so that a PostgreSQL
 * backend can replace the SQLite one without touching routes or rules. Objects are
 * kept as their wire JSON text; every write takes the next server-wide change number
 * (seq). Nothing here knows about HTTP or about the domain's rules.
 */
#pragma once

#include <gio/gio.h>

#include "dk-enums.h"

G_BEGIN_DECLS

#define DK_SERVER_DB_SCHEMA_VERSION 4

/* Who reads: anonymous (roles 0, username NULL) or a user with roles. */
typedef struct {
  const char *username;
  DkRole      roles;
} DkViewer;

/* Who may read an object. */
typedef struct {
  gboolean    public;    /* anonymous callers see it */
  DkRole      readers;   /* logged-in users with any of these roles see it
                          * (DK_ROLE_STAFF = every logged-in user) */
  const char *owner;     /* this user always sees it; may be NULL */
  const char *public_data; /* the wire JSON text anonymous callers get in /changes
                            * instead of the data; NULL: the data itself */
} DkVisibility;

/* A stored object as read back. */
typedef struct {
  char     *type;
  char     *id;
  char     *data;       /* wire JSON text; NULL for a tombstone */
  gint64    seq;
  gint64    revision;
  gboolean  deleted;
  gboolean  public;
  DkRole    readers;
  char     *owner;
} DkStoredObject;

void dk_stored_object_free (DkStoredObject *object);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkStoredObject, dk_stored_object_free)

typedef struct {
  char     *username;
  char     *password_hash;   /* argon2id string as libsodium writes it */
  DkRole    roles;
  gboolean  disabled;
  gint64    created_at;
} DkStoredUser;

void dk_stored_user_free (DkStoredUser *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkStoredUser, dk_stored_user_free)

#define DK_TYPE_SERVER_DB (dk_server_db_get_type ())
G_DECLARE_FINAL_TYPE (DkServerDb, dk_server_db, DK, SERVER_DB, GObject)

/* Opens (and creates when missing) the database at @path, or the PostgreSQL database
 * of a "postgresql://…" / "host=… dbname=…" location (its schema made in an empty
 * database): WAL, foreign keys, a busy
 * timeout, schema migrations by version. A file from a newer schema or a corrupt file
 * is DK_ERROR_STORAGE and is left as it is. */
DkServerDb     *dk_server_db_open               (const char      *path,
                                                 GError         **error);
/* Whether it is a PostgreSQL database (opened from a postgresql:// or key=value
 * location); the full connection string, password included, for a second connection
 * of this process (never logged; NULL on SQLite); a cheap round trip for health checks
 * (always TRUE on SQLite); the file or the location without password, for messages. */
gboolean        dk_server_db_is_postgresql      (DkServerDb      *self);
gssize          dk_server_db_read_file_header   (const char      *path,
                                                 gboolean        *is_sqlite,
                                                 GError         **error);
char           *dk_server_db_dup_pg_conninfo    (DkServerDb      *self);
gboolean        dk_server_db_ping               (DkServerDb      *self,
                                                 GError         **error);
const char     *dk_server_db_get_location       (DkServerDb      *self);
/* Whether the file holds any users, services or objects yet (init refuses to wipe). */
gboolean        dk_server_db_is_empty           (DkServerDb      *self);

/* Transactions nest: the outermost is BEGIN IMMEDIATE/COMMIT, inner ones SAVEPOINTs,
 * so one mutation of a batch can roll back alone. */
gboolean        dk_server_db_begin              (DkServerDb      *self,
                                                 GError         **error);
gboolean        dk_server_db_commit             (DkServerDb      *self,
                                                 GError         **error);
void            dk_server_db_rollback           (DkServerDb      *self);

/* A read transaction (BEGIN DEFERRED, its snapshot taken at once): every read until
 * dk_server_db_end_read () sees the database as it was here, whatever other
 * connections commit meanwhile. Not nested, and no writes inside. */
gboolean        dk_server_db_begin_read         (DkServerDb      *self,
                                                 GError         **error);
void            dk_server_db_end_read           (DkServerDb      *self);

/* ---- objects and changes ---- */

/* Writes an object (insert or replace) with the next seq and returns that seq, or 0
 * with an error. @data is the wire JSON text; NULL with @deleted TRUE writes a
 * tombstone. When an object that was public stops being public, anonymous readers are
 * given a tombstone for it in /changes. */
gint64          dk_server_db_put_object         (DkServerDb         *self,
                                                 const char         *type,
                                                 const char         *id,
                                                 const char         *data,
                                                 gint64              revision,
                                                 gboolean            deleted,
                                                 const DkVisibility *visibility,
                                                 GError            **error);
/* The stored object, or NULL (no error set) when there is none. */
DkStoredObject *dk_server_db_get_object         (DkServerDb      *self,
                                                 const char      *type,
                                                 const char      *id,
                                                 GError         **error);
/* Objects of one type (not deleted) ordered by id; for the public page, the feed and
 * admin listings. @public_only limits to public ones. (element-type DkStoredObject) */
GPtrArray      *dk_server_db_list_objects       (DkServerDb      *self,
                                                 const char      *type,
                                                 gboolean         public_only,
                                                 GError         **error);
/* The body of GET /changes for @viewer, written straight from the stored text (an
 * anonymous @viewer gets an object's public_data when it has one):
 * {"changes":[{"seq":..,"type":..,"id":..,"deleted":..,"data":{..}}],"last_seq":N,"more":B}
 * where last_seq is the seq of the last change returned, or @since when there is none
 * (or the newest seq when nothing visible remains), and "newest_seq": the newest seq
 * there is, for progress. */
GBytes         *dk_server_db_changes_json       (DkServerDb      *self,
                                                 gint64           since,
                                                 guint            limit,
                                                 const DkViewer  *viewer,
                                                 GError         **error);
/* The same for a replica installed from a snapshot of @viewer's class made at @base
 * (GET /changes?since=C&base=S): first the rows up to @base that @viewer sees but its
 * class does not (its own reports, subscriptions, ...), then every row @viewer sees
 * after MAX (@since, @base), in seq order. @base 0 is dk_server_db_changes_json ().
 * The classes: anonymous (nothing of its own) and staff (a logged-in @viewer, whose
 * roles always hold DK_ROLE_STAFF; one without it is DK_ERROR_INVALID). */
GBytes         *dk_server_db_changes_json_base  (DkServerDb      *self,
                                                 gint64           since,
                                                 gint64           base,
                                                 guint            limit,
                                                 const DkViewer  *viewer,
                                                 GError         **error);
gint64          dk_server_db_last_seq           (DkServerDb      *self);
/* How many objects (tombstones too) have a seq above @since; 0: all of them. -1 with
 * @error set when it cannot be read. */
gint64          dk_server_db_count_since        (DkServerDb      *self,
                                                 gint64           since,
                                                 GError         **error);
/* The next value of a named counter ("case" → 1001, 1002, ...), for human numbers. */
gint64          dk_server_db_next_number        (DkServerDb      *self,
                                                 const char      *counter,
                                                 GError         **error);

/* ---- routine revisions: every saved revision is kept ---- */

gboolean        dk_server_db_put_routine_revision (DkServerDb    *self,
                                                 const char      *routine_id,
                                                 gint64           revision,
                                                 const char      *data,
                                                 GError         **error);
/* The revision's JSON text, or NULL (no error) when unknown. */
char           *dk_server_db_get_routine_revision (DkServerDb    *self,
                                                 const char      *routine_id,
                                                 gint64           revision,
                                                 GError         **error);
/* The highest revision number kept for a routine, 0 when none. */
gint64          dk_server_db_latest_routine_revision (DkServerDb *self,
                                                 const char      *routine_id);
/* Every revision's JSON text, oldest first. (element-type utf8) */
GPtrArray      *dk_server_db_list_routine_revisions (DkServerDb  *self,
                                                 const char      *routine_id,
                                                 GError         **error);

/* ---- users ---- */

gboolean        dk_server_db_add_user           (DkServerDb      *self,
                                                 const char      *username,
                                                 const char      *password_hash,
                                                 DkRole           roles,
                                                 GError         **error);   /* exists: DK_ERROR_CONFLICT */
gboolean        dk_server_db_set_password       (DkServerDb      *self,
                                                 const char      *username,
                                                 const char      *password_hash,
                                                 GError         **error);   /* unknown: DK_ERROR_NOT_FOUND */
gboolean        dk_server_db_set_disabled       (DkServerDb      *self,
                                                 const char      *username,
                                                 gboolean         disabled,
                                                 GError         **error);
gboolean        dk_server_db_set_roles          (DkServerDb      *self,
                                                 const char      *username,
                                                 DkRole           roles,
                                                 GError         **error);
/* NULL (no error) when unknown. */
DkStoredUser   *dk_server_db_get_user           (DkServerDb      *self,
                                                 const char      *username,
                                                 GError         **error);
/* (element-type DkStoredUser), ordered by username */
GPtrArray      *dk_server_db_list_users         (DkServerDb      *self,
                                                 GError         **error);

/* ---- sessions: only the token's hash is stored ---- */

gboolean        dk_server_db_add_session        (DkServerDb      *self,
                                                 const char      *token_hash,
                                                 const char      *username,
                                                 gint64           expires,
                                                 GError         **error);
/* The username of a live (unexpired, unrevoked) session, or NULL (a failure of the
 * database logged). */
char           *dk_server_db_lookup_session     (DkServerDb      *self,
                                                 const char      *token_hash,
                                                 gint64           now,
                                                 gint64          *expires);
/* The same, but a failure of the database is NULL with @error set (DK_ERROR_STORAGE),
 * told apart from no such session (NULL, no error): a request must not answer "log in
 * again" because the database is away for a moment. */
char           *dk_server_db_find_session       (DkServerDb      *self,
                                                 const char      *token_hash,
                                                 gint64           now,
                                                 gint64          *expires,
                                                 GError         **error);
gboolean        dk_server_db_delete_session     (DkServerDb      *self,
                                                 const char      *token_hash,
                                                 GError         **error);
/* Revokes every session of a user (password change, disable). */
gboolean        dk_server_db_delete_user_sessions (DkServerDb    *self,
                                                 const char      *username,
                                                 GError         **error);
/* When the session began and when its client last had the server's changes
 * (DK_TIME_UNSET: not yet). DK_ERROR_NOT_FOUND for an unknown session. */
gboolean        dk_server_db_get_session_contact (DkServerDb     *self,
                                                 const char      *token_hash,
                                                 gint64          *created_at,
                                                 gint64          *last_contact,
                                                 GError         **error);
/* Records that the session's client had the server's changes at @at (never moves back). */
gboolean        dk_server_db_note_session_contact (DkServerDb    *self,
                                                 const char      *token_hash,
                                                 gint64           at,
                                                 GError         **error);

/* ---- mutations: answers kept by mutation id, so a replay answers the same ---- */

/* The stored result JSON of a mutation, or NULL when it was never seen. */
char           *dk_server_db_get_mutation_result (DkServerDb     *self,
                                                 const char      *mutation_id,
                                                 const char      *username);
gboolean        dk_server_db_put_mutation_result (DkServerDb     *self,
                                                 const char      *mutation_id,
                                                 const char      *username,
                                                 const char      *result,
                                                 GError         **error);

/* ---- audit: every login and every applied mutation ---- */

gboolean        dk_server_db_audit              (DkServerDb      *self,
                                                 const char      *username,   /* may be NULL */
                                                 const char      *action,     /* "login", "login_failed", "case.create" */
                                                 const char      *object_id,  /* may be NULL */
                                                 const char      *address,    /* client address, may be NULL */
                                                 const char      *detail,     /* may be NULL */
                                                 GError         **error);
/* The audit rows as JSON objects {"at","username","action","object","address","detail"},
 * newest first, at most @limit. (element-type utf8) */
GPtrArray      *dk_server_db_list_audit         (DkServerDb      *self,
                                                 guint            limit,
                                                 GError         **error);

/* ---- the login throttle's entries, shared by the instances on one PostgreSQL ----
 *
 * dk-login-throttle.c keeps the policy; these keep its counts. Only on PostgreSQL: on
 * SQLite (one process) the throttle keeps them in memory, and these answer
 * DK_ERROR_INVALID. @table is "pair", "user" or "address". Times are Unix seconds. */

typedef struct {
  gint64 failures;
  gint64 last_failure;
  gint64 forgiven_until;   /* failures before this time were forgiven already */
} DkThrottleEntry;

/* The entry of @key; all zero when there is none. */
gboolean        dk_server_db_get_throttle_entry (DkServerDb      *self,
                                                 const char      *table,
                                                 const char      *key,
                                                 DkThrottleEntry *entry,
                                                 GError         **error);
/* Inside a transaction: the entry of @key, made as {0, 0, @now} when there is none,
 * and locked until the transaction ends, so that another instance's read-modify-write
 * of the same entry waits for this one's. */
gboolean        dk_server_db_lock_throttle_entry (DkServerDb     *self,
                                                 const char      *table,
                                                 const char      *key,
                                                 gint64           now,
                                                 DkThrottleEntry *entry,
                                                 GError         **error);
gboolean        dk_server_db_put_throttle_entry (DkServerDb      *self,
                                                 const char      *table,
                                                 const char      *key,
                                                 const DkThrottleEntry *entry,
                                                 GError         **error);
gboolean        dk_server_db_forget_throttle_entry (DkServerDb   *self,
                                                 const char      *table,
                                                 const char      *key,
                                                 GError         **error);
/* Deletes at most @limit entries whose last failure is before @before; how many, or
 * -1 with @error set. */
gint64          dk_server_db_prune_throttle     (DkServerDb      *self,
                                                 gint64           before,
                                                 guint            limit,
                                                 GError         **error);

G_END_DECLS
