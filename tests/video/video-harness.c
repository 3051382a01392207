/* video-harness.c: helpers for the camera-channel tests. */
#include "tests/video/video-harness.h"

#include <string.h>

struct VideoRelay {
    GThread *thread;
    GMainContext *ctx;
    GMainLoop *loop;
    LcRelay *relay;
    TestRelayTweak tweak;
    guint16 port;
    GMutex lock;
    GCond cond;
    gboolean ready;
};

/* The relay thread: its own context, the relay, the loop. */
static gpointer video_relay_thread(gpointer data)
{
    VideoRelay *t = data;
    g_main_context_push_thread_default(t->ctx);
    LcRelayConfig config;
    relay_config_init(&config);
    config.listen = g_strdup("127.0.0.1");
    config.port = 0;
    config.rate_limit = 0;
    if (t->tweak)
        t->tweak(&config);
    g_autoptr(GError) error = NULL;
    t->relay = relay_new(&config, &error);
    g_assert_no_error(error);
    relay_config_clear(&config);
    g_mutex_lock(&t->lock);
    t->port = relay_get_port(t->relay);
    t->ready = TRUE;
    g_cond_signal(&t->cond);
    g_mutex_unlock(&t->lock);
    g_main_loop_run(t->loop);
    relay_free(t->relay);
    g_main_context_pop_thread_default(t->ctx);
    return NULL;
}

/* Starts a relay on its own thread. */
VideoRelay *video_relay_start(TestRelayTweak tweak)
{
    VideoRelay *t = g_new0(VideoRelay, 1);
    t->ctx = g_main_context_new();
    t->loop = g_main_loop_new(t->ctx, FALSE);
    t->tweak = tweak;
    g_mutex_init(&t->lock);
    g_cond_init(&t->cond);
    t->thread = g_thread_new("relay", video_relay_thread, t);
    g_mutex_lock(&t->lock);
    while (!t->ready)
        g_cond_wait(&t->cond, &t->lock);
    g_mutex_unlock(&t->lock);
    return t;
}

guint16 video_relay_port(VideoRelay *t)
{
    return t->port;
}

typedef struct {
    VideoRelay *t;
    LcRelayVideoStats *out;
    gboolean done;
} VideoStatsCall;

/* Runs on the relay thread: reads the statistics. */
static gboolean video_relay_stats_cb(gpointer data)
{
    VideoStatsCall *call = data;
    relay_get_video_stats(call->t->relay, call->out);
    g_mutex_lock(&call->t->lock);
    call->done = TRUE;
    g_cond_broadcast(&call->t->cond);
    g_mutex_unlock(&call->t->lock);
    return G_SOURCE_REMOVE;
}

/* Reads the relay's video statistics on its thread. */
void video_relay_stats(VideoRelay *t, LcRelayVideoStats *stats)
{
    VideoStatsCall call = {.t = t, .out = stats};
    g_main_context_invoke(t->ctx, video_relay_stats_cb, &call);
    g_mutex_lock(&t->lock);
    while (!call.done)
        g_cond_wait(&t->cond, &t->lock);
    g_mutex_unlock(&t->lock);
}

/* Runs on the relay thread: stops its loop. */
static gboolean video_relay_quit_cb(gpointer data)
{
    g_main_loop_quit(data);
    return G_SOURCE_REMOVE;
}

/* Stops and frees the relay. */
void video_relay_stop(VideoRelay *t)
{
    g_main_context_invoke(t->ctx, video_relay_quit_cb, t->loop);
    g_thread_join(t->thread);
    g_main_loop_unref(t->loop);
    g_main_context_unref(t->ctx);
    g_mutex_clear(&t->lock);
    g_cond_clear(&t->cond);
    g_free(t);
}

/* A blocking UDP socket on 127.0.0.1, port 0. */
GSocket *video_udp_socket(void)
{
    g_autoptr(GError) error = NULL;
    GSocket *socket =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
    g_assert_no_error(error);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) addr = g_inet_socket_address_new(lo, 0);
    g_assert_true(g_socket_bind(socket, addr, FALSE, &error));
    return socket;
}

/* Sends raw bytes to the relay's port. */
void video_udp_send_raw(GSocket *socket, guint16 port, const void *bytes, gsize len)
{
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) to = g_inet_socket_address_new(lo, port);
    g_autoptr(GError) error = NULL;
    g_assert_cmpint(g_socket_send_to(socket, to, bytes, len, NULL, &error), ==, (gssize)len);
}

/* Sends a datagram to the relay's port. */
void video_udp_send(GSocket *socket, guint16 port, const LcDgram *dgram, const guint8 *payload,
                    gsize payload_len)
{
    guint8 buf[DGRAM_MAX_SIZE];
    gsize n = chan_dgram_write(dgram, buf);
    if (dgram->type == DGRAM_FRAG) {
        memcpy(buf + n, payload, payload_len);
        n += payload_len;
    }
    video_udp_send_raw(socket, port, buf, n);
}

/* Receives and parses one datagram within timeout_ms. */
gboolean video_udp_recv(GSocket *socket, LcDgram *dgram, guint8 *buf, guint timeout_ms)
{
    if (!g_socket_condition_timed_wait(socket, G_IO_IN, (gint64)timeout_ms * 1000, NULL, NULL))
        return FALSE;
    gssize n = g_socket_receive(socket, (char *)buf, DGRAM_MAX_SIZE, NULL, NULL);
    g_assert_cmpint(n, >, 0);
    g_autoptr(GError) error = NULL;
    g_assert_true(chan_dgram_parse(buf, (gsize)n, 16 << 20, dgram, &error));
    return TRUE;
}

/* Joins with a raw control socket and asks for a stream. */
GSocket *video_raw_open_stream(guint16 port, const char *nick, guint8 channels, LcWireMsg *ready)
{
    GSocket *control = test_raw_join(port, nick, 0, 0);
    LcWireMsg open = {.type = WIRE_STREAM_OPEN};
    open.stream_open.channels = channels;
    test_raw_send(control, &open);
    g_assert_true(test_raw_read_type(control, WIRE_STREAM_READY, ready, 5000));
    g_assert_cmpuint(ready->stream_ready.udp_port, ==, port);
    return control;
}

/* Notes the session joined. */
static void video_session_on_state(LcSession *session, LcSessionState state, const GError *error,
                                   gpointer data)
{
    if (state == SESSION_JOINED)
        *(gboolean *)data = TRUE;
}

/* A control session, joined. */
LcSession *video_session_join(guint16 port, const char *nick)
{
    static gboolean joined;
    LcSessionConfig config = {
        .host = "127.0.0.1",
        .port = port,
        .nick = nick,
        .history_limit = 0,
    };
    LcSessionEvents events = {.state = video_session_on_state};
    joined = FALSE;
    LcSession *session = session_new(&config, &events, &joined);
    session_start(session);
    g_assert_true(test_wait_flag(&joined, 5000));
    return session;
}

/* Stops a wait. */
static gboolean video_run_done(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

/* Runs the main context for ms milliseconds. */
void video_run_for(guint ms)
{
    gboolean done = FALSE;
    guint id = g_timeout_add(ms, video_run_done, &done);
    while (!done)
        g_main_context_iteration(NULL, TRUE);
    (void)id;
}
