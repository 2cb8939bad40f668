/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-resend-dialog.c: a publication the server refused, kept with its reason; its texts
 * opened for editing and sent again with dk_store_outbox_retry ()
 *
 * The entry keeps its mutation id, so the server still applies it at most once. What a
 * person wrote (a title, a description, an update's or a closing's text, a follow-up
 * note) is editable; the new local version is the case as it will look once the server
 * takes it, checked with the core's codec before anything is sent. */

#define G_LOG_DOMAIN "dk-resend-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dk-resend-dialog.h"

/* The texts of a case mutation's data a person may edit: a member, or "object.member". */
static const struct {
  const char *path;
  const char *label;
  gboolean    multi_line;
} editable[] = {
  { "title", N_("Title"), FALSE },
  { "description", N_("Description"), TRUE },
  { "scope", N_("Scope"), TRUE },
  { "external_ref", N_("External reference"), FALSE },
  { "text", N_("Text"), TRUE },
  { "update.text", N_("Update text"), TRUE },
  { "follow_up.text", N_("Follow-up note"), TRUE },
};

typedef struct {
  guint      index;      /* into editable[] */
  GtkWidget *editor;     /* AdwEntryRow or GtkTextView */
} Editor;

struct _DkResendDialog
{
  AdwWindow       parent_instance;

  /* template widgets */
  GtkBox         *fields_box;
  GtkLabel       *reason_label;
  GtkButton      *send_button;
  GtkLabel       *what_label;
  AdwWindowTitle *window_title;

  /* owned */
  DkSyncEngine   *engine;
  DkOutboxEntry  *entry;
  JsonNode       *data;
  GArray         *editors;       /* Editor */
};

G_DEFINE_FINAL_TYPE (DkResendDialog, dk_resend_dialog, ADW_TYPE_WINDOW)

/* The object holding @path's last member, and that member's name; NULL when absent. */
static JsonObject *
resolve_path (JsonNode    *data,
              const char  *path,
              const char **out_member)
{
  JsonObject *object = json_node_get_object (data);
  const char *dot = strchr (path, '.');

  if (dot != NULL)
    {
      g_autofree char *head = g_strndup (path, dot - path);
      JsonNode *inner = json_object_get_member (object, head);

      if (inner == NULL || !JSON_NODE_HOLDS_OBJECT (inner))
        return NULL;
      object = json_node_get_object (inner);
      path = dot + 1;
    }

  *out_member = path;
  return object;
}

static const char *
describe_op (const char *op)
{
  static const struct { const char *op; const char *text; } ops[] = {
    { "case.create", N_("A new case you published") },
    { "case.edit", N_("Your changes to a case") },
    { "case.add_update", N_("An update you added") },
    { "case.close", N_("A case you closed") },
    { "case.follow_up", N_("A follow-up note you wrote") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    if (g_strcmp0 (op, ops[i].op) == 0)
      return _(ops[i].text);
  return op;
}

static void
add_editor (DkResendDialog *self,
            guint           index,
            const char     *text)
{
  const char *label = _(editable[index].label);
  Editor editor = { index, NULL };

  g_assert (DK_IS_RESEND_DIALOG (self));

  if (!editable[index].multi_line)
    {
      GtkWidget *list = gtk_list_box_new ();

      gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
      gtk_widget_add_css_class (list, "boxed-list");
      editor.editor = adw_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (editor.editor), label);
      gtk_editable_set_text (GTK_EDITABLE (editor.editor), text);
      gtk_list_box_append (GTK_LIST_BOX (list), editor.editor);
      gtk_box_append (self->fields_box, list);
    }
  else
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      GtkWidget *heading = gtk_label_new (label);
      GtkWidget *frame = gtk_frame_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (heading), 0);
      gtk_widget_add_css_class (heading, "heading");
      editor.editor = gtk_text_view_new ();
      gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (editor.editor), GTK_WRAP_WORD_CHAR);
      gtk_text_view_set_top_margin (GTK_TEXT_VIEW (editor.editor), 6);
      gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (editor.editor), 6);
      gtk_text_view_set_left_margin (GTK_TEXT_VIEW (editor.editor), 6);
      gtk_text_view_set_right_margin (GTK_TEXT_VIEW (editor.editor), 6);
      gtk_widget_set_size_request (editor.editor, -1, 96);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor.editor)),
                                text, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (editor.editor),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_frame_set_child (GTK_FRAME (frame), editor.editor);
      gtk_box_append (GTK_BOX (box), heading);
      gtk_box_append (GTK_BOX (box), frame);
      gtk_box_append (self->fields_box, box);
    }

  g_array_append_val (self->editors, editor);
}

static gboolean
load_entry (DkResendDialog *self,
            const char     *mutation_id)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) reason = g_string_new (NULL);
  g_autoptr(DkCase) kase = NULL;

  g_assert (DK_IS_RESEND_DIALOG (self));

  self->entry = dk_store_outbox_get (store, mutation_id, &error);
  if (self->entry == NULL)
    {
      g_warning ("Could not read the change: %s",
                 error != NULL ? error->message : "no such entry");
      return FALSE;
    }
  if (self->entry->state != DK_OUTBOX_REJECTED ||
      g_strcmp0 (self->entry->object_type, DK_TYPE_NAME_CASE) != 0)
    {
      g_message ("The change %s is no refused case change", mutation_id);
      return FALSE;
    }
  self->data = json_from_string (self->entry->data, &error);
  if (self->data == NULL || !JSON_NODE_HOLDS_OBJECT (self->data))
    {
      g_warning ("Could not read the change's data: %s",
                 error != NULL ? error->message : "not an object");
      return FALSE;
    }

  g_string_append (reason, self->entry->error_message != NULL ? self->entry->error_message
                                                              : _("No reason given"));
  if (self->entry->error_code != NULL)
    g_string_append_printf (reason, " (%s)", self->entry->error_code);
  gtk_label_set_label (self->reason_label, reason->str);

  kase = dk_store_get_case (store, self->entry->object_id, NULL);
  if (kase != NULL || g_strcmp0 (self->entry->op, "case.create") == 0)
    {
      g_autofree char *what = NULL;
      const char *title = kase != NULL ? kase->title
                          : json_object_get_string_member_with_default (
                              json_node_get_object (self->data), "title", "");

      /* Translators: what a refused change was, then the case's title */
      what = g_strdup_printf (_("%s: “%s”. Correct it and send it again."),
                              describe_op (self->entry->op), title);
      gtk_label_set_label (self->what_label, what);
      adw_window_title_set_subtitle (self->window_title,
                                     kase != NULL && kase->number != NULL ? kase->number : title);
    }

  for (guint i = 0; i < G_N_ELEMENTS (editable); i++)
    {
      const char *member;
      JsonObject *object = resolve_path (self->data, editable[i].path, &member);
      JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

      if (node != NULL && (JSON_NODE_HOLDS_NULL (node) ||
                           json_node_get_value_type (node) == G_TYPE_STRING))
        add_editor (self, i, JSON_NODE_HOLDS_NULL (node) ? "" : json_node_get_string (node));
    }
  if (self->editors->len == 0)
    gtk_label_set_label (self->what_label,
                         _("Nothing of this change is text to correct: send it again as it is, "
                           "or discard it."));

  return TRUE;
}

static char *
editor_text (const Editor *editor)
{
  GtkTextIter start, end;
  GtkTextBuffer *buffer;

  if (ADW_IS_ENTRY_ROW (editor->editor))
    return g_strdup (gtk_editable_get_text (GTK_EDITABLE (editor->editor)));

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor->editor));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
append_member_element (JsonObject *kase,
                       const char *member,
                       JsonNode   *element)
{
  JsonNode *array = json_object_get_member (kase, member);

  if (array == NULL || !JSON_NODE_HOLDS_ARRAY (array))
    {
      json_object_set_array_member (kase, member, json_array_new ());
      array = json_object_get_member (kase, member);
    }
  json_array_add_element (json_node_get_array (array), element);
}

/* The case as it will look once the server takes @data: the local version shown while
 * the change waits. NULL with @error when the core would refuse it. */
static JsonNode *
build_local_object (DkResendDialog  *self,
                    JsonNode        *data,
                    GError         **error)
{
  DkStore *store = dk_sync_engine_get_store (self->engine);
  const char *me = dk_sync_engine_get_username (self->engine) != NULL
                   ? dk_sync_engine_get_username (self->engine) : "";
  JsonObject *fields = json_node_get_object (data);
  g_autofree char *now = dk_time_format (dk_time_now ());
  g_autoptr(JsonNode) local = NULL;
  g_autoptr(DkCase) checked = NULL;
  const char *op = self->entry->op;
  JsonObject *kase;

  g_assert (DK_IS_RESEND_DIALOG (self));

  if (g_strcmp0 (op, "case.create") == 0)
    {
      local = json_node_copy (data);
      kase = json_node_get_object (local);
      json_object_set_string_member (kase, "publisher", me);
      json_object_set_string_member (kase, "created_at", now);
      json_object_set_int_member (kase, "revision", 0);
    }
  else
    {
      g_autoptr(DkCase) current = dk_store_get_case (store, self->entry->object_id, error);

      if (current == NULL)
        return NULL;
      local = dk_case_to_json (current);
      kase = json_node_get_object (local);
    }

  if (g_strcmp0 (op, "case.edit") == 0)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      json_object_iter_init (&iter, fields);
      while (json_object_iter_next (&iter, &name, &node))
        if (!g_str_equal (name, "id"))
          json_object_set_member (kase, name, json_node_copy (node));
    }
  else if (g_strcmp0 (op, "case.add_update") == 0 && json_object_has_member (fields, "update"))
    {
      JsonNode *update = json_node_copy (json_object_get_member (fields, "update"));

      if (JSON_NODE_HOLDS_OBJECT (update))
        json_object_set_string_member (json_node_get_object (update), "author", me);
      append_member_element (kase, "updates", update);
      if (json_object_has_member (fields, "expected_end"))
        json_object_set_member (kase, "expected_end",
                                json_node_copy (json_object_get_member (fields, "expected_end")));
    }
  else if (g_strcmp0 (op, "case.close") == 0)
    {
      JsonObject *update = json_object_new ();
      g_autofree char *id = g_uuid_string_random ();
      const char *at = json_object_get_string_member_with_default (fields, "at", now);

      json_object_set_string_member (update, "id", id);
      json_object_set_string_member (update, "at", at);
      json_object_set_string_member (update, "phrase", "resolved");
      json_object_set_string_member (update, "text",
                                     json_object_get_string_member_with_default (fields, "text",
                                                                                 _("Resolved")));
      json_object_set_string_member (update, "author", me);
      append_member_element (kase, "updates", json_node_init_object (json_node_alloc (), update));
      json_object_unref (update);
      json_object_set_string_member (kase, "status", "closed");
      json_object_set_string_member (kase, "closed_at", at);
    }
  else if (g_strcmp0 (op, "case.follow_up") == 0 && json_object_has_member (fields, "follow_up"))
    {
      JsonNode *note = json_node_copy (json_object_get_member (fields, "follow_up"));

      if (JSON_NODE_HOLDS_OBJECT (note))
        {
          json_object_set_string_member (json_node_get_object (note), "author", me);
          json_object_set_string_member (json_node_get_object (note), "at", now);
        }
      append_member_element (kase, "follow_ups", note);
    }

  /* Read back as the server reads it, and checked as a publication is. */
  checked = dk_case_from_json (local, error);
  if (checked == NULL || !dk_case_validate (checked, error))
    return NULL;

  return dk_case_to_json (checked);
}

/* ---- actions ---- */

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DkResendDialog *self = DK_RESEND_DIALOG (widget);
  g_autoptr(JsonNode) data = json_node_copy (self->data);
  g_autoptr(JsonNode) local = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->editors->len; i++)
    {
      const Editor *editor = &g_array_index (self->editors, Editor, i);
      g_autofree char *text = editor_text (editor);
      const char *member;
      JsonObject *object = resolve_path (data, editable[editor->index].path, &member);

      if (object != NULL)
        json_object_set_string_member (object, member, g_strstrip (text));
    }

  local = build_local_object (self, data, &error);
  if (local == NULL ||
      !dk_store_outbox_retry (dk_sync_engine_get_store (self->engine), self->entry->mutation_id,
                              data, local, &error))
    {
      AdwMessageDialog *dialog;

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                           _("Could Not Send It Again"),
                                                           error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  g_debug ("Sending %s again", self->entry->mutation_id);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* ---- GObject ---- */

static void
dk_resend_dialog_dispose (GObject *object)
{
  DkResendDialog *self = DK_RESEND_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DK_TYPE_RESEND_DIALOG);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->entry, dk_outbox_entry_free);
  g_clear_pointer (&self->data, json_node_unref);
  g_clear_pointer (&self->editors, g_array_unref);

  G_OBJECT_CLASS (dk_resend_dialog_parent_class)->dispose (object);
}

static void
dk_resend_dialog_class_init (DkResendDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dk_resend_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/driftkoll/Driftkoll/dk-resend-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DkResendDialog, fields_box);
  gtk_widget_class_bind_template_child (widget_class, DkResendDialog, reason_label);
  gtk_widget_class_bind_template_child (widget_class, DkResendDialog, send_button);
  gtk_widget_class_bind_template_child (widget_class, DkResendDialog, what_label);
  gtk_widget_class_bind_template_child (widget_class, DkResendDialog, window_title);

  gtk_widget_class_install_action (widget_class, "resend.send", NULL, send_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dk_resend_dialog_init (DkResendDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->editors = g_array_new (FALSE, FALSE, sizeof (Editor));
}

/* ---- public API ---- */

/**
 * dk_resend_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @engine: the sync engine, with the replica and the user
 * @mutation_id: the refused outbox entry
 *
 * Returns: (transfer full) (nullable): a new window, %NULL when the entry is no refused
 *   case change (any more)
 */
GtkWindow *
dk_resend_dialog_new (GtkWindow    *parent,
                      DkSyncEngine *engine,
                      const char   *mutation_id)
{
  DkResendDialog *self;

  g_return_val_if_fail (DK_IS_SYNC_ENGINE (engine), NULL);
  g_return_val_if_fail (mutation_id != NULL, NULL);

  self = g_object_new (DK_TYPE_RESEND_DIALOG, "transient-for", parent, NULL);
  /* No wider than the window it belongs to. */
  if (parent != NULL && gtk_widget_get_width (GTK_WIDGET (parent)) > 0)
    gtk_window_set_default_size (GTK_WINDOW (self),
                                 MIN (gtk_widget_get_width (GTK_WIDGET (parent)), 640),
                                 MIN (gtk_widget_get_height (GTK_WIDGET (parent)), 600));
  self->engine = g_object_ref (engine);
  if (!load_entry (self, mutation_id))
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return NULL;
    }

  return GTK_WINDOW (self);
}
