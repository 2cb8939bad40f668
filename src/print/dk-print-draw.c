/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-print-draw.c: how a document looks: its fonts and colours, each block measured or
 * drawn, and the header and footer of a page */

#define G_LOG_DOMAIN "dk-print-draw"

#include "config.h"

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "dk-print-document-private.h"

/* A step: the box to tick, the gap after it, and the sign-off column at the right. */
#define BOX_SIZE       11.0
#define BOX_GAP        11.0
#define SIGN_WIDTH     104.0
#define SIGN_GAP       16.0
#define RULED_LINE     24.0   /* the height of a line to write on */

typedef struct {
  double r, g, b;
} Colour;

static const Colour INK     = { 0.10, 0.11, 0.13 };
static const Colour MUTED   = { 0.36, 0.38, 0.42 };
static const Colour ACCENT  = { 0.09, 0.27, 0.50 };
static const Colour RULE    = { 0.70, 0.72, 0.75 };
static const Colour SHADE   = { 0.93, 0.94, 0.96 };
static const Colour WARNING = { 0.66, 0.21, 0.00 };
static const Colour WARN_BG = { 1.00, 0.95, 0.88 };

/* ---- text ---- */

static void
set_colour (cairo_t      *cr,
            const Colour *colour)
{
  cairo_set_source_rgb (cr, colour->r, colour->g, colour->b);
}

static PangoFontDescription *
style_font (DkPrintStyle style)
{
  PangoFontDescription *font = pango_font_description_from_string (DK_PRINT_FONT_FAMILY);
  double size = 10.5;
  PangoWeight weight = PANGO_WEIGHT_NORMAL;

  switch (style)
    {
    case DK_PRINT_STYLE_TITLE:
      size = 21;
      weight = PANGO_WEIGHT_BOLD;
      break;
    case DK_PRINT_STYLE_POSTER:
      size = 30;
      weight = PANGO_WEIGHT_BOLD;
      break;
    case DK_PRINT_STYLE_SUBTITLE:
      size = 12.5;
      break;
    case DK_PRINT_STYLE_HEADING:
      size = 14;
      weight = PANGO_WEIGHT_BOLD;
      break;
    case DK_PRINT_STYLE_BODY:
      size = 10.5;
      break;
    case DK_PRINT_STYLE_LARGE:
      size = 14;
      break;
    case DK_PRINT_STYLE_SMALL:
      size = 8.5;
      break;
    default:
      g_assert_not_reached ();
    }

  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  pango_font_description_set_weight (font, weight);

  return font;
}

/* A layout of @text @width points wide (-1: one line, as wide as it is). */
static PangoLayout *
make_layout (DkPrintDocument *self,
             DkPrintStyle     style,
             gboolean         bold,
             gboolean         italic,
             const char      *text,
             double           width)
{
  PangoLayout *layout = pango_layout_new (self->pango_context);
  g_autoptr(PangoFontDescription) font = style_font (style);

  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  if (italic)
    pango_font_description_set_style (font, PANGO_STYLE_ITALIC);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  if (width > 0)
    pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_text (layout, text != NULL ? text : "", -1);

  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int height;

  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

static double
layout_width (PangoLayout *layout)
{
  int width;

  pango_layout_get_size (layout, &width, NULL);
  return (double) width / PANGO_SCALE;
}

/* The distance from a layout's top to its first baseline. */
static double
layout_baseline (PangoLayout *layout)
{
  return (double) pango_layout_get_baseline (layout) / PANGO_SCALE;
}

static void
show_layout (cairo_t      *cr,
             PangoLayout  *layout,
             const Colour *colour,
             double        x,
             double        y)
{
  if (cr == NULL)
    return;

  set_colour (cr, colour);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* Draws (when @cr is not NULL) and measures @text; returns its height. */
static double
put_text (DkPrintDocument *self,
          cairo_t         *cr,
          DkPrintStyle     style,
          gboolean         bold,
          gboolean         italic,
          const Colour    *colour,
          const char      *text,
          double           x,
          double           y,
          double           width)
{
  g_autoptr(PangoLayout) layout = make_layout (self, style, bold, italic, text, width);

  show_layout (cr, layout, colour, x, y);
  return layout_height (layout);
}

static void
stroke_line (cairo_t      *cr,
             const Colour *colour,
             double        line_width,
             double        x1,
             double        y1,
             double        x2,
             double        y2)
{
  if (cr == NULL)
    return;

  set_colour (cr, colour);
  cairo_set_line_width (cr, line_width);
  cairo_move_to (cr, x1, y1);
  cairo_line_to (cr, x2, y2);
  cairo_stroke (cr);
}

static void
fill_rectangle (cairo_t      *cr,
                const Colour *colour,
                double        x,
                double        y,
                double        width,
                double        height)
{
  if (cr == NULL)
    return;

  set_colour (cr, colour);
  cairo_rectangle (cr, x, y, width, height);
  cairo_fill (cr);
}

static void
stroke_rectangle (cairo_t      *cr,
                  const Colour *colour,
                  double        line_width,
                  double        x,
                  double        y,
                  double        width,
                  double        height)
{
  if (cr == NULL)
    return;

  set_colour (cr, colour);
  cairo_set_line_width (cr, line_width);
  cairo_rectangle (cr, x, y, width, height);
  cairo_stroke (cr);
}

/* ---- the blocks, each measured (cr NULL) or drawn by one function ---- */

static double
text_gap_after (DkPrintStyle style)
{
  switch (style)
    {
    case DK_PRINT_STYLE_TITLE:
      return 4;
    case DK_PRINT_STYLE_POSTER:
      return 10;
    case DK_PRINT_STYLE_SUBTITLE:
      return 14;
    case DK_PRINT_STYLE_HEADING:
      return 8;
    case DK_PRINT_STYLE_SMALL:
      return 4;
    case DK_PRINT_STYLE_BODY:
    case DK_PRINT_STYLE_LARGE:
    default:
      return 8;
    }
}

static double
do_text (DkPrintDocument    *self,
         const DkPrintBlock *block,
         cairo_t            *cr,
         double              x,
         double              y,
         double              width)
{
  const Colour *colour = &INK;
  double height;

  if (block->style == DK_PRINT_STYLE_SUBTITLE || block->style == DK_PRINT_STYLE_SMALL)
    colour = &MUTED;
  else if (block->style == DK_PRINT_STYLE_HEADING)
    colour = &ACCENT;

  height = put_text (self, cr, block->style, FALSE, FALSE, colour, block->text, x, y, width);
  return height + text_gap_after (block->style);
}

static double
do_fields (DkPrintDocument    *self,
           const DkPrintBlock *block,
           cairo_t            *cr,
           double              x,
           double              y,
           double              width)
{
  DkPrintStyle style = block->style;
  double label_width = 0;
  double value_x;
  double top = y;

  for (guint i = 0; i < block->labels->len; i++)
    {
      g_autoptr(PangoLayout) label = make_layout (self, style, TRUE, FALSE,
                                                  g_ptr_array_index (block->labels, i), -1);

      label_width = MAX (label_width, layout_width (label));
    }
  label_width = MIN (label_width, width * 0.38);
  value_x = x + label_width + 14;

  for (guint i = 0; i < block->labels->len; i++)
    {
      double label_height;
      double value_height;

      label_height = put_text (self, cr, style, TRUE, FALSE, &MUTED,
                               g_ptr_array_index (block->labels, i), x, y, label_width);
      value_height = put_text (self, cr, style, FALSE, FALSE, &INK,
                               g_ptr_array_index (block->values, i), value_x, y,
                               x + width - value_x);
      y += MAX (label_height, value_height) + (style == DK_PRINT_STYLE_LARGE ? 7 : 3);
    }

  return y - top + 10;
}

static double
do_notice (DkPrintDocument    *self,
           const DkPrintBlock *block,
           cairo_t            *cr,
           double              x,
           double              y,
           double              width)
{
  g_autoptr(PangoLayout) layout = make_layout (self, DK_PRINT_STYLE_BODY, TRUE, FALSE,
                                               block->text, width - 30);
  double height = layout_height (layout) + 18;

  fill_rectangle (cr, &WARN_BG, x, y, width, height);
  fill_rectangle (cr, &WARNING, x, y, 4, height);
  stroke_rectangle (cr, &WARNING, 0.8, x, y, width, height);
  show_layout (cr, layout, &WARNING, x + 16, y + 9);

  return height + 14;
}

static double
do_banner (DkPrintDocument    *self,
           const DkPrintBlock *block,
           cairo_t            *cr,
           double              x,
           double              y,
           double              width)
{
  static const Colour white = { 1, 1, 1 };
  g_autoptr(PangoLayout) layout = make_layout (self, DK_PRINT_STYLE_LARGE, TRUE, FALSE,
                                               block->text, width - 28);
  double height = layout_height (layout) + 16;

  fill_rectangle (cr, block->alert ? &WARNING : &ACCENT, x, y, width, height);
  show_layout (cr, layout, &white, x + 14, y + 8);

  return height + 16;
}

static double
do_phase (DkPrintDocument    *self,
          const DkPrintBlock *block,
          cairo_t            *cr,
          double              x,
          double              y,
          double              width)
{
  double top = y;

  y += 12;
  y += put_text (self, cr, DK_PRINT_STYLE_HEADING, FALSE, FALSE, &ACCENT, block->text, x, y,
                 width);
  if (block->detail != NULL)
    y += put_text (self, cr, DK_PRINT_STYLE_SMALL, FALSE, FALSE, &MUTED, block->detail, x,
                   y + 1, width) + 1;
  y += 5;
  stroke_line (cr, &ACCENT, 1.2, x, y, x + width, y);

  return y - top + 9;
}

static double
do_step (DkPrintDocument    *self,
         const DkPrintBlock *block,
         cairo_t            *cr,
         double              x,
         double              y,
         double              width)
{
  g_autoptr(PangoLayout) text = NULL;
  double text_x = x + BOX_SIZE + BOX_GAP;
  double text_width = width - (BOX_SIZE + BOX_GAP) - SIGN_WIDTH - SIGN_GAP;
  double sign_x = x + width - SIGN_WIDTH;
  double baseline;
  double bottom;
  double top = y;

  text = make_layout (self, DK_PRINT_STYLE_BODY, FALSE, FALSE, block->text, text_width);
  baseline = layout_baseline (text);
  show_layout (cr, text, &INK, text_x, y);

  /* the box sits on the first line's baseline */
  stroke_rectangle (cr, &INK, 1.1, x + 0.5, y + baseline - BOX_SIZE + 1.5, BOX_SIZE, BOX_SIZE);

  /* who ticked it and when, written by hand */
  stroke_line (cr, &RULE, 0.7, sign_x, y + baseline + 3, x + width, y + baseline + 3);
  bottom = y + baseline + 4 + put_text (self, cr, DK_PRINT_STYLE_SMALL, FALSE, FALSE, &MUTED,
                                        _("Signature · time"), sign_x, y + baseline + 4,
                                        SIGN_WIDTH);

  y += layout_height (text);
  if (block->emphasis != NULL)
    y += 2 + put_text (self, cr, DK_PRINT_STYLE_SMALL, TRUE, TRUE, &WARNING, block->emphasis,
                       text_x, y + 2, text_width);
  if (block->detail != NULL)
    y += 2 + put_text (self, cr, DK_PRINT_STYLE_SMALL, FALSE, FALSE, &MUTED, block->detail,
                       text_x, y + 2, text_width);

  y = MAX (y, bottom) + 7;
  stroke_line (cr, &SHADE, 0.8, text_x, y, x + width, y);

  return y - top + 7;
}

/* The x and width of cell @i of a row of shares @widths. */
static void
cell_geometry (const DkPrintBlock *block,
               guint               i,
               double              x,
               double              width,
               double              gap,
               double             *cell_x,
               double             *cell_width)
{
  double total = 0;
  double before = 0;
  guint n = block->widths->len;
  double usable = width - gap * (n - 1);

  for (guint j = 0; j < n; j++)
    {
      double share = g_array_index (block->widths, double, j);

      total += share;
      if (j < i)
        before += share;
    }

  *cell_x = x + usable * before / total + gap * i;
  *cell_width = usable * g_array_index (block->widths, double, i) / total;
}

static double
do_form_row (DkPrintDocument    *self,
             const DkPrintBlock *block,
             cairo_t            *cr,
             double              x,
             double              y,
             double              width)
{
  double label_height = 0;

  for (guint i = 0; i < block->labels->len; i++)
    {
      double cell_x;
      double cell_width;
      double h;

      cell_geometry (block, i, x, width, 14, &cell_x, &cell_width);
      h = put_text (self, cr, DK_PRINT_STYLE_SMALL, TRUE, FALSE, &MUTED,
                    g_ptr_array_index (block->labels, i), cell_x, y, cell_width);
      label_height = MAX (label_height, h);
    }

  for (guint i = 0; i < block->labels->len; i++)
    {
      double cell_x;
      double cell_width;
      double line_y = y + label_height + RULED_LINE;

      cell_geometry (block, i, x, width, 14, &cell_x, &cell_width);
      stroke_line (cr, &INK, 0.7, cell_x, line_y, cell_x + cell_width, line_y);
      if (block->values != NULL && g_ptr_array_index (block->values, i) != NULL)
        {
          g_autoptr(PangoLayout) value = make_layout (self, DK_PRINT_STYLE_BODY, FALSE, FALSE,
                                                      g_ptr_array_index (block->values, i),
                                                      cell_width);

          pango_layout_set_ellipsize (value, PANGO_ELLIPSIZE_END);
          show_layout (cr, value, &INK, cell_x, line_y - 3 - layout_baseline (value));
        }
    }

  return label_height + RULED_LINE + 12;
}

static double
do_form_lines (DkPrintDocument    *self,
               const DkPrintBlock *block,
               cairo_t            *cr,
               double              x,
               double              y,
               double              width)
{
  double top = y;

  y += put_text (self, cr, DK_PRINT_STYLE_SMALL, TRUE, FALSE, &MUTED, block->text, x, y, width);
  for (guint i = 0; i < block->n_lines; i++)
    {
      y += RULED_LINE;
      stroke_line (cr, i + 1 == block->n_lines ? &INK : &RULE, 0.7, x, y, x + width, y);
    }

  return y - top + 14;
}

static double
do_form_table (DkPrintDocument    *self,
               const DkPrintBlock *block,
               cairo_t            *cr,
               double              x,
               double              y,
               double              width)
{
  double header = 0;
  double height;

  for (guint i = 0; i < block->labels->len; i++)
    {
      g_autoptr(PangoLayout) label = NULL;
      double cell_x;
      double cell_width;

      cell_geometry (block, i, x, width, 0, &cell_x, &cell_width);
      label = make_layout (self, DK_PRINT_STYLE_SMALL, TRUE, FALSE,
                           g_ptr_array_index (block->labels, i), cell_width - 8);
      header = MAX (header, layout_height (label) + 8);
    }
  height = header + block->n_lines * RULED_LINE;

  fill_rectangle (cr, &SHADE, x, y, width, header);
  for (guint i = 0; i < block->labels->len; i++)
    {
      double cell_x;
      double cell_width;

      cell_geometry (block, i, x, width, 0, &cell_x, &cell_width);
      put_text (self, cr, DK_PRINT_STYLE_SMALL, TRUE, FALSE, &INK,
                g_ptr_array_index (block->labels, i), cell_x + 4, y + 4, cell_width - 8);
      if (i > 0)
        stroke_line (cr, &RULE, 0.7, cell_x, y, cell_x, y + height);
    }
  for (guint i = 0; i <= block->n_lines; i++)
    stroke_line (cr, &RULE, 0.7, x, y + header + i * RULED_LINE, x + width,
                 y + header + i * RULED_LINE);
  stroke_rectangle (cr, &INK, 0.9, x, y, width, height);

  return height + 14;
}

static double
do_contents (DkPrintDocument    *self,
             const DkPrintBlock *block,
             cairo_t            *cr,
             double              x,
             double              y,
             double              width)
{
  g_autoptr(PangoLayout) text = make_layout (self, DK_PRINT_STYLE_BODY, FALSE, FALSE,
                                             block->text, width - 60);
  gpointer page = g_hash_table_lookup (self->section_pages, block->target);
  double height = layout_height (text);

  show_layout (cr, text, &INK, x, y);
  if (cr != NULL && page != NULL)
    {
      g_autofree char *number = g_strdup_printf ("%u", GPOINTER_TO_UINT (page));
      g_autoptr(PangoLayout) layout = make_layout (self, DK_PRINT_STYLE_BODY, FALSE, FALSE,
                                                   number, -1);
      PangoLayoutLine *last = pango_layout_get_line_readonly (text,
                                                              pango_layout_get_line_count (text) - 1);
      PangoRectangle extent;
      double baseline = y + height - layout_height (layout) + layout_baseline (layout);
      double number_x = x + width - layout_width (layout);

      pango_layout_line_get_extents (last, NULL, &extent);
      show_layout (cr, layout, &INK, number_x, y + height - layout_height (layout));

      /* dot leaders from the text to the number */
      set_colour (cr, &RULE);
      for (double dot = x + (double) extent.width / PANGO_SCALE + 8; dot < number_x - 6; dot += 5)
        {
          cairo_arc (cr, dot, baseline - 1, 0.6, 0, 2 * G_PI);
          cairo_fill (cr);
        }
    }

  return height + 7;
}

/* Measures (@cr NULL) or draws a block of one kind in the area from @x, @y @width wide;
 * returns its height with the space after. */
typedef double (*BlockFunc) (DkPrintDocument    *self,
                             const DkPrintBlock *block,
                             cairo_t            *cr,
                             double              x,
                             double              y,
                             double              width);

static const BlockFunc block_funcs[] = {
  [DK_PRINT_BLOCK_TEXT] = do_text,
  [DK_PRINT_BLOCK_FIELDS] = do_fields,
  [DK_PRINT_BLOCK_NOTICE] = do_notice,
  [DK_PRINT_BLOCK_BANNER] = do_banner,
  [DK_PRINT_BLOCK_PHASE] = do_phase,
  [DK_PRINT_BLOCK_STEP] = do_step,
  [DK_PRINT_BLOCK_FORM_ROW] = do_form_row,
  [DK_PRINT_BLOCK_FORM_LINES] = do_form_lines,
  [DK_PRINT_BLOCK_FORM_TABLE] = do_form_table,
  [DK_PRINT_BLOCK_CONTENTS] = do_contents,
};

double
_dk_print_document_do_block (DkPrintDocument    *self,
                             const DkPrintBlock *block,
                             cairo_t            *cr,
                             double              y)
{
  double x = MARGIN_SIDE;
  double width = self->width - 2 * MARGIN_SIDE;
  BlockFunc func;

  if (block->kind == DK_PRINT_BLOCK_SPACE)
    return block->space;
  if (block->kind == DK_PRINT_BLOCK_PAGE_BREAK)
    return 0;

  g_assert (block->kind < G_N_ELEMENTS (block_funcs));
  func = block_funcs[block->kind];
  g_assert (func != NULL);

  return func (self, block, cr, x, y, width);
}

/* ---- the page's header and footer ---- */

void
_dk_print_document_draw_header_and_footer (DkPrintDocument *self,
                                           cairo_t         *cr,
                                           guint            page)
{
  const char *header = g_ptr_array_index (self->page_headers, page);
  double x = MARGIN_SIDE;
  double width = self->width - 2 * MARGIN_SIDE;
  double rule_y = self->height - FOOTER_OFFSET;
  g_autofree char *printed = _dk_print_format_time (self->printed_at);
  g_autofree char *as_of = _dk_print_format_time (self->data_as_of);
  g_autofree char *left = NULL;
  g_autofree char *right = NULL;
  g_autoptr(PangoLayout) page_layout = NULL;

  if (header != NULL)
    {
      double h = put_text (self, cr, DK_PRINT_STYLE_SMALL, FALSE, FALSE, &MUTED, header, x,
                           HEADER_OFFSET, width);

      stroke_line (cr, &RULE, 0.5, x, HEADER_OFFSET + h + 3, x + width, HEADER_OFFSET + h + 3);
    }

  if (as_of != NULL)
    /* Translators: the footer of every printed page: when it was printed and when the
     * data was last fetched from the server, in local time */
    left = g_strdup_printf (_("Printed %s · Data as of %s"), printed, as_of);
  else
    /* Translators: the footer of a page printed from a replica that never synced */
    left = g_strdup_printf (_("Printed %s · Data never synced with the server"), printed);
  /* Translators: the page number in the footer of a printed page */
  right = g_strdup_printf (_("Page %u of %u"), page + 1, self->pages->len);

  stroke_line (cr, &RULE, 0.5, x, rule_y, x + width, rule_y);
  page_layout = make_layout (self, DK_PRINT_STYLE_SMALL, FALSE, FALSE, right, -1);
  show_layout (cr, page_layout, &MUTED, x + width - layout_width (page_layout), rule_y + 6);
  put_text (self, cr, DK_PRINT_STYLE_SMALL, FALSE, FALSE, &MUTED, left, x, rule_y + 6,
            width - layout_width (page_layout) - 20);
}
