/* test-session.c: the client session against the real relay. */
#include "net/client/session.h"
#include "tests/net/harness.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

/* What a test client observed. */
typedef struct {
    LcSession *session;
    LcSessionState state;
    GError *error;
    gboolean joined;
    guint joins;
    GPtrArray *texts; /* "nick@addr: text" of chat received */
    GArray *ids;
    guint acked;
    guint presences;
    guint refused;
    double lag_ms;
    guint64 gap_first;
    guint64 gap_last;
} Client;

static void on_state(LcSession *s, LcSessionState state, const GError *error, gpointer data)
{
    Client *c = data;
    c->state = state;
    if (error != NULL) {
        g_clear_error(&c->error);
        c->error = g_error_copy(error);
    }
}

static void on_joined(LcSession *s, gboolean resumed, gpointer data)
{
    Client *c = data;
    c->joined = TRUE;
    c->joins++;
}

static void on_chat(LcSession *s, const LcSessionChat *chat, gpointer data)
{
    Client *c = data;
    g_ptr_array_add(c->texts, g_strdup_printf("%s@%s: %s", chat->nick, chat->addr, chat->text));
    g_array_append_val(c->ids, chat->id);
}

static void on_acked(LcSession *s, guint64 client_id, guint64 id, gpointer data)
{
    ((Client *)data)->acked++;
}

static void on_presence(LcSession *s, LcWirePresenceKind kind, const char *nick, const char *addr,
                        const char *old, const char *reason, gpointer data)
{
    ((Client *)data)->presences++;
}

static void on_refused(LcSession *s, const GError *error, guint64 client_id, gpointer data)
{
    ((Client *)data)->refused++;
}

static void on_lag(LcSession *s, double rtt_ms, gpointer data)
{
    ((Client *)data)->lag_ms = rtt_ms;
}

static void on_gap(LcSession *s, guint64 first, guint64 last, gpointer data)
{
    Client *c = data;
    c->gap_first = first;
    c->gap_last = last;
}

static const LcSessionEvents events = {
    .gap = on_gap,
    .state = on_state,
    .joined = on_joined,
    .chat = on_chat,
    .acked = on_acked,
    .presence = on_presence,
    .refused = on_refused,
    .lag = on_lag,
};

/* Creates and starts a client session. */
static Client *client_new(guint16 port, const char *nick, gboolean reconnect)
{
    Client *c = g_new0(Client, 1);
    c->texts = g_ptr_array_new_with_free_func(g_free);
    c->ids = g_array_new(FALSE, FALSE, sizeof(guint64));
    c->lag_ms = -1;
    LcSessionConfig config = {.host = "127.0.0.1",
                              .port = port,
                              .nick = nick,
                              .history_limit = 0,
                              .reconnect = reconnect,
                              .reconnect_max_ms = 500};
    c->session = session_new(&config, &events, c);
    session_start(c->session);
    return c;
}

/* Frees a client. */
static void client_free(Client *c)
{
    session_free(c->session);
    g_ptr_array_unref(c->texts);
    g_array_unref(c->ids);
    g_clear_error(&c->error);
    g_free(c);
}

static gboolean is_joined(gpointer data)
{
    return session_get_state(((Client *)data)->session) == SESSION_JOINED;
}

static gboolean is_closed(gpointer data)
{
    return ((Client *)data)->state == SESSION_CLOSED;
}

typedef struct {
    Client *c;
    guint n;
} Count;

static gboolean has_texts(gpointer data)
{
    Count *k = data;
    return k->c->texts->len >= k->n;
}

/* Two sessions chat; each message is tagged with the sender's address as the
 * relay saw it, and acknowledged to the sender. */
static void test_chat(RelayFixture *fx, gconstpointer tweak)
{
    Client *a = client_new(fx->port, "alice", FALSE);
    Client *b = client_new(fx->port, "bob", FALSE);
    g_assert_true(test_wait_until(is_joined, a, 5000));
    g_assert_true(test_wait_until(is_joined, b, 5000));
    g_autoptr(GError) error = NULL;
    g_assert_cmpuint(session_send_chat(a->session, "hi bob", FALSE, &error), ==, 1);
    g_assert_cmpuint(session_send_chat(a->session, "how are you?", FALSE, &error), ==, 2);
    Count k = {b, 2};
    g_assert_true(test_wait_until(has_texts, &k, 5000));
    g_autofree char *want = g_strdup_printf("alice@%s: hi bob", session_get_addr(a->session));
    g_assert_cmpstr(b->texts->pdata[0], ==, want);
    g_assert_cmpuint(session_get_unacked(a->session), ==, 0);
    g_assert_cmpuint(a->acked, ==, 2);
    g_assert_cmpuint(a->texts->len, ==, 0);
    guint n = 0;
    session_get_members(b->session, &n);
    g_assert_cmpuint(n, ==, 2);

    /* Text the protocol forbids is refused before it is queued. */
    g_assert_cmpuint(session_send_chat(a->session, "", FALSE, &error), ==, 0);
    g_assert_error(error, LC_WIRE_ERROR, WIRE_ERR_BAD_TEXT);

    session_quit(a->session, "bye");
    g_assert_true(test_wait_until(is_closed, a, 3000));
    g_assert_null(a->error);
    client_free(a);
    client_free(b);
}

/* Messages written before the session joins wait in the outbox. */
static void test_outbox_before_join(RelayFixture *fx, gconstpointer tweak)
{
    Client *b = client_new(fx->port, "bob", FALSE);
    g_assert_true(test_wait_until(is_joined, b, 5000));
    Client *a = client_new(fx->port, "alice", FALSE);
    g_autoptr(GError) error = NULL;
    g_assert_cmpuint(session_send_chat(a->session, "early", FALSE, &error), >, 0);
    g_assert_cmpuint(session_get_unacked(a->session), ==, 1);
    Count k = {b, 1};
    g_assert_true(test_wait_until(has_texts, &k, 5000));
    g_assert_true(g_str_has_suffix(b->texts->pdata[0], ": early"));
    client_free(a);
    client_free(b);
}

/* A taken nick ends the session with NICK_TAKEN (no reconnect); an
 * unreachable relay ends it with a connection error. */
static void test_fatal_errors(void)
{
    TestRelay *relay = test_relay_start(NULL);
    Client *a = client_new(test_relay_port(relay), "alice", TRUE);
    g_assert_true(test_wait_until(is_joined, a, 5000));
    Client *b = client_new(test_relay_port(relay), "alice", TRUE);
    g_assert_true(test_wait_until(is_closed, b, 5000));
    g_assert_error(b->error, LC_WIRE_ERROR, WIRE_ERR_NICK_TAKEN);
    client_free(b);
    client_free(a);
    guint16 port = test_relay_port(relay);
    test_relay_stop(relay);

    Client *c = client_new(port, "carol", TRUE);
    g_assert_true(test_wait_until(is_closed, c, 5000));
    g_assert_nonnull(c->error);
    g_assert_nonnull(strstr(c->error->message, "cannot connect to relay"));
    client_free(c);
}

/* Round-trip and clock offset from PING/PONG: on one host the offset is the
 * true one, zero, within the round-trip. */
static void test_lag(RelayFixture *fx, gconstpointer tweak)
{
    Client *a = client_new(fx->port, "alice", FALSE);
    g_assert_true(test_wait_until(is_joined, a, 5000));
    g_assert_cmpfloat(session_get_srtt_ms(a->session), <, 0.0); /* no sample yet */
    double min_ms = G_MAXDOUBLE, max_ms = 0;
    for (int i = 0; i < 5; i++) {
        a->lag_ms = -1;
        session_ping(a->session);
        while (a->lag_ms < 0)
            g_main_context_iteration(NULL, TRUE);
        min_ms = MIN(min_ms, a->lag_ms);
        max_ms = MAX(max_ms, a->lag_ms);
    }
    g_assert_cmpfloat(a->lag_ms, >, 0.0);
    g_assert_cmpfloat(a->lag_ms, <, 1000.0);
    g_assert_cmpfloat(session_get_rtt_ms(a->session), ==, a->lag_ms);
    /* SRTT is a weighted mean of the samples (RFC 6298), so it lies among them. */
    double srtt = session_get_srtt_ms(a->session);
    g_assert_cmpfloat(srtt, >=, min_ms);
    g_assert_cmpfloat(srtt, <=, max_ms);
    gint64 offset = session_get_clock_offset_us(a->session);
    g_assert_cmpint(ABS(offset), <=, (gint64)(session_get_rtt_ms(a->session) * 1000) + 1000);
    client_free(a);
}

static guint16 restart_port;
static char *restart_dir;

/* Runs the relay on a fixed port with a history directory. */
static void tweak_restart(LcRelayConfig *config)
{
    config->port = restart_port;
    config->data_dir = g_strdup(restart_dir);
}

/* Stops a restart test's relay and removes its data folder. */
static void restart_relay_stop(TestRelay *relay)
{
    test_relay_stop(relay);
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", restart_dir);
    g_assert_cmpint(system(cmd), ==, 0);
    g_clear_pointer(&restart_dir, g_free);
}

/* Stops the relay mid-stream, keeps writing, restarts it on the same port and
 * data: the receiver gets every message exactly once, in order. */
static void test_reconnect_resume(void)
{
    restart_dir = g_dir_make_tmp("lanconf-session-XXXXXX", NULL);
    TestRelay *relay = test_relay_start(tweak_restart);
    restart_port = test_relay_port(relay);
    Client *a = client_new(restart_port, "alice", TRUE);
    Client *b = client_new(restart_port, "bob", TRUE);
    g_assert_true(test_wait_until(is_joined, a, 5000));
    g_assert_true(test_wait_until(is_joined, b, 5000));
    const guint n = 200;
    for (guint i = 1; i <= n; i++) {
        g_autofree char *text = g_strdup_printf("n%u", i);
        g_assert_cmpuint(session_send_chat(a->session, text, FALSE, NULL), ==, i);
        if (i % 50 == 0) {
            /* Stop the relay with messages in flight, then bring it back. */
            test_relay_stop(relay);
            relay = test_relay_start(tweak_restart);
        }
        g_main_context_iteration(NULL, FALSE);
    }
    Count k = {b, n};
    /* Four restarts, each a reconnect with backoff and a TLS handshake per
     * client: a sanitizer build under load takes its time. */
    if (!test_wait_until(has_texts, &k, 60000))
        g_test_message("received %u of %u; sender has %u unacknowledged, state %d/%d",
                       b->texts->len, n, session_get_unacked(a->session),
                       session_get_state(a->session), session_get_state(b->session));
    g_assert_cmpuint(b->texts->len, ==, n);
    for (guint i = 0; i < n; i++) {
        g_autofree char *suffix = g_strdup_printf(": n%u", i + 1);
        g_assert_true(g_str_has_suffix(b->texts->pdata[i], suffix));
        if (i > 0)
            g_assert_cmpuint(g_array_index(b->ids, guint64, i), >,
                             g_array_index(b->ids, guint64, i - 1));
    }
    while (session_get_unacked(a->session) > 0)
        g_main_context_iteration(NULL, TRUE);
    g_assert_cmpuint(session_get_connects(a->session), >=, 2);
    g_assert_cmpuint(b->texts->len, ==, n);
    client_free(a);
    client_free(b);
    restart_relay_stop(relay);
}

/* Never true: test_wait_until() with it runs the loop for its whole time. */
static gboolean never(gpointer data)
{
    return FALSE;
}

/* Whether a client is waiting to reconnect. */
static gboolean is_reconnect_wait(gpointer data)
{
    return ((Client *)data)->state == SESSION_RECONNECT_WAIT;
}

/* Whether a client has joined at least n times. */
typedef struct {
    Client *c;
    guint n;
} Joins;

static gboolean has_joins(gpointer data)
{
    Joins *j = data;
    return j->c->joins >= j->n;
}

/* A restart relay without nick holds. */
static void tweak_restart_no_hold(LcRelayConfig *config)
{
    tweak_restart(config);
    config->nick_hold_s = 0;
}

/* After a relay restart another client asks for the nick first: the relay
 * holds it for the session that had it, which gets it back at once. */
static void test_nick_held_on_restart(void)
{
    restart_dir = g_dir_make_tmp("lanconf-session-XXXXXX", NULL);
    TestRelay *relay = test_relay_start(tweak_restart);
    restart_port = test_relay_port(relay);
    Client *bob = client_new(restart_port, "bob", TRUE);
    g_assert_true(test_wait_until(is_joined, bob, 5000));
    test_relay_stop(relay);
    relay = test_relay_start(tweak_restart);
    LcWireMsg answer;
    GSocket *impostor = test_raw_hello(restart_port, NULL, "BOB", "impostor", &answer);
    g_assert_cmpuint(answer.type, ==, WIRE_ERROR);
    g_assert_cmpuint(answer.error.code, ==, WIRE_ERR_NICK_TAKEN);
    wire_msg_clear(&answer);
    Joins j = {bob, 2};
    g_assert_true(test_wait_until(has_joins, &j, 5000));
    g_assert_cmpstr(session_get_nick(bob->session), ==, "bob");
    g_object_unref(impostor);
    client_free(bob);
    restart_relay_stop(relay);
}

/* After a relay restart without nick holds another client takes the nick
 * first: the session that had it is refused (NICK_TAKEN) but keeps asking,
 * and gets its nick back once the other leaves, instead of giving up. */
static void test_nick_taken_on_reconnect(void)
{
    restart_dir = g_dir_make_tmp("lanconf-session-XXXXXX", NULL);
    TestRelay *relay = test_relay_start(tweak_restart_no_hold);
    restart_port = test_relay_port(relay);
    Client *bob = client_new(restart_port, "bob", TRUE);
    g_assert_true(test_wait_until(is_joined, bob, 5000));
    test_relay_stop(relay);
    relay = test_relay_start(tweak_restart_no_hold);
    GSocket *impostor = test_raw_join(restart_port, "BOB", 0, 0);
    g_assert_true(test_wait_until(is_reconnect_wait, bob, 5000));
    test_wait_until(never, NULL, 1500); /* refused again and again meanwhile */
    g_assert_cmpuint(bob->joins, ==, 1);
    g_assert_true(bob->state != SESSION_CLOSED);
    g_assert_true(g_error_matches(bob->error, LC_WIRE_ERROR, WIRE_ERR_NICK_TAKEN));
    LcWireMsg quit = {.type = WIRE_QUIT};
    quit.quit.reason = "";
    test_raw_send(impostor, &quit);
    Joins j = {bob, 2};
    g_assert_true(test_wait_until(has_joins, &j, 5000));
    g_assert_cmpstr(session_get_nick(bob->session), ==, "bob");
    g_object_unref(impostor);
    client_free(bob);
    restart_relay_stop(relay);
}

/* Keeps little history, for the gap test. */
static void tweak_short_history(LcRelayConfig *config)
{
    tweak_restart(config);
    config->history_retain = 20;
}

/* A client that comes back after more messages than the relay keeps is told
 * exactly which ones are gone, and gets the rest. */
static void test_history_gap(void)
{
    restart_dir = g_dir_make_tmp("lanconf-session-XXXXXX", NULL);
    TestRelay *relay = test_relay_start(tweak_short_history);
    restart_port = test_relay_port(relay);
    Client *b = client_new(restart_port, "bob", TRUE);
    g_assert_true(test_wait_until(is_joined, b, 5000));
    GSocket *a = test_raw_join(restart_port, "alice", 0, 0);
    test_raw_chat(a, 1, "first");
    Count k = {b, 1};
    g_assert_true(test_wait_until(has_texts, &k, 5000));
    g_object_unref(a);

    /* Restart the relay; while bob's reconnect timer waits (this thread's
     * loop is not run), alice sends far more than the relay keeps. */
    test_relay_stop(relay);
    relay = test_relay_start(tweak_short_history);
    a = test_raw_join(restart_port, "alice", 0, 0);
    for (guint i = 2; i <= 101; i++) {
        g_autofree char *text = g_strdup_printf("m%u", i);
        test_raw_chat(a, i, text);
        LcWireMsg ack;
        g_assert_true(test_raw_read_type(a, WIRE_CHAT_ACK, &ack, 5000));
        wire_msg_clear(&ack);
    }
    g_assert_true(test_wait_until(is_joined, b, 5000));
    k.n = 2;
    g_assert_true(test_wait_until(has_texts, &k, 5000));
    g_assert_cmpuint(b->gap_first, ==, 2);
    g_assert_cmpuint(b->gap_last, >, 2);
    guint64 first_kept = g_array_index(b->ids, guint64, 1);
    g_assert_cmpuint(first_kept, ==, b->gap_last + 1);
    Count all = {b, 1 + (guint)(101 - b->gap_last)};
    g_assert_true(test_wait_until(has_texts, &all, 5000));
    g_assert_true(g_str_has_suffix(b->texts->pdata[all.n - 1], ": m101"));
    g_object_unref(a);
    client_free(b);
    restart_relay_stop(relay);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    relay_test_add("/session/chat", NULL, test_chat);
    g_test_add_func("/session/nick-taken-on-reconnect", test_nick_taken_on_reconnect);
    g_test_add_func("/session/nick-held-on-restart", test_nick_held_on_restart);
    relay_test_add("/session/outbox-before-join", NULL, test_outbox_before_join);
    g_test_add_func("/session/fatal-errors", test_fatal_errors);
    relay_test_add("/session/lag", NULL, test_lag);
    g_test_add_func("/session/reconnect-resume", test_reconnect_resume);
    g_test_add_func("/session/history-gap", test_history_gap);
    return g_test_run();
}
