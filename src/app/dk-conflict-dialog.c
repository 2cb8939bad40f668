/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-conflict-dialog.c: a case edit that met another one on the server: both versions
 * side by side, field by field, the user choosing which to keep
 *
 * The outbox keeps the server's version of a conflicting entry (entry->current) and the
 * replica keeps the user's (the local version shows until the entry is answered). Only
 * the fields that differ are shown; the ones the user changed start on "yours", the
 * others on the server's. The choice is sent with dk_local_resolve_case_conflict (): a
 * new edit based on the server's revision. "Later" closes the window and keeps
 * everything as it is: nothing typed is lost. */

#define G_LOG_DOMAIN "dk-conflict-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-conflict-dialog.h"
#include "dk-format.h"
#include "dk-local-changes.h"

typedef enum {
  FIELD_TITLE,
  FIELD_DESCRIPTION,
  FIELD_SCOPE,
  FIELD_SERVICES,
  FIELD_PRIORITY,
  FIELD_MAJOR,
  FIELD_PUBLIC,
  FIELD_STATUS,
  FIELD_START,
  FIELD_EXPECTED_END,
  FIELD_EXTERNAL_REF,
} Field;

/* The case's members an edit may change, in the order a person reads them. */
static const struct {
  Field       field;
  const char *member;
  const char *label;
} fields[] = {
  { FIELD_TITLE, "title", N_("Title") },
  { FIELD_DESCRIPTION, "description", N_("Description") },
  { FIELD_SCOPE, "scope", N_("Scope") },
  { FIELD_SERVICES, "services", N_("Affected services") },
  { FIELD_PRIORITY, "priority", N_("Priority") },
  { FIELD_MAJOR, "major", N_("Major incident") },
  { FIELD_PUBLIC, "public", N_("Visibility") },
  { FIELD_STATUS, "status", N_("Status") },
  { FIELD_START, "start", N_("Start") },
  { FIELD_EXPECTED_END, "expected_end", N_("Estimated end") },
  { FIELD_EXTERNAL_REF, "external_ref", N_("External reference") },
};

typedef struct {
  guint            index;          /* into fields[] */
  GtkToggleButton *mine_button;
} Choice;

struct _DkConflictDialog
{
  AdwWindow       parent_instance;

  /* template widgets */
  GtkBox         *fields_box;
  GtkLabel       *intro_label;
  GtkLabel       *same_label;
  GtkButton      *send_button;
  AdwWindowTitle *window_title;

  /* owned */
  DkSyncEngine   *engine;
  char           *mutation_id;
  DkCase         *mine;
  DkCase         *theirs;
  JsonNode       *mine_json;
  GArray         *choices;         /* Choice */

  /* state */
  gboolean        narrow;          /* the versions one above the other */
};

G_DEFINE_FINAL_TYPE (DkConflictDialog, dk_conflict_dialog, ADW_TYPE_WINDOW)

/* A field's value, as the case page writes it. */
static char *
format_field (const DkCase *kase,
              Field         field,
              GHashTable   *service_names)
{
  const char *text = NULL;

  switch (field)
    {
    case FIELD_TITLE:
      text = kase->title;
      break;
    case FIELD_DESCRIPTION:
      text = kase->description;
      break;
    case FIELD_SCOPE:
      text = kase->scope;
      break;
    case FIELD_SERVICES:
      return dk_format_services (kase->services, service_names);
    case FIELD_PRIORITY:
      /* The level with what it means: two versions side by side read at a glance. */
      if (dk_priority_is_valid (kase->priority))
        return dk_priority_dup_description (kase->priority);
      return g_strdup_printf (_("Priority %d"), kase->priority);
    case FIELD_MAJOR:
      return g_strdup (kase->major ? _("Yes") : _("No"));
    case FIELD_PUBLIC:
      return g_strdup (kase->public ? _("Public") : _("Internal"));
    case FIELD_STATUS:
      return g_strdup (dk_case_status_label (kase->status));
    case FIELD_START:
      return dk_format_time (kase->start);
    case FIELD_EXPECTED_END:
      return dk_format_time (kase->expected_end);
    case FIELD_EXTERNAL_REF:
      text = kase->external_ref;
      break;
    default:
      g_assert_not_reached ();
    }

  return g_strdup (text != NULL ? text : "");
}

static GHashTable *
read_service_names (DkStore *store)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) services = NULL;
  g_autoptr(GError) error = NULL;

  services = dk_store_list_services (store, &error);
  if (services == NULL)
    g_warning ("Could not read the services: %s", error->message);
  for (guint i = 0; services != NULL && i < services->len; i++)
    {
      DkService *service = g_ptr_array_index (services, i);

      g_hash_table_insert (names, g_strdup (service->id), g_strdup (service->name));
    }

  return names;
}

/* One side of a field: what it says, with whose it is above it. */
static GtkWidget *
new_side (const char *whose,
          const char *value,
          const char *accessible_name)
{
  GtkWidget *button = gtk_toggle_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *whose_label = gtk_label_new (whose);
  GtkWidget *value_label = gtk_label_new (value[0] != '\0' ? value : _("(empty)"));

  gtk_label_set_xalign (GTK_LABEL (whose_label), 0);
  gtk_widget_add_css_class (whose_label, "caption-heading");
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_valign (box, GTK_ALIGN_START);
  if (value[0] == '\0')
    gtk_widget_add_css_class (value_label, "dim-label");
  gtk_box_append (GTK_BOX (box), whose_label);
  gtk_box_append (GTK_BOX (box), value_label);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_set_hexpand (button, TRUE);
  gtk_widget_add_css_class (button, "dk-choice");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, value, -1);

  return button;
}

/* Adds the field @index with both versions; FALSE when they are the same. */
static gboolean
add_field (DkConflictDialog *self,
           guint             index,
           JsonObject       *data,
           GHashTable       *service_names)
{
  g_autofree char *mine = format_field (self->mine, fields[index].field, service_names);
  g_autofree char *theirs = format_field (self->theirs, fields[index].field, service_names);
  g_autofree char *mine_name = NULL;
  g_autofree char *theirs_name = NULL;
  gboolean edited = json_object_has_member (data, fields[index].member);
  const char *label = _(fields[index].label);
  GtkWidget *field_box;
  GtkWidget *heading;
  GtkWidget *sides;
  GtkWidget *mine_button;
  GtkWidget *theirs_button;
  Choice choice;

  g_assert (DK_IS_CONFLICT_DIALOG (self));

  if (g_strcmp0 (mine, theirs) == 0)
    return FALSE;

  field_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  heading = gtk_label_new (label);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (field_box), heading);
  if (edited)
    {
      GtkWidget *note = gtk_label_new (_("You changed this field"));

      gtk_label_set_xalign (GTK_LABEL (note), 0);
      gtk_widget_add_css_class (note, "dim-label");
      gtk_widget_add_css_class (note, "caption");
      gtk_box_append (GTK_BOX (field_box), note);
    }

  /* Translators: the accessible name of a choice in the conflict view: "Title: keep yours" */
  mine_name = g_strdup_printf (_("%s: keep yours"), label);
  /* Translators: the accessible name of a choice in the conflict view */
  theirs_name = g_strdup_printf (_("%s: keep the server’s"), label);
  mine_button = new_side (_("Yours"), mine, mine_name);
  theirs_button = new_side (_("On the server"), theirs, theirs_name);
  gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (theirs_button), GTK_TOGGLE_BUTTON (mine_button));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (edited ? mine_button : theirs_button), TRUE);

  sides = gtk_box_new (self->narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL,
                       self->narrow ? 6 : 12);
  gtk_box_set_homogeneous (GTK_BOX (sides), !self->narrow);
  gtk_box_append (GTK_BOX (sides), mine_button);
  gtk_box_append (GTK_BOX (sides), theirs_button);
  gtk_box_append (GTK_BOX (field_box), sides);
  gtk_box_append (self->fields_box, field_box);

  choice.index = index;
  choice.mine_button = GTK_TOGGLE_BUTTON (mine_button);
  g_array_append_val (self->choices, choice);

  return TRUE;
}

/* Reads the entry and shows its fields; FALSE when it is no case's conflict. */
static gboolean
load_entry (DkConflictDialog *self)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autoptr(DkOutboxEntry) entry = NULL;
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GHashTable) service_names = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *intro = NULL;
  guint n_same = 0;

  g_assert (DK_IS_CONFLICT_DIALOG (self));

  entry = dk_store_outbox_get (store, self->mutation_id, &error);
  if (entry == NULL)
    {
      g_warning ("Could not read the change: %s",
                 error != NULL ? error->message : "no such entry");
      return FALSE;
    }
  if (entry->state != DK_OUTBOX_CONFLICT || entry->current == NULL ||
      g_strcmp0 (entry->object_type, DK_TYPE_NAME_CASE) != 0)
    {
      g_message ("The change %s is no conflict over a case", self->mutation_id);
      return FALSE;
    }

  current = json_from_string (entry->current, &error);
  if (current != NULL)
    self->theirs = dk_case_from_json (current, &error);
  if (self->theirs == NULL)
    {
      g_warning ("Could not read the server’s version: %s", error->message);
      return FALSE;
    }
  self->mine = dk_store_get_case (store, entry->object_id, &error);
  if (self->mine == NULL)
    {
      g_warning ("Could not read your version: %s", error->message);
      return FALSE;
    }
  self->mine_json = dk_case_to_json (self->mine);
  data = json_from_string (entry->data, NULL);
  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    {
      g_clear_pointer (&data, json_node_unref);
      data = json_node_init_object (json_node_alloc (), json_object_new ());
    }

  adw_window_title_set_subtitle (self->window_title,
                                 self->theirs->number != NULL ? self->theirs->number
                                                              : self->theirs->title);
  intro = g_strdup_printf (_("Someone changed “%s” on the server while your change waited to "
                             "be published. For each field that differs, choose the version "
                             "to keep; the fields you changed start on yours."),
                           self->theirs->title);
  gtk_label_set_label (self->intro_label, intro);

  service_names = read_service_names (store);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (!add_field (self, i, json_node_get_object (data), service_names))
      n_same++;

  if (self->choices->len == 0)
    gtk_label_set_label (self->same_label,
                         _("Both versions are now the same: publishing keeps them."));
  else
    {
      g_autofree char *same = NULL;

      same = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u other field is the same in both versions.",
                                           "%u other fields are the same in both versions.",
                                           n_same), n_same);
      gtk_label_set_label (self->same_label, same);
    }

  return TRUE;
}

static void
show_error (DkConflictDialog *self,
            const char       *heading,
            const GError     *error)
{
  AdwMessageDialog *dialog;

  g_assert (DK_IS_CONFLICT_DIALOG (self));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- actions ---- */

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DkConflictDialog *self = DK_CONFLICT_DIALOG (widget);
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autoptr(JsonObject) chosen = json_object_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *mine = json_node_get_object (self->mine_json);
  const char *me = dk_sync_engine_get_username (self->engine);
  gboolean ok;

  for (guint i = 0; i < self->choices->len; i++)
    {
      Choice *choice = &g_array_index (self->choices, Choice, i);
      const char *member = fields[choice->index].member;
      JsonNode *node = json_object_get_member (mine, member);

      if (!gtk_toggle_button_get_active (choice->mine_button))
        continue;
      if (node != NULL)
        json_object_set_member (chosen, member, json_node_copy (node));
      else
        json_object_set_null_member (chosen, member);
    }

  /* The server's version in every field: nothing is left to send. */
  if (json_object_get_size (chosen) == 0)
    ok = dk_store_outbox_discard (store, self->mutation_id, &error);
  else
    ok = dk_local_resolve_case_conflict (store, self->mutation_id, chosen,
                                         me != NULL ? me : "", dk_time_now (), &error);
  if (!ok)
    {
      show_error (self, _("Could Not Publish the Choice"), error);
      return;
    }

  g_debug ("Resolved %s with %u fields of the user's", self->mutation_id,
           json_object_get_size (chosen));
  /* The store announces the commit: the lists read the replica anew, the engine sends. */
  gtk_window_destroy (GTK_WINDOW (self));
}

/* ---- GObject ---- */

static void
dk_conflict_dialog_dispose (GObject *object)
{
  DkConflictDialog *self = DK_CONFLICT_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DK_TYPE_CONFLICT_DIALOG);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->mine, dk_case_unref);
  g_clear_pointer (&self->theirs, dk_case_unref);
  g_clear_pointer (&self->mine_json, json_node_unref);
  g_clear_pointer (&self->choices, g_array_unref);

  G_OBJECT_CLASS (dk_conflict_dialog_parent_class)->dispose (object);
}

static void
dk_conflict_dialog_finalize (GObject *object)
{
  DkConflictDialog *self = DK_CONFLICT_DIALOG (object);

  g_free (self->mutation_id);

  G_OBJECT_CLASS (dk_conflict_dialog_parent_class)->finalize (object);
}

static void
dk_conflict_dialog_class_init (DkConflictDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_conflict_dialog_dispose;
  object_class->finalize = dk_conflict_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-conflict-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DkConflictDialog, fields_box);
  gtk_widget_class_bind_template_child (widget_class, DkConflictDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, DkConflictDialog, same_label);
  gtk_widget_class_bind_template_child (widget_class, DkConflictDialog, send_button);
  gtk_widget_class_bind_template_child (widget_class, DkConflictDialog, window_title);

  gtk_widget_class_install_action (widget_class, "conflict.send", NULL, send_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dk_conflict_dialog_init (DkConflictDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->choices = g_array_new (FALSE, FALSE, sizeof (Choice));
}

/* ---- public API ---- */

/**
 * dk_conflict_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @engine: the sync engine, with the replica and the user
 * @mutation_id: the conflicting outbox entry
 *
 * Returns: (transfer full) (nullable): a new window, %NULL when the entry is no
 *   conflict over a case (any more)
 */
GtkWindow *
dk_conflict_dialog_new (GtkWindow    *parent,
                        DkSyncEngine *engine,
                        const char   *mutation_id)
{
  DkConflictDialog *self;

  g_return_val_if_fail (DK_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (mutation_id != NULL, NULL);

  self = g_object_new (DK_TYPE_CONFLICT_DIALOG, "transient-for", parent, NULL);
  /* No wider than the window it belongs to: a narrow one gets the versions stacked. */
  if (parent != NULL && gtk_widget_get_width (GTK_WIDGET (parent)) > 0)
    {
      int width = gtk_widget_get_width (GTK_WIDGET (parent));
      int height = gtk_widget_get_height (GTK_WIDGET (parent));

      self->narrow = width < 600;
      gtk_window_set_default_size (GTK_WINDOW (self), MIN (width, 760), MIN (height, 640));
    }
  self->engine = g_object_ref (engine);
  self->mutation_id = g_strdup (mutation_id);
  if (!load_entry (self))
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return NULL;
    }

  return GTK_WINDOW (self);
}

/**
 * dk_conflict_dialog_find_entry:
 * @store: the replica
 * @case_id: a case's id
 * @state: %DK_OUTBOX_CONFLICT or %DK_OUTBOX_REJECTED
 *
 * Returns: (transfer full) (nullable): the mutation id of the oldest entry of the case
 *   in that state
 */
char *
dk_conflict_dialog_find_entry (DkStore       *store,
                               const char    *case_id,
                               DkOutboxState  state)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (DK_IS_STORE (store), NULL);
  g_return_val_if_fail (case_id != NULL, NULL);

  if (dk_store_outbox_count (store, state) == 0)
    return NULL;
  entries = dk_store_outbox_list (store, &error);
  if (entries == NULL)
    {
      g_warning ("Could not read the outbox: %s", error->message);
      return NULL;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      DkOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (entry->state == state && g_strcmp0 (entry->object_type, DK_TYPE_NAME_CASE) == 0 &&
          g_strcmp0 (entry->object_id, case_id) == 0)
        return g_strdup (entry->mutation_id);
    }

  return NULL;
}

