/* audio_jitter.c: an adaptive jitter buffer for one speaker's packets on
 * one channel (see audio_jitter.h for the schedule and its rules). */
#include "media/audio_jitter.h"

#include "media/audio_packet.h"

#include <string.h>

#define AUDIO_JITTER_SHRINK_GAP_US  500000 /* the schedule shrinks at most this often */
#define AUDIO_JITTER_RETARGET_EVERY 10     /* arrivals between two target updates */

typedef struct {
    guint64 seq;     /* the packet's number; 0: empty */
    LcFrame *frame;  /* held until due */
    gboolean played; /* handed out (or skipped) with its packet: a copy is a duplicate */
} LcJitterSlot;

struct LcAudioJitter {
    LcAudioJitterConfig config;
    gint64 frame_us;
    gboolean started;
    guint64 next_seq; /* the next slot to hand out */
    gint64 next_due;  /* its due time, local */
    guint64 base_seq; /* capture times are estimated from the latest packet's */
    gint64 base_capture_us;
    LcJitterSlot slots[AUDIO_JITTER_SLOTS];
    /* Capture-to-arrival times of the last window of packets (sender clock
     * to local clock: the clocks' offset is in every one, and cancels out
     * of the spread). */
    gint64 *transit;
    gint64 *scratch; /* the window's copy that selection reorders */
    guint transit_len;
    guint transit_max;
    guint transit_next;
    guint since_target;
    gint64 min_transit;
    gint64 target_us;
    gint64 last_shrink;
    guint run_missing;        /* missing slots in a row since the last packet played */
    gboolean first;           /* the next packet put is the schedule's first */
    gint64 latest_capture_us; /* the newest capture time seen */
    LcAudioJitterStats stats;
};

/* The deepest a buffer of frame_ms packets can be. */
guint audio_jitter_max_depth_ms(guint frame_ms)
{
    return (AUDIO_JITTER_MAX_JUMP - 2) * (frame_ms ? frame_ms : 10);
}

/* A buffer; config is copied. */
LcAudioJitter *audio_jitter_new(const LcAudioJitterConfig *config)
{
    LcAudioJitter *jitter = g_new0(LcAudioJitter, 1);
    jitter->config = *config;
    if (jitter->config.frame_ms == 0)
        jitter->config.frame_ms = 10;
    if (jitter->config.min_ms == 0)
        jitter->config.min_ms = AUDIO_JITTER_DEFAULT_MIN_MS;
    if (jitter->config.max_ms == 0)
        jitter->config.max_ms = AUDIO_JITTER_DEFAULT_MAX_MS;
    guint deepest = audio_jitter_max_depth_ms(jitter->config.frame_ms);
    jitter->config.max_ms = CLAMP(jitter->config.max_ms, jitter->config.min_ms, deepest);
    jitter->config.fixed_ms = MIN(jitter->config.fixed_ms, deepest);
    jitter->frame_us = (gint64)jitter->config.frame_ms * 1000;
    jitter->transit_max = MAX(AUDIO_JITTER_WINDOW_MS / jitter->config.frame_ms, 10);
    jitter->transit = g_new0(gint64, jitter->transit_max);
    jitter->scratch = g_new0(gint64, jitter->transit_max);
    jitter->target_us =
        (gint64)(jitter->config.fixed_ms ? jitter->config.fixed_ms : jitter->config.min_ms) * 1000;
    return jitter;
}

/* Empties every slot. */
static void audio_jitter_clear_slots(LcAudioJitter *jitter)
{
    for (guint i = 0; i < AUDIO_JITTER_SLOTS; i++) {
        g_clear_pointer(&jitter->slots[i].frame, frame_unref);
        jitter->slots[i].seq = 0;
    }
}

/* Frees the buffer and the packets it holds. */
void audio_jitter_free(LcAudioJitter *jitter)
{
    if (jitter == NULL)
        return;
    audio_jitter_clear_slots(jitter);
    g_free(jitter->transit);
    g_free(jitter->scratch);
    g_free(jitter);
}

/* Puts the k-th smallest of v[0..n) at v[k] (Hoare's selection, expected
 * linear time): a listener keeps a window per speaker and channel, and
 * sorting each one every few packets was a tenth of a 20-speaker room's
 * client time. */
static gint64 audio_jitter_select(gint64 *v, gssize n, gssize k)
{
    gssize lo = 0, hi = n - 1;
    while (lo < hi) {
        gint64 pivot = v[lo + (hi - lo) / 2];
        gssize i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                gint64 t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        /* v[lo..j] <= pivot <= v[i..hi]; between them, the pivot's equals. */
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return v[k];
}

/* The floor and the target depth from the window. The floor is the 1st
 * percentile of the arrival times, not the least: a source's first packet
 * often comes early (a live source hands out its first buffer at once), and
 * one such packet would hold the schedule a few ms late for the whole
 * window. The target is the 99th percentile above the floor, plus a
 * margin, within the bounds. */
static void audio_jitter_retarget(LcAudioJitter *jitter)
{
    gssize n = (gssize)jitter->transit_len;
    gint64 *v = jitter->scratch;
    memcpy(v, jitter->transit, (gsize)n * sizeof(gint64));
    jitter->min_transit = audio_jitter_select(v, n, (n - 1) / 100);
    if (jitter->config.fixed_ms != 0)
        return;
    gint64 spread = audio_jitter_select(v, n, (n - 1) * 99 / 100) - jitter->min_transit;
    jitter->target_us = CLAMP(spread + AUDIO_JITTER_MARGIN_US, (gint64)jitter->config.min_ms * 1000,
                              (gint64)jitter->config.max_ms * 1000);
}

/* Adds a capture-to-arrival time to the window. */
static void audio_jitter_add_transit(LcAudioJitter *jitter, gint64 transit)
{
    jitter->transit[jitter->transit_next] = transit;
    jitter->transit_next = (jitter->transit_next + 1) % jitter->transit_max;
    jitter->transit_len = MIN(jitter->transit_len + 1, jitter->transit_max);
    /* The floor and the spread are recomputed now and then. */
    if (++jitter->since_target >= AUDIO_JITTER_RETARGET_EVERY || jitter->transit_len == 1) {
        jitter->since_target = 0;
        audio_jitter_retarget(jitter);
    }
}

/* Starts the schedule at a packet: it plays the target depth from now. */
static void audio_jitter_start(LcAudioJitter *jitter, const LcFrame *frame, gint64 arrival_us)
{
    if (jitter->started) {
        jitter->stats.restarts++;
        /* The old schedule ends here: its packets still held are thrown
         * away, and an open run of missing slots was its end, not a loss. */
        for (guint i = 0; i < AUDIO_JITTER_SLOTS; i++)
            jitter->stats.discarded += jitter->slots[i].frame != NULL;
    }
    audio_jitter_clear_slots(jitter);
    jitter->started = TRUE;
    /* The schedule keeps the speaker's packet length, whatever this end
     * was told to expect. */
    gint64 length = audio_packet_duration_us(frame);
    if (length >= 2500 && length <= 60000)
        jitter->frame_us = length;
    jitter->next_seq = frame->meta.seq;
    jitter->base_seq = frame->meta.seq;
    jitter->base_capture_us = frame->meta.capture_us;
    jitter->next_due = arrival_us + jitter->target_us;
    jitter->run_missing = 0;
    jitter->last_shrink = arrival_us;
    jitter->first = TRUE;
}

/* Takes a packet. */
gboolean audio_jitter_put(LcAudioJitter *jitter, LcFrame *frame, gint64 arrival_us)
{
    guint64 seq = frame->meta.seq;
    jitter->stats.received++;
    if (seq == 0)
        return FALSE;
    /* Far ahead: a sender that restarted, or a long silence. Far behind:
     * the same only if it was captured later than anything so far (numbers
     * that started over); else a stale packet, late. */
    gboolean ahead = jitter->started && seq >= jitter->next_seq + AUDIO_JITTER_MAX_JUMP;
    gboolean over = jitter->started && seq + AUDIO_JITTER_MAX_JUMP < jitter->next_seq &&
                    frame->meta.capture_us > jitter->latest_capture_us;
    if (!jitter->started || ahead || over)
        audio_jitter_start(jitter, frame, arrival_us);
    jitter->latest_capture_us = MAX(jitter->latest_capture_us, frame->meta.capture_us);
    LcJitterSlot *slot = &jitter->slots[seq % AUDIO_JITTER_SLOTS];
    if (slot->seq == seq && (slot->frame != NULL || slot->played)) {
        jitter->stats.duplicates++;
        return FALSE;
    }
    /* A stream's first packet often comes early (a live source hands out
     * its first buffer at once): it would set the floor too low for the
     * whole window, and the schedule would stretch, then skip a packet. */
    if (!jitter->first)
        audio_jitter_add_transit(jitter, arrival_us - frame->meta.capture_us);
    jitter->first = FALSE;
    if (seq < jitter->next_seq) {
        jitter->stats.late++;
        return FALSE;
    }
    g_clear_pointer(&slot->frame, frame_unref);
    slot->seq = seq;
    slot->frame = frame_ref(frame);
    slot->played = FALSE;
    /* The sender's cadence as it is now: a first packet stamped off the
     * beat would skew every estimate after it. */
    jitter->base_seq = seq;
    jitter->base_capture_us = frame->meta.capture_us;
    return TRUE;
}

/* The depth now: how much later than the fastest recent packet the next
 * slot is due (its capture time estimated from the schedule's first). */
static gint64 audio_jitter_depth(const LcAudioJitter *jitter)
{
    gint64 capture =
        jitter->base_capture_us + (gint64)(jitter->next_seq - jitter->base_seq) * jitter->frame_us;
    return jitter->next_due - capture - jitter->min_transit;
}

/*
 * A run of missing slots ends with a packet played: now their fate is
 * known. The last of them is rebuilt from that packet's FEC where it
 * carries some; the rest were concealed. A run still open (nothing played
 * after it) is not counted yet: the stream may simply have ended.
 */
static void audio_jitter_settle_missing(LcAudioJitter *jitter, gboolean fec)
{
    guint run = jitter->run_missing;
    if (run == 0)
        return;
    jitter->run_missing = 0;
    jitter->stats.missing += run;
    if (fec) {
        jitter->stats.fec_recovered++;
        run--;
    }
    jitter->stats.concealed += run;
    jitter->stats.max_gap_frames = MAX(jitter->stats.max_gap_frames, run);
}

/* Hands out one slot that is due: its packet, or word that it is missing. */
static void audio_jitter_release_slot(LcAudioJitter *jitter, LcAudioJitterFunc func,
                                      gpointer user_data)
{
    LcJitterSlot *slot = &jitter->slots[jitter->next_seq % AUDIO_JITTER_SLOTS];
    LcAudioJitterOut out = {.seq = jitter->next_seq, .due_us = jitter->next_due};
    g_autoptr(LcFrame) frame = NULL;
    if (slot->seq == jitter->next_seq && slot->frame != NULL)
        frame = g_steal_pointer(&slot->frame);
    g_clear_pointer(&slot->frame, frame_unref); /* an older packet's, never handed out */
    slot->seq = jitter->next_seq;               /* a packet that comes now is late, not new */
    slot->played = frame != NULL;
    if (frame != NULL) {
        /* Only a packet after a gap is looked into for FEC. */
        audio_jitter_settle_missing(jitter, jitter->config.fec && jitter->run_missing > 0 &&
                                                audio_packet_has_fec(frame));
        jitter->stats.played++;
        out.action = AUDIO_JITTER_PLAY;
        out.frame = frame;
    } else {
        jitter->run_missing++;
        out.action = AUDIO_JITTER_MISSING;
        out.run = jitter->run_missing;
    }
    jitter->next_seq++;
    jitter->next_due += jitter->frame_us;
    func(&out, user_data);
}

/* Hands out every slot due by now_us, stretching or shrinking the schedule
 * first where the depth has strayed from the target. */
void audio_jitter_release(LcAudioJitter *jitter, gint64 now_us, LcAudioJitterFunc func,
                          gpointer user_data)
{
    while (jitter->started && jitter->next_due <= now_us) {
        /* No arrival time known yet: nothing to adapt to. */
        gint64 depth = jitter->transit_len > 0 ? audio_jitter_depth(jitter) : jitter->target_us;
        if (depth < jitter->target_us) {
            LcAudioJitterOut out = {.action = AUDIO_JITTER_STRETCH,
                                    .seq = jitter->next_seq,
                                    .due_us = jitter->next_due};
            jitter->next_due += jitter->frame_us;
            jitter->stats.stretches++;
            func(&out, user_data);
            continue;
        }
        if (depth >= jitter->target_us + jitter->frame_us &&
            now_us - jitter->last_shrink >= AUDIO_JITTER_SHRINK_GAP_US) {
            /* Missing slots before it were concealed: the skipped packet is
             * not decoded, so its FEC rebuilds nothing. */
            audio_jitter_settle_missing(jitter, FALSE);
            LcJitterSlot *slot = &jitter->slots[jitter->next_seq % AUDIO_JITTER_SLOTS];
            slot->played = slot->seq == jitter->next_seq && slot->frame != NULL;
            g_clear_pointer(&slot->frame, frame_unref);
            slot->seq = jitter->next_seq;
            LcAudioJitterOut out = {
                .action = AUDIO_JITTER_SKIP, .seq = jitter->next_seq, .due_us = jitter->next_due};
            jitter->next_seq++;
            jitter->last_shrink = now_us;
            jitter->stats.skips++;
            func(&out, user_data);
            continue;
        }
        audio_jitter_release_slot(jitter, func, user_data);
    }
}

/* Hands out every slot up to the last packet held. */
void audio_jitter_flush(LcAudioJitter *jitter, LcAudioJitterFunc func, gpointer user_data)
{
    if (!jitter->started)
        return;
    guint64 last = 0;
    for (guint i = 0; i < AUDIO_JITTER_SLOTS; i++)
        if (jitter->slots[i].frame != NULL)
            last = MAX(last, jitter->slots[i].seq);
    while (jitter->next_seq <= last)
        audio_jitter_release_slot(jitter, func, user_data);
}

/* When the next slot is due. */
gint64 audio_jitter_next_due(const LcAudioJitter *jitter)
{
    return jitter->started ? jitter->next_due : G_MAXINT64;
}

/* What the decoder adds: it holds a packet back for the next one's FEC. */
gint64 audio_jitter_get_decoder_delay_us(const LcAudioJitter *jitter)
{
    return jitter->config.fec ? jitter->frame_us : 0;
}

/* The counters, depth and target now. */
void audio_jitter_get_stats(const LcAudioJitter *jitter, LcAudioJitterStats *stats)
{
    *stats = jitter->stats;
    stats->depth_ms = jitter->started ? audio_jitter_depth(jitter) / 1000.0 : 0;
    stats->target_ms = jitter->target_us / 1000.0;
}
