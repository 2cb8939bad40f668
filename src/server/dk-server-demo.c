/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-demo.c: the demo data (demo/demo.json, compiled in), loaded relative to now */

#define G_LOG_DOMAIN "dk-server-demo"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-server-auth.h"
#include "dk-server-import.h"
#include "dk-server-objects.h"
#include "dk-server-resources.h"

#define DEMO_RESOURCE_PATH "/io/github/driftkoll/Driftkoll/server/demo.json"
#define DEMO_PASSWORD      "demo"
#define DEMO_MAX_ITEMS     1000

/* Members that hold times, written in demo.json as offsets from now. */
static const char * const time_members[] = {
  "start", "expected_end", "closed_at", "at", "approved_at", "valid_until",
  "created_at", "started_at", "finished_at", "updated_at", NULL,
};

/* Parses an offset such as "-3h", "+9d", "-1d2h30m", "-2y" or "now" into seconds. */
static gboolean
parse_offset (const char *text,
              gint64     *out)
{
  const char *p = text;
  gint64 sign;
  gint64 total = 0;

  if (g_strcmp0 (text, "now") == 0)
    {
      *out = 0;
      return TRUE;
    }
  if (*p != '+' && *p != '-')
    return FALSE;
  sign = *p == '-' ? -1 : 1;
  p++;
  if (*p == '\0')
    return FALSE;

  while (*p != '\0')
    {
      gint64 amount = 0;
      gint64 unit;

      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        {
          amount = amount * 10 + (*p - '0');
          if (amount > 1000000)
            return FALSE;
          p++;
        }
      switch (*p)
        {
        case 's':
          unit = 1;
          break;
        case 'm':
          unit = 60;
          break;
        case 'h':
          unit = 3600;
          break;
        case 'd':
          unit = 24 * 3600;
          break;
        case 'w':
          unit = 7 * 24 * 3600;
          break;
        case 'y':
          unit = 365 * 24 * 3600;
          break;
        default:
          return FALSE;
        }
      p++;
      total += amount * unit;
    }

  *out = sign * total;
  return TRUE;
}

/* Rewrites every time member of the tree from an offset into RFC 3339. */
static gboolean
resolve_times (JsonNode  *node,
               gint64     now,
               GError   **error)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!resolve_times (json_array_get_element (array, i), now, error))
          return FALSE;
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &member))
        {
          if (g_strv_contains (time_members, name)
              && JSON_NODE_HOLDS_VALUE (member)
              && json_node_get_value_type (member) == G_TYPE_STRING)
            {
              const char *text = json_node_get_string (member);
              g_autofree char *formatted = NULL;
              gint64 offset;

              if (!parse_offset (text, &offset))
                {
                  g_set_error (error, DK_ERROR, DK_ERROR_FAILED,
                               "demo.json: %s: “%s” is not an offset such as -3h or +9d",
                               name, text);
                  return FALSE;
                }
              formatted = dk_time_format (now + offset);
              json_node_set_string (member, formatted);
            }
          else if (!resolve_times (member, now, error))
            {
              return FALSE;
            }
        }
    }

  return TRUE;
}

/* A UUID made from @seed (name-based, SHA-1), so that every load gives the same ids. */
static char *
derive_uuid (const char *seed)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);
  const char *hex;

  g_checksum_update (checksum, (const guchar *) "driftkoll-demo/", -1);
  g_checksum_update (checksum, (const guchar *) seed, -1);
  hex = g_checksum_get_string (checksum);

  return g_strdup_printf ("%.8s-%.4s-5%.3s-%c%.3s-%.12s",
                          hex, hex + 8, hex + 13,
                          "89ab"[g_ascii_xdigit_value (hex[16]) & 3], hex + 17,
                          hex + 20);
}

/* Gives @object an "id" derived from @seed when it has none. */
static void
ensure_id (JsonObject *object,
           const char *seed)
{
  g_autofree char *id = NULL;

  if (json_object_has_member (object, "id"))
    return;
  id = derive_uuid (seed);
  json_object_set_string_member (object, "id", id);
}

static JsonArray *
get_array (JsonObject  *root,
           const char  *member,
           GError     **error)
{
  JsonArray *array = NULL;

  if (!dk_json_read_array (root, member, DK_JSON_REQUIRED, DEMO_MAX_ITEMS, &array, error))
    return NULL;
  return array;
}

static JsonObject *
get_object (JsonArray   *array,
            guint        index,
            const char  *what,
            GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);
  g_autofree char *name = g_strdup_printf ("demo.json: %s[%u]", what, index);

  return dk_json_expect_object (node, name, error);
}

/* The demo user who publishes a case of @kind in @area. */
static const char *
publisher_for (DkCaseKind kind,
               DkArea     area)
{
  switch (kind)
    {
    case DK_CASE_KIND_CRISIS:
      return dk_role_to_string (DK_ROLE_CRISIS_COMMUNICATOR);
    case DK_CASE_KIND_PLANNED:
      return dk_role_to_string (DK_ROLE_RELEASE_COORDINATOR);
    case DK_CASE_KIND_INCIDENT:
    default:
      break;
    }

  switch (area)
    {
    case DK_AREA_LAB_MEDICINE:
      return dk_role_to_string (DK_ROLE_LAB_COMMUNICATOR);
    case DK_AREA_FACILITIES:
      return dk_role_to_string (DK_ROLE_CUSTOMER_CENTER);
    case DK_AREA_IT_TELEPHONY:
    default:
      return dk_role_to_string (DK_ROLE_SERVICEDESK);
    }
}

static gboolean
check_services_known (GPtrArray   *services,
                      GHashTable  *known,
                      const char  *what,
                      GError     **error)
{
  for (guint i = 0; i < services->len; i++)
    {
      const char *id = g_ptr_array_index (services, i);

      if (!g_hash_table_contains (known, id))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_FAILED,
                       "demo.json: %s: unknown service “%s”", what, id);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
load_services (DkServerDb  *db,
               JsonObject  *root,
               GHashTable  *known,
               GError     **error)
{
  JsonArray *array = get_array (root, "services", error);

  if (array == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = get_object (array, i, "services", error);
      g_autoptr(DkService) service = NULL;

      if (object == NULL)
        return FALSE;
      if (!json_object_has_member (object, "id"))
        {
          g_autofree char *id = NULL;

          id = dk_service_slug_from_name (json_object_get_string_member_with_default (object,
                                                                                   "name", ""));
          json_object_set_string_member (object, "id", id);
        }

      service = dk_service_from_json (json_array_get_element (array, i), error);
      if (service == NULL)
        return FALSE;
      service->revision = 1;
      if (!dk_service_validate (service, error)
          || dk_server_store_service (db, service, error) <= 0)
        return FALSE;

      g_hash_table_add (known, g_strdup (service->id));
    }

  return TRUE;
}

static gboolean
load_routines (DkServerDb  *db,
               JsonObject  *root,
               GHashTable  *known,
               GError     **error)
{
  JsonArray *array = get_array (root, "routines", error);

  if (array == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = get_object (array, i, "routines", error);
      g_autoptr(DkRoutine) routine = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *data = NULL;
      g_autofree char *seed = NULL;
      guint per_phase[DK_ROUTINE_PHASE_LAST + 1];
      JsonArray *steps;

      if (object == NULL)
        return FALSE;
      seed = g_strconcat ("routine/", json_object_get_string_member_with_default (object, "title",
                                                                                 ""), NULL);
      ensure_id (object, seed);

      /* Steps are named by phase and place, "before-1", "during-3", for people who
       * tick them from a terminal. */
      steps = json_object_get_array_member (object, "steps");
      memset (per_phase, 0, sizeof per_phase);
      for (guint j = 0; steps != NULL && j < json_array_get_length (steps); j++)
        {
          JsonObject *step = get_object (steps, j, "steps", error);
          const char *phase_name;
          DkRoutinePhase phase;
          g_autofree char *step_id = NULL;

          if (step == NULL)
            return FALSE;
          phase_name = json_object_get_string_member_with_default (step, "phase", "");
          if (json_object_has_member (step, "id")
              || !dk_routine_phase_from_string (phase_name, &phase))
            continue;
          step_id = g_strdup_printf ("%s-%u", phase_name, ++per_phase[phase]);
          json_object_set_string_member (step, "id", step_id);
        }

      routine = dk_routine_from_json (json_array_get_element (array, i), error);
      if (routine == NULL)
        return FALSE;
      if (routine->revision < 1)
        routine->revision = 1;
      if (!dk_routine_validate (routine, error)
          || !check_services_known (routine->services, known, routine->title, error))
        return FALSE;

      node = dk_routine_to_json (routine);
      data = dk_json_to_string (node);
      if (!dk_server_db_put_routine_revision (db, routine->id, routine->revision, data, error)
          || dk_server_store_routine (db, routine, error) <= 0)
        return FALSE;
    }

  return TRUE;
}

static gboolean
load_cases (DkServerDb  *db,
            JsonObject  *root,
            GHashTable  *known,
            gint64       now,
            GError     **error)
{
  JsonArray *array = get_array (root, "cases", error);

  if (array == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = get_object (array, i, "cases", error);
      g_autoptr(DkCase) kase = NULL;
      g_autofree char *seed = NULL;
      JsonArray *updates;
      gint64 number;

      if (object == NULL)
        return FALSE;
      seed = g_strconcat ("case/", json_object_get_string_member_with_default (object, "title", ""),
                          NULL);
      ensure_id (object, seed);

      updates = json_object_has_member (object, "updates")
                ? json_object_get_array_member (object, "updates") : NULL;
      for (guint j = 0; updates != NULL && j < json_array_get_length (updates); j++)
        {
          JsonObject *update = get_object (updates, j, "updates", error);
          g_autofree char *update_seed = NULL;

          if (update == NULL)
            return FALSE;
          update_seed = g_strdup_printf ("%s/update/%u", seed, j);
          ensure_id (update, update_seed);
        }

      kase = dk_case_from_json (json_array_get_element (array, i), error);
      if (kase == NULL)
        return FALSE;

      number = dk_server_db_next_number (db, "case", error);
      if (number <= 0)
        return FALSE;
      g_free (kase->number);
      kase->number = g_strdup_printf ("DK-%" G_GINT64_FORMAT, number);
      kase->revision = 1;
      if (kase->publisher == NULL)
        kase->publisher = g_strdup (publisher_for (kase->kind, kase->area));
      for (guint j = 0; j < kase->updates->len; j++)
        {
          DkCaseUpdate *update = g_ptr_array_index (kase->updates, j);

          if (update->author == NULL)
            update->author = g_strdup (kase->publisher);
        }
      if (kase->created_at == DK_TIME_UNSET || kase->created_at == 0)
        {
          DkCaseUpdate *first = kase->updates->len > 0 ? g_ptr_array_index (kase->updates, 0)
                                                       : NULL;

          if (first != NULL)
            kase->created_at = MIN (first->at, kase->start);
          else if (kase->start > now)
            /* Planned work without updates: published an hour ago, or eight days
             * before it starts when that is earlier. */
            kase->created_at = MIN (now - 3600, kase->start - 8 * 24 * 3600);
          else
            kase->created_at = kase->start;
        }

      if (!dk_case_validate (kase, error)
          || !check_services_known (kase->services, known, kase->title, error)
          || dk_server_store_case (db, kase, error) <= 0)
        return FALSE;
    }

  return TRUE;
}

static gboolean
load_reports (DkServerDb  *db,
              JsonObject  *root,
              GError     **error)
{
  JsonArray *array = get_array (root, "reports", error);

  if (array == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = get_object (array, i, "reports", error);
      g_autoptr(DkReport) report = NULL;
      g_autofree char *seed = NULL;
      gint64 number;

      if (object == NULL)
        return FALSE;
      seed = g_strdup_printf ("report/%u", i);
      ensure_id (object, seed);

      report = dk_report_from_json (json_array_get_element (array, i), error);
      if (report == NULL)
        return FALSE;
      number = dk_server_db_next_number (db, "report", error);
      if (number <= 0)
        return FALSE;
      g_free (report->number);
      report->number = g_strdup_printf ("FA-%" G_GINT64_FORMAT, number);
      report->revision = 1;
      if (!dk_report_validate (report, error)
          || dk_server_store_report (db, report, error) <= 0)
        return FALSE;
    }

  return TRUE;
}

/* One shared message template per publishing team, owned by that team's demo user. */
static gboolean
load_templates (DkServerDb  *db,
                JsonObject  *root,
                GError     **error)
{
  JsonArray *array = get_array (root, "templates", error);

  if (array == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = get_object (array, i, "templates", error);
      g_autoptr(DkTemplate) tmpl = NULL;
      g_autofree char *seed = NULL;

      if (object == NULL)
        return FALSE;
      seed = g_strconcat ("template/",
                          json_object_get_string_member_with_default (object, "name", ""), NULL);
      ensure_id (object, seed);

      tmpl = dk_template_from_json (json_array_get_element (array, i), error);
      if (tmpl == NULL)
        return FALSE;
      if (tmpl->owner == NULL && tmpl->team != 0)
        tmpl->owner = g_strdup (dk_role_to_string (tmpl->team));
      tmpl->revision = 1;
      if (!dk_template_validate (tmpl, error)
          || dk_server_store_template (db, tmpl, error) <= 0)
        return FALSE;
    }

  return TRUE;
}

/* The catalogue of units, with the aliases staff write ("Avd 12" for "Avdelning 12"). */
static gboolean
load_units (DkServerDb  *db,
            JsonObject  *root,
            GError     **error)
{
  JsonArray *array = get_array (root, "units", error);
  g_autoptr(GPtrArray) catalogue = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_unit_unref);

  if (array == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = get_object (array, i, "units", error);
      g_autoptr(DkUnit) unit = NULL;
      g_autofree char *seed = NULL;

      if (object == NULL)
        return FALSE;
      seed = g_strconcat ("unit/",
                          json_object_get_string_member_with_default (object, "name", ""), NULL);
      ensure_id (object, seed);

      unit = dk_unit_from_json (json_array_get_element (array, i), error);
      if (unit == NULL)
        return FALSE;
      unit->updated_by = g_strdup (dk_role_to_string (DK_ROLE_ADMIN));
      unit->revision = 1;
      if (!dk_unit_validate (unit, error)
          || !dk_units_check_unique (catalogue, unit, error)
          || dk_server_store_unit (db, unit, error) <= 0)
        return FALSE;
      g_ptr_array_add (catalogue, g_steal_pointer (&unit));
    }

  return TRUE;
}

/* One user per role, named by the role's wire name, password "demo". */
static gboolean
load_users (DkServerDb  *db,
            GError     **error)
{
  for (guint bit = 0; (1u << bit) & DK_ROLE_ALL; bit++)
    {
      DkRole role = (DkRole) (1u << bit);
      g_autofree char *hash = dk_password_hash (DEMO_PASSWORD, error);

      if (hash == NULL
          || !dk_server_db_add_user (db, dk_role_to_string (role), hash, role | DK_ROLE_STAFF,
                                     error))
        return FALSE;
    }

  return TRUE;
}

/**
 * dk_server_load_demo:
 * @db: an empty database
 * @now: the moment the demo's times are relative to
 * @error: return location for a #GError
 *
 * Loads the demo data of demo/demo.json: the services and reserve routines of the
 * seed documents, cases of every kind, area and status (ongoing, planned, recently
 * closed, archived; public and internal), fault reports (three units on one service
 * within half an hour, a probable incident) and an urgent case, a shared message
 * template per publishing team, the catalogue of units with their aliases, and one user per role (the role's wire name, password
 * "demo"). One transaction.
 *
 * Returns: %TRUE when everything was loaded
 */
gboolean
dk_server_load_demo (DkServerDb  *db,
                     gint64       now,
                     GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) known = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  gconstpointer data;
  gsize size;

  g_return_val_if_fail (DK_IS_SERVER_DB (db), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!dk_server_db_is_empty (db))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_CONFLICT,
                   _("The demo data can only be loaded into an empty database"));
      return FALSE;
    }

  bytes = g_resource_lookup_data (dk_server_resources_get_resource (), DEMO_RESOURCE_PATH,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return FALSE;
  /* A parser of our own: the tree is completed (ids, times) before it is decoded, so
   * it must not be sealed the way dk_json_parse seals it. */
  data = g_bytes_get_data (bytes, &size);
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, size, &local_error))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_FAILED, "demo.json: %s", local_error->message);
      return FALSE;
    }
  root = json_parser_steal_root (parser);
  object = dk_json_expect_object (root, "demo.json", error);
  if (object == NULL || !resolve_times (root, now, error))
    return FALSE;

  known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!dk_server_db_begin (db, error))
    return FALSE;

  if (!load_services (db, object, known, error)
      || !load_routines (db, object, known, error)
      || !load_cases (db, object, known, now, error)
      || !load_reports (db, object, error)
      || !load_templates (db, object, error)
      || !load_units (db, object, error)
      || !load_users (db, error)
      || !dk_server_db_commit (db, error))
    {
      dk_server_db_rollback (db);
      return FALSE;
    }

  return TRUE;
}
