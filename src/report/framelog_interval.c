/*
 * Interval reports: one per channel per closed interval, as a text line for
 * people and as an NDJSON object for programs (one object per line, in the
 * manner of iperf3 --json-stream). Both are made from the same
 * LcChannelInterval, so they always agree.
 */
#include <math.h>
#include <string.h>

#include "src/report/framelog_report.h"
#include "src/report/report_private.h"

/* Formats value with printf format, or "-" when it is not a number. */
static char *framelog_format_figure(const char *format, double value)
{
    if (!isfinite(value))
        return g_strdup("-");
    return g_strdup_printf(format, value);
}

/*
 * One text line per interval, no newline: rates, latency p50/p99 and counts.
 * A sender: "tcp: 30 fps 2.1 Mbit/s rtt p50/p99 1.2/3.4 ms xfer p50 9.8 MB/s
 * lost 0 dropped 0"; a viewer: "tcp: 30 fps 2.1 Mbit/s e2e p50/p99
 * 40.1/52.3 ms received 30 decoded 30".
 */
char *framelog_format_interval_text(const LcFramelog *log, const LcChannelInterval *iv)
{
    g_return_val_if_fail(log != NULL && iv != NULL, NULL);

    gboolean sender = log->role == FRAMELOG_ROLE_SENDER;
    g_autofree char *fps =
        framelog_format_figure("%.0f", sender ? iv->sent.fps_acked : iv->fps_decoded);
    double goodput = sender ? iv->sent.goodput_mbps : iv->received.goodput_mbps;
    /* Audio: packets, and a rate in kbit/s (a voice is tens of them). */
    const char *rate_unit = log->run.audio ? "pkt/s" : "fps";
    const char *bit_unit = log->run.audio ? "kbit/s" : "Mbit/s";
    g_autofree char *mbps = framelog_format_figure(log->run.audio ? "%.0f" : "%.1f",
                                                   log->run.audio ? goodput * 1000 : goodput);
    g_autofree char *p50 =
        framelog_format_figure("%.1f", sender ? iv->rtt_p50_ms : iv->end_to_end_p50_ms);
    g_autofree char *p99 =
        framelog_format_figure("%.1f", sender ? iv->rtt_p99_ms : iv->end_to_end_p99_ms);
    if (sender) {
        /* Audio has no transfer rate: one of a 40-byte packet says nothing. */
        g_autofree char *rate = framelog_format_figure("%.1f", iv->transfer_p50_mb_s);
        g_autofree char *xfer =
            log->run.audio ? g_strdup("") : g_strdup_printf(" xfer p50 %s MB/s", rate);
        return g_strdup_printf("%s: %s %s %s %s rtt p50/p99 %s/%s ms%s lost %" G_GUINT64_FORMAT
                               " dropped %" G_GUINT64_FORMAT,
                               chan_kind_name(iv->channel), fps, rate_unit, mbps, bit_unit, p50,
                               p99, xfer, iv->sent.counts.frames_lost,
                               iv->sent.counts.frames_dropped);
    }
    return g_strdup_printf("%s: %s %s %s %s e2e p50/p99 %s/%s ms received %" G_GUINT64_FORMAT
                           " decoded %" G_GUINT64_FORMAT,
                           chan_kind_name(iv->channel), fps, rate_unit, mbps, bit_unit, p50, p99,
                           iv->received.counts.frames_acked, iv->frames_decoded);
}

/* Adds a sender interval's members. */
static void framelog_add_sender_members(JsonBuilder *builder, const LcChannelInterval *iv)
{
    framelog_json_add_sent_counts(builder, &iv->sent.counts);
    stats_json_add_number(builder, "fps_acked", iv->sent.fps_acked);
    stats_json_add_number(builder, "goodput_mbps", iv->sent.goodput_mbps);
    stats_json_add_number(builder, "rtt_p50_ms", iv->rtt_p50_ms);
    stats_json_add_number(builder, "rtt_p99_ms", iv->rtt_p99_ms);
    stats_json_add_number(builder, "transfer_p50_mb_s", iv->transfer_p50_mb_s);
}

/* Adds a viewer interval's members. */
static void framelog_add_viewer_members(JsonBuilder *builder, const LcChannelInterval *iv)
{
    framelog_json_add_received_counts(builder, &iv->received.counts);
    framelog_json_add_uint(builder, "frames_decoded", iv->frames_decoded);
    stats_json_add_number(builder, "fps_decoded", iv->fps_decoded);
    stats_json_add_number(builder, "goodput_mbps", iv->received.goodput_mbps);
    stats_json_add_number(builder, "end_to_end_p50_ms", iv->end_to_end_p50_ms);
    stats_json_add_number(builder, "end_to_end_p99_ms", iv->end_to_end_p99_ms);
}

/* One NDJSON object per interval, no newline; start and end in seconds since the run began. */
char *framelog_format_interval_json(const LcFramelog *log, const LcChannelInterval *interval)
{
    g_return_val_if_fail(log != NULL && interval != NULL, NULL);

    const LcStatsRateReport *span = &interval->sent;
    g_autoptr(JsonBuilder) builder = json_builder_new();

    json_builder_begin_object(builder);
    framelog_json_add_string(builder, "event", "interval");
    framelog_json_add_string(builder, "role",
                             log->role == FRAMELOG_ROLE_SENDER ? "sender" : "viewer");
    framelog_json_add_string(builder, "channel", chan_kind_name(interval->channel));
    stats_json_add_number(builder, "start", (double)(span->start_us - log->start_us) / 1e6);
    stats_json_add_number(builder, "end", (double)(span->end_us - log->start_us) / 1e6);
    stats_json_add_number(builder, "seconds", span->duration_s);
    if (log->role == FRAMELOG_ROLE_SENDER)
        framelog_add_sender_members(builder, interval);
    else
        framelog_add_viewer_members(builder, interval);
    json_builder_end_object(builder);

    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    return framelog_json_to_text(root, FALSE);
}

/* Writes intervals.ndjson: one line per channel per closed interval, in order. */
gboolean framelog_write_intervals(const LcFramelog *log, const char *path, GError **error)
{
    g_return_val_if_fail(log != NULL && path != NULL, FALSE);

    g_autoptr(GString) text = g_string_new(NULL);
    for (guint i = 0; i < log->intervals->len; i++) {
        const LcChannelInterval *iv = &g_array_index(log->intervals, LcChannelInterval, i);
        g_autofree char *line = framelog_format_interval_json(log, iv);
        g_string_append(text, line);
        g_string_append_c(text, '\n');
    }
    return framelog_write_text(path, text->str, text->len, error);
}
