/*
 * Round-trip time estimator of RFC 6298 section 2, applied to any
 * request/acknowledgement pair (here: a video frame and its ACK).
 *
 * The caller feeds only unambiguous samples: a frame that was sent more than
 * once must not produce an RTT sample (Karn's algorithm, RFC 6298 section 3).
 */
#include "net/stats/stats_rtt.h"

#include <math.h>

#include "net/stats/stats_defaults.h"
#include "net/stats/stats_error.h"

/* RFC 6298 section 2: alpha = 1/8, beta = 1/4, K = 4. */
#define RTT_ALPHA 0.125
#define RTT_BETA  0.25
#define RTT_K     4.0

/* Fills params with the RFC 6298 defaults from net/stats/stats_defaults.h. */
void stats_rtt_params_init(LcStatsRttParams *params)
{
    g_return_if_fail(params != NULL);

    params->granularity_us = LC_STATS_RTT_DEFAULT_GRANULARITY_US;
    params->initial_rto_us = LC_STATS_RTT_DEFAULT_INITIAL_RTO_US;
    params->min_rto_us = LC_STATS_RTT_DEFAULT_MIN_RTO_US;
    params->max_rto_us = LC_STATS_RTT_DEFAULT_MAX_RTO_US;
}

/* Applies the lower bound (RFC 6298 section 2.4) and upper bound (section 2.5) to rto_us. */
static double rtt_clamp_rto(const LcStatsRttParams *params, double rto_us)
{
    if (params->min_rto_us > 0 && rto_us < (double)params->min_rto_us)
        rto_us = (double)params->min_rto_us;
    if (params->max_rto_us > 0 && rto_us > (double)params->max_rto_us)
        rto_us = (double)params->max_rto_us;
    return rto_us;
}

/* Resets rtt to "no sample yet"; params NULL means the defaults of stats_rtt_params_init(). */
void stats_rtt_init(LcStatsRtt *rtt, const LcStatsRttParams *params)
{
    g_return_if_fail(rtt != NULL);

    *rtt = (LcStatsRtt){0};
    if (params != NULL)
        rtt->params = *params;
    else
        stats_rtt_params_init(&rtt->params);

    /* RFC 6298 section 2.1: until a measurement is made, RTO = initial RTO. */
    rtt->rto_us = rtt_clamp_rto(&rtt->params, (double)rtt->params.initial_rto_us);
}

/* Computes RTO = SRTT + max(G, K*RTTVAR) (RFC 6298 sections 2.2 and 2.3) within the bounds. */
static void rtt_compute_rto(LcStatsRtt *rtt)
{
    double var_term = RTT_K * rtt->rttvar_us;
    double g = (double)rtt->params.granularity_us;

    rtt->rto_us = rtt_clamp_rto(&rtt->params, rtt->srtt_us + MAX(g, var_term));
}

/* Takes one RTT measurement in microseconds; a negative one is refused and changes nothing. */
gboolean stats_rtt_update(LcStatsRtt *rtt, gint64 rtt_us, GError **error)
{
    g_return_val_if_fail(rtt != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    double r = (double)rtt_us;

    if (rtt_us < 0)
        goto invalid_sample;

    if (!rtt->has_sample) {
        /* RFC 6298 section 2.2: SRTT <- R, RTTVAR <- R/2. */
        rtt->srtt_us = r;
        rtt->rttvar_us = r / 2.0;
        rtt->has_sample = TRUE;
    } else {
        /*
         * RFC 6298 section 2.3:
         *   RTTVAR <- (1 - beta) * RTTVAR + beta * |SRTT - R'|
         *   SRTT   <- (1 - alpha) * SRTT + alpha * R'
         * RTTVAR is updated first because it uses the SRTT from before this sample.
         */
        rtt->rttvar_us = (1.0 - RTT_BETA) * rtt->rttvar_us + RTT_BETA * fabs(rtt->srtt_us - r);
        rtt->srtt_us = (1.0 - RTT_ALPHA) * rtt->srtt_us + RTT_ALPHA * r;
    }
    rtt->latest_us = rtt_us;
    rtt->samples++;
    rtt_compute_rto(rtt);
    return TRUE;

    /* ERRORS */
invalid_sample:
    g_set_error(error, LC_STATS_ERROR, LC_STATS_ERROR_INVALID_SAMPLE,
                "Invalid RTT sample: %" G_GINT64_FORMAT " us is negative", rtt_us);
    return FALSE;
}

/* Doubles the RTO after a timeout, RTO <- RTO * 2 (RFC 6298 section 5.5), within the upper bound.
 */
void stats_rtt_backoff(LcStatsRtt *rtt)
{
    g_return_if_fail(rtt != NULL);

    rtt->rto_us = rtt_clamp_rto(&rtt->params, rtt->rto_us * 2.0);
}

/* Returns the number of valid RTT measurements taken. */
guint64 stats_rtt_get_samples(const LcStatsRtt *rtt)
{
    g_return_val_if_fail(rtt != NULL, 0);

    return rtt->samples;
}

/* Returns SRTT in milliseconds, or NAN before the first sample. */
double stats_rtt_get_srtt_ms(const LcStatsRtt *rtt)
{
    g_return_val_if_fail(rtt != NULL, NAN);

    return rtt->has_sample ? rtt->srtt_us / 1000.0 : NAN;
}

/* Returns RTTVAR in milliseconds, or NAN before the first sample. */
double stats_rtt_get_rttvar_ms(const LcStatsRtt *rtt)
{
    g_return_val_if_fail(rtt != NULL, NAN);

    return rtt->has_sample ? rtt->rttvar_us / 1000.0 : NAN;
}

/* Returns the last measurement R in milliseconds, or NAN before the first sample. */
double stats_rtt_get_latest_ms(const LcStatsRtt *rtt)
{
    g_return_val_if_fail(rtt != NULL, NAN);

    return rtt->has_sample ? (double)rtt->latest_us / 1000.0 : NAN;
}

/* Returns the RTO in milliseconds (the initial RTO before the first sample). */
double stats_rtt_get_rto_ms(const LcStatsRtt *rtt)
{
    g_return_val_if_fail(rtt != NULL, NAN);

    return rtt->rto_us / 1000.0;
}

/* Returns the RTO in whole microseconds, rounded up and saturated at G_MAXINT64, for a timer. */
gint64 stats_rtt_get_rto_us(const LcStatsRtt *rtt)
{
    g_return_val_if_fail(rtt != NULL, 0);

    /* 2^63 is exact as a double; anything at or above it does not fit a gint64. */
    if (rtt->rto_us >= 9223372036854775808.0)
        return G_MAXINT64;
    return (gint64)ceil(rtt->rto_us);
}
