/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-local-changes-private.h: what the local operations on each kind of object share */
#pragma once

#include "dk-local-changes.h"
#include "dk-store-private.h"

G_BEGIN_DECLS

gboolean    _dk_local_is_blank         (const char  *text);
gboolean    _dk_local_check_text       (const char  *text,
                                        const char  *member,
                                        gboolean     required,
                                        gsize        max_chars,
                                        GError     **error);
JsonNode   *_dk_local_node_from_object (JsonObject  *object);
JsonObject *_dk_local_new_data         (const char  *id);
void        _dk_local_remove_members   (JsonNode    *node,
                                        ...) G_GNUC_NULL_TERMINATED;
DkCase     *_dk_local_load_case        (DkStore     *store,
                                        const char  *id_or_number,
                                        GError     **error);

G_END_DECLS
