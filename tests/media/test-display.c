/* Display tests: headless mode counts and times frames; bad frames are
 * refused; a display that cannot be opened is said so; a real window
 * under Xvfb shows the frames (seen in a screenshot). */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#include "media/display.h"
#include "media/encoder.h"
#include "media/viewer_media.h"
#include "media-test-util.h"

/* Forced headless: frames are counted and timed, no window is opened. */
static void test_display_headless_forced(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LcDisplay) display = display_new(TRUE, NULL, &error);
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
    g_autoptr(LcDisplay) display = display_new(FALSE, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(display_is_headless(display));
    g_assert_nonnull(strstr(display_get_description(display), "DISPLAY"));
}

/* An X display nobody runs: autovideosink would fall back to a fake sink;
 * the display goes headless instead and says there is no video output,
 * naming the display. */
static void test_display_no_output(void)
{
    g_autoptr(GError) error = NULL;
    g_setenv("DISPLAY", ":197", TRUE); /* no X server there */
    g_unsetenv("WAYLAND_DISPLAY");
    g_autoptr(LcDisplay) display = display_new(FALSE, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(display_is_headless(display));
    const char *note = display_get_description(display);
    g_assert_nonnull(strstr(note, "no video output available"));
    g_assert_nonnull(strstr(note, ":197"));
    g_assert_null(strstr(note, "window ("));
}

/* In Xvfb's child: it goes when the test does, even on a failed assertion. */
static void test_display_die_with_parent(gpointer data)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
}

/* A free X display number: no socket and no lock file. */
static int test_display_free_number(void)
{
    for (int n = 150 + g_random_int_range(0, 50); n < 300; n++) {
        g_autofree char *sock = g_strdup_printf("/tmp/.X11-unix/X%d", n);
        g_autofree char *lock = g_strdup_printf("/tmp/.X%d-lock", n);
        if (!g_file_test(sock, G_FILE_TEST_EXISTS) && !g_file_test(lock, G_FILE_TEST_EXISTS))
            return n;
    }
    return -1;
}

/* What an X tool prints about the display's root window: `xwd -root
 * -silent` a screenshot, `xwininfo -root -tree` each window's name. */
static GBytes *test_display_ask_x(const char *tool, const char *option, const char *display)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, tool,
                                                "-root", option, "-display", display, NULL);
    g_assert_no_error(error);
    GBytes *out = NULL;
    g_assert_true(g_subprocess_communicate(p, NULL, NULL, &out, NULL, &error));
    g_assert_true(g_subprocess_get_successful(p));
    return out;
}

/* A screenshot of the display's root window. */
static GBytes *test_display_screenshot(const char *display)
{
    return test_display_ask_x("xwd", "-silent", display);
}

/* The display's window tree with each window's name. */
static char *test_display_window_names(const char *display)
{
    g_autoptr(GBytes) out = test_display_ask_x("xwininfo", "-tree", display);
    gsize size = 0;
    const char *data = g_bytes_get_data(out, &size);
    return g_strndup(data, size);
}

/* Share of bytes that are not black in the last `tail` bytes (the pixels
 * of a root window that starts black). */
static double test_display_lit_share(GBytes *shot, gsize tail)
{
    gsize size = 0;
    const guint8 *data = g_bytes_get_data(shot, &size);
    tail = MIN(tail, size);
    gsize lit = 0;
    for (gsize i = size - tail; i < size; i++)
        lit += data[i] != 0;
    return (double)lit / (double)tail;
}

/* Under Xvfb a real window opens (ximagesink, installed by
 * scripts/install-deps.sh) and shows the frames: the black screen is lit
 * where the picture is; the window is titled with the nick, and the label
 * is drawn on the picture. */
static void test_display_window(void)
{
    g_autofree char *xvfb = g_find_program_in_path("Xvfb");
    g_autofree char *xwd = g_find_program_in_path("xwd");
    g_autofree char *xwininfo = g_find_program_in_path("xwininfo");
    if (xvfb == NULL || xwd == NULL || xwininfo == NULL) {
        g_test_skip("Xvfb, xwd or xwininfo is missing (scripts/install-deps.sh installs them)");
        return;
    }
    int n = test_display_free_number();
    g_assert_cmpint(n, >, 0);
    g_autofree char *name = g_strdup_printf(":%d", n);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
        G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    g_subprocess_launcher_set_child_setup(launcher, test_display_die_with_parent, NULL, NULL);
    /* -noreset: an X server resets when its last client leaves (the first
     * screenshot), and refuses connections meanwhile. */
    g_autoptr(GSubprocess) x =
        g_subprocess_launcher_spawn(launcher, &error, "Xvfb", name, "-screen", "0", "320x240x24",
                                    "-nolisten", "tcp", "-br", "-noreset", NULL);
    g_assert_no_error(error);
    g_autofree char *sock = g_strdup_printf("/tmp/.X11-unix/X%d", n);
    for (int i = 0; i < 500 && !g_file_test(sock, G_FILE_TEST_EXISTS); i++)
        g_usleep(10000);
    g_assert_true(g_file_test(sock, G_FILE_TEST_EXISTS));
    g_setenv("DISPLAY", name, TRUE);
    g_unsetenv("WAYLAND_DISPLAY");

    g_autoptr(GBytes) before = test_display_screenshot(name);
    g_assert_cmpfloat(test_display_lit_share(before, 320 * 240 * 4), <, 0.01);
    {
        g_autoptr(LcDisplay) display = display_new(FALSE, "alice's camera", &error);
        g_assert_no_error(error);
        g_assert_false(display_is_headless(display));
        g_autofree char *want = g_strdup_printf("window (ximagesink on %s)", name);
        g_assert_cmpstr(display_get_description(display), ==, want);
        for (guint64 seq = 1; seq <= 15; seq++) {
            g_autoptr(LcRawFrame) frame = media_test_synthetic_frame(160, 120, seq, 0);
            g_assert_true(display_push(display, frame, &error));
            g_assert_no_error(error);
            g_usleep(20000);
        }
        g_usleep(300000);
        g_autoptr(GBytes) shot = test_display_screenshot(name);
        /* The 160x120 picture covers a quarter of the 320x240 screen. */
        g_assert_cmpfloat(test_display_lit_share(shot, 320 * 240 * 4), >, 0.1);
        /* The window says whose camera it shows. */
        g_autofree char *tree = test_display_window_names(name);
        g_assert_nonnull(strstr(tree, "\"alice's camera : ")); /* then the program's name */

        /* The label is drawn on the picture: the same frame with and
         * without it differs. */
        g_autoptr(LcRawFrame) still = media_test_synthetic_frame(160, 120, 1, 0);
        display_set_label(display, "alice · udp");
        g_assert_true(display_push(display, still, &error));
        g_usleep(300000);
        g_autoptr(GBytes) labelled = test_display_screenshot(name);
        display_set_label(display, "");
        g_assert_true(display_push(display, still, &error));
        g_usleep(300000);
        g_autoptr(GBytes) bare = test_display_screenshot(name);
        g_assert_false(g_bytes_equal(labelled, bare));
    }
    {
        /* A viewer with its channels apart opens a window per channel,
         * each titled with the channel. */
        g_autoptr(LcViewerMedia) viewer =
            viewer_media_new(FALSE, "bob's camera", NULL, NULL, &error);
        g_assert_no_error(error);
        static const char *const names[VIEWER_MEDIA_CHANNELS] = {"tcp", "udp"};
        g_assert_true(viewer_media_split(viewer, FALSE, "bob's camera", names, &error));
        g_assert_false(viewer_media_is_headless(viewer));
        g_autoptr(LcEncoder) encoder = encoder_new("jpeg", 80, &error);
        g_assert_no_error(error);
        for (guint64 seq = 1; seq <= 10; seq++) {
            g_autoptr(LcRawFrame) raw = media_test_synthetic_frame(160, 120, seq, 0);
            raw->seq = seq;
            g_autoptr(LcFrame) jpeg = encoder_encode(encoder, raw, &error);
            g_assert_no_error(error);
            viewer_media_push(viewer, 0, seq, jpeg);
            viewer_media_push(viewer, 1, seq, jpeg);
            for (int i = 0; i < 20; i++)
                g_main_context_iteration(NULL, FALSE), g_usleep(2000);
        }
        g_usleep(300000);
        g_autofree char *tree = test_display_window_names(name);
        g_assert_nonnull(strstr(tree, "\"bob's camera · tcp : "));
        g_assert_nonnull(strstr(tree, "\"bob's camera · udp : "));
        g_assert_null(strstr(tree, "\"bob's camera : ")); /* the window of both went */
    }
    g_subprocess_send_signal(x, SIGTERM);
    g_subprocess_wait(x, NULL, NULL);
}

/* A frame without a picture is refused and not counted. */
static void test_display_invalid_frame(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LcDisplay) display = display_new(TRUE, NULL, &error);
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
    g_test_add_func("/media/display/no-output", test_display_no_output);
    g_test_add_func("/media/display/window", test_display_window);
    return g_test_run();
}
