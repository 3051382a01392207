/* audio_echo.h: echo cancellation, WebRTC's through GStreamer's webrtcdsp.
 * What the speakers play passes one probe (webrtcechoprobe) in the playout
 * that plays to a device; the microphone's capture hands its sound, and the
 * probe's, to webrtcdsp, which takes the speakers' sound out of the
 * microphone's (and, as any voice chat does, suppresses noise and evens the
 * level). The probe is one element for the whole process, made before any
 * capture needs it, so that the capture and the playout may start and stop
 * in any order: while nothing plays, the canceller hears silence and leaves
 * the microphone alone. No sockets here. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GstElement GstElement; /* no GStreamer header for the front ends */

#define AUDIO_ECHO_ERROR (audio_echo_error_quark())

typedef enum {
    AUDIO_ECHO_ERROR_INVALID_ARGUMENT, /* not auto, on or off */
    AUDIO_ECHO_ERROR_MISSING,          /* webrtcdsp or webrtcechoprobe is not installed */
} AudioEchoError;

/* When the capture cancels echo. */
typedef enum {
    AUDIO_ECHO_AUTO, /* from a microphone, where the elements are installed */
    AUDIO_ECHO_ON,   /* always (an error where the elements are missing) */
    AUDIO_ECHO_OFF,  /* never */
} AudioEcho;

GQuark audio_echo_error_quark(void);

/* Reads "auto", "on" or "off". */
gboolean audio_echo_parse(const char *text, AudioEcho *echo, GError **error);
/* "auto", "on" or "off". */
const char *audio_echo_to_string(AudioEcho echo);
/* Whether webrtcdsp and webrtcechoprobe are installed; if not, why, naming
 * the package. */
gboolean audio_echo_available(GError **error);
/* Takes the canceller for a capture (TRUE), or FALSE while another capture
 * of this process has it: one at a time can, as there is one probe.
 * audio_echo_release() gives it back. */
gboolean audio_echo_acquire(void);
void audio_echo_release(void);
/* The canceller for a capture's description, between raw 48 kHz mono and
 * the encoder: "webrtcdsp probe=... ..." (transfer full). The probe is made
 * here if it was not yet. */
char *audio_echo_describe_canceller(void);
/* Puts the probe between two linked elements of a playout that plays to a
 * device; FALSE (and nothing changed) if another playout has it now or the
 * elements are missing. It leaves that pipeline with the pipeline. */
gboolean audio_echo_insert_probe(GstElement *upstream, GstElement *downstream);

G_END_DECLS
