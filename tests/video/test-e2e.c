/* test-e2e.c: a sender and a viewer through the real relay on loopback, on
 * both channels at once, through the public API (net/client/stream_sender.h,
 * net/client/stream_viewer.h): every TCP frame acknowledged by the relay and by the
 * viewer, nearly every UDP frame, intact bytes, sane times; stop-and-wait
 * keeps one frame in flight per channel; the channel choice is honoured. */
#include "tests/video/video-harness.h"

#include "net/client/stream_sender.h"
#include "net/client/stream_viewer.h"

#include <string.h>

#define FRAME_BYTES 12000 /* ten datagrams; under an audio stream's largest frame too */

/* What one channel saw, at both ends. */
typedef struct {
    guint sent;
    guint relay_acks;
    guint viewer_acks;
    guint dropped;
    guint lost;
    guint received;
    guint corrupt;
    guint max_outstanding;
    guint64 last_received;
    gboolean out_of_order;
    gboolean insane_times;
} ChanTally;

typedef struct {
    LcStreamSender *sender;
    LcStreamViewer *viewer;
    ChanTally tally[LC_CHAN_KINDS];
    guint sender_ready;
    guint viewer_ready;
    guint ended;          /* VIEW_END events at the viewer */
    gint64 capture[4096]; /* capture time by seq */
} E2e;

/* A frame's bytes: tell seq and position apart. */
static GBytes *make_frame(guint64 seq)
{
    guint8 *bytes = g_malloc(FRAME_BYTES);
    for (guint i = 0; i < FRAME_BYTES; i++)
        bytes[i] = (guint8)(seq * 13 + i * 7 + (i >> 9));
    return g_bytes_new_take(bytes, FRAME_BYTES);
}

/* Whether bytes are frame seq's. */
static gboolean frame_is_intact(GBytes *data, guint64 seq)
{
    g_autoptr(GBytes) want = make_frame(seq);
    return g_bytes_equal(data, want);
}

/* Notes a sender's channel open. */
static void on_sender_ready(LcStreamSender *s, LcChanKind channel, gpointer data)
{
    ((E2e *)data)->sender_ready |= LC_CHAN_BIT(channel);
}

/* Sent: stop-and-wait never has more than one frame in flight; the event
 * carries the frame's size and its capture time as submitted. */
static void on_sent(LcStreamSender *s, const LcStreamFrameEvent *ev, gpointer data)
{
    E2e *e = data;
    LcStreamSenderStats stats;
    g_assert_true(stream_sender_get_stats(s, ev->channel, &stats));
    e->tally[ev->channel].sent++;
    e->tally[ev->channel].max_outstanding =
        MAX(e->tally[ev->channel].max_outstanding, stats.outstanding);
    g_assert_cmpuint(ev->bytes, ==, FRAME_BYTES);
    g_assert_cmpint(ev->capture_us, ==, e->capture[ev->seq % G_N_ELEMENTS(e->capture)]);
    g_assert_cmpint(ev->send_us, >=, ev->capture_us);
}

/* The relay's ACK: times in order and within the exchange. */
static void on_relay_ack(LcStreamSender *s, const LcStreamRelayAck *ack, gpointer data)
{
    E2e *e = data;
    ChanTally *t = &e->tally[ack->channel];
    t->relay_acks++;
    gint64 first = stream_sender_relay_to_local_us(s, ack->relay_first_us);
    gint64 last = stream_sender_relay_to_local_us(s, ack->relay_last_us);
    /* One host: the clocks agree within the offset estimate's error (well
     * under the 100 ms allowed). */
    if (ack->rtt_us < 0 || ack->relay_first_us > ack->relay_last_us ||
        first < ack->send_us - 100000 || last > ack->arrival_us + 100000)
        t->insane_times = TRUE;
}

/* A viewer's ACK, passed back by the relay. */
static void on_viewer_ack(LcStreamSender *s, const LcStreamViewerAck *ack, gpointer data)
{
    E2e *e = data;
    ChanTally *t = &e->tally[ack->channel];
    t->viewer_acks++;
    gint64 last = stream_sender_viewer_to_local_us(s, ack->viewer_last_us, ack->viewer_offset_us);
    if (ack->viewer_id == 0 || ack->send_us == 0 || last < ack->send_us - 100000 ||
        last > ack->arrival_us + 100000)
        t->insane_times = TRUE;
}

/* Counts a dropped or lost frame; it too carries its size and capture time. */
static void on_dropped(LcStreamSender *s, const LcStreamFrameEvent *ev, gpointer data)
{
    E2e *e = data;
    if (ev->reason == LC_CHAN_DROP_LOST)
        e->tally[ev->channel].lost++;
    else
        e->tally[ev->channel].dropped++;
    g_assert_cmpuint(ev->bytes, ==, FRAME_BYTES);
    g_assert_cmpint(ev->capture_us, ==, e->capture[ev->seq % G_N_ELEMENTS(e->capture)]);
}

/* Notes a viewer's channel open. */
static void on_viewer_ready(LcStreamViewer *v, LcChanKind channel, gpointer data)
{
    ((E2e *)data)->viewer_ready |= LC_CHAN_BIT(channel);
}

/* A frame at the viewer: intact, in order per channel, the capture time
 * the sender gave it. */
static void on_frame(LcStreamViewer *v, const LcStreamFrame *ev, gpointer data)
{
    E2e *e = data;
    const LcFrame *frame = ev->frame;
    ChanTally *t = &e->tally[ev->channel];
    if (t->received > 0 && frame->meta.seq <= t->last_received)
        t->out_of_order = TRUE;
    t->received++;
    t->last_received = frame->meta.seq;
    if (!frame_is_intact(frame->data, frame->meta.seq) || frame->meta.codec != 3 ||
        frame->meta.flags != (frame->meta.seq % 30 == 0 ? 1 : 0) ||
        frame->meta.capture_us != e->capture[frame->meta.seq % G_N_ELEMENTS(e->capture)])
        t->corrupt++;
    if (ev->first_us > ev->last_us || frame->meta.send_us < frame->meta.capture_us)
        t->insane_times = TRUE;
}

static const LcStreamSenderEvents sender_events = {
    .ready = on_sender_ready,
    .sent = on_sent,
    .relay_ack = on_relay_ack,
    .viewer_ack = on_viewer_ack,
    .dropped = on_dropped,
};

/* Counts the ends of the viewed stream. */
static void on_viewer_ended(LcStreamViewer *v, const char *reason, gpointer data)
{
    ((E2e *)data)->ended++;
}

static const LcStreamViewerEvents viewer_events = {
    .ready = on_viewer_ready,
    .frame = on_frame,
    .ended = on_viewer_ended,
};

typedef struct {
    E2e *e;
    guint mask;
} ReadyWait;

/* Both ends have every channel of the mask open. */
static gboolean all_ready(gpointer data)
{
    ReadyWait *w = data;
    return (w->e->sender_ready & w->mask) == w->mask && (w->e->viewer_ready & w->mask) == w->mask;
}

/* Sends n frames, one every interval_ms, running the loop in between. */
static void send_frames(E2e *e, guint n, guint interval_ms)
{
    for (guint64 seq = 1; seq <= n; seq++) {
        g_autoptr(GBytes) data = make_frame(seq);
        gint64 capture = g_get_real_time();
        e->capture[seq % G_N_ELEMENTS(e->capture)] = capture;
        g_autoptr(GError) error = NULL;
        g_autoptr(LcFrame) frame = frame_new(data, (LcCodec)3);
        frame->meta.seq = seq;
        frame->meta.capture_us = capture;
        frame->meta.flags = seq % 30 == 0 ? 1 : 0;
        g_assert_true(stream_sender_send_frame(e->sender, frame, &error));
        g_assert_no_error(error);
        video_run_for(interval_ms);
    }
}

typedef struct {
    E2e *e;
    guint n;
} SettleWait;

/* Every TCP frame is acknowledged by the relay; every UDP frame is
 * acknowledged or given up on. */
static gboolean settled(gpointer data)
{
    SettleWait *w = data;
    ChanTally *tcp = &w->e->tally[LC_CHAN_TCP], *udp = &w->e->tally[LC_CHAN_UDP];
    return tcp->relay_acks == w->n && udp->relay_acks + udp->lost + udp->dropped >= w->n;
}

/* Starts a relay, a sender "cam" and a viewer of it, both channels open. */
static TestRelay *e2e_start(E2e *e, LcSession **cam, LcSession **eye,
                            const LcStreamSenderConfig *config, guint viewer_channels)
{
    TestRelay *relay = test_relay_start(NULL);
    guint16 port = test_relay_port(relay);
    *cam = video_session_join(port, "cam");
    *eye = video_session_join(port, "eye");
    LcStreamViewerConfig vconfig;
    stream_viewer_config_init(&vconfig);
    vconfig.channels = viewer_channels;
    e->viewer = stream_viewer_new(*eye, "cam", &vconfig, &viewer_events, e);
    e->sender = stream_sender_new(*cam, config, &sender_events, e);
    ReadyWait w = {e, config->channels & viewer_channels};
    g_assert_true(test_wait_until(all_ready, &w, 5000));
    return relay;
}

/* Frees the ends and the relay. */
static void e2e_stop(E2e *e, LcSession *cam, LcSession *eye, TestRelay *relay)
{
    stream_sender_free(e->sender);
    stream_viewer_free(e->viewer);
    session_free(cam);
    session_free(eye);
    test_relay_stop(relay);
}

/* 30 KB frames at 30 per second for 2.5 s on both channels. */
static void test_both_channels(void)
{
    E2e *e = g_new0(E2e, 1);
    LcSession *cam, *eye;
    LcStreamSenderConfig config;
    stream_sender_config_init(&config);
    TestRelay *relay = e2e_start(e, &cam, &eye, &config, config.channels);
    const guint n = 75;
    send_frames(e, n, 33);
    SettleWait w = {e, n};
    g_assert_true(test_wait_until(settled, &w, 5000));
    video_run_for(300); /* the viewer's last ACKs */

    ChanTally *tcp = &e->tally[LC_CHAN_TCP], *udp = &e->tally[LC_CHAN_UDP];
    for (guint k = 0; k < LC_CHAN_KINDS; k++)
        g_test_message("%s: sent %u, relay acks %u, viewer acks %u, received %u, lost %u, "
                       "dropped %u",
                       chan_kind_name(k), e->tally[k].sent, e->tally[k].relay_acks,
                       e->tally[k].viewer_acks, e->tally[k].received, e->tally[k].lost,
                       e->tally[k].dropped);
    g_assert_cmpuint(tcp->sent, ==, n);
    g_assert_cmpuint(tcp->relay_acks, ==, n);
    g_assert_cmpuint(tcp->lost, ==, 0);
    /* The viewer got every TCP frame the relay did not have to drop for it. */
    g_assert_cmpuint(tcp->received, ==, tcp->viewer_acks);
    g_assert_cmpuint(tcp->received, >=, n * 9 / 10);
    g_assert_false(tcp->out_of_order);
    g_assert_cmpuint(udp->sent, ==, n);
    g_assert_cmpuint(udp->relay_acks, >=, n * 9 / 10);
    g_assert_cmpuint(udp->received, >=, n * 9 / 10);
    g_assert_cmpuint(udp->viewer_acks, <=, udp->received);
    for (guint k = 0; k < LC_CHAN_KINDS; k++) {
        g_assert_cmpuint(e->tally[k].corrupt, ==, 0);
        g_assert_false(e->tally[k].insane_times);
    }

    LcStreamSenderStats stats;
    g_assert_true(stream_sender_get_stats(e->sender, LC_CHAN_TCP, &stats));
    g_assert_cmpuint(stats.relay_acks, ==, n);
    g_assert_cmpuint(stats.outstanding, ==, 0);
    g_assert_true(stats.chan.has_tcp_info);
    g_assert_cmpuint(stats.chan.tcp_info.rtt_us, >, 0);
    g_assert_true(stream_sender_get_stats(e->sender, LC_CHAN_UDP, &stats));
    g_assert_cmpuint(stats.chan.sndbuf, >, 0);
    g_assert_cmpuint(stats.chan.rcvbuf, >, 0);

    LcRelayVideoStats rs;
    test_relay_video_stats(relay, &rs);
    g_assert_cmpuint(rs.streams->len, ==, 1);
    LcRelayStreamStats *s = &g_array_index(rs.streams, LcRelayStreamStats, 0);
    g_assert_cmpuint(s->frames_in[LC_CHAN_TCP], ==, n);
    g_assert_cmpuint(s->bytes_in[LC_CHAN_TCP], ==, (guint64)n * FRAME_BYTES);
    g_assert_cmpuint(s->frames_in[LC_CHAN_UDP], ==, udp->relay_acks);
    g_assert_cmpuint(s->bad_token, ==, 0);
    g_assert_cmpuint(rs.viewers->len, ==, 1);
    LcRelayViewerStats *v = &g_array_index(rs.viewers, LcRelayViewerStats, 0);
    g_assert_cmpuint(v->frames_out[LC_CHAN_TCP] + v->drops[LC_CHAN_TCP], ==, n);
    g_assert_cmpuint(v->acks[LC_CHAN_TCP], ==, tcp->viewer_acks);
    g_assert_cmpuint(v->frames_out[LC_CHAN_UDP] + v->drops[LC_CHAN_UDP], ==,
                     s->frames_in[LC_CHAN_UDP]);
    relay_video_stats_clear(&rs);
    e2e_stop(e, cam, eye, relay);
    g_free(e);
}

/* Stop-and-wait: per channel, the next frame only after the last one's ACK;
 * frames made meanwhile wait (the newest) or are dropped as replaced. */
static void test_stop_and_wait(void)
{
    E2e *e = g_new0(E2e, 1);
    LcSession *cam, *eye;
    LcStreamSenderConfig config;
    stream_sender_config_init(&config);
    config.ack_mode = LC_STREAM_ACK_STOP_AND_WAIT;
    TestRelay *relay = e2e_start(e, &cam, &eye, &config, config.channels);
    const guint n = 60;
    send_frames(e, n, 5);
    video_run_for(500);
    for (guint k = 0; k < LC_CHAN_KINDS; k++) {
        ChanTally *t = &e->tally[k];
        g_assert_cmpuint(t->max_outstanding, ==, 1);
        g_assert_cmpuint(t->sent + t->dropped, ==, n);
        g_assert_cmpuint(t->sent, >, 0);
        g_assert_cmpuint(t->relay_acks + t->lost, ==, t->sent);
        g_assert_cmpuint(t->corrupt, ==, 0);
    }
    g_assert_cmpuint(e->tally[LC_CHAN_TCP].relay_acks, ==, e->tally[LC_CHAN_TCP].sent);
    e2e_stop(e, cam, eye, relay);
    g_free(e);
}

/* A sender on one channel kind only (the test data) and a viewer asking for
 * both: only that kind opens, and the frames flow on it alone. Runs once per
 * transport. */
static void test_channel_choice(gconstpointer data)
{
    const LcChanKind only = (LcChanKind)GPOINTER_TO_UINT(data);
    const LcChanKind other = only == LC_CHAN_TCP ? LC_CHAN_UDP : LC_CHAN_TCP;
    E2e *e = g_new0(E2e, 1);
    LcSession *cam, *eye;
    LcStreamSenderConfig config;
    stream_sender_config_init(&config);
    config.channels = LC_CHAN_BIT(only);
    TestRelay *relay = e2e_start(e, &cam, &eye, &config, LC_CHAN_MASK_ALL);
    g_assert_cmpuint(stream_sender_get_channels(e->sender), ==, LC_CHAN_BIT(only));
    g_assert_true(stream_viewer_is_ready(e->viewer));
    LcStreamSenderStats stats;
    g_assert_true(stream_sender_get_stats(e->sender, only, &stats));
    g_assert_false(stream_sender_get_stats(e->sender, other, &stats));
    send_frames(e, 10, 10);
    video_run_for(300);
    /* Loopback loses nothing, UDP included. */
    g_assert_cmpuint(e->tally[only].relay_acks, ==, 10);
    g_assert_cmpuint(e->tally[only].received, ==, 10);
    g_assert_cmpuint(e->tally[other].sent, ==, 0);
    g_assert_cmpuint(e->tally[other].received, ==, 0);
    e2e_stop(e, cam, eye, relay);
    g_free(e);
}

/* Opens a sender and a viewer of one media kind between cam and eye, on
 * the channels of mask, and waits until they are ready. */
static void media_pair_open(E2e *e, LcSession *cam, LcSession *eye, LcMediaKind media, guint mask)
{
    LcStreamViewerConfig vconfig;
    stream_viewer_config_init(&vconfig);
    vconfig.media = media;
    vconfig.channels = mask;
    LcStreamSenderConfig config;
    stream_sender_config_init(&config);
    config.media = media;
    config.channels = mask;
    if (e->viewer == NULL)
        e->viewer = stream_viewer_new(eye, "cam", &vconfig, &viewer_events, e);
    e->sender = stream_sender_new(cam, &config, &sender_events, e);
    ReadyWait w = {e, mask};
    g_assert_true(test_wait_until(all_ready, &w, 5000));
}

/* Counts of each kind's stream at the relay. */
static void media_count_streams(TestRelay *relay, guint counts[LC_MEDIA_KINDS])
{
    LcRelayVideoStats rs;
    test_relay_video_stats(relay, &rs);
    memset(counts, 0, LC_MEDIA_KINDS * sizeof(guint));
    for (guint i = 0; i < rs.streams->len; i++) {
        LcRelayStreamStats *s = &g_array_index(rs.streams, LcRelayStreamStats, i);
        g_assert_cmpstr(s->nick, ==, "cam");
        counts[s->media]++;
    }
    for (guint i = 0; i < rs.viewers->len; i++)
        g_assert_cmpuint(g_array_index(rs.viewers, LcRelayViewerStats, i).stream_id, !=, 0);
    relay_video_stats_clear(&rs);
}

/* One member sends a video and an audio stream at once and another views
 * both: each viewer gets its own kind's frames only, and a new stream of one
 * kind replaces that kind's stream alone. Runs once per transport. */
static void test_media_kinds(gconstpointer data)
{
    const guint mask = LC_CHAN_BIT(GPOINTER_TO_UINT(data));
    const LcChanKind kind = (LcChanKind)GPOINTER_TO_UINT(data);
    E2e *e[LC_MEDIA_KINDS] = {g_new0(E2e, 1), g_new0(E2e, 1)};
    TestRelay *relay = test_relay_start(NULL);
    LcSession *cam = video_session_join(test_relay_port(relay), "cam");
    LcSession *eye = video_session_join(test_relay_port(relay), "eye");
    for (guint m = 0; m < LC_MEDIA_KINDS; m++)
        media_pair_open(e[m], cam, eye, m, mask);
    guint counts[LC_MEDIA_KINDS];
    media_count_streams(relay, counts);
    g_assert_cmpuint(counts[LC_MEDIA_VIDEO], ==, 1);
    g_assert_cmpuint(counts[LC_MEDIA_AUDIO], ==, 1);

    /* Different numbers of frames per kind: a mix-up shows in the counts. */
    send_frames(e[LC_MEDIA_VIDEO], 6, 10);
    send_frames(e[LC_MEDIA_AUDIO], 15, 10);
    video_run_for(300);
    g_assert_cmpuint(e[LC_MEDIA_VIDEO]->tally[kind].received, ==, 6);
    g_assert_cmpuint(e[LC_MEDIA_AUDIO]->tally[kind].received, ==, 15);

    /* The audio sender starts over: only the audio viewer sees its stream end. */
    stream_sender_free(e[LC_MEDIA_AUDIO]->sender);
    e[LC_MEDIA_AUDIO]->sender_ready = e[LC_MEDIA_AUDIO]->viewer_ready = 0;
    media_pair_open(e[LC_MEDIA_AUDIO], cam, eye, LC_MEDIA_AUDIO, mask);
    g_assert_cmpuint(e[LC_MEDIA_AUDIO]->ended, ==, 1);
    g_assert_cmpuint(e[LC_MEDIA_VIDEO]->ended, ==, 0);
    media_count_streams(relay, counts);
    g_assert_cmpuint(counts[LC_MEDIA_VIDEO], ==, 1);
    g_assert_cmpuint(counts[LC_MEDIA_AUDIO], ==, 1);
    send_frames(e[LC_MEDIA_VIDEO], 4, 10);
    video_run_for(300);
    g_assert_cmpuint(e[LC_MEDIA_VIDEO]->tally[kind].received, ==, 10);
    g_assert_cmpuint(e[LC_MEDIA_AUDIO]->tally[kind].received, ==, 15);
    for (guint m = 0; m < LC_MEDIA_KINDS; m++) {
        g_assert_cmpuint(e[m]->tally[kind].corrupt, ==, 0);
        stream_sender_free(e[m]->sender);
        stream_viewer_free(e[m]->viewer);
        g_free(e[m]);
    }
    session_free(cam);
    session_free(eye);
    test_relay_stop(relay);
}

typedef struct {
    LcStreamSender *sender;
    guint streams;
    guint refused;
} OnJoin;

/* Counts STREAM_READY. */
static void on_join_stream(LcStreamSender *s, guint32 id, gpointer data)
{
    ((OnJoin *)data)->streams++;
}

/* Counts VIDEO_REFUSED. */
static void on_join_refused(LcStreamSender *s, const GError *error, gpointer data)
{
    ((OnJoin *)data)->refused++;
}

/* Creates the sender from the session's joined event. */
static void on_joined(LcSession *session, gboolean resumed, gpointer data)
{
    static const LcStreamSenderEvents events = {.stream = on_join_stream,
                                                .refused = on_join_refused};
    OnJoin *j = data;
    LcStreamSenderConfig config;
    stream_sender_config_init(&config);
    j->sender = stream_sender_new(session, &config, &events, j);
}

/* The sender exists and its channels are open. */
static gboolean join_ready(gpointer data)
{
    OnJoin *j = data;
    return j->sender != NULL && stream_sender_is_ready(j->sender);
}

/* A sender made inside the joined event asks for its stream once. */
static void test_created_on_join(RelayFixture *fx, gconstpointer tweak)
{
    OnJoin j = {0};
    LcSessionConfig config = {.host = "127.0.0.1", .port = fx->port, .nick = "cam"};
    LcSessionEvents events = {.joined = on_joined};
    LcSession *session = session_new(&config, &events, &j);
    session_start(session);
    g_assert_true(test_wait_until(join_ready, &j, 5000));
    video_run_for(200);
    g_assert_cmpuint(j.streams, ==, 1);
    g_assert_cmpuint(j.refused, ==, 0);
    stream_sender_free(j.sender);
    session_free(session);
}

/* Ack modes by name: the one parser every program uses, and its names back. */
static void test_ack_mode_names(void)
{
    LcStreamAckMode mode = LC_STREAM_ACK_STOP_AND_WAIT;
    g_assert_true(stream_sender_parse_ack_mode(NULL, &mode, NULL));
    g_assert_cmpint(mode, ==, LC_STREAM_ACK_PIPELINED);
    g_assert_true(stream_sender_parse_ack_mode("Stop-And-Wait", &mode, NULL));
    g_assert_cmpint(mode, ==, LC_STREAM_ACK_STOP_AND_WAIT);
    g_assert_true(stream_sender_parse_ack_mode("pipelined", &mode, NULL));
    g_assert_cmpint(mode, ==, LC_STREAM_ACK_PIPELINED);
    for (guint m = LC_STREAM_ACK_PIPELINED; m <= LC_STREAM_ACK_STOP_AND_WAIT; m++) {
        LcStreamAckMode back;
        g_assert_true(stream_sender_parse_ack_mode(stream_sender_ack_mode_name(m), &back, NULL));
        g_assert_cmpint(back, ==, m);
    }
    g_autoptr(GError) error = NULL;
    g_assert_false(stream_sender_parse_ack_mode("sometimes", &mode, &error));
    g_assert_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
    g_assert_nonnull(strstr(error->message, "stop-and-wait"));
    g_assert_cmpint(mode, ==, LC_STREAM_ACK_PIPELINED); /* untouched */
}

/* Registers the tests. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/video/e2e/ack-mode-names", test_ack_mode_names);
    g_test_add_func("/video/e2e/both-channels", test_both_channels);
    g_test_add_func("/video/e2e/stop-and-wait", test_stop_and_wait);
    for (guint k = 0; k < LC_CHAN_KINDS; k++) {
        g_autofree char *path = g_strdup_printf("/video/e2e/channel-choice/%s", chan_kind_name(k));
        g_test_add_data_func(path, GUINT_TO_POINTER(k), test_channel_choice);
    }
    for (guint k = 0; k < LC_CHAN_KINDS; k++) {
        g_autofree char *path = g_strdup_printf("/video/e2e/media-kinds/%s", chan_kind_name(k));
        g_test_add_data_func(path, GUINT_TO_POINTER(k), test_media_kinds);
    }
    relay_test_add("/video/e2e/created-on-join", NULL, test_created_on_join);
    return g_test_run();
}
