/* Tests of the RFC 6298 RTT estimator (net/stats/stats_rtt.c). */
#include <math.h>
#include <string.h>

#include "net/stats/stats_defaults.h"
#include "net/stats/stats_error.h"
#include "net/stats/stats_rtt.h"

#define RTT_MAX_SAMPLES 4

/* One scenario: parameters, the samples fed in order, and the state expected afterwards. */
typedef struct {
    const char *path;
    LcStatsRttParams params;
    gint64 samples_us[RTT_MAX_SAMPLES];
    guint n_samples;
    double srtt_us;
    double rttvar_us;
    double rto_us;
} RttCase;

/* Parameters with no bounds, so the raw RFC formula is visible. */
#define RAW_PARAMS(g)                                                                              \
    {                                                                                              \
        .granularity_us = (g), .initial_rto_us = 1000000                                           \
    }

/* RFC 6298 defaults: G = 1 us, initial and minimum RTO 1 s, maximum RTO 60 s. */
#define RFC_PARAMS                                                                                 \
    {                                                                                              \
        .granularity_us = 1, .initial_rto_us = 1000000, .min_rto_us = 1000000,                     \
        .max_rto_us = 60000000                                                                     \
    }

/*
 * Every expected value is an exact binary fraction, so the doubles compare
 * with ==. The arithmetic is written out per row.
 */
static const RttCase rtt_cases[] = {
    /*
     * First sample R = 100 ms (section 2.2): SRTT = 100000, RTTVAR = 100000/2 = 50000,
     * RTO = 100000 + max(1, 4 * 50000) = 300000.
     */
    {"/stats/rtt/rfc6298-first-sample", RAW_PARAMS(1), {100000}, 1, 100000, 50000, 300000},
    /*
     * Then R' = 120 ms (section 2.3, RTTVAR first, with the old SRTT):
     *   RTTVAR = 3/4 * 50000 + 1/4 * |100000 - 120000| = 37500 + 5000 = 42500
     *   SRTT   = 7/8 * 100000 + 1/8 * 120000 = 87500 + 15000 = 102500
     * Then R' = 80 ms:
     *   RTTVAR = 3/4 * 42500 + 1/4 * |102500 - 80000| = 31875 + 5625 = 37500
     *   SRTT   = 7/8 * 102500 + 1/8 * 80000 = 89687.5 + 10000 = 99687.5
     *   RTO    = 99687.5 + 4 * 37500 = 249687.5
     * Updating SRTT before RTTVAR would give RTTVAR = 41875 after the second sample.
     */
    {"/stats/rtt/rfc6298-subsequent",
     RAW_PARAMS(1),
     {100000, 120000, 80000},
     3,
     99687.5,
     37500,
     249687.5},
    /*
     * G = 10 ms, R = 1 ms three times: RTTVAR = 500, then 3/4 * 500 = 375, then 281.25;
     * RTO = 1000 + max(10000, 4 * 281.25 = 1125) = 11000.
     */
    {"/stats/rtt/granularity-dominates",
     RAW_PARAMS(10000),
     {1000, 1000, 1000},
     3,
     1000,
     281.25,
     11000},
    /* R = 0: SRTT = 0, RTTVAR = 0, RTO = 0 + max(G = 1, 0) = 1. */
    {"/stats/rtt/zero-sample", RAW_PARAMS(1), {0}, 1, 0, 0, 1},
    /* R = 0 then 0: RTTVAR = 3/4 * 0 + 1/4 * |0 - 0| = 0, zero deltas keep everything at 0. */
    {"/stats/rtt/zero-delta", RAW_PARAMS(1), {0, 0}, 2, 0, 0, 1},
    /* Defaults, R = 100 ms: raw RTO 300000 is below 1 s, raised to 1000000 (section 2.4). */
    {"/stats/rtt/min-rto", RFC_PARAMS, {100000}, 1, 100000, 50000, 1000000},
    /* Video bound of 50 ms, R = 10 ms: raw RTO 10000 + 4 * 5000 = 30000, raised to 50000. */
    {"/stats/rtt/min-rto-video",
     {.granularity_us = 1, .initial_rto_us = 1000000, .min_rto_us = 50000},
     {10000},
     1,
     10000,
     5000,
     50000},
    /* Defaults, R = 30 s: raw RTO 30e6 + 4 * 15e6 = 90e6, lowered to 60e6 (section 2.5). */
    {"/stats/rtt/max-rto", RFC_PARAMS, {30000000}, 1, 30000000, 15000000, 60000000},
    /* R = 1e12 us (11.6 days), no bounds: SRTT 1e12, RTTVAR 5e11, RTO 1e12 + 2e12 = 3e12. */
    {"/stats/rtt/huge-sample",
     RAW_PARAMS(1),
     {G_GINT64_CONSTANT(1000000000000)},
     1,
     1e12,
     5e11,
     3e12},
};

/* Feeds one case's samples and checks SRTT, RTTVAR and RTO. */
static void test_rtt_case(gconstpointer data)
{
    const RttCase *c = data;
    LcStatsRtt rtt;

    stats_rtt_init(&rtt, &c->params);
    for (guint i = 0; i < c->n_samples; i++) {
        g_autoptr(GError) error = NULL;
        g_assert_true(stats_rtt_update(&rtt, c->samples_us[i], &error));
        g_assert_no_error(error);
    }

    g_assert_cmpuint(stats_rtt_get_samples(&rtt), ==, c->n_samples);
    g_assert_cmpfloat(rtt.srtt_us, ==, c->srtt_us);
    g_assert_cmpfloat(rtt.rttvar_us, ==, c->rttvar_us);
    g_assert_cmpfloat(rtt.rto_us, ==, c->rto_us);
    g_assert_cmpfloat_with_epsilon(stats_rtt_get_srtt_ms(&rtt), c->srtt_us / 1000.0, 1e-9);
    g_assert_cmpfloat_with_epsilon(stats_rtt_get_rttvar_ms(&rtt), c->rttvar_us / 1000.0, 1e-9);
    g_assert_cmpfloat_with_epsilon(stats_rtt_get_rto_ms(&rtt), c->rto_us / 1000.0, 1e-9);
    g_assert_cmpfloat_with_epsilon(stats_rtt_get_latest_ms(&rtt),
                                   (double)c->samples_us[c->n_samples - 1] / 1000.0, 1e-9);
}

/* Before any sample: RTO is the initial 1 s (section 2.1) and the smoothed values are NAN. */
static void test_rtt_before_first_sample(void)
{
    LcStatsRtt rtt;

    stats_rtt_init(&rtt, NULL);
    g_assert_cmpuint(stats_rtt_get_samples(&rtt), ==, 0);
    g_assert_cmpint(rtt.params.min_rto_us, ==, LC_STATS_RTT_DEFAULT_MIN_RTO_US);
    g_assert_cmpfloat(stats_rtt_get_rto_ms(&rtt), ==, 1000.0);
    g_assert_cmpint(stats_rtt_get_rto_us(&rtt), ==, 1000000);
    g_assert_true(isnan(stats_rtt_get_srtt_ms(&rtt)));
    g_assert_true(isnan(stats_rtt_get_rttvar_ms(&rtt)));
    g_assert_true(isnan(stats_rtt_get_latest_ms(&rtt)));
}

/* A negative sample is refused with LC_STATS_ERROR_INVALID_SAMPLE and changes nothing. */
static void test_rtt_negative_sample(void)
{
    LcStatsRttParams params = RAW_PARAMS(1);
    LcStatsRtt rtt;
    g_autoptr(GError) error = NULL;

    stats_rtt_init(&rtt, &params);
    g_assert_false(stats_rtt_update(&rtt, -1, &error));
    g_assert_error(error, LC_STATS_ERROR, LC_STATS_ERROR_INVALID_SAMPLE);
    g_assert_nonnull(strstr(error->message, "-1 us"));
    g_assert_cmpuint(stats_rtt_get_samples(&rtt), ==, 0);
    g_assert_true(isnan(stats_rtt_get_srtt_ms(&rtt)));
    g_clear_error(&error);

    /* After 100 ms, a negative sample leaves SRTT 100000, RTTVAR 50000, RTO 300000. */
    g_assert_true(stats_rtt_update(&rtt, 100000, NULL));
    g_assert_false(stats_rtt_update(&rtt, G_MININT64, &error));
    g_assert_error(error, LC_STATS_ERROR, LC_STATS_ERROR_INVALID_SAMPLE);
    g_assert_cmpuint(stats_rtt_get_samples(&rtt), ==, 1);
    g_assert_cmpfloat(rtt.srtt_us, ==, 100000);
    g_assert_cmpfloat(rtt.rttvar_us, ==, 50000);
    g_assert_cmpfloat(rtt.rto_us, ==, 300000);
}

/*
 * Backoff (section 5.5) doubles the RTO up to the maximum; the next sample
 * recomputes it. Max 1 s, R = 100 ms: RTO 300000 -> 600000 -> min(1200000, 1000000).
 * Then R' = 100 ms: RTTVAR = 3/4 * 50000 + 0 = 37500, SRTT = 100000,
 * RTO = 100000 + 4 * 37500 = 250000.
 */
static void test_rtt_backoff(void)
{
    LcStatsRttParams params = {
        .granularity_us = 1, .initial_rto_us = 1000000, .max_rto_us = 1000000};
    LcStatsRtt rtt;

    stats_rtt_init(&rtt, &params);
    g_assert_true(stats_rtt_update(&rtt, 100000, NULL));
    g_assert_cmpint(stats_rtt_get_rto_us(&rtt), ==, 300000);
    stats_rtt_backoff(&rtt);
    g_assert_cmpint(stats_rtt_get_rto_us(&rtt), ==, 600000);
    stats_rtt_backoff(&rtt);
    g_assert_cmpint(stats_rtt_get_rto_us(&rtt), ==, 1000000);
    g_assert_true(stats_rtt_update(&rtt, 100000, NULL));
    g_assert_cmpint(stats_rtt_get_rto_us(&rtt), ==, 250000);
}

/*
 * RTO in whole microseconds rounds up. G = 1, R = 1 then 2:
 *   SRTT 1, RTTVAR 0.5, RTO 1 + max(1, 2) = 3
 *   RTTVAR = 3/4 * 0.5 + 1/4 * |1 - 2| = 0.625, SRTT = 7/8 + 2/8 = 1.125
 *   RTO = 1.125 + 4 * 0.625 = 3.625 -> 4 us
 * A sample of G_MAXINT64 gives an RTO of 3 * 2^63, which saturates at G_MAXINT64.
 */
static void test_rtt_rto_us_rounding(void)
{
    LcStatsRttParams params = RAW_PARAMS(1);
    LcStatsRtt rtt;

    stats_rtt_init(&rtt, &params);
    g_assert_true(stats_rtt_update(&rtt, 1, NULL));
    g_assert_cmpint(stats_rtt_get_rto_us(&rtt), ==, 3);
    g_assert_true(stats_rtt_update(&rtt, 2, NULL));
    g_assert_cmpfloat(rtt.rto_us, ==, 3.625);
    g_assert_cmpint(stats_rtt_get_rto_us(&rtt), ==, 4);

    stats_rtt_init(&rtt, &params);
    g_assert_true(stats_rtt_update(&rtt, G_MAXINT64, NULL));
    g_assert_cmpint(stats_rtt_get_rto_us(&rtt), ==, G_MAXINT64);
}

/* Registers the /stats/rtt/ tests and runs them. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(rtt_cases); i++)
        g_test_add_data_func(rtt_cases[i].path, &rtt_cases[i], test_rtt_case);
    g_test_add_func("/stats/rtt/before-first-sample", test_rtt_before_first_sample);
    g_test_add_func("/stats/rtt/negative-sample", test_rtt_negative_sample);
    g_test_add_func("/stats/rtt/rfc6298-backoff", test_rtt_backoff);
    g_test_add_func("/stats/rtt/rto-us-rounding", test_rtt_rto_us_rounding);
    return g_test_run();
}
