/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-store-case-row-private.h: the columns of a case's row, read from its JSON */
#pragma once

#include "dk-store-private.h"

G_BEGIN_DECLS

/* The columns of a case row, borrowed from a parsed JSON object (no copies). */
typedef struct {
  const char *id;
  const char *number;
  const char *kind;
  const char *area;
  const char *status;
  const char *title;
  gint64      priority;
  gboolean    major;
  gboolean    public;
  gint64      start;
  gint64      expected_end;
  gint64      closed_at;
  GString    *services;     /* "|tes|dips|" */
  gint64      revision;
} DkStoreCaseRow;

/* The columns _dk_store_case_row_bind () binds, as ?1–?13. */
#define CASE_COLUMNS "id, number, kind, area, status, priority, major, public, start," \
                     " expected_end, closed_at, title, services"

/* Reads the columns of a case; only the id is required, the rest has been checked by
 * whoever wrote the object (the server's codec, or dk-local-changes.c). */
gboolean _dk_store_case_row_read     (JsonObject      *object,
                                      DkStoreCaseRow  *row,
                                      GError         **error);
/* The same for the object at @object in a page read with dk_json_doc_parse (). */
gboolean _dk_store_case_row_read_doc (DkJsonDoc       *doc,
                                      guint            object,
                                      DkStoreCaseRow  *row,
                                      GError         **error);
/* Binds ?1–?13 in the order of CASE_COLUMNS. */
void     _dk_store_case_row_bind     (sqlite3_stmt          *stmt,
                                      const DkStoreCaseRow  *row);
void     _dk_store_case_row_clear    (DkStoreCaseRow  *row);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DkStoreCaseRow, _dk_store_case_row_clear)

G_END_DECLS
