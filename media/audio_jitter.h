/* audio_jitter.h: an adaptive jitter buffer for one speaker's Opus packets
 * on one channel. Pure bookkeeping, like net/stats: no GStreamer, no
 * sockets, no timers; the caller passes every time in (local wall clock,
 * us) and asks what is due.
 *
 * Packet n plays at due(n) = anchor + (n - anchor_seq) * frame: a steady
 * schedule, one frame apart. The buffer's depth is how much later than the
 * fast recent packets (the 1st percentile of capture-to-arrival times over
 * the last two seconds: the floor) the schedule runs. Its target is the
 * spread of those arrival times (their 99th percentile above the floor)
 * plus a margin, kept within [min_ms, max_ms], or a fixed depth. When the
 * depth is below the target the schedule stretches by a frame at once (one
 * frame of concealment); when it stays a frame or more above it, it shrinks
 * by a frame (a frame is skipped), at most twice a second. A frame at a
 * time cannot place it closer: the depth lies within a frame above the
 * target.
 *
 * A packet that arrives after its due time is late and dropped. A packet
 * missing at its due time is concealed by the decoder; with in-band FEC, a
 * missing packet whose successor arrives by the successor's due time is
 * rebuilt from it instead (the decoder holds one packet for that: FEC adds
 * one frame of delay, counted in audio_jitter_get_decoder_delay_us()), if
 * that packet is of a kind that carries FEC (SILK or hybrid, by its TOC
 * byte: Opus's voice mode; the low-delay mode's CELT packets carry none).
 */
#pragma once

#include <glib.h>

#include "core/frame.h"

G_BEGIN_DECLS

#define AUDIO_JITTER_DEFAULT_MIN_MS 5
#define AUDIO_JITTER_DEFAULT_MAX_MS 200
#define AUDIO_JITTER_WINDOW_MS      2000 /* arrival times the target is taken from */
#define AUDIO_JITTER_MARGIN_US      1000 /* on top of the spread */
#define AUDIO_JITTER_SLOTS          64   /* packets held at most (640 ms of 10 ms packets) */
/* A packet this far outside the schedule starts it over (a sender that
 * restarted, or numbers no sender would send). */
#define AUDIO_JITTER_MAX_JUMP 50

typedef struct {
    guint frame_ms; /* the packets' length, 10 or 20 */
    guint min_ms;   /* the least depth (0: AUDIO_JITTER_DEFAULT_MIN_MS) */
    guint max_ms;   /* the most depth (0: AUDIO_JITTER_DEFAULT_MAX_MS) */
    guint fixed_ms; /* a fixed depth instead of an adaptive one (0: adaptive) */
    gboolean fec;   /* the decoder rebuilds a lost packet from the next one's FEC */
} LcAudioJitterConfig;

typedef enum {
    AUDIO_JITTER_PLAY,    /* frame seq is due: decode it */
    AUDIO_JITTER_MISSING, /* seq never came in time: conceal it (or FEC) */
    AUDIO_JITTER_STRETCH, /* the schedule grew by a frame: one frame of concealment */
    AUDIO_JITTER_SKIP,    /* seq is left out: the schedule shrank by a frame */
} LcAudioJitterAction;

typedef struct {
    LcAudioJitterAction action;
    guint64 seq;
    LcFrame *frame; /* PLAY: transfer none */
    gint64 due_us;  /* local clock: when it plays */
    guint run;      /* MISSING: missing slots in a row so far, this one included */
} LcAudioJitterOut;

typedef void (*LcAudioJitterFunc)(const LcAudioJitterOut *out, gpointer user_data);

typedef struct {
    guint64 received;      /* packets put in (duplicates and late ones included) */
    guint64 played;        /* packets decoded at their due time */
    guint64 missing;       /* slots whose packet was not there at its due time, counted
                            * once a later packet plays (a run at the end is not: the
                            * stream may have ended) */
    guint64 fec_recovered; /* of those, rebuilt from the next packet's FEC */
    guint64 concealed;     /* of those, concealed by the decoder (PLC) */
    guint64 late;          /* packets that came after their due time: dropped */
    guint64 duplicates;    /* packets already held or played */
    guint64 stretches;     /* times the schedule grew by a frame */
    guint64 skips;         /* times it shrank by a frame */
    guint64 restarts;      /* times it started over */
    guint64 discarded;     /* packets held when it started over: thrown away */
    guint max_gap_frames;  /* the longest run of concealed packets, in frames */
    double depth_ms;       /* the depth now */
    double target_ms;      /* the depth aimed at now */
} LcAudioJitterStats;

typedef struct LcAudioJitter LcAudioJitter;

/* The deepest a buffer of frame_ms packets can be (480 ms for 10 ms): the
 * packets waiting must stay within AUDIO_JITTER_MAX_JUMP of the one due,
 * or the newest would look like a restarted sender. Deeper settings are
 * cut to it. */
guint audio_jitter_max_depth_ms(guint frame_ms);

/* A buffer; config is copied. */
LcAudioJitter *audio_jitter_new(const LcAudioJitterConfig *config);
/* Frees the buffer and the packets it holds. NULL is ignored. */
void audio_jitter_free(LcAudioJitter *jitter);
/* Takes a packet (meta.seq, meta.capture_us on the sender's clock) that
 * arrived at arrival_us (local). FALSE when it is dropped: late, a
 * duplicate, or too far ahead to hold. */
gboolean audio_jitter_put(LcAudioJitter *jitter, LcFrame *frame, gint64 arrival_us);
/* Hands out, in order, every slot due by now_us. */
void audio_jitter_release(LcAudioJitter *jitter, gint64 now_us, LcAudioJitterFunc func,
                          gpointer user_data);
/* Hands out every slot up to the last packet held, due or not (the stream
 * is over and nothing more will come). */
void audio_jitter_flush(LcAudioJitter *jitter, LcAudioJitterFunc func, gpointer user_data);
/* The local time the next slot is due; G_MAXINT64 before the first packet. */
gint64 audio_jitter_next_due(const LcAudioJitter *jitter);
/* What the decoder adds to the schedule: one frame with FEC, else 0. */
gint64 audio_jitter_get_decoder_delay_us(const LcAudioJitter *jitter);
void audio_jitter_get_stats(const LcAudioJitter *jitter, LcAudioJitterStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcAudioJitter, audio_jitter_free)

G_END_DECLS
