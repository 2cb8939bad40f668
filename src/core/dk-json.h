/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-json.h: parsing JSON and reading typed, validated members with clear errors */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  DK_JSON_OPTIONAL  = 0,
  DK_JSON_REQUIRED  = 1 << 0,  /* absent is an error */
  DK_JSON_NULLABLE  = 1 << 1,  /* null is allowed and reads as NULL / DK_TIME_UNSET */
  DK_JSON_MULTILINE = 1 << 2,  /* strings may hold \n and \t; other control characters never */
  DK_JSON_NONEMPTY  = 1 << 3,  /* a string must hold something besides white space */
} DkJsonFlags;

/* Parses a whole document; DK_ERROR_INVALID ("malformed JSON at line 1: ...") otherwise.
 * An empty body is an error too. (transfer full) */
JsonNode   *dk_json_parse             (const char   *data,
                                       gssize        length,
                                       GError      **error);
/* The node as an object, or DK_ERROR_INVALID naming @what ("body", "data"). */
JsonObject *dk_json_expect_object     (JsonNode     *node,
                                       const char   *what,
                                       GError      **error);
/* Compact JSON text. (transfer full) */
char       *dk_json_to_string         (JsonNode     *node);
/* The same text written in one pass, for hot paths (no printf per number, no copy per
 * escaped string). (transfer full) */
char       *dk_json_to_compact_string (JsonNode     *node);

/*
 * Readers: on success they set *out and return TRUE; an absent optional member leaves
 * *out untouched (so callers set the default first). On a wrong type, a string over
 * @max_chars characters (UTF-8 characters, not bytes), control characters, an integer
 * outside [min, max] or a time that is not RFC 3339 they return FALSE with
 * DK_ERROR_INVALID and a message that names the member ("title: must be at most 200
 * characters").
 */
gboolean    dk_json_read_string       (JsonObject   *object,
                                       const char   *member,
                                       DkJsonFlags   flags,
                                       gsize         max_chars,
                                       char        **out,
                                       GError      **error);
gboolean    dk_json_read_int          (JsonObject   *object,
                                       const char   *member,
                                       DkJsonFlags   flags,
                                       gint64        min,
                                       gint64        max,
                                       gint64       *out,
                                       GError      **error);
gboolean    dk_json_read_bool         (JsonObject   *object,
                                       const char   *member,
                                       DkJsonFlags   flags,
                                       gboolean     *out,
                                       GError      **error);
gboolean    dk_json_read_time         (JsonObject   *object,
                                       const char   *member,
                                       DkJsonFlags   flags,
                                       gint64       *out,
                                       GError      **error);
/* An array of strings, each checked like dk_json_read_string; at most @max_items.
 * *out is a new GPtrArray of char * with g_free. */
gboolean    dk_json_read_string_array (JsonObject   *object,
                                       const char   *member,
                                       DkJsonFlags   flags,
                                       guint         max_items,
                                       gsize         max_chars,
                                       GPtrArray   **out,
                                       GError      **error);
/* A member that must be an object (borrowed) or array (borrowed); NULL when absent or
 * null and allowed. */
gboolean    dk_json_read_object       (JsonObject   *object,
                                       const char   *member,
                                       DkJsonFlags   flags,
                                       JsonObject  **out,
                                       GError      **error);
gboolean    dk_json_read_array        (JsonObject   *object,
                                       const char   *member,
                                       DkJsonFlags   flags,
                                       guint         max_items,
                                       JsonArray   **out,
                                       GError      **error);

/* Checks text for what no field may hold: invalid UTF-8, C0 control characters (but \n
 * and \t when @multiline), DEL and the C1 range. */
gboolean    dk_text_is_clean          (const char   *text,
                                       gboolean      multiline);
/* A canonical lower-case UUID (8-4-4-4-12 hex). */
gboolean    dk_is_uuid                (const char   *text);

G_END_DECLS
