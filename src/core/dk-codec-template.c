/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-codec-template.c: JSON wire shapes of message templates */

#define G_LOG_DOMAIN "dk-codec"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dk-codec-private.h"
#include "dk-error.h"
#include "dk-json.h"
#include "dk-protocol.h"
#include "dk-rules.h"

static const char * const template_languages[] = { "sv", "nb", "en" };

/* Whether @roles is exactly one role. */
static gboolean
is_one_role (DkRole roles)
{
  return roles != 0 && ((guint) roles & ((guint) roles - 1)) == 0 && (roles & ~DK_ROLE_ALL) == 0;
}

/**
 * dk_template_to_json:
 * @tmpl: a #DkTemplate
 *
 * Returns: (transfer full): the template in its wire shape; "team" is a role's wire
 *   name, or null for a private template
 */
JsonNode *
dk_template_to_json (const DkTemplate *tmpl)
{
  JsonObject *object;

  g_return_val_if_fail (tmpl != NULL, NULL);

  object = json_object_new ();
  _dk_codec_set_string (object, "id", tmpl->id);
  _dk_codec_set_string (object, "name", tmpl->name);
  _dk_codec_set_string (object, "language", tmpl->language);
  json_object_set_string_member (object, "kind", dk_case_kind_to_string (tmpl->kind));
  json_object_set_string_member (object, "area", dk_area_to_string (tmpl->area));
  _dk_codec_set_string (object, "title", tmpl->title);
  _dk_codec_set_string (object, "description", tmpl->description);
  _dk_codec_set_string (object, "scope", tmpl->scope);
  _dk_codec_set_string (object, "owner", tmpl->owner);
  _dk_codec_set_string (object, "team",
                        is_one_role (tmpl->team) ? dk_role_to_string (tmpl->team) : NULL);
  _dk_codec_set_time (object, "updated_at", tmpl->updated_at);
  json_object_set_int_member (object, "revision", tmpl->revision);
  return _dk_codec_node_from_object (object);
}

/**
 * dk_template_from_json:
 * @node: a JSON object in the wire shape of a template
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the template, or %NULL with %DK_ERROR_INVALID
 */
DkTemplate *
dk_template_from_json (JsonNode  *node,
                       GError   **error)
{
  g_autoptr(DkTemplate) tmpl = NULL;
  g_autofree char *team = NULL;
  JsonObject *object;
  const char *kind = NULL, *area = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = dk_json_expect_object (node, "template", error);
  if (object == NULL)
    return NULL;

  tmpl = dk_template_new ();
  if (!dk_json_read_string (object, "id", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &tmpl->id, error) ||
      !dk_json_read_string (object, "name", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &tmpl->name,
                            error) ||
      !dk_json_read_string (object, "language", SHORT_FLAGS, DK_MAX_SHORT_CHARS,
                            &tmpl->language, error) ||
      !_dk_codec_read_name (object, "kind", &kind, error) ||
      !_dk_codec_read_name (object, "area", &area, error) ||
      !dk_json_read_string (object, "title", SHORT_FLAGS, DK_MAX_TITLE_CHARS, &tmpl->title,
                            error) ||
      !dk_json_read_string (object, "description", TEXT_FLAGS, DK_MAX_TEXT_CHARS,
                            &tmpl->description, error) ||
      !dk_json_read_string (object, "scope", TEXT_FLAGS, DK_MAX_TEXT_CHARS, &tmpl->scope,
                            error) ||
      !dk_json_read_string (object, "owner", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &tmpl->owner,
                            error) ||
      !dk_json_read_string (object, "team", SHORT_FLAGS, DK_MAX_SHORT_CHARS, &team, error) ||
      !dk_json_read_time (object, "updated_at", DK_JSON_NULLABLE, &tmpl->updated_at, error) ||
      !_dk_codec_read_revision (object, &tmpl->revision, error))
    return NULL;

  if (kind != NULL && !dk_case_kind_from_string (kind, &tmpl->kind))
    return _dk_codec_set_unknown_error (error, UNKNOWN_KIND, "kind", kind), NULL;
  if (area != NULL && !dk_area_from_string (area, &tmpl->area))
    return _dk_codec_set_unknown_error (error, UNKNOWN_AREA, "area", area), NULL;
  if (team != NULL && !dk_role_from_string (team, &tmpl->team))
    return _dk_codec_set_unknown_error (error, UNKNOWN_ROLE, "team", team), NULL;

  return g_steal_pointer (&tmpl);
}

/**
 * dk_template_validate:
 * @tmpl: a #DkTemplate
 * @error: return location for a #GError
 *
 * Checks that the id is a UUID, the name is not empty, the language is sv, nb or en,
 * the kind and area are known, and the team is none or one publishing role.
 *
 * Returns: %TRUE when @tmpl is valid; %FALSE with %DK_ERROR_INVALID naming the field
 */
gboolean
dk_template_validate (const DkTemplate  *tmpl,
                      GError           **error)
{
  gboolean known_language = FALSE;

  g_return_val_if_fail (tmpl != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_dk_codec_require_uuid (tmpl->id, "id", error) ||
      !_dk_codec_require_text (tmpl->name, "name", error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (template_languages); i++)
    known_language |= g_strcmp0 (tmpl->language, template_languages[i]) == 0;
  if (!known_language)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("%s: must be one of %s"), "language",
                   "sv, nb, en");
      return FALSE;
    }

  if ((guint) tmpl->kind > DK_CASE_KIND_LAST)
    return _dk_codec_set_unknown_error (error, UNKNOWN_KIND, "kind", "?");
  if ((guint) tmpl->area > DK_AREA_LAST)
    return _dk_codec_set_unknown_error (error, UNKNOWN_AREA, "area", "?");
  if (tmpl->team != 0 &&
      (!is_one_role (tmpl->team) || !dk_rules_may_publish_any (tmpl->team)))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
                   _("%s: must be a publishing role, or null for a private template"), "team");
      return FALSE;
    }
  return TRUE;
}
