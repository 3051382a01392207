/* lanconf-bench: lanconf's measurement programs. `compare` sends the same
 * camera frames over TCP and UDP at once and measures both; `chat` measures
 * chat fan-out through the relay against mosquitto as the anchor; `files`
 * one file to many receivers by the relay, directly and as a swarm. */
#include "core/alloc_tune.h"
#include "core/option_number.h"
#include "src/lab/bench_chat.h"
#include "src/lab/bench_compare.h"
#include "src/lab/bench_conference.h"
#include "src/lab/bench_encoders.h"
#include "src/lab/bench_files.h"
#include "src/lab/bench_transport.h"
#include "net/stats/stats_json.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

/* Prints one row of the chat table. */
static void bench_print_row(const LcBenchChatResult *r)
{
    LcStatsDistSummary s;
    stats_dist_get_summary(r->latency_ms, &s);
    printf("%-14s %10" G_GUINT64_FORMAT " %12.0f %8.2f %8.2f %8.2f %8.2f %8.2f\n", r->system,
           r->deliveries, r->msgs_per_s, s.min, s.p50, s.p95, s.p99, s.max);
}

/* Adds one system's results to the JSON report. */
static void bench_add_json(JsonBuilder *b, const LcBenchChatResult *r)
{
    LcStatsDistSummary s;
    stats_dist_get_summary(r->latency_ms, &s);
    json_builder_set_member_name(b, r->system);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "deliveries");
    json_builder_add_int_value(b, (gint64)r->deliveries);
    stats_json_add_number(b, "elapsed_s", r->elapsed_s);
    stats_json_add_number(b, "msgs_per_s", r->msgs_per_s);
    stats_json_add_summary(b, "latency_ms", &s);
    json_builder_end_object(b);
}

/* Prints the whole report as one JSON document. */
static void bench_print_json(const LcBenchChatConfig *c, const LcBenchChatResult *results, guint n)
{
    JsonObject *params = json_object_new();
    json_object_set_int_member(params, "clients", c->clients);
    json_object_set_int_member(params, "messages", c->messages);
    json_object_set_int_member(params, "size", c->size);
    json_object_set_int_member(params, "window", c->window);
    json_object_set_int_member(params, "stuck", c->stuck);
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "params");
    json_builder_add_value(b, json_node_init_object(json_node_alloc(), params));
    json_object_unref(params);
    json_builder_set_member_name(b, "results");
    json_builder_begin_object(b);
    for (guint i = 0; i < n; i++)
        bench_add_json(b, &results[i]);
    json_builder_end_object(b);
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    g_autofree char *text = json_to_string(root, TRUE);
    printf("%s\n", text);
}

/* `lanconf-bench chat`. */
static int bench_chat_main(int argc, char **argv)
{
    gint clients = 100, messages = 20000, size = 100, window = 200, timeout = 120, stuck = 0;
    g_autofree char *relay = NULL;
    gboolean json = FALSE, no_anchor = FALSE, insecure = FALSE;
    LcOptionNumber numbers[] = {
        OPTION_WHOLE("clients", 'c', 1, 100000, &clients, "Receiving clients (default 100)", "N"),
        OPTION_WHOLE("messages", 'm', 1, 100000000, &messages, "Messages sent (default 20000)",
                     "M"),
        OPTION_WHOLE("size", 's', 1, 4096, &size, "Bytes per message, 1..4096 (default 100)", "B"),
        OPTION_WHOLE("window", 'w', 1, 1000000, &window,
                     "Messages in flight at most: sent and not yet at every receiver (default "
                     "200)",
                     "W"),
        OPTION_WHOLE("stuck", 0, 0, 1000, &stuck,
                     "Also N members that join and never read: the others' rate and latency "
                     "show whether a slow consumer disturbs them, 0..1000 (default 0)",
                     "N"),
        OPTION_WHOLE("timeout", 't', 1, 86400, &timeout,
                     "Give up after S seconds per run (default 120)", "S"),
        OPTION_NUMBER_END};
    GOptionEntry entries[] = {
        {"relay", 'r', 0, G_OPTION_ARG_STRING, &relay,
         "Use a running relay (start it with --rate-limit 0) instead of one in-process",
         "HOST:PORT"},
        {"no-anchor", 0, 0, G_OPTION_ARG_NONE, &no_anchor, "Skip the mosquitto run", NULL},
        {"insecure", 0, 0, G_OPTION_ARG_NONE, &insecure,
         "lanconf's members speak plaintext, as mosquitto's MQTT here (default: TLS, as every "
         "client; --relay: one run with --insecure)",
         NULL},
        {"json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print the results as JSON", NULL},
        G_OPTION_ENTRY_NULL};
    g_autoptr(GOptionContext) ctx = g_option_context_new("- chat fan-out throughput and latency");
    g_option_context_set_summary(
        ctx, "One sender streams M messages to N receivers through lanconf's relay, then the "
             "same through mosquitto (MQTT QoS 0) on this machine, and prints delivered "
             "messages per second and the delivery latency distribution of each.");
    g_option_context_set_main_group(ctx, option_number_group_new(numbers, NULL, NULL, NULL));
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc > 1) {
        fprintf(stderr, "lanconf-bench chat: %s\nTry 'lanconf-bench chat --help'.\n",
                error ? error->message : "unexpected argument");
        return 2;
    }
    LcBenchChatConfig c = {.clients = (guint)clients,
                           .messages = (guint)messages,
                           .size = (guint)size,
                           .window = (guint)window,
                           .relay = relay,
                           .timeout_s = (guint)timeout,
                           .stuck = (guint)stuck,
                           .insecure = insecure};
    LcBenchChatResult results[2] = {0};
    guint n = 0;
    if (!json)
        printf("lanconf-bench chat: %d receivers, %d messages of %d bytes, window %d, "
               "%d stuck; lanconf %s, mosquitto plaintext\n\n"
               "%-14s %10s %12s %8s %8s %8s %8s %8s\n",
               clients, messages, size, window, stuck, insecure ? "plaintext" : "over TLS",
               "system", "delivered", "msgs/s", "lat min", "p50", "p95", "p99", "max ms");
    int status = 0;
    for (guint i = 0; i < (no_anchor ? 1u : 2u); i++) {
        gboolean ok = i == 0 ? bench_chat_run_lanconf(&c, &results[n], &error)
                             : bench_chat_run_mqtt(&c, &results[n], &error);
        if (!ok) {
            fprintf(stderr, "lanconf-bench chat: %s\n", error->message);
            g_clear_error(&error);
            bench_chat_result_clear(&results[n]);
            status = 1;
            continue;
        }
        if (!json)
            bench_print_row(&results[n]);
        n++;
    }
    if (json)
        bench_print_json(&c, results, n);
    for (guint i = 0; i < n; i++)
        bench_chat_result_clear(&results[i]);
    return status;
}

/* Prints the subcommands. */
static void bench_usage(FILE *out)
{
    fprintf(out, "Usage: lanconf-bench COMMAND [OPTION...]\n\n"
                 "Commands:\n"
                 "  compare   the same camera frames over TCP and UDP at once, side by side\n"
                 "  chat      chat fan-out throughput and latency, lanconf vs mosquitto\n"
                 "  transport the camera channels at full speed, lanconf vs iperf3\n"
                 "  conference many speakers to many listeners, every one hearing every one\n"
                 "  encoders  the encoder back-ends: which run here, why not the others, how fast\n"
                 "  files     one file to N receivers: relay, direct and swarm, against iperf3\n\n"
                 "'lanconf-bench COMMAND --help' describes each command's options.\n");
}

int main(int argc, char **argv)
{
    alloc_tune_for_frames();
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        bench_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    /* Usage lines and messages name the whole command: "lanconf-bench chat". */
    if (argv[1][0] != '-') {
        g_autofree char *name = g_strdup_printf("lanconf-bench %s", argv[1]);
        g_set_prgname(name);
    }
    if (strcmp(argv[1], "chat") == 0)
        return bench_chat_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "compare") == 0)
        return bench_compare_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "transport") == 0)
        return bench_transport_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "conference") == 0)
        return bench_conference_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "encoders") == 0)
        return bench_encoders_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "files") == 0)
        return bench_files_main(argc - 1, argv + 1);
    fprintf(stderr, "lanconf-bench: unknown command '%s'\n", argv[1]);
    bench_usage(stderr);
    return 2;
}
