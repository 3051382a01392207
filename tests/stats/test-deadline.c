/* Tests of the playout-deadline counter (net/stats/stats_deadline.c). */
#include <math.h>

#include "net/stats/stats_deadline.h"
#include "net/stats/stats_defaults.h"

/* A frame's latency in us, or MISSING for a frame that never arrived. */
#define MISSING G_MININT64

/*
 * Deadline 200 ms (the default):
 *   50 ms in time; 200 ms exactly is in time (not over); 200.001 ms late; 1 s late;
 *   -5 ms (clock offset error) arrived, so in time; 2 missing; huge latency late.
 * Frames 8: on time 3, late 3, missing 2, missed 5, fraction 5/8 = 0.625.
 */
static const gint64 deadline_latencies[] = {
    50000, 200000, 200001, 1000000, -5000, MISSING, MISSING, G_MAXINT64,
};

/* The table above, counted with the default deadline. */
static void test_deadline_table(void)
{
    LcStatsDeadline d;

    stats_deadline_init(&d, LC_STATS_DEADLINE_DEFAULT_US);
    g_assert_cmpint(d.deadline_us, ==, 200000);
    for (gsize i = 0; i < G_N_ELEMENTS(deadline_latencies); i++) {
        if (deadline_latencies[i] == MISSING)
            stats_deadline_add_missing(&d);
        else
            stats_deadline_add_latency(&d, deadline_latencies[i]);
    }
    g_assert_cmpuint(d.on_time, ==, 3);
    g_assert_cmpuint(d.late, ==, 3);
    g_assert_cmpuint(d.missing, ==, 2);
    g_assert_cmpuint(stats_deadline_get_frames(&d), ==, 8);
    g_assert_cmpuint(stats_deadline_get_missed(&d), ==, 5);
    g_assert_cmpfloat(stats_deadline_get_miss_fraction(&d), ==, 0.625);
}

/* The same latencies against a 1 ms deadline: only -5 ms is in time; 5 late + 2 missing = 7 of 8 =
 * 0.875. */
static void test_deadline_custom(void)
{
    LcStatsDeadline d;

    stats_deadline_init(&d, 1000);
    for (gsize i = 0; i < G_N_ELEMENTS(deadline_latencies); i++) {
        if (deadline_latencies[i] == MISSING)
            stats_deadline_add_missing(&d);
        else
            stats_deadline_add_latency(&d, deadline_latencies[i]);
    }
    g_assert_cmpuint(d.on_time, ==, 1);
    g_assert_cmpuint(stats_deadline_get_missed(&d), ==, 7);
    g_assert_cmpfloat(stats_deadline_get_miss_fraction(&d), ==, 0.875);
}

/* No frames: 0 frames, 0 missed, fraction NAN. */
static void test_deadline_empty(void)
{
    LcStatsDeadline d;

    stats_deadline_init(&d, LC_STATS_DEADLINE_DEFAULT_US);
    g_assert_cmpuint(stats_deadline_get_frames(&d), ==, 0);
    g_assert_cmpuint(stats_deadline_get_missed(&d), ==, 0);
    g_assert_true(isnan(stats_deadline_get_miss_fraction(&d)));
}

/* Registers the /stats/deadline/ tests and runs them. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/stats/deadline/default-table", test_deadline_table);
    g_test_add_func("/stats/deadline/custom", test_deadline_custom);
    g_test_add_func("/stats/deadline/empty", test_deadline_empty);
    return g_test_run();
}
