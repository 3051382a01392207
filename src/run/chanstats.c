/*
 * Per-channel aggregation. Each event updates the run-long estimators and the
 * open interval's; closing an interval reports and clears only the latter.
 * Distributions are kept in milliseconds, the unit of every latency report.
 */
#include "src/run/chanstats.h"

#include <math.h>

#include "net/stats/stats_jitter.h"
#include "net/stats/stats_rtt.h"

struct LcChannelStats {
    LcChanKind channel;
    gint64 start_us;

    /* Sender. */
    LcStatsRate rate;
    LcStatsDist *rtt;
    LcStatsRtt srtt;
    LcStatsJitter jitter;
    guint64 jitter_samples;
    LcStatsDist *one_way;
    guint64 viewer_acks;
    LcStatsDist *to_viewer;

    /* Viewer. */
    LcStatsRate recv_rate;
    guint64 frames_decoded;
    guint64 frames_corrupt;
    guint64 frames_unreferenced;
    gint64 frozen_us;
    guint64 bad_seal;
    gboolean has_seq;
    guint64 min_seq; /* lowest and highest sequence number received */
    guint64 max_seq;
    guint64 received;     /* frames received whole */
    gint64 first_recv_us; /* the first and the latest arrival, local clock */
    gint64 last_recv_us;
    LcStatsDist *end_to_end;
    LcStatsDist *decode;
    LcStatsDist *recovery; /* H.264: reference lost to the next picture */

    /* Both: KEYFRAME_REQUESTs sent (viewer) or received (sender). */
    guint64 keyframe_requests;
    LcStatsDeadline deadline;
    gboolean has_tcp_info;
    LcStatsTcpInfo tcp_info;

    /* The open interval. */
    LcStatsDist *interval_rtt;
    LcStatsDist *transfer;
    LcStatsDist *interval_transfer;
    LcStatsDist *interval_end_to_end;
    guint64 interval_decoded;
};

/* A new aggregator for channel, starting at start_us. */
LcChannelStats *chanstats_new(LcChanKind channel, gint64 start_us, gint64 deadline_us)
{
    g_return_val_if_fail(channel < LC_CHAN_KINDS, NULL);
    g_return_val_if_fail(deadline_us > 0, NULL);

    LcChannelStats *stats = g_new0(LcChannelStats, 1);
    stats->channel = channel;
    stats->start_us = start_us;
    stats_rate_init(&stats->rate, start_us);
    stats_rate_init(&stats->recv_rate, start_us);
    stats_rtt_init(&stats->srtt, NULL);
    stats_jitter_init(&stats->jitter);
    stats_deadline_init(&stats->deadline, deadline_us);
    stats->rtt = stats_dist_new();
    stats->one_way = stats_dist_new();
    stats->to_viewer = stats_dist_new();
    stats->end_to_end = stats_dist_new();
    stats->decode = stats_dist_new();
    stats->recovery = stats_dist_new();
    stats->interval_rtt = stats_dist_new();
    stats->transfer = stats_dist_new();
    stats->interval_transfer = stats_dist_new();
    stats->interval_end_to_end = stats_dist_new();
    return stats;
}

/* Frees stats. NULL is ignored. */
void chanstats_free(LcChannelStats *stats)
{
    if (stats == NULL)
        return;
    stats_dist_free(stats->rtt);
    stats_dist_free(stats->one_way);
    stats_dist_free(stats->to_viewer);
    stats_dist_free(stats->end_to_end);
    stats_dist_free(stats->decode);
    stats_dist_free(stats->recovery);
    stats_dist_free(stats->interval_rtt);
    stats_dist_free(stats->transfer);
    stats_dist_free(stats->interval_transfer);
    stats_dist_free(stats->interval_end_to_end);
    g_free(stats);
}

/* Counts a frame handed to the channel. */
void chanstats_add_sent(LcChannelStats *stats, const LcFrameRecord *record)
{
    g_return_if_fail(stats != NULL && record != NULL);
    stats_rate_add_sent(&stats->rate, record->bytes);
}

/* Counts a frame dropped before sending; no viewer will show it. */
void chanstats_add_dropped(LcChannelStats *stats, const LcFrameRecord *record)
{
    g_return_if_fail(stats != NULL && record != NULL);
    stats_rate_add_dropped(&stats->rate);
    stats_deadline_add_missing(&stats->deadline);
}

/* Counts a frame declared lost; no viewer will show it. */
void chanstats_add_lost(LcChannelStats *stats, const LcFrameRecord *record)
{
    g_return_if_fail(stats != NULL && record != NULL);
    stats_rate_add_lost(&stats->rate);
    stats_deadline_add_missing(&stats->deadline);
}

/* Feeds one RTT sample (us) to the distribution and to the RFC 6298 estimator. */
static void chanstats_add_rtt(LcChannelStats *stats, gint64 rtt_us)
{
    g_autoptr(GError) error = NULL;

    /* A negative RTT means the local clock stepped back; it is no measurement. */
    if (!stats_rtt_update(&stats->srtt, rtt_us, &error)) {
        g_debug("%s: %s", chan_kind_name(stats->channel), error->message);
        return;
    }
    stats_dist_add_us(stats->rtt, rtt_us);
    stats_dist_add_us(stats->interval_rtt, rtt_us);
}

/*
 * Counts a relay ACK. Jitter follows RFC 3550 section 6.4.1 with the send
 * time as the "timestamp" and the relay's first-byte time as the arrival:
 * the two clocks differ, but a constant offset cancels out of D(i-1,i).
 */
void chanstats_add_relay_ack(LcChannelStats *stats, const LcFrameRecord *record)
{
    g_return_if_fail(stats != NULL && record != NULL);

    stats_rate_add_acked(&stats->rate, record->bytes);
    if (frame_record_time_is_set(record->send_us) && frame_record_time_is_set(record->ack_us))
        chanstats_add_rtt(stats, record->ack_us - record->send_us);
    if (frame_record_time_is_set(record->send_us) &&
        frame_record_time_is_set(record->relay_first_us)) {
        stats_jitter_update(&stats->jitter, record->send_us, record->relay_first_us);
        stats->jitter_samples++;
    }
    if (isfinite(record->one_way_ms))
        stats_dist_add(stats->one_way, record->one_way_ms);
    if (isfinite(record->transfer_mb_s)) {
        stats_dist_add(stats->transfer, record->transfer_mb_s);
        stats_dist_add(stats->interval_transfer, record->transfer_mb_s);
    }
}

/* Counts one viewer's ACK and judges that viewer's copy against the playout deadline. */
void chanstats_add_viewer_ack(LcChannelStats *stats, const LcFrameRecord *record,
                              gint64 to_viewer_us)
{
    g_return_if_fail(stats != NULL && record != NULL);

    stats->viewer_acks++;
    if (!frame_record_time_is_set(to_viewer_us))
        return;
    stats_dist_add_us(stats->to_viewer, to_viewer_us);
    stats_deadline_add_latency(&stats->deadline, to_viewer_us);
}

/* Counts a frame that arrived whole at a viewer and widens the span of seen numbers. */
void chanstats_add_received(LcChannelStats *stats, const LcFrameRecord *record)
{
    g_return_if_fail(stats != NULL && record != NULL);

    stats_rate_add_acked(&stats->recv_rate, record->bytes);
    if (frame_record_time_is_set(record->viewer_recv_us)) {
        if (stats->received == 0 || record->viewer_recv_us < stats->first_recv_us)
            stats->first_recv_us = record->viewer_recv_us;
        if (stats->received == 0 || record->viewer_recv_us > stats->last_recv_us)
            stats->last_recv_us = record->viewer_recv_us;
        stats->received++;
    }
    if (!stats->has_seq || record->seq < stats->min_seq)
        stats->min_seq = record->seq;
    if (!stats->has_seq || record->seq > stats->max_seq)
        stats->max_seq = record->seq;
    stats->has_seq = TRUE;
}

/* Counts a decoded frame, its end-to-end delay and its decode time. */
void chanstats_add_decoded(LcChannelStats *stats, const LcFrameRecord *record,
                           gint64 decode_time_us)
{
    g_return_if_fail(stats != NULL && record != NULL);

    stats->frames_decoded++;
    stats->interval_decoded++;
    if (decode_time_us >= 0)
        stats_dist_add_us(stats->decode, decode_time_us);
    if (!isfinite(record->end_to_end_ms))
        return;
    stats_dist_add(stats->end_to_end, record->end_to_end_ms);
    stats_dist_add(stats->interval_end_to_end, record->end_to_end_ms);
    stats_deadline_add_latency(&stats->deadline, (gint64)llround(record->end_to_end_ms * 1000.0));
}

/* Counts a frame that arrived but could not be decoded. */
void chanstats_add_corrupt(LcChannelStats *stats, const LcFrameRecord *record)
{
    g_return_if_fail(stats != NULL && record != NULL);
    stats->frames_corrupt++;
}

/* H.264: a keyframe was asked for (viewer) or a viewer asked (sender). */
void chanstats_add_keyframe_request(LcChannelStats *stats)
{
    stats->keyframe_requests++;
}

/* Viewer, H.264: a frame not decoded because a reference was lost. */
void chanstats_add_unreferenced(LcChannelStats *stats)
{
    stats->frames_unreferenced++;
}

/* Viewer, H.264: a picture came us after the channel lost a reference. */
void chanstats_add_recovery(LcChannelStats *stats, gint64 us)
{
    stats_dist_add_us(stats->recovery, us);
}

/* Viewer: the channel showed no new picture for us (a freeze). */
void chanstats_add_frozen(LcChannelStats *stats, gint64 us)
{
    stats->frozen_us += us;
}

/* Viewer: datagrams the channel dropped for their seal, so far. */
void chanstats_set_bad_seal(LcChannelStats *stats, guint64 count)
{
    stats->bad_seal = count;
}

/* Attaches the kernel's view of the channel's TCP connection. */
void chanstats_set_tcp_info(LcChannelStats *stats, const LcStatsTcpInfo *info)
{
    g_return_if_fail(stats != NULL && info != NULL);
    stats->tcp_info = *info;
    stats->has_tcp_info = TRUE;
}

/* Count per second over a report's span, or NAN for an empty span. */
static double chanstats_per_second(guint64 count, const LcStatsRateReport *span)
{
    if (span->duration_s <= 0.0)
        return NAN;
    return (double)count / span->duration_s;
}

/* Reports the interval ending at now_us and starts the next one. */
void chanstats_close_interval(LcChannelStats *stats, gint64 now_us, LcChannelInterval *out)
{
    g_return_if_fail(stats != NULL && out != NULL);

    *out = (LcChannelInterval){.channel = stats->channel};
    stats_rate_close_interval(&stats->rate, now_us, &out->sent);
    stats_rate_close_interval(&stats->recv_rate, now_us, &out->received);
    out->frames_decoded = stats->interval_decoded;
    out->fps_decoded = chanstats_per_second(stats->interval_decoded, &out->received);
    out->rtt_p50_ms = stats_dist_percentile(stats->interval_rtt, 50.0);
    out->rtt_p99_ms = stats_dist_percentile(stats->interval_rtt, 99.0);
    out->transfer_p50_mb_s = stats_dist_percentile(stats->interval_transfer, 50.0);
    out->end_to_end_p50_ms = stats_dist_percentile(stats->interval_end_to_end, 50.0);
    out->end_to_end_p99_ms = stats_dist_percentile(stats->interval_end_to_end, 99.0);

    stats_dist_clear(stats->interval_rtt);
    stats_dist_clear(stats->interval_transfer);
    stats_dist_clear(stats->interval_end_to_end);
    stats->interval_decoded = 0;
}

/* Frames a viewer never received within the span of sequence numbers it saw. */
static guint64 chanstats_count_missing(const LcChannelStats *stats)
{
    if (!stats->has_seq)
        return 0;
    guint64 span = stats->max_seq - stats->min_seq + 1;
    guint64 received = stats->recv_rate.total.frames_acked;
    return span > received ? span - received : 0;
}

/*
 * The playout deadline as the summary reports it. At a viewer, every frame
 * in the span that was not decoded (never received, lost, corrupt, or
 * skipped by a decoder that fell behind) is missing, once: the UDP losses
 * it was told of are among them; at the sender, lost and dropped frames
 * were counted as they happened.
 */
static void chanstats_fill_deadline(const LcChannelStats *stats, LcChannelSummary *out)
{
    out->deadline = stats->deadline;
    if (stats->has_seq) {
        guint64 span = stats->max_seq - stats->min_seq + 1;
        out->deadline.missing = span > stats->frames_decoded ? span - stats->frames_decoded : 0;
    }
    out->deadline_missed = stats_deadline_get_missed(&out->deadline);
}

/*
 * A viewer's totals over the time the stream flowed, not the whole run: a
 * viewer that waited for the stream to start, or stayed after it ended,
 * would otherwise report a rate the stream never had. The span runs from
 * the first arrival to one mean frame gap after the latest, so that n
 * frames cover n gaps, and never past now_us.
 */
static void chanstats_get_received(const LcChannelStats *stats, gint64 now_us,
                                   LcStatsRateReport *out)
{
    if (stats->received < 2) {
        stats_rate_get_total(&stats->recv_rate, now_us, out);
        return;
    }
    gint64 gap = (stats->last_recv_us - stats->first_recv_us) / (gint64)(stats->received - 1);
    gint64 end = MIN(now_us, stats->last_recv_us + gap);
    stats_rate_get_total_over(&stats->recv_rate, stats->first_recv_us, end, out);
}

/* Fills out with the figures for the run from its start to now_us. */
void chanstats_get_summary(const LcChannelStats *stats, gint64 now_us, LcChannelSummary *out)
{
    g_return_if_fail(stats != NULL && out != NULL);

    *out = (LcChannelSummary){.channel = stats->channel};
    stats_rate_get_total(&stats->rate, now_us, &out->sent);
    stats_dist_get_summary(stats->rtt, &out->rtt);
    out->srtt_ms = stats_rtt_get_srtt_ms(&stats->srtt);
    out->rttvar_ms =
        stats_rtt_get_samples(&stats->srtt) > 0 ? stats_rtt_get_rttvar_ms(&stats->srtt) : NAN;
    out->jitter_ms = stats->jitter_samples > 0 ? stats_jitter_get_ms(&stats->jitter) : NAN;
    stats_dist_get_summary(stats->one_way, &out->one_way);
    stats_dist_get_summary(stats->transfer, &out->transfer);
    out->viewer_acks = stats->viewer_acks;
    stats_dist_get_summary(stats->to_viewer, &out->to_viewer);

    chanstats_get_received(stats, now_us, &out->received);
    out->frames_decoded = stats->frames_decoded;
    out->frames_corrupt = stats->frames_corrupt;
    out->frames_unreferenced = stats->frames_unreferenced;
    out->frozen_ms = (double)stats->frozen_us / 1000.0;
    out->bad_seal = stats->bad_seal;
    out->keyframe_requests = stats->keyframe_requests;
    out->frames_missing = chanstats_count_missing(stats);
    stats_dist_get_summary(stats->end_to_end, &out->end_to_end);
    stats_dist_get_summary(stats->decode, &out->decode);
    stats_dist_get_summary(stats->recovery, &out->recovery);

    chanstats_fill_deadline(stats, out);
    out->has_tcp_info = stats->has_tcp_info;
    out->tcp_info = stats->tcp_info;
}
