/* Tests of the wire decoder (net/wire/wire.c) on malformed frames: each one must be
 * refused with the ERROR code docs/PROTOCOL.md gives, checked in the order the
 * protocol gives (magic, version, type, length, then the payload). */
#include "wire-test-util.h"
#include "tests/test-rows.h"

#include <string.h>

typedef struct {
    const char *name;
    const char *hex; /* the 10 header bytes */
    LcWireErrorCode code;
} WireHeaderRow;

/* Headers that fail, and with which code; where a header breaks more than one
 * rule, the first rule in the protocol's order decides. */
static const WireHeaderRow header_rows[] = {
    {"bad-magic", "4C44 01 10 0000 00000000", WIRE_ERR_BAD_FRAME},
    {"bad-magic-first-byte", "4D43 01 10 0000 00000000", WIRE_ERR_BAD_FRAME},
    {"bad-magic-swapped", "434C 01 10 0000 00000000", WIRE_ERR_BAD_FRAME},
    {"bad-magic-lower-case", "6C63 01 10 0000 00000000", WIRE_ERR_BAD_FRAME},
    {"bad-magic-zero", "0000 00 00 0000 00000000", WIRE_ERR_BAD_FRAME},
    {"bad-magic-before-version", "4C00 02 10 0000 00000000", WIRE_ERR_BAD_FRAME},
    {"bad-magic-ascii-text", "4845 4C4C 4F20 776F 726C", WIRE_ERR_BAD_FRAME},
    {"version-0", "4C43 00 10 0000 00000000", WIRE_ERR_UNSUPPORTED_VERSION},
    {"version-2", "4C43 02 10 0000 00000000", WIRE_ERR_UNSUPPORTED_VERSION},
    {"version-255", "4C43 FF 10 0000 00000000", WIRE_ERR_UNSUPPORTED_VERSION},
    {"version-before-type", "4C43 02 FF 0000 00000000", WIRE_ERR_UNSUPPORTED_VERSION},
    {"version-before-length", "4C43 02 10 0000 FFFFFFFF", WIRE_ERR_UNSUPPORTED_VERSION},
    {"type-before-length", "4C43 01 FF 0000 FFFFFFFF", WIRE_ERR_UNKNOWN_TYPE},
    {"length-max-u32", "4C43 01 10 0000 FFFFFFFF", WIRE_ERR_TOO_LARGE},
    {"length-over-any-type", "4C43 01 02 0000 00040001", WIRE_ERR_TOO_LARGE},
};

/* A header from the table fails with its code; the header is read from an
 * exact 10-byte buffer, so a read past it would be caught. */
static void test_header(gconstpointer data)
{
    const WireHeaderRow *row = data;
    g_autoptr(GByteArray) bytes = wire_test_hex(row->hex);
    g_autoptr(GError) error = NULL;
    LcWireHeader header;

    g_assert_cmpuint(bytes->len, ==, WIRE_HEADER_SIZE);
    g_autofree guint8 *exact = g_memdup2(bytes->data, WIRE_HEADER_SIZE);
    g_assert_false(wire_header_parse(exact, &header, &error));
    g_assert_error(error, LC_WIRE_ERROR, (gint)row->code);
}

/* Every type value not in the protocol's table is UNKNOWN_TYPE, the reserved
 * ranges (video, ACK and statistics, audio) included. */
static void test_header_unknown_types(void)
{
    for (guint type = 0; type < 256; type++) {
        if (wire_max_payload((guint8)type) != 0)
            continue;
        guint8 head[WIRE_HEADER_SIZE] = {0x4C, 0x43, 1, (guint8)type, 0, 0, 0, 0, 0, 0};
        g_autoptr(GError) error = NULL;
        LcWireHeader header;
        g_assert_false(wire_header_parse(head, &header, &error));
        g_assert_error(error, LC_WIRE_ERROR, WIRE_ERR_UNKNOWN_TYPE);

        /* wire_msg_decode refuses it too, given such a header directly. */
        LcWireMsg msg;
        g_autoptr(GError) decode_error = NULL;
        header = (LcWireHeader){1, (guint8)type, 0, 0};
        g_assert_false(wire_msg_decode(&header, (const guint8 *)"", &msg, &decode_error));
        g_assert_error(decode_error, LC_WIRE_ERROR, WIRE_ERR_UNKNOWN_TYPE);
    }
}

/* Each known type: a length at its maximum passes the header check, one byte
 * more is TOO_LARGE, and so is the largest u32. */
static void test_header_oversize(void)
{
    static const guint8 types[] = {WIRE_HELLO,    WIRE_WELCOME, WIRE_ERROR,    WIRE_PING,
                                   WIRE_PONG,     WIRE_CHAT,    WIRE_CHAT_ACK, WIRE_CHAT_DELIVER,
                                   WIRE_PRESENCE, WIRE_NICK,    WIRE_QUIT,     WIRE_AWAY};
    for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
        gsize max = wire_max_payload(types[i]);
        const guint64 lengths[] = {0, max, max + 1, max + 1000, G_MAXUINT32};
        g_assert_cmpuint(max, >, 0);
        for (guint j = 0; j < G_N_ELEMENTS(lengths); j++) {
            guint32 length = (guint32)lengths[j];
            guint8 head[WIRE_HEADER_SIZE] = {0x4C,
                                             0x43,
                                             1,
                                             types[i],
                                             0,
                                             0,
                                             (guint8)(length >> 24),
                                             (guint8)(length >> 16),
                                             (guint8)(length >> 8),
                                             (guint8)length};
            g_autoptr(GError) error = NULL;
            LcWireHeader header;
            gboolean ok = wire_header_parse(head, &header, &error);
            if (length <= max) {
                g_assert_no_error(error);
                g_assert_true(ok);
                g_assert_cmpuint(header.length, ==, length);
            } else {
                g_assert_false(ok);
                g_assert_error(error, LC_WIRE_ERROR, WIRE_ERR_TOO_LARGE);
            }
        }
    }
}

/* A valid header's fields are read big-endian. */
static void test_header_fields(void)
{
    g_autoptr(GByteArray) bytes = wire_test_hex("4C43 01 12 0007 00000102");
    g_autoptr(GError) error = NULL;
    LcWireHeader header;

    g_assert_true(wire_header_parse(bytes->data, &header, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(header.version, ==, 1);
    g_assert_cmphex(header.type, ==, WIRE_CHAT_DELIVER);
    g_assert_cmphex(header.flags, ==, 7);
    g_assert_cmpuint(header.length, ==, 0x102);
}

typedef struct {
    const char *name;
    guint8 type;
    guint16 flags;
    WirePiece pieces[WIRE_PIECES_MAX];
    LcWireErrorCode code;
} WirePayloadRow;

/* Valid fields shared by several rows. */
#define HELLO_TAIL   STR("inst-1"), U64(0), U32(0)
#define WELCOME_HEAD U64(1), U64(2), STR("bob"), STR("10.0.0.1:7"), U64(3), U64(4), U16(1), U16(5)
#define DELIVER_HEAD U64(1), U64(2)

/* Malformed payloads: each row is one frame (with a correct header) and the
 * code it must be refused with. */
static const WirePayloadRow payload_rows[] = {
    /* HELLO */
    {"hello/nick-33", WIRE_HELLO, 0, {U8(0), FILL("n", 33), HELLO_TAIL}, WIRE_ERR_BAD_NICK},
    {"hello/nick-length-65535", WIRE_HELLO, 0, {U8(0), LEN(0xFFFF)}, WIRE_ERR_BAD_NICK},
    {"hello/nick-bad-utf8", WIRE_HELLO, 0, {U8(0), STR("al\xff"), HELLO_TAIL}, WIRE_ERR_BAD_UTF8},
    {"hello/nick-nul", WIRE_HELLO, 0, {U8(0), STR("a\0b"), HELLO_TAIL}, WIRE_ERR_BAD_UTF8},
    {"hello/nick-past-end", WIRE_HELLO, 0, {U8(0), LEN(5), RAW("al")}, WIRE_ERR_BAD_FRAME},
    {"hello/instance-empty",
     WIRE_HELLO,
     0,
     {U8(0), STR("alice"), STR(""), U64(0), U32(0)},
     WIRE_ERR_BAD_FRAME},
    {"hello/instance-non-ascii",
     WIRE_HELLO,
     0,
     {U8(0), STR("alice"), STR("inst-\xc3\xa9"), U64(0), U32(0)},
     WIRE_ERR_BAD_FRAME},
    {"hello/instance-control",
     WIRE_HELLO,
     0,
     {U8(0), STR("alice"), STR("in\x01st"), U64(0), U32(0)},
     WIRE_ERR_BAD_FRAME},
    {"hello/instance-del",
     WIRE_HELLO,
     0,
     {U8(0), STR("alice"), STR("inst\x7f"), U64(0), U32(0)},
     WIRE_ERR_BAD_FRAME},
    {"hello/instance-65",
     WIRE_HELLO,
     0,
     {U8(0), STR("alice"), FILL("i", 65), U64(0), U32(0)},
     WIRE_ERR_BAD_FRAME},
    {"hello/instance-bad-utf8",
     WIRE_HELLO,
     0,
     {U8(0), STR("alice"), STR("\xff"), U64(0), U32(0)},
     WIRE_ERR_BAD_UTF8},
    {"hello/no-history-limit",
     WIRE_HELLO,
     0,
     {U8(0), STR("alice"), STR("i"), U64(0)},
     WIRE_ERR_BAD_FRAME},
    {"hello/short-history-limit",
     WIRE_HELLO,
     0,
     {U8(0), STR("alice"), STR("i"), U64(0), U16(0)},
     WIRE_ERR_BAD_FRAME},
    {"hello/trailing", WIRE_HELLO, 0, {U8(0), STR("a"), HELLO_TAIL, RAW("x")}, WIRE_ERR_BAD_FRAME},
    {"hello/empty-payload", WIRE_HELLO, 0, {END}, WIRE_ERR_BAD_FRAME},
    {"hello/flag-7", WIRE_HELLO, 0x0080, {U8(0), STR("a"), HELLO_TAIL}, WIRE_ERR_BAD_FRAME},

    /* WELCOME */
    {"welcome/count-1-no-members", WIRE_WELCOME, 0, {WELCOME_HEAD, U16(1)}, WIRE_ERR_BAD_FRAME},
    {"welcome/count-65535",
     WIRE_WELCOME,
     0,
     {WELCOME_HEAD, U16(0xFFFF), STR("a"), STR("b")},
     WIRE_ERR_BAD_FRAME},
    {"welcome/count-2-one-member",
     WIRE_WELCOME,
     0,
     {WELCOME_HEAD, U16(2), STR("a"), STR("b")},
     WIRE_ERR_BAD_FRAME},
    {"welcome/count-2-member-past-end",
     WIRE_WELCOME,
     0,
     {WELCOME_HEAD, U16(2), STR("a"), STR("b"), LEN(9), RAW("ab")},
     WIRE_ERR_BAD_FRAME},
    {"welcome/count-0-member-follows",
     WIRE_WELCOME,
     0,
     {WELCOME_HEAD, U16(0), STR("a"), STR("b")},
     WIRE_ERR_BAD_FRAME},
    {"welcome/no-count", WIRE_WELCOME, 0, {WELCOME_HEAD}, WIRE_ERR_BAD_FRAME},
    {"welcome/member-nick-empty",
     WIRE_WELCOME,
     0,
     {WELCOME_HEAD, U16(1), STR(""), STR("x")},
     WIRE_ERR_BAD_FRAME},
    {"welcome/member-nick-33",
     WIRE_WELCOME,
     0,
     {WELCOME_HEAD, U16(1), FILL("m", 33), STR("x")},
     WIRE_ERR_BAD_FRAME},
    {"welcome/member-addr-65",
     WIRE_WELCOME,
     0,
     {WELCOME_HEAD, U16(1), STR("m"), FILL("1", 65)},
     WIRE_ERR_BAD_FRAME},
    {"welcome/member-bad-utf8",
     WIRE_WELCOME,
     0,
     {WELCOME_HEAD, U16(1), STR("\xc3\x28"), STR("x")},
     WIRE_ERR_BAD_UTF8},
    {"welcome/second-member-bad-utf8",
     WIRE_WELCOME,
     0,
     {WELCOME_HEAD, U16(2), STR("a"), STR("b"), STR("c"), STR("\xe2\x82")},
     WIRE_ERR_BAD_UTF8},
    {"welcome/nick-empty",
     WIRE_WELCOME,
     0,
     {U64(1), U64(2), STR(""), STR("a"), U64(3), U64(4), U16(1), U16(5), U16(0)},
     WIRE_ERR_BAD_FRAME},
    {"welcome/nick-33",
     WIRE_WELCOME,
     0,
     {U64(1), U64(2), FILL("n", 33), STR("a"), U64(3), U64(4), U16(1), U16(5), U16(0)},
     WIRE_ERR_BAD_FRAME},
    {"welcome/addr-bad-utf8",
     WIRE_WELCOME,
     0,
     {U64(1), U64(2), STR("n"), STR("\x80"), U64(3), U64(4), U16(1), U16(5), U16(0)},
     WIRE_ERR_BAD_UTF8},
    {"welcome/flag-15", WIRE_WELCOME, 0x8000, {WELCOME_HEAD, U16(0)}, WIRE_ERR_BAD_FRAME},

    /* ERROR */
    {"error/reason-513", WIRE_ERROR, 0, {U16(1), U64(0), FILL("r", 513)}, WIRE_ERR_BAD_FRAME},
    {"error/reason-surrogate",
     WIRE_ERROR,
     0,
     {U16(1), U64(0), STR("\xed\xa0\x80")},
     WIRE_ERR_BAD_UTF8},
    {"error/reason-nul", WIRE_ERROR, 0, {U16(1), U64(0), STR("\0")}, WIRE_ERR_BAD_UTF8},
    {"error/short-ref", WIRE_ERROR, 0, {U16(1), U32(0)}, WIRE_ERR_BAD_FRAME},
    {"error/flag-1", WIRE_ERROR, 0x0002, {U16(1), U64(0), STR("")}, WIRE_ERR_BAD_FRAME},
    {"error/flags-all", WIRE_ERROR, 0xFFFF, {U16(1), U64(0), STR("")}, WIRE_ERR_BAD_FRAME},

    /* PING, PONG */
    {"ping/short", WIRE_PING, 0, {U64(1)}, WIRE_ERR_BAD_FRAME},
    {"ping/one-byte-short", WIRE_PING, 0, {U64(1), RAW("1234567")}, WIRE_ERR_BAD_FRAME},
    {"ping/trailing", WIRE_PING, 0, {U64(1), U64(2), U8(0)}, WIRE_ERR_TOO_LARGE},
    {"ping/flag-15", WIRE_PING, 0x8000, {U64(1), U64(2)}, WIRE_ERR_BAD_FRAME},
    {"pong/three-times", WIRE_PONG, 0, {U64(1), U64(2), U64(3)}, WIRE_ERR_BAD_FRAME},
    {"pong/trailing", WIRE_PONG, 0, {U64(1), U64(2), U64(3), U64(4), U8(0)}, WIRE_ERR_TOO_LARGE},

    /* CHAT */
    {"chat/text-4097", WIRE_CHAT, 0, {U64(1), FILL("x", 4097)}, WIRE_ERR_BAD_TEXT},
    {"chat/text-4098-utf8", WIRE_CHAT, 0, {U64(1), FILL("\xc3\xa9", 2049)}, WIRE_ERR_BAD_TEXT},
    {"chat/text-length-65535", WIRE_CHAT, 0, {U64(1), LEN(0xFFFF)}, WIRE_ERR_BAD_TEXT},
    {"chat/text-bad-byte", WIRE_CHAT, 0, {U64(1), STR("hi \xff")}, WIRE_ERR_BAD_UTF8},
    {"chat/text-overlong", WIRE_CHAT, 0, {U64(1), STR("\xc0\xaf")}, WIRE_ERR_BAD_UTF8},
    {"chat/text-surrogate", WIRE_CHAT, 0, {U64(1), STR("\xed\xa0\x80")}, WIRE_ERR_BAD_UTF8},
    {"chat/text-over-10ffff", WIRE_CHAT, 0, {U64(1), STR("\xf4\x90\x80\x80")}, WIRE_ERR_BAD_UTF8},
    {"chat/text-cut-sequence", WIRE_CHAT, 0, {U64(1), STR("abc\xe2\x82")}, WIRE_ERR_BAD_UTF8},
    {"chat/text-lone-continuation", WIRE_CHAT, 0, {U64(1), STR("\x80")}, WIRE_ERR_BAD_UTF8},
    {"chat/text-nul", WIRE_CHAT, 0, {U64(1), STR("a\0b")}, WIRE_ERR_BAD_UTF8},
    {"chat/text-past-end", WIRE_CHAT, 0, {U64(1), LEN(10), RAW("short")}, WIRE_ERR_BAD_FRAME},
    {"chat/half-a-length", WIRE_CHAT, 0, {U64(1), RAW("\0")}, WIRE_ERR_BAD_FRAME},
    {"chat/no-text", WIRE_CHAT, 0, {U64(1)}, WIRE_ERR_BAD_FRAME},
    {"chat/trailing", WIRE_CHAT, 0, {U64(1), STR("hi"), RAW("\0")}, WIRE_ERR_BAD_FRAME},
    {"chat/flag-1", WIRE_CHAT, 0x0002, {U64(1), STR("hi")}, WIRE_ERR_BAD_FRAME},
    {"chat/flag-15", WIRE_CHAT, 0x8001, {U64(1), STR("hi")}, WIRE_ERR_BAD_FRAME},

    /* CHAT_ACK */
    {"chat-ack/short", WIRE_CHAT_ACK, 0, {U64(1), U64(2)}, WIRE_ERR_BAD_FRAME},
    {"chat-ack/trailing", WIRE_CHAT_ACK, 0, {U64(1), U64(2), U64(3), U8(0)}, WIRE_ERR_BAD_FRAME},
    {"chat-ack/over-max",
     WIRE_CHAT_ACK,
     0,
     {U64(1), U64(2), U64(3), U64(4), U8(0)},
     WIRE_ERR_TOO_LARGE},
    {"chat-ack/flag-0", WIRE_CHAT_ACK, 0x0001, {U64(1), U64(2), U64(3)}, WIRE_ERR_BAD_FRAME},

    /* CHAT_DELIVER */
    {"deliver/nick-empty",
     WIRE_CHAT_DELIVER,
     0,
     {DELIVER_HEAD, STR(""), STR("a"), STR("t")},
     WIRE_ERR_BAD_FRAME},
    {"deliver/nick-33",
     WIRE_CHAT_DELIVER,
     0,
     {DELIVER_HEAD, FILL("n", 33), STR("a"), STR("t")},
     WIRE_ERR_BAD_FRAME},
    {"deliver/addr-65",
     WIRE_CHAT_DELIVER,
     0,
     {DELIVER_HEAD, STR("n"), FILL("a", 65), STR("t")},
     WIRE_ERR_BAD_FRAME},
    {"deliver/text-4097",
     WIRE_CHAT_DELIVER,
     0,
     {DELIVER_HEAD, STR("n"), STR("a"), FILL("t", 4097)},
     WIRE_ERR_BAD_FRAME},
    {"deliver/text-bad-utf8",
     WIRE_CHAT_DELIVER,
     0,
     {DELIVER_HEAD, STR("n"), STR("a"), STR("\xfe")},
     WIRE_ERR_BAD_UTF8},
    {"deliver/nick-bad-utf8",
     WIRE_CHAT_DELIVER,
     0,
     {DELIVER_HEAD, STR("\xc3"), STR("a"), STR("t")},
     WIRE_ERR_BAD_UTF8},
    {"deliver/no-text",
     WIRE_CHAT_DELIVER,
     0,
     {DELIVER_HEAD, STR("n"), STR("a")},
     WIRE_ERR_BAD_FRAME},
    {"deliver/trailing",
     WIRE_CHAT_DELIVER,
     0,
     {DELIVER_HEAD, STR("n"), STR("a"), STR("t"), RAW("!")},
     WIRE_ERR_BAD_FRAME},
    {"deliver/flag-3",
     WIRE_CHAT_DELIVER,
     0x0008,
     {DELIVER_HEAD, STR("n"), STR("a"), STR("t")},
     WIRE_ERR_BAD_FRAME},

    /* PRESENCE */
    {"presence/nick-empty",
     WIRE_PRESENCE,
     0,
     {U8(1), STR(""), STR("a"), STR(""), STR("")},
     WIRE_ERR_BAD_FRAME},
    {"presence/nick-33",
     WIRE_PRESENCE,
     0,
     {U8(1), FILL("n", 33), STR("a"), STR(""), STR("")},
     WIRE_ERR_BAD_FRAME},
    {"presence/old-33",
     WIRE_PRESENCE,
     0,
     {U8(3), STR("n"), STR("a"), FILL("o", 33), STR("")},
     WIRE_ERR_BAD_FRAME},
    {"presence/reason-513",
     WIRE_PRESENCE,
     0,
     {U8(2), STR("n"), STR("a"), STR(""), FILL("r", 513)},
     WIRE_ERR_BAD_FRAME},
    {"presence/reason-bad-utf8",
     WIRE_PRESENCE,
     0,
     {U8(2), STR("n"), STR("a"), STR(""), STR("bye \xc0")},
     WIRE_ERR_BAD_UTF8},
    {"presence/no-reason",
     WIRE_PRESENCE,
     0,
     {U8(1), STR("n"), STR("a"), STR("")},
     WIRE_ERR_BAD_FRAME},
    {"presence/flag-0",
     WIRE_PRESENCE,
     0x0001,
     {U8(1), STR("n"), STR("a"), STR(""), STR("")},
     WIRE_ERR_BAD_FRAME},

    /* NICK */
    {"nick/33", WIRE_NICK, 0, {FILL("n", 33)}, WIRE_ERR_BAD_NICK},
    {"nick/length-65535", WIRE_NICK, 0, {LEN(0xFFFF)}, WIRE_ERR_BAD_NICK},
    {"nick/bad-utf8", WIRE_NICK, 0, {STR("\xe0\x80\x80")}, WIRE_ERR_BAD_UTF8},
    {"nick/past-end", WIRE_NICK, 0, {LEN(4), RAW("ab")}, WIRE_ERR_BAD_FRAME},
    {"nick/trailing", WIRE_NICK, 0, {STR("ab"), RAW("c")}, WIRE_ERR_BAD_FRAME},
    {"nick/empty-payload", WIRE_NICK, 0, {END}, WIRE_ERR_BAD_FRAME},
    {"nick/flag-0", WIRE_NICK, 0x0001, {STR("ab")}, WIRE_ERR_BAD_FRAME},

    /* QUIT */
    {"quit/reason-257", WIRE_QUIT, 0, {FILL("q", 257)}, WIRE_ERR_BAD_FRAME},
    {"quit/bad-utf8", WIRE_QUIT, 0, {STR("\xf8\x88\x80\x80\x80")}, WIRE_ERR_BAD_UTF8},
    {"quit/nul", WIRE_QUIT, 0, {STR("bye\0")}, WIRE_ERR_BAD_UTF8},
    {"quit/empty-payload", WIRE_QUIT, 0, {END}, WIRE_ERR_BAD_FRAME},
    {"away/reason-257", WIRE_AWAY, 0, {FILL("a", 257)}, WIRE_ERR_BAD_TEXT},
    {"away/bad-utf8", WIRE_AWAY, 0, {STR("\xf8\x88\x80\x80\x80")}, WIRE_ERR_BAD_UTF8},
    {"away/empty-payload", WIRE_AWAY, 0, {END}, WIRE_ERR_BAD_FRAME},
    {"privmsg/empty-to", WIRE_PRIVMSG, 0, {U64(1), STR(""), STR("hi")}, WIRE_ERR_BAD_FRAME},
    {"privmsg/to-33", WIRE_PRIVMSG, 0, {U64(1), FILL("n", 33), STR("hi")}, WIRE_ERR_BAD_NICK},
    {"privmsg/text-4097",
     WIRE_PRIVMSG,
     0,
     {U64(1), STR("bob"), FILL("t", 4097)},
     WIRE_ERR_BAD_TEXT},
    {"privmsg/no-text", WIRE_PRIVMSG, 0, {U64(1), STR("bob")}, WIRE_ERR_BAD_FRAME},
    {"privmsg/bad-flag", WIRE_PRIVMSG, 0x0002, {U64(1), STR("bob"), STR("hi")}, WIRE_ERR_BAD_FRAME},
    {"quit/trailing", WIRE_QUIT, 0, {STR("bye"), RAW("\n")}, WIRE_ERR_BAD_FRAME},
    {"quit/flag-0", WIRE_QUIT, 0x0001, {STR("bye")}, WIRE_ERR_BAD_FRAME},
    {"file-offer/empty-name",
     WIRE_FILE_OFFER,
     0,
     {U32(1), U64(5), U8(1), U16(0), STR(""), STR(""), RAW("h")},
     WIRE_ERR_BAD_FRAME},
    {"file-offer/name-256",
     WIRE_FILE_OFFER,
     0,
     {U32(1), U64(5), U8(1), U16(0), STR(""), FILL("n", 256), RAW("h")},
     WIRE_ERR_BAD_FRAME},
    {"file-offer/to-33",
     WIRE_FILE_OFFER,
     0,
     {U32(1), U64(5), U8(1), U16(0), FILL("n", 33), STR("a"), RAW("h")},
     WIRE_ERR_BAD_NICK},
    {"file-get/flag-0", WIRE_FILE_GET, 0x0001, {U64(0), U32(1)}, WIRE_ERR_BAD_FRAME},
    {"file-get/short", WIRE_FILE_GET, 0, {U64(0)}, WIRE_ERR_BAD_FRAME},
    {"file-hello/trailing",
     WIRE_FILE_HELLO,
     0,
     {U8(1), U64(1), U64(2), RAW("x")},
     WIRE_ERR_BAD_FRAME},
};

/* A malformed payload from the table fails with its code. */
static void test_payload(gconstpointer data)
{
    const WirePayloadRow *row = data;
    g_autoptr(GByteArray) frame = wire_test_build(row->type, row->flags, row->pieces);
    wire_test_assert_decode_fails(frame->data, frame->len, row->code);
}

/* Valid twins of some rows above (the same field at its limit instead of over
 * it) decode: those rows fail for the reason their names give, not for a slip
 * in the table. */
static void test_payload_valid_twins(void)
{
    static const WirePayloadRow twins[] = {
        {"hello/nick-32", WIRE_HELLO, 0, {U8(0), FILL("n", 32), HELLO_TAIL}, 0},
        {"hello/instance-64",
         WIRE_HELLO,
         0,
         {U8(0), STR("alice"), FILL("i", 64), U64(0), U32(0)},
         0},
        {"hello/instance-printable",
         WIRE_HELLO,
         0,
         {U8(0), STR("alice"), STR("!~{}-_0aZ"), U64(0), U32(0)},
         0},
        {"welcome/count-2",
         WIRE_WELCOME,
         0,
         {WELCOME_HEAD, U16(2), STR("a"), STR("b"), STR("c"), STR("d")},
         0},
        {"welcome/member-addr-64",
         WIRE_WELCOME,
         0,
         {WELCOME_HEAD, U16(1), STR("m"), FILL("1", 64)},
         0},
        {"error/reason-512", WIRE_ERROR, 0, {U16(1), U64(0), FILL("r", 512)}, 0},
        {"chat/text-4096", WIRE_CHAT, 0, {U64(1), FILL("x", 4096)}, 0},
        {"chat/text-4096-utf8", WIRE_CHAT, 0, {U64(1), FILL("\xc3\xa9", 2048)}, 0},
        {"deliver/text-4096",
         WIRE_CHAT_DELIVER,
         0,
         {DELIVER_HEAD, STR("n"), STR("a"), FILL("t", 4096)},
         0},
        {"presence/reason-512",
         WIRE_PRESENCE,
         0,
         {U8(2), STR("n"), STR("a"), STR(""), FILL("r", 512)},
         0},
        {"nick/32", WIRE_NICK, 0, {FILL("n", 32)}, 0},
        {"quit/reason-256", WIRE_QUIT, 0, {FILL("q", 256)}, 0},
    };
    for (guint i = 0; i < G_N_ELEMENTS(twins); i++) {
        g_autoptr(GByteArray) frame = wire_test_build(twins[i].type, 0, twins[i].pieces);
        g_autoptr(GError) error = NULL;
        LcWireMsg msg;
        g_test_message("%s", twins[i].name);
        g_assert_true(wire_test_decode(frame->data, frame->len, &msg, &error));
        g_assert_no_error(error);
        g_assert_cmphex(msg.type, ==, twins[i].type);
        wire_msg_clear(&msg);
    }
}

/* PRESENCE kind is 1 (join), 2 (leave), 3 (nick change) or 4 (away); docs/PROTOCOL.md
 * requires each field within its range, else BAD_FRAME. */
static void test_presence_kind_range(void)
{
    static const guint kinds[] = {0, 5, 255};
    for (guint i = 0; i < G_N_ELEMENTS(kinds); i++) {
        const WirePiece pieces[] = {U8(kinds[i]), STR("n"), STR("a"), STR(""), STR(""), END};
        g_autoptr(GByteArray) frame = wire_test_build(WIRE_PRESENCE, 0, pieces);
        g_autoptr(GError) error = NULL;
        LcWireMsg msg;
        g_assert_false(wire_test_decode(frame->data, frame->len, &msg, &error));
        g_assert_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_FRAME);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    TEST_ADD_ROWS("/wire/header", header_rows, test_header);
    g_test_add_func("/wire/header/unknown-types", test_header_unknown_types);
    g_test_add_func("/wire/header/oversize", test_header_oversize);
    g_test_add_func("/wire/header/fields", test_header_fields);
    TEST_ADD_ROWS("/wire/decode", payload_rows, test_payload);
    g_test_add_func("/wire/decode/valid-twins", test_payload_valid_twins);
    g_test_add_func("/wire/decode/presence-kind-range", test_presence_kind_range);
    return g_test_run();
}
