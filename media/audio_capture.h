/* audio_capture.h: sound into Opus packets through GStreamer: a test tone,
 * the default microphone, or an audio file, encoded a frame (10 or 20 ms)
 * at a time and delivered as LcFrames (LC_CODEC_OPUS) stamped with the wall
 * clock time of their first sample. No sockets here. */
#pragma once

#include <glib.h>

#include "core/frame.h"
#include "media/audio_echo.h"

G_BEGIN_DECLS

#define AUDIO_RATE               48000 /* Hz: Opus's own rate, and every pipeline's */
#define AUDIO_DEFAULT_FRAME_MS   10
#define AUDIO_DEFAULT_BITRATE    32000 /* bit/s: wideband voice with room for FEC */
#define AUDIO_DEFAULT_TONE_HZ    440
#define AUDIO_DEFAULT_LOSS_GUESS 10 /* % of packets lost the encoder's FEC plans for */

#define AUDIO_CAPTURE_ERROR (audio_capture_error_quark())

typedef enum {
    AUDIO_CAPTURE_ERROR_INVALID_ARGUMENT, /* a bad frame length, bitrate or source */
    AUDIO_CAPTURE_ERROR_OPEN,             /* no such file, or no audio device */
    AUDIO_CAPTURE_ERROR_PIPELINE,         /* a GStreamer element is missing or refuses */
    AUDIO_CAPTURE_ERROR_STREAM,           /* an error while running */
    AUDIO_CAPTURE_ERROR_EOS,              /* the file ended */
} AudioCaptureError;

/* Opus's application mode: `voice` (SILK and hybrid, in-band FEC, DTX),
 * `lowdelay` (CELT only: 2.5 ms less algorithmic delay, no FEC). */
typedef enum {
    AUDIO_MODE_VOICE,
    AUDIO_MODE_LOWDELAY,
} AudioMode;

typedef struct {
    const char *source; /* "test", "test:HZ", "mic", or a file path (NULL: "test") */
    guint frame_ms;     /* 10 or 20 (0: AUDIO_DEFAULT_FRAME_MS) */
    guint bitrate;      /* bit/s, 6000 to 510000 (0: AUDIO_DEFAULT_BITRATE) */
    AudioMode mode;
    gboolean dtx;   /* send almost nothing while silent */
    AudioEcho echo; /* cancel the speakers' sound (AUDIO_ECHO_AUTO: from a microphone) */
} LcAudioCaptureConfig;

typedef struct LcAudioCapture LcAudioCapture;

/* Receives one Opus packet (transfer none: frame_ref() to keep it);
 * meta.capture_us is set, meta.seq counts frames from 1. */
typedef void (*LcAudioFrameFunc)(LcAudioCapture *capture, LcFrame *frame, gpointer user_data);
/* A runtime error, or AUDIO_CAPTURE_ERROR_EOS at the end of a file; no more
 * frames come. */
typedef void (*LcAudioErrorFunc)(LcAudioCapture *capture, const GError *error, gpointer user_data);

GQuark audio_capture_error_quark(void);

/* Checks config (frame length, bitrate, the source's name, that a file
 * source is there; not a device), building nothing. */
gboolean audio_capture_check_config(const LcAudioCaptureConfig *config, GError **error);
/* Checks config and builds the pipeline; callbacks run on the main context
 * that is thread-default now, which must be iterated. */
LcAudioCapture *audio_capture_new(const LcAudioCaptureConfig *config, LcAudioFrameFunc frame_func,
                                  LcAudioErrorFunc error_func, gpointer user_data, GError **error);
/* Starts capturing; a missing file or device fails here. */
gboolean audio_capture_start(LcAudioCapture *capture, GError **error);
/* Stops and frees; no callback runs after it. NULL is ignored. */
void audio_capture_free(LcAudioCapture *capture);
/* What is captured, for messages: "test tone 440 Hz", "file talk.wav". */
const char *audio_capture_get_label(LcAudioCapture *capture);

/* What to tell the user of echo cancellation: "echo cancelled", why it is
 * not ("no echo cancellation: ..."), or NULL where it was not wanted. */
const char *audio_capture_get_echo_note(LcAudioCapture *capture);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcAudioCapture, audio_capture_free)

G_END_DECLS
