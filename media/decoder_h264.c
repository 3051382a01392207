/* H.264 decoding for viewers: appsrc ! h264parse ! DECODER ! appsink, one
 * access unit in, one I420 picture out, on the caller's thread (the viewer's
 * decode worker). The decoder is avdec_h264 (FFmpeg) where installed, else
 * openh264dec. Whether a frame may be decoded at all (its references all
 * arrived) is decoder.c's business; this file only decodes. */
#include "media/decoder_h264.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>
#include <string.h>

/* A decoder that gives nothing for an access unit within this time has
 * dropped it (damaged, or it lacked a reference): the caller starts again
 * at the next keyframe. */
#define DECODER_H264_TIMEOUT_NS (GST_SECOND / 2)

struct LcDecoderH264 {
    GstElement *pipeline;
    GstElement *src;
    GstElement *sink;
    guint64 pushed;
};

/* The decoder element to use, and how to set it for one picture in, one
 * out: FFmpeg's frame threads would hold pictures back, slice threads do
 * not. */
static const char *decoder_h264_element(void)
{
    static const char *const names[] = {"avdec_h264", "openh264dec", NULL};
    for (guint i = 0; names[i] != NULL; i++) {
        g_autoptr(GstElementFactory) factory = gst_element_factory_find(names[i]);
        if (factory != NULL)
            return names[i];
    }
    return NULL;
}

/* Keeps only errors on the pipeline's bus (a damaged frame's warnings, tags
 * and state changes would pile up unread). */
static GstBusSyncReply decoder_h264_on_bus(GstBus *bus, GstMessage *message, gpointer data)
{
    return GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR ? GST_BUS_PASS : GST_BUS_DROP;
}

/* Creates the pipeline and starts it. */
LcDecoderH264 *decoder_h264_new(GError **error)
{
    gst_init(NULL, NULL);
    const char *element = decoder_h264_element();
    if (element == NULL) {
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_UNAVAILABLE,
                    "cannot decode h264: no H.264 decoder element (avdec_h264 from the Debian "
                    "package gstreamer1.0-libav, or openh264dec) is installed");
        return NULL;
    }
    /* The caps filter after the parser refuses a picture larger than any
     * decoder here accepts before the decoder allocates for it. */
    g_autofree char *desc = g_strdup_printf(
        "appsrc name=src format=time is-live=true "
        "caps=video/x-h264,stream-format=byte-stream,alignment=au ! "
        "h264parse ! video/x-h264,width=[1,%d],height=[1,%d] ! %s name=dec ! videoconvert ! "
        "video/x-raw,format=I420 ! appsink name=sink sync=false max-buffers=8",
        DECODER_MAX_DIMENSION, DECODER_MAX_DIMENSION, element);
    g_autoptr(GError) parse_error = NULL;
    GstElement *pipeline = gst_parse_launch(desc, &parse_error);
    if (pipeline == NULL || parse_error != NULL) {
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_UNAVAILABLE, "cannot build %s: %s", element,
                    parse_error ? parse_error->message : "unknown error");
        gst_clear_object(&pipeline);
        return NULL;
    }
    LcDecoderH264 *self = g_new0(LcDecoderH264, 1);
    self->pipeline = pipeline;
    g_autoptr(GstBus) bus = gst_element_get_bus(pipeline);
    gst_bus_set_sync_handler(bus, decoder_h264_on_bus, NULL, NULL);
    self->src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
    self->sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
    g_autoptr(GstElement) dec = gst_bin_get_by_name(GST_BIN(pipeline), "dec");
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(dec), "thread-type") != NULL)
        gst_util_set_object_arg(G_OBJECT(dec), "thread-type", "slice");
    if (gst_element_set_state(pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_UNAVAILABLE, "%s cannot start", element);
        decoder_h264_free(self);
        return NULL;
    }
    return self;
}

/* Copies a decoded picture into a tightly packed LcRawFrame. */
static LcRawFrame *decoder_h264_copy(GstSample *sample, GError **error)
{
    GstVideoInfo info;
    if (!gst_video_info_from_caps(&info, gst_sample_get_caps(sample))) {
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_CORRUPT, "h264 picture of unknown format");
        return NULL;
    }
    GstVideoFrame vframe;
    if (!gst_video_frame_map(&vframe, &info, gst_sample_get_buffer(sample), GST_MAP_READ)) {
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_CORRUPT, "h264 picture cannot be read");
        return NULL;
    }
    gint width = GST_VIDEO_INFO_WIDTH(&info);
    gint height = GST_VIDEO_INFO_HEIGHT(&info);
    guint8 *planes[3];
    LcRawFrame *raw = raw_frame_new_i420(width, height, planes);
    for (guint p = 0; p < 3; p++) {
        const guint8 *in = GST_VIDEO_FRAME_PLANE_DATA(&vframe, p);
        gint in_stride = GST_VIDEO_FRAME_PLANE_STRIDE(&vframe, p);
        gint rows = raw_frame_plane_height(height, p);
        gsize bytes = (gsize)raw_frame_plane_width(width, p);
        for (gint y = 0; y < rows; y++)
            memcpy(planes[p] + (gsize)y * raw->strides[p], in + (gsize)y * in_stride, bytes);
    }
    gst_video_frame_unmap(&vframe);
    return raw;
}

/* Decodes one access unit into a picture. */
LcRawFrame *decoder_h264_decode(LcDecoderH264 *self, const guint8 *data, gsize size, GError **error)
{
    GstBuffer *buffer = gst_buffer_new_memdup(data, size);
    GST_BUFFER_PTS(buffer) = self->pushed * (GST_SECOND / 30);
    self->pushed++;
    if (gst_app_src_push_buffer(GST_APP_SRC(self->src), buffer) != GST_FLOW_OK) {
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_CORRUPT, "h264 decoder stopped");
        return NULL;
    }
    g_autoptr(GstSample) sample =
        gst_app_sink_try_pull_sample(GST_APP_SINK(self->sink), DECODER_H264_TIMEOUT_NS);
    if (sample == NULL) {
        g_autoptr(GstBus) bus = gst_element_get_bus(self->pipeline);
        g_autoptr(GstMessage) msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
        g_autoptr(GError) gst_error = NULL;
        if (msg != NULL)
            gst_message_parse_error(msg, &gst_error, NULL);
        g_set_error(error, DECODER_ERROR, DECODER_ERROR_CORRUPT, "damaged h264 frame: %s",
                    gst_error ? gst_error->message : "the decoder gave no picture");
        return NULL;
    }
    return decoder_h264_copy(sample, error);
}

/* Stops the pipeline and frees the decoder. NULL is ignored. */
void decoder_h264_free(LcDecoderH264 *self)
{
    if (self == NULL)
        return;
    gst_element_set_state(self->pipeline, GST_STATE_NULL);
    gst_clear_object(&self->src);
    gst_clear_object(&self->sink);
    gst_clear_object(&self->pipeline);
    g_free(self);
}
