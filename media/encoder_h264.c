/* The H.264 encoder back-ends (x264, OpenH264, NVENC): one GStreamer
 * pipeline each, appsrc ! ENCODER ! h264parse ! appsink, driven one frame
 * at a time from the encode worker's thread.
 *
 * Every back-end is set for live video: no B-frames and no look-ahead, so
 * that each picture pushed in comes out as one access unit before the next
 * goes in; SPS and PPS go before every keyframe, so a viewer can start (or
 * start again) at any keyframe. The pipeline is built at the first frame,
 * and again when the picture size changes. */
#include "media/encoder.h"
#include "media/frame_buffer.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

/* How long one frame may take to come out before the encoder is called
 * stuck: far beyond any real encode, short enough to say so. */
#define ENCODER_H264_TIMEOUT_NS (5 * GST_SECOND)

typedef struct {
    LcEncoder parent;
    const char *element; /* "x264enc", "openh264enc", "nvh264enc" */
    LcEncoderSettings settings;
    GstElement *pipeline;
    GstElement *src;
    GstElement *sink;
    gint width;
    gint height;
    guint64 frames; /* pushed since the pipeline was built */
    gboolean want_key;
} EncoderH264;

/* Sets a property from its text (a number, a boolean or an enum's nick)
 * where the element has it: the elements' properties differ across
 * GStreamer versions (NVENC's most), and a missing one is not worth a
 * failed stream. */
static void encoder_h264_set(GstElement *enc, const char *name, const char *value)
{
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(enc), name) != NULL)
        gst_util_set_object_arg(G_OBJECT(enc), name, value);
    else
        g_debug("encoder: %s has no property %s", GST_OBJECT_NAME(enc), name);
}

/* Sets the back-end's properties for live video at the settings' rate. */
static void encoder_h264_configure(EncoderH264 *self, GstElement *enc)
{
    const LcEncoderSettings *s = &self->settings;
    g_autofree char *kbit = g_strdup_printf("%d", s->bitrate);
    g_autofree char *bit = g_strdup_printf("%d", s->bitrate * 1000);
    g_autofree char *gop = g_strdup_printf("%d", s->gop);
    if (g_strcmp0(self->element, "x264enc") == 0) {
        /* tune=zerolatency: no B-frames, no look-ahead, no frame threads;
         * sliced threads keep both cores busy without a frame of delay. */
        encoder_h264_set(enc, "tune", "zerolatency");
        encoder_h264_set(enc, "speed-preset", "superfast");
        encoder_h264_set(enc, "bitrate", kbit);
        encoder_h264_set(enc, "key-int-max", gop);
        encoder_h264_set(enc, "bframes", "0");
        encoder_h264_set(enc, "sliced-threads", "true");
        encoder_h264_set(enc, "vbv-buf-capacity", "200");
    } else if (g_strcmp0(self->element, "openh264enc") == 0) {
        encoder_h264_set(enc, "rate-control", "bitrate");
        encoder_h264_set(enc, "usage-type", "camera");
        encoder_h264_set(enc, "bitrate", bit);
        encoder_h264_set(enc, "gop-size", gop);
        /* Its own keyframes on a "scene change" would break --gop (and a
         * camera's light changing is no new scene worth 5x the bits). */
        encoder_h264_set(enc, "scene-change-detection", "false");
    } else {
        /* NVENC: the low-latency preset, no B-frames, CBR. */
        encoder_h264_set(enc, "preset", "low-latency-hq");
        encoder_h264_set(enc, "rc-mode", "cbr");
        encoder_h264_set(enc, "zerolatency", "true");
        encoder_h264_set(enc, "bframes", "0");
        encoder_h264_set(enc, "bitrate", kbit);
        encoder_h264_set(enc, "gop-size", gop);
    }
}

/* Keeps only errors on a pipeline's bus: nothing reads the rest (tags,
 * state changes, warnings), which would pile up for the pipeline's life. */
static GstBusSyncReply encoder_h264_on_bus(GstBus *bus, GstMessage *message, gpointer data)
{
    return GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR ? GST_BUS_PASS : GST_BUS_DROP;
}

/* Stops and drops the pipeline. */
static void encoder_h264_teardown(EncoderH264 *self)
{
    if (self->pipeline == NULL)
        return;
    gst_element_set_state(self->pipeline, GST_STATE_NULL);
    gst_clear_object(&self->src);
    gst_clear_object(&self->sink);
    gst_clear_object(&self->pipeline);
}

/* Builds and starts the pipeline for pictures of width x height. */
static gboolean encoder_h264_build(EncoderH264 *self, gint width, gint height, GError **error)
{
    encoder_h264_teardown(self);
    g_autofree char *desc = g_strdup_printf(
        "appsrc name=src format=time is-live=true do-timestamp=false ! %s name=enc ! "
        "h264parse config-interval=-1 ! "
        "video/x-h264,stream-format=byte-stream,alignment=au ! "
        "appsink name=sink sync=false max-buffers=8",
        self->element);
    g_autoptr(GError) parse_error = NULL;
    GstElement *pipeline = gst_parse_launch(desc, &parse_error);
    if (pipeline == NULL || parse_error != NULL) {
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_UNAVAILABLE, "cannot build %s: %s",
                    self->element, parse_error ? parse_error->message : "unknown error");
        gst_clear_object(&pipeline);
        return FALSE;
    }
    self->pipeline = pipeline;
    g_autoptr(GstBus) bus = gst_element_get_bus(pipeline);
    gst_bus_set_sync_handler(bus, encoder_h264_on_bus, NULL, NULL);
    self->src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
    self->sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
    g_autoptr(GstElement) enc = gst_bin_get_by_name(GST_BIN(pipeline), "enc");
    encoder_h264_configure(self, enc);

    GstVideoInfo info;
    gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, (guint)width, (guint)height);
    GST_VIDEO_INFO_FPS_N(&info) = self->settings.fps;
    GST_VIDEO_INFO_FPS_D(&info) = 1;
    g_autoptr(GstCaps) caps = gst_video_info_to_caps(&info);
    gst_app_src_set_caps(GST_APP_SRC(self->src), caps);
    if (gst_element_set_state(pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_UNAVAILABLE,
                    "%s cannot start for %dx%d pictures", self->element, width, height);
        encoder_h264_teardown(self);
        return FALSE;
    }
    self->width = width;
    self->height = height;
    self->frames = 0;
    return TRUE;
}

/* The raw frame in a new buffer, stamped at the nominal rate: rate control
 * counts bits per second. NULL if it cannot be mapped. */
static GstBuffer *encoder_h264_buffer(EncoderH264 *self, const LcRawFrame *frame)
{
    GstBuffer *buffer = frame_buffer_copy_raw(frame);
    if (buffer == NULL)
        return NULL;
    GstClockTime step = gst_util_uint64_scale_int(GST_SECOND, 1, self->settings.fps);
    GST_BUFFER_PTS(buffer) = self->frames * step;
    GST_BUFFER_DURATION(buffer) = step;
    return buffer;
}

/* Says why the pipeline gave nothing: its error message, if it posted one. */
static void encoder_h264_explain(EncoderH264 *self, GError **error)
{
    g_autoptr(GstBus) bus = gst_element_get_bus(self->pipeline);
    g_autoptr(GstMessage) msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    if (msg != NULL) {
        g_autoptr(GError) gst_error = NULL;
        gst_message_parse_error(msg, &gst_error, NULL);
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_FAILED, "%s failed: %s", self->element,
                    gst_error->message);
        return;
    }
    g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_FAILED,
                "%s gave no output for a %dx%d frame within %d s", self->element, self->width,
                self->height, (int)(ENCODER_H264_TIMEOUT_NS / GST_SECOND));
}

/* Whether the back-end takes pictures of this size: 4:2:0 H.264 needs
 * even sides, and NVENC at most 4096 each. */
static gboolean encoder_h264_check_size(EncoderH264 *self, gint width, gint height, GError **error)
{
    gint max = g_strcmp0(self->element, "nvh264enc") == 0 ? ENCODER_NVENC_MAX_DIMENSION : G_MAXINT;
    if (width % 2 == 0 && height % 2 == 0 && width <= max && height <= max)
        return TRUE;
    g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT,
                "%s cannot encode %dx%d pictures: H.264 needs an even width and height%s",
                self->parent.ops->name, width, height, max < G_MAXINT ? ", at most 4096 each" : "");
    return FALSE;
}

/* Encodes one picture into one access unit (Annex B); a keyframe carries
 * LC_FRAME_FLAG_KEY. */
static LcFrame *encoder_h264_encode(LcEncoder *encoder, const LcRawFrame *frame, GError **error)
{
    EncoderH264 *self = (EncoderH264 *)encoder;
    if (!encoder_h264_check_size(self, frame->width, frame->height, error))
        return NULL;
    if ((self->pipeline == NULL || frame->width != self->width || frame->height != self->height) &&
        !encoder_h264_build(self, frame->width, frame->height, error))
        return NULL;
    GstBuffer *buffer = encoder_h264_buffer(self, frame);
    if (buffer == NULL) {
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_FAILED, "cannot copy a %dx%d frame for %s",
                    frame->width, frame->height, self->element);
        return NULL;
    }
    if (self->want_key && self->frames > 0) {
        /* Upstream from the sink, as a viewer's request would come: the
         * encoder makes the next picture an IDR with SPS and PPS. */
        gst_element_send_event(
            self->sink, gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, TRUE, 0));
    }
    self->want_key = FALSE;
    self->frames++;
    if (gst_app_src_push_buffer(GST_APP_SRC(self->src), buffer) != GST_FLOW_OK) {
        encoder_h264_explain(self, error);
        encoder_h264_teardown(self); /* the next frame starts afresh */
        return NULL;
    }
    g_autoptr(GstSample) sample =
        gst_app_sink_try_pull_sample(GST_APP_SINK(self->sink), ENCODER_H264_TIMEOUT_NS);
    if (sample == NULL) {
        encoder_h264_explain(self, error);
        encoder_h264_teardown(self); /* the next frame starts afresh */
        return NULL;
    }
    GstBuffer *out = gst_sample_get_buffer(sample);
    g_autoptr(GBytes) bytes = NULL;
    GstMapInfo map;
    if (!gst_buffer_map(out, &map, GST_MAP_READ)) {
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_FAILED, "%s output cannot be read",
                    self->element);
        return NULL;
    }
    bytes = g_bytes_new(map.data, map.size);
    gst_buffer_unmap(out, &map);
    LcFrame *encoded = frame_new(bytes, LC_CODEC_H264);
    encoded->width = frame->width;
    encoded->height = frame->height;
    if (!GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_DELTA_UNIT))
        encoded->meta.flags |= LC_FRAME_FLAG_KEY;
    return encoded;
}

/* The next frame is to be a keyframe. */
static void encoder_h264_request_keyframe(LcEncoder *encoder)
{
    ((EncoderH264 *)encoder)->want_key = TRUE;
}

/* Stops the pipeline and frees the encoder. */
static void encoder_h264_free(LcEncoder *encoder)
{
    EncoderH264 *self = (EncoderH264 *)encoder;
    encoder_h264_teardown(self);
    g_free(self);
}

static const LcEncoderOps encoder_x264_ops = {
    .name = "x264",
    .codec = LC_CODEC_H264,
    .encode = encoder_h264_encode,
    .request_keyframe = encoder_h264_request_keyframe,
    .free = encoder_h264_free,
};

static const LcEncoderOps encoder_openh264_ops = {
    .name = "openh264",
    .codec = LC_CODEC_H264,
    .encode = encoder_h264_encode,
    .request_keyframe = encoder_h264_request_keyframe,
    .free = encoder_h264_free,
};

static const LcEncoderOps encoder_nvenc_ops = {
    .name = "nvenc",
    .codec = LC_CODEC_H264,
    .encode = encoder_h264_encode,
    .request_keyframe = encoder_h264_request_keyframe,
    .free = encoder_h264_free,
};

/* Creates an H.264 back-end on a GStreamer element: "x264enc",
 * "openh264enc" or "nvh264enc". The element must exist (encoder_list
 * checks it first); the pipeline is built at the first frame. */
LcEncoder *encoder_h264_new(const char *element, const LcEncoderSettings *settings, GError **error)
{
    static const struct {
        const char *element;
        const LcEncoderOps *ops;
    } backends[] = {
        {"x264enc", &encoder_x264_ops},
        {"openh264enc", &encoder_openh264_ops},
        {"nvh264enc", &encoder_nvenc_ops},
    };
    guint i = 0;
    while (i < G_N_ELEMENTS(backends) && g_strcmp0(element, backends[i].element) != 0)
        i++;
    if (i == G_N_ELEMENTS(backends)) {
        g_set_error(error, ENCODER_ERROR, ENCODER_ERROR_INVALID_ARGUMENT,
                    "no H.264 back-end on the element \"%s\"", element ? element : "");
        return NULL;
    }
    gst_init(NULL, NULL);
    EncoderH264 *self = g_new0(EncoderH264, 1);
    self->parent.ops = backends[i].ops;
    self->parent.quality = settings->quality;
    self->element = backends[i].element;
    self->settings = *settings;
    return &self->parent;
}
