/* test-room-password.c: a relay with a room password (net/relay/relay_auth.h)
 * asks every HELLO for a proof (AUTH_CHALLENGE, AUTH) and joins only a
 * right one; it shows nothing of the room before; it refuses a missing,
 * wrong, malformed or out-of-turn proof with a clear error; it slows wrong
 * answers per address, parallel ones included, without slowing anyone else;
 * and lanconf-cli takes the password from a file or the environment, never
 * the command line, and says what is wrong. */
#include "net/relay/relay_auth.h"
#include "net/secure/room_auth.h"
#include "tests/net/cli-harness.h"
#include "tests/net/harness.h"

#include <glib/gstdio.h>
#include <string.h>

#define PASSWORD "open sesame"

/* The relay's tweak: a room password. */
static void with_password(LcRelayConfig *config)
{
    config->password = g_strdup(PASSWORD);
}

/* Connects from ip and sends HELLO (with the PASSWORD flag when flagged). */
static GSocket *hello_from(guint16 port, const char *ip, const char *nick, gboolean flagged)
{
    GSocket *s = test_raw_connect_from(port, ip);
    g_autofree char *instance = g_uuid_string_random();
    LcWireMsg hello = {.type = WIRE_HELLO};
    hello.flags = flagged ? WIRE_FLAG_PASSWORD : 0;
    hello.hello.nick = (char *)nick;
    hello.hello.instance = instance;
    test_raw_send(s, &hello);
    return s;
}

/* Reads the challenge's nonce (asserting it comes within ms). */
static GBytes *read_challenge(GSocket *s, guint ms)
{
    LcWireMsg msg;
    g_assert_true(test_raw_read(s, &msg, ms));
    g_assert_cmpuint(msg.type, ==, WIRE_AUTH_CHALLENGE);
    GBytes *nonce = g_bytes_ref(msg.auth_challenge.nonce);
    wire_msg_clear(&msg);
    g_assert_cmpuint(g_bytes_get_size(nonce), ==, ROOM_AUTH_SIZE);
    return nonce;
}

/* Sends AUTH with the proof of password for nonce, cut to len bytes. */
static void send_proof(GSocket *s, GBytes *nonce, const char *password, gsize len)
{
    guint8 proof[ROOM_AUTH_SIZE];
    room_auth_prove(password, g_bytes_get_data(nonce, NULL), g_bytes_get_size(nonce), proof);
    g_autoptr(GBytes) bytes = g_bytes_new(proof, len);
    LcWireMsg auth = {.type = WIRE_AUTH};
    auth.auth.proof = bytes;
    test_raw_send(s, &auth);
}

/* Joins with the password from ip: challenge, proof, WELCOME. */
static GSocket *join_with_password(guint16 port, const char *ip, const char *nick)
{
    GSocket *s = hello_from(port, ip, nick, TRUE);
    g_autoptr(GBytes) nonce = read_challenge(s, 5000);
    send_proof(s, nonce, PASSWORD, ROOM_AUTH_SIZE);
    LcWireMsg msg;
    g_assert_true(test_raw_read_type(s, WIRE_WELCOME, &msg, 5000));
    g_assert_cmpstr(msg.welcome.nick, ==, nick);
    wire_msg_clear(&msg);
    return s;
}

/* Sends a wrong proof and asserts the close with ERROR AUTH. */
static void fail_once(guint16 port, const char *ip, const char *nick)
{
    g_autoptr(GSocket) s = hello_from(port, ip, nick, TRUE);
    g_autoptr(GBytes) nonce = read_challenge(s, 12000);
    send_proof(s, nonce, "not it", ROOM_AUTH_SIZE);
    guint16 code = 0;
    g_assert_true(test_raw_wait_closed(s, 5000, &code));
    g_assert_cmpuint(code, ==, WIRE_ERR_AUTH);
}

/* The right proof joins; every challenge is new; a wrong, short or long
 * proof, one with no HELLO before or one after joining is refused, and
 * each wrong one is counted. */
static void test_challenge(RelayFixture *fx, gconstpointer data)
{
    g_autoptr(GSocket) a = hello_from(fx->port, NULL, "alice", TRUE);
    g_autoptr(GSocket) b = hello_from(fx->port, NULL, "bob", TRUE);
    g_autoptr(GBytes) na = read_challenge(a, 5000);
    g_autoptr(GBytes) nb = read_challenge(b, 5000);
    g_assert_false(g_bytes_equal(na, nb));
    send_proof(a, na, PASSWORD, ROOM_AUTH_SIZE);
    LcWireMsg msg;
    g_assert_true(test_raw_read_type(a, WIRE_WELCOME, &msg, 5000));
    wire_msg_clear(&msg);
    /* bob answers with alice's proof: it was for her nonce only. */
    send_proof(b, na, PASSWORD, ROOM_AUTH_SIZE);
    guint16 code = 0;
    g_assert_true(test_raw_wait_closed(b, 5000, &code));
    g_assert_cmpuint(code, ==, WIRE_ERR_AUTH);

    /* A proof cut short is wrong, not a crash; one over the limit is too large. */
    g_autoptr(GSocket) c = hello_from(fx->port, "127.0.0.2", "carol", TRUE);
    g_autoptr(GBytes) nc = read_challenge(c, 5000);
    send_proof(c, nc, PASSWORD, ROOM_AUTH_SIZE - 1);
    g_assert_true(test_raw_wait_closed(c, 5000, &code));
    g_assert_cmpuint(code, ==, WIRE_ERR_AUTH);
    g_autoptr(GSocket) d = hello_from(fx->port, "127.0.0.3", "dave", TRUE);
    g_autoptr(GBytes) nd = read_challenge(d, 5000);
    g_assert_nonnull(nd); /* challenged: the proof comes next, too long */
    /* By hand: the encoder refuses it. Header: magic, version, type, flags, length. */
    guint8 big[WIRE_HEADER_SIZE + 2 * ROOM_AUTH_SIZE] = {
        WIRE_MAGIC_0, WIRE_MAGIC_1, WIRE_VERSION, WIRE_AUTH, 0, 0, 0, 0, 0, 2 * ROOM_AUTH_SIZE};
    test_raw_send_bytes(d, big, sizeof(big));
    LcWireMsg auth = {.type = WIRE_AUTH};
    g_assert_true(test_raw_wait_closed(d, 5000, &code));
    g_assert_cmpuint(code, ==, WIRE_ERR_TOO_LARGE);

    /* AUTH before HELLO, and after joining. */
    g_autoptr(GBytes) some_proof = g_bytes_new(big + WIRE_HEADER_SIZE, ROOM_AUTH_SIZE);
    auth.auth.proof = some_proof;
    g_autoptr(GSocket) e = test_raw_connect_from(fx->port, "127.0.0.4");
    test_raw_send(e, &auth);
    g_assert_true(test_raw_wait_closed(e, 5000, &code));
    g_assert_cmpuint(code, ==, WIRE_ERR_PROTOCOL);
    test_raw_send(a, &auth);
    g_assert_true(test_raw_wait_closed(a, 5000, &code));
    g_assert_cmpuint(code, ==, WIRE_ERR_PROTOCOL);

    /* A client without the PASSWORD flag is told it cannot join. */
    g_autoptr(GSocket) old = hello_from(fx->port, "127.0.0.5", "old", FALSE);
    g_assert_true(test_raw_read(old, &msg, 5000));
    g_assert_cmpuint(msg.type, ==, WIRE_ERROR);
    g_assert_cmpuint(msg.error.code, ==, WIRE_ERR_AUTH);
    g_assert_nonnull(strstr(msg.error.reason, "needs a password"));
    wire_msg_clear(&msg);

    LcRelayCounters counters;
    test_relay_counters(fx->relay, &counters);
    g_assert_cmpuint(counters.auth_failures, ==, 2);
}

/* Before its proof a client learns nothing of the room: a nick a member
 * has is challenged like any other, and the room does not see it come. */
static void test_nothing_before_proof(RelayFixture *fx, gconstpointer data)
{
    g_autoptr(GSocket) member = join_with_password(fx->port, NULL, "alice");
    g_autoptr(GSocket) s = hello_from(fx->port, NULL, "alice", TRUE);
    g_autoptr(GBytes) nonce = read_challenge(s, 5000);
    LcWireMsg msg;
    g_assert_false(test_raw_read(member, &msg, 300));
    send_proof(s, nonce, PASSWORD, ROOM_AUTH_SIZE);
    guint16 code = 0;
    g_assert_true(test_raw_wait_closed(s, 5000, &code));
    g_assert_cmpuint(code, ==, WIRE_ERR_NICK_TAKEN);
}

/*
 * Wrong answers from one address slow it down: after two, its next
 * challenge waits about 2 s; after four, parallel attempts are spaced 8 s
 * apart, so that all but the first are refused at once (RATE_LIMITED,
 * with the time to wait) as they could not be served within their HELLO
 * deadline. Meanwhile another address joins at once, and a member's chat
 * goes on.
 */
static void test_slowdown(RelayFixture *fx, gconstpointer data)
{
    const char *attacker = "127.0.0.9";
    g_autoptr(GSocket) member = join_with_password(fx->port, "127.0.0.8", "alice");
    fail_once(fx->port, attacker, "mallory");
    fail_once(fx->port, attacker, "mallory");
    gint64 t0 = g_get_monotonic_time();
    g_autoptr(GSocket) third = hello_from(fx->port, attacker, "mallory", TRUE);
    g_autoptr(GBytes) nonce = read_challenge(third, 5000);
    double waited = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
    g_test_message("third challenge after %.2f s", waited);
    g_assert_cmpfloat(waited, >, 1.5);
    send_proof(third, nonce, "still not it", ROOM_AUTH_SIZE);
    guint16 code = 0;
    g_assert_true(test_raw_wait_closed(third, 5000, &code));
    fail_once(fx->port, attacker, "mallory"); /* the fourth, after 4 s */

    /* Eight at once from the attacker's address. */
    GSocket *burst[8];
    for (guint i = 0; i < G_N_ELEMENTS(burst); i++)
        burst[i] = hello_from(fx->port, attacker, "mallory", TRUE);
    guint refused = 0;
    for (guint i = 0; i < G_N_ELEMENTS(burst); i++) {
        LcWireMsg msg;
        if (test_raw_read(burst[i], &msg, 200)) {
            g_assert_cmpuint(msg.type, ==, WIRE_ERROR);
            g_assert_cmpuint(msg.error.code, ==, WIRE_ERR_RATE_LIMITED);
            g_assert_nonnull(strstr(msg.error.reason, "try again in"));
            refused++;
            wire_msg_clear(&msg);
        }
    }
    g_assert_cmpuint(refused, >=, G_N_ELEMENTS(burst) - 1);

    /* Someone else joins at once, and the member's chat is untouched. */
    t0 = g_get_monotonic_time();
    g_autoptr(GSocket) bob = join_with_password(fx->port, "127.0.0.10", "bob");
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 3 * G_USEC_PER_SEC);
    test_raw_chat(member, 1, "still here");
    LcWireMsg msg;
    g_assert_true(test_raw_read_type(bob, WIRE_CHAT_DELIVER, &msg, 5000));
    g_assert_cmpstr(msg.deliver.text, ==, "still here");
    wire_msg_clear(&msg);
    for (guint i = 0; i < G_N_ELEMENTS(burst); i++)
        g_object_unref(burst[i]);
}

/* Guesses in parallel from a fresh address: at most RELAY_AUTH_MAX_OPEN
 * are challenged at once, the rest refused at once; once those are
 * answered (wrong), the address is slowed down as for guesses one by one. */
static void test_parallel(RelayFixture *fx, gconstpointer data)
{
    const char *ip = "127.0.0.11";
    GSocket *s[RELAY_AUTH_MAX_OPEN + 3];
    for (guint i = 0; i < G_N_ELEMENTS(s); i++)
        s[i] = hello_from(fx->port, ip, "eve", TRUE);
    /* Every answer is read before any guess goes, so that none is settled
     * (and its place freed) while the others wait. */
    guint challenged = 0, refused = 0;
    GBytes *nonces[G_N_ELEMENTS(s)] = {NULL};
    for (guint i = 0; i < G_N_ELEMENTS(s); i++) {
        LcWireMsg msg;
        g_assert_true(test_raw_read(s[i], &msg, 5000));
        if (msg.type == WIRE_AUTH_CHALLENGE) {
            challenged++;
            nonces[i] = g_bytes_ref(msg.auth_challenge.nonce);
        } else {
            g_assert_cmpuint(msg.type, ==, WIRE_ERROR);
            g_assert_cmpuint(msg.error.code, ==, WIRE_ERR_RATE_LIMITED);
            g_assert_nonnull(strstr(msg.error.reason, "at once"));
            refused++;
        }
        wire_msg_clear(&msg);
    }
    g_assert_cmpuint(challenged, ==, RELAY_AUTH_MAX_OPEN);
    g_assert_cmpuint(refused, ==, 3);
    for (guint i = 0; i < G_N_ELEMENTS(s); i++)
        if (nonces[i] != NULL) {
            send_proof(s[i], nonces[i], "guess", ROOM_AUTH_SIZE);
            g_bytes_unref(nonces[i]);
        }
    for (guint i = 0; i < G_N_ELEMENTS(s); i++) {
        guint16 code = 0;
        g_assert_true(test_raw_wait_closed(s[i], 5000, &code));
        g_object_unref(s[i]);
    }
    /* Four wrong answers at once count as four in a row: the next
     * challenge waits 8 s. */
    gint64 t0 = g_get_monotonic_time();
    g_autoptr(GSocket) late = hello_from(fx->port, ip, "eve", TRUE);
    LcWireMsg msg;
    g_assert_true(test_raw_read(late, &msg, 12000));
    double waited = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
    g_test_message("after 4 wrong answers at once: %s after %.1f s", wire_type_name(msg.type),
                   waited);
    g_assert_cmpuint(msg.type, ==, WIRE_AUTH_CHALLENGE);
    g_assert_cmpfloat(waited, >, 6.0);
    wire_msg_clear(&msg);
}

/* lanconf-cli: no password, a wrong one, the right one from a file and
 * from the environment; a bad file is an argument error. */
static void test_cli(void)
{
    g_autofree char *dir = g_dir_make_tmp("lanconf-pw-XXXXXX", NULL);
    g_autofree char *right = g_build_filename(dir, "right", NULL);
    g_autofree char *wrong = g_build_filename(dir, "wrong", NULL);
    g_autofree char *empty = g_build_filename(dir, "empty", NULL);
    g_assert_true(g_file_set_contents(right, PASSWORD "\n", -1, NULL));
    g_assert_true(g_file_set_contents(wrong, "guess\n", -1, NULL));
    g_assert_true(g_file_set_contents(empty, "\n", -1, NULL));
    char *extra[] = {"--password-file", right, NULL};
    Relay r = {.extra = extra};
    relay_start(&r, 0);
    g_autofree char *server = g_strdup_printf("127.0.0.1:%u", r.port);

    g_autofree char *err = NULL, *out = NULL;
    GSubprocess *p = cli_spawn("--server", server, "--nick", "a", NULL);
    g_assert_cmpint(cli_finish(p, "hello\n", NULL, &err), ==, 1);
    g_object_unref(p);
    g_assert_nonnull(strstr(err, "asks for the room password"));
    g_assert_nonnull(strstr(err, "--password-file"));
    /* Refused, but met for the first time: the pinned fingerprint is shown. */
    g_assert_nonnull(strstr(err, "first meeting with relay"));
    g_clear_pointer(&err, g_free);

    p = cli_spawn("--server", server, "--nick", "a", "--password-file", wrong, NULL);
    g_assert_cmpint(cli_finish(p, "hello\n", NULL, &err), ==, 1);
    g_object_unref(p);
    g_assert_nonnull(strstr(err, "wrong room password"));
    g_clear_pointer(&err, g_free);

    p = cli_spawn("--server", server, "--nick", "a", "--password-file", empty, NULL);
    g_assert_cmpint(cli_finish(p, "hello\n", NULL, &err), ==, 2);
    g_object_unref(p);
    g_assert_nonnull(strstr(err, "the password is empty"));
    g_clear_pointer(&err, g_free);

    p = cli_spawn("--server", server, "--nick", "a", "--password-file", right, NULL);
    g_assert_cmpint(cli_finish(p, "said with the password\n", NULL, NULL), ==, 0);
    g_object_unref(p);
    g_setenv("LANCONF_PASSWORD", PASSWORD, TRUE);
    p = cli_spawn("--server", server, "--nick", "b", "--count", "1", "--timeout", "20", NULL);
    g_unsetenv("LANCONF_PASSWORD");
    g_assert_cmpint(cli_finish(p, "", &out, NULL), ==, 0);
    g_object_unref(p);
    g_assert_nonnull(strstr(out, "said with the password"));
    relay_stop(&r);
    g_unlink(right);
    g_unlink(wrong);
    g_unlink(empty);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    relay_test_add("/password/challenge", with_password, test_challenge);
    relay_test_add("/password/nothing-before-proof", with_password, test_nothing_before_proof);
    relay_test_add("/password/slowdown", with_password, test_slowdown);
    relay_test_add("/password/parallel", with_password, test_parallel);
    g_test_add_func("/password/cli", test_cli);
    return g_test_run();
}
