/* Helpers shared by the media tests. */
#include "media-test-util.h"

#include <math.h>
#include <string.h>

#include "media/capture.h"

typedef struct {
    GMainLoop *loop;
    guint nth;
    LcRawFrame *frame;
    GError *error;
} CaptureOne;

/* Keeps the nth frame and stops the loop. */
static void capture_one_on_frame(LcCapture *capture, LcRawFrame *frame, gpointer data)
{
    CaptureOne *one = data;

    if (frame->seq == one->nth && one->frame == NULL) {
        one->frame = frame;
        g_main_loop_quit(one->loop);
        return;
    }
    raw_frame_free(frame);
}

/* Records an unexpected capture error and stops the loop. */
static void capture_one_on_error(LcCapture *capture, const GError *error, gpointer data)
{
    CaptureOne *one = data;

    if (one->error == NULL)
        one->error = g_error_copy(error);
    g_main_loop_quit(one->loop);
}

typedef struct {
    GMainLoop *loop;
    gboolean timed_out;
} RunLoop;

/* Notes that the time ran out and stops the loop. */
static gboolean run_loop_on_timeout(gpointer data)
{
    RunLoop *run = data;

    run->timed_out = TRUE;
    g_main_loop_quit(run->loop);
    return G_SOURCE_REMOVE;
}

/* Runs loop until it is quit or ms milliseconds pass; returns FALSE if the time ran out. */
gboolean media_test_run_loop(GMainLoop *loop, guint ms)
{
    RunLoop run = {.loop = loop};
    GSource *timeout = g_timeout_source_new(ms);

    g_source_set_callback(timeout, run_loop_on_timeout, &run, NULL);
    g_source_attach(timeout, g_main_loop_get_context(loop));
    g_main_loop_run(loop);
    g_source_destroy(timeout);
    g_source_unref(timeout);
    return !run.timed_out;
}

/* Captures from the test pattern at width x height and returns frame number nth (1-based). */
LcRawFrame *media_test_capture_frame(gint width, gint height, guint nth)
{
    g_autoptr(GError) error = NULL;
    CaptureOne one = {.loop = g_main_loop_new(NULL, FALSE), .nth = nth};
    LcCaptureConfig config = {.source = "test", .width = width, .height = height, .fps = 30};
    g_autoptr(LcCapture) capture =
        capture_new(&config, capture_one_on_frame, capture_one_on_error, &one, &error);

    g_assert_no_error(error);
    g_assert_true(capture_start(capture, &error));
    g_assert_no_error(error);
    media_test_run_loop(one.loop, 5000);
    capture_stop(capture);
    g_main_loop_unref(one.loop);

    g_assert_no_error(one.error);
    g_assert_nonnull(one.frame);
    return one.frame;
}

/* One sample of the synthetic picture: fine luma texture that shifts with seq, mild chroma. */
static guint8 synthetic_sample(guint plane, gint x, gint y, guint64 seq)
{
    if (plane == 0)
        return (guint8)(((guint)x * 3 + (guint)y * 2 + (guint)seq * 5) ^ ((guint)y << 2));
    return (guint8)(128 + (x + y) % 32);
}

/* Makes a textured I420 frame whose content depends on seq, with row padding of pad bytes. */
LcRawFrame *media_test_synthetic_frame(gint width, gint height, guint64 seq, gint pad)
{
    gint strides[3];
    gsize offsets[3];
    gsize total = 0;

    for (guint p = 0; p < 3; p++) {
        strides[p] = raw_frame_plane_width(width, p) + pad;
        offsets[p] = total;
        total += (gsize)strides[p] * (gsize)raw_frame_plane_height(height, p);
    }
    guint8 *block = g_malloc(total);
    memset(block, 0xEE, total); /* padding that must never show up in a picture */
    for (guint p = 0; p < 3; p++) {
        guint8 *plane = block + offsets[p];
        for (gint y = 0; y < raw_frame_plane_height(height, p); y++)
            for (gint x = 0; x < raw_frame_plane_width(width, p); x++)
                plane[(gsize)y * strides[p] + x] = synthetic_sample(p, x, y, seq);
    }
    const guint8 *planes[3] = {block + offsets[0], block + offsets[1], block + offsets[2]};
    LcRawFrame *frame = raw_frame_new_wrapped(planes, strides, width, height, block, g_free);
    frame->seq = seq;
    frame->capture_time_us = g_get_real_time();
    return frame;
}

/* Peak signal-to-noise ratio of the Y planes of two equally sized frames, in dB. */
gdouble media_test_psnr_y(const LcRawFrame *a, const LcRawFrame *b)
{
    gdouble sum = 0;

    g_assert_cmpint(a->width, ==, b->width);
    g_assert_cmpint(a->height, ==, b->height);
    for (gint y = 0; y < a->height; y++) {
        const guint8 *ra = a->planes[0] + (gsize)y * a->strides[0];
        const guint8 *rb = b->planes[0] + (gsize)y * b->strides[0];
        for (gint x = 0; x < a->width; x++) {
            gdouble d = (gdouble)ra[x] - (gdouble)rb[x];
            sum += d * d;
        }
    }
    gdouble mse = sum / ((gdouble)a->width * a->height);
    return mse == 0 ? 99.0 : 10.0 * log10(255.0 * 255.0 / mse);
}

/* Whether the Y planes of two equally sized frames differ anywhere. */
gboolean media_test_y_differs(const LcRawFrame *a, const LcRawFrame *b)
{
    for (gint y = 0; y < a->height; y++)
        if (memcmp(a->planes[0] + (gsize)y * a->strides[0], b->planes[0] + (gsize)y * b->strides[0],
                   a->width) != 0)
            return TRUE;
    return FALSE;
}
