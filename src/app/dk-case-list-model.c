/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-case-list-model.c: a GListModel of cases over the replica, fetched in chunks */

#define G_LOG_DOMAIN "dk-case-list-model"

#include "config.h"

#include "dk-case-list-model.h"
#include "dk-case-object.h"
#include "dk-store-list.h"

/* Rows read at a time, and how many such chunks stay in memory. */
#define CHUNK_SIZE 64
#define MAX_CHUNKS 16
/* A search shows at most this many matches. */
#define SEARCH_LIMIT 500

struct _DkCaseListModel
{
  GObject         parent_instance;

  /* owned */
  DkStore        *store;
  DkSubscription *following;
  char           *service;       /* the query's service, owned */
  char           *search;
  GHashTable     *chunks;        /* chunk index → GPtrArray of DkCaseObject */
  GQueue          chunk_order;   /* chunk indexes, the latest read first */
  GHashTable     *marks;         /* case id → DkCaseMark, for cases with local changes */
  GArray         *keys;          /* listing: the cases' keys in order (gint64) */
  GPtrArray      *matches;       /* searching: DkCaseObject, all of them */
  GError         *error;

  /* state */
  gboolean        search_only;   /* no search, no items */
  DkCaseQuery     query;
  gint64          now;           /* the time the list was counted at */
  guint           n_items;
};

static void dk_case_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DkCaseListModel, dk_case_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      dk_case_list_model_iface_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
forget_rows (DkCaseListModel *self)
{
  g_assert (DK_IS_CASE_LIST_MODEL (self));

  g_hash_table_remove_all (self->chunks);
  g_queue_clear (&self->chunk_order);
  g_clear_pointer (&self->matches, g_ptr_array_unref);
  g_clear_pointer (&self->keys, g_array_unref);
}

static void
remember_error (DkCaseListModel *self,
                GError          *error)
{
  g_assert (DK_IS_CASE_LIST_MODEL (self));

  g_warning ("Could not read the cases: %s", error->message);
  g_clear_error (&self->error);
  self->error = error;
}

static DkCaseObject *
wrap_case (DkCaseListModel *self,
           DkCase          *kase)
{
  DkCaseMark mark = DK_CASE_MARK_NONE;

  if (self->marks != NULL)
    mark = GPOINTER_TO_UINT (g_hash_table_lookup (self->marks, kase->id));

  return dk_case_object_new_marked (kase, mark);
}

/* Which cases have changes of this desktop's: the pending ones in one query over the
 * outbox's index, and those the server answered with a conflict or a refusal (a few,
 * which need the user) from the outbox itself. Rows read the marks from here: no row
 * asks the replica anything of its own. */
static GHashTable *
read_marks (DkCaseListModel  *self,
            GError          **error)
{
  g_autoptr(GHashTable) marks = NULL;
  g_autoptr(GHashTable) pending = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  GHashTableIter iter;
  gpointer id;

  g_assert (DK_IS_CASE_LIST_MODEL (self));

  pending = dk_store_pending_case_ids (self->store, error);
  if (pending == NULL)
    return NULL;
  marks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_hash_table_insert (marks, g_strdup (id), GUINT_TO_POINTER (DK_CASE_MARK_PENDING));

  if (dk_store_outbox_count (self->store, DK_OUTBOX_CONFLICT) +
      dk_store_outbox_count (self->store, DK_OUTBOX_REJECTED) == 0)
    return g_steal_pointer (&marks);

  entries = dk_store_outbox_list (self->store, error);
  if (entries == NULL)
    return NULL;
  for (guint i = 0; i < entries->len; i++)
    {
      DkOutboxEntry *entry = g_ptr_array_index (entries, i);
      DkCaseMark mark;

      if (entry->state == DK_OUTBOX_PENDING ||
          g_strcmp0 (entry->object_type, DK_TYPE_NAME_CASE) != 0)
        continue;
      mark = entry->state == DK_OUTBOX_CONFLICT ? DK_CASE_MARK_CONFLICT : DK_CASE_MARK_REJECTED;
      /* A conflict needs the user most; then a refusal; then what waits. */
      if (GPOINTER_TO_UINT (g_hash_table_lookup (marks, entry->object_id)) != DK_CASE_MARK_CONFLICT)
        g_hash_table_insert (marks, g_strdup (entry->object_id), GUINT_TO_POINTER (mark));
    }

  return g_steal_pointer (&marks);
}

static gboolean
passes_filters (DkCaseListModel *self,
                const DkCase    *kase)
{
  const DkCaseQuery *query = &self->query;

  if (query->filter_kind && kase->kind != query->kind)
    return FALSE;
  if (query->filter_area && kase->area != query->area)
    return FALSE;
  if (query->service != NULL &&
      !g_ptr_array_find_with_equal_func (kase->services, query->service, g_str_equal, NULL))
    return FALSE;
  if (self->following != NULL && !dk_subscription_matches (self->following, kase))
    return FALSE;

  return TRUE;
}

/* Searching: the matches are few, so all of them are read and filtered here. */
static guint
read_matches (DkCaseListModel *self)
{
  g_autoptr(GPtrArray) cases = NULL;
  GError *error = NULL;

  g_assert (DK_IS_CASE_LIST_MODEL (self));

  self->matches = g_ptr_array_new_with_free_func (g_object_unref);
  cases = dk_store_search_cases (self->store, self->search, SEARCH_LIMIT, &error);
  if (cases == NULL)
    {
      remember_error (self, error);
      return 0;
    }

  for (guint i = 0; i < cases->len; i++)
    {
      DkCase *kase = g_ptr_array_index (cases, i);

      if (passes_filters (self, kase))
        g_ptr_array_add (self->matches, wrap_case (self, kase));
    }

  return self->matches->len;
}

static guint
count_rows (DkCaseListModel *self)
{
  GError *error = NULL;

  g_assert (DK_IS_CASE_LIST_MODEL (self));

  g_clear_error (&self->error);
  g_clear_pointer (&self->marks, g_hash_table_unref);
  self->marks = read_marks (self, &error);
  if (self->marks == NULL)
    {
      remember_error (self, error);
      error = NULL;
    }

  self->now = dk_time_now ();
  if (self->search != NULL)
    return read_matches (self);
  if (self->search_only)
    return 0;

  /* The order is read once, with the keys only; rows are read when they are shown. */
  self->keys = dk_store_list_case_keys (self->store, &self->query, self->following, self->now,
                                        &error);
  if (self->keys == NULL)
    {
      remember_error (self, error);
      return 0;
    }

  return self->keys->len;
}

/* Reads the chunk @index; NULL when the replica could not be read. (transfer none) */
static GPtrArray *
read_chunk (DkCaseListModel *self,
            guint            index)
{
  g_autoptr(GPtrArray) cases = NULL;
  GPtrArray *objects;
  GError *error = NULL;
  guint first = index * CHUNK_SIZE;

  g_assert (DK_IS_CASE_LIST_MODEL (self));
  g_assert (self->keys != NULL && first < self->keys->len);

  cases = dk_store_get_cases_by_keys (self->store, &g_array_index (self->keys, gint64, first),
                                      MIN (CHUNK_SIZE, self->keys->len - first), &error);
  if (cases == NULL)
    {
      remember_error (self, error);
      return NULL;
    }

  objects = g_ptr_array_new_full (cases->len, g_object_unref);
  for (guint i = 0; i < cases->len; i++)
    g_ptr_array_add (objects, wrap_case (self, g_ptr_array_index (cases, i)));

  g_hash_table_insert (self->chunks, GUINT_TO_POINTER (index), objects);
  g_queue_push_head (&self->chunk_order, GUINT_TO_POINTER (index));
  while (g_queue_get_length (&self->chunk_order) > MAX_CHUNKS)
    g_hash_table_remove (self->chunks, g_queue_pop_tail (&self->chunk_order));

  g_debug ("Read chunk %u (%u cases)", index, objects->len);
  return objects;
}

static GPtrArray *
lookup_chunk (DkCaseListModel *self,
              guint            index)
{
  GPtrArray *objects = g_hash_table_lookup (self->chunks, GUINT_TO_POINTER (index));

  if (objects == NULL)
    return read_chunk (self, index);

  /* The latest used goes first, so the chunks on screen stay. */
  if (g_queue_peek_head (&self->chunk_order) != GUINT_TO_POINTER (index))
    {
      g_queue_remove (&self->chunk_order, GUINT_TO_POINTER (index));
      g_queue_push_head (&self->chunk_order, GUINT_TO_POINTER (index));
    }

  return objects;
}

/* ---- GListModel ---- */

static GType
dk_case_list_model_get_item_type (GListModel *model)
{
  return DK_TYPE_CASE_OBJECT;
}

static guint
dk_case_list_model_get_n_items (GListModel *model)
{
  return DK_CASE_LIST_MODEL (model)->n_items;
}

static gpointer
dk_case_list_model_get_item (GListModel *model,
                             guint       position)
{
  DkCaseListModel *self = DK_CASE_LIST_MODEL (model);
  GPtrArray *objects;
  guint offset = position % CHUNK_SIZE;

  if (position >= self->n_items)
    return NULL;

  if (self->matches != NULL)
    return g_object_ref (g_ptr_array_index (self->matches, position));

  objects = lookup_chunk (self, position / CHUNK_SIZE);
  /* The replica may have changed since the count; the next reload says so. */
  if (objects == NULL || offset >= objects->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (objects, offset));
}

static void
dk_case_list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = dk_case_list_model_get_item_type;
  iface->get_n_items = dk_case_list_model_get_n_items;
  iface->get_item = dk_case_list_model_get_item;
}

/* ---- GObject ---- */

static void
dk_case_list_model_dispose (GObject *object)
{
  DkCaseListModel *self = DK_CASE_LIST_MODEL (object);

  forget_rows (self);
  g_clear_object (&self->store);
  g_clear_pointer (&self->following, dk_subscription_unref);
  g_clear_pointer (&self->marks, g_hash_table_unref);

  G_OBJECT_CLASS (dk_case_list_model_parent_class)->dispose (object);
}

static void
dk_case_list_model_finalize (GObject *object)
{
  DkCaseListModel *self = DK_CASE_LIST_MODEL (object);

  g_clear_pointer (&self->chunks, g_hash_table_unref);
  g_clear_pointer (&self->service, g_free);
  g_clear_pointer (&self->search, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (dk_case_list_model_parent_class)->finalize (object);
}

static void
dk_case_list_model_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  DkCaseListModel *self = DK_CASE_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dk_case_list_model_class_init (DkCaseListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dk_case_list_model_dispose;
  object_class->finalize = dk_case_list_model_finalize;
  object_class->get_property = dk_case_list_model_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dk_case_list_model_init (DkCaseListModel *self)
{
  self->chunks = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_queue_init (&self->chunk_order);
}

/* ---- public API ---- */

/**
 * dk_case_list_model_new:
 * @store: the replica
 *
 * Returns: (transfer full): a model, empty until a filter is set or it is reloaded
 *   (then every current case when no filter was set)
 */
DkCaseListModel *
dk_case_list_model_new (DkStore *store)
{
  DkCaseListModel *self;

  g_return_val_if_fail (DK_IS_STORE (store), NULL);

  self = g_object_new (DK_TYPE_CASE_LIST_MODEL, NULL);
  self->store = g_object_ref (store);

  return self;
}

/**
 * dk_case_list_model_new_for_search:
 * @store: the replica
 *
 * Returns: (transfer full): a model that is empty until a search is set, then lists
 *   the matches
 */
DkCaseListModel *
dk_case_list_model_new_for_search (DkStore *store)
{
  DkCaseListModel *self;

  g_return_val_if_fail (DK_IS_STORE (store), NULL);

  self = g_object_new (DK_TYPE_CASE_LIST_MODEL, NULL);
  self->store = g_object_ref (store);
  self->search_only = TRUE;
  dk_case_list_model_reload (self);

  return self;
}

/**
 * dk_case_list_model_set_query:
 * @self: a #DkCaseListModel
 * @query: the kind, area, service, archive and time range to list
 *
 * Limit and offset are the model's own and not looked at.
 */
void
dk_case_list_model_set_query (DkCaseListModel   *self,
                              const DkCaseQuery *query)
{
  g_return_if_fail (DK_IS_CASE_LIST_MODEL (self));
  g_return_if_fail (query != NULL);

  dk_case_list_model_set_filter (self, query, self->following);
}

/**
 * dk_case_list_model_set_filter:
 * @self: a #DkCaseListModel
 * @query: the kind, area, service, archive and time range to list
 * @following: (nullable): list only what this subscription follows
 *
 * dk_case_list_model_set_query () and dk_case_list_model_set_following () at once.
 */
void
dk_case_list_model_set_filter (DkCaseListModel   *self,
                               const DkCaseQuery *query,
                               DkSubscription    *following)
{
  char *service;

  g_return_if_fail (DK_IS_CASE_LIST_MODEL (self));
  g_return_if_fail (query != NULL);

  service = g_strdup (query->service);
  g_free (self->service);
  self->service = service;
  self->query = *query;
  self->query.service = self->service;
  self->query.limit = 0;
  self->query.offset = 0;

  if (following != self->following)
    {
      if (following != NULL)
        dk_subscription_ref (following);
      g_clear_pointer (&self->following, dk_subscription_unref);
      self->following = following;
    }

  dk_case_list_model_reload (self);
}

/**
 * dk_case_list_model_set_following:
 * @self: a #DkCaseListModel
 * @following: (nullable): list only what this subscription follows
 */
void
dk_case_list_model_set_following (DkCaseListModel *self,
                                  DkSubscription  *following)
{
  g_return_if_fail (DK_IS_CASE_LIST_MODEL (self));

  g_clear_pointer (&self->following, dk_subscription_unref);
  if (following != NULL)
    self->following = dk_subscription_ref (following);

  dk_case_list_model_reload (self);
}

/**
 * dk_case_list_model_set_search:
 * @self: a #DkCaseListModel
 * @text: (nullable): what to search for; %NULL or "" to list by the query
 */
void
dk_case_list_model_set_search (DkCaseListModel *self,
                               const char      *text)
{
  g_return_if_fail (DK_IS_CASE_LIST_MODEL (self));

  if (text != NULL && text[0] == '\0')
    text = NULL;
  if (g_strcmp0 (text, self->search) == 0)
    return;

  g_free (self->search);
  self->search = g_strdup (text);

  dk_case_list_model_reload (self);
}

/**
 * dk_case_list_model_get_search:
 * @self: a #DkCaseListModel
 *
 * Returns: (nullable): what is searched for, %NULL when listing by the query
 */
const char *
dk_case_list_model_get_search (DkCaseListModel *self)
{
  g_return_val_if_fail (DK_IS_CASE_LIST_MODEL (self), NULL);

  return self->search;
}

/**
 * dk_case_list_model_reload:
 * @self: a #DkCaseListModel
 *
 * Counts again and forgets every row read; a list asks again for what it shows.
 */
void
dk_case_list_model_reload (DkCaseListModel *self)
{
  guint old_n_items;

  g_return_if_fail (DK_IS_CASE_LIST_MODEL (self));

  old_n_items = self->n_items;
  forget_rows (self);
  self->n_items = count_rows (self);

  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, self->n_items);
  if (old_n_items != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/**
 * dk_case_list_model_get_error:
 * @self: a #DkCaseListModel
 *
 * Returns: (nullable): why the replica could not be read the last time, or %NULL
 */
const GError *
dk_case_list_model_get_error (DkCaseListModel *self)
{
  g_return_val_if_fail (DK_IS_CASE_LIST_MODEL (self), NULL);

  return self->error;
}
