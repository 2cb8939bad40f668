/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-codec.c: JSON wire shapes of the domain types: shared readers and writers, cases */

#define G_LOG_DOMAIN "dk-codec"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dk-codec-private.h"
#include "dk-error.h"
#include "dk-json.h"
#include "dk-priority.h"
#include "dk-protocol.h"
#include "dk-rules.h"

#define SLUG_MAX_CHARS 64

/* ---- writing ---- */

void
_dk_codec_set_string (JsonObject *object,
                      const char *member,
                      const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

void
_dk_codec_set_time (JsonObject *object,
                    const char *member,
                    gint64      value)
{
  g_autofree char *text = dk_time_format (value);

  _dk_codec_set_string (object, member, text);
}

void
_dk_codec_set_received_at (JsonObject *object,
                           gint64      value)
{
  if (value != DK_TIME_UNSET)
    _dk_codec_set_time (object, "received_at", value);
}

gboolean
_dk_codec_read_received_at (JsonObject  *object,
                            gint64      *out,
                            GError     **error)
{
  *out = DK_TIME_UNSET;
  return dk_json_read_time (object, "received_at", DK_JSON_NULLABLE, out, error);
}

void
_dk_codec_set_strings (JsonObject      *object,
                       const char      *member,
                       const GPtrArray *strings)
{
  guint n = strings != NULL ? strings->len : 0;
  JsonArray *array = json_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    json_array_add_string_element (array, g_ptr_array_index (strings, i));
  json_object_set_array_member (object, member, array);
}

/* Sets @member to an array of @items (which may be NULL), each written by @to_json. */
void
_dk_codec_set_items (JsonObject       *object,
                     const char       *member,
                     const GPtrArray  *items,
                     DkCodecWriteItem  to_json)
{
  guint n = items != NULL ? items->len : 0;
  JsonArray *array = json_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    json_array_add_element (array, to_json (g_ptr_array_index (items, i)));
  json_object_set_array_member (object, member, array);
}

JsonNode *
_dk_codec_node_from_object (JsonObject *object)
{
  JsonNode *node = json_node_alloc ();

  json_node_init_object (node, object);
  json_object_unref (object);
  return node;
}

/* ---- reading ---- */

/* Text of a bad value fit for an error message: clean, one line, not too long. */
static char *
dup_printable (const char *value)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *valid = g_utf8_make_valid (value, -1);
  guint n = 0;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (n == 40)
        {
          g_string_append (out, "…");
          break;
        }
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* "kind: unknown kind “x”"; always returns FALSE. */
gboolean
_dk_codec_set_unknown_error (GError      **error,
                             UnknownWhat   what,
                             const char   *member,
                             const char   *value)
{
  g_autofree char *printable = dup_printable (value != NULL ? value : "");

  switch (what)
    {
    case UNKNOWN_KIND:
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: unknown kind “%s”"), member,
                   printable);
      break;
    case UNKNOWN_AREA:
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: unknown area “%s”"), member,
                   printable);
      break;
    case UNKNOWN_STATUS:
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: unknown status “%s”"), member,
                   printable);
      break;
    case UNKNOWN_PHRASE:
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: unknown phrase “%s”"), member,
                   printable);
      break;
    case UNKNOWN_PHASE:
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: unknown phase “%s”"), member,
                   printable);
      break;
    case UNKNOWN_ACTION:
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: unknown action “%s”"), member,
                   printable);
      break;
    case UNKNOWN_ROLE:
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: unknown role “%s”"), member,
                   printable);
      break;
    case UNKNOWN_STATE:
    default:
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: unknown state “%s”"), member,
                   printable);
      break;
    }
  return FALSE;
}

/* An enum member: a string, not null. *out is NULL when it is absent. (transfer none) */
gboolean
_dk_codec_read_name (JsonObject  *object,
                     const char  *member,
                     const char **out,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be a string"), member);
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

/* Replaces *@strings by the member's array, when present. */
gboolean
_dk_codec_read_strings (JsonObject  *object,
                        const char  *member,
                        GPtrArray  **strings,
                        GError     **error)
{
  GPtrArray *array = NULL;

  if (!dk_json_read_string_array (object, member, DK_JSON_OPTIONAL, DK_MAX_LIST_ITEMS,
                                  DK_MAX_SHORT_CHARS, &array, error))
    return FALSE;

  if (array != NULL)
    {
      g_clear_pointer (strings, g_ptr_array_unref);
      *strings = array;
    }
  return TRUE;
}

gboolean
_dk_codec_read_revision (JsonObject  *object,
                         gint64      *revision,
                         GError     **error)
{
  return dk_json_read_int (object, "revision", DK_JSON_OPTIONAL, 0, G_MAXINT64, revision, error);
}

/* The element @index of @array as an object, or an error naming "@member[@index]". */
JsonObject *
_dk_codec_array_object (JsonArray   *array,
                        const char  *member,
                        guint        index,
                        GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s[%u]: must be an object"),
                   member, index);
      return NULL;
    }
  return json_node_get_object (node);
}

/* Reads each item of @array (the member @member; %NULL when it was absent) with
 * @from_object and adds it to @items; an error names the item ("updates[2].text: …"). */
gboolean
_dk_codec_read_items (JsonArray        *array,
                      const char       *member,
                      DkCodecReadItem   from_object,
                      GPtrArray        *items,
                      GError          **error)
{
  for (guint i = 0, n = array != NULL ? json_array_get_length (array) : 0; i < n; i++)
    {
      JsonObject *item = _dk_codec_array_object (array, member, i, error);
      gpointer read;

      if (item == NULL)
        return FALSE;
      read = from_object (item, error);
      if (read == NULL)
        {
          g_prefix_error (error, "%s[%u].", member, i);
          return FALSE;
        }
      g_ptr_array_add (items, read);
    }

  return TRUE;
}

gboolean
_dk_codec_is_slug (const char *text)
{
  gsize n = 0;

  if (text == NULL)
    return FALSE;
  for (; text[n] != '\0'; n++)
    {
      char c = text[n];

      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
        return FALSE;
    }
  return n >= 1 && n <= SLUG_MAX_CHARS;
}

gboolean
_dk_codec_is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }
  return TRUE;
}

gboolean
_dk_codec_require_text (const char  *value,
                        const char  *member,
                        GError     **error)
{
  if (!_dk_codec_is_blank (value))
    return TRUE;
  g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must not be empty"), member);
  return FALSE;
}

gboolean
_dk_codec_require_uuid (const char  *value,
                        const char  *member,
                        GError     **error)
{
  if (dk_is_uuid (value))
    return TRUE;
  g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
               _("%s: must be a lower-case UUID such as 0b6c1f4e-8a3d-4c56-9e7f-2d1a5b8c9e0f"),
               member);
  return FALSE;
}


/* ---- cases ---- */

/**
 * dk_case_update_to_json:
 * @update: an update
 *
 * Returns: (transfer full): the update as a JSON object
 */
JsonNode *
dk_case_update_to_json (const DkCaseUpdate *update)
{
  JsonObject *object;

  g_return_val_if_fail (update != NULL, NULL);

  object = json_object_new ();
  _dk_codec_set_string (object, "id", update->id);
  _dk_codec_set_time (object, "at", update->at);
  json_object_set_string_member (object, "phrase", dk_update_phrase_to_string (update->phrase));
  _dk_codec_set_string (object, "text", update->text);
  _dk_codec_set_string (object, "author", update->author);
  _dk_codec_set_received_at (object, update->received_at);
  return _dk_codec_node_from_object (object);
}

static DkCaseUpdate *
update_from_object (JsonObject  *object,
                    GError     **error)
{
  g_autoptr(DkCaseUpdate) update = dk_case_update_new ();
  const char *phrase = NULL;

  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &update->id, error) ||
      !dk_json_read_time (object, "at", DK_JSON_NULLABLE, &update->at, error) ||
      !_dk_codec_read_name (object, "phrase", &phrase, error) ||
      !dk_json_read_string (object, "text", TEXT_FLAGS, DK_MAX_TEXT_CHARS, &update->text, error) ||
      !dk_json_read_string (object, "author", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &update->author,
                            error) ||
      !_dk_codec_read_received_at (object, &update->received_at, error))
    return NULL;

  if (phrase != NULL && !dk_update_phrase_from_string (phrase, &update->phrase))
    {
      _dk_codec_set_unknown_error (error, UNKNOWN_PHRASE, "phrase", phrase);
      return NULL;
    }

  return g_steal_pointer (&update);
}

/**
 * dk_case_update_from_json:
 * @node: a JSON object
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the update, or %NULL with %DK_ERROR_INVALID
 */
DkCaseUpdate *
dk_case_update_from_json (JsonNode  *node,
                          GError   **error)
{
  JsonObject *object;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = dk_json_expect_object (node, "update", error);
  if (object == NULL)
    return NULL;
  return update_from_object (object, error);
}

static JsonNode *
follow_up_to_json (const DkCaseFollowUp *follow_up)
{
  JsonObject *object = json_object_new ();

  _dk_codec_set_string (object, "id", follow_up->id);
  _dk_codec_set_time (object, "at", follow_up->at);
  _dk_codec_set_string (object, "text", follow_up->text);
  _dk_codec_set_string (object, "author", follow_up->author);
  _dk_codec_set_received_at (object, follow_up->received_at);
  return _dk_codec_node_from_object (object);
}

static DkCaseFollowUp *
follow_up_from_object (JsonObject  *object,
                       GError     **error)
{
  g_autoptr(DkCaseFollowUp) follow_up = dk_case_follow_up_new ();

  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &follow_up->id,
                            error) ||
      !dk_json_read_time (object, "at", DK_JSON_NULLABLE, &follow_up->at, error) ||
      !dk_json_read_string (object, "text", TEXT_FLAGS, DK_MAX_TEXT_CHARS, &follow_up->text,
                            error) ||
      !dk_json_read_string (object, "author", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &follow_up->author, error) ||
      !_dk_codec_read_received_at (object, &follow_up->received_at, error))
    return NULL;

  return g_steal_pointer (&follow_up);
}

static JsonNode *
affected_to_json (const DkCaseAffected *affected)
{
  JsonObject *object = json_object_new ();

  _dk_codec_set_string (object, "unit", affected->unit);
  _dk_codec_set_time (object, "at", affected->at);
  _dk_codec_set_string (object, "by", affected->by);
  _dk_codec_set_received_at (object, affected->received_at);
  return _dk_codec_node_from_object (object);
}

static DkCaseAffected *
affected_from_object (JsonObject  *object,
                      GError     **error)
{
  g_autoptr(DkCaseAffected) affected = dk_case_affected_new ();

  if (!dk_json_read_string (object, "unit", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &affected->unit,
                            error) ||
      !dk_json_read_time (object, "at", DK_JSON_NULLABLE, &affected->at, error) ||
      !dk_json_read_string (object, "by", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &affected->by, error) ||
      !_dk_codec_read_received_at (object, &affected->received_at, error))
    return NULL;

  return g_steal_pointer (&affected);
}

/* The wire names of DkCaseReserveEvent.declared. */
#define RESERVE_DECLARED "declared"
#define RESERVE_LIFTED   "lifted"

static JsonNode *
reserve_event_to_json (const DkCaseReserveEvent *event)
{
  JsonObject *object = json_object_new ();

  _dk_codec_set_string (object, "id", event->id);
  _dk_codec_set_time (object, "at", event->at);
  json_object_set_string_member (object, "action",
                                 event->declared ? RESERVE_DECLARED : RESERVE_LIFTED);
  json_object_set_boolean_member (object, "all_units", event->all_units);
  _dk_codec_set_strings (object, "units", event->units);
  _dk_codec_set_string (object, "author", event->author);
  _dk_codec_set_string (object, "text", event->text);
  _dk_codec_set_received_at (object, event->received_at);
  return _dk_codec_node_from_object (object);
}

/**
 * dk_case_reserve_action_from_string:
 * @str: (nullable): "declared" or "lifted"
 * @declared: (out): whether it declares the reserve routine in force
 *
 * Returns: %FALSE for any other name
 */
gboolean
dk_case_reserve_action_from_string (const char *str,
                                    gboolean   *declared)
{
  if (g_strcmp0 (str, RESERVE_DECLARED) == 0)
    *declared = TRUE;
  else if (g_strcmp0 (str, RESERVE_LIFTED) == 0)
    *declared = FALSE;
  else
    return FALSE;
  return TRUE;
}

static DkCaseReserveEvent *
reserve_event_from_object (JsonObject  *object,
                           GError     **error)
{
  g_autoptr(DkCaseReserveEvent) event = dk_case_reserve_event_new ();
  const char *action = NULL;

  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &event->id, error) ||
      !dk_json_read_time (object, "at", DK_JSON_NULLABLE, &event->at, error) ||
      !_dk_codec_read_name (object, "action", &action, error) ||
      !dk_json_read_bool (object, "all_units", DK_JSON_OPTIONAL, &event->all_units, error) ||
      !_dk_codec_read_strings (object, "units", &event->units, error) ||
      !dk_json_read_string (object, "author", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &event->author,
                            error) ||
      !dk_json_read_string (object, "text", TEXT_FLAGS, DK_MAX_TEXT_CHARS, &event->text, error) ||
      !_dk_codec_read_received_at (object, &event->received_at, error))
    return NULL;

  if (action != NULL && !dk_case_reserve_action_from_string (action, &event->declared))
    return _dk_codec_set_unknown_error (error, UNKNOWN_ACTION, "action", action), NULL;

  return g_steal_pointer (&event);
}

/**
 * dk_case_to_json:
 * @kase: a #DkCase
 *
 * Returns: (transfer full): the case in its wire shape
 */
JsonNode *
dk_case_to_json (const DkCase *kase)
{
  JsonObject *object;

  g_return_val_if_fail (kase != NULL, NULL);

  object = json_object_new ();
  _dk_codec_set_string (object, "id", kase->id);
  _dk_codec_set_string (object, "number", kase->number);
  json_object_set_string_member (object, "kind", dk_case_kind_to_string (kase->kind));
  json_object_set_string_member (object, "area", dk_area_to_string (kase->area));
  _dk_codec_set_string (object, "title", kase->title);
  _dk_codec_set_string (object, "description", kase->description);
  _dk_codec_set_string (object, "scope", kase->scope);
  _dk_codec_set_strings (object, "services", kase->services);
  json_object_set_string_member (object, "status", dk_case_status_to_string (kase->status));
  json_object_set_int_member (object, "priority", kase->priority);
  json_object_set_boolean_member (object, "major", kase->major);
  json_object_set_boolean_member (object, "public", kase->public);
  _dk_codec_set_string (object, "external_ref", kase->external_ref);
  _dk_codec_set_time (object, "start", kase->start);
  _dk_codec_set_time (object, "expected_end", kase->expected_end);
  _dk_codec_set_time (object, "closed_at", kase->closed_at);

  _dk_codec_set_items (object, "updates", kase->updates,
                       (DkCodecWriteItem) dk_case_update_to_json);
  _dk_codec_set_items (object, "follow_ups", kase->follow_ups,
                       (DkCodecWriteItem) follow_up_to_json);
  _dk_codec_set_items (object, "affected", kase->affected,
                       (DkCodecWriteItem) affected_to_json);
  _dk_codec_set_items (object, "reserve", kase->reserve,
                       (DkCodecWriteItem) reserve_event_to_json);
  _dk_codec_set_strings (object, "reports", kase->reports);

  _dk_codec_set_string (object, "publisher", kase->publisher);
  _dk_codec_set_time (object, "created_at", kase->created_at);
  _dk_codec_set_received_at (object, kase->received_at);
  json_object_set_int_member (object, "revision", kase->revision);
  return _dk_codec_node_from_object (object);
}

/**
 * dk_case_from_json:
 * @node: a JSON object in the wire shape of a case
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the case, or %NULL with %DK_ERROR_INVALID
 */
DkCase *
dk_case_from_json (JsonNode  *node,
                   GError   **error)
{
  g_autoptr(DkCase) kase = NULL;
  JsonObject *object;
  JsonArray *array = NULL;
  GPtrArray *reports = NULL;
  const char *kind = NULL, *area = NULL, *status = NULL;
  gint64 priority;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = dk_json_expect_object (node, "case", error);
  if (object == NULL)
    return NULL;

  kase = dk_case_new ();
  priority = kase->priority;

  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &kase->id, error) ||
      !dk_json_read_string (object, "number", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &kase->number,
                            error) ||
      !_dk_codec_read_name (object, "kind", &kind, error) ||
      !_dk_codec_read_name (object, "area", &area, error) ||
      !dk_json_read_string (object, "title", SHORT_FLAGS, DK_MAX_TITLE_CHARS, &kase->title,
                            error) ||
      !dk_json_read_string (object, "description", TEXT_FLAGS, DK_MAX_TEXT_CHARS,
                            &kase->description, error) ||
      !dk_json_read_string (object, "scope", TEXT_FLAGS, DK_MAX_TEXT_CHARS, &kase->scope, error) ||
      !_dk_codec_read_strings (object, "services", &kase->services, error) ||
      !_dk_codec_read_name (object, "status", &status, error) ||
      !dk_json_read_int (object, "priority", DK_JSON_OPTIONAL, DK_PRIORITY_HIGHEST, DK_PRIORITY_LOWEST,
                         &priority, error) ||
      !dk_json_read_bool (object, "major", DK_JSON_OPTIONAL, &kase->major, error) ||
      !dk_json_read_bool (object, "public", DK_JSON_OPTIONAL, &kase->public, error) ||
      !dk_json_read_string (object, "external_ref", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &kase->external_ref, error) ||
      !dk_json_read_time (object, "start", DK_JSON_NULLABLE, &kase->start, error) ||
      !dk_json_read_time (object, "expected_end", DK_JSON_NULLABLE, &kase->expected_end, error) ||
      !dk_json_read_time (object, "closed_at", DK_JSON_NULLABLE, &kase->closed_at, error) ||
      !dk_json_read_string (object, "publisher", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &kase->publisher, error) ||
      !dk_json_read_time (object, "created_at", DK_JSON_NULLABLE, &kase->created_at, error) ||
      !_dk_codec_read_received_at (object, &kase->received_at, error) ||
      !_dk_codec_read_revision (object, &kase->revision, error))
    return NULL;

  if (kind != NULL && !dk_case_kind_from_string (kind, &kase->kind))
    return _dk_codec_set_unknown_error (error, UNKNOWN_KIND, "kind", kind), NULL;
  if (area != NULL && !dk_area_from_string (area, &kase->area))
    return _dk_codec_set_unknown_error (error, UNKNOWN_AREA, "area", area), NULL;
  if (status != NULL && !dk_case_status_from_string (status, &kase->status))
    return _dk_codec_set_unknown_error (error, UNKNOWN_STATUS, "status", status), NULL;
  kase->priority = (int) priority;

  /* The history takes any length: its limits hold when something is added (see
   * DK_MAX_UPDATES); a stored case is read whole, however long it grew. */
  if (!dk_json_read_array (object, "updates", DK_JSON_OPTIONAL, G_MAXUINT, &array, error) ||
      !_dk_codec_read_items (array, "updates", (DkCodecReadItem) update_from_object,
                             kase->updates, error))
    return NULL;

  if (!dk_json_read_array (object, "follow_ups", DK_JSON_OPTIONAL, G_MAXUINT, &array,
                           error) ||
      !_dk_codec_read_items (array, "follow_ups", (DkCodecReadItem) follow_up_from_object,
                             kase->follow_ups, error))
    return NULL;

  if (!dk_json_read_array (object, "affected", DK_JSON_OPTIONAL, G_MAXUINT, &array,
                           error) ||
      !_dk_codec_read_items (array, "affected", (DkCodecReadItem) affected_from_object,
                             kase->affected, error))
    return NULL;

  if (!dk_json_read_array (object, "reserve", DK_JSON_OPTIONAL, G_MAXUINT, &array,
                           error) ||
      !_dk_codec_read_items (array, "reserve", (DkCodecReadItem) reserve_event_from_object,
                             kase->reserve, error))
    return NULL;

  if (!dk_json_read_string_array (object, "reports", DK_JSON_OPTIONAL, G_MAXUINT,
                                  DK_MAX_SHORT_CHARS, &reports, error))
    return NULL;
  if (reports != NULL)
    {
      g_ptr_array_unref (kase->reports);
      kase->reports = reports;
    }

  return g_steal_pointer (&kase);
}

/* ---- reading what can be read ---- */

/* The members of a case that list items, salvaged item by item. */
static const char * const case_item_members[] = {
  "updates", "follow_ups", "affected", "reserve", NULL
};

/* Whether a case of only @member = @value (and an id that reads) reads. */
static gboolean
case_member_reads (const char *member,
                   JsonNode   *value)
{
  g_autoptr(JsonObject) probe = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(DkCase) kase = NULL;

  json_object_set_string_member (probe, "id", "unread");
  json_object_set_member (probe, member, json_node_copy (value));
  json_node_set_object (node, probe);
  kase = dk_case_from_json (node, NULL);
  return kase != NULL;
}

/* The items of @array that read, each alone; *n_dropped counts the others. */
static JsonNode *
salvage_items (const char *member,
               JsonArray  *array,
               guint      *n_dropped)
{
  JsonArray *kept = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0, n = json_array_get_length (array); i < n; i++)
    {
      g_autoptr(JsonArray) one = json_array_new ();
      g_autoptr(JsonNode) one_node = json_node_new (JSON_NODE_ARRAY);
      JsonNode *item = json_array_get_element (array, i);

      json_array_add_element (one, json_node_copy (item));
      json_node_set_array (one_node, one);
      if (case_member_reads (member, one_node))
        json_array_add_element (kept, json_node_copy (item));
      else
        (*n_dropped)++;
    }

  json_node_take_array (node, kept);
  return node;
}

/**
 * dk_case_from_json_partial:
 * @node: a stored case in the wire shape
 * @error: return location for a #GError
 *
 * A client never hides a case it cannot fully read (issue 13): what a newer server sent
 * (a phrase this version does not know), or what an older rule let in, must not make
 * the case vanish from lists, search and its page. This reads the case as
 * dk_case_from_json () does and, when that refuses, reads each member alone and each
 * item of the history alone, keeps what reads and names the rest in kase->unread.
 *
 * Returns: (transfer full) (nullable): the case; %NULL with %DK_ERROR_INVALID only when
 *   @node is not an object, or does not read whole and has no id
 */
DkCase *
dk_case_from_json_partial (JsonNode  *node,
                           GError   **error)
{
  g_autoptr(GError) whole_error = NULL;
  g_autoptr(JsonObject) kept = NULL;
  g_autoptr(JsonNode) kept_node = NULL;
  g_autoptr(GString) left_out = g_string_new (NULL);
  DkCase *kase;
  JsonObject *object;
  JsonObjectIter iter;
  const char *member, *id;
  JsonNode *value;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kase = dk_case_from_json (node, &whole_error);
  if (kase != NULL)
    return kase;

  object = dk_json_expect_object (node, "case", error);
  if (object == NULL)
    return NULL;
  id = json_object_get_string_member_with_default (object, "id", NULL);
  if (id == NULL || *id == '\0')
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, "%s", whole_error->message);
      return NULL;
    }

  kept = json_object_new ();
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &member, &value))
    {
      guint n_dropped = 0;

      if (g_str_equal (member, "id"))
        continue;
      if (g_strv_contains (case_item_members, member) && JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *array = json_node_get_array (value);

          json_object_set_member (kept, member, salvage_items (member, array, &n_dropped));
          if (n_dropped > 0)
            g_string_append_printf (left_out, "%s%s (%u/%u)", left_out->len > 0 ? ", " : "",
                                    member, n_dropped, json_array_get_length (array));
        }
      else if (case_member_reads (member, value))
        json_object_set_member (kept, member, json_node_copy (value));
      else
        g_string_append_printf (left_out, "%s%s", left_out->len > 0 ? ", " : "", member);
    }

  /* The id as it is, even one this version would refuse: it is the case's name here. */
  json_object_set_string_member (kept, "id", "unread");
  kept_node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (kept_node, kept);
  kase = dk_case_from_json (kept_node, NULL);
  if (kase == NULL)
    kase = dk_case_new ();
  g_free (kase->id);
  kase->id = g_strdup (id);
  if (kase->title == NULL)
    kase->title = g_strdup (_("(the title could not be read)"));

  /* Translators: shown on a case a client could read only in part; the first %s lists
   * the parts left out ("updates (1/1001), title"), the second is the reason */
  kase->unread = g_strdup_printf (_("Parts of this case could not be read: %s (%s)"),
                                  left_out->len > 0 ? left_out->str : "?",
                                  whole_error->message);
  return kase;
}

/**
 * dk_case_validate:
 * @kase: a #DkCase
 * @error: return location for a #GError
 *
 * Checks what the shape alone cannot say: the id is a UUID, the title is not empty, at
 * least one service is named (crisis information may name none: a weather warning
 * affects no service), the priority is 1–5, the status is one the kind may have,
 * the expected end is not before the start, and closed_at is set exactly when the case
 * is closed.
 *
 * Returns: %TRUE when @kase is valid; %FALSE with %DK_ERROR_INVALID naming the field
 */
gboolean
dk_case_validate (const DkCase  *kase,
                  GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (kase != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_dk_codec_require_uuid (kase->id, "id", error))
    return FALSE;
  if ((guint) kase->kind > DK_CASE_KIND_LAST)
    return _dk_codec_set_unknown_error (error, UNKNOWN_KIND, "kind", "?");
  if ((guint) kase->area > DK_AREA_LAST)
    return _dk_codec_set_unknown_error (error, UNKNOWN_AREA, "area", "?");
  if ((guint) kase->status > DK_CASE_STATUS_LAST)
    return _dk_codec_set_unknown_error (error, UNKNOWN_STATUS, "status", "?");
  if (!_dk_codec_require_text (kase->title, "title", error))
    return FALSE;
  if (kase->kind != DK_CASE_KIND_CRISIS && (kase->services == NULL || kase->services->len == 0))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must name at least one service"), "services");
      return FALSE;
    }
  for (guint i = 0; kase->services != NULL && i < kase->services->len; i++)
    {
      if (_dk_codec_is_blank (g_ptr_array_index (kase->services, i)))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s[%u]: must not be empty"),
                       "services", i);
          return FALSE;
        }
    }
  if (!dk_priority_is_valid (kase->priority))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be between %lld and %lld"),
                   "priority", (long long) DK_PRIORITY_HIGHEST, (long long) DK_PRIORITY_LOWEST);
      return FALSE;
    }
  if (!dk_rules_check_status_for_kind (kase->kind, kase->status, &local_error))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, "status: %s", local_error->message);
      return FALSE;
    }
  if (kase->start != DK_TIME_UNSET && kase->expected_end != DK_TIME_UNSET &&
      kase->expected_end < kase->start)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must not be before the start"),
                   "expected_end");
      return FALSE;
    }
  if (kase->status == DK_CASE_STATUS_CLOSED && kase->closed_at == DK_TIME_UNSET)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must be set when the case is closed"), "closed_at");
      return FALSE;
    }
  if (kase->status != DK_CASE_STATUS_CLOSED && kase->closed_at != DK_TIME_UNSET)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must not be set while the case is open"), "closed_at");
      return FALSE;
    }
  for (guint i = 0; kase->updates != NULL && i < kase->updates->len; i++)
    {
      const DkCaseUpdate *update = g_ptr_array_index (kase->updates, i);

      if ((guint) update->phrase > DK_UPDATE_PHRASE_LAST)
        {
          g_autofree char *member = g_strdup_printf ("updates[%u].phrase", i);

          return _dk_codec_set_unknown_error (error, UNKNOWN_PHRASE, member, "?");
        }
    }
  for (guint i = 0; kase->affected != NULL && i < kase->affected->len; i++)
    {
      const DkCaseAffected *affected = g_ptr_array_index (kase->affected, i);

      if (_dk_codec_is_blank (affected->unit))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s[%u].%s: must not be empty"),
                       "affected", i, "unit");
          return FALSE;
        }
    }
  for (guint i = 0; kase->reserve != NULL && i < kase->reserve->len; i++)
    {
      const DkCaseReserveEvent *event = g_ptr_array_index (kase->reserve, i);

      if (event->declared && !event->all_units &&
          (event->units == NULL || event->units->len == 0))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                       _("%s[%u].%s: must name at least one unit, or all units"),
                       "reserve", i, "units");
          return FALSE;
        }
      for (guint j = 0; event->units != NULL && j < event->units->len; j++)
        {
          if (_dk_codec_is_blank (g_ptr_array_index (event->units, j)))
            {
              g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                           _("%s[%u].%s[%u]: must not be empty"), "reserve", i, "units", j);
              return FALSE;
            }
        }
    }
  for (guint i = 0; kase->reports != NULL && i < kase->reports->len; i++)
    {
      if (_dk_codec_is_blank (g_ptr_array_index (kase->reports, i)))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s[%u]: must not be empty"),
                       "reports", i);
          return FALSE;
        }
    }
  return TRUE;
}
