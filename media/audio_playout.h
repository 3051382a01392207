/* audio_playout.h: Opus packets of one speaker decoded and played out
 * through GStreamer, to a WAV file (exactly what the listener would hear,
 * concealment included) or the default audio output. A packet that never
 * came is concealed by the decoder (Opus PLC), or rebuilt from the next
 * packet's in-band FEC where that packet carries it. No sockets here. */
#pragma once

#include <glib.h>

#include "core/frame.h"

G_BEGIN_DECLS

#define AUDIO_PLAYOUT_ERROR (audio_playout_error_quark())

typedef enum {
    AUDIO_PLAYOUT_ERROR_INVALID_ARGUMENT,
    AUDIO_PLAYOUT_ERROR_OPEN,     /* the file cannot be written, or no audio output */
    AUDIO_PLAYOUT_ERROR_PIPELINE, /* a GStreamer element is missing or refuses */
} AudioPlayoutError;

typedef struct {
    const char *wav_path; /* write a WAV file here; NULL: the default audio output */
    guint frame_ms;       /* the packets' length, 10 or 20 */
} LcAudioPlayoutConfig;

typedef struct {
    guint64 frames_played;    /* packets decoded */
    guint64 frames_concealed; /* packets that never came, filled in by the decoder */
    guint64 frames_late;      /* packets older than one already played: dropped */
} LcAudioPlayoutStats;

typedef struct LcAudioPlayout LcAudioPlayout;

GQuark audio_playout_error_quark(void);

/* Builds and starts the pipeline. */
LcAudioPlayout *audio_playout_new(const LcAudioPlayoutConfig *config, GError **error);
/* Plays one packet (meta.seq numbers packets from 1). Packets missing
 * before it are concealed; one older than the last played is late. */
void audio_playout_push(LcAudioPlayout *playout, const LcFrame *frame);
/* Ends the stream and waits (up to timeout_ms) until everything is written
 * or played: a WAV file is complete, header included, once this returns
 * TRUE. */
gboolean audio_playout_finish(LcAudioPlayout *playout, guint timeout_ms, GError **error);
/* The counters. */
void audio_playout_get_stats(LcAudioPlayout *playout, LcAudioPlayoutStats *stats);
/* Stops and frees. NULL is ignored. */
void audio_playout_free(LcAudioPlayout *playout);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcAudioPlayout, audio_playout_free)

G_END_DECLS
