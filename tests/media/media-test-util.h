/* Helpers shared by the media tests: real captured frames, synthetic frames
 * and picture comparison. */
#pragma once

#include <glib.h>

#include "media/frame.h"

/* Runs loop until it is quit or ms milliseconds pass; returns FALSE if the time ran out. */
gboolean media_test_run_loop(GMainLoop *loop, guint ms);
/* Captures from the test pattern at width x height and returns frame number nth (1-based). */
LcRawFrame *media_test_capture_frame(gint width, gint height, guint nth);
/* Makes a textured I420 frame whose content depends on seq, with row padding of pad bytes. */
LcRawFrame *media_test_synthetic_frame(gint width, gint height, guint64 seq, gint pad);
/* Peak signal-to-noise ratio of the Y planes of two equally sized frames, in dB. */
gdouble media_test_psnr_y(const LcRawFrame *a, const LcRawFrame *b);
/* Whether the Y planes of two equally sized frames differ anywhere. */
gboolean media_test_y_differs(const LcRawFrame *a, const LcRawFrame *b);
