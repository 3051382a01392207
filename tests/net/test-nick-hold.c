/* test-nick-hold.c: a member gone without QUIT keeps its nick for its own
 * client (nick holds, net/relay/nick_hold.c), across a relay restart too,
 * within per-address and total bounds; views follow the client, not the
 * name. Real relay on 127.0.0.1, raw clients speaking frames by hand. */
#include "tests/net/harness.h"

#include <string.h>

static char *data_dir;
static guint16 fixed_port;

/* Keeps history (and holds) on disk, on a port that survives a restart. */
static void tweak_disk(LcRelayConfig *config)
{
    config->port = fixed_port;
    config->data_dir = g_strdup(data_dir);
}

/* Holds of one second, so that a test can watch one end. */
static void tweak_short_hold(LcRelayConfig *config)
{
    config->nick_hold_s = 1;
}

/* Small bounds: holds are bounded as connections are, so 4 per address
 * and 8 in all. */
static void tweak_few_holds(LcRelayConfig *config)
{
    config->max_clients_per_ip = 4;
    config->max_clients = 8;
}

/* Reads until a PRESENCE of kind for nick arrives. */
static void wait_presence(GSocket *socket, LcWirePresenceKind kind, const char *nick)
{
    for (;;) {
        LcWireMsg msg;
        g_assert_true(test_raw_read_type(socket, WIRE_PRESENCE, &msg, 5000));
        gboolean match =
            msg.presence.kind == kind && g_ascii_strcasecmp(msg.presence.nick, nick) == 0;
        wire_msg_clear(&msg);
        if (match)
            return;
    }
}

/* HELLO as nick/instance (from 127.0.0.1): TRUE if WELCOME came back; on
 * NICK_TAKEN, reason (may be NULL) gets the relay's words. */
static gboolean try_hello(guint16 port, const char *from, const char *nick, const char *instance,
                          GSocket **joined, char **reason)
{
    LcWireMsg answer;
    GSocket *socket = test_raw_hello(port, from, nick, instance, &answer);
    gboolean ok = answer.type == WIRE_WELCOME;
    if (!ok) {
        g_assert_cmpuint(answer.type, ==, WIRE_ERROR);
        g_assert_cmpuint(answer.error.code, ==, WIRE_ERR_NICK_TAKEN);
        if (reason != NULL)
            *reason = g_strdup(answer.error.reason);
    }
    wire_msg_clear(&answer);
    if (ok && joined != NULL)
        *joined = socket;
    else
        g_object_unref(socket);
    return ok;
}

/* A member whose connection drops keeps its nick for its own instance: a
 * case variant from another instance is refused, saying for how long; the
 * same instance gets it back. */
static void test_hold_on_lost_connection(RelayFixture *fx, gconstpointer data)
{
    (void)data;
    GSocket *watch = test_raw_join(fx->port, "watch", 0, 0);
    GSocket *bob = NULL;
    g_assert_true(try_hello(fx->port, NULL, "bob", "bob-1", &bob, NULL));
    g_object_unref(bob); /* no QUIT: the connection is lost */
    wait_presence(watch, WIRE_PRESENCE_LEAVE, "bob");

    g_autofree char *reason = NULL;
    g_assert_false(try_hello(fx->port, NULL, "BOB", "impostor", NULL, &reason));
    g_assert_nonnull(strstr(reason, "held"));
    g_assert_nonnull(strstr(reason, "free in 1"));
    g_assert_true(try_hello(fx->port, NULL, "bob", "bob-1", &bob, NULL));
    g_object_unref(bob);
    g_object_unref(watch);
}

/* QUIT gives the nick up at once; a hold ends after its time. */
static void test_quit_and_expiry(RelayFixture *fx, gconstpointer data)
{
    (void)data;
    GSocket *watch = test_raw_join(fx->port, "watch", 0, 0);
    GSocket *bob = NULL;
    g_assert_true(try_hello(fx->port, NULL, "bob", "bob-1", &bob, NULL));
    LcWireMsg quit = {.type = WIRE_QUIT};
    quit.quit.reason = "bye";
    test_raw_send(bob, &quit);
    wait_presence(watch, WIRE_PRESENCE_LEAVE, "bob");
    g_object_unref(bob);
    GSocket *other = NULL;
    g_assert_true(try_hello(fx->port, NULL, "Bob", "other", &other, NULL));
    g_object_unref(other); /* lost: held for "other" for 1 s */
    wait_presence(watch, WIRE_PRESENCE_LEAVE, "Bob");
    g_assert_false(try_hello(fx->port, NULL, "bob", "bob-1", NULL, NULL));
    g_usleep(1100 * 1000);
    g_assert_true(try_hello(fx->port, NULL, "bob", "bob-1", &bob, NULL));
    g_object_unref(bob);
    g_object_unref(watch);
}

/* NICK to a nick held for another instance is refused (the connection
 * stays, its nick unchanged); a nick given up by NICK is free at once. */
static void test_rename(RelayFixture *fx, gconstpointer data)
{
    (void)data;
    GSocket *watch = test_raw_join(fx->port, "watch", 0, 0);
    GSocket *bob = NULL;
    g_assert_true(try_hello(fx->port, NULL, "bob", "bob-1", &bob, NULL));
    g_object_unref(bob);
    wait_presence(watch, WIRE_PRESENCE_LEAVE, "bob");

    GSocket *carol = test_raw_join(fx->port, "carol", 0, 0);
    LcWireMsg nick = {.type = WIRE_NICK};
    nick.nick.nick = "BOB";
    test_raw_send(carol, &nick);
    LcWireMsg answer;
    g_assert_true(test_raw_read_type(carol, WIRE_ERROR, &answer, 5000));
    g_assert_cmpuint(answer.error.code, ==, WIRE_ERR_NICK_TAKEN);
    g_assert_cmpuint(answer.flags & WIRE_FLAG_FATAL, ==, 0);
    g_assert_nonnull(strstr(answer.error.reason, "held"));
    wire_msg_clear(&answer);

    nick.nick.nick = "caroline";
    test_raw_send(carol, &nick);
    wait_presence(watch, WIRE_PRESENCE_NICK, "caroline");
    GSocket *other = NULL;
    g_assert_true(try_hello(fx->port, NULL, "carol", "someone-else", &other, NULL));
    g_object_unref(other);
    g_object_unref(carol);
    g_object_unref(watch);
}

/* Joins nick from an address as an instance and drops the connection;
 * waits until the relay has seen it go. */
static void join_and_drop(guint16 port, GSocket *watch, const char *from, const char *nick,
                          const char *instance)
{
    GSocket *s = NULL;
    g_assert_true(try_hello(port, from, nick, instance, &s, NULL));
    g_object_unref(s);
    wait_presence(watch, WIRE_PRESENCE_LEAVE, nick);
}

/* The bounds, at and past them, with a churning peer and an honest one at
 * once: 4 holds per address, 8 in all. A peer churning nicks from
 * 127.0.0.2 only ever holds 4, the oldest giving way, and never pushes
 * out the hold of a member from 127.0.0.1. */
static void test_bounds(RelayFixture *fx, gconstpointer data)
{
    (void)data;
    GSocket *watch = test_raw_join(fx->port, "watch", 0, 0);
    join_and_drop(fx->port, watch, "127.0.0.1", "honest", "honest-1");
    for (guint i = 0; i < 12; i++) {
        g_autofree char *nick = g_strdup_printf("churn%u", i);
        g_autofree char *instance = g_strdup_printf("churner-%u", i);
        join_and_drop(fx->port, watch, "127.0.0.2", nick, instance);
    }
    /* 127.0.0.2 holds its last 4 nicks only; the first 8 are free. */
    for (guint i = 0; i < 12; i++) {
        g_autofree char *nick = g_strdup_printf("churn%u", i);
        GSocket *s = NULL;
        gboolean free_now = try_hello(fx->port, NULL, nick, "taker", &s, NULL);
        g_assert_cmpint(free_now, ==, i < 8);
        if (s != NULL) {
            LcWireMsg quit = {.type = WIRE_QUIT};
            quit.quit.reason = "";
            test_raw_send(s, &quit);
            wait_presence(watch, WIRE_PRESENCE_LEAVE, nick);
            g_object_unref(s);
        }
    }
    g_assert_false(try_hello(fx->port, NULL, "honest", "impostor", NULL, NULL));

    /* In all: honest + 4 churners = 5; three more from 127.0.0.3 reach the
     * 8 allowed, a fourth goes past: the hold that ends soonest (honest's)
     * gives way. */
    for (guint i = 0; i < 3; i++) {
        g_autofree char *nick = g_strdup_printf("third%u", i);
        join_and_drop(fx->port, watch, "127.0.0.3", nick, nick);
    }
    g_assert_false(try_hello(fx->port, NULL, "honest", "impostor", NULL, NULL));
    join_and_drop(fx->port, watch, "127.0.0.3", "third3", "third3");
    GSocket *s = NULL;
    g_assert_true(try_hello(fx->port, NULL, "honest", "impostor", &s, NULL));
    g_object_unref(s);
    g_assert_false(try_hello(fx->port, NULL, "third3", "impostor", NULL, NULL));
    g_assert_false(try_hello(fx->port, NULL, "churn11", "impostor", NULL, NULL));
    g_object_unref(watch);
}

/* A hold outlives a relay restart: the member that was joined when the
 * relay stopped finds its nick kept for it, whoever asks first. */
static void test_restart(void)
{
    data_dir = g_dir_make_tmp("lanconf-hold-XXXXXX", NULL);
    TestRelay *relay = test_relay_start(tweak_disk);
    fixed_port = test_relay_port(relay);
    GSocket *bob = NULL;
    g_assert_true(try_hello(fixed_port, NULL, "bob", "bob-1", &bob, NULL));
    test_relay_stop(relay);
    g_object_unref(bob);

    relay = test_relay_start(tweak_disk);
    g_autofree char *reason = NULL;
    g_assert_false(try_hello(fixed_port, NULL, "BOB", "impostor", NULL, &reason));
    g_assert_nonnull(strstr(reason, "held"));
    g_assert_true(try_hello(fixed_port, NULL, "bob", "bob-1", &bob, NULL));
    LcWireMsg quit = {.type = WIRE_QUIT};
    quit.quit.reason = "";
    test_raw_send(bob, &quit);
    g_assert_true(test_raw_wait_closed(bob, 5000, NULL));
    g_object_unref(bob);
    test_relay_stop(relay);

    /* It quit: after another restart the nick is free. */
    relay = test_relay_start(tweak_disk);
    GSocket *other = NULL;
    g_assert_true(try_hello(fixed_port, NULL, "BOB", "impostor", &other, NULL));
    g_object_unref(other);
    test_relay_stop(relay);
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", data_dir);
    g_assert_cmpint(system(cmd), ==, 0);
    g_clear_pointer(&data_dir, g_free);
}

/* Asks to view nick's video over TCP. */
static void send_view(GSocket *socket, const char *nick)
{
    LcWireMsg view = {.type = WIRE_VIEW};
    view.view.nick = (char *)nick;
    view.view.channels = WIRE_CHANNEL_TCP;
    test_raw_send(socket, &view);
}

/* Opens a video stream on a joined connection and waits for STREAM_READY. */
static void open_stream(GSocket *socket)
{
    LcWireMsg open = {.type = WIRE_STREAM_OPEN};
    open.stream_open.channels = WIRE_CHANNEL_TCP;
    test_raw_send(socket, &open);
    LcWireMsg ready;
    g_assert_true(test_raw_read_type(socket, WIRE_STREAM_READY, &ready, 5000));
    wire_msg_clear(&ready);
}

/* A view belongs to the client it watched: the same client coming back is
 * watched again; another client taking the nick (once the hold ended) ends
 * the view with VIDEO_REFUSED (NICK_TAKEN) and is never shown. */
static void test_view_bound(RelayFixture *fx, gconstpointer data)
{
    (void)data;
    GSocket *carol = test_raw_join(fx->port, "carol", 0, 0);
    GSocket *alice = NULL;
    g_assert_true(try_hello(fx->port, NULL, "alice", "alice-1", &alice, NULL));
    open_stream(alice);
    send_view(carol, "alice");
    LcWireMsg msg;
    g_assert_true(test_raw_read_type(carol, WIRE_VIEW_READY, &msg, 5000));
    wire_msg_clear(&msg);

    /* alice's connection is lost; she comes back and streams again. */
    g_object_unref(alice);
    g_assert_true(test_raw_read_type(carol, WIRE_VIEW_END, &msg, 5000));
    wire_msg_clear(&msg);
    g_assert_true(try_hello(fx->port, NULL, "alice", "alice-1", &alice, NULL));
    open_stream(alice);
    g_assert_true(test_raw_read_type(carol, WIRE_VIEW_READY, &msg, 5000));
    wire_msg_clear(&msg);

    /* Lost again; the hold ends; someone else takes a case variant. */
    g_object_unref(alice);
    g_assert_true(test_raw_read_type(carol, WIRE_VIEW_END, &msg, 5000));
    wire_msg_clear(&msg);
    g_usleep(1100 * 1000);
    GSocket *mallory = NULL;
    g_assert_true(try_hello(fx->port, NULL, "ALICE", "mallory", &mallory, NULL));
    g_assert_true(test_raw_read_type(carol, WIRE_VIDEO_REFUSED, &msg, 5000));
    g_assert_cmpuint(msg.video_refused.request, ==, WIRE_VIEW);
    g_assert_cmpuint(msg.video_refused.code, ==, WIRE_ERR_NICK_TAKEN);
    g_assert_cmpstr(msg.video_refused.nick, ==, "alice");
    g_assert_nonnull(strstr(msg.video_refused.reason, "view it again"));
    wire_msg_clear(&msg);
    open_stream(mallory);
    /* carol's view is gone: no VIEW_READY for mallory's stream (a PING
     * round trip shows the relay has handled the open by then). */
    LcWireMsg ping = {.type = WIRE_PING};
    test_raw_send(carol, &ping);
    for (;;) {
        g_assert_true(test_raw_read(carol, &msg, 5000));
        g_assert_cmpuint(msg.type, !=, WIRE_VIEW_READY);
        gboolean pong = msg.type == WIRE_PONG;
        wire_msg_clear(&msg);
        if (pong)
            break;
    }
    /* Viewing again is the way to watch the new ALICE. */
    send_view(carol, "alice");
    g_assert_true(test_raw_read_type(carol, WIRE_VIEW_READY, &msg, 5000));
    wire_msg_clear(&msg);
    g_object_unref(mallory);
    g_object_unref(carol);
}

/* A view of a nick whose owner renamed itself away while streaming: it
 * keeps watching that client; when the stream ends and another client has
 * the old nick by then, the view ends (VIDEO_REFUSED, NICK_TAKEN) instead of
 * waiting for ever for a stream that will not come. */
static void test_view_after_rename(RelayFixture *fx, gconstpointer data)
{
    (void)data;
    GSocket *carol = test_raw_join(fx->port, "carol", 0, 0);
    GSocket *alice = NULL;
    g_assert_true(try_hello(fx->port, NULL, "alice", "alice-1", &alice, NULL));
    open_stream(alice);
    send_view(carol, "alice");
    LcWireMsg msg;
    g_assert_true(test_raw_read_type(carol, WIRE_VIEW_READY, &msg, 5000));
    wire_msg_clear(&msg);

    LcWireMsg nick = {.type = WIRE_NICK};
    nick.nick.nick = "alicia";
    test_raw_send(alice, &nick);
    g_assert_true(test_raw_read_type(carol, WIRE_PRESENCE, &msg, 5000));
    wire_msg_clear(&msg);
    GSocket *mallory = NULL;
    g_assert_true(try_hello(fx->port, NULL, "alice", "mallory", &mallory, NULL));

    LcWireMsg quit = {.type = WIRE_QUIT};
    quit.quit.reason = "";
    test_raw_send(alice, &quit);
    g_assert_true(test_raw_read_type(carol, WIRE_VIDEO_REFUSED, &msg, 5000));
    g_assert_cmpuint(msg.video_refused.code, ==, WIRE_ERR_NICK_TAKEN);
    g_assert_cmpstr(msg.video_refused.nick, ==, "alice");
    wire_msg_clear(&msg);
    g_object_unref(alice);
    g_object_unref(mallory);
    g_object_unref(carol);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    relay_test_add("/nick-hold/lost-connection", NULL, test_hold_on_lost_connection);
    relay_test_add("/nick-hold/quit-and-expiry", tweak_short_hold, test_quit_and_expiry);
    relay_test_add("/nick-hold/rename", NULL, test_rename);
    relay_test_add("/nick-hold/bounds", tweak_few_holds, test_bounds);
    relay_test_add("/nick-hold/view-bound", tweak_short_hold, test_view_bound);
    relay_test_add("/nick-hold/view-after-rename", NULL, test_view_after_rename);
    g_test_add_func("/nick-hold/restart", test_restart);
    return g_test_run();
}
