/* frame_buffer.h: an LcRawFrame into a GStreamer buffer, for the elements
 * that take raw pictures (a window's sink, an H.264 encoder). */
#pragma once

#include <gst/gst.h>

#include "media/frame.h"

G_BEGIN_DECLS

/* A new I420 buffer in GStreamer's default layout for the frame's size,
 * the planes copied row by row; NULL if it cannot be mapped. */
GstBuffer *frame_buffer_copy_raw(const LcRawFrame *frame);

G_END_DECLS
