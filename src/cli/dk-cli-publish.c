/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli-publish.c: driftkoll-cli publish, update, close and follow-up: publishers' work */

#define G_LOG_DOMAIN "dk-cli-publish"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-cli-private.h"

/* ---- helpers ---- */

/* Parses an optional time option; DK_CLI_EXIT_OK or the status to exit with. */
static int
parse_time_option (const char *command,
                   const char *option,
                   const char *text,
                   gint64     *out)
{
  g_autoptr(GError) error = NULL;

  if (text == NULL)
    return DK_CLI_EXIT_OK;

  if (!_dk_cli_parse_time (text, out, &error))
    return _dk_cli_usage_error (command, "%s: %s", option, error->message);

  return DK_CLI_EXIT_OK;
}

/* A command that adds a note to a case, given by number or id: close, follow-up. */
typedef struct {
  const char *text_help;      /* N_() */
  const char *summary;        /* N_() */
  gboolean    text_required;
  gboolean  (*add) (DkStore     *store,
                    const char  *case_id_or_number,
                    const char  *text,
                    const char  *me,
                    gint64       now,
                    GError     **error);
} CaseNoteCommand;

static int
add_case_note (DkCli                 *cli,
               const char            *command,
               const CaseNoteCommand *note,
               int                    argc,
               char                 **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  DkStore *store;
  const char *me;
  int status;
  const GOptionEntry entries[] = {
    { "text", 0, 0, G_OPTION_ARG_STRING, &text, note->text_help, N_("TEXT") },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, _("CASE"), _(note->summary), entries, 1, 1, &argc,
                          &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;
  if (note->text_required && text == NULL)
    return _dk_cli_usage_error (command, _("--text is required"));

  store = _dk_cli_get_store_as_me (cli, &me, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);

  if (!note->add (store, argv[1], text, me, dk_time_now (), &error))
    return _dk_cli_fail (command, error);

  return DK_CLI_EXIT_OK;
}

/* ---- commands ---- */

int
_dk_cli_publish (DkCli       *cli,
                 const char  *command,
                 int          argc,
                 char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DkCase) kase = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *area = NULL;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *start = NULL;
  g_autofree char *expected_end = NULL;
  g_autofree char *external_ref = NULL;
  g_auto(GStrv) services = NULL;
  gboolean public = FALSE;
  gboolean major = FALSE;
  int priority = 0;
  DkStore *store;
  const char *me;
  gint64 now = dk_time_now ();
  int status;
  const GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind,
      N_("incident, planned or crisis (required)"), N_("KIND") },
    { "area", 0, 0, G_OPTION_ARG_STRING, &area,
      N_("it_telephony, lab_medicine or facilities (required)"), N_("AREA") },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("The title (required)"), N_("TEXT") },
    { "service", 0, 0, G_OPTION_ARG_STRING_ARRAY, &services,
      N_("A service it touches, by id; repeat for more (at least one)"), N_("SERVICE") },
    { "priority", 0, 0, G_OPTION_ARG_INT, &priority,
      N_("1 (highest) to 5 (lowest) (required)"), N_("N") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description,
      N_("What happened and what to do"), N_("TEXT") },
    { "scope", 0, 0, G_OPTION_ARG_STRING, &scope, N_("Who and what is affected"), N_("TEXT") },
    { "public", 0, 0, G_OPTION_ARG_NONE, &public,
      N_("Show it on the public page and feed too"), NULL },
    { "major", 0, 0, G_OPTION_ARG_NONE, &major, N_("A major incident"), NULL },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start,
      N_("When it began or will begin (default: now)"), N_("TIME") },
    { "expected-end", 0, 0, G_OPTION_ARG_STRING, &expected_end,
      N_("When it is expected to end"), N_("TIME") },
    { "external-ref", 0, 0, G_OPTION_ARG_STRING, &external_ref,
      N_("The publisher’s ticket number"), N_("REF") },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, NULL,
                          _("Publishes a new case. It waits in the outbox until “sync” sends "
                            "it; the server decides whether you may publish it. Prints the new "
                            "case’s id. TIME is “2026-11-24 14:05” (local time) or RFC 3339."),
                          entries, 0, 0, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  if (kind == NULL)
    return _dk_cli_usage_error (command, _("--kind is required"));
  if (area == NULL)
    return _dk_cli_usage_error (command, _("--area is required"));
  if (title == NULL)
    return _dk_cli_usage_error (command, _("--title is required"));
  if (services == NULL || services[0] == NULL)
    return _dk_cli_usage_error (command, _("--service is required"));
  if (priority == 0)
    return _dk_cli_usage_error (command, _("--priority is required"));
  if (!dk_priority_is_valid (priority))
    return _dk_cli_usage_error (command, _("--priority must be 1 to 5"));

  kase = dk_case_new ();
  kase->id = g_uuid_string_random ();
  if (!dk_case_kind_from_string (kind, &kase->kind))
    return _dk_cli_usage_error (command, _("Unknown kind “%s”"), kind);
  if (!dk_area_from_string (area, &kase->area))
    return _dk_cli_usage_error (command, _("Unknown area “%s”"), area);

  kase->start = now;
  kase->expected_end = DK_TIME_UNSET;
  kase->closed_at = DK_TIME_UNSET;
  if ((status = parse_time_option (command, "--start", start, &kase->start)) != DK_CLI_EXIT_OK
      || (status = parse_time_option (command, "--expected-end", expected_end,
                                      &kase->expected_end)) != DK_CLI_EXIT_OK)
    return status;

  kase->title = g_strdup (title);
  kase->description = g_strdup (description);
  kase->scope = g_strdup (scope);
  kase->external_ref = g_strdup (external_ref);
  kase->priority = priority;
  kase->major = major;
  kase->public = public;
  for (guint i = 0; services[i] != NULL; i++)
    g_ptr_array_add (kase->services, g_strdup (services[i]));
  if (kase->kind == DK_CASE_KIND_PLANNED)
    kase->status = dk_rules_planned_status (kase->area, kase->start, now);
  else
    kase->status = DK_CASE_STATUS_ONGOING;

  store = _dk_cli_get_store_as_me (cli, &me, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);

  if (!dk_local_create_case (store, kase, me, now, &error))
    return _dk_cli_fail (command, error);

  g_print ("%s\n", kase->id);

  return DK_CLI_EXIT_OK;
}

int
_dk_cli_update (DkCli       *cli,
                const char  *command,
                int          argc,
                char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *phrase_name = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected_end_text = NULL;
  DkUpdatePhrase phrase;
  gint64 expected_end = DK_TIME_UNSET;
  DkStore *store;
  const char *me;
  int status;
  const GOptionEntry entries[] = {
    { "phrase", 0, 0, G_OPTION_ARG_STRING, &phrase_name,
      N_("identified, troubleshooting, fix_deploying, monitoring, "
         "fixed_awaiting_verification or resolved (required)"), N_("PHRASE") },
    { "text", 0, 0, G_OPTION_ARG_STRING, &text, N_("What is new (required)"), N_("TEXT") },
    { "expected-end", 0, 0, G_OPTION_ARG_STRING, &expected_end_text,
      N_("A new expected end"), N_("TIME") },
    { NULL }
  };

  status = _dk_cli_parse (cli, command, _("CASE"),
                          _("Adds an update to a case (number or id). It waits in the outbox "
                            "until “sync” sends it."),
                          entries, 1, 1, &argc, &argv);
  if (status != DK_CLI_EXIT_OK)
    return status;

  if (phrase_name == NULL)
    return _dk_cli_usage_error (command, _("--phrase is required"));
  if (!dk_update_phrase_from_string (phrase_name, &phrase))
    return _dk_cli_usage_error (command, _("Unknown phrase “%s”"), phrase_name);
  if (text == NULL)
    return _dk_cli_usage_error (command, _("--text is required"));
  status = parse_time_option (command, "--expected-end", expected_end_text, &expected_end);
  if (status != DK_CLI_EXIT_OK)
    return status;

  store = _dk_cli_get_store_as_me (cli, &me, &error);
  if (store == NULL)
    return _dk_cli_fail (command, error);

  if (!dk_local_add_update (store, argv[1], phrase, text, expected_end, me, dk_time_now (),
                            &error))
    return _dk_cli_fail (command, error);

  return DK_CLI_EXIT_OK;
}

int
_dk_cli_close (DkCli       *cli,
               const char  *command,
               int          argc,
               char       **argv)
{
  static const CaseNoteCommand close = {
    N_("A closing note"),
    N_("Closes a case (number or id). It waits in the outbox until “sync” sends it."),
    FALSE,
    dk_local_close_case,
  };

  return add_case_note (cli, command, &close, argc, argv);
}

int
_dk_cli_follow_up (DkCli       *cli,
                   const char  *command,
                   int          argc,
                   char       **argv)
{
  static const CaseNoteCommand follow_up = {
    N_("The note: evaluation, lessons learned (required)"),
    N_("Adds a follow-up note to a case (number or id)."),
    TRUE,
    dk_local_add_follow_up,
  };

  return add_case_note (cli, command, &follow_up, argc, argv);
}
