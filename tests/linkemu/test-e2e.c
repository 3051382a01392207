/* End-to-end tests of the emulated link with real traffic: ping for delay, iperf3 for loss and
 * rate.
 *
 * Each test gets fresh namespaces and a link in its fixture; the fixture's
 * teardown stops the link, kills the iperf3 server and deletes the
 * namespaces. Assertions are non-fatal so that the teardown runs after a
 * failed one too; a run that crashes is cleaned up by the stale-namespace
 * reaper of the next run. Needs root, /dev/net/tun, ping and iperf3.
 */
#include "linkemu-test-util.h"
#include "net/linkemu/linkemu.h"
#include "net/linkemu/netns.h"
#include "net/linkemu/netns_pair.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

/* iperf3's port inside namespace B; the namespace is private, so any fixed port is free. */
#define E2E_IPERF_PORT "5201"
/* How long the iperf3 clients send, in seconds. */
#define E2E_IPERF_SECONDS "3"
/* How long to wait for the iperf3 server to listen. */
#define E2E_LISTEN_TIMEOUT_US (3 * G_USEC_PER_SEC)

/* Why the tests cannot run here, or NULL when they can. */
static gchar *e2e_skip_reason;

/* The namespaces, link and server of one test. */
typedef struct {
    LcNetnsPair *pair;
    LcLinkEmu *emu;
    GSubprocess *server;
} E2eFixture;

/* Creates fresh namespaces joined by a link impaired as the spec text in data. */
static void e2e_setup(E2eFixture *fx, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    LcLinkSpec spec;
    LcLinkEmuConfig config;

    if (e2e_skip_reason != NULL) {
        g_test_skip(e2e_skip_reason);
        return;
    }
    g_assert_true(linkemu_spec_parse(data, &spec, &error));
    fx->pair = netns_pair_new(NULL, NULL, &error);
    g_assert_no_error(error);
    if (fx->pair == NULL)
        return;
    linkemu_config_init(&config);
    fx->emu = linkemu_start(&spec, netns_pair_get_a(fx->pair), netns_pair_get_b(fx->pair), &config,
                            &error);
    g_assert_no_error(error);
    if (fx->emu != NULL)
        g_test_message("%s over %s", (const char *)data,
                       linkemu_method_to_string(linkemu_get_method(fx->emu)));
}

/* Kills the server, stops the link and deletes the namespaces, whatever the test did. */
static void e2e_teardown(E2eFixture *fx, gconstpointer data)
{
    if (fx->server != NULL) {
        g_subprocess_force_exit(fx->server);
        g_subprocess_wait(fx->server, NULL, NULL);
        g_clear_object(&fx->server);
    }
    g_clear_pointer(&fx->emu, linkemu_stop);
    g_clear_pointer(&fx->pair, netns_pair_free);
}

/* Runs argv in namespace A and returns its stdout, or NULL after a failed assertion. */
static gchar *e2e_run_in_a(E2eFixture *fx, const char *const *argv)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *out = NULL;

    gboolean ran = netns_run(netns_pair_get_a(fx->pair), argv, &out, &error);
    g_assert_no_error(error);
    g_assert_true(ran);
    return g_steal_pointer(&out);
}

/* Returns the average RTT in ms from ping's summary line, or -1 if it has none. */
static double e2e_parse_ping_avg(const char *out)
{
    const char *summary = strstr(out, "min/avg/max");
    if (summary == NULL)
        return -1;
    const char *values = strstr(summary, "= ");
    const char *slash = values != NULL ? strchr(values, '/') : NULL;
    return slash != NULL ? g_ascii_strtod(slash + 1, NULL) : -1;
}

/* Starts a one-off iperf3 server in namespace B and waits until it listens. */
static gboolean e2e_start_server(E2eFixture *fx)
{
    g_autoptr(GError) error = NULL;
    const char *ns_b = netns_pair_get_b(fx->pair);
    const char *const server[] = {"iperf3", "-s", "-1", "-p", E2E_IPERF_PORT, NULL};
    const char *const listening[] = {"ss", "-Hltn", "sport", "=", ":" E2E_IPERF_PORT, NULL};
    gint64 deadline = g_get_monotonic_time() + E2E_LISTEN_TIMEOUT_US;

    fx->server = netns_spawn(ns_b, server, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
    g_assert_no_error(error);
    while (fx->server != NULL && g_get_monotonic_time() < deadline) {
        g_autofree gchar *out = NULL;
        if (netns_run(ns_b, listening, &out, NULL) && out != NULL && *out != '\0')
            return TRUE;
        g_usleep(20000);
    }
    g_test_fail_printf("iperf3 -s in %s did not listen within 3 s", ns_b);
    return FALSE;
}

/* Runs an iperf3 client in namespace A with extra arguments; returns its parsed JSON, or NULL. */
static JsonParser *e2e_run_iperf(E2eFixture *fx, const char *const *extra)
{
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    g_autoptr(GError) error = NULL;

    if (!e2e_start_server(fx))
        return NULL;
    g_strv_builder_add_many(builder, "iperf3", "-c", LINKEMU_ADDR_B, "-p", E2E_IPERF_PORT, "-t",
                            E2E_IPERF_SECONDS, "--json", NULL);
    g_strv_builder_addv(builder, (const char **)extra);
    g_auto(GStrv) argv = g_strv_builder_end(builder);
    g_autofree gchar *out = e2e_run_in_a(fx, (const char *const *)argv);
    if (out == NULL)
        return NULL;
    JsonParser *parser = json_parser_new();
    json_parser_load_from_data(parser, out, -1, &error);
    g_assert_no_error(error);
    return parser;
}

/* Returns end.SECTION.MEMBER of iperf3's JSON as a double, or -1 when absent. */
static double e2e_iperf_value(JsonParser *parser, const char *section, const char *member)
{
    JsonNode *root = json_parser_get_root(parser);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
        return -1;
    JsonObject *end = json_object_get_object_member(json_node_get_object(root), "end");
    if (end == NULL || !json_object_has_member(end, section))
        return -1;
    JsonObject *sum = json_object_get_object_member(end, section);
    return json_object_get_double_member_with_default(sum, member, -1);
}

/* With delay=20ms each way, ping sees a round trip of about 40 ms. */
static void test_e2e_ping_delay(E2eFixture *fx, gconstpointer data)
{
    const char *const ping[] = {"ping", "-c", "5", "-i", "0.2", "-W", "2", LINKEMU_ADDR_B, NULL};
    LcLinkCounters counters;

    if (fx->emu == NULL)
        return;
    g_autofree gchar *out = e2e_run_in_a(fx, ping);
    if (out == NULL)
        return;
    double avg = e2e_parse_ping_avg(out);
    g_test_message("ping RTT avg %.3f ms with delay=20ms", avg);
    g_assert_cmpfloat(avg, >=, 38.0);
    g_assert_cmpfloat(avg, <=, 60.0);
    g_assert_true(linkemu_get_counters(fx->emu, LINKEMU_DIR_A_TO_B, &counters, NULL));
    g_assert_cmpuint(counters.packets_out, >=, 5);
}

/* With loss=10% each way, UDP data from A to B loses about 10%. */
static void test_e2e_udp_loss(E2eFixture *fx, gconstpointer data)
{
    const char *const udp[] = {"-u", "-b", "5M", NULL};

    if (fx->emu == NULL)
        return;
    g_autoptr(JsonParser) parser = e2e_run_iperf(fx, udp);
    if (parser == NULL)
        return;
    double lost = e2e_iperf_value(parser, "sum", "lost_percent");
    g_test_message("iperf3 UDP lost_percent %.2f%% with loss=10%%", lost);
    g_assert_cmpfloat(lost, >=, 5.0);
    g_assert_cmpfloat(lost, <=, 16.0);
}

/* With rate=20mbit, TCP gets about 20 Mbit/s. */
static void test_e2e_tcp_rate(E2eFixture *fx, gconstpointer data)
{
    const char *const tcp[] = {NULL};

    if (fx->emu == NULL)
        return;
    g_autoptr(JsonParser) parser = e2e_run_iperf(fx, tcp);
    if (parser == NULL)
        return;
    double mbit = e2e_iperf_value(parser, "sum_received", "bits_per_second") / 1e6;
    g_test_message("iperf3 TCP %.2f Mbit/s with rate=20mbit", mbit);
    g_assert_cmpfloat(mbit, >=, 14.0);
    g_assert_cmpfloat(mbit, <=, 21.0);
}

/* Registers the tests and runs them. */
int main(int argc, char **argv)
{
    static const char *const tools[] = {"ip", "ss", "ping", "iperf3", NULL};

    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();
    if (!linkemu_test_can_run(tools, &e2e_skip_reason))
        g_test_message("skipping: %s", e2e_skip_reason);
    else
        netns_pair_reap_stale();
    g_test_add("/linkemu/e2e/ping-delay", E2eFixture, "delay=20ms", e2e_setup, test_e2e_ping_delay,
               e2e_teardown);
    g_test_add("/linkemu/e2e/udp-loss", E2eFixture, "loss=10%", e2e_setup, test_e2e_udp_loss,
               e2e_teardown);
    g_test_add("/linkemu/e2e/tcp-rate", E2eFixture, "rate=20mbit", e2e_setup, test_e2e_tcp_rate,
               e2e_teardown);
    int status = g_test_run();
    return status == 0 && e2e_skip_reason != NULL ? LINKEMU_TEST_SKIPPED : status;
}
