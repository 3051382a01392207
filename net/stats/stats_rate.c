/*
 * Frame and byte counters. The sender counts each frame's fate once; an
 * interval report is the difference between the counters now and at the
 * interval's start, so closing an interval never loses or double-counts.
 */
#include "net/stats/stats_rate.h"

#include <math.h>

/* Starts a run, and its first interval, at now_us. */
void stats_rate_init(LcStatsRate *rate, gint64 now_us)
{
    g_return_if_fail(rate != NULL);

    *rate = (LcStatsRate){0};
    rate->start_us = now_us;
    rate->interval_start_us = now_us;
}

/* Counts one frame of `bytes` payload bytes put on the wire. */
void stats_rate_add_sent(LcStatsRate *rate, guint64 bytes)
{
    g_return_if_fail(rate != NULL);

    rate->total.frames_sent++;
    rate->total.bytes_sent += bytes;
}

/* Counts one frame of `bytes` payload bytes acknowledged by the receiver. */
void stats_rate_add_acked(LcStatsRate *rate, guint64 bytes)
{
    g_return_if_fail(rate != NULL);

    rate->total.frames_acked++;
    rate->total.bytes_acked += bytes;
}

/* Counts one frame declared lost: sent but never acknowledged. */
void stats_rate_add_lost(LcStatsRate *rate)
{
    g_return_if_fail(rate != NULL);

    rate->total.frames_lost++;
}

/* Counts one frame dropped before it was sent. */
void stats_rate_add_dropped(LcStatsRate *rate)
{
    g_return_if_fail(rate != NULL);

    rate->total.frames_dropped++;
}

/* Returns bytes * 8 / duration in Mbit/s (10^6 bit/s), or NAN when duration_us <= 0. */
double stats_rate_compute_mbps(guint64 bytes, gint64 duration_us)
{
    if (duration_us <= 0)
        return NAN;
    /* bits / seconds / 1e6 = bytes * 8 / (us / 1e6) / 1e6 = bytes * 8 / us. */
    return (double)bytes * 8.0 / (double)duration_us;
}

/* Returns lost / (acked + lost), the fraction of resolved frames that were lost, or NAN if none. */
double stats_rate_compute_loss_fraction(guint64 acked, guint64 lost)
{
    if (acked == 0 && lost == 0)
        return NAN;
    return (double)lost / ((double)acked + (double)lost);
}

/* Returns count / duration in 1/s, or NAN when duration_us <= 0. */
static double rate_per_second(guint64 count, gint64 duration_us)
{
    if (duration_us <= 0)
        return NAN;
    return (double)count * 1e6 / (double)duration_us;
}

/* Returns now - then, the counters accumulated between two readings. */
static LcStatsCounts rate_counts_diff(const LcStatsCounts *now, const LcStatsCounts *then)
{
    return (LcStatsCounts){
        .frames_sent = now->frames_sent - then->frames_sent,
        .frames_acked = now->frames_acked - then->frames_acked,
        .frames_lost = now->frames_lost - then->frames_lost,
        .frames_dropped = now->frames_dropped - then->frames_dropped,
        .bytes_sent = now->bytes_sent - then->bytes_sent,
        .bytes_acked = now->bytes_acked - then->bytes_acked,
    };
}

/* Fills out with the rates of `counts` over [start_us, end_us]. */
static void rate_fill_report(const LcStatsCounts *counts, gint64 start_us, gint64 end_us,
                             LcStatsRateReport *out)
{
    gint64 duration_us = 0;

    /* A clock that went backwards gives an empty span; one too long for a gint64 saturates. */
    if (end_us > start_us && __builtin_sub_overflow(end_us, start_us, &duration_us))
        duration_us = G_MAXINT64;

    out->start_us = start_us;
    out->end_us = end_us;
    out->duration_s = (double)duration_us / 1e6;
    out->counts = *counts;
    out->goodput_mbps = stats_rate_compute_mbps(counts->bytes_acked, duration_us);
    out->sent_mbps = stats_rate_compute_mbps(counts->bytes_sent, duration_us);
    out->fps_acked = rate_per_second(counts->frames_acked, duration_us);
    out->fps_sent = rate_per_second(counts->frames_sent, duration_us);
    out->loss_fraction =
        stats_rate_compute_loss_fraction(counts->frames_acked, counts->frames_lost);
}

/* Reports the open interval, which ends at now_us, and starts the next one there. */
void stats_rate_close_interval(LcStatsRate *rate, gint64 now_us, LcStatsRateReport *out)
{
    g_return_if_fail(rate != NULL);
    g_return_if_fail(out != NULL);

    LcStatsCounts delta = rate_counts_diff(&rate->total, &rate->at_interval);

    rate_fill_report(&delta, rate->interval_start_us, now_us, out);
    rate->at_interval = rate->total;
    rate->interval_start_us = now_us;
}

/* Reports the whole run, from its start to now_us, without closing the interval. */
void stats_rate_get_total(const LcStatsRate *rate, gint64 now_us, LcStatsRateReport *out)
{
    g_return_if_fail(rate != NULL);
    g_return_if_fail(out != NULL);

    rate_fill_report(&rate->total, rate->start_us, now_us, out);
}

/* Reports the whole run's counts over a span of the caller's choosing. */
void stats_rate_get_total_over(const LcStatsRate *rate, gint64 start_us, gint64 end_us,
                               LcStatsRateReport *out)
{
    g_return_if_fail(rate != NULL);
    g_return_if_fail(out != NULL);

    rate_fill_report(&rate->total, start_us, end_us, out);
}
