/* bench_chat_lanconf.c: `lanconf-bench chat` through lanconf's relay: one
 * sender and N receivers, each a real client session on this thread. */
#include "src/lab/bench_chat.h"

#include "net/wire/addr.h"
#include "net/wire/clock.h"
#include "net/client/session.h"
#include "src/lab/relay_thread.h"
#include "net/wire/wire.h"

#include <glib/gstdio.h>

#define BENCH_JOIN_WAVE 8 /* members that join at once */

typedef struct _LcChatBench LcChatBench;

typedef struct {
    LcChatBench *bench;
    guint index;
    LcSession *session;
} LcChatReceiver;

struct _LcChatBench {
    const LcBenchChatConfig *config;
    const char *fingerprint; /* the in-process relay's; NULL: pinned as any client pins */
    LcBenchChatResult *result;
    LcChatReceiver *receivers;
    LcSession *sender;
    GPtrArray *stuck; /* GSocket: members that never read */
    LcBenchWindow window;
    guint joined;
    guint wave; /* members started so far */
    guint64 sent;
    gint64 first_send_us;
    gint64 last_delivery_us;
    GError *error;
    gboolean done;
};

/* Sends while fewer than `window` messages are still on their way. */
static void bench_lanconf_pump(LcChatBench *b)
{
    const LcBenchChatConfig *c = b->config;
    while (b->sent < c->messages && b->sent - b->window.min < c->window) {
        gint64 now = clock_now_us();
        g_autofree char *text = bench_chat_make_text(b->sent + 1, now, c->size);
        if (b->sent == 0)
            b->first_send_us = now;
        if (session_send_chat(b->sender, text, FALSE, &b->error) == 0) {
            b->done = TRUE;
            return;
        }
        b->sent++;
    }
}

/* A receiver got a message: latency, flow control, completion. */
static void bench_lanconf_on_chat(LcSession *session, const LcSessionChat *chat, gpointer data)
{
    LcChatReceiver *r = data;
    LcChatBench *b = r->bench;
    if (chat->history || !bench_chat_count_delivery(b->result, &b->window, r->index, chat->text,
                                                    &b->last_delivery_us))
        return;
    if (b->result->deliveries == b->result->expected)
        b->done = TRUE;
    else
        bench_lanconf_pump(b);
}

/* Counts joins; a session that closes ends the run with its error. */
static void bench_lanconf_on_state(LcSession *session, LcSessionState state, const GError *error,
                                   gpointer data)
{
    LcChatBench *b = data;
    if (state == SESSION_JOINED)
        b->joined++;
    if (state == SESSION_CLOSED || state == SESSION_RECONNECT_WAIT) {
        if (b->error == NULL)
            b->error = error ? g_error_copy(error)
                             : g_error_new(G_IO_ERROR, G_IO_ERROR_FAILED, "a client was closed");
        b->done = TRUE;
    }
}

/* The receiver's state events go to the bench. */
static void bench_lanconf_on_receiver_state(LcSession *session, LcSessionState state,
                                            const GError *error, gpointer data)
{
    bench_lanconf_on_state(session, state, error, ((LcChatReceiver *)data)->bench);
}

static const LcSessionEvents receiver_events = {
    .state = bench_lanconf_on_receiver_state,
    .chat = bench_lanconf_on_chat,
};

static const LcSessionEvents sender_events = {
    .state = bench_lanconf_on_state,
};

/* Runs the main context until the run is done or the deadline passes. */
static gboolean bench_lanconf_wait(LcChatBench *b, gboolean (*cond)(LcChatBench *), gint64 deadline)
{
    while (!b->done && !cond(b) && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, TRUE);
    return cond(b);
}

static gboolean bench_lanconf_all_joined(LcChatBench *b)
{
    return b->joined >= b->config->clients + 1;
}

/* Every member of the joining wave has joined. */
static gboolean bench_lanconf_wave_joined(LcChatBench *b)
{
    return b->joined >= b->wave;
}

static gboolean bench_lanconf_finished(LcChatBench *b)
{
    return b->done;
}

/* Starts the relay in-process (history in a fresh directory, flood control
 * off) unless the config names one. */
static LcRelayThread *bench_lanconf_start_relay(const LcBenchChatConfig *c, char **dir,
                                                GError **error)
{
    LcRelayConfig rc;
    relay_config_init(&rc);
    rc.listen = g_strdup("127.0.0.1");
    rc.port = 0;
    rc.rate_limit = 0;
    rc.max_clients = c->clients + c->stuck + 16;
    rc.max_clients_per_ip = c->clients + c->stuck + 16;
    /* The stuck members speak plaintext (bench_stuck.c); the measured
     * members TLS, as every client does by default. */
    rc.insecure = c->stuck > 0 || c->insecure;
    *dir = g_dir_make_tmp("lanconf-bench-XXXXXX", error);
    if (*dir == NULL) {
        relay_config_clear(&rc);
        return NULL;
    }
    rc.data_dir = g_strdup(*dir);
    LcRelayThread *thread = relay_thread_start(&rc, NULL, error);
    relay_config_clear(&rc);
    return thread;
}

/* Removes the in-process relay's history directory. */
static void bench_lanconf_remove_dir(const char *dir)
{
    const char *names[] = {"history.db", "history.db-wal", "history.db-shm", "relay-cert.pem",
                           "relay-key.pem"};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = g_build_filename(dir, names[i], NULL);
        g_remove(path);
    }
    g_rmdir(dir);
}

/* Creates the sessions, then streams the messages and waits for them. */
static gboolean bench_lanconf_drive(LcChatBench *b, const char *host, guint16 port, GError **error)
{
    const LcBenchChatConfig *c = b->config;
    gint64 deadline = g_get_monotonic_time() + (gint64)c->timeout_s * G_USEC_PER_SEC;
    for (guint i = 0; i < c->clients; i++) {
        g_autofree char *nick = g_strdup_printf("recv%u", i);
        LcSessionConfig sc = {.host = host,
                              .port = port,
                              .nick = nick,
                              .history_limit = 0,
                              .fingerprint = b->fingerprint,
                              .insecure = c->insecure};
        b->receivers[i] = (LcChatReceiver){b, i, NULL};
        b->receivers[i].session = session_new(&sc, &receiver_events, &b->receivers[i]);
        session_start(b->receivers[i].session);
        /* A wave at a time: this process runs the relay's TLS handshakes
         * and its members' in one pool of GLib worker threads, and a pool
         * full of members waiting for the relay leaves none to answer them. */
        b->wave = i + 1;
        if (b->wave % BENCH_JOIN_WAVE == 0 &&
            !bench_lanconf_wait(b, bench_lanconf_wave_joined, deadline))
            break;
    }
    LcSessionConfig sc = {.host = host,
                          .port = port,
                          .nick = "sender",
                          .history_limit = 0,
                          .fingerprint = b->fingerprint,
                          .insecure = c->insecure};
    b->sender = session_new(&sc, &sender_events, b);
    session_start(b->sender);
    if (!bench_lanconf_wait(b, bench_lanconf_all_joined, deadline)) {
        if (b->error == NULL)
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "clients did not all join");
        return FALSE;
    }
    for (guint i = 0; i < c->stuck; i++) {
        GSocket *socket = bench_stuck_join_lanconf(port, i, error);
        if (socket == NULL)
            return FALSE;
        g_ptr_array_add(b->stuck, socket);
    }
    bench_chat_settle(c);
    bench_lanconf_pump(b);
    bench_lanconf_wait(b, bench_lanconf_finished, deadline);
    if (b->error != NULL)
        return FALSE;
    if (!b->done) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                    "timed out with %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " deliveries",
                    b->result->deliveries, b->result->expected);
        return FALSE;
    }
    return TRUE;
}

/* Runs the fan-out through lanconf's relay. */
gboolean bench_chat_run_lanconf(const LcBenchChatConfig *c, LcBenchChatResult *result,
                                GError **error)
{
    g_autofree char *dir = NULL, *host = NULL;
    guint16 port = 0;
    LcRelayThread *thread = NULL;
    if (c->relay != NULL) {
        if (!addr_parse_host_port(c->relay, WIRE_DEFAULT_PORT, &host, &port, error))
            return FALSE;
    } else {
        if ((thread = bench_lanconf_start_relay(c, &dir, error)) == NULL)
            return FALSE;
        host = g_strdup("127.0.0.1");
        port = relay_thread_get_port(thread);
    }
    *result = (LcBenchChatResult){.system = "lanconf-relay",
                                  .expected = (guint64)c->messages * c->clients,
                                  .latency_ms = stats_dist_new()};
    LcChatBench b = {.config = c,
                     .result = result,
                     .fingerprint = thread ? relay_thread_get_fingerprint(thread) : NULL,
                     .receivers = g_new0(LcChatReceiver, c->clients),
                     .stuck = g_ptr_array_new_with_free_func(g_object_unref)};
    bench_window_init(&b.window, c->clients);
    gboolean ok = bench_lanconf_drive(&b, host, port, error);
    if (!ok && b.error != NULL)
        g_propagate_prefixed_error(error, g_steal_pointer(&b.error), "lanconf: ");
    result->elapsed_s = (double)(b.last_delivery_us - b.first_send_us) / G_USEC_PER_SEC;
    result->msgs_per_s = result->elapsed_s > 0 ? result->deliveries / result->elapsed_s : 0;
    for (guint i = 0; i < c->clients; i++)
        session_free(b.receivers[i].session);
    session_free(b.sender);
    g_ptr_array_unref(b.stuck);
    g_free(b.receivers);
    bench_window_clear(&b.window);
    g_clear_error(&b.error);
    relay_thread_stop(thread);
    if (dir != NULL)
        bench_lanconf_remove_dir(dir);
    return ok;
}
