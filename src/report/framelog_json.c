/*
 * The run summary as JSON, in the spirit of iperf3 --json:
 *   {"run": {...parameters...}, "channels": {"tcp": {...}, "udp": {...}}}
 * A sender's channels carry the transport figures, a viewer's the decode and
 * end-to-end figures. Every figure without data (no samples, an empty span)
 * is null, never 0. docs/STATS.md lists every member with its unit.
 */
#include <math.h>
#include <string.h>

#include "net/wire/clock.h"
#include "src/report/framelog_report.h"
#include "src/report/report_private.h"

/* Adds member name with an unsigned count. */
void framelog_json_add_uint(JsonBuilder *builder, const char *name, guint64 value)
{
    json_builder_set_member_name(builder, name);
    json_builder_add_int_value(builder, (gint64)MIN(value, (guint64)G_MAXINT64));
}

/* Adds member name with a positive count, or null when it is not known (<= 0). */
static void framelog_json_add_known(JsonBuilder *builder, const char *name, gint value)
{
    if (value > 0) {
        framelog_json_add_uint(builder, name, (guint64)value);
        return;
    }
    json_builder_set_member_name(builder, name);
    json_builder_add_null_value(builder);
}

/* Adds member name with a string, or null. */
void framelog_json_add_string(JsonBuilder *builder, const char *name, const char *value)
{
    json_builder_set_member_name(builder, name);
    if (value == NULL)
        json_builder_add_null_value(builder);
    else
        json_builder_add_string_value(builder, value);
}

/* Renders a JSON node as text, pretty-printed or on one line. */
char *framelog_json_to_text(JsonNode *node, gboolean pretty)
{
    g_autoptr(JsonGenerator) generator = json_generator_new();

    json_generator_set_pretty(generator, pretty);
    json_generator_set_root(generator, node);
    return json_generator_to_data(generator, NULL);
}

/* Adds member name as {"p50", "p95", "p99"} of a distribution, in its unit (ms). */
static void framelog_json_add_percentiles(JsonBuilder *builder, const char *name,
                                          const LcStatsDistSummary *dist)
{
    json_builder_set_member_name(builder, name);
    json_builder_begin_object(builder);
    stats_json_add_number(builder, "p50", dist->p50);
    stats_json_add_number(builder, "p95", dist->p95);
    stats_json_add_number(builder, "p99", dist->p99);
    json_builder_end_object(builder);
}

/* Adds "tcp_info" {retransmits, rtt_ms, cwnd, ...} from the kernel's TCP_INFO. */
static void framelog_json_add_tcp_info(JsonBuilder *builder, const LcStatsTcpInfo *info)
{
    json_builder_set_member_name(builder, "tcp_info");
    json_builder_begin_object(builder);
    framelog_json_add_uint(builder, "retransmits", info->retransmits_total);
    stats_json_add_number(builder, "rtt_ms", info->rtt_us / 1000.0);
    stats_json_add_number(builder, "rttvar_ms", info->rttvar_us / 1000.0);
    framelog_json_add_uint(builder, "cwnd", info->snd_cwnd);
    framelog_json_add_uint(builder, "mss", info->snd_mss);
    if (info->has_bytes_retrans)
        framelog_json_add_uint(builder, "bytes_retrans", info->bytes_retrans);
    json_builder_end_object(builder);
}

/* Adds a sender's frame and byte counts (the summary's and each interval's). */
void framelog_json_add_sent_counts(JsonBuilder *builder, const LcStatsCounts *c)
{
    framelog_json_add_uint(builder, "frames_sent", c->frames_sent);
    framelog_json_add_uint(builder, "frames_acked", c->frames_acked);
    framelog_json_add_uint(builder, "frames_lost", c->frames_lost);
    framelog_json_add_uint(builder, "frames_dropped", c->frames_dropped);
    framelog_json_add_uint(builder, "bytes_sent", c->bytes_sent);
    framelog_json_add_uint(builder, "bytes_acked", c->bytes_acked);
}

/* Adds a viewer's received counts (a viewer's "acked" frames are the ones that arrived whole). */
void framelog_json_add_received_counts(JsonBuilder *builder, const LcStatsCounts *c)
{
    framelog_json_add_uint(builder, "frames_received", c->frames_acked);
    framelog_json_add_uint(builder, "bytes_received", c->bytes_acked);
}

/* Adds the members of a sender's channel: the transport contract and its extras. */
static void framelog_json_add_sender_channel(JsonBuilder *builder, const LcChannelSummary *s)
{
    framelog_json_add_sent_counts(builder, &s->sent.counts);
    stats_json_add_number(builder, "goodput_mbps", s->sent.goodput_mbps);
    stats_json_add_number(builder, "fps_acked", s->sent.fps_acked);
    stats_json_add_number(builder, "loss_fraction", s->sent.loss_fraction);
    framelog_json_add_uint(builder, "keyframe_requests", s->keyframe_requests);
    stats_json_add_summary(builder, "rtt_ms", &s->rtt);
    stats_json_add_number(builder, "srtt_ms", s->srtt_ms);
    stats_json_add_number(builder, "rttvar_ms", s->rttvar_ms);
    stats_json_add_number(builder, "jitter_ms", s->jitter_ms);
    framelog_json_add_percentiles(builder, "one_way_ms", &s->one_way);
    stats_json_add_summary(builder, "transfer_mb_s", &s->transfer);
    framelog_json_add_uint(builder, "frames_viewer_acked", s->viewer_acks);
    framelog_json_add_percentiles(builder, "to_viewer_ms", &s->to_viewer);
    framelog_json_add_uint(builder, "deadline_missed", s->deadline_missed);
    if (s->has_tcp_info)
        framelog_json_add_tcp_info(builder, &s->tcp_info);
}

/* Adds the members of a viewer's channel: what arrived, what decoded, how late. */
static void framelog_json_add_viewer_channel(JsonBuilder *builder, const LcChannelSummary *s)
{
    framelog_json_add_received_counts(builder, &s->received.counts);
    stats_json_add_number(builder, "goodput_mbps", s->received.goodput_mbps);
    framelog_json_add_uint(builder, "frames_decoded", s->frames_decoded);
    framelog_json_add_uint(builder, "frames_corrupt", s->frames_corrupt);
    framelog_json_add_uint(builder, "frames_missing", s->frames_missing);
    framelog_json_add_uint(builder, "frames_unreferenced", s->frames_unreferenced);
    framelog_json_add_uint(builder, "keyframe_requests", s->keyframe_requests);
    stats_json_add_number(builder, "frozen_ms", s->frozen_ms);
    framelog_json_add_uint(builder, "bad_seal", s->bad_seal);
    if (s->recovery.count > 0)
        framelog_json_add_percentiles(builder, "recovery_ms", &s->recovery);
    stats_json_add_number(
        builder, "fps_decoded",
        s->received.duration_s > 0.0 ? (double)s->frames_decoded / s->received.duration_s : NAN);
    stats_json_add_number(builder, "stream_s", s->received.duration_s);
    framelog_json_add_percentiles(builder, "end_to_end_ms", &s->end_to_end);
    framelog_json_add_percentiles(builder, "decode_ms", &s->decode);
    framelog_json_add_uint(builder, "deadline_missed", s->deadline_missed);
}

/* Adds "channels": {name: {...}} for every enabled channel, in channel order. */
static void framelog_json_add_channels(JsonBuilder *builder, const LcFramelog *log, gint64 now_us)
{
    json_builder_set_member_name(builder, "channels");
    json_builder_begin_object(builder);
    for (guint i = 0; i < LC_CHAN_KINDS; i++) {
        if (log->channels[i] == NULL)
            continue;
        LcChannelSummary summary;
        chanstats_get_summary(log->channels[i], now_us, &summary);
        json_builder_set_member_name(builder, chan_kind_name(i));
        json_builder_begin_object(builder);
        if (log->role == FRAMELOG_ROLE_SENDER) {
            framelog_json_add_sender_channel(builder, &summary);
            framelog_json_add_uint(builder, "dropped_not_ready",
                                   log->drops[i][FRAMELOG_DROP_NOT_READY]);
            framelog_json_add_uint(builder, "dropped_closed", log->drops[i][FRAMELOG_DROP_CLOSED]);
            framelog_json_add_uint(builder, "dropped_queue", log->drops[i][FRAMELOG_DROP_QUEUE]);
            framelog_json_add_uint(builder, "dropped_wait_ack",
                                   log->drops[i][FRAMELOG_DROP_WAIT_ACK]);
        } else
            framelog_json_add_viewer_channel(builder, &summary);
        json_builder_end_object(builder);
    }
    json_builder_end_object(builder);
}

/* Adds "channels": [names] of the run's enabled channels. */
static void framelog_json_add_channel_names(JsonBuilder *builder, const LcFramelog *log)
{
    json_builder_set_member_name(builder, "channels");
    json_builder_begin_array(builder);
    for (guint i = 0; i < LC_CHAN_KINDS; i++)
        if (log->channels[i] != NULL)
            json_builder_add_string_value(builder, chan_kind_name(i));
    json_builder_end_array(builder);
}

/* Adds "run": the parameters the run was started with, and when. */
static void framelog_json_add_run(JsonBuilder *builder, const LcFramelog *log, gint64 now_us)
{
    const LcFramelogRun *run = &log->run;
    g_autofree char *size = run->width > 0 && run->height > 0
                                ? g_strdup_printf("%dx%d", run->width, run->height)
                                : NULL;
    g_autofree char *start = clock_format_rfc3339(log->start_us);
    gboolean sender = log->role == FRAMELOG_ROLE_SENDER;

    json_builder_set_member_name(builder, "run");
    json_builder_begin_object(builder);
    framelog_json_add_string(builder, "role", sender ? "sender" : "viewer");
    framelog_json_add_string(builder, "media", run->audio ? "audio" : "video");
    framelog_json_add_string(builder, "source", run->source);
    framelog_json_add_string(builder, "size", size);
    framelog_json_add_known(builder, "width", run->width);
    framelog_json_add_known(builder, "height", run->height);
    framelog_json_add_known(builder, "fps", run->fps);
    framelog_json_add_known(builder, "quality", run->quality);
    framelog_json_add_string(builder, "codec", run->codec);
    framelog_json_add_string(builder, "encoder", run->encoder);
    framelog_json_add_known(builder, "bitrate", run->bitrate);
    framelog_json_add_known(builder, "gop", run->gop);
    framelog_json_add_string(builder, "mode", run->mode);
    framelog_json_add_channel_names(builder, log);
    framelog_json_add_string(builder, "ack_mode", run->ack_mode);
    stats_json_add_number(builder, "duration_s", run->duration_s);
    stats_json_add_number(builder, "deadline_ms", (double)run->deadline_us / 1000.0);
    framelog_json_add_string(builder, "start", start);
    stats_json_add_number(builder, "elapsed_s", (double)(now_us - log->start_us) / 1e6);
    if (sender) {
        stats_json_add_number(builder, "fps_captured", framelog_get_captured_fps(log));
        stats_json_add_number(builder, "encode_p50_ms",
                              stats_dist_percentile(log->encode_ms, 50.0));
    }
    stats_json_add_number(builder, sender ? "relay_clock_offset_ms" : "sender_clock_offset_ms",
                          (double)(sender ? log->relay_offset_us : log->sender_offset_us) / 1000.0);
    json_builder_end_object(builder);
}

/* The run summary at now_us as a JSON object. */
JsonNode *framelog_get_summary_json(const LcFramelog *log, gint64 now_us)
{
    g_return_val_if_fail(log != NULL, NULL);

    g_autoptr(JsonBuilder) builder = json_builder_new();
    json_builder_begin_object(builder);
    framelog_json_add_run(builder, log, now_us);
    framelog_json_add_channels(builder, log, now_us);
    {
        g_autoptr(GPtrArray) lines = framelog_get_shortfalls(log);
        json_builder_set_member_name(builder, "shortfalls");
        json_builder_begin_array(builder);
        for (guint i = 0; i < lines->len; i++)
            json_builder_add_string_value(builder, lines->pdata[i]);
        json_builder_end_array(builder);
    }
    json_builder_end_object(builder);
    return json_builder_get_root(builder);
}

/* The run summary as pretty-printed JSON text with a trailing newline. */
char *framelog_format_summary(const LcFramelog *log, gint64 now_us)
{
    g_autoptr(JsonNode) root = framelog_get_summary_json(log, now_us);
    g_autofree char *text = framelog_json_to_text(root, TRUE);
    return g_strconcat(text, "\n", NULL);
}

/* Writes text to path, replacing the file atomically. */
gboolean framelog_write_text(const char *path, const char *text, gsize length, GError **error)
{
    if (!g_file_set_contents(path, text, (gssize)length, error)) {
        g_prefix_error(error, "cannot write %s: ", path);
        return FALSE;
    }
    return TRUE;
}

/* Writes the summary JSON at now_us to path. */
gboolean framelog_write_summary(const LcFramelog *log, gint64 now_us, const char *path,
                                GError **error)
{
    g_return_val_if_fail(log != NULL && path != NULL, FALSE);

    g_autofree char *text = framelog_format_summary(log, now_us);
    return framelog_write_text(path, text, strlen(text), error);
}
