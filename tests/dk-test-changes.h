/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-test-changes.h: pages of /changes built in a test, for the store tests */
#pragma once

#include "dk-core.h"

G_BEGIN_DECLS

/* One change as /changes sends it; @data (transfer full) NULL is a tombstone. */
JsonNode *dk_test_change_node        (gint64      seq,
                                      const char *type,
                                      const char *id,
                                      JsonNode   *data);
/* Appends @kase to @page at ++*@seq, numbered "DK-<1000 + seq>" when it has no number. */
void      dk_test_add_case_change    (gint64     *seq,
                                      JsonArray  *page,
                                      DkCase     *kase);
/* Appends a service of revision 1 to @page at ++*@seq. */
void      dk_test_add_service_change (gint64     *seq,
                                      JsonArray  *page,
                                      const char *id,
                                      const char *name);

G_END_DECLS
