/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-object.c: a case as an item of a list model, with whether it waits to be sent */

#define G_LOG_DOMAIN "dk-case-object"

#include "config.h"

#include "dk-case-object.h"

struct _DkCaseObject
{
  GObject   parent_instance;

  /* owned */
  DkCase   *kase;

  /* state */
  DkCaseMark mark;
};

G_DEFINE_FINAL_TYPE (DkCaseObject, dk_case_object, G_TYPE_OBJECT)

static void
dk_case_object_finalize (GObject *object)
{
  DkCaseObject *self = DK_CASE_OBJECT (object);

  g_clear_pointer (&self->kase, dk_case_unref);

  G_OBJECT_CLASS (dk_case_object_parent_class)->finalize (object);
}

static void
dk_case_object_class_init (DkCaseObjectClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dk_case_object_finalize;
}

static void
dk_case_object_init (DkCaseObject *self)
{
}

/**
 * dk_case_object_new:
 * @kase: a case (a reference is taken)
 * @pending: whether it has local changes not yet sent
 *
 * Returns: (transfer full): a new #DkCaseObject
 */
DkCaseObject *
dk_case_object_new (DkCase   *kase,
                    gboolean  pending)
{
  g_return_val_if_fail (kase != NULL, NULL);

  return dk_case_object_new_marked (kase, pending ? DK_CASE_MARK_PENDING : DK_CASE_MARK_NONE);
}

/**
 * dk_case_object_new_marked:
 * @kase: a case (a reference is taken)
 * @mark: what its row says of the changes made here
 *
 * Returns: (transfer full): a new #DkCaseObject
 */
DkCaseObject *
dk_case_object_new_marked (DkCase     *kase,
                           DkCaseMark  mark)
{
  DkCaseObject *self;

  g_return_val_if_fail (kase != NULL, NULL);

  self = g_object_new (DK_TYPE_CASE_OBJECT, NULL);
  self->kase = dk_case_ref (kase);
  self->mark = mark;

  return self;
}

/**
 * dk_case_object_get_mark:
 * @self: a #DkCaseObject
 *
 * Returns: what the case's row says of the changes made here
 */
DkCaseMark
dk_case_object_get_mark (DkCaseObject *self)
{
  g_return_val_if_fail (DK_IS_CASE_OBJECT (self), DK_CASE_MARK_NONE);

  return self->mark;
}

/**
 * dk_case_object_get_case:
 * @self: a #DkCaseObject
 *
 * Returns: (transfer none): the case
 */
DkCase *
dk_case_object_get_case (DkCaseObject *self)
{
  g_return_val_if_fail (DK_IS_CASE_OBJECT (self), NULL);

  return self->kase;
}

/**
 * dk_case_object_get_pending:
 * @self: a #DkCaseObject
 *
 * Returns: whether the case has local changes not yet sent to the server
 */
gboolean
dk_case_object_get_pending (DkCaseObject *self)
{
  g_return_val_if_fail (DK_IS_CASE_OBJECT (self), FALSE);

  return self->mark == DK_CASE_MARK_PENDING;
}
