/* video-harness.c: helpers for the camera-channel tests. */
#include "tests/video/video-harness.h"

#include "src/lab/relay_thread.h"

#include <string.h>

/* Starts a relay on its own thread, as the chat tests do. */
/* Runs on the relay thread: reads the statistics. */
static void video_relay_stats_cb(LcRelay *relay, gpointer data)
{
    relay_get_video_stats(relay, data);
}

/* Reads the relay's video statistics on its thread. */
void test_relay_video_stats(TestRelay *t, LcRelayVideoStats *stats)
{
    relay_thread_call((LcRelayThread *)t, video_relay_stats_cb, stats);
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
