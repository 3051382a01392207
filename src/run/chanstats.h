/*
 * Per-channel aggregation of frame records: counters, rates, RTT, jitter,
 * one-way and end-to-end delay distributions, playout deadline, and
 * per-interval snapshots. Fed one event at a time with the frame's record
 * (its derived figures already computed); it only reads the records and
 * keeps no pointer to them. Built on the pure estimators in net/stats_*.
 *
 * A channel is measured at the sender (sent, acked by the relay, acked by a
 * viewer, lost, dropped) or at a viewer (received, decoded, corrupt); the
 * same aggregator serves both, and each side reads its own figures.
 */
#pragma once

#include <glib.h>

#include "net/stats/stats_deadline.h"
#include "net/stats/stats_dist.h"
#include "net/stats/stats_rate.h"
#include "net/stats/stats_tcpinfo.h"
#include "src/run/frame_record.h"

G_BEGIN_DECLS

typedef struct LcChannelStats LcChannelStats;

/*
 * One channel over one interval (usually a second). Times are local clock,
 * us; rates are NAN when the interval is empty, percentiles NAN without
 * samples.
 */
typedef struct {
    LcChanKind channel;
    LcStatsRateReport sent;     /* sender: counts and rates within the interval */
    LcStatsRateReport received; /* viewer: frames received count as "acked" (goodput) */
    guint64 frames_decoded;     /* viewer: decoded within the interval */
    double fps_decoded;         /* viewer: frames_decoded per second */
    double rtt_p50_ms;          /* sender: RTT of frames acked within the interval */
    double rtt_p99_ms;
    double transfer_p50_mb_s; /* sender: transfer rate of frames acked within the interval */
    double end_to_end_p50_ms; /* viewer: capture to decoded, frames decoded within the interval */
    double end_to_end_p99_ms;
} LcChannelInterval;

/* One channel over the whole run; see docs/STATS.md for every field. */
typedef struct {
    LcChanKind channel;
    /* Sender. */
    LcStatsRateReport sent;       /* counts, goodput_mbps, fps_acked over the run */
    LcStatsDistSummary rtt;       /* ms: ACK arrival - send time */
    double srtt_ms;               /* RFC 6298 SRTT; NAN before the first sample */
    double rttvar_ms;             /* RFC 6298 RTTVAR */
    double jitter_ms;             /* RFC 3550 interarrival jitter at the relay; NAN without ACKs */
    LcStatsDistSummary one_way;   /* ms: relay first byte (local clock) - send time */
    LcStatsDistSummary transfer;  /* MB/s: bytes / (ACK arrival - send time), per frame */
    guint64 viewer_acks;          /* ACKs from viewers (one per frame per viewer) */
    LcStatsDistSummary to_viewer; /* ms: capture to viewer receive, one sample per viewer ACK */
    /* Viewer. */
    LcStatsRateReport received; /* frames and bytes received, counted as "acked" */
    guint64 frames_decoded;
    guint64 frames_corrupt;        /* received but not decodable */
    guint64 frames_unreferenced;   /* H.264, of frames_corrupt: a reference was lost */
    double frozen_ms;              /* time with no new picture, gaps over 100 ms */
    guint64 bad_seal;              /* viewer, UDP: datagrams dropped for their seal */
    guint64 keyframe_requests;     /* H.264: asked for (viewer), or asked by viewers (sender) */
    guint64 frames_missing;        /* never received within the span of sequence numbers seen */
    LcStatsDistSummary end_to_end; /* ms: capture (sender) to decoded (viewer) */
    LcStatsDistSummary decode;     /* ms: decode duration */
    LcStatsDistSummary recovery;   /* ms, H.264: a reference lost to the next picture decoded */
    /* Both: the playout deadline (late + missing). */
    LcStatsDeadline deadline;
    guint64 deadline_missed;
    gboolean has_tcp_info;
    LcStatsTcpInfo tcp_info;
} LcChannelSummary;

/* A new aggregator for channel; the run starts at start_us (local clock); deadline_us > 0. */
LcChannelStats *chanstats_new(LcChanKind channel, gint64 start_us, gint64 deadline_us);
/* Frees stats. NULL is ignored. */
void chanstats_free(LcChannelStats *stats);

/* Sender: the frame was handed to the channel (record->bytes). */
void chanstats_add_sent(LcChannelStats *stats, const LcFrameRecord *record);
/* Sender: the frame was dropped before sending; it will miss the playout deadline. */
void chanstats_add_dropped(LcChannelStats *stats, const LcFrameRecord *record);
/* Sender: the frame was sent and declared lost; it will miss the playout deadline. */
void chanstats_add_lost(LcChannelStats *stats, const LcFrameRecord *record);
/* Sender: the relay acknowledged the frame (send_us, ack_us, relay_first_us, one_way_ms). */
void chanstats_add_relay_ack(LcChannelStats *stats, const LcFrameRecord *record);
/* Sender: a viewer acknowledged the frame; to_viewer_us: capture to its receive, or
 * FRAME_RECORD_TIME_UNSET. */
void chanstats_add_viewer_ack(LcChannelStats *stats, const LcFrameRecord *record,
                              gint64 to_viewer_us);
/* Viewer: the whole frame arrived (record->bytes, record->seq). */
void chanstats_add_received(LcChannelStats *stats, const LcFrameRecord *record);
/* Viewer: the frame was decoded (record->end_to_end_ms) in decode_time_us. */
void chanstats_add_decoded(LcChannelStats *stats, const LcFrameRecord *record,
                           gint64 decode_time_us);
/* Viewer: the frame arrived but could not be decoded. */
void chanstats_add_corrupt(LcChannelStats *stats, const LcFrameRecord *record);
/* H.264: a keyframe was asked for (viewer) or a viewer asked (sender). */
void chanstats_add_keyframe_request(LcChannelStats *stats);
/* Viewer, H.264: a frame not decoded because a reference was lost. */
void chanstats_add_unreferenced(LcChannelStats *stats);
/* Viewer, H.264: a picture came us after the channel lost a reference. */
void chanstats_add_recovery(LcChannelStats *stats, gint64 us);
/* Viewer: the channel showed no new picture for us (a freeze). */
void chanstats_add_frozen(LcChannelStats *stats, gint64 us);
/* Viewer: datagrams the channel dropped for their seal (forged, replayed,
 * or plain where sealed is due), so far. */
void chanstats_set_bad_seal(LcChannelStats *stats, guint64 count);
/* Attaches the kernel's view of the channel's TCP connection (latest wins). */
void chanstats_set_tcp_info(LcChannelStats *stats, const LcStatsTcpInfo *info);

/* Reports the interval that ends at now_us (local clock) and starts the next one. */
void chanstats_close_interval(LcChannelStats *stats, gint64 now_us, LcChannelInterval *out);
/* Fills out with the figures for the run from its start to now_us (local clock). */
void chanstats_get_summary(const LcChannelStats *stats, gint64 now_us, LcChannelSummary *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LcChannelStats, chanstats_free)

G_END_DECLS
