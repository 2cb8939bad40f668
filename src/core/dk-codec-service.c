/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-codec-service.c: JSON wire shapes of services */

#define G_LOG_DOMAIN "dk-codec"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dk-codec-private.h"
#include "dk-error.h"
#include "dk-json.h"
#include "dk-protocol.h"

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
  _dk_codec_set_string (object, "id", service->id);
  _dk_codec_set_string (object, "name", service->name);
  json_object_set_string_member (object, "area", dk_area_to_string (service->area));
  _dk_codec_set_string (object, "description", service->description);
  json_object_set_int_member (object, "revision", service->revision);
  return _dk_codec_node_from_object (object);
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
      !_dk_codec_read_name (object, "area", &area, error) ||
      !dk_json_read_string (object, "description", TEXT_FLAGS, DK_MAX_TEXT_CHARS,
                            &service->description, error) ||
      !_dk_codec_read_revision (object, &service->revision, error))
    return NULL;

  if (area != NULL && !dk_area_from_string (area, &service->area))
    return _dk_codec_set_unknown_error (error, UNKNOWN_AREA, "area", area), NULL;

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

  if (!_dk_codec_is_slug (service->id))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must be 1 to 64 lower-case letters a–z, digits and dashes"), "id");
      return FALSE;
    }
  if (!_dk_codec_require_text (service->name, "name", error))
    return FALSE;
  if ((guint) service->area > DK_AREA_LAST)
    return _dk_codec_set_unknown_error (error, UNKNOWN_AREA, "area", "?");
  return TRUE;
}
