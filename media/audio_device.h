/* audio_device.h: whether GStreamer's autoaudiosrc / autoaudiosink found a
 * real device. With none (no PulseAudio, no ALSA card) they quietly fall
 * back to a fake element that makes silence or swallows sound; a user must
 * be told instead. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Brings the auto element named `name` in pipeline to READY (which picks
 * its device) and fails with `code` of `domain` if it picked a fake one:
 * "no audio <what> device available". */
gboolean audio_device_check(GstElement *pipeline, const char *name, const char *what, GQuark domain,
                            gint code, GError **error);

G_END_DECLS
