/* bench_chat_mqtt.c: `lanconf-bench chat` through mosquitto, the anchor: the
 * same sender, receivers, messages and flow control as the lanconf run, with
 * MQTT QoS 0 publish/subscribe. The clients speak MQTT directly from this
 * thread's main loop (src/lab/bench_mqtt_wire.c), reading everything a socket has
 * and writing batched, as lanconf's own clients do, so that the comparison
 * measures the brokers and not the client libraries. */
#include "src/lab/bench_chat.h"

#include "net/wire/clock.h"
#include "src/lab/bench_mqtt_wire.h"

#include <gio/gio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#define MQTT_TOPIC      "lanconf/bench"
#define MQTT_READ_CHUNK 65536

typedef struct _LcMqttBench LcMqttBench;

typedef struct {
    LcMqttBench *bench;
    guint index; /* receivers 0..N-1; the sender is N */
    GSocket *socket;
    GByteArray *in;
    GByteArray *out;
    GSource *read_src;
    GSource *write_src;
    gboolean ready; /* subscribed (receivers) or connected (sender) */
} LcMqttClient;

struct _LcMqttBench {
    const LcBenchChatConfig *config;
    LcBenchChatResult *result;
    LcMqttClient *clients; /* N receivers, then the sender */
    GPtrArray *stuck;      /* GSocket: subscribers that never read */
    guint ready;
    LcBenchWindow window;
    guint64 sent;
    gint64 first_send_us;
    gint64 last_delivery_us;
    GError *error;
    gboolean done;
};

/* Records the first failure and ends the run. */
static void mqtt_bench_fail(LcMqttBench *b, const char *what, const GError *why)
{
    if (b->error == NULL)
        b->error = g_error_new(G_IO_ERROR, G_IO_ERROR_FAILED, "mosquitto: %s%s%s", what,
                               why ? ": " : "", why ? why->message : "");
    b->done = TRUE;
}

/* Writes what is queued; keeps a write watch while some remains. */
static gboolean mqtt_client_on_writable(GSocket *socket, GIOCondition cond, gpointer data)
{
    LcMqttClient *c = data;
    g_autoptr(GError) error = NULL;
    gssize n = g_socket_send(socket, (const char *)c->out->data, c->out->len, NULL, &error);
    if (n < 0 && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
        mqtt_bench_fail(c->bench, "write", error);
        n = 0;
    }
    if (n > 0)
        g_byte_array_remove_range(c->out, 0, (guint)n);
    if (c->out->len > 0 && !c->bench->done)
        return G_SOURCE_CONTINUE;
    g_clear_pointer(&c->write_src, g_source_unref);
    return G_SOURCE_REMOVE;
}

/* Queues a packet; it is written when the socket is writable. */
static void mqtt_client_send(LcMqttClient *c, GBytes *packet)
{
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(packet, &len);
    g_byte_array_append(c->out, data, (guint)len);
    if (c->write_src != NULL)
        return;
    c->write_src = g_socket_create_source(c->socket, G_IO_OUT, NULL);
    g_source_set_callback(c->write_src, G_SOURCE_FUNC(mqtt_client_on_writable), c, NULL);
    g_source_attach(c->write_src, NULL);
}

/* Publishes while fewer than `window` messages are still on their way. */
static void mqtt_bench_pump(LcMqttBench *b)
{
    const LcBenchChatConfig *cfg = b->config;
    LcMqttClient *sender = &b->clients[cfg->clients];
    while (b->sent < cfg->messages && b->sent - b->window.min < cfg->window) {
        gint64 now = clock_now_us();
        g_autofree char *text = bench_chat_make_text(b->sent + 1, now, cfg->size);
        if (b->sent == 0)
            b->first_send_us = now;
        g_autoptr(GBytes) packet = mqtt_wire_publish(MQTT_TOPIC, text, strlen(text));
        mqtt_client_send(sender, packet);
        b->sent++;
    }
}

/* A receiver got a message: latency, flow control, completion. */
static void mqtt_bench_deliver(LcMqttClient *c, const guint8 *payload, gsize len)
{
    LcMqttBench *b = c->bench;
    char text[64];
    gsize n = MIN(len, sizeof(text) - 1);
    memcpy(text, payload, n);
    text[n] = '\0';
    if (!bench_chat_count_delivery(b->result, &b->window, c->index, text, &b->last_delivery_us))
        return;
    if (b->result->deliveries == b->result->expected)
        b->done = TRUE;
    else
        mqtt_bench_pump(b);
}

/* Handles one packet from the broker. */
static void mqtt_client_on_packet(LcMqttClient *c, const LcMqttPacket *p)
{
    LcMqttBench *b = c->bench;
    if (p->type == 2) { /* CONNACK */
        if (p->body_len < 2 || p->body[1] != 0) {
            mqtt_bench_fail(b, "connection refused", NULL);
            return;
        }
        if (c->index == b->config->clients) {
            c->ready = TRUE;
            b->ready++;
        } else {
            g_autoptr(GBytes) sub = mqtt_wire_subscribe(1, MQTT_TOPIC);
            mqtt_client_send(c, sub);
        }
    } else if (p->type == 9) { /* SUBACK */
        c->ready = TRUE;
        b->ready++;
    } else if (p->type == 3) {
        gsize len = 0;
        const guint8 *payload = mqtt_wire_publish_payload(p, &len);
        if (payload != NULL)
            mqtt_bench_deliver(c, payload, len);
    }
}

/* Reads what the socket has and handles every whole packet. */
static gboolean mqtt_client_on_readable(GSocket *socket, GIOCondition cond, gpointer data)
{
    LcMqttClient *c = data;
    for (;;) {
        guint old = c->in->len;
        g_byte_array_set_size(c->in, old + MQTT_READ_CHUNK);
        g_autoptr(GError) error = NULL;
        gssize n =
            g_socket_receive(socket, (char *)c->in->data + old, MQTT_READ_CHUNK, NULL, &error);
        g_byte_array_set_size(c->in, n > 0 ? old + (guint)n : old);
        if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            break;
        if (n <= 0) {
            mqtt_bench_fail(c->bench, "broker closed a connection", error);
            g_clear_pointer(&c->read_src, g_source_unref);
            return G_SOURCE_REMOVE;
        }
    }
    gsize used = 0;
    LcMqttPacket p;
    gssize taken;
    while ((taken = mqtt_wire_parse(c->in->data + used, c->in->len - used, &p)) > 0) {
        mqtt_client_on_packet(c, &p);
        used += (gsize)taken;
    }
    if (taken < 0)
        mqtt_bench_fail(c->bench, "malformed packet from the broker", NULL);
    g_byte_array_remove_range(c->in, 0, (guint)used);
    return G_SOURCE_CONTINUE;
}

/* Connects one client and sends CONNECT. */
static gboolean mqtt_client_open(LcMqttClient *c, guint16 port, GError **error)
{
    c->socket =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
    if (c->socket == NULL)
        return FALSE;
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) addr = g_inet_socket_address_new(lo, port);
    if (!g_socket_connect(c->socket, addr, NULL, error)) {
        g_prefix_error(error, "mosquitto on port %u: ", port);
        return FALSE;
    }
    g_socket_set_blocking(c->socket, FALSE);
    g_socket_set_option(c->socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
    c->in = g_byte_array_new();
    c->out = g_byte_array_new();
    c->read_src = g_socket_create_source(c->socket, G_IO_IN, NULL);
    g_source_set_callback(c->read_src, G_SOURCE_FUNC(mqtt_client_on_readable), c, NULL);
    g_source_attach(c->read_src, NULL);
    g_autofree char *id = g_strdup_printf("lanconf-bench-%u", c->index);
    g_autoptr(GBytes) connect = mqtt_wire_connect(id, 60);
    mqtt_client_send(c, connect);
    return TRUE;
}

/* Closes one client. */
static void mqtt_client_close(LcMqttClient *c)
{
    GSource **sources[] = {&c->read_src, &c->write_src};
    for (guint i = 0; i < G_N_ELEMENTS(sources); i++) {
        if (*sources[i] != NULL) {
            g_source_destroy(*sources[i]);
            g_clear_pointer(sources[i], g_source_unref);
        }
    }
    g_clear_object(&c->socket);
    g_clear_pointer(&c->in, g_byte_array_unref);
    g_clear_pointer(&c->out, g_byte_array_unref);
}

/* Finds a free loopback TCP port for the broker. */
static guint16 mqtt_free_port(GError **error)
{
    g_autoptr(GSocket) s =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
    if (s == NULL)
        return 0;
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
    if (!g_socket_bind(s, any, TRUE, error))
        return 0;
    g_autoptr(GSocketAddress) got = g_socket_get_local_address(s, error);
    return got ? g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(got)) : 0;
}

/* Starts mosquitto on 127.0.0.1 with unbounded queues, like the relay's
 * default limits that this workload never reaches. */
static GSubprocess *mqtt_start_broker(const char *conf_path, guint16 port, GError **error)
{
    g_autofree char *conf = g_strdup_printf("listener %u 127.0.0.1\n"
                                            "allow_anonymous true\n"
                                            "persistence false\n"
                                            "set_tcp_nodelay true\n"
                                            "max_queued_messages 0\n"
                                            "log_dest none\n",
                                            port);
    if (!g_file_set_contents(conf_path, conf, -1, error))
        return NULL;
    GSubprocess *proc =
        g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                         error, "mosquitto", "-c", conf_path, NULL);
    if (proc == NULL) {
        g_prefix_error(error, "cannot start mosquitto (scripts/install-deps.sh installs it): ");
        return NULL;
    }
    for (int i = 0; i < 300; i++) {
        g_autoptr(GSocketClient) client = g_socket_client_new();
        g_autoptr(GSocketConnection) conn =
            g_socket_client_connect_to_host(client, "127.0.0.1", port, NULL, NULL);
        if (conn != NULL)
            return proc;
        g_usleep(10000);
    }
    g_subprocess_force_exit(proc);
    g_object_unref(proc);
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "mosquitto did not start on port %u",
                port);
    return NULL;
}

/* Connects everyone, streams the messages and waits for them. */
static gboolean mqtt_bench_drive(LcMqttBench *b, guint16 port, GError **error)
{
    const LcBenchChatConfig *cfg = b->config;
    gint64 deadline = g_get_monotonic_time() + (gint64)cfg->timeout_s * G_USEC_PER_SEC;
    for (guint i = 0; i <= cfg->clients; i++) {
        b->clients[i].bench = b;
        b->clients[i].index = i;
        if (!mqtt_client_open(&b->clients[i], port, error))
            return FALSE;
    }
    while (!b->done && b->ready < cfg->clients + 1 && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, TRUE);
    if (b->error == NULL && b->ready < cfg->clients + 1)
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "mosquitto clients did not subscribe");
    if (b->error != NULL || b->ready < cfg->clients + 1)
        return FALSE;
    for (guint i = 0; i < cfg->stuck; i++) {
        GSocket *socket = bench_stuck_join_mqtt(port, i, MQTT_TOPIC, error);
        if (socket == NULL)
            return FALSE;
        g_ptr_array_add(b->stuck, socket);
    }
    bench_chat_settle(cfg);
    mqtt_bench_pump(b);
    while (!b->done && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, TRUE);
    if (b->error == NULL && !b->done)
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                    "mosquitto: timed out with %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                    " deliveries",
                    b->result->deliveries, b->result->expected);
    return b->error == NULL && b->done;
}

/* Runs the same fan-out through a mosquitto broker on loopback. */
gboolean bench_chat_run_mqtt(const LcBenchChatConfig *cfg, LcBenchChatResult *result,
                             GError **error)
{
    guint16 port = mqtt_free_port(error);
    if (port == 0)
        return FALSE;
    g_autofree char *dir = g_dir_make_tmp("lanconf-bench-mqtt-XXXXXX", error);
    if (dir == NULL)
        return FALSE;
    g_autofree char *conf_path = g_build_filename(dir, "mosquitto.conf", NULL);
    g_autoptr(GSubprocess) broker = mqtt_start_broker(conf_path, port, error);
    gboolean ok = FALSE;
    if (broker != NULL) {
        *result = (LcBenchChatResult){.system = "mosquitto",
                                      .expected = (guint64)cfg->messages * cfg->clients,
                                      .latency_ms = stats_dist_new()};
        LcMqttBench b = {.config = cfg,
                         .result = result,
                         .clients = g_new0(LcMqttClient, cfg->clients + 1),
                         .stuck = g_ptr_array_new_with_free_func(g_object_unref)};
        bench_window_init(&b.window, cfg->clients);
        ok = mqtt_bench_drive(&b, port, error);
        if (!ok && b.error != NULL)
            g_propagate_error(error, g_steal_pointer(&b.error));
        result->elapsed_s = (double)(b.last_delivery_us - b.first_send_us) / G_USEC_PER_SEC;
        result->msgs_per_s = result->elapsed_s > 0 ? result->deliveries / result->elapsed_s : 0;
        for (guint i = 0; i <= cfg->clients; i++)
            mqtt_client_close(&b.clients[i]);
        g_free(b.clients);
        g_ptr_array_unref(b.stuck);
        bench_window_clear(&b.window);
        g_clear_error(&b.error);
        g_subprocess_send_signal(broker, SIGTERM);
        g_subprocess_wait(broker, NULL, NULL);
    }
    g_remove(conf_path);
    g_rmdir(dir);
    return ok;
}
