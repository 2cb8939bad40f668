/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-private.h: what the parts of DkStore share (the instance, statements, columns) */
#pragma once

#include <sqlite3.h>

#include "dk-store.h"

G_BEGIN_DECLS

/* What every query that shows cases selects: the number, the data that shows, and the
 * columns a case is still listed by when its data does not read (dk-store-query.c). */
#define DK_STORE_SHOWN_CASE_COLUMNS \
  "number, COALESCE (local_data, server_data), id, title, kind, area, status"

struct _DkStore
{
  GObject     parent_instance;

  /* owned */
  char       *path;
  char       *file_key;     /* the absolute path: the stores of one file in this process */
  sqlite3    *db;
  GHashTable *statements;   /* SQL text (static: keyed by its address) → sqlite3_stmt *,
                             * prepared once */
  GHashTable *service_names;  /* service id → name as the search text has it; a cache
                               * emptied whenever a service is written */
  GMainContext *context;    /* where "revision-changed" is emitted: the thread-default
                             * context of the thread that opened the store */
  gboolean    alone;        /* _dk_store_open_alone (): no replica's, rollback journal,
                             * no syncs */

  /* state */
  guint       depth;        /* transactions open: 1 is BEGIN, more are savepoints */
  guint       tx_changes;   /* DkStoreChange of the open transaction, announced on commit */
  GMutex      announce_lock;  /* the two below: a commit in a worker thread announces */
  guint       announce_changes;
  GSource    *announce_source;

  /* other processes' commits (dk-store-watch.c), on the store's context */
  GFileMonitor *wal_monitor;
  gint64      data_version;   /* SQLite's: moves when another connection commits */
  char       *fingerprint;    /* cursor and outbox, as last seen */
};

/* The notifier's table (dk-store-notify.c): what the last notification said of each
 * followed case, and its latest update (to tell the user's own changes). Part of the
 * schema; the migration to version 2 adds it to replicas made before it.
 * cases_seq finds what changed since the notify cursor. */
#define DK_STORE_SCHEMA_NOTIFY \
  "CREATE TABLE IF NOT EXISTS notified (" \
  "  case_id TEXT PRIMARY KEY NOT NULL," \
  "  status TEXT NOT NULL," \
  "  phrase INTEGER," \
  "  expected_end INTEGER," \
  "  closed INTEGER NOT NULL," \
  "  notified_at INTEGER NOT NULL," \
  "  last_update TEXT" \
  ");" \
  "CREATE INDEX IF NOT EXISTS cases_seq ON cases (seq);"

/* The run notifier's table (dk-store-run-notify.c): per run and user, the closing of the
 * tied case (its closed_at) that was last looked at, and whether the user was told to
 * post-register. Part of the schema, and of the migration to version 2.
 * objects_run_case finds the runs tied to a case (the expression must stay the one the
 * queries use, dk-store-routines.c's SHOWN_DATA). */
#define DK_STORE_SCHEMA_RUN_NOTIFY \
  "CREATE TABLE IF NOT EXISTS run_notified (" \
  "  run_id TEXT NOT NULL," \
  "  username TEXT NOT NULL," \
  "  closed_at INTEGER NOT NULL," \
  "  told INTEGER NOT NULL," \
  "  notified_at INTEGER NOT NULL," \
  "  PRIMARY KEY (run_id, username)" \
  ");" \
  "CREATE INDEX IF NOT EXISTS objects_run_case" \
  "  ON objects (json_extract (COALESCE (local_data, server_data), '$.case'))" \
  "  WHERE type = 'run';"

/* The reminders' table (dk-store-reminders.c): per planned action, what the reminders
 * told (dk-reminder.h's DkReminderState). Part of the schema; the migration to version 3
 * adds it. cases_planned finds the planned actions without reading every case. */
#define DK_STORE_SCHEMA_REMINDERS \
  "CREATE TABLE IF NOT EXISTS reminders (" \
  "  case_id TEXT PRIMARY KEY NOT NULL," \
  "  start INTEGER," \
  "  expected_end INTEGER," \
  "  settled_until INTEGER," \
  "  told INTEGER NOT NULL," \
  "  done INTEGER NOT NULL," \
  "  updated_at INTEGER NOT NULL" \
  ");" \
  "CREATE INDEX IF NOT EXISTS cases_planned ON cases (start) WHERE kind = 'planned';"

/* SQL: the folded service names of a case whose shown JSON is @d, as the search index
 * has them (cases.search_services); a service without a name shows as its id. */
#define DK_STORE_SERVICES_TEXT(d) \
  "dk_fold ((SELECT group_concat (COALESCE (" \
  "  (SELECT json_extract (COALESCE (o.local_data, o.server_data), '$.name')" \
  "   FROM objects AS o WHERE o.type = 'service' AND o.id = s.value)," \
  "  s.value), ' ') FROM json_each (" d ", '$.services') AS s))"

/* "Dkol": written to the header's application_id so that a replica (or a snapshot) can
 * be told from any other SQLite file without reading its tables. */
#define DK_STORE_APPLICATION_ID 0x446b6f6c

/* The cursor's key in meta. */
#define DK_STORE_META_CURSOR "cursor"

/* A statement from the cache, reset and with its bindings cleared. (transfer none) */
sqlite3_stmt *_dk_store_prepare           (DkStore       *self,
                                           const char    *sql,
                                           GError       **error);
gboolean      _dk_store_exec              (DkStore       *self,
                                           const char    *sql,
                                           GError       **error);
/* Steps a statement that returns no rows, then resets it. */
/* The number a one-number query (a PRAGMA, a count) gives on @db; FALSE when it fails. */
gboolean      _dk_store_query_int64       (sqlite3       *db,
                                           const char    *sql,
                                           gint64        *out);
/* The first table of a replica that @db lacks, or NULL when it has them all. */
const char   *_dk_store_find_missing_table (sqlite3      *db);
gboolean      _dk_store_step_done         (DkStore       *self,
                                           sqlite3_stmt  *stmt,
                                           GError       **error);
gboolean      _dk_store_begin             (DkStore       *self,
                                           GError       **error);
gboolean      _dk_store_commit            (DkStore       *self,
                                           GError       **error);
void          _dk_store_rollback          (DkStore       *self);
/* The open transaction (or, outside one, the write just done) changed what @changes
 * says; "revision-changed" tells it once the transaction is committed. */
void          _dk_store_note_change       (DkStore       *self,
                                           guint          changes);
/* dk-store-watch.c: what the cursor and the outbox are now, to tell another process's
 * commit from one this process announced already (transfer full, nullable). Called on
 * the store's context before it says "revision-changed". */
char         *_dk_store_watch_fingerprint (DkStore       *self);
void          _dk_store_watch_dispose     (DkStore       *self);
/* The connection is new (a snapshot was installed): what the watch saw is read again. */
void          _dk_store_watch_reset       (DkStore       *self);

/* Opening and the file (dk-store.c), for installing a snapshot (dk-store-snapshot.c). */
/* A store on @path that is no replica's in this process: no lock file, not among the
 * stores of its file, never announced; a rollback journal and no syncs (the caller
 * syncs the file when it matters). */
DkStore      *_dk_store_open_alone        (const char    *path,
                                           GError       **error);
/* Every store open on @self's file in this process, @self among them. (transfer full)
 * (element-type DkStore) */
GPtrArray    *_dk_store_file_stores       (DkStore       *self);
/* Turns this process's lock on the file's lock file into a write lock (@exclusive), or
 * back into a read lock, without waiting. FALSE when another process holds it (or there
 * is no lock file); a refused write lock leaves the read lock held. */
gboolean      _dk_store_lock_file         (DkStore       *self,
                                           gboolean       exclusive);
/* Closes the store's connection (its statements and caches go with it) ... */
void          _dk_store_close_db          (DkStore       *self);
/* ... and opens it again on the file now at its path. On failure the store is left
 * with an empty connection that fails every query. */
gboolean      _dk_store_reopen_db         (DkStore       *self,
                                           GError       **error);
/* Sets DK_STORE_ERROR_FAILED with SQLite's message; always FALSE. */
gboolean      _dk_store_set_error         (DkStore       *self,
                                           GError       **error);

/* _dk_store_prepare () of a statement on one object's row, in cases (@case_sql, where ?2
 * is the id: the table has no type) or in objects (@object_sql: ?1 the type, ?2 the id),
 * with those bound. (transfer none) */
sqlite3_stmt *_dk_store_prepare_row       (DkStore       *self,
                                           const char    *type,
                                           const char    *id,
                                           const char    *case_sql,
                                           const char    *object_sql,
                                           GError       **error);

/* A member of @object (which may be NULL) that is a value of @type, read without a copy;
 * NULL when there is none. (transfer none) */
JsonNode     *_dk_store_peek_value        (JsonObject    *object,
                                           const char    *member,
                                           GType          type);
const char   *_dk_store_peek_string       (JsonObject    *object,
                                           const char    *member);

/* Binds a string or NULL; the text must outlive the step. */
void          _dk_store_bind_text         (sqlite3_stmt  *stmt,
                                           int            index,
                                           const char    *text);
const char   *_dk_store_column_text       (sqlite3_stmt  *stmt,
                                           int            index);

/* Folds text for the search index and for queries alike: lower case, letters without
 * their diacritics (å ä → a, ö ø → o, é → e, ü → u), æ → ae, œ → oe, ß → ss.
 * (transfer full) */
char         *_dk_store_fold              (const char    *text);
/* Appends the folded form of @text (not NULL) to @out. */
void          _dk_store_fold_append       (GString       *out,
                                           const char    *text);
/* Registers dk_fold() on a connection; the triggers of the search index call it. */
gboolean      _dk_store_register_fold     (sqlite3       *db);

/* The search index (dk-store-search.c). A case leaves the index before its row changes
 * and comes back after: FTS5 reads the view cases_search to take a row out. */
/* The case's pk, 0 when there is no such case. */
gboolean      _dk_store_lookup_case_pk    (DkStore       *self,
                                           const char    *id,
                                           gint64        *out_pk,
                                           GError       **error);
gboolean      _dk_store_unindex_case      (DkStore       *self,
                                           gint64         pk,
                                           GError       **error);
/* Indexes a case (not in the index) from its row, in SQL; a pk of 0 is no case. */
gboolean      _dk_store_index_case        (DkStore       *self,
                                           gint64         pk,
                                           GError       **error);
gboolean      _dk_store_unindex_case_id   (DkStore       *self,
                                           const char    *id,
                                           GError       **error);
gboolean      _dk_store_index_case_id     (DkStore       *self,
                                           const char    *id,
                                           GError       **error);
/* A service was written or went away: the cases that name it get their text again. */
gboolean      _dk_store_reindex_service   (DkStore       *self,
                                           const char    *service_id,
                                           GError       **error);
/* The search text of a case new to the replica, built in C: FALSE when the general
 * way (_dk_store_index_case()) must do it. */
gboolean      _dk_store_build_body        (JsonObject    *data,
                                           const char    *number,
                                           GString       *out);
gboolean      _dk_store_build_services    (DkStore       *self,
                                           JsonObject    *data,
                                           gboolean      *out_plain,
                                           GString      **out_text,
                                           GError       **error);
/* The same, for the case at @data in a page read with dk_json_doc_parse (). */
gboolean      _dk_store_build_body_doc    (DkJsonDoc     *doc,
                                           guint          data,
                                           const char    *number,
                                           GString       *out);
/* The body dk_store_search_texts_new () built for the @n-th change: FALSE when
 * @texts is NULL (build it now), else TRUE with *out_body NULL when the general way
 * must do it (valid as long as @texts). */
gboolean      _dk_store_search_texts_get  (DkStoreSearchTexts *texts,
                                           guint          n,
                                           const char   **out_body,
                                           gsize         *out_length);
gboolean      _dk_store_build_services_doc (DkStore      *self,
                                           DkJsonDoc     *doc,
                                           guint          data,
                                           gboolean      *out_plain,
                                           GString      **out_text,
                                           GError       **error);
gboolean      _dk_store_index_case_text   (DkStore       *self,
                                           gint64         pk,
                                           const char    *title,
                                           const char    *body,
                                           gsize          body_length,
                                           GString       *services,
                                           GError       **error);
/* For a full resync: the index emptied, then built again from the cases that stay. */
gboolean      _dk_store_clear_index       (DkStore       *self,
                                           GError       **error);
gboolean      _dk_store_rebuild_index     (DkStore       *self,
                                           GError       **error);
/* The pks of the cases that match @text, best first, at most @limit (0: all of them).
 * (element-type gint64) */
GArray       *_dk_store_search_pks        (DkStore       *self,
                                           const char    *text,
                                           guint          limit,
                                           GError       **error);

/* dk_store_enqueue () of a change the user made at @created_at (the time its local
 * version shows; sent as the mutation's client_at) (dk-store-outbox.c). */
gboolean      _dk_store_enqueue_at        (DkStore       *self,
                                           gint64         created_at,
                                           const char    *op,
                                           const char    *object_type,
                                           const char    *object_id,
                                           gint64         base_revision,
                                           JsonNode      *data,
                                           JsonNode      *local_object,
                                           char         **out_mutation_id,
                                           GError       **error);
/* _dk_store_enqueue_at () with the caller's mutation id. */
gboolean      _dk_store_enqueue_with_id   (DkStore       *self,
                                           const char    *mutation_id,
                                           gint64         created_at,
                                           const char    *op,
                                           const char    *object_type,
                                           const char    *object_id,
                                           gint64         base_revision,
                                           JsonNode      *data,
                                           JsonNode      *local_object,
                                           GError       **error);

/* Writes an object's local version (wire JSON) beside the server's copy. */
gboolean      _dk_store_put_local         (DkStore       *self,
                                           const char    *type,
                                           const char    *id,
                                           JsonNode      *local_object,
                                           GError       **error);
/* Forgets an object's local version now: the server's copy shows again (or the object
 * goes away when the server has none). */
gboolean      _dk_store_drop_local        (DkStore       *self,
                                           const char    *type,
                                           const char    *id,
                                           GError       **error);
/* Keeps the local version until the server's copy reaches @revision (no flicker between
 * the answer and the next pull), or drops it now when the copy is there already. */
gboolean      _dk_store_retire_local      (DkStore       *self,
                                           const char    *type,
                                           const char    *id,
                                           gint64         revision,
                                           GError       **error);
/* Sets a locally created case's number once the server has assigned it. */
gboolean      _dk_store_set_case_number   (DkStore       *self,
                                           const char    *id,
                                           const char    *number,
                                           GError       **error);
/* Entries for an object in the given states (a bit mask of 1 << DkOutboxState). */
gboolean      _dk_store_count_entries     (DkStore       *self,
                                           const char    *type,
                                           const char    *id,
                                           guint          state_mask,
                                           gint64        *out_count,
                                           GError       **error);

/* Steps a statement whose columns are (number, shown JSON) and decodes the cases; a
 * broken row is skipped with a warning. Resets the statement. (element-type DkCase) */
GPtrArray    *_dk_store_collect_cases     (DkStore       *self,
                                           sqlite3_stmt  *stmt,
                                           GError       **error);

G_END_DECLS
