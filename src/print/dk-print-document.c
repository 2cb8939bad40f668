/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-print-document.c: a printable document: its blocks, their pages, the PDF */

#define G_LOG_DOMAIN "dk-print-document"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <cairo-pdf.h>
#include <errno.h>
#include <fcntl.h>
#include <pango/pangocairo.h>
#include <unistd.h>

#include "dk-print-document-private.h"

/* The store's key for the time of the last successful sync, as the sync engine writes
 * it (RFC 3339). */
#define LAST_SYNC_META "last_sync"

G_DEFINE_FINAL_TYPE (DkPrintDocument, dk_print_document, G_TYPE_OBJECT)

G_DEFINE_QUARK (dk-print-error, dk_print_error)

/* ---- blocks ---- */

static void
block_free (DkPrintBlock *block)
{
  g_free (block->text);
  g_free (block->detail);
  g_free (block->emphasis);
  g_clear_pointer (&block->labels, g_ptr_array_unref);
  g_clear_pointer (&block->values, g_ptr_array_unref);
  g_clear_pointer (&block->widths, g_array_unref);
  g_free (block->section);
  g_free (block->section_key);
  g_free (block->target);
  g_free (block);
}

/* ---- pages ---- */

static void
clear_pages (DkPrintDocument *self)
{
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->page_headers, g_ptr_array_unref);
  g_hash_table_remove_all (self->section_pages);
}

static GArray *
start_page (DkPrintDocument *self,
            const char      *header)
{
  GArray *page = g_array_new (FALSE, FALSE, sizeof (Placed));

  g_ptr_array_add (self->pages, page);
  g_ptr_array_add (self->page_headers, (gpointer) header);

  return page;
}

static void
lay_out (DkPrintDocument *self)
{
  double top = MARGIN_TOP;
  double bottom = self->height - MARGIN_BOTTOM;
  const char *header = NULL;
  GArray *page;
  double y = top;

  page = start_page (self, NULL);

  for (guint i = 0; i < self->blocks->len; i++)
    {
      DkPrintBlock *block = g_ptr_array_index (self->blocks, i);
      double height;
      double needed;

      if (block->section != NULL)
        header = block->section;

      if (block->kind == DK_PRINT_BLOCK_PAGE_BREAK)
        {
          if (page->len > 0)
            {
              page = start_page (self, header);
              y = top;
            }
          continue;
        }
      if (block->kind == DK_PRINT_BLOCK_SPACE && page->len == 0)
        continue;

      height = _dk_print_document_do_block (self, block, NULL, y);
      needed = height;
      /* a heading stays with what it heads */
      if (block->keep_with_next && i + 1 < self->blocks->len)
        {
          DkPrintBlock *next = g_ptr_array_index (self->blocks, i + 1);

          if (next->kind != DK_PRINT_BLOCK_PAGE_BREAK)
            needed += _dk_print_document_do_block (self, next, NULL, y + height);
        }

      if (y + needed > bottom && page->len > 0)
        {
          page = start_page (self, header);
          y = top;
          if (block->kind == DK_PRINT_BLOCK_SPACE)
            continue;
        }

      if (block->section != NULL)
        {
          g_hash_table_insert (self->section_pages, block->section_key,
                               GUINT_TO_POINTER (self->pages->len));
          /* the section's own title names it on its first page */
          if (page->len == 0)
            g_ptr_array_index (self->page_headers, self->pages->len - 1) = NULL;
        }

      g_array_append_val (page, ((Placed) { i, y }));
      y += height;
    }
}

/* ---- writing a PDF ---- */

typedef struct {
  int fd;
  int saved_errno;
} PdfStream;

static cairo_status_t
write_pdf_cb (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  PdfStream *stream = closure;

  while (length > 0)
    {
      ssize_t written = write (stream->fd, data, length);

      if (written < 0)
        {
          if (errno == EINTR)
            continue;
          stream->saved_errno = errno;
          return CAIRO_STATUS_WRITE_ERROR;
        }
      data += written;
      length -= (unsigned int) written;
    }

  return CAIRO_STATUS_SUCCESS;
}

static gboolean
set_write_error (GError     **error,
                 const char  *path,
                 int          saved_errno)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, DK_PRINT_ERROR, DK_PRINT_ERROR_WRITE, _("Could not write %s: %s"),
               display, g_strerror (saved_errno));
  return FALSE;
}

/* Renders every page to the PDF stream; FALSE when cairo or the file failed. */
static gboolean
render_pdf (DkPrintDocument *self,
            PdfStream       *stream)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  guint n_pages;

  surface = cairo_pdf_surface_create_for_stream (write_pdf_cb, stream, DK_PRINT_A4_WIDTH,
                                                 DK_PRINT_A4_HEIGHT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, self->title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Driftkoll");
  cr = cairo_create (surface);

  n_pages = dk_print_document_paginate (self, cr, DK_PRINT_A4_WIDTH, DK_PRINT_A4_HEIGHT);
  for (guint i = 0; i < n_pages; i++)
    {
      dk_print_document_draw_page (self, cr, i);
      cairo_show_page (cr);
    }

  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS && stream->saved_errno == 0)
    stream->saved_errno = status == CAIRO_STATUS_NO_MEMORY ? ENOMEM : EIO;

  return status == CAIRO_STATUS_SUCCESS;
}

/* ---- GObject ---- */

static void
dk_print_document_finalize (GObject *object)
{
  DkPrintDocument *self = DK_PRINT_DOCUMENT (object);

  g_free (self->title);
  g_free (self->pending_section);
  g_free (self->pending_key);
  g_ptr_array_unref (self->blocks);
  g_clear_object (&self->pango_context);
  clear_pages (self);
  g_hash_table_unref (self->section_pages);

  G_OBJECT_CLASS (dk_print_document_parent_class)->finalize (object);
}

static void
dk_print_document_class_init (DkPrintDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dk_print_document_finalize;
}

static void
dk_print_document_init (DkPrintDocument *self)
{
  self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  self->section_pages = g_hash_table_new (g_str_hash, g_str_equal);
  self->printed_at = dk_time_now ();
  self->data_as_of = DK_TIME_UNSET;
}

/* ---- public API ---- */

/**
 * dk_print_document_get_title:
 * @self: a #DkPrintDocument
 *
 * Returns: the document's title
 */
const char *
dk_print_document_get_title (DkPrintDocument *self)
{
  g_return_val_if_fail (DK_IS_PRINT_DOCUMENT (self), NULL);

  return self->title;
}

/**
 * dk_print_document_set_printed_at:
 * @self: a #DkPrintDocument
 * @printed_at: Unix seconds
 *
 * Sets the time the footer says the document was printed.
 */
void
dk_print_document_set_printed_at (DkPrintDocument *self,
                                  gint64           printed_at)
{
  g_return_if_fail (DK_IS_PRINT_DOCUMENT (self));

  self->printed_at = printed_at;
}

/**
 * dk_print_document_paginate:
 * @self: a #DkPrintDocument
 * @cr: the cairo context that will be drawn on
 * @width: the sheet's width in points
 * @height: the sheet's height in points
 *
 * Lays the document out on sheets of @width × @height. A block (a step with its
 * condition and contact, a form's table) is never split, a heading never ends a page,
 * and every routine and form starts a page of its own.
 *
 * Returns: the number of pages
 */
guint
dk_print_document_paginate (DkPrintDocument *self,
                            cairo_t         *cr,
                            double           width,
                            double           height)
{
  cairo_font_options_t *options;

  g_return_val_if_fail (DK_IS_PRINT_DOCUMENT (self), 0);
  g_return_val_if_fail (cr != NULL, 0);
  g_return_val_if_fail (width > 2 * MARGIN_SIDE && height > MARGIN_TOP + MARGIN_BOTTOM, 0);

  clear_pages (self);
  g_clear_object (&self->pango_context);

  /* Metrics without hinting, so that the layout measured is the layout drawn, on
   * paper and on screen alike. */
  self->pango_context = pango_cairo_create_context (cr);
  pango_cairo_context_set_resolution (self->pango_context, 72);
  options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (self->pango_context, options);
  cairo_font_options_destroy (options);

  self->width = width;
  self->height = height;
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  self->page_headers = g_ptr_array_new ();

  lay_out (self);

  return self->pages->len;
}

/**
 * dk_print_document_get_n_pages:
 * @self: a #DkPrintDocument
 *
 * Returns: the number of pages of the last pagination, 0 before the first
 */
guint
dk_print_document_get_n_pages (DkPrintDocument *self)
{
  g_return_val_if_fail (DK_IS_PRINT_DOCUMENT (self), 0);

  return self->pages != NULL ? self->pages->len : 0;
}

/**
 * dk_print_document_draw_page:
 * @self: a #DkPrintDocument
 * @cr: the cairo context of the sheet, origin at its top left corner, in points
 * @page: the page, 0-based, less than the number dk_print_document_paginate () gave
 *
 * Draws one page with its header and footer.
 */
void
dk_print_document_draw_page (DkPrintDocument *self,
                             cairo_t         *cr,
                             guint            page)
{
  GArray *placed;

  g_return_if_fail (DK_IS_PRINT_DOCUMENT (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (self->pages != NULL && page < self->pages->len);

  cairo_save (cr);
  pango_cairo_update_context (cr, self->pango_context);

  placed = g_ptr_array_index (self->pages, page);
  for (guint i = 0; i < placed->len; i++)
    {
      Placed *item = &g_array_index (placed, Placed, i);

      _dk_print_document_do_block (self, g_ptr_array_index (self->blocks, item->block), cr,
                                   item->y);
    }
  _dk_print_document_draw_header_and_footer (self, cr, page);

  cairo_restore (cr);
}

/**
 * dk_print_document_write_pdf:
 * @self: a #DkPrintDocument
 * @path: the PDF file to write (replaced when it exists)
 * @error: return location for a #GError
 *
 * Writes the document as an A4 PDF. The pages go to a temporary file next to @path,
 * which is renamed to @path only when it is complete; a missing folder, a full disk or
 * any other failure leaves no file behind and keeps an older @path as it was.
 *
 * Returns: %TRUE when @path holds the whole document
 */
gboolean
dk_print_document_write_pdf (DkPrintDocument  *self,
                             const char       *path,
                             GError          **error)
{
  g_autofree char *tmp_path = NULL;
  PdfStream stream = { -1, 0 };
  gboolean ok;

  g_return_val_if_fail (DK_IS_PRINT_DOCUMENT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  tmp_path = g_strconcat (path, ".XXXXXX", NULL);
  stream.fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0644);
  if (stream.fd < 0)
    return set_write_error (error, path, errno);

  ok = render_pdf (self, &stream);
  if (ok && fsync (stream.fd) != 0)
    {
      stream.saved_errno = errno;
      ok = FALSE;
    }
  if (close (stream.fd) != 0 && ok)
    {
      stream.saved_errno = errno;
      ok = FALSE;
    }
  if (ok && g_rename (tmp_path, path) != 0)
    {
      stream.saved_errno = errno;
      ok = FALSE;
    }

  if (!ok)
    {
      g_unlink (tmp_path);
      return set_write_error (error, path, stream.saved_errno);
    }

  g_debug ("wrote %s: %u pages", path, self->pages->len);
  return TRUE;
}

/* ---- private API ---- */

DkPrintDocument *
_dk_print_document_new (const char *title,
                        DkStore    *store)
{
  DkPrintDocument *self = g_object_new (DK_TYPE_PRINT_DOCUMENT, NULL);
  g_autofree char *last_sync = NULL;
  gint64 when;

  self->title = g_strdup (title);
  last_sync = dk_store_dup_meta (store, LAST_SYNC_META);
  if (last_sync != NULL && dk_time_parse (last_sync, &when, NULL))
    self->data_as_of = when;

  return self;
}

DkPrintBlock *
_dk_print_document_add (DkPrintDocument  *self,
                        DkPrintBlockKind  kind)
{
  DkPrintBlock *block = g_new0 (DkPrintBlock, 1);

  g_assert (DK_IS_PRINT_DOCUMENT (self));

  block->kind = kind;
  block->style = DK_PRINT_STYLE_BODY;
  if (kind != DK_PRINT_BLOCK_PAGE_BREAK && self->pending_section != NULL)
    {
      block->section = g_steal_pointer (&self->pending_section);
      block->section_key = g_steal_pointer (&self->pending_key);
    }
  g_ptr_array_add (self->blocks, block);

  return block;
}

void
_dk_print_document_add_text (DkPrintDocument *self,
                             DkPrintStyle     style,
                             const char      *text)
{
  DkPrintBlock *block = _dk_print_document_add (self, DK_PRINT_BLOCK_TEXT);

  block->style = style;
  block->text = g_strdup (text);
  block->keep_with_next = style == DK_PRINT_STYLE_HEADING;
}

DkPrintBlock *
_dk_print_document_add_fields (DkPrintDocument *self)
{
  DkPrintBlock *block = _dk_print_document_add (self, DK_PRINT_BLOCK_FIELDS);

  block->labels = g_ptr_array_new_with_free_func (g_free);
  block->values = g_ptr_array_new_with_free_func (g_free);

  return block;
}

void
_dk_print_block_add_field (DkPrintBlock *block,
                           const char   *label,
                           const char   *value)
{
  g_assert (block->kind == DK_PRINT_BLOCK_FIELDS);

  g_ptr_array_add (block->labels, g_strdup (label));
  g_ptr_array_add (block->values, g_strdup (value != NULL && value[0] != '\0' ? value : "—"));
}

void
_dk_print_document_add_space (DkPrintDocument *self,
                              double           points)
{
  DkPrintBlock *block = _dk_print_document_add (self, DK_PRINT_BLOCK_SPACE);

  block->space = points;
}

void
_dk_print_document_add_page_break (DkPrintDocument *self)
{
  _dk_print_document_add (self, DK_PRINT_BLOCK_PAGE_BREAK);
}

void
_dk_print_document_begin_section (DkPrintDocument *self,
                                  const char      *key,
                                  const char      *header)
{
  g_assert (DK_IS_PRINT_DOCUMENT (self));

  _dk_print_document_add_page_break (self);
  /* the mark rides on the section's first block */
  g_free (self->pending_section);
  g_free (self->pending_key);
  self->pending_section = g_strdup (header);
  self->pending_key = g_strdup (key);
}

char *
_dk_print_format_time (gint64 t)
{
  /* Translators: a date and time on paper, in local time, see g_date_time_format () */
  return dk_time_format_local (t, _("%Y-%m-%d %H:%M"));
}

char *
_dk_print_format_date (gint64 t)
{
  /* Translators: a date on paper, see g_date_time_format () */
  return dk_time_format_local (t, _("%Y-%m-%d"));
}

/**
 * dk_print_release_caches:
 *
 * Drops pango's default font map and the fonts it holds. (Not
 * cairo_debug_reset_static_data () nor FcFini (): pango may still be loading fonts in a
 * thread of its own, and both abort then.)
 */
void
dk_print_release_caches (void)
{
  pango_cairo_font_map_set_default (NULL);
}
