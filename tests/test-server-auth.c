/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-server-auth.c: password hashes, session tokens, usernames and the login throttle */

#include "config.h"

#include <glib.h>
#include <string.h>

#include "dk-error.h"
#include "dk-login-throttle.h"
#include "dk-server-auth.h"

static void
test_password_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;

  hash = dk_password_hash ("correct horse battery staple", &error);
  g_assert_no_error (error);
  g_assert_nonnull (hash);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  g_assert_true (dk_password_verify (hash, "correct horse battery staple"));
}

static void
test_password_wrong_fails (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;

  hash = dk_password_hash ("sesame", &error);
  g_assert_no_error (error);
  g_assert_false (dk_password_verify (hash, "Sesame"));
  g_assert_false (dk_password_verify (hash, "sesame "));
  g_assert_false (dk_password_verify (hash, ""));
  g_assert_false (dk_password_verify ("not a hash", "sesame"));
  g_assert_false (dk_password_verify ("", "sesame"));
}

static void
test_password_salted (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  first = dk_password_hash ("demo", &error);
  g_assert_no_error (error);
  second = dk_password_hash ("demo", &error);
  g_assert_no_error (error);

  g_assert_cmpstr (first, !=, second);
  g_assert_true (dk_password_verify (first, "demo"));
  g_assert_true (dk_password_verify (second, "demo"));
}

static void
test_password_validate (void)
{
  g_autofree char *long_password = g_strnfill (1025, 'x');
  g_autofree char *longest_password = g_strnfill (1024, 'x');
  GError *error = NULL;

  g_assert_true (dk_password_validate ("demo", NULL));
  g_assert_true (dk_password_validate ("åäöü", NULL));
  g_assert_true (dk_password_validate (longest_password, NULL));

  g_assert_false (dk_password_validate ("abc", &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (dk_password_validate ("", &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (dk_password_validate (long_password, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (dk_password_validate ("ab\xff\xfe", &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_clear_error (&error);
}

static void
test_token_unique (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 1000; i++)
    {
      char *token = dk_token_new ();

      g_assert_cmpuint (strlen (token), ==, 64);
      for (const char *p = token; *p; p++)
        g_assert_true (g_ascii_isxdigit (*p) && !g_ascii_isupper (*p));
      g_assert_false (g_hash_table_contains (seen, token));
      g_hash_table_add (seen, token);
    }
}

static void
test_token_hash (void)
{
  g_autofree char *token = dk_token_new ();
  g_autofree char *hash = dk_token_hash (token);
  g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  g_autofree char *abc = dk_token_hash ("abc");

  g_assert_cmpuint (strlen (hash), ==, 64);
  g_assert_cmpstr (hash, ==, expected);
  g_assert_cmpstr (hash, !=, token);
  /* FIPS 180-2 test vector */
  g_assert_cmpstr (abc, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_username_validate (void)
{
  const char *good[] = { "a", "anna", "anna.karlsson", "lab_1", "it-desk", "0", NULL };
  const char *bad[] = { "", "Anna", "anna karlsson", "anna@example.org", "åsa", "a/b",
                        "tab\there", "semi;colon", NULL };
  g_autofree char *longest = g_strnfill (64, 'a');
  g_autofree char *too_long = g_strnfill (65, 'a');
  GError *error = NULL;

  for (guint i = 0; good[i]; i++)
    {
      g_assert_true (dk_username_validate (good[i], &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; bad[i]; i++)
    {
      g_assert_false (dk_username_validate (bad[i], &error));
      g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
      g_clear_error (&error);
    }

  g_assert_false (dk_username_validate (NULL, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (dk_username_validate (longest, NULL));
  g_assert_false (dk_username_validate (too_long, &error));
  g_assert_error (error, DK_ERROR, DK_ERROR_INVALID);
  g_clear_error (&error);
}

static void
test_throttle_four_failures_free (void)
{
  g_autoptr(DkLoginThrottle) throttle = dk_login_throttle_new ();
  gint64 now = 1000;

  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.0.1", now), ==, 0);

  for (guint i = 0; i < 4; i++)
    {
      dk_login_throttle_failed (throttle, "anna", "10.0.0.1", now);
      g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.0.1", now), ==, 0);
    }
}

static void
test_throttle_fifth_locks (void)
{
  g_autoptr(DkLoginThrottle) throttle = dk_login_throttle_new ();
  gint64 now = 1000;

  for (guint i = 0; i < 5; i++)
    dk_login_throttle_failed (throttle, "anna", "10.0.0.1", now);

  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.0.1", now), ==, 1);
  /* the same user elsewhere, and others at that address, are not locked (yet) */
  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.0.2", now), ==, 0);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "bert", "10.0.0.1", now), ==, 0);
  /* and the lock runs out */
  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.0.1", now + 1), ==, 0);
}

static void
test_throttle_tenth_locks_user_everywhere (void)
{
  g_autoptr(DkLoginThrottle) throttle = dk_login_throttle_new ();
  gint64 now = 1000;

  /* one user guessed from many places: nine failures are free, the tenth locks */
  for (guint i = 0; i < 9; i++)
    {
      g_autofree char *address = g_strdup_printf ("10.0.1.%u", i);

      dk_login_throttle_failed (throttle, "anna", address, now);
    }
  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.2.1", now), ==, 0);
  dk_login_throttle_failed (throttle, "anna", "10.0.1.9", now);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.2.1", now), ==, 1);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", NULL, now), ==, 1);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "bert", "10.0.1.9", now), ==, 0);
}

static void
test_throttle_lock_grows (void)
{
  g_autoptr(DkLoginThrottle) throttle = dk_login_throttle_new ();
  gint64 now = 1000;
  guint previous = 0;

  for (guint i = 0; i < 5; i++)
    dk_login_throttle_failed (throttle, "anna", "10.0.0.1", now);

  for (guint failures = 5; failures <= 15; failures++)
    {
      guint lock = dk_login_throttle_check (throttle, "anna", "10.0.0.1", now);
      guint expected = MIN (1u << (failures - 5), 900);

      g_assert_cmpuint (lock, ==, expected);
      g_assert_cmpuint (lock, >, previous);
      previous = lock;

      /* the next failure comes as soon as it may, until the lock is at its longest */
      if (failures < 15)
        {
          now += lock;
          dk_login_throttle_failed (throttle, "anna", "10.0.0.1", now);
        }
    }

  /* more failures while at the longest lock keep it there */
  for (guint i = 0; i < 5; i++)
    dk_login_throttle_failed (throttle, "anna", "10.0.0.1", now);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.0.1", now), ==, 900);
  g_assert_cmpuint (previous, ==, 900);
}

static void
test_throttle_address_locks_other_users (void)
{
  g_autoptr(DkLoginThrottle) throttle = dk_login_throttle_new ();
  gint64 now = 1000;

  /* spraying: one failure each for 99 names is still free (one address is often many
   * people) ... */
  for (guint i = 0; i < 99; i++)
    {
      g_autofree char *name = g_strdup_printf ("user%u", i);

      dk_login_throttle_failed (throttle, name, "192.0.2.7", now);
    }
  g_assert_cmpuint (dk_login_throttle_check (throttle, "fredrik", "192.0.2.7", now), ==, 0);

  /* ... the 100th locks the address for everyone, and only that address */
  dk_login_throttle_failed (throttle, "user99", "192.0.2.7", now);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "fredrik", "192.0.2.7", now), ==, 1);
  g_assert_cmpuint (dk_login_throttle_check (throttle, NULL, "192.0.2.7", now), ==, 1);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "fredrik", "192.0.2.8", now), ==, 0);
}

static void
test_throttle_address_forgives_a_trickle (void)
{
  g_autoptr(DkLoginThrottle) throttle = dk_login_throttle_new ();
  gint64 now = 1000;

  /* behind a NAT, one typo every 40 seconds all day never adds up to a lock */
  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *name = g_strdup_printf ("user%u", i % 300);

      dk_login_throttle_failed (throttle, name, "192.0.2.7", now);
      g_assert_cmpuint (dk_login_throttle_check (throttle, "fredrik", "192.0.2.7", now), ==, 0);
      now += 40;
    }
}

static void
test_throttle_success_clears_user (void)
{
  g_autoptr(DkLoginThrottle) throttle = dk_login_throttle_new ();
  gint64 now = 1000;

  for (guint i = 0; i < 4; i++)
    dk_login_throttle_failed (throttle, "anna", "10.0.0.1", now);
  dk_login_throttle_succeeded (throttle, "anna", "10.0.0.1");

  /* the user's count starts over ... */
  dk_login_throttle_failed (throttle, "anna", "10.0.0.2", now);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.0.2", now), ==, 0);

  /* ... but the first address's count was kept: its 100th failure locks it */
  for (guint i = 0; i < 95; i++)
    dk_login_throttle_failed (throttle, "bert", "10.0.0.1", now);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "cecilia", "10.0.0.1", now), ==, 0);
  dk_login_throttle_failed (throttle, "bert", "10.0.0.1", now);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "cecilia", "10.0.0.1", now), ==, 1);
}

static void
test_throttle_old_failures_forgotten (void)
{
  g_autoptr(DkLoginThrottle) throttle = dk_login_throttle_new ();
  gint64 now = 1000;

  for (guint i = 0; i < 20; i++)
    dk_login_throttle_failed (throttle, "anna", "10.0.0.1", now);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.0.1", now), ==, 900);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.0.1", now + 899), ==, 1);

  /* 15 minutes later everything is forgotten */
  now += 15 * 60;
  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.0.1", now), ==, 0);

  /* and a new failure counts as the first one again */
  dk_login_throttle_failed (throttle, "anna", "10.0.0.1", now);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.0.1", now), ==, 0);
  for (guint i = 0; i < 3; i++)
    dk_login_throttle_failed (throttle, "anna", "10.0.0.1", now);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.0.1", now), ==, 0);
  dk_login_throttle_failed (throttle, "anna", "10.0.0.1", now);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.0.1", now), ==, 1);
}

static void
test_throttle_failures_within_window_add_up (void)
{
  g_autoptr(DkLoginThrottle) throttle = dk_login_throttle_new ();
  gint64 now = 1000;

  /* one failure every ten minutes: each is within 15 minutes of the last */
  for (guint i = 0; i < 5; i++)
    {
      dk_login_throttle_failed (throttle, "anna", "10.0.0.1", now);
      now += 10 * 60;
    }
  now -= 10 * 60;
  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", "10.0.0.1", now), ==, 1);
}

static void
test_throttle_memory_bounded (void)
{
  g_autoptr(DkLoginThrottle) throttle = dk_login_throttle_new ();
  gint64 now = 1000;

  /* a locked user stays locked while many others fail at once */
  for (guint i = 0; i < 10; i++)
    dk_login_throttle_failed (throttle, "anna", NULL, now);

  for (guint i = 0; i < 25000; i++)
    {
      char name[32];

      g_snprintf (name, sizeof name, "user%u", i);
      dk_login_throttle_failed (throttle, name, NULL, now);
    }

  g_assert_cmpuint (dk_login_throttle_check (throttle, "anna", NULL, now), ==, 1);
  g_assert_cmpuint (dk_login_throttle_check (throttle, "user24999", NULL, now), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_assert_true (dk_auth_init ());

  g_test_add_func ("/server/auth/password/round-trip", test_password_round_trip);
  g_test_add_func ("/server/auth/password/wrong-one-fails", test_password_wrong_fails);
  g_test_add_func ("/server/auth/password/same-one-hashes-differently", test_password_salted);
  g_test_add_func ("/server/auth/password/validate", test_password_validate);
  g_test_add_func ("/server/auth/token/unique-and-64-hex-digits", test_token_unique);
  g_test_add_func ("/server/auth/token/hash-is-sha256", test_token_hash);
  g_test_add_func ("/server/auth/username/validate", test_username_validate);
  g_test_add_func ("/server/throttle/four-failures-are-free", test_throttle_four_failures_free);
  g_test_add_func ("/server/throttle/fifth-failure-locks", test_throttle_fifth_locks);
  g_test_add_func ("/server/throttle/tenth-failure-locks-the-user-everywhere",
                   test_throttle_tenth_locks_user_everywhere);
  g_test_add_func ("/server/throttle/lock-grows-to-fifteen-minutes", test_throttle_lock_grows);
  g_test_add_func ("/server/throttle/address-locks-other-users",
                   test_throttle_address_locks_other_users);
  g_test_add_func ("/server/throttle/address-forgives-a-trickle",
                   test_throttle_address_forgives_a_trickle);
  g_test_add_func ("/server/throttle/success-clears-user", test_throttle_success_clears_user);
  g_test_add_func ("/server/throttle/old-failures-forgotten", test_throttle_old_failures_forgotten);
  g_test_add_func ("/server/throttle/failures-within-window-add-up",
                   test_throttle_failures_within_window_add_up);
  g_test_add_func ("/server/throttle/memory-bounded", test_throttle_memory_bounded);

  return g_test_run ();
}
