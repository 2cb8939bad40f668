/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-apply.c: the replica's side of a first sync, without a server or a network
 *
 *   bench-apply CASES.jsonl [PAGE_SIZE] [REPLICA.db]
 *
 * Wraps the cases of CASES.jsonl (as shared/bench/gen-cases.py writes them) in pages of
 * GET /changes (PAGE_SIZE changes a page, 2500 unless given, as the sync engine asks),
 * then for each page parses the wire text the way the sync engine does
 * (dk_json_doc_parse ()) and applies it with dk_store_apply_page () to an empty replica
 * (a new file in a temporary folder unless REPLICA.db is given; it must not exist).
 * Prints the seconds spent parsing and applying, cases/s, the replica's size, the bytes
 * written and the process's peak RSS (which includes the whole file, read at once).
 * Nothing is asserted: this measures, the tests check.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "dk-store.h"

static long
peak_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmHWM:");
  return line != NULL ? strtol (line + 6, NULL, 10) : -1;
}

/* Bytes this process has written (write(2) and friends), from /proc/self/io. */
static double
written_mb (void)
{
  g_autofree char *io = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/io", &io, NULL, NULL))
    return -1;
  line = strstr (io, "wchar:");
  return line != NULL ? g_ascii_strtod (line + 6, NULL) / 1e6 : -1;
}

/* The body of one page, as driftkoll-server writes it. */
static GString *
build_page (char  **lines,
            guint   first,
            guint   count,
            gint64 *seq,
            gboolean more)
{
  GString *page = g_string_new ("{\"changes\":[");

  for (guint i = 0; i < count; i++)
    {
      const char *line = lines[first + i];
      const char *id = strstr (line, "\"id\":\"");
      const char *id_end = id != NULL ? strchr (id + 6, '"') : NULL;

      if (id == NULL || id_end == NULL)
        g_error ("line %u has no id", first + i + 1);
      (*seq)++;
      if (i > 0)
        g_string_append_c (page, ',');
      g_string_append_printf (page, "{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"case\",\"id\":\"",
                              *seq);
      g_string_append_len (page, id + 6, id_end - (id + 6));
      g_string_append (page, "\",\"deleted\":false,\"data\":");
      g_string_append (page, line);
      g_string_append_c (page, '}');
    }
  g_string_append_printf (page, "],\"last_seq\":%" G_GINT64_FORMAT ",\"more\":%s}", *seq,
                          more ? "true" : "false");
  return page;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(DkStore) store = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  double parse_seconds = 0, apply_seconds = 0, total;
  guint page_size = 2500, n = 0;
  gint64 seq = 0;
  GStatBuf st;

  if (argc < 2 || argc > 4)
    {
      g_printerr ("usage: %s CASES.jsonl [PAGE_SIZE] [REPLICA.db]\n", argv[0]);
      return 2;
    }
  if (argc >= 3)
    page_size = MAX (1, (guint) g_ascii_strtoull (argv[2], NULL, 10));

  if (!g_file_get_contents (argv[1], &contents, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  lines = g_strsplit (contents, "\n", -1);
  g_clear_pointer (&contents, g_free);
  while (lines[n] != NULL && lines[n][0] != '\0')
    n++;

  if (argc == 4)
    path = g_strdup (argv[3]);
  else
    {
      dir = g_dir_make_tmp ("bench-apply-XXXXXX", &error);
      if (dir == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      path = g_build_filename (dir, "replica.db", NULL);
    }
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_printerr ("%s exists: the bench needs an empty replica\n", path);
      return 1;
    }
  store = dk_store_open (path, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  for (guint first = 0; first < n; first += page_size)
    {
      guint count = MIN (page_size, n - first);
      g_autoptr(GString) wire = build_page (lines, first, count, &seq, first + count < n);
      g_autoptr(GBytes) bytes = g_string_free_to_bytes (g_steal_pointer (&wire));
      g_autoptr(DkJsonDoc) doc = NULL;
      g_autoptr(DkStoreSearchTexts) texts = NULL;
      guint changes;

      g_timer_start (timer);
      doc = dk_json_doc_parse (bytes, &error);
      if (doc == NULL)
        {
          g_printerr ("page at line %u: %s\n", first + 1, error->message);
          return 1;
        }
      changes = dk_json_doc_member (doc, 0, "changes");
      /* As the sync engine does, in its parse thread. */
      texts = dk_store_search_texts_new (doc, changes);
      parse_seconds += g_timer_elapsed (timer, NULL);

      g_timer_start (timer);
      if (!dk_store_apply_page_with_texts (store, doc, changes, seq, texts, &error))
        {
          g_printerr ("page at line %u: %s\n", first + 1, error->message);
          return 1;
        }
      apply_seconds += g_timer_elapsed (timer, NULL);
    }

  total = parse_seconds + apply_seconds;
  g_stat (path, &st);
  printf ("{\"cases\": %u, \"page_size\": %u, \"parse_seconds\": %.3f, "
          "\"apply_seconds\": %.3f, \"seconds\": %.3f, \"cases_per_s\": %.0f, "
          "\"replica_mb\": %.0f, \"written_mb\": %.0f, \"peak_rss_mb\": %.0f}\n",
          n, page_size, parse_seconds, apply_seconds, total, n / total,
          st.st_size / 1e6, written_mb (), peak_rss_kb () / 1024.0);

  g_clear_object (&store);
  if (dir != NULL)
    {
      const char *suffixes[] = { "", "-wal", "-shm" };

      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
          g_remove (file);
        }
      g_rmdir (dir);
    }
  return 0;
}
