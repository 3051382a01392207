/* audio_capture.c: a test tone, a microphone or a file into Opus packets. */
#include "media/audio_capture.h"

#include "media/audio_device.h"
#include "media/audio_echo.h"
#include "media/audio_pipeline.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <string.h>

struct LcAudioCapture {
    GstElement *pipeline;
    GstElement *sink;
    char *label;
    char *path; /* a file source's path, else NULL */
    gboolean mic;
    char *echo_note;    /* what the front end says of echo cancellation, or NULL */
    gboolean echo_held; /* this capture holds the canceller (audio_echo_acquire()) */
    GMainContext *context;
    GSource *deliver; /* woken (ready time 0) when `ready` has frames */
    GSource *bus_watch;
    GAsyncQueue *ready; /* LcFrame *, from the streaming thread */
    guint64 seq;
    gboolean running;
    gboolean started; /* start() was called: a capture runs once */
    GError *eos;      /* the end of the file, reported once the queue is empty */
    LcAudioFrameFunc frame_func;
    LcAudioErrorFunc error_func;
    gpointer user_data;
};

/* The error domain of this module. */
GQuark audio_capture_error_quark(void)
{
    return g_quark_from_static_string("lanconf-audio-capture-error-quark");
}

/* What kind of source a name is. */
typedef enum { SOURCE_TEST, SOURCE_MIC, SOURCE_FILE } AudioSourceKind;

/* Parses "test", "test:HZ", "mic" or a path. */
static gboolean audio_capture_parse_source(const char *source, AudioSourceKind *kind, guint *hz,
                                           GError **error)
{
    *hz = AUDIO_DEFAULT_TONE_HZ;
    if (source == NULL || strcmp(source, "test") == 0) {
        *kind = SOURCE_TEST;
        return TRUE;
    }
    if (g_str_has_prefix(source, "test:")) {
        guint64 value = 0;
        if (!g_ascii_string_to_unsigned(source + 5, 10, 20, 20000, &value, NULL)) {
            g_set_error(error, AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_INVALID_ARGUMENT,
                        "audio source '%s': the tone must be a whole number of Hz from 20 to "
                        "20000",
                        source);
            return FALSE;
        }
        *kind = SOURCE_TEST;
        *hz = (guint)value;
        return TRUE;
    }
    if (strcmp(source, "mic") == 0) {
        *kind = SOURCE_MIC;
        return TRUE;
    }
    if (*source == '\0') {
        g_set_error(error, AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_INVALID_ARGUMENT,
                    "audio source is empty: expected test, test:HZ, mic or a file");
        return FALSE;
    }
    *kind = SOURCE_FILE;
    return TRUE;
}

/* Checks the frame length and bitrate. */
static gboolean audio_capture_check(guint frame_ms, guint bitrate, GError **error)
{
    if (!audio_pipeline_check_frame_ms(frame_ms, AUDIO_CAPTURE_ERROR,
                                       AUDIO_CAPTURE_ERROR_INVALID_ARGUMENT, error))
        return FALSE;
    if (bitrate < 6000 || bitrate > 510000) {
        g_set_error(error, AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_INVALID_ARGUMENT,
                    "audio bitrate %u bit/s: expected 6000 to 510000", bitrate);
        return FALSE;
    }
    return TRUE;
}

/* Echo cancellation cannot be had, for why: an error where it was asked
 * for outright (AUDIO_ECHO_ON), else a note for the user. FALSE. */
static gboolean audio_capture_echo_refused(const LcAudioCaptureConfig *config, const char *why,
                                           char **note, GError **error)
{
    if (config->echo == AUDIO_ECHO_ON) {
        g_set_error(error, AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_PIPELINE, "%s", why);
        return FALSE;
    }
    if (note != NULL)
        *note = g_strdup(why);
    return FALSE;
}

/* Whether a capture from kind cancels echo: FALSE, with a note, where the
 * elements are missing and echo was not asked for outright. */
static gboolean audio_capture_wants_echo(const LcAudioCaptureConfig *config, AudioSourceKind kind,
                                         char **note, GError **error)
{
    if (config->echo == AUDIO_ECHO_OFF || (config->echo == AUDIO_ECHO_AUTO && kind != SOURCE_MIC))
        return FALSE;
    g_autoptr(GError) missing = NULL;
    if (audio_echo_available(&missing))
        return TRUE;
    return audio_capture_echo_refused(config, missing->message, note, error);
}

/* Checks a configuration without building anything: for front ends, so
 * that a bad source is a usage error before anything starts. */
gboolean audio_capture_check_config(const LcAudioCaptureConfig *config, GError **error)
{
    AudioSourceKind kind;
    guint hz = 0;
    if (!audio_capture_check(config->frame_ms ? config->frame_ms : AUDIO_DEFAULT_FRAME_MS,
                             config->bitrate ? config->bitrate : AUDIO_DEFAULT_BITRATE, error) ||
        !audio_capture_parse_source(config->source, &kind, &hz, error))
        return FALSE;
    g_autoptr(GError) echo_error = NULL;
    (void)audio_capture_wants_echo(config, kind, NULL, &echo_error);
    if (echo_error != NULL) {
        g_propagate_error(error, g_steal_pointer(&echo_error));
        return FALSE;
    }
    if (kind == SOURCE_FILE && !g_file_test(config->source, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_OPEN,
                    "cannot open file %s: no such file (sources: test, test:HZ, mic or a file)",
                    config->source);
        return FALSE;
    }
    return TRUE;
}

/* The gst-launch description: source, then the one conversion, the echo
 * canceller where there is one, and the encoder. */
static char *audio_capture_describe(AudioSourceKind kind, guint hz, guint frame_ms, gboolean echo)
{
    g_autofree char *head = NULL;
    guint samples = AUDIO_RATE / 1000 * frame_ms;
    switch (kind) {
    case SOURCE_TEST:
        head = g_strdup_printf("audiotestsrc is-live=true wave=sine freq=%u volume=0.25 "
                               "samplesperbuffer=%u",
                               hz, samples);
        break;
    case SOURCE_MIC:
        head = g_strdup("autoaudiosrc name=mic");
        break;
    case SOURCE_FILE:
        /* A file is read as fast as the disk allows: clocksync plays it out
         * at its own pace, as a microphone would. */
        head = g_strdup("filesrc name=file ! decodebin ! audioconvert ! clocksync");
        break;
    }
    g_autofree char *canceller = echo ? audio_echo_describe_canceller() : g_strdup("identity");
    return g_strdup_printf("%s ! audioconvert ! audioresample ! "
                           "audio/x-raw,rate=%d,channels=1 ! %s ! opusenc name=enc ! "
                           "appsink name=sink sync=false max-buffers=100 drop=false",
                           head, AUDIO_RATE, canceller);
}

/* Hands the oldest queued frame to the frame callback, one a dispatch (the
 * callback may free the capture: nothing touches it after the call), then
 * the end of a file once every frame before it went. */
static gboolean audio_capture_on_deliver(GSource *source, GSourceFunc callback, gpointer data)
{
    LcAudioCapture *capture = data;
    g_source_set_ready_time(source, -1);
    LcFrame *frame = capture->running ? g_async_queue_try_pop(capture->ready) : NULL;
    if (frame != NULL) {
        if (g_async_queue_length(capture->ready) > 0 || capture->eos != NULL)
            g_source_set_ready_time(source, 0);
        if (capture->frame_func != NULL)
            capture->frame_func(capture, frame, capture->user_data);
        frame_unref(frame); /* touches only the frame: the capture may be gone */
        return G_SOURCE_CONTINUE;
    }
    if (capture->eos != NULL) {
        g_autoptr(GError) eos = g_steal_pointer(&capture->eos);
        capture->running = FALSE;
        if (capture->error_func != NULL)
            capture->error_func(capture, eos, capture->user_data);
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs audio_capture_deliver_funcs = {.dispatch = audio_capture_on_deliver};

/* Streaming thread: one Opus packet out of the encoder. Its wall-clock time
 * is that of its first sample: the pipeline clock's now, less how long ago
 * (in running time) that sample was taken. */
static GstFlowReturn audio_capture_on_sample(GstAppSink *sink, gpointer data)
{
    LcAudioCapture *capture = data;
    g_autoptr(GstSample) sample = gst_app_sink_pull_sample(sink);
    if (sample == NULL)
        return GST_FLOW_EOS;
    GstBuffer *buffer = gst_sample_get_buffer(sample);
    gint64 now_us = g_get_real_time();
    gint64 capture_us = now_us;
    g_autoptr(GstClock) clock = gst_element_get_clock(GST_ELEMENT(sink));
    if (clock != NULL && GST_BUFFER_PTS_IS_VALID(buffer)) {
        GstClockTime running =
            gst_clock_get_time(clock) - gst_element_get_base_time(GST_ELEMENT(sink));
        GstClockTime pts = gst_segment_to_running_time(gst_sample_get_segment(sample),
                                                       GST_FORMAT_TIME, GST_BUFFER_PTS(buffer));
        if (GST_CLOCK_TIME_IS_VALID(pts) && running >= pts)
            capture_us = now_us - (gint64)((running - pts) / GST_USECOND);
    }
    GstMapInfo map;
    if (!gst_buffer_map(buffer, &map, GST_MAP_READ))
        return GST_FLOW_OK;
    g_autoptr(GBytes) bytes = g_bytes_new(map.data, map.size);
    gst_buffer_unmap(buffer, &map);
    LcFrame *frame = frame_new(bytes, LC_CODEC_OPUS);
    frame->meta.seq = ++capture->seq;
    frame->meta.capture_us = capture_us;
    g_async_queue_push(capture->ready, frame);
    g_source_set_ready_time(capture->deliver, 0);
    return GST_FLOW_OK;
}

/* An error or the end of the file, from the bus, on the capture's context.
 * An error is reported at once; the end of a file after the frames before
 * it (audio_capture_on_deliver). Either is reported once. */
static gboolean audio_capture_on_bus(GstBus *bus, GstMessage *message, gpointer data)
{
    LcAudioCapture *capture = data;
    if (!capture->running || capture->eos != NULL)
        return G_SOURCE_CONTINUE;
    if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_EOS) {
        capture->eos =
            g_error_new(AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_EOS, "%s ended", capture->label);
        g_source_set_ready_time(capture->deliver, 0);
        return G_SOURCE_CONTINUE;
    }
    if (GST_MESSAGE_TYPE(message) != GST_MESSAGE_ERROR)
        return G_SOURCE_CONTINUE;
    g_autoptr(GError) gst_error = NULL;
    gst_message_parse_error(message, &gst_error, NULL);
    g_autoptr(GError) error = g_error_new(AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_STREAM, "%s: %s",
                                          capture->label, gst_error->message);
    capture->running = FALSE;
    if (capture->error_func != NULL)
        capture->error_func(capture, error, capture->user_data);
    return G_SOURCE_CONTINUE;
}

/* Sets the encoder up for config. */
static void audio_capture_set_encoder(GstElement *enc, const LcAudioCaptureConfig *config,
                                      guint frame_ms, guint bitrate)
{
    /* Enum values of opusenc's properties (GStreamer 1.22). */
    enum { AUDIO_TYPE_VOICE = 2048, AUDIO_TYPE_LOWDELAY = 2051 };
    gboolean voice = config->mode == AUDIO_MODE_VOICE;
    gst_util_set_object_arg(G_OBJECT(enc), "frame-size", frame_ms == 20 ? "20" : "10");
    g_object_set(enc, "bitrate", (gint)bitrate, "audio-type",
                 voice ? AUDIO_TYPE_VOICE : AUDIO_TYPE_LOWDELAY, "inband-fec", voice,
                 "packet-loss-percentage", voice ? AUDIO_DEFAULT_LOSS_GUESS : 0, "dtx", config->dtx,
                 NULL);
}

/* Builds the pipeline. */
LcAudioCapture *audio_capture_new(const LcAudioCaptureConfig *config, LcAudioFrameFunc frame_func,
                                  LcAudioErrorFunc error_func, gpointer user_data, GError **error)
{
    g_return_val_if_fail(config != NULL, NULL);
    guint frame_ms = config->frame_ms ? config->frame_ms : AUDIO_DEFAULT_FRAME_MS;
    guint bitrate = config->bitrate ? config->bitrate : AUDIO_DEFAULT_BITRATE;
    AudioSourceKind kind;
    guint hz;
    if (!audio_capture_check(frame_ms, bitrate, error) ||
        !audio_capture_parse_source(config->source, &kind, &hz, error))
        return NULL;

    g_autofree char *echo_note = NULL;
    g_autoptr(GError) echo_error = NULL;
    gboolean echo = audio_capture_wants_echo(config, kind, &echo_note, &echo_error);
    if (echo && !audio_echo_acquire())
        echo = audio_capture_echo_refused(
            config, "no echo cancellation: another capture of this program has it", &echo_note,
            &echo_error);
    if (echo_error != NULL) {
        g_propagate_error(error, g_steal_pointer(&echo_error));
        return NULL;
    }
    g_autofree char *description = audio_capture_describe(kind, hz, frame_ms, echo);
    GstElement *pipeline = audio_pipeline_parse(description, "audio", AUDIO_CAPTURE_ERROR,
                                                AUDIO_CAPTURE_ERROR_PIPELINE, error);
    if (pipeline == NULL) {
        if (echo)
            audio_echo_release();
        return NULL;
    }
    LcAudioCapture *capture = g_new0(LcAudioCapture, 1);
    capture->pipeline = pipeline;
    capture->mic = kind == SOURCE_MIC;
    capture->echo_note = echo ? g_strdup("echo cancelled") : g_steal_pointer(&echo_note);
    capture->echo_held = echo;
    capture->label = kind == SOURCE_TEST  ? g_strdup_printf("test tone %u Hz", hz)
                     : kind == SOURCE_MIC ? g_strdup("the default microphone")
                                          : g_strdup_printf("file %s", config->source);
    if (kind == SOURCE_FILE) {
        capture->path = g_strdup(config->source);
        g_autoptr(GstElement) file = gst_bin_get_by_name(GST_BIN(pipeline), "file");
        g_object_set(file, "location", config->source, NULL);
    }
    g_autoptr(GstElement) enc = gst_bin_get_by_name(GST_BIN(pipeline), "enc");
    audio_capture_set_encoder(enc, config, frame_ms, bitrate);
    capture->sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
    GstAppSinkCallbacks callbacks = {.new_sample = audio_capture_on_sample};
    gst_app_sink_set_callbacks(GST_APP_SINK(capture->sink), &callbacks, capture, NULL);
    capture->ready = g_async_queue_new_full((GDestroyNotify)frame_unref);
    capture->context = g_main_context_ref_thread_default();
    capture->frame_func = frame_func;
    capture->error_func = error_func;
    capture->user_data = user_data;
    return capture;
}

/* Stops the pipeline (joining its threads), then detaches the sources. */
static void audio_capture_stop(LcAudioCapture *capture)
{
    capture->running = FALSE;
    gst_element_set_state(capture->pipeline, GST_STATE_NULL);
    if (capture->bus_watch != NULL) {
        g_source_destroy(capture->bus_watch);
        g_clear_pointer(&capture->bus_watch, g_source_unref);
    }
    if (capture->deliver != NULL) {
        g_source_destroy(capture->deliver);
        g_clear_pointer(&capture->deliver, g_source_unref);
    }
}

/* Starts the pipeline. */
gboolean audio_capture_start(LcAudioCapture *capture, GError **error)
{
    if (capture->started) {
        g_set_error(error, AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_INVALID_ARGUMENT,
                    "audio capture from %s was started already: make a new one", capture->label);
        return FALSE;
    }
    capture->started = TRUE;
    if (capture->path != NULL && !g_file_test(capture->path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_OPEN,
                    "cannot open %s: no such file", capture->label);
        return FALSE;
    }
    if (capture->mic && !audio_device_check(capture->pipeline, "mic", "input", AUDIO_CAPTURE_ERROR,
                                            AUDIO_CAPTURE_ERROR_OPEN, error))
        return FALSE;
    capture->deliver = g_source_new(&audio_capture_deliver_funcs, sizeof(GSource));
    g_source_set_callback(capture->deliver, NULL, capture, NULL);
    /* A packet captured goes out before whatever else the loop has to do:
     * a listener's buffer waits for it. */
    g_source_set_priority(capture->deliver, G_PRIORITY_HIGH);
    g_source_set_ready_time(capture->deliver, -1);
    g_source_attach(capture->deliver, capture->context);
    g_autoptr(GstBus) bus = gst_element_get_bus(capture->pipeline);
    capture->bus_watch = gst_bus_create_watch(bus);
    g_source_set_callback(capture->bus_watch, G_SOURCE_FUNC(audio_capture_on_bus), capture, NULL);
    g_source_attach(capture->bus_watch, capture->context);
    capture->running = TRUE;
    if (gst_element_set_state(capture->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        capture->running = FALSE;
        g_autofree char *why = audio_pipeline_start_error(capture->pipeline);
        g_set_error(error, AUDIO_CAPTURE_ERROR, AUDIO_CAPTURE_ERROR_OPEN,
                    "cannot capture from %s: %s", capture->label, why);
        audio_capture_stop(capture);
        return FALSE;
    }
    return TRUE;
}

/* Stops the pipeline before anything it uses goes. */
void audio_capture_free(LcAudioCapture *capture)
{
    if (capture == NULL)
        return;
    audio_capture_stop(capture);
    g_clear_error(&capture->eos);
    g_clear_pointer(&capture->ready, g_async_queue_unref);
    gst_clear_object(&capture->sink);
    gst_clear_object(&capture->pipeline);
    g_main_context_unref(capture->context);
    g_free(capture->label);
    g_free(capture->path);
    g_free(capture->echo_note);
    if (capture->echo_held)
        audio_echo_release(); /* after the pipeline stopped: its canceller is done */
    g_free(capture);
}

/* What is captured, for messages. */
const char *audio_capture_get_label(LcAudioCapture *capture)
{
    return capture->label;
}

/* What to tell the user of echo cancellation. */
const char *audio_capture_get_echo_note(LcAudioCapture *capture)
{
    return capture->echo_note;
}
