/* audio_listen.h: hearing everyone in the room (conference semantics),
 * measured. The relay announces every audio stream (STREAM_NOTICE); each
 * one but this member's own is viewed on the channels asked for, with no
 * VIEW by nick needed. Each speaker's packets go, per channel, through an
 * adaptive jitter buffer (media/audio_jitter.h); the packets of one channel
 * (UDP where it is viewed, else TCP) are mixed and played out
 * (media/audio_playout.h) to the default output or a WAV file. Every
 * packet's arrival and playout time on every channel goes into a frame log
 * per speaker, so that mouth-to-ear latency (capture to playout), loss,
 * concealment and FEC recovery are known per channel. */
#pragma once

#include "media/audio_jitter.h"
#include "media/audio_playout.h"
#include "net/client/session.h"
#include "src/run/framelog.h"

typedef struct {
    guint channels;             /* the channels to view (mask of LC_CHAN_BIT()) */
    const char *wav_path;       /* write what is heard here; NULL: the default output */
    guint frame_ms;             /* the speakers' packet length, 10 or 20 */
    LcAudioJitterConfig jitter; /* depth bounds or a fixed depth; frame_ms and fec are set here */
    gint64 sender_offset_us;    /* speakers' clocks minus this host's (0: one host, or synced) */
    gboolean measure_only;      /* no decoding, no output: buffers and figures only (a bench's
                                 * many listeners) */
    guint record_limit;         /* per-packet records kept per speaker and channel (0: all;
                                 * framelog_set_record_limit()) */
} LcAudioListenConfig;

/* One stream heard: a speaker's. A member who stops and starts again is a
 * new one ("nick#2"). */
typedef struct {
    const char *nick;
    const char *key; /* the nick, or "nick#N" for its Nth stream */
    guint32 stream_id;
    gboolean active;   /* its stream is on */
    LcChanKind play;   /* the channel heard: UDP where both ends have it, else TCP */
    gint64 talking_us; /* local clock: the last packet with voice in it was played */
    LcFramelog *log;   /* receipts, and playout as "decoded" */
    LcAudioJitter *jitter[LC_CHAN_KINDS]; /* NULL where the channel is not viewed */
} LcAudioListenSpeaker;

typedef struct _LcAudioListen LcAudioListen;

/* Starts listening on a session (which must outlive it): opens the output
 * now (no audio output device is an error here). */
LcAudioListen *audio_listen_new(LcSession *session, const LcAudioListenConfig *config,
                                GError **error);
/* The channel heard where a speaker has both: UDP if it is viewed. */
LcChanKind audio_listen_get_play_channel(LcAudioListen *listen);
/* The speakers' packet length, ms. */
guint audio_listen_get_frame_ms(LcAudioListen *listen);
/* Where the sound goes, for messages: "file out.wav". */
const char *audio_listen_get_output_label(LcAudioListen *listen);
/* Every stream heard so far, in the order they started (LcAudioListenSpeaker). */
GPtrArray *audio_listen_get_speakers(LcAudioListen *listen);
/* What the playout counted for a speaker (all speakers: key NULL). */
void audio_listen_get_playout_stats(LcAudioListen *listen, const char *key,
                                    LcAudioPlayoutStats *stats);
/* Mutes or unmutes a member (any case), now and for its later streams. */
void audio_listen_set_mute(LcAudioListen *listen, const char *nick, gboolean mute);
/* A member's volume, 0 to 10 (1: as sent), now and for its later streams. */
void audio_listen_set_volume(LcAudioListen *listen, const char *nick, double volume);
/* Stops listening: every stream's last packets play, and the output is
 * finished (a WAV file complete). FALSE when nothing was heard or the
 * output failed. */
gboolean audio_listen_finish(LcAudioListen *listen, GError **error);
void audio_listen_free(LcAudioListen *listen);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcAudioListen, audio_listen_free)
