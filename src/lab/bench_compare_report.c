/* bench_compare_report.c: what `lanconf-bench compare` prints and writes. */
#include "src/lab/bench_compare_report.h"

#include "src/run/chanstats.h"
#include "net/wire/chan_kind.h"
#include "src/report/audio_report.h"
#include "src/report/framelog_report.h"

#include "media/encoder.h"
#include "media/encoder_list.h"

#include <math.h>
#include <stdio.h>

/* Prints what is about to run. */
void bench_compare_report_header(const LcBenchCompareConfig *c, const char *impair_spec,
                                 const char *impair_method, const char *host, guint16 port)
{
    const LcCameraOptions *cam = &c->camera;
    if (c->media & LC_COMPARE_VIDEO) {
        LcCodec codec = LC_CODEC_JPEG; /* checked when the flags were read */
        encoder_list_check(cam->codec, cam->encoder, &codec, NULL);
        g_autofree char *coding =
            codec == LC_CODEC_H264
                ? g_strdup_printf("H.264 at %d kbit/s, a keyframe every %d frames",
                                  cam->bitrate > 0 ? cam->bitrate : ENCODER_DEFAULT_BITRATE,
                                  cam->gop > 0 ? cam->gop : ENCODER_DEFAULT_GOP)
                : g_strdup_printf("JPEG quality %d", cam->quality);
        fprintf(stderr,
                "lanconf-bench compare: %s %dx%d @ %d fps, %s, %.0f s, both channels, %s ACKs\n",
                cam->source ? cam->source : "test", cam->width, cam->height, cam->fps, coding,
                c->duration_s, stream_sender_ack_mode_name(c->ack_mode));
    }
    if (c->media & LC_COMPARE_AUDIO)
        fprintf(stderr,
                "lanconf-bench compare: audio %s, Opus %u ms packets at %u bit/s (%s), %.0f s, "
                "both channels, heard on udp\n",
                c->audio.source ? c->audio.source : "test",
                c->audio.frame_ms ? c->audio.frame_ms : AUDIO_DEFAULT_FRAME_MS,
                c->audio.bitrate ? c->audio.bitrate : AUDIO_DEFAULT_BITRATE,
                c->audio.mode == AUDIO_MODE_LOWDELAY ? "lowdelay" : "voice", c->duration_s);
    fprintf(stderr, "security: %s\n",
            c->insecure ? "plaintext (--security plain): the baseline, readable by anyone on "
                          "the path"
                        : "TLS on TCP, sealed datagrams (AES-256-GCM) on UDP");
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

/* What the listener heard of the talker: its channels as a viewer's
 * (end_to_end_ms is mouth to ear) and each channel's jitter buffer. */
static JsonNode *report_heard_json(const LcAudioListenSpeaker *heard, gint64 now, guint frame_ms)
{
    JsonNode *node = framelog_get_summary_json(heard->log, now);
    JsonObject *obj = json_node_get_object(node);
    json_object_remove_member(obj, "run");
    json_object_set_string_member(obj, "heard_channel", chan_kind_name(heard->play));
    JsonObject *jitter = json_object_new();
    for (guint c = 0; c < LC_CHAN_KINDS; c++)
        if (heard->jitter[c] != NULL)
            json_object_set_member(jitter, chan_kind_name(c),
                                   audio_report_jitter_json(heard->jitter[c], frame_ms));
    json_object_set_object_member(obj, "jitter", jitter);
    return node;
}

/* Lip sync per channel: the sound's mouth to ear minus the picture's
 * capture to decoded, medians, ms (null where either is unknown). */
static JsonObject *report_lip_sync(const LcCompareLogs *logs, gint64 now)
{
    JsonObject *lip = json_object_new();
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++) {
        LcChannelSummary sound, picture;
        if (!report_channel(logs->heard->log, ch, now, &sound) ||
            !report_channel(logs->viewer, ch, now, &picture))
            continue;
        double skew = sound.end_to_end.p50 - picture.end_to_end.p50;
        if (isnan(skew))
            json_object_set_null_member(lip, chan_kind_name(ch));
        else
            json_object_set_double_member(lip, chan_kind_name(ch), skew);
    }
    return lip;
}

/* Adds why a log's run fell short to all. */
static void report_shortfalls(GPtrArray *all, LcFramelog *log)
{
    if (log == NULL)
        return;
    g_autoptr(GPtrArray) more = framelog_get_shortfalls(log);
    g_ptr_array_extend_and_steal(all, g_steal_pointer(&more));
}

/* The run's summary.json. */
JsonNode *bench_compare_report_summary(const LcCompareLogs *logs, gint64 now,
                                       const char *impair_spec, const char *impair_method)
{
    JsonNode *root = logs->sender ? framelog_get_summary_json(logs->sender, now)
                                  : json_node_init_object(json_node_alloc(), json_object_new());
    JsonObject *obj = json_node_get_object(root);
    if (logs->talk != NULL) {
        JsonNode *audio = framelog_get_summary_json(logs->talk, now);
        if (logs->heard != NULL)
            json_object_set_member(json_node_get_object(audio), "heard",
                                   report_heard_json(logs->heard, now, logs->audio_frame_ms));
        if (logs->heard != NULL && logs->viewer != NULL)
            json_object_set_object_member(json_node_get_object(audio), "lip_sync_ms",
                                          report_lip_sync(logs, now));
        json_object_set_member(obj, "audio", audio);
    }
    if (logs->viewer != NULL) {
        g_autoptr(JsonNode) v = framelog_get_summary_json(logs->viewer, now);
        JsonObject *vo = json_node_get_object(v);
        json_object_set_member(obj, "viewer",
                               json_node_copy(json_object_get_member(vo, "channels")));
    }
    /* Every shortfall the table lists: the sender's, the viewer's, the voice's. */
    g_autoptr(GPtrArray) shortfalls = g_ptr_array_new_with_free_func(g_free);
    report_shortfalls(shortfalls, logs->sender);
    report_shortfalls(shortfalls, logs->viewer);
    report_shortfalls(shortfalls, logs->talk);
    JsonArray *lines = json_array_new();
    for (guint i = 0; i < shortfalls->len; i++)
        json_array_add_string_element(lines, shortfalls->pdata[i]);
    json_object_set_array_member(obj, "shortfalls", lines);
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

/* Prints the heading of a table: the channels. */
static void report_heading(const char *title)
{
    printf("\n%-34s", title);
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++)
        printf(" %18s", chan_kind_name((LcChanKind)ch));
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
    report_heading("");
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
        val[ch] = has_v[ch] ? g_strdup_printf("%" G_GUINT64_FORMAT, v[ch].frames_missing) : NULL;
    report_row("viewer: frames missing (never whole)", val);
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++)
        val[ch] = has_v[ch] ? report_pair(v[ch].end_to_end.p50, v[ch].end_to_end.p99, 2) : NULL;
    report_row("viewer: capture->decoded p50/p99 ms", val);
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++)
        val[ch] = has_v[ch] ? g_strdup_printf("%" G_GUINT64_FORMAT, v[ch].deadline_missed) : NULL;
    report_row("viewer: missed 200 ms deadline", val);
    /* H.264's references: only where a channel lost one. */
    if ((has_v[0] && (v[0].frames_unreferenced || v[0].keyframe_requests)) ||
        (has_v[1] && (v[1].frames_unreferenced || v[1].keyframe_requests))) {
        for (guint ch = 0; ch < LC_CHAN_KINDS; ch++)
            val[ch] = has_v[ch]
                          ? g_strdup_printf("%" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT,
                                            v[ch].frames_unreferenced, v[ch].keyframe_requests)
                          : NULL;
        report_row("viewer: unreferenced / key asks", val);
        for (guint ch = 0; ch < LC_CHAN_KINDS; ch++)
            val[ch] = has_v[ch] ? g_strdup_printf("%.0f", v[ch].frozen_ms) : NULL;
        report_row("viewer: frozen ms (gaps > 100 ms)", val);
        for (guint ch = 0; ch < LC_CHAN_KINDS; ch++)
            val[ch] = has_v[ch] && v[ch].recovery.count > 0
                          ? report_pair(v[ch].recovery.p50, v[ch].recovery.p95, 0)
                          : NULL;
        report_row("viewer: picture back p50/p95 ms", val);
    }
}

/* Prints the audio table: the talker's packets and round trips, and what
 * the listener's jitter buffer made of each channel (mouth to ear, late,
 * concealed, rebuilt from FEC). */
static void report_audio_table(const LcCompareLogs *logs, gint64 end_us)
{
    LcChannelSummary s[LC_CHAN_KINDS] = {0}, v[LC_CHAN_KINDS] = {0};
    LcAudioJitterStats j[LC_CHAN_KINDS] = {0};
    gboolean has_s[LC_CHAN_KINDS], has_v[LC_CHAN_KINDS];
    char *val[LC_CHAN_KINDS] = {NULL};
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++) {
        has_s[ch] = report_channel(logs->talk, ch, end_us, &s[ch]);
        has_v[ch] = logs->heard != NULL && logs->heard->jitter[ch] != NULL &&
                    report_channel(logs->heard->log, ch, end_us, &v[ch]);
        if (has_v[ch])
            audio_jitter_get_stats(logs->heard->jitter[ch], &j[ch]);
    }
    report_heading(logs->sender ? "audio" : "");
#define AROW(label, has, expr)                                                                     \
    do {                                                                                           \
        for (guint ch = 0; ch < LC_CHAN_KINDS; ch++)                                               \
            val[ch] = has[ch] ? (expr) : NULL;                                                     \
        report_row(label, val);                                                                    \
    } while (0)
    AROW("packets sent / acked", has_s,
         g_strdup_printf("%" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT,
                         s[ch].sent.counts.frames_sent, s[ch].sent.counts.frames_acked));
    AROW("packets lost / dropped", has_s,
         g_strdup_printf("%" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT,
                         s[ch].sent.counts.frames_lost, s[ch].sent.counts.frames_dropped));
    AROW("RTT p50 / p99 ms", has_s, report_pair(s[ch].rtt.p50, s[ch].rtt.p99, 2));
    AROW("TCP retransmits", has_s,
         s[ch].has_tcp_info ? g_strdup_printf("%u", s[ch].tcp_info.retransmits_total) : NULL);
    AROW("listener: packets played", has_v, g_strdup_printf("%" G_GUINT64_FORMAT, j[ch].played));
    AROW("listener: mouth-to-ear p50/p95 ms", has_v,
         report_pair(v[ch].end_to_end.p50, v[ch].end_to_end.p95, 1));
    AROW("listener: mouth-to-ear p99 ms", has_v, report_num(v[ch].end_to_end.p99, 1));
    AROW("listener: missing / late", has_v,
         g_strdup_printf("%" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT, j[ch].missing, j[ch].late));
    AROW("listener: rebuilt by FEC", has_v,
         g_strdup_printf("%" G_GUINT64_FORMAT, j[ch].fec_recovered));
    AROW("listener: concealed", has_v, g_strdup_printf("%" G_GUINT64_FORMAT, j[ch].concealed));
    AROW("listener: longest gap ms", has_v,
         g_strdup_printf("%u", j[ch].max_gap_frames * MAX(logs->audio_frame_ms, 1)));
    AROW("listener: jitter buffer depth ms", has_v,
         report_pair(j[ch].depth_ms, j[ch].target_ms, 1));
    /* Lip sync: how much later the sound is heard than the picture shows,
     * for the same capture time (medians; negative: the sound is early). */
    LcChannelSummary pic[LC_CHAN_KINDS] = {0};
    gboolean has_lip[LC_CHAN_KINDS];
    for (guint ch = 0; ch < LC_CHAN_KINDS; ch++)
        has_lip[ch] = has_v[ch] && report_channel(logs->viewer, ch, end_us, &pic[ch]);
    if (logs->viewer != NULL)
        AROW("lip sync: sound - picture p50 ms", has_lip,
             report_num(v[ch].end_to_end.p50 - pic[ch].end_to_end.p50, 1));
#undef AROW
}

/* Prints the table and where the files are, or the summary JSON. */
void bench_compare_report_print(const LcCompareLogs *logs, gint64 end_us, const char *dir,
                                gboolean json)
{
    if (json) {
        g_autofree char *path = g_build_filename(dir, "summary.json", NULL);
        g_autofree char *text = NULL;
        if (g_file_get_contents(path, &text, NULL, NULL))
            printf("%s\n", text);
        return;
    }
    if (logs->sender != NULL)
        report_table(logs->sender, logs->viewer, end_us);
    if (logs->talk != NULL)
        report_audio_table(logs, end_us);
    g_autoptr(GPtrArray) shortfalls = g_ptr_array_new_with_free_func(g_free);
    report_shortfalls(shortfalls, logs->sender);
    report_shortfalls(shortfalls, logs->viewer);
    report_shortfalls(shortfalls, logs->talk);
    if (shortfalls->len > 0)
        printf("\nshort of what was asked:\n");
    for (guint i = 0; i < shortfalls->len; i++)
        printf("  - %s\n", (const char *)shortfalls->pdata[i]);
    printf("\nfiles in %s/:\n", dir);
    if (logs->sender != NULL)
        printf("  frames.csv        one row per frame per channel (docs/STATS.md)\n"
               "  intervals.ndjson  one object per channel per second\n"
               "  latency.png, latency_cdf.png, end_to_end.png, transfer.png, rate.png  (gnuplot "
               "scripts beside them)\n");
    if (logs->talk != NULL)
        printf("  audio/            the same for the audio packets (end_to_end.png: mouth to ear), "
               "and heard.wav: what the listener heard\n");
    printf("  summary.json      the figures above, and the run's parameters\n");
}
