/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-print-private.h: what the print layer's files share: the blocks a document is
 * made of, and the builders that fill a document with them */
#pragma once

#include "dk-print-document.h"

G_BEGIN_DECLS

/* How a piece of text looks. */
typedef enum {
  DK_PRINT_STYLE_TITLE,      /* a document's title */
  DK_PRINT_STYLE_POSTER,     /* a case sheet's title, to be read across a corridor */
  DK_PRINT_STYLE_SUBTITLE,   /* under a title */
  DK_PRINT_STYLE_HEADING,    /* a section inside a document */
  DK_PRINT_STYLE_BODY,
  DK_PRINT_STYLE_LARGE,      /* a case sheet's fields */
  DK_PRINT_STYLE_SMALL,      /* notes, captions */
} DkPrintStyle;

/* What a block is; a block is never split across pages. */
typedef enum {
  DK_PRINT_BLOCK_TEXT,          /* a paragraph in a style */
  DK_PRINT_BLOCK_FIELDS,        /* rows of label and value (document control) */
  DK_PRINT_BLOCK_NOTICE,        /* a framed warning */
  DK_PRINT_BLOCK_BANNER,        /* a band across the page, white on colour: red when alert */
  DK_PRINT_BLOCK_PHASE,         /* a phase's heading and what it is for; kept with the next */
  DK_PRINT_BLOCK_STEP,          /* a box to tick, the text, its condition, contact, form */
  DK_PRINT_BLOCK_FORM_ROW,      /* labelled blanks side by side */
  DK_PRINT_BLOCK_FORM_LINES,    /* a label and ruled lines to write on */
  DK_PRINT_BLOCK_FORM_TABLE,    /* a ruled table: column headings and blank rows */
  DK_PRINT_BLOCK_CONTENTS,      /* a line of a table of contents with its page number */
  DK_PRINT_BLOCK_PAGE_BREAK,    /* the next block starts a page */
  DK_PRINT_BLOCK_SPACE,         /* vertical space, dropped at the top of a page */
} DkPrintBlockKind;

typedef struct {
  DkPrintBlockKind  kind;
  DkPrintStyle      style;
  char             *text;       /* TEXT, NOTICE, PHASE, STEP, FORM_LINES label, CONTENTS */
  char             *detail;     /* PHASE: what it is for; STEP: the lines under the text */
  char             *emphasis;   /* STEP: the condition, shown first and in italics */
  GPtrArray        *labels;     /* FIELDS, FORM_ROW, FORM_TABLE: char * */
  GPtrArray        *values;     /* FIELDS: char *, one a label; FORM_ROW: filled in or NULL */
  GArray           *widths;     /* FORM_ROW, FORM_TABLE: double, shares of the width */
  guint             n_lines;    /* FORM_LINES, FORM_TABLE: blank lines or rows */
  double            space;      /* SPACE: points */
  char             *section;     /* starts a section: the running header from here on */
  char             *section_key; /* ... and the key CONTENTS blocks name it by */
  char             *target;     /* CONTENTS: the section whose first page is shown */
  gboolean          keep_with_next;
  gboolean          alert;      /* BANNER: something is down now */
} DkPrintBlock;

/* ---- dk-print-document.c: adding blocks ---- */
DkPrintDocument *_dk_print_document_new          (const char       *title,
                                                  DkStore          *store);
DkPrintBlock    *_dk_print_document_add          (DkPrintDocument  *self,
                                                  DkPrintBlockKind  kind);
void             _dk_print_document_add_text     (DkPrintDocument  *self,
                                                  DkPrintStyle      style,
                                                  const char       *text);
/* Adds a FIELDS block, rows of label and value to fill with _dk_print_block_add_field. */
DkPrintBlock    *_dk_print_document_add_fields   (DkPrintDocument  *self);
/* Adds a row to a FIELDS block; a NULL or empty @value shows as "—". */
void             _dk_print_block_add_field       (DkPrintBlock     *block,
                                                  const char       *label,
                                                  const char       *value);
void             _dk_print_document_add_space    (DkPrintDocument  *self,
                                                  double            points);
void             _dk_print_document_add_page_break (DkPrintDocument *self);
/* Starts a section: the running header of the pages that follow, and a target for
 * CONTENTS blocks. */
void             _dk_print_document_begin_section (DkPrintDocument *self,
                                                   const char      *key,
                                                   const char      *header);
/* "2026-11-24 14:05" in local time, or NULL for DK_TIME_UNSET. */
char            *_dk_print_format_time           (gint64            t);
char            *_dk_print_format_date           (gint64            t);

/* ---- dk-print-routine.c ---- */
/* Adds one routine from its title to its last step; @forms_in_pack says that the forms
 * it names follow in the same document. */
void             _dk_print_add_routine           (DkPrintDocument  *self,
                                                  DkStore          *store,
                                                  const DkRoutine  *routine,
                                                  gint64            now,
                                                  gboolean          forms_in_pack);
/* "Only when the outage lasted more than 10 hours"; NULL when @condition is NULL.
 * (transfer full) */
char            *_dk_print_describe_condition    (const char       *condition);
/* The names of the services with ids @services (char *), ", " between them; an id
 * the replica does not know stands for itself. (transfer full) */
char            *_dk_print_dup_service_names     (DkStore          *store,
                                                  const GPtrArray  *services);

/* ---- dk-print-forms.c ---- */
/* The name a person reads of a form a step names ("deviation_report"). */
char            *_dk_print_form_title            (const char       *form);
/* Adds a blank copy of @form, starting a section of its own. */
void             _dk_print_add_form              (DkPrintDocument  *self,
                                                  const char       *form,
                                                  const char       *unit);

G_END_DECLS
