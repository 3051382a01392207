/* Display tests: headless mode counts and times frames; bad frames are refused. */
#include <string.h>

#include "media/display.h"
#include "media-test-util.h"

/* Forced headless: frames are counted and timed, no window is opened. */
static void test_display_headless_forced(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LcDisplay) display = display_new(TRUE, &error);
    LcDisplayStats stats;

    g_assert_no_error(error);
    g_assert_true(display_is_headless(display));
    g_assert_true(g_str_has_prefix(display_get_description(display), "headless"));
    for (guint64 seq = 1; seq <= 10; seq++) {
        g_autoptr(LcRawFrame) frame = media_test_synthetic_frame(64, 48, seq, 3);
        frame->capture_time_us = g_get_real_time() - 5000;
        g_assert_true(display_push(display, frame, &error));
        g_assert_no_error(error);
        g_usleep(2000);
    }

    display_get_stats(display, &stats);
    g_assert_cmpuint(stats.frames_shown, ==, 10);
    g_assert_cmpint(stats.first_time_us, >, 0);
    g_assert_cmpint(stats.last_time_us, >, stats.first_time_us);
    g_assert_cmpfloat(stats.fps, >, 0.0);
    g_assert_cmpint(stats.last_latency_us, >=, 5000);
    g_assert_cmpint(stats.max_latency_us, >=, stats.last_latency_us);
    g_assert_cmpfloat(stats.mean_latency_us, >=, 5000.0);
}

/* With no display in the environment the viewer goes headless by itself and says why. */
static void test_display_headless_without_display(void)
{
    g_autoptr(GError) error = NULL;

    g_unsetenv("DISPLAY");
    g_unsetenv("WAYLAND_DISPLAY");
    g_autoptr(LcDisplay) display = display_new(FALSE, &error);
    g_assert_no_error(error);
    g_assert_true(display_is_headless(display));
    g_assert_nonnull(strstr(display_get_description(display), "DISPLAY"));
}

/* A frame without a picture is refused and not counted. */
static void test_display_invalid_frame(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LcDisplay) display = display_new(TRUE, &error);
    LcRawFrame empty = {0};
    LcDisplayStats stats;

    g_assert_false(display_push(display, &empty, &error));
    g_assert_error(error, DISPLAY_ERROR, DISPLAY_ERROR_INVALID_FRAME);
    display_get_stats(display, &stats);
    g_assert_cmpuint(stats.frames_shown, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/media/display/headless-forced", test_display_headless_forced);
    g_test_add_func("/media/display/headless-without-display",
                    test_display_headless_without_display);
    g_test_add_func("/media/display/invalid-frame", test_display_invalid_frame);
    return g_test_run();
}
