/* audio_playout.h: the Opus packets of every speaker decoded, mixed
 * (audiomixer, each speaker with its own volume and mute) and played out
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
    AUDIO_PLAYOUT_ERROR_STREAM,   /* an error while playing, or nothing to play */
} AudioPlayoutError;

typedef struct {
    const char *wav_path; /* write a WAV file here; NULL: the default audio output */
    const char *sink;     /* without wav_path: play in real time into this GStreamer sink
                           * (gst-launch syntax) instead of the default output */
    guint frame_ms;       /* the packets' length, 10 or 20 */
} LcAudioPlayoutConfig;

typedef struct {
    guint64 frames_played;    /* packets decoded */
    guint64 frames_concealed; /* packets that never came, filled in by the decoder */
    guint64 frames_late;      /* packets older than one already played: dropped */
    guint64 restarts;         /* numbering jumps that started a speaker over */
    guint64 frames_stretched; /* frames of concealment the jitter buffer added */
    guint64 frames_skipped;   /* packets the jitter buffer left out */
} LcAudioPlayoutStats;

typedef struct LcAudioPlayout LcAudioPlayout;

GQuark audio_playout_error_quark(void);

/* Builds and starts the pipeline. */
LcAudioPlayout *audio_playout_new(const LcAudioPlayoutConfig *config, GError **error);
/* Plays one packet of speaker (any name; a speaker is added on its first
 * packet, its sound starting where the mix is then). meta.seq numbers each
 * speaker's packets; packets missing before one are concealed, and one older
 * than the last played is late; a jump of more than 50 either way starts the
 * speaker over (a sender that restarted). Ignored after finish(). */
void audio_playout_push(LcAudioPlayout *playout, const char *speaker, const LcFrame *frame);
/* A jitter buffer in front (media/audio_jitter.h) moved the speaker's
 * schedule: stretch() adds a frame of concealment before the next packet,
 * skip() leaves packet seq (the one expected next) out. FALSE for a speaker
 * not heard yet, or another seq. */
gboolean audio_playout_stretch(LcAudioPlayout *playout, const char *speaker);
gboolean audio_playout_skip(LcAudioPlayout *playout, const char *speaker, guint64 seq);
/* Packet seq will not come: it (and any before it still expected) is
 * concealed now rather than when the next packet comes. FALSE for a speaker
 * not heard yet, or a seq already past. */
gboolean audio_playout_missing(LcAudioPlayout *playout, const char *speaker, guint64 seq);
/* Ends a speaker's stream (it left): no more of its packets are taken; its
 * branch of the mix ends with the others in finish(), so that the mix, and
 * a WAV file, go on for speakers who come later. FALSE if no packet of that
 * speaker came. */
gboolean audio_playout_end_speaker(LcAudioPlayout *playout, const char *speaker);
/* A speaker's volume (1.0 as sent, 0 to 10) and mute; FALSE if no packet of
 * that speaker came yet. */
gboolean audio_playout_set_volume(LcAudioPlayout *playout, const char *speaker, double volume);
gboolean audio_playout_set_mute(LcAudioPlayout *playout, const char *speaker, gboolean mute);
/* Ends every stream and waits (up to timeout_ms) until everything is
 * written or played: a WAV file is complete, header included, once this
 * returns TRUE. With no speaker heard there is nothing to write: FALSE
 * (AUDIO_PLAYOUT_ERROR_STREAM). Called again, it returns the same. */
gboolean audio_playout_finish(LcAudioPlayout *playout, guint timeout_ms, GError **error);
/* The counters of one speaker (all zero for one not heard yet), or of all
 * speakers together (speaker NULL). */
void audio_playout_get_stats(LcAudioPlayout *playout, const char *speaker,
                             LcAudioPlayoutStats *stats);
/* Whether the echo canceller hears what this plays: it plays in real time
 * and holds the process's echo probe (media/audio_echo.h). */
gboolean audio_playout_has_echo_probe(LcAudioPlayout *playout);
/* Stops and frees. NULL is ignored. */
void audio_playout_free(LcAudioPlayout *playout);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcAudioPlayout, audio_playout_free)

G_END_DECLS
