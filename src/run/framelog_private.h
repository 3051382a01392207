/* Internals shared by the frame log's files (framelog.c and its writers). Not for other users. */
#pragma once

#include "src/run/framelog.h"

/* Frames a sender's key marks are remembered for (at least a channel's
 * queue, at 30 fps some eight seconds). */
#define FRAMELOG_KEY_RING 256

struct LcFramelog {
    LcFramelogRole role;
    LcFramelogRun run; /* strings point at the copies below */
    char *source;
    char *encoder;
    char *codec;
    char *ack_mode;
    char *mode;
    gint64 start_us;
    gint64 relay_offset_us;                  /* relay clock - local clock */
    gint64 sender_offset_us;                 /* sender clock - local clock */
    LcChannelStats *channels[LC_CHAN_KINDS]; /* NULL for a disabled channel */
    GHashTable *records[LC_CHAN_KINDS];      /* &record->seq -> LcFrameRecord * (owned) */
    GQueue order[LC_CHAN_KINDS];             /* record seqs, oldest first (with a limit) */
    guint record_limit;                      /* records kept per channel; 0: all */
    /* The latest frames marked as decoding on their own (framelog_note_key),
     * a ring: a sender marks a frame before its channels report it sent,
     * and a frame waits at most a queue's length to be. */
    guint64 keys[FRAMELOG_KEY_RING];
    guint keys_next;
    guint keys_held;   /* marks in the ring, at most FRAMELOG_KEY_RING: none for a voice */
    GArray *intervals; /* LcChannelInterval, in closing order */
    /* Sender: what the source delivered, and why frames were dropped. */
    guint64 captured;
    gint64 first_capture_us;
    gint64 last_capture_us;
    LcStatsDist *encode_ms;
    guint64 drops[LC_CHAN_KINDS][FRAMELOG_N_DROPS];
    gboolean sent_any[LC_CHAN_KINDS]; /* the channel has sent a frame */
};
