/* Encode worker tests: results arrive on the main context, in order, and a
 * worker fed faster than it can encode drops the oldest frames and counts them. */
#include "media/encode_worker.h"
#include "media-test-util.h"

typedef struct {
    GMainLoop *loop;
    GThread *main_thread;
    GArray *seqs; /* guint64 seq of each delivered frame */
    guint errors;
    guint expected; /* stop once delivered + dropped reaches this */
    LcEncodeWorker *worker;
} Sink;

/* Ends the loop when every pushed frame is accounted for. */
static void sink_check_done(Sink *sink)
{
    LcEncodeWorkerStats stats;

    encode_worker_get_stats(sink->worker, &stats);
    if (stats.frames_delivered + stats.frames_dropped + stats.frames_failed >= sink->expected)
        g_main_loop_quit(sink->loop);
}

/* Records a delivered frame; checks it arrives on the main thread. */
static void sink_on_result(LcFrame *frame, const GError *error, gpointer data)
{
    Sink *sink = data;

    g_assert_true(g_thread_self() == sink->main_thread);
    g_assert_true(g_main_context_is_owner(g_main_context_default()));
    if (frame == NULL) {
        g_assert_nonnull(error);
        sink->errors++;
    } else {
        g_assert_null(error);
        g_assert_cmpint(frame->meta.codec, ==, LC_CODEC_JPEG);
        g_assert_cmpint(frame->encode_time_us, >=, 0);
        g_array_append_val(sink->seqs, frame->meta.seq);
        frame_unref(frame);
    }
    sink_check_done(sink);
}

/* Creates a worker on the default context that delivers into sink. */
static void sink_init(Sink *sink, guint max_pending, guint expected)
{
    g_autoptr(GError) error = NULL;
    LcEncoder *encoder = encoder_new("jpeg", 80, &error);

    g_assert_no_error(error);
    *sink = (Sink){0};
    sink->loop = g_main_loop_new(NULL, FALSE);
    sink->main_thread = g_thread_self();
    sink->seqs = g_array_new(FALSE, FALSE, sizeof(guint64));
    sink->expected = expected;
    sink->worker = encode_worker_new(encoder, max_pending, NULL, sink_on_result, sink, &error);
    g_assert_no_error(error);
}

/* Runs the loop until everything pushed is delivered or dropped. */
static void sink_wait(Sink *sink)
{
    g_assert_true(media_test_run_loop(sink->loop, 10000));
}

/* Frees the worker and what the sink collected. */
static void sink_clear(Sink *sink)
{
    g_clear_pointer(&sink->worker, encode_worker_free);
    g_main_loop_unref(sink->loop);
    g_array_unref(sink->seqs);
}

/* Frames pushed slower than the bound are all delivered, in order, on the main context. */
static void test_worker_delivers(void)
{
    Sink sink;
    LcEncodeWorkerStats stats;

    sink_init(&sink, 8, 5);
    for (guint64 seq = 1; seq <= 5; seq++)
        encode_worker_push(sink.worker, media_test_synthetic_frame(320, 240, seq, 0));
    sink_wait(&sink);

    encode_worker_get_stats(sink.worker, &stats);
    g_assert_cmpuint(stats.frames_pushed, ==, 5);
    g_assert_cmpuint(stats.frames_dropped, ==, 0);
    g_assert_cmpuint(stats.frames_encoded, ==, 5);
    g_assert_cmpuint(stats.frames_delivered, ==, 5);
    g_assert_cmpuint(sink.seqs->len, ==, 5);
    for (guint i = 0; i < 5; i++)
        g_assert_cmpuint(g_array_index(sink.seqs, guint64, i), ==, i + 1);
    sink_clear(&sink);
}

/* Fed 50 frames at once with room for 2, the worker drops the oldest and counts them. */
static void test_worker_drops_oldest(void)
{
    enum { FED = 50 };
    LcRawFrame *frames[FED];
    Sink sink;
    LcEncodeWorkerStats stats;

    /* Large, detailed frames so encoding is far slower than pushing. */
    for (guint i = 0; i < FED; i++)
        frames[i] = media_test_synthetic_frame(1280, 720, i + 1, 0);
    sink_init(&sink, 2, FED);
    for (guint i = 0; i < FED; i++)
        encode_worker_push(sink.worker, frames[i]);
    sink_wait(&sink);

    encode_worker_get_stats(sink.worker, &stats);
    g_test_message("delivered %" G_GUINT64_FORMAT ", dropped %" G_GUINT64_FORMAT,
                   stats.frames_delivered, stats.frames_dropped);
    g_assert_cmpuint(stats.frames_pushed, ==, FED);
    g_assert_cmpuint(stats.frames_dropped, >, 0);
    g_assert_cmpuint(stats.frames_failed, ==, 0);
    g_assert_cmpuint(stats.frames_delivered + stats.frames_dropped, ==, FED);
    g_assert_cmpuint(sink.seqs->len, ==, stats.frames_delivered);
    for (guint i = 1; i < sink.seqs->len; i++)
        g_assert_cmpuint(g_array_index(sink.seqs, guint64, i), >,
                         g_array_index(sink.seqs, guint64, i - 1));
    /* The newest frame is never the one dropped. */
    g_assert_cmpuint(g_array_index(sink.seqs, guint64, sink.seqs->len - 1), ==, FED);
    sink_clear(&sink);
}

/* An encode failure reaches the callback as a GError and the worker carries on. */
static void test_worker_reports_errors(void)
{
    Sink sink;

    sink_init(&sink, 4, 2);
    /* A frame with no picture: the encoder refuses it. */
    encode_worker_push(sink.worker, g_new0(LcRawFrame, 1));
    encode_worker_push(sink.worker, media_test_synthetic_frame(64, 48, 2, 0));
    sink_wait(&sink);
    g_assert_cmpuint(sink.errors, ==, 1);
    g_assert_cmpuint(sink.seqs->len, ==, 1);
    sink_clear(&sink);
}

/* Freeing a worker with frames queued and results undelivered loses nothing to leaks. */
static void test_worker_free_pending(void)
{
    Sink sink;

    sink_init(&sink, 4, 100);
    for (guint64 seq = 1; seq <= 6; seq++)
        encode_worker_push(sink.worker, media_test_synthetic_frame(640, 480, seq, 0));
    g_usleep(20 * 1000); /* the thread encodes and posts results; the loop has not run */
    LcEncodeWorkerStats stats;
    encode_worker_get_stats(sink.worker, &stats);
    g_assert_cmpuint(stats.frames_pushed, ==, 6);
    g_assert_cmpuint(stats.frames_delivered, ==, 0);
    g_clear_pointer(&sink.worker, encode_worker_free);
    /* Results posted before the free must not be delivered afterwards (a
     * callback now would also find no worker and fail). */
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_assert_cmpuint(sink.seqs->len, ==, 0);
    g_assert_cmpuint(sink.errors, ==, 0);
    sink_clear(&sink);
}

/* Freeing the worker from inside its own callback is safe. */
static void free_on_first(LcFrame *frame, const GError *error, gpointer data)
{
    Sink *sink = data;

    frame_unref(frame);
    g_clear_pointer(&sink->worker, encode_worker_free);
    g_main_loop_quit(sink->loop);
}

/* The callback may free the worker. */
static void test_worker_free_in_callback(void)
{
    g_autoptr(GError) error = NULL;
    Sink sink = {.loop = g_main_loop_new(NULL, FALSE), .seqs = g_array_new(FALSE, FALSE, 8)};
    LcEncoder *encoder = encoder_new("jpeg", 80, &error);

    sink.worker = encode_worker_new(encoder, 4, NULL, free_on_first, &sink, &error);
    g_assert_no_error(error);
    for (guint64 seq = 1; seq <= 4; seq++)
        encode_worker_push(sink.worker, media_test_synthetic_frame(64, 48, seq, 0));
    sink_wait(&sink);
    g_assert_null(sink.worker);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    sink_clear(&sink);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/media/encode-worker/delivers-on-main-context", test_worker_delivers);
    g_test_add_func("/media/encode-worker/drops-oldest", test_worker_drops_oldest);
    g_test_add_func("/media/encode-worker/reports-errors", test_worker_reports_errors);
    g_test_add_func("/media/encode-worker/free-with-pending", test_worker_free_pending);
    g_test_add_func("/media/encode-worker/free-in-callback", test_worker_free_in_callback);
    return g_test_run();
}
