/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-message-template.h: the built-in message templates of seed 002, in sv, nb and en
 *
 * A message about a disruption states what the service is and that it is used around
 * the clock, when the disruption started, its scope, when it is expected to be solved,
 * and "forward this to the units concerned". The texts hold placeholders that
 * dk_message_template_fill () replaces:
 *   {service}       the affected services' names
 *   {about}         what the service is (its description in the catalogue)
 *   {start}         when the disruption started (or the work starts)
 *   {scope}         who and which units are affected
 *   {expected_end}  when it is expected to be solved
 */
#pragma once

#include <glib.h>

#include "dk-enums.h"
#include "dk-template.h"

G_BEGIN_DECLS

/* The languages the built-in templates are written in. */
#define DK_MESSAGE_TEMPLATE_LANGUAGES "sv", "nb", "en"

/* One built-in template as static text; the strings are in the template's own language
 * and are never translated. */
typedef struct {
  const char *id;           /* "builtin-incident-lab-medicine-sv" */
  const char *name;         /* what a publisher picks it by */
  const char *language;     /* "sv" | "nb" | "en" */
  DkCaseKind  kind;
  DkArea      area;
  const char *title;
  const char *description;
  const char *scope;
} DkMessageTemplateText;

/* Every built-in template, sv first, then nb, then en; @n_texts gets their number. */
const DkMessageTemplateText *dk_message_template_texts (guint *n_texts);
/* The built-in template with this id, or NULL. */
const DkMessageTemplateText *dk_message_template_text_by_id (const char *id);

/* The built-in templates as DkTemplate (owner NULL, team 0, revision 0, ids
 * "builtin-…"), in the order of dk_message_template_texts (). (transfer full)
 * (element-type DkTemplate) */
GPtrArray  *dk_message_templates_builtin (void);
/* Whether @id names a built-in template (it is never saved to the server). */
gboolean    dk_message_template_is_builtin (const char *id);

/* Replaces every {key} of @text whose key is in @values (char * → char *; NULL: none)
 * with its value; a {key} not in @values stays as it is, so the publisher sees what is
 * left to write. A line that held placeholders and nothing but white space after
 * filling is dropped (an unknown {about} leaves no empty line). (transfer full) */
char       *dk_message_template_fill   (const char  *text,
                                        GHashTable  *values);

/* The values of the placeholders in @language ("sv", "nb", "en"; others as "en"):
 * times as "2026-11-24 14:05" in the local time zone, an unset @start or @expected_end
 * and an empty @scope as "not yet known" in that language, NULL or empty @service and
 * @about as "". (transfer full): char * → char * */
GHashTable *dk_message_template_values (const char  *language,
                                        const char  *service,
                                        const char  *about,
                                        gint64       start,
                                        const char  *scope,
                                        gint64       expected_end);

G_END_DECLS
