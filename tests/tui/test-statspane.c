/* Tests of the stats pane model (ui-tui/statspane.c). */
#include "tui-test-util.h"
#include "ui-tui/statspane.h"
#include "ui-tui/textwidth.h"

#include <math.h>
#include <string.h>

/* A pane with the user's camera on both channels and a viewed stream on UDP only. */
static LcStatsPane *make_pane(void)
{
    LcStatsPane *pane = statspane_new();
    LcStatsPaneChannel tcp = {TRUE, 30.0, 2.25, 1.2, 3.45, 0, 1};
    LcStatsPaneChannel udp = {TRUE, 29.0, 2.0, 0.8, 150.0, 2, 0};
    LcStatsPaneChannel off = {FALSE, NAN, NAN, NAN, NAN, 0, 0};
    LcStatsPaneChannel empty = {TRUE, NAN, NAN, NAN, NAN, 0, 0};
    statspane_add(pane, "you → relay", &tcp, &udp);
    statspane_add(pane, "view a-very-long-nick", &off, &empty);
    return pane;
}

/* Whether every line fits width columns. */
static void assert_fits(GPtrArray *lines, int width)
{
    for (guint i = 0; i < lines->len; i++)
        g_assert_cmpint(textwidth_str(g_ptr_array_index(lines, i), -1), <=, width);
}

/* Wide: one row per stream with tcp and udp columns side by side. */
static void test_wide(void)
{
    g_autoptr(LcStatsPane) pane = make_pane();
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    guint n = statspane_format(pane, 100, lines);
    g_assert_cmpuint(n, ==, 5); /* the heading takes two lines below 123 columns */
    assert_fits(lines, 100);
    g_assert_cmpstr(g_ptr_array_index(lines, 0), ==, "-- stats, last second (F2 hides) --");
    g_assert_true(g_str_has_prefix(g_ptr_array_index(lines, 1), "latency: RTT sending"));
    const char *header = g_ptr_array_index(lines, 2);
    g_assert_nonnull(strstr(header, "tcp"));
    g_assert_nonnull(strstr(header, "udp"));
    g_assert_nonnull(strstr(header, "fps"));
    g_assert_cmpstr(g_ptr_array_index(lines, 3), ==,
                    "you → relay       30.0    2.2   1.2/3.5    0    1      29.0    2.0   "
                    "0.8/150    2    0");
    g_assert_cmpstr(g_ptr_array_index(lines, 4), ==,
                    "view a-very-         -      -         -    -    -         -      -       "
                    "-/-    0    0");
    /* The columns line up under the header. */
    g_assert_cmpint((int)(strstr(header, "udp") - header), ==, 12 + 6 + 31 + 2);
}

/* A voice's rate (32 kbit/s) shows as 0.03 Mbit/s, not 0.0. */
static void test_voice_rate(void)
{
    g_autoptr(LcStatsPane) pane = statspane_new();
    LcStatsPaneChannel voice = {TRUE, 100.0, 0.032, 0.3, 0.9, 0, 0};
    statspane_add(pane, "talk", &voice, &voice);
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    statspane_format(pane, 100, lines);
    const char *row = g_ptr_array_index(lines, lines->len - 1);
    g_assert_nonnull(strstr(row, " 0.03 "));
    g_assert_null(strstr(row, " 0.0 "));
}

/* Narrow: a row per channel, still fitting the width. */
static void test_narrow(void)
{
    g_autoptr(LcStatsPane) pane = make_pane();
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    guint n = statspane_format(pane, 60, lines);
    g_assert_cmpuint(n, ==, 7);
    assert_fits(lines, 60);
    g_assert_nonnull(strstr(g_ptr_array_index(lines, 2), "fps"));
    g_assert_cmpstr(g_ptr_array_index(lines, 3), ==,
                    "you → relay  tcp 30.0    2.2   1.2/3.5    0    1");
    g_assert_cmpstr(g_ptr_array_index(lines, 4), ==,
                    "             udp 29.0    2.0   0.8/150    2    0");
    /* Very narrow widths cut every line. */
    g_ptr_array_set_size(lines, 0);
    statspane_format(pane, 10, lines);
    assert_fits(lines, 10);
}

/* Without streams the pane says how to start one. */
static void test_empty(void)
{
    g_autoptr(LcStatsPane) pane = make_pane();
    statspane_clear(pane);
    g_assert_cmpuint(statspane_get_count(pane), ==, 0);
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    g_assert_cmpuint(statspane_format(pane, 80, lines), ==, 3);
    g_assert_nonnull(strstr(g_ptr_array_index(lines, 2), "/cam on"));
    /* Wide enough, the heading is one whole line, never cut. */
    g_ptr_array_set_size(lines, 0);
    g_assert_cmpuint(statspane_format(pane, 130, lines), ==, 2);
    g_assert_true(g_str_has_suffix(g_ptr_array_index(lines, 0), "to playout hearing) --"));
}

/* Runs the tests. */
int main(int argc, char **argv)
{
    tui_test_init(&argc, &argv);
    g_test_add_func("/tui/statspane/wide", test_wide);
    g_test_add_func("/tui/statspane/voice-rate", test_voice_rate);
    g_test_add_func("/tui/statspane/narrow", test_narrow);
    g_test_add_func("/tui/statspane/empty", test_empty);
    return g_test_run();
}
