/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-core.h: the whole core layer in one include */
#pragma once

#include "dk-case.h"
#include "dk-codec.h"
#include "dk-enums.h"
#include "dk-error.h"
#include "dk-inbox.h"
#include "dk-json.h"
#include "dk-json-doc.h"
#include "dk-priority.h"
#include "dk-protocol.h"
#include "dk-report.h"
#include "dk-routine-diff.h"
#include "dk-routine.h"
#include "dk-rules.h"
#include "dk-run-progress.h"
#include "dk-run.h"
#include "dk-service.h"
#include "dk-subscription.h"
#include "dk-template.h"
#include "dk-text.h"
#include "dk-unit.h"
#include "dk-time.h"

/* Call once in every program's main: binds the text domain so labels are translated. */
void dk_core_init_i18n (void);
