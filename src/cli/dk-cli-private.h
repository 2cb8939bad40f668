/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli-private.h: what driftkoll-cli's command files share */
#pragma once

#include <json-glib/json-glib.h>

#include "dk-cli.h"
#include "dk-core.h"
#include "dk-local-changes.h"
#include "dk-store.h"
#include "dk-sync-engine.h"
#include "dk-sync-progress.h"

G_BEGIN_DECLS

#define DK_CLI_PROGRAM "driftkoll-cli"

/* The state of one command line: the global options and what was opened for it. */
typedef struct {
  char         *server_url;  /* --server, or NULL for the one in the replica */
  char         *data_dir;    /* --data-dir, or NULL for the default */
  char         *ca_file;     /* --ca-file, or NULL for the one kept in the replica */
  DkStore      *store;       /* opened on first use */
  DkSyncEngine *engine;      /* made on first use */
} DkCli;

/* @command is the words that led here ("driftkoll-cli run start"); argv[0] is the last
 * of them. */
typedef int (*DkCliCommandFunc) (DkCli       *cli,
                                 const char  *command,
                                 int          argc,
                                 char       **argv);

typedef struct {
  const char       *name;
  const char       *summary;   /* N_() */
  DkCliCommandFunc  run;
} DkCliCommand;

/* A table for people: columns padded by characters, not bytes; the last is not padded. */
typedef struct _DkCliTable DkCliTable;

/* The progress line of a long sync, on stderr when it is a terminal. */
typedef struct _DkCliProgress DkCliProgress;

int            _dk_cli_usage_error      (const char          *command,
                                         const char          *format,
                                         ...) G_GNUC_PRINTF (2, 3);
int            _dk_cli_fail             (const char          *command,
                                         const GError        *error);
int            _dk_cli_dispatch         (DkCli               *cli,
                                         const char          *command,
                                         const char          *summary,
                                         const DkCliCommand  *list,
                                         guint                n_commands,
                                         int                  argc,
                                         char               **argv);
/* Parses a leaf command's options (GLib prints --help and exits 0), the global options
 * included, and checks that between @n_min and @n_max positional arguments are left;
 * they are argv[1..] afterwards. DK_CLI_EXIT_OK or the status to exit with. */
int            _dk_cli_parse            (DkCli               *cli,
                                         const char          *command,
                                         const char          *parameters,
                                         const char          *summary,
                                         const GOptionEntry  *entries,
                                         int                  n_min,
                                         int                  n_max,
                                         int                 *argc,
                                         char              ***argv);

char          *_dk_cli_dup_data_dir     (DkCli               *cli);
DkStore       *_dk_cli_get_store        (DkCli               *cli,
                                         GError             **error);
DkSyncEngine  *_dk_cli_get_engine       (DkCli               *cli,
                                         GError             **error);
/* The logged-in username, or NULL with an error that says to log in. */
const char    *_dk_cli_get_me           (DkCli               *cli,
                                         GError             **error);
/* dk-cli-common.c: the replica and the logged-in username, for a command that changes
 * something; NULL with an error when either is missing. */
DkStore       *_dk_cli_get_store_as_me  (DkCli               *cli,
                                         const char         **out_me,
                                         GError             **error);

/* Runs the thread-default main loop until an async call's callback has run; the
 * callback is _dk_cli_async_ready_cb with a DkCliWait as user data. */
typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} DkCliWait;

void           _dk_cli_wait_init        (DkCliWait           *wait);
void           _dk_cli_async_ready_cb   (GObject             *source,
                                         GAsyncResult        *result,
                                         gpointer             user_data);
GAsyncResult  *_dk_cli_wait_run         (DkCliWait           *wait);
void           _dk_cli_wait_clear       (DkCliWait           *wait);

/* ---- output ---- */
void           _dk_cli_print_json       (JsonNode            *node);
/* Prints a JSON array of @items converted by @to_json. */
void           _dk_cli_print_json_array (GPtrArray           *items,
                                         JsonNode          *(*to_json) (gconstpointer item));
/* A list command's JSON array of @items when @json, or @empty (translated) when there
 * are none; FALSE when neither, and the list is for the caller to print. */
gboolean       _dk_cli_print_json_or_empty (GPtrArray        *items,
                                            gboolean          json,
                                            JsonNode       *(*to_json) (gconstpointer item),
                                            const char       *empty);
/* "2026-11-24 14:05" in local time; "—" when unset. (transfer full) */
char          *_dk_cli_format_time      (gint64               t);
/* RFC 3339, or local "2026-11-24 14:05" / "2026-11-24T14:05[:SS]". */
gboolean       _dk_cli_parse_time       (const char          *text,
                                         gint64              *out,
                                         GError             **error);
DkCliTable    *_dk_cli_table_new        (guint                n_columns);
void           _dk_cli_table_add        (DkCliTable          *table,
                                         ...) G_GNUC_NULL_TERMINATED;
void           _dk_cli_table_print      (DkCliTable          *table);
void           _dk_cli_table_free       (DkCliTable          *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkCliTable, _dk_cli_table_free)

/* NULL when stderr is not a terminal. */
DkCliProgress *_dk_cli_progress_new     (gint64               start_cursor);
void           _dk_cli_progress_update  (DkCliProgress       *progress,
                                         guint64              objects_applied,
                                         gint64               cursor,
                                         gint64               newest_seq);
/* The snapshot of a first sync: bytes received of @total (0: not known). The first
 * _dk_cli_progress_update after it begins the tail's line. */
void           _dk_cli_progress_update_bytes (DkCliProgress  *progress,
                                              guint64         received,
                                              guint64         total);
void           _dk_cli_progress_free    (DkCliProgress       *progress);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkCliProgress, _dk_cli_progress_free)

/* A password: from the terminal without echo, or one line of stdin when it is not a
 * terminal. Zero it with _dk_cli_secret_free. */
char          *_dk_cli_read_password    (const char          *prompt,
                                         GError             **error);
void           _dk_cli_secret_free      (char                *secret);

/* ---- the commands, one file per group ---- */
/* dk-cli-session.c */
int _dk_cli_login    (DkCli *cli, const char *command, int argc, char **argv);
int _dk_cli_logout   (DkCli *cli, const char *command, int argc, char **argv);
int _dk_cli_status   (DkCli *cli, const char *command, int argc, char **argv);
int _dk_cli_sync     (DkCli *cli, const char *command, int argc, char **argv);
/* dk-cli-cases.c */
int _dk_cli_list     (DkCli *cli, const char *command, int argc, char **argv);
int _dk_cli_show     (DkCli *cli, const char *command, int argc, char **argv);
int _dk_cli_search   (DkCli *cli, const char *command, int argc, char **argv);
/* dk-cli-publish.c */
int _dk_cli_publish  (DkCli *cli, const char *command, int argc, char **argv);
int _dk_cli_update   (DkCli *cli, const char *command, int argc, char **argv);
int _dk_cli_close    (DkCli *cli, const char *command, int argc, char **argv);
int _dk_cli_follow_up (DkCli *cli, const char *command, int argc, char **argv);
/* dk-cli-routines.c */
int _dk_cli_routines (DkCli *cli, const char *command, int argc, char **argv);
int _dk_cli_routine  (DkCli *cli, const char *command, int argc, char **argv);
/* A routine's steps by phase; with @run (and its @kase, nullable) each step's mark, the
 * phases' progress and the ticks and notes under it. */
void _dk_cli_print_routine_steps (const DkRoutine *routine,
                                  const DkRun     *run,
                                  const DkCase    *kase);
/* The ticks and notes of a step of a run, one a line. */
void _dk_cli_print_step_events   (const DkRunStep *state);
/* dk-cli-runs.c */
int _dk_cli_run_cmd  (DkCli *cli, const char *command, int argc, char **argv);
/* dk-cli-report.c */
int _dk_cli_report   (DkCli *cli, const char *command, int argc, char **argv);
/* dk-cli-inbox.c */
int _dk_cli_inbox    (DkCli *cli, const char *command, int argc, char **argv);
int _dk_cli_link     (DkCli *cli, const char *command, int argc, char **argv);
int _dk_cli_report_ack (DkCli *cli, const char *command, int argc, char **argv);
int _dk_cli_report_close (DkCli *cli, const char *command, int argc, char **argv);
/* dk-cli-reserve.c */
int _dk_cli_affected (DkCli *cli, const char *command, int argc, char **argv);
int _dk_cli_reserve  (DkCli *cli, const char *command, int argc, char **argv);
/* dk-cli-templates.c */
int _dk_cli_templates (DkCli *cli, const char *command, int argc, char **argv);
int _dk_cli_template (DkCli *cli, const char *command, int argc, char **argv);

/* dk-cli-units.c */
int _dk_cli_units (DkCli *cli, const char *command, int argc, char **argv);
int _dk_cli_unit (DkCli *cli, const char *command, int argc, char **argv);
/* The catalogue's name for @unit, or @unit trimmed when it is not in it. (transfer full) */
char *_dk_cli_resolve_unit (DkStore *store, const char *unit);
/* dk-cli-print.c */
int _dk_cli_print    (DkCli *cli, const char *command, int argc, char **argv);

G_END_DECLS
