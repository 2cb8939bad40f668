/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-test-changes.c: pages of /changes built in a test (see the header) */

#include "config.h"

#include "dk-test-changes.h"

JsonNode *
dk_test_change_node (gint64      seq,
                     const char *type,
                     const char *id,
                     JsonNode   *data)
{
  JsonObject *change = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_int_member (change, "seq", seq);
  json_object_set_string_member (change, "type", type);
  json_object_set_string_member (change, "id", id);
  json_object_set_boolean_member (change, "deleted", data == NULL);
  if (data != NULL)
    json_object_set_member (change, "data", data);
  else
    json_object_set_null_member (change, "data");
  json_node_take_object (node, change);
  return node;
}

void
dk_test_add_case_change (gint64    *seq,
                         JsonArray *page,
                         DkCase    *kase)
{
  if (kase->number == NULL)
    kase->number = g_strdup_printf ("DK-%" G_GINT64_FORMAT, 1000 + *seq);
  *seq += 1;
  json_array_add_element (page, dk_test_change_node (*seq, "case", kase->id,
                                                     dk_case_to_json (kase)));
}

void
dk_test_add_service_change (gint64     *seq,
                            JsonArray  *page,
                            const char *id,
                            const char *name)
{
  g_autoptr(DkService) service = dk_service_new ();

  service->id = g_strdup (id);
  service->name = g_strdup (name);
  service->revision = 1;
  *seq += 1;
  json_array_add_element (page, dk_test_change_node (*seq, "service", id,
                                                     dk_service_to_json (service)));
}
