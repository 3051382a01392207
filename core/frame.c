/* core/frame.c: the refcounted frame. */
#include "core/frame.h"

/* Releases what a frame holds when its last reference goes. */
static void frame_clear(gpointer data)
{
    LcFrame *frame = data;
    g_clear_pointer(&frame->data, g_bytes_unref);
}

/* A new frame of data in codec. */
LcFrame *frame_new(GBytes *data, LcCodec codec)
{
    g_return_val_if_fail(data != NULL, NULL);
    LcFrame *frame = g_atomic_rc_box_new0(LcFrame);
    frame->data = g_bytes_ref(data);
    frame->meta.codec = (guint8)codec;
    return frame;
}

/* A new reference. */
LcFrame *frame_ref(LcFrame *frame)
{
    return g_atomic_rc_box_acquire(frame);
}

/* Drops a reference. */
void frame_unref(LcFrame *frame)
{
    if (frame != NULL)
        g_atomic_rc_box_release_full(frame, frame_clear);
}

/* Bytes of the frame's data. */
gsize frame_get_size(const LcFrame *frame)
{
    return g_bytes_get_size(frame->data);
}

/* Short lower-case name of a codec. */
const char *frame_codec_to_string(LcCodec codec)
{
    switch (codec) {
    case LC_CODEC_JPEG:
        return "jpeg";
    case LC_CODEC_H264:
        return "h264";
    case LC_CODEC_OPUS:
        return "opus";
    }
    return "unknown";
}
