/* Frame and byte counters with per-interval and whole-run rates (goodput, fps, loss). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Frame fates, counted by the sender: sent on the wire, acknowledged by the
 * receiver, declared lost (sent, never acknowledged), or dropped before
 * sending (stale or over a queue limit). Bytes are payload bytes.
 */
typedef struct {
    guint64 frames_sent;
    guint64 frames_acked;
    guint64 frames_lost;
    guint64 frames_dropped;
    guint64 bytes_sent;
    guint64 bytes_acked;
} LcStatsCounts;

/*
 * Rates over one span of time. A figure whose denominator is zero (an empty
 * span, or no frame acknowledged or lost) is NAN: "no data", not zero.
 */
typedef struct {
    gint64 start_us;      /* span start, caller's clock */
    gint64 end_us;        /* span end, caller's clock */
    double duration_s;    /* (end - start) in seconds, 0 if the clock went backwards */
    LcStatsCounts counts; /* what happened within the span */
    double goodput_mbps;  /* bytes_acked * 8 / duration / 1e6, Mbit/s */
    double sent_mbps;     /* bytes_sent * 8 / duration / 1e6, Mbit/s */
    double fps_acked;     /* frames_acked / duration, frames/s */
    double fps_sent;      /* frames_sent / duration, frames/s */
    double loss_fraction; /* frames_lost / (frames_acked + frames_lost), 0..1 */
} LcStatsRateReport;

/* Running counters and the boundary of the current interval. */
typedef struct {
    gint64 start_us;           /* start of the run */
    gint64 interval_start_us;  /* start of the open interval */
    LcStatsCounts total;       /* since the start of the run */
    LcStatsCounts at_interval; /* value of total when the open interval began */
} LcStatsRate;

void stats_rate_init(LcStatsRate *rate, gint64 now_us);
void stats_rate_add_sent(LcStatsRate *rate, guint64 bytes);
void stats_rate_add_acked(LcStatsRate *rate, guint64 bytes);
void stats_rate_add_lost(LcStatsRate *rate);
void stats_rate_add_dropped(LcStatsRate *rate);
void stats_rate_close_interval(LcStatsRate *rate, gint64 now_us, LcStatsRateReport *out);
void stats_rate_get_total(const LcStatsRate *rate, gint64 now_us, LcStatsRateReport *out);
/* The whole run's counts over [start_us, end_us]: a span the caller knows
 * better than the run's start (the time a received stream flowed). */
void stats_rate_get_total_over(const LcStatsRate *rate, gint64 start_us, gint64 end_us,
                               LcStatsRateReport *out);
double stats_rate_compute_mbps(guint64 bytes, gint64 duration_us);
double stats_rate_compute_loss_fraction(guint64 acked, guint64 lost);

G_END_DECLS
