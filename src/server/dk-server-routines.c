/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-routines.c: GET /api/v1/routines/ID/revisions[/REV], the kept revisions
 * of a routine */

#define G_LOG_DOMAIN "dk-server"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-server-private.h"

/* ---- GET /api/v1/routines/ID/revisions[/REV]: the kept revisions of a routine ----
 *
 * Who sees which revision (the same rule as the change feed's routine objects):
 *   routine_owner, admin   every kept revision, drafts included
 *   anyone else            approved revisions only (anonymous callers too: an approved
 *                          routine is public); a draft answers 404 as if it were not
 *                          there, so nobody learns what is being written
 * The list is {"revisions": [routine, ...]}, oldest first; one revision is the routine.
 */

static gboolean
revision_is_approved (const char *text)
{
  g_autoptr(JsonNode) node = dk_json_parse (text, -1, NULL);
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  return json_object_has_member (object, "approved_at") &&
         !json_object_get_null_member (object, "approved_at");
}

static void
reply_revision_list (SoupServerMessage *msg,
                     GPtrArray         *revisions,
                     gboolean           drafts)
{
  g_autoptr(GString) out = g_string_new ("{\"revisions\":[");
  g_autoptr(GBytes) bytes = NULL;
  guint n = 0;

  for (guint i = 0; i < revisions->len; i++)
    {
      const char *text = g_ptr_array_index (revisions, i);

      if (!drafts && !revision_is_approved (text))
        continue;
      if (n++ > 0)
        g_string_append_c (out, ',');
      g_string_append (out, text);
    }
  if (n == 0)
    {
      _dk_server_reply_error_code (msg, DK_ERROR_NOT_FOUND, _("There is no routine with that id"));
      return;
    }

  g_string_append (out, "]}");
  bytes = g_string_free_to_bytes (g_steal_pointer (&out));
  _dk_server_reply_bytes (msg, SOUP_STATUS_OK, DK_SERVER_JSON_TYPE, bytes);
}

static void
reply_one_revision (DkServer          *self,
                    SoupServerMessage *msg,
                    const char        *id,
                    const char        *revision_text,
                    gboolean           drafts)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint64 revision = 0;
  gsize length;

  if (!g_ascii_string_to_unsigned (revision_text, 10, 1, G_MAXINT64, &revision, NULL))
    {
      _dk_server_reply_error_code (msg, DK_ERROR_INVALID,
                                   _("revision: must be a whole number from 1"));
      return;
    }

  text = dk_server_db_get_routine_revision (self->db, id, (gint64) revision, &error);
  if (error != NULL)
    {
      _dk_server_reply_error (msg, error);
      return;
    }
  if (text == NULL || (!drafts && !revision_is_approved (text)))
    {
      g_autofree char *message = g_strdup_printf (_("The routine “%s” has no revision %lld"),
                                                  id, (long long) revision);

      _dk_server_reply_error_code (msg, DK_ERROR_NOT_FOUND, message);
      return;
    }

  length = strlen (text);
  bytes = g_bytes_new_take (g_steal_pointer (&text), length);
  _dk_server_reply_bytes (msg, SOUP_STATUS_OK, DK_SERVER_JSON_TYPE, bytes);
}

void
_dk_server_routines_cb (SoupServer        *soup,
                        SoupServerMessage *msg,
                        const char        *path,
                        GHashTable        *query,
                        gpointer           user_data)
{
  DkServer *self = DK_SERVER (user_data);
  g_auto(Caller) caller = { NULL, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) revisions = NULL;
  g_auto(GStrv) parts = NULL;
  guint n_parts;
  gboolean drafts;

  if (!_dk_server_check_method (msg, "GET"))
    return;

  /* /api/v1/routines/<id>/revisions[/<revision>] */
  parts = g_strsplit (path + strlen (DK_API_PREFIX "/routines/"), "/", -1);
  n_parts = g_strv_length (parts);
  if ((n_parts != 2 && n_parts != 3) || g_strcmp0 (parts[1], "revisions") != 0 ||
      *parts[0] == '\0' || (n_parts == 3 && *parts[2] == '\0'))
    {
      _dk_server_reply_not_found (msg);
      return;
    }

  if (!_dk_server_resolve_caller (self, msg, &caller, &error))
    {
      _dk_server_reply_error (msg, error);
      return;
    }
  drafts = caller.username != NULL && dk_rules_check_may_edit_routines (caller.roles, NULL);

  if (n_parts == 3)
    {
      reply_one_revision (self, msg, parts[0], parts[2], drafts);
      return;
    }

  revisions = dk_server_db_list_routine_revisions (self->db, parts[0], &error);
  if (revisions == NULL)
    {
      _dk_server_reply_error (msg, error);
      return;
    }
  reply_revision_list (msg, revisions, drafts);
}
