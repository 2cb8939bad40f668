/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-routine-diff.c: what changed between two revisions of a routine */

#define G_LOG_DOMAIN "dk-routine-diff"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dk-enums.h"
#include "dk-routine-diff.h"
#include "dk-time.h"

/**
 * dk_routine_change_free:
 * @change: (nullable): a change
 */
void
dk_routine_change_free (DkRoutineChange *change)
{
  if (change == NULL)
    return;

  g_free (change->step);
  g_free (change->field);
  g_free (change->old_value);
  g_free (change->new_value);
  g_free (change);
}

static void
add_change (GPtrArray           *changes,
            DkRoutineChangeKind  kind,
            const char          *step,
            const char          *field,
            char                *old_value,   /* taken */
            char                *new_value)   /* taken */
{
  DkRoutineChange *change = g_new0 (DkRoutineChange, 1);

  change->kind = kind;
  change->step = g_strdup (step);
  change->field = g_strdup (field);
  change->old_value = old_value;
  change->new_value = new_value;
  g_ptr_array_add (changes, change);
}

/* Adds a FIELD or STEP_CHANGED change when the two texts differ. */
static void
compare_text (GPtrArray           *changes,
              DkRoutineChangeKind  kind,
              const char          *step,
              const char          *field,
              const char          *old_value,
              const char          *new_value)
{
  if (g_strcmp0 (old_value, new_value) != 0)
    add_change (changes, kind, step, field, g_strdup (old_value), g_strdup (new_value));
}

static char *
format_time (gint64 t)
{
  g_autoptr(GDateTime) local = NULL;

  if (t == DK_TIME_UNSET)
    return NULL;
  local = g_date_time_new_from_unix_local (t);
  return local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M") : NULL;
}

static void
compare_time (GPtrArray  *changes,
              const char *field,
              gint64      old_value,
              gint64      new_value)
{
  if (old_value != new_value)
    add_change (changes, DK_ROUTINE_CHANGE_FIELD, NULL, field, format_time (old_value),
                format_time (new_value));
}

static char *
join_services (const GPtrArray *services)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; services != NULL && i < services->len; i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, g_ptr_array_index (services, i));
    }

  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static char *
format_contact (const DkContact *contact)
{
  if (contact == NULL)
    return NULL;

  return g_strdup_printf ("%s; %s; %s", contact->name != NULL ? contact->name : "—",
                          contact->office_hours != NULL ? contact->office_hours : "—",
                          contact->on_call != NULL ? contact->on_call : "—");
}

static void
compare_steps (GPtrArray           *changes,
               const DkRoutineStep *old_step,
               const DkRoutineStep *new_step)
{
  const char *id = new_step->id;
  g_autofree char *old_contact = format_contact (old_step->contact);
  g_autofree char *new_contact = format_contact (new_step->contact);

  if (old_step->phase != new_step->phase)
    add_change (changes, DK_ROUTINE_CHANGE_STEP_CHANGED, id, "phase",
                g_strdup (dk_routine_phase_label (old_step->phase)),
                g_strdup (dk_routine_phase_label (new_step->phase)));
  compare_text (changes, DK_ROUTINE_CHANGE_STEP_CHANGED, id, "text", old_step->text,
                new_step->text);
  compare_text (changes, DK_ROUTINE_CHANGE_STEP_CHANGED, id, "condition", old_step->condition,
                new_step->condition);
  compare_text (changes, DK_ROUTINE_CHANGE_STEP_CHANGED, id, "contact", old_contact,
                new_contact);
  compare_text (changes, DK_ROUTINE_CHANGE_STEP_CHANGED, id, "form", old_step->form,
                new_step->form);
  compare_text (changes, DK_ROUTINE_CHANGE_STEP_CHANGED, id, "deadline", old_step->deadline,
                new_step->deadline);
}

/* The ids of @steps that @other has too, in @steps' order. (element-type utf8, borrowed) */
static GPtrArray *
common_ids (const DkRoutine *routine,
            const DkRoutine *other)
{
  GPtrArray *ids = g_ptr_array_new ();

  for (guint i = 0; i < routine->steps->len; i++)
    {
      const DkRoutineStep *step = g_ptr_array_index (routine->steps, i);

      if (dk_routine_find_step (other, step->id) != NULL)
        g_ptr_array_add (ids, step->id);
    }
  return ids;
}

/* The ids on a longest common subsequence of @a and @b: the steps that kept their
 * order. (transfer container) */
static GHashTable *
kept_in_order (GPtrArray *a,
               GPtrArray *b)
{
  guint n = a->len, m = b->len;
  g_autofree guint *table = g_new0 (guint, (gsize) (n + 1) * (m + 1));
  GHashTable *kept = g_hash_table_new (g_str_hash, g_str_equal);
  guint i, j;

#define AT(x, y) table[(gsize) (x) * (m + 1) + (y)]
  for (i = n; i-- > 0;)
    for (j = m; j-- > 0;)
      AT (i, j) = g_strcmp0 (a->pdata[i], b->pdata[j]) == 0
                    ? AT (i + 1, j + 1) + 1 : MAX (AT (i + 1, j), AT (i, j + 1));

  i = 0, j = 0;
  while (i < n && j < m)
    {
      if (g_strcmp0 (a->pdata[i], b->pdata[j]) == 0)
        {
          g_hash_table_add (kept, a->pdata[i]);
          i++, j++;
        }
      else if (AT (i + 1, j) >= AT (i, j + 1))
        i++;
      else
        j++;
    }
#undef AT

  return kept;
}

static guint
position_of (const DkRoutine *routine,
             const char      *step_id)
{
  for (guint i = 0; i < routine->steps->len; i++)
    {
      const DkRoutineStep *step = g_ptr_array_index (routine->steps, i);

      if (g_strcmp0 (step->id, step_id) == 0)
        return i + 1;
    }
  return 0;
}

/**
 * dk_routine_diff:
 * @old_routine: the earlier revision
 * @new_routine: the later revision
 *
 * Returns: (transfer full) (element-type DkRoutineChange): the changes, none when the
 *   two read the same
 */
GPtrArray *
dk_routine_diff (const DkRoutine *old_routine,
                 const DkRoutine *new_routine)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_routine_change_free);
  g_autofree char *old_services = NULL;
  g_autofree char *new_services = NULL;
  g_autoptr(GPtrArray) old_common = NULL;
  g_autoptr(GPtrArray) new_common = NULL;
  g_autoptr(GHashTable) kept = NULL;

  g_return_val_if_fail (old_routine != NULL && new_routine != NULL, changes);

  compare_text (changes, DK_ROUTINE_CHANGE_FIELD, NULL, "title", old_routine->title,
                new_routine->title);
  old_services = join_services (old_routine->services);
  new_services = join_services (new_routine->services);
  compare_text (changes, DK_ROUTINE_CHANGE_FIELD, NULL, "services", old_services, new_services);
  compare_text (changes, DK_ROUTINE_CHANGE_FIELD, NULL, "audience", old_routine->audience,
                new_routine->audience);
  compare_text (changes, DK_ROUTINE_CHANGE_FIELD, NULL, "owner", old_routine->owner,
                new_routine->owner);
  if (old_routine->revision != new_routine->revision)
    add_change (changes, DK_ROUTINE_CHANGE_FIELD, NULL, "revision",
                g_strdup_printf ("%" G_GINT64_FORMAT, old_routine->revision),
                g_strdup_printf ("%" G_GINT64_FORMAT, new_routine->revision));
  compare_time (changes, "approved_at", old_routine->approved_at, new_routine->approved_at);
  compare_text (changes, DK_ROUTINE_CHANGE_FIELD, NULL, "approved_by", old_routine->approved_by,
                new_routine->approved_by);
  compare_time (changes, "valid_until", old_routine->valid_until, new_routine->valid_until);

  old_common = common_ids (old_routine, new_routine);
  new_common = common_ids (new_routine, old_routine);
  kept = kept_in_order (old_common, new_common);

  for (guint i = 0; i < new_routine->steps->len; i++)
    {
      const DkRoutineStep *step = g_ptr_array_index (new_routine->steps, i);
      const DkRoutineStep *old_step = dk_routine_find_step (old_routine, step->id);

      if (old_step == NULL)
        {
          add_change (changes, DK_ROUTINE_CHANGE_STEP_ADDED, step->id,
                      dk_routine_phase_to_string (step->phase), NULL, g_strdup (step->text));
          continue;
        }
      if (!g_hash_table_contains (kept, step->id) && old_step->phase == step->phase)
        add_change (changes, DK_ROUTINE_CHANGE_STEP_MOVED, step->id, NULL,
                    g_strdup_printf ("%u", position_of (old_routine, step->id)),
                    g_strdup_printf ("%u", i + 1));
      compare_steps (changes, old_step, step);
    }

  for (guint i = 0; i < old_routine->steps->len; i++)
    {
      const DkRoutineStep *step = g_ptr_array_index (old_routine->steps, i);

      if (dk_routine_find_step (new_routine, step->id) == NULL)
        add_change (changes, DK_ROUTINE_CHANGE_STEP_REMOVED, step->id,
                    dk_routine_phase_to_string (step->phase), g_strdup (step->text), NULL);
    }

  return changes;
}

static const char *
field_label (const char *field)
{
  static const struct { const char *field; const char *label; } labels[] = {
    /* Translators: fields of a routine's document control, as in "Owner changed" */
    { "title", N_("Title") },
    { "services", N_("Services") },
    { "audience", N_("Audience") },
    { "owner", N_("Owner") },
    { "revision", N_("Revision") },
    { "approved_at", N_("Approved date") },
    { "approved_by", N_("Approved by") },
    { "valid_until", N_("Valid until") },
    /* Translators: fields of a routine's step */
    { "phase", N_("Phase") },
    { "text", N_("Text") },
    { "condition", N_("Condition") },
    { "contact", N_("Contact") },
    { "form", N_("Form") },
    { "deadline", N_("Deadline") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      if (g_strcmp0 (labels[i].field, field) == 0)
        return _(labels[i].label);
    }
  return field;
}

static const char *
or_dash (const char *value)
{
  return value != NULL ? value : "—";
}

/**
 * dk_routine_change_describe:
 * @change: a change
 *
 * Returns: (transfer full): the change in one line, translated
 */
char *
dk_routine_change_describe (const DkRoutineChange *change)
{
  DkRoutinePhase phase = DK_ROUTINE_PHASE_DURING;

  g_return_val_if_fail (change != NULL, NULL);

  switch (change->kind)
    {
    case DK_ROUTINE_CHANGE_FIELD:
      /* Translators: "Valid until: 2026-01-31 → 2027-01-31" */
      return g_strdup_printf (_("%s: %s → %s"), field_label (change->field),
                              or_dash (change->old_value), or_dash (change->new_value));
    case DK_ROUTINE_CHANGE_STEP_ADDED:
      dk_routine_phase_from_string (change->field, &phase);
      /* Translators: "Added step s9 (After the outage): “text”" */
      return g_strdup_printf (_("Added step %s (%s): “%s”"), change->step,
                              dk_routine_phase_label (phase), or_dash (change->new_value));
    case DK_ROUTINE_CHANGE_STEP_REMOVED:
      dk_routine_phase_from_string (change->field, &phase);
      return g_strdup_printf (_("Removed step %s (%s): “%s”"), change->step,
                              dk_routine_phase_label (phase), or_dash (change->old_value));
    case DK_ROUTINE_CHANGE_STEP_CHANGED:
      /* Translators: "Step s3, Text: “old” → “new”" */
      return g_strdup_printf (_("Step %s, %s: “%s” → “%s”"), change->step,
                              field_label (change->field), or_dash (change->old_value),
                              or_dash (change->new_value));
    case DK_ROUTINE_CHANGE_STEP_MOVED:
      /* Translators: "Step s3 moved from place 3 to place 5" */
      return g_strdup_printf (_("Step %s moved from place %s to place %s"), change->step,
                              or_dash (change->old_value), or_dash (change->new_value));
    default:
      g_return_val_if_reached (NULL);
    }
}
