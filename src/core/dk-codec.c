/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-codec.c: the JSON codec of the wire shapes, shared by server and client */

#define G_LOG_DOMAIN "dk-codec"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dk-codec.h"
#include "dk-error.h"
#include "dk-json.h"
#include "dk-priority.h"
#include "dk-protocol.h"
#include "dk-rules.h"

#define SLUG_MAX_CHARS 64

/* Strings are nullable on the wire: _to_json writes unset ones as null. */
#define SHORT_FLAGS DK_JSON_NULLABLE
#define TEXT_FLAGS  (DK_JSON_NULLABLE | DK_JSON_MULTILINE)

/* ---- writing ---- */

static void
set_string (JsonObject *object,
            const char *member,
            const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

static void
set_time (JsonObject *object,
          const char *member,
          gint64      value)
{
  g_autofree char *text = dk_time_format (value);

  set_string (object, member, text);
}

static void
set_strings (JsonObject      *object,
             const char      *member,
             const GPtrArray *strings)
{
  guint n = strings != NULL ? strings->len : 0;
  JsonArray *array = json_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    json_array_add_string_element (array, g_ptr_array_index (strings, i));
  json_object_set_array_member (object, member, array);
}

static JsonNode *
node_from_object (JsonObject *object)
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

typedef enum {
  UNKNOWN_KIND,
  UNKNOWN_AREA,
  UNKNOWN_STATUS,
  UNKNOWN_PHRASE,
  UNKNOWN_PHASE,
  UNKNOWN_STATE,
} UnknownWhat;

/* "kind: unknown kind “x”"; always returns FALSE. */
static gboolean
set_unknown_error (GError      **error,
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
    case UNKNOWN_STATE:
    default:
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: unknown state “%s”"), member,
                   printable);
      break;
    }
  return FALSE;
}

/* An enum member: a string, not null. *out is NULL when it is absent. (transfer none) */
static gboolean
read_name (JsonObject  *object,
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
static gboolean
read_strings (JsonObject  *object,
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

static gboolean
read_revision (JsonObject  *object,
               gint64      *revision,
               GError     **error)
{
  return dk_json_read_int (object, "revision", DK_JSON_OPTIONAL, 0, G_MAXINT64, revision, error);
}

/* The element @index of @array as an object, or an error naming "@member[@index]". */
static JsonObject *
array_object (JsonArray   *array,
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

static gboolean
is_slug (const char *text)
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

static gboolean
is_blank (const char *text)
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

static gboolean
require_text (const char  *value,
              const char  *member,
              GError     **error)
{
  if (!is_blank (value))
    return TRUE;
  g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must not be empty"), member);
  return FALSE;
}

static gboolean
require_uuid (const char  *value,
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
  set_string (object, "id", update->id);
  set_time (object, "at", update->at);
  json_object_set_string_member (object, "phrase", dk_update_phrase_to_string (update->phrase));
  set_string (object, "text", update->text);
  set_string (object, "author", update->author);
  return node_from_object (object);
}

static DkCaseUpdate *
update_from_object (JsonObject  *object,
                    GError     **error)
{
  g_autoptr(DkCaseUpdate) update = dk_case_update_new ();
  const char *phrase = NULL;

  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &update->id, error) ||
      !dk_json_read_time (object, "at", DK_JSON_NULLABLE, &update->at, error) ||
      !read_name (object, "phrase", &phrase, error) ||
      !dk_json_read_string (object, "text", TEXT_FLAGS, DK_MAX_TEXT_CHARS, &update->text, error) ||
      !dk_json_read_string (object, "author", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &update->author,
                            error))
    return NULL;

  if (phrase != NULL && !dk_update_phrase_from_string (phrase, &update->phrase))
    {
      set_unknown_error (error, UNKNOWN_PHRASE, "phrase", phrase);
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

  set_string (object, "id", follow_up->id);
  set_time (object, "at", follow_up->at);
  set_string (object, "text", follow_up->text);
  set_string (object, "author", follow_up->author);
  return node_from_object (object);
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
                            &follow_up->author, error))
    return NULL;

  return g_steal_pointer (&follow_up);
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
  JsonArray *array;
  guint n;

  g_return_val_if_fail (kase != NULL, NULL);

  object = json_object_new ();
  set_string (object, "id", kase->id);
  set_string (object, "number", kase->number);
  json_object_set_string_member (object, "kind", dk_case_kind_to_string (kase->kind));
  json_object_set_string_member (object, "area", dk_area_to_string (kase->area));
  set_string (object, "title", kase->title);
  set_string (object, "description", kase->description);
  set_string (object, "scope", kase->scope);
  set_strings (object, "services", kase->services);
  json_object_set_string_member (object, "status", dk_case_status_to_string (kase->status));
  json_object_set_int_member (object, "priority", kase->priority);
  json_object_set_boolean_member (object, "major", kase->major);
  json_object_set_boolean_member (object, "public", kase->public);
  set_string (object, "external_ref", kase->external_ref);
  set_time (object, "start", kase->start);
  set_time (object, "expected_end", kase->expected_end);
  set_time (object, "closed_at", kase->closed_at);

  n = kase->updates != NULL ? kase->updates->len : 0;
  array = json_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    json_array_add_element (array, dk_case_update_to_json (g_ptr_array_index (kase->updates, i)));
  json_object_set_array_member (object, "updates", array);

  n = kase->follow_ups != NULL ? kase->follow_ups->len : 0;
  array = json_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    json_array_add_element (array, follow_up_to_json (g_ptr_array_index (kase->follow_ups, i)));
  json_object_set_array_member (object, "follow_ups", array);

  set_string (object, "publisher", kase->publisher);
  set_time (object, "created_at", kase->created_at);
  json_object_set_int_member (object, "revision", kase->revision);
  return node_from_object (object);
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
      !read_name (object, "kind", &kind, error) ||
      !read_name (object, "area", &area, error) ||
      !dk_json_read_string (object, "title", SHORT_FLAGS, DK_MAX_TITLE_CHARS, &kase->title,
                            error) ||
      !dk_json_read_string (object, "description", TEXT_FLAGS, DK_MAX_TEXT_CHARS,
                            &kase->description, error) ||
      !dk_json_read_string (object, "scope", TEXT_FLAGS, DK_MAX_TEXT_CHARS, &kase->scope, error) ||
      !read_strings (object, "services", &kase->services, error) ||
      !read_name (object, "status", &status, error) ||
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
      !read_revision (object, &kase->revision, error))
    return NULL;

  if (kind != NULL && !dk_case_kind_from_string (kind, &kase->kind))
    return set_unknown_error (error, UNKNOWN_KIND, "kind", kind), NULL;
  if (area != NULL && !dk_area_from_string (area, &kase->area))
    return set_unknown_error (error, UNKNOWN_AREA, "area", area), NULL;
  if (status != NULL && !dk_case_status_from_string (status, &kase->status))
    return set_unknown_error (error, UNKNOWN_STATUS, "status", status), NULL;
  kase->priority = (int) priority;

  if (!dk_json_read_array (object, "updates", DK_JSON_OPTIONAL, DK_MAX_UPDATES, &array, error))
    return NULL;
  for (guint i = 0, n = array != NULL ? json_array_get_length (array) : 0; i < n; i++)
    {
      JsonObject *item = array_object (array, "updates", i, error);
      DkCaseUpdate *update;

      if (item == NULL)
        return NULL;
      update = update_from_object (item, error);
      if (update == NULL)
        {
          g_prefix_error (error, "updates[%u].", i);
          return NULL;
        }
      g_ptr_array_add (kase->updates, update);
    }

  if (!dk_json_read_array (object, "follow_ups", DK_JSON_OPTIONAL, DK_MAX_LIST_ITEMS, &array,
                           error))
    return NULL;
  for (guint i = 0, n = array != NULL ? json_array_get_length (array) : 0; i < n; i++)
    {
      JsonObject *item = array_object (array, "follow_ups", i, error);
      DkCaseFollowUp *follow_up;

      if (item == NULL)
        return NULL;
      follow_up = follow_up_from_object (item, error);
      if (follow_up == NULL)
        {
          g_prefix_error (error, "follow_ups[%u].", i);
          return NULL;
        }
      g_ptr_array_add (kase->follow_ups, follow_up);
    }

  return g_steal_pointer (&kase);
}

/**
 * dk_case_validate:
 * @kase: a #DkCase
 * @error: return location for a #GError
 *
 * Checks what the shape alone cannot say: the id is a UUID, the title is not empty, at
 * least one service is named, the priority is 1–5, the status is one the kind may have,
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

  if (!require_uuid (kase->id, "id", error))
    return FALSE;
  if ((guint) kase->kind > DK_CASE_KIND_LAST)
    return set_unknown_error (error, UNKNOWN_KIND, "kind", "?");
  if ((guint) kase->area > DK_AREA_LAST)
    return set_unknown_error (error, UNKNOWN_AREA, "area", "?");
  if ((guint) kase->status > DK_CASE_STATUS_LAST)
    return set_unknown_error (error, UNKNOWN_STATUS, "status", "?");
  if (!require_text (kase->title, "title", error))
    return FALSE;
  if (kase->services == NULL || kase->services->len == 0)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must name at least one service"), "services");
      return FALSE;
    }
  for (guint i = 0; i < kase->services->len; i++)
    {
      if (is_blank (g_ptr_array_index (kase->services, i)))
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

          return set_unknown_error (error, UNKNOWN_PHRASE, member, "?");
        }
    }
  return TRUE;
}

/* ---- services ---- */

/**
 * dk_service_to_json:
 * @service: a #DkService
 *
 * Returns: (transfer full): the service in its wire shape
 */
JsonNode *
dk_service_to_json (const DkService *service)
{
  JsonObject *object;

  g_return_val_if_fail (service != NULL, NULL);

  object = json_object_new ();
  set_string (object, "id", service->id);
  set_string (object, "name", service->name);
  json_object_set_string_member (object, "area", dk_area_to_string (service->area));
  set_string (object, "description", service->description);
  json_object_set_int_member (object, "revision", service->revision);
  return node_from_object (object);
}

/**
 * dk_service_from_json:
 * @node: a JSON object in the wire shape of a service
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the service, or %NULL with %DK_ERROR_INVALID
 */
DkService *
dk_service_from_json (JsonNode  *node,
                      GError   **error)
{
  g_autoptr(DkService) service = NULL;
  JsonObject *object;
  const char *area = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = dk_json_expect_object (node, "service", error);
  if (object == NULL)
    return NULL;

  service = dk_service_new ();
  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &service->id, error) ||
      !dk_json_read_string (object, "name", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &service->name,
                            error) ||
      !read_name (object, "area", &area, error) ||
      !dk_json_read_string (object, "description", TEXT_FLAGS, DK_MAX_TEXT_CHARS,
                            &service->description, error) ||
      !read_revision (object, &service->revision, error))
    return NULL;

  if (area != NULL && !dk_area_from_string (area, &service->area))
    return set_unknown_error (error, UNKNOWN_AREA, "area", area), NULL;

  return g_steal_pointer (&service);
}

/**
 * dk_service_validate:
 * @service: a #DkService
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the id is a slug ([a-z0-9-], 1 to 64 characters) and the name is
 *   not empty; %FALSE with %DK_ERROR_INVALID naming the field otherwise
 */
gboolean
dk_service_validate (const DkService  *service,
                     GError          **error)
{
  g_return_val_if_fail (service != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!is_slug (service->id))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must be 1 to 64 lower-case letters a–z, digits and dashes"), "id");
      return FALSE;
    }
  if (!require_text (service->name, "name", error))
    return FALSE;
  if ((guint) service->area > DK_AREA_LAST)
    return set_unknown_error (error, UNKNOWN_AREA, "area", "?");
  return TRUE;
}

/* ---- routines ---- */

static JsonNode *
contact_to_json (const DkContact *contact)
{
  JsonObject *object;

  if (contact == NULL)
    return json_node_new (JSON_NODE_NULL);

  object = json_object_new ();
  set_string (object, "name", contact->name);
  set_string (object, "office_hours", contact->office_hours);
  set_string (object, "on_call", contact->on_call);
  return node_from_object (object);
}

static JsonNode *
routine_step_to_json (const DkRoutineStep *step)
{
  JsonObject *object = json_object_new ();

  set_string (object, "id", step->id);
  json_object_set_string_member (object, "phase", dk_routine_phase_to_string (step->phase));
  set_string (object, "text", step->text);
  set_string (object, "condition", step->condition);
  json_object_set_member (object, "contact", contact_to_json (step->contact));
  set_string (object, "form", step->form);
  return node_from_object (object);
}

static DkRoutineStep *
routine_step_from_object (JsonObject  *object,
                          GError     **error)
{
  g_autoptr(DkRoutineStep) step = dk_routine_step_new ();
  JsonObject *contact = NULL;
  const char *phase = NULL;

  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &step->id, error) ||
      !read_name (object, "phase", &phase, error) ||
      !dk_json_read_string (object, "text", TEXT_FLAGS, DK_MAX_TEXT_CHARS, &step->text, error) ||
      !dk_json_read_string (object, "condition", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &step->condition, error) ||
      !dk_json_read_object (object, "contact", DK_JSON_NULLABLE, &contact, error) ||
      !dk_json_read_string (object, "form", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &step->form, error))
    return NULL;

  if (phase != NULL && !dk_routine_phase_from_string (phase, &step->phase))
    return set_unknown_error (error, UNKNOWN_PHASE, "phase", phase), NULL;

  if (contact != NULL)
    {
      step->contact = dk_contact_new ();
      if (!dk_json_read_string (contact, "name", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                                &step->contact->name, error) ||
          !dk_json_read_string (contact, "office_hours", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                                &step->contact->office_hours, error) ||
          !dk_json_read_string (contact, "on_call", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                                &step->contact->on_call, error))
        {
          g_prefix_error (error, "contact.");
          return NULL;
        }
    }

  return g_steal_pointer (&step);
}

/**
 * dk_routine_to_json:
 * @routine: a #DkRoutine
 *
 * Returns: (transfer full): the routine in its wire shape
 */
JsonNode *
dk_routine_to_json (const DkRoutine *routine)
{
  JsonObject *object;
  JsonArray *steps;
  guint n;

  g_return_val_if_fail (routine != NULL, NULL);

  object = json_object_new ();
  set_string (object, "id", routine->id);
  set_string (object, "title", routine->title);
  set_strings (object, "services", routine->services);
  set_string (object, "audience", routine->audience);
  set_string (object, "owner", routine->owner);
  json_object_set_int_member (object, "revision", routine->revision);
  set_time (object, "approved_at", routine->approved_at);
  set_string (object, "approved_by", routine->approved_by);
  set_time (object, "valid_until", routine->valid_until);

  n = routine->steps != NULL ? routine->steps->len : 0;
  steps = json_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    json_array_add_element (steps, routine_step_to_json (g_ptr_array_index (routine->steps, i)));
  json_object_set_array_member (object, "steps", steps);
  return node_from_object (object);
}

/**
 * dk_routine_from_json:
 * @node: a JSON object in the wire shape of a routine
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the routine, or %NULL with %DK_ERROR_INVALID
 */
DkRoutine *
dk_routine_from_json (JsonNode  *node,
                      GError   **error)
{
  g_autoptr(DkRoutine) routine = NULL;
  JsonObject *object;
  JsonArray *steps = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = dk_json_expect_object (node, "routine", error);
  if (object == NULL)
    return NULL;

  routine = dk_routine_new ();
  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &routine->id,
                            error) ||
      !dk_json_read_string (object, "title", SHORT_FLAGS, DK_MAX_TITLE_CHARS, &routine->title,
                            error) ||
      !read_strings (object, "services", &routine->services, error) ||
      !dk_json_read_string (object, "audience", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &routine->audience, error) ||
      !dk_json_read_string (object, "owner", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &routine->owner,
                            error) ||
      !read_revision (object, &routine->revision, error) ||
      !dk_json_read_time (object, "approved_at", DK_JSON_NULLABLE, &routine->approved_at, error) ||
      !dk_json_read_string (object, "approved_by", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &routine->approved_by, error) ||
      !dk_json_read_time (object, "valid_until", DK_JSON_NULLABLE, &routine->valid_until, error) ||
      !dk_json_read_array (object, "steps", DK_JSON_OPTIONAL, DK_MAX_LIST_ITEMS, &steps, error))
    return NULL;

  for (guint i = 0, n = steps != NULL ? json_array_get_length (steps) : 0; i < n; i++)
    {
      JsonObject *item = array_object (steps, "steps", i, error);
      DkRoutineStep *step;

      if (item == NULL)
        return NULL;
      step = routine_step_from_object (item, error);
      if (step == NULL)
        {
          g_prefix_error (error, "steps[%u].", i);
          return NULL;
        }
      g_ptr_array_add (routine->steps, step);
    }

  return g_steal_pointer (&routine);
}

/**
 * dk_routine_validate:
 * @routine: a #DkRoutine
 * @error: return location for a #GError
 *
 * Checks that the id is a UUID or a slug, the title is not empty, there is at least one
 * step, every step has a unique, non-empty id and some text, and every condition is well
 * formed.
 *
 * Returns: %TRUE when @routine is valid; %FALSE with %DK_ERROR_INVALID naming the field
 */
gboolean
dk_routine_validate (const DkRoutine  *routine,
                     GError          **error)
{
  g_autoptr(GHashTable) seen = NULL;

  g_return_val_if_fail (routine != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!dk_is_uuid (routine->id) && !is_slug (routine->id))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must be a UUID or 1 to 64 lower-case letters a–z, digits and dashes"),
                   "id");
      return FALSE;
    }
  if (!require_text (routine->title, "title", error))
    return FALSE;
  if (routine->steps == NULL || routine->steps->len == 0)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must have at least one step"),
                   "steps");
      return FALSE;
    }

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < routine->steps->len; i++)
    {
      const DkRoutineStep *step = g_ptr_array_index (routine->steps, i);
      g_autofree char *prefix = g_strdup_printf ("steps[%u].", i);

      if (is_blank (step->id))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must not be empty"), "id");
          g_prefix_error (error, "%s", prefix);
          return FALSE;
        }
      if (!g_hash_table_add (seen, step->id))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                       _("%s: “%s” is used by another step"), "id", step->id);
          g_prefix_error (error, "%s", prefix);
          return FALSE;
        }
      if ((guint) step->phase > DK_ROUTINE_PHASE_LAST)
        {
          set_unknown_error (error, UNKNOWN_PHASE, "phase", "?");
          g_prefix_error (error, "%s", prefix);
          return FALSE;
        }
      if (!require_text (step->text, "text", error) ||
          !dk_routine_condition_validate (step->condition, error))
        {
          g_prefix_error (error, "%s", prefix);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- runs ---- */

static JsonNode *
run_step_to_json (const DkRunStep *step)
{
  JsonObject *object = json_object_new ();

  set_string (object, "step", step->step);
  json_object_set_boolean_member (object, "done", step->done);
  set_string (object, "by", step->by);
  set_time (object, "at", step->at);
  set_string (object, "note", step->note);
  return node_from_object (object);
}

static DkRunStep *
run_step_from_object (JsonObject  *object,
                      GError     **error)
{
  g_autoptr(DkRunStep) step = dk_run_step_new ();

  if (!dk_json_read_string (object, "step", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &step->step,
                            error) ||
      !dk_json_read_bool (object, "done", DK_JSON_OPTIONAL, &step->done, error) ||
      !dk_json_read_string (object, "by", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &step->by, error) ||
      !dk_json_read_time (object, "at", DK_JSON_NULLABLE, &step->at, error) ||
      !dk_json_read_string (object, "note", TEXT_FLAGS, DK_MAX_TEXT_CHARS, &step->note, error))
    return NULL;

  return g_steal_pointer (&step);
}

/**
 * dk_run_to_json:
 * @run: a #DkRun
 *
 * Returns: (transfer full): the run in its wire shape (the case id as "case")
 */
JsonNode *
dk_run_to_json (const DkRun *run)
{
  JsonObject *object;
  JsonArray *steps;
  guint n;

  g_return_val_if_fail (run != NULL, NULL);

  object = json_object_new ();
  set_string (object, "id", run->id);
  set_string (object, "routine", run->routine);
  set_string (object, "unit", run->unit);
  set_string (object, "case", run->case_id);
  set_string (object, "started_by", run->started_by);
  set_time (object, "started_at", run->started_at);
  set_time (object, "finished_at", run->finished_at);

  n = run->steps != NULL ? run->steps->len : 0;
  steps = json_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    json_array_add_element (steps, run_step_to_json (g_ptr_array_index (run->steps, i)));
  json_object_set_array_member (object, "steps", steps);

  json_object_set_int_member (object, "revision", run->revision);
  return node_from_object (object);
}

/**
 * dk_run_from_json:
 * @node: a JSON object in the wire shape of a run
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the run, or %NULL with %DK_ERROR_INVALID
 */
DkRun *
dk_run_from_json (JsonNode  *node,
                  GError   **error)
{
  g_autoptr(DkRun) run = NULL;
  JsonObject *object;
  JsonArray *steps = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = dk_json_expect_object (node, "run", error);
  if (object == NULL)
    return NULL;

  run = dk_run_new ();
  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &run->id, error) ||
      !dk_json_read_string (object, "routine", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &run->routine,
                            error) ||
      !dk_json_read_string (object, "unit", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &run->unit, error) ||
      !dk_json_read_string (object, "case", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &run->case_id,
                            error) ||
      !dk_json_read_string (object, "started_by", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &run->started_by, error) ||
      !dk_json_read_time (object, "started_at", DK_JSON_NULLABLE, &run->started_at, error) ||
      !dk_json_read_time (object, "finished_at", DK_JSON_NULLABLE, &run->finished_at, error) ||
      !read_revision (object, &run->revision, error) ||
      !dk_json_read_array (object, "steps", DK_JSON_OPTIONAL, DK_MAX_LIST_ITEMS, &steps, error))
    return NULL;

  for (guint i = 0, n = steps != NULL ? json_array_get_length (steps) : 0; i < n; i++)
    {
      JsonObject *item = array_object (steps, "steps", i, error);
      DkRunStep *step;

      if (item == NULL)
        return NULL;
      step = run_step_from_object (item, error);
      if (step == NULL)
        {
          g_prefix_error (error, "steps[%u].", i);
          return NULL;
        }
      g_ptr_array_add (run->steps, step);
    }

  return g_steal_pointer (&run);
}

/**
 * dk_run_validate:
 * @run: a #DkRun
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the id is a UUID, the routine and unit are named and every step
 *   state names its step; %FALSE with %DK_ERROR_INVALID naming the field otherwise
 */
gboolean
dk_run_validate (const DkRun  *run,
                 GError      **error)
{
  g_return_val_if_fail (run != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!require_uuid (run->id, "id", error) ||
      !require_text (run->routine, "routine", error) ||
      !require_text (run->unit, "unit", error))
    return FALSE;

  for (guint i = 0; run->steps != NULL && i < run->steps->len; i++)
    {
      const DkRunStep *step = g_ptr_array_index (run->steps, i);

      if (!require_text (step->step, "step", error))
        {
          g_prefix_error (error, "steps[%u].", i);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- reports ---- */

/**
 * dk_report_to_json:
 * @report: a #DkReport
 *
 * Returns: (transfer full): the report in its wire shape
 */
JsonNode *
dk_report_to_json (const DkReport *report)
{
  JsonObject *object;

  g_return_val_if_fail (report != NULL, NULL);

  object = json_object_new ();
  set_string (object, "id", report->id);
  set_string (object, "number", report->number);
  json_object_set_string_member (object, "kind", dk_report_kind_to_string (report->kind));
  set_string (object, "service", report->service);
  set_string (object, "unit", report->unit);
  set_string (object, "reporter", report->reporter);
  set_string (object, "contact", report->contact);
  set_string (object, "description", report->description);
  json_object_set_string_member (object, "state", dk_report_state_to_string (report->state));
  set_string (object, "users", report->users);
  set_string (object, "computers", report->computers);
  set_string (object, "servers", report->servers);
  set_string (object, "competence", report->competence);
  set_string (object, "mobile", report->mobile);
  set_string (object, "created_by", report->created_by);
  set_time (object, "created_at", report->created_at);
  json_object_set_int_member (object, "revision", report->revision);
  return node_from_object (object);
}

/**
 * dk_report_from_json:
 * @node: a JSON object in the wire shape of a report
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the report, or %NULL with %DK_ERROR_INVALID
 */
DkReport *
dk_report_from_json (JsonNode  *node,
                     GError   **error)
{
  g_autoptr(DkReport) report = NULL;
  JsonObject *object;
  const char *kind = NULL, *state = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = dk_json_expect_object (node, "report", error);
  if (object == NULL)
    return NULL;

  report = dk_report_new ();
  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &report->id, error) ||
      !dk_json_read_string (object, "number", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &report->number,
                            error) ||
      !read_name (object, "kind", &kind, error) ||
      !dk_json_read_string (object, "service", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &report->service, error) ||
      !dk_json_read_string (object, "unit", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &report->unit,
                            error) ||
      !dk_json_read_string (object, "reporter", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &report->reporter, error) ||
      !dk_json_read_string (object, "contact", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &report->contact, error) ||
      !dk_json_read_string (object, "description", TEXT_FLAGS, DK_MAX_TEXT_CHARS,
                            &report->description, error) ||
      !read_name (object, "state", &state, error) ||
      !dk_json_read_string (object, "users", TEXT_FLAGS, DK_MAX_TEXT_CHARS, &report->users,
                            error) ||
      !dk_json_read_string (object, "computers", TEXT_FLAGS, DK_MAX_TEXT_CHARS,
                            &report->computers, error) ||
      !dk_json_read_string (object, "servers", TEXT_FLAGS, DK_MAX_TEXT_CHARS, &report->servers,
                            error) ||
      !dk_json_read_string (object, "competence", TEXT_FLAGS, DK_MAX_TEXT_CHARS,
                            &report->competence, error) ||
      !dk_json_read_string (object, "mobile", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &report->mobile,
                            error) ||
      !dk_json_read_string (object, "created_by", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &report->created_by, error) ||
      !dk_json_read_time (object, "created_at", DK_JSON_NULLABLE, &report->created_at, error) ||
      !read_revision (object, &report->revision, error))
    return NULL;

  if (kind != NULL && !dk_report_kind_from_string (kind, &report->kind))
    return set_unknown_error (error, UNKNOWN_KIND, "kind", kind), NULL;
  if (state != NULL && !dk_report_state_from_string (state, &report->state))
    return set_unknown_error (error, UNKNOWN_STATE, "state", state), NULL;

  return g_steal_pointer (&report);
}

/**
 * dk_report_validate:
 * @report: a #DkReport
 * @error: return location for a #GError
 *
 * Checks that the id is a UUID and the service, unit, reporter and description are not
 * empty; an urgent case also needs a way to reach the contact (contact or mobile).
 *
 * Returns: %TRUE when @report is valid; %FALSE with %DK_ERROR_INVALID naming the field
 */
gboolean
dk_report_validate (const DkReport  *report,
                    GError         **error)
{
  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!require_uuid (report->id, "id", error) ||
      !require_text (report->service, "service", error) ||
      !require_text (report->unit, "unit", error) ||
      !require_text (report->reporter, "reporter", error) ||
      !require_text (report->description, "description", error))
    return FALSE;

  if ((guint) report->kind > DK_REPORT_KIND_LAST)
    return set_unknown_error (error, UNKNOWN_KIND, "kind", "?");
  if ((guint) report->state > DK_REPORT_STATE_LAST)
    return set_unknown_error (error, UNKNOWN_STATE, "state", "?");

  if (report->kind == DK_REPORT_KIND_URGENT && is_blank (report->mobile) &&
      is_blank (report->contact))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: an urgent case needs the contact’s mobile number"), "mobile");
      return FALSE;
    }
  return TRUE;
}

/* ---- subscriptions ---- */

/**
 * dk_subscription_to_json:
 * @subscription: a #DkSubscription
 *
 * Returns: (transfer full): the subscription as a JSON object
 */
JsonNode *
dk_subscription_to_json (const DkSubscription *subscription)
{
  JsonObject *object;

  g_return_val_if_fail (subscription != NULL, NULL);

  object = json_object_new ();
  set_string (object, "id", subscription->id);
  set_string (object, "user", subscription->user);
  set_strings (object, "areas", subscription->areas);
  set_strings (object, "services", subscription->services);
  set_strings (object, "kinds", subscription->kinds);
  json_object_set_int_member (object, "min_priority", subscription->min_priority);
  json_object_set_boolean_member (object, "major_only", subscription->major_only);
  json_object_set_boolean_member (object, "all_crisis", subscription->all_crisis);
  json_object_set_boolean_member (object, "notify", subscription->notify);
  json_object_set_int_member (object, "revision", subscription->revision);
  return node_from_object (object);
}

/* Checks that every name in @names is known to @is_known; error names "@member[i]". */
static gboolean
check_names (const GPtrArray  *names,
             const char       *member,
             gboolean        (*is_known) (const char *name),
             UnknownWhat       what,
             GError          **error)
{
  for (guint i = 0; names != NULL && i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      if (!is_known (name))
        {
          g_autofree char *item = g_strdup_printf ("%s[%u]", member, i);

          return set_unknown_error (error, what, item, name);
        }
    }
  return TRUE;
}

static gboolean
is_area_name (const char *name)
{
  DkArea area;

  return dk_area_from_string (name, &area);
}

static gboolean
is_kind_name (const char *name)
{
  DkCaseKind kind;

  return dk_case_kind_from_string (name, &kind);
}

/**
 * dk_subscription_from_json:
 * @node: a JSON object in the shape of a subscription
 * @error: return location for a #GError
 *
 * Absent members take the defaults of dk_subscription_new_default() (but id and user
 * stay %NULL).
 *
 * Returns: (transfer full) (nullable): the subscription, or %NULL with %DK_ERROR_INVALID
 */
DkSubscription *
dk_subscription_from_json (JsonNode  *node,
                           GError   **error)
{
  g_autoptr(DkSubscription) subscription = NULL;
  JsonObject *object;
  gint64 min_priority;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = dk_json_expect_object (node, "subscription", error);
  if (object == NULL)
    return NULL;

  subscription = dk_subscription_new_default (NULL);
  min_priority = subscription->min_priority;
  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &subscription->id,
                            error) ||
      !dk_json_read_string (object, "user", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &subscription->user, error) ||
      !read_strings (object, "areas", &subscription->areas, error) ||
      !read_strings (object, "services", &subscription->services, error) ||
      !read_strings (object, "kinds", &subscription->kinds, error) ||
      !dk_json_read_int (object, "min_priority", DK_JSON_OPTIONAL, DK_PRIORITY_HIGHEST,
                         DK_PRIORITY_LOWEST, &min_priority, error) ||
      !dk_json_read_bool (object, "major_only", DK_JSON_OPTIONAL, &subscription->major_only,
                          error) ||
      !dk_json_read_bool (object, "all_crisis", DK_JSON_OPTIONAL, &subscription->all_crisis,
                          error) ||
      !dk_json_read_bool (object, "notify", DK_JSON_OPTIONAL, &subscription->notify, error) ||
      !read_revision (object, &subscription->revision, error))
    return NULL;
  subscription->min_priority = (int) min_priority;

  if (!check_names (subscription->areas, "areas", is_area_name, UNKNOWN_AREA,
                    error) ||
      !check_names (subscription->kinds, "kinds", is_kind_name, UNKNOWN_KIND,
                    error))
    return NULL;

  return g_steal_pointer (&subscription);
}

/**
 * dk_subscription_validate:
 * @subscription: a #DkSubscription
 * @error: return location for a #GError
 *
 * Returns: %TRUE when min_priority is 1–5 and every area and kind name is known;
 *   %FALSE with %DK_ERROR_INVALID naming the field otherwise
 */
gboolean
dk_subscription_validate (const DkSubscription  *subscription,
                          GError               **error)
{
  g_return_val_if_fail (subscription != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!dk_priority_is_valid (subscription->min_priority))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be between %lld and %lld"),
                   "min_priority", (long long) DK_PRIORITY_HIGHEST,
                   (long long) DK_PRIORITY_LOWEST);
      return FALSE;
    }
  return check_names (subscription->areas, "areas", is_area_name, UNKNOWN_AREA,
                      error) &&
         check_names (subscription->kinds, "kinds", is_kind_name, UNKNOWN_KIND,
                      error);
}
