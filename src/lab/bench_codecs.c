/* bench_codecs.c: `lanconf-bench compare --codec jpeg,h264` and
 * `--security both`: the transport A/B once per variant (each codec, or TLS
 * with sealed datagrams and plaintext), on the same pictures (the synthetic
 * source renders the same scene from its seed), one after the other so that
 * neither shares the link with the other; then the four columns side by
 * side, read back from each run's summary.json (with the process's CPU
 * time per frame while it streamed). */
#include "src/lab/bench_codecs.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>

/* One variant's run: its summary. */
typedef struct {
    const char *label; /* "jpeg", "h264"; "tls", "plain" */
    LcCodec codec;
    gboolean insecure;
    JsonParser *parser;
    JsonObject *root;
} CodecRun;

/* A number at a path of members under obj ("a.b.c"); NAN if absent or null. */
static double codecs_number(JsonObject *obj, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, ".", -1);
    for (guint i = 0; parts[i] != NULL && obj != NULL; i++) {
        if (!json_object_has_member(obj, parts[i]))
            return NAN;
        JsonNode *node = json_object_get_member(obj, parts[i]);
        if (parts[i + 1] == NULL)
            return JSON_NODE_HOLDS_VALUE(node) ? json_node_get_double(node) : NAN;
        obj = JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
    }
    return NAN;
}

/* The sender's or the viewer's object of a channel in a summary. */
static JsonObject *codecs_channel(const CodecRun *run, gboolean viewer, const char *channel)
{
    const char *side = viewer ? "viewer" : "channels";
    if (run->root == NULL || !json_object_has_member(run->root, side))
        return NULL;
    JsonObject *obj = json_object_get_object_member(run->root, side);
    return obj != NULL && json_object_has_member(obj, channel)
               ? json_object_get_object_member(obj, channel)
               : NULL;
}

/* Formats a number, or "-". */
static void codecs_cell(GString *line, double value, const char *format)
{
    g_autofree char *text = isnan(value) ? g_strdup("-") : g_strdup_printf(format, value);
    g_string_append_printf(line, " %12s", text);
}

/* Prints one row over the four columns: a number from the sender's or the
 * viewer's channel object; with only, "-" in the columns of other codecs
 * (a figure only that codec has). */
static void codecs_row_of(const CodecRun *runs, guint n, const char *label, gboolean viewer,
                          const char *path, const char *format, gint only)
{
    static const char *const channels[] = {"tcp", "udp"};
    g_autoptr(GString) line = g_string_new(NULL);
    g_string_append_printf(line, "%-34s", label);
    for (guint r = 0; r < n; r++)
        for (guint c = 0; c < G_N_ELEMENTS(channels); c++)
            codecs_cell(line,
                        only < 0 || runs[r].codec == (LcCodec)only
                            ? codecs_number(codecs_channel(&runs[r], viewer, channels[c]), path)
                            : NAN,
                        format);
    printf("%s\n", line->str);
}

/* codecs_row_of() for a figure every codec has. */
static void codecs_row(const CodecRun *runs, guint n, const char *label, gboolean viewer,
                       const char *path, const char *format)
{
    codecs_row_of(runs, n, label, viewer, path, format, -1);
}

/* Prints one row of a figure the run has once (both channels share it). */
static void codecs_run_row(const CodecRun *runs, guint n, const char *label, const char *path,
                           const char *format)
{
    g_autoptr(GString) line = g_string_new(NULL);
    g_string_append_printf(line, "%-34s", label);
    for (guint r = 0; r < n; r++) {
        double value = codecs_number(runs[r].root, path);
        codecs_cell(line, value, format);
        codecs_cell(line, value, format);
    }
    printf("%s\n", line->str);
}

/* The side-by-side table of every codec's run. */
static void codecs_print_table(const CodecRun *runs, guint n, const char *dir)
{
    g_autoptr(GString) head = g_string_new(NULL);
    g_string_append_printf(head, "%-34s", "");
    for (guint r = 0; r < n; r++)
        for (guint c = 0; c < 2; c++) {
            g_autofree char *name = g_strdup_printf("%s/%s", runs[r].label, c == 0 ? "tcp" : "udp");
            g_string_append_printf(head, " %12s", name);
        }
    printf("\n%s\n\n%s\n",
           g_str_equal(runs[0].label, "tls")
               ? "what encryption costs: TLS and sealed datagrams against plaintext (each run "
                 "alone, same pictures):"
               : "the codecs side by side (each run alone on the link, same pictures):",
           head->str);
    g_autoptr(GString) enc = g_string_new(NULL);
    g_string_append_printf(enc, "%-34s", "encoder");
    for (guint r = 0; r < n; r++) {
        JsonObject *run = runs[r].root && json_object_has_member(runs[r].root, "run")
                              ? json_object_get_object_member(runs[r].root, "run")
                              : NULL;
        const char *name =
            run ? json_object_get_string_member_with_default(run, "encoder", "-") : "-";
        g_string_append_printf(enc, " %12s %12s", name, name);
    }
    printf("%s\n", enc->str);
    codecs_run_row(runs, n, "encode ms per frame (p50)", "run.encode_p50_ms", "%.2f");
    codecs_run_row(runs, n, "process CPU ms per frame", "process_cpu_ms_per_frame", "%.2f");
    codecs_row(runs, n, "goodput Mbit/s", FALSE, "goodput_mbps", "%.2f");
    codecs_row(runs, n, "frames sent", FALSE, "frames_sent", "%.0f");
    codecs_row(runs, n, "frames lost", FALSE, "frames_lost", "%.0f");
    codecs_row(runs, n, "RTT to the relay p50 ms", FALSE, "rtt_ms.p50", "%.2f");
    codecs_row(runs, n, "sender to viewer p50 ms", FALSE, "to_viewer_ms.p50", "%.2f");
    codecs_row(runs, n, "sender to viewer p99 ms", FALSE, "to_viewer_ms.p99", "%.2f");
    codecs_row(runs, n, "viewer: frames decoded", TRUE, "frames_decoded", "%.0f");
    codecs_row(runs, n, "viewer: frames missing", TRUE, "frames_missing", "%.0f");
    codecs_row_of(runs, n, "viewer: lost a reference (H.264)", TRUE, "frames_unreferenced", "%.0f",
                  LC_CODEC_H264);
    codecs_row_of(runs, n, "viewer: keyframes asked for", TRUE, "keyframe_requests", "%.0f",
                  LC_CODEC_H264);
    codecs_row(runs, n, "viewer: frozen ms (gaps > 100 ms)", TRUE, "frozen_ms", "%.0f");
    codecs_row(runs, n, "viewer: picture back after p50 ms", TRUE, "recovery_ms.p50", "%.0f");
    codecs_row(runs, n, "viewer: picture back after p95 ms", TRUE, "recovery_ms.p95", "%.0f");
    codecs_row(runs, n, "viewer: capture->decoded p50 ms", TRUE, "end_to_end_ms.p50", "%.1f");
    codecs_row(runs, n, "viewer: capture->decoded p99 ms", TRUE, "end_to_end_ms.p99", "%.1f");
    codecs_row(runs, n, "viewer: missed 200 ms deadline", TRUE, "deadline_missed", "%.0f");
    printf("\nin %s/: frames.csv (every run's rows, its name first) and summary.json (every "
           "run's summary); each run's own files and plots in %s/<%s>/\n",
           dir, dir, g_str_equal(runs[0].label, "tls") ? "tls|plain" : "codec");
}

/* Every run's summary as one JSON text: {"codecs": {"jpeg": ..., ...}} or
 * {"security": {"tls": ..., "plain": ...}}. */
static char *codecs_json(const CodecRun *runs, guint n)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, g_str_equal(runs[0].label, "tls") ? "security" : "codecs");
    json_builder_begin_object(b);
    for (guint r = 0; r < n; r++) {
        json_builder_set_member_name(b, runs[r].label);
        if (runs[r].parser != NULL)
            json_builder_add_value(b, json_node_copy(json_parser_get_root(runs[r].parser)));
        else
            json_builder_add_null_value(b);
    }
    json_builder_end_object(b);
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    return json_to_string(root, TRUE);
}

/*
 * Writes DIR/frames.csv (every codec's rows, the codec first in each) and
 * DIR/summary.json (every codec's summary), so that one file holds the
 * whole A/B.
 */
static gboolean codecs_write_files(const CodecRun *runs, guint n, const char *dir, GError **error)
{
    g_autoptr(GString) csv = g_string_new(NULL);
    for (guint r = 0; r < n; r++) {
        const char *codec = runs[r].label;
        g_autofree char *path = g_build_filename(dir, codec, "frames.csv", NULL);
        g_autofree char *text = NULL;
        if (!g_file_get_contents(path, &text, NULL, NULL))
            continue; /* that run failed: said already */
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        for (guint i = 0; lines[i] != NULL; i++) {
            if (lines[i][0] == '\0' || (i == 0 && csv->len > 0))
                continue;
            g_string_append_printf(
                csv, "%s,%s\n",
                i == 0 ? (g_str_equal(runs[0].label, "tls") ? "security" : "codec") : codec,
                lines[i]);
        }
    }
    g_autofree char *csv_path = g_build_filename(dir, "frames.csv", NULL);
    g_autofree char *json_path = g_build_filename(dir, "summary.json", NULL);
    g_autofree char *json = codecs_json(runs, n);
    return g_file_set_contents(csv_path, csv->str, (gssize)csv->len, error) &&
           g_file_set_contents(json_path, json, -1, error);
}

/* The runs to make: one per codec, or TLS then plaintext. */
static guint codecs_variants(const LcBenchCompareConfig *config, CodecRun *runs)
{
    if (config->security_both) {
        runs[0] = (CodecRun){.label = "tls", .codec = config->camera.codec};
        runs[1] = (CodecRun){.label = "plain", .codec = config->camera.codec, .insecure = TRUE};
        return 2;
    }
    for (guint r = 0; r < config->camera.n_codecs; r++)
        runs[r] = (CodecRun){.label = frame_codec_to_string(config->camera.codecs[r]),
                             .codec = config->camera.codecs[r],
                             .insecure = config->insecure};
    return config->camera.n_codecs;
}

/* Runs the comparison once per variant, then prints them side by side. */
int bench_codecs_run(const LcBenchCompareConfig *config)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = bench_compare_make_out_dir(config->out, "compare", &error);
    if (dir == NULL) {
        fprintf(stderr, "lanconf-bench compare: %s\n", error->message);
        return 1;
    }
    CodecRun runs[MAX(CAMERA_MAX_CODECS, 2)] = {0};
    guint n = codecs_variants(config, runs);
    int status = 0;
    for (guint r = 0; r < n; r++) {
        LcBenchCompareConfig one = *config;
        one.camera.codec = runs[r].codec;
        one.camera.n_codecs = 1;
        one.camera.codecs[0] = one.camera.codec;
        one.insecure = runs[r].insecure;
        one.security_both = FALSE;
        /* Each run takes the flags of its own codec only. */
        if (one.camera.codec == LC_CODEC_JPEG)
            one.camera.bitrate = one.camera.gop = 0;
        else
            one.camera.quality_set = FALSE;
        g_autofree char *sub = g_build_filename(dir, runs[r].label, NULL);
        one.out = sub;
        one.no_report = config->json;
        if (!config->json) {
            printf("\n== %s (%u of %u) ==\n", runs[r].label, r + 1, n);
            fflush(stdout); /* before the run's progress lines on stderr */
        }
        if (bench_compare_run(&one) != 0) {
            status = 1;
            continue;
        }
        g_autofree char *path = g_build_filename(sub, "summary.json", NULL);
        runs[r].parser = json_parser_new();
        if (!json_parser_load_from_file(runs[r].parser, path, &error)) {
            fprintf(stderr, "lanconf-bench compare: %s\n", error->message);
            g_clear_error(&error);
            g_clear_object(&runs[r].parser);
            status = 1;
            continue;
        }
        runs[r].root = json_node_get_object(json_parser_get_root(runs[r].parser));
    }
    if (!codecs_write_files(runs, n, dir, &error)) {
        fprintf(stderr, "lanconf-bench compare: %s\n", error->message);
        g_clear_error(&error);
        status = 1;
    }
    if (config->json) {
        g_autofree char *json = codecs_json(runs, n);
        printf("%s\n", json);
    } else {
        codecs_print_table(runs, n, dir);
    }
    for (guint r = 0; r < n; r++)
        g_clear_object(&runs[r].parser);
    return status;
}
