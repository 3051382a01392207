/* Tests of the frame and byte counters and their rates (net/stats/stats_rate.c). */
#include <math.h>

#include "net/stats/stats_rate.h"

/* Counts `n` frames of `bytes` each through add_fn. */
static void rate_add_n(LcStatsRate *rate, void (*add_fn)(LcStatsRate *, guint64), guint n,
                       guint64 bytes)
{
    for (guint i = 0; i < n; i++)
        add_fn(rate, bytes);
}

/*
 * A run starting at t = 5 s (any origin works):
 *   interval 1, [5 s, 6 s]: 30 frames of 10000 B sent, 25 acked, 2 lost, 1 dropped
 *     goodput 25 * 10000 * 8 / 1 s = 2.0 Mbit/s; sent 30 * 10000 * 8 = 2.4 Mbit/s
 *     fps acked 25, fps sent 30, loss 2 / (25 + 2) = 0.074074...
 *   interval 2, [6 s, 6.5 s]: 10 frames of 12500 B sent and acked
 *     goodput 125000 * 8 / 0.5 s = 2.0 Mbit/s; fps 10 / 0.5 = 20; loss 0 / 10 = 0
 *   whole run, [5 s, 6.5 s]: 375000 B acked -> 3e6 bit / 1.5 s = 2.0 Mbit/s;
 *     fps acked 35 / 1.5 = 23.333...; fps sent 40 / 1.5 = 26.666...; loss 2 / 37
 */
static void test_rate_intervals(void)
{
    LcStatsRate rate;
    LcStatsRateReport r;

    stats_rate_init(&rate, 5000000);
    rate_add_n(&rate, stats_rate_add_sent, 30, 10000);
    rate_add_n(&rate, stats_rate_add_acked, 25, 10000);
    stats_rate_add_lost(&rate);
    stats_rate_add_lost(&rate);
    stats_rate_add_dropped(&rate);

    stats_rate_close_interval(&rate, 6000000, &r);
    g_assert_cmpint(r.start_us, ==, 5000000);
    g_assert_cmpint(r.end_us, ==, 6000000);
    g_assert_cmpfloat(r.duration_s, ==, 1.0);
    g_assert_cmpuint(r.counts.frames_sent, ==, 30);
    g_assert_cmpuint(r.counts.frames_acked, ==, 25);
    g_assert_cmpuint(r.counts.frames_lost, ==, 2);
    g_assert_cmpuint(r.counts.frames_dropped, ==, 1);
    g_assert_cmpuint(r.counts.bytes_sent, ==, 300000);
    g_assert_cmpuint(r.counts.bytes_acked, ==, 250000);
    g_assert_cmpfloat(r.goodput_mbps, ==, 2.0);
    g_assert_cmpfloat(r.sent_mbps, ==, 2.4);
    g_assert_cmpfloat(r.fps_acked, ==, 25.0);
    g_assert_cmpfloat(r.fps_sent, ==, 30.0);
    g_assert_cmpfloat_with_epsilon(r.loss_fraction, 2.0 / 27.0, 1e-15);

    rate_add_n(&rate, stats_rate_add_sent, 10, 12500);
    rate_add_n(&rate, stats_rate_add_acked, 10, 12500);
    stats_rate_close_interval(&rate, 6500000, &r);
    g_assert_cmpint(r.start_us, ==, 6000000);
    g_assert_cmpfloat(r.duration_s, ==, 0.5);
    g_assert_cmpuint(r.counts.frames_sent, ==, 10);
    g_assert_cmpuint(r.counts.frames_lost, ==, 0);
    g_assert_cmpuint(r.counts.frames_dropped, ==, 0);
    g_assert_cmpuint(r.counts.bytes_acked, ==, 125000);
    g_assert_cmpfloat(r.goodput_mbps, ==, 2.0);
    g_assert_cmpfloat(r.fps_acked, ==, 20.0);
    g_assert_cmpfloat(r.loss_fraction, ==, 0.0);

    stats_rate_get_total(&rate, 6500000, &r);
    g_assert_cmpint(r.start_us, ==, 5000000);
    g_assert_cmpfloat(r.duration_s, ==, 1.5);
    g_assert_cmpuint(r.counts.frames_sent, ==, 40);
    g_assert_cmpuint(r.counts.frames_acked, ==, 35);
    g_assert_cmpuint(r.counts.bytes_acked, ==, 375000);
    g_assert_cmpfloat(r.goodput_mbps, ==, 2.0);
    g_assert_cmpfloat_with_epsilon(r.fps_acked, 35.0 / 1.5, 1e-12);
    g_assert_cmpfloat_with_epsilon(r.fps_sent, 40.0 / 1.5, 1e-12);
    g_assert_cmpfloat_with_epsilon(r.loss_fraction, 2.0 / 37.0, 1e-15);
}

/* An interval of zero length, or one whose end precedes its start, has NAN rates. */
static void test_rate_empty_interval(void)
{
    LcStatsRate rate;
    LcStatsRateReport r;

    stats_rate_init(&rate, 1000);
    stats_rate_close_interval(&rate, 1000, &r);
    g_assert_cmpfloat(r.duration_s, ==, 0.0);
    g_assert_cmpuint(r.counts.frames_sent, ==, 0);
    g_assert_true(isnan(r.goodput_mbps) && isnan(r.sent_mbps));
    g_assert_true(isnan(r.fps_acked) && isnan(r.fps_sent));
    g_assert_true(isnan(r.loss_fraction));

    /* The clock went back 500 us: duration 0, but the counts still close with the interval. */
    stats_rate_add_sent(&rate, 100);
    stats_rate_close_interval(&rate, 500, &r);
    g_assert_cmpfloat(r.duration_s, ==, 0.0);
    g_assert_cmpuint(r.counts.frames_sent, ==, 1);
    g_assert_true(isnan(r.sent_mbps));
    stats_rate_close_interval(&rate, 2000, &r);
    g_assert_cmpuint(r.counts.frames_sent, ==, 0);
    g_assert_cmpfloat(r.sent_mbps, ==, 0.0);
}

/* Interval counts add up to the total, however often intervals are closed. */
static void test_rate_intervals_sum(void)
{
    LcStatsRate rate;
    LcStatsRateReport r;
    LcStatsCounts sum = {0};

    stats_rate_init(&rate, 0);
    for (guint i = 1; i <= 50; i++) {
        rate_add_n(&rate, stats_rate_add_sent, i, 1000 + i);
        rate_add_n(&rate, stats_rate_add_acked, i / 2, 1000 + i);
        if (i % 7 == 0)
            stats_rate_add_lost(&rate);
        if (i % 3 == 0) {
            stats_rate_close_interval(&rate, (gint64)i * 100000, &r);
            sum.frames_sent += r.counts.frames_sent;
            sum.frames_acked += r.counts.frames_acked;
            sum.frames_lost += r.counts.frames_lost;
            sum.bytes_acked += r.counts.bytes_acked;
        }
    }
    stats_rate_close_interval(&rate, 5100000, &r);
    sum.frames_sent += r.counts.frames_sent;
    sum.frames_acked += r.counts.frames_acked;
    sum.frames_lost += r.counts.frames_lost;
    sum.bytes_acked += r.counts.bytes_acked;

    /* sent: 1 + 2 + ... + 50 = 1275; acked: sum of floor(i/2) = 625; lost: 7, 14, ..., 49 = 7. */
    stats_rate_get_total(&rate, 5100000, &r);
    g_assert_cmpuint(r.counts.frames_sent, ==, 1275);
    g_assert_cmpuint(r.counts.frames_acked, ==, 625);
    g_assert_cmpuint(r.counts.frames_lost, ==, 7);
    g_assert_cmpuint(sum.frames_sent, ==, 1275);
    g_assert_cmpuint(sum.frames_acked, ==, 625);
    g_assert_cmpuint(sum.frames_lost, ==, 7);
    g_assert_cmpuint(sum.bytes_acked, ==, r.counts.bytes_acked);
}

/* Bytes over microseconds and the Mbit/s it makes. */
typedef struct {
    guint64 bytes;
    gint64 duration_us;
    double mbps;
} MbpsRow;

/* bytes * 8 / us = Mbit/s; a non-positive duration gives NAN. */
static void test_rate_mbps(void)
{
    static const MbpsRow rows[] = {
        {125000, 1000000, 1.0}, /* 10^6 bit in 1 s */
        {1250, 1000, 10.0},     /* 10^4 bit in 1 ms */
        {0, 1000000, 0.0},      /* nothing delivered is a rate of 0, not "no data" */
        {1, 0, NAN},            /* empty span */
        {1, -5, NAN},           /* backwards span */
        {G_GUINT64_CONSTANT(1) << 40, 1000000, 8796093.022208}, /* 2^43 bit in 1 s */
    };

    for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
        double got = stats_rate_compute_mbps(rows[i].bytes, rows[i].duration_us);
        if (isnan(rows[i].mbps))
            g_assert_true(isnan(got));
        else
            g_assert_cmpfloat_with_epsilon(got, rows[i].mbps, 1e-9);
    }
}

/* Acked and lost frames and the loss fraction lost / (acked + lost). */
typedef struct {
    guint64 acked;
    guint64 lost;
    double fraction;
} LossRow;

/* Loss fraction over resolved frames; none resolved gives NAN. */
static void test_rate_loss_fraction(void)
{
    static const LossRow rows[] = {
        {0, 0, NAN}, {1, 0, 0.0}, {3, 1, 0.25}, {0, 5, 1.0}, {999999, 1, 1e-6},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
        double got = stats_rate_compute_loss_fraction(rows[i].acked, rows[i].lost);
        if (isnan(rows[i].fraction))
            g_assert_true(isnan(got));
        else
            g_assert_cmpfloat_with_epsilon(got, rows[i].fraction, 1e-15);
    }
}

/* Registers the /stats/rate/ tests and runs them. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/stats/rate/intervals", test_rate_intervals);
    g_test_add_func("/stats/rate/empty-interval", test_rate_empty_interval);
    g_test_add_func("/stats/rate/intervals-sum", test_rate_intervals_sum);
    g_test_add_func("/stats/rate/mbps", test_rate_mbps);
    g_test_add_func("/stats/rate/loss-fraction", test_rate_loss_fraction);
    return g_test_run();
}
