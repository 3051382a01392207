/* audio_pipeline.h: what the audio capture and the audio playout build and
 * check alike: the packet length, the pipeline from its description, and the
 * error a pipeline that would not start left on its bus. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* FALSE, with `code` of `domain`, unless frame_ms is 10 or 20. */
gboolean audio_pipeline_check_frame_ms(guint frame_ms, GQuark domain, gint code, GError **error);

/* The pipeline of a gst-launch description (GStreamer initialised), or NULL
 * with `code` of `domain`: "cannot build the <what> pipeline (...)", naming
 * the packages that hold the elements. */
GstElement *audio_pipeline_parse(const char *description, const char *what, GQuark domain,
                                 gint code, GError **error);

/* The message of the error a pipeline posted on failing to start, or a
 * plain one (transfer full). */
char *audio_pipeline_start_error(GstElement *pipeline);

G_END_DECLS
