/* wire_frame.c: VIDEO_FRAME messages to and from LcFrameMeta, the one
 * description of a frame every hop carries. */
#include "net/wire/wire.h"

/* Reads a VIDEO_FRAME's frame description. */
void wire_video_frame_get_meta(const LcWireMsg *msg, LcFrameMeta *meta)
{
    *meta = (LcFrameMeta){
        .stream_id = msg->video_frame.stream_id,
        .seq = msg->video_frame.seq,
        .capture_us = (gint64)msg->video_frame.capture_us,
        .send_us = (gint64)msg->video_frame.send_us,
        .codec = msg->video_frame.codec,
        .flags = msg->video_frame.frame_flags,
    };
}

/* Fills a VIDEO_FRAME from a frame description and its data. */
void wire_video_frame_init(LcWireMsg *msg, const LcFrameMeta *meta, GBytes *data)
{
    *msg = (LcWireMsg){.type = WIRE_VIDEO_FRAME};
    msg->video_frame.stream_id = meta->stream_id;
    msg->video_frame.seq = meta->seq;
    msg->video_frame.capture_us = (guint64)meta->capture_us;
    msg->video_frame.send_us = (guint64)meta->send_us;
    msg->video_frame.codec = meta->codec;
    msg->video_frame.frame_flags = meta->flags;
    msg->video_frame.data = data;
}

/* A VIDEO_FRAME message as a new frame. */
LcFrame *wire_video_frame_to_frame(const LcWireMsg *msg)
{
    g_autoptr(GBytes) empty = NULL;
    GBytes *data = msg->video_frame.data;
    if (data == NULL)
        data = empty = g_bytes_new(NULL, 0);
    LcFrame *frame = frame_new(data, (LcCodec)msg->video_frame.codec);
    wire_video_frame_get_meta(msg, &frame->meta);
    return frame;
}
