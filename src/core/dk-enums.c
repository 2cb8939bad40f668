/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-enums.c: the domain's enumerations, their wire names and their labels */

#define G_LOG_DOMAIN "dk-enums"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dk-enums.h"
#include "dk-error.h"

/* Wire names, indexed by value. They are never translated. */
static const char * const case_kind_names[] = { "incident", "planned", "crisis" };
static const char * const area_names[] = { "it_telephony", "lab_medicine", "facilities" };
static const char * const case_status_names[] = {
  "ongoing", "closed", "planned", "urgent_planned",
};
static const char * const update_phrase_names[] = {
  "identified", "troubleshooting", "fix_deploying", "monitoring",
  "fixed_awaiting_verification", "resolved",
};
static const char * const routine_phase_names[] = { "before", "during", "after" };
static const char * const report_kind_names[] = { "fault", "urgent" };
static const char * const report_state_names[] = { "new", "acknowledged", "linked", "closed" };
static const char * const role_names[] = {
  "staff", "servicedesk", "customer_center", "lab_communicator", "crisis_communicator",
  "release_coordinator", "routine_owner", "admin",
};

G_STATIC_ASSERT (G_N_ELEMENTS (case_kind_names) == DK_CASE_KIND_LAST + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (area_names) == DK_AREA_LAST + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (case_status_names) == DK_CASE_STATUS_LAST + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (update_phrase_names) == DK_UPDATE_PHRASE_LAST + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (routine_phase_names) == DK_ROUTINE_PHASE_LAST + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (report_kind_names) == DK_REPORT_KIND_LAST + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (report_state_names) == DK_REPORT_STATE_LAST + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (role_names) == 8);

static gboolean
lookup_name (const char * const *names,
             guint               n_names,
             const char         *str,
             guint              *index)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < n_names; i++)
    {
      if (strcmp (names[i], str) == 0)
        {
          *index = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* Defines _to_string and _from_string of an enum whose values are 0 .. n-1. */
#define DEFINE_WIRE_NAMES(TypeName, type_name, names)                              \
const char *                                                                       \
type_name##_to_string (TypeName value)                                             \
{                                                                                  \
  g_return_val_if_fail ((guint) value < G_N_ELEMENTS (names), NULL);               \
  return names[value];                                                             \
}                                                                                  \
                                                                                   \
gboolean                                                                           \
type_name##_from_string (const char *str,                                          \
                         TypeName   *value)                                        \
{                                                                                  \
  guint index;                                                                     \
                                                                                   \
  g_return_val_if_fail (value != NULL, FALSE);                                     \
                                                                                   \
  if (!lookup_name (names, G_N_ELEMENTS (names), str, &index))                     \
    return FALSE;                                                                  \
  *value = (TypeName) index;                                                       \
  return TRUE;                                                                     \
}

DEFINE_WIRE_NAMES (DkCaseKind, dk_case_kind, case_kind_names)
DEFINE_WIRE_NAMES (DkArea, dk_area, area_names)
DEFINE_WIRE_NAMES (DkCaseStatus, dk_case_status, case_status_names)
DEFINE_WIRE_NAMES (DkUpdatePhrase, dk_update_phrase, update_phrase_names)
DEFINE_WIRE_NAMES (DkRoutinePhase, dk_routine_phase, routine_phase_names)
DEFINE_WIRE_NAMES (DkReportKind, dk_report_kind, report_kind_names)
DEFINE_WIRE_NAMES (DkReportState, dk_report_state, report_state_names)

/**
 * dk_case_kind_label:
 * @value: a #DkCaseKind
 *
 * Returns: the translated label ("Incident")
 */
const char *
dk_case_kind_label (DkCaseKind value)
{
  switch (value)
    {
    case DK_CASE_KIND_INCIDENT:
      /* Translators: a kind of case: an unforeseen interruption of a service
       * (sv "Driftstörning") */
      return _("Incident");
    case DK_CASE_KIND_PLANNED:
      /* Translators: a kind of case: scheduled work (sv "Planerad åtgärd") */
      return _("Planned action");
    case DK_CASE_KIND_CRISIS:
      /* Translators: a kind of case: overall command information in a wide disruption */
      return _("Crisis information");
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * dk_area_label:
 * @value: a #DkArea
 *
 * Returns: the translated label ("IT/Telephony")
 */
const char *
dk_area_label (DkArea value)
{
  switch (value)
    {
    case DK_AREA_IT_TELEPHONY:
      /* Translators: an operational area (sv "IT/Telefoni") */
      return _("IT/Telephony");
    case DK_AREA_LAB_MEDICINE:
      /* Translators: an operational area (sv "Labmedicin") */
      return _("Laboratory medicine");
    case DK_AREA_FACILITIES:
      /* Translators: an operational area (sv "Fastigheter/Serviceleveranser") */
      return _("Facilities/Service deliveries");
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * dk_case_status_label:
 * @value: a #DkCaseStatus
 *
 * Returns: the translated label ("Ongoing")
 */
const char *
dk_case_status_label (DkCaseStatus value)
{
  switch (value)
    {
    case DK_CASE_STATUS_ONGOING:
      return C_("case status", "Ongoing");
    case DK_CASE_STATUS_CLOSED:
      return C_("case status", "Closed");
    case DK_CASE_STATUS_PLANNED:
      return C_("case status", "Planned");
    case DK_CASE_STATUS_URGENT_PLANNED:
      /* Translators: planned work published with less than seven days' notice
       * (sv "Akut planerat") */
      return C_("case status", "Urgently planned");
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * dk_update_phrase_label:
 * @value: a #DkUpdatePhrase
 *
 * Returns: the translated status phrase of an update
 */
const char *
dk_update_phrase_label (DkUpdatePhrase value)
{
  switch (value)
    {
    case DK_UPDATE_PHRASE_IDENTIFIED:
      /* Translators: a status phrase on an update, in the order of a typical incident
       * (sv "Störning identifierad, felsökning pågår") */
      return _("Disruption identified, troubleshooting in progress");
    case DK_UPDATE_PHRASE_TROUBLESHOOTING:
      return _("Troubleshooting in progress");
    case DK_UPDATE_PHRASE_FIX_DEPLOYING:
      return _("Fix being deployed");
    case DK_UPDATE_PHRASE_MONITORING:
      return _("Monitoring in progress");
    case DK_UPDATE_PHRASE_FIXED_AWAITING_VERIFICATION:
      return _("Fixed, awaiting verification");
    case DK_UPDATE_PHRASE_RESOLVED:
      return _("Disruption resolved");
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * dk_routine_phase_label:
 * @value: a #DkRoutinePhase
 *
 * Returns: the translated label ("Before the outage")
 */
const char *
dk_routine_phase_label (DkRoutinePhase value)
{
  switch (value)
    {
    case DK_ROUTINE_PHASE_BEFORE:
      /* Translators: a phase of a reserve routine: what must be ready in advance */
      return _("Before the outage");
    case DK_ROUTINE_PHASE_DURING:
      return _("During the outage");
    case DK_ROUTINE_PHASE_AFTER:
      /* Translators: a phase of a reserve routine: post-registration and catching up */
      return _("After the outage");
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * dk_report_kind_label:
 * @value: a #DkReportKind
 *
 * Returns: the translated label ("Fault report")
 */
const char *
dk_report_kind_label (DkReportKind value)
{
  switch (value)
    {
    case DK_REPORT_KIND_FAULT:
      /* Translators: a report of a fault from staff (sv "Felanmälan") */
      return _("Fault report");
    case DK_REPORT_KIND_URGENT:
      /* Translators: a case about a criticality-1 application that must reach the
       * operational coordinator (nb "Hastesak") */
      return _("Urgent case");
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * dk_report_state_label:
 * @value: a #DkReportState
 *
 * Returns: the translated label ("New")
 */
const char *
dk_report_state_label (DkReportState value)
{
  switch (value)
    {
    case DK_REPORT_STATE_NEW:
      return C_("report state", "New");
    case DK_REPORT_STATE_ACKNOWLEDGED:
      return C_("report state", "Acknowledged");
    case DK_REPORT_STATE_LINKED:
      /* Translators: the report is tied to a published case */
      return C_("report state", "Linked to a case");
    case DK_REPORT_STATE_CLOSED:
      return C_("report state", "Closed");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* The index of a role's only bit, or -1 when @value is not exactly one role. */
static int
role_index (DkRole value)
{
  guint bits = (guint) value;

  if (bits == 0 || (bits & (bits - 1)) != 0 || bits > (guint) DK_ROLE_ADMIN)
    return -1;
  return g_bit_nth_lsf (bits, -1);
}

/**
 * dk_role_to_string:
 * @value: exactly one #DkRole
 *
 * Returns: the role's wire name ("servicedesk")
 */
const char *
dk_role_to_string (DkRole value)
{
  int index = role_index (value);

  g_return_val_if_fail (index >= 0, NULL);
  return role_names[index];
}

/**
 * dk_role_from_string:
 * @str: (nullable): a wire name
 * @value: (out): the role
 *
 * Returns: %FALSE for an unknown or %NULL name
 */
gboolean
dk_role_from_string (const char *str,
                     DkRole     *value)
{
  guint index;

  g_return_val_if_fail (value != NULL, FALSE);

  if (!lookup_name (role_names, G_N_ELEMENTS (role_names), str, &index))
    return FALSE;
  *value = (DkRole) (1u << index);
  return TRUE;
}

/**
 * dk_role_label:
 * @value: exactly one #DkRole
 *
 * Returns: the translated label ("Service desk")
 */
const char *
dk_role_label (DkRole value)
{
  switch (value)
    {
    case DK_ROLE_STAFF:
      /* Translators: the role every logged-in user has */
      return C_("role", "Staff");
    case DK_ROLE_SERVICEDESK:
      /* Translators: the role that publishes incidents in IT/Telephony
       * (sv "Servicedesk") */
      return C_("role", "Service desk");
    case DK_ROLE_CUSTOMER_CENTER:
      /* Translators: the role that publishes incidents in Facilities/Service deliveries
       * (sv "Kundcenter") */
      return C_("role", "Customer center");
    case DK_ROLE_LAB_COMMUNICATOR:
      /* Translators: the role that publishes incidents in Laboratory medicine
       * (sv "RS Kommunikatör") */
      return C_("role", "Lab communicator");
    case DK_ROLE_CRISIS_COMMUNICATOR:
      /* Translators: the role that publishes crisis information
       * (sv "AKS och Presstjänst") */
      return C_("role", "Crisis communicator");
    case DK_ROLE_RELEASE_COORDINATOR:
      /* Translators: the role that publishes planned actions */
      return C_("role", "Release coordinator");
    case DK_ROLE_ROUTINE_OWNER:
      /* Translators: the role that writes and approves reserve routines */
      return C_("role", "Routine owner");
    case DK_ROLE_ADMIN:
      return C_("role", "Administrator");
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * dk_roles_to_strv:
 * @roles: a set of roles
 *
 * Returns: (transfer full): the wire names of the roles in @roles, in bit order
 */
char **
dk_roles_to_strv (DkRole roles)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **strv;

  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    {
      if ((guint) roles & (1u << i))
        g_strv_builder_add (builder, role_names[i]);
    }

  strv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return strv;
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text != '\0'; text++)
    {
      if (!g_ascii_isspace (*text))
        return FALSE;
    }
  return TRUE;
}

/**
 * dk_roles_from_string:
 * @list: (nullable): a comma-separated list of wire names ("servicedesk,admin"); white
 *   space around names is allowed, an empty list is no role
 * @roles: (out): the set of roles
 * @error: return location for a #GError
 *
 * Returns: %FALSE with %DK_ERROR_INVALID on an unknown or empty name
 */
gboolean
dk_roles_from_string (const char  *list,
                      DkRole      *roles,
                      GError     **error)
{
  g_auto(GStrv) parts = NULL;
  guint result = 0;

  g_return_val_if_fail (roles != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (list))
    {
      *roles = 0;
      return TRUE;
    }

  parts = g_strsplit (list, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *name = g_strstrip (parts[i]);
      DkRole role;

      if (!dk_role_from_string (name, &role))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_INVALID, _("Unknown role “%s”"), name);
          return FALSE;
        }
      result |= (guint) role;
    }

  *roles = (DkRole) result;
  return TRUE;
}
