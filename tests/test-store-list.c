/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-store-list.c: the app's case lists: counted and paged in SQL, narrowed to what a
 * subscription follows, with the cases whose changes wait to be sent */

#define G_LOG_DOMAIN "test-store-list"

#include "config.h"

#include <string.h>

#include "dk-local-changes.h"
#include "dk-store-list.h"
#include "dk-test-files.h"

#define NOW G_GINT64_CONSTANT (1790000000)  /* 2026-09-21 */
#define ME "anna"
#define N_CASES 300

static const char * const services[] = { "tes", "cosmic", "unilab", "el", "telefoni" };

typedef struct {
  char    *dir;
  DkStore *store;
  GPtrArray *ids;
} Fixture;

static JsonNode *
change_node (gint64      seq,
             const char *id,
             JsonNode   *data)
{
  JsonObject *change = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_int_member (change, "seq", seq);
  json_object_set_string_member (change, "type", "case");
  json_object_set_string_member (change, "id", id);
  json_object_set_boolean_member (change, "deleted", FALSE);
  json_object_set_member (change, "data", data);
  json_node_take_object (node, change);
  return node;
}

/* Cases of every kind, area, priority and status, some closed within the last day and
 * some archived, with one or two services each; the same ones every run. */
static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree char *path = NULL;

  fx->dir = g_dir_make_tmp ("test-store-list-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fx->dir, "replica.db", NULL);
  fx->store = dk_store_open (path, &error);
  g_assert_no_error (error);
  fx->ids = g_ptr_array_new_with_free_func (g_free);

  for (int i = 0; i < N_CASES; i++)
    {
      g_autoptr(DkCase) kase = dk_case_new ();
      guint closed = g_rand_int_range (rand, 0, 4);  /* 0, 1 open; 2 recently; 3 archived */

      kase->id = g_uuid_string_random ();
      kase->number = g_strdup_printf ("DK-%d", 1000 + i);
      kase->kind = g_rand_int_range (rand, 0, DK_CASE_KIND_LAST + 1);
      kase->area = g_rand_int_range (rand, 0, DK_AREA_LAST + 1);
      kase->title = g_strdup_printf ("Case %d", i);
      kase->description = g_strdup ("Beskrivning");
      g_ptr_array_add (kase->services,
                       g_strdup (services[g_rand_int_range (rand, 0, G_N_ELEMENTS (services))]));
      if (g_rand_boolean (rand))
        g_ptr_array_add (kase->services, g_strdup ("gemensam"));
      kase->status = kase->kind == DK_CASE_KIND_PLANNED ? DK_CASE_STATUS_PLANNED
                                                        : DK_CASE_STATUS_ONGOING;
      kase->priority = g_rand_int_range (rand, 1, 6);
      kase->major = kase->priority <= 2 && g_rand_boolean (rand);
      kase->public = g_rand_boolean (rand);
      kase->start = NOW - g_rand_int_range (rand, 0, 30 * 86400);
      kase->expected_end = DK_TIME_UNSET;
      kase->closed_at = DK_TIME_UNSET;
      if (closed >= 2)
        {
          kase->status = DK_CASE_STATUS_CLOSED;
          kase->closed_at = closed == 2 ? NOW - g_rand_int_range (rand, 60, 86000)
                                        : NOW - g_rand_int_range (rand, 86500, 20 * 86400);
          kase->start = MIN (kase->start, kase->closed_at - 60);
        }
      kase->revision = 1;
      g_ptr_array_add (fx->ids, g_strdup (kase->id));
      json_array_add_element (page, change_node (i + 1, kase->id, dk_case_to_json (kase)));
    }

  g_assert_true (dk_store_apply_changes (fx->store, page, N_CASES, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_object (&fx->store);
  dk_test_remove_tree (fx->dir);
  g_free (fx->dir);
  g_ptr_array_unref (fx->ids);
}

/* The queries the app's pages make, and a few more. */
static GArray *
queries (void)
{
  GArray *all = g_array_new (FALSE, TRUE, sizeof (DkCaseQuery));
  DkCaseQuery q;

  memset (&q, 0, sizeof q);
  g_array_append_val (all, q);
  for (int kind = 0; kind <= DK_CASE_KIND_LAST; kind++)
    {
      memset (&q, 0, sizeof q);
      q.filter_kind = TRUE;
      q.kind = kind;
      g_array_append_val (all, q);
      q.filter_area = TRUE;
      q.area = DK_AREA_LAB_MEDICINE;
      g_array_append_val (all, q);
    }
  memset (&q, 0, sizeof q);
  q.service = "cosmic";
  g_array_append_val (all, q);
  q.archived = TRUE;
  g_array_append_val (all, q);
  memset (&q, 0, sizeof q);
  q.archived = TRUE;
  g_array_append_val (all, q);
  q.from = NOW - 15 * 86400;
  q.to = NOW - 5 * 86400;
  g_array_append_val (all, q);

  return all;
}

static void
assert_same_cases (GPtrArray *a,
                   GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (((DkCase *) g_ptr_array_index (a, i))->id, ==,
                     ((DkCase *) g_ptr_array_index (b, i))->id);
}

/* The cases of dk_store_list_cases () that @following follows, filtered in C. */
static GPtrArray *
filter_in_c (Fixture              *fx,
             const DkCaseQuery    *query,
             const DkSubscription *following)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = dk_store_list_cases (fx->store, query, NOW, &error);
  GPtrArray *kept = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_case_unref);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      DkCase *kase = g_ptr_array_index (all, i);

      if (following == NULL || dk_subscription_matches (following, kase))
        g_ptr_array_add (kept, dk_case_ref (kase));
    }
  return kept;
}

static void
check_query (Fixture              *fx,
             const DkCaseQuery    *query,
             const DkSubscription *following)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = filter_in_c (fx, query, following);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) paged = g_ptr_array_new_with_free_func ((GDestroyNotify) dk_case_unref);
  DkCaseQuery chunk = *query;
  guint count = G_MAXUINT;

  g_assert_true (dk_store_count_cases (fx->store, query, following, NOW, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, expected->len);

  listed = dk_store_list_followed_cases (fx->store, query, following, NOW, &error);
  g_assert_no_error (error);
  assert_same_cases (listed, expected);

  /* The keys in order, and the cases read back by them, are the same list. */
  {
    g_autoptr(GArray) keys = dk_store_list_case_keys (fx->store, query, following, NOW, &error);
    g_autoptr(GPtrArray) by_keys = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (keys->len, ==, expected->len);
    by_keys = dk_store_get_cases_by_keys (fx->store, (const gint64 *) (gpointer) keys->data,
                                          keys->len, &error);
    g_assert_no_error (error);
    assert_same_cases (by_keys, expected);
  }

  /* Chunks of 7 put together are the whole list, in the same order. */
  chunk.limit = 7;
  for (chunk.offset = 0; chunk.offset < count + 7; chunk.offset += 7)
    {
      g_autoptr(GPtrArray) part = dk_store_list_followed_cases (fx->store, &chunk, following,
                                                                NOW, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (part->len, <=, 7);
      for (guint i = 0; i < part->len; i++)
        g_ptr_array_add (paged, dk_case_ref (g_ptr_array_index (part, i)));
    }
  assert_same_cases (paged, expected);
}

static void
test_count_and_pages_match_the_list (Fixture       *fx,
                                     gconstpointer  data)
{
  g_autoptr(GArray) all = queries ();

  for (guint i = 0; i < all->len; i++)
    check_query (fx, &g_array_index (all, DkCaseQuery, i), NULL);
}

static void
test_default_following_is_major_and_crisis (Fixture       *fx,
                                            gconstpointer  data)
{
  g_autoptr(DkSubscription) following = dk_subscription_new_default (ME);
  g_autoptr(GArray) all = queries ();
  g_autoptr(GPtrArray) every = NULL;
  DkCaseQuery everything = { 0 };
  guint count = 0;

  for (guint i = 0; i < all->len; i++)
    check_query (fx, &g_array_index (all, DkCaseQuery, i), following);

  /* Not vacuous: the default follows some cases and not others. */
  g_assert_true (dk_store_count_cases (fx->store, &everything, following, NOW, &count, NULL));
  g_assert_cmpuint (count, >, 0);
  every = filter_in_c (fx, &everything, NULL);
  g_assert_cmpuint (count, <, every->len);
}

static void
test_chosen_following_matches_in_sql (Fixture       *fx,
                                      gconstpointer  data)
{
  g_autoptr(GArray) all = queries ();
  g_autoptr(DkSubscription) following = dk_subscription_new_default (ME);

  g_ptr_array_add (following->areas, g_strdup ("lab_medicine"));
  g_ptr_array_add (following->areas, g_strdup ("facilities"));
  g_ptr_array_add (following->services, g_strdup ("unilab"));
  g_ptr_array_add (following->services, g_strdup ("gemensam"));
  g_ptr_array_add (following->kinds, g_strdup ("incident"));
  following->min_priority = 4;
  following->major_only = FALSE;
  following->all_crisis = FALSE;
  for (guint i = 0; i < all->len; i++)
    check_query (fx, &g_array_index (all, DkCaseQuery, i), following);

  following->major_only = TRUE;
  following->all_crisis = TRUE;
  for (guint i = 0; i < all->len; i++)
    check_query (fx, &g_array_index (all, DkCaseQuery, i), following);
}

static void
test_pending_ids_are_cases_waiting (Fixture       *fx,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GHashTable) answered = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(JsonObject) rejection = json_object_new ();
  g_autoptr(GPtrArray) entries = NULL;
  const char *id = g_ptr_array_index (fx->ids, 5);

  before = dk_store_pending_case_ids (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (before), ==, 0);

  json_object_set_string_member (changes, "title", "Changed here");
  g_assert_true (dk_local_edit_case (fx->store, id, changes, ME, NOW, &error));
  g_assert_no_error (error);
  after = dk_store_pending_case_ids (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (after), ==, 1);
  g_assert_true (g_hash_table_contains (after, id));

  /* Rejected is no longer waiting to be sent: it waits for the user instead. */
  entries = dk_store_outbox_list (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  json_object_set_string_member (result, "id",
                                 ((DkOutboxEntry *) g_ptr_array_index (entries, 0))->mutation_id);
  json_object_set_string_member (result, "status", "rejected");
  json_object_set_string_member (rejection, "code", "forbidden");
  json_object_set_string_member (rejection, "message", "Not yours");
  json_object_set_object_member (result, "error", json_object_ref (rejection));
  g_assert_true (dk_store_outbox_answer (fx->store, result, &error));
  g_assert_no_error (error);
  answered = dk_store_pending_case_ids (fx->store, &error);
  g_assert_no_error (error);
  g_assert_false (g_hash_table_contains (answered, id));
}

static void
test_missing_keys_are_left_out (Fixture       *fx,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) keys = dk_store_list_case_keys (fx->store, NULL, NULL, NOW, &error);
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  gint64 asked[3];

  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, >=, 2);
  asked[0] = g_array_index (keys, gint64, 1);
  asked[1] = G_GINT64_CONSTANT (987654321);  /* no such case */
  asked[2] = g_array_index (keys, gint64, 0);

  cases = dk_store_get_cases_by_keys (fx->store, asked, G_N_ELEMENTS (asked), &error);
  g_assert_no_error (error);
  listed = dk_store_list_followed_cases (fx->store, NULL, NULL, NOW, &error);
  g_assert_no_error (error);
  /* The two that exist, in the order asked for. */
  g_assert_cmpuint (cases->len, ==, 2);
  g_assert_cmpstr (((DkCase *) g_ptr_array_index (cases, 0))->id, ==,
                   ((DkCase *) g_ptr_array_index (listed, 1))->id);
  g_assert_cmpstr (((DkCase *) g_ptr_array_index (cases, 1))->id, ==,
                   ((DkCase *) g_ptr_array_index (listed, 0))->id);
}

/* The child aborts, so it opens its replica in a folder the parent made and removes. */
static void
test_count_needs_a_place_for_the_count (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  if (g_test_subprocess ())
    {
      g_autofree char *path = g_build_filename (g_getenv ("DK_TEST_CHILD_DIR"), "replica.db", NULL);
      g_autoptr(DkStore) store = dk_store_open (path, &error);

      g_assert_no_error (error);
      dk_store_count_cases (store, NULL, NULL, NOW, NULL, NULL);
      return;
    }
  dir = g_dir_make_tmp ("test-store-list-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("DK_TEST_CHILD_DIR", dir, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  dk_test_remove_tree (dir);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*out_count != NULL*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/store/list/count-and-pages-match-the-list", test_count_and_pages_match_the_list);
  ADD ("/store/list/following/default-is-major-incidents-and-crisis",
       test_default_following_is_major_and_crisis);
  ADD ("/store/list/following/chosen-filters-match-in-sql", test_chosen_following_matches_in_sql);
  ADD ("/store/list/pending/only-cases-waiting-to-be-sent", test_pending_ids_are_cases_waiting);
  ADD ("/store/list/keys/a-case-gone-since-is-left-out", test_missing_keys_are_left_out);
  g_test_add_func ("/store/list/count/without-a-place-for-it-is-refused",
                   test_count_needs_a_place_for_the_count);

#undef ADD

  return g_test_run ();
}
