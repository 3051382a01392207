/* wire-test-util.c: frame builders and assertions shared by the wire codec tests. */
#include "wire-test-util.h"

#include <string.h>

/* Appends a big-endian integer of n bytes. */
static void wire_test_put_be(GByteArray *out, guint64 v, guint n)
{
    for (guint i = 0; i < n; i++) {
        guint8 b = (guint8)(v >> (8 * (n - 1 - i)));
        g_byte_array_append(out, &b, 1);
    }
}

/* Appends one piece of a hand-built payload. */
static void wire_test_put_piece(GByteArray *out, const WirePiece *piece)
{
    switch (piece->kind) {
    case P_U8:
        wire_test_put_be(out, piece->num, 1);
        break;
    case P_U16:
        wire_test_put_be(out, piece->num, 2);
        break;
    case P_U32:
        wire_test_put_be(out, piece->num, 4);
        break;
    case P_U64:
        wire_test_put_be(out, piece->num, 8);
        break;
    case P_STR:
        wire_test_put_be(out, piece->len, 2);
        g_byte_array_append(out, (const guint8 *)piece->bytes, (guint)piece->len);
        break;
    case P_FILL:
        wire_test_put_be(out, piece->num * piece->len, 2);
        for (guint64 i = 0; i < piece->num; i++)
            g_byte_array_append(out, (const guint8 *)piece->bytes, (guint)piece->len);
        break;
    case P_LEN:
        wire_test_put_be(out, piece->num, 2);
        break;
    case P_RAW:
        g_byte_array_append(out, (const guint8 *)piece->bytes, (guint)piece->len);
        break;
    case P_END:
        break;
    }
}

/* Builds a frame with a correct header from a list of payload pieces. */
GByteArray *wire_test_build(guint8 type, guint16 flags, const WirePiece *pieces)
{
    GByteArray *out = g_byte_array_new();
    const guint8 head[] = {WIRE_MAGIC_0, WIRE_MAGIC_1, WIRE_VERSION, type};
    g_byte_array_append(out, head, sizeof(head));
    wire_test_put_be(out, flags, 2);
    wire_test_put_be(out, 0, 4);
    for (guint i = 0; i < WIRE_PIECES_MAX && pieces[i].kind != P_END; i++)
        wire_test_put_piece(out, &pieces[i]);
    guint32 length = out->len - WIRE_HEADER_SIZE;
    for (guint i = 0; i < 4; i++)
        out->data[6 + i] = (guint8)(length >> (8 * (3 - i)));
    return out;
}

/* Parses a hex literal, ignoring spaces. */
GByteArray *wire_test_hex(const char *hex)
{
    GByteArray *out = g_byte_array_new();
    int high = -1;
    for (const char *p = hex; *p; p++) {
        if (*p == ' ')
            continue;
        int digit = g_ascii_xdigit_value(*p);
        g_assert_cmpint(digit, >=, 0);
        if (high < 0) {
            high = digit;
        } else {
            guint8 b = (guint8)(high << 4 | digit);
            g_byte_array_append(out, &b, 1);
            high = -1;
        }
    }
    g_assert_cmpint(high, ==, -1);
    return out;
}

/* Decodes a whole frame the way a receiver does. */
gboolean wire_test_decode(const guint8 *frame, gsize size, LcWireMsg *msg, GError **error)
{
    LcWireHeader header;
    g_assert_cmpuint(size, >=, WIRE_HEADER_SIZE);
    g_autofree guint8 *head = g_memdup2(frame, WIRE_HEADER_SIZE);
    memset(msg, 0, sizeof(*msg));
    if (!wire_header_parse(head, &header, error))
        return FALSE;
    g_assert_cmpuint(header.length, ==, size - WIRE_HEADER_SIZE);
    g_autofree guint8 *payload = g_malloc(MAX(header.length, 1));
    memcpy(payload, frame + WIRE_HEADER_SIZE, header.length);
    return wire_msg_decode(&header, payload, msg, error);
}

/* Asserts that a frame fails to decode with the given code. */
void wire_test_assert_decode_fails(const guint8 *frame, gsize size, LcWireErrorCode code)
{
    static const LcWireMsg cleared;
    g_autoptr(GError) error = NULL;
    LcWireMsg msg;

    g_assert_false(wire_test_decode(frame, size, &msg, &error));
    g_assert_error(error, LC_WIRE_ERROR, (gint)code);
    g_assert_nonnull(error->message);
    g_assert_true(memcmp(&msg, &cleared, sizeof(msg)) == 0);
}

/* Compares two strings, a NULL one counting as empty. */
static void wire_test_assert_str(const char *got, const char *want)
{
    g_assert_nonnull(got);
    g_assert_cmpstr(got, ==, want ? want : "");
}

/* Compares WELCOME's member lists. */
static void wire_test_assert_members(const LcWireMsg *got, const LcWireMsg *want)
{
    g_assert_cmpuint(got->welcome.n_members, ==, want->welcome.n_members);
    for (guint i = 0; i < want->welcome.n_members; i++) {
        wire_test_assert_str(got->welcome.members[i].nick, want->welcome.members[i].nick);
        wire_test_assert_str(got->welcome.members[i].addr, want->welcome.members[i].addr);
    }
}

/* Compares the fields of two messages of the same type. */
void wire_test_assert_msg_equal(const LcWireMsg *got, const LcWireMsg *want)
{
    g_assert_cmphex(got->type, ==, want->type);
    g_assert_cmphex(got->flags, ==, want->flags);
    switch (want->type) {
    case WIRE_HELLO:
        g_assert_cmpuint(got->hello.role, ==, want->hello.role);
        wire_test_assert_str(got->hello.nick, want->hello.nick);
        wire_test_assert_str(got->hello.instance, want->hello.instance);
        g_assert_cmpuint(got->hello.resume_after, ==, want->hello.resume_after);
        g_assert_cmpuint(got->hello.history_limit, ==, want->hello.history_limit);
        break;
    case WIRE_WELCOME:
        g_assert_cmpuint(got->welcome.session_id, ==, want->welcome.session_id);
        g_assert_cmpuint(got->welcome.server_time, ==, want->welcome.server_time);
        wire_test_assert_str(got->welcome.nick, want->welcome.nick);
        wire_test_assert_str(got->welcome.addr, want->welcome.addr);
        g_assert_cmpuint(got->welcome.last_id, ==, want->welcome.last_id);
        g_assert_cmpuint(got->welcome.oldest_id, ==, want->welcome.oldest_id);
        g_assert_cmpuint(got->welcome.rate_limit, ==, want->welcome.rate_limit);
        g_assert_cmpuint(got->welcome.rate_burst, ==, want->welcome.rate_burst);
        wire_test_assert_members(got, want);
        break;
    case WIRE_ERROR:
        g_assert_cmpuint(got->error.code, ==, want->error.code);
        g_assert_cmpuint(got->error.ref, ==, want->error.ref);
        wire_test_assert_str(got->error.reason, want->error.reason);
        break;
    case WIRE_PING:
        g_assert_cmpuint(got->ping.t1, ==, want->ping.t1);
        g_assert_cmpuint(got->ping.token, ==, want->ping.token);
        break;
    case WIRE_PONG:
        g_assert_cmpuint(got->pong.t1, ==, want->pong.t1);
        g_assert_cmpuint(got->pong.token, ==, want->pong.token);
        g_assert_cmpuint(got->pong.t2, ==, want->pong.t2);
        g_assert_cmpuint(got->pong.t3, ==, want->pong.t3);
        break;
    case WIRE_CHAT:
        g_assert_cmpuint(got->chat.client_id, ==, want->chat.client_id);
        wire_test_assert_str(got->chat.text, want->chat.text);
        break;
    case WIRE_CHAT_ACK:
        g_assert_cmpuint(got->chat_ack.client_id, ==, want->chat_ack.client_id);
        g_assert_cmpuint(got->chat_ack.id, ==, want->chat_ack.id);
        g_assert_cmpuint(got->chat_ack.server_time, ==, want->chat_ack.server_time);
        break;
    case WIRE_CHAT_DELIVER:
        g_assert_cmpuint(got->deliver.id, ==, want->deliver.id);
        g_assert_cmpuint(got->deliver.server_time, ==, want->deliver.server_time);
        wire_test_assert_str(got->deliver.nick, want->deliver.nick);
        wire_test_assert_str(got->deliver.addr, want->deliver.addr);
        wire_test_assert_str(got->deliver.text, want->deliver.text);
        break;
    case WIRE_PRESENCE:
        g_assert_cmpuint(got->presence.kind, ==, want->presence.kind);
        wire_test_assert_str(got->presence.nick, want->presence.nick);
        wire_test_assert_str(got->presence.addr, want->presence.addr);
        wire_test_assert_str(got->presence.old, want->presence.old);
        wire_test_assert_str(got->presence.reason, want->presence.reason);
        break;
    case WIRE_NICK:
        wire_test_assert_str(got->nick.nick, want->nick.nick);
        break;
    case WIRE_QUIT:
        wire_test_assert_str(got->quit.reason, want->quit.reason);
        break;
    case WIRE_AWAY:
        wire_test_assert_str(got->away.reason, want->away.reason);
        break;
    case WIRE_PRIVMSG:
        g_assert_cmpuint(got->privmsg.client_id, ==, want->privmsg.client_id);
        wire_test_assert_str(got->privmsg.to, want->privmsg.to);
        wire_test_assert_str(got->privmsg.text, want->privmsg.text);
        break;
    case WIRE_PRIVMSG_DELIVER:
        g_assert_cmpuint(got->privmsg_deliver.id, ==, want->privmsg_deliver.id);
        g_assert_cmpuint(got->privmsg_deliver.server_time, ==, want->privmsg_deliver.server_time);
        wire_test_assert_str(got->privmsg_deliver.nick, want->privmsg_deliver.nick);
        wire_test_assert_str(got->privmsg_deliver.addr, want->privmsg_deliver.addr);
        wire_test_assert_str(got->privmsg_deliver.to, want->privmsg_deliver.to);
        wire_test_assert_str(got->privmsg_deliver.text, want->privmsg_deliver.text);
        break;
    case WIRE_CAMERA_ACL:
        g_assert_cmpuint(got->camera_acl.op, ==, want->camera_acl.op);
        wire_test_assert_str(got->camera_acl.nick, want->camera_acl.nick);
        break;
    case WIRE_FILE_ANSWER:
        g_assert_cmpuint(got->file_answer.transfer_id, ==, want->file_answer.transfer_id);
        g_assert_cmpuint(got->file_answer.answer, ==, want->file_answer.answer);
        g_assert_cmpuint(got->file_answer.way, ==, want->file_answer.way);
        g_assert_cmpuint(got->file_answer.port, ==, want->file_answer.port);
        break;
    case WIRE_FILE_HAVE:
        g_assert_cmpuint(got->file_have.chunk, ==, want->file_have.chunk);
        break;
    case WIRE_FILE_START:
        g_assert_cmpuint(got->file_start.transfer_id, ==, want->file_start.transfer_id);
        g_assert_cmpuint(got->file_start.offer_id, ==, want->file_start.offer_id);
        g_assert_cmpuint(got->file_start.role, ==, want->file_start.role);
        g_assert_cmpuint(got->file_start.way, ==, want->file_start.way);
        g_assert_cmpuint(got->file_start.token, ==, want->file_start.token);
        g_assert_cmpuint(got->file_start.port, ==, want->file_start.port);
        wire_test_assert_str(got->file_start.nick, want->file_start.nick);
        wire_test_assert_str(got->file_start.addr, want->file_start.addr);
        break;
    case WIRE_FILE_END:
        g_assert_cmpuint(got->file_end.transfer_id, ==, want->file_end.transfer_id);
        g_assert_cmpuint(got->file_end.offer_id, ==, want->file_end.offer_id);
        g_assert_cmpuint(got->file_end.code, ==, want->file_end.code);
        wire_test_assert_str(got->file_end.nick, want->file_end.nick);
        wire_test_assert_str(got->file_end.reason, want->file_end.reason);
        break;
    case WIRE_FILE_HELLO:
        g_assert_cmpuint(got->file_hello.role, ==, want->file_hello.role);
        g_assert_cmpuint(got->file_hello.transfer_id, ==, want->file_hello.transfer_id);
        g_assert_cmpuint(got->file_hello.token, ==, want->file_hello.token);
        break;
    case WIRE_FILE_READY:
        g_assert_cmpuint(got->file_ready.transfer_id, ==, want->file_ready.transfer_id);
        break;
    case WIRE_FILE_GET:
        g_assert_cmpuint(got->file_get.offset, ==, want->file_get.offset);
        g_assert_cmpuint(got->file_get.length, ==, want->file_get.length);
        break;
    default:
        g_assert_not_reached();
    }
}

/* A string of n copies of c. */
char *wire_test_repeat(const char *c, gsize n)
{
    gsize len = strlen(c);
    char *s = g_malloc(n * len + 1);
    for (gsize i = 0; i < n; i++)
        memcpy(s + i * len, c, len);
    s[n * len] = '\0';
    return s;
}

/* Fills each string with its field's limit plus `over` bytes. */
void wire_test_fill_strings(WireTestStrings *s, guint over)
{
    memset(s, 0, sizeof(*s));
    memset(s->nick, 'N', WIRE_NICK_MAX + over);
    memset(s->instance, 'i', WIRE_INSTANCE_MAX + over);
    memset(s->addr, '1', WIRE_ADDR_MAX + over);
    memset(s->text, 'x', WIRE_TEXT_MAX + over);
    memset(s->reason, 'r', WIRE_REASON_MAX + over);
    memset(s->quit, 'q', WIRE_QUIT_REASON_MAX + over);
}
