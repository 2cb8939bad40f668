/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-print-operation.h: DkPrintDocument through GtkPrintOperation: the print dialog
 * (with its "Print to File" PDF) and a PDF export without a dialog */
#pragma once

#include <gtk/gtk.h>

#include "dk-print-document.h"

G_BEGIN_DECLS

/* A print operation that paginates @document in "begin-print" and draws its pages in
 * "draw-page", on A4 in points with the whole sheet (the document keeps its margins). */
GtkPrintOperation *dk_print_operation_new        (DkPrintDocument *document);
/* Writes @document to @path as PDF with GTK_PRINT_OPERATION_ACTION_EXPORT. */
gboolean           dk_print_operation_export     (DkPrintDocument *document,
                                                  GtkWindow       *parent,
                                                  const char      *path,
                                                  GError         **error);
/* Shows the print dialog for @document over @origin's window; errors in a dialog. */
void               dk_print_operation_run_dialog (DkPrintDocument *document,
                                                  GtkWidget       *origin);

/* The app's three things to print; each shows what went wrong in a dialog. */
void               dk_print_routine              (GtkWidget       *origin,
                                                  DkStore         *store,
                                                  const char      *routine_id);
void               dk_print_case_sheet           (GtkWidget       *origin,
                                                  DkStore         *store,
                                                  const char      *case_id_or_number);
/* Asks for the unit (the settings key "unit" filled in), then prints its downtime pack. */
void               dk_print_pack_dialog_present  (GtkWidget       *origin,
                                                  DkStore         *store);

G_END_DECLS
