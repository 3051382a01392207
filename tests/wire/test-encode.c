/* Tests of the wire encoder's refusals and of wire_encode_error (net/wire/wire.c):
 * a string over its field's limit or a payload over its type's maximum is an
 * error, never a frame the other side must refuse; an ERROR frame is always
 * produced, its reason cut at a UTF-8 boundary or replaced when invalid. */
#include "wire-test-util.h"
#include "tests/test-rows.h"

#include <string.h>

/* Strings one byte over their field limits, filled in by main(). */
static WireTestStrings over_max;

static LcWireMember member_nick_over[] = {{"ok", "ok"}, {over_max.nick, "1.2.3.4:5"}};
static LcWireMember member_addr_over[] = {{"ok", over_max.addr}};

typedef struct {
    const char *name;
    LcWireMsg msg;
    LcWireErrorCode code;
} WireRefusal;

/* Messages the encoder must refuse, and the error code it gives. */
static const WireRefusal refusals[] = {
    {"unknown-type-0", {.type = 0}, WIRE_ERR_UNKNOWN_TYPE},
    {"unknown-type-reserved-video", {.type = 0x2F}, WIRE_ERR_UNKNOWN_TYPE},
    {"unknown-type-ff", {.type = 0xFF}, WIRE_ERR_UNKNOWN_TYPE},
    {"hello-nick-33",
     {.type = WIRE_HELLO, .hello = {0, over_max.nick, "i", 0, 0}},
     WIRE_ERR_TOO_LARGE},
    {"hello-instance-65",
     {.type = WIRE_HELLO, .hello = {0, "alice", over_max.instance, 0, 0}},
     WIRE_ERR_TOO_LARGE},
    {"welcome-nick-33",
     {.type = WIRE_WELCOME, .welcome = {.nick = over_max.nick, .addr = "a"}},
     WIRE_ERR_TOO_LARGE},
    {"welcome-addr-65",
     {.type = WIRE_WELCOME, .welcome = {.nick = "n", .addr = over_max.addr}},
     WIRE_ERR_TOO_LARGE},
    {"welcome-member-nick-33",
     {.type = WIRE_WELCOME,
      .welcome = {.nick = "n", .addr = "a", .n_members = 2, .members = member_nick_over}},
     WIRE_ERR_TOO_LARGE},
    {"welcome-member-addr-65",
     {.type = WIRE_WELCOME,
      .welcome = {.nick = "n", .addr = "a", .n_members = 1, .members = member_addr_over}},
     WIRE_ERR_TOO_LARGE},
    {"error-reason-513",
     {.type = WIRE_ERROR, .error = {1, 0, over_max.reason}},
     WIRE_ERR_TOO_LARGE},
    {"chat-text-4097", {.type = WIRE_CHAT, .chat = {1, over_max.text}}, WIRE_ERR_TOO_LARGE},
    {"deliver-nick-33",
     {.type = WIRE_CHAT_DELIVER, .deliver = {1, 2, over_max.nick, "a", "t"}},
     WIRE_ERR_TOO_LARGE},
    {"deliver-addr-65",
     {.type = WIRE_CHAT_DELIVER, .deliver = {1, 2, "n", over_max.addr, "t"}},
     WIRE_ERR_TOO_LARGE},
    {"deliver-text-4097",
     {.type = WIRE_CHAT_DELIVER, .deliver = {1, 2, "n", "a", over_max.text}},
     WIRE_ERR_TOO_LARGE},
    {"presence-nick-33",
     {.type = WIRE_PRESENCE, .presence = {1, over_max.nick, "a", "", ""}},
     WIRE_ERR_TOO_LARGE},
    {"presence-addr-65",
     {.type = WIRE_PRESENCE, .presence = {1, "n", over_max.addr, "", ""}},
     WIRE_ERR_TOO_LARGE},
    {"presence-old-33",
     {.type = WIRE_PRESENCE, .presence = {3, "n", "a", over_max.nick, ""}},
     WIRE_ERR_TOO_LARGE},
    {"presence-reason-513",
     {.type = WIRE_PRESENCE, .presence = {2, "n", "a", "", over_max.reason}},
     WIRE_ERR_TOO_LARGE},
    {"nick-33", {.type = WIRE_NICK, .nick = {over_max.nick}}, WIRE_ERR_TOO_LARGE},
    {"quit-257", {.type = WIRE_QUIT, .quit = {over_max.quit}}, WIRE_ERR_TOO_LARGE},
};

/* The encoder refuses a message from the table with its code. */
static void test_refusal(gconstpointer data)
{
    const WireRefusal *row = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) frame = wire_msg_encode(&row->msg, &error);
    g_assert_null(frame);
    g_assert_error(error, LC_WIRE_ERROR, (gint)row->code);
}

/* Encodes a WELCOME with n members of the longest nick and address. */
static GBytes *wire_test_encode_welcome(guint n, GError **error)
{
    g_autofree char *nick = wire_test_repeat("n", WIRE_NICK_MAX);
    g_autofree char *addr = wire_test_repeat("a", WIRE_ADDR_MAX);
    g_autofree LcWireMember *members = g_new0(LcWireMember, MAX(n, 1));
    for (guint i = 0; i < n; i++)
        members[i] = (LcWireMember){nick, addr};
    LcWireMsg msg = {.type = WIRE_WELCOME};
    msg.welcome.nick = nick;
    msg.welcome.addr = addr;
    msg.welcome.n_members = n;
    msg.welcome.members = members;
    return wire_msg_encode(&msg, error);
}

/* 2620 of the longest members fit WELCOME's 262144 bytes; 2621 do not. */
static void test_welcome_over_payload(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) fits = wire_test_encode_welcome(2620, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(g_bytes_get_size(fits) - WIRE_HEADER_SIZE, <=, WIRE_MAX_PAYLOAD);

    g_autoptr(GBytes) over = wire_test_encode_welcome(2621, &error);
    g_assert_null(over);
    g_assert_error(error, LC_WIRE_ERROR, WIRE_ERR_TOO_LARGE);
}

/* A member count that does not fit its u16 field is refused, not wrapped. */
static void test_welcome_member_count_over_u16(void)
{
    g_autofree LcWireMember *members = g_new0(LcWireMember, G_MAXUINT16 + 1);
    LcWireMsg msg = {.type = WIRE_WELCOME};
    msg.welcome.nick = "n";
    msg.welcome.n_members = G_MAXUINT16 + 1;
    msg.welcome.members = members;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) frame = wire_msg_encode(&msg, &error);
    g_assert_null(frame);
    g_assert_error(error, LC_WIRE_ERROR, WIRE_ERR_TOO_LARGE);
}

/* NULL strings are borrowed as empty: a PRESENCE without old nick or reason
 * encodes them as empty strings. */
static void test_null_strings(void)
{
    LcWireMsg msg = {.type = WIRE_PRESENCE};
    msg.presence.kind = WIRE_PRESENCE_JOIN;
    msg.presence.nick = "alice";
    msg.presence.addr = "10.0.0.1:1";
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) frame = wire_msg_encode(&msg, &error);
    g_assert_no_error(error);
    g_autoptr(GByteArray) want = wire_test_hex("4C43 01 13 0000 00000018 01 0005 616C696365"
                                               "000A 31302E302E302E313A31 0000 0000");
    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data(frame, &size);
    g_assert_cmpmem(bytes, size, want->data, want->len);
}

/* Decodes an ERROR frame from wire_encode_error, checking what every such frame
 * shares: it decodes, its reason is valid UTF-8 of at most 512 bytes. */
static void wire_test_decode_error_frame(GBytes *frame, LcWireMsg *msg)
{
    g_autoptr(GError) error = NULL;
    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data(frame, &size);
    g_assert_true(wire_test_decode(bytes, size, msg, &error));
    g_assert_no_error(error);
    g_assert_cmphex(msg->type, ==, WIRE_ERROR);
    g_assert_true(g_utf8_validate(msg->error.reason, -1, NULL));
    g_assert_cmpuint(strlen(msg->error.reason), <=, WIRE_REASON_MAX);
}

typedef struct {
    const char *name;
    guint n_ascii;      /* the reason starts with this many 'a' */
    const char *suffix; /* then this string */
    guint n_suffix;     /* repeated this many times */
    gsize want_len;     /* bytes of the reason that are kept */
} WireCutRow;

/* Long reasons and where they are cut: at 512 bytes, or before a character
 * that would straddle byte 512. */
static const WireCutRow cut_rows[] = {
    {"empty", 0, "", 0, 0},
    {"short", 5, "", 0, 5},
    {"ascii-512", 512, "", 0, 512},
    {"ascii-513", 513, "", 0, 512},
    {"ascii-5000", 5000, "", 0, 512},
    {"two-byte-ends-at-512", 510, "\xc3\xa9", 1, 512},
    {"two-byte-straddles-512", 511, "\xc3\xa9", 1, 511},
    {"two-byte-only", 0, "\xc3\xa9", 600, 512},
    {"three-byte-ends-at-512", 509, "\xe2\x82\xac", 1, 512},
    {"three-byte-straddles-one", 510, "\xe2\x82\xac", 1, 510},
    {"three-byte-straddles-two", 511, "\xe2\x82\xac", 1, 511},
    {"three-byte-only", 0, "\xe2\x82\xac", 200, 510},
    {"four-byte-ends-at-512", 508, "\xf0\x9f\x98\x80", 1, 512},
    {"four-byte-straddles-one", 509, "\xf0\x9f\x98\x80", 1, 509},
    {"four-byte-straddles-three", 511, "\xf0\x9f\x98\x80", 1, 511},
    {"four-byte-only", 0, "\xf0\x9f\x98\x80", 200, 512},
    {"four-byte-offset", 1, "\xf0\x9f\x98\x80", 200, 509},
};

/* wire_encode_error keeps the first want_len bytes of the reason. */
static void test_error_cut(gconstpointer data)
{
    const WireCutRow *row = data;
    g_autofree char *head = wire_test_repeat("a", row->n_ascii);
    g_autofree char *tail = wire_test_repeat(row->suffix, row->n_suffix);
    g_autofree char *reason = g_strconcat(head, tail, NULL);
    g_autoptr(GBytes) frame = wire_encode_error(WIRE_ERR_BAD_TEXT, FALSE, 77, reason);
    LcWireMsg msg;

    wire_test_decode_error_frame(frame, &msg);
    g_assert_cmpuint(msg.error.code, ==, WIRE_ERR_BAD_TEXT);
    g_assert_cmpuint(msg.error.ref, ==, 77);
    g_assert_cmphex(msg.flags, ==, 0);
    g_assert_cmpmem(msg.error.reason, strlen(msg.error.reason), reason, row->want_len);
    wire_msg_clear(&msg);
}

/* A NULL reason is sent empty. */
static void test_error_null_reason(void)
{
    g_autoptr(GBytes) frame = wire_encode_error(WIRE_ERR_TIMEOUT, TRUE, 0, NULL);
    LcWireMsg msg;
    wire_test_decode_error_frame(frame, &msg);
    g_assert_cmpstr(msg.error.reason, ==, "");
    g_assert_cmphex(msg.flags, ==, WIRE_FLAG_FATAL);
    wire_msg_clear(&msg);
}

/* A reason that is not valid UTF-8 is replaced, however long it is. */
static void test_error_invalid_utf8(void)
{
    static const char *const bad[] = {"\xff", "bad \xc3", "\xed\xa0\x80 surrogate",
                                      "\xc0\xaf overlong"};
    g_autofree char *long_ascii = wire_test_repeat("a", 600);
    g_autofree char *long_bad = g_strconcat(long_ascii, "\xfe", NULL);
    for (guint i = 0; i <= G_N_ELEMENTS(bad); i++) {
        const char *reason = i < G_N_ELEMENTS(bad) ? bad[i] : long_bad;
        g_autoptr(GBytes) frame = wire_encode_error(WIRE_ERR_BAD_UTF8, TRUE, 1, reason);
        LcWireMsg msg;
        wire_test_decode_error_frame(frame, &msg);
        g_assert_cmpstr(msg.error.reason, ==, "(reason was not valid UTF-8)");
        g_assert_cmpuint(msg.error.code, ==, WIRE_ERR_BAD_UTF8);
        wire_msg_clear(&msg);
    }
}

/* Every code, fatal or not, with the largest ref. */
static void test_error_codes(void)
{
    for (guint code = WIRE_ERR_BAD_FRAME; code <= WIRE_ERR_INTERNAL; code++) {
        for (guint fatal = 0; fatal <= 1; fatal++) {
            g_autoptr(GBytes) frame =
                wire_encode_error((LcWireErrorCode)code, fatal, G_MAXUINT64, wire_error_name(code));
            LcWireMsg msg;
            wire_test_decode_error_frame(frame, &msg);
            g_assert_cmpuint(msg.error.code, ==, code);
            g_assert_cmpuint(msg.error.ref, ==, G_MAXUINT64);
            g_assert_cmphex(msg.flags, ==, fatal ? WIRE_FLAG_FATAL : 0);
            g_assert_cmpstr(msg.error.reason, ==, wire_error_name(code));
            wire_msg_clear(&msg);
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    wire_test_fill_strings(&over_max, 1);

    TEST_ADD_ROWS("/wire/encode/refuse", refusals, test_refusal);
    g_test_add_func("/wire/encode/refuse/welcome-over-payload", test_welcome_over_payload);
    g_test_add_func("/wire/encode/refuse/welcome-65536-members",
                    test_welcome_member_count_over_u16);
    g_test_add_func("/wire/encode/null-strings", test_null_strings);
    TEST_ADD_ROWS("/wire/encode-error/cut", cut_rows, test_error_cut);
    g_test_add_func("/wire/encode-error/null-reason", test_error_null_reason);
    g_test_add_func("/wire/encode-error/invalid-utf8", test_error_invalid_utf8);
    g_test_add_func("/wire/encode-error/codes", test_error_codes);
    return g_test_run();
}
