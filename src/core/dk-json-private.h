/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-json-private.h: what the files of the JSON readers share */
#pragma once

#include "dk-json.h"

G_BEGIN_DECLS

/* Checks a whole document against RFC 8259 before json-glib sees it; on failure
 * %DK_ERROR_INVALID names the line and the problem. */
gboolean _dk_json_check_syntax (const char  *data,
                                gsize        length,
                                GError     **error);

G_END_DECLS
