/* capture_synth.h: feeds the synthetic source (media/synth.h) into a
 * capture pipeline through an appsrc, paced by the pipeline's clock. */
#pragma once

#include <gst/gst.h>

typedef struct CaptureSynth CaptureSynth;

/* The launch-description head that the capture pipeline starts with:
 * "appsrc name=synth ... ! clocksync" (transfer full). */
char *capture_synth_describe(gint width, gint height, gint fps);

/* A feeder of width x height frames at fps from seed. */
CaptureSynth *capture_synth_new(gint width, gint height, gint fps, guint32 seed);

/* Starts feeding the appsrc named "synth" in pipeline; FALSE if it has none. */
gboolean capture_synth_attach(CaptureSynth *synth, GstElement *pipeline);

/* Frees the feeder (the pipeline must be stopped). NULL is ignored. */
void capture_synth_free(CaptureSynth *synth);
