/* The whole media path on one machine: capture -> encode worker -> decoder ->
 * headless display, as the sender and viewer glue will wire it. */
#include "media/capture.h"
#include "media/decoder.h"
#include "media/display.h"
#include "media/encode_worker.h"
#include "media-test-util.h"

typedef struct {
    GMainLoop *loop;
    LcEncodeWorker *worker;
    LcDecoder *decoder;
    LcDisplay *display;
    guint64 last_seq;
} Chain;

/* Capture callback (main context): hand the frame to the encoder thread. */
static void chain_on_frame(LcCapture *capture, LcRawFrame *frame, gpointer data)
{
    Chain *chain = data;

    encode_worker_push(chain->worker, frame);
}

/* Capture error callback: nothing should go wrong with the test pattern. */
static void chain_on_capture_error(LcCapture *capture, const GError *error, gpointer data)
{
    g_error("capture failed: %s", error->message);
}

/* Encoded frame (main context): decode it and show it, as a viewer would. */
static void chain_on_encoded(LcFrame *frame, const GError *error, gpointer data)
{
    Chain *chain = data;
    g_autoptr(GError) local_error = NULL;
    g_autoptr(LcFrame) encoded = frame;

    g_assert_no_error(error);
    g_autoptr(LcRawFrame) decoded = decoder_decode(chain->decoder, encoded, NULL, &local_error);
    g_assert_no_error(local_error);
    g_assert_cmpuint(decoded->seq, >, chain->last_seq);
    chain->last_seq = decoded->seq;
    g_assert_true(display_push(chain->display, decoded, &local_error));
    g_assert_no_error(local_error);
}

/* Half a second of test pattern comes out the other end decoded, in order, with sane latency. */
static void test_pipeline_capture_to_display(void)
{
    g_autoptr(GError) error = NULL;
    Chain chain = {.loop = g_main_loop_new(NULL, FALSE)};
    LcCaptureConfig config = {.source = "test", .width = 320, .height = 240, .fps = 30};
    LcDisplayStats stats;

    chain.decoder = decoder_new(&error);
    g_assert_no_error(error);
    chain.display = display_new(TRUE, NULL, &error);
    g_assert_no_error(error);
    chain.worker = encode_worker_new(encoder_new("auto", 80, &error), 0, NULL, chain_on_encoded,
                                     &chain, &error);
    g_assert_no_error(error);
    g_autoptr(LcCapture) capture =
        capture_new(&config, chain_on_frame, chain_on_capture_error, &chain, &error);
    g_assert_no_error(error);
    g_assert_true(capture_start(capture, &error));
    g_assert_no_error(error);

    media_test_run_loop(chain.loop, 500);
    capture_stop(capture);
    encode_worker_free(chain.worker);

    display_get_stats(chain.display, &stats);
    g_test_message("%" G_GUINT64_FORMAT " frames shown, mean latency %.0f us, max %" G_GINT64_FORMAT
                   " us",
                   stats.frames_shown, stats.mean_latency_us, stats.max_latency_us);
    g_assert_cmpuint(stats.frames_shown, >=, 5);
    g_assert_cmpint(stats.max_latency_us, >=, 0);
    g_assert_cmpint(stats.max_latency_us, <, 2 * G_USEC_PER_SEC);
    display_free(chain.display);
    decoder_free(chain.decoder);
    g_main_loop_unref(chain.loop);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/media/pipeline/capture-encode-decode-display",
                    test_pipeline_capture_to_display);
    return g_test_run();
}
