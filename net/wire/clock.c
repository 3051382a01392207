/* clock.c: wall-clock time in microseconds and its text forms. */
#include "net/wire/clock.h"

/* Microseconds since the Unix epoch (UTC). */
gint64 clock_now_us(void)
{
    return g_get_real_time();
}

/* Formats time_us as RFC 3339 UTC with milliseconds. */
char *clock_format_rfc3339(gint64 time_us)
{
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(time_us / G_USEC_PER_SEC);
    if (dt == NULL)
        return g_strdup("1970-01-01T00:00:00.000Z");
    g_autofree char *base = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");
    int ms = (int)((time_us % G_USEC_PER_SEC) / 1000);
    if (ms < 0)
        ms += 1000;
    return g_strdup_printf("%s.%03dZ", base, ms);
}

/* Formats time_us as local wall-clock "HH:MM:SS". */
char *clock_format_hms(gint64 time_us)
{
    g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(time_us / G_USEC_PER_SEC);
    if (utc == NULL)
        return g_strdup("--:--:--");
    g_autoptr(GDateTime) local = g_date_time_to_local(utc);
    return g_date_time_format(local, "%H:%M:%S");
}
