/* Capture tests: the live test pattern, a real video file, and the errors a
 * user sees for missing files and cameras. */
#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "media/capture.h"
#include "media-test-util.h"

typedef struct {
    GMainLoop *loop;
    GPtrArray *seqs; /* guint64 seq per frame, as pointers */
    GArray *times;   /* gint64 capture_time_us per frame */
    LcRawFrame *first;
    LcRawFrame *last;
    GError *error; /* first error or EOS from the callback */
    gint width;
    gint height;
    guint free_after; /* if non-zero, free the capture from inside the callback at this seq */
    guint stall_at;   /* if non-zero, block the main loop for 400 ms at this seq */
    LcCapture *capture;
} Run;

/* Records one frame's metadata; keeps the first and latest frame. */
static void run_on_frame(LcCapture *capture, LcRawFrame *frame, gpointer data)
{
    Run *run = data;

    g_ptr_array_add(run->seqs, GSIZE_TO_POINTER((gsize)frame->seq));
    g_array_append_val(run->times, frame->capture_time_us);
    run->width = frame->width;
    run->height = frame->height;
    if (run->stall_at != 0 && frame->seq == run->stall_at)
        g_usleep(400 * 1000);
    if (run->free_after != 0 && frame->seq == run->free_after) {
        g_clear_pointer(&run->capture, capture_free);
        g_main_loop_quit(run->loop);
    }
    if (run->first == NULL) {
        run->first = frame;
        return;
    }
    raw_frame_free(run->last);
    run->last = frame;
}

/* Keeps the first error (or EOS) and stops the loop. */
static void run_on_error(LcCapture *capture, const GError *error, gpointer data)
{
    Run *run = data;

    if (run->error == NULL)
        run->error = g_error_copy(error);
    g_main_loop_quit(run->loop);
}

/* Prepares an empty run. */
static void run_init(Run *run)
{
    *run = (Run){0};
    run->loop = g_main_loop_new(NULL, FALSE);
    run->seqs = g_ptr_array_new();
    run->times = g_array_new(FALSE, FALSE, sizeof(gint64));
}

/* Frees what a run collected. */
static void run_clear(Run *run)
{
    g_clear_pointer(&run->capture, capture_free);
    g_main_loop_unref(run->loop);
    g_ptr_array_unref(run->seqs);
    g_array_unref(run->times);
    raw_frame_free(run->first);
    raw_frame_free(run->last);
    g_clear_error(&run->error);
}

/* Captures from source for up to ms milliseconds (or until error/EOS). */
static void run_capture(Run *run, const char *source, gint width, gint height, guint ms)
{
    g_autoptr(GError) error = NULL;
    LcCaptureConfig config = {.source = source, .width = width, .height = height, .fps = 30};

    run->capture = capture_new(&config, run_on_frame, run_on_error, run, &error);
    g_assert_no_error(error);
    g_test_message("pipeline: %s", capture_get_description(run->capture));
    g_assert_true(capture_start(run->capture, &error));
    g_assert_no_error(error);

    media_test_run_loop(run->loop, ms);
}

/* Seq numbers run 1, 2, 3... and capture times never go backwards. */
static void assert_sequence(const Run *run, gint64 started_us, gint64 ended_us)
{
    for (guint i = 0; i < run->seqs->len; i++) {
        g_assert_cmpuint(GPOINTER_TO_SIZE(run->seqs->pdata[i]), ==, i + 1);
        gint64 t = g_array_index(run->times, gint64, i);
        g_assert_cmpint(t, >=, started_us);
        g_assert_cmpint(t, <=, ended_us);
        if (i > 0)
            g_assert_cmpint(t, >, g_array_index(run->times, gint64, i - 1));
    }
}

/* One second of the 30 fps test pattern gives about 30 frames, in order. */
static void test_capture_test_pattern(void)
{
    Run run;
    LcCaptureStats stats;

    run_init(&run);
    gint64 started = g_get_real_time();
    run_capture(&run, "test", 320, 240, 1000);
    gint64 ended = g_get_real_time();
    capture_get_stats(run.capture, &stats);

    g_assert_no_error(run.error);
    g_test_message("%u frames, %" G_GUINT64_FORMAT " dropped", run.seqs->len, stats.frames_dropped);
    g_assert_cmpuint(run.seqs->len, >=, 15);
    g_assert_cmpuint(run.seqs->len, <=, 45);
    g_assert_cmpuint(stats.frames_captured, ==, run.seqs->len);
    g_assert_cmpint(run.width, ==, 320);
    g_assert_cmpint(run.height, ==, 240);
    assert_sequence(&run, started, ended);
    run_clear(&run);
}

/* The synthetic camera through a real pipeline: paced at 30 fps by the
 * pipeline clock (about 30 frames in a second, not as fast as it renders),
 * the asked size, and moving. */
static void test_capture_synthetic(void)
{
    Run run;
    LcCaptureStats stats;

    run_init(&run);
    gint64 started = g_get_real_time();
    run_capture(&run, "synthetic:3", 320, 240, 1000);
    gint64 ended = g_get_real_time();
    capture_get_stats(run.capture, &stats);

    g_assert_no_error(run.error);
    g_test_message("%u frames, %" G_GUINT64_FORMAT " dropped", run.seqs->len, stats.frames_dropped);
    g_assert_cmpuint(run.seqs->len, >=, 15);
    g_assert_cmpuint(run.seqs->len, <=, 45);
    g_assert_cmpint(run.width, ==, 320);
    g_assert_cmpint(run.height, ==, 240);
    g_assert_true(media_test_y_differs(run.first, run.last));
    assert_sequence(&run, started, ended);
    run_clear(&run);
}

/* The test pattern moves: a later frame differs from the first. */
static void test_capture_motion(void)
{
    Run run;

    run_init(&run);
    run_capture(&run, NULL, 160, 120, 400);
    g_assert_no_error(run.error);
    g_assert_nonnull(run.first);
    g_assert_nonnull(run.last);
    g_assert_true(media_test_y_differs(run.first, run.last));
    run_clear(&run);
}

/* Writes a short MJPEG AVI clip with a real GStreamer pipeline. */
static void write_test_clip(const char *path, guint frames)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *launch = g_strdup_printf(
        "videotestsrc num-buffers=%u pattern=ball ! "
        "video/x-raw,width=160,height=120,framerate=30/1 ! jpegenc ! avimux ! filesink name=out",
        frames);
    g_autoptr(GstElement) pipeline = gst_parse_launch(launch, &error);
    g_assert_no_error(error);
    g_autoptr(GstElement) out = gst_bin_get_by_name(GST_BIN(pipeline), "out");
    g_object_set(out, "location", path, NULL);

    g_assert_cmpint(gst_element_set_state(pipeline, GST_STATE_PLAYING), !=,
                    GST_STATE_CHANGE_FAILURE);
    g_autoptr(GstBus) bus = gst_element_get_bus(pipeline);
    g_autoptr(GstMessage) message =
        gst_bus_timed_pop_filtered(bus, 10 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    g_assert_nonnull(message);
    g_assert_cmpint(GST_MESSAGE_TYPE(message), ==, GST_MESSAGE_EOS);
    gst_element_set_state(pipeline, GST_STATE_NULL);
}

/* A real file (with a name that needs quoting) plays in real time, scaled, then reports EOS. */
static void test_capture_file(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("lanconf-media-XXXXXX", &error);
    g_assert_no_error(error);
    g_autofree char *path = g_build_filename(dir, "clip \"one\" \\ two.avi", NULL);
    Run run;

    gst_init(NULL, NULL);
    write_test_clip(path, 20);
    run_init(&run);
    gint64 started = g_get_real_time();
    run_capture(&run, path, 320, 240, 5000);
    gint64 ended = g_get_real_time();

    g_assert_error(run.error, CAPTURE_ERROR, CAPTURE_ERROR_EOS);
    g_assert_nonnull(strstr(run.error->message, path));
    g_test_message("%u frames from the file in %" G_GINT64_FORMAT " ms", run.seqs->len,
                   (ended - started) / 1000);
    g_assert_cmpuint(run.seqs->len, >=, 18);
    g_assert_cmpuint(run.seqs->len, <=, 22);
    /* 20 frames at 30 fps take about 0.67 s when played in real time. */
    g_assert_cmpint(ended - started, >=, 400 * 1000);
    g_assert_cmpint(run.width, ==, 320);
    g_assert_cmpint(run.height, ==, 240);
    assert_sequence(&run, started, ended);
    run_clear(&run);

    g_assert_cmpint(g_unlink(path), ==, 0);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

/* Starting capture from source fails at once with CAPTURE_ERROR_OPEN naming it. */
static void assert_start_fails(const char *source, const char *expected)
{
    g_autoptr(GError) error = NULL;
    LcCaptureConfig config = {.source = source};
    g_autoptr(LcCapture) capture = capture_new(&config, NULL, NULL, NULL, &error);

    g_assert_no_error(error);
    g_assert_false(capture_start(capture, &error));
    g_assert_error(error, CAPTURE_ERROR, CAPTURE_ERROR_OPEN);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, expected));
}

/* A missing file gives a clear error from capture_start(). */
static void test_capture_missing_file(void)
{
    assert_start_fails("/nonexistent/lanconf/clip.mp4",
                       "cannot open file /nonexistent/lanconf/clip.mp4");
}

/* A missing camera gives a clear error from capture_start(). */
static void test_capture_missing_camera(void)
{
    assert_start_fails("/dev/video99", "cannot open camera /dev/video99");
}

/* A file that is not a video is reported promptly, naming the file. */
static void test_capture_not_a_video(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("lanconf-media-XXXXXX", &error);
    g_autofree char *path = g_build_filename(dir, "notes.txt", NULL);
    LcCaptureConfig config = {.source = path};
    Run run;

    g_assert_true(g_file_set_contents(path, "this is not a video\n", -1, &error));
    run_init(&run);
    run.capture = capture_new(&config, run_on_frame, run_on_error, &run, &error);
    g_assert_no_error(error);
    if (capture_start(run.capture, &error)) {
        g_assert_true(media_test_run_loop(run.loop, 5000));
        error = g_steal_pointer(&run.error);
    }
    g_assert_nonnull(error);
    g_test_message("%s", error->message);
    g_assert_true(g_error_matches(error, CAPTURE_ERROR, CAPTURE_ERROR_OPEN) ||
                  g_error_matches(error, CAPTURE_ERROR, CAPTURE_ERROR_STREAM));
    g_assert_nonnull(strstr(error->message, path));
    g_assert_cmpuint(run.seqs->len, ==, 0);
    run_clear(&run);

    g_assert_cmpint(g_unlink(path), ==, 0);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

/* Sizes and rates out of range are refused before any pipeline is built. */
static void test_capture_invalid_config(void)
{
    g_autoptr(GError) error = NULL;
    LcCaptureConfig config = {.width = 1, .height = 240};

    g_assert_null(capture_new(&config, NULL, NULL, NULL, &error));
    g_assert_error(error, CAPTURE_ERROR, CAPTURE_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);

    config = (LcCaptureConfig){.fps = 1000};
    g_assert_null(capture_new(&config, NULL, NULL, NULL, &error));
    g_assert_error(error, CAPTURE_ERROR, CAPTURE_ERROR_INVALID_ARGUMENT);
}

/* Freeing the capture from inside the frame callback is safe. */
static void test_capture_free_in_callback(void)
{
    Run run;

    run_init(&run);
    run.free_after = 3;
    run_capture(&run, "test", 160, 120, 3000);
    g_assert_null(run.capture);
    g_assert_cmpuint(run.seqs->len, ==, 3);
    run_clear(&run);
}

/* A stalled application loses the oldest frames in the appsink, and they are counted. */
static void test_capture_drops_when_slow(void)
{
    Run run;
    LcCaptureStats stats;

    run_init(&run);
    run.stall_at = 2;
    run_capture(&run, "test", 160, 120, 800);
    capture_get_stats(run.capture, &stats);

    g_test_message("%" G_GUINT64_FORMAT " captured, %" G_GUINT64_FORMAT " dropped",
                   stats.frames_captured, stats.frames_dropped);
    /* 400 ms at 30 fps is 12 frames, of which the appsink keeps only the newest 2. */
    g_assert_cmpuint(stats.frames_dropped, >=, 5);
    g_assert_cmpuint(stats.frames_dropped, <=, 15);
    g_assert_cmpuint(stats.frames_captured, ==, run.seqs->len);
    for (guint i = 0; i < run.seqs->len; i++)
        g_assert_cmpuint(GPOINTER_TO_SIZE(run.seqs->pdata[i]), ==, i + 1);
    run_clear(&run);
}

/* Stopping and starting again restarts the counters and seq numbers. */
static void test_capture_restart(void)
{
    Run run;
    g_autoptr(GError) error = NULL;

    run_init(&run);
    run_capture(&run, "test", 160, 120, 300);
    capture_stop(run.capture);
    capture_stop(run.capture);
    g_ptr_array_set_size(run.seqs, 0);
    g_array_set_size(run.times, 0);
    g_assert_true(capture_start(run.capture, &error));
    g_assert_no_error(error);
    media_test_run_loop(run.loop, 300);
    g_assert_cmpuint(run.seqs->len, >, 0);
    g_assert_cmpuint(GPOINTER_TO_SIZE(run.seqs->pdata[0]), ==, 1);
    run_clear(&run);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/media/capture/test-pattern", test_capture_test_pattern);
    g_test_add_func("/media/capture/motion", test_capture_motion);
    g_test_add_func("/media/capture/synthetic", test_capture_synthetic);
    g_test_add_func("/media/capture/file", test_capture_file);
    g_test_add_func("/media/capture/missing-file", test_capture_missing_file);
    g_test_add_func("/media/capture/missing-camera", test_capture_missing_camera);
    g_test_add_func("/media/capture/not-a-video", test_capture_not_a_video);
    g_test_add_func("/media/capture/invalid-config", test_capture_invalid_config);
    g_test_add_func("/media/capture/free-in-callback", test_capture_free_in_callback);
    g_test_add_func("/media/capture/drops-when-slow", test_capture_drops_when_slow);
    g_test_add_func("/media/capture/restart", test_capture_restart);
    return g_test_run();
}
