/*
 * capture_synth.c: the synthetic source in a capture pipeline. An appsrc
 * asks for frames on its own streaming thread; each is rendered there into
 * a fresh buffer stamped with its place in the stream (frame n at n / fps),
 * and clocksync releases it when the pipeline's clock gets there, so the
 * source keeps the asked rate, or falls behind it visibly when rendering
 * and encoding cannot keep up.
 */
#include "media/capture_synth.h"

#include "media/synth.h"

#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

struct CaptureSynth {
    LcSynth *scene;
    GstVideoInfo info;
    gint fps;
    guint64 next; /* the next frame's number; only the streaming thread touches it */
    GstAppSrc *src;
};

/* The head of the launch description. */
char *capture_synth_describe(gint width, gint height, gint fps)
{
    return g_strdup_printf("appsrc name=synth is-live=true format=time max-buffers=2 "
                           "caps=video/x-raw,format=I420,width=%d,height=%d,"
                           "pixel-aspect-ratio=1/1,framerate=%d/1 ! clocksync",
                           width, height, fps);
}

/* A feeder for the given size, rate and seed. */
CaptureSynth *capture_synth_new(gint width, gint height, gint fps, guint32 seed)
{
    CaptureSynth *synth = g_new0(CaptureSynth, 1);
    synth->scene = synth_new(width, height, seed);
    synth->fps = fps;
    gst_video_info_set_format(&synth->info, GST_VIDEO_FORMAT_I420, (guint)width, (guint)height);
    return synth;
}

/* appsrc "need-data" (streaming thread): renders and pushes the next frame. */
static void capture_synth_on_need_data(GstAppSrc *src, guint length, gpointer data)
{
    CaptureSynth *synth = data;
    GstBuffer *buffer = gst_buffer_new_allocate(NULL, GST_VIDEO_INFO_SIZE(&synth->info), NULL);
    GstVideoFrame frame;
    if (buffer == NULL || !gst_video_frame_map(&frame, &synth->info, buffer, GST_MAP_WRITE)) {
        g_clear_pointer(&buffer, gst_buffer_unref);
        GST_ELEMENT_ERROR(src, RESOURCE, FAILED, ("cannot allocate a synthetic frame"), (NULL));
        return;
    }
    guint8 *planes[3];
    gint strides[3];
    for (guint i = 0; i < 3; i++) {
        planes[i] = GST_VIDEO_FRAME_PLANE_DATA(&frame, i);
        strides[i] = GST_VIDEO_FRAME_PLANE_STRIDE(&frame, i);
    }
    synth_render(synth->scene, synth->next, synth->fps, planes, strides);
    gst_video_frame_unmap(&frame);
    GST_BUFFER_PTS(buffer) = gst_util_uint64_scale(synth->next, GST_SECOND, (guint64)synth->fps);
    GST_BUFFER_DURATION(buffer) = gst_util_uint64_scale(1, GST_SECOND, (guint64)synth->fps);
    synth->next++;
    gst_app_src_push_buffer(src, buffer);
}

/* Hooks the feeder to the pipeline's appsrc. */
gboolean capture_synth_attach(CaptureSynth *synth, GstElement *pipeline)
{
    GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "synth");
    if (src == NULL)
        return FALSE;
    synth->src = GST_APP_SRC(src);
    GstAppSrcCallbacks callbacks = {.need_data = capture_synth_on_need_data};
    gst_app_src_set_callbacks(synth->src, &callbacks, synth, NULL);
    return TRUE;
}

/* Frees the feeder. */
void capture_synth_free(CaptureSynth *synth)
{
    if (synth == NULL)
        return;
    if (synth->src != NULL)
        gst_object_unref(synth->src);
    synth_free(synth->scene);
    g_free(synth);
}
