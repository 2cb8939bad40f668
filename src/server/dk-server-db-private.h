/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-db-private.h: what the files of the server's storage share */
#pragma once

#include <sqlite3.h>

#include "dk-server-db.h"
#include "dk-server-metrics.h"

G_BEGIN_DECLS

/* The statements prepared once and kept for the life of the connection. */
typedef enum {
  STMT_BUMP_SEQ,
  STMT_LAST_SEQ,
  STMT_PUT_OBJECT,
  STMT_GET_OBJECT,
  STMT_LIST_OBJECTS,
  STMT_CHANGES_ANONYMOUS,
  STMT_CHANGES_VIEWER,
  STMT_CHANGES_PRIVATE,
  STMT_COUNT_SINCE,
  STMT_NEXT_NUMBER,
  STMT_IS_EMPTY,
  STMT_PUT_ROUTINE_REVISION,
  STMT_GET_ROUTINE_REVISION,
  STMT_LATEST_ROUTINE_REVISION,
  STMT_LIST_ROUTINE_REVISIONS,
  STMT_ADD_USER,
  STMT_SET_PASSWORD,
  STMT_SET_DISABLED,
  STMT_SET_ROLES,
  STMT_GET_USER,
  STMT_LIST_USERS,
  STMT_ADD_SESSION,
  STMT_LOOKUP_SESSION,
  STMT_DELETE_SESSION,
  STMT_DELETE_USER_SESSIONS,
  STMT_GET_SESSION_CONTACT,
  STMT_NOTE_SESSION_CONTACT,
  STMT_GET_MUTATION,
  STMT_PUT_MUTATION,
  STMT_AUDIT,
  STMT_LIST_AUDIT,
  N_STMTS
} StmtId;

struct _DkServerDb
{
  GObject parent_instance;

  /* owned */
  sqlite3      *db;       /* NULL on PostgreSQL */
  sqlite3_stmt *stmts[N_STMTS];
  char         *path;     /* the file, or the PostgreSQL location without its password */
  struct pg_conn *pg;     /* PGconn of dk-server-db-pg.c; NULL on SQLite */
  char         *pg_conninfo; /* as given, password and all: never logged */
  GHashTable   *pg_prepared; /* const char *sql → statement name (dk-server-db-pg.c) */
  gboolean      pg_took_seq; /* the open transaction took a seq: NOTIFY at COMMIT */
  gboolean      pg_seq_locked; /* the open transaction holds the row lock on meta('seq') */
  gint64        pg_seq;      /* then: the newest seq of the open transaction */
  GArray       *pg_seq_saved; /* (element-type DkPgSeqState) at each open savepoint */
  GHashTable   *pg_counters; /* counter name → DkPgCounter taken in the open transaction */
  DkServerMetrics *metrics;  /* NULL: transactions are not timed */

  /* state */
  guint         depth;   /* open transactions: 0 none, 1 BEGIN, >1 savepoints */
  gboolean      reading; /* inside dk_server_db_begin_read () */
  gint64        tx_start; /* monotonic µs of the outermost BEGIN (timed with metrics) */
};

/* A cached statement in use: reset (not finalized) when it goes out of scope, so that
 * no early return leaves a read open. */
typedef sqlite3_stmt DkCachedStmt;

static inline void
dk_cached_stmt_release (DkCachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkCachedStmt, dk_cached_stmt_release)

/* One page of GET /changes as it is written, by either backend: the row is written
 * in one place (dk-server-db-objects.c) so that both answer byte for byte the same. */
typedef struct {
  GString  *out;
  gboolean  anonymous;
  guint     limit;
  guint     count;      /* changes written */
  gboolean  more;       /* a change beyond @limit exists */
  gint64    last_seq;   /* of the last change written */
} DkChangesPage;

/* Writes one row of the changes (the columns of CHANGES_COLUMNS); FALSE, with
 * page->more set, when the page is full already. @data and @public_data are the stored
 * JSON texts (NULL: SQL NULL) and their lengths. */
gboolean      _dk_server_db_changes_page_append (DkChangesPage *page,
                                                 gint64         seq,
                                                 const char    *type,
                                                 const char    *id,
                                                 gboolean       deleted,
                                                 gboolean       public,
                                                 const char    *data,
                                                 gsize          data_length,
                                                 const char    *public_data,
                                                 gsize          public_data_length);

gint64        _dk_server_db_now_seconds        (void);
gboolean      _dk_server_db_set_sqlite_error   (DkServerDb    *self,
                                                GError       **error,
                                                int            code,
                                                const char    *what);
DkCachedStmt *_dk_server_db_get_stmt           (DkServerDb    *self,
                                                StmtId         id,
                                                GError       **error);
gboolean      _dk_server_db_step_done          (DkServerDb    *self,
                                                sqlite3_stmt  *stmt,
                                                const char    *what,
                                                GError       **error);
void          _dk_server_db_bind_text          (sqlite3_stmt  *stmt,
                                                int            index,
                                                const char    *text);
char         *_dk_server_db_column_strdup      (sqlite3_stmt  *stmt,
                                                int            column);
void          _dk_server_db_append_json_string (GString       *out,
                                                const char    *text);

G_END_DECLS
