/*
 * Interarrival jitter of RFC 3550 section 6.4.1, computed as in appendix A.8
 * but in floating-point microseconds instead of scaled RTP timestamp units.
 *
 * Packets are fed in order of arrival, not of sequence number, as the RFC
 * says. Transit times are held as doubles: they are exact up to 2^53 us
 * (285 years), so epoch-based clocks with any realistic offset lose nothing.
 */
#include "net/stats/stats_jitter.h"

#include <math.h>

/* Resets jitter to "no packet yet", J = 0. */
void stats_jitter_init(LcStatsJitter *jitter)
{
    g_return_if_fail(jitter != NULL);

    *jitter = (LcStatsJitter){0};
}

/* Takes one packet: its send time (sender clock) and arrival time (receiver clock), in us. */
void stats_jitter_update(LcStatsJitter *jitter, gint64 send_us, gint64 arrival_us)
{
    g_return_if_fail(jitter != NULL);

    /* RFC 3550 appendix A.8: transit = arrival - timestamp. */
    double transit = (double)arrival_us - (double)send_us;

    if (jitter->has_prev) {
        /*
         * RFC 3550 section 6.4.1:
         *   D(i-1,i) = (Rj - Ri) - (Sj - Si) = transit(j) - transit(i)
         *   J(i) = J(i-1) + (|D(i-1,i)| - J(i-1)) / 16
         */
        double d = fabs(transit - jitter->prev_transit_us);
        jitter->jitter_us += (d - jitter->jitter_us) / 16.0;
    }
    jitter->prev_transit_us = transit;
    jitter->has_prev = TRUE;
    jitter->samples++;
}

/* Returns the number of packets taken. */
guint64 stats_jitter_get_samples(const LcStatsJitter *jitter)
{
    g_return_val_if_fail(jitter != NULL, 0);

    return jitter->samples;
}

/* Returns J in microseconds; 0 until two packets have arrived. */
double stats_jitter_get_us(const LcStatsJitter *jitter)
{
    g_return_val_if_fail(jitter != NULL, NAN);

    return jitter->jitter_us;
}

/* Returns J in milliseconds; 0 until two packets have arrived. */
double stats_jitter_get_ms(const LcStatsJitter *jitter)
{
    g_return_val_if_fail(jitter != NULL, NAN);

    return jitter->jitter_us / 1000.0;
}
