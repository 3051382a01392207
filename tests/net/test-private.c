/* test-private.c: private messages (PRIVMSG). The relay stores them like
 * the room's, acknowledges them to the sender, delivers them to the one
 * member they are for and to nobody else, live and in a later replay; it
 * refuses a nick not in the room, yourself, text that may not be shown and
 * floods, each without disturbing the others. */
#include "tests/net/harness.h"

#include <string.h>

/* Sends PRIVMSG. */
static void send_private(GSocket *socket, guint64 client_id, const char *to, const char *text)
{
    LcWireMsg msg = {.type = WIRE_PRIVMSG};
    msg.privmsg.client_id = client_id;
    msg.privmsg.to = (char *)to;
    msg.privmsg.text = (char *)text;
    test_raw_send(socket, &msg);
}

/* The private messages (and room messages) a socket gets within ms: their
 * texts, "P:" for private ones, joined by "|"; flags of the last private one
 * in *flags. */
static char *read_chat(GSocket *socket, guint ms, guint16 *flags)
{
    GString *out = g_string_new(NULL);
    gint64 end = g_get_monotonic_time() + ms * 1000;
    while (g_get_monotonic_time() < end) {
        LcWireMsg msg;
        if (!test_raw_read(socket, &msg, 100))
            continue;
        if (msg.type == WIRE_PRIVMSG_DELIVER) {
            g_string_append_printf(out, "%sP:%s>%s:%s", out->len ? "|" : "",
                                   msg.privmsg_deliver.nick, msg.privmsg_deliver.to,
                                   msg.privmsg_deliver.text);
            if (flags != NULL)
                *flags = msg.flags;
        } else if (msg.type == WIRE_CHAT_DELIVER) {
            g_string_append_printf(out, "%s%s", out->len ? "|" : "", msg.deliver.text);
        }
        wire_msg_clear(&msg);
    }
    return g_string_free(out, FALSE);
}

/* Joins again as the client instance that had nick ("test-NICK"), with
 * history, once the relay has seen the last connection go. */
static GSocket *rejoin(guint16 port, const char *nick)
{
    g_autofree char *instance = g_strdup_printf("test-%s", nick);
    for (int i = 0; i < 50; i++) {
        GSocket *s = test_raw_connect(port);
        LcWireMsg hello = {.type = WIRE_HELLO}, answer;
        hello.hello.nick = (char *)nick;
        hello.hello.instance = instance;
        hello.hello.history_limit = 50;
        test_raw_send(s, &hello);
        gboolean joined = test_raw_read(s, &answer, 3000) && answer.type == WIRE_WELCOME;
        wire_msg_clear(&answer);
        if (joined)
            return s;
        g_object_unref(s);
        g_usleep(100000);
    }
    g_assert_not_reached();
    return NULL;
}

/* Only the recipient gets it, live; the sender gets the ACK; after a
 * reconnect both find it in the history, nobody else does. */
static void test_private_delivery(RelayFixture *fx, gconstpointer tweak)
{
    GSocket *alice = test_raw_join(fx->port, "alice", 0, 0);
    GSocket *bob = test_raw_join(fx->port, "bob", 0, 0);
    GSocket *carol = test_raw_join(fx->port, "carol", 0, 0);
    test_raw_chat(alice, 1, "hello room");
    send_private(alice, 2, "BOB", "psst, just for you");
    LcWireMsg ack;
    g_assert_true(test_raw_read_type(alice, WIRE_CHAT_ACK, &ack, 3000));
    g_assert_cmpuint(ack.chat_ack.client_id, ==, 1);
    wire_msg_clear(&ack);
    g_assert_true(test_raw_read_type(alice, WIRE_CHAT_ACK, &ack, 3000));
    g_assert_cmpuint(ack.chat_ack.client_id, ==, 2);
    wire_msg_clear(&ack);
    guint16 flags = 0;
    g_autofree char *to_bob = read_chat(bob, 500, &flags);
    g_assert_cmpstr(to_bob, ==, "hello room|P:alice>bob:psst, just for you");
    g_assert_cmpuint(flags & (WIRE_FLAG_HISTORY | WIRE_FLAG_OWN), ==, 0);
    g_autofree char *to_carol = read_chat(carol, 500, NULL);
    g_assert_cmpstr(to_carol, ==, "hello room");
    g_object_unref(alice);
    g_object_unref(bob);
    g_object_unref(carol);

    /* Each one back (the same client instance), with history: the two find
     * it (the sender's marked its own), another client does not. */
    GSocket *bob2 = rejoin(fx->port, "bob");
    g_autofree char *again = read_chat(bob2, 500, &flags);
    g_assert_cmpstr(again, ==, "hello room|P:alice>bob:psst, just for you");
    g_assert_cmpuint(flags & (WIRE_FLAG_HISTORY | WIRE_FLAG_OWN), ==, WIRE_FLAG_HISTORY);
    g_object_unref(bob2);
    GSocket *alice2 = rejoin(fx->port, "alice");
    g_autofree char *own = read_chat(alice2, 500, &flags);
    g_assert_cmpstr(own, ==, "hello room|P:alice>bob:psst, just for you");
    g_assert_cmpuint(flags & (WIRE_FLAG_HISTORY | WIRE_FLAG_OWN), ==,
                     WIRE_FLAG_HISTORY | WIRE_FLAG_OWN);
    g_object_unref(alice2);
    GSocket *dave = test_raw_join(fx->port, "dave", 0, 50);
    g_autofree char *other = read_chat(dave, 500, NULL);
    g_assert_cmpstr(other, ==, "hello room");
    g_object_unref(dave);
}

/* Reads an ERROR and checks its code, its ref and that it is not fatal. */
static void expect_error(GSocket *socket, guint16 code, guint64 ref, const char *words)
{
    LcWireMsg err;
    g_assert_true(test_raw_read_type(socket, WIRE_ERROR, &err, 3000));
    g_test_message("%s", err.error.reason);
    g_assert_cmpuint(err.error.code, ==, code);
    g_assert_cmpuint(err.error.ref, ==, ref);
    g_assert_cmpuint(err.flags & WIRE_FLAG_FATAL, ==, 0);
    g_assert_nonnull(strstr(err.error.reason, words));
    wire_msg_clear(&err);
}

/* Refused, each in words and not fatal: nobody of that nick, yourself,
 * text that may not be shown; a flood is held back by the chat flood
 * control; the recipient gets only what was admitted, and others nothing. */
static void test_private_abuse(RelayFixture *fx, gconstpointer tweak)
{
    GSocket *mallory = test_raw_join(fx->port, "mallory", 0, 0);
    GSocket *bob = test_raw_join(fx->port, "bob", 0, 0);
    GSocket *carol = test_raw_join(fx->port, "carol", 0, 0);
    send_private(mallory, 1, "nobody", "hello?");
    expect_error(mallory, WIRE_ERR_NO_SUCH_NICK, 1, "nobody is not in the room");
    send_private(mallory, 2, "Mallory", "me, myself");
    expect_error(mallory, WIRE_ERR_BAD_NICK, 2, "not to yourself");
    send_private(mallory, 3, "bob", "clear\033[2J");
    expect_error(mallory, WIRE_ERR_BAD_TEXT, 3, "");
    for (guint i = 0; i < 30; i++) {
        g_autofree char *text = g_strdup_printf("spam %u", i);
        send_private(mallory, 10 + i, "bob", text);
    }
    g_autofree char *got = read_chat(bob, 800, NULL);
    g_auto(GStrv) parts = g_strsplit(got, "|", -1);
    g_test_message("bob got %u of 30: %s", g_strv_length(parts), got);
    g_assert_cmpuint(g_strv_length(parts), >=, 1);
    g_assert_cmpuint(g_strv_length(parts), <=, 8);
    expect_error(mallory, WIRE_ERR_RATE_LIMITED, 0 + 10 + g_strv_length(parts), "flood control");
    g_autofree char *none = read_chat(carol, 300, NULL);
    g_assert_cmpstr(none, ==, "");
    /* bob still chats with the room. */
    test_raw_chat(bob, 1, "fine here");
    LcWireMsg ack;
    g_assert_true(test_raw_read_type(bob, WIRE_CHAT_ACK, &ack, 3000));
    wire_msg_clear(&ack);
    g_object_unref(mallory);
    g_object_unref(bob);
    g_object_unref(carol);
}

/* A PRIVMSG built by hand: its text may be over the limit. */
static void send_private_raw(GSocket *socket, guint64 client_id, const char *to, gsize text_len)
{
    g_autoptr(GByteArray) b = g_byte_array_new();
    guint8 head[10] = {0x4C, 0x43, 0x01, WIRE_PRIVMSG, 0, 0, 0, 0, 0, 0};
    guint32 len = (guint32)(8 + 2 + strlen(to) + 2 + text_len);
    head[6] = (guint8)(len >> 24), head[7] = (guint8)(len >> 16), head[8] = (guint8)(len >> 8),
    head[9] = (guint8)len;
    g_byte_array_append(b, head, sizeof(head));
    for (int i = 7; i >= 0; i--) {
        guint8 v = (guint8)(client_id >> (8 * i));
        g_byte_array_append(b, &v, 1);
    }
    guint8 n[2] = {(guint8)(strlen(to) >> 8), (guint8)strlen(to)};
    g_byte_array_append(b, n, 2);
    g_byte_array_append(b, (const guint8 *)to, (guint)strlen(to));
    guint8 t[2] = {(guint8)(text_len >> 8), (guint8)text_len};
    g_byte_array_append(b, t, 2);
    for (gsize i = 0; i < text_len; i++)
        g_byte_array_append(b, (const guint8 *)"x", 1);
    test_raw_send_bytes(socket, b->data, b->len);
}

/* At and past the limits: 4096 bytes of text pass, 4097 are refused (not
 * fatal, naming the message); a message sent again after its recipient
 * left is acknowledged (it was stored), not refused. */
static void test_private_limits(RelayFixture *fx, gconstpointer tweak)
{
    GSocket *alice = test_raw_join(fx->port, "alice", 0, 0);
    GSocket *bob = test_raw_join(fx->port, "bob", 0, 0);
    send_private_raw(alice, 1, "bob", 4096);
    LcWireMsg msg;
    g_assert_true(test_raw_read_type(bob, WIRE_PRIVMSG_DELIVER, &msg, 3000));
    g_assert_cmpuint(strlen(msg.privmsg_deliver.text), ==, 4096);
    wire_msg_clear(&msg);
    send_private_raw(alice, 2, "bob", 4097);
    expect_error(alice, WIRE_ERR_BAD_TEXT, 2, "");
    send_private(alice, 3, "bob", "once"); /* (the ACK of 1 went by before the ERROR) */
    g_assert_true(test_raw_read_type(alice, WIRE_CHAT_ACK, &msg, 3000));
    g_assert_cmpuint(msg.chat_ack.client_id, ==, 3);
    guint64 stored = msg.chat_ack.id;
    wire_msg_clear(&msg);
    g_object_unref(bob);
    g_usleep(300000);
    send_private(alice, 3, "bob", "once"); /* again, as after a reconnect */
    g_assert_true(test_raw_read_type(alice, WIRE_CHAT_ACK, &msg, 3000));
    g_assert_cmpuint(msg.chat_ack.client_id, ==, 3);
    g_assert_cmpuint(msg.chat_ack.id, ==, stored);
    wire_msg_clear(&msg);
    test_raw_chat(alice, 4, "still here"); /* the connection lives on */
    g_assert_true(test_raw_read_type(alice, WIRE_CHAT_ACK, &msg, 3000));
    wire_msg_clear(&msg);
    g_object_unref(alice);
}

/* Flood control as a relay runs by default: 5 at once, then 1 a second. */
static void tweak_flood(LcRelayConfig *config)
{
    config->rate_limit = 1;
    config->rate_burst = 5;
}

/* A client from before private messages and away (its HELLO lacks
 * CHAT_EXTRAS) is sent neither, so it does not close on them: a private
 * message to it is refused in words and not stored, others' away changes
 * pass it by, and it goes on chatting with the room. */
static void test_private_old_client(RelayFixture *fx, gconstpointer tweak)
{
    GSocket *alice = test_raw_join(fx->port, "alice", 0, 0);
    GSocket *old = test_raw_join_flags(fx->port, "olde", 0, 0, 0);
    send_private(alice, 1, "olde", "can you read this?");
    expect_error(alice, WIRE_ERR_NO_SUCH_NICK, 1, "too old for private messages");
    LcWireMsg away = {.type = WIRE_AWAY};
    away.away.reason = (char *)"lunch";
    test_raw_send(alice, &away);
    LcWireMsg chat = {.type = WIRE_CHAT};
    chat.chat.client_id = 2;
    chat.chat.text = (char *)"still here";
    test_raw_send(alice, &chat);
    /* The old client's next frame is the chat line: no PRESENCE away, no
     * PRIVMSG_DELIVER before it, and the connection open. */
    LcWireMsg next;
    g_assert_true(test_raw_read(old, &next, 3000));
    g_assert_cmpuint(next.type, ==, WIRE_CHAT_DELIVER);
    g_assert_cmpstr(next.deliver.text, ==, "still here");
    wire_msg_clear(&next);
    g_object_unref(old);
    g_object_unref(alice);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    relay_test_add("/private/delivery", NULL, test_private_delivery);
    relay_test_add("/private/abuse", tweak_flood, test_private_abuse);
    relay_test_add("/private/limits", NULL, test_private_limits);
    relay_test_add("/private/old-client", NULL, test_private_old_client);
    return g_test_run();
}
