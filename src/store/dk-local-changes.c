/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-local-changes.c: what a user does, as outbox entries with optimistic local versions;
 * here what the operations share, a report and a subscription
 *
 * Each operation builds the mutation's data exactly as the server's operation reads it
 * (src/server/dk-server-mutations*.c) and the object as the server will make it, so the
 * local version that shows until the answer is what the user will then see.
 */

#define G_LOG_DOMAIN "dk-local-changes"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-local-changes-private.h"

/* ---- report.create ---- */

/**
 * dk_local_create_report:
 * @store: a #DkStore
 * @report: the new report; its id is set here when it has none
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the report is in the outbox
 */
gboolean
dk_local_create_report (DkStore     *store,
                        DkReport    *report,
                        const char  *me,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(DkReport) local = NULL;
  g_autoptr(DkReport) checked = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(JsonNode) local_node = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (report->id == NULL)
    report->id = g_uuid_string_random ();

  local = dk_report_copy (report);
  g_clear_pointer (&local->number, g_free);
  local->state = DK_REPORT_STATE_NEW;
  g_free (local->created_by);
  local->created_by = g_strdup (me);
  local->created_at = now;
  local->revision = 0;
  if (!dk_report_validate (local, error))
    return FALSE;

  /* read back the way the server reads it: lengths and characters refused now */
  data = dk_report_to_json (local);
  checked = dk_report_from_json (data, error);
  if (checked == NULL)
    return FALSE;
  _dk_local_remove_members (data, "number", "revision", NULL);
  local_node = dk_report_to_json (local);

  return _dk_store_enqueue_at (store, now, "report.create", DK_TYPE_NAME_REPORT, local->id, 0,
                               data, local_node, NULL, error);
}

/* ---- subscription.set ---- */

/**
 * dk_local_set_subscription:
 * @store: a #DkStore
 * @subscription: what the user follows
 * @me: the logged-in username
 * @now: the current time
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the change is in the outbox
 */
gboolean
dk_local_set_subscription (DkStore         *store,
                           DkSubscription  *subscription,
                           const char      *me,
                           gint64           now,
                           GError         **error)
{
  g_autoptr(DkSubscription) local = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(JsonNode) local_node = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), FALSE);
  g_return_val_if_fail (subscription != NULL, FALSE);
  g_return_val_if_fail (me != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The server names it and owns the user and the revision; last writer wins. */
  local = dk_subscription_copy (subscription);
  g_free (local->id);
  local->id = g_strdup_printf ("sub:%s", me);
  g_free (local->user);
  local->user = g_strdup (me);
  if (!dk_subscription_validate (local, error))
    return FALSE;

  data = dk_subscription_to_json (local);
  _dk_local_remove_members (data, "id", "user", "revision", NULL);
  local_node = dk_subscription_to_json (local);

  return _dk_store_enqueue_at (store, now, "subscription.set", DK_TYPE_NAME_SUBSCRIPTION,
                               local->id, local->revision, data, local_node, NULL, error);
}

/* ---- what the operations share (dk-local-changes-private.h) ---- */

gboolean
_dk_local_is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isspace (*p))
        return FALSE;
    }

  return TRUE;
}

gboolean
_dk_local_check_text (const char  *text,
                      const char  *member,
                      gboolean     required,
                      gsize        max_chars,
                      GError     **error)
{
  if (text == NULL || _dk_local_is_blank (text))
    {
      if (!required)
        return TRUE;
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must not be empty"), member);
      return FALSE;
    }
  if (!g_utf8_validate (text, -1, NULL) || !dk_text_is_clean (text, TRUE))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must not hold control characters"), member);
      return FALSE;
    }
  if (g_utf8_strlen (text, -1) > (glong) max_chars)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must be at most %u characters"), member, (guint) max_chars);
      return FALSE;
    }

  return TRUE;
}

JsonNode *
_dk_local_node_from_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/* The data of a mutation on one object: the object's id; the operation adds the rest. */
JsonObject *
_dk_local_new_data (const char *id)
{
  JsonObject *data = json_object_new ();

  json_object_set_string_member (data, "id", id);
  return data;
}

/* Takes the members the server owns (a NULL-terminated list) out of an object's JSON. */
void
_dk_local_remove_members (JsonNode *node,
                          ...)
{
  JsonObject *object = json_node_get_object (node);
  va_list members;

  va_start (members, node);
  for (const char *member = va_arg (members, const char *); member != NULL;
       member = va_arg (members, const char *))
    json_object_remove_member (object, member);
  va_end (members);
}

/* The case as it shows; NOT_FOUND from the store when there is none. */
DkCase *
_dk_local_load_case (DkStore     *store,
                     const char  *id_or_number,
                     GError     **error)
{
  g_return_val_if_fail (id_or_number != NULL, NULL);

  return dk_store_get_case (store, id_or_number, error);
}
