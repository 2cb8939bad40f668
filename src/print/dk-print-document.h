/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-print-document.h: a printable document (a routine, a downtime pack, a case sheet)
 *
 * The same object serves the GTK print dialog and a PDF written without a display:
 *
 *   - GtkPrintOperation: set GTK_UNIT_POINTS and use_full_page TRUE, then in
 *     "begin-print" call dk_print_document_paginate () with
 *     gtk_print_context_get_cairo_context () and the context's width and height and
 *     pass the result to gtk_print_operation_set_n_pages (); in "draw-page" call
 *     dk_print_document_draw_page () with the same cairo context. The document keeps
 *     its own margins, so the page it is given is the whole sheet.
 *   - dk_print_document_write_pdf () does both on an A4 cairo PDF surface and replaces
 *     the file only when every byte was written.
 *
 * Sizes are points (1/72 inch). Text is laid out with pango_cairo at 72 dpi in the
 * family DK_PRINT_FONT_FAMILY.
 */
#pragma once

#include <cairo.h>
#include <glib-object.h>

#include "dk-store.h"

G_BEGIN_DECLS

#define DK_PRINT_ERROR (dk_print_error_quark ())

typedef enum {
  DK_PRINT_ERROR_EMPTY,   /* nothing to print: no routine for the unit's services */
  DK_PRINT_ERROR_WRITE,   /* the file could not be written (missing folder, full disk, ...) */
} DkPrintError;

GQuark dk_print_error_quark (void);

/* A4 in points */
#define DK_PRINT_A4_WIDTH  595.2756
#define DK_PRINT_A4_HEIGHT 841.8898

/* Cantarell first (fonts-cantarell), DejaVu Sans (fonts-dejavu-core) when it is missing. */
#define DK_PRINT_FONT_FAMILY "Cantarell, DejaVu Sans, sans-serif"

#define DK_TYPE_PRINT_DOCUMENT (dk_print_document_get_type ())
G_DECLARE_FINAL_TYPE (DkPrintDocument, dk_print_document, DK, PRINT_DOCUMENT, GObject)

/* One reserve routine: document control, steps by phase with a box to tick each. */
DkPrintDocument *dk_print_document_new_routine    (DkStore          *store,
                                                   const char       *routine_id,
                                                   GError          **error);
/* The downtime pack of a unit: a cover with the contents, every approved routine for
 * @services (NULL: the services the replica's user follows, see dk-print-pack.c) and
 * a blank copy of every form those routines name. */
DkPrintDocument *dk_print_document_new_pack       (DkStore          *store,
                                                   const char       *unit,
                                                   const char * const *services,
                                                   GError          **error);
/* One page for a notice board: a case's status, scope, estimated end, latest update. */
DkPrintDocument *dk_print_document_new_case       (DkStore          *store,
                                                   const char       *case_id_or_number,
                                                   GError          **error);

/* The document's title, also the PDF's title and a fitting job name. */
const char      *dk_print_document_get_title      (DkPrintDocument  *self);
/* The time in the footer's "Printed …"; the time the document was made by default. */
void             dk_print_document_set_printed_at (DkPrintDocument  *self,
                                                   gint64            printed_at);

/* Lays the document out on pages of @width × @height points, measuring text with @cr's
 * font options; returns the number of pages (at least 1). Call again when the page
 * size changes. */
guint            dk_print_document_paginate       (DkPrintDocument  *self,
                                                   cairo_t          *cr,
                                                   double            width,
                                                   double            height);
guint            dk_print_document_get_n_pages    (DkPrintDocument  *self);
/* Draws page @page (0-based) of the last pagination on @cr, its origin the sheet's
 * top left corner. */
void             dk_print_document_draw_page      (DkPrintDocument  *self,
                                                   cairo_t          *cr,
                                                   guint             page);
/* Paginates on A4 and writes a PDF to @path through a temporary file in the same
 * folder, renamed over @path only when complete; on failure nothing is left behind. */
gboolean         dk_print_document_write_pdf      (DkPrintDocument  *self,
                                                   const char       *path,
                                                   GError          **error);
/* Frees the process-wide font map printing filled. Call once, when nothing
 * prints any more and every document is gone (a command line before it exits), so that a
 * leak checker sees only real leaks. */
void             dk_print_release_caches          (void);

G_END_DECLS
