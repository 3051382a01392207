/* fuzz-relay.c: libFuzzer harness for the relay's handling of what its clients
 * send (net/relay/relay.c, net/relay/relay_chat.c, net/io/chan_stream.c, net/relay/history.c).
 *
 * One real relay runs in-process for the whole session: loopback, port 0,
 * history in memory. One well-behaved member, the observer, joins at the start
 * and stays. Each input is sent by one fresh TCP client, or two at once. The
 * first byte is a mode:
 *   bit 0  a valid HELLO precedes the first client's bytes, so that they reach
 *          the chat handling;
 *   bit 1  each client closes its socket as soon as everything is sent, instead
 *          of half-closing it and reading until the relay closes;
 *   bit 2  a second client sends at the same time (both are accepted first, so
 *          the relay reads both in the same loop turn); the next byte times 16
 *          is how many of the remaining bytes go to the first client;
 *   bit 3  a valid HELLO precedes the second client's bytes.
 * The clients send everything first and the main context is iterated until
 * nothing is left to do, so that the relay handles both clients' frames while
 * both are still connected; only then do they close, and the context is
 * iterated until the relay has closed and reaped them (bounded in time). Then the observer sends a
 * CHAT and must get it acknowledged: a misbehaving peer never disturbs the others. Every frame the
 * relay sends to any client is checked by fuzz-peer.c; a GLib warning or
 * critical aborts, and so does a leak (LeakSanitizer, per input).
 */
#include "fuzz-peer.h"

#include "net/relay/relay.h"

#include <signal.h>
#include <stdint.h>
#include <string.h>

#define FUZZ_MODE_HELLO        0x01 /* a valid HELLO precedes the first client's bytes */
#define FUZZ_MODE_ABRUPT       0x02 /* close at once after sending */
#define FUZZ_MODE_SECOND       0x04 /* a second client sends at the same time */
#define FUZZ_MODE_SECOND_HELLO 0x08 /* a valid HELLO precedes the second client's bytes */
#define FUZZ_SPLIT_UNIT        16   /* the split byte counts in these */
#define FUZZ_TLS_HANDSHAKE     0x16 /* a TLS record's first byte: a handshake */
#define FUZZ_WAIT_MS           10000
#define FUZZ_SETTLE_MAX        100000 /* loop turns the relay may take to go idle */
#define FUZZ_RETRIES           500    /* CHATs the observer may lose to flood control in a row */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static LcRelay *relay;
static FuzzPeer *observer;
static char *observer_instance;
static guint64 observer_next_id;

typedef gboolean (*FuzzDoneFunc)(gpointer data);

/* Marks the deadline as passed. */
static gboolean fuzz_relay_on_deadline(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

/* Iterates the main context until done() holds or timeout_ms pass. */
static gboolean fuzz_relay_iterate_until(FuzzDoneFunc done, gpointer data, guint timeout_ms)
{
    gboolean expired = FALSE;
    GSource *deadline = g_timeout_source_new(timeout_ms);
    g_source_set_callback(deadline, fuzz_relay_on_deadline, &expired, NULL);
    g_source_attach(deadline, g_main_context_get_thread_default());
    while (!done(data) && !expired)
        g_main_context_iteration(g_main_context_get_thread_default(), TRUE);
    g_source_destroy(deadline);
    g_source_unref(deadline);
    return done(data);
}

/* Sends a HELLO that asks for no history. */
static void fuzz_relay_send_hello(FuzzPeer *peer, const char *nick, const char *instance)
{
    LcWireMsg msg = {.type = WIRE_HELLO};
    msg.hello.nick = (char *)nick;
    msg.hello.instance = (char *)instance;
    msg.hello.history_limit = 0;
    fuzz_peer_send_msg(peer, &msg);
}

/* Whether the observer's HELLO got its answer. */
static gboolean fuzz_relay_observer_joined(gpointer data)
{
    return observer->welcomed || observer->closed;
}

/* Connects the observer and waits for its WELCOME. */
static void fuzz_relay_join_observer(void)
{
    observer = fuzz_peer_connect("observer", relay_get_port(relay));
    fuzz_relay_send_hello(observer, "observer", observer_instance);
    if (!fuzz_relay_iterate_until(fuzz_relay_observer_joined, NULL, FUZZ_WAIT_MS) ||
        !observer->welcomed)
        fuzz_peer_fail("the observer could not join the relay");
}

/* Starts the relay and the observer, once per process. */
static void fuzz_relay_init(void)
{
    g_autoptr(GError) error = NULL;
    LcRelayConfig config;

    signal(SIGPIPE, SIG_IGN);
    g_log_set_always_fatal(G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    relay_config_init(&config);
    config.listen = g_strdup("127.0.0.1");
    config.port = 0;
    config.history_retain = 256;
    /* The fuzzed peers speak lanconf's frames in clear: what is fuzzed is
     * the relay's reading of them (TLS itself is GnuTLS's, under it). */
    config.insecure = TRUE;
    /* Flood control on, tight enough that a burst of CHATs in one input meets
     * it, loose enough that the observer's one CHAT per input rarely does. */
    config.rate_limit = 20000;
    config.rate_burst = 8;
    /* No keepalive in the middle of a run: the observer is quiet while
     * libFuzzer does its own work (leak checks, corpus merges). */
    config.keepalive_interval_s = 24 * 3600;
    config.keepalive_timeout_s = 48 * 3600;
    relay = relay_new(&config, &error);
    relay_config_clear(&config);
    if (relay == NULL)
        fuzz_peer_fail("cannot start the relay: %s", error->message);
    observer_instance = g_uuid_string_random();
    fuzz_relay_join_observer();
}

typedef struct {
    FuzzPeer *peers[2];
    guint n_peers;
    guint64 accepted_before; /* the relay's connection count before connecting */
    guint awaited;           /* the clients that sent something: the relay takes them in */
} FuzzRun;

/* How many connections the relay has accepted so far. */
static guint64 fuzz_relay_accepted(void)
{
    LcRelayCounters counters;
    relay_get_counters(relay, &counters);
    return counters.connections;
}

/* Whether the relay has accepted every client of the run. */
static gboolean fuzz_relay_run_accepted(gpointer data)
{
    const FuzzRun *run = data;
    return fuzz_relay_accepted() >= run->accepted_before + run->awaited;
}

/* Whether every client of the run is closed and the relay has reaped them. */
static gboolean fuzz_relay_run_done(gpointer data)
{
    const FuzzRun *run = data;
    for (guint i = 0; i < run->n_peers; i++)
        if (!run->peers[i]->closed)
            return FALSE;
    return relay_get_n_connections(relay) == (observer->closed ? 0u : 1u);
}

/*
 * Queues one client's bytes, after a HELLO when nick is set. What is fuzzed
 * is the relay's reading of lanconf's frames: a part that would open with a
 * TLS handshake's first byte (0x16), and so be taken for a handshake, goes
 * after a PING instead (TLS itself is GnuTLS's). Returns whether anything
 * was sent: only then does the relay take the connection in.
 */
static gboolean fuzz_relay_send_part(FuzzPeer *peer, const char *nick, const char *instance,
                                     const uint8_t *bytes, gsize size)
{
    if (nick != NULL) {
        fuzz_relay_send_hello(peer, nick, instance);
    } else if (size > 0 && bytes[0] == FUZZ_TLS_HANDSHAKE) {
        LcWireMsg ping = {.type = WIRE_PING};
        fuzz_peer_send_msg(peer, &ping);
    }
    fuzz_peer_send(peer, bytes, size, FUZZ_PEER_KEEP_OPEN);
    return nick != NULL || size > 0;
}

/* Iterates the main context until nothing is ready: every byte sent so far
 * has been read and answered. */
static void fuzz_relay_settle(void)
{
    GMainContext *context = g_main_context_get_thread_default();
    for (guint turns = 0; g_main_context_pending(context); turns++) {
        if (turns == FUZZ_SETTLE_MAX)
            fuzz_peer_fail("the relay was still busy after %d loop turns", FUZZ_SETTLE_MAX);
        g_main_context_iteration(context, FALSE);
    }
}

/* The observer was disconnected: allowed only when the input reconnected as
 * the observer's own instance (which replaces a connection by design). */
static void fuzz_relay_observer_lost(const uint8_t *data, size_t size)
{
    if (memmem(data, size, observer_instance, strlen(observer_instance)) == NULL)
        fuzz_peer_fail("the observer was disconnected by another client's input");
    fuzz_peer_free(observer);
    fuzz_relay_join_observer();
}

/* Whether the observer's CHAT was answered (or the observer is gone). */
static gboolean fuzz_relay_observer_answered(gpointer data)
{
    guint64 id = *(const guint64 *)data;
    return observer->closed || observer->last_ack == id || observer->last_refused == id;
}

/* The observer sends a CHAT and must get it acknowledged. */
static void fuzz_relay_check_observer(const uint8_t *data, size_t size)
{
    guint64 id = ++observer_next_id;
    LcWireMsg msg = {.type = WIRE_CHAT};
    msg.chat.client_id = id;
    msg.chat.text = "still here";

    for (guint attempt = 0; attempt < FUZZ_RETRIES; attempt++) {
        observer->last_refused = 0;
        if (!observer->closed) {
            fuzz_peer_send_msg(observer, &msg);
            fuzz_relay_iterate_until(fuzz_relay_observer_answered, &id, FUZZ_WAIT_MS);
        }
        if (observer->closed) {
            fuzz_relay_observer_lost(data, size);
            return;
        }
        if (observer->last_ack == id)
            return;
        if (observer->last_refused != id)
            fuzz_peer_fail("the observer's CHAT %" G_GUINT64_FORMAT " got no answer in %d ms", id,
                           FUZZ_WAIT_MS);
        g_usleep(1000); /* flood control: wait for the next token */
    }
    fuzz_peer_fail("the observer's CHAT was refused by flood control %d times", FUZZ_RETRIES);
}

/* One input: one or two fresh clients send it, then the observer checks in. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (relay == NULL)
        fuzz_relay_init();
    if (size == 0)
        return 0;

    guint8 mode = data[0];
    FuzzPeerEnd end = (mode & FUZZ_MODE_ABRUPT) ? FUZZ_PEER_CLOSE : FUZZ_PEER_HALF_CLOSE;
    const uint8_t *rest = data + 1;
    gsize left = size - 1;
    gsize first = left;
    FuzzRun run = {{NULL, NULL}, (mode & FUZZ_MODE_SECOND) ? 2 : 1, fuzz_relay_accepted(), 0};
    if (run.n_peers == 2 && left > 0) {
        first = MIN((gsize)rest[0] * FUZZ_SPLIT_UNIT, left - 1);
        rest++;
        left--;
    }
    for (guint i = 0; i < run.n_peers; i++)
        run.peers[i] = fuzz_peer_connect(i == 0 ? "fuzz-1" : "fuzz-2", relay_get_port(relay));

    /* The relay takes a connection in at its first byte (relay_tls.h): a
     * client that sends none is never counted. */
    guint talking = 0;
    talking += fuzz_relay_send_part(run.peers[0], (mode & FUZZ_MODE_HELLO) ? "fz" : NULL,
                                    "fuzz-client-1", rest, first);
    if (run.n_peers == 2)
        talking +=
            fuzz_relay_send_part(run.peers[1], (mode & FUZZ_MODE_SECOND_HELLO) ? "fz2" : NULL,
                                 "fuzz-client-2", rest + first, left - first);
    run.awaited = talking;
    if (!fuzz_relay_iterate_until(fuzz_relay_run_accepted, &run, FUZZ_WAIT_MS))
        fuzz_peer_fail("the relay did not accept a connection within %d ms", FUZZ_WAIT_MS);
    fuzz_relay_settle();
    for (guint i = 0; i < run.n_peers; i++)
        fuzz_peer_end(run.peers[i], end);
    if (!fuzz_relay_iterate_until(fuzz_relay_run_done, &run, FUZZ_WAIT_MS))
        fuzz_peer_fail("the relay did not close its clients within %d ms of their closing",
                       FUZZ_WAIT_MS);
    for (guint i = 0; i < run.n_peers; i++)
        fuzz_peer_free(run.peers[i]);
    fuzz_relay_check_observer(data, size);
    return 0;
}
