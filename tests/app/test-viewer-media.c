/* Viewer glue tests: real JPEG frames from the test pattern are decoded and
 * shown (headless); a truncated or garbage frame is counted as corrupt and
 * the stream goes on; the results feed a viewer's frame log. */
#include "app-test-util.h"
#include "media/decoder.h"
#include "src/run/framelog.h"
#include "media/viewer_media.h"

typedef struct {
    GMainLoop *loop;
    GArray *frames; /* LcViewerFrame, in delivery order */
    guint corrupt;
    guint expected; /* quit once this many results arrived */
    LcFramelog *log;
    LcViewerMedia *viewer;
} Results;

/* Records one result and feeds it to the viewer's frame log. */
static void results_on_frame(LcViewerMedia *viewer, const LcViewerFrame *frame, const GError *error,
                             gpointer data)
{
    Results *results = data;

    g_assert_true(viewer == results->viewer);
    if (error != NULL) {
        g_assert_error((GError *)error, DECODER_ERROR, DECODER_ERROR_CORRUPT);
        g_assert_cmpint(frame->decoded_us, ==, 0);
        g_assert_false(frame->shown);
        results->corrupt++;
        if (results->log != NULL)
            g_assert_true(framelog_add_corrupt(results->log, frame->channel, frame->seq));
    } else {
        g_array_append_val(results->frames, *frame);
        if (results->log != NULL)
            g_assert_true(framelog_add_decoded(results->log, frame->channel, frame->seq,
                                               frame->decoded_us, frame->decode_time_us));
    }
    if (results->frames->len + results->corrupt >= results->expected)
        g_main_loop_quit(results->loop);
}

/* Creates a headless viewer delivering into results. */
static void results_init(Results *results)
{
    g_autoptr(GError) error = NULL;

    *results = (Results){
        .loop = g_main_loop_new(NULL, FALSE),
        .frames = g_array_new(FALSE, FALSE, sizeof(LcViewerFrame)),
    };
    results->viewer = viewer_media_new(TRUE, NULL, results_on_frame, results, &error);
    g_assert_no_error(error);
    g_assert_true(viewer_media_is_headless(results->viewer));
    g_assert_cmpstr(viewer_media_get_display_description(results->viewer), ==,
                    "headless: requested");
}

/* Frees what results_init() made. */
static void results_clear(Results *results)
{
    g_clear_pointer(&results->viewer, viewer_media_free);
    g_main_loop_unref(results->loop);
    g_array_unref(results->frames);
}

/* Pushes a received frame, logging its arrival, and waits until `expected` results have arrived. */
static void push_and_wait(Results *results, LcChanKind channel, const LcFrame *frame, GBytes *data)
{
    if (results->log != NULL)
        g_assert_true(framelog_add_received(results->log, channel, frame->meta.seq,
                                            g_bytes_get_size(data), frame->meta.capture_us,
                                            g_get_real_time()));
    results->expected++;
    /* What arrived: the sent frame's description, with these bytes. */
    g_autoptr(LcFrame) received = frame_new(data, (LcCodec)frame->meta.codec);
    received->meta = frame->meta;
    viewer_media_push(results->viewer, channel, received->meta.seq, received);
    g_assert_true(app_test_run_loop(results->loop, 10000));
}

/*
 * Every frame arrives on both channels: every copy is decoded, with its
 * size, decode time and decoded time; only the first copy of each is shown.
 */
static void test_decodes_both_channels(void)
{
    enum { N = 6 };
    g_autoptr(GPtrArray) captured = app_test_capture_jpeg(N, 320, 240);
    Results results;
    LcViewerMediaStats stats;

    results_init(&results);
    for (guint i = 0; i < N; i++) {
        const LcFrame *frame = g_ptr_array_index(captured, i);
        for (guint ch = 0; ch < LC_CHAN_KINDS; ch++)
            push_and_wait(&results, ch, frame, frame->data);
    }

    g_assert_cmpuint(results.frames->len, ==, N * LC_CHAN_KINDS);
    for (guint i = 0; i < results.frames->len; i++) {
        const LcViewerFrame *f = &g_array_index(results.frames, LcViewerFrame, i);
        const LcFrame *sent = g_ptr_array_index(captured, i / LC_CHAN_KINDS);
        g_assert_cmpuint(f->channel, ==, i % LC_CHAN_KINDS);
        g_assert_cmpuint(f->seq, ==, sent->meta.seq);
        g_assert_cmpuint(f->bytes, ==, g_bytes_get_size(sent->data));
        g_assert_cmpint(f->capture_time_us, ==, sent->meta.capture_us);
        g_assert_cmpint(f->width, ==, 320);
        g_assert_cmpint(f->height, ==, 240);
        g_assert_cmpint(f->decode_time_us, >=, 0);
        g_assert_cmpint(f->decoded_us, >=, sent->meta.capture_us);
        g_assert_cmpint(f->decoded_us, <=, g_get_real_time());
        /* The first channel's copy is new and shown; the second is stale. */
        g_assert_cmpint(f->shown, ==, i % LC_CHAN_KINDS == 0);
    }
    viewer_media_get_stats(results.viewer, &stats);
    g_assert_cmpuint(stats.frames_pushed, ==, N * LC_CHAN_KINDS);
    g_assert_cmpuint(stats.frames_decoded, ==, N * LC_CHAN_KINDS);
    g_assert_cmpuint(stats.frames_shown, ==, N);
    g_assert_cmpuint(stats.frames_stale, ==, N * (LC_CHAN_KINDS - 1));
    g_assert_cmpuint(stats.frames_corrupt, ==, 0);
    g_assert_cmpuint(stats.frames_dropped, ==, 0);
    results_clear(&results);
}

/* Channels apart: each channel shows the newest of its own frames, though
 * the other channel showed the same frames before; a channel's repeat is
 * stale; each channel's picture holds its frames. */
static void test_channels_apart(void)
{
    enum { N = 4 };
    g_autoptr(GPtrArray) captured = app_test_capture_jpeg(N, 320, 240);
    Results results;
    LcViewerMediaStats stats;
    results_init(&results);
    static const char *const names[VIEWER_MEDIA_CHANNELS] = {"tcp", "udp"};
    g_autoptr(GError) error = NULL;
    g_assert_true(viewer_media_split(results.viewer, TRUE, "x's camera", names, &error));
    g_assert_no_error(error);
    g_assert_true(viewer_media_is_headless(results.viewer));
    LcTtyPicture *pictures[2] = {viewer_media_get_channel_picture(results.viewer, 0),
                                 viewer_media_get_channel_picture(results.viewer, 1)};
    g_assert_false(tty_picture_has_frame(pictures[1]));
    for (guint i = 0; i < N; i++) {
        const LcFrame *frame = g_ptr_array_index(captured, i);
        push_and_wait(&results, 0, frame, frame->data);
    }
    g_assert_true(tty_picture_has_frame(pictures[0]));
    g_assert_false(tty_picture_has_frame(pictures[1]));
    for (guint i = 0; i < N; i++) {
        const LcFrame *frame = g_ptr_array_index(captured, i);
        push_and_wait(&results, 1, frame, frame->data);
    }
    const LcFrame *again = g_ptr_array_index(captured, 1);
    push_and_wait(&results, 0, again, again->data); /* older than channel 0's newest */
    g_assert_true(tty_picture_has_frame(pictures[1]));
    for (guint i = 0; i < 2 * N; i++)
        g_assert_true(g_array_index(results.frames, LcViewerFrame, i).shown);
    g_assert_false(g_array_index(results.frames, LcViewerFrame, 2 * N).shown);
    viewer_media_get_stats(results.viewer, &stats);
    g_assert_cmpuint(stats.frames_shown, ==, 2 * N);
    g_assert_cmpuint(stats.frames_stale, ==, 1);
    results_clear(&results);
}

/* A truncated frame and a non-JPEG are corrupt: counted and reported, and decoding goes on. */
static void test_counts_corrupt(void)
{
    g_autoptr(GPtrArray) captured = app_test_capture_jpeg(3, 320, 240);
    const LcFrame *first = g_ptr_array_index(captured, 0);
    const LcFrame *second = g_ptr_array_index(captured, 1);
    const LcFrame *third = g_ptr_array_index(captured, 2);
    g_autoptr(GBytes) truncated =
        g_bytes_new_from_bytes(first->data, 0, g_bytes_get_size(first->data) / 2);
    g_autoptr(GBytes) garbage = g_bytes_new_static("not a jpeg at all", 17);
    LcFramelogRun run = {.source = "test", .width = 320, .height = 240};
    Results results;
    LcViewerMediaStats stats;

    results_init(&results);
    results.log = framelog_new(FRAMELOG_ROLE_VIEWER, &run, g_get_real_time());
    push_and_wait(&results, LC_CHAN_UDP, first, truncated);
    push_and_wait(&results, LC_CHAN_UDP, second, garbage);
    push_and_wait(&results, LC_CHAN_UDP, third, third->data);

    g_assert_cmpuint(results.corrupt, ==, 2);
    g_assert_cmpuint(results.frames->len, ==, 1);
    g_assert_cmpuint(g_array_index(results.frames, LcViewerFrame, 0).seq, ==, third->meta.seq);
    g_assert_true(g_array_index(results.frames, LcViewerFrame, 0).shown);
    viewer_media_get_stats(results.viewer, &stats);
    g_assert_cmpuint(stats.frames_corrupt, ==, 2);
    g_assert_cmpuint(stats.frames_decoded, ==, 1);
    g_assert_cmpuint(stats.frames_shown, ==, 1);

    /* The viewer's log: three received, one decoded, two corrupt, one record each. */
    LcChannelSummary summary;
    chanstats_get_summary(framelog_get_channel_stats(results.log, LC_CHAN_UDP), g_get_real_time(),
                          &summary);
    g_assert_cmpuint(summary.received.counts.frames_acked, ==, 3);
    g_assert_cmpuint(summary.frames_decoded, ==, 1);
    g_assert_cmpuint(summary.frames_corrupt, ==, 2);
    g_assert_cmpuint(summary.end_to_end.count, ==, 1);
    g_assert_cmpfloat(summary.end_to_end.p50, >=, 0.0);
    g_assert_true(framelog_lookup(results.log, LC_CHAN_UDP, first->meta.seq)->corrupt);
    g_assert_false(framelog_lookup(results.log, LC_CHAN_UDP, third->meta.seq)->corrupt);
    g_clear_pointer(&results.log, framelog_free);
    results_clear(&results);
}

/* Frees the viewer from inside its own callback, then stops the loop. */
static void free_on_first(LcViewerMedia *viewer, const LcViewerFrame *frame, const GError *error,
                          gpointer data)
{
    Results *results = data;

    g_clear_pointer(&results->viewer, viewer_media_free);
    g_main_loop_quit(results->loop);
}

/* The callback may free the viewer while more results are queued. */
static void test_free_in_callback(void)
{
    g_autoptr(GPtrArray) captured = app_test_capture_jpeg(3, 160, 120);
    g_autoptr(GError) error = NULL;
    Results results = {.loop = g_main_loop_new(NULL, FALSE)};

    results.frames = g_array_new(FALSE, FALSE, sizeof(LcViewerFrame));
    results.viewer = viewer_media_new(TRUE, NULL, free_on_first, &results, &error);
    g_assert_no_error(error);
    for (guint i = 0; i < captured->len; i++) {
        LcFrame *frame = g_ptr_array_index(captured, i);
        viewer_media_push(results.viewer, 0, frame->meta.seq, frame);
    }
    g_assert_true(app_test_run_loop(results.loop, 10000));
    g_assert_null(results.viewer);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    results_clear(&results);
}

/* Freeing with frames still queued drops them without a callback or a leak. */
static void test_free_with_pending(void)
{
    g_autoptr(GPtrArray) captured = app_test_capture_jpeg(2, 640, 480);
    Results results;
    LcViewerMediaStats stats;

    results_init(&results);
    for (guint i = 0; i < 10; i++) {
        const LcFrame *frame = g_ptr_array_index(captured, i % 2);
        g_autoptr(LcFrame) copy = frame_new(frame->data, (LcCodec)frame->meta.codec);
        copy->meta = frame->meta;
        copy->meta.seq = i + 1;
        viewer_media_push(results.viewer, 0, copy->meta.seq, copy);
    }
    viewer_media_get_stats(results.viewer, &stats);
    g_assert_cmpuint(stats.frames_pushed, ==, 10);
    g_assert_cmpuint(stats.frames_dropped, <=, 10 - VIEWER_MEDIA_MAX_PENDING);
    g_clear_pointer(&results.viewer, viewer_media_free);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_assert_cmpuint(results.frames->len, ==, 0);
    results_clear(&results);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/app/viewer-media/decodes-both-channels", test_decodes_both_channels);
    g_test_add_func("/app/viewer-media/counts-corrupt", test_counts_corrupt);
    g_test_add_func("/app/viewer-media/channels-apart", test_channels_apart);
    g_test_add_func("/app/viewer-media/free-in-callback", test_free_in_callback);
    g_test_add_func("/app/viewer-media/free-with-pending", test_free_with_pending);
    return g_test_run();
}
