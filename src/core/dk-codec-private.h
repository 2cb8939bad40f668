/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-codec-private.h: what the files of the codec share */
#pragma once

#include "dk-codec.h"
#include "dk-json.h"

G_BEGIN_DECLS

/* Strings are nullable on the wire: _to_json writes unset ones as null. */
#define SHORT_FLAGS DK_JSON_NULLABLE
#define TEXT_FLAGS  (DK_JSON_NULLABLE | DK_JSON_MULTILINE)

typedef enum {
  UNKNOWN_KIND,
  UNKNOWN_AREA,
  UNKNOWN_STATUS,
  UNKNOWN_PHRASE,
  UNKNOWN_PHASE,
  UNKNOWN_STATE,
  UNKNOWN_ACTION,
  UNKNOWN_ROLE,
} UnknownWhat;

/* How _dk_codec_set_items writes an item, and how _dk_codec_read_items reads one. */
typedef JsonNode *(*DkCodecWriteItem) (gconstpointer   item);
typedef gpointer  (*DkCodecReadItem)  (JsonObject     *object,
                                       GError        **error);

void        _dk_codec_set_string        (JsonObject       *object,
                                         const char       *member,
                                         const char       *value);
void        _dk_codec_set_time          (JsonObject       *object,
                                         const char       *member,
                                         gint64            value);
/* "received_at", the server's receipt time: written only when set, so that objects
 * from before it (and local versions) keep their shape. */
void        _dk_codec_set_received_at   (JsonObject       *object,
                                         gint64            value);
/* Reads "received_at" (absent or null: DK_TIME_UNSET). */
gboolean    _dk_codec_read_received_at  (JsonObject       *object,
                                         gint64           *out,
                                         GError          **error);
void        _dk_codec_set_strings       (JsonObject       *object,
                                         const char       *member,
                                         const GPtrArray  *strings);
void        _dk_codec_set_items         (JsonObject       *object,
                                         const char       *member,
                                         const GPtrArray  *items,
                                         DkCodecWriteItem  to_json);
JsonNode   *_dk_codec_node_from_object  (JsonObject       *object);
gboolean    _dk_codec_set_unknown_error (GError          **error,
                                         UnknownWhat       what,
                                         const char       *member,
                                         const char       *value);
gboolean    _dk_codec_read_name         (JsonObject       *object,
                                         const char       *member,
                                         const char      **out,
                                         GError          **error);
gboolean    _dk_codec_read_strings      (JsonObject       *object,
                                         const char       *member,
                                         GPtrArray       **strings,
                                         GError          **error);
gboolean    _dk_codec_read_revision     (JsonObject       *object,
                                         gint64           *revision,
                                         GError          **error);
JsonObject *_dk_codec_array_object      (JsonArray        *array,
                                         const char       *member,
                                         guint             index,
                                         GError          **error);
gboolean    _dk_codec_read_items        (JsonArray        *array,
                                         const char       *member,
                                         DkCodecReadItem   from_object,
                                         GPtrArray        *items,
                                         GError          **error);
gboolean    _dk_codec_is_slug           (const char       *text);
gboolean    _dk_codec_is_blank          (const char       *text);
gboolean    _dk_codec_require_text      (const char       *value,
                                         const char       *member,
                                         GError          **error);
gboolean    _dk_codec_require_uuid      (const char       *value,
                                         const char       *member,
                                         GError          **error);

G_END_DECLS
