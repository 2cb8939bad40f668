/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-app-print.c: the app's printing through GtkPrintOperation, exported to PDF
 * (GTK_PRINT_OPERATION_ACTION_EXPORT, as "Print to File" does) and read back with
 * pdftotext, against a real server with the demo data and a real replica. Runs on a
 * virtual display (xvfb-run); page 1 of each PDF is drawn to a PNG in the build dir's
 * tests/screenshots to be looked at. */

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "dk-print-operation.h"
#include "dk-store-routines.h"
#include "dk-sync-engine.h"
#include "dk-test-server.h"

typedef struct {
  DkTestServer *server;
  char         *dir;
  DkStore      *store;
  DkSyncEngine *engine;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) login = NULL;
  g_autoptr(GAsyncResult) sync = NULL;
  g_autofree char *path = NULL;

  f->server = dk_test_server_new (TRUE);
  f->dir = g_dir_make_tmp ("driftkoll-app-print-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "replica.db", NULL);
  f->store = dk_store_open (path, &error);
  g_assert_no_error (error);
  f->engine = dk_sync_engine_new (f->store, f->server->url);

  dk_sync_engine_login_async (f->engine, "staff", "demo", NULL, dk_test_async_result_cb, &login);
  dk_sync_engine_login_finish (f->engine, dk_test_wait_result (&login), &error);
  g_assert_no_error (error);
  dk_sync_engine_sync_async (f->engine, NULL, dk_test_async_result_cb, &sync);
  dk_sync_engine_sync_finish (f->engine, dk_test_wait_result (&sync), &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->store);
  g_clear_pointer (&f->server, dk_test_server_free);
  dk_test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
find_routine (Fixture    *f,
              const char *title)
{
  DkRoutineQuery query = { .text = title };
  g_autoptr(GPtrArray) routines = NULL;
  g_autoptr(GError) error = NULL;

  routines = dk_store_query_routines (f->store, &query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < routines->len; i++)
    {
      DkRoutine *routine = g_ptr_array_index (routines, i);

      if (g_strcmp0 (routine->title, title) == 0)
        return g_strdup (routine->id);
    }
  g_assert_not_reached ();
}

/* The PDF's words, whitespace folded to single spaces. */
static char *
pdf_text (const char *path)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) spaces = g_regex_new ("\\s+", 0, 0, NULL);
  const char *argv[] = { "pdftotext", path, "-", NULL };
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  return g_regex_replace_literal (spaces, out, -1, 0, " ", 0, NULL);
}

/* Page 1 as a PNG in the build dir's tests/screenshots, to be looked at. */
static void
keep_picture (const char *pdf,
              const char *name)
{
  const char *build = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *dir = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (build == NULL)
    return;
  dir = g_build_filename (build, "screenshots", NULL);
  g_mkdir_with_parents (dir, 0755);
  prefix = g_build_filename (dir, name, NULL);
  {
    const char *argv[] = { "pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1",
                           "-singlefile", pdf, prefix, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                  &status, &error);
  }
  g_assert_no_error (error);
  g_test_message ("picture: %s.png", prefix);
}

static void
assert_has (const char *text,
            const char *words)
{
  if (strstr (text, words) == NULL)
    g_error ("the PDF lacks “%s”; it says: %s", words, text);
}

static void
test_print_routine_exports_every_step (Fixture       *f,
                                       gconstpointer  data)
{
  g_autofree char *id = find_routine (f, "Driftstopp TES");
  g_autofree char *path = g_build_filename (f->dir, "routine.pdf", NULL);
  g_autoptr(DkPrintDocument) document = NULL;
  g_autoptr(DkRoutine) routine = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *today = NULL;
  g_autofree char *printed = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  document = dk_print_document_new_routine (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_true (dk_print_operation_export (document, NULL, path, &error));
  g_assert_no_error (error);

  text = pdf_text (path);
  assert_has (text, "Driftstopp TES");
  assert_has (text, "Objektledare TES");                /* document control: the owner */
  routine = dk_store_get_routine (f->store, id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < routine->steps->len; i++)
    {
      DkRoutineStep *step = g_ptr_array_index (routine->steps, i);
      g_auto(GStrv) words = g_strsplit (step->text, " ", 4);

      /* The first words of every step, Swedish letters intact (lines may wrap later). */
      if (g_strv_length (words) >= 3)
        {
          g_autofree char *start = g_strdup_printf ("%s %s %s", words[0], words[1], words[2]);

          assert_has (text, start);
        }
    }
  /* The footer: when it was printed (local time), how fresh the data was. */
  today = g_date_time_format (now, "%Y-%m-%d");
  printed = g_strdup_printf ("Printed %s", today);
  assert_has (text, printed);
  assert_has (text, "Data as of");
  keep_picture (path, "app-print-routine");
}

static void
test_print_pack_exports_routines_and_forms (Fixture       *f,
                                            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "pack.pdf", NULL);
  g_autoptr(DkPrintDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  document = dk_print_document_new_pack (f->store, "Avdelning 12", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dk_print_operation_export (document, NULL, path, &error));
  g_assert_no_error (error);

  text = pdf_text (path);
  assert_has (text, "Avdelning 12");
  assert_has (text, "Driftstopp TES");
  assert_has (text, "Manual journal note");
  assert_has (text, "Deviation report");
  keep_picture (path, "app-print-pack");
}

static void
test_print_case_sheet_exports_one_page (Fixture       *f,
                                        gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "case.pdf", NULL);
  g_autoptr(DkPrintDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  document = dk_print_document_new_case (f->store, "DK-1002", &error);
  g_assert_no_error (error);
  g_assert_true (dk_print_operation_export (document, NULL, path, &error));
  g_assert_no_error (error);

  text = pdf_text (path);
  assert_has (text, "Inloggning i TES-appen misslyckas");
  assert_has (text, "DK-1002");
  g_assert_cmpuint (dk_print_document_get_n_pages (document), ==, 1);
  keep_picture (path, "app-print-case");
}

static void
test_print_missing_folder_fails_and_writes_nothing (Fixture       *f,
                                                    gconstpointer  data)
{
  g_autofree char *id = find_routine (f, "Driftstopp TES");
  g_autofree char *path = g_build_filename (f->dir, "no-such-folder", "routine.pdf", NULL);
  g_autoptr(DkPrintDocument) document = NULL;
  g_autoptr(GError) error = NULL;

  document = dk_print_document_new_routine (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_false (dk_print_operation_export (document, NULL, path, &error));
  g_assert_error (error, DK_PRINT_ERROR, DK_PRINT_ERROR_WRITE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_print_unknown_routine_is_an_error (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(DkPrintDocument) document = NULL;
  g_autoptr(GError) error = NULL;

  document = dk_print_document_new_routine (f->store, "no-such-routine", &error);
  g_assert_null (document);
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_skip ("no display: run under xvfb-run");
      return 77;
    }

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/app-print/routine/exports-every-step-and-the-document-control",
       test_print_routine_exports_every_step);
  ADD ("/app-print/pack/exports-routines-and-blank-forms",
       test_print_pack_exports_routines_and_forms);
  ADD ("/app-print/case-sheet/exports-one-page", test_print_case_sheet_exports_one_page);
  ADD ("/app-print/errors/missing-folder-fails-and-writes-nothing",
       test_print_missing_folder_fails_and_writes_nothing);
  ADD ("/app-print/errors/unknown-routine-is-an-error", test_print_unknown_routine_is_an_error);
#undef ADD

  return g_test_run ();
}
