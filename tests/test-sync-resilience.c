/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sync-resilience.c: the real driftkoll-cli against the real driftkoll-server,
 * cut, stopped and killed at bad moments: nothing a user did is lost, nothing arrives
 * twice, the replica always opens and a sync resumes where it stopped.
 *
 * Every client is a driftkoll-cli process (DRIFTKOLL_CLI) on its own data dir; the test
 * reads the replica file itself only to watch a running sync and to compare it with
 * what the server shows. Rounds with random timing print their seed; run again with
 * DRIFTKOLL_TEST_SEED=N to repeat one.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

#include "dk-local-changes.h"
#include "dk-store.h"
#include "dk-test-server.h"

#define USER      "servicedesk"
#define PASSWORD  "demo"
#define ROUTINE   "driftstopp-tes"
/* Another user writes cases while the client syncs: lab medicine is hers. */
#define OTHER     "lab_communicator"

typedef struct {
  DkTestServer *server;
  char         *tmp;        /* XDG_DATA_HOME, the data dir, the logs */
  char         *data_dir;   /* the client's */
  char         *token;      /* USER's session, for reading the server directly */
  GRand        *rand;
} Fixture;

/* What the client was asked to do, to find on the server exactly once. Every text the
 * test writes starts with the fixture's tag, so nothing else is mistaken for it. */
typedef struct {
  char       *title;
  GPtrArray  *updates;      /* char *: update texts, in order */
  char       *close_text;   /* NULL while it is not to be closed */
} ExpectedCase;

typedef struct {
  char       *tag;
  GHashTable *cases;        /* id -> ExpectedCase */
  GPtrArray  *case_order;   /* char *: ids, oldest first */
  GHashTable *reports;      /* id -> description */
  GHashTable *runs;         /* id -> GHashTable (step id -> GPtrArray of notes, in order) */
  guint       n_changes;
} Expected;

/* ---- helpers: files ---- */

static char *
read_log (Fixture    *fixture,
          const char *name)
{
  g_autofree char *path = g_build_filename (fixture->tmp, name, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("(none)");
  return text;
}

/* ---- helpers: driftkoll-cli ---- */

/* A client must not outlive a test that aborted. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocessLauncher *
cli_launcher (Fixture          *fixture,
              GSubprocessFlags  flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);
  g_autofree char *xdg = g_build_filename (fixture->tmp, "xdg", NULL);

  /* Nothing of the user's own data dir or keyring may be touched. */
  g_subprocess_launcher_setenv (launcher, "DRIFTKOLL_TOKEN_STORAGE", "file", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", xdg, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DRIFTKOLL_DATA_DIR");
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);

  return launcher;
}

static GPtrArray *
cli_argv (Fixture    *fixture,
          const char *first,
          va_list     args)
{
  GPtrArray *argv = g_ptr_array_new ();
  const char *arg;

  g_ptr_array_add (argv, (char *) g_getenv ("DRIFTKOLL_CLI"));
  g_assert_nonnull (argv->pdata[0]);
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, fixture->data_dir);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  g_ptr_array_add (argv, NULL);

  return argv;
}

static char *
describe_argv (GPtrArray *argv)
{
  return g_strjoinv (" ", (char **) argv->pdata + 3);
}

static int
cli_run_argv (Fixture     *fixture,
              GPtrArray   *argv,
              const char  *stdin_text,
              char       **out_stdout,
              char       **out_stderr)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  launcher = cli_launcher (fixture, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                    G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                    G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text, NULL, &out, &err, &error);
  g_assert_no_error (error);

  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);

  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

/* Runs "driftkoll-cli --data-dir DIR ARGS..." to its end; returns its exit status. */
static int
cli_run (Fixture     *fixture,
         const char  *stdin_text,
         char       **out_stdout,
         char       **out_stderr,
         const char  *first,
         ...) G_GNUC_NULL_TERMINATED;

static int
cli_run (Fixture     *fixture,
         const char  *stdin_text,
         char       **out_stdout,
         char       **out_stderr,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, first);
  argv = cli_argv (fixture, first, args);
  va_end (args);

  return cli_run_argv (fixture, argv, stdin_text, out_stdout, out_stderr);
}

/* The same, asserting it succeeds; returns its stdout. */
static char *
cli_ok (Fixture    *fixture,
        const char *first,
        ...) G_GNUC_NULL_TERMINATED;

static char *
cli_ok (Fixture    *fixture,
        const char *first,
        ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  va_list args;
  int status;

  va_start (args, first);
  argv = cli_argv (fixture, first, args);
  va_end (args);

  status = cli_run_argv (fixture, argv, NULL, &out, &err);
  if (status != 0)
    {
      g_autofree char *command = describe_argv (argv);

      g_error ("“driftkoll-cli %s” exited with %d: %s", command, status, err);
    }

  return g_steal_pointer (&out);
}

static JsonNode *
parse_json (const char *text,
            const char *what)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  if (node == NULL)
    g_error ("%s is not JSON (%s): %s", what, error ? error->message : "empty", text);
  return node;
}

/* The last line of a command's output: the id that publish, report and run start print. */
static char *
last_line (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  const char *newline = strrchr (copy, '\n');
  g_autofree char *line = g_strdup (newline != NULL ? newline + 1 : copy);

  if (!g_uuid_string_is_valid (line))
    g_error ("expected an id as the last line, got “%s”", text);
  return g_steal_pointer (&line);
}

/* "COMMAND --json", which must succeed and print an object. */
static JsonObject *
cli_json_object (Fixture    *fixture,
                 const char *command)
{
  g_autofree char *out = cli_ok (fixture, command, "--json", NULL);
  g_autofree char *what = g_strconcat (command, " --json", NULL);
  g_autoptr(JsonNode) node = parse_json (out, what);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static JsonObject *
cli_status (Fixture *fixture)
{
  return cli_json_object (fixture, "status");
}

/* A whole sync that must succeed; returns its --json summary. */
static JsonObject *
cli_sync (Fixture *fixture)
{
  return cli_json_object (fixture, "sync");
}

/* Starts a driftkoll-cli that runs on its own; its output goes to LOG.out and LOG.err. */
static GSubprocess *
cli_spawn (Fixture    *fixture,
           const char *log,
           const char *first,
           ...) G_GNUC_NULL_TERMINATED;

static GSubprocess *
cli_spawn (Fixture    *fixture,
           const char *log,
           const char *first,
           ...)
{
  g_autoptr(GSubprocessLauncher) launcher = cli_launcher (fixture, G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_strconcat (fixture->tmp, "/", log, ".out", NULL);
  g_autofree char *err = g_strconcat (fixture->tmp, "/", log, ".err", NULL);
  GSubprocess *process;
  va_list args;

  va_start (args, first);
  argv = cli_argv (fixture, first, args);
  va_end (args);

  g_subprocess_launcher_set_stdout_file_path (launcher, out);
  g_subprocess_launcher_set_stderr_file_path (launcher, err);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  return process;
}

static void
cli_login (Fixture *fixture)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  status = cli_run (fixture, PASSWORD "\n", &out, &err, "--server", fixture->server->url,
                    "login", USER, NULL);
  if (status != 0)
    g_error ("login exited with %d: %s", status, err);
}

/* Whether a spawned process has ended, without waiting for it (GLib reaps children on
 * its worker thread; the identifier goes once it has). */
static gboolean
has_ended (GSubprocess *process)
{
  return g_subprocess_get_identifier (process) == NULL;
}

/* The replica file of the client, opened by the test to watch it and compare it. */
static DkStore *
open_replica (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "replica.db", NULL);
  g_autoptr(GError) error = NULL;
  DkStore *store = dk_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

/* ---- helpers: the server's view ---- */

static GPtrArray *
server_changes (Fixture *fixture)
{
  return dk_test_server_pull_all (fixture->server, fixture->token, 1000, NULL);
}

/* The changes after @since that @fixture's user sees, in order. */
static GPtrArray *
server_changes_since (Fixture *fixture,
                      gint64   since)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(JsonNode) reply = NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT
                                               "&limit=1000", since);
      JsonObject *page;
      JsonArray *list;

      g_assert_cmpuint (dk_test_server_request (fixture->server, "GET", path, fixture->token,
                                                NULL, NULL, 0, &reply, NULL), ==, 200);
      page = json_node_get_object (reply);
      list = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (list); i++)
        g_ptr_array_add (changes, json_object_ref (json_array_get_object_element (list, i)));
      since = json_object_get_int_member (page, "last_seq");
      more = json_object_get_boolean_member (page, "more");
    }

  return changes;
}

/* The newest change number on the server. */
static gint64
server_newest_seq (Fixture *fixture)
{
  g_autoptr(JsonNode) reply = NULL;

  g_assert_cmpuint (dk_test_server_request (fixture->server, "GET",
                                            "/api/v1/changes?since=0&limit=1", fixture->token,
                                            NULL, NULL, 0, &reply, NULL), ==, 200);
  return json_object_get_int_member (json_node_get_object (reply), "newest_seq");
}

static JsonObject *
change_data (JsonObject *change)
{
  return json_object_get_object_member (change, "data");
}

static gboolean
change_is (JsonObject *change,
           const char *type)
{
  return g_str_equal (json_object_get_string_member (change, "type"), type) &&
         !json_object_get_boolean_member (change, "deleted");
}

static gboolean
has_tag (JsonObject *object,
         const char *member,
         const char *tag)
{
  const char *text = json_object_get_string_member_with_default (object, member, NULL);

  return text != NULL && g_str_has_prefix (text, tag);
}

/* ---- expectations ---- */

static void
expected_case_free (ExpectedCase *kase)
{
  g_free (kase->title);
  g_ptr_array_unref (kase->updates);
  g_free (kase->close_text);
  g_free (kase);
}

static Expected *
expected_new (Fixture *fixture)
{
  Expected *expected = g_new0 (Expected, 1);

  expected->tag = g_strdup_printf ("T%08x", g_rand_int (fixture->rand));
  expected->cases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) expected_case_free);
  expected->case_order = g_ptr_array_new_with_free_func (g_free);
  expected->reports = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  expected->runs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_hash_table_unref);
  return expected;
}

static void
expected_free (Expected *expected)
{
  g_free (expected->tag);
  g_hash_table_unref (expected->cases);
  g_ptr_array_unref (expected->case_order);
  g_hash_table_unref (expected->reports);
  g_hash_table_unref (expected->runs);
  g_free (expected);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Expected, expected_free)

static ExpectedCase *
expect_case (Expected   *expected,
             const char *id,
             const char *title)
{
  ExpectedCase *kase = g_new0 (ExpectedCase, 1);

  kase->title = g_strdup (title);
  kase->updates = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_insert (expected->cases, g_strdup (id), kase);
  g_ptr_array_add (expected->case_order, g_strdup (id));
  expected->n_changes++;
  return kase;
}

/* An open case of the expectations, picked at random; NULL when there is none. */
static const char *
pick_open_case (Expected *expected,
                GRand    *rand)
{
  guint n = expected->case_order->len;

  if (n == 0)
    return NULL;
  for (guint tries = 0; tries < 2 * n; tries++)
    {
      const char *id = g_ptr_array_index (expected->case_order, g_rand_int_range (rand, 0, n));
      ExpectedCase *kase = g_hash_table_lookup (expected->cases, id);

      if (kase->close_text == NULL)
        return id;
    }
  return NULL;
}

/* ---- changes made through driftkoll-cli, one process each ---- */

static const char *
do_publish (Fixture  *fixture,
            Expected *expected)
{
  guint n = g_hash_table_size (expected->cases);
  g_autofree char *title = g_strdup_printf ("%s case %u", expected->tag, n);
  g_autofree char *priority = g_strdup_printf ("%d", g_rand_int_range (fixture->rand, 1, 6));
  g_autofree char *out = cli_ok (fixture, "publish", "--kind", "incident", "--area",
                                 "it_telephony", "--service", "tes", "--priority", priority,
                                 "--title", title, "--description", "Skapad offline", NULL);
  g_autofree char *id = last_line (out);

  expect_case (expected, id, title);
  return g_ptr_array_index (expected->case_order, expected->case_order->len - 1);
}

static void
do_update (Fixture    *fixture,
           Expected   *expected,
           const char *case_id)
{
  ExpectedCase *kase = g_hash_table_lookup (expected->cases, case_id);
  static const char *phrases[] = { "identified", "troubleshooting", "fix_deploying",
                                   "monitoring" };
  const char *phrase = phrases[g_rand_int_range (fixture->rand, 0, G_N_ELEMENTS (phrases))];
  g_autofree char *text = g_strdup_printf ("%s update %u of %s", expected->tag,
                                           kase->updates->len, kase->title);
  g_autofree char *out = cli_ok (fixture, "update", case_id, "--phrase", phrase, "--text", text,
                                 NULL);

  g_ptr_array_add (kase->updates, g_steal_pointer (&text));
  expected->n_changes++;
}

static void
do_close (Fixture    *fixture,
          Expected   *expected,
          const char *case_id)
{
  ExpectedCase *kase = g_hash_table_lookup (expected->cases, case_id);
  g_autofree char *text = g_strdup_printf ("%s closing %s", expected->tag, kase->title);
  g_autofree char *out = cli_ok (fixture, "close", case_id, "--text", text, NULL);

  kase->close_text = g_steal_pointer (&text);
  expected->n_changes++;
}

static void
do_report (Fixture  *fixture,
           Expected *expected)
{
  g_autofree char *description = g_strdup_printf ("%s report %u", expected->tag,
                                                  g_hash_table_size (expected->reports));
  g_autofree char *out = cli_ok (fixture, "report", "--service", "tes", "--unit", "Avdelning 12",
                                 "--reporter", "Anna Ek", "--contact", "0701234567",
                                 "--description", description, NULL);

  g_hash_table_insert (expected->reports, last_line (out), g_steal_pointer (&description));
  expected->n_changes++;
}

static const char *
do_run_start (Fixture  *fixture,
              Expected *expected)
{
  g_autofree char *unit = g_strdup_printf ("%s unit %u", expected->tag,
                                           g_hash_table_size (expected->runs));
  g_autofree char *out = cli_ok (fixture, "run", "start", ROUTINE, "--unit", unit, NULL);
  char *id = last_line (out);

  g_hash_table_insert (expected->runs, id,
                       g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_ptr_array_unref));
  expected->n_changes++;
  return id;
}

/* Checks a step with a note; a second note on a step is added to the first (both kept). */
static void
do_run_check (Fixture    *fixture,
              Expected   *expected,
              const char *run_id,
              const char *step)
{
  GHashTable *steps = g_hash_table_lookup (expected->runs, run_id);
  GPtrArray *notes = g_hash_table_lookup (steps, step);
  g_autofree char *note = NULL;
  g_autofree char *out = NULL;

  if (notes == NULL)
    {
      notes = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (steps, g_strdup (step), notes);
    }
  note = g_strdup_printf ("%s note %u on %s.", expected->tag, notes->len, step);
  out = cli_ok (fixture, "run", "check", run_id, step, "--note", note, NULL);
  g_ptr_array_add (notes, g_steal_pointer (&note));
  expected->n_changes++;
}

static GPtrArray *
routine_steps (Fixture *fixture)
{
  g_autofree char *out = cli_ok (fixture, "routine", ROUTINE, "--json", NULL);
  g_autoptr(JsonNode) node = parse_json (out, "routine --json");
  JsonArray *steps = json_object_get_array_member (json_node_get_object (node), "steps");
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < json_array_get_length (steps); i++)
    g_ptr_array_add (ids, g_strdup (json_object_get_string_member (
                                      json_array_get_object_element (steps, i), "id")));
  g_assert_cmpuint (ids->len, >=, 4);
  return ids;
}

/* One change of a random kind, through a driftkoll-cli process of its own. */
static void
do_random_change (Fixture   *fixture,
                  Expected  *expected,
                  GPtrArray *steps)
{
  const char *case_id = pick_open_case (expected, fixture->rand);
  guint dice = g_rand_int_range (fixture->rand, 0, 100);
  GHashTableIter iter;
  gpointer run_id = NULL;
  guint n_runs = g_hash_table_size (expected->runs);

  if (case_id == NULL || dice < 20)
    do_publish (fixture, expected);
  else if (dice < 60)
    do_update (fixture, expected, case_id);
  else if (dice < 66)
    do_close (fixture, expected, case_id);
  else if (dice < 80)
    do_report (fixture, expected);
  else if (n_runs == 0 || dice < 84)
    do_run_start (fixture, expected);
  else
    {
      guint pick = g_rand_int_range (fixture->rand, 0, n_runs);

      g_hash_table_iter_init (&iter, expected->runs);
      while (g_hash_table_iter_next (&iter, &run_id, NULL) && pick-- > 0)
        ;
      do_run_check (fixture, expected, run_id,
                    g_ptr_array_index (steps, g_rand_int_range (fixture->rand, 0, steps->len)));
    }
}

/* ---- checking: exactly once on the server ---- */

static guint
count_in (GPtrArray  *texts,
          const char *text)
{
  guint n = 0;

  for (guint i = 0; i < texts->len; i++)
    n += g_strcmp0 (g_ptr_array_index (texts, i), text) == 0;
  return n;
}

static void
check_case (Expected     *expected,
            const char   *id,
            ExpectedCase *kase,
            JsonObject   *data,
            GString      *problems)
{
  JsonArray *updates = json_object_get_array_member (data, "updates");
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  const char *status = json_object_get_string_member (data, "status");
  guint n_tagged = 0;

  for (guint i = 0; i < json_array_get_length (updates); i++)
    {
      JsonObject *update = json_array_get_object_element (updates, i);
      const char *text = json_object_get_string_member_with_default (update, "text", "");

      g_ptr_array_add (texts, (gpointer) text);
      n_tagged += g_str_has_prefix (text, expected->tag);
    }

  for (guint i = 0; i < kase->updates->len; i++)
    {
      const char *text = g_ptr_array_index (kase->updates, i);
      guint n = count_in (texts, text);

      if (n != 1)
        g_string_append_printf (problems, "%s: update “%s” on case %s is on the server %u times\n",
                                n == 0 ? "LOST" : "DUPLICATED", text, id, n);
    }
  if (kase->close_text != NULL)
    {
      guint n = count_in (texts, kase->close_text);

      if (n != 1 || g_strcmp0 (status, "closed") != 0)
        g_string_append_printf (problems, "%s: the close of case %s (“%s” %u times, status %s)\n",
                                n > 1 ? "DUPLICATED" : "LOST", id, kase->close_text, n, status);
    }
  if (n_tagged != kase->updates->len + (kase->close_text != NULL))
    g_string_append_printf (problems, "UNEXPECTED: case %s has %u updates written by the test, "
                            "%u were made\n", id, n_tagged,
                            kase->updates->len + (kase->close_text != NULL));
}

static void
check_run (Expected   *expected,
           const char *id,
           GHashTable *steps,
           JsonArray  *states,
           GString    *problems)
{
  GHashTableIter iter;
  gpointer step, value;

  g_hash_table_iter_init (&iter, steps);
  while (g_hash_table_iter_next (&iter, &step, &value))
    {
      GPtrArray *notes = value;
      g_auto(GStrv) lines = NULL;
      gboolean done = FALSE;
      guint n_tagged = 0;

      for (guint j = 0; j < json_array_get_length (states); j++)
        {
          JsonObject *state = json_array_get_object_element (states, j);

          if (g_str_equal (json_object_get_string_member (state, "step"), step))
            {
              done = json_object_get_boolean_member (state, "done");
              lines = g_strsplit (json_object_get_string_member_with_default (state, "note", ""),
                                  "\n", -1);
            }
        }
      if (!done)
        g_string_append_printf (problems, "LOST: step %s of run %s is not checked\n",
                                (char *) step, id);
      for (guint k = 0; lines != NULL && lines[k] != NULL; k++)
        n_tagged += g_str_has_prefix (lines[k], expected->tag);
      for (guint k = 0; k < notes->len; k++)
        {
          const char *note = g_ptr_array_index (notes, k);
          guint n = lines != NULL ? g_strv_length (lines) : 0;
          guint found = 0;

          for (guint m = 0; m < n; m++)
            found += g_str_equal (lines[m], note);
          if (found != 1)
            g_string_append_printf (problems, "%s: the note “%s” on step %s of run %s is there "
                                    "%u times\n", found == 0 ? "LOST" : "DUPLICATED", note,
                                    (char *) step, id, found);
        }
      if (n_tagged != notes->len)
        g_string_append_printf (problems, "UNEXPECTED: step %s of run %s has %u notes written "
                                "by the test, %u were made\n", (char *) step, id, n_tagged,
                                notes->len);
    }
}

/* Every change of @expected is on the server exactly once, and nothing else that the
 * test wrote is there. Returns the problems, one a line ("" when there are none). */
static char *
check_exactly_once (Fixture   *fixture,
                    Expected  *expected,
                    GPtrArray *changes)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GHashTable) seen_cases = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen_reports = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen_runs = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) titles = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) descriptions = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) numbers = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);
      const char *id = json_object_get_string_member (change, "id");
      JsonObject *data;

      if (json_object_get_boolean_member (change, "deleted"))
        continue;
      data = change_data (change);

      if (change_is (change, "case") && has_tag (data, "title", expected->tag))
        {
          const char *title = json_object_get_string_member (data, "title");
          ExpectedCase *kase = g_hash_table_lookup (expected->cases, id);

          if (g_hash_table_contains (titles, title))
            g_string_append_printf (problems, "DUPLICATED: case “%s” is on the server twice "
                                    "(ids %s and %s)\n", title,
                                    (char *) g_hash_table_lookup (titles, title), id);
          g_hash_table_insert (titles, (gpointer) title, (gpointer) id);
          if (kase == NULL)
            {
              g_string_append_printf (problems, "UNEXPECTED: case %s “%s” was never published "
                                      "with that id\n", id, title);
              continue;
            }
          if (g_hash_table_contains (seen_cases, id))
            g_string_append_printf (problems, "DUPLICATED: case %s twice in the changes\n", id);
          g_hash_table_add (seen_cases, (gpointer) id);
          if (!has_tag (data, "number", "DK-"))
            g_string_append_printf (problems, "case %s has no number on the server\n", id);
          else if (!g_hash_table_add (numbers, (gpointer) json_object_get_string_member (data,
                                                                                       "number")))
            g_string_append_printf (problems, "DUPLICATED: the number %s is on two cases\n",
                                    json_object_get_string_member (data, "number"));
          check_case (expected, id, kase, data, problems);
        }
      else if (change_is (change, "report") && has_tag (data, "description", expected->tag))
        {
          const char *description = json_object_get_string_member (data, "description");
          const char *want = g_hash_table_lookup (expected->reports, id);

          if (g_hash_table_contains (descriptions, description))
            g_string_append_printf (problems, "DUPLICATED: report “%s” is on the server twice\n",
                                    description);
          g_hash_table_add (descriptions, (gpointer) description);
          if (g_strcmp0 (want, description) != 0)
            g_string_append_printf (problems, "UNEXPECTED: report %s “%s”\n", id, description);
          g_hash_table_add (seen_reports, (gpointer) id);
        }
      else if (change_is (change, "run") && g_hash_table_contains (expected->runs, id))
        {
          GHashTable *steps = g_hash_table_lookup (expected->runs, id);

          g_hash_table_add (seen_runs, (gpointer) id);
          check_run (expected, id, steps, json_object_get_array_member (data, "steps"), problems);
        }
    }

  g_hash_table_iter_init (&iter, expected->cases);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (seen_cases, key))
      g_string_append_printf (problems, "LOST: case %s “%s” is not on the server\n",
                              (char *) key, ((ExpectedCase *) value)->title);
  g_hash_table_iter_init (&iter, expected->reports);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (seen_reports, key))
      g_string_append_printf (problems, "LOST: report %s “%s” is not on the server\n",
                              (char *) key, (char *) value);
  g_hash_table_iter_init (&iter, expected->runs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (seen_runs, key))
      g_string_append_printf (problems, "LOST: run %s is not on the server\n", (char *) key);

  return g_string_free (g_steal_pointer (&problems), FALSE);
}

static void
assert_exactly_once (Fixture  *fixture,
                     Expected *expected)
{
  g_autoptr(GPtrArray) changes = server_changes (fixture);
  g_autofree char *problems = check_exactly_once (fixture, expected, changes);

  if (*problems != '\0')
    g_error ("Of %u changes made, not every one is on the server exactly once:\n%s",
             expected->n_changes, problems);
}

/* ---- checking: the replica is what the server shows ---- */

static GHashTable *
replica_cases (DkStore *store)
{
  GHashTable *cases = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                             (GDestroyNotify) dk_case_unref);

  for (guint archived = 0; archived < 2; archived++)
    {
      DkCaseQuery query = { 0 };
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) list = NULL;

      query.archived = archived;
      list = dk_store_list_cases (store, &query, dk_time_now (), &error);
      g_assert_no_error (error);
      for (guint i = 0; i < list->len; i++)
        {
          DkCase *kase = g_ptr_array_index (list, i);

          g_hash_table_insert (cases, kase->id, dk_case_ref (kase));
        }
    }

  return cases;
}

static void
assert_replica_is_server_view (Fixture   *fixture,
                               GPtrArray *changes)
{
  g_autoptr(DkStore) store = open_replica (fixture);
  g_autoptr(GHashTable) cases = replica_cases (store);
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) services = NULL;
  g_autoptr(GPtrArray) routines = NULL;
  g_autoptr(GError) error = NULL;
  guint n_cases = 0, n_reports = 0, n_runs = 0, n_services = 0, n_routines = 0;

  g_assert_cmpuint (dk_store_outbox_count (store, DK_OUTBOX_PENDING), ==, 0);

  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);
      const char *id = json_object_get_string_member (change, "id");
      JsonObject *data;
      DkCase *kase;
      gint64 revision;

      if (change_is (change, "report"))
        n_reports++;
      if (change_is (change, "run"))
        n_runs++;
      if (change_is (change, "service"))
        n_services++;
      if (change_is (change, "routine"))
        n_routines++;
      if (!change_is (change, "case"))
        continue;

      n_cases++;
      data = change_data (change);
      revision = json_object_get_int_member (data, "revision");
      kase = g_hash_table_lookup (cases, id);
      if (kase == NULL)
        g_string_append_printf (problems, "case %s (%s, revision %" G_GINT64_FORMAT ") is not in "
                                "the replica\n", id,
                                json_object_get_string_member (data, "number"), revision);
      else if (kase->revision != revision ||
               g_strcmp0 (kase->number, json_object_get_string_member (data, "number")) != 0 ||
               kase->updates->len != json_array_get_length (
                                       json_object_get_array_member (data, "updates")))
        g_string_append_printf (problems, "case %s is %s revision %" G_GINT64_FORMAT " with %u "
                                "updates in the replica, %s revision %" G_GINT64_FORMAT " with %u "
                                "on the server\n", id, kase->number, kase->revision,
                                kase->updates->len,
                                json_object_get_string_member (data, "number"), revision,
                                json_array_get_length (
                                  json_object_get_array_member (data, "updates")));
      if (problems->len > 4000)
        break;
    }

  if (g_hash_table_size (cases) != n_cases)
    g_string_append_printf (problems, "the replica holds %u cases, the server shows %u\n",
                            g_hash_table_size (cases), n_cases);
  reports = dk_store_list_reports (store, &error);
  g_assert_no_error (error);
  runs = dk_store_list_runs (store, &error);
  g_assert_no_error (error);
  if (reports->len != n_reports || runs->len != n_runs)
    g_string_append_printf (problems, "the replica holds %u reports and %u runs, the server "
                            "shows %u and %u\n", reports->len, runs->len, n_reports, n_runs);
  services = dk_store_list_services (store, &error);
  g_assert_no_error (error);
  routines = dk_store_list_routines (store, &error);
  g_assert_no_error (error);
  if (services->len != n_services || routines->len != n_routines)
    g_string_append_printf (problems, "the replica holds %u services and %u routines, the "
                            "server shows %u and %u\n", services->len, routines->len,
                            n_services, n_routines);

  if (problems->len > 0)
    g_error ("The replica is not what the server shows:\n%s", problems->str);
}

/* ---- the fixture ---- */

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *seed_text = g_getenv ("DRIFTKOLL_TEST_SEED");
  guint32 seed = seed_text != NULL ? (guint32) g_ascii_strtoull (seed_text, NULL, 10)
                                   : (guint32) g_test_rand_int ();

  g_test_message ("seed %u (DRIFTKOLL_TEST_SEED=%u repeats this run)", seed, seed);
  fixture->rand = g_rand_new_with_seed (seed);
  fixture->server = dk_test_server_new (TRUE);
  fixture->tmp = g_dir_make_tmp ("driftkoll-resilience-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->data_dir = g_build_filename (fixture->tmp, "client", NULL);
  fixture->token = dk_test_server_login (fixture->server, USER, PASSWORD);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->server, dk_test_server_free);
  dk_test_remove_tree (fixture->tmp);
  g_free (fixture->tmp);
  g_free (fixture->data_dir);
  g_free (fixture->token);
  g_rand_free (fixture->rand);
}

/* ---- 1: a first sync of 20,000 cases, the server stopped half way ---- */


static guint
count_after (GPtrArray *changes,
             gint64     cursor)
{
  guint n = 0;

  for (guint i = 0; i < changes->len; i++)
    n += json_object_get_int_member (g_ptr_array_index (changes, i), "seq") > cursor;
  return n;
}

/* Every case the server had changed up to @cursor is in the replica, and no other: each
 * page came with its cursor. */
static void
assert_replica_holds_pages_behind (DkStore   *store,
                                   GPtrArray *changes,
                                   gint64     cursor)
{
  g_autoptr(GHashTable) cases = replica_cases (store);
  guint n_before = 0;

  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);
      gint64 seq = json_object_get_int_member (change, "seq");
      const char *id = json_object_get_string_member (change, "id");

      if (seq > cursor || !change_is (change, "case"))
        continue;
      n_before++;
      if (!g_hash_table_contains (cases, id))
        g_error ("case %s (seq %" G_GINT64_FORMAT ") is behind the cursor %" G_GINT64_FORMAT
                 " but not in the replica", id, seq, cursor);
    }
  g_assert_cmpuint (g_hash_table_size (cases), ==, n_before);
}

static void
test_first_sync_survives_server_restart (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(DkStore) store = NULL;
  g_autoptr(GSubprocess) sync = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  gint64 newest;
  gint64 cursor = 0;
  gint64 threshold;
  guint n_behind;

  dk_test_server_import_generated (fixture->server, 20000);
  changes = server_changes (fixture);
  g_assert_cmpuint (changes->len, >, 20000);
  newest = json_object_get_int_member (g_ptr_array_index (changes, changes->len - 1), "seq");

  cli_login (fixture);
  store = open_replica (fixture);
  g_assert_cmpint (dk_store_get_cursor (store), ==, 0);

  /* Watch the cursor; once it passed a random point between a fifth and two thirds of
   * the way, freeze the client so the sync is certainly not done, stop the server under
   * it and let it go on. */
  threshold = g_rand_int_range (fixture->rand, newest / 5, newest * 7 / 10);
  sync = cli_spawn (fixture, "first-sync", "sync", NULL);
  while ((cursor = dk_store_get_cursor (store)) < threshold)
    {
      if (has_ended (sync))
        {
          g_autofree char *log = read_log (fixture, "first-sync.err");

          g_error ("the first sync ended at cursor %" G_GINT64_FORMAT ": %s", cursor, log);
        }
      g_usleep (2000);
    }
  g_subprocess_send_signal (sync, SIGSTOP);
  cursor = dk_store_get_cursor (store);
  g_test_message ("server stopped at cursor %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT,
                  cursor, newest);
  g_assert_cmpint (cursor, <, newest);
  dk_test_server_stop (fixture->server, FALSE);
  g_subprocess_send_signal (sync, SIGCONT);
  g_subprocess_wait (sync, NULL, &error);
  g_assert_no_error (error);

  /* The sync failed as offline, and kept every page it had. */
  err = read_log (fixture, "first-sync.err");
  if (!g_subprocess_get_if_exited (sync) || g_subprocess_get_exit_status (sync) != 1)
    g_error ("the cut sync should fail with 1; it ended with %d: %s",
             g_subprocess_get_status (sync), err);
  g_assert_cmpint (dk_store_get_cursor (store), >=, cursor);
  cursor = dk_store_get_cursor (store);
  g_assert_cmpint (cursor, <, newest);
  status = cli_status (fixture);
  g_assert_false (json_object_get_boolean_member (status, "online"));
  g_assert_cmpint (json_object_get_int_member (status, "cursor"), ==, cursor);
  assert_replica_holds_pages_behind (store, changes, cursor);

  /* Back on its address: the second sync pulls exactly what came after the cursor. */
  dk_test_server_start_again (fixture->server);
  n_behind = count_after (changes, cursor);
  summary = cli_sync (fixture);
  g_test_message ("the second sync pulled %" G_GINT64_FORMAT " of %u changes",
                  json_object_get_int_member (summary, "pulled"), changes->len);
  g_assert_cmpint (json_object_get_int_member (summary, "pulled"), ==, n_behind);
  g_assert_cmpuint (n_behind, <, changes->len);
  g_assert_cmpint (json_object_get_int_member (summary, "cursor"), ==, newest);
  g_assert_cmpint (json_object_get_int_member (summary, "outbox"), ==, 0);

  assert_replica_is_server_view (fixture, changes);
}

/* ---- 2: 500 changes offline, one client process each ---- */

static void
test_offline_changes_arrive_exactly_once (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(Expected) expected = expected_new (fixture);
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *err = NULL;

  cli_login (fixture);
  json_object_unref (cli_sync (fixture));
  steps = routine_steps (fixture);
  dk_test_server_stop (fixture->server, FALSE);

  while (expected->n_changes < 500)
    {
      do_random_change (fixture, expected, steps);

      /* Now and then someone looks, or tries to sync: nothing leaves the outbox. */
      if (expected->n_changes % 100 == 0)
        {
          g_autoptr(JsonObject) status = cli_status (fixture);

          g_assert_false (json_object_get_boolean_member (status, "online"));
          g_assert_cmpint (json_object_get_int_member (status, "outbox"), ==, expected->n_changes);
          g_assert_cmpint (cli_run (fixture, NULL, NULL, &err, "sync", NULL), ==, 1);
          g_clear_pointer (&err, g_free);
        }
    }
  g_test_message ("%u changes: %u cases, %u reports, %u runs", expected->n_changes,
                  g_hash_table_size (expected->cases), g_hash_table_size (expected->reports),
                  g_hash_table_size (expected->runs));

  dk_test_server_start_again (fixture->server);
  summary = cli_sync (fixture);
  g_assert_cmpint (json_object_get_int_member (summary, "outbox"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (summary, "rejected")), ==,
                    0);
  assert_exactly_once (fixture, expected);

  /* Another sync sends nothing again. */
  g_clear_pointer (&summary, json_object_unref);
  summary = cli_sync (fixture);
  assert_exactly_once (fixture, expected);
  changes = server_changes (fixture);
  assert_replica_is_server_view (fixture, changes);
}

/* ---- 3: the client killed at random moments of its sync ---- */

/* Another user publishes a case straight to the server, as if from another office. */
static void
other_writer_publishes (Fixture    *fixture,
                        const char *token,
                        guint       round)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *mutations = g_strdup_printf (
      "[{\"id\":\"%s\",\"op\":\"case.create\",\"base_revision\":0,\"data\":{"
      "\"id\":\"%s\",\"kind\":\"incident\",\"area\":\"lab_medicine\","
      "\"title\":\"Labbstörning %u\",\"description\":\"Från ett annat kontor\","
      "\"scope\":\"Alla\",\"services\":[\"tes\"],\"status\":\"ongoing\",\"priority\":3,"
      "\"major\":false,\"public\":false,\"external_ref\":null,"
      "\"start\":\"2026-11-24T08:00:00Z\",\"expected_end\":null,\"closed_at\":null,"
      "\"updates\":[]}}]", mutation_id, id, round);
  g_autoptr(JsonArray) results = dk_test_server_mutate (fixture->server, token, mutations);

  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0),
                                                  "status"), ==, "applied");
}

/* ---- what the outbox sends, and whether the server has it ---- */

typedef struct {
  char *op;
  char *object_id;
  char *text;   /* the update's text for case.add_update, NULL otherwise */
} Sent;

static void
sent_free (Sent *sent)
{
  g_free (sent->op);
  g_free (sent->object_id);
  g_free (sent->text);
  g_free (sent);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Sent, sent_free)

/* What an outbox entry will leave on the server. */
static Sent *
sent_new (DkOutboxEntry *entry)
{
  g_autoptr(JsonNode) data = parse_json (entry->data, "an outbox entry");
  Sent *one = g_new0 (Sent, 1);

  one->op = g_strdup (entry->op);
  one->object_id = g_strdup (entry->object_id);
  if (g_str_equal (entry->op, "case.add_update"))
    one->text = g_strdup (json_object_get_string_member (
                            json_object_get_object_member (json_node_get_object (data), "update"),
                            "text"));
  return one;
}

/* Case id -> its data, from a list of changes. */
static GHashTable *
index_server_cases (GPtrArray *changes)
{
  GHashTable *cases = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);

      if (change_is (change, "case"))
        g_hash_table_insert (cases, (gpointer) json_object_get_string_member (change, "id"),
                             change_data (change));
    }
  return cases;
}

/* Queues @n changes the way the app and driftkoll-cli do (dk-local-changes), without a
 * process for each, and remembers every mutation by its id. */
static void
queue_many (Fixture    *fixture,
            DkStore    *store,
            Expected   *expected,
            guint       n,
            GHashTable *sent)
{
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      const char *case_id = pick_open_case (expected, fixture->rand);

      if (case_id == NULL || g_rand_int_range (fixture->rand, 0, 4) == 0)
        {
          g_autoptr(DkCase) kase = dk_case_new ();
          g_autofree char *title = g_strdup_printf ("%s case %u", expected->tag,
                                                    g_hash_table_size (expected->cases));

          kase->id = g_uuid_string_random ();
          kase->kind = DK_CASE_KIND_INCIDENT;
          kase->area = DK_AREA_IT_TELEPHONY;
          kase->title = g_strdup (title);
          kase->description = g_strdup ("Många ändringar på en gång");
          kase->priority = 3;
          kase->status = DK_CASE_STATUS_ONGOING;
          kase->start = dk_time_now ();
          kase->expected_end = DK_TIME_UNSET;
          kase->closed_at = DK_TIME_UNSET;
          g_ptr_array_add (kase->services, g_strdup ("tes"));
          dk_local_create_case (store, kase, USER, dk_time_now (), &error);
          g_assert_no_error (error);
          expect_case (expected, kase->id, title);
        }
      else
        {
          ExpectedCase *kase = g_hash_table_lookup (expected->cases, case_id);
          g_autofree char *text = g_strdup_printf ("%s update %u of %s", expected->tag,
                                                   kase->updates->len, kase->title);

          dk_local_add_update (store, case_id, DK_UPDATE_PHRASE_MONITORING, text, DK_TIME_UNSET,
                               USER, dk_time_now (), &error);
          g_assert_no_error (error);
          g_ptr_array_add (kase->updates, g_steal_pointer (&text));
          expected->n_changes++;
        }
    }

  pending = dk_store_outbox_pending (store, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < pending->len; i++)
    {
      DkOutboxEntry *entry = g_ptr_array_index (pending, i);

      if (!g_hash_table_contains (sent, entry->mutation_id))
        g_hash_table_insert (sent, g_strdup (entry->mutation_id), sent_new (entry));
    }
}

static gboolean
server_has (GHashTable *server_cases,
            Sent       *one)
{
  JsonObject *data = g_hash_table_lookup (server_cases, one->object_id);
  JsonArray *updates;

  if (data == NULL)
    return FALSE;
  if (one->text == NULL)
    return TRUE;

  updates = json_object_get_array_member (data, "updates");
  for (guint i = 0; i < json_array_get_length (updates); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (updates, i),
                                                  "text"), one->text) == 0)
      return TRUE;
  return FALSE;
}

/* How many pending entries of the outbox the server already has from changes after
 * @since: a kill came after the server applied them and before the client recorded its
 * answer. */
static guint
count_applied_but_pending (Fixture *fixture,
                           DkStore *store,
                           gint64   since)
{
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GHashTable) server_cases = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  pending = dk_store_outbox_pending (store, 0, &error);
  g_assert_no_error (error);
  if (pending->len == 0)
    return 0;
  changes = server_changes_since (fixture, since);
  server_cases = index_server_cases (changes);
  for (guint i = 0; i < pending->len; i++)
    {
      DkOutboxEntry *entry = g_ptr_array_index (pending, i);
      g_autoptr(Sent) one = sent_new (entry);

      if ((g_str_equal (entry->op, "case.create") || g_str_equal (entry->op, "case.add_update")) &&
          server_has (server_cases, one))
        n++;
    }

  return n;
}

static void
test_client_killed_at_random_moments (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(Expected) expected = expected_new (fixture);
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(DkStore) store = NULL;
  g_autofree char *other = dk_test_server_login (fixture->server, OTHER, PASSWORD);
  /* How long a whole sync takes here: it grows while syncs are killed and moves to the
   * time of those that end first; the kill falls anywhere in that time. */
  gint64 estimate = 100 * 1000;
  guint n_killed = 0;
  guint n_applied_but_pending = 0;
  guint n_behind = 0;
  guint round;

  cli_login (fixture);
  json_object_unref (cli_sync (fixture));
  steps = routine_steps (fixture);
  store = open_replica (fixture);
  /* An archive arrives on the server: the first rounds are killed in its pages. */
  dk_test_server_import_generated (fixture->server, 5000);

  for (round = 0; n_killed < 50; round++)
    {
      g_autoptr(GSubprocess) sync = NULL;
      g_autoptr(GSubprocess) beside = NULL;
      g_autoptr(JsonObject) status = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *list = NULL;
      guint n_queue = g_rand_int_range (fixture->rand, 1, 9);
      gint64 delay = g_rand_int_range (fixture->rand, 0, (gint32) (estimate * 6 / 5) + 1);
      gint64 started;
      gint64 mark;

      if (round >= 400)
        g_error ("only %u of %u syncs were killed before they ended", n_killed, round);

      for (guint i = 0; i < n_queue; i++)
        do_random_change (fixture, expected, steps);

      mark = server_newest_seq (fixture);
      sync = cli_spawn (fixture, "killed-sync", "sync", NULL);
      started = g_get_monotonic_time ();
      other_writer_publishes (fixture, other, round);
      /* Half the time the user changes something while the sync runs; now and then
       * another sync of the same data dir runs beside it (the app and the cli). */
      if (g_rand_boolean (fixture->rand))
        do_random_change (fixture, expected, steps);
      if (g_rand_int_range (fixture->rand, 0, 4) == 0)
        beside = cli_spawn (fixture, "beside-sync", "sync", NULL);
      while (!has_ended (sync) && g_get_monotonic_time () < started + delay)
        g_usleep (500);
      if (has_ended (sync))
        {
          estimate = (3 * estimate + (g_get_monotonic_time () - started)) / 4;
        }
      else
        {
          n_killed++;
          estimate += estimate / 8;
        }
      g_subprocess_force_exit (sync);
      g_subprocess_wait (sync, NULL, &error);
      g_assert_no_error (error);
      if (g_subprocess_get_if_exited (sync) && g_subprocess_get_exit_status (sync) != 0)
        {
          g_autofree char *err = read_log (fixture, "killed-sync.err");

          g_error ("round %u: the sync failed on its own: %s", round, err);
        }
      if (beside != NULL)
        {
          g_subprocess_wait (beside, NULL, &error);
          g_assert_no_error (error);
          if (!g_subprocess_get_if_exited (beside) || g_subprocess_get_exit_status (beside) != 0)
            {
              g_autofree char *err = read_log (fixture, "beside-sync.err");

              g_error ("round %u: the sync beside the killed one failed: %s", round, err);
            }
        }

      /* Whatever the moment, the replica opens and reads. */
      status = cli_status (fixture);
      g_assert_true (json_object_get_boolean_member (status, "online"));
      g_assert_cmpint (json_object_get_int_member (status, "outbox"), <=, expected->n_changes);
      if (json_array_get_length (json_object_get_array_member (status, "rejected")) > 0)
        g_error ("round %u: the server rejected a change: %s", round,
                 json_to_string (json_object_get_member (status, "rejected"), TRUE));
      list = cli_ok (fixture, "list", "--kind", "crisis", "--json", NULL);
      json_node_unref (parse_json (list, "list --json"));

      n_applied_but_pending += count_applied_but_pending (fixture, store, mark) > 0;
      n_behind += dk_store_get_cursor (store) < mark;
    }
  g_test_message ("%u of %u syncs killed before they ended (a whole one takes about %"
                  G_GINT64_FORMAT " ms); %u before their pull was done; in %u the server "
                  "had applied changes whose answer the client never recorded; %u changes",
                  n_killed, round, estimate / 1000, n_behind, n_applied_but_pending,
                  expected->n_changes);

  summary = cli_sync (fixture);
  g_assert_cmpint (json_object_get_int_member (summary, "outbox"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (summary, "rejected")), ==,
                    0);
  assert_exactly_once (fixture, expected);
  changes = server_changes (fixture);
  assert_replica_is_server_view (fixture, changes);
}

/* ---- 4: the server killed while batches of mutations arrive ---- */

#define N_BATCH_ROUNDS 3

static void
test_server_killed_during_mutation_batches (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autoptr(Expected) expected = expected_new (fixture);
  g_autoptr(GHashTable) sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) sent_free);
  g_autoptr(GHashTable) told_applied = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(DkStore) store = NULL;
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  guint n_cut_in_batches = 0;
  guint round;

  cli_login (fixture);
  json_object_unref (cli_sync (fixture));
  store = open_replica (fixture);

  for (round = 0; n_cut_in_batches < N_BATCH_ROUNDS; round++)
    {
      g_autoptr(GSubprocess) sync = NULL;
      g_autoptr(GPtrArray) left = NULL;
      gint64 mark = server_newest_seq (fixture);
      g_autoptr(GHashTable) still_queued = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GHashTable) server_cases = NULL;
      g_autoptr(GPtrArray) now = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) lost = g_string_new (NULL);
      GHashTableIter iter;
      gpointer key;
      guint queued;
      guint n_unanswered;
      guint delay_ms = g_rand_int_range (fixture->rand, 0, 80);

      if (round >= 4 * N_BATCH_ROUNDS)
        g_error ("only %u of %u syncs were cut by the kill of the server", n_cut_in_batches,
                 round);

      /* With what the last kill left behind, two batches and some more. */
      queued = dk_store_outbox_count (store, DK_OUTBOX_PENDING);
      queue_many (fixture, store, expected,
                  MAX (100, 2 * DK_MAX_MUTATIONS_PER_BATCH + 100 - (int) queued), sent);
      queued = dk_store_outbox_count (store, DK_OUTBOX_PENDING);
      g_assert_cmpuint (queued, >, DK_MAX_MUTATIONS_PER_BATCH);

      /* Once the answers to a whole first batch are in, the next batch is on its way:
       * kill the server a random moment later, while it applies that batch, commits it
       * or answers for it (a batch of 500 takes it about a tenth of a second here). */
      sync = cli_spawn (fixture, "pushing-sync", "sync", NULL);
      while (dk_store_outbox_count (store, DK_OUTBOX_PENDING) > queued - DK_MAX_MUTATIONS_PER_BATCH &&
             !has_ended (sync))
        g_usleep (1000);
      g_usleep (delay_ms * 1000);
      dk_test_server_stop (fixture->server, TRUE);
      g_subprocess_wait (sync, NULL, &error);
      g_assert_no_error (error);
      if (g_subprocess_get_if_exited (sync) && g_subprocess_get_exit_status (sync) == 1)
        n_cut_in_batches++;
      else
        {
          g_autofree char *err = read_log (fixture, "pushing-sync.err");

          g_test_message ("round %u: the sync ended before the kill: %s", round, err);
        }

      /* What the client took as applied has left its outbox for good. */
      left = dk_store_outbox_list (store, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < left->len; i++)
        {
          DkOutboxEntry *entry = g_ptr_array_index (left, i);

          if (entry->state != DK_OUTBOX_PENDING)
            g_error ("round %u: the server did not take %s: %s", round, entry->op,
                     entry->error_message ? entry->error_message : "a conflict");
          g_hash_table_add (still_queued, entry->mutation_id);
        }
      g_hash_table_iter_init (&iter, sent);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!g_hash_table_contains (still_queued, key))
          g_hash_table_add (told_applied, key);
      g_test_message ("round %u: killed %u ms after the first answer; %u of %u left the outbox",
                      round, delay_ms, queued - left->len, queued);

      /* Back up, and before the client says anything: all of that is there. */
      dk_test_server_start_again (fixture->server);
      now = server_changes (fixture);
      server_cases = index_server_cases (now);
      g_hash_table_iter_init (&iter, told_applied);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          Sent *one = g_hash_table_lookup (sent, key);

          if (!server_has (server_cases, one))
            g_string_append_printf (lost, "LOST: %s %s on %s (%s), taken as applied\n",
                                    one->op, (char *) key, one->object_id,
                                    one->text ? one->text : "the case itself");
        }
      if (lost->len > 0)
        g_error ("round %u: after the restart the server lacks changes it answered for:\n%s",
                 round, lost->str);
      n_unanswered = count_applied_but_pending (fixture, store, mark);
      if (n_unanswered > 0)
        g_test_message ("round %u: %u changes were applied but their answers never arrived",
                        round, n_unanswered);
    }
  g_test_message ("%u of %u syncs cut by the kill", n_cut_in_batches, round);

  summary = cli_sync (fixture);
  g_assert_cmpint (json_object_get_int_member (summary, "outbox"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (summary, "rejected")), ==,
                    0);
  assert_exactly_once (fixture, expected);
  changes = server_changes (fixture);
  assert_replica_is_server_view (fixture, changes);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/sync/resilience/first-sync-survives-server-restart",
       test_first_sync_survives_server_restart);
  ADD ("/sync/resilience/offline-changes-arrive-exactly-once",
       test_offline_changes_arrive_exactly_once);
  ADD ("/sync/resilience/client-killed-at-random-moments",
       test_client_killed_at_random_moments);
  ADD ("/sync/resilience/server-killed-during-mutation-batches",
       test_server_killed_during_mutation_batches);

#undef ADD

  return g_test_run ();
}
