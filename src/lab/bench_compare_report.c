/* bench_compare_report.c: what `lanconf-bench compare` prints and writes. */
#include "src/lab/bench_compare_report.h"

#include "src/run/chanstats.h"
#include "net/wire/chan_kind.h"
#include "src/report/framelog_report.h"

#include <math.h>
#include <stdio.h>

/* Prints what is about to run. */
void bench_compare_report_header(const LcBenchCompareConfig *c, const char *impair_spec,
                                 const char *impair_method, const char *host, guint16 port)
{
    const LcCameraOptions *cam = &c->camera;
    fprintf(stderr,
            "lanconf-bench compare: %s %dx%d @ %d fps, JPEG quality %d, %.0f s, both channels, "
            "%s ACKs\n",
            cam->source ? cam->source : "test", cam->width, cam->height, cam->fps, cam->quality,
            c->duration_s, stream_sender_ack_mode_name(c->ack_mode));
    if (impair_spec != NULL)
        fprintf(stderr, "link: %s in both directions (%s), relay at %s:%u\n", impair_spec,
                impair_method, host, port);
    else
        fprintf(stderr, "link: %s (relay at %s:%u)\n",
                c->relay ? "the network to the relay" : "loopback", host, port);
}

/* The summary of one channel of a log, up to end_us. */
static gboolean report_channel(LcFramelog *log, guint ch, gint64 end_us, LcChannelSummary *out)
{
    if (log == NULL || !framelog_has_channel(log, (LcChanKind)ch))
        return FALSE;
    chanstats_get_summary(framelog_get_channel_stats(log, (LcChanKind)ch), end_us, out);
    return TRUE;
}

/* The run's summary.json. */
JsonNode *bench_compare_report_summary(LcFramelog *sender, LcFramelog *viewer, gint64 now,
                                       const char *impair_spec, const char *impair_method)
{
    JsonNode *root = framelog_get_summary_json(sender, now);
    JsonObject *obj = json_node_get_object(root);
    if (viewer != NULL) {
        g_autoptr(JsonNode) v = framelog_get_summary_json(viewer, now);
        JsonObject *vo = json_node_get_object(v);
        json_object_set_member(obj, "viewer",
                               json_node_copy(json_object_get_member(vo, "channels")));
    }
    JsonObject *link = json_object_new();
    json_object_set_string_member(link, "spec", impair_spec ? impair_spec : "none");
    json_object_set_string_member(link, "method", impair_method ? impair_method : "loopback");
    json_object_set_object_member(obj, "impairment", link);
    return root;
}

/* Formats a number for the table ("-" when unknown). */
static char *report_num(double v, int decimals)
{
    if (isnan(v))
        return g_strdup("-");
    return g_strdup_printf("%.*f", decimals, v);
}

/* Formats "a / b" for two numbers. */
static char *report_pair(double a, double b, int decimals)
{
    g_autofree char *x = report_num(a, decimals);
    g_autofree char *y = report_num(b, decimals);
    return g_strdup_printf("%s / %s", x, y);
}

/* Prints one row with one value per channel. */
static void report_row(const char *label, char *values[LC_CHAN_KINDS])
{
    printf("%-34s", label);
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++) {
        printf(" %18s", values[ch] ? values[ch] : "-");
        g_free(values[ch]);
        values[ch] = NULL;
    }
    printf("\n");
}

/* Prints the side-by-side table. */
static void report_table(LcFramelog *sender, LcFramelog *viewer, gint64 end_us)
{
    LcChannelSummary s[LC_CHAN_KINDS] = {0}, v[LC_CHAN_KINDS] = {0};
    gboolean has_s[LC_CHAN_KINDS], has_v[LC_CHAN_KINDS];
    char *val[LC_CHAN_KINDS] = {NULL};
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++) {
        has_s[ch] = report_channel(sender, ch, end_us, &s[ch]);
        has_v[ch] = report_channel(viewer, ch, end_us, &v[ch]);
    }
    printf("\n%-34s", "");
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++)
        printf(" %18s", chan_kind_name((LcChanKind)ch));
    printf("\n");
#define ROW(label, expr)                                                                           \
    do {                                                                                           \
        for (guint ch = 0; ch < LC_CHAN_KINDS; ch++)                                               \
            val[ch] = has_s[ch] ? (expr) : NULL;                                                   \
        report_row(label, val);                                                                    \
    } while (0)
    ROW("frames sent / acked",
        g_strdup_printf("%" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT, s[ch].sent.counts.frames_sent,
                        s[ch].sent.counts.frames_acked));
    ROW("frames lost / dropped",
        g_strdup_printf("%" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT, s[ch].sent.counts.frames_lost,
                        s[ch].sent.counts.frames_dropped));
    ROW("fps (acked)", report_num(s[ch].sent.fps_acked, 1));
    ROW("goodput Mbit/s", report_num(s[ch].sent.goodput_mbps, 2));
    ROW("RTT min / max ms", report_pair(s[ch].rtt.min, s[ch].rtt.max, 2));
    ROW("RTT p50 / p95 ms", report_pair(s[ch].rtt.p50, s[ch].rtt.p95, 2));
    ROW("RTT p99 ms", report_num(s[ch].rtt.p99, 2));
    ROW("jitter ms (RFC 3550)", report_num(s[ch].jitter_ms, 3));
    ROW("one-way p50 / p99 ms", report_pair(s[ch].one_way.p50, s[ch].one_way.p99, 2));
    ROW("transfer MB/s p50 / min", report_pair(s[ch].transfer.p50, s[ch].transfer.min, 1));
    ROW("TCP retransmits",
        s[ch].has_tcp_info ? g_strdup_printf("%u", s[ch].tcp_info.retransmits_total) : NULL);
    ROW("missed 200 ms deadline (sender)",
        g_strdup_printf("%" G_GUINT64_FORMAT, s[ch].deadline_missed));
#undef ROW
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++)
        val[ch] = has_v[ch] ? g_strdup_printf("%" G_GUINT64_FORMAT, v[ch].frames_decoded) : NULL;
    report_row("viewer: frames decoded", val);
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++)
        val[ch] = has_v[ch] ? report_pair(v[ch].end_to_end.p50, v[ch].end_to_end.p99, 2) : NULL;
    report_row("viewer: capture->decoded p50/p99 ms", val);
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++)
        val[ch] = has_v[ch] ? g_strdup_printf("%" G_GUINT64_FORMAT, v[ch].deadline_missed) : NULL;
    report_row("viewer: missed 200 ms deadline", val);
}

/* Prints the table and where the files are, or the summary JSON. */
void bench_compare_report_print(LcFramelog *sender, LcFramelog *viewer, gint64 end_us,
                                const char *dir, gboolean json)
{
    if (json) {
        g_autofree char *path = g_build_filename(dir, "summary.json", NULL);
        g_autofree char *text = NULL;
        if (g_file_get_contents(path, &text, NULL, NULL))
            printf("%s\n", text);
        return;
    }
    report_table(sender, viewer, end_us);
    g_autoptr(GPtrArray) shortfalls = framelog_get_shortfalls(sender);
    g_autoptr(GPtrArray) viewer_shortfalls = framelog_get_shortfalls(viewer);
    g_ptr_array_extend_and_steal(shortfalls, g_steal_pointer(&viewer_shortfalls));
    if (shortfalls->len > 0)
        printf("\nshort of what was asked:\n");
    for (guint i = 0; i < shortfalls->len; i++)
        printf("  - %s\n", (const char *)shortfalls->pdata[i]);
    printf("\nfiles in %s/:\n"
           "  frames.csv        one row per frame per channel (docs/STATS.md)\n"
           "  intervals.ndjson  one object per channel per second\n"
           "  summary.json      the figures above, and the run's parameters\n"
           "  latency.png, latency_cdf.png, end_to_end.png, transfer.png, rate.png  (gnuplot "
           "scripts beside them)\n",
           dir);
}
