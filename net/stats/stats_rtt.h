/* Smoothed round-trip time and retransmission timeout per RFC 6298 section 2. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Tunables of the estimator; every field is in microseconds. */
typedef struct {
    gint64 granularity_us; /* G, the clock granularity (RFC 6298 section 2) */
    gint64 initial_rto_us; /* RTO before the first sample (RFC 6298 section 2.1) */
    gint64 min_rto_us;     /* RTO is raised to at least this (RFC 6298 section 2.4); 0: none */
    gint64 max_rto_us;     /* RTO is lowered to at most this (RFC 6298 section 2.5); 0: none */
} LcStatsRttParams;

/*
 * Estimator state. Fields are read through the stats_rtt_get_* functions; the
 * smoothed values are kept as doubles so that the 1/8 and 1/4 gains lose nothing.
 */
typedef struct {
    LcStatsRttParams params;
    gboolean has_sample; /* FALSE until the first valid measurement */
    guint64 samples;     /* valid measurements taken */
    double srtt_us;      /* SRTT */
    double rttvar_us;    /* RTTVAR */
    double rto_us;       /* RTO, bounds applied */
    gint64 latest_us;    /* the last measurement R */
} LcStatsRtt;

void stats_rtt_params_init(LcStatsRttParams *params);
void stats_rtt_init(LcStatsRtt *rtt, const LcStatsRttParams *params);
gboolean stats_rtt_update(LcStatsRtt *rtt, gint64 rtt_us, GError **error);
void stats_rtt_backoff(LcStatsRtt *rtt);
guint64 stats_rtt_get_samples(const LcStatsRtt *rtt);
double stats_rtt_get_srtt_ms(const LcStatsRtt *rtt);
double stats_rtt_get_rttvar_ms(const LcStatsRtt *rtt);
double stats_rtt_get_latest_ms(const LcStatsRtt *rtt);
double stats_rtt_get_rto_ms(const LcStatsRtt *rtt);
gint64 stats_rtt_get_rto_us(const LcStatsRtt *rtt);

G_END_DECLS
