/* Clock offset from NTP's four-timestamp exchange (RFC 5905 section 8). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * One exchange, seen from the local side (the one that sends the request):
 *   t1 local send, t2 remote receive, t3 remote send, t4 local receive.
 * The offset is remote clock minus local clock.
 */
typedef struct LcStatsClock LcStatsClock;

/* The current estimate: the exchange with the smallest round-trip delay in the window. */
typedef struct {
    double offset_us;     /* remote minus local; .5 when the timestamps make it so */
    gint64 delay_us;      /* round-trip delay of the chosen exchange, remote time excluded */
    guint64 samples;      /* valid exchanges taken since creation */
    guint window_samples; /* exchanges the estimate was chosen from */
} LcStatsClockEstimate;

LcStatsClock *stats_clock_new(guint window);
void stats_clock_free(LcStatsClock *clock);
gboolean stats_clock_add_sample(LcStatsClock *clock, gint64 t1_us, gint64 t2_us, gint64 t3_us,
                                gint64 t4_us, GError **error);
gboolean stats_clock_get_estimate(const LcStatsClock *clock, LcStatsClockEstimate *out);
double stats_clock_get_offset_ms(const LcStatsClock *clock);
gint64 stats_clock_remote_to_local_us(const LcStatsClock *clock, gint64 remote_us);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcStatsClock, stats_clock_free)

G_END_DECLS
