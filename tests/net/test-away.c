/* test-away.c: away messages. The relay tells the whole room (PRESENCE
 * away), tells a member who joins later who is away, refuses what may not
 * be shown and holds floods back; the client's member list keeps them
 * through nick changes, leaves and new WELCOMEs. */
#include "net/client/room_members.h"
#include "tests/net/harness.h"

#include <string.h>

/* Reads PRESENCE frames until an away one; its reason in *reason. */
static gboolean read_away(GSocket *socket, const char *nick, char **reason, guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000;
    while (g_get_monotonic_time() < deadline) {
        LcWireMsg p;
        if (!test_raw_read_type(socket, WIRE_PRESENCE, &p, timeout_ms))
            return FALSE;
        gboolean found = p.presence.kind == WIRE_PRESENCE_AWAY &&
                         g_strcmp0(p.presence.nick, nick) == 0;
        if (found)
            *reason = g_strdup(p.presence.reason);
        wire_msg_clear(&p);
        if (found)
            return TRUE;
    }
    return FALSE;
}

/* Sends AWAY. */
static void send_away(GSocket *socket, const char *reason)
{
    LcWireMsg away = {.type = WIRE_AWAY};
    away.away.reason = (char *)reason;
    test_raw_send(socket, &away);
}

/* Away and back reach everyone, the sender too; a member who joins later
 * hears who is away right after its WELCOME. */
static void test_away_and_back(RelayFixture *fx, gconstpointer tweak)
{
    GSocket *alice = test_raw_join(fx->port, "alice", 0, 0);
    GSocket *bob = test_raw_join(fx->port, "bob", 0, 0);
    send_away(alice, "lunch, back at 2");
    g_autofree char *seen = NULL, *own = NULL, *late = NULL, *back = NULL;
    g_assert_true(read_away(bob, "alice", &seen, 5000));
    g_assert_cmpstr(seen, ==, "lunch, back at 2");
    g_assert_true(read_away(alice, "alice", &own, 5000));
    g_assert_cmpstr(own, ==, "lunch, back at 2");
    GSocket *carol = test_raw_join(fx->port, "carol", 0, 0);
    g_assert_true(read_away(carol, "alice", &late, 5000));
    g_assert_cmpstr(late, ==, "lunch, back at 2");
    send_away(alice, "");
    g_assert_true(read_away(bob, "alice", &back, 5000));
    g_assert_cmpstr(back, ==, "");
    /* Back and nothing new: a member who joins now hears nothing. */
    GSocket *dave = test_raw_join(fx->port, "dave", 0, 0);
    g_autofree char *none = NULL;
    g_assert_false(read_away(dave, "alice", &none, 500));
    g_object_unref(alice);
    g_object_unref(bob);
    g_object_unref(carol);
    g_object_unref(dave);
}

/* A message that may not be shown is refused (not fatal) and nobody hears
 * of it; a flood of changes is held back by the chat flood control while
 * others in the room go on unharmed. */
static void test_away_abuse(RelayFixture *fx, gconstpointer tweak)
{
    GSocket *mallory = test_raw_join(fx->port, "mallory", 0, 0);
    GSocket *bob = test_raw_join(fx->port, "bob", 0, 0);
    send_away(mallory, "ring\007ring");
    LcWireMsg err;
    g_assert_true(test_raw_read_type(mallory, WIRE_ERROR, &err, 3000));
    g_assert_cmpuint(err.error.code, ==, WIRE_ERR_BAD_TEXT);
    g_assert_cmpuint(err.flags & WIRE_FLAG_FATAL, ==, 0);
    wire_msg_clear(&err);
    g_autofree char *none = NULL;
    g_assert_false(read_away(bob, "mallory", &none, 300));
    /* 40 changes at once, and bad ones mixed in. */
    for (int i = 0; i < 40; i++) {
        g_autofree char *text = g_strdup_printf("away %d", i);
        send_away(mallory, i % 5 == 4 ? "bad\033[2J" : text);
    }
    guint heard = 0;
    g_autofree char *reason = NULL;
    while (read_away(bob, "mallory", &reason, 500)) {
        heard++;
        g_clear_pointer(&reason, g_free);
    }
    g_test_message("bob heard %u of 40 away changes", heard);
    g_assert_cmpuint(heard, >=, 1);
    g_assert_cmpuint(heard, <=, 10); /* the burst (5), and the rate over the read */
    LcWireMsg limited;
    g_assert_true(test_raw_read_type(mallory, WIRE_ERROR, &limited, 3000));
    wire_msg_clear(&limited);
    /* bob still chats. */
    test_raw_chat(bob, 1, "still fine");
    LcWireMsg ack;
    g_assert_true(test_raw_read_type(bob, WIRE_CHAT_ACK, &ack, 3000));
    wire_msg_clear(&ack);
    g_object_unref(mallory);
    g_object_unref(bob);
}

/* Flood control as a relay runs by default: 5 at once, then 1 a second. */
static void tweak_flood(LcRelayConfig *config)
{
    config->rate_limit = 1;
    config->rate_burst = 5;
}

/* Builds a PRESENCE. */
static LcWireMsg presence(LcWirePresenceKind kind, const char *nick, const char *old,
                          const char *reason)
{
    LcWireMsg msg = {.type = WIRE_PRESENCE};
    msg.presence.kind = kind;
    msg.presence.nick = (char *)nick;
    msg.presence.addr = "127.0.0.1:1";
    msg.presence.old = (char *)old;
    msg.presence.reason = (char *)reason;
    return msg;
}

/* The member list follows away messages through nick changes (any case),
 * leaves, joins and a new WELCOME. */
static void test_members_model(void)
{
    g_autoptr(LcRoomMembers) m = room_members_new();
    LcWireMember list[] = {{"alice", "a:1"}, {"bob", "b:2"}};
    LcWireMsg welcome = {.type = WIRE_WELCOME};
    welcome.welcome.members = list;
    welcome.welcome.n_members = 2;
    room_members_set_welcome(m, &welcome);
    LcWireMsg msg = presence(WIRE_PRESENCE_AWAY, "Bob", NULL, "in a meeting");
    room_members_update(m, &msg);
    g_assert_cmpstr(room_members_get_away(m, "bob"), ==, "in a meeting");
    g_assert_null(room_members_get_away(m, "alice"));
    msg = presence(WIRE_PRESENCE_NICK, "robert", "bob", NULL);
    room_members_update(m, &msg);
    g_assert_null(room_members_get_away(m, "bob"));
    g_assert_cmpstr(room_members_get_away(m, "ROBERT"), ==, "in a meeting");
    msg = presence(WIRE_PRESENCE_AWAY, "robert", NULL, "");
    room_members_update(m, &msg);
    g_assert_null(room_members_get_away(m, "robert"));
    msg = presence(WIRE_PRESENCE_AWAY, "alice", NULL, "brb");
    room_members_update(m, &msg);
    msg = presence(WIRE_PRESENCE_LEAVE, "alice", NULL, "quit");
    room_members_update(m, &msg);
    g_assert_null(room_members_get_away(m, "alice"));
    msg = presence(WIRE_PRESENCE_AWAY, "robert", NULL, "again");
    room_members_update(m, &msg);
    room_members_set_welcome(m, &welcome); /* told again after WELCOME */
    g_assert_null(room_members_get_away(m, "robert"));
    guint n = 0;
    room_members_get_all(m, &n);
    g_assert_cmpuint(n, ==, 2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    relay_test_add("/away/and-back", NULL, test_away_and_back);
    relay_test_add("/away/abuse", tweak_flood, test_away_abuse);
    g_test_add_func("/away/members-model", test_members_model);
    return g_test_run();
}
