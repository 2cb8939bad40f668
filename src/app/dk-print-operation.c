/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-print-operation.c: DkPrintDocument through GtkPrintOperation
 *
 * The document lays itself out on the page size the dialog chose ("begin-print") and
 * draws the very pages driftkoll-cli writes without a display ("draw-page"). The units
 * are points and the whole sheet is the page: the document keeps its own margins.
 */

#define G_LOG_DOMAIN "dk-print-operation"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "dk-application.h"
#include "dk-print-operation.h"
#include "dk-unit-picker.h"

/* ---- helpers ---- */

static GtkWindow *
get_window (GtkWidget *origin)
{
  GtkRoot *root = origin != NULL ? gtk_widget_get_root (origin) : NULL;

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_error (GtkWidget  *origin,
            const char *message)
{
  GtkWidget *dialog = adw_message_dialog_new (get_window (origin), _("Could Not Print"), message);

  g_warning ("Could not print: %s", message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
dk_print_operation_begin_print_cb (GtkPrintOperation *operation,
                                   GtkPrintContext   *context,
                                   DkPrintDocument   *document)
{
  guint n_pages;

  n_pages = dk_print_document_paginate (document, gtk_print_context_get_cairo_context (context),
                                        gtk_print_context_get_width (context),
                                        gtk_print_context_get_height (context));
  gtk_print_operation_set_n_pages (operation, (int) n_pages);
}

static void
dk_print_operation_draw_page_cb (GtkPrintOperation *operation,
                                 GtkPrintContext   *context,
                                 int                page_nr,
                                 DkPrintDocument   *document)
{
  dk_print_document_draw_page (document, gtk_print_context_get_cairo_context (context),
                               (guint) page_nr);
}

/* ---- public API ---- */

/**
 * dk_print_operation_new:
 * @document: what to print
 *
 * Returns: (transfer full): a print operation for @document
 */
GtkPrintOperation *
dk_print_operation_new (DkPrintDocument *document)
{
  GtkPrintOperation *operation;
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPrintSettings) settings = gtk_print_settings_new ();
  GtkPaperSize *a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autofree char *basename = NULL;

  g_return_val_if_fail (DK_IS_PRINT_DOCUMENT (document), NULL);

  gtk_page_setup_set_paper_size (setup, a4);
  gtk_paper_size_free (a4);

  /* "Print to File" suggests the document's title as the file's name. */
  basename = g_strdelimit (g_strdup (dk_print_document_get_title (document)), "/\\", '-');
  gtk_print_settings_set (settings, GTK_PRINT_SETTINGS_OUTPUT_BASENAME, basename);
  gtk_print_settings_set (settings, GTK_PRINT_SETTINGS_OUTPUT_FILE_FORMAT, "pdf");

  operation = gtk_print_operation_new ();
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_print_settings (operation, settings);
  gtk_print_operation_set_job_name (operation, dk_print_document_get_title (document));
  gtk_print_operation_set_embed_page_setup (operation, TRUE);

  g_signal_connect_object (operation, "begin-print",
                           G_CALLBACK (dk_print_operation_begin_print_cb), document, 0);
  g_signal_connect_object (operation, "draw-page",
                           G_CALLBACK (dk_print_operation_draw_page_cb), document, 0);
  g_object_set_data_full (G_OBJECT (operation), "dk-document", g_object_ref (document),
                          g_object_unref);

  return operation;
}

/**
 * dk_print_operation_export:
 * @document: what to print
 * @parent: (nullable): the window it is for
 * @path: the PDF file to write
 * @error: return location for a #GError
 *
 * Returns: whether the PDF was written
 */
gboolean
dk_print_operation_export (DkPrintDocument  *document,
                           GtkWindow        *parent,
                           const char       *path,
                           GError          **error)
{
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autofree char *folder = NULL;
  GtkPrintOperationResult result;

  g_return_val_if_fail (DK_IS_PRINT_DOCUMENT (document), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* GTK would only warn from cairo about a folder that is not there. */
  folder = g_path_get_dirname (path);
  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, DK_PRINT_ERROR, DK_PRINT_ERROR_WRITE,
                   _("Could not write “%s”: the folder “%s” does not exist"), path, folder);
      return FALSE;
    }

  operation = dk_print_operation_new (document);
  gtk_print_operation_set_export_filename (operation, path);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, parent, error);

  return result != GTK_PRINT_OPERATION_RESULT_ERROR;
}

/**
 * dk_print_operation_run_dialog:
 * @document: what to print
 * @origin: (nullable): the widget the print dialog is for
 */
void
dk_print_operation_run_dialog (DkPrintDocument *document,
                               GtkWidget       *origin)
{
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DK_IS_PRINT_DOCUMENT (document));

  operation = dk_print_operation_new (document);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               get_window (origin), &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    show_error (origin, error->message);
}

/**
 * dk_print_routine:
 * @origin: (nullable): the widget the print dialog is for
 * @store: the replica
 * @routine_id: the routine
 */
void
dk_print_routine (GtkWidget  *origin,
                  DkStore    *store,
                  const char *routine_id)
{
  g_autoptr(DkPrintDocument) document = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DK_IS_STORE (store));
  g_return_if_fail (routine_id != NULL);

  document = dk_print_document_new_routine (store, routine_id, &error);
  if (document == NULL)
    show_error (origin, error->message);
  else
    dk_print_operation_run_dialog (document, origin);
}

/**
 * dk_print_case_sheet:
 * @origin: (nullable): the widget the print dialog is for
 * @store: the replica
 * @case_id_or_number: the case
 */
void
dk_print_case_sheet (GtkWidget  *origin,
                     DkStore    *store,
                     const char *case_id_or_number)
{
  g_autoptr(DkPrintDocument) document = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (DK_IS_STORE (store));
  g_return_if_fail (case_id_or_number != NULL);

  document = dk_print_document_new_case (store, case_id_or_number, &error);
  if (document == NULL)
    show_error (origin, error->message);
  else
    dk_print_operation_run_dialog (document, origin);
}

typedef struct {
  GtkWidget   *origin;   /* weak */
  DkStore     *store;
  DkUnitPicker *unit_row;
} PackDialog;

static void
pack_dialog_free (PackDialog *pack)
{
  g_clear_weak_pointer (&pack->origin);
  g_clear_object (&pack->store);
  g_free (pack);
}

static GSettings *
get_settings (void)
{
  GApplication *app = g_application_get_default ();

  return DK_IS_APPLICATION (app) ? dk_application_get_settings (DK_APPLICATION (app)) : NULL;
}

static void
dk_print_pack_response_cb (AdwMessageDialog *dialog,
                           const char       *response,
                           PackDialog       *pack)
{
  g_autoptr(DkPrintDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *unit = NULL;
  GSettings *settings;

  if (g_strcmp0 (response, "print") != 0)
    return;

  /* an alias prints the pack of the catalogue's unit */
  unit = dk_unit_picker_dup_unit (pack->unit_row);
  if (unit == NULL)
    {
      show_error (pack->origin, _("Say which unit the downtime pack is for."));
      return;
    }

  settings = get_settings ();
  if (settings != NULL)
    g_settings_set_string (settings, "unit", unit);

  document = dk_print_document_new_pack (pack->store, unit, NULL, &error);
  if (document == NULL)
    show_error (pack->origin, error->message);
  else
    dk_print_operation_run_dialog (document, pack->origin);
}

/**
 * dk_print_pack_dialog_present:
 * @origin: the widget the dialogs are for
 * @store: the replica
 */
void
dk_print_pack_dialog_present (GtkWidget *origin,
                              DkStore   *store)
{
  GSettings *settings = get_settings ();
  PackDialog *pack;
  GtkWidget *dialog;
  GtkWidget *list;

  g_return_if_fail (GTK_IS_WIDGET (origin));
  g_return_if_fail (DK_IS_STORE (store));

  pack = g_new0 (PackDialog, 1);
  g_set_weak_pointer (&pack->origin, origin);
  pack->store = g_object_ref (store);

  dialog = adw_message_dialog_new (get_window (origin), _("Print Downtime Pack"),
                                   _("Every approved reserve routine for the services you follow, "
                                     "and the blank forms they name, ready before an outage."));
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  pack->unit_row = DK_UNIT_PICKER (dk_unit_picker_new (store));
  if (settings != NULL)
    {
      g_autofree char *unit = g_settings_get_string (settings, "unit");

      gtk_editable_set_text (GTK_EDITABLE (pack->unit_row), unit);
    }
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (pack->unit_row));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "print", _("_Print…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "print",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "print");
  g_signal_connect_data (dialog, "response", G_CALLBACK (dk_print_pack_response_cb), pack,
                         (GClosureNotify) (void (*) (void)) pack_dialog_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}
