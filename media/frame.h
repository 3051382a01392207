/* Raw I420 pictures from capture or decode. Encoded frames are the one
 * refcounted LcFrame of core/frame.h. This header needs GLib only, so code
 * outside media/ can use it without GStreamer. */
#pragma once

#include "core/frame.h"

#include <glib.h>

G_BEGIN_DECLS

/*
 * One raw picture in I420 (planar Y, U, V; chroma halved in both directions).
 *
 * The plane memory belongs to the frame and is read-only: frames from capture
 * point straight into a mapped GStreamer buffer, frames from the decoder into
 * a heap block. Either way, raw_frame_free() releases it.
 */
typedef struct {
    const guint8 *planes[3]; /* Y, U, V */
    gint strides[3];         /* bytes per row of each plane */
    gint width;
    gint height;
    guint64 seq;            /* 1 for the first frame of a stream */
    gint64 capture_time_us; /* wall clock (g_get_real_time()) at capture */
    /* private: what keeps the planes alive */
    gpointer backing;
    GDestroyNotify backing_free;
} LcRawFrame;

/* Wraps existing planes; backing_free(backing) runs when the frame is freed. */
LcRawFrame *raw_frame_new_wrapped(const guint8 *const planes[3], const gint strides[3], gint width,
                                  gint height, gpointer backing, GDestroyNotify backing_free);
/* Allocates a zeroed, tightly packed I420 frame; writable plane pointers go to planes_out. */
LcRawFrame *raw_frame_new_i420(gint width, gint height, guint8 *planes_out[3]);
/* Frees a raw frame and releases its plane memory. NULL is ignored. */
void raw_frame_free(LcRawFrame *frame);
/* Width in bytes of plane 0..2 of an I420 frame of the given width. */
gint raw_frame_plane_width(gint width, guint plane);
/* Height in rows of plane 0..2 of an I420 frame of the given height. */
gint raw_frame_plane_height(gint height, guint plane);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcRawFrame, raw_frame_free)

G_END_DECLS
