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
  gint64  started;        /* monotonic µs */
  gint64  start_cursor;
  gint64  last_printed;   /* monotonic µs */
  gboolean printed;       /* a line without its newline is on stderr */
  /* the snapshot's bytes, before the cases of the tail */
  gint64  bytes_started;  /* monotonic µs of the first "snapshot-progress", or 0 */
  guint64 bytes_first;    /* received then: a resumed download starts far in */
  gboolean bytes_done;    /* the cases' line has begun; the bytes' is finished */
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

char *
_dk_cli_format_count (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, digits[i]);
    }

  return g_string_free (out, FALSE);
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
  progress->started = g_get_monotonic_time ();
  progress->start_cursor = start_cursor;

  return progress;
}

/* "\r12 400 cases · 3 100/s · 25 s left", at most a few times a second, and only when
 * more than what one sync does in an instant remains. */
void
_dk_cli_progress_update (DkCliProgress *progress,
                         guint64        objects_applied,
                         gint64         cursor,
                         gint64         newest_seq)
{
  g_autofree char *count = NULL;
  g_autofree char *rate_text = NULL;
  g_autofree char *left_text = NULL;
  g_autofree char *cases_text = NULL;
  g_autofree char *per_second = NULL;
  gint64 now;
  double elapsed;
  double rate;
  double seq_rate;

  if (progress == NULL)
    return;

  now = g_get_monotonic_time ();
  /* After a snapshot the tail is a line of its own, timed from where it began: the
   * snapshot moved the cursor far in no time. */
  if (progress->bytes_started != 0 && !progress->bytes_done)
    {
      if (progress->printed)
        g_printerr ("\n");
      progress->printed = FALSE;
      progress->bytes_done = TRUE;
      progress->started = now;
      progress->start_cursor = cursor;
    }
  elapsed = (now - progress->started) / (double) G_USEC_PER_SEC;
  if (cursor >= newest_seq && !progress->printed)
    return;  /* done before it was worth a line */
  if (progress->printed && now - progress->last_printed < G_USEC_PER_SEC / 4
      && cursor < newest_seq)
    return;

  rate = elapsed > 0.05 ? objects_applied / elapsed : 0;
  seq_rate = elapsed > 0.05 ? (cursor - progress->start_cursor) / elapsed : 0;

  count = _dk_cli_format_count (objects_applied);
  rate_text = _dk_cli_format_count ((guint64) rate);
  if (cursor >= newest_seq)
    left_text = g_strdup (_("done"));
  else if (seq_rate > 0)
    {
      guint seconds = (guint) MIN ((newest_seq - cursor) / seq_rate + 0.5, G_MAXUINT / 2);

      if (seconds >= 120)
        /* Translators: time left of a sync, in minutes */
        left_text = g_strdup_printf (_("%u min left"), (seconds + 30) / 60);
      else
        /* Translators: time left of a sync, in seconds */
        left_text = g_strdup_printf (_("%u s left"), seconds);
    }
  else
    left_text = g_strdup ("…");

  /* Translators: the progress line of a sync: "12 400 cases · 3 100/s · 25 s left" */
  cases_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s case", "%s cases",
                                             objects_applied), count);
  /* Translators: a rate, "3 100/s" */
  per_second = g_strdup_printf (_("%s/s"), rate_text);
  g_printerr ("\r\033[K%s · %s · %s", cases_text, per_second, left_text);
  progress->printed = TRUE;
  progress->last_printed = now;
}

/* "41 MB" in whole megabytes (10^6 bytes); below one, "350 kB" (never "0 kB" for
 * something): a small snapshot is not "1 MB of 1 MB". (transfer full) */
static char *
format_megabytes (guint64 bytes)
{
  g_autofree char *count = NULL;

  if (bytes < 999500)
    {
      count = _dk_cli_format_count (MAX ((bytes + 500) / 1000, bytes > 0 ? 1 : 0));
      /* Translators: a size in kilobytes (10^3 bytes), "350 kB" */
      return g_strdup_printf (_("%s kB"), count);
    }
  count = _dk_cli_format_count ((bytes + 500000) / 1000000);
  /* Translators: a size in megabytes (10^6 bytes), "41 MB" */
  return g_strdup_printf (_("%s MB"), count);
}

/* "\r41 MB of 58 MB · 120 MB/s · 1 s left": the snapshot of a first sync, at most a
 * few times a second, and the last one always. */
void
_dk_cli_progress_update_bytes (DkCliProgress *progress,
                               guint64        received,
                               guint64        total)
{
  g_autofree char *received_text = NULL;
  g_autofree char *amount = NULL;
  g_autofree char *left_text = NULL;
  g_autoptr(GString) line = NULL;
  gint64 now;
  double elapsed;
  double rate;
  gboolean last;

  if (progress == NULL || progress->bytes_done)
    return;

  now = g_get_monotonic_time ();
  if (progress->bytes_started == 0)
    {
      progress->bytes_started = now;
      progress->bytes_first = received;
    }
  last = total > 0 && received >= total;
  if (progress->printed && now - progress->last_printed < G_USEC_PER_SEC / 4 && !last)
    return;

  elapsed = (now - progress->bytes_started) / (double) G_USEC_PER_SEC;
  rate = elapsed > 0.05 ? (received - MIN (received, progress->bytes_first)) / elapsed : 0;

  received_text = format_megabytes (received);
  if (total > 0)
    {
      g_autofree char *total_text = format_megabytes (total);

      /* Translators: the part of a download that has arrived, "41 MB of 58 MB" */
      amount = g_strdup_printf (_("%s of %s"), received_text, total_text);
    }
  else
    amount = g_strdup (received_text);

  /* What cannot be known yet (a rate within the first instant, the time left without a
   * total) is left out rather than guessed. */
  line = g_string_new (amount);
  if (rate > 0)
    {
      g_autofree char *megabytes = format_megabytes ((guint64) rate);
      /* Translators: a rate, "120 MB/s" */
      g_autofree char *per_second = g_strdup_printf (_("%s/s"), megabytes);

      g_string_append_printf (line, " · %s", per_second);
    }
  if (last)
    left_text = g_strdup (_("done"));
  else if (total > 0 && rate > 0)
    {
      guint seconds = (guint) MIN ((total - received) / rate + 0.5, G_MAXUINT / 2);

      if (seconds >= 120)
        left_text = g_strdup_printf (_("%u min left"), (seconds + 30) / 60);
      else
        left_text = g_strdup_printf (_("%u s left"), seconds);
    }
  if (left_text != NULL)
    g_string_append_printf (line, " · %s", left_text);

  g_printerr ("\r\033[K%s", line->str);
  progress->printed = TRUE;
  progress->last_printed = now;
}

void
_dk_cli_progress_free (DkCliProgress *progress)
{
  if (progress == NULL)
    return;

  if (progress->printed)
    g_printerr ("\n");

  g_free (progress);
}
