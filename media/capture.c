/* Video capture: one GStreamer pipeline per LcCapture, ending in a bounded
 * appsink that drops the oldest frames when the application falls behind. */
#include "media/capture.h"
#include "media/capture_synth.h"
#include "media/synth.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#define CAPTURE_MAX_DIMENSION 8192
#define CAPTURE_MAX_FPS       240

typedef enum {
    CAPTURE_SOURCE_TEST,
    CAPTURE_SOURCE_SYNTHETIC,
    CAPTURE_SOURCE_CAMERA,
    CAPTURE_SOURCE_FILE,
} CaptureSourceKind;

struct LcCapture {
    CaptureSourceKind kind;
    char *source; /* device or file path; NULL for the test pattern */
    char *label;  /* "camera /dev/video0", for messages */
    char *description;
    GstElement *pipeline;
    GstAppSink *sink;
    GstCaps *wallclock_caps; /* tags the arrival-time meta */
    CaptureSynth *synth;     /* the synthetic source's feeder, or NULL */
    guint32 seed;            /* the synthetic source's seed */

    GMainContext *context;
    GSource *bus_source;
    /* Woken from the streaming thread (g_source_set_ready_time is thread-safe). */
    GSource *pull_source;
    LcCaptureFrameFunc frame_func;
    LcCaptureErrorFunc error_func;
    gpointer user_data;
    gboolean running;
    gboolean eos_reported;

    /* Written only by the streaming thread feeding the appsink. */
    guint64 arrived;

    /* The context thread writes these; the lock lets other threads read them. */
    GMutex stats_lock;
    guint64 last_arrival;
    LcCaptureStats stats;
};

/* Keeps a pulled sample mapped for as long as an LcRawFrame points into it. */
typedef struct {
    GstSample *sample;
    GstVideoFrame vframe;
} CaptureBacking;

/* The error domain of this module. */
GQuark capture_error_quark(void)
{
    return g_quark_from_static_string("lanconf-capture-error-quark");
}

/* Releases the mapping and the sample behind a captured frame. */
static void capture_backing_free(gpointer data)
{
    CaptureBacking *backing = data;

    gst_video_frame_unmap(&backing->vframe);
    gst_sample_unref(backing->sample);
    g_free(backing);
}

/* Quotes a property value for a launch string: "..." with \ and " escaped. */
static char *capture_quote(const char *value)
{
    GString *quoted = g_string_new("\"");

    for (const char *p = value; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_c(quoted, '\\');
        g_string_append_c(quoted, *p);
    }
    g_string_append_c(quoted, '"');
    return g_string_free(quoted, FALSE);
}

/* The kind of a source that is not the synthetic one. */
static CaptureSourceKind capture_classify_name(const char *source)
{
    if (source == NULL || *source == '\0' || g_strcmp0(source, "test") == 0)
        return CAPTURE_SOURCE_TEST;
    if (g_str_has_prefix(source, "/dev/video"))
        return CAPTURE_SOURCE_CAMERA;
    return CAPTURE_SOURCE_FILE;
}

/* Decides the source kind from the source string (and the seed of
 * "synthetic:SEED"); FALSE with an error for a bad seed. */
static gboolean capture_classify_source(const char *source, CaptureSourceKind *kind, guint32 *seed,
                                        GError **error)
{
    gboolean synthetic = FALSE;
    if (!synth_parse_source(source, &synthetic, seed, error)) {
        g_prefix_error(error, "--source: ");
        return FALSE;
    }
    *kind = synthetic ? CAPTURE_SOURCE_SYNTHETIC : capture_classify_name(source);
    return TRUE;
}

/* Builds the gst-launch description for the configured source. */
static char *capture_build_description(const LcCapture *capture, gint width, gint height, gint fps)
{
    g_autofree char *caps = g_strdup_printf(
        "video/x-raw,format=I420,width=%d,height=%d,pixel-aspect-ratio=1/1,framerate=%d/1", width,
        height, fps);
    /*
     * A live source (test pattern, camera) already delivers at its own pace;
     * syncing on the clock would only hold each frame back by the pipeline
     * latency. A file has no pace of its own, so there the clock sets it.
     */
    gboolean sync = capture->kind == CAPTURE_SOURCE_FILE;
    g_autofree char *sink = g_strdup_printf("appsink name=sink max-buffers=%d drop=true sync=%s",
                                            CAPTURE_APPSINK_MAX_BUFFERS, sync ? "true" : "false");
    g_autofree char *quoted = capture->source ? capture_quote(capture->source) : NULL;
    const char *convert = "videoconvert ! videoscale ! videorate";

    switch (capture->kind) {
    case CAPTURE_SOURCE_TEST:
        return g_strdup_printf("videotestsrc is-live=true pattern=ball ! %s ! %s", caps, sink);
    case CAPTURE_SOURCE_SYNTHETIC: {
        g_autofree char *head = capture_synth_describe(width, height, fps);
        return g_strdup_printf("%s ! %s", head, sink);
    }
    case CAPTURE_SOURCE_CAMERA:
        return g_strdup_printf("v4l2src device=%s ! %s ! %s ! %s", quoted, convert, caps, sink);
    case CAPTURE_SOURCE_FILE:
        return g_strdup_printf("filesrc location=%s ! decodebin ! %s ! %s ! %s", quoted, convert,
                               caps, sink);
    }
    g_assert_not_reached();
}

/* Rejects sizes and rates the pipeline could not sensibly produce. */
static gboolean capture_check_config(gint width, gint height, gint fps, GError **error)
{
    if (width < 2 || height < 2 || width > CAPTURE_MAX_DIMENSION ||
        height > CAPTURE_MAX_DIMENSION) {
        g_set_error(error, CAPTURE_ERROR, CAPTURE_ERROR_INVALID_ARGUMENT,
                    "invalid capture size %dx%d (each side must be 2..%d)", width, height,
                    CAPTURE_MAX_DIMENSION);
        return FALSE;
    }
    if (fps < 1 || fps > CAPTURE_MAX_FPS) {
        g_set_error(error, CAPTURE_ERROR, CAPTURE_ERROR_INVALID_ARGUMENT,
                    "invalid capture rate %d fps (must be 1..%d)", fps, CAPTURE_MAX_FPS);
        return FALSE;
    }
    return TRUE;
}

/*
 * Stamps every buffer as it reaches the appsink, on the streaming thread: the
 * wall-clock arrival time goes into a reference-timestamp meta, and a running
 * arrival number into the buffer offset. Gaps in that number between pulled
 * buffers are exactly the buffers the appsink dropped.
 */
static GstPadProbeReturn capture_on_sink_buffer(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    LcCapture *capture = data;
    GstBuffer *buffer = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    GstClockTime now = (GstClockTime)g_get_real_time() * GST_USECOND;

    GST_BUFFER_OFFSET(buffer) = ++capture->arrived;
    gst_buffer_add_reference_timestamp_meta(buffer, capture->wallclock_caps, now,
                                            GST_CLOCK_TIME_NONE);
    GST_PAD_PROBE_INFO_DATA(info) = buffer;
    return GST_PAD_PROBE_OK;
}

/* Streaming thread: a sample or EOS is waiting, so wake the pull source. */
static void capture_wake_pull(LcCapture *capture)
{
    g_source_set_ready_time(capture->pull_source, 0);
}

/* appsink callback (streaming thread): a new sample is queued. */
static GstFlowReturn capture_on_new_sample(GstAppSink *sink, gpointer data)
{
    capture_wake_pull(data);
    return GST_FLOW_OK;
}

/* appsink callback (streaming thread): end of stream reached the sink. */
static void capture_on_eos(GstAppSink *sink, gpointer data)
{
    capture_wake_pull(data);
}

/* Wraps a pulled sample in an LcRawFrame without copying pixels. */
static LcRawFrame *capture_frame_from_sample(LcCapture *capture, GstSample *sample, GError **error)
{
    GstVideoInfo info;
    g_autofree CaptureBacking *backing = g_new0(CaptureBacking, 1);
    GstBuffer *buffer = gst_sample_get_buffer(sample);

    if (buffer == NULL || !gst_video_info_from_caps(&info, gst_sample_get_caps(sample)) ||
        !gst_video_frame_map(&backing->vframe, &info, buffer, GST_MAP_READ)) {
        g_set_error(error, CAPTURE_ERROR, CAPTURE_ERROR_STREAM,
                    "capture from %s failed: cannot map a video buffer", capture->label);
        return NULL;
    }
    backing->sample = gst_sample_ref(sample);

    const guint8 *planes[3];
    gint strides[3];
    for (guint i = 0; i < 3; i++) {
        planes[i] = GST_VIDEO_FRAME_PLANE_DATA(&backing->vframe, i);
        strides[i] = GST_VIDEO_FRAME_PLANE_STRIDE(&backing->vframe, i);
    }
    gint width = GST_VIDEO_INFO_WIDTH(&info);
    gint height = GST_VIDEO_INFO_HEIGHT(&info);
    return raw_frame_new_wrapped(planes, strides, width, height, g_steal_pointer(&backing),
                                 capture_backing_free);
}

/* Gives a frame its sequence number and arrival time and updates the counters. */
static void capture_account_frame(LcCapture *capture, LcRawFrame *frame, GstSample *sample)
{
    GstBuffer *buffer = gst_sample_get_buffer(sample);
    GstReferenceTimestampMeta *meta =
        gst_buffer_get_reference_timestamp_meta(buffer, capture->wallclock_caps);
    guint64 arrival = GST_BUFFER_OFFSET(buffer);

    frame->capture_time_us = meta ? (gint64)(meta->timestamp / GST_USECOND) : g_get_real_time();

    g_mutex_lock(&capture->stats_lock);
    if (arrival != GST_BUFFER_OFFSET_NONE && arrival > capture->last_arrival) {
        capture->stats.frames_dropped += arrival - capture->last_arrival - 1;
        capture->last_arrival = arrival;
    }
    frame->seq = ++capture->stats.frames_captured;
    g_mutex_unlock(&capture->stats_lock);
}

/* Reports err through the error callback; the capture must not be touched afterwards. */
static void capture_report(LcCapture *capture, const GError *err)
{
    if (capture->error_func != NULL)
        capture->error_func(capture, err, capture->user_data);
    else
        g_warning("%s", err->message);
}

/* Reports end of stream once, after the last frame has been delivered. */
static gboolean capture_report_eos(LcCapture *capture)
{
    if (capture->eos_reported || !gst_app_sink_is_eos(capture->sink))
        return G_SOURCE_CONTINUE;
    capture->eos_reported = TRUE;

    g_autoptr(GError) err =
        g_error_new(CAPTURE_ERROR, CAPTURE_ERROR_EOS, "end of stream from %s", capture->label);
    capture_report(capture, err);
    return G_SOURCE_CONTINUE;
}

/*
 * Context thread: pulls one sample per dispatch and hands it on. One per
 * dispatch keeps the callback the last thing that touches the capture, so the
 * callback may free it; the source re-arms itself while samples remain.
 */
static gboolean capture_pull_dispatch(gpointer data)
{
    LcCapture *capture = data;
    g_autoptr(GError) err = NULL;

    g_source_set_ready_time(capture->pull_source, -1);
    g_autoptr(GstSample) sample = gst_app_sink_try_pull_sample(capture->sink, 0);
    if (sample == NULL)
        return capture_report_eos(capture);
    g_source_set_ready_time(capture->pull_source, 0);

    LcRawFrame *frame = capture_frame_from_sample(capture, sample, &err);
    if (frame == NULL) {
        capture_report(capture, err);
        return G_SOURCE_CONTINUE;
    }
    capture_account_frame(capture, frame, sample);
    if (capture->frame_func != NULL)
        capture->frame_func(capture, frame, capture->user_data);
    else
        raw_frame_free(frame);
    return G_SOURCE_CONTINUE;
}

/* Dispatches the pull source: it has no prepare or check, only a ready time. */
static gboolean capture_pull_source_dispatch(GSource *source, GSourceFunc callback, gpointer data)
{
    return callback(data);
}

static GSourceFuncs capture_pull_source_funcs = {
    .dispatch = capture_pull_source_dispatch,
};

/* Whether a GStreamer error means the source could not be opened at all. */
static gboolean capture_is_open_failure(const GError *gst_error)
{
    if (gst_error->domain == GST_RESOURCE_ERROR)
        return gst_error->code == GST_RESOURCE_ERROR_NOT_FOUND ||
               gst_error->code == GST_RESOURCE_ERROR_OPEN_READ ||
               gst_error->code == GST_RESOURCE_ERROR_OPEN_READ_WRITE ||
               gst_error->code == GST_RESOURCE_ERROR_BUSY ||
               gst_error->code == GST_RESOURCE_ERROR_SETTINGS;
    if (gst_error->domain == GST_STREAM_ERROR)
        return gst_error->code == GST_STREAM_ERROR_TYPE_NOT_FOUND ||
               gst_error->code == GST_STREAM_ERROR_WRONG_TYPE ||
               gst_error->code == GST_STREAM_ERROR_CODEC_NOT_FOUND;
    return FALSE;
}

/* Translates a bus error message into a CAPTURE_ERROR naming the source. */
static GError *capture_error_from_message(LcCapture *capture, GstMessage *message)
{
    g_autoptr(GError) gst_error = NULL;
    g_autofree char *debug = NULL;

    gst_message_parse_error(message, &gst_error, &debug);
    g_debug("capture from %s: %s (%s)", capture->label, gst_error->message,
            debug ? debug : "no details");
    if (capture_is_open_failure(gst_error))
        return g_error_new(CAPTURE_ERROR, CAPTURE_ERROR_OPEN, "cannot open %s: %s", capture->label,
                           gst_error->message);
    return g_error_new(CAPTURE_ERROR, CAPTURE_ERROR_STREAM, "capture from %s failed: %s",
                       capture->label, gst_error->message);
}

/* Bus watch (context thread): reports errors; warnings go to the log. */
static gboolean capture_on_bus_message(GstBus *bus, GstMessage *message, gpointer data)
{
    LcCapture *capture = data;

    if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_WARNING) {
        g_autoptr(GError) warning = NULL;
        gst_message_parse_warning(message, &warning, NULL);
        g_message("capture from %s: %s", capture->label, warning->message);
    } else if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
        g_autoptr(GError) err = capture_error_from_message(capture, message);
        capture_report(capture, err);
    }
    return G_SOURCE_CONTINUE;
}

/* Parses the launch description and hooks up the appsink. */
static gboolean capture_build_pipeline(LcCapture *capture, GError **error)
{
    g_autoptr(GError) parse_error = NULL;

    capture->pipeline = gst_parse_launch(capture->description, &parse_error);
    if (capture->pipeline != NULL)
        gst_object_ref_sink(capture->pipeline);
    if (capture->pipeline == NULL || parse_error != NULL) {
        g_set_error(error, CAPTURE_ERROR, CAPTURE_ERROR_PIPELINE,
                    "cannot build the capture pipeline for %s: %s", capture->label,
                    parse_error ? parse_error->message : "unknown error");
        return FALSE;
    }
    capture->sink = GST_APP_SINK(gst_bin_get_by_name(GST_BIN(capture->pipeline), "sink"));

    GstAppSinkCallbacks callbacks = {
        .eos = capture_on_eos,
        .new_sample = capture_on_new_sample,
    };
    gst_app_sink_set_callbacks(capture->sink, &callbacks, capture, NULL);

    g_autoptr(GstPad) pad = gst_element_get_static_pad(GST_ELEMENT(capture->sink), "sink");
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, capture_on_sink_buffer, capture, NULL);
    return TRUE;
}

/* Names the source for messages: "test pattern", "camera /dev/video0", "file x.avi". */
static char *capture_make_label(CaptureSourceKind kind, const char *source)
{
    switch (kind) {
    case CAPTURE_SOURCE_TEST:
        return g_strdup("test pattern");
    case CAPTURE_SOURCE_SYNTHETIC:
        return g_strdup("synthetic camera");
    case CAPTURE_SOURCE_CAMERA:
        return g_strdup_printf("camera %s", source);
    case CAPTURE_SOURCE_FILE:
        return g_strdup_printf("file %s", source);
    }
    g_assert_not_reached();
}

/* Builds the pipeline for config; callbacks run on the thread-default context. */
LcCapture *capture_new(const LcCaptureConfig *config, LcCaptureFrameFunc frame_func,
                       LcCaptureErrorFunc error_func, gpointer user_data, GError **error)
{
    g_return_val_if_fail(config != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    gint width = config->width > 0 ? config->width : CAPTURE_DEFAULT_WIDTH;
    gint height = config->height > 0 ? config->height : CAPTURE_DEFAULT_HEIGHT;
    gint fps = config->fps > 0 ? config->fps : CAPTURE_DEFAULT_FPS;
    if (!capture_check_config(width, height, fps, error))
        return NULL;

    gst_init(NULL, NULL);
    g_autoptr(LcCapture) capture = g_new0(LcCapture, 1);
    g_mutex_init(&capture->stats_lock);
    if (!capture_classify_source(config->source, &capture->kind, &capture->seed, error))
        return NULL;
    if (capture->kind != CAPTURE_SOURCE_TEST && capture->kind != CAPTURE_SOURCE_SYNTHETIC)
        capture->source = g_strdup(config->source);
    capture->label = capture_make_label(capture->kind, capture->source);
    capture->description = capture_build_description(capture, width, height, fps);
    capture->wallclock_caps = gst_caps_new_empty_simple("timestamp/x-lanconf-wallclock");
    capture->context = g_main_context_ref_thread_default();
    capture->frame_func = frame_func;
    capture->error_func = error_func;
    capture->user_data = user_data;

    if (!capture_build_pipeline(capture, error))
        return NULL;
    if (capture->kind == CAPTURE_SOURCE_SYNTHETIC) {
        capture->synth = capture_synth_new(width, height, fps, capture->seed);
        if (!capture_synth_attach(capture->synth, capture->pipeline)) {
            g_set_error(error, CAPTURE_ERROR, CAPTURE_ERROR_PIPELINE,
                        "cannot build the capture pipeline for %s: no appsrc", capture->label);
            return NULL;
        }
    }
    return g_steal_pointer(&capture);
}

/* Checks up front that a file or camera exists, for a clear message. */
static gboolean capture_check_source(LcCapture *capture, GError **error)
{
    GStatBuf st;

    if (capture->kind == CAPTURE_SOURCE_TEST || capture->kind == CAPTURE_SOURCE_SYNTHETIC)
        return TRUE;
    if (g_stat(capture->source, &st) != 0) {
        int saved_errno = errno;
        g_set_error(error, CAPTURE_ERROR, CAPTURE_ERROR_OPEN, "cannot open %s: %s", capture->label,
                    g_strerror(saved_errno));
        return FALSE;
    }
    if (S_ISDIR(st.st_mode)) {
        g_set_error(error, CAPTURE_ERROR, CAPTURE_ERROR_OPEN, "cannot open %s: it is a directory",
                    capture->label);
        return FALSE;
    }
    return TRUE;
}

/* Attaches the bus watch and the pull source to the capture's context. */
static void capture_attach_sources(LcCapture *capture)
{
    g_autoptr(GstBus) bus = gst_element_get_bus(capture->pipeline);

    capture->bus_source = gst_bus_create_watch(bus);
    g_source_set_callback(capture->bus_source, G_SOURCE_FUNC(capture_on_bus_message), capture,
                          NULL);
    g_source_attach(capture->bus_source, capture->context);

    capture->pull_source = g_source_new(&capture_pull_source_funcs, sizeof(GSource));
    g_source_set_static_name(capture->pull_source, "lanconf capture pull");
    g_source_set_callback(capture->pull_source, capture_pull_dispatch, capture, NULL);
    g_source_attach(capture->pull_source, capture->context);
}

/* Detaches both sources; safe while one of them is dispatching. */
static void capture_detach_sources(LcCapture *capture)
{
    if (capture->bus_source != NULL) {
        g_source_destroy(capture->bus_source);
        g_clear_pointer(&capture->bus_source, g_source_unref);
    }
    if (capture->pull_source != NULL) {
        g_source_destroy(capture->pull_source);
        g_clear_pointer(&capture->pull_source, g_source_unref);
    }
}

/* Resets the counters for a new run. */
static void capture_reset_stats(LcCapture *capture)
{
    g_mutex_lock(&capture->stats_lock);
    capture->last_arrival = 0;
    capture->stats = (LcCaptureStats){0};
    g_mutex_unlock(&capture->stats_lock);
    capture->arrived = 0;
    capture->eos_reported = FALSE;
}

/* Stops the pipeline, then drops queued bus messages and detaches the sources. */
static void capture_teardown(LcCapture *capture)
{
    /* Setting NULL joins the streaming threads, so no callback can wake a freed source. */
    gst_element_set_state(capture->pipeline, GST_STATE_NULL);

    g_autoptr(GstBus) bus = gst_element_get_bus(capture->pipeline);
    gst_bus_set_flushing(bus, TRUE);
    gst_bus_set_flushing(bus, FALSE);
    capture_detach_sources(capture);
}

/* Turns a failed state change into a GError, from the error the pipeline posted. */
static void capture_set_start_error(LcCapture *capture, GError **error)
{
    g_autoptr(GstBus) bus = gst_element_get_bus(capture->pipeline);
    g_autoptr(GstMessage) message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);

    if (message != NULL) {
        g_propagate_error(error, capture_error_from_message(capture, message));
        return;
    }
    g_set_error(error, CAPTURE_ERROR, CAPTURE_ERROR_PIPELINE,
                "cannot start capture from %s: the pipeline refused to play", capture->label);
}

/* Starts producing frames; a missing file or camera fails here. */
gboolean capture_start(LcCapture *capture, GError **error)
{
    g_return_val_if_fail(capture != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (capture->running)
        return TRUE;
    if (!capture_check_source(capture, error))
        return FALSE;

    capture_reset_stats(capture);
    capture_attach_sources(capture);
    if (gst_element_set_state(capture->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        capture_set_start_error(capture, error);
        capture_teardown(capture);
        return FALSE;
    }
    capture->running = TRUE;
    return TRUE;
}

/* Stops the pipeline; pending frames are discarded. Safe to call twice. */
void capture_stop(LcCapture *capture)
{
    g_return_if_fail(capture != NULL);

    if (!capture->running)
        return;
    capture->running = FALSE;
    capture_teardown(capture);
}

/* Stops and frees. NULL is ignored. */
void capture_free(LcCapture *capture)
{
    if (capture == NULL)
        return;
    capture_stop(capture);
    g_clear_pointer(&capture->synth, capture_synth_free);
    g_clear_object(&capture->sink);
    g_clear_object(&capture->pipeline);
    g_clear_pointer(&capture->wallclock_caps, gst_caps_unref);
    g_clear_pointer(&capture->context, g_main_context_unref);
    g_mutex_clear(&capture->stats_lock);
    g_free(capture->source);
    g_free(capture->label);
    g_free(capture->description);
    g_free(capture);
}

/* Copies the counters into stats. */
void capture_get_stats(LcCapture *capture, LcCaptureStats *stats)
{
    g_return_if_fail(capture != NULL && stats != NULL);

    g_mutex_lock(&capture->stats_lock);
    *stats = capture->stats;
    g_mutex_unlock(&capture->stats_lock);
}

/* The gst-launch description of the pipeline, for logs. */
const char *capture_get_description(LcCapture *capture)
{
    g_return_val_if_fail(capture != NULL, NULL);
    return capture->description;
}
