/* frame_buffer.c: raw frames copied into GStreamer buffers. */
#include "media/frame_buffer.h"

#include <gst/video/video.h>
#include <string.h>

/* Copies a frame's planes row by row into a new buffer laid out as GStreamer expects. */
GstBuffer *frame_buffer_copy_raw(const LcRawFrame *frame)
{
    GstVideoInfo info;
    GstVideoFrame vframe;

    gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, frame->width, frame->height);
    GstBuffer *buffer = gst_buffer_new_allocate(NULL, GST_VIDEO_INFO_SIZE(&info), NULL);
    if (!gst_video_frame_map(&vframe, &info, buffer, GST_MAP_WRITE)) {
        gst_buffer_unref(buffer);
        return NULL;
    }
    for (guint p = 0; p < 3; p++) {
        guint8 *dst = GST_VIDEO_FRAME_PLANE_DATA(&vframe, p);
        gint dst_stride = GST_VIDEO_FRAME_PLANE_STRIDE(&vframe, p);
        gint row_bytes = raw_frame_plane_width(frame->width, p);
        gint rows = raw_frame_plane_height(frame->height, p);
        for (gint y = 0; y < rows; y++)
            memcpy(dst + (gsize)y * dst_stride, frame->planes[p] + (gsize)y * frame->strides[p],
                   row_bytes);
    }
    gst_video_frame_unmap(&vframe);
    return buffer;
}
