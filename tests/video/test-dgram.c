/* test-dgram.c: the UDP datagram format (net/wire/chan_dgram.c) and the camera
 * channels' TCP message types (net/wire/wire.c), table-driven against
 * docs/PROTOCOL.md: round trips, every malformed case, garbage. */
#include "net/wire/chan_dgram.h"
#include "tests/test-rows.h"
#include "net/wire/media_kind.h"
#include "net/wire/wire.h"

#include <string.h>

#define FRAME_MAX (4 * 1024 * 1024)

/* Writes a datagram, with payload bytes after a fragment's header. */
static gsize build(const LcDgram *d, const guint8 *payload, gsize payload_len, guint8 *buf)
{
    gsize n = chan_dgram_write(d, buf);
    if (d->type == DGRAM_FRAG && payload_len > 0)
        memcpy(buf + n, payload, payload_len);
    return d->type == DGRAM_FRAG ? n + payload_len : n;
}

/* A fragment datagram of a 3000-byte frame. */
static LcDgram sample_frag(guint index)
{
    LcDgram d = {.type = DGRAM_FRAG, .stream_id = 7, .token = 0x0102030405060708, .viewer_id = 9};
    d.frag.meta.stream_id = 7;
    d.frag.meta.seq = 0xAABBCCDDEEFF0011;
    d.frag.index = (guint16)index;
    d.frag.count = 3;
    d.frag.frame_size = 3000;
    d.frag.meta.capture_us = 1700000000000000;
    d.frag.meta.send_us = 1700000000000123;
    d.frag.meta.codec = 2;
    d.frag.meta.flags = 0x8001;
    return d;
}

/* Every datagram type encodes and decodes back to the same fields; sizes are
 * the documented ones. */
static void test_roundtrip(void)
{
    guint8 payload[FRAG_PAYLOAD_MAX];
    for (guint i = 0; i < sizeof(payload); i++)
        payload[i] = (guint8)i;
    guint8 buf[DGRAM_MAX_SIZE + 1];
    LcDgram got;

    LcDgram frag = sample_frag(2);
    gsize n = build(&frag, payload, 600, buf);
    g_assert_cmpuint(n, ==, DGRAM_FRAG_HEADER_SIZE + 600);
    g_assert_true(chan_dgram_parse(buf, n, FRAME_MAX, &got, NULL));
    g_assert_cmpuint(got.type, ==, DGRAM_FRAG);
    g_assert_cmpuint(got.stream_id, ==, 7);
    g_assert_cmphex(got.token, ==, 0x0102030405060708);
    g_assert_cmpuint(got.viewer_id, ==, 9);
    g_assert_cmphex(got.frag.meta.seq, ==, 0xAABBCCDDEEFF0011);
    g_assert_cmpuint(got.frag.index, ==, 2);
    g_assert_cmpuint(got.frag.count, ==, 3);
    g_assert_cmpuint(got.frag.frame_size, ==, 3000);
    g_assert_cmpint(got.frag.meta.capture_us, ==, 1700000000000000);
    g_assert_cmpint(got.frag.meta.send_us, ==, 1700000000000123);
    g_assert_cmpuint(got.frag.meta.codec, ==, 2);
    g_assert_cmphex(got.frag.meta.flags, ==, 0x8001);
    g_assert_cmpmem(got.frag.payload, got.frag.payload_len, payload, 600);

    LcDgram ack = {.type = DGRAM_ACK, .stream_id = 1, .token = 2, .viewer_id = 3};
    ack.ack.seq = 4;
    ack.ack.first_us = 5;
    ack.ack.last_us = 6;
    ack.ack.clock_offset_us = -123456;
    n = build(&ack, NULL, 0, buf);
    g_assert_cmpuint(n, ==, DGRAM_ACK_SIZE);
    g_assert_true(chan_dgram_parse(buf, n, FRAME_MAX, &got, NULL));
    g_assert_cmpmem(&got.ack, sizeof(got.ack), &ack.ack, sizeof(ack.ack));

    LcDgram hello = {.type = DGRAM_HELLO, .stream_id = 1, .token = 2};
    hello.hello.role = WIRE_VIDEO_ROLE_SENDER;
    hello.hello.t1 = 99;
    n = build(&hello, NULL, 0, buf);
    g_assert_cmpuint(n, ==, DGRAM_HELLO_SIZE);
    g_assert_true(chan_dgram_parse(buf, n, FRAME_MAX, &got, NULL));
    g_assert_cmpuint(got.hello.role, ==, WIRE_VIDEO_ROLE_SENDER);
    g_assert_cmpint(got.hello.t1, ==, 99);

    hello.type = DGRAM_HELLO_ACK;
    hello.hello.role = WIRE_VIDEO_ROLE_VIEWER;
    hello.hello.t2 = 100;
    n = build(&hello, NULL, 0, buf);
    g_assert_cmpuint(n, ==, DGRAM_HELLO_ACK_SIZE);
    g_assert_true(chan_dgram_parse(buf, n, FRAME_MAX, &got, NULL));
    g_assert_cmpint(got.hello.t1, ==, 99);
    g_assert_cmpint(got.hello.t2, ==, 100);
}

/* A valid fragment (index 0 of a 3000-byte frame, 1200 bytes) with one
 * change: the type set (0: kept), a byte poked (offset < 0: none), the
 * length cut or grown (-1: kept). */
typedef struct {
    const char *name;
    guint8 type;
    gint offset;
    guint8 value;
    gssize length;
    gint code;
} MalformedRow;

/* Datagrams that break a rule, in the order the rules are checked. */
static const MalformedRow malformed_rows[] = {
    {"empty", 0, -1, 0, 0, WIRE_ERR_BAD_FRAME},
    {"short-header", 0, -1, 0, DGRAM_HEADER_SIZE - 1, WIRE_ERR_BAD_FRAME},
    {"bad-magic", 0, 1, 'C', -1, WIRE_ERR_BAD_FRAME}, /* "LC": a TCP frame is no datagram */
    {"version-2", 0, 2, 2, -1, WIRE_ERR_UNSUPPORTED_VERSION},
    {"type-0", 0, 3, 0, -1, WIRE_ERR_UNKNOWN_TYPE},
    {"type-5", 0, 3, 5, -1, WIRE_ERR_UNKNOWN_TYPE},
    {"oversize", 0, -1, 0, DGRAM_MAX_SIZE + 1, WIRE_ERR_TOO_LARGE},
    {"short-fragment-header", 0, -1, 0, DGRAM_FRAG_HEADER_SIZE - 1, WIRE_ERR_BAD_FRAME},
    {"index-equals-count", 0, 29, 3, -1, WIRE_ERR_BAD_FRAME},
    {"count-does-not-fit", 0, 31, 4, -1, WIRE_ERR_BAD_FRAME},
    {"payload-short", 0, -1, 0, DGRAM_MAX_SIZE - 1, WIRE_ERR_BAD_FRAME},
    {"frame-over-limit", 0, 32, 0x7F, -1, WIRE_ERR_TOO_LARGE},
    {"ack-long", DGRAM_ACK, -1, 0, DGRAM_ACK_SIZE + 1, WIRE_ERR_BAD_FRAME},
    {"ack-short", DGRAM_ACK, -1, 0, DGRAM_ACK_SIZE - 1, WIRE_ERR_BAD_FRAME},
    {"hello-long", DGRAM_HELLO, -1, 0, DGRAM_HELLO_SIZE + 1, WIRE_ERR_BAD_FRAME},
    {"hello-bad-role", DGRAM_HELLO, 20, 3, DGRAM_HELLO_SIZE, WIRE_ERR_BAD_FRAME},
};

/* A mangled datagram fails with its code. */
static void test_malformed(gconstpointer data)
{
    const MalformedRow *row = data;
    guint8 buf[DGRAM_MAX_SIZE + 16] = {0};
    guint8 payload[FRAG_PAYLOAD_MAX] = {0};
    LcDgram frag = sample_frag(0);
    gsize n = build(&frag, payload, FRAG_PAYLOAD_MAX, buf);
    if (row->type != 0)
        buf[3] = row->type;
    if (row->offset >= 0)
        buf[row->offset] = row->value;
    if (row->length >= 0)
        n = (gsize)row->length;
    g_autofree guint8 *exact = g_memdup2(buf, MAX(n, 1));
    LcDgram got;
    g_autoptr(GError) error = NULL;
    g_assert_false(chan_dgram_parse(exact, n, FRAME_MAX, &got, &error));
    g_assert_error(error, LC_WIRE_ERROR, row->code);
}

/* Random bytes, and random bytes behind a valid magic and version, never
 * crash the parser; whatever it accepts writes back to the same header. */
static void test_garbage(void)
{
    GRand *rand = g_rand_new_with_seed(7);
    guint8 buf[DGRAM_MAX_SIZE + 1], again[DGRAM_FRAG_HEADER_SIZE];
    for (guint i = 0; i < 20000; i++) {
        gsize n = (gsize)g_rand_int_range(rand, 0, sizeof(buf) + 1);
        for (gsize j = 0; j < n; j++)
            buf[j] = (guint8)g_rand_int(rand);
        if (i % 2 == 0 && n >= 4) {
            buf[0] = DGRAM_MAGIC_0;
            buf[1] = DGRAM_MAGIC_1;
            buf[2] = DGRAM_VERSION;
            buf[3] = (guint8)g_rand_int_range(rand, 1, 5);
        }
        g_autofree guint8 *exact = g_memdup2(buf, MAX(n, 1));
        LcDgram got;
        if (!chan_dgram_parse(exact, n, FRAME_MAX, &got, NULL))
            continue;
        gsize m = chan_dgram_write(&got, again);
        g_assert_cmpmem(again, m, exact, m);
    }
    g_rand_free(rand);
}

/* Encodes msg, decodes it back (from a plain buffer and from GBytes) and
 * checks that it encodes to the same bytes again. */
static void roundtrip_msg(const LcWireMsg *msg)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) frame = wire_msg_encode(msg, &error);
    g_assert_no_error(error);
    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data(frame, &size);
    LcWireHeader header;
    g_assert_true(wire_header_parse(bytes, &header, &error));
    g_assert_cmpuint(header.length, ==, size - WIRE_HEADER_SIZE);
    g_autoptr(GBytes) payload = g_bytes_new_from_bytes(frame, WIRE_HEADER_SIZE, header.length);
    LcWireMsg a, b;
    g_assert_true(wire_msg_decode(&header, bytes + WIRE_HEADER_SIZE, &a, &error));
    g_assert_true(wire_msg_decode_bytes(&header, payload, &b, &error));
    g_autoptr(GBytes) again_a = wire_msg_encode(&a, &error);
    g_autoptr(GBytes) again_b = wire_msg_encode(&b, &error);
    g_assert_true(g_bytes_equal(again_a, frame));
    g_assert_true(g_bytes_equal(again_b, frame));
    wire_msg_clear(&a);
    wire_msg_clear(&b);
}

/* Every new type round-trips with fields at their limits. */
static void test_messages_roundtrip(void)
{
    char nick[WIRE_NICK_MAX + 1];
    memset(nick, 'n', WIRE_NICK_MAX);
    nick[WIRE_NICK_MAX] = '\0';
    g_autofree char *reason = g_strnfill(WIRE_VIDEO_REASON_MAX, 'r');
    g_autoptr(GBytes) data = g_bytes_new_take(g_malloc0(100000), 100000);
    g_autoptr(GBytes) key = g_bytes_new_take(g_malloc0(WIRE_UDP_KEY_SIZE), WIRE_UDP_KEY_SIZE);
    LcWireMsg msgs[] = {
        {.type = WIRE_STREAM_OPEN, .stream_open = {WIRE_CHANNELS_ALL}},
        {.type = WIRE_STREAM_READY, .stream_ready = {G_MAXUINT32, G_MAXUINT64, 65535, 3, 1, key}},
        {.type = WIRE_STREAM_CLOSE, .stream_close = {5}},
        {.type = WIRE_VIEW, .view = {nick, WIRE_CHANNEL_UDP}},
        {.type = WIRE_VIEW_READY, .view_ready = {1, 2, 3, 4, WIRE_CHANNEL_TCP, 6, nick, key}},
        {.type = WIRE_VIEW_END, .view_end = {1, 2, nick, reason}},
        {.type = WIRE_VIEW_CLOSE, .view_close = {nick}},
        {.type = WIRE_VIDEO_REFUSED, .video_refused = {WIRE_VIEW, WIRE_ERR_BAD_NICK, nick, "no"}},
        {.type = WIRE_VIDEO_HELLO, .video_hello = {WIRE_VIDEO_ROLE_VIEWER, 1, 2, 3}},
        {.type = WIRE_VIDEO_READY, .video_ready = {WIRE_VIDEO_ROLE_SENDER, 1, 0, 9}},
        {.type = WIRE_VIDEO_FRAME, .video_frame = {1, 2, 3, 4, 5, 6, data}},
        {.type = WIRE_VIDEO_FRAME, .video_frame = {1, 2, 3, 4, 5, 6, NULL}},
        {.type = WIRE_VIDEO_ACK, .video_ack = {1, 2, 3, 4, 5, (guint64)-7}},
        {.type = WIRE_STREAM_NOTICE, .stream_notice = {WIRE_STREAM_STARTED, 7, nick, 3}},
        {.type = WIRE_STATS_REQUEST, .stats_request = {8}},
        {.type = WIRE_STATS_STREAM, .stats_stream = {1, 2, nick, 3, 4, {5, 6}, {7, 8}, 9, 10, 11}},
        {.type = WIRE_STATS_VIEWER,
         .stats_viewer = {1, 2, 3, nick, {4, 5}, {6, 7}, {8, 9}, {10, 11}, 12}},
        {.type = WIRE_STATS_END, .stats_end = {1, 2, 3, 4, 5, 6}},
        /* An audio stream's set-up says so in the flags. */
        {.type = WIRE_STREAM_OPEN, .flags = WIRE_FLAG_AUDIO, .stream_open = {WIRE_CHANNEL_UDP}},
        {.type = WIRE_VIEW_READY,
         .flags = WIRE_FLAG_AUDIO,
         .view_ready = {1, 2, 3, 4, WIRE_CHANNEL_UDP, 6, nick, NULL}},
    };
    for (guint i = 0; i < G_N_ELEMENTS(msgs); i++) {
        g_test_message("%s", wire_type_name(msgs[i].type));
        roundtrip_msg(&msgs[i]);
    }
}

/* The media kind travels in the flags of every stream set-up and statistics
 * message, and only there: another flag bit, or the audio bit on a frame or
 * an ACK, is BAD_FRAME. */
static void test_media_flags(void)
{
    static const guint8 setup[] = {WIRE_STREAM_OPEN,   WIRE_STREAM_READY, WIRE_VIEW,
                                   WIRE_VIEW_READY,    WIRE_VIEW_END,     WIRE_VIEW_CLOSE,
                                   WIRE_VIDEO_REFUSED, WIRE_STATS_STREAM, WIRE_STATS_VIEWER,
                                   WIRE_STREAM_NOTICE};
    for (guint m = 0; m < LC_MEDIA_KINDS; m++) {
        LcMediaKind back;
        g_assert_true(media_kind_from_name(media_kind_name(m), &back));
        g_assert_cmpint(back, ==, m);
        g_assert_cmpint(media_kind_from_flags(media_kind_to_flags(m)), ==, m);
    }
    g_assert_false(media_kind_from_name("smell", NULL));
    for (guint i = 0; i < G_N_ELEMENTS(setup); i++) {
        guint8 head[WIRE_HEADER_SIZE] = {'L', 'C', WIRE_VERSION, setup[i]};
        LcWireHeader header;
        g_assert_true(wire_header_parse(head, &header, NULL));
        header.flags = WIRE_FLAG_AUDIO | 0x0008;
        LcWireMsg msg;
        g_autoptr(GError) error = NULL;
        g_assert_false(wire_msg_decode(&header, (const guint8 *)"", &msg, &error));
        g_assert_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME);
        g_assert_nonnull(strstr(error->message, "0x0008"));
    }
    static const guint8 per_frame[] = {WIRE_VIDEO_FRAME, WIRE_VIDEO_ACK, WIRE_VIDEO_HELLO};
    for (guint i = 0; i < G_N_ELEMENTS(per_frame); i++) {
        LcWireHeader header = {.type = per_frame[i], .flags = WIRE_FLAG_AUDIO};
        LcWireMsg msg;
        g_autoptr(GError) error = NULL;
        g_assert_false(wire_msg_decode(&header, (const guint8 *)"", &msg, &error));
        g_assert_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME);
    }
}

/* VIDEO_FRAME's data is not copied when decoded from GBytes, and the split
 * encoding (head + data, for a gathered write) equals the whole frame. */
static void test_frame_split_and_share(void)
{
    g_autoptr(GBytes) data = g_bytes_new_take(g_malloc0(5000), 5000);
    LcWireMsg msg = {.type = WIRE_VIDEO_FRAME, .video_frame = {1, 2, 3, 4, 5, 6, data}};
    g_autoptr(GBytes) whole = wire_msg_encode(&msg, NULL);
    g_autoptr(GBytes) tail = NULL;
    g_autoptr(GBytes) head = wire_msg_encode_split(&msg, &tail, NULL);
    g_assert_cmpuint(g_bytes_get_size(head), ==, WIRE_HEADER_SIZE + WIRE_VIDEO_FRAME_HEAD);
    g_assert_true(tail == data);
    g_autoptr(GByteArray) joined = g_byte_array_new();
    g_byte_array_append(joined, g_bytes_get_data(head, NULL), (guint)g_bytes_get_size(head));
    g_byte_array_append(joined, g_bytes_get_data(tail, NULL), (guint)g_bytes_get_size(tail));
    g_assert_cmpmem(joined->data, joined->len, g_bytes_get_data(whole, NULL),
                    g_bytes_get_size(whole));

    LcWireHeader header;
    g_assert_true(wire_header_parse(g_bytes_get_data(whole, NULL), &header, NULL));
    g_autoptr(GBytes) payload =
        g_bytes_new_from_bytes(whole, WIRE_HEADER_SIZE, g_bytes_get_size(whole) - 10);
    LcWireMsg got;
    g_assert_true(wire_msg_decode_bytes(&header, payload, &got, NULL));
    const guint8 *base = g_bytes_get_data(payload, NULL);
    g_assert_true(g_bytes_get_data(got.video_frame.data, NULL) == base + WIRE_VIDEO_FRAME_HEAD);
    wire_msg_clear(&got);

    /* A message without a data field cannot be split. */
    LcWireMsg ack = {.type = WIRE_VIDEO_ACK};
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) none = NULL;
    g_assert_null(wire_msg_encode_split(&ack, &none, &error));
    g_assert_nonnull(error);
}

typedef struct {
    const char *name;
    guint8 type;
    const char *hex; /* the payload */
    gint code;
} BadPayloadRow;

/* Payloads of the new types that break a rule. */
static const BadPayloadRow bad_rows[] = {
    {"stream-open-channels-0", WIRE_STREAM_OPEN, "00", WIRE_ERR_BAD_FRAME},
    {"stream-open-channels-4", WIRE_STREAM_OPEN, "04", WIRE_ERR_BAD_FRAME},
    {"stream-open-trailing", WIRE_STREAM_OPEN, "0300", WIRE_ERR_BAD_FRAME},
    {"stream-open-empty", WIRE_STREAM_OPEN, "", WIRE_ERR_BAD_FRAME},
    {"view-channels-0", WIRE_VIEW, "0001 61 00", WIRE_ERR_BAD_FRAME},
    {"view-nick-33", WIRE_VIEW,
     "0021 6161616161616161616161616161616161616161616161616161616161616161 61 03",
     WIRE_ERR_BAD_NICK},
    {"view-nick-bad-utf8", WIRE_VIEW, "0002 C328 03", WIRE_ERR_BAD_UTF8},
    {"video-hello-role-0", WIRE_VIDEO_HELLO, "00 00000001 00000000 0000000000000001",
     WIRE_ERR_BAD_FRAME},
    {"video-hello-role-3", WIRE_VIDEO_HELLO, "03 00000001 00000000 0000000000000001",
     WIRE_ERR_BAD_FRAME},
    {"video-hello-truncated", WIRE_VIDEO_HELLO, "01 00000001 00000000 00000000000000",
     WIRE_ERR_BAD_FRAME},
    {"video-ack-truncated", WIRE_VIDEO_ACK, "00000001 00000000 0000000000000001",
     WIRE_ERR_BAD_FRAME},
    {"video-frame-truncated-head", WIRE_VIDEO_FRAME, "00000001 0000000000000002 00",
     WIRE_ERR_BAD_FRAME},
    {"view-ready-nick-empty", WIRE_VIEW_READY,
     "00000001 00000002 0000000000000003 1C3C 01 00001000 0000", WIRE_ERR_BAD_FRAME},
};

/* Parses hex digits, ignoring spaces. */
static GByteArray *hex_bytes(const char *hex)
{
    GByteArray *out = g_byte_array_new();
    for (const char *p = hex; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        guint8 b = (guint8)(g_ascii_xdigit_value(p[0]) * 16 + g_ascii_xdigit_value(p[1]));
        g_byte_array_append(out, &b, 1);
        p += 2;
    }
    return out;
}

/* A bad payload fails with its code and leaves nothing allocated. */
static void test_bad_payload(gconstpointer data)
{
    const BadPayloadRow *row = data;
    g_autoptr(GByteArray) payload = hex_bytes(row->hex);
    LcWireHeader header = {WIRE_VERSION, row->type, 0, payload->len};
    g_autofree guint8 *exact = g_memdup2(payload->data, MAX(payload->len, 1));
    LcWireMsg msg;
    g_autoptr(GError) error = NULL;
    g_assert_false(wire_msg_decode(&header, exact, &msg, &error));
    g_assert_error(error, LC_WIRE_ERROR, row->code);
}

/* A VIDEO_FRAME over the codec's limit is refused by the header check. */
static void test_frame_too_large(void)
{
    guint32 length = WIRE_VIDEO_FRAME_HEAD + WIRE_VIDEO_FRAME_MAX + 1;
    guint8 head[WIRE_HEADER_SIZE] = {0x4C,
                                     0x43,
                                     1,
                                     WIRE_VIDEO_FRAME,
                                     0,
                                     0,
                                     (guint8)(length >> 24),
                                     (guint8)(length >> 16),
                                     (guint8)(length >> 8),
                                     (guint8)length};
    LcWireHeader header;
    g_autoptr(GError) error = NULL;
    g_assert_false(wire_header_parse(head, &header, &error));
    g_assert_error(error, LC_WIRE_ERROR, WIRE_ERR_TOO_LARGE);
}

/* The one fragment writer: every fragment of a 3000-byte frame parses back
 * with its index, count, size and bytes; its size is what pacing charges;
 * an empty frame is one header-only datagram. */
static void test_fragment_writer(void)
{
    guint8 bytes[3000];
    for (guint i = 0; i < sizeof(bytes); i++)
        bytes[i] = (guint8)(i * 7);
    g_autoptr(GBytes) data = g_bytes_new(bytes, sizeof(bytes));
    guint count = frag_count_for_size(sizeof(bytes));
    g_assert_cmpuint(count, ==, 3);
    for (guint index = 0; index < count; index++) {
        LcDgram d = {.stream_id = 7, .token = 99, .viewer_id = 3};
        d.frag.meta.seq = 42;
        d.frag.meta.codec = 1;
        guint8 head[DGRAM_FRAG_HEADER_SIZE];
        GOutputVector vec[2];
        g_assert_cmpuint(chan_dgram_fragment(&d, data, index, head, vec), ==, 2);
        guint8 wire[DGRAM_MAX_SIZE];
        memcpy(wire, vec[0].buffer, vec[0].size);
        memcpy(wire + vec[0].size, vec[1].buffer, vec[1].size);
        gsize len = vec[0].size + vec[1].size;
        g_assert_cmpuint(len, ==, chan_dgram_fragment_size(sizeof(bytes), index));
        LcDgram back;
        g_autoptr(GError) error = NULL;
        g_assert_true(chan_dgram_parse(wire, len, 1 << 20, &back, &error));
        g_assert_no_error(error);
        g_assert_cmpuint(back.type, ==, DGRAM_FRAG);
        g_assert_cmpuint(back.stream_id, ==, 7);
        g_assert_cmpuint(back.viewer_id, ==, 3);
        g_assert_cmpuint(back.frag.meta.seq, ==, 42);
        g_assert_cmpuint(back.frag.index, ==, index);
        g_assert_cmpuint(back.frag.count, ==, count);
        g_assert_cmpuint(back.frag.frame_size, ==, sizeof(bytes));
        g_assert_cmpmem(wire + DGRAM_FRAG_HEADER_SIZE, len - DGRAM_FRAG_HEADER_SIZE,
                        bytes + index * FRAG_PAYLOAD_MAX, vec[1].size);
    }
    g_autoptr(GBytes) empty = g_bytes_new(NULL, 0);
    LcDgram d = {.stream_id = 1};
    guint8 head[DGRAM_FRAG_HEADER_SIZE];
    GOutputVector vec[2];
    g_assert_cmpuint(chan_dgram_fragment(&d, empty, 0, head, vec), ==, 1);
    g_assert_cmpuint(vec[0].size, ==, DGRAM_FRAG_HEADER_SIZE);
    g_assert_cmpuint(chan_dgram_fragment_size(0, 0), ==, DGRAM_FRAG_HEADER_SIZE);
}

/* Registers the tests. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/video/dgram/roundtrip", test_roundtrip);
    g_test_add_func("/video/dgram/fragment-writer", test_fragment_writer);
    TEST_ADD_ROWS("/video/dgram/malformed", malformed_rows, test_malformed);
    g_test_add_func("/video/dgram/garbage", test_garbage);
    g_test_add_func("/video/wire/roundtrip", test_messages_roundtrip);
    g_test_add_func("/video/wire/frame-split-and-share", test_frame_split_and_share);
    g_test_add_func("/video/wire/media-flags", test_media_flags);
    TEST_ADD_ROWS("/video/wire/bad", bad_rows, test_bad_payload);
    g_test_add_func("/video/wire/frame-too-large", test_frame_too_large);
    return g_test_run();
}
