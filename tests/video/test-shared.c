/* test-shared.c: shared viewer channels (docs/PROTOCOL.md, "Shared viewer
 * channels"): several audio views on one video TCP connection, spoken by
 * hand against the real relay on 127.0.0.1, with the abuses a shared
 * channel must shrug off; and the client's mux, which a listener's views
 * attach to, against the same relay. */
#include "tests/video/video-harness.h"

#include "net/client/chan.h"
#include "net/client/stream_common.h"
#include "net/client/stream_sender.h"
#include "net/client/stream_viewer.h"

#include <string.h>
#include <sys/socket.h>

/* Joins as nick (with the HELLO flags) and opens an audio stream on TCP. */
static GSocket *open_speaker(guint16 port, const char *nick, LcWireMsg *ready)
{
    GSocket *control = test_raw_join_flags(port, nick, 0, 0, 0);
    LcWireMsg open = {.type = WIRE_STREAM_OPEN, .flags = WIRE_FLAG_AUDIO};
    open.stream_open.channels = WIRE_CHANNEL_TCP;
    test_raw_send(control, &open);
    g_assert_true(test_raw_read_type(control, WIRE_STREAM_READY, ready, 5000));
    return control;
}

/* Views alto's and bass's audio on TCP: their VIEW_READYs in views. */
static void view_both(GSocket *ear, LcWireMsg *views[2])
{
    const char *nicks[] = {"alto", "bass"};
    for (guint i = 0; i < 2; i++) {
        LcWireMsg view = {.type = WIRE_VIEW, .flags = WIRE_FLAG_AUDIO};
        view.view.nick = (char *)nicks[i];
        view.view.channels = WIRE_CHANNEL_TCP;
        test_raw_send(ear, &view);
        g_assert_true(test_raw_read_type(ear, WIRE_VIEW_READY, views[i], 5000));
    }
}

/* Sends a VIDEO_HELLO; flags: WIRE_FLAG_SHARED or 0. */
static void send_hello(GSocket *tcp, guint16 flags, guint8 role, guint32 stream_id,
                       guint32 viewer_id, guint64 token)
{
    LcWireMsg hello = {.type = WIRE_VIDEO_HELLO, .flags = flags};
    hello.video_hello.role = role;
    hello.video_hello.stream_id = stream_id;
    hello.video_hello.viewer_id = viewer_id;
    hello.video_hello.token = token;
    test_raw_send(tcp, &hello);
}

/* Reads VIDEO_READY and checks the view it names. */
static void expect_ready(GSocket *tcp, guint32 viewer_id)
{
    LcWireMsg msg;
    g_assert_true(test_raw_read_type(tcp, WIRE_VIDEO_READY, &msg, 5000));
    g_assert_cmpuint(msg.video_ready.viewer_id, ==, viewer_id);
    wire_msg_clear(&msg);
}

/* A sender's channel: VIDEO_HELLO, VIDEO_READY. */
static GSocket *open_sender(guint16 port, const LcWireMsg *ready)
{
    GSocket *tcp = test_raw_connect(port);
    send_hello(tcp, 0, WIRE_VIDEO_ROLE_SENDER, ready->stream_ready.stream_id, 0,
               ready->stream_ready.token);
    expect_ready(tcp, 0);
    return tcp;
}

/* Sends a frame of size bytes on a sender's channel. */
static void send_sized(GSocket *tcp, guint32 stream_id, guint64 seq, gsize size)
{
    g_autoptr(GBytes) data = g_bytes_new_take(g_malloc0(size), size);
    LcWireMsg frame = {.type = WIRE_VIDEO_FRAME};
    frame.video_frame.stream_id = stream_id;
    frame.video_frame.seq = seq;
    frame.video_frame.codec = LC_CODEC_OPUS;
    frame.video_frame.data = data;
    test_raw_send(tcp, &frame);
}

/* Sends a small frame (a voice packet's size) on a sender's channel. */
static void send_frame(GSocket *tcp, guint32 stream_id, guint64 seq)
{
    send_sized(tcp, stream_id, seq, 80);
}

/* Reads the next VIDEO_FRAME on a viewer's channel; returns its stream. */
static guint32 read_frame(GSocket *tcp, guint64 *seq)
{
    LcWireMsg msg;
    g_assert_true(test_raw_read_type(tcp, WIRE_VIDEO_FRAME, &msg, 5000));
    guint32 stream_id = msg.video_frame.stream_id;
    *seq = msg.video_frame.seq;
    wire_msg_clear(&msg);
    return stream_id;
}

/* Reads ACKs on a sender's channel until one from a viewer: its id. */
static guint32 read_viewer_ack(GSocket *tcp, guint64 seq)
{
    for (guint i = 0; i < 10; i++) {
        LcWireMsg msg;
        g_assert_true(test_raw_read_type(tcp, WIRE_VIDEO_ACK, &msg, 5000));
        g_assert_cmpuint(msg.video_ack.seq, ==, seq);
        if (msg.video_ack.viewer_id != 0)
            return msg.video_ack.viewer_id;
    }
    g_assert_not_reached();
}

/* Sends a viewer's ACK of a frame. */
static void send_ack(GSocket *tcp, guint32 stream_id, guint32 viewer_id, guint64 seq)
{
    LcWireMsg ack = {.type = WIRE_VIDEO_ACK};
    ack.video_ack.stream_id = stream_id;
    ack.video_ack.viewer_id = viewer_id;
    ack.video_ack.seq = seq;
    test_raw_send(tcp, &ack);
}

/* Two speakers heard on one connection: each view attached by a VIDEO_HELLO
 * of its own; frames told apart by stream, ACKs by viewer, each passed to
 * its speaker. A wrong token, a foreign ACK and a view that ends leave the
 * channel and its other view alone; the relay says it takes sharing only
 * to a client that asked. */
static void test_shared_channel(RelayFixture *fx, gconstpointer tweak)
{
    const guint16 port = fx->port;
    LcWireMsg a_ready, b_ready, va, vb, welcome;
    GSocket *a = open_speaker(port, "alto", &a_ready);
    GSocket *b = open_speaker(port, "bass", &b_ready);
    guint32 a_id = a_ready.stream_ready.stream_id, b_id = b_ready.stream_ready.stream_id;
    GSocket *a_tcp = open_sender(port, &a_ready);
    GSocket *b_tcp = open_sender(port, &b_ready);

    /* Only a client that asked is told. */
    GSocket *old = test_raw_connect(port);
    LcWireMsg hello = {.type = WIRE_HELLO};
    hello.hello.nick = "old";
    hello.hello.instance = "old-instance";
    hello.hello.history_limit = 0;
    test_raw_send(old, &hello);
    g_assert_true(test_raw_read_type(old, WIRE_WELCOME, &welcome, 5000));
    g_assert_cmphex(welcome.flags & WIRE_FLAG_SHARED_CHANNELS, ==, 0);
    wire_msg_clear(&welcome);
    g_object_unref(old);
    GSocket *ear = test_raw_connect(port);
    hello.hello.nick = "ear";
    hello.hello.instance = "ear-instance";
    hello.flags = WIRE_FLAG_SHARED_CHANNELS;
    test_raw_send(ear, &hello);
    g_assert_true(test_raw_read_type(ear, WIRE_WELCOME, &welcome, 5000));
    g_assert_cmphex(welcome.flags & WIRE_FLAG_SHARED_CHANNELS, ==, WIRE_FLAG_SHARED_CHANNELS);
    wire_msg_clear(&welcome);

    LcWireMsg *views[] = {&va, &vb};
    view_both(ear, views);
    g_assert_cmpuint(va.view_ready.stream_id, ==, a_id);

    /* One connection, both views. */
    GSocket *shared = test_raw_connect(port);
    send_hello(shared, WIRE_FLAG_SHARED, WIRE_VIDEO_ROLE_VIEWER, a_id, va.view_ready.viewer_id,
               va.view_ready.token);
    expect_ready(shared, va.view_ready.viewer_id);
    /* A wrong token attaches nothing, answers nothing, closes nothing. */
    send_hello(shared, WIRE_FLAG_SHARED, WIRE_VIDEO_ROLE_VIEWER, b_id, vb.view_ready.viewer_id,
               vb.view_ready.token + 1);
    send_hello(shared, WIRE_FLAG_SHARED, WIRE_VIDEO_ROLE_VIEWER, b_id, vb.view_ready.viewer_id,
               vb.view_ready.token);
    expect_ready(shared, vb.view_ready.viewer_id);

    send_frame(a_tcp, a_id, 1);
    send_frame(b_tcp, b_id, 1);
    guint64 seq = 0;
    gboolean got_a = FALSE, got_b = FALSE;
    for (guint i = 0; i < 2; i++) {
        guint32 stream = read_frame(shared, &seq);
        g_assert_cmpuint(seq, ==, 1);
        got_a = got_a || stream == a_id;
        got_b = got_b || stream == b_id;
    }
    g_assert_true(got_a && got_b);
    /* A foreign ACK (a view not on the channel) is dropped; the channel
     * stays, and each view's ACK reaches its own speaker. */
    send_ack(shared, a_id, vb.view_ready.viewer_id + 1000, 1);
    send_ack(shared, a_id, va.view_ready.viewer_id, 1);
    send_ack(shared, b_id, vb.view_ready.viewer_id, 1);
    g_assert_cmpuint(read_viewer_ack(a_tcp, 1), ==, va.view_ready.viewer_id);
    g_assert_cmpuint(read_viewer_ack(b_tcp, 1), ==, vb.view_ready.viewer_id);

    /* alto's stream ends: its view leaves the channel, which stays for bass. */
    LcWireMsg close = {.type = WIRE_STREAM_CLOSE};
    close.stream_close.stream_id = a_id;
    test_raw_send(a, &close);
    LcWireMsg end;
    g_assert_true(test_raw_read_type(ear, WIRE_VIEW_END, &end, 5000));
    g_assert_cmpuint(end.view_end.viewer_id, ==, va.view_ready.viewer_id);
    wire_msg_clear(&end);
    send_frame(b_tcp, b_id, 2);
    g_assert_cmpuint(read_frame(shared, &seq), ==, b_id);
    g_assert_cmpuint(seq, ==, 2);

    for (guint i = 0; i < 2; i++)
        wire_msg_clear(views[i]);
    wire_msg_clear(&a_ready);
    wire_msg_clear(&b_ready);
    g_object_unref(shared);
    g_object_unref(ear);
    g_object_unref(a_tcp);
    g_object_unref(b_tcp);
    g_object_unref(a);
    g_object_unref(b);
}

typedef struct {
    guint frames[2]; /* per view */
    guint ready;
} MuxCount;

static void on_mux_frame(LcStreamViewer *v, const LcStreamFrame *f, gpointer data)
{
    MuxCount *count = data;
    count->frames[f->channel]++;
}

static void on_mux_ready(LcStreamViewer *v, LcChanKind kind, gpointer data)
{
    ((MuxCount *)data)->ready++;
}

static const LcStreamViewerEvents mux_events = {.frame = on_mux_frame, .ready = on_mux_ready};

/* Whether both views have both channels open. */
static gboolean mux_all_ready(gpointer data)
{
    MuxCount *counts = data;
    return counts[0].ready == 2 && counts[1].ready == 2;
}

/* Whether both views got both frames on both channels. */
static gboolean mux_all_heard(gpointer data)
{
    MuxCount *counts = data;
    for (guint i = 0; i < 2; i++)
        if (counts[i].frames[LC_CHAN_TCP] < 3 || counts[i].frames[LC_CHAN_UDP] < 3)
            return FALSE;
    return TRUE;
}

/* Whether both senders' channels are open. */
static gboolean senders_ready(gpointer data)
{
    LcStreamSender **senders = data;
    return stream_sender_is_ready(senders[0]) && stream_sender_is_ready(senders[1]);
}

/* The client: a session's two audio views share one TCP connection and one
 * UDP socket, and hear their speakers on both. */
static void test_client_mux(RelayFixture *fx, gconstpointer tweak)
{
    g_autoptr(LcSession) talk_a = video_session_join(fx->port, "alto");
    g_autoptr(LcSession) talk_b = video_session_join(fx->port, "bass");
    g_autoptr(LcSession) ear = video_session_join(fx->port, "ear");
    LcStreamSender *senders[2];
    LcSession *talkers[] = {talk_a, talk_b};
    for (guint i = 0; i < 2; i++) {
        LcStreamSenderConfig sc;
        stream_sender_config_init(&sc);
        sc.media = LC_MEDIA_AUDIO;
        static const LcStreamSenderEvents none = {0};
        senders[i] = stream_sender_new(talkers[i], &sc, &none, NULL);
    }
    g_assert_true(test_wait_until(senders_ready, senders, 10000));
    LcRelayCounters before, after;
    test_relay_counters(fx->relay, &before);
    MuxCount counts[2];
    memset(counts, 0, sizeof(counts));
    LcStreamViewer *viewers[2];
    const char *nicks[] = {"alto", "bass"};
    for (guint i = 0; i < 2; i++) {
        LcStreamViewerConfig vc;
        stream_viewer_config_init(&vc);
        vc.media = LC_MEDIA_AUDIO;
        viewers[i] = stream_viewer_new(ear, nicks[i], &vc, &mux_events, &counts[i]);
    }
    g_assert_true(test_wait_until(mux_all_ready, counts, 10000));
    g_assert_nonnull(session_get_chan_mux(ear));
    /* Two views, one connection more (the shared channel). */
    test_relay_counters(fx->relay, &after);
    g_assert_cmpuint(after.connections - before.connections, ==, 1);
    for (guint64 seq = 1; seq <= 3; seq++)
        for (guint i = 0; i < 2; i++) {
            g_autoptr(GBytes) data = g_bytes_new("opus", 4);
            g_autoptr(LcFrame) frame = frame_new(data, LC_CODEC_OPUS);
            frame->meta.seq = seq;
            g_assert_true(stream_sender_send_frame(senders[i], frame, NULL));
        }
    g_assert_true(test_wait_until(mux_all_heard, counts, 10000));
    for (guint i = 0; i < 2; i++) {
        stream_viewer_free(viewers[i]);
        stream_sender_free(senders[i]);
    }
    video_run_for(50); /* the mux is freed from an idle */
}

typedef struct {
    gboolean ready, closed;
    guint frames;
} ChanSeen;

static void on_chan_ready(LcChan *chan, gpointer data)
{
    ((ChanSeen *)data)->ready = TRUE;
}

static void on_chan_frame(LcChan *chan, LcFrame *frame, gint64 first_us, gint64 last_us,
                          gpointer data)
{
    ((ChanSeen *)data)->frames++;
}

static void on_chan_closed(LcChan *chan, const GError *error, gpointer data)
{
    ((ChanSeen *)data)->closed = TRUE;
}

static const LcChanEvents seen_events = {
    .ready = on_chan_ready, .frame = on_chan_frame, .closed = on_chan_closed};

/* Whether the channel watched got a frame. */
static gboolean seen_frame(gpointer data)
{
    return ((ChanSeen *)data)->frames > 0;
}

/* Views that are gone (a wrong id and token, as a view that ended while
 * the connection opened) share a mux with one that is not: whichever the
 * connection opens with, the relay's refusal of a gone one costs that one
 * only; the live view opens and hears its speaker. */
static void test_stale_views(RelayFixture *fx, gconstpointer tweak)
{
    LcWireMsg ready, view_ready;
    GSocket *alto = open_speaker(fx->port, "alto", &ready);
    GSocket *alto_tcp = open_sender(fx->port, &ready);
    GSocket *ear = test_raw_join_flags(fx->port, "ear", WIRE_FLAG_SHARED_CHANNELS, 0, 0);
    LcWireMsg view = {.type = WIRE_VIEW, .flags = WIRE_FLAG_AUDIO};
    view.view.nick = "alto";
    view.view.channels = WIRE_CHANNEL_TCP;
    test_raw_send(ear, &view);
    g_assert_true(test_raw_read_type(ear, WIRE_VIEW_READY, &view_ready, 5000));

    /* Another member's session lends its mux: a token is all a channel
     * needs. */
    g_autoptr(LcSession) other = video_session_join(fx->port, "other");
    LcChanMux *mux = session_get_chan_mux(other);
    g_assert_nonnull(mux);
    ChanSeen seen[4];
    memset(seen, 0, sizeof(seen));
    LcChan *chans[4];
    for (guint i = 0; i < 4; i++) {
        gboolean live = i == 3;
        LcChanConfig cfg = {
            .role = LC_CHAN_ROLE_VIEWER,
            .mux = mux,
            .udp_port = view_ready.view_ready.udp_port,
            .stream_id = live ? view_ready.view_ready.stream_id : 9000 + i,
            .viewer_id = live ? view_ready.view_ready.viewer_id : 9100 + i,
            .token = live ? view_ready.view_ready.token : g_random_int() | 1,
            .frame_max = view_ready.view_ready.frame_max,
            .queue_frames = 1,
        };
        chans[i] = stream_common_open_channel(other, LC_CHAN_TCP, &cfg, &seen_events, &seen[i]);
    }
    g_assert_true(test_wait_flag(&seen[3].ready, 10000));
    send_frame(alto_tcp, ready.stream_ready.stream_id, 1);
    g_assert_true(test_wait_until(seen_frame, &seen[3], 5000));
    g_assert_false(seen[3].closed);
    for (guint i = 0; i < 3; i++)
        g_assert_false(seen[i].ready);
    for (guint i = 0; i < 4; i++)
        chan_free(chans[i]);
    video_run_for(50); /* the mux is freed from an idle */
    wire_msg_clear(&ready);
    wire_msg_clear(&view_ready);
    g_object_unref(ear);
    g_object_unref(alto_tcp);
    g_object_unref(alto);
}

/* A listener with two speakers on one shared channel (not read yet). */
typedef struct {
    GSocket *a, *b, *a_tcp, *b_tcp, *ear, *shared;
    guint32 a_id, b_id;
} Duo;

/* Opens a Duo on the relay at port. */
static void duo_open(Duo *d, guint16 port)
{
    LcWireMsg a_ready, b_ready, va, vb;
    d->a = open_speaker(port, "alto", &a_ready);
    d->b = open_speaker(port, "bass", &b_ready);
    d->a_id = a_ready.stream_ready.stream_id;
    d->b_id = b_ready.stream_ready.stream_id;
    d->a_tcp = open_sender(port, &a_ready);
    d->b_tcp = open_sender(port, &b_ready);
    d->ear = test_raw_join_flags(port, "ear", WIRE_FLAG_SHARED_CHANNELS, 0, 0);
    LcWireMsg *views[] = {&va, &vb};
    view_both(d->ear, views);
    d->shared = test_raw_connect(port);
    g_socket_set_option(d->shared, SOL_SOCKET, SO_RCVBUF, 4096, NULL);
    for (guint i = 0; i < 2; i++) {
        send_hello(d->shared, WIRE_FLAG_SHARED, WIRE_VIDEO_ROLE_VIEWER,
                   views[i]->view_ready.stream_id, views[i]->view_ready.viewer_id,
                   views[i]->view_ready.token);
        expect_ready(d->shared, views[i]->view_ready.viewer_id);
        wire_msg_clear(views[i]);
    }
    wire_msg_clear(&a_ready);
    wire_msg_clear(&b_ready);
}

static void duo_close(Duo *d)
{
    GSocket **all[] = {&d->shared, &d->ear, &d->a_tcp, &d->b_tcp, &d->a, &d->b};
    for (guint i = 0; i < G_N_ELEMENTS(all); i++)
        g_clear_object(all[i]);
}

/* An audio stream's frames are small: STREAM_READY says so, and a bigger
 * one closes the sender's channel (TOO_LARGE). */
static void test_audio_frame_max(RelayFixture *fx, gconstpointer tweak)
{
    LcWireMsg ready;
    GSocket *a = open_speaker(fx->port, "alto", &ready);
    g_assert_cmpuint(ready.stream_ready.frame_max, ==, 16 * 1024);
    GSocket *tcp = open_sender(fx->port, &ready);
    send_sized(tcp, ready.stream_ready.stream_id, 1, 16 * 1024);
    LcWireMsg ack;
    g_assert_true(test_raw_read_type(tcp, WIRE_VIDEO_ACK, &ack, 5000));
    send_sized(tcp, ready.stream_ready.stream_id, 2, 16 * 1024 + 1);
    guint16 code = 0;
    g_assert_true(test_raw_wait_closed(tcp, 5000, &code));
    g_assert_cmpuint(code, ==, WIRE_ERR_TOO_LARGE);
    wire_msg_clear(&ready);
    g_object_unref(tcp);
    g_object_unref(a);
}

/* A speaker who floods a listener that does not keep up loses its own
 * packets on the shared channel, never the other speaker's: each view
 * keeps to its share of the queue. */
static void test_flood_share(RelayFixture *fx, gconstpointer tweak)
{
    Duo d;
    duo_open(&d, fx->port);
    for (guint64 seq = 1; seq <= 100; seq++)
        send_sized(d.a_tcp, d.a_id, seq, 16 * 1024);
    video_run_for(300);
    send_frame(d.b_tcp, d.b_id, 1);
    for (guint64 seq = 101; seq <= 200; seq++)
        send_sized(d.a_tcp, d.a_id, seq, 16 * 1024);
    video_run_for(300);
    /* Now read everything: bass's one packet is there. */
    g_socket_set_option(d.shared, SOL_SOCKET, SO_RCVBUF, 1 << 20, NULL);
    guint a_frames = 0;
    gboolean got_b = FALSE;
    LcWireMsg msg;
    while (!got_b && test_raw_read_type(d.shared, WIRE_VIDEO_FRAME, &msg, 2000)) {
        got_b = msg.video_frame.stream_id == d.b_id;
        a_frames += msg.video_frame.stream_id == d.a_id;
        wire_msg_clear(&msg);
    }
    g_assert_true(got_b);
    g_assert_cmpuint(a_frames, <, 200); /* alto's flood lost packets */
    duo_close(&d);
}

/* A relay stopped while a shared channel carries two views frees it once. */
static void test_stop_with_views(void)
{
    TestRelay *relay = test_relay_start(NULL);
    Duo d;
    duo_open(&d, test_relay_port(relay));
    test_relay_stop(relay);
    duo_close(&d);
}

/* Registers the tests. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    relay_test_add("/video/shared/channel", NULL, test_shared_channel);
    relay_test_add("/video/shared/client-mux", NULL, test_client_mux);
    relay_test_add("/video/shared/stale-views", NULL, test_stale_views);
    relay_test_add("/video/shared/audio-frame-max", NULL, test_audio_frame_max);
    relay_test_add("/video/shared/flood-share", NULL, test_flood_share);
    g_test_add_func("/video/shared/stop-with-views", test_stop_with_views);
    return g_test_run();
}
