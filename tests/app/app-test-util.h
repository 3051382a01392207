/* Helpers shared by the app tests. */
#pragma once

#include <glib.h>

#include "media/camera.h"

/* Runs loop until it is quit or ms milliseconds pass; returns FALSE if the time ran out. */
gboolean app_test_run_loop(GMainLoop *loop, guint ms);
/* Captures n JPEG frames of width x height from the test pattern through the
 * camera glue; returns LcEncodedFrame * (freed with the array). */
GPtrArray *app_test_capture_jpeg(guint n, gint width, gint height);
