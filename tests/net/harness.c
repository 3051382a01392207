/* harness.c: helpers for tests that run the real relay on 127.0.0.1. */
#include "tests/net/harness.h"

#include "tests/test-relay-identity.h"
#include "net/wire/addr.h"
#include "src/lab/relay_thread.h"

#include <string.h>

/* Starts a relay on its own thread (src/lab/relay_thread.c) with the test
 * defaults: 127.0.0.1, port 0, in-memory history, no flood control. */
TestRelay *test_relay_start(TestRelayTweak tweak)
{
    LcRelayConfig config;
    relay_config_init(&config);
    config.listen = g_strdup("127.0.0.1");
    config.port = 0;
    config.rate_limit = 0;
    /* The raw clients below speak plaintext; sessions speak TLS (a relay
     * that allows plaintext serves both). */
    config.insecure = TRUE;
    if (tweak)
        tweak(&config);
    if (config.tls_cert == NULL)
        test_relay_identity(&config.tls_cert, &config.tls_key);
    g_autoptr(GError) error = NULL;
    LcRelayThread *thread = relay_thread_start(&config, NULL, &error);
    g_assert_no_error(error);
    relay_config_clear(&config);
    return (TestRelay *)thread;
}

guint16 test_relay_port(TestRelay *t)
{
    return relay_thread_get_port((LcRelayThread *)t);
}

/* Runs on the relay thread: copies the counters. */
static void test_relay_counters_cb(LcRelay *relay, gpointer data)
{
    relay_get_counters(relay, data);
}

/* Reads the relay's counters on its own thread. */
void test_relay_counters(TestRelay *t, LcRelayCounters *counters)
{
    relay_thread_call((LcRelayThread *)t, test_relay_counters_cb, counters);
}

/* Stops and frees the relay. */
void test_relay_stop(TestRelay *t)
{
    relay_thread_stop((LcRelayThread *)t);
}

/* Connects a blocking socket to the relay. */
GSocket *test_raw_connect(guint16 port)
{
    g_autoptr(GError) error = NULL;
    GSocket *socket =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_assert_no_error(error);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) addr = g_inet_socket_address_new(lo, port);
    g_socket_connect(socket, addr, NULL, &error);
    g_assert_no_error(error);
    return socket;
}

/* Sends raw bytes (all of them). */
void test_raw_send_bytes(GSocket *socket, const void *data, gsize len)
{
    const char *p = data;
    while (len > 0) {
        g_autoptr(GError) error = NULL;
        gssize n = g_socket_send(socket, p, len, NULL, &error);
        if (n < 0)
            return; /* the relay may have closed us: the caller checks */
        p += n;
        len -= (gsize)n;
    }
}

/* Encodes and sends a message. */
void test_raw_send(GSocket *socket, const LcWireMsg *msg)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) frame = wire_msg_encode(msg, &error);
    g_assert_no_error(error);
    gsize len = 0;
    const void *data = g_bytes_get_data(frame, &len);
    test_raw_send_bytes(socket, data, len);
}

/* Receives exactly len bytes before the deadline. */
static gboolean test_raw_recv_all(GSocket *socket, guint8 *buf, gsize len, gint64 deadline)
{
    while (len > 0) {
        gint64 left = deadline - g_get_monotonic_time();
        if (left <= 0)
            return FALSE;
        if (!g_socket_condition_timed_wait(socket, G_IO_IN, left, NULL, NULL))
            return FALSE;
        gssize n = g_socket_receive(socket, (char *)buf, len, NULL, NULL);
        if (n <= 0)
            return FALSE;
        buf += n;
        len -= (gsize)n;
    }
    return TRUE;
}

/* Reads one frame within timeout_ms. */
gboolean test_raw_read(GSocket *socket, LcWireMsg *msg, guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    guint8 head[WIRE_HEADER_SIZE];
    LcWireHeader header;
    g_autoptr(GError) error = NULL;
    if (!test_raw_recv_all(socket, head, 1, deadline))
        return FALSE;
    /* Once a frame has begun, its rest follows at once: never give up in
     * the middle of a frame, which would lose the stream's framing. */
    deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    g_assert_true(test_raw_recv_all(socket, head + 1, sizeof(head) - 1, deadline));
    g_assert_true(wire_header_parse(head, &header, &error));
    g_autofree guint8 *payload = g_malloc(header.length + 1);
    g_assert_true(test_raw_recv_all(socket, payload, header.length, deadline));
    g_assert_true(wire_msg_decode(&header, payload, msg, &error));
    return TRUE;
}

/* Reads frames until one of the given type arrives. */
gboolean test_raw_read_type(GSocket *socket, guint8 type, LcWireMsg *msg, guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    while (g_get_monotonic_time() < deadline) {
        guint left = (guint)((deadline - g_get_monotonic_time()) / 1000) + 1;
        if (!test_raw_read(socket, msg, left))
            return FALSE;
        if (msg->type == type)
            return TRUE;
        wire_msg_clear(msg);
    }
    return FALSE;
}

/* Waits for the relay to close the connection. */
gboolean test_raw_wait_closed(GSocket *socket, guint timeout_ms, guint16 *code)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    guint8 buf[4096];
    GByteArray *in = g_byte_array_new();
    gboolean closed = FALSE;
    while (g_get_monotonic_time() < deadline) {
        gint64 left = deadline - g_get_monotonic_time();
        if (!g_socket_condition_timed_wait(socket, G_IO_IN, left, NULL, NULL))
            break;
        gssize n = g_socket_receive(socket, (char *)buf, sizeof(buf), NULL, NULL);
        if (n <= 0) {
            closed = TRUE;
            break;
        }
        g_byte_array_append(in, buf, (guint)n);
    }
    /* Find the last ERROR frame in what arrived. */
    for (gsize off = 0; code && off + WIRE_HEADER_SIZE <= in->len;) {
        LcWireHeader h;
        if (!wire_header_parse(in->data + off, &h, NULL) ||
            off + WIRE_HEADER_SIZE + h.length > in->len)
            break;
        LcWireMsg msg;
        if (h.type == WIRE_ERROR &&
            wire_msg_decode(&h, in->data + off + WIRE_HEADER_SIZE, &msg, NULL)) {
            *code = msg.error.code;
            wire_msg_clear(&msg);
        }
        off += WIRE_HEADER_SIZE + h.length;
    }
    g_byte_array_unref(in);
    return closed;
}

/* Connects, sends HELLO and reads WELCOME. */
GSocket *test_raw_join(guint16 port, const char *nick, guint64 resume_after, guint32 history)
{
    return test_raw_join_flags(port, nick, WIRE_FLAG_CHAT_EXTRAS, resume_after, history);
}

/* test_raw_join() with HELLO flags. */
GSocket *test_raw_join_flags(guint16 port, const char *nick, guint16 flags, guint64 resume_after,
                             guint32 history)
{
    GSocket *socket = test_raw_connect(port);
    g_autofree char *instance = g_strdup_printf("test-%s", nick);
    LcWireMsg hello = {.type = WIRE_HELLO, .flags = flags};
    hello.hello.nick = (char *)nick;
    hello.hello.instance = instance;
    hello.hello.resume_after = resume_after;
    hello.hello.history_limit = history;
    test_raw_send(socket, &hello);
    LcWireMsg welcome;
    g_assert_true(test_raw_read(socket, &welcome, 5000));
    g_assert_cmpint(welcome.type, ==, WIRE_WELCOME);
    g_assert_cmpstr(welcome.welcome.nick, ==, nick);
    wire_msg_clear(&welcome);
    return socket;
}

/* Connects from a chosen local address and says HELLO as an instance. */
GSocket *test_raw_hello(guint16 port, const char *from_ip, const char *nick, const char *instance,
                        LcWireMsg *answer)
{
    GSocket *socket = test_raw_connect_from(port, from_ip);
    LcWireMsg hello = {.type = WIRE_HELLO};
    hello.hello.nick = (char *)nick;
    hello.hello.instance = (char *)instance;
    test_raw_send(socket, &hello);
    g_assert_true(test_raw_read(socket, answer, 5000));
    return socket;
}

/* Connects from a local address of loopback (NULL: the kernel's choice). */
GSocket *test_raw_connect_from(guint16 port, const char *from_ip)
{
    g_autoptr(GError) error = NULL;
    GSocket *socket =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_assert_no_error(error);
    if (from_ip != NULL) {
        g_autoptr(GInetAddress) local = g_inet_address_new_from_string(from_ip);
        g_autoptr(GSocketAddress) bind_addr = g_inet_socket_address_new(local, 0);
        g_socket_bind(socket, bind_addr, FALSE, &error);
        g_assert_no_error(error);
    }
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) addr = g_inet_socket_address_new(lo, port);
    g_socket_connect(socket, addr, NULL, &error);
    g_assert_no_error(error);
    return socket;
}

/* Joins as nick, trying again while the relay refuses. */
GSocket *test_raw_try_join(guint16 port, const char *nick, guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    g_autofree char *instance = g_strdup_printf("test-%s", nick);
    while (g_get_monotonic_time() < deadline) {
        GSocket *socket = test_raw_connect(port);
        LcWireMsg hello = {.type = WIRE_HELLO};
        hello.hello.nick = (char *)nick;
        hello.hello.instance = instance;
        test_raw_send(socket, &hello);
        LcWireMsg msg = {0};
        gboolean joined = test_raw_read(socket, &msg, 1000) && msg.type == WIRE_WELCOME;
        wire_msg_clear(&msg);
        if (joined)
            return socket;
        g_object_unref(socket);
        g_usleep(100000);
    }
    return NULL;
}

/* Sends CHAT. */
void test_raw_chat(GSocket *socket, guint64 client_id, const char *text)
{
    LcWireMsg chat = {.type = WIRE_CHAT};
    chat.chat.client_id = client_id;
    chat.chat.text = (char *)text;
    test_raw_send(socket, &chat);
}

/* This socket's local address as "ip:port". */
char *test_raw_local_addr(GSocket *socket)
{
    g_autoptr(GSocketAddress) local = g_socket_get_local_address(socket, NULL);
    return addr_format(local);
}

/* Runs the thread-default context until *flag or the timeout. */
gboolean test_wait_flag(const gboolean *flag, guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    GMainContext *ctx = g_main_context_get_thread_default();
    while (!*flag && g_get_monotonic_time() < deadline) {
        if (!g_main_context_iteration(ctx, FALSE))
            g_usleep(1000);
    }
    return *flag;
}

/* Runs the thread-default context until cond(data) or the timeout. */
gboolean test_wait_until(gboolean (*cond)(gpointer), gpointer data, guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    GMainContext *ctx = g_main_context_get_thread_default();
    while (!cond(data) && g_get_monotonic_time() < deadline) {
        if (!g_main_context_iteration(ctx, FALSE))
            g_usleep(1000);
    }
    return cond(data);
}

/* Starts the fixture's relay. */
void relay_fixture_setup(RelayFixture *fx, gconstpointer tweak)
{
    fx->relay = test_relay_start((TestRelayTweak)tweak);
    fx->port = test_relay_port(fx->relay);
}

/* Stops the fixture's relay. */
void relay_fixture_teardown(RelayFixture *fx, gconstpointer tweak)
{
    g_clear_pointer(&fx->relay, test_relay_stop);
}
