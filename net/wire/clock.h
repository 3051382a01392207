/* clock.h: wall-clock time in microseconds and its text forms. */
#pragma once

#include <glib.h>

/* Microseconds since the Unix epoch (UTC), the unit of every wire timestamp. */
gint64 clock_now_us(void);

/* Formats a wire timestamp as RFC 3339 UTC with milliseconds, e.g.
 * "2026-11-22T20:50:22.123Z". */
char *clock_format_rfc3339(gint64 time_us);

/* Formats a wire timestamp as local "HH:MM:SS" for chat logs. */
char *clock_format_hms(gint64 time_us);
