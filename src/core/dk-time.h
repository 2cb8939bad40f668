/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-time.h: times as Unix seconds (UTC), RFC 3339 on the wire */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The value of a time that is not set (JSON null or absent). */
#define DK_TIME_UNSET G_MININT64
/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the times RFC 3339 can write in UTC. */
#define DK_TIME_MIN (-G_GINT64_CONSTANT (62135596800))
#define DK_TIME_MAX G_GINT64_CONSTANT (253402300799)

gint64    dk_time_now    (void);
/* Parses "2026-11-24T14:05:00Z" (any RFC 3339 offset, fractions dropped) into Unix
 * seconds. Anything else is DK_ERROR_INVALID. */
gboolean  dk_time_parse  (const char  *text,
                          gint64      *out,
                          GError     **error);
/* "2026-11-24T14:05:00Z"; NULL for DK_TIME_UNSET. */
char     *dk_time_format (gint64       t);
/* @t in the local time zone with a g_date_time_format () @format, for people to read;
 * NULL for DK_TIME_UNSET or a time GDateTime cannot hold. */
char     *dk_time_format_local (gint64       t,
                                const char  *format);

/* The clock reminders of planned work run by (dk-planned-reminder.c): dk_time_now ()
 * unless the environment variable DRIFTKOLL_TEST_CLOCK is set, which only tests do:
 *
 *   DRIFTKOLL_TEST_CLOCK=SPEED          the clock starts at the real time and runs SPEED
 *                                       times as fast (3600: an hour a second)
 *   DRIFTKOLL_TEST_CLOCK=SPEED,+OFFSET  ... and starts OFFSET seconds ahead (or -OFFSET)
 *
 * SPEED is a number from 1 to 1000000. The clock starts when it is first read and runs
 * from the real clock (so a real clock jump shows too). Nothing else reads it: times on
 * the wire, in the replica and the rules keep dk_time_now (). A value that is not of
 * this form is warned about once and the real clock is used. */
gint64    dk_time_clock_now      (void);
/* The real milliseconds until the clock above shows @t; 0 when it is past. */
guint     dk_time_clock_delay_ms (gint64       t);
/* Whether DRIFTKOLL_TEST_CLOCK is in effect. */
gboolean  dk_time_clock_is_test  (void);

G_END_DECLS
