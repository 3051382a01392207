/* test-stream.c: the framed TCP stream (net/io/chan_stream.c) over a real
 * loopback connection: frames arrive whole whether they come many to a read
 * or a few bytes at a time; a peer that stops reading makes the queue drop its
 * oldest unsent frames, never a partial one, never a control frame; frames
 * arrive whole with first- and last-byte times; broken framing is reported. */
#include "tests/video/video-harness.h"

#include "net/io/chan_stream.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

typedef struct {
    GSocket *peer;        /* blocking, read by hand */
    LcChanStream *stream; /* the other end */
    GArray *dropped;      /* guint64 tags */
    guint max_waiting;
    GArray *frames;  /* received by the stream: guint64 seq */
    GPtrArray *kept; /* where set: each frame's data, kept beyond the callback */
    gint64 first_us, last_us;
    GError *error; /* bad_frame or closed */
    gboolean closed;
} Pair;

/* Notes a dropped frame. */
static void on_dropped(LcChanStream *stream, guint64 tag, gpointer data)
{
    Pair *p = data;
    g_array_append_val(p->dropped, tag);
}

/* Notes a received frame and its times. */
static void on_frame(LcChanStream *stream, const LcWireHeader *header, const guint8 *payload,
                     gint64 first_us, gint64 last_us, gpointer data)
{
    Pair *p = data;
    LcWireMsg msg;
    g_assert_true(chan_stream_decode(stream, header, &msg, NULL));
    g_array_append_val(p->frames, msg.video_frame.seq);
    if (p->kept != NULL)
        g_ptr_array_add(p->kept, g_bytes_ref(msg.video_frame.data));
    p->first_us = first_us;
    p->last_us = last_us;
    wire_msg_clear(&msg);
}

/* Notes broken framing. */
static void on_bad_frame(LcChanStream *stream, const GError *error, gpointer data)
{
    Pair *p = data;
    g_clear_error(&p->error);
    p->error = g_error_copy(error);
}

/* Notes the close. */
static void on_closed(LcChanStream *stream, const GError *error, gpointer data)
{
    Pair *p = data;
    p->closed = TRUE;
    if (error != NULL && p->error == NULL)
        p->error = g_error_copy(error);
}

static const LcChanStreamEvents events = {
    .frame = on_frame,
    .bad_frame = on_bad_frame,
    .dropped = on_dropped,
    .closed = on_closed,
};

/* Connects a blocking peer to an LcChanStream over loopback TCP. */
static void pair_open(Pair *p, const LcChanStreamLimits *limits, gint buffer)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) listener =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
    g_assert_true(g_socket_bind(listener, any, TRUE, &error));
    g_assert_true(g_socket_listen(listener, &error));
    g_autoptr(GSocketAddress) where = g_socket_get_local_address(listener, &error);
    p->peer =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    if (buffer > 0)
        g_socket_set_option(p->peer, SOL_SOCKET, SO_RCVBUF, buffer, NULL);
    g_assert_true(g_socket_connect(p->peer, where, NULL, &error));
    g_autoptr(GSocket) server = g_socket_accept(listener, NULL, &error);
    g_assert_no_error(error);
    if (buffer > 0)
        g_socket_set_option(server, SOL_SOCKET, SO_SNDBUF, buffer, NULL);
    p->dropped = g_array_new(FALSE, FALSE, sizeof(guint64));
    p->frames = g_array_new(FALSE, FALSE, sizeof(guint64));
    p->stream = chan_stream_new(server, limits, &events, p);
    chan_stream_start(p->stream);
}

/* Closes both ends. */
static void pair_close(Pair *p)
{
    chan_stream_free(p->stream);
    g_object_unref(p->peer);
    g_array_unref(p->dropped);
    g_array_unref(p->frames);
    g_clear_error(&p->error);
}

/* Reads exactly len bytes from the peer, or FALSE at EOF or after timeout. */
static gboolean peer_read(GSocket *peer, guint8 *buf, gsize len, guint timeout_ms)
{
    while (len > 0) {
        if (!g_socket_condition_timed_wait(peer, G_IO_IN, (gint64)timeout_ms * 1000, NULL, NULL))
            return FALSE;
        gssize n = g_socket_receive(peer, (char *)buf, len, NULL, NULL);
        if (n <= 0)
            return FALSE;
        buf += n;
        len -= (gsize)n;
    }
    return TRUE;
}

/* Reads one whole frame from the peer and decodes it. */
static gboolean peer_read_msg(GSocket *peer, LcWireMsg *msg, guint timeout_ms)
{
    guint8 head[WIRE_HEADER_SIZE];
    if (!peer_read(peer, head, sizeof(head), timeout_ms))
        return FALSE;
    LcWireHeader header;
    g_assert_true(wire_header_parse(head, &header, NULL));
    g_autofree guint8 *payload = g_malloc(MAX(header.length, 1));
    g_assert_true(peer_read(peer, payload, header.length, 5000));
    g_assert_true(wire_msg_decode(&header, payload, msg, NULL));
    return TRUE;
}

/* A video frame of size bytes, as head + data. */
static GBytes *video_head(guint64 seq, gsize size, GBytes **data)
{
    guint8 *bytes = g_malloc(size);
    memset(bytes, (int)(seq & 0xff), size);
    g_autoptr(GBytes) frame_data = g_bytes_new_take(bytes, size);
    LcWireMsg msg = {.type = WIRE_VIDEO_FRAME};
    msg.video_frame.stream_id = 1;
    msg.video_frame.seq = seq;
    msg.video_frame.data = frame_data;
    return wire_msg_encode_split(&msg, data, NULL);
}

/* The peer stops reading: frames pile up, the oldest unsent are dropped, the
 * queue stays within its limit, control frames all get through; when the peer
 * reads again it gets whole frames only, in order, the newest among them. */
static void test_drop_oldest(void)
{
    LcChanStreamLimits limits = {.queue_frames = 4,
                                 .queue_bytes = G_MAXSIZE,
                                 .control_max = 1 << 20,
                                 .max_payload = 1024,
                                 .notsent_lowat = 16384,
                                 .stamp_offset = -1};
    Pair p = {0};
    pair_open(&p, &limits, 65536);
    const guint64 n = 300;
    for (guint64 seq = 0; seq < n; seq++) {
        g_autoptr(GBytes) data = NULL;
        g_autoptr(GBytes) head = video_head(seq, 20000, &data);
        chan_stream_send_media(p.stream, head, data, seq);
        if (seq % 10 == 0) {
            LcWireMsg ack = {.type = WIRE_VIDEO_ACK};
            ack.video_ack.seq = seq;
            g_autoptr(GBytes) frame = wire_msg_encode(&ack, NULL);
            chan_stream_send(p.stream, frame);
        }
        while (g_main_context_iteration(NULL, FALSE))
            ;
        p.max_waiting = MAX(p.max_waiting, chan_stream_get_queued_frames(p.stream));
    }
    g_assert_cmpuint(p.max_waiting, <=, 4);
    g_assert_cmpuint(p.dropped->len, >, 0);
    for (guint i = 1; i < p.dropped->len; i++)
        g_assert_cmpuint(g_array_index(p.dropped, guint64, i), >,
                         g_array_index(p.dropped, guint64, i - 1));

    /* Now read everything, letting the stream write the rest. */
    guint64 last = 0, videos = 0, acks = 0;
    gboolean any = FALSE;
    while (videos + p.dropped->len < n || acks < n / 10) {
        while (g_main_context_iteration(NULL, FALSE))
            ;
        LcWireMsg msg;
        if (!peer_read_msg(p.peer, &msg, 50))
            continue;
        if (msg.type == WIRE_VIDEO_ACK) {
            acks++;
        } else {
            g_assert_cmpuint(msg.type, ==, WIRE_VIDEO_FRAME);
            g_assert_cmpuint(g_bytes_get_size(msg.video_frame.data), ==, 20000);
            g_assert_true(!any || msg.video_frame.seq > last);
            last = msg.video_frame.seq;
            any = TRUE;
            videos++;
        }
        wire_msg_clear(&msg);
    }
    g_assert_cmpuint(videos + p.dropped->len, ==, n);
    g_assert_cmpuint(last, ==, n - 1); /* the freshest frame always goes */
    g_assert_cmpuint(acks, ==, n / 10);
    pair_close(&p);
}

/* A frame that arrives in two parts has its first-byte time from the first
 * part and its last-byte time from the second. */
static void test_first_last(void)
{
    LcChanStreamLimits limits = {.queue_frames = 4,
                                 .queue_bytes = G_MAXSIZE,
                                 .control_max = 1 << 20,
                                 .max_payload = 1 << 20,
                                 .stamp_offset = -1};
    Pair p = {0};
    pair_open(&p, &limits, 0);
    g_autoptr(GBytes) data = g_bytes_new_take(g_malloc0(100000), 100000);
    LcWireMsg msg = {.type = WIRE_VIDEO_FRAME};
    msg.video_frame.seq = 42;
    msg.video_frame.data = data;
    g_autoptr(GBytes) frame = wire_msg_encode(&msg, NULL);
    const guint8 *bytes = g_bytes_get_data(frame, NULL);
    test_raw_send_bytes(p.peer, bytes, 5000);
    video_run_for(60);
    g_assert_cmpuint(p.frames->len, ==, 0);
    test_raw_send_bytes(p.peer, bytes + 5000, g_bytes_get_size(frame) - 5000);
    while (p.frames->len == 0)
        g_main_context_iteration(NULL, TRUE);
    g_assert_cmpuint(g_array_index(p.frames, guint64, 0), ==, 42);
    g_assert_cmpint(p.last_us - p.first_us, >=, 50000);
    pair_close(&p);
}

/* Many small frames in one write are delivered in place, a frame trickling
 * in a few bytes at a time is assembled; either way a payload the owner keeps
 * beyond the callback stays intact while later reads reuse the buffers. */
static void test_in_place_and_split(void)
{
    LcChanStreamLimits limits;
    chan_stream_limits_init(&limits);
    Pair p = {.kept = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref)};
    pair_open(&p, &limits, 0);
    const guint n = 40;
    g_autoptr(GByteArray) wire = g_byte_array_new();
    for (guint64 seq = 1; seq <= n; seq++) {
        g_autoptr(GBytes) data = NULL;
        g_autoptr(GBytes) head = video_head(seq, seq * 3, &data);
        g_byte_array_append(wire, g_bytes_get_data(head, NULL), (guint)g_bytes_get_size(head));
        g_byte_array_append(wire, g_bytes_get_data(data, NULL), (guint)g_bytes_get_size(data));
    }
    /* The first half in one write, the rest 7 bytes at a time. */
    gsize half = wire->len / 2;
    test_raw_send_bytes(p.peer, wire->data, half);
    for (gsize at = half; at < wire->len; at += 7) {
        test_raw_send_bytes(p.peer, wire->data + at, MIN(7, wire->len - at));
        video_run_for(1);
    }
    while (p.frames->len < n && p.error == NULL)
        g_main_context_iteration(NULL, TRUE);
    g_assert_no_error(p.error);
    g_assert_cmpuint(p.kept->len, ==, n);
    for (guint i = 0; i < n; i++) {
        guint64 seq = g_array_index(p.frames, guint64, i);
        g_assert_cmpuint(seq, ==, i + 1);
        gsize size = 0;
        const guint8 *bytes = g_bytes_get_data(g_ptr_array_index(p.kept, i), &size);
        g_assert_cmpuint(size, ==, seq * 3);
        for (gsize j = 0; j < size; j++)
            g_assert_cmpuint(bytes[j], ==, seq & 0xff);
    }
    g_ptr_array_unref(p.kept);
    pair_close(&p);
}

/* Large frames arriving in uneven pieces are read straight into their own
 * buffers while much of them is still to come, then through the staging
 * buffer for their last bytes and the small frames after them: every frame
 * arrives whole, in order, byte for byte. Sizes sit around the point where
 * the direct reads start (16384 bytes to come). */
static void test_large_frames_direct(void)
{
    LcChanStreamLimits limits;
    chan_stream_limits_init(&limits);
    limits.max_payload = 1 << 20;
    Pair p = {.kept = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref)};
    pair_open(&p, &limits, 0);
    static const gsize sizes[] = {300000, 16383, 16384, 16385, 3, 100000, 40000, 1, 250001};
    const guint n = G_N_ELEMENTS(sizes);
    g_autoptr(GByteArray) wire = g_byte_array_new();
    for (guint i = 0; i < n; i++) {
        g_autoptr(GBytes) data = NULL;
        g_autoptr(GBytes) head = video_head(i + 1, sizes[i], &data);
        g_byte_array_append(wire, g_bytes_get_data(head, NULL), (guint)g_bytes_get_size(head));
        g_byte_array_append(wire, g_bytes_get_data(data, NULL), (guint)g_bytes_get_size(data));
    }
    static const gsize pieces[] = {1000, 30000, 65537, 7, 200000, 12345, 99999};
    for (gsize at = 0, k = 0; at < wire->len; k++) {
        gsize piece = MIN(pieces[k % G_N_ELEMENTS(pieces)], wire->len - at);
        test_raw_send_bytes(p.peer, wire->data + at, piece);
        at += piece;
        video_run_for(1);
    }
    while (p.frames->len < n && p.error == NULL)
        g_main_context_iteration(NULL, TRUE);
    g_assert_no_error(p.error);
    g_assert_cmpuint(p.kept->len, ==, n);
    for (guint i = 0; i < n; i++) {
        g_assert_cmpuint(g_array_index(p.frames, guint64, i), ==, i + 1);
        gsize size = 0;
        const guint8 *bytes = g_bytes_get_data(g_ptr_array_index(p.kept, i), &size);
        g_assert_cmpuint(size, ==, sizes[i]);
        for (gsize j = 0; j < size; j++)
            if (bytes[j] != ((i + 1) & 0xff))
                g_assert_cmpuint(bytes[j], ==, (i + 1) & 0xff);
    }
    g_ptr_array_unref(p.kept);
    pair_close(&p);
}

/* Discarding what is unsent keeps the framing (a half-written frame goes out
 * whole) and lets a last frame go out right after: the peer reads whole
 * frames, fewer than were queued, then that last one. */
static void test_discard_unsent(void)
{
    LcChanStreamLimits limits;
    chan_stream_limits_init(&limits);
    Pair p = {0};
    pair_open(&p, &limits, 16384);
    const guint n = 200;
    for (guint64 seq = 1; seq <= n; seq++) {
        g_autoptr(GBytes) data = NULL;
        g_autoptr(GBytes) head = video_head(seq, 20000, &data);
        g_autoptr(GByteArray) whole = g_byte_array_new();
        g_byte_array_append(whole, g_bytes_get_data(head, NULL), (guint)g_bytes_get_size(head));
        g_byte_array_append(whole, g_bytes_get_data(data, NULL), (guint)g_bytes_get_size(data));
        g_autoptr(GBytes) frame = g_byte_array_free_to_bytes(g_steal_pointer(&whole));
        chan_stream_send(p.stream, frame);
    }
    video_run_for(50); /* the kernel takes what it can; the rest waits here */
    gsize queued = chan_stream_get_queued_bytes(p.stream);
    g_assert_cmpuint(queued, >, 0);
    gsize dropped = chan_stream_discard_unsent(p.stream);
    g_assert_cmpuint(dropped, >, 0);
    g_assert_cmpuint(chan_stream_get_queued_bytes(p.stream), ==, queued - dropped);
    g_assert_cmpuint(queued - dropped, <, 20000 + 64); /* at most the frame half written */
    g_autoptr(GBytes) last = wire_encode_error(WIRE_ERR_SLOW_CONSUMER, TRUE, 0, "bye");
    chan_stream_send(p.stream, last);

    guint frames = 0;
    gboolean got_last = FALSE;
    while (!got_last) {
        while (g_main_context_iteration(NULL, FALSE))
            ;
        LcWireMsg msg;
        if (!peer_read_msg(p.peer, &msg, 50))
            continue;
        if (msg.type == WIRE_ERROR) {
            g_assert_cmpuint(msg.error.code, ==, WIRE_ERR_SLOW_CONSUMER);
            got_last = TRUE;
        } else {
            g_assert_cmpuint(msg.type, ==, WIRE_VIDEO_FRAME);
            g_assert_cmpuint(msg.video_frame.seq, ==, frames + 1); /* whole, in order */
            frames++;
        }
        wire_msg_clear(&msg);
    }
    g_assert_cmpuint(frames, >, 0);
    g_assert_cmpuint(frames, <, n);
    g_assert_cmpuint(chan_stream_get_queued_bytes(p.stream), ==, 0);
    pair_close(&p);
}

/* Control frames piling up beyond the limit mean the peer is not reading:
 * the stream closes with SLOW_CONSUMER, after the call that broke it. */
static void test_slow_consumer(void)
{
    LcChanStreamLimits limits = {.queue_frames = 4,
                                 .queue_bytes = G_MAXSIZE,
                                 .control_max = 4096,
                                 .max_payload = 1024,
                                 .stamp_offset = -1};
    Pair p = {0};
    pair_open(&p, &limits, 0);
    LcWireMsg ack = {.type = WIRE_VIDEO_ACK};
    g_autoptr(GBytes) frame = wire_msg_encode(&ack, NULL);
    for (guint i = 0; i < 200; i++)
        chan_stream_send(p.stream, frame);
    g_assert_false(p.closed);
    g_assert_true(test_wait_flag(&p.closed, 5000));
    g_assert_error(p.error, LC_WIRE_ERROR, WIRE_ERR_SLOW_CONSUMER);
    pair_close(&p);
}

/* Broken framing: a bad magic, and a length over this stream's limit. */
static void test_bad_framing(void)
{
    LcChanStreamLimits limits = {.queue_frames = 4,
                                 .queue_bytes = G_MAXSIZE,
                                 .control_max = 4096,
                                 .max_payload = 1024,
                                 .stamp_offset = -1};
    static const guint8 bad_magic[] = {'X', 'C', 1, 0x30, 0, 0, 0, 0, 0, 0};
    static const guint8 too_long[] = {'L', 'C', 1, 0x2A, 0, 0, 0, 0, 0x04, 0x01};
    const guint8 *cases[] = {bad_magic, too_long};
    const gint codes[] = {WIRE_ERR_BAD_FRAME, WIRE_ERR_TOO_LARGE};
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        Pair p = {0};
        pair_open(&p, &limits, 0);
        test_raw_send_bytes(p.peer, cases[i], WIRE_HEADER_SIZE);
        while (p.error == NULL)
            g_main_context_iteration(NULL, TRUE);
        g_assert_error(p.error, LC_WIRE_ERROR, codes[i]);
        pair_close(&p);
    }
}

/* Registers the tests. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/video/stream/drop-oldest", test_drop_oldest);
    g_test_add_func("/video/stream/first-last-times", test_first_last);
    g_test_add_func("/video/stream/in-place-and-split", test_in_place_and_split);
    g_test_add_func("/video/stream/large-frames-direct", test_large_frames_direct);
    g_test_add_func("/video/stream/discard-unsent", test_discard_unsent);
    g_test_add_func("/video/stream/slow-consumer", test_slow_consumer);
    g_test_add_func("/video/stream/bad-framing", test_bad_framing);
    return g_test_run();
}
