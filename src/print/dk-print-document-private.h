/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-print-document-private.h: a document's insides, shared by the file that keeps and
 * paginates it (dk-print-document.c) and the one that draws its blocks (dk-print-draw.c) */
#pragma once

#include <pango/pango.h>

#include "dk-print-private.h"

G_BEGIN_DECLS

/* The sheet's margins, in points: 20 mm at the sides, room for the header above and
 * the footer below. */
#define MARGIN_SIDE    56.7
#define MARGIN_TOP     64.0
#define MARGIN_BOTTOM  72.0
#define HEADER_OFFSET  30.0   /* from the sheet's top to the header's text */
#define FOOTER_OFFSET  46.0   /* from the sheet's bottom to the footer's rule */

/* One block's place on a page. */
typedef struct {
  guint  block;
  double y;
} Placed;

struct _DkPrintDocument
{
  GObject        parent_instance;

  /* content */
  char          *title;
  GPtrArray     *blocks;         /* DkPrintBlock * */
  gint64         printed_at;
  gint64         data_as_of;     /* DK_TIME_UNSET: never synced */

  /* the last pagination */
  PangoContext  *pango_context;
  double         width;
  double         height;
  GPtrArray     *pages;          /* GArray of Placed, one a page */
  GPtrArray     *page_headers;   /* const char * (into blocks) or NULL, one a page */
  GHashTable    *section_pages;  /* section key → first page + 1 */

  /* what _dk_print_document_begin_section () puts on the next block */
  char          *pending_section;
  char          *pending_key;
};

/* ---- dk-print-draw.c ---- */
/* Measures (@cr NULL) or draws a block at @y; returns its height with the space after. */
double _dk_print_document_do_block               (DkPrintDocument    *self,
                                                  const DkPrintBlock *block,
                                                  cairo_t            *cr,
                                                  double              y);
/* Draws page @page's running header (when it has one) and its footer. */
void   _dk_print_document_draw_header_and_footer (DkPrintDocument    *self,
                                                  cairo_t            *cr,
                                                  guint               page);

G_END_DECLS
