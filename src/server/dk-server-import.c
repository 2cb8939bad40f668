/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-import.c: imports of services and routines (JSON) and of cases (JSON Lines) */

#define G_LOG_DOMAIN "dk-server-import"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dk-core.h"
#include "dk-server-import.h"
#include "dk-server-objects.h"

/* Large enough for any sane catalogue; the file is read whole anyway. */
#define IMPORT_MAX_ITEMS 100000
/* Read buffer of the cases file: big reads, few syscalls. */
#define IMPORT_BUFFER_BYTES (1024 * 1024)

typedef struct {
  DkServerDb *db;
  GHashTable *service_ids;   /* char * id → NULL: services stored (before or now) */
  GHashTable *slugs;         /* char * name → char * slug */
  GHashTable *names;         /* char * slug → char * name: the first name seen for it */
  guint       n_cases;
  guint       n_new_services;
} CaseImport;

static void
case_import_clear (CaseImport *import)
{
  g_clear_pointer (&import->service_ids, g_hash_table_unref);
  g_clear_pointer (&import->slugs, g_hash_table_unref);
  g_clear_pointer (&import->names, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CaseImport, case_import_clear)

/* The revision an imported object gets: one more than the stored one, or @wanted (at
 * least 1) when there is none yet. */
static gboolean
next_revision (DkServerDb  *db,
               const char  *type,
               const char  *id,
               gint64       wanted,
               gint64      *revision,
               GError     **error)
{
  g_autoptr(DkStoredObject) stored = NULL;
  GError *local_error = NULL;

  stored = dk_server_db_get_object (db, type, id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (stored != NULL)
    *revision = stored->revision + 1;
  else
    *revision = MAX (wanted, 1);
  return TRUE;
}

/* ---- services and routines ---- */

static GPtrArray *
decode_services (JsonArray  *array,
                 GError    **error)
{
  g_autoptr(GPtrArray) services = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_service_unref);
  guint n = array != NULL ? json_array_get_length (array) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(DkService) service = NULL;

      service = dk_service_from_json (element, error);
      if (service != NULL && service->id == NULL && service->name != NULL)
        service->id = dk_service_slug_from_name (service->name);
      if (service == NULL || !dk_service_validate (service, error))
        {
          g_prefix_error (error, "services[%u]: ", i);
          return NULL;
        }
      g_ptr_array_add (services, g_steal_pointer (&service));
    }

  return g_steal_pointer (&services);
}

static GPtrArray *
decode_routines (JsonArray  *array,
                 gint64      now,
                 GError    **error)
{
  g_autoptr(GPtrArray) routines = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_routine_unref);
  guint n = array != NULL ? json_array_get_length (array) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(DkRoutine) routine = NULL;

      routine = dk_routine_from_json (element, error);
      if (routine != NULL && routine->approved_at == DK_TIME_UNSET)
        routine->approved_at = now;
      if (routine != NULL && routine->revision < 1)
        routine->revision = 1;
      if (routine == NULL || !dk_routine_validate (routine, error))
        {
          g_prefix_error (error, "routines[%u]: ", i);
          return NULL;
        }
      g_ptr_array_add (routines, g_steal_pointer (&routine));
    }

  return g_steal_pointer (&routines);
}

static gboolean
store_routine_with_revision (DkServerDb  *db,
                             DkRoutine   *routine,
                             GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *data = NULL;
  gint64 kept;

  if (!next_revision (db, DK_TYPE_NAME_ROUTINE, routine->id, routine->revision,
                      &routine->revision, error))
    return FALSE;
  /* Never reuse a revision number of the routine's history. */
  kept = dk_server_db_latest_routine_revision (db, routine->id);
  if (routine->revision <= kept)
    routine->revision = kept + 1;

  node = dk_routine_to_json (routine);
  data = dk_json_to_string (node);
  if (!dk_server_db_put_routine_revision (db, routine->id, routine->revision, data, error))
    return FALSE;

  return dk_server_store_routine (db, routine, error) > 0;
}

/**
 * dk_server_import_file:
 * @db: the database
 * @path: a JSON file {"services": [...], "routines": [...]} in the wire shapes
 * @n_services: (out) (optional): how many services were imported
 * @n_routines: (out) (optional): how many routines were imported
 * @error: return location for a #GError
 *
 * Imports services and routines. Routines are imported approved (now when the file
 * does not say when) and each revision is kept. An id that exists already gets the
 * next revision. Nothing is written unless everything is valid.
 *
 * Returns: %TRUE when everything was imported
 */
gboolean
dk_server_import_file (DkServerDb  *db,
                       const char  *path,
                       guint       *n_services,
                       guint       *n_routines,
                       GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) services = NULL;
  g_autoptr(GPtrArray) routines = NULL;
  JsonObject *object;
  JsonArray *service_array = NULL;
  JsonArray *routine_array = NULL;
  gsize length;

  g_return_val_if_fail (DK_IS_SERVER_DB (db), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;

  root = dk_json_parse (contents, length, error);
  if (root == NULL)
    return FALSE;
  object = dk_json_expect_object (root, "file", error);
  if (object == NULL
      || !dk_json_read_array (object, "services", DK_JSON_NULLABLE, IMPORT_MAX_ITEMS,
                              &service_array, error)
      || !dk_json_read_array (object, "routines", DK_JSON_NULLABLE, IMPORT_MAX_ITEMS,
                              &routine_array, error))
    return FALSE;

  services = decode_services (service_array, error);
  if (services == NULL)
    return FALSE;
  routines = decode_routines (routine_array, dk_time_now (), error);
  if (routines == NULL)
    return FALSE;

  if (!dk_server_db_begin (db, error))
    return FALSE;

  for (guint i = 0; i < services->len; i++)
    {
      DkService *service = g_ptr_array_index (services, i);

      if (!next_revision (db, DK_TYPE_NAME_SERVICE, service->id, service->revision,
                          &service->revision, error)
          || dk_server_store_service (db, service, error) <= 0)
        {
          g_prefix_error (error, "services[%u]: ", i);
          dk_server_db_rollback (db);
          return FALSE;
        }
    }

  for (guint i = 0; i < routines->len; i++)
    {
      if (!store_routine_with_revision (db, g_ptr_array_index (routines, i), error))
        {
          g_prefix_error (error, "routines[%u]: ", i);
          dk_server_db_rollback (db);
          return FALSE;
        }
    }

  if (!dk_server_db_commit (db, error))
    {
      dk_server_db_rollback (db);
      return FALSE;
    }

  g_debug ("imported %u services and %u routines from %s", services->len, routines->len, path);
  if (n_services != NULL)
    *n_services = services->len;
  if (n_routines != NULL)
    *n_routines = routines->len;
  return TRUE;
}

/* ---- cases ---- */

static gboolean
load_service_ids (CaseImport  *import,
                  GError     **error)
{
  g_autoptr(GPtrArray) stored = NULL;

  stored = dk_server_db_list_objects (import->db, DK_TYPE_NAME_SERVICE, FALSE, error);
  if (stored == NULL)
    return FALSE;

  for (guint i = 0; i < stored->len; i++)
    {
      DkStoredObject *object = g_ptr_array_index (stored, i);

      g_hash_table_add (import->service_ids, g_strdup (object->id));
    }
  return TRUE;
}

/* The service id for a name, made once per name. */
static const char *
lookup_slug (CaseImport *import,
             const char *name)
{
  const char *slug = g_hash_table_lookup (import->slugs, name);
  char *made;

  if (slug != NULL)
    return slug;

  made = dk_service_slug_from_name (name);
  g_hash_table_insert (import->slugs, g_strdup (name), made);
  if (!g_hash_table_contains (import->names, made))
    g_hash_table_insert (import->names, g_strdup (made), g_strdup (name));
  return made;
}

/* Replaces the service names of a decoded case with service ids. */
static void
map_service_names (CaseImport *import,
                   DkCase     *kase)
{
  for (guint i = 0; i < kase->services->len; i++)
    {
      char **name = (char **) &g_ptr_array_index (kase->services, i);
      const char *slug;

      if (*name == NULL)
        continue;
      slug = lookup_slug (import, *name);
      g_free (*name);
      *name = g_strdup (slug);
    }
}

/* Stores a service for every id of @kase not seen before, named as the file names it. */
static gboolean
add_missing_services (CaseImport    *import,
                      const DkCase  *kase,
                      GError       **error)
{
  for (guint i = 0; i < kase->services->len; i++)
    {
      const char *id = g_ptr_array_index (kase->services, i);
      g_autoptr(DkService) service = NULL;

      if (g_hash_table_contains (import->service_ids, id))
        continue;

      service = dk_service_new ();
      service->id = g_strdup (id);
      service->name = g_strdup (g_hash_table_lookup (import->names, id));
      if (service->name == NULL)
        service->name = g_strdup (id);
      service->area = kase->area;
      service->revision = 1;
      if (!dk_service_validate (service, error)
          || dk_server_store_service (import->db, service, error) <= 0)
        return FALSE;

      g_hash_table_add (import->service_ids, g_strdup (id));
      import->n_new_services++;
    }
  return TRUE;
}

/* The number and revision of a case read from a file: a case already stored keeps its
 * number and gets the next revision; a new one gets the next number. */
static gboolean
assign_number (CaseImport  *import,
               DkCase      *kase,
               GError     **error)
{
  g_autoptr(DkStoredObject) stored = NULL;
  GError *local_error = NULL;

  stored = dk_server_db_get_object (import->db, DK_TYPE_NAME_CASE, kase->id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (stored != NULL && !stored->deleted)
    {
      kase->revision = stored->revision + 1;
      if (kase->number == NULL && stored->data != NULL)
        {
          g_autoptr(JsonNode) node = dk_json_parse (stored->data, -1, NULL);
          JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                               ? json_node_get_object (node) : NULL;

          if (object != NULL)
            kase->number = g_strdup (json_object_get_string_member_with_default (object, "number",
                                                                                 NULL));
        }
    }
  else
    {
      kase->revision = stored != NULL ? stored->revision + 1 : 1;
    }

  if (kase->number == NULL)
    {
      gint64 number = dk_server_db_next_number (import->db, "case", error);

      if (number <= 0)
        return FALSE;
      kase->number = g_strdup_printf ("DK-%" G_GINT64_FORMAT, number);
    }
  return TRUE;
}

static gboolean
import_case_line (CaseImport  *import,
                  const char  *line,
                  gsize        length,
                  GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(DkCase) kase = NULL;

  node = dk_json_parse (line, length, error);
  if (node == NULL)
    return FALSE;
  kase = dk_case_from_json (node, error);
  if (kase == NULL)
    return FALSE;
  map_service_names (import, kase);
  if (!assign_number (import, kase, error))
    return FALSE;

  if (kase->created_at == DK_TIME_UNSET || kase->created_at == 0)
    {
      DkCaseUpdate *first = kase->updates->len > 0 ? g_ptr_array_index (kase->updates, 0) : NULL;

      kase->created_at = first != NULL && first->at < kase->start ? first->at : kase->start;
    }

  if (!dk_case_validate (kase, error)
      || !add_missing_services (import, kase, error)
      || dk_server_store_case (import->db, kase, error) <= 0)
    return FALSE;

  import->n_cases++;
  return TRUE;
}

static gboolean
import_case_stream (CaseImport    *import,
                    GInputStream  *input,
                    GError       **error)
{
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (input);
  guint line_number = 0;

  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (data), IMPORT_BUFFER_BYTES);
  g_data_input_stream_set_newline_type (data, G_DATA_STREAM_NEWLINE_TYPE_LF);

  for (;;)
    {
      g_autofree char *line = NULL;
      GError *local_error = NULL;
      gsize length = 0;

      line = g_data_input_stream_read_line (data, &length, NULL, &local_error);
      if (local_error != NULL)
        {
          g_propagate_prefixed_error (error, local_error, _("line %u: "), line_number + 1);
          return FALSE;
        }
      if (line == NULL)
        break;

      line_number++;
      if (length > 0 && line[length - 1] == '\r')
        line[--length] = '\0';
      /* Blank lines separate nothing in JSON Lines; skip them. */
      if (length == 0 || g_strstrip (line)[0] == '\0')
        continue;

      if (!import_case_line (import, line, length, error))
        {
          g_prefix_error (error, _("line %u: "), line_number);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * dk_server_import_cases:
 * @db: the database
 * @path: a JSON Lines file as shared/bench/gen-cases.py writes it
 * @n_cases: (out) (optional): how many cases were imported
 * @error: return location for a #GError
 *
 * Imports cases whose services are service names. Each name becomes a service id
 * (dk_service_slug_from_name); a service not stored yet is made, named as the file
 * names it, in the area of the case that first names it. A case without a number gets
 * the next "DK-" number and revision 1 (the next revision when its id is stored).
 * The whole file is one transaction: a bad line is an error "line N: ..." and nothing
 * is imported.
 *
 * Returns: %TRUE when every line was imported
 */
gboolean
dk_server_import_cases (DkServerDb  *db,
                        const char  *path,
                        guint       *n_cases,
                        GError     **error)
{
  g_auto(CaseImport) import = { 0 };
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();

  g_return_val_if_fail (DK_IS_SERVER_DB (db), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  file = g_file_new_for_commandline_arg (path);
  input = g_file_read (file, NULL, error);
  if (input == NULL)
    return FALSE;

  import.db = db;
  import.service_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  import.slugs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  import.names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!dk_server_db_begin (db, error))
    return FALSE;

  if (!load_service_ids (&import, error)
      || !import_case_stream (&import, G_INPUT_STREAM (input), error))
    {
      dk_server_db_rollback (db);
      return FALSE;
    }

  if (!dk_server_db_commit (db, error))
    {
      dk_server_db_rollback (db);
      return FALSE;
    }

  g_debug ("imported %u cases and %u new services from %s in %.1f s", import.n_cases,
           import.n_new_services, path, g_timer_elapsed (timer, NULL));
  if (n_cases != NULL)
    *n_cases = import.n_cases;
  return TRUE;
}
