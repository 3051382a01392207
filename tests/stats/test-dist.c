/* Tests of the sample distribution (net/stats/stats_dist.c): moments and nearest-rank percentiles.
 */
#include <math.h>

#include "net/stats/stats_dist.h"

#define DIST_MAX_VALUES 20

/* One sample set, in the order added, and its expected summary. */
typedef struct {
    const char *path;
    double values[DIST_MAX_VALUES];
    guint n;
    double min, mean, stddev, max, p50, p95, p99;
} DistCase;

/*
 * Nearest rank: p-th percentile = sorted[ceil(p/100 * N)], ranks from 1.
 * stddev is the population standard deviation sqrt(sum((x - mean)^2) / N).
 */
static const DistCase dist_cases[] = {
    /* N = 1: every rank is 1. */
    {"/stats/dist/one-sample", {7}, 1, 7, 7, 0, 7, 7, 7, 7},
    /*
     * N = 2, unsorted {20, 10}: mean 15, stddev sqrt((25 + 25) / 2) = 5.
     * p50 rank ceil(1.0) = 1 -> 10; p95 rank ceil(1.9) = 2 -> 20; p99 rank ceil(1.98) = 2 -> 20.
     */
    {"/stats/dist/two-samples", {20, 10}, 2, 10, 15, 5, 20, 10, 20, 20},
    /*
     * 1..10 shuffled: mean 5.5, variance (N^2 - 1) / 12 = 99/12 = 8.25, stddev 2.8722813232690143.
     * p50 rank 5 -> 5; p95 rank ceil(9.5) = 10 -> 10; p99 rank ceil(9.9) = 10 -> 10.
     */
    {"/stats/dist/unsorted-ten",
     {9, 1, 8, 2, 7, 3, 6, 4, 5, 10},
     10,
     1,
     5.5,
     2.8722813232690143,
     10,
     5,
     10,
     10},
    /*
     * Duplicates {5, 5, 5, 1, 1}, sorted {1, 1, 5, 5, 5}: mean 17/5 = 3.4,
     * variance (3 * 1.6^2 + 2 * 2.4^2) / 5 = (7.68 + 11.52) / 5 = 3.84, stddev 1.9595917942265424.
     * p50 rank ceil(2.5) = 3 -> 5; p95 rank ceil(4.75) = 5 -> 5; p99 rank 5 -> 5.
     */
    {"/stats/dist/duplicates", {5, 5, 5, 1, 1}, 5, 1, 3.4, 1.9595917942265424, 5, 5, 5, 5},
    /*
     * 20..1 descending: mean 10.5, variance (400 - 1) / 12 = 33.25, stddev 5.766281297335398.
     * p50 rank 10 -> 10; p95 rank ceil(19.0) = 19 -> 19; p99 rank ceil(19.8) = 20 -> 20.
     */
    {"/stats/dist/twenty-descending",
     {20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1},
     20,
     1,
     10.5,
     5.766281297335398,
     20,
     10,
     19,
     20},
    /*
     * {0, -3, 3}: mean 0, variance (0 + 9 + 9) / 3 = 6, stddev 2.449489742783178.
     * sorted {-3, 0, 3}: p50 rank ceil(1.5) = 2 -> 0; p95 rank ceil(2.85) = 3 -> 3.
     */
    {"/stats/dist/negative-and-zero", {0, -3, 3}, 3, -3, 0, 2.449489742783178, 3, 0, 3, 3},
    /*
     * Large values close together: 1e9 + {4, 7, 13, 16}. Mean 1e9 + 10,
     * variance (36 + 9 + 9 + 36) / 4 = 22.5, stddev 4.743416490252569.
     * A naive sum of squares (about 4e18, ulp 512) would lose this entirely.
     * p50 rank 2 -> 1e9 + 7; p95 rank ceil(3.8) = 4 -> 1e9 + 16.
     */
    {"/stats/dist/large-close-values",
     {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16},
     4,
     1e9 + 4,
     1e9 + 10,
     4.743416490252569,
     1e9 + 16,
     1e9 + 7,
     1e9 + 16,
     1e9 + 16},
};

/* Adds a case's values and checks each getter and the summary against the hand-computed row. */
static void test_dist_case(gconstpointer data)
{
    const DistCase *c = data;
    g_autoptr(LcStatsDist) dist = stats_dist_new();
    LcStatsDistSummary s;

    for (guint i = 0; i < c->n; i++)
        stats_dist_add(dist, c->values[i]);

    g_assert_cmpuint(stats_dist_get_count(dist), ==, c->n);
    g_assert_cmpfloat(stats_dist_get_min(dist), ==, c->min);
    g_assert_cmpfloat_with_epsilon(stats_dist_get_mean(dist), c->mean,
                                   1e-12 * fabs(c->mean) + 1e-12);
    g_assert_cmpfloat_with_epsilon(stats_dist_get_stddev(dist), c->stddev, 1e-9);
    g_assert_cmpfloat(stats_dist_get_max(dist), ==, c->max);
    g_assert_cmpfloat(stats_dist_percentile(dist, 50), ==, c->p50);
    g_assert_cmpfloat(stats_dist_percentile(dist, 95), ==, c->p95);
    g_assert_cmpfloat(stats_dist_percentile(dist, 99), ==, c->p99);

    stats_dist_get_summary(dist, &s);
    g_assert_cmpuint(s.count, ==, c->n);
    g_assert_cmpfloat(s.min, ==, c->min);
    g_assert_cmpfloat(s.mean, ==, stats_dist_get_mean(dist));
    g_assert_cmpfloat(s.stddev, ==, stats_dist_get_stddev(dist));
    g_assert_cmpfloat(s.max, ==, c->max);
    g_assert_cmpfloat(s.p50, ==, c->p50);
    g_assert_cmpfloat(s.p95, ==, c->p95);
    g_assert_cmpfloat(s.p99, ==, c->p99);
}

/* A percentile at p and the value nearest rank gives for 1..100. */
typedef struct {
    double p;
    double value;
} PercentileRow;

/*
 * 1..100 (added in reverse): the p-th percentile is ceil(p) itself.
 * p = 0 has rank ceil(0) = 0, raised to 1. p = 50.5 has rank ceil(50.5) = 51.
 */
static void test_dist_percentile_hundred(void)
{
    static const PercentileRow rows[] = {
        {0, 1},   {1, 1},   {1.5, 2},     {50, 50},   {50.5, 51},
        {95, 95}, {99, 99}, {99.01, 100}, {100, 100},
    };
    g_autoptr(LcStatsDist) dist = stats_dist_new();

    for (int v = 100; v >= 1; v--)
        stats_dist_add(dist, v);
    for (gsize i = 0; i < G_N_ELEMENTS(rows); i++)
        g_assert_cmpfloat(stats_dist_percentile(dist, rows[i].p), ==, rows[i].value);
}

/* No samples: count 0 and NAN for every figure (documented in LcStatsDistSummary). */
static void test_dist_empty(void)
{
    g_autoptr(LcStatsDist) dist = stats_dist_new();
    LcStatsDistSummary s;

    g_assert_cmpuint(stats_dist_get_count(dist), ==, 0);
    g_assert_true(isnan(stats_dist_get_min(dist)));
    g_assert_true(isnan(stats_dist_get_mean(dist)));
    g_assert_true(isnan(stats_dist_get_stddev(dist)));
    g_assert_true(isnan(stats_dist_get_max(dist)));
    g_assert_true(isnan(stats_dist_percentile(dist, 50)));

    stats_dist_get_summary(dist, &s);
    g_assert_cmpuint(s.count, ==, 0);
    g_assert_true(isnan(s.min) && isnan(s.mean) && isnan(s.stddev) && isnan(s.max));
    g_assert_true(isnan(s.p50) && isnan(s.p95) && isnan(s.p99));
}

/* After clear, the old samples no longer count: {100, 200}, clear, {3} gives 3 everywhere. */
static void test_dist_clear(void)
{
    g_autoptr(LcStatsDist) dist = stats_dist_new();

    stats_dist_add(dist, 100);
    stats_dist_add(dist, 200);
    stats_dist_clear(dist);
    g_assert_cmpuint(stats_dist_get_count(dist), ==, 0);
    g_assert_true(isnan(stats_dist_get_mean(dist)));
    stats_dist_add(dist, 3);
    g_assert_cmpuint(stats_dist_get_count(dist), ==, 1);
    g_assert_cmpfloat(stats_dist_get_min(dist), ==, 3);
    g_assert_cmpfloat(stats_dist_get_mean(dist), ==, 3);
    g_assert_cmpfloat(stats_dist_get_stddev(dist), ==, 0);
    g_assert_cmpfloat(stats_dist_get_max(dist), ==, 3);
    g_assert_cmpfloat(stats_dist_percentile(dist, 99), ==, 3);
}

/* Microseconds in, milliseconds stored: 1500 us -> 1.5, 250 us -> 0.25, -1000 us -> -1. */
static void test_dist_add_us(void)
{
    g_autoptr(LcStatsDist) dist = stats_dist_new();

    stats_dist_add_us(dist, 1500);
    stats_dist_add_us(dist, 250);
    stats_dist_add_us(dist, -1000);
    g_assert_cmpfloat(stats_dist_get_max(dist), ==, 1.5);
    g_assert_cmpfloat(stats_dist_percentile(dist, 50), ==, 0.25);
    g_assert_cmpfloat(stats_dist_get_min(dist), ==, -1.0);
}

/* A NAN or infinite sample is refused with a critical and not counted. */
static void test_dist_non_finite(void)
{
    g_autoptr(LcStatsDist) dist = stats_dist_new();

    stats_dist_add(dist, 1);
    g_test_expect_message("lanconf-stats", G_LOG_LEVEL_CRITICAL, "*isfinite*");
    stats_dist_add(dist, NAN);
    g_test_assert_expected_messages();
    g_test_expect_message("lanconf-stats", G_LOG_LEVEL_CRITICAL, "*isfinite*");
    stats_dist_add(dist, INFINITY);
    g_test_assert_expected_messages();
    g_assert_cmpuint(stats_dist_get_count(dist), ==, 1);
    g_assert_cmpfloat(stats_dist_get_mean(dist), ==, 1);
}

/*
 * 10^6 samples, 10^6 down to 1: p50 rank 500000 -> 500000, p95 rank 950000,
 * p99 rank 990000; mean (10^6 + 1) / 2 = 500000.5;
 * stddev sqrt((N^2 - 1) / 12) = sqrt(83333333333.25) = 288675.1345946685.
 */
static void test_dist_million(void)
{
    g_autoptr(LcStatsDist) dist = stats_dist_new();
    LcStatsDistSummary s;

    for (int v = 1000000; v >= 1; v--)
        stats_dist_add(dist, v);
    stats_dist_get_summary(dist, &s);
    g_assert_cmpuint(s.count, ==, 1000000);
    g_assert_cmpfloat(s.min, ==, 1);
    g_assert_cmpfloat(s.max, ==, 1000000);
    g_assert_cmpfloat_with_epsilon(s.mean, 500000.5, 1e-6);
    g_assert_cmpfloat_with_epsilon(s.stddev, 288675.1345946685, 1e-6);
    g_assert_cmpfloat(s.p50, ==, 500000);
    g_assert_cmpfloat(s.p95, ==, 950000);
    g_assert_cmpfloat(s.p99, ==, 990000);
}

/* Registers the /stats/dist/ tests and runs them. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(dist_cases); i++)
        g_test_add_data_func(dist_cases[i].path, &dist_cases[i], test_dist_case);
    g_test_add_func("/stats/dist/percentile-hundred", test_dist_percentile_hundred);
    g_test_add_func("/stats/dist/empty", test_dist_empty);
    g_test_add_func("/stats/dist/clear", test_dist_clear);
    g_test_add_func("/stats/dist/add-us", test_dist_add_us);
    g_test_add_func("/stats/dist/non-finite", test_dist_non_finite);
    g_test_add_func("/stats/dist/million", test_dist_million);
    return g_test_run();
}
