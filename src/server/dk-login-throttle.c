/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-login-throttle.c: slows down failed logins, per user, per (user, address) and per
 * address
 *
 * Each key keeps its count of failures and the time of the last one; past a number of
 * free failures it is locked for 2^(failures - free - 1) seconds after its last failure,
 * at most 15 minutes. Three tables, each with its own number of free failures:
 *
 *   - (user, address): 4. Someone guessing one user's password from one place.
 *   - user: 9. The same user guessed from many places; higher, so that a user who
 *     mistypes at one kiosk can still log in at another.
 *   - address: 99. Spraying one password over many names. Much higher, because one
 *     address is often many people (a hospital's NAT, a shared kiosk): five failures by
 *     one of them must not lock out all the others. An address is also forgiven one
 *     failure every 30 seconds, so the steady trickle of typos behind a NAT (2,880 a
 *     day) never adds up.
 *
 * A key whose last failure is 15 minutes old starts over from zero.
 *
 * Where the counts are kept is the throttle's store: in this process's memory when the
 * server is one process on SQLite (as fast as a hash table), or in the database's
 * login_throttle table on PostgreSQL, where several instances serve the same users: a
 * guesser who spreads tries over all of them is counted as by one server. There each
 * failure is a read-modify-write of the three entries under their row locks, in one
 * transaction (dk_server_db_lock_throttle_entry ()), so failures counted at once on two
 * instances are both counted; the entries are always locked in the same order (pair,
 * user, address), so two such transactions never deadlock. Times there are wall-clock
 * seconds (dk_login_throttle_now ()), the one clock the instances share.
 */

#define G_LOG_DOMAIN "dk-login-throttle"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-login-throttle.h"
#include "dk-time.h"

#define MAX_LOCK        900    /* seconds */
#define FORGET_AFTER    900    /* seconds since the last failure */
#define MAX_KEYS        10000  /* per table in memory, before old entries are dropped */
#define PRUNE_EVERY     64     /* failures counted in the database between cleanups */
#define PRUNE_LIMIT     500    /* stale entries deleted at most by one cleanup */

typedef struct {
  guint  free_failures;   /* failures that cost nothing */
  guint  forgive_every;   /* seconds for one failure to be forgiven; 0: never */
} Policy;

static const Policy pair_policy = { 4, 0 };
static const Policy user_policy = { 9, 0 };
static const Policy address_policy = { 99, 30 };

typedef DkThrottleEntry Entry;

typedef struct {
  const char   *name;     /* the table's name in the database's store */
  const Policy *policy;
  GHashTable   *entries;  /* in memory: char * → Entry * */
} Table;

struct _DkLoginThrottle
{
  GObject     parent_instance;

  /* owned references */
  DkServerDb *db;         /* the shared store (PostgreSQL); NULL: the entries in memory */

  /* state */
  GMutex      mutex;
  Table       pairs;      /* "user\naddress" */
  Table       users;
  Table       addresses;
  guint       failures_since_prune;
};

G_DEFINE_FINAL_TYPE (DkLoginThrottle, dk_login_throttle, G_TYPE_OBJECT)

static gboolean
entry_is_stale (const Entry *entry,
                gint64       now)
{
  return now - entry->last_failure >= FORGET_AFTER;
}

/* The failures that still count at @now, after what @policy forgives with time; the
 * time forgiveness has reached goes to *out_forgiven_until. */
static gint64
entry_failures (const Policy *policy,
                const Entry  *entry,
                gint64        now,
                gint64       *out_forgiven_until)
{
  gint64 forgiven;

  *out_forgiven_until = entry->forgiven_until;
  if (entry_is_stale (entry, now))
    {
      *out_forgiven_until = now;
      return 0;
    }
  if (policy->forgive_every == 0 || now <= entry->forgiven_until)
    return entry->failures;

  forgiven = (now - entry->forgiven_until) / policy->forgive_every;
  if (forgiven >= entry->failures)
    {
      *out_forgiven_until = now;
      return 0;
    }
  *out_forgiven_until = entry->forgiven_until + forgiven * policy->forgive_every;
  return entry->failures - forgiven;
}

static guint
lock_seconds (const Policy *policy,
              gint64        failures)
{
  gint64 exponent;

  if (failures <= policy->free_failures)
    return 0;

  exponent = failures - policy->free_failures - 1;
  if (exponent >= 10)   /* 2^10 > MAX_LOCK already */
    return MAX_LOCK;

  return MIN (1u << exponent, MAX_LOCK);
}

/* The seconds @entry stays locked after @now. */
static guint
entry_lock (const Policy *policy,
            const Entry  *entry,
            gint64        now)
{
  gint64 forgiven_until;
  gint64 until;

  until = entry->last_failure
          + lock_seconds (policy, entry_failures (policy, entry, now, &forgiven_until));
  if (until <= now)
    return 0;

  return (guint) MIN (until - now, MAX_LOCK);
}

/* Counts one more failure at @now in @entry. */
static void
count_failure (const Policy *policy,
               Entry        *entry,
               gint64        now)
{
  gint64 forgiven_until;

  entry->failures = entry_failures (policy, entry, now, &forgiven_until);
  entry->forgiven_until = forgiven_until;
  if (entry->failures < G_MAXINT64)
    entry->failures++;
  entry->last_failure = MAX (entry->last_failure, now);
}

/* The seconds @key stays locked in @table; FALSE with @error when the database's
 * entry cannot be read. */
static gboolean
remaining_lock (DkLoginThrottle  *self,
                const Table      *table,
                const char       *key,
                gint64            now,
                guint            *lock,
                GError          **error)
{
  const Entry *found;
  Entry entry;

  *lock = 0;
  if (key == NULL)
    return TRUE;

  if (self->db == NULL)
    {
      found = g_hash_table_lookup (table->entries, key);
      if (found != NULL)
        *lock = entry_lock (table->policy, found, now);
      return TRUE;
    }

  if (!dk_server_db_get_throttle_entry (self->db, table->name, key, &entry, error))
    return FALSE;
  *lock = entry_lock (table->policy, &entry, now);
  return TRUE;
}

static gboolean
drop_stale_cb (gpointer key,
               gpointer value,
               gpointer user_data)
{
  const gint64 *now = user_data;

  return entry_is_stale (value, *now);
}

static gboolean
drop_unlocked_cb (gpointer key,
                  gpointer value,
                  gpointer user_data)
{
  const Table *table = user_data;
  const Entry *entry = value;

  return entry->failures <= table->policy->free_failures;
}

static void
prune_table (Table  *table,
             gint64  now)
{
  guint removed;

  if (g_hash_table_size (table->entries) < MAX_KEYS)
    return;

  removed = g_hash_table_foreach_remove (table->entries, drop_stale_cb, &now);

  /* Still full of recent failures (many keys tried at once): keep the locked ones,
   * which are what the throttle is for, and forget the rest. */
  if (g_hash_table_size (table->entries) >= MAX_KEYS)
    removed += g_hash_table_foreach_remove (table->entries, drop_unlocked_cb, table);

  g_debug ("Dropped %u throttle entries, %u left", removed,
           g_hash_table_size (table->entries));
}

static void
record_failure_in_memory (Table      *table,
                          const char *key,
                          gint64      now)
{
  Entry *entry;

  if (key == NULL)
    return;

  entry = g_hash_table_lookup (table->entries, key);
  if (entry == NULL)
    {
      prune_table (table, now);
      entry = g_new0 (Entry, 1);
      entry->forgiven_until = now;
      g_hash_table_insert (table->entries, g_strdup (key), entry);
    }

  count_failure (table->policy, entry, now);
}

/* Counts the failure in the three entries of @keys in one transaction, each read and
 * written back under its row lock. */
static gboolean
record_failures_in_db (DkLoginThrottle  *self,
                       const Table      *tables[3],
                       const char       *keys[3],
                       gint64            now,
                       GError          **error)
{
  if (!dk_server_db_begin (self->db, error))
    return FALSE;

  for (guint i = 0; i < 3; i++)
    {
      Entry entry;

      if (keys[i] == NULL)
        continue;
      if (!dk_server_db_lock_throttle_entry (self->db, tables[i]->name, keys[i], now, &entry,
                                             error))
        goto failed;
      count_failure (tables[i]->policy, &entry, now);
      if (!dk_server_db_put_throttle_entry (self->db, tables[i]->name, keys[i], &entry, error))
        goto failed;
    }

  if (dk_server_db_commit (self->db, error))
    return TRUE;

failed:
  dk_server_db_rollback (self->db);
  return FALSE;
}

/* Now and then, a bounded cleanup of the entries nobody failed for a while (memory
 * prunes a table when it fills; a database table has no such bound). */
static void
prune_db (DkLoginThrottle *self,
          gint64           now)
{
  g_autoptr(GError) error = NULL;
  gint64 removed;

  if (++self->failures_since_prune < PRUNE_EVERY)
    return;
  self->failures_since_prune = 0;

  removed = dk_server_db_prune_throttle (self->db, now - FORGET_AFTER, PRUNE_LIMIT, &error);
  if (removed < 0)
    g_warning ("%s", error->message);
  else if (removed > 0)
    g_debug ("Dropped %" G_GINT64_FORMAT " stale throttle entries", removed);
}

/* The key of a (user, address) pair; NULL when either is unknown. A username holds no
 * control character (the login refuses them), so the newline cannot be forged. */
static char *
dup_pair_key (const char *username,
              const char *address)
{
  if (username == NULL || address == NULL)
    return NULL;

  return g_strconcat (username, "\n", address, NULL);
}

static void
table_init (Table        *table,
            const char   *name,
            const Policy *policy)
{
  table->name = name;
  table->policy = policy;
  table->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
dk_login_throttle_finalize (GObject *object)
{
  DkLoginThrottle *self = (DkLoginThrottle *)object;

  g_clear_pointer (&self->pairs.entries, g_hash_table_unref);
  g_clear_pointer (&self->users.entries, g_hash_table_unref);
  g_clear_pointer (&self->addresses.entries, g_hash_table_unref);
  g_clear_object (&self->db);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (dk_login_throttle_parent_class)->finalize (object);
}

static void
dk_login_throttle_class_init (DkLoginThrottleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dk_login_throttle_finalize;
}

static void
dk_login_throttle_init (DkLoginThrottle *self)
{
  g_mutex_init (&self->mutex);
  table_init (&self->pairs, "pair", &pair_policy);
  table_init (&self->users, "user", &user_policy);
  table_init (&self->addresses, "address", &address_policy);
}

/**
 * dk_login_throttle_new:
 *
 * Returns: (transfer full): a throttle that remembers nothing yet, in memory
 */
DkLoginThrottle *
dk_login_throttle_new (void)
{
  return g_object_new (DK_TYPE_LOGIN_THROTTLE, NULL);
}

/**
 * dk_login_throttle_new_for_db:
 * @db: the server's storage
 *
 * A throttle for a server on @db: on PostgreSQL it keeps its counts in the database,
 * shared by every instance on it; on SQLite in memory, as dk_login_throttle_new ().
 *
 * Returns: (transfer full): a throttle
 */
DkLoginThrottle *
dk_login_throttle_new_for_db (DkServerDb *db)
{
  DkLoginThrottle *self;

  g_return_val_if_fail (DK_IS_SERVER_DB (db), NULL);

  self = dk_login_throttle_new ();
  if (dk_server_db_is_postgresql (db))
    {
      self->db = g_object_ref (db);
      g_clear_pointer (&self->pairs.entries, g_hash_table_unref);
      g_clear_pointer (&self->users.entries, g_hash_table_unref);
      g_clear_pointer (&self->addresses.entries, g_hash_table_unref);
    }

  return self;
}

/**
 * dk_login_throttle_now:
 * @self: a #DkLoginThrottle
 *
 * Returns: the time to pass as @now: monotonic seconds in memory (immune to the clock
 *   being set), wall-clock Unix seconds with a database (the clock every instance
 *   shares)
 */
gint64
dk_login_throttle_now (DkLoginThrottle *self)
{
  g_return_val_if_fail (DK_IS_LOGIN_THROTTLE (self), 0);

  if (self->db != NULL)
    return dk_time_now ();
  return g_get_monotonic_time () / G_USEC_PER_SEC;
}

/**
 * dk_login_throttle_check:
 * @self: a #DkLoginThrottle
 * @username: (nullable): the username being tried
 * @address: (nullable): the client's address
 * @now: seconds, dk_login_throttle_now ()
 *
 * Returns: seconds until a login for @username from @address may be tried again, the
 *   longest of the (user, address) pair's, the user's and the address's lock; 0 when it
 *   may be tried now
 */
guint
dk_login_throttle_check (DkLoginThrottle *self,
                         const char      *username,
                         const char      *address,
                         gint64           now)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *pair = NULL;
  const Table *tables[] = { &self->pairs, &self->users, &self->addresses };
  const char *keys[G_N_ELEMENTS (tables)];
  guint lock = 0;

  g_return_val_if_fail (DK_IS_LOGIN_THROTTLE (self), 0);

  pair = dup_pair_key (username, address);
  keys[0] = pair;
  keys[1] = username;
  keys[2] = address;
  locker = g_mutex_locker_new (&self->mutex);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autoptr(GError) error = NULL;
      guint table_lock;

      /* A database that cannot be read throttles nobody: the login that follows reads
       * the user from it and fails there with its own error. */
      if (!remaining_lock (self, tables[i], keys[i], now, &table_lock, &error))
        {
          g_warning ("%s", error->message);
          return 0;
        }
      lock = MAX (lock, table_lock);
    }

  return lock;
}

/**
 * dk_login_throttle_failed:
 * @self: a #DkLoginThrottle
 * @username: (nullable): the username that failed
 * @address: (nullable): the client's address
 * @now: seconds, dk_login_throttle_now ()
 *
 * Counts a failed login against the (user, address) pair, the user and the address.
 */
void
dk_login_throttle_failed (DkLoginThrottle *self,
                          const char      *username,
                          const char      *address,
                          gint64           now)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *pair = NULL;

  g_return_if_fail (DK_IS_LOGIN_THROTTLE (self));

  pair = dup_pair_key (username, address);
  locker = g_mutex_locker_new (&self->mutex);
  if (self->db != NULL)
    {
      g_autoptr(GError) error = NULL;
      const Table *tables[3] = { &self->pairs, &self->users, &self->addresses };
      const char *keys[3] = { pair, username, address };

      if (!record_failures_in_db (self, tables, keys, now, &error))
        g_warning ("A failed login was not counted: %s", error->message);
      prune_db (self, now);
      return;
    }

  record_failure_in_memory (&self->pairs, pair, now);
  record_failure_in_memory (&self->users, username, now);
  record_failure_in_memory (&self->addresses, address, now);
}

/**
 * dk_login_throttle_succeeded:
 * @self: a #DkLoginThrottle
 * @username: (nullable): the username that logged in
 * @address: (nullable): the client's address (its count is kept)
 *
 * Clears the user's count of failures and the (user, address) pair's.
 */
void
dk_login_throttle_succeeded (DkLoginThrottle *self,
                             const char      *username,
                             const char      *address)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *pair = NULL;

  g_return_if_fail (DK_IS_LOGIN_THROTTLE (self));

  if (username == NULL)
    return;

  pair = dup_pair_key (username, address);
  locker = g_mutex_locker_new (&self->mutex);
  if (self->db != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!dk_server_db_forget_throttle_entry (self->db, self->users.name, username, &error) ||
          (pair != NULL &&
           !dk_server_db_forget_throttle_entry (self->db, self->pairs.name, pair, &error)))
        g_warning ("A login’s earlier failures were not forgotten: %s", error->message);
      return;
    }

  g_hash_table_remove (self->users.entries, username);
  if (pair != NULL)
    g_hash_table_remove (self->pairs.entries, pair);
}
