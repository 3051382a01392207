/* test-bench.c: lanconf-bench's pieces (message format, flow control, MQTT
 * packets) and a small real run of `lanconf-bench chat` against both brokers. */
#include "src/lab/bench_chat.h"
#include "src/lab/bench_mqtt_wire.h"
#include "../bench-json.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

/* Bench messages carry their sequence number and send time, padded to size. */
static void test_text(void)
{
    g_autofree char *t = bench_chat_make_text(42, 1700000000123456, 100);
    g_assert_cmpuint(strlen(t), ==, 100);
    guint64 seq = 0;
    gint64 us = 0;
    g_assert_true(bench_chat_parse_text(t, &seq, &us));
    g_assert_cmpuint(seq, ==, 42);
    g_assert_cmpint(us, ==, 1700000000123456);
    g_autofree char *small = bench_chat_make_text(7, 5, 1); /* never cut the numbers */
    g_assert_cmpstr(small, ==, "7 5 ");
    g_assert_false(bench_chat_parse_text("hello world", &seq, &us));
    g_assert_false(bench_chat_parse_text("12", &seq, &us));
}

/* The window's minimum follows the slowest receiver. */
static void test_window(void)
{
    LcBenchWindow w;
    bench_window_init(&w, 3);
    bench_window_deliver(&w, 0);
    bench_window_deliver(&w, 1);
    g_assert_cmpuint(w.min, ==, 0);
    bench_window_deliver(&w, 2);
    g_assert_cmpuint(w.min, ==, 1);
    bench_window_deliver(&w, 2);
    bench_window_deliver(&w, 2);
    g_assert_cmpuint(w.min, ==, 1);
    bench_window_deliver(&w, 0);
    g_assert_cmpuint(w.min, ==, 1);
    bench_window_deliver(&w, 1);
    g_assert_cmpuint(w.min, ==, 2);
    bench_window_clear(&w);
}

/* MQTT packets as section 2 and 3 of MQTT 3.1.1 lay them out. */
static void test_mqtt_wire(void)
{
    g_autoptr(GBytes) connect = mqtt_wire_connect("c1", 60);
    static const guint8 want_connect[] = {0x10, 14,   0, 4,  'M', 'Q', 'T', 'T',
                                          4,    0x02, 0, 60, 0,   2,   'c', '1'};
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(connect, &len);
    g_assert_cmpmem(data, len, want_connect, sizeof(want_connect));

    /* A PUBLISH over 127 bytes needs a two-byte remaining length. */
    char payload[300];
    memset(payload, 'p', sizeof(payload));
    g_autoptr(GBytes) pub = mqtt_wire_publish("a/b", payload, sizeof(payload));
    data = g_bytes_get_data(pub, &len);
    g_assert_cmpuint(len, ==, 1 + 2 + 2 + 3 + 300);
    LcMqttPacket p;
    g_assert_cmpint(mqtt_wire_parse(data, len, &p), ==, (gssize)len);
    g_assert_cmpuint(p.type, ==, 3);
    gsize plen = 0;
    const guint8 *got = mqtt_wire_publish_payload(&p, &plen);
    g_assert_cmpmem(got, plen, payload, sizeof(payload));
    for (gsize cut = 0; cut < len; cut++) /* every prefix asks for more */
        g_assert_cmpint(mqtt_wire_parse(data, cut, &p), ==, 0);
    static const guint8 bad_length[] = {0x30, 0xff, 0xff, 0xff, 0xff, 0x01};
    g_assert_cmpint(mqtt_wire_parse(bad_length, sizeof(bad_length), &p), ==, -1);
}

/* Runs lanconf-bench chat with 5 receivers and the given messages, size and
 * stuck members, and checks that every message reached every receiver
 * through both the in-process relay and mosquitto, as the JSON report says. */
static void check_chat_run(const char *messages, const char *size, const char *stuck)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p =
        g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, LANCONF_BIN_DIR "/lanconf-bench",
                         "chat", "--clients", "5", "--messages", messages, "--size", size,
                         "--window", "20", "--stuck", stuck, "--json", NULL);
    g_assert_no_error(error);
    g_autofree char *out = NULL;
    g_assert_true(g_subprocess_communicate_utf8(p, NULL, NULL, &out, NULL, &error));
    g_assert_cmpint(g_subprocess_get_exit_status(p), ==, 0);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, out, -1, &error));
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    JsonObject *params = json_object_get_object_member(root, "params");
    g_assert_cmpint(json_object_get_int_member(params, "stuck"), ==, atoi(stuck));
    JsonObject *results = json_object_get_object_member(root, "results");
    const char *systems[] = {"lanconf-relay", "mosquitto"};
    for (guint i = 0; i < G_N_ELEMENTS(systems); i++) {
        JsonObject *r = json_object_get_object_member(results, systems[i]);
        g_assert_nonnull(r);
        g_assert_cmpint(json_object_get_int_member(r, "deliveries"), ==, 5 * atoi(messages));
        g_assert_cmpfloat(json_object_get_double_member(r, "msgs_per_s"), >, 0);
        JsonObject *lat = json_object_get_object_member(r, "latency_ms");
        g_assert_cmpfloat(json_object_get_double_member(lat, "p50"), <=,
                          json_object_get_double_member(lat, "p99"));
    }
}

/* A small real run. */
static void test_chat_run(void)
{
    check_chat_run("300", "64", "0");
}

/* Three members that never read (about 3 MB queued for each, over the
 * relay's soft limit) do not keep the others from getting every message. */
static void test_chat_stuck(void)
{
    check_chat_run("3000", "1000", "3");
}

/* A short real run of `lanconf-bench transport`: both lanconf channels move
 * every frame through the relay to the viewer, with RTTs, and iperf3 runs
 * beside them over TCP and UDP; a text run prints the ratios. */
static void test_transport_run(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p =
        g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, LANCONF_BIN_DIR "/lanconf-bench",
                         "transport", "--duration", "1", "--size", "60000", "--json", NULL);
    g_assert_no_error(error);
    g_autofree char *out = NULL;
    g_assert_true(g_subprocess_communicate_utf8(p, NULL, NULL, &out, NULL, &error));
    g_assert_cmpint(g_subprocess_get_exit_status(p), ==, 0);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, out, -1, &error));
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    g_assert_cmpint(json_object_get_int_member(root, "frame_bytes"), ==, 60000);
    JsonArray *results = json_object_get_array_member(root, "results");
    g_assert_cmpuint(json_array_get_length(results), ==, 4);
    const char *names[] = {"lanconf tcp", "lanconf udp", "iperf3 tcp", "iperf3 udp (1200 B)"};
    for (guint i = 0; i < 4; i++) {
        JsonObject *r = json_array_get_object_element(results, i);
        g_assert_cmpstr(json_object_get_string_member(r, "name"), ==, names[i]);
        g_assert_false(json_object_get_boolean_member(r, "failed"));
        g_assert_cmpfloat(json_object_get_double_member(r, "goodput_mbps"), >, 1.0);
        if (i < 2) {
            /* On loopback the viewer gets what the relay acknowledged. */
            double relay = json_object_get_double_member(r, "goodput_mbps");
            double viewer = json_object_get_double_member(r, "viewer_mbps");
            g_assert_cmpfloat(viewer, >, 0.5 * relay);
            g_assert_cmpfloat(json_object_get_double_member(r, "rtt_p50_ms"), >, 0);
            g_assert_cmpfloat(json_object_get_double_member(r, "rtt_p50_ms"), <=,
                              json_object_get_double_member(r, "rtt_p99_ms"));
        } else {
            g_assert_true(json_object_get_null_member(r, "rtt_p50_ms"));
        }
    }
}

/* `--repeat 3`: every round runs (each leaves the room with QUIT, so the
 * next may take the same nicks at once), and each row is the median round,
 * inside the range printed beside it. */
static void test_transport_repeat(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p =
        g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                         LANCONF_BIN_DIR "/lanconf-bench", "transport", "--duration", "1", "--size",
                         "60000", "--repeat", "3", "--no-anchor", "--json", NULL);
    g_assert_no_error(error);
    g_autofree char *out = NULL, *err = NULL;
    g_assert_true(g_subprocess_communicate_utf8(p, NULL, NULL, &out, &err, &error));
    g_assert_cmpint(g_subprocess_get_exit_status(p), ==, 0);
    g_assert_nonnull(strstr(err, "round 3 of 3"));
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, out, -1, &error));
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    g_assert_cmpint(json_object_get_int_member(root, "repeat"), ==, 3);
    JsonArray *results = json_object_get_array_member(root, "results");
    g_assert_cmpuint(json_array_get_length(results), ==, 2);
    for (guint i = 0; i < 2; i++) {
        JsonObject *r = json_array_get_object_element(results, i);
        g_assert_false(json_object_get_boolean_member(r, "failed"));
        double lo = json_object_get_double_member(r, "goodput_min_mbps");
        double mid = json_object_get_double_member(r, "goodput_mbps");
        double hi = json_object_get_double_member(r, "goodput_max_mbps");
        g_assert_cmpfloat(lo, >, 1.0);
        g_assert_cmpfloat(lo, <=, mid);
        g_assert_cmpfloat(mid, <=, hi);
    }
}

/* A small room of `lanconf-bench conference`, its members spread over
 * three threads (one of them with no listener): every packet of every
 * speaker acknowledged by the relay on both channels and by each of the
 * listeners, every listener playing them, mouth to ear measured. */
static void test_conference_run(void)
{
    const char *const args[] = {"conference", "--speakers", "3", "--listeners", "2", "--duration",
                                "2",          "--threads",  "3", "--json",      NULL};
    g_autoptr(JsonParser) parser = bench_run_json(args);
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    g_assert_cmpint(json_object_get_int_member(root, "speakers"), ==, 3);
    g_assert_cmpint(json_object_get_int_member(root, "threads"), ==, 3);
    JsonObject *channels = json_object_get_object_member(root, "channels");
    const char *names[] = {"tcp", "udp"};
    for (guint i = 0; i < 2; i++) {
        JsonObject *ch = json_object_get_object_member(channels, names[i]);
        gint64 sent = json_object_get_int_member(ch, "sent");
        g_assert_cmpint(sent, >=, 3 * 150); /* 2 s of 10 ms packets from each of 3 */
        g_assert_cmpint(json_object_get_int_member(ch, "relay_acks"), >=,
                        i == 0 ? sent : sent * 9 / 10);
        g_assert_cmpint(json_object_get_int_member(ch, "listener_acks"), >=, 2 * sent * 9 / 10);
        g_assert_cmpint(json_object_get_int_member(ch, "played"), >=, 2 * sent * 8 / 10);
        g_assert_cmpfloat(json_object_get_double_member(ch, "mouth_to_ear_p50_ms"), >, 0);
    }
}

/* `lanconf-bench encoders --speed --json`: every back-end listed, the CPU
 * ones run here and are measured (each picture decodes back close to the
 * source), one that does not run says why, and tjbench gives the anchor. */
static void test_encoders_run(void)
{
    const char *const args[] = {"encoders", "--speed", "--size", "320x240",
                                "--frames", "10",      "--json", NULL};
    g_autoptr(JsonParser) parser = bench_run_json(args);
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    JsonArray *list = json_object_get_array_member(root, "encoders");
    g_assert_cmpuint(json_array_get_length(list), ==, 5);
    guint measured = 0;
    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonObject *e = json_array_get_object_element(list, i);
        const char *name = json_object_get_string_member(e, "name");
        gboolean available = json_object_get_boolean_member(e, "available");
        if (g_strcmp0(name, "turbojpeg") == 0 || g_strcmp0(name, "x264") == 0)
            g_assert_true(available);
        if (!available) {
            g_assert_cmpuint(strlen(json_object_get_string_member(e, "reason")), >, 10);
            g_assert_false(json_object_has_member(e, "speed"));
            continue;
        }
        JsonObject *speed = json_object_get_object_member(e, "speed");
        g_assert_cmpstr(json_object_get_string_member(speed, "size"), ==, "320x240");
        g_assert_cmpfloat(json_object_get_double_member(speed, "fps"), >, 0);
        g_assert_cmpfloat(json_object_get_double_member(speed, "psnr_y_db"), >, 28);
        measured++;
    }
    g_assert_cmpuint(measured, >=, 2);
    JsonObject *dec = json_object_get_object_member(root, "h264_decoder");
    g_assert_true(json_object_get_boolean_member(dec, "available"));
    /* The anchor: tjbench on the same picture, and turbojpeg's rate as a
     * share of it (the same library: within a factor of three). */
    JsonObject *anchor = json_object_get_object_member(root, "anchor");
    g_assert_nonnull(anchor);
    g_assert_cmpstr(json_object_get_string_member(anchor, "tool"), ==, "tjbench");
    g_assert_false(json_object_has_member(anchor, "error"));
    g_assert_cmpfloat(json_object_get_double_member(anchor, "fps"), >, 0);
    double ratio = json_object_get_double_member(anchor, "turbojpeg_ratio");
#if defined(__SANITIZE_ADDRESS__)
    /* Instrumented, lanconf's side runs slower than tjbench, which is not:
     * the ratio says only that both ran. */
    g_assert_cmpfloat(ratio, >, 0.05);
#else
    g_assert_cmpfloat(ratio, >, 0.33);
#endif
    g_assert_cmpfloat(ratio, <, 3.0);
}

/* Runs `lanconf-bench COMMAND FLAG VALUE`: a usage error (exit 2) whose
 * message holds want. */
static void bench_expect_usage_error(const char *command, const char *flag, const char *value,
                                     const char *want)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p =
        g_subprocess_new(G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, LANCONF_BIN_DIR "/lanconf-bench",
                         command, flag, value, NULL);
    g_assert_no_error(error);
    g_autofree char *err = NULL;
    g_assert_true(g_subprocess_communicate_utf8(p, NULL, NULL, NULL, &err, &error));
    g_assert_cmpint(g_subprocess_get_exit_status(p), ==, 2);
    g_assert_nonnull(strstr(err, want));
}

/* Bad values are usage errors naming the flag. */
static void test_transport_flags(void)
{
    bench_expect_usage_error("transport", "--size", "5000000", "--size: '5000000' is out of range");
}

/* A room needs a thread for its members. */
static void test_conference_flags(void)
{
    bench_expect_usage_error("conference", "--threads", "0", "--threads: '0' is out of range");
    bench_expect_usage_error("encoders", "--frames", "0", "--frames: '0' is out of range");
    bench_expect_usage_error("encoders", "--size", "3x3", "invalid size");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/bench/chat/text", test_text);
    g_test_add_func("/bench/chat/window", test_window);
    g_test_add_func("/bench/transport/run", test_transport_run);
    g_test_add_func("/bench/transport/repeat", test_transport_repeat);
    g_test_add_func("/bench/transport/flags", test_transport_flags);
    g_test_add_func("/bench/conference/run", test_conference_run);
    g_test_add_func("/bench/conference/flags", test_conference_flags);
    g_test_add_func("/bench/encoders/run", test_encoders_run);
    g_test_add_func("/bench/chat/mqtt-wire", test_mqtt_wire);
    g_test_add_func("/bench/chat/run", test_chat_run);
    g_test_add_func("/bench/chat/stuck", test_chat_stuck);
    return g_test_run();
}
