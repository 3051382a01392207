/* Tests of the RFC 3550 interarrival jitter estimator (net/stats/stats_jitter.c). */
#include <math.h>

#include "net/stats/stats_jitter.h"

/* One packet: when it was sent (sender clock), when it arrived, and J after it, all in us. */
typedef struct {
    gint64 send_us;
    gint64 arrival_us;
    double jitter_us;
} JitterRow;

/*
 * Frames every 20 ms with a nominal transit of 10 ms. J(i) = J + (|D| - J) / 16:
 *   1: transit 10000, first packet, no D      J = 0
 *   2: transit 10000, D = 0                   J = 0 + (0 - 0)/16 = 0
 *   3: transit 12000, D = +2000               J = 0 + 2000/16 = 125
 *   4: transit 10000, D = -2000, |D| = 2000   J = 125 + (2000 - 125)/16 = 125 + 117.1875 = 242.1875
 *   5: transit 10000, D = 0                   J = 242.1875 - 242.1875/16 = 227.05078125
 *   6: transit  9000 (early), D = -1000       J = 227.05078125 + (1000 - 227.05078125)/16
 *                                               = 227.05078125 + 48.309326171875 = 275.360107421875
 * Every value is a binary fraction, so it compares exactly.
 */
static const JitterRow jitter_rows[] = {
    {0, 10000, 0},
    {20000, 30000, 0},
    {40000, 52000, 125},
    {60000, 70000, 242.1875},
    {80000, 90000, 227.05078125},
    {100000, 109000, 275.360107421875},
};

/* Feeds the rows with the receiver clock offset_us ahead of the sender's and checks J each time. */
static void jitter_check_rows(gint64 offset_us)
{
    LcStatsJitter jitter;

    stats_jitter_init(&jitter);
    g_assert_cmpfloat(stats_jitter_get_us(&jitter), ==, 0);
    for (gsize i = 0; i < G_N_ELEMENTS(jitter_rows); i++) {
        const JitterRow *r = &jitter_rows[i];
        stats_jitter_update(&jitter, r->send_us, r->arrival_us + offset_us);
        g_assert_cmpfloat(stats_jitter_get_us(&jitter), ==, r->jitter_us);
        g_assert_cmpuint(stats_jitter_get_samples(&jitter), ==, i + 1);
    }
    g_assert_cmpfloat_with_epsilon(stats_jitter_get_ms(&jitter), 0.275360107421875, 1e-15);
}

/* The hand-computed table, with both clocks agreeing. */
static void test_jitter_rfc3550_table(void)
{
    jitter_check_rows(0);
}

/*
 * The same table with the receiver clock an epoch away (1.7e15 us ahead),
 * and one hour behind (transit times negative): J must not change.
 */
static void test_jitter_table_offset(void)
{
    jitter_check_rows(G_GINT64_CONSTANT(1700000000000000));
    jitter_check_rows(-G_GINT64_CONSTANT(3600000000));
}

/* Computes J over n pseudo-random packets (fixed seed) with the receiver clock offset_us ahead. */
static double jitter_run_random(gint64 send_base_us, gint64 offset_us, guint n)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(6550);
    LcStatsJitter jitter;

    stats_jitter_init(&jitter);
    for (guint i = 0; i < n; i++) {
        gint64 send = send_base_us + (gint64)i * 33333;
        gint64 transit = 5000 + g_rand_int_range(rand, 0, 20000);
        stats_jitter_update(&jitter, send, send + transit + offset_us);
    }
    return stats_jitter_get_us(&jitter);
}

/* Random transit times: a constant clock offset of either sign leaves J exactly the same. */
static void test_jitter_random_offset(void)
{
    const gint64 epoch_us = G_GINT64_CONSTANT(1700000000000000);
    double reference = jitter_run_random(0, 0, 1000);

    /* Uniform transit on [0, 20000): mean |D| is 20000/3, so J must be well above zero. */
    g_assert_cmpfloat(reference, >, 1000.0);
    g_assert_cmpfloat(jitter_run_random(epoch_us, 0, 1000), ==, reference);
    g_assert_cmpfloat(jitter_run_random(epoch_us, G_GINT64_CONSTANT(987654321), 1000), ==,
                      reference);
    g_assert_cmpfloat(jitter_run_random(epoch_us, -epoch_us - 123456, 1000), ==, reference);
}

/* Constant transit gives J = 0 however many packets there are. */
static void test_jitter_constant_transit(void)
{
    LcStatsJitter jitter;

    stats_jitter_init(&jitter);
    for (gint64 i = 0; i < 500; i++)
        stats_jitter_update(&jitter, i * 1000, i * 1000 + 7777);
    g_assert_cmpfloat(stats_jitter_get_us(&jitter), ==, 0);
    g_assert_cmpuint(stats_jitter_get_samples(&jitter), ==, 500);
}

/*
 * One huge step: transit 0 then 1e12 us. |D| = 1e12, J = 1e12 / 16 = 62500000000.
 * One more at the same transit: J = 62500000000 - 62500000000/16 = 58593750000.
 */
static void test_jitter_huge_step(void)
{
    LcStatsJitter jitter;
    const gint64 base = G_GINT64_CONSTANT(1700000000000000);

    stats_jitter_init(&jitter);
    stats_jitter_update(&jitter, base, base);
    stats_jitter_update(&jitter, base + 1, base + 1 + G_GINT64_CONSTANT(1000000000000));
    g_assert_cmpfloat(stats_jitter_get_us(&jitter), ==, 62500000000.0);
    stats_jitter_update(&jitter, base + 2, base + 2 + G_GINT64_CONSTANT(1000000000000));
    g_assert_cmpfloat(stats_jitter_get_us(&jitter), ==, 58593750000.0);
}

/* Nothing or one packet: J is 0 (RFC 3550 A.8 starts from zero). */
static void test_jitter_first_packet(void)
{
    LcStatsJitter jitter;

    stats_jitter_init(&jitter);
    g_assert_cmpfloat(stats_jitter_get_ms(&jitter), ==, 0);
    g_assert_cmpuint(stats_jitter_get_samples(&jitter), ==, 0);
    stats_jitter_update(&jitter, 0, 999999);
    g_assert_cmpfloat(stats_jitter_get_ms(&jitter), ==, 0);
    g_assert_cmpuint(stats_jitter_get_samples(&jitter), ==, 1);
}

/* Registers the /stats/jitter/ tests and runs them. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/stats/jitter/first-packet", test_jitter_first_packet);
    g_test_add_func("/stats/jitter/rfc3550-table", test_jitter_rfc3550_table);
    g_test_add_func("/stats/jitter/rfc3550-table-offset", test_jitter_table_offset);
    g_test_add_func("/stats/jitter/random-offset-invariant", test_jitter_random_offset);
    g_test_add_func("/stats/jitter/constant-transit", test_jitter_constant_transit);
    g_test_add_func("/stats/jitter/huge-step", test_jitter_huge_step);
    return g_test_run();
}
