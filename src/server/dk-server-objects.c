/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-objects.c: storing and loading domain objects with their visibility */

#define G_LOG_DOMAIN "dk-server-objects"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-server-objects.h"

#define REPORT_READERS (DK_ROLE_SERVICEDESK | DK_ROLE_CUSTOMER_CENTER | \
                        DK_ROLE_LAB_COMMUNICATOR | DK_ROLE_ADMIN)

static gint64
store_node (DkServerDb         *db,
            const char         *type,
            const char         *id,
            gint64              revision,
            JsonNode           *node,
            const DkVisibility *visibility,
            GError            **error)
{
  g_autofree char *data = dk_json_to_string (node);

  return dk_server_db_put_object (db, type, id, data, revision, FALSE, visibility, error);
}

gint64
dk_server_store_case (DkServerDb    *db,
                      const DkCase  *kase,
                      GError       **error)
{
  g_autoptr(JsonNode) node = dk_case_to_json (kase);
  g_autofree char *public_data = NULL;
  DkVisibility visibility = { kase->public, DK_ROLE_STAFF, NULL, NULL };

  /* The units that said they are affected and the linked fault reports are the
   * publishers' business: anonymous callers get a public case without them. */
  if (kase->public && (kase->affected->len > 0 || kase->reports->len > 0))
    {
      g_autoptr(DkCase) outside = dk_case_copy (kase);
      g_autoptr(JsonNode) outside_node = NULL;

      g_ptr_array_set_size (outside->affected, 0);
      g_ptr_array_set_size (outside->reports, 0);
      outside_node = dk_case_to_json (outside);
      public_data = dk_json_to_string (outside_node);
      visibility.public_data = public_data;
    }

  return store_node (db, DK_TYPE_NAME_CASE, kase->id, kase->revision, node, &visibility, error);
}

gint64
dk_server_store_service (DkServerDb       *db,
                         const DkService  *service,
                         GError          **error)
{
  g_autoptr(JsonNode) node = dk_service_to_json (service);
  DkVisibility visibility = { TRUE, DK_ROLE_STAFF, NULL };

  return store_node (db, DK_TYPE_NAME_SERVICE, service->id, service->revision, node,
                     &visibility, error);
}

gint64
dk_server_store_routine (DkServerDb       *db,
                         const DkRoutine  *routine,
                         GError          **error)
{
  g_autoptr(JsonNode) node = dk_routine_to_json (routine);
  gboolean approved = routine->approved_at != DK_TIME_UNSET;
  DkVisibility visibility = {
    approved,
    approved ? DK_ROLE_STAFF : (DK_ROLE_ROUTINE_OWNER | DK_ROLE_ADMIN),
    NULL,
  };

  return store_node (db, DK_TYPE_NAME_ROUTINE, routine->id, routine->revision, node,
                     &visibility, error);
}

gint64
dk_server_store_run (DkServerDb   *db,
                     const DkRun  *run,
                     GError      **error)
{
  g_autoptr(JsonNode) node = dk_run_to_json (run);
  DkVisibility visibility = { FALSE, DK_ROLE_STAFF, run->started_by };

  return store_node (db, DK_TYPE_NAME_RUN, run->id, run->revision, node, &visibility, error);
}

gint64
dk_server_store_report (DkServerDb      *db,
                        const DkReport  *report,
                        GError         **error)
{
  g_autoptr(JsonNode) node = dk_report_to_json (report);
  DkVisibility visibility = { FALSE, REPORT_READERS, report->created_by };

  return store_node (db, DK_TYPE_NAME_REPORT, report->id, report->revision, node,
                     &visibility, error);
}

gint64
dk_server_store_subscription (DkServerDb            *db,
                              const DkSubscription  *subscription,
                              GError               **error)
{
  g_autoptr(JsonNode) node = dk_subscription_to_json (subscription);
  DkVisibility visibility = { FALSE, 0, subscription->user };

  return store_node (db, DK_TYPE_NAME_SUBSCRIPTION, subscription->id, subscription->revision,
                     node, &visibility, error);
}

gint64
dk_server_store_template (DkServerDb        *db,
                          const DkTemplate  *tmpl,
                          GError           **error)
{
  g_autoptr(JsonNode) node = dk_template_to_json (tmpl);
  DkVisibility visibility = { FALSE, tmpl->team, tmpl->owner };

  return store_node (db, DK_TYPE_NAME_TEMPLATE, tmpl->id, tmpl->revision, node, &visibility,
                     error);
}

gint64
dk_server_delete_template (DkServerDb        *db,
                           const DkTemplate  *tmpl,
                           gint64             revision,
                           GError           **error)
{
  DkVisibility visibility = { FALSE, tmpl->team, tmpl->owner };

  return dk_server_db_put_object (db, DK_TYPE_NAME_TEMPLATE, tmpl->id, NULL, revision, TRUE,
                                  &visibility, error);
}

gint64
dk_server_store_unit (DkServerDb    *db,
                      const DkUnit  *unit,
                      GError       **error)
{
  g_autoptr(JsonNode) node = dk_unit_to_json (unit);
  DkVisibility visibility = { FALSE, DK_ROLE_STAFF, NULL };

  return store_node (db, DK_TYPE_NAME_UNIT, unit->id, unit->revision, node, &visibility,
                     error);
}

gint64
dk_server_delete_unit (DkServerDb    *db,
                       const DkUnit  *unit,
                       gint64         revision,
                       GError       **error)
{
  DkVisibility visibility = { FALSE, DK_ROLE_STAFF, NULL };

  return dk_server_db_put_object (db, DK_TYPE_NAME_UNIT, unit->id, NULL, revision, TRUE,
                                  &visibility, error);
}

/**
 * dk_server_list_units:
 * @db: the server's database
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type DkUnit) (nullable): the catalogue
 */
GPtrArray *
dk_server_list_units (DkServerDb  *db,
                      GError     **error)
{
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(GPtrArray) units = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_unit_unref);

  objects = dk_server_db_list_objects (db, DK_TYPE_NAME_UNIT, FALSE, error);
  if (objects == NULL)
    return NULL;
  for (guint i = 0; i < objects->len; i++)
    {
      DkStoredObject *object = g_ptr_array_index (objects, i);
      g_autoptr(JsonNode) node = NULL;
      DkUnit *unit;

      if (object->data == NULL)
        continue;
      node = dk_json_parse (object->data, -1, error);
      if (node == NULL)
        return NULL;
      unit = dk_unit_from_json (node, error);
      if (unit == NULL)
        return NULL;
      g_ptr_array_add (units, unit);
    }
  return g_steal_pointer (&units);
}

/* Reads an object's JSON node, or NULL with DK_ERROR_NOT_FOUND. */
static JsonNode *
load_node (DkServerDb  *db,
           const char  *type,
           const char  *id,
           GError     **error)
{
  g_autoptr(DkStoredObject) object = NULL;
  GError *local_error = NULL;

  object = dk_server_db_get_object (db, type, id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (object == NULL || object->deleted || object->data == NULL)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND,
                   _("There is no %s with the id “%s”"), type, id);
      return NULL;
    }

  return dk_json_parse (object->data, -1, error);
}

#define DEFINE_LOADER(Name, name, type_name)                                  \
  Name *                                                                      \
  dk_server_load_##name (DkServerDb  *db,                                     \
                         const char  *id,                                     \
                         GError     **error)                                  \
  {                                                                           \
    g_autoptr(JsonNode) node = load_node (db, type_name, id, error);          \
                                                                              \
    if (node == NULL)                                                         \
      return NULL;                                                            \
    return dk_##name##_from_json (node, error);                               \
  }

DEFINE_LOADER (DkCase, case, DK_TYPE_NAME_CASE)
DEFINE_LOADER (DkService, service, DK_TYPE_NAME_SERVICE)
DEFINE_LOADER (DkRoutine, routine, DK_TYPE_NAME_ROUTINE)
DEFINE_LOADER (DkRun, run, DK_TYPE_NAME_RUN)
DEFINE_LOADER (DkReport, report, DK_TYPE_NAME_REPORT)
DEFINE_LOADER (DkSubscription, subscription, DK_TYPE_NAME_SUBSCRIPTION)
DEFINE_LOADER (DkTemplate, template, DK_TYPE_NAME_TEMPLATE)
DEFINE_LOADER (DkUnit, unit, DK_TYPE_NAME_UNIT)
