/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-login-throttle.c: slows down failed logins, per user and per address
 *
 * Each key (a username, or a client address) keeps its count of failures and the time
 * of the last one. From the 5th failure on, the key is locked for 2^(failures-5)
 * seconds after its last failure, at most 15 minutes. A key whose last failure is 15
 * minutes old starts over from zero.
 */

#define G_LOG_DOMAIN "dk-login-throttle"

#include "config.h"

#include <glib/gi18n.h>

#include "dk-login-throttle.h"

#define FREE_FAILURES   4      /* failures that cost nothing */
#define MAX_LOCK        900    /* seconds */
#define FORGET_AFTER    900    /* seconds since the last failure */
#define MAX_KEYS        10000  /* per table, before old entries are dropped */

typedef struct {
  guint  failures;
  gint64 last_failure;
} Entry;

struct _DkLoginThrottle
{
  GObject     parent_instance;

  /* state */
  GMutex      mutex;
  GHashTable *users;      /* char * → Entry * */
  GHashTable *addresses;  /* char * → Entry * */
};

G_DEFINE_FINAL_TYPE (DkLoginThrottle, dk_login_throttle, G_TYPE_OBJECT)

static gboolean
entry_is_stale (const Entry *entry,
                gint64       now)
{
  return now - entry->last_failure >= FORGET_AFTER;
}

static guint
entry_lock_seconds (const Entry *entry)
{
  guint exponent;

  if (entry->failures <= FREE_FAILURES)
    return 0;

  exponent = entry->failures - FREE_FAILURES - 1;
  if (exponent >= 10)   /* 2^10 > MAX_LOCK already */
    return MAX_LOCK;

  return MIN (1u << exponent, MAX_LOCK);
}

static guint
remaining_lock (GHashTable *table,
                const char *key,
                gint64      now)
{
  const Entry *entry;
  gint64 until;

  if (key == NULL)
    return 0;

  entry = g_hash_table_lookup (table, key);
  if (entry == NULL || entry_is_stale (entry, now))
    return 0;

  until = entry->last_failure + entry_lock_seconds (entry);
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
  const Entry *entry = value;

  return entry->failures <= FREE_FAILURES;
}

static void
prune_table (GHashTable *table,
             gint64      now)
{
  guint removed;

  if (g_hash_table_size (table) < MAX_KEYS)
    return;

  removed = g_hash_table_foreach_remove (table, drop_stale_cb, &now);

  /* Still full of recent failures (many keys tried at once): keep the locked ones,
   * which are what the throttle is for, and forget the rest. */
  if (g_hash_table_size (table) >= MAX_KEYS)
    removed += g_hash_table_foreach_remove (table, drop_unlocked_cb, NULL);

  g_debug ("Dropped %u throttle entries, %u left", removed, g_hash_table_size (table));
}

static void
record_failure (GHashTable *table,
                const char *key,
                gint64      now)
{
  Entry *entry;

  if (key == NULL)
    return;

  entry = g_hash_table_lookup (table, key);
  if (entry == NULL)
    {
      prune_table (table, now);
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (table, g_strdup (key), entry);
    }
  else if (entry_is_stale (entry, now))
    {
      entry->failures = 0;
    }

  if (entry->failures < G_MAXUINT)
    entry->failures++;
  entry->last_failure = MAX (entry->last_failure, now);
}

static void
dk_login_throttle_finalize (GObject *object)
{
  DkLoginThrottle *self = (DkLoginThrottle *)object;

  g_clear_pointer (&self->users, g_hash_table_unref);
  g_clear_pointer (&self->addresses, g_hash_table_unref);
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
  self->users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
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
 *   longer of the user's and the address's lock; 0 when it may be tried now
 */
guint
dk_login_throttle_check (DkLoginThrottle *self,
                         const char      *username,
                         const char      *address,
                         gint64           now)
{
  g_autoptr(GMutexLocker) locker = NULL;
  guint user_lock;
  guint address_lock;

  g_return_val_if_fail (DK_IS_LOGIN_THROTTLE (self), 0);

  locker = g_mutex_locker_new (&self->mutex);
  user_lock = remaining_lock (self->users, username, now);
  address_lock = remaining_lock (self->addresses, address, now);

  return MAX (user_lock, address_lock);
}

/**
 * dk_login_throttle_failed:
 * @self: a #DkLoginThrottle
 * @username: (nullable): the username that failed
 * @address: (nullable): the client's address
 * @now: monotonic seconds
 *
 * Counts a failed login against both the user and the address.
 */
void
dk_login_throttle_failed (DkLoginThrottle *self,
                          const char      *username,
                          const char      *address,
                          gint64           now)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (DK_IS_LOGIN_THROTTLE (self));

  locker = g_mutex_locker_new (&self->mutex);
  record_failure (self->users, username, now);
  record_failure (self->addresses, address, now);
}

/**
 * dk_login_throttle_succeeded:
 * @self: a #DkLoginThrottle
 * @username: (nullable): the username that logged in
 * @address: (nullable): the client's address (its count is kept)
 *
 * Clears the user's count of failures.
 */
void
dk_login_throttle_succeeded (DkLoginThrottle *self,
                             const char      *username,
                             const char      *address)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (DK_IS_LOGIN_THROTTLE (self));

  if (username == NULL)
    return;

  locker = g_mutex_locker_new (&self->mutex);
  g_hash_table_remove (self->users, username);
}
