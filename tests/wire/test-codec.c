/* Tests of the wire codec (net/wire/wire.c) against docs/PROTOCOL.md: every message
 * type encoded, parsed and decoded back with representative and boundary
 * values; the exact bytes of each type; the type table; and every sample cut
 * short at each byte, given a byte too many, and given each undefined flag. */
#include "wire-test-util.h"
#include "tests/test-rows.h"

#include <string.h>

/* Strings exactly at their field limits, filled in by wire_test_fill_limits(). */
static WireTestStrings at_max;
static char text_max_utf8[WIRE_TEXT_MAX + 1];

/* The most members with the longest nick and address that fit WELCOME's
 * 262144-byte payload: 138 bytes of fixed fields, then 100 bytes a member. */
#define WELCOME_MAX_MEMBERS 2620

static LcWireMember members_max[WELCOME_MAX_MEMBERS];
static LcWireMember members_few[] = {
    {"alice", "192.168.1.7:51234"},
    {"Bob[away]", "[fe80::1]:40000"},
    {"c", ""},
};

typedef struct {
    const char *name;
    LcWireMsg msg;
} WireSample;

/* Representative and boundary messages of every type. */
static const WireSample samples[] = {
    {"hello",
     {.type = WIRE_HELLO,
      .hello = {0, "alice", "3f2504e0-4f89-41d3-9a0c-0305e82c3301", 0, WIRE_HISTORY_DEFAULT}}},
    {"hello-max",
     {.type = WIRE_HELLO, .hello = {255, at_max.nick, at_max.instance, G_MAXUINT64, G_MAXUINT32}}},
    {"hello-resume", {.type = WIRE_HELLO, .hello = {0, "bob", "i", 42, 0}}},
    {"hello-empty-nick", {.type = WIRE_HELLO, .hello = {0, "", "x", 0, 50}}},
    {"welcome-no-members",
     {.type = WIRE_WELCOME,
      .welcome = {1, 1700000000000000, "bob", "192.168.1.7:51234", 0, 0, 1, 5, 0, NULL}}},
    {"welcome-few",
     {.type = WIRE_WELCOME,
      .welcome = {7, 1700000000123456, "alice", "[fe80::1]:51234", 1000, 1, 0, 0,
                  G_N_ELEMENTS(members_few), members_few}}},
    {"welcome-max",
     {.type = WIRE_WELCOME,
      .welcome = {G_MAXUINT64, G_MAXUINT64, at_max.nick, at_max.addr, G_MAXUINT64, G_MAXUINT64,
                  G_MAXUINT16, G_MAXUINT16, WELCOME_MAX_MEMBERS, members_max}}},
    {"error",
     {.type = WIRE_ERROR,
      .flags = WIRE_FLAG_FATAL,
      .error = {WIRE_ERR_BAD_NICK, 0, "nick is empty"}}},
    {"error-max", {.type = WIRE_ERROR, .error = {G_MAXUINT16, G_MAXUINT64, at_max.reason}}},
    {"error-empty-reason", {.type = WIRE_ERROR, .error = {WIRE_ERR_RATE_LIMITED, 9, ""}}},
    {"ping", {.type = WIRE_PING, .ping = {1700000000000000, 1}}},
    {"ping-zero", {.type = WIRE_PING, .ping = {0, 0}}},
    {"ping-max", {.type = WIRE_PING, .ping = {G_MAXUINT64, G_MAXUINT64}}},
    {"pong", {.type = WIRE_PONG, .pong = {1, 2, 3, 4}}},
    {"pong-max", {.type = WIRE_PONG, .pong = {G_MAXUINT64, G_MAXUINT64, G_MAXUINT64, G_MAXUINT64}}},
    {"chat", {.type = WIRE_CHAT, .chat = {1, "hello, world"}}},
    {"chat-action", {.type = WIRE_CHAT, .flags = WIRE_FLAG_ACTION, .chat = {2, "waves"}}},
    {"chat-max", {.type = WIRE_CHAT, .chat = {G_MAXUINT64, at_max.text}}},
    {"chat-utf8",
     {.type = WIRE_CHAT,
      .chat =
          {3, "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 \xf0\x9f\x98\x80 \xe6\x97\xa5\xe6\x9c\xac"}}},
    {"chat-utf8-max", {.type = WIRE_CHAT, .chat = {4, text_max_utf8}}},
    {"chat-empty", {.type = WIRE_CHAT, .chat = {5, ""}}},
    {"chat-tab", {.type = WIRE_CHAT, .chat = {6, "a\tb"}}},
    {"chat-ack", {.type = WIRE_CHAT_ACK, .chat_ack = {1, 1, 1700000000000000}}},
    {"chat-ack-max", {.type = WIRE_CHAT_ACK, .chat_ack = {G_MAXUINT64, G_MAXUINT64, G_MAXUINT64}}},
    {"deliver",
     {.type = WIRE_CHAT_DELIVER,
      .deliver = {1, 1700000000000000, "alice", "192.168.1.7:51234", "hi all"}}},
    {"deliver-flags",
     {.type = WIRE_CHAT_DELIVER,
      .flags = WIRE_FLAG_ACTION | WIRE_FLAG_HISTORY | WIRE_FLAG_OWN,
      .deliver = {2, 3, "b", "[::1]:7300", "\xe2\x9c\x93"}}},
    {"deliver-history",
     {.type = WIRE_CHAT_DELIVER, .flags = WIRE_FLAG_HISTORY, .deliver = {3, 4, "c", "", "x"}}},
    {"deliver-max",
     {.type = WIRE_CHAT_DELIVER,
      .deliver = {G_MAXUINT64, G_MAXUINT64, at_max.nick, at_max.addr, at_max.text}}},
    {"presence-join",
     {.type = WIRE_PRESENCE,
      .presence = {WIRE_PRESENCE_JOIN, "alice", "192.168.1.7:51234", "", ""}}},
    {"presence-leave",
     {.type = WIRE_PRESENCE,
      .presence = {WIRE_PRESENCE_LEAVE, "alice", "192.168.1.7:51234", "", "connection closed"}}},
    {"presence-nick",
     {.type = WIRE_PRESENCE, .presence = {WIRE_PRESENCE_NICK, "al", "10.0.0.1:1", "alice", ""}}},
    {"presence-max",
     {.type = WIRE_PRESENCE,
      .presence = {WIRE_PRESENCE_NICK, at_max.nick, at_max.addr, at_max.nick, at_max.reason}}},
    {"nick", {.type = WIRE_NICK, .nick = {"carol"}}},
    {"nick-max", {.type = WIRE_NICK, .nick = {at_max.nick}}},
    {"nick-empty", {.type = WIRE_NICK, .nick = {""}}},
    {"quit", {.type = WIRE_QUIT, .quit = {"bye"}}},
    {"quit-max", {.type = WIRE_QUIT, .quit = {at_max.quit}}},
    {"quit-empty", {.type = WIRE_QUIT, .quit = {""}}},
    {"away", {.type = WIRE_AWAY, .away = {"lunch"}}},
    {"away-max", {.type = WIRE_AWAY, .away = {at_max.quit}}},
    {"back", {.type = WIRE_AWAY, .away = {""}}},
    {"privmsg", {.type = WIRE_PRIVMSG, .privmsg = {7, "bob", "just for you"}}},
    {"privmsg-max", {.type = WIRE_PRIVMSG, .privmsg = {G_MAXUINT64, at_max.nick, at_max.text}}},
    {"privmsg-deliver",
     {.type = WIRE_PRIVMSG_DELIVER,
      .flags = WIRE_FLAG_ACTION | WIRE_FLAG_HISTORY | WIRE_FLAG_OWN,
      .privmsg_deliver = {9, 1234, "alice", "1.2.3.4:5", "bob", "psst"}}},
    {"presence-away",
     {.type = WIRE_PRESENCE, .presence = {WIRE_PRESENCE_AWAY, "bob", "1.2.3.4:5", "", "lunch"}}},
    {"camera-acl-allow", {.type = WIRE_CAMERA_ACL, .camera_acl = {WIRE_ACL_ALLOW, "bob"}}},
    {"camera-acl-max", {.type = WIRE_CAMERA_ACL, .camera_acl = {G_MAXUINT8, at_max.nick}}},
    {"file-answer",
     {.type = WIRE_FILE_ANSWER, .file_answer = {G_MAXUINT64, WIRE_FILE_ACCEPT, 4, G_MAXUINT16}}},
    {"file-have", {.type = WIRE_FILE_HAVE, .file_have = {G_MAXUINT32}}},
    {"file-start",
     {.type = WIRE_FILE_START,
      .file_start = {7, 3, WIRE_FILE_ROLE_RECEIVER, WIRE_FILE_WAY_DIRECT, G_MAXUINT64, 7300,
                     "alice", "10.0.0.1"}}},
    {"file-start-max",
     {.type = WIRE_FILE_START,
      .file_start = {G_MAXUINT64, G_MAXUINT32, G_MAXUINT8, G_MAXUINT8, G_MAXUINT64, G_MAXUINT16,
                     at_max.nick, at_max.addr}}},
    {"file-end",
     {.type = WIRE_FILE_END, .file_end = {9, 0, WIRE_ERR_REJECTED, "bob", "no thanks"}}},
    {"file-end-max",
     {.type = WIRE_FILE_END,
      .file_end = {G_MAXUINT64, G_MAXUINT32, G_MAXUINT16, at_max.nick, at_max.reason}}},
    {"file-hello", {.type = WIRE_FILE_HELLO, .file_hello = {WIRE_FILE_ROLE_SENDER, 5, 99}}},
    {"file-ready", {.type = WIRE_FILE_READY, .file_ready = {G_MAXUINT64}}},
    {"file-get", {.type = WIRE_FILE_GET, .file_get = {G_MAXUINT64, WIRE_FILE_DATA_MAX}}},
};

/* Fills the strings and the member list that sit exactly at their limits. */
static void wire_test_fill_limits(void)
{
    wire_test_fill_strings(&at_max, 0);
    for (guint i = 0; i < WIRE_TEXT_MAX / 4; i++)
        memcpy(text_max_utf8 + 4 * i, "\xf0\x9f\x98\x80", 4); /* U+1F600 */
    for (guint i = 0; i < WELCOME_MAX_MEMBERS; i++) {
        members_max[i].nick = at_max.nick;
        members_max[i].addr = at_max.addr;
    }
}

/* Finds a sample by name. */
static const LcWireMsg *wire_test_find_sample(const char *name)
{
    for (guint i = 0; i < G_N_ELEMENTS(samples); i++)
        if (g_str_equal(samples[i].name, name))
            return &samples[i].msg;
    g_assert_not_reached();
}

/* Encodes a sample, checking the frame's header bytes. */
static GBytes *wire_test_encode_sample(const LcWireMsg *msg)
{
    g_autoptr(GError) error = NULL;
    GBytes *frame = wire_msg_encode(msg, &error);
    g_assert_no_error(error);
    g_assert_nonnull(frame);

    gsize size = 0;
    const guint8 *b = g_bytes_get_data(frame, &size);
    g_assert_cmpuint(size, >, WIRE_HEADER_SIZE);
    g_assert_cmphex(b[0], ==, 0x4C);
    g_assert_cmphex(b[1], ==, 0x43);
    g_assert_cmphex(b[2], ==, WIRE_VERSION);
    g_assert_cmphex(b[3], ==, msg->type);
    g_assert_cmphex((guint)(b[4] << 8 | b[5]), ==, msg->flags);
    guint32 length = (guint32)b[6] << 24 | (guint32)b[7] << 16 | (guint32)b[8] << 8 | b[9];
    g_assert_cmpuint(length, ==, size - WIRE_HEADER_SIZE);
    g_assert_cmpuint(length, <=, wire_max_payload(msg->type));
    return frame;
}

/* Encode, parse, decode, compare, encode again: the same bytes. */
static void test_roundtrip(gconstpointer data)
{
    const WireSample *sample = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) frame = wire_test_encode_sample(&sample->msg);
    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data(frame, &size);
    LcWireMsg msg;

    g_assert_true(wire_test_decode(bytes, size, &msg, &error));
    g_assert_no_error(error);
    wire_test_assert_msg_equal(&msg, &sample->msg);

    g_autoptr(GBytes) again = wire_msg_encode(&msg, &error);
    g_assert_no_error(error);
    g_assert_true(g_bytes_equal(frame, again));

    static const LcWireMsg cleared;
    wire_msg_clear(&msg);
    g_assert_true(memcmp(&msg, &cleared, sizeof(msg)) == 0);
}

/* The frame of size bytes at bytes with a payload of payload_len bytes: cut
 * short, or with zeros after it, its length field saying so. */
static GByteArray *wire_test_resize(const guint8 *bytes, gsize size, gsize payload_len)
{
    GByteArray *out = g_byte_array_new();
    g_byte_array_set_size(out, (guint)(WIRE_HEADER_SIZE + payload_len));
    memset(out->data, 0, out->len);
    memcpy(out->data, bytes, MIN(size, out->len));
    for (guint i = 0; i < 4; i++)
        out->data[6 + i] = (guint8)(payload_len >> (8 * (3 - i)));
    return out;
}

/* A sample's payload cut short at every byte offset is BAD_FRAME. */
static void test_truncated(gconstpointer data)
{
    const WireSample *sample = data;
    g_autoptr(GBytes) frame = wire_test_encode_sample(&sample->msg);
    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data(frame, &size);
    for (gsize len = 0; len < size - WIRE_HEADER_SIZE; len++) {
        g_autoptr(GByteArray) cut = wire_test_resize(bytes, size, len);
        wire_test_assert_decode_fails(cut->data, cut->len, WIRE_ERR_BAD_FRAME);
    }
}

/* WELCOME with the most members, cut short near the end, and at each member. */
static void test_truncated_welcome_max(void)
{
    const LcWireMsg *max = wire_test_find_sample("welcome-max");
    g_assert_cmpuint(max->welcome.n_members, ==, WELCOME_MAX_MEMBERS);
    g_autoptr(GBytes) frame = wire_test_encode_sample(max);
    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data(frame, &size);
    for (gsize len = 0; len < size - WIRE_HEADER_SIZE; len++) {
        gboolean near_end = len + 200 >= size - WIRE_HEADER_SIZE;
        if (!near_end && len > 200 && len % 97 != 0)
            continue;
        g_autoptr(GByteArray) cut = wire_test_resize(bytes, size, len);
        wire_test_assert_decode_fails(cut->data, cut->len, WIRE_ERR_BAD_FRAME);
    }
}

/* A sample with one byte left over is BAD_FRAME, or TOO_LARGE when the extra
 * byte takes the payload over the type's maximum. */
static void test_trailing(gconstpointer data)
{
    const WireSample *sample = data;
    g_autoptr(GBytes) frame = wire_test_encode_sample(&sample->msg);
    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data(frame, &size);
    for (guint extra = 1; extra <= 3; extra++) {
        gsize len = size - WIRE_HEADER_SIZE + extra;
        g_autoptr(GByteArray) longer = wire_test_resize(bytes, size, len);
        wire_test_assert_decode_fails(
            longer->data, longer->len,
            len > wire_max_payload(sample->msg.type) ? WIRE_ERR_TOO_LARGE : WIRE_ERR_BAD_FRAME);
    }
}

/* The flags each type defines (docs/PROTOCOL.md); every other bit is BAD_FRAME. */
static guint16 wire_test_defined_flags(guint8 type)
{
    switch (type) {
    case WIRE_HELLO:
        return WIRE_FLAG_RESUME | WIRE_FLAG_NOTICES | WIRE_FLAG_KEYFRAMES | WIRE_FLAG_CHAT_EXTRAS |
               WIRE_FLAG_SHARED_CHANNELS | WIRE_FLAG_PASSWORD | WIRE_FLAG_FILES;
    case WIRE_WELCOME:
        return WIRE_FLAG_KEYFRAMES | WIRE_FLAG_SHARED_CHANNELS | WIRE_FLAG_FILES;
    case WIRE_VIDEO_HELLO:
        return WIRE_FLAG_SHARED;
    case WIRE_ERROR:
        return WIRE_FLAG_FATAL;
    case WIRE_CHAT:
    case WIRE_PRIVMSG:
        return WIRE_FLAG_ACTION;
    case WIRE_CHAT_DELIVER:
    case WIRE_PRIVMSG_DELIVER:
        return WIRE_FLAG_ACTION | WIRE_FLAG_HISTORY | WIRE_FLAG_OWN;
    default:
        return 0;
    }
}

/* Each of the 16 flag bits alone, and all of them, on a sample. */
static void test_flags(gconstpointer data)
{
    const WireSample *sample = data;
    guint16 defined = wire_test_defined_flags(sample->msg.type);

    for (guint bit = 0; bit <= 16; bit++) {
        LcWireMsg want = sample->msg;
        want.flags = bit < 16 ? (guint16)(1u << bit) : 0xFFFF;
        g_autoptr(GBytes) frame = wire_test_encode_sample(&want);
        gsize size = 0;
        const guint8 *bytes = g_bytes_get_data(frame, &size);
        if ((want.flags & ~defined) != 0) {
            wire_test_assert_decode_fails(bytes, size, WIRE_ERR_BAD_FRAME);
            continue;
        }
        g_autoptr(GError) error = NULL;
        LcWireMsg msg;
        g_assert_true(wire_test_decode(bytes, size, &msg, &error));
        g_assert_no_error(error);
        wire_test_assert_msg_equal(&msg, &want);
        wire_msg_clear(&msg);
    }
}

typedef struct {
    const char *name;
    LcWireMsg msg;
    const char *hex;
} WireLayout;

/* The exact bytes of one message of each type, worked out from
 * docs/PROTOCOL.md by hand: header (magic, version, type, flags, length), then
 * the fields in order, big-endian, strings as a u16 length and the bytes. */
static const WireLayout layouts[] = {
    {"hello",
     {.type = WIRE_HELLO, .hello = {0, "al", "i1", 0x0102030405060708, 0xA0B0C0D0}},
     "4C43 01 01 0000 00000015"
     "00 0002 616C 0002 6931 0102030405060708 A0B0C0D0"},
    {"welcome",
     {.type = WIRE_WELCOME, .welcome = {1, 2, "n", "a", 3, 4, 5, 6, 1, members_few}},
     "4C43 01 02 0000 00000046"
     "0000000000000001 0000000000000002 0001 6E 0001 61 0000000000000003 0000000000000004"
     "0005 0006 0001 0005 616C696365 0011 3139322E3136382E312E373A3531323334"},
    {"error",
     {.type = WIRE_ERROR, .flags = WIRE_FLAG_FATAL, .error = {7, 9, "x"}},
     "4C43 01 03 0001 0000000D"
     "0007 0000000000000009 0001 78"},
    {"ping",
     {.type = WIRE_PING, .ping = {0x1122334455667788, 0x99AABBCCDDEEFF00}},
     "4C43 01 04 0000 00000010"
     "1122334455667788 99AABBCCDDEEFF00"},
    {"pong",
     {.type = WIRE_PONG, .pong = {1, 2, 3, 4}},
     "4C43 01 05 0000 00000020"
     "0000000000000001 0000000000000002 0000000000000003 0000000000000004"},
    {"chat",
     {.type = WIRE_CHAT, .flags = WIRE_FLAG_ACTION, .chat = {0x1122334455667788, "h\xc3\xa9"}},
     "4C43 01 10 0001 0000000D"
     "1122334455667788 0003 68C3A9"},
    {"camera-acl",
     {.type = WIRE_CAMERA_ACL, .camera_acl = {WIRE_ACL_DENY, "bob"}},
     "4C43 01 2E 0000 00000006"
     "02 0003 626F62"},
    {"chat-ack",
     {.type = WIRE_CHAT_ACK, .chat_ack = {5, 6, 7}},
     "4C43 01 11 0000 00000018"
     "0000000000000005 0000000000000006 0000000000000007"},
    {"deliver",
     {.type = WIRE_CHAT_DELIVER,
      .flags = WIRE_FLAG_HISTORY | WIRE_FLAG_OWN,
      .deliver = {1, 2, "n", "", "t"}},
     "4C43 01 12 0006 00000018"
     "0000000000000001 0000000000000002 0001 6E 0000 0001 74"},
    {"presence",
     {.type = WIRE_PRESENCE, .presence = {WIRE_PRESENCE_NICK, "b", "1.2.3.4:5", "a", ""}},
     "4C43 01 13 0000 00000014"
     "03 0001 62 0009 312E322E332E343A35 0001 61 0000"},
    {"nick", {.type = WIRE_NICK, .nick = {"zed"}}, "4C43 01 14 0000 00000005 0003 7A6564"},
    {"quit", {.type = WIRE_QUIT, .quit = {""}}, "4C43 01 15 0000 00000002 0000"},
    {"away", {.type = WIRE_AWAY, .away = {"afk"}}, "4C43 01 16 0000 00000005 0003 61666B"},
};

/* Encoding gives exactly the bytes of the layout, and decoding them gives the
 * message back. */
static void test_layout(gconstpointer data)
{
    const WireLayout *layout = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GByteArray) want = wire_test_hex(layout->hex);
    g_autoptr(GBytes) frame = wire_msg_encode(&layout->msg, &error);
    g_assert_no_error(error);

    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data(frame, &size);
    g_assert_cmpmem(bytes, size, want->data, want->len);

    LcWireMsg msg;
    g_assert_true(wire_test_decode(want->data, want->len, &msg, &error));
    g_assert_no_error(error);
    wire_test_assert_msg_equal(&msg, &layout->msg);
    wire_msg_clear(&msg);
}

typedef struct {
    guint8 type;
    const char *name;
    gsize max_payload;
} WireTypeRow;

/* docs/PROTOCOL.md's table of message types. */
static const WireTypeRow type_rows[] = {
    {0x01, "HELLO", 512},
    {0x02, "WELCOME", 262144},
    {0x03, "ERROR", 1024},
    {0x04, "PING", 16},
    {0x05, "PONG", 32},
    {0x06, "AUTH_CHALLENGE", 32},
    {0x07, "AUTH", 32},
    {0x10, "CHAT", 4112},
    {0x11, "CHAT_ACK", 32},
    {0x12, "CHAT_DELIVER", 4400},
    {0x13, "PRESENCE", 1024},
    {0x14, "NICK", 64},
    {0x15, "QUIT", 512},
    {0x16, "AWAY", 512},
    {0x17, "PRIVMSG", 4160},
    {0x18, "PRIVMSG_DELIVER", 4400},
    /* The camera channels. */
    {0x20, "STREAM_OPEN", 16},
    {0x21, "STREAM_READY", 64},
    {0x22, "STREAM_CLOSE", 16},
    {0x23, "VIEW", 64},
    {0x24, "VIEW_READY", 128},
    {0x25, "VIEW_END", 512},
    {0x26, "VIEW_CLOSE", 64},
    {0x27, "VIDEO_REFUSED", 1024},
    {0x28, "VIDEO_HELLO", 32},
    {0x29, "VIDEO_READY", 32},
    {0x2A, "VIDEO_FRAME", WIRE_VIDEO_FRAME_HEAD + WIRE_VIDEO_FRAME_MAX},
    {0x2B, "STREAM_NOTICE", 64},
    {0x2C, "WATCH_NOTICE", 64},
    {0x2D, "KEYFRAME_REQUEST", 16},
    {0x2E, "CAMERA_ACL", 64},
    {0x30, "VIDEO_ACK", 64},
    {0x31, "STATS_REQUEST", 16},
    {0x32, "STATS_STREAM", 128},
    {0x33, "STATS_VIEWER", 128},
    {0x34, "STATS_END", 48},
    /* Files. */
    {0x50, "FILE_OFFER", 512},
    {0x51, "FILE_OFFERED", 512},
    {0x52, "FILE_ANSWER", 16},
    {0x53, "FILE_START", 256},
    {0x54, "FILE_END", 640},
    {0x58, "FILE_HELLO", 32},
    {0x59, "FILE_READY", 16},
    {0x5A, "FILE_GET", 16},
    {0x5B, "FILE_DATA", 8 + WIRE_FILE_DATA_MAX},
    {0x5C, "FILE_HAVE", 16},
    {0x5D, "FILE_HASHES", 8 + WIRE_FILE_DATA_MAX},
};

/* Finds a type in the table of types, or NULL. */
static const WireTypeRow *wire_test_find_type(guint type)
{
    for (guint i = 0; i < G_N_ELEMENTS(type_rows); i++)
        if (type_rows[i].type == type)
            return &type_rows[i];
    return NULL;
}

/* Names and payload limits of all 256 type values match the protocol's table. */
static void test_types(void)
{
    for (guint type = 0; type < 256; type++) {
        const WireTypeRow *row = wire_test_find_type(type);
        g_assert_cmpuint(wire_max_payload((guint8)type), ==, row ? row->max_payload : 0);
        g_assert_cmpstr(wire_type_name((guint8)type), ==, row ? row->name : "UNKNOWN");
    }
}

/* Names of the ERROR codes, and "UNKNOWN" around them. */
static void test_error_names(void)
{
    static const char *const names[] = {
        NULL,           "BAD_FRAME",     "UNSUPPORTED_VERSION",
        "UNKNOWN_TYPE", "TOO_LARGE",     "BAD_UTF8",
        "PROTOCOL",     "BAD_NICK",      "NICK_TAKEN",
        "BAD_TEXT",     "RATE_LIMITED",  "TIMEOUT",
        "SERVER_FULL",  "SLOW_CONSUMER", "SHUTDOWN",
        "INTERNAL",     "NO_SUCH_NICK",  "AUTH",
        "NOT_ALLOWED",  "REJECTED",      "CANCELLED",
    };
    for (guint code = 0; code < G_N_ELEMENTS(names); code++)
        g_assert_cmpstr(wire_error_name((guint16)code), ==, names[code] ? names[code] : "UNKNOWN");
    g_assert_cmpstr(wire_error_name(21), ==, "UNKNOWN");
    g_assert_cmpstr(wire_error_name(G_MAXUINT16), ==, "UNKNOWN");
}

/* Clearing a zeroed message, or one of an unknown type, is harmless. */
static void test_clear(void)
{
    static const LcWireMsg cleared;
    LcWireMsg msg = {0};
    wire_msg_clear(&msg);
    g_assert_true(memcmp(&msg, &cleared, sizeof(msg)) == 0);
    msg.type = 0x7F;
    msg.flags = 3;
    wire_msg_clear(&msg);
    g_assert_true(memcmp(&msg, &cleared, sizeof(msg)) == 0);
}

/* Registers one test per sample under a path prefix. */
static void wire_test_add_samples(const char *prefix, GTestDataFunc func, gboolean skip_huge)
{
    for (guint i = 0; i < G_N_ELEMENTS(samples); i++) {
        if (skip_huge && samples[i].msg.type == WIRE_WELCOME &&
            samples[i].msg.welcome.n_members > 100)
            continue;
        g_autofree char *path = g_strdup_printf("%s/%s", prefix, samples[i].name);
        g_test_add_data_func(path, &samples[i], func);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    wire_test_fill_limits();

    g_test_add_func("/wire/types", test_types);
    g_test_add_func("/wire/error-names", test_error_names);
    g_test_add_func("/wire/clear", test_clear);
    wire_test_add_samples("/wire/roundtrip", test_roundtrip, FALSE);
    TEST_ADD_ROWS("/wire/layout", layouts, test_layout);
    wire_test_add_samples("/wire/decode/truncated", test_truncated, TRUE);
    g_test_add_func("/wire/decode/truncated/welcome-max", test_truncated_welcome_max);
    wire_test_add_samples("/wire/decode/trailing", test_trailing, FALSE);
    wire_test_add_samples("/wire/decode/flags", test_flags, TRUE);
    return g_test_run();
}
