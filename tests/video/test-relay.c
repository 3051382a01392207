/* test-relay.c: the relay's camera channels over real loopback sockets,
 * spoken by hand: the UDP port, tokens, reassembly and ACKs, the video TCP
 * channel, waiting viewers, a viewer that stops reading, refusals and the
 * statistics request. */
#include "tests/video/video-harness.h"

#include "net/io/udp_offload.h"

#include <string.h>
#include <sys/socket.h>

/* Sends a VIDEO_FRAME of size zero bytes on a raw video TCP channel. */
static void send_zero_frame(GSocket *tcp, guint32 stream_id, guint64 seq, gsize size)
{
    g_autoptr(GBytes) data = g_bytes_new_take(g_malloc0(size), size);
    LcWireMsg frame = {.type = WIRE_VIDEO_FRAME};
    frame.video_frame.stream_id = stream_id;
    frame.video_frame.seq = seq;
    frame.video_frame.data = data;
    test_raw_send(tcp, &frame);
}

/* A short reassembly deadline and a small per-viewer queue. */
static void tweak_fast(LcRelayConfig *config)
{
    config->video_reassembly_ms = 100;
    config->video_queue_frames = 4;
}

/* A fragment of the test frame: bytes are the frame offset's low byte. */
static void send_fragment(GSocket *udp, guint16 port, guint32 stream, guint64 token, guint64 seq,
                          guint32 size, guint index)
{
    static guint8 frame[8 * FRAG_PAYLOAD_MAX];
    for (guint i = 0; i < sizeof(frame); i++)
        frame[i] = (guint8)i;
    gsize offset = 0, length = 0;
    frag_slice(size, index, &offset, &length);
    LcDgram d = {.type = DGRAM_FRAG, .stream_id = stream, .token = token};
    d.frag.meta.seq = seq;
    d.frag.index = (guint16)index;
    d.frag.count = (guint16)frag_count_for_size(size);
    d.frag.frame_size = size;
    d.frag.meta.capture_us = 1000;
    d.frag.meta.send_us = 2000;
    video_udp_send(udp, port, &d, frame + offset, length);
}

/* Finds a stream's statistics. */
static LcRelayStreamStats *find_stream(LcRelayVideoStats *stats, guint32 id)
{
    for (guint i = 0; i < stats->streams->len; i++)
        if (g_array_index(stats->streams, LcRelayStreamStats, i).stream_id == id)
            return &g_array_index(stats->streams, LcRelayStreamStats, i);
    g_assert_not_reached();
}

/* Datagrams with a wrong token, naming no stream, or not lanconf datagrams
 * at all, get no answer and are counted; a good frame, reordered and with a
 * duplicate, gets exactly one ACK on the same port number as TCP. */
static void test_tokens_and_ack(RelayFixture *fx, gconstpointer tweak)
{
    const guint16 port = fx->port;
    LcWireMsg ready;
    GSocket *control = video_raw_open_stream(port, "cam", WIRE_CHANNELS_ALL, &ready);
    guint32 id = ready.stream_ready.stream_id;
    guint64 token = ready.stream_ready.token;
    g_autoptr(GSocket) udp = video_udp_socket();
    guint8 buf[DGRAM_MAX_SIZE];
    LcDgram got;

    send_fragment(udp, port, id, token ^ 1, 1, 100, 0);          /* wrong token */
    send_fragment(udp, port, id + 1000, token, 1, 100, 0);       /* unknown stream */
    video_udp_send_raw(udp, port, "GET / HTTP/1.0\r\n\r\n", 18); /* garbage */
    guint8 zeros[64] = {0};
    video_udp_send_raw(udp, port, zeros, sizeof(zeros));
    g_assert_false(video_udp_recv(udp, &got, buf, 200));

    send_fragment(udp, port, id, token, 7, 3000, 2);
    send_fragment(udp, port, id, token, 7, 3000, 0);
    send_fragment(udp, port, id, token, 7, 3000, 0); /* duplicate */
    send_fragment(udp, port, id, token, 7, 3000, 1);
    g_assert_true(video_udp_recv(udp, &got, buf, 2000));
    g_assert_cmpuint(got.type, ==, DGRAM_ACK);
    g_assert_cmpuint(got.stream_id, ==, id);
    g_assert_cmphex(got.token, ==, token);
    g_assert_cmpuint(got.viewer_id, ==, 0);
    g_assert_cmpuint(got.ack.seq, ==, 7);
    g_assert_cmpint(got.ack.first_us, <=, got.ack.last_us);
    g_assert_false(video_udp_recv(udp, &got, buf, 200)); /* exactly one ACK */

    /* An incomplete frame is never acknowledged and counts as lost. */
    send_fragment(udp, port, id, token, 8, 3000, 0);
    g_assert_false(video_udp_recv(udp, &got, buf, 400));

    LcRelayVideoStats stats;
    test_relay_video_stats(fx->relay, &stats);
    LcRelayStreamStats *s = find_stream(&stats, id);
    g_assert_cmpuint(s->bad_token, ==, 1);
    g_assert_cmpuint(stats.unknown_token, ==, 2);
    g_assert_cmpuint(stats.bad_datagrams, ==, 2);
    g_assert_cmpuint(s->frames_in[LC_CHAN_UDP], ==, 1);
    g_assert_cmpuint(s->bytes_in[LC_CHAN_UDP], ==, 3000);
    g_assert_cmpuint(s->udp_duplicates, ==, 1);
    g_assert_cmpuint(s->udp_lost, ==, 1);
    g_assert_cmpuint(stats.udp_port, ==, port);
    relay_video_stats_clear(&stats);
    wire_msg_clear(&ready);
    g_object_unref(control);
}

/* Sends `count` datagrams of `segment` bytes (the last `last` bytes) from
 * buf as one UDP GSO buffer to the relay's port. */
static void send_gso(GSocket *udp, guint16 port, const guint8 *buf, guint count, gsize segment,
                     gsize last)
{
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) to = g_inet_socket_address_new(lo, port);
    GOutputVector vec = {buf, segment * (count - 1) + last};
    g_autoptr(GSocketControlMessage) seg = udp_offload_segment_new((guint16)segment);
    GSocketControlMessage *cmsgs[1] = {seg};
    g_autoptr(GError) error = NULL;
    g_assert_cmpint(g_socket_send_message(udp, to, &vec, 1, cmsgs, 1, 0, NULL, &error), ==,
                    (gssize)vec.size);
}

/* A peer that sends runs of datagrams as GSO buffers (which the relay may
 * read whole, with UDP GRO): each datagram of a run is checked on its own, a
 * run of garbage counts every one of its datagrams as bad, and a frame whose
 * fragments come as one run is acknowledged once. */
static void test_gso_runs(RelayFixture *fx, gconstpointer tweak)
{
    const guint16 port = fx->port;
    g_autoptr(GSocket) udp = video_udp_socket();
    if (!udp_offload_gso_usable(udp)) {
        g_test_skip("no UDP GSO in this kernel");
        return;
    }
    LcWireMsg ready;
    GSocket *control = video_raw_open_stream(port, "cam", WIRE_CHANNELS_ALL, &ready);
    guint32 id = ready.stream_ready.stream_id;
    guint64 token = ready.stream_ready.token;

    guint8 garbage[64 * 100];
    memset(garbage, 0x5A, sizeof(garbage));
    send_gso(udp, port, garbage, 64, 100, 100);

    /* A 3000-byte frame: fragments of 1200, 1200 and 600 bytes. */
    guint8 run[3 * DGRAM_MAX_SIZE];
    gsize len = 0;
    for (guint i = 0; i < 3; i++) {
        LcDgram d = {.type = DGRAM_FRAG, .stream_id = id, .token = token};
        d.frag.meta.seq = 9;
        d.frag.index = (guint16)i;
        d.frag.count = 3;
        d.frag.frame_size = 3000;
        len += chan_dgram_write(&d, run + len);
        memset(run + len, (int)i, i < 2 ? 1200 : 600);
        len += i < 2 ? 1200 : 600;
    }
    send_gso(udp, port, run, 3, DGRAM_FRAG_HEADER_SIZE + 1200, DGRAM_FRAG_HEADER_SIZE + 600);
    guint8 buf[DGRAM_MAX_SIZE];
    LcDgram got;
    g_assert_true(video_udp_recv(udp, &got, buf, 2000));
    g_assert_cmpuint(got.type, ==, DGRAM_ACK);
    g_assert_cmpuint(got.ack.seq, ==, 9);
    g_assert_false(video_udp_recv(udp, &got, buf, 200)); /* exactly one ACK */

    LcRelayVideoStats stats;
    test_relay_video_stats(fx->relay, &stats);
    g_assert_cmpuint(stats.bad_datagrams, ==, 64);
    LcRelayStreamStats *s = find_stream(&stats, id);
    g_assert_cmpuint(s->frames_in[LC_CHAN_UDP], ==, 1);
    g_assert_cmpuint(s->bytes_in[LC_CHAN_UDP], ==, 3000);
    relay_video_stats_clear(&stats);
    wire_msg_clear(&ready);
    g_object_unref(control);
}

/* A video TCP channel with a wrong token is refused with a fatal ERROR; the
 * right one gets VIDEO_READY, and its frames are acknowledged with the
 * relay's first- and last-byte times. */
static void test_tcp_channel(RelayFixture *fx, gconstpointer tweak)
{
    const guint16 port = fx->port;
    LcWireMsg ready;
    GSocket *control = video_raw_open_stream(port, "cam", WIRE_CHANNEL_TCP, &ready);

    GSocket *bad = test_raw_connect(port);
    LcWireMsg hello = {.type = WIRE_VIDEO_HELLO};
    hello.video_hello.role = WIRE_VIDEO_ROLE_SENDER;
    hello.video_hello.stream_id = ready.stream_ready.stream_id;
    hello.video_hello.token = ready.stream_ready.token + 1;
    test_raw_send(bad, &hello);
    guint16 code = 0;
    g_assert_true(test_raw_wait_closed(bad, 5000, &code));
    g_assert_cmpuint(code, ==, WIRE_ERR_PROTOCOL);
    g_object_unref(bad);

    GSocket *tcp = test_raw_connect(port);
    hello.video_hello.token = ready.stream_ready.token;
    test_raw_send(tcp, &hello);
    LcWireMsg msg;
    g_assert_true(test_raw_read(tcp, &msg, 5000));
    g_assert_cmpuint(msg.type, ==, WIRE_VIDEO_READY);
    g_assert_cmpuint(msg.video_ready.stream_id, ==, ready.stream_ready.stream_id);
    wire_msg_clear(&msg);
    for (guint64 seq = 1; seq <= 20; seq++) {
        send_zero_frame(tcp, ready.stream_ready.stream_id, seq, 100000);
    }
    for (guint64 seq = 1; seq <= 20; seq++) {
        g_assert_true(test_raw_read(tcp, &msg, 5000));
        g_assert_cmpuint(msg.type, ==, WIRE_VIDEO_ACK);
        g_assert_cmpuint(msg.video_ack.seq, ==, seq);
        g_assert_cmpuint(msg.video_ack.viewer_id, ==, 0);
        g_assert_cmpuint(msg.video_ack.first_us, <=, msg.video_ack.last_us);
        wire_msg_clear(&msg);
    }
    /* The chat side is not disturbed: the control connection still answers. */
    LcWireMsg ping = {.type = WIRE_PING};
    test_raw_send(control, &ping);
    g_assert_true(test_raw_read_type(control, WIRE_PONG, &msg, 5000));
    wire_msg_clear(&msg);
    LcRelayVideoStats stats;
    test_relay_video_stats(fx->relay, &stats);
    g_assert_cmpuint(find_stream(&stats, ready.stream_ready.stream_id)->frames_in[LC_CHAN_TCP], ==,
                     20);
    relay_video_stats_clear(&stats);
    wire_msg_clear(&ready);
    g_object_unref(tcp);
    g_object_unref(control);
}

/* A viewer asking before the stream exists waits, gets VIEW_READY when it
 * starts and VIEW_END when its sender leaves, and waits again. */
static void test_view_waits(RelayFixture *fx, gconstpointer tweak)
{
    const guint16 port = fx->port;
    GSocket *eye = test_raw_join(port, "eye", 0, 0);
    LcWireMsg view = {.type = WIRE_VIEW};
    view.view.nick = "CAM";
    view.view.channels = WIRE_CHANNELS_ALL;
    test_raw_send(eye, &view);
    LcWireMsg msg;
    g_assert_false(test_raw_read_type(eye, WIRE_VIEW_READY, &msg, 200));

    LcWireMsg ready;
    GSocket *cam = video_raw_open_stream(port, "cam", WIRE_CHANNEL_UDP, &ready);
    g_assert_true(test_raw_read_type(eye, WIRE_VIEW_READY, &msg, 5000));
    g_assert_cmpuint(msg.view_ready.stream_id, ==, ready.stream_ready.stream_id);
    g_assert_cmpuint(msg.view_ready.channels, ==, WIRE_CHANNEL_UDP);
    g_assert_cmpstr(msg.view_ready.nick, ==, "cam");
    g_assert_cmphex(msg.view_ready.token, !=, ready.stream_ready.token);
    guint32 viewer_id = msg.view_ready.viewer_id;
    wire_msg_clear(&msg);

    g_object_unref(cam); /* the sender leaves */
    g_assert_true(test_raw_read_type(eye, WIRE_VIEW_END, &msg, 5000));
    g_assert_cmpuint(msg.view_end.viewer_id, ==, viewer_id);
    wire_msg_clear(&msg);
    cam = video_raw_open_stream(port, "cam", WIRE_CHANNELS_ALL, &ready);
    g_assert_true(test_raw_read_type(eye, WIRE_VIEW_READY, &msg, 5000));
    g_assert_cmpuint(msg.view_ready.channels, ==, WIRE_CHANNELS_ALL);
    wire_msg_clear(&msg);
    wire_msg_clear(&ready);
    g_object_unref(cam);
    g_object_unref(eye);
}

/* Opens a video TCP channel by hand (VIDEO_HELLO, then VIDEO_READY). */
static GSocket *open_video_channel(guint16 port, guint8 role, guint32 stream_id, guint32 viewer_id,
                                   guint64 token)
{
    GSocket *tcp = test_raw_connect(port);
    LcWireMsg hello = {.type = WIRE_VIDEO_HELLO};
    hello.video_hello.role = role;
    hello.video_hello.stream_id = stream_id;
    hello.video_hello.viewer_id = viewer_id;
    hello.video_hello.token = token;
    test_raw_send(tcp, &hello);
    LcWireMsg msg;
    g_assert_true(test_raw_read(tcp, &msg, 5000));
    g_assert_cmpuint(msg.type, ==, WIRE_VIDEO_READY);
    wire_msg_clear(&msg);
    return tcp;
}

/* Opens a viewer's TCP channel. */
static GSocket *open_viewer_tcp(guint16 port, const LcWireMsg *view_ready)
{
    return open_video_channel(port, WIRE_VIDEO_ROLE_VIEWER, view_ready->view_ready.stream_id,
                              view_ready->view_ready.viewer_id, view_ready->view_ready.token);
}

/* Opens a sender's TCP channel. */
static GSocket *open_sender_channel(guint16 port, const LcWireMsg *ready)
{
    return open_video_channel(port, WIRE_VIDEO_ROLE_SENDER, ready->stream_ready.stream_id, 0,
                              ready->stream_ready.token);
}

/* Joins as nick and views "cam"; returns VIEW_READY in ready. */
static GSocket *join_viewer(guint16 port, const char *nick, LcWireMsg *ready)
{
    GSocket *control = test_raw_join(port, nick, 0, 0);
    LcWireMsg view = {.type = WIRE_VIEW};
    view.view.nick = "cam";
    view.view.channels = WIRE_CHANNEL_TCP;
    test_raw_send(control, &view);
    g_assert_true(test_raw_read_type(control, WIRE_VIEW_READY, ready, 5000));
    return control;
}

/* A viewer that stops reading loses its oldest frames, counted, and never
 * delays another viewer, which gets every frame and whose ACKs reach the
 * sender with its viewer id. */
static void test_slow_viewer(RelayFixture *fx, gconstpointer tweak)
{
    const guint16 port = fx->port;
    LcWireMsg ready;
    GSocket *cam = video_raw_open_stream(port, "cam", WIRE_CHANNEL_TCP, &ready);
    LcWireMsg good_ready, slow_ready;
    GSocket *good_control = join_viewer(port, "good", &good_ready);
    GSocket *slow_control = join_viewer(port, "slow", &slow_ready);
    GSocket *good = open_viewer_tcp(port, &good_ready);
    GSocket *slow = open_viewer_tcp(port, &slow_ready);
    g_socket_set_option(slow, SOL_SOCKET, SO_RCVBUF, 4096, NULL);

    GSocket *tcp = test_raw_connect(port);
    LcWireMsg hello = {.type = WIRE_VIDEO_HELLO};
    hello.video_hello.role = WIRE_VIDEO_ROLE_SENDER;
    hello.video_hello.stream_id = ready.stream_ready.stream_id;
    hello.video_hello.token = ready.stream_ready.token;
    test_raw_send(tcp, &hello);
    LcWireMsg msg;
    g_assert_true(test_raw_read(tcp, &msg, 5000));
    wire_msg_clear(&msg);

    const guint n = 60;
    guint relay_acks = 0, viewer_acks = 0;
    for (guint64 seq = 1; seq <= n; seq++) {
        send_zero_frame(tcp, ready.stream_ready.stream_id, seq, 200000);
        /* The good viewer reads each frame whole and acknowledges it. */
        g_assert_true(test_raw_read(good, &msg, 5000));
        g_assert_cmpuint(msg.type, ==, WIRE_VIDEO_FRAME);
        g_assert_cmpuint(msg.video_frame.seq, ==, seq);
        g_assert_cmpuint(g_bytes_get_size(msg.video_frame.data), ==, 200000);
        wire_msg_clear(&msg);
        LcWireMsg ack = {.type = WIRE_VIDEO_ACK};
        ack.video_ack.stream_id = ready.stream_ready.stream_id;
        ack.video_ack.viewer_id = good_ready.view_ready.viewer_id;
        ack.video_ack.seq = seq;
        test_raw_send(good, &ack);
    }
    while (relay_acks < n || viewer_acks < n) {
        g_assert_true(test_raw_read(tcp, &msg, 5000));
        g_assert_cmpuint(msg.type, ==, WIRE_VIDEO_ACK);
        if (msg.video_ack.viewer_id == 0)
            relay_acks++;
        else
            viewer_acks++;
        g_assert_true(msg.video_ack.viewer_id == 0 ||
                      msg.video_ack.viewer_id == good_ready.view_ready.viewer_id);
        wire_msg_clear(&msg);
    }
    LcRelayVideoStats stats;
    test_relay_video_stats(fx->relay, &stats);
    for (guint i = 0; i < stats.viewers->len; i++) {
        LcRelayViewerStats *v = &g_array_index(stats.viewers, LcRelayViewerStats, i);
        g_assert_cmpuint(v->queue[LC_CHAN_TCP], <=, 4);
        if (v->viewer_id == slow_ready.view_ready.viewer_id) {
            g_assert_cmpuint(v->drops[LC_CHAN_TCP], >, 0);
            g_assert_cmpuint(
                v->frames_out[LC_CHAN_TCP] + v->drops[LC_CHAN_TCP] + v->queue[LC_CHAN_TCP], <=, n);
            g_assert_cmpuint(v->frames_out[LC_CHAN_TCP] + v->drops[LC_CHAN_TCP] +
                                 v->queue[LC_CHAN_TCP],
                             >=, n - 1);
        } else {
            g_assert_cmpuint(v->drops[LC_CHAN_TCP], ==, 0);
            g_assert_cmpuint(v->frames_out[LC_CHAN_TCP], ==, n);
            g_assert_cmpuint(v->acks[LC_CHAN_TCP], ==, n);
        }
    }
    relay_video_stats_clear(&stats);
    GSocket *sockets[] = {cam, good_control, slow_control, good, slow, tcp};
    for (guint i = 0; i < G_N_ELEMENTS(sockets); i++)
        g_object_unref(sockets[i]);
    wire_msg_clear(&ready);
    wire_msg_clear(&good_ready);
    wire_msg_clear(&slow_ready);
}

/* A second stream on one connection replaces the first; a bad nick to view
 * is refused without closing; camera requests before HELLO are fatal like
 * chat. */
static void test_refusals(RelayFixture *fx, gconstpointer tweak)
{
    const guint16 port = fx->port;
    LcWireMsg ready, msg;
    GSocket *cam = video_raw_open_stream(port, "cam", WIRE_CHANNELS_ALL, &ready);
    LcWireMsg open = {.type = WIRE_STREAM_OPEN};
    open.stream_open.channels = WIRE_CHANNEL_TCP;
    test_raw_send(cam, &open);
    /* A second STREAM_OPEN replaces the first stream with a new one. */
    g_assert_true(test_raw_read_type(cam, WIRE_STREAM_READY, &msg, 5000));
    g_assert_cmpuint(msg.stream_ready.stream_id, !=, ready.stream_ready.stream_id);
    g_assert_cmpuint(msg.stream_ready.channels, ==, WIRE_CHANNEL_TCP);
    wire_msg_clear(&msg);
    LcWireMsg view = {.type = WIRE_VIEW};
    view.view.nick = "9lives";
    view.view.channels = WIRE_CHANNEL_TCP;
    test_raw_send(cam, &view);
    g_assert_true(test_raw_read_type(cam, WIRE_VIDEO_REFUSED, &msg, 5000));
    g_assert_cmpuint(msg.video_refused.code, ==, WIRE_ERR_BAD_NICK);
    wire_msg_clear(&msg);
    LcWireMsg ping = {.type = WIRE_PING};
    test_raw_send(cam, &ping);
    g_assert_true(test_raw_read_type(cam, WIRE_PONG, &msg, 5000));
    wire_msg_clear(&msg);

    GSocket *early = test_raw_connect(port);
    test_raw_send(early, &open);
    guint16 code = 0;
    g_assert_true(test_raw_wait_closed(early, 5000, &code));
    g_assert_cmpuint(code, ==, WIRE_ERR_PROTOCOL);
    g_object_unref(early);
    wire_msg_clear(&ready);
    g_object_unref(cam);
}

/* STATS_REQUEST on a control connection answers with every stream and
 * viewer, then STATS_END, matching the relay's own counters. */
static void test_stats_request(RelayFixture *fx, gconstpointer tweak)
{
    const guint16 port = fx->port;
    LcWireMsg ready, view_ready, msg;
    GSocket *cam = video_raw_open_stream(port, "cam", WIRE_CHANNELS_ALL, &ready);
    GSocket *eye = join_viewer(port, "eye", &view_ready);
    g_autoptr(GSocket) udp = video_udp_socket();
    send_fragment(udp, port, ready.stream_ready.stream_id, ready.stream_ready.token, 1, 10, 0);
    guint8 buf[DGRAM_MAX_SIZE];
    LcDgram ack;
    g_assert_true(video_udp_recv(udp, &ack, buf, 2000));

    LcWireMsg request = {.type = WIRE_STATS_REQUEST};
    request.stats_request.request = 77;
    test_raw_send(eye, &request);
    guint streams = 0, viewers = 0;
    for (;;) {
        g_assert_true(test_raw_read(eye, &msg, 5000));
        if (msg.type == WIRE_STATS_STREAM) {
            g_assert_cmpuint(msg.stats_stream.request, ==, 77);
            g_assert_cmpstr(msg.stats_stream.nick, ==, "cam");
            g_assert_cmpuint(msg.stats_stream.frames_in[LC_CHAN_UDP], ==, 1);
            g_assert_cmpuint(msg.stats_stream.viewers, ==, 1);
            streams++;
        } else if (msg.type == WIRE_STATS_VIEWER) {
            g_assert_cmpuint(msg.stats_viewer.viewer_id, ==, view_ready.view_ready.viewer_id);
            g_assert_cmpstr(msg.stats_viewer.nick, ==, "eye");
            viewers++;
        } else if (msg.type == WIRE_STATS_END) {
            g_assert_cmpuint(msg.stats_end.request, ==, 77);
            g_assert_cmpuint(msg.stats_end.streams, ==, streams);
            g_assert_cmpuint(msg.stats_end.viewers, ==, viewers);
            wire_msg_clear(&msg);
            break;
        }
        wire_msg_clear(&msg);
    }
    g_assert_cmpuint(streams, ==, 1);
    g_assert_cmpuint(viewers, ==, 1);
    wire_msg_clear(&ready);
    wire_msg_clear(&view_ready);
    g_object_unref(eye);
    g_object_unref(cam);
}

/* Three connections per address at most. */
static void tweak_three_per_ip(LcRelayConfig *config)
{
    config->max_clients_per_ip = 3;
    config->max_clients = 4;
}

/* A video channel is a connection like any other: with a control connection
 * and its video channel open, one more connection from the address is let
 * in and the next is refused; with the channel closed, there is room again.
 * The relay-wide limit counts them too. */
static void test_channels_count(RelayFixture *fx, gconstpointer tweak)
{
    LcWireMsg ready;
    GSocket *control = video_raw_open_stream(fx->port, "cam", WIRE_CHANNEL_TCP, &ready);
    GSocket *tcp = open_sender_channel(fx->port, &ready);
    GSocket *third = test_raw_join(fx->port, "third", 0, 0);
    LcWireMsg answer;
    GSocket *fourth = test_raw_hello(fx->port, NULL, "fourth", "fourth", &answer);
    g_assert_cmpuint(answer.type, ==, WIRE_ERROR);
    g_assert_cmpuint(answer.error.code, ==, WIRE_ERR_SERVER_FULL);
    wire_msg_clear(&answer);
    g_object_unref(fourth);

    g_object_unref(tcp); /* the video channel goes: room for one more */
    GSocket *again = test_raw_try_join(fx->port, "again", 5000);
    g_assert_nonnull(again);
    g_object_unref(again);
    g_object_unref(third);
    g_object_unref(control);
}

/* A two-second keepalive, so that a stall shows quickly. */
static void tweak_quick_stall(LcRelayConfig *config)
{
    config->keepalive_interval_s = 1;
    config->keepalive_timeout_s = 2;
}

typedef struct {
    GSocket *control;
    gint stop;
} PongThread;

/* Answers the relay's PINGs on a raw control connection, so that it stays
 * in the room while the test waits on something else. */
static gpointer answer_pings(gpointer data)
{
    PongThread *t = data;
    while (!g_atomic_int_get(&t->stop)) {
        LcWireMsg msg;
        if (!test_raw_read(t->control, &msg, 100))
            continue;
        if (msg.type == WIRE_PING) {
            LcWireMsg pong = {.type = WIRE_PONG};
            pong.pong.t1 = msg.ping.t1;
            test_raw_send(t->control, &pong);
        }
        wire_msg_clear(&msg);
    }
    return NULL;
}

/* A sender that stops in the middle of a big frame is cut off with TIMEOUT:
 * the relay does not hold the half frame for ever. */
static void test_stalled_frame(RelayFixture *fx, gconstpointer tweak)
{
    LcWireMsg ready;
    GSocket *control = video_raw_open_stream(fx->port, "cam", WIRE_CHANNEL_TCP, &ready);
    GSocket *tcp = open_sender_channel(fx->port, &ready);
    g_autoptr(GBytes) data = g_bytes_new_take(g_malloc0(1 << 20), 1 << 20);
    LcWireMsg frame = {.type = WIRE_VIDEO_FRAME};
    frame.video_frame.stream_id = ready.stream_ready.stream_id;
    frame.video_frame.seq = 1;
    frame.video_frame.data = data;
    g_autoptr(GBytes) whole = wire_msg_encode(&frame, NULL);
    PongThread pongs = {control, 0};
    GThread *thread = g_thread_new("pongs", answer_pings, &pongs);
    test_raw_send_bytes(tcp, g_bytes_get_data(whole, NULL), 100000); /* a tenth, then nothing */
    gint64 start = g_get_monotonic_time();
    guint16 code = 0;
    gboolean closed = test_raw_wait_closed(tcp, 8000, &code);
    g_atomic_int_set(&pongs.stop, 1);
    g_thread_join(thread);
    g_assert_true(closed);
    g_assert_cmpuint(code, ==, WIRE_ERR_TIMEOUT);
    g_test_message("stalled channel closed after %.1f s", (g_get_monotonic_time() - start) / 1e6);
    g_object_unref(tcp);
    g_object_unref(control);
}

/* Counts the messages of a type that arrive within ms. */
static guint count_type(GSocket *socket, guint8 type, guint ms, guint16 code)
{
    guint n = 0;
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;
    while (g_get_monotonic_time() < deadline) {
        LcWireMsg msg;
        if (!test_raw_read(socket, &msg, 50))
            continue;
        if (msg.type == type && (type != WIRE_VIDEO_REFUSED || msg.video_refused.code == code))
            n++;
        wire_msg_clear(&msg);
    }
    return n;
}

/* A sender that reopens its stream in a loop is flood-controlled like chat:
 * past a burst, STREAM_OPEN is refused with RATE_LIMITED (the connection
 * stays), and its viewer gets no more than the burst of VIEW_READYs. */
static void test_stream_flood(RelayFixture *fx, gconstpointer tweak)
{
    GSocket *eye = test_raw_join(fx->port, "eye", 0, 0);
    LcWireMsg view = {.type = WIRE_VIEW};
    view.view.nick = "cam";
    view.view.channels = WIRE_CHANNEL_UDP;
    test_raw_send(eye, &view);
    LcWireMsg ready;
    GSocket *cam = video_raw_open_stream(fx->port, "cam", WIRE_CHANNEL_UDP, &ready);
    const guint n = 60;
    for (guint i = 0; i < n; i++) {
        LcWireMsg open = {.type = WIRE_STREAM_OPEN};
        open.stream_open.channels = WIRE_CHANNEL_UDP;
        test_raw_send(cam, &open);
    }
    guint refused = count_type(cam, WIRE_VIDEO_REFUSED, 500, WIRE_ERR_RATE_LIMITED);
    guint readies = count_type(eye, WIRE_VIEW_READY, 200, 0);
    g_test_message("%u of %u STREAM_OPENs refused; the viewer got %u VIEW_READYs", refused, n,
                   readies);
    g_assert_cmpuint(refused, >=, n - 2 * 10);
    g_assert_cmpuint(readies, <=, 2 * 10);
    /* The connection is still in the room. */
    LcWireMsg ping = {.type = WIRE_PING};
    test_raw_send(cam, &ping);
    LcWireMsg pong;
    g_assert_true(test_raw_read_type(cam, WIRE_PONG, &pong, 3000));
    wire_msg_clear(&pong);
    g_object_unref(cam);
    g_object_unref(eye);
}

/* Four audio views per connection, for the test below. */
static void tweak_four_audio_views(LcRelayConfig *config)
{
    config->audio_max_views = 4;
}

/* Counts VIDEO_REFUSED answers within ms, and how many were RATE_LIMITED. */
static guint count_refused(GSocket *socket, guint ms, guint *rate_limited)
{
    guint n = 0;
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;
    while (g_get_monotonic_time() < deadline) {
        LcWireMsg msg;
        if (!test_raw_read(socket, &msg, 50))
            continue;
        if (msg.type == WIRE_VIDEO_REFUSED) {
            n++;
            *rate_limited += msg.video_refused.code == WIRE_ERR_RATE_LIMITED;
        }
        wire_msg_clear(&msg);
    }
    return n;
}

/* Sends count VIEWs of a kind for nicks prefix0, prefix1, ... */
static void send_views(GSocket *socket, guint16 flags, const char *prefix, guint count)
{
    for (guint i = 0; i < count; i++) {
        g_autofree char *nick = g_strdup_printf("%s%u", prefix, i);
        LcWireMsg view = {.type = WIRE_VIEW, .flags = flags};
        view.view.nick = nick;
        view.view.channels = WIRE_CHANNELS_ALL;
        test_raw_send(socket, &view);
    }
}

/* Audio views count apart from camera views, with a flood burst as large as
 * their limit (a member joining a full room views every speaker at once):
 * with the default limit, 20 audio views at once and 10 camera views are
 * all granted; past a limit of 4, exactly the extra ones are refused,
 * and camera views are still granted. */
static void test_audio_views(RelayFixture *fx, gconstpointer tweak)
{
    GSocket *ear = test_raw_join(fx->port, "ear", 0, 0);
    guint limited = 0;
    if (tweak == NULL) {
        send_views(ear, WIRE_FLAG_AUDIO, "talker", 20);
        send_views(ear, 0, "cam", 10);
        g_assert_cmpuint(count_refused(ear, 500, &limited), ==, 0);
    } else {
        send_views(ear, WIRE_FLAG_AUDIO, "talker", 7);
        g_assert_cmpuint(count_refused(ear, 500, &limited), ==, 3);
        g_assert_cmpuint(limited, ==, 0);
        send_views(ear, 0, "cam", 3);
        g_assert_cmpuint(count_refused(ear, 300, &limited), ==, 0);
    }
    /* The connection is still in the room. */
    LcWireMsg ping = {.type = WIRE_PING};
    test_raw_send(ear, &ping);
    LcWireMsg pong;
    g_assert_true(test_raw_read_type(ear, WIRE_PONG, &pong, 3000));
    wire_msg_clear(&pong);
    g_object_unref(ear);
}

/* Registers the tests. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    relay_test_add("/video/relay/tokens-and-ack", tweak_fast, test_tokens_and_ack);
    relay_test_add("/video/relay/gso-runs", NULL, test_gso_runs);
    relay_test_add("/video/relay/tcp-channel", NULL, test_tcp_channel);
    relay_test_add("/video/relay/view-waits", NULL, test_view_waits);
    relay_test_add("/video/relay/slow-viewer", tweak_fast, test_slow_viewer);
    relay_test_add("/video/relay/refusals", NULL, test_refusals);
    relay_test_add("/video/relay/stats-request", NULL, test_stats_request);
    relay_test_add("/video/relay/channels-count", tweak_three_per_ip, test_channels_count);
    relay_test_add("/video/relay/stalled-frame", tweak_quick_stall, test_stalled_frame);
    relay_test_add("/video/relay/stream-flood", NULL, test_stream_flood);
    relay_test_add("/video/relay/audio-views", NULL, test_audio_views);
    relay_test_add("/video/relay/audio-views-limit", tweak_four_audio_views, test_audio_views);
    return g_test_run();
}
