/* Tests of the RFC 5905 four-timestamp clock offset estimator (net/stats/stats_clock.c). */
#include <math.h>

#include "net/stats/stats_clock.h"
#include "net/stats/stats_error.h"

/* One exchange (t1 local send, t2 remote receive, t3 remote send, t4 local receive) and its result.
 */
typedef struct {
    const char *path;
    gint64 t1, t2, t3, t4;
    double offset_us;
    gint64 delay_us;
} ClockRow;

/*
 * offset = ((t2 - t1) + (t3 - t4)) / 2, delay = (t4 - t1) - (t3 - t2).
 * "Remote" is the clock being estimated; true offset is remote minus local.
 */
static const ClockRow clock_rows[] = {
    /*
     * True offset +5000, 100 us each way, 50 us remote processing:
     * t2 = 1000 + 5000 + 100, t3 = t2 + 50, t4 = 6150 - 5000 + 100.
     * offset = (5100 + 4900) / 2 = 5000, delay = 250 - 50 = 200.
     */
    {"/stats/clock/rfc5905-symmetric", 1000, 6100, 6150, 1250, 5000, 200},
    /*
     * True offset +5000, 900 us out, 100 us back: t2 = 7900, t3 = 7950, t4 = 3050.
     * offset = (5900 + 4900) / 2 = 5400 (biased by (900 - 100) / 2 = 400),
     * delay = 1050 - 50 = 1000.
     */
    {"/stats/clock/rfc5905-asymmetric", 2000, 7900, 7950, 3050, 5400, 1000},
    /*
     * True offset +5000, 101 us out, 100 us back, no processing: t2 = t3 = 5101, t4 = 201.
     * offset = (5101 + 4900) / 2 = 5000.5, delay = 201 - 0 = 201.
     */
    {"/stats/clock/rfc5905-half-us", 0, 5101, 5101, 201, 5000.5, 201},
    /*
     * True offset -7000, 300 us each way, 20 us processing:
     * t2 = 100000 - 7000 + 300 = 93300, t3 = 93320, t4 = 93320 + 7000 + 300 = 100620.
     * offset = (-6700 + -7300) / 2 = -7000, delay = 620 - 20 = 600.
     */
    {"/stats/clock/rfc5905-negative-offset", 100000, 93300, 93320, 100620, -7000, 600},
    /*
     * Epoch clocks an hour apart, zero one-way delay and zero processing:
     * offset = (3600000000 + 3600000000) / 2 = 3600000000, delay = 0.
     */
    {"/stats/clock/rfc5905-zero-delay", G_GINT64_CONSTANT(1700000000000000),
     G_GINT64_CONSTANT(1700003600000000), G_GINT64_CONSTANT(1700003600000000),
     G_GINT64_CONSTANT(1700000000000000), 3600000000.0, 0},
};

/* One exchange into a fresh estimator gives exactly that exchange's offset and delay. */
static void test_clock_row(gconstpointer data)
{
    const ClockRow *r = data;
    g_autoptr(LcStatsClock) clock = stats_clock_new(0);
    g_autoptr(GError) error = NULL;
    LcStatsClockEstimate est;

    g_assert_true(stats_clock_add_sample(clock, r->t1, r->t2, r->t3, r->t4, &error));
    g_assert_no_error(error);
    g_assert_true(stats_clock_get_estimate(clock, &est));
    g_assert_cmpfloat(est.offset_us, ==, r->offset_us);
    g_assert_cmpint(est.delay_us, ==, r->delay_us);
    g_assert_cmpuint(est.samples, ==, 1);
    g_assert_cmpuint(est.window_samples, ==, 1);
    g_assert_cmpfloat_with_epsilon(stats_clock_get_offset_ms(clock), r->offset_us / 1000.0, 1e-9);
}

/* Adds row `i` of clock_rows and asserts it was accepted. */
static void clock_add_row(LcStatsClock *clock, gsize i)
{
    const ClockRow *r = &clock_rows[i];
    g_autoptr(GError) error = NULL;

    g_assert_true(stats_clock_add_sample(clock, r->t1, r->t2, r->t3, r->t4, &error));
    g_assert_no_error(error);
}

/* Over all samples, the smallest delay wins: asymmetric (1000), symmetric (200), asymmetric. */
static void test_clock_min_delay_wins(void)
{
    g_autoptr(LcStatsClock) clock = stats_clock_new(0);
    LcStatsClockEstimate est;

    clock_add_row(clock, 1);
    g_assert_true(stats_clock_get_estimate(clock, &est));
    g_assert_cmpfloat(est.offset_us, ==, 5400);
    clock_add_row(clock, 0);
    clock_add_row(clock, 1);
    g_assert_true(stats_clock_get_estimate(clock, &est));
    g_assert_cmpfloat(est.offset_us, ==, 5000);
    g_assert_cmpint(est.delay_us, ==, 200);
    g_assert_cmpuint(est.samples, ==, 3);
    g_assert_cmpuint(est.window_samples, ==, 3);
}

/*
 * Window of 2. Exchanges, true offset +5000:
 *   A: 100 out, 100 back -> offset 5000, delay 200
 *   B: 900 out, 100 back -> offset 5400, delay 1000
 *   C: 500 out, 100 back -> offset 5000 + (500 - 100)/2 = 5200, delay 600
 * After A: A. After B: {A, B} -> A. After C: {B, C} -> C, A has aged out.
 */
static void test_clock_window(void)
{
    g_autoptr(LcStatsClock) clock = stats_clock_new(2);
    LcStatsClockEstimate est;

    g_assert_true(stats_clock_add_sample(clock, 0, 5100, 5100, 200, NULL));
    g_assert_true(stats_clock_get_estimate(clock, &est));
    g_assert_cmpfloat(est.offset_us, ==, 5000);
    g_assert_cmpuint(est.window_samples, ==, 1);

    g_assert_true(stats_clock_add_sample(clock, 1000, 6900, 6900, 2000, NULL));
    g_assert_true(stats_clock_get_estimate(clock, &est));
    g_assert_cmpfloat(est.offset_us, ==, 5000);
    g_assert_cmpint(est.delay_us, ==, 200);
    g_assert_cmpuint(est.window_samples, ==, 2);

    /* C: t1 = 3000, t2 = 3000 + 5000 + 500 = 8500, t3 = 8500, t4 = 8500 - 5000 + 100 = 3600. */
    g_assert_true(stats_clock_add_sample(clock, 3000, 8500, 8500, 3600, NULL));
    g_assert_true(stats_clock_get_estimate(clock, &est));
    g_assert_cmpfloat(est.offset_us, ==, 5200);
    g_assert_cmpint(est.delay_us, ==, 600);
    g_assert_cmpuint(est.samples, ==, 3);
    g_assert_cmpuint(est.window_samples, ==, 2);
}

/*
 * Equal delays: the newer exchange wins. True offset +5000, after a first
 * exchange B (delay 1000) that only fills the window:
 *   X: 150 out, 50 back -> offset 5050, delay 200
 *   Y: 50 out, 150 back -> offset 4950, delay 200
 * Checked with no window, a window of 2 (the ring has wrapped, X sits in the
 * last slot and Y in the first) and a window of 4.
 */
static void test_clock_tie_newest(void)
{
    static const guint windows[] = {0, 2, 4};

    for (gsize i = 0; i < G_N_ELEMENTS(windows); i++) {
        g_autoptr(LcStatsClock) clock = stats_clock_new(windows[i]);
        LcStatsClockEstimate est;

        clock_add_row(clock, 1);
        /* X: t2 = 10000 + 5000 + 150, t4 = 15150 - 5000 + 50 = 10200. */
        g_assert_true(stats_clock_add_sample(clock, 10000, 15150, 15150, 10200, NULL));
        /* Y: t2 = 11000 + 5000 + 50, t4 = 16050 - 5000 + 150 = 11200. */
        g_assert_true(stats_clock_add_sample(clock, 11000, 16050, 16050, 11200, NULL));
        g_assert_true(stats_clock_get_estimate(clock, &est));
        g_assert_cmpfloat(est.offset_us, ==, 4950);
        g_assert_cmpint(est.delay_us, ==, 200);
    }
}

/* Feeds n synthetic exchanges into clock; returns the mean of their individual offsets. */
static double clock_feed_synthetic(LcStatsClock *clock, GRand *rand, gint64 true_offset_us, guint n)
{
    const gint64 base_leg_us = 50;
    double offset_sum = 0;

    for (guint i = 0; i < n; i++) {
        gint64 out_leg = base_leg_us, back_leg = base_leg_us;

        /*
         * Every 17th exchange stays symmetric; the others queue on one leg,
         * the outbound one three times out of four, as on a busy uplink.
         */
        if (i % 17 != 3) {
            gint64 queue = g_rand_int_range(rand, 1, 20000);
            if (g_rand_int_range(rand, 0, 4) != 0)
                out_leg += queue;
            else
                back_leg += queue;
        }
        gint64 t1 = G_GINT64_CONSTANT(1700000000000000) + (gint64)i * 100000;
        gint64 t2 = t1 + true_offset_us + out_leg;
        gint64 t3 = t2 + g_rand_int_range(rand, 0, 500);
        gint64 t4 = t3 - true_offset_us + back_leg;
        g_autoptr(GError) error = NULL;

        g_assert_true(stats_clock_add_sample(clock, t1, t2, t3, t4, &error));
        g_assert_no_error(error);
        offset_sum += ((double)(t2 - t1) + (double)(t3 - t4)) / 2.0;
    }
    return offset_sum / n;
}

/*
 * Synthetic exchanges with a known offset and random one-sided queueing:
 * the estimate equals the true offset exactly, with delay 2 * 50 us, while
 * the plain mean of the offsets is far off.
 */
static void test_clock_synthetic_asymmetric(void)
{
    const gint64 true_offsets[] = {0, -123456789, G_GINT64_CONSTANT(3600000000)};

    for (gsize k = 0; k < G_N_ELEMENTS(true_offsets); k++) {
        g_autoptr(GRand) rand = g_rand_new_with_seed(5905 + k);
        g_autoptr(LcStatsClock) all = stats_clock_new(0);
        g_autoptr(LcStatsClock) windowed = stats_clock_new(17);
        LcStatsClockEstimate est;

        double mean = clock_feed_synthetic(all, rand, true_offsets[k], 300);
        g_assert_true(stats_clock_get_estimate(all, &est));
        g_assert_cmpfloat(est.offset_us, ==, (double)true_offsets[k]);
        g_assert_cmpint(est.delay_us, ==, 100);
        g_assert_cmpuint(est.samples, ==, 300);
        /* Expected bias of the mean: (3/4 - 1/4) * 10000 / 2 * 16/17, about 2350 us. */
        g_assert_cmpfloat(fabs(mean - (double)true_offsets[k]), >, 1000.0);

        /* A window of 17 always holds one symmetric exchange, so it finds the offset too. */
        clock_feed_synthetic(windowed, rand, true_offsets[k], 300);
        g_assert_true(stats_clock_get_estimate(windowed, &est));
        g_assert_cmpfloat(est.offset_us, ==, (double)true_offsets[k]);
        g_assert_cmpuint(est.window_samples, ==, 17);
    }
}

/* Exchanges no clock can produce are refused and leave the estimate as it was. */
static void test_clock_invalid(void)
{
    g_autoptr(LcStatsClock) clock = stats_clock_new(4);
    g_autoptr(GError) error = NULL;
    LcStatsClockEstimate est;

    /* delay = (100 - 0) - (500 - 100) = -300 */
    g_assert_false(stats_clock_add_sample(clock, 0, 100, 500, 100, &error));
    g_assert_error(error, LC_STATS_ERROR, LC_STATS_ERROR_INVALID_SAMPLE);
    g_clear_error(&error);
    /* local span t4 - t1 = -10 */
    g_assert_false(stats_clock_add_sample(clock, 10, 100, 100, 0, &error));
    g_assert_error(error, LC_STATS_ERROR, LC_STATS_ERROR_INVALID_SAMPLE);
    g_clear_error(&error);
    /* t4 - t1 = G_MAXINT64 - G_MININT64 does not fit a gint64 */
    g_assert_false(stats_clock_add_sample(clock, G_MININT64, 0, 0, G_MAXINT64, &error));
    g_assert_error(error, LC_STATS_ERROR, LC_STATS_ERROR_INVALID_SAMPLE);
    g_clear_error(&error);
    g_assert_false(stats_clock_get_estimate(clock, &est));

    clock_add_row(clock, 0);
    g_assert_false(stats_clock_add_sample(clock, 0, 100, 500, 100, &error));
    g_assert_error(error, LC_STATS_ERROR, LC_STATS_ERROR_INVALID_SAMPLE);
    g_assert_true(stats_clock_get_estimate(clock, &est));
    g_assert_cmpfloat(est.offset_us, ==, 5000);
    g_assert_cmpuint(est.samples, ==, 1);
    g_assert_cmpuint(est.window_samples, ==, 1);
}

/* Before any exchange there is no estimate; remote times pass through unchanged. */
static void test_clock_empty(void)
{
    g_autoptr(LcStatsClock) clock = stats_clock_new(8);
    LcStatsClockEstimate est = {.samples = 42};

    g_assert_false(stats_clock_get_estimate(clock, &est));
    g_assert_cmpuint(est.samples, ==, 42);
    g_assert_true(isnan(stats_clock_get_offset_ms(clock)));
    g_assert_cmpint(stats_clock_remote_to_local_us(clock, 777), ==, 777);
}

/*
 * local = remote - offset, offset rounded half away from zero:
 * offset 5000 -> 6100 - 5000 = 1100; offset 5000.5 -> 6100 - 5001 = 1099;
 * offset -7000 -> 93300 + 7000 = 100300.
 */
static void test_clock_remote_to_local(void)
{
    g_autoptr(LcStatsClock) a = stats_clock_new(0);
    g_autoptr(LcStatsClock) b = stats_clock_new(0);
    g_autoptr(LcStatsClock) c = stats_clock_new(0);

    clock_add_row(a, 0);
    clock_add_row(b, 2);
    clock_add_row(c, 3);
    g_assert_cmpint(stats_clock_remote_to_local_us(a, 6100), ==, 1100);
    g_assert_cmpint(stats_clock_remote_to_local_us(b, 6100), ==, 1099);
    g_assert_cmpint(stats_clock_remote_to_local_us(c, 93300), ==, 100300);
}

/* Registers the /stats/clock/ tests and runs them. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(clock_rows); i++)
        g_test_add_data_func(clock_rows[i].path, &clock_rows[i], test_clock_row);
    g_test_add_func("/stats/clock/min-delay-wins", test_clock_min_delay_wins);
    g_test_add_func("/stats/clock/window", test_clock_window);
    g_test_add_func("/stats/clock/tie-newest", test_clock_tie_newest);
    g_test_add_func("/stats/clock/synthetic-asymmetric", test_clock_synthetic_asymmetric);
    g_test_add_func("/stats/clock/invalid", test_clock_invalid);
    g_test_add_func("/stats/clock/empty", test_clock_empty);
    g_test_add_func("/stats/clock/remote-to-local", test_clock_remote_to_local);
    return g_test_run();
}
