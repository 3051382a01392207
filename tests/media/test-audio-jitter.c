/* test-audio-jitter.c: the adaptive jitter buffer (media/audio_jitter.c)
 * driven by simulated arrivals, a millisecond at a time: steady, jittery,
 * past its bounds, with loss (FEC or concealment), duplicates, late and
 * reordered packets, a restarted sender, and a spike it must recover from. */
#include "media/audio_jitter.h"

#include <math.h>

#define FRAME_US 10000

typedef struct {
    guint64 last_played;
    guint64 played;
    guint64 out_of_order;
    gint64 mouth_to_ear_max; /* due - capture of played packets, us */
    gint64 mouth_to_ear_last;
} Run;

/* Checks the order of what is handed out and keeps the delays. */
static void on_out(const LcAudioJitterOut *out, gpointer data)
{
    Run *run = data;
    if (out->action != AUDIO_JITTER_PLAY)
        return;
    g_assert_cmpuint(out->frame->meta.seq, ==, out->seq);
    if (out->seq <= run->last_played)
        run->out_of_order++;
    run->last_played = out->seq;
    run->played++;
    gint64 delay = out->due_us - out->frame->meta.capture_us;
    run->mouth_to_ear_max = MAX(run->mouth_to_ear_max, delay);
    run->mouth_to_ear_last = delay;
}

/* A 10 ms packet captured at capture_us: SILK (its TOC byte's
 * configuration 0), which can carry FEC, or CELT (30), which cannot. */
static gboolean celt;
static LcFrame *packet(guint64 seq, gint64 capture_us)
{
    g_autoptr(GBytes) data = g_bytes_new_static(celt ? "\xf0x" : "\x00x", 2);
    LcFrame *frame = frame_new(data, LC_CODEC_OPUS);
    frame->meta.seq = seq;
    frame->meta.capture_us = capture_us;
    return frame;
}

typedef gint64 (*TransitFunc)(guint64 seq, GRand *rand); /* us; < 0: lost */

/* Sends n packets 10 ms apart, each arriving after transit(seq), and runs
 * the buffer until all are due. */
static void simulate(LcAudioJitter *jitter, guint n, TransitFunc transit, Run *run)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(7);
    gint64 *arrival = g_new(gint64, n + 1);
    const gint64 start = 1000000;
    gint64 end = 0;
    for (guint64 seq = 1; seq <= n; seq++) {
        gint64 t = transit(seq, rand);
        arrival[seq] = t < 0 ? -1 : start + (gint64)seq * FRAME_US + t;
        end = MAX(end, arrival[seq]);
    }
    guint64 next = 1;
    LcAudioJitterStats before;
    audio_jitter_get_stats(jitter, &before);
    guint64 done = before.played + before.missing + before.skips;
    for (gint64 now = start; now <= end + 500000; now += 1000) {
        /* Arrivals in this millisecond, in any order of seq. */
        for (guint64 seq = next > 100 ? next - 100 : 1; seq <= n && seq < next + 200; seq++) {
            if (arrival[seq] >= 0 && arrival[seq] <= now && arrival[seq] > now - 1000) {
                g_autoptr(LcFrame) frame = packet(seq, start + (gint64)seq * FRAME_US);
                audio_jitter_put(jitter, frame, arrival[seq]);
            }
        }
        while (next <= n && start + (gint64)next * FRAME_US <= now)
            next++;
        audio_jitter_release(jitter, now, on_out, run);
        LcAudioJitterStats stats;
        audio_jitter_get_stats(jitter, &stats);
        if (stats.played + stats.missing + stats.skips - done >= n)
            break; /* every slot is out: what follows would be missing */
    }
    g_free(arrival);
}

static gint64 transit_steady(guint64 seq, GRand *rand)
{
    return 2000;
}

/* On a steady link every packet plays, at the least depth, in order. */
static void test_steady(void)
{
    LcAudioJitterConfig config = {.frame_ms = 10, .fec = TRUE};
    g_autoptr(LcAudioJitter) jitter = audio_jitter_new(&config);
    Run run = {0};
    simulate(jitter, 500, transit_steady, &run);
    LcAudioJitterStats stats;
    audio_jitter_get_stats(jitter, &stats);
    g_assert_cmpuint(run.played, ==, 500);
    g_assert_cmpuint(run.out_of_order, ==, 0);
    g_assert_cmpuint(stats.late + stats.missing + stats.stretches + stats.skips, ==, 0);
    g_assert_cmpfloat(stats.target_ms, ==, AUDIO_JITTER_DEFAULT_MIN_MS);
    /* 2 ms on the way, then the least depth. */
    g_assert_cmpint(run.mouth_to_ear_max, <=, 2000 + AUDIO_JITTER_DEFAULT_MIN_MS * 1000 + 1000);
    g_assert_cmpint(audio_jitter_get_decoder_delay_us(jitter), ==, FRAME_US);
}

static gint64 transit_jittery(guint64 seq, GRand *rand)
{
    return g_rand_int_range(rand, 2000, 22000);
}

/* With 20 ms of jitter the depth grows to cover it: after the first second
 * hardly a packet is late, and the depth stays near the spread. */
static void test_jitter_adapts(void)
{
    LcAudioJitterConfig config = {.frame_ms = 10, .fec = TRUE};
    g_autoptr(LcAudioJitter) jitter = audio_jitter_new(&config);
    Run run = {0};
    simulate(jitter, 100, transit_jittery, &run);
    LcAudioJitterStats early;
    audio_jitter_get_stats(jitter, &early);
    g_assert_cmpuint(early.stretches, >, 0);
    g_assert_cmpfloat(early.target_ms, >=, 15);
    g_assert_cmpfloat(early.target_ms, <=, 25);
    g_assert_cmpuint(run.out_of_order, ==, 0);
    g_test_message("after 1 s: target %.1f ms depth %.1f ms, %" G_GUINT64_FORMAT
                   " late, %" G_GUINT64_FORMAT " stretches",
                   early.target_ms, early.depth_ms, early.late, early.stretches);
}

/* The same over 10 s: late packets stay few (the target is a percentile). */
static void test_jitter_steady_state(void)
{
    LcAudioJitterConfig config = {.frame_ms = 10, .fec = TRUE};
    g_autoptr(LcAudioJitter) jitter = audio_jitter_new(&config);
    Run run = {0};
    simulate(jitter, 1000, transit_jittery, &run);
    LcAudioJitterStats stats;
    audio_jitter_get_stats(jitter, &stats);
    g_test_message("10 s: played %" G_GUINT64_FORMAT " late %" G_GUINT64_FORMAT
                   " target %.1f depth %.1f",
                   stats.played, stats.late, stats.target_ms, stats.depth_ms);
    g_assert_cmpuint(stats.late, <=, 30);
    g_assert_cmpuint(stats.played + stats.missing + stats.skips, ==, 1000);
    g_assert_cmpfloat(stats.depth_ms, >=, stats.target_ms);
    g_assert_cmpfloat(stats.depth_ms, <, stats.target_ms + 10 + 0.001);
    /* Mouth to ear: the least transit, the depth (at most a frame above target). */
    g_assert_cmpint(run.mouth_to_ear_last, <=, 2000 + 22000 + 10000 + 1000);
}

static gint64 transit_wild(guint64 seq, GRand *rand)
{
    return g_rand_int_range(rand, 1000, 400000);
}

/* Jitter beyond the bounds: the target stops at max_ms; a fixed depth does
 * not move at all. */
static void test_bounds(void)
{
    LcAudioJitterConfig config = {.frame_ms = 10, .max_ms = 120};
    g_autoptr(LcAudioJitter) jitter = audio_jitter_new(&config);
    Run run = {0};
    simulate(jitter, 300, transit_wild, &run);
    LcAudioJitterStats stats;
    audio_jitter_get_stats(jitter, &stats);
    g_assert_cmpfloat(stats.target_ms, ==, 120);
    g_assert_cmpfloat(stats.depth_ms, <=, 120 + 10 + 0.001);
    g_assert_cmpuint(stats.late, >, 0);

    /* A depth deeper than the buffer can hold is cut to what it can. */
    LcAudioJitterConfig deep = {.frame_ms = 10, .fixed_ms = 600};
    g_autoptr(LcAudioJitter) cut = audio_jitter_new(&deep);
    Run run3 = {0};
    simulate(cut, 200, transit_steady, &run3);
    audio_jitter_get_stats(cut, &stats);
    g_assert_cmpfloat(stats.target_ms, ==, audio_jitter_max_depth_ms(10));
    g_assert_cmpuint(stats.played, ==, 200);
    g_assert_cmpuint(stats.restarts, ==, 0);

    LcAudioJitterConfig fixed = {.frame_ms = 10, .fixed_ms = 40};
    g_autoptr(LcAudioJitter) still = audio_jitter_new(&fixed);
    Run run2 = {0};
    simulate(still, 300, transit_jittery, &run2);
    audio_jitter_get_stats(still, &stats);
    g_assert_cmpfloat(stats.target_ms, ==, 40);
    g_assert_cmpuint(stats.late, ==, 0);
    /* A fixed depth is held above the floor: a first packet that came
     * slowly puts the schedule deeper, and it shrinks back. */
    g_assert_cmpuint(stats.played + stats.skips, ==, 300);
    g_assert_cmpfloat(stats.depth_ms, <, 40 + 10 + 0.001);
}

static gint64 transit_lose_tenth(guint64 seq, GRand *rand)
{
    return seq % 10 == 5 ? -1 : 2000;
}

static gint64 transit_lose_pairs(guint64 seq, GRand *rand)
{
    return seq % 20 == 5 || seq % 20 == 6 ? -1 : 2000;
}

/* Isolated losses are rebuilt from the next packet with FEC and concealed
 * without; two in a row: the first is concealed, the second rebuilt; a
 * packet that carries no FEC rebuilds nothing. */
static void test_loss(void)
{
    LcAudioJitterStats stats;
    for (guint fec = 0; fec < 2; fec++) {
        LcAudioJitterConfig config = {.frame_ms = 10, .fec = fec};
        g_autoptr(LcAudioJitter) jitter = audio_jitter_new(&config);
        Run run = {0};
        simulate(jitter, 200, transit_lose_tenth, &run);
        audio_jitter_get_stats(jitter, &stats);
        g_assert_cmpuint(stats.missing, ==, 20);
        g_assert_cmpuint(stats.played, ==, 180);
        g_assert_cmpuint(stats.fec_recovered, ==, fec ? 20 : 0);
        g_assert_cmpuint(stats.concealed, ==, fec ? 0 : 20);
        g_assert_cmpuint(stats.max_gap_frames, ==, fec ? 0 : 1);
    }
    LcAudioJitterConfig config = {.frame_ms = 10, .fec = TRUE};
    g_autoptr(LcAudioJitter) jitter = audio_jitter_new(&config);
    Run run = {0};
    simulate(jitter, 200, transit_lose_pairs, &run);
    audio_jitter_get_stats(jitter, &stats);
    g_assert_cmpuint(stats.missing, ==, 20);
    g_assert_cmpuint(stats.fec_recovered, ==, 10);
    g_assert_cmpuint(stats.concealed, ==, 10);
    g_assert_cmpuint(stats.max_gap_frames, ==, 1);
    /* CELT packets (the low-delay mode) carry no FEC: all concealed. */
    celt = TRUE;
    g_autoptr(LcAudioJitter) low = audio_jitter_new(&config);
    Run run2 = {0};
    simulate(low, 200, transit_lose_tenth, &run2);
    celt = FALSE;
    audio_jitter_get_stats(low, &stats);
    g_assert_cmpuint(stats.fec_recovered, ==, 0);
    g_assert_cmpuint(stats.concealed, ==, 20);
}

/* Copies, late packets and reordering: a copy is dropped (before or after
 * playing), a packet after its due time is late, packets swapped within the
 * depth play in order; missing packets count once a later one plays. */
static void test_duplicates_late_reorder(void)
{
    LcAudioJitterConfig config = {.frame_ms = 10, .fixed_ms = 20};
    g_autoptr(LcAudioJitter) jitter = audio_jitter_new(&config);
    Run run = {0};
    const gint64 t0 = 1000000;
    g_autoptr(LcFrame) p1 = packet(1, t0);
    g_autoptr(LcFrame) p2 = packet(2, t0 + FRAME_US);
    g_autoptr(LcFrame) p3 = packet(3, t0 + 2 * FRAME_US);
    g_autoptr(LcFrame) p4 = packet(4, t0 + 3 * FRAME_US);
    g_assert_true(audio_jitter_put(jitter, p1, t0 + 1000)); /* due at t0 + 21 ms */
    g_assert_false(audio_jitter_put(jitter, p1, t0 + 2000));
    g_assert_true(audio_jitter_put(jitter, p3, t0 + 2 * FRAME_US + 1000));
    g_assert_true(audio_jitter_put(jitter, p2, t0 + 2 * FRAME_US + 2000)); /* after 3 */
    audio_jitter_release(jitter, t0 + 45000, on_out, &run);
    g_assert_cmpuint(run.played, ==, 3);
    g_assert_cmpuint(run.out_of_order, ==, 0);
    g_assert_false(audio_jitter_put(jitter, p2, t0 + 46000)); /* a copy of one played */
    audio_jitter_release(jitter, t0 + 60000, on_out, &run);   /* 4 is due: missing */
    g_assert_false(audio_jitter_put(jitter, p4, t0 + 61000));
    LcAudioJitterStats stats;
    audio_jitter_get_stats(jitter, &stats);
    g_assert_cmpuint(stats.missing, ==, 0); /* not yet: the stream may have ended */
    /* 5 never comes, 6 does: 4 and 5 were missing, and are concealed. */
    g_autoptr(LcFrame) p6 = packet(6, t0 + 5 * FRAME_US);
    g_assert_true(audio_jitter_put(jitter, p6, t0 + 65000));
    audio_jitter_release(jitter, t0 + 75000, on_out, &run);
    audio_jitter_get_stats(jitter, &stats);
    g_assert_cmpuint(stats.duplicates, ==, 2);
    g_assert_cmpuint(stats.late, ==, 1);
    g_assert_cmpuint(stats.missing, ==, 2);
    g_assert_cmpuint(stats.concealed, ==, 2);
    g_assert_cmpuint(stats.max_gap_frames, ==, 2);
    g_assert_cmpuint(stats.received, ==, 7);
    g_assert_cmpuint(run.played, ==, 4);
}

/* A sender that restarts (numbers start over, captured later) starts the
 * schedule over instead of looking late for ever; so do numbers far ahead;
 * a stale packet far behind is only late. */
static void test_restart(void)
{
    LcAudioJitterConfig config = {.frame_ms = 10};
    g_autoptr(LcAudioJitter) jitter = audio_jitter_new(&config);
    Run run = {0};
    simulate(jitter, 100, transit_steady, &run);
    gint64 now = 1000000 + 200 * FRAME_US;
    /* A stale packet (captured long ago, numbered far behind) is late. */
    g_autoptr(LcFrame) stale = packet(10, 1000000 + 10 * FRAME_US);
    g_assert_false(audio_jitter_put(jitter, stale, now));
    g_autoptr(LcFrame) again = packet(1, now);
    g_assert_true(audio_jitter_put(jitter, again, now + 2000));
    g_autoptr(LcFrame) far = packet(100000, now + FRAME_US);
    g_assert_true(audio_jitter_put(jitter, far, now + FRAME_US + 2000));
    audio_jitter_release(jitter, now + 100000, on_out, &run);
    LcAudioJitterStats stats;
    audio_jitter_get_stats(jitter, &stats);
    g_assert_cmpuint(stats.restarts, ==, 2);
    g_assert_cmpuint(stats.late, ==, 1);
    g_assert_cmpuint(stats.discarded, ==, 1); /* the new 1, held when 100000 came */
    g_assert_cmpuint(run.last_played, ==, 100000);
}

static gint64 transit_spike(guint64 seq, GRand *rand)
{
    return seq <= 50 ? g_rand_int_range(rand, 2000, 80000) : 2000;
}

/* After a burst of jitter the link calms down: once the window forgets the
 * burst the depth shrinks back a frame at a time, to within a frame of the
 * least. */
static void test_shrinks_after_spike(void)
{
    LcAudioJitterConfig config = {.frame_ms = 10};
    g_autoptr(LcAudioJitter) jitter = audio_jitter_new(&config);
    Run run = {0};
    simulate(jitter, 1200, transit_spike, &run);
    LcAudioJitterStats stats;
    audio_jitter_get_stats(jitter, &stats);
    g_test_message("skips %" G_GUINT64_FORMAT " stretches %" G_GUINT64_FORMAT
                   " depth %.1f target %.1f",
                   stats.skips, stats.stretches, stats.depth_ms, stats.target_ms);
    g_assert_cmpuint(stats.skips, >, 3);
    g_assert_cmpfloat(stats.target_ms, ==, AUDIO_JITTER_DEFAULT_MIN_MS);
    g_assert_cmpfloat(stats.depth_ms, <, AUDIO_JITTER_DEFAULT_MIN_MS + 10);
    g_assert_cmpuint(run.out_of_order, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/media/audio-jitter/steady", test_steady);
    g_test_add_func("/media/audio-jitter/jitter-adapts", test_jitter_adapts);
    g_test_add_func("/media/audio-jitter/jitter-steady-state", test_jitter_steady_state);
    g_test_add_func("/media/audio-jitter/bounds", test_bounds);
    g_test_add_func("/media/audio-jitter/loss", test_loss);
    g_test_add_func("/media/audio-jitter/duplicates-late-reorder", test_duplicates_late_reorder);
    g_test_add_func("/media/audio-jitter/restart", test_restart);
    g_test_add_func("/media/audio-jitter/shrinks-after-spike", test_shrinks_after_spike);
    return g_test_run();
}
