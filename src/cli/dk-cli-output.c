/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli-output.c: driftkoll-cli's output: JSON, local times, tables, the progress line */

#define G_LOG_DOMAIN "dk-cli-output"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dk-cli-private.h"

struct _DkCliTable {
  guint      n_columns;
  GPtrArray *rows;   /* GStrv each */
};

struct _DkCliProgress {
  DkSyncProgress *words;
  gint64          last_printed;   /* monotonic µs */
  gboolean        printed;        /* a line without its newline is on stderr */
  gboolean        bytes_shown;    /* the snapshot's line was printed */
  gboolean        bytes_done;     /* the cases' line after it has begun */
};

/* ---- JSON ---- */

void
_dk_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);

  g_print ("%s\n", text);
}

void
_dk_cli_print_json_array (GPtrArray  *items,
                          JsonNode *(*to_json) (gconstpointer item))
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; items != NULL && i < items->len; i++)
    json_array_add_element (array, to_json (g_ptr_array_index (items, i)));

  json_node_set_array (root, array);
  _dk_cli_print_json (root);
}

gboolean
_dk_cli_print_json_or_empty (GPtrArray  *items,
                             gboolean    json,
                             JsonNode *(*to_json) (gconstpointer item),
                             const char *empty)
{
  if (json)
    _dk_cli_print_json_array (items, to_json);
  else if (items->len == 0)
    g_print ("%s\n", empty);
  else
    return FALSE;

  return TRUE;
}

/* ---- times and numbers ---- */

char *
_dk_cli_format_time (gint64 t)
{
  char *text;

  if (t == DK_TIME_UNSET)
    return g_strdup ("—");

  /* Translators: a date and time in local time, see g_date_time_format () */
  text = dk_time_format_local (t, _("%Y-%m-%d %H:%M"));

  return text != NULL ? text : g_strdup ("?");
}

gboolean
_dk_cli_parse_time (const char  *text,
                    gint64      *out,
                    GError     **error)
{
  g_autoptr(GTimeZone) local_tz = g_time_zone_new_local ();
  g_autoptr(GDateTime) parsed = NULL;
  g_autofree char *iso = NULL;
  char *space;

  if (dk_time_parse (text, out, NULL))
    return TRUE;

  /* "2026-11-24 14:05" in local time */
  iso = g_strstrip (g_strdup (text));
  space = strchr (iso, ' ');
  if (space != NULL)
    *space = 'T';
  if (strlen (iso) == strlen ("2026-11-24T14:05"))
    {
      g_autofree char *with_seconds = g_strconcat (iso, ":00", NULL);

      parsed = g_date_time_new_from_iso8601 (with_seconds, local_tz);
    }
  else
    {
      parsed = g_date_time_new_from_iso8601 (iso, local_tz);
    }

  if (parsed == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("“%s” is not a time; write it as “2026-11-24 14:05” (local time) "
                     "or RFC 3339"), text);
      return FALSE;
    }

  *out = g_date_time_to_unix (parsed);
  return TRUE;
}


/* ---- tables ---- */

DkCliTable *
_dk_cli_table_new (guint n_columns)
{
  DkCliTable *table = g_new0 (DkCliTable, 1);

  table->n_columns = n_columns;
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  return table;
}

void
_dk_cli_table_free (DkCliTable *table)
{
  if (table == NULL)
    return;

  g_ptr_array_unref (table->rows);
  g_free (table);
}

/* Adds one row of n_columns strings (NULL-terminated; missing cells are empty). */
void
_dk_cli_table_add (DkCliTable *table,
                   ...)
{
  char **row = g_new0 (char *, table->n_columns + 1);
  va_list args;

  va_start (args, table);
  for (guint i = 0; i < table->n_columns; i++)
    {
      const char *cell = va_arg (args, const char *);

      if (cell == NULL)
        {
          for (; i < table->n_columns; i++)
            row[i] = g_strdup ("");
          break;
        }
      /* one line per cell */
      row[i] = g_strdelimit (g_strdup (cell), "\n\r\t", ' ');
    }
  va_end (args);

  g_ptr_array_add (table->rows, row);
}

void
_dk_cli_table_print (DkCliTable *table)
{
  g_autofree glong *widths = g_new0 (glong, table->n_columns);
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < table->n_columns; c++)
        widths[c] = MAX (widths[c], g_utf8_strlen (row[c], -1));
    }

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);

      g_string_truncate (line, 0);
      for (guint c = 0; c < table->n_columns; c++)
        {
          g_string_append (line, row[c]);
          if (c + 1 < table->n_columns)
            {
              for (glong pad = g_utf8_strlen (row[c], -1); pad < widths[c] + 2; pad++)
                g_string_append_c (line, ' ');
            }
        }
      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);
      g_print ("%s\n", line->str);
    }
}

/* ---- the progress line ---- */

DkCliProgress *
_dk_cli_progress_new (gint64 start_cursor)
{
  DkCliProgress *progress;

  if (!isatty (STDERR_FILENO))
    return NULL;

  progress = g_new0 (DkCliProgress, 1);
  progress->words = dk_sync_progress_new ();
  dk_sync_progress_begin_cases (progress->words, g_get_monotonic_time (), start_cursor);

  return progress;
}

/* At most a few lines a second, and the last one always. */
static gboolean
progress_is_due (DkCliProgress *progress,
                 gint64         now,
                 gboolean       last)
{
  return !progress->printed || last || now - progress->last_printed >= G_USEC_PER_SEC / 4;
}

static void
print_progress (DkCliProgress *progress,
                gint64         now,
                const char    *line)
{
  g_printerr ("\r\033[K%s", line);
  progress->printed = TRUE;
  progress->last_printed = now;
}

/* "\r12 400 cases · 3 100/s · 25 s left", only when more than what one sync does in an
 * instant remains. */
void
_dk_cli_progress_update (DkCliProgress *progress,
                         guint64        objects_applied,
                         gint64         cursor,
                         gint64         newest_seq)
{
  g_autofree char *line = NULL;
  gint64 now;

  if (progress == NULL)
    return;

  now = g_get_monotonic_time ();
  /* After a snapshot the tail is a line of its own. */
  if (progress->bytes_shown && !progress->bytes_done)
    {
      if (progress->printed)
        g_printerr ("\n");
      progress->printed = FALSE;
      progress->bytes_done = TRUE;
    }
  line = dk_sync_progress_describe_cases (progress->words, now, objects_applied, cursor,
                                          newest_seq, NULL);
  if (cursor >= newest_seq && !progress->printed)
    return;  /* done before it was worth a line */
  if (progress_is_due (progress, now, cursor >= newest_seq))
    print_progress (progress, now, line);
}

/* "\r41 MB of 58 MB · 120 MB/s · 1 s left": the snapshot of a first sync. */
void
_dk_cli_progress_update_bytes (DkCliProgress *progress,
                               guint64        received,
                               guint64        total)
{
  g_autofree char *line = NULL;
  gint64 now;

  if (progress == NULL || progress->bytes_done)
    return;

  now = g_get_monotonic_time ();
  line = dk_sync_progress_describe_bytes (progress->words, now, received, total, NULL);
  progress->bytes_shown = TRUE;
  if (progress_is_due (progress, now, total > 0 && received >= total))
    print_progress (progress, now, line);
}

void
_dk_cli_progress_free (DkCliProgress *progress)
{
  if (progress == NULL)
    return;

  if (progress->printed)
    g_printerr ("\n");

  dk_sync_progress_free (progress->words);
  g_free (progress);
}
