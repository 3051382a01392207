/*
 * Frame log aggregation against hand-computed tables: RTT percentiles by the
 * nearest-rank method, RFC 6298 SRTT/RTTVAR, RFC 3550 jitter, one-way delay
 * through a clock offset, goodput, fps, loss, the playout deadline, the
 * viewer's end-to-end delay, per-second intervals, refused events, and both
 * channels giving the same figures for the same events.
 */
#include <math.h>
#include <string.h>

#include "src/run/framelog.h"
#include "src/report/framelog_report.h"

#define T0        G_GINT64_CONSTANT(1700000000000000) /* run start, local clock, us */
#define RELAY_OFF G_GINT64_CONSTANT(500000)           /* relay clock = local + 0.5 s */

/*
 * Five frames, 33 ms apart. RTTs 2, 1, 5, 3, 4 ms; one-way delays 0.5,
 * 0.25, 2, 1, 1.5 ms; bytes so that 1 875 000 are acknowledged in all.
 */
typedef struct {
    guint64 seq;
    guint64 bytes;
    gint64 capture; /* us after T0 */
    gint64 send;
    gint64 one_way; /* us */
    gint64 rtt;     /* us */
} SentFrame;

static const SentFrame sent_frames[] = {
    {1, 125000, 0, 1000, 500, 2000},         {2, 250000, 33000, 34000, 250, 1000},
    {3, 375000, 66000, 67000, 2000, 5000},   {4, 500000, 100000, 101000, 1000, 3000},
    {5, 625000, 133000, 134000, 1500, 4000},
};

/* A sender log with channels enabled by mask, starting at T0. */
static LcFramelog *make_sender_log(guint mask)
{
    LcFramelogRun run = {.source = "test", .width = 640, .height = 480, .channels = mask};
    LcFramelog *log = framelog_new(FRAMELOG_ROLE_SENDER, &run, T0);

    framelog_set_relay_offset(log, RELAY_OFF);
    return log;
}

/* Sends and acknowledges sent_frames[first..last] on channel. */
static void feed_frames(LcFramelog *log, LcChanKind channel, guint first, guint last)
{
    for (guint i = first; i <= last; i++) {
        const SentFrame *f = &sent_frames[i];
        gint64 relay_first = T0 + f->send + f->one_way + RELAY_OFF;

        g_assert_true(
            framelog_add_sent(log, channel, f->seq, f->bytes, T0 + f->capture, T0 + f->send));
        /* The last byte lags by a varying amount: jitter and one-way use the first. */
        g_assert_true(framelog_add_relay_ack(log, channel, f->seq, relay_first,
                                             relay_first + 700 * (gint64)f->seq,
                                             T0 + f->send + f->rtt));
    }
}

/* Adds frame 6 (sent, lost) and frame 7 (dropped before sending) on channel. */
static void feed_lost_and_dropped(LcFramelog *log, LcChanKind channel)
{
    g_assert_true(framelog_add_sent(log, channel, 6, 100000, T0 + 166000, T0 + 167000));
    g_assert_true(framelog_add_lost(log, channel, 6));
    g_assert_true(framelog_add_dropped(log, channel, 7, 90000, T0 + 200000, FRAMELOG_DROP_QUEUE));
}

/* Summary of channel at now. */
static LcChannelSummary summarize(LcFramelog *log, LcChanKind channel, gint64 now)
{
    LcChannelSummary summary;

    chanstats_get_summary(framelog_get_channel_stats(log, channel), now, &summary);
    return summary;
}

/* RTT {2,1,5,3,4} ms: min 1, mean 3, p50 = rank 3 -> 3, p95 = rank 5 -> 5, p99 -> 5, max 5. */
static void test_rtt_percentiles(void)
{
    g_autoptr(LcFramelog) log = make_sender_log(0);

    feed_frames(log, LC_CHAN_TCP, 0, 4);
    LcChannelSummary s = summarize(log, LC_CHAN_TCP, T0 + 2000000);
    g_assert_cmpuint(s.rtt.count, ==, 5);
    g_assert_cmpfloat(s.rtt.min, ==, 1.0);
    g_assert_cmpfloat(s.rtt.mean, ==, 3.0);
    g_assert_cmpfloat(s.rtt.p50, ==, 3.0);
    g_assert_cmpfloat(s.rtt.p95, ==, 5.0);
    g_assert_cmpfloat(s.rtt.p99, ==, 5.0);
    g_assert_cmpfloat(s.rtt.max, ==, 5.0);
    /* Transfer rates, bytes / RTT: 62.5, 250, 75, 166.67, 156.25 MB/s. */
    g_assert_cmpuint(s.transfer.count, ==, 5);
    g_assert_cmpfloat(s.transfer.min, ==, 62.5);
    g_assert_cmpfloat(s.transfer.p50, ==, 156.25);
    g_assert_cmpfloat(s.transfer.max, ==, 250.0);
    g_assert_cmpfloat(framelog_lookup(log, LC_CHAN_TCP, 1)->transfer_mb_s, ==, 62.5);
}

/*
 * Twenty RTTs, 1..20 ms in scrambled order: p50 = rank 10 -> 10, p95 = rank
 * 19 -> 19, p99 = rank ceil(19.8) = 20 -> 20, mean 10.5.
 */
static void test_rtt_percentiles_twenty(void)
{
    g_autoptr(LcFramelog) log = make_sender_log(0);

    for (guint64 seq = 1; seq <= 20; seq++) {
        gint64 rtt_ms = (gint64)((seq * 7) % 20) + 1; /* 7 is coprime to 20: a permutation */
        gint64 send = T0 + (gint64)seq * 33000;
        g_assert_true(framelog_add_sent(log, LC_CHAN_UDP, seq, 100, send, send));
        g_assert_true(
            framelog_add_relay_ack(log, LC_CHAN_UDP, seq, send, send, send + rtt_ms * 1000));
    }
    LcChannelSummary s = summarize(log, LC_CHAN_UDP, T0 + 1000000);
    g_assert_cmpuint(s.rtt.count, ==, 20);
    g_assert_cmpfloat(s.rtt.min, ==, 1.0);
    g_assert_cmpfloat(s.rtt.p50, ==, 10.0);
    g_assert_cmpfloat(s.rtt.p95, ==, 19.0);
    g_assert_cmpfloat(s.rtt.p99, ==, 20.0);
    g_assert_cmpfloat(s.rtt.max, ==, 20.0);
    g_assert_cmpfloat_with_epsilon(s.rtt.mean, 10.5, 1e-12); /* Welford: rounding */
}

/*
 * RFC 6298 over 2, 1, 5, 3, 4 ms:
 *   SRTT 2 -> 1.875 -> 2.265625 -> 2.357421875 -> 2.562744140625
 *   RTTVAR 1 -> 1 -> 1.53125 -> 1.33203125 -> 1.40966796875
 */
static void test_srtt(void)
{
    g_autoptr(LcFramelog) log = make_sender_log(0);

    feed_frames(log, LC_CHAN_TCP, 0, 4);
    LcChannelSummary s = summarize(log, LC_CHAN_TCP, T0 + 2000000);
    g_assert_cmpfloat_with_epsilon(s.srtt_ms, 2.562744140625, 1e-12);
    g_assert_cmpfloat_with_epsilon(s.rttvar_ms, 1.40966796875, 1e-12);
}

/*
 * RFC 3550 jitter over transits 500.5 s + {0.5, 0.25, 2, 1, 1.5} ms: the
 * offset cancels; D = 250, 1750, 1000, 500 us; J = J + (D - J)/16 gives
 * 15.625, 124.0234375, 178.77197265625, 198.848724365234375 us.
 */
static void test_jitter(void)
{
    g_autoptr(LcFramelog) log = make_sender_log(0);

    feed_frames(log, LC_CHAN_TCP, 0, 4);
    LcChannelSummary s = summarize(log, LC_CHAN_TCP, T0 + 2000000);
    g_assert_cmpfloat_with_epsilon(s.jitter_ms, 0.198848724365234375, 1e-12);
}

/* One-way delay takes the relay's time onto the local clock: {0.25,0.5,1,1.5,2} -> p50 1, p95 2. */
static void test_one_way_offset(void)
{
    g_autoptr(LcFramelog) log = make_sender_log(0);

    feed_frames(log, LC_CHAN_TCP, 0, 4);
    LcChannelSummary s = summarize(log, LC_CHAN_TCP, T0 + 2000000);
    g_assert_cmpuint(s.one_way.count, ==, 5);
    g_assert_cmpfloat(s.one_way.p50, ==, 1.0);
    g_assert_cmpfloat(s.one_way.p95, ==, 2.0);
    g_assert_cmpfloat(s.one_way.p99, ==, 2.0);

    const LcFrameRecord *r = framelog_lookup(log, LC_CHAN_TCP, 2);
    g_assert_nonnull(r);
    g_assert_cmpfloat(r->one_way_ms, ==, 0.25);
    g_assert_cmpfloat(r->rtt_ms, ==, 1.0);
    g_assert_cmpint(r->relay_first_us, ==, T0 + 34000 + 250 + RELAY_OFF);
    g_assert_cmpint(r->relay_last_us, ==, r->relay_first_us + 1400);

    /* Without the offset the same relay times would read 500 s too late. */
    g_autoptr(LcFramelog) raw = make_sender_log(0);
    framelog_set_relay_offset(raw, 0);
    feed_frames(raw, LC_CHAN_TCP, 1, 1);
    g_assert_cmpfloat(framelog_lookup(raw, LC_CHAN_TCP, 2)->one_way_ms, ==, 500.25);
}

/*
 * Over 2 s: 1 875 000 bytes acknowledged -> 7.5 Mbit/s; 5 frames -> 2.5 fps;
 * 6 sent, 5 acked, 1 lost, 1 dropped; loss 1/6.
 */
static void test_goodput_fps_loss(void)
{
    g_autoptr(LcFramelog) log = make_sender_log(0);

    feed_frames(log, LC_CHAN_TCP, 0, 4);
    feed_lost_and_dropped(log, LC_CHAN_TCP);
    LcChannelSummary s = summarize(log, LC_CHAN_TCP, T0 + 2000000);
    g_assert_cmpuint(s.sent.counts.frames_sent, ==, 6);
    g_assert_cmpuint(s.sent.counts.frames_acked, ==, 5);
    g_assert_cmpuint(s.sent.counts.frames_lost, ==, 1);
    g_assert_cmpuint(s.sent.counts.frames_dropped, ==, 1);
    g_assert_cmpuint(s.sent.counts.bytes_acked, ==, 1875000);
    g_assert_cmpuint(s.sent.counts.bytes_sent, ==, 1975000);
    g_assert_cmpfloat(s.sent.goodput_mbps, ==, 7.5);
    g_assert_cmpfloat(s.sent.fps_acked, ==, 2.5);
    g_assert_cmpfloat_with_epsilon(s.sent.loss_fraction, 1.0 / 6.0, 1e-12);

    const LcFrameRecord *lost = framelog_lookup(log, LC_CHAN_TCP, 6);
    const LcFrameRecord *dropped = framelog_lookup(log, LC_CHAN_TCP, 7);
    g_assert_true(lost->lost && !lost->dropped && isnan(lost->rtt_ms));
    g_assert_true(dropped->dropped && !dropped->lost);
    g_assert_false(frame_record_time_is_set(dropped->send_us));
}

/*
 * Viewer ACKs 50, 200 and 250 ms after capture: 200 is on time (the deadline
 * itself), 250 is late; with one lost and one dropped frame, 3 missed.
 */
static void test_sender_deadline(void)
{
    g_autoptr(LcFramelog) log = make_sender_log(0);
    static const gint64 after_capture[] = {50000, 200000, 250000};

    feed_frames(log, LC_CHAN_TCP, 0, 4);
    feed_lost_and_dropped(log, LC_CHAN_TCP);
    for (guint i = 0; i < G_N_ELEMENTS(after_capture); i++)
        g_assert_true(framelog_add_viewer_ack(log, LC_CHAN_TCP, sent_frames[i].seq,
                                              T0 + sent_frames[i].capture + after_capture[i]));
    /* A second viewer, faster, on frame 3: counted, but the record keeps the slowest. */
    g_assert_true(framelog_add_viewer_ack(log, LC_CHAN_TCP, 3, T0 + 66000 + 10000));

    LcChannelSummary s = summarize(log, LC_CHAN_TCP, T0 + 2000000);
    g_assert_cmpuint(s.viewer_acks, ==, 4);
    g_assert_cmpuint(s.deadline.on_time, ==, 3);
    g_assert_cmpuint(s.deadline.late, ==, 1);
    g_assert_cmpuint(s.deadline.missing, ==, 2);
    g_assert_cmpuint(s.deadline_missed, ==, 3);
    /* to_viewer {10, 50, 200, 250}: p50 = rank 2 -> 50, p95 = rank 4 -> 250. */
    g_assert_cmpfloat(s.to_viewer.p50, ==, 50.0);
    g_assert_cmpfloat(s.to_viewer.p95, ==, 250.0);
    g_assert_cmpfloat(framelog_lookup(log, LC_CHAN_TCP, 3)->end_to_end_ms, ==, 250.0);
}

/*
 * A viewer whose sender's clock is 1 s ahead: frames 1, 2, 5 decoded 40, 60
 * and 250 ms after capture; frame 4 corrupt; frame 3 never arrives.
 * End to end {40, 60, 250}: p50 60, p95 250. Missed: 250 late, plus 3 and 4.
 */
static void test_viewer_end_to_end(void)
{
    static const struct {
        guint64 seq;
        gint64 e2e; /* us; 0: corrupt */
    } frames[] = {{1, 40000}, {2, 60000}, {4, 0}, {5, 250000}};
    const gint64 sender_off = 1000000;
    LcFramelogRun run = {.source = "test", .width = 640, .height = 480};
    g_autoptr(LcFramelog) log = framelog_new(FRAMELOG_ROLE_VIEWER, &run, T0);

    framelog_set_sender_offset(log, sender_off);
    for (guint i = 0; i < G_N_ELEMENTS(frames); i++) {
        gint64 capture_local = T0 + (gint64)frames[i].seq * 33000;
        gint64 capture_sender = capture_local + sender_off;
        g_assert_true(framelog_add_received(log, LC_CHAN_UDP, frames[i].seq, 1000, capture_sender,
                                            capture_local + 5000));
        if (frames[i].e2e == 0)
            g_assert_true(framelog_add_corrupt(log, LC_CHAN_UDP, frames[i].seq));
        else
            g_assert_true(framelog_add_decoded(log, LC_CHAN_UDP, frames[i].seq,
                                               capture_local + frames[i].e2e, 1500));
    }
    LcChannelSummary s = summarize(log, LC_CHAN_UDP, T0 + 1000000);
    g_assert_cmpuint(s.received.counts.frames_acked, ==, 4);
    g_assert_cmpuint(s.received.counts.bytes_acked, ==, 4000);
    g_assert_cmpuint(s.frames_decoded, ==, 3);
    g_assert_cmpuint(s.frames_corrupt, ==, 1);
    g_assert_cmpuint(s.frames_missing, ==, 1);
    g_assert_cmpfloat(s.end_to_end.p50, ==, 60.0);
    g_assert_cmpfloat(s.end_to_end.p95, ==, 250.0);
    g_assert_cmpfloat(s.end_to_end.p99, ==, 250.0);
    g_assert_cmpfloat(s.decode.p50, ==, 1.5);
    g_assert_cmpuint(s.deadline.late, ==, 1);
    g_assert_cmpuint(s.deadline_missed, ==, 3);
    g_assert_cmpfloat(framelog_lookup(log, LC_CHAN_UDP, 2)->end_to_end_ms, ==, 60.0);
    g_assert_true(framelog_lookup(log, LC_CHAN_UDP, 4)->corrupt);
    g_assert_null(framelog_lookup(log, LC_CHAN_UDP, 3));
    /* The TCP channel saw nothing. */
    LcChannelSummary tcp = summarize(log, LC_CHAN_TCP, T0 + 1000000);
    g_assert_cmpuint(tcp.frames_decoded, ==, 0);
    g_assert_true(isnan(tcp.end_to_end.p50));
}

/*
 * Frames 1-3 acknowledged in the first second, 4-5 in the second: 3 fps,
 * 6 Mbit/s, rtt p50/p99 2/5 ms; then 2 fps, 9 Mbit/s, 3/4 ms.
 */
static void test_intervals(void)
{
    g_autoptr(LcFramelog) log = make_sender_log(0);
    LcChannelInterval out[LC_CHAN_KINDS];

    feed_frames(log, LC_CHAN_TCP, 0, 2);
    g_assert_cmpuint(framelog_close_interval(log, T0 + 1000000, out), ==, LC_CHAN_KINDS);
    g_assert_cmpint(out[0].channel, ==, LC_CHAN_TCP);
    g_assert_cmpint(out[1].channel, ==, LC_CHAN_UDP);
    g_assert_cmpuint(out[0].sent.counts.frames_acked, ==, 3);
    g_assert_cmpfloat(out[0].sent.fps_acked, ==, 3.0);
    g_assert_cmpfloat(out[0].sent.goodput_mbps, ==, 6.0);
    g_assert_cmpfloat(out[0].rtt_p50_ms, ==, 2.0);
    g_assert_cmpfloat(out[0].rtt_p99_ms, ==, 5.0);
    /* Transfer rates 62.5, 250 and 75 MB/s (bytes / RTT us): p50 75. */
    g_assert_cmpfloat(out[0].transfer_p50_mb_s, ==, 75.0);
    g_autofree char *line = framelog_format_interval_text(log, &out[0]);
    g_assert_cmpstr(line, ==,
                    "tcp: 3 fps 6.0 Mbit/s rtt p50/p99 2.0/5.0 ms xfer p50 75.0 MB/s lost 0 "
                    "dropped 0");
    g_autofree char *idle = framelog_format_interval_text(log, &out[1]);
    g_assert_cmpstr(idle, ==,
                    "udp: 0 fps 0.0 Mbit/s rtt p50/p99 -/- ms xfer p50 - MB/s lost 0 dropped 0");

    feed_frames(log, LC_CHAN_TCP, 3, 4);
    feed_lost_and_dropped(log, LC_CHAN_TCP);
    g_assert_cmpuint(framelog_close_interval(log, T0 + 2000000, out), ==, LC_CHAN_KINDS);
    g_autofree char *second = framelog_format_interval_text(log, &out[0]);
    g_assert_cmpstr(second, ==,
                    "tcp: 2 fps 9.0 Mbit/s rtt p50/p99 3.0/4.0 ms xfer p50 156.2 MB/s lost 1 "
                    "dropped 1");
}

/* Events that do not fit a record are refused and change nothing. */
static void test_refused_events(void)
{
    g_autoptr(LcFramelog) log = make_sender_log(1u << LC_CHAN_TCP);

    feed_frames(log, LC_CHAN_TCP, 0, 0);
    g_assert_false(framelog_has_channel(log, LC_CHAN_UDP));
    g_assert_null(framelog_get_channel_stats(log, LC_CHAN_UDP));
    g_assert_false(framelog_add_sent(log, LC_CHAN_UDP, 1, 10, T0, T0));          /* disabled */
    g_assert_false(framelog_add_sent(log, LC_CHAN_TCP, 1, 10, T0, T0));          /* repeated */
    g_assert_false(framelog_add_relay_ack(log, LC_CHAN_TCP, 1, T0, T0, T0 + 9)); /* again */
    g_assert_false(framelog_add_relay_ack(log, LC_CHAN_TCP, 99, T0, T0, T0));    /* unknown */
    g_assert_false(framelog_add_lost(log, LC_CHAN_TCP, 1));                      /* already acked */
    g_assert_false(framelog_add_dropped(log, LC_CHAN_TCP, 1, 0, T0, FRAMELOG_DROP_QUEUE));
    g_assert_false(framelog_add_decoded(log, LC_CHAN_TCP, 42, T0, 0));
    g_assert_true(framelog_add_sent(log, LC_CHAN_TCP, 2, 10, T0, T0));
    g_assert_true(framelog_add_lost(log, LC_CHAN_TCP, 2));
    g_assert_false(framelog_add_relay_ack(log, LC_CHAN_TCP, 2, T0, T0, T0)); /* after loss */

    LcChannelSummary s = summarize(log, LC_CHAN_TCP, T0 + 1000000);
    g_assert_cmpuint(s.sent.counts.frames_sent, ==, 2);
    g_assert_cmpuint(s.sent.counts.frames_acked, ==, 1);
    g_assert_cmpuint(s.sent.counts.frames_lost, ==, 1);
    g_assert_cmpuint(s.sent.counts.frames_dropped, ==, 0);
    g_assert_cmpuint(s.rtt.count, ==, 1);
    g_assert_cmpfloat(framelog_lookup(log, LC_CHAN_TCP, 1)->rtt_ms, ==, 2.0);
}

/* The same events on every channel give the same figures: channels are data. */
static void test_channels_alike(void)
{
    g_autoptr(LcFramelog) log = make_sender_log(0);
    LcChannelSummary s[LC_CHAN_KINDS];

    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++) {
        feed_frames(log, ch, 0, 4);
        feed_lost_and_dropped(log, ch);
        s[ch] = summarize(log, ch, T0 + 2000000);
    }
    for (guint ch = 1; ch < LC_CHAN_KINDS; ch++) {
        g_assert_cmpmem(&s[ch].sent.counts, sizeof(LcStatsCounts), &s[0].sent.counts,
                        sizeof(LcStatsCounts));
        g_assert_cmpfloat(s[ch].rtt.p95, ==, s[0].rtt.p95);
        g_assert_cmpfloat(s[ch].jitter_ms, ==, s[0].jitter_ms);
        g_assert_cmpfloat(s[ch].one_way.p50, ==, s[0].one_way.p50);
        g_assert_cmpuint(s[ch].deadline_missed, ==, s[0].deadline_missed);
    }
}

/*
 * A viewer's deadline counts each frame once: of frames 1..6, 1 and 2 are
 * decoded on time, 3 and 4 arrive and are skipped by a decoder that fell
 * behind, 5 never arrives (its loss has no record to count in) and 6
 * arrives and is decoded late: 3 missing, 1 late, 4 missed of 6, never
 * more than the frames there are.
 * The skipped ones are a shortfall, in words.
 */
static void test_viewer_deadline_once(void)
{
    LcFramelogRun run = {.source = "test"};
    g_autoptr(LcFramelog) log = framelog_new(FRAMELOG_ROLE_VIEWER, &run, T0);
    for (guint64 seq = 1; seq <= 6; seq++) {
        if (seq == 5) {
            /* Never arrived: a loss a viewer has no record of. */
            g_assert_false(framelog_add_lost(log, LC_CHAN_UDP, 5));
            continue;
        }
        gint64 capture = T0 + (gint64)seq * 33000;
        g_assert_true(framelog_add_received(log, LC_CHAN_UDP, seq, 1000, capture, capture + 5000));
        if (seq <= 2 || seq == 6)
            g_assert_true(framelog_add_decoded(log, LC_CHAN_UDP, seq,
                                               capture + (seq == 6 ? 300000 : 20000), 2000));
    }
    LcChannelSummary s = summarize(log, LC_CHAN_UDP, T0 + 1000000);
    g_assert_cmpuint(s.deadline.missing, ==, 3);
    g_assert_cmpuint(s.deadline.late, ==, 1);
    g_assert_cmpuint(s.deadline_missed, ==, 4);
    g_assert_cmpuint(s.frames_missing, ==, 1);
    g_autoptr(GPtrArray) lines = framelog_get_shortfalls(log);
    g_assert_cmpuint(lines->len, ==, 1);
    g_assert_true(g_str_has_prefix(lines->pdata[0], "udp: the viewer decoded 3 of the 5 frames it "
                                                    "received: its decoder fell behind (decoding "
                                                    "takes 2.0 ms a frame, p50) and skipped 2"));
}

/* H.264 frames that lost their reference are a shortfall of their own,
 * in words, with the keyframes asked for and the time frozen; the decoder
 * did not fall behind, so no line says it did. */
static void test_viewer_unreferenced_shortfall(void)
{
    LcFramelogRun run = {.source = "test"};
    g_autoptr(LcFramelog) log = framelog_new(FRAMELOG_ROLE_VIEWER, &run, T0);
    for (guint64 seq = 1; seq <= 6; seq++) {
        gint64 capture = T0 + (gint64)seq * 33000;
        g_assert_true(framelog_add_received(log, LC_CHAN_UDP, seq, 1000, capture, capture + 5000));
        if (seq == 1 || seq == 6) {
            g_assert_true(framelog_add_decoded(log, LC_CHAN_UDP, seq, capture + 9000, 2000));
            continue;
        }
        framelog_note_unreferenced(log, LC_CHAN_UDP);
        framelog_add_corrupt(log, LC_CHAN_UDP, seq);
    }
    framelog_note_keyframe_request(log, LC_CHAN_UDP);
    framelog_note_keyframe_request(log, LC_CHAN_UDP);
    framelog_note_frozen(log, LC_CHAN_UDP, 165000);
    g_autoptr(GPtrArray) lines = framelog_get_shortfalls(log);
    g_assert_cmpuint(lines->len, ==, 1);
    g_assert_cmpstr(lines->pdata[0], ==,
                    "udp: 4 H.264 frames could not be decoded: a frame before them was lost, and "
                    "the channel waited for a keyframe (asked for 2 times; no new picture for "
                    "0.2 s in all)");
}

/* A channel not open before its first frame went is setting up; one not
 * open after it had sent was closed (the relay away): each shortfall says
 * which, and the summary counts them apart. */
static void test_drops_closed(void)
{
    LcFramelogRun run = {.source = "test", .fps = 30};
    g_autoptr(LcFramelog) log = framelog_new(FRAMELOG_ROLE_SENDER, &run, T0);
    g_assert_true(framelog_add_dropped(log, LC_CHAN_TCP, 1, 100, T0, FRAMELOG_DROP_NOT_READY));
    g_assert_true(framelog_add_sent(log, LC_CHAN_TCP, 2, 100, T0, T0 + 1000));
    for (guint64 seq = 3; seq <= 5; seq++)
        g_assert_true(framelog_add_dropped(log, LC_CHAN_TCP, seq, 100, T0 + (gint64)seq * 33000,
                                           FRAMELOG_DROP_NOT_READY));
    g_autoptr(GPtrArray) lines = framelog_get_shortfalls(log);
    gboolean setting_up = FALSE, closed = FALSE;
    for (guint i = 0; i < lines->len; i++) {
        setting_up |= g_str_has_prefix(lines->pdata[i], "tcp: 1 frame dropped before sending: "
                                                        "the channel was not open yet");
        closed |= g_str_has_prefix(lines->pdata[i], "tcp: 3 frames dropped before sending: the "
                                                    "channel had been open and was closed");
    }
    g_assert_true(setting_up);
    g_assert_true(closed);
}

/* With a record limit, only the newest records stay (per channel), while
 * the aggregates count every frame; a frame whose record went is no longer
 * matched, and one still kept is. */
static void test_record_limit(void)
{
    LcFramelogRun run = {.source = "test"};
    g_autoptr(LcFramelog) log = framelog_new(FRAMELOG_ROLE_VIEWER, &run, T0);
    framelog_set_record_limit(log, 10);
    for (guint64 seq = 1; seq <= 25; seq++) {
        gint64 capture = T0 + (gint64)seq * 10000;
        g_assert_true(framelog_add_received(log, LC_CHAN_UDP, seq, 40, capture, capture + 5000));
        g_assert_true(framelog_add_received(log, LC_CHAN_TCP, seq, 40, capture, capture + 6000));
    }
    g_autoptr(GPtrArray) records = framelog_get_records(log);
    g_assert_cmpuint(records->len, ==, 20);
    g_assert_null(framelog_lookup(log, LC_CHAN_UDP, 15));
    g_assert_nonnull(framelog_lookup(log, LC_CHAN_UDP, 16));
    g_assert_false(framelog_add_decoded(log, LC_CHAN_UDP, 3, T0 + 100000, 0));
    g_assert_true(framelog_add_decoded(log, LC_CHAN_UDP, 20, T0 + 300000, 0));
    LcChannelSummary s = summarize(log, LC_CHAN_UDP, T0 + 1000000);
    g_assert_cmpuint(s.received.counts.frames_acked, ==, 25);
    g_assert_cmpuint(s.frames_decoded, ==, 1);
}

/* A sender log asking for fps at 7680x4320. */
static LcFramelog *make_asking_log(gint fps)
{
    LcFramelogRun run = {.source = "test", .width = 7680, .height = 4320, .fps = fps};
    return framelog_new(FRAMELOG_ROLE_SENDER, &run, T0);
}

/*
 * Shortfalls say why: 5 fps of 30 with 190 ms encodes blames the encoder;
 * 20 fps of 30 with 5 ms encodes blames the source or the CPU; 29 of 30 is
 * no shortfall; each drop reason gets its sentence and its count in the
 * summary; a run that kept up says nothing.
 */
static void test_shortfalls(void)
{
    g_autoptr(LcFramelog) slow = make_asking_log(30);
    for (guint i = 0; i < 11; i++)
        framelog_add_captured(slow, T0 + i * 200000, 190000);
    g_assert_cmpfloat(fabs(framelog_get_captured_fps(slow) - 5.0), <, 1e-9);
    g_assert_true(framelog_add_dropped(slow, LC_CHAN_TCP, 1, 100, T0, FRAMELOG_DROP_NOT_READY));
    g_assert_true(framelog_add_dropped(slow, LC_CHAN_UDP, 1, 100, T0, FRAMELOG_DROP_NOT_READY));
    g_assert_true(framelog_add_dropped(slow, LC_CHAN_UDP, 2, 100, T0, FRAMELOG_DROP_QUEUE));
    g_assert_true(framelog_add_dropped(slow, LC_CHAN_UDP, 3, 100, T0, FRAMELOG_DROP_QUEUE));
    g_autoptr(GPtrArray) lines = framelog_get_shortfalls(slow);
    g_assert_cmpuint(lines->len, ==, 4);
    g_assert_cmpstr(lines->pdata[0], ==,
                    "the encoder kept up with 5.0 of the 30 fps asked: encoding a 7680x4320 "
                    "frame takes 190.0 ms (p50), more than the 33.3 ms a frame may take at 30 "
                    "fps");
    g_assert_cmpstr(lines->pdata[1], ==,
                    "tcp: 1 frame dropped before sending: the channel was not open yet (a "
                    "camera's first frames can come before its channels are)");
    g_assert_true(g_str_has_prefix(lines->pdata[3], "udp: 2 frames dropped before sending: its "
                                                    "send queue was full"));
    g_autofree char *json = framelog_format_summary(slow, T0 + 3000000);
    g_assert_nonnull(strstr(json, "\"dropped_queue\" : 2"));
    g_assert_nonnull(strstr(json, "\"fps_captured\" : 5"));
    g_assert_nonnull(strstr(json, "the encoder kept up with 5.0"));

    g_autoptr(LcFramelog) cpu = make_asking_log(30);
    for (guint i = 0; i < 21; i++)
        framelog_add_captured(cpu, T0 + i * 50000, 5000);
    g_autoptr(GPtrArray) cpu_lines = framelog_get_shortfalls(cpu);
    g_assert_cmpuint(cpu_lines->len, ==, 1);
    g_assert_true(g_str_has_prefix(cpu_lines->pdata[0], "the source delivered 20.0 of the 30 "
                                                        "fps asked; encoding takes 5.0 ms"));

    g_autoptr(LcFramelog) fine = make_asking_log(30);
    for (guint i = 0; i < 30; i++)
        framelog_add_captured(fine, T0 + i * 34483, 5000); /* 29 fps */
    g_autoptr(GPtrArray) none = framelog_get_shortfalls(fine);
    g_assert_cmpuint(none->len, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/app/framelog/rtt-percentiles", test_rtt_percentiles);
    g_test_add_func("/app/framelog/rtt-percentiles-twenty", test_rtt_percentiles_twenty);
    g_test_add_func("/app/framelog/srtt", test_srtt);
    g_test_add_func("/app/framelog/record-limit", test_record_limit);
    g_test_add_func("/app/framelog/jitter", test_jitter);
    g_test_add_func("/app/framelog/one-way-offset", test_one_way_offset);
    g_test_add_func("/app/framelog/goodput-fps-loss", test_goodput_fps_loss);
    g_test_add_func("/app/framelog/sender-deadline", test_sender_deadline);
    g_test_add_func("/app/framelog/viewer-end-to-end", test_viewer_end_to_end);
    g_test_add_func("/app/framelog/intervals", test_intervals);
    g_test_add_func("/app/framelog/refused-events", test_refused_events);
    g_test_add_func("/app/framelog/channels-alike", test_channels_alike);
    g_test_add_func("/app/framelog/shortfalls", test_shortfalls);
    g_test_add_func("/app/framelog/viewer-deadline-once", test_viewer_deadline_once);
    g_test_add_func("/app/framelog/drops-closed", test_drops_closed);
    g_test_add_func("/app/framelog/viewer-unreferenced-shortfall",
                    test_viewer_unreferenced_shortfall);
    return g_test_run();
}
