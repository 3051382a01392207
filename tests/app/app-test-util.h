/* Helpers shared by the app tests. */
#pragma once

#include <glib.h>

#include "media/camera.h"
#include "src/run/framelog.h"

/* The run every synthetic frame log describes: the test pattern, 640x480 at
 * 30 fps, JPEG quality 80, relay acks, both channels. */
void app_test_framelog_run(LcFramelogRun *run);

/* Runs loop until it is quit or ms milliseconds pass; returns FALSE if the time ran out. */
gboolean app_test_run_loop(GMainLoop *loop, guint ms);
/* Captures n JPEG frames of width x height from the test pattern through the
 * camera glue; returns LcFrame * (freed with the array). */
GPtrArray *app_test_capture_jpeg(guint n, gint width, gint height);
