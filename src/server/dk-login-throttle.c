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
 */

#define G_LOG_DOMAIN "dk-login-throttle"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-login-throttle.h"

#define MAX_LOCK        900    /* seconds */
#define FORGET_AFTER    900    /* seconds since the last failure */
#define MAX_KEYS        10000  /* per table, before old entries are dropped */

typedef struct {
  guint  free_failures;   /* failures that cost nothing */
  guint  forgive_every;   /* seconds for one failure to be forgiven; 0: never */
} Policy;

static const Policy pair_policy = { 4, 0 };
static const Policy user_policy = { 9, 0 };
static const Policy address_policy = { 99, 30 };

typedef struct {
  guint  failures;
  gint64 last_failure;
  gint64 forgiven_until;  /* failures before this time were forgiven already */
} Entry;

typedef struct {
  const Policy *policy;
  GHashTable   *entries;  /* char * → Entry * */
} Table;

struct _DkLoginThrottle
{
  GObject     parent_instance;

  /* state */
  GMutex      mutex;
  Table       pairs;      /* "user\naddress" */
  Table       users;
  Table       addresses;
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
static guint
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
  return entry->failures - (guint) forgiven;
}

static guint
lock_seconds (const Policy *policy,
              guint         failures)
{
  guint exponent;

  if (failures <= policy->free_failures)
    return 0;

  exponent = failures - policy->free_failures - 1;
  if (exponent >= 10)   /* 2^10 > MAX_LOCK already */
    return MAX_LOCK;

  return MIN (1u << exponent, MAX_LOCK);
}

static guint
remaining_lock (const Table *table,
                const char  *key,
                gint64       now)
{
  const Entry *entry;
  gint64 forgiven_until;
  gint64 until;

  if (key == NULL)
    return 0;

  entry = g_hash_table_lookup (table->entries, key);
  if (entry == NULL)
    return 0;

  until = entry->last_failure
          + lock_seconds (table->policy, entry_failures (table->policy, entry, now,
                                                         &forgiven_until));
  if (until <= now)
    return 0;

  return (guint) MIN (until - now, MAX_LOCK);
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
record_failure (Table      *table,
                const char *key,
                gint64      now)
{
  Entry *entry;
  gint64 forgiven_until;

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

  entry->failures = entry_failures (table->policy, entry, now, &forgiven_until);
  entry->forgiven_until = forgiven_until;
  if (entry->failures < G_MAXUINT)
    entry->failures++;
  entry->last_failure = MAX (entry->last_failure, now);
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
            const Policy *policy)
{
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
  table_init (&self->pairs, &pair_policy);
  table_init (&self->users, &user_policy);
  table_init (&self->addresses, &address_policy);
}

/**
 * dk_login_throttle_new:
 *
 * Returns: (transfer full): a throttle that remembers nothing yet
 */
DkLoginThrottle *
dk_login_throttle_new (void)
{
  return g_object_new (DK_TYPE_LOGIN_THROTTLE, NULL);
}

/**
 * dk_login_throttle_check:
 * @self: a #DkLoginThrottle
 * @username: (nullable): the username being tried
 * @address: (nullable): the client's address
 * @now: monotonic seconds
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
  guint lock;

  g_return_val_if_fail (DK_IS_LOGIN_THROTTLE (self), 0);

  pair = dup_pair_key (username, address);
  locker = g_mutex_locker_new (&self->mutex);
  lock = remaining_lock (&self->pairs, pair, now);
  lock = MAX (lock, remaining_lock (&self->users, username, now));
  lock = MAX (lock, remaining_lock (&self->addresses, address, now));

  return lock;
}

/**
 * dk_login_throttle_failed:
 * @self: a #DkLoginThrottle
 * @username: (nullable): the username that failed
 * @address: (nullable): the client's address
 * @now: monotonic seconds
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
  record_failure (&self->pairs, pair, now);
  record_failure (&self->users, username, now);
  record_failure (&self->addresses, address, now);
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
  g_hash_table_remove (self->users.entries, username);
  if (pair != NULL)
    g_hash_table_remove (self->pairs.entries, pair);
}
