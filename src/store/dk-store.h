/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store.h: the client's replica: what the server lets one user see, and the outbox
 *
 * One SQLite file per data dir (one user on one server), WAL with a busy timeout so the
 * app and the cli can use it at once. The UI reads only from here. A local change is a
 * committed outbox row before the caller is told it is done, and leaves the outbox only
 * when the server has answered for it; until then every query shows the local version,
 * marked as not yet sent.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dk-core.h"

G_BEGIN_DECLS

#define DK_STORE_SCHEMA_VERSION 3

#define DK_STORE_ERROR (dk_store_error_quark ())

typedef enum {
  DK_STORE_ERROR_CORRUPT,     /* not a Driftkoll replica, or damaged: kept as it is */
  DK_STORE_ERROR_TOO_NEW,     /* written by a newer Driftkoll: kept as it is */
  DK_STORE_ERROR_NOT_FOUND,   /* no such case, routine, run, ... */
  DK_STORE_ERROR_FAILED,      /* SQLite said no (locked too long, I/O error, ...) */
  DK_STORE_ERROR_NO_SPACE,    /* the disk is full: nothing committed is lost */
} DkStoreError;

GQuark dk_store_error_quark (void);

/* What a commit changed: the argument of "revision-changed" (a bit mask). */
typedef enum {
  DK_STORE_CHANGE_LOCAL  = 1 << 0,  /* an outbox entry was added (a local change to send) */
  DK_STORE_CHANGE_SERVER = 1 << 1,  /* server data applied (a page, a resync) */
  DK_STORE_CHANGE_OUTBOX = 1 << 2,  /* an outbox entry was answered, discarded or resolved */
} DkStoreChange;

/* Where a local change stands. */
typedef enum {
  DK_OUTBOX_PENDING,    /* waiting to be sent (or sent, not yet answered) */
  DK_OUTBOX_REJECTED,   /* the server refused it: kept with its reason for the user */
  DK_OUTBOX_CONFLICT,   /* the object changed on the server: both versions kept */
} DkOutboxState;

typedef struct {
  gint64         position;       /* order of creation */
  char          *mutation_id;    /* client-made UUID, kept across retries */
  char          *op;             /* "case.create", ... */
  char          *object_type;    /* "case", ... */
  char          *object_id;
  gint64         base_revision;
  char          *data;           /* the mutation's data, JSON text */
  DkOutboxState  state;
  char          *error_code;     /* rejected: the server's code */
  char          *error_message;  /* rejected: the server's message */
  char          *current;        /* conflict: the server's version, JSON text */
  gint64         created_at;
  guint          attempts;
} DkOutboxEntry;

void dk_outbox_entry_free (DkOutboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkOutboxEntry, dk_outbox_entry_free)

/* What list_cases filters on; zero-initialised means "every case that is not archived". */
typedef struct {
  gboolean    filter_kind;
  DkCaseKind  kind;
  gboolean    filter_area;
  DkArea      area;
  const char *service;        /* a service id, or NULL */
  gboolean    archived;       /* TRUE: only the archive (closed > 24 h ago); FALSE: only current */
  gint64      from;           /* archive time range on start, DK_TIME_UNSET or 0 for open */
  gint64      to;
  guint       limit;          /* 0 = no limit */
  guint       offset;
} DkCaseQuery;

#define DK_TYPE_STORE (dk_store_get_type ())
G_DECLARE_FINAL_TYPE (DkStore, dk_store, DK, STORE, GObject)

/*
 * Signals:
 *   "revision-changed" (guint changes): after a committed write, as evolution-data-server's
 *     ECache does: @changes is a DkStoreChange mask. Emitted on the thread-default main
 *     context of the thread that opened the store, from an idle, so that a burst of
 *     commits is told once and whatever a handler reads is committed. Commits made
 *     through another DkStore on the same file in this process (the pull's writer
 *     thread) are told too; another process's (the cli's) are noticed when the file
 *     changes, as DK_STORE_CHANGE_SERVER | DK_STORE_CHANGE_OUTBOX, plus LOCAL when
 *     the outbox grew.
 */

/* Opens (creating when missing) the replica at @path. A corrupt file or one from a
 * newer version is an error and is left untouched. While any store of this process has
 * the file open, it holds a read lock on "<path>.lock" (made beside it, and kept), so
 * that installing a snapshot knows whether it may rename over the file; an open waits
 * (30 s at most) while another process renames one in. */
DkStore        *dk_store_open                 (const char        *path,
                                               GError           **error);
const char     *dk_store_get_path             (DkStore           *self);
/* Says "revision-changed" for commits by other processes on the file too (the cli
 * beside the app): watches the replica's write-ahead log. Call on the thread that
 * opened the store; once is enough. */
void            dk_store_watch_other_writers  (DkStore           *self);

/* ---- key/value: server URL, username, roles, last successful sync, ... ---- */
char           *dk_store_dup_meta             (DkStore           *self,
                                               const char        *key);
gboolean        dk_store_set_meta             (DkStore           *self,
                                               const char        *key,
                                               const char        *value,    /* NULL deletes */
                                               GError           **error);

/* ---- what the server sent ---- */
gint64          dk_store_get_cursor           (DkStore           *self);
/* Applies one page of /changes (the "changes" array) and moves the cursor to @last_seq,
 * in one transaction. Objects with local changes still in the outbox keep their local
 * version (the server's is kept beside it) until the outbox entry is answered. */
/* The same from a page read with dk_json_doc_parse (): @changes is the index of its
 * "changes" array; the objects are stored as the text the server sent. */
gboolean        dk_store_apply_page           (DkStore           *self,
                                               DkJsonDoc         *doc,
                                               guint              changes,
                                               gint64             last_seq,
                                               GError           **error);
/* The search text of each new case of such a page, built beforehand in another
 * thread than the one that applies it (it needs no replica): the pull builds it while
 * the page before is written. */
typedef struct _DkStoreSearchTexts DkStoreSearchTexts;
DkStoreSearchTexts *dk_store_search_texts_new (DkJsonDoc         *doc,
                                               guint              changes);
void            dk_store_search_texts_free    (DkStoreSearchTexts *texts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkStoreSearchTexts, dk_store_search_texts_free)
gboolean        dk_store_apply_page_with_texts (DkStore          *self,
                                               DkJsonDoc         *doc,
                                               guint              changes,
                                               gint64             last_seq,
                                               DkStoreSearchTexts *texts,
                                               GError           **error);
gboolean        dk_store_apply_changes        (DkStore           *self,
                                               JsonArray         *changes,
                                               gint64             last_seq,
                                               GError           **error);
/* Forgets everything the server sent and the cursor, for a full resync; keeps the
 * outbox and the local versions it needs. */
gboolean        dk_store_reset_server_data    (DkStore           *self,
                                               GError           **error);

/* ---- snapshots: a whole replica, made by the server, installed by a first sync ---- */

/* Meta keys. A snapshot file has the first three; a replica installed from one keeps
 * snapshot-base (the seq it was made at) until its cursor reaches it. */
#define DK_STORE_META_SNAPSHOT_SEQ   "snapshot-seq"
#define DK_STORE_META_SNAPSHOT_CLASS "snapshot-class"
#define DK_STORE_META_SNAPSHOT_BUILT "snapshot-built-at"
#define DK_STORE_META_SNAPSHOT_BASE  "snapshot-base"

typedef struct {
  gint64  seq;        /* every change up to here is in it */
  char   *klass;      /* DK_SNAPSHOT_CLASS_ANONYMOUS or _STAFF */
  int     schema;     /* the replica schema it was written with */
  gint64  built_at;   /* Unix seconds */
} DkStoreSnapshotInfo;

void            dk_store_snapshot_info_clear  (DkStoreSnapshotInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DkStoreSnapshotInfo, dk_store_snapshot_info_clear)

/* The server's side: writes this replica (filled by dk_store_apply_page*) as a snapshot
 * of @klass at @seq to @dest (which must not exist): the meta above (and the cursor =
 * @seq; no other key), the search index optimized, the file compacted (VACUUM INTO).
 * @self keeps its rows and meta (its index is optimized too) and stays usable; on
 * failure @dest is removed. Outside a transaction. */
gboolean        dk_store_write_snapshot       (DkStore           *self,
                                               const char        *klass,
                                               gint64             seq,
                                               const char        *dest,
                                               GError           **error);
/* The client's side: checks that the file at @path is a whole snapshot it can use
 * (quick_check, application id, tables, the snapshot meta, no session keys, a schema it
 * knows, migrating an older one) and fills @info. DK_STORE_ERROR_CORRUPT or _TOO_NEW. */
gboolean        dk_store_prepare_snapshot     (const char        *path,
                                               DkStoreSnapshotInfo *info,
                                               GError           **error);
/* Puts the prepared snapshot at @path in place of @self's replica, atomically, keeping
 * what is local (the outbox, local versions, meta other than the cursor, the notifiers'
 * state), with snapshot-base set and no cursor. Every store open on the file in this
 * process goes on with the new one, and says "revision-changed" (SERVER). Call on
 * @self's thread, outside a transaction, while no other thread uses a store on the
 * file. @path is consumed on success. Alone with the file, the snapshot is renamed over
 * it; with another process on it (the lock file "<replica>.lock" that dk_store_open
 * read-locks, or a -wal left by a connection that takes no lock), it is copied in with
 * sqlite3_backup. On failure the replica is as it was (but for the rare failure to
 * open it again after the rename, said as such). */
gboolean        dk_store_install_snapshot     (DkStore           *self,
                                               const char        *path,
                                               GError           **error);
/* The seq the replica's snapshot was made at while its cursor is below it; else 0. */
gint64          dk_store_get_snapshot_base    (DkStore           *self);

/* ---- reading (every result includes local, not yet sent changes) ---- */
GPtrArray      *dk_store_list_cases           (DkStore           *self,
                                               const DkCaseQuery *query,
                                               gint64             now,
                                               GError           **error);  /* DkCase * */
/* By id or by number ("DK-1042"); NULL with DK_STORE_ERROR_NOT_FOUND. */
DkCase         *dk_store_get_case             (DkStore           *self,
                                               const char        *id_or_number,
                                               GError           **error);
/* Full-text search over title, description, scope, service names and update texts;
 * "atgard" finds "åtgärd". Best matches first (title, then service names, then the
 * rest; the newest first within each), at most @limit (0: no cap). (element-type DkCase) */
GPtrArray      *dk_store_search_cases         (DkStore           *self,
                                               const char        *text,
                                               guint              limit,
                                               GError           **error);
GPtrArray      *dk_store_list_services        (DkStore           *self,
                                               GError           **error);  /* DkService * */
DkService      *dk_store_get_service          (DkStore           *self,
                                               const char        *id,
                                               GError           **error);
GPtrArray      *dk_store_list_routines        (DkStore           *self,
                                               GError           **error);  /* DkRoutine * */
DkRoutine      *dk_store_get_routine          (DkStore           *self,
                                               const char        *id,
                                               GError           **error);
GPtrArray      *dk_store_list_runs            (DkStore           *self,
                                               GError           **error);  /* DkRun * */
DkRun          *dk_store_get_run              (DkStore           *self,
                                               const char        *id,
                                               GError           **error);
GPtrArray      *dk_store_list_reports         (DkStore           *self,
                                               GError           **error);  /* DkReport * */
/* By id or by number ("FA-17"); NULL with DK_STORE_ERROR_NOT_FOUND. */
DkReport       *dk_store_get_report           (DkStore           *self,
                                               const char        *id_or_number,
                                               GError           **error);
/* The message templates the user may use (their own and their teams'), by name. */
GPtrArray      *dk_store_list_templates       (DkStore           *self,
                                               GError           **error);  /* DkTemplate * */
/* NULL with DK_STORE_ERROR_NOT_FOUND (also when deleted here, not yet sent). */
DkTemplate     *dk_store_get_template         (DkStore           *self,
                                               const char        *id,
                                               GError           **error);
/* The catalogue of units (local changes included), by name. */
GPtrArray      *dk_store_list_units           (DkStore           *self,
                                               GError           **error);  /* DkUnit * */
/* By id, name or alias (ignoring case and white space); NULL with
 * DK_STORE_ERROR_NOT_FOUND. */
DkUnit         *dk_store_get_unit             (DkStore           *self,
                                               const char        *unit,
                                               GError           **error);
/* The catalogue's name of the unit @text names (its name or an alias, ignoring case and
 * white space), or NULL for a unit not in the catalogue. */
char           *dk_store_resolve_unit         (DkStore           *self,
                                               const char        *text);
/* Whether two units as typed are the same: one catalogue unit, or the same free text. */
gboolean        dk_store_same_unit            (DkStore           *self,
                                               const char        *a,
                                               const char        *b);
/* The user's subscription, or NULL when there is none yet. */
DkSubscription *dk_store_get_subscription     (DkStore           *self,
                                               GError           **error);
/* Whether an object has local changes not yet answered by the server. */
gboolean        dk_store_is_pending           (DkStore           *self,
                                               const char        *type,
                                               const char        *id);

/* ---- the outbox ---- */
/* Records a local change: the mutation (a new UUID, returned in @out_mutation_id) and
 * the object's new local version @local_object (wire JSON of @object_type), in one
 * transaction. When this returns TRUE the change is on disk. */
gboolean        dk_store_enqueue              (DkStore           *self,
                                               const char        *op,
                                               const char        *object_type,
                                               const char        *object_id,
                                               gint64             base_revision,
                                               JsonNode          *data,
                                               JsonNode          *local_object,
                                               char             **out_mutation_id,
                                               GError           **error);
/* The oldest pending entries, at most @limit. (element-type DkOutboxEntry) */
GPtrArray      *dk_store_outbox_pending       (DkStore           *self,
                                               guint              limit,
                                               GError           **error);
/* Every entry in the outbox, oldest first. (element-type DkOutboxEntry) */
GPtrArray      *dk_store_outbox_list          (DkStore           *self,
                                               GError           **error);
/* Records the server's answer to one mutation (a result object of POST /mutations):
 * applied removes it (and the local version once nothing else is pending for that
 * object); rejected and conflict keep it with the reason. */
gboolean        dk_store_outbox_answer        (DkStore           *self,
                                               JsonObject        *result,
                                               GError           **error);
/* Every answer of one batch (JsonObject *), in one transaction. */
gboolean        dk_store_outbox_answer_all    (DkStore           *self,
                                               GPtrArray         *results,
                                               GError           **error);
/* Drops a rejected or conflicting entry the user has seen (the server's version then
 * shows again). */
gboolean        dk_store_outbox_discard       (DkStore           *self,
                                               const char        *mutation_id,
                                               GError           **error);
guint           dk_store_outbox_count         (DkStore           *self,
                                               DkOutboxState      state);
/* One entry; NULL with DK_STORE_ERROR_NOT_FOUND when it left the outbox. */
DkOutboxEntry  *dk_store_outbox_get           (DkStore           *self,
                                               const char        *mutation_id,
                                               GError           **error);
/* A rejected entry edited by the user: its data replaced by @data (and the object's
 * local version by @local_object, when given) and sent again, under a new mutation id,
 * in one transaction. */
gboolean        dk_store_outbox_retry         (DkStore           *self,
                                               const char        *mutation_id,
                                               JsonNode          *data,
                                               JsonNode          *local_object,
                                               GError           **error);

G_END_DECLS
