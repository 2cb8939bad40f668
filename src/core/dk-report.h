/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-report.h: a fault report (felanmälan) or an urgent case (hastesak) */
#pragma once

#include <glib-object.h>

#include "dk-enums.h"
#include "dk-time.h"

G_BEGIN_DECLS

#define DK_TYPE_REPORT (dk_report_get_type ())

typedef struct {
  /*< private >*/
  gatomicrefcount  ref_count;
  /*< public >*/
  char            *id;
  char            *number;       /* "FA-17", assigned by the server */
  DkReportKind     kind;
  char            *service;      /* service id */
  char            *unit;         /* the unit that found it */
  char            *reporter;     /* name of the reporter */
  char            *contact;      /* phone or e-mail */
  char            *description;  /* the kind of fault, so that its scope can be judged */
  DkReportState    state;
  /* Urgent cases only (seed 004); NULL otherwise. */
  char            *users;        /* affected users */
  char            *computers;    /* affected PCs */
  char            *servers;      /* affected servers */
  char            *competence;   /* technical field service, clinical shared applications, server group */
  char            *mobile;       /* the contact's mobile number */
  char            *created_by;   /* username, set by the server */
  gint64           created_at;   /* when it was made (the client's time, when plausible) */
  gint64           received_at;  /* when the server received it; DK_TIME_UNSET before */
  /* Set by the server as a report handler works on it. */
  char            *case_id;      /* the linked case's id, NULL until linked */
  char            *case_number;  /* the linked case's number ("DK-1042") */
  char            *note;         /* the handler's last note */
  char            *handled_by;   /* username of the handler who last changed its state */
  gint64           handled_at;   /* DK_TIME_UNSET until handled */
  gint64           revision;
} DkReport;

GType     dk_report_get_type (void) G_GNUC_CONST;
DkReport *dk_report_new      (void);
DkReport *dk_report_ref      (DkReport       *self);
void      dk_report_unref    (DkReport       *self);
DkReport *dk_report_copy     (const DkReport *self);
/* For an urgent case: the subject the operational coordinator expects,
 * "<service name> OK skal hjelpe". (transfer full) */
char     *dk_report_dup_urgent_subject (const DkReport *self,
                                        const char     *service_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DkReport, dk_report_unref)

G_END_DECLS
