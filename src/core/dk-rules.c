/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-rules.c: the domain's rules: archive, lead time, who may publish what, transitions */

#define G_LOG_DOMAIN "dk-rules"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dk-error.h"
#include "dk-protocol.h"
#include "dk-rules.h"

static gboolean
status_is_open (DkCaseStatus status)
{
  return status != DK_CASE_STATUS_CLOSED;
}

/* The role that publishes cases of @kind in @area. */
static DkRole
publisher_role (DkCaseKind kind,
                DkArea     area)
{
  switch (kind)
    {
    case DK_CASE_KIND_CRISIS:
      return DK_ROLE_CRISIS_COMMUNICATOR;
    case DK_CASE_KIND_PLANNED:
      return DK_ROLE_RELEASE_COORDINATOR;
    case DK_CASE_KIND_INCIDENT:
    default:
      switch (area)
        {
        case DK_AREA_LAB_MEDICINE:
          return DK_ROLE_LAB_COMMUNICATOR;
        case DK_AREA_FACILITIES:
          return DK_ROLE_CUSTOMER_CENTER;
        case DK_AREA_IT_TELEPHONY:
        default:
          return DK_ROLE_SERVICEDESK;
        }
    }
}

static gboolean
check_role (DkRole    roles,
            DkRole    needed,
            GError  **error)
{
  if ((roles & needed) != 0)
    return TRUE;

  g_set_error (error, DK_ERROR, DK_ERROR_FORBIDDEN,
               /* Translators: %s is a role such as "Routine owner" */
               _("This needs the role “%s”"), dk_role_label (needed));
  return FALSE;
}

/**
 * dk_rules_case_is_archived:
 * @kase: a #DkCase
 * @now: the current time
 *
 * Returns: whether @kase was closed at least 24 hours before @now
 */
gboolean
dk_rules_case_is_archived (const DkCase *kase,
                           gint64        now)
{
  g_return_val_if_fail (kase != NULL, FALSE);

  return kase->status == DK_CASE_STATUS_CLOSED &&
         kase->closed_at != DK_TIME_UNSET &&
         now - kase->closed_at >= DK_ARCHIVE_DELAY_SECONDS;
}

/**
 * dk_rules_planned_status:
 * @area: the case's area
 * @start: when the work starts, or %DK_TIME_UNSET
 * @now: the current time
 *
 * Returns: %DK_CASE_STATUS_PLANNED when @area is not IT/Telephony or the work starts at
 *   least seven days after @now; %DK_CASE_STATUS_URGENT_PLANNED otherwise (also when an
 *   IT start is unknown)
 */
DkCaseStatus
dk_rules_planned_status (DkArea area,
                         gint64 start,
                         gint64 now)
{
  if (area != DK_AREA_IT_TELEPHONY)
    return DK_CASE_STATUS_PLANNED;
  if (start == DK_TIME_UNSET || start - now < DK_PLANNED_LEAD_SECONDS)
    return DK_CASE_STATUS_URGENT_PLANNED;
  return DK_CASE_STATUS_PLANNED;
}

/**
 * dk_rules_check_lead_time:
 * @kase: a #DkCase
 * @now: the current time (of publication)
 * @error: return location for a #GError
 *
 * A planned case in IT/Telephony with status "planned" must start at least seven days
 * after @now; otherwise it is "urgently planned". Other cases always pass.
 *
 * Returns: %TRUE when the lead time holds; %FALSE with %DK_ERROR_INVALID otherwise
 */
gboolean
dk_rules_check_lead_time (const DkCase  *kase,
                          gint64         now,
                          GError       **error)
{
  g_return_val_if_fail (kase != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (kase->kind != DK_CASE_KIND_PLANNED || kase->status != DK_CASE_STATUS_PLANNED)
    return TRUE;
  if (dk_rules_planned_status (kase->area, kase->start, now) == DK_CASE_STATUS_PLANNED)
    return TRUE;

  g_set_error (error, DK_ERROR, DK_ERROR_INVALID,
               /* Translators: the first %s is the area ("IT/Telephony"), the second the
                * status "Urgently planned" */
               _("status: planned work in %s is published seven days ahead; "
                 "with less notice it is “%s”"),
               dk_area_label (kase->area),
               dk_case_status_label (DK_CASE_STATUS_URGENT_PLANNED));
  return FALSE;
}

/**
 * dk_rules_check_may_publish:
 * @roles: the caller's roles
 * @kind: the case's kind
 * @area: the case's area
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @roles may publish a case of @kind in @area; %FALSE with
 *   %DK_ERROR_FORBIDDEN and a message naming the role needed otherwise
 */
gboolean
dk_rules_check_may_publish (DkRole      roles,
                            DkCaseKind  kind,
                            DkArea      area,
                            GError    **error)
{
  DkRole needed;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  needed = publisher_role (kind, area);
  if ((roles & needed) != 0)
    return TRUE;

  if (kind == DK_CASE_KIND_INCIDENT)
    g_set_error (error, DK_ERROR, DK_ERROR_FORBIDDEN,
                 /* Translators: the first %s is a kind of case ("Incident"), the second an
                  * area ("IT/Telephony"), the third a role ("Service desk") */
                 _("Publishing “%s” in “%s” needs the role “%s”"),
                 dk_case_kind_label (kind), dk_area_label (area), dk_role_label (needed));
  else
    g_set_error (error, DK_ERROR, DK_ERROR_FORBIDDEN,
                 /* Translators: the first %s is a kind of case ("Crisis information"),
                  * the second a role ("Crisis communicator") */
                 _("Publishing “%s” needs the role “%s”"),
                 dk_case_kind_label (kind), dk_role_label (needed));
  return FALSE;
}

/**
 * dk_rules_may_publish_any:
 * @roles: a set of roles
 *
 * Returns: whether @roles holds a role that publishes some kind of case
 */
gboolean
dk_rules_may_publish_any (DkRole roles)
{
  return (roles & DK_ROLES_PUBLISHING) != 0;
}

/**
 * dk_rules_check_may_handle_reports:
 * @roles: the caller's roles
 * @error: return location for a #GError
 *
 * Returns: %TRUE for the service desk, the customer center and lab communicators;
 *   %FALSE with %DK_ERROR_FORBIDDEN otherwise
 */
gboolean
dk_rules_check_may_handle_reports (DkRole    roles,
                                   GError  **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((roles & DK_ROLES_REPORT_HANDLERS) != 0)
    return TRUE;
  g_set_error_literal (error, DK_ERROR, DK_ERROR_FORBIDDEN,
                       _("Handling fault reports needs the role of the service desk, the "
                         "customer center or a lab communicator"));
  return FALSE;
}

/**
 * dk_rules_report_inbox_areas:
 * @roles: a report handler's roles
 *
 * Returns: the areas whose reports @roles sees in the inbox, a bit (1 << area) per
 *   #DkArea: the service desk IT/Telephony, the customer center facilities, a lab
 *   communicator laboratory medicine; 0 for anyone else
 */
guint
dk_rules_report_inbox_areas (DkRole roles)
{
  guint areas = 0;

  if (roles & DK_ROLE_SERVICEDESK)
    areas |= 1u << DK_AREA_IT_TELEPHONY;
  if (roles & DK_ROLE_CUSTOMER_CENTER)
    areas |= 1u << DK_AREA_FACILITIES;
  if (roles & DK_ROLE_LAB_COMMUNICATOR)
    areas |= 1u << DK_AREA_LAB_MEDICINE;
  return areas;
}

/**
 * dk_rules_check_may_edit_routines:
 * @roles: the caller's roles
 * @error: return location for a #GError
 *
 * Returns: %TRUE for a routine owner; %FALSE with %DK_ERROR_FORBIDDEN otherwise
 */
gboolean
dk_rules_check_may_edit_routines (DkRole    roles,
                                  GError  **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return check_role (roles, DK_ROLE_ROUTINE_OWNER, error);
}

/**
 * dk_rules_check_may_admin:
 * @roles: the caller's roles
 * @error: return location for a #GError
 *
 * Returns: %TRUE for an administrator; %FALSE with %DK_ERROR_FORBIDDEN otherwise
 */
gboolean
dk_rules_check_may_admin (DkRole    roles,
                          GError  **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return check_role (roles, DK_ROLE_ADMIN, error);
}

/**
 * dk_rules_check_status_for_kind:
 * @kind: a case's kind
 * @status: a status
 * @error: return location for a #GError
 *
 * Incidents and crisis information are ongoing or closed; planned actions may have any
 * status.
 *
 * Returns: %TRUE when a case of @kind may have @status; %FALSE with
 *   %DK_ERROR_INVALID_TRANSITION otherwise
 */
gboolean
dk_rules_check_status_for_kind (DkCaseKind     kind,
                                DkCaseStatus   status,
                                GError       **error)
{
  gboolean allowed;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (kind == DK_CASE_KIND_PLANNED)
    allowed = status <= DK_CASE_STATUS_LAST;
  else
    allowed = status == DK_CASE_STATUS_ONGOING || status == DK_CASE_STATUS_CLOSED;

  if (allowed)
    return TRUE;

  g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
               /* Translators: the first %s is a kind ("Incident"), the second a status
                * ("Planned") */
               _("A case of kind “%s” cannot have the status “%s”"),
               dk_case_kind_label (kind), dk_case_status_label (status));
  return FALSE;
}

/**
 * dk_rules_check_status_change:
 * @edited: the case as an edit would leave it
 * @from: its status before the edit
 * @now: the current time
 * @error: return location for a #GError
 *
 * The client checks an edit with this before it queues it, the server before it
 * applies it: the same rules, the same messages.
 *
 * Returns: %TRUE when the edit may change the status so
 */
gboolean
dk_rules_check_status_change (const DkCase  *edited,
                              DkCaseStatus   from,
                              gint64         now,
                              GError       **error)
{
  g_return_val_if_fail (edited != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (edited->status == from)
    return TRUE;
  if (edited->status == DK_CASE_STATUS_CLOSED)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                           _("status: close a case with case.close, which records when it ended"));
      return FALSE;
    }

  return dk_rules_check_transition (from, edited->status, error) &&
         dk_rules_check_status_for_kind (edited->kind, edited->status, error) &&
         (edited->status != DK_CASE_STATUS_PLANNED ||
          dk_rules_check_lead_time (edited, now, error));
}

static gboolean
check_open (const DkCase  *kase,
            const char    *message,
            GError       **error)
{
  g_return_val_if_fail (kase != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (status_is_open (kase->status))
    return TRUE;

  g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION, message);
  return FALSE;
}

gboolean
dk_rules_check_may_update (const DkCase  *kase,
                           GError       **error)
{
  if (!check_open (kase, _("The case is closed: write a follow-up instead of an update"),
                   error))
    return FALSE;

  /* Checked on the append, never on reading (dk-protocol.h): the case stays whole,
   * editable and closable, and the person learns what to do next. */
  if (kase->updates->len >= DK_MAX_UPDATES)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_LIMIT_REACHED,
                   _("The case has %u updates, the most one case takes. Close it (that is "
                     "always possible) and publish a new case to go on."),
                   kase->updates->len);
      return FALSE;
    }

  return TRUE;
}

gboolean
dk_rules_check_history_room (const DkCase   *kase,
                             DkCaseHistory   part,
                             GError        **error)
{
  g_return_val_if_fail (kase != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (part)
    {
    case DK_CASE_HISTORY_FOLLOW_UPS:
      if (kase->follow_ups->len < DK_MAX_FOLLOW_UPS)
        return TRUE;
      g_set_error (error, DK_ERROR, DK_ERROR_LIMIT_REACHED,
                   _("The case has %u follow-ups, the most one case takes"),
                   kase->follow_ups->len);
      return FALSE;
    case DK_CASE_HISTORY_AFFECTED:
      if (kase->affected->len < DK_MAX_AFFECTED)
        return TRUE;
      g_set_error (error, DK_ERROR, DK_ERROR_LIMIT_REACHED,
                   _("The case has %u affected units, the most one case takes"),
                   kase->affected->len);
      return FALSE;
    case DK_CASE_HISTORY_RESERVE:
      if (kase->reserve->len < DK_MAX_RESERVE_EVENTS)
        return TRUE;
      g_set_error (error, DK_ERROR, DK_ERROR_LIMIT_REACHED,
                   _("The reserve routine of the case has changed %u times, the most one "
                     "case takes"), kase->reserve->len);
      return FALSE;
    case DK_CASE_HISTORY_REPORTS:
      if (kase->reports->len < DK_MAX_AFFECTED)
        return TRUE;
      g_set_error (error, DK_ERROR, DK_ERROR_LIMIT_REACHED,
                   _("The case has %u linked reports, the most one case takes"),
                   kase->reports->len);
      return FALSE;
    default:
      g_return_val_if_reached (FALSE);
    }
}

gboolean
dk_rules_check_may_close (const DkCase  *kase,
                          GError       **error)
{
  return check_open (kase, _("The case is already closed"), error) &&
         dk_rules_check_transition (kase->status, DK_CASE_STATUS_CLOSED, error);
}

gboolean
dk_rules_check_close_time (const DkCase  *kase,
                           gint64         closed_at,
                           GError       **error)
{
  g_return_val_if_fail (kase != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (kase->status == DK_CASE_STATUS_ONGOING && kase->start != DK_TIME_UNSET &&
      closed_at < kase->start)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID,
                           _("at: a case cannot end before it started"));
      return FALSE;
    }

  return TRUE;
}

gboolean
dk_rules_check_run_open (const DkRun  *run,
                         GError      **error)
{
  g_return_val_if_fail (run != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (run->finished_at == DK_TIME_UNSET)
    return TRUE;

  g_set_error_literal (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                       _("The run is finished already"));
  return FALSE;
}

/**
 * dk_rules_check_transition:
 * @from: the current status
 * @to: the new status
 * @error: return location for a #GError
 *
 * Allowed: staying put; planned ↔ urgently planned; planned or urgently planned →
 * ongoing; any open status → closed. A closed case stays closed.
 *
 * Returns: %TRUE when the move is allowed; %FALSE with %DK_ERROR_INVALID_TRANSITION
 *   otherwise
 */
gboolean
dk_rules_check_transition (DkCaseStatus   from,
                           DkCaseStatus   to,
                           GError       **error)
{
  gboolean allowed;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (from == to)
    return TRUE;

  switch (from)
    {
    case DK_CASE_STATUS_PLANNED:
    case DK_CASE_STATUS_URGENT_PLANNED:
      allowed = TRUE;
      break;
    case DK_CASE_STATUS_ONGOING:
      allowed = to == DK_CASE_STATUS_CLOSED;
      break;
    case DK_CASE_STATUS_CLOSED:
    default:
      allowed = FALSE;
      break;
    }

  if (allowed)
    return TRUE;

  if (!status_is_open (from))
    g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                 _("The case is closed and stays closed"));
  else
    g_set_error (error, DK_ERROR, DK_ERROR_INVALID_TRANSITION,
                 /* Translators: both %s are statuses ("Ongoing", "Planned") */
                 _("A case cannot go from “%s” to “%s”"),
                 dk_case_status_label (from), dk_case_status_label (to));
  return FALSE;
}

/**
 * dk_rules_routine_is_expired:
 * @routine: a #DkRoutine
 * @now: the current time
 *
 * Returns: whether @routine has a "valid until" at or before @now
 */
gboolean
dk_rules_routine_is_expired (const DkRoutine *routine,
                             gint64           now)
{
  g_return_val_if_fail (routine != NULL, FALSE);

  return routine->valid_until != DK_TIME_UNSET && routine->valid_until <= now;
}

/**
 * dk_rules_routine_expires_soon:
 * @routine: a #DkRoutine
 * @now: the current time
 *
 * Returns: whether @routine is still valid but expires within 30 days of @now
 */
gboolean
dk_rules_routine_expires_soon (const DkRoutine *routine,
                               gint64           now)
{
  g_return_val_if_fail (routine != NULL, FALSE);

  return routine->valid_until != DK_TIME_UNSET &&
         routine->valid_until > now &&
         routine->valid_until - now <= DK_ROUTINE_EXPIRY_WARNING_SECONDS;
}

/**
 * dk_rules_may_edit_units:
 * @roles: a set of roles
 *
 * Returns: whether @roles may add, rename, alias and delete the catalogue's units
 */
gboolean
dk_rules_may_edit_units (DkRole roles)
{
  return (roles & DK_ROLES_UNIT_KEEPERS) != 0;
}

/**
 * dk_rules_check_may_edit_units:
 * @roles: the caller's roles
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @roles may keep the unit catalogue; %FALSE with
 *   %DK_ERROR_FORBIDDEN naming the roles that may otherwise
 */
gboolean
dk_rules_check_may_edit_units (DkRole    roles,
                               GError  **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (dk_rules_may_edit_units (roles))
    return TRUE;
  g_set_error (error, DK_ERROR, DK_ERROR_FORBIDDEN,
               /* Translators: the %s are roles ("Admin", "Routine owner") */
               _("The catalogue of units is kept by the roles “%s” and “%s”"),
               dk_role_label (DK_ROLE_ADMIN), dk_role_label (DK_ROLE_ROUTINE_OWNER));
  return FALSE;
}
