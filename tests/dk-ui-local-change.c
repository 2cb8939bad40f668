/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-ui-local-change.c: a change made on a desktop while it is offline, for the UI tests
 * that need one the app's own windows do not make (an edit of a case's fields):
 *
 *   dk-ui-local-change DATA_DIR edit CASE JSON      dk_local_edit_case (), checked as the
 *                                                   app checks it
 *   dk-ui-local-change DATA_DIR raw-edit CASE JSON  the same case.edit enqueued without the
 *                                                   client's checks, as an older or broken
 *                                                   client might send it: the server judges
 *
 * The change is committed to the data dir's outbox; the app sends it on its next sync.
 */

#include "config.h"

#include <stdio.h>

#include "dk-data-dir.h"
#include "dk-local-changes.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DkStore) store = NULL;
  g_autoptr(DkCase) kase = NULL;
  g_autoptr(JsonNode) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *me = NULL;
  gboolean ok;

  if (argc != 5)
    {
      fprintf (stderr, "usage: %s DATA_DIR edit|raw-edit CASE JSON\n", argv[0]);
      return 2;
    }

  store = dk_data_dir_open_store (argv[1], &error);
  if (store != NULL)
    changes = json_from_string (argv[4], &error);
  if (changes != NULL && !JSON_NODE_HOLDS_OBJECT (changes))
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "JSON: not an object");
  if (error != NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  me = dk_store_dup_meta (store, "username");

  if (g_str_equal (argv[2], "edit"))
    ok = dk_local_edit_case (store, argv[3], json_node_get_object (changes), me,
                             dk_time_now (), &error);
  else if (g_str_equal (argv[2], "raw-edit"))
    {
      g_autoptr(JsonNode) local = NULL;
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      kase = dk_store_get_case (store, argv[3], &error);
      if (kase == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      local = dk_case_to_json (kase);
      json_object_iter_init (&iter, json_node_get_object (changes));
      while (json_object_iter_next (&iter, &name, &node))
        json_object_set_member (json_node_get_object (local), name, json_node_copy (node));
      json_object_set_string_member (json_node_get_object (changes), "id", kase->id);
      ok = dk_store_enqueue (store, "case.edit", DK_TYPE_NAME_CASE, kase->id, kase->revision,
                             changes, local, NULL, &error);
    }
  else
    {
      fprintf (stderr, "%s: unknown change “%s”\n", argv[0], argv[2]);
      return 2;
    }

  if (!ok)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  return 0;
}
