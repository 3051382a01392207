/* bench_stuck.c: members that join and then never read, for `lanconf-bench
 * chat --stuck N`: the relay (or broker) must keep the other receivers' rate
 * and latency while these fill their queues. */
#include "src/lab/bench_chat.h"

#include "net/wire/wire.h"
#include "src/lab/bench_mqtt_wire.h"

#include <gio/gio.h>
#include <sys/socket.h>

/* A receive buffer this small makes the peer's queue fill at once. */
#define BENCH_STUCK_RCVBUF 4096

/* Connects to 127.0.0.1:port with a tiny receive buffer; blocking writes. */
static GSocket *bench_stuck_connect(guint16 port, GError **error)
{
    g_autoptr(GSocket) socket =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
    if (socket == NULL)
        return NULL;
    g_socket_set_option(socket, SOL_SOCKET, SO_RCVBUF, BENCH_STUCK_RCVBUF, NULL);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) addr = g_inet_socket_address_new(lo, port);
    if (!g_socket_connect(socket, addr, NULL, error))
        return NULL;
    return g_steal_pointer(&socket);
}

/* Writes all of bytes. */
static gboolean bench_stuck_send(GSocket *socket, GBytes *bytes, GError **error)
{
    gsize len = 0, done = 0;
    const gchar *data = g_bytes_get_data(bytes, &len);
    while (done < len) {
        gssize n = g_socket_send(socket, data + done, len - done, NULL, error);
        if (n < 0)
            return FALSE;
        done += (gsize)n;
    }
    return TRUE;
}

/* Joins the relay as stuck member i: HELLO, and nothing read ever after. */
GSocket *bench_stuck_join_lanconf(guint16 port, guint i, GError **error)
{
    g_autoptr(GSocket) socket = bench_stuck_connect(port, error);
    if (socket == NULL)
        return NULL;
    g_autofree char *nick = g_strdup_printf("stuck%u", i);
    g_autofree char *instance = g_strdup_printf("lanconf-bench-stuck-%u", i);
    LcWireMsg hello = {.type = WIRE_HELLO};
    hello.hello.nick = nick;
    hello.hello.instance = instance;
    hello.hello.history_limit = 0;
    g_autoptr(GBytes) frame = wire_msg_encode(&hello, error);
    if (frame == NULL || !bench_stuck_send(socket, frame, error))
        return NULL;
    return g_steal_pointer(&socket);
}

/* Subscribes to topic as stuck client i of the broker: CONNECT, SUBSCRIBE, no reads. */
GSocket *bench_stuck_join_mqtt(guint16 port, guint i, const char *topic, GError **error)
{
    g_autoptr(GSocket) socket = bench_stuck_connect(port, error);
    if (socket == NULL)
        return NULL;
    g_autofree char *id = g_strdup_printf("lanconf-bench-stuck-%u", i);
    g_autoptr(GBytes) connect = mqtt_wire_connect(id, 600);
    g_autoptr(GBytes) subscribe = mqtt_wire_subscribe(1, topic);
    if (!bench_stuck_send(socket, connect, error) || !bench_stuck_send(socket, subscribe, error))
        return NULL;
    return g_steal_pointer(&socket);
}

/* Runs the loop for a moment so the server has taken the stuck members' joins in. */
void bench_chat_settle(const LcBenchChatConfig *config)
{
    if (config->stuck == 0)
        return;
    gint64 until = g_get_monotonic_time() + 200 * 1000;
    while (g_get_monotonic_time() < until)
        g_main_context_iteration(NULL, FALSE);
}
