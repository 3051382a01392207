/* Constructors and destructors for the frame structs in frame.h. */
#include "media/frame.h"

/* Width in bytes of plane 0..2 of an I420 frame of the given width. */
gint raw_frame_plane_width(gint width, guint plane)
{
    return plane == 0 ? width : (width + 1) / 2;
}

/* Height in rows of plane 0..2 of an I420 frame of the given height. */
gint raw_frame_plane_height(gint height, guint plane)
{
    return plane == 0 ? height : (height + 1) / 2;
}

/* Wraps existing planes; backing_free(backing) runs when the frame is freed. */
LcRawFrame *raw_frame_new_wrapped(const guint8 *const planes[3], const gint strides[3], gint width,
                                  gint height, gpointer backing, GDestroyNotify backing_free)
{
    LcRawFrame *frame = g_new0(LcRawFrame, 1);

    for (guint i = 0; i < 3; i++) {
        frame->planes[i] = planes[i];
        frame->strides[i] = strides[i];
    }
    frame->width = width;
    frame->height = height;
    frame->backing = backing;
    frame->backing_free = backing_free;
    return frame;
}

/* Allocates a zeroed, tightly packed I420 frame; writable plane pointers go to planes_out. */
LcRawFrame *raw_frame_new_i420(gint width, gint height, guint8 *planes_out[3])
{
    gint strides[3];
    gsize offsets[3];
    gsize total = 0;

    g_return_val_if_fail(width > 0 && height > 0, NULL);

    for (guint i = 0; i < 3; i++) {
        strides[i] = raw_frame_plane_width(width, i);
        offsets[i] = total;
        total += (gsize)strides[i] * (gsize)raw_frame_plane_height(height, i);
    }

    guint8 *block = g_malloc0(total);
    const guint8 *planes[3];
    for (guint i = 0; i < 3; i++) {
        planes[i] = block + offsets[i];
        if (planes_out != NULL)
            planes_out[i] = block + offsets[i];
    }
    return raw_frame_new_wrapped(planes, strides, width, height, block, g_free);
}

/* Frees a raw frame and releases its plane memory. NULL is ignored. */
void raw_frame_free(LcRawFrame *frame)
{
    if (frame == NULL)
        return;
    if (frame->backing_free != NULL)
        frame->backing_free(frame->backing);
    g_free(frame);
}
